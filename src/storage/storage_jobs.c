/* storage_jobs.c: long volume operations as jobs with progress (bytes
 * done / total) that other clients can watch and abort: wipe, clone
 * (qemu-img convert, progress from the target's allocation), and the
 * upload / download transfers the daemon's stream layer drives.  The I/O
 * of wipe and clone runs in its own thread, with no lock held.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define WIPE_CHUNK (1024 * 1024)
#define WIPE_SYNC_EVERY (64ll * 1024 * 1024)

StorageJob *
storage_job_begin(StorageDriver *drv, StorageVol *vol, StorageJobType type,
                  gint64 total)
{
    if (vol->job) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "volume '%s' has a job running", vol->def->name);
        return NULL;
    }
    vol->job = g_new0(StorageJob, 1);
    vol->job->type = type;
    vol->job->total = total;
    g_atomic_int_inc(&drv->jobs);
    return vol->job;
}

void
storage_job_end(StorageDriver *drv, StoragePool *pool, StorageVol *vol)
{
    g_mutex_lock(&pool->lock);
    g_clear_pointer(&vol->job, g_free);
    g_mutex_unlock(&pool->lock);
    g_atomic_int_dec_and_test(&drv->jobs);
}

bool
storage_job_check_abort(StorageJob *job, const char *vol)
{
    if (!g_atomic_int_get(&job->abort))
        return false;
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_STORAGE,
                    "job on volume '%s' was aborted", vol);
    return true;
}

typedef struct {
    int (*func)(gpointer);
    gpointer data;
    int ret;
    VrError *err;
} ThreadRun;

static gpointer
thread_main(gpointer data)
{
    ThreadRun *r = data;

    r->ret = r->func(r->data);
    if (r->ret < 0)
        r->err = vr_error_copy_last();
    return NULL;
}

int
storage_job_run_thread(int (*func)(gpointer), gpointer data)
{
    ThreadRun r = { .func = func, .data = data };

    g_thread_join(g_thread_new("storage-job", thread_main, &r));
    if (r.ret < 0 && r.err)
        vr_error_set_raw(r.err->code, r.err->domain, r.err->level,
                         r.err->message, r.err->str1, r.err->str2);
    vr_error_free(r.err);
    return r.ret;
}

int
storage_vol_job_info(StorageDriver *drv, const StorageVolRef *ref,
                     StorageJobType *type, unsigned long long *done,
                     unsigned long long *total)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;

    if (storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return -1;
    g_mutex_lock(&pool->lock);
    *type = vol->job ? vol->job->type : STORAGE_JOB_NONE;
    *done = vol->job ? (unsigned long long)
            __atomic_load_n(&vol->job->done, __ATOMIC_RELAXED) : 0;
    *total = vol->job ? (unsigned long long) vol->job->total : 0;
    g_mutex_unlock(&pool->lock);
    return 0;
}

int
storage_vol_job_abort(StorageDriver *drv, const StorageVolRef *ref)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    int ret = 0;

    if (storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return -1;
    g_mutex_lock(&pool->lock);
    if (vol->job) {
        g_atomic_int_set(&vol->job->abort, 1);
    } else {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "no job is running on volume '%s'", vol->def->name);
        ret = -1;
    }
    g_mutex_unlock(&pool->lock);
    return ret;
}

static void
job_set_done(StorageJob *job, gint64 done)
{
    __atomic_store_n(&job->done, done, __ATOMIC_RELAXED);
}

/* ---- wipe ---------------------------------------------------------------- */

typedef struct {
    StorageJob *job;
    VrStorageVolDef *vol;
} WipeData;

