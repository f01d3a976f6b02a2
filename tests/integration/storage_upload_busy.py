#!/usr/bin/python3
"""storage_upload_busy.py: volume uploads never block other clients.

Stock virsh uploads 256 MiB of random data into a dir pool volume of a
real vireod, reading from a FIFO this test feeds at a throttled rate (so
the upload is known to last several seconds); meanwhile a second
python-libvirt connection keeps calling getHostname() and
listAllStoragePools(): a number of those calls must complete between the
upload's first and last byte.  The volume then holds exactly the data
(SHA-256 of the file and of a virsh vol-download).  A client killed in
the middle of a download, or of an upload, releases the volume's job
(the volume can be wiped / deleted).  Finally, in a private mount
namespace, a pool on a 16 MiB tmpfs: an upload that runs out of space fails with "No space left on
device", the daemon keeps serving, the volume's job is released and the
volume keeps what was written before the failure (not synced).  Emits TAP.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

try:
    import libvirt
except ImportError:
    vireotest.skip_all("python3-libvirt is not installed")
if not shutil.which("virsh"):
    vireotest.skip_all("virsh is not installed (libvirt-clients)")

libvirt.registerErrorHandler(lambda *a: None, None)
tap = vireotest.Tap()
SIZE = 256 * 1024 * 1024
CHUNK = 256 * 1024
PAUSE = 0.008           # per chunk: the upload lasts >= 8 s


def virsh(uri, *args, **kw):
    return subprocess.run(["virsh", "-q", "-c", uri] + list(args),
                          capture_output=True, text=True, **kw)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_random(path, size):
    with open(path, "wb") as f:
        for _ in range(size // (1 << 20)):
            f.write(os.urandom(1 << 20))


def eventually(pred, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pred():
                return True
        except libvirt.libvirtError:
            pass
        time.sleep(0.1)
    return False


class Feeder(threading.Thread):
    """Writes @src into the FIFO @fifo in CHUNK pieces, PAUSE apart;
    records when the first and the last piece went in."""

    def __init__(self, src, fifo, limit=None):
        super().__init__(daemon=True)
        self.src, self.fifo, self.limit = src, fifo, limit
        self.first = self.last = None
        self.sent = 0
        self.error = None

    def run(self):
        try:
            with open(self.src, "rb") as s, open(self.fifo, "wb") as f:
                for block in iter(lambda: s.read(CHUNK), b""):
                    f.write(block)
                    f.flush()
                    self.sent += len(block)
                    now = time.monotonic()
                    self.first = self.first or now
                    self.last = now
                    if self.limit and self.sent >= self.limit:
                        time.sleep(3600)
                    time.sleep(PAUSE)
        except (BrokenPipeError, OSError) as e:
            self.error = e


def busy_upload(daemon, conn, pool_dir):
    """The upload with a second client calling meanwhile."""
    src = os.path.join(daemon.root, "src.bin")
    fifo = os.path.join(daemon.root, "upload.fifo")
    make_random(src, SIZE)
    os.mkfifo(fifo)
    r = virsh(daemon.uri, "vol-create-as", "bp", "big.img", str(SIZE),
              "--format", "raw")
    tap.ok(r.returncode == 0, "vol-create-as big.img 256 MiB", r.stderr)
    up = subprocess.Popen(["virsh", "-q", "-c", daemon.uri, "vol-upload",
                           "--pool", "bp", "big.img", fifo],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    feeder = Feeder(src, fifo)
    feeder.start()
    other = libvirt.open(daemon.uri)
    stamps = []
    while up.poll() is None:
        other.getHostname()
        other.listAllStoragePools(0)
        stamps.append(time.monotonic())
    out, err = up.communicate()
    feeder.join(60)
    tap.ok(up.returncode == 0 and feeder.error is None,
           "virsh vol-upload of 256 MiB from a throttled FIFO",
           "%s%s %s" % (out, err, feeder.error))
    during = [t for t in stamps
              if feeder.first and feeder.first <= t <= feeder.last]
    print("# upload took %.1f s; %d call pairs completed during it"
          % ((feeder.last or 0) - (feeder.first or 0), len(during)))
    tap.ok(len(during) >= 20,
           "a second client's calls completed during the upload (%d)"
           % len(during))
    other.close()
    want = sha256_file(src)
    tap.ok(sha256_file(os.path.join(pool_dir, "big.img")) == want,
           "the volume holds the uploaded data (sha256)")
    dst = os.path.join(daemon.root, "down.bin")
    r = virsh(daemon.uri, "vol-download", "--pool", "bp", "big.img", dst)
    tap.ok(r.returncode == 0 and sha256_file(dst) == want,
           "virsh vol-download gives the same data back", r.stderr)
    for p in (dst, fifo):
        os.unlink(p)
    return src


DOWNLOADER = """
import sys, time, libvirt
c = libvirt.open(sys.argv[1])
vol = c.storagePoolLookupByName("bp").storageVolLookupByName("big.img")
st = c.newStream(0)
vol.download(st, 0, 0, 0)
got = 0
while got < 16 * 1024 * 1024:
    got += len(st.recv(262144))
