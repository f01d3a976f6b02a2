/* network_validate.c: post-parse defaults (UUID, bridge MAC) and the
 * semantic checks a schema cannot express: forward-mode requirements,
 * prefixes, DHCP ranges and hosts inside their subnet, duplicates, bridge
 * name length.  Each check reports once and stops. */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "conf/network_conf.h"
#include "conf/network_conf_priv.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define VR_NET_INVALID(code, ...) \
    (vr_error_report((code), VR_FROM_NETWORK, __VA_ARGS__), -1)

int
vr_network_def_post_parse(VrNetworkDef *def)
{
    if (vr_uuid_is_null(def->uuid))
        vr_uuid_generate(def->uuid);
    /* libvirt gives a bridge it creates a fixed MAC (kept across restarts
     * so the bridge's link-local address and the guests' ARP stay valid);
     * bridge mode uses an existing host bridge: no MAC */
    if (!def->mac && def->forward != VR_NET_FORWARD_BRIDGE) {
        def->mac = g_strdup_printf("52:54:00:%02x:%02x:%02x",
                                   g_random_int_range(0, 256),
                                   g_random_int_range(0, 256),
                                   g_random_int_range(0, 256));
    }
    return 0;
}

static int
vr_net_validate_bridge_mode(const VrNetworkDef *def)
{
    const char *mode = vr_net_forward_mode_to_string(def->forward);

    if (!def->bridge)
        return VR_NET_INVALID(VR_ERR_XML_ERROR,
                              "network '%s' with forward mode='bridge' needs "
                              "the name of an existing host bridge in "
                              "<bridge name='...'/>", def->name);
    if (def->ips->len)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "Unsupported <ip> element in network %s with "
                              "forward mode='%s'", def->name, mode);
    if (def->mac)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "Unsupported <mac> element in network %s with "
                              "forward mode='%s'", def->name, mode);
    if (def->domain)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "Unsupported <domain> element in network %s "
                              "with forward mode='%s'", def->name, mode);
    if (def->dns_hosts->len || def->dns_srvs->len || def->dns_txts->len ||
        def->dns_forwarders)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "Unsupported <dns> element in network %s with "
                              "forward mode='%s'", def->name, mode);
    return 0;
}

static int
vr_net_validate_forward(const VrNetworkDef *def)
{
    bool v4 = false;

    if (def->bridge && (strlen(def->bridge) >= VR_NET_IFNAMSIZ ||
                        !*def->bridge || strchr(def->bridge, '/')))
        return VR_NET_INVALID(VR_ERR_XML_ERROR,
                              "invalid bridge name '%s' in network '%s': at "
                              "most %d characters and no '/'", def->bridge,
                              def->name, VR_NET_IFNAMSIZ - 1);
    if (def->forward == VR_NET_FORWARD_BRIDGE)
        return vr_net_validate_bridge_mode(def);
    for (guint i = 0; i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);

        v4 |= ip->address.family == AF_INET;
    }
    if (def->forward == VR_NET_FORWARD_NAT && !v4)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "network '%s' with forward mode='nat' requires "
                              "an IPv4 <ip> address", def->name);
    return 0;
}

/* libvirt refuses (finite) leases under dnsmasq's 2-minute minimum. */
static int
vr_net_validate_lease(const VrNetLease *lease)
{
    if (lease->set && lease->expiry && vr_net_lease_seconds(lease) < 120)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "The minimum lease time should be greater "
                              "than 2 minutes");
    return 0;
}

/* Is [start, end] inside @ip's subnet and in order?  libvirt's wording. */
static int
vr_net_validate_range(const VrNetworkDef *def, const VrNetIpDef *ip,
                      const VrNetDhcpRange *r)
{
    g_autofree char *s = vr_net_addr_format(&r->start);
    g_autofree char *e = vr_net_addr_format(&r->end);
    g_autofree char *net = vr_net_addr_format(&ip->address);

    if (!vr_net_addr_in_subnet(&r->start, &ip->address, ip->prefix) ||
        !vr_net_addr_in_subnet(&r->end, &ip->address, ip->prefix))
        return VR_NET_INVALID(VR_ERR_INTERNAL_ERROR,
                              "range %s - %s is not entirely within network "
                              "%s/%u", s, e, net, ip->prefix);
    if (vr_net_addr_cmp(&r->start, &r->end) > 0)
        return VR_NET_INVALID(VR_ERR_INTERNAL_ERROR,
                              "range %s - %s is reversed", s, e);
    (void)def;
    return vr_net_validate_lease(&r->lease);
}

