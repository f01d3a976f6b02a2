/* net_driver_dnsmasq.c: one dnsmasq per active network: its files under
 * <state>/network (conf, dhcp-hostsfile, addn-hosts, leases), the process
 * (our child, `--keep-in-foreground`, in its own session so it outlives a
 * vireod restart; it drops to the "dnsmasq" user, else "nobody"), a pidfd
 * watch on the main loop that restarts it with a backoff when it dies,
 * SIGHUP on host-entry updates, and adoption by a later vireod (the pid
 * from the status file, checked against /proc/PID/cmdline).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib-unix.h>

#include "network/net_driver_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"

#define DNSMASQ_BIN "dnsmasq"
#define DNSMASQ_TERM_WAIT_MS 3000
#define DNSMASQ_READY_MS 10000
#define RESTART_MIN_MS 200
#define RESTART_MAX_MS 30000
/* A dnsmasq that ran this long resets the backoff. */
#define RESTART_STABLE_US (60 * G_USEC_PER_SEC)

typedef struct {
    NetObj *obj;             /* reference */
    guint gen;
} DnsmasqWatch;

static void
dnsmasq_watch_free(gpointer data)
{
    DnsmasqWatch *w = data;

    net_obj_unref(w->obj);
    g_free(w);
}

bool
net_def_wants_dnsmasq(const VrNetworkDef *def)
{
    return def->forward != VR_NET_FORWARD_BRIDGE && def->ips->len > 0;
}

/* The unprivileged user dnsmasq drops to (NULL when we are not root). */
static const char *
dnsmasq_user(uid_t *uid, gid_t *gid)
{
    struct passwd *pw;

    if (geteuid() != 0)
        return NULL;
    if ((pw = getpwnam("dnsmasq"))) {
        *uid = pw->pw_uid;
        *gid = pw->pw_gid;
        return "dnsmasq";
    }
    *uid = 65534;
    *gid = 65534;
    return "nobody";
}

/* May @uid/@gid (no supplementary groups) use @path for @bit (4 read,
 * 1 search) by its mode bits? */
static bool
mode_allows(const struct stat *st, uid_t uid, gid_t gid, unsigned int bit)
{
    if (st->st_uid == uid)
        return st->st_mode & (bit << 6);
    if (st->st_gid == gid)
        return st->st_mode & (bit << 3);
    return st->st_mode & bit;
}

char *
net_dnsmasq_unreadable(const char *path, uid_t uid, gid_t gid)
{
    g_autofree char *dir = g_path_get_dirname(path);
    struct stat st;

    if (stat(path, &st) < 0 || !mode_allows(&st, uid, gid, 4))
        return g_strdup(path);
    while (true) {
        char *up;

        if (stat(dir, &st) < 0 || !mode_allows(&st, uid, gid, 1))
            return g_steal_pointer(&dir);
        if (g_str_equal(dir, "/") || g_str_equal(dir, "."))
            return NULL;
        up = g_path_get_dirname(dir);
        g_free(dir);
        dir = up;
    }
}

/* dnsmasq reads the hosts files after dropping to @user: warn when it
 * cannot (e.g. a 0700 --root), DNS host entries and DHCP reservations
 * would silently not work. */
static void
check_user_access(const VrNetworkDef *def, const char *user, uid_t uid,
                  gid_t gid, const char *hosts)
{
    g_autofree char *blocker = NULL;

    if (!user || !(blocker = net_dnsmasq_unreadable(hosts, uid, gid)))
        return;
    VR_WARN("network '%s': dnsmasq runs as '%s', which cannot read '%s' "
            "('%s' is not accessible): DNS host entries and DHCP host "
            "reservations will not work", def->name, user, hosts, blocker);
}

int
net_write_host_files(NetDriver *drv, const VrNetworkDef *def)
{
    g_autofree char *hosts = net_dnsmasq_hostsfile_format(def);
    g_autofree char *addn = net_dnsmasq_addnhosts_format(def);
    g_autofree char *hpath = net_state_file(drv, def->name, "hostsfile");
    g_autofree char *apath = net_state_file(drv, def->name, "addnhosts");

    if (vr_dir_create(drv->state_dir, 0755) < 0 ||
        vr_file_write_atomic(hpath, hosts, strlen(hosts), 0644) < 0 ||
        vr_file_write_atomic(apath, addn, strlen(addn), 0644) < 0)
        return -1;
    return 0;
}

