/* qemu_hotplug.c: attach, detach and update disks and interfaces, live
 * (QMP) and in the persistent definition (through qemu_domain_define).
 *
 * Live disks become two -blockdev nodes ("vireo-vdb-storage" and
 * "vireo-vdb-format", blockdev-add) under a device_add front end whose
 * JSON comes from the command-line builder (qemu_device_props_disk), on
 * a PCI slot that query-pci shows free.  Interfaces get a tap through the
 * driver's net hooks (qemu_interface.c), handed over with getfd, a
 * netdev_add and a device_add.  Removal is device_del, then waiting for
 * the DEVICE_DELETED event (trust events): only then do the back ends go
 * and the live definition change.  If the guest does not release the
 * device in time the call fails with a message saying so; a late event
 * still finishes the removal (qemu_hotplug_remove.c keeps the pending
 * removals; qemu_hp_removal_finish here undoes the back ends).
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "conf/domain_conf.h"
#include "drivers/qemu/qemu_hotplug.h"
#include "drivers/qemu/qemu_hotplug_priv.h"
#include "drivers/qemu/qemu_interface.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_log.h"

/* ---- helpers ---- */

static int
simple_command(QemuMonitor *mon, const char *cmd, const char *key,
               const char *value)
{
    VrJson *args = vr_json_new_object();

    vr_json_object_set_string(args, key, value);
    return qemu_monitor_command(mon, cmd, args, NULL, 0);
}

/* The lowest PCI slot on bus 0 that query-pci shows free (from 3: 0-2
 * are the host bridge, PIIX/ICH and the primary video).  -1 reported. */
static int
free_pci_slot(QemuMonitor *mon)
{
    g_autoptr(VrJson) reply = NULL;
    bool used[32] = { true, true, true };

    if (qemu_monitor_command(mon, "query-pci", NULL, &reply, 0) < 0)
        return -1;
    for (size_t b = 0; b < vr_json_array_size(reply); b++) {
        const VrJson *bus = vr_json_array_get(reply, b);
        const VrJson *devs = vr_json_object_get(bus, "devices");
        long long nr = 0;

        vr_json_object_get_int(bus, "bus", &nr);
        for (size_t i = 0; nr == 0 && i < vr_json_array_size(devs); i++) {
            long long slot = -1;

            vr_json_object_get_int(vr_json_array_get(devs, i), "slot", &slot);
            if (slot >= 0 && slot < 32)
                used[slot] = true;
        }
    }
    for (int s = 3; s < 32; s++)
        if (!used[s] && s != 0x1f)
            return s;
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                    "no free PCI slot left on the root bus");
    return -1;
}

char *
qemu_hp_disk_alias(QemuDriver *drv G_GNUC_UNUSED, const VrDomainDef *def,
                   size_t index)
{
    g_autoptr(QemuCaps) caps = NULL;
    g_autoptr(VrJson) props = NULL;
    const char *id;

    if (!(caps = qemu_hp_caps(drv, def)) ||
        !(props = qemu_device_props_disk(def, index, caps)))
        return NULL;
    if (!(id = vr_json_object_get_string(props, "id"))) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "disk without a device id");
        return NULL;
    }
    return g_strdup(id);
}

static VrDomainDiskDef *
find_disk(const VrDomainDef *def, const char *dst, guint *index)
{
    for (guint i = 0; i < def->disks->len; i++) {
        VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (g_strcmp0(d->dst, dst) == 0) {
            *index = i;
            return d;
        }
    }
    return NULL;
}

static VrDomainNetDef *
find_net(const VrDomainDef *def, const VrDomainNetDef *want, guint *index)
{
    VrDomainNetDef *found = NULL;

    for (guint i = 0; i < def->nets->len; i++) {
        VrDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (want->mac_set ? memcmp(n->mac, want->mac, 6) == 0
                          : n->type == want->type) {
            if (found && !want->mac_set) {
                vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                                "multiple matching interfaces: give a MAC "
                                "address");
                return NULL;
            }
            found = n;
            *index = i;
        }
    }
    if (!found)
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "no matching network interface was found");
    return found;
}

/* ---- live disks ---- */

