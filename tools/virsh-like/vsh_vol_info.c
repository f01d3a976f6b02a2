/* vsh_vol_info.c: the volume queries: vol-list (plain and --details),
 * vol-info, vol-dumpxml, vol-path, vol-key, vol-name, vol-pool (virsh
 * 9.0's output). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_storage.h"

static int
vol_cmp(const void *a, const void *b)
{
    VireoStorageVol *va = *(VireoStorageVol *const *) a;
    VireoStorageVol *vb = *(VireoStorageVol *const *) b;

    return g_ascii_strcasecmp(vireo_storage_vol_get_name(va),
                              vireo_storage_vol_get_name(vb));
}

/* The cells of one volume's row (appended to @cells). */
static void
vol_row(VireoStorageVol *vol, bool details, GPtrArray *cells)
{
    VireoStorageVolInfo info;
    char *path = vireo_storage_vol_get_path(vol);

    g_ptr_array_add(cells, g_strdup(vireo_storage_vol_get_name(vol)));
    g_ptr_array_add(cells, path ? path : g_strdup("unknown"));
    if (details && vireo_storage_vol_get_info(vol, &info, 0) == 0) {
        g_ptr_array_add(cells, g_strdup(vsh_vol_type_string(info.type)));
        g_ptr_array_add(cells, vsh_capacity_format(info.capacity));
        g_ptr_array_add(cells, vsh_capacity_format(info.allocation));
    } else if (details) {
        for (int i = 0; i < 3; i++)
            g_ptr_array_add(cells, g_strdup("unknown"));
    }
    vireo_reset_error();
}

bool
vsh_cmd_vol_list(VshCtl *ctl, const VshCmd *cmd)
{
    static const char *const heads[] = {
        "Name", "Path", "Type", "Capacity", "Allocation"
    };
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;
    bool details = vsh_cmd_has(cmd, "details");
    VireoStorageVol **vols = NULL;
    int ncols = details ? 5 : 2;
    int n;

    if (!pool)
        return false;
    if ((n = vireo_storage_pool_list_volumes(pool, 0, &vols)) < 0) {
        vsh_error(ctl, "Failed to list storage volumes");
        return false;
    }
    qsort(vols, n, sizeof(*vols), vol_cmp);
    for (int c = 0; c < ncols; c++)
        g_ptr_array_add(cells, g_strdup(heads[c]));
    for (int i = 0; i < n; i++)
        vol_row(vols[i], details, cells);
    vireo_storage_vol_list_free(vols);
    text = vsh_table_format((const char *const *) cells->pdata, n, ncols,
                            !ctl->quiet);
    fputs(text, stdout);
    return true;
}

static void
info_size(const char *label, unsigned long long val, bool bytes)
{
    const char *unit;
    double d;

    if (bytes) {
        printf("%-15s %llu %s\n", label, val, "bytes");
        return;
    }
    d = vsh_pretty_capacity(val, &unit);
    printf("%-15s %2.2lf %s\n", label, d, unit);
}

bool
vsh_cmd_vol_info(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", "pool");
    bool bytes = vsh_cmd_has(cmd, "bytes");
    unsigned int flags = vsh_cmd_has(cmd, "physical")
                         ? VIREO_STORAGE_VOL_GET_PHYSICAL : 0;
    VireoStorageVolInfo info;

    if (!vol)
        return false;
    printf("%-15s %s\n", "Name:", vireo_storage_vol_get_name(vol));
    if (vireo_storage_vol_get_info(vol, &info, flags) < 0)
        return false;
    printf("%-15s %s\n", "Type:", vsh_vol_type_string(info.type));
    info_size("Capacity:", info.capacity, bytes);
    info_size(flags ? "Physical:" : "Allocation:", info.allocation, bytes);
    return true;
}

bool
vsh_cmd_vol_dumpxml(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", "pool");
    g_autofree char *xml = NULL;

    if (!vol || !(xml = vireo_storage_vol_get_xml(vol, 0)))
        return false;
    printf("%s", xml);
    return true;
}

bool
vsh_cmd_vol_path(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", "pool");
    g_autofree char *path = NULL;

    if (!vol || !(path = vireo_storage_vol_get_path(vol)))
        return false;
    printf("%s\n", path);
    return true;
}

bool
vsh_cmd_vol_key(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", "pool");

    if (!vol)
        return false;
    printf("%s\n", vireo_storage_vol_get_key(vol));
    return true;
}

bool
vsh_cmd_vol_name(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", NULL);

    if (!vol)
        return false;
    printf("%s\n", vireo_storage_vol_get_name(vol));
    return true;
}

bool
vsh_cmd_vol_pool(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStorageVol) vol = vsh_lookup_vol(ctl, cmd, "vol", NULL);
    g_autoptr(VireoStoragePool) pool = NULL;
    char uuid[VIREO_UUID_STRING_BUFLEN];

    if (!vol)
        return false;
    if (!(pool = vireo_storage_pool_lookup_by_volume(vol))) {
        vsh_error(ctl, "failed to get parent pool");
        return false;
    }
    if (vsh_cmd_has(cmd, "uuid")) {
        vireo_storage_pool_get_uuid_string(pool, uuid);
        printf("%s\n", uuid);
    } else {
        printf("%s\n", vireo_storage_pool_get_name(pool));
    }
    return true;
}

/* ---- tab completion ----------------------------------------------------- */

static void
add_vol_names(VireoStoragePool *pool, const char *text, bool paths,
              GPtrArray *out)
{
    VireoStorageVol **vols = NULL;
    int n = vireo_storage_pool_list_volumes(pool, 0, &vols);

    for (int i = 0; i < n; i++) {
        const char *w = paths ? vireo_storage_vol_get_key(vols[i])
                              : vireo_storage_vol_get_name(vols[i]);

        if (g_str_has_prefix(w, text))
            g_ptr_array_add(out, g_strdup(w));
    }
    vireo_storage_vol_list_free(vols);
}

void
vsh_storage_complete(VireoConn *conn, const VshCmdDef *def, const char *line,
                     const char *text, GPtrArray *out)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    const char *poolname = NULL;
    VireoStoragePool **pools = NULL;
    bool vol = false;
    int n;

    if (!conn || !def->opts[0].name || *text == '-')
        return;
    vol = strcmp(def->opts[0].name, "vol") == 0;
    if (!vol && strcmp(def->opts[0].name, "pool") != 0)
        return;
    for (int i = 0; words[i] && words[i + 1]; i++) {
        if (strcmp(words[i], "--pool") == 0)
            poolname = words[i + 1];
    }
    if ((n = vireo_conn_list_storage_pools(conn, 0, &pools)) < 0)
        n = 0;
    for (int i = 0; i < n; i++) {
        const char *name = vireo_storage_pool_get_name(pools[i]);

        if (!vol && g_str_has_prefix(name, text))
            g_ptr_array_add(out, g_strdup(name));
        else if (vol && (!poolname || strcmp(poolname, name) == 0))
            add_vol_names(pools[i], text, !poolname, out);
    }
    vireo_storage_pool_list_free(pools);
    vireo_reset_error();
}
