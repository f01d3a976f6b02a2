/* vr_command.c: the one spawn API (fork + exec done right).
 *
 * Everything the child needs (argv, envp, fds, credentials) is prepared
 * before fork(); between fork() and exec() the child makes only
 * async-signal-safe calls, because the daemon is multi-threaded and any
 * lock (malloc's, GLib's) may have been held by another thread at fork
 * time.  A failure in the child (chdir, setuid, exec) is sent to the
 * parent as an errno over a close-on-exec pipe, so the parent knows before
 * returning whether exec succeeded.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define VR_COMMAND_MAX_OUTPUT (16 * 1024 * 1024)

struct _VrCommand {
    char *binary;
    GPtrArray *argv;        /* char *, NULL-terminated */
    GPtrArray *env;         /* "NAME=VALUE", NULL-terminated */
    GArray *pass_fds;       /* int */
    char *output_file;
    uid_t uid;
    gid_t gid;
    bool new_session;
    bool set_umask;
    mode_t umask;
    char *cwd;
};

/* What failed in the child, sent with errno over the error pipe. */
typedef enum {
    CHILD_STAGE_SETSID = 1,
    CHILD_STAGE_STDIO,
    CHILD_STAGE_FDS,
    CHILD_STAGE_CWD,
    CHILD_STAGE_USER,
    CHILD_STAGE_EXEC,
} ChildStage;

/* The child's whole plan, built before fork. */
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    const int *pass_fds;
    guint n_pass_fds;
    int stdio[3];
    int errpipe;
    long max_fd;
    uid_t uid;
    gid_t gid;
    bool new_session;
    bool set_umask;
    mode_t umask;
    const char *cwd;
} ChildPlan;

static void
ptr_array_add_terminated(GPtrArray *arr, char *s)
{
    arr->pdata[arr->len - 1] = s;
    g_ptr_array_add(arr, NULL);
}

/* A command running @binary (a path; a bare name is looked up in PATH at
 * spawn time).  Never NULL; free with vr_command_free. */
VrCommand *
vr_command_new(const char *binary)
{
    VrCommand *cmd = g_new0(VrCommand, 1);

    cmd->binary = g_strdup(binary);
    cmd->argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(cmd->argv, g_strdup(binary));
    g_ptr_array_add(cmd->argv, NULL);
    cmd->env = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(cmd->env, g_strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
    g_ptr_array_add(cmd->env, g_strdup("LC_ALL=C"));
    g_ptr_array_add(cmd->env, NULL);
    cmd->pass_fds = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->uid = (uid_t) -1;
    cmd->gid = (gid_t) -1;
    return cmd;
}

void
vr_command_add_arg(VrCommand *cmd, const char *arg)
{
    ptr_array_add_terminated(cmd->argv, g_strdup(arg));
}

void
vr_command_add_argf(VrCommand *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ptr_array_add_terminated(cmd->argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void
vr_command_add_arg_pair(VrCommand *cmd, const char *opt, const char *val)
{
    vr_command_add_arg(cmd, opt);
    vr_command_add_arg(cmd, val);
}

/* Setting a name again (PATH and LC_ALL included) replaces its value. */
void
vr_command_set_env(VrCommand *cmd, const char *name, const char *value)
{
    size_t n = strlen(name);

    for (guint i = 0; i + 1 < cmd->env->len; i++) {
        char *e = cmd->env->pdata[i];

        if (strncmp(e, name, n) == 0 && e[n] == '=') {
            g_free(e);
            cmd->env->pdata[i] = g_strdup_printf("%s=%s", name, value);
            return;
        }
    }
    ptr_array_add_terminated(cmd->env, g_strdup_printf("%s=%s", name, value));
}

/* @fd must be >= 3 (0-2 are the child's stdio). */
void
vr_command_pass_fd(VrCommand *cmd, int fd)
{
    if (fd < 3)
        return;
    g_array_append_val(cmd->pass_fds, fd);
}

void
vr_command_set_output_file(VrCommand *cmd, const char *path)
{
    g_free(cmd->output_file);
    cmd->output_file = g_strdup(path);
}

void
vr_command_set_user(VrCommand *cmd, uid_t uid, gid_t gid)
{
    cmd->uid = uid;
    cmd->gid = gid;
}

void
vr_command_set_new_session(VrCommand *cmd)
{
    cmd->new_session = true;
}

void
vr_command_set_umask(VrCommand *cmd, mode_t mask)
{
    cmd->set_umask = true;
    cmd->umask = mask;
}

void
vr_command_set_cwd(VrCommand *cmd, const char *dir)
{
    g_free(cmd->cwd);
    cmd->cwd = g_strdup(dir);
}

const char *const *
vr_command_argv(const VrCommand *cmd)
{
    return (const char *const *) cmd->argv->pdata;
}

static void
shell_quote_append(GString *s, const char *arg)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";

    if (*arg && strspn(arg, safe) == strlen(arg)) {
        g_string_append(s, arg);
        return;
    }
    g_string_append_c(s, '\'');
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            g_string_append(s, "'\\''");
        else
            g_string_append_c(s, *p);
    }
    g_string_append_c(s, '\'');
}

/* The argv only (not the environment).  Caller frees. */
char *
vr_command_to_string(const VrCommand *cmd)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i + 1 < cmd->argv->len; i++) {
        if (i > 0)
            g_string_append_c(s, ' ');
        shell_quote_append(s, cmd->argv->pdata[i]);
    }
    return g_string_free(s, FALSE);
}

