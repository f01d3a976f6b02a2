/* daemon_storage.c: the storage driver inside vireod: created with the
 * daemon's paths and wired to the QEMU driver both ways (through the
 * daemon, as DESIGN.md's layers require): "is this volume used by a
 * running domain?" for the storage driver, and <disk type='volume'>
 * resolution for the QEMU driver.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_storage.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "util/vr_error.h"

/* StorageVolInUseFunc: ask the QEMU driver. */
static bool
vol_in_use(const char *path, char **user, void *opaque)
{
    return qemu_driver_path_in_use(opaque, path, user);
}

/* The <format type='X'/> inside <target> of a volume's XML (owned), or
 * NULL when there is none. */
static char *
vol_format_from_xml(const char *xml)
{
    const char *target = strstr(xml, "<target>");
    const char *fmt = target ? strstr(target, "<format type='") : NULL;
    const char *end;

    if (!fmt)
        return NULL;
    fmt += strlen("<format type='");
    end = strchr(fmt, '\'');
    return end ? g_strndup(fmt, end - fmt) : NULL;
}

/* QemuStorageHooks.resolve. */
static int
resolve_volume(const char *pool, const char *volume, char **path,
               char **format, void *opaque)
{
    StorageDriver *drv = opaque;
    StoragePoolRef pref = { 0 };
    StorageVolRef vref = { 0 };
    g_autofree char *xml = NULL;
    int ret = -1;

    if (!pool || !volume) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                        "a volume disk needs both a pool and a volume");
        return -1;
    }
    if (storage_pool_lookup_by_name(drv, pool, &pref) < 0 ||
        storage_vol_lookup_by_name(drv, &pref, volume, &vref) < 0 ||
        !(*path = storage_vol_get_path(drv, &vref)))
        goto cleanup;
    if ((xml = storage_vol_get_xml(drv, &vref, 0)))
        *format = vol_format_from_xml(xml);
    ret = 0;

 cleanup:
    storage_pool_ref_clear(&pref);
    storage_vol_ref_clear(&vref);
    return ret;
}

/* Static: valid however long the QEMU driver keeps a copy. */
static QemuStorageHooks storage_hooks = { .resolve = resolve_volume };

StorageDriver *
daemon_storage_start(const VrPaths *paths, QemuDriver *qemu)
{
    StorageDriver *drv = storage_driver_new(paths);

    if (!drv)
        return NULL;
    storage_driver_set_in_use_callback(drv, vol_in_use, qemu);
    storage_hooks.opaque = drv;
    qemu_driver_set_storage_hooks(qemu, &storage_hooks);
    return drv;
}

void
daemon_storage_free(QemuDriver *qemu, StorageDriver *drv)
{
    if (!drv)
        return;
    if (qemu)
        qemu_driver_set_storage_hooks(qemu, NULL);
    storage_driver_free(drv);
}
