/* command_test.c: cmocka tests for src/util/vr_command.c, running real
 * programs (sh, env, grep, id). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_macros.h"

static VrCommand *
sh_command(const char *script)
{
    VrCommand *cmd = vr_command_new("/bin/sh");

    vr_command_add_arg_pair(cmd, "-c", script);
    return cmd;
}

/* Run @cmd, expect exit 0, return its stdout. */
static char *
run_ok(VrCommand *cmd)
{
    char *out = NULL;
    int status = -1;

    if (vr_command_run(cmd, &status, &out, NULL) < 0)
        fail_msg("run failed: %s", vr_error_message());
    assert_int_equal(status, 0);
    return out;
}

static void
test_command_argv(void **state)
{
    g_autoptr(VrCommand) cmd = vr_command_new("/usr/bin/qemu-system-x86_64");
    g_autofree char *line = NULL;
    const char *const *argv;

    vr_command_add_arg(cmd, "-S");
    vr_command_add_arg_pair(cmd, "-name", "guest=web 1");
    vr_command_add_argf(cmd, "-m%d", 128);
    vr_command_add_arg(cmd, "it's");
    vr_command_add_arg(cmd, "");
    vr_command_add_arg(cmd, "a,b=c:d/e.f@g%h+i");
    vr_command_add_arg(cmd, "$HOME;*");
    argv = vr_command_argv(cmd);
    assert_string_equal(argv[0], "/usr/bin/qemu-system-x86_64");
    assert_string_equal(argv[2], "-name");
    assert_string_equal(argv[3], "guest=web 1");
    assert_string_equal(argv[4], "-m128");
    assert_null(argv[9]);
    line = vr_command_to_string(cmd);
    assert_string_equal(line, "/usr/bin/qemu-system-x86_64 -S -name "
                        "'guest=web 1' -m128 'it'\\''s' '' a,b=c:d/e.f@g%h+i "
                        "'$HOME;*'");
}

static void
test_command_env_clean(void **state)
{
    g_autoptr(VrCommand) cmd = vr_command_new("/usr/bin/env");
    g_autofree char *out = NULL;

    g_setenv("VIREO_TEST_LEAK", "1", TRUE);
    vr_command_set_env(cmd, "FOO", "bar baz");
    vr_command_set_env(cmd, "LC_ALL", "C.UTF-8");
    out = run_ok(cmd);
    assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
                        "LC_ALL=C.UTF-8\nFOO=bar baz\n");
}

