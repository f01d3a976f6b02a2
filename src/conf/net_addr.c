/* net_addr.c: IPv4/IPv6 address helpers for network definitions (parse,
 * format, subnet membership and overlap, netmask <-> prefix) and the
 * forward-mode and lease-unit string tables.  Pure functions, no errors
 * reported: a bad address is an expected answer the caller words. */
#include <config.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/network_conf.h"
#include "conf/network_conf_priv.h"

static const char *const vr_net_forward_names[VR_NET_FORWARD_LAST] = {
    [VR_NET_FORWARD_NONE] = "none",
    [VR_NET_FORWARD_NAT] = "nat",
    [VR_NET_FORWARD_ROUTE] = "route",
    [VR_NET_FORWARD_OPEN] = "open",
    [VR_NET_FORWARD_BRIDGE] = "bridge",
};

static const char *const vr_net_lease_unit_names[VR_NET_LEASE_UNIT_LAST] = {
    [VR_NET_LEASE_UNIT_SECONDS] = "seconds",
    [VR_NET_LEASE_UNIT_MINUTES] = "minutes",
    [VR_NET_LEASE_UNIT_HOURS] = "hours",
};

const char *
vr_net_forward_mode_to_string(VrNetForwardMode m)
{
    return (unsigned int)m < VR_NET_FORWARD_LAST ? vr_net_forward_names[m] : NULL;
}

int
vr_net_forward_mode_from_string(const char *s)
{
    for (int i = 0; s && i < VR_NET_FORWARD_LAST; i++) {
        if (strcmp(vr_net_forward_names[i], s) == 0)
            return i;
    }
    return -1;
}

const char *
vr_net_lease_unit_to_string(VrNetLeaseUnit u)
{
    return (unsigned int)u < VR_NET_LEASE_UNIT_LAST ?
        vr_net_lease_unit_names[u] : NULL;
}

int
vr_net_lease_unit_from_string(const char *s)
{
    for (int i = 0; s && i < VR_NET_LEASE_UNIT_LAST; i++) {
        if (strcmp(vr_net_lease_unit_names[i], s) == 0)
            return i;
    }
    return -1;
}

unsigned int
vr_net_lease_seconds(const VrNetLease *lease)
{
    static const unsigned int scale[VR_NET_LEASE_UNIT_LAST] = { 1, 60, 3600 };
    guint64 s;

    if (!lease->set || (unsigned int)lease->unit >= VR_NET_LEASE_UNIT_LAST)
        return 0;
    s = (guint64)lease->expiry * scale[lease->unit];
    return s > G_MAXUINT ? G_MAXUINT : s;
}

int
vr_net_addr_parse(const char *str, VrNetAddr *out)
{
    VrNetAddr a = { 0 };

    if (!str || !*str)
        return -1;
    if (strchr(str, ':')) {
        if (inet_pton(AF_INET6, str, a.addr) != 1)
            return -1;
        a.family = AF_INET6;
    } else {
        if (inet_pton(AF_INET, str, a.addr) != 1)
            return -1;
        a.family = AF_INET;
    }
    *out = a;
    return 0;
}

char *
vr_net_addr_format(const VrNetAddr *addr)
{
    char buf[INET6_ADDRSTRLEN];

    if (!addr || (addr->family != AF_INET && addr->family != AF_INET6) ||
        !inet_ntop(addr->family, addr->addr, buf, sizeof(buf)))
        return g_strdup("");
    return g_strdup(buf);
}

static unsigned int
vr_net_addr_bits(int family)
{
    return family == AF_INET6 ? 128 : 32;
}

/* Are the first @prefix bits of @a and @b equal? */
static bool
vr_net_prefix_equal(const unsigned char *a, const unsigned char *b,
                    unsigned int prefix)
{
    unsigned int full = prefix / 8;
    unsigned int rest = prefix % 8;
    unsigned char mask;

    if (memcmp(a, b, full) != 0)
        return false;
    if (!rest)
        return true;
    mask = (unsigned char)(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool
vr_net_addr_in_subnet(const VrNetAddr *a, const VrNetAddr *net,
                      unsigned int prefix)
{
    if (!a || !net || a->family != net->family ||
        (a->family != AF_INET && a->family != AF_INET6) ||
        prefix > vr_net_addr_bits(a->family))
        return false;
    return vr_net_prefix_equal(a->addr, net->addr, prefix);
}

bool
vr_net_subnets_overlap(const VrNetAddr *a, unsigned int pa,
                       const VrNetAddr *b, unsigned int pb)
{
    unsigned int p = MIN(pa, pb);

    if (!a || !b || a->family != b->family ||
        (a->family != AF_INET && a->family != AF_INET6))
        return false;
    if (pa > vr_net_addr_bits(a->family) || pb > vr_net_addr_bits(b->family))
        return false;
    /* two prefixes overlap iff one contains the other: compare the
     * shorter prefix's bits */
    return vr_net_prefix_equal(a->addr, b->addr, p);
}

int
vr_net_netmask_to_prefix(const VrNetAddr *mask)
{
    unsigned int bits = vr_net_addr_bits(mask->family);
    unsigned int n = 0;

    if (mask->family != AF_INET && mask->family != AF_INET6)
        return -1;
    while (n < bits && (mask->addr[n / 8] & (0x80 >> (n % 8))))
        n++;
    for (unsigned int i = n; i < bits; i++) {
        if (mask->addr[i / 8] & (0x80 >> (i % 8)))
            return -1;
    }
    return n;
}

void
vr_net_prefix_to_netmask(int family, unsigned int prefix, VrNetAddr *out)
{
    unsigned int bits = vr_net_addr_bits(family);

    memset(out, 0, sizeof(*out));
    out->family = family;
    for (unsigned int i = 0; i < prefix && i < bits; i++)
        out->addr[i / 8] |= 0x80 >> (i % 8);
}

int
vr_net_addr_cmp(const VrNetAddr *a, const VrNetAddr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4);
}
