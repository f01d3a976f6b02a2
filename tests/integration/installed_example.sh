#!/bin/sh
# Install into a staging directory, build examples/list-domains.c against the
# installed <vireo/vireo.h> and libvireo.so through pkg-config, run it against
# a live daemon.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"

vireo_start example || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
DEST="$T/dest"
make -s -C "$abs_top_builddir" install DESTDIR="$DEST" >"$T/install.log" 2>&1
check $? "make install into a staging directory"
pcdir=$(dirname "$(find "$DEST" -name libvireo.pc | head -1)")
check "$([ -f "$pcdir/libvireo.pc" ]; echo $?)" "libvireo.pc installed"
check "$([ -n "$(find "$DEST" -path '*/include/vireo/vireo.h')" ]; echo $?)" "vireo.h installed"
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$DEST"
flags=$(pkg-config --cflags --libs libvireo); check $? "pkg-config knows libvireo"
libdir=$(find "$DEST" -name 'libvireo.so*' | head -1 | xargs dirname)
cc -Wall -Werror -o "$T/list-domains" "$abs_top_srcdir/examples/list-domains.c" $flags >"$T/cc.log" 2>&1
check $? "example builds against the installed header and library"
nm -D --defined-only "$libdir/libvireo.so" | awk '{print $3}' | grep -v '^vireo_' | grep -v '^VIREO_' >"$T/syms"
check "$(grep -c . "$T/syms")" "libvireo exports only vireo_* symbols"
vireo_domain_xml ex1 >"$T/ex1.xml"
virsh -q -c "$URI" define "$T/ex1.xml" >/dev/null 2>&1
LD_LIBRARY_PATH="$libdir" "$T/list-domains" "$URI" >"$T/out" 2>&1; check $? "example runs against the daemon"
grep -q ex1 "$T/out"; check $? "example lists the defined domain"
done_testing
