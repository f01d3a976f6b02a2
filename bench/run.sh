#!/bin/bash
# Vireo benchmarks: vireod against Debian's libvirtd 9.0, same machine, same
# run.  Prints a markdown table (figure | vireod | libvirtd | ratio) and saves
# it to bench/results-latest.md.  Run by hand as root; see bench/README.md.
#
#   bench/run.sh [BUILD_DIR]       BUILD_DIR holds src/daemon/vireod (default .)
#   bench/run.sh --vm [BUILD_DIR]  guest start/stop figures instead (vm_bench.py,
#                                  saved to bench/results-vm-latest.md)
#   bench/run.sh --remote [BUILD_DIR]  qemu+ssh to loopback (remote_bench.py,
#                                  saved to bench/results-remote-latest.md)
#   bench/run.sh --save [BUILD_DIR]  save/restore/managed save of a 256 MiB
#                                  guest (save_bench.py, saved to
#                                  bench/results-save-latest.md)
#   bench/run.sh --migrate [BUILD_DIR]  live migration of a 256 MiB guest:
#                                  two libvirtds (bench/ref_libvirtd_ns.sh),
#                                  then two vireods, each pair in two network
#                                  namespaces (migrate_bench.py, saved to
#                                  bench/results-migrate-latest.md)
#   bench/run.sh --storage [BUILD_DIR]  vol-upload / vol-download of 1 GiB
#                                  and a local cp (storage_bench.py, saved
#                                  to bench/results-storage-latest.md)
#
# Environment:
#   VIREOD        vireod binary (default BUILD_DIR/src/daemon/vireod)
#   REF_LIBVIRTD  ref-libvirtd.sh (default ../shared/bench/ref-libvirtd.sh,
#                 relative to the repository); REAPER: reaper.py beside it
#   ONLY          vireod | libvirtd: measure one side only (table not saved)
#   COUNT         domains to define (default 1000)
#   KEEP_REF=1    skip `ref-libvirtd.sh teardown` at the end
#   KVM_NODE=0    do not give libvirtd its private /dev/kvm node (see kvm_node)
#   PROFILE=0     --vm: skip the debug-log pass over vireod's start phases
#   RUNS          --migrate: migrations per daemon pair (default 6);
#                 --storage: runs per figure (default 5)
#   VSH           --storage: vsh binary (default BUILD_DIR/tools/virsh-like/vsh)
#
# Cleanup on any exit: daemons stopped, temporary roots removed, bench-*
# domains undefined from libvirtd, ref-libvirtd.sh teardown.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
MODE=domains
if [ "${1:-}" = --vm ]; then MODE=vm; shift; fi
if [ "${1:-}" = --remote ]; then MODE=remote; shift; fi
if [ "${1:-}" = --save ]; then MODE=save; shift; fi
if [ "${1:-}" = --migrate ]; then MODE=migrate; shift; fi
if [ "${1:-}" = --storage ]; then MODE=storage; shift; fi
BUILD=${1:-.}
VIREOD=${VIREOD:-$BUILD/src/daemon/vireod}
REF_LIBVIRTD=${REF_LIBVIRTD:-$REPO/../shared/bench/ref-libvirtd.sh}
REAPER=${REAPER:-$(dirname "$REF_LIBVIRTD")/reaper.py}
ONLY=${ONLY:-both}
COUNT_SET=${COUNT:-}
COUNT=${COUNT:-1000}
PY=/usr/bin/python3
REF_URI=qemu:///system

WORK=$(mktemp -d /tmp/vireo-bench.XXXXXX)
VROOT="$WORK/root"
VURI="qemu+unix:///system?socket=$VROOT/run/vireo/vireo-sock"
VREAPER=""          # pid of reaper.py running vireod
BPID=""             # pid of the running bench.py
REF_SETUP=0         # we ran ref-libvirtd.sh setup
REF_DOMAINS=0       # bench-* domains may be defined in libvirtd
REF_POOL=0          # the bench-storage pool may be defined in libvirtd
REF_NS="$HERE/ref_libvirtd_ns.sh"
MIG_SETUP=0         # ref_libvirtd_ns.sh setup ran (--migrate)

