/* lib_event.c: domain and network event registrations, the per-connection
 * event thread that runs the callbacks, the async frame router, and the words
 * virsh prints for events.
 *
 * Flow: the RPC I/O thread decodes an event MESSAGE frame into a
 * VrLibEventMsg and queues it (it never runs user code: a callback that
 * made a call would wait on its own I/O thread).  The event thread pops
 * messages in order, looks the registration up and runs its callback.
 * Registrations are refcounted so that a deregistration racing with a
 * running callback calls free_fn only after the callback returned.
 * reg_lock is held across a registration's RPC and by the event thread
 * around its lookup, so an event arriving right after the daemon's reply
 * cannot miss the registration being inserted.
 */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef struct {
    gatomicrefcount ref;
    int id;
    int event_id;
    VireoNetworkEventFunc net_cb;   /* set for network registrations */
    VireoDomainEventFunc cb;
    void *opaque;
    VireoFreeFunc free_fn;
} VrLibEventCb;

typedef struct {
    bool quit;                /* the sentinel that stops the thread */
    int callback_id;
    VireoDomainEvent ev;
    vr_nonnull_domain dom;    /* name owned */
    bool network;             /* a network event: @net instead of @dom */
    vr_nonnull_network net;   /* name owned */
    VrLibPoolEventMsg *pool;  /* a storage pool event (lib_storage_event.c) */
} VrLibEventMsg;

static GMutex reg_lock;       /* see the file comment */

static void
event_cb_unref(VrLibEventCb *cb)
{
    if (!cb || !g_atomic_ref_count_dec(&cb->ref))
        return;
    if (cb->free_fn)
        cb->free_fn(cb->opaque);
    g_free(cb);
}

static void
event_msg_free(VrLibEventMsg *msg)
{
    if (!msg)
        return;
    g_free(msg->dom.name);
    g_free(msg->net.name);
    vr_lib_pool_event_msg_free(msg->pool);
    g_free(msg);
}

void
vr_lib_async_init(VireoConn *conn)
{
    g_mutex_init(&conn->async_lock);
    conn->event_cbs = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                            NULL,
                                            (GDestroyNotify) event_cb_unref);
    conn->net_event_cbs = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                                NULL, (GDestroyNotify)
                                                event_cb_unref);
    conn->event_queue = g_async_queue_new_full((GDestroyNotify)
                                               event_msg_free);
}

void
vr_lib_async_shutdown(VireoConn *conn)
{
    GThread *thread;

    g_mutex_lock(&conn->async_lock);
    thread = g_steal_pointer(&conn->event_thread);
    g_mutex_unlock(&conn->async_lock);
    if (thread) {
        VrLibEventMsg *quit = g_new0(VrLibEventMsg, 1);

        quit->quit = true;
        g_async_queue_push(conn->event_queue, quit);
        g_thread_join(thread);
    }
    g_mutex_lock(&conn->async_lock);
    g_hash_table_remove_all(conn->event_cbs);
    g_hash_table_remove_all(conn->net_event_cbs);
    g_mutex_unlock(&conn->async_lock);
    vr_lib_pool_events_clear(conn);
}

/* Run the callback for one message (event thread). */
static void
event_dispatch(VireoConn *conn, VrLibEventMsg *msg)
{
    VrLibEventCb *cb;
    VireoDomain *dom;

    if (msg->pool) {
        vr_lib_pool_event_dispatch(conn, msg->pool);
        return;
    }
    g_mutex_lock(&reg_lock);
    g_mutex_lock(&conn->async_lock);
    cb = g_hash_table_lookup(msg->network ? conn->net_event_cbs
                                          : conn->event_cbs,
                             GINT_TO_POINTER(msg->callback_id));
    if (cb)
        g_atomic_ref_count_inc(&cb->ref);
    g_mutex_unlock(&conn->async_lock);
    g_mutex_unlock(&reg_lock);
    if (!cb) {
        VR_DEBUG("event for unknown callback %d dropped", msg->callback_id);
        return;
    }
    if (msg->network) {
        VireoNetwork *net = vr_lib_network_new(conn, &msg->net);

        cb->net_cb(conn, net, msg->ev.event, msg->ev.detail, cb->opaque);
        vireo_network_free(net);
    } else {
        dom = vr_lib_domain_new(conn, &msg->dom);
        cb->cb(conn, dom, &msg->ev, cb->opaque);
        vireo_domain_free(dom);
    }
    event_cb_unref(cb);
}

