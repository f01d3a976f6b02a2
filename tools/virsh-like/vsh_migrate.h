/* vsh_migrate.h: migrate (vsh_cmds_migrate.c), domjobinfo and domjobabort
 * (vsh_cmds_job.c): handlers, option tables and the command table entries
 * for vsh_table.c, and the domjobinfo formatter (unit-testable). */
#pragma once

#include "vsh.h"

extern const VshOptDef vsh_opts_migrate[];
extern const VshOptDef vsh_opts_domjobinfo[];
extern const VshOptDef vsh_opts_domjobabort[];

bool vsh_cmd_migrate(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domjobinfo(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domjobabort(VshCtl *ctl, const VshCmd *cmd);

/* The text virsh 9.0's domjobinfo prints for a job of @type with
 * statistics @params (@completed: --completed was given; @anystats:
 * --anystats).  A new string. */
char *vsh_jobinfo_format(int type, const VireoTypedParam *params,
                         int nparams, bool completed, bool anystats);

/* The progress text virsh draws for a job ("\rMigration: [ 42 %]"):
 * 100 only when @remaining is 0, at most 99 otherwise.  A new string. */
char *vsh_job_progress_text(const char *label, unsigned long long remaining,
                            unsigned long long total);

#define VSH_MIGRATE_CMDS \
    { "migrate", vsh_cmd_migrate, vsh_opts_migrate, \
      "migrate domain to another host", \
      "Migrate domain to another host.  Add --live for live migration.", \
      0, "Domain" }, \
    { "domjobinfo", vsh_cmd_domjobinfo, vsh_opts_domjobinfo, \
      "domain job information", \
      "Returns information about jobs running on a domain.", 0, \
      "Domain" }, \
    { "domjobabort", vsh_cmd_domjobabort, vsh_opts_domjobabort, \
      "abort active domain job", \
      "Aborts the currently running domain job", 0, "Domain" }
