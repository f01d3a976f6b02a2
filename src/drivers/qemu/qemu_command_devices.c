/* qemu_command_devices.c: the smaller device families on the command
 * line: controllers (USB, SCSI, SATA, virtio-serial), inputs, graphics
 * (-vnc / -spice), video cards, the memory balloon and RNGs.
 */
#include <config.h>

#include <string.h>

#include "conf/domain_enums.h"
#include "drivers/qemu/qemu_command_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

static VrJson *
new_device(const char *driver, const char *id)
{
    VrJson *props = vr_json_new_object();

    vr_json_object_set_string(props, "driver", driver);
    vr_json_object_set_string(props, "id", id);
    return props;
}

static const char *
usb_driver(const char *model)
{
    static const char *const map[][2] = {
        { "piix3-uhci", "piix3-usb-uhci" }, { "piix4-uhci", "piix4-usb-uhci" },
        { "qemu-xhci", "qemu-xhci" }, { "nec-xhci", "nec-usb-xhci" },
        { "ich9-ehci1", "ich9-usb-ehci1" },
    };

    if (!model)
        return "piix3-usb-uhci";
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (g_str_equal(model, map[i][0]))
            return map[i][1];
    return NULL;
}

/* The QEMU device and id of controller @c, or *driver NULL when it is
 * built into the machine.  Reports unsupported models. */
static int
controller_driver(const VrDomainControllerDef *c, bool q35,
                  const char **driver, char **id)
{
    const char *type = vr_domain_controller_type_to_string(c->type);

    *driver = NULL;
    switch (c->type) {
    case VR_DOMAIN_CONTROLLER_TYPE_USB:
        if (g_strcmp0(c->model, "none") == 0)
            return 0;
        *driver = usb_driver(c->model);
        *id = c->index ? g_strdup_printf("usb%u", c->index) : g_strdup("usb");
        break;
    case VR_DOMAIN_CONTROLLER_TYPE_SCSI:
        *driver = !c->model || g_str_equal(c->model, "lsilogic") ? "lsi53c895a" :
                  g_str_equal(c->model, "virtio-scsi") ? "virtio-scsi-pci" :
                  NULL;
        *id = g_strdup_printf("scsi%u", c->index);
        break;
    case VR_DOMAIN_CONTROLLER_TYPE_SATA:
        if (q35 && c->index == 0)
            return 0;
        *driver = "ich9-ahci";
        *id = g_strdup_printf("sata%u", c->index);
        break;
    case VR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        *driver = "virtio-serial-pci";
        *id = g_strdup_printf("virtio-serial%u", c->index);
        break;
    case VR_DOMAIN_CONTROLLER_TYPE_IDE:
        if (!q35 && c->index == 0)
            return 0;
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "controller 'ide' index %u: only the built-in IDE "
                        "controller of machine type pc is supported",
                        c->index);
        return -1;
    case VR_DOMAIN_CONTROLLER_TYPE_PCI:
        if (!c->model || g_str_equal(c->model, "pci-root") ||
            g_str_equal(c->model, "pcie-root"))
            return 0;
        break;
    default:
        return 0;
    }
    if (!*driver) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "controller '%s' model '%s' is not supported", type,
                        c->model ? c->model : "");
        return -1;
    }
    return 0;
}

int
qemu_cmd_build_controllers(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;

    for (guint i = 0; i < def->controllers->len; i++) {
        const VrDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        const char *driver;
        g_autofree char *id = NULL;
        g_autofree char *what = NULL;
        VrJson *props;

        if (controller_driver(c, ctx->plan.q35, &driver, &id) < 0)
            return -1;
        if (!driver)
            continue;
        what = g_strdup_printf("controller '%s'", id);
        if (qemu_cmd_need_device(ctx->caps, driver, what) < 0)
            return -1;
        props = new_device(driver, id);
        qemu_pci_props(&ctx->plan, &ctx->plan.controllers[i], props);
        qemu_cmd_add_device(ctx, props);
    }
    return 0;
}

