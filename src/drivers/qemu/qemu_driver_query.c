/* qemu_driver_query.c: read-only queries on one domain (XML, info, state,
 * autostart, OS type, metadata, ...).  Each finds the object by UUID,
 * copies what it needs under the object's lock, and formats outside it.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"

/* libvirt's VIR_ERR_NO_DOMAIN_METADATA (not in vr_error.h's list). */
#define QEMU_ERR_NO_DOMAIN_METADATA 80

char *
qemu_domain_get_xml(QemuDriver *drv, const QemuDomainRef *dom,
                    unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    unsigned int fmt = 0;
    char *xml;
    int id;

    if (VR_CHECK_FLAGS(flags, QEMU_XML_SECURE | QEMU_XML_INACTIVE |
                       QEMU_XML_UPDATE_CPU | QEMU_XML_MIGRATABLE) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return NULL;
    if (flags & QEMU_XML_SECURE)
        fmt |= VR_DOMAIN_FORMAT_SECURE;
    if (flags & (QEMU_XML_INACTIVE | QEMU_XML_MIGRATABLE))
        fmt |= VR_DOMAIN_FORMAT_INACTIVE;
    vr_domain_obj_lock(obj);
    id = (fmt & VR_DOMAIN_FORMAT_INACTIVE) ? -1 : obj->id;
    /* Formatting is pure memory work: fine under the object lock.  The
     * inactive XML of a running domain is its persistent definition. */
    xml = vr_domain_def_format((fmt & VR_DOMAIN_FORMAT_INACTIVE) &&
                               obj->new_def ? obj->new_def : obj->def,
                               id, fmt);
    vr_domain_obj_unlock(obj);
    return xml;
}

int
qemu_domain_get_autostart(QemuDriver *drv, const QemuDomainRef *dom,
                          bool *autostart)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj)
        return -1;
    vr_domain_obj_lock(obj);
    *autostart = obj->autostart;
    vr_domain_obj_unlock(obj);
    return 0;
}

int
qemu_domain_is_active(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    int ret;

    if (!obj)
        return -1;
    vr_domain_obj_lock(obj);
    ret = vr_domain_obj_is_active(obj) ? 1 : 0;
    vr_domain_obj_unlock(obj);
    return ret;
}

int
qemu_domain_is_persistent(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    int ret;

    if (!obj)
        return -1;
    vr_domain_obj_lock(obj);
    ret = obj->persistent ? 1 : 0;
    vr_domain_obj_unlock(obj);
    return ret;
}

int
qemu_domain_is_updated(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    int ret;

    if (!obj)
        return -1;
    /* A running domain redefined since it started. */
    vr_domain_obj_lock(obj);
    ret = obj->new_def && vr_domain_obj_is_active(obj) ? 1 : 0;
    vr_domain_obj_unlock(obj);
    return ret;
}

/* utime + stime of @pid in ns, from /proc/PID/stat (0 if unreadable). */
static unsigned long long
cpu_time_of(pid_t pid)
{
    g_autofree char *file = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *text = NULL;
    unsigned long long utime = 0, stime = 0;
    const char *p;
    long hz = sysconf(_SC_CLK_TCK);

    if (!g_file_get_contents(file, &text, NULL, NULL) ||
        !(p = strrchr(text, ')')))
        return 0;
    /* After "pid (comm)": state is field 3, utime 14, stime 15. */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &utime, &stime) != 2 || hz <= 0)
        return 0;
    return (utime + stime) * (1000000000ULL / (unsigned long long) hz);
}

int
qemu_domain_get_info(QemuDriver *drv, const QemuDomainRef *dom,
                     QemuDomainInfo *info)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    pid_t pid;

    if (!obj)
        return -1;
    memset(info, 0, sizeof(*info));
    vr_domain_obj_lock(obj);
    info->state = obj->state;
    info->max_mem_kib = obj->def->max_memory_kib;
    info->memory_kib = obj->def->cur_memory_kib;
    info->nr_virt_cpu = obj->def->vcpus;
    pid = obj->priv ? ((QemuDomainPriv *) obj->priv)->pid : 0;
    vr_domain_obj_unlock(obj);
    if (pid > 0)
        info->cpu_time_ns = cpu_time_of(pid);
    return 0;
}

