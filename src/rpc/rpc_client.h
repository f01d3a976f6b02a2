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
