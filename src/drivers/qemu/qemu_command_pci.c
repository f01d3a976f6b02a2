/* qemu_command_pci.c: PCI address assignment for the command line.
 *
 * Everything sits on the root bus (pci.0 on pc, pcie.0 on q35; on q35
 * devices are integrated endpoints instead of libvirt's root ports, a
 * simplification: no PCIe hotplug).  Slot 0 is the host bridge; on pc
 * slot 1 is the PIIX3 (ISA, IDE, ACPI; function 2 is the UHCI
 * controller) and slot 2 is kept for the primary video card, as libvirt
 * does; on q35 slot 1 is the primary video and 0x1f the ICH9 functions.
 * Explicit addresses are honoured; the rest get the lowest free slot in
 * libvirt's device order: controllers, NICs, disks, other video cards,
 * balloon, RNGs, inputs, serial ports.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_command_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

#define PCI_SLOTS 32

typedef struct {
    const VrDomainAddress *addr;
    QemuPciAddr *out;
    bool primary_video;
    bool piix_usb;
} PciItem;

typedef struct {
    guint8 used[PCI_SLOTS];    /* bitmask of functions per slot */
    GArray *items;             /* PciItem, in assignment order */
} PciState;

bool
qemu_machine_is_q35(const char *machine_name)
{
    return machine_name && (g_str_equal(machine_name, "q35") ||
                            g_str_has_prefix(machine_name, "pc-q35"));
}

static bool
controller_is_pci(const VrDomainControllerDef *c, bool q35)
{
    switch (c->type) {
    case VR_DOMAIN_CONTROLLER_TYPE_USB:
        return g_strcmp0(c->model, "none") != 0;
    case VR_DOMAIN_CONTROLLER_TYPE_SCSI:
    case VR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return true;
    case VR_DOMAIN_CONTROLLER_TYPE_SATA:
        return !(q35 && c->index == 0);
    default:
        return false;
    }
}

static bool
video_is_pci(const VrDomainVideoDef *v)
{
    return v->type != VR_DOMAIN_VIDEO_TYPE_RAMFB &&
           v->type != VR_DOMAIN_VIDEO_TYPE_NONE;
}

static void
add_item(PciState *st, const VrDomainAddress *addr, QemuPciAddr *out)
{
    PciItem it = { .addr = addr, .out = out };

    g_array_append_val(st->items, it);
}

static QemuPciAddr *
new_addrs(size_t n)
{
    QemuPciAddr *a = g_new0(QemuPciAddr, MAX(n, 1));

    for (size_t i = 0; i < MAX(n, 1); i++)
        a[i].slot = -1;
    return a;
}

static void
collect_items(const VrDomainDef *def, QemuPciPlan *plan, PciState *st)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const VrDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (!controller_is_pci(c, plan->q35))
            continue;
        add_item(st, &c->addr, &plan->controllers[i]);
        if (!plan->q35 && c->type == VR_DOMAIN_CONTROLLER_TYPE_USB &&
            c->index == 0 && (!c->model || g_str_equal(c->model, "piix3-uhci")
                              || g_str_equal(c->model, "piix4-uhci")))
            g_array_index(st->items, PciItem, st->items->len - 1).piix_usb =
                true;
    }
    for (guint i = 0; i < def->nets->len; i++)
        add_item(st, &((VrDomainNetDef *) g_ptr_array_index(def->nets, i))->addr,
                 &plan->nets[i]);
    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->bus == VR_DOMAIN_DISK_BUS_VIRTIO)
            add_item(st, &d->addr, &plan->disks[i]);
    }
    for (guint i = 0; i < def->videos->len; i++) {
        const VrDomainVideoDef *v = g_ptr_array_index(def->videos, i);

        if (!video_is_pci(v))
            continue;
        add_item(st, &v->addr, &plan->videos[i]);
        g_array_index(st->items, PciItem, st->items->len - 1).primary_video =
            (i == 0);
    }
    if (def->memballoon &&
        def->memballoon->model == VR_DOMAIN_MEMBALLOON_VIRTIO)
        add_item(st, &def->memballoon->addr, &plan->balloon);
    for (guint i = 0; i < def->rngs->len; i++)
        add_item(st, &((VrDomainRngDef *) g_ptr_array_index(def->rngs, i))->addr,
                 &plan->rngs[i]);
    for (guint i = 0; i < def->inputs->len; i++) {
        const VrDomainInputDef *in = g_ptr_array_index(def->inputs, i);

        if (in->bus == VR_DOMAIN_INPUT_BUS_VIRTIO)
            add_item(st, &in->addr, &plan->inputs[i]);
    }
    for (guint i = 0; i < def->serials->len; i++) {
        const VrDomainChrDef *s = g_ptr_array_index(def->serials, i);

        if (s->target_type == VR_DOMAIN_CHR_TARGET_PCI_SERIAL)
            add_item(st, &s->addr, &plan->serials[i]);
    }
}

