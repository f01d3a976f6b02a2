/* qemu_interface.c: the host side of guest NICs.  <interface
 * type='network'> asks the network driver (through the hooks the daemon
 * sets: the QEMU driver never includes src/network) for the bridge of the
 * active network; <interface type='bridge'> names a host bridge.  Either
 * way vireod opens a tap ("vnetN", host MAC fe:..), enslaves it and passes
 * the fd to QEMU (QemuCommandParams.tap_fds).  The taps are not
 * persistent: they vanish when QEMU exits, also when it crashes, so stop
 * only tells the network side.  type='user' needs nothing here.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_interface.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_netlink.h"

void
qemu_driver_set_net_hooks(QemuDriver *drv, const QemuNetHooks *hooks)
{
    if (hooks)
        drv->net_hooks = *hooks;
    else
        memset(&drv->net_hooks, 0, sizeof(drv->net_hooks));
}

static bool
needs_tap(const VrDomainNetDef *n)
{
    return n->type == VR_DOMAIN_NET_TYPE_NETWORK ||
           n->type == VR_DOMAIN_NET_TYPE_BRIDGE;
}

/* The bridge for @n (owned) or NULL (reported). */
static char *
net_bridge(QemuDriver *drv, const VrDomainNetDef *n, const char *dom)
{
    char *bridge = NULL;

    if (n->type == VR_DOMAIN_NET_TYPE_BRIDGE) {
        if (!n->source || vr_netlink_link_index(n->source) < 0) {
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                            "bridge '%s' of domain '%s' does not exist",
                            n->source ? n->source : "", dom);
            return NULL;
        }
        return g_strdup(n->source);
    }
    if (!drv->net_hooks.network_bridge) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "interface of domain '%s' on network '%s': no "
                        "network driver is available", dom,
                        n->source ? n->source : "");
        return NULL;
    }
    if (drv->net_hooks.network_bridge(n->source, &bridge,
                                      drv->net_hooks.opaque) < 0)
        return NULL;
    return bridge;
}

/* The bridge's MTU from sysfs, 0 when unknown. */
static unsigned int
bridge_mtu(const char *bridge)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s/mtu", bridge);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return (unsigned int) strtoul(text, NULL, 10);
}

/* Create, enslave and set up the tap for @n.  Returns its fd, *ifname
 * owned, or -1 (reported; the tap is gone). */
static int
open_tap(const VrDomainNetDef *n, const char *bridge, char **ifname)
{
    g_autofree char *mac = g_strdup_printf("fe:%02x:%02x:%02x:%02x:%02x",
                                           n->mac[1], n->mac[2], n->mac[3],
                                           n->mac[4], n->mac[5]);
    g_autofree char *name = NULL;
    unsigned int mtu = bridge_mtu(bridge);
    int fd = -1;

    if (vr_tap_create("vnet%d", mac, &fd, &name) < 0)
        return -1;
    if ((mtu && vr_netlink_link_set_mtu(name, mtu) < 0) ||
        vr_netlink_link_set_master(name, bridge) < 0 ||
        vr_netlink_link_set_up(name, true) < 0) {
        close(fd);
        return -1;
    }
    *ifname = g_steal_pointer(&name);
    return fd;
}

int
qemu_interface_prepare(QemuDriver *drv, VrDomainObj *obj, GArray **fds)
{
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(int));
    VrDomainDef *def = obj->def;     /* live; its nets list is fixed now */

    for (guint i = 0; i < def->nets->len; i++) {
        VrDomainNetDef *n = g_ptr_array_index(def->nets, i);
        g_autofree char *bridge = NULL;
        g_autofree char *ifname = NULL;
        int fd;

        if (!needs_tap(n))
            continue;
        if (!(bridge = net_bridge(drv, n, obj->name)) ||
            (fd = open_tap(n, bridge, &ifname)) < 0) {
            qemu_interface_close_fds(&out);
            return -1;
        }
        g_array_append_val(out, fd);
        VR_INFO("domain '%s': tap '%s' on bridge '%s'", obj->name, ifname,
                bridge);
        if (n->type == VR_DOMAIN_NET_TYPE_NETWORK &&
            drv->net_hooks.port_added) {
            char mac[18];

            g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
                       n->mac[0], n->mac[1], n->mac[2], n->mac[3],
                       n->mac[4], n->mac[5]);
            drv->net_hooks.port_added(n->source, ifname, mac,
                                      drv->net_hooks.opaque);
        }
        vr_domain_obj_lock(obj);
        g_free(n->target_dev);
        n->target_dev = g_steal_pointer(&ifname);
        vr_domain_obj_unlock(obj);
    }
    *fds = g_steal_pointer(&out);
    return 0;
}

void
qemu_interface_close_fds(GArray **fds)
{
    if (!fds || !*fds)
        return;
    for (guint i = 0; i < (*fds)->len; i++)
        close(g_array_index(*fds, int, i));
    g_array_unref(g_steal_pointer(fds));
}

void
qemu_interface_release(QemuDriver *drv, VrDomainObj *obj)
{
    g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func(g_free);

    vr_domain_obj_lock(obj);
    for (guint i = 0; obj->def && i < obj->def->nets->len; i++) {
        const VrDomainNetDef *n = g_ptr_array_index(obj->def->nets, i);

        if (n->type == VR_DOMAIN_NET_TYPE_NETWORK && n->target_dev) {
            g_ptr_array_add(gone, g_strdup(n->source));
            g_ptr_array_add(gone, g_strdup(n->target_dev));
        }
    }
    vr_domain_obj_unlock(obj);
    for (guint i = 0; drv->net_hooks.port_removed && i < gone->len; i += 2)
        drv->net_hooks.port_removed(g_ptr_array_index(gone, i),
                                    g_ptr_array_index(gone, i + 1),
                                    drv->net_hooks.opaque);
}

int
qemu_interface_prepare_one(QemuDriver *drv, const char *dom,
                           VrDomainNetDef *n, int *fd)
{
    g_autofree char *bridge = NULL;
    g_autofree char *ifname = NULL;
    char mac[18];
    int tapfd;

    if (!needs_tap(n)) {
        *fd = -1;
        return 0;
    }
    if (!(bridge = net_bridge(drv, n, dom)) ||
        (tapfd = open_tap(n, bridge, &ifname)) < 0)
        return -1;
    VR_INFO("domain '%s': hotplug tap '%s' on bridge '%s'", dom, ifname,
            bridge);
    g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
               n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
               n->mac[5]);
    if (n->type == VR_DOMAIN_NET_TYPE_NETWORK && drv->net_hooks.port_added)
        drv->net_hooks.port_added(n->source, ifname, mac,
                                  drv->net_hooks.opaque);
    g_free(n->target_dev);
    n->target_dev = g_steal_pointer(&ifname);
    *fd = tapfd;
    return 0;
}

void
qemu_interface_release_one(QemuDriver *drv, const VrDomainNetDef *n)
{
    if (n->type == VR_DOMAIN_NET_TYPE_NETWORK && n->target_dev &&
        drv->net_hooks.port_removed)
        drv->net_hooks.port_removed(n->source, n->target_dev,
                                    drv->net_hooks.opaque);
}
