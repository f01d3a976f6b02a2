/* daemon_events.c: domain and network event registrations and their
 * delivery (FACTS.md section 7).
 *
 * Each session has a table of registrations {callbackID, eventID, optional
 * domain UUID, legacy?}, bounded by DAEMON_MAX_EVENT_CALLBACKS.  The QEMU
 * driver reports events from any thread; the broadcaster encodes one
 * message per matching registration and hands it to the session's queue
 * (vr_rpc_session_send_message, which drops a client that stops reading).
 * One mutex guards every table; it is never held across driver calls.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_events.h"
#include "daemon/daemon_dispatch_priv.h"
#include "daemon/daemon_dispatch_storage.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef struct {
    int callback_id;          /* -1 for legacy registrations */
    int event_id;
    bool network;             /* a network registration (313), not domain */
    bool storage;             /* a storage pool registration (368) */
    bool has_dom;             /* filter on @uuid (domain or network) */
    unsigned char uuid[16];
} DaemonEventReg;

typedef struct {
    VrRpcSession *sess;
    GArray *regs;             /* DaemonEventReg */
} DaemonEventSession;

struct _DaemonEvents {
    GMutex lock;
    GHashTable *sessions;     /* VrRpcSession* -> DaemonEventSession* */
    int next_id;
};

static void
event_session_free(gpointer data)
{
    DaemonEventSession *es = data;

    g_array_unref(es->regs);
    g_free(es);
}

DaemonEvents *
daemon_events_new(void)
{
    DaemonEvents *ev = g_new0(DaemonEvents, 1);

    g_mutex_init(&ev->lock);
    ev->sessions = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                         event_session_free);
    ev->next_id = 1;
    return ev;
}

void
daemon_events_free(DaemonEvents *ev)
{
    if (!ev)
        return;
    g_hash_table_unref(ev->sessions);
    g_mutex_clear(&ev->lock);
    g_free(ev);
}

void
daemon_events_add_session(DaemonEvents *ev, VrRpcSession *sess)
{
    DaemonEventSession *es = g_new0(DaemonEventSession, 1);

    es->sess = sess;
    es->regs = g_array_new(FALSE, TRUE, sizeof(DaemonEventReg));
    g_mutex_lock(&ev->lock);
    g_hash_table_replace(ev->sessions, sess, es);
    g_mutex_unlock(&ev->lock);
}

void
daemon_events_remove_session(DaemonEvents *ev, VrRpcSession *sess)
{
    g_mutex_lock(&ev->lock);
    g_hash_table_remove(ev->sessions, sess);
    g_mutex_unlock(&ev->lock);
}

unsigned int
daemon_events_count(DaemonEvents *ev, VrRpcSession *sess)
{
    DaemonEventSession *es;
    unsigned int n = 0;

    g_mutex_lock(&ev->lock);
    if ((es = g_hash_table_lookup(ev->sessions, sess)))
        n = es->regs->len;
    g_mutex_unlock(&ev->lock);
    return n;
}

/* ---- delivery ---- */

static void
fill_dom(vr_nonnull_domain *wire, const QemuDomainRef *ref)
{
    wire->name = ref->name;       /* borrowed: never xdr_free'd */
    memcpy(wire->uuid, ref->uuid, sizeof(wire->uuid));
    wire->id = ref->id;
}

/* DEVICE_REMOVED (event ID 15): message 311 or 333. */
static int
send_device_removed(VrRpcSession *sess, const DaemonEventReg *reg,
                    const QemuDomainEvent *event)
{
    vr_domain_event_callback_device_removed_msg m = { reg->callback_id };

    if (!event->dev_alias)
        return 0;
    fill_dom(&m.msg.dom, &event->dom);
    m.msg.devAlias = (char *) event->dev_alias;     /* borrowed */
    if (reg->callback_id < 0)
        return vr_rpc_session_send_message(
            sess, VR_PROGRAM, VR_PROC_DOMAIN_EVENT_DEVICE_REMOVED,
            (xdrproc_t) xdr_vr_domain_event_device_removed_msg, &m.msg);
    return vr_rpc_session_send_message(
        sess, VR_PROGRAM, VR_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
        (xdrproc_t) xdr_vr_domain_event_callback_device_removed_msg, &m);
}

