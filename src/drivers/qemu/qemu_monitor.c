/* qemu_monitor.c: the QMP client (connection, handshake, I/O on the main
 * loop, commands from worker threads).
 *
 * Threading rules:
 *  - the connect + greeting + qmp_capabilities handshake runs
 *    synchronously on the opening worker thread; afterwards all reading
 *    happens on the default GMainContext (one fd source);
 *  - workers send commands themselves (under wlock, blocking send) and
 *    wait on a GCond for the main loop to hand them the reply;
 *  - mon->lock guards the pending table and the state flags only; it is
 *    never held while calling a callback or doing I/O;
 *  - references: the caller's (dropped by qemu_monitor_close), one per
 *    attached source, one per running command and per dispatch.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_monitor_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define QEMU_MONITOR_DEFAULT_TIMEOUT_MS 30000
/* The handshake gets at least this long, even when connecting used up
 * most of the caller's timeout. */
#define QEMU_MONITOR_HANDSHAKE_MIN_MS 3000
#define QEMU_MONITOR_CONNECT_POLL_MS 5

typedef struct {
    VrJson *msg;    /* the whole reply; NULL when failed by a close */
    bool done;
} QemuMonitorPending;

struct _QemuMonitor {
    gint refs;
    GMutex lock;
    GCond cond;
    GMutex wlock;               /* serialises writers */
    int fd;
    char *path;
    GSource *source;            /* the fd watch, NULL once detached */
    bool closed;                /* no more commands */
    bool user_closed;           /* qemu_monitor_close called: no callbacks */
    guint64 next_id;
    GHashTable *pending;        /* id -> QemuMonitorPending (borrowed) */
    GString *rbuf;              /* main loop only, after the handshake */
    QemuMonitorCallbacks cb;
    void *opaque;
    GDestroyNotify opaque_free;
};

static QemuMonitor *
monitor_ref(QemuMonitor *mon)
{
    g_atomic_int_inc(&mon->refs);
    return mon;
}

static void
monitor_unref(QemuMonitor *mon)
{
    if (!g_atomic_int_dec_and_test(&mon->refs))
        return;
    if (mon->source)
        g_source_unref(mon->source);
    vr_close_fdp(&mon->fd);
    g_hash_table_unref(mon->pending);
    g_string_free(mon->rbuf, TRUE);
    g_mutex_clear(&mon->lock);
    g_mutex_clear(&mon->wlock);
    g_cond_clear(&mon->cond);
    if (mon->opaque_free)
        mon->opaque_free(mon->opaque);
    g_free(mon->path);
    g_free(mon);
}

/* Mark closed and wake every waiting command.  Lock held. */
static void
monitor_fail_pending_locked(QemuMonitor *mon)
{
    GHashTableIter it;
    gpointer value;

    mon->closed = true;
    g_hash_table_iter_init(&it, mon->pending);
    while (g_hash_table_iter_next(&it, NULL, &value))
        ((QemuMonitorPending *) value)->done = true;
    g_hash_table_remove_all(mon->pending);
    g_cond_broadcast(&mon->cond);
}

/* ---- message framing (shared with the handshake) ---- */

VrJson *
qemu_monitor_take_message(GString *buf, int *err)
{
    *err = 0;
    for (;;) {
        char *nl = memchr(buf->str, '\n', buf->len);
        g_autofree char *line = NULL;
        size_t len;
        VrJson *msg;

        if (!nl) {
            if (buf->len > QEMU_MONITOR_MAX_LINE)
                *err = -1;
            return NULL;
        }
        len = nl - buf->str;
        line = g_strndup(buf->str, len);
        g_string_erase(buf, 0, len + 1);
        g_strstrip(line);
        if (!*line)
            continue;
        if (!(msg = vr_json_parse(line, strlen(line)))) {
            VR_WARN("ignoring a malformed QMP message: %s", vr_error_message());
            vr_error_reset();
            continue;
        }
        if (vr_json_type(msg) == VR_JSON_OBJECT)
            return msg;
        VR_WARN("ignoring a QMP message that is not an object");
        vr_json_free(msg);
    }
}

