/* domain_format.c: VrDomainDef -> libvirt-style domain XML, the top level.
 * Element order and spelling follow libvirt's formatter so dumpxml output
 * diffs cleanly against libvirt's and validates with virt-xml-validate.
 * Devices are in domain_format_devices.c. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

static void
vr_format_memory(GString *buf, const char *name, unsigned long long kib,
                 unsigned int slots)
{
    vr_xml_indent(buf, 1);
    g_string_append_printf(buf, "<%s", name);
    if (slots)
        vr_xml_attr_uint(buf, "slots", slots);
    g_string_append_printf(buf, " unit='KiB'>%llu</%s>\n", kib, name);
}

/* Metadata children were stored serialized; re-indent them by 4 spaces. */
static void
vr_format_metadata(GString *buf, const char *metadata)
{
    g_auto(GStrv) lines = NULL;

    if (!metadata)
        return;
    if (!*metadata) {
        g_string_append(buf, "  <metadata/>\n");
        return;
    }
    g_string_append(buf, "  <metadata>\n");
    lines = g_strsplit(metadata, "\n", -1);
    for (size_t i = 0; lines[i]; i++)
        g_string_append_printf(buf, "    %s\n", lines[i]);
    g_string_append(buf, "  </metadata>\n");
}

static void
vr_format_identity(GString *buf, const VrDomainDef *def)
{
    char uuid[VR_UUID_STRING_BUFLEN];

    vr_xml_elem_text(buf, 1, "name", def->name);
    vr_xml_elem_text(buf, 1, "uuid", vr_uuid_format(def->uuid, uuid));
    vr_xml_elem_text(buf, 1, "title", def->title);
    vr_xml_elem_text(buf, 1, "description", def->description);
    vr_format_metadata(buf, def->metadata);
    if (def->hotplug_memory_kib)
        vr_format_memory(buf, "maxMemory", def->hotplug_memory_kib,
                         def->memory_slots);
    vr_format_memory(buf, "memory", def->max_memory_kib, 0);
    vr_format_memory(buf, "currentMemory", def->cur_memory_kib, 0);
    g_string_append(buf, "  <vcpu");
    vr_xml_attr(buf, "placement",
                vr_domain_vcpu_placement_to_string(def->placement));
    if (def->vcpus && def->vcpus != def->max_vcpus)
        vr_xml_attr_uint(buf, "current", def->vcpus);
    g_string_append_printf(buf, ">%u</vcpu>\n", def->max_vcpus);
}

static void
vr_format_os(GString *buf, const VrDomainDef *def)
{
    g_string_append(buf, "  <os>\n    <type");
    vr_xml_attr(buf, "arch", def->os_arch);
    vr_xml_attr(buf, "machine", def->os_machine);
    g_string_append_c(buf, '>');
    vr_xml_escape(buf, def->os_type ? def->os_type : "hvm");
    g_string_append(buf, "</type>\n");
    if (def->os_loader) {
        g_string_append(buf, "    <loader");
        if (def->os_loader_readonly)
            vr_xml_attr(buf, "readonly",
                        vr_tristate_to_string(def->os_loader_readonly));
        if (def->os_loader_type)
            vr_xml_attr(buf, "type",
                        vr_domain_loader_type_to_string(def->os_loader_type));
        g_string_append_c(buf, '>');
        vr_xml_escape(buf, def->os_loader);
        g_string_append(buf, "</loader>\n");
    }
    vr_xml_elem_text(buf, 2, "nvram", def->os_nvram);
    vr_xml_elem_text(buf, 2, "kernel", def->os_kernel);
    vr_xml_elem_text(buf, 2, "initrd", def->os_initrd);
    vr_xml_elem_text(buf, 2, "cmdline", def->os_cmdline);
    for (size_t i = 0; i < def->nboot_devs; i++)
        g_string_append_printf(buf, "    <boot dev='%s'/>\n",
                               vr_domain_boot_dev_to_string(def->boot_devs[i]));
    g_string_append(buf, "  </os>\n");
}

