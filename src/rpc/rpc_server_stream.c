/* rpc_server_stream.c: server side of RPC streams (FACTS.md section 6):
 * binding a stream to the call that opened it, the STREAM frames both
 * ways, output flow control (bytes queued per stream), and finishes
 * whose confirmation the consumer defers until its own I/O (e.g. a
 * volume upload's fsync off the main thread) is done.  Everything
 * except creation and refcounting runs on the main thread; see
 * rpc_server.h for the API and rpc_server_priv.h for the threading rules.
 */
#include <config.h>

#include <string.h>

#include "rpc/rpc_server_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

VrRpcStream *
vr_rpc_stream_new(VrRpcSession *sess, const VrRpcStreamFuncs *funcs,
                  void *opaque, GDestroyNotify opaque_free)
{
    VrRpcStream *st;

    if (g_atomic_int_add(&sess->nstreams, 1) >= VR_RPC_STREAM_MAX_PER_SESSION) {
        g_atomic_int_add(&sess->nstreams, -1);
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_RPC,
                        "too many streams open on this connection (max %d)",
                        VR_RPC_STREAM_MAX_PER_SESSION);
        return NULL;
    }
    st = g_new0(VrRpcStream, 1);
    st->refs = 1;
    vr_rpc_session_ref(sess);
    st->sess = sess;
    st->funcs = funcs;
    st->state = VR_RPC_STREAM_PENDING;
    if (vr_rpc_server_attach_stream(sess, st, &st->hdr) < 0) {
        vr_rpc_stream_unref(st);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "a stream can only be opened by a call");
        return NULL;
    }
    /* Set last: a failed creation must not free the caller's data. */
    st->opaque = opaque;
    st->opaque_free = opaque_free;
    return st;
}

void
vr_rpc_stream_ref(VrRpcStream *st)
{
    g_atomic_int_inc(&st->refs);
}

void
vr_rpc_stream_unref(VrRpcStream *st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    g_atomic_int_add(&st->sess->nstreams, -1);
    vr_rpc_session_unref(st->sess);
    g_free(st);
}

VrRpcSession *
vr_rpc_stream_get_session(VrRpcStream *st)
{
    return st->sess;
}

bool
vr_rpc_stream_is_active(VrRpcStream *st)
{
    return st->state == VR_RPC_STREAM_ACTIVE &&
           !g_atomic_int_get(&st->sess->closed);
}

bool
vr_rpc_stream_can_send(VrRpcStream *st)
{
    if (st->queued < VR_RPC_STREAM_QUEUE_MAX)
        return true;
    st->want_writable = true;
    return false;
}

/* A queued frame of @st was written or discarded. */
static void
stream_frame_freed(VrRpcMessage *msg, void *data)
{
    VrRpcStream *st = data;
    size_t len = msg->len - VR_RPC_HEADER_END;

    st->queued -= MIN(len, st->queued);
    if (st->want_writable && st->queued < VR_RPC_STREAM_QUEUE_MAX / 2 &&
        vr_rpc_stream_is_active(st)) {
        st->want_writable = false;
        if (st->funcs->writable)
            st->funcs->writable(st, st->opaque);
    }
    vr_rpc_stream_unref(st);
}

/* Queue @msg (taken), an encoded frame of @st with @len payload bytes. */
static void
stream_queue_msg(VrRpcStream *st, VrRpcMessage *msg, size_t len)
{
    vr_rpc_stream_ref(st);
    st->queued += len;
    msg->on_free = stream_frame_freed;
    msg->on_free_data = st;
    vr_rpc_session_queue(st->sess, msg);
}

/* Queue one frame of @type (STREAM or STREAM_HOLE) with @status and raw
 * @data. */
