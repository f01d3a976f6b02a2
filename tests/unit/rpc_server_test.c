/* rpc_server_test.c: a real RPC server (its GLib main loop in a thread)
 * driven by the real client and by raw sockets: calls and replies,
 * pipelining, the per-call checks, keepalive, hostile input, limits. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc/rpc_client.h"
#include "rpc/rpc_message.h"
#include "rpc/rpc_server.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define TEST_LIMIT 5            /* max_client_requests */
#define PROC_ECHO 100
#define PROC_WRITE 101
#define PROC_FAIL 102
#define PROC_SLOW 103
#define PROC_EVENT 104
#define PROC_INLINE 105
#define PROC_INLINE_WRITE 106
#define PROC_WHERE 107
#define PROC_EVENT_MSG 900

typedef struct {
    VrRpcServer *srv;
    GMainLoop *loop;
    GThread *thread;
    char *dir;
    char *path;
    char *path_ro;
} Fixture;

static gint inflight;
static gint max_inflight;
static gint slow_done;
static gint sessions_opened;
static gint sessions_closed;

/* ---- test procedures (use existing .x types) ---- */

static int
h_open(VrRpcSession *sess, void *args, void *ret)
{
    vr_rpc_session_set_open(sess);
    return 0;
}

static int
h_close(VrRpcSession *sess, void *args, void *ret)
{
    vr_rpc_session_close_after_reply(sess);
    return 0;
}

static int
h_feature(VrRpcSession *sess, void *args, void *ret)
{
    vr_connect_supports_feature_args *a = args;
    vr_connect_supports_feature_ret *r = ret;

    if (a->feature == 10)
        vr_rpc_session_start_keepalive(sess);
    r->supported = a->feature == 10;
    return 0;
}

/* Count calls running at once (all sessions) and keep the maximum. */
static void
inflight_enter(void)
{
    int now = g_atomic_int_add(&inflight, 1) + 1;
    int old;

    while ((old = g_atomic_int_get(&max_inflight)) < now &&
           !g_atomic_int_compare_and_exchange(&max_inflight, old, now))
        ;
}

static int
h_echo(VrRpcSession *sess, void *args, void *ret)
{
    vr_connect_supports_feature_args *a = args;
    vr_connect_supports_feature_ret *r = ret;

    inflight_enter();
    g_usleep(g_random_int_range(0, 6) * 1000);
    r->supported = a->feature * 2;
    g_atomic_int_add(&inflight, -1);
    return 0;
}

static int
h_write(VrRpcSession *sess, void *args, void *ret)
{
    return 0;
}

static int
h_fail(VrRpcSession *sess, void *args, void *ret)
{
    vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                    "no domain with matching name '%s'", "rpcdom1");
    return -1;
}

static int
h_slow(VrRpcSession *sess, void *args, void *ret)
{
    inflight_enter();
    g_usleep(300 * 1000);
    g_atomic_int_add(&inflight, -1);
    g_atomic_int_inc(&slow_done);
    return 0;
}

static int
h_event(VrRpcSession *sess, void *args, void *ret)
{
    vr_int_ret ev = { 4242 };

    return vr_rpc_session_send_message(sess, VR_PROGRAM, PROC_EVENT_MSG,
                                       (xdrproc_t) xdr_vr_int_ret, &ev);
}

/* Inline: answers 1 when run by the thread that runs the server's main
 * context (it owns the context while dispatching), 0 on a worker. */
static int
h_inline(VrRpcSession *sess, void *args, void *ret)
{
    vr_int_ret *r = ret;

    r->value = g_main_context_is_owner(g_main_context_default()) ? 1 : 0;
    return 0;
}

#define ARGS(t) (xdrproc_t) xdr_##t, sizeof(t)
#define NOARGS NULL, 0

