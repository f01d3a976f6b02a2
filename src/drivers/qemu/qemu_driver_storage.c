/* qemu_driver_storage.c: what the QEMU driver shares with the storage
 * driver, through the daemon (DESIGN.md layers): which running domain
 * uses a file or device, and resolving <disk type='volume'> sources to a
 * path when a domain starts (QemuStorageHooks).
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_domain_obj.h"
#include "drivers/qemu/qemu_driver_priv.h"
#include "util/vr_error.h"

void
qemu_driver_set_storage_hooks(QemuDriver *drv, const QemuStorageHooks *hooks)
{
    if (hooks)
        drv->storage_hooks = *hooks;
    else
        memset(&drv->storage_hooks, 0, sizeof(drv->storage_hooks));
}

/* Does @def (a running domain's live definition) use @path? */
static bool
def_uses_path(const VrDomainDef *def, const char *path)
{
    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->src_path && strcmp(d->src_path, path) == 0)
            return true;
    }
    return false;
}

bool
qemu_driver_path_in_use(QemuDriver *drv, const char *path, char **user)
{
    g_autoptr(GPtrArray) objs = NULL;

    vr_error_reset();
    objs = vr_domain_obj_list_collect(drv->domains, VR_LIST_DOMAINS_ACTIVE);
    for (guint i = 0; objs && i < objs->len; i++) {
        VrDomainObj *obj = g_ptr_array_index(objs, i);
        bool used;

        vr_domain_obj_lock(obj);
        used = vr_domain_obj_is_active(obj) && obj->def &&
               def_uses_path(obj->def, path);
        if (used && user)
            *user = g_strdup(obj->name);
        vr_domain_obj_unlock(obj);
        if (used)
            return true;
    }
    return false;
}

int
qemu_storage_resolve_disks(QemuDriver *drv, VrDomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        g_autofree char *path = NULL;
        g_autofree char *format = NULL;

        if (d->type != VR_DOMAIN_DISK_TYPE_VOLUME || !d->src_volume)
            continue;
        if (!drv->storage_hooks.resolve) {
            vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_QEMU,
                            "disk '%s': storage volumes cannot be used "
                            "without the storage driver", d->dst);
            return -1;
        }
        if (drv->storage_hooks.resolve(d->src_pool, d->src_volume, &path,
                                       &format,
                                       drv->storage_hooks.opaque) < 0) {
            vr_error_prefix("disk '%s': ", d->dst);
            return -1;
        }
        g_free(d->src_path);
        d->src_path = g_steal_pointer(&path);
        if (!d->driver_type && format)
            d->driver_type = g_steal_pointer(&format);
    }
    return 0;
}
