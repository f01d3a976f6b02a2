#!/bin/sh
# The default NAT network on a daemon's first start (and not when it would
# clash), and network autostart across daemon restarts - in private network
# namespaces, never the host's.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"
command -v dnsmasq >/dev/null || skip_all "dnsmasq not installed"
command -v nft >/dev/null || skip_all "nft not installed"
vireo_netns_setup defnet || skip_all "ip netns add is not permitted here"
v() { "$VSH" -q -c "$URI" "$@"; }

# 1. first start: 'default' is defined, autostarted, 192.168.122.1 on virbr0
VIREO_DEFINE_DEFAULT_NETWORK=1 vireo_start_in_netns defnet ||
    { check 1 "vireod starts in the namespace"; done_testing; exit 1; }
R1=$ROOT
vireo_eventually sh -c "\"$VSH\" -q -c \"$URI\" net-list --name | grep -qx default"
check $? "default network defined and active on first start"
v net-dumpxml default >"$R1/def.xml" 2>&1
grep -q "address='192.168.122.1'" "$R1/def.xml"; check $? "default is 192.168.122.0/24"
grep -q "<forward mode='nat'" "$R1/def.xml"; check $? "default is a NAT network"
ip -n "$NS" -4 addr show virbr0 2>/dev/null | grep -q 192.168.122.1
check $? "virbr0 carries 192.168.122.1 inside the namespace"
v net-info default | grep -q 'Autostart: *yes'; check $? "default is marked autostart"

# 2. autostart across restarts: destroy it, restart the daemon, it is back
v net-destroy default >/dev/null 2>&1; check $? "net-destroy default"
ip -n "$NS" link show virbr0 >/dev/null 2>&1; check "$((! $?))" "virbr0 gone"
vireo_stop
# Restarted without $VIREO_MODULE_DIR: an uninstalled vireod finds its
# netlink module in .libs next to it (as in the demo).
VIREO_DEFINE_DEFAULT_NETWORK=1 ip netns exec "$NS" \
    env -u VIREO_MODULE_DIR "$VIREOD" --root "$R1" >>"$R1/vireod.log" 2>&1 &
DPID=$!; _vireo_pids="$_vireo_pids $DPID"
vireo_wait_socket "$SOCK"; check $? "daemon restarts"
vireo_eventually sh -c "ip -n \"$NS\" -4 addr show virbr0 2>/dev/null | grep -q 192.168.122.1"
check $? "autostart network started again by the restarted daemon (uninstalled, no VIREO_MODULE_DIR)"
[ "$(v net-list --all --name | grep -c .)" = 1 ]; check $? "default not defined twice"
v net-autostart --disable default >/dev/null 2>&1
v net-destroy default >/dev/null 2>&1
vireo_stop
VIREO_DEFINE_DEFAULT_NETWORK=1 ip netns exec "$NS" "$VIREOD" --root "$R1" \
    >>"$R1/vireod.log" 2>&1 &
DPID=$!; _vireo_pids="$_vireo_pids $DPID"
vireo_wait_socket "$SOCK"
sleep 1
ip -n "$NS" link show virbr0 >/dev/null 2>&1; check "$((! $?))" "without autostart it stays inactive"
vireo_stop

# 3. a clashing host route: no default network on first start
vireo_netns_setup defclash || { check 1 "second namespace"; done_testing; exit 1; }
ip -n "$NS" link add vd0 type veth peer name vd1
ip -n "$NS" addr add 192.168.122.5/24 dev vd0
ip -n "$NS" link set vd0 up
VIREO_DEFINE_DEFAULT_NETWORK=1 vireo_start_in_netns defclash --verbose ||
    { check 1 "vireod starts in the clashing namespace"; done_testing; exit 1; }
sleep 1
[ -z "$(v net-list --all --name)" ]; check $? "no default network when 192.168.122.0/24 clashes"
grep -q "not defining the default network: 192.168.122.0/24" "$ROOT/vireod.log"
check $? "the skipped default network is logged with the clash"
done_testing
