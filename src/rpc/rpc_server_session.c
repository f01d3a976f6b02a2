/* rpc_server_session.c: one connected client of the RPC server: its
 * nonblocking socket I/O on the main thread (frame assembly with the
 * length checked before allocation, the outgoing queue, flow control by
 * max_client_requests), keepalive, and the thread-safe accessors of
 * rpc_server.h.  Threading rules: rpc_server_priv.h.
 *
 * Reading goes through a small read-ahead buffer: one read() usually
 * brings a whole frame, or several pipelined ones, instead of one read for
 * the length word and one for the rest; a short read means the socket is
 * drained, so no extra read() ends in EAGAIN.  Large frame bodies are read
 * straight into their message.  Bytes left in the buffer while input is
 * paused (flow control) are picked up by a ready-time wakeup of the
 * session source once reading may resume, since poll() would not report
 * them. */
#include <config.h>

/* accept4(), struct ucred (SO_PEERCRED): before any system header. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpc/rpc_server_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define VR_RPC_FRAMES_PER_WAKEUP 32
#define VR_RPC_READ_AHEAD 4096
/* A UNIX stream socket queues at most its sender's SO_SNDBUF (~208 KiB by
 * default, less than one 256 KiB stream frame): a larger one lets a
 * stream frame go out in one write and halves the wakeups of bulk
 * downloads.  Only memory actually queued is used. */
#define VR_RPC_SNDBUF (1024 * 1024)

typedef struct {
    GSource base;
    VrRpcSession *sess;
} VrSessionSource;

static gboolean session_dispatch(GSource *source, GSourceFunc cb,
                                 gpointer data);

static GSourceFuncs session_source_funcs = {
    .dispatch = session_dispatch,
};

void
vr_rpc_session_ref(VrRpcSession *sess)
{
    g_atomic_int_inc(&sess->refs);
}

void
vr_rpc_session_unref(VrRpcSession *sess)
{
    if (!sess || !g_atomic_int_dec_and_test(&sess->refs))
        return;
    g_queue_clear_full(&sess->outq, (GDestroyNotify) vr_rpc_message_free);
    vr_rpc_message_free(sess->rx);
    g_free(sess->ibuf);
    if (sess->fd >= 0)
        close(sess->fd);
    g_free(sess);
}

static void
session_read_peer(VrRpcSession *sess)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    sess->pid = -1;
    sess->uid = (uid_t) -1;
    sess->gid = (gid_t) -1;
    if (getsockopt(sess->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        sess->pid = cred.pid;
        sess->uid = cred.uid;
        sess->gid = cred.gid;
    } else {
        VR_WARN("cannot read peer credentials: %s", g_strerror(errno));
    }
}

/* Create a session for connected @fd (taken over) and start reading.
 * Main thread.  Never fails. */
VrRpcSession *
vr_rpc_session_new(VrRpcServer *srv, int fd, bool readonly)
{
    VrRpcSession *sess = g_new0(VrRpcSession, 1);
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0)
        (void) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
    (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int) { VR_RPC_SNDBUF },
                      sizeof(int));
    sess->refs = 1;
    sess->srv = srv;
    sess->fd = fd;
    sess->readonly = readonly;
    g_queue_init(&sess->outq);
    sess->rx = vr_rpc_message_new_reader();
    sess->last_rx = g_get_monotonic_time();
    session_read_peer(sess);
    VR_INFO("client connected: pid %d uid %d gid %d, readonly=%d",
            (int) sess->pid, (int) sess->uid, (int) sess->gid, readonly);

    sess->source = g_source_new(&session_source_funcs,
                                sizeof(VrSessionSource));
    ((VrSessionSource *) sess->source)->sess = sess;
    g_source_set_name(sess->source, "vr-rpc-session");
    /* GLib "blocks" a non-recursive source while dispatching it, taking
     * its fd out of the poll set and putting it back, and each of those
     * writes the context's wakeup eventfd: two syscalls and one more
     * loop iteration per call.  Nothing here runs a nested main loop,
     * so the source never recurses. */
    g_source_set_can_recurse(sess->source, TRUE);
    sess->io_cond = G_IO_IN;
    sess->tag = g_source_add_unix_fd(sess->source, fd, sess->io_cond);
    g_source_attach(sess->source, srv->ctx);
    g_hash_table_add(srv->sessions, sess);
    if (srv->open_cb)
        sess->priv = srv->open_cb(sess, srv->opaque);
    return sess;
}