static const VrRpcProcedure test_procs[] = {
    { 1, "connect_open", ARGS(vr_connect_open_args), NOARGS, h_open,
      VR_RPC_PROC_BEFORE_OPEN | VR_RPC_PROC_READONLY_OK },
    { 2, "connect_close", NOARGS, NOARGS, h_close,
      VR_RPC_PROC_BEFORE_OPEN | VR_RPC_PROC_READONLY_OK },
    { 60, "supports_feature", ARGS(vr_connect_supports_feature_args),
      ARGS(vr_connect_supports_feature_ret), h_feature,
      VR_RPC_PROC_BEFORE_OPEN | VR_RPC_PROC_READONLY_OK |
      VR_RPC_PROC_HIGH_PRIO },
    { PROC_ECHO, "echo", ARGS(vr_connect_supports_feature_args),
      ARGS(vr_connect_supports_feature_ret), h_echo, VR_RPC_PROC_READONLY_OK },
    { PROC_WRITE, "write_op", NOARGS, NOARGS, h_write, 0 },
    { PROC_FAIL, "fail", NOARGS, NOARGS, h_fail, VR_RPC_PROC_READONLY_OK },
    { PROC_SLOW, "slow", NOARGS, NOARGS, h_slow, VR_RPC_PROC_READONLY_OK },
    { PROC_EVENT, "event", NOARGS, NOARGS, h_event, VR_RPC_PROC_READONLY_OK },
    { PROC_INLINE, "inline", NOARGS, ARGS(vr_int_ret), h_inline,
      VR_RPC_PROC_READONLY_OK | VR_RPC_PROC_INLINE },
    { PROC_INLINE_WRITE, "inline_write", NOARGS, ARGS(vr_int_ret), h_inline,
      VR_RPC_PROC_INLINE },
    { PROC_WHERE, "where", NOARGS, ARGS(vr_int_ret), h_inline,
      VR_RPC_PROC_READONLY_OK },
};

static void *
sess_open(VrRpcSession *sess, void *opaque)
{
    g_atomic_int_inc(&sessions_opened);
    return g_strdup("private");
}

static void
sess_close(VrRpcSession *sess, void *priv, void *opaque)
{
    assert_string_equal(priv, "private");
    g_free(priv);
    g_atomic_int_inc(&sessions_closed);
}

/* ---- fixture: server on the default main context in a thread ---- */

static gpointer
loop_thread(gpointer data)
{
    g_main_loop_run(data);
    return NULL;
}

static int
setup_with(void **state, unsigned int max_clients, unsigned int ka_interval)
{
    VrRpcServerConfig cfg = {
        .max_clients = max_clients, .min_workers = 2, .max_workers = 8,
        .prio_workers = 2, .max_client_requests = TEST_LIMIT,
        .max_message_size = 1024 * 1024, .keepalive_interval = ka_interval,
        .keepalive_count = 2,
    };
    Fixture *fx = g_new0(Fixture, 1);

    g_atomic_int_set(&inflight, 0);
    g_atomic_int_set(&max_inflight, 0);
    g_atomic_int_set(&slow_done, 0);
    g_atomic_int_set(&sessions_opened, 0);
    g_atomic_int_set(&sessions_closed, 0);
    fx->dir = g_dir_make_tmp("vr-rpc-XXXXXX", NULL);
    assert_non_null(fx->dir);
    fx->path = g_build_filename(fx->dir, "sock", NULL);
    fx->path_ro = g_build_filename(fx->dir, "sock-ro", NULL);
    fx->srv = vr_rpc_server_new(&cfg, sess_open, sess_close, NULL);
    assert_non_null(fx->srv);
    assert_int_equal(vr_rpc_server_add_program(fx->srv, VR_PROGRAM, 1,
                                               test_procs,
                                               G_N_ELEMENTS(test_procs)), 0);
    assert_int_equal(vr_rpc_server_add_unix_listener(fx->srv, fx->path, 0600,
                                                     (gid_t) -1, false), 0);
    assert_int_equal(vr_rpc_server_add_unix_listener(fx->srv, fx->path_ro,
                                                     0666, (gid_t) -1, true),
                     0);
    fx->loop = g_main_loop_new(NULL, FALSE);
    fx->thread = g_thread_new("test-server", loop_thread, fx->loop);
    *state = fx;
    return 0;
}

