#!/usr/bin/python3
"""storage_guest.py: a TCG guest (tests/guest) booting with an extra disk
that is a storage pool volume (<disk type='volume'><source pool volume>),
resolved by vireod when the domain starts.  The guest reads a marker
written into the raw volume beforehand (head -c 17 /dev/vda on the serial
console); deleting the volume while the guest runs is refused, and works
once the guest is destroyed; a volume disk naming an unknown volume makes
the start fail cleanly.  python-libvirt against a real vireod.  Emits TAP."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest()
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()
MARKER = "VIREO-DISK-MARKER"


def guest_xml(name, pool, volume):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>%s</emulator>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='%s' volume='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"), QEMU, pool, volume)


daemon = vireotest.Daemon("storguest").start()
conn = libvirt.open(daemon.uri)
target = os.path.join(daemon.root, "pool")
pool = conn.storagePoolDefineXML(
    "<pool type='dir'><name>gp</name><target><path>%s</path></target></pool>"
    % target, 0)
pool.build(0)
pool.create(0)
vol = pool.createXML(
    "<volume><name>data.img</name><capacity unit='MiB'>4</capacity>"
    "<target><format type='raw'/></target></volume>", 0)
path = vol.path()
subprocess.run(["dd", "of=" + path, "conv=notrunc", "status=none"],
               input=MARKER.encode(), check=True)
tap.ok(vol.info()[1] == 4 << 20, "a 4 MiB raw volume holds the marker")

dom = conn.defineXML(guest_xml("sg1", "gp", "data.img"))
try:
    dom.create()
    started = True
except libvirt.libvirtError as e:
    started = False
    tap.ok(False, "guest with a volume disk starts", str(e))
if started:
    tap.ok(True, "guest with a volume disk starts")
    live = dom.XMLDesc(0)
    m = re.search(r"<console type='pty'>\s*<source path='([^']+)'", live)
    cons = vireotest.GuestConsole(m.group(1))
    booted = cons.wait(rb"VIREO-GUEST-READY", 120, since=0) is not None
    tap.ok(booted, "guest boots", daemon.log_tail())
    rc, out = cons.run("head -c 17 /dev/vda; echo", timeout=30)
    tap.ok(rc == 0 and MARKER in out, "guest reads the marker from /dev/vda",
           out)
    try:
        vol.delete(0)
        refused, msg = False, ""
    except libvirt.libvirtError as e:
        refused, msg = True, e.get_error_message()
    tap.ok(refused and "sg1" in msg and os.path.exists(path),
           "deleting the volume in use by the running guest is refused",
           msg)
    cons.close()
    dom.destroy()
    vol.delete(0)
    tap.ok(not os.path.exists(path), "the volume is deleted once the guest "
           "is destroyed")

bad = conn.defineXML(guest_xml("sg2", "gp", "nosuch.img"))
try:
    bad.create()
    failed, msg = False, ""
except libvirt.libvirtError as e:
    failed, msg = True, e.get_error_message()
tap.ok(failed and "nosuch.img" in msg and not bad.isActive(),
       "a volume disk naming an unknown volume fails the start cleanly", msg)
bad.undefine()
dom.undefine()
pool.destroy()
pool.delete(0)
pool.undefine()
tap.ok(not os.path.exists(target), "pool deleted and undefined")
conn.close()
tap.done()
