/* domain_parse_devices.c: the <devices> part of domain XML -> VrDomainDef
 * (disks, controllers, interfaces, character devices, inputs, graphics,
 * video, memballoon, rng) and device addresses. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"

#define VR_ENUM_PROP(node, attr, enum_name, required, field) \
    do { \
        int v_ = (field); \
        if (vr_xml_prop_enum((node), (attr), enum_name##_from_string, \
                             (required), &v_) < 0) \
            return -1; \
        (field) = v_; \
    } while (0)

int
vr_mac_parse(const char *str, unsigned char mac[6])
{
    unsigned char out[6];
    const char *p = str;

    for (int i = 0; i < 6; i++) {
        int hi, lo;

        if (!p[0] || (hi = g_ascii_xdigit_value(p[0])) < 0 ||
            (lo = g_ascii_xdigit_value(p[1])) < 0)
            return -1;
        out[i] = hi << 4 | lo;
        p += 2;
        if (i < 5 && *p++ != ':')
            return -1;
    }
    if (*p)
        return -1;
    memcpy(mac, out, 6);
    return 0;
}

int
vr_domain_parse_address(xmlNode *node, VrDomainAddress *addr)
{
    xmlNode *a = vr_xml_child(node, "address");
    int type = 0;

    memset(addr, 0, sizeof(*addr));
    if (!a)
        return 0;
    if (vr_xml_prop_enum(a, "type", vr_domain_addr_from_string, true, &type) < 0)
        return -1;
    addr->type = type;
    switch (addr->type) {
    case VR_DOMAIN_ADDR_PCI:
        if (vr_xml_prop_uint(a, "domain", &addr->domain) < 0 ||
            vr_xml_prop_uint(a, "bus", &addr->bus) < 0 ||
            vr_xml_prop_uint(a, "slot", &addr->slot) < 0 ||
            vr_xml_prop_uint(a, "function", &addr->function) < 0 ||
            vr_xml_prop_bool(a, "multifunction", &addr->multifunction) < 0)
            return -1;
        if (addr->domain > 0xffff || addr->bus > 0xff || addr->slot > 0x1f ||
            addr->function > 7) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                            "PCI address %x:%x:%x.%x is out of range",
                            addr->domain, addr->bus, addr->slot, addr->function);
            return -1;
        }
        break;
    case VR_DOMAIN_ADDR_DRIVE:
        if (vr_xml_prop_uint(a, "controller", &addr->controller) < 0 ||
            vr_xml_prop_uint(a, "bus", &addr->bus) < 0 ||
            vr_xml_prop_uint(a, "target", &addr->target) < 0 ||
            vr_xml_prop_uint(a, "unit", &addr->unit) < 0)
            return -1;
        break;
    case VR_DOMAIN_ADDR_VIRTIO_SERIAL:
        if (vr_xml_prop_uint(a, "controller", &addr->controller) < 0 ||
            vr_xml_prop_uint(a, "bus", &addr->bus) < 0 ||
            vr_xml_prop_uint(a, "port", &addr->port) < 0)
            return -1;
        break;
    default:
        break;
    }
    return 0;
}

static int
vr_parse_boot_order(xmlNode *node, unsigned int *order)
{
    xmlNode *boot = vr_xml_child(node, "boot");

    if (!boot)
        return 0;
    if (vr_xml_prop_uint(boot, "order", order) <= 0 || *order == 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "<boot> of element '%s' needs an order attribute >= 1",
                        (const char *)node->name);
        return -1;
    }
    return 0;
}

static int
vr_parse_disk_driver(VrDomainDiskDef *disk, xmlNode *node)
{
    xmlNode *drv = vr_xml_child(node, "driver");

    if (!drv)
        return 0;
    disk->driver_name = vr_xml_prop(drv, "name");
    disk->driver_type = vr_xml_prop(drv, "type");
    VR_ENUM_PROP(drv, "cache", vr_domain_disk_cache, false, disk->cache);
    VR_ENUM_PROP(drv, "io", vr_domain_disk_io, false, disk->io);
    VR_ENUM_PROP(drv, "discard", vr_domain_disk_discard, false, disk->discard);
    return 0;
}

static int
vr_parse_disk_inner(VrDomainDiskDef *disk, xmlNode *node)
{
    xmlNode *src = vr_xml_child(node, "source");
    xmlNode *tgt = vr_xml_child(node, "target");

    VR_ENUM_PROP(node, "type", vr_domain_disk_type, false, disk->type);
    VR_ENUM_PROP(node, "device", vr_domain_disk_device, false, disk->device);
    if (vr_parse_disk_driver(disk, node) < 0)
        return -1;
    if (src && disk->type == VR_DOMAIN_DISK_TYPE_FILE)
        disk->src_path = vr_xml_prop(src, "file");
    else if (src && disk->type == VR_DOMAIN_DISK_TYPE_BLOCK)
        disk->src_path = vr_xml_prop(src, "dev");
    else if (src) {
        disk->src_pool = vr_xml_prop(src, "pool");
        disk->src_volume = vr_xml_prop(src, "volume");
    }
    if (!tgt || !(disk->dst = vr_xml_prop(tgt, "dev"))) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "missing <target dev='...'/> in <disk>");
        return -1;
    }
    VR_ENUM_PROP(tgt, "bus", vr_domain_disk_bus, false, disk->bus);
    disk->readonly = vr_xml_child(node, "readonly") != NULL;
    disk->shareable = vr_xml_child(node, "shareable") != NULL;
    disk->serial = vr_xml_child_text(node, "serial");
    if (vr_parse_boot_order(node, &disk->boot_order) < 0)
        return -1;
    return vr_domain_parse_address(node, &disk->addr);
}

static int
vr_parse_disk(VrDomainDef *def, xmlNode *node)
{
    VrDomainDiskDef *disk = g_new0(VrDomainDiskDef, 1);

    g_ptr_array_add(def->disks, disk);
    return vr_parse_disk_inner(disk, node);
}

static int
vr_parse_controller(VrDomainDef *def, xmlNode *node)
{
    VrDomainControllerDef *ctrl = g_new0(VrDomainControllerDef, 1);
    unsigned int next = 0;

    g_ptr_array_add(def->controllers, ctrl);
    VR_ENUM_PROP(node, "type", vr_domain_controller_type, true, ctrl->type);
    for (guint i = 0; i + 1 < def->controllers->len; i++) {
        VrDomainControllerDef *o = g_ptr_array_index(def->controllers, i);

        if (o->type == ctrl->type && o->index >= next)
            next = o->index + 1;
    }
    ctrl->index = next;
    if (vr_xml_prop_uint(node, "index", &ctrl->index) < 0)
        return -1;
    ctrl->model = vr_xml_prop(node, "model");
    return vr_domain_parse_address(node, &ctrl->addr);
}

static int
vr_parse_net_inner(VrDomainNetDef *net, xmlNode *node)
{
    xmlNode *mac = vr_xml_child(node, "mac");
    xmlNode *src = vr_xml_child(node, "source");
    xmlNode *model = vr_xml_child(node, "model");
    xmlNode *tgt = vr_xml_child(node, "target");

    VR_ENUM_PROP(node, "type", vr_domain_net_type, true, net->type);
    if (mac) {
        g_autofree char *addr = vr_xml_prop(mac, "address");

        if (!addr || vr_mac_parse(addr, net->mac) < 0) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                            "unable to parse mac address '%s'",
                            addr ? addr : "");
            return -1;
        }
        net->mac_set = true;
    }
    if (src && net->type == VR_DOMAIN_NET_TYPE_NETWORK)
        net->source = vr_xml_prop(src, "network");
    else if (src && net->type == VR_DOMAIN_NET_TYPE_BRIDGE)
        net->source = vr_xml_prop(src, "bridge");
    if (model)
        net->model = vr_xml_prop(model, "type");
    if (tgt)
        net->target_dev = vr_xml_prop(tgt, "dev");
    if (vr_parse_boot_order(node, &net->boot_order) < 0)
        return -1;
    return vr_domain_parse_address(node, &net->addr);
}

static int
vr_parse_net(VrDomainDef *def, xmlNode *node)
{
    VrDomainNetDef *net = g_new0(VrDomainNetDef, 1);

    g_ptr_array_add(def->nets, net);
    return vr_parse_net_inner(net, node);
}

static int
vr_parse_chr(GPtrArray *list, VrDomainChrDevice device, xmlNode *node)
{
    VrDomainChrDef *chr = g_new0(VrDomainChrDef, 1);
    xmlNode *src = vr_xml_child(node, "source");
    xmlNode *tgt = vr_xml_child(node, "target");

    g_ptr_array_add(list, chr);
    chr->device = device;
    chr->target_port = -1;
    VR_ENUM_PROP(node, "type", vr_domain_chr_type, false, chr->type);
    /* A pty's path is live state (the /dev/pts node QEMU allocated): kept
     * so status XML round-trips, formatted only in live XML. */
    if (src)
        chr->path = vr_xml_prop(src, "path");
    if (src && chr->type != VR_DOMAIN_CHR_TYPE_PTY)
        VR_ENUM_PROP(src, "mode", vr_domain_chr_mode, false, chr->mode);
    if (tgt) {
        VR_ENUM_PROP(tgt, "type", vr_domain_chr_target, false, chr->target_type);
        if (vr_xml_prop_int(tgt, "port", &chr->target_port) < 0)
            return -1;
        chr->target_name = vr_xml_prop(tgt, "name");
    }
    return vr_domain_parse_address(node, &chr->addr);
}

