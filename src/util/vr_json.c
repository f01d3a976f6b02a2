/* vr_json.c: JSON values for QMP, qemu-img output and capability caches.
 *
 * The only file that calls yajl.  Parsing uses yajl's callback parser so
 * numbers keep their exact text (64-bit sizes and addresses survive, no
 * double rounding); conversion happens on demand in the typed getters.
 * Objects keep their keys in insertion order (small: linear lookup).
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "util/vr_error.h"
#include "util/vr_json.h"

/* Deeper documents are refused: free/copy/format recurse, and yajl's
 * generator stops at 128 levels. */
#define VR_JSON_MAX_DEPTH 100

struct _VrJson {
    VrJsonType type;
    bool b;
    char *text;         /* NUMBER: its text; STRING: the string */
    GPtrArray *keys;    /* OBJECT: char * */
    GPtrArray *values;  /* OBJECT and ARRAY: VrJson * */
};

static VrJson *
json_new(VrJsonType type)
{
    VrJson *v = g_new0(VrJson, 1);

    v->type = type;
    if (type == VR_JSON_OBJECT)
        v->keys = g_ptr_array_new_with_free_func(g_free);
    if (type == VR_JSON_OBJECT || type == VR_JSON_ARRAY)
        v->values = g_ptr_array_new_with_free_func((GDestroyNotify) vr_json_free);
    return v;
}

VrJson *
vr_json_new_null(void)
{
    return json_new(VR_JSON_NULL);
}

VrJson *
vr_json_new_bool(bool b)
{
    VrJson *v = json_new(VR_JSON_BOOL);

    v->b = b;
    return v;
}

static VrJson *
json_new_number_text(char *text)
{
    VrJson *v = json_new(VR_JSON_NUMBER);

    v->text = text;
    return v;
}

VrJson *
vr_json_new_int(long long n)
{
    return json_new_number_text(g_strdup_printf("%lld", n));
}

VrJson *
vr_json_new_uint(unsigned long long n)
{
    return json_new_number_text(g_strdup_printf("%llu", n));
}

/* Non-finite values have no JSON form: they become null. */
VrJson *
vr_json_new_double(double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!isfinite(d))
        return vr_json_new_null();
    return json_new_number_text(g_strdup(g_ascii_dtostr(buf, sizeof(buf), d)));
}

/* A NULL @s gives a JSON null. */
VrJson *
vr_json_new_string(const char *s)
{
    VrJson *v;

    if (!s)
        return vr_json_new_null();
    v = json_new(VR_JSON_STRING);
    v->text = g_strdup(s);
    return v;
}

VrJson *
vr_json_new_object(void)
{
    return json_new(VR_JSON_OBJECT);
}

VrJson *
vr_json_new_array(void)
{
    return json_new(VR_JSON_ARRAY);
}

static gssize
object_index(const VrJson *obj, const char *key)
{
    for (guint i = 0; i < obj->keys->len; i++) {
        if (strcmp(g_ptr_array_index(obj->keys, i), key) == 0)
            return i;
    }
    return -1;
}

/* An existing @key keeps its position and gets the new value.  @value is
 * freed when @obj is not an object. */
void
vr_json_object_set(VrJson *obj, const char *key, VrJson *value)
{
    gssize i;

    if (!obj || obj->type != VR_JSON_OBJECT || !key) {
        vr_json_free(value);
        return;
    }
    if (!value)
        value = vr_json_new_null();
    i = object_index(obj, key);
    if (i >= 0) {
        vr_json_free(obj->values->pdata[i]);
        obj->values->pdata[i] = value;
        return;
    }
    g_ptr_array_add(obj->keys, g_strdup(key));
    g_ptr_array_add(obj->values, value);
}

void
vr_json_array_append(VrJson *arr, VrJson *value)
{
    if (!arr || arr->type != VR_JSON_ARRAY) {
        vr_json_free(value);
        return;
    }
    g_ptr_array_add(arr->values, value ? value : vr_json_new_null());
}

void
vr_json_object_set_string(VrJson *obj, const char *key, const char *s)
{
    vr_json_object_set(obj, key, vr_json_new_string(s));
}

void
vr_json_object_set_int(VrJson *obj, const char *key, long long n)
{
    vr_json_object_set(obj, key, vr_json_new_int(n));
}

void
vr_json_object_set_uint(VrJson *obj, const char *key, unsigned long long n)
{
    vr_json_object_set(obj, key, vr_json_new_uint(n));
}

void
vr_json_object_set_bool(VrJson *obj, const char *key, bool b)
{
    vr_json_object_set(obj, key, vr_json_new_bool(b));
}

/* A NULL @v reads as null. */
VrJsonType
vr_json_type(const VrJson *v)
{
    return v ? v->type : VR_JSON_NULL;
}

const VrJson *
vr_json_object_get(const VrJson *obj, const char *key)
{
    gssize i;

    if (!obj || obj->type != VR_JSON_OBJECT || !key)
        return NULL;
    i = object_index(obj, key);
    return i >= 0 ? g_ptr_array_index(obj->values, i) : NULL;
}

