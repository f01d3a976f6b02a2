#!/bin/sh
# Stock virsh (Debian's libvirt-clients 9.0) against a real vireod: the
# definition lifecycle end to end, read-only socket, and errors.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
command -v virsh >/dev/null || skip_all "virsh not installed (apt-get install libvirt-clients)"

vireo_start virsh || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
v() { virsh -q -c "$URI" "$@"; }
vv() { virsh -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }

v list --all >"$T/out" 2>&1; check $? "virsh list --all on an empty daemon"
check "$(grep -c . "$T/out")" "empty list has no rows"

vireo_domain_xml web1 6a2fe568-ffe7-4f9b-9075-ffd1ea375bda 128 >"$T/web1.xml"
vv define "$T/web1.xml" >"$T/out" 2>&1; check $? "virsh define"
has "Domain 'web1' defined" "$T/out"; check $? "define prints the domain name"
vireo_eventually test -f "$T/etc/vireo/qemu/web1.xml"; check $? "definition written to <config>/qemu/web1.xml"

v list --all >"$T/out" 2>&1
grep -Eq '^ *- +web1 +shut off' "$T/out"; check $? "list --all shows web1 shut off"
v list --name --all >"$T/out"; [ "$(cat "$T/out")" = web1 ]; check $? "list --name --all"
v list >"$T/out"; check "$(grep -c web1 "$T/out")" "list (active only) omits inactive web1"
v list --inactive --name >"$T/out"; has web1 "$T/out"; check $? "list --inactive"
v list --persistent --all --name >"$T/out"; has web1 "$T/out"; check $? "list --persistent"
v list --transient --all --name >"$T/out"; check "$(grep -c web1 "$T/out")" "list --transient omits web1"

v dominfo web1 >"$T/out" 2>&1; check $? "virsh dominfo"
has 'State: *shut off' "$T/out"; check $? "dominfo state"
has 'Max memory: *131072 KiB' "$T/out"; check $? "dominfo max memory"
has 'Persistent: *yes' "$T/out"; check $? "dominfo persistent"
has 'Autostart: *disable' "$T/out"; check $? "dominfo autostart off"
has 'UUID: *6a2fe568-ffe7-4f9b-9075-ffd1ea375bda' "$T/out"; check $? "dominfo uuid"
has 'OS Type: *hvm' "$T/out"; check $? "dominfo os type"
has 'Security model: *none' "$T/out"; check $? "dominfo security model"

[ "$(v domuuid web1)" = 6a2fe568-ffe7-4f9b-9075-ffd1ea375bda ]; check $? "domuuid"
[ "$(v domid web1)" = - ]; check $? "domid of an inactive domain is -"
[ "$(v domname 6a2fe568-ffe7-4f9b-9075-ffd1ea375bda)" = web1 ]; check $? "domname by uuid"
[ "$(v domstate web1)" = "shut off" ]; check $? "domstate"
[ "$(v domstate --reason web1)" = "shut off (unknown)" ]; check $? "domstate --reason"

v dumpxml web1 >"$T/dump.xml" 2>&1; check $? "dumpxml"
has "<name>web1</name>" "$T/dump.xml"; check $? "dumpxml has the name"
has "<memory unit='KiB'>131072</memory>" "$T/dump.xml"; check $? "dumpxml memory in KiB"
virt-xml-validate "$T/dump.xml" domain >/dev/null 2>&1; check $? "dumpxml output passes virt-xml-validate"
v dumpxml --inactive web1 >/dev/null 2>&1; check $? "dumpxml --inactive"

v autostart web1 >"$T/out" 2>&1; check $? "autostart"
check "$([ -L "$T/etc/vireo/qemu/autostart/web1.xml" ]; echo $?)" "autostart link created"
v dominfo web1 | grep -q 'Autostart: *enable'; check $? "dominfo shows autostart"
v list --autostart --all --name >"$T/out"; has web1 "$T/out"; check $? "list --autostart"
v autostart --disable web1 >/dev/null 2>&1; check $? "autostart --disable"
check "$([ ! -e "$T/etc/vireo/qemu/autostart/web1.xml" ]; echo $?)" "autostart link removed"
v list --no-autostart --all --name >"$T/out"; has web1 "$T/out"; check $? "list --no-autostart"

