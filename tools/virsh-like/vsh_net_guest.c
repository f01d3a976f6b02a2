/* vsh_net_guest.c: net-event (wait for network lifecycle events) and the
 * guest NIC commands domiflist (from the domain XML) and domifaddr (from
 * the daemon's lease data), with virsh 9.0's output. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsh.h"

typedef struct {
    GMutex lock;
    bool loop;
    bool timestamp;            /* --timestamp: prefix each line */
    int count;
    int wake[2];
} NetEventWait;

static int net_event_signal_fd = -1;

static void
net_event_on_sigint(int sig)
{
    char c = 'i';

    if (net_event_signal_fd >= 0 && write(net_event_signal_fd, &c, 1) < 0)
        return;
}

char *
vsh_net_event_format(const char *net_name, int event)
{
    return g_strdup_printf("event 'lifecycle' for network %s: %s\n",
                           net_name, vireo_network_event_string(event));
}

/* libvirt's virTimeStringNowRaw(): UTC, "2024-05-01 10:00:00.123+0000". */
static char *
net_event_timestamp(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *base = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

    return g_strdup_printf("%s.%03d+0000", base,
                           g_date_time_get_microsecond(now) / 1000);
}

static void
net_event_print(VireoConn *conn, VireoNetwork *net, int event, int detail,
                void *opaque)
{
    NetEventWait *w = opaque;
    g_autofree char *line = vsh_net_event_format(vireo_network_get_name(net),
                                                 event);
    char c = 'e';

    g_mutex_lock(&w->lock);
    if (w->loop || w->count == 0) {
        if (w->timestamp) {
            g_autofree char *ts = net_event_timestamp();

            printf("%s: ", ts);
        }
        fputs(line, stdout);
        fflush(stdout);
        w->count++;
        if (!w->loop && write(w->wake[1], &c, 1) < 0) {
            /* cannot happen with a fresh pipe; --timeout still ends it */
        }
    }
    g_mutex_unlock(&w->lock);
}

/* 0 done, 1 timeout, 2 interrupted. */
static int
net_event_wait(NetEventWait *w, int timeout_s)
{
    gint64 deadline = timeout_s > 0
        ? g_get_monotonic_time() + (gint64) timeout_s * G_USEC_PER_SEC : -1;

    for (;;) {
        struct pollfd pfd = { w->wake[0], POLLIN, 0 };
        int ms = -1;
        char c;

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0)
                return 1;
            ms = (int) MIN(left / 1000 + 1, G_MAXINT);
        }
        if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
            return 2;
        if (pfd.revents && read(w->wake[0], &c, 1) == 1)
            return c == 'i' ? 2 : 0;
    }
}

static bool
net_event_run(VshCtl *ctl, VireoNetwork *net, int timeout, NetEventWait *w)
{
    struct sigaction sa = { .sa_handler = net_event_on_sigint };
    struct sigaction old;
    int id = vireo_conn_network_event_register(ctl->conn, net,
                                               VIREO_NETWORK_EVENT_ID_LIFECYCLE,
                                               net_event_print, w, NULL);
    bool ok;

    if (id < 0)
        return false;
    net_event_signal_fd = w->wake[1];
    sigaction(SIGINT, &sa, &old);
    switch (net_event_wait(w, timeout)) {
    case 1: printf("event loop timed out\n"); break;
    case 2: printf("event loop interrupted\n"); break;
    default: break;
    }
    sigaction(SIGINT, &old, NULL);
    net_event_signal_fd = -1;
    if (vireo_conn_network_event_deregister(ctl->conn, id) < 0)
        return false;
    g_mutex_lock(&w->lock);
    printf("events received: %d\n", w->count);
    ok = w->count > 0;
    g_mutex_unlock(&w->lock);
    return ok;
}

