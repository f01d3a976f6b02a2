/* qemu_migration.c: the source side of a migration - Begin, Perform and
 * Confirm (qemu_migration.h).  The destination side is in
 * qemu_migration_dest.c, the bookkeeping in qemu_migration_job.c.
 *
 * Perform holds the domain's "migration out" job while QEMU sends; the
 * job is a name, not a lock, so domjobinfo and domjobabort (which issue
 * their own QMP commands - the monitor is thread-safe) go on meanwhile.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_job_info.h"
#include "drivers/qemu/qemu_migration_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

static int
check_flags(unsigned int flags)
{
    if (flags & ~QEMU_MIGRATE_SUPPORTED & (QEMU_MIGRATE_TUNNELLED |
                                           QEMU_MIGRATE_NON_SHARED_DISK |
                                           QEMU_MIGRATE_NON_SHARED_INC |
                                           QEMU_MIGRATE_COMPRESSED)) {
        vr_error_report(VR_ERR_ARGUMENT_UNSUPPORTED, VR_FROM_QEMU,
                        "migration flags 0x%x are not supported (tunnelled "
                        "migration, storage copy and compression are not "
                        "implemented: use shared storage)",
                        flags & ~QEMU_MIGRATE_SUPPORTED);
        return -1;
    }
    if (VR_CHECK_FLAGS(flags, QEMU_MIGRATE_SUPPORTED) < 0)
        return -1;
    if ((flags & QEMU_MIGRATE_OFFLINE) &&
        !(flags & QEMU_MIGRATE_PERSIST_DEST)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "offline migration requires --persistent");
        return -1;
    }
    return 0;
}

/* The cookie every step sends: who we are and which domain. */
static char *
identity_cookie(QemuDriver *drv, VrDomainObj *obj, const char *xml,
                const QemuJobStats *stats)
{
    QemuMigCookie c = { 0 };
    char uuid[VR_UUID_STRING_BUFLEN];
    char *text = NULL;

    vr_uuid_format(obj->uuid, uuid);
    c.name = g_strdup(obj->name);
    c.uuid = g_strdup(uuid);
    c.hostname = qemu_host_get_hostname();
    vr_error_reset();
    if ((c.hostuuid = qemu_mig_host_uuid(drv))) {
        c.xml = g_strdup(xml);
        if (stats) {
            c.stats = *stats;
            c.has_stats = true;
        }
        text = qemu_mig_cookie_format(&c);
    }
    qemu_mig_cookie_clear(&c);
    return text;
}

/* The definition to send: the live one for a running domain, the
 * persistent one for offline migration, or the caller's @dxml. */
static char *
domain_xml(VrDomainObj *obj, const char *dxml, unsigned int flags)
{
    const VrDomainDef *def;
    char *xml = NULL;

    if (dxml)
        return g_strdup(dxml);
    vr_domain_obj_lock(obj);
    def = (flags & QEMU_MIGRATE_OFFLINE) && obj->new_def ? obj->new_def :
                                                           obj->def;
    xml = vr_domain_def_format(def, -1, VR_DOMAIN_FORMAT_INACTIVE |
                                        VR_DOMAIN_FORMAT_SECURE);
    vr_domain_obj_unlock(obj);
    return xml;
}

char *
qemu_migration_begin(QemuDriver *drv, const QemuDomainRef *dom,
                     const QemuMigrateParams *params, unsigned int flags,
                     char **cookie_out)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *xml = NULL;
    bool active, persistent;

    if (check_flags(flags) < 0 || !(obj = qemu_driver_get_obj(drv, dom)))
        return NULL;
    vr_domain_obj_lock(obj);
    active = vr_domain_obj_is_active(obj);
    persistent = obj->persistent;
    vr_domain_obj_unlock(obj);
    if (!(flags & QEMU_MIGRATE_OFFLINE) && !active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running (use --offline to "
                        "migrate its definition)", obj->name);
        return NULL;
    }
    if ((flags & QEMU_MIGRATE_OFFLINE) && !persistent) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "cannot migrate transient domain '%s' offline",
                        obj->name);
        return NULL;
    }
    if (!(xml = domain_xml(obj, params->dxml, flags)))
        return NULL;
    if (!(*cookie_out = identity_cookie(drv, obj, NULL, NULL)))
        return NULL;
    VR_INFO("domain '%s': migration begins (flags 0x%x)", obj->name, flags);
    return g_steal_pointer(&xml);
}

/* Source QEMU: migration parameters, then "migrate" (*@t_migrate: the
 * wall clock just before, where QEMU's total-time begins). */
