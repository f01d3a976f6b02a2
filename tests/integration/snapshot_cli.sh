# tests/integration/snapshot_cli.sh: the snapshot command scenario shared
# by virsh_snapshot.sh and vsh_snapshot.sh (sourced).
#   snapshot_scenario TOOL URI ROOT OUT
# runs TOOL (virsh or vsh) against the daemon at URI on a shut-off domain
# "sc" with a qcow2 disk under ROOT, and writes a transcript to OUT: per
# command its stdout, its stderr and exit status, with ROOT, creation
# times and dates normalised so that two runs compare byte for byte.

snapshot_scenario() {
    _tool=$1 _uri=$2 _root=$3 _out=$4
    qemu-img create -q -f qcow2 "$_root/sc.qcow2" 16M || return 1
    cat >"$_root/sc.xml" <<XML
<domain type='qemu'>
  <name>sc</name>
  <uuid>3d1f2b7c-6a4e-4f1d-8b2c-9e0a1b2c3d4e</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$_root/sc.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
    cat >"$_root/snap.xml" <<XML
<domainsnapshot>
  <name>s3</name>
  <description>from a file</description>
</domainsnapshot>
XML
    : >"$_out"
    while IFS= read -r _line; do
        [ -n "$_line" ] || continue
        _line=$(printf '%s' "$_line" | sed "s|@ROOT@|$_root|g")
        # shellcheck disable=SC2086
        eval "set -- $_line"
        "$_tool" -c "$_uri" "$@" >"$_root/o" 2>"$_root/e"
        _rc=$?
        { echo "== $_line"; cat "$_root/o"; echo "-- stderr"; cat "$_root/e"
          echo "-- rc=$_rc"; } >>"$_out"
    done <<'CMDS'
define @ROOT@/sc.xml
snapshot-create-as sc s1 --description first
snapshot-create-as sc s2
snapshot-create-as sc --print-xml s9 --description 'x<y' --memspec snapshot=no --diskspec vda,snapshot=external,file=/tmp/o.qcow2
snapshot-create sc @ROOT@/snap.xml
snapshot-create sc /nonexistent.xml
snapshot-create-as sc s1
snapshot-list sc
snapshot-list sc --tree
snapshot-list sc --parent
snapshot-list sc --name
snapshot-list sc --roots
snapshot-list sc --leaves
snapshot-list sc --no-leaves
snapshot-list sc --from s1
snapshot-list sc --from s1 --descendants --parent
snapshot-list sc --internal --name
snapshot-list sc --external
snapshot-list sc --tree --name
snapshot-list sc --parent --roots
snapshot-info sc s1
snapshot-info sc --current
snapshot-info sc nosnap
snapshot-current sc --name
snapshot-current sc
snapshot-parent sc s2
snapshot-parent sc s1
snapshot-dumpxml sc s1
snapshot-revert sc s1
snapshot-current sc --name
snapshot-create-as sc s4
snapshot-list sc --tree
snapshot-create-as sc e1 --disk-only --diskspec vda,snapshot=external,file=@ROOT@/e1.qcow2
snapshot-info sc e1
snapshot-list sc --external --parent
snapshot-revert sc e1
snapshot-delete sc e1
snapshot-delete sc e1 --metadata
dumpxml sc
undefine sc
snapshot-delete sc s1 --children-only
snapshot-list sc --tree
snapshot-delete sc --current
snapshot-current sc
snapshot-list sc
snapshot-create-as sc s5
undefine sc --snapshots-metadata
CMDS
    sed -i -e "s|$_root|ROOT|g" \
        -e 's|<creationTime>[0-9]*</creationTime>|<creationTime>T</creationTime>|' \
        -e 's|[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]\{8\} [-+][0-9]\{4\}|DATE|g' \
        "$_out"
}
