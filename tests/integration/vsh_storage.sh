#!/bin/sh
# vsh (our client, libvireo) driving a dir storage pool of a real vireod
# end to end - the scenario of virsh_storage.sh: pool-define-as, pool-build, pool-start,
# pool-list (--all, --details), pool-info, pool-autostart, pool-dumpxml
# (validated with virt-xml-validate), pool-refresh, vol-create-as (raw;
# qcow2 with --backing-vol), vol-list (--details), vol-info, vol-clone,
# vol-resize, vol-wipe, vol-dumpxml, vol-path/key/name/pool lookups,
# vol-upload + vol-download of 50 MiB of random data (sha256 equal), the
# same with --sparse on a file with holes (checksum equal, result
# sparse), pool events, and bad input (names with '/' or '..', capacity 0
# or past the free space, unknown format, a pool whose target is
# missing) - each a clear error with nothing half-created - then
# vol-delete, pool-destroy, pool-delete, pool-undefine.  The tables and
# info outputs (pool-list plain/--details/--name/--uuid, vol-list plain/
# --details, pool-info, vol-info) are compared byte for byte with stock
# virsh on the same daemon.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

command -v virsh >/dev/null || skip_all "virsh not installed (libvirt-clients)"
[ -x "$VSH" ] || skip_all "vsh not built"
command -v qemu-img >/dev/null || skip_all "qemu-img not installed"

vireo_start vshstor || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
P=$T/pool1
v() { "$VSH" -q -c "$URI" "$@"; }
# same CMD...: vsh and stock virsh print the same bytes and status
same() {
    "$VSH" -c "$URI" "$@" >"$T/a.out" 2>&1; ra=$?
    virsh -c "$URI" "$@" >"$T/b.out" 2>&1; rb=$?
    [ "$ra" = "$rb" ] && cmp -s "$T/a.out" "$T/b.out"
    r=$?
    check $r "same output as virsh: $*"
    [ $r -eq 0 ] || diff "$T/a.out" "$T/b.out" | sed 's/^/# /' | head -10
}
has() { grep -q -- "$1" "$2"; }
EVPID=""
trap '[ -n "$EVPID" ] && kill "$EVPID" 2>/dev/null; vireo_cleanup' EXIT

"$VSH" -c "$URI" pool-event --loop --event lifecycle --timeout 120 \
    >"$T/events" 2>&1 &
EVPID=$!
sleep 1

v pool-define-as sp1 dir --target "$P" >"$T/out" 2>&1
check $? "pool-define-as sp1 dir --target"
ok "definition persisted under <config>/storage" test -f "$T/etc/vireo/storage/sp1.xml"
v pool-start sp1 >"$T/out" 2>&1
[ $? -ne 0 ] && has "$P" "$T/out"
check $? "pool-start with a missing target fails and names the target"
v pool-build sp1 >/dev/null 2>&1 && test -d "$P"
check $? "pool-build creates the target directory"
ok "pool-start" v pool-start sp1
v pool-list --all >"$T/out" 2>&1
grep -Eq '^ sp1 +active +no *$' "$T/out"; check $? "pool-list --all shows sp1 active"
v pool-list --all --details >"$T/out" 2>&1
grep -Eq '^ sp1 +running +no +yes +[0-9.]+ [KMGT]iB' "$T/out"
check $? "pool-list --all --details"
v pool-info sp1 >"$T/out" 2>&1
has 'State:          running' "$T/out" && has 'Persistent:     yes' "$T/out"
check $? "pool-info"
for a in "" --all "--all --details" --details "--all --name" "--all --uuid" \
         "--all --name --uuid" "--all --type dir" "--all --persistent"; do
    # shellcheck disable=SC2086
    same pool-list $a
done
same pool-info sp1
ok "pool-autostart" v pool-autostart sp1
v pool-info sp1 | grep -q 'Autostart:      yes'; check $? "pool-info shows autostart"
v pool-dumpxml sp1 >"$T/pool.xml" 2>&1
ok "pool-dumpxml validates (virt-xml-validate storagepool)" \
    virt-xml-validate "$T/pool.xml" storagepool
ok "pool-refresh" v pool-refresh sp1

