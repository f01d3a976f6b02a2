/* net_firewall.c: the nftables table of one virtual network.
 *
 * Each network gets "table inet vireo_NAME" with its own base chains
 * (input, output, forward, postrouting), so it is created and removed as a
 * unit and never touches anyone else's tables (Docker, firewalld, the
 * host's own ruleset).  The rules mirror libvirt's for the same forward
 * modes: masquerade of the IPv4 subnet to anything outside it (tcp/udp
 * into the NAT port range, multicast 224.0.0.0/24 and broadcast exempt),
 * forwarding of established/related traffic back into a NAT subnet and of
 * anything from it, IPv6 routed (never NATed) as libvirt does, routed
 * subnets forwarded both ways, guest-to-guest traffic on the bridge
 * always allowed, everything else to or from the bridge rejected (except
 * in mode open), and DHCP/DNS/RA to the host accepted on the bridge.
 * Applying goes through `nft -f` (vr_command), never a ruleset flush.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network/net_firewall.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_file.h"

#define NAT_PORT_MIN 1024
#define NAT_PORT_MAX 65535

/* nft priorities: filter 0, srcnat 100 (numbers work with every nft). */
#define PRIO_FILTER 0
#define PRIO_SRCNAT 100

char *
net_firewall_table_name(const VrNetworkDef *def)
{
    char *name = g_strdup_printf("vireo_%s", def->name);

    for (char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_')
            *p = '_';
    return name;
}

/* "NET/PREFIX" with the host bits cleared, "ip" or "ip6" in *kw. */
static char *
subnet_format(const VrNetIpDef *ip, const char **kw)
{
    VrNetAddr net = ip->address;
    size_t len = net.family == AF_INET6 ? 16 : 4;
    unsigned int prefix = MIN(ip->prefix, len * 8);
    g_autofree char *addr = NULL;

    for (size_t i = 0; i < len; i++) {
        unsigned int keep = prefix > i * 8 ? MIN(prefix - i * 8, 8) : 0;

        net.addr[i] &= (uint8_t)(0xff00 >> keep);
    }
    *kw = net.family == AF_INET6 ? "ip6" : "ip";
    addr = vr_net_addr_format(&net);
    return g_strdup_printf("%s/%u", addr, prefix);
}

static bool
has_family(const VrNetworkDef *def, int family)
{
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);

        if (ip->address.family == family)
            return true;
    }
    return false;
}

/* @s without what would end an nft quoted string or comment line (the
 * validator refuses such names; this keeps a bad one from injecting). */
static char *
nft_safe(const char *s)
{
    GString *out = g_string_new(NULL);

    for (; s && *s; s++)
        if (*s != '"' && *s != '\\' && !g_ascii_iscntrl(*s))
            g_string_append_c(out, *s);
    return g_string_free(out, FALSE);
}

/* '"BR"': interface names go in double quotes (they may hold '-', '.'). */
static char *
ifname_quote(const char *name)
{
    g_autofree char *safe = nft_safe(name);

    return g_strdup_printf("\"%s\"", safe);
}

static void
chain_open(GString *s, const char *name, const char *type, const char *hook,
           int prio)
{
    g_string_append_printf(s, "    chain %s {\n"
                           "        type %s hook %s priority %d; policy accept;\n",
                           name, type, hook, prio);
}

/* DHCP, DNS and (v6) DHCPv6 / router solicitations from guests to us, and
 * our replies to them. */
static void
format_input_output(GString *s, const VrNetworkDef *def, const char *br)
{
    bool v6 = has_family(def, AF_INET6);

    chain_open(s, "input", "filter", "input", PRIO_FILTER);
    g_string_append_printf(s, "        iifname %s udp dport { 53, 67 } accept\n"
                           "        iifname %s tcp dport 53 accept\n", br, br);
    if (v6)
        g_string_append_printf(s, "        iifname %s udp dport 547 accept\n"
                               "        iifname %s icmpv6 type "
                               "nd-router-solicit accept\n", br, br);
    g_string_append(s, "    }\n");
    chain_open(s, "output", "filter", "output", PRIO_FILTER);
    g_string_append_printf(s, "        oifname %s udp dport { 53, 68 } accept\n"
                           "        oifname %s tcp dport 53 accept\n", br, br);
    if (v6)
        g_string_append_printf(s, "        oifname %s udp dport 546 accept\n"
                               "        oifname %s icmpv6 type "
                               "nd-router-advert accept\n", br, br);
    g_string_append(s, "    }\n");
}

