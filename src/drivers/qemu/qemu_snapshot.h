/* qemu_snapshot.h: domain snapshots (FACTS.md section 8 "Snapshots") -
 * metadata under <state>/qemu/snapshot/DOMAIN/NAME.xml, one file per
 * snapshot, written atomically, the current snapshot's name in
 * DOMAIN/.current; the driver API the daemon calls.
 *
 * Internal snapshots live inside qcow2 disks (QMP snapshot-save /
 * snapshot-load / snapshot-delete jobs while QEMU runs, qemu-img snapshot
 * while shut off), with the memory state when the domain runs.  External
 * disk-only snapshots put a new qcow2 overlay on top of each disk
 * (blockdev-add + blockdev-snapshot while running, qemu-img create while
 * shut off) and switch the definitions to it.  Snapshots are addressed by
 * domain and name; every call returns the documented value or -1/NULL
 * with an error reported (VR_ERR_NO_DOMAIN_SNAPSHOT for a missing one).
 */
#pragma once

#include "conf/snapshot_conf.h"
#include "drivers/qemu/qemu_driver.h"

/* virDomainSnapshotCreateFlags */
enum {
    QEMU_SNAP_CREATE_REDEFINE = 1 << 0,
    QEMU_SNAP_CREATE_CURRENT = 1 << 1,
    QEMU_SNAP_CREATE_NO_METADATA = 1 << 2,
    QEMU_SNAP_CREATE_HALT = 1 << 3,
    QEMU_SNAP_CREATE_DISK_ONLY = 1 << 4,
    QEMU_SNAP_CREATE_REUSE_EXT = 1 << 5,
    QEMU_SNAP_CREATE_QUIESCE = 1 << 6,
    QEMU_SNAP_CREATE_ATOMIC = 1 << 7,
    QEMU_SNAP_CREATE_LIVE = 1 << 8,
    QEMU_SNAP_CREATE_VALIDATE = 1 << 9,
};
/* virDomainSnapshotListFlags (ROOTS and DESCENDANTS share bit 0) */
enum {
    QEMU_SNAP_LIST_ROOTS = 1 << 0,
    QEMU_SNAP_LIST_DESCENDANTS = 1 << 0,
    QEMU_SNAP_LIST_METADATA = 1 << 1,
    QEMU_SNAP_LIST_LEAVES = 1 << 2,
    QEMU_SNAP_LIST_NO_LEAVES = 1 << 3,
    QEMU_SNAP_LIST_NO_METADATA = 1 << 4,
    QEMU_SNAP_LIST_INACTIVE = 1 << 5,
    QEMU_SNAP_LIST_ACTIVE = 1 << 6,
    QEMU_SNAP_LIST_DISK_ONLY = 1 << 7,
    QEMU_SNAP_LIST_INTERNAL = 1 << 8,
    QEMU_SNAP_LIST_EXTERNAL = 1 << 9,
    QEMU_SNAP_LIST_TOPOLOGICAL = 1 << 10,
};
#define QEMU_SNAP_LIST_ALL 0x7ffu
/* virDomainSnapshotRevertFlags */
enum {
    QEMU_SNAP_REVERT_RUNNING = 1 << 0,
    QEMU_SNAP_REVERT_PAUSED = 1 << 1,
    QEMU_SNAP_REVERT_FORCE = 1 << 2,
};
/* virDomainSnapshotDeleteFlags */
enum {
    QEMU_SNAP_DELETE_CHILDREN = 1 << 0,
    QEMU_SNAP_DELETE_METADATA_ONLY = 1 << 1,
    QEMU_SNAP_DELETE_CHILDREN_ONLY = 1 << 2,
};

/* ---- the API (qemu_snapshot_create.c, _query.c, _revert.c) ---- */

/* Create from @xml (flags QEMU_SNAP_CREATE_*).  Returns the new
 * snapshot's name (owned). */
char *qemu_domain_snapshot_create(QemuDriver *drv, const QemuDomainRef *dom,
                                  const char *xml, unsigned int flags);
/* Names of the snapshots matching @flags (QEMU_SNAP_LIST_*), in creation
 * order, as an owned NULL-terminated array in *names (NULL: count only).
 * Returns the count. */
