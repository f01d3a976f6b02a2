/* daemon_dispatch_network.c: virtual network procedures (FACTS.md section
 * 8 "Networks", the 283 fallbacks of section 9) and DOMAIN_INTERFACE_
 * ADDRESSES from the network driver's leases: XDR in, one network driver
 * call, XDR out.
 */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "conf/domain_conf.h"
#include "conf/domain_def.h"
#include "daemon/daemon_dispatch_priv.h"
#include "network/net_driver.h"
#include "util/vr_error.h"

/* libvirt's virIPAddrType (leases and interface addresses). */
enum {
    DAEMON_IP_ADDR_IPV4 = 0,
    DAEMON_IP_ADDR_IPV6 = 1,
};

/* DOMAIN_INTERFACE_ADDRESSES sources (libvirt's values). */
enum {
    DAEMON_IFADDR_SRC_LEASE = 0,
    DAEMON_IFADDR_SRC_AGENT = 1,
    DAEMON_IFADDR_SRC_ARP = 2,
};

NetDriver *
daemon_client_net(VrRpcSession *sess)
{
    NetDriver *net = daemon_client_context(sess)->net;

    if (!net)
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_NETWORK,
                        "the network driver is not available");
    return net;
}

/* Wire network -> driver reference (the name is borrowed: do not clear). */
static void
net_from_wire(NetRef *ref, const vr_nonnull_network *net)
{
    ref->name = net->name;
    memcpy(ref->uuid, net->uuid, sizeof(ref->uuid));
}

/* Driver reference -> wire (the name moves into @net). */
static void
net_to_wire(vr_nonnull_network *net, NetRef *ref)
{
    net->name = g_steal_pointer(&ref->name);
    memcpy(net->uuid, ref->uuid, sizeof(net->uuid));
}

/* Finish a call that produced a reference in @ref. */
static int
net_reply(int rc, NetRef *ref, vr_nonnull_network *net)
{
    if (rc < 0) {
        net_ref_clear(ref);
        return -1;
    }
    net_to_wire(net, ref);
    return 0;
}

/* Refuse read-only clients (opened read-only, or on the read-only socket;
 * the RPC server already refuses the latter for calls without
 * VR_RPC_PROC_READONLY_OK, this keeps the handlers safe on their own). */
static int
check_write(VrRpcSession *sess, const char *api)
{
    if (vr_rpc_session_is_readonly(sess)) {
        vr_error_report(VR_ERR_OPERATION_DENIED, VR_FROM_NETWORK,
                        "read only access prevents %s", api);
        return -1;
    }
    return daemon_client_check_write_from(sess, api, VR_FROM_NETWORK);
}

DAEMON_HANDLER(network_lookup_by_name)
{
    const vr_network_lookup_by_name_args *a = args;
    vr_network_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref = { 0 };

    if (!drv)
        return -1;
    return net_reply(net_lookup_by_name(drv, a->name, &ref), &ref, &r->net);
}

DAEMON_HANDLER(network_lookup_by_uuid)
{
    const vr_network_lookup_by_uuid_args *a = args;
    vr_network_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref = { 0 };

    if (!drv)
        return -1;
    return net_reply(net_lookup_by_uuid(drv, (const unsigned char *) a->uuid,
                                        &ref), &ref, &r->net);
}

DAEMON_HANDLER(connect_list_all_networks)
{
    const vr_connect_list_all_networks_args *a = args;
    vr_connect_list_all_networks_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    NetRef *refs = NULL;
    size_t n = 0;

    if (!drv)
        return -1;
    if (a->need_results < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "need_results must not be negative");
        return -1;
    }
    if (net_list_all(drv, a->flags, &refs, &n) < 0)
        return -1;
    if (n > VR_NETWORK_LIST_MAX) {
        net_ref_array_free(refs, n);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "too many networks (%zu) for one reply", n);
        return -1;
    }
    if (a->need_results) {
        r->nets.nets_val = g_new0(vr_nonnull_network, MAX(n, 1));
        r->nets.nets_len = n;
        for (size_t i = 0; i < n; i++)
            net_to_wire(&r->nets.nets_val[i], &refs[i]);
    }
    net_ref_array_free(refs, n);
    r->ret = n;
    return 0;
}

