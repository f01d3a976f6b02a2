/* net_driver_start.c: starting a network as named phases - validate
 * (overlaps, host bridge), bridge (create, STP, addresses, up), forwarding,
 * firewall (our own nft table), dnsmasq, commit (status file) - and the
 * one idempotent stop that undoes whatever prefix ran.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "network/net_driver_priv.h"
#include "network/net_firewall.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_netlink.h"

char *
net_state_file(NetDriver *drv, const char *name, const char *suffix)
{
    g_autofree char *file = g_strdup_printf("%s.%s", name, suffix);

    return g_build_filename(drv->state_dir, file, NULL);
}

char *
net_run_file(NetDriver *drv, const char *name, const char *suffix)
{
    g_autofree char *file = g_strdup_printf("%s.%s", name, suffix);

    return g_build_filename(drv->run_dir, file, NULL);
}

char *
net_log_file(NetDriver *drv, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.log", name);

    return g_build_filename(drv->log_dir, file, NULL);
}

/* "192.168.122.0/24" for @ip (host bits cleared).  Owned. */
static char *
subnet_string(const VrNetIpDef *ip)
{
    VrNetAddr net = ip->address;
    unsigned int bits = net.family == AF_INET ? 32 : 128;
    g_autofree char *addr = NULL;

    for (unsigned int i = ip->prefix; i < bits; i++)
        net.addr[i / 8] &= ~(0x80 >> (i % 8));
    addr = vr_net_addr_format(&net);
    return g_strdup_printf("%s/%u", addr, ip->prefix);
}

/* Does @ip clash with a subnet of another active network?  Reports. */
static int
check_networks(NetDriver *drv, const VrNetworkDef *def, const VrNetIpDef *ip)
{
    g_autoptr(GPtrArray) all = net_driver_all_objs(drv);

    for (guint i = 0; i < all->len; i++) {
        NetObj *o = g_ptr_array_index(all, i);
        g_autofree char *clash = NULL;
        g_autofree char *mine = NULL;

        if (g_str_equal(o->name, def->name))
            continue;
        g_mutex_lock(&o->lock);
        for (guint j = 0; o->active && !clash && j < o->def->ips->len; j++) {
            const VrNetIpDef *other = g_ptr_array_index(o->def->ips, j);

            if (vr_net_subnets_overlap(&ip->address, ip->prefix,
                                       &other->address, other->prefix))
                clash = subnet_string(other);
        }
        g_mutex_unlock(&o->lock);
        if (clash) {
            mine = subnet_string(ip);
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_NETWORK,
                            "subnet %s of network '%s' overlaps subnet %s "
                            "of active network '%s'", mine, def->name,
                            clash, o->name);
            return -1;
        }
    }
    return 0;
}

/* Phase 1: is the network startable on this host? */
static int
phase_validate(NetDriver *drv, const VrNetworkDef *def)
{
    if (def->forward == VR_NET_FORWARD_BRIDGE) {
        g_autofree char *kind = NULL;

        if (vr_netlink_link_index(def->bridge) < 0 ||
            vr_netlink_link_kind(def->bridge, &kind) < 0 ||
            g_strcmp0(kind, "bridge") != 0) {
            vr_error_reset();
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                            "bridge '%s' of network '%s' does not exist on "
                            "the host (or is not a bridge)", def->bridge,
                            def->name);
            return -1;
        }
        return 0;
    }
    for (guint i = 0; i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);
        g_autofree char *clash = NULL;
        g_autofree char *mine = NULL;

        if (check_networks(drv, def, ip) < 0 ||
            vr_netlink_find_overlap(&ip->address, ip->prefix, def->bridge,
                                    &clash) < 0)
            return -1;
        if (clash) {
            mine = subnet_string(ip);
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_NETWORK,
                            "subnet %s of network '%s' overlaps %s on the "
                            "host", mine, def->name, clash);
            return -1;
        }
    }
    return 0;
}

/* Phase 2: the bridge with its addresses, up. */
static int
phase_bridge(NetObj *obj, const VrNetworkDef *def)
{
    if (vr_netlink_bridge_create(def->bridge, def->mac, def->mtu) < 0)
        return -1;
    g_mutex_lock(&obj->lock);
    obj->bridge_created = true;
    g_mutex_unlock(&obj->lock);
    if (vr_netlink_bridge_set_stp(def->bridge, def->stp, def->delay) < 0)
        return -1;
    for (guint i = 0; i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);

        if (vr_netlink_addr_add(def->bridge, &ip->address, ip->prefix) < 0)
            return -1;
    }
    return vr_netlink_link_set_up(def->bridge, true);
}

static int
enable_sysctl(const char *path)
{
    g_autofree char *cur = NULL;

    if (g_file_get_contents(path, &cur, NULL, NULL) && cur[0] == '1')
        return 0;
    if (!g_file_set_contents(path, "1\n", -1, NULL)) {
        /* g_file_set_contents renames; /proc needs a plain write. */
        int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write(fd, "1\n", 2) != 2) {
            vr_error_report_system(errno, VR_FROM_NETWORK,
                                   "cannot enable forwarding ('%s')", path);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
    }
    VR_INFO("enabled forwarding: %s", path);
    return 0;
}

