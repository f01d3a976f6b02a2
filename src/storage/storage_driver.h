/* storage_driver.h: the storage driver: pools (dir, fs, netfs, logical)
 * and their volumes, with real tools underneath (qemu-img, mount, umount,
 * mkfs, the lvm tools), persistence under <config>/storage/, autostart,
 * pool events, and long volume operations as abortable jobs.
 * Never includes src/rpc, src/daemon or another driver (DESIGN.md); the
 * daemon wires the "volume in use" question to the QEMU driver.
 *
 * CONTRACT (consumed by src/daemon; keep stable).  Functions return 0 (or
 * a documented value) or -1 with an error reported (VR_FROM_STORAGE;
 * libvirt's wording: "Storage pool not found: no storage pool with
 * matching name 'x'" (code 49), "Storage volume not found: no storage vol
 * with matching name 'x'" (code 50), "storage pool 'x' is not active",
 * "storage pool 'x' is already active" (55) ...).  Flags are libvirt's
 * values and are checked at every entry point.
 *
 * Threads: every function may be called from any thread.  No lock is held
 * across a helper process or volume I/O; long volume operations (wipe,
 * clone, upload, download) run as jobs other clients can watch
 * (storage_vol_job_info) and abort (storage_vol_job_abort).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf/storage_conf.h"
#include "util/vr_paths.h"

typedef struct _StorageDriver StorageDriver;

/* Wire identities: a pool by name + uuid (lookups prefer the uuid when it
 * is not null), a volume by pool name + volume name (key = path for file
 * volumes, the LV uuid for logical ones). */
typedef struct {
    char *name;
    unsigned char uuid[16];
} StoragePoolRef;
typedef struct {
    char *pool;
    char *name;
    char *key;
} StorageVolRef;
void storage_pool_ref_clear(StoragePoolRef *ref);
void storage_pool_ref_array_free(StoragePoolRef *refs, size_t n);
void storage_vol_ref_clear(StorageVolRef *ref);
void storage_vol_ref_array_free(StorageVolRef *refs, size_t n);

/* CONNECT_LIST_ALL_STORAGE_POOLS flags (libvirt's values). */
enum {
    STORAGE_LIST_INACTIVE = 1 << 0,
    STORAGE_LIST_ACTIVE = 1 << 1,
    STORAGE_LIST_PERSISTENT = 1 << 2,
    STORAGE_LIST_TRANSIENT = 1 << 3,
    STORAGE_LIST_AUTOSTART = 1 << 4,
    STORAGE_LIST_NO_AUTOSTART = 1 << 5,
    STORAGE_LIST_DIR = 1 << 6,
    STORAGE_LIST_FS = 1 << 7,
    STORAGE_LIST_NETFS = 1 << 8,
    STORAGE_LIST_LOGICAL = 1 << 9,
    /* 1 << 10 .. 1 << 19: disk, iscsi, scsi, mpath, rbd, sheepdog,
     * gluster, zfs, vstorage, iscsi-direct: accepted, match nothing. */
    STORAGE_LIST_ALL_FLAGS = (1 << 20) - 1,
};

/* Pool build flags (STORAGE_POOL_BUILD) and pool create flags. */
enum {
    STORAGE_POOL_BUILD_NO_OVERWRITE = 1 << 2,   /* fs: mkfs unless one */
    STORAGE_POOL_BUILD_OVERWRITE = 1 << 3,      /* fs: mkfs anyway */
};
enum {
    STORAGE_POOL_CREATE_WITH_BUILD = 1 << 0,
    STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE = 1 << 1,
    STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2,
};
/* Pool define/create: 1 VALIDATE (storagepool.rng).  Pool XML: 1 INACTIVE. */
enum { STORAGE_POOL_DEFINE_VALIDATE = 1 << 0 };
enum { STORAGE_XML_INACTIVE = 1 << 0 };
/* Volume create: 4 VALIDATE (storagevol.rng); 1 PREALLOC_METADATA is
 * accepted for qcow2 (preallocation=metadata). */
