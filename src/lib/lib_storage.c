/* lib_storage.c: storage pools and volumes: their kinds (lib_object.h),
 * lookup, listing (with the fallback to the per-state / per-name calls
 * of daemons without 281 and 282), definitions, lifecycle, information,
 * XML, autostart, volume creation, cloning, deletion, wiping and
 * resizing.
 *
 * Upload / download streams are in lib_storage_stream.c and pool events
 * in lib_storage_event.c. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "lib/lib_object.h"
#include "util/vr_error.h"

#define POOL_LIST_FLAGS ((1u << 20) - 1)
#define POOL (&vr_lib_kind_pool)
#define VOL (&vr_lib_kind_vol)

/* ---- objects ------------------------------------------------------------ */

VireoStoragePool *
vr_lib_pool_new(VireoConn *conn, const vr_nonnull_storage_pool *wire)
{
    VireoStoragePool *pool = g_new0(VireoStoragePool, 1);

    pool->conn = vr_lib_conn_ref(conn);
    pool->name = g_strdup(wire->name);
    memcpy(pool->uuid, wire->uuid, VIREO_UUID_BUFLEN);
    return pool;
}

void
vr_lib_pool_to_wire(const VireoStoragePool *pool,
                    vr_nonnull_storage_pool *wire)
{
    wire->name = pool->name;
    memcpy(wire->uuid, pool->uuid, VIREO_UUID_BUFLEN);
}

VireoStorageVol *
vr_lib_vol_new(VireoConn *conn, const vr_nonnull_storage_vol *wire)
{
    VireoStorageVol *vol = g_new0(VireoStorageVol, 1);

    vol->conn = vr_lib_conn_ref(conn);
    vol->pool = g_strdup(wire->pool);
    vol->name = g_strdup(wire->name);
    vol->key = g_strdup(wire->key);
    return vol;
}

void
vr_lib_vol_to_wire(const VireoStorageVol *vol, vr_nonnull_storage_vol *wire)
{
    wire->pool = vol->pool;
    wire->name = vol->name;
    wire->key = vol->key;
}

static void *
pool_new(VireoConn *conn, const void *wire)
{
    return vr_lib_pool_new(conn, wire);
}

static void
pool_to_wire(const void *pool, void *wire)
{
    vr_lib_pool_to_wire(pool, wire);
}

static void *
vol_new(VireoConn *conn, const void *wire)
{
    return vr_lib_vol_new(conn, wire);
}

static void
vol_to_wire(const void *vol, void *wire)
{
    vr_lib_vol_to_wire(vol, wire);
}

static const VrLibListFallback pool_fallback = {
    .num_active_proc = VR_PROC_CONNECT_NUM_OF_STORAGE_POOLS,
    .list_active_proc = VR_PROC_CONNECT_LIST_STORAGE_POOLS,
    .num_inactive_proc = VR_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS,
    .list_inactive_proc = VR_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS,
    .lookup_by_name_proc = VR_PROC_STORAGE_POOL_LOOKUP_BY_NAME,
    .active_flag = VIREO_STORAGE_POOL_LIST_ACTIVE,
    .inactive_flag = VIREO_STORAGE_POOL_LIST_INACTIVE,
    .unsupported_msg = "the daemon cannot filter storage pools by "
                       "persistence, autostart or type",
};

const VrLibKind vr_lib_kind_pool = {
    .noun = "storage pool",
    .invalid_code = VR_ERR_INVALID_STORAGE_POOL,
    .err_from = VR_FROM_STORAGE,
    .no_such_code = VR_ERR_NO_STORAGE_POOL,
    .wire_filter = (xdrproc_t) xdr_vr_nonnull_storage_pool,
    .wire_size = sizeof(vr_nonnull_storage_pool),
    .list_max = VR_STORAGE_POOL_LIST_MAX,
    .fallback = &pool_fallback,
    .new_handle = pool_new,
    .to_wire = pool_to_wire,
    .free_handle = (GDestroyNotify) vireo_storage_pool_free,
};

const VrLibKind vr_lib_kind_vol = {
    .noun = "storage volume",
    .invalid_code = VR_ERR_INVALID_STORAGE_VOL,
    .err_from = VR_FROM_STORAGE,
    .no_such_code = VR_ERR_NO_STORAGE_VOL,
    .wire_filter = (xdrproc_t) xdr_vr_nonnull_storage_vol,
    .wire_size = sizeof(vr_nonnull_storage_vol),
    .list_max = VR_STORAGE_VOL_LIST_MAX,
    .new_handle = vol_new,
    .to_wire = vol_to_wire,
    .free_handle = (GDestroyNotify) vireo_storage_vol_free,
};

