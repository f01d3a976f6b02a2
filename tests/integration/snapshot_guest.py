#!/usr/bin/python3
"""snapshot_guest.py: domain snapshots of a TCG guest (tests/guest) with a
qcow2 disk, against a real vireod, through stock virsh and python-libvirt:
the guest writes a marker to its disk, an internal snapshot with memory
is taken while it runs, the marker is overwritten ("the file is
deleted"), the revert brings the marker back and the guest keeps running
without a reboot; a shut-off snapshot and its revert; a disk-only
external snapshot creates a qcow2 overlay that the domain then uses;
list/tree/info/dumpxml/current/parent; metadata survives a daemon
restart; undefine refused, then allowed with --snapshots-metadata;
delete with children; an internal snapshot of a raw disk is refused
clearly.  Emits TAP."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest(tools=("/usr/bin/qemu-img", "/usr/bin/virsh"))
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()


def guest_xml(name, uuid, disk, fmt="qcow2"):
    return """<domain type='qemu'>
  <name>%s</name><uuid>%s</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='%s'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, uuid, os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"), QEMU, fmt, disk)


def virsh(uri, *args):
    r = subprocess.run(["virsh", "-c", uri] + list(args),
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def boot(dom):
    dom.create()
    m = re.search(r"<console type='pty'>\s*<source path='([^']+)'",
                  dom.XMLDesc(0))
    cons = vireotest.GuestConsole(m.group(1))
    ok = cons.wait(rb"VIREO-GUEST-READY", 150, since=0) is not None
    cons.run("true", 10)
    return cons, ok


def write_marker(cons, text):
    rc, out = cons.run("echo %s | dd of=/dev/vda bs=512 count=1 conv=sync "
                       "2>/dev/null; sync" % text, 30)
    return rc == 0


def read_marker(cons):
    rc, out = cons.run("echo 3 > /proc/sys/vm/drop_caches; "
                       "dd if=/dev/vda bs=512 count=1 2>/dev/null | "
                       "head -c 12; echo", 30)
    m = re.search(r"VIREO-SNAP-[A-Z]", out)
    return m.group(0) if m else out.strip()


d = vireotest.Daemon("snap").start()
disk = os.path.join(d.root, "disk.qcow2")
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"],
               check=True)
conn = libvirt.open(d.uri)
dom = conn.defineXML(guest_xml("snapg", "0f6a3c1e-5b7d-4e2a-9c1b-7d8e9f0a1b2c",
                               disk))
cons, ok = boot(dom)
tap.ok(ok, "the guest boots", d.log_tail())
tap.ok(write_marker(cons, "VIREO-SNAP-A") and read_marker(cons) ==
       "VIREO-SNAP-A", "the guest writes marker A to its disk")

# ---- internal snapshot with memory, while running ----
rc, out = virsh(d.uri, "snapshot-create-as", "snapg", "s1", "--description",
                "first")
tap.ok(rc == 0 and "Domain snapshot s1 created" in out,
       "virsh snapshot-create-as of the running guest", out + d.log_tail())
rc, info = virsh(d.uri, "snapshot-info", "snapg", "s1")
tap.ok(rc == 0 and re.search(r"State:\s+running", info) and
       re.search(r"Location:\s+internal", info) and
       re.search(r"Current:\s+yes", info), "snapshot-info: running, internal, "
       "current", info)
img = subprocess.run(["qemu-img", "snapshot", "-U", "-l", disk],
                     capture_output=True, text=True).stdout
tap.ok(re.search(r"\bs1\b", img) is not None,
       "the qcow2 image holds internal snapshot s1", img)
tap.ok(dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING,
       "the guest runs on after the snapshot", str(dom.state()))
tap.ok(write_marker(cons, "VIREO-SNAP-B") and read_marker(cons) ==
       "VIREO-SNAP-B", "the guest overwrites the marker (deletes the file)")

# ---- revert with memory: no reboot, marker A back ----
snap = dom.snapshotLookupByName("s1")
boot_pos = len(cons.buf)
dom.revertToSnapshot(snap)
tap.ok(dom.state() == [libvirt.VIR_DOMAIN_RUNNING, 4],
       "after the revert the guest runs (reason from snapshot)",
       str(dom.state()))
marker = read_marker(cons)
tap.ok(marker == "VIREO-SNAP-A", "the guest reads marker A again", marker)
tap.ok(b"VIREO-GUEST-READY" not in cons.buf[boot_pos:],
       "the guest did not reboot", cons.buf[boot_pos:][-300:])

# ---- shut-off snapshot and its revert ----
dom.destroy()
cons.close()
rc, out = virsh(d.uri, "snapshot-create-as", "snapg", "s2")
tap.ok(rc == 0, "snapshot of the shut-off domain", out + d.log_tail())
rc, info = virsh(d.uri, "snapshot-info", "snapg", "s2")
tap.ok(re.search(r"State:\s+shutoff", info) and
       re.search(r"Parent:\s+s1", info), "s2 is shut off, child of s1", info)
cons, ok = boot(dom)
tap.ok(ok and write_marker(cons, "VIREO-SNAP-B"),
       "the guest boots again and overwrites the marker")
dom.destroy()
cons.close()
rc, out = virsh(d.uri, "snapshot-revert", "snapg", "s2", "--running")
tap.ok(rc == 0 and dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING,
       "snapshot-revert --running of a shut-off snapshot starts the guest",
       out + d.log_tail())
m = re.search(r"<console type='pty'>\s*<source path='([^']+)'",
              dom.XMLDesc(0))
cons = vireotest.GuestConsole(m.group(1))
cons.wait(rb"VIREO-GUEST-READY", 150, since=0)
cons.run("true", 10)
marker = read_marker(cons)
tap.ok(marker == "VIREO-SNAP-A", "the reverted disk holds marker A", marker)