static bool
session_may_read(VrRpcSession *sess)
{
    unsigned int limit = sess->srv->cfg.max_client_requests;

    return !g_atomic_int_get(&sess->closed) && !sess->no_more_input &&
           !sess->srv->stopping && sess->paused_streams == 0 &&
           (limit == 0 || sess->outstanding < limit);
}

/* Recompute which events the socket waits for.  Main thread.
 * g_source_modify_unix_fd() wakes the main context up every time (an
 * eventfd write and one more loop iteration), so it is only called when
 * the events change. */
void
vr_rpc_session_update_io(VrRpcSession *sess)
{
    GIOCondition cond = 0;

    if (g_atomic_int_get(&sess->closed))
        return;
    if (session_may_read(sess)) {
        cond |= G_IO_IN;
        if (sess->ibuf_pos < sess->ibuf_len)
            g_source_set_ready_time(sess->source, 0);
    }
    if (!g_queue_is_empty(&sess->outq))
        cond |= G_IO_OUT;
    if (cond == sess->io_cond)
        return;
    sess->io_cond = cond;
    g_source_modify_unix_fd(sess->source, sess->tag, cond);
}

/* Call the daemon's close hook once no call of this session runs any
 * more (handlers may use the private data until then). */
void
vr_rpc_session_maybe_finish(VrRpcSession *sess)
{
    VrRpcServer *srv = sess->srv;

    if (!g_atomic_int_get(&sess->closed) || sess->outstanding > 0 ||
        sess->close_cb_done)
        return;
    sess->close_cb_done = true;
    if (srv->close_cb)
        srv->close_cb(sess, sess->priv, srv->opaque);
}

/* Drop the connection: stop I/O, discard queued output.  In-flight calls
 * finish on their workers; their replies are dropped.  Main thread. */
void
vr_rpc_session_close(VrRpcSession *sess, const char *why)
{
    if (g_atomic_int_get(&sess->closed))
        return;
    g_atomic_int_set(&sess->closed, 1);
    VR_INFO("client disconnected (pid %d): %s", (int) sess->pid, why);
    g_source_destroy(sess->source);
    g_source_unref(sess->source);
    sess->source = NULL;
    if (sess->ka_timer) {
        g_source_destroy(sess->ka_timer);
        g_source_unref(sess->ka_timer);
        sess->ka_timer = NULL;
    }
    shutdown(sess->fd, SHUT_RDWR);
    close(sess->fd);
    sess->fd = -1;
    g_queue_clear_full(&sess->outq, (GDestroyNotify) vr_rpc_message_free);
    vr_rpc_session_end_streams(sess);
    g_hash_table_remove(sess->srv->sessions, sess);
    vr_rpc_session_maybe_finish(sess);
    vr_rpc_session_unref(sess);
}

/* Send @msg (not yet queued) right away if the socket takes it without
 * blocking.  Returns true when all of it went out; otherwise what was
 * sent is recorded in msg->offset and the caller queues the rest.  Errors
 * are left for the next POLLOUT dispatch, which closes the session: this
 * never closes it, so callers need not hold a reference. */