/* Overwrite [0, size) of @path with zeros. */
static int
wipe_zero(StorageJob *job, const VrStorageVolDef *vol)
{
    VR_AUTOCLOSE int fd = open(vol->target_path,
                               O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    g_autofree char *zeros = g_malloc0(WIPE_CHUNK);
    gint64 size = job->total, done = 0;

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE, "cannot open '%s'",
                               vol->target_path);
        return -1;
    }
    while (done < size) {
        size_t n = MIN((gint64) WIPE_CHUNK, size - done);

        if (storage_job_check_abort(job, vol->name))
            return -1;
        if (vr_write_all(fd, zeros, n) < 0 ||
            (((done + (gint64) n) % WIPE_SYNC_EVERY) == 0 &&
             fdatasync(fd) < 0)) {
            vr_error_report_system(errno, VR_FROM_STORAGE,
                                   "cannot write zeros to '%s'",
                                   vol->target_path);
            return -1;
        }
        done += n;
        job_set_done(job, done);
    }
    if (fdatasync(fd) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE, "cannot sync '%s'",
                               vol->target_path);
        return -1;
    }
    return 0;
}

static int
wipe_thread(gpointer data)
{
    WipeData *w = data;

    if (w->vol->type == VR_STORAGE_VOL_BLOCK ||
        w->vol->target_format == VR_STORAGE_FORMAT_RAW ||
        w->vol->target_format == VR_STORAGE_FORMAT_NONE)
        return wipe_zero(w->job, w->vol);
    /* An image format: an empty image of the same kind holds only zeros
     * (and keeps its backing file, as the guest sees it). */
    if (storage_img_create(w->vol, 0) < 0)
        return -1;
    job_set_done(w->job, w->job->total);
    return 0;
}

/* Mark @vol busy with a job of @type; 0 or -1 (reported). */
static StorageJob *
begin_busy_job(StorageDriver *drv, StoragePool *pool, StorageVol *vol,
               StorageJobType type, gint64 total)
{
    StorageJob *job = NULL;

    g_mutex_lock(&pool->lock);
    if (vol->busy)
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_STORAGE,
                        "volume '%s' has a job running", vol->def->name);
    else if ((job = storage_job_begin(drv, vol, type, total))) {
        vol->busy = true;
        pool->busy++;
    }
    g_mutex_unlock(&pool->lock);
    return job;
}

static void
end_busy_job(StorageDriver *drv, StoragePool *pool, StorageVol *vol)
{
    storage_job_end(drv, pool, vol);
    g_mutex_lock(&pool->lock);
    vol->busy = false;
    pool->busy--;
    g_mutex_unlock(&pool->lock);
}

/* Re-read @vol's sizes after I/O (errors logged only). */
static void
refresh_vol(StoragePool *pool, StorageVol *vol)
{
    g_autoptr(VrStoragePoolDef) pdef = NULL;
    g_autoptr(VrStorageVolDef) vdef = NULL;

    g_mutex_lock(&pool->lock);
    pdef = vr_storage_pool_def_copy(pool->def);
    vdef = vr_storage_vol_def_copy(vol->def);
    g_mutex_unlock(&pool->lock);
    if (storage_backend_for(pdef->type)->vol_refresh(pdef, vdef) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
        return;
    }
    g_mutex_lock(&pool->lock);
    vol->def->capacity = vdef->capacity;
    vol->def->allocation = vdef->allocation;
    g_mutex_unlock(&pool->lock);
}

int
storage_vol_wipe(StorageDriver *drv, const StorageVolRef *ref,
                 unsigned int algorithm, unsigned int flags)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    g_autoptr(VrStorageVolDef) vdef = NULL;
    WipeData w = { 0 };
    int ret;

    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    if (algorithm != 0) {
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_STORAGE,
                        "wiping algorithm %u is not supported (only zero)",
                        algorithm);
        return -1;
    }
    if (storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return -1;
    g_mutex_lock(&pool->lock);
    vdef = vr_storage_vol_def_copy(vol->def);
    g_mutex_unlock(&pool->lock);
    if (!(w.job = begin_busy_job(drv, pool, vol, STORAGE_JOB_WIPE,
                                 (gint64) vdef->capacity)))
        return -1;
    w.vol = vdef;
    ret = storage_job_run_thread(wipe_thread, &w);
    end_busy_job(drv, pool, vol);
    refresh_vol(pool, vol);
    return ret;
}

/* ---- clone --------------------------------------------------------------- */

static gint64
allocated(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return 0;
    return (gint64) st.st_blocks * 512;
}

