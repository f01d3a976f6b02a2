#!/usr/bin/python3
"""Vireo guest start/stop benchmarks (python stdlib + python-libvirt only).

Run by `bench/run.sh --vm`, which starts and stops the daemons; this file
only measures and formats.  The guest is the test guest of
tests/guest/build.sh (TCG, 128 MiB, 1 vCPU, direct kernel boot, pty
serial console, ACPI, no disk).  Subcommands:

  vm_bench.py measure --uri URI --out FILE.json
        against a running daemon with no bench-vm-* domain: RUNS times
        create() (call to return), create() to VIREO-GUEST-READY on the
        console pty, destroy() (call to return); then CONC guests started
        from THREADS threads (one connection each): time until every
        create() returned.  Saves the QEMU argv it saw (qemu_argv).
  vm_bench.py bare --argv-from FILE.json --out FILE.json
        the same QEMU command line by hand, RUNS times: exec to QMP ready
        (greeting read, qmp_capabilities answered).  Monitor socket and
        pidfile are moved to a private temporary directory.
  vm_bench.py phases --log VIREOD.LOG --out FILE.json
        per-phase times of vireod's start path from a debug-level log.
  vm_bench.py cleanup --uri URI
        destroy and undefine every bench-vm-* domain.
  vm_bench.py table [--vireod FILE.json] [--libvirtd FILE.json] [--out MD]
        the comparison as a markdown table.

All times are medians in ms; the JSON files keep the raw samples too.
"""
import argparse
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import libvirt

PREFIX = "bench-vm-"
MARKER = b"VIREO-GUEST-READY"
GUEST_DIR = os.environ.get("VIREO_GUEST_DIR", "/var/cache/vireo-test-guest")

GUEST_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
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
    print("vm_bench: " + msg, file=sys.stderr, flush=True)


def quiet_errors():
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


def ms_since(t0):
    return (time.perf_counter() - t0) * 1000.0


def define(conn, name):
    return conn.defineXML(GUEST_XML.format(name=name, dir=GUEST_DIR))


def pty_path(dom):
    """The console pty of a running DOM, from its live XML."""
    xml = dom.XMLDesc(0)
    m = re.search(r"<console type='pty'[^>]*>\s*<source path='([^']+)'", xml)
    if not m:
        raise RuntimeError("no console pty in the live XML of %s" % dom.name())
    return m.group(1)


def wait_marker(fd, timeout):
    """Read FD until MARKER shows; returns False on timeout."""
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
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
            return True
    return False


def qemu_argv(name):
    """argv of the running QEMU whose -name is guest=NAME, or None."""
    key = ("guest=%s," % name).encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                args = f.read().split(b"\0")[:-1]
        except OSError:
            continue
        if any(a.startswith(key) for a in args) and b"-S" in args:
            return [a.decode() for a in args]
    return None


