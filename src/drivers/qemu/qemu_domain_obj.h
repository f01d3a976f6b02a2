/* qemu_domain_obj.h: runtime domain objects and the list that indexes them.
 *
 * A VrDomainObj is the live side of a domain: its definition (owned, never
 * shared), whether it is persistent, autostart, state/reason and id.  It is
 * refcounted (clients' calls and later the QEMU monitor share it) and has
 * its own mutex, held briefly and never across I/O (docs/internals/
 * threads.md).  VrDomainObjList indexes objects by name and by UUID under
 * one read-write lock.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/domain_conf.h"

/* libvirt's virDomainState values (the wire carries these numbers). */
typedef enum {
    VR_DOMAIN_NOSTATE = 0,
    VR_DOMAIN_RUNNING = 1,
    VR_DOMAIN_BLOCKED = 2,
    VR_DOMAIN_PAUSED = 3,
    VR_DOMAIN_SHUTDOWN = 4,
    VR_DOMAIN_SHUTOFF = 5,
    VR_DOMAIN_CRASHED = 6,
    VR_DOMAIN_PMSUSPENDED = 7,
    VR_DOMAIN_STATE_LAST
} VrDomainState;

/* VIR_DOMAIN_SHUTOFF_UNKNOWN: never started since definition. */
#define VR_DOMAIN_SHUTOFF_UNKNOWN 0

/* CONNECT_LIST_ALL_DOMAINS filter flags (FACTS.md appendix C). */
typedef enum {
    VR_LIST_DOMAINS_ACTIVE = 1 << 0,
    VR_LIST_DOMAINS_INACTIVE = 1 << 1,
    VR_LIST_DOMAINS_PERSISTENT = 1 << 2,
    VR_LIST_DOMAINS_TRANSIENT = 1 << 3,
    VR_LIST_DOMAINS_RUNNING = 1 << 4,
    VR_LIST_DOMAINS_PAUSED = 1 << 5,
    VR_LIST_DOMAINS_SHUTOFF = 1 << 6,
    VR_LIST_DOMAINS_OTHER = 1 << 7,
    VR_LIST_DOMAINS_MANAGEDSAVE = 1 << 8,
    VR_LIST_DOMAINS_NO_MANAGEDSAVE = 1 << 9,
    VR_LIST_DOMAINS_AUTOSTART = 1 << 10,
    VR_LIST_DOMAINS_NO_AUTOSTART = 1 << 11,
    VR_LIST_DOMAINS_HAS_SNAPSHOT = 1 << 12,
    VR_LIST_DOMAINS_NO_SNAPSHOT = 1 << 13,
    VR_LIST_DOMAINS_HAS_CHECKPOINT = 1 << 14,
    VR_LIST_DOMAINS_NO_CHECKPOINT = 1 << 15,
} VrListDomainsFlags;
#define VR_LIST_DOMAINS_ALL 0xffffu

typedef struct _VrDomainObj {
    gint refs;
    GMutex lock;
    /* Identity: fixed at creation, readable without the lock. */
    char *name;
    unsigned char uuid[16];
    /* The rest is protected by @lock. */
    VrDomainDef *def;     /* owned; replaced whole on redefine */
    bool persistent;
    bool autostart;
    int state;            /* VrDomainState */
    int reason;
    int id;               /* -1 while inactive */
    bool removed;         /* no longer in the list (undefined) */
    bool has_managed_save;   /* <state>/qemu/save/NAME.save exists */
    unsigned int n_snapshots; /* snapshot metadata count (qemu_snapshot.c) */
    /* While running: the persistent definition (@def is then the live
     * copy); NULL for transient domains and while inactive. */
    VrDomainDef *new_def;
    /* The job (qemu_job.c): the running operation's name or NULL, and
     * the condition waiters sleep on (with @lock). */
    const char *job;
    GCond job_cond;
    /* Process state while running (qemu_process.h), owned; NULL while
     * inactive.  Freed with @priv_free. */
    void *priv;
    void (*priv_free)(void *priv);
} VrDomainObj;

/* A new object holding @def (ownership moves in), shut off, id -1, one
 * reference.  Never fails. */
VrDomainObj *vr_domain_obj_new(VrDomainDef *def);

VrDomainObj *vr_domain_obj_ref(VrDomainObj *obj);
/* Drop a reference; frees on the last one.  NULL-safe. */
void vr_domain_obj_unref(VrDomainObj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrDomainObj, vr_domain_obj_unref)

void vr_domain_obj_lock(VrDomainObj *obj);
void vr_domain_obj_unlock(VrDomainObj *obj);

/* Is the object active (running, paused, ...)?  Caller holds the lock. */
bool vr_domain_obj_is_active(const VrDomainObj *obj);

/* Does the (locked) object match the VrListDomainsFlags filter @flags? */
bool vr_domain_obj_matches(const VrDomainObj *obj, unsigned int flags);

typedef struct _VrDomainObjList VrDomainObjList;

VrDomainObjList *vr_domain_obj_list_new(void);
void vr_domain_obj_list_free(VrDomainObjList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrDomainObjList, vr_domain_obj_list_free)

/* Lookups: a new reference (caller unrefs) or NULL (not reported: the
 * caller words the "no domain" error). */
VrDomainObj *vr_domain_obj_list_find_by_name(VrDomainObjList *list,
                                             const char *name);
VrDomainObj *vr_domain_obj_list_find_by_uuid(VrDomainObjList *list,
                                             const unsigned char *uuid);
VrDomainObj *vr_domain_obj_list_find_by_id(VrDomainObjList *list, int id);

/* Add @obj (the list takes its own reference) under its definition's name
 * and UUID.  The caller has checked for clashes (see qemu_driver.c, which
 * serialises definition changes); returns 0, or -1 with
 * VR_ERR_OPERATION_FAILED when the name or UUID is taken. */
int vr_domain_obj_list_add(VrDomainObjList *list, VrDomainObj *obj);

/* Remove @obj (by the name and UUID it was added with) and mark it
 * removed.  No-op when absent. */
void vr_domain_obj_list_remove(VrDomainObjList *list, VrDomainObj *obj);

/* Number of objects matching @flags (VrListDomainsFlags, 0 = all). */
size_t vr_domain_obj_list_count(VrDomainObjList *list, unsigned int flags);

/* References to every object matching @flags, sorted by name, as a
 * GPtrArray that unrefs its elements when freed (caller owns).  Unknown
 * flag bits: NULL with VR_ERR_INVALID_ARG reported. */
GPtrArray *vr_domain_obj_list_collect(VrDomainObjList *list,
                                      unsigned int flags);