say() { echo "run.sh: $*" >&2; }
die() { say "$*"; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# bench.py runs in the background so that a SIGTERM to run.sh is handled at
# once (bash runs traps only between foreground commands)
bench_py() {
    "$PY" "$HERE/bench.py" "$@" &
    BPID=$!
    wait "$BPID"
    BPID=""
}

remote_py() {
    "$PY" "$HERE/remote_bench.py" "$@" &
    BPID=$!
    wait "$BPID"
    BPID=""
}

save_py() {
    "$PY" "$HERE/save_bench.py" "$@" &
    BPID=$!
    wait "$BPID"
    BPID=""
}

mig_py() {
    "$PY" "$HERE/migrate_bench.py" "$@" &
    BPID=$!
    wait "$BPID"
    BPID=""
}

storage_py() {
    "$PY" "$HERE/storage_bench.py" "$@" &
    BPID=$!
    wait "$BPID"
    BPID=""
}

vm_py() {
    "$PY" "$HERE/vm_bench.py" "$@" &
    BPID=$!
    wait "$BPID"
    BPID=""
}

stop_pid() {  # pid: SIGTERM, wait up to 30 s, then SIGKILL
    local i
    alive "$1" || return 0
    kill -TERM "$1" 2>/dev/null || true
    for i in $(seq 1 600); do alive "$1" || return 0; sleep 0.05; done
    say "pid $1 did not exit; SIGKILL"
    kill -KILL "$1" 2>/dev/null || true
}

cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    set +e
    stop_pid "$BPID"
    # vireod leaves its QEMUs running when it stops: destroy them first,
    # then kill by pid any QEMU left with its monitor under $VROOT/run
    if alive "$VREAPER" && [ "$MODE" = vm ]; then
        vm_py cleanup --uri "$VURI"
    fi
    if alive "$VREAPER" && [ "$MODE" = save ]; then
        save_py cleanup --uri "$VURI" --dir "$WORK/save"
    fi
    stop_pid "$VREAPER"
    [ "$MIG_SETUP" = 1 ] && "$REF_NS" teardown "$WORK/ref"
    if [ "$MODE" = migrate ]; then  # whatever migrate_bench.py vireod left
        for p in $(grep -lF "$WORK/vireod-" /proc/[0-9]*/cmdline \
                   2>/dev/null | cut -d/ -f3); do
            kill -KILL "$p" 2>/dev/null
        done
        for p in $(cat "$WORK/netns.list" 2>/dev/null); do
            ip netns del "$p" 2>/dev/null
        done
    fi
    for p in $(grep -lF "$VROOT/run/vireo/qemu/" /proc/[0-9]*/cmdline \
               2>/dev/null | cut -d/ -f3); do
        [ "$(readlink "/proc/$p/exe")" = /usr/bin/qemu-system-x86_64 ] &&
            kill -KILL "$p" 2>/dev/null
    done
    # a daemon bench.py coldstart had running when we were interrupted
    p=$(cat "$WORK/coldstart.pid" 2>/dev/null) && stop_pid "$p"
    if [ "$REF_DOMAINS" = 1 ]; then
        [ -s /run/libvirtd.pid ] && alive "$(cat /run/libvirtd.pid)" ||
            LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start >/dev/null
        bench_py cleanup --uri "$REF_URI"
        [ "$MODE" = save ] && save_py cleanup --uri "$REF_URI" --dir "$WORK/save"
    fi
    if [ "$REF_POOL" = 1 ]; then
        [ -s /run/libvirtd.pid ] && alive "$(cat /run/libvirtd.pid)" ||
            LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start >/dev/null
        storage_py cleanup --uri "$REF_URI"
        "$REF_LIBVIRTD" stop
    fi
    if [ "$REF_SETUP" = 1 ]; then
        if [ "${KEEP_REF:-0}" = 1 ]; then
            "$REF_LIBVIRTD" stop
        else
            "$REF_LIBVIRTD" teardown
        fi
    fi
    if [ "$rc" != 0 ]; then
        for p in vireod libvirtd; do
            [ -s "$WORK/$p.log" ] || continue
            say "last lines of $p's output:"; tail -n 20 "$WORK/$p.log" >&2
        done
        if [ "$MODE" != storage ] && ls "$WORK"/*.json >/dev/null 2>&1; then
            say "failed (status $rc); figures measured so far (not saved):"
            "$PY" "$HERE/$(case "$MODE" in vm) echo vm_bench ;;
                save) echo save_bench ;; migrate) echo migrate_bench ;;
                *) echo bench ;; esac).py" \
                table --vireod "$WORK/vireod.json" \
                --libvirtd "$WORK/libvirtd.json"
        fi
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_ready() {  # uri pid-to-watch log
    local i
    for i in $(seq 1 600); do
        virsh -c "$1" version >/dev/null 2>&1 && return 0
        alive "$2" || { cat "$3" >&2; die "daemon exited before answering"; }
        sleep 0.05
    done
    die "no answer on $1 after 30 s"
}

child_of() {  # the process reaper.py PID runs
    local i c
    for i in $(seq 1 100); do
        c=$(pgrep -P "$1" | head -1) && [ -n "$c" ] && { echo "$c"; return; }
        sleep 0.02
    done
    die "no child under reaper pid $1"
}

check_tools() {
    [ "$(id -u)" = 0 ] || die "run as root (libvirtd runs in system mode)"
    [ -x "$PY" ] && $PY -c 'import libvirt' ||
        die "needs /usr/bin/python3 with python3-libvirt"
    command -v virsh >/dev/null || die "needs virsh (libvirt-clients)"
    if [ "$ONLY" != vireod ]; then
        [ -x "$REF_LIBVIRTD" ] || die "ref-libvirtd.sh not found at" \
            "$REF_LIBVIRTD: set REF_LIBVIRTD=/path/to/ref-libvirtd.sh" \
            "(or ONLY=vireod)"
        if ! dpkg -s libvirt-daemon libvirt-daemon-driver-qemu \
                >/dev/null 2>&1; then
            say "installing libvirt-daemon libvirt-daemon-driver-qemu"
            apt-get install -y libvirt-daemon libvirt-daemon-driver-qemu
        fi
    fi
    [ -r "$REAPER" ] || die "reaper.py not found at $REAPER (set REAPER=)"
    if [ "$ONLY" != libvirtd ]; then
        [ -x "$VIREOD" ] || die "vireod not found at $VIREOD: give the" \
            "build directory as argument or set VIREOD="
    fi
}

# Debian's udev rule makes /dev/kvm root:kvm 0660 and libvirt-qemu is in kvm.
# Without udev (as here) it is 0600 root: libvirtd 9.0 then probes QEMU with
# KVM (as root) but finds /dev/kvm unusable by libvirt-qemu afterwards, marks
# its x86_64 capabilities outdated and re-probes QEMU (~4 s) on every
# defineXML.  Give libvirtd, in a private mount namespace, a /dev/kvm node
# with the stock Debian access (group of libvirt-qemu, 0660); the host's
# /dev/kvm is not touched.
kvm_node() {
    [ -c /dev/kvm ] || return 1
    [ "${KVM_NODE:-auto}" != 0 ] || return 1
    runuser -u libvirt-qemu -- test -r /dev/kvm -a -w /dev/kvm && return 1
    rm -f "$WORK/kvm"
    mknod -m 0660 "$WORK/kvm" c "$(stat -c '%t' /dev/kvm | sed 's/^/0x/')" \
        "$(stat -c '%T' /dev/kvm | sed 's/^/0x/')"
    chgrp libvirt-qemu "$WORK/kvm"
}

make_wrapper() {  # file command...: run command as libvirtd would be run
    local f=$1 inner
    shift
    inner="exec $* /usr/sbin/libvirtd \"\$@\""
    if [ -c "$WORK/kvm" ]; then
        printf '#!/bin/sh\nexec unshare -m --propagation private sh -c %s libvirtd "$@"\n' \
            "'mount --bind $WORK/kvm /dev/kvm && $inner'" > "$f"
    else
        printf '#!/bin/sh\n%s\n' "$inner" > "$f"
    fi
    chmod +x "$f"
}

bench_libvirtd() {
    local pid out="$WORK/libvirtd.json"
    say "libvirtd: setup and start"
    "$REF_LIBVIRTD" setup       # only a setup that succeeded is torn down
    REF_SETUP=1
    kvm_node && say "libvirtd gets a private /dev/kvm node (root:libvirt-qemu 0660)"
    make_wrapper "$WORK/libvirtd-reaped" "$PY" "$REAPER"
    make_wrapper "$WORK/libvirtd-plain"
    LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start
    REF_DOMAINS=1
    bench_py cleanup --uri "$REF_URI"    # leftovers of an interrupted run
    sleep 2                            # let start-up work settle before RSS
    pid=$(cat /run/libvirtd.pid)
    bench_py measure --uri "$REF_URI" --pid "$pid" --out "$out" --count "$COUNT"
    if command -v strace >/dev/null; then
        bench_py fsynccheck --uri "$REF_URI" --pid "$pid" --out "$out"
    fi
    "$REF_LIBVIRTD" stop
    say "libvirtd: cold starts with $COUNT domains"
    bench_py coldstart --uri "$REF_URI" --expect "$COUNT" --out "$out" \
        --pidfile "$WORK/coldstart.pid" --log "$WORK/libvirtd.log" \
        -- "$WORK/libvirtd-plain"
    rm -f "$WORK/coldstart.pid"
    LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start >/dev/null
    bench_py cleanup --uri "$REF_URI"
    REF_DOMAINS=0
    "$REF_LIBVIRTD" stop
}

bench_vireod() {
    local pid out="$WORK/vireod.json"
    say "vireod: start in $VROOT"
    mkdir -p "$VROOT"
    $PY "$REAPER" "$VIREOD" --root "$VROOT" > "$WORK/vireod.log" 2>&1 &
    VREAPER=$!
    wait_ready "$VURI" "$VREAPER" "$WORK/vireod.log"
    pid=$(child_of "$VREAPER")
    sleep 2
    bench_py measure --uri "$VURI" --pid "$pid" --out "$out" --count "$COUNT"
    if command -v strace >/dev/null; then
        bench_py fsynccheck --uri "$VURI" --pid "$pid" --out "$out"
    fi
    stop_pid "$VREAPER"
    wait "$VREAPER" 2>/dev/null || true
    VREAPER=""
    say "vireod: cold starts with $COUNT domains"
    bench_py coldstart --uri "$VURI" --expect "$COUNT" --out "$out" \
        --pidfile "$WORK/coldstart.pid" --log "$WORK/vireod.log" \
        -- "$VIREOD" --root "$VROOT"
    rm -f "$WORK/coldstart.pid"
}

bench_libvirtd_vm() {
    say "libvirtd: setup and start (guest figures)"
    "$REF_LIBVIRTD" setup       # only a setup that succeeded is torn down
    REF_SETUP=1
    kvm_node && say "libvirtd gets a private /dev/kvm node (root:libvirt-qemu 0660)"
    make_wrapper "$WORK/libvirtd-reaped" "$PY" "$REAPER"
    LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start
    REF_DOMAINS=1
    bench_py cleanup --uri "$REF_URI"    # leftovers of an interrupted run
    sleep 2
    vm_py measure --uri "$REF_URI" --out "$WORK/libvirtd.json"
    bench_py cleanup --uri "$REF_URI"
    REF_DOMAINS=0
    "$REF_LIBVIRTD" stop
}

start_vireod() {  # log [vireod args...]
    local log=$1
    shift
    mkdir -p "$VROOT"
    $PY "$REAPER" "$VIREOD" --root "$VROOT" "$@" > "$log" 2>&1 &
    VREAPER=$!
    wait_ready "$VURI" "$VREAPER" "$log"
}

stop_vireod() {
    vm_py cleanup --uri "$VURI"
    stop_pid "$VREAPER"
    wait "$VREAPER" 2>/dev/null || true
    VREAPER=""
}

bench_vireod_vm() {
    local out="$WORK/vireod.json"
    say "vireod: start in $VROOT (guest figures)"
    start_vireod "$WORK/vireod.log"
    sleep 2
    vm_py measure --uri "$VURI" --out "$out" --bare
    stop_vireod
    [ "${PROFILE:-1}" = 1 ] || return 0
    say "vireod: start phases from a debug-level log (log_level = 1)"
    echo "log_level = 1" > "$WORK/debug.conf"
    start_vireod "$WORK/vireod-debug.log" -f "$WORK/debug.conf"
    vm_py measure --uri "$VURI" --out "$WORK/profile.json" --runs 5 \
        --conc-runs 0
    vm_py phases --log "$WORK/vireod-debug.log" --out "$out"
    stop_vireod
}

bench_libvirtd_remote() {
    say "libvirtd: setup and start (remote figures)"
    "$REF_LIBVIRTD" setup       # only a setup that succeeded is torn down
    REF_SETUP=1
    kvm_node && say "libvirtd gets a private /dev/kvm node (root:libvirt-qemu 0660)"
    make_wrapper "$WORK/libvirtd-reaped" "$PY" "$REAPER"
    LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start
    REF_DOMAINS=1
    bench_py cleanup --uri "$REF_URI"    # leftovers of an interrupted run
    sleep 2
    remote_py measure --socket /run/libvirt/libvirt-sock \
        --out "$WORK/libvirtd.json" --count "$COUNT"
    REF_DOMAINS=0
    "$REF_LIBVIRTD" stop
}

bench_vireod_remote() {
    say "vireod: start in $VROOT (remote figures)"
    start_vireod "$WORK/vireod.log"
    sleep 2
    remote_py measure --socket "$VROOT/run/vireo/vireo-sock" \
        --out "$WORK/vireod.json" --count "$COUNT"
    stop_pid "$VREAPER"
    wait "$VREAPER" 2>/dev/null || true
    VREAPER=""
}

# save(file) images go to $WORK/save for both daemons (same filesystem);
# managed images to each daemon's own save directory
bench_libvirtd_save() {
    say "libvirtd: setup and start (save figures)"
    # teardown only after a setup that did not refuse (a refused setup
    # records nothing, and teardown would then treat every libvirt
    # directory of the other user's daemon as ours)
    "$REF_LIBVIRTD" setup
    REF_SETUP=1
    kvm_node && say "libvirtd gets a private /dev/kvm node (root:libvirt-qemu 0660)"
    make_wrapper "$WORK/libvirtd-reaped" "$PY" "$REAPER"
    LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start
    REF_DOMAINS=1
    save_py cleanup --uri "$REF_URI"    # leftovers of an interrupted run
    sleep 2
    save_py measure --uri "$REF_URI" --dir "$WORK/save" \
        --managed-glob "/var/lib/libvirt/qemu/save/{name}.save" \
        --out "$WORK/libvirtd.json"
    save_py cleanup --uri "$REF_URI" --dir "$WORK/save"
    REF_DOMAINS=0
    "$REF_LIBVIRTD" stop
}

bench_vireod_save() {
    say "vireod: start in $VROOT (save figures)"
    start_vireod "$WORK/vireod.log"
    sleep 2
    save_py measure --uri "$VURI" --dir "$WORK/save" \
        --managed-glob "$VROOT/**/qemu/save/{name}.save" \
        --out "$WORK/vireod.json"
    save_py cleanup --uri "$VURI" --dir "$WORK/save"
    stop_pid "$VREAPER"
    wait "$VREAPER" 2>/dev/null || true
    VREAPER=""
}

