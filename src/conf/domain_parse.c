/* domain_parse.c: domain XML -> VrDomainDef, the top level (identity,
 * memory, vCPUs, os, features, cpu, clock, lifecycle).  Devices are in
 * domain_parse_devices.c.  Unknown elements are dropped, as libvirt does;
 * VR_DOMAIN_PARSE_VALIDATE checks the RelaxNG schema first. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

typedef struct {
    const char *unit;
    unsigned long long scale;
} VrMemUnit;

#define KIB 1024ULL
#define KB 1000ULL
static const VrMemUnit vr_mem_units[] = {
    { "b", 1 }, { "bytes", 1 },
    { "k", KIB }, { "KiB", KIB }, { "KB", KB },
    { "M", KIB * KIB }, { "MiB", KIB * KIB }, { "MB", KB * KB },
    { "G", KIB * KIB * KIB }, { "GiB", KIB * KIB * KIB }, { "GB", KB * KB * KB },
    { "T", KIB * KIB * KIB * KIB }, { "TiB", KIB * KIB * KIB * KIB },
    { "TB", KB * KB * KB * KB },
    { "P", KIB * KIB * KIB * KIB * KIB }, { "PiB", KIB * KIB * KIB * KIB * KIB },
    { "PB", KB * KB * KB * KB * KB },
    { "E", KIB * KIB * KIB * KIB * KIB * KIB },
    { "EiB", KIB * KIB * KIB * KIB * KIB * KIB },
    { "EB", KB * KB * KB * KB * KB * KB },
};

/* Bytes per @unit (NULL means KiB), or 0 when unknown. */
static unsigned long long
vr_mem_unit_scale(const char *unit)
{
    if (!unit)
        return KIB;
    for (size_t i = 0; i < G_N_ELEMENTS(vr_mem_units); i++) {
        if (g_ascii_strcasecmp(vr_mem_units[i].unit, unit) == 0)
            return vr_mem_units[i].scale;
    }
    return 0;
}

/* Read memory element @name of @parent in KiB (rounded up).  Returns 0
 * absent, 1 set, -1 reported. */
static int
vr_domain_parse_memory(xmlNode *parent, const char *name,
                       unsigned long long *kib)
{
    xmlNode *node = vr_xml_child(parent, name);
    g_autofree char *unit = NULL;
    g_autofree char *text = NULL;
    unsigned long long scale;
    unsigned long long val;
    char *end = NULL;

    if (!node)
        return 0;
    unit = vr_xml_prop(node, "unit");
    text = g_strstrip(vr_xml_text(node));
    if (!(scale = vr_mem_unit_scale(unit))) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "unknown memory unit '%s' in element '%s'", unit, name);
        return -1;
    }
    /* libc's strtoull, not g_ascii_strtoull: the latter may leave errno
     * set by the lock wait of its one-time locale set-up when two
     * threads first parse at once (vireod loads definitions on several
     * threads). */
    errno = 0;
    val = strtoull(text, &end, 10);
    if (!*text || *end || errno || text[0] == '-') {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "invalid memory size '%s' in element '%s'", text, name);
        return -1;
    }
    if (val > G_MAXUINT64 / scale || val * scale / KIB > G_MAXINT64 / KIB) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "memory size '%s %s' in element '%s' is too large",
                        text, unit ? unit : "KiB", name);
        return -1;
    }
    *kib = (val * scale + KIB - 1) / KIB;
    return 1;
}

static int
vr_domain_parse_identity(VrDomainDef *def, xmlNode *root)
{
    g_autofree char *uuid = NULL;
    g_autofree char *type = vr_xml_prop(root, "type");
    int virt;

    if (!type) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_XML,
                        "Missing required attribute 'type' in element 'domain'");
        return -1;
    }
    if ((virt = vr_domain_virt_from_string(type)) < 0) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_DOMAIN,
                        "domain type '%s' is not supported: use 'qemu' or 'kvm'",
                        type);
        return -1;
    }
    def->virt_type = virt;
    def->name = vr_xml_child_text(root, "name");
    if (!def->name) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "domain definition has no <name> element");
        return -1;
    }
    if ((uuid = vr_xml_child_text(root, "uuid"))) {
        if (vr_uuid_parse(uuid, def->uuid) < 0) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                            "malformed uuid element: '%s'", uuid);
            return -1;
        }
        def->uuid_set = true;
    }
    def->title = vr_xml_child_text(root, "title");
    if (def->title && strchr(def->title, '\n')) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "Domain title can't contain newlines");
        return -1;
    }
    def->description = vr_xml_child_text(root, "description");
    if (vr_xml_child(root, "metadata"))
        def->metadata = vr_xml_children_dump(vr_xml_child(root, "metadata"));
    return 0;
}

