/* qemu_host.c: host capabilities XML, node information and QEMU version.
 *
 * Sources: /proc/cpuinfo and /proc/meminfo, sysfs CPU topology and NUMA
 * nodes, /etc/machine-id, /dev/kvm.  The capabilities document follows
 * libvirt's <capabilities> format so stock clients can read it.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_host.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"
#include "util/vr_uuid.h"

#define SYSFS_CPU "/sys/devices/system/cpu"
#define SYSFS_NODE "/sys/devices/system/node"
#define SMALL_FILE_MAX (1024 * 1024)

struct _QemuHost {
    GMutex lock;
    char *uuid_file;          /* NULL: use /etc/machine-id */
    char *emulator;
    char *caps;               /* cached capabilities, under @lock */
    QemuCapsCache *caps_cache;  /* borrowed; NULL: machines from version */
    bool version_probed;      /* under @lock */
    unsigned long long version;
};

QemuHost *
qemu_host_new(const VrPaths *paths, const char *emulator)
{
    QemuHost *host = g_new0(QemuHost, 1);

    g_mutex_init(&host->lock);
    if (paths && paths->root)
        host->uuid_file = g_build_filename(paths->state_dir, "host-uuid",
                                           NULL);
    host->emulator = g_strdup(emulator ? emulator : QEMU_HOST_EMULATOR);
    return host;
}

void
qemu_host_free(QemuHost *host)
{
    if (!host)
        return;
    g_free(host->uuid_file);
    g_free(host->emulator);
    g_free(host->caps);
    g_mutex_clear(&host->lock);
    g_free(host);
}

/* Read a small sysfs/proc file, stripped; NULL when unreadable (not
 * reported: absent entries are normal in sysfs). */
static char *
read_text(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(text));
}

static int
read_int(const char *path, int fallback)
{
    g_autofree char *text = read_text(path);
    char *end;
    long v;

    if (!text)
        return fallback;
    v = strtol(text, &end, 10);
    return (end == text) ? fallback : (int) v;
}

GArray *
qemu_host_parse_cpulist(const char *text)
{
    g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(int));
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);

    for (size_t i = 0; parts[i]; i++) {
        char *p = g_strstrip(parts[i]);
        char *end;
        long lo, hi;

        if (!*p)
            continue;
        lo = strtol(p, &end, 10);
        hi = lo;
        if (end == p || lo < 0)
            return NULL;
        if (*end == '-') {
            char *q = end + 1;

            hi = strtol(q, &end, 10);
            if (end == q || hi < lo)
                return NULL;
        }
        if (*end || hi > 65535)
            return NULL;
        for (long c = lo; c <= hi; c++) {
            int v = (int) c;

            g_array_append_val(cpus, v);
        }
    }
    return g_steal_pointer(&cpus);
}

/* The value of the first "key : value" line of /proc/cpuinfo, or NULL. */
static char *
cpuinfo_field(const char *key)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');

        if (!colon)
            continue;
        *colon = '\0';
        if (g_str_equal(g_strstrip(lines[i]), key))
            return g_strdup(g_strstrip(colon + 1));
    }
    return NULL;
}

/* A "Key: N kB" value of a meminfo-style file, in KiB; -1 when absent. */
static long long
meminfo_kib(const char *path, const char *key)
{
    g_autofree char *text = read_text(path);
    const char *p;

    if (!text || !(p = strstr(text, key)))
        return -1;
    p += strlen(key);
    while (*p == ' ' || *p == ':')
        p++;
    return g_ascii_strtoll(p, NULL, 10);
}

static GArray *
online_cpus(void)
{
    g_autofree char *text = read_text(SYSFS_CPU "/online");
    GArray *cpus = text ? qemu_host_parse_cpulist(text) : NULL;

    if (!cpus) {
        int n = (int) sysconf(_SC_NPROCESSORS_ONLN);

        cpus = g_array_new(FALSE, FALSE, sizeof(int));
        for (int i = 0; i < MAX(n, 1); i++)
            g_array_append_val(cpus, i);
    }
    return cpus;
}

