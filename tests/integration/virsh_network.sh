#!/bin/sh
# Stock virsh (Debian's libvirt-clients 9.0) driving virtual networks of a
# real vireod that runs inside a private network namespace: net-define,
# net-list (--all, --name, --uuid, --autostart, --transient), net-info,
# net-uuid, net-name, net-dumpxml, net-start, net-autostart (+ --disable),
# net-update ip-dhcp-host (--live --config), net-dhcp-leases, net-destroy,
# net-undefine, net-create, net-event, domiflist, domifaddr, and the
# errors (unknown network, start twice, destroy inactive, overlapping
# subnet, read-only socket).  Host side, inside the namespace: the bridge
# and its address, the nft table inet vireo_NAME, dnsmasq, the status and
# pid files after net-start, and all of them gone after net-destroy.
# Skipped (with the reason) without root/`ip netns`, dnsmasq, nft or virsh.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

command -v virsh >/dev/null || skip_all "virsh not installed (libvirt-clients)"
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] ||
    skip_all "dnsmasq missing (apt-get install dnsmasq-base)"
command -v nft >/dev/null || [ -x /usr/sbin/nft ] ||
    skip_all "nft missing (apt-get install nftables)"
[ "$(id -u)" = 0 ] || skip_all "needs root for ip netns"
vireo_netns_setup vnet || skip_all "ip netns add not permitted"
PATH=$PATH:/usr/sbin:/sbin

vireo_start_in_netns virshnet || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
v() { virsh -q -c "$URI" "$@"; }
vv() { virsh -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }
EVPID=""
trap '[ -n "$EVPID" ] && kill "$EVPID" 2>/dev/null; vireo_netns_cleanup' EXIT

BR=vrbr-vn1
cat >"$T/n1.xml" <<XML
<network>
  <name>vn1</name>
  <forward mode='nat'/>
  <bridge name='$BR' stp='on' delay='0'/>
  <ip address='10.91.1.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.91.1.100' end='10.91.1.200'/>
      <host mac='52:54:00:91:00:01' name='h1' ip='10.91.1.10'/>
    </dhcp>
  </ip>
</network>
XML
# a subnet inside vn1's
cat >"$T/n2.xml" <<XML
<network>
  <name>vn2</name>
  <bridge name='vrbr-vn2'/>
  <ip address='10.91.1.129' prefix='25'/>
</network>
XML
cat >"$T/n3.xml" <<XML
<network>
  <name>vn3</name>
  <bridge name='vrbr-vn3'/>
  <ip address='10.91.3.1' prefix='24'/>
</network>
XML

# host-side probes, all inside the namespace
ns_has_addr() { ip -n "$NS" -j addr show dev "$1" 2>/dev/null | grep -q "\"local\":\"$2\""; }
ns_has_link() { ip -n "$NS" link show dev "$1" >/dev/null 2>&1; }
ns_has_table() { ip netns exec "$NS" nft list tables | grep -qx "table inet $1"; }
PIDF="$T/run/vireo/network/vn1.pid"
STATUSF="$T/run/vireo/network/vn1.xml"
dnsmasq_up() {
    p=$(cat "$PIDF" 2>/dev/null) && [ -n "$p" ] && vireo_alive "$p" &&
        tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "dnsmasq.*$T/"
}
DNSPID=""

virsh -c "$URI" net-event --loop --event lifecycle --timeout 120 \
    >"$T/events" 2>&1 &
EVPID=$!
sleep 1

vv net-define "$T/n1.xml" >"$T/out" 2>&1; check $? "net-define"
has "Network vn1 defined from $T/n1.xml" "$T/out"; check $? "net-define message"
vv net-list --all >"$T/out" 2>&1
grep -Eq '^ vn1 +inactive +no +yes *$' "$T/out"; check $? "net-list --all: vn1 inactive"
head -1 "$T/out" | grep -Eq '^ Name +State +Autostart +Persistent *$'
check $? "net-list table header"
[ "$(v net-list --all --name)" = vn1 ]; check $? "net-list --all --name"
UUID=$(v net-uuid vn1)
echo "$UUID" | grep -Eq '^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$'
check $? "net-uuid prints a UUID"
[ "$(v net-list --all --uuid)" = "$UUID" ]; check $? "net-list --all --uuid"
[ "$(v net-name "$UUID")" = vn1 ]; check $? "net-name of the UUID"
v net-list --all --name --uuid >"$T/out" 2>&1
check "$((! $?))" "net-list --name --uuid refused"
has "Only one argument from --table, --name and --uuid" "$T/out"
check $? "... with virsh's message"
[ -z "$(v net-list --name)" ]; check $? "net-list (active only) is empty"
vv net-info vn1 >"$T/out" 2>&1; check $? "net-info"
printf 'Name:           vn1\nUUID:           %s\nActive:         no\nPersistent:     yes\nAutostart:      no\nBridge:         %s\n\n' \
    "$UUID" "$BR" | cmp -s - "$T/out"
