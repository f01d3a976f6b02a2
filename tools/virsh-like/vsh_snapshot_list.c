/* vsh_snapshot_list.c: snapshot-list - virsh 9.0's filters, the name /
 * creation time / state (/ parent) table, --name and --tree output. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh_snapshot.h"

const VshOptDef vsh_opts_snapshot_list[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "domain name, id or uuid" },
    { "parent", VSH_OT_BOOL, 0, "add a column showing parent snapshot" },
    { "roots", VSH_OT_BOOL, 0, "list only snapshots without parents" },
    { "leaves", VSH_OT_BOOL, 0, "list only snapshots without children" },
    { "no-leaves", VSH_OT_BOOL, 0,
      "list only snapshots that are not leaves (with children)" },
    { "metadata", VSH_OT_BOOL, 0,
      "list only snapshots that have metadata that would prevent undefine" },
    { "no-metadata", VSH_OT_BOOL, 0,
      "list only snapshots that have no metadata managed by libvirt" },
    { "inactive", VSH_OT_BOOL, 0,
      "filter by snapshots taken while inactive" },
    { "active", VSH_OT_BOOL, 0,
      "filter by snapshots taken while active (full system snapshots)" },
    { "disk-only", VSH_OT_BOOL, 0, "filter by disk-only snapshots" },
    { "internal", VSH_OT_BOOL, 0, "filter by internal snapshots" },
    { "external", VSH_OT_BOOL, 0, "filter by external snapshots" },
    { "tree", VSH_OT_BOOL, 0, "list snapshots in a tree" },
    { "from", VSH_OT_STRING, 0, "limit list to children of given snapshot" },
    { "current", VSH_OT_BOOL, 0,
      "limit list to children of current snapshot" },
    { "descendants", VSH_OT_BOOL, 0, "with --from, list all descendants" },
    { "name", VSH_OT_BOOL, 0, "list snapshot names only" },
    { "topological", VSH_OT_BOOL, 0,
      "sort list topologically rather than by name" },
    { NULL, 0, 0, NULL }
};

char *
vsh_snapshot_time_format(long long t)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);

    return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z")
              : g_strdup("");
}

static void
tree_one(GString *out, char **names, char **parents, int n, int dev,
         int last, bool root, GString *indent)
{
    int next_last = -1;

    g_string_append_printf(out, "%s%s%s\n", indent->str, root ? "" : "+- ",
                           names[dev]);
    if (!root)
        g_string_append(indent, dev == last ? "  " : "| ");
    for (int i = 0; i < n; i++)
        if (parents[i] && g_str_equal(parents[i], names[dev]))
            next_last = i;
    if (next_last != -1)
        g_string_append_printf(out, "%s  |\n", indent->str);
    g_string_append(indent, "  ");
    for (int i = 0; i < n; i++)
        if (parents[i] && g_str_equal(parents[i], names[dev]))
            tree_one(out, names, parents, n, i, next_last, false, indent);
    g_string_truncate(indent, indent->len - 2);
    if (next_last == -1 && dev == last)
        g_string_append_printf(out, "%s\n", indent->str);
    if (!root)
        g_string_truncate(indent, indent->len - 2);
}

char *
vsh_snapshot_tree_format(char **names, char **parents, int n)
{
    GString *out = g_string_new(NULL);
    g_autoptr(GString) indent = g_string_new(NULL);

    for (int i = 0; i < n; i++)
        if (!parents[i])
            tree_one(out, names, parents, n, i, i, true, indent);
    return g_string_free(out, FALSE);
}

static bool
exclusive(VshCtl *ctl, const VshCmd *cmd, const char *a, const char *b)
{
    if (vsh_cmd_has(cmd, a) && vsh_cmd_has(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

static unsigned int
list_flags(const VshCmd *cmd)
{
    static const struct { const char *opt; unsigned int flag; } map[] = {
        { "roots", VIREO_SNAPSHOT_LIST_ROOTS },
        { "leaves", VIREO_SNAPSHOT_LIST_LEAVES },
        { "no-leaves", VIREO_SNAPSHOT_LIST_NO_LEAVES },
        { "metadata", VIREO_SNAPSHOT_LIST_METADATA },
        { "no-metadata", VIREO_SNAPSHOT_LIST_NO_METADATA },
        { "inactive", VIREO_SNAPSHOT_LIST_INACTIVE },
        { "active", VIREO_SNAPSHOT_LIST_ACTIVE },
        { "disk-only", VIREO_SNAPSHOT_LIST_DISK_ONLY },
        { "internal", VIREO_SNAPSHOT_LIST_INTERNAL },
        { "external", VIREO_SNAPSHOT_LIST_EXTERNAL },
        { "topological", VIREO_SNAPSHOT_LIST_TOPOLOGICAL },
    };
    unsigned int flags = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (vsh_cmd_has(cmd, map[i].opt))
            flags |= map[i].flag;
    return flags;
}

typedef struct {
    VireoSnapshot **snaps;
    int n;
    VireoSnapshot *from;        /* --from/--current: the start */
} SnapList;

