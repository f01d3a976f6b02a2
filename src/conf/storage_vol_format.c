/* storage_vol_format.c: VrStorageVolDef -> libvirt-style volume XML, in
 * libvirt's element order (name, key, source, capacity, allocation,
 * physical, target: path, format, permissions, compat, features;
 * backingStore) with 2-space indent.  Deterministic; never fails. */
#include <config.h>

#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "conf/xml_util.h"

static void
vr_vol_format_source(GString *buf, const VrStorageVolDef *def)
{
    /* libvirt always writes <source>, empty for file volumes */
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<source>\n");
    for (guint i = 0; i < def->source_devices->len; i++) {
        const VrStorageVolSourceDev *d = g_ptr_array_index(def->source_devices,
                                                           i);
        guint n = d->extents ? d->extents->len : 0;

        vr_xml_indent(buf, 2);
        g_string_append(buf, "<device");
        vr_xml_attr(buf, "path", d->path);
        g_string_append(buf, n ? ">\n" : "/>\n");
        for (guint j = 0; j < n; j++) {
            const VrStorageExtent *e = &g_array_index(d->extents,
                                                      VrStorageExtent, j);

            vr_xml_indent(buf, 3);
            g_string_append(buf, "<extent");
            vr_xml_attr_uint(buf, "start", e->start);
            vr_xml_attr_uint(buf, "end", e->end);
            g_string_append(buf, "/>\n");
        }
        if (n) {
            vr_xml_indent(buf, 2);
            g_string_append(buf, "</device>\n");
        }
    }
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</source>\n");
}

static void
vr_vol_format_fmt(GString *buf, int level, VrStorageFormat f)
{
    if (f == VR_STORAGE_FORMAT_NONE)
        return;
    vr_xml_indent(buf, level);
    g_string_append(buf, "<format");
    vr_xml_attr(buf, "type", vr_storage_format_to_string(f));
    g_string_append(buf, "/>\n");
}

static void
vr_vol_format_target(GString *buf, const VrStorageVolDef *def)
{
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<target>\n");
    vr_xml_elem_text(buf, 2, "path", def->target_path);
    vr_vol_format_fmt(buf, 2, def->target_format);
    vr_storage_perms_format(buf, 2, &def->target_perms);
    vr_xml_elem_text(buf, 2, "compat", def->compat);
    if (def->lazy_refcounts) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<features>\n");
        vr_xml_indent(buf, 3);
        g_string_append(buf, "<lazy_refcounts/>\n");
        vr_xml_indent(buf, 2);
        g_string_append(buf, "</features>\n");
    }
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</target>\n");
}

static void
vr_vol_format_backing(GString *buf, const VrStorageVolBacking *b)
{
    if (!b)
        return;
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<backingStore>\n");
    vr_xml_elem_text(buf, 2, "path", b->path);
    vr_vol_format_fmt(buf, 2, b->format);
    vr_storage_perms_format(buf, 2, &b->perms);
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</backingStore>\n");
}

char *
vr_storage_vol_def_format(const VrStorageVolDef *def, unsigned int flags)
{
    GString *buf = g_string_new("<volume");

    (void)flags;   /* no flags yet */
    vr_xml_attr(buf, "type", vr_storage_vol_type_to_string(def->type));
    g_string_append(buf, ">\n");
    vr_xml_elem_text(buf, 1, "name", def->name);
    vr_xml_elem_text(buf, 1, "key", def->key);
    vr_vol_format_source(buf, def);
    vr_storage_size_format(buf, 1, "capacity", def->capacity);
    vr_storage_size_format(buf, 1, "allocation", def->allocation);
    if (def->physical)
        vr_storage_size_format(buf, 1, "physical", def->physical);
    vr_vol_format_target(buf, def);
    vr_vol_format_backing(buf, def->backing);
    g_string_append(buf, "</volume>\n");
    return g_string_free(buf, FALSE);
}
