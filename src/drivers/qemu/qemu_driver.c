/* qemu_driver.c: the QEMU driver: loading definitions at start, lookups,
 * listings.  Queries on one domain are in qemu_driver_query.c, changes
 * to definitions in qemu_driver_define.c.
 *
 * Locking (docs/internals/threads.md): the list lock only while finding
 * objects; an object's lock only while copying fields out of it; never
 * across file or process I/O.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "drivers/qemu/qemu_driver_priv.h"
#include "drivers/qemu/qemu_save.h"
#include "drivers/qemu/qemu_snapshot.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

#define DOMAIN_XML_MAX (10 * 1024 * 1024)

void
qemu_domain_ref_clear(QemuDomainRef *ref)
{
    if (!ref)
        return;
    g_clear_pointer(&ref->name, g_free);
    ref->id = -1;
}

void
qemu_domain_ref_array_free(QemuDomainRef *refs, size_t count)
{
    for (size_t i = 0; refs && i < count; i++)
        g_free(refs[i].name);
    g_free(refs);
}

void
qemu_domain_ref_fill(QemuDomainRef *out, VrDomainObj *obj)
{
    g_free(out->name);
    out->name = g_strdup(obj->name);
    memcpy(out->uuid, obj->uuid, sizeof(out->uuid));
    vr_domain_obj_lock(obj);
    out->id = obj->id;
    vr_domain_obj_unlock(obj);
}

char *
qemu_driver_config_path(QemuDriver *drv, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(drv->config_dir, file, NULL);
}

char *
qemu_driver_autostart_path(QemuDriver *drv, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(drv->autostart_dir, file, NULL);
}

/* Names found in a directory listing, read once at load instead of one
 * lstat/access/opendir per domain (cold start with 1000 definitions). */
typedef struct {
    GHashTable *autostart;   /* "NAME.xml" links in <config>/qemu/autostart */
    GHashTable *saves;       /* "NAME.save" in the managed save directory */
    GHashTable *snapshots;   /* "NAME" directories of snapshot metadata */
} LoadHints;

static GHashTable *
list_names(const char *dir)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
    const char *file;

    while (d && (file = g_dir_read_name(d)))
        g_hash_table_add(set, g_strdup(file));
    return set;
}

/* Load one definition file; problems are logged and the file skipped
 * (left on disk for the administrator). */
static void
load_one(QemuDriver *drv, const char *file, const LoadHints *hints)
{
    g_autofree char *path = g_build_filename(drv->config_dir, file, NULL);
    g_autofree char *name = g_strndup(file, strlen(file) - 4);
    g_autofree char *save = g_strdup_printf("%s.save", name);
    g_autofree char *xml = NULL;
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainObj) obj = NULL;

    if (vr_file_read_all(path, DOMAIN_XML_MAX, &xml, NULL) < 0 ||
        !(def = vr_domain_def_parse_string(xml, path, 0))) {
        VR_WARN("skipping domain definition '%s': %s", path,
                vr_error_message());
        vr_error_reset();
        return;
    }
    if (!g_str_equal(def->name, name)) {
        VR_WARN("skipping domain definition '%s': it defines domain '%s', "
                "but the file name says '%s'", path, def->name, name);
        return;
    }
    obj = vr_domain_obj_new(g_steal_pointer(&def));
    obj->persistent = true;
    obj->autostart = g_hash_table_contains(hints->autostart, file);
    if (g_hash_table_contains(hints->saves, save))
        qemu_save_load_obj(drv, obj);
    if (g_hash_table_contains(hints->snapshots, name))
        qemu_snapshot_load_obj(drv, obj);
    if (vr_domain_obj_list_add(drv->domains, obj) < 0) {
        VR_WARN("skipping domain definition '%s': %s", path,
                vr_error_message());
        vr_error_reset();
    }
}

/* Below this many files one thread parses them all. */
#define LOAD_PARALLEL_MIN 64
#define LOAD_THREADS_MAX 4

typedef struct {
    QemuDriver *drv;
    const LoadHints *hints;
    GPtrArray *files;        /* file names (borrowed) */
    guint first;             /* this slice: [first, last) */
    guint last;
} LoadSlice;

static gpointer
load_slice(gpointer data)
{
    LoadSlice *s = data;

    for (guint i = s->first; i < s->last; i++)
        load_one(s->drv, s->files->pdata[i], s->hints);
    return NULL;
}

