/* qemu_snapshot_revert.c: snapshot-revert and snapshot-delete
 * (qemu_snapshot.h), inside the domain's "snapshot" job.
 *
 * Revert to a snapshot with memory: the vCPUs stop, QEMU loads the state
 * from the qcow2 images (snapshot-load job) and runs again - no reboot
 * (a shut-off domain is started paused first).  Revert to a shut-off
 * snapshot: QEMU stops, qemu-img applies the snapshot to every disk.
 * Events: SUSPENDED, RESUMED, STOPPED, STARTED with detail FROM_SNAPSHOT.
 *
 * The snapshot's <domain> comes back too: it becomes the persistent
 * definition, and a QEMU started from another definition is restarted
 * from it before the state is loaded.  Before anything changes, every
 * image is checked to still hold the snapshot; a revert failing later
 * puts the previous definition back.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_driver_priv.h"
#include "drivers/qemu/qemu_snapshot_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

/* Image paths of @snap's internal disks, in @snap's order (owned,
 * NULL-terminated): the current ones (live definition when running), or
 * with @then those recorded in the snapshot (a disk may have moved to an
 * external overlay since: the internal snapshot stays in the base). */
static char **
internal_paths(VrDomainObj *obj, const VrSnapshotDef *snap, bool then)
{
    GPtrArray *out = g_ptr_array_new();
    const VrDomainDef *def;

    vr_domain_obj_lock(obj);
    def = then && snap->dom ? snap->dom : obj->def;
    for (guint i = 0; i < snap->disks->len; i++) {
        const VrSnapshotDiskDef *s = snap->disks->pdata[i];

        if (s->snapshot != VR_SNAPSHOT_LOCATION_INTERNAL)
            continue;
        for (guint j = 0; j < def->disks->len; j++) {
            const VrDomainDiskDef *d = def->disks->pdata[j];

            if (g_str_equal(d->dst, s->name) && d->src_path)
                g_ptr_array_add(out, g_strdup(d->src_path));
        }
    }
    vr_domain_obj_unlock(obj);
    g_ptr_array_add(out, NULL);
    return (char **) g_ptr_array_free(out, FALSE);
}

static char **
nodes_for(QemuMonitor *mon, char **paths)
{
    g_auto(GStrv) nodes = g_new0(char *, g_strv_length(paths) + 1);

    for (guint i = 0; paths[i]; i++)
        if (!(nodes[i] = qemu_snapshot_node_for(mon, paths[i], NULL, NULL)))
            return NULL;
    return g_steal_pointer(&nodes);
}

static void
set_state(QemuDriver *drv, VrDomainObj *obj, int state, int reason,
          int event, int detail)
{
    qemu_process_set_state(obj, state, reason);
    if (qemu_status_save(drv, obj) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
    qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE, event, detail);
}

/* Load the memory and disk state into the running QEMU. */
static int
revert_live(QemuDriver *drv, VrDomainObj *obj, const VrSnapshotDef *snap,
            bool want_running)
{
    QemuMonitor *mon = qemu_snapshot_mon(obj);
    g_auto(GStrv) paths = internal_paths(obj, snap, false);
    g_auto(GStrv) nodes = NULL;
    bool running;

    vr_domain_obj_lock(obj);
    running = obj->state == VR_DOMAIN_RUNNING;
    vr_domain_obj_unlock(obj);
    if (!paths[0]) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "snapshot '%s' has no internal disk", snap->name);
        return -1;
    }
    if (!(nodes = nodes_for(mon, paths)))
        return -1;
    if (running) {
        if (qemu_monitor_stop(mon) < 0)
            return -1;
        set_state(drv, obj, VR_DOMAIN_PAUSED, QEMU_SNAP_PAUSED_FROM_SNAPSHOT,
                  QEMU_EVENT_SUSPENDED, QEMU_SNAP_DETAIL_SUSPENDED);
    }
    if (qemu_snapshot_qmp_job(mon, "snapshot-load", snap->name, nodes[0],
                              nodes) < 0)
        return -1;
    if (!want_running) {
        qemu_process_set_state(obj, VR_DOMAIN_PAUSED,
                               QEMU_SNAP_PAUSED_FROM_SNAPSHOT);
        return qemu_status_save(drv, obj);
    }
    if (qemu_monitor_cont(mon) < 0)
        return -1;
    set_state(drv, obj, VR_DOMAIN_RUNNING, QEMU_SNAP_RUNNING_FROM_SNAPSHOT,
              QEMU_EVENT_RESUMED, QEMU_SNAP_DETAIL_RESUMED);
    return 0;
}

