/* daemon_polkit.c: polkit checks over D-Bus (GDBus), for
 * auth_unix_rw = "polkit".
 *
 * The subject is a "unix-process" (pid, start time, uid) taken from the
 * socket's peer credentials, as libvirtd does; polkitd then applies the
 * action's defaults (data/org.vireo.policy) and the rules in
 * rules.d (data/50-vireo.rules: members of group "vireo" may manage).
 * No interaction is allowed: a daemon has no agent to ask a password
 * with, so "auth_admin" answers count as a refusal.
 */
#include <config.h>

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_polkit.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
#define POLKIT_TIMEOUT_MS 25000

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

/* The CheckAuthorization arguments for (@pid, @start, @uid). */
static GVariant *
polkit_args(pid_t pid, guint64 start, uid_t uid, const char *action)
{
    GVariantBuilder subject;
    GVariantBuilder details;

    g_variant_builder_init(&subject, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&subject, "{sv}", "pid",
                          g_variant_new_uint32((guint32) pid));
    g_variant_builder_add(&subject, "{sv}", "start-time",
                          g_variant_new_uint64(start));
    g_variant_builder_add(&subject, "{sv}", "uid",
                          g_variant_new_int32((gint32) uid));
    g_variant_builder_init(&details, G_VARIANT_TYPE("a{ss}"));
    return g_variant_new("((sa{sv})sa{ss}us)", "unix-process", &subject,
                         action, &details, 0 /* no interaction */, "");
}

int
daemon_polkit_check(pid_t pid, uid_t uid, const char *action)
{
    g_autoptr(GDBusConnection) bus = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) gerr = NULL;
    gboolean authorized = FALSE;
    gboolean challenge = FALSE;
    guint64 start = 0;

    if (process_start_time(pid, &start) < 0) {
        vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                        "cannot read the start time of client process %d",
                        (int) pid);
        return -1;
    }
    if (!(bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &gerr)) ||
        !(reply = g_dbus_connection_call_sync(
              bus, POLKIT_NAME, POLKIT_PATH, POLKIT_IFACE,
              "CheckAuthorization", polkit_args(pid, start, uid, action),
              G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
              POLKIT_TIMEOUT_MS, NULL, &gerr))) {
        vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                        "cannot ask polkit about '%s': %s", action,
                        gerr->message);
        return -1;
    }
    g_variant_get(reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
    VR_DEBUG("polkit: %s for pid %d uid %u: authorized %d challenge %d",
             action, (int) pid, (unsigned) uid, authorized, challenge);
    if (authorized)
        return 0;
    vr_error_report(VR_ERR_AUTH_FAILED, VR_FROM_AUTH,
                    challenge ? "access denied by policy: action '%s' needs "
                                "an administrator's password and vireod "
                                "cannot ask for one"
                              : "access denied by policy (action '%s')",
                    action);
    return -1;
}
