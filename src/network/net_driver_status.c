/* net_driver_status.c: the status file of each active network,
 * <run>/network/NAME.xml, written atomically:
 *
 *   <networkstatus dnsmasq-pid='N' bridge-created='1'>
 *   <network>...live definition...</network>
 *   </networkstatus>
 *
 * and what a starting daemon does with them (reconcile: adopt what still
 * runs, restart a dead dnsmasq, re-apply the nft table, clean up networks
 * whose bridge vanished), then the "default" network and autostart.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "network/net_driver_priv.h"
#include "network/net_firewall.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_netlink.h"

#define STATUS_MAX (1024 * 1024)
#define STATUS_END "</networkstatus>"
#define DEFAULT_MARKER ".default-network-defined"

static const char default_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

int
net_status_save(NetDriver *drv, NetObj *obj)
{
    g_autofree char *path = net_run_file(drv, obj->name, "xml");
    g_autofree char *xml = NULL;
    g_autofree char *text = NULL;
    int pid, ours;

    g_mutex_lock(&obj->lock);
    xml = vr_network_def_format(obj->def, 0);
    pid = (int) obj->dnsmasq_pid;
    ours = obj->bridge_created;
    g_mutex_unlock(&obj->lock);
    text = g_strdup_printf("<networkstatus dnsmasq-pid='%d' "
                           "bridge-created='%d'>\n%s" STATUS_END "\n",
                           pid, ours, xml);
    if (vr_dir_create(drv->run_dir, 0755) < 0)
        return -1;
    return vr_file_write_atomic(path, text, strlen(text), 0644);
}

void
net_status_remove(NetDriver *drv, const char *name)
{
    g_autofree char *path = net_run_file(drv, name, "xml");

    if (vr_file_remove_durable(path) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
}

/* Parse a status file.  Returns the live def or NULL (reported). */
static VrNetworkDef *
status_parse(const char *path, int *pid, int *ours)
{
    g_autofree char *text = NULL;
    char *body, *end;

    if (vr_file_read_all(path, STATUS_MAX, &text, NULL) < 0)
        return NULL;
    if (sscanf(text, "<networkstatus dnsmasq-pid='%d' bridge-created='%d'>",
               pid, ours) != 2 || !(body = strchr(text, '\n')) ||
        !(end = strstr(body, STATUS_END))) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NETWORK,
                        "malformed network status file '%s'", path);
        return NULL;
    }
    *end = '\0';
    return vr_network_def_parse_string(body + 1, path, 0);
}

/* Make @obj (or a new transient object) active with @live. */
static NetObj *
adopt_obj(NetDriver *drv, VrNetworkDef *live, bool ours)
{
    NetObj *obj = net_driver_find_name(drv, live->name);

    if (!obj) {
        obj = net_driver_add_obj(drv, live);
    } else {
        g_mutex_lock(&obj->lock);
        obj->new_def = obj->persistent ? obj->def : NULL;
        if (!obj->persistent)
            vr_network_def_free(obj->def);
        obj->def = live;
        g_mutex_unlock(&obj->lock);
    }
    g_mutex_lock(&obj->lock);
    obj->active = true;
    obj->bridge_created = ours;
    g_mutex_unlock(&obj->lock);
    return obj;
}

static void
reconcile_one(NetDriver *drv, const char *path)
{
    g_autoptr(VrNetworkDef) live = NULL;
    g_autoptr(NetObj) obj = NULL;
    int pid = 0, ours = 0;
    bool bridge_mode;

    if (!(live = status_parse(path, &pid, &ours))) {
        VR_WARN("ignoring network status: %s", vr_error_message());
        vr_error_reset();
        return;
    }
    bridge_mode = live->forward == VR_NET_FORWARD_BRIDGE;
    obj = adopt_obj(drv, g_steal_pointer(&live), ours);
    g_mutex_lock(&obj->job);
    live = vr_network_def_copy(obj->def);
    if (!live->bridge || vr_netlink_link_index(live->bridge) < 0) {
        VR_WARN("network '%s': bridge '%s' is gone; marking it inactive",
                obj->name, live->bridge ? live->bridge : "");
        net_dnsmasq_adopt(drv, obj, (pid_t) pid);   /* so stop kills it */
        net_stop_obj(drv, obj, true);
    } else {
        if (!bridge_mode) {
            g_autofree char *script = net_firewall_script(live);

            if (net_firewall_apply(script) < 0) {
                VR_WARN("network '%s': %s", obj->name, vr_error_message());
                vr_error_reset();
            }
        }
        if (net_def_wants_dnsmasq(live) &&
            !net_dnsmasq_adopt(drv, obj, (pid_t) pid) &&
            net_dnsmasq_start(drv, obj) < 0) {
            VR_WARN("network '%s': %s", obj->name, vr_error_message());
            vr_error_reset();
        }
        if (net_status_save(drv, obj) < 0) {
            VR_WARN("%s", vr_error_message());
            vr_error_reset();
        }
        VR_INFO("network '%s': reconciled (active)", obj->name);
    }
    g_mutex_unlock(&obj->job);
}

