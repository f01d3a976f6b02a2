/* qemu_save.c: save, restore, managed save (qemu_save.h).
 *
 * Save runs inside the domain's "save" job: pause, stream QEMU's state
 * into the image through a passed fd while qemu_job_info.c records the
 * progress, then stop QEMU.  Restore runs inside a "restore" job: a start
 * whose extra phase loads the image (qemu_process_incoming.c).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_job_info.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_save.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define SAVE_FDNAME "vireo-save"

/* libvirt's reasons and details for save/restore (FACTS.md section 7) */
enum {
    RUNNING_RESTORED = 3,
    RUNNING_SAVE_CANCELED = 7,
    PAUSED_SAVE = 3,
    SHUTOFF_SAVED = 5,
    DETAIL_STOPPED_SAVED = 4,
    DETAIL_STARTED_RESTORED = 2,
};

char *
qemu_save_managed_path(QemuDriver *drv, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.save", name);

    return g_build_filename(drv->save_dir, file, NULL);
}

void
qemu_save_load_obj(QemuDriver *drv, VrDomainObj *obj)
{
    g_autofree char *path = qemu_save_managed_path(drv, obj->name);

    obj->has_managed_save = access(path, F_OK) == 0;
}

/* The definition to embed: @dxml (checked against @obj) or the live one.
 * Owned XML or NULL reported. */
static char *
save_xml(VrDomainObj *obj, const char *dxml)
{
    g_autoptr(VrDomainDef) def = NULL;
    char *xml;

    if (dxml) {
        if (!(def = vr_domain_def_parse_string(dxml, "(save_xml)", 0)))
            return NULL;
        if (!g_str_equal(def->name, obj->name) ||
            memcmp(def->uuid, obj->uuid, sizeof(def->uuid)) != 0) {
            vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                            "the replacement XML must describe domain '%s' "
                            "(same name and UUID)", obj->name);
            return NULL;
        }
        return vr_domain_def_format(def, -1, VR_DOMAIN_FORMAT_SECURE |
                                    VR_DOMAIN_FORMAT_INACTIVE);
    }
    vr_domain_obj_lock(obj);
    xml = vr_domain_def_format(obj->def, -1, VR_DOMAIN_FORMAT_SECURE |
                               VR_DOMAIN_FORMAT_INACTIVE);
    vr_domain_obj_unlock(obj);
    return xml;
}

/* The guest runs again after a failed save. */
static void
save_undo(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
          bool was_running)
{
    g_autoptr(VrError) err = vr_error_copy_last();

    if (was_running) {
        if (qemu_monitor_cont(mon) < 0) {
            VR_WARN("domain '%s': cannot resume after a failed save: %s",
                    obj->name, vr_error_message());
        } else {
            qemu_process_set_state(obj, VR_DOMAIN_RUNNING,
                                   RUNNING_SAVE_CANCELED);
            qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                             QEMU_EVENT_RESUMED, 0);
        }
        if (qemu_status_save(drv, obj) < 0)
            VR_WARN("%s", vr_error_message());
    }
    if (err)
        vr_error_set_raw(err->code, err->domain, err->level, err->message,
                         err->str1, err->str2);
}

/* Pause (when running) and stream into @fd.  0 or -1 (undone). */
static int
save_stream(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon, int fd,
            bool was_running)
{
    VrJson *args;

    if (was_running) {
        if (qemu_monitor_stop(mon) < 0)
            return -1;
        qemu_process_set_state(obj, VR_DOMAIN_PAUSED, PAUSED_SAVE);
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_SUSPENDED, 0);
    }
    qemu_async_job_begin(obj, QEMU_JOB_OP_SAVE);
    args = vr_json_new_object();
    vr_json_object_set_string(args, "uri", "fd:" SAVE_FDNAME);
    if (qemu_async_job_set_bandwidth(mon, 0) < 0 ||
        qemu_monitor_getfd(mon, SAVE_FDNAME, fd) < 0) {
        vr_json_free(args);
        goto fail;
    }
    if (qemu_monitor_command(mon, "migrate", args, NULL, 0) < 0 ||
        qemu_async_job_wait_migration(obj, mon, "domain save") < 0)
        goto fail;
    qemu_async_job_end(obj);
    return 0;

 fail:
    qemu_async_job_end(obj);
    save_undo(drv, obj, mon, was_running);
    return -1;
}