static VrJson *
blockdev_storage(const VrDomainDiskDef *d, const char *node)
{
    VrJson *o = vr_json_new_object();

    vr_json_object_set_string(o, "driver",
                              d->type == VR_DOMAIN_DISK_TYPE_BLOCK ?
                              "host_device" : "file");
    vr_json_object_set_string(o, "filename", d->src_path);
    vr_json_object_set_string(o, "node-name", node);
    vr_json_object_set_bool(o, "auto-read-only", true);
    vr_json_object_set_string(o, "discard", "unmap");
    return o;
}

static VrJson *
blockdev_format(const VrDomainDiskDef *d, const char *node,
                const char *file)
{
    VrJson *o = vr_json_new_object();

    vr_json_object_set_string(o, "node-name", node);
    vr_json_object_set_bool(o, "read-only", d->readonly);
    vr_json_object_set_string(o, "driver",
                              d->driver_type ? d->driver_type : "raw");
    vr_json_object_set_string(o, "file", file);
    return o;
}

/* Add the nodes and the device for the last disk of @def (a live copy
 * with the new disk appended). */
static int
attach_disk_live(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                 VrDomainDef *def)
{
    guint idx = def->disks->len - 1;
    VrDomainDiskDef *d = g_ptr_array_index(def->disks, idx);
    g_autofree char *storage = g_strdup_printf("vireo-%s-storage", d->dst);
    g_autofree char *format = g_strdup_printf("vireo-%s-format", d->dst);
    g_autoptr(QemuCaps) caps = NULL;
    g_autoptr(VrJson) props = NULL;
    int slot;

    if (d->bus == VR_DOMAIN_DISK_BUS_VIRTIO &&
        d->addr.type == VR_DOMAIN_ADDR_NONE) {
        if ((slot = free_pci_slot(mon)) < 0)
            return -1;
        d->addr.type = VR_DOMAIN_ADDR_PCI;
        d->addr.slot = (unsigned int) slot;
    }
    if (d->bus != VR_DOMAIN_DISK_BUS_VIRTIO &&
        d->bus != VR_DOMAIN_DISK_BUS_SCSI && d->bus != VR_DOMAIN_DISK_BUS_USB) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': this bus does not support hotplug: use "
                        "bus 'virtio'", d->dst);
        return -1;
    }
    if (!d->src_path) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': a hotplugged disk needs a source file",
                        d->dst);
        return -1;
    }
    if (!(caps = qemu_hp_caps(drv, def)) ||
        !(props = qemu_device_props_disk(def, idx, caps)))
        return -1;
    vr_json_object_set_string(props, "drive", format);
    /* Hand the image to the QEMU user (qemu_dac_domain.c) before QEMU
     * opens it; back on failure or on detach (finish_disk). */
    if (qemu_dac_hotplug_disk(drv, obj, d) < 0)
        return -1;
    if (qemu_monitor_command(mon, "blockdev-add",
                             blockdev_storage(d, storage), NULL, 0) < 0)
        goto undo_dac;
    if (qemu_monitor_command(mon, "blockdev-add",
                             blockdev_format(d, format, storage), NULL, 0) < 0)
        goto undo_storage;
    if (qemu_monitor_command(mon, "device_add", g_steal_pointer(&props),
                             NULL, 0) < 0)
        goto undo_format;
    VR_INFO("domain '%s': attached disk '%s'", obj->name, d->dst);
    return 0;
 undo_format:
    simple_command(mon, "blockdev-del", "node-name", format);
 undo_storage:
    simple_command(mon, "blockdev-del", "node-name", storage);
 undo_dac:
    qemu_dac_unplug_disk(drv, obj, d->src_path);
    return -1;
}

/* The format node under device @alias (owned) from query-block. */
static char *
disk_node(QemuMonitor *mon, const char *alias)
{
    g_autoptr(VrJson) reply = NULL;
    g_autofree char *qdev = g_strdup_printf("/machine/peripheral/%s/", alias);

    if (qemu_monitor_command(mon, "query-block", NULL, &reply, 0) < 0)
        return NULL;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const VrJson *b = vr_json_array_get(reply, i);
        const char *q = vr_json_object_get_string(b, "qdev");
        const VrJson *ins = vr_json_object_get(b, "inserted");

        if (q && ins && (g_str_equal(q, alias) || g_str_has_prefix(q, qdev)))
            return g_strdup(vr_json_object_get_string(ins, "node-name"));
    }
    return NULL;
}

