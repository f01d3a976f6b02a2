/* network_parse.c: network XML -> VrNetworkDef (libvirt's format, the
 * subset in network_conf.h).  Unknown elements are dropped, as libvirt
 * does; VR_NETWORK_PARSE_VALIDATE checks xml-schemas/network.rng first.
 * Messages follow libvirt's wording where libvirt has one. */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"
#include "conf/network_conf.h"
#include "conf/network_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define VR_NET_XML_ERROR(...) \
    (vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK, __VA_ARGS__), -1)

static bool
vr_is_elem(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Read address attribute @attr of @node into @out.  Returns 0 absent,
 * 1 set, -1 reported ("Invalid address"). */
static int
vr_net_prop_addr(xmlNode *node, const char *attr, const char *netname,
                 VrNetAddr *out)
{
    g_autofree char *v = vr_xml_prop(node, attr);

    if (!v)
        return 0;
    if (vr_net_addr_parse(v, out) < 0)
        return VR_NET_XML_ERROR("Invalid address '%s' in network '%s'", v,
                                netname ? netname : "");
    return 1;
}

/* <lease expiry='N' unit='U'/> child of @node, when present. */
static int
vr_net_parse_lease(xmlNode *node, VrNetLease *lease)
{
    xmlNode *l = vr_xml_child(node, "lease");
    int unit = VR_NET_LEASE_UNIT_MINUTES;
    unsigned int expiry = 0;

    if (!l)
        return 0;
    if (vr_xml_prop_uint(l, "expiry", &expiry) < 0 ||
        vr_xml_prop_enum(l, "unit", vr_net_lease_unit_from_string, false,
                         &unit) < 0)
        return -1;
    lease->set = true;
    lease->expiry = expiry;
    lease->unit = unit;
    return 0;
}

static int
vr_net_parse_mac(const char *str, char **out)
{
    unsigned char mac[6];

    if (vr_mac_parse(str, mac) < 0)
        return -1;
    *out = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
                           mac[2], mac[3], mac[4], mac[5]);
    return 0;
}

VrNetDhcpHost *
vr_net_dhcp_host_parse_node(xmlNode *node, int family, const char *netname)
{
    g_autoptr(VrNetDhcpHost) h = g_new0(VrNetDhcpHost, 1);
    g_autofree char *mac = vr_xml_prop(node, "mac");
    const char *nn = netname ? netname : "";
    int rc;

    h->name = vr_xml_prop(node, "name");
    h->id = vr_xml_prop(node, "id");
    if (mac && family == AF_INET6) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "Invalid to specify MAC address '%s' in network '%s' "
                        "IPv6 static host definition", mac, nn);
        return NULL;
    }
    if (mac && vr_net_parse_mac(mac, &h->mac) < 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "Cannot parse MAC address '%s' in network '%s'", mac, nn);
        return NULL;
    }
    if (family == AF_INET6 && !h->id && !h->name) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "Static host definition in IPv6 network '%s' must have "
                        "id or name attribute", nn);
        return NULL;
    }
    if (family == AF_INET && !h->mac && !h->name) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "Static host definition in IPv4 network '%s' must have "
                        "mac or name attribute", nn);
        return NULL;
    }
    if ((rc = vr_net_prop_addr(node, "ip", netname, &h->ip)) < 0)
        return NULL;
    if (rc == 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "Missing IP address in static host definition for "
                        "network '%s'", nn);
        return NULL;
    }
    if (vr_net_parse_lease(node, &h->lease) < 0)
        return NULL;
    return g_steal_pointer(&h);
}

static int
vr_net_parse_range(VrNetIpDef *ip, xmlNode *node, const char *netname)
{
    g_autofree VrNetDhcpRange *r = g_new0(VrNetDhcpRange, 1);
    int rs, re;

    if ((rs = vr_net_prop_addr(node, "start", netname, &r->start)) < 0 ||
        (re = vr_net_prop_addr(node, "end", netname, &r->end)) < 0)
        return -1;
    if (!rs)
        return VR_NET_XML_ERROR("Missing 'start' attribute in dhcp range for "
                                "network '%s'", netname);
    if (!re)
        return VR_NET_XML_ERROR("Missing 'end' attribute in dhcp range for "
                                "network '%s'", netname);
    if (vr_net_parse_lease(node, &r->lease) < 0)
        return -1;
    g_ptr_array_add(ip->ranges, g_steal_pointer(&r));
    return 0;
}

