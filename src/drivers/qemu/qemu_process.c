/* qemu_process.c: supervision of running QEMUs.
 *
 * Two sources tell that QEMU is gone - its pidfd becoming readable and the
 * monitor's EOF - both on the main loop; whichever comes first queues the
 * exit handling, once.  QMP events (STOP, RESUME, RESET, SHUTDOWN) drive
 * the domain's state.  Everything that does I/O (status files, monitor
 * commands, killing QEMU) runs on the driver's event worker, one item at
 * a time in arrival order, never on the main loop.
 */
#include <config.h>

#include <glib-unix.h>
#include <string.h>

#include "drivers/qemu/qemu_hotplug.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef enum {
    QEMU_ITEM_EXIT,
    QEMU_ITEM_EVENT,
} QemuItemKind;

typedef struct {
    QemuItemKind kind;
    QemuWatch *watch;        /* reference */
    char *name;              /* QMP event name */
    VrJson *data;            /* its data (owned, may be NULL) */
} QemuItem;

guint
qemu_process_next_serial(void)
{
    static gint serial;

    return (guint) g_atomic_int_add(&serial, 1) + 1;
}

QemuWatch *
qemu_watch_new(QemuDriver *drv, VrDomainObj *obj, guint serial)
{
    QemuWatch *w = g_new0(QemuWatch, 1);

    w->refs = 1;
    w->drv = drv;
    w->obj = vr_domain_obj_ref(obj);
    w->serial = serial;
    return w;
}

void
qemu_watch_unref(QemuWatch *w)
{
    if (!w || !g_atomic_int_dec_and_test(&w->refs))
        return;
    vr_domain_obj_unref(w->obj);
    g_free(w);
}

static QemuWatch *
watch_ref(QemuWatch *w)
{
    g_atomic_int_inc(&w->refs);
    return w;
}

bool
qemu_process_set_state(VrDomainObj *obj, int state, int reason)
{
    bool changed;

    vr_domain_obj_lock(obj);
    changed = obj->state != state;
    obj->state = state;
    obj->reason = reason;
    vr_domain_obj_unlock(obj);
    return changed;
}

/* The priv of @w's run when it is still the current one (lock held). */
static QemuDomainPriv *
current_priv(QemuWatch *w)
{
    QemuDomainPriv *priv = w->obj->priv;

    return priv && priv->serial == w->serial ? priv : NULL;
}

static void
queue_item(QemuWatch *w, QemuItemKind kind, const char *name,
           const VrJson *data)
{
    QemuItem *item;

    if (g_atomic_int_get(&w->drv->quitting) || !w->drv->event_pool)
        return;     /* the driver is shutting down */
    item = g_new0(QemuItem, 1);
    item->kind = kind;
    item->watch = watch_ref(w);
    item->name = g_strdup(name);
    item->data = data ? vr_json_copy(data) : NULL;
    g_thread_pool_push(w->drv->event_pool, item, NULL);
}

/* Main loop: the first exit notice of a run queues the exit handling. */
static void
notice_exit(QemuWatch *w, const char *source)
{
    QemuDomainPriv *priv;
    bool queue = false;

    vr_domain_obj_lock(w->obj);
    if ((priv = current_priv(w)) && !priv->exit_queued) {
        priv->exit_queued = true;
        queue = true;
    }
    vr_domain_obj_unlock(w->obj);
    if (queue) {
        VR_DEBUG("domain '%s': QEMU exit noticed by %s", w->obj->name,
                 source);
        queue_item(w, QEMU_ITEM_EXIT, NULL, NULL);
    }
}

static gboolean
on_pidfd(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED,
         gpointer opaque)
{
    QemuWatch *w = opaque;
    QemuDomainPriv *priv;

    vr_domain_obj_lock(w->obj);
    if ((priv = current_priv(w)))
        priv->pidfd_watch = 0;
    vr_domain_obj_unlock(w->obj);
    notice_exit(w, "pidfd");
    return G_SOURCE_REMOVE;
}

static void
on_monitor_eof(QemuMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    notice_exit(opaque, "monitor EOF");
}

static void
on_monitor_event(QemuMonitor *mon G_GNUC_UNUSED, const char *name,
                 const VrJson *data, void *opaque)
{
    static const char *const wanted[] = { "STOP", "RESUME", "RESET",
                                          "SHUTDOWN", "GUEST_PANICKED",
                                          "DEVICE_DELETED" };

    for (size_t i = 0; i < G_N_ELEMENTS(wanted); i++) {
        if (g_str_equal(name, wanted[i])) {
            queue_item(opaque, QEMU_ITEM_EVENT, name, data);
            return;
        }
    }
    VR_DEBUG("ignoring QEMU event %s", name);
}

const QemuMonitorCallbacks qemu_process_monitor_cb = {
    .event = on_monitor_event,
    .eof = on_monitor_eof,
};

