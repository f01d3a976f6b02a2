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

/* Shut the connection down and free it (waits for the I/O thread).
 * NULL-safe. */
void vr_rpc_conn_free(VrRpcConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcConn, vr_rpc_conn_free)
