/* daemon_dispatch.h: the REMOTE program's procedure table (program
 * 0x20008086, version 1) and the per-client state behind it.
 *
 * Handlers are glue only: decode arguments, call one driver function,
 * encode its result.  Domain logic lives in src/drivers/qemu, network
 * logic in src/network.
 */
#pragma once

#include <stdbool.h>

#include "drivers/qemu/qemu_driver.h"
#include "network/net_driver.h"
#include "storage/storage_driver.h"
#include "rpc/rpc_server.h"

typedef struct _DaemonEvents DaemonEvents;
typedef struct _DaemonConsoles DaemonConsoles;

/* Authentication schemes (AUTH_LIST's wire values). */
enum { DAEMON_AUTH_NONE = 0, DAEMON_AUTH_POLKIT = 2 };

/* What every session of one daemon shares; outlives the server. */
typedef struct {
    QemuDriver *qemu;
    NetDriver *net;       /* NULL: network calls fail with NO_SUPPORT */
    StorageDriver *storage;   /* NULL: storage calls fail with NO_SUPPORT */
    bool privileged;      /* system mode: our URI is qemu:///system */
    int auth_rw;          /* DAEMON_AUTH_* for the read-write socket */
    int auth_ro;          /* ... and for the read-only socket */
    DaemonEvents *events;       /* NULL: no event registrations possible */
    DaemonConsoles *consoles;   /* NULL: no consoles */
    /* autodestroy work started by closing sessions, still running */
    GMutex bg_lock;
    GCond bg_cond;
    unsigned int bg_running;
} DaemonContext;

/* Set up / tear down the shared parts above (events, consoles, the
 * background counter) and route the drivers' events to the broadcaster.
 * @qemu and @net must be set first.  Never fails. */
void daemon_context_init(DaemonContext *ctx);
void daemon_context_clear(DaemonContext *ctx);
/* Wait (running the default main context, which the driver's monitors
 * need) until the autodestroy work of closed sessions is done, or
 * @timeout_ms passed.  Main thread, after the server stopped. */
void daemon_context_wait_background(DaemonContext *ctx,
                                    unsigned int timeout_ms);

/* VrRpcSessionOpenFunc / VrRpcSessionCloseFunc for vr_rpc_server_new with
 * a DaemonContext as opaque: allocate and free the client's state. */
void *daemon_session_open(VrRpcSession *sess, void *opaque);
void daemon_session_close(VrRpcSession *sess, void *priv, void *opaque);

/* VrRpcCallCheckFunc (opaque unused): refuse every call but AUTH_LIST
 * and AUTH_POLKIT from a session that still has to pass polkit, with
 * code 39 "authentication required", logged with the peer's uid/pid. */
int daemon_session_check_auth(VrRpcSession *sess, const VrRpcProcedure *proc,
                              void *opaque);

/* Register the REMOTE program on @srv.  Returns 0 or -1 (reported). */
int daemon_dispatch_register(VrRpcServer *srv);

/* The table itself (for tests that check its flags). */
extern const VrRpcProcedure daemon_remote_procs[];
extern const size_t daemon_remote_nprocs;