check $? "net-info output"
v net-dumpxml vn1 >"$T/out" 2>&1; check $? "net-dumpxml"
has "<uuid>$UUID</uuid>" "$T/out" && has "<bridge name='$BR'" "$T/out" &&
    has "<host mac='52:54:00:91:00:01' name='h1' ip='10.91.1.10'/>" "$T/out"
check $? "net-dumpxml content"
! ns_has_link "$BR"; check $? "no bridge before net-start"

vv net-start vn1 >"$T/out" 2>&1; check $? "net-start"
has "Network vn1 started" "$T/out"; check $? "net-start message"
ns_has_addr "$BR" 10.91.1.1; check $? "bridge $BR has 10.91.1.1 in the namespace"
ns_has_table vireo_vn1; check $? "nft table inet vireo_vn1 present"
vireo_eventually dnsmasq_up; check $? "dnsmasq running (pid file, its config)"
DNSPID=$(cat "$PIDF" 2>/dev/null)
[ -f "$STATUSF" ]; check $? "status file written"
v net-list >"$T/out" 2>&1
grep -Eq '^ vn1 +active +no +yes *$' "$T/out"; check $? "net-list: vn1 active"
v net-start vn1 >"$T/out" 2>&1; check "$((! $?))" "net-start twice fails"
has "error: Failed to start network vn1" "$T/out" &&
    has "Requested operation is not valid: network 'vn1' is already active" "$T/out"
check $? "start twice: libvirt's message"

vv net-autostart vn1 >"$T/out" 2>&1 && has "Network vn1 marked as autostarted" "$T/out"
check $? "net-autostart"
[ "$(v net-list --autostart --name)" = vn1 ]; check $? "net-list --autostart"
v net-info vn1 | grep -Eq '^Autostart: +yes$'; check $? "net-info Autostart: yes"
vv net-autostart --disable vn1 >"$T/out" 2>&1 &&
    has "Network vn1 unmarked as autostarted" "$T/out"
check $? "net-autostart --disable"
[ -z "$(v net-list --autostart --name)" ]; check $? "no longer autostarted"

H2="<host mac='52:54:00:91:00:02' name='h2' ip='10.91.1.11'/>"
vv net-update vn1 add ip-dhcp-host "$H2" --live --config >"$T/out" 2>&1
check $? "net-update add ip-dhcp-host --live --config"
has "Updated network vn1 persistent config and live state" "$T/out"
check $? "net-update message"
v net-dumpxml vn1 | grep -qF "$H2"; check $? "live XML has the host"
v net-dumpxml --inactive vn1 | grep -qF "$H2"; check $? "config XML has the host"
vireo_eventually grep -q '52:54:00:91:00:02' "$T/var/lib/vireo/network/vn1.hostsfile"
check $? "dnsmasq hosts file has the host"
[ "$(cat "$PIDF" 2>/dev/null)" = "$DNSPID" ] && vireo_alive "$DNSPID"
check $? "dnsmasq reloaded, not restarted"
v net-update vn1 add ip-dhcp-host "$H2" --live --config >"$T/out" 2>&1
check "$((! $?))" "adding the same host again fails"
has "there is an existing dhcp host entry in network 'vn1'" "$T/out"
check $? "... naming the existing entry"
vv net-update vn1 delete ip-dhcp-host "$H2" --live --config >"$T/out" 2>&1
check $? "net-update delete ip-dhcp-host"
! v net-dumpxml vn1 | grep -qF "$H2" && ! v net-dumpxml --inactive vn1 | grep -qF "$H2"
check $? "host gone from live and config XML"
v net-update vn1 delete ip-dhcp-host "$H2" --live --config >"$T/out" 2>&1
check "$((! $?))" "deleting a missing host fails"

vv net-dhcp-leases vn1 >"$T/out" 2>&1; check $? "net-dhcp-leases"
head -1 "$T/out" | grep -Eq '^ Expiry Time +MAC address +Protocol +IP address +Hostname +Client ID or DUID$'
check $? "net-dhcp-leases header"

