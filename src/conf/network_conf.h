/* network_conf.h: libvirt's network XML as a pure data tree, with the same
 * separate steps as domains: parse -> post-parse defaults -> validate ->
 * format.  Validated against xml-schemas/network.rng with the VALIDATE flag.
 *
 * CONTRACT (consumed by src/network and src/daemon; keep stable; extend).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <netinet/in.h>

typedef enum {
    VR_NET_FORWARD_NONE = 0,    /* isolated (no <forward>) */
    VR_NET_FORWARD_NAT,
    VR_NET_FORWARD_ROUTE,
    VR_NET_FORWARD_OPEN,
    VR_NET_FORWARD_BRIDGE,      /* an existing host bridge */
    VR_NET_FORWARD_LAST
} VrNetForwardMode;

typedef struct {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char addr[16];     /* network byte order (4 used for v4) */
} VrNetAddr;

typedef enum {
    VR_NET_LEASE_UNIT_SECONDS = 0,
    VR_NET_LEASE_UNIT_MINUTES,  /* libvirt's default unit */
    VR_NET_LEASE_UNIT_HOURS,
    VR_NET_LEASE_UNIT_LAST
} VrNetLeaseUnit;

/* <lease expiry='N' unit='U'/> on a range or host (extension). */
typedef struct {
    bool set;                   /* a <lease> element was present */
    unsigned int expiry;        /* in @unit; 0 = infinite (as libvirt) */
    VrNetLeaseUnit unit;
} VrNetLease;

typedef struct {
    VrNetAddr start;
    VrNetAddr end;
    VrNetLease lease;           /* extension */
} VrNetDhcpRange;

typedef struct {
    char *mac;                  /* "52:54:00:..." lowercase, or NULL (v6 by id) */
    char *name;                 /* may be NULL */
    VrNetAddr ip;
    char *id;                   /* IPv6 DUID ("0:4:7e:..") or NULL (ext.) */
    VrNetLease lease;           /* extension */
} VrNetDhcpHost;

typedef struct {
    VrNetAddr address;          /* the host's address on the bridge */
    unsigned int prefix;        /* from prefix= or netmask= */
    GPtrArray *ranges;          /* VrNetDhcpRange * */
    GPtrArray *hosts;           /* VrNetDhcpHost * */
    unsigned int lease_seconds; /* <lease expiry='N' unit='...'/>; 0 = default */
    bool has_dhcp;              /* a <dhcp> element was present */
    /* extensions: how the input spelled it, so it formats back the same */
    bool netmask_form;          /* given as netmask= (formatted so) */
    bool family_set;            /* family= given (always formatted for v6) */
} VrNetIpDef;

typedef struct {
    VrNetAddr ip;
    char **hostnames;           /* NULL-terminated */
} VrNetDnsHost;

typedef struct {
    char *service, *protocol, *domain, *target;
    unsigned int port, priority, weight;
} VrNetDnsSrv;

typedef struct {
    char *name, *value;
} VrNetDnsTxt;

typedef struct _VrNetworkDef {
    char *name;
    unsigned char uuid[16];
    VrNetForwardMode forward;
    char *forward_dev;          /* <forward dev='eth0'/> or NULL */
    unsigned int nat_port_start, nat_port_end;  /* 0 = unset (1024-65535) */
    char *bridge;               /* bridge name (generated virbrN if absent) */
    bool stp;                   /* default on */
    unsigned int delay;         /* forward delay, seconds */
    char *mac;                  /* bridge MAC (generated 52:54:00:..) */
    char *domain;               /* <domain name='example.test'/> */
    bool domain_local_only;     /* localOnly='yes' */
    unsigned int mtu;           /* 0 = unset */
    GPtrArray *dns_hosts;       /* VrNetDnsHost * */
    char **dns_forwarders;      /* NULL-terminated addresses, or NULL */
    GPtrArray *dns_srvs;        /* VrNetDnsSrv * */
    GPtrArray *dns_txts;        /* VrNetDnsTxt * */
    GPtrArray *ips;             /* VrNetIpDef * (v4 and v6) */
} VrNetworkDef;

enum {
    VR_NETWORK_PARSE_VALIDATE = 1 << 0,   /* RelaxNG first */
};
enum {
    VR_NETWORK_FORMAT_INACTIVE = 1 << 0,
};

/* Parse + post-parse (uuid, bridge MAC; bridge name left NULL when absent -
 * the driver picks a free virbrN) + validate.  Returns an owned def or NULL
 * with an error reported (VR_ERR_XML_DETAIL malformed, VR_ERR_XML_ERROR
 * bad values with libvirt's wording, VR_ERR_XML_INVALID_SCHEMA). */
VrNetworkDef *vr_network_def_parse_string(const char *xml, const char *origin,
                                          unsigned int flags);
int vr_network_def_validate(const VrNetworkDef *def);
/* Deterministic libvirt-style XML.  Never NULL. */
char *vr_network_def_format(const VrNetworkDef *def, unsigned int flags);
VrNetworkDef *vr_network_def_copy(const VrNetworkDef *def);
void vr_network_def_free(VrNetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrNetworkDef, vr_network_def_free)

/* Same rules as domain names (no '/', no leading '.', ...).  Reports. */
bool vr_network_name_check(const char *name);

/* DHCP host entries for net-update: parse "<host mac=.. name=.. ip=../>".
 * Returns owned or NULL (reported). */
VrNetDhcpHost *vr_network_dhcp_host_parse(const char *xml);
void vr_network_dhcp_host_free(VrNetDhcpHost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrNetDhcpHost, vr_network_dhcp_host_free)

/* Parse one <host> element of <dhcp> for an <ip> of @family (AF_INET or
 * AF_INET6; decides mac vs id rules), @netname naming the network in
 * messages (may be NULL).  Returns owned or NULL (reported).  Extension. */
VrNetDhcpHost *vr_network_dhcp_host_parse_family(const char *xml, int family,
                                                 const char *netname);
/* "<host .../>" text of @host (no indent, no newline).  Owned. Extension. */
char *vr_network_dhcp_host_format(const VrNetDhcpHost *host);
/* Seconds of @lease (0 when not set or infinite).  Extension. */
unsigned int vr_net_lease_seconds(const VrNetLease *lease);

/* Address helpers.  parse returns 0 or -1 (not reported: expected answer);
 * format returns an owned string. */
int vr_net_addr_parse(const char *str, VrNetAddr *out);
char *vr_net_addr_format(const VrNetAddr *addr);
/* Is @a inside @net/@prefix? */
bool vr_net_addr_in_subnet(const VrNetAddr *a, const VrNetAddr *net,
                           unsigned int prefix);
/* Do two subnets overlap? */
bool vr_net_subnets_overlap(const VrNetAddr *a, unsigned int pa,
                            const VrNetAddr *b, unsigned int pb);

/* Prefix length of an IPv4 netmask (contiguous ones), or -1 (not
 * reported).  Extension. */
int vr_net_netmask_to_prefix(const VrNetAddr *mask);
/* The netmask of @prefix for @family into @out.  Extension. */
void vr_net_prefix_to_netmask(int family, unsigned int prefix, VrNetAddr *out);
/* Compare two addresses of one family (memcmp order); families differ:
 * family order.  Extension. */
int vr_net_addr_cmp(const VrNetAddr *a, const VrNetAddr *b);

const char *vr_net_forward_mode_to_string(VrNetForwardMode m);
int vr_net_forward_mode_from_string(const char *s);  /* -1 if unknown */
