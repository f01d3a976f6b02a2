/* net_dnsmasq.h: dnsmasq for a virtual network - a pure config formatter
 * (golden-tested), the hosts file, and the lease file parser.
 *
 * CONTRACT (consumed by net_driver.c; keep stable).
 */
#pragma once

#include <glib.h>

#include "conf/network_conf.h"

typedef struct {
    const char *pidfile;        /* <run>/network/NAME.pid */
    const char *leasefile;      /* <state>/network/NAME.leases */
    const char *hostsfile;      /* <state>/network/NAME.hostsfile (dhcp-hostsfile) */
    const char *addnhosts;      /* <state>/network/NAME.addnhosts (DNS hosts) */
    const char *user;           /* run as this user (e.g. "dnsmasq", "nobody"), or NULL */
} NetDnsmasqParams;

/* The dnsmasq.conf text for @def (libvirt 9.0-like: strict-order, server=
 * per forwarder and then no-resolv (without forwarders the host's
 * resolv.conf is used), except-interface=lo, bind-dynamic, interface=BRIDGE,
 * dhcp-range per range with lease time and prefix, dhcp-no-override,
 * dhcp-authoritative, dhcp-lease-max, dhcp-hostsfile, addn-hosts, domain,
 * local=/domain/ when localOnly, server= per forwarder, srv-host, txt-record,
 * enable-ra for IPv6, dhcp-leasefile, pid-file, user).  Deterministic;
 * never fails for a validated def with a bridge name.  Caller frees. */
char *net_dnsmasq_conf_format(const VrNetworkDef *def,
                              const NetDnsmasqParams *params);

/* dhcp-hostsfile content (libvirt's): "MAC,IP[,NAME]" lines (v4, "NAME,IP"
 * without MAC), "[id:DUID,]NAME,[IP6]" or "id:DUID,[IP6]" (v6), then
 * ",LEASETIME" when the host has one.  Caller frees. */
char *net_dnsmasq_hostsfile_format(const VrNetworkDef *def);
/* addn-hosts content: "IP name1 name2" per DNS host.  Caller frees. */
char *net_dnsmasq_addnhosts_format(const VrNetworkDef *def);

typedef struct {
    long long expiry;           /* seconds since the epoch (0 = infinite) */
    char *mac;                  /* v4 only (dnsmasq keeps no MAC for v6) */
    char *ip;                   /* text */
    int family;                 /* AF_INET / AF_INET6 */
    unsigned int prefix;        /* from the network's ip def */
    char *hostname;             /* or NULL ("*" in the file) */
    char *clientid;             /* or NULL */
    char *iaid;                 /* v6 only, or NULL */
} NetLease;

void net_lease_free(NetLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetLease, net_lease_free)

/* Parse dnsmasq's lease file text ("EXPIRY MAC IP HOSTNAME CLIENTID" lines;
 * v6 section after "duid ...").  Malformed lines are skipped (logged at
 * debug).  Returns a GPtrArray of NetLease * (free func set); never NULL. */
GPtrArray *net_dnsmasq_leases_parse(const char *text);

/* Set each lease's prefix from the @def address whose subnet holds it
 * (left 0 when none does).  Never fails. */
void net_dnsmasq_leases_fill_prefix(GPtrArray *leases, const VrNetworkDef *def);
