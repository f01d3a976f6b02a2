/* storage_pool_fs.c: the fs and netfs pool backends: a block device with
 * a filesystem (mkfs on build when asked) or an NFS export, mounted at the
 * target on start and unmounted on stop.  Volumes are files, as in a dir
 * pool (storage_pool_dir.c).
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

/* Is @path a mount point (listed in /proc/self/mountinfo)? */
static bool
is_mounted(const char *path)
{
    g_autofree char *info = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/self/mountinfo", &info, NULL, NULL))
        return false;
    lines = g_strsplit(info, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 6);

        /* Field 5 is the mount point, with spaces escaped as \040. */
        if (g_strv_length(f) >= 5) {
            g_autofree char *mp = g_strcompress(f[4]);

            if (g_str_equal(mp, path))
                return true;
        }
    }
    return false;
}

static const char *
fs_type(const VrStoragePoolDef *def)
{
    if (def->type == VR_STORAGE_POOL_NETFS)
        return "nfs";
    if (def->source.format == VR_STORAGE_FS_AUTO)
        return NULL;
    return vr_storage_fs_format_to_string(def->source.format);
}

static char *
mount_source(const VrStoragePoolDef *def)
{
    if (def->type == VR_STORAGE_POOL_NETFS) {
        const VrStoragePoolHost *h = g_ptr_array_index(def->source.hosts, 0);

        return g_strdup_printf("%s:%s", h->name, def->source.dir);
    }
    return g_strdup(g_ptr_array_index(def->source.devices, 0));
}

static int
fs_start(const VrStoragePoolDef *def)
{
    g_autoptr(VrCommand) cmd = NULL;
    g_autofree char *src = mount_source(def);
    const char *type = fs_type(def);

    if (storage_dir_start(def) < 0)
        return -1;
    if (is_mounted(def->target_path)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "Target '%s' is already mounted",
                        def->target_path);
        return -1;
    }
    cmd = vr_command_new("mount");
    if (type)
        vr_command_add_arg_pair(cmd, "-t", type);
    if (def->type == VR_STORAGE_POOL_NETFS)
        vr_command_add_arg_pair(cmd, "-o", "nosuid,nodev");
    vr_command_add_arg(cmd, src);
    vr_command_add_arg(cmd, def->target_path);
    return vr_command_run(cmd, NULL, NULL, NULL);
}

static bool
fs_check(const VrStoragePoolDef *def)
{
    return is_mounted(def->target_path);
}

static int
fs_stop(const VrStoragePoolDef *def)
{
    g_autoptr(VrCommand) cmd = NULL;

    if (!is_mounted(def->target_path))
        return 0;
    cmd = vr_command_new("umount");
    vr_command_add_arg(cmd, def->target_path);
    return vr_command_run(cmd, NULL, NULL, NULL);
}

/* The filesystem type blkid finds on @dev, or NULL (none / unknown). */
static char *
probe_fs(const char *dev)
{
    g_autoptr(VrCommand) cmd = vr_command_new("blkid");
    g_autofree char *out = NULL;
    int status;

    vr_command_add_arg_pair(cmd, "-o", "value");
    vr_command_add_arg_pair(cmd, "-s", "TYPE");
    vr_command_add_arg(cmd, dev);
    if (vr_command_run(cmd, &status, &out, NULL) < 0 || status != 0)
        return NULL;
    g_strstrip(out);
    return out[0] ? g_steal_pointer(&out) : NULL;
}

static int
fs_mkfs(const VrStoragePoolDef *def, unsigned int flags)
{
    const char *dev = g_ptr_array_index(def->source.devices, 0);
    const char *type = fs_type(def);
    g_autoptr(VrCommand) cmd = NULL;

    if (flags & STORAGE_POOL_BUILD_NO_OVERWRITE) {
        g_autofree char *found = probe_fs(dev);

        if (found) {
            vr_error_report(VR_ERR_STORAGE_POOL_BUILT, VR_FROM_STORAGE,
                            "Device '%s' already formatted using '%s'",
                            dev, found);
            return -1;
        }
    }
    cmd = vr_command_new("mkfs");
    vr_command_add_arg_pair(cmd, "-t", type ? type : "ext4");
    if (!type || g_str_has_prefix(type, "ext"))
        vr_command_add_arg(cmd, "-F");
    vr_command_add_arg(cmd, dev);
    return vr_command_run(cmd, NULL, NULL, NULL);
}

static int
fs_build(const VrStoragePoolDef *def, unsigned int flags)
{
    if (storage_dir_build(def, flags) < 0)
        return -1;
    if (def->type == VR_STORAGE_POOL_FS &&
        (flags & (STORAGE_POOL_BUILD_OVERWRITE |
                  STORAGE_POOL_BUILD_NO_OVERWRITE)))
        return fs_mkfs(def, flags);
    return 0;
}

static int
fs_delete(const VrStoragePoolDef *def, unsigned int flags)
{
    if (is_mounted(def->target_path)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "Target '%s' is still mounted", def->target_path);
        return -1;
    }
    return storage_dir_delete(def, flags);
}

const StorageBackend storage_backend_fs = {
    .build = fs_build,
    .start = fs_start,
    .check = fs_check,
    .stop = fs_stop,
    .delete = fs_delete,
    .refresh = storage_dir_refresh,
    .vol_create = storage_file_vol_create,
    .vol_delete = storage_file_vol_delete,
    .vol_resize = storage_file_vol_resize,
    .vol_refresh = storage_file_vol_refresh,
};

const StorageBackend storage_backend_netfs = {
    .build = fs_build,
    .start = fs_start,
    .check = fs_check,
    .stop = fs_stop,
    .delete = fs_delete,
    .refresh = storage_dir_refresh,
    .vol_create = storage_file_vol_create,
    .vol_delete = storage_file_vol_delete,
    .vol_resize = storage_file_vol_resize,
    .vol_refresh = storage_file_vol_refresh,
};
