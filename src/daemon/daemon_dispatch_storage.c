/* daemon_dispatch_storage.c: storage pool and volume procedures (FACTS.md
 * section 8 "Storage pools" and "Storage volumes", the 281/282 fallbacks
 * of section 9): XDR in, one storage driver call, XDR out.  Streams
 * (upload/download) are in daemon_stream_vol.c, pool events in
 * daemon_events_storage.c.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_storage.h"
#include "util/vr_error.h"

StorageDriver *
daemon_client_storage(VrRpcSession *sess)
{
    StorageDriver *drv = daemon_client_context(sess)->storage;

    if (!drv)
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_STORAGE,
                        "the storage driver is not available");
    return drv;
}

void
daemon_pool_from_wire(StoragePoolRef *ref, const vr_nonnull_storage_pool *pool)
{
    ref->name = pool->name;
    memcpy(ref->uuid, pool->uuid, sizeof(ref->uuid));
}

void
daemon_vol_from_wire(StorageVolRef *ref, const vr_nonnull_storage_vol *vol)
{
    ref->pool = vol->pool;
    ref->name = vol->name;
    ref->key = vol->key;
}

static void
pool_to_wire(vr_nonnull_storage_pool *pool, StoragePoolRef *ref)
{
    pool->name = g_steal_pointer(&ref->name);
    memcpy(pool->uuid, ref->uuid, sizeof(pool->uuid));
}

static void
vol_to_wire(vr_nonnull_storage_vol *vol, StorageVolRef *ref)
{
    vol->pool = g_steal_pointer(&ref->pool);
    vol->name = g_steal_pointer(&ref->name);
    vol->key = g_steal_pointer(&ref->key);
}

static int
pool_reply(int rc, StoragePoolRef *ref, vr_nonnull_storage_pool *pool)
{
    if (rc < 0) {
        storage_pool_ref_clear(ref);
        return -1;
    }
    pool_to_wire(pool, ref);
    return 0;
}

static int
vol_reply(int rc, StorageVolRef *ref, vr_nonnull_storage_vol *vol)
{
    if (rc < 0) {
        storage_vol_ref_clear(ref);
        return -1;
    }
    vol_to_wire(vol, ref);
    return 0;
}

/* The driver, and refusing read-only clients for modifying calls. */
static StorageDriver *
writable_storage(VrRpcSession *sess, const char *api)
{
    StorageDriver *drv = daemon_client_storage(sess);

    if (!drv)
        return NULL;
    if (vr_rpc_session_is_readonly(sess)) {
        vr_error_report(VR_ERR_OPERATION_DENIED, VR_FROM_STORAGE,
                        "read only access prevents %s", api);
        return NULL;
    }
    if (daemon_client_check_write_from(sess, api, VR_FROM_STORAGE) < 0)
        return NULL;
    return drv;
}

/* ---- pool listing ---- */

DAEMON_HANDLER(connect_list_all_storage_pools)
{
    const vr_connect_list_all_storage_pools_args *a = args;
    vr_connect_list_all_storage_pools_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef *refs = NULL;
    size_t n = 0;

    if (!drv)
        return -1;
    if (storage_pool_list_all(drv, a->flags, &refs, &n) < 0)
        return -1;
    if (n > VR_STORAGE_POOL_LIST_MAX) {
        storage_pool_ref_array_free(refs, n);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "too many storage pools (%zu) for one reply", n);
        return -1;
    }
    if (a->need_results) {
        r->pools.pools_val = g_new0(vr_nonnull_storage_pool, MAX(n, 1));
        r->pools.pools_len = n;
        for (size_t i = 0; i < n; i++)
            pool_to_wire(&r->pools.pools_val[i], &refs[i]);
    }
    storage_pool_ref_array_free(refs, n);
    r->ret = n;
    return 0;
}

static int
count_pools(VrRpcSession *sess, bool active, vr_int_ret *r)
{
    StorageDriver *drv = daemon_client_storage(sess);

    if (!drv)
        return -1;
    r->value = storage_pool_count(drv, active);
    return r->value < 0 ? -1 : 0;
}

DAEMON_HANDLER(connect_num_of_storage_pools)
{
    return count_pools(sess, true, ret);
}

DAEMON_HANDLER(connect_num_of_defined_storage_pools)
{
    return count_pools(sess, false, ret);
}

static int
check_maxnames(int max)
{
    if (max < 0 || max > VR_STORAGE_POOL_LIST_MAX) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "maxnames %d out of range [0, %d]", max,
                        VR_STORAGE_POOL_LIST_MAX);
        return -1;
    }
    return 0;
}

