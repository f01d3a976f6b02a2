/* snapshot_conf_test.c: domain snapshot XML tests, data-driven and unit.
 *
 * tests/data/snapshot-xml/CASE.xml is parsed as stored metadata (REDEFINE,
 * with our schema check) and formatted; the result must equal
 * CASE.out.xml, re-parse and re-format to itself, survive a copy and
 * validate with virt-xml-validate (libvirt's domainsnapshot schema) and
 * our xml-schemas/domainsnapshot.rng.  tests/data/snapshot-xml-err/
 * CASE.xml must fail with the message in CASE.err.  Unit tests cover the
 * enums, the default name and the alignment with a domain's disks.
 * VIREO_REGENERATE=1 rewrites the expected files; files no case uses fail
 * the "unused-files" test.
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

#include "conf/snapshot_conf.h"
#include "util/vr_error.h"

static char *ok_dir;
static char *err_dir;
static GPtrArray *unused;

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
compare_expected(const char *dir, const char *name, const char *suffix,
                 const char *out)
{
    g_autofree char *expect = read_file(dir, name, suffix);

    if (g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0) {
        g_autofree char *path = g_strdup_printf("%s/%s%s", dir, name, suffix);

        assert_true(g_file_set_contents(path, out, -1, NULL));
        printf("# regenerated %s\n", path);
        g_free(expect);
        expect = g_strdup(out);
    }
    if (!expect)
        fail_msg("%s: missing %s%s (run with VIREO_REGENERATE=1)", name,
                 name, suffix);
    assert_string_equal(out, expect);
}

static void
libvirt_schema_check(const char *name)
{
    g_autofree char *prog = g_find_program_in_path("virt-xml-validate");
    g_autofree char *path = g_strdup_printf("%s/%s.out.xml", ok_dir, name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { NULL, path, "domainsnapshot", NULL };
    int status = -1;

    if (!prog) {
        printf("# skip virt-xml-validate for %s: not installed "
               "(apt-get install libvirt-clients)\n", name);
        return;
    }
    argv[0] = prog;
    assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                             NULL, NULL, &out, &err, &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL))
        fail_msg("virt-xml-validate %s failed: %s%s", path, out, err);
}

static void
test_ok_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(ok_dir, name, ".xml");
    g_autoptr(VrSnapshotDef) def = NULL;
    g_autoptr(VrSnapshotDef) again = NULL;
    g_autoptr(VrSnapshotDef) copy = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *out3 = NULL;

    assert_non_null(in);
    def = vr_snapshot_def_parse_string(in, VR_SNAPSHOT_PARSE_REDEFINE |
                                           VR_SNAPSHOT_PARSE_VALIDATE);
    if (!def)
        fail_msg("%s: parse failed: %s", name, vr_error_message());
    out = vr_snapshot_def_format(def);
    compare_expected(ok_dir, name, ".out.xml", out);
    if (vr_xml_validate_schema(out, name, "domainsnapshot") < 0)
        fail_msg("%s: own schema rejected the output: %s", name,
                 vr_error_message());
    again = vr_snapshot_def_parse_string(out, VR_SNAPSHOT_PARSE_REDEFINE);
    assert_non_null(again);
    out2 = vr_snapshot_def_format(again);
    assert_string_equal(out, out2);
    copy = vr_snapshot_def_copy(def);
    out3 = vr_snapshot_def_format(copy);
    assert_string_equal(out, out3);
    libvirt_schema_check(name);
}

static void
test_err_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(err_dir, name, ".xml");
    g_autofree char *want = read_file(err_dir, name, ".err");
    unsigned int flags = VR_SNAPSHOT_PARSE_REDEFINE;
    g_autoptr(VrSnapshotDef) def = NULL;

    assert_non_null(in);
    if (g_str_has_prefix(name, "schema-"))
        flags |= VR_SNAPSHOT_PARSE_VALIDATE;
    vr_error_reset();
    def = vr_snapshot_def_parse_string(in, flags);
    if (def)
        fail_msg("%s: parsed but must fail", name);
    if (!want)
        fail_msg("%s: missing %s.err; the error was: %s", name, name,
                 vr_error_message());
    g_strchomp(want);
    if (!strstr(vr_error_message(), want))
        fail_msg("%s: error '%s' does not contain '%s'", name,
                 vr_error_message(), want);
}

static void
test_enums(void **state)
{
    (void) state;
    for (int i = 0; i < VR_SNAPSHOT_LOCATION_LAST; i++)
        assert_int_equal(vr_snapshot_location_from_string(
                             vr_snapshot_location_to_string(i)), i);
    for (int i = 0; i < VR_SNAPSHOT_STATE_LAST; i++)
        assert_int_equal(vr_snapshot_state_from_string(
                             vr_snapshot_state_to_string(i)), i);
    assert_null(vr_snapshot_location_to_string(VR_SNAPSHOT_LOCATION_LAST));
    assert_int_equal(vr_snapshot_state_from_string("bogus"), -1);
    assert_string_equal(vr_snapshot_state_to_string(8), "disk-snapshot");
}

/* A new snapshot: output-only parts ignored, name from the time. */
static void
test_new_snapshot(void **state)
{
    g_autoptr(VrSnapshotDef) def = NULL;

    (void) state;
    def = vr_snapshot_def_parse_string(
        "<domainsnapshot><description>d</description>"
        "<state>paused</state><parent><name>p</name></parent>"
        "</domainsnapshot>", 0);
    assert_non_null(def);
    assert_null(def->parent);
    assert_int_equal(def->state, VR_SNAPSHOT_STATE_NOSTATE);
    assert_true(def->creation_time > 1600000000);
    assert_int_equal(g_ascii_strtoll(def->name, NULL, 10),
                     def->creation_time);
    assert_null(vr_snapshot_def_parse_string("<domainsnapshot><name>a/b"
                                             "</name></domainsnapshot>", 0));
}

