#!/usr/bin/python3
"""snapshot_revert_def.py: snapshot-revert brings back the definition
saved in the snapshot, with a TCG test guest (tests/guest) on a qcow2
disk, a real vireod, stock virsh and python-libvirt.

Shut off: a snapshot, then the definition changes (new <description>,
setmaxmem --config, attach-disk --config); virsh snapshot-revert -> virsh
dumpxml --inactive shows the old definition again.  Running: an internal
snapshot with memory, then --config changes and a disk hot-attached
live; the revert restarts QEMU from the snapshot's definition, loads the
state (the guest shell answers on the new console) and both the live and
the persistent XML are the snapshot's.  Failure: the internal snapshot
deleted behind our back (qemu-img snapshot -d) -> the revert fails
clearly and leaves the definition, the state and the image as they
were.  Events (python-libvirt domainEventRegisterAny): a revert that
brings back the snapshot's definition emits DEFINED / FROM_SNAPSHOT
(libvirt's 0/3, after the state events; as libvirt also when the
definition did not change) and never DEFINED / UPDATED; the failed
revert emits no DEFINED event.  Emits TAP."""
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
UUID = "6b1f0a4e-3c55-4d2a-9e01-7a7e5d0c0b21"


def guest_xml(disk, desc, mib=128):
    return """<domain type='qemu'>
  <name>rd1</name><uuid>%s</uuid>
  <description>%s</description>
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/><source file='%s'/>
      <target dev='vda' bus='virtio'/></disk>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (UUID, desc, mib, os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"), QEMU, disk)


def virsh(*args):
    r = subprocess.run(["virsh", "-c", daemon.uri] + list(args),
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def console(dom):
    m = re.search(r"<console type='pty'>\s*<source path='([^']+)'",
                  dom.XMLDesc(0))
    return vireotest.GuestConsole(m.group(1))


def img_snaps(path):
    r = subprocess.run(["qemu-img", "snapshot", "-U", "-l", path],
                       capture_output=True, text=True)
    return r.stdout


def change_config(dom, desc):
    """A new description (redefine), setmaxmem and attach-disk --config
    through stock virsh.  Returns the error texts (empty when fine)."""
    errs = []
    conn.defineXML(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
                   .replace("<description>before</description>",
                            "<description>%s</description>" % desc))
    for args in (["setmaxmem", "rd1", "160M", "--config"],
                 ["attach-disk", "rd1", extra, "vdb", "--config",
                  "--subdriver", "raw"]):
        rc, out = virsh(*args)
        if rc != 0:
            errs.append(out)
    return errs


def is_old(xml):
    return ("<description>before</description>" in xml and
            "<memory unit='KiB'>131072</memory>" in xml and
            "dev='vdb'" not in xml)


events = []                     # (event, detail) of rd1's lifecycle
events_lock = threading.Lock()
libvirt.virEventRegisterDefaultImpl()


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def on_lifecycle(conn_, dom_, event, detail, opaque):
    if dom_.name() == "rd1":
        with events_lock:
            events.append((event, detail))


def events_since(mark):
    with events_lock:
        return list(events[mark:])


def wait_event(mark, want, timeout=15):
    """Whether lifecycle (event, detail) @want arrives after index @mark;
    the events seen since @mark either way."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if want in events_since(mark):
            return True, events_since(mark)
        time.sleep(0.1)
    return False, events_since(mark)


DEFINED = libvirt.VIR_DOMAIN_EVENT_DEFINED
FROM_SNAP = (DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT)
UPDATED = (DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_UPDATED)


def check_revert_events(mark, what):
    ok, seen = wait_event(mark, FROM_SNAP)
    tap.ok(ok and UPDATED not in seen,
           "%s: DEFINED/FROM_SNAPSHOT event, no DEFINED/UPDATED" % what,
           seen)
    return seen


daemon = vireotest.Daemon("revdef").start()
conn = libvirt.open(daemon.uri)
threading.Thread(target=event_loop, daemon=True).start()
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                            on_lifecycle, None)
root = daemon.root
vda = root + "/vda.qcow2"
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", vda, "64M"],
               check=True)
extra = root + "/extra.img"
subprocess.run(["truncate", "-s", "4M", extra], check=True)
dom = conn.defineXML(guest_xml(vda, "before"))

# ---- shut off ----
rc, out = virsh("snapshot-create-as", "rd1", "off1")
tap.ok(rc == 0, "virsh snapshot-create-as of the shut-off domain", out)
errs = change_config(dom, "after")
inactive = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
tap.ok(not errs and "<description>after</description>" in inactive and
       "<memory unit='KiB'>163840</memory>" in inactive and
       "dev='vdb'" in inactive, "the definition changed", str(errs))
