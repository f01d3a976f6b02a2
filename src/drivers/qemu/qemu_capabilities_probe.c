/* qemu_capabilities_probe.c: probing a QEMU binary over QMP and the
 * capabilities cache (memory, then <cache_dir>/<sha256(path)>.json).
 *
 * The probe runs the binary with "-machine none -S" and a private QMP
 * socket in a temporary directory, asks the query-* commands, then quits
 * it.  The QMP client lives on the default GMainContext, so callers must be
 * worker threads while a main loop runs (the daemon's; tests run one).
 *
 * Threading: the cache has one mutex; an entry being probed is marked and
 * other callers for that binary wait on the condition variable, so one
 * binary is probed once however many workers ask at the same time.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_capabilities_priv.h"
#include "drivers/qemu/qemu_monitor.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_json.h"
#include "util/vr_log.h"

#define PROBE_TIMEOUT_MS 15000
#define CACHE_FILE_MAX (16 * 1024 * 1024)

typedef struct {
    QemuCaps *caps;       /* owned reference, NULL until probed */
    bool probing;         /* a thread is probing: wait on the cond */
} CacheEntry;

struct _QemuCapsCache {
    GMutex lock;
    GCond cond;
    char *dir;
    GHashTable *entries;  /* binary path -> CacheEntry * */
};

static guint probe_counter;

unsigned int
qemu_caps_probe_count(void)
{
    return g_atomic_int_get(&probe_counter);
}

static void
cache_entry_free(CacheEntry *e)
{
    qemu_caps_unref(e->caps);
    g_free(e);
}

QemuCapsCache *
qemu_caps_cache_new(const char *cache_dir)
{
    QemuCapsCache *cache = g_new0(QemuCapsCache, 1);

    g_mutex_init(&cache->lock);
    g_cond_init(&cache->cond);
    cache->dir = g_strdup(cache_dir);
    cache->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) cache_entry_free);
    return cache;
}

void
qemu_caps_cache_free(QemuCapsCache *cache)
{
    if (!cache)
        return;
    g_hash_table_unref(cache->entries);
    g_free(cache->dir);
    g_cond_clear(&cache->cond);
    g_mutex_clear(&cache->lock);
    g_free(cache);
}

/* ---- the probe ----------------------------------------------------- */

static void
probe_event(QemuMonitor *mon, const char *name, const VrJson *data,
            void *opaque)
{
    (void) mon;
    (void) data;
    (void) opaque;
    VR_DEBUG("probe event %s", name);
}

static void
probe_eof(QemuMonitor *mon, void *opaque)
{
    (void) mon;
    (void) opaque;
}

static const QemuMonitorCallbacks probe_callbacks = {
    .event = probe_event,
    .eof = probe_eof,
};

static int
probe_version(QemuMonitor *mon, QemuCaps *caps)
{
    g_autoptr(VrJson) reply = NULL;
    const VrJson *q;
    unsigned long long major = 0, minor = 0, micro = 0;

    if (qemu_monitor_command(mon, "query-version", NULL, &reply, 0) < 0)
        return -1;
    q = vr_json_object_get(reply, "qemu");
    if (vr_json_object_get_uint(q, "major", &major) < 0 ||
        vr_json_object_get_uint(q, "minor", &minor) < 0 ||
        vr_json_object_get_uint(q, "micro", &micro) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "query-version of '%s' has no version numbers",
                        caps->binary);
        return -1;
    }
    caps->version = major * 1000000 + minor * 1000 + micro;
    caps->package = g_strdup(vr_json_object_get_string(reply, "package"));
    return 0;
}

static int
probe_target_kvm(QemuMonitor *mon, QemuCaps *caps)
{
    g_autoptr(VrJson) target = NULL;
    g_autoptr(VrJson) kvm = NULL;
    const char *arch;

    if (qemu_monitor_command(mon, "query-target", NULL, &target, 0) < 0 ||
        qemu_monitor_command(mon, "query-kvm", NULL, &kvm, 0) < 0)
        return -1;
    arch = vr_json_object_get_string(target, "arch");
    caps->arch = g_strdup(arch ? arch : "x86_64");
    vr_json_object_get_bool(kvm, "present", &caps->kvm);
    return 0;
}

static gint
machine_cmp(gconstpointer a, gconstpointer b)
{
    const QemuCapsMachine *x = *(QemuCapsMachine *const *) a;
    const QemuCapsMachine *y = *(QemuCapsMachine *const *) b;

    return strcmp(x->name, y->name);
}