static bool
has_usb(const VrDomainDef *def)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const VrDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == VR_DOMAIN_CONTROLLER_TYPE_USB &&
            g_strcmp0(c->model, "none") != 0)
            return true;
    }
    return false;
}

int
qemu_cmd_build_inputs(QemuCmdCtx *ctx)
{
    static const char *const usb[] = { "usb-mouse", "usb-tablet", "usb-kbd" };
    static const char *const virtio[] = { "virtio-mouse-pci",
                                          "virtio-tablet-pci",
                                          "virtio-keyboard-pci" };
    const VrDomainDef *def = ctx->def;

    for (guint i = 0; i < def->inputs->len; i++) {
        const VrDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        g_autofree char *id = g_strdup_printf("input%u", i);
        const char *driver;
        VrJson *props;

        if (in->bus == VR_DOMAIN_INPUT_BUS_USB && !has_usb(def)) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "input '%s': bus 'usb' needs a USB controller",
                            vr_domain_input_type_to_string(in->type));
            return -1;
        }
        if (in->bus == VR_DOMAIN_INPUT_BUS_USB)
            driver = usb[in->type];
        else if (in->bus == VR_DOMAIN_INPUT_BUS_VIRTIO)
            driver = virtio[in->type];
        else
            continue;   /* PS/2 is part of the machine */
        if (qemu_cmd_need_device(ctx->caps, driver, id) < 0)
            return -1;
        props = new_device(driver, id);
        if (in->bus == VR_DOMAIN_INPUT_BUS_USB)
            vr_json_object_set_string(props, "bus", "usb.0");
        else
            qemu_pci_props(&ctx->plan, &ctx->plan.inputs[i], props);
        qemu_cmd_add_device(ctx, props);
    }
    return 0;
}

static int
build_vnc(QemuCmdCtx *ctx, const VrDomainGraphicsDef *g)
{
    const char *listen = g->listen ? g->listen : "127.0.0.1";
    g_autofree char *host = strchr(listen, ':') ?
        g_strdup_printf("[%s]", listen) : g_strdup(listen);
    g_autoptr(GString) opt = g_string_new(host);

    if (g->autoport || g->port < 0) {
        /* No I/O here: QEMU itself takes the first free display. */
        g_string_append(opt, ":0,to=99");
    } else if (g->port < 5900) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "graphics 'vnc': port %d is below 5900", g->port);
        return -1;
    } else {
        g_string_append_printf(opt, ":%d", g->port - 5900);
    }
    /* The password itself is set over QMP once QEMU runs. */
    if (g->passwd)
        g_string_append(opt, ",password=on");
    vr_command_add_arg_pair(ctx->cmd, "-vnc", opt->str);
    return 0;
}

static int
build_spice(QemuCmdCtx *ctx, const VrDomainGraphicsDef *g)
{
    g_autoptr(GString) opt = g_string_new(NULL);

    if (!qemu_caps_has_command(ctx->caps, "query-spice")) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "graphics 'spice' is not supported by QEMU binary "
                        "'%s'", qemu_caps_binary(ctx->caps));
        return -1;
    }
    if (g->autoport || g->port < 0) {
        /* No free-port search in a pure builder: a UNIX socket instead. */
        if (!ctx->params->domain_dir) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "graphics 'spice' with autoport needs a domain "
                            "directory");
            return -1;
        }
        g_string_append_printf(opt, "unix=on,addr=%s/spice.sock",
                               ctx->params->domain_dir);
    } else {
        g_string_append_printf(opt, "port=%d,addr=%s", g->port,
                               g->listen ? g->listen : "127.0.0.1");
    }
    g_string_append(opt, g->passwd ? "" : ",disable-ticketing=on");
    g_string_append(opt, ",seamless-migration=on");
    vr_command_add_arg_pair(ctx->cmd, "-spice", opt->str);
    return 0;
}

