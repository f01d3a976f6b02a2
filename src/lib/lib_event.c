/* lib_event.c: the event registry (lib_event.h) for domain, network and
 * storage pool events, the per-connection event thread that runs the
 * callbacks, the async frame router, the domain and network families,
 * and the words virsh prints for their events.
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

#include "lib/lib_event.h"
#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef struct {
    gatomicrefcount ref;
    int id;
    VrLibEventFn fn;
    void *opaque;
    VireoFreeFunc free_fn;
} VrLibEventCb;

typedef struct {
    bool quit;                       /* the sentinel that stops the thread */
    const VrLibEventFamily *family;
    const VrLibEventProc *proc;
    int callback_id;
    VrLibWire wire;                  /* the object; strings owned */
    int event;
    int detail;
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
    if (msg->family)
        xdr_free(msg->family->kind->wire_filter, (char *) &msg->wire);
    g_free(msg);
}

static GHashTable *
event_table_new(void)
{
    return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                 (GDestroyNotify) event_cb_unref);
}

void
vr_lib_async_init(VireoConn *conn)
{
    g_mutex_init(&conn->async_lock);
    for (int i = 0; i < VR_LIB_EVENTS_LAST; i++)
        conn->event_cbs[i] = event_table_new();
    conn->event_queue = g_async_queue_new_full((GDestroyNotify)
                                               event_msg_free);
}

void
vr_lib_async_shutdown(VireoConn *conn)
{
    GHashTable *old[VR_LIB_EVENTS_LAST];
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
    /* The free functions run outside the lock: they are user code. */
    g_mutex_lock(&conn->async_lock);
    for (int i = 0; i < VR_LIB_EVENTS_LAST; i++) {
        old[i] = conn->event_cbs[i];
        conn->event_cbs[i] = event_table_new();
    }
    g_mutex_unlock(&conn->async_lock);
    for (int i = 0; i < VR_LIB_EVENTS_LAST; i++)
        g_hash_table_unref(old[i]);
}

void
vr_lib_async_fini(VireoConn *conn)
{
    for (int i = 0; i < VR_LIB_EVENTS_LAST; i++)
        g_hash_table_unref(conn->event_cbs[i]);
    g_async_queue_unref(conn->event_queue);
    g_mutex_clear(&conn->async_lock);
}