def one_cycle(conn, dom, marker_timeout):
    """create, marker, destroy: (create ms, marker ms, destroy ms)."""
    t0 = time.perf_counter()
    dom.create()
    t_create = ms_since(t0)
    fd = os.open(pty_path(dom), os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        if not wait_marker(fd, marker_timeout):
            raise RuntimeError("no %s within %d s" % (MARKER.decode(),
                                                      marker_timeout))
        t_marker = ms_since(t0)
    finally:
        os.close(fd)
    t1 = time.perf_counter()
    dom.destroy()
    return t_create, t_marker, ms_since(t1)


def concurrent_start(uri, names, threads):
    """Start NAMES from THREADS threads (own connection each): ms until
    every create() returned."""
    conns = [libvirt.open(uri) for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)
    errors = []

    def worker(conn, mine):
        barrier.wait()
        try:
            for n in mine:
                conn.lookupByName(n).create()
        except libvirt.libvirtError as e:
            errors.append(str(e))

    ts = [threading.Thread(target=worker,
                           args=(conns[i], names[i::threads]))
          for i in range(threads)]
    for t in ts:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    total = ms_since(t0)
    for c in conns:
        c.close()
    if errors:
        raise RuntimeError("concurrent create failed: %s" % errors[0])
    return total


def destroy_all(conn, names):
    t0 = time.perf_counter()
    for n in names:
        d = conn.lookupByName(n)
        if d.isActive():
            d.destroy()
    return ms_since(t0)


def cmd_measure(args):
    quiet_errors()
    res = {"uri": args.uri, "loadavg": os.getloadavg()[0]}
    conn = libvirt.open(args.uri)
    if [d for d in conn.listAllDomains(0) if d.name().startswith(PREFIX)]:
        raise SystemExit("vm_bench: %s already has bench-vm-* domains; run "
                         "'vm_bench.py cleanup' first" % args.uri)
    dom = define(conn, PREFIX + "one")
    creates, markers, destroys, bare = [], [], [], []
    tmp = tempfile.mkdtemp(prefix="vireo-bare.")
    for i in range(args.runs + 1):
        c, m, d = one_cycle(conn, dom, args.marker_timeout)
        if i == 0:   # warm-up: caches, first exec of QEMU
            log("warm-up: create %.0f ms, marker %.0f ms, destroy %.0f ms"
                % (c, m, d))
            dom.create()
            res["qemu_argv"] = qemu_argv(dom.name())
            dom.destroy()
            continue
        creates.append(c)
        markers.append(m)
        destroys.append(d)
        log("run %d/%d: create %.0f ms, marker %.0f ms, destroy %.0f ms"
            % (i, args.runs, c, m, d))
        if args.bare and res.get("qemu_argv"):
            # paired with the cycle just run: same load for both
            time.sleep(args.pause)
            bare.append(bare_sample(res["qemu_argv"], tmp))
            log("run %d/%d: bare QEMU QMP ready in %.1f ms"
                % (i, args.runs, bare[-1]))
        time.sleep(args.pause)
    shutil.rmtree(tmp, ignore_errors=True)
    if bare:
        res.update(bare_ms=statistics.median(bare), bare_samples=bare,
                   overhead_paired_ms=statistics.median(
                       [c - b for c, b in zip(creates, bare)]),
                   bare_argv=" ".join(bare_argv(res["qemu_argv"], tmp)))
    res.update(create_ms=statistics.median(creates), create_samples=creates,
               marker_ms=statistics.median(markers), marker_samples=markers,
               destroy_ms=statistics.median(destroys),
               destroy_samples=destroys)
    dom.undefine()

    if args.conc_runs > 0:
        measure_concurrent(args, conn, res)
    res["loadavg_end"] = os.getloadavg()[0]
    conn.close()
    write_json(args.out, res)


def measure_concurrent(args, conn, res):
    """CONC guests from THREADS threads, CONC_RUNS times, into RES."""
    names = ["%sc%02d" % (PREFIX, i) for i in range(args.conc)]
    for n in names:
        define(conn, n)
    conc, conc_destroy = [], []
    try:
        for i in range(args.conc_runs):
            conc.append(concurrent_start(args.uri, names, args.threads))
            conc_destroy.append(destroy_all(conn, names))
            log("concurrent %d/%d: %d guests from %d threads started in "
                "%.0f ms, destroyed one by one in %.0f ms"
                % (i + 1, args.conc_runs, args.conc, args.threads, conc[-1],
                   conc_destroy[-1]))
            time.sleep(args.pause)
    finally:
        destroy_all(conn, names)
        for n in names:
            conn.lookupByName(n).undefine()
    res.update(conc_ms=statistics.median(conc), conc_samples=conc,
               conc_destroy_ms=statistics.median(conc_destroy),
               conc=args.conc, threads=args.threads)


def bare_argv(argv, tmp):
    """ARGV with monitor socket and pidfile moved into TMP."""
    out = []
    for a in argv:
        a = re.sub(r"path=[^,]*\.monitor", "path=%s/mon.sock" % tmp, a)
        # vireod passes QEMU a listening socket it made (fd=N); by hand,
        # QEMU makes its own.
        if a.startswith("socket,id=charmonitor,"):
            a = re.sub(r"\bfd=\d+", "path=%s/mon.sock" % tmp, a)
        if a.endswith(".pid") and out and out[-1] == "-pidfile":
            a = os.path.join(tmp, "qemu.pid")
        out.append(a)
    if "-daemonize" in out:
        out.remove("-daemonize")
    return out


def recv_line(s):
    """One QMP line from socket S (QMP sends whole lines per write)."""
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            raise RuntimeError("QMP socket closed")
        buf += chunk
    return buf


def qmp_ready_ms(argv, sock_path, timeout=30.0):
    """Exec ARGV; ms until QMP greeting + qmp_capabilities answered."""
    errlog = os.path.join(os.path.dirname(sock_path), "qemu.log")
    t0 = time.perf_counter()
    with open(errlog, "wb") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err,
                                stderr=err, start_new_session=True)
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                s.connect(sock_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if proc.poll() is not None or \
                        time.perf_counter() - t0 > timeout:
                    with open(errlog, errors="replace") as f:
                        raise RuntimeError("QEMU %s, argv %s, output: %s" % (
                            "exited" if proc.returncode is not None else
                            "gave no QMP socket in %d s" % timeout,
                            argv, f.read()))
                time.sleep(0.001)
        if b"QMP" not in recv_line(s):
            raise RuntimeError("no QMP greeting")
        s.sendall(b'{"execute":"qmp_capabilities"}\r\n')
        if b"return" not in recv_line(s):
            raise RuntimeError("qmp_capabilities failed")
        ms = ms_since(t0)
        s.close()
        return ms
    finally:
        proc.kill()
        proc.wait()


def bare_sample(argv, tmp):
    """One exec-to-QMP-ready sample of ARGV moved into TMP, in ms."""
    ms = qmp_ready_ms(bare_argv(argv, tmp), os.path.join(tmp, "mon.sock"))
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    return ms


def cmd_bare(args):
    src = load_json(args.argv_from)
    if not src.get("qemu_argv"):
        raise SystemExit("vm_bench: no qemu_argv in %s" % args.argv_from)
    tmp = tempfile.mkdtemp(prefix="vireo-bare.")
    try:
        argv = bare_argv(src["qemu_argv"], tmp)
        samples = []
        for i in range(args.runs + 1):
            ms = qmp_ready_ms(argv, os.path.join(tmp, "mon.sock"))
            for f in os.listdir(tmp):
                os.unlink(os.path.join(tmp, f))
            if i:
                samples.append(ms)
                log("bare QEMU %d/%d: QMP ready in %.1f ms"
                    % (i, args.runs, ms))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_json(args.out, {"bare_ms": statistics.median(samples),
                          "bare_samples": samples,
                          "bare_argv": " ".join(argv)})


# phases of qemu_process_start and the debug-log line that ends each one
PHASES = [("validate (caps lookup)", r": prepared \(id"),
          ("prepare domain", r": phase prepare host"),
          ("prepare host", r": phase launch"),
          ("build argv + spawn", r": QEMU started, pid"),
          ("monitor connect + QMP handshake", r"QMP monitor '.*' ready"),
          ("ptys + cont + status + events", r": started in \d+ ms")]
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3})")


