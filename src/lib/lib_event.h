/* lib_event.h: the event registry of libvireo, one mechanism for every
 * object kind that has events (domains, networks, storage pools).
 *
 * A family describes the events of one kind: its register / deregister
 * procedures, the event messages the daemon sends for it (each is
 * "callbackID, object reference[, event, detail]"), and how to run a
 * user callback of that kind.  lib_event.c keeps the registrations per
 * (family, callback id), decodes the messages and runs the callbacks on
 * the connection's event thread; the public register functions of each
 * kind are thin wrappers. */
#pragma once

#include "lib/lib_object.h"

/* A user callback of any family, cast back by the family's invoke. */
typedef void (*VrLibEventFn)(void);

/* One event message of a family. */
typedef struct {
    int proc;          /* the MESSAGE procedure; 0 ends a list */
    int event_id;      /* the event ID it carries */
    bool has_event;    /* event and detail follow the reference */
} VrLibEventProc;

typedef struct {
    int index;                  /* VR_LIB_EVENTS_*: its table in conn */
    const VrLibKind *kind;
    const char *noun;           /* "", "network ": in error messages */
    int id_last;                /* event IDs are 0 .. id_last - 1 */
    int register_proc;
    int deregister_proc;
    const VrLibEventProc *procs;
    /* Run @fn for one event on @obj (borrowed for the call). */
    void (*invoke)(VrLibEventFn fn, VireoConn *conn, void *obj,
                   int event_id, int event, int detail, void *opaque);
} VrLibEventFamily;

extern const VrLibEventFamily vr_lib_pool_events;   /* lib_storage_event.c */

/* Register @fn for events @event_id of @fam, on @obj (NULL: every object
 * of the kind).  The caller has checked @conn and @fn; @func names the
 * API function in errors.  Starts the event thread.  Returns the
 * callback id (>= 0) or -1, reported; @free_fn runs on @opaque when the
 * registration ends (never when this fails). */
int vr_lib_event_register(VireoConn *conn, const VrLibEventFamily *fam,
                          const void *obj, int event_id, VrLibEventFn fn,
                          void *opaque, VireoFreeFunc free_fn,
                          const char *func);

/* End the registration @callback_id of @fam: no call of its callback
 * starts afterwards.  0, or -1 reported (VR_ERR_INVALID_ARG when there is
 * no such registration). */
int vr_lib_event_deregister(VireoConn *conn, const VrLibEventFamily *fam,
                            int callback_id);

/* @table[@i] when @i is inside the NULL-terminated @table, else
 * "unknown" (static strings); the index of @name in @table, or -1. */
const char *vr_lib_word(const char *const *table, int i);
int vr_lib_word_index(const char *const *table, const char *name);