static int
stream_queue_type(VrRpcStream *st, vr_msg_type type, vr_msg_status status,
                  const void *data, size_t len)
{
    vr_msg_header hdr = st->hdr;
    VrRpcMessage *msg = vr_rpc_message_new();

    hdr.type = type;
    hdr.status = status;
    if (vr_rpc_message_encode_raw(msg, &hdr, data, len) < 0) {
        vr_rpc_message_free(msg);
        return -1;
    }
    stream_queue_msg(st, msg, len);
    return 0;
}

VrRpcMessage *
vr_rpc_stream_frame_new(size_t len, guint8 **data)
{
    return vr_rpc_message_new_raw(MIN(len, (size_t)
                                      VR_MESSAGE_LEGACY_PAYLOAD_MAX), data);
}

int
vr_rpc_stream_send_frame(VrRpcStream *st, VrRpcMessage *frame, size_t len)
{
    vr_msg_header hdr = st->hdr;

    hdr.type = VR_MSG_STREAM;
    hdr.status = VR_STATUS_CONTINUE;
    if (!vr_rpc_stream_is_active(st) ||
        vr_rpc_message_encode_raw_inplace(frame, &hdr, len) < 0) {
        vr_rpc_message_free(frame);
        return -1;
    }
    stream_queue_msg(st, frame, len);
    return 0;
}

static int
stream_queue(VrRpcStream *st, vr_msg_status status, const void *data,
             size_t len)
{
    return stream_queue_type(st, VR_MSG_STREAM, status, data, len);
}

int
vr_rpc_stream_send_hole(VrRpcStream *st, gint64 length)
{
    vr_stream_hole hole = { length, 0 };
    guint8 buf[16];
    XDR xdr;
    size_t len;

    if (!vr_rpc_stream_is_active(st))
        return -1;
    xdrmem_create(&xdr, (char *) buf, sizeof(buf), XDR_ENCODE);
    if (!xdr_vr_stream_hole(&xdr, &hole)) {
        xdr_destroy(&xdr);
        return -1;
    }
    len = xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    return stream_queue_type(st, VR_MSG_STREAM_HOLE, VR_STATUS_CONTINUE,
                             buf, len);
}

