#!/usr/bin/python3
"""hotplug_unplug_timeout.py: live device removal when the guest does not
cooperate, against a TCG test guest (tests/guest) and a real vireod.

A disk and a NIC are hot-attached; the guest is suspended (its vCPUs
stopped, it cannot acknowledge the ACPI unplug request); detach --live of
each then fails after the removal timeout with a clear message, the
devices stay in the live XML, QEMU still holds the disk image (qemu-img
info without -U is refused by its lock), a second detach answers
"already in progress" at once, and the domain still answers.  After
resume the guest acknowledges late: both devices leave the live XML and
the guest, QEMU lets go of the image, and stock `virsh event --event
device-removed` sees one event per device.  Emits TAP."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest()
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()
L = libvirt.VIR_DOMAIN_AFFECT_LIVE
MAC = "52:54:00:aa:bb:07"


img = vireotest.sparse_image
err = vireotest.libvirt_error
guest_has = vireotest.guest_has


def guest_xml(name, disk):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/><source file='%s'/>
      <target dev='vda' bus='virtio'/></disk>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"), QEMU, disk)


def image_free(path):
    """qemu-img info without -U: refused while QEMU holds the image."""
    p = subprocess.run(["qemu-img", "info", path], capture_output=True,
                       text=True)
    return p.returncode == 0, p.stderr.strip()


def eventually(cond, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.5)
    return cond()


daemon = vireotest.Daemon("unplugto").start()
conn = libvirt.open(daemon.uri)
root = daemon.root
vda, vdb = img(root + "/vda.img", 8), root + "/vdb.qcow2"
subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", vdb, "16M"],
               check=True)
dom = conn.defineXML(guest_xml("ut1", vda))
dom.create()
m = re.search(r"<console type='pty'>\s*<source path='([^']+)'",
              dom.XMLDesc(0))
cons = vireotest.GuestConsole(m.group(1))
booted = cons.wait(rb"(?m)^VIREO-GUEST-READY\r?$", 180, since=0) is not None
tap.ok(booted, "guest boots", daemon.log_tail())

disk = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>" % vdb)
nic = ("<interface type='user'><mac address='%s'/>"
       "<model type='virtio'/></interface>" % MAC)
e = err(dom.attachDeviceFlags, disk, L) or err(dom.attachDeviceFlags, nic, L)
tap.ok(e is None, "attach-disk and attach-interface --live", e)
tap.ok(guest_has(cons, "/sys/block/vdb", True) and
       guest_has(cons, "/sys/class/net/eth0", True),
       "the guest sees vdb and the new NIC")
free, why = image_free(vdb)
tap.ok(not free and "lock" in why,
       "while attached, QEMU's lock refuses qemu-img info on vdb", why)

# Stock virsh listens for device-removed events from here on.
ev_out = open(os.path.join(root, "virsh-event.out"), "w+")
ev = subprocess.Popen(["virsh", "-c", daemon.uri, "event", "--domain", "ut1",
                       "--event", "device-removed", "--loop",
                       "--timeout", "150"],
                      stdout=ev_out, stderr=subprocess.STDOUT)
time.sleep(2)

dom.suspend()
tap.ok(dom.info()[0] == libvirt.VIR_DOMAIN_PAUSED, "domain suspended")
t0 = time.time()
e = err(dom.detachDeviceFlags, disk, L)
took = time.time() - t0
tap.ok(e is not None and "did not release" in e and 9 <= took < 25,
       "detach-disk --live of a suspended guest fails after the timeout "
       "(%.1f s)" % took, e)
live = dom.XMLDesc(0)
tap.ok("dev='vdb'" in live, "vdb is still in the live XML")
free, why = image_free(vdb)
tap.ok(not free, "QEMU still holds vdb's image", why)
t0 = time.time()
e2 = err(dom.detachDeviceFlags, disk, L)
tap.ok(e2 is not None and "already in progress" in e2 and
       time.time() - t0 < 5,
       "a second detach of vdb answers at once: removal in progress", e2)
e = err(dom.detachDeviceFlags, nic, L)
tap.ok(e is not None and "did not release" in e,
       "detach-interface --live of a suspended guest times out too", e)
tap.ok(MAC in dom.XMLDesc(0), "the NIC is still in the live XML")
tap.ok(dom.info()[0] == libvirt.VIR_DOMAIN_PAUSED and dom.isActive() == 1
       and err(dom.blockStatsFlags, "vda", 0) is None,
       "the domain still answers (state, domblkstat)")

dom.resume()
gone = eventually(lambda: "dev='vdb'" not in dom.XMLDesc(0) and
                  MAC not in dom.XMLDesc(0), 90)
tap.ok(gone, "after resume the guest acknowledges late: vdb and the NIC "
       "leave the live XML", dom.XMLDesc(0) + daemon.log_tail())
tap.ok(dom.info()[0] == libvirt.VIR_DOMAIN_RUNNING, "domain running")
tap.ok(guest_has(cons, "/sys/block/vdb", False),
       "the guest no longer has /sys/block/vdb")
free, why = image_free(vdb)
tap.ok(free, "QEMU let go of vdb's image (qemu-img info without -U)", why)
rc, out = cons.run("echo al""ive", timeout=20)
tap.ok(rc == 0 and "alive" in out, "the guest shell still works", out)


def virsh_events():
    ev_out.seek(0)
    return ev_out.read()


seen = eventually(lambda: virsh_events().count("device-removed") >= 2, 20)
text = virsh_events()
tap.ok(seen and re.search(r"event 'device-removed' for domain 'ut1': "
                          r"virtio-disk\d", text) and
       re.search(r"event 'device-removed' for domain 'ut1': net\d", text),
       "virsh event --event device-removed saw both removals", text)
ev.terminate()
ev.wait()

# A removal the guest acknowledges in time still emits the event once.
e = err(dom.attachDeviceFlags, disk, L)
tap.ok(e is None and guest_has(cons, "/sys/block/vdb", True),
       "vdb attached again", e)
e = err(dom.detachDeviceFlags, disk, L)
tap.ok(e is None and "dev='vdb'" not in dom.XMLDesc(0),
       "a cooperative detach succeeds", e)

cons.close()
dom.destroy()
dom.undefine()
conn.close()
tap.done()
