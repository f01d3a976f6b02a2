#!/usr/bin/python3
"""migrate.py: live migration between two vireods, each in its own network
namespace (veth 10.98.0.1 <-> 10.98.0.2) and its own --root, with shared
storage (a directory both reach).  Driven through python-libvirt (the same
v3 procedures virsh uses: 302/303/305/306/307 with typed parameters):
client-driven live migration keeps the guest's console counter running
(no second READY marker), the source ends shut off (migrated); peer-to-peer
(--p2p); --persistent --undefine-source; job stats while it runs; abort
(both sides as before); refusals (missing network, name clash, machine
type) leave both sides unchanged; offline migration of a definition.
Emits TAP."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest()
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU
why = vireotest.netns_available()
if why:
    vireotest.skip_all(why)

libvirt.registerErrorHandler(lambda *a: None, None)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
tap = vireotest.Tap()
SRC_IP, DST_IP = "10.98.0.1", "10.98.0.2"

tag = "%d" % os.getpid()
sns = vireotest.Netns("vireo-mgs-" + tag)
dns = vireotest.Netns("vireo-mgd-" + tag)
sns.ip("link", "add", "vmig0", "type", "veth", "peer", "name", "vmig1",
       "netns", dns.name)
sns.ip("addr", "add", SRC_IP + "/24", "dev", "vmig0")
sns.ip("link", "set", "vmig0", "up")
dns.ip("addr", "add", DST_IP + "/24", "dev", "vmig1")
dns.ip("link", "set", "vmig1", "up")


def start_daemon(name, ns, ip):
    d = vireotest.NetnsDaemon(name, ns.name)
    os.environ["VIREOD_MIGRATION_HOST"] = ip
    d.start()
    del os.environ["VIREOD_MIGRATION_HOST"]
    return d


src_d = start_daemon("mig-src", sns, SRC_IP)
dst_d = start_daemon("mig-dst", dns, DST_IP)
# shared storage: a directory both daemons reach (the source's root)
shared = os.path.join(src_d.root, "shared")
os.mkdir(shared)


def guest_xml(name, **kw):
    return vireotest.counter_guest_xml(name, shared, GUEST, QEMU, **kw)


def pty_of(dom):
    return vireotest.console_pty(dom.XMLDesc(0))


src = libvirt.open(src_d.uri)
dst = libvirt.open(dst_d.uri)
DST_URI = dst_d.uri
FL_LIVE = libvirt.VIR_MIGRATE_LIVE


def boot(name, **kw):
    dom = src.defineXML(guest_xml(name, **kw))
    dom.create()
    con = vireotest.GuestConsole(pty_of(dom))
    ok = con.wait(rb"VIREO-GUEST-READY", 120) is not None
    return dom, con, ok


def last_count(con, timeout=5):
    m = None
    while True:
        n = con.wait(rb"VIREO-COUNT (\d+)\r?\n", timeout)
        if not n:
            return int(m.group(1)) if m else None
        m, timeout = n, 0.2


def state(conn, name):
    try:
        return conn.lookupByName(name).state()
    except libvirt.libvirtError:
        return None


def names(conn):
    return sorted(d.name() for d in conn.listAllDomains(0))


def migrate(dom, flags, params=None, p2p=False):
    """Client-driven (python-libvirt's virDomainMigrate3) or p2p
    (migrateToURI3).  Returns (new domain or True, error or None)."""
    params = params or {}
    try:
        if p2p:
            dom.migrateToURI3(DST_URI, params,
                              flags | libvirt.VIR_MIGRATE_PEER2PEER)
            return True, None
        return dom.migrate3(dst, params, flags), None
    except libvirt.libvirtError as e:
        return None, e.get_error_message()


# ---- 1. client-driven live migration keeps the counter running ----
dom, con, ok = boot("mg1")
tap.ok(ok, "guest boots on the source")
before = last_count(con, 15)
tap.ok(before is not None, "source console counts (last %s)" % before)
t0 = time.monotonic()
newdom, err = migrate(dom, FL_LIVE)
took = time.monotonic() - t0
tap.ok(newdom is not None, "live migration succeeds (%.1f s)" % took, err)
tap.ok(state(src, "mg1") == [libvirt.VIR_DOMAIN_SHUTOFF,
                             libvirt.VIR_DOMAIN_SHUTOFF_MIGRATED],
       "source domain is shut off (migrated)", state(src, "mg1"))
tap.ok(state(dst, "mg1") and state(dst, "mg1")[0] == libvirt.VIR_DOMAIN_RUNNING,
       "destination domain is running", state(dst, "mg1"))
src_last = last_count(con, 1) or before
con.close()
ddom = dst.lookupByName("mg1")
dcon = vireotest.GuestConsole(pty_of(ddom))
m = dcon.wait(rb"VIREO-COUNT (\d+)\r?\n", 20)
after = int(m.group(1)) if m else None
tap.ok(after is not None and src_last is not None and after > src_last,
       "counter continues on the destination (%s -> %s)" % (src_last, after))
tap.ok(b"VIREO-GUEST-READY" not in dcon.buf, "guest did not reboot")
KEEP = (libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED |
        libvirt.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED)
stats = ddom.jobStats(KEEP)
tap.ok("downtime" in stats and stats.get("data_total", 0) > 0,
       "completed job stats on the destination (downtime %s ms)"
       % stats.get("downtime"), stats)
# libvirt's meanings: downtime runs from the source's vCPUs stopping to
# the guest running here; the "_net" figures leave out the clock delta
# (one clock here, so only the Perform -> Finish hand-over, >= 0)
dt, dn = stats.get("downtime"), stats.get("downtime_net")
el, en = stats.get("time_elapsed"), stats.get("time_elapsed_net")
tap.ok(None not in (dt, dn, el, en) and dt > 0 and dn > 0 and
       dn <= dt + 5 and en <= el + 5 and dt <= el and dn <= el,
       "destination: downtime %s, downtime_net %s, time_elapsed %s, "
       "time_elapsed_net %s ms" % (dt, dn, el, en), stats)
sstats = src.lookupByName("mg1").jobStats(KEEP)
tap.ok(sstats.get("operation") == libvirt.VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT
       and sstats.get("downtime") == dt and sstats.get("downtime_net") == dn
       and sstats.get("time_elapsed", 0) >= dt and
       "time_elapsed_net" in sstats,
       "source after Confirm: the destination's downtime and delta",
       sstats)
tap.ok(not ddom.isPersistent(), "without --persistent the destination "
       "domain is transient")

# ---- 2. peer-to-peer back to ... a second guest, persistent, undefine ----
dom2, con2, ok = boot("mg2")
tap.ok(ok, "second guest boots")
_, err = migrate(dom2, FL_LIVE | libvirt.VIR_MIGRATE_PERSIST_DEST |
                 libvirt.VIR_MIGRATE_UNDEFINE_SOURCE, p2p=True)
tap.ok(err is None, "peer-to-peer --persistent --undefine-source", err)
tap.ok("mg2" not in names(src), "source definition removed", names(src))
d2 = dst.lookupByName("mg2") if "mg2" in names(dst) else None
tap.ok(d2 is not None and d2.isActive() and d2.isPersistent(),
       "destination runs mg2 persistently")
con2.close()

# ---- 3. job stats during a slow migration, then abort ----
dom3, con3, ok = boot("mg3")
tap.ok(ok, "third guest boots")
# 24 MB of random data in the guest's RAM: at 1 MiB/s the migration then
# lasts over 20 s however loaded the host is (an idle guest's
# memory is mostly zero pages, which the bandwidth limit hardly slows).
rc, _ = con3.run("head -c 24000000 /dev/urandom >/fill", 120)
tap.ok(rc == 0, "guest fills 24 MB of its memory", rc)
res = {}


def slow():
    res["r"] = migrate(dom3, FL_LIVE,
                       {libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: 1})


t = threading.Thread(target=slow)
t.start()
seen = None
for _ in range(100):
    time.sleep(0.2)
    try:
        js = dom3.jobStats()
    except libvirt.libvirtError:
        continue
    if js.get("type") == libvirt.VIR_DOMAIN_JOB_UNBOUNDED and \
            js.get("memory_processed", 0) > 0:
        seen = js
        break
tap.ok(seen is not None and "time_elapsed" in seen and
       "data_remaining" in seen, "job stats while migrating", seen)
try:
    dom3.abortJob()
    aborted = True
except libvirt.libvirtError as e:
    aborted = e.get_error_message()
t.join(60)
newdom, err = res.get("r", (None, "no result"))
tap.ok(aborted is True and newdom is None and err and "abort" in err.lower(),
       "abort cancels the migration", "%s / %s" % (aborted, err))
tap.ok(state(src, "mg3") and state(src, "mg3")[0] == libvirt.VIR_DOMAIN_RUNNING,
       "source still runs after abort", state(src, "mg3"))
time.sleep(1)
tap.ok("mg3" not in names(dst), "nothing left on the destination",
       names(dst))
c = last_count(con3, 3)
tap.ok(c is not None, "source guest keeps counting (%s)" % c)

# ---- 4. refusals leave both sides unchanged ----
def refused(xml_tweak, what, expect):
    before_src, before_dst = names(src), names(dst)
    xml = xml_tweak(dom3.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE))
    newd, err = migrate(dom3, FL_LIVE,
                        {libvirt.VIR_MIGRATE_PARAM_DEST_XML: xml})
    tap.ok(newd is None and err and re.search(expect, err, re.I),
           "refused: %s" % what, err)
    time.sleep(0.5)
    tap.ok(names(src) == before_src and names(dst) == before_dst and
           state(src, "mg3")[0] == libvirt.VIR_DOMAIN_RUNNING,
           "both sides unchanged after: %s" % what,
           "%s %s" % (names(src), names(dst)))


refused(lambda x: x.replace("</devices>",
                            "<interface type='network'><source "
                            "network='nosuchnet'/><model type='virtio'/>"
                            "</interface></devices>"),
        "missing network", "nosuchnet")
refused(lambda x: re.sub(r"machine='[^']*'", "machine='pc-nosuch-9.9'", x),
        "incompatible machine type", "machine")
dst.defineXML(guest_xml("mg3").replace("<name>mg3</name>",
                                       "<name>mg3</name><uuid>"
                                       "11111111-2222-3333-4444-555555555555"
                                       "</uuid>"))
refused(lambda x: x, "name clash with another uuid", "already exists")
dst.lookupByName("mg3").undefine()

# ---- 5. offline migration of a definition ----
off = src.defineXML(guest_xml("mgoff", counter=False))
_, err = migrate(off, libvirt.VIR_MIGRATE_OFFLINE |
                 libvirt.VIR_MIGRATE_PERSIST_DEST |
                 libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
tap.ok(err is None and "mgoff" in names(dst) and "mgoff" not in names(src)
       and not dst.lookupByName("mgoff").isActive(),
       "offline migration moves the definition", err)

# ---- 6. stock virsh migrate (client-driven --verbose, then --p2p back) ----
dom4, con4, ok = boot("mg4")
r = subprocess.run(["virsh", "-q", "-c", src_d.uri, "migrate", "--live",
                    "--verbose", "mg4", DST_URI], capture_output=True,
                   text=True, timeout=120)
tap.ok(r.returncode == 0 and state(dst, "mg4")[0] ==
       libvirt.VIR_DOMAIN_RUNNING, "virsh migrate --live --verbose",
       r.stdout + r.stderr)
tap.ok("Migration: [100" in r.stdout + r.stderr,
       "virsh shows migration progress")
# back again, peer-to-peer: the destination daemon drives the source
os.environ.pop("VIREOD_MIGRATION_HOST", None)
r = subprocess.run(["virsh", "-q", "-c", DST_URI, "migrate", "--live",
                    "--p2p", "mg4", src_d.uri], capture_output=True,
                   text=True, timeout=120)
tap.ok(r.returncode == 0 and state(src, "mg4")[0] ==
       libvirt.VIR_DOMAIN_RUNNING and state(dst, "mg4") is None,
       "virsh migrate --p2p back to the source", r.stdout + r.stderr)
con4.close()
con4 = vireotest.GuestConsole(pty_of(src.lookupByName("mg4")))
tap.ok(con4.wait(rb"VIREO-COUNT (\d+)\r?\n", 20) is not None and
       b"VIREO-GUEST-READY" not in con4.buf,
       "guest keeps counting after two migrations, no reboot")

for c in (dcon, con3, con4):
    c.close()
for conn in (src, dst):
    for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
        d.destroy()
tap.done()