static int
cpu_topology(int cpu, const char *what)
{
    g_autofree char *path = g_strdup_printf(SYSFS_CPU "/cpu%d/topology/%s",
                                            cpu, what);

    return read_int(path, 0);
}

/* NUMA node numbers present in sysfs (at least node 0 is assumed). */
static GArray *
numa_nodes(void)
{
    g_autofree char *text = read_text(SYSFS_NODE "/online");
    GArray *nodes = text ? qemu_host_parse_cpulist(text) : NULL;

    if (!nodes || nodes->len == 0) {
        int zero = 0;

        if (nodes)
            g_array_free(nodes, TRUE);
        nodes = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_val(nodes, zero);
    }
    return nodes;
}

static void
count_topology(const GArray *cpus, int *sockets, int *cores, int *threads)
{
    g_autoptr(GHashTable) pkgs = g_hash_table_new(NULL, NULL);
    g_autoptr(GHashTable) pkg0_cores = g_hash_table_new(NULL, NULL);
    g_autofree char *siblings = NULL;
    g_autofree char *path = NULL;
    int first = g_array_index(cpus, int, 0);
    int first_pkg = cpu_topology(first, "physical_package_id");
    GArray *sib;

    for (guint i = 0; i < cpus->len; i++) {
        int cpu = g_array_index(cpus, int, i);
        int pkg = cpu_topology(cpu, "physical_package_id");

        g_hash_table_add(pkgs, GINT_TO_POINTER(pkg + 1));
        if (pkg == first_pkg)
            g_hash_table_add(pkg0_cores,
                             GINT_TO_POINTER(cpu_topology(cpu, "core_id") + 1));
    }
    path = g_strdup_printf(SYSFS_CPU "/cpu%d/topology/thread_siblings_list",
                           first);
    siblings = read_text(path);
    sib = siblings ? qemu_host_parse_cpulist(siblings) : NULL;
    *threads = sib && sib->len ? (int) sib->len : 1;
    if (sib)
        g_array_free(sib, TRUE);
    *sockets = MAX((int) g_hash_table_size(pkgs), 1);
    *cores = MAX((int) g_hash_table_size(pkg0_cores), 1);
}

int
qemu_host_get_node_info(QemuNodeInfo *info)
{
    g_autoptr(GArray) cpus = online_cpus();
    g_autoptr(GArray) nodes = numa_nodes();
    g_autofree char *mhz = cpuinfo_field("cpu MHz");
    long long mem = meminfo_kib("/proc/meminfo", "MemTotal");
    struct utsname uts;

    if (mem < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot read MemTotal from /proc/meminfo");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    uname(&uts);
    g_strlcpy(info->model, uts.machine, sizeof(info->model));
    info->memory_kib = (unsigned long long) mem;
    info->cpus = (int) cpus->len;
    info->mhz = mhz ? (int) g_ascii_strtod(mhz, NULL) : 0;
    info->nodes = (int) nodes->len;
    count_topology(cpus, &info->sockets, &info->cores, &info->threads);
    if (info->sockets % info->nodes == 0)
        info->sockets /= info->nodes;
    /* As libvirt: when the numbers do not multiply up, report a flat
     * topology that at least counts the CPUs right. */
    if (info->nodes * info->sockets * info->cores * info->threads !=
        info->cpus) {
        info->nodes = 1;
        info->sockets = 1;
        info->cores = info->cpus;
        info->threads = 1;
    }
    return 0;
}

char *
qemu_host_get_hostname(void)
{
    char buf[256];

    if (gethostname(buf, sizeof(buf) - 1) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE, "cannot get host name");
        return NULL;
    }
    buf[sizeof(buf) - 1] = '\0';
    return g_strdup(buf);
}

