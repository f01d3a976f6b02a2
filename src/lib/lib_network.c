/* lib_network.c: virtual networks: lookup, listing (with the pre-283
 * fallback), definitions, lifecycle, autostart, update and DHCP leases.
 *
 * As for domains, a call without flags uses the original procedure when
 * one exists (41 rather than 432): every daemon knows it. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define NET_LIST_FLAGS ((1u << 6) - 1)

VireoNetwork *
vr_lib_network_new(VireoConn *conn, const vr_nonnull_network *wire)
{
    VireoNetwork *net = g_new0(VireoNetwork, 1);

    net->conn = vr_lib_conn_ref(conn);
    net->name = g_strdup(wire->name);
    memcpy(net->uuid, wire->uuid, VIREO_UUID_BUFLEN);
    return net;
}

void
vr_lib_network_to_wire(const VireoNetwork *net, vr_nonnull_network *wire)
{
    wire->name = net->name;
    memcpy(wire->uuid, net->uuid, VIREO_UUID_BUFLEN);
}

bool
vr_lib_check_network(VireoNetwork *net, const char *func)
{
    if (net && net->conn)
        return true;
    vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NETWORK,
                    "invalid network in %s", func);
    return false;
}

void
vireo_network_free(VireoNetwork *net)
{
    if (!net)
        return;
    vr_lib_conn_unref(net->conn);
    g_free(net->name);
    g_free(net);
}

void
vireo_network_list_free(VireoNetwork **nets)
{
    if (!nets)
        return;
    for (VireoNetwork **n = nets; *n; n++)
        vireo_network_free(*n);
    g_free(nets);
}

const char *
vireo_network_get_name(VireoNetwork *net)
{
    return net ? net->name : NULL;
}

int
vireo_network_get_uuid(VireoNetwork *net, unsigned char *uuid)
{
    if (!net || !uuid)
        return -1;
    memcpy(uuid, net->uuid, VIREO_UUID_BUFLEN);
    return 0;
}

int
vireo_network_get_uuid_string(VireoNetwork *net, char *buf)
{
    if (!net || !buf)
        return -1;
    vr_uuid_format(net->uuid, buf);
    return 0;
}

VireoConn *
vireo_network_get_conn(VireoNetwork *net)
{
    return net ? net->conn : NULL;
}

/* A call answered with a network reference: wrap it. */
static VireoNetwork *
network_call(VireoConn *conn, int proc, xdrproc_t args_filter, void *args)
{
    vr_nonnull_network ret;
    VireoNetwork *net;

    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, proc, args_filter, args,
                    (xdrproc_t) xdr_vr_nonnull_network, &ret) < 0)
        return NULL;
    net = vr_lib_network_new(conn, &ret);
    xdr_free((xdrproc_t) xdr_vr_nonnull_network, (char *) &ret);
    return net;
}

VireoNetwork *
vireo_network_lookup_by_name(VireoConn *conn, const char *name)
{
    vr_network_lookup_by_name_args args = { .name = (char *) name };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    return network_call(conn, VR_PROC_NETWORK_LOOKUP_BY_NAME,
                        (xdrproc_t) xdr_vr_network_lookup_by_name_args,
                        &args);
}

VireoNetwork *
vireo_network_lookup_by_uuid(VireoConn *conn, const unsigned char *uuid)
{
    vr_network_lookup_by_uuid_args args;

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    memcpy(args.uuid, uuid, VIREO_UUID_BUFLEN);
    return network_call(conn, VR_PROC_NETWORK_LOOKUP_BY_UUID,
                        (xdrproc_t) xdr_vr_network_lookup_by_uuid_args,
                        &args);
}

VireoNetwork *
vireo_network_lookup_by_uuid_string(VireoConn *conn, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuidstr, NULL);
    if (vr_uuid_parse(uuidstr, uuid) < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "'%s' is not a valid UUID", uuidstr);
        return NULL;
    }
    return vireo_network_lookup_by_uuid(conn, uuid);
}

/* Append the networks named by NUM_OF (@num_proc) / LIST (@list_proc). */
static int
list_by_names(VireoConn *conn, int num_proc, int list_proc, GPtrArray *out)
{
    vr_int_ret num = { 0 };
    vr_connect_list_networks_args args;
    vr_connect_list_networks_ret ret;
    int rc = 0;

    if (vr_lib_call(conn, num_proc, NULL, NULL, (xdrproc_t) xdr_vr_int_ret,
                    &num) < 0)
        return -1;
    if (num.value <= 0)
        return 0;
    args.maxnames = num.value;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, list_proc,
                    (xdrproc_t) xdr_vr_connect_list_networks_args, &args,
                    (xdrproc_t) xdr_vr_connect_list_networks_ret, &ret) < 0)
        return -1;
    for (u_int i = 0; i < ret.names.names_len && rc == 0; i++) {
        VireoNetwork *net = vireo_network_lookup_by_name(conn,
                                                         ret.names.names_val[i]);
        if (net)
            g_ptr_array_add(out, net);
        else if ((int) vr_error_code() == VIREO_ERR_NO_NETWORK)
            vr_error_reset();        /* gone meanwhile */
        else
            rc = -1;
    }
    xdr_free((xdrproc_t) xdr_vr_connect_list_networks_ret, (char *) &ret);
    return rc;
}

