/* lib_migrate.c: migration and job statistics (FACTS.md sections 8
 * "Migration" and 11).  vireo_domain_migrate runs libvirt 9.0's
 * client-driven v3-with-parameters sequence itself (Begin on the source,
 * Prepare on the destination, Perform on the source, Finish on the
 * destination, Confirm on the source, each step's cookie handed to the
 * next) or, for peer-to-peer, the single Perform call with the
 * destination URI.  The cookies are opaque here: only the daemons read
 * them. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

#define MIGRATE_FLAGS (VIREO_MIGRATE_LIVE | VIREO_MIGRATE_PEER2PEER | \
    VIREO_MIGRATE_PERSIST_DEST | VIREO_MIGRATE_UNDEFINE_SOURCE | \
    VIREO_MIGRATE_PAUSED | VIREO_MIGRATE_CHANGE_PROTECTION | \
    VIREO_MIGRATE_UNSAFE | VIREO_MIGRATE_OFFLINE)

#define JOB_STATS_FLAGS (VIREO_DOMAIN_JOB_STATS_COMPLETED | \
                         VIREO_DOMAIN_JOB_STATS_KEEP_COMPLETED)

/* CONNECT_SUPPORTS_FEATURE numbers (FACTS.md 5.4). */
enum {
    FEATURE_MIGRATION_P2P = 4,
    FEATURE_CHANGE_PROTECTION = 7,
    FEATURE_MIGRATION_OFFLINE = 12,
    FEATURE_MIGRATION_PARAMS = 13,
};

/* One migration in progress: the wire parameters (owned strings), the
 * flags for the source steps and the destination steps, and the cookie
 * the last step produced (the next one's input). */
typedef struct {
    VireoDomain *dom;
    VireoConn *dconn;
    GArray *params;              /* vr_typed_param */
    unsigned int src_flags;      /* with CHANGE_PROTECTION when offered */
    unsigned int dst_flags;
    char *cookie;
    u_int cookie_len;
} MigCtx;

static void
wire_param_clear(vr_typed_param *p)
{
    g_free(p->field);
    if (p->value.type == VIREO_TYPED_PARAM_STRING)
        g_free(p->value.vr_typed_param_value_u.s);
}

/* Copy one public parameter into wire form (owned copies). */
static void
wire_param_set(vr_typed_param *w, const VireoTypedParam *p)
{
    vr_typed_param_value *v = &w->value;

    w->field = g_strdup(p->field);
    v->type = p->type;
    switch (p->type) {
    case VIREO_TYPED_PARAM_INT:
        v->vr_typed_param_value_u.i = p->value.i;
        break;
    case VIREO_TYPED_PARAM_UINT:
        v->vr_typed_param_value_u.ui = p->value.ui;
        break;
    case VIREO_TYPED_PARAM_LLONG:
        v->vr_typed_param_value_u.l = p->value.l;
        break;
    case VIREO_TYPED_PARAM_ULLONG:
        v->vr_typed_param_value_u.ul = p->value.ul;
        break;
    case VIREO_TYPED_PARAM_DOUBLE:
        v->vr_typed_param_value_u.d = p->value.d;
        break;
    case VIREO_TYPED_PARAM_BOOLEAN:
        v->vr_typed_param_value_u.b = p->value.i != 0;
        break;
    default:
        v->vr_typed_param_value_u.s = g_strdup(p->value.s ? p->value.s : "");
        break;
    }
}

/* The public parameters in wire form; NULL (reported) for a bad type. */
static GArray *
params_to_wire(const VireoTypedParam *params, int nparams)
{
    GArray *arr = g_array_new(FALSE, TRUE, sizeof(vr_typed_param));

    g_array_set_clear_func(arr, (GDestroyNotify) wire_param_clear);
    for (int i = 0; i < nparams; i++) {
        vr_typed_param w = { 0 };

        if (!params[i].field || params[i].type < VIREO_TYPED_PARAM_INT ||
            params[i].type > VIREO_TYPED_PARAM_STRING) {
            vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                            "migration parameter %d has no name or an "
                            "unknown type", i);
            g_array_unref(arr);
            return NULL;
        }
        wire_param_set(&w, &params[i]);
        g_array_append_val(arr, w);
    }
    return arr;
}

/* The index of parameter @field in @arr, or -1. */
static int
params_find(GArray *arr, const char *field)
{
    for (guint i = 0; i < arr->len; i++) {
        if (g_str_equal(g_array_index(arr, vr_typed_param, i).field, field))
            return (int) i;
    }
    return -1;
}

