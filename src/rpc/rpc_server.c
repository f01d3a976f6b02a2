/* rpc_server.c: the daemon side of the wire protocol (see rpc_server.h):
 * program tables, UNIX listeners, per-call checks, the worker pools and
 * the queue that carries finished calls back to the main thread, and
 * shutdown.  Per-session socket I/O is in rpc_server_session.c; the
 * threading rules are in rpc_server_priv.h. */
#include <config.h>

/* accept4(), struct ucred (SO_PEERCRED): before any system header. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "rpc/rpc_server_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define VR_RPC_DEFAULT_MAX_REQUESTS 5

typedef struct {
    VrRpcSession *sess;       /* reference */
    const VrRpcProcedure *proc;
    VrRpcMessage *call;
    bool close_after;
    VrRpcStream *stream;      /* opened by the handler (reference) */
} VrRpcJob;

/* The job whose handler runs on this worker thread. */
static GPrivate current_job;

static void vr_rpc_server_post_stream(VrRpcServer *srv, VrRpcDoneKind kind,
                                      VrRpcSession *sess, VrRpcMessage *msg,
                                      VrRpcStream *stream);

/* ---- the done queue: workers -> main ---- */

static gboolean
done_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    VrRpcServer *srv = data;
    VrRpcDone *done;

    g_source_set_ready_time(source, -1);
    while ((done = g_async_queue_try_pop(srv->done)))
        vr_rpc_session_apply_done(done);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs done_source_funcs = {
    .dispatch = done_dispatch,
};

/* Hand @kind for @sess (a reference is taken) with @msg (taken) to the
 * main thread.  Any thread. */
void
vr_rpc_server_post(VrRpcServer *srv, VrRpcDoneKind kind, VrRpcSession *sess,
                   VrRpcMessage *msg)
{
    vr_rpc_server_post_stream(srv, kind, sess, msg, NULL);
}

/* Same, with the stream a call opened (reference taken). */
static void
vr_rpc_server_post_stream(VrRpcServer *srv, VrRpcDoneKind kind,
                          VrRpcSession *sess, VrRpcMessage *msg,
                          VrRpcStream *stream)
{
    VrRpcDone *done = g_new0(VrRpcDone, 1);

    done->kind = kind;
    done->stream = stream;
    vr_rpc_session_ref(sess);
    done->sess = sess;
    done->msg = msg;
    g_async_queue_push(srv->done, done);
    g_source_set_ready_time(srv->done_source, 0);
}

/* ---- workers ---- */

static void
job_free(VrRpcJob *job)
{
    vr_rpc_stream_unref(job->stream);
    vr_rpc_message_free(job->call);
    vr_rpc_session_unref(job->sess);
    g_free(job);
}

/* Decode, run and encode one call; returns the reply (never NULL). */
static VrRpcMessage *
job_execute(VrRpcJob *job)
{
    const VrRpcProcedure *proc = job->proc;
    vr_msg_header hdr = job->call->header;
    VrRpcMessage *reply = vr_rpc_message_new();
    g_autofree void *args = NULL;
    g_autofree void *ret = NULL;
    int rc = -1;

    hdr.type = VR_MSG_REPLY;
    hdr.status = VR_STATUS_OK;
    vr_error_reset();
    if (proc->args_filter)
        args = g_malloc0(MAX(proc->args_size, 1));
    if (proc->ret_filter)
        ret = g_malloc0(MAX(proc->ret_size, 1));
    if (vr_rpc_message_decode_payload(job->call, proc->args_filter,
                                      args) == 0) {
        g_private_set(&current_job, job);
        rc = proc->handler(job->sess, args, ret);
        g_private_set(&current_job, NULL);
        if (rc == 0)
            rc = vr_rpc_message_encode(reply, &hdr, proc->ret_filter, ret);
    }
    if (rc < 0 && vr_rpc_message_encode_error(reply, &hdr) < 0)
        g_clear_pointer(&reply, vr_rpc_message_free);
    if (args)
        xdr_free(proc->args_filter, args);
    if (ret)
        xdr_free(proc->ret_filter, ret);
    if (!reply)
        reply = vr_rpc_message_new();
    return reply;
}