/* virsh's fallback for daemons without 283 (FACTS.md section 9). */
static int
list_fallback(VireoConn *conn, unsigned int flags, VireoNetwork ***nets)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vireo_network_free);
    bool active = !(flags & (VIREO_NETWORK_LIST_ACTIVE |
                             VIREO_NETWORK_LIST_INACTIVE)) ||
                  (flags & VIREO_NETWORK_LIST_ACTIVE);
    bool inactive = !(flags & (VIREO_NETWORK_LIST_ACTIVE |
                               VIREO_NETWORK_LIST_INACTIVE)) ||
                    (flags & VIREO_NETWORK_LIST_INACTIVE);
    int n;

    if (flags & ~(VIREO_NETWORK_LIST_ACTIVE | VIREO_NETWORK_LIST_INACTIVE)) {
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_NETWORK,
                        "the daemon cannot filter networks by persistence "
                        "or autostart");
        return -1;
    }
    if ((active && list_by_names(conn, VR_PROC_CONNECT_NUM_OF_NETWORKS,
                                 VR_PROC_CONNECT_LIST_NETWORKS, out) < 0) ||
        (inactive &&
         list_by_names(conn, VR_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS,
                       VR_PROC_CONNECT_LIST_DEFINED_NETWORKS, out) < 0))
        return -1;
    n = (int) out->len;
    if (nets) {
        g_ptr_array_set_free_func(out, NULL);
        g_ptr_array_add(out, NULL);
        *nets = (VireoNetwork **) g_ptr_array_free(g_steal_pointer(&out),
                                                   FALSE);
    }
    return n;
}

int
vireo_conn_list_networks(VireoConn *conn, unsigned int flags,
                         VireoNetwork ***nets)
{
    vr_connect_list_all_networks_args args = { 0 };
    vr_connect_list_all_networks_ret ret;
    int count;

    VR_LIB_CHECK_CONN(conn, -1);
    if (VR_CHECK_FLAGS(flags, NET_LIST_FLAGS) < 0)
        return -1;
    args.need_results = nets ? 1 : 0;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_CONNECT_LIST_ALL_NETWORKS,
                    (xdrproc_t) xdr_vr_connect_list_all_networks_args, &args,
                    (xdrproc_t) xdr_vr_connect_list_all_networks_ret,
                    &ret) < 0) {
        if (vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        vr_error_reset();
        return list_fallback(conn, flags, nets);
    }
    count = nets ? (int) ret.nets.nets_len : (int) ret.ret;
    if (nets) {
        *nets = g_new0(VireoNetwork *, ret.nets.nets_len + 1);
        for (u_int i = 0; i < ret.nets.nets_len; i++)
            (*nets)[i] = vr_lib_network_new(conn, &ret.nets.nets_val[i]);
    }
    xdr_free((xdrproc_t) xdr_vr_connect_list_all_networks_ret, (char *) &ret);
    return count;
}

/* DEFINE / CREATE: the old procedure without flags, else the new one. */
static VireoNetwork *
define_or_create(VireoConn *conn, const char *xml, unsigned int flags,
                 int old_proc, int new_proc)
{
    vr_network_xml_flags_args args = { .xml = (char *) xml, .flags = flags };

    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_NETWORK_VALIDATE) < 0)
        return NULL;
    if (!flags)
        return network_call(conn, old_proc, (xdrproc_t) xdr_vr_network_xml_args,
                            &args.xml);
    return network_call(conn, new_proc,
                        (xdrproc_t) xdr_vr_network_xml_flags_args, &args);
}

VireoNetwork *
vireo_network_define_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    return define_or_create(conn, xml, flags, VR_PROC_NETWORK_DEFINE_XML,
                            VR_PROC_NETWORK_DEFINE_XML_FLAGS);
}

VireoNetwork *
vireo_network_create_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    return define_or_create(conn, xml, flags, VR_PROC_NETWORK_CREATE_XML,
                            VR_PROC_NETWORK_CREATE_XML_FLAGS);
}

