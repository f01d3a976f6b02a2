/* rpc_server.h: the daemon side of the wire protocol.
 *
 * One GLib main-loop thread (the caller's default GMainContext) does all
 * socket I/O: accepting, reading frames (length checked before allocation),
 * writing queued replies, keepalive.  Calls are decoded with the
 * procedure's XDR filter and run on a worker pool, so a slow call never
 * blocks other clients; replies may complete in any order.  Procedures
 * flagged VR_RPC_PROC_INLINE run on the main thread instead, as soon as
 * their frame is read, which saves two thread hand-offs per call.
 *
 * CONTRACT (consumed by src/daemon; keep stable).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>
#include <rpc/rpc.h>

#include "rpc/rpc_message.h"

typedef struct _VrRpcServer VrRpcServer;
typedef struct _VrRpcSession VrRpcSession;   /* one connected client */

typedef enum {
    /* Allowed on the read-only socket (otherwise: VR_ERR_OPERATION_DENIED,
     * "operation forbidden: read only access prevents NAME"). */
    VR_RPC_PROC_READONLY_OK = 1 << 0,
    /* Allowed before CONNECT_OPEN (otherwise: code 1, domain 7,
     * "internal error: hypervisor connection not open"). */
    VR_RPC_PROC_BEFORE_OPEN = 1 << 1,
    /* Run on the priority workers (libvirt's high-priority calls). */
    VR_RPC_PROC_HIGH_PRIO = 1 << 2,
    /* Run on the main (I/O) thread, not a worker.  Only for cheap calls
     * that never block: no disk, process, socket or QEMU monitor I/O, no
     * lock that anyone holds across such I/O or for long, no waiting (a
     * tiny procfs read such as /proc/PID/stat is acceptable).  A blocked
     * inline handler stalls every client.  Such handlers must not open
     * streams.  The usual checks (read-only, before-open) and the
     * max_client_requests count apply as to pooled calls. */
    VR_RPC_PROC_INLINE = 1 << 3,
} VrRpcProcFlags;

/* A procedure handler runs on a worker thread (the main thread when
 * VR_RPC_PROC_INLINE).  @args is decoded (NULL for
 * void args); fill @ret (zeroed, NULL for void returns).  Return 0, or -1
 * with the thread-local error (vr_error_report) set: the server sends it
 * as the error reply.  The server frees @args and @ret with xdr_free. */
typedef int (*VrRpcHandler)(VrRpcSession *sess, void *args, void *ret);

typedef struct {
    int proc;
    const char *name;            /* for logs and "read only" messages */
    xdrproc_t args_filter;       /* NULL when the call has no arguments */
    size_t args_size;
    xdrproc_t ret_filter;        /* NULL when the reply is empty */
    size_t ret_size;
    VrRpcHandler handler;
    unsigned int flags;          /* VrRpcProcFlags */
} VrRpcProcedure;

typedef struct {
    unsigned int max_clients;           /* further connections are closed */
    unsigned int min_workers;
    unsigned int max_workers;
    unsigned int prio_workers;
    unsigned int max_client_requests;   /* outstanding calls per client;
                                           reading pauses at the limit */
    size_t max_message_size;            /* <= 32 MiB; larger frames drop the
                                           connection */
    unsigned int keepalive_interval;    /* seconds; 0 disables our PINGs */
    unsigned int keepalive_count;
    unsigned int max_queued_messages;   /* async MESSAGEs (events) queued
                                           per client; a client that lets
                                           more pile up is dropped.
                                           0: VR_RPC_DEFAULT_MAX_QUEUED */
} VrRpcServerConfig;

#define VR_RPC_DEFAULT_MAX_QUEUED 10000

/* Hooks into the daemon: called on the main thread when a session starts
 * (return its private data) and when it ends (free it). */
typedef void *(*VrRpcSessionOpenFunc)(VrRpcSession *sess, void *opaque);
typedef void (*VrRpcSessionCloseFunc)(VrRpcSession *sess, void *priv,
                                      void *opaque);

/* Returns a new server or NULL with an error reported. */
VrRpcServer *vr_rpc_server_new(const VrRpcServerConfig *cfg,
                               VrRpcSessionOpenFunc open_cb,
                               VrRpcSessionCloseFunc close_cb, void *opaque);

/* Register a program's procedure table (kept by reference; must outlive
 * the server).  An unknown procedure of a known program gets code 39,
 * domain 7, "unknown procedure: N"; an unknown program gets "Cannot find
 * program P version V".  Returns 0 or -1 (reported). */
int vr_rpc_server_add_program(VrRpcServer *srv, unsigned int prog,
                              unsigned int vers,
                              const VrRpcProcedure *procs, size_t nprocs);

/* Listen on a UNIX socket at @path (an existing stale socket is replaced),
 * with @mode and group @gid (-1: unchanged).  Sessions accepted there are
 * read-only when @readonly.  Peer credentials (SO_PEERCRED) are read on
 * accept and logged.  Returns 0 or -1 (reported). */
int vr_rpc_server_add_unix_listener(VrRpcServer *srv, const char *path,
                                    mode_t mode, gid_t gid, bool readonly);

