/* vr_json.h: JSON values (QMP messages, qemu-img output, capability caches).
 * vr_json.c is the only file that calls yajl (DESIGN.md).
 *
 * CONTRACT (consumed by src/drivers/qemu; keep stable).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef enum {
    VR_JSON_NULL,
    VR_JSON_BOOL,
    VR_JSON_NUMBER,   /* kept as its text, converted on demand */
    VR_JSON_STRING,
    VR_JSON_OBJECT,   /* keys keep insertion order */
    VR_JSON_ARRAY,
} VrJsonType;

typedef struct _VrJson VrJson;

/* Parse one JSON document.  Returns an owned value or NULL with
 * VR_ERR_INTERNAL_ERROR reported ("cannot parse JSON: ..."). */
VrJson *vr_json_parse(const char *text, size_t len);

/* Serialize compactly (QMP) or pretty-printed.  Never NULL. */
char *vr_json_format(const VrJson *v, bool pretty);

VrJson *vr_json_new_null(void);
VrJson *vr_json_new_bool(bool b);
VrJson *vr_json_new_int(long long n);
VrJson *vr_json_new_uint(unsigned long long n);
VrJson *vr_json_new_double(double d);
VrJson *vr_json_new_string(const char *s);
VrJson *vr_json_new_object(void);
VrJson *vr_json_new_array(void);

/* Object/array building: take ownership of @value. */
void vr_json_object_set(VrJson *obj, const char *key, VrJson *value);
void vr_json_array_append(VrJson *arr, VrJson *value);
/* Shorthands: vr_json_object_set(obj, key, vr_json_new_...(x)). */
void vr_json_object_set_string(VrJson *obj, const char *key, const char *s);
void vr_json_object_set_int(VrJson *obj, const char *key, long long n);
void vr_json_object_set_uint(VrJson *obj, const char *key, unsigned long long n);
void vr_json_object_set_bool(VrJson *obj, const char *key, bool b);

VrJsonType vr_json_type(const VrJson *v);
/* Borrowed lookups: NULL when absent or @obj is not an object. */
const VrJson *vr_json_object_get(const VrJson *obj, const char *key);
size_t vr_json_object_size(const VrJson *obj);
/* The i-th key/value of an object (insertion order); NULL out of range. */
const char *vr_json_object_key_at(const VrJson *obj, size_t i);
const VrJson *vr_json_object_value_at(const VrJson *obj, size_t i);
size_t vr_json_array_size(const VrJson *arr);
const VrJson *vr_json_array_get(const VrJson *arr, size_t i);

/* Typed reads: return 0, or -1 when the value is missing or of another
 * type (not reported: callers decide).  get_string returns a borrowed
 * string or NULL. */
const char *vr_json_get_string(const VrJson *v);
int vr_json_get_bool(const VrJson *v, bool *out);
int vr_json_get_int(const VrJson *v, long long *out);
int vr_json_get_uint(const VrJson *v, unsigned long long *out);
int vr_json_get_double(const VrJson *v, double *out);
/* Convenience: object member lookups of the above. */
const char *vr_json_object_get_string(const VrJson *obj, const char *key);
int vr_json_object_get_int(const VrJson *obj, const char *key, long long *out);
int vr_json_object_get_uint(const VrJson *obj, const char *key,
                            unsigned long long *out);
int vr_json_object_get_bool(const VrJson *obj, const char *key, bool *out);

/* Remove @key from @obj and return its value (owned), or NULL when absent
 * or @obj is not an object.  (Extension: lets callers take big replies
 * such as query-qmp-schema without copying.) */
VrJson *vr_json_object_steal(VrJson *obj, const char *key);

VrJson *vr_json_copy(const VrJson *v);
void vr_json_free(VrJson *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrJson, vr_json_free)
