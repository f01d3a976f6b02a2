/* daemon_stream_vol.c: STORAGE_VOL_UPLOAD (208) and STORAGE_VOL_DOWNLOAD
 * (209): a volume's transfer handle (storage_vol_*_begin, a job other
 * clients can watch and abort) bridged to the call's RPC stream (FACTS.md
 * section 6).
 *
 * The handler (worker thread) opens the transfer and creates the stream;
 * from the stream's start on everything runs on the main thread, one
 * bounded step at a time: a download reads at most DL_CHUNKS_PER_STEP
 * blocks of 256 KiB per main-loop iteration and stops while the stream's
 * queue is full (the writable callback resumes it); an upload writes each
 * data frame (at most 262120 bytes) as it arrives.  Sparse streams (flag
 * 1) carry holes as STREAM_HOLE frames both ways.  The transfer ends
 * (fsync for uploads, job released) when the stream ends, before the
 * client's finish is confirmed on the wire.
 */
#include <config.h>

#include <errno.h>
#include <unistd.h>

#include "daemon/daemon_dispatch_storage.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"

#define DL_BLOCK (256 * 1024)
#define DL_CHUNKS_PER_STEP 16

typedef struct {
    StorageTransfer *xfer;    /* NULL once finished */
    VrRpcStream *st;
    bool sparse;
    guint idle_id;            /* a scheduled download step */
    guint8 *buf;
} VolStream;

static void
vol_stream_free(void *data)
{
    VolStream *vs = data;

    if (vs->idle_id)
        g_source_remove(vs->idle_id);
    storage_transfer_finish(vs->xfer, false);
    g_free(vs->buf);
    g_free(vs);
}

/* ---- download (server -> client) ---- */

static void download_pump(VolStream *vs);

static gboolean
download_idle(gpointer data)
{
    VolStream *vs = data;

    vs->idle_id = 0;
    download_pump(vs);
    return G_SOURCE_REMOVE;
}

/* One step: a hole or up to one block of data.  Returns 1 when something
 * was sent, 0 at the end, -1 on error (reported). */
static int
download_one(VolStream *vs)
{
    unsigned long long len = storage_transfer_remaining(vs->xfer);
    bool hole = false;
    ssize_t n;

    if (vs->sparse &&
        storage_transfer_next_extent(vs->xfer, &hole, &len) < 0)
        return -1;
    if (len == 0)
        return 0;
    if (hole) {
        if (storage_transfer_skip(vs->xfer, len) < 0)
            return -1;
        vr_rpc_stream_send_hole(vs->st, (gint64) len);
        return 1;
    }
    do {
        n = read(storage_transfer_fd(vs->xfer), vs->buf, MIN(len, DL_BLOCK));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot read from the volume");
        return -1;
    }
    if (n == 0)
        return 0;       /* the file is shorter than its capacity */
    if (storage_transfer_advance(vs->xfer, n) < 0)
        return -1;
    vr_rpc_stream_send(vs->st, vs->buf, n);
    return 1;
}

static void
download_pump(VolStream *vs)
{
    for (int i = 0; i < DL_CHUNKS_PER_STEP; i++) {
        int rc;

        if (!vr_rpc_stream_is_active(vs->st) ||
            !vr_rpc_stream_can_send(vs->st))
            return;             /* the writable callback resumes us */
        vr_error_reset();
        if ((rc = download_one(vs)) < 0) {
            vr_rpc_stream_fail(vs->st);
            return;
        }
        if (rc == 0) {
            vr_rpc_stream_send_eof(vs->st);
            return;
        }
    }
    /* more to do: let the main loop breathe first */
    vs->idle_id = g_idle_add(download_idle, vs);
}

static void
download_start(VrRpcStream *st, void *opaque)
{
    VolStream *vs = opaque;

    vs->st = st;
    download_pump(vs);
}

static void
download_writable(VrRpcStream *st G_GNUC_UNUSED, void *opaque)
{
    VolStream *vs = opaque;

    if (!vs->idle_id)
        download_pump(vs);
}

static void
transfer_end(VrRpcStream *st G_GNUC_UNUSED, VrRpcStreamEnd how,
             void *opaque)
{
    VolStream *vs = opaque;
    bool ok = how == VR_RPC_STREAM_END_FINISH;

    if (vs->idle_id) {
        g_source_remove(vs->idle_id);
        vs->idle_id = 0;
    }
    if (storage_transfer_finish(g_steal_pointer(&vs->xfer), ok) < 0)
        VR_WARN("volume transfer: %s", vr_error_message());
}

static const VrRpcStreamFuncs download_funcs = {
    .start = download_start,
    .writable = download_writable,
    .end = transfer_end,
};

/* ---- upload (client -> server) ---- */

static void
upload_start(VrRpcStream *st, void *opaque)
{
    VolStream *vs = opaque;

    vs->st = st;
}

static int
upload_recv(VrRpcStream *st G_GNUC_UNUSED, const guint8 *data, size_t len,
            void *opaque)
{
    VolStream *vs = opaque;

    if (!vs->xfer || len == 0)
        return 0;       /* end of data: the client finishes next */
    if (storage_transfer_advance(vs->xfer, len) < 0)
        return -1;
    if (vr_write_all(storage_transfer_fd(vs->xfer), data, len) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot write to the volume");
        return -1;
    }
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
    if (!vs->xfer)
        return 0;
    return storage_transfer_skip(vs->xfer, (unsigned long long) length);
}

static const VrRpcStreamFuncs upload_funcs = {
    .start = upload_start,
    .recv = upload_recv,
    .end = transfer_end,
    .recv_hole = upload_recv_hole,
};

/* ---- handlers ---- */

static int
open_transfer(VrRpcSession *sess, const vr_storage_vol_transfer_args *a,
              bool upload)
{
    const char *api = upload ? "virStorageVolUpload" : "virStorageVolDownload";
    StorageDriver *drv = daemon_client_storage(sess);
    StorageTransfer *xfer;
    StorageVolRef ref;
    VolStream *vs;

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
    vs = g_new0(VolStream, 1);
    vs->xfer = xfer;
    vs->sparse = a->flags & STORAGE_VOL_TRANSFER_SPARSE;
    if (!upload)
        vs->buf = g_malloc(DL_BLOCK);
    if (!vr_rpc_stream_new(sess, upload ? &upload_funcs : &download_funcs,
                           vs, vol_stream_free)) {
        vol_stream_free(vs);
        return -1;
    }
    return 0;
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