static bool
session_send_now(VrRpcSession *sess, VrRpcMessage *msg)
{
    while (msg->offset < msg->len) {
        ssize_t n = send(sess->fd, msg->buf + msg->offset,
                         msg->len - msg->offset, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        msg->offset += n;
    }
    return true;
}

/* Append @msg (taken) to the outgoing queue; when the queue was empty,
 * write it at once instead of waiting for the next POLLOUT.  Main
 * thread. */
void
vr_rpc_session_queue(VrRpcSession *sess, VrRpcMessage *msg)
{
    if (g_atomic_int_get(&sess->closed)) {
        vr_rpc_message_free(msg);
        return;
    }
    msg->offset = 0;
    if (g_queue_is_empty(&sess->outq) && !msg->close_after &&
        !sess->close_when_flushed && session_send_now(sess, msg)) {
        vr_rpc_message_free(msg);
        return;
    }
    g_queue_push_tail(&sess->outq, msg);
    vr_rpc_session_update_io(sess);
}

/* Queue an error reply to @hdr from this thread's last error. */
void
vr_rpc_session_queue_error(VrRpcSession *sess, const vr_msg_header *hdr)
{
    vr_msg_header rhdr = *hdr;
    VrRpcMessage *msg = vr_rpc_message_new();

    rhdr.type = VR_MSG_REPLY;
    VR_DEBUG("call prog %u proc %d serial %u refused: %s", hdr->prog,
             hdr->proc, hdr->serial, vr_error_message());
    if (vr_rpc_message_encode_error(msg, &rhdr) < 0) {
        vr_rpc_message_free(msg);
        return;
    }
    vr_rpc_session_queue(sess, msg);
}

static void
session_queue_keepalive(VrRpcSession *sess, int proc)
{
    vr_msg_header hdr = { VR_KEEPALIVE_PROGRAM, VR_KEEPALIVE_VERSION, proc,
                          VR_MSG_MESSAGE, 0, VR_STATUS_OK };
    VrRpcMessage *msg = vr_rpc_message_new();

    if (vr_rpc_message_encode(msg, &hdr, NULL, NULL) < 0) {
        vr_rpc_message_free(msg);
        return;
    }
    vr_rpc_session_queue(sess, msg);
}

/* One complete frame from the client (taken). */
static void
session_handle_frame(VrRpcSession *sess, VrRpcMessage *msg)
{
    const vr_msg_header *hdr = &msg->header;

    sess->last_rx = g_get_monotonic_time();
    sess->ka_missed = 0;
    if (hdr->prog == VR_KEEPALIVE_PROGRAM) {
        if (hdr->vers == VR_KEEPALIVE_VERSION && hdr->type == VR_MSG_MESSAGE &&
            hdr->proc == VR_KEEPALIVE_PROC_PING)
            session_queue_keepalive(sess, VR_KEEPALIVE_PROC_PONG);
        vr_rpc_message_free(msg);
        return;
    }
    switch (hdr->type) {
    case VR_MSG_CALL:
        vr_rpc_server_dispatch_call(sess->srv, sess, msg);
        return;
    case VR_MSG_CALL_WITH_FDS:
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "file descriptor passing is not supported");
        vr_rpc_session_queue_error(sess, hdr);
        break;
    case VR_MSG_STREAM:
    case VR_MSG_STREAM_HOLE:
        vr_rpc_stream_dispatch(sess, msg);
        return;
    default:
        /* Stray REPLY/MESSAGE frames get no answer (FACTS 4.4). */
        VR_DEBUG("ignoring frame of type %d proc %d", hdr->type, hdr->proc);
        break;
    }
    vr_rpc_message_free(msg);
}

/* Read more input for sess->rx, which still wants @want bytes: a large
 * body straight into the message, anything else into the read-ahead
 * buffer.  Sets *drained after a short read.  Returns the bytes read,
 * 0 when nothing is available now, or -1 when the session was closed. */
static ssize_t
session_fill(VrRpcSession *sess, size_t want, bool *drained)
{
    VrRpcMessage *rx = sess->rx;
    bool direct = want >= VR_RPC_READ_AHEAD;
    size_t room = direct ? want : VR_RPC_READ_AHEAD;
    ssize_t n;

    if (!direct && !sess->ibuf)
        sess->ibuf = g_malloc(VR_RPC_READ_AHEAD);
    do {
        n = read(sess->fd, direct ? rx->buf + rx->offset : sess->ibuf, room);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        *drained = true;
        return 0;
    }
    if (n <= 0) {
        vr_rpc_session_close(sess, n == 0 ? "end of file" : g_strerror(errno));
        return -1;
    }
    *drained = (size_t) n < room;
    if (direct) {
        rx->offset += n;
    } else {
        sess->ibuf_pos = 0;
        sess->ibuf_len = n;
    }
    return n;
}

/* sess->rx is complete: check its length word, or hand the frame on.
 * Returns 1 when a frame was handled, 0 when the body is still to come,
 * -1 when the session was closed. */
static int
session_rx_complete(VrRpcSession *sess)
{
    VrRpcMessage *rx = sess->rx;
    size_t max = sess->srv->cfg.max_message_size;

    if (rx->len == VR_RPC_LEN_WORD) {
        if (vr_rpc_message_set_length(rx, max) < 0) {
            VR_WARN("dropping client (pid %d): %s", (int) sess->pid,
                    vr_error_message());
            vr_rpc_session_close(sess, "protocol error");
            return -1;
        }
        return 0;
    }
    sess->rx = vr_rpc_message_new_reader();
    if (vr_rpc_message_decode_header(rx) < 0) {
        vr_rpc_message_free(rx);
        vr_rpc_session_close(sess, "protocol error");
        return -1;
    }
    session_handle_frame(sess, rx);
    return 1;
}

