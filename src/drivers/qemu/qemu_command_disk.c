/* qemu_command_disk.c: disks on the command line: two -blockdev nodes per
 * disk (the storage node: file/host_device, and the format node on top),
 * then the -device front end (virtio-blk-pci, ide-hd/ide-cd, scsi-hd/
 * scsi-cd, usb-storage), plus boot indexes.  Node names and device ids
 * follow libvirt ("libvirt-N-format", "virtio-disk0", "ide0-0-0").
 */
#include <config.h>

#include <string.h>

#include "conf/domain_enums.h"
#include "drivers/qemu/qemu_command_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

typedef struct {
    unsigned int controller, bus, target, unit;
} DriveAddr;

/* "vda" -> 0, "hdc" -> 2, "sdaa" -> 26 (libvirt's rule); -1 if bad.
 * Not reported: the definition's validation already checked targets. */
static int
disk_name_index(const char *dst)
{
    const char *p = dst ? dst + (g_str_has_prefix(dst, "xvd") ? 3 : 2) : NULL;
    int idx = 0;

    if (!dst || strlen(dst) < 3)
        return -1;
    for (int i = 0; *p; i++, p++) {
        if (*p < 'a' || *p > 'z')
            return -1;
        idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
    }
    return idx;
}

static void
drive_addr(const VrDomainDiskDef *d, DriveAddr *a)
{
    int idx = MAX(disk_name_index(d->dst), 0);

    memset(a, 0, sizeof(*a));
    if (d->addr.type == VR_DOMAIN_ADDR_DRIVE) {
        a->controller = d->addr.controller;
        a->bus = d->addr.bus;
        a->target = d->addr.target;
        a->unit = d->addr.unit;
        return;
    }
    switch (d->bus) {
    case VR_DOMAIN_DISK_BUS_IDE:
        a->controller = idx / 4;
        a->bus = (idx % 4) / 2;
        a->unit = idx % 2;
        break;
    case VR_DOMAIN_DISK_BUS_SCSI:
        a->controller = idx / 7;
        a->unit = idx % 7;
        break;
    case VR_DOMAIN_DISK_BUS_SATA:
        a->controller = idx / 6;
        a->unit = idx % 6;
        break;
    default:
        break;
    }
}

static const VrDomainControllerDef *
find_controller(const VrDomainDef *def, VrDomainControllerType type,
                unsigned int index)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const VrDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == type && c->index == index)
            return c;
    }
    return NULL;
}

static bool
disk_is_empty(const VrDomainDiskDef *d)
{
    return d->device == VR_DOMAIN_DISK_DEVICE_CDROM && !d->src_path &&
           !d->src_volume;
}

void
qemu_boot_indexes(const VrDomainDef *def, unsigned int *disk_boot,
                  unsigned int *net_boot)
{
    bool per_device = false;
    unsigned int next = 1;

    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        disk_boot[i] = d->boot_order;
        per_device |= d->boot_order != 0;
    }
    for (guint i = 0; i < def->nets->len; i++) {
        const VrDomainNetDef *n = g_ptr_array_index(def->nets, i);

        net_boot[i] = n->boot_order;
        per_device |= n->boot_order != 0;
    }
    if (per_device || def->os_kernel)
        return;
    /* <os><boot dev=...>: the first device of each kind, in order, as
     * libvirt converts it to bootindex. */
    for (size_t b = 0; b < def->nboot_devs; b++) {
        VrDomainBootDev dev = def->boot_devs[b];

        if (dev == VR_DOMAIN_BOOT_NETWORK) {
            if (def->nets->len && !net_boot[0])
                net_boot[0] = next++;
            continue;
        }
        for (guint i = 0; i < def->disks->len; i++) {
            const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);
            bool match = dev == VR_DOMAIN_BOOT_CDROM ?
                d->device == VR_DOMAIN_DISK_DEVICE_CDROM :
                dev == VR_DOMAIN_BOOT_FD ? d->bus == VR_DOMAIN_DISK_BUS_FDC :
                d->device == VR_DOMAIN_DISK_DEVICE_DISK &&
                d->bus != VR_DOMAIN_DISK_BUS_FDC;

            if (match) {
                if (!disk_boot[i])
                    disk_boot[i] = next++;
                break;
            }
        }
    }
}

static void
set_cache(VrJson *node, VrDomainDiskCache cache)
{
    VrJson *c;

    if (cache == VR_DOMAIN_DISK_CACHE_DEFAULT)
        return;
    c = vr_json_new_object();
    vr_json_object_set_bool(c, "direct",
                            cache == VR_DOMAIN_DISK_CACHE_NONE ||
                            cache == VR_DOMAIN_DISK_CACHE_DIRECTSYNC);
    vr_json_object_set_bool(c, "no-flush",
                            cache == VR_DOMAIN_DISK_CACHE_UNSAFE);
    vr_json_object_set(node, "cache", c);
}

