/* vsh_hotplug.h: what the hotplug/tuning commands (vsh_cmds_hotplug.c)
 * and the statistics commands (vsh_cmds_stats.c) give the command table,
 * plus their shared helpers. */
#pragma once

#include "vsh.h"

/* Option tables for vsh_table.c. */
extern const VshOptDef vsh_opts_attach_disk[];
extern const VshOptDef vsh_opts_detach_disk[];
extern const VshOptDef vsh_opts_attach_interface[];
extern const VshOptDef vsh_opts_detach_interface[];
extern const VshOptDef vsh_opts_device_file[];
extern const VshOptDef vsh_opts_update_device[];
extern const VshOptDef vsh_opts_change_media[];
extern const VshOptDef vsh_opts_setvcpus[];
extern const VshOptDef vsh_opts_vcpucount[];
extern const VshOptDef vsh_opts_setmem[];
extern const VshOptDef vsh_opts_domstats[];
extern const VshOptDef vsh_opts_dommemstat[];
extern const VshOptDef vsh_opts_domblkstat[];
extern const VshOptDef vsh_opts_domifstat[];
extern const VshOptDef vsh_opts_domblkinfo[];
extern const VshOptDef vsh_opts_domblklist[];
extern const VshOptDef vsh_opts_vcpuinfo[];
extern const VshOptDef vsh_opts_nodecpustats[];
extern const VshOptDef vsh_opts_nodememstats[];

bool vsh_cmd_attach_disk(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_detach_disk(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_attach_interface(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_detach_interface(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_attach_device(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_detach_device(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_update_device(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_change_media(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_setvcpus(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vcpucount(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_setmem(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_setmaxmem(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domstats(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_dommemstat(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domblkstat(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domifstat(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domblkinfo(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_domblklist(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_vcpuinfo(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_nodecpustats(VshCtl *ctl, const VshCmd *cmd);
bool vsh_cmd_nodememstats(VshCtl *ctl, const VshCmd *cmd);

/* One <disk> of a domain XML: attributes virsh's commands look at. */
typedef struct {
    char *type, *device, *target, *bus, *source;
} VshDisk;

/* The disks of @xml (in order) as a new array of VshDisk (free with
 * vsh_disks_free); NULL when @xml does not parse. */
GArray *vsh_disks_parse(const char *xml);
void vsh_disks_free(GArray *disks);
/* --config/--live/--current/--persistent into VIREO_DOMAIN_AFFECT_*;
 * -1 after printing an error for an exclusive pair.  With --persistent
 * LIVE is added when @dom runs. */
int vsh_affect_flags(VshCtl *ctl, const VshCmd *cmd, VireoDomain *dom);
