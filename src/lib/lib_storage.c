/* lib_storage.c: storage pools and volumes: lookup, listing (with the
 * fallback to the per-state / per-name calls of daemons without 281 and
 * 282), definitions, lifecycle, information, XML, autostart, volume
 * creation, cloning, deletion, wiping and resizing.
 *
 * Upload / download streams are in lib_storage_stream.c and pool events
 * in lib_storage_event.c. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define POOL_LIST_FLAGS ((1u << 20) - 1)

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

static bool
check_pool(VireoStoragePool *pool, const char *func)
{
    if (pool && pool->conn)
        return true;
    vr_error_report(VR_ERR_INVALID_STORAGE_POOL, VR_FROM_STORAGE,
                    "invalid storage pool in %s", func);
    return false;
}

static bool
check_vol(VireoStorageVol *vol, const char *func)
{
    if (vol && vol->conn)
        return true;
    vr_error_report(VR_ERR_INVALID_STORAGE_VOL, VR_FROM_STORAGE,
                    "invalid storage volume in %s", func);
    return false;
}

#define CHECK_POOL(pool, fail) \
    do { vr_error_reset(); \
         if (!check_pool((pool), __func__)) return fail; } while (0)
#define CHECK_VOL(vol, fail) \
    do { vr_error_reset(); \
         if (!check_vol((vol), __func__)) return fail; } while (0)

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
    if (!pools)
        return;
    for (VireoStoragePool **p = pools; *p; p++)
        vireo_storage_pool_free(*p);
    g_free(pools);
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
    if (!vols)
        return;
    for (VireoStorageVol **v = vols; *v; v++)
        vireo_storage_vol_free(*v);
    g_free(vols);
}

const char *
vireo_storage_pool_get_name(VireoStoragePool *pool)
{
    return pool ? pool->name : NULL;
}

int
vireo_storage_pool_get_uuid(VireoStoragePool *pool, unsigned char *uuid)
{
    if (!pool || !uuid)
        return -1;
    memcpy(uuid, pool->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int
vireo_storage_pool_get_uuid_string(VireoStoragePool *pool, char *buf)
{
    if (!pool || !buf)
        return -1;
    vr_uuid_format(pool->uuid, buf);
    return 0;
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

/* A call answered with a pool reference: wrap it. */
static VireoStoragePool *
pool_call(VireoConn *conn, int proc, xdrproc_t args_filter, void *args)
{
    vr_storage_pool_ret ret;
    VireoStoragePool *pool;

    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, proc, args_filter, args,
                    (xdrproc_t) xdr_vr_storage_pool_ret, &ret) < 0)
        return NULL;
    pool = vr_lib_pool_new(conn, &ret.pool);
    xdr_free((xdrproc_t) xdr_vr_storage_pool_ret, (char *) &ret);
    return pool;
}

VireoStoragePool *
vireo_storage_pool_lookup_by_name(VireoConn *conn, const char *name)
{
    vr_storage_pool_lookup_by_name_args args = { .name = (char *) name };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    return pool_call(conn, VR_PROC_STORAGE_POOL_LOOKUP_BY_NAME,
                     (xdrproc_t) xdr_vr_storage_pool_lookup_by_name_args,
                     &args);
}

VireoStoragePool *
vireo_storage_pool_lookup_by_uuid(VireoConn *conn, const unsigned char *uuid)
{
    vr_storage_pool_lookup_by_uuid_args args;

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    memcpy(args.uuid, uuid, VIREO_UUID_BUFLEN);
    return pool_call(conn, VR_PROC_STORAGE_POOL_LOOKUP_BY_UUID,
                     (xdrproc_t) xdr_vr_storage_pool_lookup_by_uuid_args,
                     &args);
}

VireoStoragePool *
vireo_storage_pool_lookup_by_uuid_string(VireoConn *conn, const char *uuid)
{
    unsigned char raw[VIREO_UUID_BUFLEN];

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    if (vr_uuid_parse(uuid, raw) < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "'%s' is not a valid UUID", uuid);
        return NULL;
    }
    return vireo_storage_pool_lookup_by_uuid(conn, raw);
}

