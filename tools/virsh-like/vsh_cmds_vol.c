/* vsh_cmds_vol.c: storage volume commands (vol-create-as, vol-list,
 * vol-info, vol-clone, vol-resize, ...) with virsh 9.0's output formats,
 * their option tables, and volume lookup like virsh's. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_storage.h"

#define END_OPTS { NULL, 0, 0, NULL }
#define VOL_OPT \
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "vol name, key or path" }
#define POOL_OPT_OPT \
    { "pool", VSH_OT_STRING, 0, "pool name or uuid" }
#define PREALLOC_OPT \
    { "prealloc-metadata", VSH_OT_BOOL, 0, "preallocate metadata (for qcow2 " \
      "instead of full allocation)" }

const VshOptDef vsh_opts_vol[] = { VOL_OPT, POOL_OPT_OPT, END_OPTS };
const VshOptDef vsh_opts_vol_create[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "pool name" },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "file containing an XML vol description" },
    PREALLOC_OPT, END_OPTS
};
const VshOptDef vsh_opts_vol_create_as[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, "pool name" },
    { "name", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "name of the volume" },
    { "capacity", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "size of the vol, as scaled integer (default bytes)" },
    { "allocation", VSH_OT_STRING, 0,
      "initial allocation size, as scaled integer (default bytes)" },
    { "format", VSH_OT_STRING, 0,
      "file format type raw,bochs,qcow,qcow2,qed,vmdk" },
    { "backing-vol", VSH_OT_STRING, 0,
      "the backing volume if taking a snapshot" },
    { "backing-vol-format", VSH_OT_STRING, 0,
      "format of backing volume if taking a snapshot" },
    PREALLOC_OPT,
    { "print-xml", VSH_OT_BOOL, 0, "print XML document, but don't define/create" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_create_from[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "pool name or uuid" },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "file containing an XML vol description" },
    VOL_OPT,
    { "inputpool", VSH_OT_STRING, 0, "pool name or uuid of the input volume's pool" },
    PREALLOC_OPT,
    { "reflink", VSH_OT_BOOL, 0, "use btrfs COW lightweight copy" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_clone[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "orig vol name or key" },
    { "newname", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "clone name" },
    POOL_OPT_OPT, PREALLOC_OPT,
    { "reflink", VSH_OT_BOOL, 0, "use btrfs COW lightweight copy" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_wipe[] = {
    VOL_OPT, POOL_OPT_OPT,
    { "algorithm", VSH_OT_STRING, 0, "perform selected wiping algorithm" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_resize[] = {
    VOL_OPT,
    { "capacity", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "new capacity for the vol, as scaled integer (default bytes)" },
    POOL_OPT_OPT,
    { "allocate", VSH_OT_BOOL, 0, "allocate the new capacity, rather than "
      "leaving it sparse" },
    { "delta", VSH_OT_BOOL, 0, "use capacity as a delta to current size, "
      "rather than the new size" },
    { "shrink", VSH_OT_BOOL, 0, "allow the resize to shrink the volume" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_list[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "pool name or uuid" },
    { "details", VSH_OT_BOOL, 0, "display extended details for volumes" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_info[] = {
    VOL_OPT, POOL_OPT_OPT,
    { "bytes", VSH_OT_BOOL, 0, "sizes are represented in bytes rather than "
      "pretty units" },
    { "physical", VSH_OT_BOOL, 0, "return the physical size of the volume "
      "in allocation field" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_key[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "volume name or path" },
    POOL_OPT_OPT, END_OPTS
};
const VshOptDef vsh_opts_vol_name[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "volume key or path" },
    END_OPTS
};
const VshOptDef vsh_opts_vol_pool[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "volume key or path" },
    { "uuid", VSH_OT_BOOL, 0, "return the pool uuid rather than pool name" },
    END_OPTS
};

/* The volume named @n: by name in @pool, then by key, then by path. */
static VireoStorageVol *
vol_find(VshCtl *ctl, VireoStoragePool *pool, const char *n)
{
    VireoStorageVol *vol = NULL;

    if (pool)
        vol = vireo_storage_vol_lookup_by_name(pool, n);
    if (!vol)
        vol = vireo_storage_vol_lookup_by_key(ctl->conn, n);
    if (!vol)
        vol = vireo_storage_vol_lookup_by_path(ctl->conn, n);
    return vol;
}

