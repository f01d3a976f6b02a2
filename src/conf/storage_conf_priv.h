/* storage_conf_priv.h: helpers shared by the storage_*.c files of
 * src/conf (other layers use storage_conf.h). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "conf/storage_conf.h"

/* Empty definitions (arrays allocated, permissions unset).  Never NULL. */
VrStoragePoolDef *vr_storage_pool_def_new(void);
VrStorageVolDef *vr_storage_vol_def_new(void);
void vr_storage_perms_init(VrStoragePerms *perms);
void vr_storage_perms_copy(VrStoragePerms *dst, const VrStoragePerms *src);
void vr_storage_vol_backing_free(VrStorageVolBacking *b);

/* Parse the <permissions> child of @parent (absent: left unset).  0 or
 * -1 with VR_ERR_XML_ERROR reported. */
int vr_storage_perms_parse(xmlNode *parent, VrStoragePerms *perms);
/* Format @perms at @level (nothing when all unset). */
void vr_storage_perms_format(GString *buf, int level,
                             const VrStoragePerms *perms);

/* Read the sizing element @name of @parent ("<capacity unit='U'>N") into
 * *@out.  Returns 0 absent (untouched), 1 set, -1 with VR_ERR_XML_ERROR
 * reported. */
int vr_storage_size_parse(xmlNode *parent, const char *name,
                          unsigned long long *out);
/* "<NAME unit='bytes'>N</NAME>\n" at @level. */
void vr_storage_size_format(GString *buf, int level, const char *name,
                            unsigned long long bytes);

/* Size conversion reporting with @code; @what names the value in
 * messages ("capacity") or NULL. */
int vr_storage_parse_size_full(const char *value, const char *unit,
                               const char *what, int code,
                               unsigned long long *bytes);

/* @path with duplicate and trailing slashes removed ("/" stays).  Owned. */
char *vr_storage_path_sanitize(const char *path);

/* Name checks reporting @code for every failure. */
bool vr_storage_name_check_full(const char *name, const char *what, int code);

/* Pool post-parse and volume post-parse.  0 or -1 (reported). */
int vr_storage_pool_def_post_parse(VrStoragePoolDef *def);
int vr_storage_vol_def_post_parse(VrStorageVolDef *def,
                                  const VrStoragePoolDef *pool);

bool vr_storage_is_elem(xmlNode *n, const char *name);
