/* network_conf_test.c: network XML tests, data-driven and unit.
 *
 * tests/data/network-xml/CASE.xml is parsed, post-parsed, validated and
 * formatted; the result must equal CASE.out.xml, re-parse and re-format to
 * itself, validate with virt-xml-validate (libvirt's network schema) and
 * with our xml-schemas/network.rng (the input too).  When the input has no
 * <uuid> or no bridge <mac>, the generated value is checked (random v4
 * UUID, 52:54:00 prefix) and then pinned so the output is deterministic.
 * tests/data/network-xml-err/CASE.xml must fail with the message in
 * CASE.err (cases named "schema-*" parse with VR_NETWORK_PARSE_VALIDATE).
 * VIREO_REGENERATE=1 rewrites the expected files.  Files no case uses
 * fail the "unused-files" test.  Unit tests cover the address helpers and
 * the lone DHCP host parser used by net-update.
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

#include "conf/domain_conf.h"
#include "conf/network_conf.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

static char *ok_dir;
static char *err_dir;
static GPtrArray *unused;      /* file names no case claims */

static bool
regenerate(void)
{
    return g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0;
}

static char *
read_file(const char *dir, const char *name, const char *suffix)
{
    g_autofree char *path = g_strdup_printf("%s/%s%s", dir, name, suffix);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

static void
write_file(const char *dir, const char *name, const char *suffix,
           const char *text)
{
    g_autofree char *path = g_strdup_printf("%s/%s%s", dir, name, suffix);

    assert_true(g_file_set_contents(path, text, -1, NULL));
    printf("# regenerated %s\n", path);
}

static void
own_schema_check(const char *xml, const char *what)
{
    if (vr_xml_validate_schema(xml, what, "network") < 0)
        fail_msg("%s: own schema rejected it: %s", what, vr_error_message());
}

static void
libvirt_schema_check(const char *name)
{
    g_autofree char *prog = g_find_program_in_path("virt-xml-validate");
    g_autofree char *path = g_strdup_printf("%s/%s.out.xml", ok_dir, name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { NULL, path, "network", NULL };
    int status = -1;

    if (!prog) {
        printf("# skip virt-xml-validate for %s: not installed "
               "(apt-get install libvirt-clients)\n", name);
        return;
    }
    argv[0] = prog;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL,
                             NULL, &out, &err, &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL))
        fail_msg("virt-xml-validate %s failed: %s%s", path, out, err);
}

/* Check generated values, then pin them (see the file comment). */
static void
pin_generated(VrNetworkDef *def, const char *in)
{
    if (!strstr(in, "<uuid>")) {
        char s[VR_UUID_STRING_BUFLEN];

        assert_false(vr_uuid_is_null(def->uuid));
        vr_uuid_format(def->uuid, s);
        assert_int_equal(s[14], '4');   /* random (version 4) */
        assert_int_equal(vr_uuid_parse("c4a7a1d2-0000-4000-8000-00000000beef",
                                       def->uuid), 0);
    }
    if (!strstr(in, "<mac ") && def->forward != VR_NET_FORWARD_BRIDGE) {
        unsigned int b[6];

        assert_non_null(def->mac);
        assert_int_equal(strlen(def->mac), 17);
        assert_true(g_str_has_prefix(def->mac, "52:54:00:"));
        assert_int_equal(sscanf(def->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0],
                                &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
        g_free(def->mac);
        def->mac = g_strdup("52:54:00:0a:0b:0c");
    }
}

static void
test_ok_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(ok_dir, name, ".xml");
    g_autofree char *expect = read_file(ok_dir, name, ".out.xml");
    g_autoptr(VrNetworkDef) def = NULL;
    g_autoptr(VrNetworkDef) def2 = NULL;
    g_autoptr(VrNetworkDef) copy = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *out3 = NULL;

    assert_non_null(in);
    if (!(def = vr_network_def_parse_string(in, "(network_definition)",
                                            VR_NETWORK_PARSE_VALIDATE)))
        fail_msg("%s: parse failed: %s", name, vr_error_message());
    pin_generated(def, in);
    out = vr_network_def_format(def, 0);
    assert_non_null(out);
    if (regenerate()) {
        write_file(ok_dir, name, ".out.xml", out);
        g_free(expect);
        expect = g_strdup(out);
    }
    if (!expect)
        fail_msg("%s: missing %s.out.xml (run with VIREO_REGENERATE=1)",
                 name, name);
    assert_string_equal(out, expect);
    if (!(def2 = vr_network_def_parse_string(out, "(output)", 0)))
        fail_msg("%s: re-parse failed: %s", name, vr_error_message());
    out2 = vr_network_def_format(def2, 0);
    assert_string_equal(out2, out);
    copy = vr_network_def_copy(def);
    out3 = vr_network_def_format(copy, 0);
    assert_string_equal(out3, out);
    own_schema_check(out, "output");
    own_schema_check(in, "input");
    libvirt_schema_check(name);
}