void
qemu_process_watch(QemuDriver *drv G_GNUC_UNUSED, VrDomainObj *obj)
{
    QemuDomainPriv *priv;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (priv && priv->pidfd >= 0 && !priv->pidfd_watch)
        priv->pidfd_watch =
            g_unix_fd_add_full(G_PRIORITY_DEFAULT, priv->pidfd, G_IO_IN,
                               on_pidfd, watch_ref(priv->watch),
                               (GDestroyNotify) qemu_watch_unref);
    vr_domain_obj_unlock(obj);
}

/* Fill in @ev's domain and hand it to the daemon's callback. */
static void
emit_event(QemuDriver *drv, VrDomainObj *obj, QemuDomainEvent *ev)
{
    QemuDomainEventFunc cb;
    void *opaque;

    g_mutex_lock(&drv->event_lock);
    cb = drv->event_cb;
    opaque = drv->event_opaque;
    g_mutex_unlock(&drv->event_lock);
    VR_DEBUG("domain '%s': event id %d %d/%d", obj->name, ev->id, ev->event,
             ev->detail);
    if (!cb)
        return;
    ev->dom.name = obj->name;
    memcpy(ev->dom.uuid, obj->uuid, sizeof(ev->dom.uuid));
    vr_domain_obj_lock(obj);
    ev->dom.id = obj->id;
    vr_domain_obj_unlock(obj);
    cb(ev, opaque);
}

void
qemu_driver_emit(QemuDriver *drv, VrDomainObj *obj, QemuEventId id,
                 int event, int detail)
{
    QemuDomainEvent ev = { .id = id, .event = event, .detail = detail };

    emit_event(drv, obj, &ev);
}

void
qemu_driver_emit_device_removed(QemuDriver *drv, VrDomainObj *obj,
                                const char *alias)
{
    QemuDomainEvent ev = { .id = QEMU_EVENT_ID_DEVICE_REMOVED,
                           .dev_alias = alias };

    emit_event(drv, obj, &ev);
}

/* The job for an event handler.  Returns 0 (held), or -1 when the
 * handler must drop the item: busy too long (logged), or the driver is
 * shutting down (the next vireod's re-attach reconciles the state). */