static void
worker_run(gpointer data, gpointer user_data)
{
    VrRpcJob *job = data;
    VrRpcServer *srv = user_data;
    VrRpcMessage *reply = NULL;

    /* A departed client's queued calls are not run at all. */
    if (!g_atomic_int_get(&job->sess->closed)) {
        reply = job_execute(job);
        if (reply->len == 0)
            g_clear_pointer(&reply, vr_rpc_message_free);
        else
            reply->close_after = job->close_after;
    }
    vr_rpc_server_post_stream(srv, VR_RPC_DONE_REPLY, job->sess, reply,
                              g_steal_pointer(&job->stream));
    job_free(job);
}

void
vr_rpc_session_close_after_reply(VrRpcSession *sess)
{
    VrRpcJob *job = g_private_get(&current_job);

    if (job && job->sess == sess)
        job->close_after = true;
    else
        vr_rpc_server_post(sess->srv, VR_RPC_DONE_CLOSE_AFTER, sess, NULL);
}

int
vr_rpc_server_attach_stream(VrRpcSession *sess, VrRpcStream *st,
                            vr_msg_header *hdr)
{
    VrRpcJob *job = g_private_get(&current_job);

    if (!job || job->sess != sess || job->stream)
        return -1;
    vr_rpc_stream_ref(st);
    job->stream = st;
    *hdr = job->call->header;
    return 0;
}

/* ---- dispatch (main thread) ---- */

/* Run @job (taken) on the main thread and queue its reply at once, as a
 * worker would have handed it back: same reply, same bookkeeping. */
static void
run_inline(VrRpcJob *job)
{
    VrRpcDone done = { VR_RPC_DONE_REPLY, NULL, NULL, NULL };
    VrRpcMessage *reply = job_execute(job);

    if (reply->len == 0)
        g_clear_pointer(&reply, vr_rpc_message_free);
    else
        reply->close_after = job->close_after;
    vr_rpc_session_ref(job->sess);
    done.sess = job->sess;
    done.msg = reply;
    done.stream = g_steal_pointer(&job->stream);
    job_free(job);
    vr_rpc_session_apply_done(g_memdup2(&done, sizeof(done)));
}

static const VrRpcProgram *
find_program(VrRpcServer *srv, unsigned int prog, unsigned int vers)
{
    for (size_t i = 0; i < srv->programs->len; i++) {
        const VrRpcProgram *p = &g_array_index(srv->programs, VrRpcProgram, i);
        if (p->prog == prog && p->vers == vers)
            return p;
    }
    return NULL;
}

static const VrRpcProcedure *
find_procedure(const VrRpcProgram *prog, int proc)
{
    for (size_t i = 0; i < prog->nprocs; i++) {
        if (prog->procs[i].proc == proc && prog->procs[i].handler)
            return &prog->procs[i];
    }
    return NULL;
}

/* The checks libvirtd makes before running a call (FACTS 4.4).  Returns
 * the procedure, or NULL with the error to send reported. */
static const VrRpcProcedure *
check_call(VrRpcServer *srv, VrRpcSession *sess, const vr_msg_header *hdr)
{
    const VrRpcProgram *prog = find_program(srv, hdr->prog, hdr->vers);
    const VrRpcProcedure *proc;

    if (!prog) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Cannot find program %u version %u",
                        hdr->prog, hdr->vers);
        return NULL;
    }
    if (hdr->status != VR_STATUS_OK) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "Unexpected message status %u", hdr->status);
        return NULL;
    }
    if (!(proc = find_procedure(prog, hdr->proc))) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC, "unknown procedure: %d",
                        hdr->proc);
        return NULL;
    }
    if (srv->call_check &&
        srv->call_check(sess, proc, srv->call_check_opaque) < 0)
        return NULL;
    if (!vr_rpc_session_is_open(sess) &&
        !(proc->flags & VR_RPC_PROC_BEFORE_OPEN)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "hypervisor connection not open");
        return NULL;
    }
    if (sess->readonly && !(proc->flags & VR_RPC_PROC_READONLY_OK)) {
        VR_WARN("refused %s to uid %u pid %d: read-only socket",
                proc->name ? proc->name : "a call", (unsigned) sess->uid,
                (int) sess->pid);
        vr_error_report(VR_ERR_OPERATION_DENIED, VR_FROM_NONE,
                        "read only access prevents %s",
                        proc->name ? proc->name : "this operation");
        return NULL;
    }
    return proc;
}

