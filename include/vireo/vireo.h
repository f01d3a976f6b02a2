/* vireo.h: the public C API of libvireo, the client library of vireod.
 *
 * libvireo talks to a running vireod (or any daemon speaking libvirt's
 * remote protocol) over a UNIX socket.  Link with
 * `pkg-config --cflags --libs libvireo`.
 *
 * Conventions used by every function below:
 *
 * - Errors: a function that fails returns -1 (int results) or NULL
 *   (pointer results) and records the reason in a per-thread "last error"
 *   (vireo_last_error()).  Every API call clears the last error on entry,
 *   so after a success vireo_last_error() returns NULL.  Error codes and
 *   domains use libvirt's numbering (VIREO_ERR_*, VIREO_FROM_*).
 * - Ownership: a returned `char *` belongs to the caller, who releases it
 *   with free().  A returned `const char *` belongs to the object it came
 *   from and stays valid until that object is freed.  Out-parameters are
 *   written only on success.
 * - Threads: a VireoConn may be shared by any number of threads; calls on
 *   it may run concurrently.  A VireoDomain is a small value object (name,
 *   UUID, id) holding a reference on its connection: it may be used from
 *   any thread, but freeing it while another thread uses it is an error.
 * - Flags: every `unsigned int flags` argument is checked; unknown bits
 *   fail with VIREO_ERR_INVALID_ARG.
 */
#ifndef VIREO_VIREO_H
#define VIREO_VIREO_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the headers a program was compiled against:
 * major * 1000000 + minor * 1000 + micro. */
#define VIREO_VERSION_MAJOR 0
#define VIREO_VERSION_MINOR 1
#define VIREO_VERSION_MICRO 0
#define VIREO_VERSION_NUMBER \
    (VIREO_VERSION_MAJOR * 1000000 + VIREO_VERSION_MINOR * 1000 + \
     VIREO_VERSION_MICRO)

#define VIREO_UUID_BUFLEN 16
#define VIREO_UUID_STRING_BUFLEN 37   /* 36 characters and the NUL */

/* ---- opaque types --------------------------------------------------- */

typedef struct _VireoConn VireoConn;       /* a connection to a daemon */
typedef struct _VireoDomain VireoDomain;   /* a reference to one domain */
typedef struct _VireoError VireoError;     /* an error record */
typedef struct _VireoStream VireoStream;   /* a data stream (console) */
typedef struct _VireoNetwork VireoNetwork; /* a reference to one network */

/* ---- errors ---------------------------------------------------------- */

/* Error codes (libvirt's numbers; the daemon may send others too). */
enum {
    VIREO_ERR_OK = 0,
    VIREO_ERR_INTERNAL_ERROR = 1,
    VIREO_ERR_NO_MEMORY = 2,
    VIREO_ERR_NO_SUPPORT = 3,        /* procedure not implemented */
    VIREO_ERR_NO_CONNECT = 5,
    VIREO_ERR_INVALID_CONN = 6,
    VIREO_ERR_INVALID_DOMAIN = 7,
    VIREO_ERR_INVALID_ARG = 8,
    VIREO_ERR_OPERATION_FAILED = 9,
    VIREO_ERR_XML_ERROR = 27,
    VIREO_ERR_DOM_EXIST = 28,
    VIREO_ERR_OPERATION_DENIED = 29,
    VIREO_ERR_XML_DETAIL = 35,
    VIREO_ERR_INVALID_NETWORK = 36,
    VIREO_ERR_NETWORK_EXIST = 37,
    VIREO_ERR_SYSTEM_ERROR = 38,     /* e.g. cannot connect the socket */
    VIREO_ERR_RPC = 39,
    VIREO_ERR_NO_DOMAIN = 42,
    VIREO_ERR_NO_NETWORK = 43,
    VIREO_ERR_AUTH_FAILED = 45,
    VIREO_ERR_OPERATION_INVALID = 55,
    VIREO_ERR_CONFIG_UNSUPPORTED = 67,
    VIREO_ERR_ARGUMENT_UNSUPPORTED = 74,
    VIREO_ERR_OPERATION_UNSUPPORTED = 84,
    VIREO_ERR_XML_INVALID_SCHEMA = 92,
};

/* Error domains: which part of the stack reported the error. */
enum {
    VIREO_FROM_NONE = 0,
    VIREO_FROM_XML = 5,
    VIREO_FROM_RPC = 7,
    VIREO_FROM_CONF = 9,
    VIREO_FROM_QEMU = 10,
    VIREO_FROM_REMOTE = 13,
    VIREO_FROM_NETWORK = 19,
    VIREO_FROM_DOMAIN = 20,
    VIREO_FROM_URI = 45,
};

/* The calling thread's last error, or NULL when the last API call on this
 * thread succeeded.  The record belongs to the thread: it stays valid
 * until the next vireo_* call on the same thread.  Thread-safe. */
const VireoError *vireo_last_error(void);

/* Accessors; each accepts NULL (returning VIREO_ERR_OK, VIREO_FROM_NONE
 * and a generic text respectively).  The message is never NULL and is
 * owned by @err. */
int vireo_error_code(const VireoError *err);
int vireo_error_domain(const VireoError *err);
const char *vireo_error_message(const VireoError *err);

/* Forget the calling thread's last error. */
void vireo_reset_error(void);

/* ---- library --------------------------------------------------------- */

/* The version of the library actually loaded (same encoding as
 * VIREO_VERSION_NUMBER).  Never fails. */
unsigned long vireo_get_version(void);

/* ---- connections ----------------------------------------------------- */

/* vireo_conn_open flags */
enum {
    VIREO_CONN_READONLY = 1 << 0,    /* read-only socket, no changes */
};

/* Open a connection.  @uri is one of
 *   qemu:///system                  /run/vireo/vireo-sock (-sock-ro when
 *                                   VIREO_CONN_READONLY)
 *   qemu:///session                 $XDG_RUNTIME_DIR/vireo/vireo-sock
 *   qemu+unix:///system?socket=PATH PATH (also with /session)
 * or NULL: $VIREO_DEFAULT_URI when set, else qemu:///system for root and
 * qemu:///session for other users.  Performs the protocol handshake
 * (authentication list, keepalive negotiation, open).
 * Returns a new connection (release with vireo_conn_close) or NULL with
 * the last error set: VIREO_ERR_INVALID_ARG for a malformed or unsupported
 * URI, VIREO_ERR_SYSTEM_ERROR when the socket cannot be reached, or the
 * daemon's error.  Thread-safe. */
VireoConn *vireo_conn_open(const char *uri, unsigned int flags);

/* Close the connection politely (tells the daemon) and release the
 * caller's reference.  Domains obtained from @conn keep the memory alive
 * but every later call on them fails.  Returns 0, or -1 with the last
 * error set when the daemon could not be told (the connection is released
 * anyway).  NULL-safe (returns 0).  Do not call while other threads still
 * use @conn.  Event registrations end with it (their free functions run
 * before this returns); free every VireoStream of @conn before. */
int vireo_conn_close(VireoConn *conn);

/* The URI the connection was opened with (after defaults were applied),
 * e.g. "qemu:///system".  Owned by @conn; never NULL for a valid conn. */
const char *vireo_conn_get_uri(VireoConn *conn);

/* The hypervisor type, "QEMU".  Caller frees; NULL on error. */
char *vireo_conn_get_type(VireoConn *conn);

/* Hypervisor version (major * 1000000 + minor * 1000 + micro) into
 * @version.  Returns 0 or -1 on error. */
int vireo_conn_get_version(VireoConn *conn, unsigned long long *version);

/* The daemon's library version (same encoding) into @version.
 * Returns 0 or -1 on error. */
int vireo_conn_get_lib_version(VireoConn *conn, unsigned long long *version);

/* The daemon host's name.  Caller frees; NULL on error. */
char *vireo_conn_get_hostname(VireoConn *conn);

/* The host capabilities XML document.  Caller frees; NULL on error. */
char *vireo_conn_get_capabilities(VireoConn *conn);

/* Whether the connection is read-only (1) or not (0); -1 for NULL. */
int vireo_conn_is_readonly(VireoConn *conn);

typedef struct {
    char model[32];               /* CPU architecture, e.g. "x86_64" */
    unsigned long long memory;    /* KiB */
    unsigned int cpus;            /* active CPUs */
    unsigned int mhz;             /* CPU frequency */
    unsigned int nodes;           /* NUMA cells */
    unsigned int sockets;         /* sockets per node */
    unsigned int cores;           /* cores per socket */
    unsigned int threads;         /* threads per core */
} VireoNodeInfo;

/* Fill @info with the host's CPU and memory summary.  Returns 0 or -1. */
int vireo_node_get_info(VireoConn *conn, VireoNodeInfo *info);

typedef struct {
    char model[257];              /* "" when no security driver is active */
    char doi[257];                /* domain of interpretation */
} VireoSecurityModel;

/* Fill @model with the host's security model.  Returns 0 or -1. */
int vireo_node_get_security_model(VireoConn *conn, VireoSecurityModel *model);

/* ---- domains: lookup and listing ------------------------------------ */

/* Look a domain up.  Each returns a new VireoDomain (release with
 * vireo_domain_free) or NULL with the last error set (VIREO_ERR_NO_DOMAIN
 * when there is no such domain; VIREO_ERR_INVALID_ARG for a malformed
 * UUID string).  Thread-safe. */
VireoDomain *vireo_domain_lookup_by_name(VireoConn *conn, const char *name);
VireoDomain *vireo_domain_lookup_by_id(VireoConn *conn, int id);
VireoDomain *vireo_domain_lookup_by_uuid(VireoConn *conn,
                                         const unsigned char *uuid);
