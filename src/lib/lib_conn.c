/* lib_conn.c: opening and closing connections, host information. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "lib/lib_internal.h"
#include "lib/lib_session.h"
#include "rpc/rpc_ssh.h"
#include "rpc/rpc_uri.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define VR_FEATURE_PROGRAM_KEEPALIVE 10
#define VR_KEEPALIVE_INTERVAL 5      /* seconds, as virsh */
#define VR_KEEPALIVE_COUNT 6
#define VR_KEEPALIVE_COUNT_SSH 3     /* a dead link is noticed in ~20 s */

VireoConn *
vr_lib_conn_ref(VireoConn *conn)
{
    g_atomic_ref_count_inc(&conn->ref);
    return conn;
}

void
vr_lib_conn_unref(VireoConn *conn)
{
    if (!conn || !g_atomic_ref_count_dec(&conn->ref))
        return;
    vr_rpc_conn_free(conn->rpc);
    vr_rpc_ssh_free(conn->ssh);     /* after its connection: ssh sees EOF */
    vr_lib_async_shutdown(conn);
    vr_lib_async_fini(conn);
    g_rw_lock_clear(&conn->lock);
    g_free(conn->uri);
    g_free(conn);
}

int
vr_lib_call(VireoConn *conn, int proc, xdrproc_t args_filter, void *args,
            xdrproc_t ret_filter, void *ret)
{
    int rc;

    g_rw_lock_reader_lock(&conn->lock);
    if (!conn->rpc) {
        g_rw_lock_reader_unlock(&conn->lock);
        vr_error_report(VR_ERR_INVALID_CONN, VR_FROM_RPC,
                        "connection to '%s' is closed", conn->uri);
        return -1;
    }
    rc = vr_rpc_conn_call(conn->rpc, VR_PROGRAM, VR_PROTOCOL_VERSION, proc,
                          args_filter, args, ret_filter, ret);
    g_rw_lock_reader_unlock(&conn->lock);
    return rc;
}

VrRpcConnStream *
vr_lib_stream_open(VireoConn *conn, int proc, xdrproc_t args_filter,
                   void *args)
{
    VrRpcConnStream *st;

    g_rw_lock_reader_lock(&conn->lock);
    if (!conn->rpc) {
        g_rw_lock_reader_unlock(&conn->lock);
        vr_error_report(VR_ERR_INVALID_CONN, VR_FROM_RPC,
                        "connection to '%s' is closed", conn->uri);
        return NULL;
    }
    st = vr_rpc_conn_stream_open(conn->rpc, VR_PROGRAM, VR_PROTOCOL_VERSION,
                                 proc, args_filter, args, NULL, NULL);
    g_rw_lock_reader_unlock(&conn->lock);
    return st;
}

/* AUTH_POLKIT: the daemon asks polkit about our process. */
static int
conn_auth_polkit(VireoConn *conn)
{
    vr_auth_polkit_ret ret = { 0 };

    return vr_lib_call(conn, VR_PROC_AUTH_POLKIT, NULL, NULL,
                       (xdrproc_t) xdr_vr_auth_polkit_ret, &ret);
}

/* AUTH_LIST: "none" (0) or polkit (2) are supported.  A daemon that does
 * not know the procedure needs no authentication either. */
static int
conn_check_auth(VireoConn *conn)
{
    vr_auth_list_ret ret = { 0 };
    bool none = false;
    bool polkit = false;
    int first;

    if (vr_lib_call(conn, VR_PROC_AUTH_LIST, NULL, NULL,
                    (xdrproc_t) xdr_vr_auth_list_ret, &ret) < 0) {
        if (vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        vr_error_reset();
        return 0;
    }
    for (u_int i = 0; i < ret.types.types_len; i++) {
        none |= ret.types.types_val[i] == 0;
        polkit |= ret.types.types_val[i] == 2;
    }
    first = ret.types.types_len ? ret.types.types_val[0] : 0;
    none |= ret.types.types_len == 0;
    xdr_free((xdrproc_t) xdr_vr_auth_list_ret, (char *) &ret);
    if (none)
        return 0;
    if (polkit)
        return conn_auth_polkit(conn);
    vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_REMOTE,
                    "the daemon requires an authentication method "
                    "(type %d) libvireo does not support", first);
    return -1;
}

