/* qemu_stats.c: domain statistics (domstats, dommemstat, domblkstat,
 * domifstat, domblkinfo, vcpuinfo).  QMP gives block and balloon
 * figures and the vCPU threads; /proc/PID gives CPU times and RSS; tap
 * counters come from /sys/class/net/TAP/statistics, swapped to the
 * guest's view (what the tap transmits the guest receives), as libvirt
 * reports them.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_hotplug_priv.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_stats.h"
#include "util/vr_error.h"

static void
param_free(gpointer p)
{
    QemuTypedParam *tp = p;

    if (tp->type == 7)
        g_free(tp->v.s);
    g_free(tp->field);
    g_free(tp);
}

GPtrArray *
qemu_params_new(void)
{
    return g_ptr_array_new_with_free_func(param_free);
}

static QemuTypedParam *
param_add(GPtrArray *p, const char *field, int type)
{
    QemuTypedParam *tp = g_new0(QemuTypedParam, 1);

    tp->field = g_strdup(field);
    tp->type = type;
    g_ptr_array_add(p, tp);
    return tp;
}

void
qemu_params_add_ull(GPtrArray *p, const char *field, unsigned long long v)
{
    param_add(p, field, 4)->v.ul = v;
}

void
qemu_params_add_ll(GPtrArray *p, const char *field, long long v)
{
    param_add(p, field, 3)->v.l = v;
}

void
qemu_params_add_int(GPtrArray *p, const char *field, int v)
{
    param_add(p, field, 1)->v.i = v;
}

void
qemu_params_add_uint(GPtrArray *p, const char *field, unsigned int v)
{
    param_add(p, field, 2)->v.ui = v;
}

void
qemu_params_add_str(GPtrArray *p, const char *field, const char *v)
{
    param_add(p, field, 7)->v.s = g_strdup(v ? v : "");
}

/* ---- /proc ---- */

/* utime+stime (ns), utime, stime and the last CPU of /proc/PID[/task/TID]
 * /stat.  Returns 0 or -1 (not reported). */
static int
proc_times(pid_t pid, pid_t tid, unsigned long long t[3], int *cpu)
{
    g_autofree char *path = tid ? g_strdup_printf("/proc/%d/task/%d/stat",
                                                  (int) pid, (int) tid)
                                : g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *text = NULL;
    unsigned long long ut = 0, st = 0;
    long tick = sysconf(_SC_CLK_TCK);
    const char *p;
    int last = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(p = strrchr(text, ')')))
        return -1;
    /* after "comm)": field 3 state ... 14 utime 15 stime ... 39 cpu */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
               "%*d %*d %*d %*d %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u %*u "
               "%*u %*u %*u %*u %*u %*u %*u %*d %d", &ut, &st, &last) < 2)
        return -1;
    if (tick <= 0)
        tick = 100;
    t[1] = ut * (1000000000ULL / (unsigned long long) tick);
    t[2] = st * (1000000000ULL / (unsigned long long) tick);
    t[0] = t[1] + t[2];
    if (cpu)
        *cpu = last;
    return 0;
}

/* VmRSS of @pid in KiB, 0 when unknown. */
static unsigned long long
proc_rss(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(p = strstr(text, "VmRSS:")))
        return 0;
    return g_ascii_strtoull(p + 6 + strspn(p + 6, " \t"), NULL, 10);
}

/* ---- running-domain access ---- */

typedef struct {
    VrDomainObj *obj;        /* reference, job held */
    QemuMonitor *mon;        /* NULL while inactive */
    pid_t pid;
    VrDomainDef *def;        /* copy of the live definition */
} StatsCtx;

static int
stats_begin(QemuDriver *drv, const QemuDomainRef *dom, StatsCtx *c,
            bool need_running)
{
    memset(c, 0, sizeof(*c));
    if (!(c->obj = qemu_hp_begin(drv, dom, "query", &c->mon)))
        return -1;
    vr_domain_obj_lock(c->obj);
    c->def = vr_domain_def_copy(c->obj->def);
    c->pid = c->mon ? ((QemuDomainPriv *) c->obj->priv)->pid : 0;
    vr_domain_obj_unlock(c->obj);
    if (need_running && !c->mon) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", c->obj->name);
        return -1;
    }
    return 0;
}

