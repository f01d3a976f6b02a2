/* qemu_interface.h: the host side of a domain's network interfaces
 * (qemu_interface.c): taps on bridges for <interface type='network'> and
 * <interface type='bridge'>, opened by vireod and passed to QEMU as fds.
 * Internal to the QEMU driver.
 */
#pragma once

#include "drivers/qemu/qemu_driver_priv.h"

/* For each network/bridge interface of the live @obj->def (the caller holds
 * the domain's start job): find the bridge (the network hook, or the named
 * host bridge), create a tap "vnetN" with the guest MAC's first byte set to
 * 0xfe, enslave it, give it the bridge's MTU, set it up, and record its
 * name in the live definition (<target dev='vnetN'/>).  *fds gets the open
 * tap fds in interface order (owned; close with qemu_interface_close_fds
 * once QEMU has them).  Returns 0 or -1 (reported; fds opened so far are
 * closed, which deletes their taps). */
int qemu_interface_prepare(QemuDriver *drv, VrDomainObj *obj, GArray **fds);
/* Close our copies of the tap fds and free the array; NULL-safe. */
void qemu_interface_close_fds(GArray **fds);
/* The domain stopped: its taps vanished with QEMU; tell the network side
 * (port_removed) for each recorded tap.  Never fails. */
void qemu_interface_release(QemuDriver *drv, VrDomainObj *obj);

/* Hotplug: the tap for one interface @n of domain @dom (network or
 * bridge type): bridge lookup, tap creation as for a start, port_added,
 * and n->target_dev set.  *fd gets the tap fd (the caller closes it once
 * QEMU has its copy).  Returns 0 or -1 (reported). */
int qemu_interface_prepare_one(QemuDriver *drv, const char *dom,
                               VrDomainNetDef *n, int *fd);
/* Hot-unplug: tell the network side (port_removed) that @n's tap is
 * gone.  Never fails. */
void qemu_interface_release_one(QemuDriver *drv, const VrDomainNetDef *n);