static int setup(void **state) { return setup_with(state, 0, 0); }
static int setup_max2(void **state) { return setup_with(state, 2, 0); }
static int setup_ka(void **state) { return setup_with(state, 0, 1); }

static int
teardown(void **state)
{
    Fixture *fx = *state;

    g_main_loop_quit(fx->loop);
    g_thread_join(fx->thread);
    vr_rpc_server_shutdown(fx->srv, 2000);
    vr_rpc_server_free(fx->srv);
    /* Every session got its close hook exactly once. */
    assert_int_equal(g_atomic_int_get(&sessions_opened),
                     g_atomic_int_get(&sessions_closed));
    assert_false(g_file_test(fx->path, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(fx->path_ro, G_FILE_TEST_EXISTS));
    g_rmdir(fx->dir);
    g_main_loop_unref(fx->loop);
    g_free(fx->dir);
    g_free(fx->path);
    g_free(fx->path_ro);
    g_free(fx);
    return 0;
}

/* ---- helpers ---- */

static VrRpcConn *
open_conn(const char *path, bool do_open)
{
    VrRpcConn *conn = vr_rpc_conn_open_unix(path);
    char *name = (char *) "test:///";
    vr_connect_open_args args = { &name, 0 };

    assert_non_null(conn);
    if (do_open)
        assert_int_equal(vr_rpc_conn_call(conn, VR_PROGRAM, 1, 1,
                                          (xdrproc_t) xdr_vr_connect_open_args,
                                          &args, NULL, NULL), 0);
    return conn;
}

static int
echo(VrRpcConn *conn, int value)
{
    vr_connect_supports_feature_args a = { value };
    vr_connect_supports_feature_ret r = { -1 };

    if (vr_rpc_conn_call(conn, VR_PROGRAM, 1, PROC_ECHO,
                         (xdrproc_t) xdr_vr_connect_supports_feature_args, &a,
                         (xdrproc_t) xdr_vr_connect_supports_feature_ret,
                         &r) < 0)
        return -1;
    return r.supported;
}

static int
raw_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    assert_int_equal(connect(fd, (struct sockaddr *) &addr, sizeof(addr)), 0);
    return fd;
}

static void
raw_send(int fd, unsigned int prog, int proc, int type, unsigned int serial,
         int status)
{
    vr_msg_header hdr = { prog, 1, proc, type, serial, status };
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new();

    assert_int_equal(vr_rpc_message_encode(msg, &hdr, NULL, NULL), 0);
    assert_int_equal(send(fd, msg->buf, msg->len, MSG_NOSIGNAL), msg->len);
}

/* Read one frame within @ms; NULL on EOF/error/timeout (*eof tells). */
static VrRpcMessage *
raw_read(int fd, int ms, bool *eof)
{
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new_reader();
    gint64 deadline = g_get_monotonic_time() + ms * 1000;

    *eof = false;
    while (msg->offset < msg->len) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        int left = (int) ((deadline - g_get_monotonic_time()) / 1000);
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            return NULL;
        n = read(fd, msg->buf + msg->offset, msg->len - msg->offset);
        if (n <= 0) {
            *eof = true;
            return NULL;
        }
        msg->offset += n;
        if (msg->offset == msg->len && msg->len == 4)
            assert_int_equal(vr_rpc_message_set_length(msg, 0), 0);
    }
    assert_int_equal(vr_rpc_message_decode_header(msg), 0);
    return g_steal_pointer(&msg);
}

static bool
raw_is_closed(int fd, int ms)
{
    bool eof = false;
    VrRpcMessage *msg;

    while ((msg = raw_read(fd, ms, &eof)))
        vr_rpc_message_free(msg);
    return eof;
}

