/* vr_netlink_nl.c: the netlink module (vireo-netlink.so; see
 * vr_netlink_module.h): bridges, link state, addresses and the overlap
 * check through rtnetlink (libnl-3 / libnl-route-3).  The only libnl
 * user; vr_netlink.c loads it on the first call.
 *
 * Every call opens its own netlink socket (VrNl), so calls are safe from
 * any worker thread and act in the caller's network namespace.  A custom
 * error callback keeps the kernel's errno from NLMSG_ERROR, which libnl
 * would otherwise fold into its coarser NLE_* codes; messages then read
 * like libvirt's ("cannot create bridge 'virbr0': File exists").
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_netlink_module.h"

typedef struct rtnl_link VrRtnlLink;
typedef struct rtnl_addr VrRtnlAddr;
typedef struct nl_addr VrNlAddr;
typedef struct nl_cache VrNlCache;
typedef struct nl_msg VrNlMsg;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRtnlLink, rtnl_link_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrRtnlAddr, rtnl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrNlAddr, nl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrNlCache, nl_cache_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrNlMsg, nlmsg_free)

/* One connected rtnetlink socket and the errno of the last kernel error
 * received on it (0 when the failure came from libnl itself). */
typedef struct {
    struct nl_sock *sk;
    int sys_errno;
} VrNl;

static void
vr_nl_free(VrNl *nl)
{
    if (!nl)
        return;
    nl_socket_free(nl->sk);
    g_free(nl);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrNl, vr_nl_free)

/* Report "DETAIL: strerror" with the kernel's errno when we have it,
 * libnl's text for @rc otherwise. */
static void G_GNUC_PRINTF(3, 4)
vr_nl_report(VrNl *nl, int rc, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (nl && nl->sys_errno > 0)
        vr_error_report_system(nl->sys_errno, VR_FROM_NONE, "%s", detail);
    else
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_NONE, "%s: %s", detail,
                        nl_geterror(rc));
}

static int
vr_nl_err_cb(struct sockaddr_nl *nla G_GNUC_UNUSED, struct nlmsgerr *err,
             void *opaque)
{
    VrNl *nl = opaque;

    nl->sys_errno = -err->error;
    return NL_STOP;     /* libnl still returns its NLE_* code */
}

/* A connected socket, or NULL reported as "cannot OP 'NAME': ...". */
static VrNl *
vr_nl_open(const char *op, const char *name)
{
    g_autoptr(VrNl) nl = g_new0(VrNl, 1);
    int rc;

    if (!(nl->sk = nl_socket_alloc())) {
        vr_error_report(VR_ERR_NO_MEMORY, VR_FROM_NONE,
                        "cannot %s '%s': cannot allocate a netlink socket",
                        op, name);
        return NULL;
    }
    if ((rc = nl_connect(nl->sk, NETLINK_ROUTE)) < 0) {
        vr_nl_report(NULL, rc, "cannot %s '%s': cannot open rtnetlink",
                     op, name);
        return NULL;
    }
    nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, vr_nl_err_cb, nl);
    return g_steal_pointer(&nl);
}

/* The kernel's view of link @name, NULL reported ("No such device"). */
static VrRtnlLink *
vr_nl_get_link(VrNl *nl, const char *name, const char *op)
{
    struct rtnl_link *link = NULL;
    int rc;

    nl->sys_errno = 0;
    if ((rc = rtnl_link_get_kernel(nl->sk, 0, name, &link)) < 0) {
        vr_nl_report(nl, rc, "cannot %s '%s'", op, name);
        return NULL;
    }
    return link;
}

/* Parse "aa:bb:cc:dd:ee:ff" strictly; NULL (not reported) if invalid. */
static VrNlAddr *
vr_nl_parse_mac(const char *mac)
{
    unsigned char b[6];
    int end = 0;

    if (!mac || strlen(mac) != 17 ||
        sscanf(mac, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n",
               &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6 ||
        end != 17)
        return NULL;
    for (int i = 2; i < 17; i += 3) {
        if (mac[i] != ':')
            return NULL;
    }
    return nl_addr_build(AF_LLC, b, sizeof(b));
}

static int
vr_nl_check_name(const char *name, const char *op)
{
    if (!name || !*name || strlen(name) >= IFNAMSIZ || strchr(name, '/')) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "cannot %s '%s': invalid interface name (1 to %d "
                        "characters, no '/')", op, name ? name : "",
                        IFNAMSIZ - 1);
        return -1;
    }
    return 0;
}

