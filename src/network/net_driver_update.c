/* net_driver_update.c: net-update for DHCP host entries (libvirt's
 * section ip-dhcp-host), live and/or persistent, and the DHCP leases of a
 * network from dnsmasq's lease file.
 */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "network/net_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"

enum {
    UPDATE_MODIFY = 1,
    UPDATE_DELETE = 2,
    UPDATE_ADD_LAST = 3,
    UPDATE_ADD_FIRST = 4,
};
#define SECTION_IP_DHCP_HOST 4
#define UPDATE_LIVE 1
#define UPDATE_CONFIG 2
#define LEASES_MAX (16 * 1024 * 1024)

/* The <ip> a host entry goes to: @index, or the first IPv4 one. */
static VrNetIpDef *
pick_ip(VrNetworkDef *def, int index)
{
    if (index >= 0) {
        if ((guint) index < def->ips->len)
            return g_ptr_array_index(def->ips, index);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "couldn't update dhcp host entry - no <ip> element "
                        "found at index %d in network '%s'", index,
                        def->name);
        return NULL;
    }
    for (guint i = 0; i < def->ips->len; i++) {
        VrNetIpDef *ip = g_ptr_array_index(def->ips, i);

        if (ip->address.family == AF_INET)
            return ip;
    }
    vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                    "couldn't update dhcp host entry - no IPv4 <ip> element "
                    "in network '%s'", def->name);
    return NULL;
}

static bool
same_str(const char *a, const char *b)
{
    return a && b && g_ascii_strcasecmp(a, b) == 0;
}

static bool
same_ip(const VrNetDhcpHost *a, const VrNetDhcpHost *b)
{
    return a->ip.family && b->ip.family && vr_net_addr_cmp(&a->ip, &b->ip) == 0;
}

/* Does @h match every field given in @want? */
static bool
matches_all(const VrNetDhcpHost *h, const VrNetDhcpHost *want)
{
    return (!want->mac || same_str(h->mac, want->mac)) &&
           (!want->name || same_str(h->name, want->name)) &&
           (!want->id || same_str(h->id, want->id)) &&
           (!want->ip.family || same_ip(h, want));
}

static int
find_host(GPtrArray *hosts, const VrNetDhcpHost *want, bool any)
{
    for (guint i = 0; i < hosts->len; i++) {
        const VrNetDhcpHost *h = g_ptr_array_index(hosts, i);

        if (any ? (same_str(h->mac, want->mac) ||
                   same_str(h->name, want->name) ||
                   same_str(h->id, want->id) || same_ip(h, want))
                : matches_all(h, want))
            return (int) i;
    }
    return -1;
}

/* Apply the change to @def (a private copy).  0 or -1 (reported). */
static int
apply_update(VrNetworkDef *def, unsigned int command, int parent,
             const char *xml)
{
    VrNetIpDef *ip = pick_ip(def, parent);
    g_autoptr(VrNetDhcpHost) host = NULL;
    g_autofree char *text = NULL;
    int at;

    if (!ip || !(host = vr_network_dhcp_host_parse_family(xml,
                                                          ip->address.family,
                                                          def->name)))
        return -1;
    text = vr_network_dhcp_host_format(host);
    if (command == UPDATE_ADD_LAST || command == UPDATE_ADD_FIRST) {
        if (find_host(ip->hosts, host, true) >= 0) {
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                            "there is an existing dhcp host entry in "
                            "network '%s' that matches \"%s\"", def->name,
                            text);
            return -1;
        }
        if (command == UPDATE_ADD_FIRST)
            g_ptr_array_insert(ip->hosts, 0, g_steal_pointer(&host));
        else
            g_ptr_array_add(ip->hosts, g_steal_pointer(&host));
        ip->has_dhcp = true;
    } else {
        VrNetDhcpHost key = { .mac = host->mac, .id = host->id };

        /* modify finds the entry by its MAC (or DUID/name for IPv6) */
        if (command == UPDATE_MODIFY && !key.mac && !key.id)
            key.name = host->name;
        at = find_host(ip->hosts, command == UPDATE_MODIFY ? &key : host,
                       false);
        if (at < 0) {
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                            "couldn't locate a matching dhcp host entry "
                            "\"%s\" in network '%s'", text, def->name);
            return -1;
        }
        g_ptr_array_remove_index(ip->hosts, at);
        if (command == UPDATE_MODIFY)
            g_ptr_array_insert(ip->hosts, at, g_steal_pointer(&host));
    }
    return vr_network_def_validate(def);
}

