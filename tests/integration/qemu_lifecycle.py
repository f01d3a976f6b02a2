#!/usr/bin/python3
"""qemu_lifecycle.py: real QEMU (TCG) guests driven through python-libvirt
against a real vireod: boot to the marker on the serial pty, suspend and
resume, ACPI shutdown, destroy, reboot, kill -9 of QEMU (crashed), kill -9
of vireod with 3 running guests (re-attached with the same ids and pids,
one destroyed while the re-attach runs), SIGTERM of vireod (prompt, QEMU
keeps running),
10 guests started concurrently from 5 clients, and bad inputs that must
leave no QEMU, monitor socket or status file behind.  Emits TAP."""
import atexit
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest()
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()
MARKER = b"VIREO-GUEST-READY"


def guest_xml(name, kernel=None, emulator=QEMU, disk=None):
    kernel = kernel or os.path.join(GUEST, "vmlinuz")
    d = ""
    if disk:
        d = ("<disk type='file' device='disk'><source file='%s'/>"
             "<target dev='vda' bus='virtio'/></disk>" % disk)
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <features><acpi/></features>
  <devices><emulator>%s</emulator>%s
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, kernel, os.path.join(GUEST, "initrd.img"), emulator, d)


def pty_of(dom):
    m = re.search(r"<console type='pty'>\s*<source path='([^']+)'", dom.XMLDesc(0))
    return m.group(1) if m else None


def open_pty(dom):
    path = pty_of(dom)
    return os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK) if path else -1


def wait_marker(fd, timeout=90):
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                time.sleep(0.1)
            if MARKER in buf:
                return True
    return False


def wait_state(dom, state, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if dom.state()[0] == state:
            return True
        time.sleep(0.1)
    return False


def qemu_pid(root, name):
    try:
        with open(os.path.join(root, "run", "vireo", "qemu", name + ".pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def leftovers(root, name):
    qdir = os.path.join(root, "run", "vireo", "qemu")
    files = [f for f in os.listdir(qdir) if f.startswith(name + ".")] \
        if os.path.isdir(qdir) else []
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    procs = [l for l in ps.splitlines() if "%s/%s.monitor" % (qdir, name) in l]
    return files + procs


def kill_our_qemus(root):
    """QEMU outlives vireod by design: kill this test's ones by pid."""
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if (root + "/run/").encode() in f.read():
                    os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass


def start_daemon():
    """Start vireod and wait until its socket accepts: the socket file
    appears at bind(), a moment before listen() (ECONNREFUSED between)."""
    import socket
    daemon.start()
    end = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(daemon.sock)
            return
        except OSError:
            if time.monotonic() > end or not daemon.alive():
                raise
            time.sleep(0.02)
        finally:
            s.close()


daemon = vireotest.Daemon("qemu-lifecycle")
atexit.register(kill_our_qemus, daemon.root)
start_daemon()
conn = libvirt.open(daemon.uri)
events = []
ev_lock = threading.Lock()

try:
    libvirt.virEventRegisterDefaultImpl()
    ev_conn = libvirt.open(daemon.uri)

    def run_loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=run_loop, daemon=True).start()

    def on_lifecycle(c, d, ev, detail, opaque):
        with ev_lock:
            events.append((d.name(), "lifecycle", ev, detail))

    def on_reboot(c, d, opaque):
        with ev_lock:
            events.append((d.name(), "reboot", 0, 0))
    ev_conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                   on_lifecycle, None)
    ev_conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT,
                                   on_reboot, None)
    have_events = True
except libvirt.libvirtError as e:
    have_events = False
    print("# events unavailable: %s" % e)


