/* lib_domain_ops.c: domain lifecycle operations (start, create, destroy,
 * shutdown, reboot, reset, suspend, resume) and domain capabilities.
 *
 * Where libvirt has a procedure without flags and a newer one with flags,
 * the old one is used when @flags is 0 (as virsh does): every daemon knows
 * it, and the answers are identical. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

#define START_FLAGS (VIREO_START_PAUSED | VIREO_START_AUTODESTROY | \
                     VIREO_START_BYPASS_CACHE | VIREO_START_FORCE_BOOT)
#define CREATE_FLAGS (VIREO_START_PAUSED | VIREO_START_AUTODESTROY | \
                      VIREO_START_VALIDATE)
#define SHUTDOWN_FLAGS (VIREO_SHUTDOWN_ACPI_POWER_BTN | \
                        VIREO_SHUTDOWN_GUEST_AGENT | \
                        VIREO_SHUTDOWN_INITCTL | VIREO_SHUTDOWN_SIGNAL | \
                        VIREO_SHUTDOWN_PARAVIRT)

/* A void call taking only the domain. */
static int
domain_call(VireoDomain *dom, int proc)
{
    vr_domain_args args;

    vr_lib_domain_to_wire(dom, &args.dom);
    return vr_lib_call(dom->conn, proc, (xdrproc_t) xdr_vr_domain_args,
                       &args, NULL, NULL);
}

/* A void call taking the domain and flags. */
static int
domain_call_flags(VireoDomain *dom, int proc, unsigned int flags)
{
    vr_domain_flags_args args;

    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = flags;
    return vr_lib_call(dom->conn, proc, (xdrproc_t) xdr_vr_domain_flags_args,
                       &args, NULL, NULL);
}

/* After a start the daemon knows the new id; ask for it like virsh does
 * (LOOKUP_BY_UUID).  Failure leaves the old id (the start did happen). */
static void
domain_refresh_id(VireoDomain *dom)
{
    VireoDomain *fresh = vireo_domain_lookup_by_uuid(dom->conn, dom->uuid);

    if (!fresh) {
        vr_error_reset();
        return;
    }
    dom->id = fresh->id;
    vireo_domain_free(fresh);
}

int
vireo_domain_start(VireoDomain *dom, unsigned int flags)
{
    vr_domain_flags_args args;
    vr_domain_create_with_flags_ret ret;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, START_FLAGS) < 0)
        return -1;
    if (!flags) {
        if (domain_call(dom, VR_PROC_DOMAIN_CREATE) < 0)
            return -1;
        domain_refresh_id(dom);
        return 0;
    }
    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_CREATE_WITH_FLAGS,
                    (xdrproc_t) xdr_vr_domain_flags_args, &args,
                    (xdrproc_t) xdr_vr_domain_create_with_flags_ret,
                    &ret) < 0)
        return -1;
    dom->id = ret.dom.id;
    xdr_free((xdrproc_t) xdr_vr_domain_create_with_flags_ret, (char *) &ret);
    return 0;
}

VireoDomain *
vireo_domain_create_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    vr_domain_create_xml_args args = { .xml_desc = (char *) xml,
                                       .flags = flags };
    vr_domain_create_xml_ret ret;
    VireoDomain *dom;

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, CREATE_FLAGS) < 0)
        return NULL;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_DOMAIN_CREATE_XML,
                    (xdrproc_t) xdr_vr_domain_create_xml_args, &args,
                    (xdrproc_t) xdr_vr_domain_create_xml_ret, &ret) < 0)
        return NULL;
    dom = vr_lib_domain_new(conn, &ret.dom);
    xdr_free((xdrproc_t) xdr_vr_domain_create_xml_ret, (char *) &ret);
    return dom;
}

int
vireo_domain_destroy(VireoDomain *dom, unsigned int flags)
{
    int rc;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_DESTROY_GRACEFUL) < 0)
        return -1;
    if (flags)
        rc = domain_call_flags(dom, VR_PROC_DOMAIN_DESTROY_FLAGS, flags);
    else
        rc = domain_call(dom, VR_PROC_DOMAIN_DESTROY);
    if (rc == 0)
        dom->id = -1;
    return rc;
}

int
vireo_domain_shutdown(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, SHUTDOWN_FLAGS) < 0)
        return -1;
    if (flags)
        return domain_call_flags(dom, VR_PROC_DOMAIN_SHUTDOWN_FLAGS, flags);
    return domain_call(dom, VR_PROC_DOMAIN_SHUTDOWN);
}

int
vireo_domain_reboot(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, SHUTDOWN_FLAGS) < 0)
        return -1;
    return domain_call_flags(dom, VR_PROC_DOMAIN_REBOOT, flags);
}

int
vireo_domain_reset(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    return domain_call_flags(dom, VR_PROC_DOMAIN_RESET, flags);
}

int
vireo_domain_suspend(VireoDomain *dom)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    return domain_call(dom, VR_PROC_DOMAIN_SUSPEND);
}

int
vireo_domain_resume(VireoDomain *dom)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    return domain_call(dom, VR_PROC_DOMAIN_RESUME);
}

char *
vireo_conn_get_domain_capabilities(VireoConn *conn, const char *emulatorbin,
                                   const char *arch, const char *machine,
                                   const char *virttype, unsigned int flags)
{
    char *emu = (char *) emulatorbin;
    char *ar = (char *) arch;
    char *mach = (char *) machine;
    char *vt = (char *) virttype;
    vr_connect_get_domain_capabilities_args args = {
        emu ? &emu : NULL, ar ? &ar : NULL, mach ? &mach : NULL,
        vt ? &vt : NULL, flags,
    };
    vr_connect_get_domain_capabilities_ret ret = { 0 };
    char *res;

    VR_LIB_CHECK_CONN(conn, NULL);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return NULL;
    if (vr_lib_call(conn, VR_PROC_CONNECT_GET_DOMAIN_CAPABILITIES,
                    (xdrproc_t) xdr_vr_connect_get_domain_capabilities_args,
                    &args,
                    (xdrproc_t) xdr_vr_connect_get_domain_capabilities_ret,
                    &ret) < 0)
        return NULL;
    res = g_strdup(ret.capabilities);
    xdr_free((xdrproc_t) xdr_vr_connect_get_domain_capabilities_ret,
             (char *) &ret);
    return res;
}
