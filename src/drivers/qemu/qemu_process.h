/* qemu_process.h: one QEMU process per running domain - start phases
 * (qemu_process_start.c), the one idempotent stop (qemu_process_stop.c),
 * supervision and QMP events (qemu_process.c), status XML and re-attach
 * (qemu_status.c), per-domain jobs (qemu_job.c).  Internal to the driver.
 *
 * Locking (docs/internals/threads.md): every function here that changes a
 * domain runs inside that domain's job; the object lock is taken only to
 * copy fields and never across process, file or monitor I/O.
 */
#pragma once

#include <sys/types.h>

#include "drivers/qemu/qemu_dac.h"
#include "drivers/qemu/qemu_driver_priv.h"
#include "drivers/qemu/qemu_monitor.h"

/* Reasons (FACTS.md section 7). */
enum {
    QEMU_RUNNING_BOOTED = 1,
    QEMU_RUNNING_UNPAUSED = 5,
    QEMU_PAUSED_USER = 1,
    QEMU_SHUTOFF_SHUTDOWN = 1,
    QEMU_SHUTOFF_DESTROYED = 2,
    QEMU_SHUTOFF_CRASHED = 3,
    QEMU_SHUTOFF_FAILED = 6,
};
/* Lifecycle event details. */
enum {
    QEMU_DETAIL_STOPPED_SHUTDOWN = 0,
    QEMU_DETAIL_STOPPED_DESTROYED = 1,
    QEMU_DETAIL_STOPPED_CRASHED = 2,
    QEMU_DETAIL_STOPPED_FAILED = 5,
    QEMU_DETAIL_SHUTDOWN_FINISHED = 0,
    QEMU_DETAIL_SHUTDOWN_GUEST = 1,
    QEMU_DETAIL_SHUTDOWN_HOST = 2,
};


/* Shared by the pidfd watch and the monitor callbacks of one run;
 * refcounted because main-loop callbacks may still hold it after stop. */
typedef struct {
    gint refs;
    QemuDriver *drv;
    VrDomainObj *obj;        /* reference */
    guint serial;            /* the run it belongs to */
} QemuWatch;

/* The running side of a domain (VrDomainObj.priv), under the object lock. */
typedef struct {
    guint serial;            /* unique per run: stale callbacks are ignored */
    pid_t pid;               /* 0 before launch */
    int pidfd;               /* -1 when none */
    guint pidfd_watch;
    QemuMonitor *mon;
    QemuWatch *watch;
    char *dir;               /* <run>/qemu/NAME.d */
    char *monitor_path;
    char *pidfile;
    char *status_path;
    char *log_path;
    GPtrArray *chowned;      /* QemuChownSaved * */
    GHashTable *ptys;        /* chardev alias ("serial0") -> pty path */
    const void *owner;       /* autodestroy session, or NULL */
    bool launched;           /* QEMU was spawned (or adopted) */
    bool guest_shutdown;     /* SHUTDOWN event seen */
    bool killed;             /* we sent the signal (destroy) */
    bool fake_reboot;        /* reboot: reset on SHUTDOWN, not stop */
    bool exit_queued;        /* exit handling queued once */
    /* The running save/migration/snapshot job's progress, for
     * domjobinfo/domjobabort (qemu_job_info.h), or NULL. */
    struct _QemuAsyncJob *async;
} QemuDomainPriv;

/* ---- qemu_job.c ---- */
/* Begin job @name on @obj, waiting up to @timeout_ms for the current one.
 * Returns 0, or -1 with VR_ERR_OPERATION_TIMEOUT "domain 'x' is busy with
 * 'start' (waited 30 s)". */
int qemu_job_begin(VrDomainObj *obj, const char *name, int timeout_ms);
/* Like qemu_job_begin, but gives up as soon as *@cancel is non-zero
 * (checked again whenever qemu_job_wake wakes the waiters): returns 1
 * then, without an error (nothing to do: the driver is going away). */
int qemu_job_begin_unless(VrDomainObj *obj, const char *name, int timeout_ms,
                          const gint *cancel);
void qemu_job_end(VrDomainObj *obj);
/* Wake every waiter on @obj's job so it re-checks its cancel flag. */
void qemu_job_wake(VrDomainObj *obj);
#define QEMU_JOB_WAIT_MS 30000

/* ---- qemu_process_start.c ---- */
/* Start @obj (inside a "start" job).  On failure everything done so far
 * is undone.  Returns 0 or -1 (reported). */
int qemu_process_start(QemuDriver *drv, VrDomainObj *obj, unsigned int flags,
                       const void *owner);
/* A start that loads a state instead of booting (restore, incoming
 * migration): QEMU gets -incoming defer, then migrate-incoming. */
