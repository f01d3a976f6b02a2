/* qemu_dac_domain.c: the QEMU user applied to a domain - choosing the
 * user (vireod.conf qemu_user / qemu_group), checking before launch that
 * the user reaches every file QEMU opens by path, handing writable files
 * over (disks, nvram, serial log files, hotplugged disks) and back.
 *
 * QEMU opens nothing in vireod's run directory: the monitor socket is
 * passed as a listening fd, the log is QEMU's stdout (opened by vireod)
 * and vireod writes the pidfile.  Only <run>/qemu/NAME.d (UNIX chardev
 * sockets, SPICE) is handed to the user, and checked when used.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

/* ---- choosing the user ---- */

static int
config_user(const char *user, uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam(user);

    if (!pw) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_QEMU,
                        "qemu_user '%s' does not exist: create the account "
                        "or change qemu_user in vireod.conf", user);
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

static int
config_group(const char *group, gid_t *gid)
{
    struct group *gr = getgrnam(group);

    if (!gr) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_QEMU,
                        "qemu_group '%s' does not exist: create the group "
                        "or change qemu_group in vireod.conf", group);
        return -1;
    }
    *gid = gr->gr_gid;
    return 0;
}

int
qemu_driver_set_qemu_user(QemuDriver *drv, const char *user,
                          const char *group)
{
    uid_t uid = drv->qemu_uid == (uid_t) -1 ? getuid() : drv->qemu_uid;
    gid_t gid = drv->qemu_gid == (gid_t) -1 ? getgid() : drv->qemu_gid;

    if ((user && config_user(user, &uid, &gid) < 0) ||
        (group && config_group(group, &gid) < 0))
        return -1;
    if ((uid != getuid() || gid != getgid()) && getuid() != 0) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_QEMU,
                        "qemu_user '%s' / qemu_group '%s': only vireod "
                        "running as root can run QEMU as another user",
                        user ? user : "", group ? group : "");
        return -1;
    }
    if (uid == getuid() && gid == getgid()) {
        drv->qemu_uid = (uid_t) -1;     /* our own identity */
        drv->qemu_gid = (gid_t) -1;
    } else {
        drv->qemu_uid = uid;
        drv->qemu_gid = gid;
    }
    g_free(drv->qemu_user_name);
    drv->qemu_user_name = user ? g_strdup(user) :
                          g_strdup_printf("%u", (unsigned) uid);
    if (!user) {
        struct passwd *pw = getpwuid(uid);

        if (pw) {
            g_free(drv->qemu_user_name);
            drv->qemu_user_name = g_strdup(pw->pw_name);
        }
    }
    VR_INFO("QEMU runs as %s (%d:%d)", drv->qemu_user_name,
            (int) drv->qemu_uid, (int) drv->qemu_gid);
    return 0;
}

/* ---- before launch ---- */

static int
check(QemuDriver *drv, const char *what, const char *path, QemuDacNeed need)
{
    g_autofree char *why = qemu_dac_check(path, need, drv->qemu_user_name,
                                          drv->qemu_uid, drv->qemu_gid);

    if (!why)
        return 0;
    vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                    "%s '%s': %s", what, path, why);
    return -1;
}

/* Read-only, possibly shared files are never chowned: readable or not. */
static bool
disk_shared_ro(const VrDomainDiskDef *d)
{
    return d->readonly || d->device == VR_DOMAIN_DISK_DEVICE_CDROM ||
           d->shareable;
}

static bool
needs_domain_dir(const VrDomainDef *def)
{
    GPtrArray *lists[] = { def->serials, def->consoles, def->channels };

    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++)
        for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
            const VrDomainChrDef *c = g_ptr_array_index(lists[l], i);

            if (c->type == VR_DOMAIN_CHR_TYPE_UNIX && !c->path)
                return true;
        }
    for (guint i = 0; i < def->graphics->len; i++) {
        const VrDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);

        if (g->type == VR_DOMAIN_GRAPHICS_TYPE_SPICE &&
            (g->autoport || g->port < 0))
            return true;
    }
    return false;
}

