"""vsh's interactive shell in a real pseudo-terminal: readline editing, tab
completion of commands, options and domain names, and the history file."""
import os
import pty
import select
import sys
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
from vireotest import BUILD, Daemon, Tap, domain_xml, skip_all  # noqa: E402

try:
    import libvirt
except ImportError:
    skip_all("python3-libvirt not installed")

VSH = os.path.join(BUILD, "tools", "virsh-like", "vsh")
t = Tap()
d = Daemon("vshtty").start()
c = libvirt.open(d.uri)
c.defineXML(domain_xml("alpha-web"))
c.defineXML(domain_xml("beta-db"))
c.close()
home = os.path.join(d.root, "home")
os.makedirs(home)

pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"),
               TERM="dumb", INPUTRC="/dev/null")
    os.execve(VSH, [VSH, "-c", d.uri], env)


def read_until(marker, timeout=10.0):
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            if marker in buf:
                return buf
    return buf


def send(s):
    os.write(fd, s.encode())


out = read_until(b"vsh # ")
t.ok(b"vsh # " in out, "interactive prompt", out[-200:])
# "domstat" is a prefix of domstate and domstats: type the "e", tab ends
# the word.
send("domstat")
read_until(b"domstat")
send("e\t")
out = read_until(b"e ")
t.ok(b"e " in out, "tab completes a command name", out)
send(" alp\t")
out = read_until(b"alpha-web")
t.ok(b"alpha-web" in out, "tab completes a domain name", out)
send(" --rea\t")
out = read_until(b"--reason")
t.ok(b"--reason" in out, "tab completes an option", out)
send("\r")
out = read_until(b"vsh # ")
t.ok(b"shut off (unknown)" in out, "completed command runs", out)
send("list --all --name\r")
out = read_until(b"vsh # ")
t.ok(b"alpha-web" in out and b"beta-db" in out, "second command in the same session", out)
send("quit\r")
read_until(b"\n", 3)
_, status = os.waitpid(pid, 0)
t.ok(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "quit exits 0", status)
hist = None
for root, _, files in os.walk(home):
    for f in files:
        if "hist" in f:
            hist = open(os.path.join(root, f)).read()
t.ok(hist is not None and "list --all --name" in hist, "history file written", hist)
t.done()