/* Phase 3: IP forwarding for forwarding networks (never disabled later). */
static int
phase_forwarding(const VrNetworkDef *def)
{
    bool v4 = false, v6 = false;

    if (def->forward != VR_NET_FORWARD_NAT &&
        def->forward != VR_NET_FORWARD_ROUTE &&
        def->forward != VR_NET_FORWARD_OPEN)
        return 0;
    for (guint i = 0; i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);

        v4 |= ip->address.family == AF_INET;
        v6 |= ip->address.family == AF_INET6;
    }
    if (v4 && enable_sysctl("/proc/sys/net/ipv4/ip_forward") < 0)
        return -1;
    if (v6 && enable_sysctl("/proc/sys/net/ipv6/conf/all/forwarding") < 0)
        return -1;
    return 0;
}

/* Put the live definition in place (the persistent one kept aside). */
static VrNetworkDef *
install_live_def(NetObj *obj, bool *was_active)
{
    VrNetworkDef *copy;

    g_mutex_lock(&obj->lock);
    *was_active = obj->active;
    if (!obj->active && obj->persistent && !obj->new_def) {
        obj->new_def = obj->def;
        obj->def = vr_network_def_copy(obj->new_def);
    }
    copy = vr_network_def_copy(obj->def);
    g_mutex_unlock(&obj->lock);
    return copy;
}

int
net_start_obj(NetDriver *drv, NetObj *obj)
{
    g_autoptr(VrNetworkDef) def = NULL;
    gint64 t0 = g_get_monotonic_time();
    bool active;

    def = install_live_def(obj, &active);
    if (active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "network '%s' is already active", obj->name);
        return -1;
    }
    VR_DEBUG("network '%s': phase validate", obj->name);
    if (phase_validate(drv, def) < 0)
        goto fail;
    if (def->forward != VR_NET_FORWARD_BRIDGE) {
        g_autofree char *script = net_firewall_script(def);

        VR_DEBUG("network '%s': phase bridge", obj->name);
        if (phase_bridge(obj, def) < 0 || phase_forwarding(def) < 0)
            goto fail;
        VR_DEBUG("network '%s': phase firewall", obj->name);
        if (net_firewall_apply(script) < 0)
            goto fail;
    }
    VR_DEBUG("network '%s': phase dnsmasq", obj->name);
    if (net_def_wants_dnsmasq(def) && net_dnsmasq_start(drv, obj) < 0)
        goto fail;
    g_mutex_lock(&obj->lock);
    obj->active = true;
    obj->restart_delay_ms = 0;
    g_mutex_unlock(&obj->lock);
    if (net_status_save(drv, obj) < 0)
        goto fail;
    VR_INFO("network '%s': started in %lld ms", obj->name,
            (long long) (g_get_monotonic_time() - t0) / 1000);
    return 0;

 fail: {
        g_autoptr(VrError) err = vr_error_copy_last();

        net_stop_obj(drv, obj, false);
        if (err)
            vr_error_set_raw(err->code, err->domain, err->level,
                             err->message, err->str1, err->str2);
    }
    return -1;
}

static void
warn_reset(void)
{
    VR_WARN("%s", vr_error_message());
    vr_error_reset();
}

static void
remove_files(NetDriver *drv, const char *name)
{
    static const char *const state[] = { "conf", "hostsfile", "addnhosts",
                                         "leases" };

    for (size_t i = 0; i < G_N_ELEMENTS(state); i++) {
        g_autofree char *p = net_state_file(drv, name, state[i]);

        if (vr_file_remove_durable(p) < 0)
            warn_reset();
    }
    {
        g_autofree char *pid = net_run_file(drv, name, "pid");

        unlink(pid);
    }
    net_status_remove(drv, name);
}

/* Undo the host side of @def: dnsmasq, nft table, bridge, files. */
static void
undo_host(NetDriver *drv, NetObj *obj, const VrNetworkDef *def,
          bool bridge_ours)
{
    net_dnsmasq_stop(drv, obj);
    if (def->forward != VR_NET_FORWARD_BRIDGE) {
        g_autofree char *script = net_firewall_delete_script(def);

        if (net_firewall_apply(script) < 0)
            warn_reset();
    }
    if (bridge_ours && def->bridge && vr_netlink_link_index(def->bridge) >= 0
        && vr_netlink_link_delete(def->bridge) < 0)
        warn_reset();
    remove_files(drv, def->name);
}

void
net_stop_obj(NetDriver *drv, NetObj *obj, bool emit)
{
    g_autoptr(VrNetworkDef) def = NULL;
    bool was_active, ours, transient;

    g_mutex_lock(&obj->lock);
    def = vr_network_def_copy(obj->def);
    was_active = obj->active;
    ours = obj->bridge_created;
    g_mutex_unlock(&obj->lock);
    VR_INFO("network '%s': stopping", obj->name);
    undo_host(drv, obj, def, ours);

    g_mutex_lock(&obj->lock);
    obj->active = false;
    obj->bridge_created = false;
    if (obj->new_def) {
        vr_network_def_free(obj->def);
        obj->def = g_steal_pointer(&obj->new_def);
    }
    transient = !obj->persistent;
    g_mutex_unlock(&obj->lock);
    if (emit && was_active)
        net_driver_emit(drv, obj, 3, 0);
    if (transient)
        net_driver_remove_obj(drv, obj);
}
