/* vsh_storage_util.c: the pure helpers of the storage commands: size
 * words, virsh's capacity format, state and type words, the XML that
 * pool-define-as / vol-create-as / vol-clone build, the pool-event line.
 * No daemon calls (unit-tested in tests/unit/vsh_storage_test.c). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_storage.h"

double
vsh_pretty_capacity(unsigned long long bytes, const char **unit)
{
    static const char *const units[] = {
        "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
    };
    double val = (double) bytes;
    size_t i = 0;

    if (bytes < 1024) {
        *unit = "B";
        return val;
    }
    val /= 1024.0;
    while (val >= 1024.0 && i + 1 < G_N_ELEMENTS(units)) {
        val /= 1024.0;
        i++;
    }
    *unit = units[i];
    return val;
}

char *
vsh_capacity_format(unsigned long long bytes)
{
    const char *unit;
    double val = vsh_pretty_capacity(bytes, &unit);

    return g_strdup_printf("%.2lf %s", val, unit);
}

/* virScaleInteger's suffix rules into @scale; -1 when unknown. */
static int
suffix_scale(const char *suffix, unsigned long long *scale)
{
    unsigned long long base;
    const char *p = strchr("kmgtpe", g_ascii_tolower(*suffix));

    *scale = 1;
    if (!*suffix)
        return 0;
    if (g_ascii_tolower(*suffix) == 'b' && !suffix[1])
        return 0;
    if (!suffix[1] || g_ascii_strcasecmp(suffix + 1, "iB") == 0)
        base = 1024;
    else if (g_ascii_tolower(suffix[1]) == 'b' && !suffix[2])
        base = 1000;
    else
        return -1;
    if (!p)
        return -1;
    for (const char *s = "kmgtpe"; s <= p; s++)
        *scale *= base;
    return 0;
}

int
vsh_parse_size(const char *str, unsigned long long *bytes)
{
    unsigned long long val, scale;
    char *end = NULL;

    if (!str || !g_ascii_isdigit(*str))
        return -1;
    errno = 0;
    val = strtoull(str, &end, 10);
    if (errno || suffix_scale(end, &scale) < 0)
        return -1;
    if (val > G_MAXUINT64 / scale)
        return -1;
    *bytes = val * scale;
    return 0;
}

int
vsh_parse_ull(const char *str, unsigned long long *val)
{
    return vsh_parse_size(str, val);
}

const char *
vsh_pool_state_string(int state)
{
    static const char *const words[] = {
        "inactive", "building", "running", "degraded", "inaccessible"
    };

    if (state < 0 || (size_t) state >= G_N_ELEMENTS(words))
        return "unknown";
    return words[state];
}

const char *
vsh_vol_type_string(int type)
{
    static const char *const words[] = {
        "file", "block", "dir", "network", "netdir", "ploop"
    };

    if (type < 0 || (size_t) type >= G_N_ELEMENTS(words))
        return "unknown";
    return words[type];
}

unsigned int
vsh_pool_type_flag(const char *type)
{
    static const struct { const char *name; unsigned int flag; } types[] = {
        { "dir", VIREO_STORAGE_POOL_LIST_DIR },
        { "fs", VIREO_STORAGE_POOL_LIST_FS },
        { "netfs", VIREO_STORAGE_POOL_LIST_NETFS },
        { "logical", VIREO_STORAGE_POOL_LIST_LOGICAL },
        { "disk", VIREO_STORAGE_POOL_LIST_DISK },
        { "iscsi", VIREO_STORAGE_POOL_LIST_ISCSI },
        { "iscsi-direct", VIREO_STORAGE_POOL_LIST_ISCSI_DIRECT },
        { "scsi", VIREO_STORAGE_POOL_LIST_SCSI },
        { "mpath", VIREO_STORAGE_POOL_LIST_MPATH },
        { "rbd", VIREO_STORAGE_POOL_LIST_RBD },
        { "sheepdog", VIREO_STORAGE_POOL_LIST_SHEEPDOG },
        { "gluster", VIREO_STORAGE_POOL_LIST_GLUSTER },
        { "zfs", VIREO_STORAGE_POOL_LIST_ZFS },
        { "vstorage", VIREO_STORAGE_POOL_LIST_VSTORAGE },
    };

    for (size_t i = 0; type && i < G_N_ELEMENTS(types); i++) {
        if (strcmp(types[i].name, type) == 0)
            return types[i].flag;
    }
    return 0;
}

