/* vsh_cmds_hotplug.c: attach/detach/update of disks, interfaces and
 * devices, change-media, setvcpus, vcpucount, setmem and setmaxmem, with
 * virsh 9.0's options and messages.
 *
 * Where a change goes: without --live/--config/--current the library's
 * CURRENT rule applies (the running domain when it runs, else the
 * definition); --live and --config can be combined; --persistent is
 * --config, plus --live when the domain runs. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_hotplug.h"

#define DOMAIN_OPT \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "domain name, id or uuid" }
#define AFFECT_OPTS \
    { "config", VSH_OT_BOOL, 0, "affect next boot" }, \
    { "live", VSH_OT_BOOL, 0, "affect running domain" }, \
    { "current", VSH_OT_BOOL, 0, "affect current domain" }
#define PERSISTENT_OPT \
    { "persistent", VSH_OT_BOOL, 0, \
      "make live change persistent" }
#define END_OPTS { NULL, 0, 0, NULL }

const VshOptDef vsh_opts_attach_disk[] = {
    DOMAIN_OPT,
    { "source", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "source of disk device or name of network disk" },
    { "target", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "target of disk device" },
    { "targetbus", VSH_OT_STRING, 0, "target bus of disk device" },
    { "driver", VSH_OT_STRING, 0, "driver of disk device" },
    { "subdriver", VSH_OT_STRING, 0, "subdriver of disk device" },
    { "cache", VSH_OT_STRING, 0, "cache mode of disk device" },
    { "type", VSH_OT_STRING, 0, "target device type" },
    { "mode", VSH_OT_STRING, 0, "mode of device reading and writing" },
    { "sourcetype", VSH_OT_STRING, 0, "type of source (block|file|network)" },
    { "serial", VSH_OT_STRING, 0, "serial of disk device" },
    { "print-xml", VSH_OT_BOOL, 0,
      "print XML document rather than attach the disk" },
    PERSISTENT_OPT, AFFECT_OPTS, END_OPTS
};
const VshOptDef vsh_opts_detach_disk[] = {
    DOMAIN_OPT,
    { "target", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "target of disk device" },
    { "print-xml", VSH_OT_BOOL, 0,
      "print XML document rather than detach the disk" },
    PERSISTENT_OPT, AFFECT_OPTS, END_OPTS
};
const VshOptDef vsh_opts_attach_interface[] = {
    DOMAIN_OPT,
    { "type", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "network interface type" },
    { "source", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "source of network interface (ignored for type user)" },
    { "target", VSH_OT_STRING, 0, "target network name" },
    { "mac", VSH_OT_STRING, 0, "MAC address" },
    { "script", VSH_OT_STRING, 0, "script used to bridge network interface" },
    { "model", VSH_OT_STRING, 0, "model type" },
    { "print-xml", VSH_OT_BOOL, 0,
      "print XML document rather than attach the interface" },
    PERSISTENT_OPT, AFFECT_OPTS, END_OPTS
};
const VshOptDef vsh_opts_detach_interface[] = {
    DOMAIN_OPT,
    { "type", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "network interface type" },
    { "mac", VSH_OT_STRING, 0, "MAC address" },
    PERSISTENT_OPT, AFFECT_OPTS, END_OPTS
};
const VshOptDef vsh_opts_device_file[] = {
    DOMAIN_OPT,
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "XML file" },
    PERSISTENT_OPT, AFFECT_OPTS, END_OPTS
};
const VshOptDef vsh_opts_update_device[] = {
    DOMAIN_OPT,
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "XML file" },
    PERSISTENT_OPT, AFFECT_OPTS,
    { "force", VSH_OT_BOOL, 0, "force device update" },
    END_OPTS
};
const VshOptDef vsh_opts_change_media[] = {
    DOMAIN_OPT,
    { "path", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "Fully-qualified path or target of disk device" },
    { "source", VSH_OT_STRING, VSH_OFLAG_POS, "source of the media" },
    { "eject", VSH_OT_BOOL, 0, "Eject the media" },
    { "insert", VSH_OT_BOOL, 0, "Insert the media" },
    { "update", VSH_OT_BOOL, 0, "Update the media" },
    AFFECT_OPTS,
    { "force", VSH_OT_BOOL, 0, "force media changing" },
    END_OPTS
};
const VshOptDef vsh_opts_setvcpus[] = {
    DOMAIN_OPT,
    { "count", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "number of virtual CPUs" },
    { "maximum", VSH_OT_BOOL, 0, "set maximum limit on next boot" },
    AFFECT_OPTS,
    { "guest", VSH_OT_BOOL, 0, "modify cpu state in the guest" },
    END_OPTS
};
const VshOptDef vsh_opts_vcpucount[] = {
    DOMAIN_OPT,
    { "maximum", VSH_OT_BOOL, 0, "get maximum count of vcpus" },
    { "active", VSH_OT_BOOL, 0, "get number of currently active vcpus" },
    AFFECT_OPTS,
    { "guest", VSH_OT_BOOL, 0, "retrieve vcpu count from the guest instead "
      "of the hypervisor" },
    END_OPTS
};
const VshOptDef vsh_opts_setmem[] = {
    DOMAIN_OPT,
    { "size", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "new memory size, as scaled integer (default KiB)" },
    AFFECT_OPTS, END_OPTS
};

static const char *
opt(const VshCmd *cmd, const char *name)
{
    return vsh_cmd_opt(cmd, name);
}

static bool
has(const VshCmd *cmd, const char *name)
{
    return vsh_cmd_has(cmd, name);
}

/* virsh's "Options --a and --b are mutually exclusive" check. */
static bool
exclusive(VshCtl *ctl, const VshCmd *cmd, const char *a, const char *b)
{
    if (has(cmd, a) && has(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

int
vsh_affect_flags(VshCtl *ctl, const VshCmd *cmd, VireoDomain *dom)
{
    int flags = 0;

    if (!exclusive(ctl, cmd, "persistent", "current") ||
        !exclusive(ctl, cmd, "current", "live") ||
        !exclusive(ctl, cmd, "current", "config"))
        return -1;
    if (has(cmd, "config") || has(cmd, "persistent"))
        flags |= VIREO_DOMAIN_AFFECT_CONFIG;
    if (has(cmd, "live"))
        flags |= VIREO_DOMAIN_AFFECT_LIVE;
    if (has(cmd, "persistent") && vireo_domain_is_active(dom) == 1)
        flags |= VIREO_DOMAIN_AFFECT_LIVE;
    return flags;
}

/* ---- the disks of a domain XML ---------------------------------------- */

static void
disk_clear(gpointer p)
{
    VshDisk *d = p;

    g_free(d->type);
    g_free(d->device);
    g_free(d->target);
    g_free(d->bus);
    g_free(d->source);
}

static void
disks_start(GMarkupParseContext *ctx, const char *elem, const char **names,
            const char **values, gpointer data, GError **err)
{
    GArray *disks = data;
    const GSList *stack = g_markup_parse_context_get_element_stack(ctx);
    const char *parent = stack->next ? stack->next->data : "";
    const char *grand = stack->next && stack->next->next
        ? stack->next->next->data : "";
    VshDisk *d;

    (void) err;
    if (strcmp(elem, "disk") == 0 && strcmp(parent, "devices") == 0) {
        VshDisk nd = { 0 };

        g_array_append_val(disks, nd);
        d = &g_array_index(disks, VshDisk, disks->len - 1);
        for (int i = 0; names[i]; i++) {
            if (strcmp(names[i], "type") == 0 && !d->type)
                d->type = g_strdup(values[i]);
            else if (strcmp(names[i], "device") == 0 && !d->device)
                d->device = g_strdup(values[i]);
        }
        return;
    }
    if (strcmp(parent, "disk") != 0 || strcmp(grand, "devices") != 0 ||
        disks->len == 0)
        return;
    d = &g_array_index(disks, VshDisk, disks->len - 1);
    for (int i = 0; names[i]; i++) {
        const char *n = names[i];

        if (strcmp(elem, "target") == 0 && !strcmp(n, "dev") && !d->target)
            d->target = g_strdup(values[i]);
        else if (strcmp(elem, "target") == 0 && !strcmp(n, "bus") && !d->bus)
            d->bus = g_strdup(values[i]);
        else if (strcmp(elem, "source") == 0 && !d->source &&
                 (!strcmp(n, "file") || !strcmp(n, "dev") ||
                  !strcmp(n, "dir") || !strcmp(n, "name") ||
                  !strcmp(n, "volume") || !strcmp(n, "path")))
            d->source = g_strdup(values[i]);
    }
}

GArray *
vsh_disks_parse(const char *xml)
{
    static const GMarkupParser parser = { disks_start, NULL, NULL, NULL,
                                          NULL };
    GArray *disks = g_array_new(FALSE, TRUE, sizeof(VshDisk));
    GMarkupParseContext *ctx;
    bool ok;

    g_array_set_clear_func(disks, disk_clear);
    ctx = g_markup_parse_context_new(&parser, 0, disks, NULL);
    ok = g_markup_parse_context_parse(ctx, xml, -1, NULL) &&
         g_markup_parse_context_end_parse(ctx, NULL);
    g_markup_parse_context_free(ctx);
    if (!ok) {
        g_array_unref(disks);
        return NULL;
    }
    return disks;
}

void
vsh_disks_free(GArray *disks)
{
    if (disks)
        g_array_unref(disks);
}

/* The disk whose target or source is @key in @dom's XML (live unless
 * @flags has CONFIG only); a new copy in @out.  False after printing
 * virsh's "No disk found" error. */
static bool
find_disk(VshCtl *ctl, VireoDomain *dom, const char *key, int flags,
          VshDisk *out)
{
    unsigned int xflags = (flags == VIREO_DOMAIN_AFFECT_CONFIG)
        ? VIREO_DOMAIN_XML_INACTIVE : 0;
    g_autofree char *xml = vireo_domain_get_xml(dom, xflags);
    GArray *disks = xml ? vsh_disks_parse(xml) : NULL;

    for (guint i = 0; disks && i < disks->len; i++) {
        VshDisk *d = &g_array_index(disks, VshDisk, i);

        if (g_strcmp0(d->target, key) == 0 || g_strcmp0(d->source, key) == 0) {
            out->type = g_strdup(d->type);
            out->device = g_strdup(d->device);
            out->target = g_strdup(d->target);
            out->bus = g_strdup(d->bus);
            out->source = g_strdup(d->source);
            vsh_disks_free(disks);
            return true;
        }
    }
    vsh_disks_free(disks);
    if (xml)
        vsh_error(ctl, "No disk found whose source path or target is %s",
                  key);
    return false;
}

/* g_string_append of g_markup_printf_escaped: user values in XML. */
static void G_GNUC_PRINTF(2, 3)
append_escaped(GString *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_markup_vprintf_escaped(fmt, ap);
    va_end(ap);
    g_string_append(s, text);
}

/* The <disk> XML for @d with source @source (NULL: none). */
static char *
disk_xml(const VshDisk *d, const char *source)
{
    GString *s = g_string_new(NULL);
    const char *type = d->type ? d->type : "file";
    const char *attr = strcmp(type, "block") == 0 ? "dev" : "file";

    append_escaped(s, "<disk type='%s' device='%s'>\n", type,
                   d->device ? d->device : "disk");
    if (source)
        append_escaped(s, "  <source %s='%s'/>\n", attr, source);
    append_escaped(s, "  <target dev='%s'", d->target);
    if (d->bus)
        append_escaped(s, " bus='%s'", d->bus);
    g_string_append(s, "/>\n");
    if (d->device && strcmp(d->device, "cdrom") == 0)
        g_string_append(s, "  <readonly/>\n");
    g_string_append(s, "</disk>\n");
    return g_string_free(s, FALSE);
}

/* ---- attach / detach ------------------------------------------------- */

/* Run @fn (attach/detach/update) with @xml; print @done on success or
 * "error: @fail" on failure (the library's error follows). */
static bool
apply_device(VshCtl *ctl, VireoDomain *dom, const char *xml, int flags,
             int (*fn)(VireoDomain *, const char *, unsigned int),
             const char *done, const char *fail)
{
    if (fn(dom, xml, (unsigned int) flags) < 0) {
        vsh_error(ctl, "%s", fail);
        return false;
    }
    vsh_print_extra(ctl, "%s\n", done);
    return true;
}

bool
vsh_cmd_attach_disk(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *src = opt(cmd, "source");
    const char *stype = opt(cmd, "sourcetype");
    g_autoptr(GString) s = g_string_new(NULL);
    int flags;

    if (!dom || (flags = vsh_affect_flags(ctl, cmd, dom)) < 0)
        return false;
    if (!stype)
        stype = g_str_has_prefix(src, "/dev/") ? "block" : "file";
    append_escaped(s, "<disk type='%s' device='%s'>\n", stype,
                   opt(cmd, "type") ? opt(cmd, "type") : "disk");
    if (opt(cmd, "driver") || opt(cmd, "subdriver") || opt(cmd, "cache")) {
        g_string_append(s, "  <driver");
        if (opt(cmd, "driver"))
            append_escaped(s, " name='%s'", opt(cmd, "driver"));
        if (opt(cmd, "subdriver"))
            append_escaped(s, " type='%s'", opt(cmd, "subdriver"));
        if (opt(cmd, "cache"))
            append_escaped(s, " cache='%s'", opt(cmd, "cache"));
        g_string_append(s, "/>\n");
    }
    append_escaped(s, "  <source %s='%s'/>\n",
                   strcmp(stype, "block") == 0 ? "dev" : "file", src);
    append_escaped(s, "  <target dev='%s'", opt(cmd, "target"));
    if (opt(cmd, "targetbus"))
        append_escaped(s, " bus='%s'", opt(cmd, "targetbus"));
    g_string_append(s, "/>\n");
    if (g_strcmp0(opt(cmd, "mode"), "readonly") == 0)
        g_string_append(s, "  <readonly/>\n");
    else if (g_strcmp0(opt(cmd, "mode"), "shareable") == 0)
        g_string_append(s, "  <shareable/>\n");
    if (opt(cmd, "serial"))
        append_escaped(s, "  <serial>%s</serial>\n", opt(cmd, "serial"));
    g_string_append(s, "</disk>\n");
    if (has(cmd, "print-xml")) {
        fputs(s->str, stdout);
        return true;
    }
    return apply_device(ctl, dom, s->str, flags, vireo_domain_attach_device,
                        "Disk attached successfully", "Failed to attach disk");
}

bool
vsh_cmd_detach_disk(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    VshDisk d = { 0 };
    g_autofree char *xml = NULL;
    int flags;
    bool ok;

    if (!dom || (flags = vsh_affect_flags(ctl, cmd, dom)) < 0)
        return false;
    if (!find_disk(ctl, dom, opt(cmd, "target"), flags, &d))
        return false;
    xml = disk_xml(&d, d.source);
    disk_clear(&d);
    if (has(cmd, "print-xml")) {
        fputs(xml, stdout);
        return true;
    }
    ok = apply_device(ctl, dom, xml, flags, vireo_domain_detach_device,
                      "Disk detached successfully", "Failed to detach disk");
    return ok;
}

bool
vsh_cmd_attach_interface(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *type = opt(cmd, "type");
    const char *src = opt(cmd, "source");
    g_autoptr(GString) s = g_string_new(NULL);
    int flags;

    if (!dom || (flags = vsh_affect_flags(ctl, cmd, dom)) < 0)
        return false;
    append_escaped(s, "<interface type='%s'>\n", type);
    if (src && strcmp(type, "network") == 0)
        append_escaped(s, "  <source network='%s'/>\n", src);
    else if (src && strcmp(type, "bridge") == 0)
        append_escaped(s, "  <source bridge='%s'/>\n", src);
    else if (src && strcmp(type, "direct") == 0)
        append_escaped(s, "  <source dev='%s'/>\n", src);
    if (opt(cmd, "target"))
        append_escaped(s, "  <target dev='%s'/>\n", opt(cmd, "target"));
    if (opt(cmd, "mac"))
        append_escaped(s, "  <mac address='%s'/>\n", opt(cmd, "mac"));
    if (opt(cmd, "script"))
        append_escaped(s, "  <script path='%s'/>\n", opt(cmd, "script"));
    if (opt(cmd, "model"))
        append_escaped(s, "  <model type='%s'/>\n", opt(cmd, "model"));
    g_string_append(s, "</interface>\n");
    if (has(cmd, "print-xml")) {
        fputs(s->str, stdout);
        return true;
    }
    return apply_device(ctl, dom, s->str, flags, vireo_domain_attach_device,
                        "Interface attached successfully",
                        "Failed to attach interface");
}

typedef struct {
    const char *type;       /* wanted type */
    GPtrArray *macs;        /* MACs of the interfaces of that type */
    bool in_match;          /* inside a matching <interface> */
} IfaceParse;

static void
iface_start(GMarkupParseContext *ctx, const char *elem, const char **names,
            const char **values, gpointer data, GError **err)
{
    IfaceParse *p = data;
    const GSList *stack = g_markup_parse_context_get_element_stack(ctx);
    const char *parent = stack->next ? stack->next->data : "";

    (void) err;
    if (strcmp(elem, "interface") == 0 && strcmp(parent, "devices") == 0) {
        p->in_match = false;
        for (int i = 0; names[i]; i++) {
            if (strcmp(names[i], "type") == 0)
                p->in_match = strcmp(values[i], p->type) == 0;
        }
        return;
    }
    if (!p->in_match || strcmp(elem, "mac") != 0 ||
        strcmp(parent, "interface") != 0)
        return;
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], "address") == 0)
            g_ptr_array_add(p->macs, g_ascii_strdown(values[i], -1));
    }
}