typedef struct {
    const VrDomainDef *def;  /* definition to run (copied); NULL: obj->def */
    int fd;                  /* stream to read (getfd), or -1 */
    const char *uri;         /* migrate-incoming URI when fd is -1 */
    int running_reason;      /* reason once running (3 RESTORED) */
    int started_detail;      /* STARTED detail (2 RESTORED) */
    int resumed_detail;      /* RESUMED detail (0 UNPAUSED) */
    /* Migration: only issue migrate-incoming and return (the domain
     * stays paused; the caller waits for the stream later, in Finish).
     * Used with QEMU_START_PAUSED (qemu_migration.c). */
    bool listen_only;
} QemuIncoming;
/* qemu_process_start, loading @inc's stream before the vCPUs run
 * (qemu_process_incoming.c).  Returns 0 or -1 (reported, undone). */
int qemu_process_start_incoming(QemuDriver *drv, VrDomainObj *obj,
                                unsigned int flags, const void *owner,
                                const QemuIncoming *inc);
/* The incoming phase itself: getfd/migrate-incoming and wait for the
 * stream to load.  Returns 0 or -1 (reported). */
int qemu_process_run_incoming(VrDomainObj *obj, QemuMonitor *mon,
                              const QemuIncoming *inc);
/* A new priv for a run of @obj: run paths, a new serial and watch. */
QemuDomainPriv *qemu_process_priv_new(QemuDriver *drv, VrDomainObj *obj);

/* ---- qemu_dac_domain.c (QEMU as an unprivileged user) ---- */
/* Before launch (prepare host phase): check that the QEMU user reaches
 * every file QEMU opens by path - nothing is changed when one is not (the
 * error names the first blocking directory) - then hand the writable ones
 * (disks, nvram, serial log files) to that user, recording them in
 * @priv->chowned for stop.  Returns 0 or -1 (reported). */
int qemu_dac_prepare(QemuDriver *drv, QemuDomainPriv *priv,
                     const VrDomainDef *def);
/* A hotplugged disk @d of the running @obj: checked and handed over
 * (recorded in its priv).  No-op without a QEMU user.  Returns 0 or -1
 * (reported). */
int qemu_dac_hotplug_disk(QemuDriver *drv, VrDomainObj *obj,
                          const VrDomainDiskDef *d);
/* The disk @path left @obj (detach, or a failed attach): hand it back if
 * it was handed over.  Never fails. */
void qemu_dac_unplug_disk(QemuDriver *drv, VrDomainObj *obj,
                          const char *path);

/* ---- qemu_process_stop.c ---- */
/* Undo whatever prefix of the start phases happened (inside a job):
 * kill QEMU (SIGTERM, 3 s, SIGKILL), close the monitor, remove run files,
 * hand images back, release the id, set SHUTOFF/@reason and emit
 * STOPPED/@detail (when it was running), drop transient domains.
 * Idempotent; never fails. */
void qemu_process_stop(QemuDriver *drv, VrDomainObj *obj, int reason,
                       int detail);
/* Send @sig to QEMU and wait up to @wait_ms for it to exit (via the
 * pidfd).  Returns true when it is gone. */
bool qemu_process_kill(VrDomainObj *obj, int sig, int wait_ms);
void qemu_domain_priv_free(void *priv);

/* ---- qemu_process.c ---- */
/* Set up supervision for the (locked-free) running @obj whose priv has
 * pid/pidfd: pidfd watch on the main loop.  Monitor callbacks: */
void qemu_process_watch(QemuDriver *drv, VrDomainObj *obj);
extern const QemuMonitorCallbacks qemu_process_monitor_cb;
QemuWatch *qemu_watch_new(QemuDriver *drv, VrDomainObj *obj, guint serial);
void qemu_watch_unref(QemuWatch *w);
/* The event worker's entry point (GThreadPool func). */
void qemu_process_event_worker(gpointer data, gpointer user_data);
/* Set state/reason under the lock; returns true if it changed. */
bool qemu_process_set_state(VrDomainObj *obj, int state, int reason);
/* A new run serial. */
guint qemu_process_next_serial(void);

/* ---- qemu_status.c ---- */
/* Write <run>/qemu/NAME.xml atomically for the running @obj (takes the
 * lock to format).  Returns 0 or -1 (reported). */
int qemu_status_save(QemuDriver *drv, VrDomainObj *obj);
/* Re-attach, part 1 (quick, synchronous: files only): adopt every
 * domain listed in <run>/qemu, active with a "reattach" job held, so no
 * client can start it twice.  Returns the objects (owned array). */
GPtrArray *qemu_status_reattach_prepare(QemuDriver *drv);
/* Part 2 (background thread): pidfd, monitor, query-status; the dead
 * are marked crashed.  Ends the jobs. */
void qemu_status_reattach_finish(QemuDriver *drv, GPtrArray *objs);
