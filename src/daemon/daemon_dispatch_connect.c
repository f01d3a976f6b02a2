/* daemon_dispatch_connect.c: handshake, connection and host procedures
 * (FACTS.md section 5 and the "Connection, handshake, host information"
 * table), plus the per-client state.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_console.h"
#include "daemon/daemon_dispatch_priv.h"
#include "daemon/daemon_events.h"
#include "daemon/daemon_polkit.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

/* CONNECT_SUPPORTS_FEATURE numbers we answer with 1. */
enum {
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
};

void
daemon_context_init(DaemonContext *ctx)
{
    ctx->events = daemon_events_new();
    ctx->consoles = daemon_consoles_new();
    g_mutex_init(&ctx->bg_lock);
    g_cond_init(&ctx->bg_cond);
    if (ctx->qemu)
        qemu_driver_set_event_callback(ctx->qemu, daemon_events_broadcast,
                                       ctx->events);
    if (ctx->net)
        net_driver_set_event_callback(ctx->net,
                                      daemon_events_broadcast_network,
                                      ctx->events);
    if (ctx->storage)
        storage_driver_set_event_callback(ctx->storage,
                                          daemon_events_broadcast_storage,
                                          ctx->events);
}

void
daemon_context_clear(DaemonContext *ctx)
{
    if (ctx->qemu)
        qemu_driver_set_event_callback(ctx->qemu, NULL, NULL);
    if (ctx->net)
        net_driver_set_event_callback(ctx->net, NULL, NULL);
    if (ctx->storage)
        storage_driver_set_event_callback(ctx->storage, NULL, NULL);
    g_clear_pointer(&ctx->events, daemon_events_free);
    g_clear_pointer(&ctx->consoles, daemon_consoles_free);
    g_mutex_clear(&ctx->bg_lock);
    g_cond_clear(&ctx->bg_cond);
}

void *
daemon_session_open(VrRpcSession *sess, void *opaque)
{
    DaemonClient *client = g_new0(DaemonClient, 1);

    client->ctx = opaque;
    if ((vr_rpc_session_is_readonly(sess) ? client->ctx->auth_ro
                                          : client->ctx->auth_rw) ==
        DAEMON_AUTH_POLKIT)
        client->auth_pending = 1;
    if (client->ctx->events)
        daemon_events_add_session(client->ctx->events, sess);
    return client;
}

/* Autodestroy runs on its own thread: destroying may wait for QEMU, whose
 * monitor is served by the main thread that runs the close hook. */
static gpointer
autodestroy_thread(gpointer data)
{
    DaemonClient *client = data;
    DaemonContext *ctx = client->ctx;

    qemu_driver_autodestroy_session(ctx->qemu, client);
    g_free(client);      /* the owner key stays unique until now */
    g_mutex_lock(&ctx->bg_lock);
    ctx->bg_running--;
    g_cond_broadcast(&ctx->bg_cond);
    g_mutex_unlock(&ctx->bg_lock);
    return NULL;
}

void
daemon_session_close(VrRpcSession *sess, void *priv, void *opaque)
{
    DaemonClient *client = priv;
    DaemonContext *ctx = client->ctx;

    if (ctx->events)
        daemon_events_remove_session(ctx->events, sess);
    if (!ctx->qemu || !g_atomic_int_get(&client->autodestroy)) {
        g_free(client);
        return;
    }
    g_mutex_lock(&ctx->bg_lock);
    ctx->bg_running++;
    g_mutex_unlock(&ctx->bg_lock);
    g_thread_unref(g_thread_new("vr-autodestroy", autodestroy_thread,
                                client));
}

static gboolean
wake_only(gpointer data)
{
    return G_SOURCE_CONTINUE;
}

void
daemon_context_wait_background(DaemonContext *ctx, unsigned int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
    GSource *tick = g_timeout_source_new(20);
    bool busy = true;

    g_source_set_callback(tick, wake_only, NULL, NULL);
    g_source_attach(tick, NULL);
    while (busy && g_get_monotonic_time() < deadline) {
        g_mutex_lock(&ctx->bg_lock);
        busy = ctx->bg_running > 0;
        g_mutex_unlock(&ctx->bg_lock);
        if (busy)
            g_main_context_iteration(NULL, TRUE);
    }
    if (busy)
        VR_WARN("autodestroy of closed sessions still running at exit");
    g_source_destroy(tick);
    g_source_unref(tick);
}

DaemonContext *
daemon_client_context(VrRpcSession *sess)
{
    DaemonClient *client = vr_rpc_session_get_private(sess);

    return client->ctx;
}

QemuDriver *
daemon_client_driver(VrRpcSession *sess)
{
    return daemon_client_context(sess)->qemu;
}