VireoDomain *vireo_domain_lookup_by_uuid_string(VireoConn *conn,
                                                const char *uuidstr);

/* vireo_conn_list_domains flags: 0 = every domain; otherwise the domains
 * matching ALL of the groups that have a bit set (libvirt's values). */
enum {
    VIREO_LIST_ACTIVE = 1 << 0,
    VIREO_LIST_INACTIVE = 1 << 1,
    VIREO_LIST_PERSISTENT = 1 << 2,
    VIREO_LIST_TRANSIENT = 1 << 3,
    VIREO_LIST_RUNNING = 1 << 4,
    VIREO_LIST_PAUSED = 1 << 5,
    VIREO_LIST_SHUTOFF = 1 << 6,
    VIREO_LIST_OTHER = 1 << 7,
    VIREO_LIST_MANAGEDSAVE = 1 << 8,
    VIREO_LIST_NO_MANAGEDSAVE = 1 << 9,
    VIREO_LIST_AUTOSTART = 1 << 10,
    VIREO_LIST_NO_AUTOSTART = 1 << 11,
    VIREO_LIST_HAS_SNAPSHOT = 1 << 12,
    VIREO_LIST_NO_SNAPSHOT = 1 << 13,
};

/* List domains.  On success stores in @domains (when non-NULL) a new
 * NULL-terminated array the caller releases with vireo_domain_list_free,
 * and returns the number of domains.  Returns -1 on error. */
int vireo_conn_list_domains(VireoConn *conn, unsigned int flags,
                            VireoDomain ***domains);

/* Free every domain of a NULL-terminated array and the array.  NULL-safe. */
void vireo_domain_list_free(VireoDomain **domains);

/* ---- domains: definitions ------------------------------------------- */

/* vireo_domain_define_xml flags */
enum {
    VIREO_DEFINE_VALIDATE = 1 << 0,   /* validate against the schema */
};

/* Define (or redefine) a persistent domain from libvirt domain XML.
 * Returns the new domain (release with vireo_domain_free) or NULL with the
 * last error set (VIREO_ERR_XML_ERROR, VIREO_ERR_XML_DETAIL,
 * VIREO_ERR_XML_INVALID_SCHEMA, VIREO_ERR_OPERATION_FAILED, ...). */
VireoDomain *vireo_domain_define_xml(VireoConn *conn, const char *xml,
                                     unsigned int flags);

/* vireo_domain_undefine flags (libvirt's values) */
enum {
    VIREO_UNDEFINE_MANAGED_SAVE = 1 << 0,       /* also its managed save */
    VIREO_UNDEFINE_SNAPSHOTS_METADATA = 1 << 1, /* also snapshot metadata */
};

/* Remove the persistent definition of @dom (an active domain becomes
 * transient).  @flags: VIREO_UNDEFINE_*; without them a domain with a
 * managed save image or snapshots is refused.  Returns 0 or -1.  @dom
 * stays to be freed. */
int vireo_domain_undefine(VireoDomain *dom, unsigned int flags);

/* vireo_domain_get_xml flags */
enum {
    VIREO_DOMAIN_XML_SECURE = 1 << 0,     /* include secrets */
    VIREO_DOMAIN_XML_INACTIVE = 1 << 1,   /* the persistent definition */
    VIREO_DOMAIN_XML_UPDATE_CPU = 1 << 2,
    VIREO_DOMAIN_XML_MIGRATABLE = 1 << 3,
};

/* The domain XML.  Caller frees; NULL on error. */
char *vireo_domain_get_xml(VireoDomain *dom, unsigned int flags);

/* ---- domains: state and information --------------------------------- */

typedef enum {
    VIREO_DOMAIN_NOSTATE = 0,
    VIREO_DOMAIN_RUNNING = 1,
    VIREO_DOMAIN_BLOCKED = 2,
    VIREO_DOMAIN_PAUSED = 3,
    VIREO_DOMAIN_SHUTDOWN = 4,
    VIREO_DOMAIN_SHUTOFF = 5,
    VIREO_DOMAIN_CRASHED = 6,
    VIREO_DOMAIN_PMSUSPENDED = 7,
} VireoDomainState;

typedef struct {
    int state;                      /* VireoDomainState */
    unsigned long long max_mem;     /* KiB */
    unsigned long long memory;      /* KiB currently used */
    unsigned int nr_vcpus;
    unsigned long long cpu_time;    /* nanoseconds; 0 when shut off */
} VireoDomainInfo;

/* Fill @info.  Returns 0 or -1. */
int vireo_domain_get_info(VireoDomain *dom, VireoDomainInfo *info);

/* Store the state (VireoDomainState) and the reason for it (a per-state
 * number, see vireo_domain_reason_string) in @state and @reason (@reason
 * may be NULL).  Returns 0 or -1. */
int vireo_domain_get_state(VireoDomain *dom, int *state, int *reason);

/* The words virsh uses: "running", "shut off", "paused", ... and for
 * reasons "booted", "destroyed", "unknown", ...  Static strings; unknown
 * numbers give "no state" and "unknown".  Never NULL, never fail. */
const char *vireo_domain_state_string(int state);
const char *vireo_domain_reason_string(int state, int reason);

/* Autostart flag: stores 1 or 0 in @autostart.  Returns 0 or -1. */
int vireo_domain_get_autostart(VireoDomain *dom, int *autostart);
/* Enable (@autostart != 0) or disable autostart.  Returns 0 or -1. */
int vireo_domain_set_autostart(VireoDomain *dom, int autostart);

/* Ask the daemon; each returns 1 (yes), 0 (no) or -1 on error. */
int vireo_domain_is_active(VireoDomain *dom);
int vireo_domain_is_persistent(VireoDomain *dom);
int vireo_domain_has_managed_save(VireoDomain *dom);

/* The guest OS type ("hvm").  Caller frees; NULL on error. */
char *vireo_domain_get_os_type(VireoDomain *dom);

typedef struct {
    char label[4097];     /* "" when the domain has none (inactive) */
    int enforcing;        /* 1 enforcing, 0 permissive */
} VireoSecurityLabel;

/* Fill @label with the domain's security label.  Returns 0 or -1. */
int vireo_domain_get_security_label(VireoDomain *dom,
                                    VireoSecurityLabel *label);

/* ---- domains: local fields (no daemon call, never fail for a valid
 * domain; they describe the domain as of the lookup) ------------------ */

const char *vireo_domain_get_name(VireoDomain *dom);     /* owned by dom */
/* Copy the 16-byte UUID into @uuid.  Returns 0, or -1 for NULL args. */
int vireo_domain_get_uuid(VireoDomain *dom, unsigned char *uuid);
/* Write the hyphenated lowercase UUID (VIREO_UUID_STRING_BUFLEN bytes)
 * into @buf.  Returns 0, or -1 for NULL args. */
int vireo_domain_get_uuid_string(VireoDomain *dom, char *buf);
/* The id at lookup time: -1 when the domain was not running. */
int vireo_domain_get_id(VireoDomain *dom);
/* The connection @dom belongs to (no new reference). */
VireoConn *vireo_domain_get_conn(VireoDomain *dom);

/* Release @dom (and its reference on the connection).  NULL-safe.
 * Domains are plain values, not shared: each lookup returns a new one. */
void vireo_domain_free(VireoDomain *dom);


/* ---- domains: lifecycle ---------------------------------------------- */

/* vireo_domain_start / vireo_domain_create_xml flags (libvirt's values) */
enum {
    VIREO_START_PAUSED = 1 << 0,       /* leave the vCPUs paused */
    VIREO_START_AUTODESTROY = 1 << 1,  /* destroy when this connection
                                        * closes */
    VIREO_START_BYPASS_CACHE = 1 << 2,
    VIREO_START_FORCE_BOOT = 1 << 3,
    VIREO_START_VALIDATE = 1 << 4,     /* create_xml only: check schema */
};

/* Start the defined domain @dom.  @flags: VIREO_START_PAUSED,
 * VIREO_START_AUTODESTROY, VIREO_START_BYPASS_CACHE,
 * VIREO_START_FORCE_BOOT.  On success @dom's id (vireo_domain_get_id) is
 * refreshed to the running domain's id.  Returns 0, or -1 with the last
 * error set (e.g. VIREO_ERR_OPERATION_INVALID when already running). */
int vireo_domain_start(VireoDomain *dom, unsigned int flags);

/* Create and start a transient domain from libvirt domain XML.  @flags:
 * VIREO_START_PAUSED, VIREO_START_AUTODESTROY, VIREO_START_VALIDATE.
 * Returns the new running domain (release with vireo_domain_free) or NULL
 * with the last error set. */
VireoDomain *vireo_domain_create_xml(VireoConn *conn, const char *xml,
                                     unsigned int flags);

/* vireo_domain_destroy flags */
enum {
    VIREO_DESTROY_GRACEFUL = 1 << 0,   /* SIGTERM only, never SIGKILL */
};

/* Stop @dom at once (power cut).  @flags: 0 or VIREO_DESTROY_GRACEFUL.
 * Returns 0 or -1 (last error set).  A transient domain is gone after. */
int vireo_domain_destroy(VireoDomain *dom, unsigned int flags);

/* vireo_domain_shutdown / vireo_domain_reboot flags ("modes") */
enum {
    VIREO_SHUTDOWN_DEFAULT = 0,
    VIREO_SHUTDOWN_ACPI_POWER_BTN = 1 << 0,
    VIREO_SHUTDOWN_GUEST_AGENT = 1 << 1,
    VIREO_SHUTDOWN_INITCTL = 1 << 2,
    VIREO_SHUTDOWN_SIGNAL = 1 << 3,
    VIREO_SHUTDOWN_PARAVIRT = 1 << 4,
};