# edit: an editor script that changes the memory
cat >"$T/editor.sh" <<'ED'
#!/bin/sh
sed -i "s|<memory unit='KiB'>131072</memory>|<memory unit='KiB'>262144</memory>|; s|<currentMemory unit='KiB'>131072</currentMemory>|<currentMemory unit='KiB'>262144</currentMemory>|" "$1"
ED
chmod +x "$T/editor.sh"
EDITOR="$T/editor.sh" VISUAL="$T/editor.sh" v edit web1 >"$T/out" 2>&1; check $? "virsh edit"
v dumpxml web1 | grep -q "<memory unit='KiB'>262144</memory>"; check $? "edit changed the memory"
printf '#!/bin/sh\nexit 0\n' >"$T/noop.sh"; chmod +x "$T/noop.sh"
EDITOR="$T/noop.sh" VISUAL="$T/noop.sh" vv edit web1 >"$T/out" 2>&1
has "not changed" "$T/out"; check $? "edit without changes says not changed"

v define --validate "$T/web1.xml" >/dev/null 2>&1; check $? "define --validate with a valid document"
sed 's|<vcpu>|<bogus/><vcpu>|' "$T/web1.xml" >"$T/bad.xml"
v define --validate "$T/bad.xml" >"$T/out" 2>&1; check "$((! $?))" "define --validate refuses an unknown element"
has "bogus" "$T/out"; check $? "validation error names the element"
v define "$T/bad.xml" >/dev/null 2>&1; check $? "plain define drops the unknown element"
v dumpxml web1 | grep -q bogus; check "$((! $?))" "unknown element is not kept"

# identity rules
vireo_domain_xml web1 11111111-2222-3333-4444-555555555555 >"$T/clash.xml"
v define "$T/clash.xml" >"$T/out" 2>&1; check "$((! $?))" "same name, other uuid is refused"
has "6a2fe568-ffe7-4f9b-9075-ffd1ea375bda" "$T/out"; check $? "name clash error names the existing uuid"
vireo_domain_xml web2 6a2fe568-ffe7-4f9b-9075-ffd1ea375bda >"$T/clash2.xml"
v define "$T/clash2.xml" >"$T/out" 2>&1; check "$((! $?))" "other name, same uuid is refused"
has "web1" "$T/out"; check $? "uuid clash error names the existing domain"

# errors for unknown domains and malformed XML
v dominfo nosuch >"$T/out" 2>&1; check "$((! $?))" "dominfo of an unknown domain fails"
has "failed to get domain 'nosuch'" "$T/out"; check $? "unknown domain: virsh names it"
printf '<domain type="qemu"><name>x</name\n' >"$T/malformed.xml"
v define "$T/malformed.xml" >"$T/out" 2>&1; check "$((! $?))" "malformed XML refused"
has "(domain_definition)" "$T/out"; check $? "malformed XML error names the document and line"

# read-only socket
virsh -q -r -c "$URI_RO" list --all --name >"$T/out" 2>&1; check $? "read-only socket serves list"
has web1 "$T/out"; check $? "read-only list sees web1"
virsh -q -r -c "$URI_RO" dumpxml web1 >/dev/null 2>&1; check $? "read-only dumpxml"
virsh -q -r -c "$URI_RO" define "$T/web1.xml" >"$T/out" 2>&1; check "$((! $?))" "read-only socket refuses define"
has "read only" "$T/out"; check $? "refusal says read only"
virsh -q -r -c "$URI_RO" undefine web1 >"$T/out" 2>&1; check "$((! $?))" "read-only socket refuses undefine"
virsh -q -r -c "$URI_RO" autostart web1 >"$T/out" 2>&1; check "$((! $?))" "read-only socket refuses autostart"

# host information
v version >"$T/out" 2>&1; check $? "virsh version"
[ "$(v hostname)" = "$(hostname)" ]; check $? "virsh hostname"
v nodeinfo >"$T/out" 2>&1; check $? "virsh nodeinfo"
has "CPU model: *x86_64" "$T/out"; check $? "nodeinfo cpu model"
v capabilities >"$T/caps.xml" 2>&1; check $? "virsh capabilities"
has "<domain type='qemu'" "$T/caps.xml"; check $? "capabilities offer the qemu (TCG) guest type"
xmllint --noout "$T/caps.xml" 2>/dev/null; check $? "capabilities are well-formed XML"
[ "$(v uri)" = "$URI" ]; check $? "virsh uri prints the URI it connected with"

v undefine web1 >"$T/out" 2>&1; check $? "virsh undefine"
vireo_eventually test ! -e "$T/etc/vireo/qemu/web1.xml"; check $? "undefine removed the file"
v list --all --name >"$T/out"; check "$(grep -c web1 "$T/out")" "web1 gone from the list"

kill -0 "$DPID"; check $? "daemon still running"
done_testing