/* Apply @changes to link @name (RTM_NEWLINK, RTM_SETLINK fallback). */
static int
vr_nl_change(const char *name, const char *op, VrRtnlLink *changes)
{
    g_autoptr(VrNl) nl = vr_nl_open(op, name);
    g_autoptr(VrRtnlLink) orig = NULL;
    int rc;

    if (!nl || !(orig = vr_nl_get_link(nl, name, op)))
        return -1;
    nl->sys_errno = 0;
    if ((rc = rtnl_link_change(nl->sk, orig, changes, 0)) < 0) {
        vr_nl_report(nl, rc, "cannot %s '%s'", op, name);
        return -1;
    }
    return 0;
}

static int
nlm_bridge_create(const char *name, const char *mac, unsigned int mtu)
{
    const char *op = "create bridge";
    g_autoptr(VrNl) nl = NULL;
    g_autoptr(VrRtnlLink) link = NULL;
    g_autoptr(VrNlAddr) addr = NULL;
    int rc;

    if (vr_nl_check_name(name, op) < 0)
        return -1;
    if (mac && !(addr = vr_nl_parse_mac(mac))) {
        vr_error_report(VR_ERR_INVALID_MAC, VR_FROM_NONE,
                        "cannot create bridge '%s': invalid MAC address '%s'",
                        name, mac);
        return -1;
    }
    if (!(nl = vr_nl_open(op, name)))
        return -1;
    link = rtnl_link_bridge_alloc();
    rtnl_link_set_name(link, name);
    if (addr)
        rtnl_link_set_addr(link, addr);
    if (mtu)
        rtnl_link_set_mtu(link, mtu);
    if ((rc = rtnl_link_add(nl->sk, link, NLM_F_CREATE | NLM_F_EXCL)) < 0) {
        vr_nl_report(nl, rc, "cannot create bridge '%s'", name);
        return -1;
    }
    VR_DEBUG("created bridge '%s' mac=%s mtu=%u", name, mac ? mac : "-", mtu);
    return 0;
}

/* RTM_NEWLINK for @ifindex carrying the bridge's IFLA_INFO_DATA: the
 * forward delay in seconds when @delay >= 0, the STP state when @stp >= 0. */
static VrNlMsg *
vr_nl_bridge_msg(int ifindex, int stp, long delay)
{
    g_autoptr(VrNlMsg) msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
    struct nlattr *info, *data;

    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
        nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
        !(data = nla_nest_start(msg, IFLA_INFO_DATA)))
        return NULL;
    /* clock_t units (USER_HZ, always 100 in the ABI) */
    if (delay >= 0 &&
        nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, (uint32_t) delay * 100) < 0)
        return NULL;
    if (stp >= 0 && nla_put_u32(msg, IFLA_BR_STP_STATE, (uint32_t) stp) < 0)
        return NULL;
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return g_steal_pointer(&msg);
}

static int
vr_nl_bridge_send(VrNl *nl, const char *name, int ifindex, int stp,
                  long delay)
{
    const char *op = "set STP on bridge";
    VrNlMsg *msg = vr_nl_bridge_msg(ifindex, stp, delay);
    int rc;

    if (!msg) {
        vr_error_report(VR_ERR_NO_MEMORY, VR_FROM_NONE,
                        "cannot %s '%s': cannot build the request", op, name);
        return -1;
    }
    nl->sys_errno = 0;
    if ((rc = nl_send_sync(nl->sk, msg)) < 0) {      /* frees msg */
        if (delay >= 0)
            vr_nl_report(nl, rc, "cannot %s '%s' (delay %ld)", op, name,
                         delay);
        else
            vr_nl_report(nl, rc, "cannot %s '%s'", op, name);
        return -1;
    }
    return 0;
}

