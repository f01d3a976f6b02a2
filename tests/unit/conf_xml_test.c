/* conf_xml_test.c: data-driven domain XML tests.
 *
 * tests/data/domain-xml/CASE.xml is parsed, post-parsed, validated and
 * formatted; the result must equal CASE.out.xml, re-parse to itself,
 * validate with virt-xml-validate (libvirt's schema) and with our own
 * xml-schemas/domain.rng.  Inputs must validate with our schema too,
 * except CASE names starting "drop-" (they carry unknown elements that the
 * parser drops, so our schema must reject the input).
 * tests/data/domain-xml-err/CASE.xml must fail with the message in
 * CASE.err (cases named "schema-*" parse with VR_DOMAIN_PARSE_VALIDATE).
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
#include "util/vr_error.h"

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
own_schema_check(const char *xml, const char *what, bool expect_ok)
{
    int rc = vr_xml_validate_schema(xml, what, "domain");

    if ((rc == 0) != expect_ok)
        fail_msg("%s: own schema %s: %s", what,
                 expect_ok ? "rejected it" : "accepted it",
                 rc < 0 ? vr_error_message() : "");
}

static void
libvirt_schema_check(const char *name)
{
    g_autofree char *prog = g_find_program_in_path("virt-xml-validate");
    g_autofree char *path = g_strdup_printf("%s/%s.out.xml", ok_dir, name);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { NULL, path, "domain", NULL };
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

static void
test_ok_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(ok_dir, name, ".xml");
    g_autofree char *expect = read_file(ok_dir, name, ".out.xml");
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainDef) def2 = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;

    assert_non_null(in);
    if (!(def = vr_domain_def_parse_string(in, "(domain_definition)", 0)))
        fail_msg("%s: parse failed: %s", name, vr_error_message());
    out = vr_domain_def_format(def, -1, VR_DOMAIN_FORMAT_SECURE);
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
    if (!(def2 = vr_domain_def_parse_string(out, "(output)", 0)))
        fail_msg("%s: re-parse failed: %s", name, vr_error_message());
    out2 = vr_domain_def_format(def2, -1, VR_DOMAIN_FORMAT_SECURE);
    assert_string_equal(out2, out);
    own_schema_check(out, "output", true);
    own_schema_check(in, "input", !g_str_has_prefix(name, "drop-"));
    libvirt_schema_check(name);
}

static void
test_err_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(err_dir, name, ".xml");
    g_autofree char *expect = read_file(err_dir, name, ".err");
    unsigned int flags = g_str_has_prefix(name, "schema-") ?
                         VR_DOMAIN_PARSE_VALIDATE : 0;
    g_autoptr(VrDomainDef) def = NULL;
    g_autofree char *msg = NULL;

    assert_non_null(in);
    vr_error_reset();
    def = vr_domain_def_parse_string(in, "(domain_definition)", flags);
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
    ok_dir = g_strdup_printf("%s/tests/data/domain-xml", top);
    err_dir = g_strdup_printf("%s/tests/data/domain-xml-err", top);
    unused = g_ptr_array_new_with_free_func(g_free);
    ok = list_cases(ok_dir, ".out.xml");
    bad = list_cases(err_dir, ".err");
    g_ptr_array_sort(ok, cmp_str_ptr);
    g_ptr_array_sort(bad, cmp_str_ptr);
    tests = g_new0(struct CMUnitTest, ok->len + bad->len + 1);
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
    return _cmocka_run_group_tests("domain-xml", tests, n, NULL, NULL);
}