/* Revert to a snapshot without memory: disks only, QEMU stopped. */
static int
revert_disks(QemuDriver *drv, VrDomainObj *obj, const VrSnapshotDef *snap,
             unsigned int flags)
{
    g_auto(GStrv) paths = NULL;

    if (qemu_snapshot_mon(obj))
        qemu_process_stop(drv, obj, QEMU_SNAP_SHUTOFF_FROM_SNAPSHOT,
                          QEMU_SNAP_DETAIL_STOPPED);
    paths = internal_paths(obj, snap, false);
    for (guint i = 0; paths[i]; i++)
        if (qemu_snapshot_img("-a", snap->name, paths[i]) < 0)
            return -1;
    if (!(flags & (QEMU_SNAP_REVERT_RUNNING | QEMU_SNAP_REVERT_PAUSED)))
        return 0;
    return qemu_process_start(drv, obj, flags & QEMU_SNAP_REVERT_PAUSED ?
                              QEMU_START_PAUSED : 0, NULL);
}

/* Before anything changes: every internal disk of @snap still holds the
 * snapshot (an image edited behind our back must not leave the domain
 * half reverted).  0 or -1 reported. */
static int
check_images(VrDomainObj *obj, const VrSnapshotDef *snap)
{
    g_auto(GStrv) paths = internal_paths(obj, snap, false);

    for (guint i = 0; paths[i]; i++) {
        int has = qemu_snapshot_img_has(snap->name, paths[i]);

        if (has < 0)
            return -1;
        if (!has) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "cannot revert to snapshot '%s': image '%s' "
                            "no longer holds it", snap->name, paths[i]);
            return -1;
        }
    }
    return 0;
}

/* Do @a and @b describe the same domain, as the inactive XML shows it? */
static bool
same_definition(const VrDomainDef *a, const VrDomainDef *b)
{
    unsigned int fl = VR_DOMAIN_FORMAT_INACTIVE | VR_DOMAIN_FORMAT_SECURE;
    g_autofree char *x = vr_domain_def_format(a, -1, fl);
    g_autofree char *y = vr_domain_def_format(b, -1, fl);

    return x && y && g_str_equal(x, y);
}

/* Put the snapshot's definition back as the persistent one (libvirt:
 * reverting restores the definition saved in the snapshot).  *@old gets
 * the previous one for a rollback (NULL when nothing changed); *@defined
 * says whether the snapshot's definition is the persistent one now (for
 * libvirt's DEFINED event, even when it was already). */
static int
restore_definition(QemuDriver *drv, VrDomainObj *obj,
                   const VrSnapshotDef *snap, VrDomainDef **old,
                   bool *defined)
{
    g_autoptr(VrDomainDef) prev = NULL;

    *old = NULL;
    vr_domain_obj_lock(obj);
    if (obj->persistent)
        prev = vr_domain_def_copy(obj->new_def ? obj->new_def : obj->def);
    vr_domain_obj_unlock(obj);
    *defined = prev && snap->dom;
    if (!*defined || same_definition(prev, snap->dom))
        return 0;
    if (qemu_domain_define_quiet(drv, snap->dom) < 0)
        return -1;
    VR_INFO("domain '%s': definition of snapshot '%s' restored", obj->name,
            snap->name);
    *old = g_steal_pointer(&prev);
    return 0;
}

/* A failed revert puts the previous persistent definition back, keeping
 * the revert's error. */
static void
rollback_definition(QemuDriver *drv, VrDomainDef *old)
{
    g_autoptr(VrError) err = vr_error_copy_last();

    if (old && qemu_domain_define_quiet(drv, old) < 0)
        VR_WARN("previous definition not restored: %s", vr_error_message());
    if (err)
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
}

/* The running QEMU was started from another definition than the
 * snapshot's (a device attached since, say): the snapshot's state can
 * only be loaded into a QEMU started from the snapshot's definition. */