/* Ask the guest to power off (ACPI power button by default).  Returns as
 * soon as the request was delivered: the domain stops later (watch the
 * lifecycle events or the state).  @flags: VIREO_SHUTDOWN_* modes.
 * Returns 0 or -1 (last error set). */
int vireo_domain_shutdown(VireoDomain *dom, unsigned int flags);

/* Ask the guest to reboot (same modes as shutdown).  Returns 0 or -1. */
int vireo_domain_reboot(VireoDomain *dom, unsigned int flags);

/* Hard reset (the reset button).  @flags: 0.  Returns 0 or -1. */
int vireo_domain_reset(VireoDomain *dom, unsigned int flags);

/* Pause / continue the domain's vCPUs.  Return 0 or -1. */
int vireo_domain_suspend(VireoDomain *dom);
int vireo_domain_resume(VireoDomain *dom);

/* The domain capabilities XML (libvirt's <domainCapabilities>) for one
 * emulator / architecture / machine / virtualization type; each may be
 * NULL for the daemon's default.  @flags: 0.  Caller frees; NULL on
 * error. */
char *vireo_conn_get_domain_capabilities(VireoConn *conn,
                                         const char *emulatorbin,
                                         const char *arch,
                                         const char *machine,
                                         const char *virttype,
                                         unsigned int flags);

/* ---- domain events ---------------------------------------------------- */

/* Event kinds (libvirt's event IDs) vireo_conn_domain_event_register
 * accepts. */
enum {
    VIREO_DOMAIN_EVENT_ID_LIFECYCLE = 0,   /* event + detail */
    VIREO_DOMAIN_EVENT_ID_REBOOT = 1,      /* no payload */
    VIREO_DOMAIN_EVENT_ID_LAST = 2,
};

/* Lifecycle events (VireoDomainEvent.event).  Details per event are
 * libvirt's numbers; vireo_domain_event_detail_string names them. */
typedef enum {
    VIREO_DOMAIN_EVENT_DEFINED = 0,
    VIREO_DOMAIN_EVENT_UNDEFINED = 1,
    VIREO_DOMAIN_EVENT_STARTED = 2,
    VIREO_DOMAIN_EVENT_SUSPENDED = 3,
    VIREO_DOMAIN_EVENT_RESUMED = 4,
    VIREO_DOMAIN_EVENT_STOPPED = 5,
    VIREO_DOMAIN_EVENT_SHUTDOWN = 6,
    VIREO_DOMAIN_EVENT_PMSUSPENDED = 7,
    VIREO_DOMAIN_EVENT_CRASHED = 8,
} VireoDomainEventType;

typedef struct {
    int event_id;    /* VIREO_DOMAIN_EVENT_ID_* */
    int event;       /* lifecycle: VireoDomainEventType; otherwise 0 */
    int detail;      /* lifecycle: the detail; otherwise 0 */
} VireoDomainEvent;

/* An event callback.  @dom and @event are borrowed: valid only during the
 * call (copy with vireo_domain_lookup_by_uuid to keep the domain). */
typedef void (*VireoDomainEventFunc)(VireoConn *conn, VireoDomain *dom,
                                     const VireoDomainEvent *event,
                                     void *opaque);
typedef void (*VireoFreeFunc)(void *opaque);

/* Watch events of kind @event_id for domain @dom (NULL: every domain).
 * Threads: callbacks run on one event thread per connection, created by
 * libvireo at the first registration - never on the caller's thread and
 * never on the connection's I/O thread.  They run one at a time, in the
 * order the daemon sent the events, and may call any vireo_* function
 * (including deregistering themselves) except vireo_conn_close on their
 * own connection.  @free_fn (may be NULL) is called with @opaque once the
 * registration is gone and no call of @cb is running anymore.
 * Returns a callback id (>= 0) for vireo_conn_domain_event_deregister, or
 * -1 with the last error set (@free_fn is not called then). */
int vireo_conn_domain_event_register(VireoConn *conn, VireoDomain *dom,
                                     int event_id, VireoDomainEventFunc cb,
                                     void *opaque, VireoFreeFunc free_fn);

/* Stop the registration @callback_id.  No call of its callback starts
 * after this returns.  Returns 0 or -1 (unknown id: VIREO_ERR_INVALID_ARG). */
int vireo_conn_domain_event_deregister(VireoConn *conn, int callback_id);

/* The words virsh's "event" command prints: "Started", "Stopped", ... and
 * for details "Booted", "Destroyed", "Finished after guest request", ...;
 * event kind names "lifecycle", "reboot".  Static strings; unknown
 * numbers give "unknown".  Never NULL, never fail. */
const char *vireo_domain_event_string(int event);
const char *vireo_domain_event_detail_string(int event, int detail);
const char *vireo_domain_event_id_string(int event_id);
/* The event ID for a kind name ("lifecycle"), or -1 when unknown. */
int vireo_domain_event_id_from_string(const char *name);

/* ---- virtual networks -------------------------------------------------
 *
 * A VireoNetwork is a small value object (name, UUID) holding a reference
 * on its connection, like VireoDomain: each lookup returns a new one. */

/* Look a network up.  Each returns a new VireoNetwork (release with
 * vireo_network_free) or NULL with the last error set
 * (VIREO_ERR_NO_NETWORK when there is none; VIREO_ERR_INVALID_ARG for a
 * malformed UUID string). */
VireoNetwork *vireo_network_lookup_by_name(VireoConn *conn, const char *name);
VireoNetwork *vireo_network_lookup_by_uuid(VireoConn *conn,
                                           const unsigned char *uuid);
VireoNetwork *vireo_network_lookup_by_uuid_string(VireoConn *conn,
                                                  const char *uuidstr);

/* vireo_conn_list_networks flags: 0 = every network; otherwise those
 * matching ALL groups with a bit set (libvirt's values, which differ from
 * the domain ones: INACTIVE is 1). */
enum {
    VIREO_NETWORK_LIST_INACTIVE = 1 << 0,
    VIREO_NETWORK_LIST_ACTIVE = 1 << 1,
    VIREO_NETWORK_LIST_PERSISTENT = 1 << 2,
    VIREO_NETWORK_LIST_TRANSIENT = 1 << 3,
    VIREO_NETWORK_LIST_AUTOSTART = 1 << 4,
    VIREO_NETWORK_LIST_NO_AUTOSTART = 1 << 5,
};

/* List networks.  On success stores in @nets (when non-NULL) a new
 * NULL-terminated array (release with vireo_network_list_free) and returns
 * the count; -1 on error.  A daemon without CONNECT_LIST_ALL_NETWORKS is
 * asked with the older per-state calls (active/inactive filters only). */
int vireo_conn_list_networks(VireoConn *conn, unsigned int flags,
                             VireoNetwork ***nets);
/* Free every network of a NULL-terminated array and the array. NULL-safe. */
void vireo_network_list_free(VireoNetwork **nets);

/* vireo_network_define_xml / vireo_network_create_xml flags */
enum {
    VIREO_NETWORK_VALIDATE = 1 << 0,   /* validate against the schema */
};

/* Define (or redefine) a persistent network from libvirt network XML, or
 * create and start a transient one.  Returns the network (release with
 * vireo_network_free) or NULL with the last error set. */
VireoNetwork *vireo_network_define_xml(VireoConn *conn, const char *xml,
                                       unsigned int flags);
VireoNetwork *vireo_network_create_xml(VireoConn *conn, const char *xml,
                                       unsigned int flags);

/* Remove the persistent definition (an active network becomes transient),
 * start a defined network, stop an active one.  Return 0 or -1 (e.g.
 * VIREO_ERR_OPERATION_INVALID "network 'x' is already active"). */
int vireo_network_undefine(VireoNetwork *net);
int vireo_network_start(VireoNetwork *net);
int vireo_network_destroy(VireoNetwork *net);

/* vireo_network_get_xml flags */
enum {
    VIREO_NETWORK_XML_INACTIVE = 1 << 0,   /* the persistent definition */
};

/* The network XML.  Caller frees; NULL on error. */
char *vireo_network_get_xml(VireoNetwork *net, unsigned int flags);
/* Autostart flag into @autostart (1/0).  Returns 0 or -1. */
int vireo_network_get_autostart(VireoNetwork *net, int *autostart);
/* Enable (@autostart != 0) or disable autostart.  Returns 0 or -1. */
int vireo_network_set_autostart(VireoNetwork *net, int autostart);
/* The bridge device name ("virbr0").  Caller frees; NULL on error. */
char *vireo_network_get_bridge_name(VireoNetwork *net);
/* Ask the daemon; each returns 1 (yes), 0 (no) or -1 on error. */
int vireo_network_is_active(VireoNetwork *net);
int vireo_network_is_persistent(VireoNetwork *net);

/* vireo_network_update commands, sections and flags (libvirt's values). */
enum {
    VIREO_NETWORK_UPDATE_MODIFY = 1,
    VIREO_NETWORK_UPDATE_DELETE = 2,
    VIREO_NETWORK_UPDATE_ADD_LAST = 3,
    VIREO_NETWORK_UPDATE_ADD_FIRST = 4,
};
enum {
    VIREO_NETWORK_SECTION_BRIDGE = 1,
    VIREO_NETWORK_SECTION_DOMAIN = 2,
    VIREO_NETWORK_SECTION_IP = 3,
    VIREO_NETWORK_SECTION_IP_DHCP_HOST = 4,
    VIREO_NETWORK_SECTION_IP_DHCP_RANGE = 5,
    VIREO_NETWORK_SECTION_FORWARD = 6,
    VIREO_NETWORK_SECTION_FORWARD_INTERFACE = 7,
    VIREO_NETWORK_SECTION_FORWARD_PF = 8,
    VIREO_NETWORK_SECTION_PORTGROUP = 9,
    VIREO_NETWORK_SECTION_DNS_HOST = 10,
    VIREO_NETWORK_SECTION_DNS_TXT = 11,
    VIREO_NETWORK_SECTION_DNS_SRV = 12,
};
enum {
    VIREO_NETWORK_UPDATE_AFFECT_CURRENT = 0,
    VIREO_NETWORK_UPDATE_AFFECT_LIVE = 1 << 0,
    VIREO_NETWORK_UPDATE_AFFECT_CONFIG = 1 << 1,
};

