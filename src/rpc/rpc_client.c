/* rpc_client.c: the client side of the wire protocol (see rpc_client.h).
 *
 * Threads: any number of callers plus one I/O thread per connection.
 * Callers encode and write their own CALL frames (writes serialized by
 * write_lock), register themselves in the pending table under `lock`, and
 * sleep on their own GCond.  The I/O thread is the only reader: it polls
 * the socket and a wake-up eventfd, assembles frames, hands each REPLY to
 * the caller with the same serial, answers PINGs, runs our keepalive timer
 * and passes MESSAGE/STREAM frames to the async hook, except frames of a
 * stream opened with vr_rpc_conn_stream_open, which are queued on that
 * stream (rpc_client.h).  When the connection is lost it marks the
 * connection dead and wakes every waiting caller and stream reader.
 *
 * Lock order: write_lock before lock; the I/O thread never blocks on
 * write_lock (it only try-locks it to send a PONG, otherwise it leaves the
 * PONG to the current writer), so a large write can never stop the reader.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc/rpc_client.h"
#include "rpc/rpc_message.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

typedef struct {
    unsigned int serial;
    unsigned int prog;
    unsigned int vers;
    GCond cond;
    bool done;
    VrRpcMessage *reply;
} VrRpcCall;

struct _VrRpcConn {
    int fd;
    int wake_fd;
    GThread *thread;
    GMutex write_lock;       /* serializes whole frames on fd */
    GMutex lock;             /* everything below */
    GHashTable *calls;       /* serial -> VrRpcCall* (callers' stack) */
    unsigned int next_serial;
    bool dead;
    bool quit;
    unsigned int ka_interval;
    unsigned int ka_count;
    VrRpcConnAsyncFunc async_func;
    void *async_opaque;
    gint pong_owed;          /* atomic */
    GList *streams;          /* VrRpcConnStream* (under lock) */
};

struct _VrRpcConnStream {
    VrRpcConn *conn;
    vr_msg_header hdr;       /* prog, vers, proc, serial of the call */
    /* under conn->lock */
    GCond cond;
    GQueue rx;               /* VrRpcMessage* data frames */
    size_t rx_offset;        /* bytes of the head frame already taken */
    size_t pending;
    bool eof;                /* the server's end of data */
    VrRpcMessage *err;       /* the server's STREAM ERROR frame */
    bool closing;            /* we sent finish or abort */
    bool confirmed;          /* ... and the server answered */
    VrRpcConnStreamNotify notify;
    void *notify_opaque;
};

static void
report_lost(void)
{
    vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_RPC,
                    "connection to the daemon was lost");
}

