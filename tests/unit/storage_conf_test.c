/* storage_conf_test.c: storage pool and volume XML tests, data-driven
 * and unit.
 *
 * tests/data/storage-pool-xml/CASE.xml is parsed (with the schema check),
 * post-parsed, validated and formatted; the result must equal
 * CASE.out.xml, re-parse and re-format to itself, survive a copy,
 * validate with virt-xml-validate (libvirt's storagepool schema) and with
 * our xml-schemas/storagepool.rng (the input too).  A pool without <uuid>
 * gets a random v4 UUID, checked and then pinned.
 * tests/data/storage-vol-xml/CASE.xml is parsed for the pool named in
 * CASE.pool (a case name of storage-pool-xml; no .pool file: no pool) and
 * checked the same way against CASE.out.xml (schema storagevol).
 * tests/data/storage-{pool,vol}-xml-err/CASE.xml must fail with the
 * message in CASE.err (vol cases may name a pool in CASE.pool; cases
 * named "schema-*" parse with the VALIDATE flag).
 * VIREO_REGENERATE=1 rewrites the expected files.  Files no case uses
 * fail the "unused-files" test.
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

#include "conf/domain_conf.h"
#include "conf/storage_conf.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

static char *pool_dir;
static char *pool_err_dir;
static char *vol_dir;
static char *vol_err_dir;
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
own_schema_check(const char *xml, const char *schema, const char *what)
{
    if (vr_xml_validate_schema(xml, what, schema) < 0)
        fail_msg("%s: own schema rejected it: %s", what, vr_error_message());
}

static void
libvirt_schema_check(const char *dir, const char *name, const char *schema)
{
    g_autofree char *prog = g_find_program_in_path("virt-xml-validate");
    g_autofree char *path = g_strdup_printf("%s/%s.out.xml", dir, name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { NULL, path, schema, NULL };
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

/* Compare @out with the expected file (or regenerate it). */
static void
compare_expected(const char *dir, const char *name, const char *suffix,
               const char *out)
{
    g_autofree char *expect = read_file(dir, name, suffix);

    if (regenerate()) {
        write_file(dir, name, suffix, out);
        g_free(expect);
        expect = g_strdup(out);
    }
    if (!expect)
        fail_msg("%s: missing %s%s (run with VIREO_REGENERATE=1)", name, name,
                 suffix);
    assert_string_equal(out, expect);
}

/* Parse pool case @name of storage-pool-xml, uuid pinned when generated.
 * Fails the test when it does not parse. */
static VrStoragePoolDef *
load_pool(const char *name)
{
    g_autofree char *in = read_file(pool_dir, name, ".xml");
    VrStoragePoolDef *def;

    if (!in)
        fail_msg("pool case '%s' does not exist", name);
    if (!(def = vr_storage_pool_def_parse_string(
              in, NULL, VR_STORAGE_POOL_PARSE_VALIDATE)))
        fail_msg("%s: parse failed: %s", name, vr_error_message());
    if (!strstr(in, "<uuid>")) {
        char s[VR_UUID_STRING_BUFLEN];

        assert_false(vr_uuid_is_null(def->uuid));
        vr_uuid_format(def->uuid, s);
        assert_int_equal(s[14], '4');   /* random (version 4) */
        assert_int_equal(vr_uuid_parse("5c0e7d4a-0000-4000-8000-00000000cafe",
                                       def->uuid), 0);
    }
    return def;
}

static void
test_pool_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(pool_dir, name, ".xml");
    g_autoptr(VrStoragePoolDef) def = load_pool(name);
    g_autoptr(VrStoragePoolDef) def2 = NULL;
    g_autoptr(VrStoragePoolDef) copy = NULL;
    g_autofree char *out = vr_storage_pool_def_format(def, 0);
    g_autofree char *out2 = NULL;
    g_autofree char *out3 = NULL;

    compare_expected(pool_dir, name, ".out.xml", out);
    if (!(def2 = vr_storage_pool_def_parse_string(out, "(output)", 0)))
        fail_msg("%s: re-parse failed: %s", name, vr_error_message());
    out2 = vr_storage_pool_def_format(def2, 0);
    assert_string_equal(out2, out);
    copy = vr_storage_pool_def_copy(def);
    out3 = vr_storage_pool_def_format(copy, 0);
    assert_string_equal(out3, out);
    own_schema_check(out, "storagepool", "output");
    own_schema_check(in, "storagepool", "input");
    libvirt_schema_check(pool_dir, name, "storagepool");
}

