/* daemon_stream_vol.c: STORAGE_VOL_UPLOAD (208) and STORAGE_VOL_DOWNLOAD
 * (209): a volume's transfer handle (storage_vol_*_begin, a job other
 * clients can watch and abort) bridged to the call's RPC stream (FACTS.md
 * section 6).
 *
 * No file I/O runs on the main (event-loop) thread: each transfer has its
 * own I/O thread, and the two sides meet at a bounded queue of items
 * (data, hole, end) under the transfer's lock.
 *  - Upload: the stream's recv_frame callback queues each data frame as
 *    received (no copy); the thread writes it, starting the writeback of
 *    every XFER_WRITEBACK bytes.  When XFER_QUEUE_MAX bytes wait, the
 *    session's input is paused (the client's socket is not read) until
 *    the thread has drained the queue to half.  The client's finish is
 *    deferred (the stream layer's finish hook): the thread writes what is
 *    queued, fsyncs, refreshes the volume, and only then is the finish
 *    confirmed - or answered with the error (ENOSPC, EIO ...).
 *  - Download: the thread reads blocks (or finds holes, sparse streams)
 *    into the queue while it holds less than XFER_QUEUE_MAX bytes; the
 *    main thread sends them while the stream's own queue has room (the
 *    writable callback resumes it).
 * The thread tells the main thread about progress through an idle source
 * on the default main context (at most one pending).  An abort, a
 * disconnect or a job abort (storage_vol_job_abort, checked between
 * items and every half second while idle) stops the thread, which then
 * ends the transfer (job released, no fsync) before the client's abort is
 * confirmed.  Sparse streams (flag 1) carry holes as STREAM_HOLE frames
 * both ways.
 *
 * Partial state: a failed or aborted upload leaves what was written
 * before the failure in the volume (not synced); the volume itself stays.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "daemon/daemon_dispatch_storage.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"

/* One data frame's worth: blocks line up with STREAM frames. */
#define XFER_BLOCK VR_MESSAGE_LEGACY_PAYLOAD_MAX
#define XFER_QUEUE_MAX (8 * 1024 * 1024)
#define XFER_IDLE_CHECK_US (G_USEC_PER_SEC / 2)
/* Uploads start the writeback of every this many bytes written, so the
 * final fsync finds little left to write. */
#define XFER_WRITEBACK (8 * 1024 * 1024)

typedef enum { ITEM_DATA, ITEM_HOLE, ITEM_EOF } VolItemKind;

/* Data travels in the RPC frames themselves: an upload's as received,
 * a download's read in place, so no extra copy is made. */
typedef struct {
    VolItemKind kind;
    size_t len;               /* bytes of data, or of the hole */
    VrRpcMessage *frame;      /* data: the frame holding it */
    const guint8 *data;       /* upload data, within frame */
} VolItem;

typedef struct {
    gint refs;                /* atomic: main, I/O thread, pending wakeup */
    bool upload;
    bool sparse;
    char *name;               /* the volume's, for messages */
    StorageTransfer *xfer;    /* the I/O thread's once it runs */
    GMutex lock;
    GCond cond;
    /* under lock */
    GQueue items;             /* VolItem*: upload to write, download to send */
    size_t queued;            /* data bytes in items */
    bool input_blocked;       /* upload: the session's input is paused */
    bool finish_asked;        /* download: the client finished */
    bool stop;                /* aborted or ended: the thread stops */
    bool done;                /* the thread ended the transfer */
    VrError *err;             /* why it failed (NULL: it did not) */
    bool wake_pending;
    /* main thread only */
    VrRpcStream *st;          /* NULL once the stream ended */
    bool finishing;           /* the confirmation waits for the thread */
    /* I/O thread only */
    off_t wb_start;           /* upload: first byte not yet sent to disk */
} VolStream;

static void
item_free(gpointer data)
{
    VolItem *it = data;

    if (it)
        vr_rpc_message_free(it->frame);
    g_free(it);
}

static VolStream *
vol_ref(VolStream *vs)
{
    g_atomic_int_inc(&vs->refs);
    return vs;
}

