#!/bin/sh
# kill -9 in the middle of a stream of defines: every definition file is
# either the old or the new document, never torn, and the daemon restarts
# with all of them.
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
[ -x "$PY" ] && "$PY" -c 'import libvirt' 2>/dev/null || skip_all "python3-libvirt not installed"

vireo_start crash || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
cat >"$T/stream.py" <<'PY'
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
c = libvirt.open(sys.argv[1])
i = 0
while True:
    i += 1
    name = "dur%d" % (i % 40)
    desc = "generation %d " % i + "x" * (i % 4000)
    try:
        c.defineXML("<domain type='qemu'><name>%s</name><description>%s</description>"
                    "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                    "<os><type arch='x86_64'>hvm</type></os></domain>" % (name, desc))
    except libvirt.libvirtError:
        sys.exit(0)
    if i == 40:
        print("seeded", flush=True)
PY
for round in 1 2 3; do
    "$PY" "$T/stream.py" "$URI" >"$T/stream.out" 2>&1 &
    SP=$!
    sleep 0.$((3 + round * 2))
    kill -9 "$DPID"
    wait "$SP" 2>/dev/null
    torn=0
    for f in "$T"/etc/vireo/qemu/*.xml; do
        xmllint --noout "$f" 2>/dev/null || { torn=1; echo "# torn: $f"; }
    done
    check "$torn" "round $round: no torn definition after kill -9"
    n=$(ls "$T"/etc/vireo/qemu/*.xml 2>/dev/null | wc -l)
    vireo_start_in "$T" || check 1 "round $round: restart after kill -9"
    m=$(virsh -q -c "$URI" list --all --name | grep -c .)
    check "$((n == m ? 0 : 1))" "round $round: all $n definitions loaded after restart ($m)"
done
done_testing
