/* lib_uri_test.c: libvireo's URI parsing (valid and invalid URIs, the
 * defaults) and the state/reason words virsh prints. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rpc/rpc_uri.h"
#include "util/vr_error.h"
#include "vireo/vireo.h"

typedef struct {
    const char *uri;
    bool readonly;
    const char *socket;      /* NULL: computed by vr_paths (checked apart) */
    const char *open_name;
    bool session;
} UriCase;

static const UriCase good[] = {
    { "qemu+unix:///system?socket=/tmp/x/vireo-sock", false,
      "/tmp/x/vireo-sock", "qemu:///system", false },
    { "qemu+unix:///session?socket=/a%20b/s", true, "/a b/s",
      "qemu:///session", true },
    { "qemu:///system?socket=/s", false, "/s", "qemu:///system", false },
    { "qemu:///system", false, "/run/vireo/vireo-sock", "qemu:///system",
      false },
    { "qemu:///system", true, "/run/vireo/vireo-sock-ro", "qemu:///system",
      false },
    { "qemu+unix:///system?socket=/s&keyfile=/k&foo=bar", false, "/s",
      "qemu:///system?foo=bar", false },
};

static void
test_good_uris(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(VrRpcUri) u = vr_rpc_uri_parse(good[i].uri,
                                                 good[i].readonly);

        assert_non_null(u);
        assert_string_equal(u->uri, good[i].uri);
        assert_string_equal(u->socket, good[i].socket);
        assert_string_equal(u->open_name, good[i].open_name);
        assert_int_equal(u->session, good[i].session);
        assert_string_equal(u->driver, "qemu");
    }
}

static void
test_ssh_uri(void **state)
{
    g_autoptr(VrRpcUri) u = NULL;
    g_autoptr(VrRpcUri) d = NULL;

    u = vr_rpc_uri_parse("qemu+ssh://alice@h.example:2222/system?"
                         "keyfile=/k/id&known_hosts=/k/kh&no_verify=1&"
                         "socket=/r/s&x=y", false);
    assert_non_null(u);
    assert_string_equal(u->transport, "ssh");
    assert_string_equal(u->host, "h.example");
    assert_string_equal(u->user, "alice");
    assert_int_equal(u->port, 2222);
    assert_string_equal(u->keyfile, "/k/id");
    assert_string_equal(u->known_hosts, "/k/kh");
    assert_true(u->no_verify);
    assert_string_equal(u->socket, "/r/s");
    assert_string_equal(u->open_name, "qemu:///system?x=y");

    d = vr_rpc_uri_parse("qemu+ssh://h/session", false);
    assert_non_null(d);
    assert_null(d->user);
    assert_int_equal(d->port, 0);
    assert_null(d->socket);       /* the far side's helper decides */
    assert_false(d->no_verify);
    assert_true(d->session);
    assert_string_equal(d->open_name, "qemu:///session");
}

static void
test_session_socket(void **state)
{
    g_autoptr(VrRpcUri) u = NULL;

    g_setenv("XDG_RUNTIME_DIR", "/tmp/lib-uri-test-rt", TRUE);
    u = vr_rpc_uri_parse("qemu:///session", false);
    assert_non_null(u);
    assert_true(u->session);
    assert_string_equal(u->socket, "/tmp/lib-uri-test-rt/vireo/vireo-sock");
}

typedef struct {
    const char *uri;
    const char *needle;   /* must appear in the error message */
} BadCase;

static const BadCase bad[] = {
    { "xen:///system", "unsupported URI scheme 'xen'" },
    { "qemu+ssh:///system", "names no host" },
    { "qemu+ssh://h/system?no_verify=yes", "must be 0 or 1" },
    { "qemu+tls://host/system", "unsupported transport 'tls'" },
    { "qemu://host/system", "remote host 'host' in 'qemu://host/system' "
      "needs a transport" },
    { "qemu:///foo", "unexpected path '/foo'" },
    { "qemu://", "unexpected path ''" },
    { "not a uri", "invalid URI 'not a uri'" },
    { "qemu+unix:///system?socket=relative", "must be an absolute path" },
    { "qemu+unix:///system?socket=", "must be an absolute path" },
};

