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


GUEST = os.environ.get("VIREO_GUEST_DIR", "/var/cache/vireo-test-guest")
QEMU = "/usr/bin/qemu-system-x86_64"


def require_guest(tools=(), root_because=None):
    """The set-up of a test that boots the test guest (tests/guest):
    returns the python-libvirt module, or skips the whole test, saying
    why, when python-libvirt, QEMU, one of @tools, root (when
    @root_because says why it is needed) or the built guest is missing."""
    try:
        import libvirt
    except ImportError:
        skip_all("python3-libvirt is not installed")
    if root_because and os.geteuid() != 0:
        skip_all("needs root (%s)" % root_because)
    for tool in (QEMU,) + tuple(tools):
        if not os.access(tool, os.X_OK):
            skip_all("%s is not installed" % tool)
    if not os.path.exists(os.path.join(GUEST, "vmlinuz")):
        skip_all("no test guest in %s: run tests/guest/build.sh" % GUEST)
    return libvirt


class Daemon:
    """A vireod under a private --root, stopped and removed at exit."""

    def __init__(self, name, root=None, args=()):
        self.root = root or tempfile.mkdtemp(prefix="vireo-test-%s." % name)
        self.owned = root is None
        if self.owned:
            # unprivileged helpers (dnsmasq, QEMU) must traverse the root
            os.chmod(self.root, 0o711)
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
            # QEMU and dnsmasq outlive vireod by design: whatever still runs
            # from this root (a test that failed half-way) is killed here.
            for pid in pids_using(self.root + "/"):
                if pid != os.getpid():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
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


# ---- network namespaces, a vireod inside one, guest consoles ----

def netns_available():
    """None when `ip netns add` works here, else the reason it does not."""
    name = "vireo-probe-%d" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return "ip netns add is not permitted: " + r.stderr.strip()
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


class Netns:
    """A network namespace of the test, deleted at exit (with whatever
    links it holds)."""

    def __init__(self, name):
        self.name = name
        subprocess.run(["ip", "netns", "add", name], check=True,
                       capture_output=True)
        atexit.register(self.delete)
        self.ip("link", "set", "lo", "up")

    def ip(self, *args, check=True):
        """`ip -n NS ARGS`; returns stdout (raises when check and it fails)."""
        r = subprocess.run(["ip", "-n", self.name] + list(args),
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("ip -n %s %s: %s" % (self.name, " ".join(args),
                                                     r.stderr.strip()))
        return r.stdout

    def run(self, *args):
        """ARGS inside the namespace; the CompletedProcess (text)."""
        return subprocess.run(["ip", "netns", "exec", self.name] + list(args),
                              capture_output=True, text=True)

    def popen(self, args, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.name] + list(args),
                                **kw)

    def links(self):
        """Names of the links in the namespace."""
        import json
        return [l["ifname"] for l in json.loads(self.ip("-j", "link") or "[]")]

    def delete(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


class NetnsDaemon(Daemon):
    """A vireod running inside network namespace @netns (`ip netns exec`
    execs it: the pid is vireod's).  Clients use its UNIX socket from any
    namespace."""

    def __init__(self, name, netns, root=None, args=()):
        super().__init__(name, root, args)
        self.netns = netns

    def start(self, timeout=10.0):
        import socket
        for sock in (self.sock, self.sock_ro):     # stale after kill -9
            if os.path.exists(sock):
                os.unlink(sock)
        log = open(os.path.join(self.root, "vireod.log"), "ab")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.netns,
                                      VIREOD, "--root", self.root] + self.args,
                                     stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.sock)
                return self
            except OSError:
                time.sleep(0.02)
            finally:
                s.close()
        raise RuntimeError("vireod did not start: " + self.log_tail())


def pids_with_cmdline(*words):
    """Pids whose command line contains every string in @words."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if all(w in cmd for w in words):
            out.append(int(pid))
    return out


def pids_using(prefix):
    """Pids whose command line names @prefix, or with an open file or a
    working directory below it: QEMU gets its monitor socket as a passed
    fd, so its command line no longer names the root; its log file (fds
    1 and 2) still lives there."""
    out = set(pids_with_cmdline(prefix))
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) in out:
            continue
        base = "/proc/%s/" % pid
        try:
            links = [os.readlink(base + "cwd")]
            links += [os.readlink(base + "fd/" + fd)
                      for fd in os.listdir(base + "fd")]
        except OSError:
            continue
        if any((link + "/").startswith(prefix) for link in links):
            out.add(int(pid))
    return sorted(out)


def libvirt_error(fn, *args):
    """Call @fn(*@args): None when it succeeds, else libvirt's message."""
    import libvirt
    try:
        fn(*args)
        return None
    except libvirt.libvirtError as e:
        return e.get_error_message()


def sparse_image(path, mib):
    """A sparse raw image of @mib MiB at @path; returns @path."""
    subprocess.run(["truncate", "-s", "%dM" % mib, path], check=True)
    return path