static void
stats_end(StatsCtx *c)
{
    if (!c->obj)
        return;
    qemu_job_end(c->obj);
    vr_domain_obj_unref(c->obj);
    vr_domain_def_free(c->def);
    memset(c, 0, sizeof(*c));
}

/* The disk of @def named by target or source @path; -1 reported. */
static int
disk_index(const StatsCtx *c, const char *path)
{
    for (guint i = 0; i < c->def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(c->def->disks, i);

        if (g_strcmp0(d->dst, path) == 0 || g_strcmp0(d->src_path, path) == 0)
            return (int) i;
    }
    vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                    "invalid path %s not assigned to domain", path);
    return -1;
}

/* The "stats" object of query-blockstats @reply for device @alias. */
static const VrJson *
blockstats_for(const VrJson *reply, const char *alias)
{
    g_autofree char *prefix = g_strdup_printf("/machine/peripheral/%s/",
                                              alias);

    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *e = vr_json_array_get(reply, i);
        const char *q = vr_json_object_get_string(e, "qdev");

        if (q && (g_str_equal(q, alias) || g_str_has_prefix(q, prefix)))
            return vr_json_object_get(e, "stats");
    }
    return NULL;
}

static unsigned long long
jget(const VrJson *o, const char *key)
{
    unsigned long long v = 0;

    vr_json_object_get_uint(o, key, &v);
    return v;
}

GPtrArray *
qemu_domain_block_stats(QemuDriver *drv, const QemuDomainRef *dom,
                        const char *path)
{
    StatsCtx c;
    g_autoptr(VrJson) reply = NULL;
    g_autofree char *alias = NULL;
    const VrJson *s;
    GPtrArray *p = NULL;
    int idx;

    if (stats_begin(drv, dom, &c, true) < 0 ||
        (idx = disk_index(&c, path)) < 0 ||
        !(alias = qemu_hp_disk_alias(drv, c.def, (size_t) idx)) ||
        qemu_monitor_command(c.mon, "query-blockstats", NULL, &reply, 0) < 0)
        goto out;
    if (!(s = blockstats_for(reply, alias))) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "no statistics for disk '%s'", path);
        goto out;
    }
    p = qemu_params_new();
    qemu_params_add_ll(p, "rd_operations", (long long) jget(s, "rd_operations"));
    qemu_params_add_ll(p, "rd_bytes", (long long) jget(s, "rd_bytes"));
    qemu_params_add_ll(p, "rd_total_times",
                       (long long) jget(s, "rd_total_time_ns"));
    qemu_params_add_ll(p, "wr_operations", (long long) jget(s, "wr_operations"));
    qemu_params_add_ll(p, "wr_bytes", (long long) jget(s, "wr_bytes"));
    qemu_params_add_ll(p, "wr_total_times",
                       (long long) jget(s, "wr_total_time_ns"));
    qemu_params_add_ll(p, "flush_operations",
                       (long long) jget(s, "flush_operations"));
    qemu_params_add_ll(p, "flush_total_times",
                       (long long) jget(s, "flush_total_time_ns"));
 out:
    stats_end(&c);
    return p;
}

/* Tap counters of @ifname as the guest sees them (8 values). */
static int
tap_counters(const char *ifname, long long out[8])
{
    static const char *const names[8] = {
        "tx_bytes", "tx_packets", "tx_errors", "tx_dropped",
        "rx_bytes", "rx_packets", "rx_errors", "rx_dropped" };

    for (size_t i = 0; i < 8; i++) {
        g_autofree char *path = g_strdup_printf(
            "/sys/class/net/%s/statistics/%s", ifname, names[i]);
        g_autofree char *text = NULL;

        if (!g_file_get_contents(path, &text, NULL, NULL)) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "cannot read statistics of interface '%s'",
                            ifname);
            return -1;
        }
        out[i] = g_ascii_strtoll(text, NULL, 10);
    }
    return 0;
}

