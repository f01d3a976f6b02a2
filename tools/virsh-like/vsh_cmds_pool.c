/* vsh_cmds_pool.c: storage pool commands (pool-define, pool-list,
 * pool-info, pool-start, ...) with virsh 9.0's output formats, and their
 * option tables. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_storage.h"

#define END_OPTS { NULL, 0, 0, NULL }
#define POOL_OPT(help) \
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, help }

const VshOptDef vsh_opts_pool[] = { POOL_OPT("pool name or uuid"), END_OPTS };
const VshOptDef vsh_opts_pool_file[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "file containing an XML pool description" },
    END_OPTS
};
#define X_AS_OPTS \
    { "name", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "name of the pool" }, \
    { "type", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "type of the pool" }, \
    { "source-host", VSH_OT_STRING, VSH_OFLAG_POS, "source-host for underlying storage" }, \
    { "source-path", VSH_OT_STRING, VSH_OFLAG_POS, "source path for underlying storage" }, \
    { "source-dev", VSH_OT_STRING, VSH_OFLAG_POS, "source device for underlying storage" }, \
    { "source-name", VSH_OT_STRING, VSH_OFLAG_POS, "source name for underlying storage" }, \
    { "target", VSH_OT_STRING, VSH_OFLAG_POS, "target for underlying storage" }, \
    { "source-format", VSH_OT_STRING, 0, "format for underlying storage" }, \
    { "print-xml", VSH_OT_BOOL, 0, \
      "print XML document, but don't define/create" }
const VshOptDef vsh_opts_pool_x_as[] = { X_AS_OPTS, END_OPTS };
#define BUILD_OPTS \
    { "overwrite", VSH_OT_BOOL, 0, "overwrite any existing data" }, \
    { "no-overwrite", VSH_OT_BOOL, 0, "do not overwrite any existing data" }
const VshOptDef vsh_opts_pool_create_as[] = {
    X_AS_OPTS,
    { "build", VSH_OT_BOOL, 0, "build the pool as normal" },
    BUILD_OPTS, END_OPTS
};
const VshOptDef vsh_opts_pool_build[] = {
    POOL_OPT("pool name or uuid"), BUILD_OPTS, END_OPTS
};
const VshOptDef vsh_opts_pool_start[] = {
    POOL_OPT("name or uuid of the inactive pool"),
    { "build", VSH_OT_BOOL, 0, "build the pool as normal" },
    BUILD_OPTS, END_OPTS
};
const VshOptDef vsh_opts_pool_list[] = {
    { "inactive", VSH_OT_BOOL, 0, "list inactive pools" },
    { "all", VSH_OT_BOOL, 0, "list inactive & active pools" },
    { "transient", VSH_OT_BOOL, 0, "list transient pools" },
    { "persistent", VSH_OT_BOOL, 0, "list persistent pools" },
    { "autostart", VSH_OT_BOOL, 0, "list pools with autostart enabled" },
    { "no-autostart", VSH_OT_BOOL, 0, "list pools with autostart disabled" },
    { "type", VSH_OT_STRING, 0, "only list pool of specified type(s) (if supported)" },
    { "details", VSH_OT_BOOL, 0, "display extended details for pools" },
    { "uuid", VSH_OT_BOOL, 0, "list UUID of active pools only" },
    { "name", VSH_OT_BOOL, 0, "list name of active pools only" },
    END_OPTS
};
const VshOptDef vsh_opts_pool_info[] = {
    POOL_OPT("pool name or uuid"),
    { "bytes", VSH_OT_BOOL, 0, "Reture pool info in bytes" },
    END_OPTS
};
const VshOptDef vsh_opts_pool_dumpxml[] = {
    POOL_OPT("pool name or uuid"),
    { "inactive", VSH_OT_BOOL, 0, "show inactive defined XML" },
    END_OPTS
};
const VshOptDef vsh_opts_pool_autostart[] = {
    POOL_OPT("pool name or uuid"),
    { "disable", VSH_OT_BOOL, 0, "disable autostarting" },
    END_OPTS
};

VireoStoragePool *
vsh_lookup_pool(VshCtl *ctl, const VshCmd *cmd, const char *optname)
{
    const char *arg = vsh_cmd_opt(cmd, optname);
    VireoStoragePool *pool = NULL;

    if (strlen(arg) == VIREO_UUID_STRING_BUFLEN - 1)
        pool = vireo_storage_pool_lookup_by_uuid_string(ctl->conn, arg);
    if (!pool) {
        vireo_reset_error();
        pool = vireo_storage_pool_lookup_by_name(ctl->conn, arg);
    }
    if (!pool)
        vsh_error(ctl, "failed to get pool '%s'", arg);
    return pool;
}

static char *
read_file(VshCtl *ctl, const char *file)
{
    g_autoptr(GError) gerr = NULL;
    char *xml = NULL;

    if (!g_file_get_contents(file, &xml, NULL, &gerr)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file, gerr->message);
        return NULL;
    }
    return xml;
}

static bool
define_or_create(VshCtl *ctl, const VshCmd *cmd, bool create)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    g_autofree char *xml = read_file(ctl, file);
    g_autoptr(VireoStoragePool) pool = NULL;

    if (!xml)
        return false;
    pool = create ? vireo_storage_pool_create_xml(ctl->conn, xml, 0)
                  : vireo_storage_pool_define_xml(ctl->conn, xml, 0);
    if (!pool) {
        vsh_error(ctl, "Failed to %s pool from %s",
                  create ? "create" : "define", file);
        return false;
    }
    vsh_print_extra(ctl, "Pool %s %s from %s\n",
                    vireo_storage_pool_get_name(pool),
                    create ? "created" : "defined", file);
    return true;
}

bool
vsh_cmd_pool_define(VshCtl *ctl, const VshCmd *cmd)
{
    return define_or_create(ctl, cmd, false);
}

bool
vsh_cmd_pool_create(VshCtl *ctl, const VshCmd *cmd)
{
    return define_or_create(ctl, cmd, true);
}

/* --build/--overwrite/--no-overwrite into @flags (@with_build: the
 * CREATE_WITH_BUILD numbers, else the BUILD ones). */
