/* lib_storage_event.c: storage pool event registrations (368/369), the
 * decoding of pool event messages (370 lifecycle, 373 refresh) and their
 * dispatch on the connection's event thread (lib_event.c routes the
 * frames here), and the words virsh prints for pool events.
 *
 * As in lib_event.c, reg_lock is held across a registration's RPC and
 * around the dispatcher's lookup, so that an event sent right after the
 * daemon's reply finds its registration; entries are refcounted so that
 * free_fn runs only after a racing callback returned. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef struct {
    gatomicrefcount ref;
    int id;
    VireoStoragePoolEventFunc cb;
    void *opaque;
    VireoFreeFunc free_fn;
} PoolEventCb;

struct _VrLibPoolEventMsg {
    int callback_id;
    int event_id;
    int event;
    int detail;
    vr_nonnull_storage_pool pool;    /* name owned */
};

static GMutex reg_lock;

static void
pool_cb_unref(PoolEventCb *cb)
{
    if (!cb || !g_atomic_ref_count_dec(&cb->ref))
        return;
    if (cb->free_fn)
        cb->free_fn(cb->opaque);
    g_free(cb);
}

void
vr_lib_pool_event_msg_free(VrLibPoolEventMsg *msg)
{
    if (!msg)
        return;
    g_free(msg->pool.name);
    g_free(msg);
}

/* The registration table of @conn, created on first use (async_lock
 * held). */
static GHashTable *
pool_table(VireoConn *conn)
{
    if (!conn->pool_event_cbs)
        conn->pool_event_cbs = g_hash_table_new_full(
            g_direct_hash, g_direct_equal, NULL,
            (GDestroyNotify) pool_cb_unref);
    return conn->pool_event_cbs;
}

void
vr_lib_pool_events_clear(VireoConn *conn)
{
    GHashTable *table;

    g_mutex_lock(&conn->async_lock);
    table = g_steal_pointer(&conn->pool_event_cbs);
    g_mutex_unlock(&conn->async_lock);
    if (table)
        g_hash_table_unref(table);
}

static bool
decode(const guint8 *payload, size_t len, xdrproc_t filter, void *data)
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

VrLibPoolEventMsg *
vr_lib_pool_event_decode(int proc, const guint8 *payload, size_t len)
{
    g_autofree VrLibPoolEventMsg *msg = g_new0(VrLibPoolEventMsg, 1);

    if (proc == VR_PROC_STORAGE_POOL_EVENT_LIFECYCLE) {
        vr_storage_pool_event_lifecycle_msg m;

        memset(&m, 0, sizeof(m));
        if (!decode(payload, len, (xdrproc_t)
                    xdr_vr_storage_pool_event_lifecycle_msg, &m))
            return NULL;
        msg->callback_id = m.callbackID;
        msg->event_id = VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE;
        msg->event = m.event;
        msg->detail = m.detail;
        msg->pool = m.pool;
        msg->pool.name = g_strdup(m.pool.name);
        xdr_free((xdrproc_t) xdr_vr_storage_pool_event_lifecycle_msg,
                 (char *) &m);
    } else if (proc == VR_PROC_STORAGE_POOL_EVENT_REFRESH) {
        vr_storage_pool_event_refresh_msg m;

        memset(&m, 0, sizeof(m));
        if (!decode(payload, len, (xdrproc_t)
                    xdr_vr_storage_pool_event_refresh_msg, &m))
            return NULL;
        msg->callback_id = m.callbackID;
        msg->event_id = VIREO_STORAGE_POOL_EVENT_ID_REFRESH;
        msg->pool = m.pool;
        msg->pool.name = g_strdup(m.pool.name);
        xdr_free((xdrproc_t) xdr_vr_storage_pool_event_refresh_msg,
                 (char *) &m);
    } else {
        return NULL;
    }
    return g_steal_pointer(&msg);
}