static void
test_err_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(err_dir, name, ".xml");
    g_autofree char *expect = read_file(err_dir, name, ".err");
    unsigned int flags = g_str_has_prefix(name, "schema-") ?
                         VR_NETWORK_PARSE_VALIDATE : 0;
    g_autoptr(VrNetworkDef) def = NULL;
    g_autofree char *msg = NULL;

    assert_non_null(in);
    vr_error_reset();
    def = vr_network_def_parse_string(in, "(network_definition)", flags);
    if (def)
        fail_msg("%s: parsed although it must fail", name);
    msg = g_strdup_printf("%s\n", vr_error_message());
    if (regenerate()) {
        write_file(err_dir, name, ".err", msg);
        g_free(expect);
        expect = g_strdup(msg);
    }
    if (!expect)
        fail_msg("%s: missing %s.err", name, name);
    assert_string_equal(msg, expect);
}

static void
test_unused_files(void **state)
{
    for (guint i = 0; i < unused->len; i++)
        printf("# unused data file: %s\n", (char *)g_ptr_array_index(unused, i));
    if (unused->len)
        fail_msg("%u data files are not used by any case", unused->len);
}

/* Case names (sorted) of @dir: every NAME.xml that is not NAME.out.xml.
 * Files that are neither a case input nor its @companion go to unused. */
static GPtrArray *
list_cases(const char *dir, const char *companion)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *cases = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    assert_non_null(d);
    while ((f = g_dir_read_name(d)))
        g_ptr_array_add(files, g_strdup(f));
    for (guint i = 0; i < files->len; i++) {
        f = g_ptr_array_index(files, i);
        if (g_str_has_suffix(f, ".xml") && !g_str_has_suffix(f, ".out.xml"))
            g_ptr_array_add(cases, g_strndup(f, strlen(f) - 4));
    }
    for (guint i = 0; i < files->len; i++) {
        f = g_ptr_array_index(files, i);
        if (g_str_has_suffix(f, companion)) {
            g_autofree char *base = g_strndup(f, strlen(f) - strlen(companion));
            bool found = false;

            for (guint j = 0; j < cases->len && !found; j++)
                found = strcmp(g_ptr_array_index(cases, j), base) == 0;
            if (found)
                continue;
        } else if (g_str_has_suffix(f, ".xml") && !g_str_has_suffix(f, ".out.xml")) {
            continue;
        }
        g_ptr_array_add(unused, g_strdup_printf("%s/%s", dir, f));
    }
    g_ptr_array_sort(cases, (GCompareFunc)g_strcmp0);
    return cases;
}

static gint
cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- unit tests: address helpers ---- */

static VrNetAddr
addr(const char *s)
{
    VrNetAddr a;

    if (vr_net_addr_parse(s, &a) < 0)
        fail_msg("cannot parse '%s'", s);
    return a;
}

static void
check_roundtrip(const char *in, const char *want, int family)
{
    VrNetAddr a = addr(in);
    g_autofree char *s = vr_net_addr_format(&a);

    assert_int_equal(a.family, family);
    assert_string_equal(s, want);
}

