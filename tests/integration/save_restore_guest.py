#!/usr/bin/python3
"""save_restore_guest.py: save / restore / managed save of a counting TCG
guest (tests/guest, vireo.counter=1) with a qcow2 disk, against real
vireod instances, through stock virsh and python-libvirt: the counter
continues after a restore (no reboot marker), save-image-dumpxml and
save-image-define, domjobabort during a slowed save leaves the guest
running and no file, a restore on a second daemon (another root, same
disk), managedsave + start resumes, managedsave-remove, dominfo and list
--managed-save, undefine refused while a managed save image exists.
Emits TAP."""
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest(tools=("/usr/bin/qemu-img", "/usr/bin/virsh"))
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()
UUID = "6f1c2f57-8d0c-4c77-9a55-0d3e5a7c1e01"


def guest_xml(name, disk):
    return """<domain type='qemu'>
  <name>%s</name><uuid>%s</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 vireo.counter=1</cmdline></os>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, UUID, os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"), QEMU, disk)


def virsh(uri, *args):
    r = subprocess.run(["virsh", "-c", uri] + list(args),
                       capture_output=True, text=True, timeout=180)
    return r.returncode, r.stdout + r.stderr


def console(dom):
    m = re.search(r"<console type='pty'>\s*<source path='([^']+)'",
                  dom.XMLDesc(0))
    return vireotest.GuestConsole(m.group(1))


def last_count(cons, timeout=60):
    """The newest VIREO-COUNT value: the first one within @timeout, then
    whatever else arrives during the next 2.5 s."""
    m = cons.wait(rb"VIREO-COUNT (\d+)\r?\n", timeout)
    if not m:
        return None
    n = int(m.group(1))
    end = time.monotonic() + 2.5
    while time.monotonic() < end:
        m = cons.wait(rb"VIREO-COUNT (\d+)\r?\n", max(0.1, end - time.monotonic()))
        if m:
            n = int(m.group(1))
    return n


def boot(dom):
    dom.create()
    cons = console(dom)
    ok = cons.wait(rb"VIREO-COUNT [3-9]", 150, since=0) is not None
    return cons, ok


def counts_on(cons, before):
    """After a restore: counting resumes above @before, no fresh boot."""
    m = cons.wait(rb"VIREO-COUNT (\d+)\r?\n", 60, since=0)
    n = int(m.group(1)) if m else -1
    rebooted = b"VIREO-GUEST-READY" in cons.buf
    return n > before and not rebooted, "first count %d, before %d%s" % (
        n, before, ", rebooted" if rebooted else "")


a = vireotest.Daemon("savea").start()
disk = os.path.join(a.root, "disk.qcow2")
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"],
               check=True)
conn = libvirt.open(a.uri)
dom = conn.defineXML(guest_xml("sr1", disk))
cons, ok = boot(dom)
tap.ok(ok, "the guest boots and counts", a.log_tail())
before = last_count(cons)
cons.close()

# ---- save and restore with stock virsh ----
image = os.path.join(a.root, "sr1.save")
rc, out = virsh(a.uri, "save", "sr1", image)
tap.ok(rc == 0 and os.path.exists(image), "virsh save writes the image",
       out + a.log_tail())
tap.ok(dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF,
                       libvirt.VIR_DOMAIN_SHUTOFF_SAVED],
       "the domain is shut off, reason saved", str(dom.state()))
rc, out = virsh(a.uri, "save-image-dumpxml", image)
tap.ok(rc == 0 and "<name>sr1</name>" in out and UUID in out,
       "save-image-dumpxml shows the embedded definition", out)
xml = out.replace("<domain type='qemu'>",
                  "<domain type='qemu'>\n  <description>edited</description>")
with open(os.path.join(a.root, "edited.xml"), "w") as f:
    f.write(xml)
rc, out = virsh(a.uri, "save-image-define", image,
                os.path.join(a.root, "edited.xml"))
rc2, out2 = virsh(a.uri, "save-image-dumpxml", image)
tap.ok(rc == 0 and "<description>edited</description>" in out2,
       "save-image-define rewrites the embedded definition", out + out2)
rc, out = virsh(a.uri, "restore", image)
tap.ok(rc == 0 and dom.state() == [libvirt.VIR_DOMAIN_RUNNING, 3],
       "virsh restore: running, reason restored", out + str(dom.state()))
cons = console(dom)
ok, detail = counts_on(cons, before)
tap.ok(ok, "the counter continues after the restore (no reboot)", detail)
tap.ok("<description>edited</description>" in dom.XMLDesc(0),
       "the restored domain runs the edited definition")
before = last_count(cons)
cons.close()

# ---- restore on a second daemon (another root) with the same disk ----
dom.save(image)
b = vireotest.Daemon("saveb").start()
connb = libvirt.open(b.uri)
try:
    connb.restore(image)
    domb = connb.lookupByName("sr1")
    restored = domb.isActive() == 1
except libvirt.libvirtError as e:
    restored, domb = False, None
    tap.ok(False, "restore on another daemon", e.get_error_message() +
           b.log_tail())
if restored:
    tap.ok(not domb.isPersistent(), "restore on another daemon: a running "
           "transient domain")
    cons = console(domb)
    ok, detail = counts_on(cons, before)
    tap.ok(ok, "the counter continues on the other daemon", detail)
    before = last_count(cons)
    cons.close()
    domb.save(image)
    tap.ok(connb.listAllDomains(0) == [], "saving a transient domain "
           "removes it")
connb.close()
b.stop()

# ---- domjobabort during a slow save (second daemon, 1 MiB/s) ----
os.environ["VIREO_SAVE_MAX_BANDWIDTH"] = "1"
c = vireotest.Daemon("savec").start()
del os.environ["VIREO_SAVE_MAX_BANDWIDTH"]
connc = libvirt.open(c.uri)
connc.restore(image)
domc = connc.lookupByName("sr1")
slow = os.path.join(c.root, "slow.save")
result = {}


def do_save():
    try:
        virsh_rc = virsh(c.uri, "save", "sr1", slow)
        result["rc"] = virsh_rc
    except Exception as e:  # noqa: BLE001
        result["rc"] = (-1, str(e))


t = threading.Thread(target=do_save)
t.start()
time.sleep(2)
info = domc.jobInfo()
tap.ok(info[0] == libvirt.VIR_DOMAIN_JOB_UNBOUNDED and info[3] > 0,
       "domjobinfo during the save shows an unbounded job with data",
       str(info))
rc, out = virsh(c.uri, "domjobabort", "sr1")
t.join(60)
tap.ok(rc == 0 and result.get("rc", (0,))[0] != 0,
       "domjobabort cancels the save", out + str(result))
tap.ok(domc.state()[0] == libvirt.VIR_DOMAIN_RUNNING and
       not os.path.exists(slow),
       "after the abort: guest running, no partial image",
       str(domc.state()) + c.log_tail())
domc.destroy()
connc.close()
c.stop()

# ---- managed save on the first daemon ----
rc, out = virsh(a.uri, "restore", image)
tap.ok(rc == 0 and dom.isActive(), "restore again on the first daemon", out)
cons = console(dom)
before = last_count(cons)
cons.close()
rc, out = virsh(a.uri, "managedsave", "sr1")
tap.ok(rc == 0 and dom.hasManagedSaveImage(0) == 1,
       "virsh managedsave", out)
rc, out = virsh(a.uri, "dominfo", "sr1")
tap.ok(re.search(r"Managed save:\s+yes", out) is not None,
       "dominfo shows 'Managed save: yes'", out)
rc, out = virsh(a.uri, "list", "--all", "--with-managed-save")
rc2, out2 = virsh(a.uri, "list", "--all", "--without-managed-save")
tap.ok(rc == 0 and rc2 == 0 and "sr1" in out and "sr1" not in out2,
       "list --with-managed-save / --without-managed-save filter",
       out + out2)
rc, out = virsh(a.uri, "undefine", "sr1")
tap.ok(rc != 0 and "managed save" in out and dom.isPersistent(),
       "undefine is refused while a managed save image exists", out)
rc, out = virsh(a.uri, "start", "sr1")
tap.ok(rc == 0 and dom.state() == [libvirt.VIR_DOMAIN_RUNNING, 3] and
       dom.hasManagedSaveImage(0) == 0,
       "start resumes from the managed save image and removes it",
       out + str(dom.state()))
cons = console(dom)
ok, detail = counts_on(cons, before)
tap.ok(ok, "the counter continues after start from managed save", detail)
cons.close()
dom.managedSave(0)
rc, out = virsh(a.uri, "managedsave-remove", "sr1")
tap.ok(rc == 0 and dom.hasManagedSaveImage(0) == 0 and
       not os.listdir(os.path.join(a.root, "var/lib/vireo/qemu/save")),
       "managedsave-remove deletes the image", out)
cons, ok = boot(dom)
tap.ok(ok and b"VIREO-GUEST-READY" in cons.buf,
       "start without an image boots afresh")
cons.close()
dom.managedSave(0)
rc, out = virsh(a.uri, "undefine", "--managed-save", "sr1")
tap.ok(rc == 0 and conn.listAllDomains(0) == [],
       "undefine --managed-save removes domain and image", out)
conn.close()
tap.done()
