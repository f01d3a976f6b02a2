/* daemon_events_test.c: event registrations and delivery through the real
 * REMOTE dispatch table, RPC server and client: 316 register -> the
 * broadcaster's 318/319 messages carry the callbackID and the event ->
 * 317 deregister stops them; domain filters, bad ids, the per-session
 * limit, and the legacy 167/168 with message 107. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "daemon/daemon_dispatch.h"
#include "daemon/daemon_events.h"
#include "rpc/rpc_client.h"
#include "rpc/rpc_server.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef struct {
    DaemonContext ctx;
    VrRpcServer *srv;
    GMainLoop *loop;
    GThread *thread;
    char *dir;
    char *path;
    VrRpcConn *conn;
    /* received messages (under lock) */
    GMutex lock;
    GCond cond;
    GArray *procs;            /* int: proc of each message */
    GPtrArray *payloads;      /* GBytes* */
} Fixture;

static const unsigned char uuid_a[16] = { 0xaa, 1, 2, 3 };
static const unsigned char uuid_b[16] = { 0xbb, 1, 2, 3 };

static void
on_async(VrRpcConn *conn, const vr_msg_header *hdr, const guint8 *payload,
         size_t len, void *opaque)
{
    Fixture *fx = opaque;
    int proc = hdr->proc;

    if (hdr->type != VR_MSG_MESSAGE)
        return;
    g_mutex_lock(&fx->lock);
    g_array_append_val(fx->procs, proc);
    g_ptr_array_add(fx->payloads, g_bytes_new(payload, len));
    g_cond_broadcast(&fx->cond);
    g_mutex_unlock(&fx->lock);
}

static gpointer
loop_thread(gpointer data)
{
    g_main_loop_run(data);
    return NULL;
}

static int
setup(void **state)
{
    VrRpcServerConfig cfg = { .min_workers = 1, .max_workers = 2,
                              .prio_workers = 1 };
    Fixture *fx = g_new0(Fixture, 1);
    char *name = (char *) "qemu:///system";
    vr_connect_open_args open_args = { &name, 0 };

    daemon_context_init(&fx->ctx);
    g_mutex_init(&fx->lock);
    g_cond_init(&fx->cond);
    fx->procs = g_array_new(FALSE, FALSE, sizeof(int));
    fx->payloads = g_ptr_array_new_with_free_func((GDestroyNotify)
                                                  g_bytes_unref);
    fx->dir = g_dir_make_tmp("vr-events-XXXXXX", NULL);
    fx->path = g_build_filename(fx->dir, "sock", NULL);
    fx->srv = vr_rpc_server_new(&cfg, daemon_session_open,
                                daemon_session_close, &fx->ctx);
    assert_non_null(fx->srv);
    assert_int_equal(daemon_dispatch_register(fx->srv), 0);
    assert_int_equal(vr_rpc_server_add_unix_listener(fx->srv, fx->path, 0600,
                                                     (gid_t) -1, false), 0);
    fx->loop = g_main_loop_new(NULL, FALSE);
    fx->thread = g_thread_new("test-server", loop_thread, fx->loop);
    fx->conn = vr_rpc_conn_open_unix(fx->path);
    assert_non_null(fx->conn);
    vr_rpc_conn_set_async_handler(fx->conn, on_async, fx);
    assert_int_equal(vr_rpc_conn_call(fx->conn, VR_PROGRAM, 1,
                                      VR_PROC_CONNECT_OPEN,
                                      (xdrproc_t) xdr_vr_connect_open_args,
                                      &open_args, NULL, NULL), 0);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *fx = *state;

    vr_rpc_conn_free(fx->conn);
    g_main_loop_quit(fx->loop);
    g_thread_join(fx->thread);
    vr_rpc_server_free(fx->srv);
    daemon_context_clear(&fx->ctx);
    g_rmdir(fx->dir);
    g_main_loop_unref(fx->loop);
    g_array_unref(fx->procs);
    g_ptr_array_unref(fx->payloads);
    g_free(fx->dir);
    g_free(fx->path);
    g_free(fx);
    return 0;
}

/* 316; returns the callbackID or -1 (error left for the caller). */
static int
reg(Fixture *fx, int event_id, const unsigned char *uuid)
{
    vr_nonnull_domain dom = { (char *) "d", { 0 }, -1 };
    vr_connect_domain_event_callback_register_any_args a = { event_id, NULL };
    vr_connect_domain_event_callback_register_any_ret r = { -1 };

    if (uuid) {
        memcpy(dom.uuid, uuid, 16);
        a.dom = &dom;
    }
    if (vr_rpc_conn_call(fx->conn, VR_PROGRAM, 1,
                         VR_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                         (xdrproc_t)
                         xdr_vr_connect_domain_event_callback_register_any_args,
                         &a, (xdrproc_t)
                         xdr_vr_connect_domain_event_callback_register_any_ret,
                         &r) < 0)
        return -1;
    return r.callbackID;
}

