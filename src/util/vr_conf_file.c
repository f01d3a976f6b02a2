/* vr_conf_file.c: a small recursive-descent parser for key = value files. */
#include <config.h>

#include <string.h>

#include "vr_conf_file.h"
#include "vr_error.h"
#include "vr_file.h"

struct _VrConf {
    GHashTable *values;   /* char *key -> VrConfValue * */
    GPtrArray *order;     /* keys in file order */
};

typedef struct {
    const char *p;
    const char *origin;
    int line;
} Cursor;

static void
value_free(gpointer data)
{
    VrConfValue *v = data;

    g_free(v->str);
    g_strfreev(v->list);
    g_free(v);
}

void
vr_conf_free(VrConf *conf)
{
    if (!conf)
        return;
    g_hash_table_unref(conf->values);
    g_ptr_array_unref(conf->order);
    g_free(conf);
}

static int
syntax(Cursor *c, const char *what)
{
    vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF, "%s:%d: %s",
                    c->origin, c->line, what);
    return -1;
}

/* Skip blanks and comments; with @newlines also line ends. */
static void
skip(Cursor *c, gboolean newlines)
{
    for (;;) {
        if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r') {
            c->p++;
        } else if (*c->p == '#') {
            while (*c->p && *c->p != '\n')
                c->p++;
        } else if (newlines && *c->p == '\n') {
            c->line++;
            c->p++;
        } else {
            return;
        }
    }
}

static char *
parse_string(Cursor *c)
{
    char quote = *c->p++;
    const char *start = c->p;

    while (*c->p && *c->p != quote && *c->p != '\n')
        c->p++;
    if (*c->p != quote) {
        syntax(c, "unterminated string");
        return NULL;
    }
    return g_strndup(start, (gsize) (c->p++ - start));
}

static int
parse_value(Cursor *c, VrConfValue *v)
{
    if (*c->p == '"' || *c->p == '\'') {
        v->type = VR_CONF_STRING;
        return (v->str = parse_string(c)) ? 0 : -1;
    }
    if (*c->p == '[') {
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);

        c->p++;
        for (;;) {
            char *s;

            skip(c, TRUE);
            if (*c->p == ']')
                break;
            if (*c->p != '"' && *c->p != '\'')
                return syntax(c, "expected a quoted string in list");
            if (!(s = parse_string(c)))
                return -1;
            g_ptr_array_add(items, s);
            skip(c, TRUE);
            if (*c->p == ',')
                c->p++;
            else if (*c->p != ']')
                return syntax(c, "expected ',' or ']' in list");
        }
        c->p++;
        g_ptr_array_add(items, NULL);
        v->type = VR_CONF_LIST;
        v->list = (char **) g_ptr_array_free(g_steal_pointer(&items), FALSE);
        return 0;
    }
    if (g_ascii_isdigit(*c->p) || *c->p == '-') {
        char *end = NULL;

        v->type = VR_CONF_INT;
        v->num = g_ascii_strtoll(c->p, &end, 0);
        if (end == c->p)
            return syntax(c, "expected a number");
        c->p = end;
        return 0;
    }
    return syntax(c, "expected a number, a \"string\" or a [ list ]");
}

static int
parse_setting(Cursor *c, VrConf *conf)
{
    const char *start = c->p;
    g_autofree char *key = NULL;
    VrConfValue *v;

    while (g_ascii_isalnum(*c->p) || *c->p == '_')
        c->p++;
    if (c->p == start)
        return syntax(c, "expected a setting name");
    key = g_strndup(start, (gsize) (c->p - start));
    skip(c, FALSE);
    if (*c->p++ != '=')
        return syntax(c, "expected '=' after the setting name");
    skip(c, FALSE);
    v = g_new0(VrConfValue, 1);
    v->line = c->line;
    if (parse_value(c, v) < 0) {
        value_free(v);
        return -1;
    }
    skip(c, FALSE);
    if (*c->p && *c->p != '\n') {
        value_free(v);
        return syntax(c, "unexpected text after the value");
    }
    if (!g_hash_table_contains(conf->values, key))
        g_ptr_array_add(conf->order, g_strdup(key));
    g_hash_table_replace(conf->values, g_steal_pointer(&key), v);
    return 0;
}

VrConf *
vr_conf_parse_string(const char *text, const char *origin)
{
    g_autoptr(VrConf) conf = g_new0(VrConf, 1);
    Cursor c = { .p = text, .origin = origin, .line = 1 };

    conf->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         value_free);
    conf->order = g_ptr_array_new_with_free_func(g_free);
    for (;;) {
        skip(&c, TRUE);
        if (!*c.p)
            break;
        if (parse_setting(&c, conf) < 0)
            return NULL;
    }
    return g_steal_pointer(&conf);
}

VrConf *
vr_conf_parse_file(const char *path)
{
    g_autofree char *text = NULL;

    if (vr_file_read_all(path, 1024 * 1024, &text, NULL) < 0)
        return NULL;
    return vr_conf_parse_string(text, path);
}

const VrConfValue *
vr_conf_get(const VrConf *conf, const char *key)
{
    return g_hash_table_lookup(conf->values, key);
}

int
vr_conf_get_int(const VrConf *conf, const char *key, long long min,
                long long max, long long *out)
{
    const VrConfValue *v = vr_conf_get(conf, key);

    if (!v)
        return 0;
    if (v->type != VR_CONF_INT || v->num < min || v->num > max) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "line %d: '%s' must be a number from %lld to %lld",
                        v->line, key, min, max);
        return -1;
    }
    *out = v->num;
    return 0;
}

int
vr_conf_get_string(const VrConf *conf, const char *key, char **out)
{
    const VrConfValue *v = vr_conf_get(conf, key);

    if (!v)
        return 0;
    if (v->type != VR_CONF_STRING) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "line %d: '%s' must be a \"quoted string\"",
                        v->line, key);
        return -1;
    }
    g_free(*out);
    *out = g_strdup(v->str);
    return 0;
}

char **
vr_conf_unknown_keys(const VrConf *conf, const char *const *known)
{
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < conf->order->len; i++) {
        const char *key = conf->order->pdata[i];

        if (!g_strv_contains(known, key))
            g_ptr_array_add(unknown, g_strdup(key));
    }
    if (unknown->len == 0)
        return NULL;
    g_ptr_array_add(unknown, NULL);
    return (char **) g_ptr_array_free(g_steal_pointer(&unknown), FALSE);
}
