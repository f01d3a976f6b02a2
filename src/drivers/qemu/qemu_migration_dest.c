/* qemu_migration_dest.c: the destination side of a migration - Prepare
 * (checks, then QEMU started paused with -incoming defer and listening)
 * and Finish (wait for the stream, run the guest; or kill the incoming
 * QEMU when the migration was cancelled).  A refused or failed incoming
 * migration leaves nothing behind: the transient object is dropped and an
 * existing inactive definition is left as it was.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_job_info.h"
#include "drivers/qemu/qemu_migration_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

#define POLL_US 20000
#define INCOMING_TIMEOUT_S 600

static int
refuse_same_host(QemuDriver *drv, const QemuMigCookie *c)
{
    g_autofree char *ours = qemu_mig_host_uuid(drv);

    if (!ours)
        return -1;
    if (c->hostuuid && g_ascii_strcasecmp(c->hostuuid, ours) == 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "Attempt to migrate guest to the same host %s",
                        ours);
        return -1;
    }
    return 0;
}

/* The incoming definition: destination_xml (required), renamed with
 * destination_name. */
static VrDomainDef *
incoming_def(const QemuMigrateParams *params, const QemuMigCookie *c)
{
    const char *xml = params->dxml ? params->dxml : c->xml;
    VrDomainDef *def;

    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "no domain XML was passed to the destination");
        return NULL;
    }
    if (!(def = vr_domain_def_parse_string(xml, "(migration)", 0)))
        return NULL;
    if (params->dname) {
        g_free(def->name);
        def->name = g_strdup(params->dname);
    }
    if (!vr_domain_name_check(def->name)) {
        vr_domain_def_free(def);
        return NULL;
    }
    return def;
}

/* Name and UUID rules (as define): an existing domain may receive the
 * guest only if it has the same name and UUID and is not running.
 * *existing gets it (a reference) or NULL. */
static int
check_clash(QemuDriver *drv, const VrDomainDef *def, VrDomainObj **existing)
{
    g_autoptr(VrDomainObj) by_name = NULL;
    g_autoptr(VrDomainObj) by_uuid = NULL;
    char uuid[VR_UUID_STRING_BUFLEN];
    bool active;

    *existing = NULL;
    by_name = vr_domain_obj_list_find_by_name(drv->domains, def->name);
    by_uuid = vr_domain_obj_list_find_by_uuid(drv->domains, def->uuid);
    if (by_name && by_name != by_uuid) {
        vr_uuid_format(by_name->uuid, uuid);
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' already exists with uuid %s",
                        def->name, uuid);
        return -1;
    }
    if (by_uuid && !by_name) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' is already defined with the same uuid",
                        by_uuid->name);
        return -1;
    }
    if (!by_uuid)
        return 0;
    vr_domain_obj_lock(by_uuid);
    active = vr_domain_obj_is_active(by_uuid);
    vr_domain_obj_unlock(by_uuid);
    if (active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is already active", def->name);
        return -1;
    }
    *existing = g_steal_pointer(&by_uuid);
    return 0;
}

/* The host name the source should connect to: the client's migrate_uri
 * host, $VIREOD_MIGRATION_HOST, or our host name. */
static char *
advertised_host(const QemuMigrateParams *params)
{
    const char *env = g_getenv("VIREOD_MIGRATION_HOST");

    if (params->uri && g_str_has_prefix(params->uri, "tcp:")) {
        const char *h = params->uri + 4;
        const char *colon;

        while (*h == '/')
            h++;
        colon = strrchr(h, ':');
        if (*h)
            return colon ? g_strndup(h, colon - h) : g_strdup(h);
    }
    if (env && *env)
        return g_strdup(env);
    return qemu_host_get_hostname();
}

/* Start QEMU for the incoming stream on @obj (inside its job). */
static int
start_incoming(QemuDriver *drv, VrDomainObj *obj, const VrDomainDef *def,
               const QemuMigrateParams *params, int port)
{
    g_autofree char *listen = g_strdup_printf("tcp:%s:%d",
                                              params->listen_address ?
                                              params->listen_address :
                                              "0.0.0.0", port);
    QemuIncoming inc = {
        .def = def, .fd = -1, .uri = listen,
        .running_reason = QEMU_RUNNING_MIGRATED,
        .started_detail = QEMU_DETAIL_STARTED_MIGRATED,
        .resumed_detail = QEMU_DETAIL_RESUMED_MIGRATED,
        .listen_only = true,
    };

    if (qemu_process_start_incoming(drv, obj, QEMU_START_PAUSED, NULL,
                                    &inc) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    obj->reason = QEMU_PAUSED_MIGRATION;
    vr_domain_obj_unlock(obj);
    VR_INFO("domain '%s': waiting for the migration stream on %s",
            obj->name, listen);
    return 0;
}

static int
prepare_live(QemuDriver *drv, VrDomainDef *def,
             const QemuMigrateParams *params, char **uri_out)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *host = NULL;
    bool created = false;
    int port, rc;

    if (check_clash(drv, def, &obj) < 0)
        return -1;
    if (!obj) {
        obj = vr_domain_obj_new(vr_domain_def_copy(def));
        if (vr_domain_obj_list_add(drv->domains, obj) < 0)
            return -1;
        created = true;
    }
    if ((port = qemu_mig_port_reserve()) < 0) {
        if (created)
            vr_domain_obj_list_remove(drv->domains, obj);
        return -1;
    }
    rc = qemu_job_begin(obj, QEMU_JOB_MIGRATION_IN, QEMU_JOB_WAIT_MS);
    if (rc == 0) {
        rc = start_incoming(drv, obj, def, params, port);
        qemu_job_end(obj);
    }
    /* QEMU holds the port now (or never will) */
    qemu_mig_port_release(port);
    if (rc < 0) {
        if (created)
            vr_domain_obj_list_remove(drv->domains, obj);
        return -1;
    }
    host = advertised_host(params);
    *uri_out = g_strdup_printf("tcp:%s:%d", host ? host : "localhost", port);
    vr_error_reset();
    return 0;
}