/* Change one part of the network: @command on @section with the XML
 * fragment @xml (e.g. "<host mac='..' ip='..'/>" for IP_DHCP_HOST);
 * @parent_index selects the <ip> element (-1: the first that fits).
 * @flags: VIREO_NETWORK_UPDATE_AFFECT_*.  Returns 0 or -1. */
int vireo_network_update(VireoNetwork *net, unsigned int command,
                         unsigned int section, int parent_index,
                         const char *xml, unsigned int flags);

/* Address families of leases and interface addresses. */
enum {
    VIREO_IP_ADDR_TYPE_IPV4 = 0,
    VIREO_IP_ADDR_TYPE_IPV6 = 1,
};

typedef struct {
    char *iface;               /* the network's bridge */
    long long expirytime;      /* seconds since the epoch; 0: never */
    int type;                  /* VIREO_IP_ADDR_TYPE_* */
    char *mac;                 /* NULL for most IPv6 leases */
    char *iaid;                /* IPv6 only, or NULL */
    char *ipaddr;
    unsigned int prefix;
    char *hostname;            /* or NULL */
    char *clientid;            /* client id or DUID, or NULL */
} VireoNetworkDhcpLease;

/* The network's current DHCP leases, only those of @mac when non-NULL.
 * @flags: 0.  Stores a new NULL-terminated array in @leases (when
 * non-NULL; release with vireo_network_dhcp_lease_list_free) and returns
 * the count, or -1 on error. */
int vireo_network_get_dhcp_leases(VireoNetwork *net, const char *mac,
                                  VireoNetworkDhcpLease ***leases,
                                  unsigned int flags);
void vireo_network_dhcp_lease_free(VireoNetworkDhcpLease *lease);
void vireo_network_dhcp_lease_list_free(VireoNetworkDhcpLease **leases);

/* Local fields (no daemon call): name owned by @net; UUID copied. */
const char *vireo_network_get_name(VireoNetwork *net);
/* Copy the 16-byte UUID / write the string form (VIREO_UUID_STRING_BUFLEN
 * bytes).  Return 0, or -1 for NULL arguments. */
int vireo_network_get_uuid(VireoNetwork *net, unsigned char *uuid);
int vireo_network_get_uuid_string(VireoNetwork *net, char *buf);
/* The connection @net belongs to (no new reference). */
VireoConn *vireo_network_get_conn(VireoNetwork *net);
/* Release @net (and its connection reference).  NULL-safe. */
void vireo_network_free(VireoNetwork *net);

/* Network event kinds (only lifecycle exists) and lifecycle events. */
enum {
    VIREO_NETWORK_EVENT_ID_LIFECYCLE = 0,
    VIREO_NETWORK_EVENT_ID_LAST = 1,
};
typedef enum {
    VIREO_NETWORK_EVENT_DEFINED = 0,
    VIREO_NETWORK_EVENT_UNDEFINED = 1,
    VIREO_NETWORK_EVENT_STARTED = 2,
    VIREO_NETWORK_EVENT_STOPPED = 3,
} VireoNetworkEventType;

/* A network event callback; @net is borrowed (valid during the call). */
typedef void (*VireoNetworkEventFunc)(VireoConn *conn, VireoNetwork *net,
                                      int event, int detail, void *opaque);

/* Watch network events of kind @event_id for @net (NULL: every network).
 * Threads, ordering and @free_fn as for vireo_conn_domain_event_register
 * (the same event thread runs both kinds).  Returns a callback id (>= 0)
 * for vireo_conn_network_event_deregister, or -1 with the last error. */
int vireo_conn_network_event_register(VireoConn *conn, VireoNetwork *net,
                                      int event_id, VireoNetworkEventFunc cb,
                                      void *opaque, VireoFreeFunc free_fn);
/* Stop the registration.  Returns 0 or -1 (unknown id: INVALID_ARG). */
int vireo_conn_network_event_deregister(VireoConn *conn, int callback_id);

/* virsh's words: "Defined", "Undefined", "Started", "Stopped"; the event
 * kind name "lifecycle".  Static; unknown numbers give "unknown". */
const char *vireo_network_event_string(int event);
const char *vireo_network_event_id_string(int event_id);
/* The network event ID for a kind name, or -1 when unknown. */
int vireo_network_event_id_from_string(const char *name);

/* ---- domains: interface addresses ------------------------------------ */

/* Where vireo_domain_interface_addresses gets its answer. */
enum {
    VIREO_DOMAIN_IFADDR_SRC_LEASE = 0,   /* the networks' DHCP leases */
    VIREO_DOMAIN_IFADDR_SRC_AGENT = 1,   /* guest agent (not supported) */
    VIREO_DOMAIN_IFADDR_SRC_ARP = 2,     /* host ARP table (not supported) */
};

typedef struct {
    int type;                 /* VIREO_IP_ADDR_TYPE_* */
    char *addr;
    unsigned int prefix;
} VireoIPAddress;

typedef struct {
    char *name;               /* host-side device ("vnet0") */
    char *hwaddr;             /* MAC, or NULL */
    size_t naddrs;
    VireoIPAddress *addrs;
} VireoDomainInterface;

/* The addresses of the running domain's NICs from @source.  @flags: 0.
 * Stores a new NULL-terminated array in @ifaces (release with
 * vireo_domain_interface_list_free) and returns the count, or -1 on error
 * (VIREO_ERR_OPERATION_INVALID when the domain is not running). */
int vireo_domain_interface_addresses(VireoDomain *dom, unsigned int source,
                                     VireoDomainInterface ***ifaces,
                                     unsigned int flags);
void vireo_domain_interface_free(VireoDomainInterface *iface);
void vireo_domain_interface_list_free(VireoDomainInterface **ifaces);

/* ---- streams (console) ------------------------------------------------ */

/* vireo_domain_open_console flags */
enum {
    VIREO_CONSOLE_FORCE = 1 << 0,   /* take over from another client */
    VIREO_CONSOLE_SAFE = 1 << 1,
};

/* Open the domain's console (its first serial port, or the device alias
 * @dev_name, e.g. "serial0"; NULL for the default) as a byte stream in
 * both directions.  Returns a new stream (release with vireo_stream_free)
 * or NULL with the last error set. */
VireoStream *vireo_domain_open_console(VireoDomain *dom, const char *dev_name,
                                       unsigned int flags);

/* Send @len bytes.  Returns @len, or -1 (last error set). Thread-safe. */
int vireo_stream_send(VireoStream *st, const void *data, size_t len);

/* vireo_stream_recv returns this when @timeout_ms passed without data. */
#define VIREO_STREAM_AGAIN (-2)

/* Receive up to @len bytes, waiting at most @timeout_ms milliseconds (-1:
 * no limit, 0: do not wait).  Returns the byte count (> 0), 0 when the
 * daemon ended the stream (or it was finished / aborted), -1 with the last
 * error set (the daemon's error, or the connection was lost), or
 * VIREO_STREAM_AGAIN on timeout.  One receiving thread at a time; another
 * thread may send, finish or abort meanwhile (which wakes the receiver). */
int vireo_stream_recv(VireoStream *st, void *buf, size_t len, int timeout_ms);

/* End the stream politely: tell the daemon there is no more data and wait
 * (up to a few seconds) for its confirmation.  Returns 0 or -1. */
int vireo_stream_finish(VireoStream *st);

/* End the stream at once (the daemon drops it).  Returns 0 or -1. */
int vireo_stream_abort(VireoStream *st);

/* Release @st (aborting it when still open).  NULL-safe. */
void vireo_stream_free(VireoStream *st);

/* ---- storage pools and volumes ----------------------------------------
 *
 * VireoStoragePool (name, UUID) and VireoStorageVol (pool name, volume
 * name, key) are small value objects holding a reference on their
 * connection, like VireoNetwork: each lookup returns a new one, released
 * with vireo_storage_pool_free / vireo_storage_vol_free.  Numbers (flags,
 * states, types, error codes) are libvirt's. */

typedef struct _VireoStoragePool VireoStoragePool;
typedef struct _VireoStorageVol VireoStorageVol;

/* Storage error codes and the storage error domain. */
enum {
    VIREO_ERR_INVALID_STORAGE_POOL = 46,
    VIREO_ERR_INVALID_STORAGE_VOL = 47,
    VIREO_ERR_NO_STORAGE_POOL = 49,
    VIREO_ERR_NO_STORAGE_VOL = 50,
    VIREO_FROM_STORAGE = 18,
};

/* Look a pool up.  Each returns a new pool or NULL with the last error
 * set (VIREO_ERR_NO_STORAGE_POOL when there is none). */
VireoStoragePool *vireo_storage_pool_lookup_by_name(VireoConn *conn,
                                                    const char *name);
VireoStoragePool *vireo_storage_pool_lookup_by_uuid(VireoConn *conn,
                                                    const unsigned char *uuid);