enum {
    STORAGE_VOL_CREATE_PREALLOC_METADATA = 1 << 0,
    STORAGE_VOL_CREATE_VALIDATE = 1 << 2,
};
/* Volume resize: 2 DELTA (capacity is added), 4 SHRINK (allow a smaller
 * capacity; also below the current allocation). */
enum {
    STORAGE_VOL_RESIZE_DELTA = 1 << 1,
    STORAGE_VOL_RESIZE_SHRINK = 1 << 2,
};
/* Upload / download: 1 SPARSE_STREAM (the daemon sends/receives holes). */
enum { STORAGE_VOL_TRANSFER_SPARSE = 1 << 0 };

/* Pool state (STORAGE_POOL_GET_INFO) and volume type (VOL_GET_INFO). */
enum { STORAGE_POOL_STATE_INACTIVE = 0, STORAGE_POOL_STATE_RUNNING = 2 };

/* Events.  @event_id 0 LIFECYCLE with @event 0 DEFINED, 1 UNDEFINED,
 * 2 STARTED, 3 STOPPED, 4 CREATED (built), 5 DELETED, @detail 0; @event_id
 * 1 REFRESH (@event, @detail 0).  Called on the thread that made the
 * change, with no driver lock held. */
enum { STORAGE_EVENT_ID_LIFECYCLE = 0, STORAGE_EVENT_ID_REFRESH = 1 };
enum {
    STORAGE_POOL_EVENT_DEFINED = 0,
    STORAGE_POOL_EVENT_UNDEFINED = 1,
    STORAGE_POOL_EVENT_STARTED = 2,
    STORAGE_POOL_EVENT_STOPPED = 3,
    STORAGE_POOL_EVENT_CREATED = 4,
    STORAGE_POOL_EVENT_DELETED = 5,
};
typedef void (*StorageEventFunc)(const StoragePoolRef *pool, int event_id,
                                 int event, int detail, void *opaque);

/* Is the file or device @path used by a running domain?  Set by the daemon
 * (asking the QEMU driver); *user gets the domain name (owned by the
 * caller) when true.  Must not call back into the storage driver. */
typedef bool (*StorageVolInUseFunc)(const char *path, char **user,
                                    void *opaque);

/* ---- driver ---- */

/* Load definitions (<config>/storage/NAME.xml, autostart links) and the
 * status of pools active before (<run>/storage/NAME.xml, checked: the
 * directory exists, the mount is there, the volume group is known).
 * Returns NULL with an error reported. */
StorageDriver *storage_driver_new(const VrPaths *paths);
void storage_driver_set_event_callback(StorageDriver *drv,
                                       StorageEventFunc cb, void *opaque);
void storage_driver_set_in_use_callback(StorageDriver *drv,
                                        StorageVolInUseFunc cb,
                                        void *opaque);
/* Refresh the pools found active and start the autostart pools, in a
 * background thread (failures are logged). */
void storage_driver_start_background(StorageDriver *drv);
/* Abort running volume jobs and wait for them; pools stay as they are. */
void storage_driver_shutdown(StorageDriver *drv);
void storage_driver_free(StorageDriver *drv);

/* ---- pools ---- */

int storage_pool_lookup_by_name(StorageDriver *drv, const char *name,
                                StoragePoolRef *out);
int storage_pool_lookup_by_uuid(StorageDriver *drv,
                                const unsigned char *uuid,
                                StoragePoolRef *out);
int storage_pool_lookup_by_volume(StorageDriver *drv,
                                  const StorageVolRef *vol,
                                  StoragePoolRef *out);
/* Sorted by name; *refs owned (storage_pool_ref_array_free). */
int storage_pool_list_all(StorageDriver *drv, unsigned int flags,
                          StoragePoolRef **refs, size_t *n);
int storage_pool_count(StorageDriver *drv, bool active);
int storage_pool_define(StorageDriver *drv, const char *xml,
                        unsigned int flags, StoragePoolRef *out);
int storage_pool_undefine(StorageDriver *drv, const StoragePoolRef *pool);
/* Transient pool, started (flags: STORAGE_POOL_CREATE_*). */
int storage_pool_create_xml(StorageDriver *drv, const char *xml,
                            unsigned int flags, StoragePoolRef *out);
