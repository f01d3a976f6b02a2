/* net_driver.h: the virtual network driver: definitions, lifecycle, host
 * side (bridge, addresses, nftables table, dnsmasq), leases, events.
 * Never includes src/rpc, src/daemon or another driver (DESIGN.md); the
 * daemon glues it to the QEMU driver through qemu_driver_set_net_hooks.
 *
 * CONTRACT (consumed by src/daemon; keep stable).  Functions return 0 or
 * -1 with an error reported (VR_FROM_NETWORK; libvirt's wording:
 * "Network not found: no network with matching name 'x'", "network 'x' is
 * not active", "network 'x' is already active", code 55 / 43 ...).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/network_conf.h"
#include "network/net_dnsmasq.h"
#include "util/vr_paths.h"

typedef struct _NetDriver NetDriver;

typedef struct {
    char *name;
    unsigned char uuid[16];
} NetRef;
void net_ref_clear(NetRef *ref);
void net_ref_array_free(NetRef *refs, size_t n);

/* List-all flags (libvirt's values). */
enum {
    NET_LIST_INACTIVE = 1 << 0,
    NET_LIST_ACTIVE = 1 << 1,
    NET_LIST_PERSISTENT = 1 << 2,
    NET_LIST_TRANSIENT = 1 << 3,
    NET_LIST_AUTOSTART = 1 << 4,
    NET_LIST_NO_AUTOSTART = 1 << 5,
};

/* Lifecycle events: 0 DEFINED, 1 UNDEFINED, 2 STARTED, 3 STOPPED. */
typedef void (*NetEventFunc)(const NetRef *net, int event, int detail,
                             void *opaque);

/* Load definitions (<config>/networks/NAME.xml, autostart links).  Never
 * touches the host network.  Returns NULL with an error reported. */
NetDriver *net_driver_new(const VrPaths *paths);
void net_driver_set_event_callback(NetDriver *drv, NetEventFunc cb, void *opaque);
/* After the daemon listens: reconcile (adopt running networks: bridge,
 * table and dnsmasq found alive are kept, not duplicated; a dead dnsmasq is
 * restarted), define the "default" NAT network (192.168.122.0/24, virbr0) on
 * the first start of a system daemon unless it would clash, autostart.
 * A relocated daemon (paths->root set) defines "default" only when the
 * environment has VIREO_DEFINE_DEFAULT_NETWORK=1 (tests in a namespace). */
void net_driver_start_background(NetDriver *drv);
/* Stop supervising (networks keep running). */
void net_driver_shutdown(NetDriver *drv);
void net_driver_free(NetDriver *drv);

int net_lookup_by_name(NetDriver *drv, const char *name, NetRef *out);
int net_lookup_by_uuid(NetDriver *drv, const unsigned char *uuid, NetRef *out);
int net_list_all(NetDriver *drv, unsigned int flags, NetRef **refs, size_t *n);
int net_count(NetDriver *drv, bool active);
int net_define(NetDriver *drv, const char *xml, unsigned int flags, NetRef *out);
int net_undefine(NetDriver *drv, const NetRef *net);
int net_create_xml(NetDriver *drv, const char *xml, unsigned int flags,
                   NetRef *out);                       /* transient + start */
int net_start(NetDriver *drv, const NetRef *net);
int net_destroy(NetDriver *drv, const NetRef *net);
char *net_get_xml(NetDriver *drv, const NetRef *net, unsigned int flags);
int net_get_autostart(NetDriver *drv, const NetRef *net, bool *autostart);
int net_set_autostart(NetDriver *drv, const NetRef *net, bool autostart);
int net_is_active(NetDriver *drv, const NetRef *net);       /* 0/1, -1 */
int net_is_persistent(NetDriver *drv, const NetRef *net);   /* 0/1, -1 */
char *net_get_bridge_name(NetDriver *drv, const NetRef *net);
/* libvirt's NETWORK_UPDATE for section ip-dhcp-host (4): command 1 modify,
 * 2 delete, 3 add-last, 4 add-first; flags 1 LIVE, 2 CONFIG (0 = current).
 * Live changes rewrite the hosts file and SIGHUP dnsmasq. */
int net_update(NetDriver *drv, const NetRef *net, unsigned int command,
               unsigned int section, int parent_index, const char *xml,
               unsigned int flags);
/* Current leases (expired ones dropped), optionally only for @mac. */
int net_get_dhcp_leases(NetDriver *drv, const NetRef *net, const char *mac,
                        GPtrArray **leases /* NetLease * */);

/* For the QEMU driver (through the daemon): the bridge of active network
 * @name; error "network 'x' is not active: run 'vsh net-start x'". */
int net_port_get_bridge(NetDriver *drv, const char *network, char **bridge);
