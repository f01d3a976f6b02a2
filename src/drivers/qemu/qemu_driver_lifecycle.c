/* qemu_driver_lifecycle.c: the lifecycle API of qemu_driver_lifecycle.h -
 * start, create, destroy, shutdown, reboot, reset, suspend, resume,
 * consoles, autodestroy, autostart and re-attach at daemon start.
 *
 * Every operation that changes a domain holds its job (qemu_job.c);
 * monitor commands are issued only by the job owner, without the object
 * lock.  Destroy first signals QEMU, so it works even while another job
 * (a start waiting for QEMU) is running.
 */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_save.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

#define QEMU_GRACEFUL_WAIT_MS 10000

/* Reboot flags (libvirt's VIR_DOMAIN_REBOOT_*). */
enum {
    QEMU_REBOOT_ACPI = 1 << 0,
    QEMU_REBOOT_AGENT = 1 << 1,
};

/* ---- driver set-up (called by qemu_driver_new / _free) ---- */

static void
lookup_qemu_user(QemuDriver *drv, const VrPaths *paths)
{
    const char *name = g_getenv("VIREOD_QEMU_USER");
    struct passwd *pw;

    drv->qemu_uid = (uid_t) -1;
    drv->qemu_gid = (gid_t) -1;
    if (!name)
        name = VIREO_QEMU_USER;
    /* A relocated daemon (--root, tests) lives in a private tree the QEMU
     * user cannot reach: QEMU keeps our identity there. */
    if (!paths->privileged || getuid() != 0 || paths->root || !*name ||
        g_str_equal(name, "root"))
        return;
    if (!(pw = getpwnam(name))) {
        VR_WARN("QEMU user '%s' does not exist: QEMU will run as root", name);
        return;
    }
    drv->qemu_uid = pw->pw_uid;
    drv->qemu_gid = pw->pw_gid;
    drv->qemu_user_name = g_strdup(name);
}

void
qemu_driver_lifecycle_init(QemuDriver *drv, const VrPaths *paths)
{
    g_autofree char *cache = g_build_filename(paths->state_dir, "cache",
                                              "qemu", NULL);

    drv->run_dir = g_build_filename(paths->run_dir, "qemu", NULL);
    drv->log_dir = g_build_filename(paths->log_dir, "qemu", NULL);
    drv->save_dir = g_build_filename(paths->state_dir, "qemu", "save", NULL);
    drv->snapshot_dir = g_build_filename(paths->state_dir, "qemu",
                                         "snapshot", NULL);
    drv->caps = qemu_caps_cache_new(cache);
    /* capabilities XML lists the probed machines (probed lazily) */
    qemu_host_set_caps_cache(drv->host, drv->caps);
    drv->next_id = 1;
    g_mutex_init(&drv->event_lock);
    drv->event_pool = g_thread_pool_new(qemu_process_event_worker, drv, 1,
                                        FALSE, NULL);
    lookup_qemu_user(drv, paths);
}

/* Let go of running QEMUs without stopping them: no more callbacks into
 * this driver (a later vireod re-attaches through the status files). */
static void
detach_all(QemuDriver *drv)
{
    g_autoptr(GPtrArray) objs =
        vr_domain_obj_list_collect(drv->domains, VR_LIST_DOMAINS_ACTIVE);

    for (guint i = 0; objs && i < objs->len; i++) {
        VrDomainObj *obj = objs->pdata[i];
        QemuDomainPriv *priv;
        QemuMonitor *mon = NULL;
        guint watch = 0;

        vr_domain_obj_lock(obj);
        if ((priv = obj->priv)) {
            mon = g_steal_pointer(&priv->mon);
            watch = priv->pidfd_watch;
            priv->pidfd_watch = 0;
            priv->serial = 0;        /* queued items become stale */
        }
        vr_domain_obj_unlock(obj);
        if (watch)
            g_source_remove(watch);
        qemu_monitor_close(mon);
    }
}