static bool
build_flags(VshCtl *ctl, const VshCmd *cmd, bool with_build,
            unsigned int *flags)
{
    bool over = vsh_cmd_has(cmd, "overwrite");
    bool noover = vsh_cmd_has(cmd, "no-overwrite");

    *flags = 0;
    if (over && noover) {
        vsh_error(ctl, "Options --overwrite and --no-overwrite are mutually "
                  "exclusive");
        return false;
    }
    if (with_build) {
        if (vsh_cmd_has(cmd, "build"))
            *flags |= VIREO_STORAGE_POOL_CREATE_WITH_BUILD;
        if (over)
            *flags |= VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE;
        if (noover)
            *flags |= VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE;
    } else {
        if (over)
            *flags |= VIREO_STORAGE_POOL_BUILD_OVERWRITE;
        if (noover)
            *flags |= VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE;
    }
    return true;
}

static bool
x_as(VshCtl *ctl, const VshCmd *cmd, bool create)
{
    const char *name = vsh_cmd_opt(cmd, "name");
    g_autofree char *xml = NULL;
    g_autoptr(VireoStoragePool) pool = NULL;
    unsigned int flags = 0;

    if (create && !build_flags(ctl, cmd, true, &flags))
        return false;
    xml = vsh_pool_build_xml(name, vsh_cmd_opt(cmd, "type"),
                             vsh_cmd_opt(cmd, "source-host"),
                             vsh_cmd_opt(cmd, "source-path"),
                             vsh_cmd_opt(cmd, "source-dev"),
                             vsh_cmd_opt(cmd, "source-name"),
                             vsh_cmd_opt(cmd, "source-format"),
                             vsh_cmd_opt(cmd, "target"));
    if (vsh_cmd_has(cmd, "print-xml")) {
        printf("%s", xml);
        return true;
    }
    pool = create ? vireo_storage_pool_create_xml(ctl->conn, xml, flags)
                  : vireo_storage_pool_define_xml(ctl->conn, xml, 0);
    if (!pool) {
        vsh_error(ctl, "Failed to %s pool %s", create ? "create" : "define",
                  name);
        return false;
    }
    vsh_print_extra(ctl, "Pool %s %s\n", vireo_storage_pool_get_name(pool),
                    create ? "created" : "defined");
    return true;
}

bool
vsh_cmd_pool_define_as(VshCtl *ctl, const VshCmd *cmd)
{
    return x_as(ctl, cmd, false);
}

bool
vsh_cmd_pool_create_as(VshCtl *ctl, const VshCmd *cmd)
{
    return x_as(ctl, cmd, true);
}

typedef int (*PoolAction)(VireoStoragePool *pool, unsigned int flags);

/* Look up, act, print "Pool NAME DONE" or "Failed to VERB pool NAME". */
static bool
pool_action(VshCtl *ctl, const VshCmd *cmd, PoolAction act,
            unsigned int flags, const char *verb, const char *done)
{
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");

    if (!pool)
        return false;
    if (act(pool, flags) < 0) {
        vsh_error(ctl, "Failed to %s pool %s", verb,
                  vireo_storage_pool_get_name(pool));
        return false;
    }
    vsh_print_extra(ctl, "Pool %s %s\n", vireo_storage_pool_get_name(pool),
                    done);
    return true;
}