static int
list_pool_names(VrRpcSession *sess, bool active, int max,
                vr_storage_list_names_ret *r)
{
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef *refs = NULL;
    size_t n = 0;

    if (!drv || check_maxnames(max) < 0)
        return -1;
    if (storage_pool_list_all(drv, active ? STORAGE_LIST_ACTIVE
                                          : STORAGE_LIST_INACTIVE,
                              &refs, &n) < 0)
        return -1;
    r->names.names_len = MIN(n, (size_t) max);
    r->names.names_val = g_new0(vr_nonnull_string,
                                MAX(r->names.names_len, 1));
    for (u_int i = 0; i < r->names.names_len; i++)
        r->names.names_val[i] = g_steal_pointer(&refs[i].name);
    storage_pool_ref_array_free(refs, n);
    return 0;
}

DAEMON_HANDLER(connect_list_storage_pools)
{
    const vr_storage_list_names_args *a = args;

    return list_pool_names(sess, true, a->maxnames, ret);
}

DAEMON_HANDLER(connect_list_defined_storage_pools)
{
    const vr_storage_list_names_args *a = args;

    return list_pool_names(sess, false, a->maxnames, ret);
}

/* ---- pool lookups and definitions ---- */

DAEMON_HANDLER(storage_pool_lookup_by_name)
{
    const vr_storage_pool_lookup_by_name_args *a = args;
    vr_storage_pool_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref = { 0 };

    if (!drv)
        return -1;
    return pool_reply(storage_pool_lookup_by_name(drv, a->name, &ref), &ref,
                      &r->pool);
}

DAEMON_HANDLER(storage_pool_lookup_by_uuid)
{
    const vr_storage_pool_lookup_by_uuid_args *a = args;
    vr_storage_pool_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref = { 0 };

    if (!drv)
        return -1;
    return pool_reply(storage_pool_lookup_by_uuid(
                          drv, (const unsigned char *) a->uuid, &ref),
                      &ref, &r->pool);
}

DAEMON_HANDLER(storage_pool_lookup_by_volume)
{
    const vr_storage_vol_args *a = args;
    vr_storage_pool_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref = { 0 };
    StorageVolRef vol;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&vol, &a->vol);
    return pool_reply(storage_pool_lookup_by_volume(drv, &vol, &ref), &ref,
                      &r->pool);
}

static int
define_or_create(VrRpcSession *sess, bool create,
                 const vr_storage_pool_xml_args *a, vr_storage_pool_ret *r)
{
    StorageDriver *drv = writable_storage(sess, create
                                          ? "virStoragePoolCreateXML"
                                          : "virStoragePoolDefineXML");
    StoragePoolRef ref = { 0 };
    int rc;

    if (!drv)
        return -1;
    rc = create ? storage_pool_create_xml(drv, a->xml, a->flags, &ref)
                : storage_pool_define(drv, a->xml, a->flags, &ref);
    return pool_reply(rc, &ref, &r->pool);
}

DAEMON_HANDLER(storage_pool_define_xml)
{
    return define_or_create(sess, false, args, ret);
}

DAEMON_HANDLER(storage_pool_create_xml)
{
    return define_or_create(sess, true, args, ret);
}

/* ---- pool operations ---- */

typedef int (*PoolFlagsOp)(StorageDriver *drv, const StoragePoolRef *pool,
                           unsigned int flags);
typedef int (*PoolOp)(StorageDriver *drv, const StoragePoolRef *pool);

static int
pool_flags_op(VrRpcSession *sess, const char *api, const void *args,
              PoolFlagsOp op)
{
    const vr_storage_pool_flags_args *a = args;
    StorageDriver *drv = writable_storage(sess, api);
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    return op(drv, &ref, a->flags);
}

static int
pool_op(VrRpcSession *sess, const char *api, const void *args, PoolOp op)
{
    const vr_storage_pool_args *a = args;
    StorageDriver *drv = writable_storage(sess, api);
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    return op(drv, &ref);
}

DAEMON_HANDLER(storage_pool_create)
{
    return pool_flags_op(sess, "virStoragePoolCreate", args,
                         storage_pool_start);
}

DAEMON_HANDLER(storage_pool_build)
{
    return pool_flags_op(sess, "virStoragePoolBuild", args,
                         storage_pool_build);
}

DAEMON_HANDLER(storage_pool_delete)
{
    return pool_flags_op(sess, "virStoragePoolDelete", args,
                         storage_pool_delete);
}

DAEMON_HANDLER(storage_pool_refresh)
{
    return pool_flags_op(sess, "virStoragePoolRefresh", args,
                         storage_pool_refresh);
}

DAEMON_HANDLER(storage_pool_destroy)
{
    return pool_op(sess, "virStoragePoolDestroy", args, storage_pool_destroy);
}

