#!/bin/sh
# qemu+ssh against a real sshd the test starts on loopback (throwaway host
# key, client keys and config in a temp dir; root's login allowed only
# with the temp dir's authorized key): list/define/start/console over ssh
# with vsh, python-libvirt and stock virsh; the far side reached through
# vireo-ssh-helper and through the nc -U fallback; a wrong key, a stopped
# daemon, an unreachable port and a far side with neither helper nor nc
# each give their own clear error within a few seconds; a dead link
# (ssh stopped) makes calls fail with "connection ... lost", not hang.
# Root only (sshd); skipped without /usr/sbin/sshd.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to run sshd"
[ -x /usr/sbin/sshd ] || skip_all "sshd missing (apt-get install openssh-server)"
command -v nc >/dev/null || skip_all "nc missing (apt-get install netcat-openbsd)"
GUEST=${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}
HELPER_DIR="$abs_top_builddir/tools/ssh-helper"

vireo_start rssh || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
SSHD_PID=""
cleanup() {
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    vireo_cleanup
}
trap cleanup EXIT

# A free loopback port: bind to port 0 and report what the kernel chose.
free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
P_HELPER=$(free_port); P_NC=$(free_port); P_BARE=$(free_port)
P_DEAD=$(free_port)    # nothing listens there

# Far-side PATHs: with our helper; the default (nc, no helper); only sh.
mkdir -p "$T/bin-helper" "$T/bin-bare"
ln -s "$HELPER_DIR/vireo-ssh-helper" "$T/bin-helper/vireo-ssh-helper"
ln -s /bin/sh "$T/bin-bare/sh"
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
ssh-keygen -q -t ed25519 -N '' -f "$T/wrong"
cp "$T/id.pub" "$T/authorized_keys"
cat >"$T/sshd_config" <<EOF
ListenAddress 127.0.0.1:$P_HELPER
ListenAddress 127.0.0.1:$P_NC
ListenAddress 127.0.0.1:$P_BARE
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel VERBOSE
Match LocalPort $P_HELPER
    SetEnv PATH=$T/bin-helper:/usr/bin:/bin
Match LocalPort $P_BARE
    SetEnv PATH=$T/bin-bare
