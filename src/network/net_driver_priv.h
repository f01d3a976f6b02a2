/* net_driver_priv.h: the network driver's state, shared by its files
 * (net_driver.c: objects, loading, lookups, definitions; net_driver_start.c:
 * the start phases and the one idempotent stop; net_driver_dnsmasq.c:
 * dnsmasq spawn and supervision; net_driver_status.c: status files,
 * reconcile, default network, autostart; net_driver_update.c: net-update
 * and leases).  Not for use outside src/network.
 *
 * Locking: drv->lock only while finding objects in the table; an object's
 * lock only while copying fields in or out; an object's job mutex across
 * any change of its host side (start, destroy, update, dnsmasq restart),
 * never taken while holding a lock.  drv->config_lock serialises changes to
 * definitions on disk and is taken before a job, never inside one.
 */
#pragma once

#include <sys/types.h>

#include "network/net_driver.h"


typedef struct _NetObj NetObj;

struct _NetObj {
    gint refs;
    NetDriver *drv;
    GMutex lock;             /* the fields below */
    GMutex job;              /* host-side changes (see the file comment) */
    char *name;
    unsigned char uuid[16];
    VrNetworkDef *def;       /* live def while active, else the persistent */
    VrNetworkDef *new_def;   /* persistent def while active (or NULL) */
    bool persistent;
    bool autostart;
    bool active;
    bool removed;            /* dropped from the table */
    /* host side of a running network */
    bool bridge_created;     /* we made the bridge (delete it on stop) */
    pid_t dnsmasq_pid;       /* 0 when none */
    int dnsmasq_pidfd;       /* -1 when none */
    bool dnsmasq_child;      /* our child (reap it) or adopted */
    guint dnsmasq_watch;     /* main-loop source id, 0 when none */
    guint dnsmasq_gen;       /* bumped on every spawn/kill: stale callbacks */
    guint restart_timer;     /* pending restart, 0 when none */
    unsigned int restart_delay_ms;
    gint64 dnsmasq_started;  /* monotonic us of the last spawn */
};

struct _NetDriver {
    bool privileged;
    bool relocated;          /* vireod --root: tests, demos */
    char *config_dir;        /* <config>/networks */
    char *autostart_dir;     /* <config>/networks/autostart */
    char *state_dir;         /* <state>/network: dnsmasq conf, hosts, leases */
    char *run_dir;           /* <run>/network: status XML, pidfiles */
    char *log_dir;           /* <log>/network: dnsmasq output */
    GMutex lock;             /* the table */
    GHashTable *objs;        /* name -> NetObj * (reference) */
    GMutex config_lock;
    GMutex event_lock;
    NetEventFunc event_cb;
    void *event_opaque;
    GThreadPool *pool;       /* dnsmasq restarts (off the main loop) */
    GThread *background;
    gint quitting;
};

/* ---- net_driver.c ---- */
NetObj *net_obj_ref(NetObj *obj);
void net_obj_unref(NetObj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetObj, net_obj_unref)
/* The object for @net (by UUID, else by name): a new reference, or NULL
 * with "no network with matching ..." reported. */
NetObj *net_driver_get_obj(NetDriver *drv, const NetRef *net);
NetObj *net_driver_find_name(NetDriver *drv, const char *name); /* no report */
/* A new object for @def (taken) added to the table.  Returns a reference. */
NetObj *net_driver_add_obj(NetDriver *drv, VrNetworkDef *def);
void net_driver_remove_obj(NetDriver *drv, NetObj *obj);
/* All objects (references; free the array with g_ptr_array_unref). */
GPtrArray *net_driver_all_objs(NetDriver *drv);
void net_driver_emit(NetDriver *drv, NetObj *obj, int event, int detail);
void net_ref_fill(NetRef *out, NetObj *obj);
/* <config>/networks/NAME.xml, the autostart link; owned. */
char *net_driver_config_path(NetDriver *drv, const char *name);
char *net_driver_autostart_path(NetDriver *drv, const char *name);
/* Save @def as the persistent definition (atomic write).  0 or -1. */
int net_driver_save_def(NetDriver *drv, const VrNetworkDef *def);
/* Report "network 'x' is not active" / "is already active". */
void net_report_inactive(const char *name);

/* ---- net_driver_start.c ---- */
/* Start @obj (job held by the caller).  On failure everything done so
 * far is undone.  Returns 0 or -1 (reported). */
int net_start_obj(NetDriver *drv, NetObj *obj);
/* Undo any prefix of the start (job held); idempotent; never fails.  Emits
 * STOPPED when @emit and drops a transient object. */
void net_stop_obj(NetDriver *drv, NetObj *obj, bool emit);
/* Path helpers: <state>/network/NAME.SUFFIX and <run>/network/NAME.SUFFIX. */
char *net_state_file(NetDriver *drv, const char *name, const char *suffix);
char *net_run_file(NetDriver *drv, const char *name, const char *suffix);
char *net_log_file(NetDriver *drv, const char *name);  /* <log>/network/NAME.log */
/* Write hosts/addnhosts files for @def.  0 or -1 (reported). */
int net_write_host_files(NetDriver *drv, const VrNetworkDef *def);

/* ---- net_driver_dnsmasq.c ---- */
bool net_def_wants_dnsmasq(const VrNetworkDef *def);
/* Write conf (+ hosts files) and spawn dnsmasq for the active @obj (job
 * held); sets up the pidfd watch.  0 or -1 (reported). */
int net_dnsmasq_start(NetDriver *drv, NetObj *obj);
/* Kill dnsmasq of @obj if any (job held); never fails. */
void net_dnsmasq_stop(NetDriver *drv, NetObj *obj);
/* Adopt a dnsmasq left by a previous daemon: @pid alive and running our
 * conf file.  true if adopted. */
bool net_dnsmasq_adopt(NetDriver *drv, NetObj *obj, pid_t pid);
/* The first of @path (read) or its parent directories (search) that
 * @uid/@gid may not use by the mode bits, owned; NULL when all allow it
 * (or @path is relative and its parents are "."). */
char *net_dnsmasq_unreadable(const char *path, uid_t uid, gid_t gid);
/* SIGHUP dnsmasq (re-read hosts files). */
void net_dnsmasq_reload(NetObj *obj);
/* The GThreadPool function restarting dnsmasq (data: NetObj ref). */
void net_dnsmasq_restart_worker(gpointer data, gpointer user_data);

/* ---- net_driver_status.c ---- */
/* Write <run>/network/NAME.xml for the active @obj.  0 or -1 (reported). */
int net_status_save(NetDriver *drv, NetObj *obj);
void net_status_remove(NetDriver *drv, const char *name);
/* Reconcile, default network, autostart (net_driver_start_background). */
void net_driver_reconcile(NetDriver *drv);
void net_driver_define_default(NetDriver *drv);
void net_driver_autostart(NetDriver *drv);