/* Set string parameter @field to @value (replacing an earlier one). */
static void
params_set_string(GArray *arr, const char *field, const char *value)
{
    VireoTypedParam p = { .field = (char *) field,
                          .type = VIREO_TYPED_PARAM_STRING };
    vr_typed_param w = { 0 };
    int old = params_find(arr, field);

    if (old >= 0)
        g_array_remove_index(arr, (guint) old);
    p.value.s = (char *) value;
    wire_param_set(&w, &p);
    g_array_append_val(arr, w);
}

/* Feature probe: 1, 0 (also for a daemon without procedure 60), -1. */
static int
supports_feature(VireoConn *conn, int feature)
{
    vr_connect_supports_feature_args args = { .feature = feature };
    vr_connect_supports_feature_ret ret = { 0 };

    if (vr_lib_call(conn, VR_PROC_CONNECT_SUPPORTS_FEATURE,
                    (xdrproc_t) xdr_vr_connect_supports_feature_args, &args,
                    (xdrproc_t) xdr_vr_connect_supports_feature_ret,
                    &ret) < 0) {
        if (vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        vr_error_reset();
        return 0;
    }
    return ret.supported ? 1 : 0;
}

/* Require @feature of @conn; -1 reported ("not supported by @side"). */
static int
require_feature(VireoConn *conn, int feature, const char *what,
                const char *side)
{
    int rc = supports_feature(conn, feature);

    if (rc == 0)
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_NONE,
                        "%s is not supported by the %s host", what, side);
    return rc > 0 ? 0 : -1;
}

/* Take the cookie a step returned (the next step's input). */
static void
ctx_take_cookie(MigCtx *ctx, char *val, u_int len)
{
    g_free(ctx->cookie);
    ctx->cookie = len ? g_memdup2(val, len) : NULL;
    ctx->cookie_len = len;
}

#define CTX_PARAMS(ctx, a) \
    do { (a).params.params_val = (vr_typed_param *) (ctx)->params->data; \
         (a).params.params_len = (ctx)->params->len; } while (0)
#define CTX_COOKIE(ctx, a) \
    do { (a).cookie_in.cookie_in_val = (ctx)->cookie; \
         (a).cookie_in.cookie_in_len = (ctx)->cookie_len; } while (0)

/* Begin on the source: the cookie and the definition for the
 * destination (which becomes the "destination_xml" parameter). */
static int
step_begin(MigCtx *ctx)
{
    vr_domain_migrate_begin3_params_args a = { .flags = ctx->src_flags };
    vr_domain_migrate_begin3_params_ret r = { 0 };

    vr_lib_domain_to_wire(ctx->dom, &a.dom);
    CTX_PARAMS(ctx, a);
    if (vr_lib_call(ctx->dom->conn, VR_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS,
                    (xdrproc_t) xdr_vr_domain_migrate_begin3_params_args, &a,
                    (xdrproc_t) xdr_vr_domain_migrate_begin3_params_ret,
                    &r) < 0)
        return -1;
    ctx_take_cookie(ctx, r.cookie_out.cookie_out_val,
                    r.cookie_out.cookie_out_len);
    params_set_string(ctx->params, VIREO_MIGRATE_PARAM_DEST_XML, r.xml);
    xdr_free((xdrproc_t) xdr_vr_domain_migrate_begin3_params_ret,
             (char *) &r);
    return 0;
}

/* Prepare on the destination: its cookie and the URI QEMU migrates to
 * (the "migrate_uri" parameter of the next steps). */
static int
step_prepare(MigCtx *ctx)
{
    vr_domain_migrate_prepare3_params_args a = { .flags = ctx->dst_flags };
    vr_domain_migrate_prepare3_params_ret r = { 0 };
    int rc = 0;

    CTX_PARAMS(ctx, a);
    CTX_COOKIE(ctx, a);
    if (vr_lib_call(ctx->dconn, VR_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
                    (xdrproc_t) xdr_vr_domain_migrate_prepare3_params_args,
                    &a, (xdrproc_t) xdr_vr_domain_migrate_prepare3_params_ret,
                    &r) < 0)
        return -1;
    ctx_take_cookie(ctx, r.cookie_out.cookie_out_val,
                    r.cookie_out.cookie_out_len);
    if (r.uri_out && *r.uri_out) {
        params_set_string(ctx->params, VIREO_MIGRATE_PARAM_URI, *r.uri_out);
    } else if (!(ctx->dst_flags & VIREO_MIGRATE_OFFLINE) &&
               params_find(ctx->params, VIREO_MIGRATE_PARAM_URI) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "the destination did not say where to migrate to "
                        "(no URI from Prepare)");
        rc = -1;
    }
    xdr_free((xdrproc_t) xdr_vr_domain_migrate_prepare3_params_ret,
             (char *) &r);
    return rc;
}

