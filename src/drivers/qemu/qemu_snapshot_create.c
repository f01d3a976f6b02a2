/* qemu_snapshot_create.c: snapshot-create (qemu_snapshot.h) inside the
 * domain's "snapshot" job: decide the locations (internal with memory
 * when running, internal disks only when shut off, external overlays for
 * disk-only snapshots), take the snapshot, then record its metadata and
 * make it current.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_hotplug_priv.h"
#include "drivers/qemu/qemu_snapshot_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define CREATE_FLAGS (QEMU_SNAP_CREATE_REDEFINE | QEMU_SNAP_CREATE_CURRENT | \
                      QEMU_SNAP_CREATE_NO_METADATA | QEMU_SNAP_CREATE_HALT | \
                      QEMU_SNAP_CREATE_DISK_ONLY | \
                      QEMU_SNAP_CREATE_REUSE_EXT | QEMU_SNAP_CREATE_ATOMIC | \
                      QEMU_SNAP_CREATE_LIVE | QEMU_SNAP_CREATE_VALIDATE)

static VrDomainDiskDef *
dom_disk(const VrDomainDef *dom, const char *dst)
{
    for (guint i = 0; i < dom->disks->len; i++) {
        VrDomainDiskDef *d = dom->disks->pdata[i];

        if (g_str_equal(d->dst, dst))
            return d;
    }
    return NULL;
}

/* Locations: memory, default disk location, state. */
static int
plan(VrSnapshotDef *def, const VrDomainDef *dom, int state, bool active,
     unsigned int flags)
{
    bool disk_only = flags & QEMU_SNAP_CREATE_DISK_ONLY;
    VrSnapshotLocation want;

    if (def->memory == VR_SNAPSHOT_LOCATION_EXTERNAL) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "external memory snapshots are not supported: use "
                        "an internal snapshot or --disk-only");
        return -1;
    }
    if (disk_only) {
        if (def->memory == VR_SNAPSHOT_LOCATION_INTERNAL) {
            vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                            "disk-only snapshot cannot include the memory "
                            "state");
            return -1;
        }
        def->memory = VR_SNAPSHOT_LOCATION_NO;
        def->state = VR_SNAPSHOT_STATE_DISK_SNAPSHOT;
    } else {
        if (def->memory == VR_SNAPSHOT_LOCATION_DEFAULT)
            def->memory = active ? VR_SNAPSHOT_LOCATION_INTERNAL
                                 : VR_SNAPSHOT_LOCATION_NO;
        if (active && def->memory == VR_SNAPSHOT_LOCATION_NO) {
            vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                            "a snapshot of running domain '%s' without its "
                            "memory must be disk-only (--disk-only)",
                            dom->name);
            return -1;
        }
        def->state = state;
    }
    want = disk_only ? VR_SNAPSHOT_LOCATION_EXTERNAL
                     : VR_SNAPSHOT_LOCATION_INTERNAL;
    return vr_snapshot_def_align(def, dom, want);
}

/* Every disk entry internal/external as planned, internal ones qcow2. */
static int
check_disks(const VrSnapshotDef *def, const VrDomainDef *dom, bool disk_only)
{
    unsigned int n = 0;

    for (guint i = 0; i < def->disks->len; i++) {
        const VrSnapshotDiskDef *s = def->disks->pdata[i];
        const VrDomainDiskDef *d = dom_disk(dom, s->name);

        if (s->snapshot == VR_SNAPSHOT_LOCATION_NO)
            continue;
        n++;
        if ((s->snapshot == VR_SNAPSHOT_LOCATION_EXTERNAL) != disk_only) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "mixing internal and external targets for a "
                            "snapshot is not yet supported");
            return -1;
        }
        if (!disk_only && g_strcmp0(d->driver_type, "qcow2") != 0) {
            vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                            "internal snapshot for disk %s unsupported for "
                            "storage type %s: only qcow2 disks can hold "
                            "internal snapshots (use --disk-only for an "
                            "external overlay)", s->name,
                            d->driver_type ? d->driver_type : "raw");
            return -1;
        }
        if (!d->src_path) {
            vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                            "disk '%s' has no source to snapshot", s->name);
            return -1;
        }
    }
    if (n == 0) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "domain '%s' has no disk to snapshot", dom->name);
        return -1;
    }
    return 0;
}

