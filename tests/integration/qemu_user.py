#!/usr/bin/python3
"""qemu_user.py: QEMU as an unprivileged user (vireod.conf qemu_user) in a
vireod --root, end to end with a real TCG guest: QEMU's Uid/Gid, a qcow2
image (root:root 0600) handed to the user while running and handed back
after destroy, guest shutdown, kill -9 of QEMU, kill -9 of vireod (restart,
then destroy; and QEMU killed while vireod is down), a read-only disk left
alone, a hotplugged disk handed over and back, a disk in a 0700 directory
refused before launch with nothing left behind, stock virsh start/destroy,
and a qemu_user that does not exist refusing the daemon start.  Creates
the system account vireo-tq (removed at exit only if created here).
Emits TAP."""
import atexit
import os
import pwd
import re
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest(root_because="creates a system account, runs QEMU as it")
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU
USER = "vireo-tq"

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()


def ensure_account():
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", USER], check=True)
    atexit.register(lambda: subprocess.run(["userdel", USER]))
    return pwd.getpwnam(USER)


ACC = ensure_account()
# Our Daemon's cleanup runs first (atexit is LIFO): QEMUs are gone before
# the account is removed.
daemon = vireotest.Daemon("qemuuser")
root = daemon.root
conf = os.path.join(root, "vireod.conf")
with open(conf, "w") as f:
    f.write('qemu_user = "%s"\n' % USER)
daemon.args = ["-f", conf]
imgdir = os.path.join(root, "images")
os.mkdir(imgdir, 0o755)
os.chmod(imgdir, 0o755)     # whatever the umask


def image(name, fmt="qcow2", mode=0o600):
    path = os.path.join(imgdir, name)
    subprocess.run(["qemu-img", "create", "-q", "-f", fmt, path, "32M"],
                   check=True)
    os.chmod(path, mode)
    return path


def owner(path):
    st = os.stat(path)
    return (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode))


ROOT_0600 = (0, 0, 0o600)
ACC_0600 = (ACC.pw_uid, ACC.pw_gid, 0o600)


def guest_xml(name, disk, extra=""):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type>
    <kernel>%s/vmlinuz</kernel><initrd>%s/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <features><acpi/></features>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='%s'/><target dev='vda' bus='virtio'/></disk>%s
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, GUEST, GUEST, QEMU, disk, extra)


def qemu_pid(dom):
    path = os.path.join(root, "run", "vireo", "qemu", dom.name() + ".pid")
    with open(path) as f:
        return int(f.read())


def ids_of(pid):
    with open("/proc/%d/status" % pid) as f:
        text = f.read()
    uid = re.search(r"^Uid:\s+(\d+)", text, re.M).group(1)
    gid = re.search(r"^Gid:\s+(\d+)", text, re.M).group(1)
    return int(uid), int(gid)


def eventually(fn, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fn():
            return True
        time.sleep(0.1)
    return fn()


def shut_off(dom):
    return eventually(lambda: dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF)


def err(fn, *args):
    try:
        fn(*args)
        return None
    except libvirt.libvirtError as e:
        return e.get_error_message()


def restart_killed():
    """kill -9 vireod, start it again (the stale socket removed first, so
    start() waits for the new one); returns a new connection."""
    daemon.stop(signal.SIGKILL)
    os.unlink(daemon.sock)
    daemon.start()
    return libvirt.open(daemon.uri)


def boot(dom):
    dom.create()
    cons = vireotest.GuestConsole(vireotest.console_pty(dom.XMLDesc(0)))
    ok = cons.wait(rb"(?m)^VIREO-GUEST-READY\r?$", 120, since=0) is not None
    return cons, ok


# ---- a qemu_user that does not exist: the daemon refuses to start ----
bad = vireotest.Daemon("qemuuser-bad")
badconf = os.path.join(bad.root, "vireod.conf")
with open(badconf, "w") as f:
    f.write('qemu_user = "vireo-no-such-user"\n')
bad.args = ["-f", badconf]
try:
    bad.start()
    started = True
except RuntimeError:
    started = False
log = bad.log_tail()
tap.ok(not started and "qemu_user 'vireo-no-such-user' does not exist" in log,
       "an unknown qemu_user stops vireod with a message naming both", log)

daemon.start()
conn = libvirt.open(daemon.uri)
vda = image("vda.qcow2")
ro = image("ro.raw", "raw", 0o644)
rodisk = ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
          "<source file='%s'/><target dev='vdc' bus='virtio'/><readonly/>"
          "</disk>" % ro)
dom = conn.defineXML(guest_xml("tq1", vda, rodisk))
tap.ok(owner(vda) == ROOT_0600, "image is root:root 0600 before start")

# ---- boot, identity, hand-over ----
cons, ok = boot(dom)
tap.ok(ok, "guest boots to VIREO-GUEST-READY as %s" % USER, daemon.log_tail())
pid = qemu_pid(dom)
tap.ok(ids_of(pid) == (ACC.pw_uid, ACC.pw_gid),
       "QEMU's Uid/Gid are %s's" % USER, str(ids_of(pid)))
tap.ok(owner(vda) == ACC_0600, "the image is the QEMU user's while running",
       str(owner(vda)))
