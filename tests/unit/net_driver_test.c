/* net_driver_test.c: cmocka tests for the network driver (src/network/
 * net_driver*.c) with the real host side: bridges through netlink, the
 * nft table, dnsmasq running as its unprivileged user.
 *
 * Everything happens in a private network and mount namespace made by
 * main() (unshare(CLONE_NEWNET | CLONE_NEWNS), sysfs remounted); the
 * host's network is never touched.  The driver's files live in a temp
 * root.  Results are checked with independent tools (sysfs, `ip`, `nft`,
 * /proc, a raw DNS query), not through the code under test.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <glib.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "network/net_driver.h"
#include "network/net_driver_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_macros.h"
#include "util/vr_netlink.h"

#define NAT_XML \
    "<network><name>%s</name><forward mode='nat'/>" \
    "<dns><host ip='10.50.%d.5'><hostname>gw</hostname></host></dns>" \
    "<ip address='10.50.%d.1' prefix='24'><dhcp>" \
    "<range start='10.50.%d.100' end='10.50.%d.200'/>" \
    "</dhcp></ip></network>"

static char *root;

typedef struct {
    NetDriver *drv;
    VrPaths *paths;
    GArray *events;     /* int */
} Fixture;

static char *
enter_netns(void)
{
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
        return g_strdup_printf("cannot create a network namespace "
                               "(unshare: %s); needs CAP_SYS_ADMIN",
                               g_strerror(errno));
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        umount2("/sys", MNT_DETACH) < 0 ||
        mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
        return g_strdup_printf("cannot remount /sys in the private "
                               "namespace: %s", g_strerror(errno));
    /* local traffic (our DNS queries to the bridge address) needs lo */
    if (vr_netlink_link_set_up("lo", true) < 0)
        return g_strdup_printf("cannot set lo up: %s", vr_error_message());
    if (access("/usr/sbin/dnsmasq", X_OK) < 0 ||
        access("/usr/sbin/nft", X_OK) < 0)
        return g_strdup("dnsmasq or nft is not installed");
    return NULL;
}

static void
on_event(const NetRef *net G_GNUC_UNUSED, int event, int detail G_GNUC_UNUSED,
         void *opaque)
{
    g_array_append_val((GArray *) opaque, event);
}

