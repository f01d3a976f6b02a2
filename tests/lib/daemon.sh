# tests/lib/daemon.sh: run real vireod instances in private roots (sourced).
#   vireo_start NAME [vireod args...]  start a daemon under a new temp root;
#                                      sets ROOT, SOCK, SOCK_RO, URI, URI_RO, DPID
#   vireo_stop                         SIGTERM it and wait
#   vireo_cleanup                      stop daemons, remove temp roots (trap'd)
#   vireo_user_tools DIR               vsh and vireod copies a non-root user
#                                      can run; sets USER_VSH, USER_VIREOD
# Daemons log to $ROOT/vireod.log.  Everything is removed on exit, even on failure.
: "${abs_top_builddir:?run through make check}"
: "${abs_top_srcdir:?run through make check}"
VIREOD="$abs_top_builddir/src/daemon/vireod"
VSH="$abs_top_builddir/tools/virsh-like/vsh"
DATA="$abs_top_srcdir/tests/data"
PY=/usr/bin/python3
_vireo_roots=""
_vireo_pids=""

# vireo_user_tools DIR: copies of vsh (with libvireo) and vireod under DIR
# for tests that run them as a throwaway non-root user, who may not be
# able to reach the build tree (a clone under /root, or distcheck's
# directories made under a umask of 077).  Sets USER_VSH and USER_VIREOD.
vireo_user_tools() {
    mkdir -p "$1/bin" "$1/lib" || return 1
    cp -P "$abs_top_builddir"/src/lib/.libs/libvireo.so* "$1/lib/" &&
        cp "$abs_top_builddir/tools/virsh-like/.libs/vsh" "$1/bin/vsh.bin" &&
        cp "$VIREOD" "$1/bin/vireod" || return 1
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s/lib exec %s/bin/vsh.bin "$@"\n' \
        "$1" "$1" >"$1/bin/vsh"
    chmod 0755 "$1" "$1/bin" "$1/lib" "$1"/bin/* &&
        chmod a+r "$1"/lib/* || return 1
    USER_VSH="$1/bin/vsh"
    USER_VIREOD="$1/bin/vireod"
}

vireo_cleanup() {
    for p in $_vireo_pids; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in $_vireo_pids; do
        for _ in $(seq 50); do vireo_alive "$p" || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    # QEMU and dnsmasq outlive vireod by design: kill what still runs from
    # our roots (a test that failed half-way), then remove them.
    for r in $_vireo_roots; do
        # (QEMU's command line no longer names the root - its monitor
        # is a passed fd - but its log file, fds 1 and 2, lives there.)
        for p in $( (grep -lsF "$r/" /proc/[0-9]*/cmdline | cut -d/ -f3
                     for d in /proc/[0-9]*; do
                         ls -l "$d/cwd" "$d/fd/" 2>/dev/null | sed 's|$|/|' |
                             grep -qF -- "-> $r/" && echo "${d#/proc/}"
                     done) 2>/dev/null | sort -u); do
            [ "$p" != "$$" ] && kill -KILL "$p" 2>/dev/null
        done
        rm -rf "$r"
    done
}
trap vireo_cleanup EXIT