static VrJson *
storage_node(const VrDomainDiskDef *d, const char *path, const char *name)
{
    VrJson *node = vr_json_new_object();
    const char *driver = "file";
    static const char *const aio[] = { NULL, "native", "threads", "io_uring" };

    if (d->type == VR_DOMAIN_DISK_TYPE_BLOCK)
        driver = d->device == VR_DOMAIN_DISK_DEVICE_CDROM ? "host_cdrom"
                                                          : "host_device";
    vr_json_object_set_string(node, "driver", driver);
    vr_json_object_set_string(node, "filename", path);
    vr_json_object_set_string(node, "node-name", name);
    if (d->io > VR_DOMAIN_DISK_IO_DEFAULT && d->io < VR_DOMAIN_DISK_IO_LAST)
        vr_json_object_set_string(node, "aio", aio[d->io]);
    set_cache(node, d->cache);
    vr_json_object_set_bool(node, "auto-read-only", true);
    vr_json_object_set_string(node, "discard", "unmap");
    return node;
}

static int
check_format(const VrDomainDiskDef *d)
{
    static const char *const formats[] = { "raw", "qcow2", "qed", "vmdk",
                                           "vdi", "vpc", "vhdx", NULL };

    if (d->driver_type && !g_strv_contains(formats, d->driver_type)) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': format '%s' is not supported", d->dst,
                        d->driver_type);
        return -1;
    }
    if (d->type == VR_DOMAIN_DISK_TYPE_VOLUME && !d->src_path) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': storage volume '%s' in pool '%s' has not "
                        "been resolved to a path: start the pool first",
                        d->dst, d->src_volume ? d->src_volume : "",
                        d->src_pool ? d->src_pool : "");
        return -1;
    }
    return 0;
}

static void
add_blockdevs(QemuCmdCtx *ctx, const VrDomainDiskDef *d, unsigned int n)
{
    g_autofree char *storage = g_strdup_printf("libvirt-%u-storage", n);
    g_autofree char *format = g_strdup_printf("libvirt-%u-format", n);
    VrJson *fmt = vr_json_new_object();

    qemu_cmd_add_json(ctx, "-blockdev", storage_node(d, d->src_path, storage));
    vr_json_object_set_string(fmt, "node-name", format);
    vr_json_object_set_bool(fmt, "read-only", d->readonly);
    if (d->discard == VR_DOMAIN_DISK_DISCARD_UNMAP)
        vr_json_object_set_string(fmt, "discard", "unmap");
    set_cache(fmt, d->cache);
    vr_json_object_set_string(fmt, "driver",
                              d->driver_type ? d->driver_type : "raw");
    vr_json_object_set_string(fmt, "file", storage);
    qemu_cmd_add_json(ctx, "-blockdev", fmt);
}

int
qemu_cmd_build_disks(QemuCmdCtx *ctx, const unsigned int *disk_boot)
{
    const VrDomainDef *def = ctx->def;

    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        VrJson *props;

        if (check_format(d) < 0)
            return -1;
        if (!(props = qemu_disk_props(def, i, ctx->caps, &ctx->plan,
                                      disk_boot[i])))
            return -1;
        if (!disk_is_empty(d))
            add_blockdevs(ctx, d, def->disks->len - i);
        qemu_cmd_add_device(ctx, props);
    }
    return 0;
}

static int
scsi_props(const VrDomainDef *def, const VrDomainDiskDef *d,
           const DriveAddr *a, VrJson *props, char **alias)
{
    const VrDomainControllerDef *c =
        find_controller(def, VR_DOMAIN_CONTROLLER_TYPE_SCSI, a->controller);
    g_autofree char *bus = g_strdup_printf("scsi%u.0", a->controller);

    if (!c) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': no SCSI controller with index %u",
                        d->dst, a->controller);
        return -1;
    }
    vr_json_object_set_string(props, "driver",
                              d->device == VR_DOMAIN_DISK_DEVICE_CDROM ?
                              "scsi-cd" : "scsi-hd");
    vr_json_object_set_string(props, "bus", bus);
    if (g_strcmp0(c->model, "virtio-scsi") == 0) {
        vr_json_object_set_uint(props, "channel", a->bus);
        vr_json_object_set_uint(props, "scsi-id", a->target);
        vr_json_object_set_uint(props, "lun", a->unit);
        *alias = g_strdup_printf("scsi%u-%u-%u-%u", a->controller, a->bus,
                                 a->target, a->unit);
    } else {
        vr_json_object_set_uint(props, "scsi-id", a->unit);
        *alias = g_strdup_printf("scsi%u-%u-%u", a->controller, a->bus,
                                 a->unit);
    }
    return 0;
}

