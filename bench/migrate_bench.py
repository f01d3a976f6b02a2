#!/usr/bin/python3
"""migrate_bench.py: live migration of a 256 MiB TCG guest between two
daemons, N runs back and forth, measured the same way for vireod and
libvirtd 9.0 (see bench/README.md, "Migration figures").

    migrate_bench.py measure --uri-a URI --uri-b URI --shared DIR --out JSON
        two running daemons that both see DIR at the same path
    migrate_bench.py vireod --work DIR --shared DIR --out JSON
        two vireods (roots under --work) in two network namespaces joined
        by a veth (needs abs_top_srcdir and abs_top_builddir, as the tests
        do: vireod is abs_top_builddir/src/daemon/vireod)
    migrate_bench.py table --vireod JSON --libvirtd JSON [--out MD]
    migrate_bench.py cleanup --uri URI      destroy the bench domain

Per migration: the wall time of migrate3(LIVE | UNSAFE) (client-driven,
the client holding a connection to each daemon), the completed job's
"downtime" on the destination (jobStats COMPLETED), and the downtime the
guest's console shows: a shell loop in the guest prints "VT<n>" every
~10 ms; the gap between the last tick read from the source's pty and the
first tick read from the destination's (opened while the incoming domain
is still paused), with the number of ticks lost in between.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import libvirt

GUEST = os.environ.get("VIREO_GUEST_DIR", "/var/cache/vireo-test-guest")
NAME = "bench-mig"
TICK = re.compile(rb"\nVT(\d+)\r?\n")
FLAGS = libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_UNSAFE
libvirt.registerErrorHandler(lambda *a: None, None)


def guest_xml(shared):
    """The bench guest: kernel, initrd and a qcow2 disk in @shared."""
    disk = os.path.join(shared, NAME + ".qcow2")
    for f in ("vmlinuz", "initrd.img"):
        if not os.path.exists(os.path.join(shared, f)):
            shutil.copy(os.path.join(GUEST, f), shared)
    if not os.path.exists(disk):
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk,
                        "64M"], check=True)
    return """<domain type='qemu'><name>%s</name>
  <memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s/vmlinuz</kernel><initrd>%s/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='%s'/><target dev='vda' bus='virtio'/></disk>
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (NAME, shared, shared, disk)


def console_pty(dom):
    m = re.search(r"<console type='pty'[^>]*>\s*<source path='([^']+)'",
                  dom.XMLDesc(0))
    return m.group(1) if m else None


