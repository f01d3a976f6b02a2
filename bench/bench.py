#!/usr/bin/python3
"""Vireo benchmark measurements (python stdlib + python-libvirt only).

Run by bench/run.sh, which starts and stops the daemons; this file only
measures and formats.  Subcommands:

  bench.py measure --uri URI --pid PID --out FILE.json
        against a running daemon with no bench-* domain: idle RSS with 0
        domains, define N domains through one connection, lookupByName round
        trip, listAllDomains(), `virsh list --all`, idle RSS with N domains.
        Leaves the N domains defined (coldstart needs them).
  bench.py coldstart --uri URI --expect N --out FILE.json -- CMD [ARG...]
        RUNS times: exec CMD, poll until getHostname() and listAllDomains()
        answer (with N domains), record the time since exec, SIGTERM, wait.
  bench.py cleanup --uri URI
        undefine every domain whose name starts with bench-.
  bench.py fsynccheck --uri URI --pid PID --out FILE.json
        strace the daemon while it defines a few domains: fsyncs per define.
  bench.py table [--vireod FILE.json] [--libvirtd FILE.json] [--out FILE.md]
        print the comparison as a markdown table (missing side: n/a).

All times are medians; the JSON files keep the raw samples too.
"""
import argparse
import ctypes
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time

import libvirt

PREFIX = "bench-"

DOMAIN_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/vireo-bench/disk.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def quiet_errors():
    """Keep libvirt's default handler from printing every expected failure."""
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


def domain_name(i):
    return "%s%04d" % (PREFIX, i)


def vm_rss_kib(pid):
    """VmRSS of PID in KiB, from /proc/PID/status."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)


def pipe_rtt_us(rounds=5000):
    """Median round trip of one byte between two processes over pipes, in
    microseconds: the host's wake-up latency, which bounds every RPC
    round trip (a virtual machine's host under load can make it ten
    times worse, and every latency figure with it)."""
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    pid = os.fork()
    if pid == 0:
        for _ in range(rounds):
            os.read(r1, 1)
            os.write(w2, b"x")
        os._exit(0)
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        os.write(w1, b"x")
        os.read(r2, 1)
        samples.append(time.perf_counter() - t)
    os.waitpid(pid, 0)
    for fd in (r1, w1, r2, w2):
        os.close(fd)
    return statistics.median(samples) * 1e6


def cpu_ticks(pid):
    """User plus system CPU time of PID (all threads), in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def idle_rss_mib(pid, settle, timeout=60.0):
    """RSS in MiB once the daemon is idle: SETTLE seconds without any
    client activity, then until it used no CPU for a whole second (a
    daemon may finish work in the background after answering: vireod
    writes the definition files from its journal).  Same rule for both
    daemons."""
    time.sleep(settle)
    deadline = time.monotonic() + timeout
    last = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = cpu_ticks(pid)
        if now == last:
            break
        last = now
    else:
        log("pid %d never went idle within %.0f s" % (pid, timeout))
    return vm_rss_kib(pid) / 1024.0


def median_us(fn, calls, warmup):
    """Median wall time of FN() in microseconds over CALLS calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - t0) / 1000.0)
    return statistics.median(samples), samples


def define_all(conn, count):
    """Define COUNT domains; returns (rate per second, total seconds)."""
    xmls = [DOMAIN_XML.format(name=domain_name(i)) for i in range(count)]
    t0 = time.perf_counter()
    for xml in xmls:
        conn.defineXML(xml)
    total = time.perf_counter() - t0
    return count / total, total


def virsh_list_ms(uri, runs, expect):
    """Median whole-process time of `virsh -c URI list --all`, in ms."""
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        out = subprocess.run(["virsh", "-c", uri, "list", "--all"],
                             check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE).stdout
        samples.append((time.perf_counter_ns() - t0) / 1e6)
        seen = out.decode().count(" " + PREFIX)
        if seen != expect:
            raise RuntimeError("virsh list --all showed %d bench domains, "
                               "expected %d" % (seen, expect))
    return statistics.median(samples), samples


def bench_domains(conn):
    return [d for d in conn.listAllDomains(0) if d.name().startswith(PREFIX)]


def cmd_measure(args):
    quiet_errors()
    res = {"uri": args.uri, "count": args.count,
           "loadavg": os.getloadavg()[0], "pipe_rtt_us": pipe_rtt_us()}
    conn = libvirt.open(args.uri)
    if bench_domains(conn):
        raise SystemExit("bench: %s already has bench-* domains; run "
                         "'bench.py cleanup' first" % args.uri)
    conn.close()
    res["rss_idle_0_mib"] = idle_rss_mib(args.pid, args.settle)
    log("RSS with 0 domains: %.1f MiB" % res["rss_idle_0_mib"])

    conn = libvirt.open(args.uri)
    res["define_rate"], res["define_total_s"] = define_all(conn, args.count)
    log("defined %d domains: %.0f/s" % (args.count, res["define_rate"]))

    target = domain_name(args.count // 2)
    res["lookup_us"], samples = median_us(
        lambda: conn.lookupByName(target), args.calls, args.warmup)
    res["lookup_p90_us"] = statistics.quantiles(samples, n=10)[-1]
    log("lookupByName: median %.1f us" % res["lookup_us"])

    def list_all():
        n = len(conn.listAllDomains(0))
        if n < args.count:
            raise RuntimeError("listAllDomains returned %d domains" % n)
    res["list_all_us"], _ = median_us(list_all, args.list_calls, 5)
    log("listAllDomains: median %.0f us" % res["list_all_us"])
    conn.close()

    res["virsh_list_ms"], res["virsh_list_samples"] = virsh_list_ms(
        args.uri, args.virsh_runs, args.count)
    log("virsh list --all: median %.1f ms" % res["virsh_list_ms"])

    res["rss_idle_n_mib"] = idle_rss_mib(args.pid, args.settle)
    log("RSS with %d domains: %.1f MiB" % (args.count, res["rss_idle_n_mib"]))
    write_json(args.out, res)


def first_answer_s(uri, proc, expect, timeout):
    """Seconds until URI answers getHostname and listAllDomains (>= EXPECT)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError("daemon exited with status %d before answering"
                               % proc.returncode)
        try:
            conn = libvirt.open(uri)
            try:
                conn.getHostname()
                n = len(conn.listAllDomains(0))
            finally:
                conn.close()
            if n >= expect:
                return time.perf_counter() - t0
        except libvirt.libvirtError:
            pass
        time.sleep(0.001)
    raise RuntimeError("no answer within %.0f s" % timeout)


