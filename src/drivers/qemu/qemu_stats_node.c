/* qemu_stats_node.c: host statistics as libvirt's Linux node code names
 * them: the CPU map (/sys/devices/system/cpu), per-CPU or total times
 * (/proc/stat, in ns) and memory (/proc/meminfo, in KiB).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_stats.h"
#include "util/vr_error.h"

/* Parse a CPU list like "0-3,5" into @bits (max 8192 CPUs); returns the
 * highest CPU + 1, or -1 (not reported). */
static int
parse_cpulist(const char *text, GArray *bits)
{
    g_auto(GStrv) parts = g_strsplit(g_strstrip((char *) text), ",", -1);
    int top = 0;

    for (size_t i = 0; parts[i] && *parts[i]; i++) {
        unsigned int a, b;
        int k = sscanf(parts[i], "%u-%u", &a, &b);

        if (k < 1 || a > 8191)
            return -1;
        if (k == 1)
            b = a;
        for (unsigned int c = a; c <= b && c < 8192; c++) {
            gboolean one = TRUE;

            if (bits->len <= c)
                g_array_set_size(bits, c + 1);
            g_array_index(bits, gboolean, c) = one;
        }
        top = MAX(top, (int) b + 1);
    }
    return top;
}

static int
read_cpulist(const char *file, GArray *bits)
{
    g_autofree char *path = g_strdup_printf("/sys/devices/system/cpu/%s",
                                            file);
    g_autofree char *text = NULL;
    int n;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        (n = parse_cpulist(text, bits)) < 0) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "cannot read the host CPU list from %s", path);
        return -1;
    }
    return n;
}

int
qemu_node_cpu_map(unsigned char **map, size_t *maplen, unsigned int *online)
{
    g_autoptr(GArray) present = g_array_new(FALSE, TRUE, sizeof(gboolean));
    g_autoptr(GArray) on = g_array_new(FALSE, TRUE, sizeof(gboolean));
    int npresent, non;
    unsigned int count = 0;

    if ((npresent = read_cpulist("present", present)) < 0 ||
        (non = read_cpulist("online", on)) < 0)
        return -1;
    for (guint i = 0; i < on->len; i++)
        count += g_array_index(on, gboolean, i) ? 1 : 0;
    if (map) {
        size_t len = ((size_t) npresent + 7) / 8;
        unsigned char *m = g_new0(unsigned char, MAX(len, 1));

        for (guint i = 0; i < on->len; i++)
            if (g_array_index(on, gboolean, i))
                m[i / 8] |= (unsigned char) (1u << (i % 8));
        *map = m;
        *maplen = len;
    }
    if (online)
        *online = count;
    return npresent;
}

GPtrArray *
qemu_node_cpu_stats(int cpu)
{
    g_autofree char *text = NULL;
    g_autofree char *want = cpu < 0 ? g_strdup("cpu ")
                                    : g_strdup_printf("cpu%d ", cpu);
    unsigned long long v[8] = { 0 };
    unsigned long long ns;
    long tick = sysconf(_SC_CLK_TCK);
    GPtrArray *p;
    const char *line;

    if (!g_file_get_contents("/proc/stat", &text, NULL, NULL)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "cannot read /proc/stat");
        return NULL;
    }
    line = g_str_has_prefix(text, want) ? text : strstr(text, want);
    if (line && line != text)
        line = (line[-1] == '\n') ? line : NULL;
    if (!line || sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu "
                        "%llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                        &v[6]) < 7) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "Invalid cpuNum in %s", "virHostCPUGetStatsLinux");
        return NULL;
    }
    ns = 1000000000ULL / (unsigned long long) (tick > 0 ? tick : 100);
    p = qemu_params_new();
    /* user nice system idle iowait irq softirq */
    qemu_params_add_ull(p, "kernel", (v[2] + v[5] + v[6]) * ns);
    qemu_params_add_ull(p, "user", (v[0] + v[1]) * ns);
    qemu_params_add_ull(p, "idle", v[3] * ns);
    qemu_params_add_ull(p, "iowait", v[4] * ns);
    return p;
}

static unsigned long long
meminfo(const char *text, const char *key)
{
    const char *p = strstr(text, key);

    return p ? g_ascii_strtoull(p + strlen(key) + strspn(p + strlen(key), " "),
                                NULL, 10) : 0;
}

GPtrArray *
qemu_node_memory_stats(int cell)
{
    g_autofree char *text = NULL;
    GPtrArray *p;

    if (cell > 0 || cell < -1) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "Invalid cell number");
        return NULL;
    }
    if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "cannot read /proc/meminfo");
        return NULL;
    }
    p = qemu_params_new();
    qemu_params_add_ull(p, "total", meminfo(text, "MemTotal:"));
    qemu_params_add_ull(p, "free", meminfo(text, "MemFree:"));
    qemu_params_add_ull(p, "buffers", meminfo(text, "Buffers:"));
    qemu_params_add_ull(p, "cached", meminfo(text, "Cached:"));
    return p;
}