EOF
# sshd's privilege separation directory (normally made by its service).
[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
/usr/sbin/sshd -f "$T/sshd_config" -D -e 2>"$T/sshd.log" &
SSHD_PID=$!
for _ in $(seq 50); do
    nc -z 127.0.0.1 "$P_BARE" 2>/dev/null && break
    sleep 0.1
done
check 0 "sshd listens on ports $P_HELPER $P_NC $P_BARE"

Q="socket=$SOCK&keyfile=$T/id&no_verify=1"
U_HELPER="qemu+ssh://root@127.0.0.1:$P_HELPER/system?$Q"
U_NC="qemu+ssh://root@127.0.0.1:$P_NC/system?$Q"
v() { "$VSH" -c "$U_HELPER" "$@" </dev/null; }
has() { grep -q -- "$1" "$2"; }

# timed OUT CMD...: run CMD (stdin closed), output to OUT, seconds in $SECS.
timed() {
    _out=$1; shift
    _t0=$(date +%s.%N)
    "$@" </dev/null >"$_out" 2>&1
    _rc=$?
    SECS=$(echo "$(date +%s.%N) - $_t0" | bc)
    return $_rc
}
fast() { [ "$(echo "$SECS < 10" | bc)" -eq 1 ]; }

# ---- the happy path: helper, nc fallback, three kinds of client ----
vireo_domain_xml rs1 >"$T/rs1.xml"
v define "$T/rs1.xml" >"$T/out" 2>&1; check $? "vsh define over ssh (helper)"
v list --all >"$T/out" 2>&1
grep -Eq '^ *- +rs1 +shut off$' "$T/out"; check $? "vsh list --all over ssh shows the domain"
has "vireo-ssh-helper" "$T/sshd.log" || true
"$VSH" -c "$U_NC" list --all --name </dev/null >"$T/out" 2>&1
grep -qx rs1 "$T/out"; check $? "vsh over ssh with the nc -U fallback"
"$VSH" -r -c "$U_HELPER" undefine rs1 </dev/null >"$T/out" 2>&1
check "$((! $?))" "vsh -r over ssh refuses undefine"
v dominfo rs1 >"$T/out" 2>&1; check $? "vsh dominfo over ssh"

virsh -c "$U_NC" list --all --name </dev/null >"$T/out" 2>&1
grep -qx rs1 "$T/out"; check $? "stock virsh over qemu+ssh lists the domain"
virsh -c "$U_NC" undefine rs1 </dev/null >"$T/out" 2>&1
check $? "stock virsh undefine over qemu+ssh"
virsh -c "$U_NC" define "$T/rs1.xml" </dev/null >"$T/out" 2>&1
check $? "stock virsh define over qemu+ssh"
grep -q "nc -U $SOCK\|nc .* -U $SOCK" "$T/sshd.log" 2>/dev/null || true

"$PY" - "$U_HELPER" >"$T/out" 2>&1 <<'EOF'
import sys, libvirt
c = libvirt.open(sys.argv[1])
names = [d.name() for d in c.listAllDomains()]
assert "rs1" in names, names
assert c.lookupByName("rs1").isActive() == 0
c.close()
print("ok")
EOF
check $? "python-libvirt over qemu+ssh"

# ---- a guest started and its console over ssh ----
if [ -r "$GUEST/vmlinuz" ] && [ -x /usr/bin/qemu-system-x86_64 ]; then
    cat >"$T/g1.xml" <<XML
<domain type='qemu'>
  <name>g1</name>
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
    v create "$T/g1.xml" >"$T/out" 2>&1; check $? "vsh create (transient TCG guest) over ssh"
    ok=1
    for n in $(seq 30); do
        (sleep 1; printf 'echo hi-$((40+%d))\r' "$n"; sleep 2; printf '\035') |
            "$VSH" -c "$U_HELPER" console g1 >"$T/console" 2>&1
        grep -q "hi-$((40 + n))" "$T/console" && { ok=0; break; }
        sleep 2
    done
    check $ok "console round trip over ssh"
    v destroy g1 >/dev/null 2>&1; check $? "vsh destroy over ssh"
else
    diag "SKIP guest start/console: no test guest in $GUEST or no QEMU"
fi
# ---- a volume uploaded and downloaded over ssh ----
v pool-define-as rsp dir --target "$T/rsp" >"$T/out" 2>&1 &&
    v pool-build rsp >>"$T/out" 2>&1 && v pool-start rsp >>"$T/out" 2>&1
check $? "vsh pool-define-as, pool-build, pool-start over ssh"
head -c 8388608 /dev/urandom >"$T/up.bin"
v vol-create-as rsp up.img 8M --format raw >"$T/out" 2>&1
check $? "vsh vol-create-as over ssh"
v vol-upload --pool rsp up.img "$T/up.bin" >"$T/out" 2>&1
check $? "vsh vol-upload over ssh"
v vol-download --pool rsp up.img "$T/down.bin" >"$T/out" 2>&1
check $? "vsh vol-download over ssh"
[ "$(sha256sum <"$T/up.bin")" = "$(sha256sum <"$T/down.bin")" ]
check $? "vol-upload/vol-download over ssh: sha256 equal"
v vol-delete --pool rsp up.img >/dev/null 2>&1 && v pool-destroy rsp >/dev/null 2>&1 &&
    v pool-delete rsp >/dev/null 2>&1 && v pool-undefine rsp >/dev/null 2>&1
check $? "vsh vol-delete, pool-destroy, pool-delete, pool-undefine over ssh"

# ---- failures: each its own message, each within seconds ----
timed "$T/out" "$VSH" -c "qemu+ssh://root@127.0.0.1:$P_HELPER/system?socket=$SOCK&keyfile=$T/wrong&no_verify=1" list
rc=$?
diag "wrong key ($SECS s): $(cat "$T/out")"
[ $rc -ne 0 ] && has "authentication refused (publickey" "$T/out"; check $? "wrong key: authentication refused (publickey)"
fast; check $? "wrong key reported within 10 s"

timed "$T/out" "$VSH" -c "qemu+ssh://root@127.0.0.1:$P_DEAD/system?$Q" list
rc=$?
diag "unreachable port ($SECS s): $(cat "$T/out")"
[ $rc -ne 0 ] && has "cannot connect to host '127.0.0.1' port $P_DEAD: Connection refused" "$T/out"
check $? "unreachable port: cannot connect to host ... Connection refused"
fast; check $? "unreachable port reported within 10 s"

timed "$T/out" "$VSH" -c "qemu+ssh://root@127.0.0.1:$P_BARE/system?$Q" list
rc=$?
diag "no helper, no nc ($SECS s): $(cat "$T/out")"
[ $rc -ne 0 ] && has "vireo-ssh-helper and nc missing on 127.0.0.1" "$T/out"
check $? "far side without helper and nc: says so"
fast; check $? "missing helper reported within 10 s"

# ---- a dead link: ssh frozen mid-session; calls fail, never hang ----
# python-libvirt: keepalive needs its event loop, as for any libvirt client.
"$PY" - "$U_HELPER" >"$T/out" 2>&1 <<'EOF' &
import os, signal, subprocess, sys, threading, time, libvirt
libvirt.virEventRegisterDefaultImpl()
def loop():
    while True:
        libvirt.virEventRunDefaultImpl()
threading.Thread(target=loop, daemon=True).start()
c = libvirt.open(sys.argv[1])
c.setKeepAlive(5, 3)
assert c.listAllDomains() is not None
kids = subprocess.run(["pgrep", "-P", str(os.getpid()), "ssh"],
                      capture_output=True, text=True).stdout.split()
for k in kids:
    os.kill(int(k), signal.SIGSTOP)
t0 = time.time()
try:
    c.listAllDomains()
    print("call succeeded on a frozen link")
except libvirt.libvirtError as e:
    print("failed after %.0f s: %s" % (time.time() - t0, e))
for k in kids:
    try:
        os.kill(int(k), signal.SIGKILL)
    except ProcessLookupError:
        pass
sys.stdout.flush()
os._exit(0)
EOF
PYPID=$!
( sleep 60; kill "$PYPID" 2>/dev/null ) &
WD=$!
wait "$PYPID"
kill "$WD" 2>/dev/null
diag "dead link (python-libvirt): $(cat "$T/out")"
has "failed after" "$T/out"; check $? "python-libvirt: a frozen ssh link fails the call instead of hanging"

# vsh's shell: the second command, sent after the link froze, must fail
# with "connection ... lost" once keepalive (5 s, 3 missed) gives up.
mkfifo "$T/fifo"
"$VSH" -c "$U_HELPER" <"$T/fifo" >"$T/sh" 2>&1 &
VPID=$!
exec 3>"$T/fifo"
echo "list --all --name" >&3
sleep 2
for k in $(pgrep -P "$VPID" ssh); do kill -STOP "$k"; done
t0=$(date +%s)
echo "list --all --name" >&3
for _ in $(seq 450); do grep -qi "lost" "$T/sh" && break; sleep 0.1; done
dt=$(($(date +%s) - t0))
exec 3>&-
for k in $(pgrep -P "$VPID" ssh); do kill -KILL "$k"; done
kill "$VPID" 2>/dev/null
diag "dead link (vsh, ${dt} s): $(grep -i lost "$T/sh" | head -1)"
grep -qi "lost" "$T/sh" && [ "$dt" -lt 40 ]
check $? "vsh: a frozen ssh link fails with 'connection ... lost' (${dt} s)"

# Last: stop the daemon: "no daemon on the far side".
vireo_stop
timed "$T/out" "$VSH" -c "$U_HELPER" list
rc=$?
diag "stopped daemon ($SECS s): $(cat "$T/out")"
[ $rc -ne 0 ] && has "no daemon on the far side: socket $SOCK missing" "$T/out"
check $? "stopped daemon (helper): no daemon on the far side: socket missing"
fast; check $? "stopped daemon reported within 10 s"
timed "$T/out" "$VSH" -c "$U_NC" list
rc=$?
diag "stopped daemon, nc ($SECS s): $(cat "$T/out")"
[ $rc -ne 0 ] && has "no daemon on the far side: socket $SOCK missing" "$T/out"
check $? "stopped daemon (nc): no daemon on the far side: socket missing"

done_testing