void
qemu_driver_lifecycle_free(QemuDriver *drv)
{
    qemu_driver_shutdown(drv);
    qemu_caps_cache_free(drv->caps);
    g_free(drv->run_dir);
    g_free(drv->log_dir);
    g_free(drv->save_dir);
    g_free(drv->snapshot_dir);
    g_free(drv->qemu_user_name);
    g_mutex_clear(&drv->event_lock);
}

void
qemu_driver_set_event_callback(QemuDriver *drv, QemuDomainEventFunc cb,
                               void *opaque)
{
    g_mutex_lock(&drv->event_lock);
    drv->event_cb = cb;
    drv->event_opaque = opaque;
    g_mutex_unlock(&drv->event_lock);
}

static void
autostart_all(QemuDriver *drv)
{
    g_autoptr(GPtrArray) objs =
        vr_domain_obj_list_collect(drv->domains, VR_LIST_DOMAINS_AUTOSTART |
                                   VR_LIST_DOMAINS_INACTIVE);

    for (guint i = 0; objs && i < objs->len; i++) {
        VrDomainObj *obj = objs->pdata[i];
        int rc = qemu_job_begin_unless(obj, "start", QEMU_JOB_WAIT_MS,
                                       &drv->quitting);

        if (rc > 0)
            return;     /* shutting down */
        if (rc == 0) {
            vr_domain_obj_lock(obj);
            rc = vr_domain_obj_is_active(obj) ? 1 : 0;  /* started meanwhile */
            vr_domain_obj_unlock(obj);
            if (rc == 0)
                rc = qemu_process_start(drv, obj, 0, NULL);
            qemu_job_end(obj);
        }
        if (rc < 0) {
            VR_WARN("autostart of domain '%s' failed: %s", obj->name,
                    vr_error_message());
            vr_error_reset();
        } else if (rc == 0) {
            VR_INFO("autostarted domain '%s'", obj->name);
        }
    }
}

static gpointer
background_main(gpointer opaque)
{
    void **args = opaque;
    QemuDriver *drv = args[0];
    GPtrArray *objs = args[1];

    qemu_status_reattach_finish(drv, objs);
    g_ptr_array_free(objs, TRUE);
    g_free(args);
    autostart_all(drv);
    return NULL;
}

void
qemu_driver_start_background(QemuDriver *drv)
{
    void **args = g_new0(void *, 2);

    if (drv->background)
        return;
    args[0] = drv;
    args[1] = qemu_status_reattach_prepare(drv);
    drv->background = g_thread_new("qemu-start", background_main, args);
}

/* Make every job waiter re-check drv->quitting. */
static void
wake_all_jobs(QemuDriver *drv)
{
    g_autoptr(GPtrArray) objs =
        vr_domain_obj_list_collect(drv->domains, 0);

    for (guint i = 0; objs && i < objs->len; i++)
        qemu_job_wake(objs->pdata[i]);
}

void
qemu_driver_shutdown(QemuDriver *drv)
{
    /* Quick, and QEMU keeps running: queued event work is dropped and
     * handlers waiting for a job give up (the re-attach of the next
     * vireod reconciles the state); no job is waited for. */
    g_atomic_int_set(&drv->quitting, 1);
    wake_all_jobs(drv);
    if (drv->background)
        g_thread_join(g_steal_pointer(&drv->background));
    detach_all(drv);
    if (drv->event_pool)
        g_thread_pool_free(g_steal_pointer(&drv->event_pool), TRUE, TRUE);
}

/* ---- operations ---- */

static int
check_active(VrDomainObj *obj)
{
    bool active;

    vr_domain_obj_lock(obj);
    active = vr_domain_obj_is_active(obj) && obj->priv;
    vr_domain_obj_unlock(obj);
    if (!active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", obj->name);
        return -1;
    }
    return 0;
}