def stop_process(proc):
    """SIGTERM the process group of PROC, SIGKILL after 30 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        log("pid %d ignored SIGTERM for 30 s; SIGKILL" % proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def become_subreaper():
    """Reap the daemon's orphans here, as reaper.py would (see its doc)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        log("prctl(PR_SET_CHILD_SUBREAPER) failed; orphans go to PID 1")


def reap_orphans():
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def cmd_coldstart(args):
    quiet_errors()
    if not args.cmd:
        raise SystemExit("bench: coldstart needs a command after --")
    # bench.py is the subreaper itself: a python reaper.py in between would
    # add its own interpreter start-up (~20 ms) to every sample
    become_subreaper()
    samples = []
    logf = open(args.log, "ab") if args.log else subprocess.DEVNULL
    for i in range(args.runs):
        # the timer starts just before fork+exec, as exec is part of the cost
        t0 = time.perf_counter()
        proc = subprocess.Popen(args.cmd, stdin=subprocess.DEVNULL,
                                stdout=logf, stderr=logf,
                                start_new_session=True)
        if args.pidfile:
            with open(args.pidfile, "w") as f:
                f.write("%d\n" % proc.pid)
        try:
            first_answer_s(args.uri, proc, args.expect, args.timeout)
            samples.append((time.perf_counter() - t0) * 1000.0)
        finally:
            stop_process(proc)
            reap_orphans()
        log("cold start %d/%d: %.1f ms" % (i + 1, args.runs, samples[-1]))
    write_json(args.out, {"coldstart_ms": statistics.median(samples),
                          "coldstart_samples": samples,
                          "expect": args.expect})


def cmd_cleanup(args):
    quiet_errors()
    conn = libvirt.open(args.uri)
    doms = bench_domains(conn)
    for d in doms:
        if d.isActive():
            d.destroy()
        d.undefine()
    conn.close()
    log("undefined %d bench domains on %s" % (len(doms), args.uri))