VireoStorageVol *
vsh_lookup_vol(VshCtl *ctl, const VshCmd *cmd, const char *optname,
               const char *poolopt)
{
    const char *n = vsh_cmd_opt(cmd, optname);
    const char *p = poolopt ? vsh_cmd_opt(cmd, poolopt) : NULL;
    g_autoptr(VireoStoragePool) pool = NULL;
    g_autoptr(VireoStoragePool) volpool = NULL;
    VireoStorageVol *vol;

    if (p) {
        if (!(pool = vsh_lookup_pool(ctl, cmd, poolopt)))
            return NULL;
        if (vireo_storage_pool_is_active(pool) != 1) {
            vsh_error(ctl, "pool '%s' is not active", p);
            return NULL;
        }
    }
    if (!(vol = vol_find(ctl, pool, n))) {
        if (pool || !poolopt)
            vsh_error(ctl, "failed to get vol '%s'", n);
        else
            vsh_error(ctl, "failed to get vol '%s', specifying --%s might "
                      "help", n, poolopt);
        return NULL;
    }
    vireo_reset_error();
    if (pool && strcmp(vireo_storage_vol_get_pool_name(vol),
                       vireo_storage_pool_get_name(pool)) != 0) {
        vsh_error(ctl, "Requested volume '%s' is not in pool '%s'", n,
                  vireo_storage_pool_get_name(pool));
        vireo_storage_vol_free(vol);
        return NULL;
    }
    return vol;
}

static unsigned int
create_flags(const VshCmd *cmd)
{
    unsigned int flags = 0;

    if (vsh_cmd_has(cmd, "prealloc-metadata"))
        flags |= VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA;
    if (vsh_cmd_has(cmd, "reflink"))
        flags |= VIREO_STORAGE_VOL_CREATE_REFLINK;
    return flags;
}

/* The path of the backing volume @name (name in @pool, key, path); NULL
 * after printing an error. */
static char *
backing_path(VshCtl *ctl, VireoStoragePool *pool, const char *name)
{
    g_autoptr(VireoStorageVol) vol = vol_find(ctl, pool, name);

    if (!vol) {
        vsh_error(ctl, "failed to get vol '%s'", name);
        return NULL;
    }
    vireo_reset_error();
    return vireo_storage_vol_get_path(vol);
}

bool
vsh_cmd_vol_create_as(VshCtl *ctl, const VshCmd *cmd)
{
    const char *name = vsh_cmd_opt(cmd, "name");
    const char *cap = vsh_cmd_opt(cmd, "capacity");
    const char *alloc = vsh_cmd_opt(cmd, "allocation");
    const char *bvol = vsh_cmd_opt(cmd, "backing-vol");
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autoptr(VireoStorageVol) vol = NULL;
    g_autofree char *bpath = NULL;
    g_autofree char *xml = NULL;
    unsigned long long capacity, allocation;

    if (!pool)
        return false;
    if (vsh_parse_size(cap, &capacity) < 0) {
        vsh_error(ctl, "Malformed size %s", cap);
        return false;
    }
    if (alloc && vsh_parse_size(alloc, &allocation) < 0) {
        vsh_error(ctl, "Malformed size %s", alloc);
        return false;
    }
    if (bvol && !(bpath = backing_path(ctl, pool, bvol)))
        return false;
    xml = vsh_vol_build_xml(name, capacity, alloc ? &allocation : NULL,
                            vsh_cmd_opt(cmd, "format"), bpath,
                            vsh_cmd_opt(cmd, "backing-vol-format"));
    if (vsh_cmd_has(cmd, "print-xml")) {
        printf("%s", xml);
        return true;
    }
    if (!(vol = vireo_storage_vol_create_xml(pool, xml, create_flags(cmd)))) {
        vsh_error(ctl, "Failed to create vol %s", name);
        return false;
    }
    vsh_print_extra(ctl, "Vol %s created\n", vireo_storage_vol_get_name(vol));
    return true;
}

bool
vsh_cmd_vol_create(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autoptr(VireoStorageVol) vol = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *xml = NULL;

    if (!pool)
        return false;
    if (!g_file_get_contents(file, &xml, NULL, &gerr)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file, gerr->message);
        return false;
    }
    if (!(vol = vireo_storage_vol_create_xml(pool, xml, create_flags(cmd)))) {
        vsh_error(ctl, "Failed to create vol from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Vol %s created from %s\n",
                    vireo_storage_vol_get_name(vol), file);
    return true;
}

bool
vsh_cmd_vol_create_from(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autoptr(VireoStorageVol) input = NULL;
    g_autoptr(VireoStorageVol) vol = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *xml = NULL;

    if (!pool || !(input = vsh_lookup_vol(ctl, cmd, "vol", "inputpool")))
        return false;
    if (!g_file_get_contents(file, &xml, NULL, &gerr)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file, gerr->message);
        return false;
    }
    if (!(vol = vireo_storage_vol_create_xml_from(pool, xml, input,
                                                  create_flags(cmd)))) {
        vsh_error(ctl, "Failed to create vol from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Vol %s created from input vol %s\n",
                    vireo_storage_vol_get_name(vol),
                    vireo_storage_vol_get_name(input));
    return true;
}