# bad input: overlapping subnet, unknown network, read-only socket
vv net-create "$T/n2.xml" >"$T/out" 2>&1; check "$((! $?))" "overlapping net-create fails"
has "error: Failed to create network from $T/n2.xml" "$T/out" &&
    grep -q "10.91.1.128/25.*'vn2'.*10.91.1.0/24.*'vn1'" "$T/out"
check $? "overlap message names both subnets and the active network"
! ns_has_link vrbr-vn2 && ! ns_has_table vireo_vn2 &&
    ! v net-list --all --name | grep -qx vn2
check $? "nothing left of the refused network"
vv net-info nosuch >"$T/out" 2>&1; check "$((! $?))" "net-info of an unknown network fails"
printf "error: failed to get network 'nosuch'\nerror: Network not found: no network with matching name 'nosuch'\n\n" |
    cmp -s - "$T/out"
check $? "unknown network: virsh's two lines"
virsh -c "$URI_RO" net-destroy vn1 >"$T/out" 2>&1
check "$((! $?))" "net-destroy on the read-only socket refused"
has "operation forbidden: read only access prevents" "$T/out"; check $? "... operation forbidden"
[ "$(v net-list --name)" = vn1 ]; check $? "vn1 still active"
[ "$(virsh -q -c "$URI_RO" net-list --name)" = vn1 ]; check $? "read-only net-list works"

# guest NICs (definition only: no QEMU needed)
vireo_domain_xml vnd1 >"$T/d1.xml"
sed -i "s|</devices>|<interface type='network'><mac address='52:54:00:91:00:05'/><source network='vn1'/><model type='virtio'/></interface></devices>|" "$T/d1.xml"
v define "$T/d1.xml" >/dev/null 2>&1; check $? "define a domain with a network NIC"
v domiflist vnd1 >"$T/out" 2>&1
grep -Eq '^ - +network +vn1 +virtio +52:54:00:91:00:05$' "$T/out"; check $? "domiflist row"
v domifaddr vnd1 >"$T/out" 2>&1; check "$((! $?))" "domifaddr of an inactive domain fails"
has "domain is not running" "$T/out"; check $? "... because it is not running"
v undefine vnd1 >/dev/null 2>&1

vv net-destroy vn1 >"$T/out" 2>&1; check $? "net-destroy"
has "Network vn1 destroyed" "$T/out"; check $? "net-destroy message"
! ns_has_link "$BR"; check $? "bridge gone"
! ns_has_table vireo_vn1; check $? "nft table gone"
[ -n "$DNSPID" ] && vireo_eventually eval "! vireo_alive $DNSPID"
check $? "dnsmasq gone"
[ ! -e "$PIDF" ] && [ ! -e "$STATUSF" ]; check $? "pid and status files gone"
v net-destroy vn1 >"$T/out" 2>&1; check "$((! $?))" "destroying an inactive network fails"
has "Requested operation is not valid: network 'vn1' is not active" "$T/out"
check $? "... with libvirt's message"
vv net-undefine vn1 >"$T/out" 2>&1 && has "Network vn1 has been undefined" "$T/out"
check $? "net-undefine"
[ -z "$(v net-list --all --name)" ]; check $? "no networks left"

vv net-create "$T/n3.xml" >"$T/out" 2>&1 && has "Network vn3 created from $T/n3.xml" "$T/out"
check $? "net-create (transient)"
v net-list --transient >"$T/out" 2>&1
grep -Eq '^ vn3 +active +no +no *$' "$T/out"; check $? "net-list --transient: vn3"
ns_has_addr vrbr-vn3 10.91.3.1; check $? "transient bridge up with its address"
v net-destroy vn3 >/dev/null 2>&1; check $? "destroy the transient network"
[ -z "$(v net-list --all --name)" ] && ! ns_has_link vrbr-vn3
check $? "transient network gone entirely"

sleep 0.5
kill -INT "$EVPID" 2>/dev/null; wait "$EVPID" 2>/dev/null; EVPID=""
printf '%s\n' "vn1: Defined" "vn1: Started" "vn1: Stopped" "vn1: Undefined" \
    "vn3: Started" "vn3: Stopped" >"$T/want"
sed -n "s/^event 'lifecycle' for network //p" "$T/events" | cmp -s "$T/want" -
check $? "net-event --loop: Defined Started Stopped Undefined, Started Stopped"
done_testing
