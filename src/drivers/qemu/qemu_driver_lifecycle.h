/* qemu_driver_lifecycle.h: running domains - the driver API the daemon's
 * dispatch calls for start/stop/pause, consoles, and the events it
 * broadcasts.  Implemented by qemu_driver_lifecycle.c on top of
 * qemu_process.c (start phases, supervision, status XML, re-attach).
 *
 * CONTRACT between the QEMU driver (process helper) and src/daemon (events
 * and streams helper); keep stable.  Every function returns 0 or -1 with an
 * error reported, libvirt-style (e.g. VR_ERR_OPERATION_INVALID "domain is
 * not running", VR_ERR_OPERATION_INVALID "domain is already running").
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"

/* Flags (libvirt's values, FACTS.md appendix C). */
enum {
    QEMU_START_PAUSED = 1 << 0,
    QEMU_START_AUTODESTROY = 1 << 1,
    QEMU_START_BYPASS_CACHE = 1 << 2,
    QEMU_START_FORCE_BOOT = 1 << 3,
    QEMU_START_VALIDATE = 1 << 4,
};
enum {
    QEMU_DESTROY_GRACEFUL = 1 << 0,
};
enum {
    QEMU_SHUTDOWN_ACPI = 1 << 0,
    QEMU_SHUTDOWN_AGENT = 1 << 1,
};

/* Lifecycle event numbers (FACTS.md section 7). */
typedef enum {
    QEMU_EVENT_DEFINED = 0,
    QEMU_EVENT_UNDEFINED = 1,
    QEMU_EVENT_STARTED = 2,
    QEMU_EVENT_SUSPENDED = 3,
    QEMU_EVENT_RESUMED = 4,
    QEMU_EVENT_STOPPED = 5,
    QEMU_EVENT_SHUTDOWN = 6,
    QEMU_EVENT_PMSUSPENDED = 7,
    QEMU_EVENT_CRASHED = 8,
} QemuLifecycleEvent;

/* Domain event ids (FACTS.md section 7 table: 0 LIFECYCLE, 1 REBOOT, ...). */
typedef enum {
    QEMU_EVENT_ID_LIFECYCLE = 0,
    QEMU_EVENT_ID_REBOOT = 1,
    QEMU_EVENT_ID_DEVICE_REMOVED = 15,
} QemuEventId;

typedef struct {
    QemuEventId id;
    QemuDomainRef dom;     /* name, uuid, id at the time of the event */
    int event;             /* lifecycle: QemuLifecycleEvent */
    int detail;            /* lifecycle detail (FACTS.md section 7) */
    const char *dev_alias; /* device-removed: the QEMU device id */
} QemuDomainEvent;

/* Called for every domain event, from any thread (main loop or worker),
 * never with a driver lock held.  The daemon queues it for the clients
 * registered for it.  @ev is borrowed. */
typedef void (*QemuDomainEventFunc)(const QemuDomainEvent *ev, void *opaque);
void qemu_driver_set_event_callback(QemuDriver *drv, QemuDomainEventFunc cb,
                                    void *opaque);

/* After the daemon is listening: re-attach to QEMUs still running (status
 * files in <run>/qemu), mark the dead ones shut off (crashed), then start
 * autostart domains.  Runs in the background; never blocks daemon start. */
void qemu_driver_start_background(QemuDriver *drv);

/* Stop background work before the daemon exits.  Running QEMUs are left
 * running (they must outlive vireod); autodestroy domains of still-open
 * sessions are NOT destroyed here. */
void qemu_driver_shutdown(QemuDriver *drv);

int qemu_domain_start(QemuDriver *drv, const QemuDomainRef *dom,
                      unsigned int flags, QemuDomainRef *out);
/* Transient domain from XML (virsh create). */
int qemu_domain_create_xml(QemuDriver *drv, const char *xml,
                           unsigned int flags, QemuDomainRef *out);
int qemu_domain_destroy(QemuDriver *drv, const QemuDomainRef *dom,
                        unsigned int flags);
