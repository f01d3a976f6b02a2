#!/bin/sh
# vsh (our shell, built on libvireo only) against a real vireod.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

vireo_start vsh || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
v() { "$VSH" -c "$URI" "$@"; }
has() { grep -q -- "$1" "$2"; }

"$VSH" --version >"$T/out" 2>&1; check $? "vsh --version"
"$VSH" help >"$T/out" 2>&1; check $? "vsh help"
for c in list define undefine dumpxml edit dominfo domuuid domname domid domstate autostart \
         version hostname nodeinfo capabilities uri connect quit; do
    has "$c" "$T/out"; check $? "help lists '$c'"
done
"$VSH" help define >"$T/out" 2>&1; has "--validate" "$T/out"; check $? "help define shows --validate"

v list --all >"$T/out" 2>&1; check $? "vsh list --all (empty)"
has "Id" "$T/out"; check $? "list has the virsh header"

vireo_domain_xml vm1 0a9a7b8c-1111-4222-8333-944445555666 >"$T/vm1.xml"
v define "$T/vm1.xml" >"$T/out" 2>&1; check $? "vsh define"
has "Domain 'vm1' defined from" "$T/out"; check $? "define message as virsh's"
v list --all >"$T/out" 2>&1
grep -Eq '^ *- +vm1 +shut off' "$T/out"; check $? "list --all row like virsh"
[ "$(v list --all --name)" = vm1 ]; check $? "list --name"
[ "$(v list --all --uuid)" = 0a9a7b8c-1111-4222-8333-944445555666 ]; check $? "list --uuid"
[ -z "$(v list --name)" ]; check $? "list without --all shows no inactive domain"
[ -z "$(v list --transient --all --name)" ]; check $? "list --transient"
[ "$(v list --persistent --all --name)" = vm1 ]; check $? "list --persistent"

v dominfo vm1 >"$T/out" 2>&1; check $? "vsh dominfo"
has 'Name: *vm1' "$T/out"; check $? "dominfo name"
has 'State: *shut off' "$T/out"; check $? "dominfo state"
has 'Max memory: *131072 KiB' "$T/out"; check $? "dominfo max memory"
has 'Persistent: *yes' "$T/out"; check $? "dominfo persistent"
[ "$(v domuuid vm1)" = 0a9a7b8c-1111-4222-8333-944445555666 ]; check $? "domuuid"
[ "$(v domname 0a9a7b8c-1111-4222-8333-944445555666)" = vm1 ]; check $? "domname"
[ "$(v domid vm1)" = - ]; check $? "domid"
[ "$(v domstate vm1)" = "shut off" ]; check $? "domstate"
[ "$(v domstate --reason vm1)" = "shut off (unknown)" ]; check $? "domstate --reason"
v dumpxml vm1 >"$T/dump.xml" 2>&1; check $? "vsh dumpxml"
virt-xml-validate "$T/dump.xml" domain >/dev/null 2>&1; check $? "vsh dumpxml passes virt-xml-validate"
v dumpxml --inactive vm1 >/dev/null 2>&1; check $? "dumpxml --inactive"

v autostart vm1 >"$T/out" 2>&1; check $? "vsh autostart"
has "marked as autostarted" "$T/out"; check $? "autostart message"
[ "$(v list --autostart --all --name)" = vm1 ]; check $? "list --autostart"
v autostart --disable vm1 >"$T/out" 2>&1; check $? "autostart --disable"
[ "$(v list --no-autostart --all --name)" = vm1 ]; check $? "list --no-autostart"

# edit: changed, unchanged, and invalid (non-interactive answers 'n')
cat >"$T/editor.sh" <<'ED'
#!/bin/sh
sed -i "s|<vcpu placement='static'>1</vcpu>|<vcpu placement='static'>2</vcpu>|; s|<vcpu>1</vcpu>|<vcpu>2</vcpu>|" "$1"
ED
chmod +x "$T/editor.sh"
EDITOR="$T/editor.sh" VISUAL= v edit vm1 >"$T/out" 2>&1; check $? "vsh edit"
v dominfo vm1 | grep -q 'CPU(s): *2'; check $? "edit took effect"
printf '#!/bin/sh\nexit 0\n' >"$T/noop.sh"; chmod +x "$T/noop.sh"
EDITOR="$T/noop.sh" VISUAL= v edit vm1 >"$T/out" 2>&1; check $? "edit without change succeeds"
has "not changed" "$T/out"; check $? "edit without change says so"
printf '#!/bin/sh\necho "<domain" >"$1"\n' >"$T/break.sh"; chmod +x "$T/break.sh"
EDITOR="$T/break.sh" VISUAL= v edit vm1 </dev/null >"$T/out" 2>&1
check "$((! $?))" "edit producing invalid XML fails"
v dominfo vm1 | grep -q 'CPU(s): *2'; check $? "failed edit left the definition alone"

v define --validate "$T/vm1.xml" >/dev/null 2>&1; check $? "define --validate"
sed 's|<vcpu>|<nonsense/><vcpu>|' "$T/vm1.xml" >"$T/bad.xml"
v define --validate "$T/bad.xml" >"$T/out" 2>&1; check "$((! $?))" "define --validate refuses unknown element"
grep -q '^error: ' "$T/out"; check $? "errors are printed as 'error: ...'"

v dominfo nosuch >"$T/out" 2>&1; rc=$?
check "$((rc == 1 ? 0 : 1))" "unknown domain: exit status 1"
has "error: failed to get domain 'nosuch'" "$T/out"; check $? "unknown domain: virsh-style first line"
has "no domain with matching name 'nosuch'" "$T/out"; check $? "unknown domain: daemon message"
v frobnicate >"$T/out" 2>&1; check "$((! $?))" "unknown command fails"

"$VSH" -r -c "$URI_RO" list --all --name >"$T/out" 2>&1; check $? "vsh -r list"
"$VSH" -r -c "$URI_RO" define "$T/vm1.xml" >"$T/out" 2>&1; check "$((! $?))" "vsh -r define refused"
has "read only" "$T/out"; check $? "read-only refusal message"

v version >"$T/out" 2>&1; check $? "vsh version"
[ "$(v hostname)" = "$(hostname)" ]; check $? "vsh hostname"
v nodeinfo >"$T/out" 2>&1; check $? "vsh nodeinfo"
has 'CPU model: *x86_64' "$T/out"; check $? "nodeinfo CPU model"
v capabilities | grep -q "<capabilities>"; check $? "vsh capabilities"
[ "$(v uri)" = "$URI" ]; check $? "vsh uri prints the URI it connected with"

# interactive mode reading commands from stdin
printf 'list --all --name\nhostname\nquit\n' | "$VSH" -c "$URI" >"$T/out" 2>&1
has vm1 "$T/out"; check $? "interactive shell runs commands from stdin"

v undefine vm1 >"$T/out" 2>&1; check $? "vsh undefine"
has "Domain 'vm1' has been undefined" "$T/out"; check $? "undefine message"
[ -z "$(v list --all --name)" ]; check $? "list empty after undefine"

"$VSH" -c "qemu+unix:///system?socket=$T/nonexistent" list >"$T/out" 2>&1
check "$((! $?))" "connecting to a missing socket fails"
has "nonexistent" "$T/out"; check $? "connection error names the socket"
"$VSH" -c "xen:///system" list >"$T/out" 2>&1; check "$((! $?))" "unsupported URI refused"
done_testing
