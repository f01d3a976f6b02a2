/* net_dnsmasq_test.c: golden tests of the dnsmasq configuration of a
 * virtual network, dnsmasq's own syntax check of every generated file,
 * and the lease file parser.
 *
 * tests/data/dnsmasq/CASE.xml (a network definition, schema-validated) is
 * formatted with fixed paths; the result must equal CASE.conf, and the
 * dhcp-hostsfile / addn-hosts contents CASE.hostsfile / CASE.addnhosts
 * (absent when empty).  "dnsmasq --test" must accept each CASE.conf with
 * the hostsfile lines added as dhcp-host= options (skipped, saying why,
 * when dnsmasq is not installed).  VIREO_REGENERATE=1 rewrites the
 * expected files; files no case uses fail the "unused-files" test.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_golden.h"
#include "network/net_dnsmasq.h"
#include "util/vr_command.h"
#include "util/vr_error.h"

static char *data_dir;
static GPtrArray *unused;
static char *dnsmasq_bin;

static char *
format_conf(const VrNetworkDef *def)
{
    g_autofree char *pid = g_strdup_printf("/run/vireo/network/%s.pid",
                                           def->name);
    g_autofree char *leases = g_strdup_printf(
        "/var/lib/vireo/network/%s.leases", def->name);
    g_autofree char *hosts = g_strdup_printf(
        "/var/lib/vireo/network/%s.hostsfile", def->name);
    g_autofree char *addn = g_strdup_printf(
        "/var/lib/vireo/network/%s.addnhosts", def->name);
    NetDnsmasqParams params = {
        .pidfile = pid, .leasefile = leases, .hostsfile = hosts,
        .addnhosts = addn, .user = "dnsmasq",
    };

    return net_dnsmasq_conf_format(def, &params);
}

static void
test_golden(void **state)
{
    const char *name = *state;
    g_autoptr(VrNetworkDef) def = net_golden_parse(data_dir, name);
    g_autofree char *conf = format_conf(def);
    g_autofree char *again = format_conf(def);
    g_autofree char *hosts = net_dnsmasq_hostsfile_format(def);
    g_autofree char *addn = net_dnsmasq_addnhosts_format(def);

    net_golden_check(data_dir, name, ".conf", conf, false);
    assert_string_equal(conf, again);
    net_golden_check(data_dir, name, ".hostsfile", hosts, true);
    net_golden_check(data_dir, name, ".addnhosts", addn, true);
}

/* dnsmasq's own parser on CASE.conf, with the hostsfile lines as
 * dhcp-host= options (same syntax) so they are checked too. */
static void
test_dnsmasq_accepts(void **state)
{
    const char *name = *state;
    g_autoptr(VrNetworkDef) def = NULL;
    g_autofree char *conf = NULL, *hosts = NULL, *out = NULL, *err = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GString) text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(VrCommand) cmd = NULL;
    int fd, status = -1;

    if (!dnsmasq_bin) {
        print_message("# SKIP: dnsmasq is not installed "
                      "(apt-get install dnsmasq-base)\n");
        skip();
    }
    def = net_golden_parse(data_dir, name);
    conf = format_conf(def);
    hosts = net_dnsmasq_hostsfile_format(def);
    text = g_string_new(conf);
    lines = g_strsplit(hosts, "\n", -1);
    for (size_t i = 0; lines[i]; i++)
        if (*lines[i])
            g_string_append_printf(text, "dhcp-host=%s\n", lines[i]);
    fd = g_file_open_tmp("vireo-dnsmasq-XXXXXX.conf", &path, NULL);
    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, text->str, -1, NULL));
    cmd = vr_command_new(dnsmasq_bin);
    vr_command_add_arg(cmd, "--test");
    vr_command_add_argf(cmd, "--conf-file=%s", path);
    assert_int_equal(vr_command_run(cmd, &status, &out, &err), 0);
    unlink(path);
    if (status != 0)
        fail_msg("%s: dnsmasq --test refused the config (exit %d): %s%s",
                 name, status, out, err);
    assert_non_null(strstr(err, "syntax check OK"));
}

/* A lease file as dnsmasq 2.90 writes it, with bad lines mixed in. */
static const char lease_text[] =
    "1700000000 52:54:00:aa:bb:cc 192.168.122.45 guest1 01:52:54:00:aa:bb:cc\n"
    "0 52:54:00:AA:BB:DD 192.168.122.46 * *\n"
    "notanumber 52:54:00:aa:bb:ee 192.168.122.47 bad1 *\n"
    "1700000001 52:54:00:aa:bb 192.168.122.48 bad2 *\n"
    "1700000002 52:54:00:aa:bb:ff 192.168.122.999 bad3 *\n"
    "1700000003 52:54:00:aa:bb:ff 192.168.122.49 four-fields\n"
    "1700000004 52:54:00:aa:bb:ff 2001:db8::1 v6-in-v4-section *\n"
    "\n"
    "-5 52:54:00:aa:bb:ff 192.168.122.50 negative *\n"
    "duid 00:01:00:01:2c:5f:6a:9b:52:54:00:12:34:56\n"
    "1700003600 1234567 2001:db8:ac10:fd01::1:20 guest6 "
    "00:04:7e:7d:f0:7d:a8:bc:c5:d2:13:32:11:ed:16:ea:84:63\n"
    "1700003601 T99 fd00:6::abcd * 00:01:02\n"
    "1700003602 52:54:00:aa:bb:cc 2001:db8:ac10:fd01::1:21 mac-not-iaid *\n"
    "1700003603 77 192.168.122.51 v4-in-v6-section *\n";

