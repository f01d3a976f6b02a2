/* vsh_cmds_stats.c: the statistics commands (domstats, dommemstat,
 * domblkstat, domifstat, domblkinfo, domblklist, vcpuinfo, nodecpustats,
 * nodememstats), printing byte for byte what virsh 9.0 prints. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_hotplug.h"

#define DOMAIN_OPT \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "domain name, id or uuid" }
#define END_OPTS { NULL, 0, 0, NULL }

typedef struct {
    const char *opt;
    unsigned int bit;
} OptBit;

static const OptBit stats_groups[] = {
    { "state", VIREO_DOMAIN_STATS_STATE },
    { "cpu-total", VIREO_DOMAIN_STATS_CPU_TOTAL },
    { "balloon", VIREO_DOMAIN_STATS_BALLOON },
    { "vcpu", VIREO_DOMAIN_STATS_VCPU },
    { "interface", VIREO_DOMAIN_STATS_INTERFACE },
    { "block", VIREO_DOMAIN_STATS_BLOCK },
    { "perf", VIREO_DOMAIN_STATS_PERF },
    { "iothread", VIREO_DOMAIN_STATS_IOTHREAD },
    { "memory", VIREO_DOMAIN_STATS_MEMORY },
    { "dirtyrate", VIREO_DOMAIN_STATS_DIRTYRATE },
    { "vm", VIREO_DOMAIN_STATS_VM },
};
static const OptBit stats_flags[] = {
    { "list-active", VIREO_DOMAIN_STATS_LIST_ACTIVE },
    { "list-inactive", VIREO_DOMAIN_STATS_LIST_INACTIVE },
    { "list-persistent", VIREO_DOMAIN_STATS_LIST_PERSISTENT },
    { "list-transient", VIREO_DOMAIN_STATS_LIST_TRANSIENT },
    { "list-running", VIREO_DOMAIN_STATS_LIST_RUNNING },
    { "list-paused", VIREO_DOMAIN_STATS_LIST_PAUSED },
    { "list-shutoff", VIREO_DOMAIN_STATS_LIST_SHUTOFF },
    { "list-other", VIREO_DOMAIN_STATS_LIST_OTHER },
    { "enforce", VIREO_DOMAIN_STATS_ENFORCE },
    { "backing", VIREO_DOMAIN_STATS_BACKING },
    { "nowait", VIREO_DOMAIN_STATS_NOWAIT },
};

const VshOptDef vsh_opts_domstats[] = {
    { "state", VSH_OT_BOOL, 0, "report domain state" },
    { "cpu-total", VSH_OT_BOOL, 0, "report domain physical cpu usage" },
    { "balloon", VSH_OT_BOOL, 0, "report domain balloon statistics" },
    { "vcpu", VSH_OT_BOOL, 0, "report domain virtual cpu information" },
    { "interface", VSH_OT_BOOL, 0, "report domain network interface "
      "information" },
    { "block", VSH_OT_BOOL, 0, "report domain block device statistics" },
    { "perf", VSH_OT_BOOL, 0, "report domain perf event statistics" },
    { "iothread", VSH_OT_BOOL, 0, "report domain IOThread information" },
    { "memory", VSH_OT_BOOL, 0, "report domain memory usage" },
    { "dirtyrate", VSH_OT_BOOL, 0, "report domain dirty rate information" },
    { "vm", VSH_OT_BOOL, 0, "report hypervisor-specific statistics" },
    { "list-active", VSH_OT_BOOL, 0, "list only active domains" },
    { "list-inactive", VSH_OT_BOOL, 0, "list only inactive domains" },
    { "list-persistent", VSH_OT_BOOL, 0, "list only persistent domains" },
    { "list-transient", VSH_OT_BOOL, 0, "list only transient domains" },
    { "list-running", VSH_OT_BOOL, 0, "list only running domains" },
    { "list-paused", VSH_OT_BOOL, 0, "list only paused domains" },
    { "list-shutoff", VSH_OT_BOOL, 0, "list only shutoff domains" },
    { "list-other", VSH_OT_BOOL, 0, "list only domains in other states" },
    { "raw", VSH_OT_BOOL, 0, "do not pretty-print the fields" },
    { "enforce", VSH_OT_BOOL, 0, "enforce requested stats parameters" },
    { "backing", VSH_OT_BOOL, 0, "add backing chain information to block "
      "stats" },
    { "nowait", VSH_OT_BOOL, 0, "report only stats that are accessible "
      "instantly" },
    { "domain", VSH_OT_STRING, VSH_OFLAG_POS | VSH_OFLAG_MULTI,
      "list of domains to get stats for" },
    END_OPTS
};
const VshOptDef vsh_opts_dommemstat[] = {
    DOMAIN_OPT,
    { "period", VSH_OT_STRING, 0, "period in seconds to set collection" },
    { "config", VSH_OT_BOOL, 0, "affect next boot" },
    { "live", VSH_OT_BOOL, 0, "affect running domain" },
    { "current", VSH_OT_BOOL, 0, "affect current domain" },
    END_OPTS
};
const VshOptDef vsh_opts_domblkstat[] = {
    DOMAIN_OPT,
    { "device", VSH_OT_STRING, VSH_OFLAG_POS, "block device" },
    { "human", VSH_OT_BOOL, 0, "print a more human readable output" },
    END_OPTS
};
const VshOptDef vsh_opts_domifstat[] = {
    DOMAIN_OPT,
    { "interface", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "interface device specified by name or MAC Address" },
    END_OPTS
};
const VshOptDef vsh_opts_domblkinfo[] = {
    DOMAIN_OPT,
    { "device", VSH_OT_STRING, VSH_OFLAG_POS, "block device" },
    { "human", VSH_OT_BOOL, 0, "Human readable output" },
    { "all", VSH_OT_BOOL, 0, "display all block devices info" },
    END_OPTS
};
const VshOptDef vsh_opts_domblklist[] = {
    DOMAIN_OPT,
    { "inactive", VSH_OT_BOOL, 0,
      "get inactive rather than running configuration" },
    { "details", VSH_OT_BOOL, 0,
      "additionally display the type and device value" },
    END_OPTS
};
const VshOptDef vsh_opts_vcpuinfo[] = {
    DOMAIN_OPT,
    { "pretty", VSH_OT_BOOL, 0, "return human readable output" },
    END_OPTS
};
const VshOptDef vsh_opts_nodecpustats[] = {
    { "cpu", VSH_OT_STRING, 0, "prints specified cpu statistics only." },
    { "percent", VSH_OT_BOOL, 0, "prints by percentage during 1 second." },
    END_OPTS
};
const VshOptDef vsh_opts_nodememstats[] = {
    { "cell", VSH_OT_STRING, 0, "prints specified cell statistics only." },
    END_OPTS
};

/* ---- domstats ---------------------------------------------------------- */