static void
test_addr_parse_format(void **state)
{
    VrNetAddr a = { 0 };
    const char *bad[] = { "", "10.0.0", "10.0.0.256", "1.2.3.4.5", "a.b.c.d",
                          "10.0.0.1 ", "fe80::1::2", "2001:db8::g", ":::",
                          "192.168.1.1/24", "fe80::1%eth0", NULL };
    g_autofree char *empty = NULL;

    check_roundtrip("192.168.122.1", "192.168.122.1", AF_INET);
    check_roundtrip("0.0.0.0", "0.0.0.0", AF_INET);
    check_roundtrip("255.255.255.255", "255.255.255.255", AF_INET);
    check_roundtrip("2001:DB8:0:0:0:0:0:1", "2001:db8::1", AF_INET6);
    check_roundtrip("::", "::", AF_INET6);
    check_roundtrip("::ffff:10.0.0.1", "::ffff:10.0.0.1", AF_INET6);
    check_roundtrip("fd00:0:0:1::ff", "fd00:0:0:1::ff", AF_INET6);
    a = addr("10.1.2.3");
    assert_int_equal(a.addr[0], 10);
    assert_int_equal(a.addr[3], 3);
    for (int i = 0; bad[i]; i++) {
        if (vr_net_addr_parse(bad[i], &a) == 0)
            fail_msg("'%s' parsed", bad[i]);
    }
    assert_int_equal(vr_net_addr_parse(NULL, &a), -1);
    a.family = 0;
    empty = vr_net_addr_format(&a);
    assert_string_equal(empty, "");
}

static bool
in(const char *a, const char *net, unsigned int prefix)
{
    VrNetAddr x = addr(a);
    VrNetAddr n = addr(net);

    return vr_net_addr_in_subnet(&x, &n, prefix);
}

static bool
ov(const char *a, unsigned int pa, const char *b, unsigned int pb)
{
    VrNetAddr x = addr(a);
    VrNetAddr y = addr(b);

    return vr_net_subnets_overlap(&x, pa, &y, pb);
}

static void
test_in_subnet(void **state)
{
    assert_true(in("192.168.122.1", "192.168.122.1", 24));
    assert_true(in("192.168.122.254", "192.168.122.1", 24));
    assert_false(in("192.168.123.1", "192.168.122.1", 24));
    assert_true(in("192.168.123.1", "192.168.122.1", 23));
    assert_true(in("8.8.8.8", "192.168.122.1", 0));
    assert_false(in("192.168.122.2", "192.168.122.1", 32));
    assert_true(in("192.168.122.1", "192.168.122.1", 32));
    assert_false(in("192.168.122.1", "192.168.122.1", 33));
    assert_false(in("10.0.0.129", "10.0.0.1", 25));
    assert_true(in("10.0.0.127", "10.0.0.1", 25));
    assert_true(in("2001:db8:ca2:2:1::10", "2001:db8:ca2:2::1", 64));
    assert_false(in("2001:db8:ca2:3::1", "2001:db8:ca2:2::1", 64));
    assert_true(in("2001:db8:ca2:3::1", "2001:db8:ca2:2::1", 46));
    assert_false(in("2001:db8:ca2:2::2", "2001:db8:ca2:2::1", 128));
    assert_false(in("fd00::1", "fd00::1", 129));
    /* never across families, even with prefix 0 */
    assert_false(in("192.168.122.1", "::", 0));
    assert_false(in("::ffff:192.168.122.1", "192.168.122.1", 24));
    assert_false(vr_net_addr_in_subnet(NULL, NULL, 0));
}