static void
conn_wake(VrRpcConn *conn)
{
    guint64 one = 1;

    if (write(conn->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        VR_WARN("cannot wake the RPC I/O thread: %s", g_strerror(errno));
}

/* Mark the connection dead and wake every caller.  Idempotent. */
static void
conn_mark_dead(VrRpcConn *conn, const char *why)
{
    GHashTableIter iter;
    gpointer value;

    g_mutex_lock(&conn->lock);
    if (!conn->dead) {
        conn->dead = true;
        if (why)
            VR_WARN("connection to the daemon lost: %s", why);
        shutdown(conn->fd, SHUT_RDWR);
    }
    g_hash_table_iter_init(&iter, conn->calls);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_cond_signal(&((VrRpcCall *) value)->cond);
    for (GList *l = conn->streams; l; l = l->next) {
        VrRpcConnStream *st = l->data;

        g_cond_broadcast(&st->cond);
        if (st->notify)
            st->notify(st, st->notify_opaque);
    }
    g_mutex_unlock(&conn->lock);
}

/* Write all of @buf; fd is blocking.  Returns 0 or -1 (errno set). */
static int
write_all(int fd, const guint8 *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= n;
    }
    return 0;
}

static int
write_keepalive(VrRpcConn *conn, int proc)
{
    vr_msg_header hdr = { VR_KEEPALIVE_PROGRAM, VR_KEEPALIVE_VERSION, proc,
                          VR_MSG_MESSAGE, 0, VR_STATUS_OK };
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new();

    if (vr_rpc_message_encode(msg, &hdr, NULL, NULL) < 0)
        return -1;
    return write_all(conn->fd, msg->buf, msg->len);
}

/* Send owed PONGs; write_lock must be held. */
static void
flush_pongs_locked(VrRpcConn *conn)
{
    while (g_atomic_int_compare_and_exchange(&conn->pong_owed, 1, 0)) {
        if (write_keepalive(conn, VR_KEEPALIVE_PROC_PONG) < 0)
            return;
    }
}

/* Write one whole frame.  Returns 0, or -1 with the connection marked
 * dead and "connection lost" reported. */
static int
conn_write(VrRpcConn *conn, const guint8 *buf, size_t len)
{
    int rc;

    g_mutex_lock(&conn->write_lock);
    rc = write_all(conn->fd, buf, len);
    if (rc == 0)
        flush_pongs_locked(conn);
    g_mutex_unlock(&conn->write_lock);
    if (rc < 0) {
        g_autofree char *why = g_strdup_printf("write: %s",
                                               g_strerror(errno));
        conn_mark_dead(conn, why);
        report_lost();
    }
    return rc;
}

/* I/O thread: answer a PING without ever blocking on a caller's write. */
static void
io_send_pong(VrRpcConn *conn)
{
    g_atomic_int_set(&conn->pong_owed, 1);
    if (!g_mutex_trylock(&conn->write_lock))
        return;
    flush_pongs_locked(conn);
    g_mutex_unlock(&conn->write_lock);
}

static void
io_deliver_reply(VrRpcConn *conn, VrRpcMessage *msg)
{
    VrRpcCall *call;

    g_mutex_lock(&conn->lock);
    call = g_hash_table_lookup(conn->calls,
                               GUINT_TO_POINTER(msg->header.serial));
    if (call && !call->done && call->prog == msg->header.prog &&
        call->vers == msg->header.vers) {
        call->reply = msg;
        call->done = true;
        g_cond_signal(&call->cond);
        msg = NULL;
    }
    g_mutex_unlock(&conn->lock);
    if (msg) {
        VR_DEBUG("dropping reply with unknown serial %u",
                 msg->header.serial);
        vr_rpc_message_free(msg);
    }
}

static void
io_deliver_async(VrRpcConn *conn, VrRpcMessage *msg)
{
    VrRpcConnAsyncFunc func;
    void *opaque;
    const guint8 *payload;
    size_t len;

    g_mutex_lock(&conn->lock);
    func = conn->async_func;
    opaque = conn->async_opaque;
    g_mutex_unlock(&conn->lock);
    payload = vr_rpc_message_payload(msg, &len);
    if (func)
        func(conn, &msg->header, payload, len, opaque);
    vr_rpc_message_free(msg);
}

/* A STREAM frame for one of our streams?  Queue it there (taking @msg)
 * and return true; false leaves it to the async hook. */
static bool
io_deliver_stream(VrRpcConn *conn, VrRpcMessage *msg)
{
    const vr_msg_header *h = &msg->header;
    VrRpcConnStream *st = NULL;

    g_mutex_lock(&conn->lock);
    for (GList *l = conn->streams; l && !st; l = l->next) {
        VrRpcConnStream *s = l->data;
        if (s->hdr.serial == h->serial && s->hdr.proc == h->proc &&
            s->hdr.prog == h->prog && s->hdr.vers == h->vers)
            st = s;
    }
    if (!st) {
        g_mutex_unlock(&conn->lock);
        return false;
    }
    if (h->type == VR_MSG_STREAM_HOLE) {
        /* queued in order with the data; pending counts data bytes only */
        if (!st->closing && h->status == VR_STATUS_CONTINUE)
            g_queue_push_tail(&st->rx, g_steal_pointer(&msg));
    } else if (h->status == VR_STATUS_CONTINUE &&
               msg->len > VR_RPC_HEADER_END) {
        if (!st->closing) {
            st->pending += msg->len - VR_RPC_HEADER_END;
            g_queue_push_tail(&st->rx, g_steal_pointer(&msg));
        }
    } else if (h->status == VR_STATUS_CONTINUE) {
        st->eof = true;
    } else if (h->status == VR_STATUS_OK) {
        st->confirmed = true;
    } else if (!st->err) {
        st->err = g_steal_pointer(&msg);
    }
    g_cond_broadcast(&st->cond);
    if (st->notify)
        st->notify(st, st->notify_opaque);
    g_mutex_unlock(&conn->lock);
    vr_rpc_message_free(msg);
    return true;
}

/* Dispatch one complete frame (takes ownership). */
static void
io_handle_frame(VrRpcConn *conn, VrRpcMessage *msg)
{
    if (msg->header.prog == VR_KEEPALIVE_PROGRAM) {
        if (msg->header.type == VR_MSG_MESSAGE &&
            msg->header.proc == VR_KEEPALIVE_PROC_PING)
            io_send_pong(conn);
        vr_rpc_message_free(msg);
        return;
    }
    switch (msg->header.type) {
    case VR_MSG_REPLY:
    case VR_MSG_REPLY_WITH_FDS:
        io_deliver_reply(conn, msg);
        return;
    case VR_MSG_STREAM:
        if (io_deliver_stream(conn, msg))
            return;
        io_deliver_async(conn, msg);
        return;
    case VR_MSG_STREAM_HOLE:
        if (io_deliver_stream(conn, msg))
            return;
        io_deliver_async(conn, msg);
        return;
    case VR_MSG_MESSAGE:
        io_deliver_async(conn, msg);
        return;
    default:
        VR_DEBUG("ignoring frame of type %d from the daemon",
                 msg->header.type);
        vr_rpc_message_free(msg);
        return;
    }
}

/* Read what is available into *msgp.  Returns 0 while the connection is
 * fine, -1 when it must be considered lost (reason in *why). */
static int
io_read(VrRpcConn *conn, VrRpcMessage **msgp, char **why)
{
    VrRpcMessage *msg = *msgp;
    ssize_t n = read(conn->fd, msg->buf + msg->offset,
                     msg->len - msg->offset);

    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return 0;
        *why = g_strdup_printf("read: %s", g_strerror(errno));
        return -1;
    }
    if (n == 0) {
        *why = g_strdup("end of file from the daemon");
        return -1;
    }
    msg->offset += n;
    if (msg->offset < msg->len)
        return 0;
    if (msg->len == VR_RPC_LEN_WORD) {
        if (vr_rpc_message_set_length(msg, 0) < 0) {
            *why = g_strdup(vr_error_message());
            return -1;
        }
        return 0;
    }
    if (vr_rpc_message_decode_header(msg) < 0) {
        *why = g_strdup(vr_error_message());
        return -1;
    }
    *msgp = vr_rpc_message_new_reader();
    io_handle_frame(conn, msg);
    return 0;
}