static int
check_update_args(unsigned int command, unsigned int section,
                  unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, UPDATE_LIVE | UPDATE_CONFIG) < 0)
        return -1;
    if (section != SECTION_IP_DHCP_HOST) {
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_NETWORK,
                        "can't update section %u of a network (only "
                        "ip-dhcp-host is supported)", section);
        return -1;
    }
    if (command < UPDATE_MODIFY || command > UPDATE_ADD_FIRST) {
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_NETWORK,
                        "unrecognized network update command code %u",
                        command);
        return -1;
    }
    return 0;
}

/* Make the live change visible: hosts files, SIGHUP, status. */
static int
commit_live(NetDriver *drv, NetObj *obj, VrNetworkDef *live)
{
    VrNetworkDef *old;

    if (net_write_host_files(drv, live) < 0)
        return -1;
    g_mutex_lock(&obj->lock);
    old = obj->def;
    obj->def = live;
    g_mutex_unlock(&obj->lock);
    vr_network_def_free(old);
    net_dnsmasq_reload(obj);
    return net_status_save(drv, obj);
}

/* Save and publish the persistent change. */
static int
commit_config(NetDriver *drv, NetObj *obj, VrNetworkDef *conf)
{
    VrNetworkDef *old;

    if (net_driver_save_def(drv, conf) < 0)
        return -1;
    g_mutex_lock(&obj->lock);
    if (obj->active) {
        old = obj->new_def;
        obj->new_def = conf;
    } else {
        old = obj->def;
        obj->def = conf;
    }
    g_mutex_unlock(&obj->lock);
    vr_network_def_free(old);
    return 0;
}

/* Under the config lock and the job: decide, change copies, commit. */
static int
update_locked(NetDriver *drv, NetObj *obj, unsigned int command, int parent,
              const char *xml, unsigned int flags)
{
    g_autoptr(VrNetworkDef) live = NULL;
    g_autoptr(VrNetworkDef) conf = NULL;
    bool active, persistent;

    g_mutex_lock(&obj->lock);
    active = obj->active;
    persistent = obj->persistent;
    if (flags == 0)
        flags = active ? UPDATE_LIVE : UPDATE_CONFIG;
    if ((flags & UPDATE_LIVE) && active)
        live = vr_network_def_copy(obj->def);
    if ((flags & UPDATE_CONFIG) && persistent)
        conf = vr_network_def_copy(obj->new_def ? obj->new_def : obj->def);
    g_mutex_unlock(&obj->lock);
    if ((flags & UPDATE_LIVE) && !active) {
        net_report_inactive(obj->name);
        return -1;
    }
    if ((flags & UPDATE_CONFIG) && !persistent) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "cannot change the persistent configuration of "
                        "transient network '%s'", obj->name);
        return -1;
    }
    if ((live && apply_update(live, command, parent, xml) < 0) ||
        (conf && apply_update(conf, command, parent, xml) < 0))
        return -1;
    if (conf && commit_config(drv, obj, g_steal_pointer(&conf)) < 0)
        return -1;
    if (live && commit_live(drv, obj, g_steal_pointer(&live)) < 0)
        return -1;
    return 0;
}

int
net_update(NetDriver *drv, const NetRef *net, unsigned int command,
           unsigned int section, int parent_index, const char *xml,
           unsigned int flags)
{
    g_autoptr(NetObj) obj = NULL;
    int ret;

    if (check_update_args(command, section, flags) < 0 ||
        !(obj = net_driver_get_obj(drv, net)))
        return -1;
    g_mutex_lock(&drv->config_lock);
    g_mutex_lock(&obj->job);
    ret = update_locked(drv, obj, command, parent_index, xml, flags);
    g_mutex_unlock(&obj->job);
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0)
        VR_INFO("network '%s': dhcp host entries updated", obj->name);
    return ret;
}

int
net_get_dhcp_leases(NetDriver *drv, const NetRef *net, const char *mac,
                    GPtrArray **leases)
{
    g_autoptr(NetObj) obj = net_driver_get_obj(drv, net);
    g_autoptr(VrNetworkDef) def = NULL;
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) all = NULL;
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    GPtrArray *out;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->lock);
    def = vr_network_def_copy(obj->def);
    g_mutex_unlock(&obj->lock);
    path = net_state_file(drv, obj->name, "leases");
    if (!g_file_get_contents(path, &text, NULL, NULL))
        text = g_strdup("");
    all = net_dnsmasq_leases_parse(text);
    net_dnsmasq_leases_fill_prefix(all, def);
    out = g_ptr_array_new_with_free_func((GDestroyNotify) net_lease_free);
    for (guint i = 0; i < all->len; i++) {
        NetLease *l = g_ptr_array_index(all, i);

        if ((l->expiry && l->expiry < now) ||
            (mac && !same_str(l->mac, mac)))
            continue;
        g_ptr_array_add(out, g_steal_pointer(&all->pdata[i]));
    }
    *leases = out;
    return 0;
}
