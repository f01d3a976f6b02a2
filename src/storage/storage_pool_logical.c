/* storage_pool_logical.c: the logical (LVM) pool backend: build is
 * pvcreate + vgcreate from the source devices, start/stop vgchange
 * -ay/-an, delete vgremove + pvremove; volumes are logical volumes
 * (lvcreate, lvremove, lvresize), listed with lvs and sized with vgs.
 * The lvm tools run with DM_DISABLE_UDEV=1: device nodes are made by
 * libdevmapper itself, so no udev daemon is needed.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"

static VrCommand *
lvm_cmd(const char *tool)
{
    VrCommand *cmd = vr_command_new(tool);

    vr_command_set_env(cmd, "DM_DISABLE_UDEV", "1");
    vr_command_set_env(cmd, "LVM_SUPPRESS_FD_WARNINGS", "1");
    return cmd;
}

static int
lvm_run(VrCommand *cmd, char **out)
{
    return vr_command_run(cmd, NULL, out, NULL);
}

static int
lv_build(const VrStoragePoolDef *def, unsigned int flags)
{
    g_autoptr(VrCommand) vg = lvm_cmd("vgcreate");

    for (guint i = 0; i < def->source.devices->len; i++) {
        g_autoptr(VrCommand) pv = lvm_cmd("pvcreate");

        if (flags & STORAGE_POOL_BUILD_OVERWRITE)
            vr_command_add_arg(pv, "-ff");
        vr_command_add_arg(pv, "-y");
        vr_command_add_arg(pv, g_ptr_array_index(def->source.devices, i));
        if (lvm_run(pv, NULL) < 0)
            return -1;
    }
    vr_command_add_arg(vg, def->source.name);
    for (guint i = 0; i < def->source.devices->len; i++)
        vr_command_add_arg(vg, g_ptr_array_index(def->source.devices, i));
    return lvm_run(vg, NULL);
}

static int
vgchange(const VrStoragePoolDef *def, const char *how)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("vgchange");

    vr_command_add_arg(cmd, how);
    vr_command_add_arg(cmd, def->source.name);
    return lvm_run(cmd, NULL);
}

static int
lv_start(const VrStoragePoolDef *def)
{
    return vgchange(def, "-ay");
}

static int
lv_stop(const VrStoragePoolDef *def)
{
    return vgchange(def, "-an");
}

static bool
lv_check(const VrStoragePoolDef *def)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("vgs");
    int status;

    vr_command_add_arg(cmd, def->source.name);
    return vr_command_run(cmd, &status, NULL, NULL) == 0 && status == 0;
}

static int
lv_delete(const VrStoragePoolDef *def, unsigned int flags)
{
    g_autoptr(VrCommand) vg = lvm_cmd("vgremove");

    (void) flags;
    vr_command_add_arg(vg, "-f");
    vr_command_add_arg(vg, def->source.name);
    if (lvm_run(vg, NULL) < 0)
        return -1;
    for (guint i = 0; i < def->source.devices->len; i++) {
        g_autoptr(VrCommand) pv = lvm_cmd("pvremove");

        vr_command_add_arg(pv, g_ptr_array_index(def->source.devices, i));
        if (lvm_run(pv, NULL) < 0)
            return -1;
    }
    return 0;
}

/* One line of lvs: name#uuid#path#size. */
static VrStorageVolDef *
parse_lv(const char *line)
{
    g_auto(GStrv) f = g_strsplit(line, "#", 4);
    VrStorageVolDef *vol;

    if (g_strv_length(f) != 4)
        return NULL;
    vol = storage_vol_def_blank(g_strstrip(f[0]));
    vol->key = g_strdup(g_strstrip(f[1]));
    vol->target_path = g_strdup(g_strstrip(f[2]));
    vol->type = VR_STORAGE_VOL_BLOCK;
    vol->target_format = VR_STORAGE_FORMAT_NONE;
    vol->capacity = vol->allocation = g_ascii_strtoull(f[3], NULL, 10);
    return vol;
}