/* Send @event for @reg to @sess (lock held).  Failures are logged: the
 * session is closing or being dropped. */
static void
send_one(VrRpcSession *sess, const DaemonEventReg *reg,
         const QemuDomainEvent *event)
{
    bool legacy = reg->callback_id < 0;
    int rc = 0;

    if (event->id == QEMU_EVENT_ID_LIFECYCLE) {
        vr_domain_event_callback_lifecycle_msg m = { reg->callback_id };

        fill_dom(&m.msg.dom, &event->dom);
        m.msg.event = event->event;
        m.msg.detail = event->detail;
        rc = legacy ?
            vr_rpc_session_send_message(sess, VR_PROGRAM,
                                        VR_PROC_DOMAIN_EVENT_LIFECYCLE,
                                        (xdrproc_t)
                                        xdr_vr_domain_event_lifecycle_msg,
                                        &m.msg) :
            vr_rpc_session_send_message(sess, VR_PROGRAM,
                                        VR_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                                        (xdrproc_t)
                                        xdr_vr_domain_event_callback_lifecycle_msg,
                                        &m);
    } else if (event->id == QEMU_EVENT_ID_REBOOT) {
        vr_domain_event_callback_reboot_msg m = { reg->callback_id };

        fill_dom(&m.msg.dom, &event->dom);
        rc = legacy ?
            vr_rpc_session_send_message(sess, VR_PROGRAM,
                                        VR_PROC_DOMAIN_EVENT_REBOOT,
                                        (xdrproc_t)
                                        xdr_vr_domain_event_reboot_msg,
                                        &m.msg) :
            vr_rpc_session_send_message(sess, VR_PROGRAM,
                                        VR_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
                                        (xdrproc_t)
                                        xdr_vr_domain_event_callback_reboot_msg,
                                        &m);
    } else if (event->id == QEMU_EVENT_ID_DEVICE_REMOVED) {
        rc = send_device_removed(sess, reg, event);
    }
    if (rc < 0)
        VR_DEBUG("event not sent: %s", vr_error_message());
}

static bool
reg_matches(const DaemonEventReg *reg, const QemuDomainEvent *event)
{
    return !reg->network && !reg->storage &&
           reg->event_id == (int) event->id &&
           (!reg->has_dom ||
            memcmp(reg->uuid, event->dom.uuid, sizeof(reg->uuid)) == 0);
}

void
daemon_events_broadcast(const QemuDomainEvent *event, void *opaque)
{
    DaemonEvents *ev = opaque;
    GHashTableIter iter;
    gpointer value;

    VR_DEBUG("event id %d for domain '%s': %d/%d", event->id,
             event->dom.name ? event->dom.name : "?", event->event,
             event->detail);
    if (!event->dom.name)
        return;
    g_mutex_lock(&ev->lock);
    g_hash_table_iter_init(&iter, ev->sessions);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        DaemonEventSession *es = value;

        for (guint i = 0; i < es->regs->len; i++) {
            const DaemonEventReg *reg = &g_array_index(es->regs,
                                                       DaemonEventReg, i);
            if (reg_matches(reg, event))
                send_one(es->sess, reg, event);
        }
    }
    g_mutex_unlock(&ev->lock);
}