static int
vr_parse_input(VrDomainDef *def, xmlNode *node)
{
    VrDomainInputDef *input = g_new0(VrDomainInputDef, 1);

    g_ptr_array_add(def->inputs, input);
    VR_ENUM_PROP(node, "type", vr_domain_input_type, true, input->type);
    VR_ENUM_PROP(node, "bus", vr_domain_input_bus, false, input->bus);
    return vr_domain_parse_address(node, &input->addr);
}

static int
vr_parse_graphics(VrDomainDef *def, xmlNode *node)
{
    VrDomainGraphicsDef *gfx = g_new0(VrDomainGraphicsDef, 1);
    xmlNode *listen = vr_xml_child(node, "listen");

    g_ptr_array_add(def->graphics, gfx);
    gfx->port = -1;
    VR_ENUM_PROP(node, "type", vr_domain_graphics_type, true, gfx->type);
    if (vr_xml_prop_int(node, "port", &gfx->port) < 0 ||
        vr_xml_prop_bool(node, "autoport", &gfx->autoport) < 0)
        return -1;
    if (gfx->port == -1)
        gfx->autoport = true;
    gfx->listen = vr_xml_prop(node, "listen");
    if (!gfx->listen && listen)
        gfx->listen = vr_xml_prop(listen, "address");
    gfx->passwd = vr_xml_prop(node, "passwd");
    return 0;
}

