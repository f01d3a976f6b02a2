"""python-libvirt 9.0 (Debian's) against a real vireod: the API calls
management tools make for definitions, errors, and concurrency on one
connection."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
from vireotest import Daemon, Tap, domain_xml, skip_all  # noqa: E402

try:
    import libvirt
except ImportError:
    skip_all("python3-libvirt not installed (apt-get install python3-libvirt)")

libvirt.registerErrorHandler(lambda ctx, err: None, None)
t = Tap()
d = Daemon("python").start()
conn = libvirt.open(d.uri)
t.ok(conn is not None, "libvirt.open on the vireod socket")
t.ok(conn.getType() == "QEMU", "getType is QEMU")
t.ok(conn.getURI() == d.uri, "getURI", conn.getURI())
t.ok(conn.getHostname() == os.uname().nodename, "getHostname")
t.ok(conn.listAllDomains() == [], "no domains at first")
info = conn.getInfo()
t.ok(info[0] == "x86_64" and info[2] == os.cpu_count(), "getInfo: model and cpus", info)
caps = conn.getCapabilities()
t.ok("<capabilities>" in caps and "type='qemu'" in caps, "getCapabilities")
t.ok(conn.isSecure() == 1, "isSecure over a unix socket")

uuid = "3d7b1128-1e1b-4558-b4c3-c50bbdd62241"
dom = conn.defineXML(domain_xml("py1", uuid, 256))
t.ok(dom.name() == "py1" and dom.UUIDString() == uuid, "defineXML returns the domain")
t.ok(dom.ID() == -1, "inactive domain id is -1")
t.ok(dom.isActive() == 0 and dom.isPersistent() == 1, "isActive 0, isPersistent 1")
st = dom.info()
t.ok(st[0] == libvirt.VIR_DOMAIN_SHUTOFF and st[1] == 262144 and st[3] == 1, "info()", st)
t.ok(dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF, 0], "state()", dom.state())
t.ok(dom.OSType() == "hvm", "OSType")
t.ok(dom.hasManagedSaveImage() == 0, "hasManagedSaveImage")
t.ok(dom.maxMemory() == 262144, "maxMemory")
xml = dom.XMLDesc(0)
t.ok("<name>py1</name>" in xml and uuid in xml, "XMLDesc")
t.ok(conn.lookupByUUIDString(uuid).name() == "py1", "lookupByUUIDString")
t.ok(conn.lookupByName("py1").UUIDString() == uuid, "lookupByName")

dom.setAutostart(1)
t.ok(dom.autostart() == 1, "setAutostart(1)")
names = [x.name() for x in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_AUTOSTART)]
t.ok(names == ["py1"], "list filter AUTOSTART", names)
dom.setAutostart(0)
t.ok(dom.autostart() == 0, "setAutostart(0)")

# redefinition with the same name and uuid updates
dom2 = conn.defineXML(domain_xml("py1", uuid, 512))
t.ok(dom2.info()[1] == 524288, "redefine updates the definition")

for code_name, call in [
        ("lookupByName unknown", lambda: conn.lookupByName("no-such-domain")),
        ("lookupByID unknown", lambda: conn.lookupByID(9999)),
        ("lookupByUUIDString unknown",
         lambda: conn.lookupByUUIDString("00000000-0000-0000-0000-00000000abcd"))]:
    try:
        call()
        t.ok(False, code_name + " raises")
    except libvirt.libvirtError as e:
        t.ok(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN and
             e.get_error_domain() == libvirt.VIR_FROM_QEMU,
             code_name + ": VIR_ERR_NO_DOMAIN from QEMU", e)
try:
    conn.lookupByName("no-such-domain")
except libvirt.libvirtError as e:
    t.ok(str(e) == "Domain not found: no domain with matching name 'no-such-domain'",
         "error text as libvirt's", e)

try:
    conn.defineXML("<domain type='qemu'><name>bad</name")
    t.ok(False, "malformed XML raises")
except libvirt.libvirtError as e:
    t.ok(e.get_error_code() == libvirt.VIR_ERR_XML_DETAIL, "malformed XML: VIR_ERR_XML_DETAIL", e)

try:
    conn.defineXML(domain_xml("../escape"))
    t.ok(False, "name with '/' raises")
except libvirt.libvirtError as e:
    t.ok("escape" in str(e), "a name with '/' is refused with a message", e)
t.ok(not os.path.exists(os.path.join(d.root, "etc", "escape.xml")), "nothing written outside qemu/")

try:
    dom2.undefineFlags(1 << 20)
    t.ok(False, "unknown undefine flag raises")
except libvirt.libvirtError as e:
    t.ok(e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG, "unknown flags: VIR_ERR_INVALID_ARG", e)

# many threads on one connection
errors = []


def worker(i):
    try:
        for j in range(25):
            n = "thr-%d-%d" % (i, j)
            conn.defineXML(domain_xml(n))
            if conn.lookupByName(n).name() != n:
                errors.append("lookup mismatch " + n)
    except libvirt.libvirtError as e:
        errors.append(str(e))


threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
for th in threads:
    th.start()
for th in threads:
    th.join()
t.ok(not errors, "8 threads x 25 define+lookup on one connection", errors[:3])
all_doms = conn.listAllDomains(0)
t.ok(len(all_doms) == 201, "201 domains listed", len(all_doms))
t.ok(conn.numOfDefinedDomains() == 201, "numOfDefinedDomains (fallback procedure)")
t.ok(len(conn.listDefinedDomains()) == 201, "listDefinedDomains (fallback procedure)")
t.ok(conn.numOfDomains() == 0 and conn.listDomainsID() == [], "no running domains")
inactive = conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE)
active = conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)
t.ok(len(inactive) == 201 and active == [], "ACTIVE/INACTIVE filters")

for x in all_doms:
    x.undefine()
t.ok(conn.listAllDomains() == [], "undefine all")
qdir = os.path.join(d.root, "etc", "vireo", "qemu")
left = None
for _ in range(100):  # files follow the durable journal within moments
    left = [f for f in os.listdir(qdir) if f.endswith(".xml") and not f.startswith(".")]
    if not left:
        break
    time.sleep(0.05)
t.ok(not left, "no definition files left", left)

ro = libvirt.openReadOnly(d.uri_ro)
t.ok(ro.listAllDomains() == [], "openReadOnly works")
try:
    ro.defineXML(domain_xml("ro1"))
    t.ok(False, "read-only define raises")
except libvirt.libvirtError as e:
    t.ok(e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED and "read only" in str(e),
         "read-only define: VIR_ERR_OPERATION_DENIED", e)
ro.close()
conn.close()
t.ok(d.alive(), "daemon still running")
t.done()
