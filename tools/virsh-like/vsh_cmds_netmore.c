/* vsh_cmds_netmore.c: net-dhcp-leases, net-update, net-edit, net-event and
 * the guest NIC commands domiflist and domifaddr (virsh 9.0 formats). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsh.h"

static const char *const update_commands[] = {
    "", "modify", "delete", "add-last", "add-first", NULL
};
static const char *const update_sections[] = {
    "none", "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range",
    "forward", "forward-interface", "forward-pf", "portgroup", "dns-host",
    "dns-txt", "dns-srv", NULL
};

int
vsh_net_update_command(const char *word)
{
    if (g_strcmp0(word, "add") == 0)
        return VIREO_NETWORK_UPDATE_ADD_LAST;
    for (int i = 1; word && update_commands[i]; i++) {
        if (strcmp(update_commands[i], word) == 0)
            return i;
    }
    return -1;
}

int
vsh_net_update_section(const char *word)
{
    for (int i = 1; word && update_sections[i]; i++) {
        if (strcmp(update_sections[i], word) == 0)
            return i;
    }
    return -1;
}

/* --live/--config/--current into VIREO_NETWORK_UPDATE_AFFECT_*. */
static bool
update_flags(VshCtl *ctl, const VshCmd *cmd, unsigned int *flags)
{
    bool current = vsh_cmd_has(cmd, "current");

    *flags = 0;
    if (vsh_cmd_has(cmd, "live"))
        *flags |= VIREO_NETWORK_UPDATE_AFFECT_LIVE;
    if (vsh_cmd_has(cmd, "config"))
        *flags |= VIREO_NETWORK_UPDATE_AFFECT_CONFIG;
    if (current && *flags) {
        vsh_error(ctl, "Options --current and --%s are mutually exclusive",
                  (*flags & VIREO_NETWORK_UPDATE_AFFECT_LIVE) ? "live"
                                                              : "config");
        return false;
    }
    return true;
}

/* What virsh says after a successful update. */
static void
update_report(VshCtl *ctl, VireoNetwork *net, unsigned int flags)
{
    const char *name = vireo_network_get_name(net);
    bool live = flags & VIREO_NETWORK_UPDATE_AFFECT_LIVE;

    /* no newline: virsh's messages lack it (the end-of-command newline
     * ends the line) */
    if (flags & VIREO_NETWORK_UPDATE_AFFECT_CONFIG)
        vsh_print_extra(ctl, live ? "Updated network %s persistent config "
                        "and live state" : "Updated network %s persistent "
                        "config", name);
    else if (live || vireo_network_is_active(net) > 0)
        vsh_print_extra(ctl, "Updated network %s live state", name);
    else
        vsh_print_extra(ctl, "Updated network %s persistent config", name);
    vireo_reset_error();
}

bool
vsh_cmd_net_update(VshCtl *ctl, const VshCmd *cmd)
{
    const char *cmdword = vsh_cmd_opt(cmd, "command");
    const char *secword = vsh_cmd_opt(cmd, "section");
    const char *xmlarg = vsh_cmd_opt(cmd, "xml");
    const char *pidx = vsh_cmd_opt(cmd, "parent-index");
    int command = vsh_net_update_command(cmdword);
    int section = vsh_net_update_section(secword);
    g_autoptr(VireoNetwork) net = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags;
    gint64 parent = -1;

    if (command < 0) {
        vsh_error(ctl, "unrecognized command name '%s'", cmdword);
        return false;
    }
    if (section < 0) {
        vsh_error(ctl, "unrecognized section name '%s'", secword);
        return false;
    }
    if (pidx && !g_ascii_string_to_signed(pidx, 10, 0, G_MAXINT, &parent,
                                          NULL)) {
        vsh_error(ctl, "Numeric value '%s' for <parent-index> option is "
                  "malformed or out of range", pidx);
        return false;
    }
    if (!update_flags(ctl, cmd, &flags) || !(net = vsh_lookup_network(ctl, cmd)))
        return false;
    /* Like virsh: text starting with '<' is the XML, else a file name. */
    xml = *xmlarg == '<' ? g_strdup(xmlarg) : NULL;
    if (!xml && !g_file_get_contents(xmlarg, &xml, NULL, NULL)) {
        vsh_error(ctl, "Failed to open file '%s'", xmlarg);
        return false;
    }
    if (vireo_network_update(net, command, section, (int) parent, xml,
                             flags) < 0) {
        vsh_error(ctl, "Failed to update network %s",
                  vireo_network_get_name(net));
        return false;
    }
    update_report(ctl, net, flags);
    return true;
}

