/* vsh_cmds_migrate.c: migrate, with virsh 9.0's options and behaviour:
 * the migration runs on a second thread while this one watches it every
 * half second - "Migration: [ 42 %]" on stderr with --verbose (from
 * DOMAIN_GET_JOB_INFO), the domain suspended once --timeout expires, and
 * Ctrl-C aborting the job (DOMAIN_ABORT_JOB), as virsh's job watcher
 * does. */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "vsh_migrate.h"

#define WATCH_SLICE_US 50000          /* how often SIGINT is looked at */
#define WATCH_POLL_US 500000          /* virsh's job polling interval */

const VshOptDef vsh_opts_migrate[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "domain name, id or uuid" },
    { "desturi", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "connection URI of the destination host as seen from the "
      "client(normal migration) or source(p2p migration)" },
    { "live", VSH_OT_BOOL, 0, "live migration" },
    { "offline", VSH_OT_BOOL, 0, "offline migration" },
    { "p2p", VSH_OT_BOOL, 0, "peer-2-peer migration" },
    { "persistent", VSH_OT_BOOL, 0, "persist VM on destination" },
    { "undefinesource", VSH_OT_BOOL, 0, "undefine VM on source" },
    { "undefine-source", VSH_OT_BOOL, 0,
      "undefine VM on source (same as --undefinesource)" },
    { "suspend", VSH_OT_BOOL, 0,
      "do not restart the domain on the destination host" },
    { "change-protection", VSH_OT_BOOL, 0,
      "prevent any configuration changes to domain until migration ends" },
    { "unsafe", VSH_OT_BOOL, 0, "force migration even if it may be unsafe" },
    { "verbose", VSH_OT_BOOL, 0, "display the progress of migration" },
    { "migrateuri", VSH_OT_STRING, 0,
      "migration URI, usually can be omitted" },
    { "listen-address", VSH_OT_STRING, 0,
      "listen address that destination should bind to for incoming "
      "migration" },
    { "dname", VSH_OT_STRING, 0,
      "rename to new name during migration (if supported)" },
    { "timeout", VSH_OT_STRING, 0,
      "run action specified by --timeout-* option (suspend by default) if "
      "live migration exceeds timeout (in seconds)" },
    { "timeout-suspend", VSH_OT_BOOL, 0, "suspend the guest after timeout" },
    { "xml", VSH_OT_STRING, 0,
      "filename containing updated XML for the target" },
    { "persistent-xml", VSH_OT_STRING, 0,
      "filename containing updated persistent XML for the target" },
    { "bandwidth", VSH_OT_STRING, 0, "migration bandwidth limit in MiB/s" },
    { NULL, 0, 0, NULL }
};

/* The migration thread's work and result. */
typedef struct {
    VireoDomain *dom;
    const char *desturi;
    VireoTypedParam params[6];
    int nparams;
    unsigned int flags;
    int rc;
    int err_code;
    char *msg;                /* the error of a failed migration (owned) */
    gint done;
} MigJob;

static volatile sig_atomic_t mig_interrupted;

static void
mig_on_sigint(int sig)
{
    (void) sig;
    mig_interrupted = 1;
}

char *
vsh_job_progress_text(const char *label, unsigned long long remaining,
                      unsigned long long total)
{
    int pct = 100;

    if (remaining) {
        pct = total ? (int) (100.0 - (double) remaining * 100.0 /
                             (double) total) : 0;
        if (pct >= 100)
            pct = 99;            /* not finished: never show 100 */
    }
    return g_strdup_printf("\r%s: [%3d %%]", label, pct);
}

static void
print_progress(unsigned long long remaining, unsigned long long total)
{
    g_autofree char *text = vsh_job_progress_text("Migration", remaining,
                                                  total);

    fflush(stdout);
    fputs(text, stderr);
    fflush(stderr);
}

