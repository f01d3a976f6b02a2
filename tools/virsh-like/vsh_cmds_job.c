/* vsh_cmds_job.c: domjobinfo and domjobabort, with virsh 9.0's options
 * and its field layout (labels padded to 17 columns, numbers to 12, sizes
 * as "%.3lf MiB"), from DOMAIN_GET_JOB_STATS (falling back to the older
 * DOMAIN_GET_JOB_INFO when a daemon lacks it). */
#include <config.h>

#include <stdio.h>

#include "vsh_migrate.h"
#include "vsh_storage.h"

const VshOptDef vsh_opts_domjobinfo[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "domain name, id or uuid" },
    { "completed", VSH_OT_BOOL, 0,
      "return statistics of a recently completed job" },
    { "keep-completed", VSH_OT_BOOL, 0,
      "don't destroy statistics of a recently completed job when reading" },
    { "anystats", VSH_OT_BOOL, 0,
      "print statistics for any kind of job (even failed ones)" },
    { "rawstats", VSH_OT_BOOL, 0, "print the raw data returned by libvirt" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_domjobabort[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "domain name, id or uuid" },
    { NULL, 0, 0, NULL }
};

static const char *const job_types[] = {
    "None", "Bounded", "Unbounded", "Completed", "Failed", "Cancelled",
};
static const char *const job_operations[] = {
    "Unknown", "Start", "Save", "Restore", "Incoming migration",
    "Outgoing migration", "Snapshot", "Snapshot revert", "Dump", "Backup",
};

/* An unsigned figure of the statistics (0 when absent); *found says
 * whether it was there. */
static unsigned long long
stat_ull(const VireoTypedParam *params, int n, const char *name,
         bool *found)
{
    const VireoTypedParam *p = vireo_typed_params_get(params, n, name);

    if (found)
        *found = p != NULL;
    if (!p)
        return 0;
    switch (p->type) {
    case VIREO_TYPED_PARAM_ULLONG: return p->value.ul;
    case VIREO_TYPED_PARAM_LLONG: return (unsigned long long) p->value.l;
    case VIREO_TYPED_PARAM_UINT: return p->value.ui;
    case VIREO_TYPED_PARAM_INT: return (unsigned long long) p->value.i;
    default: return 0;
    }
}

/* "Label:           <size> <unit>\n" as virsh's "%-17s %-.3lf %s". */
static void
put_size(GString *out, const char *label, unsigned long long bytes,
         const char *suffix)
{
    const char *unit;
    double val = vsh_pretty_capacity(bytes, &unit);

    g_string_append_printf(out, "%-17s %-.3lf %s%s\n", label, val, unit,
                           suffix);
}

/* A figure when present, as "%-17s %-12llu<suffix>\n". */
static void
put_opt_num(GString *out, const VireoTypedParam *params, int n,
            const char *name, const char *label, const char *suffix)
{
    bool found;
    unsigned long long v = stat_ull(params, n, name, &found);

    if (found)
        g_string_append_printf(out, "%-17s %-12llu%s\n", label, v, suffix);
}

static void
put_opt_size(GString *out, const VireoTypedParam *params, int n,
             const char *name, const char *label, const char *suffix,
             bool nonzero)
{
    bool found;
    unsigned long long v = stat_ull(params, n, name, &found);

    if (found && (v || !nonzero))
        put_size(out, label, v, suffix);
}

/* Processed / remaining / total of one kind (data, memory, file). */
static bool
put_triple(GString *out, const VireoTypedParam *params, int n,
           const char *prefix, const char *word)
{
    g_autofree char *kp = g_strdup_printf("%s_processed", prefix);
    g_autofree char *kr = g_strdup_printf("%s_remaining", prefix);
    g_autofree char *kt = g_strdup_printf("%s_total", prefix);
    unsigned long long p = stat_ull(params, n, kp, NULL);
    unsigned long long r = stat_ull(params, n, kr, NULL);
    unsigned long long t = stat_ull(params, n, kt, NULL);
    g_autofree char *lp = g_strdup_printf("%s processed:", word);
    g_autofree char *lr = g_strdup_printf("%s remaining:", word);
    g_autofree char *lt = g_strdup_printf("%s total:", word);

    if (!p && !r && !t)
        return false;
    put_size(out, lp, p, "");
    put_size(out, lr, r, "");
    put_size(out, lt, t, "");
    return true;
}