static void
test_leases_parse(void **state)
{
    g_autoptr(GPtrArray) leases = net_dnsmasq_leases_parse(lease_text);
    NetLease *l;

    (void) state;
    assert_int_equal(leases->len, 4);
    l = g_ptr_array_index(leases, 0);
    assert_int_equal(l->expiry, 1700000000);
    assert_string_equal(l->mac, "52:54:00:aa:bb:cc");
    assert_string_equal(l->ip, "192.168.122.45");
    assert_int_equal(l->family, AF_INET);
    assert_string_equal(l->hostname, "guest1");
    assert_string_equal(l->clientid, "01:52:54:00:aa:bb:cc");
    assert_null(l->iaid);
    l = g_ptr_array_index(leases, 1);
    assert_int_equal(l->expiry, 0);
    assert_string_equal(l->mac, "52:54:00:aa:bb:dd");
    assert_null(l->hostname);
    assert_null(l->clientid);
    l = g_ptr_array_index(leases, 2);
    assert_int_equal(l->family, AF_INET6);
    assert_null(l->mac);
    assert_string_equal(l->iaid, "1234567");
    assert_string_equal(l->ip, "2001:db8:ac10:fd01::1:20");
    assert_string_equal(l->hostname, "guest6");
    l = g_ptr_array_index(leases, 3);
    assert_string_equal(l->iaid, "T99");
    assert_string_equal(l->ip, "fd00:6::abcd");
    assert_null(l->hostname);
    assert_string_equal(l->clientid, "00:01:02");
}

static void
test_leases_empty(void **state)
{
    g_autoptr(GPtrArray) a = net_dnsmasq_leases_parse("");
    g_autoptr(GPtrArray) b = net_dnsmasq_leases_parse(NULL);
    g_autoptr(GPtrArray) c = net_dnsmasq_leases_parse("duid 00:01\n\n  \n");

    (void) state;
    assert_int_equal(a->len, 0);
    assert_int_equal(b->len, 0);
    assert_int_equal(c->len, 0);
}

static void
test_leases_prefix(void **state)
{
    g_autoptr(VrNetworkDef) def = net_golden_parse(data_dir, "dual-stack");
    g_autoptr(GPtrArray) leases = net_dnsmasq_leases_parse(
        "1 52:54:00:00:00:01 192.168.127.5 a *\n"
        "2 52:54:00:00:00:02 10.0.0.5 elsewhere *\n"
        "duid 00:01\n"
        "3 5 2001:db8:ac10:fd01::1:10 b *\n");

    (void) state;
    assert_int_equal(leases->len, 3);
    net_dnsmasq_leases_fill_prefix(leases, def);
    assert_int_equal(((NetLease *)g_ptr_array_index(leases, 0))->prefix, 24);
    assert_int_equal(((NetLease *)g_ptr_array_index(leases, 1))->prefix, 0);
    assert_int_equal(((NetLease *)g_ptr_array_index(leases, 2))->prefix, 64);
}

static void
test_unused_files(void **state)
{
    (void) state;
    for (guint i = 0; i < unused->len; i++)
        printf("# unused data file: %s\n", (char *)g_ptr_array_index(unused, i));
    if (unused->len)
        fail_msg("%u data files are not used by any case", unused->len);
}

int
main(void)
{
    static const char *const companions[] = { ".conf", ".hostsfile",
                                              ".addnhosts", NULL };
    const char *top = g_getenv("abs_top_srcdir");
    g_autoptr(GPtrArray) cases = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autofree struct CMUnitTest *tests = NULL;
    size_t n = 0;

    data_dir = g_strdup_printf("%s/tests/data/dnsmasq", top ? top : ".");
    unused = g_ptr_array_new_with_free_func(g_free);
    dnsmasq_bin = net_golden_find_program("dnsmasq");
    if (!(cases = net_golden_list_cases(data_dir, companions, unused))) {
        fprintf(stderr, "cannot read %s\n", data_dir);
        return 1;
    }
    tests = g_new0(struct CMUnitTest, cases->len * 2 + 4);
    for (guint i = 0; i < cases->len; i++) {
        char *c = g_ptr_array_index(cases, i);
        char *t = g_strdup_printf("dnsmasq-test-%s", c);

        g_ptr_array_add(names, t);
        tests[n++] = (struct CMUnitTest) { .name = c,
            .test_func = test_golden, .initial_state = c };
        tests[n++] = (struct CMUnitTest) { .name = t,
            .test_func = test_dnsmasq_accepts, .initial_state = c };
    }
    tests[n++] = (struct CMUnitTest) { "leases-parse", test_leases_parse,
                                       NULL, NULL, NULL };
    tests[n++] = (struct CMUnitTest) { "leases-empty", test_leases_empty,
                                       NULL, NULL, NULL };
    tests[n++] = (struct CMUnitTest) { "leases-prefix", test_leases_prefix,
                                       NULL, NULL, NULL };
    tests[n++] = (struct CMUnitTest) { "unused-files", test_unused_files,
                                       NULL, NULL, NULL };
    return _cmocka_run_group_tests("net-dnsmasq", tests, n, NULL, NULL);
}