/* MACs of the interfaces of @type in @xml; NULL when it does not parse. */
static GPtrArray *
iface_macs(const char *xml, const char *type)
{
    static const GMarkupParser parser = { iface_start, NULL, NULL, NULL,
                                          NULL };
    IfaceParse p = { type, g_ptr_array_new_with_free_func(g_free), false };
    GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &p,
                                                          NULL);
    bool ok = g_markup_parse_context_parse(ctx, xml, -1, NULL) &&
              g_markup_parse_context_end_parse(ctx, NULL);

    g_markup_parse_context_free(ctx);
    if (!ok)
        g_clear_pointer(&p.macs, g_ptr_array_unref);
    return p.macs;
}

/* The MAC of the one interface of @type (or check @mac is one).  New
 * string, or NULL after printing virsh's error. */
static char *
pick_mac(VshCtl *ctl, VireoDomain *dom, const char *type, const char *mac,
         int flags)
{
    unsigned int xflags = (flags == VIREO_DOMAIN_AFFECT_CONFIG)
        ? VIREO_DOMAIN_XML_INACTIVE : 0;
    g_autofree char *xml = vireo_domain_get_xml(dom, xflags);
    g_autoptr(GPtrArray) macs = xml ? iface_macs(xml, type) : NULL;
    g_autofree char *want = mac ? g_ascii_strdown(mac, -1) : NULL;

    if (!macs)
        return NULL;
    if (macs->len == 0) {
        vsh_error(ctl, "No interface found whose type is %s", type);
        return NULL;
    }
    if (!want && macs->len > 1) {
        vsh_error(ctl, "Domain has %u interfaces. Please specify which one "
                  "to detach using --mac", macs->len);
        return NULL;
    }
    if (!want)
        return g_strdup(g_ptr_array_index(macs, 0));
    for (guint i = 0; i < macs->len; i++) {
        if (strcmp(g_ptr_array_index(macs, i), want) == 0)
            return g_steal_pointer(&want);
    }
    vsh_error(ctl, "No interface with MAC address %s was found", mac);
    return NULL;
}

