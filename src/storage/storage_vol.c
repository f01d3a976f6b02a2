/* storage_vol.c: volume lookups, listings and operations (create, clone,
 * delete, resize, info, XML, path).  A volume doing I/O is marked busy
 * under the pool lock (a placeholder with its name while it is created),
 * and the I/O runs with no lock held.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

StorageVol *
storage_pool_find_vol(StoragePool *pool, const char *name)
{
    for (guint i = 0; i < pool->vols->len; i++) {
        StorageVol *vol = g_ptr_array_index(pool->vols, i);

        if (g_str_equal(vol->def->name, name))
            return vol;
    }
    return NULL;
}

/* An active pool for @ref (a reference), or NULL reported. */
static StoragePool *
get_active_pool(StorageDriver *drv, const StoragePoolRef *ref)
{
    g_autoptr(StoragePool) pool = storage_driver_get_pool(drv, ref);
    bool active;

    if (!pool)
        return NULL;
    g_mutex_lock(&pool->lock);
    active = pool->active;
    g_mutex_unlock(&pool->lock);
    if (!active) {
        storage_report_inactive(pool->name);
        return NULL;
    }
    return g_steal_pointer(&pool);
}

int
storage_driver_get_vol(StorageDriver *drv, const StorageVolRef *ref,
                       StoragePool **poolp, StorageVol **volp)
{
    StoragePoolRef pref = { .name = ref->pool };
    g_autoptr(StoragePool) pool = get_active_pool(drv, &pref);
    StorageVol *vol = NULL;

    if (!pool)
        return -1;
    g_mutex_lock(&pool->lock);
    vol = ref->name ? storage_pool_find_vol(pool, ref->name) : NULL;
    if (vol && !vol->busy)
        storage_vol_obj_ref(vol);
    else if (vol && vol->busy && vol->job)
        storage_vol_obj_ref(vol);      /* jobs are watchable */
    else
        vol = NULL;
    g_mutex_unlock(&pool->lock);
    if (!vol) {
        storage_report_no_vol("name", ref->name ? ref->name : "");
        return -1;
    }
    *poolp = g_steal_pointer(&pool);
    *volp = vol;
    return 0;
}

int
storage_vol_count(StorageDriver *drv, const StoragePoolRef *ref)
{
    g_autoptr(StoragePool) pool = get_active_pool(drv, ref);
    int n;

    if (!pool)
        return -1;
    g_mutex_lock(&pool->lock);
    n = (int) pool->vols->len;
    g_mutex_unlock(&pool->lock);
    return n;
}

int
storage_vol_list_all(StorageDriver *drv, const StoragePoolRef *ref,
                     unsigned int flags, StorageVolRef **refs, size_t *n)
{
    g_autoptr(StoragePool) pool = NULL;
    GArray *out;

    if (VR_CHECK_FLAGS(flags, 0) < 0 || !(pool = get_active_pool(drv, ref)))
        return -1;
    out = g_array_new(FALSE, TRUE, sizeof(StorageVolRef));
    g_mutex_lock(&pool->lock);
    for (guint i = 0; i < pool->vols->len; i++) {
        StorageVol *vol = g_ptr_array_index(pool->vols, i);
        StorageVolRef r = { 0 };

        if (vol->busy && !vol->job)
            continue;
        storage_vol_ref_fill(&r, pool, vol->def);
        g_array_append_val(out, r);
    }
    g_mutex_unlock(&pool->lock);
    *n = out->len;
    *refs = (StorageVolRef *) g_array_free(out, FALSE);
    return 0;
}

int
storage_vol_lookup_by_name(StorageDriver *drv, const StoragePoolRef *pref,
                           const char *name, StorageVolRef *out)
{
    g_autoptr(StoragePool) pool = get_active_pool(drv, pref);
    StorageVolRef ref = { .pool = pool ? pool->name : NULL,
                          .name = (char *) name };
    g_autoptr(StoragePool) p2 = NULL;
    g_autoptr(StorageVol) vol = NULL;

    if (!pool || storage_driver_get_vol(drv, &ref, &p2, &vol) < 0)
        return -1;
    g_mutex_lock(&p2->lock);
    storage_vol_ref_fill(out, p2, vol->def);
    g_mutex_unlock(&p2->lock);
    return 0;
}

