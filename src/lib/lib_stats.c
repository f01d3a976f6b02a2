/* lib_stats.c: statistics of domains and of the host: typed parameters,
 * all-domain stats, memory/block/interface statistics, block info, vCPU
 * info and affinity, host CPU map, CPU and memory figures.
 *
 * Calls whose wire form is "ask how many, then ask for that many" (block
 * stats, node stats) do both phases here and hand back a complete list. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

#define STATS_LIST_FLAGS (VIREO_DOMAIN_STATS_LIST_ACTIVE | \
    VIREO_DOMAIN_STATS_LIST_INACTIVE | VIREO_DOMAIN_STATS_LIST_PERSISTENT | \
    VIREO_DOMAIN_STATS_LIST_TRANSIENT | VIREO_DOMAIN_STATS_LIST_RUNNING | \
    VIREO_DOMAIN_STATS_LIST_PAUSED | VIREO_DOMAIN_STATS_LIST_SHUTOFF | \
    VIREO_DOMAIN_STATS_LIST_OTHER | VIREO_DOMAIN_STATS_NOWAIT | \
    VIREO_DOMAIN_STATS_BACKING | VIREO_DOMAIN_STATS_ENFORCE)

void
vireo_typed_params_free(VireoTypedParam *params, int nparams)
{
    if (!params)
        return;
    for (int i = 0; i < nparams; i++) {
        g_free(params[i].field);
        if (params[i].type == VIREO_TYPED_PARAM_STRING)
            g_free(params[i].value.s);
    }
    g_free(params);
}

const VireoTypedParam *
vireo_typed_params_get(const VireoTypedParam *params, int nparams,
                       const char *name)
{
    if (!params || !name)
        return NULL;
    for (int i = 0; i < nparams; i++) {
        if (g_strcmp0(params[i].field, name) == 0)
            return &params[i];
    }
    return NULL;
}

char *
vireo_typed_param_value_string(const VireoTypedParam *p)
{
    if (!p)
        return g_strdup("");
    switch (p->type) {
    case VIREO_TYPED_PARAM_INT:
        return g_strdup_printf("%d", p->value.i);
    case VIREO_TYPED_PARAM_UINT:
        return g_strdup_printf("%u", p->value.ui);
    case VIREO_TYPED_PARAM_LLONG:
        return g_strdup_printf("%lld", p->value.l);
    case VIREO_TYPED_PARAM_ULLONG:
        return g_strdup_printf("%llu", p->value.ul);
    case VIREO_TYPED_PARAM_DOUBLE:
        return g_strdup_printf("%f", p->value.d);
    case VIREO_TYPED_PARAM_BOOLEAN:
        return g_strdup(p->value.i ? "yes" : "no");
    case VIREO_TYPED_PARAM_STRING:
        return g_strdup(p->value.s ? p->value.s : "");
    default:
        return g_strdup_printf("unimplemented parameter type %d", p->type);
    }
}

/* Copy @n wire parameters into a new array (never NULL); also used by
 * lib_migrate.c (lib_internal.h). */
VireoTypedParam *
vr_lib_params_from_wire(const vr_typed_param *wire, u_int n)
{
    VireoTypedParam *out = g_new0(VireoTypedParam, MAX(n, 1));

    for (u_int i = 0; i < n; i++) {
        const vr_typed_param_value *v = &wire[i].value;

        out[i].field = g_strdup(wire[i].field);
        out[i].type = v->type;
        switch (v->type) {
        case 1: out[i].value.i = v->vr_typed_param_value_u.i; break;
        case 2: out[i].value.ui = v->vr_typed_param_value_u.ui; break;
        case 3: out[i].value.l = v->vr_typed_param_value_u.l; break;
        case 4: out[i].value.ul = v->vr_typed_param_value_u.ul; break;
        case 5: out[i].value.d = v->vr_typed_param_value_u.d; break;
        case 6: out[i].value.i = v->vr_typed_param_value_u.b; break;
        case 7:
            out[i].value.s = g_strdup(v->vr_typed_param_value_u.s);
            break;
        default: break;
        }
    }
    return out;
}

void
vireo_domain_stats_record_list_free(VireoDomainStatsRecord **records)
{
    if (!records)
        return;
    for (VireoDomainStatsRecord **r = records; *r; r++) {
        vireo_domain_free((*r)->dom);
        vireo_typed_params_free((*r)->params, (*r)->nparams);
        g_free(*r);
    }
    g_free(records);
}