/* Image paths of the entries at @loc (NULL-terminated, owned). */
static char **
paths_at(const VrSnapshotDef *def, const VrDomainDef *dom,
         VrSnapshotLocation loc)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < def->disks->len; i++) {
        const VrSnapshotDiskDef *s = def->disks->pdata[i];

        const VrDomainDiskDef *d = dom_disk(dom, s->name);

        if (s->snapshot == loc && d)
            g_ptr_array_add(out, g_strdup(d->src_path));
    }
    g_ptr_array_add(out, NULL);
    return (char **) g_ptr_array_free(out, FALSE);
}

static int
internal_live(QemuMonitor *mon, const char *tag, char **paths)
{
    g_auto(GStrv) nodes = g_new0(char *, g_strv_length(paths) + 1);

    for (guint i = 0; paths[i]; i++)
        if (!(nodes[i] = qemu_snapshot_node_for(mon, paths[i], NULL, NULL)))
            return -1;
    return qemu_snapshot_qmp_job(mon, "snapshot-save", tag, nodes[0], nodes);
}

static int
internal_offline(const char *tag, char **paths)
{
    for (guint i = 0; paths[i]; i++) {
        if (qemu_snapshot_img("-c", tag, paths[i]) < 0) {
            while (i-- > 0)
                if (qemu_snapshot_img("-d", tag, paths[i]) < 0)
                    VR_WARN("%s", vr_error_message());
            return -1;
        }
    }
    return 0;
}

/* ---- external (disk-only) ---- */

typedef struct {
    const VrSnapshotDiskDef *snap;
    const VrDomainDiskDef *disk;
    char *node;              /* the disk's current top node (running) */
    char *overlay_node;
    bool created;            /* we created the overlay file */
} ExtDisk;

static void
ext_clear(GArray *disks, bool failed)
{
    for (guint i = 0; i < disks->len; i++) {
        ExtDisk *e = &g_array_index(disks, ExtDisk, i);

        if (failed && e->created && unlink(e->snap->src_file) < 0)
            VR_WARN("cannot remove '%s': %s", e->snap->src_file,
                    g_strerror(errno));
        g_free(e->node);
        g_free(e->overlay_node);
    }
}

static int
ext_prepare_one(QemuDriver *drv, QemuMonitor *mon, ExtDisk *e,
                unsigned int flags)
{
    const char *file = e->snap->src_file;
    bool exists = access(file, F_OK) == 0;
    unsigned long long size = 0;

    if (exists && !(flags & QEMU_SNAP_CREATE_REUSE_EXT)) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "external snapshot file for disk %s already exists "
                        "and is not a block device: %s", e->snap->name, file);
        return -1;
    }
    if (mon && !(e->node = qemu_snapshot_node_for(mon, e->disk->src_path,
                                                  &size, NULL)))
        return -1;
    if (!exists) {
        if (qemu_snapshot_img_overlay(file, e->disk->src_path,
                                      e->disk->driver_type, size) < 0)
            return -1;
        e->created = true;
    }
    if (mon && drv->qemu_uid != (uid_t) -1 &&
        chown(file, drv->qemu_uid, drv->qemu_gid) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot hand '%s' to the QEMU user", file);
        return -1;
    }
    return 0;
}

static int
blockdev_add(QemuMonitor *mon, ExtDisk *e, unsigned int n)
{
    gint64 now = g_get_real_time();
    g_autofree char *storage = g_strdup_printf("vs%llx-%u-s",
                                               (long long) now, n);
    VrJson *file = vr_json_new_object();
    VrJson *fmt = vr_json_new_object();

    e->overlay_node = g_strdup_printf("vs%llx-%u-f", (long long) now, n);
    vr_json_object_set_string(file, "driver", "file");
    vr_json_object_set_string(file, "node-name", storage);
    vr_json_object_set_string(file, "filename", e->snap->src_file);
    if (qemu_monitor_command(mon, "blockdev-add", file, NULL, 0) < 0) {
        vr_json_free(fmt);
        return -1;
    }
    vr_json_object_set_string(fmt, "driver", "qcow2");
    vr_json_object_set_string(fmt, "node-name", e->overlay_node);
    vr_json_object_set_string(fmt, "file", storage);
    vr_json_object_set(fmt, "backing", vr_json_new_null());
    return qemu_monitor_command(mon, "blockdev-add", fmt, NULL, 0);
}

