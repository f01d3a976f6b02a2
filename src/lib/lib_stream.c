/* lib_stream.c: data streams (the domain console), a thin public layer over
 * the RPC client's streams (rpc/rpc_client.h does the framing: STREAM
 * frames with the opening call's procedure and serial, FACTS.md section 6).
 *
 * What this file adds: argument checks, the public error conventions, and
 * the "closed" state, so that a reader blocked in vireo_stream_recv while
 * another thread finishes or aborts sees a clean end of stream (0) rather
 * than an error.
 */
#include <config.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

struct _VireoStream {
    VireoConn *conn;           /* a reference */
    VrRpcConnStream *rpc;
    gint closed;               /* atomic: finished or aborted by us */
};

VireoStream *
vr_lib_stream_new(VireoConn *conn, VrRpcConnStream *rpc)
{
    VireoStream *st = g_new0(VireoStream, 1);

    st->conn = vr_lib_conn_ref(conn);
    st->rpc = rpc;
    return st;
}

VrRpcConnStream *
vr_lib_stream_rpc(VireoStream *st, const char *func)
{
    if (!vr_lib_check_arg(st, "st", func))
        return NULL;
    if (g_atomic_int_get(&st->closed)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NONE,
                        "the stream is closed");
        return NULL;
    }
    return st->rpc;
}

VireoStream *
vireo_domain_open_console(VireoDomain *dom, const char *dev_name,
                          unsigned int flags)
{
    char *dev = (char *) dev_name;
    vr_domain_open_console_args args;
    VrRpcConnStream *rpc;
    VireoStream *st;

    VR_LIB_CHECK_DOMAIN(dom, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_CONSOLE_FORCE | VIREO_CONSOLE_SAFE) < 0)
        return NULL;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.dev_name = dev ? &dev : NULL;
    args.flags = flags;
    if (!(rpc = vr_lib_stream_open(dom->conn, VR_PROC_DOMAIN_OPEN_CONSOLE,
                                   (xdrproc_t) xdr_vr_domain_open_console_args,
                                   &args)))
        return NULL;
    st = g_new0(VireoStream, 1);
    st->conn = vr_lib_conn_ref(dom->conn);
    st->rpc = rpc;
    return st;
}

int
vireo_stream_send(VireoStream *st, const void *data, size_t len)
{
    vr_error_reset();
    VR_LIB_CHECK_ARG(st, -1);
    VR_LIB_CHECK_ARG(data, -1);
    if (g_atomic_int_get(&st->closed)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NONE,
                        "the stream is closed");
        return -1;
    }
    if (len == 0)
        return 0;      /* an empty frame would mean "end of data" */
    if (len > G_MAXINT)
        len = G_MAXINT;
    if (vr_rpc_conn_stream_send(st->rpc, data, len) < 0)
        return -1;
    return (int) len;
}

int
vireo_stream_recv(VireoStream *st, void *buf, size_t len, int timeout_ms)
{
    gssize n;

    vr_error_reset();
    VR_LIB_CHECK_ARG(st, -1);
    VR_LIB_CHECK_ARG(buf, -1);
    if (g_atomic_int_get(&st->closed))
        return 0;
    n = vr_rpc_conn_stream_recv(st->rpc, buf, MIN(len, (size_t) G_MAXINT),
                                timeout_ms);
    if (n == -2)
        return VIREO_STREAM_AGAIN;
    if (n < 0 && g_atomic_int_get(&st->closed)) {
        vr_error_reset();
        return 0;
    }
    return (int) n;
}

int
vireo_stream_finish(VireoStream *st)
{
    vr_error_reset();
    VR_LIB_CHECK_ARG(st, -1);
    if (!g_atomic_int_compare_and_exchange(&st->closed, 0, 1))
        return 0;
    return vr_rpc_conn_stream_finish(st->rpc);
}

int
vireo_stream_abort(VireoStream *st)
{
    vr_error_reset();
    VR_LIB_CHECK_ARG(st, -1);
    if (!g_atomic_int_compare_and_exchange(&st->closed, 0, 1))
        return 0;
    return vr_rpc_conn_stream_abort(st->rpc);
}

void
vireo_stream_free(VireoStream *st)
{
    if (!st)
        return;
    if (!g_atomic_int_get(&st->closed)) {
        vireo_stream_abort(st);
        vr_error_reset();
    }
    vr_rpc_conn_stream_free(st->rpc);
    vr_lib_conn_unref(st->conn);
    g_free(st);
}
