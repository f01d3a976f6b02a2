#!/bin/sh
# demo.sh: from a fresh Debian 12 machine (as root): install the build
# dependencies, build Vireo, start vireod under a temporary --root, and drive
# it with vsh: define a domain, list, show its XML.  Cleans up on exit.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
B="$top/_build"
ROOT=$(mktemp -d /tmp/vireo-demo.XXXXXX)
cleanup() {
    [ -n "${DPID:-}" ] && kill -TERM "$DPID" 2>/dev/null && sleep 0.3
    rm -rf "$ROOT"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
"$B/src/daemon/vireod" --root "$ROOT" >"$ROOT/vireod.log" 2>&1 &
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
echo "vireod is running under $ROOT (pid $DPID); connecting with $URI"
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
echo "demo finished; stopping vireod and removing $ROOT"