static int
vr_net_parse_dhcp(VrNetIpDef *ip, xmlNode *dhcp, const char *netname)
{
    ip->has_dhcp = true;
    for (xmlNode *c = dhcp->children; c; c = c->next) {
        if (vr_is_elem(c, "range")) {
            if (vr_net_parse_range(ip, c, netname) < 0)
                return -1;
        } else if (vr_is_elem(c, "host")) {
            VrNetDhcpHost *h = vr_net_dhcp_host_parse_node(
                c, ip->address.family, netname);

            if (!h)
                return -1;
            g_ptr_array_add(ip->hosts, h);
        }
    }
    for (guint i = 0; i < ip->ranges->len && !ip->lease_seconds; i++) {
        const VrNetDhcpRange *r = g_ptr_array_index(ip->ranges, i);

        ip->lease_seconds = vr_net_lease_seconds(&r->lease);
    }
    return 0;
}

/* family= against the address (libvirt's checks and wording). */
static int
vr_net_parse_ip_family(VrNetIpDef *ip, xmlNode *node, const char *netname,
                       const char *address)
{
    g_autofree char *family = vr_xml_prop(node, "family");
    int want;

    if (!family)
        want = AF_INET;
    else if (strcmp(family, "ipv4") == 0)
        want = AF_INET;
    else if (strcmp(family, "ipv6") == 0)
        want = AF_INET6;
    else
        return VR_NET_XML_ERROR("Unrecognized family '%s' in network '%s'",
                                family, netname);
    ip->family_set = family != NULL;
    if (ip->address.family == want)
        return 0;
    if (!family)
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_NETWORK,
                        "no family specified for non-IPv4 address '%s' in "
                        "network '%s'", address, netname);
    else
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_NETWORK,
                        "%s family specified for non-%s address '%s' in "
                        "network '%s'", family, want == AF_INET ? "IPv4" : "IPv6",
                        address, netname);
    return -1;
}

static int
vr_net_parse_netmask(VrNetIpDef *ip, const char *netmask, const char *address,
                     const char *netname, int has_prefix)
{
    VrNetAddr mask;
    int prefix;

    if (ip->address.family != AF_INET) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_NETWORK,
                        "netmask not supported for address '%s' in network "
                        "'%s' (IPv4 only)", address, netname);
        return -1;
    }
    if (has_prefix) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_NETWORK,
                        "Network '%s' IP address cannot have both a prefix "
                        "and a netmask", netname);
        return -1;
    }
    if (vr_net_addr_parse(netmask, &mask) < 0 || mask.family != AF_INET ||
        (prefix = vr_net_netmask_to_prefix(&mask)) < 0)
        return VR_NET_XML_ERROR("Invalid netmask '%s' in network '%s'",
                                netmask, netname);
    ip->prefix = prefix;
    ip->netmask_form = true;
    return 0;
}

static int
vr_net_parse_ip(VrNetworkDef *def, xmlNode *node)
{
    g_autoptr(GPtrArray) hold = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_net_ip_def_free);
    VrNetIpDef *ip = vr_net_ip_def_new();
    g_autofree char *address = vr_xml_prop(node, "address");
    g_autofree char *netmask = vr_xml_prop(node, "netmask");
    xmlNode *dhcp;
    int has_prefix;

    g_ptr_array_add(hold, ip);
    if (!address)
        return VR_NET_XML_ERROR("Missing required address attribute in "
                                "network '%s'", def->name);
    if (vr_net_prop_addr(node, "address", def->name, &ip->address) < 0 ||
        vr_net_parse_ip_family(ip, node, def->name, address) < 0 ||
        (has_prefix = vr_xml_prop_uint(node, "prefix", &ip->prefix)) < 0)
        return -1;
    if (netmask && vr_net_parse_netmask(ip, netmask, address, def->name,
                                        has_prefix) < 0)
        return -1;
    if ((dhcp = vr_xml_child(node, "dhcp")) &&
        vr_net_parse_dhcp(ip, dhcp, def->name) < 0)
        return -1;
    g_ptr_array_add(def->ips, g_ptr_array_steal_index(hold, 0));
    return 0;
}