/* Keepalive bookkeeping: returns the poll timeout in ms (-1: none), or
 * -2 when the peer has been silent for too long. */
static int
io_keepalive(VrRpcConn *conn, gint64 last_rx, unsigned int *pings)
{
    unsigned int interval, count;
    gint64 due, now = g_get_monotonic_time();

    g_mutex_lock(&conn->lock);
    interval = conn->ka_interval;
    count = conn->ka_count;
    g_mutex_unlock(&conn->lock);
    if (interval == 0 || count == 0)
        return -1;
    due = last_rx + (gint64) interval * G_USEC_PER_SEC * (*pings + 1);
    if (now >= due) {
        if (*pings >= count)
            return -2;
        /* Never wait for a caller's write here; retry shortly instead. */
        if (!g_mutex_trylock(&conn->write_lock))
            return 50;
        if (write_keepalive(conn, VR_KEEPALIVE_PROC_PING) == 0)
            (*pings)++;
        g_mutex_unlock(&conn->write_lock);
        due = last_rx + (gint64) interval * G_USEC_PER_SEC * (*pings + 1);
    }
    return (int) MIN((due - now) / 1000 + 1, G_MAXINT);
}

static gpointer
io_thread(gpointer opaque)
{
    VrRpcConn *conn = opaque;
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new_reader();
    g_autofree char *why = NULL;
    gint64 last_rx = g_get_monotonic_time();
    unsigned int pings = 0;

    for (;;) {
        struct pollfd fds[2] = { { conn->fd, POLLIN, 0 },
                                 { conn->wake_fd, POLLIN, 0 } };
        int timeout = io_keepalive(conn, last_rx, &pings);
        bool quit;

        if (timeout == -2) {
            why = g_strdup("no answer to keepalive pings");
            break;
        }
        if (g_atomic_int_get(&conn->pong_owed))
            timeout = timeout < 0 ? 50 : MIN(timeout, 50);
        if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
            why = g_strdup_printf("poll: %s", g_strerror(errno));
            break;
        }
        if (fds[1].revents) {
            guint64 val;
            if (read(conn->wake_fd, &val, sizeof(val)) < 0)
                VR_DEBUG("eventfd read: %s", g_strerror(errno));
        }
        g_mutex_lock(&conn->lock);
        quit = conn->quit;
        g_mutex_unlock(&conn->lock);
        if (quit)
            break;
        if (g_atomic_int_get(&conn->pong_owed))
            io_send_pong(conn);
        if (fds[0].revents) {
            if (io_read(conn, &msg, &why) < 0)
                break;
            last_rx = g_get_monotonic_time();
            pings = 0;
        }
    }
    conn_mark_dead(conn, why);
    return NULL;
}

