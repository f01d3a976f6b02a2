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
