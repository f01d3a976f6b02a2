/* network_format.c: VrNetworkDef -> libvirt-style network XML, in
 * libvirt's element order (name, uuid, forward, bridge, mtu, mac, domain,
 * dns, ip) with 2-space indent.  Deterministic; never fails. */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "conf/network_conf.h"
#include "conf/network_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

static void
vr_net_attr_addr(GString *buf, const char *name, const VrNetAddr *a)
{
    g_autofree char *s = vr_net_addr_format(a);

    vr_xml_attr(buf, name, s);
}

static void
vr_net_format_forward(GString *buf, const VrNetworkDef *def)
{
    if (def->forward == VR_NET_FORWARD_NONE)
        return;
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<forward");
    vr_xml_attr(buf, "dev", def->forward_dev);
    vr_xml_attr(buf, "mode", vr_net_forward_mode_to_string(def->forward));
    if (!def->forward_dev && !def->nat_port_start) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (def->nat_port_start) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<nat>\n");
        vr_xml_indent(buf, 3);
        g_string_append(buf, "<port");
        vr_xml_attr_uint(buf, "start", def->nat_port_start);
        vr_xml_attr_uint(buf, "end", def->nat_port_end);
        g_string_append(buf, "/>\n");
        vr_xml_indent(buf, 2);
        g_string_append(buf, "</nat>\n");
    }
    if (def->forward_dev) {
        /* libvirt lists the forward device as an <interface> too */
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<interface");
        vr_xml_attr(buf, "dev", def->forward_dev);
        g_string_append(buf, "/>\n");
    }
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</forward>\n");
}

static void
vr_net_format_bridge(GString *buf, const VrNetworkDef *def)
{
    bool own = def->forward != VR_NET_FORWARD_BRIDGE;

    if (own || def->bridge) {
        vr_xml_indent(buf, 1);
        g_string_append(buf, "<bridge");
        vr_xml_attr(buf, "name", def->bridge);
        if (own) {
            vr_xml_attr(buf, "stp", def->stp ? "on" : "off");
            vr_xml_attr_uint(buf, "delay", def->delay);
        }
        g_string_append(buf, "/>\n");
    }
    if (def->mtu) {
        vr_xml_indent(buf, 1);
        g_string_append_printf(buf, "<mtu size='%u'/>\n", def->mtu);
    }
    if (def->mac) {
        vr_xml_indent(buf, 1);
        g_string_append(buf, "<mac");
        vr_xml_attr(buf, "address", def->mac);
        g_string_append(buf, "/>\n");
    }
    if (def->domain) {
        vr_xml_indent(buf, 1);
        g_string_append(buf, "<domain");
        vr_xml_attr(buf, "name", def->domain);
        if (def->domain_local_only)
            vr_xml_attr(buf, "localOnly", "yes");
        g_string_append(buf, "/>\n");
    }
}

static void
vr_net_format_srv(GString *buf, const VrNetDnsSrv *s)
{
    vr_xml_indent(buf, 2);
    g_string_append(buf, "<srv");
    vr_xml_attr(buf, "service", s->service);
    vr_xml_attr(buf, "protocol", s->protocol);
    vr_xml_attr(buf, "domain", s->domain);
    vr_xml_attr(buf, "target", s->target);
    if (s->port)
        vr_xml_attr_uint(buf, "port", s->port);
    if (s->priority)
        vr_xml_attr_uint(buf, "priority", s->priority);
    if (s->weight)
        vr_xml_attr_uint(buf, "weight", s->weight);
    g_string_append(buf, "/>\n");
}

static void
vr_net_format_dns(GString *buf, const VrNetworkDef *def)
{
    if (!def->dns_forwarders && !def->dns_txts->len && !def->dns_srvs->len &&
        !def->dns_hosts->len)
        return;
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<dns>\n");
    for (char **f = def->dns_forwarders; f && *f; f++) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<forwarder");
        vr_xml_attr(buf, "addr", *f);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < def->dns_txts->len; i++) {
        const VrNetDnsTxt *t = g_ptr_array_index(def->dns_txts, i);

        vr_xml_indent(buf, 2);
        g_string_append(buf, "<txt");
        vr_xml_attr(buf, "name", t->name);
        vr_xml_attr(buf, "value", t->value);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < def->dns_srvs->len; i++)
        vr_net_format_srv(buf, g_ptr_array_index(def->dns_srvs, i));
    for (guint i = 0; i < def->dns_hosts->len; i++) {
        const VrNetDnsHost *h = g_ptr_array_index(def->dns_hosts, i);

        vr_xml_indent(buf, 2);
        g_string_append(buf, "<host");
        vr_net_attr_addr(buf, "ip", &h->ip);
        g_string_append(buf, ">\n");
        for (char **n = h->hostnames; n && *n; n++)
            vr_xml_elem_text(buf, 3, "hostname", *n);
        vr_xml_indent(buf, 2);
        g_string_append(buf, "</host>\n");
    }
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</dns>\n");
}