int
qemu_domain_get_state(QemuDriver *drv, const QemuDomainRef *dom,
                      unsigned int flags, int *state, int *reason)
{
    g_autoptr(VrDomainObj) obj = NULL;

    if (VR_CHECK_FLAGS(flags, 0) < 0 || !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    vr_domain_obj_lock(obj);
    *state = obj->state;
    *reason = obj->reason;
    vr_domain_obj_unlock(obj);
    return 0;
}

char *
qemu_domain_get_os_type(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    char *type;

    if (!obj)
        return NULL;
    vr_domain_obj_lock(obj);
    type = g_strdup(obj->def->os_type ? obj->def->os_type : "hvm");
    vr_domain_obj_unlock(obj);
    return type;
}

/* qemu_domain_has_managed_save: qemu_save.c;
 * qemu_domain_snapshot_num: qemu_snapshot.c */

int
qemu_domain_get_security_label(QemuDriver *drv, const QemuDomainRef *dom,
                               char **label, int *enforcing)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj)
        return -1;
    /* Security model "none": an empty label, not enforcing. */
    *label = g_strdup("");
    *enforcing = 0;
    return 0;
}

char **
qemu_domain_get_messages(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;

    /* 1 DEPRECATION, 2 TAINTING; none are recorded yet. */
    if (VR_CHECK_FLAGS(flags, 3) < 0 || !(obj = qemu_driver_get_obj(drv, dom)))
        return NULL;
    return g_new0(char *, 1);
}

int
qemu_domain_get_max_vcpus(QemuDriver *drv, const QemuDomainRef *dom)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);
    int n;

    if (!obj)
        return -1;
    vr_domain_obj_lock(obj);
    n = (int) obj->def->max_vcpus;
    vr_domain_obj_unlock(obj);
    return n;
}

int
qemu_domain_get_max_memory(QemuDriver *drv, const QemuDomainRef *dom,
                           unsigned long long *kib)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj)
        return -1;
    vr_domain_obj_lock(obj);
    *kib = obj->def->max_memory_kib;
    vr_domain_obj_unlock(obj);
    return 0;
}

static void
report_no_metadata(void)
{
    const char *detail = "Requested metadata element is not present";
    g_autofree char *msg = g_strdup_printf("metadata not found: %s", detail);

    vr_error_set_raw(QEMU_ERR_NO_DOMAIN_METADATA, VR_FROM_DOMAIN,
                     VR_ERR_LEVEL_ERROR, msg, "metadata not found: %s",
                     detail);
}

char *
qemu_domain_get_metadata(QemuDriver *drv, const QemuDomainRef *dom,
                         int type, const char *uri, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    char *value = NULL;

    if (VR_CHECK_FLAGS(flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return NULL;
    if (flags == (QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_DOMAIN,
                        "flags 'live' and 'config' are mutually exclusive");
        return NULL;
    }
    if (type < QEMU_METADATA_DESCRIPTION || type > QEMU_METADATA_ELEMENT) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_DOMAIN,
                        "unknown metadata type '%d'", type);
        return NULL;
    }
    vr_domain_obj_lock(obj);
    if ((flags & QEMU_AFFECT_LIVE) && !vr_domain_obj_is_active(obj)) {
        vr_domain_obj_unlock(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_DOMAIN,
                        "domain is not running");
        return NULL;
    }
    if (type == QEMU_METADATA_TITLE)
        value = g_strdup(obj->def->title);
    else if (type == QEMU_METADATA_DESCRIPTION)
        value = g_strdup(obj->def->description);
    vr_domain_obj_unlock(obj);
    /* <metadata> elements are not kept by the definition yet. */
    if (!value)
        report_no_metadata();
    return value;
}