static int
take_explicit(PciState *st, const PciItem *it)
{
    const VrDomainAddress *a = it->addr;

    if (a->domain != 0 || a->bus != 0) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "PCI address %04x:%02x:%02x.%x: only bus 0 is "
                        "supported", a->domain, a->bus, a->slot, a->function);
        return -1;
    }
    if (a->slot >= PCI_SLOTS || a->function > 7 || a->slot == 0) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "PCI address 0000:00:%02x.%x is not usable",
                        a->slot, a->function);
        return -1;
    }
    if (st->used[a->slot] & (1u << a->function)) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "PCI address 0000:00:%02x.%x is already in use",
                        a->slot, a->function);
        return -1;
    }
    st->used[a->slot] |= 1u << a->function;
    it->out->slot = (int) a->slot;
    it->out->function = (int) a->function;
    it->out->multifunction = a->multifunction;
    return 0;
}

static bool
take_slot(PciState *st, QemuPciAddr *out, int slot, int function)
{
    if (slot < 0 || slot >= PCI_SLOTS || (st->used[slot] & (1u << function)))
        return false;
    if (function == 0 && st->used[slot])
        return false;
    st->used[slot] |= 1u << function;
    out->slot = slot;
    out->function = function;
    return true;
}

static int
take_free(PciState *st, QemuPciAddr *out, int first)
{
    for (int slot = first; slot < PCI_SLOTS; slot++)
        if (take_slot(st, out, slot, 0))
            return 0;
    vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                    "no free PCI slot left on the root bus");
    return -1;
}

static int
assign(PciState *st, bool q35)
{
    PciItem *items = (PciItem *) st->items->data;

    for (guint i = 0; i < st->items->len; i++)
        if (items[i].addr->type == VR_DOMAIN_ADDR_PCI &&
            take_explicit(st, &items[i]) < 0)
            return -1;
    /* Fixed places first (primary video, the PIIX3's UHCI) ... */
    for (guint i = 0; i < st->items->len; i++) {
        if (items[i].out->slot >= 0)
            continue;
        if (items[i].primary_video)
            take_slot(st, items[i].out, q35 ? 1 : 2, 0);
        else if (items[i].piix_usb)
            take_slot(st, items[i].out, 1, 2);
    }
    /* ... then everything else in order (pc keeps slot 2 for video). */
    for (guint i = 0; i < st->items->len; i++)
        if (items[i].out->slot < 0 &&
            take_free(st, items[i].out, q35 ? 2 : 3) < 0)
            return -1;
    return 0;
}

int
qemu_pci_plan_build(const VrDomainDef *def, bool q35, QemuPciPlan *plan)
{
    PciState st = { 0 };
    int rc;

    memset(plan, 0, sizeof(*plan));
    plan->q35 = q35;
    plan->bus = q35 ? "pcie.0" : "pci.0";
    plan->controllers = new_addrs(def->controllers->len);
    plan->disks = new_addrs(def->disks->len);
    plan->nets = new_addrs(def->nets->len);
    plan->videos = new_addrs(def->videos->len);
    plan->inputs = new_addrs(def->inputs->len);
    plan->serials = new_addrs(def->serials->len);
    plan->rngs = new_addrs(def->rngs->len);
    plan->balloon.slot = -1;
    st.used[0] = 0xff;
    if (q35)
        st.used[0x1f] = 0xff;
    else
        st.used[1] = 0xff & ~(1u << 2);
    st.items = g_array_new(FALSE, FALSE, sizeof(PciItem));
    collect_items(def, plan, &st);
    rc = assign(&st, q35);
    g_array_free(st.items, TRUE);
    if (rc < 0)
        qemu_pci_plan_clear(plan);
    return rc;
}

void
qemu_pci_plan_clear(QemuPciPlan *plan)
{
    g_clear_pointer(&plan->controllers, g_free);
    g_clear_pointer(&plan->disks, g_free);
    g_clear_pointer(&plan->nets, g_free);
    g_clear_pointer(&plan->videos, g_free);
    g_clear_pointer(&plan->inputs, g_free);
    g_clear_pointer(&plan->serials, g_free);
    g_clear_pointer(&plan->rngs, g_free);
}

void
qemu_pci_props(const QemuPciPlan *plan, const QemuPciAddr *addr,
               VrJson *props)
{
    char buf[16];

    if (addr->slot < 0)
        return;
    vr_json_object_set_string(props, "bus", plan->bus);
    if (addr->function)
        g_snprintf(buf, sizeof(buf), "0x%x.0x%x", addr->slot, addr->function);
    else
        g_snprintf(buf, sizeof(buf), "0x%x", addr->slot);
    vr_json_object_set_string(props, "addr", buf);
    if (addr->multifunction)
        vr_json_object_set_string(props, "multifunction", "on");
}

int
qemu_pci_plan_for_def(const VrDomainDef *def, const QemuCaps *caps,
                      QemuPciPlan *plan)
{
    const QemuCapsMachine *m = qemu_caps_find_machine(caps, def->os_machine);
    const char *name = m ? m->name : def->os_machine;

    return qemu_pci_plan_build(def, qemu_machine_is_q35(name), plan);
}