static gpointer
event_thread(gpointer opaque)
{
    VireoConn *conn = opaque;

    for (;;) {
        VrLibEventMsg *msg = g_async_queue_pop(conn->event_queue);
        bool quit = msg->quit;

        if (!quit)
            event_dispatch(conn, msg);
        event_msg_free(msg);
        if (quit)
            return NULL;
    }
}

static void
event_thread_ensure(VireoConn *conn)
{
    g_mutex_lock(&conn->async_lock);
    if (!conn->event_thread)
        conn->event_thread = g_thread_new("vireo-events", event_thread, conn);
    g_mutex_unlock(&conn->async_lock);
}

void
vr_lib_event_thread_start(VireoConn *conn)
{
    event_thread_ensure(conn);
}

/* Decode @payload with @filter into @data (zeroed first). */
static bool
event_decode(const guint8 *payload, size_t len, xdrproc_t filter, void *data)
{
    XDR xdr;
    bool ok;

    xdrmem_create(&xdr, (char *) payload, len, XDR_DECODE);
    ok = filter(&xdr, data, 0);
    xdr_destroy(&xdr);
    if (!ok)
        xdr_free(filter, data);
    return ok;
}

/* Decode a callback-style event message (I/O thread); NULL when it is not
 * one we handle or is malformed. */
static VrLibEventMsg *
event_msg_decode(int proc, const guint8 *payload, size_t len)
{
    g_autofree VrLibEventMsg *msg = g_new0(VrLibEventMsg, 1);
    vr_nonnull_domain *dom;

    if (proc == VR_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) {
        vr_domain_event_callback_lifecycle_msg m;

        memset(&m, 0, sizeof(m));
        if (!event_decode(payload, len, (xdrproc_t)
                          xdr_vr_domain_event_callback_lifecycle_msg, &m))
            return NULL;
        msg->callback_id = m.callbackID;
        msg->ev = (VireoDomainEvent) { VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                                       m.msg.event, m.msg.detail };
        dom = &m.msg.dom;
        msg->dom = *dom;
        msg->dom.name = g_strdup(dom->name);
        xdr_free((xdrproc_t) xdr_vr_domain_event_callback_lifecycle_msg,
                 (char *) &m);
    } else if (proc == VR_PROC_DOMAIN_EVENT_CALLBACK_REBOOT) {
        vr_domain_event_callback_reboot_msg m;

        memset(&m, 0, sizeof(m));
        if (!event_decode(payload, len, (xdrproc_t)
                          xdr_vr_domain_event_callback_reboot_msg, &m))
            return NULL;
        msg->callback_id = m.callbackID;
        msg->ev = (VireoDomainEvent) { VIREO_DOMAIN_EVENT_ID_REBOOT, 0, 0 };
        dom = &m.msg.dom;
        msg->dom = *dom;
        msg->dom.name = g_strdup(dom->name);
        xdr_free((xdrproc_t) xdr_vr_domain_event_callback_reboot_msg,
                 (char *) &m);
    } else if (proc == VR_PROC_NETWORK_EVENT_LIFECYCLE) {
        vr_network_event_lifecycle_msg m;

        memset(&m, 0, sizeof(m));
        if (!event_decode(payload, len, (xdrproc_t)
                          xdr_vr_network_event_lifecycle_msg, &m))
            return NULL;
        msg->network = true;
        msg->callback_id = m.callbackID;
        msg->ev = (VireoDomainEvent) { VIREO_NETWORK_EVENT_ID_LIFECYCLE,
                                       m.event, m.detail };
        msg->net = m.net;
        msg->net.name = g_strdup(m.net.name);
        xdr_free((xdrproc_t) xdr_vr_network_event_lifecycle_msg, (char *) &m);
    } else if (!(msg->pool = vr_lib_pool_event_decode(proc, payload, len))) {
        return NULL;
    }
    return g_steal_pointer(&msg);
}

static void
event_frame(VireoConn *conn, const vr_msg_header *hdr,
                   const guint8 *payload, size_t len)
{
    VrLibEventMsg *msg = event_msg_decode(hdr->proc, payload, len);

    if (!msg) {
        VR_DEBUG("ignoring event message %d", hdr->proc);
        return;
    }
    g_async_queue_push(conn->event_queue, msg);
}

