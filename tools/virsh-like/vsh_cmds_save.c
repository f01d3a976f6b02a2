/* vsh_cmds_save.c: save, restore, save-image-dumpxml, save-image-define,
 * managedsave, managedsave-remove - virsh 9.0's options and messages;
 * save and managedsave with --verbose poll the job and draw virsh's
 * "Save: [ 42 %]" progress on stderr. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "vsh_save.h"

#define PROGRESS_POLL_US 200000

#define SAVE_COMMON_OPTS \
    { "bypass-cache", VSH_OT_BOOL, 0, "avoid file system cache when saving" }, \
    { "running", VSH_OT_BOOL, 0, "set domain to be running on restore" }, \
    { "paused", VSH_OT_BOOL, 0, "set domain to be paused on restore" }

const VshOptDef vsh_opts_save[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "domain name, id or uuid" },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "where to save the data" },
    SAVE_COMMON_OPTS,
    { "xml", VSH_OT_STRING, 0,
      "filename containing updated XML for the target" },
    { "verbose", VSH_OT_BOOL, 0, "display the progress of save" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_restore[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "the state to restore" },
    SAVE_COMMON_OPTS,
    { "xml", VSH_OT_STRING, 0,
      "filename containing updated XML for the target" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_save_image_dumpxml[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "saved state file to read" },
    { "security-info", VSH_OT_BOOL, 0,
      "include security sensitive information in XML dump" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_save_image_define[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "saved state file to modify" },
    { "xml", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "filename containing updated XML for the target" },
    { "running", VSH_OT_BOOL, 0, "set domain to be running on restore" },
    { "paused", VSH_OT_BOOL, 0, "set domain to be paused on restore" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_managedsave[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "domain name, id or uuid" },
    SAVE_COMMON_OPTS,
    { "verbose", VSH_OT_BOOL, 0, "display the progress of save" },
    { NULL, 0, 0, NULL }
};

/* --running/--paused/--bypass-cache into VIREO_SAVE_* (false after an
 * error line when both states are asked for). */
static bool
save_flags(VshCtl *ctl, const VshCmd *cmd, unsigned int *flags)
{
    *flags = 0;
    if (vsh_cmd_has(cmd, "bypass-cache"))
        *flags |= VIREO_SAVE_BYPASS_CACHE;
    if (vsh_cmd_has(cmd, "running"))
        *flags |= VIREO_SAVE_RUNNING;
    if (vsh_cmd_has(cmd, "paused"))
        *flags |= VIREO_SAVE_PAUSED;
    if ((*flags & VIREO_SAVE_RUNNING) && (*flags & VIREO_SAVE_PAUSED)) {
        vsh_error(ctl, "Options --running and --paused are mutually "
                  "exclusive");
        return false;
    }
    return true;
}

/* The contents of option @opt's file (NULL: option absent).  *ok false
 * after an error line. */
static char *
read_xml_opt(VshCtl *ctl, const VshCmd *cmd, const char *opt, bool *ok)
{
    const char *file = vsh_cmd_opt(cmd, opt);
    char *xml = NULL;

    *ok = true;
    if (file && !g_file_get_contents(file, &xml, NULL, NULL)) {
        vsh_error(ctl, "Failed to read file '%s' to update", file);
        *ok = false;
    }
    return xml;
}

typedef struct {
    VireoDomain *dom;
    const char *to;           /* NULL: managed save */
    const char *dxml;
    unsigned int flags;
    int rc;
    char *msg;                /* the error of a failed save (owned) */
    gint done;
} SaveJob;

static gpointer
save_thread(gpointer data)
{
    SaveJob *job = data;

    job->rc = job->to ? vireo_domain_save(job->dom, job->to, job->dxml,
                                          job->flags) :
                        vireo_domain_managed_save(job->dom, job->flags);
    if (job->rc < 0 && vireo_last_error())
        job->msg = g_strdup(vireo_error_message(vireo_last_error()));
    g_atomic_int_set(&job->done, 1);
    return NULL;
}

static void
print_progress(unsigned long long done, unsigned long long total)
{
    int pct = total ? (int) MIN(100, done * 100 / total) : 0;

    fprintf(stderr, "\rSave: [%3d %%]", pct);
    fflush(stderr);
}

/* Run the save; with @verbose on a thread while this one polls the job
 * (DOMAIN_GET_JOB_INFO) like virsh.  0 or -1 (library error set). */
