#!/bin/sh
# vsh driving real QEMU guests (TCG) through a real vireod: start, list,
# domid/dominfo/domstate --reason, console round trip through a pipe,
# suspend/resume, reset, ACPI shutdown, destroy, start --paused,
# create (transient) and create --autodestroy, domcapabilities, and
# "vsh event --loop --all" catching the lifecycle events, ended by SIGINT.
# Needs the test guest (tests/guest/build.sh) in $VIREO_GUEST_DIR or
# /var/cache/vireo-test-guest; skipped without it or without QEMU.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

GUEST=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
[ -r "$GUEST/vmlinuz" ] && [ -r "$GUEST/initrd.img" ] ||
    skip_all "no test guest in $GUEST (run tests/guest/build.sh)"
[ -x /usr/bin/qemu-system-x86_64 ] || skip_all "qemu-system-x86_64 missing"

vireo_start vshlc || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
v() { "$VSH" -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }
EVPID=""
stop_event() { [ -n "$EVPID" ] && kill -INT "$EVPID" 2>/dev/null; }
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

# wait_state DOM STATE SECONDS: poll domstate until it prints STATE.
wait_state() {
    for _ in $(seq $(($3 * 5))); do
        [ "$(v domstate "$1" 2>/dev/null)" = "$2" ] && return 0
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

guest_xml lc1 >"$T/lc1.xml"
v define "$T/lc1.xml" >/dev/null 2>&1; check $? "define the guest"

# Events: one listener for the whole test, stopped with SIGINT at the end.
"$VSH" -c "$URI" event --loop --all --timeout 600 >"$T/events" 2>&1 &
EVPID=$!
sleep 1

v start lc1 >"$T/out" 2>&1; check $? "vsh start"
[ "$(head -1 "$T/out")" = "Domain 'lc1' started" ]; check $? "start message as virsh's"
v start lc1 >"$T/out" 2>&1; check "$((! $?))" "start of a running domain fails"
has "error: Domain is already active" "$T/out"; check $? "already active message"
v list >"$T/out" 2>&1
grep -Eq '^ *[0-9]+ +lc1 +running$' "$T/out"; check $? "list shows the running domain with its id"
ID=$(v domid lc1 | head -1)
case "$ID" in ''|*[!0-9]*) check 1 "domid is a number ($ID)" ;; *) check 0 "domid is a number" ;; esac
[ "$(v domstate --reason lc1 | head -1)" = "running (booted)" ]; check $? "domstate --reason: running (booted)"
v dominfo lc1 >"$T/out" 2>&1
has "^Id: *$ID$" "$T/out"; check $? "dominfo shows the id"
has "^CPU time: *[0-9.]*s$" "$T/out"; check $? "dominfo shows CPU time"
has "^State: *running" "$T/out"; check $? "dominfo state running"

# console_answers DOM: retry until the guest's shell answers on the console
# (TCG boot takes a while).  The typed line is "echo hi-$((40+N))"; only
# the shell's output contains hi-(40+N).
console_answers() {
    for n in $(seq 30); do
        (sleep 1; printf 'echo hi-$((40+%d))\r' "$n"; sleep 2; printf '\035') |
            v console "$1" >"$T/console" 2>&1
        grep -q "hi-$((40 + n))" "$T/console" && return 0
        sleep 2
    done
    return 1
}
console_answers lc1; check $? "console round trip through a pipe"
has "Connected to domain 'lc1'" "$T/console"; check $? "console banner"
has 'Escape character is ^] (Ctrl + ])' "$T/console"; check $? "console escape line"
[ "$(v domstate lc1 | head -1)" = running ]; check $? "domain still running after leaving the console"