static const VrDomainNetDef *
find_iface(const VrDomainDef *def, const char *device)
{
    for (guint i = 0; i < def->nets->len; i++) {
        const VrDomainNetDef *n = g_ptr_array_index(def->nets, i);
        char mac[18];

        g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
                   n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
                   n->mac[5]);
        if (g_strcmp0(n->target_dev, device) == 0 ||
            g_ascii_strcasecmp(mac, device) == 0)
            return n;
    }
    return NULL;
}

int
qemu_domain_interface_stats(QemuDriver *drv, const QemuDomainRef *dom,
                            const char *device, long long out[8])
{
    StatsCtx c;
    const VrDomainNetDef *n;
    int rc = -1;

    if (stats_begin(drv, dom, &c, true) < 0)
        goto out;
    if (!(n = find_iface(c.def, device)) || !n->target_dev) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "invalid path, '%s' is not a known interface",
                        device);
        goto out;
    }
    rc = tap_counters(n->target_dev, out);
 out:
    stats_end(&c);
    return rc;
}

/* Virtual size from a qcow2 header, or 0. */
static unsigned long long
qcow2_size(const char *path)
{
    unsigned char h[32];
    FILE *f = fopen(path, "rbe");
    unsigned long long size = 0;

    if (!f)
        return 0;
    if (fread(h, 1, sizeof(h), f) == sizeof(h) &&
        memcmp(h, "QFI\xfb", 4) == 0) {
        for (int i = 24; i < 32; i++)
            size = (size << 8) | h[i];
    }
    fclose(f);
    return size;
}

int
qemu_domain_block_info(QemuDriver *drv, const QemuDomainRef *dom,
                       const char *path, unsigned long long out[3])
{
    StatsCtx c;
    const VrDomainDiskDef *d;
    struct stat st;
    int idx, rc = -1;

    if (stats_begin(drv, dom, &c, false) < 0 || (idx = disk_index(&c, path)) < 0)
        goto out;
    d = g_ptr_array_index(c.def->disks, idx);
    if (!d->src_path || stat(d->src_path, &st) < 0) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "disk '%s' has no readable source", path);
        goto out;
    }
    out[0] = (unsigned long long) st.st_blocks * 512;
    out[1] = g_strcmp0(d->driver_type, "qcow2") == 0 ?
        qcow2_size(d->src_path) : (unsigned long long) st.st_size;
    out[2] = (unsigned long long) st.st_size;
    rc = 0;
 out:
    stats_end(&c);
    return rc;
}

/* vCPU threads from query-cpus-fast: (index, thread-id) pairs. */
static int
vcpu_threads(QemuMonitor *mon, GArray *tids)
{
    g_autoptr(VrJson) reply = NULL;

    if (qemu_monitor_command(mon, "query-cpus-fast", NULL, &reply, 0) < 0)
        return -1;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        long long tid = 0;

        vr_json_object_get_int(vr_json_array_get(reply, i), "thread-id", &tid);
        g_array_append_val(tids, tid);
    }
    return 0;
}

int
qemu_domain_get_vcpus(QemuDriver *drv, const QemuDomainRef *dom,
                      QemuVcpuInfo **info, size_t *n)
{
    g_autoptr(GArray) tids = g_array_new(FALSE, FALSE, sizeof(long long));
    StatsCtx c;
    int rc = -1;

    if (stats_begin(drv, dom, &c, true) < 0 || vcpu_threads(c.mon, tids) < 0)
        goto out;
    *info = g_new0(QemuVcpuInfo, MAX(tids->len, 1));
    for (guint i = 0; i < tids->len; i++) {
        unsigned long long t[3] = { 0 };
        int cpu = 0;

        proc_times(c.pid, (pid_t) g_array_index(tids, long long, i), t, &cpu);
        (*info)[i] = (QemuVcpuInfo) { i, 1, t[0], cpu };
    }
    *n = tids->len;
    rc = 0;
 out:
    stats_end(&c);
    return rc;
}