static int
detach_disk_live(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                 const char *dst)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(QemuHpRemoval) r = g_new0(QemuHpRemoval, 1);
    guint idx;

    vr_domain_obj_lock(obj);
    def = vr_domain_def_copy(obj->def);
    vr_domain_obj_unlock(obj);
    if (!find_disk(def, dst, &idx)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "disk '%s' not found in the live domain", dst);
        return -1;
    }
    if (!(r->alias = qemu_hp_disk_alias(drv, def, idx)))
        return -1;
    r->disk_dst = g_strdup(dst);
    r->format_node = disk_node(mon, r->alias);
    vr_error_reset();     /* no node: nothing to delete afterwards */
    return qemu_hp_remove_device(drv, obj, mon, g_steal_pointer(&r));
}

/* The disk is gone from the guest: drop its nodes (format, then the
 * storage node under it) so QEMU lets go of the image, and the disk. */
static void
finish_disk(QemuDriver *drv, VrDomainObj *obj,
            QemuMonitor *mon, const QemuHpRemoval *r)
{
    const char *format = r->format_node;
    g_autofree char *src = NULL;
    guint idx;

    if (format && simple_command(mon, "blockdev-del", "node-name",
                                 format) == 0 &&
        g_str_has_suffix(format, "-format")) {
        g_autofree char *storage = g_strndup(format, strlen(format) - 6);
        g_autofree char *name = g_strconcat(storage, "storage", NULL);

        simple_command(mon, "blockdev-del", "node-name", name);
    }
    if (vr_error_code() != VR_ERR_OK)
        VR_WARN("domain '%s': block nodes of '%s' left: %s", obj->name,
                r->disk_dst, vr_error_message());
    vr_error_reset();
    vr_domain_obj_lock(obj);
    if (find_disk(obj->def, r->disk_dst, &idx)) {
        VrDomainDiskDef *d = g_ptr_array_index(obj->def->disks, idx);

        src = g_strdup(d->src_path);
        g_ptr_array_remove_index(obj->def->disks, idx);
    }
    vr_domain_obj_unlock(obj);
    qemu_dac_unplug_disk(drv, obj, src);     /* QEMU let go of it */
    VR_INFO("domain '%s': detached disk '%s'", obj->name, r->disk_dst);
}

/* ---- live interfaces ---- */

/* The first "netN" id that QEMU does not use (qom-list). */
static int
free_net_index(QemuMonitor *mon)
{
    g_autoptr(VrJson) reply = NULL;
    VrJson *args = vr_json_new_object();
    int n = 0;

    vr_json_object_set_string(args, "path", "/machine/peripheral");
    if (qemu_monitor_command(mon, "qom-list", args, &reply, 0) < 0)
        return -1;
    for (bool clash = true; clash; n++) {
        g_autofree char *want = g_strdup_printf("net%d", n);

        clash = false;
        for (size_t i = 0; i < vr_json_array_size(reply); i++)
            clash |= g_strcmp0(vr_json_object_get_string(
                          vr_json_array_get(reply, i), "name"), want) == 0;
        if (!clash)
            return n;
    }
    return n;
}

/* The QEMU id of the NIC with MAC @mac (owned), or NULL reported. */
static char *
net_alias(QemuMonitor *mon, const unsigned char *mac)
{
    g_autoptr(VrJson) reply = NULL;
    VrJson *args = vr_json_new_object();
    char want[18];

    g_snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
               mac[1], mac[2], mac[3], mac[4], mac[5]);
    vr_json_object_set_string(args, "path", "/machine/peripheral");
    if (qemu_monitor_command(mon, "qom-list", args, &reply, 0) < 0)
        return NULL;
    for (size_t i = 0; i < vr_json_array_size(reply); i++) {
        const char *name = vr_json_object_get_string(
            vr_json_array_get(reply, i), "name");
        g_autofree char *path = NULL;
        g_autoptr(VrJson) val = NULL;

        if (!name || !g_str_has_prefix(name, "net"))
            continue;
        path = g_strdup_printf("/machine/peripheral/%s", name);
        args = vr_json_new_object();
        vr_json_object_set_string(args, "path", path);
        vr_json_object_set_string(args, "property", "mac");
        if (qemu_monitor_command(mon, "qom-get", args, &val, 0) < 0) {
            vr_error_reset();
            continue;
        }
        if (g_ascii_strcasecmp(vr_json_get_string(val) ?: "", want) == 0)
            return g_strdup(name);
    }
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                    "no device with MAC address %s in the running QEMU", want);
    return NULL;
}