static int
vr_domain_parse_mem_vcpu(VrDomainDef *def, xmlNode *root)
{
    xmlNode *vcpu = vr_xml_child(root, "vcpu");
    xmlNode *maxmem = vr_xml_child(root, "maxMemory");
    int placement = 0;

    if (vr_domain_parse_memory(root, "memory", &def->max_memory_kib) < 0 ||
        vr_domain_parse_memory(root, "currentMemory", &def->cur_memory_kib) < 0 ||
        vr_domain_parse_memory(root, "maxMemory", &def->hotplug_memory_kib) < 0)
        return -1;
    if (maxmem && vr_xml_prop_uint(maxmem, "slots", &def->memory_slots) < 0)
        return -1;
    def->max_vcpus = 1;
    if (!vcpu)
        return 0;
    if (vr_xml_prop_enum(vcpu, "placement", vr_domain_vcpu_placement_from_string,
                         false, &placement) < 0 ||
        vr_xml_prop_uint(vcpu, "current", &def->vcpus) < 0)
        return -1;
    def->placement = placement;
    {
        g_autofree char *text = g_strstrip(vr_xml_text(vcpu));
        char *end = NULL;
        guint64 n;

        errno = 0;
        n = strtoull(text, &end, 10);   /* see vr_domain_parse_memory */
        if (!*text || *end || errno || n > G_MAXUINT || text[0] == '-') {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                            "invalid vCPU count '%s'", text);
            return -1;
        }
        def->max_vcpus = n;
    }
    return 0;
}

static int
vr_domain_parse_boot(VrDomainDef *def, xmlNode *os)
{
    for (xmlNode *c = os->children; c; c = c->next) {
        int dev = 0;

        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "boot"))
            continue;
        if (def->nboot_devs == VR_DOMAIN_BOOT_MAX) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                            "too many <boot> elements: at most %d",
                            VR_DOMAIN_BOOT_MAX);
            return -1;
        }
        if (vr_xml_prop_enum(c, "dev", vr_domain_boot_dev_from_string, true,
                             &dev) < 0)
            return -1;
        def->boot_devs[def->nboot_devs++] = dev;
    }
    return 0;
}

static int
vr_domain_parse_os(VrDomainDef *def, xmlNode *root)
{
    xmlNode *os = vr_xml_child(root, "os");
    xmlNode *type;
    xmlNode *loader;
    int val = 0;

    if (!os || !(type = vr_xml_child(os, "type"))) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "domain definition has no <os><type> element");
        return -1;
    }
    def->os_type = g_strstrip(vr_xml_text(type));
    def->os_arch = vr_xml_prop(type, "arch");
    def->os_machine = vr_xml_prop(type, "machine");
    def->os_kernel = vr_xml_child_text(os, "kernel");
    def->os_initrd = vr_xml_child_text(os, "initrd");
    def->os_cmdline = vr_xml_child_text(os, "cmdline");
    def->os_nvram = vr_xml_child_text(os, "nvram");
    if ((loader = vr_xml_child(os, "loader"))) {
        def->os_loader = g_strstrip(vr_xml_text(loader));
        if (vr_xml_prop_enum(loader, "readonly", vr_tristate_from_string,
                             false, &val) < 0)
            return -1;
        def->os_loader_readonly = val;
        val = 0;
        if (vr_xml_prop_enum(loader, "type", vr_domain_loader_type_from_string,
                             false, &val) < 0)
            return -1;
        def->os_loader_type = val;
    }
    return vr_domain_parse_boot(def, os);
}

static int
vr_domain_parse_cpu(VrDomainDef *def, xmlNode *root)
{
    xmlNode *cpu = vr_xml_child(root, "cpu");
    xmlNode *model;
    int mode = VR_DOMAIN_CPU_MODE_CUSTOM;
    int match = 0, check = 0, fallback = 0;

    if (!cpu)
        return 0;
    if (vr_xml_prop_enum(cpu, "mode", vr_domain_cpu_mode_from_string, false,
                         &mode) < 0 ||
        vr_xml_prop_enum(cpu, "match", vr_domain_cpu_match_from_string, false,
                         &match) < 0 ||
        vr_xml_prop_enum(cpu, "check", vr_domain_cpu_check_from_string, false,
                         &check) < 0)
        return -1;
    if ((model = vr_xml_child(cpu, "model"))) {
        if (vr_xml_prop_enum(model, "fallback",
                             vr_domain_cpu_fallback_from_string, false,
                             &fallback) < 0)
            return -1;
        def->cpu_model = g_strstrip(vr_xml_text(model));
    }
    def->cpu_mode = mode;
    def->cpu_match = match;
    def->cpu_check = check;
    def->cpu_fallback = fallback;
    return 0;
}

