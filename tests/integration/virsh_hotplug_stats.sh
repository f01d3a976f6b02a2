#!/bin/sh
# The scenario of vsh_hotplug_stats.sh driven by stock virsh (python-free
# hotplug, tuning and statistics through libvirt's own client).
HS_CLIENT=virsh exec sh "$abs_top_srcdir/tests/integration/vsh_hotplug_stats.sh"
