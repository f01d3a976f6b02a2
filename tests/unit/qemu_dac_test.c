/* qemu_dac_test.c: cmocka checks of the QEMU user's view of the file
 * system (qemu_dac.c): the first blocking directory or file is named with
 * its mode and owner, owner/group/other bits are applied as the kernel
 * does (no supplementary groups), and hand-over / hand-back restore owner,
 * group and mode. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_dac.h"
#include "util/vr_error.h"

#define QUID 4242        /* owns nothing on the machine */
#define QGID 4243

static char *dir;        /* <tmp>/vireo-dac-XXXXXX, 0700 */

static char *
path_in(const char *rel)
{
    return g_build_filename(dir, rel, NULL);
}

static void
make_file(const char *path, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
}

static void
assert_msg(char *got, const char *want)
{
    if (!got || !g_str_equal(got, want))
        fail_msg("got '%s', want '%s'", got ? got : "(null)", want);
    g_free(got);
}

static void
test_first_blocker(void **state)
{
    g_autofree char *a = path_in("a");
    g_autofree char *f = path_in("a/f");
    g_autofree char *want = NULL;

    (void) state;
    assert_int_equal(mkdir(a, 0750), 0);
    assert_int_equal(chmod(a, 0750), 0);   /* whatever the umask */
    assert_int_equal(chown(a, 0, 0), 0);
    make_file(f, 0600);
    /* the outermost blocker is named, not the file */
    assert_int_equal(chmod(dir, 0700), 0);
    want = g_strdup_printf("QEMU user 'q' cannot search '%s' (mode 0700, "
                           "owner root)", dir);
    assert_msg(qemu_dac_check(f, QEMU_DAC_READ, "q", QUID, QGID), want);
    g_free(want);
    /* other x on the top dir: now a/ (0750, group root) blocks */
    assert_int_equal(chmod(dir, 0711), 0);
    want = g_strdup_printf("QEMU user 'q' cannot search '%s' (mode 0750, "
                           "owner root)", a);
    assert_msg(qemu_dac_check(f, QEMU_DAC_SEARCH, "q", QUID, QGID), want);
    g_free(want);
    /* group x via the QEMU user's group; the 0600 file is unreadable */
    assert_int_equal(chown(a, 0, QGID), 0);
    assert_null(qemu_dac_check(f, QEMU_DAC_SEARCH, "q", QUID, QGID));
    want = g_strdup_printf("QEMU user 'q' cannot read '%s' (mode 0600, "
                           "owner root)", f);
    assert_msg(qemu_dac_check(f, QEMU_DAC_READ, "q", QUID, QGID), want);
    /* the owner bits apply to the owner, even when others could read */
    assert_int_equal(chmod(f, 0004), 0);
    assert_null(qemu_dac_check(f, QEMU_DAC_READ, "q", QUID, QGID));
    assert_int_equal(chown(f, QUID, 0), 0);
    assert_non_null(qemu_dac_check(f, QEMU_DAC_READ, "q", QUID, QGID));
    assert_int_equal(chmod(f, 0400), 0);
    assert_null(qemu_dac_check(f, QEMU_DAC_READ, "q", QUID, QGID));
    unlink(f);
    rmdir(a);
}

static void
test_missing(void **state)
{
    g_autofree char *f = path_in("nope/f");
    char *msg;

    (void) state;
    assert_int_equal(chmod(dir, 0711), 0);
    msg = qemu_dac_check(f, QEMU_DAC_READ, "q", QUID, QGID);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "cannot access"));
    g_free(msg);
}

static void
test_hand_over_back(void **state)
{
    g_autofree char *f = path_in("img");
    g_autofree char *g = path_in("img2");
    GPtrArray *saved = g_ptr_array_new();
    struct stat st;

    (void) state;
    make_file(f, 0640);
    make_file(g, 0600);
    assert_int_equal(qemu_dac_hand_over(saved, f, QUID, QGID), 0);
    assert_int_equal(qemu_dac_hand_over(saved, f, QUID, QGID), 0);
    assert_int_equal(saved->len, 1);     /* already the user's: no record */
    assert_int_equal(stat(f, &st), 0);
    assert_int_equal(st.st_uid, QUID);
    assert_int_equal(st.st_gid, QGID);
    assert_int_equal(qemu_dac_hand_over(saved, g, QUID, QGID), 0);
    /* the mode changed meanwhile: restored too */
    assert_int_equal(chmod(f, 0666), 0);
    assert_true(qemu_dac_hand_back_path(saved, g));
    assert_false(qemu_dac_hand_back_path(saved, g));
    assert_int_equal(stat(g, &st), 0);
    assert_int_equal(st.st_uid, 0);
    qemu_dac_hand_back(saved);
    assert_int_equal(stat(f, &st), 0);
    assert_int_equal(st.st_uid, 0);
    assert_int_equal(st.st_gid, 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    /* a file that is not there: reported */
    assert_int_equal(qemu_dac_hand_over(saved, "/nonexistent/x", QUID, QGID),
                     -1);
    assert_int_equal(vr_error_code(), VR_ERR_SYSTEM_ERROR);
    vr_error_reset();
    qemu_chown_saved_array_free(saved);
    unlink(f);
    unlink(g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_blocker),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_hand_over_back),
    };
    int rc;

    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root (chown to another user)\n");
        return 0;
    }
    dir = g_dir_make_tmp("vireo-dac-XXXXXX", NULL);
    rc = cmocka_run_group_tests_name("qemu_dac", tests, NULL, NULL);
    rmdir(dir);
    g_free(dir);
    return rc;
}