void
vr_command_free(VrCommand *cmd)
{
    if (!cmd)
        return;
    g_free(cmd->binary);
    g_ptr_array_unref(cmd->argv);
    g_ptr_array_unref(cmd->env);
    g_array_unref(cmd->pass_fds);
    g_free(cmd->output_file);
    g_free(cmd->cwd);
    g_free(cmd);
}

int
vr_pidfd_open(pid_t pid)
{
    return (int) syscall(SYS_pidfd_open, pid, 0);
}

/* ---- the child ---- */

static void G_GNUC_NORETURN
child_fail(int errpipe, ChildStage stage)
{
    int msg[2] = { stage, errno };
    ssize_t r G_GNUC_UNUSED = write(errpipe, msg, sizeof(msg));

    _exit(127);
}

/* Mark every fd >= 3 close-on-exec (or close it when the kernel lacks
 * close_range), then keep the passed ones. */
static int
child_setup_fds(const ChildPlan *plan)
{
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        for (long fd = 3; fd < plan->max_fd; fd++) {
            bool keep = fd == plan->errpipe;

            for (guint i = 0; i < plan->n_pass_fds && !keep; i++)
                keep = plan->pass_fds[i] == fd;
            if (!keep)
                close((int) fd);
        }
    }
    for (guint i = 0; i < plan->n_pass_fds; i++) {
        if (fcntl(plan->pass_fds[i], F_SETFD, 0) < 0)
            return -1;
    }
    return 0;
}

/* glibc's sigaction() refuses its internal signals (32, 33), which can
 * reach us ignored from our own parent: reset them with the raw system
 * call, right before exec (nothing of glibc runs after that). */
static void
child_reset_internal_signals(void)
{
    struct {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
    } dfl = { NULL, 0, NULL, 0 };

    for (int sig = 32; sig < SIGRTMIN; sig++)
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}

/* Runs between fork and exec: async-signal-safe calls only. */
static void G_GNUC_NORETURN
child_exec(const ChildPlan *plan)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigset_t empty;

    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);

    if (plan->new_session && setsid() < 0)
        child_fail(plan->errpipe, CHILD_STAGE_SETSID);
    for (int i = 0; i < 3; i++) {
        if (dup2(plan->stdio[i], i) < 0)
            child_fail(plan->errpipe, CHILD_STAGE_STDIO);
    }
    if (child_setup_fds(plan) < 0)
        child_fail(plan->errpipe, CHILD_STAGE_FDS);
    if (plan->set_umask)
        umask(plan->umask);
    if (plan->cwd && chdir(plan->cwd) < 0)
        child_fail(plan->errpipe, CHILD_STAGE_CWD);
    /* Changing identity always drops our supplementary groups. */
    if ((plan->gid != (gid_t) -1 || plan->uid != (uid_t) -1) &&
        setgroups(0, NULL) < 0)
        child_fail(plan->errpipe, CHILD_STAGE_USER);
    if (plan->gid != (gid_t) -1 && setgid(plan->gid) < 0)
        child_fail(plan->errpipe, CHILD_STAGE_USER);
    if (plan->uid != (uid_t) -1 && setuid(plan->uid) < 0)
        child_fail(plan->errpipe, CHILD_STAGE_USER);

    child_reset_internal_signals();
    execve(plan->path, plan->argv, plan->envp);
    child_fail(plan->errpipe, CHILD_STAGE_EXEC);
}

/* ---- the parent ---- */

/* An fd of ours at a number >= 3, so the child's dup2 onto 0-2 never
 * lands on it; close-on-exec.  Takes ownership of @fd.  -1 (errno) on
 * failure. */
static int
fd_above_stdio(int fd)
{
    int nfd;

    if (fd < 0 || fd >= 3)
        return fd;
    nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return nfd;
}

static int
open_devnull(int flags)
{
    int fd = fd_above_stdio(open("/dev/null", flags | O_CLOEXEC));

    if (fd < 0)
        vr_error_report_system(errno, VR_FROM_NONE, "cannot open /dev/null");
    return fd;
}