/* Run the callback for one message (event thread). */
static void
event_dispatch(VireoConn *conn, VrLibEventMsg *msg)
{
    const VrLibEventFamily *fam = msg->family;
    VrLibEventCb *cb;
    void *obj;

    g_mutex_lock(&reg_lock);
    g_mutex_lock(&conn->async_lock);
    cb = g_hash_table_lookup(conn->event_cbs[fam->index],
                             GINT_TO_POINTER(msg->callback_id));
    if (cb)
        g_atomic_ref_count_inc(&cb->ref);
    g_mutex_unlock(&conn->async_lock);
    g_mutex_unlock(&reg_lock);
    if (!cb) {
        VR_DEBUG("%sevent for unknown callback %d dropped", fam->noun,
                 msg->callback_id);
        return;
    }
    obj = fam->kind->new_handle(conn, &msg->wire);
    fam->invoke(cb->fn, conn, obj, msg->proc->event_id, msg->event,
                msg->detail, cb->opaque);
    fam->kind->free_handle(obj);
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

/* An event message: callbackID, the reference, then event and detail
 * when the procedure carries them (the callback-style messages of
 * FACTS.md section 8: 318, 319, 315, 370, 373). */
static bool_t
xdr_event_msg(XDR *xdrs, void *data)
{
    VrLibEventMsg *msg = data;

    return xdr_int(xdrs, &msg->callback_id) &&
           msg->family->kind->wire_filter(xdrs, &msg->wire, 0) &&
           (!msg->proc->has_event ||
            (xdr_int(xdrs, &msg->event) && xdr_int(xdrs, &msg->detail)));
}

static const VrLibEventFamily domain_events;
static const VrLibEventFamily network_events;

static const VrLibEventFamily *const families[] = {
    &domain_events, &network_events, &vr_lib_pool_events,
};

/* The family and message description of event procedure @proc, or
 * false when it is not one we handle. */
static bool
event_proc_find(int proc, VrLibEventMsg *msg)
{
    for (size_t f = 0; f < G_N_ELEMENTS(families); f++) {
        for (const VrLibEventProc *p = families[f]->procs; p->proc; p++) {
            if (p->proc == proc) {
                msg->family = families[f];
                msg->proc = p;
                return true;
            }
        }
    }
    return false;
}

/* Decode an event message (I/O thread); NULL when it is not one we
 * handle or is malformed. */
static VrLibEventMsg *
event_msg_decode(int proc, const guint8 *payload, size_t len)
{
    g_autofree VrLibEventMsg *msg = g_new0(VrLibEventMsg, 1);
    XDR xdr;
    bool ok;

    if (!event_proc_find(proc, msg))
        return NULL;
    xdrmem_create(&xdr, (char *) payload, len, XDR_DECODE);
    ok = xdr_event_msg(&xdr, msg);
    xdr_destroy(&xdr);
    if (!ok) {
        xdr_free((xdrproc_t) xdr_event_msg, (char *) msg);
        return NULL;
    }
    return g_steal_pointer(&msg);
}

void
vr_lib_async_frame(G_GNUC_UNUSED VrRpcConn *rpc, const vr_msg_header *hdr,
                   const guint8 *payload, size_t len, void *opaque)
{
    VireoConn *conn = opaque;
    VrLibEventMsg *msg;

    /* Stream frames are consumed by the RPC client's streams. */
    if (hdr->prog != VR_PROGRAM || hdr->type != VR_MSG_MESSAGE)
        return;
    if (!(msg = event_msg_decode(hdr->proc, payload, len))) {
        VR_DEBUG("ignoring event message %d", hdr->proc);
        return;
    }
    g_async_queue_push(conn->event_queue, msg);
}

/* ---- the registry ------------------------------------------------------ */

/* REGISTER_ANY arguments: the event ID and an optional reference. */
typedef struct {
    const VrLibKind *kind;
    int event_id;
    void *wire;                /* NULL: every object */
} RegisterArgs;

static bool_t
xdr_register_args(XDR *xdrs, void *data)
{
    RegisterArgs *args = data;

    return xdr_int(xdrs, &args->event_id) &&
           xdr_pointer(xdrs, (char **) &args->wire, args->kind->wire_size,
                       args->kind->wire_filter);
}

/* REGISTER_ANY for @args under reg_lock, then insert @entry (taken;
 * freed without its free_fn on failure): an event sent right after the
 * reply waits for it.  The callback id or -1, reported. */
static int
event_register_call(VireoConn *conn, const VrLibEventFamily *fam,
                    RegisterArgs *args, VrLibEventCb *entry)
{
    int id = -1;

    g_mutex_lock(&reg_lock);
    if (vr_lib_call(conn, fam->register_proc,
                    (xdrproc_t) xdr_register_args, args,
                    (xdrproc_t) xdr_int, &id) < 0) {
        g_mutex_unlock(&reg_lock);
        g_free(entry);
        return -1;
    }
    entry->id = id;
    g_mutex_lock(&conn->async_lock);
    g_hash_table_replace(conn->event_cbs[fam->index], GINT_TO_POINTER(id),
                         entry);
    g_mutex_unlock(&conn->async_lock);
    g_mutex_unlock(&reg_lock);
    return id;
}

int
vr_lib_event_register(VireoConn *conn, const VrLibEventFamily *fam,
                      const void *obj, int event_id, VrLibEventFn fn,
                      void *opaque, VireoFreeFunc free_fn, const char *func)
{
    VrLibWire wire;
    RegisterArgs args = { .kind = fam->kind, .event_id = event_id };
    VrLibEventCb *entry;

    if (obj && !vr_lib_obj_check(fam->kind, obj, func))
        return -1;
    if (event_id < 0 || event_id >= fam->id_last) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "unsupported %sevent ID %d", fam->noun, event_id);
        return -1;
    }
    event_thread_ensure(conn);
    if (obj) {
        fam->kind->to_wire(obj, &wire);
        args.wire = &wire;
    }
    entry = g_new0(VrLibEventCb, 1);
    g_atomic_ref_count_init(&entry->ref);
    entry->fn = fn;
    entry->opaque = opaque;
    entry->free_fn = free_fn;
    return event_register_call(conn, fam, &args, entry);
}

int
vr_lib_event_deregister(VireoConn *conn, const VrLibEventFamily *fam,
                        int callback_id)
{
    gpointer entry = NULL;

    g_mutex_lock(&conn->async_lock);
    if (!g_hash_table_steal_extended(conn->event_cbs[fam->index],
                                     GINT_TO_POINTER(callback_id), NULL,
                                     &entry))
        entry = NULL;
    g_mutex_unlock(&conn->async_lock);
    if (!entry) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "no %sevent callback with id %d", fam->noun,
                        callback_id);
        return -1;
    }
    event_cb_unref(entry);
    return vr_lib_call(conn, fam->deregister_proc, (xdrproc_t) xdr_int,
                       &callback_id, NULL, NULL);
}

/* ---- domain and network families ---------------------------------------- */

