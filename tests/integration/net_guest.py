#!/usr/bin/python3
"""net_guest.py: virtual networks with real TCG guests (tests/guest),
python-libvirt against a real vireod running in a network namespace the
test creates ("host" namespace) with a veth to a second one ("outside"
host, 10.99.0.2, answering ping and HTTP).  Cases: a NAT network (DHCP
lease in DHCPLeases and interfaceAddresses, a dnsmasq host entry resolved
by the guest, ping and TCP to the outside host seen with the NAT source
10.99.0.1), an isolated network (outside unreachable), a routed network
(the outside host sees the guest's own address), two guests on one network
reaching each other, domain stop and kill -9 of QEMU removing the tap,
net-destroy leaving no bridge, dnsmasq or nft table, and kill -9 of vireod
with an active network and a running guest (restart: still working,
dnsmasq and the nft table adopted, not duplicated).  Never touches the
host's own network namespace.  Emits TAP."""
import atexit
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest(root_because="network namespaces")
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU
for tool in ("dnsmasq", "nft"):
    if not any(os.access(os.path.join(d, tool), os.X_OK)
               for d in ("/usr/sbin", "/usr/bin", "/sbin")):
        vireotest.skip_all("%s is not installed" % tool)
why = vireotest.netns_available()
if why:
    vireotest.skip_all(why)

libvirt.registerErrorHandler(lambda *a: None, None)
# A harness timeout (SIGTERM) still runs the cleanup (atexit).
signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
tap = vireotest.Tap()
T0 = time.monotonic()
OUT_IP = "10.99.0.2"
NAT_SRC = "10.99.0.1"
HTTP_PORT = 8080

# ---- namespaces: host (vireod, the router) and outside ----
tag = "%d" % os.getpid()
hns = vireotest.Netns("vireo-ngh-" + tag)
ons = vireotest.Netns("vireo-ngo-" + tag)
hns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
       "netns", ons.name)
hns.ip("addr", "add", NAT_SRC + "/24", "dev", "veth0")
hns.ip("link", "set", "veth0", "up")
ons.ip("addr", "add", OUT_IP + "/24", "dev", "veth1")
ons.ip("link", "set", "veth1", "up")
# The routed network's return path (NAT needs none: 10.99.0.1 is local).
ons.ip("route", "add", "192.168.152.0/24", "via", NAT_SRC)

daemon = vireotest.NetnsDaemon("net-guest", hns.name)
# dnsmasq drops to its own user: it must reach the hosts files in the root.
os.chmod(daemon.root, 0o711)
http_log = os.path.join(daemon.root, "http.log")
http_dir = os.path.join(daemon.root, "http")
os.mkdir(http_dir)
for probe in ("nat-probe", "route-probe", "after-restart"):
    with open(os.path.join(http_dir, probe), "w") as f:
        f.write("vireo\n")
http = ons.popen(["/usr/bin/python3", "-u", "-m", "http.server", "--bind",
                  OUT_IP, str(HTTP_PORT)], cwd=http_dir,
                 stdout=subprocess.DEVNULL,
                 stderr=open(http_log, "ab"))


def cleanup():
    """Everything of this test, even on failure: QEMUs and dnsmasqs
    (by the root in their command lines), vireod, the HTTP server; the
    namespaces go after this (registered earlier, run later)."""
    daemon.stop()
    for pid in vireotest.pids_with_cmdline(daemon.root + "/"):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if http.poll() is None:
        http.kill()
        http.wait()


atexit.register(cleanup)
daemon.start()
conn = libvirt.open(daemon.uri)

NETS = {
    "natnet": ("nat", "vng-nat0", "192.168.150",
               "<dns><host ip='192.168.150.77'><hostname>vireo-dns-test"
               "</hostname></host></dns>"),
    "isonet": (None, "vng-iso0", "192.168.151", ""),
    "routenet": ("route", "vng-rt0", "192.168.152", ""),
}