bool
vsh_cmd_detach_interface(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autofree char *mac = NULL;
    g_autofree char *xml = NULL;
    int flags;

    if (!dom || (flags = vsh_affect_flags(ctl, cmd, dom)) < 0)
        return false;
    if (!(mac = pick_mac(ctl, dom, opt(cmd, "type"), opt(cmd, "mac"),
                         flags))) {
        vsh_error(ctl, "Failed to detach interface");
        return false;
    }
    xml = g_markup_printf_escaped("<interface type='%s'>\n"
                                  "  <mac address='%s'/>\n</interface>\n",
                                  opt(cmd, "type"), mac);
    return apply_device(ctl, dom, xml, flags, vireo_domain_detach_device,
                        "Interface detached successfully",
                        "Failed to detach interface");
}

/* attach-device, detach-device, update-device: the XML from --file. */
static bool
device_from_file(VshCtl *ctl, const VshCmd *cmd,
                 int (*fn)(VireoDomain *, const char *, unsigned int),
                 const char *done, const char *fail_verb)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autofree char *xml = NULL;
    g_autofree char *fail = NULL;
    const char *file = opt(cmd, "file");
    int flags;

    if (!dom || (flags = vsh_affect_flags(ctl, cmd, dom)) < 0)
        return false;
    if (!g_file_get_contents(file, &xml, NULL, NULL)) {
        vsh_error(ctl, "Failed to read file '%s' to %s", file, fail_verb);
        return false;
    }
    if (has(cmd, "force"))
        flags |= VIREO_DOMAIN_DEVICE_MODIFY_FORCE;
    fail = g_strdup_printf("Failed to %s device from %s", fail_verb, file);
    return apply_device(ctl, dom, xml, flags, fn, done, fail);
}

