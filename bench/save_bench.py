#!/usr/bin/python3
"""Vireo save/restore benchmarks (python stdlib + python-libvirt only).

Run by `bench/run.sh --save`, which starts and stops the daemons; this file
only measures and formats.  The guest is the test guest of
tests/guest/build.sh (TCG, 256 MiB, 1 vCPU, direct kernel boot with
'console=ttyS0 quiet panic=-1', pty serial console, ACPI, no disk), defined
as bench-save-one and booted until VIREO-GUEST-READY shows on its console.
Subcommands:

  save_bench.py measure --uri URI --dir DIR --out FILE.json
                [--managed-glob GLOB]
        RUNS times: dom.save(DIR/FILE) (call to return), size of the
        image, conn.restore(DIR/FILE) (call to return, guest running);
        then RUNS times dom.managedSave() and dom.create() (resume from the
        managed image), size of the image found by GLOB ({name} replaced).
  save_bench.py cleanup --uri URI [--dir DIR]
        destroy and undefine (with managed save image) every bench-save-*
        domain; remove DIR/*.sav.
  save_bench.py table [--vireod FILE.json] [--libvirtd FILE.json] [--out MD]
        the comparison as a markdown table.

All times are medians in ms; the JSON files keep the raw samples too.
"""
import argparse
import glob
import json
import os
import platform
import re
import select
import statistics
import sys
import time

import libvirt

PREFIX = "bench-save-"
MARKER = b"VIREO-GUEST-READY"
GUEST_DIR = os.environ.get("VIREO_GUEST_DIR", "/var/cache/vireo-test-guest")

GUEST_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{dir}/vmlinuz</kernel>
    <initrd>{dir}/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='pty'/>
    <console type='pty'/>
  </devices>
