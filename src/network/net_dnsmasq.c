/* net_dnsmasq.c: the dnsmasq configuration of a virtual network, as pure
 * formatters (definition in, text out) so golden tests pin them down.
 *
 * The layout mirrors what libvirt 9.0's network driver writes
 * (networkDnsmasqConfContents), so a network behaves the same under both:
 * same option order, same DHCP range and lease-max arithmetic, same
 * "first IPv4 and first IPv6 DHCP definition" rule.  Differences: we run
 * dnsmasq ourselves, so the lease file (dhcp-leasefile=) and the user to
 * drop to (user=) are in the file instead of on a command line.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "network/net_dnsmasq.h"
#include "util/vr_log.h"

/* The IPv4 netmask for @prefix, as text ("255.255.255.0"). */
static char *
netmask_format(unsigned int prefix)
{
    VrNetAddr mask = { .family = AF_INET };
    uint32_t bits = prefix ? 0xffffffffu << (32 - MIN(prefix, 32)) : 0;

    mask.addr[0] = bits >> 24;
    mask.addr[1] = (bits >> 16) & 0xff;
    mask.addr[2] = (bits >> 8) & 0xff;
    mask.addr[3] = bits & 0xff;
    return vr_net_addr_format(&mask);
}

/* Number of addresses in [start, end], like libvirt's virSocketAddrGetRange:
 * the difference of the low 64 bits (v6) or the whole address (v4), plus
 * one; 0 when the range is backwards, capped at INT32_MAX. */
static unsigned int
range_size(const VrNetDhcpRange *r)
{
    size_t len = r->start.family == AF_INET6 ? 16 : 4;
    size_t low = len == 16 ? 8 : 0;
    uint64_t s = 0, e = 0;

    if (memcmp(r->start.addr, r->end.addr, low) != 0)
        return INT32_MAX;
    for (size_t i = low; i < len; i++) {
        s = (s << 8) | r->start.addr[i];
        e = (e << 8) | r->end.addr[i];
    }
    if (e < s)
        return 0;
    return e - s >= INT32_MAX ? INT32_MAX : (unsigned int)(e - s + 1);
}

/* libvirt's networkBuildDnsmasqLeaseTime: nothing without <lease>,
 * "infinite" for expiry 0, else the number and the unit's first letter. */
static char *
lease_format(const VrNetLease *lease)
{
    static const char units[VR_NET_LEASE_UNIT_LAST] = { 's', 'm', 'h' };

    if (!lease->set)
        return NULL;
    if (lease->expiry == 0)
        return g_strdup("infinite");
    return g_strdup_printf("%u%c", lease->expiry,
                           lease->unit < VR_NET_LEASE_UNIT_LAST ?
                           units[lease->unit] : 'm');
}

static bool
ip_is_v6(const VrNetIpDef *ip)
{
    return ip->address.family == AF_INET6;
}

static bool
ip_wants_dhcp(const VrNetIpDef *ip)
{
    return (ip->ranges && ip->ranges->len) || (ip->hosts && ip->hosts->len);
}

/* The first IPv4 and first IPv6 address with DHCP ranges or hosts: dnsmasq
 * serves one of each (libvirt refuses more; the validator should too). */
static void
find_dhcp_ips(const VrNetworkDef *def, const VrNetIpDef **v4,
              const VrNetIpDef **v6)
{
    *v4 = *v6 = NULL;
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);
        const VrNetIpDef **slot = ip_is_v6(ip) ? v6 : v4;

        if (!ip_wants_dhcp(ip))
            continue;
        if (*slot)
            VR_WARN("network '%s': only the first DHCP definition per "
                    "address family is used", def->name);
        else
            *slot = ip;
    }
}

static void
format_forwarders(GString *buf, const VrNetworkDef *def)
{
    if (!def->dns_forwarders || !def->dns_forwarders[0])
        return;
    for (size_t i = 0; def->dns_forwarders[i]; i++)
        g_string_append_printf(buf, "server=%s\n", def->dns_forwarders[i]);
    /* Forwarders for all names replace the host's resolv.conf. */
    g_string_append(buf, "no-resolv\n");
}

static void
format_domain(GString *buf, const VrNetworkDef *def)
{
    if (!def->domain)
        return;
    if (def->domain_local_only)
        g_string_append_printf(buf, "local=/%s/\n", def->domain);
    g_string_append_printf(buf, "domain=%s\nexpand-hosts\n", def->domain);
}