def saw(name, kind, ev=None, detail=None, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with ev_lock:
            for (n, k, e, d) in events:
                if n == name and k == kind and (ev is None or e == ev) and \
                        (detail is None or d == detail):
                    return True
        time.sleep(0.1)
    return False


# ---- boot, console, suspend/resume, shutdown, destroy ----
dom = conn.defineXML(guest_xml("g1"))
dom.create()
fd = open_pty(dom)
tap.ok(dom.isActive() and dom.ID() > 0, "start: running with an id (%d)" % dom.ID())
tap.ok(dom.state() == [1, 1], "state running (booted)", dom.state())
tap.ok(fd >= 0, "live XML names the console pty", dom.XMLDesc(0))
tap.ok(fd >= 0 and wait_marker(fd), "guest prints %s on the pty" % MARKER.decode())
if have_events:
    tap.ok(saw("g1", "lifecycle", 2, 0), "STARTED/BOOTED event")
try:
    conn.createXML(guest_xml("g1"), 0)
    tap.ok(False, "creating a running domain again is refused")
except libvirt.libvirtError as e:
    tap.ok("already" in str(e), "creating a running domain again is refused", e)
try:
    dom.create()
    tap.ok(False, "start of a running domain is refused")
except libvirt.libvirtError as e:
    tap.ok("already running" in str(e), "start of a running domain: clear error", e)

dom.suspend()
tap.ok(dom.state() == [3, 1], "suspend: paused (user)", dom.state())
dom.resume()
tap.ok(dom.state() == [1, 5], "resume: running (unpaused)", dom.state())
info = dom.info()
tap.ok(info[4] > 0 and info[2] == 128 * 1024, "dominfo: cpu time and memory", info)

dom.shutdown()
tap.ok(wait_state(dom, 5, 90), "ACPI shutdown: shut off", dom.state())
tap.ok(dom.state() == [5, 1], "state shutoff (shutdown)", dom.state())
if have_events:
    tap.ok(saw("g1", "lifecycle", 5, 0), "STOPPED/SHUTDOWN event")
os.close(fd)

dom.create()
dom.destroy()
tap.ok(dom.state() == [5, 2], "destroy: shut off (destroyed)", dom.state())
tap.ok(not leftovers(daemon.root, "g1"), "nothing left after destroy",
       leftovers(daemon.root, "g1"))

# ---- reboot ----
dom.create()
fd = open_pty(dom)
wait_marker(fd)
dom.reboot(0)
ok = (have_events and saw("g1", "reboot", timeout=60)) or wait_marker(fd, 90)
tap.ok(ok, "reboot: REBOOT event or the marker again")
tap.ok(dom.isActive() == 1, "still running after reboot", dom.state())
os.close(fd)

# ---- kill -9 of QEMU ----
pid = qemu_pid(daemon.root, "g1")
os.kill(pid, signal.SIGKILL)
tap.ok(wait_state(dom, 5, 10) and dom.state() == [5, 3],
       "kill -9 of QEMU: shut off (crashed)", dom.state())
if have_events:
    tap.ok(saw("g1", "lifecycle", 5, 2), "STOPPED/CRASHED event")
tap.ok(not leftovers(daemon.root, "g1"), "nothing left after the crash",
       leftovers(daemon.root, "g1"))

# ---- kill -9 vireod with 3 running guests ----
def restart_daemon():
    global conn
    for sock in (daemon.sock, daemon.sock_ro):    # stale after kill -9
        if os.path.exists(sock):
            os.unlink(sock)
    start_daemon()
    conn = libvirt.open(daemon.uri)


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


before = {}
for i in range(3):
    d = conn.defineXML(guest_xml("k%d" % i))
    d.create()
    before[d.name()] = (d.ID(), qemu_pid(daemon.root, d.name()))
daemon.proc.send_signal(signal.SIGKILL)
daemon.proc.wait()
restart_daemon()
after = {}
for n in before:
    d = conn.lookupByName(n)
    after[n] = (d.ID(), qemu_pid(daemon.root, n)) if d.state()[0] == 1 else None
tap.ok(after == before, "after kill -9 of vireod: same ids and pids", (before, after))
# At once, while the new vireod may still be re-attaching to k0 (the destroy
# used to make the re-attach give up and report k0 as crashed).
d = conn.lookupByName("k0")
d.destroy()
tap.ok(d.state() == [5, 2] and not pid_alive(before["k0"][1]),
       "destroy racing the re-attach: destroyed, not crashed",
       "%s\n%s" % (d.state(), daemon.log_tail()))
ok = True
for n in ("k1", "k2"):
    d = conn.lookupByName(n)
    d.suspend()       # waits for the re-attach job: QMP must work
    st = d.state()
    d.resume()
    ok = ok and st == [3, 1] and d.state() == [1, 5] and \
        pid_alive(before[n][1])
tap.ok(ok, "re-attached guests are controllable (suspend, resume)",
       daemon.log_tail())

# ---- SIGTERM of vireod: prompt, QEMU keeps running ----
t0 = time.monotonic()
daemon.proc.send_signal(signal.SIGTERM)
try:
    daemon.proc.wait(30)
except subprocess.TimeoutExpired:
    pass
took = time.monotonic() - t0
tap.ok(took < 2.0, "SIGTERM: vireod exits in %.2f s (< 2 s)" % took,
       daemon.log_tail())
tap.ok(all(pid_alive(before[n][1]) for n in ("k1", "k2")),
       "SIGTERM: the QEMUs keep running")
restart_daemon()
try:
    after = {n: (conn.lookupByName(n).ID(), qemu_pid(daemon.root, n))
             for n in ("k1", "k2")}
except libvirt.libvirtError:
    print("".join("# " + l + "\n" for l in daemon.log_tail().splitlines()),
          flush=True)
    raise
tap.ok(after == {n: before[n] for n in ("k1", "k2")},
       "after a restart: same ids and pids", (before, after))
for n in ("k1", "k2"):
    conn.lookupByName(n).destroy()
states = [conn.lookupByName(n).state() for n in ("k1", "k2")]
tap.ok(all(s == [5, 2] for s in states), "re-attached guests can be destroyed",
       "%s\n%s" % (states, daemon.log_tail()))
tap.ok(all(not leftovers(daemon.root, n) for n in before), "nothing left",
       [leftovers(daemon.root, n) for n in before])

# ---- 10 guests from 5 clients at once ----
names = ["c%d" % i for i in range(10)]
for n in names:
    conn.defineXML(guest_xml(n))
errors = []


def starter(chunk):
    c = libvirt.open(daemon.uri)
    for n in chunk:
        try:
            c.lookupByName(n).create()
        except libvirt.libvirtError as e:
            errors.append("%s: %s" % (n, e))
    c.close()


t0 = time.monotonic()
threads = [threading.Thread(target=starter, args=(names[i::5],)) for i in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ids = sorted(conn.lookupByName(n).ID() for n in names)
tap.ok(not errors and len(set(ids)) == 10,
       "10 guests started concurrently in %.1f s, distinct ids" % (time.monotonic() - t0),
       errors or ids)
for n in names:
    conn.lookupByName(n).destroy()

# ---- bad inputs ----
bad = [
    ("b-kernel", guest_xml("b-kernel", kernel="/nonexistent/vmlinuz"), "vmlinuz"),
    ("b-emu", guest_xml("b-emu", emulator="/nonexistent/qemu"), "/nonexistent/qemu"),
    ("b-disk", guest_xml("b-disk", disk="/nonexistent/disk.img"), "disk.img"),
]
for name, xml, word in bad:
    d = conn.defineXML(xml)
    try:
        d.create()
        tap.ok(False, "%s: start refused" % name)
    except libvirt.libvirtError as e:
        tap.ok(word in str(e), "%s: clear error" % name, e)
    tap.ok(d.state()[0] == 5 and not leftovers(daemon.root, name),
           "%s: nothing left behind" % name, leftovers(daemon.root, name))

conn.close()
tap.done()