static void
vr_format_features(GString *buf, const VrDomainDef *def)
{
    if (!def->feature_acpi && !def->feature_apic && !def->feature_pae)
        return;
    g_string_append(buf, "  <features>\n");
    if (def->feature_acpi)
        g_string_append(buf, "    <acpi/>\n");
    if (def->feature_apic)
        g_string_append(buf, "    <apic/>\n");
    if (def->feature_pae)
        g_string_append(buf, "    <pae/>\n");
    g_string_append(buf, "  </features>\n");
}

static void
vr_format_cpu(GString *buf, const VrDomainDef *def)
{
    if (def->cpu_mode == VR_DOMAIN_CPU_MODE_NONE)
        return;
    g_string_append(buf, "  <cpu");
    vr_xml_attr(buf, "mode", vr_domain_cpu_mode_to_string(def->cpu_mode));
    if (def->cpu_match)
        vr_xml_attr(buf, "match", vr_domain_cpu_match_to_string(def->cpu_match));
    if (def->cpu_check)
        vr_xml_attr(buf, "check", vr_domain_cpu_check_to_string(def->cpu_check));
    if (!def->cpu_model) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n    <model");
    if (def->cpu_fallback)
        vr_xml_attr(buf, "fallback",
                    vr_domain_cpu_fallback_to_string(def->cpu_fallback));
    g_string_append_c(buf, '>');
    vr_xml_escape(buf, def->cpu_model);
    g_string_append(buf, "</model>\n  </cpu>\n");
}

static void
vr_format_clock(GString *buf, const VrDomainDef *def)
{
    g_string_append(buf, "  <clock");
    vr_xml_attr(buf, "offset", vr_domain_clock_offset_to_string(def->clock_offset));
    if (def->timers->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (guint i = 0; i < def->timers->len; i++) {
        const VrDomainTimerDef *t = g_ptr_array_index(def->timers, i);

        g_string_append(buf, "    <timer");
        vr_xml_attr(buf, "name", vr_domain_timer_name_to_string(t->name));
        if (t->tickpolicy)
            vr_xml_attr(buf, "tickpolicy",
                        vr_domain_tickpolicy_to_string(t->tickpolicy));
        if (t->present)
            vr_xml_attr(buf, "present", vr_tristate_to_string(t->present));
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "  </clock>\n");
}

static void
vr_format_lifecycle(GString *buf, const VrDomainDef *def)
{
    vr_xml_elem_text(buf, 1, "on_poweroff",
                     vr_domain_lifecycle_to_string(def->on_poweroff));
    vr_xml_elem_text(buf, 1, "on_reboot",
                     vr_domain_lifecycle_to_string(def->on_reboot));
    vr_xml_elem_text(buf, 1, "on_crash",
                     vr_domain_lifecycle_to_string(def->on_crash));
}

char *
vr_domain_def_format(const VrDomainDef *def, int id, unsigned int flags)
{
    GString *buf;

    if (VR_CHECK_FLAGS(flags, VR_DOMAIN_FORMAT_SECURE |
                              VR_DOMAIN_FORMAT_INACTIVE) < 0)
        return NULL;
    buf = g_string_new("<domain");
    vr_xml_attr(buf, "type", vr_domain_virt_to_string(def->virt_type));
    if (id >= 0 && !(flags & VR_DOMAIN_FORMAT_INACTIVE))
        g_string_append_printf(buf, " id='%d'", id);
    g_string_append(buf, ">\n");
    vr_format_identity(buf, def);
    vr_format_os(buf, def);
    vr_format_features(buf, def);
    vr_format_cpu(buf, def);
    vr_format_clock(buf, def);
    vr_format_lifecycle(buf, def);
    vr_domain_format_devices(buf, def, 1, flags);
    g_string_append(buf, "</domain>\n");
    return g_string_free(buf, FALSE);
}