/* Everything QEMU opens by path, checked with nothing changed yet. */
static int
check_all(QemuDriver *drv, QemuDomainPriv *priv, const VrDomainDef *def)
{
    if ((def->os_kernel &&
         check(drv, "kernel", def->os_kernel, QEMU_DAC_READ) < 0) ||
        (def->os_initrd &&
         check(drv, "initrd", def->os_initrd, QEMU_DAC_READ) < 0) ||
        (def->os_loader &&
         check(drv, "loader", def->os_loader, QEMU_DAC_READ) < 0) ||
        (def->os_nvram &&
         check(drv, "nvram", def->os_nvram, QEMU_DAC_SEARCH) < 0) ||
        (needs_domain_dir(def) &&
         check(drv, "run directory", priv->dir, QEMU_DAC_SEARCH) < 0))
        return -1;
    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        g_autofree char *what = g_strdup_printf("disk '%s' source", d->dst);

        if (d->src_path &&
            check(drv, what, d->src_path,
                  disk_shared_ro(d) ? QEMU_DAC_READ : QEMU_DAC_SEARCH) < 0)
            return -1;
    }
    for (guint i = 0; i < def->serials->len; i++) {
        const VrDomainChrDef *c = g_ptr_array_index(def->serials, i);

        if (c->type == VR_DOMAIN_CHR_TYPE_FILE && c->path &&
            check(drv, "serial log file", c->path, QEMU_DAC_SEARCH) < 0)
            return -1;
    }
    return 0;
}

/* A serial log file QEMU will append to: created here so it can be
 * handed over (and back, to us, at stop). */
static int
hand_over_log(QemuDriver *drv, QemuDomainPriv *priv, const char *path)
{
    VR_AUTOCLOSE int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot create serial log file '%s'", path);
        return -1;
    }
    return qemu_dac_hand_over(priv->chowned, path, drv->qemu_uid,
                              drv->qemu_gid);
}

int
qemu_dac_prepare(QemuDriver *drv, QemuDomainPriv *priv,
                 const VrDomainDef *def)
{
    if (check_all(drv, priv, def) < 0)
        return -1;
    /* NAME.d is ours alone (removed at stop): no record needed. */
    if (chown(priv->dir, drv->qemu_uid, drv->qemu_gid) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot hand '%s' to the QEMU user",
                               priv->dir);
        return -1;
    }
    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->src_path && !disk_shared_ro(d) &&
            qemu_dac_hand_over(priv->chowned, d->src_path, drv->qemu_uid,
                               drv->qemu_gid) < 0)
            return -1;
    }
    if (def->os_nvram &&
        qemu_dac_hand_over(priv->chowned, def->os_nvram, drv->qemu_uid,
                           drv->qemu_gid) < 0)
        return -1;
    for (guint i = 0; i < def->serials->len; i++) {
        const VrDomainChrDef *c = g_ptr_array_index(def->serials, i);

        if (c->type == VR_DOMAIN_CHR_TYPE_FILE && c->path &&
            hand_over_log(drv, priv, c->path) < 0)
            return -1;
    }
    return 0;
}

/* ---- hotplug ---- */

int
qemu_dac_hotplug_disk(QemuDriver *drv, VrDomainObj *obj,
                      const VrDomainDiskDef *d)
{
    g_autoptr(GPtrArray) saved = NULL;
    g_autofree char *what = NULL;
    QemuDomainPriv *priv;

    if (drv->qemu_uid == (uid_t) -1 || !d->src_path)
        return 0;
    what = g_strdup_printf("disk '%s' source", d->dst);
    if (check(drv, what, d->src_path,
              disk_shared_ro(d) ? QEMU_DAC_READ : QEMU_DAC_SEARCH) < 0)
        return -1;
    if (disk_shared_ro(d))
        return 0;
    saved = g_ptr_array_new();
    if (qemu_dac_hand_over(saved, d->src_path, drv->qemu_uid,
                           drv->qemu_gid) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    for (guint i = 0; i < saved->len; i++) {
        if (priv)
            g_ptr_array_add(priv->chowned, saved->pdata[i]);
        else
            qemu_chown_saved_free(saved->pdata[i]);
    }
    vr_domain_obj_unlock(obj);
    return 0;
}

void
qemu_dac_unplug_disk(QemuDriver *drv G_GNUC_UNUSED, VrDomainObj *obj,
                     const char *path)
{
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    QemuDomainPriv *priv;

    if (!path)
        return;
    /* Take the record out under the lock; restore it without the lock. */
    vr_domain_obj_lock(obj);
    priv = obj->priv;
    for (guint i = 0; priv && i < priv->chowned->len; i++) {
        QemuChownSaved *s = priv->chowned->pdata[i];

        if (g_str_equal(s->path, path)) {
            g_ptr_array_add(one, g_ptr_array_steal_index(priv->chowned, i));
            break;
        }
    }
    vr_domain_obj_unlock(obj);
    if (one->len) {
        qemu_dac_hand_back(one);
        qemu_chown_saved_free(one->pdata[0]);
    }
}