/* Optional check for every call whose procedure exists, run on the main
 * thread before the open and read-only checks (libvirtd refuses calls
 * before authentication first).  Return 0 to go on, or -1 with the error
 * to send reported.  The daemon uses it for "authentication required". */
typedef int (*VrRpcCallCheckFunc)(VrRpcSession *sess,
                                  const VrRpcProcedure *proc, void *opaque);
void vr_rpc_server_set_call_check(VrRpcServer *srv, VrRpcCallCheckFunc func,
                                  void *opaque);

/* Sessions currently connected.  Main thread only (e.g. an idle timer). */
unsigned int vr_rpc_server_session_count(VrRpcServer *srv);

/* Attach an already connected stream fd as a session (tests, ssh later).
 * Like the other setup calls, call it from the thread that runs the main
 * context (or before the loop runs).  Takes @fd.  Returns 0 or -1. */
int vr_rpc_server_add_session_fd(VrRpcServer *srv, int fd, bool readonly);

/* Stop accepting, finish in-flight calls, flush replies, close sessions,
 * unlink the listening sockets.  Runs the main context until done or
 * @timeout_ms passes.  Idempotent. */
void vr_rpc_server_shutdown(VrRpcServer *srv, unsigned int timeout_ms);

/* Shuts down (if not done), waits for running calls, frees.  NULL-safe. */
void vr_rpc_server_free(VrRpcServer *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRpcServer, vr_rpc_server_free)

/* ---- session accessors (thread-safe) ---- */

void *vr_rpc_session_get_private(VrRpcSession *sess);
bool vr_rpc_session_is_readonly(VrRpcSession *sess);
/* Peer credentials read at accept time. */
void vr_rpc_session_get_peer(VrRpcSession *sess, pid_t *pid, uid_t *uid,
                             gid_t *gid);
/* Mark CONNECT_OPEN done: later calls need not be VR_RPC_PROC_BEFORE_OPEN. */
void vr_rpc_session_set_open(VrRpcSession *sess);
bool vr_rpc_session_is_open(VrRpcSession *sess);
/* Close the connection after the reply to the current call is written
 * (CONNECT_CLOSE). */
void vr_rpc_session_close_after_reply(VrRpcSession *sess);
/* The client said it speaks keepalive (feature 10): answer its PINGs (always
 * done) and start our own PING timer per the server config. */
void vr_rpc_session_start_keepalive(VrRpcSession *sess);
/* Keep a session pointer valid beyond its close hook (e.g. event
 * registrations on other threads); the session is freed at the last unref.
 * Thread-safe. */
void vr_rpc_session_ref(VrRpcSession *sess);
void vr_rpc_session_unref(VrRpcSession *sess);

/* Queue an asynchronous MESSAGE (events) to this client; thread-safe.
 * Frames use version 1 and serial 1 (as libvirtd).  A client with
 * max_queued_messages unsent messages is logged and dropped.
 * Returns 0 or -1 (reported; e.g. the session is closing or dropped). */
int vr_rpc_session_send_message(VrRpcSession *sess, unsigned int prog,
                                int proc, xdrproc_t filter, void *msg);

/* ---- streams (FACTS.md section 6) ----
 *
 * A stream is created by the handler of a stream-opening call (e.g.
 * DOMAIN_OPEN_CONSOLE) and bound to that call's (session, proc, serial).
 * It starts once the call's OK reply is queued; if the call fails or the
 * client is gone by then, it just ends (VR_RPC_STREAM_END_CLOSED).  Then
 * STREAM frames flow both ways: data (CONTINUE, raw bytes), end of data
 * (empty CONTINUE), finish (OK, answered with OK), abort (ERROR, answered
 * with OK), server errors (ERROR with the error struct).
 *
 * Threads: every callback runs on the main thread, and the functions below
 * (except vr_rpc_stream_new, ref and unref) must be called there too.
 * The server owns the stream: the pointer stays valid until the end
 * callback has returned (longer only with vr_rpc_stream_ref). */

typedef struct _VrRpcStream VrRpcStream;

typedef enum {
    VR_RPC_STREAM_END_FINISH,  /* the client finished (OK); answered */
    VR_RPC_STREAM_END_ABORT,   /* the client aborted (ERROR); answered */
    VR_RPC_STREAM_END_ERROR,   /* we sent an error (vr_rpc_stream_fail) */
    VR_RPC_STREAM_END_CLOSED,  /* call failed, client gone, vr_rpc_stream_close */
} VrRpcStreamEnd;

