#!/bin/bash
# Two reference libvirtd 9.0 instances (Debian 12 packages, system mode, no
# systemd) on one machine, for the migration benchmark: each runs in its own
# network namespace (a veth pair joins the two, addresses inside the
# namespaces only: the host's network is not touched), its own UTS namespace
# (host name vireo-hmig-a / -b) and a private mount namespace where
# per-instance directories are bind-mounted over /etc/libvirt, /run/libvirt
# (= /var/run/libvirt), /var/lib/libvirt, /var/cache/libvirt and
# /var/log/libvirt, and a hosts file naming both over /etc/hosts.  Each has
# its own virtlogd, its own host UUID, and listens on TCP (auth_tcp = "none")
# on its namespace address.
#
#   ref_libvirtd_ns.sh setup WORK     account, directories, configs, netns, veth
#   ref_libvirtd_ns.sh start WORK     virtlogd + libvirtd in both namespaces
#   ref_libvirtd_ns.sh stop WORK      stop both libvirtds and virtlogds
#   ref_libvirtd_ns.sh teardown WORK  stop, kill our QEMUs, delete the
#                                     namespaces, remove what setup created
#   ref_libvirtd_ns.sh uri WORK a|b   the client URI (UNIX socket, any netns)
#
# WORK must be a fresh directory on a real file system (it also holds the
# shared storage of the benchmark: the same path in both namespaces).
# Instance a: 10.97.51.1, instance b: 10.97.51.2 (/24, veth vhmig0/vhmig1).
#
# Setup creates the libvirt-qemu account when missing (Debian's libvirt is
# built with qemu_user=libvirt-qemu and refuses to start without it) and
# records that in WORK/state/created; teardown removes exactly what that file
# lists.  libvirtd runs with package defaults except: host_uuid, TCP
# listening, migration_address/migration_host (its namespace address) and
# remember_owner = 0 (both instances label the same shared files).  /dev/kvm
# is replaced inside the mount namespace by a node root:libvirt-qemu 0660 when
# libvirt-qemu cannot use the host's (see bench/README.md, "/dev/kvm").
#
# Environment: REAPER=/path/reaper.py runs each libvirtd under that child
# subreaper (as bench/run.sh does for every daemon); KVM_NODE=0: no private
# /dev/kvm node.
set -euo pipefail

CMD=${1:-}
WORK=${2:-}
QUSER=libvirt-qemu
INSTANCES="a b"
MNT="/etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt"