static int
netdev_add(QemuMonitor *mon, const VrDomainNetDef *n, int index, int fd)
{
    VrJson *args = vr_json_new_object();
    g_autofree char *id = g_strdup_printf("hostnet%d", index);
    g_autofree char *fdname = g_strdup_printf("fd-%s", id);

    vr_json_object_set_string(args, "id", id);
    if (n->type == VR_DOMAIN_NET_TYPE_USER) {
        vr_json_object_set_string(args, "type", "user");
    } else {
        if (qemu_monitor_getfd(mon, fdname, fd) < 0) {
            vr_json_free(args);
            return -1;
        }
        vr_json_object_set_string(args, "type", "tap");
        vr_json_object_set_string(args, "fd", fdname);
    }
    return qemu_monitor_command(mon, "netdev_add", args, NULL, 0);
}

static int
attach_net_live(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                VrDomainDef *def)
{
    guint idx = def->nets->len - 1;
    VrDomainNetDef *n = g_ptr_array_index(def->nets, idx);
    g_autoptr(QemuCaps) caps = NULL;
    g_autoptr(VrJson) props = NULL;
    g_autofree char *id = NULL;
    g_autofree char *ndid = NULL;
    int slot, k, fd = -1, rc = -1;

    if (n->type != VR_DOMAIN_NET_TYPE_USER &&
        n->type != VR_DOMAIN_NET_TYPE_NETWORK &&
        n->type != VR_DOMAIN_NET_TYPE_BRIDGE) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "hotplug of this interface type is not supported");
        return -1;
    }
    if ((k = free_net_index(mon)) < 0 || (slot = free_pci_slot(mon)) < 0)
        return -1;
    if (n->addr.type == VR_DOMAIN_ADDR_NONE) {
        n->addr.type = VR_DOMAIN_ADDR_PCI;
        n->addr.slot = (unsigned int) slot;
    }
    if (!(caps = qemu_hp_caps(drv, def)) ||
        !(props = qemu_device_props_net(def, idx, caps)))
        return -1;
    id = g_strdup_printf("net%d", k);
    ndid = g_strdup_printf("hostnet%d", k);
    vr_json_object_set_string(props, "id", id);
    vr_json_object_set_string(props, "netdev", ndid);
    if (n->type != VR_DOMAIN_NET_TYPE_USER &&
        qemu_interface_prepare_one(drv, obj->name, n, &fd) < 0)
        return -1;
    if (netdev_add(mon, n, k, fd) < 0)
        goto out;
    if (qemu_monitor_command(mon, "device_add", g_steal_pointer(&props),
                             NULL, 0) < 0) {
        simple_command(mon, "netdev_del", "id", ndid);
        goto out;
    }
    VR_INFO("domain '%s': attached interface '%s'", obj->name, id);
    rc = 0;
 out:
    if (fd >= 0)
        close(fd);     /* QEMU has its own copy now (or none: tap gone) */
    if (rc < 0)
        qemu_interface_release_one(drv, n);
    return rc;
}

static int
detach_net_live(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                const VrDomainNetDef *want)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autoptr(QemuHpRemoval) r = g_new0(QemuHpRemoval, 1);
    VrDomainNetDef *n;
    guint idx;

    vr_domain_obj_lock(obj);
    def = vr_domain_def_copy(obj->def);
    vr_domain_obj_unlock(obj);
    if (!(n = find_net(def, want, &idx)) ||
        !(r->alias = net_alias(mon, n->mac)))
        return -1;
    memcpy(r->mac, n->mac, sizeof(r->mac));
    return qemu_hp_remove_device(drv, obj, mon, g_steal_pointer(&r));
}