static gpointer
mig_thread(gpointer data)
{
    MigJob *job = data;

    job->rc = vireo_domain_migrate(job->dom, job->desturi, job->params,
                                   job->nparams, job->flags);
    if (job->rc < 0 && vireo_last_error()) {
        job->msg = g_strdup(vireo_error_message(vireo_last_error()));
        job->err_code = vireo_error_code(vireo_last_error());
    }
    g_atomic_int_set(&job->done, 1);
    return NULL;
}

/* Add a string parameter (borrowed value). */
static void
add_param(MigJob *job, const char *field, const char *value)
{
    VireoTypedParam *p = &job->params[job->nparams++];

    p->field = (char *) field;
    p->type = VIREO_TYPED_PARAM_STRING;
    p->value.s = (char *) value;
}

/* Options into flags; false after an error line. */
static bool
mig_flags(VshCtl *ctl, const VshCmd *cmd, unsigned int *flags)
{
    static const struct { const char *opt; unsigned int flag; } map[] = {
        { "live", VIREO_MIGRATE_LIVE },
        { "offline", VIREO_MIGRATE_OFFLINE },
        { "p2p", VIREO_MIGRATE_PEER2PEER },
        { "persistent", VIREO_MIGRATE_PERSIST_DEST },
        { "undefinesource", VIREO_MIGRATE_UNDEFINE_SOURCE },
        { "undefine-source", VIREO_MIGRATE_UNDEFINE_SOURCE },
        { "suspend", VIREO_MIGRATE_PAUSED },
        { "change-protection", VIREO_MIGRATE_CHANGE_PROTECTION },
        { "unsafe", VIREO_MIGRATE_UNSAFE },
    };

    *flags = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        if (vsh_cmd_has(cmd, map[i].opt))
            *flags |= map[i].flag;
    }
    if ((*flags & VIREO_MIGRATE_LIVE) && (*flags & VIREO_MIGRATE_OFFLINE)) {
        vsh_error(ctl, "Options --live and --offline are mutually exclusive");
        return false;
    }
    return true;
}

/* Read the file of option @opt into *@out (NULL when absent). */
static bool
read_opt_file(VshCtl *ctl, const VshCmd *cmd, const char *opt, char **out)
{
    const char *file = vsh_cmd_opt(cmd, opt);

    *out = NULL;
    if (file && !g_file_get_contents(file, out, NULL, NULL)) {
        vsh_error(ctl, "Failed to read file '%s' to update", file);
        return false;
    }
    return true;
}

/* --bandwidth (MiB/s) into *@out; false after an error line. */
static bool
parse_bandwidth(VshCtl *ctl, const VshCmd *cmd, unsigned long long *out)
{
    const char *s = vsh_cmd_opt(cmd, "bandwidth");
    char *end = NULL;

    *out = 0;
    if (!s)
        return true;
    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-') {
        vsh_error(ctl, "Numeric value '%s' for <bandwidth> option is "
                  "malformed or out of range", s);
        return false;
    }
    return true;
}

/* Suspend @dom once the --timeout has passed (virsh's default action). */
static void
on_timeout(VireoDomain *dom)
{
    if (vireo_domain_suspend(dom) < 0)
        vireo_reset_error();
}

/* Watch the running migration until the thread is done.  @timeout_s 0:
 * none. */
static void
watch_job(MigJob *job, bool verbose, int timeout_s)
{
    gint64 start = g_get_monotonic_time();
    gint64 last_poll = start;
    bool timed_out = false;

    while (!g_atomic_int_get(&job->done)) {
        gint64 now;

        g_usleep(WATCH_SLICE_US);
        if (mig_interrupted) {
            mig_interrupted = 0;
            if (vireo_domain_abort_job(job->dom) < 0)
                vireo_reset_error();
        }
        now = g_get_monotonic_time();
        if (timeout_s && !timed_out &&
            now - start >= (gint64) timeout_s * G_USEC_PER_SEC) {
            timed_out = true;
            on_timeout(job->dom);
        }
        if (!verbose || now - last_poll < WATCH_POLL_US ||
            g_atomic_int_get(&job->done))
            continue;
        last_poll = now;
        VireoJobInfo info;
        if (vireo_domain_get_job_info(job->dom, &info) == 0) {
            if (info.data_total > 0)
                print_progress(info.data_remaining, info.data_total);
        } else {
            vireo_reset_error();
        }
    }
}

