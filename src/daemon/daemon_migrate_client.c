/* daemon_migrate_client.c: peer-to-peer migration - the source daemon
 * is the client of the destination daemon (FACTS.md section 11, --p2p):
 * a plain RPC connection (rpc_client.h; qemu+unix or qemu+ssh URIs, the
 * ssh transport borrowed from src/rpc/rpc_ssh.c), the handshake, then
 * Prepare and Finish there around our own Begin, Perform and Confirm.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_migrate.h"
#include "rpc/rpc_ssh.h"
#include "rpc/rpc_uri.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

/* A connection to the destination daemon. */
typedef struct {
    VrRpcConn *rpc;
    VrRpcSsh *ssh;
} PeerConn;

static void
peer_close(PeerConn *peer)
{
    if (peer->rpc && vr_rpc_conn_is_alive(peer->rpc))
        vr_rpc_conn_call(peer->rpc, VR_PROGRAM, VR_PROTOCOL_VERSION,
                         VR_PROC_CONNECT_CLOSE, NULL, NULL, NULL, NULL);
    vr_error_reset();
    g_clear_pointer(&peer->rpc, vr_rpc_conn_free);
    g_clear_pointer(&peer->ssh, vr_rpc_ssh_free);
}

static int
peer_call(PeerConn *peer, int proc, xdrproc_t af, void *a, xdrproc_t rf,
          void *r)
{
    return vr_rpc_conn_call(peer->rpc, VR_PROGRAM, VR_PROTOCOL_VERSION, proc,
                            af, a, rf, r);
}

/* Connect and open @dconnuri; -1 reported (prefixed with the URI). */
static int
peer_open(PeerConn *peer, const char *dconnuri)
{
    g_autoptr(VrRpcUri) uri = vr_rpc_uri_parse(dconnuri, false);
    vr_connect_open_args open_args = { 0 };
    char *name;

    if (!uri)
        return -1;
    if (uri->transport && g_str_equal(uri->transport, "ssh"))
        peer->rpc = vr_rpc_ssh_open(uri, &peer->ssh);
    else
        peer->rpc = vr_rpc_conn_open_unix(uri->socket);
    if (!peer->rpc)
        goto fail;
    name = uri->open_name;
    open_args.name = &name;
    if (peer_call(peer, VR_PROC_CONNECT_OPEN,
                  (xdrproc_t) xdr_vr_connect_open_args, &open_args,
                  NULL, NULL) < 0) {
        if (peer->ssh)
            vr_rpc_ssh_explain(peer->ssh);
        goto fail;
    }
    return 0;
 fail:
    vr_error_prefix("cannot reach the destination '%s'", dconnuri);
    return -1;
}

/* Remote Prepare: *cookie and *uri owned. */
static int
remote_prepare(PeerConn *peer, const QemuMigrateParams *params,
               const char *cookie_in, unsigned int flags, char **cookie,
               char **uri)
{
    vr_domain_migrate_prepare3_params_args a = { 0 };
    vr_domain_migrate_prepare3_params_ret r = { 0 };
    int rc;

    daemon_migrate_params_build(params, &a.params.params_val,
                                &a.params.params_len);
    a.cookie_in.cookie_in_val = (char *) cookie_in;
    a.cookie_in.cookie_in_len = cookie_in ? strlen(cookie_in) : 0;
    a.flags = flags;
    rc = peer_call(peer, VR_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
                   (xdrproc_t) xdr_vr_domain_migrate_prepare3_params_args, &a,
                   (xdrproc_t) xdr_vr_domain_migrate_prepare3_params_ret, &r);
    daemon_typed_params_free(a.params.params_val, a.params.params_len);
    if (rc < 0)
        return -1;
    *cookie = g_strndup(r.cookie_out.cookie_out_val,
                        r.cookie_out.cookie_out_len);
    *uri = r.uri_out ? g_strdup(*r.uri_out) : NULL;
    xdr_free((xdrproc_t) xdr_vr_domain_migrate_prepare3_params_ret,
             (char *) &r);
    return 0;
}

/* Remote Finish: *cookie (owned) for Confirm - it brings the
 * destination's job figures. */
static int
remote_finish(PeerConn *peer, const QemuMigrateParams *params,
              const char *cookie_in, unsigned int flags, bool cancelled,
              char **cookie)
{
    vr_domain_migrate_finish3_params_args a = { 0 };
    vr_domain_migrate_finish3_params_ret r = { 0 };
    int rc;

    daemon_migrate_params_build(params, &a.params.params_val,
                                &a.params.params_len);
    a.cookie_in.cookie_in_val = (char *) cookie_in;
    a.cookie_in.cookie_in_len = cookie_in ? strlen(cookie_in) : 0;
    a.flags = flags;
    a.cancelled = cancelled;
    rc = peer_call(peer, VR_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS,
                   (xdrproc_t) xdr_vr_domain_migrate_finish3_params_args, &a,
                   (xdrproc_t) xdr_vr_domain_migrate_finish3_params_ret, &r);
    daemon_typed_params_free(a.params.params_val, a.params.params_len);
    if (rc == 0) {
        *cookie = g_strndup(r.cookie_out.cookie_out_val,
                            r.cookie_out.cookie_out_len);
        xdr_free((xdrproc_t) xdr_vr_domain_migrate_finish3_params_ret,
                 (char *) &r);
    }
    return rc;
}

/* Prepare there, Perform here, Finish there.  Returns 0 or -1 (the
 * first error kept); *finish_cookie (owned) goes to Confirm. */
static int
run_steps(QemuDriver *drv, PeerConn *peer, const QemuDomainRef *dom,
          const QemuMigrateParams *params, const char *xml,
          const char *begin_cookie, unsigned int flags, char **finish_cookie)
{
    QemuMigrateParams p = *params;
    g_autofree char *prep_cookie = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *perf_cookie = NULL;
    g_autoptr(VrError) err = NULL;
    int rc;

    p.dxml = xml;
    if (remote_prepare(peer, &p, begin_cookie, flags, &prep_cookie,
                       &uri) < 0)
        return -1;
    if (uri)
        p.uri = uri;
    rc = qemu_migration_perform(drv, dom, &p, prep_cookie, flags,
                                &perf_cookie);
    if (rc < 0)
        err = vr_error_copy_last();
    if (remote_finish(peer, &p, perf_cookie, flags, rc < 0,
                      finish_cookie) < 0 && rc == 0) {
        err = vr_error_copy_last();
        rc = -1;
    }
    if (err)
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
    return rc;
}

int
daemon_migrate_p2p(QemuDriver *drv, const QemuDomainRef *dom,
                   const char *dconnuri, const QemuMigrateParams *params,
                   unsigned int flags)
{
    PeerConn peer = { 0 };
    g_autofree char *cookie = NULL;
    g_autofree char *finish_cookie = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(VrError) err = NULL;
    int rc = -1;

    VR_INFO("domain '%s': peer-to-peer migration to %s", dom->name,
            dconnuri);
    if (!(xml = qemu_migration_begin(drv, dom, params, flags, &cookie)))
        return -1;
    if (peer_open(&peer, dconnuri) == 0)
        rc = run_steps(drv, &peer, dom, params, xml, cookie, flags,
                       &finish_cookie);
    if (rc < 0)
        err = vr_error_copy_last();
    peer_close(&peer);
    if (qemu_migration_confirm(drv, dom, finish_cookie, flags, rc < 0) < 0 &&
        rc == 0) {
        err = vr_error_copy_last();
        rc = -1;
    }
    if (err)
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
    return rc;
}