# two libvirtds, each in its own network + mount + UTS namespace
bench_libvirtd_migrate() {
    say "libvirtd: two instances in two namespaces (migration figures)"
    MIG_SETUP=1     # teardown undoes exactly what setup recorded, even half
    "$REF_NS" setup "$WORK/ref"
    REAPER="$REAPER" "$REF_NS" start "$WORK/ref"
    mkdir -p "$WORK/shared-libvirtd"
    mig_py measure --uri-a "$("$REF_NS" uri "$WORK/ref" a)" \
        --uri-b "$("$REF_NS" uri "$WORK/ref" b)" --runs "$RUNS" \
        --shared "$WORK/shared-libvirtd" --out "$WORK/libvirtd.json"
    "$REF_NS" teardown "$WORK/ref"
    MIG_SETUP=0
}

bench_vireod_migrate() {
    say "vireod: two instances in two namespaces (migration figures)"
    mkdir -p "$WORK/shared-vireod"
    abs_top_srcdir=$REPO \
    abs_top_builddir=$(cd "$(dirname "$VIREOD")/../.." && pwd) \
        mig_py vireod --work "$WORK" --runs "$RUNS" \
        --shared "$WORK/shared-vireod" --out "$WORK/vireod.json"
}

# 1 GiB of random data (not sparse) for every figure; pools in $WORK
bench_libvirtd_storage() {
    say "libvirtd: setup and start (storage figures)"
    "$REF_LIBVIRTD" setup       # only a setup that succeeded is torn down
    REF_SETUP=1
    make_wrapper "$WORK/libvirtd-reaped" "$PY" "$REAPER"
    LIBVIRTD="$WORK/libvirtd-reaped" "$REF_LIBVIRTD" start
    REF_POOL=1
    storage_py cleanup --uri "$REF_URI"    # leftovers of an interrupted run
    sleep 2
    storage_py measure --uri "$REF_URI" --dir "$WORK/pool-libvirtd" \
        --src "$WORK/src.bin" --out "$WORK/libvirtd.json" --runs "$RUNS" \
        --client virsh=virsh
    REF_POOL=0
    "$REF_LIBVIRTD" stop
}

