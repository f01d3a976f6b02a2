/* qemu_driver_define.c: changes to persistent definitions: define,
 * undefine, autostart.
 *
 * Each change holds the driver's config lock (never the list lock) across
 * its journal append, so two defines of one name cannot interleave;
 * lookups and queries go on meanwhile.  The change is durable in the
 * journal (one fdatasync) before the new definition becomes visible and
 * before the client is answered; the journal's checkpoint thread writes
 * NAME.xml later (docs/internals/durability.md).  Autostart links are
 * still made and removed directly.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_driver_priv.h"
#include "drivers/qemu/qemu_save.h"
#include "drivers/qemu/qemu_snapshot.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

/* libvirt's identity rules for a new definition @def.  On success *found
 * is the existing object with the same name and UUID, or NULL for a new
 * domain.  Returns 0 or -1 (reported). */
static int
check_identity(QemuDriver *drv, const VrDomainDef *def, VrDomainObj **found)
{
    g_autoptr(VrDomainObj) by_name =
        vr_domain_obj_list_find_by_name(drv->domains, def->name);
    g_autoptr(VrDomainObj) by_uuid = NULL;
    char uuid[VR_UUID_STRING_BUFLEN];

    if (by_name) {
        if (memcmp(by_name->uuid, def->uuid, sizeof(by_name->uuid)) != 0) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "domain '%s' is already defined with uuid %s",
                            def->name, vr_uuid_format(by_name->uuid, uuid));
            return -1;
        }
        *found = g_steal_pointer(&by_name);
        return 0;
    }
    by_uuid = vr_domain_obj_list_find_by_uuid(drv->domains, def->uuid);
    if (by_uuid) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' already exists with uuid %s",
                        by_uuid->name, vr_uuid_format(def->uuid, uuid));
        return -1;
    }
    *found = NULL;
    return 0;
}

static int
save_def(QemuDriver *drv, const VrDomainDef *def)
{
    g_autofree char *xml = vr_domain_def_format(def, -1,
                                                VR_DOMAIN_FORMAT_INACTIVE |
                                                VR_DOMAIN_FORMAT_SECURE);

    if (!xml) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "cannot format domain '%s'", def->name);
        return -1;
    }
    return qemu_journal_append(drv->journal, QEMU_JOURNAL_PUT, def->name, xml);
}

/* Publish @def (already saved) into @obj, or into a new object. */
static VrDomainObj *
publish_def(QemuDriver *drv, VrDomainObj *obj, VrDomainDef *def)
{
    if (obj) {
        VrDomainDef *old;

        vr_domain_obj_lock(obj);
        if (vr_domain_obj_is_active(obj)) {
            /* Running: the change applies from the next start. */
            old = obj->new_def;
            obj->new_def = def;
        } else {
            old = obj->def;
            obj->def = def;
        }
        obj->persistent = true;
        vr_domain_obj_unlock(obj);
        vr_domain_def_free(old);
        return vr_domain_obj_ref(obj);
    }
    obj = vr_domain_obj_new(def);
    obj->persistent = true;
    /* Cannot clash: the config lock is held since check_identity. */
    if (vr_domain_obj_list_add(drv->domains, obj) < 0) {
        vr_domain_obj_unref(obj);
        return NULL;
    }
    return obj;
}

/* qemu_domain_define, with the DEFINED event only when @emit. */
static int
define_xml(QemuDriver *drv, const char *xml, unsigned int flags,
           QemuDomainRef *out, bool *updated, bool emit)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(VrDomainObj) found = NULL;
    g_autoptr(VrDomainObj) obj = NULL;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, QEMU_DEFINE_VALIDATE) < 0)
        return -1;
    def = vr_domain_def_parse_string(xml, "(domain_definition)",
                                     (flags & QEMU_DEFINE_VALIDATE) ?
                                     VR_DOMAIN_PARSE_VALIDATE : 0);
    if (!def || !vr_domain_name_check(def->name))
        return -1;

    g_mutex_lock(&drv->config_lock);
    if (check_identity(drv, def, &found) < 0 || save_def(drv, def) < 0)
        goto out;
    if (!(obj = publish_def(drv, found, g_steal_pointer(&def))))
        goto out;
    qemu_domain_ref_fill(out, obj);
    if (updated)
        *updated = found != NULL;
    VR_INFO("%s domain '%s'", found ? "updated" : "defined", obj->name);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0 && emit)
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_DEFINED, found ? 1 : 0);
    return ret;
}

