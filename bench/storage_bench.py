#!/usr/bin/python3
"""Vireo storage benchmarks: vol-upload / vol-download throughput.

Run by `bench/run.sh --storage`, which starts and stops the daemons; this
file only measures and formats.  The data is one 1 GiB file of random
bytes (not sparse).  Every figure is the throughput of a whole client
process followed by `sync -f` on the file it produced (the volume for an
upload, the downloaded file for a download), so that what the page cache
has not yet written counts for every method alike; the ceiling is a
plain local `cp` of the same file followed by `sync -f`, taking its turn
in every round with the clients, so that the ratios compare figures
taken under the same load.  Volumes are
re-created empty (raw, sparse) before each upload and downloaded files
removed before each download (not timed), as `cp` writes a new file.
Subcommands:

  storage_bench.py measure --uri URI --dir POOLDIR --src FILE --out JSON
                   [--client NAME=CMD]... [--runs N]
        defines and starts the dir pool bench-storage at POOLDIR (removed
        at the end), then N rounds in which each client in turn does a
        vol-upload then a vol-download, and `cp FILE POOLDIR/copy.bin;
        sync -f` runs once (the ceiling).
        CMD is the client binary (virsh, or vsh), run as CMD -c URI ...
  storage_bench.py cleanup --uri URI
        destroy, delete and undefine the pool bench-storage.
  storage_bench.py table --vireod JSON --libvirtd JSON [--out MD]

Figures are MiB/s medians; the JSON files keep the raw samples too.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import libvirt

libvirt.registerErrorHandler(lambda *a: None, None)

POOL = "bench-storage"
VOL = "bench.img"
MIB = 1024 * 1024


def log(msg):
    print("storage_bench: " + msg, file=sys.stderr, flush=True)


def timed(cmd, synced):
    """Run @cmd, then `sync -f @synced`; seconds for both."""
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), r.stderr))
    subprocess.run(["sync", "-f", synced], check=True)
    return time.monotonic() - t0


def define_pool(conn, path):
    cmd_cleanup_conn(conn)
    os.makedirs(path, exist_ok=True)
    pool = conn.storagePoolDefineXML(
        "<pool type='dir'><name>%s</name><target><path>%s</path></target>"
        "</pool>" % (POOL, path), 0)
    pool.create(0)
    return pool


def fresh_volume(pool, size):
    try:
        pool.storageVolLookupByName(VOL).delete(0)
    except libvirt.libvirtError:
        pass
    return pool.createXML(
        "<volume><name>%s</name><capacity>%d</capacity><allocation>0"
        "</allocation><target><format type='raw'/></target></volume>"
        % (VOL, size), 0)


def one_client(uri, pool, src, work, cmd):
    size = os.path.getsize(src)
    vol = fresh_volume(pool, size)
    path = vol.path()
    up = timed([cmd, "-q", "-c", uri, "vol-upload", "--pool", POOL, VOL,
                src], path)
    dst = os.path.join(work, "down.bin")
    if os.path.exists(dst):
        os.unlink(dst)
    down = timed([cmd, "-q", "-c", uri, "vol-download", "--pool", POOL, VOL,
                  dst], dst)
    if os.path.getsize(dst) != size:
        raise RuntimeError("%s downloaded %d bytes, not %d"
                           % (cmd, os.path.getsize(dst), size))
    os.unlink(dst)
    return size / MIB / up, size / MIB / down


def cp_once(src, dst):
    if os.path.exists(dst):
        os.unlink(dst)
    mibs = os.path.getsize(src) / MIB / timed(["cp", src, dst], dst)
    os.unlink(dst)
    return mibs


def cmd_measure(args):
    conn = libvirt.open(args.uri)
    pool = define_pool(conn, args.dir)
    res = {"uri": args.uri, "runs": args.runs, "upload": {},
           "download": {}, "cp": [], "load": os.getloadavg()[0]}
    clients = [spec.split("=", 1) for spec in args.client]
    try:
        # clients take turns, so that a burst of load elsewhere on the
        # machine does not fall on one client's runs only
        for i in range(args.runs):
            for name, cmd in clients:
                up, down = one_client(args.uri, pool, args.src,
                                      os.path.dirname(args.out), cmd)
                log("%s run %d: upload %.0f MiB/s, download %.0f MiB/s"
                    % (name, i + 1, up, down))
                res["upload"].setdefault(name, []).append(up)
                res["download"].setdefault(name, []).append(down)
            res["cp"].append(cp_once(args.src,
                                     os.path.join(args.dir, "copy.bin")))
            log("cp run %d: %.0f MiB/s" % (i + 1, res["cp"][-1]))
    finally:
        cmd_cleanup_conn(conn)
    write_json(args.out, res)


def cmd_cleanup_conn(conn):
    try:
        pool = conn.storagePoolLookupByName(POOL)
    except libvirt.libvirtError:
        return
    try:
        for vol in pool.listAllVolumes(0):
            vol.delete(0)
    except libvirt.libvirtError:
        pass
    if pool.isActive():
        pool.destroy()
    try:
        pool.undefine()
    except libvirt.libvirtError:
        pass


def cmd_cleanup(args):
    cmd_cleanup_conn(libvirt.open(args.uri))


def write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def med(samples):
    return statistics.median(samples) if samples else None


def fmt(v, spec="%.0f"):
    return "–" if v is None else spec % v


def cmd_table(args):
    vi, lv = load_json(args.vireod), load_json(args.libvirtd)
    cp_vi, cp_lv = med(vi.get("cp", [])), med(lv.get("cp", []))
    lines = ["# Storage figures: vol-upload / vol-download of 1 GiB",
             "",
             "%s, %s; load average (1 min) at the start of each part: "
             "vireod %s, libvirtd %s.  Medians of %s runs, MiB/s; each run "
             "is the whole client process plus `sync -f` of the file it "
             "wrote; the ceiling is `cp` plus `sync -f`, run in the same "
             "rounds as each daemon's clients (\"vs cp\" compares with "
             "that daemon's own cp figure)."
             % (time.strftime("%Y-%m-%d %H:%M"), platform.node(),
                fmt(vi.get("load"), "%.1f"), fmt(lv.get("load"), "%.1f"),
                vi.get("runs", "?")),
             "",
             "| transfer | client -> daemon | MiB/s | vs cp | vs libvirtd |",
             "|---|---|---|---|---|"]
    for way in ("upload", "download"):
        ref = med(lv.get(way, {}).get("virsh", []))
        rows = [("vsh -> vireod", med(vi.get(way, {}).get("vsh", [])), cp_vi),
                ("virsh -> vireod", med(vi.get(way, {}).get("virsh", [])),
                 cp_vi),
                ("virsh -> libvirtd 9.0", ref, cp_lv)]
        for who, v, ceiling in rows:
            lines.append("| %s | %s | %s | %s | %s |" % (
                way, who, fmt(v),
                fmt(v / ceiling if v and ceiling else None, "%.2f"),
                fmt(v / ref if v and ref else None, "%.2fx")))
    lines.append("| cp (ceiling), vireod's rounds | local | %s | 1.00 | |"
                 % fmt(cp_vi))
    lines.append("| cp (ceiling), libvirtd's rounds | local | %s | 1.00 | |"
                 % fmt(cp_lv))
    lines += ["", "Targets: within 80 % of cp (vs cp >= 0.80) and ahead of "
              "libvirtd (vs libvirtd > 1)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--uri", required=True)
    m.add_argument("--dir", required=True)
    m.add_argument("--src", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--client", action="append", required=True)
    m.add_argument("--runs", type=int, default=5)
    u = sub.add_parser("cleanup")
    u.add_argument("--uri", required=True)
    t = sub.add_parser("table")
    t.add_argument("--vireod", default="")
    t.add_argument("--libvirtd", default="")
    t.add_argument("--out")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    {"measure": cmd_measure, "cleanup": cmd_cleanup,
     "table": cmd_table}[args.cmd](args)


if __name__ == "__main__":
    main(sys.argv[1:])
