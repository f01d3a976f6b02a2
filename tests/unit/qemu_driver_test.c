/* qemu_driver_test.c: cmocka tests for the QEMU driver's definitions
 * (define, identity rules, undefine, autostart links, reload from disk,
 * skipped corrupt files, list filters), each in a fresh temp root.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_driver.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_paths.h"
#include "util/vr_uuid.h"

#define UUID_A "6a2fe568-ffe7-4f9b-9075-ffd1ea375bda"
#define UUID_B "0b7c2a3e-5a43-4b1c-8d3e-1f2a3b4c5d6e"

typedef struct {
    char *root;
    VrPaths *paths;
    QemuDriver *drv;
    char *qemu_dir;
} Fixture;

static char *
dom_xml(const char *name, const char *uuid, unsigned int mem_kib)
{
    return g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>%s</name>\n"
        "  %s%s%s\n"
        "  <memory unit='KiB'>%u</memory>\n"
        "  <vcpu>2</vcpu>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n"
        "</domain>\n", name, uuid ? "<uuid>" : "", uuid ? uuid : "",
        uuid ? "</uuid>" : "", mem_kib);
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->root = g_dir_make_tmp("vireo-qemu-test-XXXXXX", NULL);
    assert_non_null(f->root);
    f->paths = vr_paths_new(false, f->root);
    assert_non_null(f->paths);
    assert_int_equal(vr_paths_create(f->paths), 0);
    f->qemu_dir = g_build_filename(f->paths->config_dir, "qemu", NULL);
    f->drv = qemu_driver_new(f->paths);
    assert_non_null(f->drv);
    *state = f;
    return 0;
}

static void
rm_rf(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            rm_rf(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    qemu_driver_free(f->drv);
    vr_paths_free(f->paths);
    rm_rf(f->root);
    g_free(f->root);
    g_free(f->qemu_dir);
    g_free(f);
    return 0;
}

static void
reload(Fixture *f)
{
    qemu_driver_free(f->drv);
    f->drv = qemu_driver_new(f->paths);
    assert_non_null(f->drv);
}

static void
define_ok(Fixture *f, const char *name, const char *uuid, QemuDomainRef *ref)
{
    g_autofree char *xml = dom_xml(name, uuid, 131072);
    QemuDomainRef tmp = { 0 };

    if (qemu_domain_define(f->drv, xml, 0, ref ? ref : &tmp, NULL) < 0)
        fail_msg("define '%s' failed: %s", name, vr_error_message());
    qemu_domain_ref_clear(&tmp);
}

static void
test_define_lookup(void **state)
{
    Fixture *f = *state;
    g_autofree char *path = g_build_filename(f->qemu_dir, "web1.xml", NULL);
    QemuDomainRef ref = { 0 }, again = { 0 };
    char uuid[VR_UUID_STRING_BUFLEN];
    QemuDomainInfo info;
    int st, reason;
    struct stat sb;

    define_ok(f, "web1", UUID_A, &ref);
    assert_string_equal(ref.name, "web1");
    assert_string_equal(vr_uuid_format(ref.uuid, uuid), UUID_A);
    assert_int_equal(ref.id, -1);
    /* Durable in the journal; the file follows at the checkpoint. */
    assert_int_equal(qemu_driver_flush_definitions(f->drv), 0);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    assert_int_equal(qemu_domain_lookup_by_uuid(f->drv, ref.uuid, &again), 0);
    assert_string_equal(again.name, "web1");
    assert_int_equal(qemu_domain_get_state(f->drv, &ref, 0, &st, &reason), 0);
    assert_int_equal(st, 5);
    assert_int_equal(reason, 0);
    assert_int_equal(qemu_domain_get_state(f->drv, &ref, 1, &st, &reason), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    assert_int_equal(qemu_domain_get_info(f->drv, &ref, &info), 0);
    assert_int_equal(info.state, 5);
    assert_int_equal(info.max_mem_kib, 131072);
    assert_int_equal(info.nr_virt_cpu, 2);
    assert_int_equal(qemu_domain_is_active(f->drv, &ref), 0);
    assert_int_equal(qemu_domain_is_persistent(f->drv, &ref), 1);

    assert_int_equal(qemu_domain_lookup_by_name(f->drv, "nope", &again), -1);
    assert_int_equal(vr_error_code(), VR_ERR_NO_DOMAIN);
    assert_int_equal(vr_error_last()->domain, VR_FROM_QEMU);
    assert_string_equal(vr_error_message(),
                        "Domain not found: no domain with matching name 'nope'");
    assert_int_equal(qemu_domain_lookup_by_id(f->drv, 9999, &again), -1);
    assert_string_equal(vr_error_message(),
                        "Domain not found: no domain with matching id 9999");
    qemu_domain_ref_clear(&ref);
    qemu_domain_ref_clear(&again);
}