static VrRpcConn *
conn_new(int fd)
{
    VrRpcConn *conn = g_new0(VrRpcConn, 1);
    int flags = fcntl(fd, F_GETFL);

    /* Reads follow poll(); writes are meant to block. */
    if (flags >= 0 && (flags & O_NONBLOCK))
        (void) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    conn->fd = fd;
    conn->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    g_mutex_init(&conn->lock);
    g_mutex_init(&conn->write_lock);
    conn->calls = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (conn->wake_fd < 0) {
        vr_error_report_system(errno, VR_FROM_RPC, "cannot create eventfd");
        conn->fd = -1;
        vr_rpc_conn_free(conn);
        return NULL;
    }
    conn->thread = g_thread_new("vr-rpc-client", io_thread, conn);
    return conn;
}

VrRpcConn *
vr_rpc_conn_open_fd(int fd)
{
    VrRpcConn *conn;

    if (fd < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "invalid file descriptor %d", fd);
        return NULL;
    }
    conn = conn_new(fd);
    if (!conn)
        close(fd);
    return conn;
}

VrRpcConn *
vr_rpc_conn_open_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    VR_AUTOCLOSE int fd = -1;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "socket path '%s' is too long", path);
        return NULL;
    }
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_RPC, "cannot create socket");
        return NULL;
    }
    while (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        if (errno == EINTR)
            continue;
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_RPC,
                        "Failed to connect socket to '%s': %s "
                        "(is vireod running?)", path, g_strerror(errno));
        return NULL;
    }
    return vr_rpc_conn_open_fd(vr_steal_fd(&fd));
}

/* Wait for @call's reply; returns the reply (owned) or NULL when the
 * connection died first. */
static VrRpcMessage *
conn_wait(VrRpcConn *conn, VrRpcCall *call)
{
    VrRpcMessage *reply;

    g_mutex_lock(&conn->lock);
    while (!call->done && !conn->dead)
        g_cond_wait(&call->cond, &conn->lock);
    g_hash_table_remove(conn->calls, GUINT_TO_POINTER(call->serial));
    reply = g_steal_pointer(&call->reply);
    g_mutex_unlock(&conn->lock);
    return reply;
}

/* Give @call a serial and register it, and @st (may be NULL) with the
 * same serial, so that frames following the reply find it. */
static int
conn_register(VrRpcConn *conn, VrRpcCall *call, VrRpcConnStream *st)
{
    g_mutex_lock(&conn->lock);
    if (conn->dead) {
        g_mutex_unlock(&conn->lock);
        report_lost();
        return -1;
    }
    call->serial = conn->next_serial++;
    g_hash_table_insert(conn->calls, GUINT_TO_POINTER(call->serial), call);
    if (st) {
        st->hdr.serial = call->serial;
        conn->streams = g_list_prepend(conn->streams, st);
    }
    g_mutex_unlock(&conn->lock);
    return 0;
}

static void
conn_unregister(VrRpcConn *conn, VrRpcCall *call)
{
    g_mutex_lock(&conn->lock);
    g_hash_table_remove(conn->calls, GUINT_TO_POINTER(call->serial));
    g_mutex_unlock(&conn->lock);
}

/* Turn a reply into the call's result (see vr_rpc_conn_call). */
static int
conn_finish(VrRpcMessage *reply, xdrproc_t ret_filter, void *ret)
{
    if (reply->header.status == VR_STATUS_ERROR)
        return vr_rpc_message_decode_error(reply);
    if (reply->header.status != VR_STATUS_OK) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unexpected message status %d",
                        reply->header.status);
        return -1;
    }
    if (vr_rpc_message_decode_payload(reply, ret_filter, ret) < 0) {
        xdr_free(ret_filter, ret);
        return -1;
    }
    return 0;
}

