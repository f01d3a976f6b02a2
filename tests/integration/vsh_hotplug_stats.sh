#!/bin/sh
# Hotplug, tuning and statistics commands end to end with a TCG test guest
# (tests/guest) on a real vireod, driven by vsh (or by stock virsh when
# HS_CLIENT=virsh, see virsh_hotplug_stats.sh): attach-disk --live (the
# guest sees /sys/block/vdb), detach-disk (gone), attach-interface --live
# (/sys/class/net/eth1) and detach-interface, change-media, setmem,
# setvcpus, vcpucount, domstats and the other statistics commands with
# sane values; with vsh, the statistics tables are compared with stock
# virsh's on the same daemon (numbers that change between calls masked).
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

GUEST=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
QEMU=/usr/bin/qemu-system-x86_64
CLIENT=${HS_CLIENT:-vsh}
[ -x "$QEMU" ] || skip_all "$QEMU is not installed"
[ -f "$GUEST/vmlinuz" ] || skip_all "no test guest in $GUEST: run tests/guest/build.sh"
command -v virsh >/dev/null || skip_all "virsh not installed (libvirt-clients)"
[ -x "$VSH" ] || skip_all "vsh not built"

vireo_start "hs$CLIENT" || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
if [ "$CLIENT" = virsh ]; then
    c() { virsh -q -c "$URI" "$@"; }
else
    c() { "$VSH" -q -c "$URI" "$@"; }
fi
truncate -s 8M "$T/vda.img"; truncate -s 16M "$T/vdb.img"
truncate -s 1M "$T/one.iso"; truncate -s 2M "$T/two.iso"
cat >"$T/hs.xml" <<XML
<domain type='qemu'>
  <name>hs</name>
  <memory unit='MiB'>160</memory>
  <vcpu current='1'>2</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST/vmlinuz</kernel><initrd>$GUEST/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>$QEMU</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/><source file='$T/vda.img'/>
      <target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/><source file='$T/one.iso'/>
      <target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='user'><model type='virtio'/></interface>
    <serial type='pty'/><console type='pty'/></devices>
</domain>
XML

# guest CMD: run CMD in the guest shell on the console pty; its output on
# stdout.  guest_has PATH yes|no: poll until the path exists (or not).
guest() {
    pty=$(c dumpxml hs | grep -A1 "<console type='pty'" |
          sed -n "s/.*source path='\([^']*\)'.*/\1/p" | head -1)
    "$PY" - "$pty" "$1" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest
cons = vireotest.GuestConsole(sys.argv[1])
rc, out = cons.run(sys.argv[2], timeout=15)
cons.close()
try:
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
except BrokenPipeError:
    pass
os._exit(0)
PYEOF
}
guest_has() {
    for _ in $(seq 30); do
        if guest "test -e $1 && echo Y''ES || echo N''O" | grep -q YES; then
            [ "$2" = yes ] && return 0
        else
            [ "$2" = no ] && return 0
        fi
        sleep 1
    done
    return 1
}

ok "define" c define "$T/hs.xml"
ok "start" c start hs
for _ in $(seq 120); do guest "echo RE''ADY" | grep -q READY && break; sleep 1; done
guest "echo RE''ADY" | grep -q READY; check $? "guest shell answers on the console"

# ---- disks ----
ok "attach-disk --live vdb" c attach-disk hs "$T/vdb.img" vdb --live --targetbus virtio
ok "the guest sees /sys/block/vdb" guest_has /sys/block/vdb yes
c domblklist hs >"$T/out"; grep -q "vdb .*$T/vdb.img" "$T/out"; check $? "domblklist shows vdb"
c dumpxml --inactive hs | grep -q vdb; check $((! $?)) "--live left the definition alone"
ok "detach-disk --live vdb" c detach-disk hs vdb --live
ok "vdb is gone in the guest" guest_has /sys/block/vdb no
c detach-disk hs vdx >"$T/out" 2>&1; [ $? -ne 0 ] && grep -q 'No disk found' "$T/out"
check $? "detach-disk of an unknown target fails clearly"
ok "attach-disk --config" c attach-disk hs "$T/vdb.img" vdb --config --targetbus virtio
c dumpxml --inactive hs | grep -q vdb && ! c dumpxml hs | grep -q "dev='vdb'"
check $? "--config changed only the definition"
ok "detach-disk --config" c detach-disk hs vdb --config

# ---- interfaces ----
# virsh 9.0's attach-interface has no type user: virsh uses attach-device
cat >"$T/nic.xml" <<XML
<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>
XML
if [ "$CLIENT" = vsh ]; then
    ok "attach-interface --live user" c attach-interface hs user none \
        --model virtio --mac 52:54:00:aa:bb:01 --live
else
    ok "attach-device --live of a user interface" c attach-device hs "$T/nic.xml" --live
fi
ok "the guest sees /sys/class/net/eth1" guest_has /sys/class/net/eth1 yes
ok "detach-interface --mac --live" c detach-interface hs user --mac 52:54:00:aa:bb:01 --live
ok "eth1 is gone in the guest" guest_has /sys/class/net/eth1 no

# ---- media ----
ok "change-media --update" c change-media hs hdc "$T/two.iso" --update
c domblkinfo hs hdc >"$T/out"; grep -q '^Capacity: *2097152$' "$T/out"
check $? "domblkinfo hdc shows the 2 MiB medium"
ok "change-media --eject" c change-media hs hdc --eject
ok "change-media --insert" c change-media hs hdc "$T/one.iso" --insert

