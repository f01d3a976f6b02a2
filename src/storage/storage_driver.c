/* storage_driver.c: the storage driver: pool and volume objects, loading
 * definitions and status at start, lookups, listings, events, and the
 * small queries.  Lifecycle changes are in storage_pool_ops.c, volumes in
 * storage_vol.c, jobs and transfers in storage_jobs.c.  Locking rules:
 * storage_driver_priv.h.
 */
#include <config.h>

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

#define STORAGE_XML_MAX (1024 * 1024)

void
storage_pool_ref_clear(StoragePoolRef *ref)
{
    if (ref)
        g_clear_pointer(&ref->name, g_free);
}

void
storage_pool_ref_array_free(StoragePoolRef *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++)
        g_free(refs[i].name);
    g_free(refs);
}

void
storage_vol_ref_clear(StorageVolRef *ref)
{
    if (!ref)
        return;
    g_clear_pointer(&ref->pool, g_free);
    g_clear_pointer(&ref->name, g_free);
    g_clear_pointer(&ref->key, g_free);
}

void
storage_vol_ref_array_free(StorageVolRef *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++)
        storage_vol_ref_clear(&refs[i]);
    g_free(refs);
}

void
storage_pool_ref_fill(StoragePoolRef *out, StoragePool *pool)
{
    g_free(out->name);
    out->name = g_strdup(pool->name);
    memcpy(out->uuid, pool->uuid, sizeof(out->uuid));
}

void
storage_vol_ref_fill(StorageVolRef *out, StoragePool *pool,
                     const VrStorageVolDef *def)
{
    storage_vol_ref_clear(out);
    out->pool = g_strdup(pool->name);
    out->name = g_strdup(def->name);
    out->key = g_strdup(def->key ? def->key : def->target_path);
}

/* ---- objects ----------------------------------------------------------- */

StorageVol *
storage_vol_obj_new(VrStorageVolDef *def)
{
    StorageVol *vol = g_new0(StorageVol, 1);

    vol->refs = 1;
    vol->def = def;
    return vol;
}

StorageVol *
storage_vol_obj_ref(StorageVol *vol)
{
    g_atomic_int_inc(&vol->refs);
    return vol;
}

void
storage_vol_obj_unref(StorageVol *vol)
{
    if (!vol || !g_atomic_int_dec_and_test(&vol->refs))
        return;
    vr_storage_vol_def_free(vol->def);
    g_free(vol->job);
    g_free(vol);
}

StoragePool *
storage_pool_obj_ref(StoragePool *pool)
{
    g_atomic_int_inc(&pool->refs);
    return pool;
}

void
storage_pool_obj_unref(StoragePool *pool)
{
    if (!pool || !g_atomic_int_dec_and_test(&pool->refs))
        return;
    vr_storage_pool_def_free(pool->def);
    vr_storage_pool_def_free(pool->new_def);
    g_ptr_array_unref(pool->vols);
    g_free(pool->name);
    g_mutex_clear(&pool->lock);
    g_mutex_clear(&pool->job);
    g_free(pool);
}

/* ---- errors ------------------------------------------------------------ */

void
storage_report_no_pool(const char *what, const char *value)
{
    vr_error_report(VR_ERR_NO_STORAGE_POOL, VR_FROM_STORAGE,
                    "no storage pool with matching %s '%s'", what, value);
}

void
storage_report_no_vol(const char *what, const char *value)
{
    vr_error_report(VR_ERR_NO_STORAGE_VOL, VR_FROM_STORAGE,
                    "no storage vol with matching %s '%s'", what, value);
}

void
storage_report_inactive(const char *name)
{
    vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                    "storage pool '%s' is not active", name);
}

/* ---- the table --------------------------------------------------------- */

StoragePool *
storage_driver_find_name(StorageDriver *drv, const char *name)
{
    StoragePool *pool;

    g_mutex_lock(&drv->lock);
    pool = g_hash_table_lookup(drv->pools, name);
    if (pool)
        storage_pool_obj_ref(pool);
    g_mutex_unlock(&drv->lock);
    return pool;
}