static VireoDomainStatsRecord **
records_from_wire(VireoConn *conn, const vr_connect_get_all_domain_stats_ret *ret)
{
    u_int n = ret->retStats.retStats_len;
    VireoDomainStatsRecord **out = g_new0(VireoDomainStatsRecord *, n + 1);

    for (u_int i = 0; i < n; i++) {
        const vr_domain_stats_record *w = &ret->retStats.retStats_val[i];

        out[i] = g_new0(VireoDomainStatsRecord, 1);
        out[i]->dom = vr_lib_domain_new(conn, &w->dom);
        out[i]->params = vr_lib_params_from_wire(w->params.params_val,
                                                 w->params.params_len);
        out[i]->nparams = (int) w->params.params_len;
    }
    return out;
}

int
vireo_conn_get_all_domain_stats(VireoConn *conn, VireoDomain **doms,
                                unsigned int stats, unsigned int flags,
                                VireoDomainStatsRecord ***records)
{
    vr_connect_get_all_domain_stats_args args;
    vr_connect_get_all_domain_stats_ret ret;
    g_autofree vr_nonnull_domain *wire = NULL;
    size_t ndoms = 0;
    int n;

    VR_LIB_CHECK_CONN(conn, -1);
    VR_LIB_CHECK_ARG(records, -1);
    if (VR_CHECK_FLAGS(flags, STATS_LIST_FLAGS) < 0)
        return -1;
    while (doms && doms[ndoms])
        ndoms++;
    wire = g_new0(vr_nonnull_domain, MAX(ndoms, 1));
    for (size_t i = 0; i < ndoms; i++)
        vr_lib_domain_to_wire(doms[i], &wire[i]);
    memset(&args, 0, sizeof(args));
    args.doms.doms_val = wire;
    args.doms.doms_len = (u_int) ndoms;
    args.stats = stats;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_CONNECT_GET_ALL_DOMAIN_STATS,
                    (xdrproc_t) xdr_vr_connect_get_all_domain_stats_args,
                    &args,
                    (xdrproc_t) xdr_vr_connect_get_all_domain_stats_ret,
                    &ret) < 0)
        return -1;
    *records = records_from_wire(conn, &ret);
    n = (int) ret.retStats.retStats_len;
    xdr_free((xdrproc_t) xdr_vr_connect_get_all_domain_stats_ret,
             (char *) &ret);
    return n;
}

int
vireo_domain_memory_stats(VireoDomain *dom, VireoDomainMemoryStat *stats,
                          unsigned int nr_stats, unsigned int flags)
{
    vr_domain_memory_stats_args args;
    vr_domain_memory_stats_ret ret;
    u_int n;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(stats, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.maxStats = MIN(nr_stats, VR_MEMORY_STATS_MAX);
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_MEMORY_STATS,
                    (xdrproc_t) xdr_vr_domain_memory_stats_args, &args,
                    (xdrproc_t) xdr_vr_domain_memory_stats_ret, &ret) < 0)
        return -1;
    n = MIN(ret.stats.stats_len, nr_stats);
    for (u_int i = 0; i < n; i++) {
        stats[i].tag = ret.stats.stats_val[i].tag;
        stats[i].val = ret.stats.stats_val[i].val;
    }
    xdr_free((xdrproc_t) xdr_vr_domain_memory_stats_ret, (char *) &ret);
    return (int) n;
}

/* One BLOCK_STATS_FLAGS call asking for @nparams (0: just the count). */
static int
block_stats_call(VireoDomain *dom, const char *disk, int nparams,
                 unsigned int flags, vr_domain_block_stats_flags_ret *ret)
{
    vr_domain_block_stats_flags_args args;

    vr_lib_domain_to_wire(dom, &args.dom);
    args.path = (char *) disk;
    args.nparams = nparams;
    args.flags = flags;
    memset(ret, 0, sizeof(*ret));
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_BLOCK_STATS_FLAGS,
                       (xdrproc_t) xdr_vr_domain_block_stats_flags_args,
                       &args,
                       (xdrproc_t) xdr_vr_domain_block_stats_flags_ret, ret);
}

