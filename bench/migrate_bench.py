#!/usr/bin/python3
"""migrate_bench.py: migration downtime of a 256 MiB TCG guest between two
vireods in two network namespaces (veth), N runs back and forth; prints
downtime (QEMU's query-migrate "downtime" after completion, via the
completed job stats) and total time.  libvirtd is not measured: two
libvirtds need two hosts (a same-host migration is refused by host UUID,
and both would share /etc/libvirt and /run/libvirt).

    abs_top_srcdir=... abs_top_builddir=... bench/migrate_bench.py [N]
"""
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402
import libvirt  # noqa: E402

GUEST = os.environ.get("VIREO_GUEST_DIR", "/var/cache/vireo-test-guest")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 5
libvirt.registerErrorHandler(lambda *a: None, None)
tag = "%d" % os.getpid()
a, b = vireotest.Netns("vireo-mba-" + tag), vireotest.Netns("vireo-mbb-" + tag)
a.ip("link", "add", "vmb0", "type", "veth", "peer", "name", "vmb1",
     "netns", b.name)
a.ip("addr", "add", "10.98.1.1/24", "dev", "vmb0")
a.ip("link", "set", "vmb0", "up")
b.ip("addr", "add", "10.98.1.2/24", "dev", "vmb1")
b.ip("link", "set", "vmb1", "up")
daemons = []
for name, ns, ip in (("mb-a", a, "10.98.1.1"), ("mb-b", b, "10.98.1.2")):
    d = vireotest.NetnsDaemon(name, ns.name)
    os.environ["VIREOD_MIGRATION_HOST"] = ip
    daemons.append(d.start())
conns = [libvirt.open(d.uri) for d in daemons]
xml = """<domain type='qemu'><name>bench</name>
  <memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>%s</kernel>
  <initrd>%s</initrd><cmdline>console=ttyS0 quiet vireo.counter=1</cmdline>
  </os><devices><serial type='pty'/><console type='pty'/></devices>
</domain>""" % (os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"))
dom = conns[0].createXML(xml, 0)
con = vireotest.GuestConsole(re.search(r"<console type='pty'>\s*<source "
                                       r"path='([^']+)'",
                                       dom.XMLDesc(0)).group(1))
con.wait(rb"VIREO-GUEST-READY", 120)
down, total = [], []
for i in range(N):
    s, d = conns[i % 2], conns[(i + 1) % 2]
    dom = s.lookupByName("bench")
    t0 = time.monotonic()
    new = dom.migrate3(d, {}, libvirt.VIR_MIGRATE_LIVE)
    total.append((time.monotonic() - t0) * 1000)
    down.append(new.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
                ["downtime"])
print("vireod migration, 256 MiB TCG guest, %d runs over veth" % N)
print("downtime ms: median %.0f min %d max %d" % (statistics.median(down),
                                                  min(down), max(down)))
print("total ms:    median %.0f" % statistics.median(total))
conns[N % 2].lookupByName("bench").destroy()