/* Save the running @obj (its "save" job held) into @path. */
static int
save_obj(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
         const char *path, const char *dxml, unsigned int flags)
{
    g_autofree char *xml = save_xml(obj, dxml);
    VR_AUTOCLOSE int fd = -1;
    bool was_running, resume;

    if (!xml)
        return -1;
    vr_domain_obj_lock(obj);
    was_running = obj->state == VR_DOMAIN_RUNNING;
    vr_domain_obj_unlock(obj);
    resume = flags & QEMU_SAVE_RUNNING ? true :
             flags & QEMU_SAVE_PAUSED ? false : was_running;
    if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                   0600)) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot create save image '%s'", path);
        return -1;
    }
    if (qemu_save_image_write_header(fd, path, xml, resume) < 0 ||
        save_stream(drv, obj, mon, fd, was_running) < 0) {
        unlink(path);
        return -1;
    }
    if (qemu_save_image_finish(fd, path, resume) < 0) {
        unlink(path);
        save_undo(drv, obj, mon, was_running);
        return -1;
    }
    VR_INFO("domain '%s': saved to '%s'", obj->name, path);
    qemu_process_stop(drv, obj, SHUTOFF_SAVED, DETAIL_STOPPED_SAVED);
    return 0;
}

/* Begin the "save" job on the running @dom.  *mon borrowed. */
static VrDomainObj *
begin_save(QemuDriver *drv, const QemuDomainRef *dom, QemuMonitor **mon)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    QemuDomainPriv *priv;

    if (!obj || qemu_job_begin(obj, "save", QEMU_JOB_WAIT_MS) < 0)
        return NULL;
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    *mon = vr_domain_obj_is_active(obj) && priv ? priv->mon : NULL;
    vr_domain_obj_unlock(obj);
    if (!*mon) {
        qemu_job_end(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", obj->name);
        return NULL;
    }
    return g_steal_pointer(&obj);
}

#define SAVE_FLAGS (QEMU_SAVE_BYPASS_CACHE | QEMU_SAVE_RUNNING | \
                    QEMU_SAVE_PAUSED)

static int
check_save_flags(unsigned int flags)
{
    if (VR_CHECK_FLAGS(flags, SAVE_FLAGS) < 0)
        return -1;
    if ((flags & QEMU_SAVE_RUNNING) && (flags & QEMU_SAVE_PAUSED)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "flags 'running' and 'paused' are mutually "
                        "exclusive");
        return -1;
    }
    return 0;
}

int
qemu_domain_save(QemuDriver *drv, const QemuDomainRef *dom,
                 const char *path, const char *dxml, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMonitor *mon;
    int rc;

    if (check_save_flags(flags) < 0)
        return -1;
    if (!g_path_is_absolute(path)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "save image path '%s' is not absolute", path);
        return -1;
    }
    if (!(obj = begin_save(drv, dom, &mon)))
        return -1;
    rc = save_obj(drv, obj, mon, path, dxml, flags);
    qemu_job_end(obj);
    return rc;
}

int
qemu_domain_managed_save(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *path = NULL;
    QemuMonitor *mon;
    bool persistent;
    int rc;

    if (check_save_flags(flags) < 0 ||
        !(obj = begin_save(drv, dom, &mon)))
        return -1;
    vr_domain_obj_lock(obj);
    persistent = obj->persistent;
    vr_domain_obj_unlock(obj);
    if (!persistent) {
        qemu_job_end(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "cannot do managed save for transient domain");
        return -1;
    }
    path = qemu_save_managed_path(drv, obj->name);
    rc = vr_dir_create(drv->save_dir, 0700);
    if (rc == 0)
        rc = save_obj(drv, obj, mon, path, NULL, flags);
    if (rc == 0) {
        vr_domain_obj_lock(obj);
        obj->has_managed_save = true;
        vr_domain_obj_unlock(obj);
    }
    qemu_job_end(obj);
    return rc;
}