/* Feature probe; an unknown procedure means "not supported" (0). */
static int
conn_supports_feature(VireoConn *conn, int feature)
{
    vr_connect_supports_feature_args args = { .feature = feature };
    vr_connect_supports_feature_ret ret = { 0 };

    if (vr_lib_call(conn, VR_PROC_CONNECT_SUPPORTS_FEATURE,
                    (xdrproc_t) xdr_vr_connect_supports_feature_args, &args,
                    (xdrproc_t) xdr_vr_connect_supports_feature_ret,
                    &ret) < 0) {
        if (vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        vr_error_reset();
        return 0;
    }
    return ret.supported ? 1 : 0;
}

/* The handshake, in the order virsh uses (FACTS.md 5.1). */
static int
conn_handshake(VireoConn *conn, const VrRpcUri *uri, unsigned int flags)
{
    vr_connect_open_args args = { 0 };
    char *name = uri->open_name;
    int keepalive;

    if (conn_check_auth(conn) < 0)
        return -1;
    if ((keepalive = conn_supports_feature(conn,
                                           VR_FEATURE_PROGRAM_KEEPALIVE)) < 0)
        return -1;
    if (keepalive)
        vr_rpc_conn_set_keepalive(conn->rpc, VR_KEEPALIVE_INTERVAL,
                                  conn->ssh ? VR_KEEPALIVE_COUNT_SSH
                                            : VR_KEEPALIVE_COUNT);
    args.name = &name;
    args.flags = (flags & VIREO_CONN_READONLY) ? 1 : 0;
    return vr_lib_call(conn, VR_PROC_CONNECT_OPEN,
                       (xdrproc_t) xdr_vr_connect_open_args, &args,
                       NULL, NULL);
}

/* A library must not chatter on its caller's stderr: log errors only,
 * unless $VIREO_DEBUG names a level (1 debug .. 4 error). */
static void
lib_log_init_once(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        const char *env = g_getenv("VIREO_DEBUG");
        int level = env ? atoi(env) : VR_LOG_ERROR;

        if (level < VR_LOG_DEBUG || level > VR_LOG_ERROR)
            level = VR_LOG_ERROR;
        vr_log_setup(level, NULL);
        g_once_init_leave(&done, 1);
    }
}

VireoConn *
vireo_conn_open(const char *uri, unsigned int flags)
{
    g_autoptr(VrRpcUri) parsed = NULL;
    VireoConn *conn;

    vr_error_reset();
    lib_log_init_once();
    if (VR_CHECK_FLAGS(flags, VIREO_CONN_READONLY) < 0)
        return NULL;
    if (!(parsed = vr_rpc_uri_parse(uri, flags & VIREO_CONN_READONLY)))
        return NULL;
    conn = g_new0(VireoConn, 1);
    g_atomic_ref_count_init(&conn->ref);
    g_rw_lock_init(&conn->lock);
    conn->uri = g_strdup(parsed->uri);
    conn->readonly = flags & VIREO_CONN_READONLY;
    vr_lib_async_init(conn);
    if (parsed->host)
        conn->rpc = vr_rpc_ssh_open(parsed, &conn->ssh);
    else if (vr_lib_session_ensure(parsed) == 0)
        conn->rpc = vr_rpc_conn_open_unix(parsed->socket);
    if (conn->rpc)
        vr_rpc_conn_set_async_handler(conn->rpc, vr_lib_async_frame, conn);
    if (!conn->rpc || conn_handshake(conn, parsed, flags) < 0) {
        if (conn->ssh)
            vr_rpc_ssh_explain(conn->ssh);   /* why ssh failed, if it did */
        vr_lib_conn_unref(conn);
        return NULL;
    }
    return conn;
}

