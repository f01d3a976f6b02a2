/* daemon_main.c: vireod's entry point: options, configuration, the pidfile
 * lock, detaching, the RPC server and its listeners, signals, shutdown.
 *
 * Start-up does only what serving needs: definitions are read once and
 * host capabilities are probed on first request, so a daemon with a
 * thousand domains is listening within milliseconds.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <grp.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/daemon_config.h"
#include "daemon/daemon_dispatch.h"
#include "daemon/daemon_dispatch_storage.h"
#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "network/net_driver.h"
#include "rpc/rpc_server.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"
#include "util/vr_paths.h"

#define SHUTDOWN_TIMEOUT_MS 10000

typedef struct {
    gboolean system;
    gboolean session;
    char *root;
    char *config;
    gboolean detach;
    char *pid_file;
    gboolean verbose;
    gboolean version;
    int timeout;          /* --timeout: idle seconds before exiting; 0 never */
} DaemonOptions;

static void
daemon_options_clear(DaemonOptions *o)
{
    g_free(o->root);
    g_free(o->config);
    g_free(o->pid_file);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DaemonOptions, daemon_options_clear)

static int
parse_options(int *argc, char ***argv, DaemonOptions *o)
{
    const GOptionEntry entries[] = {
        { "system", 0, 0, G_OPTION_ARG_NONE, &o->system,
          "system mode (default when run as root)", NULL },
        { "session", 0, 0, G_OPTION_ARG_NONE, &o->session,
          "per-user session mode (default otherwise)", NULL },
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &o->root,
          "keep configuration, state, sockets and logs under DIR", "DIR" },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &o->config,
          "configuration file (default <config>/vireod.conf)", "FILE" },
        { "daemon", 'd', 0, G_OPTION_ARG_NONE, &o->detach,
          "detach once the sockets are listening", NULL },
        { "pid-file", 'p', 0, G_OPTION_ARG_FILENAME, &o->pid_file,
          "pidfile (default <run>/vireod.pid)", "FILE" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
          "log informational messages to stderr", NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &o->version,
          "print the version and exit", NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o->timeout,
          "exit after SECS idle seconds (no clients, no running domains, "
          "no active networks)", "SECS" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("- Vireo virtualization daemon");
    g_autoptr(GError) err = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        fprintf(stderr, "vireod: %s (try --help)\n", err->message);
        return -1;
    }
    if (*argc > 1) {
        fprintf(stderr, "vireod: unexpected argument '%s'\n", (*argv)[1]);
        return -1;
    }
    if (o->timeout < 0) {
        fprintf(stderr, "vireod: --timeout must not be negative\n");
        return -1;
    }
    if (o->system && o->session) {
        fprintf(stderr, "vireod: --system and --session exclude each other\n");
        return -1;
    }
    return 0;
}

/* Detach: fork, setsid, fork again.  The original process waits for the
 * daemon to report over a pipe ("" = listening, else an error message)
 * and exits 0 or 1 accordingly; only the daemon returns, with the pipe's
 * write end in *status_fd.  Runs before any thread exists. */
static void
detach(int *status_fd)
{
    int fds[2];
    pid_t pid;

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, NULL) || (pid = fork()) < 0) {
        fprintf(stderr, "vireod: cannot detach: %s\n", g_strerror(errno));
        exit(EXIT_FAILURE);
    }
    if (pid > 0) {
        g_autoptr(GString) msg = g_string_new(NULL);
        char buf[512];
        ssize_t n;

        close(fds[1]);
        waitpid(pid, NULL, 0);
        while ((n = read(fds[0], buf, sizeof(buf))) > 0 ||
               (n < 0 && errno == EINTR))
            if (n > 0)
                g_string_append_len(msg, buf, n);
        if (msg->len == 1 && msg->str[0] == '\n')
            exit(EXIT_SUCCESS);
        fprintf(stderr, "vireod: %s\n",
                msg->len ? msg->str : "the daemon exited during start-up");
        exit(EXIT_FAILURE);
    }
    close(fds[0]);
    if (setsid() < 0 || (pid = fork()) < 0)
        _exit(EXIT_FAILURE);
    if (pid > 0)
        _exit(EXIT_SUCCESS);
    if (chdir("/") < 0)
        _exit(EXIT_FAILURE);
    *status_fd = fds[1];
}