/* Read and handle frames.  Returns FALSE when the session was closed. */
static gboolean
session_read(VrRpcSession *sess)
{
    bool drained = false;
    int frames = 0;

    while (frames < VR_RPC_FRAMES_PER_WAKEUP && session_may_read(sess)) {
        VrRpcMessage *rx = sess->rx;
        size_t want = rx->len - rx->offset;
        size_t avail = sess->ibuf_len - sess->ibuf_pos;
        int rc;

        if (avail > 0) {
            avail = MIN(avail, want);
            memcpy(rx->buf + rx->offset, sess->ibuf + sess->ibuf_pos, avail);
            rx->offset += avail;
            sess->ibuf_pos += avail;
        } else if (drained) {
            break;
        } else {
            ssize_t n = session_fill(sess, want, &drained);

            if (n < 0)
                return FALSE;
            continue;
        }
        if (rx->offset < rx->len)
            continue;
        if ((rc = session_rx_complete(sess)) < 0)
            return FALSE;
        frames += rc;
    }
    if (sess->ibuf_pos == sess->ibuf_len)
        sess->ibuf_pos = sess->ibuf_len = 0;
    else if (session_may_read(sess))
        g_source_set_ready_time(sess->source, 0);
    return !g_atomic_int_get(&sess->closed);
}

/* Write queued frames.  Returns FALSE when the session was closed. */
static gboolean
session_write(VrRpcSession *sess)
{
    VrRpcMessage *msg;

    while ((msg = g_queue_peek_head(&sess->outq))) {
        ssize_t n = send(sess->fd, msg->buf + msg->offset,
                         msg->len - msg->offset, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(sess->fd, msg->buf + msg->offset,
                      msg->len - msg->offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            vr_rpc_session_close(sess, g_strerror(errno));
            return FALSE;
        }
        msg->offset += n;
        if (msg->offset < msg->len)
            continue;
        g_queue_pop_head(&sess->outq);
        if (msg->close_after) {
            vr_rpc_message_free(msg);
            vr_rpc_session_close(sess, "connection closed by request");
            return FALSE;
        }
        vr_rpc_message_free(msg);
    }
    if (g_queue_is_empty(&sess->outq) && sess->close_when_flushed) {
        vr_rpc_session_close(sess, "connection closed by request");
        return FALSE;
    }
    return TRUE;
}

static gboolean
session_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    VrRpcSession *sess = ((VrSessionSource *) source)->sess;
    GIOCondition rev = g_source_query_unix_fd(source, sess->tag);
    bool buffered = sess->ibuf_pos < sess->ibuf_len;

    if (g_source_get_ready_time(source) != -1)
        g_source_set_ready_time(source, -1);
    vr_rpc_session_ref(sess);
    if ((rev & G_IO_OUT) && !session_write(sess))
        goto out;
    if (((rev & G_IO_IN) || buffered) && !session_read(sess))
        goto out;
    if ((rev & (G_IO_HUP | G_IO_ERR)) && !(rev & G_IO_IN)) {
        vr_rpc_session_close(sess, "hangup");
        goto out;
    }
    vr_rpc_session_update_io(sess);
 out:
    vr_rpc_session_unref(sess);
    return G_SOURCE_CONTINUE;
}

