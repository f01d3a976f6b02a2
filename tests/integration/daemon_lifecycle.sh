#!/bin/sh
# vireod as a process: sockets and their modes, configuration, the pidfile
# lock, --daemon, SIGTERM, restart persistence, corrupt definitions.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
has() { grep -q -- "$1" "$2"; }

T=$(mktemp -d /tmp/vireo-test-life.XXXXXX); _vireo_roots="$T"
printf 'log_level = 2\n' >"$T/info.conf"
vireo_start_in "$T" --config "$T/info.conf" || { check 1 "vireod starts"; done_testing; exit 1; }
check "$([ -S "$SOCK" ] && [ -S "$SOCK_RO" ]; echo $?)" "both sockets exist"
[ "$(stat -c %a "$SOCK")" = 700 ]; check $? "read-write socket is root-only (0700) by default"
[ "$(stat -c %a "$SOCK_RO")" = 777 ]; check $? "read-only socket is 0777"
check "$([ -f "$T/run/vireo/vireod.pid" ]; echo $?)" "pidfile written"
[ "$(cat "$T/run/vireo/vireod.pid")" = "$DPID" ]; check $? "pidfile holds the daemon's pid"

# a second daemon on the same root refuses at once
"$VIREOD" --root "$T" >"$T/second.log" 2>&1; rc=$?
check "$((rc != 0 ? 0 : 1))" "second daemon on the same root exits non-zero"
has "$DPID" "$T/second.log"; check $? "second daemon names the running pid"
kill -0 "$DPID"; check $? "first daemon unaffected"

virsh -q -c "$URI" list --all >/dev/null 2>&1
has "uid 0" "$T/vireod.log" || has "uid=0" "$T/vireod.log"; check $? "peer credentials logged"

for i in 1 2 3; do vireo_domain_xml "keep$i" >"$T/k$i.xml"; virsh -q -c "$URI" define "$T/k$i.xml" >/dev/null; done
virsh -q -c "$URI" autostart keep2 >/dev/null
vireo_stop; check $? "SIGTERM stops the daemon"
wait "$DPID" 2>/dev/null; check $? "exit status 0 after SIGTERM"
check "$([ ! -e "$SOCK" ] && [ ! -e "$SOCK_RO" ]; echo $?)" "sockets removed on shutdown"
check "$([ ! -e "$T/run/vireo/vireod.pid" ]; echo $?)" "pidfile removed on shutdown"

# corrupt definition: logged with its path, skipped, never deleted
printf '<domain type="qemu"><name>broken</name' >"$T/etc/vireo/qemu/broken.xml"
vireo_start_in "$T" || check 1 "restart"
[ "$(virsh -q -c "$URI" list --all --name | sort | tr '\n' ' ')" = "keep1 keep2 keep3 " ]
check $? "definitions survive a restart; the corrupt one is skipped"
[ "$(virsh -q -c "$URI" list --autostart --all --name)" = keep2 ]; check $? "autostart survives a restart"
check "$([ -f "$T/etc/vireo/qemu/broken.xml" ]; echo $?)" "corrupt file kept on disk"
has "broken.xml" "$T/vireod.log"; check $? "corrupt file logged with its path"
vireo_stop

# --daemon detaches, and the config file is honoured
cat >"$T/vireod.conf" <<'CONF'
unix_sock_group = "nogroup"
unix_sock_rw_perms = "0770"
unix_sock_ro_perms = "0750"
log_level = 2
max_clients = 10
CONF
"$VIREOD" --root "$T" --config "$T/vireod.conf" --daemon >"$T/d.log" 2>&1; rc=$?
check "$rc" "--daemon returns 0 once listening"
check "$([ -S "$SOCK" ]; echo $?)" "socket ready when --daemon returns"
DPID=$(cat "$T/run/vireo/vireod.pid" 2>/dev/null); _vireo_pids="$_vireo_pids $DPID"
[ "$(stat -c %a "$SOCK")" = 770 ]; check $? "unix_sock_rw_perms honoured"
[ "$(stat -c %a "$SOCK_RO")" = 750 ]; check $? "unix_sock_ro_perms honoured"
[ "$(stat -c %G "$SOCK")" = nogroup ]; check $? "unix_sock_group honoured"
[ "$(ps -o ppid= -p "$DPID" | tr -d ' ')" != "$$" ]; check $? "daemon detached from the shell"
vireo_stop; check $? "detached daemon stops on SIGTERM"

printf 'max_clients = "many"\n' >"$T/bad.conf"
"$VIREOD" --root "$T" --config "$T/bad.conf" >"$T/bad.log" 2>&1; check "$((! $?))" "bad config refused"
has "max_clients" "$T/bad.log"; check $? "config error names the key"
printf 'no_such_key = 1\n' >"$T/bad2.conf"
"$VIREOD" --root "$T" --config "$T/bad2.conf" >"$T/bad2.log" 2>&1; check "$((! $?))" "unknown config key refused"
has "no_such_key" "$T/bad2.log"; check $? "unknown key named"

# the shipped example configuration loads
"$VIREOD" --root "$T" --config "$abs_top_srcdir/src/daemon/vireod.conf" --daemon >"$T/ex.log" 2>&1
check $? "shipped vireod.conf loads"
DPID=$(cat "$T/run/vireo/vireod.pid" 2>/dev/null); _vireo_pids="$_vireo_pids $DPID"
vireo_stop

# session mode: per-user XDG directories, qemu:///session URI
S="$T/session"; mkdir -p "$S/run"
(
    export XDG_RUNTIME_DIR="$S/run" XDG_CONFIG_HOME="$S/config" XDG_DATA_HOME="$S/data" \
        XDG_CACHE_HOME="$S/cache"
    "$VIREOD" --session >"$S/log" 2>&1 &
    echo $! >"$S/pid"
    for _ in $(seq 100); do [ -S "$S/run/vireo/vireo-sock" ] && break; sleep 0.05; done
    vireo_domain_xml sess1 >"$S/sess1.xml"
    "$VSH" -c qemu:///session define "$S/sess1.xml" >/dev/null 2>&1 &&
        "$VSH" -c qemu:///session list --all --name >"$S/out" 2>&1
)
SPID=$(cat "$S/pid"); _vireo_pids="$_vireo_pids $SPID"
grep -q sess1 "$S/out"; check $? "session daemon serves qemu:///session"
vireo_eventually test -f "$S/config/vireo/qemu/sess1.xml"; check $? "session definitions under \$XDG_CONFIG_HOME/vireo/qemu"
check "$([ "$(stat -c %a "$S/run/vireo")" = 700 ]; echo $?)" "session runtime directory is private"
kill -TERM "$SPID"
done_testing