/* Send network lifecycle message 315 for @reg to @sess (lock held). */
static void
send_network(VrRpcSession *sess, const DaemonEventReg *reg,
             const NetRef *net, int event, int detail)
{
    vr_network_event_lifecycle_msg m = { reg->callback_id };

    m.net.name = net->name;       /* borrowed: never xdr_free'd */
    memcpy(m.net.uuid, net->uuid, sizeof(m.net.uuid));
    m.event = event;
    m.detail = detail;
    if (vr_rpc_session_send_message(sess, VR_PROGRAM,
                                    VR_PROC_NETWORK_EVENT_LIFECYCLE,
                                    (xdrproc_t)
                                    xdr_vr_network_event_lifecycle_msg,
                                    &m) < 0)
        VR_DEBUG("network event not sent: %s", vr_error_message());
}

void
daemon_events_broadcast_network(const NetRef *net, int event, int detail,
                                void *opaque)
{
    DaemonEvents *ev = opaque;
    GHashTableIter iter;
    gpointer value;

    VR_DEBUG("event for network '%s': %d/%d", net->name ? net->name : "?",
             event, detail);
    if (!net->name)
        return;
    g_mutex_lock(&ev->lock);
    g_hash_table_iter_init(&iter, ev->sessions);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        DaemonEventSession *es = value;

        for (guint i = 0; i < es->regs->len; i++) {
            const DaemonEventReg *reg = &g_array_index(es->regs,
                                                       DaemonEventReg, i);
            if (reg->network && !reg->storage &&
                (!reg->has_dom ||
                 memcmp(reg->uuid, net->uuid, sizeof(reg->uuid)) == 0))
                send_network(es->sess, reg, net, event, detail);
        }
    }
    g_mutex_unlock(&ev->lock);
}

/* ---- registration (handlers, worker threads) ---- */

static DaemonEvents *
client_events(VrRpcSession *sess)
{
    DaemonEvents *ev = daemon_client_context(sess)->events;

    if (!ev)
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_RPC,
                        "events are not available");
    return ev;
}

/* Add @reg for @sess.  Returns 0 or -1 (reported). */
static int
events_add(DaemonEvents *ev, VrRpcSession *sess, DaemonEventReg *reg)
{
    DaemonEventSession *es;
    int rc = -1;

    g_mutex_lock(&ev->lock);
    es = g_hash_table_lookup(ev->sessions, sess);
    if (!es) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "the client is gone");
    } else if (es->regs->len >= DAEMON_MAX_EVENT_CALLBACKS) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_RPC,
                        "too many event callbacks on this connection "
                        "(max %d)", DAEMON_MAX_EVENT_CALLBACKS);
    } else {
        if (reg->callback_id != -1)
            reg->callback_id = ev->next_id++;
        g_array_append_val(es->regs, *reg);
        rc = 0;
    }
    g_mutex_unlock(&ev->lock);
    return rc;
}

/* Remove the registration of @sess with callback id @id (legacy: -1 and
 * event id @event_id).  Returns 0, or -1 when there is none (nothing
 * reported). */
static int
events_remove(DaemonEvents *ev, VrRpcSession *sess, int id, int event_id,
              bool network)
{
    DaemonEventSession *es;
    int rc = -1;

    g_mutex_lock(&ev->lock);
    es = g_hash_table_lookup(ev->sessions, sess);
    for (guint i = 0; es && i < es->regs->len; i++) {
        const DaemonEventReg *reg = &g_array_index(es->regs,
                                                   DaemonEventReg, i);
        if (reg->callback_id == id && reg->network == network &&
            !reg->storage &&
            (id != -1 || reg->event_id == event_id)) {
            g_array_remove_index(es->regs, i);
            rc = 0;
            break;
        }
    }
    g_mutex_unlock(&ev->lock);
    return rc;
}

static bool
events_has_legacy(DaemonEvents *ev, VrRpcSession *sess, int event_id)
{
    DaemonEventSession *es;
    bool found = false;

    g_mutex_lock(&ev->lock);
    es = g_hash_table_lookup(ev->sessions, sess);
    for (guint i = 0; es && i < es->regs->len && !found; i++) {
        const DaemonEventReg *reg = &g_array_index(es->regs,
                                                   DaemonEventReg, i);
        found = reg->callback_id == -1 && reg->event_id == event_id;
    }
    g_mutex_unlock(&ev->lock);
    return found;
}

