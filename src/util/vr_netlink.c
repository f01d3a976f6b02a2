/* vr_netlink.c: the vr_netlink.h calls, forwarded to the netlink module
 * (vireo-netlink.so, vr_netlink_nl.c), which is loaded with GModule on
 * the first call and kept for the process's life (vr_netlink_module.h
 * says why).  A module that cannot be loaded fails that call, and every
 * later one, with an error naming the module's path.
 */
#include <config.h>

#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_netlink_module.h"
#include "util/vr_paths.h"

static void
host_error(int code, int domain, const char *message)
{
    vr_error_report(code, domain, "%s", message);
}

static void
host_log(int level, const char *func, const char *message)
{
    vr_log_message(level, func, "%s", message);
}

static const VrNetlinkHost host = {
    .error = host_error,
    .log_enabled = vr_log_enabled,
    .log = host_log,
};

/* The module's table, or NULL with an error reported. */
static const VrNetlinkOps *
module_ops(void)
{
    static GMutex lock;
    static const VrNetlinkOps *ops;
    static char *why;
    const VrNetlinkOps *ret;
    gpointer init;

    g_mutex_lock(&lock);
    if (!ops && !why &&
        (init = vr_module_symbol(VR_NETLINK_MODULE_FILE,
                                 VR_NETLINK_MODULE_SYMBOL, "netlink", &why)) &&
        !(ops = ((VrNetlinkModuleInitFunc) init)(VR_NETLINK_MODULE_ABI,
                                                 &host))) {
        g_autofree char *path = vr_module_path(VR_NETLINK_MODULE_FILE);

        why = g_strdup_printf("'%s' is a netlink module of another Vireo "
                              "version (interface %d wanted)", path,
                              VR_NETLINK_MODULE_ABI);
    }
    ret = ops;
    if (!ret)
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE, "%s", why);
    g_mutex_unlock(&lock);
    return ret;
}

#define FORWARD(fail, call) \
    do { \
        const VrNetlinkOps *o = module_ops(); \
        return o ? o->call : (fail); \
    } while (0)

int
vr_netlink_bridge_create(const char *name, const char *mac, unsigned int mtu)
{
    FORWARD(-1, bridge_create(name, mac, mtu));
}

int
vr_netlink_bridge_set_stp(const char *name, bool stp, unsigned int delay)
{
    FORWARD(-1, bridge_set_stp(name, stp, delay));
}

int
vr_netlink_link_delete(const char *name)
{
    FORWARD(-1, link_delete(name));
}

int
vr_netlink_link_set_up(const char *name, bool up)
{
    FORWARD(-1, link_set_up(name, up));
}

int
vr_netlink_link_set_mtu(const char *name, unsigned int mtu)
{
    FORWARD(-1, link_set_mtu(name, mtu));
}

int
vr_netlink_link_set_master(const char *name, const char *master)
{
    FORWARD(-1, link_set_master(name, master));
}

int
vr_netlink_addr_add(const char *name, const VrNetAddr *addr,
                    unsigned int prefix)
{
    FORWARD(-1, addr_add(name, addr, prefix));
}

int
vr_netlink_link_exists(const char *name)
{
    FORWARD(-1, link_exists(name));
}

int
vr_netlink_link_index(const char *name)
{
    FORWARD(-1, link_index(name));
}

char *
vr_netlink_link_mac(const char *name)
{
    FORWARD(NULL, link_mac(name));
}

int
vr_netlink_link_set_mac(const char *name, const char *mac)
{
    FORWARD(-1, link_set_mac(name, mac));
}

int
vr_netlink_link_kind(const char *name, char **kind)
{
    FORWARD(-1, link_kind(name, kind));
}

int
vr_netlink_link_master(const char *name, char **master)
{
    FORWARD(-1, link_master(name, master));
}

int
vr_netlink_find_overlap(const VrNetAddr *net, unsigned int prefix,
                        const char *ignore_dev, char **clash)
{
    FORWARD(-1, find_overlap(net, prefix, ignore_dev, clash));
}
