/* qemu_snapshot_ops.c: the mechanics under the snapshot calls
 * (qemu_snapshot_priv.h): QMP snapshot-* jobs, block nodes by image path,
 * qemu-img snapshot and overlay creation.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_snapshot_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define QEMU_IMG "qemu-img"
#define POLL_US 20000

QemuMonitor *
qemu_snapshot_mon(VrDomainObj *obj)
{
    QemuDomainPriv *priv;
    QemuMonitor *mon = NULL;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (vr_domain_obj_is_active(obj) && priv)
        mon = priv->mon;
    vr_domain_obj_unlock(obj);
    return mon;
}

/* The status of job @id in query-jobs' @reply (borrowed) or NULL; its
 * error in *error. */
static const char *
job_status(const VrJson *reply, const char *id, const char **error)
{
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *job = vr_json_array_get(reply, i);

        if (g_strcmp0(vr_json_object_get_string(job, "id"), id) == 0) {
            *error = vr_json_object_get_string(job, "error");
            return vr_json_object_get_string(job, "status");
        }
    }
    return NULL;
}

/* Poll query-jobs until job @id concludes; dismiss it.  0 or -1. */
static int
wait_job(QemuMonitor *mon, const char *id, const char *cmd)
{
    g_autofree char *err = NULL;

    for (;;) {
        g_autoptr(VrJson) reply = NULL;
        const char *status, *error = NULL;

        if (qemu_monitor_command(mon, "query-jobs", NULL, &reply, 0) < 0)
            return -1;
        status = job_status(reply, id, &error);
        if (!status) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "QEMU job '%s' disappeared", id);
            return -1;
        }
        if (g_str_equal(status, "concluded") || g_str_equal(status, "null")) {
            err = g_strdup(error);
            break;
        }
        g_usleep(POLL_US);
    }
    {
        VrJson *args = vr_json_new_object();

        vr_json_object_set_string(args, "id", id);
        if (qemu_monitor_command(mon, "job-dismiss", args, NULL, 0) < 0)
            VR_WARN("cannot dismiss QEMU job '%s': %s", id,
                    vr_error_message());
    }
    if (err) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "%s failed: %s", cmd, err);
        return -1;
    }
    return 0;
}

int
qemu_snapshot_qmp_job(QemuMonitor *mon, const char *cmd, const char *tag,
                      const char *vmstate, char **devices)
{
    g_autofree char *id = g_strdup_printf("vireo-%s", cmd);
    VrJson *args = vr_json_new_object();
    VrJson *devs = vr_json_new_array();
    gint64 t0 = g_get_monotonic_time();

    vr_json_object_set_string(args, "job-id", id);
    vr_json_object_set_string(args, "tag", tag);
    if (vmstate)
        vr_json_object_set_string(args, "vmstate", vmstate);
    for (guint i = 0; devices && devices[i]; i++)
        vr_json_array_append(devs, vr_json_new_string(devices[i]));
    vr_json_object_set(args, "devices", devs);
    if (qemu_monitor_command(mon, cmd, args, NULL, 0) < 0 ||
        wait_job(mon, id, cmd) < 0)
        return -1;
    VR_INFO("%s '%s' took %lld ms", cmd, tag,
            (long long) (g_get_monotonic_time() - t0) / 1000);
    return 0;
}

char *
qemu_snapshot_node_for(QemuMonitor *mon, const char *path,
                       unsigned long long *size, char **format)
{
    g_autoptr(VrJson) reply = NULL;

    if (qemu_monitor_command(mon, "query-block", NULL, &reply, 0) < 0)
        return NULL;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *ins = vr_json_object_get(vr_json_array_get(reply, i),
                                               "inserted");
        const VrJson *image = ins ? vr_json_object_get(ins, "image") : NULL;

        if (!ins || g_strcmp0(vr_json_object_get_string(ins, "file"),
                              path) != 0)
            continue;
        if (size && (!image || vr_json_object_get_uint(image, "virtual-size",
                                                       size) < 0))
            *size = 0;
        if (format)
            *format = g_strdup(vr_json_object_get_string(ins, "drv"));
        return g_strdup(vr_json_object_get_string(ins, "node-name"));
    }
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                    "QEMU has no block node for image '%s'", path);
    return NULL;
}

int
qemu_snapshot_img(const char *op, const char *tag, const char *path)
{
    g_autoptr(VrCommand) cmd = vr_command_new(QEMU_IMG);

    vr_command_add_arg(cmd, "snapshot");
    vr_command_add_arg_pair(cmd, op, tag);
    vr_command_add_arg(cmd, path);
    return vr_command_run(cmd, NULL, NULL, NULL);
}

int
qemu_snapshot_img_overlay(const char *path, const char *base,
                          const char *fmt, unsigned long long size)
{
    g_autoptr(VrCommand) cmd = vr_command_new(QEMU_IMG);

    vr_command_add_arg(cmd, "create");
    vr_command_add_arg_pair(cmd, "-f", "qcow2");
    vr_command_add_arg_pair(cmd, "-F", fmt ? fmt : "raw");
    vr_command_add_arg_pair(cmd, "-b", base);
    /* QEMU holds the base open: do not open it again (-u) */
    if (size)
        vr_command_add_arg(cmd, "-u");
    vr_command_add_arg(cmd, path);
    if (size)
        vr_command_add_argf(cmd, "%llu", size);
    return vr_command_run(cmd, NULL, NULL, NULL);
}

int
qemu_snapshot_img_has(const char *tag, const char *path)
{
    g_autoptr(VrCommand) cmd = vr_command_new(QEMU_IMG);
    g_autofree char *out = NULL;
    g_autoptr(VrJson) info = NULL;
    const VrJson *snaps;

    /* -U: QEMU may hold the image; only its metadata is read */
    vr_command_add_arg(cmd, "info");
    vr_command_add_arg(cmd, "-U");
    vr_command_add_arg(cmd, "--output=json");
    vr_command_add_arg(cmd, path);
    if (vr_command_run(cmd, NULL, &out, NULL) < 0)
        return -1;
    if (!(info = vr_json_parse(out, strlen(out)))) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "cannot parse 'qemu-img info' of '%s'", path);
        return -1;
    }
    snaps = vr_json_object_get(info, "snapshots");
    for (size_t i = 0; i < vr_json_array_size(snaps); i++)
        if (g_strcmp0(vr_json_object_get_string(vr_json_array_get(snaps, i),
                                                "name"), tag) == 0)
            return 1;
    return 0;
}
