/* domain_format_devices.c: the <devices> element of domain XML, in
 * libvirt's device order (emulator, disk, controller, interface, serial,
 * console, channel, input, graphics, video, memballoon, rng). */
#include <config.h>

#include "conf/domain_conf_priv.h"
#include "conf/xml_util.h"

/* Indentation levels inside <devices> (devices at 2, children at 3). */
#define DEV 2
#define SUB 3

static void
vr_format_address(GString *buf, const VrDomainAddress *a)
{
    if (a->type == VR_DOMAIN_ADDR_NONE)
        return;
    vr_xml_indent(buf, SUB);
    g_string_append_printf(buf, "<address type='%s'",
                           vr_domain_addr_to_string(a->type));
    switch (a->type) {
    case VR_DOMAIN_ADDR_PCI:
        g_string_append_printf(buf, " domain='0x%04x' bus='0x%02x' "
                               "slot='0x%02x' function='0x%x'",
                               a->domain, a->bus, a->slot, a->function);
        if (a->multifunction)
            g_string_append(buf, " multifunction='on'");
        break;
    case VR_DOMAIN_ADDR_DRIVE:
        g_string_append_printf(buf, " controller='%u' bus='%u' target='%u' "
                               "unit='%u'", a->controller, a->bus, a->target,
                               a->unit);
        break;
    case VR_DOMAIN_ADDR_VIRTIO_SERIAL:
        g_string_append_printf(buf, " controller='%u' bus='%u' port='%u'",
                               a->controller, a->bus, a->port);
        break;
    default:
        break;
    }
    g_string_append(buf, "/>\n");
}

static void
vr_format_boot(GString *buf, unsigned int order)
{
    if (!order)
        return;
    vr_xml_indent(buf, SUB);
    g_string_append_printf(buf, "<boot order='%u'/>\n", order);
}

static void
vr_format_disk_source(GString *buf, const VrDomainDiskDef *d)
{
    if (!d->src_path && !d->src_pool)
        return;
    vr_xml_indent(buf, SUB);
    g_string_append(buf, "<source");
    if (d->type == VR_DOMAIN_DISK_TYPE_FILE)
        vr_xml_attr(buf, "file", d->src_path);
    else if (d->type == VR_DOMAIN_DISK_TYPE_BLOCK)
        vr_xml_attr(buf, "dev", d->src_path);
    else {
        vr_xml_attr(buf, "pool", d->src_pool);
        vr_xml_attr(buf, "volume", d->src_volume);
    }
    g_string_append(buf, "/>\n");
}

static void
vr_format_disk(GString *buf, const VrDomainDiskDef *d)
{
    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "<disk type='%s' device='%s'>\n",
                           vr_domain_disk_type_to_string(d->type),
                           vr_domain_disk_device_to_string(d->device));
    if (d->driver_name || d->driver_type || d->cache || d->io || d->discard) {
        vr_xml_indent(buf, SUB);
        g_string_append(buf, "<driver");
        vr_xml_attr(buf, "name", d->driver_name);
        vr_xml_attr(buf, "type", d->driver_type);
        if (d->cache)
            vr_xml_attr(buf, "cache", vr_domain_disk_cache_to_string(d->cache));
        if (d->io)
            vr_xml_attr(buf, "io", vr_domain_disk_io_to_string(d->io));
        if (d->discard)
            vr_xml_attr(buf, "discard",
                        vr_domain_disk_discard_to_string(d->discard));
        g_string_append(buf, "/>\n");
    }
    vr_format_disk_source(buf, d);
    vr_xml_indent(buf, SUB);
    g_string_append(buf, "<target");
    vr_xml_attr(buf, "dev", d->dst);
    if (d->bus)
        vr_xml_attr(buf, "bus", vr_domain_disk_bus_to_string(d->bus));
    g_string_append(buf, "/>\n");
    if (d->readonly)
        g_string_append(buf, "      <readonly/>\n");
    if (d->shareable)
        g_string_append(buf, "      <shareable/>\n");
    vr_xml_elem_text(buf, SUB, "serial", d->serial);
    vr_format_boot(buf, d->boot_order);
    vr_format_address(buf, &d->addr);
    g_string_append(buf, "    </disk>\n");
}

