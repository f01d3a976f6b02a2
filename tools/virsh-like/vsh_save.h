/* vsh_save.h: the save/restore/managed-save commands (vsh_cmds_save.c):
 * handlers and option tables for vsh_table.c. */
#pragma once

#include "vsh.h"

extern const VshOptDef vsh_opts_save[];
extern const VshOptDef vsh_opts_restore[];
extern const VshOptDef vsh_opts_save_image_dumpxml[];
extern const VshOptDef vsh_opts_save_image_define[];
extern const VshOptDef vsh_opts_managedsave[];

bool vsh_cmd_save(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_restore(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_save_image_dumpxml(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_save_image_define(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_managedsave(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_managedsave_remove(VshCtl *ctl, const VshCmd *cmd);

/* The command table entries (for vsh_table.c's commands[]). */
#define VSH_SAVE_CMDS \
    { "save", vsh_cmd_save, vsh_opts_save, "save a domain state to a file", \
      "Save the RAM state of a running domain.", 0, "Domain" }, \
    { "restore", vsh_cmd_restore, vsh_opts_restore, \
      "restore a domain from a saved state in a file", \
      "Restore a domain.", 0, "Domain" }, \
    { "save-image-dumpxml", vsh_cmd_save_image_dumpxml, \
      vsh_opts_save_image_dumpxml, "saved state domain information in XML", \
      "Dump XML of domain information for a saved state file to stdout.", \
      0, "Domain" }, \
    { "save-image-define", vsh_cmd_save_image_define, \
      vsh_opts_save_image_define, \
      "redefine the XML for a domain's saved state file", \
      "Replace the domain XML associated with a saved state file", 0, \
      "Domain" }, \
    { "managedsave", vsh_cmd_managedsave, vsh_opts_managedsave, \
      "managed save of a domain state", \
      "Save and destroy a running domain, so it can be restarted from\n" \
      "    the same state at a later time.  When the domain is started\n" \
      "    again, it resumes from the saved state.", 0, "Domain" }, \
    { "managedsave-remove", vsh_cmd_managedsave_remove, \
      vsh_opts_managedsave, "Remove managed save of a domain", \
      "Remove an existing managed save state file from a domain", 0, \
      "Domain" }