static const char align_dom[] =
    "<domain type='qemu'><name>d</name><memory>65536</memory>"
    "<os><type>hvm</type></os><devices>"
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/i/disk1.qcow2'/><target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/i/data'/><target dev='vdb' bus='virtio'/></disk>"
    "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/>"
    "<readonly/></disk></devices></domain>";

static void
test_align(void **state)
{
    g_autoptr(VrDomainDef) dom =
        vr_domain_def_parse_string(align_dom, "(test)", 0);
    g_autoptr(VrSnapshotDef) def = NULL;
    g_autoptr(VrSnapshotDef) bad = NULL;
    VrSnapshotDiskDef *d;

    (void) state;
    assert_non_null(dom);
    def = vr_snapshot_def_parse_string(
        "<domainsnapshot><name>s1</name><disks>"
        "<disk name='vdb' snapshot='external'>"
        "<source file='/o/b.qcow2'/></disk></disks></domainsnapshot>", 0);
    assert_non_null(def);
    assert_int_equal(vr_snapshot_def_align(def, dom,
                                           VR_SNAPSHOT_LOCATION_EXTERNAL), 0);
    assert_int_equal(def->disks->len, 3);
    d = def->disks->pdata[0];
    assert_string_equal(d->name, "vda");
    assert_int_equal(d->snapshot, VR_SNAPSHOT_LOCATION_EXTERNAL);
    assert_string_equal(d->src_file, "/i/disk1.s1");
    assert_string_equal(d->driver_type, "qcow2");
    d = def->disks->pdata[1];
    assert_string_equal(d->src_file, "/o/b.qcow2");
    d = def->disks->pdata[2];
    assert_string_equal(d->name, "hdc");
    assert_int_equal(d->snapshot, VR_SNAPSHOT_LOCATION_NO);

    bad = vr_snapshot_def_parse_string(
        "<domainsnapshot><disks><disk name='vdz' snapshot='internal'/>"
        "</disks></domainsnapshot>", 0);
    assert_non_null(bad);
    assert_int_equal(vr_snapshot_def_align(bad, dom,
                                           VR_SNAPSHOT_LOCATION_INTERNAL),
                     -1);
    assert_non_null(strstr(vr_error_message(), "no disk named 'vdz'"));
}

static void
test_unused_files(void **state)
{
    (void) state;
    for (guint i = 0; i < unused->len; i++)
        printf("# unused data file: %s\n", (char *) unused->pdata[i]);
    if (unused->len)
        fail_msg("%u data files are not used by any case", unused->len);
}

/* Case names (CASE.xml) of @dir; files with other suffixes than
 * @suffixes go to unused. */
static GPtrArray *
collect(const char *dir, const char *const *suffixes)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *cases = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    assert_non_null(d);
    while ((f = g_dir_read_name(d))) {
        bool used = false;

        if (g_str_has_suffix(f, ".xml") && !g_str_has_suffix(f, ".out.xml")) {
            g_ptr_array_add(cases, g_strndup(f, strlen(f) - 4));
            continue;
        }
        for (guint i = 0; suffixes[i]; i++) {
            if (g_str_has_suffix(f, suffixes[i])) {
                g_autofree char *base =
                    g_strndup(f, strlen(f) - strlen(suffixes[i]));
                g_autofree char *in =
                    g_strdup_printf("%s/%s.xml", dir, base);

                used = g_file_test(in, G_FILE_TEST_EXISTS);
            }
        }
        if (!used)
            g_ptr_array_add(unused, g_strdup_printf("%s/%s", dir, f));
    }
    g_ptr_array_sort(cases, (GCompareFunc) g_strcmp0);
    return cases;
}

static void
add_cases(GArray *tests, GPtrArray *cases, const char *prefix,
          CMUnitTestFunction fn)
{
    for (guint i = 0; i < cases->len; i++) {
        struct CMUnitTest t = {
            .name = g_strdup_printf("%s/%s", prefix,
                                    (char *) cases->pdata[i]),
            .test_func = fn,
            .initial_state = cases->pdata[i],
        };

        g_array_append_val(tests, t);
    }
}

int
main(void)
{
    const char *top = g_getenv("abs_top_srcdir");
    static const char *const ok_suffixes[] = { ".out.xml", NULL };
    static const char *const err_suffixes[] = { ".err", NULL };
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_new_snapshot),
        cmocka_unit_test(test_align),
    };
    g_autoptr(GArray) tests = g_array_new(FALSE, FALSE,
                                          sizeof(struct CMUnitTest));
    g_autoptr(GPtrArray) ok = NULL;
    g_autoptr(GPtrArray) err = NULL;
    struct CMUnitTest last = { .name = "unused-files",
                               .test_func = test_unused_files };

    if (!top)
        top = ".";
    ok_dir = g_build_filename(top, "tests/data/snapshot-xml", NULL);
    err_dir = g_build_filename(top, "tests/data/snapshot-xml-err", NULL);
    unused = g_ptr_array_new_with_free_func(g_free);
    ok = collect(ok_dir, ok_suffixes);
    err = collect(err_dir, err_suffixes);
    g_array_append_vals(tests, fixed, G_N_ELEMENTS(fixed));
    add_cases(tests, ok, "ok", test_ok_case);
    add_cases(tests, err, "err", test_err_case);
    g_array_append_val(tests, last);
    return _cmocka_run_group_tests("snapshot_conf", (struct CMUnitTest *)
                                   tests->data, tests->len, NULL, NULL);
}