static int
check_event_id(int event_id, int last)
{
    if (event_id < 0 || event_id >= last) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "unsupported event ID %d", event_id);
        return -1;
    }
    return 0;
}

DAEMON_HANDLER(connect_domain_event_callback_register_any)
{
    const vr_connect_domain_event_callback_register_any_args *a = args;
    vr_connect_domain_event_callback_register_any_ret *r = ret;
    DaemonEvents *ev = client_events(sess);
    DaemonEventReg reg = { .callback_id = 0, .event_id = a->eventID };

    if (!ev || check_event_id(a->eventID, VR_DOMAIN_EVENT_ID_LAST) < 0)
        return -1;
    if (a->dom) {
        reg.has_dom = true;
        memcpy(reg.uuid, a->dom->uuid, sizeof(reg.uuid));
    }
    if (events_add(ev, sess, &reg) < 0)
        return -1;
    r->callbackID = reg.callback_id;
    return 0;
}

DAEMON_HANDLER(connect_domain_event_callback_deregister_any)
{
    const vr_connect_domain_event_callback_deregister_any_args *a = args;
    DaemonEvents *ev = client_events(sess);

    if (!ev)
        return -1;
    if (a->callbackID < 0 ||
        events_remove(ev, sess, a->callbackID, 0, false) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "domain event callback %d not registered",
                        a->callbackID);
        return -1;
    }
    return 0;
}

DAEMON_HANDLER(connect_domain_event_register_any)
{
    const vr_connect_domain_event_register_any_args *a = args;
    DaemonEvents *ev = client_events(sess);
    DaemonEventReg reg = { .callback_id = -1, .event_id = a->eventID };

    if (!ev ||
        check_event_id(a->eventID, VR_DOMAIN_EVENT_LEGACY_ID_LAST) < 0)
        return -1;
    if (events_has_legacy(ev, sess, a->eventID)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "domain event %d already registered", a->eventID);
        return -1;
    }
    return events_add(ev, sess, &reg);
}

DAEMON_HANDLER(connect_domain_event_deregister_any)
{
    const vr_connect_domain_event_deregister_any_args *a = args;
    DaemonEvents *ev = client_events(sess);

    if (!ev ||
        check_event_id(a->eventID, VR_DOMAIN_EVENT_LEGACY_ID_LAST) < 0)
        return -1;
    if (events_remove(ev, sess, -1, a->eventID, false) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "domain event %d not registered", a->eventID);
        return -1;
    }
    return 0;
}

DAEMON_HANDLER(connect_network_event_register_any)
{
    const vr_connect_network_event_register_any_args *a = args;
    vr_connect_network_event_register_any_ret *r = ret;
    DaemonEvents *ev = client_events(sess);
    DaemonEventReg reg = { .callback_id = 0, .event_id = a->eventID,
                           .network = true };

    if (!ev || check_event_id(a->eventID, VR_NETWORK_EVENT_ID_LAST) < 0)
        return -1;
    if (a->net) {
        reg.has_dom = true;
        memcpy(reg.uuid, a->net->uuid, sizeof(reg.uuid));
    }
    if (events_add(ev, sess, &reg) < 0)
        return -1;
    r->callbackID = reg.callback_id;
    return 0;
}

DAEMON_HANDLER(connect_network_event_deregister_any)
{
    const vr_connect_network_event_deregister_any_args *a = args;
    DaemonEvents *ev = client_events(sess);

    if (!ev)
        return -1;
    if (a->callbackID < 0 ||
        events_remove(ev, sess, a->callbackID, 0, true) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "network event callback %d not registered",
                        a->callbackID);
        return -1;
    }
    return 0;
}

/* ---- storage pool events (368/369, messages 370/373) ---- */

