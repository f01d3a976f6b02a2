/* qemu_snapshot.c: snapshot metadata bookkeeping (qemu_snapshot.h): the
 * store under <state>/qemu/snapshot/DOMAIN (NAME.xml per snapshot and
 * .current), shared with the rest of the driver (load, count, undefine).
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

#define CURRENT_FILE ".current"
#define MAX_META (16 * 1024 * 1024)

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

/* ---- the store ---- */

static char *
meta_path(QemuDriver *drv, const char *dom, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(drv->snapshot_dir, dom, file, NULL);
}

static gint
by_time(gconstpointer a, gconstpointer b)
{
    const VrSnapshotDef *x = *(VrSnapshotDef *const *) a;
    const VrSnapshotDef *y = *(VrSnapshotDef *const *) b;

    if (x->creation_time != y->creation_time)
        return x->creation_time < y->creation_time ? -1 : 1;
    return strcmp(x->name, y->name);
}

static VrSnapshotDef *
read_one(const char *path)
{
    g_autofree char *xml = NULL;
    VrSnapshotDef *def;

    if (vr_file_read_all(path, MAX_META, &xml, NULL) < 0)
        return NULL;
    if (!(def = vr_snapshot_def_parse_string(xml,
                                             VR_SNAPSHOT_PARSE_REDEFINE))) {
        vr_error_prefix("snapshot metadata '%s': ", path);
        return NULL;
    }
    return def;
}

GPtrArray *
qemu_snapshot_read_all(QemuDriver *drv, const char *dom)
{
    g_autofree char *dir = domain_dir(drv, dom);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) all =
        g_ptr_array_new_with_free_func((GDestroyNotify) vr_snapshot_def_free);
    const char *file;

    while (d && (file = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        VrSnapshotDef *def;

        if (file[0] == '.' || !g_str_has_suffix(file, ".xml"))
            continue;
        path = g_build_filename(dir, file, NULL);
        if (!(def = read_one(path)))
            return NULL;
        g_ptr_array_add(all, def);
    }
    g_ptr_array_sort(all, by_time);
    return g_steal_pointer(&all);
}

VrSnapshotDef *
qemu_snapshot_find(GPtrArray *all, const char *name)
{
    for (guint i = 0; i < all->len; i++) {
        VrSnapshotDef *def = all->pdata[i];

        if (g_str_equal(def->name, name))
            return def;
    }
    vr_error_report(VR_ERR_NO_DOMAIN_SNAPSHOT, VR_FROM_QEMU,
                    "no domain snapshot with matching name '%s'", name);
    return NULL;
}

static void
recount(QemuDriver *drv, VrDomainObj *obj)
{
    g_autofree char *dir = domain_dir(drv, obj->name);
    unsigned int n = count_files(dir);

    vr_domain_obj_lock(obj);
    obj->n_snapshots = n;
    vr_domain_obj_unlock(obj);
}

int
qemu_snapshot_write(QemuDriver *drv, VrDomainObj *obj,
                    const VrSnapshotDef *def)
{
    g_autofree char *dir = domain_dir(drv, obj->name);
    g_autofree char *path = meta_path(drv, obj->name, def->name);
    g_autofree char *xml = vr_snapshot_def_format(def);

    if (vr_dir_create(dir, 0700) < 0 ||
        vr_file_write_atomic(path, xml, strlen(xml), 0600) < 0)
        return -1;
    recount(drv, obj);
    return 0;
}

int
qemu_snapshot_remove(QemuDriver *drv, VrDomainObj *obj, const char *name)
{
    g_autofree char *path = meta_path(drv, obj->name, name);

    if (vr_file_remove_durable(path) < 0)
        return -1;
    recount(drv, obj);
    return 0;
}

char *
qemu_snapshot_current_get(QemuDriver *drv, const char *dom)
{
    g_autofree char *path = g_build_filename(drv->snapshot_dir, dom,
                                             CURRENT_FILE, NULL);
    char *name = NULL;

    if (!g_file_get_contents(path, &name, NULL, NULL))
        return NULL;
    g_strchomp(name);
    if (!*name)
        g_clear_pointer(&name, g_free);
    return name;
}

int
qemu_snapshot_current_set(QemuDriver *drv, const char *dom, const char *name)
{
    g_autofree char *dir = domain_dir(drv, dom);
    g_autofree char *path = g_build_filename(dir, CURRENT_FILE, NULL);
    g_autofree char *text = g_strdup_printf("%s\n", name ? name : "");

    if (vr_dir_create(dir, 0700) < 0)
        return -1;
    return vr_file_write_atomic(path, text, strlen(text), 0600);
}

bool
qemu_snapshot_is_external(const VrSnapshotDef *def)
{
    if (def->memory == VR_SNAPSHOT_LOCATION_EXTERNAL)
        return true;
    for (guint i = 0; i < def->disks->len; i++) {
        const VrSnapshotDiskDef *d = def->disks->pdata[i];

        if (d->snapshot == VR_SNAPSHOT_LOCATION_EXTERNAL)
            return true;
    }
    return false;
}
