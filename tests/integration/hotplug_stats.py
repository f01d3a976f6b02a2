#!/usr/bin/python3
"""hotplug_stats.py: hotplug, tuning and statistics against a TCG test
guest (tests/guest) with python-libvirt and a real vireod: a hot-attached
virtio disk appears in the guest (/sys/block/vdb) and is gone after
detach; a hot-attached interface appears (/sys/class/net/eth1) and goes;
cdrom media change; setmem (balloon); setvcpus live (pc machine, maxcpus)
and --config; setmaxmem --config and its refusal live; --config attach and
detach of the persistent definition; every statistics call returns sane
values under libvirt's field names.  Emits TAP."""
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
L, C = libvirt.VIR_DOMAIN_AFFECT_LIVE, libvirt.VIR_DOMAIN_AFFECT_CONFIG


img = vireotest.sparse_image
err = vireotest.libvirt_error
guest_has = vireotest.guest_has


def guest_xml(name, disk, iso):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>160</memory>
  <vcpu current='1'>2</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/><source file='%s'/>
      <target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/><source file='%s'/>
      <target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='user'><model type='virtio'/></interface>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, os.path.join(GUEST, "vmlinuz"),
                os.path.join(GUEST, "initrd.img"), QEMU, disk, iso)


daemon = vireotest.Daemon("hotstats").start()
conn = libvirt.open(daemon.uri)
root = daemon.root
vda, vdb = img(root + "/vda.img", 8), img(root + "/vdb.img", 16)
iso1, iso2 = img(root + "/one.iso", 1), img(root + "/two.iso", 2)
dom = conn.defineXML(guest_xml("hs1", vda, iso1))
dom.create()
live = dom.XMLDesc(0)
m = re.search(r"<console type='pty'>\s*<source path='([^']+)'", live)
cons = vireotest.GuestConsole(m.group(1))
booted = cons.wait(rb"VIREO-GUEST-READY", 120, since=0) is not None
tap.ok(booted, "guest boots", daemon.log_tail())

# ---- disks ----
disk = ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>" % vdb)
e = err(dom.attachDeviceFlags, disk, L)
tap.ok(e is None, "attach-disk --live of vdb", e)
tap.ok("vdb" in dom.XMLDesc(0) and "vdb" not in dom.XMLDesc(2),
       "live XML has vdb, the persistent one does not")
tap.ok(guest_has(cons, "/sys/block/vdb", True), "the guest sees /sys/block/vdb")
e = err(dom.attachDeviceFlags, disk, L)
tap.ok(e is not None, "attaching vdb twice is refused", e)
stats = conn.domainListGetStats([dom], 0, 0)[0][1]
tap.ok(stats.get("block.count") == 3 and stats.get("block.2.name") == "vdb"
       and "block.0.rd.reqs" in stats and stats["block.0.rd.bytes"] >= 0,
       "domstats block.* names the disks", str(stats))
bs = dom.blockStatsFlags("vdb", 0)
tap.ok("rd_operations" in bs and "wr_bytes" in bs, "domblkstat vdb", str(bs))
bi = dom.blockInfo("vdb", 0)
tap.ok(bi[0] == 16 << 20 and bi[2] == 16 << 20, "domblkinfo vdb capacity",
       str(bi))
t0 = time.time()
e = err(dom.detachDeviceFlags, disk, L)
tap.ok(e is None, "detach-disk --live of vdb (%.1f s)" % (time.time() - t0), e)
tap.ok("vdb" not in dom.XMLDesc(0), "vdb is gone from the live XML")
tap.ok(guest_has(cons, "/sys/block/vdb", False),
       "the guest no longer has /sys/block/vdb")
e = err(dom.attachDeviceFlags, disk, C)
tap.ok(e is None and "vdb" in dom.XMLDesc(2) and "vdb" not in dom.XMLDesc(0),
       "attach --config changes only the persistent definition", e)
e = err(dom.detachDeviceFlags, disk, C)
tap.ok(e is None and "vdb" not in dom.XMLDesc(2), "detach --config", e)

# ---- interfaces ----
nic = ("<interface type='user'><mac address='52:54:00:aa:bb:01'/>"
       "<model type='virtio'/></interface>")
e = err(dom.attachDeviceFlags, nic, L)
tap.ok(e is None and "52:54:00:aa:bb:01" in dom.XMLDesc(0),
       "attach-interface --live", e)
tap.ok(guest_has(cons, "/sys/class/net/eth1", True),
       "the guest sees /sys/class/net/eth1")
e = err(dom.detachDeviceFlags, nic, L)
tap.ok(e is None and "52:54:00:aa:bb:01" not in dom.XMLDesc(0),
       "detach-interface --live", e)
tap.ok(guest_has(cons, "/sys/class/net/eth1", False),
       "eth1 is gone in the guest")

# ---- cdrom ----
cd = ("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
      "<source file='%s'/><target dev='hdc' bus='ide'/><readonly/></disk>")
