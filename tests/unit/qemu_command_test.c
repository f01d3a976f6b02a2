/* qemu_command_test.c: data-driven golden tests of the QEMU command-line
 * builder.
 *
 * tests/data/qemu-argv/CASE.xml goes through vr_domain_def_parse_string
 * and qemu_command_build (capabilities from the fixture
 * tests/data/qemu-caps/qemu-7.2-x86_64.json, so the installed QEMU does
 * not matter); the argv, one argument per line joined with " \", must
 * equal CASE.args.  The -device JSON of every disk and NIC must also be
 * what qemu_device_props_disk/_net return (shared with hotplug).
 * tests/data/qemu-argv-err/CASE.xml must be refused with the message in
 * CASE.err.  Cases named "kvm-*" run with a usable /dev/kvm; cases named
 * "*no-tap*" get no tap fds (others one per network/bridge interface,
 * from fd 40).  VIREO_REGENERATE=1 rewrites the expected files; files no
 * case uses fail the "unused-files" test.
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
#include "drivers/qemu/qemu_command.h"
#include "util/vr_error.h"

static char *ok_dir;
static char *err_dir;
static GPtrArray *unused;      /* file names no case claims */
static QemuCaps *caps;

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

/* Shell-quote only arguments that need it, so a .args file is also a
 * runnable shell command. */
static char *
quote_arg(const char *arg)
{
    for (const char *p = arg; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("_-,.=:/@%+", *p))
            return g_shell_quote(arg);
    return *arg ? g_strdup(arg) : g_strdup("''");
}

static char *
argv_text(const VrCommand *cmd)
{
    const char *const *argv = vr_command_argv(cmd);
    g_autoptr(GString) out = g_string_new(NULL);

    for (size_t i = 0; argv[i]; i++) {
        g_autofree char *q = quote_arg(argv[i]);

        if (i)
            g_string_append(out, " \\\n");
        g_string_append(out, q);
    }
    g_string_append_c(out, '\n');
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static VrCommand *
build(const char *name, const VrDomainDef *def)
{
    static const int fds[] = { 40, 41, 42, 43, 44, 45, 46, 47 };
    g_autofree char *mon = g_strdup_printf("/run/vireo/qemu/%s.monitor",
                                           def->name);
    g_autofree char *pid = g_strdup_printf("/run/vireo/qemu/%s.pid",
                                           def->name);
    g_autofree char *dir = g_strdup_printf("/run/vireo/qemu/%s.d", def->name);
    QemuCommandParams params = {
        .monitor_path = mon, .pidfile = pid, .domain_dir = dir,
        .log_path = "/var/log/vireo/qemu", .id = 1,
        .kvm_usable = g_str_has_prefix(name, "kvm-"),
    };
    size_t ntap = 0;

    for (guint i = 0; i < def->nets->len; i++) {
        const VrDomainNetDef *n = g_ptr_array_index(def->nets, i);

        ntap += n->type == VR_DOMAIN_NET_TYPE_NETWORK ||
                n->type == VR_DOMAIN_NET_TYPE_BRIDGE;
    }
    if (!strstr(name, "no-tap") && ntap) {
        params.tap_fds = fds;
        params.n_tap_fds = MIN(ntap, G_N_ELEMENTS(fds));
    }
    return qemu_command_build(def, caps, &params);
}

static bool
argv_has(const VrCommand *cmd, const char *arg)
{
    const char *const *argv = vr_command_argv(cmd);

    for (size_t i = 0; argv[i]; i++)
        if (g_str_equal(argv[i], arg))
            return true;
    return false;
}

/* The hotplug properties must be exactly the cold-plug -device JSON. */
static void
check_shared_props(const char *name, const VrDomainDef *def,
                   const VrCommand *cmd)
{
    for (guint i = 0; i < def->disks->len; i++) {
        g_autoptr(VrJson) p = qemu_device_props_disk(def, i, caps);
        g_autofree char *text = NULL;

        if (!p)
            fail_msg("%s: disk %u props: %s", name, i, vr_error_message());
        text = vr_json_format(p, false);
        if (!argv_has(cmd, text))
            fail_msg("%s: disk %u props %s not on the command line", name, i,
                     text);
    }
    for (guint i = 0; i < def->nets->len; i++) {
        g_autoptr(VrJson) p = qemu_device_props_net(def, i, caps);
        g_autofree char *text = NULL;

        if (!p)
            fail_msg("%s: net %u props: %s", name, i, vr_error_message());
        text = vr_json_format(p, false);
        if (!argv_has(cmd, text))
            fail_msg("%s: net %u props %s not on the command line", name, i,
                     text);
    }
}

static void
test_ok_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(ok_dir, name, ".xml");
    g_autofree char *expect = read_file(ok_dir, name, ".args");
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrCommand) cmd = NULL;
    g_autoptr(VrCommand) cmd2 = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;

    assert_non_null(in);
    if (!(def = vr_domain_def_parse_string(in, "(domain_definition)", 0)))
        fail_msg("%s: parse failed: %s", name, vr_error_message());
    if (!(cmd = build(name, def)))
        fail_msg("%s: build failed: %s", name, vr_error_message());
    out = argv_text(cmd);
    if (regenerate()) {
        write_file(ok_dir, name, ".args", out);
        g_free(expect);
        expect = g_strdup(out);
    }
    if (!expect)
        fail_msg("%s: missing %s.args (run with VIREO_REGENERATE=1)",
                 name, name);
    assert_string_equal(out, expect);
    /* Pure: a second build gives the same argv. */
    cmd2 = build(name, def);
    assert_non_null(cmd2);
    out2 = argv_text(cmd2);
    assert_string_equal(out2, out);
    check_shared_props(name, def, cmd);
}

