#!/usr/bin/python3
"""Remote figures over qemu+ssh to loopback: vireod against libvirtd 9.0.

Run by bench/run.sh --remote (see bench/README.md); stdlib + libvirt only.

  remote_bench.py measure --socket SOCK --out JSON [--count 100]
      starts a throwaway sshd on a free 127.0.0.1 port (own host and client
      keys in a temporary directory, root login with that key only),
      defines COUNT bench-NNNN domains through the daemon's UNIX socket,
      then measures through qemu+ssh://root@127.0.0.1:PORT/system
      ?socket=SOCK&keyfile=KEY&no_verify=1&proxy=netcat (stock libvirt
      client: `nc -U SOCK` on the far side, so both daemons are reached
      the same way): getHostname() and lookupByName() round trips (python,
      one connection, medians) and `virsh list --all` (whole process,
      median); undefines the domains and stops sshd.
  remote_bench.py table --vireod A.json --libvirtd B.json [--out MD]
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import libvirt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (DOMAIN_XML, domain_name, median_us, ...)

SSHD = "/usr/sbin/sshd"


def log(msg):
    print("remote_bench: " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sshd:
    """A throwaway sshd on 127.0.0.1 accepting root with one fresh key."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vireo-rbench.")
        self.port = free_port()
        self.key = os.path.join(self.dir, "id")
        self.proc = None

    def start(self):
        d = self.dir
        for name in ("hostkey", "id"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                            "-f", os.path.join(d, name)], check=True)
        shutil.copy(self.key + ".pub", os.path.join(d, "authorized_keys"))
        conf = os.path.join(d, "sshd_config")
        with open(conf, "w") as f:
            f.write("ListenAddress 127.0.0.1:%d\nHostKey %s/hostkey\n"
                    "PidFile %s/sshd.pid\nAuthorizedKeysFile %s/"
                    "authorized_keys\nPermitRootLogin prohibit-password\n"
                    "PasswordAuthentication no\n"
                    "KbdInteractiveAuthentication no\nUsePAM no\n"
                    "StrictModes no\n" % (self.port, d, d, d))
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self.proc = subprocess.Popen([SSHD, "-f", conf, "-D", "-e"],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(d, "log"), "w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not listen on port %d" % self.port)

    def uri(self, sock):
        return ("qemu+ssh://root@127.0.0.1:%d/system?socket=%s&keyfile=%s"
                "&no_verify=1&proxy=netcat" % (self.port, sock, self.key))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def define(local, count):
    have = set(local.listDefinedDomains())
    for i in range(count):
        name = bench.domain_name(i)
        if name not in have:
            local.defineXML(bench.DOMAIN_XML.format(name=name))


def undefine(local):
    for dom in bench.bench_domains(local):
        try:
            dom.undefine()
        except libvirt.libvirtError as e:
            log("cannot undefine %s: %s" % (dom.name(), e))


def measure(args):
    bench.quiet_errors()
    local = libvirt.open("qemu+unix:///system?socket=" + args.socket)
    sshd = Sshd()
    res = {"socket": args.socket, "count": args.count,
           "loadavg": os.getloadavg()[0]}
    try:
        define(local, args.count)
        sshd.start()
        uri = sshd.uri(args.socket)
        # Opening costs an ssh session set-up (key exchange, a shell on
        # the far side) whose time varies a lot: a median of several.
        opens = []
        for _ in range(args.opens):
            t0 = time.perf_counter()
            libvirt.open(uri).close()
            opens.append((time.perf_counter() - t0) * 1000.0)
        res["open_ms"] = statistics.median(opens)
        res["open_samples"] = opens
        log("connection open over ssh: median %.1f ms" % res["open_ms"])
        conn = libvirt.open(uri)
        res["hostname_us"], _ = bench.median_us(conn.getHostname,
                                                args.calls, args.calls // 10)
        name = bench.domain_name(args.count // 2)
        res["lookup_us"], _ = bench.median_us(
            lambda: conn.lookupByName(name), args.calls, args.calls // 10)
        log("round trips over ssh: getHostname %.1f us, lookupByName %.1f us"
            % (res["hostname_us"], res["lookup_us"]))
        conn.close()
        res["virsh_list_ms"], res["virsh_list_samples"] = bench.virsh_list_ms(
            uri, args.runs, args.count)
        log("virsh list --all over ssh: %.1f ms" % res["virsh_list_ms"])
    finally:
        sshd.stop()
        undefine(local)
        local.close()
    bench.write_json(args.out, res)
    return 0


ROWS = [
    ("open_ms", "connection open over ssh (median ms)", "%.1f"),
    ("hostname_us", "`getHostname()` round trip over ssh, python, one "
     "connection (median µs)", "%.1f"),
    ("lookup_us", "`lookupByName()` round trip over ssh, python (median µs)",
     "%.1f"),
    ("virsh_list_ms", "`virsh list --all` over ssh, {count} domains, whole "
     "process (median ms)", "%.1f"),
]


def table(args):
    v = bench.load_json(args.vireod)
    lv = bench.load_json(args.libvirtd)
    count = v.get("count", lv.get("count", "?"))
    lines = ["| figure | vireod | libvirtd | ratio |", "|---|---:|---:|---:|"]
    for key, label, fmt in ROWS:
        a, b = v.get(key), lv.get(key)
        ratio = "%.2fx" % (a / b) if a and b else "-"
        lines.append("| %s | %s | %s | %s |" % (
            label.format(count=count), fmt % a if a is not None else "-",
            fmt % b if b is not None else "-", ratio))
    lines.append("")
    lines.append("ratio = vireod / libvirtd; qemu+ssh to 127.0.0.1, `nc -U` "
                 "on the far side for both.  %s UTC." %
                 time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    for side, res in (("vireod", v), ("libvirtd", lv)):
        if "loadavg" in res:
            lines.append("%s: load average %.2f when its measurements began."
                         % (side, res["loadavg"]))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--socket", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--count", type=int, default=100)
    m.add_argument("--calls", type=int, default=1000)
    m.add_argument("--runs", type=int, default=10)
    m.add_argument("--opens", type=int, default=7,
                   help="connection opens timed (median)")
    t = sub.add_parser("table")
    t.add_argument("--vireod", required=True)
    t.add_argument("--libvirtd", required=True)
    t.add_argument("--out")
    args = p.parse_args(argv)
    return measure(args) if args.cmd == "measure" else table(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