tap.ok(owner(ro) == (0, 0, 0o644), "a read-only disk is not chowned",
       str(owner(ro)))
mon = os.path.join(root, "run", "vireo", "qemu", "tq1.monitor")
tap.ok(os.stat(mon).st_uid == 0 and
       stat.S_IMODE(os.stat(os.path.dirname(mon)).st_mode) == 0o755,
       "the monitor socket is vireod's (QEMU got it as an fd)")

# ---- hotplug ----
vdb = image("vdb.qcow2")
hp = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
      "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>" % vdb)
e = err(dom.attachDeviceFlags, hp, libvirt.VIR_DOMAIN_AFFECT_LIVE)
tap.ok(e is None and owner(vdb) == ACC_0600,
       "a hotplugged disk is handed to the QEMU user", e or str(owner(vdb)))
e = err(dom.detachDeviceFlags, hp, libvirt.VIR_DOMAIN_AFFECT_LIVE)
tap.ok(e is None and eventually(lambda: owner(vdb) == ROOT_0600),
       "detaching it hands it back (root:root 0600)", e or str(owner(vdb)))

# ---- destroy ----
dom.destroy()
tap.ok(owner(vda) == ROOT_0600, "after destroy: root:root 0600 again",
       str(owner(vda)))
cons.close()

# ---- guest shutdown ----
cons, ok = boot(dom)
dom.shutdown()
tap.ok(ok and shut_off(dom) and owner(vda) == ROOT_0600,
       "after the guest's ACPI shutdown: root:root 0600", str(owner(vda)))
cons.close()

# ---- kill -9 of QEMU ----
dom.create()
tap.ok(owner(vda) == ACC_0600, "handed over again on the next start")
os.kill(qemu_pid(dom), signal.SIGKILL)
tap.ok(shut_off(dom) and owner(vda) == ROOT_0600,
       "after kill -9 of QEMU (crashed): root:root 0600", str(owner(vda)))

# ---- kill -9 of vireod, restart, destroy ----
dom.create()
pid = qemu_pid(dom)
conn = restart_killed()
dom = conn.lookupByName("tq1")
up = eventually(lambda: dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING)
tap.ok(up and qemu_pid(dom) == pid and owner(vda) == ACC_0600,
       "kill -9 vireod + restart: re-attached, image still the user's")
dom.destroy()
tap.ok(owner(vda) == ROOT_0600,
       "destroy after the restart hands it back (status records)",
       str(owner(vda)))

# ---- QEMU killed while vireod is down ----
dom.create()
pid = qemu_pid(dom)
daemon.stop(signal.SIGKILL)
os.kill(pid, signal.SIGKILL)
os.unlink(daemon.sock)
daemon.start()
conn = libvirt.open(daemon.uri)
dom = conn.lookupByName("tq1")
tap.ok(shut_off(dom) and eventually(lambda: owner(vda) == ROOT_0600),
       "QEMU killed while vireod was down: handed back at restart",
       str(owner(vda)))

# ---- a disk the QEMU user cannot reach ----
private = os.path.join(root, "private")
os.mkdir(private, 0o700)
hidden = os.path.join(private, "hidden.qcow2")
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", hidden, "32M"],
               check=True)
os.chmod(hidden, 0o600)
dom2 = conn.defineXML(guest_xml("tq2", hidden))
e = err(dom2.create)
want = "QEMU user '%s' cannot search '%s' (mode 0700, owner root)" % (USER,
                                                                     private)
tap.ok(e is not None and want in e, "a disk in a 0700 directory: clear error",
       e)
run = os.path.join(root, "run", "vireo", "qemu")
left = [f for f in os.listdir(run) if f.startswith("tq2")]
tap.ok(dom2.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF and
       owner(hidden) == ROOT_0600 and not left and
       not vireotest.pids_with_cmdline(dom2.UUIDString()),
       "... and nothing left: no QEMU, no chown, shut off, no run files",
       str(left))
dom2.undefine()

# ---- a start that fails after the hand-over (QEMU refuses a disk) ----
notq = image("notqcow2.raw", "raw")
bad = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
       "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>" % notq)
dom3 = conn.defineXML(guest_xml("tq3", vda, bad))
e = err(dom3.create)
tap.ok(e is not None and dom3.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF and
       owner(vda) == ROOT_0600 and owner(notq) == ROOT_0600,
       "QEMU failing at launch: both images handed back",
       "%s %s %s" % (e, owner(vda), owner(notq)))
dom3.undefine()

# ---- stock virsh ----
virsh = ["virsh", "-q", "-c", daemon.uri]
r = subprocess.run(virsh + ["start", "tq1"], capture_output=True, text=True)
ok = r.returncode == 0 and owner(vda) == ACC_0600 and \
    ids_of(qemu_pid(dom))[0] == ACC.pw_uid
r2 = subprocess.run(virsh + ["destroy", "tq1"], capture_output=True,
                    text=True)
tap.ok(ok and r2.returncode == 0 and owner(vda) == ROOT_0600,
       "stock virsh start / destroy as the QEMU user",
       r.stderr + r2.stderr)
tap.done()