static void
test_err_case(void **state)
{
    const char *name = *state;
    g_autofree char *in = read_file(err_dir, name, ".xml");
    g_autofree char *expect = read_file(err_dir, name, ".err");
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrCommand) cmd = NULL;
    g_autofree char *msg = NULL;

    assert_non_null(in);
    if (!(def = vr_domain_def_parse_string(in, "(domain_definition)", 0)))
        fail_msg("%s: parse failed (the definition must be valid XML and "
                 "be refused by the builder): %s", name, vr_error_message());
    vr_error_reset();
    if ((cmd = build(name, def)))
        fail_msg("%s: built although it must fail", name);
    assert_int_equal(vr_error_code(), VR_ERR_CONFIG_UNSUPPORTED);
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
    (void) state;
    for (guint i = 0; i < unused->len; i++)
        printf("# unused data file: %s\n", (char *)g_ptr_array_index(unused, i));
    if (unused->len)
        fail_msg("%u data files are not used by any case", unused->len);
}

/* Case names (sorted) of @dir: every NAME.xml.  Files that are neither
 * a case input nor its @companion go to unused. */
static GPtrArray *
list_cases(const char *dir, const char *companion)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *cases = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    assert_non_null(d);
    while ((f = g_dir_read_name(d))) {
        if (g_str_has_suffix(f, ".xml"))
            g_ptr_array_add(cases, g_strndup(f, strlen(f) - 4));
        else
            g_ptr_array_add(others, g_strdup(f));
    }
    for (guint i = 0; i < cases->len; i++)
        g_hash_table_add(names, g_ptr_array_index(cases, i));
    for (guint i = 0; i < others->len; i++) {
        const char *o = g_ptr_array_index(others, i);
        g_autofree char *base = g_str_has_suffix(o, companion) ?
            g_strndup(o, strlen(o) - strlen(companion)) : NULL;

        if (!base || !g_hash_table_contains(names, base))
            g_ptr_array_add(unused, g_strdup_printf("%s/%s", dir, o));
    }
    g_ptr_array_sort(cases, (GCompareFunc) g_strcmp0);
    return cases;
}

static int
load_caps(const char *top)
{
    g_autofree char *path =
        g_strdup_printf("%s/tests/data/qemu-caps/qemu-7.2-x86_64.json", top);
    g_autofree char *json = NULL;

    if (!g_file_get_contents(path, &json, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    if (!(caps = qemu_caps_from_json(json))) {
        fprintf(stderr, "%s: %s\n", path, vr_error_message());
        return -1;
    }
    return 0;
}

int
main(void)
{
    const char *top = g_getenv("abs_top_srcdir");
    g_autoptr(GPtrArray) ok = NULL;
    g_autoptr(GPtrArray) bad = NULL;
    g_autofree struct CMUnitTest *tests = NULL;
    size_t n = 0;
    int rc;

    if (!top)
        top = ".";
    if (load_caps(top) < 0)
        return 1;
    ok_dir = g_strdup_printf("%s/tests/data/qemu-argv", top);
    err_dir = g_strdup_printf("%s/tests/data/qemu-argv-err", top);
    unused = g_ptr_array_new_with_free_func(g_free);
    ok = list_cases(ok_dir, ".args");
    bad = list_cases(err_dir, ".err");
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
    rc = _cmocka_run_group_tests("qemu-argv", tests, n, NULL, NULL);
    qemu_caps_unref(caps);
    return rc;
}
