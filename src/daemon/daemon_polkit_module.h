/* daemon_polkit_module.h: the interface between vireod and its polkit
 * module (vireo-polkit.so, daemon_polkit_module.c).
 *
 * The module holds the only code that needs GIO (GDBus).  vireod loads
 * it with GModule on the first polkit check, so a daemon whose sockets
 * use auth "none" never maps GIO, GObject and their dependencies (about
 * 1 MiB of resident pages).  The module links nothing of Vireo's own:
 * it returns its error text instead of reporting it.
 */
#pragma once

#include <glib.h>

/* File name of the module in the module directory. */
#define DAEMON_POLKIT_MODULE_FILE "vireo-polkit.so"
/* The symbol vireod looks up: a DaemonPolkitCheckFunc. */
#define DAEMON_POLKIT_MODULE_SYMBOL "vireo_polkit_module_check"

/* Ask polkitd (CheckAuthorization, no interaction) whether the
 * "unix-process" subject (@pid, @start_time, @uid) may perform @action.
 * Returns 1 when authorized; 0 when refused, with *@challenge telling
 * whether an administrator's password would have been accepted; -1 when
 * polkitd could not be asked, with *@errmsg set (caller frees). */
typedef int (*DaemonPolkitCheckFunc)(guint32 pid, guint64 start_time,
                                     gint32 uid, const char *action,
                                     gboolean *challenge, char **errmsg);

int vireo_polkit_module_check(guint32 pid, guint64 start_time, gint32 uid,
                              const char *action, gboolean *challenge,
                              char **errmsg);
