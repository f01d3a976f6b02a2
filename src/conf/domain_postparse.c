/* domain_postparse.c: the defaults libvirt fills in after parsing: UUID,
 * memory and vCPU defaults, arch, boot device, MACs, disk bus/driver,
 * serial/console pairing, and the implicit devices of x86 pc/q35
 * (controllers, ps2 inputs, video, memballoon).  Deterministic except
 * for the generated UUID and MACs. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf_priv.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

static bool
vr_domain_is_q35(const VrDomainDef *def)
{
    const char *m = def->os_machine;

    return m && (strcmp(m, "q35") == 0 || g_str_has_prefix(m, "pc-q35"));
}

static bool
vr_domain_has_device_boot(const VrDomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++)
        if (((VrDomainDiskDef *)g_ptr_array_index(def->disks, i))->boot_order)
            return true;
    for (guint i = 0; i < def->nets->len; i++)
        if (((VrDomainNetDef *)g_ptr_array_index(def->nets, i))->boot_order)
            return true;
    return false;
}

static void
vr_post_parse_basics(VrDomainDef *def)
{
    if (!def->uuid_set) {
        vr_uuid_generate(def->uuid);
        def->uuid_set = true;
    }
    if (!def->cur_memory_kib)
        def->cur_memory_kib = def->max_memory_kib;
    if (!def->vcpus)
        def->vcpus = def->max_vcpus;
    if (!def->os_arch)
        def->os_arch = g_strdup("x86_64");
    if (!def->nboot_devs && !def->os_kernel && !vr_domain_has_device_boot(def))
        def->boot_devs[def->nboot_devs++] = VR_DOMAIN_BOOT_HD;
}

/* Bus implied by a target name ("vda" -> virtio), libvirt's rules. */
static VrDomainDiskBus
vr_disk_bus_from_dst(const char *dst)
{
    if (g_str_has_prefix(dst, "vd"))
        return VR_DOMAIN_DISK_BUS_VIRTIO;
    if (g_str_has_prefix(dst, "sd"))
        return VR_DOMAIN_DISK_BUS_SCSI;
    if (g_str_has_prefix(dst, "hd"))
        return VR_DOMAIN_DISK_BUS_IDE;
    if (g_str_has_prefix(dst, "fd"))
        return VR_DOMAIN_DISK_BUS_FDC;
    if (g_str_has_prefix(dst, "ub"))
        return VR_DOMAIN_DISK_BUS_USB;
    return VR_DOMAIN_DISK_BUS_NONE;
}

static void
vr_post_parse_disks(VrDomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (!d->bus)
            d->bus = vr_disk_bus_from_dst(d->dst);
        if (!d->driver_name)
            d->driver_name = g_strdup("qemu");
        if (!d->driver_type && d->type != VR_DOMAIN_DISK_TYPE_VOLUME)
            d->driver_type = g_strdup("raw");
        if (d->device == VR_DOMAIN_DISK_DEVICE_CDROM)
            d->readonly = true;
    }
}

static void
vr_post_parse_nets(VrDomainDef *def)
{
    for (guint i = 0; i < def->nets->len; i++) {
        VrDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (n->mac_set)
            continue;
        n->mac[0] = 0x52;
        n->mac[1] = 0x54;
        n->mac[2] = 0x00;
        for (int j = 3; j < 6; j++)
            n->mac[j] = g_random_int_range(0, 256);
        n->mac_set = true;
    }
}

static VrDomainChrDef *
vr_chr_new(VrDomainChrDevice device, const VrDomainChrDef *like)
{
    VrDomainChrDef *c = g_new0(VrDomainChrDef, 1);

    c->device = device;
    c->type = like->type;
    c->mode = like->mode;
    c->path = g_strdup(like->path);
    c->target_port = 0;
    return c;
}

/* libvirt: an x86 <console> without a serial gets a serial twin; a serial
 * without a console gets a console mirroring it. */