/* Search the active pools for a volume whose key (@by_key) or path is
 * @value. */
static int
lookup_any(StorageDriver *drv, const char *value, bool by_key,
           StorageVolRef *out)
{
    g_autoptr(GPtrArray) all = storage_driver_all_pools(drv);
    g_autofree char *canon = g_canonicalize_filename(value, "/");

    for (guint i = 0; i < all->len; i++) {
        StoragePool *pool = g_ptr_array_index(all, i);
        bool found = false;

        g_mutex_lock(&pool->lock);
        for (guint j = 0; pool->active && !found && j < pool->vols->len;
             j++) {
            StorageVol *vol = g_ptr_array_index(pool->vols, j);
            const char *v = by_key ? vol->def->key : vol->def->target_path;

            if (vol->busy && !vol->job)
                continue;
            if (v && (g_str_equal(v, value) || g_str_equal(v, canon))) {
                storage_vol_ref_fill(out, pool, vol->def);
                found = true;
            }
        }
        g_mutex_unlock(&pool->lock);
        if (found)
            return 0;
    }
    if (by_key)
        vr_error_report(VR_ERR_NO_STORAGE_VOL, VR_FROM_STORAGE,
                        "no storage vol with matching key %s", value);
    else
        storage_report_no_vol("path", value);
    return -1;
}

int
storage_vol_lookup_by_key(StorageDriver *drv, const char *key,
                          StorageVolRef *out)
{
    return lookup_any(drv, key, true, out);
}

int
storage_vol_lookup_by_path(StorageDriver *drv, const char *path,
                           StorageVolRef *out)
{
    return lookup_any(drv, path, false, out);
}

/* ---- create -------------------------------------------------------------- */

/* Fill in the backing store's format: the volume's we know, else what
 * qemu-img reads from that one image.  0 or -1 (reported). */
static int
resolve_backing(StorageDriver *drv, VrStorageVolBacking *b)
{
    StorageVolRef ref = { 0 };
    StorageImgInfo info = { 0 };

    if (!g_file_test(b->path, G_FILE_TEST_EXISTS)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "backing storage '%s' does not exist", b->path);
        return -1;
    }
    if (b->format != VR_STORAGE_FORMAT_NONE)
        return 0;
    if (storage_vol_lookup_by_path(drv, b->path, &ref) == 0) {
        g_autoptr(StoragePool) pool = NULL;
        g_autoptr(StorageVol) vol = NULL;

        if (storage_driver_get_vol(drv, &ref, &pool, &vol) == 0) {
            g_mutex_lock(&pool->lock);
            b->format = vol->def->target_format;
            g_mutex_unlock(&pool->lock);
        }
        storage_vol_ref_clear(&ref);
    }
    vr_error_reset();
    if (b->format == VR_STORAGE_FORMAT_NONE) {
        if (storage_img_info(b->path, VR_STORAGE_FORMAT_NONE, &info) < 0)
            return -1;
        b->format = info.format;
        storage_img_info_clear(&info);
    }
    if (b->format == VR_STORAGE_FORMAT_NONE)
        b->format = VR_STORAGE_FORMAT_RAW;
    return 0;
}

/* Reserve @def's name in @pool with a busy placeholder, after checking
 * the pool's free space (0 = no check).  Returns the placeholder (a
 * reference) or NULL reported. */
static StorageVol *
reserve(StoragePool *pool, const VrStorageVolDef *def,
        unsigned long long need)
{
    StorageVol *vol = NULL;

    g_mutex_lock(&pool->lock);
    if (!pool->active) {
        storage_report_inactive(pool->name);
    } else if (storage_pool_find_vol(pool, def->name)) {
        vr_error_report(VR_ERR_STORAGE_VOL_EXIST, VR_FROM_STORAGE,
                        "storage volume name '%s' already in use.",
                        def->name);
    } else if (need > pool->def->available) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "not enough space in storage pool '%s' for volume "
                        "'%s': %llu bytes asked, %llu available",
                        pool->name, def->name, need,
                        pool->def->available);
    } else {
        vol = storage_vol_obj_new(vr_storage_vol_def_copy(def));
        vol->busy = true;
        pool->busy++;
        g_ptr_array_add(pool->vols, storage_vol_obj_ref(vol));
    }
    g_mutex_unlock(&pool->lock);
    return vol;
}