static int
begin_event_job(QemuWatch *w, const char *job)
{
    int rc = qemu_job_begin_unless(w->obj, job, 2 * QEMU_JOB_WAIT_MS,
                                   &w->drv->quitting);

    if (rc < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
    return rc == 0 ? 0 : -1;
}

/* Exit handling: QEMU is gone (or going).  Why decides the reason. */
static void
handle_exit(QemuWatch *w)
{
    VrDomainObj *obj = w->obj;
    QemuDomainPriv *priv;
    int reason, detail;
    bool restart = false;

    if (begin_event_job(w, "exit") < 0)
        return;
    vr_domain_obj_lock(obj);
    if (!(priv = current_priv(w))) {
        vr_domain_obj_unlock(obj);
        qemu_job_end(obj);
        return;
    }
    if (priv->killed) {
        reason = QEMU_SHUTOFF_DESTROYED;
        detail = QEMU_DETAIL_STOPPED_DESTROYED;
    } else if (priv->guest_shutdown) {
        reason = QEMU_SHUTOFF_SHUTDOWN;
        detail = QEMU_DETAIL_STOPPED_SHUTDOWN;
    } else {
        reason = QEMU_SHUTOFF_CRASHED;
        detail = QEMU_DETAIL_STOPPED_CRASHED;
        restart = obj->def->on_crash == VR_DOMAIN_LIFECYCLE_RESTART;
    }
    vr_domain_obj_unlock(obj);
    VR_INFO("domain '%s': QEMU exited (reason %d)", obj->name, reason);
    qemu_process_stop(w->drv, obj, reason, detail);
    if (restart && !obj->removed && qemu_process_start(w->drv, obj, 0,
                                                       NULL) < 0) {
        VR_WARN("domain '%s': restart after crash failed: %s", obj->name,
                vr_error_message());
        vr_error_reset();
    }
    qemu_job_end(obj);
}

/* Guest reset with on_reboot handled: system_reset + cont. */
static void
reset_and_continue(QemuWatch *w, QemuMonitor *mon)
{
    if (qemu_monitor_system_reset(mon) < 0 || qemu_monitor_cont(mon) < 0) {
        VR_WARN("domain '%s': reboot failed: %s", w->obj->name,
                vr_error_message());
        vr_error_reset();
    }
}

/* SHUTDOWN from QEMU (it keeps running: -no-shutdown): act on
 * on_poweroff, or finish a reboot. */
static void
handle_shutdown(QemuWatch *w, const VrJson *data)
{
    VrDomainObj *obj = w->obj;
    const char *why = data ? vr_json_object_get_string(data, "reason") : NULL;
    bool guest = false;
    QemuDomainPriv *priv;
    QemuMonitor *mon;
    VrDomainLifecycleAction action;
    bool reboot;

    if (data)
        vr_json_object_get_bool(data, "guest", &guest);
    if (begin_event_job(w, "shutdown") < 0)
        return;
    vr_domain_obj_lock(obj);
    if (!(priv = current_priv(w)) || priv->killed) {
        vr_domain_obj_unlock(obj);
        qemu_job_end(obj);
        return;
    }
    reboot = priv->fake_reboot || (why && g_str_equal(why, "guest-reset"));
    priv->fake_reboot = false;
    action = reboot ? obj->def->on_reboot : obj->def->on_poweroff;
    if (!reboot)
        priv->guest_shutdown = true;
    mon = priv->mon;
    vr_domain_obj_unlock(obj);

    if (!reboot)
        qemu_driver_emit(w->drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_SHUTDOWN,
                         guest ? QEMU_DETAIL_SHUTDOWN_GUEST :
                                 QEMU_DETAIL_SHUTDOWN_HOST);
    if (action == VR_DOMAIN_LIFECYCLE_RESTART ||
        action == VR_DOMAIN_LIFECYCLE_RENAME_RESTART) {
        if (!reboot) {
            vr_domain_obj_lock(obj);
            priv->guest_shutdown = false;
            vr_domain_obj_unlock(obj);
        }
        reset_and_continue(w, mon);
    } else if (action == VR_DOMAIN_LIFECYCLE_DESTROY) {
        qemu_process_stop(w->drv, obj, QEMU_SHUTOFF_SHUTDOWN,
                          QEMU_DETAIL_STOPPED_SHUTDOWN);
    }   /* preserve: stays paused, as QEMU left it */
    qemu_job_end(obj);
}

static bool
own_job(const char *job)
{
    return job && (g_str_equal(job, "start") || g_str_equal(job, "suspend") ||
                   g_str_equal(job, "resume") || g_str_equal(job, "save") ||
                   g_str_equal(job, "restore") ||
                   g_str_equal(job, "snapshot") ||
                   g_str_has_prefix(job, "migration"));
}

/* STOP / RESUME: the vCPUs' state, trusted over replies. */
static void
handle_run_state(QemuWatch *w, bool running)
{
    VrDomainObj *obj = w->obj;
    QemuDomainPriv *priv;
    bool changed = false;

    vr_domain_obj_lock(obj);
    priv = current_priv(w);
    /* Not while starting, suspending or resuming (the operation sets the
     * state and reports it), nor after a guest shutdown. */
    if (priv && !priv->guest_shutdown && !own_job(obj->job) &&
        !(obj->state == VR_DOMAIN_PAUSED && obj->reason == 11)) {
        changed = obj->state != (running ? VR_DOMAIN_RUNNING :
                                           VR_DOMAIN_PAUSED);
        obj->state = running ? VR_DOMAIN_RUNNING : VR_DOMAIN_PAUSED;
        if (changed)
            obj->reason = running ? QEMU_RUNNING_UNPAUSED : QEMU_PAUSED_USER;
    }
    vr_domain_obj_unlock(obj);
    if (!changed)
        return;
    if (qemu_status_save(w->drv, obj) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
    qemu_driver_emit(w->drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                     running ? QEMU_EVENT_RESUMED : QEMU_EVENT_SUSPENDED, 0);
}

static void
handle_event(QemuWatch *w, const char *name, const VrJson *data)
{
    VR_DEBUG("domain '%s': QEMU event %s", w->obj->name, name);
    if (g_str_equal(name, "STOP")) {
        handle_run_state(w, false);
    } else if (g_str_equal(name, "RESUME")) {
        handle_run_state(w, true);
    } else if (g_str_equal(name, "RESET")) {
        qemu_driver_emit(w->drv, w->obj, QEMU_EVENT_ID_REBOOT, 0, 0);
    } else if (g_str_equal(name, "SHUTDOWN")) {
        handle_shutdown(w, data);
    } else if (g_str_equal(name, "DEVICE_DELETED")) {
        qemu_hotplug_device_deleted(w->drv, w->obj, data);
    } else if (g_str_equal(name, "GUEST_PANICKED")) {
        qemu_driver_emit(w->drv, w->obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_CRASHED, 0);
    }
}

void
qemu_process_event_worker(gpointer data, gpointer user_data G_GNUC_UNUSED)
{
    QemuItem *item = data;

    if (g_atomic_int_get(&item->watch->drv->quitting))
        VR_DEBUG("domain '%s': dropping QEMU %s at driver shutdown",
                 item->watch->obj->name, item->name ? item->name : "exit");
    else if (item->kind == QEMU_ITEM_EXIT)
        handle_exit(item->watch);
    else
        handle_event(item->watch, item->name, item->data);
    qemu_watch_unref(item->watch);
    g_free(item->name);
    vr_json_free(item->data);
    g_free(item);
}
