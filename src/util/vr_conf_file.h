/* vr_conf_file.h: "key = value" configuration files (vireod.conf).
 *
 * Syntax, as libvirtd.conf: one setting per line, '#' comments, values are
 * integers, "quoted strings" or [ "lists", "of", "strings" ].
 */
#pragma once

#include <glib.h>

typedef enum {
    VR_CONF_INT,
    VR_CONF_STRING,
    VR_CONF_LIST,
} VrConfType;

typedef struct _VrConfValue {
    VrConfType type;
    long long num;      /* VR_CONF_INT */
    char *str;          /* VR_CONF_STRING */
    char **list;        /* VR_CONF_LIST, NULL-terminated */
    int line;
} VrConfValue;

typedef struct _VrConf VrConf;

/* Parse @text (from @origin, used in messages).  Returns a new VrConf
 * (free with vr_conf_free) or NULL with VR_ERR_CONF_SYNTAX reported,
 * naming the origin and line. */
VrConf *vr_conf_parse_string(const char *text, const char *origin);

/* Read and parse a file.  Returns NULL with an error reported. */
VrConf *vr_conf_parse_file(const char *path);

void vr_conf_free(VrConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrConf, vr_conf_free)

/* Look a key up: NULL when absent (not reported).  Owned by @conf. */
const VrConfValue *vr_conf_get(const VrConf *conf, const char *key);

/* Typed getters: leave *out untouched when the key is absent and return 0;
 * return -1 with an error reported when present with the wrong type or out
 * of [min, max]. */
int vr_conf_get_int(const VrConf *conf, const char *key, long long min,
                    long long max, long long *out);
int vr_conf_get_string(const VrConf *conf, const char *key, char **out);

/* Keys present in @conf that are not in NULL-terminated @known, as a
 * NULL-terminated array (caller frees with g_strfreev); NULL when none. */
char **vr_conf_unknown_keys(const VrConf *conf, const char *const *known);
