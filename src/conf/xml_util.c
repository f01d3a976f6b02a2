/* xml_util.c: libxml2 helpers for the conf parsers and formatters. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "conf/xml_util.h"
#include "util/vr_error.h"

/* Keep the first error only (later ones are consequences), as libvirt
 * reports the first.  @ctx is the parser context (its userData). */
static void
vr_xml_first_error(void *ctx, xmlErrorPtr err)
{
    xmlParserCtxt *ctxt = ctx;
    xmlError *first = ctxt->_private;

    if (first->code == 0 && err)
        xmlCopyError(err, first);
}

static gpointer
vr_xml_init_once(gpointer data)
{
    xmlInitParser();
    return NULL;
}

/* The text of line @line (1-based) in @xml, owned. */
static char *
vr_xml_line_text(const char *xml, int line)
{
    const char *p = xml;
    const char *end;

    for (int i = 1; i < line && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return g_strdup("");
    end = strchr(p, '\n');
    if (!end)
        end = p + strlen(p);
    if (end - p > 80)
        end = p + 80;
    return g_strndup(p, end - p);
}

static void
vr_xml_report_syntax(const char *xml, const char *origin, int err_domain,
                     const xmlError *err)
{
    g_autofree char *msg = NULL;
    g_autofree char *ctx = NULL;
    g_autofree char *caret = NULL;
    int col;

    if (!err || !err->message) {
        vr_error_report(VR_ERR_XML_DETAIL, err_domain,
                        "%s: failed to parse XML document", origin);
        return;
    }
    msg = g_strchomp(g_strdup(err->message));
    ctx = vr_xml_line_text(xml, err->line);
    col = err->int2 > 0 ? err->int2 - 1 : 0;
    if (col > (int)strlen(ctx))
        col = strlen(ctx);
    caret = g_strnfill(col, ' ');
    vr_error_report(VR_ERR_XML_DETAIL, err_domain, "%s:%d: %s\n%s\n%s^",
                    origin, err->line, msg, ctx, caret);
}

xmlDoc *
vr_xml_parse(const char *xml, const char *origin, int err_domain)
{
    static GOnce init = G_ONCE_INIT;
    xmlError first = { 0 };
    xmlParserCtxt *ctxt;
    xmlDoc *doc;
    int opts = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR;

    g_once(&init, vr_xml_init_once, NULL);
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        vr_error_report(VR_ERR_NO_MEMORY, err_domain, "XML parser context");
        return NULL;
    }
    ctxt->sax->serror = vr_xml_first_error;
    ctxt->_private = &first;
    doc = xmlCtxtReadMemory(ctxt, xml, strlen(xml), origin, NULL, opts);
    if (!doc || !ctxt->wellFormed) {
        vr_xml_report_syntax(xml, origin, err_domain,
                             first.code ? &first : xmlCtxtGetLastError(ctxt));
        xmlResetError(&first);
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlResetError(&first);
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) {
        /* no DTDs: they are the way to entity tricks (XXE, expansion) */
        vr_error_report(VR_ERR_XML_DETAIL, err_domain,
                        "%s: DOCTYPE declarations are not allowed", origin);
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!xmlDocGetRootElement(doc)) {
        vr_error_report(VR_ERR_XML_DETAIL, err_domain,
                        "%s: document has no root element", origin);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

xmlNode *
vr_xml_child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

char *
vr_xml_prop(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    char *ret;

    if (!v)
        return NULL;
    ret = g_strdup((const char *)v);
    xmlFree(v);
    return ret;
}

char *
vr_xml_text(xmlNode *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char *ret = g_strdup(v ? (const char *)v : "");

    xmlFree(v);
    return ret;
}

char *
vr_xml_child_text(xmlNode *node, const char *name)
{
    xmlNode *c = vr_xml_child(node, name);

    return c ? vr_xml_text(c) : NULL;
}

static void
vr_xml_bad_attr(xmlNode *node, const char *name, const char *value,
                const char *extra)
{
    vr_error_report(VR_ERR_XML_ERROR, VR_FROM_XML,
                    "Invalid value for attribute '%s' in element '%s': '%s'.%s",
                    name, (const char *)node->name, value, extra);
}

int
vr_xml_prop_enum(xmlNode *node, const char *name, VrEnumFromString conv,
                 bool required, int *out)
{
    g_autofree char *v = vr_xml_prop(node, name);
    int val;

    if (!v) {
        if (!required)
            return 0;
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_XML,
                        "Missing required attribute '%s' in element '%s'",
                        name, (const char *)node->name);
        return -1;
    }
    if ((val = conv(v)) < 0) {
        vr_xml_bad_attr(node, name, v, "");
        return -1;
    }
    *out = val;
    return 1;
}

/* Parse a whole-string integer; hex with 0x.  Not reported. */
static int
vr_xml_str_to_ll(const char *s, long long min, long long max, long long *out)
{
    char *end = NULL;
    long long v;

    if (!s || !*s || g_ascii_isspace(*s))
        return -1;
    errno = 0;
    if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X"))
        v = strtoll(s + 2, &end, 16);
    else
        v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int
vr_xml_prop_uint(xmlNode *node, const char *name, unsigned int *out)
{
    g_autofree char *v = vr_xml_prop(node, name);
    long long val;

    if (!v)
        return 0;
    if (vr_xml_str_to_ll(v, 0, G_MAXUINT, &val) < 0) {
        vr_xml_bad_attr(node, name, v, " Expected non-negative integer value");
        return -1;
    }
    *out = val;
    return 1;
}

int
vr_xml_prop_int(xmlNode *node, const char *name, int *out)
{
    g_autofree char *v = vr_xml_prop(node, name);
    long long val;

    if (!v)
        return 0;
    if (vr_xml_str_to_ll(v, G_MININT, G_MAXINT, &val) < 0) {
        vr_xml_bad_attr(node, name, v, " Expected integer value");
        return -1;
    }
    *out = val;
    return 1;
}

int
vr_xml_prop_bool(xmlNode *node, const char *name, bool *out)
{
    g_autofree char *v = vr_xml_prop(node, name);

    if (!v)
        return 0;
    if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0) {
        *out = true;
    } else if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0) {
        *out = false;
    } else {
        vr_xml_bad_attr(node, name, v, "");
        return -1;
    }
    return 1;
}

