/* qemu_hotplug_tune.c: memory and vCPU tuning (setmem, setmaxmem,
 * setvcpus, vcpucount) and the helpers the hotplug and statistics files
 * share: the job, the affect flags, device parsing, config saving.
 *
 * Memory: the live side is the balloon ("balloon" QMP command, target in
 * bytes); the maximum (<memory>) changes only in the persistent
 * definition, as in libvirt.  vCPUs: live changes plug or unplug CPU
 * devices listed by query-hotpluggable-cpus (the command line has
 * -smp N,maxcpus=M when M > N), ids "vcpuN"; unplug waits for the
 * guest like any device removal.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_hotplug_priv.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

QemuCaps *
qemu_hp_caps(QemuDriver *drv, const VrDomainDef *def)
{
    return qemu_caps_cache_get(drv->caps, def->emulator ? def->emulator
                                                        : QEMU_HOST_EMULATOR);
}

VrDomainObj *
qemu_hp_begin(QemuDriver *drv, const QemuDomainRef *dom, const char *job,
              QemuMonitor **mon)
{
    g_autoptr(VrDomainObj) obj = qemu_driver_get_obj(drv, dom);

    if (!obj || qemu_job_begin(obj, job, QEMU_JOB_WAIT_MS) < 0)
        return NULL;
    vr_domain_obj_lock(obj);
    *mon = vr_domain_obj_is_active(obj) && obj->priv ?
        ((QemuDomainPriv *) obj->priv)->mon : NULL;
    vr_domain_obj_unlock(obj);
    return g_steal_pointer(&obj);
}

unsigned int
qemu_hp_affect(VrDomainObj *obj, QemuMonitor *mon, unsigned int flags)
{
    unsigned int affect = flags & (QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG);
    bool persistent;

    vr_domain_obj_lock(obj);
    persistent = obj->persistent;
    vr_domain_obj_unlock(obj);
    if (!affect)
        affect = mon ? QEMU_AFFECT_LIVE : QEMU_AFFECT_CONFIG;
    if ((affect & QEMU_AFFECT_LIVE) && !mon) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", obj->name);
        return 0;
    }
    if ((affect & QEMU_AFFECT_CONFIG) && !persistent) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "transient domains do not have any persistent "
                        "config");
        return 0;
    }
    return affect;
}

/* The element name of the device XML (no leading <?xml ...?> or
 * comments expected beyond whitespace). */
static bool
element_is(const char *xml, const char *name)
{
    size_t n = strlen(name);

    while (*xml == ' ' || *xml == '\t' || *xml == '\n' || *xml == '\r')
        xml++;
    return xml[0] == '<' && strncmp(xml + 1, name, n) == 0 &&
           (xml[n + 1] == ' ' || xml[n + 1] == '>' || xml[n + 1] == '/' ||
            xml[n + 1] == '\n' || xml[n + 1] == '\t');
}

VrDomainDef *
qemu_hp_parse_device(VrDomainObj *obj, const char *xml)
{
    g_autofree char *doc = NULL;
    g_autofree char *arch = NULL;
    g_autofree char *machine = NULL;
    VrDomainDef *def;

    if (!element_is(xml, "disk") && !element_is(xml, "interface")) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "only <disk> and <interface> devices can be "
                        "attached, detached or updated");
        return NULL;
    }
    vr_domain_obj_lock(obj);
    arch = g_strdup(obj->def->os_arch ? obj->def->os_arch : "x86_64");
    machine = g_strdup(obj->def->os_machine ? obj->def->os_machine : "pc");
    vr_domain_obj_unlock(obj);
    doc = g_strdup_printf("<domain type='qemu'><name>device</name>"
                          "<memory unit='KiB'>65536</memory><os>"
                          "<type arch='%s' machine='%s'>hvm</type></os>"
                          "<devices>%s</devices></domain>", arch, machine,
                          xml);
    if (!(def = vr_domain_def_parse_string(doc, "(device_definition)", 0)))
        return NULL;
    if (def->disks->len + def->nets->len != 1) {
        vr_domain_def_free(def);
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_QEMU,
                        "exactly one device expected");
        return NULL;
    }
    return def;
}

VrDomainDef *
qemu_hp_persistent_copy(VrDomainObj *obj)
{
    VrDomainDef *def;

    vr_domain_obj_lock(obj);
    def = vr_domain_def_copy(obj->new_def ? obj->new_def : obj->def);
    vr_domain_obj_unlock(obj);
    return def;
}