/* Tell the waiting parent we are listening; stdio goes to /dev/null. */
static void
detach_done(int *status_fd)
{
    VR_AUTOCLOSE int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (*status_fd < 0)
        return;
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    if (vr_write_all(*status_fd, "\n", 1) < 0)
        VR_WARN("cannot notify the parent: %s", g_strerror(errno));
    close(vr_steal_fd(status_fd));
}

/* Lock the pidfile (one daemon per root) and write our pid into it.
 * Returns the open fd (kept for the daemon's life) or -1 reported. */
static int
pidfile_acquire(const char *path, const char *root)
{
    VR_AUTOCLOSE int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    g_autofree char *pid = NULL;

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot open pidfile '%s'", path);
        return -1;
    }
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        g_autofree char *other = NULL;
        g_autofree char *msg = NULL;

        if (errno != EAGAIN && errno != EACCES) {
            vr_error_report_system(errno, VR_FROM_NONE,
                                   "cannot lock pidfile '%s'", path);
            return -1;
        }
        g_file_get_contents(path, &other, NULL, NULL);
        msg = g_strdup_printf("another vireod (pid %s) is already using %s",
                              other ? g_strstrip(other) : "?", root);
        vr_error_set_raw(VR_ERR_RESOURCE_BUSY, VR_FROM_NONE,
                         VR_ERR_LEVEL_ERROR, msg, "%s", msg);
        return -1;
    }
    pid = g_strdup_printf("%ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || vr_write_all(fd, pid, strlen(pid)) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot write pidfile '%s'", path);
        return -1;
    }
    return vr_steal_fd(&fd);
}

static int
lookup_group(const char *name, gid_t *gid)
{
    struct group *gr;

    *gid = (gid_t) -1;
    if (!name)
        return 0;
    if (!(gr = getgrnam(name))) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "unix_sock_group: unknown group '%s'", name);
        return -1;
    }
    *gid = gr->gr_gid;
    return 0;
}

static VrRpcServer *
start_server(const DaemonConfig *cfg, const VrPaths *paths,
             DaemonContext *ctx)
{
    VrRpcServerConfig scfg = {
        .max_clients = cfg->max_clients,
        .min_workers = cfg->min_workers,
        .max_workers = cfg->max_workers,
        .prio_workers = cfg->prio_workers,
        .max_client_requests = cfg->max_client_requests,
        .max_message_size = cfg->max_message_size,
        .keepalive_interval = cfg->keepalive_interval,
        .keepalive_count = cfg->keepalive_count,
    };
    g_autoptr(VrRpcServer) srv = NULL;
    gid_t gid;

    if (lookup_group(cfg->unix_sock_group, &gid) < 0 ||
        !(srv = vr_rpc_server_new(&scfg, daemon_session_open,
                                  daemon_session_close, ctx)) ||
        daemon_dispatch_register(srv) < 0 ||
        vr_rpc_server_add_unix_listener(srv, paths->sock_rw,
                                        cfg->unix_sock_rw_perms, gid,
                                        false) < 0 ||
        vr_rpc_server_add_unix_listener(srv, paths->sock_ro,
                                        cfg->unix_sock_ro_perms, gid,
                                        true) < 0)
        return NULL;
    vr_rpc_server_set_call_check(srv, daemon_session_check_auth, NULL);
    return g_steal_pointer(&srv);
}