/* ---- main-loop side ---- */

/* Hand a reply to its waiter (ignored when the waiter gave up). */
static void
monitor_dispatch_reply(QemuMonitor *mon, VrJson *msg)
{
    const char *id = vr_json_object_get_string(msg, "id");
    QemuMonitorPending *p;

    g_mutex_lock(&mon->lock);
    p = id ? g_hash_table_lookup(mon->pending, id) : NULL;
    if (p) {
        g_hash_table_remove(mon->pending, id);
        p->msg = msg;
        p->done = true;
        g_cond_broadcast(&mon->cond);
        msg = NULL;
    }
    g_mutex_unlock(&mon->lock);
    if (msg) {
        VR_DEBUG("QMP reply with unknown id '%s' on '%s'",
                 id ? id : "(none)", mon->path);
        vr_json_free(msg);
    }
}

static void
monitor_dispatch_event(QemuMonitor *mon, VrJson *msg)
{
    const char *name = vr_json_object_get_string(msg, "event");
    bool closed;

    g_mutex_lock(&mon->lock);
    closed = mon->user_closed;
    g_mutex_unlock(&mon->lock);
    VR_DEBUG("QMP event %s on '%s'", name, mon->path);
    if (!closed && mon->cb.event)
        mon->cb.event(mon, name, vr_json_object_get(msg, "data"), mon->opaque);
}

/* Dispatch every complete message in the read buffer.  Returns -1 when
 * the stream is unusable (an over-long line). */
static int
monitor_process_buffer(QemuMonitor *mon)
{
    for (;;) {
        VrJson *msg;
        int err;
        bool stop;

        g_mutex_lock(&mon->lock);
        stop = mon->user_closed;
        g_mutex_unlock(&mon->lock);
        if (stop)
            return 0;
        if (!(msg = qemu_monitor_take_message(mon->rbuf, &err)))
            return err;
        if (vr_json_object_get_string(msg, "event")) {
            monitor_dispatch_event(mon, msg);
            vr_json_free(msg);
        } else if (vr_json_object_get(msg, "return") ||
                   vr_json_object_get(msg, "error")) {
            monitor_dispatch_reply(mon, msg);
        } else {
            VR_DEBUG("ignoring an unexpected QMP message on '%s'", mon->path);
            vr_json_free(msg);
        }
    }
}

/* Read what is available.  Returns 0, or -1 at EOF or on an error. */
static int
monitor_read(QemuMonitor *mon)
{
    char chunk[65536];

    for (;;) {
        ssize_t n = recv(mon->fd, chunk, sizeof(chunk), MSG_DONTWAIT);

        if (n > 0) {
            g_string_append_len(mon->rbuf, chunk, n);
            if (mon->rbuf->len > QEMU_MONITOR_MAX_LINE)
                return 0;   /* let the framing decide */
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0)
            VR_DEBUG("QMP read error on '%s': %s", mon->path, g_strerror(errno));
        return -1;
    }
}

/* The connection is gone: fail the waiters, then tell the owner once
 * (unless it closed the monitor itself). */
static void
monitor_handle_eof(QemuMonitor *mon)
{
    bool notify;

    g_mutex_lock(&mon->lock);
    notify = !mon->closed && !mon->user_closed;
    monitor_fail_pending_locked(mon);
    g_mutex_unlock(&mon->lock);
    VR_DEBUG("QMP monitor '%s' reached EOF", mon->path);
    if (notify && mon->cb.eof)
        mon->cb.eof(mon, mon->opaque);
}

