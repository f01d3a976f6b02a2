/* daemon_dispatch_migrate.c: the migration v3 procedures with typed
 * parameters (302 BEGIN3, 303 PREPARE3, 305 PERFORM3, 306 FINISH3,
 * 307 CONFIRM3) and the job procedures (163, 164, 298): wire <-> driver
 * glue.  The steps themselves are qemu_migration*.c; the peer-to-peer
 * sequence is daemon_migrate_client.c.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_migrate.h"
#include "drivers/qemu/qemu_job_info.h"
#include "util/vr_error.h"

enum { TP_INT = 1, TP_UINT, TP_LLONG, TP_ULLONG, TP_DOUBLE, TP_BOOL,
       TP_STRING };

static int
param_string(const vr_typed_param *p, const char **out)
{
    if (p->value.type != TP_STRING) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "migration parameter '%s' must be a string",
                        p->field);
        return -1;
    }
    *out = p->value.vr_typed_param_value_u.s;
    return 0;
}

int
daemon_migrate_params_parse(const vr_typed_param *params, u_int n,
                            QemuMigrateParams *out)
{
    static const char *const strings[] = {
        "migrate_uri", "destination_name", "destination_xml",
        "persistent_xml", "listen_address",
    };
    const char **slots[] = {
        &out->uri, &out->dname, &out->dxml, &out->persist_xml,
        &out->listen_address,
    };

    memset(out, 0, sizeof(*out));
    for (u_int i = 0; i < n; i++) {
        const vr_typed_param *p = &params[i];
        bool known = false;

        for (size_t k = 0; k < G_N_ELEMENTS(strings) && !known; k++) {
            if (g_str_equal(p->field, strings[k])) {
                if (param_string(p, slots[k]) < 0)
                    return -1;
                known = true;
            }
        }
        if (known)
            continue;
        if (g_str_equal(p->field, "bandwidth") &&
            p->value.type == TP_ULLONG) {
            out->bandwidth = p->value.vr_typed_param_value_u.ul;
            continue;
        }
        vr_error_report(VR_ERR_ARGUMENT_UNSUPPORTED, VR_FROM_QEMU,
                        "migration parameter '%s' is not supported",
                        p->field);
        return -1;
    }
    return 0;
}

static void
add_string(GArray *arr, const char *field, const char *value)
{
    vr_typed_param p = { 0 };

    if (!value)
        return;
    p.field = g_strdup(field);
    p.value.type = TP_STRING;
    p.value.vr_typed_param_value_u.s = g_strdup(value);
    g_array_append_val(arr, p);
}

static void
add_ullong(GArray *arr, const char *field, unsigned long long value)
{
    vr_typed_param p = { 0 };

    p.field = g_strdup(field);
    p.value.type = TP_ULLONG;
    p.value.vr_typed_param_value_u.ul = value;
    g_array_append_val(arr, p);
}

static void
add_int(GArray *arr, const char *field, int value)
{
    vr_typed_param p = { 0 };

    p.field = g_strdup(field);
    p.value.type = TP_INT;
    p.value.vr_typed_param_value_u.i = value;
    g_array_append_val(arr, p);
}

static void
steal_params(GArray *arr, vr_typed_param **params, u_int *n)
{
    *n = arr->len;
    *params = (vr_typed_param *) g_array_free(arr, arr->len == 0);
}

void
daemon_migrate_params_build(const QemuMigrateParams *p,
                            vr_typed_param **params, u_int *n)
{
    GArray *arr = g_array_new(FALSE, TRUE, sizeof(vr_typed_param));

    add_string(arr, "migrate_uri", p->uri);
    add_string(arr, "destination_name", p->dname);
    add_string(arr, "destination_xml", p->dxml);
    add_string(arr, "persistent_xml", p->persist_xml);
    add_string(arr, "listen_address", p->listen_address);
    if (p->bandwidth)
        add_ullong(arr, "bandwidth", p->bandwidth);
    steal_params(arr, params, n);
}

void
daemon_typed_params_free(vr_typed_param *params, u_int n)
{
    for (u_int i = 0; i < n; i++) {
        g_free(params[i].field);
        if (params[i].value.type == TP_STRING)
            g_free(params[i].value.vr_typed_param_value_u.s);
    }
    g_free(params);
}

/* Opaque cookie bytes -> NUL-terminated text (owned). */
static char *
cookie_text(u_int len, const char *val)
{
    return len ? g_strndup(val, len) : NULL;
}

static void
cookie_out(char *text, u_int *len, char **val)
{
    *len = text ? strlen(text) : 0;
    *val = text;
}