static unsigned int
opt_bits(const VshCmd *cmd, const OptBit *table, size_t n)
{
    unsigned int bits = 0;

    for (size_t i = 0; i < n; i++) {
        if (vsh_cmd_has(cmd, table[i].opt))
            bits |= table[i].bit;
    }
    return bits;
}

/* A domain named on the command line: id, UUID, then name, like virsh.
 * NULL after printing "failed to get domain". */
static VireoDomain *
lookup_name(VshCtl *ctl, const char *arg)
{
    VireoDomain *dom = NULL;
    char *end = NULL;
    long id = g_ascii_isdigit(*arg) ? strtol(arg, &end, 10) : -1;

    if (id >= 0 && !*end && id <= G_MAXINT)
        dom = vireo_domain_lookup_by_id(ctl->conn, (int) id);
    if (!dom && strlen(arg) >= 32)
        dom = vireo_domain_lookup_by_uuid_string(ctl->conn, arg);
    if (!dom)
        dom = vireo_domain_lookup_by_name(ctl->conn, arg);
    if (!dom)
        vsh_error(ctl, "failed to get domain '%s'", arg);
    return dom;
}

static void
print_record(const VireoDomainStatsRecord *rec)
{
    printf("Domain: '%s'\n", vireo_domain_get_name(rec->dom));
    for (int i = 0; i < rec->nparams; i++) {
        g_autofree char *v = vireo_typed_param_value_string(&rec->params[i]);

        printf("  %s=%s\n", rec->params[i].field, v);
    }
}

