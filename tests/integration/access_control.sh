#!/bin/sh
# Access control in vireod:
#  - the read-only socket: every modifying vsh command refused with
#    "read only access prevents ...", reads allowed, refusals logged with
#    uid, pid and procedure;
#  - group access: unix_sock_group + unix_sock_rw_perms "0770" let a
#    non-root member manage, while a non-member cannot connect;
#  - polkit: a private D-Bus system bus and Debian's polkitd (inside a
#    private mount namespace whose bind mounts show polkitd only the test's
#    action and rule files: nothing on the host changes); vireod with
#    auth_unix_rw = "polkit"; the rule allows user A, denies user B.
# Root only (creates throwaway users and a group, removed at exit).
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create test users"

umask 022
T=$(mktemp -d /tmp/vireo-test-acl.XXXXXX)
chmod 0755 "$T"
UA="vracla$$"; UB="vraclb$$"; G="vraclg$$"
BUS_PID=""; PK_PID=""
cleanup() {
    [ -n "$PK_PID" ] && kill "$PK_PID" 2>/dev/null
    [ -n "$BUS_PID" ] && kill "$BUS_PID" 2>/dev/null
    vireo_cleanup
    userdel "$UA" 2>/dev/null; userdel "$UB" 2>/dev/null
    groupdel "$G" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
groupadd "$G" && useradd -M -d /nonexistent -s /bin/sh -G "$G" "$UA" &&
    useradd -M -d /nonexistent -s /bin/sh "$UB" || skip_all "cannot create test users"
vireo_user_tools "$T/tools" ||
    { check 1 "copy vsh for the test users"; done_testing; exit 1; }
has() { grep -q -- "$1" "$2"; }
as() { _u=$1; shift; runuser -u "$_u" -- env -i PATH=/usr/bin:/bin VIREO_AUTOSTART=0 "$@"; }

# start_root NAME CONFIG: a daemon on a root others may traverse.
start_root() {
    _r="$T/$1"
    mkdir -p "$_r/etc/vireo"
    printf '%s\n' "$2" >"$_r/etc/vireo/vireod.conf"
    chmod 0755 "$_r"
    shift 2
    vireo_start_in "$_r" "$@"
}

# ---- read-only socket ----
start_root ro "" || { check 1 "vireod starts"; done_testing; exit 1; }
vireo_domain_xml acl1 >"$T/acl1.xml"
vireo_domain_xml acl2 >"$T/acl2.xml"
cat >"$T/net.xml" <<EOF
<network><name>aclnet</name><bridge name='vracl0'/></network>
EOF
sed 's/aclnet/aclnet2/; s/vracl0/vracl1/' "$T/net.xml" >"$T/net2.xml"
"$VSH" -c "$URI" define "$T/acl1.xml" >/dev/null 2>&1; check $? "define through the read-write socket"
"$VSH" -c "$URI" net-define "$T/net.xml" >/dev/null 2>&1; check $? "net-define through the read-write socket"
for cmd in "define $T/acl2.xml" "undefine acl1" "start acl1" "destroy acl1" \
           "shutdown acl1" "reboot acl1" "suspend acl1" "resume acl1" \
           "reset acl1" "autostart acl1" "create $T/acl2.xml" \
           "net-define $T/net2.xml" "net-start aclnet" "net-destroy aclnet" \
           "net-undefine aclnet" "net-autostart aclnet"; do
    # shellcheck disable=SC2086
    "$VSH" -c "$URI_RO" $cmd >"$T/out" 2>&1
    rc=$?
    [ $rc -ne 0 ] && has "read only access prevents" "$T/out"
    check $? "read-only socket refuses '${cmd%% *}'"
done
for cmd in "list --all" "dominfo acl1" "dumpxml acl1" "domstate acl1" \
           "hostname" "nodeinfo" "net-list --all"; do
    # shellcheck disable=SC2086
    "$VSH" -c "$URI_RO" $cmd >"$T/out" 2>&1
    check $? "read-only socket allows '${cmd%% *}'"
done
"$VSH" -r -c "$URI" undefine acl1 >"$T/out" 2>&1
[ $? -ne 0 ] && has "read only access prevents" "$T/out"
check $? "vsh -r (read-only connection on the rw socket) refuses undefine"
virsh -r -c "$URI" undefine acl1 >"$T/out" 2>&1
[ $? -ne 0 ] && has "read only access prevents" "$T/out"
check $? "virsh -r refuses undefine"
grep -q "refused DOMAIN_UNDEFINE[A-Z_]* to uid 0 pid [0-9]*: read-only socket" "$ROOT/vireod.log"
check $? "read-only socket refusal logged with uid, pid and procedure"
grep -q "refused .*ndefine.* to uid 0 pid [0-9]*: read-only connection" "$ROOT/vireod.log"
check $? "read-only connection refusal logged with uid, pid and procedure"
vireo_stop

# ---- group access to the read-write socket ----
start_root grp "unix_sock_group = \"$G\"
unix_sock_rw_perms = \"0770\"" || { check 1 "vireod (group) starts"; done_testing; exit 1; }
stat -c '%G %a' "$SOCK" | grep -q "^$G 770$"; check $? "socket owned by the group, mode 0770"
as "$UA" "$USER_VSH" -c "$URI" define "$T/acl1.xml" >"$T/out" 2>&1
check $? "group member (non-root) can define"
as "$UA" "$USER_VSH" -c "$URI" list --all --name >"$T/out" 2>&1
has acl1 "$T/out"; check $? "group member can list"
as "$UB" "$USER_VSH" -c "$URI" list --all >"$T/out" 2>&1
[ $? -ne 0 ] && has "Permission denied" "$T/out"
check $? "non-member cannot connect (Permission denied)"
as "$UB" "$USER_VSH" -c "$URI_RO" list --all --name >"$T/out" 2>&1
has acl1 "$T/out"; check $? "non-member can still read through the read-only socket"
vireo_stop

# ---- polkit ----
PK=/usr/lib/polkit-1/polkitd
if [ ! -x "$PK" ] || ! command -v dbus-daemon >/dev/null || ! command -v unshare >/dev/null; then
    diag "SKIP polkit: polkitd, dbus-daemon or unshare missing"
    done_testing; exit $?
fi
mkdir -p "$T/pk/actions" "$T/pk/rules" "$T/pk/empty"
cp "$abs_top_srcdir/data/org.vireo.policy" "$T/pk/actions/"
cat >"$T/pk/rules/10-vireo-test.rules" <<EOF
polkit.addRule(function(action, subject) {
    if (action.id == "org.vireo.unix.manage") {
        if (subject.user == "$UA") return polkit.Result.YES;
        if (subject.user == "$UB") return polkit.Result.NO;
    }
});
EOF
chmod -R a+rX "$T/pk"
cat >"$T/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$T/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$T/system.conf" --nofork --nopidfile 2>"$T/bus.log" &
BUS_PID=$!
for _ in $(seq 50); do [ -S "$T/bus" ] && break; sleep 0.1; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus"
unshare -m --propagation private sh -c "
    mount --bind '$T/pk/actions' /usr/share/polkit-1/actions &&
    mount --bind '$T/pk/rules' /etc/polkit-1/rules.d &&
    { [ ! -d /usr/share/polkit-1/rules.d ] ||
      mount --bind '$T/pk/empty' /usr/share/polkit-1/rules.d; } &&
    exec $PK --no-debug" >"$T/polkitd.log" 2>&1 &
PK_PID=$!
up=1
for _ in $(seq 100); do
    if dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 \
        2>/dev/null | grep -q "boolean true"; then up=0; break; fi
    kill -0 "$PK_PID" 2>/dev/null || break
    sleep 0.1
done
if [ $up -ne 0 ]; then
    diag "SKIP polkit: polkitd did not come up here: $(tail -3 "$T/polkitd.log" | tr '\n' ' ')"
    done_testing; exit $?
fi
check 0 "private system bus and polkitd running"
start_root pk "auth_unix_rw = \"polkit\"
unix_sock_rw_perms = \"0777\"" || { check 1 "vireod (polkit) starts"; done_testing; exit 1; }

"$PY" - "$SOCK" >"$T/raw" 2>&1 <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def call(proc, serial):
    s.sendall(struct.pack(">IIIIiII", 28, 0x20008086, 1, proc, 0, serial, 0))
    n = struct.unpack(">I", s.recv(4))[0]
    data = b""
    while len(data) < n - 4:
        data += s.recv(n - 4 - len(data))
    return data
r = call(66, 1)            # AUTH_LIST
print("auth_list status %d types %s" % (struct.unpack(">I", r[20:24])[0],
      struct.unpack(">II", r[24:32])))
r = call(3, 2)             # CONNECT_GET_TYPE before AUTH_POLKIT
st, code, dom, present, mlen = struct.unpack(">IiiII", r[20:40])
print("get_type status %d code %d domain %d %s" % (st, code, dom,
      r[40:40 + mlen].decode() if present else "(no message)"))
EOF
diag "raw client: $(cat "$T/raw" | tr '\n' ' ')"
grep -q "auth_list status 0 types (1, 2)" "$T/raw"; check $? "AUTH_LIST answers [2] (polkit)"
grep -q "get_type status 1 code 39 .*authentication required" "$T/raw"
check $? "a call before AUTH_POLKIT gets code 39 'authentication required'"


as "$UA" "$USER_VSH" -c "$URI" define "$T/acl2.xml" >"$T/out" 2>&1
rc=$?; [ $rc -ne 0 ] && sed 's/^/# /' "$T/out"
check $rc "polkit allows user A: vsh define"
as "$UA" virsh -c "$URI" list --all --name >"$T/out" 2>&1
has acl2 "$T/out"; check $? "polkit allows user A: stock virsh list"
as "$UB" "$USER_VSH" -c "$URI" list --all >"$T/out" 2>&1
rc=$?
diag "user B with vsh: $(cat "$T/out" | tr '\n' ' ')"
[ $rc -ne 0 ] && has "authentication failed" "$T/out"; check $? "polkit denies user B (vsh): authentication failed"
as "$UB" virsh -c "$URI" list --all >"$T/out" 2>&1
rc=$?
diag "user B with virsh: $(cat "$T/out" | tr '\n' ' ')"
[ $rc -ne 0 ] && has "authentication failed" "$T/out"; check $? "polkit denies user B (stock virsh)"
grep -q "refused AUTH_POLKIT to uid $(id -u "$UB") pid [0-9]*" "$ROOT/vireod.log"
check $? "polkit refusal logged with uid, pid and procedure"
grep -q "refused CONNECT_GET_TYPE to uid 0 pid [0-9]*: authentication required" "$ROOT/vireod.log"
check $? "... and the refusal is logged"

done_testing
