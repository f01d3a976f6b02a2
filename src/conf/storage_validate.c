/* storage_validate.c: post-parse defaults and the semantic checks a
 * schema cannot express, for pools (uuid, logical defaults, what each
 * pool type needs) and volumes (type, format, path and key from the
 * pool, permissions, qcow2 options, backing store).  Each check reports
 * once and stops. */
#include <config.h>

#include <string.h>

#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define VR_STORAGE_INVALID(code, ...) \
    (vr_error_report((code), VR_FROM_STORAGE, __VA_ARGS__), -1)

/* ---- pools ---- */

int
vr_storage_pool_def_post_parse(VrStoragePoolDef *def)
{
    if (vr_uuid_is_null(def->uuid))
        vr_uuid_generate(def->uuid);
    if (def->type != VR_STORAGE_POOL_LOGICAL)
        return 0;
    /* libvirt: the VG name and the pool name default to each other */
    if (!def->source.name && def->name)
        def->source.name = g_strdup(def->name);
    if (!def->name && def->source.name)
        def->name = g_strdup(def->source.name);
    if (def->source.format == VR_STORAGE_LOGICAL_UNKNOWN)
        def->source.format = VR_STORAGE_LOGICAL_LVM2;
    if (!def->target_path && def->source.name && *def->source.name)
        def->target_path = g_strdup_printf("/dev/%s", def->source.name);
    return 0;
}

static int
vr_storage_check_abs(const char *path, const char *what, const char *pool)
{
    if (!path || path[0] == '/')
        return 0;
    return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                              "%s '%s' of storage pool '%s' must be an "
                              "absolute path", what, path, pool);
}

static int
vr_storage_pool_check_paths(const VrStoragePoolDef *def)
{
    if (vr_storage_check_abs(def->target_path, "target path", def->name) < 0 ||
        vr_storage_check_abs(def->source.dir, "source dir", def->name) < 0)
        return -1;
    for (guint i = 0; i < def->source.devices->len; i++) {
        if (vr_storage_check_abs(g_ptr_array_index(def->source.devices, i),
                                 "source device", def->name) < 0)
            return -1;
    }
    return 0;
}

static int
vr_storage_pool_check_type(const VrStoragePoolDef *def)
{
    const char *type = vr_storage_pool_type_to_string(def->type);
    const char *n = def->name;

    if (!def->target_path)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "storage pool '%s' of type '%s' needs a "
                                  "target path (<target><path>)", n, type);
    if (def->type == VR_STORAGE_POOL_FS && def->source.devices->len != 1)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "storage pool '%s' of type 'fs' needs "
                                  "exactly one source device (<source><device "
                                  "path='...'/>), got %u", n,
                                  def->source.devices->len);
    if (def->type != VR_STORAGE_POOL_NETFS)
        return 0;
    if (def->source.hosts->len != 1)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "storage pool '%s' of type 'netfs' needs "
                                  "exactly one source host (<source><host "
                                  "name='...'/>), got %u", n,
                                  def->source.hosts->len);
    if (!def->source.dir)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "storage pool '%s' of type 'netfs' needs "
                                  "the exported directory (<source><dir "
                                  "path='...'/>)", n);
    return 0;
}

int
vr_storage_pool_def_validate(const VrStoragePoolDef *def)
{
    if (!def->name)
        return VR_STORAGE_INVALID(VR_ERR_NO_NAME, "storage pool");
    if (!vr_storage_pool_name_check(def->name))
        return -1;
    if (def->type < 0 || def->type >= VR_STORAGE_POOL_LAST)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "unknown storage pool type %d", def->type);
    if (def->type == VR_STORAGE_POOL_LOGICAL &&
        !vr_storage_name_check_full(def->source.name, "volume group",
                                    VR_ERR_XML_ERROR))
        return -1;
    if (vr_storage_pool_check_paths(def) < 0 ||
        vr_storage_pool_check_type(def) < 0)
        return -1;
    return 0;
}

/* ---- volumes ---- */

static int
vr_storage_vol_default_format(VrStorageVolDef *def,
                              const VrStoragePoolDef *pool)
{
    bool logical = pool ? pool->type == VR_STORAGE_POOL_LOGICAL :
                          def->type == VR_STORAGE_VOL_BLOCK;

    if (!logical) {
        if (def->target_format == VR_STORAGE_FORMAT_NONE)
            def->target_format = VR_STORAGE_FORMAT_RAW;
        return 0;
    }
    if (def->target_format != VR_STORAGE_FORMAT_NONE &&
        def->target_format != VR_STORAGE_FORMAT_RAW)
        return VR_STORAGE_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                                  "volume format '%s' is not supported for "
                                  "block volumes of logical pools",
                                  vr_storage_format_to_string(
                                      def->target_format));
    def->target_format = VR_STORAGE_FORMAT_NONE;
    return 0;
}