int
qemu_cmd_build_graphics(QemuCmdCtx *ctx)
{
    for (guint i = 0; i < ctx->def->graphics->len; i++) {
        const VrDomainGraphicsDef *g = g_ptr_array_index(ctx->def->graphics, i);
        int rc = g->type == VR_DOMAIN_GRAPHICS_TYPE_SPICE ?
            build_spice(ctx, g) : build_vnc(ctx, g);

        if (rc < 0)
            return -1;
    }
    return 0;
}

static const char *
video_driver(const VrDomainVideoDef *v, bool primary)
{
    switch (v->type) {
    case VR_DOMAIN_VIDEO_TYPE_VGA:
        return "VGA";
    case VR_DOMAIN_VIDEO_TYPE_CIRRUS:
        return "cirrus-vga";
    case VR_DOMAIN_VIDEO_TYPE_QXL:
        return primary ? "qxl-vga" : "qxl";
    case VR_DOMAIN_VIDEO_TYPE_VIRTIO:
        return primary ? "virtio-vga" : "virtio-gpu-pci";
    case VR_DOMAIN_VIDEO_TYPE_BOCHS:
        return "bochs-display";
    case VR_DOMAIN_VIDEO_TYPE_RAMFB:
        return "ramfb";
    default:
        return NULL;
    }
}

int
qemu_cmd_build_videos(QemuCmdCtx *ctx)
{
    for (guint i = 0; i < ctx->def->videos->len; i++) {
        const VrDomainVideoDef *v = g_ptr_array_index(ctx->def->videos, i);
        const char *driver = video_driver(v, i == 0);
        g_autofree char *id = g_strdup_printf("video%u", i);
        VrJson *props;

        if (!driver)
            continue;
        if (qemu_cmd_need_device(ctx->caps, driver, id) < 0)
            return -1;
        props = new_device(driver, id);
        if (v->type == VR_DOMAIN_VIDEO_TYPE_VGA && v->vram)
            vr_json_object_set_uint(props, "vgamem_mb", v->vram / 1024);
        if (v->type == VR_DOMAIN_VIDEO_TYPE_QXL) {
            vr_json_object_set_uint(props, "vram_size", v->vram * 1024ULL);
            vr_json_object_set_uint(props, "max_outputs", MAX(v->heads, 1));
        }
        if (v->type == VR_DOMAIN_VIDEO_TYPE_VIRTIO && v->heads > 1)
            vr_json_object_set_uint(props, "max_outputs", v->heads);
        qemu_pci_props(&ctx->plan, &ctx->plan.videos[i], props);
        qemu_cmd_add_device(ctx, props);
    }
    return 0;
}

int
qemu_cmd_build_balloon_rng(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;

    if (def->memballoon && def->memballoon->model == VR_DOMAIN_MEMBALLOON_VIRTIO) {
        VrJson *props = new_device("virtio-balloon-pci", "balloon0");

        qemu_pci_props(&ctx->plan, &ctx->plan.balloon, props);
        qemu_cmd_add_device(ctx, props);
    }
    for (guint i = 0; i < def->rngs->len; i++) {
        const VrDomainRngDef *r = g_ptr_array_index(def->rngs, i);
        g_autofree char *obj_id = g_strdup_printf("objrng%u", i);
        g_autofree char *id = g_strdup_printf("rng%u", i);
        VrJson *obj, *props;

        if (qemu_cmd_need_device(ctx->caps, "virtio-rng-pci", id) < 0)
            return -1;
        obj = vr_json_new_object();
        vr_json_object_set_string(obj, "qom-type", "rng-random");
        vr_json_object_set_string(obj, "id", obj_id);
        vr_json_object_set_string(obj, "filename",
                                  r->source ? r->source : "/dev/urandom");
        qemu_cmd_add_json(ctx, "-object", obj);
        props = vr_json_new_object();
        vr_json_object_set_string(props, "driver", "virtio-rng-pci");
        vr_json_object_set_string(props, "rng", obj_id);
        vr_json_object_set_string(props, "id", id);
        qemu_pci_props(&ctx->plan, &ctx->plan.rngs[i], props);
        qemu_cmd_add_device(ctx, props);
    }
    return 0;
}
