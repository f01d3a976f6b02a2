/* lib_storage_stream.c: volume upload / download streams (procedures 208
 * and 209) and the sparse additions to the stream API: holes received as
 * VIREO_STREAM_HOLE and holes sent (STREAM_HOLE frames, FACTS.md
 * section 6). */
#include <config.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

static VireoStream *
vol_transfer(VireoStorageVol *vol, int proc, unsigned long long offset,
             unsigned long long length, unsigned int flags)
{
    vr_storage_vol_transfer_args args;
    VrRpcConnStream *rpc;

    vr_lib_vol_to_wire(vol, &args.vol);
    args.offset = offset;
    args.length = length;
    args.flags = flags;
    if (!(rpc = vr_lib_stream_open(vol->conn, proc,
                                   (xdrproc_t) xdr_vr_storage_vol_transfer_args,
                                   &args)))
        return NULL;
    return vr_lib_stream_new(vol->conn, rpc);
}

/* Checks shared by upload and download. */
static bool
transfer_check(VireoStorageVol *vol, unsigned int flags, const char *func)
{
    vr_error_reset();
    if (!vol || !vol->conn) {
        vr_error_report(VR_ERR_INVALID_STORAGE_VOL, VR_FROM_STORAGE,
                        "invalid storage volume in %s", func);
        return false;
    }
    return vr_error_check_flags(flags, VIREO_STORAGE_VOL_UPLOAD_SPARSE_STREAM,
                                func) == 0;
}

VireoStream *
vireo_storage_vol_upload(VireoStorageVol *vol, unsigned long long offset,
                         unsigned long long length, unsigned int flags)
{
    if (!transfer_check(vol, flags, __func__))
        return NULL;
    return vol_transfer(vol, VR_PROC_STORAGE_VOL_UPLOAD, offset, length,
                        flags);
}

VireoStream *
vireo_storage_vol_download(VireoStorageVol *vol, unsigned long long offset,
                           unsigned long long length, unsigned int flags)
{
    if (!transfer_check(vol, flags, __func__))
        return NULL;
    return vol_transfer(vol, VR_PROC_STORAGE_VOL_DOWNLOAD, offset, length,
                        flags);
}

int
vireo_stream_recv_hole(VireoStream *st, void *buf, size_t len,
                       int timeout_ms, long long *hole)
{
    VrRpcConnStream *rpc;
    gint64 h = 0;
    gssize n;

    vr_error_reset();
    VR_LIB_CHECK_ARG(buf, -1);
    VR_LIB_CHECK_ARG(hole, -1);
    if (!(rpc = vr_lib_stream_rpc(st, __func__)))
        return -1;
    n = vr_rpc_conn_stream_recv_hole(rpc, buf, MIN(len, (size_t) G_MAXINT),
                                     timeout_ms, &h);
    if (n == -2)
        return VIREO_STREAM_AGAIN;
    if (n == -3) {
        *hole = h;
        return VIREO_STREAM_HOLE;
    }
    return (int) n;
}

int
vireo_stream_send_hole(VireoStream *st, long long length)
{
    VrRpcConnStream *rpc;

    vr_error_reset();
    if (!(rpc = vr_lib_stream_rpc(st, __func__)))
        return -1;
    if (length <= 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "hole length must be greater than 0");
        return -1;
    }
    return vr_rpc_conn_stream_send_hole(rpc, length);
}
