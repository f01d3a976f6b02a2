/* qemu_capabilities_domcaps.c: libvirt's <domainCapabilities> document
 * (what `virsh domcapabilities` prints) built from a QemuCaps.  It must
 * validate with libvirt's domaincaps.rng (virt-xml-validate FILE
 * domaincaps); the element order follows that schema.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_capabilities_priv.h"
#include "util/vr_error.h"
#include "util/vr_macros.h"

typedef struct {
    const char *value;     /* the enum value libvirt prints */
    const char *device;    /* QOM type that must exist (NULL: always) */
} DomcapsValue;

static void
format_enum(GString *xml, const QemuCaps *caps, const char *indent,
            const char *name, const DomcapsValue *values, size_t n)
{
    g_string_append_printf(xml, "%s<enum name='%s'>\n", indent, name);
    for (size_t i = 0; i < n; i++) {
        if (values[i].device && !qemu_caps_has_device(caps, values[i].device))
            continue;
        g_string_append_printf(xml, "%s  <value>%s</value>\n", indent,
                               values[i].value);
    }
    g_string_append_printf(xml, "%s</enum>\n", indent);
}

static void
format_os(GString *xml)
{
    g_string_append(xml,
                    "  <os supported='yes'>\n"
                    "    <enum name='firmware'/>\n"
                    "    <loader supported='yes'>\n"
                    "      <enum name='type'>\n"
                    "        <value>rom</value>\n"
                    "        <value>pflash</value>\n"
                    "      </enum>\n"
                    "      <enum name='readonly'>\n"
                    "        <value>yes</value>\n"
                    "        <value>no</value>\n"
                    "      </enum>\n"
                    "    </loader>\n"
                    "  </os>\n");
}

/* libvirt prints each model's vendor; QEMU does not say, so derive it
 * from the family name. */
static const char *
cpu_vendor(const char *model)
{
    static const char *const amd[] = { "EPYC", "Opteron", "phenom",
                                       "athlon" };

    for (size_t i = 0; i < VR_N_ELEMENTS(amd); i++)
        if (g_str_has_prefix(model, amd[i]))
            return "AMD";
    if (g_str_has_prefix(model, "Dhyana"))
        return "Hygon";
    if (g_str_has_prefix(model, "qemu") || g_str_has_prefix(model, "kvm") ||
        g_str_equal(model, "max"))
        return "unknown";
    return "Intel";
}

static void
format_cpu(GString *xml, const QemuCaps *caps, bool kvm)
{
    g_string_append_printf(xml, "  <cpu>\n"
                           "    <mode name='host-passthrough' "
                           "supported='%s'/>\n"
                           "    <mode name='maximum' supported='yes'/>\n"
                           "    <mode name='host-model' supported='no'/>\n"
                           "    <mode name='custom' supported='yes'>\n",
                           kvm ? "yes" : "no");
    for (guint i = 0; i < caps->cpu_models->len; i++) {
        const char *model = g_ptr_array_index(caps->cpu_models, i);
        g_autofree char *esc = NULL;

        if (g_str_equal(model, "host") || g_str_equal(model, "base"))
            continue;
        esc = g_markup_escape_text(model, -1);
        g_string_append_printf(xml, "      <model usable='unknown' "
                               "vendor='%s'>%s</model>\n",
                               cpu_vendor(model), esc);
    }
    g_string_append(xml, "    </mode>\n  </cpu>\n");
}

static void
format_disk(GString *xml, const QemuCaps *caps)
{
    static const DomcapsValue devices[] = {
        { "disk", NULL }, { "cdrom", NULL },
    };
    static const DomcapsValue buses[] = {
        { "ide", "ide-hd" }, { "scsi", "scsi-hd" },
        { "virtio", "virtio-blk-pci" }, { "sata", "ich9-ahci" },
    };

    g_string_append(xml, "    <disk supported='yes'>\n");
    format_enum(xml, caps, "      ", "diskDevice", devices,
                VR_N_ELEMENTS(devices));
    format_enum(xml, caps, "      ", "bus", buses, VR_N_ELEMENTS(buses));
    g_string_append(xml, "    </disk>\n");
}

static void
format_graphics(GString *xml, const QemuCaps *caps)
{
    bool vnc = qemu_caps_has_command(caps, "query-vnc");
    bool spice = qemu_caps_has_command(caps, "query-spice");

    g_string_append_printf(xml, "    <graphics supported='%s'>\n"
                           "      <enum name='type'>\n",
                           vnc || spice ? "yes" : "no");
    if (vnc)
        g_string_append(xml, "        <value>vnc</value>\n");
    if (spice)
        g_string_append(xml, "        <value>spice</value>\n");
    g_string_append(xml, "      </enum>\n    </graphics>\n");
}

