/* daemon_config_test.c: cmocka tests for vireod.conf: defaults, values,
 * rejected keys, and the shipped src/daemon/vireod.conf (loaded as is, and
 * with every setting uncommented, which must give the defaults again).
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_config.h"
#include "daemon/daemon_dispatch.h"
#include "util/vr_error.h"
#include "util/vr_file.h"

static void
assert_defaults(const DaemonConfig *cfg)
{
    assert_null(cfg->unix_sock_group);
    assert_null(cfg->qemu_user);
    assert_null(cfg->qemu_group);
    assert_int_equal(cfg->unix_sock_rw_perms, 0700);
    assert_int_equal(cfg->unix_sock_ro_perms, 0777);
    assert_int_equal(cfg->log_level, 3);
    /* Unset means "<log_level>:stderr", i.e. the documented "3:stderr". */
    if (cfg->log_outputs)
        assert_string_equal(cfg->log_outputs, "3:stderr");
    assert_int_equal(cfg->max_clients, 5000);
    assert_int_equal(cfg->max_workers, 20);
    assert_int_equal(cfg->min_workers, 5);
    assert_int_equal(cfg->prio_workers, 5);
    assert_int_equal(cfg->max_client_requests, 5);
    assert_int_equal(cfg->max_message_size, 33554432);
    assert_int_equal(cfg->keepalive_interval, 5);
    assert_int_equal(cfg->keepalive_count, 5);
}

static char *
shipped_path(void)
{
    const char *top = getenv("abs_top_srcdir");

    if (!top)
        top = ".";
    return g_build_filename(top, "src", "daemon", "vireod.conf", NULL);
}

static void
test_defaults(void **state)
{
    g_autoptr(DaemonConfig) cfg = daemon_config_new();

    assert_defaults(cfg);
}

static void
test_values(void **state)
{
    g_autoptr(DaemonConfig) cfg = daemon_config_new();
    const char *text =
        "unix_sock_group = \"kvm\"\n"
        "unix_sock_rw_perms = \"0770\"\n"
        "log_level = 1\n"
        "log_outputs = \"1:file:/tmp/x.log\"\n"
        "max_clients = 10\n"
        "min_workers = 2\nmax_workers = 4\n"
        "max_message_size = 1048576\n"
        "keepalive_interval = 0\n"
        "auth_unix_rw = \"polkit\"\n"
        "auth_unix_ro = \"none\"\n"
        "qemu_user = \"vireo-qemu\"\nqemu_group = \"kvm\"\n";

    assert_int_equal(daemon_config_load_string(cfg, text, "t.conf"), 0);
    assert_int_equal(cfg->auth_unix_rw, DAEMON_AUTH_POLKIT);
    assert_int_equal(cfg->auth_unix_ro, DAEMON_AUTH_NONE);
    assert_string_equal(cfg->unix_sock_group, "kvm");
    assert_string_equal(cfg->qemu_user, "vireo-qemu");
    assert_string_equal(cfg->qemu_group, "kvm");
    assert_int_equal(cfg->unix_sock_rw_perms, 0770);
    assert_int_equal(cfg->unix_sock_ro_perms, 0777);
    assert_int_equal(cfg->log_level, 1);
    assert_string_equal(cfg->log_outputs, "1:file:/tmp/x.log");
    assert_int_equal(cfg->max_clients, 10);
    assert_int_equal(cfg->min_workers, 2);
    assert_int_equal(cfg->max_workers, 4);
    assert_int_equal(cfg->max_message_size, 1048576);
    assert_int_equal(cfg->keepalive_interval, 0);
}

static void
expect_error(const char *text, const char *needle)
{
    g_autoptr(DaemonConfig) cfg = daemon_config_new();

    assert_int_equal(daemon_config_load_string(cfg, text, "t.conf"), -1);
    assert_int_equal(vr_error_code(), VR_ERR_CONF_SYNTAX);
    if (!strstr(vr_error_message(), needle))
        fail_msg("'%s' lacks '%s'", vr_error_message(), needle);
}

static void
test_errors(void **state)
{
    expect_error("log_level = 2\nadmin_max_workers = 5\n",
                 "t.conf:2: unknown setting 'admin_max_workers'");
    expect_error("listen_tls = 1\n", "unknown setting 'listen_tls'");
    expect_error("unix_sock_rw_perms = \"0999\"\n", "octal mode");
    expect_error("unix_sock_ro_perms = 511\n", "unix_sock_ro_perms");
    expect_error("log_level = 5\n", "log_level");
    expect_error("max_message_size = 33554433\n", "max_message_size");
    expect_error("min_workers = 9\nmax_workers = 3\n", "min_workers");
    expect_error("log_level = \n", "t.conf");
    expect_error("auth_unix_rw = \"sasl\"\n",
                 "'auth_unix_rw' must be \"none\" or \"polkit\"");
}

static void
test_shipped_file(void **state)
{
    g_autofree char *path = shipped_path();
    g_autoptr(DaemonConfig) cfg = daemon_config_new();

    if (daemon_config_load_file(cfg, path) < 0)
        fail_msg("%s: %s", path, vr_error_message());
    assert_defaults(cfg);
}

/* Every documented "#key = value" line, uncommented, must be accepted and
 * equal the default (so the file documents the real defaults). */
static void
test_shipped_file_uncommented(void **state)
{
    g_autofree char *path = shipped_path();
    g_autofree char *text = NULL;
    g_autoptr(GRegex) re = g_regex_new("^#([a-z_]+ = )", G_REGEX_MULTILINE,
                                       0, NULL);
    g_autofree char *active = NULL;
    g_autoptr(DaemonConfig) cfg = daemon_config_new();
    g_auto(GStrv) lines = NULL;
    int settings = 0;

    assert_int_equal(vr_file_read_all(path, 1 << 20, &text, NULL), 0);
    active = g_regex_replace(re, text, -1, 0, "\\1", 0, NULL);
    lines = g_strsplit(active, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        /* The group and QEMU account examples name accounts, not the
         * defaults (which depend on the mode). */
        if (g_str_has_prefix(lines[i], "unix_sock_group") ||
            g_str_has_prefix(lines[i], "qemu_user") ||
            g_str_has_prefix(lines[i], "qemu_group"))
            lines[i][0] = '#';
        else if (g_ascii_islower(lines[i][0]))
            settings++;
    }
    g_free(active);
    active = g_strjoinv("\n", lines);
    assert_int_equal(settings, 14);
    if (daemon_config_load_string(cfg, active, path) < 0)
        fail_msg("%s", vr_error_message());
    assert_defaults(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_shipped_file),
        cmocka_unit_test(test_shipped_file_uncommented),
    };

    return cmocka_run_group_tests_name("daemon_config", tests, NULL, NULL);
}