int
vr_rpc_stream_send(VrRpcStream *st, const void *data, size_t len)
{
    const guint8 *p = data;

    if (!vr_rpc_stream_is_active(st))
        return -1;
    while (len > 0) {
        size_t chunk = MIN(len, (size_t) VR_MESSAGE_LEGACY_PAYLOAD_MAX);

        if (stream_queue(st, VR_STATUS_CONTINUE, p, chunk) < 0)
            return -1;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

int
vr_rpc_stream_send_eof(VrRpcStream *st)
{
    if (!vr_rpc_stream_is_active(st))
        return -1;
    return stream_queue(st, VR_STATUS_CONTINUE, NULL, 0);
}

void
vr_rpc_stream_fail(VrRpcStream *st)
{
    vr_msg_header hdr = st->hdr;
    VrRpcMessage *msg;

    if (!vr_rpc_stream_is_active(st))
        return;
    hdr.type = VR_MSG_STREAM;
    msg = vr_rpc_message_new();
    VR_DEBUG("stream proc %d serial %u failed: %s", hdr.proc, hdr.serial,
             vr_error_message());
    if (vr_rpc_message_encode_error(msg, &hdr) == 0)
        vr_rpc_session_queue(st->sess, msg);
    else
        vr_rpc_message_free(msg);
    vr_rpc_stream_end(st, VR_RPC_STREAM_END_ERROR);
}

void
vr_rpc_stream_close(VrRpcStream *st)
{
    if (st->state == VR_RPC_STREAM_ACTIVE ||
        st->state == VR_RPC_STREAM_FINISHING)
        vr_rpc_stream_end(st, VR_RPC_STREAM_END_CLOSED);
}

/* Resume reading the session's socket if @st had paused it. */
static void
stream_unpause(VrRpcStream *st)
{
    if (!st->paused)
        return;
    st->paused = false;
    st->sess->paused_streams--;
    vr_rpc_session_update_io(st->sess);
}

void
vr_rpc_stream_pause_input(VrRpcStream *st, bool paused)
{
    if (st->paused == paused || st->state != VR_RPC_STREAM_ACTIVE)
        return;
    st->paused = paused;
    if (paused)
        st->sess->paused_streams++;
    else
        st->sess->paused_streams--;
    vr_rpc_session_update_io(st->sess);
}

/* The opening call's OK reply is queued (main thread). */
void
vr_rpc_stream_activate(VrRpcStream *st)
{
    VrRpcSession *sess = st->sess;

    st->state = VR_RPC_STREAM_ACTIVE;
    sess->streams = g_list_prepend(sess->streams, st);
    VR_DEBUG("stream proc %d serial %u started", st->hdr.proc,
             st->hdr.serial);
    if (st->funcs->start)
        st->funcs->start(st, st->opaque);
}

/* End @st (main thread): callbacks, then drop the server's reference.
 * A stream that never started just ends CLOSED. */
void
vr_rpc_stream_end(VrRpcStream *st, VrRpcStreamEnd how)
{
    VrRpcStreamState was = st->state;
    void *opaque = g_steal_pointer(&st->opaque);

    if (was == VR_RPC_STREAM_DONE)
        return;
    st->state = VR_RPC_STREAM_DONE;
    if (was == VR_RPC_STREAM_ACTIVE || was == VR_RPC_STREAM_FINISHING) {
        st->sess->streams = g_list_remove(st->sess->streams, st);
        stream_unpause(st);
    }
    VR_DEBUG("stream proc %d serial %u ended (%d)", st->hdr.proc,
             st->hdr.serial, how);
    if (st->funcs->end)
        st->funcs->end(st, how, opaque);
    if (st->opaque_free && opaque)
        st->opaque_free(opaque);
    vr_rpc_stream_unref(st);
}

static VrRpcStream *
find_stream(VrRpcSession *sess, const vr_msg_header *hdr)
{
    for (GList *l = sess->streams; l; l = l->next) {
        VrRpcStream *st = l->data;

        if (st->hdr.serial == hdr->serial && st->hdr.proc == hdr->proc &&
            st->hdr.prog == hdr->prog && st->hdr.vers == hdr->vers)
            return st;
    }
    return NULL;
}

/* Data or end of data from the client (*msgp may be taken). */
static void
stream_recv(VrRpcStream *st, VrRpcMessage **msgp)
{
    size_t len;
    const guint8 *data = vr_rpc_message_payload(*msgp, &len);

    if (len > 0 && st->funcs->recv_frame) {
        vr_error_reset();
        if (st->funcs->recv_frame(st, g_steal_pointer(msgp), data, len,
                                  st->opaque) < 0)
            vr_rpc_stream_fail(st);
        return;
    }
    if (!st->funcs->recv) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_RPC,
                        "this stream does not accept data");
        vr_rpc_stream_fail(st);
        return;
    }
    vr_error_reset();
    if (st->funcs->recv(st, data, len, st->opaque) < 0)
        vr_rpc_stream_fail(st);
}

/* A hole from the client (sparse streams). */
static void
stream_recv_hole(VrRpcStream *st, VrRpcMessage *msg)
{
    size_t len;
    const guint8 *data = vr_rpc_message_payload(msg, &len);
    vr_stream_hole hole = { 0 };
    XDR xdr;
    bool ok;

    vr_error_reset();
    xdrmem_create(&xdr, (char *) data, len, XDR_DECODE);
    ok = xdr_vr_stream_hole(&xdr, &hole);
    xdr_destroy(&xdr);
    if (!ok || hole.length < 0) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC, "malformed stream hole");
        vr_rpc_stream_fail(st);
    } else if (!st->funcs->recv_hole) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_RPC,
                        "this stream does not accept holes");
        vr_rpc_stream_fail(st);
    } else if (st->funcs->recv_hole(st, hole.length, st->opaque) < 0) {
        vr_rpc_stream_fail(st);
    }
}