v suspend lc1 >"$T/out" 2>&1; check $? "vsh suspend"
has "Domain 'lc1' suspended" "$T/out"; check $? "suspend message"
[ "$(v domstate --reason lc1 | head -1)" = "paused (user)" ]; check $? "domstate --reason: paused (user)"
v resume lc1 >"$T/out" 2>&1; check $? "vsh resume"
has "Domain 'lc1' resumed" "$T/out"; check $? "resume message"
[ "$(v domstate --reason lc1 | head -1)" = "running (unpaused)" ]; check $? "domstate --reason: running (unpaused)"
v reset lc1 >"$T/out" 2>&1; check $? "vsh reset"
has "Domain 'lc1' was reset" "$T/out"; check $? "reset message"
console_answers lc1; check $? "guest answers again after the reset"
sleep 2    # the power-button handler starts with the shell
v shutdown lc1 --mode acpi >"$T/out" 2>&1; check $? "vsh shutdown --mode acpi"
has "Domain 'lc1' is being shutdown" "$T/out"; check $? "shutdown message"
wait_state lc1 "shut off" 90; rc=$?
check $rc "ACPI shutdown completes"
[ $rc -eq 0 ] || v destroy lc1 >/dev/null 2>&1   # so the rest can go on
[ "$(v domstate --reason lc1 | head -1)" = "shut off (shutdown)" ]; check $? "domstate --reason: shut off (shutdown)"
[ "$(v domid lc1 | head -1)" = - ]; check $? "domid '-' once shut off"

v start lc1 >/dev/null 2>&1; check $? "start again"
v destroy lc1 >"$T/out" 2>&1; check $? "vsh destroy"
has "Domain 'lc1' destroyed" "$T/out"; check $? "destroy message"
[ "$(v domstate --reason lc1 | head -1)" = "shut off (destroyed)" ]; check $? "domstate --reason: shut off (destroyed)"
v destroy lc1 >"$T/out" 2>&1; check "$((! $?))" "destroy of a shut off domain fails"

v start --paused lc1 >"$T/out" 2>&1; check $? "vsh start --paused"
[ "$(v domstate lc1 | head -1)" = paused ]; check $? "start --paused leaves it paused"
v destroy --graceful lc1 >/dev/null 2>&1; check $? "destroy --graceful"

# Transient domains: create, and create --autodestroy (gone when vsh exits).
guest_xml lc2 >"$T/lc2.xml"
v create "$T/lc2.xml" >"$T/out" 2>&1; check $? "vsh create"
has "Domain 'lc2' created from $T/lc2.xml" "$T/out"; check $? "create message"
[ "$(v list --transient --name | head -1)" = lc2 ]; check $? "created domain is transient and running"
v destroy lc2 >/dev/null 2>&1; check $? "destroy the transient domain"
wait_gone lc2 10; check $? "a destroyed transient domain is gone"
guest_xml lc3 >"$T/lc3.xml"
v create --autodestroy "$T/lc3.xml" >"$T/out" 2>&1; check $? "vsh create --autodestroy"
wait_gone lc3 20; check $? "autodestroy: the domain is gone once vsh exited"

v domcapabilities --virttype qemu >"$T/out" 2>&1; check $? "vsh domcapabilities"
has "<domainCapabilities>" "$T/out"; check $? "domcapabilities XML"

# The event listener: SIGINT ends it cleanly with virsh's summary.
sleep 1
kill -INT "$EVPID"; wait "$EVPID"; EVPID=""
has "event loop interrupted" "$T/events"; check $? "event: SIGINT ends the loop"
has "^events received: [1-9]" "$T/events"; check $? "event: summary line"
for e in "Started Booted" "Suspended Paused" "Resumed Unpaused" "Stopped Shutdown" \
         "Stopped Destroyed"; do
    has "event 'lifecycle' for domain 'lc1': $e" "$T/events"; check $? "event: $e"
done
has "event 'lifecycle' for domain 'lc3': Stopped Destroyed" "$T/events"
check $? "event: autodestroy reported as Stopped Destroyed"

# One-shot: exits after the first event; --timeout without events.
v event --event lifecycle --timeout 1 >"$T/out" 2>&1; check "$((! $?))" "event --timeout without events fails"
has "event loop timed out" "$T/out"; check $? "event --timeout message"
v event lc1 --event lifecycle --timeout 30 >"$T/out" 2>&1 &
ONE=$!
sleep 1
v start lc1 >/dev/null 2>&1
wait $ONE; check $? "one-shot event exits after the first event"
[ "$(grep -c "^event 'lifecycle'" "$T/out")" = 1 ]; check $? "one-shot event prints exactly one event"
has "^events received: 1$" "$T/out"; check $? "one-shot summary"
v destroy lc1 >/dev/null 2>&1
v undefine lc1 >/dev/null 2>&1; check $? "undefine"
done_testing