/* Write the conf file and an (existing or empty) lease file owned by the
 * dnsmasq user.  Returns the conf path or NULL (reported). */
static char *
write_files(NetDriver *drv, const VrNetworkDef *def)
{
    g_autofree char *conf = net_state_file(drv, def->name, "conf");
    g_autofree char *pid = net_run_file(drv, def->name, "pid");
    g_autofree char *leases = net_state_file(drv, def->name, "leases");
    g_autofree char *hosts = net_state_file(drv, def->name, "hostsfile");
    g_autofree char *addn = net_state_file(drv, def->name, "addnhosts");
    uid_t uid = (uid_t) -1;
    gid_t gid = (gid_t) -1;
    NetDnsmasqParams p = {
        .pidfile = pid, .leasefile = leases, .hostsfile = hosts,
        .addnhosts = addn, .user = dnsmasq_user(&uid, &gid),
    };
    g_autofree char *text = NULL;
    int fd;

    if (vr_dir_create(drv->run_dir, 0755) < 0 ||
        vr_dir_create(drv->log_dir, 0700) < 0 ||
        net_write_host_files(drv, def) < 0)
        return NULL;
    check_user_access(def, p.user, uid, gid, hosts);
    text = net_dnsmasq_conf_format(def, &p);
    if (vr_file_write_atomic(conf, text, strlen(text), 0644) < 0)
        return NULL;
    if ((fd = open(leases, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0) {
        vr_error_report_system(errno, VR_FROM_NETWORK,
                               "cannot create lease file '%s'", leases);
        return NULL;
    }
    if (uid != (uid_t) -1 && fchown(fd, uid, (gid_t) -1) < 0)
        VR_WARN("cannot hand '%s' to the dnsmasq user: %s", leases,
                g_strerror(errno));
    close(fd);
    unlink(pid);    /* a stale one would confuse an adoption */
    return g_steal_pointer(&conf);
}

static gboolean dnsmasq_exited(gint fd, GIOCondition cond, gpointer data);
static bool wait_exit(int pidfd, int ms);

/* Wait until dnsmasq wrote its pidfile (it has bound its sockets by then),
 * so DHCP and DNS answer as soon as the start returns.  0, or -1 reported
 * when it exited or took too long. */
static int
wait_ready(const char *name, const char *pidfile, pid_t pid, int pidfd,
           const char *log)
{
    for (int i = 0; i < DNSMASQ_READY_MS / 10; i++) {
        g_autofree char *text = NULL;

        if (g_file_get_contents(pidfile, &text, NULL, NULL) &&
            atoi(text) == (int) pid)
            return 0;
        if (wait_exit(pidfd, 10)) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_NETWORK,
                            "dnsmasq of network '%s' exited at start; see "
                            "'%s'", name, log);
            return -1;
        }
    }
    vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_NETWORK,
                    "dnsmasq of network '%s' did not become ready in %d ms",
                    name, DNSMASQ_READY_MS);
    return -1;
}

/* Watch the (locked) @obj's dnsmasq pidfd on the main loop. */
static void
watch_locked(NetObj *obj)
{
    DnsmasqWatch *w = g_new0(DnsmasqWatch, 1);

    w->obj = net_obj_ref(obj);
    w->gen = obj->dnsmasq_gen;
    obj->dnsmasq_watch = g_unix_fd_add_full(G_PRIORITY_DEFAULT,
                                            obj->dnsmasq_pidfd, G_IO_IN,
                                            dnsmasq_exited, w,
                                            dnsmasq_watch_free);
}

