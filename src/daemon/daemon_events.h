/* daemon_events.h: domain event registrations per client session (316/317
 * and the legacy 167/168) and the broadcaster that turns the QEMU driver's
 * events into DOMAIN_EVENT_* messages for the matching registrations.
 */
#pragma once

#include "daemon/daemon_dispatch.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"

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

/* Number of registrations of @sess (tests). */
unsigned int daemon_events_count(DaemonEvents *ev, VrRpcSession *sess);