bool
vsh_cmd_domstats(VshCtl *ctl, const VshCmd *cmd)
{
    unsigned int stats = opt_bits(cmd, stats_groups,
                                  G_N_ELEMENTS(stats_groups));
    unsigned int flags = opt_bits(cmd, stats_flags, G_N_ELEMENTS(stats_flags));
    g_auto(GStrv) names = NULL;
    g_autoptr(GPtrArray) doms = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vireo_domain_free);
    VireoDomainStatsRecord **recs = NULL;
    int n;

    if (vsh_cmd_opt(cmd, "domain"))
        names = g_strsplit(vsh_cmd_opt(cmd, "domain"), "\n", -1);
    for (size_t i = 0; names && names[i]; i++) {
        VireoDomain *dom = lookup_name(ctl, names[i]);

        if (!dom)
            return false;
        g_ptr_array_add(doms, dom);
    }
    g_ptr_array_add(doms, NULL);
    n = vireo_conn_get_all_domain_stats(ctl->conn,
                                        (VireoDomain **) doms->pdata,
                                        stats, flags, &recs);
    if (n < 0)
        return false;
    for (int i = 0; i < n; i++) {
        print_record(recs[i]);
        if (i + 1 < n)
            printf("\n");
    }
    vireo_domain_stats_record_list_free(recs);
    return true;
}

/* ---- dommemstat, domblkstat, domifstat -------------------------------- */

bool
vsh_cmd_dommemstat(VshCtl *ctl, const VshCmd *cmd)
{
    static const char *const names[VIREO_DOMAIN_MEMORY_STAT_NR] = {
        "swap_in", "swap_out", "major_fault", "minor_fault", "unused",
        "available", "actual", "rss", "usable", "last_update",
        "disk_caches", "hugetlb_pgalloc", "hugetlb_pgfail",
    };
    /* virsh tests the tags in this order for every entry. */
    static const int order[] = { 0, 1, 2, 3, 4, 5, 8, 6, 7, 9, 10, 11, 12 };
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    VireoDomainMemoryStat st[VIREO_DOMAIN_MEMORY_STAT_NR];
    int n;

    if (!dom)
        return false;
    if (vsh_cmd_opt(cmd, "period")) {
        vsh_error(ctl, "Unable to change balloon collection period.");
        return false;
    }
    n = vireo_domain_memory_stats(dom, st, VIREO_DOMAIN_MEMORY_STAT_NR, 0);
    if (n < 0) {
        vsh_error(ctl, "Failed to get memory statistics for domain %s",
                  vsh_cmd_opt(cmd, "domain"));
        return false;
    }
    for (int i = 0; i < n; i++) {
        for (size_t k = 0; k < G_N_ELEMENTS(order); k++) {
            if (st[i].tag == order[k])
                printf("%s %llu\n", names[order[k]], st[i].val);
        }
    }
    return true;
}

static const struct {
    const char *field, *legacy, *human;
} blkstat_fields[] = {
    { "rd_operations", "rd_req", "number of read operations:" },
    { "rd_bytes", "rd_bytes", "number of bytes read:" },
    { "wr_operations", "wr_req", "number of write operations:" },
    { "wr_bytes", "wr_bytes", "number of bytes written:" },
    { "errs", "errs", "error count:" },
    { "flush_operations", NULL, "number of flush operations:" },
    { "rd_total_times", NULL, "total duration of reads (ns):" },
    { "wr_total_times", NULL, "total duration of writes (ns):" },
    { "flush_total_times", NULL, "total duration of flushes (ns):" },
};