int
qemu_migration_prepare(QemuDriver *drv, const QemuMigrateParams *params,
                       const char *cookie_in, unsigned int flags,
                       char **cookie_out, char **uri_out)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainObj) existing = NULL;
    QemuMigCookie c = { 0 };
    int rc = -1;

    *uri_out = NULL;
    if (VR_CHECK_FLAGS(flags, QEMU_MIGRATE_SUPPORTED) < 0 ||
        qemu_mig_cookie_parse(cookie_in, &c) < 0)
        return -1;
    if (refuse_same_host(drv, &c) < 0 || !(def = incoming_def(params, &c)))
        goto out;
    if (flags & QEMU_MIGRATE_OFFLINE) {
        /* only the definition moves, in Finish; clients still expect a
         * URI (libvirt's answer too), which Perform ignores */
        g_autofree char *host = advertised_host(params);

        rc = check_clash(drv, def, &existing);
        if (rc == 0)
            *uri_out = g_strdup_printf("tcp:%s", host ? host : "localhost");
    } else {
        rc = prepare_live(drv, def, params, uri_out);
    }
    if (rc == 0) {
        QemuMigCookie o = { .name = g_strdup(def->name) };

        o.hostuuid = qemu_mig_host_uuid(drv);
        *cookie_out = qemu_mig_cookie_format(&o);
        qemu_mig_cookie_clear(&o);
        VR_INFO("domain '%s': incoming migration prepared%s%s", def->name,
                *uri_out ? " at " : "", *uri_out ? *uri_out : "");
    }
 out:
    qemu_mig_cookie_clear(&c);
    return rc;
}

/* Wait until QEMU has loaded the whole stream.  0 or -1 reported. */
static int
wait_incoming(VrDomainObj *obj, QemuMonitor *mon)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64) INCOMING_TIMEOUT_S * G_TIME_SPAN_SECOND;

    while (g_get_monotonic_time() < deadline) {
        g_autofree char *status = NULL;
        g_autofree char *why = NULL;
        QemuJobStats st = { 0 };

        if (qemu_mig_query(mon, &status, &st, &why) < 0)
            return -1;
        if (g_str_equal(status, "completed"))
            return 0;
        if (g_str_equal(status, "failed") || g_str_equal(status, "cancelled")) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "incoming migration of domain '%s' failed: %s",
                            obj->name, why ? why : status);
            return -1;
        }
        g_usleep(POLL_US);
    }
    vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_QEMU,
                    "incoming migration of domain '%s' did not complete",
                    obj->name);
    return -1;
}

/* The guest runs here now: vCPUs on, state, events. */
static int
run_guest(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
          unsigned int flags)
{
    bool paused = flags & QEMU_MIGRATE_PAUSED;

    if (!paused && qemu_monitor_cont(mon) < 0)
        return -1;
    qemu_process_set_state(obj, paused ? VR_DOMAIN_PAUSED : VR_DOMAIN_RUNNING,
                           paused ? QEMU_PAUSED_MIGRATION :
                                    QEMU_RUNNING_MIGRATED);
    if (qemu_status_save(drv, obj) < 0)
        return -1;
    if (!paused)
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_RESUMED, QEMU_DETAIL_RESUMED_MIGRATED);
    return 0;
}

/* With PERSIST_DEST: define the domain here (persistent_xml, or the
 * definition it runs with). */
static int
make_persistent(QemuDriver *drv, VrDomainObj *obj,
                const QemuMigrateParams *params, const char *xml_in)
{
    g_autofree char *xml = NULL;
    QemuDomainRef ref = { 0 };
    int rc;

    if (params->persist_xml) {
        xml = g_strdup(params->persist_xml);
    } else if (xml_in) {
        xml = g_strdup(xml_in);
    } else {
        vr_domain_obj_lock(obj);
        xml = vr_domain_def_format(obj->def, -1, VR_DOMAIN_FORMAT_INACTIVE |
                                                VR_DOMAIN_FORMAT_SECURE);
        vr_domain_obj_unlock(obj);
    }
    rc = qemu_domain_define(drv, xml, 0, &ref, NULL);
    qemu_domain_ref_clear(&ref);
    if (rc < 0)
        vr_error_prefix("migrated domain '%s' could not be made persistent",
                        obj->name);
    return rc;
}

