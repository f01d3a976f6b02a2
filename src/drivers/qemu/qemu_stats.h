/* qemu_stats.h: statistics of domains and of the host - figures read
 * from QMP (query-blockstats, query-balloon, query-cpus-fast, query-block)
 * and from /proc and /sys (QEMU's threads, tap counters, /proc/stat,
 * /proc/meminfo), named as libvirt names them (FACTS.md section 8).
 * Every call returns 0 or -1 with an error reported.
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"

/* A typed parameter (libvirt's types: 1 int, 2 uint, 3 llong, 4 ullong,
 * 5 double, 6 boolean, 7 string). */
typedef struct {
    char *field;
    int type;
    union {
        int i;
        unsigned int ui;
        long long l;
        unsigned long long ul;
        double d;
        char *s;
    } v;
} QemuTypedParam;

/* An owned array of QemuTypedParam * (g_ptr_array_unref frees all). */
GPtrArray *qemu_params_new(void);
void qemu_params_add_ull(GPtrArray *p, const char *field,
                         unsigned long long v);
void qemu_params_add_ll(GPtrArray *p, const char *field, long long v);
void qemu_params_add_int(GPtrArray *p, const char *field, int v);
void qemu_params_add_uint(GPtrArray *p, const char *field, unsigned int v);
void qemu_params_add_str(GPtrArray *p, const char *field, const char *v);

/* CONNECT_GET_ALL_DOMAIN_STATS groups. */
enum {
    QEMU_STATS_STATE = 1 << 0,
    QEMU_STATS_CPU_TOTAL = 1 << 1,
    QEMU_STATS_BALLOON = 1 << 2,
    QEMU_STATS_VCPU = 1 << 3,
    QEMU_STATS_INTERFACE = 1 << 4,
    QEMU_STATS_BLOCK = 1 << 5,
};
#define QEMU_STATS_SUPPORTED 0x3fu

/* The statistics of @dom for the groups @stats (0: all supported) as an
 * owned parameter array; NULL reported.  Inactive domains get the state
 * and the configured balloon/vCPU figures. */
GPtrArray *qemu_domain_get_stats(QemuDriver *drv, const QemuDomainRef *dom,
                                 unsigned int stats);

/* dommemstat: (tag, value) pairs (libvirt's tags: 6 actual, 7 rss, ...)
 * at most @max; *n set.  Running domains only. */
typedef struct {
    int tag;
    unsigned long long val;
} QemuMemoryStat;
int qemu_domain_memory_stats(QemuDriver *drv, const QemuDomainRef *dom,
                             QemuMemoryStat *out, size_t max, size_t *n);

/* domblkstat of disk @path (target "vda" or source path): an owned
 * parameter array (rd_operations, rd_bytes, ...); NULL reported. */
GPtrArray *qemu_domain_block_stats(QemuDriver *drv, const QemuDomainRef *dom,
                                   const char *path);

/* domifstat of @device (tap name or MAC): rx_bytes, rx_packets, rx_errs,
 * rx_drop, tx_bytes, tx_packets, tx_errs, tx_drop, as the guest sees
 * them. */
int qemu_domain_interface_stats(QemuDriver *drv, const QemuDomainRef *dom,
                                const char *device, long long out[8]);

/* domblkinfo: allocation, capacity, physical in bytes. */
int qemu_domain_block_info(QemuDriver *drv, const QemuDomainRef *dom,
                           const char *path, unsigned long long out[3]);

/* vcpuinfo: per vCPU number, state (1 running), cpu time ns, host CPU. */
typedef struct {
    unsigned int number;
    int state;
    unsigned long long cpu_time;
    int cpu;
} QemuVcpuInfo;
/* Owned array (*n entries), running domains only. */
int qemu_domain_get_vcpus(QemuDriver *drv, const QemuDomainRef *dom,
                          QemuVcpuInfo **info, size_t *n);

/* ---- host (qemu_stats_node.c) ---- */
/* Number of host CPUs (present), *online the online count, and when
 * @map is not NULL the online bitmap (owned, *maplen bytes). */
int qemu_node_cpu_map(unsigned char **map, size_t *maplen,
                      unsigned int *online);
/* nodecpustats (@cpu -1: all) / nodememstats (@cell -1: all): owned
 * arrays of ullong parameters ("kernel", "user", "idle", "iowait" in ns;
 * "total", "free", "buffers", "cached" in KiB). */
GPtrArray *qemu_node_cpu_stats(int cpu);
GPtrArray *qemu_node_memory_stats(int cell);