bool
vsh_cmd_domblkstat(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *device = vsh_cmd_opt(cmd, "device");
    bool human = vsh_cmd_has(cmd, "human");
    VireoTypedParam *p = NULL;
    g_autofree bool *done = NULL;
    int np = 0;

    if (!dom)
        return false;
    if (!device)
        device = "";
    /* virsh adds no line of its own when asking for the count fails,
     * which is where the daemon refuses a device. */
    if (vireo_domain_block_stats(dom, device, &p, &np, 0) < 0)
        return false;
    if (human) {
        printf("Device: %s\n", device);
        device = "";
    }
    done = g_new0(bool, MAX(np, 1));
    for (size_t k = 0; k < G_N_ELEMENTS(blkstat_fields); k++) {
        for (int i = 0; i < np; i++) {
            g_autofree char *v = NULL;
            const char *f = human ? blkstat_fields[k].human
                                  : blkstat_fields[k].legacy;

            if (done[i] || strcmp(p[i].field, blkstat_fields[k].field) != 0)
                continue;
            done[i] = true;
            v = vireo_typed_param_value_string(&p[i]);
            printf("%s %-*s %s\n", device, human ? 31 : 0,
                   f ? f : blkstat_fields[k].field, v);
            break;
        }
    }
    for (int i = 0; i < np; i++) {
        g_autofree char *v = done[i] ? NULL
                                     : vireo_typed_param_value_string(&p[i]);

        if (v)
            printf("%s %s %s\n", device, p[i].field, v);
    }
    vireo_typed_params_free(p, np);
    return true;
}

bool
vsh_cmd_domifstat(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *dev = vsh_cmd_opt(cmd, "interface");
    static const char *const names[] = {
        "rx_bytes", "rx_packets", "rx_errs", "rx_drop",
        "tx_bytes", "tx_packets", "tx_errs", "tx_drop",
    };
    VireoDomainInterfaceStats s;
    long long vals[8];

    if (!dom)
        return false;
    if (vireo_domain_interface_stats(dom, dev, &s) < 0) {
        vsh_error(ctl, "Failed to get interface stats %s %s",
                  vsh_cmd_opt(cmd, "domain"), dev);
        return false;
    }
    vals[0] = s.rx_bytes; vals[1] = s.rx_packets; vals[2] = s.rx_errs;
    vals[3] = s.rx_drop; vals[4] = s.tx_bytes; vals[5] = s.tx_packets;
    vals[6] = s.tx_errs; vals[7] = s.tx_drop;
    for (int i = 0; i < 8; i++) {
        if (vals[i] >= 0)
            printf("%s %s %lld\n", dev, names[i], vals[i]);
    }
    return true;
}

/* ---- domblkinfo, domblklist ------------------------------------------- */

/* The three figures as virsh prints them (new strings). */
static void
blkinfo_cells(const VireoDomainBlockInfo *in, bool human, char **out)
{
    const unsigned long long v[3] = { in->capacity, in->allocation,
                                      in->physical };
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
                                         "PiB", "EiB" };

    for (int i = 0; i < 3; i++) {
        double d = (double) v[i];
        int u = 0;

        if (!v[0] && !v[1] && !v[2]) {
            out[i] = g_strdup("-");
            continue;
        }
        if (!human) {
            out[i] = g_strdup_printf("%llu", v[i]);
            continue;
        }
        while (d >= 1024 && u < 6) {
            d /= 1024;
            u++;
        }
        out[i] = g_strdup_printf("%.3lf %s", d, units[u]);
    }
}

static bool
domblkinfo_all(VshCtl *ctl, VireoDomain *dom, bool human)
{
    g_autofree char *xml = vireo_domain_get_xml(dom, 0);
    GArray *disks = xml ? vsh_disks_parse(xml) : NULL;
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    const char *head[] = { "Target", "Capacity", "Allocation", "Physical" };
    g_autofree char *text = NULL;
    bool ok = disks != NULL;

    for (size_t i = 0; i < 4; i++)
        g_ptr_array_add(cells, g_strdup(head[i]));
    for (guint i = 0; ok && i < disks->len; i++) {
        VshDisk *d = &g_array_index(disks, VshDisk, i);
        VireoDomainBlockInfo info = { 0 };
        char *c[3];

        if (d->source && vireo_domain_get_block_info(dom, d->target, &info,
                                                     0) < 0) {
            ok = false;
            break;
        }
        blkinfo_cells(&info, human, c);
        g_ptr_array_add(cells, g_strdup(d->target ? d->target : ""));
        for (int k = 0; k < 3; k++)
            g_ptr_array_add(cells, c[k]);
    }
    vsh_disks_free(disks);
    if (!ok)
        return false;
    text = vsh_table_format((const char *const *) cells->pdata,
                            (int) cells->len / 4 - 1, 4, true);
    fputs(text, stdout);
    (void) ctl;
    return true;
}