VireoStoragePool *vireo_storage_pool_lookup_by_uuid_string(VireoConn *conn,
                                                           const char *uuid);
/* The pool holding @vol.  New pool, or NULL with the last error set. */
VireoStoragePool *vireo_storage_pool_lookup_by_volume(VireoStorageVol *vol);

/* vireo_conn_list_storage_pools flags: 0 = every pool; otherwise those
 * matching ALL groups with a bit set (the type bits form one group). */
enum {
    VIREO_STORAGE_POOL_LIST_INACTIVE = 1 << 0,
    VIREO_STORAGE_POOL_LIST_ACTIVE = 1 << 1,
    VIREO_STORAGE_POOL_LIST_PERSISTENT = 1 << 2,
    VIREO_STORAGE_POOL_LIST_TRANSIENT = 1 << 3,
    VIREO_STORAGE_POOL_LIST_AUTOSTART = 1 << 4,
    VIREO_STORAGE_POOL_LIST_NO_AUTOSTART = 1 << 5,
    VIREO_STORAGE_POOL_LIST_DIR = 1 << 6,
    VIREO_STORAGE_POOL_LIST_FS = 1 << 7,
    VIREO_STORAGE_POOL_LIST_NETFS = 1 << 8,
    VIREO_STORAGE_POOL_LIST_LOGICAL = 1 << 9,
    VIREO_STORAGE_POOL_LIST_DISK = 1 << 10,
    VIREO_STORAGE_POOL_LIST_ISCSI = 1 << 11,
    VIREO_STORAGE_POOL_LIST_SCSI = 1 << 12,
    VIREO_STORAGE_POOL_LIST_MPATH = 1 << 13,
    VIREO_STORAGE_POOL_LIST_RBD = 1 << 14,
    VIREO_STORAGE_POOL_LIST_SHEEPDOG = 1 << 15,
    VIREO_STORAGE_POOL_LIST_GLUSTER = 1 << 16,
    VIREO_STORAGE_POOL_LIST_ZFS = 1 << 17,
    VIREO_STORAGE_POOL_LIST_VSTORAGE = 1 << 18,
    VIREO_STORAGE_POOL_LIST_ISCSI_DIRECT = 1 << 19,
};

/* List pools.  On success stores in @pools (when non-NULL) a new
 * NULL-terminated array (vireo_storage_pool_list_free) and returns the
 * count; -1 on error.  A daemon without CONNECT_LIST_ALL_STORAGE_POOLS is
 * asked with the older per-state calls (active/inactive filters only). */
int vireo_conn_list_storage_pools(VireoConn *conn, unsigned int flags,
                                  VireoStoragePool ***pools);
void vireo_storage_pool_list_free(VireoStoragePool **pools);

/* Define (or redefine) a persistent pool from libvirt pool XML, or create
 * and start a transient one.  @flags: 0 for define; for create
 * VIREO_STORAGE_POOL_CREATE_WITH_BUILD*.  New pool or NULL. */
VireoStoragePool *vireo_storage_pool_define_xml(VireoConn *conn,
                                                const char *xml,
                                                unsigned int flags);
VireoStoragePool *vireo_storage_pool_create_xml(VireoConn *conn,
                                                const char *xml,
                                                unsigned int flags);

/* vireo_storage_pool_build flags */
enum {
    VIREO_STORAGE_POOL_BUILD_NEW = 0,
    VIREO_STORAGE_POOL_BUILD_REPAIR = 1 << 0,
    VIREO_STORAGE_POOL_BUILD_RESIZE = 1 << 1,
    VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE = 1 << 2,
    VIREO_STORAGE_POOL_BUILD_OVERWRITE = 1 << 3,
};
/* vireo_storage_pool_start / vireo_storage_pool_create_xml flags */
enum {
    VIREO_STORAGE_POOL_CREATE_WITH_BUILD = 1 << 0,
    VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE = 1 << 1,
    VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2,
};

/* Lifecycle: build the pool's storage (mkdir, mkfs, vgcreate), start
 * (mount / activate), stop, delete the storage, remove the definition,
 * rescan the volumes.  Each returns 0 or -1 with the last error set. */
int vireo_storage_pool_build(VireoStoragePool *pool, unsigned int flags);
int vireo_storage_pool_start(VireoStoragePool *pool, unsigned int flags);
int vireo_storage_pool_destroy(VireoStoragePool *pool);
int vireo_storage_pool_delete(VireoStoragePool *pool, unsigned int flags);
int vireo_storage_pool_undefine(VireoStoragePool *pool);
int vireo_storage_pool_refresh(VireoStoragePool *pool, unsigned int flags);

typedef enum {
    VIREO_STORAGE_POOL_INACTIVE = 0,
    VIREO_STORAGE_POOL_BUILDING = 1,
    VIREO_STORAGE_POOL_RUNNING = 2,
    VIREO_STORAGE_POOL_DEGRADED = 3,
    VIREO_STORAGE_POOL_INACCESSIBLE = 4,
} VireoStoragePoolState;

typedef struct {
    int state;                       /* VireoStoragePoolState */
    unsigned long long capacity;     /* bytes */
    unsigned long long allocation;   /* bytes */
    unsigned long long available;    /* bytes */
} VireoStoragePoolInfo;

/* Fill @info.  Returns 0 or -1. */
int vireo_storage_pool_get_info(VireoStoragePool *pool,
                                VireoStoragePoolInfo *info);

/* vireo_storage_pool_get_xml flags */
enum {
    VIREO_STORAGE_XML_INACTIVE = 1 << 0,   /* the persistent definition */
};
/* The pool XML.  Caller frees; NULL on error. */
char *vireo_storage_pool_get_xml(VireoStoragePool *pool, unsigned int flags);
/* Autostart flag into @autostart (1/0) / set it.  Return 0 or -1. */
int vireo_storage_pool_get_autostart(VireoStoragePool *pool, int *autostart);
int vireo_storage_pool_set_autostart(VireoStoragePool *pool, int autostart);
/* Ask the daemon; each returns 1 (yes), 0 (no) or -1 on error. */
int vireo_storage_pool_is_active(VireoStoragePool *pool);
int vireo_storage_pool_is_persistent(VireoStoragePool *pool);

/* Local fields (no daemon call): name owned by @pool; UUID copied /
 * written as a string (VIREO_UUID_STRING_BUFLEN bytes); 0 or -1 for NULL
 * arguments.  The connection without a new reference. */
const char *vireo_storage_pool_get_name(VireoStoragePool *pool);
int vireo_storage_pool_get_uuid(VireoStoragePool *pool, unsigned char *uuid);
int vireo_storage_pool_get_uuid_string(VireoStoragePool *pool, char *buf);
VireoConn *vireo_storage_pool_get_conn(VireoStoragePool *pool);
/* Release @pool (and its connection reference).  NULL-safe. */
void vireo_storage_pool_free(VireoStoragePool *pool);

/* Volumes of a pool: a new NULL-terminated array in @vols (when
 * non-NULL; vireo_storage_vol_list_free) and the count, or -1.  @flags:
 * 0.  Falls back to NUM_OF_VOLUMES + LIST_VOLUMES + lookups on a daemon
 * without STORAGE_POOL_LIST_ALL_VOLUMES. */
int vireo_storage_pool_list_volumes(VireoStoragePool *pool,
                                    unsigned int flags,
                                    VireoStorageVol ***vols);
void vireo_storage_vol_list_free(VireoStorageVol **vols);

/* Look a volume up by name in @pool, by key or by path.  New volume or
 * NULL with the last error set (VIREO_ERR_NO_STORAGE_VOL). */
VireoStorageVol *vireo_storage_vol_lookup_by_name(VireoStoragePool *pool,
                                                  const char *name);
VireoStorageVol *vireo_storage_vol_lookup_by_key(VireoConn *conn,
                                                 const char *key);
VireoStorageVol *vireo_storage_vol_lookup_by_path(VireoConn *conn,
                                                  const char *path);

/* vireo_storage_vol_create_xml(_from) flags */
enum {
    VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA = 1 << 0,
    VIREO_STORAGE_VOL_CREATE_REFLINK = 1 << 1,
};
/* Create a volume in @pool from libvirt volume XML; _from copies the
 * data of @clonevol (any pool) into it.  New volume or NULL. */
VireoStorageVol *vireo_storage_vol_create_xml(VireoStoragePool *pool,
                                              const char *xml,
                                              unsigned int flags);
VireoStorageVol *vireo_storage_vol_create_xml_from(VireoStoragePool *pool,
                                                   const char *xml,
                                                   VireoStorageVol *clonevol,
                                                   unsigned int flags);

/* Remove the volume (@flags: 0), overwrite its data with zeros (@flags:
 * 0) or with @algorithm (libvirt's VIR_STORAGE_VOL_WIPE_ALG_* numbers:
 * 0 zero, 1 nnsa, 2 dod, 3 bsi, 4 gutmann, 5 schneier, 6 pfitzner7,
 * 7 pfitzner33, 8 random, 9 trim).  Return 0 or -1. */
int vireo_storage_vol_delete(VireoStorageVol *vol, unsigned int flags);
int vireo_storage_vol_wipe(VireoStorageVol *vol, unsigned int flags);
int vireo_storage_vol_wipe_pattern(VireoStorageVol *vol,
                                   unsigned int algorithm,
                                   unsigned int flags);

/* vireo_storage_vol_resize flags */
enum {
    VIREO_STORAGE_VOL_RESIZE_ALLOCATE = 1 << 0,  /* allocate the new space */
    VIREO_STORAGE_VOL_RESIZE_DELTA = 1 << 1,     /* @capacity is a change */
    VIREO_STORAGE_VOL_RESIZE_SHRINK = 1 << 2,    /* allow shrinking */
};
/* Change the capacity (bytes).  Returns 0 or -1. */
int vireo_storage_vol_resize(VireoStorageVol *vol, unsigned long long capacity,
                             unsigned int flags);