/* Perform on the source (@dconnuri non-NULL: peer-to-peer). */
static int
step_perform(MigCtx *ctx, const char *dconnuri)
{
    vr_domain_migrate_perform3_params_args a = { .flags = ctx->src_flags };
    vr_domain_migrate_perform3_params_ret r = { 0 };
    char *uri = (char *) dconnuri;

    vr_lib_domain_to_wire(ctx->dom, &a.dom);
    a.dconnuri = uri ? &uri : NULL;
    CTX_PARAMS(ctx, a);
    CTX_COOKIE(ctx, a);
    if (vr_lib_call(ctx->dom->conn, VR_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS,
                    (xdrproc_t) xdr_vr_domain_migrate_perform3_params_args,
                    &a, (xdrproc_t) xdr_vr_domain_migrate_perform3_params_ret,
                    &r) < 0)
        return -1;
    ctx_take_cookie(ctx, r.cookie_out.cookie_out_val,
                    r.cookie_out.cookie_out_len);
    xdr_free((xdrproc_t) xdr_vr_domain_migrate_perform3_params_ret,
             (char *) &r);
    return 0;
}

/* Finish on the destination (start the guest there, or with @cancelled
 * throw the incoming one away). */
static int
step_finish(MigCtx *ctx, bool cancelled)
{
    vr_domain_migrate_finish3_params_args a = {
        .flags = ctx->dst_flags, .cancelled = cancelled,
    };
    vr_domain_migrate_finish3_params_ret r = { 0 };

    CTX_PARAMS(ctx, a);
    CTX_COOKIE(ctx, a);
    if (vr_lib_call(ctx->dconn, VR_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS,
                    (xdrproc_t) xdr_vr_domain_migrate_finish3_params_args,
                    &a, (xdrproc_t) xdr_vr_domain_migrate_finish3_params_ret,
                    &r) < 0)
        return -1;
    ctx_take_cookie(ctx, r.cookie_out.cookie_out_val,
                    r.cookie_out.cookie_out_len);
    xdr_free((xdrproc_t) xdr_vr_domain_migrate_finish3_params_ret,
             (char *) &r);
    return 0;
}

/* Confirm on the source (stop and clean up, or resume when @cancelled). */
static int
step_confirm(MigCtx *ctx, bool cancelled)
{
    vr_domain_migrate_confirm3_params_args a = {
        .flags = ctx->src_flags, .cancelled = cancelled,
    };

    vr_lib_domain_to_wire(ctx->dom, &a.dom);
    CTX_PARAMS(ctx, a);
    CTX_COOKIE(ctx, a);
    return vr_lib_call(ctx->dom->conn, VR_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS,
                       (xdrproc_t) xdr_vr_domain_migrate_confirm3_params_args,
                       &a, NULL, NULL);
}

/* Keep the first error: @err takes the current one unless it has one. */
static void
keep_first_error(VrError **err)
{
    if (!*err)
        *err = vr_error_copy_last();
}

/* Prepare, Perform, Finish after a successful Begin; returns whether
 * the migration must be cancelled (and the first error in @err). */
static bool
run_dest_steps(MigCtx *ctx, VrError **err)
{
    bool cancelled;

    if (step_prepare(ctx) < 0) {
        keep_first_error(err);
        return true;             /* nothing to Finish: Prepare failed */
    }
    cancelled = false;
    if (!(ctx->src_flags & VIREO_MIGRATE_OFFLINE) &&
        step_perform(ctx, NULL) < 0) {
        keep_first_error(err);
        cancelled = true;
    }
    if (step_finish(ctx, cancelled) < 0 && !cancelled) {
        keep_first_error(err);
        cancelled = true;
    }
    return cancelled;
}