static int
dereg(Fixture *fx, int id)
{
    vr_connect_domain_event_callback_deregister_any_args a = { id };

    return vr_rpc_conn_call(fx->conn, VR_PROGRAM, 1,
                            VR_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                            (xdrproc_t)
                            xdr_vr_connect_domain_event_callback_deregister_any_args,
                            &a, NULL, NULL);
}

static int
legacy(Fixture *fx, int proc, int event_id)
{
    vr_connect_domain_event_register_any_args a = { event_id };

    return vr_rpc_conn_call(fx->conn, VR_PROGRAM, 1, proc,
                            (xdrproc_t)
                            xdr_vr_connect_domain_event_register_any_args,
                            &a, NULL, NULL);
}

static void
emit(Fixture *fx, QemuEventId id, const unsigned char *uuid, int event,
     int detail)
{
    QemuDomainEvent ev = { id, { (char *) "web1", { 0 }, 7 }, event, detail };

    memcpy(ev.dom.uuid, uuid, 16);
    daemon_events_broadcast(&ev, fx->ctx.events);
}

/* Wait until @n messages arrived (10 s max), then check that exactly @n
 * arrived, none more within 200 ms. */
static void
expect_messages(Fixture *fx, guint n)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    guint got;

    g_mutex_lock(&fx->lock);
    while (fx->procs->len < n &&
           g_cond_wait_until(&fx->cond, &fx->lock, deadline))
        ;
    g_mutex_unlock(&fx->lock);
    g_usleep(200 * 1000);     /* and nothing more after that */
    g_mutex_lock(&fx->lock);
    got = fx->procs->len;
    g_mutex_unlock(&fx->lock);
    assert_int_equal(got, n);   /* never assert with the lock held */
}

static void
decode(Fixture *fx, guint i, xdrproc_t filter, void *out)
{
    GBytes *b = g_ptr_array_index(fx->payloads, i);
    gsize len;
    const void *data = g_bytes_get_data(b, &len);
    XDR xdr;

    xdrmem_create(&xdr, (char *) data, len, XDR_DECODE);
    assert_true(filter(&xdr, out));
    xdr_destroy(&xdr);
}

static void
test_register_deliver_deregister(void **state)
{
    Fixture *fx = *state;
    vr_domain_event_callback_lifecycle_msg m = { 0 };
    vr_domain_event_callback_reboot_msg rb = { 0 };
    int life = reg(fx, 0, NULL);
    int reboot = reg(fx, 1, NULL);
    int other = reg(fx, 5, NULL);

    assert_true(life > 0 && reboot > 0 && other > 0);
    assert_true(life != reboot && reboot != other);
    emit(fx, QEMU_EVENT_ID_LIFECYCLE, uuid_a, QEMU_EVENT_STARTED, 0);
    emit(fx, QEMU_EVENT_ID_REBOOT, uuid_a, 0, 0);
    expect_messages(fx, 2);
    assert_int_equal(g_array_index(fx->procs, int, 0),
                     VR_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE);
    decode(fx, 0, (xdrproc_t) xdr_vr_domain_event_callback_lifecycle_msg, &m);
    assert_int_equal(m.callbackID, life);
    assert_string_equal(m.msg.dom.name, "web1");
    assert_memory_equal(m.msg.dom.uuid, uuid_a, 16);
    assert_int_equal(m.msg.dom.id, 7);
    assert_int_equal(m.msg.event, QEMU_EVENT_STARTED);
    assert_int_equal(m.msg.detail, 0);
    xdr_free((xdrproc_t) xdr_vr_domain_event_callback_lifecycle_msg, &m);
    assert_int_equal(g_array_index(fx->procs, int, 1),
                     VR_PROC_DOMAIN_EVENT_CALLBACK_REBOOT);
    decode(fx, 1, (xdrproc_t) xdr_vr_domain_event_callback_reboot_msg, &rb);
    assert_int_equal(rb.callbackID, reboot);
    xdr_free((xdrproc_t) xdr_vr_domain_event_callback_reboot_msg, &rb);

    assert_int_equal(dereg(fx, life), 0);
    assert_int_equal(dereg(fx, life), -1);      /* already gone */
    assert_non_null(strstr(vr_error_message(), "not registered"));
    emit(fx, QEMU_EVENT_ID_LIFECYCLE, uuid_a, QEMU_EVENT_STOPPED, 1);
    expect_messages(fx, 2);
}