int qemu_domain_snapshot_list(QemuDriver *drv, const QemuDomainRef *dom,
                              unsigned int flags, char ***names);
/* The children (DESCENDANTS: all descendants) of snapshot @name matching
 * the other filters; like qemu_domain_snapshot_list. */
int qemu_domain_snapshot_list_children(QemuDriver *drv,
                                       const QemuDomainRef *dom,
                                       const char *name, unsigned int flags,
                                       char ***names);
/* 0 when snapshot @name exists. */
int qemu_domain_snapshot_lookup(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *name, unsigned int flags);
/* The snapshot's XML (flags: 1 SECURE).  Owned. */
char *qemu_domain_snapshot_get_xml(QemuDriver *drv, const QemuDomainRef *dom,
                                   const char *name, unsigned int flags);
/* The parent's name (owned); VR_ERR_NO_DOMAIN_SNAPSHOT for a root. */
char *qemu_domain_snapshot_get_parent(QemuDriver *drv,
                                      const QemuDomainRef *dom,
                                      const char *name, unsigned int flags);
/* The current snapshot's name (owned); VR_ERR_NO_DOMAIN_SNAPSHOT when
 * there is none. */
char *qemu_domain_snapshot_current(QemuDriver *drv, const QemuDomainRef *dom,
                                   unsigned int flags);
/* 1 / 0 answers. */
int qemu_domain_has_current_snapshot(QemuDriver *drv,
                                     const QemuDomainRef *dom,
                                     unsigned int flags);
int qemu_domain_snapshot_is_current(QemuDriver *drv, const QemuDomainRef *dom,
                                    const char *name, unsigned int flags);
int qemu_domain_snapshot_has_metadata(QemuDriver *drv,
                                      const QemuDomainRef *dom,
                                      const char *name, unsigned int flags);
/* Revert the domain to snapshot @name (QEMU_SNAP_REVERT_*). */
int qemu_domain_snapshot_revert(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *name, unsigned int flags);
/* Delete snapshot @name (QEMU_SNAP_DELETE_*). */
int qemu_domain_snapshot_delete(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *name, unsigned int flags);

/* ---- for the rest of the driver (qemu_snapshot.c) ---- */

/* At load: count @obj's snapshot metadata files (obj->n_snapshots). */
void qemu_snapshot_load_obj(QemuDriver *drv, VrDomainObj *obj);
/* Undefine of @obj: with @check, refuse (VR_ERR_OPERATION_INVALID) when
 * it has snapshots and @flags lacks QEMU_UNDEFINE_SNAPSHOTS_METADATA;
 * without, remove the metadata.  0 or -1 reported. */
int qemu_snapshot_undefine(QemuDriver *drv, VrDomainObj *obj,
                           unsigned int flags, bool check);

/* ---- the metadata store (qemu_snapshot.c), for qemu_snapshot_*.c ---- */

/* Every snapshot of domain @dom, sorted by creation time then name
 * (owned array of VrSnapshotDef *; empty when none).  NULL reported when
 * a file cannot be read or parsed. */
GPtrArray *qemu_snapshot_read_all(QemuDriver *drv, const char *dom);
/* The snapshot @name of @all (borrowed) or NULL with
 * VR_ERR_NO_DOMAIN_SNAPSHOT reported. */
VrSnapshotDef *qemu_snapshot_find(GPtrArray *all, const char *name);
/* Write @def's metadata atomically and recount @obj's snapshots. */
int qemu_snapshot_write(QemuDriver *drv, VrDomainObj *obj,
                        const VrSnapshotDef *def);
/* Remove snapshot @name's metadata and recount.  0 or -1 reported. */
int qemu_snapshot_remove(QemuDriver *drv, VrDomainObj *obj,
                         const char *name);
/* The current snapshot's name (owned) or NULL (none; not reported). */
char *qemu_snapshot_current_get(QemuDriver *drv, const char *dom);
/* Record @name (NULL: none) as current, atomically.  0 or -1. */
int qemu_snapshot_current_set(QemuDriver *drv, const char *dom,
                              const char *name);
/* Does @def keep anything outside the qcow2 images (external)? */
bool qemu_snapshot_is_external(const VrSnapshotDef *def);