#define CHECK_POOL(pool, fail) \
    do { vr_error_reset(); \
         if (!vr_lib_obj_check(POOL, (pool), __func__)) return fail; } \
    while (0)
#define CHECK_VOL(vol, fail) \
    do { vr_error_reset(); \
         if (!vr_lib_obj_check(VOL, (vol), __func__)) return fail; } \
    while (0)

void
vireo_storage_pool_free(VireoStoragePool *pool)
{
    if (!pool)
        return;
    vr_lib_conn_unref(pool->conn);
    g_free(pool->name);
    g_free(pool);
}

void
vireo_storage_pool_list_free(VireoStoragePool **pools)
{
    vr_lib_obj_list_free(POOL, (void **) pools);
}

void
vireo_storage_vol_free(VireoStorageVol *vol)
{
    if (!vol)
        return;
    vr_lib_conn_unref(vol->conn);
    g_free(vol->pool);
    g_free(vol->name);
    g_free(vol->key);
    g_free(vol);
}

void
vireo_storage_vol_list_free(VireoStorageVol **vols)
{
    vr_lib_obj_list_free(VOL, (void **) vols);
}

const char *
vireo_storage_pool_get_name(VireoStoragePool *pool)
{
    return pool ? pool->name : NULL;
}

int
vireo_storage_pool_get_uuid(VireoStoragePool *pool, unsigned char *uuid)
{
    return vr_lib_uuid_get(pool ? pool->uuid : NULL, uuid);
}

int
vireo_storage_pool_get_uuid_string(VireoStoragePool *pool, char *buf)
{
    return vr_lib_uuid_get_string(pool ? pool->uuid : NULL, buf);
}

VireoConn *
vireo_storage_pool_get_conn(VireoStoragePool *pool)
{
    return pool ? pool->conn : NULL;
}

const char *
vireo_storage_vol_get_name(VireoStorageVol *vol)
{
    return vol ? vol->name : NULL;
}

const char *
vireo_storage_vol_get_key(VireoStorageVol *vol)
{
    return vol ? vol->key : NULL;
}

const char *
vireo_storage_vol_get_pool_name(VireoStorageVol *vol)
{
    return vol ? vol->pool : NULL;
}

VireoConn *
vireo_storage_vol_get_conn(VireoStorageVol *vol)
{
    return vol ? vol->conn : NULL;
}

/* ---- pools: lookup and listing ------------------------------------------ */

VireoStoragePool *
vireo_storage_pool_lookup_by_name(VireoConn *conn, const char *name)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    return vr_lib_obj_lookup_name(conn, POOL,
                                  VR_PROC_STORAGE_POOL_LOOKUP_BY_NAME, name);
}

VireoStoragePool *
vireo_storage_pool_lookup_by_uuid(VireoConn *conn, const unsigned char *uuid)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    return vr_lib_obj_lookup_uuid(conn, POOL,
                                  VR_PROC_STORAGE_POOL_LOOKUP_BY_UUID, uuid);
}

VireoStoragePool *
vireo_storage_pool_lookup_by_uuid_string(VireoConn *conn, const char *uuid)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    return vr_lib_obj_lookup_uuid_string(conn, POOL,
                                         VR_PROC_STORAGE_POOL_LOOKUP_BY_UUID,
                                         uuid);
}

VireoStoragePool *
vireo_storage_pool_lookup_by_volume(VireoStorageVol *vol)
{
    VrLibWire wire;

    CHECK_VOL(vol, NULL);
    vr_lib_vol_to_wire(vol, &wire.vol);
    return vr_lib_obj_call(vol->conn, POOL,
                           VR_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME,
                           VOL->wire_filter, &wire);
}

int
vireo_conn_list_storage_pools(VireoConn *conn, unsigned int flags,
                              VireoStoragePool ***pools)
{
    VR_LIB_CHECK_CONN(conn, -1);
    if (VR_CHECK_FLAGS(flags, POOL_LIST_FLAGS) < 0)
        return -1;
    return vr_lib_obj_list_all(conn, POOL,
                               VR_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, flags,
                               (void ***) pools);
}

/* ---- pools: definitions and lifecycle ----------------------------------- */