int
qemu_host_get_free_memory(unsigned long long *bytes)
{
    long long kib = meminfo_kib("/proc/meminfo", "MemFree");

    if (kib < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot read MemFree from /proc/meminfo");
        return -1;
    }
    *bytes = (unsigned long long) kib * 1024;
    return 0;
}

bool
qemu_host_kvm_usable(void)
{
    VR_AUTOCLOSE int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    return fd >= 0;
}

static int
kvm_max_vcpus(void)
{
    VR_AUTOCLOSE int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int n;

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU, "Unable to open /dev/kvm");
        return -1;
    }
    n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (n <= 0)
        n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    return n > 0 ? n : 4;
}

int
qemu_host_get_max_vcpus(const char *type)
{
    /* libvirt's QEMU driver: TCG is limited to 16 for this query. */
    if (!type || g_ascii_strcasecmp(type, "qemu") == 0)
        return 16;
    if (g_ascii_strcasecmp(type, "kvm") == 0)
        return kvm_max_vcpus();
    vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU, "unknown type '%s'",
                    type);
    return -1;
}

unsigned long long
qemu_host_parse_version(const char *text)
{
    const char *p = text ? strstr(text, "version ") : NULL;
    unsigned int major = 0, minor = 0, micro = 0;

    if (!p || sscanf(p + 8, "%u.%u.%u", &major, &minor, &micro) < 2)
        return 0;
    return major * 1000000ULL + minor * 1000ULL + micro;
}

unsigned long long
qemu_host_get_qemu_version(QemuHost *host)
{
    unsigned long long ver;

    g_mutex_lock(&host->lock);
    if (!host->version_probed && access(host->emulator, X_OK) == 0) {
        g_autoptr(VrCommand) cmd = vr_command_new(host->emulator);
        g_autofree char *out = NULL;
        int status;

        vr_command_add_arg(cmd, "--version");
        /* Failing to run it means an unknown version (0), not an error. */
        if (vr_command_run(cmd, &status, &out, NULL) < 0)
            vr_error_reset();
        else if (status == 0)
            host->version = qemu_host_parse_version(out);
        VR_DEBUG("QEMU %s version %llu", host->emulator, host->version);
    }
    host->version_probed = true;
    ver = host->version;
    g_mutex_unlock(&host->lock);
    return ver;
}

/* The host UUID: kept in <state>/host-uuid for relocated daemons (so
 * daemons side by side differ), else /etc/machine-id; generated and
 * stored when missing. */
static void
host_uuid(QemuHost *host, char out[VR_UUID_STRING_BUFLEN])
{
    const char *path = host->uuid_file ? host->uuid_file : "/etc/machine-id";
    g_autofree char *text = read_text(path);
    unsigned char uuid[VR_UUID_BUFLEN];

    if (text && vr_uuid_parse(text, uuid) == 0 && !vr_uuid_is_null(uuid)) {
        vr_uuid_format(uuid, out);
        return;
    }
    vr_uuid_generate(uuid);
    vr_uuid_format(uuid, out);
    if (host->uuid_file) {
        g_autofree char *line = g_strdup_printf("%s\n", out);

        if (vr_file_write_atomic(host->uuid_file, line, strlen(line),
                                 0644) < 0) {
            VR_WARN("cannot keep the host UUID: %s", vr_error_message());
            vr_error_reset();
        }
    }
}

static void
format_host_cpu(GString *xml, const QemuNodeInfo *info)
{
    g_autofree char *model = cpuinfo_field("model name");
    g_autofree char *vendor = cpuinfo_field("vendor_id");
    g_autofree char *model_esc = g_markup_escape_text(model ? model : "unknown",
                                                      -1);

    g_string_append_printf(xml, "    <cpu>\n      <arch>%s</arch>\n"
                           "      <model>%s</model>\n", info->model,
                           model_esc);
    if (vendor) {
        const char *name = g_str_equal(vendor, "GenuineIntel") ? "Intel" :
                           g_str_equal(vendor, "AuthenticAMD") ? "AMD" :
                           vendor;
        g_autofree char *esc = g_markup_escape_text(name, -1);

        g_string_append_printf(xml, "      <vendor>%s</vendor>\n", esc);
    }
    g_string_append_printf(xml, "      <topology sockets='%d' dies='1' "
                           "cores='%d' threads='%d'/>\n    </cpu>\n",
                           info->sockets * info->nodes, info->cores,
                           info->threads);
}