VireoStoragePool *
vireo_storage_pool_lookup_by_volume(VireoStorageVol *vol)
{
    vr_storage_vol_args args;

    CHECK_VOL(vol, NULL);
    vr_lib_vol_to_wire(vol, &args.vol);
    return pool_call(vol->conn, VR_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME,
                     (xdrproc_t) xdr_vr_storage_vol_args, &args);
}

/* Append the pools named by NUM_OF (@num_proc) / LIST (@list_proc). */
static int
pools_by_names(VireoConn *conn, int num_proc, int list_proc, GPtrArray *out)
{
    vr_int_ret num = { 0 };
    vr_storage_list_names_args args;
    vr_storage_list_names_ret ret;
    int rc = 0;

    if (vr_lib_call(conn, num_proc, NULL, NULL, (xdrproc_t) xdr_vr_int_ret,
                    &num) < 0)
        return -1;
    if (num.value <= 0)
        return 0;
    args.maxnames = num.value;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, list_proc,
                    (xdrproc_t) xdr_vr_storage_list_names_args, &args,
                    (xdrproc_t) xdr_vr_storage_list_names_ret, &ret) < 0)
        return -1;
    for (u_int i = 0; i < ret.names.names_len && rc == 0; i++) {
        VireoStoragePool *pool =
            vireo_storage_pool_lookup_by_name(conn, ret.names.names_val[i]);

        if (pool)
            g_ptr_array_add(out, pool);
        else if (vr_error_code() == VR_ERR_NO_STORAGE_POOL)
            vr_error_reset();        /* gone meanwhile */
        else
            rc = -1;
    }
    xdr_free((xdrproc_t) xdr_vr_storage_list_names_ret, (char *) &ret);
    return rc;
}

/* Turn @out into a NULL-terminated array in @res (when non-NULL); the
 * count. */
static int
steal_array(GPtrArray *out, void ***res)
{
    int n = (int) out->len;

    if (res) {
        g_ptr_array_set_free_func(out, NULL);
        g_ptr_array_add(out, NULL);
        *res = g_ptr_array_free(out, FALSE);
    } else {
        g_ptr_array_free(out, TRUE);
    }
    return n;
}

/* virsh's fallback for daemons without 281 (FACTS.md section 9). */
static int
pools_fallback(VireoConn *conn, unsigned int flags, VireoStoragePool ***pools)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vireo_storage_pool_free);
    unsigned int state = flags & (VIREO_STORAGE_POOL_LIST_ACTIVE |
                                  VIREO_STORAGE_POOL_LIST_INACTIVE);

    if (flags & ~(VIREO_STORAGE_POOL_LIST_ACTIVE |
                  VIREO_STORAGE_POOL_LIST_INACTIVE)) {
        g_ptr_array_free(out, TRUE);
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_STORAGE,
                        "the daemon cannot filter storage pools by "
                        "persistence, autostart or type");
        return -1;
    }
    if (((!state || (state & VIREO_STORAGE_POOL_LIST_ACTIVE)) &&
         pools_by_names(conn, VR_PROC_CONNECT_NUM_OF_STORAGE_POOLS,
                        VR_PROC_CONNECT_LIST_STORAGE_POOLS, out) < 0) ||
        ((!state || (state & VIREO_STORAGE_POOL_LIST_INACTIVE)) &&
         pools_by_names(conn, VR_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS,
                        VR_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS,
                        out) < 0)) {
        g_ptr_array_free(out, TRUE);
        return -1;
    }
    return steal_array(out, (void ***) pools);
}

