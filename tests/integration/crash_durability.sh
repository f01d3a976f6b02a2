#!/bin/sh
# kill -9 in the middle of a stream of defines, 3 rounds.  The stream logs
# every ACKNOWLEDGED (name, generation) as soon as defineXML returns.  After
# each kill: every file in <config>/qemu parses (never torn); after the
# restart every acknowledged name is defined with a generation at least
# its last acknowledged one, in the daemon and in its file (the journal
# replay wrote it).  A daemon that answers before the change is written
# (to its journal or file) loses acknowledged generations here.  (Losing
# data that was written but not fsynced needs a power cut, not kill -9.)
. "$abs_top_srcdir/tests/lib/tap.sh"
. "$abs_top_srcdir/tests/lib/daemon.sh"
[ -x "$PY" ] && "$PY" -c 'import libvirt' 2>/dev/null || skip_all "python3-libvirt not installed"

vireo_start crash || { check 1 "vireod starts"; done_testing; exit 1; }
T=$ROOT
QDIR="$T/etc/vireo/qemu"
cat >"$T/stream.py" <<'PY'
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
c = libvirt.open(sys.argv[1])
ack = open(sys.argv[2], "a")
gen = int(sys.argv[3])
while True:
    gen += 1
    name = "dur%d" % (gen % 40)
    uuid = "00000000-0000-4000-8000-%012d" % (gen % 40)
    desc = "generation %d " % gen + "x" * (gen % 4000)
    try:
        c.defineXML("<domain type='qemu'><name>%s</name><uuid>%s</uuid>"
                    "<description>%s</description>"
                    "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                    "<os><type arch='x86_64'>hvm</type></os></domain>"
                    % (name, uuid, desc))
    except libvirt.libvirtError as e:
        # the daemon was killed; anything else is a test bug
        print("# stream stopped at generation %d: %s" % (gen, e))
        sys.exit(0)
    ack.write("%s %d\n" % (name, gen))
    ack.flush()
PY
cat >"$T/verify.py" <<'PY'
# verify.py URI ACKLOG QDIR: print one line per problem; exit 1 if any.
import re, sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
uri, acklog, qdir = sys.argv[1:4]
want = {}
for line in open(acklog):
    parts = line.split()
    if len(parts) == 2:      # a line cut by the kill is not an ack
        want[parts[0]] = max(want.get(parts[0], 0), int(parts[1]))
gen = lambda xml: int(re.search(r"generation (\d+)", xml).group(1))
c = libvirt.open(uri)
bad = 0
for name, g in sorted(want.items()):
    try:
        live = gen(c.lookupByName(name).XMLDesc(0))
        disk = gen(open("%s/%s.xml" % (qdir, name)).read())
    except (libvirt.libvirtError, OSError, AttributeError) as e:
        print("# %s (acknowledged generation %d) is lost: %s" % (name, g, e))
        bad += 1
        continue
    if live < g or disk < g:
        print("# %s: acknowledged generation %d, daemon has %d, file %d"
              % (name, g, live, disk))
        bad += 1
print("# %d acknowledged names checked" % len(want))
sys.exit(1 if bad or not want else 0)
PY
ACKS="$T/acks.log"
: >"$ACKS"
for round in 1 2 3; do
    "$PY" "$T/stream.py" "$URI" "$ACKS" "$((round * 1000000))" \
        >"$T/stream.out" 2>&1 &
    SP=$!
    sleep 0.$((3 + round * 2))
    kill -9 "$DPID"
    wait "$SP" 2>/dev/null
    torn=0
    for f in "$QDIR"/*.xml; do
        [ -e "$f" ] || continue
        xmllint --noout "$f" 2>/dev/null || { torn=1; echo "# torn: $f"; }
    done
    check "$torn" "round $round: no torn definition file after kill -9"
    vireo_start_in "$T" || check 1 "round $round: restart after kill -9"
    echo "# $(wc -l <"$ACKS") defines acknowledged so far"
        "$PY" "$T/verify.py" "$URI" "$ACKS" "$QDIR"
    check $? "round $round: every acknowledged definition survived kill -9"
    n=$(ls "$QDIR"/*.xml 2>/dev/null | wc -l)
    m=$(virsh -q -c "$URI" list --all --name | grep -c .)
    check "$((n == m ? 0 : 1))" "round $round: all $n definition files loaded ($m)"
done
done_testing