static void
test_subnets_overlap(void **state)
{
    assert_true(ov("192.168.122.1", 24, "192.168.122.200", 24));
    assert_false(ov("192.168.122.1", 24, "192.168.123.1", 24));
    assert_true(ov("192.168.122.1", 23, "192.168.123.1", 24));
    assert_true(ov("192.168.123.1", 24, "192.168.122.1", 23));  /* symmetric */
    assert_true(ov("192.168.0.0", 16, "192.168.123.1", 24));
    assert_false(ov("10.0.0.0", 8, "192.168.0.0", 16));
    assert_true(ov("0.0.0.0", 0, "192.168.0.0", 16));   /* default route */
    assert_false(ov("192.168.122.1", 32, "192.168.122.2", 32));
    assert_true(ov("192.168.122.1", 32, "192.168.122.1", 32));
    assert_false(ov("10.0.0.0", 25, "10.0.0.128", 25));
    assert_true(ov("10.0.0.0", 24, "10.0.0.128", 25));
    assert_true(ov("fd00:1::1", 64, "fd00:1:0:0:8000::1", 65));
    assert_false(ov("fd00:1::1", 65, "fd00:1:0:0:8000::1", 65));
    assert_false(ov("fd00:1::1", 64, "fd00:2::1", 64));
    assert_true(ov("fd00:1::1", 30, "fd00:2::1", 64));
    assert_false(ov("192.168.122.1", 0, "fd00::1", 0));  /* families */
    assert_false(ov("192.168.122.1", 33, "192.168.122.1", 24));
}

static void
test_netmask_prefix(void **state)
{
    VrNetAddr m;
    g_autofree char *s = NULL;

    m = addr("255.255.255.0");
    assert_int_equal(vr_net_netmask_to_prefix(&m), 24);
    m = addr("255.255.254.0");
    assert_int_equal(vr_net_netmask_to_prefix(&m), 23);
    m = addr("0.0.0.0");
    assert_int_equal(vr_net_netmask_to_prefix(&m), 0);
    m = addr("255.255.255.255");
    assert_int_equal(vr_net_netmask_to_prefix(&m), 32);
    m = addr("255.0.255.0");
    assert_int_equal(vr_net_netmask_to_prefix(&m), -1);
    vr_net_prefix_to_netmask(AF_INET, 20, &m);
    s = vr_net_addr_format(&m);
    assert_string_equal(s, "255.255.240.0");
}

static void
test_forward_modes(void **state)
{
    for (int i = 0; i < VR_NET_FORWARD_LAST; i++)
        assert_int_equal(vr_net_forward_mode_from_string(
                             vr_net_forward_mode_to_string(i)), i);
    assert_int_equal(vr_net_forward_mode_from_string("passthrough"), -1);
    assert_null(vr_net_forward_mode_to_string(VR_NET_FORWARD_LAST));
}

static void
test_dhcp_host_parse(void **state)
{
    VrNetDhcpHost *h;
    g_autofree char *s = NULL;
    g_autofree char *s6 = NULL;

    h = vr_network_dhcp_host_parse(
        "<host mac='52:54:00:AA:BB:CC' name='web' ip='192.168.122.10'/>");
    assert_non_null(h);
    assert_string_equal(h->mac, "52:54:00:aa:bb:cc");
    assert_string_equal(h->name, "web");
    assert_int_equal(h->ip.family, AF_INET);
    s = vr_network_dhcp_host_format(h);
    assert_string_equal(s, "<host mac='52:54:00:aa:bb:cc' name='web' "
                        "ip='192.168.122.10'/>");
    vr_network_dhcp_host_free(h);

    h = vr_network_dhcp_host_parse("<host id='0:3:0:1:52:54:0:1:2:3' "
                                   "ip='fd00::5'><lease expiry='2' "
                                   "unit='hours'/></host>");
    assert_non_null(h);
    assert_null(h->mac);
    assert_int_equal(h->ip.family, AF_INET6);
    assert_int_equal(vr_net_lease_seconds(&h->lease), 7200);
    s6 = vr_network_dhcp_host_format(h);
    assert_string_equal(s6, "<host id='0:3:0:1:52:54:0:1:2:3' ip='fd00::5'>\n"
                        "  <lease expiry='2' unit='hours'/>\n</host>");
    vr_network_dhcp_host_free(h);

    assert_null(vr_network_dhcp_host_parse("<host mac='zz' ip='10.0.0.1'/>"));
    assert_string_equal(vr_error_message(),
                        "XML error: Cannot parse MAC address 'zz' in network ''");
    assert_null(vr_network_dhcp_host_parse("<host mac='52:54:00:00:00:01'/>"));
    assert_null(vr_network_dhcp_host_parse("<host ip='fd00::1'/>"));
    assert_null(vr_network_dhcp_host_parse("<host name='x' ip='10.0.0.300'/>"));
    assert_null(vr_network_dhcp_host_parse("<range start='10.0.0.1'/>"));
    assert_null(vr_network_dhcp_host_parse("<host"));
    assert_int_equal(vr_error_code(), VR_ERR_XML_DETAIL);
    assert_null(vr_network_dhcp_host_parse_family(
        "<host mac='52:54:00:00:00:01' ip='fd00::1'/>", AF_INET6, "net6"));
    assert_string_equal(vr_error_message(),
                        "XML error: Invalid to specify MAC address "
                        "'52:54:00:00:00:01' in network 'net6' IPv6 static "
                        "host definition");
    vr_network_dhcp_host_free(NULL);
}