static void
stop_if_other_definition(QemuDriver *drv, VrDomainObj *obj,
                         const VrSnapshotDef *snap)
{
    bool other;

    vr_domain_obj_lock(obj);
    other = vr_domain_obj_is_active(obj) && obj->persistent && snap->dom &&
            !same_definition(obj->def, snap->dom);
    vr_domain_obj_unlock(obj);
    if (!other)
        return;
    VR_INFO("domain '%s': restarting QEMU with the definition of snapshot "
            "'%s'", obj->name, snap->name);
    qemu_process_stop(drv, obj, QEMU_SNAP_SHUTOFF_FROM_SNAPSHOT,
                      QEMU_SNAP_DETAIL_STOPPED);
}

static int
revert_state(QemuDriver *drv, VrDomainObj *obj, const VrSnapshotDef *snap,
             unsigned int flags)
{
    bool want_running = flags & QEMU_SNAP_REVERT_RUNNING ? true :
                        flags & QEMU_SNAP_REVERT_PAUSED ? false :
                        snap->state == VR_SNAPSHOT_STATE_RUNNING;

    if (snap->memory != VR_SNAPSHOT_LOCATION_INTERNAL)
        return revert_disks(drv, obj, snap, flags);
    stop_if_other_definition(drv, obj, snap);
    if (!qemu_snapshot_mon(obj) &&
        qemu_process_start(drv, obj, QEMU_START_PAUSED, NULL) < 0)
        return -1;
    return revert_live(drv, obj, snap, want_running);
}

static int
revert_in_job(QemuDriver *drv, VrDomainObj *obj, const char *name,
              unsigned int flags)
{
    g_autoptr(GPtrArray) all = qemu_snapshot_read_all(drv, obj->name);
    const VrSnapshotDef *snap = all ? qemu_snapshot_find(all, name) : NULL;
    g_autoptr(VrDomainDef) old = NULL;
    bool defined = false;

    if (!snap)
        return -1;
    if (qemu_snapshot_is_external(snap)) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "revert to external snapshot not supported yet");
        return -1;
    }
    if (check_images(obj, snap) < 0 ||
        restore_definition(drv, obj, snap, &old, &defined) < 0)
        return -1;
    if (revert_state(drv, obj, snap, flags) < 0) {
        rollback_definition(drv, old);
        return -1;
    }
    VR_INFO("domain '%s': reverted to snapshot '%s'", obj->name, name);
    /* libvirt: after the state events, DEFINED / FROM_SNAPSHOT when the
     * snapshot's definition is (again) the persistent one */
    if (defined)
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_DEFINED, QEMU_SNAP_DETAIL_DEFINED);
    return qemu_snapshot_current_set(drv, obj->name, name);
}

int
qemu_domain_snapshot_revert(QemuDriver *drv, const QemuDomainRef *dom,
                            const char *name, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    int rc;

    if (VR_CHECK_FLAGS(flags, QEMU_SNAP_REVERT_RUNNING |
                              QEMU_SNAP_REVERT_PAUSED |
                              QEMU_SNAP_REVERT_FORCE) < 0)
        return -1;
    if ((flags & QEMU_SNAP_REVERT_RUNNING) &&
        (flags & QEMU_SNAP_REVERT_PAUSED)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "flags 'running' and 'paused' are mutually "
                        "exclusive");
        return -1;
    }
    if (!(obj = qemu_driver_get_obj(drv, dom)) ||
        qemu_job_begin(obj, "snapshot", QEMU_JOB_WAIT_MS) < 0)
        return -1;
    rc = revert_in_job(drv, obj, name, flags);
    qemu_job_end(obj);
    return rc;
}

/* ---- delete ---- */

static bool
is_descendant(GPtrArray *all, const VrSnapshotDef *d, const char *of)
{
    const char *p = d->parent;

    for (guint hops = 0; p && hops <= all->len; hops++) {
        const VrSnapshotDef *up = NULL;

        if (g_str_equal(p, of))
            return true;
        for (guint i = 0; i < all->len && !up; i++)
            if (g_str_equal(((VrSnapshotDef *) all->pdata[i])->name, p))
                up = all->pdata[i];
        p = up ? up->parent : NULL;
    }
    return false;
}

