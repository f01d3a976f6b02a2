/* lib_internal.h: what the libvireo source files share (never installed).
 *
 * A VireoConn is refcounted: the caller holds one reference and every
 * VireoDomain holds one, so a domain never points at freed memory.  The
 * RPC connection inside is guarded by a read-write lock: calls take it for
 * reading (so they run concurrently), vireo_conn_close takes it for
 * writing to tear the transport down once no call is in flight.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"
#include "rpc/rpc_client.h"
#include "rpc/vireo_protocol.h"

/* The event registrations of a connection, one table per object kind
 * (lib_event.c: callback ids are per kind on the daemon's side). */
enum {
    VR_LIB_EVENTS_DOMAIN,
    VR_LIB_EVENTS_NETWORK,
    VR_LIB_EVENTS_POOL,
    VR_LIB_EVENTS_LAST
};

/* Every handle struct (VireoDomain, VireoNetwork, VireoStoragePool,
 * VireoStorageVol) starts with its VireoConn reference: lib_object.c
 * reads the connection of any handle that way. */
struct _VireoConn {
    gatomicrefcount ref;
    GRWLock lock;        /* guards rpc */
    VrRpcConn *rpc;      /* NULL once closed */
    struct _VrRpcSsh *ssh;  /* qemu+ssh: the ssh process (rpc/rpc_ssh.h) */
    char *uri;
    bool readonly;
    /* Event messages (lib_event.c); async_lock guards event_cbs and
     * event_thread. */
    GMutex async_lock;
    /* per VR_LIB_EVENTS_*: callback id -> VrLibEventCb* */
    GHashTable *event_cbs[VR_LIB_EVENTS_LAST];
    GAsyncQueue *event_queue;   /* VrLibEventMsg* for event_thread */
    GThread *event_thread;      /* created at the first registration */
};

struct _VireoDomain {
    VireoConn *conn;     /* a reference */
    char *name;
    unsigned char uuid[VIREO_UUID_BUFLEN];
    int id;
};

struct _VireoNetwork {
    VireoConn *conn;     /* a reference */
    char *name;
    unsigned char uuid[VIREO_UUID_BUFLEN];
};

/* A new VireoNetwork from a wire reference (copies everything). */
VireoNetwork *vr_lib_network_new(VireoConn *conn,
                                 const vr_nonnull_network *wire);
/* Fill @wire from @net; @wire borrows the name (do not xdr_free it). */
void vr_lib_network_to_wire(const VireoNetwork *net, vr_nonnull_network *wire);
bool vr_lib_check_network(VireoNetwork *net, const char *func);

#define VR_LIB_CHECK_NETWORK(net, fail) \
    do { vr_error_reset(); \
         if (!vr_lib_check_network((net), __func__)) return fail; } while (0)

/* Take / drop a reference on @conn (unref frees at zero; NULL-safe). */
VireoConn *vr_lib_conn_ref(VireoConn *conn);
void vr_lib_conn_unref(VireoConn *conn);

/* One call of the remote program on @conn.  Returns 0 (@ret decoded; free
 * with xdr_free) or -1 with an error reported (the daemon's, or
 * VR_ERR_INVALID_CONN when the connection was closed). */
int vr_lib_call(VireoConn *conn, int proc, xdrproc_t args_filter, void *args,
                xdrproc_t ret_filter, void *ret);

/* A new VireoDomain from a wire reference (copies everything). */
VireoDomain *vr_lib_domain_new(VireoConn *conn, const vr_nonnull_domain *wire);

/* Fill @wire from @dom; @wire borrows dom's name (do not xdr_free it). */
void vr_lib_domain_to_wire(const VireoDomain *dom, vr_nonnull_domain *wire);

/* Argument checks at API entry: report VR_ERR_INVALID_CONN /
 * VR_ERR_INVALID_DOMAIN / VR_ERR_INVALID_ARG naming @func and return
 * false when invalid. */
bool vr_lib_check_conn(VireoConn *conn, const char *func);
bool vr_lib_check_domain(VireoDomain *dom, const char *func);
bool vr_lib_check_arg(const void *ptr, const char *name, const char *func);

#define VR_LIB_CHECK_CONN(conn, fail) \
    do { vr_error_reset(); \
         if (!vr_lib_check_conn((conn), __func__)) return fail; } while (0)
#define VR_LIB_CHECK_DOMAIN(dom, fail) \
    do { vr_error_reset(); \
         if (!vr_lib_check_domain((dom), __func__)) return fail; } while (0)
#define VR_LIB_CHECK_ARG(ptr, fail) \
    do { if (!vr_lib_check_arg((ptr), #ptr, __func__)) return fail; } while (0)

struct _VireoStoragePool {
    VireoConn *conn;     /* a reference */
    char *name;
    unsigned char uuid[VIREO_UUID_BUFLEN];
};

struct _VireoStorageVol {
    VireoConn *conn;     /* a reference */
    char *pool;
    char *name;
    char *key;
};

/* lib_storage.c: new objects from wire references (copies everything);
 * fill wire references (borrowing the strings: do not xdr_free them). */
VireoStoragePool *vr_lib_pool_new(VireoConn *conn,
                                  const vr_nonnull_storage_pool *wire);
void vr_lib_pool_to_wire(const VireoStoragePool *pool,
                         vr_nonnull_storage_pool *wire);
VireoStorageVol *vr_lib_vol_new(VireoConn *conn,
                                const vr_nonnull_storage_vol *wire);
void vr_lib_vol_to_wire(const VireoStorageVol *vol,
                        vr_nonnull_storage_vol *wire);

/* lib_stream.c: wrap an opened RPC stream (takes it; refs @conn), and
 * the RPC stream of @st or NULL (reported) when @st is NULL or closed. */
VireoStream *vr_lib_stream_new(VireoConn *conn, VrRpcConnStream *rpc);
VrRpcConnStream *vr_lib_stream_rpc(VireoStream *st, const char *func);

/* lib_stats.c: copy @n wire typed parameters into a new array (never
 * NULL; vireo_typed_params_free). */
VireoTypedParam *vr_lib_params_from_wire(const vr_typed_param *wire, u_int n);

/* Open a stream with call @proc on @conn (see vr_rpc_conn_stream_open).
 * Returns the RPC stream or NULL with an error reported. */
VrRpcConnStream *vr_lib_stream_open(VireoConn *conn, int proc,
                                    xdrproc_t args_filter, void *args);

/* lib_event.c: the async hook installed on every RPC connection (runs on
 * the I/O thread; queues event MESSAGE frames for the event thread). */
void vr_lib_async_frame(VrRpcConn *rpc, const vr_msg_header *hdr,
                        const guint8 *payload, size_t len, void *opaque);
/* Init / tear down the event state of @conn.  Shutdown stops the event
 * thread and drops every registration (their free functions run); it is
 * called by vireo_conn_close and is idempotent.  Fini frees the state
 * (last reference gone, after shutdown). */
void vr_lib_async_init(VireoConn *conn);
void vr_lib_async_shutdown(VireoConn *conn);
void vr_lib_async_fini(VireoConn *conn);
