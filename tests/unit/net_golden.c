/* net_golden.c: shared plumbing of the network golden tests (see
 * net_golden.h). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net_golden.h"
#include "util/vr_error.h"

static bool
regenerate(void)
{
    return g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
is_companion(const char *file, const char *const *companions,
             GHashTable *names)
{
    for (size_t i = 0; companions[i]; i++) {
        g_autofree char *base = NULL;

        if (!g_str_has_suffix(file, companions[i]))
            continue;
        base = g_strndup(file, strlen(file) - strlen(companions[i]));
        if (g_hash_table_contains(names, base))
            return true;
    }
    return false;
}

GPtrArray *
net_golden_list_cases(const char *dir, const char *const *companions,
                      GPtrArray *unused)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    const char *f;

    if (!d)
        return NULL;
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

        if (!is_companion(o, companions, names))
            g_ptr_array_add(unused, g_strdup_printf("%s/%s", dir, o));
    }
    g_ptr_array_sort(cases, compare_names);
    return g_steal_pointer(&cases);
}

void
net_golden_check(const char *dir, const char *name, const char *suffix,
                 const char *actual, bool optional)
{
    g_autofree char *path = g_strdup_printf("%s/%s%s", dir, name, suffix);
    g_autofree char *expect = NULL;
    bool absent = optional && !*actual;

    if (regenerate()) {
        if (absent)
            unlink(path);
        else
            assert_true(g_file_set_contents(path, actual, -1, NULL));
        printf("# regenerated %s\n", path);
    }
    if (!g_file_get_contents(path, &expect, NULL, NULL)) {
        if (absent)
            return;
        fail_msg("%s: missing %s (run with VIREO_REGENERATE=1)", name, path);
    }
    if (absent)
        fail_msg("%s: %s exists but the output is empty", name, path);
    if (strcmp(expect, actual) != 0)
        printf("# %s: got:\n%s", path, actual);
    assert_string_equal(actual, expect);
}

VrNetworkDef *
net_golden_parse(const char *dir, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *xml = NULL;
    VrNetworkDef *def;

    if (!g_file_get_contents(path, &xml, NULL, NULL))
        fail_msg("cannot read %s", path);
    def = vr_network_def_parse_string(xml, path, VR_NETWORK_PARSE_VALIDATE);
    if (!def)
        fail_msg("%s: parse failed: %s", path, vr_error_message());
    return def;
}

char *
net_golden_find_program(const char *prog)
{
    static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin",
                                        "/bin" };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *p = g_build_filename(dirs[i], prog, NULL);

        if (access(p, X_OK) == 0)
            return g_steal_pointer(&p);
    }
    return NULL;
}