/* Find @dom, begin job @job, check it runs; *mon borrowed for the job. */
static VrDomainObj *
begin_running(QemuDriver *drv, const QemuDomainRef *dom, const char *job,
              QemuMonitor **mon)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj || check_active(obj) < 0 ||
        qemu_job_begin(obj, job, QEMU_JOB_WAIT_MS) < 0)
        return NULL;
    if (check_active(obj) < 0) {
        qemu_job_end(obj);
        return NULL;
    }
    vr_domain_obj_lock(obj);
    *mon = ((QemuDomainPriv *) obj->priv)->mon;
    vr_domain_obj_unlock(obj);
    if (!*mon) {
        qemu_job_end(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", obj->name);
        return NULL;
    }
    return g_steal_pointer(&obj);
}

static int
start_obj(QemuDriver *drv, VrDomainObj *obj, unsigned int flags,
          const void *owner, QemuDomainRef *out)
{
    int rc;

    if (qemu_job_begin(obj, "start", QEMU_JOB_WAIT_MS) < 0)
        return -1;
    /* a managed save image resumes the domain (qemu_save.c) */
    rc = qemu_save_start_managed(drv, obj, flags, owner);
    if (rc > 0)
        rc = qemu_process_start(drv, obj, flags, owner);
    qemu_job_end(obj);
    if (rc == 0 && out)
        qemu_domain_ref_fill(out, obj);
    return rc;
}

#define START_FLAGS (QEMU_START_PAUSED | QEMU_START_AUTODESTROY | \
                     QEMU_START_BYPASS_CACHE | QEMU_START_FORCE_BOOT | \
                     QEMU_START_VALIDATE)

int
qemu_domain_start_owned(QemuDriver *drv, const QemuDomainRef *dom,
                        unsigned int flags, const void *owner,
                        QemuDomainRef *out)
{
    g_autoptr(VrDomainObj) obj = NULL;

    if (VR_CHECK_FLAGS(flags, START_FLAGS) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    return start_obj(drv, obj, flags,
                     (flags & QEMU_START_AUTODESTROY) ? owner : NULL, out);
}

int
qemu_domain_start(QemuDriver *drv, const QemuDomainRef *dom,
                  unsigned int flags, QemuDomainRef *out)
{
    return qemu_domain_start_owned(drv, dom, flags, NULL, out);
}

int
qemu_domain_create_xml_owned(QemuDriver *drv, const char *xml,
                             unsigned int flags, const void *owner,
                             QemuDomainRef *out)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainObj) obj = NULL;
    g_autoptr(VrDomainObj) clash = NULL;
    int rc;

    if (VR_CHECK_FLAGS(flags, START_FLAGS) < 0)
        return -1;
    def = vr_domain_def_parse_string(xml, "(domain_definition)",
                                     (flags & QEMU_START_VALIDATE) ?
                                     VR_DOMAIN_PARSE_VALIDATE : 0);
    if (!def || !vr_domain_name_check(def->name))
        return -1;
    if ((clash = vr_domain_obj_list_find_by_name(drv->domains, def->name)) ||
        (clash = vr_domain_obj_list_find_by_uuid(drv->domains, def->uuid))) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' already exists", clash->name);
        return -1;
    }
    obj = vr_domain_obj_new(g_steal_pointer(&def));
    if (vr_domain_obj_list_add(drv->domains, obj) < 0)
        return -1;
    rc = start_obj(drv, obj, flags,
                   (flags & QEMU_START_AUTODESTROY) ? owner : NULL, out);
    if (rc < 0)
        vr_domain_obj_list_remove(drv->domains, obj);
    return rc;
}

int
qemu_domain_create_xml(QemuDriver *drv, const char *xml, unsigned int flags,
                       QemuDomainRef *out)
{
    return qemu_domain_create_xml_owned(drv, xml, flags, NULL, out);
}

/* Mark @obj as being destroyed by us and send @sig without waiting.
 * Returns false when it is not running. */
static bool
signal_for_destroy(VrDomainObj *obj, int sig)
{
    QemuDomainPriv *priv;

    vr_domain_obj_lock(obj);
    if ((priv = obj->priv))
        priv->killed = true;
    vr_domain_obj_unlock(obj);
    if (!priv)
        return false;
    qemu_process_kill(obj, sig, 0);
    return true;
}