static void
test_name_check(void **state)
{
    assert_true(vr_network_name_check("default"));
    assert_true(vr_network_name_check("net-1.example"));
    assert_false(vr_network_name_check(""));
    assert_false(vr_network_name_check(".hidden"));
    assert_false(vr_network_name_check("a/b"));
    assert_false(vr_network_name_check("a\nb"));
    assert_false(vr_network_name_check(NULL));
}

static const struct CMUnitTest unit_tests[] = {
    cmocka_unit_test(test_addr_parse_format),
    cmocka_unit_test(test_in_subnet),
    cmocka_unit_test(test_subnets_overlap),
    cmocka_unit_test(test_netmask_prefix),
    cmocka_unit_test(test_forward_modes),
    cmocka_unit_test(test_dhcp_host_parse),
    cmocka_unit_test(test_name_check),
};

int
main(void)
{
    const char *top = g_getenv("abs_top_srcdir");
    g_autoptr(GPtrArray) ok = NULL;
    g_autoptr(GPtrArray) bad = NULL;
    g_autofree struct CMUnitTest *tests = NULL;
    size_t n = 0;

    if (!top)
        top = ".";
    if (!g_getenv("VIREO_SCHEMA_DIR")) {
        g_autofree char *sd = g_strdup_printf("%s/xml-schemas", top);

        g_setenv("VIREO_SCHEMA_DIR", sd, TRUE);
    }
    ok_dir = g_strdup_printf("%s/tests/data/network-xml", top);
    err_dir = g_strdup_printf("%s/tests/data/network-xml-err", top);
    unused = g_ptr_array_new_with_free_func(g_free);
    ok = list_cases(ok_dir, ".out.xml");
    bad = list_cases(err_dir, ".err");
    g_ptr_array_sort(ok, cmp_str_ptr);
    g_ptr_array_sort(bad, cmp_str_ptr);
    tests = g_new0(struct CMUnitTest,
                   ok->len + bad->len + 1 + G_N_ELEMENTS(unit_tests));
    for (size_t i = 0; i < G_N_ELEMENTS(unit_tests); i++)
        tests[n++] = unit_tests[i];
    for (guint i = 0; i < ok->len; i++)
        tests[n++] = (struct CMUnitTest) {
            .name = g_ptr_array_index(ok, i), .test_func = test_ok_case,
            .initial_state = g_ptr_array_index(ok, i) };
    for (guint i = 0; i < bad->len; i++)
        tests[n++] = (struct CMUnitTest) {
            .name = g_strdup_printf("err-%s", (char *)g_ptr_array_index(bad, i)),
            .test_func = test_err_case,
            .initial_state = g_ptr_array_index(bad, i) };
    tests[n++] = (struct CMUnitTest) { .name = "unused-files",
                                       .test_func = test_unused_files };
    return _cmocka_run_group_tests("network-xml", tests, n, NULL, NULL);
}