/* Balloon size in KiB from query-balloon, or the definition's. */
static unsigned long long
balloon_kib(const StatsCtx *c)
{
    g_autoptr(VrJson) reply = NULL;
    unsigned long long actual = 0;

    if (c->mon &&
        qemu_monitor_command(c->mon, "query-balloon", NULL, &reply, 0) == 0 &&
        vr_json_object_get_uint(reply, "actual", &actual) == 0)
        return actual / 1024;
    vr_error_reset();
    return c->def->cur_memory_kib;
}

int
qemu_domain_memory_stats(QemuDriver *drv, const QemuDomainRef *dom,
                         QemuMemoryStat *out, size_t max, size_t *n)
{
    StatsCtx c;
    QemuMemoryStat all[3];

    if (stats_begin(drv, dom, &c, true) < 0) {
        stats_end(&c);
        return -1;
    }
    all[0] = (QemuMemoryStat) { 6, balloon_kib(&c) };          /* actual */
    all[1] = (QemuMemoryStat) { 8, balloon_kib(&c) };          /* usable */
    all[2] = (QemuMemoryStat) { 7, proc_rss(c.pid) };          /* rss */
    *n = MIN(max, G_N_ELEMENTS(all));
    memcpy(out, all, *n * sizeof(*out));
    stats_end(&c);
    return 0;
}

/* ---- domstats groups ---- */

static void
stats_cpu(const StatsCtx *c, GPtrArray *p)
{
    unsigned long long t[3] = { 0 };

    if (!c->pid || proc_times(c->pid, 0, t, NULL) < 0)
        return;
    qemu_params_add_ull(p, "cpu.time", t[0]);
    qemu_params_add_ull(p, "cpu.user", t[1]);
    qemu_params_add_ull(p, "cpu.system", t[2]);
}

static void
stats_balloon(const StatsCtx *c, GPtrArray *p)
{
    qemu_params_add_ull(p, "balloon.current", balloon_kib(c));
    qemu_params_add_ull(p, "balloon.maximum", c->def->max_memory_kib);
    if (c->pid)
        qemu_params_add_ull(p, "balloon.rss", proc_rss(c->pid));
}

static void
stats_vcpu(const StatsCtx *c, GPtrArray *p)
{
    g_autoptr(GArray) tids = g_array_new(FALSE, FALSE, sizeof(long long));

    qemu_params_add_uint(p, "vcpu.current", c->def->vcpus);
    qemu_params_add_uint(p, "vcpu.maximum", c->def->max_vcpus);
    if (!c->mon || vcpu_threads(c->mon, tids) < 0) {
        vr_error_reset();
        return;
    }
    for (guint i = 0; i < tids->len; i++) {
        unsigned long long t[3] = { 0 };
        char f[64];

        proc_times(c->pid, (pid_t) g_array_index(tids, long long, i), t, NULL);
        g_snprintf(f, sizeof(f), "vcpu.%u.state", i);
        qemu_params_add_int(p, f, 1);
        g_snprintf(f, sizeof(f), "vcpu.%u.time", i);
        qemu_params_add_ull(p, f, t[0]);
    }
}

static void
stats_net(const StatsCtx *c, GPtrArray *p)
{
    static const char *const names[8] = {
        "rx.bytes", "rx.pkts", "rx.errs", "rx.drop",
        "tx.bytes", "tx.pkts", "tx.errs", "tx.drop" };
    guint count = 0;

    for (guint i = 0; i < c->def->nets->len; i++)
        count += ((VrDomainNetDef *) c->def->nets->pdata[i])->target_dev != NULL;
    qemu_params_add_uint(p, "net.count", count);
    for (guint i = 0, k = 0; i < c->def->nets->len; i++) {
        const VrDomainNetDef *n = g_ptr_array_index(c->def->nets, i);
        long long v[8];
        char f[64];

        if (!n->target_dev)
            continue;
        g_snprintf(f, sizeof(f), "net.%u.name", k);
        qemu_params_add_str(p, f, n->target_dev);
        if (tap_counters(n->target_dev, v) == 0) {
            for (size_t j = 0; j < 8; j++) {
                g_snprintf(f, sizeof(f), "net.%u.%s", k, names[j]);
                qemu_params_add_ull(p, f, (unsigned long long) v[j]);
            }
        }
        vr_error_reset();
        k++;
    }
}

