/* storage_conf.c: the storage pool and volume definitions' lifetime
 * (allocation, deep copy, free), the enum tables and the name rules.
 * Parsing, post-parse/validation and formatting live in
 * storage_{pool,vol}_{parse,format}.c, storage_validate.c and
 * storage_common.c. */
#include <config.h>

#include <string.h>

#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "util/vr_error.h"

/* ---- enum tables ---- */

static const char *const pool_types[] = { "dir", "fs", "netfs", "logical" };
static const char *const fs_formats[] = {
    "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2",
    "vfat", "hfs+", "xfs", "ocfs2",
};
static const char *const netfs_formats[] = { "auto", "nfs" };
static const char *const logical_formats[] = { "unknown", "lvm2" };
static const char *const vol_types[] = { "file", "block" };
static const char *const formats[] = {
    "none", "raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "iso",
};

G_STATIC_ASSERT(G_N_ELEMENTS(pool_types) == VR_STORAGE_POOL_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(fs_formats) == VR_STORAGE_FS_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(netfs_formats) == VR_STORAGE_NETFS_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(logical_formats) == VR_STORAGE_LOGICAL_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(vol_types) == VR_STORAGE_VOL_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(formats) == VR_STORAGE_FORMAT_LAST);

static const char *
enum_to_string(const char *const *table, int n, int v)
{
    return v >= 0 && v < n ? table[v] : NULL;
}

static int
enum_from_string(const char *const *table, int n, const char *s)
{
    for (int i = 0; s && i < n; i++) {
        if (strcmp(table[i], s) == 0)
            return i;
    }
    return -1;
}

/* The to/from string pair of one enum over its table. */
#define VR_ENUM_IMPL(prefix, type, table) \
    const char * \
    prefix##_to_string(type v) \
    { \
        return enum_to_string(table, G_N_ELEMENTS(table), v); \
    } \
    int \
    prefix##_from_string(const char *s) \
    { \
        return enum_from_string(table, G_N_ELEMENTS(table), s); \
    }

VR_ENUM_IMPL(vr_storage_pool_type, VrStoragePoolType, pool_types)
VR_ENUM_IMPL(vr_storage_fs_format, VrStorageFsFormat, fs_formats)
VR_ENUM_IMPL(vr_storage_netfs_format, VrStorageNetfsFormat, netfs_formats)
VR_ENUM_IMPL(vr_storage_logical_format, VrStorageLogicalFormat,
             logical_formats)
VR_ENUM_IMPL(vr_storage_vol_type, VrStorageVolType, vol_types)
VR_ENUM_IMPL(vr_storage_format, VrStorageFormat, formats)

bool
vr_storage_format_has_backing(VrStorageFormat f)
{
    return f == VR_STORAGE_FORMAT_QCOW2 || f == VR_STORAGE_FORMAT_QCOW ||
           f == VR_STORAGE_FORMAT_QED || f == VR_STORAGE_FORMAT_VMDK;
}

/* ---- names ---- */

bool
vr_storage_name_check_full(const char *name, const char *what, int code)
{
    const char *why = NULL;

    if (!name || !*name)
        why = "must not be empty";
    else if (strlen(name) > 255)
        why = "must be at most 255 bytes long";
    else if (strchr(name, '/'))
        why = "must not contain '/'";
    else if (name[0] == '.')
        why = "must not start with '.'";
    for (const char *p = name; !why && *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            why = "must not contain control characters";
    }
    if (!why)
        return true;
    vr_error_report(code, VR_FROM_STORAGE, "invalid %s name '%s': a name %s",
                    what, name ? name : "", why);
    return false;
}

bool
vr_storage_pool_name_check(const char *name)
{
    if (name && strchr(name, '/')) {
        /* libvirt's exact wording */
        vr_error_report(VR_ERR_XML_DETAIL, VR_FROM_STORAGE,
                        "invalid char in name: /");
        return false;
    }
    return vr_storage_name_check_full(name, "storage pool", VR_ERR_XML_ERROR);
}

bool
vr_storage_vol_name_check(const char *name)
{
    return vr_storage_name_check_full(name, "volume", VR_ERR_INVALID_ARG);
}

/* ---- lifetime ---- */

void
vr_storage_perms_init(VrStoragePerms *perms)
{
    perms->mode = -1;
    perms->owner = -1;
    perms->group = -1;
    perms->label = NULL;
}

void
vr_storage_perms_copy(VrStoragePerms *dst, const VrStoragePerms *src)
{
    *dst = *src;
    dst->label = g_strdup(src->label);
}

static void
vr_storage_pool_host_free(VrStoragePoolHost *h)
{
    if (!h)
        return;
    g_free(h->name);
    g_free(h);
}