typedef enum {
    VIREO_STORAGE_VOL_FILE = 0,
    VIREO_STORAGE_VOL_BLOCK = 1,
    VIREO_STORAGE_VOL_DIR = 2,
    VIREO_STORAGE_VOL_NETWORK = 3,
    VIREO_STORAGE_VOL_NETDIR = 4,
    VIREO_STORAGE_VOL_PLOOP = 5,
} VireoStorageVolType;

typedef struct {
    int type;                        /* VireoStorageVolType */
    unsigned long long capacity;     /* bytes */
    unsigned long long allocation;   /* bytes */
} VireoStorageVolInfo;

/* vireo_storage_vol_get_info flags */
enum {
    VIREO_STORAGE_VOL_GET_PHYSICAL = 1 << 0,   /* allocation: host size */
};
/* Fill @info (flags 0 uses the original GET_INFO call).  0 or -1. */
int vireo_storage_vol_get_info(VireoStorageVol *vol, VireoStorageVolInfo *info,
                               unsigned int flags);
/* The volume XML (@flags: 0) / the volume's path.  Caller frees; NULL on
 * error. */
char *vireo_storage_vol_get_xml(VireoStorageVol *vol, unsigned int flags);
char *vireo_storage_vol_get_path(VireoStorageVol *vol);

/* Local fields, owned by @vol: name, key (the path for file volumes) and
 * the name of its pool; the connection without a new reference. */
const char *vireo_storage_vol_get_name(VireoStorageVol *vol);
const char *vireo_storage_vol_get_key(VireoStorageVol *vol);
const char *vireo_storage_vol_get_pool_name(VireoStorageVol *vol);
VireoConn *vireo_storage_vol_get_conn(VireoStorageVol *vol);
/* Release @vol (and its connection reference).  NULL-safe. */
void vireo_storage_vol_free(VireoStorageVol *vol);

/* vireo_storage_vol_upload / _download flags */
enum {
    VIREO_STORAGE_VOL_UPLOAD_SPARSE_STREAM = 1 << 0,
    VIREO_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = 1 << 0,
};
/* Open a stream writing into (upload) or reading from (download) the
 * volume, starting at byte @offset, at most @length bytes (0: to the
 * end).  Upload: vireo_stream_send (and vireo_stream_send_hole for sparse
 * streams), then vireo_stream_finish, whose result says whether the
 * daemon wrote everything.  Download: vireo_stream_recv (or
 * vireo_stream_recv_hole) until 0, then vireo_stream_finish.  Returns a
 * new stream (vireo_stream_free) or NULL with the last error set. */
VireoStream *vireo_storage_vol_upload(VireoStorageVol *vol,
                                      unsigned long long offset,
                                      unsigned long long length,
                                      unsigned int flags);
VireoStream *vireo_storage_vol_download(VireoStorageVol *vol,
                                        unsigned long long offset,
                                        unsigned long long length,
                                        unsigned int flags);

/* vireo_stream_recv_hole returns this when a hole comes next. */
#define VIREO_STREAM_HOLE (-3)
/* As vireo_stream_recv, for sparse streams: returns VIREO_STREAM_HOLE
 * with the hole's length in *@hole when the next thing in the stream is a
 * hole (data before it is returned first).  Plain vireo_stream_recv
 * drops holes silently, so read sparse streams with this function. */
int vireo_stream_recv_hole(VireoStream *st, void *buf, size_t len,
                           int timeout_ms, long long *hole);
/* Send a hole of @length bytes (> 0) on a sparse upload stream.
 * Returns 0 or -1. */
int vireo_stream_send_hole(VireoStream *st, long long length);

/* Storage pool event kinds and lifecycle events. */
enum {
    VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE = 0,   /* event + detail */
    VIREO_STORAGE_POOL_EVENT_ID_REFRESH = 1,     /* no payload */
    VIREO_STORAGE_POOL_EVENT_ID_LAST = 2,
};
typedef enum {
    VIREO_STORAGE_POOL_EVENT_DEFINED = 0,
    VIREO_STORAGE_POOL_EVENT_UNDEFINED = 1,
    VIREO_STORAGE_POOL_EVENT_STARTED = 2,
    VIREO_STORAGE_POOL_EVENT_STOPPED = 3,
    VIREO_STORAGE_POOL_EVENT_CREATED = 4,
    VIREO_STORAGE_POOL_EVENT_DELETED = 5,
} VireoStoragePoolEventType;

/* A pool event callback: @event_id says which kind; @event and @detail
 * are 0 for REFRESH.  @pool is borrowed (valid during the call). */
typedef void (*VireoStoragePoolEventFunc)(VireoConn *conn,
                                          VireoStoragePool *pool,
                                          int event_id, int event,
                                          int detail, void *opaque);

/* Watch pool events of kind @event_id for @pool (NULL: every pool).
 * Threads, ordering and @free_fn as for vireo_conn_domain_event_register
 * (the same event thread).  Returns a callback id (>= 0) or -1. */
int vireo_conn_storage_pool_event_register(VireoConn *conn,
                                           VireoStoragePool *pool,
                                           int event_id,
                                           VireoStoragePoolEventFunc cb,
                                           void *opaque,
                                           VireoFreeFunc free_fn);
/* Stop the registration.  Returns 0 or -1 (unknown id: INVALID_ARG). */
int vireo_conn_storage_pool_event_deregister(VireoConn *conn,
                                             int callback_id);

/* virsh's words: "Defined", "Undefined", "Started", "Stopped", "Created",
 * "Deleted"; kind names "lifecycle", "refresh".  Static; unknown numbers
 * give "unknown".  _from_string returns -1 for an unknown name. */
const char *vireo_storage_pool_event_string(int event);
const char *vireo_storage_pool_event_id_string(int event_id);
int vireo_storage_pool_event_id_from_string(const char *name);

/* ---- domains: hotplug and tuning (lib_hotplug.c) ----------------------
 *
 * Where a change applies: VIREO_DOMAIN_AFFECT_LIVE (the running domain),
 * VIREO_DOMAIN_AFFECT_CONFIG (the persistent definition), both, or
 * VIREO_DOMAIN_AFFECT_CURRENT (0): the running domain when it runs, else
 * the definition.  Numbers are libvirt's. */
enum {
    VIREO_DOMAIN_AFFECT_CURRENT = 0,
    VIREO_DOMAIN_AFFECT_LIVE = 1 << 0,
    VIREO_DOMAIN_AFFECT_CONFIG = 1 << 1,
};
/* Extra flags: of vireo_domain_update_device; of vireo_domain_set_vcpus
 * and vireo_domain_get_vcpus_count; of vireo_domain_set_memory. */
enum {
    VIREO_DOMAIN_DEVICE_MODIFY_FORCE = 1 << 2,   /* eject a locked cdrom */
    VIREO_DOMAIN_VCPU_MAXIMUM = 1 << 2,          /* the maximum, not current */
    VIREO_DOMAIN_VCPU_GUEST = 1 << 3,            /* as the guest agent sees */
    VIREO_DOMAIN_MEM_MAXIMUM = 1 << 2,           /* the maximum memory */
};

/* Attach, detach or update (cdrom media change) the device described by
 * @xml (a libvirt <disk>, <interface>, ... element).  A live detach
 * returns once the guest has released the device (or fails with a
 * timeout message when it does not).  Each returns 0 or -1. */
int vireo_domain_attach_device(VireoDomain *dom, const char *xml,
                               unsigned int flags);
int vireo_domain_detach_device(VireoDomain *dom, const char *xml,
                               unsigned int flags);
int vireo_domain_update_device(VireoDomain *dom, const char *xml,
                               unsigned int flags);
/* Set the number of vCPUs (or the maximum with VCPU_MAXIMUM, config
 * only).  Returns 0 or -1. */
int vireo_domain_set_vcpus(VireoDomain *dom, unsigned int nvcpus,
                           unsigned int flags);
/* The vCPU count selected by @flags (AFFECT_*, VCPU_MAXIMUM), or -1. */
int vireo_domain_get_vcpus_count(VireoDomain *dom, unsigned int flags);
/* Set the current memory (balloon target; with MEM_MAXIMUM the maximum)
 * in KiB.  Returns 0 or -1. */
int vireo_domain_set_memory(VireoDomain *dom, unsigned long long kib,
                            unsigned int flags);
/* The maximum memory in KiB (the old call: an inactive definition only).
 * Returns 0 or -1. */
int vireo_domain_set_max_memory(VireoDomain *dom, unsigned long long kib);

/* ---- statistics (lib_stats.c) ------------------------------------------
 *
 * Typed parameters: a field name and a value of one of libvirt's types. */
typedef enum {
    VIREO_TYPED_PARAM_INT = 1,
    VIREO_TYPED_PARAM_UINT = 2,
    VIREO_TYPED_PARAM_LLONG = 3,
    VIREO_TYPED_PARAM_ULLONG = 4,
    VIREO_TYPED_PARAM_DOUBLE = 5,
    VIREO_TYPED_PARAM_BOOLEAN = 6,
    VIREO_TYPED_PARAM_STRING = 7,
} VireoTypedParamType;

typedef struct {
    char *field;
    int type;                        /* VireoTypedParamType */
    union {
        int i;                       /* INT, BOOLEAN */
        unsigned int ui;
        long long l;
        unsigned long long ul;
        double d;
        char *s;                     /* STRING */
    } value;
} VireoTypedParam;

