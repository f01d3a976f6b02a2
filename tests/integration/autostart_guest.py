"""Domain autostart at daemon start, with a real TCG guest: a persistent
domain marked autostart is started by the next vireod; one that is not
marked stays off; QEMU logs to <log>/qemu/NAME.log."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402
from vireotest import Daemon, Tap, skip_all  # noqa: E402

try:
    import libvirt
except ImportError:
    skip_all("python3-libvirt not installed")
GUEST = os.environ.get("VIREO_GUEST_DIR", "/var/cache/vireo-test-guest")
if not os.path.exists(os.path.join(GUEST, "vmlinuz")):
    skip_all("no test guest in %s: run tests/guest/build.sh" % GUEST)
if not os.access("/usr/bin/qemu-system-x86_64", os.X_OK):
    skip_all("qemu-system-x86_64 is not installed")
libvirt.registerErrorHandler(lambda c, e: None, None)


def guest_xml(name):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s/vmlinuz</kernel><initrd>%s/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <features><acpi/></features>
  <devices><serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, GUEST, GUEST)


def wait_state(dom, state, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if dom.state()[0] == state:
            return True
        time.sleep(0.2)
    return False


t = Tap()
d = Daemon("autostart").start()
conn = libvirt.open(d.uri)
auto = conn.defineXML(guest_xml("auto1"))
auto.setAutostart(1)
manual = conn.defineXML(guest_xml("manual1"))
t.ok(auto.autostart() == 1 and manual.autostart() == 0, "autostart flags set")
conn.close()
d.stop()

d.start()
conn = libvirt.open(d.uri)
auto = conn.lookupByName("auto1")
manual = conn.lookupByName("manual1")
t.ok(wait_state(auto, libvirt.VIR_DOMAIN_RUNNING), "autostart domain started by the daemon",
     d.log_tail())
t.ok(auto.state()[1] == libvirt.VIR_DOMAIN_RUNNING_BOOTED, "reason: booted", auto.state())
t.ok(manual.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF, "domain without autostart stays off")
log = os.path.join(d.root, "var", "log", "vireo", "qemu", "auto1.log")
t.ok(os.path.exists(log) and os.path.getsize(log) > 0, "QEMU log in <log>/qemu/NAME.log", log)
id_before = conn.lookupByName("auto1").ID()
conn.close()

# a restart re-attaches the running guest instead of starting it again
d.stop()
d.start()
conn = libvirt.open(d.uri)
auto = conn.lookupByName("auto1")
t.ok(auto.isActive() == 1 and auto.ID() == id_before,
     "restart keeps the autostarted guest (same id), no second start",
     "active %d id %d (before %d) state %s\n%s" % (auto.isActive(), auto.ID(), id_before,
                                                   auto.state(), d.log_tail()))
auto.destroy()
t.ok(wait_state(auto, libvirt.VIR_DOMAIN_SHUTOFF, 10), "destroy")
for dom in (auto, conn.lookupByName("manual1")):
    dom.undefine()
conn.close()
t.done()