int
vireo_conn_close(VireoConn *conn)
{
    VrRpcConn *rpc;
    int rc = 0;

    vr_error_reset();
    if (!conn)
        return 0;
    vr_lib_async_shutdown(conn);
    if (conn->rpc)
        rc = vr_lib_call(conn, VR_PROC_CONNECT_CLOSE, NULL, NULL, NULL, NULL);
    g_rw_lock_writer_lock(&conn->lock);
    rpc = g_steal_pointer(&conn->rpc);
    g_rw_lock_writer_unlock(&conn->lock);
    vr_rpc_conn_free(rpc);
    vr_lib_conn_unref(conn);
    return rc;
}

const char *
vireo_conn_get_uri(VireoConn *conn)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    return conn->uri;
}

int
vireo_conn_is_readonly(VireoConn *conn)
{
    VR_LIB_CHECK_CONN(conn, -1);
    return conn->readonly ? 1 : 0;
}

/* A call without arguments returning one string; NULL on error. */
static char *
conn_get_string(VireoConn *conn, int proc)
{
    vr_nonnull_string str = NULL;
    char *res;

    if (vr_lib_call(conn, proc, NULL, NULL,
                    (xdrproc_t) xdr_vr_nonnull_string, &str) < 0)
        return NULL;
    res = g_strdup(str);
    xdr_free((xdrproc_t) xdr_vr_nonnull_string, (char *) &str);
    return res;
}

char *
vireo_conn_get_type(VireoConn *conn)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    return conn_get_string(conn, VR_PROC_CONNECT_GET_TYPE);
}

char *
vireo_conn_get_hostname(VireoConn *conn)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    return conn_get_string(conn, VR_PROC_CONNECT_GET_HOSTNAME);
}

char *
vireo_conn_get_capabilities(VireoConn *conn)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    return conn_get_string(conn, VR_PROC_CONNECT_GET_CAPABILITIES);
}

/* A call without arguments returning one unsigned hyper. */
static int
conn_get_uhyper(VireoConn *conn, int proc, unsigned long long *out)
{
    u_quad_t val = 0;

    if (vr_lib_call(conn, proc, NULL, NULL, (xdrproc_t) xdr_u_quad_t,
                    &val) < 0)
        return -1;
    *out = val;
    return 0;
}

int
vireo_conn_get_version(VireoConn *conn, unsigned long long *version)
{
    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(version, -1);
    return conn_get_uhyper(conn, VR_PROC_CONNECT_GET_VERSION, version);
}

int
vireo_conn_get_lib_version(VireoConn *conn, unsigned long long *version)
{
    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(version, -1);
    return conn_get_uhyper(conn, VR_PROC_CONNECT_GET_LIB_VERSION, version);
}

int
vireo_node_get_info(VireoConn *conn, VireoNodeInfo *info)
{
    vr_node_get_info_ret ret;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(info, -1);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_NODE_GET_INFO, NULL, NULL,
                    (xdrproc_t) xdr_vr_node_get_info_ret, &ret) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    memcpy(info->model, ret.model, sizeof(info->model) - 1);
    info->memory = ret.memory;
    info->cpus = ret.cpus;
    info->mhz = ret.mhz;
    info->nodes = ret.nodes;
    info->sockets = ret.sockets;
    info->cores = ret.cores;
    info->threads = ret.threads;
    return 0;
}

/* Copy a counted char array (which may or may not count its NUL). */
static void
copy_char_array(char *dst, size_t dstlen, const char *src, u_int len)
{
    size_t n = MIN((size_t) len, dstlen - 1);

    memcpy(dst, src ? src : "", src ? n : 0);
    dst[src ? n : 0] = '\0';
}

int
vireo_node_get_security_model(VireoConn *conn, VireoSecurityModel *model)
{
    vr_node_get_security_model_ret ret;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(model, -1);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_NODE_GET_SECURITY_MODEL, NULL, NULL,
                    (xdrproc_t) xdr_vr_node_get_security_model_ret,
                    &ret) < 0)
        return -1;
    copy_char_array(model->model, sizeof(model->model),
                    ret.model.model_val, ret.model.model_len);
    copy_char_array(model->doi, sizeof(model->doi),
                    ret.doi.doi_val, ret.doi.doi_len);
    xdr_free((xdrproc_t) xdr_vr_node_get_security_model_ret, (char *) &ret);
    return 0;
}