void
vr_lib_async_frame(VrRpcConn *rpc, const vr_msg_header *hdr,
                   const guint8 *payload, size_t len, void *opaque)
{
    VireoConn *conn = opaque;

    /* Stream frames are consumed by the RPC client's streams. */
    if (hdr->prog == VR_PROGRAM && hdr->type == VR_MSG_MESSAGE)
        event_frame(conn, hdr, payload, len);
}

int
vireo_conn_domain_event_register(VireoConn *conn, VireoDomain *dom,
                                 int event_id, VireoDomainEventFunc cb,
                                 void *opaque, VireoFreeFunc free_fn)
{
    vr_connect_domain_event_callback_register_any_args args = { 0 };
    vr_connect_domain_event_callback_register_any_ret ret = { 0 };
    vr_nonnull_domain wire;
    VrLibEventCb *entry;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(cb, -1);
    if (dom && !vr_lib_check_domain(dom, __func__))
        return -1;
    if (event_id < 0 || event_id >= VIREO_DOMAIN_EVENT_ID_LAST) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "unsupported event ID %d", event_id);
        return -1;
    }
    event_thread_ensure(conn);
    args.eventID = event_id;
    if (dom) {
        vr_lib_domain_to_wire(dom, &wire);
        args.dom = &wire;
    }
    g_mutex_lock(&reg_lock);
    if (vr_lib_call(conn, VR_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                    (xdrproc_t)
                    xdr_vr_connect_domain_event_callback_register_any_args,
                    &args, (xdrproc_t)
                    xdr_vr_connect_domain_event_callback_register_any_ret,
                    &ret) < 0) {
        g_mutex_unlock(&reg_lock);
        return -1;
    }
    entry = g_new0(VrLibEventCb, 1);
    g_atomic_ref_count_init(&entry->ref);
    entry->id = ret.callbackID;
    entry->event_id = event_id;
    entry->cb = cb;
    entry->opaque = opaque;
    entry->free_fn = free_fn;
    g_mutex_lock(&conn->async_lock);
    g_hash_table_replace(conn->event_cbs, GINT_TO_POINTER(entry->id), entry);
    g_mutex_unlock(&conn->async_lock);
    g_mutex_unlock(&reg_lock);
    return entry->id;
}

int
vireo_conn_domain_event_deregister(VireoConn *conn, int callback_id)
{
    vr_connect_domain_event_callback_deregister_any_args args = {
        .callbackID = callback_id
    };
    gpointer entry = NULL;

    VR_LIB_CHECK_CONN(conn, -1);
    g_mutex_lock(&conn->async_lock);
    if (!g_hash_table_steal_extended(conn->event_cbs,
                                     GINT_TO_POINTER(callback_id), NULL,
                                     &entry))
        entry = NULL;
    g_mutex_unlock(&conn->async_lock);
    if (!entry) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "no event callback with id %d", callback_id);
        return -1;
    }
    event_cb_unref(entry);
    return vr_lib_call(conn,
                       VR_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                       (xdrproc_t)
                       xdr_vr_connect_domain_event_callback_deregister_any_args,
                       &args, NULL, NULL);
}

/* Insert @entry under its id into @table (reg_lock held). */
static void
event_cb_insert(VireoConn *conn, GHashTable *table, VrLibEventCb *entry)
{
    g_mutex_lock(&conn->async_lock);
    g_hash_table_replace(table, GINT_TO_POINTER(entry->id), entry);
    g_mutex_unlock(&conn->async_lock);
}

int
vireo_conn_network_event_register(VireoConn *conn, VireoNetwork *net,
                                  int event_id, VireoNetworkEventFunc cb,
                                  void *opaque, VireoFreeFunc free_fn)
{
    vr_connect_network_event_register_any_args args = { 0 };
    vr_connect_network_event_register_any_ret ret = { 0 };
    vr_nonnull_network wire;
    VrLibEventCb *entry;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(cb, -1);
    if (net && !vr_lib_check_network(net, __func__))
        return -1;
    if (event_id < 0 || event_id >= VIREO_NETWORK_EVENT_ID_LAST) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "unsupported network event ID %d", event_id);
        return -1;
    }
    event_thread_ensure(conn);
    args.eventID = event_id;
    if (net) {
        vr_lib_network_to_wire(net, &wire);
        args.net = &wire;
    }
    g_mutex_lock(&reg_lock);
    if (vr_lib_call(conn, VR_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
                    (xdrproc_t) xdr_vr_connect_network_event_register_any_args,
                    &args, (xdrproc_t)
                    xdr_vr_connect_network_event_register_any_ret,
                    &ret) < 0) {
        g_mutex_unlock(&reg_lock);
        return -1;
    }
    entry = g_new0(VrLibEventCb, 1);
    g_atomic_ref_count_init(&entry->ref);
    entry->id = ret.callbackID;
    entry->event_id = event_id;
    entry->net_cb = cb;
    entry->opaque = opaque;
    entry->free_fn = free_fn;
    event_cb_insert(conn, conn->net_event_cbs, entry);
    g_mutex_unlock(&reg_lock);
    return entry->id;
}

