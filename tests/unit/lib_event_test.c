/* lib_event_test.c: the public words for lifecycle events and event kinds
 * (virsh 9.0's exact words), and the argument checks of the lifecycle,
 * event and stream entry points (no daemon needed). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "vireo/vireo.h"

static void
test_event_words(void **state)
{
    static const struct { int ev; const char *word; } events[] = {
        { VIREO_DOMAIN_EVENT_DEFINED, "Defined" },
        { VIREO_DOMAIN_EVENT_UNDEFINED, "Undefined" },
        { VIREO_DOMAIN_EVENT_STARTED, "Started" },
        { VIREO_DOMAIN_EVENT_SUSPENDED, "Suspended" },
        { VIREO_DOMAIN_EVENT_RESUMED, "Resumed" },
        { VIREO_DOMAIN_EVENT_STOPPED, "Stopped" },
        { VIREO_DOMAIN_EVENT_SHUTDOWN, "Shutdown" },
        { VIREO_DOMAIN_EVENT_PMSUSPENDED, "PMSuspended" },
        { VIREO_DOMAIN_EVENT_CRASHED, "Crashed" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(events); i++)
        assert_string_equal(vireo_domain_event_string(events[i].ev),
                            events[i].word);
    assert_string_equal(vireo_domain_event_string(9), "unknown");
    assert_string_equal(vireo_domain_event_string(-1), "unknown");
}

static void
test_detail_words(void **state)
{
    static const struct { int ev, detail; const char *word; } d[] = {
        { 0, 0, "Added" }, { 0, 1, "Updated" }, { 0, 2, "Renamed" },
        { 0, 3, "Snapshot" },
        { 1, 0, "Removed" }, { 1, 1, "Renamed" },
        { 2, 0, "Booted" }, { 2, 1, "Migrated" }, { 2, 2, "Restored" },
        { 2, 3, "Snapshot" }, { 2, 4, "Event wakeup" },
        { 3, 0, "Paused" }, { 3, 2, "I/O Error" }, { 3, 3, "Watchdog" },
        { 3, 6, "API error" }, { 3, 8, "Post-copy Error" },
        { 4, 0, "Unpaused" }, { 4, 1, "Migrated" }, { 4, 4, "Post-copy Error" },
        { 5, 0, "Shutdown" }, { 5, 1, "Destroyed" }, { 5, 2, "Crashed" },
        { 5, 4, "Saved" }, { 5, 5, "Failed" }, { 5, 6, "Snapshot" },
        { 6, 0, "Finished" }, { 6, 1, "Finished after guest request" },
        { 6, 2, "Finished after host request" },
        { 7, 0, "Memory" }, { 7, 1, "Disk" },
        { 8, 0, "Panicked" }, { 8, 1, "Crashloaded" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(d); i++)
        assert_string_equal(vireo_domain_event_detail_string(d[i].ev,
                                                             d[i].detail),
                            d[i].word);
    /* One past the end of each table, and out-of-range events. */
    assert_string_equal(vireo_domain_event_detail_string(0, 4), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(1, 2), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(2, 5), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(3, 9), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(5, 7), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(6, 3), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(8, 2), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(9, 0), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(-1, 0), "unknown");
    assert_string_equal(vireo_domain_event_detail_string(2, -1), "unknown");
}

static void
test_event_ids(void **state)
{
    assert_string_equal(vireo_domain_event_id_string(
                            VIREO_DOMAIN_EVENT_ID_LIFECYCLE), "lifecycle");
    assert_string_equal(vireo_domain_event_id_string(
                            VIREO_DOMAIN_EVENT_ID_REBOOT), "reboot");
    assert_string_equal(vireo_domain_event_id_string(
                            VIREO_DOMAIN_EVENT_ID_LAST), "unknown");
    for (int i = 0; i < VIREO_DOMAIN_EVENT_ID_LAST; i++)
        assert_int_equal(vireo_domain_event_id_from_string(
                             vireo_domain_event_id_string(i)), i);
    assert_int_equal(vireo_domain_event_id_from_string("Lifecycle"), -1);
    assert_int_equal(vireo_domain_event_id_from_string("rtc-change"), -1);
    assert_int_equal(vireo_domain_event_id_from_string(NULL), -1);
}

static void
expect_error(int code)
{
    assert_non_null(vireo_last_error());
    assert_int_equal(vireo_error_code(vireo_last_error()), code);
}

static void
test_argument_checks(void **state)
{
    char buf[8];

    assert_int_equal(vireo_domain_start(NULL, 0), -1);
    expect_error(VIREO_ERR_INVALID_DOMAIN);
    assert_null(vireo_domain_create_xml(NULL, "<domain/>", 0));
    expect_error(VIREO_ERR_INVALID_CONN);
    assert_int_equal(vireo_domain_destroy(NULL, VIREO_DESTROY_GRACEFUL), -1);
    expect_error(VIREO_ERR_INVALID_DOMAIN);
    assert_int_equal(vireo_domain_shutdown(NULL, 0), -1);
    assert_int_equal(vireo_domain_reboot(NULL, 0), -1);
    assert_int_equal(vireo_domain_reset(NULL, 0), -1);
    assert_int_equal(vireo_domain_suspend(NULL), -1);
    assert_int_equal(vireo_domain_resume(NULL), -1);
    expect_error(VIREO_ERR_INVALID_DOMAIN);
    assert_null(vireo_conn_get_domain_capabilities(NULL, NULL, NULL, NULL,
                                                   NULL, 0));
    expect_error(VIREO_ERR_INVALID_CONN);
    assert_int_equal(vireo_conn_domain_event_register(NULL, NULL, 0, NULL,
                                                      NULL, NULL), -1);
    expect_error(VIREO_ERR_INVALID_CONN);
    assert_int_equal(vireo_conn_domain_event_deregister(NULL, 1), -1);
    assert_null(vireo_domain_open_console(NULL, NULL, 0));
    expect_error(VIREO_ERR_INVALID_DOMAIN);
    assert_int_equal(vireo_stream_send(NULL, buf, 1), -1);
    expect_error(VIREO_ERR_INVALID_ARG);
    assert_int_equal(vireo_stream_recv(NULL, buf, sizeof(buf), 0), -1);
    assert_int_equal(vireo_stream_finish(NULL), -1);
    assert_int_equal(vireo_stream_abort(NULL), -1);
    vireo_stream_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_words),
        cmocka_unit_test(test_detail_words),
        cmocka_unit_test(test_event_ids),
        cmocka_unit_test(test_argument_checks),
    };

    return cmocka_run_group_tests_name("lib_event", tests, NULL, NULL);
}