/* The client-driven sequence (FACTS.md 11); 0 or -1 (first error). */
static int
migrate_managed(MigCtx *ctx)
{
    g_autoptr(VrError) err = NULL;
    int state = 0;
    bool cancelled;

    if (step_begin(ctx) < 0)
        return -1;
    if (!(ctx->src_flags & VIREO_MIGRATE_OFFLINE) &&
        vireo_domain_get_state(ctx->dom, &state, NULL) == 0 &&
        state == VIREO_DOMAIN_PAUSED) {
        ctx->src_flags |= VIREO_MIGRATE_PAUSED;
        ctx->dst_flags |= VIREO_MIGRATE_PAUSED;
    }
    vr_error_reset();
    cancelled = run_dest_steps(ctx, &err);
    if (step_confirm(ctx, cancelled) < 0 && !cancelled)
        keep_first_error(&err);
    if (err) {
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
        return -1;
    }
    vr_error_reset();
    return 0;
}

/* Check the features libvirt's client checks, open the destination for
 * the client-driven form, and set the flags of each side. */
static int
migrate_setup(MigCtx *ctx, const char *dest_uri, unsigned int flags)
{
    VireoConn *src = ctx->dom->conn;
    bool offline = flags & VIREO_MIGRATE_OFFLINE;
    int prot;

    if (require_feature(src, FEATURE_MIGRATION_PARAMS,
                        "migration with parameters", "source") < 0 ||
        (offline && require_feature(src, FEATURE_MIGRATION_OFFLINE,
                                    "offline migration", "source") < 0))
        return -1;
    ctx->src_flags = ctx->dst_flags = flags;
    if (flags & VIREO_MIGRATE_PEER2PEER)
        return require_feature(src, FEATURE_MIGRATION_P2P,
                               "peer-to-peer migration", "source");
    if (!(ctx->dconn = vireo_conn_open(dest_uri, 0))) {
        vr_error_prefix("cannot connect to the destination '%s'", dest_uri);
        return -1;
    }
    if (require_feature(ctx->dconn, FEATURE_MIGRATION_PARAMS,
                        "migration with parameters", "destination") < 0 ||
        (offline && require_feature(ctx->dconn, FEATURE_MIGRATION_OFFLINE,
                                    "offline migration",
                                    "destination") < 0) ||
        (prot = supports_feature(src, FEATURE_CHANGE_PROTECTION)) < 0)
        return -1;
    if (prot)
        ctx->src_flags |= VIREO_MIGRATE_CHANGE_PROTECTION;
    return 0;
}

int
vireo_domain_migrate(VireoDomain *dom, const char *dest_uri,
                     const VireoTypedParam *params, int nparams,
                     unsigned int flags)
{
    MigCtx ctx = { .dom = dom };
    int rc = -1;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(dest_uri, -1);
    if (VR_CHECK_FLAGS(flags, MIGRATE_FLAGS) < 0)
        return -1;
    if ((flags & VIREO_MIGRATE_OFFLINE) && (flags & VIREO_MIGRATE_LIVE)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "live and offline migration are mutually "
                        "exclusive");
        return -1;
    }
    if (nparams < 0 || (nparams > 0 && !params)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "invalid migration parameter list");
        return -1;
    }
    if (!(ctx.params = params_to_wire(params, nparams)))
        return -1;
    if (migrate_setup(&ctx, dest_uri, flags) == 0)
        rc = (flags & VIREO_MIGRATE_PEER2PEER) ?
             step_perform(&ctx, dest_uri) : migrate_managed(&ctx);
    if (ctx.dconn) {
        g_autoptr(VrError) err = rc < 0 ? vr_error_copy_last() : NULL;

        vireo_conn_close(ctx.dconn);
        if (err)
            vr_error_set_raw(err->code, err->domain, err->level,
                             err->message, err->str1, err->str2);
    }
    g_array_unref(ctx.params);
    g_free(ctx.cookie);
    return rc;
}

int
vireo_domain_get_job_stats(VireoDomain *dom, int *type,
                           VireoTypedParam **params, int *nparams,
                           unsigned int flags)
{
    vr_domain_flags_args args = { .flags = flags };
    vr_domain_get_job_stats_ret ret;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(type, -1);
    VR_LIB_CHECK_ARG(params, -1);
    VR_LIB_CHECK_ARG(nparams, -1);
    if (VR_CHECK_FLAGS(flags, JOB_STATS_FLAGS) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_JOB_STATS,
                    (xdrproc_t) xdr_vr_domain_flags_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_job_stats_ret, &ret) < 0)
        return -1;
    *type = ret.type;
    *params = vr_lib_params_from_wire(ret.params.params_val,
                                      ret.params.params_len);
    *nparams = (int) ret.params.params_len;
    xdr_free((xdrproc_t) xdr_vr_domain_get_job_stats_ret, (char *) &ret);
    return 0;
}
