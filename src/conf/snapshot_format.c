/* snapshot_format.c: VrSnapshotDef -> libvirt's <domainsnapshot> XML
 * (element order as libvirt 9.0 writes it: name, description, state,
 * parent, creationTime, memory, disks, domain).
 */
#include <config.h>

#include <string.h>

#include "conf/snapshot_conf.h"
#include "conf/xml_util.h"

static void
format_disk(GString *buf, const VrSnapshotDiskDef *d)
{
    vr_xml_indent(buf, 2);
    g_string_append(buf, "<disk");
    vr_xml_attr(buf, "name", d->name);
    if (d->snapshot != VR_SNAPSHOT_LOCATION_DEFAULT)
        vr_xml_attr(buf, "snapshot",
                    vr_snapshot_location_to_string(d->snapshot));
    if (!d->src_file && !d->driver_type) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, " type='file'>\n");
    if (d->driver_type) {
        vr_xml_indent(buf, 3);
        g_string_append(buf, "<driver");
        vr_xml_attr(buf, "type", d->driver_type);
        g_string_append(buf, "/>\n");
    }
    if (d->src_file) {
        vr_xml_indent(buf, 3);
        g_string_append(buf, "<source");
        vr_xml_attr(buf, "file", d->src_file);
        g_string_append(buf, "/>\n");
    }
    vr_xml_indent(buf, 2);
    g_string_append(buf, "</disk>\n");
}

/* The domain's own XML, every line indented one level. */
static void
format_domain(GString *buf, const VrDomainDef *dom)
{
    g_autofree char *xml = vr_domain_def_format(dom, -1,
                                                VR_DOMAIN_FORMAT_SECURE);
    g_auto(GStrv) lines = g_strsplit(xml, "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        vr_xml_indent(buf, 1);
        g_string_append(buf, lines[i]);
        g_string_append_c(buf, '\n');
    }
}

static void
format_memory(GString *buf, const VrSnapshotDef *def)
{
    if (def->memory == VR_SNAPSHOT_LOCATION_DEFAULT)
        return;
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<memory");
    vr_xml_attr(buf, "snapshot", vr_snapshot_location_to_string(def->memory));
    if (def->memory_file)
        vr_xml_attr(buf, "file", def->memory_file);
    g_string_append(buf, "/>\n");
}

char *
vr_snapshot_def_format(const VrSnapshotDef *def)
{
    GString *buf = g_string_new("<domainsnapshot>\n");
    g_autofree char *ctime = g_strdup_printf("%lld", def->creation_time);

    vr_xml_elem_text(buf, 1, "name", def->name);
    vr_xml_elem_text(buf, 1, "description", def->description);
    vr_xml_elem_text(buf, 1, "state",
                     vr_snapshot_state_to_string(def->state));
    if (def->parent) {
        vr_xml_indent(buf, 1);
        g_string_append(buf, "<parent>\n");
        vr_xml_elem_text(buf, 2, "name", def->parent);
        vr_xml_indent(buf, 1);
        g_string_append(buf, "</parent>\n");
    }
    vr_xml_elem_text(buf, 1, "creationTime", ctime);
    format_memory(buf, def);
    if (def->disks->len) {
        vr_xml_indent(buf, 1);
        g_string_append(buf, "<disks>\n");
        for (guint i = 0; i < def->disks->len; i++)
            format_disk(buf, def->disks->pdata[i]);
        vr_xml_indent(buf, 1);
        g_string_append(buf, "</disks>\n");
    }
    if (def->dom)
        format_domain(buf, def->dom);
    g_string_append(buf, "</domainsnapshot>\n");
    return g_string_free(buf, FALSE);
}
