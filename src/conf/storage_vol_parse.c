/* storage_vol_parse.c: storage volume XML -> VrStorageVolDef (libvirt's
 * format, the subset in storage_conf.h), for a given pool.  Unknown
 * elements are dropped and <physical> is ignored (output only), as
 * libvirt does; VR_STORAGE_VOL_PARSE_VALIDATE checks
 * xml-schemas/storagevol.rng first. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf.h"
#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"

#define VR_VOL_XML_ERROR(...) \
    (vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE, __VA_ARGS__), -1)

/* <format type='...'/> child of @parent into *@out (absent: untouched). */
static int
vr_vol_parse_format(xmlNode *parent, VrStorageFormat *out)
{
    xmlNode *node = vr_xml_child(parent, "format");
    g_autofree char *type = node ? vr_xml_prop(node, "type") : NULL;
    int f;

    if (!node)
        return 0;
    if (!type)
        return VR_VOL_XML_ERROR("missing volume format type attribute");
    if ((f = vr_storage_format_from_string(type)) < 0)
        return VR_VOL_XML_ERROR("unknown volume format type '%s'", type);
    *out = f;
    return 0;
}

static int
vr_vol_parse_extents(VrStorageVolSourceDev *dev, xmlNode *node)
{
    for (xmlNode *c = node->children; c; c = c->next) {
        g_autofree char *start = NULL;
        g_autofree char *end = NULL;
        VrStorageExtent e;

        if (!vr_storage_is_elem(c, "extent"))
            continue;
        start = vr_xml_prop(c, "start");
        end = vr_xml_prop(c, "end");
        if (!start || !end ||
            !g_ascii_string_to_unsigned(start, 10, 0, G_MAXUINT64, &e.start,
                                        NULL) ||
            !g_ascii_string_to_unsigned(end, 10, 0, G_MAXUINT64, &e.end,
                                        NULL) || e.end < e.start)
            return VR_VOL_XML_ERROR("malformed extent of volume source "
                                    "device '%s'", dev->path);
        g_array_append_val(dev->extents, e);
    }
    return 0;
}

static int
vr_vol_parse_source(VrStorageVolDef *def, xmlNode *root)
{
    xmlNode *src = vr_xml_child(root, "source");

    for (xmlNode *c = src ? src->children : NULL; c; c = c->next) {
        VrStorageVolSourceDev *dev;

        if (!vr_storage_is_elem(c, "device"))
            continue;
        dev = g_new0(VrStorageVolSourceDev, 1);
        dev->extents = g_array_new(FALSE, FALSE, sizeof(VrStorageExtent));
        g_ptr_array_add(def->source_devices, dev);
        if (!(dev->path = vr_xml_prop(c, "path")) || dev->path[0] != '/')
            return VR_VOL_XML_ERROR("volume source device needs an absolute "
                                    "path");
        if (vr_vol_parse_extents(dev, c) < 0)
            return -1;
    }
    return 0;
}

static int
vr_vol_parse_sizes(VrStorageVolDef *def, xmlNode *root, unsigned int flags)
{
    int has_cap, has_alloc;

    if ((has_cap = vr_storage_size_parse(root, "capacity", &def->capacity)) < 0 ||
        (has_alloc = vr_storage_size_parse(root, "allocation",
                                           &def->allocation)) < 0)
        return -1;
    if (!has_cap && !(flags & VR_STORAGE_VOL_PARSE_NO_CAPACITY)) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                        "missing capacity element in volume '%s'", def->name);
        return -1;
    }
    if (!has_alloc)   /* libvirt: fully allocated unless told otherwise */
        def->allocation = def->capacity;
    return 0;
}

