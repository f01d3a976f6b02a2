/* vr_schema.c: RelaxNG validation of documents against our own schemas
 * (xml-schemas/NAME.rng).  Parsed schemas are cached for the process; each
 * validation uses its own context, so threads may validate at once. */
#include <config.h>

#include <string.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "conf/domain_conf.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"

static GMutex vr_schema_lock;
static GHashTable *vr_schema_cache;   /* name -> xmlRelaxNG * */

const char *
vr_schema_dir(void)
{
    const char *env = g_getenv("VIREO_SCHEMA_DIR");

    return env && *env ? env : PKGDATADIR "/schemas";
}

static void
vr_schema_quiet(void *ctx, xmlErrorPtr err)
{
}

/* Load (once) the schema @name; NULL with an error reported. */
static xmlRelaxNG *
vr_schema_get(const char *name)
{
    g_autofree char *path = NULL;
    xmlRelaxNGParserCtxt *pctxt;
    xmlRelaxNG *rng;

    g_mutex_lock(&vr_schema_lock);
    if (!vr_schema_cache)
        vr_schema_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify)xmlRelaxNGFree);
    if ((rng = g_hash_table_lookup(vr_schema_cache, name))) {
        g_mutex_unlock(&vr_schema_lock);
        return rng;
    }
    path = g_strdup_printf("%s/%s.rng", vr_schema_dir(), name);
    pctxt = g_file_test(path, G_FILE_TEST_IS_REGULAR) ?
        xmlRelaxNGNewParserCtxt(path) : NULL;
    xmlRelaxNGSetParserStructuredErrors(pctxt, vr_schema_quiet, NULL);
    rng = pctxt ? xmlRelaxNGParse(pctxt) : NULL;
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (rng)
        g_hash_table_insert(vr_schema_cache, g_strdup(name), rng);
    g_mutex_unlock(&vr_schema_lock);
    if (!rng)
        vr_error_report(VR_ERR_XML_INVALID_SCHEMA, VR_FROM_DOMAIN,
                        "cannot load RelaxNG schema '%s' (set VIREO_SCHEMA_DIR?)",
                        path);
    return rng;
}

typedef struct {
    const char *origin;
    GString *inner;     /* errors on nested elements: the useful ones */
    GString *outer;     /* errors on the root element */
    int count;
} VrSchemaErrors;

/* Collect validity errors as "ORIGIN:LINE: element 'E': message", those
 * naming a nested element first (root errors mostly repeat them). */
static void
vr_schema_collect(void *data, xmlErrorPtr err)
{
    VrSchemaErrors *errs = data;
    xmlNode *node = err->node;
    g_autofree char *text = g_strchomp(g_strdup(err->message ? err->message : "?"));
    int line = node ? xmlGetLineNo(node) : err->line;
    bool root = !node || !node->parent || node->parent->type != XML_ELEMENT_NODE;
    GString *out = root ? errs->outer : errs->inner;

    if (errs->count++ >= 8)
        return;
    if (out->len)
        g_string_append_c(out, '\n');
    g_string_append_printf(out, "%s:%d: element '%s': %s", errs->origin,
                           line, node && node->name ? (const char *)node->name : "?",
                           text);
}

int
vr_xml_validate_schema(const char *xml, const char *origin,
                       const char *schema_name)
{
    g_autoptr(GString) inner = g_string_new(NULL);
    g_autoptr(GString) outer = g_string_new(NULL);
    VrSchemaErrors errs = { origin ? origin : "(document)", inner, outer, 0 };
    xmlRelaxNG *rng;
    xmlRelaxNGValidCtxt *vctxt;
    xmlDoc *doc;
    int rc;

    if (!(doc = vr_xml_parse(xml, errs.origin, VR_FROM_DOMAIN)))
        return -1;
    if (!(rng = vr_schema_get(schema_name))) {
        xmlFreeDoc(doc);
        return -1;
    }
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidStructuredErrors(vctxt, vr_schema_collect, &errs);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlFreeDoc(doc);
    if (rc == 0)
        return 0;
    if (!inner->len)
        g_string_append(inner, outer->len ? outer->str :
                        "document does not match the schema");
    vr_error_report(VR_ERR_XML_INVALID_SCHEMA, VR_FROM_DOMAIN, "%s",
                    inner->str);
    return -1;
}
