/* lib_storage_event.c: the storage pool event family (lib_event.h):
 * registrations (368/369), the messages 370 (lifecycle) and 373
 * (refresh), how a pool callback is run, and the words virsh prints for
 * pool events.  The registry and the event thread are in lib_event.c. */
#include <config.h>

#include "lib/lib_event.h"
#include "lib/lib_internal.h"
#include "util/vr_error.h"

static void
pool_invoke(VrLibEventFn fn, VireoConn *conn, void *obj, int event_id,
            int event, int detail, void *opaque)
{
    ((VireoStoragePoolEventFunc) fn)(conn, obj, event_id, event, detail,
                                     opaque);
}

static const VrLibEventProc pool_procs[] = {
    { VR_PROC_STORAGE_POOL_EVENT_LIFECYCLE,
      VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE, true },
    { VR_PROC_STORAGE_POOL_EVENT_REFRESH,
      VIREO_STORAGE_POOL_EVENT_ID_REFRESH, false },
    { 0, 0, false },
};

const VrLibEventFamily vr_lib_pool_events = {
    .index = VR_LIB_EVENTS_POOL,
    .kind = &vr_lib_kind_pool,
    .noun = "storage pool ",
    .id_last = VIREO_STORAGE_POOL_EVENT_ID_LAST,
    .register_proc = VR_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
    .deregister_proc = VR_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
    .procs = pool_procs,
    .invoke = pool_invoke,
};

int
vireo_conn_storage_pool_event_register(VireoConn *conn,
                                       VireoStoragePool *pool, int event_id,
                                       VireoStoragePoolEventFunc cb,
                                       void *opaque, VireoFreeFunc free_fn)
{
    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(cb, -1);
    return vr_lib_event_register(conn, &vr_lib_pool_events, pool, event_id,
                                 (VrLibEventFn) cb, opaque, free_fn,
                                 __func__);
}

int
vireo_conn_storage_pool_event_deregister(VireoConn *conn, int callback_id)
{
    VR_LIB_CHECK_CONN(conn, -1);
    return vr_lib_event_deregister(conn, &vr_lib_pool_events, callback_id);
}

/* ---- words ------------------------------------------------------------- */

static const char *const event_words[] = {
    "Defined", "Undefined", "Started", "Stopped", "Created", "Deleted", NULL
};
static const char *const event_id_words[] = { "lifecycle", "refresh", NULL };

const char *
vireo_storage_pool_event_string(int event)
{
    return vr_lib_word(event_words, event);
}

const char *
vireo_storage_pool_event_id_string(int event_id)
{
    return vr_lib_word(event_id_words, event_id);
}

int
vireo_storage_pool_event_id_from_string(const char *name)
{
    return vr_lib_word_index(event_id_words, name);
}