static int
nlm_bridge_set_stp(const char *name, bool stp, unsigned int delay)
{
    const char *op = "set STP on bridge";
    g_autoptr(VrNl) nl = vr_nl_open(op, name);
    g_autoptr(VrRtnlLink) link = NULL;
    int ifindex;

    if (!nl || !(link = vr_nl_get_link(nl, name, op)))
        return -1;
    if (delay > 1000000) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "cannot %s '%s': delay %u is out of range",
                        op, name, delay);
        return -1;
    }
    ifindex = rtnl_link_get_ifindex(link);
    /* The kernel applies the delay before the STP state within a request
     * and limits it to 2..30 s only while STP is on: switching on, one
     * request (delay, then STP); switching off, STP first. */
    if (stp)
        return vr_nl_bridge_send(nl, name, ifindex, 1, delay);
    if (vr_nl_bridge_send(nl, name, ifindex, 0, -1) < 0)
        return -1;
    return vr_nl_bridge_send(nl, name, ifindex, -1, delay);
}

static int
nlm_link_delete(const char *name)
{
    g_autoptr(VrNl) nl = NULL;
    g_autoptr(VrRtnlLink) link = NULL;
    int rc;

    if (vr_nl_check_name(name, "delete link") < 0 ||
        !(nl = vr_nl_open("delete link", name)))
        return -1;
    link = rtnl_link_alloc();
    rtnl_link_set_name(link, name);
    if ((rc = rtnl_link_delete(nl->sk, link)) < 0) {
        vr_nl_report(nl, rc, "cannot delete link '%s'", name);
        return -1;
    }
    VR_DEBUG("deleted link '%s'", name);
    return 0;
}

static int
nlm_link_set_up(const char *name, bool up)
{
    g_autoptr(VrRtnlLink) changes = rtnl_link_alloc();

    if (up)
        rtnl_link_set_flags(changes, IFF_UP);
    else
        rtnl_link_unset_flags(changes, IFF_UP);
    return vr_nl_change(name, up ? "set up link" : "set down link", changes);
}

static int
nlm_link_set_mtu(const char *name, unsigned int mtu)
{
    g_autoptr(VrRtnlLink) changes = rtnl_link_alloc();

    rtnl_link_set_mtu(changes, mtu);
    return vr_nl_change(name, "set the MTU of", changes);
}

static int
nlm_link_set_mac(const char *name, const char *mac)
{
    g_autoptr(VrRtnlLink) changes = NULL;
    g_autoptr(VrNlAddr) addr = vr_nl_parse_mac(mac);

    if (!addr) {
        vr_error_report(VR_ERR_INVALID_MAC, VR_FROM_NONE,
                        "cannot set the MAC of '%s': invalid MAC address "
                        "'%s'", name, mac ? mac : "");
        return -1;
    }
    changes = rtnl_link_alloc();
    rtnl_link_set_addr(changes, addr);
    return vr_nl_change(name, "set the MAC of", changes);
}

static int
nlm_link_set_master(const char *name, const char *master)
{
    g_autoptr(VrRtnlLink) changes = rtnl_link_alloc();
    int index = 0;

    if (master) {
        g_autoptr(VrNl) nl = vr_nl_open("find bridge", master);
        g_autoptr(VrRtnlLink) link = NULL;

        if (!nl || !(link = vr_nl_get_link(nl, master, "find bridge")))
            return -1;
        index = rtnl_link_get_ifindex(link);
    }
    rtnl_link_set_master(changes, index);
    if (master) {
        g_autofree char *op = g_strdup_printf("attach to '%s' link", master);

        return vr_nl_change(name, op, changes);
    }
    return vr_nl_change(name, "release from its bridge link", changes);
}

/* Broadcast address of @a/@prefix (IPv4 only). */
static VrNlAddr *
vr_nl_broadcast(const VrNetAddr *a, unsigned int prefix)
{
    guint32 ip, mask;

    memcpy(&ip, a->addr, 4);
    mask = prefix ? htonl(0xffffffffu << (32 - prefix)) : 0;
    ip = (ip & mask) | ~mask;
    return nl_addr_build(AF_INET, &ip, 4);
}

/* "ADDR/PREFIX" for messages. */
static char *
vr_nl_format_addr(const VrNetAddr *a, unsigned int prefix)
{
    char buf[INET6_ADDRSTRLEN] = "?";

    inet_ntop(a->family, a->addr, buf, sizeof(buf));
    return g_strdup_printf("%s/%u", buf, prefix);
}