static void
raw_ping_pong(int fd)
{
    bool eof;
    g_autoptr(VrRpcMessage) msg = NULL;

    raw_send(fd, VR_KEEPALIVE_PROGRAM, VR_KEEPALIVE_PROC_PING,
             VR_MSG_MESSAGE, 0, 0);
    msg = raw_read(fd, 2000, &eof);
    assert_non_null(msg);
    assert_int_equal(msg->len, 28);
    assert_int_equal(msg->header.prog, VR_KEEPALIVE_PROGRAM);
    assert_int_equal(msg->header.vers, 1);
    assert_int_equal(msg->header.proc, VR_KEEPALIVE_PROC_PONG);
    assert_int_equal(msg->header.type, VR_MSG_MESSAGE);
    assert_int_equal(msg->header.serial, 0);
    assert_int_equal(msg->header.status, 0);
}

/* CONNECT_OPEN on a raw socket (serial 0); checks the reply. */
static void
raw_open(int fd)
{
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new();
    g_autoptr(VrRpcMessage) reply = NULL;
    vr_connect_open_args args = { NULL, 0 };
    vr_msg_header hdr = { VR_PROGRAM, 1, 1, VR_MSG_CALL, 0, 0 };
    bool eof;

    assert_int_equal(vr_rpc_message_encode(msg, &hdr,
                                           (xdrproc_t) xdr_vr_connect_open_args,
                                           &args), 0);
    assert_int_equal(send(fd, msg->buf, msg->len, MSG_NOSIGNAL), msg->len);
    reply = raw_read(fd, 2000, &eof);
    assert_non_null(reply);
    assert_int_equal(reply->header.serial, 0);
    assert_int_equal(reply->header.status, 0);
    assert_int_equal(reply->len, 28);
}

/* ---- tests ---- */

static void
test_call_reply(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);

    assert_int_equal(echo(conn, 21), 42);
    assert_int_equal(echo(conn, -7), -14);
}

typedef struct {
    VrRpcConn *conn;
    int base;
    int failures;
} PipeArg;

static gpointer
pipeline_thread(gpointer data)
{
    PipeArg *pa = data;

    for (int i = 0; i < 50; i++) {
        if (echo(pa->conn, pa->base + i) != 2 * (pa->base + i))
            pa->failures++;
    }
    return NULL;
}

static void
test_pipelined(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);
    PipeArg args[4];
    GThread *threads[4];

    for (int t = 0; t < 4; t++) {
        args[t] = (PipeArg) { conn, 1000 * (t + 1), 0 };
        threads[t] = g_thread_new("caller", pipeline_thread, &args[t]);
    }
    for (int t = 0; t < 4; t++) {
        g_thread_join(threads[t]);
        assert_int_equal(args[t].failures, 0);
    }
    /* Calls overlapped, yet never more than max_client_requests. */
    assert_true(g_atomic_int_get(&max_inflight) >= 2);
    assert_true(g_atomic_int_get(&max_inflight) <= TEST_LIMIT);
}

/* 20 calls written at once on a raw socket: the server never runs more
 * than max_client_requests of them and answers all. */
static void
test_max_requests_raw(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    bool eof;

    raw_open(fd);
    for (unsigned int i = 0; i < 20; i++)
        raw_send(fd, VR_PROGRAM, PROC_SLOW, VR_MSG_CALL, i, 0);
    raw_send(fd, VR_PROGRAM, 1, VR_MSG_CALL, 99, 0); /* undecodable */
    for (int i = 0; i < 21; i++) {
        g_autoptr(VrRpcMessage) msg = raw_read(fd, 5000, &eof);

        assert_non_null(msg);
        g_hash_table_add(seen, GUINT_TO_POINTER(msg->header.serial + 1));
        if (msg->header.serial == 99) {
            assert_int_equal(msg->header.status, VR_STATUS_ERROR);
            vr_rpc_message_decode_error(msg);
            assert_string_equal(vr_error_message(),
                                "Unable to decode message payload");
        } else {
            assert_int_equal(msg->header.status, VR_STATUS_OK);
            assert_int_equal(msg->header.proc, PROC_SLOW);
        }
    }
    assert_int_equal(g_hash_table_size(seen), 21);
    assert_int_equal(g_atomic_int_get(&slow_done), 20);
    assert_true(g_atomic_int_get(&max_inflight) >= 2);
    assert_true(g_atomic_int_get(&max_inflight) <= TEST_LIMIT);
    g_hash_table_unref(seen);
    close(fd);
}

