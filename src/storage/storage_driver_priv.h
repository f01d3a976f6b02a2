/* storage_driver_priv.h: the storage driver's state, shared by its files
 * (storage_driver.c: objects, loading, lookups, events, queries;
 * storage_pool_ops.c: define/undefine/create/build/start/destroy/delete/
 * refresh; storage_pool_dir.c, storage_pool_fs.c, storage_pool_logical.c:
 * the backends; storage_vol.c: volume operations; storage_qemu_img.c:
 * qemu-img; storage_jobs.c: jobs, wipe, clone, upload/download).  Not for
 * use outside src/storage.
 *
 * Locking: drv->lock only while finding pools in the table; a pool's lock
 * only while reading or changing its fields and volume list (never across
 * a helper process or I/O); a pool's job mutex across a change of its
 * host side (build, start, destroy, delete, refresh), never taken while
 * holding a lock.  Volume operations doing I/O mark the volume busy (and
 * count it in pool->busy) under the pool lock, then work unlocked;
 * destroy and refresh refuse while pool->busy > 0.  drv->config_lock
 * serialises definition files and is taken before a job, never inside.
 */
#pragma once

#include "storage/storage_driver.h"

typedef struct _StoragePool StoragePool;
typedef struct _StorageVol StorageVol;
typedef struct _StorageJob StorageJob;

struct _StorageJob {
    StorageJobType type;
    gint64 done;             /* atomic */
    gint64 total;
    gint abort;              /* atomic */
};

struct _StorageVol {
    gint refs;
    VrStorageVolDef *def;    /* under the pool lock */
    StorageJob *job;         /* running job or NULL (pool lock) */
    bool busy;               /* being created / deleted / resized */
};

struct _StoragePool {
    gint refs;
    StorageDriver *drv;
    GMutex lock;             /* the fields below */
    GMutex job;              /* host-side changes (see the file comment) */
    char *name;
    unsigned char uuid[16];
    VrStoragePoolDef *def;   /* live def while active, else persistent */
    VrStoragePoolDef *new_def;   /* persistent def while active, or NULL */
    bool persistent;
    bool autostart;
    bool active;
    GPtrArray *vols;         /* StorageVol * (references) */
    int busy;                /* volumes with I/O in progress */
};

struct _StorageDriver {
    char *config_dir;        /* <config>/storage */
    char *autostart_dir;     /* <config>/storage/autostart */
    char *run_dir;           /* <run>/storage: status of active pools */
    GMutex lock;
    GHashTable *pools;       /* name -> StoragePool * (reference) */
    GMutex config_lock;
    GMutex cb_lock;
    StorageEventFunc event_cb;
    void *event_opaque;
    StorageVolInUseFunc in_use_cb;
    void *in_use_opaque;
    GThread *background;
    gint quitting;
    gint jobs;               /* running jobs (atomic), for shutdown */
};

/* Backend operations on a pool definition (no locks held, no driver
 * state touched).  Each returns 0 or -1 (reported). */
typedef struct {
    int (*build)(const VrStoragePoolDef *def, unsigned int flags);
    int (*start)(const VrStoragePoolDef *def);
    /* Is the pool's host side there (re-attach after a restart)? */
    bool (*check)(const VrStoragePoolDef *def);
    int (*stop)(const VrStoragePoolDef *def);
    int (*delete)(const VrStoragePoolDef *def, unsigned int flags);
    /* Fill @vols (VrStorageVolDef *) and the def's sizes. */
    int (*refresh)(VrStoragePoolDef *def, GPtrArray *vols);
    int (*vol_create)(const VrStoragePoolDef *pool, VrStorageVolDef *vol,
                      unsigned int flags);
    int (*vol_delete)(const VrStoragePoolDef *pool,
                      const VrStorageVolDef *vol);
    int (*vol_resize)(const VrStoragePoolDef *pool,
                      const VrStorageVolDef *vol,
                      unsigned long long capacity, bool shrink);
    /* Re-read one volume's sizes after I/O. */
    int (*vol_refresh)(const VrStoragePoolDef *pool, VrStorageVolDef *vol);
} StorageBackend;

const StorageBackend *storage_backend_for(VrStoragePoolType type);
extern const StorageBackend storage_backend_dir;
extern const StorageBackend storage_backend_fs;
extern const StorageBackend storage_backend_netfs;
extern const StorageBackend storage_backend_logical;

/* ---- storage_driver.c ---- */
StoragePool *storage_pool_obj_ref(StoragePool *pool);
void storage_pool_obj_unref(StoragePool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoragePool, storage_pool_obj_unref)
StorageVol *storage_vol_obj_new(VrStorageVolDef *def);
StorageVol *storage_vol_obj_ref(StorageVol *vol);
void storage_vol_obj_unref(StorageVol *vol);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StorageVol, storage_vol_obj_unref)
/* The pool for @ref (uuid, else name): a reference, or NULL reported. */
StoragePool *storage_driver_get_pool(StorageDriver *drv,
                                     const StoragePoolRef *ref);
StoragePool *storage_driver_find_name(StorageDriver *drv, const char *name);
StoragePool *storage_driver_find_uuid(StorageDriver *drv,
                                      const unsigned char *uuid);
StoragePool *storage_driver_add_pool(StorageDriver *drv,
                                     VrStoragePoolDef *def);