static int
start_migrate(QemuMonitor *mon, const QemuMigrateParams *params,
              unsigned int flags, unsigned long long *t_migrate)
{
    VrJson *args;

    /* QEMU's own default is a 32 MiB/s cap: unlimited unless asked */
    if (qemu_async_job_set_bandwidth(mon, params->bandwidth) < 0)
        return -1;
    if (flags & QEMU_MIGRATE_AUTO_CONVERGE) {
        VrJson *caps = vr_json_new_array();
        VrJson *cap = vr_json_new_object();

        vr_json_object_set_string(cap, "capability", "auto-converge");
        vr_json_object_set_bool(cap, "state", true);
        vr_json_array_append(caps, cap);
        args = vr_json_new_object();
        vr_json_object_set(args, "capabilities", caps);
        if (qemu_monitor_command(mon, "migrate-set-capabilities", args, NULL,
                                 0) < 0)
            return -1;
    }
    args = vr_json_new_object();
    vr_json_object_set_string(args, "uri", params->uri);
    *t_migrate = qemu_mig_now_ms();
    return qemu_monitor_command(mon, "migrate", args, NULL, 0);
}

/* The completed outgoing job (libvirt's source record, before Confirm
 * brings the destination's figures): when the vCPUs stopped - for a live
 * migration QEMU stopped them itself, @downtime (its own figure) before
 * the end of its @total_time that began at @t_migrate - and the times up
 * to now, when the cookie leaves ("sent"). */
static void
complete_times(QemuJobStats *stats, unsigned long long t_migrate,
               bool live)
{
    if (live && stats->has_downtime && t_migrate &&
        stats->time_elapsed >= stats->downtime)
        stats->stopped = t_migrate + stats->time_elapsed - stats->downtime;
    stats->sent = qemu_mig_now_ms();
    qemu_mig_update_times(stats, stats->sent);
    stats->type = 3;
    stats->operation = QEMU_JOB_OP_MIGRATION_OUT;
}

/* After a failed or cancelled Perform: the guest runs again. */
static void
resume_after_failure(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon)
{
    bool running = false;
    g_autofree char *status = NULL;

    if (qemu_monitor_query_status(mon, &running, &status) == 0 && !running &&
        qemu_monitor_cont(mon) < 0)
        VR_WARN("domain '%s': cannot resume after failed migration: %s",
                obj->name, vr_error_message());
    if (qemu_process_set_state(obj, VR_DOMAIN_RUNNING,
                               QEMU_RUNNING_MIGRATION_CANCELED)) {
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_RESUMED, QEMU_DETAIL_RESUMED_MIGRATED);
        if (qemu_status_save(drv, obj) < 0)
            VR_WARN("%s", vr_error_message());
    }
}

static int
perform_live(QemuDriver *drv, VrDomainObj *obj,
             const QemuMigrateParams *params, unsigned int flags,
             QemuJobStats *stats)
{
    QemuMonitor *mon;
    unsigned long long t_migrate = 0;
    int rc;

    if (!params->uri) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "migration of domain '%s' needs a destination URI "
                        "(migrate_uri)", obj->name);
        return -1;
    }
    if (!(mon = qemu_mig_monitor(obj)))
        return -1;
    VR_INFO("domain '%s': migrating to %s", obj->name, params->uri);
    stats->started = qemu_mig_now_ms();
    if (!(flags & QEMU_MIGRATE_LIVE)) {
        if (qemu_monitor_stop(mon) < 0)
            return -1;
        stats->stopped = qemu_mig_now_ms();
        qemu_process_set_state(obj, VR_DOMAIN_PAUSED, QEMU_PAUSED_MIGRATION);
    }
    qemu_async_job_begin(obj, QEMU_JOB_OP_MIGRATION_OUT);
    rc = start_migrate(mon, params, flags, &t_migrate);
    if (rc == 0)
        rc = qemu_async_job_wait_migration(obj, mon, "migration out");
    if (rc == 0) {
        g_autofree char *status = NULL;

        rc = qemu_mig_query(mon, &status, stats, NULL);   /* downtime */
    }
    qemu_async_job_end(obj);
    if (rc < 0) {
        g_autoptr(VrError) err = vr_error_copy_last();

        resume_after_failure(drv, obj, mon);
        if (err)
            vr_error_set_raw(err->code, err->domain, err->level,
                             err->message, err->str1, err->str2);
        return -1;
    }
    /* QEMU stopped the vCPUs for the final pass: the guest now lives on
     * the destination until Confirm says otherwise. */
    complete_times(stats, t_migrate, flags & QEMU_MIGRATE_LIVE);
    qemu_mig_store_completed(obj, stats);
    if (qemu_process_set_state(obj, VR_DOMAIN_PAUSED, QEMU_PAUSED_MIGRATION))
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_SUSPENDED,
                         QEMU_DETAIL_SUSPENDED_MIGRATED);
    VR_INFO("domain '%s': migration completed in %llu ms (downtime %llu ms)",
            obj->name, stats->time_elapsed, stats->downtime);
    return 0;
}

