/* storage_qemu_img.c: qemu-img for file volumes: info (JSON, one image,
 * never its backing chain, with -U so images in use can be read), create
 * and resize.
 */
#include <config.h>

#include <string.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

#define QEMU_IMG "qemu-img"

void
storage_img_info_clear(StorageImgInfo *info)
{
    g_clear_pointer(&info->backing, g_free);
}

int
storage_img_info_parse(const char *json, const char *base,
                       StorageImgInfo *info)
{
    g_autoptr(VrJson) root = vr_json_parse(json, strlen(json));
    const char *fmt, *backing;
    int f;

    if (!root)
        return -1;
    fmt = vr_json_object_get_string(root, "format");
    if (!fmt || vr_json_object_get_uint(root, "virtual-size",
                                        &info->capacity) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_STORAGE,
                        "unexpected output of qemu-img info");
        return -1;
    }
    f = vr_storage_format_from_string(fmt);
    info->format = f < 0 ? VR_STORAGE_FORMAT_NONE : (VrStorageFormat) f;
    if (vr_json_object_get_uint(root, "actual-size", &info->allocation) < 0)
        info->allocation = 0;
    backing = vr_json_object_get_string(root, "full-backing-filename");
    if (!backing)
        backing = vr_json_object_get_string(root, "backing-filename");
    if (backing) {
        info->backing = g_path_is_absolute(backing) || !base
                        ? g_strdup(backing)
                        : g_build_filename(base, backing, NULL);
        fmt = vr_json_object_get_string(root, "backing-filename-format");
        f = fmt ? vr_storage_format_from_string(fmt) : -1;
        info->backing_format = f < 0 ? VR_STORAGE_FORMAT_NONE
                                     : (VrStorageFormat) f;
    }
    return 0;
}

int
storage_img_info(const char *path, VrStorageFormat format,
                 StorageImgInfo *info)
{
    g_autoptr(VrCommand) cmd = vr_command_new(QEMU_IMG);
    g_autofree char *out = NULL;
    g_autofree char *base = g_path_get_dirname(path);

    /* Without --backing-chain qemu-img opens only this image (no backing
     * file is opened or followed). */
    vr_command_add_arg(cmd, "info");
    vr_command_add_arg(cmd, "-U");
    vr_command_add_arg(cmd, "--output=json");
    if (format != VR_STORAGE_FORMAT_NONE)
        vr_command_add_arg_pair(cmd, "-f",
                                vr_storage_format_to_string(format));
    vr_command_add_arg(cmd, path);
    if (vr_command_run(cmd, NULL, &out, NULL) < 0)
        return -1;
    return storage_img_info_parse(out, base, info);
}

/* -o options for a new image: compat, lazy refcounts, preallocation. */
static char *
create_options(const VrStorageVolDef *vol, unsigned int flags)
{
    g_autoptr(GString) o = g_string_new(NULL);

    if (vol->compat)
        g_string_append_printf(o, "compat=%s,", vol->compat);
    if (vol->lazy_refcounts)
        g_string_append(o, "lazy_refcounts=on,");
    if (flags & STORAGE_VOL_CREATE_PREALLOC_METADATA)
        g_string_append(o, "preallocation=metadata,");
    if (o->len == 0)
        return NULL;
    g_string_truncate(o, o->len - 1);
    return g_string_free(g_steal_pointer(&o), FALSE);
}

int
storage_img_create(const VrStorageVolDef *vol, unsigned int flags)
{
    g_autoptr(VrCommand) cmd = vr_command_new(QEMU_IMG);
    g_autofree char *opts = create_options(vol, flags);

    vr_command_add_arg(cmd, "create");
    vr_command_add_arg_pair(cmd, "-f",
                            vr_storage_format_to_string(vol->target_format));
    if (opts)
        vr_command_add_arg_pair(cmd, "-o", opts);
    if (vol->backing) {
        vr_command_add_arg_pair(cmd, "-b", vol->backing->path);
        vr_command_add_arg_pair(cmd, "-F",
            vr_storage_format_to_string(vol->backing->format));
    }
    vr_command_add_arg(cmd, vol->target_path);
    vr_command_add_argf(cmd, "%llu", vol->capacity);
    return vr_command_run(cmd, NULL, NULL, NULL);
}

int
storage_img_resize(const char *path, VrStorageFormat format,
                   unsigned long long capacity, bool shrink)
{
    g_autoptr(VrCommand) cmd = vr_command_new(QEMU_IMG);

    vr_command_add_arg(cmd, "resize");
    vr_command_add_arg_pair(cmd, "-f", vr_storage_format_to_string(format));
    if (shrink)
        vr_command_add_arg(cmd, "--shrink");
    vr_command_add_arg(cmd, path);
    vr_command_add_argf(cmd, "%llu", capacity);
    return vr_command_run(cmd, NULL, NULL, NULL);
}