bool
vsh_cmd_domblkinfo(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = NULL;
    const char *device = vsh_cmd_opt(cmd, "device");
    bool human = vsh_cmd_has(cmd, "human");
    VireoDomainBlockInfo info = { 0 };
    char *c[3];

    if (device && vsh_cmd_has(cmd, "all")) {
        vsh_error(ctl, "Options --all and --device are mutually exclusive");
        return false;
    }
    if (!(dom = vsh_lookup_domain(ctl, cmd)))
        return false;
    if (vsh_cmd_has(cmd, "all"))
        return domblkinfo_all(ctl, dom, human);
    if (!device) {
        vsh_error(ctl, "command 'domblkinfo' requires <device> option");
        return false;
    }
    if (vireo_domain_get_block_info(dom, device, &info, 0) < 0)
        return false;
    blkinfo_cells(&info, human, c);
    printf("%-15s %s\n", "Capacity:", c[0]);
    printf("%-15s %s\n", "Allocation:", c[1]);
    printf("%-15s %s\n", "Physical:", c[2]);
    for (int k = 0; k < 3; k++)
        g_free(c[k]);
    return true;
}

bool
vsh_cmd_domblklist(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    bool details = vsh_cmd_has(cmd, "details");
    unsigned int flags = vsh_cmd_has(cmd, "inactive")
        ? VIREO_DOMAIN_XML_INACTIVE : 0;
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    g_autofree char *text = NULL;
    GArray *disks;
    int ncols = details ? 4 : 2;

    if (!dom || !(xml = vireo_domain_get_xml(dom, flags)))
        return false;
    if (!(disks = vsh_disks_parse(xml))) {
        vsh_error(ctl, "Failed to parse the domain XML");
        return false;
    }
    if (details) {
        g_ptr_array_add(cells, g_strdup("Type"));
        g_ptr_array_add(cells, g_strdup("Device"));
    }
    g_ptr_array_add(cells, g_strdup("Target"));
    g_ptr_array_add(cells, g_strdup("Source"));
    for (guint i = 0; i < disks->len; i++) {
        VshDisk *d = &g_array_index(disks, VshDisk, i);

        if (details) {
            g_ptr_array_add(cells, g_strdup(d->type ? d->type : ""));
            g_ptr_array_add(cells, g_strdup(d->device ? d->device : ""));
        }
        g_ptr_array_add(cells, g_strdup(d->target ? d->target : ""));
        g_ptr_array_add(cells, g_strdup(d->source ? d->source : "-"));
    }
    vsh_disks_free(disks);
    text = vsh_table_format((const char *const *) cells->pdata,
                            (int) cells->len / ncols - 1, ncols, true);
    fputs(text, stdout);
    return true;
}

/* ---- vcpuinfo ----------------------------------------------------------- */

static void
print_affinity(const unsigned char *map, int ncpus, bool pretty)
{
    printf("%-15s ", "CPU Affinity:");
    if (!pretty) {
        for (int c = 0; c < ncpus; c++)
            putchar(map[c / 8] & (1 << (c % 8)) ? 'y' : '-');
        printf("\n");
        return;
    }
    for (int c = 0, first = 1; c < ncpus; c++) {
        int e = c;

        if (!(map[c / 8] & (1 << (c % 8))))
            continue;
        while (e + 1 < ncpus && (map[(e + 1) / 8] & (1 << ((e + 1) % 8))))
            e++;
        printf(first ? "%d" : ",%d", c);
        if (e > c)
            printf("-%d", e);
        first = 0;
        c = e;
    }
    printf(" (out of %d)\n", ncpus);
}