static gboolean
monitor_io_cb(gint fd, GIOCondition cond, gpointer data)
{
    QemuMonitor *mon = monitor_ref(data);
    int rc = monitor_read(mon);

    if (monitor_process_buffer(mon) < 0) {
        VR_WARN("QMP message too long on '%s': closing", mon->path);
        rc = -1;
    }
    if (rc < 0)
        monitor_handle_eof(mon);
    monitor_unref(mon);
    return rc < 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Messages read during the handshake (events queued behind the
 * capabilities reply) are dispatched from an idle on the main loop. */
static gboolean
monitor_idle_cb(gpointer data)
{
    QemuMonitor *mon = data;

    if (monitor_process_buffer(mon) < 0)
        VR_WARN("QMP message too long on '%s'", mon->path);
    return G_SOURCE_REMOVE;
}

static void
monitor_attach(QemuMonitor *mon)
{
    GSource *src = g_unix_fd_source_new(mon->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);

    g_source_set_callback(src, G_SOURCE_FUNC(monitor_io_cb), monitor_ref(mon),
                          (GDestroyNotify) monitor_unref);
    g_source_set_name(src, "qemu-monitor");
    mon->source = src;
    g_source_attach(src, NULL);
    if (memchr(mon->rbuf->str, '\n', mon->rbuf->len)) {
        GSource *idle = g_idle_source_new();

        g_source_set_priority(idle, G_PRIORITY_DEFAULT);
        g_source_set_callback(idle, monitor_idle_cb, monitor_ref(mon),
                              (GDestroyNotify) monitor_unref);
        g_source_attach(idle, NULL);
        g_source_unref(idle);
    }
}

/* ---- commands ---- */

/* Send one byte of @text with @fd attached (SCM_RIGHTS): QEMU takes the
 * fd with the message it arrives with (getfd).  Returns bytes sent. */
static ssize_t
monitor_send_with_fd(int sock, const char *text, int fd)
{
    char control[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { .iov_base = (void *) text, .iov_len = 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof(control),
    };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

static int
monitor_send(QemuMonitor *mon, const char *text, size_t len, int fd)
{
    int ret = 0;

    g_mutex_lock(&mon->wlock);
    while (len > 0) {
        ssize_t n = fd >= 0 ? monitor_send_with_fd(mon->fd, text, fd) :
                              send(mon->fd, text, len, MSG_NOSIGNAL);

        if (n > 0)
            fd = -1;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = -errno;
            break;
        }
        text += n;
        len -= n;
    }
    g_mutex_unlock(&mon->wlock);
    return ret;
}

static char *
monitor_format_command(const char *cmd, VrJson *args, const char *id)
{
    g_autoptr(VrJson) obj = vr_json_new_object();
    g_autofree char *text = NULL;

    vr_json_object_set_string(obj, "execute", cmd);
    if (args)
        vr_json_object_set(obj, "arguments", args);
    vr_json_object_set_string(obj, "id", id);
    text = vr_json_format(obj, false);
    return g_strconcat(text, "\r\n", NULL);
}

static void
report_closed(void)
{
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                    "QEMU monitor is closed");
}

/* Register, send and wait.  Returns the reply message (owned), or NULL:
 * reported, except for a close while waiting when @closed_ok (then
 * *closed is set). */
static VrJson *
monitor_roundtrip(QemuMonitor *mon, const char *cmd, VrJson *args,
                  int timeout_ms, int fd, bool *closed)
{
    QemuMonitorPending p = { NULL, false };
    g_autofree char *id = NULL;
    g_autofree char *text = NULL;
    gint64 deadline;
    int rc;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        vr_json_free(args);
        *closed = true;
        return NULL;
    }
    id = g_strdup_printf("vireo-%" G_GUINT64_FORMAT, ++mon->next_id);
    g_hash_table_insert(mon->pending, g_strdup(id), &p);
    g_mutex_unlock(&mon->lock);

    text = monitor_format_command(cmd, args, id);
    VR_DEBUG("QMP send on '%s': %s", mon->path, g_strchomp(g_strdup(text)));
    rc = monitor_send(mon, text, strlen(text), fd);

    deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
    g_mutex_lock(&mon->lock);
    if (rc < 0 && !p.done) {
        g_hash_table_remove(mon->pending, id);
        g_mutex_unlock(&mon->lock);
        vr_error_report_system(-rc, VR_FROM_QEMU,
                               "cannot send '%s' to the QEMU monitor", cmd);
        return NULL;
    }
    while (!p.done) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline) && !p.done) {
            g_hash_table_remove(mon->pending, id);
            g_mutex_unlock(&mon->lock);
            vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_QEMU,
                            "timed out after %d ms waiting for QEMU command "
                            "'%s'", timeout_ms, cmd);
            return NULL;
        }
    }
    g_mutex_unlock(&mon->lock);
    if (!p.msg)
        *closed = true;
    return p.msg;
}