bool
vsh_cmd_attach_device(VshCtl *ctl, const VshCmd *cmd)
{
    return device_from_file(ctl, cmd, vireo_domain_attach_device,
                            "Device attached successfully", "attach");
}

bool
vsh_cmd_detach_device(VshCtl *ctl, const VshCmd *cmd)
{
    return device_from_file(ctl, cmd, vireo_domain_detach_device,
                            "Device detached successfully", "detach");
}

bool
vsh_cmd_update_device(VshCtl *ctl, const VshCmd *cmd)
{
    return device_from_file(ctl, cmd, vireo_domain_update_device,
                            "Device updated successfully", "update");
}

bool
vsh_cmd_change_media(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *src = opt(cmd, "source");
    bool eject = has(cmd, "eject"), insert = has(cmd, "insert");
    const char *done = "Successfully updated media.";
    VshDisk d = { 0 };
    g_autofree char *xml = NULL;
    int flags;
    int rc;

    if (!dom || (flags = vsh_affect_flags(ctl, cmd, dom)) < 0)
        return false;
    if (eject + insert + has(cmd, "update") > 1) {
        vsh_error(ctl, "Options --eject, --insert and --update are "
                  "mutually exclusive");
        return false;
    }
    if (eject && src) {
        vsh_error(ctl, "eject does not take a source");
        return false;
    }
    if (insert && !src) {
        vsh_error(ctl, "No source is specified for inserting media");
        return false;
    }
    if (!find_disk(ctl, dom, opt(cmd, "path"), flags, &d))
        return false;
    if (eject)
        done = "Successfully ejected media.";
    else if (insert)
        done = "Successfully inserted media.";
    xml = disk_xml(&d, eject ? NULL : src);
    disk_clear(&d);
    if (has(cmd, "force"))
        flags |= VIREO_DOMAIN_DEVICE_MODIFY_FORCE;
    rc = vireo_domain_update_device(dom, xml, (unsigned int) flags);
    if (rc < 0) {
        vsh_error(ctl, "Failed to complete action %s on media",
                  eject ? "eject" : insert ? "insert" : "update");
        return false;
    }
    vsh_print_extra(ctl, "%s\n", done);
    return true;
}