int
qemu_domain_has_managed_save(QemuDriver *drv, const QemuDomainRef *dom,
                             unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    int ret;

    if (VR_CHECK_FLAGS(flags, 0) < 0 || !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    vr_domain_obj_lock(obj);
    ret = obj->has_managed_save ? 1 : 0;
    vr_domain_obj_unlock(obj);
    return ret;
}

/* Remove @obj's managed save image (if any).  0 or -1 reported. */
static int
managed_remove(QemuDriver *drv, VrDomainObj *obj)
{
    g_autofree char *path = qemu_save_managed_path(drv, obj->name);

    if (unlink(path) < 0 && errno != ENOENT) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot remove managed save image '%s'",
                               path);
        return -1;
    }
    vr_domain_obj_lock(obj);
    obj->has_managed_save = false;
    vr_domain_obj_unlock(obj);
    return 0;
}

int
qemu_domain_managed_save_remove(QemuDriver *drv, const QemuDomainRef *dom,
                                unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    int rc;

    if (VR_CHECK_FLAGS(flags, 0) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)) ||
        qemu_job_begin(obj, "managedsave-remove", QEMU_JOB_WAIT_MS) < 0)
        return -1;
    rc = managed_remove(drv, obj);
    qemu_job_end(obj);
    return rc;
}

int
qemu_save_undefine(QemuDriver *drv, VrDomainObj *obj, unsigned int flags)
{
    bool has;

    vr_domain_obj_lock(obj);
    has = obj->has_managed_save;
    vr_domain_obj_unlock(obj);
    if (!has)
        return 0;
    if (!(flags & QEMU_UNDEFINE_MANAGED_SAVE)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "Refusing to undefine while domain managed save "
                        "image exists");
        return -1;
    }
    return managed_remove(drv, obj);
}

/* ---- restore ---- */

/* Open @path and read its image; the definition to run is @dxml when
 * given (same name and UUID as the embedded one).  *fd owned. */
static VrDomainDef *
open_image(const char *path, const char *dxml, int *fd, QemuSaveImage *img)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainDef) repl = NULL;

    if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot open save image '%s'", path);
        return NULL;
    }
    if (qemu_save_image_read(*fd, path, img) < 0 ||
        !(def = vr_domain_def_parse_string(img->xml, path, 0)))
        return NULL;
    if (!dxml)
        return g_steal_pointer(&def);
    if (!(repl = vr_domain_def_parse_string(dxml, "(restore_xml)", 0)))
        return NULL;
    if (!g_str_equal(def->name, repl->name) ||
        memcmp(def->uuid, repl->uuid, sizeof(def->uuid)) != 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "the replacement XML must describe domain '%s' "
                        "(same name and UUID)", def->name);
        return NULL;
    }
    return g_steal_pointer(&repl);
}

/* The object to restore @def into: the defined domain with its UUID, or
 * a new transient one (*added).  New reference or NULL reported. */
static VrDomainObj *
restore_target(QemuDriver *drv, const VrDomainDef *def, bool *added)
{
    g_autoptr(VrDomainObj) obj =
        vr_domain_obj_list_find_by_uuid(drv->domains, def->uuid);
    g_autoptr(VrDomainObj) clash = NULL;

    *added = false;
    if (obj) {
        if (!g_str_equal(obj->name, def->name)) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "domain '%s' is already defined with the same "
                            "uuid", obj->name);
            return NULL;
        }
        return g_steal_pointer(&obj);
    }
    if ((clash = vr_domain_obj_list_find_by_name(drv->domains, def->name))) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' already exists with a different uuid",
                        def->name);
        return NULL;
    }
    obj = vr_domain_obj_new(vr_domain_def_copy(def));
    if (vr_domain_obj_list_add(drv->domains, obj) < 0)
        return NULL;
    *added = true;
    return g_steal_pointer(&obj);
}

/* Start @obj (its job held) from the image open on @fd. */
static int
restore_obj(QemuDriver *drv, VrDomainObj *obj, const VrDomainDef *def,
            int fd, const QemuSaveImage *img, unsigned int flags,
            const void *owner)
{
    QemuIncoming inc = {
        .def = def, .fd = fd,
        .running_reason = RUNNING_RESTORED,
        .started_detail = DETAIL_STARTED_RESTORED,
        .resumed_detail = 0,
    };
    bool run = flags & QEMU_SAVE_RUNNING ? true :
               flags & QEMU_SAVE_PAUSED ? false : img->running;

    if (lseek(fd, img->data_offset, SEEK_SET) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot seek in save image");
        return -1;
    }
    return qemu_process_start_incoming(drv, obj, run ? 0 : QEMU_START_PAUSED,
                                       owner, &inc);
}

