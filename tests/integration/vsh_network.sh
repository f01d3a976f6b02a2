#!/bin/sh
# vsh's network commands against a real vireod inside a private network
# namespace.  Every command that changes nothing is also run with stock
# virsh 9.0 and both outputs (stdout, stderr, exit status) must be
# byte-identical; commands that change state are checked against virsh's
# exact messages.  Covers net-define, net-list (--all, --name, --uuid,
# --table, --autostart, --transient), net-info, net-uuid, net-name,
# net-dumpxml, net-start, net-autostart (+ --disable), net-update
# ip-dhcp-host, net-dhcp-leases, net-destroy, net-undefine, net-create,
# net-event, domiflist, domifaddr and the errors; the host side (bridge,
# nft table, dnsmasq, status files) after net-start and net-destroy.
# Skipped (with the reason) without root/`ip netns`, dnsmasq or nft.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] ||
    skip_all "dnsmasq missing (apt-get install dnsmasq-base)"
command -v nft >/dev/null || [ -x /usr/sbin/nft ] ||
    skip_all "nft missing (apt-get install nftables)"
[ "$(id -u)" = 0 ] || skip_all "needs root for ip netns"
vireo_netns_setup vshnet || skip_all "ip netns add not permitted"
PATH=$PATH:/usr/sbin:/sbin
HAVE_VIRSH=0
command -v virsh >/dev/null && HAVE_VIRSH=1

vireo_start_in_netns vshnet || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
s() { "$VSH" -q -c "$URI" "$@"; }
ss() { "$VSH" -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }
EVPID=""
trap '[ -n "$EVPID" ] && kill "$EVPID" 2>/dev/null; vireo_netns_cleanup' EXIT

# same ARGS...: vsh and virsh give identical stdout, stderr and status
# (without virsh: vsh's status only).
same() {
    ( cd "$T" && "$VSH" -c "$URI" "$@" >"$T/s.out" 2>"$T/s.err" )
    _r1=$?
    if [ "$HAVE_VIRSH" = 0 ]; then
        check 0 "vsh $* (virsh not installed: not compared)"
        return
    fi
    ( cd "$T" && virsh -c "$URI" "$@" >"$T/v.out" 2>"$T/v.err" )
    _r2=$?
    cmp -s "$T/s.out" "$T/v.out" && cmp -s "$T/s.err" "$T/v.err" &&
        [ "$_r1" = "$_r2" ]
    _ok=$?
    check $_ok "vsh $* = virsh"
    if [ $_ok != 0 ]; then
        diag "status vsh $_r1 virsh $_r2"
        diff "$T/v.out" "$T/s.out" | sed 's/^/# /' | head -10
        diff "$T/v.err" "$T/s.err" | sed 's/^/# /' | head -10
    fi
}
# is FILE TEXT: FILE holds exactly TEXT (printf format)
is() { _f=$1; shift; printf "$@" | cmp -s - "$_f"; }

BR=vrbr-sn1
cat >"$T/n1.xml" <<XML
<network>
  <name>sn1</name>
  <forward mode='nat'/>
  <bridge name='$BR' stp='on' delay='0'/>
  <ip address='10.92.1.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.92.1.100' end='10.92.1.200'/>
      <host mac='52:54:00:92:00:01' name='h1' ip='10.92.1.10'/>
    </dhcp>
  </ip>
</network>
XML
cat >"$T/n2.xml" <<XML
<network>
  <name>sn2</name>
  <bridge name='vrbr-sn2'/>
  <ip address='10.92.1.129' prefix='25'/>
</network>
XML
cat >"$T/n3.xml" <<XML
<network>
  <name>sn3</name>
  <bridge name='vrbr-sn3'/>
  <ip address='10.92.3.1' prefix='24'/>
</network>
XML

ns_has_addr() { ip -n "$NS" -j addr show dev "$1" 2>/dev/null | grep -q "\"local\":\"$2\""; }
ns_has_link() { ip -n "$NS" link show dev "$1" >/dev/null 2>&1; }
ns_has_table() { ip netns exec "$NS" nft list tables | grep -qx "table inet $1"; }
PIDF="$T/run/vireo/network/sn1.pid"
STATUSF="$T/run/vireo/network/sn1.xml"
dnsmasq_up() {
    p=$(cat "$PIDF" 2>/dev/null) && [ -n "$p" ] && vireo_alive "$p" &&
        tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "dnsmasq.*$T/"
}

