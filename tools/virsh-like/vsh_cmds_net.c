/* vsh_cmds_net.c: virtual network commands (net-define, net-list,
 * net-info, net-start, ...) with virsh 9.0's output formats. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh.h"

VireoNetwork *
vsh_lookup_network(VshCtl *ctl, const VshCmd *cmd)
{
    const char *arg = vsh_cmd_opt(cmd, "network");
    VireoNetwork *net = NULL;

    if (strlen(arg) == VIREO_UUID_STRING_BUFLEN - 1)
        net = vireo_network_lookup_by_uuid_string(ctl->conn, arg);
    if (!net) {
        vireo_reset_error();
        net = vireo_network_lookup_by_name(ctl->conn, arg);
    }
    if (!net)
        vsh_error(ctl, "failed to get network '%s'", arg);
    return net;
}

/* Read @file into a new string; NULL after printing an error. */
static char *
read_xml_file(VshCtl *ctl, const char *file)
{
    g_autoptr(GError) gerr = NULL;
    char *xml = NULL;

    if (!g_file_get_contents(file, &xml, NULL, &gerr)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file, gerr->message);
        return NULL;
    }
    return xml;
}

static bool
define_or_create(VshCtl *ctl, const VshCmd *cmd, bool create)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    unsigned int flags = vsh_cmd_has(cmd, "validate") ? VIREO_NETWORK_VALIDATE
                                                      : 0;
    g_autofree char *xml = read_xml_file(ctl, file);
    g_autoptr(VireoNetwork) net = NULL;

    if (!xml)
        return false;
    net = create ? vireo_network_create_xml(ctl->conn, xml, flags)
                 : vireo_network_define_xml(ctl->conn, xml, flags);
    if (!net) {
        vsh_error(ctl, "Failed to %s network from %s",
                  create ? "create" : "define", file);
        return false;
    }
    vsh_print_extra(ctl, "Network %s %s from %s\n",
                    vireo_network_get_name(net),
                    create ? "created" : "defined", file);
    return true;
}

bool
vsh_cmd_net_define(VshCtl *ctl, const VshCmd *cmd)
{
    return define_or_create(ctl, cmd, false);
}

bool
vsh_cmd_net_create(VshCtl *ctl, const VshCmd *cmd)
{
    return define_or_create(ctl, cmd, true);
}

typedef int (*NetAction)(VireoNetwork *net);

/* Look up, act, print "Network NAME DONE" or "Failed to VERB network". */
static bool
net_action(VshCtl *ctl, const VshCmd *cmd, NetAction act, const char *verb,
           const char *done)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);

    if (!net)
        return false;
    if (act(net) < 0) {
        vsh_error(ctl, "Failed to %s network %s", verb,
                  vireo_network_get_name(net));
        return false;
    }
    vsh_print_extra(ctl, "Network %s %s\n", vireo_network_get_name(net), done);
    return true;
}

bool
vsh_cmd_net_undefine(VshCtl *ctl, const VshCmd *cmd)
{
    return net_action(ctl, cmd, vireo_network_undefine, "undefine",
                      "has been undefined");
}

bool
vsh_cmd_net_start(VshCtl *ctl, const VshCmd *cmd)
{
    return net_action(ctl, cmd, vireo_network_start, "start", "started");
}

bool
vsh_cmd_net_destroy(VshCtl *ctl, const VshCmd *cmd)
{
    return net_action(ctl, cmd, vireo_network_destroy, "destroy",
                      "destroyed");
}

bool
vsh_cmd_net_autostart(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);
    bool enable = !vsh_cmd_has(cmd, "disable");

    if (!net)
        return false;
    if (vireo_network_set_autostart(net, enable) < 0) {
        vsh_error(ctl, "failed to %smark network %s as autostarted",
                  enable ? "" : "un", vireo_network_get_name(net));
        return false;
    }
    vsh_print_extra(ctl, "Network %s %smarked as autostarted\n",
                    vireo_network_get_name(net), enable ? "" : "un");
    return true;
}

unsigned int
vsh_net_list_flags(bool all, bool inactive, bool persistent, bool transient,
                   bool autostart, bool no_autostart)
{
    unsigned int flags = VIREO_NETWORK_LIST_ACTIVE;

    if (inactive)
        flags = VIREO_NETWORK_LIST_INACTIVE;
    if (all)
        flags = VIREO_NETWORK_LIST_ACTIVE | VIREO_NETWORK_LIST_INACTIVE;
    if (persistent)
        flags |= VIREO_NETWORK_LIST_PERSISTENT;
    if (transient)
        flags |= VIREO_NETWORK_LIST_TRANSIENT;
    if (autostart)
        flags |= VIREO_NETWORK_LIST_AUTOSTART;
    if (no_autostart)
        flags |= VIREO_NETWORK_LIST_NO_AUTOSTART;
    return flags;
}

static int
net_cmp(const void *a, const void *b)
{
    return g_ascii_strcasecmp(
        vireo_network_get_name(*(VireoNetwork *const *) a),
        vireo_network_get_name(*(VireoNetwork *const *) b));
}

