/* daemon_polkit.c: polkit checks for auth_unix_rw / auth_unix_ro =
 * "polkit".
 *
 * The D-Bus conversation lives in the module vireo-polkit.so
 * (daemon_polkit_module.c), loaded on the first check: most daemons
 * never ask polkit and so never map GIO.  This side reads the client's
 * start time (so a recycled pid cannot pass), finds and loads the module
 * once, and words the errors.  No interaction is allowed: a daemon has
 * no agent to ask a password with, so "auth_admin" answers count as a
 * refusal.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_polkit.h"
#include "daemon/daemon_polkit_module.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_paths.h"

/* Field 22 of /proc/PID/stat (start time in clock ticks).  Returns 0 or
 * -1 (not reported: the caller words the refusal). */
static int
process_start_time(pid_t pid, guint64 *start)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *rest;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(rest = strrchr(text, ')')))
        return -1;
    /* After "pid (comm)": field 3 (state) is fields[0], 22 is [19]. */
    fields = g_strsplit(rest + 2, " ", 21);
    if (g_strv_length(fields) < 20)
        return -1;
    *start = g_ascii_strtoull(fields[19], NULL, 10);
    return 0;
}

/* The module's check function, loaded on first use and kept for the
 * daemon's life; NULL (with *@why owned by the loader, never freed)
 * when the module cannot be loaded. */
static DaemonPolkitCheckFunc
module_check(const char **why)
{
    static GMutex lock;
    static DaemonPolkitCheckFunc fn;
    static char *error;

    g_mutex_lock(&lock);
    if (!fn && !error)
        fn = (DaemonPolkitCheckFunc) vr_module_symbol(
            DAEMON_POLKIT_MODULE_FILE, DAEMON_POLKIT_MODULE_SYMBOL, "polkit",
            &error);
    *why = error;
    g_mutex_unlock(&lock);
    return fn;
}

int
daemon_polkit_check(pid_t pid, uid_t uid, const char *action)
{
    DaemonPolkitCheckFunc check;
    g_autofree char *errmsg = NULL;
    const char *why = NULL;
    gboolean challenge = FALSE;
    guint64 start = 0;
    int rc;

    if (process_start_time(pid, &start) < 0) {
        vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                        "cannot read the start time of client process %d",
                        (int) pid);
        return -1;
    }
    if (!(check = module_check(&why))) {
        vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                        "cannot ask polkit about '%s': %s", action, why);
        return -1;
    }
    rc = check((guint32) pid, start, (gint32) uid, action, &challenge,
               &errmsg);
    if (rc < 0) {
        vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                        "cannot ask polkit about '%s': %s", action, errmsg);
        return -1;
    }
    VR_DEBUG("polkit: %s for pid %d uid %u: authorized %d challenge %d",
             action, (int) pid, (unsigned) uid, rc, challenge);
    if (rc > 0)
        return 0;
    vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                    challenge ? "access denied by policy: action '%s' needs "
                                "an administrator's password and vireod "
                                "cannot ask for one"
                              : "access denied by policy (action '%s')",
                    action);
    return -1;
}
