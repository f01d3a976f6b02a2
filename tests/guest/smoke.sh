#!/bin/bash
# tests/guest/smoke.sh: builds (or reuses) the test guest and boots it with a
# plain QEMU command line under TCG: boot marker, DHCP lease from QEMU's user
# network, a command on the serial console, and ACPI power-off through QMP
# system_powerdown (QEMU must exit by itself).  Emits TAP.
# Environment: VIREO_GUEST_DIR (image cache), QEMU (binary to use).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/tap.sh"
PY=/usr/bin/python3
QEMU=${QEMU:-qemu-system-x86_64}
CMDLINE='console=ttyS0 quiet panic=-1'

[ "$(id -u)" = 0 ] || skip_all "needs root (apt-get download)"
[ -x "$PY" ] || skip_all "needs $PY"

T=$(mktemp -d /tmp/vireo-guest-smoke.XXXXXX)
QPID=
RPID=
stop_pid() { # PID: TERM, then KILL when it lingers
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
    kill "$1" 2>/dev/null
    for _ in 1 2 3 4 5; do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -9 "$1" 2>/dev/null
}
cleanup() {
    stop_pid "$QPID"
    stop_pid "$RPID"
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v "$QEMU" >/dev/null 2>&1; then
    diag "installing qemu-system-x86"
    apt-get install -y -q qemu-system-x86 >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          apt-get install -y -q qemu-system-x86 >/dev/null 2>&1; }
    command -v "$QEMU" >/dev/null 2>&1 || skip_all "no $QEMU"
fi

out=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
start=$(date +%s.%N)
"$here/build.sh" "$out" >"$T/build.log" 2>&1
check $? "build.sh produces the guest"
sed 's/^/# /' "$T/build.log"
diag "build/reuse took $($PY -c "print('%.1f' % ($(date +%s.%N) - $start))") s"
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]
check $? "vmlinuz and initrd.img exist"
diag "vmlinuz $(($(stat -c %s "$out/vmlinuz") / 1024)) KiB," \
    "initrd.img $(($(stat -c %s "$out/initrd.img") / 1024)) KiB"
"$here/build.sh" "$out" | grep -q '^guest: cached ('
check $? "second build.sh run reuses the cached guest"

# wait_for PATTERN TIMEOUT: until a line of the serial log matches (ERE)
wait_for() {
    local end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -lt "$end" ]; do
        [ -f "$T/serial.log" ] &&
            tr -d '\r' <"$T/serial.log" | grep -Eq "$1" && return 0
        kill -0 "$QPID" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# serial_send TEXT: type TEXT and a newline on the guest's serial console
serial_send() {
    printf '%s\n' "$1" >"$T/serial.in"
}

# qmp CMD...: send qmp_capabilities then each command; print the replies
qmp() {
    "$PY" - "$T/qmp.sock" "$@" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())                      # greeting
failed = False
for cmd in ["qmp_capabilities"] + sys.argv[2:]:
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:
        msg = json.loads(f.readline())
        if "return" in msg or "error" in msg:
            print(json.dumps(msg))
            failed = failed or "error" in msg
            break
sys.exit(1 if failed else 0)
EOF
}

# The serial console relay: one client stays connected to QEMU's serial
# socket for the whole run (QEMU 7.2 duplicates a byte in a chardev logfile
# when a client disconnects), logs what the guest prints to $T/serial.log
# and forwards what is written to the FIFO $T/serial.in.  Exits with QEMU.
start_relay() {
    "$PY" - "$T/serial.sock" "$T/serial.log" "$T/serial.in" <<'EOF' &
import os, socket, sys, threading, time
path, log_path, fifo = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for _ in range(200):
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("serial socket never appeared")
def pump_in():
    fd = os.open(fifo, os.O_RDWR)          # never sees EOF
    while True:
        s.sendall(os.read(fd, 4096))
threading.Thread(target=pump_in, daemon=True).start()
with open(log_path, "ab", buffering=0) as log:
    while True:
        data = s.recv(4096)
        if not data:
            break
        log.write(data)
EOF
    RPID=$!
}