static void
vr_format_controller(GString *buf, const VrDomainControllerDef *c)
{
    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "<controller type='%s' index='%u'",
                           vr_domain_controller_type_to_string(c->type),
                           c->index);
    vr_xml_attr(buf, "model", c->model);
    if (c->addr.type == VR_DOMAIN_ADDR_NONE) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vr_format_address(buf, &c->addr);
    g_string_append(buf, "    </controller>\n");
}

static void
vr_format_net(GString *buf, const VrDomainNetDef *n)
{
    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "<interface type='%s'>\n",
                           vr_domain_net_type_to_string(n->type));
    if (n->mac_set)
        g_string_append_printf(buf, "      <mac address='%02x:%02x:%02x:%02x:"
                               "%02x:%02x'/>\n", n->mac[0], n->mac[1],
                               n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    if (n->source) {
        vr_xml_indent(buf, SUB);
        g_string_append(buf, "<source");
        vr_xml_attr(buf, n->type == VR_DOMAIN_NET_TYPE_NETWORK ?
                    "network" : "bridge", n->source);
        g_string_append(buf, "/>\n");
    }
    if (n->target_dev) {
        vr_xml_indent(buf, SUB);
        g_string_append(buf, "<target");
        vr_xml_attr(buf, "dev", n->target_dev);
        g_string_append(buf, "/>\n");
    }
    if (n->model) {
        vr_xml_indent(buf, SUB);
        g_string_append(buf, "<model");
        vr_xml_attr(buf, "type", n->model);
        g_string_append(buf, "/>\n");
    }
    vr_format_boot(buf, n->boot_order);
    vr_format_address(buf, &n->addr);
    g_string_append(buf, "    </interface>\n");
}

static void
vr_format_chr(GString *buf, const VrDomainChrDef *c, unsigned int flags)
{
    const char *elem = vr_domain_chr_device_to_string(c->device);
    bool live_pty = c->type == VR_DOMAIN_CHR_TYPE_PTY;

    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "<%s type='%s'>\n", elem,
                           vr_domain_chr_type_to_string(c->type));
    if (c->path && !(live_pty && (flags & VR_DOMAIN_FORMAT_INACTIVE))) {
        vr_xml_indent(buf, SUB);
        g_string_append(buf, "<source");
        if (c->mode)
            vr_xml_attr(buf, "mode", vr_domain_chr_mode_to_string(c->mode));
        vr_xml_attr(buf, "path", c->path);
        g_string_append(buf, "/>\n");
    }
    vr_xml_indent(buf, SUB);
    g_string_append(buf, "<target");
    if (c->target_type)
        vr_xml_attr(buf, "type", vr_domain_chr_target_to_string(c->target_type));
    vr_xml_attr(buf, "name", c->target_name);
    if (c->target_port >= 0)
        vr_xml_attr_uint(buf, "port", c->target_port);
    g_string_append(buf, "/>\n");
    vr_format_address(buf, &c->addr);
    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "</%s>\n", elem);
}

static void
vr_format_input(GString *buf, const VrDomainInputDef *in)
{
    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "<input type='%s'",
                           vr_domain_input_type_to_string(in->type));
    if (in->bus)
        vr_xml_attr(buf, "bus", vr_domain_input_bus_to_string(in->bus));
    if (in->addr.type == VR_DOMAIN_ADDR_NONE) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vr_format_address(buf, &in->addr);
    g_string_append(buf, "    </input>\n");
}

