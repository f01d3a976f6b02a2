/* vsh_cmds_snapshot.c: snapshot-create, snapshot-create-as,
 * snapshot-info, snapshot-dumpxml, snapshot-current, snapshot-revert,
 * snapshot-delete, snapshot-parent - virsh 9.0's options, messages and
 * output (snapshot-list is in vsh_snapshot_list.c). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_snapshot.h"

#define DOMAIN_OPT \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "domain name, id or uuid" }
#define CREATE_OPTS \
    { "no-metadata", VSH_OT_BOOL, 0, "take snapshot but create no metadata" }, \
    { "halt", VSH_OT_BOOL, 0, "halt domain after snapshot is created" }, \
    { "disk-only", VSH_OT_BOOL, 0, "capture disk state but not vm state" }, \
    { "reuse-external", VSH_OT_BOOL, 0, "reuse any existing external files" }, \
    { "quiesce", VSH_OT_BOOL, 0, "quiesce guest's file systems" }, \
    { "atomic", VSH_OT_BOOL, 0, "require atomic operation" }, \
    { "live", VSH_OT_BOOL, 0, "take a live snapshot" }, \
    { "validate", VSH_OT_BOOL, 0, "validate the XML against the schema" }

const VshOptDef vsh_opts_snapshot_create[] = {
    DOMAIN_OPT,
    { "xmlfile", VSH_OT_STRING, VSH_OFLAG_POS, "domain snapshot XML" },
    { "redefine", VSH_OT_BOOL, 0, "redefine metadata for existing snapshot" },
    { "current", VSH_OT_BOOL, 0, "with redefine, set current snapshot" },
    CREATE_OPTS,
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_snapshot_create_as[] = {
    DOMAIN_OPT,
    { "name", VSH_OT_STRING, VSH_OFLAG_POS, "name of snapshot" },
    { "description", VSH_OT_STRING, VSH_OFLAG_POS, "description of snapshot" },
    { "print-xml", VSH_OT_BOOL, 0, "print XML document rather than create" },
    CREATE_OPTS,
    { "memspec", VSH_OT_STRING, 0,
      "memory attributes: [file=]name[,snapshot=type]" },
    { "diskspec", VSH_OT_STRING, VSH_OFLAG_POS | VSH_OFLAG_MULTI,
      "disk attributes: disk[,snapshot=type][,driver=type][,stype=type]"
      "[,file=name]" },
    { NULL, 0, 0, NULL }
};
#define NAME_OR_CURRENT(what) \
    { "snapshotname", VSH_OT_STRING, VSH_OFLAG_POS, what }, \
    { "current", VSH_OT_BOOL, 0, "info on current snapshot" }
const VshOptDef vsh_opts_snapshot_info[] = {
    DOMAIN_OPT,
    NAME_OR_CURRENT("snapshot name"),
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_snapshot_dumpxml[] = {
    DOMAIN_OPT,
    { "snapshotname", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "snapshot name" },
    { "security-info", VSH_OT_BOOL, 0,
      "include security sensitive information in XML dump" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_snapshot_current[] = {
    DOMAIN_OPT,
    { "name", VSH_OT_BOOL, 0, "list the name, rather than the full xml" },
    { "security-info", VSH_OT_BOOL, 0,
      "include security sensitive information in XML dump" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_snapshot_revert[] = {
    DOMAIN_OPT,
    { "snapshotname", VSH_OT_STRING, VSH_OFLAG_POS, "snapshot name" },
    { "current", VSH_OT_BOOL, 0, "revert to current snapshot" },
    { "running", VSH_OT_BOOL, 0, "after reverting, change state to running" },
    { "paused", VSH_OT_BOOL, 0, "after reverting, change state to paused" },
    { "force", VSH_OT_BOOL, 0, "try harder on risky reverts" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_snapshot_delete[] = {
    DOMAIN_OPT,
    { "snapshotname", VSH_OT_STRING, VSH_OFLAG_POS, "snapshot name" },
    { "current", VSH_OT_BOOL, 0, "delete current snapshot" },
    { "children", VSH_OT_BOOL, 0, "delete snapshot and all children" },
    { "children-only", VSH_OT_BOOL, 0, "delete children but not snapshot" },
    { "metadata", VSH_OT_BOOL, 0,
      "delete only libvirt metadata, leaving snapshot contents behind" },
    { NULL, 0, 0, NULL }
};
const VshOptDef vsh_opts_snapshot_parent[] = {
    DOMAIN_OPT,
    { "snapshotname", VSH_OT_STRING, VSH_OFLAG_POS,
      "find parent of snapshot name" },
    { "current", VSH_OT_BOOL, 0, "find parent of current snapshot" },
    { NULL, 0, 0, NULL }
};

char *
vsh_snapshot_xml_field(const char *xml, const char *tag, bool in_parent)
{
    g_autofree char *open = g_strdup_printf("<%s>", tag);
    g_autofree char *close = g_strdup_printf("</%s>", tag);
    g_autofree char *raw = NULL;
    const char *p = xml, *end;
    GString *out;

    if (in_parent && !(p = strstr(xml, "<parent>")))
        return NULL;
    if (!(p = strstr(p, open)) || !(end = strstr(p, close)))
        return NULL;
    p += strlen(open);
    raw = g_strndup(p, end - p);
    out = g_string_new(NULL);
    for (const char *c = raw; *c; c++) {
        static const struct { const char *ent; char ch; } ents[] = {
            { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
            { "&apos;", '\'' }, { "&quot;", '"' },
        };
        bool done = false;

        for (size_t i = 0; i < G_N_ELEMENTS(ents) && !done; i++) {
            if (g_str_has_prefix(c, ents[i].ent)) {
                g_string_append_c(out, ents[i].ch);
                c += strlen(ents[i].ent) - 1;
                done = true;
            }
        }
        if (!done)
            g_string_append_c(out, *c);
    }
    return g_string_free(out, FALSE);
}

/* --snapshotname or --current: the snapshot, or NULL after an error. */
static VireoSnapshot *
lookup_snap(VshCtl *ctl, const VshCmd *cmd, VireoDomain *dom)
{
    const char *name = vsh_cmd_opt(cmd, "snapshotname");

    if (name && vsh_cmd_has(cmd, "current")) {
        vsh_error(ctl, "Options --snapshotname and --current are mutually "
                  "exclusive");
        return NULL;
    }
    if (name)
        return vireo_snapshot_lookup(dom, name);
    if (vsh_cmd_has(cmd, "current"))
        return vireo_snapshot_current(dom);
    vsh_error(ctl, "--snapshotname or --current is required");
    return NULL;
}