static int
vr_net_parse_forward(VrNetworkDef *def, xmlNode *root)
{
    xmlNode *fwd = vr_xml_child(root, "forward");
    xmlNode *nat, *port, *iface;
    g_autofree char *mode = NULL;
    int m;

    if (!fwd)
        return 0;   /* isolated */
    def->forward = VR_NET_FORWARD_NAT;   /* <forward/> means nat */
    if ((mode = vr_xml_prop(fwd, "mode"))) {
        if ((m = vr_net_forward_mode_from_string(mode)) < 0 ||
            m == VR_NET_FORWARD_NONE) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_NETWORK,
                            "unknown forwarding type '%s'", mode);
            return -1;
        }
        def->forward = m;
    }
    def->forward_dev = vr_xml_prop(fwd, "dev");
    if (!def->forward_dev && (iface = vr_xml_child(fwd, "interface")))
        def->forward_dev = vr_xml_prop(iface, "dev");
    if (!(nat = vr_xml_child(fwd, "nat")) || !(port = vr_xml_child(nat, "port")))
        return 0;
    if (vr_xml_prop_uint(port, "start", &def->nat_port_start) <= 0 ||
        def->nat_port_start > 65535)
        return VR_NET_XML_ERROR("Missing or invalid 'start' attribute in "
                                "<port> in <nat> in <forward> in network %s",
                                def->name);
    if (vr_xml_prop_uint(port, "end", &def->nat_port_end) <= 0 ||
        def->nat_port_end > 65535 || def->nat_port_end < def->nat_port_start)
        return VR_NET_XML_ERROR("Missing or invalid 'end' attribute in "
                                "<port> in <nat> in <forward> in network %s",
                                def->name);
    return 0;
}

static int
vr_net_parse_bridge(VrNetworkDef *def, xmlNode *root)
{
    xmlNode *br = vr_xml_child(root, "bridge");
    xmlNode *mac = vr_xml_child(root, "mac");
    xmlNode *dom = vr_xml_child(root, "domain");
    xmlNode *mtu = vr_xml_child(root, "mtu");
    g_autofree char *addr = NULL;

    if (br && (vr_xml_prop_bool(br, "stp", &def->stp) < 0 ||
               vr_xml_prop_uint(br, "delay", &def->delay) < 0))
        return -1;
    def->bridge = br ? vr_xml_prop(br, "name") : NULL;
    if (mac && (addr = vr_xml_prop(mac, "address"))) {
        if (vr_net_parse_mac(addr, &def->mac) < 0)
            return VR_NET_XML_ERROR("Invalid bridge mac address '%s' in "
                                    "network '%s'", addr, def->name);
        if (g_ascii_xdigit_value(def->mac[1]) & 1)
            return VR_NET_XML_ERROR("Invalid multicast bridge mac address "
                                    "'%s' in network '%s'", addr, def->name);
    }
    if (dom) {
        def->domain = vr_xml_prop(dom, "name");
        if (vr_xml_prop_bool(dom, "localOnly", &def->domain_local_only) < 0)
            return -1;
    }
    if (mtu && vr_xml_prop_uint(mtu, "size", &def->mtu) < 0)
        return -1;
    return 0;
}

static int
vr_net_parse_dns_host(VrNetworkDef *def, xmlNode *node)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autofree VrNetDnsHost *h = g_new0(VrNetDnsHost, 1);
    int rc;

    if ((rc = vr_net_prop_addr(node, "ip", def->name, &h->ip)) < 0)
        return -1;
    if (rc == 0) {
        vr_error_report(VR_ERR_XML_DETAIL, VR_FROM_NETWORK,
                        "Missing IP address in network '%s' DNS HOST record",
                        def->name);
        return -1;
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        if (vr_is_elem(c, "hostname")) {
            char *t = g_strstrip(vr_xml_text(c));

            if (*t)
                g_ptr_array_add(names, t);
            else
                g_free(t);
        }
    }
    if (!names->len) {
        vr_error_report(VR_ERR_XML_DETAIL, VR_FROM_NETWORK,
                        "Missing hostname in network '%s' DNS HOST record",
                        def->name);
        return -1;
    }
    g_ptr_array_add(names, NULL);
    h->hostnames = (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
    g_ptr_array_add(def->dns_hosts, g_steal_pointer(&h));
    return 0;
}

