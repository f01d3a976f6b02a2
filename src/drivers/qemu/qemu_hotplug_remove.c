/* qemu_hotplug_remove.c: live device removal - device_del, then waiting
 * for the guest to release the device (QEMU's DEVICE_DELETED event; trust
 * events, not replies).
 *
 * Every removal in flight is in one table, keyed "UUID-HEX/device-id":
 * WAITING while the detach call waits, DELETED once the event came (the
 * caller then finishes), LATE when the caller gave up after the timeout
 * (a suspended or uncooperative guest).  A LATE removal is finished by
 * the event handler whenever the event comes; until then a second detach
 * of the same device is refused ("already in progress") instead of
 * sending another unplug request.  Entries of an earlier QEMU run (other
 * domain id) are stale and dropped.  Each finished removal emits
 * DEVICE_REMOVED (event ID 15) with the device id, as libvirt does.
 */
#include <config.h>

#include "drivers/qemu/qemu_hotplug_priv.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

typedef enum { RM_WAITING, RM_DELETED, RM_LATE } RmState;

typedef struct {
    RmState state;
    QemuHpRemoval *r;     /* owned */
} RmEntry;

static GMutex rm_lock;
static GCond rm_cond;
static GHashTable *rm_table;     /* key (owned) -> RmEntry* (owned) */

void
qemu_hp_removal_free(QemuHpRemoval *r)
{
    if (!r)
        return;
    g_free(r->alias);
    g_free(r->disk_dst);
    g_free(r->format_node);
    g_free(r);
}

static void
rm_entry_free(gpointer data)
{
    RmEntry *e = data;

    qemu_hp_removal_free(e->r);
    g_free(e);
}

static char *
rm_key(const VrDomainObj *obj, const char *alias)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < 16; i++)
        g_string_append_printf(s, "%02x", obj->uuid[i]);
    g_string_append_printf(s, "/%s", alias);
    return g_string_free(s, FALSE);
}

static int
current_id(VrDomainObj *obj)
{
    int id;

    vr_domain_obj_lock(obj);
    id = obj->id;
    vr_domain_obj_unlock(obj);
    return id;
}

/* Enter @r as WAITING.  -1 reported when a removal of the device by
 * the same QEMU run is still pending; @r stays with the caller then. */
static int
rm_register(VrDomainObj *obj, QemuHpRemoval *r)
{
    g_autofree char *key = rm_key(obj, r->alias);
    RmEntry *e;

    g_mutex_lock(&rm_lock);
    if (!rm_table)
        rm_table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         rm_entry_free);
    e = g_hash_table_lookup(rm_table, key);
    if (e && e->r->dom_id == r->dom_id) {
        g_mutex_unlock(&rm_lock);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "removal of device '%s' is already in progress: "
                        "the guest has not released it yet", r->alias);
        return -1;
    }
    e = g_new0(RmEntry, 1);
    e->state = RM_WAITING;
    e->r = r;
    g_hash_table_replace(rm_table, g_steal_pointer(&key), e);
    g_mutex_unlock(&rm_lock);
    return 0;
}

/* Wait until the event for @alias came or @ms passed.  Returns the
 * removal (owned, entry gone) when the device is gone; NULL when it is
 * not: the entry stays, LATE, or (@drop) is removed. */
static QemuHpRemoval *
rm_wait(VrDomainObj *obj, const char *alias, int ms, bool drop)
{
    g_autofree char *key = rm_key(obj, alias);
    gint64 end = g_get_monotonic_time() + (gint64) ms * G_TIME_SPAN_MILLISECOND;
    QemuHpRemoval *done = NULL;
    RmEntry *e;

    g_mutex_lock(&rm_lock);
    while ((e = g_hash_table_lookup(rm_table, key)) &&
           e->state == RM_WAITING &&
           g_cond_wait_until(&rm_cond, &rm_lock, end))
        ;
    if (e && (e->state == RM_DELETED || drop)) {
        if (e->state == RM_DELETED)
            done = g_steal_pointer(&e->r);
        g_hash_table_remove(rm_table, key);
    } else if (e) {
        e->state = RM_LATE;
    }
    g_mutex_unlock(&rm_lock);
    return done;
}

