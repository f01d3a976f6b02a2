/* snapshot_parse.c: <domainsnapshot> XML -> VrSnapshotDef (libvirt's
 * format, the subset in snapshot_conf.h).  Without
 * VR_SNAPSHOT_PARSE_REDEFINE the output-only parts (state, creationTime,
 * parent, domain) are ignored as libvirt does for a new snapshot, and a
 * missing name becomes the creation time in seconds.
 */
#include <config.h>

#include <stdarg.h>
#include <string.h>

#include "conf/snapshot_conf.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"
#include "util/vr_macros.h"

/* Report VR_ERR_XML_ERROR; returns -1. */
static int G_GNUC_PRINTF(1, 2)
snap_xml_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vr_error_reportv(VR_ERR_XML_ERROR, VR_FROM_DOMAIN_SNAPSHOT, fmt, ap);
    va_end(ap);
    return -1;
}

static bool
is_elem(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE &&
           g_str_equal((const char *) n->name, name);
}

static int
parse_location(xmlNode *node, const char *what, VrSnapshotLocation *out)
{
    g_autofree char *val = vr_xml_prop(node, "snapshot");
    int loc;

    if (!val)
        return 0;
    if ((loc = vr_snapshot_location_from_string(val)) <= 0)
        return snap_xml_error("unknown %s snapshot setting '%s'", what, val);
    *out = loc;
    return 0;
}

static int
parse_disk(VrSnapshotDef *def, xmlNode *node)
{
    VrSnapshotDiskDef *d = g_new0(VrSnapshotDiskDef, 1);
    g_autofree char *type = vr_xml_prop(node, "type");
    xmlNode *drv = vr_xml_child(node, "driver");
    xmlNode *src = vr_xml_child(node, "source");

    /* owned by @def from here on, also on failure */
    g_ptr_array_add(def->disks, d);
    if (!(d->name = vr_xml_prop(node, "name")))
        return snap_xml_error("missing name from disk snapshot element");
    if (parse_location(node, "disk", &d->snapshot) < 0)
        return -1;
    if (type && !g_str_equal(type, "file"))
        return snap_xml_error("unsupported disk snapshot type '%s' for "
                              "disk '%s'", type, d->name);
    d->src_file = src ? vr_xml_prop(src, "file") : NULL;
    d->driver_type = drv ? vr_xml_prop(drv, "type") : NULL;
    if (d->driver_type && !g_str_equal(d->driver_type, "qcow2"))
        return snap_xml_error("external snapshot format '%s' of disk '%s' "
                              "is not supported: use qcow2",
                              d->driver_type, d->name);
    return 0;
}

static int
parse_memory(VrSnapshotDef *def, xmlNode *node)
{
    if (parse_location(node, "memory", &def->memory) < 0)
        return -1;
    def->memory_file = vr_xml_prop(node, "file");
    if (def->memory_file && def->memory == VR_SNAPSHOT_LOCATION_DEFAULT)
        def->memory = VR_SNAPSHOT_LOCATION_EXTERNAL;
    return 0;
}

/* The embedded <domain>: serialised again and parsed by domain_conf. */
static int
parse_domain(VrSnapshotDef *def, xmlNode *node)
{
    xmlBuffer *buf = xmlBufferCreate();
    int rc = 0;

    xmlNodeDump(buf, node->doc, node, 0, 0);
    def->dom = vr_domain_def_parse_string((const char *)
                                          xmlBufferContent(buf),
                                          "(snapshot_domain)", 0);
    if (!def->dom) {
        vr_error_prefix("snapshot '%s': ", def->name ? def->name : "");
        rc = -1;
    }
    xmlBufferFree(buf);
    return rc;
}

static int
parse_redefine(VrSnapshotDef *def, xmlNode *root)
{
    g_autofree char *state = vr_xml_child_text(root, "state");
    g_autofree char *ctime = vr_xml_child_text(root, "creationTime");
    xmlNode *parent = vr_xml_child(root, "parent");
    xmlNode *dom = vr_xml_child(root, "domain");
    gint64 t = 0;
    int st;

    if (state) {
        if ((st = vr_snapshot_state_from_string(state)) < 0)
            return snap_xml_error("Invalid state '%s' in domain snapshot "
                                  "XML", state);
        def->state = st;
    }
    if (ctime) {
        if (!g_ascii_string_to_signed(ctime, 10, 0, G_MAXINT64, &t, NULL))
            return snap_xml_error("invalid creationTime '%s'", ctime);
        def->creation_time = t;
    }
    if (parent)
        def->parent = vr_xml_child_text(parent, "name");
    if (dom && vr_xml_child(dom, "name") && parse_domain(def, dom) < 0)
        return -1;
    return 0;
}

static VrSnapshotDef *
parse_root(xmlNode *root, unsigned int flags)
{
    g_autoptr(VrSnapshotDef) def = vr_snapshot_def_new();
    xmlNode *node;

    if (!root || !is_elem(root, "domainsnapshot")) {
        snap_xml_error("unexpected root element <%s>, expecting "
                       "<domainsnapshot>", root ? (const char *) root->name
                                                : "");
        return NULL;
    }
    def->name = vr_xml_child_text(root, "name");
    def->description = vr_xml_child_text(root, "description");
    def->creation_time = g_get_real_time() / G_USEC_PER_SEC;
    if ((flags & VR_SNAPSHOT_PARSE_REDEFINE) &&
        parse_redefine(def, root) < 0)
        return NULL;
    if (!def->name) {
        if (flags & VR_SNAPSHOT_PARSE_REDEFINE) {
            snap_xml_error("a redefined snapshot must have a name");
            return NULL;
        }
        def->name = g_strdup_printf("%lld", def->creation_time);
    }
    if ((node = vr_xml_child(root, "memory")) && parse_memory(def, node) < 0)
        return NULL;
    if ((node = vr_xml_child(root, "disks"))) {
        for (xmlNode *c = node->children; c; c = c->next)
            if (is_elem(c, "disk") && parse_disk(def, c) < 0)
                return NULL;
    }
    return g_steal_pointer(&def);
}

VrSnapshotDef *
vr_snapshot_def_parse_string(const char *xml, unsigned int flags)
{
    const char *origin = "(domain_snapshot)";
    g_autoptr(VrSnapshotDef) def = NULL;
    xmlDoc *doc;

    if (VR_CHECK_FLAGS(flags, VR_SNAPSHOT_PARSE_VALIDATE |
                              VR_SNAPSHOT_PARSE_REDEFINE) < 0)
        return NULL;
    if (!xml) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_DOMAIN_SNAPSHOT,
                        "no XML document given");
        return NULL;
    }
    if (!(doc = vr_xml_parse(xml, origin, VR_FROM_DOMAIN_SNAPSHOT)))
        return NULL;
    if ((flags & VR_SNAPSHOT_PARSE_VALIDATE) &&
        vr_xml_validate_schema(xml, origin, "domainsnapshot") < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    def = parse_root(xmlDocGetRootElement(doc), flags);
    xmlFreeDoc(doc);
    if (!def || vr_snapshot_def_validate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}