/* The pool named in @dir/@name.pool, or NULL without such a file. */
static VrStoragePoolDef *
load_vol_pool(const char *dir, const char *name)
{
    g_autofree char *pool = read_file(dir, name, ".pool");

    if (!pool)
        return NULL;
    return load_pool(g_strstrip(pool));
}

static void
test_vol_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(vol_dir, name, ".xml");
    g_autoptr(VrStoragePoolDef) pool = load_vol_pool(vol_dir, name);
    g_autoptr(VrStorageVolDef) def = NULL;
    g_autoptr(VrStorageVolDef) def2 = NULL;
    g_autoptr(VrStorageVolDef) copy = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *out3 = NULL;

    assert_non_null(in);
    if (!(def = vr_storage_vol_def_parse_string(in, pool,
                                                VR_STORAGE_VOL_PARSE_VALIDATE)))
        fail_msg("%s: parse failed: %s", name, vr_error_message());
    out = vr_storage_vol_def_format(def, 0);
    compare_expected(vol_dir, name, ".out.xml", out);
    if (!(def2 = vr_storage_vol_def_parse_string(out, pool, 0)))
        fail_msg("%s: re-parse failed: %s", name, vr_error_message());
    out2 = vr_storage_vol_def_format(def2, 0);
    assert_string_equal(out2, out);
    copy = vr_storage_vol_def_copy(def);
    out3 = vr_storage_vol_def_format(copy, 0);
    assert_string_equal(out3, out);
    own_schema_check(out, "storagevol", "output");
    own_schema_check(in, "storagevol", "input");
    libvirt_schema_check(vol_dir, name, "storagevol");
}

static void
check_err(const char *dir, const char *name)
{
    g_autofree char *msg = g_strdup_printf("%s\n", vr_error_message());

    compare_expected(dir, name, ".err", msg);
}

static void
test_pool_err_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(pool_err_dir, name, ".xml");
    unsigned int flags = g_str_has_prefix(name, "schema-") ?
                         VR_STORAGE_POOL_PARSE_VALIDATE : 0;
    g_autoptr(VrStoragePoolDef) def = NULL;

    assert_non_null(in);
    vr_error_reset();
    if ((def = vr_storage_pool_def_parse_string(in, NULL, flags)))
        fail_msg("%s: parsed although it must fail", name);
    check_err(pool_err_dir, name);
}

static void
test_vol_err_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(vol_err_dir, name, ".xml");
    g_autoptr(VrStoragePoolDef) pool = load_vol_pool(vol_err_dir, name);
    unsigned int flags = g_str_has_prefix(name, "schema-") ?
                         VR_STORAGE_VOL_PARSE_VALIDATE : 0;
    g_autoptr(VrStorageVolDef) def = NULL;

    assert_non_null(in);
    vr_error_reset();
    if ((def = vr_storage_vol_def_parse_string(in, pool, flags)))
        fail_msg("%s: parsed although it must fail", name);
    check_err(vol_err_dir, name);
}

static void
test_unused_files(void **state)
{
    for (guint i = 0; i < unused->len; i++)
        printf("# unused data file: %s\n", (char *)g_ptr_array_index(unused, i));
    if (unused->len)
        fail_msg("%u data files are not used by any case", unused->len);
}

static bool
has_case(GPtrArray *cases, const char *base)
{
    for (guint j = 0; j < cases->len; j++) {
        if (strcmp(g_ptr_array_index(cases, j), base) == 0)
            return true;
    }
    return false;
}

/* Case names (sorted) of @dir: every NAME.xml that is not NAME.out.xml.
 * Files that are neither a case input nor one of its @companions
 * (NULL-terminated suffixes) go to unused. */
static GPtrArray *
list_cases(const char *dir, const char *const *companions)
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
        bool used = false;

        f = g_ptr_array_index(files, i);
        if (g_str_has_suffix(f, ".xml") && !g_str_has_suffix(f, ".out.xml"))
            continue;
        for (int c = 0; companions[c] && !used; c++) {
            g_autofree char *base = NULL;

            if (!g_str_has_suffix(f, companions[c]))
                continue;
            base = g_strndup(f, strlen(f) - strlen(companions[c]));
            used = has_case(cases, base);
        }
        if (!used)
            g_ptr_array_add(unused, g_strdup_printf("%s/%s", dir, f));
    }
    g_ptr_array_sort(cases, (GCompareFunc)g_strcmp0);
    return cases;
}