static unsigned int
create_flags(const VshCmd *cmd)
{
    static const struct { const char *opt; unsigned int flag; } map[] = {
        { "redefine", VIREO_SNAPSHOT_CREATE_REDEFINE },
        { "current", VIREO_SNAPSHOT_CREATE_CURRENT },
        { "no-metadata", VIREO_SNAPSHOT_CREATE_NO_METADATA },
        { "halt", VIREO_SNAPSHOT_CREATE_HALT },
        { "disk-only", VIREO_SNAPSHOT_CREATE_DISK_ONLY },
        { "reuse-external", VIREO_SNAPSHOT_CREATE_REUSE_EXT },
        { "quiesce", VIREO_SNAPSHOT_CREATE_QUIESCE },
        { "atomic", VIREO_SNAPSHOT_CREATE_ATOMIC },
        { "live", VIREO_SNAPSHOT_CREATE_LIVE },
        { "validate", VIREO_SNAPSHOT_CREATE_VALIDATE },
    };
    unsigned int flags = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (vsh_cmd_opt(cmd, map[i].opt) && vsh_cmd_has(cmd, map[i].opt))
            flags |= map[i].flag;
    return flags;
}

static bool
create(VshCtl *ctl, VireoDomain *dom, const char *xml, unsigned int flags,
       const char *from)
{
    g_autoptr(VireoSnapshot) snap = vireo_snapshot_create(dom, xml, flags);

    if (!snap)
        return false;
    if (from)
        vsh_print_extra(ctl, "Domain snapshot %s created from '%s'",
                        vireo_snapshot_get_name(snap), from);
    else
        vsh_print_extra(ctl, "Domain snapshot %s created",
                        vireo_snapshot_get_name(snap));
    return true;
}

bool
vsh_cmd_snapshot_create(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    const char *file = vsh_cmd_opt(cmd, "xmlfile");
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;

    if (!dom)
        return false;
    if (!file)
        return create(ctl, dom, "<domainsnapshot/>", create_flags(cmd), NULL);
    if (!g_file_get_contents(file, &xml, NULL, &err)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file,
                  g_strerror(err->code == G_FILE_ERROR_NOENT ? ENOENT :
                             EACCES));
        return false;
    }
    return create(ctl, dom, xml, create_flags(cmd), file);
}

/* "a=b,c=d" -> the value of @key, or with @first_bare the bare first
 * element for @key (memspec's "[file=]name"). */