bool
vsh_cmd_vcpuinfo(VshCtl *ctl, const VshCmd *cmd)
{
    static const char *const states[] = { "offline", "running", "blocked" };
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    bool pretty = vsh_cmd_has(cmd, "pretty");
    g_autofree VireoVcpuInfo *info = NULL;
    g_autofree unsigned char *maps = NULL;
    VireoDomainInfo di;
    int ncpus, maplen, n;

    if (!dom || (ncpus = vireo_node_get_cpu_map(ctl->conn, NULL, NULL,
                                                0)) < 0 ||
        vireo_domain_get_info(dom, &di) < 0)
        return false;
    maplen = (ncpus + 7) / 8;
    if (vireo_domain_is_active(dom) == 1) {
        if ((n = vireo_domain_get_vcpus(dom, (int) di.nr_vcpus, maplen,
                                        &info, &maps)) < 0)
            return false;
    } else {
        n = (int) di.nr_vcpus;
        maps = g_malloc0((size_t) MAX(n, 1) * (size_t) maplen);
        if ((n = vireo_domain_get_vcpu_pin_info(dom, n, maps, maplen,
                 VIREO_DOMAIN_AFFECT_CONFIG)) < 0)
            return false;
    }
    for (int i = 0; i < n; i++) {
        printf("%-15s %d\n", "VCPU:", info ? (int) info[i].number : i);
        if (info && info[i].cpu >= 0)
            printf("%-15s %d\n", "CPU:", info[i].cpu);
        else
            printf("%-15s %s\n", "CPU:", info ? "" : "N/A");
        printf("%-15s %s\n", "State:",
               !info ? "N/A" : info[i].state >= 0 && info[i].state < 3
                     ? states[info[i].state] : "no state");
        /* virsh: no line for a zero time; no colon when inactive. */
        if (info && info[i].cpu_time)
            printf("%-15s %.1lfs\n", "CPU time:",
                   (double) info[i].cpu_time / 1000000000.0);
        else if (!info)
            printf("%-15s %s\n", "CPU time", "N/A");
        print_affinity(maps + (size_t) i * (size_t) maplen, ncpus, pretty);
        if (i + 1 < n)
            printf("\n");
    }
    return true;
}

/* ---- nodecpustats, nodememstats ---------------------------------------- */

/* An optional integer option (-1 when absent); false after an error. */
static bool
opt_int(VshCtl *ctl, const VshCmd *cmd, const char *name, int *val)
{
    const char *s = vsh_cmd_opt(cmd, name);
    char *end = NULL;
    long v;

    *val = -1;
    if (!s)
        return true;
    v = strtol(s, &end, 10);
    if (!*s || *end || v < G_MININT || v > G_MAXINT) {
        vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or "
                  "out of range", s, name);
        return false;
    }
    *val = (int) v;
    return true;
}

bool
vsh_cmd_nodecpustats(VshCtl *ctl, const VshCmd *cmd)
{
    static const char *const fields[] = { "user", "kernel", "idle",
                                          "iowait", "intr" };
    static const char *const labels[] = { "user:", "system:", "idle:",
                                          "iowait:", "intr:" };
    g_autofree VireoNodeStat *st = NULL;
    unsigned long long v[5] = { 0 };
    bool present[5] = { false };
    int cpu, n;

    if (!opt_int(ctl, cmd, "cpu", &cpu))
        return false;
    if (vsh_cmd_has(cmd, "percent")) {
        vsh_error(ctl, "--percent is not supported by vsh");
        return false;
    }
    if ((n = vireo_node_get_cpu_stats(ctl->conn, cpu, &st, 0)) < 0) {
        vsh_error(ctl, "Unable to get number of cpu stats");
        return false;
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 5; k++) {
            if (strcmp(st[i].field, fields[k]) == 0) {
                v[k] = st[i].value;
                present[k] = true;
            }
        }
    }
    for (int k = 0; k < 5; k++) {
        if (present[k])
            printf("%-15s %20llu\n", labels[k], v[k]);
    }
    return true;
}

bool
vsh_cmd_nodememstats(VshCtl *ctl, const VshCmd *cmd)
{
    g_autofree VireoNodeStat *st = NULL;
    int cell, n;

    if (!opt_int(ctl, cmd, "cell", &cell))
        return false;
    if ((n = vireo_node_get_memory_stats(ctl->conn, cell, &st, 0)) < 0) {
        vsh_error(ctl, "Unable to get number of memory stats");
        return false;
    }
    for (int i = 0; i < n; i++)
        printf("%-7s: %20llu KiB\n", st[i].field, st[i].value);
    return true;
}
