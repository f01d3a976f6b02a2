/* vsh_cmds_lifecycle.c: domain lifecycle commands (start, create,
 * shutdown, destroy, reboot, reset, suspend, resume) and domcapabilities,
 * with virsh 9.0's messages. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh.h"

static const char *const shutdown_modes[] = {
    "acpi", "agent", "initctl", "signal", "paravirt", NULL
};

int
vsh_parse_shutdown_mode(const char *mode, unsigned int *flags)
{
    g_auto(GStrv) words = NULL;
    unsigned int out = 0;

    if (!mode) {
        *flags = 0;
        return 0;
    }
    if (!*mode)
        return -1;
    words = g_strsplit(mode, ",", -1);
    for (char **w = words; *w; w++) {
        size_t i;

        for (i = 0; shutdown_modes[i]; i++) {
            if (strcmp(*w, shutdown_modes[i]) == 0)
                break;
        }
        if (!shutdown_modes[i])
            return -1;
        out |= 1u << i;
    }
    *flags = out;
    return 0;
}

const char *const *
vsh_shutdown_modes(void)
{
    return shutdown_modes;
}

bool
vsh_cmd_start(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    unsigned int flags = 0;

    if (!dom)
        return false;
    if (vireo_domain_get_id(dom) >= 0) {
        vsh_error(ctl, "Domain is already active");
        return false;
    }
    if (vsh_cmd_has(cmd, "paused"))
        flags |= VIREO_START_PAUSED;
    if (vsh_cmd_has(cmd, "autodestroy"))
        flags |= VIREO_START_AUTODESTROY;
    if (vireo_domain_start(dom, flags) < 0) {
        vsh_error(ctl, "Failed to start domain '%s'",
                  vireo_domain_get_name(dom));
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' started\n", vireo_domain_get_name(dom));
    if (vsh_cmd_has(cmd, "console"))
        return vsh_run_console(ctl, dom, NULL, 0);
    return true;
}

bool
vsh_cmd_create(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(VireoDomain) dom = NULL;
    unsigned int flags = 0;

    if (!g_file_get_contents(file, &xml, NULL, &gerr)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file,
                  gerr->message);
        return false;
    }
    if (vsh_cmd_has(cmd, "paused"))
        flags |= VIREO_START_PAUSED;
    if (vsh_cmd_has(cmd, "autodestroy"))
        flags |= VIREO_START_AUTODESTROY;
    if (vsh_cmd_has(cmd, "validate"))
        flags |= VIREO_START_VALIDATE;
    if (!(dom = vireo_domain_create_xml(ctl->conn, xml, flags))) {
        vsh_error(ctl, "Failed to create domain from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' created from %s\n",
                    vireo_domain_get_name(dom), file);
    if (vsh_cmd_has(cmd, "console"))
        return vsh_run_console(ctl, dom, NULL, 0);
    return true;
}

/* shutdown and reboot: the --mode option, then the call. */
static bool
cmd_power(VshCtl *ctl, const VshCmd *cmd, bool reboot)
{
    g_autoptr(VireoDomain) dom = NULL;
    const char *mode = vsh_cmd_opt(cmd, "mode");
    unsigned int flags;
    const char *name;
    int rc;

    if (vsh_parse_shutdown_mode(mode, &flags) < 0) {
        vsh_error(ctl, "Unknown mode %s value, expecting 'acpi', 'agent', "
                  "'initctl', 'signal' or 'paravirt'", mode);
        return false;
    }
    if (!(dom = vsh_lookup_domain(ctl, cmd)))
        return false;
    name = vireo_domain_get_name(dom);
    rc = reboot ? vireo_domain_reboot(dom, flags)
                : vireo_domain_shutdown(dom, flags);
    if (rc < 0) {
        vsh_error(ctl, "Failed to %s domain '%s'",
                  reboot ? "reboot" : "shutdown", name);
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' is being %s\n", name,
                    reboot ? "rebooted" : "shutdown");
    return true;
}

bool
vsh_cmd_shutdown(VshCtl *ctl, const VshCmd *cmd)
{
    return cmd_power(ctl, cmd, false);
}

bool
vsh_cmd_reboot(VshCtl *ctl, const VshCmd *cmd)
{
    return cmd_power(ctl, cmd, true);
}

bool
vsh_cmd_destroy(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    unsigned int flags = vsh_cmd_has(cmd, "graceful")
                         ? VIREO_DESTROY_GRACEFUL : 0;

    if (!dom)
        return false;
    if (vireo_domain_destroy(dom, flags) < 0) {
        vsh_error(ctl, "Failed to destroy domain '%s'",
                  vireo_domain_get_name(dom));
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' destroyed\n",
                    vireo_domain_get_name(dom));
    return true;
}

/* reset, suspend, resume: one call, one message each. */
typedef enum { OP_RESET, OP_SUSPEND, OP_RESUME } SimpleOp;

static bool
cmd_simple(VshCtl *ctl, const VshCmd *cmd, SimpleOp op)
{
    static const char *const verbs[] = { "reset", "suspend", "resume" };
    static const char *const done[] = { "was reset", "suspended", "resumed" };
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    int rc;

    if (!dom)
        return false;
    switch (op) {
    case OP_RESET: rc = vireo_domain_reset(dom, 0); break;
    case OP_SUSPEND: rc = vireo_domain_suspend(dom); break;
    default: rc = vireo_domain_resume(dom); break;
    }
    if (rc < 0) {
        vsh_error(ctl, "Failed to %s domain '%s'", verbs[op],
                  vireo_domain_get_name(dom));
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' %s\n", vireo_domain_get_name(dom),
                    done[op]);
    return true;
}

bool
vsh_cmd_reset(VshCtl *ctl, const VshCmd *cmd)
{
    return cmd_simple(ctl, cmd, OP_RESET);
}

bool
vsh_cmd_suspend(VshCtl *ctl, const VshCmd *cmd)
{
    return cmd_simple(ctl, cmd, OP_SUSPEND);
}

bool
vsh_cmd_resume(VshCtl *ctl, const VshCmd *cmd)
{
    return cmd_simple(ctl, cmd, OP_RESUME);
}

bool
vsh_cmd_domcapabilities(VshCtl *ctl, const VshCmd *cmd)
{
    g_autofree char *caps = NULL;

    caps = vireo_conn_get_domain_capabilities(ctl->conn,
                                              vsh_cmd_opt(cmd, "emulatorbin"),
                                              vsh_cmd_opt(cmd, "arch"),
                                              vsh_cmd_opt(cmd, "machine"),
                                              vsh_cmd_opt(cmd, "virttype"), 0);
    if (!caps) {
        vsh_error(ctl, "failed to get emulator capabilities");
        return false;
    }
    printf("%s\n", caps);
    return true;
}