die() { echo "ref_libvirtd_ns.sh: $*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidof_file() { [ -s "$1" ] && cat "$1" || true; }

[ -n "$WORK" ] || die "usage: $0 setup|start|stop|teardown|uri WORK [a|b]"
STATE="$WORK/state"

ip_of() { [ "$1" = a ] && echo 10.97.51.1 || echo 10.97.51.2; }
ns_of() { echo "vireo-hmig-$1-$(cat "$STATE/tag")"; }
dir_of() { echo "$WORK/libvirtd-$1"; }
record() { echo "$1" >> "$STATE/created"; }

wait_gone() {  # pid timeout_s
    local i
    for i in $(seq 1 $(( $2 * 20 ))); do alive "$1" || return 0; sleep 0.05; done
    return 1
}

# per-instance directories and configuration
make_instance() {
    local i=$1 d uuid
    d=$(dir_of "$i")
    mkdir -p "$d"/{run,lib,cache,log}
    cp -a /etc/libvirt "$d/etc"
    # both host names resolve without DNS (libvirtd looks its own up)
    printf '127.0.0.1 localhost\n%s vireo-hmig-a\n%s vireo-hmig-b\n' \
        "$(ip_of a)" "$(ip_of b)" > "$d/hosts"
    uuid=$(cat /proc/sys/kernel/random/uuid)
    cat > "$d/etc/libvirtd.conf" <<EOF
# reference libvirtd $i of the migration benchmark (bench/ref_libvirtd_ns.sh)
host_uuid = "$uuid"
listen_tls = 0
listen_tcp = 1
listen_addr = "$(ip_of "$i")"
auth_tcp = "none"
EOF
    cat > "$d/etc/qemu.conf" <<EOF
# reference libvirtd $i of the migration benchmark (bench/ref_libvirtd_ns.sh)
migration_address = "$(ip_of "$i")"
migration_host = "$(ip_of "$i")"
remember_owner = 0
EOF
}

# a /dev/kvm node libvirt-qemu can use, for the mount namespaces
make_kvm_node() {
    [ -c /dev/kvm ] || return 0
    [ "${KVM_NODE:-auto}" != 0 ] || return 0
    runuser -u "$QUSER" -- test -r /dev/kvm -a -w /dev/kvm && return 0
    mknod -m 0660 "$WORK/kvm" c "$(stat -c '%t' /dev/kvm | sed 's/^/0x/')" \
        "$(stat -c '%T' /dev/kvm | sed 's/^/0x/')"
    chgrp "$QUSER" "$WORK/kvm"
}

cmd_setup() {
    local i p
    [ "$(id -u)" = 0 ] || die "run as root"
    mkdir -p "$STATE"
    chmod 0755 "$WORK" "$STATE"
    : > "$STATE/created"
    echo "$$" > "$STATE/tag"
    if ! getent passwd "$QUSER" >/dev/null; then
        if ! getent group "$QUSER" >/dev/null; then
            groupadd --system "$QUSER"
            record "group:$QUSER"
        fi
        useradd --system --gid "$QUSER" --home-dir /var/lib/libvirt \
            --no-create-home --shell /usr/sbin/nologin \
            --comment "Libvirt Qemu" "$QUSER"
        record "user:$QUSER"
        getent group kvm >/dev/null && usermod -a -G kvm "$QUSER" || true
    fi
    for p in $MNT; do   # bind-mount targets (normally present)
        [ -d "$p" ] || { mkdir -p "$p"; record "dir:$p"; }
    done
    for i in $INSTANCES; do
        make_instance "$i"
    done
    make_kvm_node
    for i in $INSTANCES; do
        ip netns add "$(ns_of "$i")"
        record "netns:$(ns_of "$i")"
        ip -n "$(ns_of "$i")" link set lo up
    done
    ip -n "$(ns_of a)" link add vhmig0 type veth peer name vhmig1 \
        netns "$(ns_of b)"
    ip -n "$(ns_of a)" addr add "$(ip_of a)/24" dev vhmig0
    ip -n "$(ns_of b)" addr add "$(ip_of b)/24" dev vhmig1
    ip -n "$(ns_of a)" link set vhmig0 up
    ip -n "$(ns_of b)" link set vhmig1 up
    echo "setup done in $WORK (namespaces $(ns_of a) $(ns_of b))"
}

# the shell run inside the namespaces: mounts, host name, virtlogd, libvirtd
inner_script() {
    local i=$1 d
    d=$(dir_of "$i")
    echo "set -e"
    echo "mount --bind $d/etc /etc/libvirt"
    echo "mount --bind $d/run /run/libvirt"
    echo "mount --bind $d/lib /var/lib/libvirt"
    echo "mount --bind $d/cache /var/cache/libvirt"
    echo "mount --bind $d/log /var/log/libvirt"
    echo "mount --bind $d/hosts /etc/hosts"
    [ -c "$WORK/kvm" ] && echo "mount --bind $WORK/kvm /dev/kvm"
    echo "hostname vireo-hmig-$i"
    echo "virtlogd -d -p $d/virtlogd.pid"
    if [ -n "${REAPER:-}" ]; then
        echo "exec /usr/bin/python3 $REAPER libvirtd --listen -p $d/libvirtd.pid"
    else
        echo "exec libvirtd --listen -p $d/libvirtd.pid"
    fi
}

cmd_start() {
    local i d uri
    for i in $INSTANCES; do
        d=$(dir_of "$i")
        alive "$(pidof_file "$d/libvirtd.pid")" && continue
        rm -f "$d/libvirtd.pid"
        setsid ip netns exec "$(ns_of "$i")" unshare --mount --uts \
            --propagation private sh -c "$(inner_script "$i")" \
            > "$d/libvirtd.out" 2>&1 < /dev/null &
        echo $! > "$d/launcher.pid"
    done
    for i in $INSTANCES; do
        d=$(dir_of "$i")
        uri=$(cmd_uri "$i")
        for _ in $(seq 1 600); do
            virsh -c "$uri" version >/dev/null 2>&1 && break
            alive "$(cat "$d/launcher.pid")" ||
                { cat "$d/libvirtd.out" >&2; die "libvirtd $i died"; }
            sleep 0.1
        done
        virsh -c "$uri" version >/dev/null 2>&1 ||
            die "libvirtd $i not ready after 60 s"
        echo "libvirtd $i pid $(pidof_file "$d/libvirtd.pid") ready on" \
            "$(ip_of "$i") (host $(virsh -c "$uri" hostname))"
    done
}

stop_pidfile() {  # pidfile timeout_s
    local pid
    pid=$(pidof_file "$1")
    if alive "$pid"; then
        kill -TERM "$pid"
        wait_gone "$pid" "$2" || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$1"
}

cmd_stop() {
    local i d
    for i in $INSTANCES; do
        d=$(dir_of "$i")
        [ -d "$d" ] || continue
        stop_pidfile "$d/libvirtd.pid" 30
        stop_pidfile "$d/launcher.pid" 5
        stop_pidfile "$d/virtlogd.pid" 10
    done
}

# QEMUs started by our libvirtds: pid files under our run directories
kill_qemus() {
    local f pid
    for f in "$WORK"/libvirtd-*/run/qemu/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null) || continue
        alive "$pid" && grep -q qemu "/proc/$pid/comm" &&
            kill -KILL "$pid" 2>/dev/null || true
    done
}

cmd_teardown() {
    local what
    [ -d "$STATE" ] || { echo "teardown: nothing set up in $WORK"; return 0; }
    kill_qemus
    cmd_stop
    kill_qemus
    # reverse order of creation
    tac "$STATE/created" 2>/dev/null | while read -r what; do
        case "$what" in
            netns:*) ip netns del "${what#netns:}" 2>/dev/null || true ;;
            user:*) userdel "${what#user:}" 2>/dev/null || true ;;
            group:*) groupdel "${what#group:}" 2>/dev/null || true ;;
            dir:*) rmdir "${what#dir:}" 2>/dev/null || true ;;
        esac
    done
    rm -rf "$WORK"/libvirtd-a "$WORK"/libvirtd-b "$WORK/kvm" "$STATE"
    echo "teardown done"
}

cmd_uri() {
    echo "qemu+unix:///system?socket=$(dir_of "$1")/run/libvirt-sock"
}

case "$CMD" in
    setup) cmd_setup ;; start) cmd_start ;; stop) cmd_stop ;;
    teardown) cmd_teardown ;; uri) cmd_uri "${3:?a or b}" ;;
    *) die "usage: $0 setup|start|stop|teardown|uri WORK [a|b]" ;;
esac