static bool
net_list_table(VshCtl *ctl, VireoNetwork **nets, int n)
{
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;

    g_ptr_array_add(cells, g_strdup("Name"));
    g_ptr_array_add(cells, g_strdup("State"));
    g_ptr_array_add(cells, g_strdup("Autostart"));
    g_ptr_array_add(cells, g_strdup("Persistent"));
    for (int i = 0; i < n; i++) {
        int active = vireo_network_is_active(nets[i]);
        int persistent = vireo_network_is_persistent(nets[i]);
        int autostart = 0;
        bool has_auto = vireo_network_get_autostart(nets[i], &autostart) == 0;

        vireo_reset_error();
        g_ptr_array_add(cells, g_strdup(vireo_network_get_name(nets[i])));
        g_ptr_array_add(cells, g_strdup(active > 0 ? "active" : "inactive"));
        g_ptr_array_add(cells, g_strdup(!has_auto ? "-" :
                                        autostart ? "yes" : "no"));
        g_ptr_array_add(cells, g_strdup(persistent > 0 ? "yes" : "no"));
    }
    text = vsh_table_format((const char *const *) cells->pdata, n, 4,
                            !ctl->quiet);
    fputs(text, stdout);
    return true;
}

bool
vsh_cmd_net_list(VshCtl *ctl, const VshCmd *cmd)
{
    VireoNetwork **nets = NULL;
    bool name = vsh_cmd_has(cmd, "name");
    bool uuid = vsh_cmd_has(cmd, "uuid");
    bool table = vsh_cmd_has(cmd, "table");
    unsigned int flags = vsh_net_list_flags(
        vsh_cmd_has(cmd, "all"), vsh_cmd_has(cmd, "inactive"),
        vsh_cmd_has(cmd, "persistent"), vsh_cmd_has(cmd, "transient"),
        vsh_cmd_has(cmd, "autostart"), vsh_cmd_has(cmd, "no-autostart"));
    int n;

    if (table + name + uuid > 1) {
        vsh_error(ctl, "Only one argument from --table, --name and --uuid "
                  "may be specified.");
        return false;
    }
    if ((n = vireo_conn_list_networks(ctl->conn, flags, &nets)) < 0) {
        vsh_error(ctl, "Failed to list networks");
        return false;
    }
    qsort(nets, n, sizeof(*nets), net_cmp);
    for (int i = 0; (name || uuid) && i < n; i++) {
        char buf[VIREO_UUID_STRING_BUFLEN];

        vireo_network_get_uuid_string(nets[i], buf);
        printf("%s\n", uuid ? buf : vireo_network_get_name(nets[i]));
    }
    if (!name && !uuid)
        net_list_table(ctl, nets, n);
    vireo_network_list_free(nets);
    return true;
}

bool
vsh_cmd_net_info(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);
    char uuid[VIREO_UUID_STRING_BUFLEN];
    g_autofree char *bridge = NULL;
    int active, persistent, autostart;

    if (!net)
        return false;
    printf("%-15s %s\n", "Name:", vireo_network_get_name(net));
    vireo_network_get_uuid_string(net, uuid);
    printf("%-15s %s\n", "UUID:", uuid);
    if ((active = vireo_network_is_active(net)) >= 0)
        printf("%-15s %s\n", "Active:", active ? "yes" : "no");
    if ((persistent = vireo_network_is_persistent(net)) < 0)
        printf("%-15s %s\n", "Persistent:", "unknown");
    else
        printf("%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
    if (vireo_network_get_autostart(net, &autostart) < 0)
        printf("%-15s %s\n", "Autostart:", "no autostart");
    else
        printf("%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    if ((bridge = vireo_network_get_bridge_name(net)))
        printf("%-15s %s\n", "Bridge:", bridge);
    vireo_reset_error();
    return true;
}

bool
vsh_cmd_net_dumpxml(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);
    unsigned int flags = vsh_cmd_has(cmd, "inactive")
        ? VIREO_NETWORK_XML_INACTIVE : 0;
    char *xml;

    if (!net || !(xml = vireo_network_get_xml(net, flags)))
        return false;
    fputs(xml, stdout);
    free(xml);
    return true;
}

bool
vsh_cmd_net_uuid(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = vsh_lookup_network(ctl, cmd);
    char buf[VIREO_UUID_STRING_BUFLEN];

    if (!net)
        return false;
    vireo_network_get_uuid_string(net, buf);
    printf("%s\n", buf);
    return true;
}

bool
vsh_cmd_net_name(VshCtl *ctl, const VshCmd *cmd)
{
    const char *arg = vsh_cmd_opt(cmd, "network");
    g_autoptr(VireoNetwork) net =
        vireo_network_lookup_by_uuid_string(ctl->conn, arg);

    if (!net) {
        vsh_error(ctl, "failed to get network '%s'", arg);
        return false;
    }
    printf("%s\n", vireo_network_get_name(net));
    return true;
}