static gboolean
on_quit_signal(gpointer data)
{
    VR_INFO("shutting down on signal");
    g_main_loop_quit(data);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_hup(gpointer data)
{
    VR_INFO("SIGHUP received: nothing to reload yet");
    return G_SOURCE_CONTINUE;
}

static int
load_config(const DaemonOptions *o, const VrPaths *paths, DaemonConfig *cfg)
{
    g_autofree char *dflt = g_build_filename(paths->config_dir, "vireod.conf",
                                             NULL);
    const char *path = o->config;
    g_autofree char *outputs = NULL;

    if (!path && g_file_test(dflt, G_FILE_TEST_EXISTS))
        path = dflt;
    if (path && daemon_config_load_file(cfg, path) < 0)
        return -1;
    /* As libvirtd: without log_outputs, log at log_level to stderr. */
    if (o->verbose)
        outputs = g_strdup_printf("%d:stderr", MIN(cfg->log_level, 2));
    else if (cfg->log_outputs)
        outputs = g_strdup(cfg->log_outputs);
    else
        outputs = g_strdup_printf("%d:stderr", cfg->log_level);
    if (vr_log_setup(o->verbose ? MIN(cfg->log_level, 2) : cfg->log_level,
                     outputs) < 0)
        return -1;
    return 0;
}

/* The --timeout watch: quits the loop once the daemon has been idle (no
 * client, no running domain, no active network) for @limit seconds. */
typedef struct {
    GMainLoop *loop;
    VrRpcServer *srv;
    DaemonContext *ctx;
    int limit;
    gint64 idle_since;    /* monotonic us; 0: busy at the last check */
} IdleWatch;

static bool
daemon_is_idle(const IdleWatch *w)
{
    if (vr_rpc_server_session_count(w->srv) > 0 ||
        qemu_domain_count(w->ctx->qemu, true) != 0)
        return false;
    return !w->ctx->net || net_count(w->ctx->net, true) == 0;
}

static gboolean
on_idle_tick(gpointer data)
{
    IdleWatch *w = data;
    gint64 now = g_get_monotonic_time();

    if (!daemon_is_idle(w)) {
        w->idle_since = 0;
        return G_SOURCE_CONTINUE;
    }
    if (!w->idle_since)
        w->idle_since = now;
    if (now - w->idle_since >= (gint64) w->limit * G_USEC_PER_SEC) {
        VR_INFO("idle for %d s: exiting (--timeout)", w->limit);
        g_main_loop_quit(w->loop);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* QemuNetHooks.network_bridge: the QEMU driver asks the network driver
 * (through us: DESIGN.md layers) for an active network's bridge. */
static int
hook_network_bridge(const char *network, char **bridge, void *opaque)
{
    return net_port_get_bridge(opaque, network, bridge);
}

/* Static: valid however long the QEMU driver keeps the pointer. */
static QemuNetHooks net_hooks = { .network_bridge = hook_network_bridge };

/* The network driver, wired to the QEMU driver's hooks.  NULL reported. */
static NetDriver *
start_network_driver(const VrPaths *paths, QemuDriver *qemu)
{
    NetDriver *net = net_driver_new(paths);

    if (!net)
        return NULL;
    net_hooks.opaque = net;
    qemu_driver_set_net_hooks(qemu, &net_hooks);
    return net;
}

/* Unhook and free the network driver (NULL-safe). */
static void
free_network_driver(QemuDriver *qemu, NetDriver *net)
{
    QemuNetHooks none = { NULL };

    if (!net)
        return;
    if (qemu)
        qemu_driver_set_net_hooks(qemu, &none);
    net_driver_free(net);
}

/* Everything that runs between start-up and exit; returns the exit code.
 * @status_fd reports a start-up failure to a waiting parent. */
static int
run(const DaemonOptions *o, VrPaths *paths, const DaemonConfig *cfg,
    int *status_fd, gint64 t0)
{
    g_autoptr(QemuDriver) qemu = NULL;
    NetDriver *net = NULL;
    StorageDriver *storage = NULL;
    g_autoptr(VrRpcServer) srv = NULL;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    const char *root = paths->root ? paths->root : paths->run_dir;
    VR_AUTOCLOSE int pidfd = -1;
    DaemonContext ctx = { 0 };
    IdleWatch idle = { .loop = loop, .ctx = &ctx, .limit = o->timeout };
    guint idle_id = 0;

    if (vr_paths_create(paths) < 0 ||
        (pidfd = pidfile_acquire(paths->pidfile, root)) < 0)
        return EXIT_FAILURE;
    /* Orphaned QEMU processes get re-parented to us (later supervision). */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        VR_WARN("cannot become a child subreaper: %s", g_strerror(errno));
    if (!(qemu = qemu_driver_new(paths)) ||
        qemu_driver_set_qemu_user(qemu, cfg->qemu_user,
                                  cfg->qemu_group) < 0 ||
        !(net = start_network_driver(paths, qemu)) ||
        !(storage = daemon_storage_start(paths, qemu)))
        goto fail;
    ctx.qemu = qemu;
    ctx.net = net;
    ctx.storage = storage;
    ctx.privileged = paths->privileged;
    ctx.auth_rw = cfg->auth_unix_rw;
    ctx.auth_ro = cfg->auth_unix_ro;
    daemon_context_init(&ctx);
    if (!(srv = start_server(cfg, paths, &ctx)))
        goto fail;
    /* Re-attach to running QEMUs and autostart, without delaying start-up
     * (calls about domains not yet re-attached wait for the driver). */
    qemu_driver_start_background(qemu);
    /* Adopt running networks, define "default", autostart. */
    net_driver_start_background(net);
    /* Refresh active pools, autostart the others. */
    storage_driver_start_background(storage);

    g_unix_signal_add(SIGTERM, on_quit_signal, loop);
    g_unix_signal_add(SIGINT, on_quit_signal, loop);
    g_unix_signal_add(SIGHUP, on_hup, NULL);
    VR_INFO("vireod %s ready in %lld ms (%s mode, sockets in %s)",
            PACKAGE_VERSION, (long long) (g_get_monotonic_time() - t0) / 1000,
            paths->privileged ? "system" : "session", paths->run_dir);
    if (o->timeout > 0) {
        idle.srv = srv;
        idle_id = g_timeout_add_seconds(1, on_idle_tick, &idle);
    }
    detach_done(status_fd);
    g_main_loop_run(loop);
    if (idle_id && g_main_context_find_source_by_id(NULL, idle_id))
        g_source_remove(idle_id);

    vr_rpc_server_shutdown(srv, SHUTDOWN_TIMEOUT_MS);
    g_clear_pointer(&srv, vr_rpc_server_free);
    daemon_context_wait_background(&ctx, SHUTDOWN_TIMEOUT_MS);
    /* Background work stops; running QEMUs keep running. */
    qemu_driver_shutdown(qemu);
    net_driver_shutdown(net);      /* networks keep running */
    storage_driver_shutdown(storage);  /* volume jobs end; pools stay */
    daemon_context_clear(&ctx);
    free_network_driver(qemu, net);
    daemon_storage_free(qemu, storage);
    unlink(paths->sock_rw);
    unlink(paths->sock_ro);
    unlink(paths->pidfile);
    VR_INFO("vireod stopped");
    return EXIT_SUCCESS;

 fail:
    if (ctx.events)
        daemon_context_clear(&ctx);
    free_network_driver(qemu, net);
    daemon_storage_free(qemu, storage);
    unlink(paths->pidfile);
    return EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
    gint64 t0 = g_get_monotonic_time();
    g_auto(DaemonOptions) opts = { 0 };
    g_autoptr(VrPaths) paths = NULL;
    g_autoptr(DaemonConfig) cfg = daemon_config_new();
    VR_AUTOCLOSE int status_fd = -1;
    bool privileged;
    int rc;

#ifdef __GLIBC__
    /* glibc gives each allocating thread its own arena (up to 8 per CPU):
     * definitions parsed on RPC workers end up spread, half empty, over
     * several heaps.  Two arenas: about 0.4 MiB less RSS with 1000
     * domains defined over RPC (bench/README.md). */
    mallopt(M_ARENA_MAX, 2);
#endif
    if (parse_options(&argc, &argv, &opts) < 0)
        return EXIT_FAILURE;
    if (opts.version) {
        printf("vireod (Vireo) %s\n", PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    privileged = opts.system || (!opts.session && geteuid() == 0);
    signal(SIGPIPE, SIG_IGN);
    if (!(paths = vr_paths_new(privileged, opts.root)))
        goto error;
    if (opts.pid_file) {
        g_free(paths->pidfile);
        paths->pidfile = g_steal_pointer(&opts.pid_file);
    }
    if (load_config(&opts, paths, cfg) < 0)
        goto error;
    if (opts.detach)
        detach(&status_fd);
    rc = run(&opts, paths, cfg, &status_fd, t0);
    if (rc == EXIT_SUCCESS)
        return rc;

 error:
    if (status_fd >= 0)
        vr_write_all(status_fd, vr_error_message(),
                     strlen(vr_error_message()));
    else
        fprintf(stderr, "vireod: %s\n", vr_error_message());
    return EXIT_FAILURE;
}