/* Free @nparams parameters and the array.  NULL-safe. */
void vireo_typed_params_free(VireoTypedParam *params, int nparams);
/* The parameter of that name in the array, or NULL.  Borrowed. */
const VireoTypedParam *vireo_typed_params_get(const VireoTypedParam *params,
                                              int nparams, const char *name);
/* The value as virsh prints it ("%d", "%llu", "%f", "yes"/"no", the
 * string).  New string (free()), never NULL. */
char *vireo_typed_param_value_string(const VireoTypedParam *param);

/* vireo_conn_get_all_domain_stats @stats groups (0: every group). */
enum {
    VIREO_DOMAIN_STATS_STATE = 1 << 0,
    VIREO_DOMAIN_STATS_CPU_TOTAL = 1 << 1,
    VIREO_DOMAIN_STATS_BALLOON = 1 << 2,
    VIREO_DOMAIN_STATS_VCPU = 1 << 3,
    VIREO_DOMAIN_STATS_INTERFACE = 1 << 4,
    VIREO_DOMAIN_STATS_BLOCK = 1 << 5,
    VIREO_DOMAIN_STATS_PERF = 1 << 6,
    VIREO_DOMAIN_STATS_IOTHREAD = 1 << 7,
    VIREO_DOMAIN_STATS_MEMORY = 1 << 8,
    VIREO_DOMAIN_STATS_DIRTYRATE = 1 << 9,
    VIREO_DOMAIN_STATS_VM = 1 << 10,
};
/* ... and its flags: which domains (when none are named) and how. */
enum {
    VIREO_DOMAIN_STATS_LIST_ACTIVE = 1 << 0,
    VIREO_DOMAIN_STATS_LIST_INACTIVE = 1 << 1,
    VIREO_DOMAIN_STATS_LIST_PERSISTENT = 1 << 2,
    VIREO_DOMAIN_STATS_LIST_TRANSIENT = 1 << 3,
    VIREO_DOMAIN_STATS_LIST_RUNNING = 1 << 4,
    VIREO_DOMAIN_STATS_LIST_PAUSED = 1 << 5,
    VIREO_DOMAIN_STATS_LIST_SHUTOFF = 1 << 6,
    VIREO_DOMAIN_STATS_LIST_OTHER = 1 << 7,
    VIREO_DOMAIN_STATS_NOWAIT = 1 << 29,
    VIREO_DOMAIN_STATS_BACKING = 1 << 30,
    VIREO_DOMAIN_STATS_ENFORCE = 1U << 31,
};

typedef struct {
    VireoDomain *dom;                /* owned by the record */
    VireoTypedParam *params;         /* "state.state", "cpu.time", ... */
    int nparams;
} VireoDomainStatsRecord;

/* Statistics of the domains in @doms (a NULL-terminated array; NULL or
 * empty: every domain matching the LIST flags) in one call.  Stores a new
 * NULL-terminated array in @records (vireo_domain_stats_record_list_free)
 * and returns the number of records, or -1. */
int vireo_conn_get_all_domain_stats(VireoConn *conn, VireoDomain **doms,
                                    unsigned int stats, unsigned int flags,
                                    VireoDomainStatsRecord ***records);
void vireo_domain_stats_record_list_free(VireoDomainStatsRecord **records);

/* Balloon / memory statistics tags (libvirt's numbers). */
typedef enum {
    VIREO_DOMAIN_MEMORY_STAT_SWAP_IN = 0,
    VIREO_DOMAIN_MEMORY_STAT_SWAP_OUT = 1,
    VIREO_DOMAIN_MEMORY_STAT_MAJOR_FAULT = 2,
    VIREO_DOMAIN_MEMORY_STAT_MINOR_FAULT = 3,
    VIREO_DOMAIN_MEMORY_STAT_UNUSED = 4,
    VIREO_DOMAIN_MEMORY_STAT_AVAILABLE = 5,
    VIREO_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON = 6,
    VIREO_DOMAIN_MEMORY_STAT_RSS = 7,
    VIREO_DOMAIN_MEMORY_STAT_USABLE = 8,
    VIREO_DOMAIN_MEMORY_STAT_LAST_UPDATE = 9,
    VIREO_DOMAIN_MEMORY_STAT_DISK_CACHES = 10,
    VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC = 11,
    VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL = 12,
    VIREO_DOMAIN_MEMORY_STAT_NR = 13,
} VireoDomainMemoryStatTag;

typedef struct {
    int tag;                         /* VireoDomainMemoryStatTag */
    unsigned long long val;          /* KiB (faults: counts) */
} VireoDomainMemoryStat;

/* Fill up to @nr_stats entries of @stats.  Returns how many, or -1. */
int vireo_domain_memory_stats(VireoDomain *dom, VireoDomainMemoryStat *stats,
                              unsigned int nr_stats, unsigned int flags);

/* Block statistics of disk @disk (target "vda" or source path; "" for
 * the sum of all disks) as typed parameters ("rd_operations", "rd_bytes",
 * ...).  Stores a new array in @params (vireo_typed_params_free) and its
 * length in @nparams.  Returns 0 or -1. */
int vireo_domain_block_stats(VireoDomain *dom, const char *disk,
                             VireoTypedParam **params, int *nparams,
                             unsigned int flags);

typedef struct {
    long long rx_bytes, rx_packets, rx_errs, rx_drop;
    long long tx_bytes, tx_packets, tx_errs, tx_drop;   /* -1: unknown */
} VireoDomainInterfaceStats;

/* Counters of interface @device (host-side name "vnet0" or MAC).
 * Returns 0 or -1. */
int vireo_domain_interface_stats(VireoDomain *dom, const char *device,
                                 VireoDomainInterfaceStats *stats);

typedef struct {
    unsigned long long capacity;     /* bytes the guest sees */
    unsigned long long allocation;   /* bytes in use on the host */
    unsigned long long physical;     /* bytes of the host file/device */
} VireoDomainBlockInfo;

/* Sizes of disk @disk (target or source path).  Returns 0 or -1. */
int vireo_domain_get_block_info(VireoDomain *dom, const char *disk,
                                VireoDomainBlockInfo *info,
                                unsigned int flags);

typedef struct {
    unsigned int number;
    int state;                       /* 0 offline, 1 running, 2 blocked */
    unsigned long long cpu_time;     /* nanoseconds */
    int cpu;                         /* host CPU, -1 when unknown */
} VireoVcpuInfo;

/* vCPUs of a running domain: stores a new array of @maxinfo entries at
 * most in @info, and in @cpumaps (when non-NULL) a new array of count *
 * @maplen bytes of affinity bitmaps (bit n: host CPU n); both free().
 * Returns the count, or -1. */
int vireo_domain_get_vcpus(VireoDomain *dom, int maxinfo, int maplen,
                           VireoVcpuInfo **info, unsigned char **cpumaps);
/* Affinity of @ncpumaps vCPUs into @cpumaps (caller's, @ncpumaps *
 * @maplen bytes); @flags AFFECT_*.  Returns the number filled, or -1. */
int vireo_domain_get_vcpu_pin_info(VireoDomain *dom, int ncpumaps,
                                   unsigned char *cpumaps, int maplen,
                                   unsigned int flags);
/* The number of host CPUs; when non-NULL, a new bitmap of the online ones
 * in @cpumap (free()) and their count in @online.  -1 on error. */
int vireo_node_get_cpu_map(VireoConn *conn, unsigned char **cpumap,
                           unsigned int *online, unsigned int flags);

typedef struct {
    char field[80];                  /* "user", "kernel", "total", ... */
    unsigned long long value;        /* nanoseconds or KiB */
} VireoNodeStat;

/* Host CPU times (@cpu: one CPU, or -1 for all) / memory figures (@cell:
 * one NUMA cell, or -1 for all).  Store a new array in @stats (free())
 * and return its length, or -1. */
int vireo_node_get_cpu_stats(VireoConn *conn, int cpu, VireoNodeStat **stats,
                             unsigned int flags);
int vireo_node_get_memory_stats(VireoConn *conn, int cell,
                                VireoNodeStat **stats, unsigned int flags);

/* ---- save, restore, managed save (lib_save.c) ---- */

/* libvirt's virDomainSaveRestoreFlags */
typedef enum {
    VIREO_SAVE_BYPASS_CACHE = 1 << 0,
    VIREO_SAVE_RUNNING = 1 << 1,     /* run the guest after restore */
    VIREO_SAVE_PAUSED = 1 << 2,      /* leave it paused after restore */
} VireoSaveFlags;

/* Save the running @dom's memory state to @to (a path on the daemon's
 * host), optionally embedding the definition @dxml (same name and UUID);
 * the domain is then shut off.  0, or -1 (the guest keeps running). */
int vireo_domain_save(VireoDomain *dom, const char *to, const char *dxml,
                      unsigned int flags);
/* Start the domain saved in @from (optionally with definition @dxml). */
int vireo_domain_restore(VireoConn *conn, const char *from, const char *dxml,
                         unsigned int flags);
/* The definition embedded in save image @file (free()), or NULL. */
char *vireo_domain_save_image_get_xml(VireoConn *conn, const char *file,
                                      unsigned int flags);
/* Replace the definition embedded in save image @file.  0 or -1. */
int vireo_domain_save_image_define(VireoConn *conn, const char *file,
                                   const char *dxml, unsigned int flags);
/* Managed save: the daemon keeps the image; the next start resumes. */
int vireo_domain_managed_save(VireoDomain *dom, unsigned int flags);
int vireo_domain_managed_save_remove(VireoDomain *dom, unsigned int flags);