ok "vol-create-as raw 4M" v vol-create-as sp1 base.img 4M --format raw
ok "vol-create-as qcow2 with --backing-vol" v vol-create-as sp1 top.qcow2 8M \
    --format qcow2 --backing-vol base.img --backing-vol-format raw
qemu-img info "$P/top.qcow2" >"$T/out" 2>&1
has "backing file: $P/base.img" "$T/out"; check $? "qcow2 volume has the backing file"
v vol-list sp1 >"$T/out" 2>&1
grep -Eq "^ base.img +$P/base.img" "$T/out" && grep -q "top.qcow2" "$T/out"
check $? "vol-list"
v vol-list sp1 --details >"$T/out" 2>&1
grep -Eq "^ top.qcow2 +$P/top.qcow2 +file +8.00 MiB" "$T/out"
check $? "vol-list --details"
same vol-list sp1
same vol-list sp1 --details
same vol-info --pool sp1 top.qcow2
same vol-info --pool sp1 base.img --bytes
same pool-info sp1
same pool-info sp1 --bytes
v vol-info --pool sp1 base.img >"$T/out" 2>&1
has 'Capacity:       4.00 MiB' "$T/out"; check $? "vol-info"
v vol-dumpxml --pool sp1 top.qcow2 >"$T/vol.xml" 2>&1
has "<backingStore>" "$T/vol.xml"; check $? "vol-dumpxml shows the backingStore"
ok "vol-dumpxml validates (virt-xml-validate storagevol)" \
    virt-xml-validate "$T/vol.xml" storagevol
ok "vol-clone" v vol-clone --pool sp1 base.img copy.img
ok "vol-resize grows" v vol-resize --pool sp1 copy.img 16M
v vol-info --pool sp1 copy.img | grep -q 'Capacity:       16.00 MiB'
check $? "vol-info shows the new capacity"
v vol-resize --pool sp1 copy.img 8M >"$T/out" 2>&1
[ $? -ne 0 ]; check $? "vol-resize refuses to shrink without --shrink"
ok "vol-resize --shrink" v vol-resize --pool sp1 copy.img 8M --shrink
printf 'dirty' | dd of="$P/copy.img" conv=notrunc status=none
ok "vol-wipe" v vol-wipe --pool sp1 copy.img
[ "$(head -c 5 "$P/copy.img" | od -An -c | tr -d ' ')" = '\0\0\0\0\0' ]
check $? "vol-wipe zeroed the data"
[ "$(v vol-path --pool sp1 copy.img)" = "$P/copy.img" ]; check $? "vol-path"
[ "$(v vol-key --pool sp1 copy.img)" = "$P/copy.img" ]; check $? "vol-key"
[ "$(v vol-name "$P/copy.img")" = "copy.img" ]; check $? "vol-name"
[ "$(v vol-pool "$P/copy.img")" = "sp1" ]; check $? "vol-pool"

# upload / download: 50 MiB of random data
head -c 52428800 /dev/urandom >"$T/up.bin"
ok "vol-create-as 50M" v vol-create-as sp1 big.img 50M --format raw
v vol-upload --pool sp1 big.img "$T/up.bin" 2>"$T/err"
check $? "vol-upload 50 MiB"
[ ! -s "$T/err" ]; check $? "no progress bar when stderr is not a terminal"
ok "vol-download 50 MiB" v vol-download --pool sp1 big.img "$T/down.bin"
a=$(sha256sum <"$T/up.bin"); b=$(sha256sum <"$T/down.bin")
c=$(sha256sum <"$P/big.img")
[ "$a" = "$b" ] && [ "$a" = "$c" ]; check $? "upload/download sha256 equal"
ok "vol-download --offset --length" v vol-download --pool sp1 big.img \
    "$T/part.bin" --offset 1000 --length 300000
[ "$(tail -c +1001 "$T/up.bin" | head -c 300000 | sha256sum)" = \
  "$(sha256sum <"$T/part.bin")" ]; check $? "partial download matches"