static void
test_command_fds(void **state)
{
    g_autoptr(VrCommand) cmd = sh_command(
        "for f in /proc/self/fd/*; do echo \"${f##*/}\"; done");
    VR_AUTOCLOSE int passed = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 40);
    VR_AUTOCLOSE int leaked = fcntl(STDERR_FILENO, F_DUPFD, 50);
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *passed_s = g_strdup_printf("%d", passed);
    g_autofree char *leaked_s = g_strdup_printf("%d", leaked);

    assert_true(passed >= 40 && leaked >= 50);
    vr_command_pass_fd(cmd, passed);
    out = run_ok(cmd);
    lines = g_strsplit(g_strchomp(out), "\n", -1);
    assert_true(g_strv_contains((const char *const *) lines, "0"));
    assert_true(g_strv_contains((const char *const *) lines, "2"));
    assert_true(g_strv_contains((const char *const *) lines, passed_s));
    assert_false(g_strv_contains((const char *const *) lines, leaked_s));
    /* The parent's copy keeps its close-on-exec flag. */
    assert_int_equal(fcntl(passed, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

static void
test_command_signals(void **state)
{
    g_autoptr(VrCommand) cmd = vr_command_new("/bin/grep");
    g_autofree char *out = NULL;
    sigset_t set, old;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    signal(SIGUSR2, SIG_IGN);
    vr_command_add_arg(cmd, "-E");
    vr_command_add_arg(cmd, "^Sig(Blk|Ign)");
    vr_command_add_arg(cmd, "/proc/self/status");
    out = run_ok(cmd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);
    assert_string_equal(out, "SigBlk:\t0000000000000000\n"
                        "SigIgn:\t0000000000000000\n");
}

static void
test_command_status(void **state)
{
    g_autoptr(VrCommand) c3 = sh_command("exit 3");
    g_autoptr(VrCommand) ck = sh_command("kill -9 $$");
    g_autoptr(VrCommand) cf = sh_command("echo first >&2; echo second >&2; "
                                         "exit 2");
    g_autoptr(VrCommand) cok = sh_command("printf 'x'; printf 'y' >&2");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    assert_int_equal(vr_command_run(c3, &status, NULL, NULL), 0);
    assert_int_equal(status, 3);
    assert_int_equal(vr_command_run(ck, &status, NULL, NULL), 0);
    assert_int_equal(status, 128 + SIGKILL);
    assert_int_equal(vr_command_run(cf, NULL, NULL, NULL), -1);
    assert_string_equal(vr_error_message(),
                        "internal error: command '/bin/sh -c 'echo first >&2; "
                        "echo second >&2; exit 2'' failed with exit status 2: "
                        "first / second");
    assert_int_equal(vr_command_run(cok, NULL, &out, &err), 0);
    assert_string_equal(out, "x");
    assert_string_equal(err, "y");
}

/* Both pipes well past their capacity, interleaved: no deadlock. */
static void
test_command_big_output(void **state)
{
    g_autoptr(VrCommand) cmd = sh_command(
        "head -c 3000000 /dev/zero | tr '\\0' a; "
        "head -c 2000000 /dev/zero | tr '\\0' b >&2; "
        "head -c 1000000 /dev/zero | tr '\\0' c");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    assert_int_equal(vr_command_run(cmd, &status, &out, &err), 0);
    assert_int_equal(status, 0);
    assert_int_equal(strlen(out), 4000000);
    assert_int_equal(strlen(err), 2000000);
    assert_true(out[2999999] == 'a' && out[3000000] == 'c');
}

static void
test_command_missing(void **state)
{
    g_autoptr(VrCommand) cmd = vr_command_new("/nonexistent/bin/qemu");
    g_autoptr(VrCommand) noexec = vr_command_new("/etc/passwd");
    g_autoptr(VrCommand) nodir = vr_command_new("/bin/true");
    pid_t pid = 0;

    assert_int_equal(vr_command_spawn(cmd, &pid, NULL), -1);
    assert_string_equal(vr_error_message(),
                        "internal error: cannot execute '/nonexistent/bin/"
                        "qemu': No such file or directory");
    assert_int_equal(vr_command_run(cmd, NULL, NULL, NULL), -1);
    assert_non_null(strstr(vr_error_message(), "No such file or directory"));
    assert_int_equal(vr_command_spawn(noexec, &pid, NULL), -1);
    assert_non_null(strstr(vr_error_message(),
                           "cannot execute '/etc/passwd': Permission denied"));
    vr_command_set_cwd(nodir, "/nonexistent-dir");
    assert_int_equal(vr_command_run(nodir, NULL, NULL, NULL), -1);
    assert_non_null(strstr(vr_error_message(), "'/nonexistent-dir'"));
    /* No zombie left behind: the failed child was reaped. */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static void
test_command_setsid_umask_cwd(void **state)
{
    g_autoptr(VrCommand) cmd = sh_command(
        "read pid comm st ppid pgrp sid rest < /proc/$$/stat; "
        "echo $$ $sid; umask; pwd");
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    g_auto(GStrv) ids = NULL;

    vr_command_set_new_session(cmd);
    vr_command_set_umask(cmd, 027);
    vr_command_set_cwd(cmd, "/tmp");
    out = run_ok(cmd);
    lines = g_strsplit(out, "\n", -1);
    ids = g_strsplit(lines[0], " ", -1);
    assert_string_equal(ids[0], ids[1]);
    assert_int_not_equal(atoi(ids[1]), getsid(0));
    assert_string_equal(lines[1], "0027");
    assert_string_equal(lines[2], "/tmp");
}

static void
test_command_output_file(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-cmd-XXXXXX", NULL);
    g_autofree char *log = g_build_filename(dir, "out.log", NULL);
    g_autofree char *text = NULL;
    struct stat st;

    for (int i = 0; i < 2; i++) {
        g_autoptr(VrCommand) cmd = sh_command("echo out; echo err >&2");
        pid_t pid = 0;
        int status = -1;

        vr_command_set_output_file(cmd, log);
        assert_int_equal(vr_command_spawn(cmd, &pid, NULL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_true(g_file_get_contents(log, &text, NULL, NULL));
    assert_string_equal(text, "out\nerr\nout\nerr\n");
    assert_int_equal(stat(log, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    g_unlink(log);
    g_rmdir(dir);
}

static void
test_command_pidfd(void **state)
{
    g_autoptr(VrCommand) cmd = sh_command("sleep 0.2");
    VR_AUTOCLOSE int pidfd = -1;
    struct pollfd pfd;
    pid_t pid = 0;
    int status;

    assert_int_equal(vr_command_spawn(cmd, &pid, &pidfd), 0);
    assert_true(pidfd >= 0);
    assert_int_equal(fcntl(pidfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    pfd = (struct pollfd) { .fd = pidfd, .events = POLLIN };
    assert_int_equal(poll(&pfd, 1, 0), 0);        /* still running */
    assert_int_equal(poll(&pfd, 1, 10000), 1);    /* exited */
    assert_true(pfd.revents & POLLIN);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(vr_pidfd_open(pid), -1);     /* reaped: gone */
}

static void
test_command_user(void **state)
{
    g_autoptr(VrCommand) cmd = vr_command_new("/usr/bin/id");
    g_autofree char *out = NULL;

    if (geteuid() != 0) {
        print_message("# SKIP: running as a user needs root\n");
        skip();
    }
    vr_command_add_arg(cmd, "-u");
    vr_command_set_user(cmd, 65534, 65534);
    out = run_ok(cmd);
    assert_string_equal(out, "65534\n");
    g_clear_pointer(&out, g_free);
    {
        g_autoptr(VrCommand) groups = vr_command_new("/usr/bin/id");

        vr_command_add_arg(groups, "-G");
        vr_command_set_user(groups, 65534, 65534);
        out = run_ok(groups);
        assert_string_equal(out, "65534\n");
    }
    g_clear_pointer(&out, g_free);
    {
        /* Only a uid: root's groups are dropped all the same. */
        g_autoptr(VrCommand) uid_only = vr_command_new("/usr/bin/id");
        gid_t extra[] = { 0, 4 };

        assert_int_equal(setgroups(2, extra), 0);
        vr_command_add_arg(uid_only, "-G");
        vr_command_set_user(uid_only, 65534, (gid_t) -1);
        out = run_ok(uid_only);
        setgroups(1, extra);
        assert_string_equal(out, "0\n");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_argv),
        cmocka_unit_test(test_command_env_clean),
        cmocka_unit_test(test_command_fds),
        cmocka_unit_test(test_command_signals),
        cmocka_unit_test(test_command_status),
        cmocka_unit_test(test_command_big_output),
        cmocka_unit_test(test_command_missing),
        cmocka_unit_test(test_command_setsid_umask_cwd),
        cmocka_unit_test(test_command_output_file),
        cmocka_unit_test(test_command_pidfd),
        cmocka_unit_test(test_command_user),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