/* A long job's progress (DOMAIN_GET_JOB_INFO): save, migration. */
typedef struct {
    int type;                        /* 0 none, 2 running, 3 completed, ... */
    unsigned long long time_elapsed; /* ms */
    unsigned long long data_total;   /* bytes */
    unsigned long long data_processed;
    unsigned long long data_remaining;
} VireoJobInfo;

/* 0 (@info filled) or -1. */
int vireo_domain_get_job_info(VireoDomain *dom, VireoJobInfo *info);
/* Cancel the running save or migration of @dom.  0 or -1. */
int vireo_domain_abort_job(VireoDomain *dom);

/* ---- snapshots (lib_snapshot.c) ---- */

/* A domain snapshot: its domain and name (release with
 * vireo_snapshot_free). */
typedef struct _VireoSnapshot VireoSnapshot;

/* libvirt's virDomainSnapshotCreateFlags */
typedef enum {
    VIREO_SNAPSHOT_CREATE_REDEFINE = 1 << 0,
    VIREO_SNAPSHOT_CREATE_CURRENT = 1 << 1,
    VIREO_SNAPSHOT_CREATE_NO_METADATA = 1 << 2,
    VIREO_SNAPSHOT_CREATE_HALT = 1 << 3,
    VIREO_SNAPSHOT_CREATE_DISK_ONLY = 1 << 4,
    VIREO_SNAPSHOT_CREATE_REUSE_EXT = 1 << 5,
    VIREO_SNAPSHOT_CREATE_QUIESCE = 1 << 6,
    VIREO_SNAPSHOT_CREATE_ATOMIC = 1 << 7,
    VIREO_SNAPSHOT_CREATE_LIVE = 1 << 8,
    VIREO_SNAPSHOT_CREATE_VALIDATE = 1 << 9,
} VireoSnapshotCreateFlags;

/* libvirt's virDomainSnapshotListFlags (ROOTS for a domain's list,
 * DESCENDANTS for a snapshot's children: the same bit) */
typedef enum {
    VIREO_SNAPSHOT_LIST_ROOTS = 1 << 0,
    VIREO_SNAPSHOT_LIST_DESCENDANTS = 1 << 0,
    VIREO_SNAPSHOT_LIST_METADATA = 1 << 1,
    VIREO_SNAPSHOT_LIST_LEAVES = 1 << 2,
    VIREO_SNAPSHOT_LIST_NO_LEAVES = 1 << 3,
    VIREO_SNAPSHOT_LIST_NO_METADATA = 1 << 4,
    VIREO_SNAPSHOT_LIST_INACTIVE = 1 << 5,
    VIREO_SNAPSHOT_LIST_ACTIVE = 1 << 6,
    VIREO_SNAPSHOT_LIST_DISK_ONLY = 1 << 7,
    VIREO_SNAPSHOT_LIST_INTERNAL = 1 << 8,
    VIREO_SNAPSHOT_LIST_EXTERNAL = 1 << 9,
    VIREO_SNAPSHOT_LIST_TOPOLOGICAL = 1 << 10,
} VireoSnapshotListFlags;

typedef enum {
    VIREO_SNAPSHOT_REVERT_RUNNING = 1 << 0,
    VIREO_SNAPSHOT_REVERT_PAUSED = 1 << 1,
    VIREO_SNAPSHOT_REVERT_FORCE = 1 << 2,
} VireoSnapshotRevertFlags;

typedef enum {
    VIREO_SNAPSHOT_DELETE_CHILDREN = 1 << 0,
    VIREO_SNAPSHOT_DELETE_METADATA_ONLY = 1 << 1,
    VIREO_SNAPSHOT_DELETE_CHILDREN_ONLY = 1 << 2,
} VireoSnapshotDeleteFlags;

/* Take a snapshot of @dom as described by the <domainsnapshot> @xml.
 * Returns the new snapshot or NULL with the last error set. */
VireoSnapshot *vireo_snapshot_create(VireoDomain *dom, const char *xml,
                                     unsigned int flags);
/* Snapshot @name of @dom / the current one; NULL with
 * VIREO_ERR_NO_DOMAIN_SNAPSHOT (72) when there is none. */
VireoSnapshot *vireo_snapshot_lookup(VireoDomain *dom, const char *name);
VireoSnapshot *vireo_snapshot_current(VireoDomain *dom);
/* 1 / 0 or -1. */
int vireo_domain_has_current_snapshot(VireoDomain *dom);
/* Snapshots of @dom matching @flags (VireoSnapshotListFlags): an array
 * in *snaps (free each, then free() the array; @snaps NULL: count
 * only).  Returns the count or -1. */
int vireo_snapshot_list(VireoDomain *dom, unsigned int flags,
                        VireoSnapshot ***snaps);
/* The same for the children (DESCENDANTS: all descendants) of @snap. */
int vireo_snapshot_list_children(VireoSnapshot *snap, unsigned int flags,
                                 VireoSnapshot ***snaps);
int vireo_snapshot_num_children(VireoSnapshot *snap, unsigned int flags);
/* The snapshot's name and domain (borrowed, valid while @snap lives). */
const char *vireo_snapshot_get_name(const VireoSnapshot *snap);
VireoDomain *vireo_snapshot_get_domain(const VireoSnapshot *snap);
/* Its <domainsnapshot> XML (free()), or NULL. */
char *vireo_snapshot_get_xml(VireoSnapshot *snap, unsigned int flags);
/* Its parent; NULL with error 72 for a root. */
VireoSnapshot *vireo_snapshot_get_parent(VireoSnapshot *snap);
/* 1 / 0 or -1. */
int vireo_snapshot_is_current(VireoSnapshot *snap);
int vireo_snapshot_has_metadata(VireoSnapshot *snap);
/* Revert the domain to @snap / delete @snap.  0 or -1. */
int vireo_snapshot_revert(VireoSnapshot *snap, unsigned int flags);
int vireo_snapshot_delete(VireoSnapshot *snap, unsigned int flags);
void vireo_snapshot_free(VireoSnapshot *snap);

/* ---- migration and job statistics (lib_migrate.c) ---- */

/* libvirt's virDomainMigrateFlags (the values on the wire). */
typedef enum {
    VIREO_MIGRATE_LIVE = 1 << 0,
    VIREO_MIGRATE_PEER2PEER = 1 << 1,     /* the source drives the dest */
    VIREO_MIGRATE_PERSIST_DEST = 1 << 3,  /* define it on the destination */
    VIREO_MIGRATE_UNDEFINE_SOURCE = 1 << 4,
    VIREO_MIGRATE_PAUSED = 1 << 5,        /* leave it paused there */
    VIREO_MIGRATE_CHANGE_PROTECTION = 1 << 8,
    VIREO_MIGRATE_UNSAFE = 1 << 9,
    VIREO_MIGRATE_OFFLINE = 1 << 10,      /* the definition only */
} VireoMigrateFlags;

/* Migration parameters (typed parameters, libvirt's names). */
#define VIREO_MIGRATE_PARAM_URI "migrate_uri"              /* string */
#define VIREO_MIGRATE_PARAM_DEST_NAME "destination_name"   /* string */
#define VIREO_MIGRATE_PARAM_DEST_XML "destination_xml"     /* string */
#define VIREO_MIGRATE_PARAM_PERSIST_XML "persistent_xml"   /* string */
#define VIREO_MIGRATE_PARAM_LISTEN_ADDRESS "listen_address" /* string */
#define VIREO_MIGRATE_PARAM_BANDWIDTH "bandwidth"      /* ullong, MiB/s */

/* Migrate @dom to the daemon at @dest_uri (any URI vireo_conn_open
 * accepts).  Without PEER2PEER the library opens @dest_uri itself and
 * runs Begin (source), Prepare (destination), Perform (source), Finish
 * (destination), Confirm (source), cancelling both sides when a step
 * fails; with PEER2PEER the source daemon connects to @dest_uri and does
 * all of it in one call.  @params (may be NULL) are VIREO_MIGRATE_PARAM_*.
 * Blocks until done; another thread may watch it with
 * vireo_domain_get_job_info / _get_job_stats and cancel it with
 * vireo_domain_abort_job.  Returns 0, or -1 with the first error set
 * (both sides then as before). */
int vireo_domain_migrate(VireoDomain *dom, const char *dest_uri,
                         const VireoTypedParam *params, int nparams,
                         unsigned int flags);

/* Job types (VireoJobInfo.type and vireo_domain_get_job_stats). */
typedef enum {
    VIREO_DOMAIN_JOB_NONE = 0,
    VIREO_DOMAIN_JOB_BOUNDED = 1,
    VIREO_DOMAIN_JOB_UNBOUNDED = 2,
    VIREO_DOMAIN_JOB_COMPLETED = 3,
    VIREO_DOMAIN_JOB_FAILED = 4,
    VIREO_DOMAIN_JOB_CANCELLED = 5,
} VireoDomainJobType;

/* vireo_domain_get_job_stats flags */
enum {
    VIREO_DOMAIN_JOB_STATS_COMPLETED = 1 << 0,  /* the last finished job */
    VIREO_DOMAIN_JOB_STATS_KEEP_COMPLETED = 1 << 1,
};

/* Statistics of the current (or with COMPLETED the last finished) job of
 * @dom (DOMAIN_GET_JOB_STATS): stores the type (VireoDomainJobType) in
 * @type, a new array of typed parameters ("operation", "time_elapsed",
 * "data_total", "memory_processed", "downtime", ... libvirt's names) in
 * @params (vireo_typed_params_free) and its length in @nparams.
 * Returns 0 or -1. */
int vireo_domain_get_job_stats(VireoDomain *dom, int *type,
                               VireoTypedParam **params, int *nparams,
                               unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* VIREO_VIREO_H */