typedef struct {
    /* The opening call's reply is queued: data may flow now. */
    void (*start)(VrRpcStream *st, void *opaque);
    /* Data from the client (@len > 0) or its end of data (@len == 0).
     * Return 0, or -1 with an error reported: the error is sent to the
     * client and the stream ends (VR_RPC_STREAM_END_ERROR). */
    int (*recv)(VrRpcStream *st, const guint8 *data, size_t len,
                void *opaque);
    /* The outgoing queue drained after vr_rpc_stream_can_send said no. */
    void (*writable)(VrRpcStream *st, void *opaque);
    /* The stream is over; called once, then @opaque is freed. */
    void (*end)(VrRpcStream *st, VrRpcStreamEnd how, void *opaque);
    /* A hole of @length bytes from the client (STREAM_HOLE frame, sparse
     * streams only).  NULL: holes are refused with an error.  Return as
     * recv. */
    int (*recv_hole)(VrRpcStream *st, gint64 length, void *opaque);
    /* The client finished (@aborted false: STREAM OK) or aborted (@aborted
     * true: STREAM ERROR).  NULL, or a return of 0: the server confirms at
     * once and the stream ends (FINISH / ABORT).  Return 1 to defer the
     * confirmation until the consumer has completed the transfer (e.g.
     * written and synced what it received off the main thread): the
     * stream stops being active (no data either way, input not paused)
     * and waits for vr_rpc_stream_finish_done().  Return -1 with an error
     * reported: the error is sent instead (a finish ends ERROR; an abort
     * is still confirmed and ends ABORT). */
    int (*finish)(VrRpcStream *st, bool aborted, void *opaque);
    /* Optional zero-copy form of recv for data (@len > 0; end of data
     * still goes to recv): takes @frame, the received message, whose
     * payload @data is (free it with vr_rpc_message_free, on any thread).
     * Return as recv. */
    int (*recv_frame)(VrRpcStream *st, VrRpcMessage *frame,
                      const guint8 *data, size_t len, void *opaque);
} VrRpcStreamFuncs;

/* Bytes of stream data a stream may have queued before
 * vr_rpc_stream_can_send says no (the producer then stops reading its
 * source until the writable callback). */
#define VR_RPC_STREAM_QUEUE_MAX (1024 * 1024)
/* Streams one session may have open at once. */
#define VR_RPC_STREAM_MAX_PER_SESSION 16

/* From a handler of @sess (worker thread), for the call it is serving.
 * @funcs is kept by reference; @opaque_free (may be NULL) frees @opaque
 * after the end callback.  Returns the stream, or NULL with an error
 * reported (not in a handler, too many streams); @opaque is then not
 * freed. */
VrRpcStream *vr_rpc_stream_new(VrRpcSession *sess,
                               const VrRpcStreamFuncs *funcs, void *opaque,
                               GDestroyNotify opaque_free);
/* Thread-safe references beyond the end callback. */
void vr_rpc_stream_ref(VrRpcStream *st);
void vr_rpc_stream_unref(VrRpcStream *st);

/* Whether the stream is started and not ended. */
bool vr_rpc_stream_is_active(VrRpcStream *st);
/* Whether less than VR_RPC_STREAM_QUEUE_MAX bytes are queued.  When it
 * says no, the writable callback follows once the queue has drained. */
bool vr_rpc_stream_can_send(VrRpcStream *st);
/* Queue @len bytes as data frames of at most 262120 bytes.  Returns 0, or
 * -1 when the stream is not active (no error reported). */
int vr_rpc_stream_send(VrRpcStream *st, const void *data, size_t len);
/* Zero-copy sending for producers on other threads: a frame for at most
 * @len bytes of data (<= VR_MESSAGE_LEGACY_PAYLOAD_MAX), to fill at *data
 * on any thread.  Never NULL; free with vr_rpc_message_free if unsent. */
VrRpcMessage *vr_rpc_stream_frame_new(size_t len, guint8 **data);
/* Queue @frame (taken) holding @len bytes of data, as vr_rpc_stream_send.
 * Returns 0, or -1 when the stream is not active (no error reported). */
int vr_rpc_stream_send_frame(VrRpcStream *st, VrRpcMessage *frame,
                             size_t len);
/* Queue a hole of @length bytes (a STREAM_HOLE frame, type 6: sparse
 * streams only).  Returns 0 or -1 (not active; nothing reported). */
int vr_rpc_stream_send_hole(VrRpcStream *st, gint64 length);
/* Queue our end of data (empty CONTINUE); the client then finishes.
 * Returns 0 or -1 (not active). */
int vr_rpc_stream_send_eof(VrRpcStream *st);
/* Send this thread's last error as a STREAM ERROR and end the stream
 * (VR_RPC_STREAM_END_ERROR).  No-op when not active. */
void vr_rpc_stream_fail(VrRpcStream *st);
/* End the stream without telling the client (VR_RPC_STREAM_END_CLOSED).
 * No-op when not active. */
void vr_rpc_stream_close(VrRpcStream *st);
/* Complete a finish or abort whose confirmation the finish callback
 * deferred (it returned 1).  A finish is confirmed (OK, END_FINISH) when
 * @ok, otherwise answered with this thread's last error (END_ERROR); an
 * abort is always confirmed (END_ABORT).  No-op unless a confirmation is
 * pending (e.g. the client has gone meanwhile: the stream then already
 * ended CLOSED). */
void vr_rpc_stream_finish_done(VrRpcStream *st, bool ok);
/* Stop / resume reading the session's socket while the consumer of the
 * client's data cannot take more (input flow control). */
void vr_rpc_stream_pause_input(VrRpcStream *st, bool paused);
/* The session a stream belongs to (borrowed). */
VrRpcSession *vr_rpc_stream_get_session(VrRpcStream *st);