/* Turn a reply message into the result: 0 with the "return" value
 * stolen into *reply, or -1 reported with QEMU's error text. */
static int
monitor_check_reply(const char *cmd, VrJson *msg, VrJson **reply)
{
    const VrJson *error = vr_json_object_get(msg, "error");

    if (error) {
        const char *desc = vr_json_object_get_string(error, "desc");
        const char *klass = vr_json_object_get_string(error, "class");

        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "unable to execute QEMU command '%s': %s", cmd,
                        desc ? desc : klass ? klass : "unknown error");
        return -1;
    }
    if (reply)
        *reply = vr_json_object_steal(msg, "return");
    return 0;
}

static int
monitor_execute(QemuMonitor *mon, const char *cmd, VrJson *args,
                VrJson **reply, int timeout_ms, bool closed_ok, int fd)
{
    g_autoptr(VrJson) msg = NULL;
    bool closed = false;
    int ret;

    if (g_main_context_is_owner(g_main_context_default())) {
        vr_json_free(args);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "QEMU command '%s' issued from the main loop", cmd);
        return -1;
    }
    if (timeout_ms <= 0)
        timeout_ms = QEMU_MONITOR_DEFAULT_TIMEOUT_MS;
    monitor_ref(mon);
    msg = monitor_roundtrip(mon, cmd, args, timeout_ms, fd, &closed);
    monitor_unref(mon);
    if (!msg) {
        if (!closed)
            return -1;
        if (closed_ok)
            return 0;
        report_closed();
        return -1;
    }
    ret = monitor_check_reply(cmd, msg, reply);
    return ret;
}

int
qemu_monitor_command(QemuMonitor *mon, const char *cmd, VrJson *args,
                     VrJson **reply, int timeout_ms)
{
    return monitor_execute(mon, cmd, args, reply, timeout_ms, false, -1);
}

int
qemu_monitor_getfd(QemuMonitor *mon, const char *fdname, int fd)
{
    VrJson *args = vr_json_new_object();

    vr_json_object_set_string(args, "fdname", fdname);
    return monitor_execute(mon, "getfd", args, NULL, 0, false, fd);
}

bool
qemu_monitor_is_open(QemuMonitor *mon)
{
    bool open;

    g_mutex_lock(&mon->lock);
    open = !mon->closed;
    g_mutex_unlock(&mon->lock);
    return open;
}

void
qemu_monitor_close(QemuMonitor *mon)
{
    GSource *src;

    if (!mon)
        return;
    g_mutex_lock(&mon->lock);
    mon->user_closed = true;
    monitor_fail_pending_locked(mon);
    src = mon->source;
    g_mutex_unlock(&mon->lock);
    /* shutdown, not close: the main loop may be reading the fd right now;
     * the number is released with the last reference. */
    if (mon->fd >= 0)
        shutdown(mon->fd, SHUT_RDWR);
    if (src)
        g_source_destroy(src);
    monitor_unref(mon);
}

/* ---- opening ---- */

static QemuMonitor *
monitor_new(const char *path, const QemuMonitorCallbacks *cb, void *opaque,
            GDestroyNotify opaque_free)
{
    QemuMonitor *mon = g_new0(QemuMonitor, 1);

    mon->refs = 1;
    g_mutex_init(&mon->lock);
    g_mutex_init(&mon->wlock);
    g_cond_init(&mon->cond);
    mon->fd = -1;
    mon->path = g_strdup(path);
    mon->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    mon->rbuf = g_string_new(NULL);
    if (cb)
        mon->cb = *cb;
    mon->opaque = opaque;
    mon->opaque_free = opaque_free;
    return mon;
}