void
net_driver_reconcile(NetDriver *drv)
{
    g_autoptr(GDir) dir = g_dir_open(drv->run_dir, 0, NULL);
    const char *file;

    while (dir && (file = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;

        if (file[0] == '.' || !g_str_has_suffix(file, ".xml"))
            continue;
        path = g_build_filename(drv->run_dir, file, NULL);
        reconcile_one(drv, path);
    }
}

/* Would @def clash with a defined network's subnet or a host route? */
static char *
default_clash(NetDriver *drv, const VrNetworkDef *def)
{
    const VrNetIpDef *ip = g_ptr_array_index(def->ips, 0);
    g_autoptr(GPtrArray) all = net_driver_all_objs(drv);
    char *clash = NULL;

    for (guint i = 0; i < all->len && !clash; i++) {
        NetObj *o = g_ptr_array_index(all, i);

        g_mutex_lock(&o->lock);
        for (guint j = 0; !clash && j < o->def->ips->len; j++) {
            const VrNetIpDef *x = g_ptr_array_index(o->def->ips, j);

            if (vr_net_subnets_overlap(&ip->address, ip->prefix,
                                       &x->address, x->prefix))
                clash = g_strdup_printf("network '%s'", o->name);
        }
        g_mutex_unlock(&o->lock);
    }
    if (!clash && vr_netlink_link_index(def->bridge) >= 0)
        clash = g_strdup_printf("existing link '%s'", def->bridge);
    if (!clash && vr_netlink_find_overlap(&ip->address, ip->prefix, NULL,
                                          &clash) < 0) {
        clash = g_strdup(vr_error_message());
        vr_error_reset();
    }
    return clash;
}

void
net_driver_define_default(NetDriver *drv)
{
    g_autofree char *marker = g_build_filename(drv->state_dir,
                                               DEFAULT_MARKER, NULL);
    g_autoptr(VrNetworkDef) def = NULL;
    g_autoptr(NetObj) existing = NULL;
    g_autofree char *clash = NULL;
    NetRef ref = { 0 };

    if (!drv->privileged || g_file_test(marker, G_FILE_TEST_EXISTS))
        return;
    /* A relocated daemon (--root: tests, demos) shares the host's network
     * namespace with the real one: it never makes networks by itself. */
    if (drv->relocated && !g_getenv("VIREO_DEFINE_DEFAULT_NETWORK")) {
        VR_INFO("not defining the default network: relocated root (set "
                "VIREO_DEFINE_DEFAULT_NETWORK=1 to define it)");
        return;
    }
    if (vr_dir_create(drv->state_dir, 0755) < 0 ||
        vr_file_write_atomic(marker, "", 0, 0644) < 0 ||
        !(def = vr_network_def_parse_string(default_xml, "default", 0))) {
        VR_WARN("not defining the default network: %s", vr_error_message());
        vr_error_reset();
        return;
    }
    if ((existing = net_driver_find_name(drv, "default")))
        return;
    if ((clash = default_clash(drv, def))) {
        VR_INFO("not defining the default network: 192.168.122.0/24 or "
                "virbr0 clashes with %s", clash);
        return;
    }
    if (net_define(drv, default_xml, 0, &ref) < 0 ||
        net_set_autostart(drv, &ref, true) < 0) {
        VR_WARN("cannot define the default network: %s",
                vr_error_message());
        vr_error_reset();
    } else {
        VR_INFO("defined the default network (192.168.122.0/24, virbr0)");
    }
    net_ref_clear(&ref);
}

void
net_driver_autostart(NetDriver *drv)
{
    g_autoptr(GPtrArray) all = net_driver_all_objs(drv);

    for (guint i = 0; i < all->len; i++) {
        NetObj *obj = g_ptr_array_index(all, i);
        NetRef ref = { 0 };
        bool want;

        if (g_atomic_int_get(&drv->quitting))
            return;
        g_mutex_lock(&obj->lock);
        want = obj->autostart && !obj->active;
        g_mutex_unlock(&obj->lock);
        if (!want)
            continue;
        net_ref_fill(&ref, obj);
        if (net_start(drv, &ref) < 0) {
            VR_ERROR("cannot autostart network '%s': %s", obj->name,
                     vr_error_message());
            vr_error_reset();
        }
        net_ref_clear(&ref);
    }
}
