/* qemu_migration_priv.h: helpers shared by qemu_migration*.c - cookies,
 * query-migrate parsing, completed-job records, ports.  Driver-internal.
 */
#pragma once

#include "drivers/qemu/qemu_migration.h"
#include "drivers/qemu/qemu_process.h"

/* Libvirt's reasons and event details used by migration. */
enum {
    QEMU_RUNNING_MIGRATED = 2,
    QEMU_RUNNING_MIGRATION_CANCELED = 6,
    QEMU_PAUSED_MIGRATION = 2,
    QEMU_SHUTOFF_MIGRATED = 4,
    QEMU_DETAIL_STARTED_MIGRATED = 1,
    QEMU_DETAIL_SUSPENDED_MIGRATED = 1,
    QEMU_DETAIL_RESUMED_MIGRATED = 1,
    QEMU_DETAIL_STOPPED_MIGRATED = 3,
};

#define QEMU_JOB_MIGRATION_OUT "migration out"
#define QEMU_JOB_MIGRATION_IN "migration in"

/* What travels in a cookie (all owned, any may be NULL). */
typedef struct {
    char *name;
    char *uuid;
    char *hostuuid;
    char *hostname;
    char *xml;          /* offline migration: the definition */
    QemuJobStats stats; /* Perform -> Finish: the completed job */
    bool has_stats;
} QemuMigCookie;

void qemu_mig_cookie_clear(QemuMigCookie *c);
/* Key-file text of @c (owned). */
char *qemu_mig_cookie_format(const QemuMigCookie *c);
/* Parse @text (NULL or "" gives an empty cookie).  0, or -1 with
 * VR_ERR_INTERNAL_ERROR "invalid migration cookie" reported. */
int qemu_mig_cookie_parse(const char *text, QemuMigCookie *c);

/* This host's UUID (from the capabilities document), owned; NULL
 * reported. */
char *qemu_mig_host_uuid(QemuDriver *drv);

/* Run query-migrate on @mon: *status (owned) and the figures into
 * @stats (operation left alone).  On "failed", *error_desc (owned) when
 * QEMU said why.  Returns 0 or -1 (reported). */
int qemu_mig_query(QemuMonitor *mon, char **status, QemuJobStats *stats,
                   char **error_desc);

/* The running domain's monitor (borrowed for the job) after checking it
 * is active; NULL reported ("domain 'x' is not running"). */
QemuMonitor *qemu_mig_monitor(VrDomainObj *obj);

/* Remember @stats as @obj's last completed job (by UUID). */
void qemu_mig_store_completed(const VrDomainObj *obj,
                              const QemuJobStats *stats);

/* @obj's last completed job into *out: true, or false (none; *out left
 * alone).  No error reported. */
bool qemu_mig_lookup_completed(const unsigned char *uuid, QemuJobStats *out);

/* The wall clock in ms since the epoch (libvirt's virTimeMillisNow: the
 * figures compare clocks of two hosts). */
unsigned long long qemu_mig_now_ms(void);

/* At @now: time_elapsed = @now - started and downtime = @now - stopped,
 * each only when known and not in the future. */
void qemu_mig_update_times(QemuJobStats *st, unsigned long long now);

/* Reserve a free TCP port of 49152..49215 (bound to check it).  The
 * port or -1 (reported). */
int qemu_mig_port_reserve(void);
void qemu_mig_port_release(int port);