/* dir: mkdir with the target permissions (default 0755); fs: mkdir, and
 * mkfs only with NO_OVERWRITE (refused when the device already has a
 * filesystem, VR_ERR_STORAGE_POOL_BUILT) or OVERWRITE; netfs: mkdir;
 * logical: pvcreate + vgcreate from the source devices.  Inactive pools
 * only. */
int storage_pool_build(StorageDriver *drv, const StoragePoolRef *pool,
                       unsigned int flags);
/* pool-start (flags: STORAGE_POOL_CREATE_WITH_BUILD*): dir: the target
 * must be a directory; fs: mount the device; netfs: mount -t nfs
 * host:dir; logical: vgchange -ay.  Then a refresh.  Emits STARTED. */
int storage_pool_start(StorageDriver *drv, const StoragePoolRef *pool,
                       unsigned int flags);
/* umount / vgchange -an; refused while volume jobs run.  Emits STOPPED;
 * a transient pool disappears. */
int storage_pool_destroy(StorageDriver *drv, const StoragePoolRef *pool);
/* Inactive pools: rmdir the target (dir, fs, netfs), vgremove + pvremove
 * (logical).  Emits DELETED. */
int storage_pool_delete(StorageDriver *drv, const StoragePoolRef *pool,
                        unsigned int flags);
/* Rescan the volumes; refused while volume jobs run.  Emits REFRESH. */
int storage_pool_refresh(StorageDriver *drv, const StoragePoolRef *pool,
                         unsigned int flags);
/* @state STORAGE_POOL_STATE_*, sizes in bytes (0 when inactive). */
int storage_pool_get_info(StorageDriver *drv, const StoragePoolRef *pool,
                          int *state, unsigned long long *capacity,
                          unsigned long long *allocation,
                          unsigned long long *available);
/* Owned XML, or NULL (reported).  Flags: STORAGE_XML_INACTIVE. */
char *storage_pool_get_xml(StorageDriver *drv, const StoragePoolRef *pool,
                           unsigned int flags);
int storage_pool_get_autostart(StorageDriver *drv,
                               const StoragePoolRef *pool, bool *autostart);
int storage_pool_set_autostart(StorageDriver *drv,
                               const StoragePoolRef *pool, bool autostart);
int storage_pool_is_active(StorageDriver *drv,
                           const StoragePoolRef *pool);       /* 0/1, -1 */
int storage_pool_is_persistent(StorageDriver *drv,
                               const StoragePoolRef *pool);   /* 0/1, -1 */

/* ---- volumes (the pool must be active) ---- */

int storage_vol_count(StorageDriver *drv, const StoragePoolRef *pool);
/* Sorted by name; *refs owned (storage_vol_ref_array_free). */
int storage_vol_list_all(StorageDriver *drv, const StoragePoolRef *pool,
                         unsigned int flags, StorageVolRef **refs,
                         size_t *n);
int storage_vol_lookup_by_name(StorageDriver *drv,
                               const StoragePoolRef *pool,
                               const char *name, StorageVolRef *out);
int storage_vol_lookup_by_key(StorageDriver *drv, const char *key,
                              StorageVolRef *out);
int storage_vol_lookup_by_path(StorageDriver *drv, const char *path,
                               StorageVolRef *out);
/* New volume from XML: file pools: raw (sparse, ftruncate) or any
 * qemu-img format (qemu-img create, with <backingStore> as -b/-F);
 * logical: lvcreate.  Permissions from the XML (default 0600).  Refuses
 * an existing name (VR_ERR_STORAGE_VOL_EXIST), a capacity past the pool's
 * free space; nothing is left behind on failure. */
int storage_vol_create_xml(StorageDriver *drv, const StoragePoolRef *pool,
                           const char *xml, unsigned int flags,
                           StorageVolRef *out);
/* Clone @src (any active pool) into a new volume of @pool described by
 * @xml (capacity optional: the source's); qemu-img convert as a job. */
int storage_vol_create_xml_from(StorageDriver *drv,
                                const StoragePoolRef *pool, const char *xml,
                                const StorageVolRef *src,
                                unsigned int flags, StorageVolRef *out);
/* Refused while a job runs on it or a domain uses it ("volume 'x' is in
 * use by domain 'y'").  Flags must be 0. */