DAEMON_HANDLER(storage_pool_undefine)
{
    return pool_op(sess, "virStoragePoolUndefine", args,
                   storage_pool_undefine);
}

/* ---- pool queries ---- */

DAEMON_HANDLER(storage_pool_get_info)
{
    const vr_storage_pool_args *a = args;
    vr_storage_pool_get_info_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref;
    unsigned long long cap = 0, alloc = 0, avail = 0;
    int state = 0;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    if (storage_pool_get_info(drv, &ref, &state, &cap, &alloc, &avail) < 0)
        return -1;
    r->state = state;
    r->capacity = cap;
    r->allocation = alloc;
    r->available = avail;
    return 0;
}

DAEMON_HANDLER(storage_pool_get_xml_desc)
{
    const vr_storage_pool_flags_args *a = args;
    vr_storage_xml_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    r->xml = storage_pool_get_xml(drv, &ref, a->flags);
    return r->xml ? 0 : -1;
}

DAEMON_HANDLER(storage_pool_get_autostart)
{
    const vr_storage_pool_args *a = args;
    vr_int_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref;
    bool autostart = false;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    if (storage_pool_get_autostart(drv, &ref, &autostart) < 0)
        return -1;
    r->value = autostart ? 1 : 0;
    return 0;
}

DAEMON_HANDLER(storage_pool_set_autostart)
{
    const vr_storage_pool_set_autostart_args *a = args;
    StorageDriver *drv = writable_storage(sess, "virStoragePoolSetAutostart");
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    return storage_pool_set_autostart(drv, &ref, a->autostart != 0);
}

static int
pool_query(VrRpcSession *sess, const void *args, PoolOp q, vr_int_ret *r)
{
    const vr_storage_pool_args *a = args;
    StorageDriver *drv = daemon_client_storage(sess);
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    r->value = q(drv, &ref);
    return r->value < 0 ? -1 : 0;
}

DAEMON_HANDLER(storage_pool_is_active)
{
    return pool_query(sess, args, storage_pool_is_active, ret);
}

DAEMON_HANDLER(storage_pool_is_persistent)
{
    return pool_query(sess, args, storage_pool_is_persistent, ret);
}

DAEMON_HANDLER(storage_pool_num_of_volumes)
{
    return pool_query(sess, args, storage_vol_count, ret);
}

/* ---- volume listing and lookups ---- */

DAEMON_HANDLER(storage_pool_list_volumes)
{
    const vr_storage_pool_list_volumes_args *a = args;
    vr_storage_list_names_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef *refs = NULL;
    StoragePoolRef ref;
    size_t n = 0;

    if (!drv || check_maxnames(a->maxnames) < 0)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    if (storage_vol_list_all(drv, &ref, 0, &refs, &n) < 0)
        return -1;
    r->names.names_len = MIN(n, (size_t) a->maxnames);
    r->names.names_val = g_new0(vr_nonnull_string,
                                MAX(r->names.names_len, 1));
    for (u_int i = 0; i < r->names.names_len; i++)
        r->names.names_val[i] = g_steal_pointer(&refs[i].name);
    storage_vol_ref_array_free(refs, n);
    return 0;
}

DAEMON_HANDLER(storage_pool_list_all_volumes)
{
    const vr_storage_pool_list_all_volumes_args *a = args;
    vr_storage_pool_list_all_volumes_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef *refs = NULL;
    StoragePoolRef ref;
    size_t n = 0;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    if (storage_vol_list_all(drv, &ref, a->flags, &refs, &n) < 0)
        return -1;
    if (n > VR_STORAGE_VOL_LIST_MAX) {
        storage_vol_ref_array_free(refs, n);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "too many volumes (%zu) for one reply", n);
        return -1;
    }
    if (a->need_results) {
        r->vols.vols_val = g_new0(vr_nonnull_storage_vol, MAX(n, 1));
        r->vols.vols_len = n;
        for (size_t i = 0; i < n; i++)
            vol_to_wire(&r->vols.vols_val[i], &refs[i]);
    }
    storage_vol_ref_array_free(refs, n);
    r->ret = n;
    return 0;
}

DAEMON_HANDLER(storage_vol_lookup_by_name)
{
    const vr_storage_vol_lookup_by_name_args *a = args;
    vr_storage_vol_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef out = { 0 };
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    return vol_reply(storage_vol_lookup_by_name(drv, &ref, a->name, &out),
                     &out, &r->vol);
}