static void
vol_unref(void *data)
{
    VolStream *vs = data;

    if (!vs || !g_atomic_int_dec_and_test(&vs->refs))
        return;
    /* Only when the I/O thread never ran: nothing was transferred. */
    if (vs->xfer && storage_transfer_finish(vs->xfer, false) < 0)
        VR_WARN("volume transfer: %s", vr_error_message());
    g_queue_clear_full(&vs->items, item_free);
    vr_error_free(vs->err);
    g_free(vs->name);
    g_mutex_clear(&vs->lock);
    g_cond_clear(&vs->cond);
    g_free(vs);
}

static gboolean vol_wake_cb(gpointer data);

/* Have the main thread look at @vs soon.  Lock held. */
static void
vol_wake_locked(VolStream *vs)
{
    GSource *src;

    if (vs->wake_pending)
        return;
    vs->wake_pending = true;
    src = g_idle_source_new();
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, vol_wake_cb, vol_ref(vs), vol_unref);
    g_source_attach(src, NULL);
    g_source_unref(src);
}

static VolItem *
item_new(VolItemKind kind, size_t len)
{
    VolItem *it = g_new0(VolItem, 1);

    it->kind = kind;
    it->len = len;
    return it;
}

static size_t
item_bytes(const VolItem *it)
{
    return it->kind == ITEM_DATA ? it->len : 0;
}

/* ---- the I/O thread ---- */

/* Wait (lock held) while @busy says so and nothing stops the thread;
 * every XFER_IDLE_CHECK_US check for a job abort.  Returns false when the
 * thread must stop (an abort is then reported). */
static bool
worker_wait(VolStream *vs, bool (*busy)(VolStream *vs))
{
    while (!vs->stop && busy(vs)) {
        gint64 until = g_get_monotonic_time() + XFER_IDLE_CHECK_US;

        if (!g_cond_wait_until(&vs->cond, &vs->lock, until) &&
            storage_transfer_advance(vs->xfer, 0) < 0)
            return false;
    }
    return !vs->stop;
}

/* The thread is done: end the transfer (fsync and refresh after a
 * complete upload), record the error, tell the main thread. */
static gpointer
worker_exit(VolStream *vs, bool failed, bool complete)
{
    VrError *err = NULL;

    if (failed && !vr_error_last())
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_STORAGE,
                        "transfer of volume '%s' failed", vs->name);
    if (failed)
        err = vr_error_copy_last();
    if (storage_transfer_finish(g_steal_pointer(&vs->xfer), complete) < 0 &&
        !err)
        err = vr_error_copy_last();
    g_mutex_lock(&vs->lock);
    vs->done = true;
    vs->err = err;
    vol_wake_locked(vs);
    g_mutex_unlock(&vs->lock);
    vol_unref(vs);
    return NULL;
}

static bool
upload_idle(VolStream *vs)
{
    return g_queue_is_empty(&vs->items);
}

/* Start writing back what was written since the last call, once it is
 * XFER_WRITEBACK bytes (no waiting; a failure here shows at fsync). */
static void
upload_writeback(VolStream *vs, int fd)
{
    off_t pos = lseek(fd, 0, SEEK_CUR);

    if (pos < 0 || pos < vs->wb_start ||
        pos - vs->wb_start < XFER_WRITEBACK)
        return;
    (void) sync_file_range(fd, vs->wb_start, pos - vs->wb_start,
                           SYNC_FILE_RANGE_WRITE);
    vs->wb_start = pos;
}

/* Write one item.  0 or -1 (reported). */
static int
upload_item(VolStream *vs, const VolItem *it)
{
    int fd = storage_transfer_fd(vs->xfer);

    if (it->kind == ITEM_HOLE)
        return storage_transfer_skip(vs->xfer, it->len);
    if (storage_transfer_advance(vs->xfer, it->len) < 0)
        return -1;
    if (vr_write_all(fd, it->data, it->len) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot write to volume '%s'", vs->name);
        return -1;
    }
    upload_writeback(vs, fd);
    return 0;
}

/* Take the next item to write, or NULL: stop (failed false) or a job
 * abort (failed true, reported). */
