/* lib_domain.c: domain lookup, listing, definitions and information. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define VR_LIST_ALL_FLAGS ((1u << 14) - 1)

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
    if (!domains)
        return;
    for (VireoDomain **d = domains; *d; d++)
        vireo_domain_free(*d);
    g_free(domains);
}

/* The lookups all return a domain reference: decode it and wrap it.
 * @ret_filter decodes a struct whose only field is the reference. */
static VireoDomain *
domain_lookup(VireoConn *conn, int proc, xdrproc_t args_filter, void *args)
{
    vr_nonnull_domain ret;
    VireoDomain *dom;

    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, proc, args_filter, args,
                    (xdrproc_t) xdr_vr_nonnull_domain, &ret) < 0)
        return NULL;
    dom = vr_lib_domain_new(conn, &ret);
    xdr_free((xdrproc_t) xdr_vr_nonnull_domain, (char *) &ret);
    return dom;
}

VireoDomain *
vireo_domain_lookup_by_name(VireoConn *conn, const char *name)
{
    vr_domain_lookup_by_name_args args = { .name = (char *) name };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    return domain_lookup(conn, VR_PROC_DOMAIN_LOOKUP_BY_NAME,
                         (xdrproc_t) xdr_vr_domain_lookup_by_name_args, &args);
}

VireoDomain *
vireo_domain_lookup_by_id(VireoConn *conn, int id)
{
    vr_domain_lookup_by_id_args args = { .id = id };

    VR_LIB_CHECK_CONN(conn, NULL);
    return domain_lookup(conn, VR_PROC_DOMAIN_LOOKUP_BY_ID,
                         (xdrproc_t) xdr_vr_domain_lookup_by_id_args, &args);
}

VireoDomain *
vireo_domain_lookup_by_uuid(VireoConn *conn, const unsigned char *uuid)
{
    vr_domain_lookup_by_uuid_args args;

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    memcpy(args.uuid, uuid, VIREO_UUID_BUFLEN);
    return domain_lookup(conn, VR_PROC_DOMAIN_LOOKUP_BY_UUID,
                         (xdrproc_t) xdr_vr_domain_lookup_by_uuid_args, &args);
}

VireoDomain *
vireo_domain_lookup_by_uuid_string(VireoConn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuidstr, NULL);
    if (vr_uuid_parse(uuidstr, uuid) < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "'%s' is not a valid UUID", uuidstr);
        return NULL;
    }
    return vireo_domain_lookup_by_uuid(conn, uuid);
}

/* Wrap the wire list into a NULL-terminated array of new domains. */
static VireoDomain **
domain_list_wrap(VireoConn *conn, const vr_connect_list_all_domains_ret *ret)
{
    VireoDomain **list = g_new0(VireoDomain *, ret->domains.domains_len + 1);

    for (u_int i = 0; i < ret->domains.domains_len; i++)
        list[i] = vr_lib_domain_new(conn, &ret->domains.domains_val[i]);
    return list;
}

int
vireo_conn_list_domains(VireoConn *conn, unsigned int flags,
                        VireoDomain ***domains)
{
    vr_connect_list_all_domains_args args = { 0 };
    vr_connect_list_all_domains_ret ret;
    int count;

    VR_LIB_CHECK_CONN(conn, -1);
    if (VR_CHECK_FLAGS(flags, VR_LIST_ALL_FLAGS) < 0)
        return -1;
    args.need_results = domains ? 1 : 0;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_CONNECT_LIST_ALL_DOMAINS,
                    (xdrproc_t) xdr_vr_connect_list_all_domains_args, &args,
                    (xdrproc_t) xdr_vr_connect_list_all_domains_ret,
                    &ret) < 0)
        return -1;
    count = domains ? (int) ret.domains.domains_len : (int) ret.ret;
    if (domains)
        *domains = domain_list_wrap(conn, &ret);
    xdr_free((xdrproc_t) xdr_vr_connect_list_all_domains_ret, (char *) &ret);
    return count;
}

VireoDomain *
vireo_domain_define_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    vr_domain_define_xml_flags_args args = { .xml = (char *) xml,
                                             .flags = flags };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_DEFINE_VALIDATE) < 0)
        return NULL;
    /* Without flags use the original procedure, as virsh does: every
     * daemon knows it. */
    if (!flags)
        return domain_lookup(conn, VR_PROC_DOMAIN_DEFINE_XML,
                             (xdrproc_t) xdr_vr_nonnull_string, &args.xml);
    return domain_lookup(conn, VR_PROC_DOMAIN_DEFINE_XML_FLAGS,
                         (xdrproc_t) xdr_vr_domain_define_xml_flags_args,
                         &args);
}

int
vireo_domain_undefine(VireoDomain *dom, unsigned int flags)
{
    vr_domain_undefine_flags_args args;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_UNDEFINE_MANAGED_SAVE |
                       VIREO_UNDEFINE_SNAPSHOTS_METADATA) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = flags;
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_UNDEFINE_FLAGS,
                    (xdrproc_t) xdr_vr_domain_undefine_flags_args, &args,
                    NULL, NULL) == 0)
        return 0;
    if (vr_error_code() != VR_ERR_NO_SUPPORT)
        return -1;
    vr_error_reset();
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_UNDEFINE,
                       (xdrproc_t) xdr_vr_nonnull_domain, &args.dom,
                       NULL, NULL);
}

char *
vireo_domain_get_xml(VireoDomain *dom, unsigned int flags)
{
    vr_domain_get_xml_desc_args args;
    vr_nonnull_string xml = NULL;
    char *res;

    VR_LIB_CHECK_DOMAIN(dom, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_DOMAIN_XML_SECURE |
                       VIREO_DOMAIN_XML_INACTIVE |
                       VIREO_DOMAIN_XML_UPDATE_CPU |
                       VIREO_DOMAIN_XML_MIGRATABLE) < 0)
        return NULL;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = flags;
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_XML_DESC,
                    (xdrproc_t) xdr_vr_domain_get_xml_desc_args, &args,
                    (xdrproc_t) xdr_vr_nonnull_string, &xml) < 0)
        return NULL;
    res = g_strdup(xml);
    xdr_free((xdrproc_t) xdr_vr_nonnull_string, (char *) &xml);
    return res;
}