int
vireo_conn_list_storage_pools(VireoConn *conn, unsigned int flags,
                              VireoStoragePool ***pools)
{
    vr_connect_list_all_storage_pools_args args = { 0 };
    vr_connect_list_all_storage_pools_ret ret;
    int count;

    VR_LIB_CHECK_CONN(conn, -1);
    if (VR_CHECK_FLAGS(flags, POOL_LIST_FLAGS) < 0)
        return -1;
    args.need_results = pools ? 1 : 0;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_CONNECT_LIST_ALL_STORAGE_POOLS,
                    (xdrproc_t) xdr_vr_connect_list_all_storage_pools_args,
                    &args,
                    (xdrproc_t) xdr_vr_connect_list_all_storage_pools_ret,
                    &ret) < 0) {
        if (vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        vr_error_reset();
        return pools_fallback(conn, flags, pools);
    }
    count = pools ? (int) ret.pools.pools_len : (int) ret.ret;
    if (pools) {
        *pools = g_new0(VireoStoragePool *, ret.pools.pools_len + 1);
        for (u_int i = 0; i < ret.pools.pools_len; i++)
            (*pools)[i] = vr_lib_pool_new(conn, &ret.pools.pools_val[i]);
    }
    xdr_free((xdrproc_t) xdr_vr_connect_list_all_storage_pools_ret,
             (char *) &ret);
    return count;
}

/* ---- pools: definitions and lifecycle ----------------------------------- */

VireoStoragePool *
vireo_storage_pool_define_xml(VireoConn *conn, const char *xml,
                              unsigned int flags)
{
    vr_storage_pool_xml_args args = { .xml = (char *) xml, .flags = flags };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return NULL;
    return pool_call(conn, VR_PROC_STORAGE_POOL_DEFINE_XML,
                     (xdrproc_t) xdr_vr_storage_pool_xml_args, &args);
}

VireoStoragePool *
vireo_storage_pool_create_xml(VireoConn *conn, const char *xml,
                              unsigned int flags)
{
    vr_storage_pool_xml_args args = { .xml = (char *) xml, .flags = flags };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_POOL_CREATE_WITH_BUILD |
                       VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE |
                       VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) < 0)
        return NULL;
    return pool_call(conn, VR_PROC_STORAGE_POOL_CREATE_XML,
                     (xdrproc_t) xdr_vr_storage_pool_xml_args, &args);
}

/* A call taking only the pool; @ret_filter/@ret may be NULL. */
static int
pool_simple(VireoStoragePool *pool, int proc, xdrproc_t ret_filter,
            void *ret)
{
    vr_storage_pool_args args;

    vr_lib_pool_to_wire(pool, &args.pool);
    return vr_lib_call(pool->conn, proc, (xdrproc_t) xdr_vr_storage_pool_args,
                       &args, ret_filter, ret);
}

/* A call taking the pool and flags, answering nothing. */
static int
pool_flags(VireoStoragePool *pool, int proc, unsigned int flags)
{
    vr_storage_pool_flags_args args;

    vr_lib_pool_to_wire(pool, &args.pool);
    args.flags = flags;
    return vr_lib_call(pool->conn, proc,
                       (xdrproc_t) xdr_vr_storage_pool_flags_args, &args,
                       NULL, NULL);
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
    return pool_flags(pool, VR_PROC_STORAGE_POOL_BUILD, flags);
}

int
vireo_storage_pool_start(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_POOL_CREATE_WITH_BUILD |
                       VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE |
                       VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) < 0)
        return -1;
    return pool_flags(pool, VR_PROC_STORAGE_POOL_CREATE, flags);
}

int
vireo_storage_pool_destroy(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return pool_simple(pool, VR_PROC_STORAGE_POOL_DESTROY, NULL, NULL);
}

int
vireo_storage_pool_delete(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return pool_flags(pool, VR_PROC_STORAGE_POOL_DELETE, flags);
}

int
vireo_storage_pool_undefine(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return pool_simple(pool, VR_PROC_STORAGE_POOL_UNDEFINE, NULL, NULL);
}