DAEMON_HANDLER(domain_migrate_begin3_params)
{
    const vr_domain_migrate_begin3_params_args *a = args;
    vr_domain_migrate_begin3_params_ret *r = ret;
    QemuMigrateParams params;
    QemuDomainRef ref;
    char *cookie = NULL;

    daemon_dom_from_wire(&ref, &a->dom);
    if (daemon_migrate_params_parse(a->params.params_val,
                                    a->params.params_len, &params) < 0)
        return -1;
    r->xml = qemu_migration_begin(daemon_client_driver(sess), &ref, &params,
                                  a->flags, &cookie);
    if (!r->xml)
        return -1;
    cookie_out(cookie, &r->cookie_out.cookie_out_len,
               &r->cookie_out.cookie_out_val);
    return 0;
}

DAEMON_HANDLER(domain_migrate_prepare3_params)
{
    const vr_domain_migrate_prepare3_params_args *a = args;
    vr_domain_migrate_prepare3_params_ret *r = ret;
    g_autofree char *cin = cookie_text(a->cookie_in.cookie_in_len,
                                       a->cookie_in.cookie_in_val);
    QemuMigrateParams params;
    char *cookie = NULL;
    char *uri = NULL;

    if (daemon_migrate_params_parse(a->params.params_val,
                                    a->params.params_len, &params) < 0 ||
        qemu_migration_prepare(daemon_client_driver(sess), &params, cin,
                               a->flags, &cookie, &uri) < 0)
        return -1;
    cookie_out(cookie, &r->cookie_out.cookie_out_len,
               &r->cookie_out.cookie_out_val);
    if (uri) {
        r->uri_out = g_new0(char *, 1);
        *r->uri_out = uri;
    }
    return 0;
}

DAEMON_HANDLER(domain_migrate_perform3_params)
{
    const vr_domain_migrate_perform3_params_args *a = args;
    vr_domain_migrate_perform3_params_ret *r = ret;
    g_autofree char *cin = cookie_text(a->cookie_in.cookie_in_len,
                                       a->cookie_in.cookie_in_val);
    QemuDriver *drv = daemon_client_driver(sess);
    QemuMigrateParams params;
    QemuDomainRef ref;
    char *cookie = NULL;

    daemon_dom_from_wire(&ref, &a->dom);
    if (daemon_migrate_params_parse(a->params.params_val,
                                    a->params.params_len, &params) < 0)
        return -1;
    if (a->flags & QEMU_MIGRATE_PEER2PEER) {
        if (!a->dconnuri || !**a->dconnuri) {
            vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                            "peer-to-peer migration needs the destination "
                            "URI");
            return -1;
        }
        return daemon_migrate_p2p(drv, &ref, *a->dconnuri, &params,
                                  a->flags);
    }
    if (qemu_migration_perform(drv, &ref, &params, cin, a->flags,
                               &cookie) < 0)
        return -1;
    cookie_out(cookie, &r->cookie_out.cookie_out_len,
               &r->cookie_out.cookie_out_val);
    return 0;
}

DAEMON_HANDLER(domain_migrate_finish3_params)
{
    const vr_domain_migrate_finish3_params_args *a = args;
    vr_domain_migrate_finish3_params_ret *r = ret;
    g_autofree char *cin = cookie_text(a->cookie_in.cookie_in_len,
                                       a->cookie_in.cookie_in_val);
    QemuMigrateParams params;
    QemuDomainRef out = { 0 };
    char *cookie = NULL;

    if (daemon_migrate_params_parse(a->params.params_val,
                                    a->params.params_len, &params) < 0 ||
        qemu_migration_finish(daemon_client_driver(sess), &params, cin,
                              a->flags, a->cancelled != 0, &out,
                              &cookie) < 0)
        return -1;
    daemon_dom_to_wire(&r->dom, &out);
    cookie_out(cookie, &r->cookie_out.cookie_out_len,
               &r->cookie_out.cookie_out_val);
    return 0;
}

DAEMON_HANDLER(domain_migrate_confirm3_params)
{
    const vr_domain_migrate_confirm3_params_args *a = args;
    g_autofree char *cin = cookie_text(a->cookie_in.cookie_in_len,
                                       a->cookie_in.cookie_in_val);
    QemuDomainRef ref;

    (void) ret;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_migration_confirm(daemon_client_driver(sess), &ref, cin,
                                  a->flags, a->cancelled != 0);
}

/* ---- jobs ---- */

/* Migration jobs come from qemu_migration_job_stats (all QEMU figures,
 * the completed record); other jobs (save ...) from qemu_job_info.h. */
static int
job_stats(VrRpcSession *sess, const QemuDomainRef *ref, unsigned int flags,
          QemuJobStats *st)
{
    QemuDriver *drv = daemon_client_driver(sess);
    QemuJobInfo info;

    if ((flags & 1) || qemu_migration_is_running(drv, ref))
        return qemu_migration_job_stats(drv, ref, flags, st);
    memset(st, 0, sizeof(*st));
    if (qemu_domain_get_job_info(drv, ref, flags, &info) < 0)
        return -1;
    st->type = info.type;
    st->operation = info.operation;
    st->time_elapsed = info.time_elapsed_ms;
    st->data_total = info.data_total;
    st->data_processed = info.data_processed;
    st->data_remaining = info.data_remaining;
    st->mem_bps = info.mem_bps;
    return 0;
}