static void
domain_invoke(VrLibEventFn fn, VireoConn *conn, void *obj, int event_id,
              int event, int detail, void *opaque)
{
    VireoDomainEvent ev = {
        .event_id = event_id, .event = event, .detail = detail
    };

    ((VireoDomainEventFunc) fn)(conn, obj, &ev, opaque);
}

static const VrLibEventProc domain_procs[] = {
    { VR_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
      VIREO_DOMAIN_EVENT_ID_LIFECYCLE, true },
    { VR_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
      VIREO_DOMAIN_EVENT_ID_REBOOT, false },
    { 0, 0, false },
};

static const VrLibEventFamily domain_events = {
    .index = VR_LIB_EVENTS_DOMAIN,
    .kind = &vr_lib_kind_domain,
    .noun = "",
    .id_last = VIREO_DOMAIN_EVENT_ID_LAST,
    .register_proc = VR_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
    .deregister_proc = VR_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
    .procs = domain_procs,
    .invoke = domain_invoke,
};

static void
network_invoke(VrLibEventFn fn, VireoConn *conn, void *obj,
               G_GNUC_UNUSED int event_id, int event, int detail,
               void *opaque)
{
    ((VireoNetworkEventFunc) fn)(conn, obj, event, detail, opaque);
}

static const VrLibEventProc network_procs[] = {
    { VR_PROC_NETWORK_EVENT_LIFECYCLE,
      VIREO_NETWORK_EVENT_ID_LIFECYCLE, true },
    { 0, 0, false },
};

static const VrLibEventFamily network_events = {
    .index = VR_LIB_EVENTS_NETWORK,
    .kind = &vr_lib_kind_network,
    .noun = "network ",
    .id_last = VIREO_NETWORK_EVENT_ID_LAST,
    .register_proc = VR_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
    .deregister_proc = VR_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
    .procs = network_procs,
    .invoke = network_invoke,
};

int
vireo_conn_domain_event_register(VireoConn *conn, VireoDomain *dom,
                                 int event_id, VireoDomainEventFunc cb,
                                 void *opaque, VireoFreeFunc free_fn)
{
    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(cb, -1);
    return vr_lib_event_register(conn, &domain_events, dom, event_id,
                                 (VrLibEventFn) cb, opaque, free_fn,
                                 __func__);
}

int
vireo_conn_domain_event_deregister(VireoConn *conn, int callback_id)
{
    VR_LIB_CHECK_CONN(conn, -1);
    return vr_lib_event_deregister(conn, &domain_events, callback_id);
}

int
vireo_conn_network_event_register(VireoConn *conn, VireoNetwork *net,
                                  int event_id, VireoNetworkEventFunc cb,
                                  void *opaque, VireoFreeFunc free_fn)
{
    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(cb, -1);
    return vr_lib_event_register(conn, &network_events, net, event_id,
                                 (VrLibEventFn) cb, opaque, free_fn,
                                 __func__);
}

int
vireo_conn_network_event_deregister(VireoConn *conn, int callback_id)
{
    VR_LIB_CHECK_CONN(conn, -1);
    return vr_lib_event_deregister(conn, &network_events, callback_id);
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

const char *
vr_lib_word(const char *const *table, int i)
{
    for (int k = 0; i >= 0 && table[k]; k++) {
        if (k == i)
            return table[k];
    }
    return "unknown";
}

int
vr_lib_word_index(const char *const *table, const char *name)
{
    for (int i = 0; name && table[i]; i++) {
        if (strcmp(table[i], name) == 0)
            return i;
    }
    return -1;
}

const char *
vireo_domain_event_string(int event)
{
    return vr_lib_word(event_words, event);
}

const char *
vireo_domain_event_detail_string(int event, int detail)
{
    if (event < 0 || (size_t) event >= G_N_ELEMENTS(detail_tables))
        return "unknown";
    return vr_lib_word(detail_tables[event], detail);
}

const char *
vireo_domain_event_id_string(int event_id)
{
    return vr_lib_word(event_id_words, event_id);
}

int
vireo_domain_event_id_from_string(const char *name)
{
    return vr_lib_word_index(event_id_words, name);
}

static const char *const net_event_words[] = {
    "Defined", "Undefined", "Started", "Stopped", NULL
};
static const char *const net_event_id_words[] = { "lifecycle", NULL };

const char *
vireo_network_event_string(int event)
{
    return vr_lib_word(net_event_words, event);
}

const char *
vireo_network_event_id_string(int event_id)
{
    return vr_lib_word(net_event_id_words, event_id);
}

int
vireo_network_event_id_from_string(const char *name)
{
    return vr_lib_word_index(net_event_id_words, name);
}
