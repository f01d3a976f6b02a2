/* qemu_job_info.c: progress and cancellation of streaming jobs (save,
 * migration, snapshots with memory): see qemu_job_info.h.
 */
#include <config.h>

#include <stdlib.h>

#include "drivers/qemu/qemu_job_info.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define POLL_US 50000

void
qemu_async_job_begin(VrDomainObj *obj, QemuJobOperation operation)
{
    QemuAsyncJob *job = g_new0(QemuAsyncJob, 1);
    QemuDomainPriv *priv;

    job->operation = operation;
    job->start_us = g_get_real_time();
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (priv) {
        g_free(priv->async);
        priv->async = job;
        job = NULL;
    }
    vr_domain_obj_unlock(obj);
    g_free(job);
}

void
qemu_async_job_end(VrDomainObj *obj)
{
    QemuDomainPriv *priv;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (priv)
        g_clear_pointer(&priv->async, g_free);
    vr_domain_obj_unlock(obj);
}

/* Copy query-migrate's "ram" figures into the job. */
static void
record_progress(VrDomainObj *obj, const VrJson *reply)
{
    const VrJson *ram = vr_json_object_get(reply, "ram");
    unsigned long long total = 0, done = 0, left = 0, mbps = 0;
    double bps = 0;
    QemuDomainPriv *priv;

    if (!ram)
        return;
    vr_json_object_get_uint(ram, "total", &total);
    vr_json_object_get_uint(ram, "transferred", &done);
    vr_json_object_get_uint(ram, "remaining", &left);
    if (vr_json_get_double(vr_json_object_get(ram, "mbps"), &bps) == 0)
        mbps = (unsigned long long) (bps * 1000 * 1000 / 8);
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (priv && priv->async) {
        priv->async->data_total = total;
        /* "transferred" counts stream bytes, zero pages are cheaper:
         * show progress against the total as libvirt does */
        priv->async->data_remaining = left;
        priv->async->data_processed = total > left ? total - left : done;
        priv->async->mem_bps = mbps;
    }
    vr_domain_obj_unlock(obj);
}

static bool
abort_requested(VrDomainObj *obj)
{
    QemuDomainPriv *priv;
    bool ret;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    ret = priv && priv->async && priv->async->abort_requested;
    vr_domain_obj_unlock(obj);
    return ret;
}

int
qemu_async_job_wait_migration(VrDomainObj *obj, QemuMonitor *mon,
                              const char *what)
{
    for (;;) {
        g_autoptr(VrJson) reply = NULL;
        const char *status;

        if (qemu_monitor_command(mon, "query-migrate", NULL, &reply, 0) < 0)
            return -1;
        status = vr_json_object_get_string(reply, "status");
        record_progress(obj, reply);
        if (status && g_str_equal(status, "completed"))
            return 0;
        if (status && (g_str_equal(status, "cancelled") ||
                       g_str_equal(status, "failed"))) {
            const char *desc = vr_json_object_get_string(reply,
                                                         "error-desc");

            if (abort_requested(obj))
                vr_error_report(VR_ERR_OPERATION_ABORTED, VR_FROM_QEMU,
                                "job '%s' canceled by client", what);
            else
                vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                                "job '%s' failed: %s", what,
                                desc ? desc : status);
            return -1;
        }
        g_usleep(POLL_US);
    }
}

int
qemu_async_job_set_bandwidth(QemuMonitor *mon, unsigned long mib_per_s)
{
    VrJson *args = vr_json_new_object();
    const char *env = getenv("VIREO_SAVE_MAX_BANDWIDTH");
    unsigned long long bytes;

    if (env && *env)
        mib_per_s = strtoul(env, NULL, 10);
    /* QEMU's limit is bytes per second; "unlimited" as libvirt does */
    bytes = mib_per_s ? (unsigned long long) mib_per_s << 20 :
                        (unsigned long long) INT64_MAX / (1024 * 1024);
    vr_json_object_set_uint(args, "max-bandwidth", bytes);
    return qemu_monitor_command(mon, "migrate-set-parameters", args, NULL,
                                0);
}

int
qemu_domain_get_job_info(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags, QemuJobInfo *info)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuDomainPriv *priv;

    /* 1 COMPLETED, 2 KEEP_COMPLETED, 4 STRING_OKAY (FACTS.md item 15) */
    if (VR_CHECK_FLAGS(flags, 0x7) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    memset(info, 0, sizeof(*info));
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (!vr_domain_obj_is_active(obj)) {
        vr_domain_obj_unlock(obj);
        /* what libvirtd answers (FACTS.md 4.3, 51-save) */
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_DOMAIN,
                        "domain is not running");
        return -1;
    }
    if (priv && priv->async && !(flags & 1)) {
        const QemuAsyncJob *job = priv->async;

        info->type = QEMU_JOB_TYPE_UNBOUNDED;
        info->operation = job->operation;
        info->time_elapsed_ms = (g_get_real_time() - job->start_us) / 1000;
        info->data_total = job->data_total;
        info->data_processed = job->data_processed;
        info->data_remaining = job->data_remaining;
        info->mem_bps = job->mem_bps;
    }
    vr_domain_obj_unlock(obj);
    return 0;
}

int
qemu_domain_abort_job(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    QemuDomainPriv *priv;
    QemuMonitor *mon = NULL;

    if (!obj)
        return -1;
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (vr_domain_obj_is_active(obj) && priv && priv->async && priv->mon) {
        priv->async->abort_requested = true;
        mon = priv->mon;
    }
    vr_domain_obj_unlock(obj);
    if (!mon) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "no job is active on the domain");
        return -1;
    }
    /* The monitor outlives this call: the job holder closes it only
     * after qemu_async_job_end, which waits for nothing of ours; QMP
     * commands are thread-safe. */
    VR_INFO("domain '%s': aborting job", obj->name);
    return qemu_monitor_command(mon, "migrate_cancel", NULL, NULL, 0);
}