static void
test_redefine_same_uuid(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("web1", UUID_A, 262144);
    QemuDomainRef ref = { 0 };
    QemuDomainInfo info;
    bool updated = false;

    define_ok(f, "web1", UUID_A, NULL);
    assert_int_equal(qemu_domain_define(f->drv, xml, 0, &ref, &updated), 0);
    assert_true(updated);
    assert_int_equal(qemu_domain_get_info(f->drv, &ref, &info), 0);
    assert_int_equal(info.max_mem_kib, 262144);
    assert_int_equal(qemu_domain_count(f->drv, false), 1);
    reload(f);
    assert_int_equal(qemu_domain_get_info(f->drv, &ref, &info), 0);
    assert_int_equal(info.max_mem_kib, 262144);
    qemu_domain_ref_clear(&ref);
}

static void
test_name_and_uuid_clash(void **state)
{
    Fixture *f = *state;
    g_autofree char *same_name = dom_xml("web1", UUID_B, 131072);
    g_autofree char *same_uuid = dom_xml("web2", UUID_A, 131072);
    g_autofree char *web2 = g_build_filename(f->qemu_dir, "web2.xml", NULL);
    QemuDomainRef ref = { 0 };

    define_ok(f, "web1", UUID_A, NULL);
    assert_int_equal(qemu_domain_define(f->drv, same_name, 0, &ref, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_FAILED);
    assert_string_equal(vr_error_message(), "operation failed: domain 'web1' "
                        "is already defined with uuid " UUID_A);
    assert_int_equal(qemu_domain_define(f->drv, same_uuid, 0, &ref, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_FAILED);
    assert_string_equal(vr_error_message(), "operation failed: domain 'web1' "
                        "already exists with uuid " UUID_A);
    assert_false(g_file_test(web2, G_FILE_TEST_EXISTS));
    assert_int_equal(qemu_domain_count(f->drv, false), 1);
}

static void
test_undefine(void **state)
{
    Fixture *f = *state;
    g_autofree char *path = g_build_filename(f->qemu_dir, "web1.xml", NULL);
    g_autofree char *link = g_build_filename(f->qemu_dir, "autostart",
                                             "web1.xml", NULL);
    QemuDomainRef ref = { 0 }, other = { 0 };

    define_ok(f, "web1", UUID_A, &ref);
    assert_int_equal(qemu_driver_flush_definitions(f->drv), 0);
    assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    assert_int_equal(qemu_domain_set_autostart(f->drv, &ref, true), 0);
    assert_int_equal(qemu_domain_undefine(f->drv, &ref, 0x80), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    assert_int_equal(qemu_domain_undefine(f->drv, &ref, 0x7f), 0);
    assert_int_equal(qemu_driver_flush_definitions(f->drv), 0);
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    assert_int_equal(qemu_domain_lookup_by_name(f->drv, "web1", &other), -1);
    assert_int_equal(qemu_domain_undefine(f->drv, &ref, 0), -1);
    assert_int_equal(vr_error_code(), VR_ERR_NO_DOMAIN);
    reload(f);
    assert_int_equal(qemu_domain_count(f->drv, false), 0);
    qemu_domain_ref_clear(&ref);
}

static void
test_autostart_link(void **state)
{
    Fixture *f = *state;
    g_autofree char *link = g_build_filename(f->qemu_dir, "autostart",
                                             "web1.xml", NULL);
    g_autofree char *target = NULL;
    QemuDomainRef ref = { 0 };
    bool autostart = true;

    define_ok(f, "web1", UUID_A, &ref);
    assert_int_equal(qemu_domain_get_autostart(f->drv, &ref, &autostart), 0);
    assert_false(autostart);
    assert_int_equal(qemu_domain_set_autostart(f->drv, &ref, true), 0);
    target = g_file_read_link(link, NULL);
    assert_non_null(target);
    assert_string_equal(target, "../web1.xml");
    reload(f);
    assert_int_equal(qemu_domain_get_autostart(f->drv, &ref, &autostart), 0);
    assert_true(autostart);
    assert_int_equal(qemu_domain_set_autostart(f->drv, &ref, false), 0);
    assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    reload(f);
    assert_int_equal(qemu_domain_get_autostart(f->drv, &ref, &autostart), 0);
    assert_false(autostart);
    qemu_domain_ref_clear(&ref);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void
test_reload_skips_bad_files(void **state)
{
    Fixture *f = *state;
    g_autofree char *mismatch = dom_xml("other", UUID_B, 131072);
    g_autofree char *bad = g_build_filename(f->qemu_dir, "bad.xml", NULL);
    g_autofree char *wrong = g_build_filename(f->qemu_dir, "wrong.xml", NULL);
    QemuDomainRef *refs = NULL;
    size_t n = 0;

    define_ok(f, "zeta", NULL, NULL);
    define_ok(f, "alpha", UUID_A, NULL);
    write_file(f->qemu_dir, "bad.xml", "<domain type='qemu'><name>bad");
    write_file(f->qemu_dir, "wrong.xml", mismatch);
    write_file(f->qemu_dir, "notes.txt", "not a definition");
    reload(f);
    assert_int_equal(qemu_domain_list_all(f->drv, 0, true, &refs, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(refs[0].name, "alpha");
    assert_string_equal(refs[1].name, "zeta");
    qemu_domain_ref_array_free(refs, n);
    /* Skipped files stay for the administrator to repair. */
    assert_true(g_file_test(bad, G_FILE_TEST_EXISTS));
    assert_true(g_file_test(wrong, G_FILE_TEST_EXISTS));
}

static size_t
count_with(Fixture *f, unsigned int flags)
{
    QemuDomainRef *refs = NULL;
    size_t n = 0;

    assert_int_equal(qemu_domain_list_all(f->drv, flags, false, &refs, &n), 0);
    assert_null(refs);
    return n;
}

static void
test_list_filters(void **state)
{
    Fixture *f = *state;
    QemuDomainRef b = { 0 };
    QemuDomainRef *refs = NULL;
    size_t n = 0;

    define_ok(f, "a", NULL, NULL);
    define_ok(f, "b", NULL, &b);
    assert_int_equal(qemu_domain_set_autostart(f->drv, &b, true), 0);
    assert_int_equal(count_with(f, 0), 2);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_ACTIVE), 0);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_ACTIVE |
                                VR_LIST_DOMAINS_INACTIVE), 2);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_PERSISTENT), 2);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_TRANSIENT), 0);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_RUNNING), 0);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_SHUTOFF), 2);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_PAUSED |
                                VR_LIST_DOMAINS_OTHER), 0);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_NO_MANAGEDSAVE), 2);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_MANAGEDSAVE), 0);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_HAS_SNAPSHOT), 0);
    assert_int_equal(count_with(f, VR_LIST_DOMAINS_NO_CHECKPOINT), 2);
    assert_int_equal(qemu_domain_list_all(f->drv, VR_LIST_DOMAINS_AUTOSTART,
                                          true, &refs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refs[0].name, "b");
    qemu_domain_ref_array_free(refs, n);
    assert_int_equal(qemu_domain_list_all(f->drv, VR_LIST_DOMAINS_NO_AUTOSTART,
                                          true, &refs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refs[0].name, "a");
    qemu_domain_ref_array_free(refs, n);
    assert_int_equal(qemu_domain_list_all(f->drv, 1u << 16, true, &refs, &n),
                     -1);
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    qemu_domain_ref_clear(&b);
}

static void
test_bad_name_rejected(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("../escape", NULL, 131072);
    g_autofree char *outside = g_build_filename(f->paths->config_dir,
                                                "escape.xml", NULL);
    QemuDomainRef ref = { 0 };

    assert_int_equal(qemu_domain_define(f->drv, xml, 0, &ref, NULL), -1);
    assert_int_not_equal(vr_error_code(), VR_ERR_OK);
    assert_false(g_file_test(outside, G_FILE_TEST_EXISTS));
    assert_int_equal(qemu_domain_count(f->drv, false), 0);
}

static void
test_xml_and_queries(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = NULL;
    g_autofree char *os = NULL;
    g_auto(GStrv) msgs = NULL;
    QemuDomainRef ref = { 0 };

    define_ok(f, "web1", UUID_A, &ref);
    xml = qemu_domain_get_xml(f->drv, &ref, QEMU_XML_SECURE |
                              QEMU_XML_INACTIVE);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<name>web1</name>"));
    assert_non_null(strstr(xml, UUID_A));
    assert_null(qemu_domain_get_xml(f->drv, &ref, 16));
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    os = qemu_domain_get_os_type(f->drv, &ref);
    assert_string_equal(os, "hvm");
    assert_int_equal(qemu_domain_has_managed_save(f->drv, &ref, 0), 0);
    assert_int_equal(qemu_domain_snapshot_num(f->drv, &ref, 0), 0);
    assert_int_equal(qemu_domain_get_max_vcpus(f->drv, &ref), 2);
    msgs = qemu_domain_get_messages(f->drv, &ref, 0);
    assert_non_null(msgs);
    assert_null(msgs[0]);
    assert_null(qemu_domain_get_metadata(f->drv, &ref, QEMU_METADATA_TITLE,
                                         NULL, 0));
    assert_int_equal(vr_error_code(), 80);
    assert_null(qemu_domain_get_metadata(f->drv, &ref,
                                         QEMU_METADATA_DESCRIPTION, NULL,
                                         QEMU_AFFECT_LIVE));
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_INVALID);
    qemu_domain_ref_clear(&ref);
}

static void
test_many_domains(void **state)
{
    Fixture *f = *state;
    gint64 t0 = g_get_monotonic_time();
    QemuDomainRef *refs = NULL;
    size_t n = 0;

    for (int i = 0; i < 300; i++) {
        g_autofree char *name = g_strdup_printf("vm%04d", 299 - i);

        define_ok(f, name, NULL, NULL);
    }
    reload(f);
    assert_int_equal(qemu_domain_list_all(f->drv, 0, true, &refs, &n), 0);
    assert_int_equal(n, 300);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(refs[i - 1].name, refs[i].name) < 0);
    qemu_domain_ref_array_free(refs, n);
    print_message("# 300 defines + reload took %lld ms\n",
                  (long long) (g_get_monotonic_time() - t0) / 1000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_define_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefine_same_uuid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_name_and_uuid_clash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_undefine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autostart_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_skips_bad_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_name_rejected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_xml_and_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_domains, setup, teardown),
    };

    return cmocka_run_group_tests_name("qemu_driver", tests, NULL, NULL);
}
