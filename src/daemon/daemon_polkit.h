/* daemon_polkit.h: asking polkitd whether a client may manage VMs
 * (auth_unix_rw = "polkit"; libvirt's AUTH_POLKIT, FACTS.md 5.7). */
#pragma once

#include <sys/types.h>

/* The action a client needs for the read-write socket
 * (data/org.vireo.policy). */
#define DAEMON_POLKIT_ACTION_MANAGE "org.vireo.unix.manage"
/* ... and for the read-only socket when auth_unix_ro = "polkit". */
#define DAEMON_POLKIT_ACTION_MONITOR "org.vireo.unix.monitor"

/* Ask org.freedesktop.PolicyKit1.Authority.CheckAuthorization on the
 * system bus ($DBUS_SYSTEM_BUS_ADDRESS when set) whether the process
 * @pid (start time read from /proc/PID/stat, so a recycled pid cannot
 * pass) of @uid may perform @action, without interaction.  Blocks: call
 * it from a worker thread.  Returns 0 when authorized, or -1 with
 * VR_ERR_AUTH_FAILED reported ("access denied by policy", polkit not
 * reachable, the process is gone). */
int daemon_polkit_check(pid_t pid, uid_t uid, const char *action);