/* ---- vCPUs and memory ------------------------------------------------- */

/* --current/--live/--config into AFFECT flags (no --persistent). */
static int
tune_flags(VshCtl *ctl, const VshCmd *cmd)
{
    int flags = 0;

    if (!exclusive(ctl, cmd, "current", "live") ||
        !exclusive(ctl, cmd, "current", "config"))
        return -1;
    if (has(cmd, "config"))
        flags |= VIREO_DOMAIN_AFFECT_CONFIG;
    if (has(cmd, "live"))
        flags |= VIREO_DOMAIN_AFFECT_LIVE;
    return flags;
}

bool
vsh_cmd_setvcpus(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *arg = opt(cmd, "count");
    char *end = NULL;
    unsigned long count;
    int flags;

    if (!dom || (flags = tune_flags(ctl, cmd)) < 0)
        return false;
    count = strtoul(arg, &end, 10);
    if (!g_ascii_isdigit(*arg) || *end || count > G_MAXINT) {
        vsh_error(ctl, "Numeric value '%s' for <count> option is malformed "
                  "or out of range", arg);
        return false;
    }
    if (has(cmd, "maximum"))
        flags |= VIREO_DOMAIN_VCPU_MAXIMUM;
    if (has(cmd, "guest"))
        flags |= VIREO_DOMAIN_VCPU_GUEST;
    return vireo_domain_set_vcpus(dom, (unsigned int) count,
                                  (unsigned int) flags) == 0;
}

