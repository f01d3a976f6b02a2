/* qemu_snapshot_priv.h: helpers shared by the snapshot files
 * (qemu_snapshot_ops.c): QMP snapshot jobs, block node lookup and
 * qemu-img calls.  Internal to src/drivers/qemu.
 */
#pragma once

#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_snapshot.h"

/* libvirt's reasons and details (FACTS.md section 7) */
enum {
    QEMU_SNAP_RUNNING_FROM_SNAPSHOT = 4,
    QEMU_SNAP_PAUSED_FROM_SNAPSHOT = 7,
    QEMU_SNAP_SHUTOFF_FROM_SNAPSHOT = 7,
    QEMU_SNAP_DETAIL_STARTED = 3,
    QEMU_SNAP_DETAIL_SUSPENDED = 5,
    QEMU_SNAP_DETAIL_RESUMED = 2,
    QEMU_SNAP_DETAIL_STOPPED = 6,
    QEMU_SNAP_DETAIL_DEFINED = 3,
};

/* Run the QMP job @cmd ("snapshot-save", "snapshot-load",
 * "snapshot-delete") for tag @tag over the block nodes @devices (NULL-
 * terminated) with the memory state in node @vmstate (NULL for delete),
 * wait for it to conclude and dismiss it.  0 or -1 with QEMU's reason
 * reported (VR_ERR_OPERATION_FAILED). */
int qemu_snapshot_qmp_job(QemuMonitor *mon, const char *cmd, const char *tag,
                          const char *vmstate, char **devices);

/* The top (format) node of the disk whose image is @path, and its
 * virtual size and format (may be NULL).  Owned node name, or NULL
 * reported. */
char *qemu_snapshot_node_for(QemuMonitor *mon, const char *path,
                             unsigned long long *size, char **format);

/* qemu-img snapshot @op (-c create, -a apply, -d delete) of @tag in the
 * qcow2 image @path.  0 or -1 reported. */
int qemu_snapshot_img(const char *op, const char *tag, const char *path);

/* Does the qcow2 image @path hold an internal snapshot @tag (qemu-img
 * info -U, so also while QEMU runs)?  1 yes, 0 no, -1 reported. */
int qemu_snapshot_img_has(const char *tag, const char *path);

/* qemu-img create -f qcow2 -F @fmt -b @base [-u] @path [@size]: a new
 * overlay (@size 0: read from @base).  0 or -1 reported. */
int qemu_snapshot_img_overlay(const char *path, const char *base,
                              const char *fmt, unsigned long long size);

/* The running @obj's monitor, or NULL (borrowed; the caller holds the
 * job, so it stays valid). */
QemuMonitor *qemu_snapshot_mon(VrDomainObj *obj);