# ---- queries ----
rc, out = virsh(d.uri, "snapshot-list", "snapg", "--tree")
tap.ok(rc == 0 and out.startswith("s1\n  |\n  +- s2"),
       "snapshot-list --tree shows s2 under s1", out)
rc, out = virsh(d.uri, "snapshot-current", "snapg", "--name")
tap.ok(rc == 0 and out.strip() == "s2", "snapshot-current --name", out)
rc, out = virsh(d.uri, "snapshot-parent", "snapg", "s2")
tap.ok(rc == 0 and out.strip() == "s1", "snapshot-parent", out)
rc, out = virsh(d.uri, "snapshot-dumpxml", "snapg", "s1")
tap.ok(rc == 0 and "<name>s1</name>" in out and
       "<description>first</description>" in out and
       "<memory snapshot='internal'/>" in out and "<domain type='qemu'>" in out,
       "snapshot-dumpxml", out[:500])
rc, out = virsh(d.uri, "snapshot-list", "snapg", "--roots", "--name")
tap.ok(rc == 0 and out.strip() == "s1", "snapshot-list --roots", out)
rc, out = virsh(d.uri, "snapshot-info", "snapg", "nosnap")
tap.ok(rc != 0 and "no domain snapshot with matching name 'nosnap'" in out,
       "a missing snapshot is reported", out)

# ---- disk-only external snapshot while running ----
rc, out = virsh(d.uri, "snapshot-create-as", "snapg", "e1", "--disk-only")
overlay = os.path.join(d.root, "disk.e1")
tap.ok(rc == 0 and os.path.exists(overlay), "disk-only snapshot creates the "
       "overlay", out + d.log_tail())
info = subprocess.run(["qemu-img", "info", "-U", overlay],
                      capture_output=True, text=True).stdout
tap.ok("backing file: " + disk in info, "the overlay is backed by the disk",
       info)
tap.ok("<source file='%s'/>" % overlay in dom.XMLDesc(0) and
       "<source file='%s'/>" % overlay in
       dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE),
       "live and persistent definitions use the overlay")
tap.ok(write_marker(cons, "VIREO-SNAP-C") and read_marker(cons) ==
       "VIREO-SNAP-C", "the guest writes through the overlay")
rc, out = virsh(d.uri, "snapshot-list", "snapg", "--external", "--name")
tap.ok(rc == 0 and out.strip() == "e1", "snapshot-list --external", out)
rc, out = virsh(d.uri, "snapshot-delete", "snapg", "e1")
tap.ok(rc != 0 and "--metadata" in out, "deleting external data is refused "
       "with advice", out)
rc, out = virsh(d.uri, "snapshot-delete", "snapg", "e1", "--metadata")
tap.ok(rc == 0 and os.path.exists(overlay),
       "snapshot-delete --metadata keeps the overlay", out)
dom.destroy()
cons.close()

# ---- metadata survives a daemon restart ----
d.stop()
d.start()
conn = libvirt.open(d.uri)
dom = conn.lookupByName("snapg")
rc, out = virsh(d.uri, "snapshot-list", "snapg", "--name")
tap.ok(rc == 0 and out.split() == ["s1", "s2"],
       "snapshots listed after a daemon restart", out + d.log_tail())
tap.ok(dom.snapshotCurrent().getName() == "s2",
       "the current snapshot survives the restart")

# ---- undefine refused, delete with children, undefine allowed ----
rc, out = virsh(d.uri, "undefine", "snapg")
tap.ok(rc != 0 and "snapshots" in out and conn.lookupByName("snapg"),
       "undefine refused while snapshots exist", out)
rc, out = virsh(d.uri, "snapshot-delete", "snapg", "s1", "--children-only",
                "--metadata")
tap.ok(rc == 0 and dom.snapshotListNames() == ["s1"],
       "snapshot-delete --children-only", out)
rc, out = virsh(d.uri, "snapshot-create-as", "snapg", "s3")
rc, out = virsh(d.uri, "snapshot-delete", "snapg", "s1", "--children")
tap.ok(rc == 0 and dom.snapshotNum() == 0,
       "snapshot-delete --children removes s1 and s3", out + d.log_tail())
img = subprocess.run(["qemu-img", "snapshot", "-U", "-l", disk],
                     capture_output=True, text=True).stdout
tap.ok(not re.search(r"\bs1\b", img), "internal snapshot s1 is gone from "
       "the image", img)
rc, out = virsh(d.uri, "snapshot-create-as", "snapg", "s4", "--disk-only",
                "--diskspec", "vda,snapshot=external,file=%s/o4.qcow2"
                % d.root)
tap.ok(rc == 0 and os.path.exists(os.path.join(d.root, "o4.qcow2")),
       "--diskspec names the overlay file", out)
rc, out = virsh(d.uri, "undefine", "snapg", "--snapshots-metadata")
tap.ok(rc == 0 and not os.path.exists(os.path.join(
    d.root, "var/lib/vireo/qemu/snapshot/snapg")),
    "undefine --snapshots-metadata removes the metadata", out)

# ---- raw disk ----
raw = os.path.join(d.root, "raw.img")
subprocess.run(["qemu-img", "create", "-q", "-f", "raw", raw, "16M"],
               check=True)
conn.defineXML(guest_xml("rawg", "0f6a3c1e-5b7d-4e2a-9c1b-7d8e9f0a1b2d",
                         raw, "raw"))
rc, out = virsh(d.uri, "snapshot-create-as", "rawg", "r1")
tap.ok(rc != 0 and "unsupported for storage type raw" in out,
       "an internal snapshot of a raw disk is refused clearly", out)
tap.done()
