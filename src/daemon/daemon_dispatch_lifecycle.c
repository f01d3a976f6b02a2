/* daemon_dispatch_lifecycle.c: running domains (FACTS.md "Domain
 * lifecycle"): start/create, destroy, shutdown, reboot, reset, suspend,
 * resume, plus domcapabilities.  XDR in, one QEMU driver call, XDR out.
 *
 * Autodestroy: a start or create with flag 2 registers the domain with
 * the session's DaemonClient as owner; the session close hook asks the
 * driver to destroy what that owner still has (daemon_dispatch_connect.c).
 */
#include <config.h>

#include "daemon/daemon_dispatch_priv.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "util/vr_error.h"

/* The owner key for autodestroy domains: the session's client state,
 * marked so that the close hook asks the driver to clean up. */
static const void *
autodestroy_owner(VrRpcSession *sess)
{
    DaemonClient *client = vr_rpc_session_get_private(sess);

    g_atomic_int_set(&client->autodestroy, 1);
    return client;
}

/* Start @dom (flags checked by the driver); autodestroy ties it to the
 * session.  Fills @out.  Returns 0 or -1 (reported). */
static int
start_domain(VrRpcSession *sess, const vr_nonnull_domain *dom,
             unsigned int flags, QemuDomainRef *out)
{
    QemuDriver *drv = daemon_client_driver(sess);
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainCreateWithFlags") < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    if (flags & QEMU_START_AUTODESTROY)
        return qemu_domain_start_owned(drv, &ref, flags, autodestroy_owner(sess),
                                       out);
    return qemu_domain_start(drv, &ref, flags, out);
}

DAEMON_HANDLER(domain_create)
{
    const vr_domain_args *a = args;
    QemuDomainRef out = { 0 };
    int rc = start_domain(sess, &a->dom, 0, &out);

    /* The client follows with LOOKUP_BY_UUID: the driver has set the id
     * before returning (FACTS.md section 13, item 13). */
    qemu_domain_ref_clear(&out);
    return rc;
}

DAEMON_HANDLER(domain_create_with_flags)
{
    const vr_domain_flags_args *a = args;
    vr_domain_create_with_flags_ret *r = ret;
    QemuDomainRef out = { 0 };

    if (start_domain(sess, &a->dom, a->flags, &out) < 0) {
        qemu_domain_ref_clear(&out);
        return -1;
    }
    daemon_dom_to_wire(&r->dom, &out);
    return 0;
}

DAEMON_HANDLER(domain_create_xml)
{
    const vr_domain_create_xml_args *a = args;
    vr_domain_create_xml_ret *r = ret;
    QemuDriver *drv = daemon_client_driver(sess);
    QemuDomainRef out = { 0 };
    int rc;

    if (daemon_client_check_write(sess, "virDomainCreateXML") < 0)
        return -1;
    if (a->flags & QEMU_START_AUTODESTROY)
        rc = qemu_domain_create_xml_owned(drv, a->xml_desc, a->flags,
                                          autodestroy_owner(sess), &out);
    else
        rc = qemu_domain_create_xml(drv, a->xml_desc, a->flags, &out);
    if (rc < 0) {
        qemu_domain_ref_clear(&out);
        return -1;
    }
    daemon_dom_to_wire(&r->dom, &out);
    return 0;
}

/* The common shape of the "domain (+ flags) -> void" calls. */
typedef int (*DomFlagsOp)(QemuDriver *drv, const QemuDomainRef *dom,
                          unsigned int flags);

static int
dom_op(VrRpcSession *sess, const char *api, const vr_nonnull_domain *dom,
       DomFlagsOp op, unsigned int flags)
{
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, api) < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    return op(daemon_client_driver(sess), &ref, flags);
}

DAEMON_HANDLER(domain_destroy)
{
    const vr_domain_args *a = args;

    return dom_op(sess, "virDomainDestroy", &a->dom, qemu_domain_destroy, 0);
}

DAEMON_HANDLER(domain_destroy_flags)
{
    const vr_domain_flags_args *a = args;

    return dom_op(sess, "virDomainDestroyFlags", &a->dom,
                  qemu_domain_destroy, a->flags);
}

DAEMON_HANDLER(domain_shutdown)
{
    const vr_domain_args *a = args;

    return dom_op(sess, "virDomainShutdown", &a->dom, qemu_domain_shutdown,
                  0);
}

DAEMON_HANDLER(domain_shutdown_flags)
{
    const vr_domain_flags_args *a = args;

    return dom_op(sess, "virDomainShutdownFlags", &a->dom,
                  qemu_domain_shutdown, a->flags);
}

DAEMON_HANDLER(domain_reboot)
{
    const vr_domain_flags_args *a = args;

    return dom_op(sess, "virDomainReboot", &a->dom, qemu_domain_reboot,
                  a->flags);
}

DAEMON_HANDLER(domain_reset)
{
    const vr_domain_flags_args *a = args;

    return dom_op(sess, "virDomainReset", &a->dom, qemu_domain_reset,
                  a->flags);
}

DAEMON_HANDLER(domain_suspend)
{
    const vr_domain_args *a = args;
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainSuspend") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_domain_suspend(daemon_client_driver(sess), &ref);
}

DAEMON_HANDLER(domain_resume)
{
    const vr_domain_args *a = args;
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainResume") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_domain_resume(daemon_client_driver(sess), &ref);
}

DAEMON_HANDLER(connect_get_domain_capabilities)
{
    const vr_connect_get_domain_capabilities_args *a = args;
    vr_connect_get_domain_capabilities_ret *r = ret;

#define OPT(s) ((s) ? *(s) : NULL)
    r->capabilities = qemu_driver_get_domcaps(daemon_client_driver(sess),
                                              OPT(a->emulatorbin),
                                              OPT(a->arch), OPT(a->machine),
                                              OPT(a->virttype), a->flags);
#undef OPT
    return r->capabilities ? 0 : -1;
}