/* End a reservation: publish @def (taken) or drop the placeholder. */
static void
unreserve(StoragePool *pool, StorageVol *vol, VrStorageVolDef *def)
{
    g_mutex_lock(&pool->lock);
    pool->busy--;
    vol->busy = false;
    if (def) {
        vr_storage_vol_def_free(vol->def);
        vol->def = def;
    } else {
        g_ptr_array_remove(pool->vols, vol);
    }
    g_mutex_unlock(&pool->lock);
}

static VrStorageVolDef *
parse_vol(StoragePool *pool, const char *xml, unsigned int flags,
          unsigned int pflags)
{
    g_autoptr(VrStoragePoolDef) pdef = NULL;

    g_mutex_lock(&pool->lock);
    pdef = vr_storage_pool_def_copy(pool->def);
    g_mutex_unlock(&pool->lock);
    if (flags & STORAGE_VOL_CREATE_VALIDATE)
        pflags |= VR_STORAGE_VOL_PARSE_VALIDATE;
    return vr_storage_vol_def_parse_string(xml, pdef, pflags);
}

/* Create the volume for the reserved @vol and publish it. */
static int
create_reserved(StoragePool *pool, StorageVol *vol, VrStorageVolDef *def,
                unsigned int flags, StorageVolRef *out)
{
    g_autoptr(VrStoragePoolDef) pdef = NULL;
    const StorageBackend *be;

    g_mutex_lock(&pool->lock);
    pdef = vr_storage_pool_def_copy(pool->def);
    g_mutex_unlock(&pool->lock);
    be = storage_backend_for(pdef->type);
    if (!(flags & STORAGE_VOL_CREATE_CLONED) &&
        be->vol_create(pdef, def, flags) < 0) {
        unreserve(pool, vol, NULL);
        return -1;
    }
    if (be->vol_refresh(pdef, def) < 0) {
        vr_error_reset();   /* created: publish what we know */
    }
    if (!def->key)
        def->key = g_strdup(def->target_path);
    g_mutex_lock(&pool->lock);
    storage_vol_ref_fill(out, pool, def);
    g_mutex_unlock(&pool->lock);
    VR_INFO("created volume '%s' in storage pool '%s'", def->name,
            pool->name);
    unreserve(pool, vol, def);
    return 0;
}

int
storage_vol_create_xml(StorageDriver *drv, const StoragePoolRef *ref,
                       const char *xml, unsigned int flags,
                       StorageVolRef *out)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(VrStorageVolDef) def = NULL;
    g_autoptr(StorageVol) vol = NULL;

    if (VR_CHECK_FLAGS(flags, STORAGE_VOL_CREATE_VALIDATE |
                              STORAGE_VOL_CREATE_PREALLOC_METADATA) < 0 ||
        !(pool = get_active_pool(drv, ref)) ||
        !(def = parse_vol(pool, xml, flags, 0)))
        return -1;
    if (def->backing && resolve_backing(drv, def->backing) < 0)
        return -1;
    if (!(vol = reserve(pool, def, def->capacity)))
        return -1;
    return create_reserved(pool, vol, g_steal_pointer(&def), flags, out);
}

typedef struct {
    VrStoragePoolDef *pdef;
    StorageJob *job;
    VrStorageVolDef *src;
    VrStorageVolDef *dst;
} CloneData;

static int
clone_thread(gpointer data)
{
    CloneData *c = data;
    const StorageBackend *be = storage_backend_for(c->pdef->type);

    if (be->vol_create(c->pdef, c->dst, 0) < 0)
        return -1;
    if (storage_job_clone(c->job, c->src, c->dst) < 0) {
        g_autoptr(VrError) err = vr_error_copy_last();

        be->vol_delete(c->pdef, c->dst);
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
        return -1;
    }
    return 0;
}