class Console:
    """A guest console pty read by a thread: every tick with the time it
    was read (monotonic), until the pty closes or stop()."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.opened = time.monotonic()
        self.buf = b"\n"
        self.ticks = []         # (n, t)
        self.done = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        pos = 0
        while not self.done:
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                break           # EIO: QEMU closed the pty (it exited)
            if not data:
                break
            now = time.monotonic()
            with self.lock:
                self.buf += data
                for m in TICK.finditer(self.buf, pos):
                    self.ticks.append((int(m.group(1)), now))
                    pos = m.end() - 1   # the "\n" may start the next tick
        self.done = True

    def wait(self, pattern, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if re.search(pattern, self.buf):
                    return True
            time.sleep(0.05)
        return False

    def write(self, text):
        os.write(self.fd, text.encode())

    def stop(self):
        self.done = True
        self.thread.join(2)
        os.close(self.fd)


def open_dest_console(uri, box, stop):
    """Thread: poll a new connection to @uri until the incoming domain
    shows a console pty, open it (box["con"]), note whether the domain was
    still paused by then."""
    conn = libvirt.open(uri)
    try:
        while not stop.is_set():
            try:
                dom = conn.lookupByName(NAME)
                path = console_pty(dom)
                if path:
                    box["con"] = Console(path)
                    box["paused"] = dom.state()[0] != libvirt.VIR_DOMAIN_RUNNING
                    return
            except libvirt.libvirtError:
                pass
            time.sleep(0.005)
    finally:
        conn.close()


def median_interval(ticks):
    d = [(t2 - t1) * 1000 for (_, t1), (_, t2) in zip(ticks, ticks[1:])]
    return statistics.median(d) if d else None


def migrate_once(src, dst, uri_dst, con):
    """One live migration of the bench guest from @src to @dst while @con
    reads the source console; returns (sample dict, new console)."""
    box, stop = {}, threading.Event()
    opener = threading.Thread(target=open_dest_console,
                              args=(uri_dst, box, stop))
    opener.start()
    t0 = time.monotonic()
    new = src.lookupByName(NAME).migrate3(dst, {}, FLAGS)
    total = (time.monotonic() - t0) * 1000
    stop.set()
    opener.join()
    stats = new.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
    dcon = box.get("con")
    if dcon is None:        # never saw the incoming domain: open it now
        dcon = Console(console_pty(new))
    deadline = time.monotonic() + 10
    while not dcon.ticks and time.monotonic() < deadline:
        time.sleep(0.01)
    con.stop()
    sample = {"total": total, "downtime_job": stats.get("downtime"),
              "downtime_net": stats.get("downtime_net"),
              "dest_opened_paused": box.get("paused", False),
              "tick_ms": median_interval(con.ticks[-50:])}
    if con.ticks and dcon.ticks:
        (n1, t1), (n2, t2) = con.ticks[-1], dcon.ticks[0]
        sample.update(gap=(t2 - t1) * 1000, lost=n2 - n1 - 1)
    return sample, dcon


def loadavg():
    with open("/proc/loadavg") as f:
        return "/".join(f.read().split()[:3])


def cmd_measure(args):
    conns = [libvirt.open(args.uri_a), libvirt.open(args.uri_b)]
    uris = [args.uri_a, args.uri_b]
    out = {"runs": [], "load": {"start": loadavg()}}
    dom = conns[0].createXML(guest_xml(args.shared), 0)
    con = Console(console_pty(dom))
    if not con.wait(rb"VIREO-GUEST-READY", 180):
        sys.exit("migrate_bench: the guest did not boot")
    con.wait(rb"vireo-guest# ", 10)
    con.write("n=0; while :; do echo; echo VT$n; n=$((n+1)); "
              "sleep 0.01; done &\n")
    time.sleep(2)
    if not con.ticks:
        sys.exit("migrate_bench: no ticks on the guest console")
    out["load"]["booted"] = loadavg()
    for i in range(args.runs):
        s, d = i % 2, (i + 1) % 2
        time.sleep(1)
        sample, con = migrate_once(conns[s], conns[d], uris[d], con)
        print("migrate_bench: run %d: %s" % (i + 1, json.dumps(sample)),
              file=sys.stderr, flush=True)
        out["runs"].append(sample)
    out["load"]["end"] = loadavg()
    con.stop()
    conns[args.runs % 2].lookupByName(NAME).destroy()
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


def cmd_cleanup(args):
    try:
        conn = libvirt.open(args.uri)
        conn.lookupByName(NAME).destroy()
    except libvirt.libvirtError:
        pass


def cmd_vireod(args):
    sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests",
                                    "lib"))
    import vireotest
    tag = "%d" % os.getpid()
    a = vireotest.Netns("vireo-mba-" + tag)
    b = vireotest.Netns("vireo-mbb-" + tag)
    with open(os.path.join(args.work, "netns.list"), "w") as f:
        f.write("%s\n%s\n" % (a.name, b.name))
    a.ip("link", "add", "vmb0", "type", "veth", "peer", "name", "vmb1",
         "netns", b.name)
    a.ip("addr", "add", "10.98.1.1/24", "dev", "vmb0")
    a.ip("link", "set", "vmb0", "up")
    b.ip("addr", "add", "10.98.1.2/24", "dev", "vmb1")
    b.ip("link", "set", "vmb1", "up")
    daemons = []
    try:
        for name, ns, ip in (("a", a, "10.98.1.1"), ("b", b, "10.98.1.2")):
            root = os.path.join(args.work, "vireod-" + name)
            os.makedirs(root, mode=0o711)
            d = vireotest.NetnsDaemon("mb-" + name, ns.name, root=root)
            daemons.append(d)
            os.environ["VIREOD_MIGRATION_HOST"] = ip
            d.start()
        del os.environ["VIREOD_MIGRATION_HOST"]
        args.uri_a, args.uri_b = daemons[0].uri, daemons[1].uri
        cmd_measure(args)
    finally:
        for d in daemons:
            cmd_cleanup(argparse.Namespace(uri=d.uri))
            d.stop()
            # vireod leaves its QEMUs running when it stops
            for pid in vireotest.pids_with_cmdline(d.root + "/"):
                os.kill(pid, signal.SIGKILL)
        # vireotest's atexit handlers delete the namespaces


def med(runs, key):
    v = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(v) if v else None


def fmt(v, unit=""):
    return "n/a" if v is None else ("%.0f%s" % (v, unit))


def ratio(a, b):
    return "n/a" if not a or not b else "%.2fx" % (a / b)


def cmd_table(args):
    res = {}
    for side in ("vireod", "libvirtd"):
        try:
            with open(getattr(args, side)) as f:
                res[side] = json.load(f)
        except OSError:
            res[side] = {"runs": [], "load": {}}
    v, l = res["vireod"]["runs"], res["libvirtd"]["runs"]
    rows = [("`migrate3()` call to return (ms)", "total"),
            ("job stats `downtime` (ms; libvirt's span for both, see "
             "bench/README.md)", "downtime_job"),
            ("job stats `downtime_net` (ms)", "downtime_net"),
            ("downtime, guest console gap (ms)", "gap")]
    lines = ["| figure (median of %d / %d runs) | vireod | libvirtd | ratio |"
             % (len(v), len(l)), "|---|---:|---:|---:|"]
    for label, key in rows:
        a, b = med(v, key), med(l, key)
        lines.append("| %s | %s | %s | %s |" % (label, fmt(a), fmt(b),
                                                 ratio(a, b)))
    lines.append("")
    lines.append("ratio = vireod / libvirtd.  Guest: 256 MiB TCG, 1 vCPU, "
                 "qcow2 disk on shared storage, a shell loop printing a tick "
                 "every ~10 ms; live migration back and forth between two "
                 "daemons in two network namespaces (veth).  Host: %s, %d "
                 "CPUs; %s UTC." % (os.uname().nodename, os.cpu_count(),
                                    time.strftime("%Y-%m-%d %H:%M",
                                                  time.gmtime())))
    for side, runs in (("vireod", v), ("libvirtd", l)):
        ld = res[side]["load"]
        lines.append("%s: load average (1/5/15 min) %s at start, %s after "
                     "boot, %s at end." % (side, ld.get("start"),
                                           ld.get("booted"), ld.get("end")))
        lines.append("%s samples (ms): total %s; job downtime %s; console gap "
                     "%s (ticks lost %s; tick interval %s; destination console "
                     "opened while paused %s)." % (
                         side,
                         " ".join(fmt(r["total"]) for r in runs),
                         " ".join(fmt(r.get("downtime_job")) for r in runs),
                         " ".join(fmt(r.get("gap")) for r in runs),
                         " ".join(str(r.get("lost")) for r in runs),
                         " ".join(fmt(r.get("tick_ms")) for r in runs),
                         " ".join("y" if r.get("dest_opened_paused") else "n"
                                  for r in runs)))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--uri-a", required=True)
    m.add_argument("--uri-b", required=True)
    vd = sub.add_parser("vireod")
    vd.add_argument("--work", required=True,
                    help="directory for the daemons' roots (on disk)")
    for s in (m, vd):
        s.add_argument("--shared", required=True)
        s.add_argument("--out", required=True)
        s.add_argument("--runs", type=int, default=6)
    t = sub.add_parser("table")
    t.add_argument("--vireod", required=True)
    t.add_argument("--libvirtd", required=True)
    t.add_argument("--out")
    c = sub.add_parser("cleanup")
    c.add_argument("--uri", required=True)
    args = p.parse_args()
    # a SIGTERM (run.sh's cleanup) unwinds: finally blocks and atexit run
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    {"measure": cmd_measure, "vireod": cmd_vireod, "table": cmd_table,
     "cleanup": cmd_cleanup}[args.cmd](args)


if __name__ == "__main__":
    main()