static int
count_networks(VrRpcSession *sess, bool active, vr_int_ret *r)
{
    NetDriver *drv = daemon_client_net(sess);

    if (!drv)
        return -1;
    r->value = net_count(drv, active);
    return r->value < 0 ? -1 : 0;
}

DAEMON_HANDLER(connect_num_of_networks)
{
    return count_networks(sess, true, ret);
}

DAEMON_HANDLER(connect_num_of_defined_networks)
{
    return count_networks(sess, false, ret);
}

/* Names of the active (or inactive) networks, at most @max. */
static int
list_names(VrRpcSession *sess, bool active, int max,
           vr_connect_list_networks_ret *r)
{
    NetDriver *drv = daemon_client_net(sess);
    NetRef *refs = NULL;
    size_t n = 0;

    if (!drv)
        return -1;
    if (max < 0 || max > VR_NETWORK_LIST_MAX) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "maxnames %d out of range [0, %d]", max,
                        VR_NETWORK_LIST_MAX);
        return -1;
    }
    if (net_list_all(drv, active ? NET_LIST_ACTIVE : NET_LIST_INACTIVE,
                     &refs, &n) < 0)
        return -1;
    r->names.names_len = MIN(n, (size_t) max);
    r->names.names_val = g_new0(vr_nonnull_string,
                                MAX(r->names.names_len, 1));
    for (u_int i = 0; i < r->names.names_len; i++)
        r->names.names_val[i] = g_steal_pointer(&refs[i].name);
    net_ref_array_free(refs, n);
    return 0;
}

DAEMON_HANDLER(connect_list_networks)
{
    const vr_connect_list_networks_args *a = args;

    return list_names(sess, true, a->maxnames, ret);
}

DAEMON_HANDLER(connect_list_defined_networks)
{
    const vr_connect_list_networks_args *a = args;

    return list_names(sess, false, a->maxnames, ret);
}

/* DEFINE_XML(_FLAGS) and CREATE_XML(_FLAGS). */
static int
define_or_create(VrRpcSession *sess, bool create, const char *xml,
                 unsigned int flags, vr_network_ret *r)
{
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref = { 0 };
    int rc;

    if (!drv || check_write(sess, create ? "virNetworkCreateXML"
                                         : "virNetworkDefineXML") < 0)
        return -1;
    rc = create ? net_create_xml(drv, xml, flags, &ref)
                : net_define(drv, xml, flags, &ref);
    return net_reply(rc, &ref, &r->net);
}

DAEMON_HANDLER(network_define_xml)
{
    const vr_network_xml_args *a = args;

    return define_or_create(sess, false, a->xml, 0, ret);
}

DAEMON_HANDLER(network_define_xml_flags)
{
    const vr_network_xml_flags_args *a = args;

    return define_or_create(sess, false, a->xml, a->flags, ret);
}

DAEMON_HANDLER(network_create_xml)
{
    const vr_network_xml_args *a = args;

    return define_or_create(sess, true, a->xml, 0, ret);
}

DAEMON_HANDLER(network_create_xml_flags)
{
    const vr_network_xml_flags_args *a = args;

    return define_or_create(sess, true, a->xml, a->flags, ret);
}

typedef int (*NetOp)(NetDriver *drv, const NetRef *net);

/* The "network -> void" modifying calls. */
static int
net_op(VrRpcSession *sess, const char *api, const vr_nonnull_network *net,
       NetOp op)
{
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;

    if (!drv || check_write(sess, api) < 0)
        return -1;
    net_from_wire(&ref, net);
    return op(drv, &ref);
}

DAEMON_HANDLER(network_undefine)
{
    const vr_network_args *a = args;

    return net_op(sess, "virNetworkUndefine", &a->net, net_undefine);
}

DAEMON_HANDLER(network_create)
{
    const vr_network_args *a = args;

    return net_op(sess, "virNetworkCreate", &a->net, net_start);
}

DAEMON_HANDLER(network_destroy)
{
    const vr_network_args *a = args;

    return net_op(sess, "virNetworkDestroy", &a->net, net_destroy);
}

DAEMON_HANDLER(network_get_xml_desc)
{
    const vr_network_flags_args *a = args;
    vr_network_get_xml_desc_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;

    if (!drv)
        return -1;
    net_from_wire(&ref, &a->net);
    r->xml = net_get_xml(drv, &ref, a->flags);
    return r->xml ? 0 : -1;
}