static void
put_memory(GString *out, const VireoTypedParam *params, int n)
{
    if (!put_triple(out, params, n, "memory", "Memory"))
        return;
    put_opt_size(out, params, n, "memory_bps", "Memory bandwidth:", "/s",
                 true);
    put_opt_num(out, params, n, "memory_dirty_rate", "Dirty rate:",
                " pages/s");
    put_opt_num(out, params, n, "memory_page_size", "Page size:", " bytes");
    put_opt_num(out, params, n, "memory_iteration", "Iteration:", "");
    put_opt_num(out, params, n, "memory_postcopy_requests",
                "Postcopy requests:", "");
}

/* Everything after the data/memory/file blocks, in virsh's order. */
static void
put_tail(GString *out, int type, const VireoTypedParam *params, int n)
{
    const VireoTypedParam *err;

    put_opt_num(out, params, n, "memory_constant", "Constant pages:", "");
    put_opt_num(out, params, n, "memory_normal", "Normal pages:", "");
    put_opt_size(out, params, n, "memory_normal_bytes", "Normal data:", "",
                 false);
    put_opt_num(out, params, n, "downtime",
                type == VIREO_DOMAIN_JOB_COMPLETED ? "Total downtime:" :
                "Expected downtime:", " ms");
    put_opt_num(out, params, n, "downtime_net", "Downtime w/o network:",
                " ms");
    put_opt_num(out, params, n, "setup_time", "Setup time:", " ms");
    put_opt_size(out, params, n, "compression_cache", "Compression cache:",
                 "", false);
    put_opt_size(out, params, n, "compression_bytes", "Compressed data:",
                 "", false);
    put_opt_num(out, params, n, "compression_pages", "Compressed pages:", "");
    put_opt_num(out, params, n, "compression_cache_misses",
                "Compression cache misses:", "");
    put_opt_num(out, params, n, "compression_overflow",
                "Compression overflows:", "");
    if ((err = vireo_typed_params_get(params, n, "auto_converge_throttle")))
        g_string_append_printf(out, "%-17s %-13d\n", "Auto converge throttle:",
                               err->value.i);
    put_opt_size(out, params, n, "disk_temp_used",
                 "Temporary disk space use:", "", false);
    put_opt_size(out, params, n, "disk_temp_total",
                 "Temporary disk space total:", "", false);
    err = vireo_typed_params_get(params, n, "errmsg");
    if (err && err->type == VIREO_TYPED_PARAM_STRING)
        g_string_append_printf(out, "%-17s %s\n", "Error message:",
                               err->value.s);
}