"$VSH" -c "$URI" net-event --loop --event lifecycle --timeout 120 \
    >"$T/events" 2>&1 &
EVPID=$!
sleep 1

same net-list --all
( cd "$T" && ss net-define n1.xml ) >"$T/out" 2>&1; check $? "net-define"
is "$T/out" 'Network sn1 defined from n1.xml\n\n'; check $? "net-define message"
UUID=$(s net-uuid sn1)
( cd "$T" && ss net-define n1.xml ) >"$T/out" 2>&1
# redefining with no <uuid> gets a new UUID: refused like libvirt
has "network 'sn1' is already defined with uuid $UUID" "$T/out"
check $? "redefinition without the UUID refused, naming the UUID"
for args in "net-list --all" "net-list --all --name" "net-list --all --uuid" \
            "net-list --all --table" "net-list --all --name --uuid" \
            "net-list --inactive" "net-list --persistent --all" \
            "net-list --transient" "net-list --no-autostart --all" \
            "net-info sn1" "net-info $UUID" "net-uuid sn1" "net-name $UUID" \
            "net-dumpxml sn1" "net-dumpxml --inactive sn1" \
            "net-info nosuch" "net-uuid nosuch" \
            "net-name 00000000-0000-0000-0000-000000000000" \
            "net-dumpxml nosuch" "net-start nosuch" "net-destroy sn1" \
            "net-event" "net-event --list" "net-event --event nosuch" \
            "net-event --event lifecycle --timeout 0"; do
    # shellcheck disable=SC2086
    same $args
done
ss net-info sn1 >"$T/out" 2>&1
is "$T/out" 'Name:           sn1\nUUID:           %s\nActive:         no\nPersistent:     yes\nAutostart:      no\nBridge:         %s\n\n' \
    "$UUID" "$BR"
check $? "net-info output"

ss net-start sn1 >"$T/out" 2>&1; check $? "net-start"
is "$T/out" 'Network sn1 started\n\n'; check $? "net-start message"
ns_has_addr "$BR" 10.92.1.1; check $? "bridge $BR has 10.92.1.1 in the namespace"
ns_has_table vireo_sn1; check $? "nft table inet vireo_sn1 present"
vireo_eventually dnsmasq_up; check $? "dnsmasq running"
DNSPID=$(cat "$PIDF" 2>/dev/null)
[ -f "$STATUSF" ]; check $? "status file written"
same net-start sn1
is "$T/s.err" "error: Failed to start network sn1\nerror: Requested operation is not valid: network 'sn1' is already active\n"
check $? "start twice: libvirt's message"
same net-list
same net-info sn1
same net-dhcp-leases sn1
same net-dhcp-leases sn1 --mac 52:54:00:92:00:01
same net-dhcp-leases nosuch

ss net-autostart sn1 >"$T/out" 2>&1 && is "$T/out" 'Network sn1 marked as autostarted\n\n'
check $? "net-autostart"
same net-list --autostart
same net-info sn1
ss net-autostart --disable sn1 >"$T/out" 2>&1 &&
    is "$T/out" 'Network sn1 unmarked as autostarted\n\n'
check $? "net-autostart --disable"
same net-list --autostart --all

H2="<host mac='52:54:00:92:00:02' name='h2' ip='10.92.1.11'/>"
ss net-update sn1 add ip-dhcp-host "$H2" --live --config >"$T/out" 2>&1
check $? "net-update add --live --config"
is "$T/out" 'Updated network sn1 persistent config and live state\n'
check $? "net-update message"
s net-dumpxml sn1 | grep -qF "$H2" && s net-dumpxml --inactive sn1 | grep -qF "$H2"
check $? "live and config XML have the host"
vireo_eventually grep -q '52:54:00:92:00:02' "$T/var/lib/vireo/network/sn1.hostsfile"
check $? "dnsmasq hosts file has the host"
same net-update sn1 add ip-dhcp-host "$H2" --live --config
same net-update sn1 add ip-dhcp-host "$H2" --bogus
same net-update sn1 frob ip-dhcp-host "$H2"
same net-update sn1 add ip-frob "$H2"
ss net-update sn1 delete ip-dhcp-host "$H2" --live --config >"$T/out" 2>&1 &&
    is "$T/out" 'Updated network sn1 persistent config and live state\n'