StoragePool *
storage_driver_find_uuid(StorageDriver *drv, const unsigned char *uuid)
{
    GHashTableIter it;
    gpointer value;
    StoragePool *found = NULL;

    g_mutex_lock(&drv->lock);
    g_hash_table_iter_init(&it, drv->pools);
    while (!found && g_hash_table_iter_next(&it, NULL, &value)) {
        StoragePool *pool = value;

        if (memcmp(pool->uuid, uuid, 16) == 0)
            found = storage_pool_obj_ref(pool);
    }
    g_mutex_unlock(&drv->lock);
    return found;
}

StoragePool *
storage_driver_get_pool(StorageDriver *drv, const StoragePoolRef *ref)
{
    StoragePool *pool = NULL;
    char uuid[VR_UUID_STRING_BUFLEN];

    if (!vr_uuid_is_null(ref->uuid))
        pool = storage_driver_find_uuid(drv, ref->uuid);
    else if (ref->name)
        pool = storage_driver_find_name(drv, ref->name);
    if (!pool) {
        if (vr_uuid_is_null(ref->uuid))
            storage_report_no_pool("name", ref->name ? ref->name : "");
        else
            storage_report_no_pool("uuid", vr_uuid_format(ref->uuid, uuid));
    }
    return pool;
}

StoragePool *
storage_driver_add_pool(StorageDriver *drv, VrStoragePoolDef *def)
{
    StoragePool *pool = g_new0(StoragePool, 1);

    pool->refs = 1;
    pool->drv = drv;
    g_mutex_init(&pool->lock);
    g_mutex_init(&pool->job);
    pool->name = g_strdup(def->name);
    memcpy(pool->uuid, def->uuid, 16);
    pool->def = def;
    pool->vols = g_ptr_array_new_with_free_func(
        (GDestroyNotify) storage_vol_obj_unref);
    g_mutex_lock(&drv->lock);
    g_hash_table_replace(drv->pools, pool->name,
                         storage_pool_obj_ref(pool));
    g_mutex_unlock(&drv->lock);
    return pool;
}

void
storage_driver_remove_pool(StorageDriver *drv, StoragePool *pool)
{
    g_mutex_lock(&drv->lock);
    if (g_hash_table_lookup(drv->pools, pool->name) == pool)
        g_hash_table_remove(drv->pools, pool->name);
    g_mutex_unlock(&drv->lock);
}

GPtrArray *
storage_driver_all_pools(StorageDriver *drv)
{
    GPtrArray *arr = g_ptr_array_new_with_free_func(
        (GDestroyNotify) storage_pool_obj_unref);
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&drv->lock);
    g_hash_table_iter_init(&it, drv->pools);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(arr, storage_pool_obj_ref(value));
    g_mutex_unlock(&drv->lock);
    return arr;
}

void
storage_driver_emit(StorageDriver *drv, StoragePool *pool, int event_id,
                    int event)
{
    StoragePoolRef ref = { .name = pool->name };
    StorageEventFunc cb;
    void *opaque;

    memcpy(ref.uuid, pool->uuid, 16);
    g_mutex_lock(&drv->cb_lock);
    cb = drv->event_cb;
    opaque = drv->event_opaque;
    g_mutex_unlock(&drv->cb_lock);
    if (cb)
        cb(&ref, event_id, event, 0, opaque);
}

bool
storage_driver_vol_in_use(StorageDriver *drv, const char *path,
                          char **user)
{
    StorageVolInUseFunc cb;
    void *opaque;

    g_mutex_lock(&drv->cb_lock);
    cb = drv->in_use_cb;
    opaque = drv->in_use_opaque;
    g_mutex_unlock(&drv->cb_lock);
    return cb && cb(path, user, opaque);
}

static char *
dir_file(const char *dir, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, file, NULL);
}

char *
storage_driver_config_path(StorageDriver *drv, const char *name)
{
    return dir_file(drv->config_dir, name);
}

char *
storage_driver_autostart_path(StorageDriver *drv, const char *name)
{
    return dir_file(drv->autostart_dir, name);
}

char *
storage_driver_status_path(StorageDriver *drv, const char *name)
{
    return dir_file(drv->run_dir, name);
}

/* ---- loading ----------------------------------------------------------- */

static VrStoragePoolDef *
read_def(const char *path)
{
    g_autofree char *xml = NULL;

    if (vr_file_read_all(path, STORAGE_XML_MAX, &xml, NULL) < 0)
        return NULL;
    return vr_storage_pool_def_parse_string(xml, path, 0);
}