# vireo_alive PID: running and not a zombie (kill -0 succeeds on zombies).
vireo_alive() {
    [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

# vireo_connectable SOCKET: something accepts connections there (a stale
# socket file left by a killed daemon does not count).
vireo_connectable() {
    "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' \
        "$1" 2>/dev/null
}

vireo_wait_socket() {
    for _ in $(seq 200); do
        vireo_connectable "$1" && return 0
        vireo_alive "$DPID" || return 1
        sleep 0.05
    done
    return 1
}

# vireo_start_in ROOT [args...]: start (again) on an existing root.
vireo_start_in() {
    ROOT=$1; shift
    SOCK="$ROOT/run/vireo/vireo-sock"
    SOCK_RO="$ROOT/run/vireo/vireo-sock-ro"
    URI="qemu+unix:///system?socket=$SOCK"
    URI_RO="qemu+unix:///system?socket=$SOCK_RO"
    "$VIREOD" --root "$ROOT" "$@" >>"$ROOT/vireod.log" 2>&1 &
    DPID=$!
    _vireo_pids="$_vireo_pids $DPID"
    if ! vireo_wait_socket "$SOCK"; then
        echo "# vireod did not start; log follows"
        sed 's/^/#   /' "$ROOT/vireod.log" | tail -20
        return 1
    fi
}

vireo_start() {
    _name=$1; shift
    _root=$(mktemp -d "/tmp/vireo-test-$_name.XXXXXX")
    chmod 711 "$_root"    # unprivileged helpers (dnsmasq, QEMU) traverse it
    _vireo_roots="$_vireo_roots $_root"
    vireo_start_in "$_root" "$@"
}

# vireo_stop: SIGTERM the current daemon and wait until it has exited (it
# is not reaped here, so a test can still `wait $DPID` for its status).
vireo_stop() {
    kill -TERM "$DPID" 2>/dev/null
    for _ in $(seq 200); do vireo_alive "$DPID" || return 0; sleep 0.05; done
    return 1
}

# A minimal TCG domain definition on stdout: vireo_domain_xml NAME [UUID] [MEM_MIB]
vireo_domain_xml() {
    _uuid=${2:+<uuid>$2</uuid>}
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  $_uuid
  <memory unit='MiB'>${3:-128}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/vireo/images/$1.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
}

# vireo_eventually CMD...: true once CMD succeeds within 5 s.  Definition
# files are written by the journal's checkpoint shortly after the (already
# durable) reply, so tests that look at the files themselves wait for them.
vireo_eventually() {
    for _ in $(seq 100); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# ---- network namespaces (tests of virtual networks) ----
#   vireo_netns_setup TAG      create and enter-able namespace vireo-t-TAG-$$
#                              with lo up; sets NS.  Status 1 when
#                              `ip netns add` is not permitted.
#   vireo_start_in_netns NAME [args...]
#                              vireo_start, but vireod runs inside $NS
#                              (clients still use the UNIX sockets).
# At exit every process left in the namespace (dnsmasq, QEMU) is killed and
# the namespace deleted, after the daemons are stopped.
_vireo_netns=""

vireo_netns_cleanup() {
    vireo_cleanup
    for n in $_vireo_netns; do
        for p in $(ip netns pids "$n" 2>/dev/null); do
            kill -KILL "$p" 2>/dev/null
        done
        ip netns del "$n" 2>/dev/null
    done
}

vireo_netns_setup() {
    NS="vireo-t-$1-$$"
    ip netns add "$NS" 2>/dev/null || return 1
    _vireo_netns="$_vireo_netns $NS"
    trap vireo_netns_cleanup EXIT
    ip -n "$NS" link set lo up
}

vireo_start_in_netns() {
    _name=$1; shift
    ROOT=$(mktemp -d "/tmp/vireo-test-$_name.XXXXXX")
    _vireo_roots="$_vireo_roots $ROOT"
    SOCK="$ROOT/run/vireo/vireo-sock"
    SOCK_RO="$ROOT/run/vireo/vireo-sock-ro"
    URI="qemu+unix:///system?socket=$SOCK"
    URI_RO="qemu+unix:///system?socket=$SOCK_RO"
    # `ip netns exec` execs vireod: $DPID is the daemon itself
    ip netns exec "$NS" "$VIREOD" --root "$ROOT" "$@" \
        >>"$ROOT/vireod.log" 2>&1 &
    DPID=$!
    _vireo_pids="$_vireo_pids $DPID"
    if ! vireo_wait_socket "$SOCK"; then
        echo "# vireod did not start; log follows"
        sed 's/^/#   /' "$ROOT/vireod.log" | tail -20
        return 1
    fi
}
