/* storage_pool_ops.c: changes to pool definitions (define, undefine,
 * autostart) and the pool lifecycle (create, build, start, destroy,
 * delete, refresh) on top of the backends.  Definitions are written with
 * atomic writes under the driver's config lock; an active pool's live
 * definition is kept in <run>/storage/NAME.xml so a restarted daemon
 * knows it is active.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

const StorageBackend *
storage_backend_for(VrStoragePoolType type)
{
    switch (type) {
    case VR_STORAGE_POOL_FS: return &storage_backend_fs;
    case VR_STORAGE_POOL_NETFS: return &storage_backend_netfs;
    case VR_STORAGE_POOL_LOGICAL: return &storage_backend_logical;
    case VR_STORAGE_POOL_DIR:
    case VR_STORAGE_POOL_LAST:
    default: return &storage_backend_dir;
    }
}

/* libvirt's identity rules; also refuses a second pool on the same
 * target or volume group.  *found: same name and uuid, or NULL. */
static int
check_identity(StorageDriver *drv, const VrStoragePoolDef *def,
               StoragePool **found)
{
    g_autoptr(StoragePool) by_name = storage_driver_find_name(drv, def->name);
    g_autoptr(GPtrArray) all = storage_driver_all_pools(drv);
    char uuid[VR_UUID_STRING_BUFLEN];

    if (by_name && memcmp(by_name->uuid, def->uuid, 16) != 0) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_STORAGE,
                        "pool '%s' is already defined with uuid %s",
                        def->name, vr_uuid_format(by_name->uuid, uuid));
        return -1;
    }
    for (guint i = 0; i < all->len; i++) {
        StoragePool *o = g_ptr_array_index(all, i);
        bool same_target;

        if (o == by_name)
            continue;
        if (memcmp(o->uuid, def->uuid, 16) == 0) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_STORAGE,
                            "pool '%s' already exists with uuid %s",
                            o->name, vr_uuid_format(def->uuid, uuid));
            return -1;
        }
        g_mutex_lock(&o->lock);
        same_target = o->def->target_path && def->target_path &&
                      g_str_equal(o->def->target_path, def->target_path);
        g_mutex_unlock(&o->lock);
        if (same_target) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_STORAGE,
                            "Storage source conflict with pool: '%s'",
                            o->name);
            return -1;
        }
    }
    *found = g_steal_pointer(&by_name);
    return 0;
}

static int
save_def(StorageDriver *drv, const VrStoragePoolDef *def)
{
    g_autoptr(VrStoragePoolDef) copy = vr_storage_pool_def_copy(def);
    g_autofree char *xml = NULL;
    g_autofree char *path = storage_driver_config_path(drv, def->name);

    copy->capacity = copy->allocation = copy->available = 0;
    xml = vr_storage_pool_def_format(copy, 0);
    if (vr_dir_create(drv->config_dir, 0700) < 0)
        return -1;
    return vr_file_write_atomic(path, xml, strlen(xml), 0600);
}

static int
save_status(StorageDriver *drv, StoragePool *pool)
{
    g_autofree char *path = storage_driver_status_path(drv, pool->name);
    g_autofree char *xml = NULL;

    g_mutex_lock(&pool->lock);
    xml = vr_storage_pool_def_format(pool->def, 0);
    g_mutex_unlock(&pool->lock);
    return vr_file_write_atomic(path, xml, strlen(xml), 0600);
}

static VrStoragePoolDef *
parse_def(const char *xml, unsigned int flags)
{
    unsigned int pflags = (flags & STORAGE_POOL_DEFINE_VALIDATE) ?
                          VR_STORAGE_POOL_PARSE_VALIDATE : 0;
    VrStoragePoolDef *def =
        vr_storage_pool_def_parse_string(xml, NULL, pflags);

    if (def && !vr_storage_pool_name_check(def->name)) {
        vr_storage_pool_def_free(def);
        return NULL;
    }
    return def;
}

