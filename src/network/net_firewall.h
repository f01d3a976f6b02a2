/* net_firewall.h: nftables rules for one virtual network, in a table of
 * Vireo's own per network ("inet vireo_NAME"), created and deleted as a
 * unit with `nft -f` through the spawn API, so it coexists with Docker,
 * firewalld and anyone else's tables (never a flush of the ruleset).
 *
 * CONTRACT (consumed by net_driver.c; keep stable).
 */
#pragma once

#include <glib.h>

#include "conf/network_conf.h"

/* "vireo_" + network name (sanitized), the table's name.  Caller frees. */
char *net_firewall_table_name(const VrNetworkDef *def);

/* The complete nft script that (re)creates the network's table: it first
 * declares and deletes the table (so applying it twice is idempotent), then
 * adds chains with priorities and rules: for NAT networks masquerade from
 * the subnet to anything outside it (respecting nat port range and forward
 * dev), forward accept for established/related traffic into the subnet and
 * new traffic out of it; route: forward both ways without NAT; open: no
 * rules; isolated: reject forwarding to/from the bridge; always: accept
 * DHCP (67/68 udp), DNS (53 udp/tcp) and DHCPv6/RA on the bridge in
 * input/output chains; guest-to-guest traffic on the bridge is always
 * accepted.  Mode bridge gets no table (the script only deletes it).
 * Deterministic (golden tests).
 * Caller frees. */
char *net_firewall_script(const VrNetworkDef *def);

/* The script that deletes the table (idempotent: "add table; delete table"). */
char *net_firewall_delete_script(const VrNetworkDef *def);

/* Apply a script with `nft -f FILE` (via vr_command; the script goes
 * through a private temp file).  Returns 0 or -1 reported with nft's
 * stderr in the message. */
int net_firewall_apply(const char *script);
/* Same with `nft -c -f FILE`: the kernel checks the script, nothing is
 * changed.  Returns 0 or -1 reported with nft's stderr. */
int net_firewall_check(const char *script);

/* Does our table for @def exist?  1 yes, 0 no, -1 error (reported). */
int net_firewall_table_exists(const VrNetworkDef *def);
