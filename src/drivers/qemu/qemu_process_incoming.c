/* qemu_process_incoming.c: the extra start phase of a restore (and of an
 * incoming migration): QEMU was launched with -incoming defer; hand it
 * the stream (getfd + "fd:NAME", or a URI) with migrate-incoming and
 * wait until it has loaded the whole state, before the vCPUs run.
 */
#include <config.h>

#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define INCOMING_FDNAME "vireo-incoming"
#define POLL_US 20000

/* Wait for the destination side of the stream to finish.  0 or -1. */
static int
wait_loaded(VrDomainObj *obj, QemuMonitor *mon)
{
    for (;;) {
        g_autoptr(VrJson) reply = NULL;
        const char *status;

        if (qemu_monitor_command(mon, "query-migrate", NULL, &reply, 0) < 0)
            return -1;
        status = vr_json_object_get_string(reply, "status");
        if (status && g_str_equal(status, "completed"))
            return 0;
        if (status && (g_str_equal(status, "failed") ||
                       g_str_equal(status, "cancelled"))) {
            const char *desc = vr_json_object_get_string(reply,
                                                         "error-desc");

            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "domain '%s': QEMU could not load the saved "
                            "state: %s", obj->name, desc ? desc : status);
            return -1;
        }
        g_usleep(POLL_US);
    }
}

int
qemu_process_run_incoming(VrDomainObj *obj, QemuMonitor *mon,
                          const QemuIncoming *inc)
{
    VrJson *args = vr_json_new_object();
    gint64 t0 = g_get_monotonic_time();

    if (inc->fd >= 0) {
        if (qemu_monitor_getfd(mon, INCOMING_FDNAME, inc->fd) < 0) {
            vr_json_free(args);
            return -1;
        }
        vr_json_object_set_string(args, "uri", "fd:" INCOMING_FDNAME);
    } else {
        vr_json_object_set_string(args, "uri", inc->uri);
    }
    if (qemu_monitor_command(mon, "migrate-incoming", args, NULL, 0) < 0)
        return -1;
    if (inc->listen_only)
        return 0;       /* migration: Finish waits for the stream */
    if (wait_loaded(obj, mon) < 0)
        return -1;
    VR_INFO("domain '%s': state loaded in %lld ms", obj->name,
            (long long) (g_get_monotonic_time() - t0) / 1000);
    return 0;
}