#define POOL_CREATE_FLAGS (VIREO_STORAGE_POOL_CREATE_WITH_BUILD | \
                           VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE | \
                           VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)

VireoStoragePool *
vireo_storage_pool_define_xml(VireoConn *conn, const char *xml,
                              unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return NULL;
    return vr_lib_obj_define(conn, POOL, xml, flags, 0,
                             VR_PROC_STORAGE_POOL_DEFINE_XML);
}

VireoStoragePool *
vireo_storage_pool_create_xml(VireoConn *conn, const char *xml,
                              unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, POOL_CREATE_FLAGS) < 0)
        return NULL;
    return vr_lib_obj_define(conn, POOL, xml, flags, 0,
                             VR_PROC_STORAGE_POOL_CREATE_XML);
}

int
vireo_storage_pool_build(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_POOL_BUILD_REPAIR |
                       VIREO_STORAGE_POOL_BUILD_RESIZE |
                       VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE |
                       VIREO_STORAGE_POOL_BUILD_OVERWRITE) < 0)
        return -1;
    return vr_lib_obj_flags(POOL, pool, VR_PROC_STORAGE_POOL_BUILD, flags,
                            NULL, NULL);
}

int
vireo_storage_pool_start(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, POOL_CREATE_FLAGS) < 0)
        return -1;
    return vr_lib_obj_flags(POOL, pool, VR_PROC_STORAGE_POOL_CREATE, flags,
                            NULL, NULL);
}

int
vireo_storage_pool_destroy(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return vr_lib_obj_simple(POOL, pool, VR_PROC_STORAGE_POOL_DESTROY,
                             NULL, NULL);
}

int
vireo_storage_pool_delete(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return vr_lib_obj_flags(POOL, pool, VR_PROC_STORAGE_POOL_DELETE, flags,
                            NULL, NULL);
}

int
vireo_storage_pool_undefine(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return vr_lib_obj_simple(POOL, pool, VR_PROC_STORAGE_POOL_UNDEFINE,
                             NULL, NULL);
}

int
vireo_storage_pool_refresh(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return vr_lib_obj_flags(POOL, pool, VR_PROC_STORAGE_POOL_REFRESH, flags,
                            NULL, NULL);
}

/* ---- pools: information ------------------------------------------------- */

int
vireo_storage_pool_get_info(VireoStoragePool *pool,
                            VireoStoragePoolInfo *info)
{
    vr_storage_pool_get_info_ret ret;

    CHECK_POOL(pool, -1);
    VR_LIB_CHECK_ARG(info, -1);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_obj_simple(POOL, pool, VR_PROC_STORAGE_POOL_GET_INFO,
                          (xdrproc_t) xdr_vr_storage_pool_get_info_ret,
                          &ret) < 0)
        return -1;
    info->state = ret.state;
    info->capacity = ret.capacity;
    info->allocation = ret.allocation;
    info->available = ret.available;
    return 0;
}

char *
vireo_storage_pool_get_xml(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_XML_INACTIVE) < 0)
        return NULL;
    return vr_lib_obj_string_flags(POOL, pool,
                                   VR_PROC_STORAGE_POOL_GET_XML_DESC, flags);
}

int
vireo_storage_pool_get_autostart(VireoStoragePool *pool, int *autostart)
{
    CHECK_POOL(pool, -1);
    VR_LIB_CHECK_ARG(autostart, -1);
    return vr_lib_obj_get_autostart(POOL, pool,
                                    VR_PROC_STORAGE_POOL_GET_AUTOSTART,
                                    autostart);
}

int
vireo_storage_pool_set_autostart(VireoStoragePool *pool, int autostart)
{
    CHECK_POOL(pool, -1);
    return vr_lib_obj_set_autostart(POOL, pool,
                                    VR_PROC_STORAGE_POOL_SET_AUTOSTART,
                                    autostart);
}

int
vireo_storage_pool_is_active(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return vr_lib_obj_int(POOL, pool, VR_PROC_STORAGE_POOL_IS_ACTIVE);
}

int
vireo_storage_pool_is_persistent(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return vr_lib_obj_int(POOL, pool, VR_PROC_STORAGE_POOL_IS_PERSISTENT);
}

/* ---- volumes: lookup and listing ---------------------------------------- */