bench_vireod_storage() {
    say "vireod: start in $VROOT (storage figures)"
    start_vireod "$WORK/vireod.log"
    sleep 2
    storage_py measure --uri "$VURI" --dir "$WORK/pool-vireod" \
        --src "$WORK/src.bin" --out "$WORK/vireod.json" --runs "$RUNS" \
        --client vsh="$VSH" --client virsh=virsh
    stop_pid "$VREAPER"
    wait "$VREAPER" 2>/dev/null || true
    VREAPER=""
}

check_tools
if [ "$MODE" = storage ]; then
    RUNS=${RUNS:-5}
    VSH=${VSH:-$BUILD/tools/virsh-like/vsh}
    [ "$ONLY" = libvirtd ] || [ -x "$VSH" ] || die "vsh not found at $VSH"
    say "1 GiB of random data in $WORK/src.bin"
    head -c 1G /dev/urandom > "$WORK/src.bin"
    case "$ONLY" in
        both) bench_libvirtd_storage; bench_vireod_storage ;;
        libvirtd) bench_libvirtd_storage ;;
        vireod) bench_vireod_storage ;;
        *) die "ONLY must be vireod, libvirtd or unset" ;;
    esac
    out=()
    [ "$ONLY" = both ] && out=(--out "$HERE/results-storage-latest.md")
    storage_py table --vireod "$WORK/vireod.json" \
        --libvirtd "$WORK/libvirtd.json" "${out[@]}"
    if [ "$ONLY" = both ]; then
        say "saved to $HERE/results-storage-latest.md"
    else
        say "one side only (ONLY=$ONLY): table not saved"
    fi
    exit 0