int
qemu_domain_define(QemuDriver *drv, const char *xml, unsigned int flags,
                   QemuDomainRef *out, bool *updated)
{
    return define_xml(drv, xml, flags, out, updated, true);
}

int
qemu_domain_define_quiet(QemuDriver *drv, const VrDomainDef *def)
{
    g_autofree char *xml = vr_domain_def_format(def, -1,
                                                VR_DOMAIN_FORMAT_INACTIVE |
                                                VR_DOMAIN_FORMAT_SECURE);
    QemuDomainRef out = { 0 };
    int rc;

    if (!xml) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "cannot format domain '%s'", def->name);
        return -1;
    }
    rc = define_xml(drv, xml, 0, &out, NULL, false);
    qemu_domain_ref_clear(&out);
    return rc;
}

int
qemu_domain_undefine(QemuDriver *drv, const QemuDomainRef *dom,
                     unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *link = NULL;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, 0x7f) < 0)
        return -1;
    g_mutex_lock(&drv->config_lock);
    if (!(obj = qemu_driver_get_obj(drv, dom)))
        goto out;
    vr_domain_obj_lock(obj);
    if (!obj->persistent) {
        vr_domain_obj_unlock(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "cannot undefine transient domain");
        goto out;
    }
    vr_domain_obj_unlock(obj);
    /* snapshot metadata and managed save image (qemu_snapshot.c,
     * qemu_save.c): refused unless the flags say to remove them */
    if (qemu_snapshot_undefine(drv, obj, flags, true) < 0 ||
        qemu_save_undefine(drv, obj, flags) < 0 ||
        qemu_snapshot_undefine(drv, obj, flags, false) < 0)
        goto out;

    link = qemu_driver_autostart_path(drv, obj->name);
    if (vr_file_remove_durable(link) < 0 ||
        qemu_journal_append(drv->journal, QEMU_JOURNAL_DELETE, obj->name,
                            NULL) < 0)
        goto out;

    vr_domain_obj_lock(obj);
    obj->autostart = false;
    obj->persistent = false;
    /* A running domain becomes transient: its live definition stays. */
    g_clear_pointer(&obj->new_def, vr_domain_def_free);
    if (!vr_domain_obj_is_active(obj)) {
        vr_domain_obj_unlock(obj);
        vr_domain_obj_list_remove(drv->domains, obj);
    } else {
        vr_domain_obj_unlock(obj);
    }
    VR_INFO("undefined domain '%s'", obj->name);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0)
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_UNDEFINED, 0);
    return ret;
}

static int
create_autostart_link(QemuDriver *drv, const char *name)
{
    g_autofree char *link = qemu_driver_autostart_path(drv, name);
    g_autofree char *target = g_strdup_printf("../%s.xml", name);

    if (vr_dir_create(drv->autostart_dir, 0700) < 0)
        return -1;
    if (symlink(target, link) < 0 && errno != EEXIST) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot create autostart link '%s'", link);
        return -1;
    }
    return vr_dir_sync(drv->autostart_dir);
}

int
qemu_domain_set_autostart(QemuDriver *drv, const QemuDomainRef *dom,
                          bool autostart)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autofree char *link = NULL;
    bool persistent;
    int ret = -1;

    g_mutex_lock(&drv->config_lock);
    if (!(obj = qemu_driver_get_obj(drv, dom)))
        goto out;
    vr_domain_obj_lock(obj);
    persistent = obj->persistent;
    vr_domain_obj_unlock(obj);
    if (!persistent) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "cannot set autostart for transient domain");
        goto out;
    }
    link = qemu_driver_autostart_path(drv, obj->name);
    if (autostart ? create_autostart_link(drv, obj->name) < 0 :
                    vr_file_remove_durable(link) < 0)
        goto out;
    vr_domain_obj_lock(obj);
    obj->autostart = autostart;
    vr_domain_obj_unlock(obj);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    return ret;
}