VireoStorageVol *
vireo_storage_vol_lookup_by_name(VireoStoragePool *pool, const char *name)
{
    vr_storage_vol_lookup_by_name_args args;

    CHECK_POOL(pool, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    vr_lib_pool_to_wire(pool, &args.pool);
    args.name = (char *) name;
    return vr_lib_obj_call(pool->conn, VOL,
                           VR_PROC_STORAGE_VOL_LOOKUP_BY_NAME,
                           (xdrproc_t) xdr_vr_storage_vol_lookup_by_name_args,
                           &args);
}

VireoStorageVol *
vireo_storage_vol_lookup_by_key(VireoConn *conn, const char *key)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(key, NULL);
    return vr_lib_obj_lookup_name(conn, VOL, VR_PROC_STORAGE_VOL_LOOKUP_BY_KEY,
                                  key);
}

VireoStorageVol *
vireo_storage_vol_lookup_by_path(VireoConn *conn, const char *path)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(path, NULL);
    return vr_lib_obj_lookup_name(conn, VOL,
                                  VR_PROC_STORAGE_VOL_LOOKUP_BY_PATH, path);
}

/* Append to @out the volumes of @pool named in @names; one deleted
 * meanwhile is skipped.  0 or -1, reported. */
static int
vols_by_names(VireoStoragePool *pool, const vr_storage_list_names_ret *names,
              GPtrArray *out)
{
    for (u_int i = 0; i < names->names.names_len; i++) {
        VireoStorageVol *vol =
            vireo_storage_vol_lookup_by_name(pool, names->names.names_val[i]);

        if (vol)
            g_ptr_array_add(out, vol);
        else if (vr_error_code() == VR_ERR_NO_STORAGE_VOL)
            vr_error_reset();        /* gone meanwhile */
        else
            return -1;
    }
    return 0;
}

/* virsh's fallback for daemons without 282: names, then lookups. */
static int
vols_fallback(VireoStoragePool *pool, VireoStorageVol ***vols)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vireo_storage_vol_free);
    vr_storage_pool_list_volumes_args args;
    vr_storage_list_names_ret ret;
    int num, rc;

    if ((num = vr_lib_obj_int(POOL, pool,
                              VR_PROC_STORAGE_POOL_NUM_OF_VOLUMES)) < 0)
        return -1;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.maxnames = num;
    memset(&ret, 0, sizeof(ret));
    if (num > 0 &&
        vr_lib_call(pool->conn, VR_PROC_STORAGE_POOL_LIST_VOLUMES,
                    (xdrproc_t) xdr_vr_storage_pool_list_volumes_args, &args,
                    (xdrproc_t) xdr_vr_storage_list_names_ret, &ret) < 0)
        return -1;
    rc = vols_by_names(pool, &ret, out);
    xdr_free((xdrproc_t) xdr_vr_storage_list_names_ret, (char *) &ret);
    if (rc < 0)
        return -1;
    return vr_lib_obj_array_take(out, (void ***) vols);
}

int
vireo_storage_pool_list_volumes(VireoStoragePool *pool, unsigned int flags,
                                VireoStorageVol ***vols)
{
    vr_storage_pool_list_all_volumes_args args;
    int count;

    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.need_results = vols ? 1 : 0;
    args.flags = flags;
    count = vr_lib_obj_list_call(
        pool->conn, VOL, VR_PROC_STORAGE_POOL_LIST_ALL_VOLUMES,
        (xdrproc_t) xdr_vr_storage_pool_list_all_volumes_args, &args,
        (void ***) vols);
    if (count >= 0 || vr_error_code() != VR_ERR_NO_SUPPORT)
        return count;
    vr_error_reset();
    return vols_fallback(pool, vols);
}

/* ---- volumes: creation and changes -------------------------------------- */

#define VOL_CREATE_FLAGS (VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA | \
                          VIREO_STORAGE_VOL_CREATE_REFLINK)

VireoStorageVol *
vireo_storage_vol_create_xml(VireoStoragePool *pool, const char *xml,
                             unsigned int flags)
{
    vr_storage_vol_create_xml_args args;

    CHECK_POOL(pool, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VOL_CREATE_FLAGS) < 0)
        return NULL;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.xml = (char *) xml;
    args.flags = flags;
    return vr_lib_obj_call(pool->conn, VOL, VR_PROC_STORAGE_VOL_CREATE_XML,
                           (xdrproc_t) xdr_vr_storage_vol_create_xml_args,
                           &args);
}