/* ---- net-dhcp-leases ------------------------------------------------- */

static int
lease_cmp(const void *a, const void *b)
{
    const VireoNetworkDhcpLease *la = *(VireoNetworkDhcpLease *const *) a;
    const VireoNetworkDhcpLease *lb = *(VireoNetworkDhcpLease *const *) b;

    return g_strcmp0(la->mac, lb->mac);
}

char *
vsh_lease_expiry_format(long long expiry)
{
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(expiry);

    return t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("-");
}

char *
vsh_net_leases_format(VireoNetworkDhcpLease **leases, int n)
{
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    const char *head[] = { "Expiry Time", "MAC address", "Protocol",
                           "IP address", "Hostname", "Client ID or DUID" };

    for (size_t i = 0; i < G_N_ELEMENTS(head); i++)
        g_ptr_array_add(cells, g_strdup(head[i]));
    for (int i = 0; i < n; i++) {
        const VireoNetworkDhcpLease *l = leases[i];

        g_ptr_array_add(cells, vsh_lease_expiry_format(l->expirytime));
        g_ptr_array_add(cells, g_strdup(l->mac ? l->mac : "-"));
        g_ptr_array_add(cells, g_strdup(l->type == VIREO_IP_ADDR_TYPE_IPV6
                                        ? "ipv6" : "ipv4"));
        g_ptr_array_add(cells, g_strdup_printf("%s/%u", l->ipaddr,
                                               l->prefix));
        g_ptr_array_add(cells, g_strdup(l->hostname ? l->hostname : "-"));
        g_ptr_array_add(cells, g_strdup(l->clientid ? l->clientid : "-"));
    }
    return vsh_table_format((const char *const *) cells->pdata, n,
                            G_N_ELEMENTS(head), true);
}

bool
vsh_cmd_net_dhcp_leases(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);
    VireoNetworkDhcpLease **leases = NULL;
    g_autofree char *text = NULL;
    int n;

    if (!net)
        return false;
    if ((n = vireo_network_get_dhcp_leases(net, vsh_cmd_opt(cmd, "mac"),
                                           &leases, 0)) < 0) {
        vsh_error(ctl, "Failed to get leases info for %s",
                  vireo_network_get_name(net));
        return false;
    }
    qsort(leases, n, sizeof(*leases), lease_cmp);
    text = vsh_net_leases_format(leases, n);
    fputs(text, stdout);
    vireo_network_dhcp_lease_list_free(leases);
    return true;
}

/* ---- net-edit -------------------------------------------------------- */

bool
vsh_cmd_net_edit(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);
    g_autoptr(VireoNetwork) fresh = NULL;
    g_autofree char *orig = NULL;
    g_autofree char *text = NULL;
    g_autofree char *path = NULL;
    int fd;

    if (!net || !(orig = vireo_network_get_xml(net,
                                               VIREO_NETWORK_XML_INACTIVE)))
        return false;
    if ((fd = g_file_open_tmp("vshXXXXXX.xml", &path, NULL)) < 0) {
        vsh_error(ctl, "cannot create a temporary file");
        return false;
    }
    close(fd);
    if (!g_file_set_contents(path, orig, -1, NULL) ||
        !vsh_edit_run_editor(ctl, path) ||
        !g_file_get_contents(path, &text, NULL, NULL)) {
        unlink(path);
        return false;
    }
    unlink(path);
    if (strcmp(text, orig) == 0) {
        vsh_print_extra(ctl, "Network %s XML configuration not changed.\n",
                        vireo_network_get_name(net));
        return true;
    }
    if (!(fresh = vireo_network_define_xml(ctl->conn, text, 0)))
        return false;
    vsh_print_extra(ctl, "Network %s XML configuration edited.\n",
                    vireo_network_get_name(fresh));
    return true;
}
