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

/* Remove the persistent definition of @dom (an active domain becomes
 * transient).  @flags: 0.  Returns 0 or -1.  @dom stays to be freed. */
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

#ifdef __cplusplus
}
#endif

#endif /* VIREO_VIREO_H */