</domain>
"""


def log(msg):
    print("save_bench: " + msg, file=sys.stderr, flush=True)


def ms_since(t0):
    return (time.perf_counter() - t0) * 1000.0


def pty_path(dom):
    """The console pty of a running DOM, from its live XML."""
    m = re.search(r"<console type='pty'[^>]*>\s*<source path='([^']+)'",
                  dom.XMLDesc(0))
    if not m:
        raise RuntimeError("no console pty in the live XML of %s" % dom.name())
    return m.group(1)


def wait_marker(dom, timeout):
    """Read DOM's console pty until MARKER shows; ms waited."""
    t0 = time.perf_counter()
    fd = os.open(pty_path(dom), os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    buf = b""
    try:
        while ms_since(t0) < timeout * 1000.0:
            r, _, _ = select.select([fd], [], [], 0.2)
            if not r:
                continue
            try:
                buf = buf[-64:] + os.read(fd, 4096)
            except BlockingIOError:
                continue
            except OSError:
                time.sleep(0.01)   # EIO until QEMU's side is up
                continue
            if MARKER in buf:
                return ms_since(t0)
    finally:
        os.close(fd)
    raise RuntimeError("no %s within %d s" % (MARKER.decode(), timeout))


def check_running(dom, what):
    state = dom.state()[0]
    if state != libvirt.VIR_DOMAIN_RUNNING:
        raise RuntimeError("after %s the guest is in state %d, not running"
                           % (what, state))


def save_cycles(conn, dom, args, res):
    """RUNS x save(file) + restore(file) into RES."""
    saves, restores, sizes = [], [], []
    path = os.path.join(args.dir, dom.name() + ".sav")
    for i in range(args.runs):
        t0 = time.perf_counter()
        dom.save(path)
        saves.append(ms_since(t0))
        sizes.append(os.stat(path).st_size)
        if dom.isActive():
            raise RuntimeError("guest still active after save()")
        time.sleep(args.pause)
        t0 = time.perf_counter()
        conn.restore(path)
        restores.append(ms_since(t0))
        dom = conn.lookupByName(dom.name())
        check_running(dom, "restore()")
        os.unlink(path)
        log("run %d/%d: save %.0f ms (%.1f MiB), restore %.0f ms"
            % (i + 1, args.runs, saves[-1], sizes[-1] / 1048576.0,
               restores[-1]))
        time.sleep(args.pause)
    res.update(save_ms=statistics.median(saves), save_samples=saves,
               size_mib=statistics.median(sizes) / 1048576.0,
               size_samples=sizes,
               restore_ms=statistics.median(restores),
               restore_samples=restores)
    return dom


def managed_cycles(dom, args, res):
    """RUNS x managedSave() + create() (resume) into RES."""
    msaves, resumes, sizes = [], [], []
    for i in range(args.runs):
        t0 = time.perf_counter()
        dom.managedSave(0)
        msaves.append(ms_since(t0))
        if not dom.hasManagedSaveImage(0):
            raise RuntimeError("no managed save image after managedSave()")
        if args.managed_glob:
            files = glob.glob(args.managed_glob.format(name=dom.name()),
                              recursive=True)
            if len(files) == 1:
                sizes.append(os.stat(files[0]).st_size)
        time.sleep(args.pause)
        t0 = time.perf_counter()
        dom.create()
        resumes.append(ms_since(t0))
        check_running(dom, "create() from the managed image")
        if dom.hasManagedSaveImage(0):
            raise RuntimeError("managed save image left after create()")
        log("run %d/%d: managedSave %.0f ms, create (resume) %.0f ms"
            % (i + 1, args.runs, msaves[-1], resumes[-1]))
        time.sleep(args.pause)
    res.update(msave_ms=statistics.median(msaves), msave_samples=msaves,
               resume_ms=statistics.median(resumes), resume_samples=resumes)
    if sizes:
        res.update(msize_mib=statistics.median(sizes) / 1048576.0,
                   msize_samples=sizes)


def cmd_measure(args):
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    res = {"uri": args.uri, "loadavg": os.getloadavg(), "runs": args.runs}
    conn = libvirt.open(args.uri)
    if [d for d in conn.listAllDomains(0) if d.name().startswith(PREFIX)]:
        raise SystemExit("save_bench: %s already has bench-save-* domains; "
                         "run 'save_bench.py cleanup' first" % args.uri)
    os.makedirs(args.dir, exist_ok=True)
    dom = conn.defineXML(GUEST_XML.format(name=PREFIX + "one", dir=GUEST_DIR))
    dom.create()
    res["boot_ms"] = wait_marker(dom, args.marker_timeout)
    log("guest booted (%s) in %.0f ms" % (MARKER.decode(), res["boot_ms"]))
    time.sleep(args.pause)
    dom = save_cycles(conn, dom, args, res)
    res["loadavg_mid"] = os.getloadavg()
    managed_cycles(dom, args, res)
    dom.destroy()
    dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    res["loadavg_end"] = os.getloadavg()
    conn.close()
    write_json(args.out, res)


def cmd_cleanup(args):
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    conn = libvirt.open(args.uri)
    doms = [d for d in conn.listAllDomains(0) if d.name().startswith(PREFIX)]
    for d in doms:
        if d.isActive():
            d.destroy()
        if d.isPersistent():
            d.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    conn.close()
    n = 0
    if args.dir:
        for f in glob.glob(os.path.join(args.dir, PREFIX + "*.sav")):
            os.unlink(f)
            n += 1
    log("removed %d bench-save domains on %s, %d image files"
        % (len(doms), args.uri, n))


def write_json(path, data):
    old = load_json(path)
    old.update(data)
    with open(path + ".tmp", "w") as f:
        json.dump(old, f, indent=1)
    os.replace(path + ".tmp", path)


def load_json(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


# (key, label, format)
FIGURES = [
    ("save_ms", "`save(file)` call to return (ms)", "%.0f"),
    ("size_mib", "image size after `save(file)` (MiB)", "%.1f"),
    ("restore_ms", "`restore(file)` call to return, running (ms)", "%.0f"),
    ("msave_ms", "`managedSave()` call to return (ms)", "%.0f"),
    ("msize_mib", "managed save image size (MiB)", "%.1f"),
    ("resume_ms", "`create()` from the managed image, running (ms)", "%.0f"),
    ("boot_ms", "first boot: `create()` return to VIREO-GUEST-READY (ms, "
     "one sample)", "%.0f"),
]


def cmd_table(args):
    vir, ref = load_json(args.vireod), load_json(args.libvirtd)
    lines = ["| figure (median of %d) | vireod | libvirtd | ratio |"
             % vir.get("runs", ref.get("runs", 5)), "|---|---:|---:|---:|"]
    for key, label, fmt in FIGURES:
        ratio = "n/a"
        if key in vir and key in ref and ref[key]:
            ratio = "%.2fx" % (vir[key] / ref[key])
        cells = [fmt % r[key] if key in r else "n/a" for r in (vir, ref)]
        lines.append("| %s | %s | %s | %s |" % (label, cells[0], cells[1],
                                                ratio))
    lines += ["", "ratio = vireod / libvirtd.  Guest: 256 MiB TCG, 1 vCPU, "
              "idle after boot.  Host: %s, %s, %d CPUs; %s."
              % (platform.node(), platform.release(), os.cpu_count(),
                 time.strftime("%Y-%m-%d %H:%M %Z"))]
    for name, res in (("vireod", vir), ("libvirtd", ref)):
        if "save_samples" not in res:
            continue
        la = [res.get(k) for k in ("loadavg", "loadavg_mid", "loadavg_end")]
        lines.append("%s: load average (1/5/15 min) %s at start, %s after "
                     "save/restore, %s at end." % (
                         name, *["/".join("%.2f" % x for x in v) if v
                                 else "n/a" for v in la]))
        lines.append("%s samples (ms): save %s; restore %s; managedSave %s; "
                     "create %s." % (name, *[
                         " ".join("%.0f" % x for x in res.get(k, []))
                         for k in ("save_samples", "restore_samples",
                                   "msave_samples", "resume_samples")]))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--uri", required=True)
    m.add_argument("--dir", required=True, help="directory for save(file)")
    m.add_argument("--out", required=True)
    m.add_argument("--managed-glob",
                   help="where the managed image of {name} lands")
    m.add_argument("--runs", type=int, default=5)
    m.add_argument("--pause", type=float, default=0.5,
                   help="seconds between calls")
    m.add_argument("--marker-timeout", type=float, default=180.0)
    m.set_defaults(fn=cmd_measure)
    u = sub.add_parser("cleanup")
    u.add_argument("--uri", required=True)
    u.add_argument("--dir")
    u.set_defaults(fn=cmd_cleanup)
    t = sub.add_parser("table")
    t.add_argument("--vireod")
    t.add_argument("--libvirtd")
    t.add_argument("--out")
    t.set_defaults(fn=cmd_table)
    return p.parse_args(argv)


if __name__ == "__main__":
    a = parse_args(sys.argv[1:])
    a.fn(a)
