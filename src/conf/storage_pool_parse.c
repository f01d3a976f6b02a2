/* storage_pool_parse.c: storage pool XML -> VrStoragePoolDef (libvirt's
 * format, the subset in storage_conf.h).  Unknown elements are dropped,
 * as libvirt does; VR_STORAGE_POOL_PARSE_VALIDATE checks
 * xml-schemas/storagepool.rng first. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf.h"
#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

#define VR_POOL_XML_ERROR(...) \
    (vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE, __VA_ARGS__), -1)

static int
vr_pool_parse_type(VrStoragePoolDef *def, xmlNode *root)
{
    g_autofree char *type = vr_xml_prop(root, "type");
    static const char *const known[] = {
        "disk", "iscsi", "iscsi-direct", "scsi", "mpath", "rbd", "sheepdog",
        "gluster", "zfs", "vstorage",
    };
    int t;

    if (!type)
        return VR_POOL_XML_ERROR("storage pool missing type attribute");
    if ((t = vr_storage_pool_type_from_string(type)) >= 0) {
        def->type = t;
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
        if (strcmp(type, known[i]) == 0) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_STORAGE,
                            "storage pool type '%s' is not supported "
                            "(supported: dir, fs, netfs, logical)", type);
            return -1;
        }
    }
    return VR_POOL_XML_ERROR("unknown storage pool type '%s'", type);
}

static int
vr_pool_parse_identity(VrStoragePoolDef *def, xmlNode *root)
{
    g_autofree char *uuid = NULL;

    if ((def->name = vr_xml_child_text(root, "name"))) {
        g_strstrip(def->name);
        if (!vr_storage_pool_name_check(def->name))
            return -1;
    }
    if ((uuid = vr_xml_child_text(root, "uuid")) &&
        vr_uuid_parse(uuid, def->uuid) < 0)
        return VR_POOL_XML_ERROR("malformed uuid element");
    if (vr_storage_size_parse(root, "capacity", &def->capacity) < 0 ||
        vr_storage_size_parse(root, "allocation", &def->allocation) < 0 ||
        vr_storage_size_parse(root, "available", &def->available) < 0)
        return -1;
    return 0;
}

static int
vr_pool_parse_host(VrStoragePoolDef *def, xmlNode *node)
{
    VrStoragePoolHost *h = g_new0(VrStoragePoolHost, 1);

    g_ptr_array_add(def->source.hosts, h);
    if (!(h->name = vr_xml_prop(node, "name")) || !*h->name)
        return VR_POOL_XML_ERROR("missing storage pool host name");
    if (vr_xml_prop_uint(node, "port", &h->port) < 0)
        return -1;
    if (h->port > 65535)
        return VR_POOL_XML_ERROR("invalid port %u for storage pool host '%s'",
                                 h->port, h->name);
    return 0;
}

static int
vr_pool_parse_device(VrStoragePoolDef *def, xmlNode *node)
{
    g_autofree char *path = vr_xml_prop(node, "path");

    if (!path || !*path)
        return VR_POOL_XML_ERROR("missing storage pool source device path");
    g_ptr_array_add(def->source.devices, vr_storage_path_sanitize(path));
    return 0;
}

/* <format type=.../> read with the enum of the pool's type. */
static int
vr_pool_parse_format(VrStoragePoolDef *def, xmlNode *node)
{
    g_autofree char *type = vr_xml_prop(node, "type");
    int f = -1;

    if (!type)
        return VR_POOL_XML_ERROR("missing storage pool source format type");
    switch (def->type) {
    case VR_STORAGE_POOL_FS:
        f = vr_storage_fs_format_from_string(type);
        break;
    case VR_STORAGE_POOL_NETFS:
        f = vr_storage_netfs_format_from_string(type);
        break;
    case VR_STORAGE_POOL_LOGICAL:
        f = vr_storage_logical_format_from_string(type);
        break;
    case VR_STORAGE_POOL_DIR:
    case VR_STORAGE_POOL_LAST:
        return 0;   /* dir pools have no source format: dropped */
    }
    if (f < 0)
        return VR_POOL_XML_ERROR("unknown pool format type '%s' for a '%s' "
                                 "pool", type,
                                 vr_storage_pool_type_to_string(def->type));
    def->source.format = f;
    return 0;
}

static int
vr_pool_parse_source(VrStoragePoolDef *def, xmlNode *root)
{
    xmlNode *src = vr_xml_child(root, "source");
    int rc = 0;

    for (xmlNode *c = src ? src->children : NULL; c && rc == 0; c = c->next) {
        if (vr_storage_is_elem(c, "host")) {
            rc = vr_pool_parse_host(def, c);
        } else if (vr_storage_is_elem(c, "device")) {
            rc = vr_pool_parse_device(def, c);
        } else if (vr_storage_is_elem(c, "dir")) {
            g_autofree char *path = vr_xml_prop(c, "path");

            if (!path || !*path)
                return VR_POOL_XML_ERROR("missing storage pool source dir "
                                         "path");
            g_free(def->source.dir);
            def->source.dir = vr_storage_path_sanitize(path);
        } else if (vr_storage_is_elem(c, "name")) {
            g_free(def->source.name);
            def->source.name = g_strstrip(vr_xml_text(c));
        } else if (vr_storage_is_elem(c, "format")) {
            rc = vr_pool_parse_format(def, c);
        }
    }
    return rc;
}

static int
vr_pool_parse_target(VrStoragePoolDef *def, xmlNode *root)
{
    xmlNode *target = vr_xml_child(root, "target");
    g_autofree char *path = NULL;

    if (!target)
        return 0;
    if ((path = vr_xml_child_text(target, "path"))) {
        g_strstrip(path);
        if (*path)
            def->target_path = vr_storage_path_sanitize(path);
    }
    return vr_storage_perms_parse(target, &def->target_perms);
}

static VrStoragePoolDef *
vr_storage_pool_def_parse_node(xmlNode *root)
{
    g_autoptr(VrStoragePoolDef) def = vr_storage_pool_def_new();

    if (strcmp((const char *)root->name, "pool") != 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                        "unexpected root element <%s>, expecting <pool>",
                        (const char *)root->name);
        return NULL;
    }
    if (vr_pool_parse_type(def, root) < 0 ||
        vr_pool_parse_identity(def, root) < 0 ||
        vr_pool_parse_source(def, root) < 0 ||
        vr_pool_parse_target(def, root) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

VrStoragePoolDef *
vr_storage_pool_def_parse_string(const char *xml, const char *origin,
                                 unsigned int flags)
{
    g_autoptr(VrStoragePoolDef) def = NULL;
    xmlDoc *doc;

    if (VR_CHECK_FLAGS(flags, VR_STORAGE_POOL_PARSE_VALIDATE) < 0)
        return NULL;
    if (!origin)
        origin = "(storage_pool_definition)";
    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_STORAGE,
                        "no XML document given");
        return NULL;
    }
    if (!(doc = vr_xml_parse(xml, origin, VR_FROM_STORAGE)))
        return NULL;
    if ((flags & VR_STORAGE_POOL_PARSE_VALIDATE) &&
        vr_xml_validate_schema(xml, origin, "storagepool") < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    def = vr_storage_pool_def_parse_node(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    if (!def || vr_storage_pool_def_post_parse(def) < 0 ||
        vr_storage_pool_def_validate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}