static int
vr_net_parse_dns_srv(VrNetworkDef *def, xmlNode *node)
{
    VrNetDnsSrv *s = g_new0(VrNetDnsSrv, 1);

    g_ptr_array_add(def->dns_srvs, s);
    s->service = vr_xml_prop(node, "service");
    s->protocol = vr_xml_prop(node, "protocol");
    s->domain = vr_xml_prop(node, "domain");
    s->target = vr_xml_prop(node, "target");
    if (!s->service)
        return VR_NET_XML_ERROR("missing required service attribute in DNS "
                                "SRV record of network '%s'", def->name);
    if (!s->protocol)
        return VR_NET_XML_ERROR("missing required protocol attribute in DNS "
                                "SRV record '%s' of network '%s'", s->service,
                                def->name);
    if (strcmp(s->protocol, "tcp") != 0 && strcmp(s->protocol, "udp") != 0)
        return VR_NET_XML_ERROR("Invalid protocol attribute value '%s' in DNS "
                                "SRV record of network '%s'", s->protocol,
                                def->name);
    if (vr_xml_prop_uint(node, "port", &s->port) < 0 ||
        vr_xml_prop_uint(node, "priority", &s->priority) < 0 ||
        vr_xml_prop_uint(node, "weight", &s->weight) < 0)
        return -1;
    if (s->port > 65535 || s->priority > 65535 || s->weight > 65535)
        return VR_NET_XML_ERROR("DNS SRV record '%s' of network '%s': port, "
                                "priority and weight must be at most 65535",
                                s->service, def->name);
    return 0;
}

static int
vr_net_parse_dns_txt(VrNetworkDef *def, xmlNode *node)
{
    VrNetDnsTxt *t = g_new0(VrNetDnsTxt, 1);

    g_ptr_array_add(def->dns_txts, t);
    t->name = vr_xml_prop(node, "name");
    t->value = vr_xml_prop(node, "value");
    if (!t->name)
        return VR_NET_XML_ERROR("missing required name attribute in DNS TXT "
                                "record of network '%s'", def->name);
    if (!t->value)
        return VR_NET_XML_ERROR("missing required value attribute in DNS TXT "
                                "record '%s' of network '%s'", t->name, def->name);
    if (strchr(t->name, ' '))
        return VR_NET_XML_ERROR("prohibited space character in DNS TXT record "
                                "name '%s' of network '%s'", t->name, def->name);
    return 0;
}

static int
vr_net_parse_dns_forwarder(GPtrArray *fwds, xmlNode *node, const char *netname)
{
    g_autofree char *addr = vr_xml_prop(node, "addr");
    VrNetAddr a;

    if (!addr)
        return 0;   /* domain-only forwarders are not supported: dropped */
    if (vr_net_addr_parse(addr, &a) < 0)
        return VR_NET_XML_ERROR("Invalid forwarder IP address '%s' in "
                                "network '%s'", addr, netname);
    g_ptr_array_add(fwds, vr_net_addr_format(&a));
    return 0;
}

static int
vr_net_parse_dns(VrNetworkDef *def, xmlNode *root)
{
    xmlNode *dns = vr_xml_child(root, "dns");
    g_autoptr(GPtrArray) fwds = g_ptr_array_new_with_free_func(g_free);
    int rc = 0;

    for (xmlNode *c = dns ? dns->children : NULL; c && rc == 0; c = c->next) {
        if (vr_is_elem(c, "host"))
            rc = vr_net_parse_dns_host(def, c);
        else if (vr_is_elem(c, "srv"))
            rc = vr_net_parse_dns_srv(def, c);
        else if (vr_is_elem(c, "txt"))
            rc = vr_net_parse_dns_txt(def, c);
        else if (vr_is_elem(c, "forwarder"))
            rc = vr_net_parse_dns_forwarder(fwds, c, def->name);
    }
    if (rc < 0)
        return -1;
    if (fwds->len) {
        g_ptr_array_add(fwds, NULL);
        def->dns_forwarders = (char **)g_ptr_array_free(g_steal_pointer(&fwds),
                                                        FALSE);
    }
    return 0;
}

