#!/usr/bin/python3
"""vsh_migrate.py: `vsh migrate`, `domjobinfo` and `domjobabort` between
two vireods, each in its own network namespace with shared storage (the
setup of migrate.py, from vireotest.migration_pair), compared with stock
virsh where both have the command: client-driven live migration keeps
the guest's console counter running; --verbose progress; --p2p
--persistent --undefinesource; domjobinfo while a --bandwidth 1
migration runs (virsh's layout), domjobabort and Ctrl-C (both sides as
before); offline migration; a refused migration (name clash) leaves
both sides unchanged and prints what virsh prints; --p2p and the
client-driven form over qemu+ssh to an sshd inside the destination
namespace.  Emits TAP."""
import atexit
import os
import shutil
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["abs_top_srcdir"], "tests", "lib"))
import vireotest  # noqa: E402

libvirt = vireotest.require_guest()
GUEST, QEMU = vireotest.GUEST, vireotest.QEMU
VSH = os.path.join(vireotest.BUILD, "tools", "virsh-like", "vsh")
HELPER_DIR = os.path.join(vireotest.BUILD, "tools", "ssh-helper")
why = vireotest.netns_available()
if why:
    vireotest.skip_all(why)

libvirt.registerErrorHandler(lambda *a: None, None)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
tap = vireotest.Tap()
SRC_IP, DST_IP = "10.98.0.1", "10.98.0.2"
sns, dns, src_d, dst_d, shared = vireotest.migration_pair("vmg", SRC_IP,
                                                          DST_IP)
src = libvirt.open(src_d.uri)
dst = libvirt.open(dst_d.uri)
DST = dst_d.uri