VrJson *
vr_json_object_steal(VrJson *obj, const char *key)
{
    gssize i;
    VrJson *v;

    if (!obj || obj->type != VR_JSON_OBJECT || !key)
        return NULL;
    if ((i = object_index(obj, key)) < 0)
        return NULL;
    v = g_ptr_array_steal_index(obj->values, i);
    g_ptr_array_remove_index(obj->keys, i);
    return v;
}

size_t
vr_json_object_size(const VrJson *obj)
{
    return obj && obj->type == VR_JSON_OBJECT ? obj->keys->len : 0;
}

const char *
vr_json_object_key_at(const VrJson *obj, size_t i)
{
    if (!obj || obj->type != VR_JSON_OBJECT || i >= obj->keys->len)
        return NULL;
    return g_ptr_array_index(obj->keys, i);
}

const VrJson *
vr_json_object_value_at(const VrJson *obj, size_t i)
{
    if (!obj || obj->type != VR_JSON_OBJECT || i >= obj->values->len)
        return NULL;
    return g_ptr_array_index(obj->values, i);
}

size_t
vr_json_array_size(const VrJson *arr)
{
    return arr && arr->type == VR_JSON_ARRAY ? arr->values->len : 0;
}

const VrJson *
vr_json_array_get(const VrJson *arr, size_t i)
{
    if (!arr || arr->type != VR_JSON_ARRAY || i >= arr->values->len)
        return NULL;
    return g_ptr_array_index(arr->values, i);
}

const char *
vr_json_get_string(const VrJson *v)
{
    return v && v->type == VR_JSON_STRING ? v->text : NULL;
}

int
vr_json_get_bool(const VrJson *v, bool *out)
{
    if (!v || v->type != VR_JSON_BOOL)
        return -1;
    *out = v->b;
    return 0;
}

/* Integers only: "1.5", "1e3" and out-of-range values are refused. */
int
vr_json_get_int(const VrJson *v, long long *out)
{
    char *end = NULL;
    gint64 n;

    if (!v || v->type != VR_JSON_NUMBER)
        return -1;
    /* libc's strtoll, not g_ascii_strtoll: the latter may leave errno
     * set by the lock wait of its one-time locale set-up when two
     * threads first parse numbers at once. */
    errno = 0;
    n = strtoll(v->text, &end, 10);
    if (errno != 0 || end == v->text || *end != '\0')
        return -1;
    *out = n;
    return 0;
}

int
vr_json_get_uint(const VrJson *v, unsigned long long *out)
{
    char *end = NULL;
    guint64 n;

    if (!v || v->type != VR_JSON_NUMBER || v->text[0] == '-')
        return -1;
    errno = 0;
    n = strtoull(v->text, &end, 10);     /* see vr_json_get_int */
    if (errno != 0 || end == v->text || *end != '\0')
        return -1;
    *out = n;
    return 0;
}

int
vr_json_get_double(const VrJson *v, double *out)
{
    char *end = NULL;
    double d;

    if (!v || v->type != VR_JSON_NUMBER)
        return -1;
    errno = 0;
    d = g_ascii_strtod(v->text, &end);
    if (errno == ERANGE || end == v->text || *end != '\0')
        return -1;
    *out = d;
    return 0;
}

const char *
vr_json_object_get_string(const VrJson *obj, const char *key)
{
    return vr_json_get_string(vr_json_object_get(obj, key));
}

int
vr_json_object_get_int(const VrJson *obj, const char *key, long long *out)
{
    return vr_json_get_int(vr_json_object_get(obj, key), out);
}

int
vr_json_object_get_uint(const VrJson *obj, const char *key,
                        unsigned long long *out)
{
    return vr_json_get_uint(vr_json_object_get(obj, key), out);
}

int
vr_json_object_get_bool(const VrJson *obj, const char *key, bool *out)
{
    return vr_json_get_bool(vr_json_object_get(obj, key), out);
}

/* A deep copy (NULL for NULL); caller frees. */
VrJson *
vr_json_copy(const VrJson *v)
{
    VrJson *c;

    if (!v)
        return NULL;
    c = json_new(v->type);
    c->b = v->b;
    c->text = g_strdup(v->text);
    if (v->keys) {
        for (guint i = 0; i < v->keys->len; i++)
            g_ptr_array_add(c->keys, g_strdup(v->keys->pdata[i]));
    }
    if (v->values) {
        for (guint i = 0; i < v->values->len; i++)
            g_ptr_array_add(c->values, vr_json_copy(v->values->pdata[i]));
    }
    return c;
}

void
vr_json_free(VrJson *v)
{
    if (!v)
        return;
    g_free(v->text);
    if (v->keys)
        g_ptr_array_unref(v->keys);
    if (v->values)
        g_ptr_array_unref(v->values);
    g_free(v);
}

/* ---- parsing ---- */

typedef struct {
    VrJson *root;
    GPtrArray *stack;   /* open containers, borrowed (owned by root) */
    char *key;          /* the object key whose value comes next */
    bool too_deep;
} JsonParser;