bool
vsh_cmd_net_event(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoNetwork) net = NULL;
    const char *event = vsh_cmd_opt(cmd, "event");
    const char *tmo = vsh_cmd_opt(cmd, "timeout");
    NetEventWait w = { .loop = vsh_cmd_has(cmd, "loop"),
                       .timestamp = vsh_cmd_has(cmd, "timestamp") };
    int timeout = 0;
    bool ok;

    if (vsh_cmd_has(cmd, "list")) {
        printf("%s\n", vireo_network_event_id_string(0));
        return true;
    }
    if (!event) {
        vsh_error(ctl, "either --list or --event <type> is required");
        return false;
    }
    if (vireo_network_event_id_from_string(event) < 0) {
        vsh_error(ctl, "unknown event type %s", event);
        return false;
    }
    if (tmo && vsh_parse_timeout(tmo, &timeout) < 0) {
        vsh_error(ctl, "Numeric value '%s' for <timeout> option is "
                  "malformed or out of range", tmo);
        return false;
    }
    /* As virsh: an unknown --network is reported, then events of every
     * network are awaited. */
    if (vsh_cmd_has(cmd, "network") && !(net = vsh_lookup_network(ctl, cmd)))
        vsh_report_error(ctl);
    if (!g_unix_open_pipe(w.wake, FD_CLOEXEC, NULL)) {
        vsh_error(ctl, "cannot create a pipe: %s", g_strerror(errno));
        return false;
    }
    g_mutex_init(&w.lock);
    fflush(stdout);
    ok = net_event_run(ctl, net, timeout, &w);
    close(w.wake[0]);
    close(w.wake[1]);
    g_mutex_clear(&w.lock);
    return ok;
}

/* ---- domiflist ------------------------------------------------------- */

/* vsh_lookup_domain(), then, as virsh's domain lookup does, drop the
 * library error so that only "failed to get domain 'x'" is printed. */
static VireoDomain *
lookup_domain(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);

    if (!dom)
        vireo_reset_error();
    return dom;
}

typedef struct {
    GPtrArray *cells;          /* 5 per interface */
    char *cur[5];              /* target, type, source, model, mac */
    int depth_iface;           /* > 0 inside <devices><interface> */
    int depth;
} IfListParse;

static void
iflist_start(GMarkupParseContext *ctx, const char *elem, const char **names,
             const char **values, gpointer data, GError **err)
{
    IfListParse *p = data;
    const GSList *stack = g_markup_parse_context_get_element_stack(ctx);
    const char *parent = stack->next ? stack->next->data : "";

    p->depth++;
    if (strcmp(elem, "interface") == 0 && strcmp(parent, "devices") == 0) {
        p->depth_iface = p->depth;
        for (int i = 0; i < 5; i++)
            g_clear_pointer(&p->cur[i], g_free);
    }
    if (!p->depth_iface || p->depth != p->depth_iface + (strcmp(elem,
        "interface") == 0 ? 0 : 1))
        return;
    for (int i = 0; names[i]; i++) {
        const char *n = names[i];
        int slot = -1;

        if (strcmp(elem, "interface") == 0 && strcmp(n, "type") == 0)
            slot = 1;
        else if (strcmp(elem, "target") == 0 && strcmp(n, "dev") == 0)
            slot = 0;
        else if (strcmp(elem, "source") == 0 &&
                 (!strcmp(n, "bridge") || !strcmp(n, "dev") ||
                  !strcmp(n, "network") || !strcmp(n, "name")))
            slot = 2;
        else if (strcmp(elem, "model") == 0 && strcmp(n, "type") == 0)
            slot = 3;
        else if (strcmp(elem, "mac") == 0 && strcmp(n, "address") == 0)
            slot = 4;
        if (slot >= 0 && !p->cur[slot])
            p->cur[slot] = g_strdup(values[i]);
    }
}

static void
iflist_end(GMarkupParseContext *ctx, const char *elem, gpointer data,
           GError **err)
{
    IfListParse *p = data;

    if (p->depth_iface && p->depth == p->depth_iface) {
        for (int i = 0; i < 5; i++)
            g_ptr_array_add(p->cells, p->cur[i] ? g_steal_pointer(&p->cur[i])
                                                : g_strdup("-"));
        p->depth_iface = 0;
    }
    p->depth--;
}