static int
vr_nl_check_addr(const VrNetAddr *a, unsigned int prefix, const char *what)
{
    if (a->family != AF_INET && a->family != AF_INET6) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "cannot %s: unknown address family %d", what,
                        a->family);
        return -1;
    }
    if (prefix > (a->family == AF_INET ? 32u : 128u)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "cannot %s: invalid prefix %u", what, prefix);
        return -1;
    }
    return 0;
}

static int
nlm_addr_add(const char *name, const VrNetAddr *addr,
                    unsigned int prefix)
{
    g_autofree char *str = vr_nl_format_addr(addr, prefix);
    g_autofree char *op = g_strdup_printf("add address %s to", str);
    g_autoptr(VrNl) nl = NULL;
    g_autoptr(VrRtnlLink) link = NULL;
    g_autoptr(VrRtnlAddr) ra = NULL;
    g_autoptr(VrNlAddr) local = NULL;
    bool v4 = addr->family == AF_INET;
    int rc;

    if (vr_nl_check_addr(addr, prefix, op) < 0 ||
        !(nl = vr_nl_open(op, name)) || !(link = vr_nl_get_link(nl, name, op)))
        return -1;
    ra = rtnl_addr_alloc();
    local = nl_addr_build(addr->family, addr->addr, v4 ? 4 : 16);
    nl_addr_set_prefixlen(local, prefix);
    rtnl_addr_set_ifindex(ra, rtnl_link_get_ifindex(link));
    rtnl_addr_set_local(ra, local);
    rtnl_addr_set_prefixlen(ra, prefix);
    if (v4 && prefix < 31) {
        g_autoptr(VrNlAddr) brd = vr_nl_broadcast(addr, prefix);

        rtnl_addr_set_broadcast(ra, brd);
    }
    if (!v4)
        rtnl_addr_set_flags(ra, IFA_F_NODAD);
    nl->sys_errno = 0;
    if ((rc = rtnl_addr_add(nl->sk, ra, NLM_F_EXCL)) < 0) {
        vr_nl_report(nl, rc, "cannot %s '%s'", op, name);
        return -1;
    }
    VR_DEBUG("added %s to '%s'", str, name);
    return 0;
}

/* rtnl_link_get_kernel without reporting: 1 found (*link set), 0 absent,
 * -1 reported. */
static int
vr_nl_lookup(const char *name, const char *op, VrRtnlLink **link)
{
    g_autoptr(VrNl) nl = vr_nl_open(op, name);
    int rc;

    if (!nl)
        return -1;
    if ((rc = rtnl_link_get_kernel(nl->sk, 0, name, link)) < 0) {
        if (nl->sys_errno == ENODEV || rc == -NLE_NODEV ||
            rc == -NLE_OBJ_NOTFOUND)
            return 0;
        vr_nl_report(nl, rc, "cannot %s '%s'", op, name);
        return -1;
    }
    return 1;
}

static int
nlm_link_exists(const char *name)
{
    g_autoptr(VrRtnlLink) link = NULL;

    if (!name || !*name || strlen(name) >= IFNAMSIZ)
        return 0;
    return vr_nl_lookup(name, "look up link", &link);
}

static int
nlm_link_index(const char *name)
{
    g_autoptr(VrRtnlLink) link = NULL;

    if (!name || !*name || strlen(name) >= IFNAMSIZ ||
        vr_nl_lookup(name, "look up link", &link) <= 0)
        return -1;
    return rtnl_link_get_ifindex(link);
}

static char *
nlm_link_mac(const char *name)
{
    g_autoptr(VrNl) nl = vr_nl_open("get the MAC of", name);
    g_autoptr(VrRtnlLink) link = NULL;
    struct nl_addr *addr;
    const unsigned char *b;

    if (!nl || !(link = vr_nl_get_link(nl, name, "get the MAC of")))
        return NULL;
    addr = rtnl_link_get_addr(link);
    if (!addr || nl_addr_get_len(addr) != 6) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_NONE,
                        "cannot get the MAC of '%s': it has no Ethernet "
                        "address", name);
        return NULL;
    }
    b = nl_addr_get_binary_addr(addr);
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           b[0], b[1], b[2], b[3], b[4], b[5]);
}

static int
nlm_link_kind(const char *name, char **kind)
{
    g_autoptr(VrNl) nl = vr_nl_open("get the type of", name);
    g_autoptr(VrRtnlLink) link = NULL;
    const char *type;

    if (!nl || !(link = vr_nl_get_link(nl, name, "get the type of")))
        return -1;
    type = rtnl_link_get_type(link);
    *kind = g_strdup(type);
    return 0;
}