int
storage_pool_define(StorageDriver *drv, const char *xml, unsigned int flags,
                    StoragePoolRef *out)
{
    g_autoptr(VrStoragePoolDef) def = NULL;
    g_autoptr(StoragePool) found = NULL;
    g_autoptr(StoragePool) pool = NULL;
    VrStoragePoolDef *old = NULL;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, STORAGE_POOL_DEFINE_VALIDATE) < 0 ||
        !(def = parse_def(xml, flags)))
        return -1;
    g_mutex_lock(&drv->config_lock);
    if (check_identity(drv, def, &found) < 0 || save_def(drv, def) < 0)
        goto out;
    if (found) {
        pool = storage_pool_obj_ref(found);
        g_mutex_lock(&pool->lock);
        if (pool->active) {
            old = pool->new_def;
            pool->new_def = g_steal_pointer(&def);
        } else {
            old = pool->def;
            pool->def = g_steal_pointer(&def);
        }
        pool->persistent = true;
        g_mutex_unlock(&pool->lock);
        vr_storage_pool_def_free(old);
    } else {
        pool = storage_driver_add_pool(drv, g_steal_pointer(&def));
        pool->persistent = true;
    }
    storage_pool_ref_fill(out, pool);
    VR_INFO("defined storage pool '%s'", pool->name);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0)
        storage_driver_emit(drv, pool, STORAGE_EVENT_ID_LIFECYCLE,
                            STORAGE_POOL_EVENT_DEFINED);
    return ret;
}

int
storage_pool_undefine(StorageDriver *drv, const StoragePoolRef *ref)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autofree char *path = NULL;
    g_autofree char *link = NULL;
    int ret = -1;

    g_mutex_lock(&drv->config_lock);
    if (!(pool = storage_driver_get_pool(drv, ref)))
        goto out;
    g_mutex_lock(&pool->lock);
    if (pool->active || !pool->persistent) {
        g_mutex_unlock(&pool->lock);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        pool->active ? "storage pool '%s' is still active"
                                     : "storage pool '%s' is transient",
                        pool->name);
        goto out;
    }
    g_mutex_unlock(&pool->lock);
    path = storage_driver_config_path(drv, pool->name);
    link = storage_driver_autostart_path(drv, pool->name);
    if (vr_file_remove_durable(link) < 0 ||
        vr_file_remove_durable(path) < 0)
        goto out;
    g_mutex_lock(&pool->lock);
    pool->persistent = pool->autostart = false;
    g_mutex_unlock(&pool->lock);
    storage_driver_remove_pool(drv, pool);
    VR_INFO("undefined storage pool '%s'", pool->name);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0)
        storage_driver_emit(drv, pool, STORAGE_EVENT_ID_LIFECYCLE,
                            STORAGE_POOL_EVENT_UNDEFINED);
    return ret;
}

int
storage_pool_set_autostart(StorageDriver *drv, const StoragePoolRef *ref,
                           bool autostart)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    int ret = -1;

    g_mutex_lock(&drv->config_lock);
    if (!(pool = storage_driver_get_pool(drv, ref)))
        goto out;
    if (storage_pool_is_persistent(drv, ref) != 1) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_STORAGE,
                        "cannot set autostart for transient pool");
        goto out;
    }
    link = storage_driver_autostart_path(drv, pool->name);
    target = g_strdup_printf("../%s.xml", pool->name);
    if (autostart) {
        if (symlink(target, link) < 0 && errno != EEXIST) {
            vr_error_report_system(errno, VR_FROM_STORAGE,
                                   "cannot create autostart link '%s'",
                                   link);
            goto out;
        }
        if (vr_dir_sync(drv->autostart_dir) < 0)
            goto out;
    } else if (vr_file_remove_durable(link) < 0) {
        goto out;
    }
    g_mutex_lock(&pool->lock);
    pool->autostart = autostart;
    g_mutex_unlock(&pool->lock);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    return ret;
}

/* ---- lifecycle --------------------------------------------------------- */

static VrStoragePoolDef *
copy_def(StoragePool *pool, bool *active)
{
    VrStoragePoolDef *def;

    g_mutex_lock(&pool->lock);
    def = vr_storage_pool_def_copy(pool->def);
    if (active)
        *active = pool->active;
    g_mutex_unlock(&pool->lock);
    return def;
}

int
storage_pool_refresh_obj(StorageDriver *drv, StoragePool *pool)
{
    g_autoptr(VrStoragePoolDef) def = copy_def(pool, NULL);
    g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vr_storage_vol_def_free);
    int busy;

    (void) drv;
    g_mutex_lock(&pool->lock);
    busy = pool->busy;
    g_mutex_unlock(&pool->lock);
    if (busy > 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_STORAGE,
                        "storage pool '%s' has asynchronous jobs running",
                        pool->name);
        return -1;
    }
    if (storage_backend_for(def->type)->refresh(def, defs) < 0)
        return -1;
    g_mutex_lock(&pool->lock);
    pool->def->capacity = def->capacity;
    pool->def->allocation = def->allocation;
    pool->def->available = def->available;
    g_ptr_array_set_size(pool->vols, 0);
    for (guint i = 0; i < defs->len; i++)
        g_ptr_array_add(pool->vols,
                        storage_vol_obj_new(g_ptr_array_index(defs, i)));
    g_ptr_array_set_free_func(defs, NULL);
    g_mutex_unlock(&pool->lock);
    return 0;
}