static void
test_unknown_proc(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);

    assert_int_equal(vr_rpc_conn_call(conn, VR_PROGRAM, 1, 9999, NULL, NULL,
                                      NULL, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_NO_SUPPORT);
    assert_int_equal(vr_error_last()->domain, VR_FROM_RPC);
    assert_string_equal(vr_error_message(), "unknown procedure: 9999");
    assert_string_equal(vr_error_last()->str1, "%s");

    assert_int_equal(vr_rpc_conn_call(conn, 0x20008087, 1, 1, NULL, NULL,
                                      NULL, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_RPC);
    assert_string_equal(vr_error_message(),
                        "Cannot find program 536903815 version 1");
    /* The connection is still fine. */
    assert_int_equal(echo(conn, 1), 2);
}

static void
test_error_reply(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);

    assert_int_equal(vr_rpc_conn_call(conn, VR_PROGRAM, 1, PROC_FAIL, NULL,
                                      NULL, NULL, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_NO_DOMAIN);
    assert_int_equal(vr_error_last()->domain, VR_FROM_QEMU);
    assert_string_equal(vr_error_message(),
                        "Domain not found: no domain with matching name "
                        "'rpcdom1'");
}

static void
test_before_open(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, false);

    assert_int_equal(echo(conn, 1), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INTERNAL_ERROR);
    assert_int_equal(vr_error_last()->domain, VR_FROM_RPC);
    assert_string_equal(vr_error_message(),
                        "internal error: hypervisor connection not open");
}

static void
test_readonly(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path_ro, true);

    assert_int_equal(echo(conn, 5), 10);
    assert_int_equal(vr_rpc_conn_call(conn, VR_PROGRAM, 1, PROC_WRITE, NULL,
                                      NULL, NULL, NULL), -1);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_DENIED);
    assert_int_equal(vr_error_last()->domain, VR_FROM_NONE);
    assert_string_equal(vr_error_message(),
                        "operation forbidden: read only access prevents "
                        "write_op");
}

static void
test_status_and_reply_frames(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    g_autoptr(VrRpcMessage) msg = NULL;
    bool eof;

    /* A REPLY from the client gets no answer; a CALL with status 1 does. */
    raw_send(fd, VR_PROGRAM, 60, VR_MSG_REPLY, 3, 0);
    raw_send(fd, VR_PROGRAM, 60, VR_MSG_CALL, 4, 1);
    msg = raw_read(fd, 2000, &eof);
    assert_non_null(msg);
    assert_int_equal(msg->header.serial, 4);
    assert_int_equal(msg->header.type, VR_MSG_REPLY);
    vr_rpc_message_decode_error(msg);
    assert_string_equal(vr_error_message(), "Unexpected message status 1");
    close(fd);
}

static void
test_ping_pong(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);

    raw_ping_pong(fd);
    raw_ping_pong(fd);
    close(fd);
}

static void
test_garbage_dropped(void **state)
{
    Fixture *fx = *state;
    static const char *bad[] = { "\xff\xff\xff\xff", "hello, world!!!!",
                                 "\x00\x00\x00\x08", "\x00\x00\x00\x00" };
    g_autoptr(VrRpcConn) good = open_conn(fx->path, true);

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        int fd = raw_connect(fx->path);
        size_t len = i == 1 ? strlen(bad[i]) : 4;

        assert_int_equal(send(fd, bad[i], len, MSG_NOSIGNAL), len);
        assert_true(raw_is_closed(fd, 2000));
        close(fd);
    }
    /* An existing client and a new one are still served. */
    assert_int_equal(echo(good, 8), 16);
    {
        g_autoptr(VrRpcConn) second = open_conn(fx->path, true);
        assert_int_equal(echo(second, 9), 18);
    }
}

