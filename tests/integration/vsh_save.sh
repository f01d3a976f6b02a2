#!/bin/sh
# vsh save / restore / managed save of a real TCG guest (tests/guest)
# through a real vireod: save --verbose (progress bar, STOPPED state
# "shut off (saved)"), save-image-dumpxml, save-image-define, restore
# (running (restored)), the guest still answers on its console with the
# shell variable it had before the save (no reboot), managedsave, dominfo
# "Managed save: yes", list --with-managed-save, start resuming from it,
# managedsave-remove.  Skipped without the test guest or QEMU.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

GUEST=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
[ -r "$GUEST/vmlinuz" ] && [ -r "$GUEST/initrd.img" ] ||
    skip_all "no test guest in $GUEST (run tests/guest/build.sh)"
[ -x /usr/bin/qemu-system-x86_64 ] || skip_all "qemu-system-x86_64 missing"

vireo_start vshsave || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
v() { "$VSH" -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }
trap 'vireo_cleanup' EXIT

cat >"$T/sv1.xml" <<XML
<domain type='qemu'>
  <name>sv1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST/vmlinuz</kernel>
    <initrd>$GUEST/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <devices><serial type='pty'/><console type='pty'/></devices>
</domain>
XML

# console_run DOM LINE PATTERN: type LINE until the output matches PATTERN.
console_run() {
    for n in $(seq 30); do
        (sleep 1; printf '%s\r' "$2"; sleep 2; printf '\035') |
            v console "$1" >"$T/console" 2>&1
        grep -q "$3" "$T/console" && return 0
        sleep 2
    done
    return 1
}

v define "$T/sv1.xml" >/dev/null 2>&1; check $? "define the guest"
v start sv1 >/dev/null 2>&1; check $? "start the guest"
console_run sv1 'MARK=vireo$((6*7)); echo $MARK' 'vireo42'
check $? "the guest shell sets a variable"

v save --verbose sv1 "$T/sv1.save" >"$T/out" 2>"$T/err"
check $? "vsh save --verbose"
has "Domain 'sv1' saved to $T/sv1.save" "$T/out"; check $? "save message"
has 'Save: \[100 %\]' "$T/err"; check $? "save --verbose draws the progress"
[ "$(v domstate --reason sv1 | head -1)" = "shut off (saved)" ]
check $? "domstate --reason: shut off (saved)"
v save-image-dumpxml "$T/sv1.save" >"$T/img.xml" 2>&1
has "<name>sv1</name>" "$T/img.xml"; check $? "save-image-dumpxml"
sed 's|<name>sv1</name>|<name>sv1</name><title>saved</title>|' "$T/img.xml" >"$T/img2.xml"
v save-image-define "$T/sv1.save" "$T/img2.xml" >"$T/out" 2>&1
has "State file $T/sv1.save updated." "$T/out"; check $? "save-image-define"
v restore "$T/sv1.save" >"$T/out" 2>&1; check $? "vsh restore"
has "Domain restored from $T/sv1.save" "$T/out"; check $? "restore message"
[ "$(v domstate --reason sv1 | head -1)" = "running (restored)" ]
check $? "domstate --reason: running (restored)"
v dumpxml sv1 | grep -q '<title>saved</title>'; check $? "runs the redefined XML"
console_run sv1 'echo got-$MARK' 'got-vireo42'
check $? "the guest kept its shell state across save/restore"

v managedsave --verbose sv1 >"$T/out" 2>&1; check $? "vsh managedsave"
has "Domain 'sv1' state saved by libvirt" "$T/out"; check $? "managedsave message"
v dominfo sv1 | grep -Eq '^Managed save: +yes$'; check $? "dominfo: Managed save: yes"
v list --all --with-managed-save >"$T/out" 2>&1 &&
    has " sv1 " "$T/out"; check $? "list --with-managed-save shows it"
v list --all --without-managed-save >"$T/out" 2>&1 &&
    ! has " sv1 " "$T/out"; check $? "list --without-managed-save hides it"
v start sv1 >/dev/null 2>&1; check $? "start from the managed save image"
[ "$(v domstate --reason sv1 | head -1)" = "running (restored)" ]
check $? "started domain is running (restored)"
v dominfo sv1 | grep -Eq '^Managed save: +no$'; check $? "image consumed"
console_run sv1 'echo again-$MARK' 'again-vireo42'
check $? "shell state survives managedsave + start"
v managedsave sv1 >/dev/null 2>&1
v undefine sv1 >"$T/out" 2>&1; check "$((! $?))" "undefine refused with a managed save image"
has "managed save" "$T/out"; check $? "refusal names the managed save image"
v managedsave-remove sv1 >"$T/out" 2>&1; check $? "vsh managedsave-remove"
has "Removed managedsave image for domain 'sv1'" "$T/out"
check $? "managedsave-remove message"
v dominfo sv1 | grep -Eq '^Managed save: +no$'; check $? "image removed"
v start sv1 >/dev/null 2>&1 && v managedsave sv1 >/dev/null 2>&1
v undefine --managed-save sv1 >/dev/null 2>&1
check $? "undefine --managed-save"
[ -z "$(ls "$T/var/lib/vireo/qemu/save")" ]; check $? "the image went with it"
done_testing
