/* qemu_snapshot_query.c: the read-only snapshot calls (qemu_snapshot.h):
 * lists with libvirt's filters, lookups, XML, parent, current, children.
 * They read the metadata files (written atomically) without the domain's
 * job.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_driver_priv.h"
#include "drivers/qemu/qemu_snapshot.h"
#include "util/vr_error.h"
#include "util/vr_macros.h"

/* The metadata of @dom's domain (existence checked), owned. */
static GPtrArray *
read_dom(QemuDriver *drv, const QemuDomainRef *dom, char **domname)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj)
        return NULL;
    if (domname)
        *domname = g_strdup(obj->name);
    return qemu_snapshot_read_all(drv, obj->name);
}

static bool
has_children(GPtrArray *all, const char *name)
{
    for (guint i = 0; i < all->len; i++) {
        const VrSnapshotDef *d = all->pdata[i];

        if (g_strcmp0(d->parent, name) == 0)
            return true;
    }
    return false;
}

/* Is @d a strict descendant of @ancestor (at most one level unless
 * @deep)? */
static bool
descends(GPtrArray *all, const VrSnapshotDef *d, const char *ancestor,
         bool deep)
{
    const char *p = d->parent;

    for (guint hops = 0; p && hops <= all->len; hops++) {
        const VrSnapshotDef *up = NULL;

        if (g_str_equal(p, ancestor))
            return true;
        if (!deep)
            return false;
        for (guint i = 0; i < all->len && !up; i++)
            if (g_str_equal(((VrSnapshotDef *) all->pdata[i])->name, p))
                up = all->pdata[i];
        p = up ? up->parent : NULL;
    }
    return false;
}

/* libvirt's filter groups: each group given restricts, none: all. */
static bool
matches(GPtrArray *all, const VrSnapshotDef *d, unsigned int flags)
{
    unsigned int leaves = flags & (QEMU_SNAP_LIST_LEAVES |
                                   QEMU_SNAP_LIST_NO_LEAVES);
    unsigned int states = flags & (QEMU_SNAP_LIST_INACTIVE |
                                   QEMU_SNAP_LIST_ACTIVE |
                                   QEMU_SNAP_LIST_DISK_ONLY);
    unsigned int locs = flags & (QEMU_SNAP_LIST_INTERNAL |
                                 QEMU_SNAP_LIST_EXTERNAL);
    bool leaf = !has_children(all, d->name);
    bool ext = qemu_snapshot_is_external(d);

    if ((flags & QEMU_SNAP_LIST_NO_METADATA) &&
        !(flags & QEMU_SNAP_LIST_METADATA))
        return false;          /* every snapshot here has metadata */
    if (leaves == QEMU_SNAP_LIST_LEAVES && !leaf)
        return false;
    if (leaves == QEMU_SNAP_LIST_NO_LEAVES && leaf)
        return false;
    if (states) {
        bool ok = false;

        if (states & QEMU_SNAP_LIST_INACTIVE)
            ok |= d->state == VR_SNAPSHOT_STATE_SHUTOFF;
        if (states & QEMU_SNAP_LIST_DISK_ONLY)
            ok |= d->state == VR_SNAPSHOT_STATE_DISK_SNAPSHOT;
        if (states & QEMU_SNAP_LIST_ACTIVE)
            ok |= d->state != VR_SNAPSHOT_STATE_SHUTOFF &&
                  d->state != VR_SNAPSHOT_STATE_DISK_SNAPSHOT;
        if (!ok)
            return false;
    }
    if (locs == QEMU_SNAP_LIST_INTERNAL && ext)
        return false;
    if (locs == QEMU_SNAP_LIST_EXTERNAL && !ext)
        return false;
    return true;
}

static int
collect(GPtrArray *all, unsigned int flags, const char *from, bool deep,
        char ***names)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    int n;

    for (guint i = 0; i < all->len; i++) {
        const VrSnapshotDef *d = all->pdata[i];

        if (from && !descends(all, d, from, deep))
            continue;
        if (!from && (flags & QEMU_SNAP_LIST_ROOTS) && d->parent)
            continue;
        if (matches(all, d, flags))
            g_ptr_array_add(out, g_strdup(d->name));
    }
    n = (int) out->len;
    if (names) {
        g_ptr_array_add(out, NULL);
        *names = (char **) g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return n;
}

