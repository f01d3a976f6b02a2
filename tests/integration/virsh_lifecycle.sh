#!/bin/sh
# Stock virsh (Debian's libvirt-clients 9.0) driving real QEMU guests (TCG)
# through a real vireod: start, domstate --reason, list, suspend/resume,
# `virsh console` round trip (through script(1)), `virsh event --loop --all`
# catching Started/Suspended/Resumed/Stopped, destroy, create (transient),
# start --paused, start --autodestroy, domcapabilities.
# Needs the test guest (tests/guest/build.sh) in $VIREO_GUEST_DIR or
# /var/cache/vireo-test-guest; skipped without it, QEMU, virsh or script.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

GUEST=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
[ -r "$GUEST/vmlinuz" ] && [ -r "$GUEST/initrd.img" ] ||
    skip_all "no test guest in $GUEST (run tests/guest/build.sh)"
[ -x /usr/bin/qemu-system-x86_64 ] || skip_all "qemu-system-x86_64 missing"
command -v virsh >/dev/null || skip_all "virsh not installed (libvirt-clients)"
command -v script >/dev/null || skip_all "script(1) missing (bsdutils)"

vireo_start virshlc || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
v() { virsh -q -c "$URI" "$@"; }
vv() { virsh -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }
EVPID=""
stop_event() { [ -n "$EVPID" ] && kill "$EVPID" 2>/dev/null; }
trap 'stop_event; vireo_cleanup' EXIT

guest_xml() {
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
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
    <serial type='pty'/>
    <console type='pty'/>
  </devices>
</domain>
XML
}

# wait_for FILE PATTERN SECONDS: poll until FILE has a line matching PATTERN.
wait_for() {
    for _ in $(seq $(($3 * 5))); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# wait_gone DOM SECONDS: poll until the domain no longer exists.
wait_gone() {
    for _ in $(seq $(($2 * 5))); do
        v list --all --name 2>/dev/null | grep -qx "$1" || return 0
        sleep 0.2
    done
    return 1
}

guest_xml vl1 >"$T/vl1.xml"
v define "$T/vl1.xml" >/dev/null 2>&1; check $? "virsh define the guest"

# One event listener for the whole test (it exits at its timeout or when
# killed at the end).
virsh -c "$URI" event --loop --all --timeout 300 >"$T/events" 2>&1 &
EVPID=$!
sleep 1

vv start vl1 >"$T/out" 2>&1; check $? "virsh start"
has "Domain 'vl1' started" "$T/out"; check $? "start message"
v list >"$T/out" 2>&1
grep -Eq '^ *[0-9]+ +vl1 +running$' "$T/out"
check $? "list shows vl1 running with an id"
[ "$(v domstate --reason vl1)" = "running (booted)" ]
check $? "domstate --reason: running (booted)"
v dominfo vl1 >"$T/out" 2>&1
grep -Eq '^Id: +[0-9]+' "$T/out"; check $? "dominfo shows an id"

v suspend vl1 >/dev/null 2>&1; check $? "virsh suspend"
[ "$(v domstate vl1)" = "paused" ]; check $? "domstate paused"
v resume vl1 >/dev/null 2>&1; check $? "virsh resume"
[ "$(v domstate vl1)" = "running" ]; check $? "domstate running again"

# Console: wait for the guest's marker, then type a command and read its
# echo back; Ctrl-] (\035) leaves.  script(1) gives virsh a terminal.
TOKEN="hi-$$-$(date +%s)"
(sleep 25; printf '\r'; sleep 1; printf 'echo %s\r' "$TOKEN"; sleep 4;
 printf '\035') |
    timeout 60 script -qfc "virsh -c '$URI' console vl1" "$T/console" \
    >/dev/null 2>&1
check $? "virsh console exits on Ctrl-]"
has "VIREO-GUEST-READY" "$T/console"; check $? "console shows the guest's boot marker"
grep -a "$TOKEN" "$T/console" | grep -av "echo" | grep -q "$TOKEN"
check $? "console round trip: the guest echoed the token"
[ "$(v domstate vl1)" = "running" ]; check $? "guest still running after console"

vv destroy vl1 >"$T/out" 2>&1; check $? "virsh destroy"
has "Domain 'vl1' destroyed" "$T/out"; check $? "destroy message"
[ "$(v domstate --reason vl1)" = "shut off (destroyed)" ]
check $? "domstate --reason after destroy"
v destroy vl1 >"$T/out" 2>&1
check "$((! $?))" "destroy of a stopped domain fails"

wait_for "$T/events" "Stopped Destroyed" 10
for e in "Started Booted" "Suspended Paused" "Resumed Unpaused" \
         "Stopped Destroyed"; do
    has "event 'lifecycle' for domain 'vl1': $e" "$T/events"
    check $? "event: $e"
done

# start --paused
v start --paused vl1 >/dev/null 2>&1; check $? "virsh start --paused"
[ "$(v domstate --reason vl1)" = "paused (user)" ] || [ "$(v domstate vl1)" = paused ]
check $? "domstate paused after start --paused"
v destroy vl1 >/dev/null 2>&1; check $? "destroy the paused domain"

# start --autodestroy: the domain goes when virsh's connection closes.
v start --autodestroy vl1 >/dev/null 2>&1; check $? "virsh start --autodestroy"
for _ in $(seq 50); do [ "$(v domstate vl1)" = "shut off" ] && break; sleep 0.2; done
[ "$(v domstate vl1)" = "shut off" ]; check $? "autodestroy: domain stopped when virsh exited"

# create (transient) then destroy removes it
guest_xml vt1 >"$T/vt1.xml"
vv create "$T/vt1.xml" >"$T/out" 2>&1; check $? "virsh create (transient)"
has "Domain 'vt1' created" "$T/out"; check $? "create message"
v list --transient --name >"$T/out"; has vt1 "$T/out"; check $? "list --transient shows vt1"
v destroy vt1 >/dev/null 2>&1; check $? "destroy the transient domain"
wait_gone vt1 10; check $? "transient domain gone after destroy"

v domcapabilities >"$T/domcaps.xml" 2>&1; check $? "virsh domcapabilities"
/usr/bin/python3 -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1])
sys.exit(d.documentElement.tagName != "domainCapabilities")' \
    "$T/domcaps.xml" 2>/dev/null
check $? "domcapabilities is well-formed <domainCapabilities>"

virsh -q -c "$URI_RO" start vl1 >"$T/out" 2>&1; check "$((! $?))" "read-only socket refuses start"
has "read only access prevents" "$T/out"; check $? "read-only refusal message"
# virsh exits 1 when --timeout ends the loop; what matters is no error.
virsh -q -c "$URI_RO" event --loop --event lifecycle --timeout 1 >"$T/out" 2>&1
has "events received: 0" "$T/out" && ! has "error" "$T/out"
check $? "read-only socket allows event registration"
virsh -q -c "$URI_RO" console vl1 >"$T/out" 2>&1 </dev/null
check "$((! $?))" "read-only socket refuses console"

stop_event
EVPID=""
done_testing
