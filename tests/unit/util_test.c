/* util_test.c: cmocka tests for src/util (errors, files, uuids, config). */
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

#include "util/vr_conf_file.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_paths.h"
#include "util/vr_uuid.h"

static void
test_error_prefix(void **state)
{
    vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                    "no domain with matching name '%s'", "web1");
    assert_int_equal(vr_error_code(), 42);
    assert_int_equal(vr_error_last()->domain, 10);
    assert_string_equal(vr_error_message(),
                        "Domain not found: no domain with matching name 'web1'");
    assert_string_equal(vr_error_last()->str1, "Domain not found: %s");
    assert_string_equal(vr_error_last()->str2,
                        "no domain with matching name 'web1'");
    vr_error_prefix("cannot start");
    assert_string_equal(vr_error_message(),
                        "cannot start: Domain not found: no domain with "
                        "matching name 'web1'");
    vr_error_reset();
    assert_null(vr_error_last());
    assert_int_equal(vr_error_code(), VR_ERR_OK);
}

static void
test_error_flags(void **state)
{
    assert_int_equal(VR_CHECK_FLAGS(1, 3), 0);
    assert_int_equal(VR_CHECK_FLAGS(5, 3), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    assert_non_null(strstr(vr_error_message(), "unsupported flags (0x4)"));
}

static gpointer
thread_error(gpointer data)
{
    vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE, "other thread");
    return NULL;
}

static void
test_error_thread_local(void **state)
{
    GThread *t;

    vr_error_report(VR_ERR_XML_ERROR, VR_FROM_XML, "mine");
    t = g_thread_new("err", thread_error, NULL);
    g_thread_join(t);
    assert_string_equal(vr_error_message(), "XML error: mine");
}

static void
test_uuid(void **state)
{
    unsigned char u[16], v[16];
    char s[VR_UUID_STRING_BUFLEN];

    assert_int_equal(vr_uuid_parse("6a2fe568-ffe7-4f9b-9075-ffd1ea375bda", u), 0);
    assert_string_equal(vr_uuid_format(u, s),
                        "6a2fe568-ffe7-4f9b-9075-ffd1ea375bda");
    assert_int_equal(vr_uuid_parse(" 6a2fe568ffe74f9b9075ffd1ea375bda ", v), 0);
    assert_memory_equal(u, v, 16);
    assert_int_equal(vr_uuid_parse("6a2fe568-ffe7-4f9b-9075", u), -1);
    assert_int_equal(vr_uuid_parse("6a2fe568-ffe7-4f9b-9075-ffd1ea375bdaXX", u), -1);
    assert_int_equal(vr_uuid_parse("zz2fe568-ffe7-4f9b-9075-ffd1ea375bda", u), -1);
    vr_uuid_generate(u);
    vr_uuid_generate(v);
    assert_memory_not_equal(u, v, 16);
    assert_int_equal(u[6] >> 4, 4);
    assert_false(vr_uuid_is_null(u));
}

/* vr_dir_create: missing components get exactly the mode asked for, even
 * under a umask of 077; existing ones keep theirs; a file in the way is
 * an error. */