int
daemon_client_check_write_from(VrRpcSession *sess, const char *api,
                               int from)
{
    DaemonClient *client = vr_rpc_session_get_private(sess);

    if (g_atomic_int_get(&client->readonly)) {
        pid_t pid;
        uid_t uid;

        vr_rpc_session_get_peer(sess, &pid, &uid, NULL);
        VR_WARN("refused %s to uid %u pid %d: read-only connection", api,
                (unsigned) uid, (int) pid);
        vr_error_report(VR_ERR_OPERATION_DENIED, from,
                        "read only access prevents %s", api);
        return -1;
    }
    return 0;
}

int
daemon_client_check_write(VrRpcSession *sess, const char *api)
{
    return daemon_client_check_write_from(sess, api, VR_FROM_DOMAIN);
}

int
daemon_session_check_auth(VrRpcSession *sess, const VrRpcProcedure *proc,
                          void *opaque)
{
    DaemonClient *client = vr_rpc_session_get_private(sess);
    pid_t pid;
    uid_t uid;

    if (!client || !g_atomic_int_get(&client->auth_pending) ||
        proc->proc == VR_PROC_AUTH_LIST || proc->proc == VR_PROC_AUTH_POLKIT)
        return 0;
    vr_rpc_session_get_peer(sess, &pid, &uid, NULL);
    VR_WARN("refused %s to uid %u pid %d: authentication required",
            proc->name ? proc->name : "a call", (unsigned) uid, (int) pid);
    vr_error_report(VR_ERR_RPC, VR_FROM_RPC, "authentication required");
    return -1;
}

DAEMON_HANDLER(auth_list)
{
    DaemonClient *client = vr_rpc_session_get_private(sess);
    vr_auth_list_ret *r = ret;

    /* "none" (0) once a client passed (or needs no) polkit check:
     * socket permissions are then the access control; else polkit (2). */
    r->types.types_len = 1;
    r->types.types_val = g_new0(int, 1);
    if (g_atomic_int_get(&client->auth_pending))
        r->types.types_val[0] = DAEMON_AUTH_POLKIT;
    return 0;
}

DAEMON_HANDLER(auth_polkit)
{
    DaemonClient *client = vr_rpc_session_get_private(sess);
    vr_auth_polkit_ret *r = ret;
    const char *action = vr_rpc_session_is_readonly(sess) ?
        DAEMON_POLKIT_ACTION_MONITOR : DAEMON_POLKIT_ACTION_MANAGE;
    pid_t pid;
    uid_t uid;

    r->complete = 1;
    if (!g_atomic_int_get(&client->auth_pending))
        return 0;           /* nothing to check (libvirtd says the same) */
    vr_rpc_session_get_peer(sess, &pid, &uid, NULL);
    if (daemon_polkit_check(pid, uid, action) < 0) {
        VR_WARN("refused AUTH_POLKIT to uid %u pid %d: %s", (unsigned) uid,
                (int) pid, vr_error_message());
        return -1;
    }
    VR_INFO("polkit allowed %s to uid %u pid %d", action, (unsigned) uid,
            (int) pid);
    g_atomic_int_set(&client->auth_pending, 0);
    return 0;
}

DAEMON_HANDLER(connect_supports_feature)
{
    const vr_connect_supports_feature_args *a = args;
    vr_connect_supports_feature_ret *r = ret;

    switch (a->feature) {
    case FEATURE_PROGRAM_KEEPALIVE:
        vr_rpc_session_start_keepalive(sess);
        r->supported = 1;
        break;
    case FEATURE_TYPED_PARAM_STRING:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
    case FEATURE_REMOTE_EVENT_CALLBACK:   /* 316/317 + 318/319 messages */
    case FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:  /* net_update's order */
    case 4:     /* MIGRATION_P2P: PERFORM3_PARAMS with dconnuri */
    case 6:     /* MIGRATION_V3 */
    case 7:     /* MIGRATE_CHANGE_PROTECTION */
    case 11:    /* XML_MIGRATABLE */
    case 12:    /* MIGRATION_OFFLINE */
    case 13:    /* MIGRATION_PARAMS: 302-307 (daemon_dispatch_migrate.c) */
        r->supported = 1;
        break;
    default:
        r->supported = 0;
        break;
    }
    return 0;
}

/* Is @name a URI this daemon serves?  Absent or empty names pick us (the
 * default driver).  Returns 0 or -1 (reported). */
static int
check_uri(const char *name)
{
    g_autofree char *scheme = NULL;
    g_autofree char *path = NULL;

    if (!name || !*name)
        return 0;
    if (!g_uri_split(name, G_URI_FLAGS_NONE, &scheme, NULL, NULL, NULL,
                     &path, NULL, NULL, NULL) || !scheme ||
        (g_ascii_strcasecmp(scheme, "qemu") != 0 &&
         !g_str_has_prefix(scheme, "qemu+"))) {
        vr_error_report(VR_ERR_NO_CONNECT, VR_FROM_NONE, "%s", name);
        return -1;
    }
    if (!g_str_equal(path, "/system") && !g_str_equal(path, "/session")) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "unexpected QEMU URI path '%s', try qemu:///system",
                        path);
        return -1;
    }
    return 0;
}