static void
format_txts(GString *buf, const VrNetworkDef *def)
{
    for (guint i = 0; def->dns_txts && i < def->dns_txts->len; i++) {
        const VrNetDnsTxt *t = g_ptr_array_index(def->dns_txts, i);

        g_string_append_printf(buf, "txt-record=%s,%s\n", t->name,
                               t->value ? t->value : "");
    }
}

/* srv-host=_SERVICE._PROTO[.DOMAIN][,TARGET[,PORT[,PRIORITY[,WEIGHT]]]]:
 * positional, so a later field forces the earlier ones (port defaults to
 * 1 in dnsmasq); no target or "." means "service not available". */
static void
format_srv(GString *buf, const VrNetDnsSrv *s)
{
    g_string_append_printf(buf, "srv-host=_%s._%s", s->service, s->protocol);
    if (s->domain)
        g_string_append_printf(buf, ".%s", s->domain);
    if (s->target && strcmp(s->target, ".") != 0) {
        g_string_append_printf(buf, ",%s", s->target);
        if (s->port || s->priority || s->weight)
            g_string_append_printf(buf, ",%u", s->port ? s->port : 1);
        if (s->priority || s->weight)
            g_string_append_printf(buf, ",%u", s->priority);
        if (s->weight)
            g_string_append_printf(buf, ",%u", s->weight);
    }
    g_string_append_c(buf, '\n');
}

static void
format_srvs(GString *buf, const VrNetworkDef *def)
{
    for (guint i = 0; def->dns_srvs && i < def->dns_srvs->len; i++)
        format_srv(buf, g_ptr_array_index(def->dns_srvs, i));
}

/* dhcp-range lines of one address; returns the number of leases. */
static unsigned int
format_ranges(GString *buf, const VrNetIpDef *ip)
{
    unsigned int total = 0;

    for (guint i = 0; ip->ranges && i < ip->ranges->len; i++) {
        const VrNetDhcpRange *r = g_ptr_array_index(ip->ranges, i);
        g_autofree char *s = vr_net_addr_format(&r->start);
        g_autofree char *e = vr_net_addr_format(&r->end);
        g_autofree char *lease = lease_format(&r->lease);

        g_string_append_printf(buf, "dhcp-range=%s,%s,", s, e);
        if (ip_is_v6(ip)) {
            g_string_append_printf(buf, "%u", ip->prefix);
        } else {
            g_autofree char *mask = netmask_format(ip->prefix);

            g_string_append(buf, mask);
        }
        if (lease)
            g_string_append_printf(buf, ",%s", lease);
        g_string_append_c(buf, '\n');
        total += range_size(r);
    }
    return total;
}

/* DHCP for one address: ranges, or a "static" range when there are only
 * host reservations (dnsmasq needs a range to serve dhcp-host entries). */
static unsigned int
format_dhcp_ip(GString *buf, const VrNetIpDef *ip)
{
    unsigned int leases = format_ranges(buf, ip);

    if ((!ip->ranges || !ip->ranges->len) && ip->hosts && ip->hosts->len) {
        g_autofree char *addr = vr_net_addr_format(&ip->address);

        g_string_append_printf(buf, "dhcp-range=%s,static", addr);
        if (ip_is_v6(ip))
            g_string_append_printf(buf, ",%u", ip->prefix);
        g_string_append_c(buf, '\n');
    }
    if (!ip_is_v6(ip))
        g_string_append(buf, "dhcp-no-override\ndhcp-authoritative\n");
    return leases;
}

static void
format_header(GString *buf, const VrNetworkDef *def)
{
    g_string_append_printf(buf,
        "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
        "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n"
        "##    vsh net-edit %s\n"
        "## or other application using the libvirt API.\n"
        "##\n"
        "## dnsmasq conf file created by vireo\n", def->name);
}

static void
format_process(GString *buf, const VrNetworkDef *def,
               const NetDnsmasqParams *params)
{
    if (params->pidfile)
        g_string_append_printf(buf, "pid-file=%s\n", params->pidfile);
    if (params->user)
        g_string_append_printf(buf, "user=%s\n", params->user);
    /* Only our bridge: never the host's loopback or other interfaces
     * (bind-dynamic with interface= only, CVE-2012-3411). */
    g_string_append_printf(buf, "except-interface=lo\nbind-dynamic\n"
                           "interface=%s\n", def->bridge ? def->bridge : "");
}

/* IPv6 without DHCP gets router advertisements only (SLAAC). */
static void
format_ra(GString *buf, const VrNetworkDef *def, const VrNetIpDef *v6)
{
    if (v6) {
        g_string_append(buf, "enable-ra\n");
        return;
    }
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);
        g_autofree char *addr = NULL;

        if (!ip_is_v6(ip) || ip_wants_dhcp(ip))
            continue;
        addr = vr_net_addr_format(&ip->address);
        g_string_append_printf(buf, "dhcp-range=%s,ra-only\n", addr);
    }
}