char *
vsh_domiflist_format(const char *xml)
{
    static const GMarkupParser parser = { iflist_start, iflist_end, NULL,
                                          NULL, NULL };
    const char *head[] = { "Interface", "Type", "Source", "Model", "MAC" };
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    IfListParse p = { .cells = cells };
    GMarkupParseContext *ctx;
    bool ok;

    for (size_t i = 0; i < G_N_ELEMENTS(head); i++)
        g_ptr_array_add(cells, g_strdup(head[i]));
    ctx = g_markup_parse_context_new(&parser, 0, &p, NULL);
    ok = g_markup_parse_context_parse(ctx, xml, -1, NULL) &&
         g_markup_parse_context_end_parse(ctx, NULL);
    g_markup_parse_context_free(ctx);
    for (int i = 0; i < 5; i++)
        g_free(p.cur[i]);
    if (!ok)
        return NULL;
    return vsh_table_format((const char *const *) cells->pdata,
                            (int) cells->len / 5 - 1, 5, true);
}

bool
vsh_cmd_domiflist(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = lookup_domain(ctl, cmd);
    unsigned int flags = vsh_cmd_has(cmd, "inactive")
        ? VIREO_DOMAIN_XML_INACTIVE : 0;
    g_autofree char *xml = NULL;
    g_autofree char *text = NULL;

    if (!dom || !(xml = vireo_domain_get_xml(dom, flags)))
        return false;
    if (!(text = vsh_domiflist_format(xml))) {
        vsh_error(ctl, "Failed to parse the domain XML");
        return false;
    }
    fputs(text, stdout);
    return true;
}

/* ---- domifaddr ------------------------------------------------------- */

char *
vsh_domifaddr_format(VireoDomainInterface **ifaces, int n, bool full)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, " %-10s %-20s %-8s     %s\n%s%s\n", "Name",
                           "MAC address", "Protocol", "Address",
                           "-------------------------------------------------",
                           "------------------------------");
    for (int i = 0; i < n; i++) {
        const VireoDomainInterface *f = ifaces[i];
        const char *hw = f->hwaddr ? f->hwaddr : "";

        if (!f->naddrs)
            g_string_append_printf(out, " %-10s %-17s    %-12s %s\n",
                                   f->name, hw, "N/A", "N/A");
        for (size_t j = 0; j < f->naddrs; j++) {
            g_autofree char *ip = g_strdup_printf("%s/%u", f->addrs[j].addr,
                                                  f->addrs[j].prefix);
            const char *type = f->addrs[j].type == VIREO_IP_ADDR_TYPE_IPV6
                ? "ipv6" : "ipv4";

            g_string_append_printf(out, " %-10s %-17s    %-12s %s\n",
                                   j == 0 || full ? f->name : "-",
                                   j == 0 || full ? hw : "-", type, ip);
        }
    }
    return g_string_free(out, FALSE);
}

bool
vsh_cmd_domifaddr(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = lookup_domain(ctl, cmd);
    const char *src = vsh_cmd_opt(cmd, "source");
    const char *only = vsh_cmd_opt(cmd, "interface");
    VireoDomainInterface **ifaces = NULL;
    g_autofree char *text = NULL;
    unsigned int source = VIREO_DOMAIN_IFADDR_SRC_LEASE;
    int n, kept = 0;

    if (!dom)
        return false;
    if (src && strcmp(src, "lease") != 0) {
        if (strcmp(src, "agent") == 0)
            source = VIREO_DOMAIN_IFADDR_SRC_AGENT;
        else if (strcmp(src, "arp") == 0)
            source = VIREO_DOMAIN_IFADDR_SRC_ARP;
        else {
            vsh_error(ctl, "Unknown data source '%s'", src);
            return false;
        }
    }
    if ((n = vireo_domain_interface_addresses(dom, source, &ifaces, 0)) < 0) {
        vsh_error(ctl, "Failed to query for interfaces addresses");
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (only && g_strcmp0(ifaces[i]->name, only) != 0 &&
            g_strcmp0(ifaces[i]->hwaddr, only) != 0)
            vireo_domain_interface_free(ifaces[i]);
        else
            ifaces[kept++] = ifaces[i];
    }
    ifaces[kept] = NULL;
    text = vsh_domifaddr_format(ifaces, kept, vsh_cmd_has(cmd, "full"));
    fputs(text, stdout);
    vireo_domain_interface_list_free(ifaces);
    return true;
}
