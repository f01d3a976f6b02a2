/* daemon_dispatch_domain.c: domain lookup, listing and definition
 * procedures: XDR in, one QEMU driver call, XDR out.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_priv.h"
#include "util/vr_error.h"

void
daemon_dom_from_wire(QemuDomainRef *ref, const vr_nonnull_domain *dom)
{
    /* Borrowed name: @ref must not be cleared. */
    ref->name = dom->name;
    memcpy(ref->uuid, dom->uuid, sizeof(ref->uuid));
    ref->id = dom->id;
}

void
daemon_dom_to_wire(vr_nonnull_domain *dom, QemuDomainRef *ref)
{
    dom->name = g_steal_pointer(&ref->name);
    memcpy(dom->uuid, ref->uuid, sizeof(dom->uuid));
    dom->id = ref->id;
}

static int
lookup_reply(int rc, QemuDomainRef *ref, vr_nonnull_domain *dom)
{
    if (rc < 0)
        return -1;
    daemon_dom_to_wire(dom, ref);
    return 0;
}

DAEMON_HANDLER(domain_lookup_by_name)
{
    const vr_domain_lookup_by_name_args *a = args;
    vr_domain_lookup_by_name_ret *r = ret;
    QemuDomainRef ref = { 0 };

    return lookup_reply(qemu_domain_lookup_by_name(daemon_client_driver(sess),
                                                   a->name, &ref),
                        &ref, &r->dom);
}

DAEMON_HANDLER(domain_lookup_by_id)
{
    const vr_domain_lookup_by_id_args *a = args;
    vr_domain_lookup_by_id_ret *r = ret;
    QemuDomainRef ref = { 0 };

    return lookup_reply(qemu_domain_lookup_by_id(daemon_client_driver(sess),
                                                 a->id, &ref),
                        &ref, &r->dom);
}

DAEMON_HANDLER(domain_lookup_by_uuid)
{
    const vr_domain_lookup_by_uuid_args *a = args;
    vr_domain_lookup_by_uuid_ret *r = ret;
    QemuDomainRef ref = { 0 };

    return lookup_reply(qemu_domain_lookup_by_uuid(daemon_client_driver(sess),
                                                   (const unsigned char *)
                                                   a->uuid, &ref),
                        &ref, &r->dom);
}

DAEMON_HANDLER(connect_list_all_domains)
{
    const vr_connect_list_all_domains_args *a = args;
    vr_connect_list_all_domains_ret *r = ret;
    QemuDomainRef *refs = NULL;
    size_t count = 0;

    if (a->need_results < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "need_results must not be negative");
        return -1;
    }
    if (qemu_domain_list_all(daemon_client_driver(sess), a->flags,
                             a->need_results != 0, &refs, &count) < 0)
        return -1;
    if (count > VR_DOMAIN_LIST_MAX) {
        qemu_domain_ref_array_free(refs, count);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "too many domains (%zu) for one reply", count);
        return -1;
    }
    if (refs) {
        r->domains.domains_val = g_new0(vr_nonnull_domain, MAX(count, 1));
        r->domains.domains_len = count;
        for (size_t i = 0; i < count; i++)
            daemon_dom_to_wire(&r->domains.domains_val[i], &refs[i]);
        qemu_domain_ref_array_free(refs, count);
    }
    r->ret = count;
    return 0;
}

DAEMON_HANDLER(connect_num_of_domains)
{
    vr_connect_num_of_domains_ret *r = ret;

    r->num = qemu_domain_count(daemon_client_driver(sess), true);
    return 0;
}

DAEMON_HANDLER(connect_num_of_defined_domains)
{
    vr_connect_num_of_defined_domains_ret *r = ret;

    r->num = qemu_domain_count(daemon_client_driver(sess), false);
    return 0;
}

DAEMON_HANDLER(connect_list_domains)
{
    const vr_connect_list_domains_args *a = args;
    vr_connect_list_domains_ret *r = ret;
    int *ids = NULL;
    size_t n = 0;

    if (qemu_domain_list_ids(daemon_client_driver(sess),
                             MIN(a->maxids, VR_DOMAIN_LIST_MAX), &ids,
                             &n) < 0)
        return -1;
    r->ids.ids_val = ids;
    r->ids.ids_len = n;
    return 0;
}

DAEMON_HANDLER(connect_list_defined_domains)
{
    const vr_connect_list_defined_domains_args *a = args;
    vr_connect_list_defined_domains_ret *r = ret;
    char **names = NULL;

    if (qemu_domain_list_defined_names(daemon_client_driver(sess),
                                       MIN(a->maxnames, VR_DOMAIN_LIST_MAX),
                                       &names) < 0)
        return -1;
    /* The NULL terminator stays as harmless spare room. */
    r->names.names_val = names;
    r->names.names_len = g_strv_length(names);
    return 0;
}

static int
define(VrRpcSession *sess, const char *xml, unsigned int flags,
       vr_nonnull_domain *dom)
{
    QemuDomainRef ref = { 0 };

    if (daemon_client_check_write(sess, "virDomainDefineXML") < 0)
        return -1;
    return lookup_reply(qemu_domain_define(daemon_client_driver(sess), xml,
                                           flags, &ref, NULL),
                        &ref, dom);
}

DAEMON_HANDLER(domain_define_xml)
{
    const vr_domain_define_xml_args *a = args;
    vr_domain_define_xml_ret *r = ret;

    return define(sess, a->xml, 0, &r->dom);
}

DAEMON_HANDLER(domain_define_xml_flags)
{
    const vr_domain_define_xml_flags_args *a = args;
    vr_domain_define_xml_flags_ret *r = ret;

    return define(sess, a->xml, a->flags, &r->dom);
}

static int
undefine(VrRpcSession *sess, const vr_nonnull_domain *dom,
         unsigned int flags)
{
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainUndefine") < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    return qemu_domain_undefine(daemon_client_driver(sess), &ref, flags);
}

DAEMON_HANDLER(domain_undefine)
{
    const vr_domain_undefine_args *a = args;

    return undefine(sess, &a->dom, 0);
}

DAEMON_HANDLER(domain_undefine_flags)
{
    const vr_domain_undefine_flags_args *a = args;

    return undefine(sess, &a->dom, a->flags);
}

DAEMON_HANDLER(domain_get_xml_desc)
{
    const vr_domain_get_xml_desc_args *a = args;
    vr_domain_get_xml_desc_ret *r = ret;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    r->xml = qemu_domain_get_xml(daemon_client_driver(sess), &ref, a->flags);
    return r->xml ? 0 : -1;
}

DAEMON_HANDLER(domain_get_autostart)
{
    const vr_domain_get_autostart_args *a = args;
    vr_domain_get_autostart_ret *r = ret;
    QemuDomainRef ref;
    bool autostart;

    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_get_autostart(daemon_client_driver(sess), &ref,
                                  &autostart) < 0)
        return -1;
    r->autostart = autostart;
    return 0;
}

DAEMON_HANDLER(domain_set_autostart)
{
    const vr_domain_set_autostart_args *a = args;
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainSetAutostart") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_domain_set_autostart(daemon_client_driver(sess), &ref,
                                     a->autostart != 0);
}