int
qemu_migration_perform(QemuDriver *drv, const QemuDomainRef *dom,
                       const QemuMigrateParams *params,
                       const char *cookie_in, unsigned int flags,
                       char **cookie_out)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *xml = NULL;
    QemuMigCookie in = { 0 };
    QemuJobStats stats = { 0 };
    int rc;

    if (check_flags(flags) < 0 || qemu_mig_cookie_parse(cookie_in, &in) < 0)
        return -1;
    qemu_mig_cookie_clear(&in);
    if (!(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    if (flags & QEMU_MIGRATE_OFFLINE) {
        /* Nothing to send but the definition, which Finish defines. */
        if (!(xml = domain_xml(obj, params->dxml, flags)))
            return -1;
        *cookie_out = identity_cookie(drv, obj, xml, NULL);
        return *cookie_out ? 0 : -1;
    }
    if (qemu_job_begin(obj, QEMU_JOB_MIGRATION_OUT, QEMU_JOB_WAIT_MS) < 0)
        return -1;
    rc = perform_live(drv, obj, params, flags, &stats);
    qemu_job_end(obj);
    if (rc < 0)
        return -1;
    *cookie_out = identity_cookie(drv, obj, NULL, &stats);
    return *cookie_out ? 0 : -1;
}

/* Confirm, success: libvirt's source record takes the destination's
 * downtime and clock delta from the Finish cookie @in, and its elapsed
 * time runs to now. */
static void
confirm_stats(VrDomainObj *obj, const QemuMigCookie *in)
{
    QemuJobStats st;

    if (!in->has_stats || !qemu_mig_lookup_completed(obj->uuid, &st))
        return;
    qemu_mig_update_times(&st, qemu_mig_now_ms());
    st.has_time_delta = in->stats.has_time_delta;
    st.time_delta = in->stats.time_delta;
    st.has_downtime = in->stats.has_downtime;
    st.downtime = in->stats.downtime;
    qemu_mig_store_completed(obj, &st);
}

/* Confirm, success: the guest runs on the destination now. */
static int
confirm_done(QemuDriver *drv, VrDomainObj *obj, const QemuDomainRef *dom,
             unsigned int flags)
{
    bool active, persistent;

    if (!(flags & QEMU_MIGRATE_OFFLINE)) {
        if (qemu_job_begin(obj, QEMU_JOB_MIGRATION_OUT, QEMU_JOB_WAIT_MS) < 0)
            return -1;
        qemu_process_stop(drv, obj, QEMU_SHUTOFF_MIGRATED,
                          QEMU_DETAIL_STOPPED_MIGRATED);
        qemu_job_end(obj);
    }
    vr_domain_obj_lock(obj);
    active = vr_domain_obj_is_active(obj);
    persistent = obj->persistent && !obj->removed;
    vr_domain_obj_unlock(obj);
    VR_INFO("domain '%s': migrated away", obj->name);
    if ((flags & QEMU_MIGRATE_UNDEFINE_SOURCE) && persistent && !active)
        return qemu_domain_undefine(drv, dom, 0);
    return 0;
}

int
qemu_migration_confirm(QemuDriver *drv, const QemuDomainRef *dom,
                       const char *cookie_in, unsigned int flags,
                       bool cancelled)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMigCookie in = { 0 };
    QemuMonitor *mon;

    if (check_flags(flags) < 0 || qemu_mig_cookie_parse(cookie_in, &in) < 0)
        return -1;
    if ((obj = qemu_driver_get_obj(drv, dom)) && !cancelled &&
        !(flags & QEMU_MIGRATE_OFFLINE))
        confirm_stats(obj, &in);
    qemu_mig_cookie_clear(&in);
    if (!obj)
        return -1;
    if (!cancelled)
        return confirm_done(drv, obj, dom, flags);
    if (flags & QEMU_MIGRATE_OFFLINE)
        return 0;
    VR_INFO("domain '%s': migration cancelled, staying here", obj->name);
    if (qemu_job_begin(obj, QEMU_JOB_MIGRATION_OUT, QEMU_JOB_WAIT_MS) < 0)
        return -1;
    if ((mon = qemu_mig_monitor(obj))) {
        bool paused;

        vr_domain_obj_lock(obj);
        paused = obj->state == VR_DOMAIN_PAUSED &&
                 obj->reason == QEMU_PAUSED_MIGRATION;
        vr_domain_obj_unlock(obj);
        if (paused)
            resume_after_failure(drv, obj, mon);
    }
    vr_error_reset();
    qemu_job_end(obj);
    return 0;
}