int
net_dnsmasq_start(NetDriver *drv, NetObj *obj)
{
    g_autoptr(VrNetworkDef) def = NULL;
    g_autoptr(VrCommand) cmd = NULL;
    g_autofree char *conf = NULL;
    g_autofree char *log = NULL;
    g_autofree char *pidfile = NULL;
    pid_t pid;
    int pidfd = -1;

    g_mutex_lock(&obj->lock);
    def = vr_network_def_copy(obj->def);
    g_mutex_unlock(&obj->lock);
    if (!(conf = write_files(drv, def)))
        return -1;
    log = net_log_file(drv, def->name);
    pidfile = net_run_file(drv, def->name, "pid");
    cmd = vr_command_new(DNSMASQ_BIN);
    vr_command_add_argf(cmd, "--conf-file=%s", conf);
    vr_command_add_arg(cmd, "--keep-in-foreground");
    vr_command_add_arg(cmd, "--log-facility=-");
    vr_command_set_new_session(cmd);
    vr_command_set_output_file(cmd, log);
    if (vr_command_spawn(cmd, &pid, &pidfd) < 0) {
        vr_error_prefix("network '%s'", def->name);
        return -1;
    }
    g_mutex_lock(&obj->lock);
    obj->dnsmasq_gen++;
    obj->dnsmasq_pid = pid;
    obj->dnsmasq_pidfd = pidfd;
    obj->dnsmasq_child = true;
    obj->dnsmasq_started = g_get_monotonic_time();
    watch_locked(obj);
    g_mutex_unlock(&obj->lock);
    VR_INFO("network '%s': dnsmasq started, pid %d", def->name, (int) pid);
    /* On failure the watch sees it exit; stop reaps it. */
    return wait_ready(def->name, pidfile, pid, pidfd, log);
}

/* Wait until @pidfd is readable (the process exited), up to @ms. */
static bool
wait_exit(int pidfd, int ms)
{
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    int rc;

    do {
        rc = poll(&p, 1, ms);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

void
net_dnsmasq_stop(NetDriver *drv G_GNUC_UNUSED, NetObj *obj)
{
    guint watch, timer;
    pid_t pid;
    int pidfd;
    bool child;

    g_mutex_lock(&obj->lock);
    obj->dnsmasq_gen++;
    watch = obj->dnsmasq_watch;
    timer = obj->restart_timer;
    pid = obj->dnsmasq_pid;
    pidfd = obj->dnsmasq_pidfd;
    child = obj->dnsmasq_child;
    obj->dnsmasq_watch = obj->restart_timer = 0;
    obj->dnsmasq_pid = 0;
    obj->dnsmasq_pidfd = -1;
    g_mutex_unlock(&obj->lock);
    if (watch)
        g_source_remove(watch);
    if (timer)
        g_source_remove(timer);
    if (pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
        if (!wait_exit(pidfd, DNSMASQ_TERM_WAIT_MS)) {
            VR_WARN("network '%s': dnsmasq ignored SIGTERM", obj->name);
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
            wait_exit(pidfd, DNSMASQ_TERM_WAIT_MS);
        }
        close(pidfd);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, child ? 0 : WNOHANG) < 0 && errno == EINTR)
            ;
}

/* Does /proc/@pid/cmdline run dnsmasq with our conf file? */
static bool
is_our_dnsmasq(pid_t pid, const char *conf)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int) pid);
    g_autofree char *text = NULL;
    g_autofree char *want = g_strdup_printf("--conf-file=%s", conf);
    gsize len = 0;

    if (!g_file_get_contents(path, &text, &len, NULL) || len == 0)
        return false;
    if (!g_str_has_suffix(text, DNSMASQ_BIN))
        return false;
    for (gsize off = 0; off < len; off += strlen(text + off) + 1)
        if (g_str_equal(text + off, want))
            return true;
    return false;
}

bool
net_dnsmasq_adopt(NetDriver *drv, NetObj *obj, pid_t pid)
{
    g_autofree char *conf = net_state_file(drv, obj->name, "conf");
    int pidfd;

    if (pid <= 0 || !is_our_dnsmasq(pid, conf) ||
        (pidfd = vr_pidfd_open(pid)) < 0)
        return false;
    /* Checked again through the pidfd: the pid was not reused meanwhile. */
    if (!is_our_dnsmasq(pid, conf)) {
        close(pidfd);
        return false;
    }
    g_mutex_lock(&obj->lock);
    obj->dnsmasq_gen++;
    obj->dnsmasq_pid = pid;
    obj->dnsmasq_pidfd = pidfd;
    obj->dnsmasq_child = false;
    obj->dnsmasq_started = g_get_monotonic_time();
    watch_locked(obj);
    g_mutex_unlock(&obj->lock);
    VR_INFO("network '%s': adopted dnsmasq pid %d", obj->name, (int) pid);
    return true;
}