static int
vr_net_parse_identity(VrNetworkDef *def, xmlNode *root)
{
    g_autofree char *uuid = NULL;

    if (!(def->name = vr_xml_child_text(root, "name"))) {
        vr_error_report(VR_ERR_NO_NAME, VR_FROM_NETWORK, "network");
        return -1;
    }
    g_strstrip(def->name);
    if (!vr_network_name_check(def->name))
        return -1;
    if ((uuid = vr_xml_child_text(root, "uuid")) &&
        vr_uuid_parse(uuid, def->uuid) < 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "malformed uuid element");
        return -1;
    }
    return 0;
}

static VrNetworkDef *
vr_network_def_parse_node(xmlNode *root)
{
    g_autoptr(VrNetworkDef) def = vr_network_def_new();

    if (strcmp((const char *)root->name, "network") != 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "unexpected root element <%s>, expecting <network>",
                        (const char *)root->name);
        return NULL;
    }
    if (vr_net_parse_identity(def, root) < 0 ||
        vr_net_parse_forward(def, root) < 0 ||
        vr_net_parse_bridge(def, root) < 0 ||
        vr_net_parse_dns(def, root) < 0)
        return NULL;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (vr_is_elem(c, "ip") && vr_net_parse_ip(def, c) < 0)
            return NULL;
    }
    return g_steal_pointer(&def);
}

VrNetworkDef *
vr_network_def_parse_only(const char *xml, const char *origin,
                          unsigned int flags)
{
    xmlDoc *doc;
    VrNetworkDef *def;

    if (VR_CHECK_FLAGS(flags, VR_NETWORK_PARSE_VALIDATE) < 0)
        return NULL;
    if (!origin)
        origin = "(network_definition)";
    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NETWORK,
                        "no XML document given");
        return NULL;
    }
    if (!(doc = vr_xml_parse(xml, origin, VR_FROM_NETWORK)))
        return NULL;
    if ((flags & VR_NETWORK_PARSE_VALIDATE) &&
        vr_xml_validate_schema(xml, origin, "network") < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    def = vr_network_def_parse_node(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return def;
}

VrNetworkDef *
vr_network_def_parse_string(const char *xml, const char *origin,
                            unsigned int flags)
{
    g_autoptr(VrNetworkDef) def = vr_network_def_parse_only(xml, origin, flags);

    if (!def || vr_network_def_post_parse(def) < 0 ||
        vr_network_def_validate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* Parse a lone <host> for @family (0: from its ip attribute). */
static VrNetDhcpHost *
vr_net_dhcp_host_parse_doc(const char *xml, int family, const char *netname)
{
    xmlDoc *doc;
    xmlNode *root;
    VrNetDhcpHost *h = NULL;
    VrNetAddr ip;

    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NETWORK,
                        "no XML document given");
        return NULL;
    }
    if (!(doc = vr_xml_parse(xml, "(dhcp_host)", VR_FROM_NETWORK)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "host") != 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                        "unexpected root element <%s>, expecting <host>",
                        (const char *)root->name);
    } else {
        if (!family) {
            g_autofree char *v = vr_xml_prop(root, "ip");

            family = v && vr_net_addr_parse(v, &ip) == 0 ? ip.family : AF_INET;
        }
        h = vr_net_dhcp_host_parse_node(root, family, netname);
    }
    xmlFreeDoc(doc);
    return h;
}

VrNetDhcpHost *
vr_network_dhcp_host_parse(const char *xml)
{
    return vr_net_dhcp_host_parse_doc(xml, 0, NULL);
}

VrNetDhcpHost *
vr_network_dhcp_host_parse_family(const char *xml, int family,
                                  const char *netname)
{
    return vr_net_dhcp_host_parse_doc(xml, family, netname);
}
