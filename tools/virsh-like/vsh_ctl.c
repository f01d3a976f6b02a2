/* vsh_ctl.c: running one command (connection on demand, virsh-style error
 * lines, the blank line after each command) and domain lookup. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh.h"

void
vsh_error(VshCtl *ctl, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "error: %s\n", msg);
}

void
vsh_report_error(VshCtl *ctl)
{
    const VireoError *err = vireo_last_error();

    if (!err)
        return;
    vsh_error(ctl, "%s", vireo_error_message(err));
    vireo_reset_error();
}

void
vsh_print_extra(VshCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

bool
vsh_connect(VshCtl *ctl)
{
    unsigned int flags = ctl->readonly ? VIREO_CONN_READONLY : 0;

    if (ctl->conn)
        return true;
    if (!(ctl->conn = vireo_conn_open(ctl->uri, flags))) {
        vsh_error(ctl, "failed to connect to the hypervisor");
        vsh_report_error(ctl);
        return false;
    }
    return true;
}

void
vsh_disconnect(VshCtl *ctl)
{
    if (!ctl->conn)
        return;
    if (vireo_conn_close(ctl->conn) < 0)
        vsh_report_error(ctl);
    ctl->conn = NULL;
}

bool
vsh_run_argv(VshCtl *ctl, int argc, char **argv)
{
    g_autoptr(VshCmd) cmd = NULL;
    bool ok;

    vireo_reset_error();
    if (!(cmd = vsh_cmd_parse(argc, argv)))
        return false;
    if (!(cmd->def->flags & VSH_CMD_NOCONNECT) && !vsh_connect(ctl))
        return false;
    ok = cmd->def->handler(ctl, cmd);
    if (!ok)
        vsh_report_error(ctl);
    vireo_reset_error();
    /* virsh ends every command's output with an empty line. */
    if (!ctl->quiet && !ctl->quit)
        printf("\n");
    fflush(stdout);
    return ok;
}

/* Parse a non-negative decimal id; false when @s is not one. */
static bool
parse_id(const char *s, int *id)
{
    char *end = NULL;
    long val;

    if (!g_ascii_isdigit(*s))
        return false;
    val = strtol(s, &end, 10);
    if (*end || val > G_MAXINT)
        return false;
    *id = (int) val;
    return true;
}

VireoDomain *
vsh_lookup_domain(VshCtl *ctl, const VshCmd *cmd)
{
    const char *arg = vsh_cmd_opt(cmd, "domain");
    VireoDomain *dom = NULL;
    int id;

    if (parse_id(arg, &id))
        dom = vireo_domain_lookup_by_id(ctl->conn, id);
    if (!dom && strlen(arg) >= 32)
        dom = vireo_domain_lookup_by_uuid_string(ctl->conn, arg);
    if (!dom)
        dom = vireo_domain_lookup_by_name(ctl->conn, arg);
    if (!dom)
        vsh_error(ctl, "failed to get domain '%s'", arg);
    return dom;
}
