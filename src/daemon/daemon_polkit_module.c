/* daemon_polkit_module.c: vireo-polkit.so, the GDBus half of polkit
 * checks (daemon_polkit_module.h says why it is a module).
 *
 * The subject is a "unix-process" (pid, start time, uid), as libvirtd
 * sends it; polkitd then applies the action's defaults
 * (data/org.vireo.policy) and the rules in rules.d (data/50-vireo.rules).
 */
#include <config.h>

#include <gio/gio.h>

#include "daemon/daemon_polkit_module.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
#define POLKIT_TIMEOUT_MS 25000

/* The CheckAuthorization arguments (floating reference). */
static GVariant *
polkit_args(guint32 pid, guint64 start, gint32 uid, const char *action)
{
    GVariantBuilder subject;
    GVariantBuilder details;

    g_variant_builder_init(&subject, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&subject, "{sv}", "pid", g_variant_new_uint32(pid));
    g_variant_builder_add(&subject, "{sv}", "start-time",
                          g_variant_new_uint64(start));
    g_variant_builder_add(&subject, "{sv}", "uid", g_variant_new_int32(uid));
    g_variant_builder_init(&details, G_VARIANT_TYPE("a{ss}"));
    return g_variant_new("((sa{sv})sa{ss}us)", "unix-process", &subject,
                         action, &details, 0 /* no interaction */, "");
}

int
vireo_polkit_module_check(guint32 pid, guint64 start_time, gint32 uid,
                          const char *action, gboolean *challenge,
                          char **errmsg)
{
    g_autoptr(GDBusConnection) bus = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) gerr = NULL;
    gboolean authorized = FALSE;

    *challenge = FALSE;
    if (!(bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &gerr)) ||
        !(reply = g_dbus_connection_call_sync(
              bus, POLKIT_NAME, POLKIT_PATH, POLKIT_IFACE,
              "CheckAuthorization", polkit_args(pid, start_time, uid, action),
              G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
              POLKIT_TIMEOUT_MS, NULL, &gerr))) {
        *errmsg = g_strdup(gerr->message);
        return -1;
    }
    g_variant_get(reply, "((bb@a{ss}))", &authorized, challenge, NULL);
    return authorized ? 1 : 0;
}