int
vireo_domain_block_stats(VireoDomain *dom, const char *disk,
                         VireoTypedParam **params, int *nparams,
                         unsigned int flags)
{
    vr_domain_block_stats_flags_ret ret;
    int count;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(disk, -1);
    VR_LIB_CHECK_ARG(params, -1);
    VR_LIB_CHECK_ARG(nparams, -1);
    if (block_stats_call(dom, disk, 0, flags, &ret) < 0)
        return -1;
    count = MIN(ret.nparams, VR_BLOCK_STATS_PARAMETERS_MAX);
    xdr_free((xdrproc_t) xdr_vr_domain_block_stats_flags_ret, (char *) &ret);
    if (count > 0 && block_stats_call(dom, disk, count, flags, &ret) < 0)
        return -1;
    if (count <= 0)
        memset(&ret, 0, sizeof(ret));
    *params = vr_lib_params_from_wire(ret.params.params_val,
                                      ret.params.params_len);
    *nparams = (int) ret.params.params_len;
    xdr_free((xdrproc_t) xdr_vr_domain_block_stats_flags_ret, (char *) &ret);
    return 0;
}

int
vireo_domain_interface_stats(VireoDomain *dom, const char *device,
                             VireoDomainInterfaceStats *stats)
{
    vr_domain_path_args args;
    vr_domain_interface_stats_ret ret;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(device, -1);
    VR_LIB_CHECK_ARG(stats, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    args.path = (char *) device;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_INTERFACE_STATS,
                    (xdrproc_t) xdr_vr_domain_path_args, &args,
                    (xdrproc_t) xdr_vr_domain_interface_stats_ret, &ret) < 0)
        return -1;
    stats->rx_bytes = ret.rx_bytes;
    stats->rx_packets = ret.rx_packets;
    stats->rx_errs = ret.rx_errs;
    stats->rx_drop = ret.rx_drop;
    stats->tx_bytes = ret.tx_bytes;
    stats->tx_packets = ret.tx_packets;
    stats->tx_errs = ret.tx_errs;
    stats->tx_drop = ret.tx_drop;
    return 0;
}

int
vireo_domain_get_block_info(VireoDomain *dom, const char *disk,
                            VireoDomainBlockInfo *info, unsigned int flags)
{
    vr_domain_get_block_info_args args;
    vr_domain_get_block_info_ret ret;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(disk, -1);
    VR_LIB_CHECK_ARG(info, -1);
    if (VR_CHECK_FLAGS(flags, 0) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.path = (char *) disk;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_BLOCK_INFO,
                    (xdrproc_t) xdr_vr_domain_get_block_info_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_block_info_ret, &ret) < 0)
        return -1;
    info->capacity = ret.capacity;
    info->allocation = ret.allocation;
    info->physical = ret.physical;
    return 0;
}

/* Copy @len bytes of wire opaque into a new buffer of at least @want. */
static unsigned char *
bytes_dup(const char *val, u_int len, size_t want)
{
    unsigned char *out = g_malloc0(MAX(MAX((size_t) len, want), 1));

    if (len)
        memcpy(out, val, len);
    return out;
}

int
vireo_domain_get_vcpus(VireoDomain *dom, int maxinfo, int maplen,
                       VireoVcpuInfo **info, unsigned char **cpumaps)
{
    vr_domain_get_vcpus_args args;
    vr_domain_get_vcpus_ret ret;
    VireoVcpuInfo *out;
    u_int n;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(info, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    args.maxinfo = maxinfo;
    args.maplen = cpumaps ? maplen : 0;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_VCPUS,
                    (xdrproc_t) xdr_vr_domain_get_vcpus_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_vcpus_ret, &ret) < 0)
        return -1;
    n = ret.info.info_len;
    out = g_new0(VireoVcpuInfo, MAX(n, 1));
    for (u_int i = 0; i < n; i++) {
        out[i].number = ret.info.info_val[i].number;
        out[i].state = ret.info.info_val[i].state;
        out[i].cpu_time = ret.info.info_val[i].cpu_time;
        out[i].cpu = ret.info.info_val[i].cpu;
    }
    if (cpumaps)
        *cpumaps = bytes_dup(ret.cpumaps.cpumaps_val, ret.cpumaps.cpumaps_len,
                             (size_t) n * (size_t) MAX(maplen, 0));
    *info = out;
    xdr_free((xdrproc_t) xdr_vr_domain_get_vcpus_ret, (char *) &ret);
    return (int) n;
}

