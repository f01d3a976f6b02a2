/* daemon_dispatch_stats.c: statistics procedures - domstats (344),
 * dommemstat (159), domblkstat (243 two-phase, 64), domifstat (65),
 * domblkinfo (194), vcpuinfo (20, 230, 293), vcpucount (200),
 * nodecpustats (227), nodememstats (228).  XDR in, one QEMU driver call
 * (qemu_stats.h, qemu_hotplug.h), XDR out; typed parameters converted
 * here.  Counts from clients are checked before anything is allocated.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_hotstats.h"
#include "drivers/qemu/qemu_hotplug.h"
#include "drivers/qemu/qemu_stats.h"
#include "util/vr_error.h"

#define STRING_OKAY 4u

static int
check_count(long long n, long long max, const char *what)
{
    if (n < 0 || n > max) {
        vr_error_report(VR_ERR_RPC, VR_FROM_REMOTE, "%s out of range: %lld",
                        what, n);
        return -1;
    }
    return 0;
}

/* Copy @p (driver params) into a malloc'd XDR array of at most @max. */
static vr_typed_param *
params_to_wire(GPtrArray *p, size_t max, u_int *len)
{
    size_t n = MIN(p->len, max);
    vr_typed_param *out = g_new0(vr_typed_param, MAX(n, 1));

    for (size_t i = 0; i < n; i++) {
        const QemuTypedParam *tp = g_ptr_array_index(p, i);
        vr_typed_param_value *v = &out[i].value;

        out[i].field = g_strdup(tp->field);
        v->type = tp->type;
        switch (tp->type) {
        case 1: v->vr_typed_param_value_u.i = tp->v.i; break;
        case 2: v->vr_typed_param_value_u.ui = tp->v.ui; break;
        case 3: v->vr_typed_param_value_u.l = tp->v.l; break;
        case 4: v->vr_typed_param_value_u.ul = tp->v.ul; break;
        case 5: v->vr_typed_param_value_u.d = tp->v.d; break;
        default: v->vr_typed_param_value_u.s = g_strdup(tp->v.s); break;
        }
    }
    *len = (u_int) n;
    return out;
}

DAEMON_HANDLER(connect_get_all_domain_stats)
{
    const vr_connect_get_all_domain_stats_args *a = args;
    vr_connect_get_all_domain_stats_ret *r = ret;
    QemuDriver *drv = daemon_client_driver(sess);
    QemuDomainRef *refs = NULL;
    size_t n = 0;
    unsigned int filter = a->flags & 0xffu;

    if ((a->flags & ~(0xffu | (7u << 29))) != 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "unsupported flags (0x%x) in function %s",
                        a->flags & ~(0xffu | (7u << 29)),
                        "qemuConnectGetAllDomainStats");
        return -1;
    }
    if ((a->flags & (1u << 31)) && (a->stats & ~QEMU_STATS_SUPPORTED)) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "Stats types bits 0x%x are not supported by this "
                        "daemon", a->stats & ~QEMU_STATS_SUPPORTED);
        return -1;
    }
    if (a->doms.doms_len == 0 &&
        qemu_domain_list_all(drv, filter, true, &refs, &n) < 0)
        return -1;
    if (a->doms.doms_len)
        n = a->doms.doms_len;
    r->retStats.retStats_val = g_new0(vr_domain_stats_record, MAX(n, 1));
    for (size_t i = 0; i < n; i++) {
        vr_domain_stats_record *rec = &r->retStats.retStats_val[i];
        QemuDomainRef ref;
        g_autoptr(GPtrArray) p = NULL;

        if (refs)
            ref = refs[i];
        else
            daemon_dom_from_wire(&ref, &a->doms.doms_val[i]);
        if (!(p = qemu_domain_get_stats(drv, &ref, a->stats))) {
            qemu_domain_ref_array_free(refs, refs ? n : 0);
            return -1;
        }
        rec->dom.name = g_strdup(ref.name);
        memcpy(rec->dom.uuid, ref.uuid, 16);
        rec->dom.id = ref.id;
        if (!refs)
            rec->dom.id = qemu_domain_is_active(drv, &ref) == 1 ?
                a->doms.doms_val[i].id : -1;
        rec->params.params_val = params_to_wire(p, p->len,
                                                &rec->params.params_len);
        r->retStats.retStats_len = (u_int) i + 1;
    }
    qemu_domain_ref_array_free(refs, refs ? n : 0);
    return 0;
}