/* Remove @snap's data from the images (internal only). */
static int
discard(VrDomainObj *obj, const VrSnapshotDef *snap)
{
    QemuMonitor *mon = qemu_snapshot_mon(obj);
    g_auto(GStrv) paths = internal_paths(obj, snap, true);
    g_auto(GStrv) nodes = NULL;

    if (!paths[0])
        return 0;
    if (mon) {
        if (!(nodes = nodes_for(mon, paths)))
            return -1;
        return qemu_snapshot_qmp_job(mon, "snapshot-delete", snap->name,
                                     NULL, nodes);
    }
    for (guint i = 0; paths[i]; i++)
        if (qemu_snapshot_img("-d", snap->name, paths[i]) < 0)
            return -1;
    return 0;
}

/* Children of the deleted @target now hang from its parent. */
static int
reparent(QemuDriver *drv, VrDomainObj *obj, GPtrArray *all,
         const VrSnapshotDef *target)
{
    for (guint i = 0; i < all->len; i++) {
        VrSnapshotDef *d = all->pdata[i];

        if (g_strcmp0(d->parent, target->name) != 0)
            continue;
        g_free(d->parent);
        d->parent = g_strdup(target->parent);
        if (qemu_snapshot_write(drv, obj, d) < 0)
            return -1;
    }
    return 0;
}

static int
delete_in_job(QemuDriver *drv, VrDomainObj *obj, const char *name,
              unsigned int flags)
{
    g_autoptr(GPtrArray) all = qemu_snapshot_read_all(drv, obj->name);
    g_autoptr(GPtrArray) victims = g_ptr_array_new();
    g_autofree char *cur = qemu_snapshot_current_get(drv, obj->name);
    bool kids = flags & (QEMU_SNAP_DELETE_CHILDREN |
                         QEMU_SNAP_DELETE_CHILDREN_ONLY);
    bool cur_gone = false;
    VrSnapshotDef *target = all ? qemu_snapshot_find(all, name) : NULL;

    if (!target)
        return -1;
    for (guint i = all->len; i-- > 0;) {
        VrSnapshotDef *d = all->pdata[i];

        if ((kids && is_descendant(all, d, name)) ||
            (d == target && !(flags & QEMU_SNAP_DELETE_CHILDREN_ONLY)))
            g_ptr_array_add(victims, d);
    }
    for (guint i = 0; i < victims->len; i++) {
        if (!(flags & QEMU_SNAP_DELETE_METADATA_ONLY) &&
            qemu_snapshot_is_external(victims->pdata[i])) {
            vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                            "deletion of external disk snapshot '%s' is "
                            "not supported: use --metadata to remove only "
                            "its metadata",
                            ((VrSnapshotDef *) victims->pdata[i])->name);
            return -1;
        }
    }
    for (guint i = 0; i < victims->len; i++) {
        VrSnapshotDef *d = victims->pdata[i];

        if (!(flags & QEMU_SNAP_DELETE_METADATA_ONLY) && discard(obj, d) < 0)
            return -1;
        if (qemu_snapshot_remove(drv, obj, d->name) < 0)
            return -1;
        cur_gone |= g_strcmp0(cur, d->name) == 0;
    }
    if (!kids && reparent(drv, obj, all, target) < 0)
        return -1;
    if (!cur_gone)
        return 0;
    return qemu_snapshot_current_set(drv, obj->name,
                                     flags & QEMU_SNAP_DELETE_CHILDREN_ONLY
                                     ? target->name : target->parent);
}

int
qemu_domain_snapshot_delete(QemuDriver *drv, const QemuDomainRef *dom,
                            const char *name, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    int rc;

    if (VR_CHECK_FLAGS(flags, QEMU_SNAP_DELETE_CHILDREN |
                              QEMU_SNAP_DELETE_METADATA_ONLY |
                              QEMU_SNAP_DELETE_CHILDREN_ONLY) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)) ||
        qemu_job_begin(obj, "snapshot", QEMU_JOB_WAIT_MS) < 0)
        return -1;
    rc = delete_in_job(drv, obj, name, flags);
    qemu_job_end(obj);
    return rc;
}