void
net_dnsmasq_reload(NetObj *obj)
{
    g_mutex_lock(&obj->lock);
    if (obj->dnsmasq_pidfd >= 0 &&
        syscall(SYS_pidfd_send_signal, obj->dnsmasq_pidfd, SIGHUP, NULL,
                0) < 0)
        VR_WARN("network '%s': cannot signal dnsmasq: %s", obj->name,
                g_strerror(errno));
    g_mutex_unlock(&obj->lock);
}

static gboolean
restart_timer_cb(gpointer data)
{
    DnsmasqWatch *w = data;
    NetObj *obj = w->obj;
    bool current;

    g_mutex_lock(&obj->lock);
    current = w->gen == obj->dnsmasq_gen;
    if (current)
        obj->restart_timer = 0;
    g_mutex_unlock(&obj->lock);
    if (current && obj->drv->pool)
        g_thread_pool_push(obj->drv->pool, net_obj_ref(obj), NULL);
    return G_SOURCE_REMOVE;
}

/* The pidfd became readable: dnsmasq died.  Reap it and schedule a
 * restart with a backoff (doubling up to 30 s; reset after a minute of
 * good running). */
static gboolean
dnsmasq_exited(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
               gpointer data)
{
    DnsmasqWatch *w = data;
    NetObj *obj = w->obj;
    DnsmasqWatch *t;
    unsigned int delay;

    g_mutex_lock(&obj->lock);
    if (w->gen != obj->dnsmasq_gen) {
        g_mutex_unlock(&obj->lock);
        return G_SOURCE_REMOVE;
    }
    /* Also for an adopted one: it may be ours after all (a driver
     * re-created in the same process); ECHILD otherwise. */
    waitpid(obj->dnsmasq_pid, NULL, WNOHANG);
    close(obj->dnsmasq_pidfd);
    obj->dnsmasq_pidfd = -1;
    obj->dnsmasq_pid = 0;
    obj->dnsmasq_watch = 0;
    if (g_get_monotonic_time() - obj->dnsmasq_started > RESTART_STABLE_US)
        obj->restart_delay_ms = 0;
    delay = obj->restart_delay_ms ? obj->restart_delay_ms : RESTART_MIN_MS;
    obj->restart_delay_ms = MIN(delay * 2, RESTART_MAX_MS);
    t = g_new0(DnsmasqWatch, 1);
    t->obj = net_obj_ref(obj);
    t->gen = obj->dnsmasq_gen;
    obj->restart_timer = g_timeout_add_full(G_PRIORITY_DEFAULT, delay,
                                            restart_timer_cb, t,
                                            dnsmasq_watch_free);
    g_mutex_unlock(&obj->lock);
    VR_WARN("network '%s': dnsmasq exited; restarting in %u ms", obj->name,
            delay);
    return G_SOURCE_REMOVE;
}

void
net_dnsmasq_restart_worker(gpointer data, gpointer user_data)
{
    NetObj *obj = data;
    NetDriver *drv = user_data;
    bool needed;

    g_mutex_lock(&obj->job);
    g_mutex_lock(&obj->lock);
    needed = obj->active && !obj->removed && obj->dnsmasq_pidfd < 0 &&
             !obj->restart_timer;
    g_mutex_unlock(&obj->lock);
    if (needed && !g_atomic_int_get(&drv->quitting) &&
        net_dnsmasq_start(drv, obj) == 0) {
        if (net_status_save(drv, obj) < 0) {
            VR_WARN("%s", vr_error_message());
            vr_error_reset();
        }
    } else if (needed && !g_atomic_int_get(&drv->quitting)) {
        VR_ERROR("network '%s': cannot restart dnsmasq: %s", obj->name,
                 vr_error_message());
        vr_error_reset();
    }
    g_mutex_unlock(&obj->job);
    net_obj_unref(obj);
}