/* Parse the definition files on up to LOAD_THREADS_MAX threads (one per
 * CPU): parsing is most of a cold start with many definitions, and the
 * files are independent.  The object list takes its own lock; which of
 * two clashing files wins was already up to the directory order. */
static void
load_files(QemuDriver *drv, GPtrArray *files, const LoadHints *hints)
{
    guint nthreads = MIN((guint) g_get_num_processors(), LOAD_THREADS_MAX);
    LoadSlice slices[LOAD_THREADS_MAX];
    GThread *threads[LOAD_THREADS_MAX] = { NULL };

    if (files->len < LOAD_PARALLEL_MIN)
        nthreads = 1;
    for (guint t = 0; t < nthreads; t++) {
        slices[t] = (LoadSlice) {
            .drv = drv, .hints = hints, .files = files,
            .first = files->len * t / nthreads,
            .last = files->len * (t + 1) / nthreads,
        };
        /* Slice 0 runs here, as does a slice whose thread cannot
         * start. */
        if (t > 0 && !(threads[t] = g_thread_try_new("vireo-load",
                                                     load_slice, &slices[t],
                                                     NULL)))
            load_slice(&slices[t]);
    }
    load_slice(&slices[0]);
    for (guint t = 1; t < nthreads; t++) {
        if (threads[t])
            g_thread_join(threads[t]);
    }
}

static int
load_all(QemuDriver *drv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(drv->config_dir, 0, &err);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *file;
    LoadHints hints;

    if (!dir) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_QEMU,
                        "cannot read directory '%s': %s", drv->config_dir,
                        err->message);
        return -1;
    }
    while ((file = g_dir_read_name(dir))) {
        /* Hidden names include vr_file_write_atomic's temp files. */
        if (file[0] != '.' && g_str_has_suffix(file, ".xml") &&
            strlen(file) > 4)
            g_ptr_array_add(files, g_strdup(file));
    }
    hints.autostart = list_names(drv->autostart_dir);
    hints.saves = list_names(drv->save_dir);
    hints.snapshots = list_names(drv->snapshot_dir);
    load_files(drv, files, &hints);
    g_hash_table_unref(hints.autostart);
    g_hash_table_unref(hints.saves);
    g_hash_table_unref(hints.snapshots);
    VR_DEBUG("read %u domain definition files from %s", files->len,
             drv->config_dir);
    return 0;
}

QemuDriver *
qemu_driver_new(const VrPaths *paths)
{
    g_autoptr(QemuDriver) drv = g_new0(QemuDriver, 1);

    g_mutex_init(&drv->config_lock);
    drv->privileged = paths->privileged;
    drv->config_dir = g_build_filename(paths->config_dir, "qemu", NULL);
    drv->autostart_dir = g_build_filename(drv->config_dir, "autostart", NULL);
    drv->domains = vr_domain_obj_list_new();
    drv->host = qemu_host_new(paths, NULL);
    qemu_driver_lifecycle_init(drv, paths);
    /* The journal's replay brings the files up to date before loading. */
    if (vr_dir_create(drv->autostart_dir, 0700) < 0 ||
        !(drv->journal = qemu_journal_open(drv->config_dir, 0, 0)) ||
        load_all(drv) < 0)
        return NULL;
    return g_steal_pointer(&drv);
}

void
qemu_driver_free(QemuDriver *drv)
{
    if (!drv)
        return;
    qemu_driver_lifecycle_free(drv);
    qemu_journal_close(drv->journal);
    vr_domain_obj_list_free(drv->domains);
    qemu_host_free(drv->host);
    g_free(drv->config_dir);
    g_free(drv->autostart_dir);
    g_mutex_clear(&drv->config_lock);
    g_free(drv);
}

int
qemu_driver_flush_definitions(QemuDriver *drv)
{
    return qemu_journal_checkpoint(drv->journal);
}

QemuHost *
qemu_driver_get_host(QemuDriver *drv)
{
    return drv->host;
}

bool
qemu_driver_is_privileged(QemuDriver *drv)
{
    return drv->privileged;
}

/* ---- lookups ---------------------------------------------------------- */