DAEMON_HANDLER(connect_open)
{
    const vr_connect_open_args *a = args;
    DaemonClient *client = vr_rpc_session_get_private(sess);
    const char *name = a->name ? *a->name : NULL;

    if (vr_rpc_session_is_open(sess)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "connection already open");
        return -1;
    }
    if (check_uri(name) < 0)
        return -1;
    /* Bit 0 is VIR_CONNECT_RO; the other bits are client-internal. */
    if (a->flags & 1)
        g_atomic_int_set(&client->readonly, 1);
    vr_rpc_session_set_open(sess);
    VR_DEBUG("connection opened (uri '%s', flags 0x%x)", name ? name : "",
             a->flags);
    return 0;
}

DAEMON_HANDLER(connect_close)
{
    vr_rpc_session_close_after_reply(sess);
    return 0;
}

DAEMON_HANDLER(connect_close_callback)
{
    /* 360/361: we never close a connection on our own with a reason to
     * report yet, so (un)registering has nothing to record. */
    return 0;
}

DAEMON_HANDLER(connect_get_uri)
{
    vr_connect_get_uri_ret *r = ret;

    r->uri = g_strdup(daemon_client_context(sess)->privileged ?
                      "qemu:///system" : "qemu:///session");
    return 0;
}

DAEMON_HANDLER(connect_get_type)
{
    vr_connect_get_type_ret *r = ret;

    r->type = g_strdup("QEMU");
    return 0;
}

DAEMON_HANDLER(connect_get_version)
{
    vr_connect_get_version_ret *r = ret;
    QemuHost *host = qemu_driver_get_host(daemon_client_driver(sess));

    r->hv_ver = qemu_host_get_qemu_version(host);
    return 0;
}

DAEMON_HANDLER(connect_get_lib_version)
{
    vr_connect_get_lib_version_ret *r = ret;
    unsigned int major = 0, minor = 0, micro = 0;

    /* Vireo's own version, in libvirt's number format. */
    if (sscanf(PACKAGE_VERSION, "%u.%u.%u", &major, &minor, &micro) < 2)
        major = minor = micro = 0;
    r->lib_ver = major * 1000000ULL + minor * 1000ULL + micro;
    return 0;
}

DAEMON_HANDLER(connect_get_hostname)
{
    vr_connect_get_hostname_ret *r = ret;

    r->hostname = qemu_host_get_hostname();
    return r->hostname ? 0 : -1;
}

DAEMON_HANDLER(connect_get_capabilities)
{
    vr_connect_get_capabilities_ret *r = ret;
    QemuHost *host = qemu_driver_get_host(daemon_client_driver(sess));

    r->capabilities = qemu_host_get_capabilities(host);
    return r->capabilities ? 0 : -1;
}

DAEMON_HANDLER(connect_get_max_vcpus)
{
    const vr_connect_get_max_vcpus_args *a = args;
    vr_connect_get_max_vcpus_ret *r = ret;

    r->max_vcpus = qemu_host_get_max_vcpus(a->type ? *a->type : NULL);
    return r->max_vcpus < 0 ? -1 : 0;
}

DAEMON_HANDLER(connect_is_secure)
{
    vr_connect_is_secure_ret *r = ret;

    /* UNIX sockets only: nothing travels over a network. */
    r->secure = 1;
    return 0;
}

DAEMON_HANDLER(node_get_info)
{
    vr_node_get_info_ret *r = ret;
    QemuNodeInfo info;

    if (qemu_host_get_node_info(&info) < 0)
        return -1;
    memcpy(r->model, info.model, sizeof(r->model));
    r->memory = info.memory_kib;
    r->cpus = info.cpus;
    r->mhz = info.mhz;
    r->nodes = info.nodes;
    r->sockets = info.sockets;
    r->cores = info.cores;
    r->threads = info.threads;
    return 0;
}

DAEMON_HANDLER(node_get_free_memory)
{
    vr_node_get_free_memory_ret *r = ret;
    unsigned long long bytes;

    if (qemu_host_get_free_memory(&bytes) < 0)
        return -1;
    r->free_mem = bytes;
    return 0;
}

DAEMON_HANDLER(node_get_security_model)
{
    vr_node_get_security_model_ret *r = ret;

    /* char<N> arrays carry the terminating NUL, as libvirtd sends them. */
    r->model.model_len = sizeof(QEMU_SECURITY_MODEL);
    r->model.model_val = g_memdup2(QEMU_SECURITY_MODEL,
                                   sizeof(QEMU_SECURITY_MODEL));
    r->doi.doi_len = sizeof(QEMU_SECURITY_DOI);
    r->doi.doi_val = g_memdup2(QEMU_SECURITY_DOI, sizeof(QEMU_SECURITY_DOI));
    return 0;
}