static int
nlm_link_master(const char *name, char **master)
{
    g_autoptr(VrNl) nl = vr_nl_open("get the master of", name);
    g_autoptr(VrRtnlLink) link = NULL;
    g_autoptr(VrRtnlLink) mlink = NULL;
    int index, rc;

    if (!nl || !(link = vr_nl_get_link(nl, name, "get the master of")))
        return -1;
    if ((index = rtnl_link_get_master(link)) <= 0) {
        *master = NULL;
        return 0;
    }
    nl->sys_errno = 0;
    if ((rc = rtnl_link_get_kernel(nl->sk, index, NULL, &mlink)) < 0) {
        vr_nl_report(nl, rc, "cannot get the master of '%s'", name);
        return -1;
    }
    *master = g_strdup(rtnl_link_get_name(mlink));
    return 0;
}

/* Do @a/@pa and the @len-byte address @b/@pb share their first
 * min(@pa, @pb) bits? */
static bool
vr_nl_overlaps(const unsigned char *a, unsigned int pa,
               const unsigned char *b, unsigned int pb)
{
    unsigned int bits = MIN(pa, pb);
    unsigned int bytes = bits / 8, rest = bits % 8;

    if (memcmp(a, b, bytes) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((a[bytes] ^ b[bytes]) & (0xff << (8 - rest))) == 0;
}

/* The binary form of @addr if it is of @family, else NULL. */
static const unsigned char *
vr_nl_addr_bytes(struct nl_addr *addr, int family)
{
    unsigned int len = family == AF_INET ? 4 : 16;

    if (!addr || nl_addr_get_family(addr) != family ||
        nl_addr_get_len(addr) != len)
        return NULL;
    return nl_addr_get_binary_addr(addr);
}

/* "NAME" of @ifindex, or "if%d" when it vanished meanwhile. */
static char *
vr_nl_ifname(struct nl_cache *links, int ifindex)
{
    char buf[IFNAMSIZ];

    if (rtnl_link_i2name(links, ifindex, buf, sizeof(buf)))
        return g_strdup(buf);
    return g_strdup_printf("if%d", ifindex);
}

/* Routes that say a subnet is in use: unicast and the "reject" kinds, in
 * any table but "local" (which only mirrors the host's addresses), never
 * default routes. */
static bool
vr_nl_route_counts(struct rtnl_route *route)
{
    uint8_t type = rtnl_route_get_type(route);

    if (rtnl_route_get_table(route) == RT_TABLE_LOCAL)
        return false;
    return type == RTN_UNICAST || type == RTN_BLACKHOLE ||
           type == RTN_UNREACHABLE || type == RTN_PROHIBIT;
}

static char *
vr_nl_route_clash(struct nl_cache *routes, struct nl_cache *links,
                  const VrNetAddr *net, unsigned int prefix, int ignore)
{
    struct nl_object *obj;

    for (obj = nl_cache_get_first(routes); obj; obj = nl_cache_get_next(obj)) {
        struct rtnl_route *route = (struct rtnl_route *) obj;
        struct nl_addr *dst = rtnl_route_get_dst(route);
        const unsigned char *b = vr_nl_addr_bytes(dst, net->family);
        struct rtnl_nexthop *nh;
        int ifindex = 0;
        char buf[INET6_ADDRSTRLEN] = "?";
        unsigned int plen;

        if (!b || !vr_nl_route_counts(route) ||
            (plen = nl_addr_get_prefixlen(dst)) == 0)
            continue;
        if (rtnl_route_get_nnexthops(route) > 0 &&
            (nh = rtnl_route_nexthop_n(route, 0)))
            ifindex = rtnl_route_nh_get_ifindex(nh);
        if ((ignore > 0 && ifindex == ignore) ||
            !vr_nl_overlaps(net->addr, prefix, b, plen))
            continue;
        inet_ntop(net->family, b, buf, sizeof(buf));
        if (ifindex > 0) {
            g_autofree char *dev = vr_nl_ifname(links, ifindex);

            return g_strdup_printf("route %s/%u dev %s", buf, plen, dev);
        }
        return g_strdup_printf("route %s/%u", buf, plen);
    }
    return NULL;
}

static char *
vr_nl_addr_clash(struct nl_cache *addrs, struct nl_cache *links,
                 const VrNetAddr *net, unsigned int prefix, int ignore)
{
    struct nl_object *obj;

    for (obj = nl_cache_get_first(addrs); obj; obj = nl_cache_get_next(obj)) {
        struct rtnl_addr *ra = (struct rtnl_addr *) obj;
        const unsigned char *b;
        int ifindex = rtnl_addr_get_ifindex(ra);
        unsigned int plen = (unsigned int) rtnl_addr_get_prefixlen(ra);
        g_autofree char *dev = NULL;
        char buf[INET6_ADDRSTRLEN] = "?";

        b = vr_nl_addr_bytes(rtnl_addr_get_local(ra), net->family);
        if (!b || (ignore > 0 && ifindex == ignore) ||
            !vr_nl_overlaps(net->addr, prefix, b, plen))
            continue;
        inet_ntop(net->family, b, buf, sizeof(buf));
        dev = vr_nl_ifname(links, ifindex);
        return g_strdup_printf("address %s/%u on %s", buf, plen, dev);
    }
    return NULL;
}

static int
nlm_find_overlap(const VrNetAddr *net, unsigned int prefix,
                        const char *ignore_dev, char **clash)
{
    g_autofree char *str = vr_nl_format_addr(net, prefix);
    g_autofree char *op = g_strdup_printf("check host routes for %s", str);
    g_autoptr(VrNl) nl = NULL;
    g_autoptr(VrNlCache) links = NULL;
    g_autoptr(VrNlCache) routes = NULL;
    g_autoptr(VrNlCache) addrs = NULL;
    char *found;
    int ignore = 0, rc;

    if (vr_nl_check_addr(net, prefix, op) < 0)
        return -1;
    if (!(nl = vr_nl_open("check host routes for", str)))
        return -1;
    if ((rc = rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &links)) < 0 ||
        (rc = rtnl_route_alloc_cache(nl->sk, net->family, 0, &routes)) < 0 ||
        (rc = rtnl_addr_alloc_cache(nl->sk, &addrs)) < 0) {
        vr_nl_report(nl, rc, "cannot %s", op);
        return -1;
    }
    if (ignore_dev)
        ignore = rtnl_link_name2i(links, ignore_dev);
    found = vr_nl_route_clash(routes, links, net, prefix, ignore);
    if (!found)
        found = vr_nl_addr_clash(addrs, links, net, prefix, ignore);
    VR_DEBUG("overlap check for %s: %s", str, found ? found : "none");
    *clash = found;
    return 0;
}