static void
report_child_failure(const VrCommand *cmd, const char *path, int stage,
                     int err)
{
    switch ((ChildStage) stage) {
    case CHILD_STAGE_EXEC:
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot execute '%s': %s", path, g_strerror(err));
        break;
    case CHILD_STAGE_CWD:
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot run '%s' in directory '%s': %s", path,
                        cmd->cwd, g_strerror(err));
        break;
    case CHILD_STAGE_USER:
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot run '%s' as uid %d gid %d: %s", path,
                        (int) cmd->uid, (int) cmd->gid, g_strerror(err));
        break;
    default:
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot prepare to execute '%s' (step %d): %s",
                        path, stage, g_strerror(err));
        break;
    }
}

/* Wait for the child's verdict on the error pipe: EOF means exec
 * succeeded.  On failure the child is reaped and the error reported. */
static int
await_exec(const VrCommand *cmd, const char *path, int errpipe, pid_t pid)
{
    int msg[2];
    ssize_t n;
    int status;

    do {
        n = read(errpipe, msg, sizeof(msg));
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (n != sizeof(msg)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot execute '%s': lost track of the child", path);
        return -1;
    }
    report_child_failure(cmd, path, msg[0], msg[1]);
    return -1;
}

/* Fork and exec @cmd with @stdio as its fds 0-2 (all >= 3, CLOEXEC, not
 * consumed).  Returns 0 with *pid, or -1 reported. */
static int
command_fork(VrCommand *cmd, const int stdio[3], pid_t *pid)
{
    g_autofree char *found = NULL;
    ChildPlan plan = {
        .argv = (char *const *) cmd->argv->pdata,
        .envp = (char *const *) cmd->env->pdata,
        .pass_fds = (const int *) (void *) cmd->pass_fds->data,
        .n_pass_fds = cmd->pass_fds->len,
        .stdio = { stdio[0], stdio[1], stdio[2] },
        .max_fd = sysconf(_SC_OPEN_MAX),
        .uid = cmd->uid, .gid = cmd->gid,
        .new_session = cmd->new_session,
        .set_umask = cmd->set_umask, .umask = cmd->umask,
        .cwd = cmd->cwd,
    };
    int errpipe[2] = { -1, -1 };
    VR_AUTOCLOSE int rd = -1;
    sigset_t all, old;
    pid_t child;
    int saved;

    plan.path = cmd->binary;
    if (!strchr(cmd->binary, '/') && (found = g_find_program_in_path(cmd->binary)))
        plan.path = found;
    if (plan.max_fd <= 0)
        plan.max_fd = 65536;
    if (pipe2(errpipe, O_CLOEXEC) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE, "cannot create a pipe");
        return -1;
    }
    rd = errpipe[0];
    plan.errpipe = errpipe[1];

    /* Blocked across fork so the child runs no handler of ours before it
     * resets the dispositions. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    child = fork();
    if (child == 0)
        child_exec(&plan);
    saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(errpipe[1]);
    if (child < 0) {
        vr_error_report_system(saved, VR_FROM_NONE, "cannot fork to run '%s'",
                               plan.path);
        return -1;
    }
    if (await_exec(cmd, plan.path, rd, child) < 0)
        return -1;
    if (vr_log_enabled(VR_LOG_DEBUG)) {
        g_autofree char *line = vr_command_to_string(cmd);

        VR_DEBUG("started pid %d: %s", (int) child, line);
    }
    *pid = child;
    return 0;
}

static void
kill_and_reap(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

int
vr_command_spawn(VrCommand *cmd, pid_t *pid, int *pidfd)
{
    VR_AUTOCLOSE int in = open_devnull(O_RDONLY);
    VR_AUTOCLOSE int out = -1;
    int stdio[3];
    pid_t child;

    if (in < 0)
        return -1;
    if (cmd->output_file) {
        out = fd_above_stdio(open(cmd->output_file,
                                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                                  0600));
        if (out < 0) {
            vr_error_report_system(errno, VR_FROM_NONE,
                                   "cannot open '%s'", cmd->output_file);
            return -1;
        }
    } else if ((out = open_devnull(O_WRONLY)) < 0) {
        return -1;
    }
    stdio[0] = in;
    stdio[1] = stdio[2] = out;
    if (command_fork(cmd, stdio, &child) < 0)
        return -1;
    if (pidfd) {
        int fd = vr_pidfd_open(child);

        if (fd < 0) {
            vr_error_report_system(errno, VR_FROM_NONE,
                                   "cannot open a pidfd for '%s'",
                                   cmd->binary);
            kill_and_reap(child);
            return -1;
        }
        *pidfd = fd;
    }
    *pid = child;
    return 0;
}

/* ---- run to completion ---- */

typedef struct {
    int fd;
    GString *buf;   /* NULL: drained and dropped */
    bool truncated;
} CaptureStream;

/* Read what is available from @s; returns false at EOF or on error. */
static bool
capture_read(CaptureStream *s)
{
    char chunk[65536];
    ssize_t n = read(s->fd, chunk, sizeof(chunk));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    if (s->buf) {
        size_t room = VR_COMMAND_MAX_OUTPUT - s->buf->len;

        if ((size_t) n > room) {
            s->truncated = true;
            n = (ssize_t) room;
        }
        g_string_append_len(s->buf, chunk, n);
    }
    return true;
}

/* Drain both pipes until both reach EOF, whatever their sizes (so a child
 * filling one pipe never blocks while we wait on the other). */
static void
capture_loop(CaptureStream streams[2])
{
    for (;;) {
        struct pollfd pfd[2];
        int map[2];
        nfds_t n = 0;

        for (int i = 0; i < 2; i++) {
            if (streams[i].fd < 0)
                continue;
            pfd[n] = (struct pollfd) { .fd = streams[i].fd, .events = POLLIN };
            map[n++] = i;
        }
        if (n == 0)
            return;
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (nfds_t k = 0; k < n; k++) {
            CaptureStream *s = &streams[map[k]];

            if (pfd[k].revents && !capture_read(s)) {
                close(s->fd);
                s->fd = -1;
            }
        }
    }
}

static int
wait_exit_status(pid_t pid, const char *path)
{
    int status;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            vr_error_report_system(errno, VR_FROM_NONE,
                                   "cannot wait for '%s'", path);
            return -1;
        }
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* The first lines of @err (at most 3 lines, 400 bytes), for messages. */
static char *
first_lines(const char *err)
{
    g_auto(GStrv) lines = g_strsplit(err ? err : "", "\n", 4);
    GString *s = g_string_new(NULL);

    for (guint i = 0; lines[i] && i < 3; i++) {
        g_strstrip(lines[i]);
        if (!*lines[i])
            continue;
        if (s->len)
            g_string_append(s, " / ");
        g_string_append(s, lines[i]);
    }
    if (s->len > 400)
        g_string_truncate(s, 400);
    return g_string_free(s, FALSE);
}

static int
make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0 ||
        (fds[0] = fd_above_stdio(fds[0])) < 0 ||
        (fds[1] = fd_above_stdio(fds[1])) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE, "cannot create a pipe");
        return -1;
    }
    return 0;
}

