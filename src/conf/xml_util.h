/* xml_util.h: libxml2 helpers shared by every conf parser and formatter:
 * safe document parsing with libvirt-style syntax errors, attribute and
 * child readers that report libvirt's wording, and escaping writers.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <libxml/tree.h>

/* Parse @xml (NONET, no entity expansion, no DTD, no HUGE).  Returns the
 * owned document (xmlFreeDoc) or NULL with VR_ERR_XML_DETAIL reported in
 * @err_domain: "ORIGIN:LINE: message\nline text\n   ^". */
xmlDoc *vr_xml_parse(const char *xml, const char *origin, int err_domain);

/* First element child of @node called @name, or NULL (not reported). */
xmlNode *vr_xml_child(xmlNode *node, const char *name);

/* Attribute @name of @node as an owned (g_free) string, or NULL when
 * absent (not reported). */
char *vr_xml_prop(xmlNode *node, const char *name);

/* Text content of @node / of child @name, owned (g_free); NULL when the
 * child is absent (not reported). */
char *vr_xml_text(xmlNode *node);
char *vr_xml_child_text(xmlNode *node, const char *name);

typedef int (*VrEnumFromString)(const char *str);

/* Read enum attribute @name.  Absent: returns 0 and leaves *@out alone
 * unless @required (then reports "Missing required attribute").  Bad
 * value: returns -1 with VR_ERR_XML_ERROR "Invalid value for attribute
 * 'A' in element 'E': 'V'.".  Returns 1 when set. */
int vr_xml_prop_enum(xmlNode *node, const char *name, VrEnumFromString conv,
                     bool required, int *out);

/* Read unsigned attribute @name (decimal, or hex with 0x prefix).  Returns
 * 0 when absent (untouched *@out), 1 when set, -1 with VR_ERR_XML_ERROR. */
int vr_xml_prop_uint(xmlNode *node, const char *name, unsigned int *out);

/* Same, signed. */
int vr_xml_prop_int(xmlNode *node, const char *name, int *out);

/* Read a yes/no (or on/off) attribute into *@out.  Returns 0 absent,
 * 1 set, -1 with VR_ERR_XML_ERROR. */
int vr_xml_prop_bool(xmlNode *node, const char *name, bool *out);

/* Writers on a GString.  Attribute values use single quotes as libvirt. */
void vr_xml_escape(GString *buf, const char *str);
void vr_xml_attr(GString *buf, const char *name, const char *value);
void vr_xml_attr_uint(GString *buf, const char *name, unsigned long long v);
void vr_xml_indent(GString *buf, int level);
/* "<name>escaped text</name>\n" at @level, nothing when @text is NULL. */
void vr_xml_elem_text(GString *buf, int level, const char *name,
                      const char *text);

/* Serialize the element children of @node (namespaces reconciled,
 * whitespace between elements dropped, one child per chunk separated by
 * newlines).  Returns an owned string, "" when there are none. */
char *vr_xml_children_dump(xmlNode *node);
