/* net_leases.c: dnsmasq's lease file -> NetLease records (net-dhcp-leases,
 * domifaddr).
 *
 * dnsmasq writes one lease a line, "EXPIRY MAC IP HOSTNAME CLIENTID" with
 * "*" for an unknown hostname or client id, and 0 as the expiry of an
 * infinite lease.  IPv6 leases follow a "duid SERVER-DUID" line and carry
 * the IAID (prefixed "T" for temporary addresses) in the MAC column.  The
 * file is written by a process running as an unprivileged user, so every
 * field is checked and a bad line is skipped rather than trusted.
 */
#include <config.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "network/net_dnsmasq.h"
#include "util/vr_log.h"

void
net_lease_free(NetLease *lease)
{
    if (!lease)
        return;
    g_free(lease->mac);
    g_free(lease->ip);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease->iaid);
    g_free(lease);
}

/* "aa:bb:..." of hex pairs: an Ethernet address has 6.  Lowercased. */
static char *
parse_mac(const char *s)
{
    size_t len = strlen(s);

    if (len != 17)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !g_ascii_isxdigit(s[i]))
            return NULL;
    }
    return g_ascii_strdown(s, -1);
}

/* An IAID: decimal, optionally prefixed "T" (temporary address). */
static bool
valid_iaid(const char *s)
{
    if (*s == 'T')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (!g_ascii_isdigit(*s))
            return false;
    return true;
}

static bool
parse_expiry(const char *s, long long *out)
{
    char *end = NULL;
    long long v;

    if (!g_ascii_isdigit(*s))
        return false;
    v = g_ascii_strtoll(s, &end, 10);
    if (*end || v < 0)
        return false;
    *out = v;
    return true;
}

/* The address in canonical text form, or NULL if not of @family. */
static char *
parse_ip(const char *s, int family)
{
    unsigned char bin[16];
    char text[INET6_ADDRSTRLEN];

    if (inet_pton(family, s, bin) != 1 ||
        !inet_ntop(family, bin, text, sizeof(text)))
        return NULL;
    return g_strdup(text);
}

static char *
optional_field(const char *s)
{
    return strcmp(s, "*") == 0 ? NULL : g_strdup(s);
}

/* One lease line split into fields; NULL if malformed (not reported). */
static NetLease *
parse_line(char **f, bool v6)
{
    g_autoptr(NetLease) l = g_new0(NetLease, 1);

    if (g_strv_length(f) != 5 || !parse_expiry(f[0], &l->expiry))
        return NULL;
    l->family = v6 ? AF_INET6 : AF_INET;
    if (v6) {
        if (!valid_iaid(f[1]))
            return NULL;
        l->iaid = g_strdup(f[1]);
    } else if (!(l->mac = parse_mac(f[1]))) {
        return NULL;
    }
    if (!(l->ip = parse_ip(f[2], l->family)))
        return NULL;
    l->hostname = optional_field(f[3]);
    l->clientid = optional_field(f[4]);
    return g_steal_pointer(&l);
}

GPtrArray *
net_dnsmasq_leases_parse(const char *text)
{
    GPtrArray *leases =
        g_ptr_array_new_with_free_func((GDestroyNotify) net_lease_free);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    bool v6 = false;

    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = NULL;
        NetLease *l;

        g_strstrip(lines[i]);
        if (!*lines[i])
            continue;
        f = g_strsplit_set(lines[i], " \t", -1);
        if (strcmp(f[0], "duid") == 0) {
            v6 = true;
            continue;
        }
        if (!(l = parse_line(f, v6))) {
            VR_DEBUG("skipping malformed lease line %zu: '%s'", i + 1,
                     lines[i]);
            continue;
        }
        g_ptr_array_add(leases, l);
    }
    return leases;
}

void
net_dnsmasq_leases_fill_prefix(GPtrArray *leases, const VrNetworkDef *def)
{
    for (guint i = 0; i < leases->len; i++) {
        NetLease *l = g_ptr_array_index(leases, i);
        VrNetAddr a;

        if (vr_net_addr_parse(l->ip, &a) < 0)
            continue;
        for (guint j = 0; def->ips && j < def->ips->len; j++) {
            const VrNetIpDef *ip = g_ptr_array_index(def->ips, j);

            if (ip->address.family == a.family &&
                vr_net_addr_in_subnet(&a, &ip->address, ip->prefix)) {
                l->prefix = ip->prefix;
                break;
            }
        }
    }
}