void
vr_xml_escape(GString *buf, const char *str)
{
    for (const char *p = str; *p; p++) {
        switch (*p) {
        case '<': g_string_append(buf, "&lt;"); break;
        case '>': g_string_append(buf, "&gt;"); break;
        case '&': g_string_append(buf, "&amp;"); break;
        case '\'': g_string_append(buf, "&apos;"); break;
        case '"': g_string_append(buf, "&quot;"); break;
        default: g_string_append_c(buf, *p); break;
        }
    }
}

void
vr_xml_attr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, " %s='", name);
    vr_xml_escape(buf, value);
    g_string_append_c(buf, '\'');
}

void
vr_xml_attr_uint(GString *buf, const char *name, unsigned long long v)
{
    g_string_append_printf(buf, " %s='%llu'", name, v);
}

void
vr_xml_indent(GString *buf, int level)
{
    for (int i = 0; i < level; i++)
        g_string_append(buf, "  ");
}

void
vr_xml_elem_text(GString *buf, int level, const char *name, const char *text)
{
    if (!text)
        return;
    vr_xml_indent(buf, level);
    g_string_append_printf(buf, "<%s>", name);
    vr_xml_escape(buf, text);
    g_string_append_printf(buf, "</%s>\n", name);
}

/* Drop whitespace-only text nodes from elements that have element
 * children, so re-indenting on output is stable. */
static void
vr_xml_strip_blanks(xmlNode *node)
{
    bool has_elem = false;
    xmlNode *c;
    xmlNode *next;

    for (c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            has_elem = true;
    for (c = node->children; c; c = next) {
        next = c->next;
        if (c->type == XML_ELEMENT_NODE) {
            vr_xml_strip_blanks(c);
        } else if (has_elem && c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

static void
vr_xml_dump_one(GString *out, xmlNode *child)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *copy = xmlDocCopyNode(child, doc, 1);
    xmlBuffer *xbuf = xmlBufferCreate();

    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    vr_xml_strip_blanks(copy);
    xmlNodeDump(xbuf, doc, copy, 0, 1);
    if (out->len)
        g_string_append_c(out, '\n');
    g_string_append(out, (const char *)xmlBufferContent(xbuf));
    xmlBufferFree(xbuf);
    xmlFreeDoc(doc);
}

char *
vr_xml_children_dump(xmlNode *node)
{
    GString *out = g_string_new(NULL);

    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            vr_xml_dump_one(out, c);
    }
    return g_string_free(out, FALSE);
}
