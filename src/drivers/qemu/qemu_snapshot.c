/* qemu_snapshot.c: snapshot metadata bookkeeping shared with the rest of
 * the driver (load, count, undefine).
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_driver_priv.h"
#include "drivers/qemu/qemu_snapshot.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

/* <state>/qemu/snapshot/DOMAIN (owned). */
static char *
domain_dir(QemuDriver *drv, const char *name)
{
    return g_build_filename(drv->snapshot_dir, name, NULL);
}

/* Number of NAME.xml files in @dir (0 when it does not exist). */
static unsigned int
count_files(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *file;
    unsigned int n = 0;

    while (d && (file = g_dir_read_name(d)))
        if (file[0] != '.' && g_str_has_suffix(file, ".xml"))
            n++;
    return n;
}

void
qemu_snapshot_load_obj(QemuDriver *drv, VrDomainObj *obj)
{
    g_autofree char *dir = domain_dir(drv, obj->name);

    obj->n_snapshots = count_files(dir);
}

int
qemu_domain_snapshot_num(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    int n;

    /* Every DOMAIN_LIST_ALL_SNAPSHOTS filter bit (appendix C). */
    if (VR_CHECK_FLAGS(flags, 0x7ff) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    vr_domain_obj_lock(obj);
    n = (int) obj->n_snapshots;
    vr_domain_obj_unlock(obj);
    return n;
}

static int
remove_all(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *file;

    while (d && (file = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, file, NULL);

        if (unlink(path) < 0 && errno != ENOENT) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot remove snapshot metadata '%s'",
                                   path);
            return -1;
        }
    }
    if (rmdir(dir) < 0 && errno != ENOENT) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot remove directory '%s'", dir);
        return -1;
    }
    return 0;
}

int
qemu_snapshot_undefine(QemuDriver *drv, VrDomainObj *obj, unsigned int flags,
                       bool check)
{
    g_autofree char *dir = domain_dir(drv, obj->name);
    unsigned int n;

    vr_domain_obj_lock(obj);
    n = obj->n_snapshots;
    vr_domain_obj_unlock(obj);
    if (n == 0)
        return 0;
    if (check) {
        if (flags & QEMU_UNDEFINE_SNAPSHOTS_METADATA)
            return 0;
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "cannot delete inactive domain with %u snapshots",
                        n);
        return -1;
    }
    if (remove_all(dir) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    obj->n_snapshots = 0;
    vr_domain_obj_unlock(obj);
    return 0;
}