static NetDriver *
new_driver(Fixture *f)
{
    NetDriver *drv = net_driver_new(f->paths);

    if (!drv)
        fail_msg("net_driver_new: %s", vr_error_message());
    net_driver_set_event_callback(drv, on_event, f->events);
    return drv;
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    root = g_dir_make_tmp("vireo-netdrv-XXXXXX", NULL);
    /* dnsmasq reads its hosts files as the dnsmasq user. */
    assert_int_equal(chmod(root, 0755), 0);
    f->paths = vr_paths_new(false, root);
    assert_non_null(f->paths);
    assert_int_equal(vr_paths_create(f->paths), 0);
    /* Session-mode paths are 0700; the system daemon's are 0755. */
    for (const char *const *d = (const char *const[]) { "var", "var/lib",
                                  "var/lib/vireo", NULL }; *d; d++) {
        g_autofree char *p = g_build_filename(root, *d, NULL);

        assert_int_equal(chmod(p, 0755), 0);
    }
    f->events = g_array_new(FALSE, FALSE, sizeof(int));
    f->drv = new_driver(f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    g_autoptr(VrCommand) cmd = vr_command_new("rm");
    NetRef *refs = NULL;
    size_t n = 0;

    /* Leave nothing running for the next test. */
    if (f->drv && net_list_all(f->drv, NET_LIST_ACTIVE, &refs, &n) == 0)
        for (size_t i = 0; i < n; i++)
            net_destroy(f->drv, &refs[i]);
    net_ref_array_free(refs, n);
    net_driver_free(f->drv);
    vr_paths_free(f->paths);
    g_array_unref(f->events);
    vr_command_add_arg(cmd, "-rf");
    vr_command_add_arg(cmd, root);
    if (!g_getenv("NET_DRIVER_TEST_KEEP"))    /* debugging aid */
        vr_command_run(cmd, NULL, NULL, NULL);
    g_clear_pointer(&root, g_free);
    g_free(f);
    return 0;
}

static void
define_nat(Fixture *f, const char *name, int net, NetRef *ref)
{
    g_autofree char *xml = g_strdup_printf(NAT_XML, name, net, net, net, net);

    if (net_define(f->drv, xml, 0, ref) < 0)
        fail_msg("define %s: %s", name, vr_error_message());
}

static void
start_ok(Fixture *f, NetRef *ref)
{
    if (net_start(f->drv, ref) < 0)
        fail_msg("start %s: %s", ref->name, vr_error_message());
}

/* Run @argv; returns its stdout (owned) and *status. */
static char *
run(int *status, const char *bin, ...)
{
    g_autoptr(VrCommand) cmd = vr_command_new(bin);
    char *out = NULL;
    const char *arg;
    va_list ap;

    va_start(ap, bin);
    while ((arg = va_arg(ap, const char *)))
        vr_command_add_arg(cmd, arg);
    va_end(ap);
    if (vr_command_run(cmd, status, &out, NULL) < 0)
        fail_msg("cannot run %s: %s", bin, vr_error_message());
    return out;
}

static bool
link_exists(const char *name)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s", name);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static bool
table_exists(const char *name)
{
    g_autofree char *table = g_strdup_printf("vireo_%s", name);
    g_autofree char *out = NULL;
    int status = -1;

    out = run(&status, "nft", "list", "table", "inet", table, NULL);
    return status == 0;
}

static char *
file_path(const char *dir, const char *name, const char *suffix)
{
    return g_strdup_printf("%s/%s/network/%s.%s", root, dir, name, suffix);
}

/* dnsmasq's pid from its pidfile (<run>/network/NAME.pid), or 0. */
static pid_t
dnsmasq_pid(const char *name)
{
    g_autofree char *path = file_path("run/vireo", name, "pid");
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return (pid_t) atoi(text);
}

static bool
pid_alive(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
    g_autofree char *text = NULL;

    /* A zombie (our reaped-later child) counts as gone. */
    return pid > 0 && g_file_get_contents(path, &text, NULL, NULL) &&
           !strstr(text, "State:\tZ");
}

static uid_t
pid_uid(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
    g_autofree char *text = NULL;
    char *line;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(line = strstr(text, "\nUid:\t")))
        return (uid_t) -1;
    return (uid_t) strtoul(line + 6, NULL, 10);
}

/* Send an A query for @qname to @server:53 and return the first A
 * record's address (owned text), or NULL. */
static char *
dns_query_a(const char *server, const char *qname)
{
    unsigned char q[512] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
    unsigned char r[512];
    size_t len = 12;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
    struct timeval tv = { .tv_sec = 2 };
    VR_AUTOCLOSE int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    g_auto(GStrv) labels = g_strsplit(qname, ".", -1);
    ssize_t n;

    for (char **l = labels; *l; l++) {
        q[len++] = (unsigned char) strlen(*l);
        memcpy(q + len, *l, strlen(*l));
        len += strlen(*l);
    }
    q[len++] = 0;
    q[len++] = 0; q[len++] = 1;     /* A */
    q[len++] = 0; q[len++] = 1;     /* IN */
    inet_pton(AF_INET, server, &sa.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (sendto(fd, q, len, 0, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
        (n = recv(fd, r, sizeof(r), 0)) < (ssize_t) len + 16 ||
        r[0] != 0x12 || r[1] != 0x34 || (r[3] & 0x0f) != 0 ||
        (r[6] << 8 | r[7]) == 0)
        return NULL;
    /* Answer: name pointer (2), type, class (4), ttl (4), rdlen (2). */
    if (r[len + 2] != 0 || r[len + 3] != 1 || r[len + 11] != 4)
        return NULL;
    return g_strdup_printf("%u.%u.%u.%u", r[len + 12], r[len + 13],
                           r[len + 14], r[len + 15]);
}

/* Iterate the main loop until @cond or 10 s. */
#define WAIT_FOR(cond) \
    do { \
        for (int i_ = 0; i_ < 1000 && !(cond); i_++) { \
            while (g_main_context_iteration(NULL, FALSE)) \
                ; \
            g_usleep(10000); \
        } \
    } while (0)

static bool
dir_has_files(const char *sub)
{
    g_autofree char *dir = g_build_filename(root, sub, "network", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d)))
        if (f[0] != '.')
            return true;
    return false;
}