int
vireo_conn_network_event_deregister(VireoConn *conn, int callback_id)
{
    vr_connect_network_event_deregister_any_args args = {
        .callbackID = callback_id
    };
    gpointer entry = NULL;

    VR_LIB_CHECK_CONN(conn, -1);
    g_mutex_lock(&conn->async_lock);
    if (!g_hash_table_steal_extended(conn->net_event_cbs,
                                     GINT_TO_POINTER(callback_id), NULL,
                                     &entry))
        entry = NULL;
    g_mutex_unlock(&conn->async_lock);
    if (!entry) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "no network event callback with id %d", callback_id);
        return -1;
    }
    event_cb_unref(entry);
    return vr_lib_call(conn, VR_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
                       (xdrproc_t)
                       xdr_vr_connect_network_event_deregister_any_args,
                       &args, NULL, NULL);
}

/* ---- words ----------------------------------------------------------- */

static const char *const event_words[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped",
    "Shutdown", "PMSuspended", "Crashed", NULL
};

static const char *const details_defined[] = {
    "Added", "Updated", "Renamed", "Snapshot", NULL
};
static const char *const details_undefined[] = { "Removed", "Renamed", NULL };
static const char *const details_started[] = {
    "Booted", "Migrated", "Restored", "Snapshot", "Event wakeup", NULL
};
static const char *const details_suspended[] = {
    "Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot",
    "API error", "Post-copy", "Post-copy Error", NULL
};
static const char *const details_resumed[] = {
    "Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error", NULL
};
static const char *const details_stopped[] = {
    "Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed",
    "Snapshot", NULL
};
static const char *const details_shutdown[] = {
    "Finished", "Finished after guest request",
    "Finished after host request", NULL
};
static const char *const details_pmsuspended[] = { "Memory", "Disk", NULL };
static const char *const details_crashed[] = {
    "Panicked", "Crashloaded", NULL
};

static const char *const *const detail_tables[] = {
    details_defined, details_undefined, details_started, details_suspended,
    details_resumed, details_stopped, details_shutdown, details_pmsuspended,
    details_crashed,
};

static const char *const event_id_words[] = { "lifecycle", "reboot", NULL };

/* @table[@i] when @i is inside the NULL-terminated @table, else
 * "unknown". */
static const char *
table_word(const char *const *table, int i)
{
    for (int k = 0; i >= 0 && table[k]; k++) {
        if (k == i)
            return table[k];
    }
    return "unknown";
}

const char *
vireo_domain_event_string(int event)
{
    return table_word(event_words, event);
}

const char *
vireo_domain_event_detail_string(int event, int detail)
{
    if (event < 0 || (size_t) event >= G_N_ELEMENTS(detail_tables))
        return "unknown";
    return table_word(detail_tables[event], detail);
}

const char *
vireo_domain_event_id_string(int event_id)
{
    return table_word(event_id_words, event_id);
}

int
vireo_domain_event_id_from_string(const char *name)
{
    for (int i = 0; name && event_id_words[i]; i++) {
        if (strcmp(event_id_words[i], name) == 0)
            return i;
    }
    return -1;
}

static const char *const net_event_words[] = {
    "Defined", "Undefined", "Started", "Stopped", NULL
};
static const char *const net_event_id_words[] = { "lifecycle", NULL };

const char *
vireo_network_event_string(int event)
{
    return table_word(net_event_words, event);
}

const char *
vireo_network_event_id_string(int event_id)
{
    return table_word(net_event_id_words, event_id);
}

int
vireo_network_event_id_from_string(const char *name)
{
    for (int i = 0; name && net_event_id_words[i]; i++) {
        if (strcmp(net_event_id_words[i], name) == 0)
            return i;
    }
    return -1;
}