int
storage_pool_start_obj(StorageDriver *drv, StoragePool *pool)
{
    g_autoptr(VrStoragePoolDef) def = NULL;
    const StorageBackend *be;
    bool active;

    def = copy_def(pool, &active);
    if (active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "storage pool '%s' is already active", pool->name);
        return -1;
    }
    be = storage_backend_for(def->type);
    if (be->start(def) < 0)
        return -1;
    if (storage_pool_refresh_obj(drv, pool) < 0 ||
        save_status(drv, pool) < 0) {
        be->stop(def);
        g_mutex_lock(&pool->lock);
        g_ptr_array_set_size(pool->vols, 0);
        g_mutex_unlock(&pool->lock);
        return -1;
    }
    g_mutex_lock(&pool->lock);
    pool->active = true;
    g_mutex_unlock(&pool->lock);
    VR_INFO("started storage pool '%s'", pool->name);
    storage_driver_emit(drv, pool, STORAGE_EVENT_ID_LIFECYCLE,
                        STORAGE_POOL_EVENT_STARTED);
    return 0;
}

static unsigned int
build_flags_of_create(unsigned int flags)
{
    if (flags & STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE)
        return STORAGE_POOL_BUILD_OVERWRITE;
    if (flags & STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)
        return STORAGE_POOL_BUILD_NO_OVERWRITE;
    return 0;
}

/* Build (when asked) and start, under the job. */
static int
start_with_build(StorageDriver *drv, StoragePool *pool, unsigned int flags)
{
    g_autoptr(VrStoragePoolDef) def = NULL;
    int ret = -1;

    g_mutex_lock(&pool->job);
    def = copy_def(pool, NULL);
    if ((flags & 7) &&
        storage_backend_for(def->type)->build(def,
                                              build_flags_of_create(flags)) < 0)
        goto out;
    ret = storage_pool_start_obj(drv, pool);
 out:
    g_mutex_unlock(&pool->job);
    return ret;
}

int
storage_pool_start(StorageDriver *drv, const StoragePoolRef *ref,
                   unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;

    if (VR_CHECK_FLAGS(flags, 7) < 0 ||
        !(pool = storage_driver_get_pool(drv, ref)))
        return -1;
    return start_with_build(drv, pool, flags);
}

int
storage_pool_create_xml(StorageDriver *drv, const char *xml,
                        unsigned int flags, StoragePoolRef *out)
{
    g_autoptr(VrStoragePoolDef) def = NULL;
    g_autoptr(StoragePool) found = NULL;
    g_autoptr(StoragePool) pool = NULL;

    if (VR_CHECK_FLAGS(flags, 7) < 0 || !(def = parse_def(xml, 0)))
        return -1;
    g_mutex_lock(&drv->config_lock);
    if (check_identity(drv, def, &found) < 0) {
        g_mutex_unlock(&drv->config_lock);
        return -1;
    }
    if (found) {
        g_mutex_unlock(&drv->config_lock);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "storage pool '%s' already exists", def->name);
        return -1;
    }
    pool = storage_driver_add_pool(drv, g_steal_pointer(&def));
    g_mutex_unlock(&drv->config_lock);
    if (start_with_build(drv, pool, flags) < 0) {
        storage_driver_remove_pool(drv, pool);
        return -1;
    }
    storage_pool_ref_fill(out, pool);
    return 0;
}

/* Run @op on an inactive pool under its job. */
static int
inactive_op(StorageDriver *drv, const StoragePoolRef *ref, unsigned int flags,
            bool build)
{
    g_autoptr(StoragePool) pool = storage_driver_get_pool(drv, ref);
    g_autoptr(VrStoragePoolDef) def = NULL;
    const StorageBackend *be;
    bool active;
    int ret = -1;

    if (!pool)
        return -1;
    g_mutex_lock(&pool->job);
    def = copy_def(pool, &active);
    be = storage_backend_for(def->type);
    if (active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "storage pool '%s' is already active", pool->name);
    } else {
        ret = build ? be->build(def, flags) : be->delete(def, flags);
    }
    g_mutex_unlock(&pool->job);
    if (ret == 0)
        storage_driver_emit(drv, pool, STORAGE_EVENT_ID_LIFECYCLE,
                            build ? STORAGE_POOL_EVENT_CREATED
                                  : STORAGE_POOL_EVENT_DELETED);
    return ret;
}