static int
run_save(SaveJob *job, bool verbose)
{
    GThread *t;

    if (!verbose) {
        save_thread(job);
        g_clear_pointer(&job->msg, g_free);    /* still set on this thread */
        return job->rc;
    }
    t = g_thread_new("vsh-save", save_thread, job);
    while (!g_atomic_int_get(&job->done)) {
        VireoJobInfo info;

        g_usleep(PROGRESS_POLL_US);
        if (!g_atomic_int_get(&job->done) &&
            vireo_domain_get_job_info(job->dom, &info) == 0 &&
            info.type == 2)
            print_progress(info.data_processed, info.data_total);
    }
    g_thread_join(t);
    if (job->rc == 0)
        fprintf(stderr, "\rSave: [100 %%]\n");
    else
        fprintf(stderr, "\n");
    return job->rc;
}

/* The error of a save that ran on the progress thread. */
static void
save_job_report(VshCtl *ctl, SaveJob *job)
{
    if (job->msg)
        vsh_error(ctl, "%s", job->msg);
    g_clear_pointer(&job->msg, g_free);
}

bool
vsh_cmd_save(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *to = vsh_cmd_opt(cmd, "file");
    g_autofree char *xml = NULL;
    SaveJob job = { 0 };
    bool ok;

    if (!dom || !save_flags(ctl, cmd, &job.flags))
        return false;
    xml = read_xml_opt(ctl, cmd, "xml", &ok);
    if (!ok)
        return false;
    job.dom = dom;
    job.to = to;
    job.dxml = xml;
    if (run_save(&job, vsh_cmd_has(cmd, "verbose")) < 0) {
        vsh_error(ctl, "Failed to save domain '%s' to %s",
                  vireo_domain_get_name(dom), to);
        save_job_report(ctl, &job);
        return false;
    }
    vsh_print_extra(ctl, "\nDomain '%s' saved to %s\n",
                    vireo_domain_get_name(dom), to);
    return true;
}

bool
vsh_cmd_managedsave(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    SaveJob job = { 0 };

    if (!dom || !save_flags(ctl, cmd, &job.flags))
        return false;
    job.dom = dom;
    if (run_save(&job, vsh_cmd_has(cmd, "verbose")) < 0) {
        vsh_error(ctl, "Failed to save domain '%s' state",
                  vireo_domain_get_name(dom));
        save_job_report(ctl, &job);
        return false;
    }
    vsh_print_extra(ctl, "\nDomain '%s' state saved by libvirt\n",
                    vireo_domain_get_name(dom));
    return true;
}

bool
vsh_cmd_restore(VshCtl *ctl, const VshCmd *cmd)
{
    const char *from = vsh_cmd_opt(cmd, "file");
    g_autofree char *xml = NULL;
    unsigned int flags;
    bool ok;

    if (!save_flags(ctl, cmd, &flags))
        return false;
    xml = read_xml_opt(ctl, cmd, "xml", &ok);
    if (!ok || !vsh_connect(ctl))
        return false;
    if (vireo_domain_restore(ctl->conn, from, xml, flags) < 0) {
        vsh_error(ctl, "Failed to restore domain from %s", from);
        return false;
    }
    vsh_print_extra(ctl, "Domain restored from %s\n", from);
    return true;
}

bool
vsh_cmd_save_image_dumpxml(VshCtl *ctl, const VshCmd *cmd)
{
    g_autofree char *xml = NULL;

    if (!vsh_connect(ctl))
        return false;
    xml = vireo_domain_save_image_get_xml(ctl->conn,
                                          vsh_cmd_opt(cmd, "file"),
                                          vsh_cmd_has(cmd, "security-info"));
    if (!xml)
        return false;
    printf("%s", xml);
    return true;
}

bool
vsh_cmd_save_image_define(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    g_autofree char *xml = NULL;
    unsigned int flags = 0;
    bool ok;

    if (!save_flags(ctl, cmd, &flags))
        return false;
    xml = read_xml_opt(ctl, cmd, "xml", &ok);
    if (!ok || !vsh_connect(ctl))
        return false;
    if (vireo_domain_save_image_define(ctl->conn, file, xml, flags) < 0) {
        vsh_error(ctl, "Failed to update %s", file);
        return false;
    }
    vsh_print_extra(ctl, "State file %s updated.\n", file);
    return true;
}

bool
vsh_cmd_managedsave_remove(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    int has;

    if (!dom)
        return false;
    if ((has = vireo_domain_has_managed_save(dom)) < 0) {
        vsh_error(ctl, "Failed to check for domain managed save image");
        return false;
    }
    if (!has) {
        vsh_print_extra(ctl, "Domain '%s' has no manage save image; "
                        "removal skipped", vireo_domain_get_name(dom));
        return true;
    }
    if (vireo_domain_managed_save_remove(dom, 0) < 0) {
        vsh_error(ctl, "Failed to remove managed save image for domain "
                  "'%s'", vireo_domain_get_name(dom));
        return false;
    }
    vsh_print_extra(ctl, "Removed managedsave image for domain '%s'",
                    vireo_domain_get_name(dom));
    return true;
}