/* ---- the module's side of vr_netlink_module.h ---------------------------- */

static const VrNetlinkHost *host;

/* The module links nothing of Vireo's: these stand in for vr_error.c's and
 * vr_log.c's functions (same prototypes) and pass the complete text on. */
void
vr_error_report(int code, int domain, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    host->error(code, domain, msg);
}

void
vr_error_report_system(int errnum, int domain, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strdup_printf("%s: %s", detail, g_strerror(errnum));
    host->error(VR_ERR_SYSTEM_ERROR, domain, msg);
}

gboolean
vr_log_enabled(int level)
{
    return host->log_enabled(level);
}

void
vr_log_message(int level, const char *func, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    host->log(level, func, msg);
}

static const VrNetlinkOps ops = {
    .bridge_create = nlm_bridge_create,
    .bridge_set_stp = nlm_bridge_set_stp,
    .link_delete = nlm_link_delete,
    .link_set_up = nlm_link_set_up,
    .link_set_mtu = nlm_link_set_mtu,
    .link_set_master = nlm_link_set_master,
    .addr_add = nlm_addr_add,
    .link_exists = nlm_link_exists,
    .link_index = nlm_link_index,
    .link_mac = nlm_link_mac,
    .link_set_mac = nlm_link_set_mac,
    .link_kind = nlm_link_kind,
    .link_master = nlm_link_master,
    .find_overlap = nlm_find_overlap,
};

const VrNetlinkOps *
vireo_netlink_module_init(int abi, const VrNetlinkHost *h)
{
    if (abi != VR_NETLINK_MODULE_ABI)
        return NULL;
    host = h;
    return &ops;
}
