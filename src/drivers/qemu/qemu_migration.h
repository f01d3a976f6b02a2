/* qemu_migration.h: live and offline migration between two daemons, the
 * five steps of libvirt's migration protocol v3 (FACTS.md section 11):
 *
 *   source  Begin    - checks, the domain XML for the destination, a cookie
 *   dest    Prepare  - QEMU started with -incoming defer, listening on a
 *                      port of 49152-49215; returns "tcp:HOST:PORT"
 *   source  Perform  - QMP migrate to that URI, progress until done
 *   dest    Finish   - waits for the stream, runs the vCPUs (or, when
 *                      cancelled, kills the incoming QEMU)
 *   source  Confirm  - stops the migrated QEMU (or resumes it on failure)
 *
 * Cookies are small key files ("[migration]" group) understood only by
 * two Vireo daemons; clients pass them through opaquely.  Peer-to-peer
 * migration is the same steps driven by the source daemon (src/daemon:
 * the driver never opens connections).  Every call reports its error
 * once and returns -1/NULL.
 */
#pragma once

#include "drivers/qemu/qemu_driver_lifecycle.h"

/* Migration flags (libvirt's VIR_MIGRATE_*, FACTS.md appendix C). */
enum {
    QEMU_MIGRATE_LIVE = 1 << 0,
    QEMU_MIGRATE_PEER2PEER = 1 << 1,
    QEMU_MIGRATE_TUNNELLED = 1 << 2,
    QEMU_MIGRATE_PERSIST_DEST = 1 << 3,
    QEMU_MIGRATE_UNDEFINE_SOURCE = 1 << 4,
    QEMU_MIGRATE_PAUSED = 1 << 5,
    QEMU_MIGRATE_NON_SHARED_DISK = 1 << 6,
    QEMU_MIGRATE_NON_SHARED_INC = 1 << 7,
    QEMU_MIGRATE_CHANGE_PROTECTION = 1 << 8,
    QEMU_MIGRATE_UNSAFE = 1 << 9,
    QEMU_MIGRATE_OFFLINE = 1 << 10,
    QEMU_MIGRATE_COMPRESSED = 1 << 11,
    QEMU_MIGRATE_ABORT_ON_ERROR = 1 << 12,
    QEMU_MIGRATE_AUTO_CONVERGE = 1 << 13,
};

/* The flags Vireo implements (others: VR_ERR_ARGUMENT_UNSUPPORTED). */
#define QEMU_MIGRATE_SUPPORTED \
    (QEMU_MIGRATE_LIVE | QEMU_MIGRATE_PEER2PEER | QEMU_MIGRATE_PERSIST_DEST | \
     QEMU_MIGRATE_UNDEFINE_SOURCE | QEMU_MIGRATE_PAUSED | \
     QEMU_MIGRATE_CHANGE_PROTECTION | QEMU_MIGRATE_UNSAFE | \
     QEMU_MIGRATE_OFFLINE | QEMU_MIGRATE_ABORT_ON_ERROR | \
     QEMU_MIGRATE_AUTO_CONVERGE)

/* Typed parameters of the *3_PARAMS calls (libvirt's names), borrowed
 * strings; NULL / 0 when absent. */
typedef struct {
    const char *uri;            /* "migrate_uri" */
    const char *dname;          /* "destination_name" */
    const char *dxml;           /* "destination_xml" */
    const char *persist_xml;    /* "persistent_xml" */
    const char *listen_address; /* "listen_address" */
    unsigned long long bandwidth; /* "bandwidth", MiB/s */
} QemuMigrateParams;

/* Progress or result of a migration job (libvirt's job stats). */
typedef struct {
    int type;                   /* 0 none, 2 unbounded, 3 completed,
                                 * 4 failed, 5 cancelled */
    int operation;              /* 2 migration out, 3 migration in */
    unsigned long long time_elapsed;     /* ms */
    unsigned long long time_remaining;   /* ms */
    bool has_downtime;
    unsigned long long downtime;         /* ms, after completion */
    /* libvirt's timeDelta: the destination's clock when Finish began
     * minus the source's "sent" - the hosts' clock difference plus the
     * hand-over between Perform and Finish.  The "_net" figures are
     * time_elapsed and downtime without it. */
    bool has_time_delta;
    long long time_delta;                /* ms */
    /* Wall-clock times (ms since the epoch, 0 unknown), source's clock:
     * the job began, the source's vCPUs stopped, the Perform cookie left. */
    unsigned long long started, stopped, sent;
    unsigned long long setup_time;       /* ms */
    unsigned long long data_total, data_processed, data_remaining;
    unsigned long long mem_total, mem_processed, mem_remaining;
    unsigned long long mem_constant, mem_normal, mem_normal_bytes;
    unsigned long long mem_bps, mem_dirty_rate, mem_page_size;
    unsigned long long mem_iteration;
} QemuJobStats;

/* Source, step 1.  Returns the XML the destination should run (owned)
 * and the cookie in *cookie_out (owned), or NULL (reported). */
char *qemu_migration_begin(QemuDriver *drv, const QemuDomainRef *dom,
                           const QemuMigrateParams *params,
                           unsigned int flags, char **cookie_out);

/* Destination, step 2: refuses a domain from this very host, a name or
 * UUID clash, or a definition this host cannot run (missing network,
 * unknown machine type ...) - leaving nothing behind.  *uri_out (owned;
 * NULL for offline migration) is where the source should send the
 * stream.  Returns 0 or -1. */
int qemu_migration_prepare(QemuDriver *drv, const QemuMigrateParams *params,
                           const char *cookie_in, unsigned int flags,
                           char **cookie_out, char **uri_out);

/* Source, step 3: migrate to params->uri and wait (domjobinfo and
 * domjobabort work meanwhile).  Returns 0 or -1 (VR_ERR_OPERATION_ABORTED
 * when cancelled); the domain keeps running on failure. */
int qemu_migration_perform(QemuDriver *drv, const QemuDomainRef *dom,
                           const QemuMigrateParams *params,
                           const char *cookie_in, unsigned int flags,
                           char **cookie_out);

/* Destination, step 4: with @cancelled the incoming QEMU is killed and
 * -1 returned; else waits for the stream, resumes the guest (unless
 * QEMU_MIGRATE_PAUSED), makes it persistent with PERSIST_DEST, fills
 * @out.  Returns 0 or -1. */
int qemu_migration_finish(QemuDriver *drv, const QemuMigrateParams *params,
                          const char *cookie_in, unsigned int flags,
                          bool cancelled, QemuDomainRef *out,
                          char **cookie_out);

/* Source, step 5: with @cancelled the domain is resumed if migration had
 * paused it; else its QEMU is stopped (shut off, reason "migrated") and,
 * with UNDEFINE_SOURCE, its definition removed.  Returns 0 or -1. */
int qemu_migration_confirm(QemuDriver *drv, const QemuDomainRef *dom,
                           const char *cookie_in, unsigned int flags,
                           bool cancelled);

/* Job statistics of @dom (flags: 1 = the last completed job, which is
 * then forgotten unless 2 = keep it, as libvirt's COMPLETED and
 * KEEP_COMPLETED).  A domain with no migration job gets type 0.
 * Returns 0 or -1. */
int qemu_migration_job_stats(QemuDriver *drv, const QemuDomainRef *dom,
                             unsigned int flags, QemuJobStats *stats);
/* Whether @dom currently runs a migration job (then job queries and
 * abort belong to qemu_migration_*). */
bool qemu_migration_is_running(QemuDriver *drv, const QemuDomainRef *dom);