/* Wait for qemu-img @pid, updating progress and killing it on abort. */
static int
watch_convert(StorageJob *job, pid_t pid, const VrStorageVolDef *dst)
{
    int status;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            vr_error_report_system(errno, VR_FROM_STORAGE,
                                   "cannot wait for qemu-img");
            return -1;
        }
        if (g_atomic_int_get(&job->abort))
            kill(pid, SIGTERM);
        job_set_done(job, MIN(allocated(dst->target_path), job->total));
        g_usleep(20000);
    }
    if (storage_job_check_abort(job, dst->name))
        return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_STORAGE,
                        "qemu-img convert to '%s' failed (status %d)",
                        dst->target_path, status);
        return -1;
    }
    job_set_done(job, job->total);
    return 0;
}

int
storage_job_clone(StorageJob *job, const VrStorageVolDef *src,
                  const VrStorageVolDef *dst)
{
    g_autoptr(VrCommand) cmd = vr_command_new("qemu-img");
    VrStorageFormat sf = src->target_format == VR_STORAGE_FORMAT_NONE ?
                         VR_STORAGE_FORMAT_RAW : src->target_format;
    VrStorageFormat df = dst->target_format == VR_STORAGE_FORMAT_NONE ?
                         VR_STORAGE_FORMAT_RAW : dst->target_format;
    pid_t pid;

    /* -n: the target was made by the backend (file or LV, with its
     * permissions); -U: the source may be in use by a domain. */
    vr_command_add_arg(cmd, "convert");
    vr_command_add_arg(cmd, "-U");
    vr_command_add_arg(cmd, "-n");
    vr_command_add_arg_pair(cmd, "-f", vr_storage_format_to_string(sf));
    vr_command_add_arg_pair(cmd, "-O", vr_storage_format_to_string(df));
    vr_command_add_arg(cmd, src->target_path);
    vr_command_add_arg(cmd, dst->target_path);
    if (vr_command_spawn(cmd, &pid, NULL) < 0)
        return -1;
    return watch_convert(job, pid, dst);
}

/* ---- upload / download -------------------------------------------------- */

struct _StorageTransfer {
    StorageDriver *drv;
    StoragePool *pool;
    StorageVol *vol;
    StorageJob *job;
    int fd;
    bool upload;
    char *name;
    unsigned long long remaining;
};

static StorageTransfer *
transfer_begin(StorageDriver *drv, const StorageVolRef *ref,
               unsigned long long offset, unsigned long long length,
               unsigned int flags, bool upload)
{
    g_autoptr(StoragePool) pool = NULL;
    g_autoptr(StorageVol) vol = NULL;
    g_autofree char *path = NULL;
    StorageTransfer *x;
    VR_AUTOCLOSE int fd = -1;
    off_t end;

    if (VR_CHECK_FLAGS(flags, STORAGE_VOL_TRANSFER_SPARSE) < 0 ||
        storage_driver_get_vol(drv, ref, &pool, &vol) < 0)
        return NULL;
    g_mutex_lock(&pool->lock);
    path = g_strdup(vol->def->target_path);
    g_mutex_unlock(&pool->lock);
    fd = open(path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || (end = lseek(fd, 0, SEEK_END)) < 0 ||
        lseek(fd, (off_t) offset, SEEK_SET) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE, "cannot open '%s'",
                               path);
        return NULL;
    }
    if (!upload && offset > (unsigned long long) end) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "offset %llu is past the end of volume '%s'",
                        offset, ref->name);
        return NULL;
    }
    if (length == 0)
        length = upload ? G_MAXUINT64 : (unsigned long long) end - offset;
    if (!upload)
        length = MIN(length, (unsigned long long) end - offset);
    x = g_new0(StorageTransfer, 1);
    if (!(x->job = begin_busy_job(drv, pool, vol,
                                  upload ? STORAGE_JOB_UPLOAD
                                         : STORAGE_JOB_DOWNLOAD,
                                  length == G_MAXUINT64 ? 0
                                                        : (gint64) length))) {
        g_free(x);
        return NULL;
    }
    x->drv = drv;
    x->pool = g_steal_pointer(&pool);
    x->vol = g_steal_pointer(&vol);
    x->fd = vr_steal_fd(&fd);
    x->upload = upload;
    x->name = g_strdup(ref->name);
    x->remaining = length;
    return x;
}