static void
format_video_rng(GString *xml, const QemuCaps *caps)
{
    static const DomcapsValue videos[] = {
        { "vga", "VGA" }, { "cirrus", "cirrus-vga" }, { "qxl", "qxl-vga" },
        { "virtio", "virtio-vga" }, { "none", NULL },
        { "bochs", "bochs-display" }, { "ramfb", "ramfb" },
    };
    static const DomcapsValue rng_models[] = {
        { "virtio", "virtio-rng-pci" },
    };
    static const DomcapsValue rng_backends[] = {
        { "random", "rng-random" },
    };
    bool rng = qemu_caps_has_device(caps, "virtio-rng-pci");

    g_string_append(xml, "    <video supported='yes'>\n");
    format_enum(xml, caps, "      ", "modelType", videos,
                VR_N_ELEMENTS(videos));
    g_string_append(xml, "    </video>\n"
                    "    <hostdev supported='no'/>\n");
    g_string_append_printf(xml, "    <rng supported='%s'>\n",
                           rng ? "yes" : "no");
    format_enum(xml, caps, "      ", "model", rng_models,
                VR_N_ELEMENTS(rng_models));
    format_enum(xml, caps, "      ", "backendModel", rng_backends,
                VR_N_ELEMENTS(rng_backends));
    g_string_append(xml, "    </rng>\n");
}

static void
format_features(GString *xml, const QemuCaps *caps)
{
    g_string_append_printf(xml, "  <features>\n"
                           "    <gic supported='no'/>\n"
                           "    <vmcoreinfo supported='%s'/>\n"
                           "    <genid supported='%s'/>\n"
                           "    <backingStoreInput supported='no'/>\n"
                           "    <backup supported='no'/>\n"
                           "    <sev supported='no'/>\n"
                           "  </features>\n",
                           qemu_caps_has_device(caps, "vmcoreinfo") ?
                           "yes" : "no",
                           qemu_caps_has_device(caps, "vmgenid") ?
                           "yes" : "no");
}

/* Check the (virttype, machine) pair; reports and returns NULL if the
 * binary cannot run it. */
static const QemuCapsMachine *
domcaps_check(const QemuCaps *caps, const char *virttype,
              const char *machine, bool kvm_usable)
{
    const QemuCapsMachine *m;

    if (g_strcmp0(virttype, "qemu") != 0 && g_strcmp0(virttype, "kvm") != 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "unknown virttype: %s", virttype ? virttype : "");
        return NULL;
    }
    if (g_str_equal(virttype, "kvm") && !(kvm_usable && caps->kvm)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "KVM is not supported by '%s' on this host",
                        caps->binary);
        return NULL;
    }
    m = qemu_caps_find_machine(caps, machine);
    if (!m)
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "the machine '%s' is not supported by emulator '%s'",
                        machine ? machine : "(default)", caps->binary);
    return m;
}

char *
qemu_caps_format_domcaps(const QemuCaps *caps, const char *virttype,
                         const char *machine, bool kvm_usable)
{
    const QemuCapsMachine *m;
    g_autoptr(GString) xml = NULL;
    g_autofree char *path = NULL;

    if (!virttype)
        virttype = "qemu";
    if (!(m = domcaps_check(caps, virttype, machine, kvm_usable)))
        return NULL;
    xml = g_string_new("<domainCapabilities>\n");
    path = g_markup_escape_text(caps->binary, -1);
    g_string_append_printf(xml, "  <path>%s</path>\n  <domain>%s</domain>\n"
                           "  <machine>%s</machine>\n  <arch>%s</arch>\n"
                           "  <vcpu max='%u'/>\n"
                           "  <iothreads supported='yes'/>\n",
                           path, virttype, m->name, caps->arch,
                           m->max_cpus ? m->max_cpus : 1);
    format_os(xml);
    format_cpu(xml, caps, g_str_equal(virttype, "kvm"));
    g_string_append(xml, "  <devices>\n");
    format_disk(xml, caps);
    format_graphics(xml, caps);
    format_video_rng(xml, caps);
    g_string_append(xml, "  </devices>\n");
    format_features(xml, caps);
    g_string_append(xml, "</domainCapabilities>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}
