#!/bin/sh
# demo.sh: from a fresh Debian 12 machine (as root): install the build
# dependencies, build Vireo, start vireod under a temporary --root inside a
# private network namespace (the host's own network is never touched), and
# drive it with vsh: define a domain, list, show its XML, then create a NAT
# virtual network and boot a small guest on it, showing its console and its
# DHCP lease.  Cleans up everything on exit.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
"$top/tests/guest/build.sh"      # the small TCG guest (cached)
GUEST=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
B="$top/_build"
ROOT=$(mktemp -d /tmp/vireo-demo.XXXXXX)
chmod 711 "$ROOT"
NS="vireo-demo-$$"
cleanup() {
    [ -n "${DPID:-}" ] && kill -TERM "$DPID" 2>/dev/null && sleep 0.5
    # anything still running in the demo's namespace (QEMU, dnsmasq)
    for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NS" 2>/dev/null
    rm -rf "$ROOT"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" "$B/src/daemon/vireod" --root "$ROOT" >"$ROOT/vireod.log" 2>&1 &
DPID=$!
URI="qemu+unix:///system?socket=$ROOT/run/vireo/vireo-sock"
for _ in $(seq 100); do [ -S "$ROOT/run/vireo/vireo-sock" ] && break; sleep 0.05; done
vsh() { say "vsh $*"; "$B/tools/virsh-like/vsh" -c "$URI" "$@"; }

cat >"$ROOT/demo1.xml" <<'XML'
<domain type='qemu'>
  <name>demo1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/vireo/images/demo1.qcow2'/>
      <driver name='qemu' type='qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'><model type='virtio'/></interface>
    <console type='pty'/>
  </devices>
</domain>
XML
echo "vireod is running under $ROOT in network namespace $NS (pid $DPID);"
echo "connecting with $URI"
vsh version
vsh define "$ROOT/demo1.xml"
vsh list --all
vsh dominfo demo1
vsh dumpxml demo1
vsh autostart demo1
vsh list --all --autostart
say "stock virsh works too: virsh -c '$URI' list --all"
virsh -c "$URI" list --all
vsh undefine demo1

# A NAT virtual network (bridge, nftables table, dnsmasq) inside the namespace.
cat >"$ROOT/demonet.xml" <<'XML'
<network>
  <name>demonet</name>
  <forward mode='nat'/>
  <bridge name='virbr-demo' stp='on' delay='0'/>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.150.10' end='192.168.150.99'/></dhcp>
  </ip>
</network>
XML
vsh net-define "$ROOT/demonet.xml"
vsh net-start demonet
vsh net-list --all

# Boot a real guest (TCG) on the network and read its serial console.
cat >"$ROOT/guest1.xml" <<XML
<domain type='qemu'>
  <name>guest1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST/vmlinuz</kernel>
    <initrd>$GUEST/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <interface type='network'><source network='demonet'/><model type='virtio'/></interface>
    <serial type='pty'/>
    <console type='pty'/>
  </devices>
</domain>
XML
vsh define "$ROOT/guest1.xml"
vsh start guest1
vsh list
say "vsh console guest1   (typing 'ip addr show eth0' into the guest's shell)"
{ sleep 15; printf 'ip addr show eth0\r'; sleep 3; printf '\035'; } |
    "$B/tools/virsh-like/vsh" -c "$URI" console guest1 | tr -d '\r' |
    sed 's/\x1b\[6n//g' | tail -n 25
vsh net-dhcp-leases demonet
vsh domiflist guest1
vsh domifaddr guest1
vsh dominfo guest1
vsh shutdown guest1
for _ in $(seq 60); do
    [ "$("$B/tools/virsh-like/vsh" -c "$URI" domstate guest1 | head -1)" = "shut off" ] && break
    sleep 0.5
done
vsh domstate --reason guest1
vsh undefine guest1
vsh net-destroy demonet
vsh net-undefine demonet
echo "demo finished; stopping vireod, removing $NS and $ROOT"