def log_ms(line):
    m = LOG_TIME.match(line)
    if not m:
        return None
    t = time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
    return time.mktime(t) * 1000.0 + int(m.group(2))


def cmd_phases(args):
    """Median ms of each start phase over the (sequential) starts in the
    log; the log has ms resolution."""
    starts, cur = [], None
    with open(args.log, errors="replace") as f:
        for line in f:
            t = log_ms(line)
            if t is None:
                continue
            if ": phase validate" in line:
                cur = {"t0": t, "last": t, "i": 0}
                continue
            if cur is None or not re.search(PHASES[cur["i"]][1], line):
                continue
            cur[PHASES[cur["i"]][0]] = t - cur["last"]
            cur["last"] = t
            cur["i"] += 1
            if cur["i"] == len(PHASES):
                cur["total"] = t - cur["t0"]
                starts.append(cur)
                cur = None
    if not starts:
        raise SystemExit("vm_bench: no complete start in %s" % args.log)
    out = {}
    for name in [p[0] for p in PHASES] + ["total"]:
        out[name] = statistics.median([s[name] for s in starts])
        log("%-32s median %6.1f ms over %d starts" % (name, out[name],
                                                      len(starts)))
    write_json(args.out, {"phases": out, "phase_starts": len(starts)})


def cmd_cleanup(args):
    quiet_errors()
    conn = libvirt.open(args.uri)
    doms = [d for d in conn.listAllDomains(0) if d.name().startswith(PREFIX)]
    for d in doms:
        if d.isActive():
            d.destroy()
        if d.isPersistent():
            d.undefine()
    conn.close()
    log("removed %d bench-vm domains on %s" % (len(doms), args.uri))


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