static void
vr_format_graphics(GString *buf, const VrDomainGraphicsDef *g,
                   unsigned int flags)
{
    vr_xml_indent(buf, DEV);
    g_string_append_printf(buf, "<graphics type='%s' port='%d' autoport='%s'",
                           vr_domain_graphics_type_to_string(g->type),
                           g->autoport ? -1 : g->port,
                           g->autoport ? "yes" : "no");
    vr_xml_attr(buf, "listen", g->listen);
    if (flags & VR_DOMAIN_FORMAT_SECURE)
        vr_xml_attr(buf, "passwd", g->passwd);
    if (!g->listen) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vr_xml_indent(buf, SUB);
    g_string_append(buf, "<listen type='address'");
    vr_xml_attr(buf, "address", g->listen);
    g_string_append(buf, "/>\n    </graphics>\n");
}

static void
vr_format_video(GString *buf, const VrDomainVideoDef *v)
{
    g_string_append(buf, "    <video>\n      <model");
    vr_xml_attr(buf, "type", vr_domain_video_type_to_string(v->type));
    if (v->vram)
        vr_xml_attr_uint(buf, "vram", v->vram);
    if (v->heads)
        vr_xml_attr_uint(buf, "heads", v->heads);
    if (v->primary)
        vr_xml_attr(buf, "primary", "yes");
    g_string_append(buf, "/>\n");
    vr_format_address(buf, &v->addr);
    g_string_append(buf, "    </video>\n");
}

static void
vr_format_memballoon(GString *buf, const VrDomainMemballoonDef *m)
{
    g_string_append_printf(buf, "    <memballoon model='%s'",
                           vr_domain_memballoon_model_to_string(m->model));
    if (m->addr.type == VR_DOMAIN_ADDR_NONE) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vr_format_address(buf, &m->addr);
    g_string_append(buf, "    </memballoon>\n");
}

static void
vr_format_rng(GString *buf, const VrDomainRngDef *r)
{
    g_string_append_printf(buf, "    <rng model='%s'>\n      <backend model='%s'",
                           vr_domain_rng_model_to_string(r->model),
                           vr_domain_rng_backend_to_string(r->backend));
    if (r->source) {
        g_string_append_c(buf, '>');
        vr_xml_escape(buf, r->source);
        g_string_append(buf, "</backend>\n");
    } else {
        g_string_append(buf, "/>\n");
    }
    vr_format_address(buf, &r->addr);
    g_string_append(buf, "    </rng>\n");
}

#define VR_FORMAT_EACH(arr, fn) \
    for (guint i_ = 0; i_ < (arr)->len; i_++) \
        fn(buf, g_ptr_array_index((arr), i_))

void
vr_domain_format_devices(GString *buf, const VrDomainDef *def, int level,
                         unsigned int flags)
{
    vr_xml_indent(buf, level);
    g_string_append(buf, "<devices>\n");
    vr_xml_elem_text(buf, level + 1, "emulator", def->emulator);
    VR_FORMAT_EACH(def->disks, vr_format_disk);
    VR_FORMAT_EACH(def->controllers, vr_format_controller);
    VR_FORMAT_EACH(def->nets, vr_format_net);
    for (guint i = 0; i < def->serials->len; i++)
        vr_format_chr(buf, g_ptr_array_index(def->serials, i), flags);
    for (guint i = 0; i < def->consoles->len; i++)
        vr_format_chr(buf, g_ptr_array_index(def->consoles, i), flags);
    for (guint i = 0; i < def->channels->len; i++)
        vr_format_chr(buf, g_ptr_array_index(def->channels, i), flags);
    VR_FORMAT_EACH(def->inputs, vr_format_input);
    for (guint i = 0; i < def->graphics->len; i++)
        vr_format_graphics(buf, g_ptr_array_index(def->graphics, i), flags);
    VR_FORMAT_EACH(def->videos, vr_format_video);
    if (def->memballoon)
        vr_format_memballoon(buf, def->memballoon);
    VR_FORMAT_EACH(def->rngs, vr_format_rng);
    vr_xml_indent(buf, level);
    g_string_append(buf, "</devices>\n");
}