e = err(dom.updateDeviceFlags, cd % iso2, L)
tap.ok(e is None and iso2 in dom.XMLDesc(0), "update-device changes the "
       "cdrom media", e)
# (the test guest has no cdrom driver: QEMU's answer is the check)
bi = dom.blockInfo("hdc", 0)
tap.ok(bi[0] == 2 << 20, "domblkinfo hdc shows the 2 MiB medium", str(bi))
e = err(dom.updateDeviceFlags, cd % iso1, L | C)
tap.ok(e is None and iso1 in dom.XMLDesc(0) and iso1 in dom.XMLDesc(2),
       "update-device --live --config", e)

# ---- memory ----
e = err(dom.setMemoryFlags, 120 * 1024, L)
time.sleep(2)
tap.ok(e is None and dom.info()[2] == 120 * 1024, "setmem --live 120 MiB", e)
ms = dom.memoryStats()
tap.ok(ms.get("actual") == 120 * 1024 and ms.get("rss", 0) > 0,
       "dommemstat actual and rss", str(ms))
e = err(dom.setMemoryFlags, 150 * 1024,
        libvirt.VIR_DOMAIN_MEM_MAXIMUM | L)
tap.ok(e is not None and "active" in e, "setmaxmem --live is refused", e)
e = err(dom.setMemoryFlags, 150 * 1024, libvirt.VIR_DOMAIN_MEM_MAXIMUM | C)
tap.ok(e is None and "<memory unit='KiB'>153600</memory>" in dom.XMLDesc(2),
       "setmaxmem --config", e)

# ---- vcpus ----
e = err(dom.setVcpusFlags, 2, L)
tap.ok(e is None and dom.vcpusFlags(L) == 2, "setvcpus --live 2 "
       "(device_add of a CPU on pc, maxcpus=2)", e)
rc, out = cons.run("cat /sys/devices/system/cpu/present", timeout=10)
tap.ok("0-1" in out, "the guest has CPUs 0-1 present", out)
e = err(dom.setVcpusFlags, 2, C)
tap.ok(e is None and dom.vcpusFlags(C) == 2, "setvcpus --config 2", e)
e = err(dom.setVcpusFlags, 3, L)
tap.ok(e is not None, "more vCPUs than the maximum are refused", e)
tap.ok(dom.vcpusFlags(C | libvirt.VIR_DOMAIN_VCPU_MAXIMUM) == 2,
       "vcpucount --maximum --config")

# ---- statistics ----
vi = dom.vcpus()
tap.ok(len(vi[0]) == 2 and vi[0][0][2] > 0 and len(vi[1]) == 2,
       "vcpuinfo: two vCPUs with CPU time and affinity", str(vi[0]))
pin = dom.vcpuPinInfo(0)
tap.ok(len(pin) == 2 and all(pin[0]), "vcpupin info", str(pin))
st = conn.getAllDomainStats(0, 0)
rec = [s for d, s in st if d.name() == "hs1"]
s = rec[0] if rec else {}
want = ["state.state", "state.reason", "cpu.time", "balloon.current",
        "balloon.maximum", "vcpu.current", "vcpu.maximum", "vcpu.0.state",
        "vcpu.0.time", "net.count", "block.count", "block.0.name"]
tap.ok(all(k in s for k in want) and s["state.state"] == 1 and
       s["cpu.time"] > 0 and s["balloon.current"] == 120 * 1024 and
       s["vcpu.current"] == 2,
       "domstats (all domains) fields", str(s))
only = conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_STATE, 0)
tap.ok(sorted(only[0][1].keys()) == ["state.reason", "state.state"],
       "domstats --state for one domain", str(only))
cpu = conn.getCPUStats(-1, 0)
tap.ok(set(cpu) == {"kernel", "user", "idle", "iowait"} and cpu["idle"] > 0,
       "nodecpustats", str(cpu))
mem = conn.getMemoryStats(-1, 0)
tap.ok(set(mem) == {"total", "free", "buffers", "cached"} and
       0 < mem["free"] < mem["total"], "nodememstats", str(mem))
cmap = conn.getCPUMap(0)
tap.ok(cmap[0] == os.cpu_count() and cmap[2] == os.cpu_count(),
       "node CPU map", str(cmap))
e = err(dom.interfaceStats, "nosuch0")
tap.ok(e is not None, "domifstat of an unknown interface fails", e)

cons.close()
dom.destroy()
off = conn.domainListGetStats([dom], 0, 0)[0][1]
tap.ok(off.get("state.state") == 5 and "cpu.time" not in off,
       "domstats of a shut-off domain", str(off))
e = err(dom.setMemoryFlags, 100 * 1024, L)
tap.ok(e is not None and "not running" in e, "setmem --live of a shut-off "
       "domain fails clearly", e)
e = err(dom.setMemoryFlags, 100 * 1024, 0)
tap.ok(e is None and "<currentMemory unit='KiB'>102400" in dom.XMLDesc(0),
       "setmem without flags on a shut-off domain changes the config", e)
dom.undefine()
conn.close()
tap.done()