def run(argv, timeout):
    """Run @argv; stdout and stderr decoded without newline translation
    (progress lines start with a carriage return)."""
    r = subprocess.run(argv, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    r.stdout = r.stdout.decode(errors="replace")
    r.stderr = r.stderr.decode(errors="replace")
    return r


def vsh(*args, uri=None, timeout=180):
    return run([VSH, "-c", uri or src_d.uri] + list(args), timeout)


def virsh(*args, uri=None, timeout=180):
    return run(["virsh", "-c", uri or src_d.uri] + list(args), timeout)


def state(conn, name):
    try:
        return conn.lookupByName(name).state()
    except libvirt.libvirtError:
        return None


def running(conn, name):
    s = state(conn, name)
    return bool(s) and s[0] == libvirt.VIR_DOMAIN_RUNNING


def names(conn):
    return sorted(d.name() for d in conn.listAllDomains(0))


def console(conn, name):
    return vireotest.GuestConsole(vireotest.console_pty(
        conn.lookupByName(name).XMLDesc(0)))


def boot(name, **kw):
    xml = vireotest.counter_guest_xml(name, shared, GUEST, QEMU, **kw)
    src.defineXML(xml).create()
    con = console(src, name)
    return con, con.wait(rb"VIREO-GUEST-READY", 120) is not None


def out(r):
    return "rc=%d\n%s%s" % (r.returncode, r.stdout, r.stderr)


def wait_job(name, conn=None, tries=150):
    """Poll `vsh domjobinfo` until the migration job shows memory moved;
    that output, or None."""
    for _ in range(tries):
        time.sleep(0.2)
        r = vsh("domjobinfo", name, uri=(conn or src_d).uri)
        if "Unbounded" in r.stdout and "Memory processed:" in r.stdout:
            return r.stdout
    return None


def labels(text):
    return [line.split(":")[0] for line in text.splitlines()]


# ---- 1. client-driven live migration; counter keeps running ----
con, ok = boot("vm1")
tap.ok(ok, "guest boots on the source")
before = vireotest.last_count(con, 15)
tap.ok(before is not None, "source console counts (last %s)" % before)
r = vsh("migrate", "--live", "vm1", DST)
tap.ok(r.returncode == 0 and r.stdout.strip() == "" and r.stderr == "",
       "vsh migrate --live succeeds silently", out(r))
tap.ok(state(src, "vm1") == [libvirt.VIR_DOMAIN_SHUTOFF,
                             libvirt.VIR_DOMAIN_SHUTOFF_MIGRATED],
       "source domain shut off (migrated)", state(src, "vm1"))
tap.ok(running(dst, "vm1"), "destination runs vm1", state(dst, "vm1"))
src_last = vireotest.last_count(con, 1) or before
con.close()
dcon = console(dst, "vm1")
m = dcon.wait(rb"VIREO-COUNT (\d+)\r?\n", 20)
after = int(m.group(1)) if m else None
tap.ok(after is not None and after > src_last and
       b"VIREO-GUEST-READY" not in dcon.buf,
       "counter continues on the destination, no reboot (%s -> %s)"
       % (src_last, after))
dcon.close()
a = vsh("domjobinfo", "--completed", "--keep-completed", "vm1", uri=DST)
b = virsh("domjobinfo", "--completed", "--keep-completed", "vm1", uri=DST)
tap.ok(a.returncode == 0 and "Completed" in a.stdout and
       "Total downtime:" in a.stdout and a.stdout == b.stdout,
       "domjobinfo --completed byte-identical to virsh",
       "vsh:\n%s\nvirsh:\n%s" % (out(a), out(b)))
# libvirt's figures: downtime up to the resume here, and the same spans
# without the clock delta between the hosts
tap.ok("Downtime w/o network:" in a.stdout and
       "Time elapsed w/o network:" in a.stdout,
       "the destination shows downtime and time elapsed w/o network",
       out(a))
a = vsh("domjobinfo", "--completed", "--keep-completed", "vm1")
b = virsh("domjobinfo", "--completed", "--keep-completed", "vm1")
tap.ok(a.returncode == 0 and "Outgoing migration" in a.stdout and
       "Downtime w/o network:" in a.stdout and a.stdout == b.stdout,
       "source: domjobinfo --completed as virsh, with the destination's "
       "downtime", "vsh:\n%s\nvirsh:\n%s" % (out(a), out(b)))
r = vsh("domjobinfo", "vm1", uri=DST)
v = virsh("domjobinfo", "vm1", uri=DST)
tap.ok(r.stdout == v.stdout and r.stdout.startswith("Job type:         None"),
       "domjobinfo without a job as virsh", "%r\n%r" % (r.stdout, v.stdout))
tap.ok(not dst.lookupByName("vm1").isPersistent() and "vm1" in names(src),
       "without --persistent: transient there, still defined here")

# ---- 2. output and --verbose progress (stderr) as virsh's ----
r = vsh("migrate", "--live", "vm1", src_d.uri, uri=DST)
v = virsh("migrate", "--live", "vm1", DST)
tap.ok(r.returncode == 0 and v.returncode == 0 and r.stdout == v.stdout and
       r.stderr == v.stderr == "", "vsh and virsh migrate print the same",
       "%r %r / %r %r" % (r.stdout, r.stderr, v.stdout, v.stderr))
r = vsh("migrate", "--live", "--verbose", "vm1", src_d.uri, uri=DST)
back = running(src, "vm1")
v = virsh("migrate", "--live", "--verbose", "vm1", DST)
tap.ok(r.returncode == 0 and back and v.returncode == 0 and
       running(dst, "vm1"), "vsh migrates back, virsh migrates again",
       out(r) + out(v))
pat = r"^(\rMigration: \[[ \d]{3} %\])*\rMigration: \[100 %\]$"
# Which intermediate percentages appear depends on timing: compare the
# form (the pattern, ending at 100 %), not the samples.
tap.ok(re.match(pat, r.stderr) and re.match(pat, v.stderr) and
       r.stdout == v.stdout,
       "--verbose progress on stderr as virsh's",
       "vsh %r\nvirsh %r" % (r.stderr, v.stderr))

# ---- 3. --p2p --persistent --undefinesource ----
con2, ok = boot("vm2")
tap.ok(ok, "second guest boots")
r = vsh("migrate", "--live", "--p2p", "--persistent", "--undefinesource",
        "vm2", DST)
d2 = dst.lookupByName("vm2") if "vm2" in names(dst) else None
tap.ok(r.returncode == 0 and "vm2" not in names(src) and d2 is not None and
       d2.isActive() and d2.isPersistent(),
       "--p2p --persistent --undefinesource: moved, defined there only",
       out(r) + str(names(src)))
con2.close()

# ---- 4. domjobinfo during a slowed migration, domjobabort ----
con3, ok = boot("vm3")
tap.ok(ok, "third guest boots")


def slow_migration(extra=()):
    return subprocess.Popen([VSH, "-c", src_d.uri, "migrate", "--live",
                             "--bandwidth", "1"] + list(extra) +
                            ["vm3", DST], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def unchanged_after(what):
    time.sleep(0.5)
    tap.ok(running(src, "vm3") and "vm3" not in names(dst),
           "%s: source still runs, nothing on the destination" % what,
           "%s %s" % (state(src, "vm3"), names(dst)))
    tap.ok(vireotest.last_count(con3, 3) is not None,
           "%s: the source guest keeps counting" % what)


p = slow_migration()
info = wait_job("vm3")
# The same fields as virsh's (which fields the daemon sends can change
# between two calls, e.g. once a bandwidth figure exists: a few tries).
for _ in range(10):
    mine = vsh("domjobinfo", "vm3").stdout
    vinfo = virsh("domjobinfo", "vm3").stdout
    if labels(mine) == labels(vinfo):
        break
tap.ok(info is not None and "Operation:        Outgoing migration" in info
       and re.search(r"^Time elapsed:     \d+ +ms$", info, re.M) and
       re.search(r"^Data processed:   [\d.]+ [KMG]?i?B$", info, re.M),
       "domjobinfo while migrating (--bandwidth 1)", info)
tap.ok("Outgoing migration" in mine and labels(mine) == labels(vinfo),
       "domjobinfo lines as virsh's", "%s\n---\n%s" % (mine, vinfo))
r = vsh("domjobabort", "vm3")
tap.ok(r.returncode == 0 and r.stdout.strip() == "" and r.stderr == "",
       "domjobabort", out(r))
try:
    pout, perr = p.communicate(timeout=60)
except subprocess.TimeoutExpired:
    p.kill()
    pout, perr = p.communicate()
tap.ok(p.returncode == 1 and perr.startswith("error: ") and
       re.search(r"abort|cancel", perr, re.I),
       "the aborted migrate fails with the reason", perr)
unchanged_after("domjobabort")

# ---- 5. Ctrl-C during migrate aborts the job ----
p = slow_migration(["--verbose"])
info = wait_job("vm3")
p.send_signal(signal.SIGINT)
try:
    pout, perr = p.communicate(timeout=60)
except subprocess.TimeoutExpired:
    p.kill()
    pout, perr = p.communicate()
tap.ok(info is not None and p.returncode == 1 and
       re.search(r"abort|cancel", perr, re.I) and
       "Migration: [100 %]" not in perr,
       "Ctrl-C aborts the migration", "rc %s %r" % (p.returncode, perr))
unchanged_after("Ctrl-C")

# ---- 6. a refused migration (name clash) leaves both sides unchanged ----
dst.defineXML(vireotest.counter_guest_xml("vm3", shared, GUEST, QEMU)
              .replace("<name>vm3</name>", "<name>vm3</name><uuid>"
                       "11111111-2222-3333-4444-555555555555</uuid>"))
before_src, before_dst = names(src), names(dst)
r = vsh("migrate", "--live", "vm3", DST)
v = virsh("migrate", "--live", "vm3", DST)
tap.ok(r.returncode == 1 and "already exists" in r.stderr and
       r.stderr == v.stderr and r.stdout == v.stdout,
       "name clash refused, the same error as virsh", out(r) + out(v))
time.sleep(0.5)
tap.ok(names(src) == before_src and names(dst) == before_dst and
       running(src, "vm3") and not dst.lookupByName("vm3").isActive() and
       dst.lookupByName("vm3").UUIDString() ==
       "11111111-2222-3333-4444-555555555555",
       "both sides unchanged after the refusal",
       "%s %s" % (names(src), names(dst)))
dst.lookupByName("vm3").undefine()

# ---- 7. offline migration of a definition ----
src.defineXML(vireotest.counter_guest_xml("vmoff", shared, GUEST, QEMU,
                                          counter=False))
r = vsh("migrate", "--offline", "--persistent", "--undefinesource", "vmoff",
        DST)
tap.ok(r.returncode == 0 and "vmoff" in names(dst) and
       "vmoff" not in names(src) and
       not dst.lookupByName("vmoff").isActive(),
       "--offline --persistent --undefinesource moves the definition",
       out(r))

# ---- 8. over qemu+ssh to an sshd inside the destination namespace ----
tmp = tempfile.mkdtemp(prefix="vireo-vshmig-ssh.")
atexit.register(shutil.rmtree, tmp, True)
for k in ("hostkey", "id"):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    os.path.join(tmp, k)], check=True)
os.rename(os.path.join(tmp, "id.pub"), os.path.join(tmp, "authorized_keys"))
with open(os.path.join(tmp, "sshd_config"), "w") as f:
    f.write("""ListenAddress %s:22
HostKey %s/hostkey
PidFile %s/sshd.pid
AuthorizedKeysFile %s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv PATH=%s:/usr/bin:/bin
""" % (DST_IP, tmp, tmp, tmp, HELPER_DIR))
os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
sshd = None
if os.access("/usr/sbin/sshd", os.X_OK):
    sshd = dns.popen(["/usr/sbin/sshd", "-f", os.path.join(tmp,
                                                           "sshd_config"),
                      "-D", "-e"], stdout=subprocess.DEVNULL,
                     stderr=open(os.path.join(tmp, "sshd.log"), "w"))
    for _ in range(50):
        if dns.run("nc", "-z", DST_IP, "22").returncode == 0:
            break
        time.sleep(0.1)