static char *
spec_get(const char *spec, const char *key, bool first_bare)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);

    for (guint i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');

        if (!eq && i == 0 && first_bare)
            return g_strdup(parts[i]);
        if (eq && (size_t) (eq - parts[i]) == strlen(key) &&
            strncmp(parts[i], key, strlen(key)) == 0)
            return g_strdup(eq + 1);
    }
    return NULL;
}

static void
esc_attr(GString *buf, const char *name, const char *value)
{
    g_autofree char *e = g_markup_escape_text(value, -1);

    g_string_append_printf(buf, " %s='%s'", name, e);
}

static void
memspec_xml(GString *buf, const char *spec)
{
    g_autofree char *file = spec_get(spec, "file", true);
    g_autofree char *snap = spec_get(spec, "snapshot", false);

    g_string_append(buf, "  <memory");
    if (snap)
        esc_attr(buf, "snapshot", snap);
    if (file)
        esc_attr(buf, "file", file);
    g_string_append(buf, "/>\n");
}

static void
diskspec_xml(GString *buf, const char *spec)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", 2);
    const char *rest = parts[1] ? parts[1] : "";
    g_autofree char *snap = spec_get(rest, "snapshot", false);
    g_autofree char *driver = spec_get(rest, "driver", false);
    g_autofree char *stype = spec_get(rest, "stype", false);
    g_autofree char *file = spec_get(rest, "file", false);

    g_string_append(buf, "    <disk");
    esc_attr(buf, "name", parts[0]);
    if (snap)
        esc_attr(buf, "snapshot", snap);
    if (stype)
        esc_attr(buf, "type", stype);
    if (!driver && !file) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (driver) {
        g_string_append(buf, "      <driver");
        esc_attr(buf, "type", driver);
        g_string_append(buf, "/>\n");
    }
    if (file) {
        g_string_append(buf, "      <source");
        esc_attr(buf, g_strcmp0(stype, "block") == 0 ? "dev" : "file", file);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "    </disk>\n");
}

static char *
create_as_xml(const VshCmd *cmd)
{
    GString *buf = g_string_new("<domainsnapshot>\n");
    const char *name = vsh_cmd_opt(cmd, "name");
    const char *desc = vsh_cmd_opt(cmd, "description");
    const char *mem = vsh_cmd_opt(cmd, "memspec");
    const char *disks = vsh_cmd_opt(cmd, "diskspec");

    if (name) {
        g_autofree char *e = g_markup_escape_text(name, -1);

        g_string_append_printf(buf, "  <name>%s</name>\n", e);
    }
    if (desc) {
        g_autofree char *e = g_markup_escape_text(desc, -1);

        g_string_append_printf(buf, "  <description>%s</description>\n", e);
    }
    if (mem)
        memspec_xml(buf, mem);
    if (disks) {
        g_auto(GStrv) specs = g_strsplit(disks, "\n", -1);

        g_string_append(buf, "  <disks>\n");
        for (guint i = 0; specs[i]; i++)
            diskspec_xml(buf, specs[i]);
        g_string_append(buf, "  </disks>\n");
    }
    g_string_append(buf, "</domainsnapshot>\n");
    return g_string_free(buf, FALSE);
}

bool
vsh_cmd_snapshot_create_as(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autofree char *xml = NULL;

    if (!dom)
        return false;
    xml = create_as_xml(cmd);
    if (vsh_cmd_has(cmd, "print-xml")) {
        printf("%s\n", xml);
        return true;
    }
    return create(ctl, dom, xml, create_flags(cmd), NULL);
}

bool
vsh_cmd_snapshot_info(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autoptr(VireoSnapshot) snap = dom ? lookup_snap(ctl, cmd, dom) : NULL;
    g_autofree char *xml = NULL;
    g_autofree char *state = NULL;
    g_autofree char *parent = NULL;
    int current, children, desc, meta;

    if (!snap)
        return false;
    printf("%-15s %s\n", "Name:", vireo_snapshot_get_name(snap));
    printf("%-15s %s\n", "Domain:", vireo_domain_get_name(dom));
    if ((current = vireo_snapshot_is_current(snap)) < 0)
        return false;
    printf("%-15s %s\n", "Current:", current ? "yes" : "no");
    if (!(xml = vireo_snapshot_get_xml(snap, 0)))
        return false;
    state = vsh_snapshot_xml_field(xml, "state", false);
    parent = vsh_snapshot_xml_field(xml, "name", true);
    printf("%-15s %s\n", "State:", state ? state : "");
    printf("%-15s %s\n", "Location:",
           strstr(xml, "snapshot='external'") ? "external" : "internal");
    printf("%-15s %s\n", "Parent:", parent ? parent : "-");
    if ((children = vireo_snapshot_num_children(snap, 0)) < 0 ||
        (desc = vireo_snapshot_num_children(
             snap, VIREO_SNAPSHOT_LIST_DESCENDANTS)) < 0)
        return false;
    printf("%-15s %d\n", "Children:", children);
    printf("%-15s %d\n", "Descendants:", desc);
    if ((meta = vireo_snapshot_has_metadata(snap)) < 0)
        return false;
    printf("%-15s %s\n", "Metadata:", meta ? "yes" : "no");
    return true;
}