DAEMON_HANDLER(domain_memory_stats)
{
    const vr_domain_memory_stats_args *a = args;
    vr_domain_memory_stats_ret *r = ret;
    QemuMemoryStat st[16];
    QemuDomainRef ref;
    size_t n = 0;

    if (VR_CHECK_FLAGS(a->flags, 0) < 0 ||
        check_count(a->maxStats, VR_MEMORY_STATS_MAX, "maxStats") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_memory_stats(daemon_client_driver(sess), &ref, st,
                                 MIN(a->maxStats, G_N_ELEMENTS(st)), &n) < 0)
        return -1;
    r->stats.stats_val = g_new0(vr_domain_memory_stat, MAX(n, 1));
    for (size_t i = 0; i < n; i++) {
        r->stats.stats_val[i].tag = st[i].tag;
        r->stats.stats_val[i].val = st[i].val;
    }
    r->stats.stats_len = (u_int) n;
    return 0;
}

DAEMON_HANDLER(domain_block_stats_flags)
{
    const vr_domain_block_stats_flags_args *a = args;
    vr_domain_block_stats_flags_ret *r = ret;
    g_autoptr(GPtrArray) p = NULL;
    QemuDomainRef ref;

    if (VR_CHECK_FLAGS(a->flags, STRING_OKAY) < 0 ||
        check_count(a->nparams, VR_BLOCK_STATS_PARAMETERS_MAX, "nparams") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    if (!(p = qemu_domain_block_stats(daemon_client_driver(sess), &ref,
                                      a->path)))
        return -1;
    r->nparams = (int) p->len;
    r->params.params_val = params_to_wire(p, (size_t) a->nparams,
                                          &r->params.params_len);
    if (a->nparams)
        r->nparams = (int) r->params.params_len;
    return 0;
}

DAEMON_HANDLER(domain_block_stats)
{
    const vr_domain_path_args *a = args;
    vr_domain_block_stats_ret *r = ret;
    g_autoptr(GPtrArray) p = NULL;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    if (!(p = qemu_domain_block_stats(daemon_client_driver(sess), &ref,
                                      a->path)))
        return -1;
    for (guint i = 0; i < p->len; i++) {
        const QemuTypedParam *tp = g_ptr_array_index(p, i);

        if (g_str_equal(tp->field, "rd_operations"))
            r->rd_req = tp->v.l;
        else if (g_str_equal(tp->field, "rd_bytes"))
            r->rd_bytes = tp->v.l;
        else if (g_str_equal(tp->field, "wr_operations"))
            r->wr_req = tp->v.l;
        else if (g_str_equal(tp->field, "wr_bytes"))
            r->wr_bytes = tp->v.l;
    }
    r->errs = -1;
    return 0;
}

DAEMON_HANDLER(domain_interface_stats)
{
    const vr_domain_path_args *a = args;
    vr_domain_interface_stats_ret *r = ret;
    QemuDomainRef ref;
    long long v[8];

    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_interface_stats(daemon_client_driver(sess), &ref,
                                    a->path, v) < 0)
        return -1;
    r->rx_bytes = v[0];
    r->rx_packets = v[1];
    r->rx_errs = v[2];
    r->rx_drop = v[3];
    r->tx_bytes = v[4];
    r->tx_packets = v[5];
    r->tx_errs = v[6];
    r->tx_drop = v[7];
    return 0;
}

DAEMON_HANDLER(domain_get_block_info)
{
    const vr_domain_get_block_info_args *a = args;
    vr_domain_get_block_info_ret *r = ret;
    unsigned long long v[3];
    QemuDomainRef ref;

    if (VR_CHECK_FLAGS(a->flags, 0) < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_block_info(daemon_client_driver(sess), &ref, a->path,
                               v) < 0)
        return -1;
    r->allocation = v[0];
    r->capacity = v[1];
    r->physical = v[2];
    return 0;
}

/* @count maps of @maplen bytes, each with every online host CPU set. */
static char *
full_cpumaps(int count, int maplen, u_int *len)
{
    g_autofree unsigned char *online = NULL;
    size_t olen = 0;
    char *maps;

    if (qemu_node_cpu_map(&online, &olen, NULL) < 0)
        return NULL;
    maps = g_malloc0(MAX((size_t) count * (size_t) maplen, 1));
    for (int i = 0; i < count; i++)
        memcpy(maps + (size_t) i * (size_t) maplen, online,
               MIN(olen, (size_t) maplen));
    *len = (u_int) count * (u_int) maplen;
    return maps;
}