/* Forward rules of one subnet: NATed (v4 in mode nat) lets only replies
 * in; routed lets everything in. */
static void
format_forward_subnet(GString *s, const VrNetworkDef *def, const VrNetIpDef *ip,
                      const char *br, const char *dev)
{
    const char *kw;
    g_autofree char *net = subnet_format(ip, &kw);
    bool nat = def->forward == VR_NET_FORWARD_NAT &&
               ip->address.family == AF_INET;
    g_autofree char *in_dev = dev ? g_strdup_printf("iifname %s ", dev) :
                              g_strdup("");
    g_autofree char *out_dev = dev ? g_strdup_printf(" oifname %s", dev) :
                               g_strdup("");

    g_string_append_printf(s, "        %soifname %s %s daddr %s %saccept\n",
                           in_dev, br, kw, net,
                           nat ? "ct state established,related " : "");
    g_string_append_printf(s, "        iifname %s%s %s saddr %s accept\n",
                           br, out_dev, kw, net);
}

static void
format_forward(GString *s, const VrNetworkDef *def, const char *br,
               const char *dev)
{
    bool forwarding = def->forward == VR_NET_FORWARD_NAT ||
                      def->forward == VR_NET_FORWARD_ROUTE;

    chain_open(s, "forward", "filter", "forward", PRIO_FILTER);
    g_string_append_printf(s, "        iifname %s oifname %s accept\n", br, br);
    for (guint i = 0; forwarding && def->ips && i < def->ips->len; i++)
        format_forward_subnet(s, def, g_ptr_array_index(def->ips, i), br, dev);
    /* Mode open leaves the rest to the host's own firewall. */
    if (def->forward != VR_NET_FORWARD_OPEN)
        g_string_append_printf(s, "        iifname %s reject\n"
                               "        oifname %s reject\n", br, br);
    g_string_append(s, "    }\n");
}

static void
format_masquerade(GString *s, const VrNetworkDef *def, const VrNetIpDef *ip,
                  const char *dev)
{
    const char *kw;
    g_autofree char *net = subnet_format(ip, &kw);
    g_autofree char *out = dev ? g_strdup_printf(" oifname %s", dev) :
                           g_strdup("");
    unsigned int lo = def->nat_port_start ? def->nat_port_start : NAT_PORT_MIN;
    unsigned int hi = def->nat_port_end ? def->nat_port_end : NAT_PORT_MAX;
    static const char *const protos[] = { "tcp", "udp" };

    /* Multicast and broadcast must keep their source address. */
    g_string_append_printf(s, "        ip saddr %s ip daddr 224.0.0.0/24 return\n"
                           "        ip saddr %s ip daddr 255.255.255.255 return\n",
                           net, net);
    for (size_t i = 0; i < G_N_ELEMENTS(protos); i++)
        g_string_append_printf(s, "        ip saddr %s ip daddr != %s%s meta l4proto "
                               "%s masquerade to :%u-%u\n",
                               net, net, out, protos[i], lo, hi);
    g_string_append_printf(s, "        ip saddr %s ip daddr != %s%s masquerade\n",
                           net, net, out);
}

static void
format_postrouting(GString *s, const VrNetworkDef *def, const char *dev)
{
    if (def->forward != VR_NET_FORWARD_NAT || !has_family(def, AF_INET))
        return;
    chain_open(s, "postrouting", "nat", "postrouting", PRIO_SRCNAT);
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const VrNetIpDef *ip = g_ptr_array_index(def->ips, i);

        if (ip->address.family == AF_INET)
            format_masquerade(s, def, ip, dev);
    }
    g_string_append(s, "    }\n");
}

