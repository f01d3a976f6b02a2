/* storage_common.c: pieces shared by the pool and volume XML code:
 * sizes with units (libvirt's scaled integers), <permissions>, path
 * sanitizing. */
#include <config.h>

#include <string.h>

#include "conf/storage_conf.h"
#include "conf/storage_conf_priv.h"
#include "conf/xml_util.h"
#include "util/vr_error.h"

bool
vr_storage_is_elem(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/* Bytes per @unit, or 0 when @unit is not one (libvirt's rules: "b",
 * "byte", "bytes"; one letter of kmgtpe alone or + "iB" = powers of 1024,
 * + "B" = powers of 1000; case-insensitive). */
static unsigned long long
vr_storage_unit_scale(const char *unit)
{
    static const char letters[] = "kmgtpe";
    const char *p;
    unsigned long long base, scale = 1;

    if (!unit || !*unit || g_ascii_strcasecmp(unit, "b") == 0 ||
        g_ascii_strcasecmp(unit, "byte") == 0 ||
        g_ascii_strcasecmp(unit, "bytes") == 0)
        return 1;
    if (!(p = strchr(letters, g_ascii_tolower(unit[0]))))
        return 0;
    if (!unit[1] || g_ascii_strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (g_ascii_strcasecmp(unit + 1, "B") == 0)
        base = 1000;
    else
        return 0;
    for (long i = 0; i <= p - letters; i++)
        scale *= base;
    return scale;
}

int
vr_storage_parse_size_full(const char *value, const char *unit,
                           const char *what, int code,
                           unsigned long long *bytes)
{
    g_autofree char *v = g_strstrip(g_strdup(value ? value : ""));
    const char *w = what ? what : "size";
    guint64 n = 0;
    unsigned long long scale;
    bool ok = *v != '\0';

    for (const char *p = v; ok && *p; p++)
        ok = g_ascii_isdigit(*p);
    if (!ok) {
        vr_error_report(code, VR_FROM_STORAGE, "malformed %s value '%s'", w,
                        value ? value : "");
        return -1;
    }
    if (!(scale = vr_storage_unit_scale(unit))) {
        vr_error_report(code, VR_FROM_STORAGE, "unknown unit '%s' in %s", unit,
                        w);
        return -1;
    }
    /* digits only: a failed conversion can only be an overflow */
    if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, &n, NULL) ||
        n > G_MAXUINT64 / scale) {
        vr_error_report(code, VR_FROM_STORAGE,
                        "%s value too large: %s %s (at most %llu bytes)", w, v,
                        unit ? unit : "bytes", (unsigned long long)G_MAXUINT64);
        return -1;
    }
    *bytes = n * scale;
    return 0;
}

int
vr_storage_parse_size(const char *value, const char *unit,
                      unsigned long long *bytes)
{
    return vr_storage_parse_size_full(value, unit, NULL, VR_ERR_INVALID_ARG,
                                      bytes);
}

int
vr_storage_size_parse(xmlNode *parent, const char *name,
                      unsigned long long *out)
{
    xmlNode *node = vr_xml_child(parent, name);
    g_autofree char *text = NULL;
    g_autofree char *unit = NULL;

    if (!node)
        return 0;
    text = vr_xml_text(node);
    unit = vr_xml_prop(node, "unit");
    if (vr_storage_parse_size_full(text, unit, name, VR_ERR_XML_ERROR,
                                   out) < 0)
        return -1;
    return 1;
}

void
vr_storage_size_format(GString *buf, int level, const char *name,
                       unsigned long long bytes)
{
    vr_xml_indent(buf, level);
    g_string_append_printf(buf, "<%s unit='bytes'>%llu</%s>\n", name, bytes,
                           name);
}

/* An id element (<owner>/<group>): unsigned 32-bit or -1. */
static int
vr_storage_perm_id_parse(xmlNode *perms, const char *name, long long *out)
{
    g_autofree char *text = vr_xml_child_text(perms, name);
    guint64 v;

    if (!text)
        return 0;
    g_strstrip(text);
    if (strcmp(text, "-1") == 0) {
        *out = -1;
        return 0;
    }
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32 - 1, &v, NULL)) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                        "malformed %s element: '%s'", name, text);
        return -1;
    }
    *out = (long long)v;
    return 0;
}

int
vr_storage_perms_parse(xmlNode *parent, VrStoragePerms *perms)
{
    xmlNode *node = vr_xml_child(parent, "permissions");
    g_autofree char *mode = NULL;
    guint64 m;

    if (!node)
        return 0;
    if ((mode = vr_xml_child_text(node, "mode"))) {
        g_strstrip(mode);
        if (!g_ascii_string_to_unsigned(mode, 8, 0, 0777, &m, NULL)) {
            vr_error_report(VR_ERR_XML_ERROR, VR_FROM_STORAGE,
                            "malformed octal mode '%s' (expected 0 to 0777)",
                            mode);
            return -1;
        }
        perms->mode = (int)m;
    }
    if (vr_storage_perm_id_parse(node, "owner", &perms->owner) < 0 ||
        vr_storage_perm_id_parse(node, "group", &perms->group) < 0)
        return -1;
    g_free(perms->label);
    perms->label = vr_xml_child_text(node, "label");
    return 0;
}

void
vr_storage_perms_format(GString *buf, int level, const VrStoragePerms *perms)
{
    if (perms->mode < 0 && perms->owner < 0 && perms->group < 0 &&
        !perms->label)
        return;
    vr_xml_indent(buf, level);
    g_string_append(buf, "<permissions>\n");
    if (perms->mode >= 0) {
        vr_xml_indent(buf, level + 1);
        g_string_append_printf(buf, "<mode>%04o</mode>\n", perms->mode);
    }
    if (perms->owner >= 0) {
        vr_xml_indent(buf, level + 1);
        g_string_append_printf(buf, "<owner>%lld</owner>\n", perms->owner);
    }
    if (perms->group >= 0) {
        vr_xml_indent(buf, level + 1);
        g_string_append_printf(buf, "<group>%lld</group>\n", perms->group);
    }
    vr_xml_elem_text(buf, level + 1, "label", perms->label);
    vr_xml_indent(buf, level);
    g_string_append(buf, "</permissions>\n");
}

char *
vr_storage_path_sanitize(const char *path)
{
    GString *out = g_string_new(NULL);

    for (const char *p = path; *p; p++) {
        if (*p == '/' && out->len && out->str[out->len - 1] == '/')
            continue;
        g_string_append_c(out, *p);
    }
    while (out->len > 1 && out->str[out->len - 1] == '/')
        g_string_truncate(out, out->len - 1);
    return g_string_free(out, FALSE);
}
