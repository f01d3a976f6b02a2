/* vsh_snapshot.h: the snapshot commands (vsh_cmds_snapshot.c,
 * vsh_snapshot_list.c): handlers, option tables and the command table
 * entries for vsh_table.c. */
#pragma once

#include "vsh.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VireoSnapshot, vireo_snapshot_free)

extern const VshOptDef vsh_opts_snapshot_create[];
extern const VshOptDef vsh_opts_snapshot_create_as[];
extern const VshOptDef vsh_opts_snapshot_info[];
extern const VshOptDef vsh_opts_snapshot_dumpxml[];
extern const VshOptDef vsh_opts_snapshot_current[];
extern const VshOptDef vsh_opts_snapshot_revert[];
extern const VshOptDef vsh_opts_snapshot_delete[];
extern const VshOptDef vsh_opts_snapshot_parent[];
extern const VshOptDef vsh_opts_snapshot_list[];

bool vsh_cmd_snapshot_create(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_create_as(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_info(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_dumpxml(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_current(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_revert(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_delete(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_parent(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_snapshot_list(VshCtl *ctl, const VshCmd *cmd);

/* The text of the first <@tag> element of snapshot @xml, unescaped
 * (new string), or NULL.  With @in_parent, the <name> inside <parent>. */
char *vsh_snapshot_xml_field(const char *xml, const char *tag,
                             bool in_parent);
/* "2026-11-21 12:14:21 +0000" (local time) for epoch seconds @t. */
char *vsh_snapshot_time_format(long long t);
/* Print virsh's tree of @n snapshots (@names, @parents: NULL for a
 * root) to a new string. */
char *vsh_snapshot_tree_format(char **names, char **parents, int n);

#define VSH_SNAPSHOT_CMDS \
    { "snapshot-create", vsh_cmd_snapshot_create, vsh_opts_snapshot_create, \
      "Create a snapshot from XML", \
      "Create a snapshot (disk and RAM) from XML", 0, "Snapshot" }, \
    { "snapshot-create-as", vsh_cmd_snapshot_create_as, \
      vsh_opts_snapshot_create_as, "Create a snapshot from a set of args", \
      "Create a snapshot (disk and RAM) from arguments", 0, "Snapshot" }, \
    { "snapshot-current", vsh_cmd_snapshot_current, \
      vsh_opts_snapshot_current, "Get or set the current snapshot", \
      "Get or set the current snapshot", 0, "Snapshot" }, \
    { "snapshot-delete", vsh_cmd_snapshot_delete, vsh_opts_snapshot_delete, \
      "Delete a domain snapshot", "Snapshot Delete", 0, "Snapshot" }, \
    { "snapshot-dumpxml", vsh_cmd_snapshot_dumpxml, \
      vsh_opts_snapshot_dumpxml, "Dump XML for a domain snapshot", \
      "Snapshot Dump XML", 0, "Snapshot" }, \
    { "snapshot-info", vsh_cmd_snapshot_info, vsh_opts_snapshot_info, \
      "snapshot information", \
      "Returns basic information about a snapshot.", 0, "Snapshot" }, \
    { "snapshot-list", vsh_cmd_snapshot_list, vsh_opts_snapshot_list, \
      "List snapshots for a domain", "Snapshot List", 0, "Snapshot" }, \
    { "snapshot-parent", vsh_cmd_snapshot_parent, vsh_opts_snapshot_parent, \
      "Get the name of the parent of a snapshot", \
      "Extract the snapshot's parent, if any", 0, "Snapshot" }, \
    { "snapshot-revert", vsh_cmd_snapshot_revert, vsh_opts_snapshot_revert, \
      "Revert a domain to a snapshot", "Revert domain to snapshot", 0, \
      "Snapshot" }