# sparse: 2 MiB of data at 10 MiB in a 30 MiB file
rm -f "$T/sp.bin"
dd if=/dev/urandom of="$T/sp.bin" bs=1M count=2 seek=10 status=none
truncate -s 30M "$T/sp.bin"
ok "vol-create-as 30M" v vol-create-as sp1 sparse.img 30M --format raw
ok "vol-upload --sparse" v vol-upload --sparse --pool sp1 sparse.img "$T/sp.bin"
ok "vol-download --sparse" v vol-download --sparse --pool sp1 sparse.img "$T/spd.bin"
[ "$(sha256sum <"$T/sp.bin")" = "$(sha256sum <"$T/spd.bin")" ]
check $? "sparse upload/download sha256 equal"
[ "$(du -k "$P/sparse.img" | cut -f1)" -lt 4096 ]
check $? "the uploaded volume is sparse"
[ "$(du -k "$T/spd.bin" | cut -f1)" -lt 4096 ]
check $? "the downloaded file is sparse"

# bad input: clear errors, nothing created
before=$(ls "$P" | sort)
bad() {
    desc=$1; pat=$2; shift 2
    v "$@" >"$T/out" 2>&1
    [ $? -ne 0 ] && grep -q -- "$pat" "$T/out" && [ "$(ls "$P" | sort)" = "$before" ]
    check $? "$desc"
    grep '^error' "$T/out" | sed 's/^/# /' | tail -1
}
bad "volume name with '/'" "must not contain '/'" vol-create-as sp1 a/b 1M
bad "volume name '..'" "invalid volume name" vol-create-as sp1 .. 1M
bad "volume name '../x'" "invalid volume name" vol-create-as sp1 ../x 1M
bad "capacity 0" "greater than 0" vol-create-as sp1 zero.img 0
bad "capacity past the free space" "not enough space" vol-create-as sp1 huge.img 100T
bad "unknown format" "unknown volume format" vol-create-as sp1 f.img 1M --format bogus
bad "existing volume name" "already" vol-create-as sp1 base.img 1M

v vol-download --pool sp1 nosuch.img "$T/nosuch.bin" >"$T/out" 2>&1
[ $? -ne 0 ] && has "failed to get vol 'nosuch.img'" "$T/out" && [ ! -e "$T/nosuch.bin" ]
check $? "vol-download of an unknown volume fails and creates no file"
v vol-upload --pool sp1 base.img "$T/missing.bin" >"$T/out" 2>&1
[ $? -ne 0 ] && has "cannot read" "$T/out"; check $? "vol-upload of a missing file"
v vol-resize --pool sp1 copy.img -1M >"$T/out" 2>&1
[ $? -ne 0 ] && has "negative size requires --shrink" "$T/out"
check $? "vol-resize with a negative size needs --shrink"
v vol-create-as sp1 m.img 12Q >"$T/out" 2>&1
[ $? -ne 0 ] && has "Malformed size 12Q" "$T/out" && [ "$(ls "$P" | sort)" = "$before" ]
check $? "malformed size"
ok "vol-delete" v vol-delete --pool sp1 copy.img
test ! -e "$P/copy.img"; check $? "the file is gone"
v vol-info /nonexistent/vol.img >"$T/out" 2>&1
[ $? -ne 0 ] && has "no storage vol with matching" "$T/out"
check $? "vol-info of an unknown path fails"
ok "pool-destroy" v pool-destroy sp1
v pool-delete sp1 >"$T/out" 2>&1
[ $? -ne 0 ]; check $? "pool-delete refuses a non-empty directory"
rm -f "$P"/*
ok "pool-delete" v pool-delete sp1
test ! -e "$P"; check $? "the target directory is gone"
ok "pool-undefine" v pool-undefine sp1
test ! -e "$T/etc/vireo/storage/sp1.xml"; check $? "definition removed"
v pool-list --all >"$T/out" 2>&1
! has sp1 "$T/out"; check $? "pool-list no longer shows sp1"
v pool-info sp1 >"$T/out" 2>&1
[ $? -ne 0 ] && has "no storage pool with matching name 'sp1'" "$T/out"
check $? "pool-info of an unknown pool"
same pool-info sp1
same vol-info /nonexistent/vol.img

sleep 0.5
kill "$EVPID" 2>/dev/null; EVPID=""
has "storage pool sp1: Defined" "$T/events" && has "storage pool sp1: Started" "$T/events" &&
    has "storage pool sp1: Stopped" "$T/events" && has "storage pool sp1: Undefined" "$T/events"
check $? "pool-event saw Defined, Started, Stopped, Undefined"
vireo_alive "$DPID"; check $? "vireod still running"
done_testing