VrDomainObj *
qemu_driver_get_obj(QemuDriver *drv, const QemuDomainRef *dom)
{
    VrDomainObj *obj = vr_domain_obj_list_find_by_uuid(drv->domains,
                                                       dom->uuid);
    char uuid[VR_UUID_STRING_BUFLEN];

    if (!obj)
        vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                        "no domain with matching uuid '%s' (%s)",
                        vr_uuid_format(dom->uuid, uuid),
                        dom->name ? dom->name : "");
    return obj;
}

int
qemu_domain_lookup_by_name(QemuDriver *drv, const char *name,
                           QemuDomainRef *out)
{
    g_autoptr(VrDomainObj) obj =
        vr_domain_obj_list_find_by_name(drv->domains, name);

    if (!obj) {
        vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                        "no domain with matching name '%s'", name);
        return -1;
    }
    qemu_domain_ref_fill(out, obj);
    return 0;
}

int
qemu_domain_lookup_by_uuid(QemuDriver *drv, const unsigned char *uuid,
                           QemuDomainRef *out)
{
    g_autoptr(VrDomainObj) obj =
        vr_domain_obj_list_find_by_uuid(drv->domains, uuid);
    char str[VR_UUID_STRING_BUFLEN];

    if (!obj) {
        vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                        "no domain with matching uuid '%s'",
                        vr_uuid_format(uuid, str));
        return -1;
    }
    qemu_domain_ref_fill(out, obj);
    return 0;
}

int
qemu_domain_lookup_by_id(QemuDriver *drv, int id, QemuDomainRef *out)
{
    g_autoptr(VrDomainObj) obj =
        vr_domain_obj_list_find_by_id(drv->domains, id);

    if (!obj) {
        vr_error_report(VR_ERR_NO_DOMAIN, VR_FROM_QEMU,
                        "no domain with matching id %d", id);
        return -1;
    }
    qemu_domain_ref_fill(out, obj);
    return 0;
}

/* ---- listing ------------------------------------------------------------ */

int
qemu_domain_list_all(QemuDriver *drv, unsigned int flags, bool need_refs,
                     QemuDomainRef **refs, size_t *count)
{
    g_autoptr(GPtrArray) objs = vr_domain_obj_list_collect(drv->domains,
                                                           flags);
    QemuDomainRef *out;

    if (!objs)
        return -1;
    *count = objs->len;
    *refs = NULL;
    if (!need_refs)
        return 0;
    out = g_new0(QemuDomainRef, MAX(objs->len, 1));
    for (guint i = 0; i < objs->len; i++)
        qemu_domain_ref_fill(&out[i], objs->pdata[i]);
    *refs = out;
    return 0;
}

static int
check_max(int max)
{
    if (max < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "negative count %d is not allowed", max);
        return -1;
    }
    return 0;
}

int
qemu_domain_list_ids(QemuDriver *drv, int max, int **ids, size_t *n)
{
    g_autoptr(GPtrArray) objs = NULL;
    size_t len;

    if (check_max(max) < 0)
        return -1;
    objs = vr_domain_obj_list_collect(drv->domains, VR_LIST_DOMAINS_ACTIVE);
    len = MIN(objs->len, (guint) max);
    *ids = g_new0(int, MAX(len, 1));
    for (size_t i = 0; i < len; i++) {
        VrDomainObj *obj = objs->pdata[i];

        vr_domain_obj_lock(obj);
        (*ids)[i] = obj->id;
        vr_domain_obj_unlock(obj);
    }
    *n = len;
    return 0;
}

int
qemu_domain_list_defined_names(QemuDriver *drv, int max, char ***names)
{
    g_autoptr(GPtrArray) objs = NULL;
    size_t len;

    if (check_max(max) < 0)
        return -1;
    objs = vr_domain_obj_list_collect(drv->domains,
                                      VR_LIST_DOMAINS_INACTIVE);
    len = MIN(objs->len, (guint) max);
    *names = g_new0(char *, len + 1);
    for (size_t i = 0; i < len; i++)
        (*names)[i] = g_strdup(((VrDomainObj *) objs->pdata[i])->name);
    return 0;
}

int
qemu_domain_count(QemuDriver *drv, bool active)
{
    return (int) vr_domain_obj_list_count(drv->domains,
                                          active ? VR_LIST_DOMAINS_ACTIVE :
                                          VR_LIST_DOMAINS_INACTIVE);
}
