#!/bin/sh
# test.sh: the whole test suite from a fresh Debian 12 machine (run as root):
# installs dependencies, builds with warnings as errors, runs `make check`
# (unit, golden and integration tests), then `make distcheck`, and ends with
# the totals on a line of its own: "N passed, N failed[, N skipped]".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh" || exit 1
"$top/scripts/build.sh" || { echo "0 passed, 1 failed"; exit 1; }
# The small TCG guest the QEMU integration tests boot (cached; see tests/guest).
"$top/tests/guest/build.sh" || echo "warning: test guest not built; QEMU tests will be skipped"
cd "$top/_build"
{ make -s check -j"$(nproc)" 2>&1; echo $? >check.rc; } | grep -v '^make\['
check_rc=$(cat check.rc)
log=test-suite.log
count() { sed -n "s/^# $1: *\([0-9]*\)/\1/p" "$log" | head -1; }
pass=$(count PASS); fail=$(count FAIL); err=$(count ERROR); xpass=$(count XPASS)
skip=$(count SKIP); xfail=$(count XFAIL)
pass=$(( ${pass:-0} + ${xfail:-0} ))
failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
# The failing tests of a build tree, each with the end of its own log.
show_failures() {
    grep -E '^(FAIL|ERROR|XPASS):' "$1/test-suite.log" | head -40
    grep -E '^(FAIL|ERROR):' "$1/test-suite.log" | sed 's/^[A-Z]*: \([^ ]*\).*/\1/; s/\.sh$//; s/\.py$//' |
        sort -u | head -5 | while read -r t; do
            echo "--- end of $t.log"
            tail -25 "$1/$t.log" 2>/dev/null
        done
}
if [ "$failed" -gt 0 ] || [ "${check_rc:-0}" -ne 0 ]; then
    show_failures .
fi
if [ "${VIREO_SKIP_DISTCHECK:-0}" != 1 ]; then
    echo "== make distcheck"
    if make -s distcheck >distcheck.log 2>&1; then
        pass=$((pass + 1)); echo "PASS: make distcheck"
    else
        failed=$((failed + 1)); echo "FAIL: make distcheck (see _build/distcheck.log)"
        tail -15 distcheck.log
        # distcheck leaves its tree behind on failure: show what failed in it.
        sub=$(ls -d vireo-*/_build/sub 2>/dev/null | head -1)
        if [ -n "$sub" ] && [ -f "$sub/test-suite.log" ]; then
            show_failures "$sub"
        fi
    fi
fi
[ "$failed" -eq 0 ] && [ "$check_rc" -ne 0 ] && failed=1
line="$pass passed, $failed failed"
[ "${skip:-0}" -gt 0 ] && line="$line, $skip skipped"
echo "$line"
[ "$failed" -eq 0 ]
