/* qemu_migration_job.c: the bookkeeping around a migration - cookies,
 * query-migrate figures, the completed-job records that domjobinfo
 * --completed shows, the port range the destination listens on, and the
 * job queries (domjobinfo, domjobabort) while a migration runs.
 */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/qemu/qemu_job_info.h"
#include "drivers/qemu/qemu_migration_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"
#include "util/vr_uuid.h"

#define COOKIE_GROUP "migration"
#define PORT_MIN 49152
#define PORT_COUNT 64

/* ---- cookies ---- */

void
qemu_mig_cookie_clear(QemuMigCookie *c)
{
    g_clear_pointer(&c->name, g_free);
    g_clear_pointer(&c->uuid, g_free);
    g_clear_pointer(&c->hostuuid, g_free);
    g_clear_pointer(&c->hostname, g_free);
    g_clear_pointer(&c->xml, g_free);
    c->has_stats = false;
}

static void
set_opt(GKeyFile *kf, const char *key, const char *value)
{
    if (value)
        g_key_file_set_string(kf, COOKIE_GROUP, key, value);
}

/* The figures a cookie carries from Perform to Finish and from Finish to
 * Confirm (libvirt's <statistics>), besides downtime and delta, which
 * may be absent. */
static const struct {
    const char *key;
    size_t offset;
} cookie_stats[] = {
    { "started", G_STRUCT_OFFSET(QemuJobStats, started) },
    { "stopped", G_STRUCT_OFFSET(QemuJobStats, stopped) },
    { "sent", G_STRUCT_OFFSET(QemuJobStats, sent) },
    { "time_elapsed", G_STRUCT_OFFSET(QemuJobStats, time_elapsed) },
    { "setup_time", G_STRUCT_OFFSET(QemuJobStats, setup_time) },
    { "data_total", G_STRUCT_OFFSET(QemuJobStats, data_total) },
    { "data_processed", G_STRUCT_OFFSET(QemuJobStats, data_processed) },
    { "memory_total", G_STRUCT_OFFSET(QemuJobStats, mem_total) },
    { "memory_processed", G_STRUCT_OFFSET(QemuJobStats, mem_processed) },
    { "memory_constant", G_STRUCT_OFFSET(QemuJobStats, mem_constant) },
    { "memory_normal", G_STRUCT_OFFSET(QemuJobStats, mem_normal) },
    { "memory_normal_bytes",
      G_STRUCT_OFFSET(QemuJobStats, mem_normal_bytes) },
    { "memory_bps", G_STRUCT_OFFSET(QemuJobStats, mem_bps) },
    { "memory_dirty_rate", G_STRUCT_OFFSET(QemuJobStats, mem_dirty_rate) },
    { "memory_page_size", G_STRUCT_OFFSET(QemuJobStats, mem_page_size) },
    { "memory_iteration", G_STRUCT_OFFSET(QemuJobStats, mem_iteration) },
};

static unsigned long long *
stat_field(QemuJobStats *st, size_t i)
{
    return G_STRUCT_MEMBER_P(st, cookie_stats[i].offset);
}

/* A completed incoming job as the cookie describes it (bad numbers read
 * as 0: the cookie is advisory, the migration itself succeeded). */
static void
parse_stats(GKeyFile *kf, QemuJobStats *st)
{
    memset(st, 0, sizeof(*st));
    st->type = 3;
    st->operation = QEMU_JOB_OP_MIGRATION_IN;
    for (size_t i = 0; i < G_N_ELEMENTS(cookie_stats); i++)
        *stat_field(st, i) = g_key_file_get_uint64(kf, COOKIE_GROUP,
                                                   cookie_stats[i].key, NULL);
    if (g_key_file_has_key(kf, COOKIE_GROUP, "downtime", NULL)) {
        st->has_downtime = true;
        st->downtime = g_key_file_get_uint64(kf, COOKIE_GROUP, "downtime",
                                             NULL);
    }
    if (g_key_file_has_key(kf, COOKIE_GROUP, "delta", NULL)) {
        st->has_time_delta = true;
        st->time_delta = g_key_file_get_int64(kf, COOKIE_GROUP, "delta",
                                              NULL);
    }
}

char *
qemu_mig_cookie_format(const QemuMigCookie *c)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();

    set_opt(kf, "name", c->name);
    set_opt(kf, "uuid", c->uuid);
    set_opt(kf, "hostuuid", c->hostuuid);
    set_opt(kf, "hostname", c->hostname);
    set_opt(kf, "xml", c->xml);
    if (c->has_stats) {
        for (size_t i = 0; i < G_N_ELEMENTS(cookie_stats); i++)
            g_key_file_set_uint64(kf, COOKIE_GROUP, cookie_stats[i].key,
                                  G_STRUCT_MEMBER(unsigned long long,
                                                  &c->stats,
                                                  cookie_stats[i].offset));
        if (c->stats.has_downtime)
            g_key_file_set_uint64(kf, COOKIE_GROUP, "downtime",
                                  c->stats.downtime);
        if (c->stats.has_time_delta)
            g_key_file_set_int64(kf, COOKIE_GROUP, "delta",
                                 c->stats.time_delta);
    }
    return g_key_file_to_data(kf, NULL, NULL);
}