char *
vsh_jobinfo_format(int type, const VireoTypedParam *params, int nparams,
                   bool completed, bool anystats)
{
    GString *out = g_string_new(NULL);
    const VireoTypedParam *op;
    int opnum = 0;

    g_string_append_printf(out, "%-17s %-12s\n", "Job type:",
                           type >= 0 && type < (int) G_N_ELEMENTS(job_types)
                           ? job_types[type] : "unknown");
    if (type == VIREO_DOMAIN_JOB_NONE ||
        (type != VIREO_DOMAIN_JOB_BOUNDED &&
         type != VIREO_DOMAIN_JOB_UNBOUNDED &&
         (!completed || type != VIREO_DOMAIN_JOB_COMPLETED) && !anystats))
        return g_string_free(out, FALSE);
    if ((op = vireo_typed_params_get(params, nparams, "operation")))
        opnum = op->value.i;
    g_string_append_printf(out, "%-17s %-12s\n", "Operation:",
                           opnum >= 0 &&
                           opnum < (int) G_N_ELEMENTS(job_operations) ?
                           job_operations[opnum] : "unknown");
    g_string_append_printf(out, "%-17s %-12llu ms\n", "Time elapsed:",
                           stat_ull(params, nparams, "time_elapsed", NULL));
    put_opt_num(out, params, nparams, "time_elapsed_net",
                "Time elapsed w/o network:", " ms");
    if (type == VIREO_DOMAIN_JOB_BOUNDED)
        g_string_append_printf(out, "%-17s %-12llu ms\n", "Time remaining:",
                               stat_ull(params, nparams, "time_remaining",
                                        NULL));
    put_triple(out, params, nparams, "data", "Data");
    put_memory(out, params, nparams);
    if (put_triple(out, params, nparams, "disk", "File"))
        put_opt_size(out, params, nparams, "disk_bps", "File bandwidth:",
                     "/s", true);
    put_tail(out, type, params, nparams);
    return g_string_free(out, FALSE);
}

/* The statistics, or the older job info as statistics when the daemon
 * lacks DOMAIN_GET_JOB_STATS.  0 or -1 (library error set). */
static int
get_stats(VireoDomain *dom, unsigned int flags, int *type,
          VireoTypedParam **params, int *n)
{
    VireoJobInfo info;
    const VireoError *err;

    if (vireo_domain_get_job_stats(dom, type, params, n, flags) == 0)
        return 0;
    err = vireo_last_error();
    if (!err || vireo_error_code(err) != VIREO_ERR_NO_SUPPORT || flags)
        return -1;
    if (vireo_domain_get_job_info(dom, &info) < 0)
        return -1;
    *type = info.type;
    *n = 4;
    *params = g_new0(VireoTypedParam, 4);
    (*params)[0] = (VireoTypedParam) { g_strdup("time_elapsed"),
        VIREO_TYPED_PARAM_ULLONG, { .ul = info.time_elapsed } };
    (*params)[1] = (VireoTypedParam) { g_strdup("data_total"),
        VIREO_TYPED_PARAM_ULLONG, { .ul = info.data_total } };
    (*params)[2] = (VireoTypedParam) { g_strdup("data_processed"),
        VIREO_TYPED_PARAM_ULLONG, { .ul = info.data_processed } };
    (*params)[3] = (VireoTypedParam) { g_strdup("data_remaining"),
        VIREO_TYPED_PARAM_ULLONG, { .ul = info.data_remaining } };
    return 0;
}

static void
print_raw(int type, const VireoTypedParam *params, int n)
{
    printf("Job type: %d\n\n", type);
    for (int i = 0; i < n; i++) {
        g_autofree char *v = vireo_typed_param_value_string(&params[i]);

        printf("%s: %s\n", params[i].field, v);
    }
}

bool
vsh_cmd_domjobinfo(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autofree char *text = NULL;
    VireoTypedParam *params = NULL;
    unsigned int flags = 0;
    int type = 0, n = 0;

    if (!dom)
        return false;
    if (vsh_cmd_has(cmd, "completed"))
        flags |= VIREO_DOMAIN_JOB_STATS_COMPLETED;
    if (vsh_cmd_has(cmd, "keep-completed"))
        flags |= VIREO_DOMAIN_JOB_STATS_KEEP_COMPLETED;
    if (get_stats(dom, flags, &type, &params, &n) < 0)
        return false;
    if (vsh_cmd_has(cmd, "rawstats")) {
        print_raw(type, params, n);
    } else {
        text = vsh_jobinfo_format(type, params, n,
                                  flags & VIREO_DOMAIN_JOB_STATS_COMPLETED,
                                  vsh_cmd_has(cmd, "anystats"));
        fputs(text, stdout);
    }
    vireo_typed_params_free(params, n);
    return true;
}

bool
vsh_cmd_domjobabort(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);

    return dom && vireo_domain_abort_job(dom) == 0;
}