/* Confirm the client's finish (@aborted false) or abort and end @st. */
static void
stream_confirm(VrRpcStream *st, bool aborted)
{
    stream_queue(st, VR_STATUS_OK, NULL, 0);
    vr_rpc_stream_end(st, aborted ? VR_RPC_STREAM_END_ABORT
                                  : VR_RPC_STREAM_END_FINISH);
}

/* The client finished or aborted: confirm now, or later when the finish
 * callback defers it. */
static void
stream_client_finish(VrRpcStream *st, bool aborted)
{
    int rc = 0;

    vr_error_reset();
    if (st->funcs->finish)
        rc = st->funcs->finish(st, aborted, st->opaque);
    if (st->state != VR_RPC_STREAM_ACTIVE)
        return;     /* the callback ended it */
    if (rc > 0) {
        VR_DEBUG("stream proc %d serial %u: %s pending", st->hdr.proc,
                 st->hdr.serial, aborted ? "abort" : "finish");
        st->state = VR_RPC_STREAM_FINISHING;
        st->aborting = aborted;
        stream_unpause(st);
    } else if (rc < 0 && !aborted) {
        vr_rpc_stream_fail(st);
    } else {
        stream_confirm(st, aborted);
    }
}

void
vr_rpc_stream_finish_done(VrRpcStream *st, bool ok)
{
    vr_msg_header hdr = st->hdr;
    VrRpcMessage *msg;

    if (st->state != VR_RPC_STREAM_FINISHING)
        return;
    if (ok || st->aborting) {
        stream_confirm(st, st->aborting);
        return;
    }
    hdr.type = VR_MSG_STREAM;
    msg = vr_rpc_message_new();
    VR_DEBUG("stream proc %d serial %u: finish failed: %s", hdr.proc,
             hdr.serial, vr_error_message());
    if (vr_rpc_message_encode_error(msg, &hdr) == 0)
        vr_rpc_session_queue(st->sess, msg);
    else
        vr_rpc_message_free(msg);
    vr_rpc_stream_end(st, VR_RPC_STREAM_END_ERROR);
}

/* One STREAM (or STREAM_HOLE) frame from the client (taken).  Main
 * thread. */
void
vr_rpc_stream_dispatch(VrRpcSession *sess, VrRpcMessage *msg)
{
    g_autoptr(VrRpcMessage) owned = msg;
    VrRpcStream *st = find_stream(sess, &msg->header);

    if (!st) {
        /* libvirtd ignores frames for streams it does not know. */
        VR_DEBUG("ignoring stream frame proc %d serial %u", msg->header.proc,
                 msg->header.serial);
        return;
    }
    if (st->state != VR_RPC_STREAM_ACTIVE) {
        VR_DEBUG("ignoring frame for finishing stream proc %d serial %u",
                 msg->header.proc, msg->header.serial);
        return;
    }
    vr_rpc_stream_ref(st);
    if (msg->header.type == VR_MSG_STREAM_HOLE) {
        if (msg->header.status == VR_STATUS_CONTINUE)
            stream_recv_hole(st, msg);
        vr_rpc_stream_unref(st);
        return;
    }
    switch (msg->header.status) {
    case VR_STATUS_CONTINUE:
        stream_recv(st, &owned);
        break;
    case VR_STATUS_OK:
    case VR_STATUS_ERROR:
        /* finish or abort: both confirmed with an empty OK */
        stream_client_finish(st, msg->header.status != VR_STATUS_OK);
        break;
    default:
        VR_DEBUG("ignoring stream frame with status %d", msg->header.status);
        break;
    }
    vr_rpc_stream_unref(st);
}

/* The session is closing: end every stream.  Main thread. */
void
vr_rpc_session_end_streams(VrRpcSession *sess)
{
    while (sess->streams)
        vr_rpc_stream_end(sess->streams->data, VR_RPC_STREAM_END_CLOSED);
}