# start_qemu APPEND: boot the guest in the background (QPID); QEMU waits for
# the relay to connect to the serial socket before it starts the guest
start_qemu() {
    rm -f "$T/serial.log" "$T/serial.sock" "$T/qmp.sock" "$T/serial.in"
    mkfifo "$T/serial.in"
    : >"$T/serial.log"
    "$QEMU" -machine pc,accel=tcg -m 128 -nodefaults -no-user-config \
        -display none \
        -chardev "socket,id=ser0,path=$T/serial.sock,server=on,wait=on" \
        -serial chardev:ser0 \
        -kernel "$out/vmlinuz" -initrd "$out/initrd.img" -append "$1" \
        -netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
        -qmp "unix:$T/qmp.sock,server=on,wait=off" >"$T/qemu.log" 2>&1 &
    QPID=$!
    start_relay
}

t0=$(date +%s.%N)
start_qemu "$CMDLINE"

wait_for '^VIREO-GUEST-READY$' 60
rc=$?
boot=$($PY -c "print('%.1f' % ($(date +%s.%N) - $t0))")
check $rc "guest prints VIREO-GUEST-READY on ttyS0"
diag "boot time (QEMU start to marker, TCG): $boot s"
if [ $rc -ne 0 ]; then
    sed 's/^/# qemu: /' "$T/qemu.log"
    tr -d '\r' <"$T/serial.log" | tail -20 | sed 's/^/# serial: /'
fi

wait_for '^VIREO-GUEST-IP eth0 10\.0\.2\.15$' 30
check $? "DHCP lease reported: VIREO-GUEST-IP eth0 10.0.2.15"

grep -q 'VIREO-GUEST-WARN' "$T/serial.log"
check "$((1 - $?))" "no VIREO-GUEST-WARN (all modules loaded)"

word="hello-$RANDOM$RANDOM"
serial_send "echo $word"
wait_for "^$word\$" 20
check $? "console shell answers 'echo $word'"

serial_send "ip -o -4 addr show dev eth0 | awk '{print \"ADDR\", \$4}'; ip route; cat /etc/resolv.conf"
wait_for '^ADDR 10\.0\.2\.15/24$' 20
check $? "eth0 has 10.0.2.15/24 (read back through the console)"
wait_for '^default via 10\.0\.2\.2 dev eth0' 5
check $? "default route via 10.0.2.2"
wait_for '^nameserver 10\.0\.2\.3$' 5
check $? "resolv.conf names 10.0.2.3"

qmp query-status >"$T/qmp.out" 2>&1
grep -q '"running"' "$T/qmp.out"
check $? "QMP answers query-status: running"

tp=$(date +%s.%N)
qmp system_powerdown >>"$T/qmp.out" 2>&1
check $? "QMP system_powerdown accepted"
gone=1
for _ in $(seq 1 100); do
    kill -0 "$QPID" 2>/dev/null || { gone=0; break; }
    sleep 0.2
done
check $gone "QEMU exits by itself within 20 s of system_powerdown"
if [ $gone -eq 0 ]; then
    wait "$QPID"
    check $? "QEMU exit status is 0"
    QPID=
    wait "$RPID"
    RPID=
    diag "power-off took $($PY -c "print('%.1f' % ($(date +%s.%N) - $tp))") s"
else
    tr -d '\r' <"$T/serial.log" | tail -10 | sed 's/^/# serial: /'
fi


# Second boot: vireo.counter=1 prints VIREO-COUNT <n> every second.
start_qemu "$CMDLINE vireo.counter=1"
wait_for '^VIREO-COUNT 3$' 60
check $? "vireo.counter=1 prints VIREO-COUNT lines"
tr -d '\r' <"$T/serial.log" | grep '^VIREO-COUNT ' | head -4 |
    awk '{ if ($2 != NR - 1) bad = 1 } END { exit bad || NR != 4 }'
check $? "VIREO-COUNT counts 0, 1, 2, 3 on lines of their own"
serial_send poweroff
gone=1
for _ in $(seq 1 100); do
    kill -0 "$QPID" 2>/dev/null || { gone=0; break; }
    sleep 0.2
done
check $gone "'poweroff' typed on the console powers the guest off"
[ $gone -eq 0 ] || qmp quit >/dev/null 2>&1
wait "$QPID" 2>/dev/null
QPID=
stop_pid "$RPID"
RPID=

done_testing