static int
act_destroy(VireoStoragePool *pool, unsigned int flags)
{
    (void) flags;
    return vireo_storage_pool_destroy(pool);
}

static int
act_undefine(VireoStoragePool *pool, unsigned int flags)
{
    (void) flags;
    return vireo_storage_pool_undefine(pool);
}

bool
vsh_cmd_pool_build(VshCtl *ctl, const VshCmd *cmd)
{
    unsigned int flags;

    if (!build_flags(ctl, cmd, false, &flags))
        return false;
    return pool_action(ctl, cmd, vireo_storage_pool_build, flags, "build",
                       "built");
}

bool
vsh_cmd_pool_start(VshCtl *ctl, const VshCmd *cmd)
{
    unsigned int flags;

    if (!build_flags(ctl, cmd, true, &flags))
        return false;
    return pool_action(ctl, cmd, vireo_storage_pool_start, flags, "start",
                       "started");
}

bool
vsh_cmd_pool_destroy(VshCtl *ctl, const VshCmd *cmd)
{
    return pool_action(ctl, cmd, act_destroy, 0, "destroy", "destroyed");
}

bool
vsh_cmd_pool_delete(VshCtl *ctl, const VshCmd *cmd)
{
    return pool_action(ctl, cmd, vireo_storage_pool_delete, 0, "delete",
                       "deleted");
}

bool
vsh_cmd_pool_undefine(VshCtl *ctl, const VshCmd *cmd)
{
    return pool_action(ctl, cmd, act_undefine, 0, "undefine",
                       "has been undefined");
}

bool
vsh_cmd_pool_refresh(VshCtl *ctl, const VshCmd *cmd)
{
    return pool_action(ctl, cmd, vireo_storage_pool_refresh, 0, "refresh",
                       "refreshed");
}

bool
vsh_cmd_pool_autostart(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    bool disable = vsh_cmd_has(cmd, "disable");

    if (!pool)
        return false;
    if (vireo_storage_pool_set_autostart(pool, !disable) < 0) {
        vsh_error(ctl, "failed to %smark pool %s as autostarted",
                  disable ? "un" : "", vireo_storage_pool_get_name(pool));
        return false;
    }
    vsh_print_extra(ctl, "Pool %s %smarked as autostarted\n",
                    vireo_storage_pool_get_name(pool), disable ? "un" : "");
    return true;
}

bool
vsh_cmd_pool_dumpxml(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autofree char *xml = NULL;
    unsigned int flags = vsh_cmd_has(cmd, "inactive")
                         ? VIREO_STORAGE_XML_INACTIVE : 0;

    if (!pool || !(xml = vireo_storage_pool_get_xml(pool, flags)))
        return false;
    printf("%s", xml);
    return true;
}

/* One "Label:   value" line of pool-info for a size. */
static void
info_size(const char *label, unsigned long long val, bool bytes)
{
    const char *unit;
    double d;

    if (bytes) {
        printf("%-15s %llu\n", label, val);
        return;
    }
    d = vsh_pretty_capacity(val, &unit);
    printf("%-15s %2.2lf %s\n", label, d, unit);
}

bool
vsh_cmd_pool_info(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    char uuid[VIREO_UUID_STRING_BUFLEN];
    VireoStoragePoolInfo info;
    bool bytes = vsh_cmd_has(cmd, "bytes");
    int persistent, autostart;

    if (!pool)
        return false;
    printf("%-15s %s\n", "Name:", vireo_storage_pool_get_name(pool));
    vireo_storage_pool_get_uuid_string(pool, uuid);
    printf("%-15s %s\n", "UUID:", uuid);
    if (vireo_storage_pool_get_info(pool, &info) < 0)
        return false;
    printf("%-15s %s\n", "State:", vsh_pool_state_string(info.state));
    persistent = vireo_storage_pool_is_persistent(pool);
    printf("%-15s %s\n", "Persistent:", persistent < 0 ? "unknown"
                                        : persistent ? "yes" : "no");
    if (vireo_storage_pool_get_autostart(pool, &autostart) < 0)
        printf("%-15s %s\n", "Autostart:", "no autostart");
    else
        printf("%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    vireo_reset_error();
    if (info.state == VIREO_STORAGE_POOL_RUNNING ||
        info.state == VIREO_STORAGE_POOL_DEGRADED) {
        info_size("Capacity:", info.capacity, bytes);
        info_size("Allocation:", info.allocation, bytes);
        info_size("Available:", info.available, bytes);
    }
    return true;
}
