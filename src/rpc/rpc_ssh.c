/* rpc_ssh.c: the qemu+ssh transport (DESIGN.md "URIs").
 *
 * The client runs the system ssh with its stdin and stdout on one end of
 * a socketpair and wraps the other end in an ordinary RPC connection; the
 * far side runs vireo-ssh-helper (or nc -U) to reach the daemon's socket,
 * so the daemon sees a plain local client.  ssh's stderr goes to a pipe
 * read by a small watcher thread, which also reaps ssh: when the first
 * call fails, its stderr and exit status say what went wrong.
 *
 * ssh is started with GLib's g_spawn_async_with_pipes_and_fds rather than
 * util's vr_command: vr_command cannot put a socket on a child's stdio,
 * and it gives children a clean environment, whereas ssh needs the
 * user's HOME, SSH_AUTH_SOCK and terminal to find keys and ask questions.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpc/rpc_ssh.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define SSH_ERR_MAX 8192           /* stderr bytes kept */
#define SSH_EXIT_WAIT_US (3 * G_USEC_PER_SEC)
#define SSH_EXIT_NOT_FOUND 127     /* sh: exec of a missing program */

struct _VrRpcSsh {
    char *host;
    char *user;
    int port;
    char *socket;            /* far side's socket as named in messages */
    GPid pid;
    GThread *watcher;
    GMutex lock;             /* guards everything below */
    GCond cond;
    GString *err;            /* ssh's stderr (first SSH_ERR_MAX bytes) */
    bool exited;             /* reaped: pid is no longer ours */
    int status;              /* wait status once exited */
    int err_fd;              /* read end of ssh's stderr */
};

/* The command for the far side (one string: ssh hands it to the remote
 * user's shell).  With ?socket= both the helper and nc get that path;
 * otherwise the helper gets the URI and works out the default itself. */
static char *
ssh_remote_command(const VrRpcUri *uri)
{
    g_autofree char *helper_arg = NULL;
    g_autofree char *nc_arg = NULL;
    g_autofree char *inner = NULL;
    g_autofree char *q_inner = NULL;

    if (uri->socket) {
        helper_arg = g_shell_quote(uri->socket);
        nc_arg = g_strdup(helper_arg);
    } else if (uri->session) {
        helper_arg = g_strdup("qemu:///session");
        nc_arg = g_strdup("\"${XDG_RUNTIME_DIR:-/run/user/$(id -u)}"
                          "/vireo/vireo-sock\"");
    } else {
        const char *path = uri->readonly ? "/run/vireo/vireo-sock-ro"
                                         : "/run/vireo/vireo-sock";
        helper_arg = g_strdup(path);
        nc_arg = g_strdup(path);
    }
    inner = g_strdup_printf("if command -v vireo-ssh-helper >/dev/null 2>&1; "
                            "then exec vireo-ssh-helper %s; "
                            "else exec nc -U %s; fi", helper_arg, nc_arg);
    q_inner = g_shell_quote(inner);
    return g_strdup_printf("sh -c %s", q_inner);
}

/* ssh's argv for @uri; @tty: a terminal is attached (prompts allowed). */
static GStrv
ssh_argv(const VrRpcUri *uri, bool tty)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *port = uri->port ? g_strdup_printf("%d", uri->port)
                                      : NULL;
    g_autofree char *kh = uri->known_hosts ?
        g_strdup_printf("UserKnownHostsFile=%s", uri->known_hosts) : NULL;
    g_autofree char *cmd = ssh_remote_command(uri);

    g_strv_builder_add_many(b, "ssh", "-e", "none", "-T", NULL);
    if (!tty || uri->no_tty)
        g_strv_builder_add_many(b, "-o", "BatchMode=yes", NULL);
    if (port)
        g_strv_builder_add_many(b, "-p", port, NULL);
    if (uri->user)
        g_strv_builder_add_many(b, "-l", uri->user, NULL);
    if (uri->keyfile)
        g_strv_builder_add_many(b, "-i", uri->keyfile, NULL);
    if (kh)
        g_strv_builder_add_many(b, "-o", kh, NULL);
    if (uri->no_verify)
        g_strv_builder_add_many(b, "-o", "StrictHostKeyChecking=no", NULL);
    g_strv_builder_add_many(b, "--", uri->host, cmd, NULL);
    return g_strv_builder_end(b);
}