/* Attach @v to the open container (or make it the root).  Returns 1 to go
 * on, 0 to stop the parse (yajl's convention). */
static int
parser_add(JsonParser *p, VrJson *v)
{
    VrJson *top;

    if (p->stack->len == 0) {
        if (p->root) {
            vr_json_free(v);
            return 0;
        }
        p->root = v;
    } else {
        top = g_ptr_array_index(p->stack, p->stack->len - 1);
        if (top->type == VR_JSON_ARRAY) {
            g_ptr_array_add(top->values, v);
        } else {
            g_autofree char *key = g_steal_pointer(&p->key);

            vr_json_object_set(top, key ? key : "", v);
        }
    }
    if (v->type == VR_JSON_OBJECT || v->type == VR_JSON_ARRAY) {
        if (p->stack->len >= VR_JSON_MAX_DEPTH) {
            p->too_deep = true;
            return 0;
        }
        g_ptr_array_add(p->stack, v);
    }
    return 1;
}

static int
cb_null(void *ctx)
{
    return parser_add(ctx, vr_json_new_null());
}

static int
cb_boolean(void *ctx, int b)
{
    return parser_add(ctx, vr_json_new_bool(b));
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
    return parser_add(ctx, json_new_number_text(g_strndup(s, len)));
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
    VrJson *v = json_new(VR_JSON_STRING);

    v->text = g_strndup((const char *) s, len);
    return parser_add(ctx, v);
}

static int
cb_start_map(void *ctx)
{
    return parser_add(ctx, vr_json_new_object());
}

static int
cb_start_array(void *ctx)
{
    return parser_add(ctx, vr_json_new_array());
}

static int
cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
    JsonParser *p = ctx;

    g_free(p->key);
    p->key = g_strndup((const char *) s, len);
    return 1;
}

static int
cb_end(void *ctx)
{
    JsonParser *p = ctx;

    if (p->stack->len == 0)
        return 0;
    g_ptr_array_set_size(p->stack, p->stack->len - 1);
    return 1;
}

static const yajl_callbacks parser_callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

/* Parse one JSON document.  Returns an owned value or NULL (reported). */
VrJson *
vr_json_parse(const char *text, size_t len)
{
    JsonParser p = { .stack = g_ptr_array_new() };
    yajl_handle h;
    yajl_status st;
    VrJson *ret = NULL;

    h = yajl_alloc(&parser_callbacks, NULL, &p);
    st = yajl_parse(h, (const unsigned char *) text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st == yajl_status_ok && p.root) {
        ret = g_steal_pointer(&p.root);
    } else if (p.too_deep) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot parse JSON: nesting deeper than %d",
                        VR_JSON_MAX_DEPTH);
    } else {
        unsigned char *msg = yajl_get_error(h, 0,
                                            (const unsigned char *) text, len);
        g_autofree char *detail = g_strstrip(g_strdup((const char *) msg));

        yajl_free_error(h, msg);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NONE,
                        "cannot parse JSON: %s",
                        *detail ? detail : "no value");
    }
    yajl_free(h);
    vr_json_free(p.root);
    g_free(p.key);
    g_ptr_array_unref(p.stack);
    return ret;
}

/* ---- formatting ---- */

static void
gen_string(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static void
gen_value(yajl_gen g, const VrJson *v)
{
    switch (v->type) {
    case VR_JSON_NULL:
        yajl_gen_null(g);
        break;
    case VR_JSON_BOOL:
        yajl_gen_bool(g, v->b);
        break;
    case VR_JSON_NUMBER:
        yajl_gen_number(g, v->text, strlen(v->text));
        break;
    case VR_JSON_STRING:
        gen_string(g, v->text);
        break;
    case VR_JSON_OBJECT:
        yajl_gen_map_open(g);
        for (guint i = 0; i < v->keys->len; i++) {
            gen_string(g, v->keys->pdata[i]);
            gen_value(g, v->values->pdata[i]);
        }
        yajl_gen_map_close(g);
        break;
    case VR_JSON_ARRAY:
        yajl_gen_array_open(g);
        for (guint i = 0; i < v->values->len; i++)
            gen_value(g, v->values->pdata[i]);
        yajl_gen_array_close(g);
        break;
    }
}

/* Serialize @v (NULL formats as "null").  Pretty output indents by two
 * spaces and ends without a newline.  Never NULL; caller frees. */
char *
vr_json_format(const VrJson *v, bool pretty)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf = NULL;
    size_t len = 0;
    char *ret;

    yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    /* Our own values may carry non-UTF-8 bytes: emit them as they are
     * rather than failing the whole document. */
    yajl_gen_config(g, yajl_gen_validate_utf8, 0);
    if (v) {
        gen_value(g, v);
    } else {
        yajl_gen_null(g);
    }
    yajl_gen_get_buf(g, &buf, &len);
    ret = g_strndup((const char *) buf, len);
    yajl_gen_free(g);
    if (pretty && len > 0 && ret[len - 1] == '\n')
        ret[len - 1] = '\0';
    return ret;
}