static int
finish_offline(QemuDriver *drv, const QemuMigrateParams *params,
               const QemuMigCookie *c, QemuDomainRef *out)
{
    g_autoptr(VrDomainDef) def = incoming_def(params, c);
    g_autofree char *xml = NULL;

    if (!def)
        return -1;
    xml = vr_domain_def_format(def, -1, VR_DOMAIN_FORMAT_INACTIVE |
                                        VR_DOMAIN_FORMAT_SECURE);
    VR_INFO("domain '%s': definition migrated here (offline)", def->name);
    return qemu_domain_define(drv, xml, 0, out, NULL);
}

/* *@resumed: the wall clock once the guest runs here (or would, with
 * QEMU_MIGRATE_PAUSED). */
static int
finish_live(QemuDriver *drv, VrDomainObj *obj,
            const QemuMigrateParams *params, unsigned int flags,
            bool cancelled, unsigned long long *resumed)
{
    QemuMonitor *mon;
    int rc = -1;

    if (qemu_job_begin(obj, QEMU_JOB_MIGRATION_IN, QEMU_JOB_WAIT_MS) < 0)
        return -1;
    if (cancelled) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "migration of domain '%s' was cancelled", obj->name);
    } else if ((mon = qemu_mig_monitor(obj)) &&
               wait_incoming(obj, mon) == 0 &&
               run_guest(drv, obj, mon, flags) == 0) {
        *resumed = qemu_mig_now_ms();
        rc = 0;
    }
    if (rc < 0) {
        g_autoptr(VrError) err = vr_error_copy_last();

        VR_INFO("domain '%s': incoming migration abandoned", obj->name);
        qemu_process_stop(drv, obj, QEMU_SHUTOFF_FAILED,
                          QEMU_DETAIL_STOPPED_FAILED);
        if (err)
            vr_error_set_raw(err->code, err->domain, err->level,
                             err->message, err->str1, err->str2);
    }
    qemu_job_end(obj);
    if (rc == 0 && (flags & QEMU_MIGRATE_PERSIST_DEST))
        rc = make_persistent(drv, obj, params, NULL);
    return rc;
}

/* The completed incoming job, libvirt's destination record: the
 * source's figures from the Perform cookie, the clock delta between
 * the source's "sent" and @received (Finish began), and the times up to
 * @resumed on this host's clock - so downtime runs from the source's
 * vCPUs stopping to the guest running here, clock skew included. */
static void
complete_incoming(VrDomainObj *obj, QemuJobStats *st,
                  unsigned long long received, unsigned long long resumed)
{
    st->type = 3;
    st->operation = QEMU_JOB_OP_MIGRATION_IN;
    if (st->sent) {
        st->time_delta = (long long) (received - st->sent);
        st->has_time_delta = true;
    }
    qemu_mig_update_times(st, resumed);
    qemu_mig_store_completed(obj, st);
    VR_INFO("domain '%s': migration downtime %llu ms, clock delta %lld ms",
            obj->name, st->downtime, st->time_delta);
}

int
qemu_migration_finish(QemuDriver *drv, const QemuMigrateParams *params,
                      const char *cookie_in, unsigned int flags,
                      bool cancelled, QemuDomainRef *out, char **cookie_out)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMigCookie c = { 0 };
    unsigned char uuid[VR_UUID_BUFLEN];
    unsigned long long received = qemu_mig_now_ms(), resumed = 0;
    int rc = -1;

    if (VR_CHECK_FLAGS(flags, QEMU_MIGRATE_SUPPORTED) < 0 ||
        qemu_mig_cookie_parse(cookie_in, &c) < 0)
        return -1;
    if (flags & QEMU_MIGRATE_OFFLINE) {
        rc = cancelled ? 0 : finish_offline(drv, params, &c, out);
        goto done;
    }
    if (!c.uuid || vr_uuid_parse(c.uuid, uuid) < 0 ||
        !(obj = vr_domain_obj_list_find_by_uuid(drv->domains, uuid))) {
        vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                        "no incoming migration of domain '%s' here",
                        c.name ? c.name : "?");
        goto done;
    }
    if ((rc = finish_live(drv, obj, params, flags, cancelled,
                          &resumed)) == 0) {
        if (c.has_stats)
            complete_incoming(obj, &c.stats, received, resumed);
        qemu_domain_ref_fill(out, obj);
        VR_INFO("domain '%s': incoming migration finished", obj->name);
    }
 done:
    if (rc == 0)
        *cookie_out = qemu_mig_cookie_format(&(QemuMigCookie) {
                                                 .name = c.name,
                                                 .stats = c.stats,
                                                 .has_stats = c.has_stats });
    qemu_mig_cookie_clear(&c);
    return rc;
}