/* One transaction: every disk switches to its overlay, or none does. */
static int
ext_switch(QemuMonitor *mon, GArray *disks)
{
    VrJson *args = vr_json_new_object();
    VrJson *actions = vr_json_new_array();

    for (guint i = 0; i < disks->len; i++) {
        ExtDisk *e = &g_array_index(disks, ExtDisk, i);
        VrJson *act = vr_json_new_object();
        VrJson *data = vr_json_new_object();

        vr_json_object_set_string(data, "node", e->node);
        vr_json_object_set_string(data, "overlay", e->overlay_node);
        vr_json_object_set_string(act, "type", "blockdev-snapshot");
        vr_json_object_set(act, "data", data);
        vr_json_array_append(actions, act);
    }
    vr_json_object_set(args, "actions", actions);
    return qemu_monitor_command(mon, "transaction", args, NULL, 0);
}

/* The definitions (live and persistent) now use the overlays. */
static int
ext_update_defs(QemuDriver *drv, VrDomainObj *obj, GArray *disks,
                bool active)
{
    g_autoptr(VrDomainDef) pdef = NULL;
    bool persistent;

    vr_domain_obj_lock(obj);
    persistent = obj->persistent;
    for (guint i = 0; active && i < disks->len; i++) {
        ExtDisk *e = &g_array_index(disks, ExtDisk, i);
        VrDomainDiskDef *d = dom_disk(obj->def, e->snap->name);

        if (!d)
            continue;
        g_free(d->src_path);
        d->src_path = g_strdup(e->snap->src_file);
        g_free(d->driver_type);
        d->driver_type = g_strdup("qcow2");
    }
    vr_domain_obj_unlock(obj);
    if (active && qemu_status_save(drv, obj) < 0)
        return -1;
    if (!persistent)
        return 0;
    pdef = qemu_hp_persistent_copy(obj);
    for (guint i = 0; i < disks->len; i++) {
        ExtDisk *e = &g_array_index(disks, ExtDisk, i);
        VrDomainDiskDef *d = dom_disk(pdef, e->snap->name);

        if (!d || g_strcmp0(d->src_path, e->disk->src_path) != 0)
            continue;        /* the persistent disk differs: leave it */
        g_free(d->src_path);
        d->src_path = g_strdup(e->snap->src_file);
        g_free(d->driver_type);
        d->driver_type = g_strdup("qcow2");
    }
    return qemu_hp_save_config(drv, pdef);
}