static void
test_oversized_for_config(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    /* 2 MiB: within the protocol maximum but over this server's 1 MiB. */
    static const guint8 word[4] = { 0x00, 0x20, 0x00, 0x00 };

    assert_int_equal(send(fd, word, 4, MSG_NOSIGNAL), 4);
    assert_true(raw_is_closed(fd, 2000));
    close(fd);
}

static void
test_disconnect_mid_call(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    g_autoptr(VrRpcConn) conn = NULL;

    raw_open(fd);
    raw_send(fd, VR_PROGRAM, PROC_SLOW, VR_MSG_CALL, 1, 0);
    raw_send(fd, VR_PROGRAM, PROC_SLOW, VR_MSG_CALL, 2, 0);
    g_usleep(50 * 1000);
    close(fd);
    /* The running calls finish; the server keeps serving. */
    for (int i = 0; i < 100 && g_atomic_int_get(&slow_done) < 1; i++)
        g_usleep(10 * 1000);
    assert_true(g_atomic_int_get(&slow_done) >= 1);
    conn = open_conn(fx->path, true);
    assert_int_equal(echo(conn, 3), 6);
    for (int i = 0; i < 100 && g_atomic_int_get(&sessions_closed) < 1; i++)
        g_usleep(10 * 1000);
    assert_int_equal(g_atomic_int_get(&sessions_closed), 1);
}

static void
test_connect_close(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);

    assert_int_equal(vr_rpc_conn_call(conn, VR_PROGRAM, 1, 2, NULL, NULL,
                                      NULL, NULL), 0);
    assert_int_equal(echo(conn, 1), -1);
    assert_int_equal(vr_error_code(), VR_ERR_SYSTEM_ERROR);
    assert_string_equal(vr_error_message(),
                        "connection to the daemon was lost");
    assert_false(vr_rpc_conn_is_alive(conn));
    vr_error_reset();
    assert_int_equal(echo(conn, 1), -1);
    assert_int_equal(vr_error_last()->domain, VR_FROM_RPC);
}

static void
test_connect_error(void **state)
{
    assert_null(vr_rpc_conn_open_unix("/nonexistent/vireo-sock"));
    assert_int_equal(vr_error_code(), VR_ERR_SYSTEM_ERROR);
    assert_int_equal(vr_error_last()->domain, VR_FROM_RPC);
    assert_string_equal(vr_error_message(),
                        "Failed to connect socket to '/nonexistent/vireo-sock':"
                        " No such file or directory (is vireod running?)");
}

static void
test_max_clients(void **state)
{
    Fixture *fx = *state;
    int a = raw_connect(fx->path);
    int b = raw_connect(fx->path);
    int c;

    raw_ping_pong(a);
    raw_ping_pong(b);
    c = raw_connect(fx->path);
    assert_true(raw_is_closed(c, 2000));
    close(c);
    close(a);
    for (int i = 0; i < 200 && g_atomic_int_get(&sessions_closed) < 1; i++)
        g_usleep(10 * 1000);
    c = raw_connect(fx->path);
    raw_ping_pong(c);
    close(b);
    close(c);
}