int
vr_command_run(VrCommand *cmd, int *exit_status, char **out, char **err)
{
    VR_AUTOCLOSE int in = open_devnull(O_RDONLY);
    int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    CaptureStream streams[2] = { { -1, NULL, false }, { -1, NULL, false } };
    int stdio[3];
    pid_t pid;
    int status;

    if (in < 0 || make_pipe(outp) < 0 || make_pipe(errp) < 0)
        goto error;
    stdio[0] = in;
    stdio[1] = outp[1];
    stdio[2] = errp[1];
    if (command_fork(cmd, stdio, &pid) < 0)
        goto error;
    close(outp[1]);
    close(errp[1]);
    streams[0] = (CaptureStream) { outp[0], out ? g_string_new(NULL) : NULL };
    streams[1] = (CaptureStream) { errp[0], g_string_new(NULL) };
    capture_loop(streams);
    if ((status = wait_exit_status(pid, cmd->binary)) < 0)
        goto cleanup_streams;
    if (streams[0].truncated || streams[1].truncated)
        VR_WARN("output of '%s' truncated to 16 MiB", cmd->binary);
    if (exit_status) {
        *exit_status = status;
    } else if (status != 0) {
        g_autofree char *line = vr_command_to_string(cmd);
        g_autofree char *msg = first_lines(streams[1].buf->str);

        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "command '%s' failed with exit status %d%s%s", line,
                        status, *msg ? ": " : "", msg);
        goto cleanup_streams;
    }
    if (out)
        *out = g_string_free(streams[0].buf, FALSE);
    else if (streams[0].buf)
        g_string_free(streams[0].buf, TRUE);
    if (err)
        *err = g_string_free(streams[1].buf, FALSE);
    else
        g_string_free(streams[1].buf, TRUE);
    return 0;

 cleanup_streams:
    for (int i = 0; i < 2; i++) {
        if (streams[i].buf)
            g_string_free(streams[i].buf, TRUE);
    }
    return -1;

 error:
    for (int i = 0; i < 2; i++) {
        vr_close_fdp(&outp[i]);
        vr_close_fdp(&errp[i]);
    }
    return -1;
}
