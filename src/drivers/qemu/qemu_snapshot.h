/* qemu_snapshot.h: domain snapshots (FACTS.md section 8 "Snapshots") -
 * metadata under <state>/qemu/snapshot/DOMAIN/NAME.xml, one file per
 * snapshot, written atomically; the driver API the daemon calls.
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"

/* At load: count @obj's snapshot metadata files (obj->n_snapshots). */
void qemu_snapshot_load_obj(QemuDriver *drv, VrDomainObj *obj);
/* Undefine of @obj: with @check, refuse (VR_ERR_OPERATION_INVALID) when
 * it has snapshots and @flags lacks QEMU_UNDEFINE_SNAPSHOTS_METADATA;
 * without, remove the metadata.  0 or -1 reported. */
int qemu_snapshot_undefine(QemuDriver *drv, VrDomainObj *obj,
                           unsigned int flags, bool check);