static void
test_dir_create(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vrutil-XXXXXX", NULL);
    g_autofree char *deep = g_build_filename(dir, "a", "b", "c", NULL);
    g_autofree char *a = g_build_filename(dir, "a", NULL);
    g_autofree char *ab = g_build_filename(dir, "a", "b", NULL);
    g_autofree char *file = g_build_filename(dir, "f", NULL);
    g_autofree char *under = g_build_filename(file, "x", NULL);
    mode_t old = umask(077);
    struct stat sb;

    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(vr_dir_create(deep, 0755), 0);
    assert_int_equal(stat(deep, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0755);
    assert_int_equal(stat(a, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0755);
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);      /* existed: untouched */
    assert_int_equal(vr_dir_create(deep, 0711), 0);  /* exists: fine */
    assert_int_equal(stat(deep, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0755);
    assert_true(g_file_set_contents(file, "x", -1, NULL));
    assert_int_equal(vr_dir_create(file, 0755), -1);
    assert_int_equal(vr_error_code(), VR_ERR_SYSTEM_ERROR);
    assert_int_equal(vr_dir_create(under, 0755), -1);
    umask(old);
    g_unlink(file);
    g_rmdir(deep);
    g_rmdir(ab);
    g_rmdir(a);
    g_rmdir(dir);
}

static void
test_atomic_write(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vrutil-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_autofree char *back = NULL;
    g_autoptr(GDir) d = NULL;
    size_t len = 0;
    struct stat sb;
    int count = 0;

    assert_int_equal(vr_file_write_atomic(path, "old", 3, 0600), 0);
    assert_int_equal(vr_file_write_atomic(path, "newer", 5, 0600), 0);
    assert_int_equal(vr_file_read_all(path, 100, &back, &len), 0);
    assert_string_equal(back, "newer");
    assert_int_equal(len, 5);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* no temp files left behind */
    d = g_dir_open(dir, 0, NULL);
    while (g_dir_read_name(d))
        count++;
    assert_int_equal(count, 1);
    g_clear_pointer(&back, g_free);
    assert_int_equal(vr_file_read_all(path, 3, &back, NULL), -1);
    assert_int_equal(vr_file_remove_durable(path), 0);
    assert_int_equal(vr_file_remove_durable(path), 0);
    assert_int_equal(vr_file_read_all(path, 100, &back, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_SYSTEM_ERROR);
    g_rmdir(dir);
}

static void
test_conf_parse(void **state)
{
    g_autoptr(VrConf) conf = NULL;
    long long n = 0;
    g_autofree char *s = NULL;
    g_auto(GStrv) unknown = NULL;
    const char *known[] = { "max_clients", "unix_sock_group", "log_outputs", NULL };

    conf = vr_conf_parse_string("# comment\nmax_clients = 64  # trailing\n"
                                "unix_sock_group = \"libvirt\"\n\n"
                                "log_outputs = [ \"3:stderr\",\n \"1:syslog:x\" ]\n"
                                "bogus = 1\n", "test.conf");
    assert_non_null(conf);
    assert_int_equal(vr_conf_get_int(conf, "max_clients", 1, 1000, &n), 0);
    assert_int_equal(n, 64);
    assert_int_equal(vr_conf_get_string(conf, "unix_sock_group", &s), 0);
    assert_string_equal(s, "libvirt");
    assert_int_equal(vr_conf_get(conf, "log_outputs")->type, VR_CONF_LIST);
    assert_string_equal(vr_conf_get(conf, "log_outputs")->list[1], "1:syslog:x");
    assert_int_equal(vr_conf_get_int(conf, "max_clients", 1, 10, &n), -1);
    assert_int_equal(vr_conf_get_int(conf, "unix_sock_group", 1, 10, &n), -1);
    unknown = vr_conf_unknown_keys(conf, known);
    assert_non_null(unknown);
    assert_string_equal(unknown[0], "bogus");
    assert_null(unknown[1]);
}

static void
test_conf_errors(void **state)
{
    assert_null(vr_conf_parse_string("a = \"unterminated\n", "x.conf"));
    assert_int_equal(vr_error_code(), VR_ERR_CONF_SYNTAX);
    assert_non_null(strstr(vr_error_message(), "x.conf:1"));
    assert_null(vr_conf_parse_string("\n\nkey value\n", "x.conf"));
    assert_non_null(strstr(vr_error_message(), "x.conf:3"));
    assert_null(vr_conf_parse_string("k = [ \"a\" \"b\" ]", "x.conf"));
    assert_null(vr_conf_parse_string("k = 1 2", "x.conf"));
}

static void
test_paths(void **state)
{
    g_autoptr(VrPaths) root = vr_paths_new(true, "/tmp/r");
    g_autoptr(VrPaths) sys = vr_paths_new(true, NULL);

    assert_string_equal(root->config_dir, "/tmp/r/etc/vireo");
    assert_string_equal(root->state_dir, "/tmp/r/var/lib/vireo");
    assert_string_equal(root->sock_rw, "/tmp/r/run/vireo/vireo-sock");
    assert_string_equal(root->sock_ro, "/tmp/r/run/vireo/vireo-sock-ro");
    assert_string_equal(root->log_dir, "/tmp/r/var/log/vireo");
    assert_string_equal(sys->run_dir, "/run/vireo");
    assert_null(vr_paths_new(true, "relative/dir"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_prefix),
        cmocka_unit_test(test_error_flags),
        cmocka_unit_test(test_error_thread_local),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_dir_create),
        cmocka_unit_test(test_conf_parse),
        cmocka_unit_test(test_conf_errors),
        cmocka_unit_test(test_paths),
    };

    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
