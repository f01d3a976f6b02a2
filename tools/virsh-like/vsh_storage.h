/* vsh_storage.h: what the storage commands of vsh share (pool and volume
 * commands, their option tables, size words, the progress bar). */
#pragma once

#include "vsh.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoStoragePool, vireo_storage_pool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoStorageVol, vireo_storage_vol_free)

/* Option tables (vsh_cmds_pool.c, vsh_cmds_vol.c) for vsh_table.c. */
extern const VshOptDef vsh_opts_pool[];
extern const VshOptDef vsh_opts_pool_file[];
extern const VshOptDef vsh_opts_pool_x_as[];
extern const VshOptDef vsh_opts_pool_create_as[];
extern const VshOptDef vsh_opts_pool_build[];
extern const VshOptDef vsh_opts_pool_start[];
extern const VshOptDef vsh_opts_pool_list[];
extern const VshOptDef vsh_opts_pool_info[];
extern const VshOptDef vsh_opts_pool_dumpxml[];
extern const VshOptDef vsh_opts_pool_autostart[];
extern const VshOptDef vsh_opts_pool_event[];
extern const VshOptDef vsh_opts_vol_create[];
extern const VshOptDef vsh_opts_vol_create_as[];
extern const VshOptDef vsh_opts_vol_create_from[];
extern const VshOptDef vsh_opts_vol_clone[];
extern const VshOptDef vsh_opts_vol[];
extern const VshOptDef vsh_opts_vol_wipe[];
extern const VshOptDef vsh_opts_vol_resize[];
extern const VshOptDef vsh_opts_vol_list[];
extern const VshOptDef vsh_opts_vol_info[];
extern const VshOptDef vsh_opts_vol_key[];
extern const VshOptDef vsh_opts_vol_pool[];
extern const VshOptDef vsh_opts_vol_name[];
extern const VshOptDef vsh_opts_vol_transfer[];

/* Resolve pool option @optname like virsh (UUID, then name).  NULL after
 * printing "error: failed to get pool 'x'". */
VireoStoragePool *vsh_lookup_pool(VshCtl *ctl, const VshCmd *cmd,
                                  const char *optname);
/* Resolve volume option "vol" like virsh: by name in --pool (which must
 * be active), else by key, then by path.  NULL after printing an error. */
VireoStorageVol *vsh_lookup_vol(VshCtl *ctl, const VshCmd *cmd,
                                const char *optname, const char *poolopt);

/* virsh's vshPrettyCapacity: @bytes scaled to B, KiB, ... EiB. */
double vsh_pretty_capacity(unsigned long long bytes, const char **unit);
/* "4.00 MiB": a new string. */
char *vsh_capacity_format(unsigned long long bytes);
/* A size with an optional suffix (k, KiB, KB, M, ... as virsh: bare
 * numbers are bytes) into @bytes.  0, or -1 when malformed. */
int vsh_parse_size(const char *str, unsigned long long *bytes);
/* A non-negative number with the same suffixes (--offset/--length). */
int vsh_parse_ull(const char *str, unsigned long long *val);
/* virsh's state words for pools ("running") and volume types ("file"). */
const char *vsh_pool_state_string(int state);
const char *vsh_vol_type_string(int type);
/* A pool type name into its VIREO_STORAGE_POOL_LIST_* bit; 0 unknown. */
unsigned int vsh_pool_type_flag(const char *type);
/* The XML pool-define-as / pool-create-as build from the options (NULL
 * options are left out).  New string. */
char *vsh_pool_build_xml(const char *name, const char *type,
                         const char *src_host, const char *src_path,
                         const char *src_dev, const char *src_name,
                         const char *src_format, const char *target);
/* The XML vol-create-as builds (@backing_path NULL: no backing store;
 * @allocation NULL: none).  New string. */
char *vsh_vol_build_xml(const char *name, unsigned long long capacity,
                        const unsigned long long *allocation,
                        const char *format, const char *backing_path,
                        const char *backing_format);
/* @xml with the content of its first <name> replaced by @name (for
 * vol-clone); NULL when there is no <name>.  New string. */
char *vsh_vol_clone_xml(const char *xml, const char *name);
/* The pool-event line (with its newline). New string. */
char *vsh_pool_event_format(const char *pool, int event_id, int event);

/* vsh_progress.c: a progress bar on stderr, drawn only when stderr is a
 * terminal and the transfer has lasted more than a second. */
typedef struct _VshProgress VshProgress;
VshProgress *vsh_progress_new(const char *label, unsigned long long total);
void vsh_progress_update(VshProgress *p, unsigned long long done);
/* Draw the final state (when the bar was shown) and free.  NULL-safe. */
void vsh_progress_free(VshProgress *p, bool ok);
/* The bar's text for @done of @total bytes after @secs seconds (no
 * terminal needed; for tests).  New string. */
char *vsh_progress_line(const char *label, unsigned long long done,
                        unsigned long long total, double secs);

/* Completion candidates for @text (pool names for pool commands; volume
 * names of --pool, else volume paths, for volume commands) appended to
 * @out as new strings.  Never connects (@conn may be NULL). */
void vsh_storage_complete(VireoConn *conn, const VshCmdDef *def,
                          const char *line, const char *text,
                          GPtrArray *out);

/* Command handlers. */
bool vsh_cmd_pool_define(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_define_as(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_create(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_create_as(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_build(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_start(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_destroy(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_delete(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_undefine(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_refresh(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_list(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_info(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_dumpxml(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_edit(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_autostart(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_pool_event(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_create(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_create_as(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_create_from(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_clone(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_delete(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_wipe(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_resize(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_list(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_info(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_dumpxml(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_path(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_key(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_name(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_pool(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_upload(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vol_download(VshCtl *ctl, const VshCmd *cmd);