int
storage_vol_create_xml_from(StorageDriver *drv, const StoragePoolRef *ref,
                            const char *xml, const StorageVolRef *srcref,
                            unsigned int flags, StorageVolRef *out)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StoragePool) spool = NULL;
    g_autoptr(StorageVol) svol = NULL;
    g_autoptr(StorageVol) vol = NULL;
    g_autoptr(VrStorageVolDef) def = NULL;
    g_autoptr(VrStorageVolDef) src = NULL;
    g_autoptr(VrStoragePoolDef) pdef = NULL;
    CloneData c = { 0 };
    int ret;

    if (VR_CHECK_FLAGS(flags, STORAGE_VOL_CREATE_VALIDATE) < 0 ||
        !(pool = get_active_pool(drv, ref)) ||
        storage_driver_get_vol(drv, srcref, &spool, &svol) < 0 ||
        !(def = parse_vol(pool, xml, flags,
                          VR_STORAGE_VOL_PARSE_NO_CAPACITY)))
        return -1;
    g_mutex_lock(&spool->lock);
    src = vr_storage_vol_def_copy(svol->def);
    spool->busy++;
    g_mutex_unlock(&spool->lock);
    if (def->capacity < src->capacity)
        def->capacity = src->capacity;
    if (!(vol = reserve(pool, def, src->allocation))) {
        ret = -1;
        goto out;
    }
    g_mutex_lock(&pool->lock);
    c.job = storage_job_begin(drv, vol, STORAGE_JOB_CLONE,
                              (gint64) src->allocation);
    g_mutex_unlock(&pool->lock);
    g_mutex_lock(&pool->lock);
    pdef = vr_storage_pool_def_copy(pool->def);
    g_mutex_unlock(&pool->lock);
    c.pdef = pdef;
    c.src = src;
    c.dst = def;
    ret = storage_job_run_thread(clone_thread, &c);
    storage_job_end(drv, pool, vol);
    if (ret < 0)
        unreserve(pool, vol, NULL);
    else
        ret = create_reserved(pool, vol, g_steal_pointer(&def),
                              STORAGE_VOL_CREATE_CLONED, out);
 out:
    g_mutex_lock(&spool->lock);
    spool->busy--;
    g_mutex_unlock(&spool->lock);
    return ret;
}

/* ---- delete, resize ---------------------------------------------------- */

/* Mark @vol busy for an operation, refusing when a job runs. */
static int
mark_busy(StoragePool *pool, StorageVol *vol)
{
    int ret = 0;

    g_mutex_lock(&pool->lock);
    if (vol->busy) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "volume '%s' is still being allocated or has a job "
                        "running", vol->def->name);
        ret = -1;
    } else {
        vol->busy = true;
        pool->busy++;
    }
    g_mutex_unlock(&pool->lock);
    return ret;
}

static void
unmark_busy(StoragePool *pool, StorageVol *vol)
{
    g_mutex_lock(&pool->lock);
    vol->busy = false;
    pool->busy--;
    g_mutex_unlock(&pool->lock);
}

/* Copies of the pool and volume definitions. */
static void
copy_defs(StoragePool *pool, StorageVol *vol, VrStoragePoolDef **pdef,
          VrStorageVolDef **vdef)
{
    g_mutex_lock(&pool->lock);
    *pdef = vr_storage_pool_def_copy(pool->def);
    *vdef = vr_storage_vol_def_copy(vol->def);
    g_mutex_unlock(&pool->lock);
}

int
storage_vol_delete(StorageDriver *drv, const StorageVolRef *ref,
                   unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    g_autoptr(VrStoragePoolDef) pdef = NULL;
    g_autoptr(VrStorageVolDef) vdef = NULL;
    g_autofree char *user = NULL;
    int ret;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        storage_driver_get_vol(drv, ref, &pool, &vol) < 0 ||
        mark_busy(pool, vol) < 0)
        return -1;
    copy_defs(pool, vol, &pdef, &vdef);
    if (storage_driver_vol_in_use(drv, vdef->target_path, &user)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "volume '%s' is in use by domain '%s'", vdef->name,
                        user ? user : "?");
        unmark_busy(pool, vol);
        return -1;
    }
    ret = storage_backend_for(pdef->type)->vol_delete(pdef, vdef);
    g_mutex_lock(&pool->lock);
    vol->busy = false;
    pool->busy--;
    if (ret == 0)
        g_ptr_array_remove(pool->vols, vol);
    g_mutex_unlock(&pool->lock);
    if (ret == 0)
        VR_INFO("deleted volume '%s' of storage pool '%s'", vdef->name,
                pool->name);
    return ret;
}