/* The NIC is gone from the guest: its netdev and tap go too. */
static void
finish_net(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
           const QemuHpRemoval *r)
{
    g_autofree char *ndid = g_strdup_printf("host%s", r->alias);
    g_autoptr(VrDomainDef) def = NULL;
    VrDomainNetDef want = { .mac_set = true };
    VrDomainNetDef *n;
    guint idx;

    memcpy(want.mac, r->mac, sizeof(want.mac));
    if (simple_command(mon, "netdev_del", "id", ndid) < 0)
        vr_error_reset();
    vr_domain_obj_lock(obj);
    def = vr_domain_def_copy(obj->def);
    vr_domain_obj_unlock(obj);
    if ((n = find_net(def, &want, &idx)))
        qemu_interface_release_one(drv, n);
    vr_domain_obj_lock(obj);
    if (find_net(obj->def, &want, &idx))
        g_ptr_array_remove_index(obj->def->nets, idx);
    vr_domain_obj_unlock(obj);
    vr_error_reset();
    VR_INFO("domain '%s': detached interface '%s'", obj->name, r->alias);
}

void
qemu_hp_removal_finish(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                       const QemuHpRemoval *r)
{
    if (r->disk_dst)
        finish_disk(drv, obj, mon, r);
    else
        finish_net(drv, obj, mon, r);
}

/* ---- cdrom media ---- */

static int
change_media_live(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon,
                  const VrDomainDiskDef *nd, bool force)
{
    g_autoptr(VrDomainDef) def = NULL;
    g_autofree char *alias = NULL;
    VrJson *args = vr_json_new_object();
    VrDomainDiskDef *d;
    guint idx;
    int rc;

    vr_domain_obj_lock(obj);
    def = vr_domain_def_copy(obj->def);
    vr_domain_obj_unlock(obj);
    if (!(d = find_disk(def, nd->dst, &idx)) ||
        d->device != VR_DOMAIN_DISK_DEVICE_CDROM) {
        vr_json_free(args);
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "update of disk '%s': only the media of an existing "
                        "cdrom can change", nd->dst);
        return -1;
    }
    if (!(alias = qemu_hp_disk_alias(drv, def, idx))) {
        vr_json_free(args);
        return -1;
    }
    vr_json_object_set_string(args, "id", alias);
    if (nd->src_path) {
        vr_json_object_set_string(args, "filename", nd->src_path);
        vr_json_object_set_string(args, "format",
                                  nd->driver_type ? nd->driver_type : "raw");
        vr_json_object_set_string(args, "read-only-mode", "read-only");
        rc = qemu_monitor_command(mon, "blockdev-change-medium", args, NULL, 0);
    } else {
        vr_json_object_set_bool(args, "force", true);
        (void) force;
        rc = qemu_monitor_command(mon, "eject", args, NULL, 0);
    }
    if (rc < 0)
        return -1;
    vr_domain_obj_lock(obj);
    if ((d = find_disk(obj->def, nd->dst, &idx))) {
        g_free(d->src_path);
        d->src_path = g_strdup(nd->src_path);
    }
    vr_domain_obj_unlock(obj);
    return 0;
}

/* ---- the entry points ---- */

typedef enum { HP_ATTACH, HP_DETACH, HP_UPDATE } HpOp;

/* Apply @op with device @dev (a parsed wrapper definition holding one
 * disk or interface) to the persistent definition @pdef. */
static int
apply_config(HpOp op, VrDomainDef *pdef, VrDomainDef *dev)
{
    guint idx;

    if (dev->disks->len) {
        VrDomainDiskDef *nd = g_ptr_array_index(dev->disks, 0);
        VrDomainDiskDef *d = find_disk(pdef, nd->dst, &idx);

        if (op == HP_ATTACH && d) {
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                            "target %s already exists", nd->dst);
            return -1;
        }
        if (op != HP_ATTACH && !d) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "no target device %s", nd->dst);
            return -1;
        }
        if (op == HP_ATTACH)
            g_ptr_array_add(pdef->disks, g_ptr_array_steal_index(dev->disks, 0));
        else if (op == HP_DETACH)
            g_ptr_array_remove_index(pdef->disks, idx);
        else
            g_ptr_array_index(pdef->disks, idx) =
                g_ptr_array_steal_index(dev->disks, 0);
        if (op == HP_UPDATE)
            g_ptr_array_add(dev->disks, d);     /* freed with @dev */
        return 0;
    }
    if (op == HP_UPDATE) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "only cdrom media can be updated");
        return -1;
    }
    if (op == HP_ATTACH) {
        g_ptr_array_add(pdef->nets, g_ptr_array_steal_index(dev->nets, 0));
        return 0;
    }
    if (!find_net(pdef, g_ptr_array_index(dev->nets, 0), &idx))
        return -1;
    g_ptr_array_remove_index(pdef->nets, idx);
    return 0;
}

