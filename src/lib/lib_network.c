/* lib_network.c: virtual networks: the network kind (lib_object.h), and
 * on it lookup, listing (with the pre-283 fallback), definitions,
 * lifecycle, autostart, update and DHCP leases; domain interface
 * addresses.
 *
 * As for domains, a call without flags uses the original procedure when
 * one exists (41 rather than 432): every daemon knows it. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "lib/lib_object.h"
#include "util/vr_error.h"

#define NET_LIST_FLAGS ((1u << 6) - 1)
#define NET (&vr_lib_kind_network)

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

static void *
network_new(VireoConn *conn, const void *wire)
{
    return vr_lib_network_new(conn, wire);
}

static void
network_to_wire(const void *net, void *wire)
{
    vr_lib_network_to_wire(net, wire);
}

static const VrLibListFallback network_fallback = {
    .num_active_proc = VR_PROC_CONNECT_NUM_OF_NETWORKS,
    .list_active_proc = VR_PROC_CONNECT_LIST_NETWORKS,
    .num_inactive_proc = VR_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS,
    .list_inactive_proc = VR_PROC_CONNECT_LIST_DEFINED_NETWORKS,
    .lookup_by_name_proc = VR_PROC_NETWORK_LOOKUP_BY_NAME,
    .active_flag = VIREO_NETWORK_LIST_ACTIVE,
    .inactive_flag = VIREO_NETWORK_LIST_INACTIVE,
    .unsupported_msg = "the daemon cannot filter networks by persistence "
                       "or autostart",
};

const VrLibKind vr_lib_kind_network = {
    .noun = "network",
    .invalid_code = VR_ERR_INVALID_ARG,
    .err_from = VR_FROM_NETWORK,
    .no_such_code = VR_ERR_NO_NETWORK,
    .wire_filter = (xdrproc_t) xdr_vr_nonnull_network,
    .wire_size = sizeof(vr_nonnull_network),
    .list_max = VR_NETWORK_LIST_MAX,
    .fallback = &network_fallback,
    .new_handle = network_new,
    .to_wire = network_to_wire,
    .free_handle = (GDestroyNotify) vireo_network_free,
};

bool
vr_lib_check_network(VireoNetwork *net, const char *func)
{
    return vr_lib_obj_check(NET, net, func);
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
    vr_lib_obj_list_free(NET, (void **) nets);
}

const char *
vireo_network_get_name(VireoNetwork *net)
{
    return net ? net->name : NULL;
}

int
vireo_network_get_uuid(VireoNetwork *net, unsigned char *uuid)
{
    return vr_lib_uuid_get(net ? net->uuid : NULL, uuid);
}

int
vireo_network_get_uuid_string(VireoNetwork *net, char *buf)
{
    return vr_lib_uuid_get_string(net ? net->uuid : NULL, buf);
}

VireoConn *
vireo_network_get_conn(VireoNetwork *net)
{
    return net ? net->conn : NULL;
}

VireoNetwork *
vireo_network_lookup_by_name(VireoConn *conn, const char *name)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    return vr_lib_obj_lookup_name(conn, NET, VR_PROC_NETWORK_LOOKUP_BY_NAME,
                                  name);
}

VireoNetwork *
vireo_network_lookup_by_uuid(VireoConn *conn, const unsigned char *uuid)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuid, NULL);
    return vr_lib_obj_lookup_uuid(conn, NET, VR_PROC_NETWORK_LOOKUP_BY_UUID,
                                  uuid);
}

VireoNetwork *
vireo_network_lookup_by_uuid_string(VireoConn *conn, const char *uuidstr)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(uuidstr, NULL);
    return vr_lib_obj_lookup_uuid_string(conn, NET,
                                         VR_PROC_NETWORK_LOOKUP_BY_UUID,
                                         uuidstr);
}

int
vireo_conn_list_networks(VireoConn *conn, unsigned int flags,
                         VireoNetwork ***nets)
{
    VR_LIB_CHECK_CONN(conn, -1);
    if (VR_CHECK_FLAGS(flags, NET_LIST_FLAGS) < 0)
        return -1;
    return vr_lib_obj_list_all(conn, NET, VR_PROC_CONNECT_LIST_ALL_NETWORKS,
                               flags, (void ***) nets);
}

VireoNetwork *
vireo_network_define_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_NETWORK_VALIDATE) < 0)
        return NULL;
    return vr_lib_obj_define(conn, NET, xml, flags,
                             VR_PROC_NETWORK_DEFINE_XML,
                             VR_PROC_NETWORK_DEFINE_XML_FLAGS);
}

VireoNetwork *
vireo_network_create_xml(VireoConn *conn, const char *xml, unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_NETWORK_VALIDATE) < 0)
        return NULL;
    return vr_lib_obj_define(conn, NET, xml, flags,
                             VR_PROC_NETWORK_CREATE_XML,
                             VR_PROC_NETWORK_CREATE_XML_FLAGS);
}

int
vireo_network_undefine(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return vr_lib_obj_simple(NET, net, VR_PROC_NETWORK_UNDEFINE, NULL, NULL);
}

int
vireo_network_start(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return vr_lib_obj_simple(NET, net, VR_PROC_NETWORK_CREATE, NULL, NULL);
}

int
vireo_network_destroy(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return vr_lib_obj_simple(NET, net, VR_PROC_NETWORK_DESTROY, NULL, NULL);
}

char *
vireo_network_get_xml(VireoNetwork *net, unsigned int flags)
{
    VR_LIB_CHECK_NETWORK(net, NULL);
    if (VR_CHECK_FLAGS(flags, VIREO_NETWORK_XML_INACTIVE) < 0)
        return NULL;
    return vr_lib_obj_string_flags(NET, net, VR_PROC_NETWORK_GET_XML_DESC,
                                   flags);
}

int
vireo_network_get_autostart(VireoNetwork *net, int *autostart)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    VR_LIB_CHECK_ARG(autostart, -1);
    return vr_lib_obj_get_autostart(NET, net, VR_PROC_NETWORK_GET_AUTOSTART,
                                    autostart);
}

int
vireo_network_set_autostart(VireoNetwork *net, int autostart)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return vr_lib_obj_set_autostart(NET, net, VR_PROC_NETWORK_SET_AUTOSTART,
                                    autostart);
}

char *
vireo_network_get_bridge_name(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, NULL);
    return vr_lib_obj_string(NET, net, VR_PROC_NETWORK_GET_BRIDGE_NAME);
}

int
vireo_network_is_active(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return vr_lib_obj_int(NET, net, VR_PROC_NETWORK_IS_ACTIVE);
}

int
vireo_network_is_persistent(VireoNetwork *net)
{
    VR_LIB_CHECK_NETWORK(net, -1);
    return vr_lib_obj_int(NET, net, VR_PROC_NETWORK_IS_PERSISTENT);
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