static void
test_nat_lifecycle(void **state)
{
    Fixture *f = *state;
    NetRef ref = { 0 };
    g_autofree char *addrs = NULL;
    g_autofree char *ss = NULL;
    g_autofree char *answer = NULL;
    g_autofree char *bridge = NULL;
    struct passwd *pw = getpwnam("dnsmasq");
    pid_t pid;
    int status;

    define_nat(f, "nat1", 1, &ref);
    bridge = net_get_bridge_name(f->drv, &ref);
    assert_string_equal(bridge, "virbr0");      /* chosen and persisted */
    start_ok(f, &ref);
    assert_int_equal(net_is_active(f->drv, &ref), 1);
    assert_true(link_exists("virbr0"));
    addrs = run(&status, "ip", "-o", "addr", "show", "dev", "virbr0", NULL);
    assert_non_null(strstr(addrs, "10.50.1.1/24"));
    assert_true(table_exists("nat1"));
    pid = dnsmasq_pid("nat1");
    assert_true(pid_alive(pid));
    assert_int_equal(pid_uid(pid), pw ? pw->pw_uid : 65534);
    ss = run(&status, "ss", "-lunp", NULL);
    assert_non_null(strstr(ss, "10.50.1.1:53"));
    assert_non_null(strstr(ss, "%virbr0:67"));
    answer = dns_query_a("10.50.1.1", "gw");
    assert_non_null(answer);
    assert_string_equal(answer, "10.50.1.5");
    /* starting it twice is refused */
    assert_int_equal(net_start(f->drv, &ref), -1);
    assert_non_null(strstr(vr_error_message(), "is already active"));

    assert_int_equal(net_destroy(f->drv, &ref), 0);
    assert_false(link_exists("virbr0"));
    assert_false(table_exists("nat1"));
    assert_false(pid_alive(pid));
    assert_false(dir_has_files("var/lib/vireo"));
    assert_false(dir_has_files("run/vireo"));
    assert_int_equal(net_destroy(f->drv, &ref), -1);
    assert_non_null(strstr(vr_error_message(), "is not active"));
    /* DEFINED, STARTED, STOPPED */
    assert_int_equal(f->events->len, 3);
    assert_int_equal(g_array_index(f->events, int, 0), 0);
    assert_int_equal(g_array_index(f->events, int, 1), 2);
    assert_int_equal(g_array_index(f->events, int, 2), 3);
    net_ref_clear(&ref);
}

static void
test_overlap(void **state)
{
    Fixture *f = *state;
    NetRef a = { 0 }, b = { 0 }, c = { 0 };
    VrNetAddr host;

    define_nat(f, "ova", 2, &a);
    start_ok(f, &a);
    assert_int_equal(net_define(f->drv,
                                "<network><name>ovb</name>"
                                "<ip address='10.50.0.1' prefix='16'/>"
                                "</network>", 0, &b), 0);
    assert_int_equal(net_start(f->drv, &b), -1);
    assert_non_null(strstr(vr_error_message(), "10.50.2.0/24"));
    assert_non_null(strstr(vr_error_message(), "'ova'"));
    assert_false(link_exists("virbr1"));
    assert_false(table_exists("ovb"));

    /* an address on a host link */
    assert_int_equal(vr_netlink_bridge_create("hostbr", NULL, 0), 0);
    assert_int_equal(vr_net_addr_parse("10.60.0.1", &host), 0);
    assert_int_equal(vr_netlink_addr_add("hostbr", &host, 24), 0);
    assert_int_equal(net_define(f->drv,
                                "<network><name>ovc</name>"
                                "<ip address='10.60.0.1' prefix='24'/>"
                                "</network>", 0, &c), 0);
    assert_int_equal(net_start(f->drv, &c), -1);
    assert_non_null(strstr(vr_error_message(), "hostbr"));
    assert_non_null(strstr(vr_error_message(), "10.60.0.0/24"));
    assert_int_equal(net_is_active(f->drv, &c), 0);
    assert_int_equal(vr_netlink_link_delete("hostbr"), 0);
    net_ref_clear(&a);
    net_ref_clear(&b);
    net_ref_clear(&c);
}