static void
stats_block_one(QemuDriver *drv, const StatsCtx *c, const VrJson *reply,
                guint i, GPtrArray *p)
{
    static const char *const keys[][2] = {
        { "rd.reqs", "rd_operations" }, { "rd.bytes", "rd_bytes" },
        { "rd.times", "rd_total_time_ns" }, { "wr.reqs", "wr_operations" },
        { "wr.bytes", "wr_bytes" }, { "wr.times", "wr_total_time_ns" },
        { "fl.reqs", "flush_operations" }, { "fl.times", "flush_total_time_ns" },
    };
    const VrDomainDiskDef *d = g_ptr_array_index(c->def->disks, i);
    g_autofree char *alias = reply ? qemu_hp_disk_alias(drv, c->def, i) : NULL;
    const VrJson *s = alias ? blockstats_for(reply, alias) : NULL;
    char f[64];

    g_snprintf(f, sizeof(f), "block.%u.name", i);
    qemu_params_add_str(p, f, d->dst);
    if (d->src_path) {
        g_snprintf(f, sizeof(f), "block.%u.path", i);
        qemu_params_add_str(p, f, d->src_path);
    }
    for (size_t k = 0; s && k < G_N_ELEMENTS(keys); k++) {
        g_snprintf(f, sizeof(f), "block.%u.%s", i, keys[k][0]);
        qemu_params_add_ull(p, f, jget(s, keys[k][1]));
    }
    if (d->src_path) {
        struct stat st;

        if (stat(d->src_path, &st) == 0) {
            g_snprintf(f, sizeof(f), "block.%u.allocation", i);
            qemu_params_add_ull(p, f, (unsigned long long) st.st_blocks * 512);
            g_snprintf(f, sizeof(f), "block.%u.capacity", i);
            qemu_params_add_ull(p, f, g_strcmp0(d->driver_type, "qcow2") == 0 ?
                                qcow2_size(d->src_path) :
                                (unsigned long long) st.st_size);
            g_snprintf(f, sizeof(f), "block.%u.physical", i);
            qemu_params_add_ull(p, f, (unsigned long long) st.st_size);
        }
    }
}

static void
stats_block(QemuDriver *drv, const StatsCtx *c, GPtrArray *p)
{
    g_autoptr(VrJson) reply = NULL;

    if (c->mon &&
        qemu_monitor_command(c->mon, "query-blockstats", NULL, &reply, 0) < 0)
        g_clear_pointer(&reply, vr_json_free);
    qemu_params_add_uint(p, "block.count", c->def->disks->len);
    for (guint i = 0; i < c->def->disks->len; i++)
        stats_block_one(drv, c, reply, i, p);
    vr_error_reset();
}

GPtrArray *
qemu_domain_get_stats(QemuDriver *drv, const QemuDomainRef *dom,
                      unsigned int stats)
{
    g_autoptr(GPtrArray) p = NULL;
    StatsCtx c;
    int state, reason;

    if (stats == 0)
        stats = QEMU_STATS_SUPPORTED;
    if (stats_begin(drv, dom, &c, false) < 0) {
        stats_end(&c);
        return NULL;
    }
    p = qemu_params_new();
    vr_domain_obj_lock(c.obj);
    state = c.obj->state;
    reason = c.obj->reason;
    vr_domain_obj_unlock(c.obj);
    if (stats & QEMU_STATS_STATE) {
        qemu_params_add_int(p, "state.state", state);
        qemu_params_add_int(p, "state.reason", reason);
    }
    if ((stats & QEMU_STATS_CPU_TOTAL) && c.mon)
        stats_cpu(&c, p);
    if (stats & QEMU_STATS_BALLOON)
        stats_balloon(&c, p);
    if (stats & QEMU_STATS_VCPU)
        stats_vcpu(&c, p);
    if ((stats & QEMU_STATS_INTERFACE) && c.mon)
        stats_net(&c, p);
    if ((stats & QEMU_STATS_BLOCK) && c.mon)
        stats_block(drv, &c, p);
    stats_end(&c);
    return g_steal_pointer(&p);
}
