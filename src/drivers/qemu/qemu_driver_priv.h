/* qemu_driver_priv.h: the QEMU driver's state, shared by its files
 * (qemu_driver.c: loading, lookups, queries; qemu_driver_define.c:
 * define, undefine, autostart).  Not for use outside src/drivers/qemu.
 */
#pragma once

#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "drivers/qemu/qemu_journal.h"

struct _QemuDriver {
    bool privileged;
    char *config_dir;        /* <config>/qemu */
    char *autostart_dir;     /* <config>/qemu/autostart */
    VrDomainObjList *domains;
    /* Serialises changes to definitions on disk (define, undefine,
     * autostart) so their check-write-publish steps do not interleave.
     * Never taken while holding an object lock or the list lock. */
    GMutex config_lock;
    /* Definition changes go through the journal (<config>/qemu/.journal):
     * nothing else writes NAME.xml while it is open. */
    QemuJournal *journal;
    QemuHost *host;

    /* ---- running domains (qemu_process*.c) ---- */
    char *run_dir;           /* <run>/qemu: status XML, monitors, pidfiles */
    char *log_dir;           /* <log>/qemu: NAME.log */
    char *save_dir;          /* <state>/qemu/save: managed save images */
    char *snapshot_dir;      /* <state>/qemu/snapshot/DOMAIN/NAME.xml */
    QemuCapsCache *caps;
    uid_t qemu_uid;          /* QEMU's user, or -1 to keep ours */
    gid_t qemu_gid;
    char *qemu_user_name;    /* for messages (qemu_dac_domain.c) */
    gint next_id;            /* the next domain id (atomic) */
    /* Ordered worker for QEMU events and exits (never the main loop). */
    GThreadPool *event_pool;
    GThread *background;     /* re-attach + autostart at daemon start */
    /* Set (atomic) when the driver shuts down: pending event work and
     * the background thread give up at once (a later vireod re-attaches
     * and reconciles the state). */
    gint quitting;
    GMutex event_lock;       /* protects the two fields below */
    QemuDomainEventFunc event_cb;
    void *event_opaque;
    /* Set once by the daemon before any start (qemu_interface.c). */
    QemuNetHooks net_hooks;
    /* Set once by the daemon before any start (qemu_driver_storage.c). */
    QemuStorageHooks storage_hooks;
};

/* The object for @dom (looked up by UUID): a new reference, or NULL with
 * VR_ERR_NO_DOMAIN reported. */
VrDomainObj *qemu_driver_get_obj(QemuDriver *drv, const QemuDomainRef *dom);

/* Fill @out from the (unlocked) @obj. */
void qemu_domain_ref_fill(QemuDomainRef *out, VrDomainObj *obj);

/* <config>/qemu/NAME.xml and <config>/qemu/autostart/NAME.xml (owned). */
char *qemu_driver_config_path(QemuDriver *drv, const char *name);
char *qemu_driver_autostart_path(QemuDriver *drv, const char *name);

/* Set up / release the running-domain side (qemu_driver_lifecycle.c). */
void qemu_driver_lifecycle_init(QemuDriver *drv, const VrPaths *paths);
void qemu_driver_lifecycle_free(QemuDriver *drv);

/* Emit a domain event for @obj (id, event, detail) through the daemon's
 * callback, if any.  Takes the object lock briefly; call without it. */
void qemu_driver_emit(QemuDriver *drv, VrDomainObj *obj, QemuEventId id,
                      int event, int detail);
/* Emit DEVICE_REMOVED (event ID 15) for device @alias of @obj, as
 * qemu_driver_emit. */
void qemu_driver_emit_device_removed(QemuDriver *drv, VrDomainObj *obj,
                                     const char *alias);

/* qemu_domain_define of @def for the driver's own redefinitions
 * (snapshot revert), without the DEFINED event: the caller emits the
 * one that says why.  0 or -1 (reported). */
int qemu_domain_define_quiet(QemuDriver *drv, const VrDomainDef *def);
