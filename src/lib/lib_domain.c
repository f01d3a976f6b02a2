/* lib_domain.c: the domain kind (lib_object.h), and on it domain lookup,
 * listing, definitions and XML. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "lib/lib_object.h"
#include "util/vr_error.h"

#define VR_LIST_ALL_FLAGS ((1u << 14) - 1)
#define DOM (&vr_lib_kind_domain)

VireoDomain *
vr_lib_domain_new(VireoConn *conn, const vr_nonnull_domain *wire)
{
    VireoDomain *dom = g_new0(VireoDomain, 1);

    dom->conn = vr_lib_conn_ref(conn);
    dom->name = g_strdup(wire->name);
    memcpy(dom->uuid, wire->uuid, VIREO_UUID_BUFLEN);
    dom->id = wire->id;
    return dom;
}

void
vr_lib_domain_to_wire(const VireoDomain *dom, vr_nonnull_domain *wire)
{
    wire->name = dom->name;
    memcpy(wire->uuid, dom->uuid, VIREO_UUID_BUFLEN);
    wire->id = dom->id;
}

static void *
domain_new(VireoConn *conn, const void *wire)
{
    return vr_lib_domain_new(conn, wire);
}

static void
domain_to_wire(const void *dom, void *wire)
{
    vr_lib_domain_to_wire(dom, wire);
}

/* Domains keep the check of lib_error.c (VR_ERR_INVALID_DOMAIN). */
static bool
domain_check(const void *dom, const char *func)
{
    return vr_lib_check_domain((VireoDomain *) dom, func);
}

const VrLibKind vr_lib_kind_domain = {
    .noun = "domain",
    .invalid_code = VR_ERR_INVALID_DOMAIN,
    .err_from = VR_FROM_DOMAIN,
    .no_such_code = VR_ERR_NO_DOMAIN,
    .wire_filter = (xdrproc_t) xdr_vr_nonnull_domain,
    .wire_size = sizeof(vr_nonnull_domain),
    .list_max = VR_DOMAIN_LIST_MAX,
    .new_handle = domain_new,
    .to_wire = domain_to_wire,
    .free_handle = (GDestroyNotify) vireo_domain_free,
    .check = domain_check,
};

void
vireo_domain_free(VireoDomain *dom)
{
    if (!dom)
        return;
    vr_lib_conn_unref(dom->conn);
    g_free(dom->name);
    g_free(dom);
}

void
vireo_domain_list_free(VireoDomain **domains)
{
    vr_lib_obj_list_free(DOM, (void **) domains);
}

VireoDomain *
vireo_domain_lookup_by_name(VireoConn *conn, const char *name)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    return vr_lib_obj_lookup_name(conn, DOM, VR_PROC_DOMAIN_LOOKUP_BY_NAME,
                                  name);
}

VireoDomain *
vireo_domain_lookup_by_id(VireoConn *conn, int id)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    return vr_lib_obj_call(conn, DOM, VR_PROC_DOMAIN_LOOKUP_BY_ID,
                           (xdrproc_t) xdr_int, &id);
}

VireoDomain *
vireo_domain_lookup_by_uuid(VireoConn *conn, const unsigned char *uuid)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    return vr_lib_obj_lookup_uuid(conn, DOM, VR_PROC_DOMAIN_LOOKUP_BY_UUID,
                                  uuid);
}

VireoDomain *
vireo_domain_lookup_by_uuid_string(VireoConn *conn, const char *uuidstr)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuidstr, NULL);
    return vr_lib_obj_lookup_uuid_string(conn, DOM,
                                         VR_PROC_DOMAIN_LOOKUP_BY_UUID,
                                         uuidstr);
}

int
vireo_conn_list_domains(VireoConn *conn, unsigned int flags,
                        VireoDomain ***domains)
{
    VR_LIB_CHECK_CONN(conn, -1);
    if (VR_CHECK_FLAGS(flags, VR_LIST_ALL_FLAGS) < 0)
        return -1;
    return vr_lib_obj_list_all(conn, DOM, VR_PROC_CONNECT_LIST_ALL_DOMAINS,
                               flags, (void ***) domains);
}

VireoDomain *
vireo_domain_define_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_DEFINE_VALIDATE) < 0)
        return NULL;
    return vr_lib_obj_define(conn, DOM, xml, flags, VR_PROC_DOMAIN_DEFINE_XML,
                             VR_PROC_DOMAIN_DEFINE_XML_FLAGS);
}

int
vireo_domain_undefine(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_UNDEFINE_MANAGED_SAVE |
                       VIREO_UNDEFINE_SNAPSHOTS_METADATA) < 0)
        return -1;
    if (vr_lib_obj_flags(DOM, dom, VR_PROC_DOMAIN_UNDEFINE_FLAGS, flags,
                         NULL, NULL) == 0)
        return 0;
    if (vr_error_code() != VR_ERR_NO_SUPPORT)
        return -1;
    vr_error_reset();
    return vr_lib_obj_simple(DOM, dom, VR_PROC_DOMAIN_UNDEFINE, NULL, NULL);
}

char *
vireo_domain_get_xml(VireoDomain *dom, unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_DOMAIN_XML_SECURE |
                       VIREO_DOMAIN_XML_INACTIVE |
                       VIREO_DOMAIN_XML_UPDATE_CPU |
                       VIREO_DOMAIN_XML_MIGRATABLE) < 0)
        return NULL;
    return vr_lib_obj_string_flags(DOM, dom, VR_PROC_DOMAIN_GET_XML_DESC,
                                   flags);
}