static void
test_dnsmasq_restart(void **state)
{
    Fixture *f = *state;
    NetRef ref = { 0 };
    pid_t old, now = 0;

    define_nat(f, "rst", 3, &ref);
    start_ok(f, &ref);
    old = dnsmasq_pid("rst");
    assert_true(pid_alive(old));
    assert_int_equal(kill(old, SIGKILL), 0);
    WAIT_FOR((now = dnsmasq_pid("rst")) != old && pid_alive(now));
    assert_int_not_equal(now, old);
    assert_true(pid_alive(now));
    assert_false(pid_alive(old));
    g_autofree char *answer = dns_query_a("10.50.3.1", "gw");
    assert_non_null(answer);
    net_ref_clear(&ref);
}

static unsigned int
count_in_file_text(const char *text, const char *needle)
{
    unsigned int n = 0;

    for (const char *p = text; p && (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static unsigned int
count_in_file(const char *path, const char *needle)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return count_in_file_text(text, needle);
}

static void
test_update_hosts(void **state)
{
    Fixture *f = *state;
    NetRef ref = { 0 };
    g_autofree char *hosts = file_path("var/lib/vireo", "upd", "hostsfile");
    g_autofree char *conf = g_strdup_printf("%s/etc/vireo/networks/upd.xml",
                                            root);
    g_autofree char *log = g_strdup_printf("%s/var/log/vireo/network/upd.log",
                                           root);
    const char *host = "<host mac='52:54:00:00:00:0a' name='h1' "
                       "ip='10.50.4.10'/>";
    pid_t pid;

    define_nat(f, "upd", 4, &ref);
    start_ok(f, &ref);
    pid = dnsmasq_pid("upd");
    WAIT_FOR(count_in_file(log, "upd.hostsfile") >= 1);
    assert_int_equal(count_in_file(log, "upd.hostsfile"), 1);
    assert_int_equal(net_update(f->drv, &ref, 3, 4, -1, host, 3), 0);
    assert_int_equal(count_in_file(hosts, "52:54:00:00:00:0a,10.50.4.10,h1"),
                     1);
    assert_int_equal(count_in_file(conf, "52:54:00:00:00:0a"), 1);
    /* dnsmasq re-read its hosts file (SIGHUP), same process */
    WAIT_FOR(count_in_file(log, "upd.hostsfile") >= 2);
    assert_int_equal(count_in_file(log, "upd.hostsfile"), 2);
    assert_int_equal(dnsmasq_pid("upd"), pid);
    assert_true(pid_alive(pid));
    /* a duplicate is refused */
    assert_int_equal(net_update(f->drv, &ref, 4, 4, -1, host, 1), -1);
    assert_non_null(strstr(vr_error_message(), "existing dhcp host"));
    /* outside the subnet */
    assert_int_equal(net_update(f->drv, &ref, 3, 4, -1,
                                "<host mac='52:54:00:00:00:0b' "
                                "ip='10.99.0.1'/>", 1), -1);
    /* delete, live only: the config keeps it */
    assert_int_equal(net_update(f->drv, &ref, 2, 4, -1, host, 1), 0);
    assert_int_equal(count_in_file(hosts, "52:54:00:00:00:0a"), 0);
    assert_int_equal(count_in_file(conf, "52:54:00:00:00:0a"), 1);
    assert_int_equal(net_update(f->drv, &ref, 2, 4, -1, host, 1), -1);
    assert_non_null(strstr(vr_error_message(), "couldn't locate"));
    assert_int_equal(net_update(f->drv, &ref, 2, 4, -1, host, 2), 0);
    assert_int_equal(count_in_file(conf, "52:54:00:00:00:0a"), 0);
    assert_int_equal(dnsmasq_pid("upd"), pid);
    net_ref_clear(&ref);
}

static unsigned int
count_tables(const char *name)
{
    g_autofree char *out = NULL;
    g_autofree char *want = g_strdup_printf("table inet vireo_%s\n", name);
    int status;

    out = run(&status, "nft", "list", "tables", NULL);
    return count_in_file_text(out, want);
}

static void
test_reconcile(void **state)
{
    Fixture *f = *state;
    NetRef ref = { 0 };
    pid_t pid;

    define_nat(f, "adopt", 5, &ref);
    start_ok(f, &ref);
    pid = dnsmasq_pid("adopt");
    /* the daemon goes away, its networks keep running */
    net_driver_free(f->drv);
    f->drv = new_driver(f);
    net_driver_start_background(f->drv);
    assert_int_equal(net_is_active(f->drv, &ref), 1);
    assert_int_equal(dnsmasq_pid("adopt"), pid);
    assert_true(pid_alive(pid));
    assert_int_equal(count_tables("adopt"), 1);
    assert_true(link_exists("virbr0"));
    /* adopted dnsmasq is supervised too */
    assert_int_equal(kill(pid, SIGKILL), 0);
    WAIT_FOR(dnsmasq_pid("adopt") != pid && pid_alive(dnsmasq_pid("adopt")));
    assert_int_not_equal(dnsmasq_pid("adopt"), pid);
    assert_int_equal(net_destroy(f->drv, &ref), 0);
    assert_false(link_exists("virbr0"));
    assert_int_equal(count_tables("adopt"), 0);

    /* a bridge deleted behind our back: marked inactive and cleaned up */
    start_ok(f, &ref);
    pid = dnsmasq_pid("adopt");
    net_driver_free(f->drv);
    assert_int_equal(vr_netlink_link_delete("virbr0"), 0);
    f->drv = new_driver(f);
    net_driver_start_background(f->drv);
    assert_int_equal(net_is_active(f->drv, &ref), 0);
    assert_false(pid_alive(pid));
    assert_int_equal(count_tables("adopt"), 0);
    net_ref_clear(&ref);
}

static void
test_bridge_mode(void **state)
{
    Fixture *f = *state;
    NetRef ref = { 0 };
    char *bridge = NULL;

    assert_int_equal(net_define(f->drv,
                                "<network><name>hb</name>"
                                "<forward mode='bridge'/>"
                                "<bridge name='br-host'/></network>", 0,
                                &ref), 0);
    assert_int_equal(net_start(f->drv, &ref), -1);
    assert_non_null(strstr(vr_error_message(), "br-host"));
    assert_int_equal(vr_netlink_bridge_create("br-host", NULL, 0), 0);
    start_ok(f, &ref);
    assert_int_equal(net_port_get_bridge(f->drv, "hb", &bridge), 0);
    assert_string_equal(bridge, "br-host");
    g_free(bridge);
    assert_int_equal(net_destroy(f->drv, &ref), 0);
    assert_true(link_exists("br-host"));    /* not ours */
    assert_int_equal(net_port_get_bridge(f->drv, "hb", &bridge), -1);
    assert_non_null(strstr(vr_error_message(), "vsh net-start hb"));
    assert_int_equal(vr_netlink_link_delete("br-host"), 0);
    net_ref_clear(&ref);
}

static void
test_definitions(void **state)
{
    Fixture *f = *state;
    NetRef a = { 0 }, t = { 0 }, x = { 0 };
    NetRef *refs = NULL;
    size_t n = 0;
    bool autostart = true;
    g_autofree char *link = g_strdup_printf(
        "%s/etc/vireo/networks/autostart/defs.xml", root);
    g_autofree char *xml = NULL;

    define_nat(f, "defs", 6, &a);
    assert_int_equal(net_get_autostart(f->drv, &a, &autostart), 0);
    assert_false(autostart);
    assert_int_equal(net_set_autostart(f->drv, &a, true), 0);
    assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    /* same name, other uuid */
    assert_int_equal(net_define(f->drv,
                                "<network><name>defs</name><uuid>"
                                "11111111-2222-3333-4444-555555555555</uuid>"
                                "</network>", 0, &x), -1);
    assert_non_null(strstr(vr_error_message(), "already defined"));
    /* transient network, next bridge name */
    assert_int_equal(net_create_xml(f->drv,
                                    "<network><name>tr</name>"
                                    "<ip address='10.50.7.1' prefix='24'/>"
                                    "</network>", 0, &t), 0);
    assert_int_equal(net_is_persistent(f->drv, &t), 0);
    xml = net_get_xml(f->drv, &t, 0);
    assert_non_null(strstr(xml, "virbr1"));
    assert_true(link_exists("virbr1"));
    assert_int_equal(net_list_all(f->drv, NET_LIST_TRANSIENT, &refs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refs[0].name, "tr");
    net_ref_array_free(refs, n);
    assert_int_equal(net_list_all(f->drv, NET_LIST_AUTOSTART |
                                  NET_LIST_INACTIVE, &refs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refs[0].name, "defs");
    net_ref_array_free(refs, n);
    assert_int_equal(net_count(f->drv, true), 1);
    assert_int_equal(net_destroy(f->drv, &t), 0);
    assert_int_equal(net_lookup_by_name(f->drv, "tr", &x), -1);
    assert_int_equal(vr_error_code(), 43);
    assert_non_null(strstr(vr_error_message(), "no network with matching "
                           "name 'tr'"));
    /* persistence: a new driver reads it back */
    net_driver_free(f->drv);
    f->drv = new_driver(f);
    assert_int_equal(net_get_autostart(f->drv, &a, &autostart), 0);
    assert_true(autostart);
    assert_int_equal(net_undefine(f->drv, &a), 0);
    assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    assert_int_equal(net_count(f->drv, false), 0);
    net_ref_clear(&a);
    net_ref_clear(&t);
}

/* dnsmasq reads its hosts files as its own user: the driver notices
 * (and warns) when a directory on the way (a 0700 --root) or the file
 * forbids it.  Regression: a test root from mkdtemp silently broke DNS
 * host entries and DHCP reservations. */
static void
test_dnsmasq_access(void **state G_GNUC_UNUSED)
{
    g_autofree char *top = g_dir_make_tmp("vireo-netacc-XXXXXX", NULL);
    g_autofree char *sub = g_build_filename(top, "network", NULL);
    g_autofree char *file = g_build_filename(sub, "n.addnhosts", NULL);
    g_autofree char *res = NULL;
    uid_t nobody = 65534;

    assert_non_null(top);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(chmod(sub, 0755), 0);   /* whatever the umask */
    assert_true(g_file_set_contents(file, "10.0.0.1 x\n", -1, NULL));
    assert_int_equal(chmod(file, 0644), 0);
    assert_int_equal(chmod(top, 0700), 0);
    res = net_dnsmasq_unreadable(file, nobody, nobody);
    assert_string_equal(res, top);
    g_clear_pointer(&res, g_free);
    assert_int_equal(chmod(top, 0711), 0);
    assert_null(net_dnsmasq_unreadable(file, nobody, nobody));
    /* the owner's bits apply to the owner */
    assert_int_equal(chown(file, nobody, (gid_t) -1), 0);
    assert_int_equal(chmod(file, 0600), 0);
    assert_null(net_dnsmasq_unreadable(file, nobody, nobody));
    assert_int_equal(chown(file, 0, (gid_t) -1), 0);
    res = net_dnsmasq_unreadable(file, nobody, nobody);
    assert_string_equal(res, file);
    g_clear_pointer(&res, g_free);
    res = net_dnsmasq_unreadable("/nonexistent/x", nobody, nobody);
    assert_string_equal(res, "/nonexistent/x");
    assert_int_equal(unlink(file), 0);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(rmdir(top), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nat_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dnsmasq_restart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_update_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bridge_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_definitions, setup, teardown),
        cmocka_unit_test(test_dnsmasq_access),
    };
    g_autofree char *skip_reason = enter_netns();

    if (skip_reason) {
        printf("1..0 # SKIP %s\n", skip_reason);
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