static char *
get_opt(GKeyFile *kf, const char *key)
{
    return g_key_file_get_string(kf, COOKIE_GROUP, key, NULL);
}

int
qemu_mig_cookie_parse(const char *text, QemuMigCookie *c)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;

    memset(c, 0, sizeof(*c));
    if (!text || !*text)
        return 0;
    if (!g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &err) ||
        !g_key_file_has_group(kf, COOKIE_GROUP)) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "invalid migration cookie (is the other side a "
                        "Vireo daemon?)");
        return -1;
    }
    c->name = get_opt(kf, "name");
    c->uuid = get_opt(kf, "uuid");
    c->hostuuid = get_opt(kf, "hostuuid");
    c->hostname = get_opt(kf, "hostname");
    c->xml = get_opt(kf, "xml");
    if (g_key_file_has_key(kf, COOKIE_GROUP, "time_elapsed", NULL))
        parse_stats(kf, &c->stats);
    c->has_stats = c->stats.type != 0;
    return 0;
}

char *
qemu_mig_host_uuid(QemuDriver *drv)
{
    g_autofree char *caps = qemu_host_get_capabilities(drv->host);
    const char *start, *end;

    if (!caps)
        return NULL;
    /* the first <uuid> of <capabilities> is the host's */
    if (!(start = strstr(caps, "<uuid>")) ||
        !(end = strstr(start, "</uuid>"))) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "the host capabilities have no UUID");
        return NULL;
    }
    start += strlen("<uuid>");
    return g_strndup(start, end - start);
}

/* ---- query-migrate ---- */

static unsigned long long
get_u(const VrJson *obj, const char *key)
{
    unsigned long long v = 0;

    if (obj && vr_json_object_get_uint(obj, key, &v) < 0)
        v = 0;
    return v;
}

int
qemu_mig_query(QemuMonitor *mon, char **status, QemuJobStats *stats,
               char **error_desc)
{
    g_autoptr(VrJson) reply = NULL;
    const VrJson *ram;
    const char *st;

    if (qemu_monitor_command(mon, "query-migrate", NULL, &reply, 0) < 0)
        return -1;
    st = vr_json_object_get_string(reply, "status");
    *status = g_strdup(st ? st : "none");
    ram = vr_json_object_get(reply, "ram");
    stats->time_elapsed = get_u(reply, "total-time");
    stats->setup_time = get_u(reply, "setup-time");
    if (vr_json_object_get(reply, "downtime")) {
        stats->has_downtime = true;
        stats->downtime = get_u(reply, "downtime");
    } else if (vr_json_object_get(reply, "expected-downtime")) {
        stats->downtime = get_u(reply, "expected-downtime");
    }
    stats->mem_processed = get_u(ram, "transferred");
    stats->mem_remaining = get_u(ram, "remaining");
    stats->mem_total = get_u(ram, "total");
    stats->mem_constant = get_u(ram, "duplicate");
    stats->mem_normal = get_u(ram, "normal");
    stats->mem_normal_bytes = get_u(ram, "normal-bytes");
    stats->mem_dirty_rate = get_u(ram, "dirty-pages-rate");
    stats->mem_page_size = get_u(ram, "page-size");
    stats->mem_iteration = get_u(ram, "dirty-sync-count");
    /* QEMU reports Mbit/s as a double */
    {
        const VrJson *mbps = ram ? vr_json_object_get(ram, "mbps") : NULL;
        double d = 0;

        if (mbps && vr_json_get_double(mbps, &d) == 0 && d > 0)
            stats->mem_bps = (unsigned long long) (d * 1000 * 1000 / 8);
    }
    stats->data_total = stats->mem_total;
    stats->data_processed = stats->mem_processed;
    stats->data_remaining = stats->mem_remaining;
    if (error_desc) {
        const char *e = vr_json_object_get_string(reply, "error-desc");

        *error_desc = e ? g_strdup(e) : NULL;
    }
    return 0;
}

QemuMonitor *
qemu_mig_monitor(VrDomainObj *obj)
{
    QemuMonitor *mon = NULL;

    vr_domain_obj_lock(obj);
    if (vr_domain_obj_is_active(obj) && obj->priv)
        mon = ((QemuDomainPriv *) obj->priv)->mon;
    vr_domain_obj_unlock(obj);
    if (!mon)
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", obj->name);
    return mon;
}

/* ---- completed jobs (kept per process, by UUID) ---- */

static GMutex completed_lock;
static GHashTable *completed;   /* uuid string -> QemuJobStats */