static void
vr_post_parse_chrs(VrDomainDef *def)
{
    VrDomainChrDef *con = def->consoles->len ?
        g_ptr_array_index(def->consoles, 0) : NULL;
    unsigned int vport = 0;

    if (con && !def->serials->len &&
        (con->target_type == VR_DOMAIN_CHR_TARGET_NONE ||
         con->target_type == VR_DOMAIN_CHR_TARGET_SERIAL))
        g_ptr_array_add(def->serials, vr_chr_new(VR_DOMAIN_CHR_DEVICE_SERIAL, con));
    if (!con && def->serials->len) {
        con = vr_chr_new(VR_DOMAIN_CHR_DEVICE_CONSOLE,
                         g_ptr_array_index(def->serials, 0));
        g_ptr_array_add(def->consoles, con);
    }
    for (guint i = 0; i < def->serials->len; i++) {
        VrDomainChrDef *s = g_ptr_array_index(def->serials, i);

        if (!s->target_type)
            s->target_type = VR_DOMAIN_CHR_TARGET_ISA_SERIAL;
        if (s->target_port < 0)
            s->target_port = i;
    }
    if (con && !con->target_type)
        con->target_type = VR_DOMAIN_CHR_TARGET_SERIAL;
    if (con && con->target_type == VR_DOMAIN_CHR_TARGET_SERIAL &&
        con->target_port < 0)
        con->target_port = 0;
    for (guint i = 0; i < def->channels->len; i++) {
        VrDomainChrDef *c = g_ptr_array_index(def->channels, i);

        if (c->target_type == VR_DOMAIN_CHR_TARGET_VIRTIO &&
            c->addr.type == VR_DOMAIN_ADDR_NONE) {
            c->addr.type = VR_DOMAIN_ADDR_VIRTIO_SERIAL;
            c->addr.port = ++vport;
        } else if (c->addr.type == VR_DOMAIN_ADDR_VIRTIO_SERIAL &&
                   c->addr.port > vport) {
            vport = c->addr.port;
        }
    }
}

static bool
vr_has_virtio_serial_user(const VrDomainDef *def)
{
    for (guint i = 0; i < def->channels->len; i++) {
        VrDomainChrDef *c = g_ptr_array_index(def->channels, i);

        if (c->target_type == VR_DOMAIN_CHR_TARGET_VIRTIO)
            return true;
    }
    for (guint i = 0; i < def->consoles->len; i++) {
        VrDomainChrDef *c = g_ptr_array_index(def->consoles, i);

        if (c->target_type == VR_DOMAIN_CHR_TARGET_VIRTIO)
            return true;
    }
    return false;
}

static void
vr_add_controller(VrDomainDef *def, VrDomainControllerType type,
                  const char *model)
{
    VrDomainControllerDef *c;

    for (guint i = 0; i < def->controllers->len; i++) {
        c = g_ptr_array_index(def->controllers, i);
        if (c->type == type && c->index == 0)
            return;
    }
    c = g_new0(VrDomainControllerDef, 1);
    c->type = type;
    c->model = g_strdup(model);
    g_ptr_array_add(def->controllers, c);
}