static gboolean
session_keepalive_tick(gpointer opaque)
{
    VrRpcSession *sess = opaque;
    const VrRpcServerConfig *cfg = &sess->srv->cfg;
    gint64 silent = g_get_monotonic_time() - sess->last_rx;

    if (silent < (gint64) cfg->keepalive_interval * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;
    if (sess->ka_missed >= cfg->keepalive_count) {
        VR_WARN("client (pid %d) did not answer %u keepalive pings",
                (int) sess->pid, sess->ka_missed);
        vr_rpc_session_close(sess, "keepalive timeout");
        return G_SOURCE_REMOVE;
    }
    sess->ka_missed++;
    session_queue_keepalive(sess, VR_KEEPALIVE_PROC_PING);
    return G_SOURCE_CONTINUE;
}

static void
session_start_keepalive_main(VrRpcSession *sess)
{
    const VrRpcServerConfig *cfg = &sess->srv->cfg;

    if (sess->ka_timer || cfg->keepalive_interval == 0 ||
        g_atomic_int_get(&sess->closed))
        return;
    sess->ka_timer = g_timeout_source_new(cfg->keepalive_interval * 1000);
    g_source_set_callback(sess->ka_timer, session_keepalive_tick, sess, NULL);
    g_source_attach(sess->ka_timer, sess->srv->ctx);
}

/* Apply one item from the done queue (takes it).  Main thread. */
void
vr_rpc_session_apply_done(VrRpcDone *done)
{
    VrRpcSession *sess = done->sess;
    bool closed = g_atomic_int_get(&sess->closed);
    bool stream_ok;

    switch (done->kind) {
    case VR_RPC_DONE_REPLY:
        sess->outstanding--;
        if (done->msg && done->msg->close_after)
            sess->no_more_input = true;
        stream_ok = done->stream && done->msg && !closed &&
                    done->msg->header.status == VR_STATUS_OK;
        if (done->msg && !closed)
            vr_rpc_session_queue(sess, g_steal_pointer(&done->msg));
        if (stream_ok)
            vr_rpc_stream_activate(done->stream);
        else if (done->stream)
            vr_rpc_stream_end(done->stream, VR_RPC_STREAM_END_CLOSED);
        vr_rpc_session_update_io(sess);
        vr_rpc_session_maybe_finish(sess);
        break;
    case VR_RPC_DONE_MESSAGE:
        if (!closed)
            vr_rpc_session_queue(sess, g_steal_pointer(&done->msg));
        break;
    case VR_RPC_DONE_KEEPALIVE:
        session_start_keepalive_main(sess);
        break;
    case VR_RPC_DONE_CLOSE_AFTER:
        sess->no_more_input = true;
        sess->close_when_flushed = true;
        vr_rpc_session_update_io(sess);
        break;
    case VR_RPC_DONE_DROP:
        vr_rpc_session_close(sess, "too many unsent messages");
        break;
    }
    vr_rpc_stream_unref(done->stream);
    vr_rpc_message_free(done->msg);
    vr_rpc_session_unref(sess);
    g_free(done);
}

/* ---- accessors (rpc_server.h) ---- */

void *
vr_rpc_session_get_private(VrRpcSession *sess)
{
    return sess->priv;
}

bool
vr_rpc_session_is_readonly(VrRpcSession *sess)
{
    return sess->readonly;
}

void
vr_rpc_session_get_peer(VrRpcSession *sess, pid_t *pid, uid_t *uid,
                        gid_t *gid)
{
    if (pid)
        *pid = sess->pid;
    if (uid)
        *uid = sess->uid;
    if (gid)
        *gid = sess->gid;
}

void
vr_rpc_session_set_open(VrRpcSession *sess)
{
    g_atomic_int_set(&sess->is_open, 1);
}

bool
vr_rpc_session_is_open(VrRpcSession *sess)
{
    return g_atomic_int_get(&sess->is_open) != 0;
}

void
vr_rpc_session_start_keepalive(VrRpcSession *sess)
{
    vr_rpc_server_post(sess->srv, VR_RPC_DONE_KEEPALIVE, sess, NULL);
}

static void
message_freed(VrRpcMessage *msg, void *data)
{
    VrRpcSession *sess = data;

    g_atomic_int_add(&sess->queued_messages, -1);
    vr_rpc_session_unref(sess);
}

int
vr_rpc_session_send_message(VrRpcSession *sess, unsigned int prog, int proc,
                            xdrproc_t filter, void *data)
{
    vr_msg_header hdr = { prog, VR_PROTOCOL_VERSION, proc, VR_MSG_MESSAGE,
                          1, VR_STATUS_OK };
    unsigned int max = sess->srv->cfg.max_queued_messages;
    g_autoptr(VrRpcMessage) msg = NULL;

    if (g_atomic_int_get(&sess->closed)) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "cannot send a message: the client is gone");
        return -1;
    }
    if ((unsigned int) g_atomic_int_get(&sess->queued_messages) >= max) {
        VR_WARN("client (pid %d) does not read its events: %u unsent, "
                "dropping it", (int) sess->pid, max);
        vr_rpc_server_post(sess->srv, VR_RPC_DONE_DROP, sess, NULL);
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "cannot send a message: the client does not read");
        return -1;
    }
    msg = vr_rpc_message_new();
    if (vr_rpc_message_encode(msg, &hdr, filter, data) < 0)
        return -1;
    g_atomic_int_inc(&sess->queued_messages);
    vr_rpc_session_ref(sess);
    msg->on_free = message_freed;
    msg->on_free_data = sess;
    vr_rpc_server_post(sess->srv, VR_RPC_DONE_MESSAGE, sess,
                       g_steal_pointer(&msg));
    return 0;
}