void
vr_rpc_server_set_call_check(VrRpcServer *srv, VrRpcCallCheckFunc func,
                             void *opaque)
{
    srv->call_check = func;
    srv->call_check_opaque = opaque;
}

unsigned int
vr_rpc_server_session_count(VrRpcServer *srv)
{
    return g_hash_table_size(srv->sessions);
}

/* Route one CALL frame (taken): an error reply now, or a job. */
void
vr_rpc_server_dispatch_call(VrRpcServer *srv, VrRpcSession *sess,
                            VrRpcMessage *msg)
{
    const VrRpcProcedure *proc = check_call(srv, sess, &msg->header);
    GThreadPool *pool = srv->workers;
    VrRpcJob *job;

    if (!proc) {
        vr_rpc_session_queue_error(sess, &msg->header);
        vr_rpc_message_free(msg);
        return;
    }
    VR_DEBUG("call %s serial %u from pid %d", proc->name,
             msg->header.serial, (int) sess->pid);
    job = g_new0(VrRpcJob, 1);
    vr_rpc_session_ref(sess);
    job->sess = sess;
    job->proc = proc;
    job->call = msg;
    sess->outstanding++;
    if (proc->flags & VR_RPC_PROC_INLINE) {
        run_inline(job);
        return;
    }
    if ((proc->flags & VR_RPC_PROC_HIGH_PRIO) && srv->prio_workers)
        pool = srv->prio_workers;
    g_thread_pool_push(pool, job, NULL);
    vr_rpc_session_update_io(sess);
}

/* ---- server lifecycle ---- */

VrRpcServer *
vr_rpc_server_new(const VrRpcServerConfig *cfg, VrRpcSessionOpenFunc open_cb,
                  VrRpcSessionCloseFunc close_cb, void *opaque)
{
    g_autoptr(GError) gerr = NULL;
    VrRpcServer *srv = g_new0(VrRpcServer, 1);

    srv->cfg = *cfg;
    if (srv->cfg.max_message_size == 0 ||
        srv->cfg.max_message_size > VR_MESSAGE_MAX)
        srv->cfg.max_message_size = VR_MESSAGE_MAX;
    if (srv->cfg.max_client_requests == 0)
        srv->cfg.max_client_requests = VR_RPC_DEFAULT_MAX_REQUESTS;
    if (srv->cfg.max_queued_messages == 0)
        srv->cfg.max_queued_messages = VR_RPC_DEFAULT_MAX_QUEUED;
    srv->open_cb = open_cb;
    srv->close_cb = close_cb;
    srv->opaque = opaque;
    srv->ctx = g_main_context_ref(g_main_context_default());
    srv->programs = g_array_new(FALSE, TRUE, sizeof(VrRpcProgram));
    srv->listeners = g_ptr_array_new();
    srv->sessions = g_hash_table_new(g_direct_hash, g_direct_equal);
    srv->done = g_async_queue_new();
    srv->done_source = g_source_new(&done_source_funcs, sizeof(GSource));
    g_source_set_name(srv->done_source, "vr-rpc-done");
    g_source_set_callback(srv->done_source, NULL, srv, NULL);
    g_source_attach(srv->done_source, srv->ctx);
    srv->workers = g_thread_pool_new(worker_run, srv,
                                     MAX(cfg->max_workers, 1), FALSE, &gerr);
    if (srv->workers && cfg->prio_workers > 0)
        srv->prio_workers = g_thread_pool_new(worker_run, srv,
                                              cfg->prio_workers, FALSE, &gerr);
    if (!srv->workers || (cfg->prio_workers > 0 && !srv->prio_workers)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "cannot start RPC workers: %s", gerr->message);
        vr_rpc_server_free(srv);
        return NULL;
    }
    return srv;
}