/* ---- unit tests ---- */

static void
test_parse_size(void **state)
{
    static const struct {
        const char *value, *unit;
        unsigned long long want;
    } ok[] = {
        { "0", NULL, 0 }, { "512", "", 512 }, { "10", "b", 10 },
        { "10", "bytes", 10 }, { "10", "Byte", 10 },
        { "1", "k", 1024 }, { "1", "KiB", 1024 }, { "1", "KB", 1000 },
        { "1", "kb", 1000 }, { "3", "M", 3ULL << 20 }, { "3", "MB", 3000000 },
        { "2", "G", 2ULL << 30 }, { "2", "GiB", 2ULL << 30 },
        { "2", "GB", 2000000000ULL }, { "1", "T", 1ULL << 40 },
        { "1", "TB", 1000000000000ULL }, { "1", "P", 1ULL << 50 },
        { "15", "E", 15ULL << 60 }, { " 7 ", "MiB", 7ULL << 20 },
        { "18446744073709551615", NULL, G_MAXUINT64 },
        { "16777215", "TiB", 16777215ULL << 40 },
    };
    static const struct {
        const char *value, *unit;
    } bad[] = {
        { "", NULL }, { "-1", NULL }, { "+1", NULL }, { "1.5", "G" },
        { "0x10", NULL }, { "ten", NULL }, { "1", "X" }, { "1", "GiBB" },
        { "1", "Kb2" }, { "16", "E" }, { "18446744073709551616", NULL },
        { "16777216", "TiB" }, { NULL, NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        unsigned long long v = 1;

        if (vr_storage_parse_size(ok[i].value, ok[i].unit, &v) < 0)
            fail_msg("'%s' '%s' failed: %s", ok[i].value, ok[i].unit,
                     vr_error_message());
        assert_int_equal(v, ok[i].want);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        unsigned long long v = 42;

        vr_error_reset();
        if (vr_storage_parse_size(bad[i].value, bad[i].unit, &v) == 0)
            fail_msg("'%s' '%s' parsed", bad[i].value, bad[i].unit);
        assert_int_equal(v, 42);    /* untouched on failure */
        assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    }
    assert_int_equal(vr_storage_parse_size("16", "E", &(unsigned long long){0}),
                     -1);
    assert_non_null(strstr(vr_error_message(), "too large"));
}

static void
test_names(void **state)
{
    const char *good[] = { "default", "disk.qcow2", "a..b", "vm-1_x",
                           "with space", NULL };
    const char *bad[] = { "", ".", "..", ".hidden", "a/b", "../etc",
                          "a\nb", "tab\tx", NULL };
    g_autofree char *longname = g_strnfill(256, 'a');

    for (int i = 0; good[i]; i++) {
        assert_true(vr_storage_vol_name_check(good[i]));
        assert_true(vr_storage_pool_name_check(good[i]));
    }
    for (int i = 0; bad[i]; i++) {
        assert_false(vr_storage_vol_name_check(bad[i]));
        assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
        assert_false(vr_storage_pool_name_check(bad[i]));
    }
    assert_false(vr_storage_vol_name_check(NULL));
    assert_false(vr_storage_vol_name_check(longname));
    longname[255] = '\0';
    assert_true(vr_storage_vol_name_check(longname));
    assert_false(vr_storage_pool_name_check("a/b"));
    assert_string_equal(vr_error_message(), "invalid char in name: /");
    assert_int_equal(vr_error_code(), VR_ERR_XML_DETAIL);
}

#define CHECK_ENUM(prefix, last) \
    do { \
        for (int i = 0; i < (last); i++) \
            assert_int_equal(prefix##_from_string(prefix##_to_string(i)), i); \
        assert_null(prefix##_to_string(last)); \
        assert_null(prefix##_to_string(-1)); \
        assert_int_equal(prefix##_from_string("bogus"), -1); \
        assert_int_equal(prefix##_from_string(NULL), -1); \
    } while (0)

static void
test_enums(void **state)
{
    CHECK_ENUM(vr_storage_pool_type, VR_STORAGE_POOL_LAST);
    CHECK_ENUM(vr_storage_fs_format, VR_STORAGE_FS_LAST);
    CHECK_ENUM(vr_storage_netfs_format, VR_STORAGE_NETFS_LAST);
    CHECK_ENUM(vr_storage_logical_format, VR_STORAGE_LOGICAL_LAST);
    CHECK_ENUM(vr_storage_vol_type, VR_STORAGE_VOL_LAST);
    CHECK_ENUM(vr_storage_format, VR_STORAGE_FORMAT_LAST);
    assert_string_equal(vr_storage_fs_format_to_string(VR_STORAGE_FS_HFSPLUS),
                        "hfs+");
    assert_string_equal(vr_storage_format_to_string(VR_STORAGE_FORMAT_QCOW2),
                        "qcow2");
    assert_true(vr_storage_format_has_backing(VR_STORAGE_FORMAT_QCOW2));
    assert_false(vr_storage_format_has_backing(VR_STORAGE_FORMAT_RAW));
}

/* Output-only data the driver sets (physical, extents) formats and
 * re-parses (physical ignored on input, as libvirt). */
static void
test_vol_driver_fields(void **state)
{
    g_autoptr(VrStoragePoolDef) pool = load_pool("logical-devices");
    g_autoptr(VrStorageVolDef) vol = vr_storage_vol_def_parse_string(
        "<volume><name>lv0</name><capacity unit='M'>4</capacity></volume>",
        pool, 0);
    g_autoptr(VrStorageVolDef) again = NULL;
    VrStorageVolSourceDev *dev = g_new0(VrStorageVolSourceDev, 1);
    VrStorageExtent e = { 0, 4194304 };
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;

    assert_non_null(vol);
    assert_int_equal(vol->type, VR_STORAGE_VOL_BLOCK);
    assert_string_equal(vol->target_path, "/dev/vg0/lv0");
    assert_null(vol->key);
    vol->key = g_strdup("Xy12ab-cdEf-3456");
    vol->physical = 4194304;
    dev->path = g_strdup("/dev/loop7");
    dev->extents = g_array_new(FALSE, FALSE, sizeof(VrStorageExtent));
    g_array_append_val(dev->extents, e);
    g_ptr_array_add(vol->source_devices, dev);
    out = vr_storage_vol_def_format(vol, 0);
    assert_non_null(strstr(out, "  <key>Xy12ab-cdEf-3456</key>\n  <source>\n"
                           "    <device path='/dev/loop7'>\n"
                           "      <extent start='0' end='4194304'/>\n"
                           "    </device>\n  </source>\n"));
    assert_non_null(strstr(out, "<physical unit='bytes'>4194304</physical>"));
    assert_null(strstr(out, "<format"));
    own_schema_check(out, "storagevol", "driver output");
    again = vr_storage_vol_def_parse_string(out, pool, 0);
    assert_non_null(again);
    assert_int_equal(again->physical, 0);
    assert_int_equal(again->source_devices->len, 1);
    again->physical = vol->physical;
    out2 = vr_storage_vol_def_format(again, 0);
    assert_string_equal(out2, out);
}

static void
test_vol_capacity_flags(void **state)
{
    const char *xml = "<volume><name>c</name></volume>";
    g_autoptr(VrStorageVolDef) vol = NULL;

    assert_null(vr_storage_vol_def_parse_string(xml, NULL, 0));
    assert_string_equal(vr_error_message(),
                        "XML error: missing capacity element in volume 'c'");
    vol = vr_storage_vol_def_parse_string(xml, NULL,
                                          VR_STORAGE_VOL_PARSE_NO_CAPACITY);
    assert_non_null(vol);
    assert_int_equal(vol->capacity, 0);
    assert_int_equal(vr_storage_vol_def_check_capacity(vol), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    vol->capacity = 1;
    assert_int_equal(vr_storage_vol_def_check_capacity(vol), 0);
    assert_int_equal(vr_storage_vol_def_validate(vol, 0), 0);
    assert_int_equal(vr_storage_vol_def_validate(vol, 1u << 7), -1);
    assert_null(vr_storage_vol_def_parse_string(xml, NULL, 1u << 7));
    assert_null(vr_storage_vol_def_parse_string(NULL, NULL, 0));
    assert_int_equal(vr_storage_vol_def_validate(vol, 0), 0);
    vol->lazy_refcounts = true;   /* C-built defs are checked too */
    assert_int_equal(vr_storage_vol_def_validate(vol, 0), -1);
    vr_storage_vol_def_free(NULL);
    assert_null(vr_storage_vol_def_copy(NULL));
}

static void
test_pool_validate_built(void **state)
{
    g_autoptr(VrStoragePoolDef) pool = load_pool("dir-minimal");

    assert_int_equal(vr_storage_pool_def_validate(pool), 0);
    g_clear_pointer(&pool->target_path, g_free);
    assert_int_equal(vr_storage_pool_def_validate(pool), -1);
    assert_non_null(strstr(vr_error_message(), "needs a target path"));
    assert_null(vr_storage_pool_def_parse_string(NULL, NULL, 0));
    assert_null(vr_storage_pool_def_parse_string("<pool/>", NULL, 1u << 5));
    vr_storage_pool_def_free(NULL);
    assert_null(vr_storage_pool_def_copy(NULL));
}

static const struct CMUnitTest unit_tests[] = {
    cmocka_unit_test(test_parse_size),
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_enums),
    cmocka_unit_test(test_vol_driver_fields),
    cmocka_unit_test(test_vol_capacity_flags),
    cmocka_unit_test(test_pool_validate_built),
};

static void
add_cases(struct CMUnitTest *tests, size_t *n, GPtrArray *cases,
          const char *prefix, CMUnitTestFunction fn)
{
    for (guint i = 0; i < cases->len; i++)
        tests[(*n)++] = (struct CMUnitTest) {
            .name = g_strdup_printf("%s%s", prefix,
                                    (char *)g_ptr_array_index(cases, i)),
            .test_func = fn, .initial_state = g_ptr_array_index(cases, i) };
}

int
main(void)
{
    static const char *const pool_companions[] = { ".out.xml", NULL };
    static const char *const out_companions[] = { ".out.xml", ".pool", NULL };
    static const char *const err_companions[] = { ".err", ".pool", NULL };
    const char *top = g_getenv("abs_top_srcdir");
    g_autoptr(GPtrArray) pools = NULL;
    g_autoptr(GPtrArray) pool_errs = NULL;
    g_autoptr(GPtrArray) vols = NULL;
    g_autoptr(GPtrArray) vol_errs = NULL;
    g_autofree struct CMUnitTest *tests = NULL;
    size_t n = 0;

    if (!top)
        top = ".";
    if (!g_getenv("VIREO_SCHEMA_DIR")) {
        g_autofree char *sd = g_strdup_printf("%s/xml-schemas", top);

        g_setenv("VIREO_SCHEMA_DIR", sd, TRUE);
    }
    pool_dir = g_strdup_printf("%s/tests/data/storage-pool-xml", top);
    pool_err_dir = g_strdup_printf("%s/tests/data/storage-pool-xml-err", top);
    vol_dir = g_strdup_printf("%s/tests/data/storage-vol-xml", top);
    vol_err_dir = g_strdup_printf("%s/tests/data/storage-vol-xml-err", top);
    unused = g_ptr_array_new_with_free_func(g_free);
    pools = list_cases(pool_dir, pool_companions);
    pool_errs = list_cases(pool_err_dir, err_companions);
    vols = list_cases(vol_dir, out_companions);
    vol_errs = list_cases(vol_err_dir, err_companions);
    tests = g_new0(struct CMUnitTest, pools->len + pool_errs->len + vols->len +
                   vol_errs->len + 1 + G_N_ELEMENTS(unit_tests));
    for (size_t i = 0; i < G_N_ELEMENTS(unit_tests); i++)
        tests[n++] = unit_tests[i];
    add_cases(tests, &n, pools, "pool-", test_pool_case);
    add_cases(tests, &n, vols, "vol-", test_vol_case);
    add_cases(tests, &n, pool_errs, "pool-err-", test_pool_err_case);
    add_cases(tests, &n, vol_errs, "vol-err-", test_vol_err_case);
    tests[n++] = (struct CMUnitTest) { .name = "unused-files",
                                       .test_func = test_unused_files };
    return _cmocka_run_group_tests("storage-xml", tests, n, NULL, NULL);
}
