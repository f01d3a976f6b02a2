#!/bin/sh
# Snapshots of a shut-off domain with a qcow2 disk through stock virsh
# against a real vireod (snapshot_cli.sh's scenario): create-as, create
# from XML, list (table, --tree, --parent, filters), info, current,
# parent, dumpxml, revert, disk-only external overlay, deletes with
# children and metadata only, undefine refused then allowed with
# --snapshots-metadata.  The qcow2 image's internal snapshots are checked
# with qemu-img.  Skipped without virsh or qemu-img.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
. "$abs_top_srcdir/tests/integration/snapshot_cli.sh"

command -v virsh >/dev/null || skip_all "virsh is not installed"
command -v qemu-img >/dev/null || skip_all "qemu-img is not installed"
vireo_start virshsnap || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
trap 'vireo_cleanup' EXIT

snapshot_scenario virsh "$URI" "$T" "$T/virsh.out"
check $? "the scenario runs"
out=$T/virsh.out
# section CMD: the transcript of command CMD (first occurrence)
section() { awk -v c="== $1" '$0 == c {p=1; print; next} /^== / {p=0} p' "$out"; }
expect() {
    section "$1" | grep -q -- "$2"
    check $? "$1: $2"
}
expect "snapshot-create-as sc s1 --description first" "Domain snapshot s1 created"
expect "snapshot-create sc ROOT/snap.xml" "Domain snapshot s3 created from"
expect "snapshot-create-as sc s1" "already exists"
expect "snapshot-list sc --tree" "^  +- s2"
expect "snapshot-list sc --parent" "^ s2 .*shutoff   s1$"
expect "snapshot-list sc --roots" "^ s1 "
expect "snapshot-info sc s1" "^Descendants:    2"
expect "snapshot-info sc --current" "^Name:           s3"
expect "snapshot-info sc nosnap" "no domain snapshot with matching name 'nosnap'"
expect "snapshot-parent sc s1" "snapshot 's1' has no parent"
expect "snapshot-dumpxml sc s1" "<description>first</description>"
expect "snapshot-revert sc s1" "Domain snapshot s1 reverted"
expect "snapshot-info sc e1" "^Location:       external"
expect "snapshot-revert sc e1" "revert to external snapshot not supported yet"
expect "snapshot-delete sc e1" "use --metadata"
expect "dumpxml sc" "<source file='ROOT/e1.qcow2'/>"
expect "undefine sc" "cannot delete inactive domain with"
expect "snapshot-delete sc s1 --children-only" "Domain snapshot s1 children deleted"
expect "snapshot-current sc" "has no current snapshot"
expect "undefine sc --snapshots-metadata" "Domain 'sc' has been undefined"
qemu-img snapshot -l "$T/sc.qcow2" >"$T/img" 2>&1
! grep -q ' s[1-4] ' "$T/img"
check $? "every internal snapshot deleted is gone from the image"
qemu-img snapshot -l "$T/e1.qcow2" | grep -q ' s5 '
check $? "undefine --snapshots-metadata leaves the overlay's snapshot s5"
[ ! -d "$T/var/lib/vireo/qemu/snapshot/sc" ]
check $? "the metadata directory is removed"
[ "$_tap_fail" -eq 0 ] || sed 's/^/# /' "$out" | head -200
done_testing