int
vireo_storage_pool_refresh(VireoStoragePool *pool, unsigned int flags)
{
    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return pool_flags(pool, VR_PROC_STORAGE_POOL_REFRESH, flags);
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
    if (pool_simple(pool, VR_PROC_STORAGE_POOL_GET_INFO,
                    (xdrproc_t) xdr_vr_storage_pool_get_info_ret, &ret) < 0)
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
    vr_storage_pool_flags_args args;
    vr_storage_xml_ret ret = { 0 };
    char *res;

    CHECK_POOL(pool, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_XML_INACTIVE) < 0)
        return NULL;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.flags = flags;
    if (vr_lib_call(pool->conn, VR_PROC_STORAGE_POOL_GET_XML_DESC,
                    (xdrproc_t) xdr_vr_storage_pool_flags_args, &args,
                    (xdrproc_t) xdr_vr_storage_xml_ret, &ret) < 0)
        return NULL;
    res = g_strdup(ret.xml);
    xdr_free((xdrproc_t) xdr_vr_storage_xml_ret, (char *) &ret);
    return res;
}

/* A query answered with one int. */
static int
pool_int(VireoStoragePool *pool, int proc)
{
    vr_int_ret ret = { 0 };

    if (pool_simple(pool, proc, (xdrproc_t) xdr_vr_int_ret, &ret) < 0)
        return -1;
    return ret.value;
}

int
vireo_storage_pool_get_autostart(VireoStoragePool *pool, int *autostart)
{
    int val;

    CHECK_POOL(pool, -1);
    VR_LIB_CHECK_ARG(autostart, -1);
    if ((val = pool_int(pool, VR_PROC_STORAGE_POOL_GET_AUTOSTART)) < 0)
        return -1;
    *autostart = val ? 1 : 0;
    return 0;
}

int
vireo_storage_pool_set_autostart(VireoStoragePool *pool, int autostart)
{
    vr_storage_pool_set_autostart_args args;

    CHECK_POOL(pool, -1);
    vr_lib_pool_to_wire(pool, &args.pool);
    args.autostart = autostart ? 1 : 0;
    return vr_lib_call(pool->conn, VR_PROC_STORAGE_POOL_SET_AUTOSTART,
                       (xdrproc_t) xdr_vr_storage_pool_set_autostart_args,
                       &args, NULL, NULL);
}

int
vireo_storage_pool_is_active(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return pool_int(pool, VR_PROC_STORAGE_POOL_IS_ACTIVE);
}

int
vireo_storage_pool_is_persistent(VireoStoragePool *pool)
{
    CHECK_POOL(pool, -1);
    return pool_int(pool, VR_PROC_STORAGE_POOL_IS_PERSISTENT);
}

/* ---- volumes: lookup and listing ---------------------------------------- */

/* A call answered with a volume reference: wrap it. */
static VireoStorageVol *
vol_call(VireoConn *conn, int proc, xdrproc_t args_filter, void *args)
{
    vr_storage_vol_ret ret;
    VireoStorageVol *vol;

    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, proc, args_filter, args,
                    (xdrproc_t) xdr_vr_storage_vol_ret, &ret) < 0)
        return NULL;
    vol = vr_lib_vol_new(conn, &ret.vol);
    xdr_free((xdrproc_t) xdr_vr_storage_vol_ret, (char *) &ret);
    return vol;
}

VireoStorageVol *
vireo_storage_vol_lookup_by_name(VireoStoragePool *pool, const char *name)
{
    vr_storage_vol_lookup_by_name_args args;

    CHECK_POOL(pool, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    vr_lib_pool_to_wire(pool, &args.pool);
    args.name = (char *) name;
    return vol_call(pool->conn, VR_PROC_STORAGE_VOL_LOOKUP_BY_NAME,
                    (xdrproc_t) xdr_vr_storage_vol_lookup_by_name_args,
                    &args);
}

static VireoStorageVol *
vol_lookup_string(VireoConn *conn, int proc, const char *str)
{
    vr_storage_vol_lookup_by_string_args args = { .key = (char *) str };

    return vol_call(conn, proc,
                    (xdrproc_t) xdr_vr_storage_vol_lookup_by_string_args,
                    &args);
}

VireoStorageVol *
vireo_storage_vol_lookup_by_key(VireoConn *conn, const char *key)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(key, NULL);
    return vol_lookup_string(conn, VR_PROC_STORAGE_VOL_LOOKUP_BY_KEY, key);
}