static gint
vr_controller_cmp(gconstpointer a, gconstpointer b)
{
    const VrDomainControllerDef *x = *(VrDomainControllerDef *const *)a;
    const VrDomainControllerDef *y = *(VrDomainControllerDef *const *)b;

    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void
vr_post_parse_controllers(VrDomainDef *def)
{
    bool q35 = vr_domain_is_q35(def);

    for (guint i = 0; i < def->disks->len; i++) {
        VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->bus == VR_DOMAIN_DISK_BUS_SCSI)
            vr_add_controller(def, VR_DOMAIN_CONTROLLER_TYPE_SCSI, "lsilogic");
        else if (d->bus == VR_DOMAIN_DISK_BUS_SATA)
            vr_add_controller(def, VR_DOMAIN_CONTROLLER_TYPE_SATA, NULL);
        else if (d->bus == VR_DOMAIN_DISK_BUS_FDC)
            vr_add_controller(def, VR_DOMAIN_CONTROLLER_TYPE_FDC, NULL);
    }
    if (g_strcmp0(def->os_arch, "x86_64") == 0 ||
        g_strcmp0(def->os_arch, "i686") == 0) {
        vr_add_controller(def, q35 ? VR_DOMAIN_CONTROLLER_TYPE_SATA :
                          VR_DOMAIN_CONTROLLER_TYPE_IDE, NULL);
        vr_add_controller(def, VR_DOMAIN_CONTROLLER_TYPE_USB,
                          q35 ? "qemu-xhci" : "piix3-uhci");
        vr_add_controller(def, VR_DOMAIN_CONTROLLER_TYPE_PCI,
                          q35 ? "pcie-root" : "pci-root");
    }
    if (vr_has_virtio_serial_user(def))
        vr_add_controller(def, VR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL, NULL);
    g_ptr_array_sort(def->controllers, vr_controller_cmp);
}

static void
vr_add_input(VrDomainDef *def, VrDomainInputType type, VrDomainInputBus bus)
{
    VrDomainInputDef *in;

    for (guint i = 0; i < def->inputs->len; i++) {
        in = g_ptr_array_index(def->inputs, i);
        if (in->type == type && in->bus == bus)
            return;
    }
    in = g_new0(VrDomainInputDef, 1);
    in->type = type;
    in->bus = bus;
    g_ptr_array_add(def->inputs, in);
}

static void
vr_post_parse_implicit(VrDomainDef *def)
{
    for (guint i = 0; i < def->inputs->len; i++) {
        VrDomainInputDef *in = g_ptr_array_index(def->inputs, i);

        if (!in->bus)
            in->bus = in->type == VR_DOMAIN_INPUT_TYPE_TABLET ?
                VR_DOMAIN_INPUT_BUS_USB : VR_DOMAIN_INPUT_BUS_PS2;
    }
    if (g_strcmp0(def->os_arch, "x86_64") == 0 ||
        g_strcmp0(def->os_arch, "i686") == 0) {
        vr_add_input(def, VR_DOMAIN_INPUT_TYPE_MOUSE, VR_DOMAIN_INPUT_BUS_PS2);
        vr_add_input(def, VR_DOMAIN_INPUT_TYPE_KEYBOARD, VR_DOMAIN_INPUT_BUS_PS2);
    }
    if (def->graphics->len && !def->videos->len)
        g_ptr_array_add(def->videos, g_new0(VrDomainVideoDef, 1));
    for (guint i = 0; i < def->videos->len; i++) {
        VrDomainVideoDef *v = g_ptr_array_index(def->videos, i);

        if (v->type == VR_DOMAIN_VIDEO_TYPE_DEFAULT)
            v->type = VR_DOMAIN_VIDEO_TYPE_VGA;
        if (v->type == VR_DOMAIN_VIDEO_TYPE_NONE)
            continue;
        if (!v->vram && (v->type == VR_DOMAIN_VIDEO_TYPE_VGA ||
                         v->type == VR_DOMAIN_VIDEO_TYPE_CIRRUS ||
                         v->type == VR_DOMAIN_VIDEO_TYPE_QXL))
            v->vram = v->type == VR_DOMAIN_VIDEO_TYPE_QXL ? 65536 : 16384;
        if (!v->heads)
            v->heads = 1;
        if (i == 0)
            v->primary = true;
    }
    if (!def->memballoon)
        def->memballoon = g_new0(VrDomainMemballoonDef, 1);
}

int
vr_domain_def_post_parse(VrDomainDef *def)
{
    vr_post_parse_basics(def);
    vr_post_parse_disks(def);
    vr_post_parse_nets(def);
    vr_post_parse_chrs(def);
    vr_post_parse_controllers(def);
    vr_post_parse_implicit(def);
    return 0;
}