DAEMON_HANDLER(domain_get_vcpus)
{
    const vr_domain_get_vcpus_args *a = args;
    vr_domain_get_vcpus_ret *r = ret;
    g_autofree QemuVcpuInfo *info = NULL;
    QemuDomainRef ref;
    size_t n = 0;

    if (check_count(a->maxinfo, VR_VCPUINFO_MAX, "maxinfo") < 0 ||
        check_count(a->maplen, VR_CPUMAP_MAX, "maplen") < 0 ||
        check_count((long long) a->maxinfo * a->maplen, VR_CPUMAPS_MAX,
                    "maxinfo * maplen") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_get_vcpus(daemon_client_driver(sess), &ref, &info,
                              &n) < 0)
        return -1;
    n = MIN(n, (size_t) a->maxinfo);
    r->info.info_val = g_new0(vr_vcpu_info, MAX(n, 1));
    for (size_t i = 0; i < n; i++) {
        r->info.info_val[i].number = info[i].number;
        r->info.info_val[i].state = info[i].state;
        r->info.info_val[i].cpu_time = info[i].cpu_time;
        r->info.info_val[i].cpu = info[i].cpu;
    }
    r->info.info_len = (u_int) n;
    r->cpumaps.cpumaps_val = full_cpumaps((int) n, a->maplen,
                                          &r->cpumaps.cpumaps_len);
    return r->cpumaps.cpumaps_val ? 0 : -1;
}

DAEMON_HANDLER(domain_get_vcpu_pin_info)
{
    const vr_domain_get_vcpu_pin_info_args *a = args;
    vr_domain_get_vcpu_pin_info_ret *r = ret;
    QemuDomainRef ref;
    int n;

    if (VR_CHECK_FLAGS(a->flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG) < 0 ||
        check_count(a->ncpumaps, VR_VCPUINFO_MAX, "ncpumaps") < 0 ||
        check_count(a->maplen, VR_CPUMAP_MAX, "maplen") < 0 ||
        check_count((long long) a->ncpumaps * a->maplen, VR_CPUMAPS_MAX,
                    "ncpumaps * maplen") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    if ((n = qemu_domain_get_vcpus_flags(daemon_client_driver(sess), &ref,
                                         a->flags)) < 0)
        return -1;
    n = MIN(n, a->ncpumaps);
    r->num = n;
    r->cpumaps.cpumaps_val = full_cpumaps(n, a->maplen,
                                          &r->cpumaps.cpumaps_len);
    return r->cpumaps.cpumaps_val ? 0 : -1;
}

DAEMON_HANDLER(domain_get_vcpus_flags)
{
    const vr_domain_flags_args *a = args;
    vr_int_ret *r = ret;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    r->value = qemu_domain_get_vcpus_flags(daemon_client_driver(sess), &ref,
                                           a->flags);
    return r->value < 0 ? -1 : 0;
}

DAEMON_HANDLER(node_get_cpu_map)
{
    const vr_node_get_cpu_map_args *a = args;
    vr_node_get_cpu_map_ret *r = ret;
    unsigned char *map = NULL;
    size_t len = 0;
    int n;

    (void) sess;
    if (VR_CHECK_FLAGS(a->flags, 0) < 0)
        return -1;
    if ((n = qemu_node_cpu_map(a->need_map ? &map : NULL, &len,
                               &r->online)) < 0)
        return -1;
    r->ret = n;
    r->cpumap.cpumap_val = (char *) map;
    r->cpumap.cpumap_len = (u_int) len;
    if (!a->need_online)
        r->online = 0;
    return 0;
}

static int
node_stats(GPtrArray *p, int nparams, vr_node_stats_ret *r)
{
    size_t n;

    if (!p)
        return -1;
    r->nparams = (int) p->len;
    if (nparams == 0)
        return 0;
    n = MIN(p->len, (size_t) nparams);
    r->params.params_val = g_new0(vr_node_stat, MAX(n, 1));
    for (size_t i = 0; i < n; i++) {
        const QemuTypedParam *tp = g_ptr_array_index(p, i);

        r->params.params_val[i].field = g_strdup(tp->field);
        r->params.params_val[i].value = tp->v.ul;
    }
    r->params.params_len = (u_int) n;
    r->nparams = (int) n;
    return 0;
}

DAEMON_HANDLER(node_get_cpu_stats)
{
    const vr_node_stats_args *a = args;
    g_autoptr(GPtrArray) p = NULL;

    (void) sess;
    if (VR_CHECK_FLAGS(a->flags, 0) < 0 ||
        check_count(a->nparams, VR_NODE_STATS_MAX, "nparams") < 0)
        return -1;
    p = qemu_node_cpu_stats(a->num);
    return node_stats(p, a->nparams, ret);
}

DAEMON_HANDLER(node_get_memory_stats)
{
    const vr_node_memory_stats_args *a = args;
    g_autoptr(GPtrArray) p = NULL;

    (void) sess;
    if (VR_CHECK_FLAGS(a->flags, 0) < 0 ||
        check_count(a->nparams, VR_NODE_STATS_MAX, "nparams") < 0)
        return -1;
    p = qemu_node_memory_stats(a->num);
    return node_stats(p, a->nparams, ret);
}
