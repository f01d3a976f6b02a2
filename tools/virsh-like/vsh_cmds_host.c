/* vsh_cmds_host.c: connection and host commands (connect, uri, version,
 * hostname, nodeinfo, capabilities, quit). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh.h"

bool
vsh_cmd_connect(VshCtl *ctl, const VshCmd *cmd)
{
    const char *name = vsh_cmd_opt(cmd, "name");

    vsh_disconnect(ctl);
    if (name) {
        g_free(ctl->uri);
        ctl->uri = g_strdup(name);
    }
    ctl->readonly = vsh_cmd_has(cmd, "readonly");
    return vsh_connect(ctl);
}

bool
vsh_cmd_uri(VshCtl *ctl, const VshCmd *cmd)
{
    printf("%s\n", vireo_conn_get_uri(ctl->conn));
    return true;
}

static void
print_version(const char *label, const char *what, unsigned long long v)
{
    printf("%s: %s%s%llu.%llu.%llu\n", label, what ? what : "",
           what ? " " : "", v / 1000000, (v / 1000) % 1000, v % 1000);
}

bool
vsh_cmd_version(VshCtl *ctl, const VshCmd *cmd)
{
    g_autofree char *type = NULL;
    unsigned long long hv = 0;
    unsigned long long daemon = 0;

    print_version("Compiled against library", "vireo", VIREO_VERSION_NUMBER);
    print_version("Using library", "vireo", vireo_get_version());
    if (!(type = vireo_conn_get_type(ctl->conn))) {
        vsh_error(ctl, "failed to get hypervisor type");
        return false;
    }
    print_version("Using API", type, vireo_get_version());
    if (vireo_conn_get_version(ctl->conn, &hv) < 0) {
        vsh_error(ctl, "failed to get the hypervisor version");
        return false;
    }
    if (hv == 0)
        printf("Cannot extract running %s hypervisor version\n", type);
    else
        print_version("Running hypervisor", type, hv);
    if (vsh_cmd_has(cmd, "daemon")) {
        if (vireo_conn_get_lib_version(ctl->conn, &daemon) < 0) {
            vsh_error(ctl, "failed to get the daemon version");
            return false;
        }
        print_version("Running against daemon", NULL, daemon);
    }
    return true;
}

bool
vsh_cmd_hostname(VshCtl *ctl, const VshCmd *cmd)
{
    g_autofree char *host = vireo_conn_get_hostname(ctl->conn);

    if (!host) {
        vsh_error(ctl, "failed to get hostname");
        return false;
    }
    printf("%s\n", host);
    return true;
}

bool
vsh_cmd_nodeinfo(VshCtl *ctl, const VshCmd *cmd)
{
    VireoNodeInfo info;

    if (vireo_node_get_info(ctl->conn, &info) < 0) {
        vsh_error(ctl, "failed to get node information");
        return false;
    }
    printf("%-20s %s\n", "CPU model:", info.model);
    printf("%-20s %u\n", "CPU(s):", info.cpus);
    if (info.mhz)
        printf("%-20s %u MHz\n", "CPU frequency:", info.mhz);
    printf("%-20s %u\n", "CPU socket(s):", info.sockets);
    printf("%-20s %u\n", "Core(s) per socket:", info.cores);
    printf("%-20s %u\n", "Thread(s) per core:", info.threads);
    printf("%-20s %u\n", "NUMA cell(s):", info.nodes);
    printf("%-20s %llu KiB\n", "Memory size:", info.memory);
    return true;
}

bool
vsh_cmd_capabilities(VshCtl *ctl, const VshCmd *cmd)
{
    g_autofree char *caps = vireo_conn_get_capabilities(ctl->conn);

    if (!caps) {
        vsh_error(ctl, "failed to get capabilities");
        return false;
    }
    printf("%s\n", caps);
    return true;
}

bool
vsh_cmd_quit(VshCtl *ctl, const VshCmd *cmd)
{
    ctl->quit = true;
    return true;
}