/* vr_rpc_conn_call, registering @st (may be NULL) with the call. */
static int
conn_call_full(VrRpcConn *conn, unsigned int prog, unsigned int vers,
               int proc, xdrproc_t args_filter, void *args,
               xdrproc_t ret_filter, void *ret, VrRpcConnStream *st)
{
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new();
    g_autoptr(VrRpcMessage) reply = NULL;
    VrRpcCall call = { .prog = prog, .vers = vers };
    vr_msg_header hdr = { prog, vers, proc, VR_MSG_CALL, 0, VR_STATUS_OK };
    int rc;

    g_cond_init(&call.cond);
    if (conn_register(conn, &call, st) < 0)
        goto error;
    hdr.serial = call.serial;
    if (vr_rpc_message_encode(msg, &hdr, args_filter, args) < 0 ||
        conn_write(conn, msg->buf, msg->len) < 0) {
        conn_unregister(conn, &call);
        goto error;
    }
    reply = conn_wait(conn, &call);
    g_cond_clear(&call.cond);
    if (!reply) {
        report_lost();
        return -1;
    }
    rc = conn_finish(reply, ret_filter, ret);
    return rc;

 error:
    g_cond_clear(&call.cond);
    return -1;
}

int
vr_rpc_conn_call(VrRpcConn *conn, unsigned int prog, unsigned int vers,
                 int proc, xdrproc_t args_filter, void *args,
                 xdrproc_t ret_filter, void *ret)
{
    return conn_call_full(conn, prog, vers, proc, args_filter, args,
                          ret_filter, ret, NULL);
}

int
vr_rpc_conn_send_raw(VrRpcConn *conn, const vr_msg_header *hdr,
                     const void *payload, size_t len)
{
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new();

    if (!vr_rpc_conn_is_alive(conn)) {
        report_lost();
        return -1;
    }
    if (vr_rpc_message_encode_raw(msg, hdr, payload, len) < 0)
        return -1;
    return conn_write(conn, msg->buf, msg->len);
}

gboolean
vr_rpc_conn_is_alive(VrRpcConn *conn)
{
    gboolean alive;

    g_mutex_lock(&conn->lock);
    alive = !conn->dead;
    g_mutex_unlock(&conn->lock);
    return alive;
}

void
vr_rpc_conn_set_keepalive(VrRpcConn *conn, unsigned int interval,
                          unsigned int count)
{
    g_mutex_lock(&conn->lock);
    conn->ka_interval = interval;
    conn->ka_count = count;
    g_mutex_unlock(&conn->lock);
    conn_wake(conn);
}

void
vr_rpc_conn_set_async_handler(VrRpcConn *conn, VrRpcConnAsyncFunc func,
                              void *opaque)
{
    g_mutex_lock(&conn->lock);
    conn->async_func = func;
    conn->async_opaque = opaque;
    g_mutex_unlock(&conn->lock);
}

void
vr_rpc_conn_free(VrRpcConn *conn)
{
    if (!conn)
        return;
    if (conn->thread) {
        g_mutex_lock(&conn->lock);
        conn->quit = true;
        g_mutex_unlock(&conn->lock);
        conn_wake(conn);
        g_thread_join(conn->thread);
    }
    if (conn->fd >= 0)
        close(conn->fd);
    if (conn->wake_fd >= 0)
        close(conn->wake_fd);
    if (conn->streams)
        VR_WARN("connection freed with %u streams still open",
                g_list_length(conn->streams));
    g_hash_table_unref(conn->calls);
    g_mutex_clear(&conn->lock);
    g_mutex_clear(&conn->write_lock);
    g_free(conn);
}

/* ---- streams ---- */

static void
stream_unlink(VrRpcConnStream *st)
{
    g_mutex_lock(&st->conn->lock);
    st->conn->streams = g_list_remove(st->conn->streams, st);
    g_mutex_unlock(&st->conn->lock);
}