static QemuMonitor *
monitor_open(const char *path, pid_t pid, int timeout_ms, const gint *cancel,
             const QemuMonitorCallbacks *cb, void *opaque,
             GDestroyNotify opaque_free)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
    gint64 hs_deadline;
    QemuMonitor *mon;
    int fd;

    if ((fd = qemu_monitor_connect_unix(path, pid, deadline, cancel)) < 0)
        return NULL;
    mon = monitor_new(path, cb, NULL, NULL);
    mon->fd = fd;
    hs_deadline = MAX(deadline, g_get_monotonic_time() +
                      QEMU_MONITOR_HANDSHAKE_MIN_MS * 1000);
    if (qemu_monitor_handshake(fd, path, mon->rbuf, hs_deadline,
                               cancel) < 0) {
        monitor_unref(mon);
        return NULL;
    }
    /* Only now: on failure above the caller still owns @opaque. */
    mon->opaque = opaque;
    mon->opaque_free = opaque_free;
    monitor_attach(mon);
    VR_DEBUG("QMP monitor '%s' ready", path);
    return mon;
}

QemuMonitor *
qemu_monitor_open_full(const char *path, pid_t pid, int timeout_ms,
                       const QemuMonitorCallbacks *cb, void *opaque,
                       GDestroyNotify opaque_free)
{
    return monitor_open(path, pid, timeout_ms, NULL, cb, opaque,
                        opaque_free);
}

QemuMonitor *
qemu_monitor_open_cancellable(const char *path, pid_t pid, int timeout_ms,
                              const gint *cancel,
                              const QemuMonitorCallbacks *cb, void *opaque)
{
    return monitor_open(path, pid, timeout_ms, cancel, cb, opaque, NULL);
}

QemuMonitor *
qemu_monitor_open(const char *path, pid_t pid, int timeout_ms,
                  const QemuMonitorCallbacks *cb, void *opaque)
{
    return qemu_monitor_open_full(path, pid, timeout_ms, cb, opaque, NULL);
}

/* ---- common commands ---- */

static int
monitor_simple(QemuMonitor *mon, const char *cmd)
{
    return qemu_monitor_command(mon, cmd, NULL, NULL, 0);
}

int
qemu_monitor_cont(QemuMonitor *mon)
{
    return monitor_simple(mon, "cont");
}

int
qemu_monitor_stop(QemuMonitor *mon)
{
    return monitor_simple(mon, "stop");
}

int
qemu_monitor_system_powerdown(QemuMonitor *mon)
{
    return monitor_simple(mon, "system_powerdown");
}

int
qemu_monitor_system_reset(QemuMonitor *mon)
{
    return monitor_simple(mon, "system_reset");
}

/* QEMU may close the socket before its reply is read: that is success. */
int
qemu_monitor_quit(QemuMonitor *mon)
{
    return monitor_execute(mon, "quit", NULL, NULL, 0, true, -1);
}

int
qemu_monitor_query_status(QemuMonitor *mon, bool *running, char **status)
{
    g_autoptr(VrJson) reply = NULL;
    const char *st;
    bool run;

    if (qemu_monitor_command(mon, "query-status", NULL, &reply, 0) < 0)
        return -1;
    st = vr_json_object_get_string(reply, "status");
    if (vr_json_object_get_bool(reply, "running", &run) < 0 || !st) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "unexpected reply to QEMU command 'query-status'");
        return -1;
    }
    if (status)
        *status = g_strdup(st);
    if (running)
        *running = run;
    return 0;
}

int
qemu_monitor_query_chardev_pty(QemuMonitor *mon, const char *alias,
                               char **pty_path)
{
    g_autoptr(VrJson) reply = NULL;

    if (qemu_monitor_command(mon, "query-chardev", NULL, &reply, 0) < 0)
        return -1;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *dev = vr_json_array_get(reply, i);
        const char *label = vr_json_object_get_string(dev, "label");
        const char *file = vr_json_object_get_string(dev, "filename");

        if (g_strcmp0(label, alias) != 0)
            continue;
        if (!file || !g_str_has_prefix(file, "pty:")) {
            vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                            "chardev '%s' is not a pty", alias);
            return -1;
        }
        *pty_path = g_strdup(file + 4);
        return 0;
    }
    vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                    "no chardev '%s' in QEMU", alias);
    return -1;
}