int
vr_storage_vol_def_post_parse(VrStorageVolDef *def,
                              const VrStoragePoolDef *pool)
{
    if (def->type == VR_STORAGE_VOL_LAST)   /* not given */
        def->type = pool && pool->type == VR_STORAGE_POOL_LOGICAL ?
                    VR_STORAGE_VOL_BLOCK : VR_STORAGE_VOL_FILE;
    if (vr_storage_vol_default_format(def, pool) < 0)
        return -1;
    if (pool && pool->target_path && def->name) {
        g_free(def->target_path);
        def->target_path = strcmp(pool->target_path, "/") == 0 ?
            g_strdup_printf("/%s", def->name) :
            g_strdup_printf("%s/%s", pool->target_path, def->name);
        if (pool->type != VR_STORAGE_POOL_LOGICAL) {
            g_free(def->key);
            def->key = g_strdup(def->target_path);
        }
    }
    if (def->target_perms.mode < 0)
        def->target_perms.mode = VR_STORAGE_VOL_DEFAULT_MODE;
    if (def->lazy_refcounts && !def->compat)
        def->compat = g_strdup("1.1");
    return 0;
}

int
vr_storage_vol_def_check_capacity(const VrStorageVolDef *def)
{
    if (def->capacity > 0)
        return 0;
    return VR_STORAGE_INVALID(VR_ERR_INVALID_ARG,
                              "volume '%s' needs a capacity greater than 0 "
                              "(<capacity unit='G'>10</capacity>)",
                              def->name ? def->name : "");
}

static int
vr_storage_vol_check_qcow2(const VrStorageVolDef *def)
{
    const char *fmt = vr_storage_format_to_string(def->target_format);

    if (!def->compat && !def->lazy_refcounts)
        return 0;
    if (def->target_format != VR_STORAGE_FORMAT_QCOW2)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "<compat> and <features> are only supported "
                                  "for qcow2 volumes, not '%s'", fmt);
    if (def->compat && strcmp(def->compat, "0.10") != 0 &&
        strcmp(def->compat, "1.1") != 0)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "unsupported qcow2 compat level '%s' "
                                  "(expected '0.10' or '1.1')", def->compat);
    if (def->lazy_refcounts && g_strcmp0(def->compat, "1.1") != 0)
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "lazy_refcounts needs qcow2 compat '1.1', "
                                  "not '%s'", def->compat ? def->compat : "");
    return 0;
}

static int
vr_storage_vol_check_backing(const VrStorageVolDef *def)
{
    const VrStorageVolBacking *b = def->backing;

    if (!b)
        return 0;
    if (def->target_format != VR_STORAGE_FORMAT_NONE &&
        !vr_storage_format_has_backing(def->target_format))
        return VR_STORAGE_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                                  "volume format '%s' cannot have a backing "
                                  "store (use qcow2)",
                                  vr_storage_format_to_string(
                                      def->target_format));
    if (!b->path || b->path[0] != '/')
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "backing store path '%s' of volume '%s' must "
                                  "be an absolute path",
                                  b->path ? b->path : "", def->name);
    return 0;
}

int
vr_storage_vol_def_validate(const VrStorageVolDef *def, unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, VR_STORAGE_VOL_PARSE_NO_CAPACITY) < 0)
        return -1;
    if (!def->name)
        return VR_STORAGE_INVALID(VR_ERR_NO_NAME, "volume");
    if (!vr_storage_vol_name_check(def->name))
        return -1;
    if (!(flags & VR_STORAGE_VOL_PARSE_NO_CAPACITY) &&
        vr_storage_vol_def_check_capacity(def) < 0)
        return -1;
    if (def->target_path && def->target_path[0] != '/')
        return VR_STORAGE_INVALID(VR_ERR_XML_ERROR,
                                  "target path '%s' of volume '%s' must be an "
                                  "absolute path", def->target_path, def->name);
    if (vr_storage_vol_check_qcow2(def) < 0 ||
        vr_storage_vol_check_backing(def) < 0)
        return -1;
    return 0;
}