bool
vsh_cmd_snapshot_dumpxml(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autoptr(VireoSnapshot) snap = NULL;
    g_autofree char *xml = NULL;

    if (!dom || !(snap = vireo_snapshot_lookup(
                      dom, vsh_cmd_opt(cmd, "snapshotname"))) ||
        !(xml = vireo_snapshot_get_xml(snap, vsh_cmd_has(cmd, "security-info")
                                             ? 1 : 0)))
        return false;
    printf("%s", xml);
    return true;
}

bool
vsh_cmd_snapshot_current(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autoptr(VireoSnapshot) snap = NULL;
    g_autofree char *xml = NULL;
    int has;

    if (!dom || (has = vireo_domain_has_current_snapshot(dom)) < 0)
        return false;
    if (!has) {
        vsh_error(ctl, "domain '%s' has no current snapshot",
                  vireo_domain_get_name(dom));
        return false;
    }
    if (!(snap = vireo_snapshot_current(dom)))
        return false;
    if (vsh_cmd_has(cmd, "name")) {
        printf("%s", vireo_snapshot_get_name(snap));
        return true;
    }
    if (!(xml = vireo_snapshot_get_xml(snap, vsh_cmd_has(cmd,
                                                         "security-info"))))
        return false;
    printf("%s", xml);
    return true;
}

bool
vsh_cmd_snapshot_revert(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autoptr(VireoSnapshot) snap = dom ? lookup_snap(ctl, cmd, dom) : NULL;
    unsigned int flags = 0;

    if (!snap)
        return false;
    if (vsh_cmd_has(cmd, "running"))
        flags |= VIREO_SNAPSHOT_REVERT_RUNNING;
    if (vsh_cmd_has(cmd, "paused"))
        flags |= VIREO_SNAPSHOT_REVERT_PAUSED;
    if (vsh_cmd_has(cmd, "force"))
        flags |= VIREO_SNAPSHOT_REVERT_FORCE;
    if (vireo_snapshot_revert(snap, flags) < 0) {
        vsh_error(ctl, "Failed to revert snapshot %s",
                  vireo_snapshot_get_name(snap));
        return false;
    }
    vsh_print_extra(ctl, "Domain snapshot %s reverted\n",
                    vireo_snapshot_get_name(snap));
    return true;
}

bool
vsh_cmd_snapshot_delete(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autoptr(VireoSnapshot) snap = dom ? lookup_snap(ctl, cmd, dom) : NULL;
    unsigned int flags = 0;

    if (!snap)
        return false;
    if (vsh_cmd_has(cmd, "children"))
        flags |= VIREO_SNAPSHOT_DELETE_CHILDREN;
    if (vsh_cmd_has(cmd, "children-only"))
        flags |= VIREO_SNAPSHOT_DELETE_CHILDREN_ONLY;
    if (vsh_cmd_has(cmd, "metadata"))
        flags |= VIREO_SNAPSHOT_DELETE_METADATA_ONLY;
    if (vireo_snapshot_delete(snap, flags) < 0) {
        vsh_error(ctl, "Failed to delete snapshot %s",
                  vireo_snapshot_get_name(snap));
        return false;
    }
    if (flags & VIREO_SNAPSHOT_DELETE_CHILDREN_ONLY)
        vsh_print_extra(ctl, "Domain snapshot %s children deleted\n",
                        vireo_snapshot_get_name(snap));
    else
        vsh_print_extra(ctl, "Domain snapshot %s deleted\n",
                        vireo_snapshot_get_name(snap));
    return true;
}

bool
vsh_cmd_snapshot_parent(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    g_autoptr(VireoSnapshot) snap = dom ? lookup_snap(ctl, cmd, dom) : NULL;
    g_autoptr(VireoSnapshot) parent = NULL;

    if (!snap)
        return false;
    if (!(parent = vireo_snapshot_get_parent(snap))) {
        if (vireo_error_code(vireo_last_error()) != 72)
            return false;
        vireo_reset_error();
        vsh_error(ctl, "snapshot '%s' has no parent",
                  vireo_snapshot_get_name(snap));
        return false;
    }
    printf("%s", vireo_snapshot_get_name(parent));
    return true;
}