int
qemu_domain_destroy(QemuDriver *drv, const QemuDomainRef *dom,
                    unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    bool graceful = flags & QEMU_DESTROY_GRACEFUL;
    bool gone;
    int rc = 0;

    if (VR_CHECK_FLAGS(flags, QEMU_DESTROY_GRACEFUL) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)) || check_active(obj) < 0)
        return -1;
    /* Signal first: a job stuck on QEMU (a start) ends at once. */
    signal_for_destroy(obj, SIGTERM);
    if (qemu_job_begin(obj, "destroy", QEMU_JOB_WAIT_MS) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    gone = !obj->priv;
    if (obj->priv)
        ((QemuDomainPriv *) obj->priv)->killed = true;
    vr_domain_obj_unlock(obj);
    if (gone) {
        /* The job we waited for (a start, a re-attach, the exit handling)
         * saw QEMU go after our signal and stopped it as destroyed. */
        VR_DEBUG("domain '%s': stopped while destroy waited", obj->name);
        qemu_job_end(obj);
        return 0;
    }
    if (graceful && !qemu_process_kill(obj, SIGTERM, QEMU_GRACEFUL_WAIT_MS)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' did not stop after SIGTERM (graceful "
                        "destroy never sends SIGKILL)", obj->name);
        rc = -1;
    } else {
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_SHUTDOWN, QEMU_DETAIL_SHUTDOWN_HOST);
        qemu_process_stop(drv, obj, QEMU_SHUTOFF_DESTROYED,
                          QEMU_DETAIL_STOPPED_DESTROYED);
    }
    qemu_job_end(obj);
    return rc;
}

static bool
has_acpi(VrDomainObj *obj)
{
    bool acpi;

    vr_domain_obj_lock(obj);
    acpi = obj->def->feature_acpi;
    vr_domain_obj_unlock(obj);
    if (!acpi)
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' has no ACPI (<features><acpi/>): use "
                        "destroy", obj->name);
    return acpi;
}

/* ACPI power button; with @reboot the SHUTDOWN that follows resets the
 * guest instead of stopping it. */
static int
powerdown(QemuDriver *drv, const QemuDomainRef *dom, bool reboot)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMonitor *mon;
    int rc;

    if (!(obj = begin_running(drv, dom, reboot ? "reboot" : "shutdown",
                              &mon)))
        return -1;
    if (!has_acpi(obj)) {
        qemu_job_end(obj);
        return -1;
    }
    vr_domain_obj_lock(obj);
    ((QemuDomainPriv *) obj->priv)->fake_reboot = reboot;
    vr_domain_obj_unlock(obj);
    rc = qemu_monitor_system_powerdown(mon);
    qemu_job_end(obj);
    return rc;
}

int
qemu_domain_shutdown(QemuDriver *drv, const QemuDomainRef *dom,
                     unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, QEMU_SHUTDOWN_ACPI | QEMU_SHUTDOWN_AGENT) < 0)
        return -1;
    if (flags == QEMU_SHUTDOWN_AGENT) {
        vr_error_report(VR_ERR_ARGUMENT_UNSUPPORTED, VR_FROM_QEMU,
                        "shutdown through the guest agent is not supported");
        return -1;
    }
    return powerdown(drv, dom, false);
}

int
qemu_domain_reboot(QemuDriver *drv, const QemuDomainRef *dom,
                   unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, QEMU_REBOOT_ACPI | QEMU_REBOOT_AGENT) < 0)
        return -1;
    if (flags == QEMU_REBOOT_AGENT) {
        vr_error_report(VR_ERR_ARGUMENT_UNSUPPORTED, VR_FROM_QEMU,
                        "reboot through the guest agent is not supported");
        return -1;
    }
    return powerdown(drv, dom, true);
}

int
qemu_domain_reset(QemuDriver *drv, const QemuDomainRef *dom,
                  unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMonitor *mon;
    int rc;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(obj = begin_running(drv, dom, "reset", &mon)))
        return -1;
    rc = qemu_monitor_system_reset(mon);   /* RESET event -> REBOOT */
    qemu_job_end(obj);
    return rc;
}