static void
format_cell_cpus(GString *xml, const char *cpulist)
{
    g_autoptr(GArray) cpus = cpulist ? qemu_host_parse_cpulist(cpulist) : NULL;

    if (!cpus)
        cpus = g_array_new(FALSE, FALSE, sizeof(int));
    g_string_append_printf(xml, "          <cpus num='%u'>\n", cpus->len);
    for (guint i = 0; i < cpus->len; i++) {
        int cpu = g_array_index(cpus, int, i);
        g_autofree char *path =
            g_strdup_printf(SYSFS_CPU "/cpu%d/topology/thread_siblings_list",
                            cpu);
        g_autofree char *sib = read_text(path);

        g_string_append_printf(xml, "            <cpu id='%d' socket_id='%d' "
                               "die_id='%d' core_id='%d' siblings='%s'/>\n",
                               cpu, cpu_topology(cpu, "physical_package_id"),
                               cpu_topology(cpu, "die_id"),
                               cpu_topology(cpu, "core_id"),
                               sib ? sib : "");
    }
    g_string_append(xml, "          </cpus>\n");
}

static void
format_topology(GString *xml)
{
    g_autoptr(GArray) nodes = numa_nodes();

    g_string_append_printf(xml, "    <topology>\n      <cells num='%u'>\n",
                           nodes->len);
    for (guint i = 0; i < nodes->len; i++) {
        int node = g_array_index(nodes, int, i);
        g_autofree char *meminfo =
            g_strdup_printf(SYSFS_NODE "/node%d/meminfo", node);
        g_autofree char *cpulist_path =
            g_strdup_printf(SYSFS_NODE "/node%d/cpulist", node);
        g_autofree char *cpulist = read_text(cpulist_path);
        long long mem = meminfo_kib(meminfo, "MemTotal");

        if (mem < 0)
            mem = MAX(meminfo_kib("/proc/meminfo", "MemTotal"), 0);
        if (!cpulist)
            cpulist = read_text(SYSFS_CPU "/online");
        g_string_append_printf(xml, "        <cell id='%d'>\n"
                               "          <memory unit='KiB'>%lld</memory>\n",
                               node, mem);
        format_cell_cpus(xml, cpulist);
        g_string_append(xml, "        </cell>\n");
    }
    g_string_append(xml, "      </cells>\n    </topology>\n");
}

static void
format_machines(GString *xml, unsigned long long version)
{
    static const struct { const char *alias, *prefix; int max; } machines[] = {
        { "pc", "pc-i440fx", 255 },
        { "q35", "pc-q35", 288 },
    };

    for (size_t i = 0; i < VR_N_ELEMENTS(machines); i++) {
        if (version == 0) {
            g_string_append_printf(xml, "      <machine maxCpus='%d'>%s"
                                   "</machine>\n", machines[i].max,
                                   machines[i].alias);
            continue;
        }
        g_autofree char *canon =
            g_strdup_printf("%s-%llu.%llu", machines[i].prefix,
                            version / 1000000, version / 1000 % 1000);
        g_string_append_printf(xml, "      <machine maxCpus='%d'>%s</machine>\n"
                               "      <machine canonical='%s' maxCpus='%d'>"
                               "%s</machine>\n", machines[i].max, canon,
                               canon, machines[i].max, machines[i].alias);
    }
}

void
qemu_host_set_caps_cache(QemuHost *host, QemuCapsCache *cache)
{
    g_mutex_lock(&host->lock);
    host->caps_cache = cache;
    g_clear_pointer(&host->caps, g_free);
    g_mutex_unlock(&host->lock);
}