VireoStorageVol *
vireo_storage_vol_lookup_by_path(VireoConn *conn, const char *path)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(path, NULL);
    return vol_lookup_string(conn, VR_PROC_STORAGE_VOL_LOOKUP_BY_PATH, path);
}

/* virsh's fallback for daemons without 282: names, then lookups. */
static int
vols_fallback(VireoStoragePool *pool, VireoStorageVol ***vols)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vireo_storage_vol_free);
    vr_storage_pool_list_volumes_args args;
    vr_storage_list_names_ret ret;
    int num, rc = 0;

    if ((num = pool_int(pool, VR_PROC_STORAGE_POOL_NUM_OF_VOLUMES)) < 0) {
        g_ptr_array_free(out, TRUE);
        return -1;
    }
    vr_lib_pool_to_wire(pool, &args.pool);
    args.maxnames = num;
    memset(&ret, 0, sizeof(ret));
    if (num > 0 &&
        vr_lib_call(pool->conn, VR_PROC_STORAGE_POOL_LIST_VOLUMES,
                    (xdrproc_t) xdr_vr_storage_pool_list_volumes_args, &args,
                    (xdrproc_t) xdr_vr_storage_list_names_ret, &ret) < 0) {
        g_ptr_array_free(out, TRUE);
        return -1;
    }
    for (u_int i = 0; i < ret.names.names_len && rc == 0; i++) {
        VireoStorageVol *vol =
            vireo_storage_vol_lookup_by_name(pool, ret.names.names_val[i]);

        if (vol)
            g_ptr_array_add(out, vol);
        else if (vr_error_code() == VR_ERR_NO_STORAGE_VOL)
            vr_error_reset();        /* gone meanwhile */
        else
            rc = -1;
    }
    xdr_free((xdrproc_t) xdr_vr_storage_list_names_ret, (char *) &ret);
    if (rc < 0) {
        g_ptr_array_free(out, TRUE);
        return -1;
    }
    return steal_array(out, (void ***) vols);
}

