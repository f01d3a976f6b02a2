/* qemu_journal_test.c: the definition journal (qemu_journal.c): record
 * encoding, replay after a simulated crash, torn tails, deletes, a full
 * journal, the checkpoint thread, failed and overlapping checkpoints. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_journal.h"
#include "util/vr_log.h"

#define SMALL 4096

static int
setup(void **state)
{
    *state = g_dir_make_tmp("vr-journal-XXXXXX", NULL);
    assert_non_null(*state);
    return 0;
}

static int
teardown(void **state)
{
    g_autofree char *dir = *state;
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, f, NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
    return 0;
}

/* Contents of DIR/NAME.xml, or NULL when absent. */
static char *
read_def(const char *dir, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, name);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

static void
assert_def(const char *dir, const char *name, const char *want)
{
    g_autofree char *got = read_def(dir, name);

    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

static off_t
file_size(const char *dir)
{
    g_autofree char *path = g_build_filename(dir, QEMU_JOURNAL_FILE, NULL);
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static void
test_record_codec(void **state)
{
    size_t len;
    g_autofree guint8 *buf = qemu_journal_record_encode(
        42, QEMU_JOURNAL_PUT, "web1", "<domain/>", &len);
    QemuJournalRecord rec;

    assert_int_equal(len, QEMU_JOURNAL_HEADER_SIZE + 4 + 9);
    assert_int_equal(qemu_journal_record_decode(buf, len, &rec), len);
    assert_int_equal(rec.seq, 42);
    assert_int_equal(rec.op, QEMU_JOURNAL_PUT);
    assert_int_equal(rec.name_len, 4);
    assert_memory_equal(rec.name, "web1", 4);
    assert_int_equal(rec.xml_len, 9);
    assert_memory_equal(rec.xml, "<domain/>", 9);
    /* Truncated, or any byte changed: no record. */
    for (size_t i = 0; i < len; i++) {
        assert_int_equal(qemu_journal_record_decode(buf, i, &rec), 0);
        buf[i] ^= 0x10;
        assert_int_equal(qemu_journal_record_decode(buf, len, &rec), 0);
        buf[i] ^= 0x10;
    }
    g_free(buf);
    buf = qemu_journal_record_encode(7, QEMU_JOURNAL_DELETE, "db", NULL,
                                     &len);
    assert_int_equal(qemu_journal_record_decode(buf, len, &rec), len);
    assert_int_equal(rec.op, QEMU_JOURNAL_DELETE);
    assert_int_equal(rec.xml_len, 0);
}

/* Appended, never checkpointed (a crash): the next open replays in order
 * and empties the journal. */
static void
test_replay_after_crash(void **state)
{
    const char *dir = *state;
    QemuJournal *j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);

    assert_non_null(j);
    assert_int_equal(file_size(dir), SMALL * 4);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "v1"), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "b", "b1"), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "v2"), 0);
    assert_true(qemu_journal_used(j) > 0);
    qemu_journal_abandon(j);
    assert_def(dir, "a", NULL);
    assert_def(dir, "b", NULL);

    j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    assert_non_null(j);
    assert_def(dir, "a", "v2");
    assert_def(dir, "b", "b1");
    assert_int_equal(qemu_journal_used(j), 0);
    assert_int_equal(file_size(dir), SMALL * 4);
    /* New records after the replay continue to work. */
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "v3"), 0);
    qemu_journal_abandon(j);
    j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    assert_def(dir, "a", "v3");
    qemu_journal_abandon(j);
}

/* A record cut short by the crash was never acknowledged: ignored, and
 * so is everything after it. */
static void
test_torn_tail(void **state)
{
    const char *dir = *state;
    g_autofree char *path = g_build_filename(dir, QEMU_JOURNAL_FILE, NULL);
    QemuJournal *j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    g_autofree guint8 *rec = NULL;
    size_t used, len;
    int fd;

    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "a1"), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "b", "b1"), 0);
    used = qemu_journal_used(j);
    qemu_journal_abandon(j);

    rec = qemu_journal_record_encode(3, QEMU_JOURNAL_PUT, "c", "c1-long",
                                     &len);
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, rec, len - 3, used), len - 3);
    g_free(rec);
    /* A whole record after the torn one must not be applied either. */
    rec = qemu_journal_record_encode(4, QEMU_JOURNAL_PUT, "d", "d1", &len);
    assert_int_equal(pwrite(fd, rec, len, used + 64), len);
    close(fd);

    j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    assert_non_null(j);
    assert_def(dir, "a", "a1");
    assert_def(dir, "b", "b1");
    assert_def(dir, "c", NULL);
    assert_def(dir, "d", NULL);
    qemu_journal_abandon(j);
    /* The garbage was cleared: a second open finds nothing either. */
    j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    assert_def(dir, "d", NULL);
    qemu_journal_abandon(j);
}