void
qemu_mig_store_completed(const VrDomainObj *obj, const QemuJobStats *stats)
{
    char key[VR_UUID_STRING_BUFLEN];

    vr_uuid_format(obj->uuid, key);
    g_mutex_lock(&completed_lock);
    if (!completed)
        completed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
    g_hash_table_replace(completed, g_strdup(key),
                         g_memdup2(stats, sizeof(*stats)));
    g_mutex_unlock(&completed_lock);
}

bool
qemu_mig_lookup_completed(const unsigned char *uuid, QemuJobStats *out)
{
    char key[VR_UUID_STRING_BUFLEN];
    QemuJobStats *found = NULL;

    vr_uuid_format(uuid, key);
    g_mutex_lock(&completed_lock);
    if (completed && (found = g_hash_table_lookup(completed, key)))
        *out = *found;
    g_mutex_unlock(&completed_lock);
    return found != NULL;
}

static void
forget_completed(const unsigned char *uuid)
{
    char key[VR_UUID_STRING_BUFLEN];

    vr_uuid_format(uuid, key);
    g_mutex_lock(&completed_lock);
    if (completed)
        g_hash_table_remove(completed, key);
    g_mutex_unlock(&completed_lock);
}

/* ---- libvirt's times ---- */

unsigned long long
qemu_mig_now_ms(void)
{
    return g_get_real_time() / 1000;
}

void
qemu_mig_update_times(QemuJobStats *st, unsigned long long now)
{
    /* libvirt's qemuDomainJobDataUpdateTime / UpdateDowntime: a time
     * in the future (clock skew) is dropped and the figure left alone */
    if (st->started && now >= st->started)
        st->time_elapsed = now - st->started;
    else
        st->started = 0;
    if (st->stopped && now >= st->stopped) {
        st->downtime = now - st->stopped;
        st->has_downtime = true;
    } else {
        st->stopped = 0;
    }
}

/* ---- ports ---- */

static GMutex port_lock;
static guint64 ports_used;     /* bit i: PORT_MIN + i handed out */

static bool
port_free(int port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_ANY) };
    VR_AUTOCLOSE int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    return fd >= 0 && bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0;
}

int
qemu_mig_port_reserve(void)
{
    int port = -1;

    g_mutex_lock(&port_lock);
    for (int i = 0; i < PORT_COUNT && port < 0; i++) {
        if (!(ports_used & (G_GUINT64_CONSTANT(1) << i)) &&
            port_free(PORT_MIN + i)) {
            ports_used |= G_GUINT64_CONSTANT(1) << i;
            port = PORT_MIN + i;
        }
    }
    g_mutex_unlock(&port_lock);
    if (port < 0)
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "no free migration port in %d-%d", PORT_MIN,
                        PORT_MIN + PORT_COUNT - 1);
    return port;
}

void
qemu_mig_port_release(int port)
{
    if (port < PORT_MIN || port >= PORT_MIN + PORT_COUNT)
        return;
    g_mutex_lock(&port_lock);
    ports_used &= ~(G_GUINT64_CONSTANT(1) << (port - PORT_MIN));
    g_mutex_unlock(&port_lock);
}

/* ---- job queries ---- */

/* The migration job @obj runs ("migration out"/"migration in") or
 * NULL. */
static const char *
running_job(VrDomainObj *obj)
{
    const char *job;

    vr_domain_obj_lock(obj);
    job = obj->job && g_str_has_prefix(obj->job, "migration") ?
          obj->job : NULL;
    vr_domain_obj_unlock(obj);
    return job;
}

bool
qemu_migration_is_running(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj) {
        vr_error_reset();
        return false;
    }
    return running_job(obj) != NULL;
}

int
qemu_migration_job_stats(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags, QemuJobStats *stats)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *status = NULL;
    const char *job;
    QemuMonitor *mon;

    memset(stats, 0, sizeof(*stats));
    if (VR_CHECK_FLAGS(flags, 1 | 2 | 4) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    if (flags & 1) {
        /* libvirt: reported once unless KEEP_COMPLETED (2) */
        if (qemu_mig_lookup_completed(obj->uuid, stats) && !(flags & 2))
            forget_completed(obj->uuid);
        return 0;
    }
    if (!(job = running_job(obj)) || !(mon = qemu_mig_monitor(obj))) {
        vr_error_reset();
        return 0;      /* no job: type 0 */
    }
    stats->type = 2;
    stats->operation = g_str_equal(job, QEMU_JOB_MIGRATION_OUT) ?
                       QEMU_JOB_OP_MIGRATION_OUT : QEMU_JOB_OP_MIGRATION_IN;
    if (qemu_mig_query(mon, &status, stats, NULL) < 0) {
        vr_error_reset();       /* the job ended meanwhile */
        return 0;
    }
    return 0;
}
