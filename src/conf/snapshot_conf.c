/* snapshot_conf.c: the snapshot definition's lifetime (new, copy, free),
 * its enums, validation and alignment with the domain's disks
 * (snapshot_conf.h).  Parsing is in snapshot_parse.c, formatting in
 * snapshot_format.c.
 */
#include <config.h>

#include <string.h>

#include "conf/snapshot_conf.h"
#include "util/vr_error.h"

static const char *const location_names[VR_SNAPSHOT_LOCATION_LAST] = {
    "default", "no", "internal", "external",
};

static const char *const state_names[VR_SNAPSHOT_STATE_LAST] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff",
    "crashed", "pmsuspended", "disk-snapshot",
};

static int
enum_from(const char *const *names, int n, const char *str)
{
    for (int i = 0; str && i < n; i++)
        if (g_str_equal(names[i], str))
            return i;
    return -1;
}

const char *
vr_snapshot_location_to_string(int loc)
{
    if (loc < 0 || loc >= VR_SNAPSHOT_LOCATION_LAST)
        return NULL;
    return location_names[loc];
}

int
vr_snapshot_location_from_string(const char *str)
{
    return enum_from(location_names, VR_SNAPSHOT_LOCATION_LAST, str);
}

const char *
vr_snapshot_state_to_string(int state)
{
    if (state < 0 || state >= VR_SNAPSHOT_STATE_LAST)
        return NULL;
    return state_names[state];
}

int
vr_snapshot_state_from_string(const char *str)
{
    return enum_from(state_names, VR_SNAPSHOT_STATE_LAST, str);
}

static void
disk_free(gpointer p)
{
    VrSnapshotDiskDef *d = p;

    if (!d)
        return;
    g_free(d->name);
    g_free(d->src_file);
    g_free(d->driver_type);
    g_free(d);
}

VrSnapshotDef *
vr_snapshot_def_new(void)
{
    VrSnapshotDef *def = g_new0(VrSnapshotDef, 1);

    def->disks = g_ptr_array_new_with_free_func(disk_free);
    return def;
}

void
vr_snapshot_def_free(VrSnapshotDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->description);
    g_free(def->parent);
    g_free(def->memory_file);
    g_ptr_array_unref(def->disks);
    vr_domain_def_free(def->dom);
    g_free(def);
}

static VrSnapshotDiskDef *
disk_copy(const VrSnapshotDiskDef *d)
{
    VrSnapshotDiskDef *c = g_new0(VrSnapshotDiskDef, 1);

    c->name = g_strdup(d->name);
    c->snapshot = d->snapshot;
    c->src_file = g_strdup(d->src_file);
    c->driver_type = g_strdup(d->driver_type);
    return c;
}

VrSnapshotDef *
vr_snapshot_def_copy(const VrSnapshotDef *def)
{
    VrSnapshotDef *c = vr_snapshot_def_new();

    c->name = g_strdup(def->name);
    c->description = g_strdup(def->description);
    c->parent = g_strdup(def->parent);
    c->state = def->state;
    c->creation_time = def->creation_time;
    c->memory = def->memory;
    c->memory_file = g_strdup(def->memory_file);
    for (guint i = 0; i < def->disks->len; i++)
        g_ptr_array_add(c->disks, disk_copy(def->disks->pdata[i]));
    c->dom = def->dom ? vr_domain_def_copy(def->dom) : NULL;
    return c;
}

VrSnapshotDiskDef *
vr_snapshot_def_find_disk(const VrSnapshotDef *def, const char *name)
{
    for (guint i = 0; i < def->disks->len; i++) {
        VrSnapshotDiskDef *d = def->disks->pdata[i];

        if (g_str_equal(d->name, name))
            return d;
    }
    return NULL;
}

/* Snapshot names become file names: no '/', no leading '.', no control
 * characters. */
static int
check_name(const char *name)
{
    if (!name || !*name || name[0] == '.' || strchr(name, '/') ||
        strlen(name) > 255) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT,
                        "invalid snapshot name '%s': it must not be empty, "
                        "start with '.' or contain '/'", name ? name : "");
        return -1;
    }
    for (const char *p = name; *p; p++) {
        if ((unsigned char) *p < 0x20) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT,
                            "invalid snapshot name '%s': control "
                            "characters are not allowed", name);
            return -1;
        }
    }
    return 0;
}