static void
test_bad_uris(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(VrRpcUri) u = NULL;

        vr_error_reset();
        u = vr_rpc_uri_parse(bad[i].uri, false);
        assert_null(u);
        assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
        assert_int_equal(vr_error_last()->domain, VR_FROM_URI);
        if (!strstr(vr_error_message(), bad[i].needle))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].uri,
                     vr_error_message(), bad[i].needle);
    }
}

static void
test_default_uri(void **state)
{
    g_autofree char *def = NULL;
    g_autoptr(VrRpcUri) u = NULL;

    g_setenv("VIREO_DEFAULT_URI", "qemu+unix:///system?socket=/d", TRUE);
    u = vr_rpc_uri_parse(NULL, false);
    assert_non_null(u);
    assert_string_equal(u->uri, "qemu+unix:///system?socket=/d");
    assert_string_equal(u->socket, "/d");

    g_unsetenv("VIREO_DEFAULT_URI");
    def = vr_rpc_uri_default();
    assert_string_equal(def, geteuid() == 0 ? "qemu:///system"
                                            : "qemu:///session");
}

static void
test_state_words(void **state)
{
    assert_string_equal(vireo_domain_state_string(VIREO_DOMAIN_RUNNING),
                        "running");
    assert_string_equal(vireo_domain_state_string(VIREO_DOMAIN_SHUTOFF),
                        "shut off");
    assert_string_equal(vireo_domain_state_string(VIREO_DOMAIN_PAUSED),
                        "paused");
    assert_string_equal(vireo_domain_state_string(VIREO_DOMAIN_BLOCKED),
                        "idle");
    assert_string_equal(vireo_domain_state_string(VIREO_DOMAIN_SHUTDOWN),
                        "in shutdown");
    assert_string_equal(vireo_domain_state_string(99), "no state");
    assert_string_equal(vireo_domain_state_string(-1), "no state");
}

static void
test_reason_words(void **state)
{
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_RUNNING, 1),
                        "booted");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_SHUTOFF, 0),
                        "unknown");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_SHUTOFF, 2),
                        "destroyed");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_SHUTOFF, 8),
                        "daemon");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_PAUSED, 1),
                        "user");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_PAUSED, 5),
                        "I/O error");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_CRASHED, 1),
                        "panicked");
    assert_string_equal(vireo_domain_reason_string(VIREO_DOMAIN_SHUTOFF, 9),
                        "unknown");
    assert_string_equal(vireo_domain_reason_string(42, 1), "unknown");
}

static void
test_errors_public(void **state)
{
    VireoConn *conn;

    /* Bad URIs surface through the public API with the same text. */
    conn = vireo_conn_open("xen:///system", 0);
    assert_null(conn);
    assert_int_equal(vireo_error_code(vireo_last_error()),
                     VIREO_ERR_INVALID_ARG);
    assert_int_equal(vireo_error_domain(vireo_last_error()), VIREO_FROM_URI);
    assert_non_null(strstr(vireo_error_message(vireo_last_error()),
                           "unsupported URI scheme 'xen'"));
    /* Unknown flags are refused. */
    assert_null(vireo_conn_open("qemu:///system", 0x80));
    assert_int_equal(vireo_error_code(vireo_last_error()),
                     VIREO_ERR_INVALID_ARG);
    /* A missing socket is a system error naming the path. */
    assert_null(vireo_conn_open("qemu+unix:///system?socket=/nonexistent/s",
                                0));
    assert_int_equal(vireo_error_code(vireo_last_error()),
                     VIREO_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(vireo_error_message(vireo_last_error()),
                           "/nonexistent/s"));
    vireo_reset_error();
    assert_null(vireo_last_error());
    assert_string_equal(vireo_error_message(NULL), "no error");
    assert_int_equal(vireo_get_version(), VIREO_VERSION_NUMBER);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_uris),
        cmocka_unit_test(test_session_socket),
        cmocka_unit_test(test_ssh_uri),
        cmocka_unit_test(test_bad_uris),
        cmocka_unit_test(test_default_uri),
        cmocka_unit_test(test_state_words),
        cmocka_unit_test(test_reason_words),
        cmocka_unit_test(test_errors_public),
    };

    return cmocka_run_group_tests_name("lib_uri", tests, NULL, NULL);
}