/* Load one definition file; problems are logged and the file skipped. */
static void
load_config(StorageDriver *drv, const char *file)
{
    g_autofree char *path = g_build_filename(drv->config_dir, file, NULL);
    g_autofree char *name = g_strndup(file, strlen(file) - 4);
    g_autofree char *link = storage_driver_autostart_path(drv, name);
    g_autoptr(VrStoragePoolDef) def = read_def(path);
    g_autoptr(StoragePool) pool = NULL;
    struct stat st;

    if (!def || !g_str_equal(def->name, name)) {
        VR_WARN("skipping storage pool definition '%s': %s", path,
                def ? "the name differs from the file name"
                    : vr_error_message());
        vr_error_reset();
        return;
    }
    pool = storage_driver_add_pool(drv, g_steal_pointer(&def));
    pool->persistent = true;
    pool->autostart = lstat(link, &st) == 0;
}

/* A status file: the pool was active under the previous daemon.  It is
 * active again when its host side is still there. */
static void
load_status(StorageDriver *drv, const char *file)
{
    g_autofree char *path = g_build_filename(drv->run_dir, file, NULL);
    g_autoptr(VrStoragePoolDef) def = read_def(path);
    g_autoptr(StoragePool) pool = NULL;

    if (!def) {
        vr_error_reset();
        return;
    }
    if (!storage_backend_for(def->type)->check(def)) {
        VR_INFO("storage pool '%s' is no longer active", def->name);
        unlink(path);
        return;
    }
    pool = storage_driver_find_name(drv, def->name);
    if (pool) {
        g_mutex_lock(&pool->lock);
        pool->new_def = pool->def;
        pool->def = g_steal_pointer(&def);
        pool->active = true;
        g_mutex_unlock(&pool->lock);
        return;
    }
    pool = storage_driver_add_pool(drv, g_steal_pointer(&def));
    pool->active = true;
}

static int
load_dir(StorageDriver *drv, const char *dirpath,
         void (*load)(StorageDriver *, const char *))
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(dirpath, 0, &err);
    const char *file;

    if (!dir) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_STORAGE,
                        "cannot read directory '%s': %s", dirpath,
                        err->message);
        return -1;
    }
    while ((file = g_dir_read_name(dir))) {
        if (file[0] == '.' || !g_str_has_suffix(file, ".xml") ||
            strlen(file) <= 4)
            continue;
        load(drv, file);
    }
    return 0;
}

StorageDriver *
storage_driver_new(const VrPaths *paths)
{
    StorageDriver *drv = g_new0(StorageDriver, 1);

    g_mutex_init(&drv->lock);
    g_mutex_init(&drv->config_lock);
    g_mutex_init(&drv->cb_lock);
    drv->config_dir = g_build_filename(paths->config_dir, "storage", NULL);
    drv->autostart_dir = g_build_filename(drv->config_dir, "autostart",
                                          NULL);
    drv->run_dir = g_build_filename(paths->run_dir, "storage", NULL);
    drv->pools = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify)
                                       storage_pool_obj_unref);
    if (vr_dir_create(drv->autostart_dir, 0700) < 0 ||
        vr_dir_create(drv->run_dir, 0700) < 0 ||
        load_dir(drv, drv->config_dir, load_config) < 0 ||
        load_dir(drv, drv->run_dir, load_status) < 0) {
        storage_driver_free(drv);
        return NULL;
    }
    return drv;
}

void
storage_driver_set_event_callback(StorageDriver *drv, StorageEventFunc cb,
                                  void *opaque)
{
    g_mutex_lock(&drv->cb_lock);
    drv->event_cb = cb;
    drv->event_opaque = opaque;
    g_mutex_unlock(&drv->cb_lock);
}

void
storage_driver_set_in_use_callback(StorageDriver *drv,
                                   StorageVolInUseFunc cb, void *opaque)
{
    g_mutex_lock(&drv->cb_lock);
    drv->in_use_cb = cb;
    drv->in_use_opaque = opaque;
    g_mutex_unlock(&drv->cb_lock);
}

static gpointer
background_main(gpointer data)
{
    storage_driver_autostart(data);
    return NULL;
}