VrRpcConnStream *
vr_rpc_conn_stream_open(VrRpcConn *conn, unsigned int prog,
                        unsigned int vers, int proc, xdrproc_t args_filter,
                        void *args, xdrproc_t ret_filter, void *ret)
{
    VrRpcConnStream *st = g_new0(VrRpcConnStream, 1);

    st->conn = conn;
    st->hdr = (vr_msg_header) { prog, vers, proc, VR_MSG_STREAM, 0,
                                VR_STATUS_CONTINUE };
    g_cond_init(&st->cond);
    g_queue_init(&st->rx);
    if (conn_call_full(conn, prog, vers, proc, args_filter, args,
                       ret_filter, ret, st) < 0) {
        vr_rpc_conn_stream_free(st);
        return NULL;
    }
    return st;
}

void
vr_rpc_conn_stream_set_notify(VrRpcConnStream *st, VrRpcConnStreamNotify func,
                              void *opaque)
{
    g_mutex_lock(&st->conn->lock);
    st->notify = func;
    st->notify_opaque = opaque;
    g_mutex_unlock(&st->conn->lock);
}

/* Report why no more data can flow (st->conn->lock held).  Returns -1. */
static int
stream_report_state(VrRpcConnStream *st)
{
    if (st->err)
        return vr_rpc_message_decode_error(st->err);
    if (st->conn->dead) {
        report_lost();
        return -1;
    }
    vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_RPC,
                    "the stream is already finished");
    return -1;
}

static int
stream_send_frame(VrRpcConnStream *st, vr_msg_status status,
                  const void *data, size_t len)
{
    vr_msg_header hdr = st->hdr;

    hdr.status = status;
    return vr_rpc_conn_send_raw(st->conn, &hdr, data, len);
}

int
vr_rpc_conn_stream_send(VrRpcConnStream *st, const void *data, size_t len)
{
    const guint8 *p = data;
    bool ended;

    g_mutex_lock(&st->conn->lock);
    ended = st->err || st->closing || st->conn->dead;
    if (ended)
        stream_report_state(st);
    g_mutex_unlock(&st->conn->lock);
    if (ended)
        return -1;
    if (len == 0)
        return stream_send_frame(st, VR_STATUS_CONTINUE, NULL, 0);
    while (len > 0) {
        size_t chunk = MIN(len, (size_t) VR_MESSAGE_LEGACY_PAYLOAD_MAX);

        if (stream_send_frame(st, VR_STATUS_CONTINUE, p, chunk) < 0)
            return -1;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

static bool
is_hole(const VrRpcMessage *msg)
{
    return msg && msg->header.type == VR_MSG_STREAM_HOLE;
}

/* The length of the hole frame @msg (0 when malformed). */
static gint64
hole_length(VrRpcMessage *msg)
{
    size_t len;
    const guint8 *data = vr_rpc_message_payload(msg, &len);
    vr_stream_hole hole = { 0 };
    XDR xdr;

    xdrmem_create(&xdr, (char *) data, len, XDR_DECODE);
    if (!xdr_vr_stream_hole(&xdr, &hole) || hole.length < 0)
        hole.length = 0;
    xdr_destroy(&xdr);
    return hole.length;
}

/* Copy up to @len queued bytes into @buf, stopping at a hole (lock
 * held).  With @skip_holes, holes are dropped instead. */
static size_t
stream_take(VrRpcConnStream *st, guint8 *buf, size_t len, bool skip_holes)
{
    size_t done = 0;
    VrRpcMessage *head;

    while (done < len && (head = g_queue_peek_head(&st->rx))) {
        if (is_hole(head)) {
            if (!skip_holes)
                break;
            vr_rpc_message_free(g_queue_pop_head(&st->rx));
            continue;
        }
        size_t avail = head->len - VR_RPC_HEADER_END - st->rx_offset;
        size_t n = MIN(avail, len - done);

        memcpy(buf + done, head->buf + VR_RPC_HEADER_END + st->rx_offset, n);
        done += n;
        st->rx_offset += n;
        if (st->rx_offset == head->len - VR_RPC_HEADER_END) {
            vr_rpc_message_free(g_queue_pop_head(&st->rx));
            st->rx_offset = 0;
        }
    }
    st->pending -= done;
    return done;
}

/* Shared by recv and recv_hole (@hole NULL: holes are dropped). */
static gssize
stream_recv(VrRpcConnStream *st, void *buf, size_t len, int timeout_ms,
            gint64 *hole)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64) MAX(timeout_ms, 0) * 1000;
    VrRpcConn *conn = st->conn;
    gssize rc;

    g_mutex_lock(&conn->lock);
    while (g_queue_is_empty(&st->rx) && !st->eof && !st->err &&
           !st->closing && !conn->dead && timeout_ms != 0) {
        if (timeout_ms < 0)
            g_cond_wait(&st->cond, &conn->lock);
        else if (!g_cond_wait_until(&st->cond, &conn->lock, deadline))
            break;
    }
    if (hole && is_hole(g_queue_peek_head(&st->rx))) {
        VrRpcMessage *msg = g_queue_pop_head(&st->rx);

        *hole = hole_length(msg);
        vr_rpc_message_free(msg);
        rc = -3;
    } else if (!g_queue_is_empty(&st->rx)) {
        /* 0 only when @len is 0 or nothing but holes were dropped */
        rc = len > 0 ? (gssize) stream_take(st, buf, len, !hole) : 0;
        if (rc == 0)
            rc = -2;
    } else if (st->eof && !st->err)
        rc = 0;
    else if (st->err || st->closing || conn->dead)
        rc = stream_report_state(st);
    else
        rc = -2;
    g_mutex_unlock(&conn->lock);
    return rc;
}