static void
test_delete_record(void **state)
{
    const char *dir = *state;
    QemuJournal *j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);

    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "a1"), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "b", "b1"), 0);
    assert_int_equal(qemu_journal_checkpoint(j), 0);
    assert_int_equal(qemu_journal_used(j), 0);
    assert_def(dir, "a", "a1");
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_DELETE, "a", NULL),
                     0);
    /* Deleting what never reached a file is fine too. */
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_DELETE, "zz", NULL),
                     0);
    qemu_journal_abandon(j);
    assert_def(dir, "a", "a1");

    j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    assert_non_null(j);
    assert_def(dir, "a", NULL);
    assert_def(dir, "b", "b1");
    qemu_journal_abandon(j);
}

/* Appends into a full journal wait for (here: run) a checkpoint; a change
 * larger than the whole journal goes straight to its file. */
static void
test_full_journal(void **state)
{
    const char *dir = *state;
    QemuJournal *j = qemu_journal_open(dir, SMALL, QEMU_JOURNAL_NO_THREAD);
    g_autofree char *big = g_strnfill(SMALL * 2, 'x');
    g_autofree char *filler = g_strnfill(300, 'y');

    for (int i = 0; i < 50; i++) {
        g_autofree char *name = g_strdup_printf("d%d", i % 7);
        g_autofree char *xml = g_strdup_printf("%s-%d", filler, i);

        assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, name, xml),
                         0);
        assert_true(qemu_journal_used(j) <= SMALL);
    }
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "big", big), 0);
    assert_def(dir, "big", big);
    assert_int_equal(qemu_journal_used(j), 0);
    assert_int_equal(file_size(dir), SMALL);
    qemu_journal_abandon(j);
    j = qemu_journal_open(dir, SMALL, QEMU_JOURNAL_NO_THREAD);
    for (int i = 43; i < 50; i++) {
        g_autofree char *name = g_strdup_printf("d%d", i % 7);
        g_autofree char *xml = g_strdup_printf("%s-%d", filler, i);

        assert_def(dir, name, xml);
    }
    qemu_journal_abandon(j);
}

/* With the thread: changes reach the files without anyone asking. */
static void
test_checkpoint_thread(void **state)
{
    const char *dir = *state;
    QemuJournal *j = qemu_journal_open(dir, 0, 0);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    g_autofree char *got = NULL;

    assert_non_null(j);
    assert_int_equal(file_size(dir), QEMU_JOURNAL_DEFAULT_SIZE);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "t", "t1"), 0);
    while (qemu_journal_used(j) > 0 && g_get_monotonic_time() < deadline)
        g_usleep(10 * 1000);
    assert_int_equal(qemu_journal_used(j), 0);
    assert_def(dir, "t", "t1");
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "t", "t2"), 0);
    qemu_journal_close(j);
    assert_def(dir, "t", "t2");
}

/* A checkpoint that fails keeps its records pending, in order, ahead of
 * newer ones; the next one applies them all. */
static void
test_failed_checkpoint(void **state)
{
    const char *dir = *state;
    QemuJournal *j = qemu_journal_open(dir, SMALL * 4, QEMU_JOURNAL_NO_THREAD);
    g_autofree char *blocker = g_build_filename(dir, "b.xml", NULL);

    assert_non_null(j);
    assert_int_equal(g_mkdir(blocker, 0700), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "a1"), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "b", "b1"), 0);
    assert_int_equal(qemu_journal_checkpoint(j), -1);
    assert_true(qemu_journal_used(j) > 0);
    assert_int_equal(g_rmdir(blocker), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "c", "c1"), 0);
    assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, "a", "a2"), 0);
    assert_int_equal(qemu_journal_checkpoint(j), 0);
    assert_int_equal(qemu_journal_used(j), 0);
    assert_def(dir, "a", "a2");
    assert_def(dir, "b", "b1");
    assert_def(dir, "c", "c1");
    qemu_journal_abandon(j);
}

/* Appends racing the checkpoint thread in a small journal: checkpoints
 * start from where the previous one stopped (not at offset 0, not on a
 * page boundary), and every name ends with its last value. */
static void
test_checkpoints_during_appends(void **state)
{
    const char *dir = *state;
    QemuJournal *j = qemu_journal_open(dir, SMALL * 4, 0);

    assert_non_null(j);
    for (int i = 0; i < 2000; i++) {
        g_autofree char *name = g_strdup_printf("d%d", i % 37);
        g_autofree char *xml = g_strdup_printf("<v>%d</v>", i);

        assert_int_equal(qemu_journal_append(j, QEMU_JOURNAL_PUT, name, xml),
                         0);
    }
    qemu_journal_close(j);
    for (int i = 2000 - 37; i < 2000; i++) {
        g_autofree char *name = g_strdup_printf("d%d", i % 37);
        g_autofree char *xml = g_strdup_printf("<v>%d</v>", i);

        assert_def(dir, name, xml);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_codec),
        cmocka_unit_test_setup_teardown(test_replay_after_crash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_thread, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_checkpoint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_checkpoints_during_appends, setup,
                                        teardown),
    };

    vr_log_setup(VR_LOG_ERROR, NULL);
    return cmocka_run_group_tests_name("qemu_journal", tests, NULL, NULL);
}