static void
test_server_keepalive(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    g_autoptr(VrRpcMessage) reply = NULL;
    vr_connect_supports_feature_args a = { 10 };
    vr_msg_header hdr = { VR_PROGRAM, 1, 60, VR_MSG_CALL, 0, 0 };
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new();
    int pings = 0;
    bool eof = false;
    VrRpcMessage *in;

    assert_int_equal(vr_rpc_message_encode(
                         msg, &hdr,
                         (xdrproc_t) xdr_vr_connect_supports_feature_args, &a),
                     0);
    assert_int_equal(send(fd, msg->buf, msg->len, MSG_NOSIGNAL), msg->len);
    reply = raw_read(fd, 2000, &eof);
    assert_non_null(reply);
    assert_int_equal(reply->header.status, 0);
    /* We never answer: PINGs (count 2), then the server hangs up. */
    while ((in = raw_read(fd, 4000, &eof))) {
        if (in->header.prog == VR_KEEPALIVE_PROGRAM &&
            in->header.proc == VR_KEEPALIVE_PROC_PING)
            pings++;
        vr_rpc_message_free(in);
    }
    assert_true(eof);
    assert_int_equal(pings, 2);
    close(fd);
}

static void
test_client_keepalive(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);

    /* The client pings after 1 s of silence; the server PONGs. */
    vr_rpc_conn_set_keepalive(conn, 1, 1);
    g_usleep(2600 * 1000);
    assert_true(vr_rpc_conn_is_alive(conn));
    assert_int_equal(echo(conn, 2), 4);
}

typedef struct {
    GMutex lock;
    GCond cond;
    int value;
    int proc;
} EventSink;

static void
on_async(VrRpcConn *conn, const vr_msg_header *hdr, const guint8 *payload,
         size_t len, void *opaque)
{
    EventSink *sink = opaque;
    g_autoptr(VrRpcMessage) msg = vr_rpc_message_new_reader();
    vr_int_ret ev = { 0 };
    XDR xdr;

    xdrmem_create(&xdr, (char *) payload, len, XDR_DECODE);
    if (hdr->type == VR_MSG_MESSAGE && xdr_vr_int_ret(&xdr, &ev)) {
        g_mutex_lock(&sink->lock);
        sink->value = ev.value;
        sink->proc = hdr->proc;
        g_cond_signal(&sink->cond);
        g_mutex_unlock(&sink->lock);
    }
    xdr_destroy(&xdr);
}

static void
test_event_message(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VrRpcConn) conn = open_conn(fx->path, true);
    EventSink sink = { .value = 0 };
    gint64 end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;

    g_mutex_init(&sink.lock);
    g_cond_init(&sink.cond);
    vr_rpc_conn_set_async_handler(conn, on_async, &sink);
    assert_int_equal(vr_rpc_conn_call(conn, VR_PROGRAM, 1, PROC_EVENT, NULL,
                                      NULL, NULL, NULL), 0);
    g_mutex_lock(&sink.lock);
    while (sink.value == 0 && g_cond_wait_until(&sink.cond, &sink.lock, end))
        ;
    g_mutex_unlock(&sink.lock);
    vr_rpc_conn_set_async_handler(conn, NULL, NULL);
    assert_int_equal(sink.value, 4242);
    assert_int_equal(sink.proc, PROC_EVENT_MSG);
    g_mutex_clear(&sink.lock);
    g_cond_clear(&sink.cond);
}

/* The value an inline reply carries (1: ran on the main thread). */
static int
inline_value(VrRpcMessage *msg)
{
    vr_int_ret r = { -1 };

    assert_int_equal(msg->header.status, VR_STATUS_OK);
    assert_int_equal(vr_rpc_message_decode_payload(
                         msg, (xdrproc_t) xdr_vr_int_ret, &r), 0);
    return r.value;
}

/* Serial 1, 5, 9: slow (pooled); 3, 7, 11: where (pooled, answers 0);
 * the even ones: inline. */
static int
proc_for_serial(unsigned int serial)
{
    if (serial % 2 == 0)
        return PROC_INLINE;
    return serial % 4 == 1 ? PROC_SLOW : PROC_WHERE;
}

/* Pooled and inline calls interleaved on one connection: every call gets
 * exactly one reply with its serial; inline ones run on the main thread
 * and overtake a slow pooled call sent before them. */