void
storage_driver_start_background(StorageDriver *drv)
{
    drv->background = g_thread_new("storage-background", background_main,
                                   drv);
}

/* Ask every running job to stop. */
static void
abort_all(StorageDriver *drv)
{
    g_autoptr(GPtrArray) all = storage_driver_all_pools(drv);

    for (guint i = 0; i < all->len; i++) {
        StoragePool *pool = g_ptr_array_index(all, i);

        g_mutex_lock(&pool->lock);
        for (guint j = 0; j < pool->vols->len; j++) {
            StorageVol *vol = g_ptr_array_index(pool->vols, j);

            if (vol->job)
                g_atomic_int_set(&vol->job->abort, 1);
        }
        g_mutex_unlock(&pool->lock);
    }
}

void
storage_driver_shutdown(StorageDriver *drv)
{
    if (!drv)
        return;
    g_atomic_int_set(&drv->quitting, 1);
    if (drv->background)
        g_thread_join(g_steal_pointer(&drv->background));
    for (int i = 0; i < 3000 && g_atomic_int_get(&drv->jobs) > 0; i++) {
        abort_all(drv);
        g_usleep(10000);
    }
}

void
storage_driver_free(StorageDriver *drv)
{
    if (!drv)
        return;
    storage_driver_shutdown(drv);
    g_hash_table_destroy(drv->pools);
    g_free(drv->config_dir);
    g_free(drv->autostart_dir);
    g_free(drv->run_dir);
    g_mutex_clear(&drv->lock);
    g_mutex_clear(&drv->config_lock);
    g_mutex_clear(&drv->cb_lock);
    g_free(drv);
}

/* ---- pool lookups and queries ----------------------------------------- */

int
storage_pool_lookup_by_name(StorageDriver *drv, const char *name,
                            StoragePoolRef *out)
{
    g_autoptr(StoragePool) pool = storage_driver_find_name(drv, name);

    if (!pool) {
        storage_report_no_pool("name", name);
        return -1;
    }
    storage_pool_ref_fill(out, pool);
    return 0;
}

int
storage_pool_lookup_by_uuid(StorageDriver *drv, const unsigned char *uuid,
                            StoragePoolRef *out)
{
    g_autoptr(StoragePool) pool = storage_driver_find_uuid(drv, uuid);
    char str[VR_UUID_STRING_BUFLEN];

    if (!pool) {
        storage_report_no_pool("uuid", vr_uuid_format(uuid, str));
        return -1;
    }
    storage_pool_ref_fill(out, pool);
    return 0;
}

int
storage_pool_lookup_by_volume(StorageDriver *drv, const StorageVolRef *vol,
                              StoragePoolRef *out)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) v = NULL;

    if (storage_driver_get_vol(drv, vol, &pool, &v) < 0)
        return -1;
    storage_pool_ref_fill(out, pool);
    return 0;
}

static bool
match_pair(unsigned int flags, unsigned int yes, unsigned int no, bool val)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && val) || ((flags & no) && !val);
}

static bool
list_match(StoragePool *pool, unsigned int flags)
{
    unsigned int types = flags & ~(unsigned int) 0x3f;
    bool ok;

    g_mutex_lock(&pool->lock);
    ok = match_pair(flags, STORAGE_LIST_ACTIVE, STORAGE_LIST_INACTIVE,
                    pool->active) &&
         match_pair(flags, STORAGE_LIST_PERSISTENT, STORAGE_LIST_TRANSIENT,
                    pool->persistent) &&
         match_pair(flags, STORAGE_LIST_AUTOSTART, STORAGE_LIST_NO_AUTOSTART,
                    pool->autostart);
    if (ok && types) {
        static const unsigned int bit[VR_STORAGE_POOL_LAST] = {
            [VR_STORAGE_POOL_DIR] = STORAGE_LIST_DIR,
            [VR_STORAGE_POOL_FS] = STORAGE_LIST_FS,
            [VR_STORAGE_POOL_NETFS] = STORAGE_LIST_NETFS,
            [VR_STORAGE_POOL_LOGICAL] = STORAGE_LIST_LOGICAL,
        };
        ok = (types & bit[pool->def->type]) != 0;
    }
    g_mutex_unlock(&pool->lock);
    return ok;
}