# ---- memory and vCPUs ----
ok "setmem 120M --live" c setmem hs 120M --live
sleep 2
c dommemstat hs >"$T/out"; grep -q '^actual 122880$' "$T/out" && grep -q '^rss [1-9]' "$T/out"
check $? "dommemstat: actual 122880 and rss"
c setmaxmem hs 150M --live >"$T/out" 2>&1; check $((! $?)) "setmaxmem --live is refused"
ok "setmaxmem --config" c setmaxmem hs 150M --config
ok "setvcpus 2 --live" c setvcpus hs 2 --live
guest "cat /sys/devices/system/cpu/present" | grep -q '0-1'; check $? "the guest has CPUs 0-1"
c vcpucount hs >"$T/out"
grep -Eq '^current +live +2$' "$T/out" && grep -Eq '^maximum +config +2$' "$T/out"
check $? "vcpucount table"
c setvcpus hs 3 --live >/dev/null 2>&1; check $((! $?)) "more vCPUs than the maximum are refused"

# ---- statistics ----
c domstats hs >"$T/out"
grep -q "^Domain: 'hs'" "$T/out" && grep -q '^  state.state=1$' "$T/out" &&
    grep -q '^  balloon.current=122880$' "$T/out" && grep -q '^  vcpu.current=2$' "$T/out" &&
    grep -q '^  block.0.name=vda$' "$T/out" && grep -Eq '^  cpu.time=[1-9]' "$T/out"
check $? "domstats fields"
c domstats --state hs hs >"$T/out"
[ "$(grep -c "^Domain: 'hs'" "$T/out")" = 2 ] && ! grep -q cpu.time "$T/out"
check $? "domstats --state with the domain named twice"
c domblkstat hs vda >"$T/out"; grep -Eq '^vda rd_req [1-9]' "$T/out"; check $? "domblkstat vda"
c domifstat hs nosuch0 >/dev/null 2>&1; check $((! $?)) "domifstat of an unknown interface fails"
c vcpuinfo hs >"$T/out"; [ "$(grep -c '^VCPU:' "$T/out")" = 2 ]; check $? "vcpuinfo: two vCPUs"
c nodecpustats >"$T/out"; grep -Eq '^idle: +[1-9]' "$T/out"; check $? "nodecpustats"
c nodememstats >"$T/out"; grep -Eq '^total  : +[1-9][0-9]* KiB$' "$T/out"; check $? "nodememstats"

if [ "$CLIENT" = vsh ]; then
    # same CMD...: vsh and virsh print the same bytes once the figures
    # that move between calls are masked (vcpuinfo's "CPU:" is the host
    # CPU the vCPU thread last ran on).
    mask() { sed -E 's/(time|cpu\.|rss|rd_|wr_|flush|bytes|packets|requests|user|system|idle|iowait|free|cached|buffers|allocation|physical|last_update|minor_fault|major_fault|unused|available|usable|disk_caches)([^ =]*)([ =:]+) *[0-9.]+s?/\1\2\3N/g
               s/^(CPU: +)[0-9]+$/\1N/' "$1"; }
    same() {
        "$VSH" -c "$URI" "$@" >"$T/a.out" 2>&1; ra=$?
        virsh -c "$URI" "$@" >"$T/b.out" 2>&1; rb=$?
        mask "$T/a.out" >"$T/a.m"; mask "$T/b.out" >"$T/b.m"
        [ "$ra" = "$rb" ] && cmp -s "$T/a.m" "$T/b.m"
        r=$?
        check $r "same output as virsh: $*"
        [ $r -eq 0 ] || diff "$T/a.m" "$T/b.m" | sed 's/^/# /' | head -10
    }
    same domstats
    same domstats hs --state --balloon --vcpu --block --interface
    same domstats --list-shutoff
    same dommemstat hs
    same domblkstat hs vda
    same domblkstat hs
    same domblkinfo hs vda
    same domblkinfo hs --all
    same domblklist hs
    same domblklist hs --details
    same vcpuinfo hs
    same vcpucount hs
    same vcpucount hs --maximum --config
    same nodememstats
    same nodecpustats
    same domifstat hs nosuch0
fi

ok "destroy" c destroy hs
c domstats hs >"$T/out"; grep -q '^  state.state=5$' "$T/out" && ! grep -q cpu.time "$T/out"
check $? "domstats of a shut-off domain"
c setmem hs 100M --live >"$T/out" 2>&1; check $((! $?)) "setmem --live of a shut-off domain fails"
# virsh without flags calls the old SET_MEMORY (live only in libvirt too);
# vsh sends SET_MEMORY_FLAGS with CURRENT, i.e. the definition here.
if [ "$CLIENT" = vsh ]; then
    ok "setmem without flags on a shut-off domain" c setmem hs 100M
else
    ok "setmem --config on a shut-off domain" c setmem hs 100M --config
fi
c dumpxml hs | grep -q "<currentMemory unit='KiB'>102400"; check $? "the definition has 100 MiB"
[ "$CLIENT" = vsh ] && { same vcpuinfo hs; same vcpucount hs; }
ok "undefine" c undefine hs
done_testing
