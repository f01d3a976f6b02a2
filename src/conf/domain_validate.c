/* domain_validate.c: semantic checks run after post-parse: the things a
 * schema cannot say (name rules, memory and vCPU relations, duplicate
 * targets, device sources that must be present).  Each check reports
 * VR_ERR_XML_ERROR (or CONFIG_UNSUPPORTED) once and stops. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf_priv.h"
#include "util/vr_error.h"

#define VR_INVALID(...) \
    (vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN, __VA_ARGS__), -1)

static int
vr_validate_basics(const VrDomainDef *def)
{
    if (!vr_domain_name_check(def->name))
        return -1;
    if (def->virt_type >= VR_DOMAIN_VIRT_LAST) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_DOMAIN,
                        "domain type %d is not supported", def->virt_type);
        return -1;
    }
    if (g_strcmp0(def->os_type, "hvm") != 0) {
        vr_error_report(VR_ERR_OS_TYPE, VR_FROM_DOMAIN, "'%s'",
                        def->os_type ? def->os_type : "");
        return -1;
    }
    if (!def->max_memory_kib)
        return VR_INVALID("Memory size must be specified via <memory>");
    if (def->cur_memory_kib > def->max_memory_kib)
        return VR_INVALID("currentMemory (%llu KiB) must not be larger than "
                          "memory (%llu KiB)", def->cur_memory_kib,
                          def->max_memory_kib);
    if (def->hotplug_memory_kib &&
        def->hotplug_memory_kib < def->max_memory_kib)
        return VR_INVALID("maxMemory (%llu KiB) must not be smaller than "
                          "memory (%llu KiB)", def->hotplug_memory_kib,
                          def->max_memory_kib);
    if (def->max_vcpus == 0)
        return VR_INVALID("invalid vCPU count '0': a domain needs at least "
                          "one vCPU");
    if (def->vcpus == 0 || def->vcpus > def->max_vcpus)
        return VR_INVALID("current vCPU count %u must be between 1 and the "
                          "maximum %u", def->vcpus, def->max_vcpus);
    if (def->cpu_fallback && !def->cpu_model)
        return VR_INVALID("<cpu><model fallback> needs a model name");
    return 0;
}

static int
vr_validate_disk(const VrDomainDef *def, guint idx)
{
    const VrDomainDiskDef *d = g_ptr_array_index(def->disks, idx);

    if (!d->bus)
        return VR_INVALID("cannot determine the bus of disk target '%s': "
                          "add <target bus='...'/>", d->dst);
    if (d->type == VR_DOMAIN_DISK_TYPE_VOLUME &&
        (!d->src_pool || !d->src_volume))
        return VR_INVALID("volume disk '%s' needs <source pool='...' "
                          "volume='...'/>", d->dst);
    if (d->device == VR_DOMAIN_DISK_DEVICE_DISK && !d->src_path &&
        d->type != VR_DOMAIN_DISK_TYPE_VOLUME)
        return VR_INVALID("disk '%s' has no <source>", d->dst);
    for (guint j = 0; j < idx; j++) {
        const VrDomainDiskDef *o = g_ptr_array_index(def->disks, j);

        if (strcmp(o->dst, d->dst) == 0)
            return VR_INVALID("target '%s' duplicated for disk sources '%s' "
                              "and '%s'", d->dst, o->src_path ? o->src_path : "",
                              d->src_path ? d->src_path : "");
    }
    return 0;
}

static int
vr_validate_net(const VrDomainNetDef *n)
{
    if ((n->type == VR_DOMAIN_NET_TYPE_NETWORK ||
         n->type == VR_DOMAIN_NET_TYPE_BRIDGE) && !n->source)
        return VR_INVALID("interface of type '%s' needs <source %s='...'/>",
                          vr_domain_net_type_to_string(n->type),
                          n->type == VR_DOMAIN_NET_TYPE_NETWORK ?
                          "network" : "bridge");
    if (n->mac[0] & 1)
        return VR_INVALID("expected unicast mac address, found multicast "
                          "'%02x:%02x:%02x:%02x:%02x:%02x'", n->mac[0],
                          n->mac[1], n->mac[2], n->mac[3], n->mac[4],
                          n->mac[5]);
    return 0;
}

static int
vr_validate_chrs(const GPtrArray *list)
{
    for (guint i = 0; i < list->len; i++) {
        const VrDomainChrDef *c = g_ptr_array_index(list, i);
        const char *elem = vr_domain_chr_device_to_string(c->device);

        if (c->type != VR_DOMAIN_CHR_TYPE_PTY && !c->path)
            return VR_INVALID("<%s type='%s'> needs <source path='...'/>",
                              elem, vr_domain_chr_type_to_string(c->type));
        if (c->device == VR_DOMAIN_CHR_DEVICE_CHANNEL &&
            c->target_type != VR_DOMAIN_CHR_TARGET_VIRTIO)
            return VR_INVALID("<channel> needs <target type='virtio' "
                              "name='...'/>");
    }
    return 0;
}

static int
vr_validate_boot(const VrDomainDef *def)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    unsigned int order;

    for (guint i = 0; i < def->disks->len + def->nets->len; i++) {
        if (i < def->disks->len)
            order = ((VrDomainDiskDef *)g_ptr_array_index(def->disks, i))->boot_order;
        else
            order = ((VrDomainNetDef *)g_ptr_array_index(
                        def->nets, i - def->disks->len))->boot_order;
        if (!order)
            continue;
        if (def->nboot_devs)
            return VR_INVALID("per-device boot elements cannot be used "
                              "together with os/boot elements");
        if (g_hash_table_contains(seen, GUINT_TO_POINTER(order)))
            return VR_INVALID("boot order '%u' used for more than one device",
                              order);
        g_hash_table_add(seen, GUINT_TO_POINTER(order));
    }
    return 0;
}

static int
vr_validate_graphics(const VrDomainDef *def)
{
    for (guint i = 0; i < def->graphics->len; i++) {
        const VrDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);

        if (!g->autoport && (g->port < 0 || g->port > 65535))
            return VR_INVALID("graphics port %d is out of range", g->port);
    }
    return 0;
}

int
vr_domain_def_validate(const VrDomainDef *def)
{
    if (vr_validate_basics(def) < 0)
        return -1;
    for (guint i = 0; i < def->disks->len; i++)
        if (vr_validate_disk(def, i) < 0)
            return -1;
    for (guint i = 0; i < def->nets->len; i++)
        if (vr_validate_net(g_ptr_array_index(def->nets, i)) < 0)
            return -1;
    if (vr_validate_chrs(def->serials) < 0 ||
        vr_validate_chrs(def->consoles) < 0 ||
        vr_validate_chrs(def->channels) < 0 ||
        vr_validate_boot(def) < 0 ||
        vr_validate_graphics(def) < 0)
        return -1;
    return 0;
}