def net_xml(name):
    mode, bridge, sub, extra = NETS[name]
    fwd = "<forward mode='%s'/>" % mode if mode else ""
    return """<network><name>%s</name>%s
  <bridge name='%s' stp='off' delay='0'/>%s
  <ip address='%s.1' netmask='255.255.255.0'>
    <dhcp><range start='%s.100' end='%s.200'/></dhcp>
  </ip>
</network>""" % (name, fwd, bridge, extra, sub, sub, sub)


def guest_xml(name, network, mac):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type>
    <kernel>%s/vmlinuz</kernel><initrd>%s/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <features><acpi/></features>
  <devices><emulator>%s</emulator>
    <interface type='network'><mac address='%s'/>
      <source network='%s'/><model type='virtio'/></interface>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, GUEST, GUEST, QEMU, mac, network)


def live(dom, pattern):
    m = re.search(pattern, dom.XMLDesc(0))
    return m.group(1) if m else None


def qemu_pid(name):
    try:
        with open(os.path.join(daemon.root, "run", "vireo", "qemu",
                               name + ".pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def wait_until(fn, timeout, step=0.1):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def dnsmasqs(net):
    return vireotest.pids_with_cmdline("dnsmasq", daemon.root + "/",
                                       "/%s.conf" % net)


def nft_tables():
    return hns.run("nft", "list", "tables").stdout


def http_peers(path):
    """Source addresses of the requests for @path the outside host got."""
    try:
        with open(http_log) as f:
            return [l.split()[0] for l in f if "GET /%s " % path in l]
    except OSError:
        return []


# ---- networks, then four guests started together ----
nets = {}
for n in NETS:
    nets[n] = conn.networkDefineXML(net_xml(n))
    nets[n].create()
tap.ok(all(nets[n].isActive() for n in NETS),
       "NAT, isolated and routed networks start in the host namespace",
       daemon.log_tail())

GUESTS = {"ga": ("natnet", "52:54:00:99:00:0a"),
          "gb": ("natnet", "52:54:00:99:00:0b"),
          "giso": ("isonet", "52:54:00:99:00:1a"),
          "groute": ("routenet", "52:54:00:99:00:2a")}
doms, cons, addr = {}, {}, {}
for g, (n, mac) in GUESTS.items():
    doms[g] = conn.defineXML(guest_xml(g, n, mac))
    doms[g].create()
    cons[g] = vireotest.GuestConsole(
        live(doms[g], r"<console type='pty'>\s*<source path='([^']+)'"))
atexit.register(lambda: [c.close() for c in cons.values()])


def boot(g):
    c = cons[g]
    if c.wait(rb"VIREO-GUEST-READY", 90, since=0):
        m = c.wait(rb"VIREO-GUEST-IP eth0 (\S+)\r?\n", 60, since=0)
        addr[g] = m.group(1).decode() if m else None


threads = [threading.Thread(target=boot, args=(g,)) for g in GUESTS]
for t in threads:
    t.start()
for t in threads:
    t.join()
for g, (n, _) in GUESTS.items():
    sub = NETS[n][2]
    tap.ok(addr.get(g, "") and addr[g].startswith(sub + "."),
           "%s on %s: boots and gets a DHCP lease (%s)" % (g, n, addr.get(g)),
           cons[g].buf[-800:].decode(errors="replace"))
print("# guests up after %.1f s" % (time.monotonic() - T0))

# ---- 1. NAT network: leases, DNS host entry, ping and TCP via NAT ----
# Both guests send the hostname "vireo-guest": dnsmasq keeps it on one
# lease only (the newer), as it does for any name clash.
leases = nets["natnet"].DHCPLeases()
ok = len(leases) == 2
for g in ("ga", "gb"):
    la = [l for l in leases if l.get("mac") == GUESTS[g][1]]
    ok = ok and len(la) == 1 and la[0].get("ipaddr") == addr.get(g) and \
        la[0].get("prefix") == 24 and la[0].get("iface") == "vng-nat0" and \
        time.time() < la[0].get("expirytime", 0) < time.time() + 7200
tap.ok(ok and [l.get("hostname") for l in leases].count("vireo-guest") == 1,
       "net.DHCPLeases(): mac, ip, hostname, expiry of ga and gb", leases)
try:
    ifs = doms["ga"].interfaceAddresses(
        libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE)
except libvirt.libvirtError as e:
    ifs = str(e)
vnet = live(doms["ga"], r"<target dev='(vnet\d+)'")
got = [a["addr"] for i in (ifs.values() if isinstance(ifs, dict) else [])
       if i.get("hwaddr") == GUESTS["ga"][1] for a in i.get("addrs", [])]
tap.ok(isinstance(ifs, dict) and got == [addr.get("ga")] and vnet in ifs,
       "dom.interfaceAddresses(SRC_LEASE): %s %s" % (vnet, got), ifs)

c = cons["ga"]
rc, out = c.run("nslookup vireo-dns-test; ping -c1 -W2 vireo-dns-test")
tap.ok("192.168.150.77" in out,
       "guest resolves the <dns><host> entry vireo-dns-test through dnsmasq",
       out)
rc, out = c.run("ping -c2 -W3 %s" % OUT_IP)
tap.ok(rc == 0, "NAT guest pings the outside host %s" % OUT_IP, out)
rc, out = c.run("wget -q -O /dev/null http://%s:%d/nat-probe" %
                (OUT_IP, HTTP_PORT))
peers = http_peers("nat-probe")
tap.ok(rc == 0 and peers == [NAT_SRC],
       "NAT guest's TCP connection reaches the outside host from %s" % NAT_SRC,
       "rc %s peers %s\n%s" % (rc, peers, out))

# ---- 4. two guests on one network ----
rc, out = c.run("ping -c2 -W3 %s" % addr.get("gb"))
rc2, out2 = cons["gb"].run("ping -c2 -W3 %s" % addr.get("ga"))
tap.ok(rc == 0 and rc2 == 0, "ga and gb on natnet ping each other",
       out + out2)

# ---- 2. isolated network ----
c = cons["giso"]
rc, out = c.run("ping -c1 -W3 192.168.151.1")
tap.ok(rc == 0, "isolated guest reaches its host bridge address", out)
rc, out = c.run("ping -c2 -W2 %s" % OUT_IP)
tap.ok(rc not in (0, None), "isolated guest cannot reach the outside host",
       out)

# ---- 3. routed network ----
c = cons["groute"]
rc, out = c.run("ping -c2 -W3 %s" % OUT_IP)
tap.ok(rc == 0, "routed guest pings the outside host", out)
rc, out = c.run("wget -q -O /dev/null http://%s:%d/route-probe" %
                (OUT_IP, HTTP_PORT))
peers = http_peers("route-probe")
tap.ok(rc == 0 and peers == [addr.get("groute")],
       "routed guest's TCP connection arrives from its own address %s" %
       addr.get("groute"), "rc %s peers %s\n%s" % (rc, peers, out))

# ---- 5. taps on domain stop and QEMU crash; net-destroy ----
tiso = live(doms["giso"], r"<target dev='(vnet\d+)'")
troute = live(doms["groute"], r"<target dev='(vnet\d+)'")
tap.ok(tiso and troute and {tiso, troute} <= set(hns.links()),
       "the guests' taps exist in the host namespace", hns.links())
doms["giso"].destroy()
tap.ok(wait_until(lambda: tiso not in hns.links(), 5),
       "domain destroy removes its tap %s" % tiso, hns.links())
os.kill(qemu_pid("groute"), signal.SIGKILL)
tap.ok(wait_until(lambda: doms["groute"].state()[0] == 5, 10) and
       wait_until(lambda: troute not in hns.links(), 5),
       "kill -9 of QEMU: crashed and its tap %s is gone" % troute,
       "%s %s" % (doms["groute"].state(), hns.links()))
for n in ("isonet", "routenet"):
    bridge = NETS[n][1]
    tap.ok(len(dnsmasqs(n)) == 1 and bridge in hns.links() and
           "vireo_" + n in nft_tables(),
           "%s: bridge, one dnsmasq and nft table before net-destroy" % n)
    nets[n].destroy()
    left = []
    if bridge in hns.links():
        left.append("bridge " + bridge)
    if dnsmasqs(n):
        left.append("dnsmasq %s" % dnsmasqs(n))
    if "vireo_" + n in nft_tables():
        left.append("nft table vireo_" + n)
    if any(l.startswith("vnet") for l in hns.links()
           if l not in (live(doms["ga"], r"<target dev='(vnet\d+)'"),
                        live(doms["gb"], r"<target dev='(vnet\d+)'"))):
        left.append("taps %s" % hns.links())
    tap.ok(not nets[n].isActive() and not left,
           "net-destroy of %s leaves nothing behind" % n, left)

# A guest on the destroyed network cannot start: clear error, no tap.
links = set(hns.links())
try:
    doms["giso"].create()
    tap.ok(False, "start of a guest on an inactive network is refused")
except libvirt.libvirtError as e:
    tap.ok("not active" in str(e) and doms["giso"].state()[0] == 5 and
           set(hns.links()) == links,
           "start of a guest on an inactive network: clear error, no tap",
           "%s %s" % (e, hns.links()))

# ---- 6. kill -9 vireod with natnet active and ga running ----
doms["gb"].destroy()
ga_pid = qemu_pid("ga")
dns_before = dnsmasqs("natnet")
daemon.proc.send_signal(signal.SIGKILL)
daemon.proc.wait()
daemon.start()
conn = libvirt.open(daemon.uri)
net = conn.networkLookupByName("natnet")
dom = conn.lookupByName("ga")
tap.ok(net.isActive() == 1 and dom.state()[0] == 1 and
       qemu_pid("ga") == ga_pid,
       "after kill -9 of vireod: natnet active, ga running (same QEMU)",
       daemon.log_tail())
leases = [(l.get("mac"), l.get("ipaddr")) for l in net.DHCPLeases()]
tap.ok((GUESTS["ga"][1], addr.get("ga")) in leases,
       "after the restart net.DHCPLeases() still has ga's lease", leases)
time.sleep(0.5)      # a duplicate dnsmasq would show up by now
dns_after = dnsmasqs("natnet")
tap.ok(len(dns_before) == 1 and dns_after == dns_before,
       "dnsmasq adopted, not duplicated (%s -> %s)" % (dns_before, dns_after))
tables = nft_tables()
tap.ok(tables.count("table inet vireo_natnet\n") == 1,
       "the nft table vireo_natnet exists once", tables)
c = cons["ga"]
rc, out = c.run("ping -c2 -W3 %s" % OUT_IP)
rc2, out2 = c.run("wget -q -O /dev/null http://%s:%d/after-restart" %
                  (OUT_IP, HTTP_PORT))
tap.ok(rc == 0 and rc2 == 0 and http_peers("after-restart") == [NAT_SRC],
       "after the restart ga still reaches the outside host through NAT",
       out + out2)
rc, out = c.run("nslookup vireo-dns-test")
tap.ok("192.168.150.77" in out, "after the restart DNS still answers", out)
# The adopted dnsmasq is supervised too: killed, it comes back (once).
os.kill(dns_after[0], signal.SIGKILL)
again = wait_until(lambda: [p for p in dnsmasqs("natnet")
                            if p != dns_after[0]], 10)
time.sleep(0.5)
rc, out = c.run("nslookup vireo-dns-test")
tap.ok(len(again or []) == 1 and dnsmasqs("natnet") == again and
       "192.168.150.77" in out,
       "kill -9 of the adopted dnsmasq: one new dnsmasq %s answers" % again,
       "%s\n%s" % (out, daemon.log_tail()))
try:
    tvnet = live(dom, r"<target dev='(vnet\d+)'")
    dom.destroy()
    tap.ok(wait_until(lambda: tvnet not in hns.links(), 5),
           "re-attached guest's destroy removes its tap %s" % tvnet,
           hns.links())
except libvirt.libvirtError as e:
    tap.ok(False, "re-attached guest can be destroyed", e)
net.destroy()
tap.ok(not dnsmasqs("natnet") and "vng-nat0" not in hns.links() and
       "vireo_natnet" not in nft_tables(),
       "net-destroy of the adopted natnet leaves nothing behind",
       "%s %s %s" % (dnsmasqs("natnet"), hns.links(), nft_tables()))
print("# run time %.1f s" % (time.monotonic() - T0))
conn.close()
tap.done()