/* One vcpucount figure; -2 (nothing printed) when not applicable. */
static int
vcpucount_get(VireoDomain *dom, bool maximum, bool live, bool active)
{
    unsigned int flags = live ? VIREO_DOMAIN_AFFECT_LIVE
                              : VIREO_DOMAIN_AFFECT_CONFIG;

    if (live && !active)
        return -2;
    if (maximum)
        flags |= VIREO_DOMAIN_VCPU_MAXIMUM;
    return vireo_domain_get_vcpus_count(dom, flags);
}

bool
vsh_cmd_vcpucount(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    bool maximum = has(cmd, "maximum"), active = has(cmd, "active");
    bool live = has(cmd, "live"), config = has(cmd, "config");
    unsigned int flags = 0;
    int running, n;

    if (!dom || !exclusive(ctl, cmd, "maximum", "active") ||
        !exclusive(ctl, cmd, "current", "live") ||
        !exclusive(ctl, cmd, "current", "config") ||
        !exclusive(ctl, cmd, "live", "config"))
        return false;
    if (maximum || active || live || config || has(cmd, "current") ||
        has(cmd, "guest")) {
        if (maximum)
            flags |= VIREO_DOMAIN_VCPU_MAXIMUM;
        if (live)
            flags |= VIREO_DOMAIN_AFFECT_LIVE;
        if (config)
            flags |= VIREO_DOMAIN_AFFECT_CONFIG;
        if (has(cmd, "guest"))
            flags |= VIREO_DOMAIN_VCPU_GUEST;
        if ((n = vireo_domain_get_vcpus_count(dom, flags)) < 0)
            return false;
        printf("%d\n", n);
        return true;
    }
    running = vireo_domain_is_active(dom) == 1;
    for (int i = 0; i < 4; i++) {
        bool mx = i < 2, lv = i % 2;

        if ((n = vcpucount_get(dom, mx, lv, running)) == -2)
            continue;
        if (n < 0)
            return false;
        printf("%-12s %-12s %3d\n", mx ? "maximum" : "current",
               lv ? "live" : "config", n);
    }
    return true;
}

