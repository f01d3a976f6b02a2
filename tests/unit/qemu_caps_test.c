/* qemu_caps_test.c: QEMU capabilities: the fixture's JSON round trip,
 * machine alias resolution, device/command lookups, the domcapabilities
 * document against libvirt's schema (virt-xml-validate), and a real probe
 * of /usr/bin/qemu-system-x86_64 through the cache (one probe for
 * concurrent callers, memory and disk cache hits without spawning).
 *
 * VIREO_REGENERATE=1 rewrites tests/data/qemu-caps/qemu-7.2-x86_64.json
 * from the real probe.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_capabilities_priv.h"
#include "util/vr_error.h"

#define REAL_QEMU "/usr/bin/qemu-system-x86_64"

static char *fixture_path;
static char *fixture;
static GMainLoop *main_loop;

static QemuCaps *
load_fixture(void)
{
    QemuCaps *caps = qemu_caps_from_json(fixture);

    if (!caps)
        fail_msg("fixture: %s", vr_error_message());
    return caps;
}

static void
test_round_trip(void **state)
{
    g_autoptr(QemuCaps) caps = load_fixture();
    g_autofree char *json = qemu_caps_to_json(caps);

    (void) state;
    assert_string_equal(json, fixture);
}

static void
test_bad_json(void **state)
{
    (void) state;
    assert_null(qemu_caps_from_json("{\"binary\": \"/x\"}"));
    assert_int_equal(vr_error_code(), VR_ERR_INTERNAL_ERROR);
    assert_null(qemu_caps_from_json("[1, 2"));
    assert_null(qemu_caps_from_json("[]"));
}

static void
test_machines(void **state)
{
    g_autoptr(QemuCaps) caps = load_fixture();
    const QemuCapsMachine *pc = qemu_caps_find_machine(caps, "pc");
    const QemuCapsMachine *q35 = qemu_caps_find_machine(caps, "q35");
    const QemuCapsMachine *def = qemu_caps_find_machine(caps, NULL);

    (void) state;
    assert_non_null(pc);
    assert_string_equal(pc->name, "pc-i440fx-7.2");
    assert_string_equal(pc->alias, "pc");
    assert_non_null(q35);
    assert_string_equal(q35->name, "pc-q35-7.2");
    assert_true(q35->max_cpus >= 255);
    assert_ptr_equal(def, pc);
    assert_true(def->is_default);
    assert_ptr_equal(qemu_caps_find_machine(caps, "pc-i440fx-7.2"), pc);
    assert_non_null(qemu_caps_find_machine(caps, "pc-i440fx-6.2"));
    assert_null(qemu_caps_find_machine(caps, "no-such-machine"));
    assert_null(qemu_caps_find_machine(caps, "none"));
    assert_true(qemu_caps_n_machines(caps) > 10);
    assert_null(qemu_caps_machine(caps, qemu_caps_n_machines(caps)));
}

static void
test_lookups(void **state)
{
    g_autoptr(QemuCaps) caps = load_fixture();
    bool qemu64 = false;

    (void) state;
    assert_string_equal(qemu_caps_binary(caps), REAL_QEMU);
    assert_string_equal(qemu_caps_arch(caps), "x86_64");
    assert_true(qemu_caps_version(caps) >= 7002000);
    assert_true(qemu_caps_has_device(caps, "virtio-blk-pci"));
    assert_true(qemu_caps_has_device(caps, "isa-serial"));
    assert_false(qemu_caps_has_device(caps, "no-such-device"));
    assert_false(qemu_caps_has_device(caps, NULL));
    assert_true(qemu_caps_has_command(caps, "query-status"));
    assert_true(qemu_caps_has_command(caps, "device_add"));
    assert_false(qemu_caps_has_command(caps, "no-such-command"));
    for (size_t i = 0; i < qemu_caps_n_cpu_models(caps); i++)
        qemu64 |= g_str_equal(qemu_caps_cpu_model(caps, i), "qemu64");
    assert_true(qemu64);
}

static void
validate_domcaps(const char *xml)
{
    g_autofree char *prog = g_find_program_in_path("virt-xml-validate");
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int fd = g_file_open_tmp("domcaps-XXXXXX.xml", &path, NULL);
    int status = -1;

    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, xml, -1, NULL));
    if (!prog) {
        printf("# skip virt-xml-validate: not installed "
               "(apt-get install libvirt-clients)\n");
    } else {
        const char *argv[] = { prog, path, "domaincaps", NULL };

        assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                                 NULL, NULL, &out, &err, &status, NULL));
        if (!g_spawn_check_wait_status(status, NULL))
            fail_msg("virt-xml-validate failed: %s%s\n%s", out, err, xml);
    }
    g_unlink(path);
}

static void
test_domcaps(void **state)
{
    g_autoptr(QemuCaps) caps = load_fixture();
    g_autofree char *tcg = qemu_caps_format_domcaps(caps, "qemu", NULL, false);
    g_autofree char *q35 = qemu_caps_format_domcaps(caps, "qemu", "q35",
                                                    false);
    g_autofree char *kvm = qemu_caps_format_domcaps(caps, "kvm", "pc", true);

    (void) state;
    assert_non_null(tcg);
    assert_non_null(strstr(tcg, "<machine>pc-i440fx-7.2</machine>"));
    assert_non_null(strstr(tcg, "<mode name='host-passthrough' "
                            "supported='no'/>"));
    assert_non_null(strstr(tcg, ">qemu64</model>"));
    assert_non_null(strstr(tcg, "<value>virtio</value>"));
    validate_domcaps(tcg);
    assert_non_null(q35);
    assert_non_null(strstr(q35, "<machine>pc-q35-7.2</machine>"));
    validate_domcaps(q35);
    if (qemu_caps_has_kvm(caps)) {
        assert_non_null(kvm);
        assert_non_null(strstr(kvm, "<mode name='host-passthrough' "
                               "supported='yes'/>"));
        validate_domcaps(kvm);
    }
    assert_null(qemu_caps_format_domcaps(caps, "kvm", NULL, false));
    assert_non_null(strstr(vr_error_message(), "KVM is not supported"));
    assert_null(qemu_caps_format_domcaps(caps, "qemu", "bogus", false));
    assert_non_null(strstr(vr_error_message(), "'bogus'"));
    assert_null(qemu_caps_format_domcaps(caps, "xen", NULL, false));
}

static gpointer
get_thread(gpointer data)
{
    QemuCapsCache *cache = data;

    return qemu_caps_cache_get(cache, REAL_QEMU);
}

static void
test_real_probe(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-caps-XXXXXX", NULL);
    g_autoptr(QemuCapsCache) cache = NULL;
    g_autoptr(QemuCapsCache) cache2 = NULL;
    g_autoptr(QemuCaps) a = NULL;
    g_autoptr(QemuCaps) b = NULL;
    g_autoptr(QemuCaps) c = NULL;
    g_autoptr(QemuCaps) d = NULL;
    GThread *t1, *t2;
    unsigned int before = qemu_caps_probe_count();

    (void) state;
    if (access(REAL_QEMU, X_OK) < 0) {
        printf("# skip real probe: %s is not installed\n", REAL_QEMU);
        skip();
    }
    assert_non_null(dir);
    cache = qemu_caps_cache_new(dir);
    /* Two concurrent first callers share one probe. */
    t1 = g_thread_new("get1", get_thread, cache);
    t2 = g_thread_new("get2", get_thread, cache);
    a = g_thread_join(t1);
    b = g_thread_join(t2);
    if (!a || !b)
        fail_msg("probe failed: %s", vr_error_message());
    assert_int_equal(qemu_caps_probe_count(), before + 1);
    assert_ptr_equal(a, b);
    assert_true(qemu_caps_version(a) >= 7000000);
    assert_non_null(qemu_caps_find_machine(a, "pc"));
    assert_true(qemu_caps_has_command(a, "query-qmp-schema"));
    /* Memory hit, then a new cache over the same directory: disk hit. */
    c = qemu_caps_cache_get(cache, REAL_QEMU);
    assert_ptr_equal(c, a);
    cache2 = qemu_caps_cache_new(dir);
    d = qemu_caps_cache_get(cache2, REAL_QEMU);
    assert_non_null(d);
    assert_int_equal(qemu_caps_probe_count(), before + 1);
    {
        g_autofree char *ja = qemu_caps_to_json(a);
        g_autofree char *jd = qemu_caps_to_json(d);

        assert_string_equal(ja, jd);
        if (g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0) {
            assert_true(g_file_set_contents(fixture_path, ja, -1, NULL));
            printf("# regenerated %s\n", fixture_path);
        }
    }
    assert_null(qemu_caps_cache_get(cache, "/nonexistent/qemu"));
    assert_null(qemu_caps_cache_get(cache, "relative/qemu"));
    {
        g_autoptr(GDir) gd = g_dir_open(dir, 0, NULL);
        const char *f;

        while (gd && (f = g_dir_read_name(gd))) {
            g_autofree char *p = g_build_filename(dir, f, NULL);

            g_unlink(p);
        }
        g_rmdir(dir);
    }
}

static gpointer
loop_thread(gpointer data)
{
    (void) data;
    g_main_loop_run(main_loop);
    return NULL;
}

int
main(void)
{
    const char *top = g_getenv("abs_top_srcdir");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_machines),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_domcaps),
        cmocka_unit_test(test_real_probe),
    };
    GThread *loop;
    int rc;

    fixture_path = g_strdup_printf("%s/tests/data/qemu-caps/"
                                   "qemu-7.2-x86_64.json", top ? top : ".");
    if (!g_file_get_contents(fixture_path, &fixture, NULL, NULL)) {
        if (g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") != 0) {
            fprintf(stderr, "cannot read %s\n", fixture_path);
            return 1;
        }
        fixture = g_strdup("{}");
    }
    /* The QMP client runs on the default main context, as in vireod. */
    main_loop = g_main_loop_new(NULL, FALSE);
    loop = g_thread_new("main-loop", loop_thread, NULL);
    rc = cmocka_run_group_tests_name("qemu-caps", tests, NULL, NULL);
    g_main_loop_quit(main_loop);
    g_thread_join(loop);
    g_main_loop_unref(main_loop);
    return rc;
}
