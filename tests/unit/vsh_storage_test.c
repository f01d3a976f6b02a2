/* vsh_storage_test.c: cmocka checks of vsh's storage helpers: size words
 * (virsh's suffix rules), the capacity format ("4.00 MiB"), state and
 * type words, the XML of pool-define-as / vol-create-as / vol-clone, the
 * pool-event line, the progress bar text and the command table entries. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vsh_storage.h"

static void
test_sizes(void **state)
{
    unsigned long long v = 0;

    (void) state;
    assert_int_equal(vsh_parse_size("4M", &v), 0);
    assert_true(v == 4ULL << 20);
    assert_int_equal(vsh_parse_size("4MiB", &v), 0);
    assert_true(v == 4ULL << 20);
    assert_int_equal(vsh_parse_size("4MB", &v), 0);
    assert_true(v == 4000000ULL);
    assert_int_equal(vsh_parse_size("100T", &v), 0);
    assert_true(v == 100ULL << 40);
    assert_int_equal(vsh_parse_size("123", &v), 0);
    assert_true(v == 123);
    assert_int_equal(vsh_parse_size("7b", &v), 0);
    assert_true(v == 7);
    assert_int_equal(vsh_parse_size("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(vsh_parse_size("12Q", &v), -1);
    assert_int_equal(vsh_parse_size("4Mx", &v), -1);
    assert_int_equal(vsh_parse_size("-4M", &v), -1);
    assert_int_equal(vsh_parse_size("", &v), -1);
    assert_int_equal(vsh_parse_size("99999999E", &v), -1);
}

static void
test_capacity(void **state)
{
    static const struct { unsigned long long v; const char *s; } cases[] = {
        { 0, "0.00 B" }, { 1023, "1023.00 B" }, { 1024, "1.00 KiB" },
        { 4ULL << 20, "4.00 MiB" }, { 1536ULL << 20, "1.50 GiB" },
        { 3ULL << 40, "3.00 TiB" }, { 2ULL << 60, "2.00 EiB" },
    };

    (void) state;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *s = vsh_capacity_format(cases[i].v);

        assert_string_equal(s, cases[i].s);
    }
    assert_string_equal(vsh_pool_state_string(2), "running");
    assert_string_equal(vsh_pool_state_string(0), "inactive");
    assert_string_equal(vsh_pool_state_string(9), "unknown");
    assert_string_equal(vsh_vol_type_string(0), "file");
    assert_string_equal(vsh_vol_type_string(1), "block");
    assert_int_equal(vsh_pool_type_flag("logical"),
                     VIREO_STORAGE_POOL_LIST_LOGICAL);
    assert_int_equal(vsh_pool_type_flag("nope"), 0);
}

static void
test_pool_xml(void **state)
{
    g_autofree char *a = vsh_pool_build_xml("sp1", "dir", NULL, NULL, NULL,
                                            NULL, NULL, "/var/p<1>");
    g_autofree char *b = vsh_pool_build_xml("lv", "logical", NULL, NULL,
                                            "/dev/loop0", "vg0", "lvm2",
                                            NULL);

    (void) state;
    assert_string_equal(a, "<pool type='dir'>\n  <name>sp1</name>\n"
                        "  <target>\n    <path>/var/p&lt;1&gt;</path>\n"
                        "  </target>\n</pool>\n");
    assert_string_equal(b, "<pool type='logical'>\n  <name>lv</name>\n"
                        "  <source>\n    <device path='/dev/loop0'/>\n"
                        "    <format type='lvm2'/>\n    <name>vg0</name>\n"
                        "  </source>\n</pool>\n");
}

static void
test_vol_xml(void **state)
{
    unsigned long long alloc = 0;
    g_autofree char *a = vsh_vol_build_xml("top.qcow2", 8388608, &alloc,
                                           "qcow2", "/p/base.img", "raw");
    g_autofree char *c = NULL;

    (void) state;
    assert_string_equal(a, "<volume>\n  <name>top.qcow2</name>\n"
                        "  <capacity>8388608</capacity>\n"
                        "  <allocation>0</allocation>\n"
                        "  <target>\n    <format type='qcow2'/>\n"
                        "  </target>\n  <backingStore>\n"
                        "    <path>/p/base.img</path>\n"
                        "    <format type='raw'/>\n  </backingStore>\n"
                        "</volume>\n");
    c = vsh_vol_clone_xml("<volume type='file'>\n  <name>a.img</name>\n"
                          "  <key>/p/a.img</key>\n</volume>\n", "b&c.img");
    assert_string_equal(c, "<volume type='file'>\n  <name>b&amp;c.img</name>\n"
                        "  <key>/p/a.img</key>\n</volume>\n");
    assert_null(vsh_vol_clone_xml("<volume/>", "x"));
}

static void
test_event_and_progress(void **state)
{
    g_autofree char *l = vsh_pool_event_format("sp1", 0, 2);
    g_autofree char *r = vsh_pool_event_format("sp1", 1, 0);
    g_autofree char *p = vsh_progress_line("Uploading", 25ULL << 20,
                                           50ULL << 20, 2.0);
    g_autofree char *f = vsh_progress_line("Downloading", 10, 10, 1.0);

    (void) state;
    assert_string_equal(l, "event 'lifecycle' for storage pool sp1: "
                        "Started\n");
    assert_string_equal(r, "event 'refresh' for storage pool sp1\n");
    assert_string_equal(p, "Uploading [===============>              ]  "
                        "50% 25.00 MiB / 50.00 MiB 12.50 MiB/s");
    assert_non_null(strstr(f, "100% 10.00 B / 10.00 B 10.00 B/s"));
    assert_string_equal(vireo_storage_pool_event_string(5), "Deleted");
    assert_int_equal(vireo_storage_pool_event_id_from_string("refresh"), 1);
    assert_int_equal(vireo_storage_pool_event_id_from_string("x"), -1);
}

static void
test_table(void **state)
{
    static const char *const names[] = {
        "pool-define", "pool-define-as", "pool-create", "pool-create-as",
        "pool-build", "pool-start", "pool-destroy", "pool-delete",
        "pool-undefine", "pool-list", "pool-info", "pool-dumpxml",
        "pool-edit", "pool-refresh", "pool-autostart", "pool-event",
        "vol-create", "vol-create-as", "vol-create-from", "vol-clone",
        "vol-delete", "vol-wipe", "vol-resize", "vol-list", "vol-info",
        "vol-dumpxml", "vol-path", "vol-key", "vol-name", "vol-pool",
        "vol-upload", "vol-download",
    };
    g_auto(GStrv) argv = g_strsplit("vol-create-as sp1 v.img 4M --format "
                                    "qcow2", " ", -1);
    g_autoptr(VshCmd) cmd = NULL;

    (void) state;
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        assert_non_null(vsh_cmd_lookup(names[i]));
    cmd = vsh_cmd_parse((int) g_strv_length(argv), argv);
    assert_non_null(cmd);
    assert_string_equal(vsh_cmd_opt(cmd, "pool"), "sp1");
    assert_string_equal(vsh_cmd_opt(cmd, "name"), "v.img");
    assert_string_equal(vsh_cmd_opt(cmd, "capacity"), "4M");
    assert_string_equal(vsh_cmd_opt(cmd, "format"), "qcow2");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_pool_xml),
        cmocka_unit_test(test_vol_xml),
        cmocka_unit_test(test_event_and_progress),
        cmocka_unit_test(test_table),
    };

    return cmocka_run_group_tests_name("vsh_storage", tests, NULL, NULL);
}
