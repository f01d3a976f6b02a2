/* qemu_hotplug_priv.h: helpers shared by qemu_hotplug.c (devices),
 * qemu_hotplug_tune.c (memory, vCPUs) and qemu_stats.c.  Internal to
 * the QEMU driver.
 */
#pragma once

#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_hotplug.h"

/* Capabilities of @def's emulator (a reference) or NULL reported. */
QemuCaps *qemu_hp_caps(QemuDriver *drv, const VrDomainDef *def);

/* Resolve the affect flags for the job-holding @obj (running when @mon
 * is not NULL): CURRENT becomes LIVE or CONFIG.  Returns the resolved
 * QEMU_AFFECT_* bits, or 0 with an error reported (LIVE on an inactive
 * domain, CONFIG on a transient one). */
unsigned int qemu_hp_affect(VrDomainObj *obj, QemuMonitor *mon,
                            unsigned int flags);

/* Parse one <disk> or <interface> element (post-parse defaults applied)
 * into a definition that holds only it.  NULL reported. */
VrDomainDef *qemu_hp_parse_device(VrDomainObj *obj, const char *xml);

/* A copy of the persistent definition of the job-holding @obj (owned). */
VrDomainDef *qemu_hp_persistent_copy(VrDomainObj *obj);

/* Save @pdef as the persistent definition (qemu_domain_define).  0/-1. */
int qemu_hp_save_config(QemuDriver *drv, const VrDomainDef *pdef);

/* ---- live device removal (qemu_hotplug_remove.c) ---- */

/* One live removal: what to undo once the guest released the device. */
typedef struct {
    char *alias;          /* QEMU device id ("virtio-disk1", "net1") */
    char *disk_dst;       /* a disk: its target ("vdb"); NULL for a NIC */
    char *format_node;    /* a disk: its format node, or NULL */
    unsigned char mac[6]; /* an interface: its MAC address */
    int dom_id;           /* domain id of the QEMU run it belongs to */
} QemuHpRemoval;

void qemu_hp_removal_free(QemuHpRemoval *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuHpRemoval, qemu_hp_removal_free)

/* device_del @r->alias (the caller holds the job of the running @obj),
 * wait up to the removal timeout for DEVICE_DELETED, then finish the
 * removal (qemu_hp_removal_finish) and emit DEVICE_REMOVED.  Takes
 * @r.  Returns 0, or -1 reported: a removal of the same device is
 * already pending (VR_ERR_OPERATION_INVALID), QEMU refused, or the guest
 * did not release the device in time (VR_ERR_OPERATION_TIMEOUT: the
 * removal stays pending and completes whenever the event comes). */
int qemu_hp_remove_device(QemuDriver *drv, VrDomainObj *obj,
                          QemuMonitor *mon, QemuHpRemoval *r);

/* (qemu_hotplug.c) The guest released @r's device: drop its back ends
 * (block nodes; netdev and tap) and remove it from the live definition.
 * Caller holds the job.  Never fails: leftovers are logged. */
void qemu_hp_removal_finish(QemuDriver *drv, VrDomainObj *obj,
                            QemuMonitor *mon, const QemuHpRemoval *r);