static int
vg_sizes(VrStoragePoolDef *def)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("vgs");
    g_autofree char *out = NULL;
    unsigned long long size, free_b;

    vr_command_add_arg(cmd, "--noheadings");
    vr_command_add_arg_pair(cmd, "--units", "b");
    vr_command_add_arg(cmd, "--nosuffix");
    vr_command_add_arg_pair(cmd, "--separator", "#");
    vr_command_add_arg_pair(cmd, "-o", "vg_size,vg_free");
    vr_command_add_arg(cmd, def->source.name);
    if (lvm_run(cmd, &out) < 0)
        return -1;
    if (sscanf(out, " %llu#%llu", &size, &free_b) != 2) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_STORAGE,
                        "cannot parse vgs output '%s'", out);
        return -1;
    }
    def->capacity = size;
    def->available = free_b;
    def->allocation = size - free_b;
    return 0;
}

static int
lv_refresh(VrStoragePoolDef *def, GPtrArray *vols)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("lvs");
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;

    vr_command_add_arg(cmd, "--noheadings");
    vr_command_add_arg_pair(cmd, "--units", "b");
    vr_command_add_arg(cmd, "--nosuffix");
    vr_command_add_arg_pair(cmd, "--separator", "#");
    vr_command_add_arg_pair(cmd, "-o", "lv_name,lv_uuid,lv_path,lv_size");
    vr_command_add_arg(cmd, def->source.name);
    if (lvm_run(cmd, &out) < 0)
        return -1;
    lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        VrStorageVolDef *vol;

        if (!*g_strstrip(lines[i]) || !(vol = parse_lv(lines[i])))
            continue;
        /* lv_path is empty for inactive LVs: /dev/VG/NAME. */
        if (!vol->target_path[0]) {
            g_free(vol->target_path);
            vol->target_path = g_build_filename("/dev", def->source.name,
                                                vol->name, NULL);
        }
        g_ptr_array_add(vols, vol);
    }
    return vg_sizes(def);
}

static int
lv_vol_create(const VrStoragePoolDef *pool, VrStorageVolDef *vol,
              unsigned int flags)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("lvcreate");

    (void) flags;
    vr_command_add_arg(cmd, "-y");
    vr_command_add_arg_pair(cmd, "--name", vol->name);
    vr_command_add_arg(cmd, "-L");
    vr_command_add_argf(cmd, "%llub", vol->capacity);
    vr_command_add_arg(cmd, pool->source.name);
    if (lvm_run(cmd, NULL) < 0)
        return -1;
    g_free(vol->target_path);
    vol->target_path = g_build_filename("/dev", pool->source.name, vol->name,
                                        NULL);
    return 0;
}

static int
lv_vol_delete(const VrStoragePoolDef *pool, const VrStorageVolDef *vol)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("lvremove");

    vr_command_add_arg(cmd, "-f");
    vr_command_add_argf(cmd, "%s/%s", pool->source.name, vol->name);
    return lvm_run(cmd, NULL);
}

static int
lv_vol_resize(const VrStoragePoolDef *pool, const VrStorageVolDef *vol,
              unsigned long long capacity, bool shrink)
{
    g_autoptr(VrCommand) cmd = lvm_cmd("lvresize");

    if (shrink)
        vr_command_add_arg(cmd, "-f");
    vr_command_add_arg(cmd, "-L");
    vr_command_add_argf(cmd, "%llub", capacity);
    vr_command_add_argf(cmd, "%s/%s", pool->source.name, vol->name);
    return lvm_run(cmd, NULL);
}

static int
lv_vol_refresh(const VrStoragePoolDef *pool, VrStorageVolDef *vol)
{
    g_autoptr(VrStoragePoolDef) copy = vr_storage_pool_def_copy(pool);
    g_autoptr(GPtrArray) vols = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vr_storage_vol_def_free);

    if (lv_refresh(copy, vols) < 0)
        return -1;
    for (guint i = 0; i < vols->len; i++) {
        VrStorageVolDef *v = g_ptr_array_index(vols, i);

        if (g_str_equal(v->name, vol->name)) {
            vol->capacity = vol->allocation = v->capacity;
            g_free(vol->key);
            vol->key = g_strdup(v->key);
            return 0;
        }
    }
    storage_report_no_vol("name", vol->name);
    return -1;
}

const StorageBackend storage_backend_logical = {
    .build = lv_build,
    .start = lv_start,
    .check = lv_check,
    .stop = lv_stop,
    .delete = lv_delete,
    .refresh = lv_refresh,
    .vol_create = lv_vol_create,
    .vol_delete = lv_vol_delete,
    .vol_resize = lv_vol_resize,
    .vol_refresh = lv_vol_refresh,
};
