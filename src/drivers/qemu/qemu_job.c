/* qemu_job.c: one state-changing operation at a time per domain.
 *
 * A job is a name in the object (obj->job) set and cleared under its lock,
 * with a condition variable to wait on: the lock itself is never held
 * while the job runs, so queries go on (docs/internals/threads.md).
 * Operations on different domains never wait for each other.
 */
#include <config.h>

#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

int
qemu_job_begin_unless(VrDomainObj *obj, const char *name, int timeout_ms,
                      const gint *cancel)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
    const char *busy;

    vr_domain_obj_lock(obj);
    for (;;) {
        if (cancel && g_atomic_int_get(cancel)) {
            vr_domain_obj_unlock(obj);
            VR_DEBUG("domain '%s': job '%s' cancelled", obj->name, name);
            return 1;
        }
        if (!obj->job)
            break;
        if (!g_cond_wait_until(&obj->job_cond, &obj->lock, deadline) &&
            obj->job && !(cancel && g_atomic_int_get(cancel))) {
            busy = obj->job;
            vr_domain_obj_unlock(obj);
            vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_QEMU,
                            "domain '%s' is busy with '%s' (waited %d s)",
                            obj->name, busy, timeout_ms / 1000);
            return -1;
        }
    }
    obj->job = name;
    vr_domain_obj_unlock(obj);
    VR_DEBUG("domain '%s': job '%s' begins", obj->name, name);
    return 0;
}

int
qemu_job_begin(VrDomainObj *obj, const char *name, int timeout_ms)
{
    return qemu_job_begin_unless(obj, name, timeout_ms, NULL);
}

void
qemu_job_wake(VrDomainObj *obj)
{
    vr_domain_obj_lock(obj);
    g_cond_broadcast(&obj->job_cond);
    vr_domain_obj_unlock(obj);
}

void
qemu_job_end(VrDomainObj *obj)
{
    vr_domain_obj_lock(obj);
    VR_DEBUG("domain '%s': job '%s' ends", obj->name,
             obj->job ? obj->job : "?");
    obj->job = NULL;
    g_cond_broadcast(&obj->job_cond);
    vr_domain_obj_unlock(obj);
}