/* The checks of vol-resize; *newcap the absolute capacity. */
static int
resize_check(const VrStoragePoolDef *pdef, const VrStorageVolDef *vdef,
             unsigned long long capacity, unsigned int flags,
             unsigned long long *newcap)
{
    bool shrink = flags & STORAGE_VOL_RESIZE_SHRINK;
    unsigned long long cap = capacity;

    if (flags & STORAGE_VOL_RESIZE_DELTA) {
        if (shrink)
            cap = capacity > vdef->capacity ? 0 : vdef->capacity - capacity;
        else
            cap = vdef->capacity + capacity;
    }
    if (cap == 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "capacity of volume '%s' must be greater than 0",
                        vdef->name);
        return -1;
    }
    if (cap < vdef->capacity && !shrink) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "Can't shrink capacity below current capacity "
                        "unless shrink flag explicitly specified");
        return -1;
    }
    if (cap < vdef->allocation && !shrink) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "can't shrink capacity below existing allocation");
        return -1;
    }
    if (cap > vdef->capacity && cap - vdef->capacity > pdef->available) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "Not enough space left in storage pool");
        return -1;
    }
    *newcap = cap;
    return 0;
}

int
storage_vol_resize(StorageDriver *drv, const StorageVolRef *ref,
                   unsigned long long capacity, unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    g_autoptr(VrStoragePoolDef) pdef = NULL;
    g_autoptr(VrStorageVolDef) vdef = NULL;
    const StorageBackend *be;
    unsigned long long cap;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, STORAGE_VOL_RESIZE_DELTA |
                              STORAGE_VOL_RESIZE_SHRINK) < 0 ||
        storage_driver_get_vol(drv, ref, &pool, &vol) < 0 ||
        mark_busy(pool, vol) < 0)
        return -1;
    copy_defs(pool, vol, &pdef, &vdef);
    be = storage_backend_for(pdef->type);
    if (resize_check(pdef, vdef, capacity, flags, &cap) == 0 &&
        be->vol_resize(pdef, vdef, cap, cap < vdef->capacity) == 0 &&
        be->vol_refresh(pdef, vdef) == 0)
        ret = 0;
    g_mutex_lock(&pool->lock);
    if (ret == 0) {
        vol->def->capacity = vdef->capacity;
        vol->def->allocation = vdef->allocation;
    }
    vol->busy = false;
    pool->busy--;
    g_mutex_unlock(&pool->lock);
    return ret;
}

/* ---- queries ----------------------------------------------------------- */

int
storage_vol_get_info(StorageDriver *drv, const StorageVolRef *ref,
                     int *type, unsigned long long *capacity,
                     unsigned long long *allocation)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;

    if (storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return -1;
    g_mutex_lock(&pool->lock);
    *type = vol->def->type == VR_STORAGE_VOL_BLOCK ? 1 : 0;
    *capacity = vol->def->capacity;
    *allocation = vol->def->allocation;
    g_mutex_unlock(&pool->lock);
    return 0;
}

char *
storage_vol_get_xml(StorageDriver *drv, const StorageVolRef *ref,
                    unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    char *xml;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return NULL;
    g_mutex_lock(&pool->lock);
    xml = vr_storage_vol_def_format(vol->def, 0);
    g_mutex_unlock(&pool->lock);
    return xml;
}

char *
storage_vol_get_path(StorageDriver *drv, const StorageVolRef *ref)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    char *path;

    if (storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return NULL;
    g_mutex_lock(&pool->lock);
    path = g_strdup(vol->def->target_path);
    g_mutex_unlock(&pool->lock);
    return path;
}