static int
check_disk(const VrSnapshotDef *def, guint i)
{
    const VrSnapshotDiskDef *d = def->disks->pdata[i];

    for (guint j = 0; j < i; j++) {
        const VrSnapshotDiskDef *o = def->disks->pdata[j];

        if (g_str_equal(o->name, d->name)) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED,
                            VR_FROM_DOMAIN_SNAPSHOT,
                            "disk '%s' specified twice", d->name);
            return -1;
        }
    }
    if (d->src_file && !g_path_is_absolute(d->src_file)) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT,
                        "snapshot file '%s' for disk '%s' is not an "
                        "absolute path", d->src_file, d->name);
        return -1;
    }
    if (d->src_file && d->snapshot != VR_SNAPSHOT_LOCATION_EXTERNAL &&
        d->snapshot != VR_SNAPSHOT_LOCATION_DEFAULT) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT,
                        "file '%s' for disk '%s' requires use of external "
                        "snapshot mode", d->src_file, d->name);
        return -1;
    }
    return 0;
}

int
vr_snapshot_def_validate(const VrSnapshotDef *def)
{
    if (check_name(def->name) < 0)
        return -1;
    if (def->parent && check_name(def->parent) < 0)
        return -1;
    if (def->memory_file && def->memory != VR_SNAPSHOT_LOCATION_EXTERNAL) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT,
                        "memory filename '%s' requires external snapshot",
                        def->memory_file);
        return -1;
    }
    if (def->memory == VR_SNAPSHOT_LOCATION_EXTERNAL && !def->memory_file) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT,
                        "external memory snapshots require a filename");
        return -1;
    }
    for (guint i = 0; i < def->disks->len; i++)
        if (check_disk(def, i) < 0)
            return -1;
    return 0;
}

/* "dir/disk1.qcow2" -> "dir/disk1.SNAP" (libvirt's default name). */
static char *
default_external_file(const char *src, const char *snap)
{
    g_autofree char *dir = g_path_get_dirname(src);
    g_autofree char *base = g_path_get_basename(src);
    char *dot = strrchr(base, '.');
    g_autofree char *file = NULL;

    if (dot && dot != base)
        *dot = '\0';
    file = g_strdup_printf("%s.%s", base, snap);
    return g_build_filename(dir, file, NULL);
}

static VrSnapshotDiskDef *
align_one(VrSnapshotDiskDef *given, const VrDomainDiskDef *disk,
          const char *snap, VrSnapshotLocation default_loc)
{
    VrSnapshotDiskDef *d = given ? disk_copy(given)
                                 : g_new0(VrSnapshotDiskDef, 1);

    g_free(d->name);
    d->name = g_strdup(disk->dst);      /* a source path given as name */
    if (disk->device == VR_DOMAIN_DISK_DEVICE_CDROM || disk->readonly ||
        !disk->src_path) {
        if (!given)
            d->snapshot = VR_SNAPSHOT_LOCATION_NO;
    }
    if (d->snapshot == VR_SNAPSHOT_LOCATION_DEFAULT)
        d->snapshot = d->src_file ? VR_SNAPSHOT_LOCATION_EXTERNAL
                                  : default_loc;
    if (d->snapshot == VR_SNAPSHOT_LOCATION_EXTERNAL) {
        if (!d->src_file && disk->src_path)
            d->src_file = default_external_file(disk->src_path, snap);
        if (!d->driver_type)
            d->driver_type = g_strdup("qcow2");
    }
    return d;
}

int
vr_snapshot_def_align(VrSnapshotDef *def, const VrDomainDef *dom,
                      VrSnapshotLocation default_loc)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(disk_free);

    for (guint i = 0; i < def->disks->len; i++) {
        const VrSnapshotDiskDef *d = def->disks->pdata[i];
        bool found = false;

        for (guint j = 0; j < dom->disks->len && !found; j++) {
            const VrDomainDiskDef *disk = dom->disks->pdata[j];

            found = g_str_equal(disk->dst, d->name) ||
                    g_strcmp0(disk->src_path, d->name) == 0;
        }
        if (!found) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED,
                            VR_FROM_DOMAIN_SNAPSHOT,
                            "no disk named '%s'", d->name);
            return -1;
        }
    }
    for (guint j = 0; j < dom->disks->len; j++) {
        const VrDomainDiskDef *disk = dom->disks->pdata[j];
        VrSnapshotDiskDef *given = vr_snapshot_def_find_disk(def, disk->dst);

        if (!given && disk->src_path)
            given = vr_snapshot_def_find_disk(def, disk->src_path);
        g_ptr_array_add(out, align_one(given, disk, def->name, default_loc));
    }
    g_ptr_array_unref(def->disks);
    def->disks = g_steal_pointer(&out);
    return 0;
}