char *
net_dnsmasq_conf_format(const VrNetworkDef *def,
                        const NetDnsmasqParams *params)
{
    GString *buf = g_string_new(NULL);
    const VrNetIpDef *v4, *v6;
    unsigned int leases = 0;

    format_header(buf, def);
    g_string_append(buf, "strict-order\n");
    format_forwarders(buf, def);
    format_domain(buf, def);
    format_process(buf, def, params);
    format_txts(buf, def);
    format_srvs(buf, def);
    find_dhcp_ips(def, &v4, &v6);
    if (v4)
        leases += format_dhcp_ip(buf, v4);
    if (v6)
        leases += format_dhcp_ip(buf, v6);
    if (leases)
        g_string_append_printf(buf, "dhcp-lease-max=%u\n", MIN(leases, INT32_MAX));
    /* Written even when empty so net-update can add hosts at runtime. */
    if (v4 || v6) {
        if (params->hostsfile)
            g_string_append_printf(buf, "dhcp-hostsfile=%s\n", params->hostsfile);
        if (params->leasefile)
            g_string_append_printf(buf, "dhcp-leasefile=%s\n", params->leasefile);
    }
    if (params->addnhosts)
        g_string_append_printf(buf, "addn-hosts=%s\n", params->addnhosts);
    if (def->mtu)
        g_string_append_printf(buf, "dhcp-option=option:mtu,%u\n", def->mtu);
    format_ra(buf, def, v6);
    return g_string_free(buf, FALSE);
}

/* One dhcp-hostsfile line, as libvirt's hostsfileAdd writes it: v4
 * "MAC,IP,NAME", "NAME,IP" or "MAC,IP"; v6 "id:DUID,NAME,[IP6]",
 * "NAME,[IP6]", "id:DUID,[IP6]" (or "MAC,[IP6]"); then ",LEASE". */
static void
format_dhcp_host(GString *buf, const VrNetDhcpHost *h)
{
    g_autofree char *ip = NULL;
    g_autofree char *lease = lease_format(&h->lease);

    if (h->ip.family != AF_INET && h->ip.family != AF_INET6)
        return;
    ip = vr_net_addr_format(&h->ip);
    if (h->ip.family == AF_INET6) {
        if (h->id && h->name)
            g_string_append_printf(buf, "id:%s,%s,[%s]", h->id, h->name, ip);
        else if (h->name)
            g_string_append_printf(buf, "%s,[%s]", h->name, ip);
        else if (h->id)
            g_string_append_printf(buf, "id:%s,[%s]", h->id, ip);
        else if (h->mac)
            g_string_append_printf(buf, "%s,[%s]", h->mac, ip);
        else
            return;
    } else if (h->mac && h->name) {
        g_string_append_printf(buf, "%s,%s,%s", h->mac, ip, h->name);
    } else if (h->name || h->mac) {
        g_string_append_printf(buf, "%s,%s", h->name ? h->name : h->mac, ip);
    } else {
        return;
    }
    if (lease)
        g_string_append_printf(buf, ",%s", lease);
    g_string_append_c(buf, '\n');
}

char *
net_dnsmasq_hostsfile_format(const VrNetworkDef *def)
{
    GString *buf = g_string_new(NULL);
    const VrNetIpDef *v4, *v6;

    find_dhcp_ips(def, &v4, &v6);
    for (size_t k = 0; k < 2; k++) {
        const VrNetIpDef *ip = k == 0 ? v4 : v6;

        for (guint i = 0; ip && ip->hosts && i < ip->hosts->len; i++)
            format_dhcp_host(buf, g_ptr_array_index(ip->hosts, i));
    }
    return g_string_free(buf, FALSE);
}

char *
net_dnsmasq_addnhosts_format(const VrNetworkDef *def)
{
    GString *buf = g_string_new(NULL);

    for (guint i = 0; def->dns_hosts && i < def->dns_hosts->len; i++) {
        const VrNetDnsHost *h = g_ptr_array_index(def->dns_hosts, i);
        g_autofree char *ip = vr_net_addr_format(&h->ip);

        if (!h->hostnames || !h->hostnames[0])
            continue;
        g_string_append(buf, ip);
        for (size_t j = 0; h->hostnames[j]; j++)
            g_string_append_printf(buf, " %s", h->hostnames[j]);
        g_string_append_c(buf, '\n');
    }
    return g_string_free(buf, FALSE);
}