/* The bus-specific front-end properties; *alias gets the device id. */
static int
frontend_props(const VrDomainDef *def, const VrDomainDiskDef *d,
               const QemuPciPlan *plan, const QemuPciAddr *pci,
               VrJson *props, char **alias)
{
    bool cd = d->device == VR_DOMAIN_DISK_DEVICE_CDROM;
    DriveAddr a;
    g_autofree char *bus = NULL;

    drive_addr(d, &a);
    switch (d->bus) {
    case VR_DOMAIN_DISK_BUS_VIRTIO:
        if (cd)
            break;
        vr_json_object_set_string(props, "driver", "virtio-blk-pci");
        qemu_pci_props(plan, pci, props);
        *alias = g_strdup_printf("virtio-disk%d",
                                 MAX(disk_name_index(d->dst), 0));
        return 0;
    case VR_DOMAIN_DISK_BUS_IDE:
        if (plan->q35) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "disk '%s': IDE controllers are unsupported for "
                            "machine type q35: use bus 'sata'", d->dst);
            return -1;
        }
        vr_json_object_set_string(props, "driver", cd ? "ide-cd" : "ide-hd");
        bus = g_strdup_printf("ide.%u", a.bus);
        vr_json_object_set_string(props, "bus", bus);
        vr_json_object_set_uint(props, "unit", a.unit);
        *alias = g_strdup_printf("ide%u-%u-%u", a.controller, a.bus, a.unit);
        return 0;
    case VR_DOMAIN_DISK_BUS_SATA:
        vr_json_object_set_string(props, "driver", cd ? "ide-cd" : "ide-hd");
        bus = plan->q35 && a.controller == 0 ?
            g_strdup_printf("ide.%u", a.unit) :
            g_strdup_printf("sata%u.%u", a.controller, a.unit);
        vr_json_object_set_string(props, "bus", bus);
        *alias = g_strdup_printf("sata%u-%u-%u", a.controller, a.bus, a.unit);
        return 0;
    case VR_DOMAIN_DISK_BUS_SCSI:
        return scsi_props(def, d, &a, props, alias);
    case VR_DOMAIN_DISK_BUS_USB:
        if (cd)
            break;
        vr_json_object_set_string(props, "driver", "usb-storage");
        vr_json_object_set_string(props, "bus", "usb.0");
        *alias = g_strdup_printf("usb-disk%d", MAX(disk_name_index(d->dst), 0));
        return 0;
    default:
        break;
    }
    vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                    "disk '%s': %s bus '%s' is not supported", d->dst,
                    vr_domain_disk_device_to_string(d->device),
                    vr_domain_disk_bus_to_string(d->bus));
    return -1;
}

static int
check_disk(const VrDomainDef *def, const VrDomainDiskDef *d,
           const QemuCaps *caps)
{
    const char *what = d->dst;

    if (d->readonly && d->device == VR_DOMAIN_DISK_DEVICE_DISK &&
        (d->bus == VR_DOMAIN_DISK_BUS_IDE || d->bus == VR_DOMAIN_DISK_BUS_SATA)) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': read-only IDE/SATA hard disks are not "
                        "supported: use a cdrom or the virtio bus", d->dst);
        return -1;
    }
    if (d->bus == VR_DOMAIN_DISK_BUS_USB &&
        !find_controller(def, VR_DOMAIN_CONTROLLER_TYPE_USB, 0)) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "disk '%s': bus 'usb' needs a USB controller", d->dst);
        return -1;
    }
    if (d->bus == VR_DOMAIN_DISK_BUS_VIRTIO)
        return qemu_cmd_need_device(caps, "virtio-blk-pci", what);
    if (d->bus == VR_DOMAIN_DISK_BUS_USB)
        return qemu_cmd_need_device(caps, "usb-storage", what);
    return 0;
}

VrJson *
qemu_disk_props(const VrDomainDef *def, size_t index, const QemuCaps *caps,
                const QemuPciPlan *plan, unsigned int bootindex)
{
    const VrDomainDiskDef *d = g_ptr_array_index(def->disks, index);
    g_autoptr(VrJson) props = vr_json_new_object();
    g_autofree char *alias = NULL;

    if (check_disk(def, d, caps) < 0 ||
        frontend_props(def, d, plan, &plan->disks[index], props, &alias) < 0)
        return NULL;
    if (!disk_is_empty(d)) {
        g_autofree char *node =
            g_strdup_printf("libvirt-%u-format",
                            (unsigned int) (def->disks->len - index));

        vr_json_object_set_string(props, "drive", node);
    }
    vr_json_object_set_string(props, "id", alias);
    if (bootindex)
        vr_json_object_set_uint(props, "bootindex", bootindex);
    if (d->serial)
        vr_json_object_set_string(props, "serial", d->serial);
    if (d->shareable)
        vr_json_object_set_bool(props, "share-rw", true);
    if (d->cache != VR_DOMAIN_DISK_CACHE_DEFAULT && !disk_is_empty(d))
        vr_json_object_set_string(props, "write-cache",
                                  d->cache == VR_DOMAIN_DISK_CACHE_WRITETHROUGH ||
                                  d->cache == VR_DOMAIN_DISK_CACHE_DIRECTSYNC ?
                                  "off" : "on");
    return g_steal_pointer(&props);
}