static int
probe_machines(QemuMonitor *mon, QemuCaps *caps)
{
    g_autoptr(VrJson) reply = NULL;

    if (qemu_monitor_command(mon, "query-machines", NULL, &reply, 0) < 0)
        return -1;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *obj = vr_json_array_get(reply, i);
        const char *name = vr_json_object_get_string(obj, "name");
        unsigned long long max = 0;
        QemuCapsMachine *m;

        if (!name || g_str_equal(name, "none"))
            continue;
        m = g_new0(QemuCapsMachine, 1);
        m->name = g_strdup(name);
        m->alias = g_strdup(vr_json_object_get_string(obj, "alias"));
        vr_json_object_get_bool(obj, "is-default", &m->is_default);
        vr_json_object_get_uint(obj, "cpu-max", &max);
        m->max_cpus = (unsigned int) max;
        g_ptr_array_add(caps->machines, m);
    }
    /* QEMU lists machines in hash order: sort for stable cache files. */
    g_ptr_array_sort(caps->machines, machine_cmp);
    return 0;
}

/* Append member @key of every element of the reply of @cmd (args
 * owned) to @out, keeping only elements whose @filter_key equals
 * @filter_val when @filter_key is set. */
static int
probe_names(QemuMonitor *mon, const char *cmd, VrJson *args, const char *key,
            const char *filter_key, const char *filter_val, GPtrArray *out)
{
    g_autoptr(VrJson) reply = NULL;

    if (qemu_monitor_command(mon, cmd, args, &reply, 0) < 0)
        return -1;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *obj = vr_json_array_get(reply, i);
        const char *name = vr_json_object_get_string(obj, key);

        if (!name)
            continue;
        if (filter_key &&
            g_strcmp0(vr_json_object_get_string(obj, filter_key),
                      filter_val) != 0)
            continue;
        g_ptr_array_add(out, g_strdup(name));
    }
    return 0;
}

static int
probe_queries(QemuMonitor *mon, QemuCaps *caps)
{
    g_autoptr(VrJson) types_args = vr_json_new_object();

    vr_json_object_set_bool(types_args, "abstract", false);
    if (probe_version(mon, caps) < 0 || probe_target_kvm(mon, caps) < 0 ||
        probe_machines(mon, caps) < 0 ||
        probe_names(mon, "query-cpu-definitions", NULL, "name", NULL, NULL,
                    caps->cpu_models) < 0 ||
        probe_names(mon, "qom-list-types", g_steal_pointer(&types_args),
                    "name", NULL, NULL, caps->devices) < 0 ||
        probe_names(mon, "query-qmp-schema", NULL, "name", "meta-type",
                    "command", caps->commands) < 0)
        return -1;
    return 0;
}

/* Wait up to ~2 s for @pid to exit after "quit", then kill it. */
static void
probe_reap(pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) != 0)
            return;
        g_usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void
probe_report_stderr(const char *binary, const char *log_path)
{
    g_autofree char *log = NULL;
    g_autofree char *msg = g_strdup(vr_error_message());

    if (g_file_get_contents(log_path, &log, NULL, NULL) && *g_strstrip(log))
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "cannot probe '%s': %s (QEMU said: %s)", binary,
                        msg ? msg : "failed", log);
    else
        vr_error_prefix("cannot probe '%s': ", binary);
}

static QemuCaps *
probe_run(QemuCaps *caps, const char *tmpdir)
{
    g_autofree char *sock = g_build_filename(tmpdir, "qmp.sock", NULL);
    g_autofree char *log = g_build_filename(tmpdir, "stderr.log", NULL);
    g_autoptr(VrCommand) cmd = vr_command_new(caps->binary);
    QemuMonitor *mon;
    pid_t pid = -1;
    int rc = -1;

    vr_command_add_arg_pair(cmd, "-machine", "none");
    vr_command_add_arg(cmd, "-nodefaults");
    vr_command_add_arg(cmd, "-nographic");
    vr_command_add_arg(cmd, "-no-user-config");
    vr_command_add_arg(cmd, "-S");
    vr_command_add_arg_pair(cmd, "-accel", "tcg");
    vr_command_add_arg(cmd, "-qmp");
    vr_command_add_argf(cmd, "unix:%s,server=on,wait=off", sock);
    vr_command_set_output_file(cmd, log);
    g_atomic_int_inc(&probe_counter);
    if (vr_command_spawn(cmd, &pid, NULL) < 0)
        return NULL;
    mon = qemu_monitor_open(sock, pid, PROBE_TIMEOUT_MS, &probe_callbacks,
                            NULL);
    if (mon) {
        rc = probe_queries(mon, caps);
        if (rc < 0)
            probe_report_stderr(caps->binary, log);
        qemu_monitor_quit(mon);
        qemu_monitor_close(mon);
    } else {
        probe_report_stderr(caps->binary, log);
    }
    probe_reap(pid);
    if (rc < 0)
        return NULL;
    qemu_caps_finish(caps);
    return qemu_caps_ref(caps);
}

/* Probe @binary (stat'ed as @st).  Returns a new QemuCaps or NULL
 * (reported). */