/* The probed machine list (aliases point at their canonical machine).
 * Returns false when there are no capabilities to use (not reported:
 * the caller falls back to the version-derived list). */
static bool
format_probed_machines(QemuHost *host, GString *xml)
{
    g_autoptr(QemuCaps) caps = NULL;

    if (!host->caps_cache)
        return false;
    if (!(caps = qemu_caps_cache_get(host->caps_cache, host->emulator))) {
        VR_WARN("no QEMU capabilities for the guest list: %s",
                vr_error_message());
        vr_error_reset();
        return false;
    }
    for (size_t i = 0; i < qemu_caps_n_machines(caps); i++) {
        const QemuCapsMachine *m = qemu_caps_machine(caps, i);

        g_string_append_printf(xml, "      <machine maxCpus='%u'>%s"
                               "</machine>\n", m->max_cpus, m->name);
        if (m->alias)
            g_string_append_printf(xml, "      <machine canonical='%s' "
                                   "maxCpus='%u'>%s</machine>\n", m->name,
                                   m->max_cpus, m->alias);
    }
    return true;
}

static void
format_guest(QemuHost *host, GString *xml)
{
    g_string_append_printf(xml, "  <guest>\n    <os_type>hvm</os_type>\n"
                           "    <arch name='x86_64'>\n"
                           "      <wordsize>64</wordsize>\n"
                           "      <emulator>%s</emulator>\n", host->emulator);
    if (!format_probed_machines(host, xml))
        format_machines(xml, qemu_host_get_qemu_version(host));
    g_string_append(xml, "      <domain type='qemu'/>\n");
    if (qemu_host_kvm_usable())
        g_string_append(xml, "      <domain type='kvm'/>\n");
    g_string_append(xml, "    </arch>\n    <features>\n"
                    "      <acpi default='on' toggle='yes'/>\n"
                    "      <apic default='on' toggle='no'/>\n"
                    "      <cpuselection/>\n      <deviceboot/>\n"
                    "      <disksnapshot default='on' toggle='no'/>\n"
                    "    </features>\n  </guest>\n");
}

static char *
format_capabilities(QemuHost *host)
{
    g_autoptr(GString) xml = g_string_new("<capabilities>\n\n  <host>\n");
    char uuid[VR_UUID_STRING_BUFLEN];
    QemuNodeInfo info;

    if (qemu_host_get_node_info(&info) < 0)
        return NULL;
    host_uuid(host, uuid);
    g_string_append_printf(xml, "    <uuid>%s</uuid>\n", uuid);
    format_host_cpu(xml, &info);
    g_string_append(xml, "    <power_management/>\n"
                    "    <iommu support='no'/>\n"
                    "    <migration_features>\n      <live/>\n"
                    "      <uri_transports>\n"
                    "        <uri_transport>tcp</uri_transport>\n"
                    "      </uri_transports>\n    </migration_features>\n");
    format_topology(xml);
    g_string_append(xml, "    <secmodel>\n      <model>none</model>\n"
                    "      <doi>0</doi>\n    </secmodel>\n  </host>\n\n");
    format_guest(host, xml);
    g_string_append(xml, "\n</capabilities>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}

char *
qemu_host_get_capabilities(QemuHost *host)
{
    char *caps;

    g_mutex_lock(&host->lock);
    caps = host->caps;
    g_mutex_unlock(&host->lock);
    if (!caps) {
        /* Computed outside the lock (the version probe takes it); two
         * racing first callers compute the same text, one is kept. */
        g_autofree char *fresh = format_capabilities(host);

        if (!fresh)
            return NULL;
        g_mutex_lock(&host->lock);
        if (!host->caps)
            host->caps = g_steal_pointer(&fresh);
        caps = host->caps;
        g_mutex_unlock(&host->lock);
    }
    return g_strdup(caps);
}