void storage_driver_remove_pool(StorageDriver *drv, StoragePool *pool);
GPtrArray *storage_driver_all_pools(StorageDriver *drv);
void storage_driver_emit(StorageDriver *drv, StoragePool *pool,
                         int event_id, int event);
void storage_pool_ref_fill(StoragePoolRef *out, StoragePool *pool);
void storage_vol_ref_fill(StorageVolRef *out, StoragePool *pool,
                          const VrStorageVolDef *def);
char *storage_driver_config_path(StorageDriver *drv, const char *name);
char *storage_driver_autostart_path(StorageDriver *drv, const char *name);
char *storage_driver_status_path(StorageDriver *drv, const char *name);
void storage_report_no_pool(const char *what, const char *value);
void storage_report_no_vol(const char *what, const char *value);
void storage_report_inactive(const char *name);
/* Find @name in @pool's volumes (pool lock held): borrowed or NULL. */
StorageVol *storage_pool_find_vol(StoragePool *pool, const char *name);
/* The pool and volume for @ref (pool active): references, or -1 with an
 * error reported. */
int storage_driver_get_vol(StorageDriver *drv, const StorageVolRef *ref,
                           StoragePool **pool, StorageVol **vol);
/* Ask the daemon: is @path in use?  *user owned. */
bool storage_driver_vol_in_use(StorageDriver *drv, const char *path,
                               char **user);

/* ---- storage_vol.c ---- */
/* Internal create flag: the volume exists already (a clone made it). */
#define STORAGE_VOL_CREATE_CLONED (1u << 31)

/* ---- storage_pool_ops.c ---- */
/* Start @pool (job held): backend start, refresh, status file.  Emits
 * STARTED.  0 or -1 (reported; the backend start undone). */
int storage_pool_start_obj(StorageDriver *drv, StoragePool *pool);
/* Rescan (job held).  0 or -1 (reported). */
int storage_pool_refresh_obj(StorageDriver *drv, StoragePool *pool);
/* The autostart / re-attach pass of start_background. */
void storage_driver_autostart(StorageDriver *drv);

/* ---- storage_pool_dir.c: shared by file-based pools ---- */
/* An empty volume def named @name (unset permissions).  Owned. */
VrStorageVolDef *storage_vol_def_blank(const char *name);
int storage_dir_build(const VrStoragePoolDef *def, unsigned int flags);
int storage_dir_start(const VrStoragePoolDef *def);
bool storage_dir_check(const VrStoragePoolDef *def);
int storage_dir_delete(const VrStoragePoolDef *def, unsigned int flags);
int storage_dir_refresh(VrStoragePoolDef *def, GPtrArray *vols);
int storage_file_vol_create(const VrStoragePoolDef *pool,
                            VrStorageVolDef *vol, unsigned int flags);
int storage_file_vol_delete(const VrStoragePoolDef *pool,
                            const VrStorageVolDef *vol);
int storage_file_vol_resize(const VrStoragePoolDef *pool,
                            const VrStorageVolDef *vol,
                            unsigned long long capacity, bool shrink);
int storage_file_vol_refresh(const VrStoragePoolDef *pool,
                             VrStorageVolDef *vol);
/* Apply <permissions> (mode, owner, group) to an open fd.  0 or -1. */
int storage_apply_perms(int fd, const char *path,
                        const VrStoragePerms *perms, int default_mode);

/* ---- storage_qemu_img.c ---- */
typedef struct {
    VrStorageFormat format;
    unsigned long long capacity;     /* virtual-size */
    unsigned long long allocation;   /* actual-size */
    char *backing;                   /* full backing path or NULL */
    VrStorageFormat backing_format;
} StorageImgInfo;
void storage_img_info_clear(StorageImgInfo *info);
/* qemu-img info -U --output=json [-f FMT] PATH (never the backing chain).
 * 0 or -1 (reported). */
int storage_img_info(const char *path, VrStorageFormat format,
                     StorageImgInfo *info);
/* Parse qemu-img info's JSON (@base: directory for relative backing
 * names).  0 or -1 (reported). */
int storage_img_info_parse(const char *json, const char *base,
                           StorageImgInfo *info);
/* qemu-img create -f FMT [-o ...] [-b B -F BF] PATH SIZE. */
int storage_img_create(const VrStorageVolDef *vol, unsigned int flags);
/* qemu-img resize -f FMT [--shrink] PATH SIZE. */
int storage_img_resize(const char *path, VrStorageFormat format,
                       unsigned long long capacity, bool shrink);

/* ---- storage_jobs.c ---- */
/* Start a job of @type on @vol (pool lock held by the caller).  Returns
 * it, or NULL with an error reported when one runs already. */
StorageJob *storage_job_begin(StorageDriver *drv, StorageVol *vol,
                              StorageJobType type, gint64 total);
/* End @vol's job (takes the pool lock). */
void storage_job_end(StorageDriver *drv, StoragePool *pool, StorageVol *vol);
/* Aborted?  Reports "operation aborted" when true. */
bool storage_job_check_abort(StorageJob *job, const char *vol);
/* Run @func(@data) in its own thread and wait for it (no lock held); the
 * thread's error is moved to the caller's thread.  Returns func's value. */
int storage_job_run_thread(int (*func)(gpointer), gpointer data);
/* Copy @src into the new volume at @dst (clone; job held). */
int storage_job_clone(StorageJob *job, const VrStorageVolDef *src,
                      const VrStorageVolDef *dst);
