/* vr_netlink.h: host network configuration through netlink (libnl-3,
 * libnl-route-3).  vr_netlink.c is the only file that calls libnl
 * (DESIGN.md); nothing shells out to `ip`.  Every call acts in the calling
 * thread's network namespace.
 *
 * CONTRACT (consumed by src/network and the QEMU driver's tap handling).
 * All functions return 0 or -1 with VR_ERR_SYSTEM_ERROR reported naming
 * the interface and the operation ("cannot create bridge 'virbr0': File
 * exists"), unless stated otherwise.  Thread-safe: each call opens its own
 * netlink socket.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/network_conf.h"

/* @mac may be NULL (kernel's choice), @mtu 0 (default).  The bridge is
 * created down; an existing link of that name is an error ("File exists"). */
int vr_netlink_bridge_create(const char *name, const char *mac, unsigned int mtu);
/* STP on/off and forward delay (seconds) via the bridge's IFLA_BR
 * attributes (raw IFLA_LINKINFO/IFLA_INFO_DATA: libnl 3.7 has no setter).
 * The kernel allows any delay while STP is off but only 2..30 s while it
 * is on, so the delay is applied before switching STP on and after
 * switching it off; libvirt's default (stp on, delay 0) works on a fresh
 * bridge.  Changing the delay of a bridge whose STP is already on must
 * stay in 2..30 ("Numerical result out of range" otherwise). */
int vr_netlink_bridge_set_stp(const char *name, bool stp, unsigned int delay);
int vr_netlink_link_delete(const char *name);            /* any link type */
int vr_netlink_link_set_up(const char *name, bool up);
int vr_netlink_link_set_mtu(const char *name, unsigned int mtu);
int vr_netlink_link_set_master(const char *name, const char *master); /* NULL: release */
/* Adds @addr/@prefix (the host's own address, e.g. 192.168.122.1/24);
 * IPv4 gets the subnet's broadcast address, IPv6 is added with
 * IFA_F_NODAD so dnsmasq can bind at once on a bridge without carrier.
 * An address already present is an error ("File exists"). */
int vr_netlink_addr_add(const char *name, const VrNetAddr *addr,
                        unsigned int prefix);
/* 1 if the link exists, 0 if not, -1 on error (reported). */
int vr_netlink_link_exists(const char *name);
/* ifindex or -1 (not reported when absent). */
int vr_netlink_link_index(const char *name);
/* The MAC of @name, owned "aa:bb:..", NULL reported. */
char *vr_netlink_link_mac(const char *name);

/* Extensions (nethost helper):
 * Set the MAC ("aa:bb:cc:dd:ee:ff") of any link; an invalid MAC is
 * reported as VR_ERR_INVALID_MAC before anything changes. */
int vr_netlink_link_set_mac(const char *name, const char *mac);
/* The link's rtnetlink kind ("bridge", "tun", "veth"...) in *kind (owned;
 * NULL for a link without a kind, e.g. "lo").  Returns 0, or -1 reported
 * (also when the link is missing: "... No such device"). */
int vr_netlink_link_kind(const char *name, char **kind);
/* The master (bridge) of @name in *master (owned; NULL when none).
 * Returns 0 or -1 (reported). */
int vr_netlink_link_master(const char *name, char **master);

/* Routes and addresses present on the host that overlap @net/@prefix,
 * excluding those on @ignore_dev (may be NULL).  *clash gets an owned
 * description ("route 192.168.122.0/24 dev eth1") or NULL if none.
 * Returns 0 (checked) or -1 (reported). */
int vr_netlink_find_overlap(const VrNetAddr *net, unsigned int prefix,
                            const char *ignore_dev, char **clash);

/* Create a tap device (via /dev/net/tun, IFF_TAP|IFF_NO_PI|IFF_VNET_HDR)
 * named from @name_template ("vnet%d" picks the first free) and return its
 * open fd (CLOEXEC) and *ifname (owned).  The tap disappears when the last
 * fd closes (not persistent).  @mac sets the host side's MAC (libvirt uses
 * fe:54:00:.. for the guest's 52:54:00:..). */
int vr_tap_create(const char *name_template, const char *mac, int *fd,
                  char **ifname);
