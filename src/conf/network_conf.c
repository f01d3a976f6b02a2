/* network_conf.c: the network definition's lifetime: allocation, deep
 * copy, free, and the name rules.  Parsing, post-parse/validation and
 * formatting live in network_parse.c, network_validate.c and
 * network_format.c. */
#include <config.h>

#include <string.h>

#include "conf/network_conf.h"
#include "conf/network_conf_priv.h"
#include "util/vr_error.h"

void
vr_network_dhcp_host_free(VrNetDhcpHost *host)
{
    if (!host)
        return;
    g_free(host->mac);
    g_free(host->name);
    g_free(host->id);
    g_free(host);
}

static void
vr_net_dns_host_free(VrNetDnsHost *h)
{
    if (!h)
        return;
    g_strfreev(h->hostnames);
    g_free(h);
}

static void
vr_net_dns_srv_free(VrNetDnsSrv *s)
{
    if (!s)
        return;
    g_free(s->service);
    g_free(s->protocol);
    g_free(s->domain);
    g_free(s->target);
    g_free(s);
}

static void
vr_net_dns_txt_free(VrNetDnsTxt *t)
{
    if (!t)
        return;
    g_free(t->name);
    g_free(t->value);
    g_free(t);
}

VrNetIpDef *
vr_net_ip_def_new(void)
{
    VrNetIpDef *ip = g_new0(VrNetIpDef, 1);

    ip->ranges = g_ptr_array_new_with_free_func(g_free);
    ip->hosts = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_network_dhcp_host_free);
    return ip;
}

void
vr_net_ip_def_free(VrNetIpDef *ip)
{
    if (!ip)
        return;
    g_ptr_array_unref(ip->ranges);
    g_ptr_array_unref(ip->hosts);
    g_free(ip);
}

VrNetworkDef *
vr_network_def_new(void)
{
    VrNetworkDef *def = g_new0(VrNetworkDef, 1);

    def->stp = true;
    def->dns_hosts = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_net_dns_host_free);
    def->dns_srvs = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_net_dns_srv_free);
    def->dns_txts = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_net_dns_txt_free);
    def->ips = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vr_net_ip_def_free);
    return def;
}

void
vr_network_def_free(VrNetworkDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->forward_dev);
    g_free(def->bridge);
    g_free(def->mac);
    g_free(def->domain);
    g_ptr_array_unref(def->dns_hosts);
    g_strfreev(def->dns_forwarders);
    g_ptr_array_unref(def->dns_srvs);
    g_ptr_array_unref(def->dns_txts);
    g_ptr_array_unref(def->ips);
    g_free(def);
}

static VrNetDhcpHost *
vr_net_dhcp_host_copy(const VrNetDhcpHost *h)
{
    VrNetDhcpHost *c = g_memdup2(h, sizeof(*h));

    c->mac = g_strdup(h->mac);
    c->name = g_strdup(h->name);
    c->id = g_strdup(h->id);
    return c;
}

static VrNetIpDef *
vr_net_ip_def_copy(const VrNetIpDef *ip)
{
    VrNetIpDef *c = vr_net_ip_def_new();
    GPtrArray *ranges = c->ranges;
    GPtrArray *hosts = c->hosts;

    *c = *ip;
    c->ranges = ranges;
    c->hosts = hosts;
    for (guint i = 0; i < ip->ranges->len; i++)
        g_ptr_array_add(c->ranges, g_memdup2(g_ptr_array_index(ip->ranges, i),
                                             sizeof(VrNetDhcpRange)));
    for (guint i = 0; i < ip->hosts->len; i++)
        g_ptr_array_add(c->hosts,
                        vr_net_dhcp_host_copy(g_ptr_array_index(ip->hosts, i)));
    return c;
}

static void
vr_net_dns_copy(VrNetworkDef *c, const VrNetworkDef *def)
{
    for (guint i = 0; i < def->dns_hosts->len; i++) {
        const VrNetDnsHost *h = g_ptr_array_index(def->dns_hosts, i);
        VrNetDnsHost *n = g_new0(VrNetDnsHost, 1);

        n->ip = h->ip;
        n->hostnames = g_strdupv(h->hostnames);
        g_ptr_array_add(c->dns_hosts, n);
    }
    for (guint i = 0; i < def->dns_srvs->len; i++) {
        const VrNetDnsSrv *s = g_ptr_array_index(def->dns_srvs, i);
        VrNetDnsSrv *n = g_memdup2(s, sizeof(*s));

        n->service = g_strdup(s->service);
        n->protocol = g_strdup(s->protocol);
        n->domain = g_strdup(s->domain);
        n->target = g_strdup(s->target);
        g_ptr_array_add(c->dns_srvs, n);
    }
    for (guint i = 0; i < def->dns_txts->len; i++) {
        const VrNetDnsTxt *t = g_ptr_array_index(def->dns_txts, i);
        VrNetDnsTxt *n = g_new0(VrNetDnsTxt, 1);

        n->name = g_strdup(t->name);
        n->value = g_strdup(t->value);
        g_ptr_array_add(c->dns_txts, n);
    }
    c->dns_forwarders = g_strdupv(def->dns_forwarders);
}

VrNetworkDef *
vr_network_def_copy(const VrNetworkDef *def)
{
    VrNetworkDef *c;

    if (!def)
        return NULL;
    c = vr_network_def_new();
    c->name = g_strdup(def->name);
    memcpy(c->uuid, def->uuid, sizeof(c->uuid));
    c->forward = def->forward;
    c->forward_dev = g_strdup(def->forward_dev);
    c->nat_port_start = def->nat_port_start;
    c->nat_port_end = def->nat_port_end;
    c->bridge = g_strdup(def->bridge);
    c->stp = def->stp;
    c->delay = def->delay;
    c->mac = g_strdup(def->mac);
    c->domain = g_strdup(def->domain);
    c->domain_local_only = def->domain_local_only;
    c->mtu = def->mtu;
    vr_net_dns_copy(c, def);
    for (guint i = 0; i < def->ips->len; i++)
        g_ptr_array_add(c->ips, vr_net_ip_def_copy(g_ptr_array_index(def->ips, i)));
    return c;
}

bool
vr_network_name_check(const char *name)
{
    const char *why = NULL;

    if (!name || !*name)
        why = "must not be empty";
    else if (strlen(name) > 255)
        why = "must be at most 255 bytes long";
    else if (name[0] == '.')
        why = "must not start with '.'";
    else {
        for (const char *p = name; *p; p++) {
            if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                why = "must not contain control characters";
                break;
            }
        }
    }
    if (name && strchr(name, '/')) {
        /* libvirt's exact wording */
        vr_error_report(VR_ERR_XML_DETAIL, VR_FROM_NETWORK,
                        "invalid char in name: /");
        return false;
    }
    if (!why)
        return true;
    vr_error_report(VR_ERR_XML_ERROR, VR_FROM_NETWORK,
                    "invalid network name '%s': a name %s",
                    name ? name : "", why);
    return false;
}
