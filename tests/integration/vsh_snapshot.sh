#!/bin/sh
# vsh's snapshot commands against stock virsh's: snapshot_cli.sh's
# scenario runs once with virsh and once with vsh, each on its own fresh
# vireod; the transcripts (stdout, stderr, exit status of every command,
# times and paths normalised) must be byte-identical.  Skipped without
# virsh or qemu-img.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
. "$abs_top_srcdir/tests/integration/snapshot_cli.sh"

command -v virsh >/dev/null || skip_all "virsh is not installed"
command -v qemu-img >/dev/null || skip_all "qemu-img is not installed"
trap 'vireo_cleanup' EXIT
vireo_start vshsnapa || { check 1 "vireod starts"; done_testing; exit 1; }
snapshot_scenario virsh "$URI" "$ROOT" "$ROOT/virsh.out"
check $? "the scenario runs with virsh"
A=$ROOT
vireo_start vshsnapb || { check 1 "vireod starts"; done_testing; exit 1; }
snapshot_scenario "$VSH" "$URI" "$ROOT" "$ROOT/vsh.out"
check $? "the scenario runs with vsh"
n=$(grep -c '^== ' "$ROOT/vsh.out")
[ "$n" -ge 40 ]
check $? "vsh ran all $n commands"
diff -u "$A/virsh.out" "$ROOT/vsh.out" >"$ROOT/diff"
check $? "vsh output is byte-identical to virsh's"
sed 's/^/# /' "$ROOT/diff" | head -80
done_testing