/* Run the migration on its thread with SIGINT caught; 0 or -1. */
static int
run_migration(MigJob *job, bool verbose, int timeout_s)
{
    struct sigaction sa = { .sa_handler = mig_on_sigint };
    struct sigaction old;
    GThread *t;

    mig_interrupted = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    t = g_thread_new("vsh-migrate", mig_thread, job);
    watch_job(job, verbose, timeout_s);
    g_thread_join(t);
    sigaction(SIGINT, &old, NULL);
    if (verbose && job->rc == 0)
        print_progress(0, 1);    /* the line ends with vsh's final "\n" */
    return job->rc;
}

/* Fill @job's parameters from the options; false after an error line.
 * @xml and @pxml receive the files' contents (owned by the caller). */
static bool
mig_params(VshCtl *ctl, const VshCmd *cmd, MigJob *job, char **xml,
           char **pxml, unsigned long long *bw)
{
    static const struct { const char *opt; const char *param; } strs[] = {
        { "migrateuri", VIREO_MIGRATE_PARAM_URI },
        { "listen-address", VIREO_MIGRATE_PARAM_LISTEN_ADDRESS },
        { "dname", VIREO_MIGRATE_PARAM_DEST_NAME },
    };

    if (!read_opt_file(ctl, cmd, "xml", xml) ||
        !read_opt_file(ctl, cmd, "persistent-xml", pxml) ||
        !parse_bandwidth(ctl, cmd, bw))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++) {
        if (vsh_cmd_opt(cmd, strs[i].opt))
            add_param(job, strs[i].param, vsh_cmd_opt(cmd, strs[i].opt));
    }
    if (*xml)
        add_param(job, VIREO_MIGRATE_PARAM_DEST_XML, *xml);
    if (*pxml)
        add_param(job, VIREO_MIGRATE_PARAM_PERSIST_XML, *pxml);
    if (*bw) {
        VireoTypedParam *p = &job->params[job->nparams++];

        p->field = (char *) VIREO_MIGRATE_PARAM_BANDWIDTH;
        p->type = VIREO_TYPED_PARAM_ULLONG;
        p->value.ul = *bw;
    }
    return true;
}

/* --timeout in seconds (0: none); false after an error line. */
static bool
mig_timeout(VshCtl *ctl, const VshCmd *cmd, unsigned int flags, int *secs)
{
    const char *s = vsh_cmd_opt(cmd, "timeout");

    *secs = 0;
    if (!s)
        return true;
    if (vsh_parse_timeout(s, secs) < 0) {
        vsh_error(ctl, "invalid timeout");
        return false;
    }
    if (!(flags & VIREO_MIGRATE_LIVE)) {
        vsh_error(ctl, "migrate: Unexpected timeout for offline migration");
        return false;
    }
    return true;
}

bool
vsh_cmd_migrate(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autofree char *xml = NULL;
    g_autofree char *pxml = NULL;
    unsigned long long bw = 0;
    MigJob job = { 0 };
    int timeout_s;

    if (!dom || !mig_flags(ctl, cmd, &job.flags) ||
        !mig_timeout(ctl, cmd, job.flags, &timeout_s) ||
        !mig_params(ctl, cmd, &job, &xml, &pxml, &bw))
        return false;
    job.dom = dom;
    job.desturi = vsh_cmd_opt(cmd, "desturi");
    if (run_migration(&job, vsh_cmd_has(cmd, "verbose"), timeout_s) == 0)
        return true;
    if (job.msg)
        vsh_error(ctl, "%s", job.msg);
    g_free(job.msg);
    return false;
}