static int
vr_parse_video(VrDomainDef *def, xmlNode *node)
{
    VrDomainVideoDef *video = g_new0(VrDomainVideoDef, 1);
    xmlNode *model = vr_xml_child(node, "model");

    g_ptr_array_add(def->videos, video);
    if (model) {
        VR_ENUM_PROP(model, "type", vr_domain_video_type, false, video->type);
        if (vr_xml_prop_uint(model, "vram", &video->vram) < 0 ||
            vr_xml_prop_uint(model, "heads", &video->heads) < 0 ||
            vr_xml_prop_bool(model, "primary", &video->primary) < 0)
            return -1;
    }
    return vr_domain_parse_address(node, &video->addr);
}

static int
vr_parse_memballoon(VrDomainDef *def, xmlNode *node)
{
    g_free(def->memballoon);
    def->memballoon = g_new0(VrDomainMemballoonDef, 1);
    VR_ENUM_PROP(node, "model", vr_domain_memballoon_model, true,
                 def->memballoon->model);
    return vr_domain_parse_address(node, &def->memballoon->addr);
}

static int
vr_parse_rng(VrDomainDef *def, xmlNode *node)
{
    VrDomainRngDef *rng = g_new0(VrDomainRngDef, 1);
    xmlNode *backend = vr_xml_child(node, "backend");

    g_ptr_array_add(def->rngs, rng);
    VR_ENUM_PROP(node, "model", vr_domain_rng_model, true, rng->model);
    if (!backend) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "missing <backend> in <rng>");
        return -1;
    }
    VR_ENUM_PROP(backend, "model", vr_domain_rng_backend, true, rng->backend);
    rng->source = g_strstrip(vr_xml_text(backend));
    if (!*rng->source)
        g_clear_pointer(&rng->source, g_free);
    return vr_domain_parse_address(node, &rng->addr);
}

static int
vr_parse_device(VrDomainDef *def, xmlNode *c)
{
    const char *n = (const char *)c->name;

    if (!strcmp(n, "disk"))
        return vr_parse_disk(def, c);
    if (!strcmp(n, "controller"))
        return vr_parse_controller(def, c);
    if (!strcmp(n, "interface"))
        return vr_parse_net(def, c);
    if (!strcmp(n, "serial"))
        return vr_parse_chr(def->serials, VR_DOMAIN_CHR_DEVICE_SERIAL, c);
    if (!strcmp(n, "console"))
        return vr_parse_chr(def->consoles, VR_DOMAIN_CHR_DEVICE_CONSOLE, c);
    if (!strcmp(n, "channel"))
        return vr_parse_chr(def->channels, VR_DOMAIN_CHR_DEVICE_CHANNEL, c);
    if (!strcmp(n, "input"))
        return vr_parse_input(def, c);
    if (!strcmp(n, "graphics"))
        return vr_parse_graphics(def, c);
    if (!strcmp(n, "video"))
        return vr_parse_video(def, c);
    if (!strcmp(n, "memballoon"))
        return vr_parse_memballoon(def, c);
    if (!strcmp(n, "rng"))
        return vr_parse_rng(def, c);
    return 0;   /* unknown devices are dropped, as libvirt drops them */
}

int
vr_domain_parse_devices(VrDomainDef *def, xmlNode *devices)
{
    for (xmlNode *c = devices->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && vr_parse_device(def, c) < 0)
            return -1;
    }
    return 0;
}
