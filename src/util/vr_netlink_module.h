/* vr_netlink_module.h: the interface between Vireo and its netlink
 * module (vireo-netlink.so, vr_netlink_nl.c).
 *
 * libnl-route registers dozens of link, qdisc and classifier types from
 * its constructors and relocates large tables as soon as it is mapped:
 * about 0.6 MiB of resident pages in every process that links it, used
 * or not.  The module holds all the libnl code; vr_netlink.c loads it
 * with GModule on the first netlink call, so a daemon that never sets up
 * a bridge or a tap never maps libnl.  The module links nothing of
 * Vireo's own: it reports errors and log messages through the host's
 * functions it is given.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/vr_netlink.h"

/* File name of the module in the module directory. */
#define VR_NETLINK_MODULE_FILE "vireo-netlink.so"
/* The symbol looked up: a VrNetlinkModuleInitFunc. */
#define VR_NETLINK_MODULE_SYMBOL "vireo_netlink_module_init"
/* Bumped when either table below changes. */
#define VR_NETLINK_MODULE_ABI 1

/* What the host lends the module: error reporting (complete text) and
 * logging. */
typedef struct {
    void (*error)(int code, int domain, const char *message);
    gboolean (*log_enabled)(int level);
    void (*log)(int level, const char *func, const char *message);
} VrNetlinkHost;

/* The module's functions; each has the contract of its vr_netlink_*
 * namesake in vr_netlink.h. */
typedef struct {
    int (*bridge_create)(const char *name, const char *mac, unsigned int mtu);
    int (*bridge_set_stp)(const char *name, bool stp, unsigned int delay);
    int (*link_delete)(const char *name);
    int (*link_set_up)(const char *name, bool up);
    int (*link_set_mtu)(const char *name, unsigned int mtu);
    int (*link_set_master)(const char *name, const char *master);
    int (*addr_add)(const char *name, const VrNetAddr *addr,
                    unsigned int prefix);
    int (*link_exists)(const char *name);
    int (*link_index)(const char *name);
    char *(*link_mac)(const char *name);
    int (*link_set_mac)(const char *name, const char *mac);
    int (*link_kind)(const char *name, char **kind);
    int (*link_master)(const char *name, char **master);
    int (*find_overlap)(const VrNetAddr *net, unsigned int prefix,
                        const char *ignore_dev, char **clash);
} VrNetlinkOps;

/* Keep @host (static storage) for the module's life and return the
 * module's table, or NULL when @abi is not the module's
 * VR_NETLINK_MODULE_ABI. */
typedef const VrNetlinkOps *(*VrNetlinkModuleInitFunc)(
    int abi, const VrNetlinkHost *host);

const VrNetlinkOps *vireo_netlink_module_init(int abi,
                                              const VrNetlinkHost *host);