DAEMON_HANDLER(domain_get_job_info)
{
    const vr_domain_args *a = args;
    vr_domain_get_job_info_ret *r = ret;
    QemuDomainRef ref;
    QemuJobStats st;

    daemon_dom_from_wire(&ref, &a->dom);
    if (job_stats(sess, &ref, 0, &st) < 0)
        return -1;
    r->type = st.type;
    r->time_elapsed = st.time_elapsed;
    r->time_remaining = st.time_remaining;
    r->data_total = st.data_total;
    r->data_processed = st.data_processed;
    r->data_remaining = st.data_remaining;
    r->mem_total = st.mem_total;
    r->mem_processed = st.mem_processed;
    r->mem_remaining = st.mem_remaining;
    return 0;
}

/* libvirt's qemuDomainMigrationJobDataToParams: the "_net" figures leave
 * out the clock delta, and only when the figure exceeds it compared as
 * unsigned (so a negative delta - destination clock behind - drops them,
 * as libvirt does). */
static void
times_to_params(const QemuJobStats *st, GArray *arr)
{
    unsigned long long delta = (unsigned long long) st->time_delta;

    add_ullong(arr, "time_elapsed", st->time_elapsed);
    if (st->has_time_delta && st->time_elapsed > delta)
        add_ullong(arr, "time_elapsed_net", st->time_elapsed - delta);
    if (st->type != 3 || !st->has_downtime)
        return;
    add_ullong(arr, "downtime", st->downtime);
    if (st->has_time_delta && st->downtime > delta)
        add_ullong(arr, "downtime_net", st->downtime - delta);
}

/* A migration's memory block, in libvirt's order and with its constant
 * zeros (no post-copy, no storage copy), as libvirtd 9.0 sends it. */
static void
migration_memory_to_params(const QemuJobStats *st, GArray *arr)
{
    add_ullong(arr, "memory_total", st->mem_total);
    add_ullong(arr, "memory_processed", st->mem_processed);
    add_ullong(arr, "memory_remaining", st->mem_remaining);
    add_ullong(arr, "memory_bps", st->mem_bps);
    add_ullong(arr, "memory_constant", st->mem_constant);
    add_ullong(arr, "memory_normal", st->mem_normal);
    add_ullong(arr, "memory_normal_bytes", st->mem_normal_bytes);
    add_ullong(arr, "memory_dirty_rate", st->mem_dirty_rate);
    add_ullong(arr, "memory_iteration", st->mem_iteration);
    add_ullong(arr, "memory_postcopy_requests", 0);
    add_ullong(arr, "memory_page_size", st->mem_page_size);
    add_ullong(arr, "disk_total", 0);
    add_ullong(arr, "disk_processed", 0);
    add_ullong(arr, "disk_remaining", 0);
}

static void
stats_to_params(const QemuJobStats *st, GArray *arr)
{
    bool migration = st->operation == QEMU_JOB_OP_MIGRATION_IN ||
                     st->operation == QEMU_JOB_OP_MIGRATION_OUT;

    add_int(arr, "operation", st->operation);
    times_to_params(st, arr);
    if (st->setup_time || (migration && st->type == 3))
        add_ullong(arr, "setup_time", st->setup_time);
    add_ullong(arr, "data_total", st->data_total);
    add_ullong(arr, "data_processed", st->data_processed);
    add_ullong(arr, "data_remaining", st->data_remaining);
    if (migration) {
        migration_memory_to_params(st, arr);
        return;
    }
    if (st->mem_total || st->mem_processed) {
        add_ullong(arr, "memory_total", st->mem_total);
        add_ullong(arr, "memory_processed", st->mem_processed);
        add_ullong(arr, "memory_remaining", st->mem_remaining);
    }
    if (st->mem_bps)
        add_ullong(arr, "memory_bps", st->mem_bps);
}

DAEMON_HANDLER(domain_get_job_stats)
{
    const vr_domain_flags_args *a = args;
    vr_domain_get_job_stats_ret *r = ret;
    GArray *arr;
    QemuDomainRef ref;
    QemuJobStats st;

    daemon_dom_from_wire(&ref, &a->dom);
    if (job_stats(sess, &ref, a->flags, &st) < 0)
        return -1;
    r->type = st.type;
    if (st.type == 0)
        return 0;
    arr = g_array_new(FALSE, TRUE, sizeof(vr_typed_param));
    stats_to_params(&st, arr);
    steal_params(arr, &r->params.params_val, &r->params.params_len);
    return 0;
}

DAEMON_HANDLER(domain_abort_job)
{
    const vr_domain_args *a = args;
    QemuDomainRef ref;

    (void) ret;
    if (daemon_client_check_write(sess, "virDomainAbortJob") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_domain_abort_job(daemon_client_driver(sess), &ref);
}