/* A call taking only the network; @ret_filter/@ret may be NULL. */
static int
network_simple(VireoNetwork *net, int proc, xdrproc_t ret_filter, void *ret)
{
    vr_network_args args;

    vr_lib_network_to_wire(net, &args.net);
    return vr_lib_call(net->conn, proc, (xdrproc_t) xdr_vr_network_args,
                       &args, ret_filter, ret);
}

int
vireo_network_undefine(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return network_simple(net, VR_PROC_NETWORK_UNDEFINE, NULL, NULL);
}

int
vireo_network_start(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return network_simple(net, VR_PROC_NETWORK_CREATE, NULL, NULL);
}

int
vireo_network_destroy(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return network_simple(net, VR_PROC_NETWORK_DESTROY, NULL, NULL);
}

char *
vireo_network_get_xml(VireoNetwork *net, unsigned int flags)
{
    vr_network_flags_args args;
    vr_nonnull_string xml = NULL;
    char *res;

    VR_LIB_CHECK_NETWORK(net, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_NETWORK_XML_INACTIVE) < 0)
        return NULL;
    vr_lib_network_to_wire(net, &args.net);
    args.flags = flags;
    if (vr_lib_call(net->conn, VR_PROC_NETWORK_GET_XML_DESC,
                    (xdrproc_t) xdr_vr_network_flags_args, &args,
                    (xdrproc_t) xdr_vr_nonnull_string, &xml) < 0)
        return NULL;
    res = g_strdup(xml);
    xdr_free((xdrproc_t) xdr_vr_nonnull_string, (char *) &xml);
    return res;
}

/* A query answered with one int. */
static int
network_int(VireoNetwork *net, int proc)
{
    vr_int_ret ret = { 0 };

    if (network_simple(net, proc, (xdrproc_t) xdr_vr_int_ret, &ret) < 0)
        return -1;
    return ret.value;
}

int
vireo_network_get_autostart(VireoNetwork *net, int *autostart)
{
    int val;

    VR_LIB_CHECK_NETWORK(net, -1);
    VR_LIB_CHECK_ARG(autostart, -1);
    if ((val = network_int(net, VR_PROC_NETWORK_GET_AUTOSTART)) < 0)
        return -1;
    *autostart = val ? 1 : 0;
    return 0;
}

int
vireo_network_set_autostart(VireoNetwork *net, int autostart)
{
    vr_network_set_autostart_args args;

    VR_LIB_CHECK_NETWORK(net, -1);
    vr_lib_network_to_wire(net, &args.net);
    args.autostart = autostart ? 1 : 0;
    return vr_lib_call(net->conn, VR_PROC_NETWORK_SET_AUTOSTART,
                       (xdrproc_t) xdr_vr_network_set_autostart_args, &args,
                       NULL, NULL);
}

char *
vireo_network_get_bridge_name(VireoNetwork *net)
{
    vr_nonnull_string name = NULL;
    char *res;

    VR_LIB_CHECK_NETWORK(net, NULL);
    if (network_simple(net, VR_PROC_NETWORK_GET_BRIDGE_NAME,
                       (xdrproc_t) xdr_vr_nonnull_string, &name) < 0)
        return NULL;
    res = g_strdup(name);
    xdr_free((xdrproc_t) xdr_vr_nonnull_string, (char *) &name);
    return res;
}

int
vireo_network_is_active(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return network_int(net, VR_PROC_NETWORK_IS_ACTIVE);
}

int
vireo_network_is_persistent(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return network_int(net, VR_PROC_NETWORK_IS_PERSISTENT);
}

int
vireo_network_update(VireoNetwork *net, unsigned int command,
                     unsigned int section, int parent_index,
                     const char *xml, unsigned int flags)
{
    vr_network_update_args args;

    VR_LIB_CHECK_NETWORK(net, -1);
    VR_LIB_CHECK_ARG(xml, -1);
    if (VR_CHECK_FLAGS(flags, VIREO_NETWORK_UPDATE_AFFECT_LIVE |
                       VIREO_NETWORK_UPDATE_AFFECT_CONFIG) < 0)
        return -1;
    vr_lib_network_to_wire(net, &args.net);
    args.command = command;
    args.section = section;
    args.parentIndex = parent_index;
    args.xml = (char *) xml;
    args.flags = flags;
    return vr_lib_call(net->conn, VR_PROC_NETWORK_UPDATE,
                       (xdrproc_t) xdr_vr_network_update_args, &args,
                       NULL, NULL);
}

void
vireo_network_dhcp_lease_free(VireoNetworkDhcpLease *lease)
{
    if (!lease)
        return;
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease);
}

