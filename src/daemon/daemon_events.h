/* daemon_events.h: event registrations per client session (domain:
 * 316/317 and the legacy 167/168; network: 313/314) and the broadcasters
 * that turn the QEMU and network drivers' events into DOMAIN_EVENT_* and
 * NETWORK_EVENT_LIFECYCLE messages for the matching registrations.
 */
#pragma once

#include "daemon/daemon_dispatch.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "network/net_driver.h"
#include "storage/storage_driver.h"

/* Registrations one session may hold at once. */
#define DAEMON_MAX_EVENT_CALLBACKS 256

typedef struct _DaemonEvents DaemonEvents;

/* The registry shared by all sessions of a daemon.  Never fails. */
DaemonEvents *daemon_events_new(void);
void daemon_events_free(DaemonEvents *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonEvents, daemon_events_free)

/* Session start / end (main thread): after remove no message is sent to
 * @sess any more and its registrations are gone. */
void daemon_events_add_session(DaemonEvents *ev, VrRpcSession *sess);
void daemon_events_remove_session(DaemonEvents *ev, VrRpcSession *sess);

/* The QemuDomainEventFunc to hand to qemu_driver_set_event_callback with
 * the DaemonEvents as opaque: sends the event to every matching
 * registration.  Any thread. */
void daemon_events_broadcast(const QemuDomainEvent *event, void *opaque);

/* The NetEventFunc for net_driver_set_event_callback with the
 * DaemonEvents as opaque: NETWORK_EVENT_LIFECYCLE (315) to every network
 * registration (313) matching @net.  Any thread. */
void daemon_events_broadcast_network(const NetRef *net, int event,
                                     int detail, void *opaque);

/* The StorageEventFunc for storage_driver_set_event_callback with the
 * DaemonEvents as opaque: STORAGE_POOL_EVENT_LIFECYCLE (370) or _REFRESH
 * (373) to every matching storage registration (368).  Any thread. */
void daemon_events_broadcast_storage(const StoragePoolRef *pool,
                                     int event_id, int event, int detail,
                                     void *opaque);

/* Number of registrations of @sess (tests). */
unsigned int daemon_events_count(DaemonEvents *ev, VrRpcSession *sess);
