/* network_conf_priv.h: helpers shared by the network_*.c and net_addr.c
 * files of src/conf (other layers use network_conf.h). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "conf/network_conf.h"

#define VR_NET_IFNAMSIZ 16      /* bridge names: at most 15 characters */

const char *vr_net_lease_unit_to_string(VrNetLeaseUnit u);
int vr_net_lease_unit_from_string(const char *s);   /* -1 if unknown */

/* A new empty definition (arrays allocated, stp on).  Never NULL. */
VrNetworkDef *vr_network_def_new(void);
VrNetIpDef *vr_net_ip_def_new(void);
void vr_net_ip_def_free(VrNetIpDef *ip);

/* Parse without post-parse and validation.  NULL with an error reported. */
VrNetworkDef *vr_network_def_parse_only(const char *xml, const char *origin,
                                        unsigned int flags);
/* Fill in defaults (uuid, bridge MAC).  Returns 0. */
int vr_network_def_post_parse(VrNetworkDef *def);

/* Parse one dhcp <host> node for @family.  NULL with an error reported. */
VrNetDhcpHost *vr_net_dhcp_host_parse_node(xmlNode *node, int family,
                                           const char *netname);
