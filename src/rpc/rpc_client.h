/* rpc_client.h: the client side of the wire protocol (used by libvireo).
 *
 * A connection is thread-safe: several threads may call at once; each call
 * gets its own serial and waits for its own reply, which may arrive in any
 * order.  A dedicated I/O thread per connection reads frames, wakes the
 * waiting caller, answers PINGs and (later) delivers events and stream data.
 *
 * CONTRACT (consumed by src/lib; keep stable).
 */
#pragma once

#include <glib.h>
#include <rpc/rpc.h>

#include "rpc/vireo_protocol.h"

typedef struct _VrRpcConn VrRpcConn;

/* Connect to a UNIX socket.  Returns a new connection or NULL with an
 * error reported (VR_ERR_SYSTEM_ERROR, VR_FROM_RPC): "Failed to connect
 * socket to 'PATH': No such file or directory" - the message should help,
 * e.g. add "(is vireod running?)". */
VrRpcConn *vr_rpc_conn_open_unix(const char *path);

/* Wrap an already connected stream fd (takes ownership), e.g. the stdio of
 * an ssh process.  Returns NULL with an error reported. */
VrRpcConn *vr_rpc_conn_open_fd(int fd);

/* Perform one call and wait for its reply.  @args_filter / @ret_filter may
 * be NULL for void.  On success decodes into @ret (caller frees with
 * xdr_free(ret_filter, ret)) and returns 0.  On an error reply, sets the
 * thread-local error from the remote error struct (turning code 39 +
 * "unknown procedure" into VR_ERR_NO_SUPPORT, as libvirt's client does) and
 * returns -1.  On a lost connection returns -1 with VR_ERR_SYSTEM_ERROR
 * "connection to the daemon was lost"; every later call fails the same way
 * at once. */
int vr_rpc_conn_call(VrRpcConn *conn, unsigned int prog, unsigned int vers,
                     int proc, xdrproc_t args_filter, void *args,
                     xdrproc_t ret_filter, void *ret);

/* Send PINGs after @interval seconds of silence; give up (connection lost)
 * after @count unanswered.  0 disables. */
void vr_rpc_conn_set_keepalive(VrRpcConn *conn, unsigned int interval,
                               unsigned int count);

/* Hook for asynchronous frames (the documented extension point for events
 * and streams): @func runs on the connection's I/O thread for every
 * MESSAGE frame that is not keepalive and every STREAM / STREAM_HOLE
 * frame, with the decoded header and the raw payload (valid only during
 * the call; decode it with the event's XDR filter or copy stream bytes).
 * It must not call vr_rpc_conn_call on this connection (it would wait on
 * its own I/O thread).  Without a hook such frames are dropped.  @func
 * NULL removes the hook. */
typedef void (*VrRpcConnAsyncFunc)(VrRpcConn *conn, const vr_msg_header *hdr,
                                   const guint8 *payload, size_t len,
                                   void *opaque);
void vr_rpc_conn_set_async_handler(VrRpcConn *conn, VrRpcConnAsyncFunc func,
                                   void *opaque);

/* Send a frame that expects no reply (a STREAM packet, or a MESSAGE) with
 * the given header fields and raw @payload.  Thread-safe.  Returns 0 or -1
 * (reported; e.g. the connection is lost). */
int vr_rpc_conn_send_raw(VrRpcConn *conn, const vr_msg_header *hdr,
                         const void *payload, size_t len);

/* Whether the connection is still usable (not lost or shut down). */
gboolean vr_rpc_conn_is_alive(VrRpcConn *conn);

/* Shut the connection down and free it (waits for the I/O thread).
 * NULL-safe. */
void vr_rpc_conn_free(VrRpcConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcConn, vr_rpc_conn_free)

/* ---- streams (FACTS.md section 6) ----
 *
 * A stream is opened by a call (e.g. DOMAIN_OPEN_CONSOLE): the stream is
 * registered before the CALL is written, so no STREAM frame that follows
 * the reply can be missed.  Frames for it are taken off the async hook
 * and queued on the stream; a reader takes them with
 * vr_rpc_conn_stream_recv (blocking, with a timeout) and may ask for a
 * notification (on the I/O thread) whenever something arrives.  All
 * functions are thread-safe. */

typedef struct _VrRpcConnStream VrRpcConnStream;

/* Runs on the connection's I/O thread when data, end of data, an error or
 * the finish confirmation arrived (or the connection was lost).  It must
 * not block or call into the connection; typically it wakes a poll loop. */
typedef void (*VrRpcConnStreamNotify)(VrRpcConnStream *st, void *opaque);

/* Perform the stream-opening call (as vr_rpc_conn_call).  Returns the
 * stream (vr_rpc_conn_stream_free), or NULL with the error reported (the
 * call failed: no stream exists). */
VrRpcConnStream *vr_rpc_conn_stream_open(VrRpcConn *conn, unsigned int prog,
                                         unsigned int vers, int proc,
                                         xdrproc_t args_filter, void *args,
                                         xdrproc_t ret_filter, void *ret);

void vr_rpc_conn_stream_set_notify(VrRpcConnStream *st,
                                   VrRpcConnStreamNotify func,
                                   void *opaque);

/* Send @len bytes (split into frames of at most 262120 bytes; @len 0
 * sends our end of data).  Returns 0, or -1 with an error reported (the
 * stream has ended or the connection is lost). */
int vr_rpc_conn_stream_send(VrRpcConnStream *st, const void *data,
                            size_t len);

/* Take up to @len bytes of received data, waiting up to @timeout_ms
 * (-1: forever, 0: do not wait).  Returns the byte count (> 0), 0 at the
 * server's end of data, -2 on timeout (nothing reported), or -1 with an
 * error reported (the server's stream error, the stream was finished or
 * aborted, or the connection is lost). */
gssize vr_rpc_conn_stream_recv(VrRpcConnStream *st, void *buf, size_t len,
                               int timeout_ms);

/* Sparse streams: as vr_rpc_conn_stream_recv, but a hole (STREAM_HOLE
 * frame) at the head is returned as -3 with its length in *@hole (data
 * before it is returned first).  Plain recv drops holes. */
gssize vr_rpc_conn_stream_recv_hole(VrRpcConnStream *st, void *buf,
                                    size_t len, int timeout_ms,
                                    gint64 *hole);
/* Send a hole of @length bytes (sparse streams).  0 or -1 (reported). */
int vr_rpc_conn_stream_send_hole(VrRpcConnStream *st, gint64 length);

/* Bytes received and not yet taken (for tests and flow decisions). */
size_t vr_rpc_conn_stream_pending(VrRpcConnStream *st);

/* Finish (send STREAM OK) and wait for the server's confirmation; data
 * still arriving meanwhile is discarded.  Returns 0, or -1 with an error
 * reported (the server answered with an error, or the connection died). */
int vr_rpc_conn_stream_finish(VrRpcConnStream *st);

/* Abort (send STREAM ERROR) and wait for the server's confirmation.
 * Returns 0 or -1 (reported). */
int vr_rpc_conn_stream_abort(VrRpcConnStream *st);

/* Unregister and free (without telling the server: finish or abort
 * first).  NULL-safe. */
void vr_rpc_conn_stream_free(VrRpcConnStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcConnStream, vr_rpc_conn_stream_free)