static VolItem *
upload_next(VolStream *vs, bool *failed)
{
    VolItem *it = NULL;

    g_mutex_lock(&vs->lock);
    if (!worker_wait(vs, upload_idle)) {
        *failed = !vs->stop;
    } else {
        it = g_queue_pop_head(&vs->items);
        vs->queued -= item_bytes(it);
        if (vs->input_blocked && vs->queued <= XFER_QUEUE_MAX / 2)
            vol_wake_locked(vs);
    }
    g_mutex_unlock(&vs->lock);
    return it;
}

static gpointer
upload_thread(gpointer data)
{
    VolStream *vs = data;
    bool failed = false;
    VolItem *it;

    vs->wb_start = lseek(storage_transfer_fd(vs->xfer), 0, SEEK_CUR);
    while ((it = upload_next(vs, &failed))) {
        VolItemKind kind = it->kind;
        int rc = kind == ITEM_EOF ? 0 : upload_item(vs, it);

        item_free(it);
        if (kind == ITEM_EOF)
            return worker_exit(vs, false, true);
        if (rc < 0)
            return worker_exit(vs, true, false);
    }
    return worker_exit(vs, failed, false);
}

static bool
download_full(VolStream *vs)
{
    return vs->queued >= XFER_QUEUE_MAX && !vs->finish_asked;
}