def cmd_fsynccheck(args):
    """Count fsync-family calls the daemon makes per defineXML (strace)."""
    quiet_errors()
    trace = args.out + ".strace"
    st = subprocess.Popen(["strace", "-f", "-qq", "-o", trace, "-e",
                           "trace=fsync,fdatasync,sync_file_range,syncfs",
                           "-p", str(args.pid)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # strace attaches to every thread before we define
    conn = libvirt.open(args.uri)
    names = [domain_name(9000 + i) for i in range(args.count)]
    try:
        for name in names:
            conn.defineXML(DOMAIN_XML.format(name=name))
    finally:
        time.sleep(0.2)
        st.send_signal(signal.SIGINT)
        st.wait(timeout=10)
        for name in names:
            try:
                conn.lookupByName(name).undefine()
            except libvirt.libvirtError:
                pass
        conn.close()
    with open(trace) as f:
        calls = sum(1 for line in f if "sync" in line and "resumed" not in line)
    os.unlink(trace)
    per = calls / float(args.count)
    log("%.1f fsync-family calls per defineXML" % per)
    write_json(args.out, {"fsync_per_define": per})


def write_json(path, data):
    old = {}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
    old.update(data)
    with open(path + ".tmp", "w") as f:
        json.dump(old, f, indent=1)
    os.replace(path + ".tmp", path)


def load_json(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


# (key, label, format, target text)
FIGURES = [
    ("lookup_us", "`lookupByName()` round trip, python, one connection "
     "(median µs)", "%.1f", "target ≤ 0.5x"),
    ("define_rate", "`defineXML` of 1000 domains, one connection (per s)",
     "%.0f", "target ≥ 2x, with fsync"),
    ("virsh_list_ms", "`virsh list --all`, 1000 domains, whole process "
     "(median ms)", "%.1f", "target ≤ 0.5x"),
    ("list_all_us", "`listAllDomains()`, 1000 domains, python (median µs)",
     "%.0f", "no target (the issue's list target is the `virsh list` row; "
     "python-libvirt building 1000 objects is most of it)"),
    ("rss_idle_0_mib", "idle daemon RSS, 0 domains (MiB)", "%.1f",
     "target ≤ 0.25x"),
    ("rss_idle_n_mib", "idle daemon RSS, 1000 domains (MiB)", "%.1f",
     "target ≤ 0.25x"),
    ("coldstart_ms", "cold start to first answer, 1000 domains "
     "(median of 5, ms)", "%.1f", "target < 50 ms"),
]


def cell(res, key, fmt):
    return fmt % res[key] if key in res else "n/a"


def cmd_table(args):
    vir, ref = load_json(args.vireod), load_json(args.libvirtd)
    lines = ["| figure | vireod | libvirtd | ratio |",
             "|---|---:|---:|---:|"]
    for key, label, fmt, target in FIGURES:
        ratio = "n/a"
        if key in vir and key in ref and ref[key]:
            ratio = "%.2fx" % (vir[key] / ref[key])
        lines.append("| %s; %s | %s | %s | %s |" % (
            label, target, cell(vir, key, fmt), cell(ref, key, fmt), ratio))
    lines += ["", "ratio = vireod / libvirtd.  Host: %s, %s, %d CPUs; %s."
              % (platform.node(), platform.release(), os.cpu_count(),
                 time.strftime("%Y-%m-%d %H:%M %Z"))]
    for name, res in (("vireod", vir), ("libvirtd", ref)):
        if "loadavg" in res:
            lines.append("%s: load average %.2f when its measurements began."
                         % (name, res["loadavg"]))
        if "pipe_rtt_us" in res:
            lines.append("%s: host pipe round trip between two processes "
                         "%.1f µs (median) when its measurements began."
                         % (name, res["pipe_rtt_us"]))
        if "fsync_per_define" in res:
            lines.append("%s: %.1f fsync-family calls per defineXML "
                         "(strace)." % (name, res["fsync_per_define"]))
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
    m.add_argument("--pid", type=int, required=True, help="daemon pid (RSS)")
    m.add_argument("--out", required=True)
    m.add_argument("--count", type=int, default=1000)
    m.add_argument("--calls", type=int, default=2000)
    m.add_argument("--warmup", type=int, default=200)
    m.add_argument("--list-calls", type=int, default=50)
    m.add_argument("--virsh-runs", type=int, default=10)
    m.add_argument("--settle", type=float, default=1.0,
                   help="seconds idle before reading RSS")
    m.set_defaults(fn=cmd_measure)
    c = sub.add_parser("coldstart")
    c.add_argument("--uri", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--expect", type=int, default=1000)
    c.add_argument("--runs", type=int, default=5)
    c.add_argument("--timeout", type=float, default=60.0)
    c.add_argument("--log", help="append the daemon's output here")
    c.add_argument("--pidfile", help="write the current daemon's pid here")
    c.add_argument("cmd", nargs=argparse.REMAINDER)
    c.set_defaults(fn=cmd_coldstart)
    u = sub.add_parser("cleanup")
    u.add_argument("--uri", required=True)
    u.set_defaults(fn=cmd_cleanup)
    f = sub.add_parser("fsynccheck")
    f.add_argument("--uri", required=True)
    f.add_argument("--pid", type=int, required=True)
    f.add_argument("--out", required=True)
    f.add_argument("--count", type=int, default=10)
    f.set_defaults(fn=cmd_fsynccheck)
    t = sub.add_parser("table")
    t.add_argument("--vireod")
    t.add_argument("--libvirtd")
    t.add_argument("--out")
    t.set_defaults(fn=cmd_table)
    args = p.parse_args(argv)
    if getattr(args, "cmd", None) and args.cmd[0] == "--":
        args.cmd = args.cmd[1:]
    return args


def main(argv):
    # SIGTERM unwinds like Ctrl-C, so that a cold-start daemon is stopped
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    args = parse_args(argv)
    args.fn(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
