/* storage_pool_format.c: VrStoragePoolDef -> libvirt-style pool XML, in
 * libvirt's element order (name, uuid, capacity, allocation, available,
 * source: host, device, dir, name, format; target: path, permissions)
 * with 2-space indent.  Deterministic; never fails. */
#include <config.h>

#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_uuid.h"

static const char *
vr_pool_source_format_name(const VrStoragePoolDef *def)
{
    switch (def->type) {
    case VR_STORAGE_POOL_FS:
        return vr_storage_fs_format_to_string(def->source.format);
    case VR_STORAGE_POOL_NETFS:
        return vr_storage_netfs_format_to_string(def->source.format);
    case VR_STORAGE_POOL_LOGICAL:
        return vr_storage_logical_format_to_string(def->source.format);
    case VR_STORAGE_POOL_DIR:
    case VR_STORAGE_POOL_LAST:
        break;
    }
    return NULL;
}

static void
vr_pool_format_source(GString *buf, const VrStoragePoolDef *def)
{
    const char *fmt = vr_pool_source_format_name(def);

    /* libvirt always writes <source>, even empty for dir pools */
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<source>\n");
    for (guint i = 0; i < def->source.hosts->len; i++) {
        const VrStoragePoolHost *h = g_ptr_array_index(def->source.hosts, i);

        vr_xml_indent(buf, 2);
        g_string_append(buf, "<host");
        vr_xml_attr(buf, "name", h->name);
        if (h->port)
            vr_xml_attr_uint(buf, "port", h->port);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < def->source.devices->len; i++) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<device");
        vr_xml_attr(buf, "path", g_ptr_array_index(def->source.devices, i));
        g_string_append(buf, "/>\n");
    }
    if (def->source.dir) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<dir");
        vr_xml_attr(buf, "path", def->source.dir);
        g_string_append(buf, "/>\n");
    }
    vr_xml_elem_text(buf, 2, "name", def->source.name);
    if (fmt) {
        vr_xml_indent(buf, 2);
        g_string_append(buf, "<format");
        vr_xml_attr(buf, "type", fmt);
        g_string_append(buf, "/>\n");
    }
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</source>\n");
}

char *
vr_storage_pool_def_format(const VrStoragePoolDef *def, unsigned int flags)
{
    GString *buf = g_string_new("<pool");
    char uuid[VR_UUID_STRING_BUFLEN];

    (void)flags;   /* no flags yet: sizes are always formatted, as libvirt */
    vr_xml_attr(buf, "type", vr_storage_pool_type_to_string(def->type));
    g_string_append(buf, ">\n");
    vr_xml_elem_text(buf, 1, "name", def->name);
    vr_xml_elem_text(buf, 1, "uuid", vr_uuid_format(def->uuid, uuid));
    vr_storage_size_format(buf, 1, "capacity", def->capacity);
    vr_storage_size_format(buf, 1, "allocation", def->allocation);
    vr_storage_size_format(buf, 1, "available", def->available);
    vr_pool_format_source(buf, def);
    vr_xml_indent(buf, 1);
    g_string_append(buf, "<target>\n");
    vr_xml_elem_text(buf, 2, "path", def->target_path);
    vr_storage_perms_format(buf, 2, &def->target_perms);
    vr_xml_indent(buf, 1);
    g_string_append(buf, "</target>\n");
    g_string_append(buf, "</pool>\n");
    return g_string_free(buf, FALSE);
}
