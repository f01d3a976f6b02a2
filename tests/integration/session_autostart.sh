#!/bin/sh
# qemu:///session as a normal user starts that user's vireod on demand
# (vireod --session --daemon --timeout=N), two concurrent clients start
# only one, the daemon exits after idling for N seconds, and
# VIREO_AUTOSTART=0 disables the autostart.  Root only: it creates a
# throwaway user (removed at exit) and runs the clients as that user.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create a test user"
command -v useradd >/dev/null || skip_all "useradd missing"

umask 022
T=$(mktemp -d /tmp/vireo-test-sess.XXXXXX)
chmod 0755 "$T"
U="vrsess$$"
cleanup() {
    pkill -KILL -u "$U" -x vireod 2>/dev/null
    userdel "$U" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
useradd -M -d "$T/home" -s /bin/sh "$U" || skip_all "cannot create a test user"
vireo_user_tools "$T/tools" ||
    { check 1 "copy vsh and vireod for the test user"; done_testing; exit 1; }
VSH=$USER_VSH
mkdir -p "$T/home" "$T/rt"
chown "$U" "$T/home" "$T/rt"
chmod 0700 "$T/rt"
SOCKET="$T/rt/vireo/vireo-sock"

# as_user CMD...: run as the test user with its own session environment.
as_user() {
    runuser -u "$U" -- env -i PATH=/usr/bin:/bin HOME="$T/home" \
        XDG_RUNTIME_DIR="$T/rt" VIREO_DAEMON_PATH="$USER_VIREOD" \
        VIREO_SESSION_TIMEOUT=3 ${EXTRA_ENV:-} "$@"
}
daemons() { pgrep -u "$U" -x vireod | wc -l; }
wait_no_daemon() {
    for _ in $(seq "$(($1 * 10))"); do
        [ "$(daemons)" -eq 0 ] && return 0
        sleep 0.1
    done
    return 1
}

as_user "$VSH" -c qemu:///session list --all >"$T/out" 2>&1
rc=$?
[ $rc -ne 0 ] && sed 's/^/# /' "$T/out"
check $rc "vsh -c qemu:///session list starts the user's daemon"
[ "$(daemons)" -eq 1 ]; check $? "exactly one session vireod runs, as the user"
[ -S "$SOCKET" ]; check $? "its socket is in \$XDG_RUNTIME_DIR/vireo"
pid=$(pgrep -u "$U" -x vireod | head -1)
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--session.*--timeout=3"
check $? "started as vireod --session --timeout=3"

t0=$(date +%s)
wait_no_daemon 15; check $? "the idle daemon exits by itself"
diag "exited $(($(date +%s) - t0)) s after the client left (--timeout=3)"

# Two clients at once: one daemon.
as_user "$VSH" -c qemu:///session list >"$T/a" 2>&1 &
A=$!
as_user "$VSH" -c qemu:///session list >"$T/b" 2>&1 &
B=$!
wait $A; ra=$?
wait $B; rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ]; check $? "two concurrent clients both connect"
[ "$(daemons)" -eq 1 ]; check $? "two concurrent clients start only one daemon"

# A client keeps it alive: an interactive shell holds a connection.
( sleep 6; echo quit ) | as_user "$VSH" -c qemu:///session >/dev/null 2>&1 &
S=$!
sleep 5
[ "$(daemons)" -eq 1 ]; check $? "a connected client keeps the daemon alive past the timeout"
wait $S
wait_no_daemon 15; check $? "... and it exits once that client is gone"

EXTRA_ENV=VIREO_AUTOSTART=0 as_user "$VSH" -c qemu:///session list >"$T/out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ "$(daemons)" -eq 0 ]
check $? "VIREO_AUTOSTART=0: no daemon started, the client fails"
diag "with VIREO_AUTOSTART=0: $(cat "$T/out" | tr '\n' ' ')"

done_testing