bool
vsh_cmd_vol_clone(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) orig = vsh_lookup_vol(ctl, cmd, "vol", "pool");
    g_autoptr(VireoStoragePool) pool = NULL;
    g_autoptr(VireoStorageVol) vol = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *newxml = NULL;

    if (!orig)
        return false;
    if (!(pool = vireo_storage_pool_lookup_by_volume(orig))) {
        vsh_error(ctl, "failed to get parent pool");
        return false;
    }
    if (!(xml = vireo_storage_vol_get_xml(orig, 0)))
        return false;
    if (!(newxml = vsh_vol_clone_xml(xml, vsh_cmd_opt(cmd, "newname")))) {
        vsh_error(ctl, "Failed to clone vol from %s",
                  vireo_storage_vol_get_name(orig));
        return false;
    }
    if (!(vol = vireo_storage_vol_create_xml_from(pool, newxml, orig,
                                                  create_flags(cmd)))) {
        vsh_error(ctl, "Failed to clone vol from %s",
                  vireo_storage_vol_get_name(orig));
        return false;
    }
    vsh_print_extra(ctl, "Vol %s cloned from %s\n",
                    vireo_storage_vol_get_name(vol),
                    vireo_storage_vol_get_name(orig));
    return true;
}

bool
vsh_cmd_vol_delete(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", "pool");

    if (!vol)
        return false;
    if (vireo_storage_vol_delete(vol, 0) < 0) {
        vsh_error(ctl, "Failed to delete vol %s",
                  vireo_storage_vol_get_name(vol));
        return false;
    }
    vsh_print_extra(ctl, "Vol %s deleted\n", vireo_storage_vol_get_name(vol));
    return true;
}

bool
vsh_cmd_vol_wipe(VshCtl *ctl, const VshCmd *cmd)
{
    static const char *const algs[] = {
        "zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7",
        "pfitzner33", "random", "trim", NULL
    };
    const char *alg = vsh_cmd_opt(cmd, "algorithm");
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", "pool");
    int a = -1, rc;

    if (!vol)
        return false;
    for (int i = 0; alg && algs[i]; i++) {
        if (strcmp(algs[i], alg) == 0)
            a = i;
    }
    if (alg && a < 0) {
        vsh_error(ctl, "Unsupported algorithm '%s'", alg);
        return false;
    }
    rc = a > 0 ? vireo_storage_vol_wipe_pattern(vol, a, 0)
               : vireo_storage_vol_wipe(vol, 0);
    if (rc < 0) {
        vsh_error(ctl, "Failed to wipe vol %s",
                  vireo_storage_vol_get_name(vol));
        return false;
    }
    vsh_print_extra(ctl, "Vol %s wiped\n", vireo_storage_vol_get_name(vol));
    return true;
}

bool
vsh_cmd_vol_resize(VshCtl *ctl, const VshCmd *cmd)
{
    const char *str = vsh_cmd_opt(cmd, "capacity");
    g_autoptr(VireoStorageVol) vol = NULL;
    unsigned long long capacity;
    unsigned int flags = 0;
    bool delta = vsh_cmd_has(cmd, "delta");

    if (vsh_cmd_has(cmd, "allocate"))
        flags |= VIREO_STORAGE_VOL_RESIZE_ALLOCATE;
    if (vsh_cmd_has(cmd, "shrink"))
        flags |= VIREO_STORAGE_VOL_RESIZE_SHRINK;
    if (!(vol = vsh_lookup_vol(ctl, cmd, "vol", "pool")))
        return false;
    while (g_ascii_isspace(*str))
        str++;
    if (*str == '-') {
        if (!(flags & VIREO_STORAGE_VOL_RESIZE_SHRINK)) {
            vsh_error(ctl, "negative size requires --shrink");
            return false;
        }
        str++;
        delta = true;
    }
    if (delta)
        flags |= VIREO_STORAGE_VOL_RESIZE_DELTA;
    if (vsh_parse_size(str, &capacity) < 0) {
        vsh_error(ctl, "Malformed size %s", str);
        return false;
    }
    if (vireo_storage_vol_resize(vol, capacity, flags) < 0) {
        vsh_error(ctl, "Failed to change size of volume '%s' %s %s\n",
                  vireo_storage_vol_get_name(vol), delta ? "by" : "to", str);
        return false;
    }
    vsh_print_extra(ctl, "Size of volume '%s' successfully changed %s %s\n",
                    vireo_storage_vol_get_name(vol), delta ? "by" : "to",
                    str);
    return true;
}
