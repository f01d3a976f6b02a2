/* qemu_job_info.h: progress of long operations that stream a domain's
 * state through QEMU's migration code (save, managed save, outgoing
 * migration, snapshots with memory), for domjobinfo (DOMAIN_GET_JOB_INFO,
 * DOMAIN_GET_JOB_STATS) and domjobabort (DOMAIN_ABORT_JOB).
 *
 * The operation holds the domain's job (qemu_job.c) and attaches a
 * QemuAsyncJob to the run's priv; it polls query-migrate and records the
 * figures there, so queries read memory only and never wait for the job.
 * An abort asks QEMU to cancel (migrate_cancel) and marks the job; the
 * operation then reports VR_ERR_OPERATION_ABORTED and undoes itself.
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_monitor.h"

/* libvirt's virDomainJobType. */
typedef enum {
    QEMU_JOB_TYPE_NONE = 0,
    QEMU_JOB_TYPE_BOUNDED = 1,
    QEMU_JOB_TYPE_UNBOUNDED = 2,
    QEMU_JOB_TYPE_COMPLETED = 3,
    QEMU_JOB_TYPE_FAILED = 4,
    QEMU_JOB_TYPE_CANCELLED = 5,
} QemuJobType;

/* libvirt's virDomainJobOperation. */
typedef enum {
    QEMU_JOB_OP_UNKNOWN = 0,
    QEMU_JOB_OP_START = 1,
    QEMU_JOB_OP_SAVE = 2,
    QEMU_JOB_OP_RESTORE = 3,
    QEMU_JOB_OP_MIGRATION_IN = 4,
    QEMU_JOB_OP_MIGRATION_OUT = 5,
    QEMU_JOB_OP_SNAPSHOT = 6,
    QEMU_JOB_OP_SNAPSHOT_REVERT = 7,
} QemuJobOperation;

typedef struct _QemuAsyncJob {
    QemuJobOperation operation;
    gint64 start_us;                 /* g_get_real_time() at the start */
    unsigned long long data_total;
    unsigned long long data_processed;
    unsigned long long data_remaining;
    unsigned long long mem_bps;
    bool abort_requested;
} QemuAsyncJob;

/* What DOMAIN_GET_JOB_INFO / _STATS return. */
typedef struct {
    QemuJobType type;
    QemuJobOperation operation;
    unsigned long long time_elapsed_ms;
    unsigned long long data_total;
    unsigned long long data_processed;
    unsigned long long data_remaining;
    unsigned long long mem_bps;
} QemuJobInfo;

/* Attach a new async job (@operation) to the running @obj; the caller
 * holds the domain's job.  Never fails. */
void qemu_async_job_begin(VrDomainObj *obj, QemuJobOperation operation);
/* Detach and free it.  NULL-safe on a domain without one. */
void qemu_async_job_end(VrDomainObj *obj);

/* Wait for the outgoing migration stream started on @mon to finish,
 * recording progress every 50 ms.  Returns 0 when QEMU reports
 * "completed"; -1 with VR_ERR_OPERATION_ABORTED "job '@what' canceled by
 * client" after an abort, or VR_ERR_OPERATION_FAILED with QEMU's reason. */
int qemu_async_job_wait_migration(VrDomainObj *obj, QemuMonitor *mon,
                                  const char *what);

/* Raise QEMU's migration bandwidth limit to @mib_per_s (0: unlimited,
 * or the VIREO_SAVE_MAX_BANDWIDTH environment variable in MiB/s when it
 * is set, for tests that need a slow save).  Returns 0 or -1 reported. */
int qemu_async_job_set_bandwidth(QemuMonitor *mon, unsigned long mib_per_s);

/* domjobinfo: the running job of @dom, or type NONE.  @flags: 0 or
 * 1 (COMPLETED: always NONE here).  Returns 0 or -1 (reported). */
int qemu_domain_get_job_info(QemuDriver *drv, const QemuDomainRef *dom,
                             unsigned int flags, QemuJobInfo *info);
/* domjobabort: cancel the running save/migration of @dom.  Returns 0, or
 * -1 with VR_ERR_OPERATION_INVALID "no job is active on the domain". */
int qemu_domain_abort_job(QemuDriver *drv, const QemuDomainRef *dom);