int
qemu_domain_snapshot_list(QemuDriver *drv, const QemuDomainRef *dom,
                          unsigned int flags, char ***names)
{
    g_autoptr(GPtrArray) all = NULL;

    if (VR_CHECK_FLAGS(flags, QEMU_SNAP_LIST_ALL) < 0 ||
        !(all = read_dom(drv, dom, NULL)))
        return -1;
    return collect(all, flags, NULL, false, names);
}

int
qemu_domain_snapshot_num(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags)
{
    return qemu_domain_snapshot_list(drv, dom, flags, NULL);
}

int
qemu_domain_snapshot_list_children(QemuDriver *drv, const QemuDomainRef *dom,
                                   const char *name, unsigned int flags,
                                   char ***names)
{
    g_autoptr(GPtrArray) all = NULL;

    if (VR_CHECK_FLAGS(flags, QEMU_SNAP_LIST_ALL) < 0 ||
        !(all = read_dom(drv, dom, NULL)) ||
        !qemu_snapshot_find(all, name))
        return -1;
    return collect(all, flags & ~QEMU_SNAP_LIST_DESCENDANTS, name,
                   flags & QEMU_SNAP_LIST_DESCENDANTS, names);
}

/* The snapshot @name of @dom (owned copy). */
static VrSnapshotDef *
get_one(QemuDriver *drv, const QemuDomainRef *dom, const char *name,
        char **domname)
{
    g_autoptr(GPtrArray) all = read_dom(drv, dom, domname);
    VrSnapshotDef *def;

    if (!all || !(def = qemu_snapshot_find(all, name)))
        return NULL;
    return vr_snapshot_def_copy(def);
}

int
qemu_domain_snapshot_lookup(QemuDriver *drv, const QemuDomainRef *dom,
                            const char *name, unsigned int flags)
{
    g_autoptr(VrSnapshotDef) def = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(def = get_one(drv, dom, name, NULL)))
        return -1;
    return 0;
}

char *
qemu_domain_snapshot_get_xml(QemuDriver *drv, const QemuDomainRef *dom,
                             const char *name, unsigned int flags)
{
    g_autoptr(VrSnapshotDef) def = NULL;

    if (VR_CHECK_FLAGS(flags, QEMU_XML_SECURE) < 0 ||
        !(def = get_one(drv, dom, name, NULL)))
        return NULL;
    return vr_snapshot_def_format(def);
}

char *
qemu_domain_snapshot_get_parent(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *name, unsigned int flags)
{
    g_autoptr(VrSnapshotDef) def = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(def = get_one(drv, dom, name, NULL)))
        return NULL;
    if (!def->parent) {
        vr_error_report(VR_ERR_NO_DOMAIN_SNAPSHOT, VR_FROM_QEMU,
                        "snapshot '%s' does not have a parent", name);
        return NULL;
    }
    return g_strdup(def->parent);
}

char *
qemu_domain_snapshot_current(QemuDriver *drv, const QemuDomainRef *dom,
                             unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    char *name;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return NULL;
    if (!(name = qemu_snapshot_current_get(drv, obj->name)))
        vr_error_report(VR_ERR_NO_DOMAIN_SNAPSHOT, VR_FROM_QEMU,
                        "the domain does not have a current snapshot");
    return name;
}

int
qemu_domain_has_current_snapshot(QemuDriver *drv, const QemuDomainRef *dom,
                                 unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *name = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    name = qemu_snapshot_current_get(drv, obj->name);
    return name ? 1 : 0;
}

int
qemu_domain_snapshot_is_current(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *name, unsigned int flags)
{
    g_autoptr(VrSnapshotDef) def = NULL;
    g_autofree char *domname = NULL;
    g_autofree char *cur = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(def = get_one(drv, dom, name, &domname)))
        return -1;
    cur = qemu_snapshot_current_get(drv, domname);
    return g_strcmp0(cur, name) == 0 ? 1 : 0;
}

int
qemu_domain_snapshot_has_metadata(QemuDriver *drv, const QemuDomainRef *dom,
                                  const char *name, unsigned int flags)
{
    g_autoptr(VrSnapshotDef) def = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(def = get_one(drv, dom, name, NULL)))
        return -1;
    return 1;
}