int qemu_domain_shutdown(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags);
int qemu_domain_reboot(QemuDriver *drv, const QemuDomainRef *dom,
                       unsigned int flags);
int qemu_domain_reset(QemuDriver *drv, const QemuDomainRef *dom,
                      unsigned int flags);
int qemu_domain_suspend(QemuDriver *drv, const QemuDomainRef *dom);
int qemu_domain_resume(QemuDriver *drv, const QemuDomainRef *dom);

/* Autodestroy: domains started with QEMU_START_AUTODESTROY belong to the
 * client session @owner (an opaque non-NULL key the daemon picks per
 * session); the daemon calls this when that session closes. */
int qemu_domain_start_owned(QemuDriver *drv, const QemuDomainRef *dom,
                            unsigned int flags, const void *owner,
                            QemuDomainRef *out);
int qemu_domain_create_xml_owned(QemuDriver *drv, const char *xml,
                                 unsigned int flags, const void *owner,
                                 QemuDomainRef *out);
void qemu_driver_autodestroy_session(QemuDriver *drv, const void *owner);

/* The host path of the pty behind the domain's console (@dev_name NULL:
 * the first console/serial; else its alias like "serial0"/"console0").
 * The domain must be running and the device a pty.  *path owned. */
int qemu_domain_get_console_pty(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *dev_name, char **path);

/* domcapabilities (CONNECT_GET_DOMAIN_CAPABILITIES). Owned XML or NULL. */
char *qemu_driver_get_domcaps(QemuDriver *drv, const char *emulator,
                              const char *arch, const char *machine,
                              const char *virttype, unsigned int flags);

/* Networking hooks, set by the daemon (the QEMU driver never calls the
 * network driver directly: DESIGN.md layers).  For <interface
 * type='network'> the driver asks for the network's bridge, creates a tap
 * (vr_tap_create, "vnet%d"), enslaves it, brings it up and passes the fd to
 * QEMU; <interface type='bridge'> uses the named host bridge directly.
 * Taps vanish when QEMU exits (their fds close), also on a crash; their
 * names are recorded in the status XML and in the live <target dev=...>. */
typedef struct {
    /* Bridge of active network @network (owned in *bridge), or -1 with an
     * error reported ("network 'x' is not active: run 'vsh net-start x'"). */
    int (*network_bridge)(const char *network, char **bridge, void *opaque);
    /* A tap of a running domain was attached to / detached from @network
     * (for bookkeeping; may be NULL). */
    void (*port_added)(const char *network, const char *ifname,
                       const char *mac, void *opaque);
    void (*port_removed)(const char *network, const char *ifname,
                         void *opaque);
    void *opaque;
} QemuNetHooks;

void qemu_driver_set_net_hooks(QemuDriver *drv, const QemuNetHooks *hooks);

/* How the driver reaches the storage driver (set by the daemon, which
 * owns both; qemu_driver_storage.c).  resolve: the path and format
 * ("raw", "qcow2"; may stay NULL) of volume @volume in pool @pool, both
 * owned by the caller; 0, or -1 with an error reported (no such pool or
 * volume, pool not active). */
typedef struct {
    int (*resolve)(const char *pool, const char *volume, char **path,
                   char **format, void *opaque);
    void *opaque;
} QemuStorageHooks;

/* Copy @hooks (NULL: unset) - before any domain starts. */
void qemu_driver_set_storage_hooks(QemuDriver *drv,
                                   const QemuStorageHooks *hooks);
/* Whether a running domain's disk uses @path; *user (when not NULL) gets
 * its name (owned by the caller).  Never reports an error. */
bool qemu_driver_path_in_use(QemuDriver *drv, const char *path,
                             char **user);
/* Resolve every <disk type='volume'> of @def (a live copy) through the
 * storage hook: src_path and, when unset, driver_type are filled in.
 * Returns 0, or -1 with an error reported. */
int qemu_storage_resolve_disks(QemuDriver *drv, VrDomainDef *def);