print(got, flush=True)
time.sleep(600)
"""


def dropped_download(daemon, conn):
    """A client killed mid-download leaves no job behind."""
    child = subprocess.Popen([sys.executable, "-c", DOWNLOADER, daemon.uri],
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    tap.ok(line.isdigit() and int(line) >= 16 * 1024 * 1024,
           "a download is under way (python-libvirt, %s bytes read)" % line)
    child.kill()
    child.wait()
    v = conn.storagePoolLookupByName("bp").storageVolLookupByName("big.img")
    tap.ok(eventually(lambda: v.wipe(0) == 0),
           "after its client was killed, the download's job is released "
           "(vol-wipe works)")


def killed_upload(daemon, conn, src):
    """A client that dies mid-upload leaves no job behind."""
    fifo = os.path.join(daemon.root, "kill.fifo")
    os.mkfifo(fifo)
    up = subprocess.Popen(["virsh", "-q", "-c", daemon.uri, "vol-upload",
                           "--pool", "bp", "big.img", fifo],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    feeder = Feeder(src, fifo, limit=32 * 1024 * 1024)
    feeder.start()
    vol = conn.storagePoolLookupByName("bp").storageVolLookupByName("big.img")
    tap.ok(eventually(lambda: feeder.sent >= 32 * 1024 * 1024),
           "a second upload is under way")
    up.kill()
    up.wait()
    tap.ok(eventually(lambda: vol.delete(0) == 0),
           "after the client was killed, the volume's job is released "
           "(vol-delete works)")
    os.unlink(fifo)


def start_in_tmpfs_ns(name):
    """A vireod in a private mount namespace where ROOT/tiny is a 16 MiB
    tmpfs (gone with the daemon)."""
    d = vireotest.Daemon(name)
    tiny = os.path.join(d.root, "tiny")
    os.mkdir(tiny)
    log = open(os.path.join(d.root, "vireod.log"), "ab")
    script = ('mount -t tmpfs -o size=16m,mode=0755 tmpfs "$1" && '
              'shift && exec "$@"')
    d.proc = subprocess.Popen(["unshare", "-m", "--propagation", "private",
                               "sh", "-c", script, "sh", tiny,
                               vireotest.VIREOD, "--root", d.root],
                              stdout=log, stderr=log)
    deadline = time.monotonic() + 10
    while not os.path.exists(d.sock):
        if d.proc.poll() is not None or time.monotonic() > deadline:
            return None, d.log_tail()
        time.sleep(0.02)
    return d, tiny


def enospc_upload():
    d, tiny = start_in_tmpfs_ns("uploadfull")
    if d is None:
        print("# SKIP tmpfs in a private mount namespace: %s" % tiny)
        tap.ok(True, "# SKIP out-of-space upload (no private mount namespace)")
        return
    conn = libvirt.open(d.uri)
    p = conn.storagePoolDefineXML(
        "<pool type='dir'><name>tiny</name><target><path>%s</path></target>"
        "</pool>" % tiny, 0)
    p.create(0)
    r = virsh(d.uri, "vol-create-as", "tiny", "full.img", "8M",
              "--format", "raw")
    tap.ok(r.returncode == 0, "vol-create-as on the 16 MiB tmpfs pool",
           r.stderr)
    src = os.path.join(d.root, "40m.bin")
    make_random(src, 40 * 1024 * 1024)
    r = virsh(d.uri, "vol-upload", "--pool", "tiny", "full.img", src,
              timeout=300)
    tap.ok(r.returncode != 0 and "No space left on device" in r.stderr,
           "an upload past the free space fails with a clear error",
           r.stdout + r.stderr)
    print("# virsh said: %s" % r.stderr.strip().replace("\n", " / "))
    tap.ok(conn.getHostname() != "" and d.alive(),
           "the daemon keeps serving")
    vol = p.storageVolLookupByName("full.img")
    info = vol.info()
    tap.ok(info[2] > 0, "the volume stays, holding what was written (%d "
           "bytes allocated)" % info[2])
    tap.ok(eventually(lambda: vol.delete(0) == 0),
           "the failed upload's job is released (vol-delete works)")
    conn.close()
    d.cleanup()


daemon = vireotest.Daemon("uploadbusy").start()
conn = libvirt.open(daemon.uri)
pool_dir = os.path.join(daemon.root, "pool")
pool = conn.storagePoolDefineXML(
    "<pool type='dir'><name>bp</name><target><path>%s</path></target></pool>"
    % pool_dir, 0)
pool.build(0)
pool.create(0)
src = busy_upload(daemon, conn, pool_dir)
dropped_download(daemon, conn)
killed_upload(daemon, conn, src)
tap.ok(daemon.alive(), "vireod still running")
conn.close()
daemon.cleanup()
enospc_upload()
tap.done()