int
qemu_hp_save_config(QemuDriver *drv, const VrDomainDef *pdef)
{
    g_autofree char *xml = vr_domain_def_format(pdef, -1,
                                                VR_DOMAIN_FORMAT_INACTIVE |
                                                VR_DOMAIN_FORMAT_SECURE);
    QemuDomainRef out = { 0 };
    int rc;

    rc = qemu_domain_define(drv, xml, 0, &out, NULL);
    qemu_domain_ref_clear(&out);
    return rc;
}

/* ---- memory ---- */

static int
set_memory_live(VrDomainObj *obj, QemuMonitor *mon, unsigned long long kib)
{
    VrJson *args = vr_json_new_object();

    vr_json_object_set_uint(args, "value", kib * 1024);
    if (qemu_monitor_command(mon, "balloon", args, NULL, 0) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    obj->def->cur_memory_kib = kib;
    vr_domain_obj_unlock(obj);
    return 0;
}

static int
check_memory(VrDomainObj *obj, unsigned int affect, unsigned long long kib,
             bool maximum)
{
    unsigned long long live_max, conf_max;

    vr_domain_obj_lock(obj);
    live_max = obj->def->max_memory_kib;
    conf_max = (obj->new_def ? obj->new_def : obj->def)->max_memory_kib;
    vr_domain_obj_unlock(obj);
    if (maximum && (affect & QEMU_AFFECT_LIVE)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "cannot resize the maximum memory on an active "
                        "domain: use --config");
        return -1;
    }
    if (kib == 0 ||
        (!maximum && (((affect & QEMU_AFFECT_LIVE) && kib > live_max) ||
                      ((affect & QEMU_AFFECT_CONFIG) && kib > conf_max)))) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "cannot set memory higher than max memory");
        return -1;
    }
    return 0;
}

int
qemu_domain_set_memory(QemuDriver *drv, const QemuDomainRef *dom,
                       unsigned long long kib, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMonitor *mon = NULL;
    bool maximum = flags & QEMU_MEM_MAXIMUM;
    unsigned int affect;
    int rc = -1;

    if (VR_CHECK_FLAGS(flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG |
                       QEMU_MEM_MAXIMUM) < 0 ||
        !(obj = qemu_hp_begin(drv, dom, "setmem", &mon)))
        return -1;
    if (!(affect = qemu_hp_affect(obj, mon, flags)) ||
        check_memory(obj, affect, kib, maximum) < 0)
        goto out;
    if ((affect & QEMU_AFFECT_LIVE) &&
        (set_memory_live(obj, mon, kib) < 0 || qemu_status_save(drv, obj) < 0))
        goto out;
    if (affect & QEMU_AFFECT_CONFIG) {
        g_autoptr(VrDomainDef) pdef = qemu_hp_persistent_copy(obj);

        if (maximum) {
            pdef->max_memory_kib = kib;
            pdef->cur_memory_kib = MIN(pdef->cur_memory_kib, kib);
        } else {
            pdef->cur_memory_kib = kib;
        }
        if (qemu_hp_save_config(drv, pdef) < 0)
            goto out;
    }
    rc = 0;
 out:
    qemu_job_end(obj);
    return rc;
}

/* ---- vCPUs ---- */

/* Plug (@add) or unplug CPUs until @want are online. */
static int
set_vcpus_live(VrDomainObj *obj, QemuMonitor *mon, unsigned int cur,
               unsigned int want)
{
    g_autoptr(VrJson) cpus = NULL;
    size_t n;

    if (qemu_monitor_command(mon, "query-hotpluggable-cpus", NULL, &cpus,
                             0) < 0)
        return -1;
    n = vr_json_array_size(cpus);
    /* The list runs from the highest socket down: plug from the end,
     * unplug from the start. */
    for (size_t k = 0; k < n && cur != want; k++) {
        const VrJson *c = vr_json_array_get(cpus, want > cur ? n - 1 - k : k);
        const char *path = vr_json_object_get_string(c, "qom-path");
        long long socket = 0;

        vr_json_object_get_int(vr_json_object_get(c, "props"), "socket-id",
                               &socket);
        if (want > cur && !path) {
            VrJson *args = vr_json_copy(vr_json_object_get(c, "props"));
            g_autofree char *id = g_strdup_printf("vcpu%lld", socket);

            vr_json_object_set_string(args, "driver",
                                      vr_json_object_get_string(c, "type"));
            vr_json_object_set_string(args, "id", id);
            if (qemu_monitor_command(mon, "device_add", args, NULL, 0) < 0)
                return -1;
            cur++;
        } else if (want < cur && path &&
                   g_str_has_prefix(path, "/machine/peripheral/")) {
            VrJson *args = vr_json_new_object();
            const char *id = path + strlen("/machine/peripheral/");

            vr_json_object_set_string(args, "id", id);
            if (qemu_monitor_command(mon, "device_del", args, NULL, 0) < 0)
                return -1;
            cur--;
        }
    }
    if (cur != want) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "domain '%s': only vCPUs plugged at runtime can be "
                        "unplugged", obj->name);
        return -1;
    }
    vr_domain_obj_lock(obj);
    obj->def->vcpus = want;
    vr_domain_obj_unlock(obj);
    return 0;
}