void
vr_lib_pool_event_dispatch(VireoConn *conn, VrLibPoolEventMsg *msg)
{
    PoolEventCb *cb = NULL;
    VireoStoragePool *pool;

    g_mutex_lock(&reg_lock);
    g_mutex_lock(&conn->async_lock);
    if (conn->pool_event_cbs)
        cb = g_hash_table_lookup(conn->pool_event_cbs,
                                 GINT_TO_POINTER(msg->callback_id));
    if (cb)
        g_atomic_ref_count_inc(&cb->ref);
    g_mutex_unlock(&conn->async_lock);
    g_mutex_unlock(&reg_lock);
    if (!cb) {
        VR_DEBUG("pool event for unknown callback %d dropped",
                 msg->callback_id);
        return;
    }
    pool = vr_lib_pool_new(conn, &msg->pool);
    cb->cb(conn, pool, msg->event_id, msg->event, msg->detail, cb->opaque);
    vireo_storage_pool_free(pool);
    pool_cb_unref(cb);
}

int
vireo_conn_storage_pool_event_register(VireoConn *conn,
                                       VireoStoragePool *pool, int event_id,
                                       VireoStoragePoolEventFunc cb,
                                       void *opaque, VireoFreeFunc free_fn)
{
    vr_connect_storage_pool_event_register_any_args args = { 0 };
    vr_connect_storage_pool_event_register_any_ret ret = { 0 };
    vr_nonnull_storage_pool wire;
    PoolEventCb *entry;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(cb, -1);
    if (pool && !pool->conn) {
        vr_error_report(VR_ERR_INVALID_STORAGE_POOL, VR_FROM_STORAGE,
                        "invalid storage pool in %s", __func__);
        return -1;
    }
    if (event_id < 0 || event_id >= VIREO_STORAGE_POOL_EVENT_ID_LAST) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "unsupported storage pool event ID %d", event_id);
        return -1;
    }
    vr_lib_event_thread_start(conn);
    args.eventID = event_id;
    if (pool) {
        vr_lib_pool_to_wire(pool, &wire);
        args.pool = &wire;
    }
    g_mutex_lock(&reg_lock);
    if (vr_lib_call(conn, VR_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
                    (xdrproc_t)
                    xdr_vr_connect_storage_pool_event_register_any_args,
                    &args, (xdrproc_t)
                    xdr_vr_connect_storage_pool_event_register_any_ret,
                    &ret) < 0) {
        g_mutex_unlock(&reg_lock);
        return -1;
    }
    entry = g_new0(PoolEventCb, 1);
    g_atomic_ref_count_init(&entry->ref);
    entry->id = ret.callbackID;
    entry->cb = cb;
    entry->opaque = opaque;
    entry->free_fn = free_fn;
    g_mutex_lock(&conn->async_lock);
    g_hash_table_replace(pool_table(conn), GINT_TO_POINTER(entry->id), entry);
    g_mutex_unlock(&conn->async_lock);
    g_mutex_unlock(&reg_lock);
    return entry->id;
}

int
vireo_conn_storage_pool_event_deregister(VireoConn *conn, int callback_id)
{
    vr_connect_storage_pool_event_deregister_any_args args = {
        .callbackID = callback_id
    };
    gpointer entry = NULL;

    VR_LIB_CHECK_CONN(conn, -1);
    g_mutex_lock(&conn->async_lock);
    if (!conn->pool_event_cbs ||
        !g_hash_table_steal_extended(conn->pool_event_cbs,
                                     GINT_TO_POINTER(callback_id), NULL,
                                     &entry))
        entry = NULL;
    g_mutex_unlock(&conn->async_lock);
    if (!entry) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "no storage pool event callback with id %d",
                        callback_id);
        return -1;
    }
    pool_cb_unref(entry);
    return vr_lib_call(conn,
                       VR_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
                       (xdrproc_t)
                       xdr_vr_connect_storage_pool_event_deregister_any_args,
                       &args, NULL, NULL);
}

/* ---- words ------------------------------------------------------------- */

static const char *const event_words[] = {
    "Defined", "Undefined", "Started", "Stopped", "Created", "Deleted", NULL
};
static const char *const event_id_words[] = { "lifecycle", "refresh", NULL };

static const char *
word(const char *const *table, int i)
{
    for (int k = 0; i >= 0 && table[k]; k++) {
        if (k == i)
            return table[k];
    }
    return "unknown";
}

const char *
vireo_storage_pool_event_string(int event)
{
    return word(event_words, event);
}

const char *
vireo_storage_pool_event_id_string(int event_id)
{
    return word(event_id_words, event_id);
}

int
vireo_storage_pool_event_id_from_string(const char *name)
{
    for (int i = 0; name && event_id_words[i]; i++) {
        if (strcmp(event_id_words[i], name) == 0)
            return i;
    }
    return -1;
}