/* Read the next item of the volume.  NULL on error (reported). */
static VolItem *
download_read(VolStream *vs)
{
    unsigned long long len = storage_transfer_remaining(vs->xfer);
    bool hole = false;
    guint8 *buf;
    VolItem *it;
    ssize_t n;

    if (vs->sparse &&
        storage_transfer_next_extent(vs->xfer, &hole, &len) < 0)
        return NULL;
    if (len == 0)
        return item_new(ITEM_EOF, 0);
    if (hole) {
        if (storage_transfer_skip(vs->xfer, len) < 0)
            return NULL;
        return item_new(ITEM_HOLE, len);
    }
    it = item_new(ITEM_DATA, MIN(len, (unsigned long long) XFER_BLOCK));
    it->frame = vr_rpc_stream_frame_new(it->len, &buf);
    do {
        n = read(storage_transfer_fd(vs->xfer), buf, it->len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot read from volume '%s'", vs->name);
    } else if (n == 0) {
        item_free(it);          /* the file is shorter than its capacity */
        return item_new(ITEM_EOF, 0);
    } else if (storage_transfer_advance(vs->xfer, n) == 0) {
        it->len = n;
        return it;
    }
    item_free(it);
    return NULL;
}

static bool
download_waiting(VolStream *vs)
{
    return !vs->finish_asked;
}

static gpointer
download_thread(gpointer data)
{
    VolStream *vs = data;
    bool eof = false;

    g_mutex_lock(&vs->lock);
    while (!eof && worker_wait(vs, download_full) && !vs->finish_asked) {
        VolItem *it;

        g_mutex_unlock(&vs->lock);
        it = download_read(vs);
        g_mutex_lock(&vs->lock);
        if (!it)
            break;
        eof = it->kind == ITEM_EOF;
        vs->queued += item_bytes(it);
        g_queue_push_tail(&vs->items, it);
        vol_wake_locked(vs);
    }
    /* Hold the job until the client finishes or the stream ends. */
    if (eof)
        worker_wait(vs, download_waiting);
    eof = eof || vs->stop || vs->finish_asked;
    g_mutex_unlock(&vs->lock);
    return worker_exit(vs, !eof || vr_error_last() != NULL, true);
}

/* ---- main thread ---- */

/* The thread is done (@err: how it failed): send the deferred
 * confirmation, or the error. */
static void
main_thread_done(VolStream *vs, const VrError *err)
{
    if (err)
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
    if (vs->finishing)
        vr_rpc_stream_finish_done(vs->st, err == NULL);
    else if (err)
        vr_rpc_stream_fail(vs->st);
}

static VrError *
error_dup(const VrError *e)
{
    VrError *copy = g_new0(VrError, 1);

    *copy = (VrError) { e->code, e->domain, e->level, g_strdup(e->message),
                        g_strdup(e->str1), g_strdup(e->str2) };
    return copy;
}

/* Download: send what the thread has read while the stream has room.
 * Returns false while the stream's queue is full (the writable callback
 * resumes), true when nothing is left to send now. */
static bool
download_pump(VolStream *vs)
{
    for (;;) {
        VolItem *it;

        if (!vr_rpc_stream_is_active(vs->st))
            return true;
        if (!vr_rpc_stream_can_send(vs->st))
            return false;

        g_mutex_lock(&vs->lock);
        if ((it = g_queue_pop_head(&vs->items))) {
            vs->queued -= item_bytes(it);
            if (vs->queued < XFER_QUEUE_MAX / 2)
                g_cond_signal(&vs->cond);
        }
        g_mutex_unlock(&vs->lock);
        if (!it)
            return true;
        if (it->kind == ITEM_DATA)
            vr_rpc_stream_send_frame(vs->st, g_steal_pointer(&it->frame),
                                     it->len);
        else if (it->kind == ITEM_HOLE)
            vr_rpc_stream_send_hole(vs->st, (gint64) it->len);
        else
            vr_rpc_stream_send_eof(vs->st);
        item_free(it);
    }
}

static gboolean
vol_wake_cb(gpointer data)
{
    VolStream *vs = data;
    g_autoptr(VrError) err = NULL;
    bool resume = false, done;

    g_mutex_lock(&vs->lock);
    vs->wake_pending = false;
    if (vs->upload && vs->input_blocked &&
        vs->queued <= XFER_QUEUE_MAX / 2) {
        vs->input_blocked = false;
        resume = true;
    }
    done = vs->done;
    if (done && vs->err)
        err = error_dup(vs->err);
    g_mutex_unlock(&vs->lock);
    if (!vs->st)
        return G_SOURCE_REMOVE;
    if (resume)
        vr_rpc_stream_pause_input(vs->st, false);
    if (!vs->upload && !download_pump(vs))
        return G_SOURCE_REMOVE;     /* the writable callback goes on */
    if (done)
        main_thread_done(vs, err);
    return G_SOURCE_REMOVE;
}

static void
download_writable(VrRpcStream *st G_GNUC_UNUSED, void *opaque)
{
    VolStream *vs = opaque;
    bool done;

    if (!download_pump(vs))
        return;
    g_mutex_lock(&vs->lock);
    done = vs->done && !vs->wake_pending;
    if (done)
        vol_wake_locked(vs);    /* report the end from the wakeup */
    g_mutex_unlock(&vs->lock);
}

static void
download_start(VrRpcStream *st G_GNUC_UNUSED, void *opaque)
{
    VolStream *vs = opaque;

    g_mutex_lock(&vs->lock);
    vol_wake_locked(vs);
    g_mutex_unlock(&vs->lock);
}

/* Finish: an upload queues its end (the thread syncs), a download stops
 * reading; abort: the thread stops.  Confirmed when the thread is done. */
static int
xfer_finish(VrRpcStream *st G_GNUC_UNUSED, bool aborted, void *opaque)
{
    VolStream *vs = opaque;

    g_mutex_lock(&vs->lock);
    if (aborted)
        vs->stop = true;
    else if (vs->upload)
        g_queue_push_tail(&vs->items, item_new(ITEM_EOF, 0));
    else
        vs->finish_asked = true;
    g_cond_signal(&vs->cond);
    if (vs->done)
        vol_wake_locked(vs);
    g_mutex_unlock(&vs->lock);
    vs->finishing = true;
    return 1;
}

static void
xfer_end(VrRpcStream *st G_GNUC_UNUSED, VrRpcStreamEnd how G_GNUC_UNUSED,
         void *opaque)
{
    VolStream *vs = opaque;

    vs->st = NULL;
    g_mutex_lock(&vs->lock);
    vs->stop = true;
    g_cond_signal(&vs->cond);
    g_mutex_unlock(&vs->lock);
}

static const VrRpcStreamFuncs download_funcs = {
    .start = download_start,
    .writable = download_writable,
    .end = xfer_end,
    .finish = xfer_finish,
};

/* Queue @it (taken) for the I/O thread; pause the input when full. */
static void
upload_push(VolStream *vs, VolItem *it)
{
    bool full;

    g_mutex_lock(&vs->lock);
    vs->queued += item_bytes(it);
    g_queue_push_tail(&vs->items, it);
    g_cond_signal(&vs->cond);
    full = vs->queued >= XFER_QUEUE_MAX && !vs->done;
    if (full)
        vs->input_blocked = true;
    g_mutex_unlock(&vs->lock);
    if (full)
        vr_rpc_stream_pause_input(vs->st, true);
}

static int
upload_recv(VrRpcStream *st G_GNUC_UNUSED, const guint8 *data G_GNUC_UNUSED,
            size_t len G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    return 0;   /* end of data (data comes to upload_recv_frame) */
}

static int
upload_recv_frame(VrRpcStream *st G_GNUC_UNUSED, VrRpcMessage *frame,
                  const guint8 *data, size_t len, void *opaque)
{
    VolItem *it = item_new(ITEM_DATA, len);

    it->frame = frame;
    it->data = data;
    upload_push(opaque, it);
    return 0;
}

static int
upload_recv_hole(VrRpcStream *st G_GNUC_UNUSED, gint64 length, void *opaque)
{
    VolStream *vs = opaque;

    if (!vs->sparse) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "holes are only allowed in sparse streams");
        return -1;
    }
    upload_push(vs, item_new(ITEM_HOLE, (size_t) length));
    return 0;
}