int
qemu_domain_restore(QemuDriver *drv, const char *path, const char *dxml,
                    unsigned int flags)
{
    VR_AUTOCLOSE int fd = -1;
    QemuSaveImage img = { 0 };
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainObj) obj = NULL;
    bool added = false;
    int rc = -1;

    if (check_save_flags(flags) < 0)
        return -1;
    if (!(def = open_image(path, dxml, &fd, &img)) ||
        !(obj = restore_target(drv, def, &added)))
        goto out;
    if (qemu_job_begin(obj, "restore", QEMU_JOB_WAIT_MS) < 0)
        goto out;
    rc = restore_obj(drv, obj, def, fd, &img, flags, NULL);
    qemu_job_end(obj);
    if (rc == 0)
        VR_INFO("domain '%s': restored from '%s'", obj->name, path);

 out:
    if (rc < 0 && added)
        vr_domain_obj_list_remove(drv->domains, obj);
    qemu_save_image_clear(&img);
    return rc;
}

int
qemu_save_start_managed(QemuDriver *drv, VrDomainObj *obj,
                        unsigned int flags, const void *owner)
{
    g_autofree char *path = qemu_save_managed_path(drv, obj->name);
    VR_AUTOCLOSE int fd = -1;
    QemuSaveImage img = { 0 };
    g_autoptr(VrDomainDef) def = NULL;
    bool has;
    int rc = -1;

    vr_domain_obj_lock(obj);
    has = obj->has_managed_save && !vr_domain_obj_is_active(obj);
    vr_domain_obj_unlock(obj);
    if (!has)
        return 1;
    if (flags & QEMU_START_FORCE_BOOT)
        return managed_remove(drv, obj) < 0 ? -1 : 1;
    if (!(def = open_image(path, NULL, &fd, &img)))
        goto out;
    if ((rc = restore_obj(drv, obj, def, fd, &img,
                          flags & QEMU_START_PAUSED ? QEMU_SAVE_PAUSED : 0,
                          owner)) == 0) {
        VR_INFO("domain '%s': resumed from its managed save image",
                obj->name);
        if (managed_remove(drv, obj) < 0)
            VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
 out:
    if (rc < 0)
        vr_error_prefix("cannot resume domain '%s' from its managed save "
                        "image (start with --force-boot to discard it)",
                        obj->name);
    qemu_save_image_clear(&img);
    return rc;
}

/* ---- image inspection ---- */

char *
qemu_domain_save_image_get_xml(QemuDriver *drv G_GNUC_UNUSED,
                               const char *path, unsigned int flags)
{
    VR_AUTOCLOSE int fd = -1;
    QemuSaveImage img = { 0 };
    char *xml;

    /* 1 SECURE: the image holds the secure definition anyway */
    if (VR_CHECK_FLAGS(flags, 1) < 0)
        return NULL;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot open save image '%s'", path);
        return NULL;
    }
    if (qemu_save_image_read(fd, path, &img) < 0)
        return NULL;
    xml = g_steal_pointer(&img.xml);
    qemu_save_image_clear(&img);
    return xml;
}

int
qemu_domain_save_image_define(QemuDriver *drv G_GNUC_UNUSED,
                              const char *path, const char *dxml,
                              unsigned int flags)
{
    VR_AUTOCLOSE int fd = -1;
    QemuSaveImage img = { 0 };
    g_autoptr(VrDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    int running = flags & QEMU_SAVE_RUNNING ? 1 :
                  flags & QEMU_SAVE_PAUSED ? 0 : -1;

    if (check_save_flags(flags) < 0 ||
        !(def = open_image(path, dxml, &fd, &img)))
        goto fail;
    qemu_save_image_clear(&img);
    if (!(xml = vr_domain_def_format(def, -1, VR_DOMAIN_FORMAT_SECURE |
                                     VR_DOMAIN_FORMAT_INACTIVE)))
        return -1;
    return qemu_save_image_update(path, xml, running);

 fail:
    qemu_save_image_clear(&img);
    return -1;
}