gssize
vr_rpc_conn_stream_recv(VrRpcConnStream *st, void *buf, size_t len,
                        int timeout_ms)
{
    return stream_recv(st, buf, len, timeout_ms, NULL);
}

gssize
vr_rpc_conn_stream_recv_hole(VrRpcConnStream *st, void *buf, size_t len,
                             int timeout_ms, gint64 *hole)
{
    return stream_recv(st, buf, len, timeout_ms, hole);
}

int
vr_rpc_conn_stream_send_hole(VrRpcConnStream *st, gint64 length)
{
    vr_msg_header hdr = st->hdr;
    vr_stream_hole hole = { length, 0 };
    guint8 buf[16];
    XDR xdr;
    size_t len;

    xdrmem_create(&xdr, (char *) buf, sizeof(buf), XDR_ENCODE);
    if (!xdr_vr_stream_hole(&xdr, &hole)) {
        xdr_destroy(&xdr);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "cannot encode a stream hole");
        return -1;
    }
    len = xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    hdr.type = VR_MSG_STREAM_HOLE;
    hdr.status = VR_STATUS_CONTINUE;
    return vr_rpc_conn_send_raw(st->conn, &hdr, buf, len);
}

size_t
vr_rpc_conn_stream_pending(VrRpcConnStream *st)
{
    size_t n;

    g_mutex_lock(&st->conn->lock);
    n = st->pending;
    g_mutex_unlock(&st->conn->lock);
    return n;
}

/* Send finish (OK) or abort (ERROR) and wait for the server's answer. */
static int
stream_close(VrRpcConnStream *st, vr_msg_status status)
{
    VrRpcConn *conn = st->conn;
    int rc = 0;

    g_mutex_lock(&conn->lock);
    if (st->closing || st->err || conn->dead) {
        rc = stream_report_state(st);
        g_mutex_unlock(&conn->lock);
        return rc;
    }
    st->closing = true;
    g_queue_clear_full(&st->rx, (GDestroyNotify) vr_rpc_message_free);
    st->pending = 0;
    st->rx_offset = 0;
    g_mutex_unlock(&conn->lock);
    if (stream_send_frame(st, status, NULL, 0) < 0)
        return -1;
    g_mutex_lock(&conn->lock);
    while (!st->confirmed && !st->err && !conn->dead)
        g_cond_wait(&st->cond, &conn->lock);
    if (!st->confirmed)
        rc = stream_report_state(st);
    g_mutex_unlock(&conn->lock);
    return rc;
}

int
vr_rpc_conn_stream_finish(VrRpcConnStream *st)
{
    return stream_close(st, VR_STATUS_OK);
}

int
vr_rpc_conn_stream_abort(VrRpcConnStream *st)
{
    return stream_close(st, VR_STATUS_ERROR);
}

void
vr_rpc_conn_stream_free(VrRpcConnStream *st)
{
    if (!st)
        return;
    stream_unlink(st);
    g_queue_clear_full(&st->rx, (GDestroyNotify) vr_rpc_message_free);
    vr_rpc_message_free(st->err);
    g_cond_clear(&st->cond);
    g_free(st);
}