static gint
cmp_pool(gconstpointer a, gconstpointer b)
{
    const StoragePool *x = *(StoragePool *const *) a;
    const StoragePool *y = *(StoragePool *const *) b;

    return strcmp(x->name, y->name);
}

int
storage_pool_list_all(StorageDriver *drv, unsigned int flags,
                      StoragePoolRef **refs, size_t *n)
{
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GArray) out = NULL;

    if (VR_CHECK_FLAGS(flags, STORAGE_LIST_ALL_FLAGS) < 0)
        return -1;
    all = storage_driver_all_pools(drv);
    g_ptr_array_sort(all, cmp_pool);
    out = g_array_new(FALSE, TRUE, sizeof(StoragePoolRef));
    for (guint i = 0; i < all->len; i++) {
        StoragePool *pool = g_ptr_array_index(all, i);
        StoragePoolRef ref = { 0 };

        if (!list_match(pool, flags))
            continue;
        storage_pool_ref_fill(&ref, pool);
        g_array_append_val(out, ref);
    }
    *n = out->len;
    *refs = (StoragePoolRef *) g_array_free(g_steal_pointer(&out), FALSE);
    return 0;
}

int
storage_pool_count(StorageDriver *drv, bool active)
{
    g_autoptr(GPtrArray) all = storage_driver_all_pools(drv);
    int n = 0;

    for (guint i = 0; i < all->len; i++)
        n += list_match(g_ptr_array_index(all, i),
                        active ? STORAGE_LIST_ACTIVE : STORAGE_LIST_INACTIVE);
    return n;
}

int
storage_pool_get_info(StorageDriver *drv, const StoragePoolRef *ref,
                      int *state, unsigned long long *capacity,
                      unsigned long long *allocation,
                      unsigned long long *available)
{
    g_autoptr(StoragePool) pool = storage_driver_get_pool(drv, ref);

    if (!pool)
        return -1;
    g_mutex_lock(&pool->lock);
    *state = pool->active ? STORAGE_POOL_STATE_RUNNING
                          : STORAGE_POOL_STATE_INACTIVE;
    *capacity = pool->active ? pool->def->capacity : 0;
    *allocation = pool->active ? pool->def->allocation : 0;
    *available = pool->active ? pool->def->available : 0;
    g_mutex_unlock(&pool->lock);
    return 0;
}

char *
storage_pool_get_xml(StorageDriver *drv, const StoragePoolRef *ref,
                     unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(VrStoragePoolDef) copy = NULL;

    if (VR_CHECK_FLAGS(flags, STORAGE_XML_INACTIVE) < 0 ||
        !(pool = storage_driver_get_pool(drv, ref)))
        return NULL;
    g_mutex_lock(&pool->lock);
    if ((flags & STORAGE_XML_INACTIVE) && pool->new_def)
        copy = vr_storage_pool_def_copy(pool->new_def);
    else
        copy = vr_storage_pool_def_copy(pool->def);
    if (!pool->active)
        copy->capacity = copy->allocation = copy->available = 0;
    g_mutex_unlock(&pool->lock);
    return vr_storage_pool_def_format(copy, 0);
}

static int
get_flag(StorageDriver *drv, const StoragePoolRef *ref, size_t offset)
{
    g_autoptr(StoragePool) pool = storage_driver_get_pool(drv, ref);
    int ret;

    if (!pool)
        return -1;
    g_mutex_lock(&pool->lock);
    ret = *(bool *) ((char *) pool + offset) ? 1 : 0;
    g_mutex_unlock(&pool->lock);
    return ret;
}

int
storage_pool_is_active(StorageDriver *drv, const StoragePoolRef *pool)
{
    return get_flag(drv, pool, G_STRUCT_OFFSET(StoragePool, active));
}

int
storage_pool_is_persistent(StorageDriver *drv, const StoragePoolRef *pool)
{
    return get_flag(drv, pool, G_STRUCT_OFFSET(StoragePool, persistent));
}

int
storage_pool_get_autostart(StorageDriver *drv, const StoragePoolRef *pool,
                           bool *autostart)
{
    int ret = get_flag(drv, pool, G_STRUCT_OFFSET(StoragePool, autostart));

    if (ret < 0)
        return -1;
    *autostart = ret == 1;
    return 0;
}