/* Append @tmpl with its one "%s" replaced by @val (XML-escaped). */
static void
add_attr_line(GString *out, const char *tmpl, const char *val)
{
    g_autofree char *esc = g_markup_escape_text(val, -1);
    const char *mark = strstr(tmpl, "%s");

    g_string_append_len(out, tmpl, mark - tmpl);
    g_string_append(out, esc);
    g_string_append(out, mark + 2);
}

char *
vsh_pool_build_xml(const char *name, const char *type, const char *src_host,
                   const char *src_path, const char *src_dev,
                   const char *src_name, const char *src_format,
                   const char *target)
{
    GString *out = g_string_new(NULL);

    add_attr_line(out, "<pool type='%s'>\n", type);
    add_attr_line(out, "  <name>%s</name>\n", name);
    if (src_host || src_path || src_dev || src_format || src_name) {
        g_string_append(out, "  <source>\n");
        if (src_host)
            add_attr_line(out, "    <host name='%s'/>\n", src_host);
        if (src_path)
            add_attr_line(out, "    <dir path='%s'/>\n", src_path);
        if (src_dev)
            add_attr_line(out, "    <device path='%s'/>\n", src_dev);
        if (src_format)
            add_attr_line(out, "    <format type='%s'/>\n", src_format);
        if (src_name)
            add_attr_line(out, "    <name>%s</name>\n", src_name);
        g_string_append(out, "  </source>\n");
    }
    if (target) {
        g_string_append(out, "  <target>\n");
        add_attr_line(out, "    <path>%s</path>\n", target);
        g_string_append(out, "  </target>\n");
    }
    g_string_append(out, "</pool>\n");
    return g_string_free(out, FALSE);
}

char *
vsh_vol_build_xml(const char *name, unsigned long long capacity,
                  const unsigned long long *allocation, const char *format,
                  const char *backing_path, const char *backing_format)
{
    GString *out = g_string_new("<volume>\n");

    add_attr_line(out, "  <name>%s</name>\n", name);
    g_string_append_printf(out, "  <capacity>%llu</capacity>\n", capacity);
    if (allocation)
        g_string_append_printf(out, "  <allocation>%llu</allocation>\n",
                               *allocation);
    if (format) {
        g_string_append(out, "  <target>\n");
        add_attr_line(out, "    <format type='%s'/>\n", format);
        g_string_append(out, "  </target>\n");
    }
    if (backing_path) {
        g_string_append(out, "  <backingStore>\n");
        add_attr_line(out, "    <path>%s</path>\n", backing_path);
        if (backing_format)
            add_attr_line(out, "    <format type='%s'/>\n", backing_format);
        g_string_append(out, "  </backingStore>\n");
    }
    g_string_append(out, "</volume>\n");
    return g_string_free(out, FALSE);
}

char *
vsh_vol_clone_xml(const char *xml, const char *name)
{
    const char *open = strstr(xml, "<name>");
    const char *close = open ? strstr(open, "</name>") : NULL;
    g_autofree char *esc = NULL;

    if (!close)
        return NULL;
    esc = g_markup_escape_text(name, -1);
    return g_strdup_printf("%.*s<name>%s%s", (int) (open - xml), xml, esc,
                           close);
}

char *
vsh_pool_event_format(const char *pool, int event_id, int event)
{
    if (event_id == VIREO_STORAGE_POOL_EVENT_ID_REFRESH)
        return g_strdup_printf("event 'refresh' for storage pool %s\n", pool);
    return g_strdup_printf("event 'lifecycle' for storage pool %s: %s\n", pool,
                           vireo_storage_pool_event_string(event));
}