static void
test_inline_interleaved(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    int inline_before_slow = 0;
    bool slow_seen = false;
    bool eof;

    raw_open(fd);
    for (unsigned int i = 1; i <= 12; i++)
        raw_send(fd, VR_PROGRAM, proc_for_serial(i), VR_MSG_CALL, i, 0);
    for (int i = 0; i < 12; i++) {
        g_autoptr(VrRpcMessage) msg = raw_read(fd, 5000, &eof);

        assert_non_null(msg);
        assert_int_equal(msg->header.type, VR_MSG_REPLY);
        assert_true(g_hash_table_add(seen,
                                     GUINT_TO_POINTER(msg->header.serial)));
        assert_int_equal(msg->header.proc,
                         proc_for_serial(msg->header.serial));
        if (msg->header.proc == PROC_SLOW) {
            assert_int_equal(msg->header.status, VR_STATUS_OK);
            slow_seen = true;
        } else if (msg->header.proc == PROC_WHERE) {
            assert_int_equal(inline_value(msg), 0);
        } else {
            assert_int_equal(inline_value(msg), 1);
            if (!slow_seen)
                inline_before_slow++;
        }
    }
    assert_int_equal(g_hash_table_size(seen), 12);
    /* The slow calls take 300 ms; the 6 inline ones do not wait. */
    assert_int_equal(inline_before_slow, 6);
    g_hash_table_unref(seen);
    close(fd);
}

/* max_client_requests holds for inline calls too: with the limit taken
 * by slow calls, an inline call is not read (so not answered) until one
 * of them finishes.  A read-only session is still refused. */
static void
test_inline_limits(void **state)
{
    Fixture *fx = *state;
    int fd = raw_connect(fx->path);
    int ro = raw_connect(fx->path_ro);
    g_autoptr(VrRpcMessage) first = NULL;
    g_autoptr(VrRpcMessage) denied = NULL;
    bool eof;

    raw_open(fd);
    for (unsigned int i = 0; i < TEST_LIMIT; i++)
        raw_send(fd, VR_PROGRAM, PROC_SLOW, VR_MSG_CALL, i + 1, 0);
    raw_send(fd, VR_PROGRAM, PROC_INLINE, VR_MSG_CALL, 100, 0);
    first = raw_read(fd, 5000, &eof);
    assert_non_null(first);
    assert_int_equal(first->header.proc, PROC_SLOW);
    for (unsigned int i = 0; i < TEST_LIMIT; i++) {
        g_autoptr(VrRpcMessage) msg = raw_read(fd, 5000, &eof);

        assert_non_null(msg);
    }
    assert_int_equal(g_atomic_int_get(&slow_done), TEST_LIMIT);

    raw_open(ro);
    raw_send(ro, VR_PROGRAM, PROC_INLINE_WRITE, VR_MSG_CALL, 7, 0);
    denied = raw_read(ro, 2000, &eof);
    assert_non_null(denied);
    assert_int_equal(denied->header.serial, 7);
    assert_int_equal(denied->header.status, VR_STATUS_ERROR);
    vr_rpc_message_decode_error(denied);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_DENIED);
    close(ro);
    close(fd);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_call_reply),
        T(test_pipelined),
        T(test_max_requests_raw),
        T(test_unknown_proc),
        T(test_error_reply),
        T(test_before_open),
        T(test_readonly),
        T(test_status_and_reply_frames),
        T(test_ping_pong),
        T(test_garbage_dropped),
        T(test_oversized_for_config),
        T(test_disconnect_mid_call),
        T(test_connect_close),
        cmocka_unit_test(test_connect_error),
        cmocka_unit_test_setup_teardown(test_max_clients, setup_max2,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_server_keepalive, setup_ka,
                                        teardown),
        T(test_client_keepalive),
        T(test_event_message),
        T(test_inline_interleaved),
        T(test_inline_limits),
    };

    vr_log_setup(VR_LOG_ERROR, NULL);
    return cmocka_run_group_tests_name("rpc_server", tests, NULL, NULL);
}