/* Watcher thread: collect stderr until EOF, then reap ssh. */
static gpointer
ssh_watch(gpointer data)
{
    VrRpcSsh *ssh = data;
    char buf[1024];
    ssize_t n;
    int status = 0;

    while ((n = read(ssh->err_fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        g_mutex_lock(&ssh->lock);
        if (ssh->err->len < SSH_ERR_MAX)
            g_string_append_len(ssh->err, buf, n);
        g_mutex_unlock(&ssh->lock);
    }
    while (waitpid(ssh->pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_mutex_lock(&ssh->lock);
    ssh->exited = true;
    ssh->status = status;
    g_cond_broadcast(&ssh->cond);
    g_mutex_unlock(&ssh->lock);
    return NULL;
}

/* Spawn ssh with stdin/stdout on @sock and stderr on @err.  Returns 0 or
 * -1 reported. */
static int
ssh_spawn(VrRpcSsh *ssh, const VrRpcUri *uri, int sock, int err)
{
    g_auto(GStrv) argv = ssh_argv(uri, isatty(STDIN_FILENO));
    g_autoptr(GError) gerr = NULL;
    g_autofree char *line = g_strjoinv(" ", argv);

    VR_DEBUG("running %s", line);
    if (!g_spawn_async_with_pipes_and_fds(NULL, (const char *const *) argv,
                                          NULL, G_SPAWN_SEARCH_PATH |
                                          G_SPAWN_DO_NOT_REAP_CHILD,
                                          NULL, NULL, sock, sock, err,
                                          NULL, NULL, 0, &ssh->pid,
                                          NULL, NULL, NULL, &gerr)) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_REMOTE,
                        "cannot run ssh to reach '%s': %s", uri->host,
                        gerr->message);
        return -1;
    }
    return 0;
}

VrRpcConn *
vr_rpc_ssh_open(const VrRpcUri *uri, VrRpcSsh **out)
{
    g_autoptr(VrRpcSsh) ssh = g_new0(VrRpcSsh, 1);
    int sv[2];
    int ep[2];
    VrRpcConn *rpc;

    g_mutex_init(&ssh->lock);
    g_cond_init(&ssh->cond);
    ssh->err = g_string_new(NULL);
    ssh->err_fd = -1;
    ssh->host = g_strdup(uri->host);
    ssh->user = g_strdup(uri->user);
    ssh->port = uri->port;
    ssh->socket = g_strdup(uri->socket ? uri->socket :
                           uri->session ? "the session daemon's socket" :
                           uri->readonly ? "/run/vireo/vireo-sock-ro"
                                         : "/run/vireo/vireo-sock");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        vr_error_report_system(errno, VR_FROM_REMOTE, "cannot create socketpair");
        return NULL;
    }
    if (!g_unix_open_pipe(ep, FD_CLOEXEC, NULL)) {
        vr_error_report_system(errno, VR_FROM_REMOTE, "cannot create pipe");
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    ssh->err_fd = ep[0];
    if (ssh_spawn(ssh, uri, sv[1], ep[1]) < 0) {
        close(sv[0]);
        close(sv[1]);
        close(ep[1]);
        return NULL;
    }
    close(sv[1]);
    close(ep[1]);
    ssh->watcher = g_thread_new("vr-ssh-watch", ssh_watch, ssh);
    if (!(rpc = vr_rpc_conn_open_fd(sv[0])))
        return NULL;
    *out = g_steal_pointer(&ssh);
    return rpc;
}

/* The last non-empty line of @text (a new string). */
static char *
last_line(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (int i = (int) g_strv_length(lines) - 1; i >= 0; i--) {
        g_strstrip(lines[i]);
        if (*lines[i])
            return g_strdup(lines[i]);
    }
    return g_strdup("");
}

/* Why ssh could not reach the host, from its stderr; NULL if it did. */
static const char *
ssh_connect_failure(const char *err)
{
    static const char *const causes[] = {
        "Connection refused", "No route to host", "Network is unreachable",
        "Connection timed out", "Could not resolve hostname",
        "Name or service not known", "Temporary failure in name resolution",
        NULL,
    };

    for (size_t i = 0; causes[i]; i++)
        if (strstr(err, causes[i]))
            return causes[i];
    return NULL;
}

static void
ssh_report(int code, const char *msg)
{
    vr_error_set_raw(code, VR_FROM_REMOTE, VR_ERR_LEVEL_ERROR, msg,
                     "%s", msg);
}

/* Turn ssh's stderr and exit status into one clear message. */
static void
ssh_classify(VrRpcSsh *ssh, const char *err, int status)
{
    g_autofree char *where = ssh->port ?
        g_strdup_printf("'%s' port %d", ssh->host, ssh->port) :
        g_strdup_printf("'%s'", ssh->host);
    g_autofree char *line = last_line(err);
    g_autofree char *msg = NULL;
    const char *cause = ssh_connect_failure(err);
    const char *p;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

    if (cause) {
        msg = g_strdup_printf("cannot connect to host %s: %s", where, cause);
    } else if ((p = strstr(err, "Permission denied ("))) {
        g_autofree char *methods = g_strndup(p + 18, strcspn(p + 18, ".\n"));
        msg = g_strdup_printf("authentication refused %s by host %s%s%s",
                              methods, where, ssh->user ? " for user " : "",
                              ssh->user ? ssh->user : "");
        ssh_report(VR_ERR_AUTH_FAILED, msg);
        return;
    } else if (strstr(err, "Host key verification failed")) {
        msg = g_strdup_printf("host key verification failed for %s: add the "
                              "key to known_hosts or use ?no_verify=1", where);
    } else if ((p = strstr(err, "no daemon on the far side"))) {
        msg = last_line(p);
    } else if (strstr(err, "unix connect failed")) {
        msg = g_strdup_printf("no daemon on the far side: socket %s missing",
                              ssh->socket);
    } else if (code == SSH_EXIT_NOT_FOUND || strstr(err, "not found")) {
        msg = g_strdup_printf("vireo-ssh-helper and nc missing on %s: install "
                              "Vireo (or netcat-openbsd) there", ssh->host);
    } else if (strstr(err, "No such file or directory")) {
        msg = g_strdup_printf("no daemon on the far side: socket %s missing",
                              ssh->socket);
    } else {
        msg = g_strdup_printf("ssh to %s failed (exit status %d)%s%s", where,
                              code, *line ? ": " : "", line);
    }
    ssh_report(VR_ERR_SYSTEM_ERROR, msg);
}

void
vr_rpc_ssh_explain(VrRpcSsh *ssh)
{
    gint64 deadline = g_get_monotonic_time() + SSH_EXIT_WAIT_US;
    g_autofree char *err = NULL;
    int status;

    if (!ssh)
        return;
    g_mutex_lock(&ssh->lock);
    while (!ssh->exited &&
           g_cond_wait_until(&ssh->cond, &ssh->lock, deadline))
        ;
    if (!ssh->exited) {
        g_mutex_unlock(&ssh->lock);
        return;
    }
    err = g_strdup(ssh->err->str);
    status = ssh->status;
    g_mutex_unlock(&ssh->lock);
    VR_DEBUG("ssh exited with status 0x%x: %s", status, err);
    ssh_classify(ssh, err, status);
}

void
vr_rpc_ssh_free(VrRpcSsh *ssh)
{
    if (!ssh)
        return;
    if (ssh->watcher) {
        g_mutex_lock(&ssh->lock);
        if (!ssh->exited)
            kill(ssh->pid, SIGTERM);
        g_mutex_unlock(&ssh->lock);
        g_thread_join(ssh->watcher);
    }
    if (ssh->err_fd >= 0)
        close(ssh->err_fd);
    g_string_free(ssh->err, TRUE);
    g_mutex_clear(&ssh->lock);
    g_cond_clear(&ssh->cond);
    g_free(ssh->host);
    g_free(ssh->user);
    g_free(ssh->socket);
    g_free(ssh);
}