int
vireo_domain_get_vcpu_pin_info(VireoDomain *dom, int ncpumaps,
                               unsigned char *cpumaps, int maplen,
                               unsigned int flags)
{
    vr_domain_get_vcpu_pin_info_args args;
    vr_domain_get_vcpu_pin_info_ret ret;
    size_t room;
    int num;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(cpumaps, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    args.ncpumaps = ncpumaps;
    args.maplen = maplen;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_VCPU_PIN_INFO,
                    (xdrproc_t) xdr_vr_domain_get_vcpu_pin_info_args, &args,
                    (xdrproc_t) xdr_vr_domain_get_vcpu_pin_info_ret,
                    &ret) < 0)
        return -1;
    room = (size_t) MAX(ncpumaps, 0) * (size_t) MAX(maplen, 0);
    memcpy(cpumaps, ret.cpumaps.cpumaps_val,
           MIN(room, (size_t) ret.cpumaps.cpumaps_len));
    num = MIN(ret.num, ncpumaps);
    xdr_free((xdrproc_t) xdr_vr_domain_get_vcpu_pin_info_ret, (char *) &ret);
    return num;
}

int
vireo_node_get_cpu_map(VireoConn *conn, unsigned char **cpumap,
                       unsigned int *online, unsigned int flags)
{
    vr_node_get_cpu_map_args args;
    vr_node_get_cpu_map_ret ret;
    int n;

    VR_LIB_CHECK_CONN(conn, -1);
    args.need_map = cpumap != NULL;
    args.need_online = online != NULL;
    args.flags = flags;
    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, VR_PROC_NODE_GET_CPU_MAP,
                    (xdrproc_t) xdr_vr_node_get_cpu_map_args, &args,
                    (xdrproc_t) xdr_vr_node_get_cpu_map_ret, &ret) < 0)
        return -1;
    n = ret.ret;
    if (cpumap)
        *cpumap = bytes_dup(ret.cpumap.cpumap_val, ret.cpumap.cpumap_len,
                            (size_t) (MAX(n, 0) + 7) / 8);
    if (online)
        *online = ret.online;
    xdr_free((xdrproc_t) xdr_vr_node_get_cpu_map_ret, (char *) &ret);
    return n;
}

/* One node stats call (@mem: memory, else CPU) asking for @nparams. */
static int
node_stats_call(VireoConn *conn, bool mem, int num, int nparams,
                unsigned int flags, vr_node_stats_ret *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (mem) {
        vr_node_memory_stats_args a = { nparams, num, flags };

        return vr_lib_call(conn, VR_PROC_NODE_GET_MEMORY_STATS,
                           (xdrproc_t) xdr_vr_node_memory_stats_args, &a,
                           (xdrproc_t) xdr_vr_node_stats_ret, ret);
    } else {
        vr_node_stats_args a = { num, nparams, flags };

        return vr_lib_call(conn, VR_PROC_NODE_GET_CPU_STATS,
                           (xdrproc_t) xdr_vr_node_stats_args, &a,
                           (xdrproc_t) xdr_vr_node_stats_ret, ret);
    }
}

static int
node_stats(VireoConn *conn, bool mem, int num, VireoNodeStat **stats,
           unsigned int flags)
{
    vr_node_stats_ret ret;
    VireoNodeStat *out;
    int count;
    u_int n;

    VR_LIB_CHECK_ARG(stats, -1);
    if (node_stats_call(conn, mem, num, 0, flags, &ret) < 0)
        return -1;
    count = MIN(ret.nparams, VR_NODE_STATS_MAX);
    xdr_free((xdrproc_t) xdr_vr_node_stats_ret, (char *) &ret);
    if (count > 0 && node_stats_call(conn, mem, num, count, flags, &ret) < 0)
        return -1;
    if (count <= 0)
        memset(&ret, 0, sizeof(ret));
    n = ret.params.params_len;
    out = g_new0(VireoNodeStat, MAX(n, 1));
    for (u_int i = 0; i < n; i++) {
        g_strlcpy(out[i].field, ret.params.params_val[i].field,
                  sizeof(out[i].field));
        out[i].value = ret.params.params_val[i].value;
    }
    xdr_free((xdrproc_t) xdr_vr_node_stats_ret, (char *) &ret);
    *stats = out;
    return (int) n;
}

int
vireo_node_get_cpu_stats(VireoConn *conn, int cpu, VireoNodeStat **stats,
                         unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, -1);
    return node_stats(conn, false, cpu, stats, flags);
}

int
vireo_node_get_memory_stats(VireoConn *conn, int cell, VireoNodeStat **stats,
                            unsigned int flags)
{
    VR_LIB_CHECK_CONN(conn, -1);
    return node_stats(conn, true, cell, stats, flags);
}