# (key, label, target text)
FIGURES = [
    ("create_ms", "`create()` call to return", "target ≤ 0.33x"),
    ("marker_ms", "`create()` to VIREO-GUEST-READY on the console", ""),
    ("destroy_ms", "`destroy()` call to return", ""),
    ("conc_ms", "20 guests from 4 threads: all `create()` returned", ""),
    ("bare_ms", "bare QEMU, same argv: exec to QMP ready", ""),
    ("overhead_ms", "`create()` minus bare QEMU", "target < 20 ms (vireod)"),
]


def cmd_table(args):
    vir, ref = load_json(args.vireod), load_json(args.libvirtd)
    bare = vir.get("bare_ms", ref.get("bare_ms"))
    for res in (vir, ref):
        if "create_ms" in res and bare is not None:
            res["bare_ms"] = bare
            res["overhead_ms"] = res["create_ms"] - bare
    lines = ["| figure (median ms) | vireod | libvirtd | ratio |",
             "|---|---:|---:|---:|"]
    for key, label, target in FIGURES:
        ratio = "n/a"
        if key in vir and key in ref and ref[key] and key != "bare_ms":
            ratio = "%.2fx" % (vir[key] / ref[key])
        cells = ["%.1f" % r[key] if key in r else "n/a" for r in (vir, ref)]
        lines.append("| %s%s | %s | %s | %s |" % (
            label, "; " + target if target else "", cells[0], cells[1],
            ratio))
    lines += ["", "ratio = vireod / libvirtd.  Host: %s, %s, %d CPUs; %s."
              % (platform.node(), platform.release(), os.cpu_count(),
                 time.strftime("%Y-%m-%d %H:%M %Z"))]
    for name, res in (("vireod", vir), ("libvirtd", ref)):
        if "create_samples" in res:
            lines.append("%s: %d samples per single-guest figure, %d "
                         "concurrent runs; load average %.2f at start, "
                         "%.2f at end." % (
                             name, len(res["create_samples"]),
                             len(res.get("conc_samples", [])), res["loadavg"],
                             res["loadavg_end"]))
    if "overhead_paired_ms" in vir:
        lines.append("vireod: median of per-cycle (create - the bare "
                     "sample right after it): %.1f ms."
                     % vir["overhead_paired_ms"])
    if "bare_samples" in vir:
        lines.append("bare QEMU: vireod's argv with monitor and pidfile in "
                     "a temporary directory, run as root, %d samples, each "
                     "right after one of vireod's create/destroy cycles."
                     % len(vir["bare_samples"]))
    if vir.get("phases"):
        lines += ["", "vireod start path, debug-level log (separate pass, "
                  "%d starts; median ms):" % vir["phase_starts"], "",
                  "| phase | ms |", "|---|---:|"]
        lines += ["| %s | %.1f |" % kv for kv in vir["phases"].items()]
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
    m.add_argument("--out", required=True)
    m.add_argument("--runs", type=int, default=7)
    m.add_argument("--conc", type=int, default=20)
    m.add_argument("--threads", type=int, default=4)
    m.add_argument("--conc-runs", type=int, default=3)
    m.add_argument("--pause", type=float, default=0.5,
                   help="seconds between samples")
    m.add_argument("--marker-timeout", type=float, default=120.0)
    m.add_argument("--bare", action="store_true",
                   help="after each cycle, a bare QEMU sample (same argv)")
    m.set_defaults(fn=cmd_measure)
    b = sub.add_parser("bare")
    b.add_argument("--argv-from", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--runs", type=int, default=9)
    b.set_defaults(fn=cmd_bare)
    h = sub.add_parser("phases")
    h.add_argument("--log", required=True)
    h.add_argument("--out", required=True)
    h.set_defaults(fn=cmd_phases)
    u = sub.add_parser("cleanup")
    u.add_argument("--uri", required=True)
    u.set_defaults(fn=cmd_cleanup)
    t = sub.add_parser("table")
    t.add_argument("--vireod")
    t.add_argument("--libvirtd")
    t.add_argument("--out")
    t.set_defaults(fn=cmd_table)
    return p.parse_args(argv)


def main(argv):
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    args = parse_args(argv)
    args.fn(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