char *
net_firewall_delete_script(const VrNetworkDef *def)
{
    g_autofree char *table = net_firewall_table_name(def);

    /* Declaring first makes the delete succeed when the table is absent. */
    return g_strdup_printf("table inet %s\ndelete table inet %s\n",
                           table, table);
}

char *
net_firewall_script(const VrNetworkDef *def)
{
    g_autofree char *table = net_firewall_table_name(def);
    g_autofree char *br = ifname_quote(def->bridge);
    g_autofree char *dev = def->forward_dev ? ifname_quote(def->forward_dev) :
                           NULL;
    GString *s = g_string_new(NULL);
    g_autofree char *del = net_firewall_delete_script(def);
    g_autofree char *name = nft_safe(def->name);

    g_string_append_printf(s, "# nftables rules of network '%s' (vireo)\n", name);
    g_string_append(s, del);
    /* A host bridge (mode bridge) is not ours to filter: no table. */
    if (def->forward == VR_NET_FORWARD_BRIDGE)
        return g_string_free(s, FALSE);
    g_string_append_printf(s, "table inet %s {\n", table);
    format_input_output(s, def, br);
    format_forward(s, def, br, dev);
    format_postrouting(s, def, dev);
    g_string_append(s, "}\n");
    return g_string_free(s, FALSE);
}

/* nft's stderr on one line (its errors span a message, the input line and
 * a caret line), capped for the error message. */
static char *
stderr_summary(const char *err)
{
    g_auto(GStrv) lines = g_strsplit(err ? err : "", "\n", -1);
    GString *s = g_string_new(NULL);

    for (size_t i = 0; lines[i] && s->len < 1000; i++) {
        g_strstrip(lines[i]);
        if (!*lines[i] || strspn(lines[i], "^~ ") == strlen(lines[i]))
            continue;
        if (s->len)
            g_string_append(s, " / ");
        g_string_append(s, lines[i]);
    }
    return g_string_free(s, FALSE);
}

/* Run nft with @args; 0 on exit status 0, else -1 reported with stderr. */
static int
nft_run(const char *const *args, const char *what, char **out)
{
    g_autoptr(VrCommand) cmd = vr_command_new("nft");
    g_autofree char *err = NULL;
    g_autofree char *msg = NULL;
    int status;

    for (size_t i = 0; args[i]; i++)
        vr_command_add_arg(cmd, args[i]);
    if (vr_command_run(cmd, &status, out, &err) < 0)
        return -1;
    if (status == 0)
        return 0;
    msg = stderr_summary(err);
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_NETWORK,
                    "cannot %s with nft (exit status %d): %s", what, status,
                    *msg ? msg : "no message");
    return -1;
}

static int
firewall_run_script(const char *script, bool check)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *path = NULL;
    const char *args[] = { "-f", NULL, NULL, NULL };
    int fd, ret;

    if ((fd = g_file_open_tmp("vireo-nft-XXXXXX", &path, &gerr)) < 0) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_NETWORK,
                        "cannot create a temporary file: %s", gerr->message);
        return -1;
    }
    if (vr_write_all(fd, script, strlen(script)) < 0) {
        vr_error_report_system(errno, VR_FROM_NETWORK, "cannot write '%s'", path);
        close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    if (check) {
        args[0] = "-c";
        args[1] = "-f";
    }
    args[check ? 2 : 1] = path;
    ret = nft_run(args, check ? "check the firewall rules" :
                  "apply the firewall rules", NULL);
    unlink(path);
    return ret;
}

int
net_firewall_apply(const char *script)
{
    return firewall_run_script(script, false);
}

int
net_firewall_check(const char *script)
{
    return firewall_run_script(script, true);
}

int
net_firewall_table_exists(const VrNetworkDef *def)
{
    static const char *const args[] = { "list", "tables", "inet", NULL };
    g_autofree char *table = net_firewall_table_name(def);
    g_autofree char *want = g_strdup_printf("table inet %s", table);
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;

    if (nft_run(args, "list the firewall tables", &out) < 0)
        return -1;
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++)
        if (strcmp(g_strstrip(lines[i]), want) == 0)
            return 1;
    return 0;
}