int
vr_rpc_server_add_program(VrRpcServer *srv, unsigned int prog,
                          unsigned int vers, const VrRpcProcedure *procs,
                          size_t nprocs)
{
    VrRpcProgram p = { prog, vers, procs, nprocs };

    if (prog == VR_KEEPALIVE_PROGRAM || find_program(srv, prog, vers)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "program %u version %u is already registered",
                        prog, vers);
        return -1;
    }
    g_array_append_val(srv->programs, p);
    return 0;
}

/* Start a session on @fd (taken) unless the server is full.  Main. */
static void
server_take_client(VrRpcServer *srv, int fd, bool readonly)
{
    if (srv->cfg.max_clients > 0 &&
        g_hash_table_size(srv->sessions) >= srv->cfg.max_clients) {
        VR_WARN("too many clients (max_clients=%u): dropping a new connection",
                srv->cfg.max_clients);
        close(fd);
        return;
    }
    vr_rpc_session_new(srv, fd, readonly);
}

static gboolean
listener_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    VrRpcListener *lis = opaque;
    int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (cfd < 0) {
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
            VR_WARN("accept on %s: %s", lis->path, g_strerror(errno));
        return G_SOURCE_CONTINUE;
    }
    server_take_client(lis->srv, cfd, lis->readonly);
    return G_SOURCE_CONTINUE;
}

static void
listener_free(VrRpcListener *lis)
{
    if (lis->source) {
        g_source_destroy(lis->source);
        g_source_unref(lis->source);
    }
    if (lis->fd >= 0) {
        close(lis->fd);
        if (unlink(lis->path) < 0 && errno != ENOENT)
            VR_WARN("cannot remove %s: %s", lis->path, g_strerror(errno));
    }
    g_free(lis->path);
    g_free(lis);
}

/* Remove a stale socket at @path; refuse to remove anything else.
 * Returns 0 or -1 (reported). */
static int
remove_stale_socket(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_RPC,
                        "'%s' exists and is not a socket", path);
        return -1;
    }
    if (unlink(path) < 0) {
        vr_error_report_system(errno, VR_FROM_RPC,
                               "cannot remove stale socket '%s'", path);
        return -1;
    }
    return 0;
}

/* Bind and listen on @path with @mode / @gid.  Returns the fd or -1
 * (reported). */
static int
listen_unix(const char *path, mode_t mode, gid_t gid)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *tmp = g_strdup_printf("%s/.sock-%d", dir, (int) getpid());
    VR_AUTOCLOSE int fd = -1;

    /* The socket is bound under a temporary name, given its permissions,
     * made to listen, and only then renamed into place: a client that sees
     * the path can connect at once, and never with the wrong mode. */
    if (strlen(path) >= sizeof(addr.sun_path) ||
        strlen(tmp) >= sizeof(addr.sun_path)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "socket path '%s' is too long", path);
        return -1;
    }
    g_strlcpy(addr.sun_path, tmp, sizeof(addr.sun_path));
    if (remove_stale_socket(path) < 0)
        return -1;
    unlink(tmp);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_RPC, "cannot create socket");
        return -1;
    }
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        vr_error_report_system(errno, VR_FROM_RPC, "cannot bind to '%s'",
                               tmp);
        return -1;
    }
    if (chmod(tmp, mode) < 0 ||
        (gid != (gid_t) -1 && chown(tmp, (uid_t) -1, gid) < 0) ||
        listen(fd, 64) < 0 || rename(tmp, path) < 0) {
        vr_error_report_system(errno, VR_FROM_RPC,
                               "cannot set up socket '%s'", path);
        unlink(tmp);
        return -1;
    }
    return vr_steal_fd(&fd);
}