static int
external(QemuDriver *drv, VrDomainObj *obj, const VrSnapshotDef *def,
         const VrDomainDef *dom, QemuMonitor *mon, unsigned int flags)
{
    g_autoptr(GArray) disks = g_array_new(FALSE, TRUE, sizeof(ExtDisk));
    int rc = -1;

    for (guint i = 0; i < def->disks->len; i++) {
        ExtDisk e = { .snap = def->disks->pdata[i] };

        if (e.snap->snapshot != VR_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        e.disk = dom_disk(dom, e.snap->name);
        g_array_append_val(disks, e);
    }
    for (guint i = 0; i < disks->len; i++) {
        ExtDisk *e = &g_array_index(disks, ExtDisk, i);

        if (ext_prepare_one(drv, mon, e, flags) < 0 ||
            (mon && blockdev_add(mon, e, i) < 0))
            goto out;
    }
    if (mon && ext_switch(mon, disks) < 0)
        goto out;
    rc = ext_update_defs(drv, obj, disks, mon != NULL);
 out:
    ext_clear(disks, rc < 0);
    return rc;
}

/* ---- the call ---- */

static int
take(QemuDriver *drv, VrDomainObj *obj, VrSnapshotDef *def,
     const VrDomainDef *dom, unsigned int flags)
{
    QemuMonitor *mon = qemu_snapshot_mon(obj);
    g_auto(GStrv) paths = NULL;

    if (flags & QEMU_SNAP_CREATE_DISK_ONLY)
        return external(drv, obj, def, dom, mon, flags);
    paths = paths_at(def, dom, VR_SNAPSHOT_LOCATION_INTERNAL);
    if (mon)
        return internal_live(mon, def->name, paths);
    return internal_offline(def->name, paths);
}

static int
finish(QemuDriver *drv, VrDomainObj *obj, const VrSnapshotDef *def,
       unsigned int flags)
{
    if ((flags & QEMU_SNAP_CREATE_HALT) && qemu_snapshot_mon(obj))
        qemu_process_stop(drv, obj, QEMU_SNAP_SHUTOFF_FROM_SNAPSHOT,
                          QEMU_SNAP_DETAIL_STOPPED);
    if (flags & QEMU_SNAP_CREATE_NO_METADATA)
        return 0;
    if (qemu_snapshot_write(drv, obj, def) < 0 ||
        qemu_snapshot_current_set(drv, obj->name, def->name) < 0)
        return -1;
    VR_INFO("domain '%s': snapshot '%s' created", obj->name, def->name);
    return 0;
}

static int
redefine(QemuDriver *drv, VrDomainObj *obj, VrSnapshotDef *def,
         unsigned int flags)
{
    if (!def->dom) {
        vr_domain_obj_lock(obj);
        def->dom = vr_domain_def_copy(obj->new_def ? obj->new_def : obj->def);
        vr_domain_obj_unlock(obj);
    }
    if (qemu_snapshot_write(drv, obj, def) < 0)
        return -1;
    if ((flags & QEMU_SNAP_CREATE_CURRENT) &&
        qemu_snapshot_current_set(drv, obj->name, def->name) < 0)
        return -1;
    return 0;
}

static int
create_in_job(QemuDriver *drv, VrDomainObj *obj, VrSnapshotDef *def,
              unsigned int flags)
{
    g_autoptr(GPtrArray) all = qemu_snapshot_read_all(drv, obj->name);
    g_autoptr(VrDomainDef) dom = NULL;
    bool active;
    int state;

    if (!all)
        return -1;
    for (guint i = 0; i < all->len; i++) {
        if (g_str_equal(((VrSnapshotDef *) all->pdata[i])->name, def->name) &&
            !(flags & QEMU_SNAP_CREATE_REDEFINE)) {
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                            "domain snapshot '%s' already exists",
                            def->name);
            return -1;
        }
    }
    if (flags & QEMU_SNAP_CREATE_REDEFINE)
        return redefine(drv, obj, def, flags);
    vr_domain_obj_lock(obj);
    active = vr_domain_obj_is_active(obj);
    state = active ? obj->state : VR_DOMAIN_SHUTOFF;
    dom = vr_domain_def_copy(obj->def);
    vr_domain_obj_unlock(obj);
    if (plan(def, dom, state, active, flags) < 0 ||
        check_disks(def, dom, flags & QEMU_SNAP_CREATE_DISK_ONLY) < 0)
        return -1;
    def->parent = qemu_snapshot_current_get(drv, obj->name);
    def->dom = g_steal_pointer(&dom);
    if (take(drv, obj, def, def->dom, flags) < 0)
        return -1;
    return finish(drv, obj, def, flags);
}

char *
qemu_domain_snapshot_create(QemuDriver *drv, const QemuDomainRef *dom,
                            const char *xml, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autoptr(VrSnapshotDef) def = NULL;
    unsigned int pflags = 0;
    int rc;

    if (VR_CHECK_FLAGS(flags, CREATE_FLAGS) < 0)
        return NULL;
    if (flags & QEMU_SNAP_CREATE_VALIDATE)
        pflags |= VR_SNAPSHOT_PARSE_VALIDATE;
    if (flags & QEMU_SNAP_CREATE_REDEFINE)
        pflags |= VR_SNAPSHOT_PARSE_REDEFINE;
    if (!(def = vr_snapshot_def_parse_string(xml, pflags)) ||
        !(obj = qemu_driver_get_obj(drv, dom)) ||
        qemu_job_begin(obj, "snapshot", QEMU_JOB_WAIT_MS) < 0)
        return NULL;
    rc = create_in_job(drv, obj, def, flags);
    qemu_job_end(obj);
    return rc < 0 ? NULL : g_strdup(def->name);
}