static const VrRpcStreamFuncs upload_funcs = {
    .recv = upload_recv,
    .end = xfer_end,
    .recv_hole = upload_recv_hole,
    .finish = xfer_finish,
    .recv_frame = upload_recv_frame,
};

/* ---- handlers ---- */

/* Create the stream for @xfer (taken) and start its I/O thread.
 * 0 or -1 (reported). */
static int
start_stream(VrRpcSession *sess, StorageTransfer *xfer, const char *name,
             bool upload, bool sparse)
{
    VolStream *vs = g_new0(VolStream, 1);
    g_autoptr(GError) gerr = NULL;
    GThread *thr;

    vs->refs = 1;
    vs->upload = upload;
    vs->sparse = sparse;
    vs->name = g_strdup(name);
    vs->xfer = xfer;
    g_mutex_init(&vs->lock);
    g_cond_init(&vs->cond);
    g_queue_init(&vs->items);
    if (!(vs->st = vr_rpc_stream_new(sess, upload ? &upload_funcs
                                                  : &download_funcs,
                                     vs, vol_unref))) {
        vol_unref(vs);
        return -1;
    }
    thr = g_thread_try_new(upload ? "vol-upload" : "vol-download",
                           upload ? upload_thread : download_thread,
                           vol_ref(vs), &gerr);
    if (!thr) {
        /* The stream ends CLOSED with the failed call; the transfer ends
         * here, on this worker thread. */
        storage_transfer_finish(g_steal_pointer(&vs->xfer), false);
        vol_unref(vs);
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_STORAGE,
                        "cannot start the transfer thread: %s",
                        gerr->message);
        return -1;
    }
    g_thread_unref(thr);
    return 0;
}

static int
open_transfer(VrRpcSession *sess, const vr_storage_vol_transfer_args *a,
              bool upload)
{
    const char *api = upload ? "virStorageVolUpload" : "virStorageVolDownload";
    StorageDriver *drv = daemon_client_storage(sess);
    StorageTransfer *xfer;
    StorageVolRef ref;

    if (!drv)
        return -1;
    if (vr_rpc_session_is_readonly(sess)) {
        vr_error_report(VR_ERR_OPERATION_DENIED, VR_FROM_STORAGE,
                        "read only access prevents %s", api);
        return -1;
    }
    if (daemon_client_check_write_from(sess, api, VR_FROM_STORAGE) < 0 ||
        VR_CHECK_FLAGS(a->flags, STORAGE_VOL_TRANSFER_SPARSE) < 0)
        return -1;
    daemon_vol_from_wire(&ref, &a->vol);
    xfer = upload ? storage_vol_upload_begin(drv, &ref, a->offset, a->length,
                                             a->flags)
                  : storage_vol_download_begin(drv, &ref, a->offset,
                                               a->length, a->flags);
    if (!xfer)
        return -1;
    return start_stream(sess, xfer, ref.name, upload,
                        a->flags & STORAGE_VOL_TRANSFER_SPARSE);
}

DAEMON_HANDLER(storage_vol_upload)
{
    (void) ret;
    return open_transfer(sess, args, true);
}

DAEMON_HANDLER(storage_vol_download)
{
    (void) ret;
    return open_transfer(sess, args, false);
}