int
vr_rpc_server_add_unix_listener(VrRpcServer *srv, const char *path,
                                mode_t mode, gid_t gid, bool readonly)
{
    VrRpcListener *lis;
    int fd = listen_unix(path, mode, gid);

    if (fd < 0)
        return -1;
    lis = g_new0(VrRpcListener, 1);
    lis->srv = srv;
    lis->fd = fd;
    lis->path = g_strdup(path);
    lis->readonly = readonly;
    lis->source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(lis->source, (GSourceFunc) (void (*)(void))
                          listener_accept, lis, NULL);
    g_source_attach(lis->source, srv->ctx);
    g_ptr_array_add(srv->listeners, lis);
    VR_INFO("listening on %s (mode %04o%s)", path, (unsigned int) mode,
            readonly ? ", read-only" : "");
    return 0;
}

int
vr_rpc_server_add_session_fd(VrRpcServer *srv, int fd, bool readonly)
{
    if (fd < 0 || srv->stopping) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "cannot add a session: %s",
                        fd < 0 ? "invalid fd" : "server is shutting down");
        return -1;
    }
    server_take_client(srv, fd, readonly);
    return 0;
}

/* Whether any session still has calls running or output queued. */
static bool
server_busy(VrRpcServer *srv)
{
    GHashTableIter iter;
    gpointer key;

    if (g_async_queue_length(srv->done) > 0)
        return true;
    g_hash_table_iter_init(&iter, srv->sessions);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        VrRpcSession *sess = key;
        if (sess->outstanding > 0 || !g_queue_is_empty(&sess->outq))
            return true;
    }
    return false;
}

static gboolean
wake_only(gpointer opaque)
{
    return G_SOURCE_CONTINUE;
}

/* Run the main context until nothing is in flight or @timeout_ms. */
static void
server_drain(VrRpcServer *srv, unsigned int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
    GSource *tick;

    if (!g_main_context_acquire(srv->ctx)) {
        VR_WARN("cannot drain RPC clients: main context busy in another "
                "thread");
        return;
    }
    tick = g_timeout_source_new(10);
    g_source_set_callback(tick, wake_only, NULL, NULL);
    g_source_attach(tick, srv->ctx);
    while (server_busy(srv) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(srv->ctx, TRUE);
    g_source_destroy(tick);
    g_source_unref(tick);
    g_main_context_release(srv->ctx);
}

void
vr_rpc_server_shutdown(VrRpcServer *srv, unsigned int timeout_ms)
{
    GList *sessions;

    if (srv->shut_down)
        return;
    srv->shut_down = true;
    srv->stopping = true;
    g_ptr_array_foreach(srv->listeners, (GFunc) (void (*)(void))
                        listener_free, NULL);
    g_ptr_array_set_size(srv->listeners, 0);
    sessions = g_hash_table_get_keys(srv->sessions);
    for (GList *l = sessions; l; l = l->next)
        vr_rpc_session_update_io(l->data);
    g_list_free(sessions);
    server_drain(srv, timeout_ms);
    sessions = g_hash_table_get_keys(srv->sessions);
    for (GList *l = sessions; l; l = l->next)
        vr_rpc_session_close(l->data, "server shutdown");
    g_list_free(sessions);
}

void
vr_rpc_server_free(VrRpcServer *srv)
{
    VrRpcDone *done;

    if (!srv)
        return;
    vr_rpc_server_shutdown(srv, 0);
    /* Calls still running finish now; their replies are dropped. */
    if (srv->workers)
        g_thread_pool_free(srv->workers, FALSE, TRUE);
    if (srv->prio_workers)
        g_thread_pool_free(srv->prio_workers, FALSE, TRUE);
    while ((done = g_async_queue_try_pop(srv->done)))
        vr_rpc_session_apply_done(done);
    g_source_destroy(srv->done_source);
    g_source_unref(srv->done_source);
    g_async_queue_unref(srv->done);
    g_hash_table_unref(srv->sessions);
    g_ptr_array_unref(srv->listeners);
    g_array_unref(srv->programs);
    g_main_context_unref(srv->ctx);
    g_free(srv);
}