check $? "net-update delete"
! s net-dumpxml sn1 | grep -qF "$H2"; check $? "host gone"
same net-update sn1 delete ip-dhcp-host "$H2" --live --config

same net-create n2.xml
grep -q "10.92.1.128/25.*'sn2'.*10.92.1.0/24.*'sn1'" "$T/s.err"
check $? "overlap message names both subnets and the active network"
! ns_has_link vrbr-sn2 && ! ns_has_table vireo_sn2; check $? "nothing left of sn2"
"$VSH" -c "$URI_RO" net-destroy sn1 >"$T/out" 2>&1
check "$((! $?))" "net-destroy on the read-only socket refused"
grep -q "^error: operation forbidden: read only access prevents" "$T/out"
check $? "... operation forbidden"
if [ "$HAVE_VIRSH" = 1 ]; then
    virsh -c "$URI_RO" net-destroy sn1 >"$T/v.out" 2>&1
    "$VSH" -c "$URI_RO" net-destroy sn1 >"$T/s.out" 2>&1
    cmp -s "$T/v.out" "$T/s.out"; check $? "read-only refusal = virsh"
fi

vireo_domain_xml snd1 >"$T/d1.xml"
sed -i "s|</devices>|<interface type='network'><mac address='52:54:00:92:00:05'/><source network='sn1'/><model type='virtio'/></interface><interface type='bridge'><mac address='52:54:00:92:00:06'/><source bridge='br9'/></interface></devices>|" "$T/d1.xml"
s define "$T/d1.xml" >/dev/null 2>&1; check $? "define a domain with NICs"
same domiflist snd1
same domiflist snd1 --inactive
grep -Eq '^ - +network +sn1 +virtio +52:54:00:92:00:05$' "$T/s.out"
check $? "domiflist network row"
same domifaddr snd1
same domiflist nosuch
same domifaddr nosuch
s undefine snd1 >/dev/null 2>&1

ss net-destroy sn1 >"$T/out" 2>&1 && is "$T/out" 'Network sn1 destroyed\n\n'
check $? "net-destroy"
! ns_has_link "$BR"; check $? "bridge gone"
! ns_has_table vireo_sn1; check $? "nft table gone"
[ -n "$DNSPID" ] && vireo_eventually eval "! vireo_alive $DNSPID"
check $? "dnsmasq gone"
[ ! -e "$PIDF" ] && [ ! -e "$STATUSF" ]; check $? "pid and status files gone"
same net-destroy sn1
same net-list --all
ss net-undefine sn1 >"$T/out" 2>&1 && is "$T/out" 'Network sn1 has been undefined\n\n'
check $? "net-undefine"
same net-list --all

ss net-create "$T/n3.xml" >"$T/out" 2>&1 && is "$T/out" 'Network sn3 created from %s\n\n' "$T/n3.xml"
check $? "net-create (transient)"
same net-list --transient
ns_has_addr vrbr-sn3 10.92.3.1; check $? "transient bridge with its address"
s net-destroy sn3 >/dev/null 2>&1; check $? "destroy the transient network"
same net-list --all
! ns_has_link vrbr-sn3; check $? "transient bridge gone"

sleep 0.5
kill -INT "$EVPID" 2>/dev/null; wait "$EVPID" 2>/dev/null; EVPID=""
{
    for e in "sn1: Defined" "sn1: Started" "sn1: Stopped" "sn1: Undefined" \
             "sn3: Started" "sn3: Stopped"; do
        echo "event 'lifecycle' for network $e"
    done
    echo "event loop interrupted"
    echo "events received: 6"
    echo
} | cmp -s - "$T/events"
check $? "vsh net-event --loop output"
done_testing