DAEMON_HANDLER(network_get_autostart)
{
    const vr_network_args *a = args;
    vr_int_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;
    bool autostart = false;

    if (!drv)
        return -1;
    net_from_wire(&ref, &a->net);
    if (net_get_autostart(drv, &ref, &autostart) < 0)
        return -1;
    r->value = autostart ? 1 : 0;
    return 0;
}

DAEMON_HANDLER(network_set_autostart)
{
    const vr_network_set_autostart_args *a = args;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;

    if (!drv || check_write(sess, "virNetworkSetAutostart") < 0)
        return -1;
    net_from_wire(&ref, &a->net);
    return net_set_autostart(drv, &ref, a->autostart != 0);
}

DAEMON_HANDLER(network_get_bridge_name)
{
    const vr_network_args *a = args;
    vr_network_get_bridge_name_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;

    if (!drv)
        return -1;
    net_from_wire(&ref, &a->net);
    r->name = net_get_bridge_name(drv, &ref);
    return r->name ? 0 : -1;
}

typedef int (*NetQuery)(NetDriver *drv, const NetRef *net);

static int
net_query(VrRpcSession *sess, const vr_nonnull_network *net, NetQuery q,
          vr_int_ret *r)
{
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;

    if (!drv)
        return -1;
    net_from_wire(&ref, net);
    r->value = q(drv, &ref);
    return r->value < 0 ? -1 : 0;
}

DAEMON_HANDLER(network_is_active)
{
    const vr_network_args *a = args;

    return net_query(sess, &a->net, net_is_active, ret);
}

DAEMON_HANDLER(network_is_persistent)
{
    const vr_network_args *a = args;

    return net_query(sess, &a->net, net_is_persistent, ret);
}

DAEMON_HANDLER(network_update)
{
    const vr_network_update_args *a = args;
    NetDriver *drv = daemon_client_net(sess);
    NetRef ref;

    if (!drv || check_write(sess, "virNetworkUpdate") < 0)
        return -1;
    net_from_wire(&ref, &a->net);
    return net_update(drv, &ref, a->command, a->section, a->parentIndex,
                      a->xml, a->flags);
}

static char **
opt_string(const char *s)
{
    char **p;

    if (!s)
        return NULL;
    p = g_new0(char *, 1);
    *p = g_strdup(s);
    return p;
}

/* One NetLease into its wire form; @iface is the network's bridge. */
static void
lease_to_wire(vr_network_dhcp_lease *w, const NetLease *l, const char *iface)
{
    w->iface = g_strdup(iface);
    w->expirytime = l->expiry;
    w->type = l->family == AF_INET6 ? DAEMON_IP_ADDR_IPV6
                                    : DAEMON_IP_ADDR_IPV4;
    w->mac = opt_string(l->mac);
    w->iaid = opt_string(l->iaid);
    w->ipaddr = g_strdup(l->ip);
    w->prefix = l->prefix;
    w->hostname = opt_string(l->hostname);
    w->clientid = opt_string(l->clientid);
}

DAEMON_HANDLER(network_get_dhcp_leases)
{
    const vr_network_get_dhcp_leases_args *a = args;
    vr_network_get_dhcp_leases_ret *r = ret;
    NetDriver *drv = daemon_client_net(sess);
    g_autoptr(GPtrArray) leases = NULL;
    g_autofree char *bridge = NULL;
    NetRef ref;

    if (!drv || VR_CHECK_FLAGS(a->flags, 0) < 0)
        return -1;
    net_from_wire(&ref, &a->net);
    if (net_get_dhcp_leases(drv, &ref, a->mac ? *a->mac : NULL,
                            &leases) < 0)
        return -1;
    if (leases->len > VR_NETWORK_DHCP_LEASES_MAX) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "too many leases (%u) for one reply", leases->len);
        return -1;
    }
    if (a->need_results && leases->len > 0) {
        if (!(bridge = net_get_bridge_name(drv, &ref)))
            return -1;
        r->leases.leases_val = g_new0(vr_network_dhcp_lease, leases->len);
        r->leases.leases_len = leases->len;
        for (guint i = 0; i < leases->len; i++)
            lease_to_wire(&r->leases.leases_val[i], leases->pdata[i], bridge);
    }
    r->ret = leases->len;
    return 0;
}

/* ---- DOMAIN_INTERFACE_ADDRESSES (source lease) ---------------------- */

