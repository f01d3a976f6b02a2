"""Bad input against a real vireod: huge documents, protocol garbage,
oversized length words, clients vanishing mid-call.  Each must get a clear
error or a closed connection, and the daemon must keep serving others."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
from vireotest import Daemon, Tap, domain_xml, skip_all  # noqa: E402

try:
    import libvirt
except ImportError:
    skip_all("python3-libvirt not installed (apt-get install python3-libvirt)")

libvirt.registerErrorHandler(lambda ctx, err: None, None)
PROG = 0x20008086
t = Tap()
d = Daemon("badinput").start()


def serving():
    c = libvirt.open(d.uri)
    try:
        return c.getHostname() == os.uname().nodename
    finally:
        c.close()


def frame(proc, serial, payload=b"", prog=PROG, mtype=0, status=0):
    return struct.pack(">IIIiIII", 28 + len(payload), prog, 1, proc, mtype, serial,
                       status) + payload


def raw():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(d.sock)
    return s


def read_frame(s):
    hdr = b""
    while len(hdr) < 4:
        chunk = s.recv(4 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    (length,) = struct.unpack(">I", hdr)
    body = b""
    while len(body) < length - 4:
        chunk = s.recv(length - 4 - len(body))
        if not chunk:
            return None
        body += chunk
    return struct.unpack(">IIiIII", body[:24]), body[24:]


def closed(s):
    try:
        s.settimeout(5)
        return s.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


conn = libvirt.open(d.uri)

# 10 MiB XML document: refused or handled, never a crash
big = domain_xml("big1").replace("<devices>",
                                 "<description>" + "x" * (10 * 1024 * 1024) + "</description><devices>")
try:
    conn.defineXML(big)
    t.ok(True, "10 MiB XML handled")
    conn.lookupByName("big1").undefine()
except libvirt.libvirtError as e:
    t.ok(len(str(e)) < 2000, "10 MiB XML refused with a short error", str(e)[:200])
t.ok(serving(), "daemon serves after the 10 MiB document")

for bad in ["", "not xml at all", "<domain/>", "<domain type='xen'><name>a</name></domain>",
            "<domain type='qemu'><name>a</name><memory>0</memory></domain>",
            "<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/shadow'>]>"
            "<domain type='qemu'><name>&e;</name><memory>1024</memory></domain>"]:
    try:
        conn.defineXML(bad)
        t.ok(False, "refused: %r" % bad[:40])
    except libvirt.libvirtError as e:
        t.ok(e.get_error_code() != libvirt.VIR_ERR_RPC, "refused with an XML error: %r" % bad[:40], e)
t.ok(conn.listAllDomains() == [], "nothing half-defined after bad documents")

# garbage bytes
s = raw()
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4)
t.ok(closed(s), "garbage bytes: connection closed")
t.ok(serving(), "daemon serves after garbage")

# oversized and undersized length words
for word, what in [(0xFFFFFFFF, "4 GiB"), (33554432 + 5, "32 MiB + 1"), (3, "3 bytes")]:
    s = raw()
    s.sendall(struct.pack(">I", word) + b"\0" * 24)
    t.ok(closed(s), "length word %s: connection closed" % what)
t.ok(serving(), "daemon serves after bad length words")

# unknown procedure and program: proper errors, connection kept
s = raw()
s.sendall(frame(66, 0))  # AUTH_LIST
hdr, body = read_frame(s)
t.ok(hdr[2] == 66 and hdr[5] == 0, "raw AUTH_LIST answered")
s.sendall(frame(1, 1, struct.pack(">II", 0, 0)))  # CONNECT_OPEN name=NULL flags 0
hdr, body = read_frame(s)
t.ok(hdr[5] == 0, "raw CONNECT_OPEN answered")
s.sendall(frame(110, 20))  # CONNECT_GET_URI, what URI-less clients ask
hdr, body = read_frame(s)
t.ok(hdr[5] == 0 and body[4:4 + 14] == b"qemu:///system", "CONNECT_GET_URI is qemu:///system",
     body)
s.sendall(frame(9999, 2))
hdr, body = read_frame(s)
code, dom = struct.unpack(">ii", body[:8])
t.ok(hdr[5] == 1 and code == 39 and dom == 7 and b"unknown procedure" in body,
     "unknown procedure: code 39 domain 7 'unknown procedure'", (hdr, body[:60]))
s.sendall(frame(60, 3, struct.pack(">i", 999)))
hdr, body = read_frame(s)
t.ok(hdr[5] == 0 and body == struct.pack(">i", 0), "unknown feature probe answers 0")
s.sendall(frame(3, 4, prog=0x12345678))
hdr, body = read_frame(s)
t.ok(hdr[5] == 1 and b"Cannot find program" in body, "unknown program: error reply")
s.sendall(frame(23, 5))  # LOOKUP_BY_NAME without its argument
hdr, body = read_frame(s)
t.ok(hdr[5] == 1, "undecodable payload: error reply", body[:80])
# keepalive PING -> PONG
s.sendall(frame(1, 0, prog=0x6b656570, mtype=2))
hdr, body = read_frame(s)
t.ok(hdr[0] == 0x6b656570 and hdr[2] == 2, "keepalive PING answered with PONG", hdr)
s.close()

# a call before CONNECT_OPEN
s = raw()
s.sendall(frame(3, 0))
hdr, body = read_frame(s)
t.ok(hdr[5] == 1 and b"not open" in body, "call before open refused", body[:80])
s.close()

# disconnect mid-call: send a define and vanish before the reply
for i in range(20):
    s = raw()
    s.sendall(frame(1, 0, struct.pack(">II", 0, 0)))
    x = domain_xml("gone%d" % i).encode()
    pad = (4 - len(x) % 4) % 4
    s.sendall(frame(11, 1, struct.pack(">I", len(x)) + x + b"\0" * pad))
    s.close()
time.sleep(0.5)
t.ok(serving(), "daemon serves after 20 clients vanished mid-call")
t.ok(d.alive(), "daemon process alive")
conn.close()
t.done()