/* A scaled size (default KiB; b, k, KiB, KB, M, MiB, MB, G, ... as virsh)
 * into KiB.  False after printing virsh's error. */
static bool
parse_kib(VshCtl *ctl, const char *arg, unsigned long long *kib)
{
    static const char units[] = "kmgtpe";
    char *end = NULL;
    unsigned long long val, scale = 1024;

    if (!g_ascii_isdigit(*arg))
        goto bad;
    val = g_ascii_strtoull(arg, &end, 10);
    if (*end) {
        const char *u = strchr(units, g_ascii_tolower(*end));
        unsigned long long base = 1024;

        if (g_ascii_tolower(*end) == 'b' && !end[1]) {
            scale = 1;
        } else if (!u) {
            goto bad;
        } else {
            if (g_ascii_strcasecmp(end + 1, "B") == 0)
                base = 1000;
            else if (end[1] && g_ascii_strcasecmp(end + 1, "iB") != 0)
                goto bad;
            scale = 1;
            for (long i = 0; i <= u - units; i++)
                scale *= base;
        }
    }
    *kib = val * scale / 1024 + ((val * scale) % 1024 ? 1 : 0);
    return true;
 bad:
    vsh_error(ctl, "Numeric value '%s' for <size> option is malformed or "
              "out of range", arg);
    return false;
}

bool
vsh_cmd_setmem(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    unsigned long long kib;
    int flags;

    if (!dom || (flags = tune_flags(ctl, cmd)) < 0 ||
        !parse_kib(ctl, opt(cmd, "size"), &kib))
        return false;
    return vireo_domain_set_memory(dom, kib, (unsigned int) flags) == 0;
}

bool
vsh_cmd_setmaxmem(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    unsigned long long kib;
    int flags;
    int rc;

    if (!dom || (flags = tune_flags(ctl, cmd)) < 0 ||
        !parse_kib(ctl, opt(cmd, "size"), &kib))
        return false;
    if (flags == 0 && !has(cmd, "current"))
        rc = vireo_domain_set_max_memory(dom, kib);
    else
        rc = vireo_domain_set_memory(dom, kib, (unsigned int) flags |
                                     VIREO_DOMAIN_MEM_MAXIMUM);
    if (rc < 0) {
        vsh_error(ctl, "Unable to change MaxMemorySize");
        return false;
    }
    return true;
}