def guest_has(cons, path, want, timeout=30):
    """Poll the guest's shell on @cons until `test -e PATH` is @want."""
    end = time.time() + timeout
    while time.time() < end:
        rc, out = cons.run('test -e %s && echo Y""ES || echo N""O' % path,
                           timeout=10)
        if ("YES" in out) == want:
            return True
        time.sleep(1)
    return False


class GuestConsole:
    """The serial console (pty) of a test guest (tests/guest): markers and
    a root shell.  Open it right after the start: QEMU drops output while
    nobody holds the pty."""

    def __init__(self, path):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = b""
        self.pos = 0
        self.seq = 0

    def _fill(self, timeout):
        import select
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                self.buf += os.read(self.fd, 65536)
            except OSError:
                time.sleep(0.05)

    def wait(self, pattern, timeout, since=None):
        """The first match of bytes regex @pattern in the output after
        @since (default: after the last match), waiting up to @timeout s;
        None on timeout."""
        import re
        start = self.pos if since is None else since
        end = time.monotonic() + timeout
        while True:
            m = re.compile(pattern).search(self.buf, start)
            if m:
                self.pos = max(self.pos, m.end())
                return m
            left = end - time.monotonic()
            if left <= 0:
                return None
            self._fill(min(left, 0.5))

    def run(self, command, timeout=20):
        """Type @command in the guest shell.  Returns (exit status or None
        on timeout, the output text after the command line)."""
        import re
        self.seq += 1
        tag = "VR-RC-%d" % self.seq
        start = len(self.buf)
        line = "%s; echo %s=$?\n" % (command, tag)
        os.write(self.fd, line.encode())
        m = self.wait(tag.encode() + rb"=(\d+)", timeout, since=start)
        text = self.buf[start:m.start() if m else len(self.buf)]
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", text)
        return (int(m.group(1)) if m else None,
                text.decode(errors="replace"))

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# ---- migration tests: two daemons in two namespaces, shared storage ----

def migration_pair(tag, src_ip="10.98.0.1", dst_ip="10.98.0.2"):
    """Two network namespaces joined by a veth (@src_ip <-> @dst_ip /24),
    a vireod in each (VIREOD_MIGRATION_HOST set to its address) and a
    shared directory both reach.  Returns (src_ns, dst_ns, src_daemon,
    dst_daemon, shared_dir); everything is removed at exit."""
    sns = Netns("vireo-%ss-%d" % (tag, os.getpid()))
    dns = Netns("vireo-%sd-%d" % (tag, os.getpid()))
    sns.ip("link", "add", "vmig0", "type", "veth", "peer", "name", "vmig1",
           "netns", dns.name)
    sns.ip("addr", "add", src_ip + "/24", "dev", "vmig0")
    sns.ip("link", "set", "vmig0", "up")
    dns.ip("addr", "add", dst_ip + "/24", "dev", "vmig1")
    dns.ip("link", "set", "vmig1", "up")
    daemons = []
    for name, ns, ip in (("src", sns, src_ip), ("dst", dns, dst_ip)):
        d = NetnsDaemon("%s-%s" % (tag, name), ns.name)
        os.environ["VIREOD_MIGRATION_HOST"] = ip
        try:
            d.start()
        finally:
            del os.environ["VIREOD_MIGRATION_HOST"]
        daemons.append(d)
    shared = os.path.join(daemons[0].root, "shared")
    os.mkdir(shared)
    return sns, dns, daemons[0], daemons[1], shared


def counter_guest_xml(name, shared, guest_dir, qemu, machine="pc",
                      counter=True, mem=128, extra_dev=""):
    """A TCG test guest (tests/guest) with a qcow2 disk in @shared (made
    when missing) whose console prints VIREO-COUNT n every second when
    @counter."""
    disk = os.path.join(shared, name + ".qcow2")
    if not os.path.exists(disk):
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk,
                        "64M"], check=True)
    cmd = "console=ttyS0 quiet panic=-1" + (" vireo.counter=1"
                                             if counter else "")
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='%s'>hvm</type>
    <kernel>%s</kernel><initrd>%s</initrd>
    <cmdline>%s</cmdline></os>
  <features><acpi/></features>
  <devices><emulator>%s</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='%s'/><target dev='vda' bus='virtio'/></disk>%s
    <serial type='pty'/><console type='pty'/></devices>
</domain>""" % (name, mem, machine, os.path.join(guest_dir, "vmlinuz"),
                os.path.join(guest_dir, "initrd.img"), cmd, qemu, disk,
                extra_dev)


def console_pty(xml):
    """The console pty path in a running domain's XML, or None."""
    import re
    m = re.search(r"<console type='pty'>\s*<source path='([^']+)'", xml)
    return m.group(1) if m else None


def last_count(con, timeout=5):
    """The last VIREO-COUNT value the console shows within @timeout s
    (then until 0.2 s pass without a new one), or None."""
    m = None
    while True:
        n = con.wait(rb"VIREO-COUNT (\d+)\r?\n", timeout)
        if not n:
            return int(m.group(1)) if m else None
        m, timeout = n, 0.2