/* Send 370 (lifecycle) or 373 (refresh) for @reg to @sess (lock held). */
static void
send_storage(VrRpcSession *sess, const DaemonEventReg *reg,
             const StoragePoolRef *pool, int event_id, int event, int detail)
{
    vr_storage_pool_event_lifecycle_msg lc = { reg->callback_id };
    vr_storage_pool_event_refresh_msg rf = { reg->callback_id };
    vr_nonnull_storage_pool *wire = event_id == 0 ? &lc.pool : &rf.pool;
    int rc;

    wire->name = pool->name;        /* borrowed: never xdr_free'd */
    memcpy(wire->uuid, pool->uuid, sizeof(wire->uuid));
    lc.event = event;
    lc.detail = detail;
    if (event_id == 0)
        rc = vr_rpc_session_send_message(
            sess, VR_PROGRAM, VR_PROC_STORAGE_POOL_EVENT_LIFECYCLE,
            (xdrproc_t) xdr_vr_storage_pool_event_lifecycle_msg, &lc);
    else
        rc = vr_rpc_session_send_message(
            sess, VR_PROGRAM, VR_PROC_STORAGE_POOL_EVENT_REFRESH,
            (xdrproc_t) xdr_vr_storage_pool_event_refresh_msg, &rf);
    if (rc < 0)
        VR_DEBUG("storage event not sent: %s", vr_error_message());
}

void
daemon_events_broadcast_storage(const StoragePoolRef *pool, int event_id,
                                int event, int detail, void *opaque)
{
    DaemonEvents *ev = opaque;
    GHashTableIter iter;
    gpointer value;

    if (!pool->name)
        return;
    g_mutex_lock(&ev->lock);
    g_hash_table_iter_init(&iter, ev->sessions);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        DaemonEventSession *es = value;

        for (guint i = 0; i < es->regs->len; i++) {
            const DaemonEventReg *reg = &g_array_index(es->regs,
                                                       DaemonEventReg, i);
            if (reg->storage && reg->event_id == event_id &&
                (!reg->has_dom ||
                 memcmp(reg->uuid, pool->uuid, sizeof(reg->uuid)) == 0))
                send_storage(es->sess, reg, pool, event_id, event, detail);
        }
    }
    g_mutex_unlock(&ev->lock);
}

DAEMON_HANDLER(connect_storage_pool_event_register_any)
{
    const vr_connect_storage_pool_event_register_any_args *a = args;
    vr_connect_storage_pool_event_register_any_ret *r = ret;
    DaemonEvents *ev = client_events(sess);
    DaemonEventReg reg = { .callback_id = 0, .event_id = a->eventID,
                           .storage = true };

    if (!ev ||
        check_event_id(a->eventID, VR_STORAGE_POOL_EVENT_ID_LAST) < 0)
        return -1;
    if (a->pool) {
        reg.has_dom = true;
        memcpy(reg.uuid, a->pool->uuid, sizeof(reg.uuid));
    }
    if (events_add(ev, sess, &reg) < 0)
        return -1;
    r->callbackID = reg.callback_id;
    return 0;
}

DAEMON_HANDLER(connect_storage_pool_event_deregister_any)
{
    const vr_connect_storage_pool_event_deregister_any_args *a = args;
    DaemonEvents *ev = client_events(sess);
    DaemonEventSession *es;
    int rc = -1;

    if (!ev)
        return -1;
    g_mutex_lock(&ev->lock);
    es = g_hash_table_lookup(ev->sessions, sess);
    for (guint i = 0; es && i < es->regs->len && a->callbackID >= 0; i++) {
        if (g_array_index(es->regs, DaemonEventReg, i).storage &&
            g_array_index(es->regs, DaemonEventReg, i).callback_id ==
            a->callbackID) {
            g_array_remove_index(es->regs, i);
            rc = 0;
            break;
        }
    }
    g_mutex_unlock(&ev->lock);
    if (rc < 0)
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "storage pool event callback %d not registered",
                        a->callbackID);
    return rc;
}
