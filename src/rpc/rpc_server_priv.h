/* rpc_server_priv.h: internals shared by rpc_server.c (server, listeners,
 * dispatch, workers) and rpc_server_session.c (one client's socket I/O).
 *
 * Threading rules:
 *  - The thread running the default GMainContext ("main") owns every
 *    socket, every session's I/O state and the session table.
 *  - Workers run handlers, except VR_RPC_PROC_INLINE ones, which main
 *    runs itself (run_inline) and which must not block.  Workers never
 *    touch a socket: a finished call
 *    (and anything else a worker or foreign thread wants done to a
 *    session: events, keepalive start) is pushed on srv->done and the
 *    done source is woken; main applies it.
 *  - Fields marked "atomic" are read from any thread.
 *  - Sessions are refcounted (atomic): main holds one while the socket is
 *    open, every queued job and done item holds one.
 */
#pragma once

#include "rpc/rpc_message.h"
#include "rpc/rpc_server.h"

typedef struct {
    unsigned int prog;
    unsigned int vers;
    const VrRpcProcedure *procs;
    size_t nprocs;
} VrRpcProgram;

typedef struct {
    VrRpcServer *srv;
    int fd;
    char *path;
    bool readonly;
    GSource *source;
} VrRpcListener;

typedef enum {
    VR_RPC_DONE_REPLY,        /* a call finished (msg may be NULL) */
    VR_RPC_DONE_MESSAGE,      /* queue an async message */
    VR_RPC_DONE_KEEPALIVE,    /* start our keepalive timer */
    VR_RPC_DONE_CLOSE_AFTER,  /* close once the queue is written */
    VR_RPC_DONE_DROP,         /* close now (client not reading) */
} VrRpcDoneKind;

typedef struct {
    VrRpcDoneKind kind;
    VrRpcSession *sess;       /* reference */
    VrRpcMessage *msg;        /* owned, may be NULL */
    VrRpcStream *stream;      /* REPLY: the stream the call opened (ref) */
} VrRpcDone;

struct _VrRpcServer {
    VrRpcServerConfig cfg;
    VrRpcSessionOpenFunc open_cb;
    VrRpcSessionCloseFunc close_cb;
    void *opaque;
    GMainContext *ctx;
    GArray *programs;         /* VrRpcProgram */
    GPtrArray *listeners;     /* VrRpcListener* */
    GHashTable *sessions;     /* main only: set of open VrRpcSession* */
    VrRpcCallCheckFunc call_check;  /* set before serving; may be NULL */
    void *call_check_opaque;
    GThreadPool *workers;
    GThreadPool *prio_workers;
    GAsyncQueue *done;        /* VrRpcDone* from any thread */
    GSource *done_source;
    bool stopping;            /* main only: no more input accepted */
    bool shut_down;
};

struct _VrRpcSession {
    gint refs;                /* atomic */
    VrRpcServer *srv;
    int fd;
    bool readonly;
    pid_t pid;
    uid_t uid;
    gid_t gid;
    void *priv;
    gint is_open;             /* atomic */
    gint closed;              /* atomic; set by main */
    gint queued_messages;     /* atomic: async MESSAGEs not yet written */
    gint nstreams;            /* atomic: streams created, not yet freed */

    /* main thread only */
    GSource *source;
    gpointer tag;
    GIOCondition io_cond;     /* events the socket is polled for */
    VrRpcMessage *rx;
    guint8 *ibuf;             /* read-ahead: bytes read, not yet framed */
    size_t ibuf_pos;          /* first unconsumed byte of ibuf */
    size_t ibuf_len;          /* bytes valid in ibuf */
    GQueue outq;              /* VrRpcMessage* */
    unsigned int outstanding;
    bool no_more_input;
    bool close_when_flushed;
    bool close_cb_done;
    GSource *ka_timer;
    gint64 last_rx;
    unsigned int ka_missed;
    GList *streams;           /* active VrRpcStream* */
    unsigned int paused_streams;
};

typedef enum {
    VR_RPC_STREAM_PENDING,    /* created by a handler, reply not queued */
    VR_RPC_STREAM_ACTIVE,
    VR_RPC_STREAM_FINISHING,  /* finish/abort received, confirmation
                                 deferred by the finish callback */
    VR_RPC_STREAM_DONE,
} VrRpcStreamState;

struct _VrRpcStream {
    gint refs;                /* atomic */
    VrRpcSession *sess;       /* reference */
    vr_msg_header hdr;        /* prog, vers, proc, serial of the call */
    const VrRpcStreamFuncs *funcs;
    void *opaque;
    GDestroyNotify opaque_free;
    /* main thread only */
    VrRpcStreamState state;
    size_t queued;            /* data bytes in the session's outq */
    bool want_writable;
    bool paused;
    bool aborting;            /* FINISHING: the client aborted */
};

/* rpc_server_session.c */
VrRpcSession *vr_rpc_session_new(VrRpcServer *srv, int fd, bool readonly);
void vr_rpc_session_close(VrRpcSession *sess, const char *why);
void vr_rpc_session_update_io(VrRpcSession *sess);
void vr_rpc_session_queue(VrRpcSession *sess, VrRpcMessage *msg);
void vr_rpc_session_queue_error(VrRpcSession *sess, const vr_msg_header *hdr);
void vr_rpc_session_apply_done(VrRpcDone *done);
void vr_rpc_session_maybe_finish(VrRpcSession *sess);

/* rpc_server_stream.c */
void vr_rpc_stream_activate(VrRpcStream *st);
void vr_rpc_stream_end(VrRpcStream *st, VrRpcStreamEnd how);
void vr_rpc_stream_dispatch(VrRpcSession *sess, VrRpcMessage *msg);
void vr_rpc_session_end_streams(VrRpcSession *sess);

/* rpc_server.c */
/* The call the current worker thread serves for @sess: its header in
 * *hdr, and @st attached to it.  Returns 0, or -1 when not in a handler of
 * @sess. */
int vr_rpc_server_attach_stream(VrRpcSession *sess, VrRpcStream *st,
                                vr_msg_header *hdr);
void vr_rpc_server_dispatch_call(VrRpcServer *srv, VrRpcSession *sess,
                                 VrRpcMessage *msg);
void vr_rpc_server_post(VrRpcServer *srv, VrRpcDoneKind kind,
                        VrRpcSession *sess, VrRpcMessage *msg);