fi
if [ "$MODE" = migrate ]; then
    [ -r /var/cache/vireo-test-guest/vmlinuz ] ||
        die "no test guest in /var/cache/vireo-test-guest: run tests/guest/build.sh"
    RUNS=${RUNS:-6}
    chmod 0755 "$WORK"      # libvirt-qemu opens the shared files
    case "$ONLY" in
        both) bench_libvirtd_migrate; bench_vireod_migrate ;;
        libvirtd) bench_libvirtd_migrate ;;
        vireod) bench_vireod_migrate ;;
        *) die "ONLY must be vireod, libvirtd or unset" ;;
    esac
    if [ "$ONLY" = both ]; then
        mig_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json" \
            --out "$HERE/results-migrate-latest.md"
        say "saved to $HERE/results-migrate-latest.md"
    else
        mig_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json"
        say "one side only (ONLY=$ONLY): table not saved"
    fi
    exit 0
fi
if [ "$MODE" = save ]; then
    [ -r /var/cache/vireo-test-guest/vmlinuz ] ||
        die "no test guest in /var/cache/vireo-test-guest: run tests/guest/build.sh"
    mkdir -p "$WORK/save"
    chmod 0755 "$WORK"
    case "$ONLY" in
        both) bench_libvirtd_save; bench_vireod_save ;;
        libvirtd) bench_libvirtd_save ;;
        vireod) bench_vireod_save ;;
        *) die "ONLY must be vireod, libvirtd or unset" ;;
    esac
    if [ "$ONLY" = both ]; then
        save_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json" \
            --out "$HERE/results-save-latest.md"
        say "saved to $HERE/results-save-latest.md"
    else
        save_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json"
        say "one side only (ONLY=$ONLY): table not saved"
    fi
    exit 0
