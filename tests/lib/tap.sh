# tests/lib/tap.sh: minimal TAP emitter for integration scripts (sourced).
#   ok "description" CMD...     run CMD, report ok/not ok
#   check COND "description"    report from an exit status already known
#   skip "reason"               skip the rest (plan 0 when nothing ran)
#   done_testing                print the plan; exit non-zero on failure
_tap_n=0
_tap_fail=0
ok() {
    desc=$1; shift
    _tap_n=$((_tap_n + 1))
    if "$@" >"${TAP_LOG:-/dev/null}" 2>&1; then
        echo "ok $_tap_n - $desc"
    else
        echo "not ok $_tap_n - $desc"
        _tap_fail=$((_tap_fail + 1))
        [ -n "${TAP_LOG:-}" ] && sed 's/^/# /' "$TAP_LOG" | tail -20
    fi
    return 0
}
check() {
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $2"
    else
        echo "not ok $_tap_n - $2"
        _tap_fail=$((_tap_fail + 1))
    fi
}
diag() { echo "# $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() {
    echo "1..$_tap_n"
    [ "$_tap_fail" -eq 0 ]
}