VireoStorageVol *
vireo_storage_vol_create_xml_from(VireoStoragePool *pool, const char *xml,
                                  VireoStorageVol *clonevol,
                                  unsigned int flags)
{
    vr_storage_vol_create_xml_from_args args;

    CHECK_POOL(pool, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (!vr_lib_obj_check(VOL, clonevol, __func__))
        return NULL;
    if (VR_CHECK_FLAGS(flags, VOL_CREATE_FLAGS) < 0)
        return NULL;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.xml = (char *) xml;
    vr_lib_vol_to_wire(clonevol, &args.clonevol);
    args.flags = flags;
    return vr_lib_obj_call(pool->conn, VOL,
                           VR_PROC_STORAGE_VOL_CREATE_XML_FROM,
                           (xdrproc_t) xdr_vr_storage_vol_create_xml_from_args,
                           &args);
}

int
vireo_storage_vol_delete(VireoStorageVol *vol, unsigned int flags)
{
    CHECK_VOL(vol, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return vr_lib_obj_flags(VOL, vol, VR_PROC_STORAGE_VOL_DELETE, flags,
                            NULL, NULL);
}

int
vireo_storage_vol_wipe(VireoStorageVol *vol, unsigned int flags)
{
    CHECK_VOL(vol, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return vr_lib_obj_flags(VOL, vol, VR_PROC_STORAGE_VOL_WIPE, flags,
                            NULL, NULL);
}

int
vireo_storage_vol_wipe_pattern(VireoStorageVol *vol, unsigned int algorithm,
                               unsigned int flags)
{
    vr_storage_vol_wipe_pattern_args args;

    CHECK_VOL(vol, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_vol_to_wire(vol, &args.vol);
    args.algorithm = algorithm;
    args.flags = flags;
    return vr_lib_call(vol->conn, VR_PROC_STORAGE_VOL_WIPE_PATTERN,
                       (xdrproc_t) xdr_vr_storage_vol_wipe_pattern_args,
                       &args, NULL, NULL);
}

int
vireo_storage_vol_resize(VireoStorageVol *vol, unsigned long long capacity,
                         unsigned int flags)
{
    vr_storage_vol_resize_args args;

    CHECK_VOL(vol, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_VOL_RESIZE_ALLOCATE |
                       VIREO_STORAGE_VOL_RESIZE_DELTA |
                       VIREO_STORAGE_VOL_RESIZE_SHRINK) < 0)
        return -1;
    vr_lib_vol_to_wire(vol, &args.vol);
    args.capacity = capacity;
    args.flags = flags;
    return vr_lib_call(vol->conn, VR_PROC_STORAGE_VOL_RESIZE,
                       (xdrproc_t) xdr_vr_storage_vol_resize_args, &args,
                       NULL, NULL);
}

/* ---- volumes: information ----------------------------------------------- */

int
vireo_storage_vol_get_info(VireoStorageVol *vol, VireoStorageVolInfo *info,
                           unsigned int flags)
{
    vr_storage_vol_get_info_ret ret;
    int rc;

    CHECK_VOL(vol, -1);
    VR_LIB_CHECK_ARG(info, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_VOL_GET_PHYSICAL) < 0)
        return -1;
    memset(&ret, 0, sizeof(ret));
    if (flags)
        rc = vr_lib_obj_flags(VOL, vol, VR_PROC_STORAGE_VOL_GET_INFO_FLAGS,
                              flags,
                              (xdrproc_t) xdr_vr_storage_vol_get_info_ret,
                              &ret);
    else
        rc = vr_lib_obj_simple(VOL, vol, VR_PROC_STORAGE_VOL_GET_INFO,
                               (xdrproc_t) xdr_vr_storage_vol_get_info_ret,
                               &ret);
    if (rc < 0)
        return -1;
    info->type = ret.type;
    info->capacity = ret.capacity;
    info->allocation = ret.allocation;
    return 0;
}

char *
vireo_storage_vol_get_xml(VireoStorageVol *vol, unsigned int flags)
{
    CHECK_VOL(vol, NULL);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return NULL;
    return vr_lib_obj_string_flags(VOL, vol, VR_PROC_STORAGE_VOL_GET_XML_DESC,
                                   flags);
}

char *
vireo_storage_vol_get_path(VireoStorageVol *vol)
{
    CHECK_VOL(vol, NULL);
    return vr_lib_obj_string(VOL, vol, VR_PROC_STORAGE_VOL_GET_PATH);
}