int storage_vol_delete(StorageDriver *drv, const StorageVolRef *vol,
                       unsigned int flags);
/* Algorithm 0 (zero) only: raw files and logical volumes are overwritten
 * with zeros, other formats re-created empty (same format, size and
 * backing file).  Runs as a job; returns when done or aborted. */
int storage_vol_wipe(StorageDriver *drv, const StorageVolRef *vol,
                     unsigned int algorithm, unsigned int flags);
/* qemu-img resize / lvresize (flags STORAGE_VOL_RESIZE_*). */
int storage_vol_resize(StorageDriver *drv, const StorageVolRef *vol,
                       unsigned long long capacity, unsigned int flags);
/* @type 0 file, 1 block; sizes in bytes. */
int storage_vol_get_info(StorageDriver *drv, const StorageVolRef *vol,
                         int *type, unsigned long long *capacity,
                         unsigned long long *allocation);
char *storage_vol_get_xml(StorageDriver *drv, const StorageVolRef *vol,
                          unsigned int flags);        /* owned or NULL */
char *storage_vol_get_path(StorageDriver *drv, const StorageVolRef *vol);

/* ---- volume jobs ---- */

typedef enum {
    STORAGE_JOB_NONE = 0,
    STORAGE_JOB_WIPE,
    STORAGE_JOB_CLONE,         /* on the new volume */
    STORAGE_JOB_UPLOAD,
    STORAGE_JOB_DOWNLOAD,
} StorageJobType;

/* The job running on @vol: type (NONE when idle), bytes done / total. */
int storage_vol_job_info(StorageDriver *drv, const StorageVolRef *vol,
                         StorageJobType *type, unsigned long long *done,
                         unsigned long long *total);
/* Ask the running job to stop; it fails with "operation aborted" (code
 * VR_ERR_OPERATION_ABORTED semantics: VR_ERR_OPERATION_FAILED).  Error
 * when no job runs. */
int storage_vol_job_abort(StorageDriver *drv, const StorageVolRef *vol);

/* ---- upload / download (for the daemon's stream layer) ---- */

typedef struct _StorageTransfer StorageTransfer;

/* Open @vol for an upload (write) or a download (read) of @length bytes
 * from @offset (length 0: to the end of the volume).  Registers a job
 * (refused when another runs).  Returns the handle; its fd is positioned
 * at @offset.  NULL with an error reported. */
StorageTransfer *storage_vol_upload_begin(StorageDriver *drv,
                                          const StorageVolRef *vol,
                                          unsigned long long offset,
                                          unsigned long long length,
                                          unsigned int flags);
StorageTransfer *storage_vol_download_begin(StorageDriver *drv,
                                            const StorageVolRef *vol,
                                            unsigned long long offset,
                                            unsigned long long length,
                                            unsigned int flags);
/* The fd (owned by the handle), and the bytes still allowed. */
int storage_transfer_fd(StorageTransfer *xfer);
unsigned long long storage_transfer_remaining(StorageTransfer *xfer);
/* Account @bytes just read or written (or skipped as a hole).  Returns 0,
 * or -1 with an error reported when the job was aborted or the length
 * limit would be passed. */
int storage_transfer_advance(StorageTransfer *xfer, unsigned long long bytes);
/* Download of a sparse stream: the extent at the current position, within
 * the remaining length: *hole true and *len its length (seek past it with
 * storage_transfer_skip), or data of *len bytes.  *len 0 at the end.
 * Returns 0 or -1 (reported). */
int storage_transfer_next_extent(StorageTransfer *xfer, bool *hole,
                                 unsigned long long *len);
/* Skip @len bytes (a hole): lseek for downloads; for uploads the file is
 * extended without writing so it stays sparse.  0 or -1 (reported). */
int storage_transfer_skip(StorageTransfer *xfer, unsigned long long len);
/* End the transfer: @ok false discards nothing but ends the job; uploads
 * are fsync'ed and the volume's sizes refreshed.  Returns 0 or -1
 * (reported; fsync failure).  Frees @xfer. */
int storage_transfer_finish(StorageTransfer *xfer, bool ok);