static void
test_domain_filter(void **state)
{
    Fixture *fx = *state;
    vr_domain_event_callback_lifecycle_msg m = { 0 };
    int only_b = reg(fx, 0, uuid_b);

    assert_true(only_b > 0);
    emit(fx, QEMU_EVENT_ID_LIFECYCLE, uuid_a, QEMU_EVENT_SUSPENDED, 0);
    emit(fx, QEMU_EVENT_ID_LIFECYCLE, uuid_b, QEMU_EVENT_RESUMED, 0);
    expect_messages(fx, 1);
    decode(fx, 0, (xdrproc_t) xdr_vr_domain_event_callback_lifecycle_msg, &m);
    assert_int_equal(m.callbackID, only_b);
    assert_int_equal(m.msg.event, QEMU_EVENT_RESUMED);
    xdr_free((xdrproc_t) xdr_vr_domain_event_callback_lifecycle_msg, &m);
}

static void
test_bad_ids_and_limit(void **state)
{
    Fixture *fx = *state;
    int i;

    assert_int_equal(reg(fx, 27, NULL), -1);
    assert_string_equal(vr_error_message(),
                        "internal error: unsupported event ID 27");
    assert_int_equal(reg(fx, -1, NULL), -1);
    assert_int_equal(dereg(fx, 123456), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INTERNAL_ERROR);
    for (i = 0; i < DAEMON_MAX_EVENT_CALLBACKS; i++)
        assert_true(reg(fx, i % 27, NULL) > 0);
    assert_int_equal(reg(fx, 0, NULL), -1);
    assert_non_null(strstr(vr_error_message(), "too many event callbacks"));
}

static void
test_legacy(void **state)
{
    Fixture *fx = *state;
    vr_domain_event_lifecycle_msg m = { 0 };

    assert_int_equal(legacy(fx, VR_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY,
                            16), -1);
    assert_non_null(strstr(vr_error_message(), "unsupported event ID 16"));
    assert_int_equal(legacy(fx, VR_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY,
                            0), 0);
    assert_int_equal(legacy(fx, VR_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY,
                            0), -1);
    emit(fx, QEMU_EVENT_ID_LIFECYCLE, uuid_a, QEMU_EVENT_STOPPED, 1);
    expect_messages(fx, 1);
    assert_int_equal(g_array_index(fx->procs, int, 0),
                     VR_PROC_DOMAIN_EVENT_LIFECYCLE);
    decode(fx, 0, (xdrproc_t) xdr_vr_domain_event_lifecycle_msg, &m);
    assert_int_equal(m.event, QEMU_EVENT_STOPPED);
    assert_int_equal(m.detail, 1);
    xdr_free((xdrproc_t) xdr_vr_domain_event_lifecycle_msg, &m);
    assert_int_equal(legacy(fx, VR_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY,
                            0), 0);
    assert_int_equal(legacy(fx, VR_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY,
                            0), -1);
    emit(fx, QEMU_EVENT_ID_LIFECYCLE, uuid_a, QEMU_EVENT_STARTED, 0);
    expect_messages(fx, 1);
}

/* DEVICE_REMOVED (ID 15) carries the device id: message 333 for a
 * callback registration, the legacy 311 for 167. */
static void
test_device_removed(void **state)
{
    Fixture *fx = *state;
    vr_domain_event_callback_device_removed_msg m = { 0 };
    int id = reg(fx, QEMU_EVENT_ID_DEVICE_REMOVED, NULL);
    QemuDomainEvent ev = { QEMU_EVENT_ID_DEVICE_REMOVED,
                           { (char *) "web1", { 0 }, 7 }, 0, 0,
                           "virtio-disk1" };

    assert_true(id > 0);
    memcpy(ev.dom.uuid, uuid_a, 16);
    emit(fx, QEMU_EVENT_ID_REBOOT, uuid_a, 0, 0);     /* not registered */
    daemon_events_broadcast(&ev, fx->ctx.events);
    expect_messages(fx, 1);
    assert_int_equal(g_array_index(fx->procs, int, 0),
                     VR_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED);
    decode(fx, 0, (xdrproc_t)
           xdr_vr_domain_event_callback_device_removed_msg, &m);
    assert_int_equal(m.callbackID, id);
    assert_string_equal(m.msg.dom.name, "web1");
    assert_string_equal(m.msg.devAlias, "virtio-disk1");
    xdr_free((xdrproc_t) xdr_vr_domain_event_callback_device_removed_msg,
             (char *) &m);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_register_deliver_deregister),
        T(test_domain_filter),
        T(test_bad_ids_and_limit),
        T(test_legacy),
        T(test_device_removed),
    };

    vr_log_setup(VR_LOG_ERROR, NULL);
    return cmocka_run_group_tests_name("daemon_events", tests, NULL, NULL);
}