static int
check_vcpus(VrDomainObj *obj, unsigned int affect, unsigned int n,
            bool maximum, unsigned int *live_cur)
{
    unsigned int live_max, conf_max;

    vr_domain_obj_lock(obj);
    live_max = obj->def->max_vcpus;
    *live_cur = obj->def->vcpus;
    conf_max = (obj->new_def ? obj->new_def : obj->def)->max_vcpus;
    vr_domain_obj_unlock(obj);
    if (n == 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "the vCPU count must be at least 1");
        return -1;
    }
    if (maximum && (affect & QEMU_AFFECT_LIVE)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "the maximum vCPU count of a running domain cannot "
                        "change: use --config");
        return -1;
    }
    if (!maximum && (((affect & QEMU_AFFECT_LIVE) && n > live_max) ||
                     ((affect & QEMU_AFFECT_CONFIG) && n > conf_max))) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "requested vcpus is greater than max allowable "
                        "vcpus for the domain: %u > %u", n,
                        (affect & QEMU_AFFECT_LIVE) ? live_max : conf_max);
        return -1;
    }
    return 0;
}

int
qemu_domain_set_vcpus(QemuDriver *drv, const QemuDomainRef *dom,
                      unsigned int nvcpus, unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    QemuMonitor *mon = NULL;
    bool maximum = flags & QEMU_VCPU_MAXIMUM;
    unsigned int affect, cur;
    int rc = -1;

    if (VR_CHECK_FLAGS(flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG |
                       QEMU_VCPU_MAXIMUM | QEMU_VCPU_HOTPLUGGABLE) < 0 ||
        !(obj = qemu_hp_begin(drv, dom, "setvcpus", &mon)))
        return -1;
    if (!(affect = qemu_hp_affect(obj, mon, flags)) ||
        check_vcpus(obj, affect, nvcpus, maximum, &cur) < 0)
        goto out;
    if ((affect & QEMU_AFFECT_LIVE) &&
        (set_vcpus_live(obj, mon, cur, nvcpus) < 0 ||
         qemu_status_save(drv, obj) < 0))
        goto out;
    if (affect & QEMU_AFFECT_CONFIG) {
        g_autoptr(VrDomainDef) pdef = qemu_hp_persistent_copy(obj);

        if (maximum) {
            pdef->max_vcpus = nvcpus;
            pdef->vcpus = MIN(pdef->vcpus, nvcpus);
        } else {
            pdef->vcpus = nvcpus;
        }
        if (qemu_hp_save_config(drv, pdef) < 0)
            goto out;
    }
    rc = 0;
 out:
    qemu_job_end(obj);
    return rc;
}

int
qemu_domain_get_vcpus_flags(QemuDriver *drv, const QemuDomainRef *dom,
                            unsigned int flags)
{
    g_autoptr(VrDomainObj) obj = NULL;
    const VrDomainDef *def;
    bool active;
    int n;

    if (VR_CHECK_FLAGS(flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG |
                       QEMU_VCPU_MAXIMUM | QEMU_VCPU_GUEST) < 0 ||
        !(obj = qemu_driver_get_obj(drv, dom)))
        return -1;
    if ((flags & QEMU_AFFECT_LIVE) && (flags & QEMU_AFFECT_CONFIG)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "--live and --config are mutually exclusive here");
        return -1;
    }
    if (flags & QEMU_VCPU_GUEST) {
        vr_error_report(VR_ERR_ARGUMENT_UNSUPPORTED, VR_FROM_QEMU,
                        "querying vCPUs through the guest agent is not "
                        "supported");
        return -1;
    }
    vr_domain_obj_lock(obj);
    active = vr_domain_obj_is_active(obj);
    if ((flags & QEMU_AFFECT_LIVE) && !active) {
        vr_domain_obj_unlock(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is not running", obj->name);
        return -1;
    }
    def = (flags & QEMU_AFFECT_CONFIG) && obj->new_def ? obj->new_def
                                                       : obj->def;
    if ((flags & QEMU_AFFECT_CONFIG) && !obj->persistent) {
        vr_domain_obj_unlock(obj);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "transient domains do not have any persistent "
                        "config");
        return -1;
    }
    n = (int) ((flags & QEMU_VCPU_MAXIMUM) ? def->max_vcpus : def->vcpus);
    vr_domain_obj_unlock(obj);
    return n;
}