void
vireo_network_dhcp_lease_list_free(VireoNetworkDhcpLease **leases)
{
    if (!leases)
        return;
    for (VireoNetworkDhcpLease **l = leases; *l; l++)
        vireo_network_dhcp_lease_free(*l);
    g_free(leases);
}

static char *
opt_dup(char **s)
{
    return s ? g_strdup(*s) : NULL;
}

static VireoNetworkDhcpLease *
lease_from_wire(const vr_network_dhcp_lease *w)
{
    VireoNetworkDhcpLease *l = g_new0(VireoNetworkDhcpLease, 1);

    l->iface = g_strdup(w->iface);
    l->expirytime = w->expirytime;
    l->type = w->type;
    l->mac = opt_dup(w->mac);
    l->iaid = opt_dup(w->iaid);
    l->ipaddr = g_strdup(w->ipaddr);
    l->prefix = w->prefix;
    l->hostname = opt_dup(w->hostname);
    l->clientid = opt_dup(w->clientid);
    return l;
}

int
vireo_network_get_dhcp_leases(VireoNetwork *net, const char *mac,
                              VireoNetworkDhcpLease ***leases,
                              unsigned int flags)
{
    vr_network_get_dhcp_leases_args args;
    vr_network_get_dhcp_leases_ret ret;
    char *macp = (char *) mac;
    int count;

    VR_LIB_CHECK_NETWORK(net, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_network_to_wire(net, &args.net);
    args.mac = mac ? &macp : NULL;
    args.need_results = leases ? 1 : 0;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(net->conn, VR_PROC_NETWORK_GET_DHCP_LEASES,
                    (xdrproc_t) xdr_vr_network_get_dhcp_leases_args, &args,
                    (xdrproc_t) xdr_vr_network_get_dhcp_leases_ret,
                    &ret) < 0)
        return -1;
    count = leases ? (int) ret.leases.leases_len : (int) ret.ret;
    if (leases) {
        *leases = g_new0(VireoNetworkDhcpLease *, ret.leases.leases_len + 1);
        for (u_int i = 0; i < ret.leases.leases_len; i++)
            (*leases)[i] = lease_from_wire(&ret.leases.leases_val[i]);
    }
    xdr_free((xdrproc_t) xdr_vr_network_get_dhcp_leases_ret, (char *) &ret);
    return count;
}

/* ---- domain interface addresses ------------------------------------- */

void
vireo_domain_interface_free(VireoDomainInterface *iface)
{
    if (!iface)
        return;
    for (size_t i = 0; i < iface->naddrs; i++)
        g_free(iface->addrs[i].addr);
    g_free(iface->addrs);
    g_free(iface->name);
    g_free(iface->hwaddr);
    g_free(iface);
}

void
vireo_domain_interface_list_free(VireoDomainInterface **ifaces)
{
    if (!ifaces)
        return;
    for (VireoDomainInterface **i = ifaces; *i; i++)
        vireo_domain_interface_free(*i);
    g_free(ifaces);
}

static VireoDomainInterface *
iface_from_wire(const vr_domain_interface *w)
{
    VireoDomainInterface *iface = g_new0(VireoDomainInterface, 1);

    iface->name = g_strdup(w->name);
    iface->hwaddr = opt_dup(w->hwaddr);
    iface->naddrs = w->addrs.addrs_len;
    iface->addrs = g_new0(VireoIPAddress, MAX(iface->naddrs, 1));
    for (size_t i = 0; i < iface->naddrs; i++) {
        iface->addrs[i].type = w->addrs.addrs_val[i].type;
        iface->addrs[i].addr = g_strdup(w->addrs.addrs_val[i].addr);
        iface->addrs[i].prefix = w->addrs.addrs_val[i].prefix;
    }
    return iface;
}

int
vireo_domain_interface_addresses(VireoDomain *dom, unsigned int source,
                                 VireoDomainInterface ***ifaces,
                                 unsigned int flags)
{
    vr_domain_interface_addresses_args args;
    vr_domain_interface_addresses_ret ret;
    int count;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(ifaces, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.source = source;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_INTERFACE_ADDRESSES,
                    (xdrproc_t) xdr_vr_domain_interface_addresses_args, &args,
                    (xdrproc_t) xdr_vr_domain_interface_addresses_ret,
                    &ret) < 0)
        return -1;
    count = (int) ret.ifaces.ifaces_len;
    *ifaces = g_new0(VireoDomainInterface *, count + 1);
    for (int i = 0; i < count; i++)
        (*ifaces)[i] = iface_from_wire(&ret.ifaces.ifaces_val[i]);
    xdr_free((xdrproc_t) xdr_vr_domain_interface_addresses_ret, (char *) &ret);
    return count;
}