/* Finish @r and tell the clients. */
static void
rm_finish(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
          const QemuHpRemoval *r)
{
    qemu_hp_removal_finish(drv, obj, mon, r);
    if (qemu_status_save(drv, obj) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
    qemu_driver_emit_device_removed(drv, obj, r->alias);
}

int
qemu_hp_remove_device(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                      QemuHpRemoval *r)
{
    g_autoptr(QemuHpRemoval) owned = r;
    g_autoptr(QemuHpRemoval) done = NULL;
    g_autofree char *alias = g_strdup(r->alias);
    VrJson *args = vr_json_new_object();

    r->dom_id = current_id(obj);
    if (rm_register(obj, r) < 0) {
        vr_json_free(args);
        return -1;
    }
    g_steal_pointer(&owned);            /* the table has it now */
    vr_json_object_set_string(args, "id", alias);
    if (qemu_monitor_command(mon, "device_del", args, NULL, 0) < 0) {
        qemu_hp_removal_free(rm_wait(obj, alias, 0, true));
        return -1;
    }
    if (!(done = rm_wait(obj, alias, QEMU_HOTPLUG_REMOVE_WAIT_MS, false))) {
        vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_QEMU,
                        "device '%s' was not removed: the guest did not "
                        "release it within %d s (it is removed when the "
                        "guest acknowledges the unplug)", alias,
                        QEMU_HOTPLUG_REMOVE_WAIT_MS / 1000);
        VR_WARN("domain '%s': removal of '%s' pending", obj->name, alias);
        return -1;
    }
    rm_finish(drv, obj, mon, done);
    return 0;
}

/* A removal nobody waits for (the caller timed out, or vireod restarted
 * since the request): finish it in a job of its own. */
static void
late_removal(QemuDriver *drv, VrDomainObj *obj, QemuHpRemoval *r)
{
    QemuMonitor *mon = NULL;

    if (qemu_job_begin(obj, "device-deleted", QEMU_JOB_WAIT_MS) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
        return;
    }
    vr_domain_obj_lock(obj);
    if (vr_domain_obj_is_active(obj) && obj->priv && obj->id == r->dom_id)
        mon = ((QemuDomainPriv *) obj->priv)->mon;
    vr_domain_obj_unlock(obj);
    if (mon) {
        VR_INFO("domain '%s': device '%s' released late", obj->name,
                r->alias);
        rm_finish(drv, obj, mon, r);
    }
    vr_error_reset();
    qemu_job_end(obj);
}

/* Without a table entry (vireod restarted meanwhile): a disk of the live
 * definition with device id @alias; hotplugged disks have format node
 * "vireo-DST-format".  NULL when @alias is no known disk. */
static QemuHpRemoval *
removal_from_def(QemuDriver *drv, VrDomainObj *obj, const char *alias)
{
    g_autoptr(VrDomainDef) def = NULL;

    vr_domain_obj_lock(obj);
    def = obj->def ? vr_domain_def_copy(obj->def) : NULL;
    vr_domain_obj_unlock(obj);
    for (guint i = 0; def && i < def->disks->len; i++) {
        g_autofree char *a = qemu_hp_disk_alias(drv, def, i);
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        QemuHpRemoval *r;

        if (!a || !g_str_equal(a, alias))
            continue;
        r = g_new0(QemuHpRemoval, 1);
        r->alias = g_strdup(alias);
        r->disk_dst = g_strdup(d->dst);
        r->format_node = g_strdup_printf("vireo-%s-format", d->dst);
        r->dom_id = current_id(obj);
        return r;
    }
    vr_error_reset();
    return NULL;
}

void
qemu_hotplug_device_deleted(QemuDriver *drv, VrDomainObj *obj,
                            const VrJson *data)
{
    const char *alias = data ? vr_json_object_get_string(data, "device")
                             : NULL;
    g_autofree char *key = NULL;
    g_autoptr(QemuHpRemoval) late = NULL;
    bool known = false;
    RmEntry *e;

    if (!alias || !*alias)
        return;
    key = rm_key(obj, alias);
    g_mutex_lock(&rm_lock);
    if (rm_table && (e = g_hash_table_lookup(rm_table, key))) {
        known = true;
        if (e->state == RM_WAITING) {
            e->state = RM_DELETED;
            g_cond_broadcast(&rm_cond);
        } else if (e->state == RM_LATE) {
            late = g_steal_pointer(&e->r);
            g_hash_table_remove(rm_table, key);
        }
    }
    g_mutex_unlock(&rm_lock);
    if (!known)
        late = removal_from_def(drv, obj, alias);
    if (late)
        late_removal(drv, obj, late);
}