/* suspend / resume: the command, then the state (the STOP/RESUME event
 * may come first; whoever changes the state emits the event). */
static int
pause_or_continue(QemuDriver *drv, const QemuDomainRef *dom, bool pause)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMonitor *mon;
    int rc;

    if (!(obj = begin_running(drv, dom, pause ? "suspend" : "resume", &mon)))
        return -1;
    rc = pause ? qemu_monitor_stop(mon) : qemu_monitor_cont(mon);
    if (rc == 0 && qemu_process_set_state(obj, pause ? VR_DOMAIN_PAUSED :
                                                      VR_DOMAIN_RUNNING,
                                          pause ? QEMU_PAUSED_USER :
                                                  QEMU_RUNNING_UNPAUSED)) {
        rc = qemu_status_save(drv, obj);
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         pause ? QEMU_EVENT_SUSPENDED : QEMU_EVENT_RESUMED,
                         0);
    }
    qemu_job_end(obj);
    return rc;
}

int
qemu_domain_suspend(QemuDriver *drv, const QemuDomainRef *dom)
{
    return pause_or_continue(drv, dom, true);
}

int
qemu_domain_resume(QemuDriver *drv, const QemuDomainRef *dom)
{
    return pause_or_continue(drv, dom, false);
}

void
qemu_driver_autodestroy_session(QemuDriver *drv, const void *owner)
{
    g_autoptr(GPtrArray) objs =
        vr_domain_obj_list_collect(drv->domains, VR_LIST_DOMAINS_ACTIVE);

    for (guint i = 0; objs && i < objs->len; i++) {
        VrDomainObj *obj = objs->pdata[i];
        QemuDomainRef ref = { .name = obj->name, .id = -1 };
        bool mine;

        vr_domain_obj_lock(obj);
        mine = obj->priv && ((QemuDomainPriv *) obj->priv)->owner == owner;
        vr_domain_obj_unlock(obj);
        if (!mine)
            continue;
        memcpy(ref.uuid, obj->uuid, sizeof(ref.uuid));
        VR_INFO("autodestroy of domain '%s'", obj->name);
        if (qemu_domain_destroy(drv, &ref, 0) < 0) {
            VR_WARN("%s", vr_error_message());
            vr_error_reset();
        }
    }
}

int
qemu_domain_get_console_pty(QemuDriver *drv, const QemuDomainRef *dom,
                            const char *dev_name, char **path)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    QemuDomainPriv *priv;
    char *found = NULL;

    if (!obj || check_active(obj) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    if ((priv = obj->priv)) {
        if (dev_name)
            found = g_strdup(g_hash_table_lookup(priv->ptys, dev_name));
        else if (!(found = g_strdup(g_hash_table_lookup(priv->ptys,
                                                        "console0"))))
            found = g_strdup(g_hash_table_lookup(priv->ptys, "serial0"));
    }
    vr_domain_obj_unlock(obj);
    if (!found) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' has no pty console%s%s", obj->name,
                        dev_name ? " named " : "", dev_name ? dev_name : "");
        return -1;
    }
    *path = found;
    return 0;
}

char *
qemu_driver_get_domcaps(QemuDriver *drv, const char *emulator,
                        const char *arch, const char *machine,
                        const char *virttype, unsigned int flags)
{
    g_autoptr(QemuCaps) caps = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return NULL;
    if (!(caps = qemu_caps_cache_get(drv->caps, emulator ? emulator :
                                                QEMU_HOST_EMULATOR)))
        return NULL;
    if (arch && !g_str_equal(arch, qemu_caps_arch(caps))) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "emulator '%s' does not support arch '%s'",
                        qemu_caps_binary(caps), arch);
        return NULL;
    }
    if (virttype && !g_str_equal(virttype, "qemu") &&
        !g_str_equal(virttype, "kvm")) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "unknown virttype: %s", virttype);
        return NULL;
    }
    return qemu_caps_format_domcaps(caps, virttype ? virttype : "qemu",
                                    machine, qemu_host_kvm_usable());
}