/* The leases of one <interface type='network'> as a wire interface;
 * *added false when it has none (libvirt leaves such NICs out). */
static int
iface_from_leases(NetDriver *drv, const VrDomainNetDef *nic,
                  vr_domain_interface *w, bool *added)
{
    g_autoptr(GPtrArray) leases = NULL;
    g_autofree char *mac = NULL;
    NetRef ref = { 0 };
    int rc;

    *added = false;
    mac = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", nic->mac[0],
                          nic->mac[1], nic->mac[2], nic->mac[3], nic->mac[4],
                          nic->mac[5]);
    if (net_lookup_by_name(drv, nic->source, &ref) < 0)
        return -1;
    rc = net_get_dhcp_leases(drv, &ref, mac, &leases);
    net_ref_clear(&ref);
    if (rc < 0)
        return -1;
    if (leases->len == 0)
        return 0;
    w->name = g_strdup(nic->target_dev ? nic->target_dev : "-");
    w->hwaddr = opt_string(mac);
    w->addrs.addrs_len = MIN(leases->len, VR_DOMAIN_IP_ADDR_MAX);
    w->addrs.addrs_val = g_new0(vr_domain_ip_addr, w->addrs.addrs_len);
    for (u_int i = 0; i < w->addrs.addrs_len; i++) {
        const NetLease *l = leases->pdata[i];

        w->addrs.addrs_val[i].type = l->family == AF_INET6
            ? DAEMON_IP_ADDR_IPV6 : DAEMON_IP_ADDR_IPV4;
        w->addrs.addrs_val[i].addr = g_strdup(l->ip);
        w->addrs.addrs_val[i].prefix = l->prefix;
    }
    *added = true;
    return 0;
}

static int
check_ifaddr_source(unsigned int source)
{
    if (source == DAEMON_IFADDR_SRC_LEASE)
        return 0;
    if (source == DAEMON_IFADDR_SRC_AGENT || source == DAEMON_IFADDR_SRC_ARP)
        vr_error_report(VR_ERR_ARGUMENT_UNSUPPORTED, VR_FROM_DOMAIN,
                        "interface address source '%s' is not supported: "
                        "use source 'lease'",
                        source == DAEMON_IFADDR_SRC_AGENT ? "agent" : "arp");
    else
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_DOMAIN,
                        "Unknown IP address data source %u", source);
    return -1;
}

/* The running domain's definition.  NULL with an error reported. */
static VrDomainDef *
running_def(VrRpcSession *sess, const vr_nonnull_domain *dom)
{
    QemuDriver *qemu = daemon_client_driver(sess);
    QemuDomainRef ref;
    g_autofree char *xml = NULL;
    int active;

    daemon_dom_from_wire(&ref, dom);
    if ((active = qemu_domain_is_active(qemu, &ref)) < 0)
        return NULL;
    if (!active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_DOMAIN,
                        "domain is not running");
        return NULL;
    }
    if (!(xml = qemu_domain_get_xml(qemu, &ref, 0)))
        return NULL;
    return vr_domain_def_parse_only(xml, "(domain_definition)", 0);
}

DAEMON_HANDLER(domain_interface_addresses)
{
    const vr_domain_interface_addresses_args *a = args;
    vr_domain_interface_addresses_ret *r = ret;
    g_autoptr(VrDomainDef) def = NULL;
    NetDriver *drv;
    u_int n = 0;

    if (VR_CHECK_FLAGS(a->flags, 0) < 0 ||
        check_ifaddr_source(a->source) < 0 ||
        !(drv = daemon_client_net(sess)) ||
        !(def = running_def(sess, &a->dom)))
        return -1;
    r->ifaces.ifaces_val = g_new0(vr_domain_interface,
                                  MAX(def->nets->len, 1));
    for (guint i = 0; i < def->nets->len && n < VR_DOMAIN_INTERFACE_MAX; i++) {
        const VrDomainNetDef *nic = def->nets->pdata[i];
        bool added;

        if (nic->type != VR_DOMAIN_NET_TYPE_NETWORK || !nic->source)
            continue;
        if (iface_from_leases(drv, nic, &r->ifaces.ifaces_val[n], &added) < 0)
            return -1;      /* the reply is freed with xdr_free */
        if (added)
            r->ifaces.ifaces_len = ++n;
    }
    return 0;
}