DAEMON_HANDLER(storage_vol_lookup_by_key)
{
    const vr_storage_vol_lookup_by_string_args *a = args;
    vr_storage_vol_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef out = { 0 };

    if (!drv)
        return -1;
    return vol_reply(storage_vol_lookup_by_key(drv, a->key, &out), &out,
                     &r->vol);
}

DAEMON_HANDLER(storage_vol_lookup_by_path)
{
    const vr_storage_vol_lookup_by_string_args *a = args;
    vr_storage_vol_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef out = { 0 };

    if (!drv)
        return -1;
    return vol_reply(storage_vol_lookup_by_path(drv, a->key, &out), &out,
                     &r->vol);
}

/* ---- volume operations ---- */

DAEMON_HANDLER(storage_vol_create_xml)
{
    const vr_storage_vol_create_xml_args *a = args;
    vr_storage_vol_ret *r = ret;
    StorageDriver *drv = writable_storage(sess, "virStorageVolCreateXML");
    StorageVolRef out = { 0 };
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    return vol_reply(storage_vol_create_xml(drv, &ref, a->xml, a->flags,
                                            &out), &out, &r->vol);
}

DAEMON_HANDLER(storage_vol_create_xml_from)
{
    const vr_storage_vol_create_xml_from_args *a = args;
    vr_storage_vol_ret *r = ret;
    StorageDriver *drv = writable_storage(sess,
                                          "virStorageVolCreateXMLFrom");
    StorageVolRef out = { 0 };
    StorageVolRef src;
    StoragePoolRef ref;

    if (!drv)
        return -1;
    daemon_pool_from_wire(&ref, &a->pool);
    daemon_vol_from_wire(&src, &a->clonevol);
    return vol_reply(storage_vol_create_xml_from(drv, &ref, a->xml, &src,
                                                 a->flags, &out),
                     &out, &r->vol);
}

DAEMON_HANDLER(storage_vol_delete)
{
    const vr_storage_vol_flags_args *a = args;
    StorageDriver *drv = writable_storage(sess, "virStorageVolDelete");
    StorageVolRef ref;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    return storage_vol_delete(drv, &ref, a->flags);
}

DAEMON_HANDLER(storage_vol_wipe)
{
    const vr_storage_vol_flags_args *a = args;
    StorageDriver *drv = writable_storage(sess, "virStorageVolWipe");
    StorageVolRef ref;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    return storage_vol_wipe(drv, &ref, 0, a->flags);
}

DAEMON_HANDLER(storage_vol_wipe_pattern)
{
    const vr_storage_vol_wipe_pattern_args *a = args;
    StorageDriver *drv = writable_storage(sess, "virStorageVolWipePattern");
    StorageVolRef ref;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    return storage_vol_wipe(drv, &ref, a->algorithm, a->flags);
}

DAEMON_HANDLER(storage_vol_resize)
{
    const vr_storage_vol_resize_args *a = args;
    StorageDriver *drv = writable_storage(sess, "virStorageVolResize");
    StorageVolRef ref;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    return storage_vol_resize(drv, &ref, a->capacity, a->flags);
}

/* ---- volume queries ---- */

static int
vol_info(VrRpcSession *sess, const vr_nonnull_storage_vol *vol,
         vr_storage_vol_get_info_ret *r)
{
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef ref;
    unsigned long long cap = 0, alloc = 0;
    int type = 0;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, vol);
    if (storage_vol_get_info(drv, &ref, &type, &cap, &alloc) < 0)
        return -1;
    r->type = type;
    r->capacity = cap;
    r->allocation = alloc;
    return 0;
}

DAEMON_HANDLER(storage_vol_get_info)
{
    const vr_storage_vol_args *a = args;

    return vol_info(sess, &a->vol, ret);
}

/* Flags: 1 PHYSICAL (allocation = physical size): file volumes report the
 * same figures, so the flag is accepted and changes nothing. */
DAEMON_HANDLER(storage_vol_get_info_flags)
{
    const vr_storage_vol_flags_args *a = args;

    if (VR_CHECK_FLAGS(a->flags, 1) < 0)
        return -1;
    return vol_info(sess, &a->vol, ret);
}

DAEMON_HANDLER(storage_vol_get_xml_desc)
{
    const vr_storage_vol_flags_args *a = args;
    vr_storage_xml_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef ref;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    r->xml = storage_vol_get_xml(drv, &ref, a->flags);
    return r->xml ? 0 : -1;
}

DAEMON_HANDLER(storage_vol_get_path)
{
    const vr_storage_vol_args *a = args;
    vr_storage_vol_get_path_ret *r = ret;
    StorageDriver *drv = daemon_client_storage(sess);
    StorageVolRef ref;

    if (!drv)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    r->name = storage_vol_get_path(drv, &ref);
    return r->name ? 0 : -1;
}