static int
vr_domain_parse_timer(VrDomainDef *def, xmlNode *node)
{
    g_autofree VrDomainTimerDef *timer = g_new0(VrDomainTimerDef, 1);
    int name = 0, policy = 0, present = 0;

    if (vr_xml_prop_enum(node, "name", vr_domain_timer_name_from_string, true,
                         &name) < 0 ||
        vr_xml_prop_enum(node, "tickpolicy", vr_domain_tickpolicy_from_string,
                         false, &policy) < 0 ||
        vr_xml_prop_enum(node, "present", vr_tristate_from_string, false,
                         &present) < 0)
        return -1;
    timer->name = name;
    timer->tickpolicy = policy;
    timer->present = present;
    g_ptr_array_add(def->timers, g_steal_pointer(&timer));
    return 0;
}

static int
vr_domain_parse_clock(VrDomainDef *def, xmlNode *root)
{
    xmlNode *clock = vr_xml_child(root, "clock");
    int offset = 0;

    if (!clock)
        return 0;
    if (vr_xml_prop_enum(clock, "offset", vr_domain_clock_offset_from_string,
                         false, &offset) < 0)
        return -1;
    def->clock_offset = offset;
    for (xmlNode *c = clock->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "timer") &&
            vr_domain_parse_timer(def, c) < 0)
            return -1;
    }
    return 0;
}

static int
vr_domain_parse_lifecycle(xmlNode *root, const char *name,
                          VrDomainLifecycleAction *out)
{
    g_autofree char *text = vr_xml_child_text(root, name);
    int val;

    if (!text)
        return 0;
    g_strstrip(text);
    if ((val = vr_domain_lifecycle_from_string(text)) < 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "Invalid value for element '%s': '%s'", name, text);
        return -1;
    }
    *out = val;
    return 0;
}

static void
vr_domain_parse_features(VrDomainDef *def, xmlNode *root)
{
    xmlNode *features = vr_xml_child(root, "features");

    def->feature_acpi = vr_xml_child(features, "acpi") != NULL;
    def->feature_apic = vr_xml_child(features, "apic") != NULL;
    def->feature_pae = vr_xml_child(features, "pae") != NULL;
}

static VrDomainDef *
vr_domain_def_parse_node(xmlNode *root)
{
    g_autoptr(VrDomainDef) def = vr_domain_def_new();
    xmlNode *devices;

    if (strcmp((const char *)root->name, "domain") != 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                        "unexpected root element <%s>, expecting <domain>",
                        (const char *)root->name);
        return NULL;
    }
    if (vr_domain_parse_identity(def, root) < 0 ||
        vr_domain_parse_mem_vcpu(def, root) < 0 ||
        vr_domain_parse_os(def, root) < 0 ||
        vr_domain_parse_cpu(def, root) < 0 ||
        vr_domain_parse_clock(def, root) < 0 ||
        vr_domain_parse_lifecycle(root, "on_poweroff", &def->on_poweroff) < 0 ||
        vr_domain_parse_lifecycle(root, "on_reboot", &def->on_reboot) < 0 ||
        vr_domain_parse_lifecycle(root, "on_crash", &def->on_crash) < 0)
        return NULL;
    vr_domain_parse_features(def, root);
    if ((devices = vr_xml_child(root, "devices"))) {
        def->emulator = vr_xml_child_text(devices, "emulator");
        if (def->emulator)
            g_strstrip(def->emulator);
        if (vr_domain_parse_devices(def, devices) < 0)
            return NULL;
    }
    return g_steal_pointer(&def);
}

VrDomainDef *
vr_domain_def_parse_only(const char *xml, const char *origin,
                         unsigned int flags)
{
    xmlDoc *doc;
    VrDomainDef *def;

    if (VR_CHECK_FLAGS(flags, VR_DOMAIN_PARSE_VALIDATE |
                              VR_DOMAIN_PARSE_STATUS) < 0)
        return NULL;
    if (!origin)
        origin = "(domain_definition)";
    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_DOMAIN,
                        "no XML document given");
        return NULL;
    }
    if (!(doc = vr_xml_parse(xml, origin, VR_FROM_DOMAIN)))
        return NULL;
    if ((flags & VR_DOMAIN_PARSE_VALIDATE) &&
        vr_xml_validate_schema(xml, origin, "domain") < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    def = vr_domain_def_parse_node(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return def;
}

VrDomainDef *
vr_domain_def_parse_string(const char *xml, const char *origin,
                           unsigned int flags)
{
    g_autoptr(VrDomainDef) def = vr_domain_def_parse_only(xml, origin, flags);

    if (!def || vr_domain_def_post_parse(def) < 0 ||
        vr_domain_def_validate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}