SSH_URI = ("qemu+ssh://root@%s/system?socket=%s&keyfile=%s/id&no_verify=1"
           % (DST_IP, dst_d.sock, tmp))
if sshd is None:
    tap.ok(True, "# SKIP no /usr/sbin/sshd: qemu+ssh migration")
else:
    con4, ok = boot("vm4")
    r = vsh("migrate", "--live", "--p2p", "vm4", SSH_URI)
    tap.ok(ok and r.returncode == 0 and running(dst, "vm4") and
           state(src, "vm4")[0] == libvirt.VIR_DOMAIN_SHUTOFF,
           "--p2p to qemu+ssh://root@%s/system" % DST_IP, out(r))
    con4.close()
    # peer-to-peer Confirm gets the destination's figures too
    a = vsh("domjobinfo", "--completed", "--keep-completed", "vm4")
    b = vsh("domjobinfo", "--completed", "--keep-completed", "vm4", uri=DST)
    down = [ln for ln in a.stdout.splitlines() if "downtime" in ln.lower()]
    tap.ok(len(down) == 2 and "Downtime w/o network:" in a.stdout and
           all(ln in b.stdout for ln in down),
           "--p2p: the source shows the destination's downtime",
           "source:\n%s\ndestination:\n%s" % (out(a), out(b)))
    # client-driven: vsh itself reaches the destination over ssh (run in
    # the source namespace, which routes to it)
    con5, ok = boot("vm5")
    r = sns.run(VSH, "-c", src_d.uri, "migrate", "--live", "--verbose",
                "vm5", SSH_URI)
    tap.ok(ok and r.returncode == 0 and running(dst, "vm5") and
           "Migration: [100 %]" in r.stderr,
           "client-driven migrate --live --verbose to qemu+ssh", out(r))
    c = console(dst, "vm5")
    tap.ok(c.wait(rb"VIREO-COUNT (\d+)\r?\n", 20) is not None and
           b"VIREO-GUEST-READY" not in c.buf,
           "the guest keeps counting after the ssh migration")
    c.close()
    con5.close()
    sshd.terminate()
    sshd.wait(10)

con3.close()
for conn in (src, dst):
    for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
        d.destroy()
tap.done()