int
vireo_storage_pool_list_volumes(VireoStoragePool *pool, unsigned int flags,
                                VireoStorageVol ***vols)
{
    vr_storage_pool_list_all_volumes_args args;
    vr_storage_pool_list_all_volumes_ret ret;
    int count;

    CHECK_POOL(pool, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.need_results = vols ? 1 : 0;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(pool->conn, VR_PROC_STORAGE_POOL_LIST_ALL_VOLUMES,
                    (xdrproc_t) xdr_vr_storage_pool_list_all_volumes_args,
                    &args,
                    (xdrproc_t) xdr_vr_storage_pool_list_all_volumes_ret,
                    &ret) < 0) {
        if (vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        vr_error_reset();
        return vols_fallback(pool, vols);
    }
    count = vols ? (int) ret.vols.vols_len : (int) ret.ret;
    if (vols) {
        *vols = g_new0(VireoStorageVol *, ret.vols.vols_len + 1);
        for (u_int i = 0; i < ret.vols.vols_len; i++)
            (*vols)[i] = vr_lib_vol_new(pool->conn, &ret.vols.vols_val[i]);
    }
    xdr_free((xdrproc_t) xdr_vr_storage_pool_list_all_volumes_ret,
             (char *) &ret);
    return count;
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
    return vol_call(pool->conn, VR_PROC_STORAGE_VOL_CREATE_XML,
                    (xdrproc_t) xdr_vr_storage_vol_create_xml_args, &args);
}

VireoStorageVol *
vireo_storage_vol_create_xml_from(VireoStoragePool *pool, const char *xml,
                                  VireoStorageVol *clonevol,
                                  unsigned int flags)
{
    vr_storage_vol_create_xml_from_args args;

    CHECK_POOL(pool, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (!check_vol(clonevol, __func__))
        return NULL;
    if (VR_CHECK_FLAGS(flags, VOL_CREATE_FLAGS) < 0)
        return NULL;
    vr_lib_pool_to_wire(pool, &args.pool);
    args.xml = (char *) xml;
    vr_lib_vol_to_wire(clonevol, &args.clonevol);
    args.flags = flags;
    return vol_call(pool->conn, VR_PROC_STORAGE_VOL_CREATE_XML_FROM,
                    (xdrproc_t) xdr_vr_storage_vol_create_xml_from_args,
                    &args);
}

/* A call taking the volume and flags; @ret_filter/@ret may be NULL. */
static int
vol_flags(VireoStorageVol *vol, int proc, unsigned int flags,
          xdrproc_t ret_filter, void *ret)
{
    vr_storage_vol_flags_args args;

    vr_lib_vol_to_wire(vol, &args.vol);
    args.flags = flags;
    return vr_lib_call(vol->conn, proc,
                       (xdrproc_t) xdr_vr_storage_vol_flags_args, &args,
                       ret_filter, ret);
}

int
vireo_storage_vol_delete(VireoStorageVol *vol, unsigned int flags)
{
    CHECK_VOL(vol, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return vol_flags(vol, VR_PROC_STORAGE_VOL_DELETE, flags, NULL, NULL);
}

int
vireo_storage_vol_wipe(VireoStorageVol *vol, unsigned int flags)
{
    CHECK_VOL(vol, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return vol_flags(vol, VR_PROC_STORAGE_VOL_WIPE, flags, NULL, NULL);
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
    vr_storage_vol_args args;
    int rc;

    CHECK_VOL(vol, -1);
    VR_LIB_CHECK_ARG(info, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_STORAGE_VOL_GET_PHYSICAL) < 0)
        return -1;
    memset(&ret, 0, sizeof(ret));
    if (flags) {
        rc = vol_flags(vol, VR_PROC_STORAGE_VOL_GET_INFO_FLAGS, flags,
                       (xdrproc_t) xdr_vr_storage_vol_get_info_ret, &ret);
    } else {
        vr_lib_vol_to_wire(vol, &args.vol);
        rc = vr_lib_call(vol->conn, VR_PROC_STORAGE_VOL_GET_INFO,
                         (xdrproc_t) xdr_vr_storage_vol_args, &args,
                         (xdrproc_t) xdr_vr_storage_vol_get_info_ret, &ret);
    }
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
    vr_storage_xml_ret ret = { 0 };
    char *res;

    CHECK_VOL(vol, NULL);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return NULL;
    if (vol_flags(vol, VR_PROC_STORAGE_VOL_GET_XML_DESC, flags,
                  (xdrproc_t) xdr_vr_storage_xml_ret, &ret) < 0)
        return NULL;
    res = g_strdup(ret.xml);
    xdr_free((xdrproc_t) xdr_vr_storage_xml_ret, (char *) &ret);
    return res;
}

char *
vireo_storage_vol_get_path(VireoStorageVol *vol)
{
    vr_storage_vol_get_path_ret ret = { 0 };
    vr_storage_vol_args args;
    char *res;

    CHECK_VOL(vol, NULL);
    vr_lib_vol_to_wire(vol, &args.vol);
    if (vr_lib_call(vol->conn, VR_PROC_STORAGE_VOL_GET_PATH,
                    (xdrproc_t) xdr_vr_storage_vol_args, &args,
                    (xdrproc_t) xdr_vr_storage_vol_get_path_ret, &ret) < 0)
        return NULL;
    res = g_strdup(ret.name);
    xdr_free((xdrproc_t) xdr_vr_storage_vol_get_path_ret, (char *) &ret);
    return res;
}