static QemuCaps *
qemu_caps_probe(const char *binary, const struct stat *st)
{
    g_autoptr(QemuCaps) caps = qemu_caps_new_empty();
    g_autoptr(GError) gerr = NULL;
    g_autofree char *tmpdir = g_dir_make_tmp("vireo-probe-XXXXXX", &gerr);
    QemuCaps *ret;
    gint64 t0 = g_get_monotonic_time();

    if (!tmpdir) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_QEMU,
                        "cannot create a temporary directory: %s",
                        gerr->message);
        return NULL;
    }
    caps->binary = g_strdup(binary);
    caps->mtime = st->st_mtime;
    caps->ctime = st->st_ctime;
    caps->vireo_version = g_strdup(PACKAGE_VERSION);
    ret = probe_run(caps, tmpdir);
    {
        g_autofree char *sock = g_build_filename(tmpdir, "qmp.sock", NULL);
        g_autofree char *log = g_build_filename(tmpdir, "stderr.log", NULL);

        unlink(sock);
        unlink(log);
        rmdir(tmpdir);
    }
    VR_DEBUG("probed %s in %lld ms", binary,
             (long long) (g_get_monotonic_time() - t0) / 1000);
    return ret;
}

/* ---- the cache ----------------------------------------------------- */

static char *
cache_file(const QemuCapsCache *cache, const char *binary)
{
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                                          binary, -1);
    g_autofree char *name = g_strdup_printf("%s.json", hash);

    return g_build_filename(cache->dir, name, NULL);
}

static bool
caps_matches(const QemuCaps *caps, const char *binary, const struct stat *st)
{
    return g_str_equal(caps->binary, binary) &&
           caps->mtime == (gint64) st->st_mtime &&
           caps->ctime == (gint64) st->st_ctime &&
           g_strcmp0(caps->vireo_version, PACKAGE_VERSION) == 0;
}

/* The disk cache's entry when still valid, else NULL (not reported: a
 * stale or broken file just means probing again). */
static QemuCaps *
cache_load(const QemuCapsCache *cache, const char *binary,
           const struct stat *st)
{
    g_autofree char *path = cache_file(cache, binary);
    g_autofree char *text = NULL;
    g_autoptr(QemuCaps) caps = NULL;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    if (vr_file_read_all(path, CACHE_FILE_MAX, &text, NULL) < 0 ||
        !(caps = qemu_caps_from_json(text))) {
        VR_WARN("ignoring capabilities cache %s: %s", path,
                vr_error_message());
        vr_error_reset();
        return NULL;
    }
    if (!caps_matches(caps, binary, st)) {
        VR_DEBUG("capabilities cache %s is stale", path);
        return NULL;
    }
    return g_steal_pointer(&caps);
}

static void
cache_store(const QemuCapsCache *cache, const QemuCaps *caps)
{
    g_autofree char *path = cache_file(cache, caps->binary);
    g_autofree char *text = qemu_caps_to_json(caps);

    if (vr_dir_create(cache->dir, 0755) < 0 ||
        vr_file_write_atomic(path, text, strlen(text), 0644) < 0) {
        VR_WARN("cannot store QEMU capabilities: %s", vr_error_message());
        vr_error_reset();
    }
}

static int
binary_stat(const char *binary, struct stat *st)
{
    if (!binary || !g_path_is_absolute(binary)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "emulator path '%s' is not absolute",
                        binary ? binary : "");
        return -1;
    }
    if (stat(binary, st) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "Cannot check QEMU binary %s", binary);
        return -1;
    }
    if (!S_ISREG(st->st_mode) || access(binary, X_OK) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "QEMU binary %s is not executable", binary);
        return -1;
    }
    return 0;
}

/* With the lock held: a valid in-memory entry, or NULL after marking
 * the entry as being probed by this thread. */
static QemuCaps *
cache_claim(QemuCapsCache *cache, const char *binary, const struct stat *st)
{
    CacheEntry *e;

    while ((e = g_hash_table_lookup(cache->entries, binary)) && e->probing)
        g_cond_wait(&cache->cond, &cache->lock);
    if (e && e->caps && caps_matches(e->caps, binary, st))
        return qemu_caps_ref(e->caps);
    if (!e) {
        e = g_new0(CacheEntry, 1);
        g_hash_table_insert(cache->entries, g_strdup(binary), e);
    }
    e->probing = true;
    return NULL;
}

QemuCaps *
qemu_caps_cache_get(QemuCapsCache *cache, const char *binary)
{
    struct stat st;
    QemuCaps *caps;
    CacheEntry *e;

    if (binary_stat(binary, &st) < 0)
        return NULL;
    g_mutex_lock(&cache->lock);
    caps = cache_claim(cache, binary, &st);
    g_mutex_unlock(&cache->lock);
    if (caps)
        return caps;

    if (!(caps = cache_load(cache, binary, &st)) &&
        (caps = qemu_caps_probe(binary, &st)))
        cache_store(cache, caps);

    g_mutex_lock(&cache->lock);
    e = g_hash_table_lookup(cache->entries, binary);
    e->probing = false;
    if (caps) {
        qemu_caps_unref(e->caps);
        e->caps = qemu_caps_ref(caps);
    }
    g_cond_broadcast(&cache->cond);
    g_mutex_unlock(&cache->lock);
    return caps;
}