static int
vr_vol_parse_target(VrStorageVolDef *def, xmlNode *root)
{
    xmlNode *target = vr_xml_child(root, "target");
    xmlNode *features;
    g_autofree char *path = NULL;

    if (!target)
        return 0;
    if ((path = vr_xml_child_text(target, "path")) && *g_strstrip(path))
        def->target_path = vr_storage_path_sanitize(path);
    if (vr_vol_parse_format(target, &def->target_format) < 0 ||
        vr_storage_perms_parse(target, &def->target_perms) < 0)
        return -1;
    if ((def->compat = vr_xml_child_text(target, "compat")))
        g_strstrip(def->compat);
    if ((features = vr_xml_child(target, "features")))
        def->lazy_refcounts = vr_xml_child(features, "lazy_refcounts") != NULL;
    return 0;
}

static int
vr_vol_parse_backing(VrStorageVolDef *def, xmlNode *root)
{
    xmlNode *node = vr_xml_child(root, "backingStore");
    VrStorageVolBacking *b;
    g_autofree char *path = NULL;

    if (!node)
        return 0;
    b = def->backing = g_new0(VrStorageVolBacking, 1);
    vr_storage_perms_init(&b->perms);
    if (!(path = vr_xml_child_text(node, "path")) || !*g_strstrip(path))
        return VR_VOL_XML_ERROR("missing backing store path in volume '%s'",
                                def->name);
    b->path = vr_storage_path_sanitize(path);
    if (vr_vol_parse_format(node, &b->format) < 0 ||
        vr_storage_perms_parse(node, &b->perms) < 0)
        return -1;
    return 0;
}

static VrStorageVolDef *
vr_storage_vol_def_parse_node(xmlNode *root, unsigned int flags)
{
    g_autoptr(VrStorageVolDef) def = vr_storage_vol_def_new();
    g_autofree char *type = NULL;
    int t;

    if (strcmp((const char *)root->name, "volume") != 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                        "unexpected root element <%s>, expecting <volume>",
                        (const char *)root->name);
        return NULL;
    }
    def->type = VR_STORAGE_VOL_LAST;   /* "not given" until post-parse */
    if ((type = vr_xml_prop(root, "type"))) {
        if ((t = vr_storage_vol_type_from_string(type)) < 0) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                            "unknown volume type '%s'", type);
            return NULL;
        }
        def->type = t;
    }
    if (!(def->name = vr_xml_child_text(root, "name"))) {
        vr_error_report(VR_ERR_NO_NAME, VR_FROM_STORAGE, "volume");
        return NULL;
    }
    def->key = vr_xml_child_text(root, "key");
    if (vr_vol_parse_source(def, root) < 0 ||
        vr_vol_parse_sizes(def, root, flags) < 0 ||
        vr_vol_parse_target(def, root) < 0 ||
        vr_vol_parse_backing(def, root) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

VrStorageVolDef *
vr_storage_vol_def_parse_string(const char *xml, const VrStoragePoolDef *pool,
                                unsigned int flags)
{
    const char *origin = "(storage_volume_definition)";
    g_autoptr(VrStorageVolDef) def = NULL;
    xmlDoc *doc;

    if (VR_CHECK_FLAGS(flags, VR_STORAGE_VOL_PARSE_VALIDATE |
                              VR_STORAGE_VOL_PARSE_NO_CAPACITY) < 0)
        return NULL;
    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "no XML document given");
        return NULL;
    }
    if (!(doc = vr_xml_parse(xml, origin, VR_FROM_STORAGE)))
        return NULL;
    if ((flags & VR_STORAGE_VOL_PARSE_VALIDATE) &&
        vr_xml_validate_schema(xml, origin, "storagevol") < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    def = vr_storage_vol_def_parse_node(xmlDocGetRootElement(doc), flags);
    xmlFreeDoc(doc);
    if (!def || !vr_storage_vol_name_check(def->name) ||
        vr_storage_vol_def_post_parse(def, pool) < 0 ||
        vr_storage_vol_def_validate(def, flags &
                                    VR_STORAGE_VOL_PARSE_NO_CAPACITY) < 0)
        return NULL;
    return g_steal_pointer(&def);
}