mark = len(events_since(0))
rc, out = virsh("snapshot-revert", "rd1", "off1")
tap.ok(rc == 0, "virsh snapshot-revert off1", out)
check_revert_events(mark, "shut-off revert to another definition")
rc, out = virsh("dumpxml", "rd1", "--inactive")
tap.ok(rc == 0 and is_old(out), "virsh dumpxml --inactive shows the "
       "snapshot's definition again", out)
tap.ok(dom.info()[0] == libvirt.VIR_DOMAIN_SHUTOFF, "still shut off")

# ---- running, internal snapshot with memory ----
dom.create()
cons = console(dom)
booted = cons.wait(rb"(?m)^VIREO-GUEST-READY\r?$", 180, since=0) is not None
tap.ok(booted, "guest boots", daemon.log_tail())
cons.run("echo one > /tmp/mark", timeout=20)
snap = dom.snapshotCreateXML("<domainsnapshot><name>run1</name>"
                             "</domainsnapshot>", 0)
tap.ok(snap is not None, "internal snapshot with memory of the running "
       "domain")
cons.run("echo two > /tmp/mark", timeout=20)
errs = change_config(dom, "changed")
hot = root + "/hot.img"
subprocess.run(["truncate", "-s", "4M", hot], check=True)
rc, out = virsh("attach-disk", "rd1", hot, "vdc", "--live",
                "--subdriver", "raw")
tap.ok(not errs and rc == 0 and "dev='vdc'" in dom.XMLDesc(0),
       "config changed and vdc hot-attached", str(errs) + out)
cons.close()
t0 = time.time()
e = None
mark = len(events_since(0))
try:
    dom.revertToSnapshot(snap, 0)
except libvirt.libvirtError as ex:
    e = ex.get_error_message()
tap.ok(e is None, "revert to run1 (%.1f s)" % (time.time() - t0), e)
seen = check_revert_events(mark, "running revert to another definition")
resumed = (libvirt.VIR_DOMAIN_EVENT_RESUMED,
           libvirt.VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT)
tap.ok(resumed in seen and FROM_SNAP in seen and
       seen.index(FROM_SNAP) > seen.index(resumed),
       "DEFINED/FROM_SNAPSHOT comes after RESUMED/FROM_SNAPSHOT, as "
       "libvirt's", seen)
tap.ok(is_old(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)),
       "the persistent definition is the snapshot's",
       dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
live = dom.XMLDesc(0)
tap.ok(is_old(live) and "dev='vdc'" not in live,
       "the live definition is the snapshot's (no vdc)", live)
tap.ok(dom.info()[0] == libvirt.VIR_DOMAIN_RUNNING, "running after revert")
cons = console(dom)
rc, out = cons.run("cat /tmp/mark", timeout=60)
tap.ok(rc == 0 and "one" in out and "two" not in out,
       "the guest continues from the snapshot's memory", out)
cons.close()
rc, out = virsh("dumpxml", "rd1", "--inactive")
tap.ok(rc == 0 and is_old(out), "stock virsh agrees", out)
# libvirt emits it for every revert to a snapshot with a <domain>, also
# when the definition was already the snapshot's
mark = len(events_since(0))
rc, out = virsh("snapshot-revert", "rd1", "run1")
tap.ok(rc == 0, "virsh snapshot-revert run1 again", out)
check_revert_events(mark, "revert to the same definition")

# ---- a failed revert changes nothing ----
dom.destroy()
rc, out = virsh("snapshot-create-as", "rd1", "gone1")
tap.ok(rc == 0, "snapshot gone1 of the shut-off domain", out)
errs = change_config(dom, "edited")
r = subprocess.run(["qemu-img", "snapshot", "-d", "gone1", vda],
                   capture_output=True, text=True)
tap.ok(r.returncode == 0 and not errs,
       "gone1 deleted from the image behind vireod's back", r.stderr)
before_xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
before_img = img_snaps(vda)
time.sleep(1)                   # the edits' DEFINED/UPDATED events
mark = len(events_since(0))
rc, out = virsh("snapshot-revert", "rd1", "gone1")
tap.ok(rc != 0 and "gone1" in out and "no longer" in out,
       "the revert fails clearly", out)
time.sleep(1)
seen = events_since(mark)
tap.ok(not [ev for ev in seen if ev[0] == DEFINED],
       "the failed revert emits no DEFINED event", seen)
tap.ok(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE) == before_xml and
       "<description>edited</description>" in before_xml,
       "the definition is unchanged")
tap.ok(dom.info()[0] == libvirt.VIR_DOMAIN_SHUTOFF and
       img_snaps(vda) == before_img and "run1" in before_img,
       "the domain is still shut off and the image unchanged", before_img)
rc, out = virsh("snapshot-current", "--name", "rd1")
tap.ok(rc == 0 and out.strip() == "gone1",
       "the current snapshot is unchanged", out)

for s in dom.listAllSnapshots(0):
    s.delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY)
dom.undefine()
conn.close()
tap.done()