fi
if [ "$MODE" = remote ]; then
    [ -x /usr/sbin/sshd ] || die "needs /usr/sbin/sshd (openssh-server)"
    command -v nc >/dev/null || die "needs nc (netcat-openbsd)"
    [ "${COUNT_SET:-}" ] || COUNT=${REMOTE_COUNT:-100}
    case "$ONLY" in
        both) bench_libvirtd_remote; bench_vireod_remote ;;
        libvirtd) bench_libvirtd_remote ;;
        vireod) bench_vireod_remote ;;
        *) die "ONLY must be vireod, libvirtd or unset" ;;
    esac
    if [ "$ONLY" = both ]; then
        remote_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json" \
            --out "$HERE/results-remote-latest.md"
        say "saved to $HERE/results-remote-latest.md"
    else
        remote_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json"
        say "one side only (ONLY=$ONLY): table not saved"
    fi
    exit 0
fi
if [ "$MODE" = vm ]; then
    [ -r /var/cache/vireo-test-guest/vmlinuz ] ||
        die "no test guest in /var/cache/vireo-test-guest: run tests/guest/build.sh"
    case "$ONLY" in
        both) bench_libvirtd_vm; bench_vireod_vm ;;
        libvirtd) bench_libvirtd_vm ;;
        vireod) bench_vireod_vm ;;
        *) die "ONLY must be vireod, libvirtd or unset" ;;
    esac
    if [ "$ONLY" = both ]; then
        vm_py table --vireod "$WORK/vireod.json" \
            --libvirtd "$WORK/libvirtd.json" --out "$HERE/results-vm-latest.md"
        say "saved to $HERE/results-vm-latest.md"
    else
        vm_py table --vireod "$WORK/vireod.json" --libvirtd "$WORK/libvirtd.json"
        say "one side only (ONLY=$ONLY): table not saved"
    fi
    exit 0
fi
case "$ONLY" in
    both) bench_libvirtd; bench_vireod ;;
    libvirtd) bench_libvirtd ;;
    vireod) bench_vireod ;;
    *) die "ONLY must be vireod, libvirtd or unset" ;;
esac

if [ "$ONLY" = both ]; then
    bench_py table --vireod "$WORK/vireod.json" --libvirtd "$WORK/libvirtd.json" \
        --out "$HERE/results-latest.md"
    say "saved to $HERE/results-latest.md"
else
    bench_py table --vireod "$WORK/vireod.json" --libvirtd "$WORK/libvirtd.json"
    say "one side only (ONLY=$ONLY): table not saved"
fi