/* "<lease .../>" child at @level, closing the parent; or "/>". */
static void
vr_net_format_lease_close(GString *buf, const VrNetLease *l, int level,
                          const char *elem)
{
    if (!l->set) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vr_xml_indent(buf, level + 1);
    g_string_append(buf, "<lease");
    vr_xml_attr_uint(buf, "expiry", l->expiry);
    vr_xml_attr(buf, "unit", vr_net_lease_unit_to_string(l->unit));
    g_string_append(buf, "/>\n");
    vr_xml_indent(buf, level);
    g_string_append_printf(buf, "</%s>\n", elem);
}

static void
vr_net_format_host(GString *buf, const VrNetDhcpHost *h, int level)
{
    vr_xml_indent(buf, level);
    g_string_append(buf, "<host");
    vr_xml_attr(buf, "mac", h->mac);
    vr_xml_attr(buf, "id", h->id);
    vr_xml_attr(buf, "name", h->name);
    vr_net_attr_addr(buf, "ip", &h->ip);
    vr_net_format_lease_close(buf, &h->lease, level, "host");
}

char *
vr_network_dhcp_host_format(const VrNetDhcpHost *host)
{
    GString *buf = g_string_new(NULL);

    vr_net_format_host(buf, host, 0);
    g_strchomp(buf->str);
    buf->len = strlen(buf->str);
    return g_string_free(buf, FALSE);
}

static void
vr_net_format_dhcp(GString *buf, const VrNetIpDef *ip)
{
    if (!ip->ranges->len && !ip->hosts->len) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<dhcp/>\n");
        return;
    }
    vr_xml_indent(buf, 2);
    g_string_append(buf, "<dhcp>\n");
    for (guint i = 0; i < ip->ranges->len; i++) {
        const VrNetDhcpRange *r = g_ptr_array_index(ip->ranges, i);

        vr_xml_indent(buf, 3);
        g_string_append(buf, "<range");
        vr_net_attr_addr(buf, "start", &r->start);
        vr_net_attr_addr(buf, "end", &r->end);
        vr_net_format_lease_close(buf, &r->lease, 3, "range");
    }
    for (guint i = 0; i < ip->hosts->len; i++)
        vr_net_format_host(buf, g_ptr_array_index(ip->hosts, i), 3);
    vr_xml_indent(buf, 2);
    g_string_append(buf, "</dhcp>\n");
}

static void
vr_net_format_ip(GString *buf, const VrNetIpDef *ip)
{
    bool v6 = ip->address.family == AF_INET6;

    vr_xml_indent(buf, 1);
    g_string_append(buf, "<ip");
    if (v6 || ip->family_set)
        vr_xml_attr(buf, "family", v6 ? "ipv6" : "ipv4");
    vr_net_attr_addr(buf, "address", &ip->address);
    if (ip->netmask_form && !v6) {
        VrNetAddr mask;

        vr_net_prefix_to_netmask(AF_INET, ip->prefix, &mask);
        vr_net_attr_addr(buf, "netmask", &mask);
    } else {
        vr_xml_attr_uint(buf, "prefix", ip->prefix);
    }
    if (!ip->has_dhcp) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vr_net_format_dhcp(buf, ip);
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</ip>\n");
}

char *
vr_network_def_format(const VrNetworkDef *def, unsigned int flags)
{
    GString *buf = g_string_new("<network>\n");
    char uuid[VR_UUID_STRING_BUFLEN];

    (void)flags;   /* INACTIVE: nothing live is formatted yet */
    vr_xml_elem_text(buf, 1, "name", def->name);
    vr_xml_elem_text(buf, 1, "uuid", vr_uuid_format(def->uuid, uuid));
    vr_net_format_forward(buf, def);
    vr_net_format_bridge(buf, def);
    vr_net_format_dns(buf, def);
    for (guint i = 0; i < def->ips->len; i++)
        vr_net_format_ip(buf, g_ptr_array_index(def->ips, i));
    g_string_append(buf, "</network>\n");
    return g_string_free(buf, FALSE);
}