StorageTransfer *
storage_vol_upload_begin(StorageDriver *drv, const StorageVolRef *vol,
                         unsigned long long offset,
                         unsigned long long length, unsigned int flags)
{
    return transfer_begin(drv, vol, offset, length, flags, true);
}

StorageTransfer *
storage_vol_download_begin(StorageDriver *drv, const StorageVolRef *vol,
                           unsigned long long offset,
                           unsigned long long length, unsigned int flags)
{
    return transfer_begin(drv, vol, offset, length, flags, false);
}

int
storage_transfer_fd(StorageTransfer *xfer)
{
    return xfer->fd;
}

unsigned long long
storage_transfer_remaining(StorageTransfer *xfer)
{
    return xfer->remaining;
}

int
storage_transfer_advance(StorageTransfer *xfer, unsigned long long bytes)
{
    if (storage_job_check_abort(xfer->job, xfer->name))
        return -1;
    if (bytes > xfer->remaining) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "transfer of volume '%s' exceeds the requested "
                        "length", xfer->name);
        return -1;
    }
    xfer->remaining -= bytes;
    job_set_done(xfer->job, xfer->job->done + (gint64) bytes);
    return 0;
}

int
storage_transfer_next_extent(StorageTransfer *xfer, bool *hole,
                             unsigned long long *len)
{
    off_t pos = lseek(xfer->fd, 0, SEEK_CUR);
    off_t data, next;

    *hole = false;
    *len = 0;
    if (pos < 0 || xfer->remaining == 0)
        return pos < 0 ? -1 : 0;
    data = lseek(xfer->fd, pos, SEEK_DATA);
    if (data < 0 && errno == ENXIO) {
        *hole = true;       /* a hole up to the end */
        *len = xfer->remaining;
    } else if (data < 0) {
        *len = xfer->remaining;     /* no SEEK_DATA (devices): all data */
    } else if (data > pos) {
        *hole = true;
        *len = MIN((unsigned long long) (data - pos), xfer->remaining);
    } else {
        next = lseek(xfer->fd, pos, SEEK_HOLE);
        *len = next < 0 ? xfer->remaining
                        : MIN((unsigned long long) (next - pos),
                              xfer->remaining);
    }
    if (lseek(xfer->fd, pos, SEEK_SET) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot seek in volume '%s'", xfer->name);
        return -1;
    }
    return 0;
}

int
storage_transfer_skip(StorageTransfer *xfer, unsigned long long len)
{
    if (storage_transfer_advance(xfer, len) < 0)
        return -1;
    if (lseek(xfer->fd, (off_t) len, SEEK_CUR) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot seek in volume '%s'", xfer->name);
        return -1;
    }
    return 0;
}

/* An upload ending in a hole: extend the file to the position reached. */
static int
finish_upload(StorageTransfer *x)
{
    off_t pos = lseek(x->fd, 0, SEEK_CUR);
    struct stat st;

    if (pos < 0 || fstat(x->fd, &st) < 0 ||
        (S_ISREG(st.st_mode) && pos > st.st_size &&
         ftruncate(x->fd, pos) < 0) ||
        fsync(x->fd) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot finish the upload to volume '%s'",
                               x->name);
        return -1;
    }
    return 0;
}

int
storage_transfer_finish(StorageTransfer *xfer, bool ok)
{
    int ret = 0;

    if (!xfer)
        return 0;
    if (xfer->upload && ok)
        ret = finish_upload(xfer);
    close(xfer->fd);
    end_busy_job(xfer->drv, xfer->pool, xfer->vol);
    if (xfer->upload)
        refresh_vol(xfer->pool, xfer->vol);
    storage_vol_obj_unref(xfer->vol);
    storage_pool_obj_unref(xfer->pool);
    g_free(xfer->name);
    g_free(xfer);
    return ret;
}