static int
vr_net_validate_hosts(const VrNetworkDef *def, const VrNetIpDef *ip)
{
    g_autofree char *net = vr_net_addr_format(&ip->address);

    for (guint i = 0; i < ip->hosts->len; i++) {
        const VrNetDhcpHost *h = g_ptr_array_index(ip->hosts, i);
        g_autofree char *addr = vr_net_addr_format(&h->ip);

        if (vr_net_validate_lease(&h->lease) < 0)
            return -1;
        if (!vr_net_addr_in_subnet(&h->ip, &ip->address, ip->prefix))
            return VR_NET_INVALID(VR_ERR_XML_ERROR,
                                  "DHCP host IP address %s is not within "
                                  "network %s/%u of network '%s'", addr, net,
                                  ip->prefix, def->name);
        for (guint j = 0; j < i; j++) {
            const VrNetDhcpHost *o = g_ptr_array_index(ip->hosts, j);

            if (vr_net_addr_cmp(&o->ip, &h->ip) == 0)
                return VR_NET_INVALID(VR_ERR_XML_ERROR,
                                      "duplicate DHCP host IP address %s in "
                                      "network '%s'", addr, def->name);
            if (h->mac && g_strcmp0(o->mac, h->mac) == 0)
                return VR_NET_INVALID(VR_ERR_XML_ERROR,
                                      "duplicate DHCP host MAC address %s in "
                                      "network '%s'", h->mac, def->name);
        }
    }
    return 0;
}

static int
vr_net_validate_ip(const VrNetworkDef *def, const VrNetIpDef *ip)
{
    unsigned int max = ip->address.family == AF_INET6 ? 128 : 32;
    g_autofree char *addr = vr_net_addr_format(&ip->address);

    if (ip->prefix == 0 || ip->prefix > max)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "Invalid %s prefix '%u' in network '%s'",
                              max == 32 ? "IPv4" : "IPv6", ip->prefix,
                              def->name);
    for (guint i = 0; i < ip->ranges->len; i++) {
        if (vr_net_validate_range(def, ip, g_ptr_array_index(ip->ranges, i)) < 0)
            return -1;
    }
    return vr_net_validate_hosts(def, ip);
}

static int
vr_net_validate_ips(const VrNetworkDef *def)
{
    bool dhcp4 = false, dhcp6 = false;

    for (guint i = 0; i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);
        bool v6 = ip->address.family == AF_INET6;
        bool *seen = v6 ? &dhcp6 : &dhcp4;

        if (vr_net_validate_ip(def, ip) < 0)
            return -1;
        if (!ip->has_dhcp)
            continue;
        if (*seen)
            return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                                  "Multiple %s dhcp sections found -- dhcp is "
                                  "supported only for a single %s address on "
                                  "each network", v6 ? "IPv6" : "IPv4",
                                  v6 ? "IPv6" : "IPv4");
        *seen = true;
    }
    return 0;
}

int
vr_network_def_validate(const VrNetworkDef *def)
{
    if (!def) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NETWORK, "no definition");
        return -1;
    }
    if (!vr_network_name_check(def->name))
        return -1;
    if (def->mac && (g_ascii_xdigit_value(def->mac[1]) & 1))
        return VR_NET_INVALID(VR_ERR_XML_ERROR,
                              "Invalid multicast bridge mac address '%s' in "
                              "network '%s'", def->mac, def->name);
    if (vr_net_validate_forward(def) < 0 || vr_net_validate_ips(def) < 0)
        return -1;
    if (def->forward == VR_NET_FORWARD_BRIDGE && def->mtu)
        return VR_NET_INVALID(VR_ERR_CONFIG_UNSUPPORTED,
                              "Unsupported <mtu> element in network %s with "
                              "forward mode='bridge'", def->name);
    return 0;
}
