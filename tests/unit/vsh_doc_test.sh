#!/bin/sh
# tests/unit/vsh_doc_test.sh: the manual pages match the programs.
#   - every command `vsh help` lists has an entry in docs/vsh.1 (a .TP tag
#     naming it in COMMANDS), and every --option `vsh help CMD` shows
#     appears in that entry; every command vsh.1 documents is listed by
#     `vsh help` (so a command group missing from the listing shows up);
#   - every key of src/daemon/vireod.conf and every option of
#     `vireod --help` is documented in docs/vireod.8;
#   - both pages format without warnings (groff -ww, or man --warnings).
# TAP output through tests/lib/tap.sh.
set -u
: "${abs_top_srcdir:?}" "${abs_top_builddir:?}"
. "$abs_top_srcdir/tests/lib/tap.sh"

VSH=$abs_top_builddir/tools/virsh-like/vsh
VIREOD=$abs_top_builddir/src/daemon/vireod
VSH_MAN=$abs_top_srcdir/docs/vsh.1
VIREOD_MAN=$abs_top_srcdir/docs/vireod.8
CONF=$abs_top_srcdir/src/daemon/vireod.conf

[ -x "$VSH" ] || skip_all "vsh not built"
[ -x "$VIREOD" ] || skip_all "vireod not built"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No daemon is contacted: help never connects.
unset VIREO_DEFAULT_URI

# Roff source to plain words: fonts, \- and quotes removed.
plain() {
    sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(dq//g' \
        -e 's/\\(aq//g' -e 's/\\e/\\/g' -e 's/"//g' "$@"
}

# One line per .TP entry of a section: "TAG<TAB>TAG BODY", plain text.
# $1: section name (.SH line), $2: page.
entries() {
    plain "$2" | awk -v sec="$1" '
        function flush() { if (tag != "") print tag "\t" tag " " body;
                           tag = ""; body = ""; want = 0 }
        /^\.SH/ { flush(); insec = ($0 ~ ("^\\.SH " sec "$")); next }
        !insec { next }
        /^\.(TP|SS|PP|P|LP)( |$)/ { flush(); if ($0 ~ /^\.TP/) want = 1;
                                    next }
        want == 1 { sub(/^\.[A-Z]+ /, ""); tag = $0; want = 2; next }
        want == 2 { sub(/^\.[A-Z]+ /, ""); body = body " " $0 }
        END { flush() }'
}

# $1 word, $2 text: word appears delimited by non-name characters.
has_word() {
    printf '%s\n' "$2" | grep -Eq -- "(^|[^A-Za-z0-9_-])$1([^A-Za-z0-9_-]|\$)"
}

# --- vsh.1 -------------------------------------------------------------
"$VSH" help >"$tmp/help" 2>&1
check $? "vsh help runs"
awk '/^    [a-z]/ { print $1 }' "$tmp/help" | sort -u >"$tmp/cmds"
n=$(wc -l <"$tmp/cmds")
[ "$n" -ge 100 ]
check $? "vsh help lists the command table ($n commands)"

entries COMMANDS "$VSH_MAN" >"$tmp/vsh_entries"
[ -s "$tmp/vsh_entries" ]
check $? "vsh.1 has command entries"

missing=""
badopts=""
while read -r cmd; do
    # Entries whose tag names the command (as a word).
    text=$(awk -F '\t' -v c="$cmd" '{
        n = split($1, w, /[][ ,|()]+/);
        for (i = 1; i <= n; i++) if (w[i] == c) { print $2; break } }' \
        "$tmp/vsh_entries")
    if [ -z "$text" ]; then
        missing="$missing $cmd"
        continue
    fi
    "$VSH" help "$cmd" >"$tmp/one" 2>&1 || { badopts="$badopts $cmd(help)"; continue; }
    for opt in $(sed -n '/^  SYNOPSIS/{n;p;}' "$tmp/one" |
                 grep -Eo -- '--[a-z0-9-]+'); do
        has_word "$opt" "$text" || badopts="$badopts $cmd:$opt"
    done
done <"$tmp/cmds"
[ -z "$missing" ]
check $? "every vsh command has an entry in vsh.1"
[ -n "$missing" ] && diag "undocumented:$missing"
[ -z "$badopts" ]
check $? "every option of every vsh command is in its vsh.1 entry"
[ -n "$badopts" ] && diag "undocumented options:$badopts"

# Reverse: each command-like first word of a tag is a real, listed command.
extra=""
for w in $(cut -f1 "$tmp/vsh_entries" | tr '|,' '  ' | tr -s ' ' '\n' |
           grep -E '^[a-z][a-z-]*[a-z]$' | sort -u); do
    "$VSH" help "$w" >/dev/null 2>&1 || continue
    grep -qx -- "$w" "$tmp/cmds" || extra="$extra $w"
done
[ -z "$extra" ]
check $? "every command documented in vsh.1 is listed by vsh help"
[ -n "$extra" ] && diag "not in 'vsh help':$extra"

# --- vireod.8 ----------------------------------------------------------
"$VIREOD" --help >"$tmp/dhelp" 2>&1
check $? "vireod --help runs"
plain "$VIREOD_MAN" >"$tmp/vireod_plain"
nopt=0
missing=""
for opt in $(grep -Eo -- '(^|[ ,])--[a-z0-9-]+' "$tmp/dhelp" |
             sed 's/^[ ,]*//' | sort -u); do
    nopt=$((nopt + 1))
    grep -Eq -- "(^|[^a-z0-9-])$opt([^a-z0-9-]|\$)" "$tmp/vireod_plain" ||
        missing="$missing $opt"
done
[ "$nopt" -ge 5 ] && [ -z "$missing" ]
check $? "every vireod option ($nopt) is in vireod.8"
[ -n "$missing" ] && diag "undocumented:$missing"

# Keys: "key = value" lines of vireod.conf, commented out or not.
sed -n 's/^#\{0,1\} *\([a-z_][a-z0-9_]*\) *=.*/\1/p' "$CONF" | sort -u \
    >"$tmp/keys"
nkeys=$(wc -l <"$tmp/keys")
missing=""
while read -r key; do
    grep -Eq -- "(^|[^a-z0-9_])$key([^a-z0-9_]|\$)" "$tmp/vireod_plain" ||
        missing="$missing $key"
done <"$tmp/keys"
[ "$nkeys" -ge 3 ] && [ -z "$missing" ]
check $? "every vireod.conf key ($nkeys) is in vireod.8"
[ -n "$missing" ] && diag "undocumented:$missing"

# VIREO_* / VIREOD_* variables the daemon's code reads (not libvireo's).
missing=""
for var in $(cd "$abs_top_srcdir/src" &&
             grep -rhoE 'g_getenv *\("VIREOD?_[A-Z0-9_]+"' \
                 daemon drivers network storage conf util |
             grep -oE 'VIREOD?_[A-Z0-9_]+' | sort -u); do
    grep -q -- "$var" "$tmp/vireod_plain" || missing="$missing $var"
done
[ -z "$missing" ]
check $? "every VIREO_* variable vireod reads is in vireod.8"
[ -n "$missing" ] && diag "undocumented:$missing"

# --- formatting --------------------------------------------------------
lint() {
    if command -v groff >/dev/null 2>&1; then
        out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$1" 2>&1)
    else
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>&1 \
              >/dev/null)
    fi
    [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /' | head -20
    [ -z "$out" ]
}
for page in "$VSH_MAN" "$VIREOD_MAN"; do
    lint "$page"
    check $? "$(basename "$page") formats without warnings"
done

done_testing
