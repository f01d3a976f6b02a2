/* qemu_command_chardev.c: serial ports, consoles and channels: one
 * -chardev back end (pty, file, unix socket) each, and the front end
 * (isa-serial, usb-serial, pci-serial, virtconsole, virtserialport).
 * A <console> of target type serial is the first serial port itself and
 * adds nothing.  Ids as libvirt: "charserial0"/"serial0", ...
 */
#include <config.h>

#include <string.h>

#include "conf/domain_enums.h"
#include "drivers/qemu/qemu_command_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

/* Add "-chardev BACKEND,id=char<alias>...".  Paths that are not given
 * default to <domain_dir>/<alias>.sock (sockets) or <log_path>/
 * NAME-<alias>.log (files). */
static int
add_chardev(QemuCmdCtx *ctx, const VrDomainChrDef *c, const char *alias)
{
    g_autofree char *path = g_strdup(c->path);

    if (c->type == VR_DOMAIN_CHR_TYPE_PTY) {
        vr_command_add_arg(ctx->cmd, "-chardev");
        vr_command_add_argf(ctx->cmd, "pty,id=char%s", alias);
        return 0;
    }
    if (!path && c->type == VR_DOMAIN_CHR_TYPE_UNIX && ctx->params->domain_dir)
        path = g_strdup_printf("%s/%s.sock", ctx->params->domain_dir, alias);
    if (!path && c->type == VR_DOMAIN_CHR_TYPE_FILE && ctx->params->log_path)
        path = g_strdup_printf("%s/%s-%s.log", ctx->params->log_path,
                               ctx->def->name, alias);
    if (!path) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "%s: a %s back end needs a source path", alias,
                        vr_domain_chr_type_to_string(c->type));
        return -1;
    }
    if (strchr(path, ',')) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "%s: path '%s' contains a comma", alias, path);
        return -1;
    }
    vr_command_add_arg(ctx->cmd, "-chardev");
    if (c->type == VR_DOMAIN_CHR_TYPE_FILE)
        vr_command_add_argf(ctx->cmd, "file,id=char%s,path=%s,append=on",
                            alias, path);
    else if (c->mode == VR_DOMAIN_CHR_MODE_CONNECT)
        vr_command_add_argf(ctx->cmd, "socket,id=char%s,path=%s", alias, path);
    else
        vr_command_add_argf(ctx->cmd, "socket,id=char%s,path=%s,server=on,"
                            "wait=off", alias, path);
    return 0;
}

static VrJson *
chr_device(const char *driver, const char *alias)
{
    VrJson *props = vr_json_new_object();
    g_autofree char *chardev = g_strdup_printf("char%s", alias);

    vr_json_object_set_string(props, "driver", driver);
    vr_json_object_set_string(props, "chardev", chardev);
    vr_json_object_set_string(props, "id", alias);
    return props;
}

static int
build_serial(QemuCmdCtx *ctx, guint i)
{
    const VrDomainChrDef *s = g_ptr_array_index(ctx->def->serials, i);
    g_autofree char *alias = g_strdup_printf("serial%u", i);
    VrJson *props;

    if (add_chardev(ctx, s, alias) < 0)
        return -1;
    switch (s->target_type) {
    case VR_DOMAIN_CHR_TARGET_USB_SERIAL:
        if (qemu_cmd_need_device(ctx->caps, "usb-serial", alias) < 0)
            return -1;
        props = chr_device("usb-serial", alias);
        vr_json_object_set_string(props, "bus", "usb.0");
        break;
    case VR_DOMAIN_CHR_TARGET_PCI_SERIAL:
        if (qemu_cmd_need_device(ctx->caps, "pci-serial", alias) < 0)
            return -1;
        props = chr_device("pci-serial", alias);
        qemu_pci_props(&ctx->plan, &ctx->plan.serials[i], props);
        break;
    default:
        props = chr_device("isa-serial", alias);
        vr_json_object_set_int(props, "index",
                               s->target_port >= 0 ? s->target_port : (int) i);
        break;
    }
    qemu_cmd_add_device(ctx, props);
    return 0;
}

static int
need_virtio_serial(QemuCmdCtx *ctx, unsigned int index, const char *alias)
{
    for (guint i = 0; i < ctx->def->controllers->len; i++) {
        const VrDomainControllerDef *c =
            g_ptr_array_index(ctx->def->controllers, i);

        if (c->type == VR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL &&
            c->index == index)
            return 0;
    }
    vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                    "%s: no virtio-serial controller with index %u", alias,
                    index);
    return -1;
}

static int
build_virtio_chr(QemuCmdCtx *ctx, const VrDomainChrDef *c, const char *alias)
{
    bool console = c->device == VR_DOMAIN_CHR_DEVICE_CONSOLE;
    unsigned int ctrl = c->addr.type == VR_DOMAIN_ADDR_VIRTIO_SERIAL ?
        c->addr.controller : 0;
    g_autofree char *bus = g_strdup_printf("virtio-serial%u.%u", ctrl,
                                           c->addr.bus);
    g_autofree char *chardev = g_strdup_printf("char%s", alias);
    VrJson *props;

    if (need_virtio_serial(ctx, ctrl, alias) < 0 ||
        add_chardev(ctx, c, alias) < 0)
        return -1;
    props = vr_json_new_object();
    vr_json_object_set_string(props, "driver",
                              console ? "virtconsole" : "virtserialport");
    vr_json_object_set_string(props, "bus", bus);
    if (!console && c->addr.type == VR_DOMAIN_ADDR_VIRTIO_SERIAL)
        vr_json_object_set_uint(props, "nr", c->addr.port);
    vr_json_object_set(props, "chardev",
                       vr_json_new_string(chardev));
    vr_json_object_set_string(props, "id", alias);
    if (!console && c->target_name)
        vr_json_object_set_string(props, "name", c->target_name);
    qemu_cmd_add_device(ctx, props);
    return 0;
}

int
qemu_cmd_build_chardevs(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;

    for (guint i = 0; i < def->serials->len; i++)
        if (build_serial(ctx, i) < 0)
            return -1;
    for (guint i = 0; i < def->consoles->len; i++) {
        const VrDomainChrDef *c = g_ptr_array_index(def->consoles, i);
        g_autofree char *alias = g_strdup_printf("console%u", i);

        if (c->target_type != VR_DOMAIN_CHR_TARGET_VIRTIO)
            continue;
        if (build_virtio_chr(ctx, c, alias) < 0)
            return -1;
    }
    for (guint i = 0; i < def->channels->len; i++) {
        const VrDomainChrDef *c = g_ptr_array_index(def->channels, i);
        g_autofree char *alias = g_strdup_printf("channel%u", i);

        if (c->target_type != VR_DOMAIN_CHR_TARGET_VIRTIO) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "%s: only virtio channels are supported", alias);
            return -1;
        }
        if (build_virtio_chr(ctx, c, alias) < 0)
            return -1;
    }
    return 0;
}
