"""vireotest.py: TAP output and real vireod instances for Python integration tests."""
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BUILD = os.environ["abs_top_builddir"]
SRC = os.environ["abs_top_srcdir"]
VIREOD = os.path.join(BUILD, "src", "daemon", "vireod")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, detail=None):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, desc), flush=True)
        if not cond:
            self.failed += 1
            if detail:
                for line in str(detail).splitlines()[:20]:
                    print("# " + line)
        return cond

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


class Daemon:
    """A vireod under a private --root, stopped and removed at exit."""

    def __init__(self, name, root=None, args=()):
        self.root = root or tempfile.mkdtemp(prefix="vireo-test-%s." % name)
        self.owned = root is None
        self.sock = os.path.join(self.root, "run", "vireo", "vireo-sock")
        self.sock_ro = self.sock + "-ro"
        self.uri = "qemu+unix:///system?socket=" + self.sock
        self.uri_ro = "qemu+unix:///system?socket=" + self.sock_ro
        self.proc = None
        self.args = list(args)
        atexit.register(self.cleanup)

    def start(self, timeout=10.0):
        log = open(os.path.join(self.root, "vireod.log"), "ab")
        self.proc = subprocess.Popen([VIREOD, "--root", self.root] + self.args,
                                     stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.sock):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("vireod did not start: " + self.log_tail())

    def log_tail(self):
        try:
            with open(os.path.join(self.root, "vireod.log")) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return "(no log)"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        self.stop()
        if self.owned:
            shutil.rmtree(self.root, ignore_errors=True)


def domain_xml(name, uuid=None, mem_mib=128, extra=""):
    u = "<uuid>%s</uuid>" % uuid if uuid else ""
    return """<domain type='qemu'>
  <name>%s</name>
  %s
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  %s
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/vireo/images/%s.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
""" % (name, u, mem_mib, extra, name)