static int
apply_live(QemuDriver *drv, VrDomainObj *obj, QemuMonitor *mon, HpOp op,
           VrDomainDef *dev, unsigned int flags)
{
    g_autoptr(VrDomainDef) def = NULL;
    bool disk = dev->disks->len > 0;

    if (op == HP_DETACH)
        return disk ? detach_disk_live(drv, obj, mon,
                                       ((VrDomainDiskDef *)
                                        g_ptr_array_index(dev->disks, 0))->dst)
                    : detach_net_live(drv, obj, mon,
                                      g_ptr_array_index(dev->nets, 0));
    if (op == HP_UPDATE) {
        if (!disk) {
            vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                            "only cdrom media can be updated");
            return -1;
        }
        return change_media_live(drv, obj, mon,
                                 g_ptr_array_index(dev->disks, 0),
                                 flags & QEMU_DEVICE_FORCE);
    }
    vr_domain_obj_lock(obj);
    def = vr_domain_def_copy(obj->def);
    vr_domain_obj_unlock(obj);
    if (!def->feature_acpi) {
        vr_error_report(VR_ERR_OPERATION_UNSUPPORTED, VR_FROM_QEMU,
                        "domain '%s' has no ACPI, so its PCI bus cannot "
                        "hotplug devices: add <features><acpi/></features> "
                        "and restart it, or use --config", obj->name);
        return -1;
    }
    if (apply_config(HP_ATTACH, def, dev) < 0)
        return -1;
    if (disk ? attach_disk_live(drv, obj, mon, def) < 0
             : attach_net_live(drv, obj, mon, def) < 0)
        return -1;
    vr_domain_obj_lock(obj);
    if (disk)
        g_ptr_array_add(obj->def->disks,
                        g_ptr_array_steal_index(def->disks,
                                                def->disks->len - 1));
    else
        g_ptr_array_add(obj->def->nets,
                        g_ptr_array_steal_index(def->nets, def->nets->len - 1));
    vr_domain_obj_unlock(obj);
    return 0;
}

static int
device_op(QemuDriver *drv, const QemuDomainRef *dom, const char *xml,
          unsigned int flags, HpOp op, const char *job)
{
    g_autoptr(VrDomainObj) obj = NULL;
    g_autoptr(VrDomainDef) dev = NULL;
    g_autoptr(VrDomainDef) dev2 = NULL;
    QemuMonitor *mon = NULL;
    unsigned int affect;
    int rc = -1;

    if (VR_CHECK_FLAGS(flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG |
                       (op == HP_UPDATE ? QEMU_DEVICE_FORCE : 0)) < 0 ||
        !(obj = qemu_hp_begin(drv, dom, job, &mon)))
        return -1;
    if ((affect = qemu_hp_affect(obj, mon, flags)) == 0 ||
        !(dev = qemu_hp_parse_device(obj, xml)) ||
        !(dev2 = qemu_hp_parse_device(obj, xml)))
        goto out;
    if ((affect & QEMU_AFFECT_LIVE) &&
        (apply_live(drv, obj, mon, op, dev, flags) < 0 ||
         qemu_status_save(drv, obj) < 0))
        goto out;
    if (affect & QEMU_AFFECT_CONFIG) {
        g_autoptr(VrDomainDef) pdef = qemu_hp_persistent_copy(obj);

        if (apply_config(op == HP_UPDATE ? HP_UPDATE : op, pdef, dev2) < 0 ||
            qemu_hp_save_config(drv, pdef) < 0)
            goto out;
    }
    rc = 0;
 out:
    qemu_job_end(obj);
    return rc;
}

int
qemu_domain_attach_device(QemuDriver *drv, const QemuDomainRef *dom,
                          const char *xml, unsigned int flags)
{
    return device_op(drv, dom, xml, flags, HP_ATTACH, "attach-device");
}

int
qemu_domain_detach_device(QemuDriver *drv, const QemuDomainRef *dom,
                          const char *xml, unsigned int flags)
{
    return device_op(drv, dom, xml, flags, HP_DETACH, "detach-device");
}

int
qemu_domain_update_device(QemuDriver *drv, const QemuDomainRef *dom,
                          const char *xml, unsigned int flags)
{
    return device_op(drv, dom, xml, flags, HP_UPDATE, "update-device");
}