VrStoragePoolDef *
vr_storage_pool_def_new(void)
{
    VrStoragePoolDef *def = g_new0(VrStoragePoolDef, 1);

    def->source.hosts = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_storage_pool_host_free);
    def->source.devices = g_ptr_array_new_with_free_func(g_free);
    vr_storage_perms_init(&def->target_perms);
    return def;
}

void
vr_storage_pool_def_free(VrStoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_ptr_array_unref(def->source.hosts);
    g_ptr_array_unref(def->source.devices);
    g_free(def->source.dir);
    g_free(def->source.name);
    g_free(def->target_path);
    g_free(def->target_perms.label);
    g_free(def);
}

VrStoragePoolDef *
vr_storage_pool_def_copy(const VrStoragePoolDef *def)
{
    VrStoragePoolDef *c;

    if (!def)
        return NULL;
    c = vr_storage_pool_def_new();
    c->name = g_strdup(def->name);
    memcpy(c->uuid, def->uuid, sizeof(c->uuid));
    c->type = def->type;
    c->capacity = def->capacity;
    c->allocation = def->allocation;
    c->available = def->available;
    for (guint i = 0; i < def->source.hosts->len; i++) {
        const VrStoragePoolHost *h = g_ptr_array_index(def->source.hosts, i);
        VrStoragePoolHost *n = g_new0(VrStoragePoolHost, 1);

        n->name = g_strdup(h->name);
        n->port = h->port;
        g_ptr_array_add(c->source.hosts, n);
    }
    for (guint i = 0; i < def->source.devices->len; i++)
        g_ptr_array_add(c->source.devices,
                        g_strdup(g_ptr_array_index(def->source.devices, i)));
    c->source.dir = g_strdup(def->source.dir);
    c->source.name = g_strdup(def->source.name);
    c->source.format = def->source.format;
    c->target_path = g_strdup(def->target_path);
    vr_storage_perms_copy(&c->target_perms, &def->target_perms);
    return c;
}

static void
vr_storage_vol_source_dev_free(VrStorageVolSourceDev *d)
{
    if (!d)
        return;
    g_free(d->path);
    if (d->extents)
        g_array_unref(d->extents);
    g_free(d);
}

void
vr_storage_vol_backing_free(VrStorageVolBacking *b)
{
    if (!b)
        return;
    g_free(b->path);
    g_free(b->perms.label);
    g_free(b);
}

VrStorageVolDef *
vr_storage_vol_def_new(void)
{
    VrStorageVolDef *def = g_new0(VrStorageVolDef, 1);

    def->source_devices = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_storage_vol_source_dev_free);
    vr_storage_perms_init(&def->target_perms);
    return def;
}

void
vr_storage_vol_def_free(VrStorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->key);
    g_ptr_array_unref(def->source_devices);
    g_free(def->target_path);
    g_free(def->target_perms.label);
    g_free(def->compat);
    vr_storage_vol_backing_free(def->backing);
    g_free(def);
}

static VrStorageVolSourceDev *
vr_storage_vol_source_dev_copy(const VrStorageVolSourceDev *d)
{
    VrStorageVolSourceDev *c = g_new0(VrStorageVolSourceDev, 1);

    c->path = g_strdup(d->path);
    c->extents = g_array_new(FALSE, FALSE, sizeof(VrStorageExtent));
    if (d->extents)
        g_array_append_vals(c->extents, d->extents->data, d->extents->len);
    return c;
}

VrStorageVolDef *
vr_storage_vol_def_copy(const VrStorageVolDef *def)
{
    VrStorageVolDef *c;

    if (!def)
        return NULL;
    c = vr_storage_vol_def_new();
    c->name = g_strdup(def->name);
    c->key = g_strdup(def->key);
    c->type = def->type;
    for (guint i = 0; i < def->source_devices->len; i++)
        g_ptr_array_add(c->source_devices, vr_storage_vol_source_dev_copy(
                            g_ptr_array_index(def->source_devices, i)));
    c->capacity = def->capacity;
    c->allocation = def->allocation;
    c->physical = def->physical;
    c->target_path = g_strdup(def->target_path);
    c->target_format = def->target_format;
    vr_storage_perms_copy(&c->target_perms, &def->target_perms);
    c->compat = g_strdup(def->compat);
    c->lazy_refcounts = def->lazy_refcounts;
    if (def->backing) {
        c->backing = g_new0(VrStorageVolBacking, 1);
        c->backing->path = g_strdup(def->backing->path);
        c->backing->format = def->backing->format;
        vr_storage_perms_copy(&c->backing->perms, &def->backing->perms);
    }
    return c;
}