static void
snap_list_clear(SnapList *l)
{
    for (int i = 0; l->snaps && i < l->n; i++)
        vireo_snapshot_free(l->snaps[i]);
    free(l->snaps);
    vireo_snapshot_free(l->from);
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(vireo_snapshot_get_name(*(VireoSnapshot *const *) a),
                  vireo_snapshot_get_name(*(VireoSnapshot *const *) b));
}

/* Collect the snapshots the options ask for.  False after an error. */
static bool
collect(VshCtl *ctl, const VshCmd *cmd, VireoDomain *dom, SnapList *l)
{
    const char *from = vsh_cmd_opt(cmd, "from");
    unsigned int flags = list_flags(cmd);

    if (vsh_cmd_has(cmd, "current")) {
        if (!(l->from = vireo_snapshot_current(dom)))
            return false;
    } else if (from && !(l->from = vireo_snapshot_lookup(dom, from))) {
        return false;
    }
    if (l->from) {
        if (vsh_cmd_has(cmd, "descendants"))
            flags |= VIREO_SNAPSHOT_LIST_DESCENDANTS;
        l->n = vireo_snapshot_list_children(l->from, flags, &l->snaps);
    } else {
        l->n = vireo_snapshot_list(dom, flags, &l->snaps);
    }
    if (l->n < 0)
        return false;
    if (!(flags & VIREO_SNAPSHOT_LIST_TOPOLOGICAL))
        qsort(l->snaps, l->n, sizeof(*l->snaps), by_name);
    (void) ctl;
    return true;
}

static bool
print_tree(SnapList *l)
{
    int n = l->n + (l->from ? 1 : 0);
    g_autofree char **names = g_new0(char *, n + 1);
    char **parents = g_new0(char *, n + 1);
    g_autofree char *text = NULL;
    bool ok = true;

    for (int i = 0; i < l->n && ok; i++) {
        g_autofree char *xml = vireo_snapshot_get_xml(l->snaps[i], 0);

        names[i] = (char *) vireo_snapshot_get_name(l->snaps[i]);
        ok = xml != NULL;
        parents[i] = ok ? vsh_snapshot_xml_field(xml, "name", true) : NULL;
    }
    if (l->from)
        names[l->n] = (char *) vireo_snapshot_get_name(l->from);
    if (ok) {
        text = vsh_snapshot_tree_format(names, parents, n);
        fputs(text, stdout);
    }
    g_strfreev(parents);
    return ok;
}

static bool
print_table(SnapList *l, bool with_parent)
{
    int ncols = with_parent ? 4 : 3;
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;

    g_ptr_array_add(cells, g_strdup("Name"));
    g_ptr_array_add(cells, g_strdup("Creation Time"));
    g_ptr_array_add(cells, g_strdup("State"));
    if (with_parent)
        g_ptr_array_add(cells, g_strdup("Parent"));
    for (int i = 0; i < l->n; i++) {
        g_autofree char *xml = vireo_snapshot_get_xml(l->snaps[i], 0);
        g_autofree char *ctime = NULL;
        char *state, *parent;

        if (!xml)
            return false;
        ctime = vsh_snapshot_xml_field(xml, "creationTime", false);
        state = vsh_snapshot_xml_field(xml, "state", false);
        parent = vsh_snapshot_xml_field(xml, "name", true);
        g_ptr_array_add(cells, g_strdup(vireo_snapshot_get_name(l->snaps[i])));
        g_ptr_array_add(cells, vsh_snapshot_time_format(
                                   ctime ? g_ascii_strtoll(ctime, NULL, 10)
                                         : 0));
        g_ptr_array_add(cells, state ? state : g_strdup(""));
        if (with_parent)
            g_ptr_array_add(cells, parent ? parent : g_strdup(""));
        else
            g_free(parent);
    }
    text = vsh_table_format((const char *const *) cells->pdata, l->n, ncols,
                            true);
    fputs(text, stdout);
    return true;
}

bool
vsh_cmd_snapshot_list(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = NULL;
    SnapList l = { 0 };
    bool ok;

    if (!exclusive(ctl, cmd, "tree", "name") ||
        !exclusive(ctl, cmd, "parent", "roots") ||
        !exclusive(ctl, cmd, "parent", "tree") ||
        !exclusive(ctl, cmd, "roots", "tree") ||
        !exclusive(ctl, cmd, "roots", "from") ||
        !exclusive(ctl, cmd, "roots", "current") ||
        !exclusive(ctl, cmd, "from", "current"))
        return false;
    if (!(dom = vsh_lookup_domain(ctl, cmd)))
        return false;
    ok = collect(ctl, cmd, dom, &l);
    if (ok && vsh_cmd_has(cmd, "name")) {
        for (int i = 0; i < l.n; i++)
            printf("%s\n", vireo_snapshot_get_name(l.snaps[i]));
    } else if (ok && vsh_cmd_has(cmd, "tree")) {
        ok = print_tree(&l);
    } else if (ok) {
        ok = print_table(&l, vsh_cmd_has(cmd, "parent"));
    }
    snap_list_clear(&l);
    return ok;
}