int
storage_pool_build(StorageDriver *drv, const StoragePoolRef *pool,
                   unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, STORAGE_POOL_BUILD_OVERWRITE |
                              STORAGE_POOL_BUILD_NO_OVERWRITE) < 0)
        return -1;
    if ((flags & STORAGE_POOL_BUILD_OVERWRITE) &&
        (flags & STORAGE_POOL_BUILD_NO_OVERWRITE)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "overwrite and no-overwrite flags are mutually "
                        "exclusive");
        return -1;
    }
    return inactive_op(drv, pool, flags, true);
}

int
storage_pool_delete(StorageDriver *drv, const StoragePoolRef *pool,
                    unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return inactive_op(drv, pool, flags, false);
}

/* Mark @pool inactive if no volume I/O runs.  0 or -1 (reported). */
static int
deactivate(StoragePool *pool)
{
    int ret = -1;

    g_mutex_lock(&pool->lock);
    if (!pool->active) {
        storage_report_inactive(pool->name);
    } else if (pool->busy > 0) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "storage pool '%s' has asynchronous jobs running",
                        pool->name);
    } else {
        pool->active = false;
        g_ptr_array_set_size(pool->vols, 0);
        pool->def->capacity = pool->def->allocation = 0;
        pool->def->available = 0;
        ret = 0;
    }
    g_mutex_unlock(&pool->lock);
    return ret;
}

int
storage_pool_destroy(StorageDriver *drv, const StoragePoolRef *ref)
{
    g_autoptr(StoragePool) pool = storage_driver_get_pool(drv, ref);
    g_autoptr(VrStoragePoolDef) def = NULL;
    g_autofree char *status = NULL;
    bool transient;

    if (!pool)
        return -1;
    g_mutex_lock(&pool->job);
    def = copy_def(pool, NULL);
    if (deactivate(pool) < 0) {
        g_mutex_unlock(&pool->job);
        return -1;
    }
    if (storage_backend_for(def->type)->stop(def) < 0) {
        g_mutex_lock(&pool->lock);
        pool->active = true;    /* still mounted: keep it usable */
        g_mutex_unlock(&pool->lock);
        g_mutex_unlock(&pool->job);
        storage_pool_refresh(drv, ref, 0);
        return -1;
    }
    status = storage_driver_status_path(drv, pool->name);
    unlink(status);
    g_mutex_lock(&pool->lock);
    if (pool->new_def) {
        vr_storage_pool_def_free(pool->def);
        pool->def = g_steal_pointer(&pool->new_def);
    }
    transient = !pool->persistent;
    g_mutex_unlock(&pool->lock);
    g_mutex_unlock(&pool->job);
    if (transient)
        storage_driver_remove_pool(drv, pool);
    VR_INFO("stopped storage pool '%s'", pool->name);
    storage_driver_emit(drv, pool, STORAGE_EVENT_ID_LIFECYCLE,
                        STORAGE_POOL_EVENT_STOPPED);
    return 0;
}

int
storage_pool_refresh(StorageDriver *drv, const StoragePoolRef *ref,
                     unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;
    bool active;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(pool = storage_driver_get_pool(drv, ref)))
        return -1;
    g_mutex_lock(&pool->job);
    g_mutex_lock(&pool->lock);
    active = pool->active;
    g_mutex_unlock(&pool->lock);
    if (!active)
        storage_report_inactive(pool->name);
    else
        ret = storage_pool_refresh_obj(drv, pool);
    g_mutex_unlock(&pool->job);
    if (ret == 0)
        storage_driver_emit(drv, pool, STORAGE_EVENT_ID_REFRESH, 0);
    return ret;
}

void
storage_driver_autostart(StorageDriver *drv)
{
    g_autoptr(GPtrArray) all = storage_driver_all_pools(drv);

    for (guint i = 0; i < all->len; i++) {
        StoragePool *pool = g_ptr_array_index(all, i);
        bool active, autostart;
        int ret = 0;

        if (g_atomic_int_get(&drv->quitting))
            return;
        g_mutex_lock(&pool->job);
        g_mutex_lock(&pool->lock);
        active = pool->active;
        autostart = pool->autostart;
        g_mutex_unlock(&pool->lock);
        if (active)
            ret = storage_pool_refresh_obj(drv, pool);
        else if (autostart)
            ret = storage_pool_start_obj(drv, pool);
        g_mutex_unlock(&pool->job);
        if (ret < 0) {
            VR_WARN("storage pool '%s': %s", pool->name,
                    vr_error_message());
            vr_error_reset();
        }
    }
}
