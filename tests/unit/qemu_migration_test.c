/* qemu_migration_test.c: cmocka checks of the migration bookkeeping
 * (qemu_migration_job.c): the cookie carries the completed job with
 * libvirt's timestamps (started, stopped, sent) and the clock delta,
 * negative deltas and absent figures included; libvirt's time updates
 * (elapsed and downtime up to "now", times in the future dropped); the
 * completed-job records by UUID. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/qemu/qemu_job_info.h"
#include "drivers/qemu/qemu_migration_priv.h"
#include "util/vr_error.h"

static QemuJobStats
sample_stats(void)
{
    QemuJobStats st = { 0 };

    st.type = 3;
    st.operation = QEMU_JOB_OP_MIGRATION_OUT;
    st.started = 1700000000000ULL;
    st.stopped = 1700000001500ULL;
    st.sent = 1700000001620ULL;
    st.time_elapsed = 1620;
    st.has_downtime = true;
    st.downtime = 120;
    st.setup_time = 7;
    st.data_total = st.mem_total = 268435456;
    st.data_processed = st.mem_processed = 9000000;
    st.mem_normal = 2100;
    st.mem_page_size = 4096;
    st.mem_iteration = 3;
    return st;
}

static void
roundtrip(const QemuMigCookie *in, QemuMigCookie *out)
{
    g_autofree char *text = qemu_mig_cookie_format(in);

    assert_non_null(text);
    assert_int_equal(qemu_mig_cookie_parse(text, out), 0);
}

static void
test_cookie_stats(void **state)
{
    QemuMigCookie in = { .name = g_strdup("g"), .has_stats = true };
    QemuMigCookie out = { 0 };

    (void) state;
    in.stats = sample_stats();
    in.stats.has_time_delta = true;
    in.stats.time_delta = -250;    /* destination clock behind */
    roundtrip(&in, &out);
    assert_string_equal(out.name, "g");
    assert_true(out.has_stats);
    /* what travels is a completed job; the receiver's operation is "in" */
    assert_int_equal(out.stats.type, 3);
    assert_int_equal(out.stats.operation, QEMU_JOB_OP_MIGRATION_IN);
    assert_true(out.stats.started == in.stats.started);
    assert_true(out.stats.stopped == in.stats.stopped);
    assert_true(out.stats.sent == in.stats.sent);
    assert_true(out.stats.has_time_delta);
    assert_true(out.stats.time_delta == -250);
    assert_true(out.stats.has_downtime);
    assert_true(out.stats.downtime == 120);
    assert_true(out.stats.time_elapsed == 1620);
    assert_true(out.stats.setup_time == 7);
    assert_true(out.stats.mem_total == 268435456);
    assert_true(out.stats.data_processed == 9000000);
    assert_true(out.stats.mem_normal == 2100);
    assert_true(out.stats.mem_iteration == 3);
    qemu_mig_cookie_clear(&in);
    qemu_mig_cookie_clear(&out);
}

static void
test_cookie_absent(void **state)
{
    QemuMigCookie in = { .name = g_strdup("g"), .has_stats = true };
    QemuMigCookie out = { 0 };

    (void) state;
    in.stats = sample_stats();
    in.stats.has_downtime = false;
    roundtrip(&in, &out);
    assert_true(out.has_stats);
    assert_false(out.stats.has_downtime);
    assert_false(out.stats.has_time_delta);
    qemu_mig_cookie_clear(&out);

    /* no stats at all: an identity cookie */
    in.has_stats = false;
    roundtrip(&in, &out);
    assert_false(out.has_stats);
    assert_int_equal(out.stats.type, 0);
    qemu_mig_cookie_clear(&in);
    qemu_mig_cookie_clear(&out);

    assert_int_equal(qemu_mig_cookie_parse("not a key file\n\x01", &out),
                     -1);
    assert_int_equal(vr_error_code(), VR_ERR_INTERNAL_ERROR);
    vr_error_reset();
}

static void
test_update_times(void **state)
{
    QemuJobStats st = sample_stats();

    (void) state;
    /* the destination resumes 80 ms after the cookie was sent */
    qemu_mig_update_times(&st, st.sent + 80);
    assert_true(st.time_elapsed == 1700);
    assert_true(st.has_downtime);
    assert_true(st.downtime == 200);

    /* a clock behind the source's stop time: libvirt drops the time
     * stamp and leaves the figure it had */
    st = sample_stats();
    qemu_mig_update_times(&st, st.stopped - 10);
    assert_true(st.stopped == 0);
    assert_true(st.downtime == 120);
    assert_true(st.time_elapsed == 1490);
    qemu_mig_update_times(&st, st.started - 1);
    assert_true(st.started == 0);
    assert_true(st.time_elapsed == 1490);

    /* unknown times: nothing to update */
    st = (QemuJobStats) { 0 };
    qemu_mig_update_times(&st, 1700000000000ULL);
    assert_false(st.has_downtime);
    assert_true(st.time_elapsed == 0);
    assert_true(qemu_mig_now_ms() > 1700000000000ULL);
}

static void
test_completed_records(void **state)
{
    VrDomainObj obj = { 0 };
    QemuJobStats st = sample_stats(), got = { 0 };

    (void) state;
    memset(obj.uuid, 0x5a, sizeof(obj.uuid));
    assert_false(qemu_mig_lookup_completed(obj.uuid, &got));
    qemu_mig_store_completed(&obj, &st);
    assert_true(qemu_mig_lookup_completed(obj.uuid, &got));
    assert_true(got.downtime == st.downtime && got.sent == st.sent);
    obj.uuid[0] = 0;
    assert_false(qemu_mig_lookup_completed(obj.uuid, &got));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cookie_stats),
        cmocka_unit_test(test_cookie_absent),
        cmocka_unit_test(test_update_times),
        cmocka_unit_test(test_completed_records),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
