/* vsh_cmds_domain.c: domain commands (list, define, undefine, dumpxml,
 * dominfo, domuuid, domname, domid, domstate, autostart) with virsh's
 * output formats. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsh.h"

char *
vsh_table_format(const char *const *cells, int nrows, int ncols, bool header)
{
    g_autofree size_t *width = g_new0(size_t, ncols);
    GString *out = g_string_new(NULL);
    size_t total = 0;

    for (int r = header ? 0 : 1; r <= nrows; r++) {
        for (int c = 0; c < ncols; c++)
            width[c] = MAX(width[c],
                           (size_t) g_utf8_strlen(cells[r * ncols + c], -1));
    }
    for (int r = header ? 0 : 1; r <= nrows; r++) {
        for (int c = 0; c < ncols; c++) {
            const char *cell = cells[r * ncols + c];

            g_string_append(out, c ? "   " : " ");
            g_string_append(out, cell);
            if (c < ncols - 1) {
                for (size_t w = (size_t) g_utf8_strlen(cell, -1); w < width[c]; w++)
                    g_string_append_c(out, ' ');
            }
        }
        g_string_append_c(out, '\n');
        if (r == 0) {
            for (int c = 0; c < ncols; c++)
                total += width[c] + 3;
            for (size_t i = 0; i < total; i++)
                g_string_append_c(out, '-');
            g_string_append_c(out, '\n');
        }
    }
    return g_string_free(out, FALSE);
}

/* virsh's order: running domains by id, then inactive ones by name. */
static int
domain_cmp(const void *a, const void *b)
{
    VireoDomain *da = *(VireoDomain *const *) a;
    VireoDomain *db = *(VireoDomain *const *) b;
    int ia = vireo_domain_get_id(da);
    int ib = vireo_domain_get_id(db);

    if (ia < 0 && ib < 0)
        return g_ascii_strcasecmp(vireo_domain_get_name(da),
                                  vireo_domain_get_name(db));
    if (ia >= 0 && ib >= 0)
        return (ia > ib) - (ia < ib);
    return ia >= 0 ? -1 : 1;
}

static unsigned int
list_flags(const VshCmd *cmd)
{
    unsigned int flags = VIREO_LIST_ACTIVE;

    if (vsh_cmd_has(cmd, "inactive"))
        flags = VIREO_LIST_INACTIVE;
    if (vsh_cmd_has(cmd, "all"))
        flags = VIREO_LIST_ACTIVE | VIREO_LIST_INACTIVE;
    if (vsh_cmd_has(cmd, "persistent"))
        flags |= VIREO_LIST_PERSISTENT;
    if (vsh_cmd_has(cmd, "transient"))
        flags |= VIREO_LIST_TRANSIENT;
    if (vsh_cmd_has(cmd, "autostart"))
        flags |= VIREO_LIST_AUTOSTART;
    if (vsh_cmd_has(cmd, "no-autostart"))
        flags |= VIREO_LIST_NO_AUTOSTART;
    if (vsh_cmd_has(cmd, "with-managed-save"))
        flags |= VIREO_LIST_MANAGEDSAVE;
    if (vsh_cmd_has(cmd, "without-managed-save"))
        flags |= VIREO_LIST_NO_MANAGEDSAVE;
    return flags;
}

/* --name / --uuid: one domain per line. */
static void
list_plain(VireoDomain **doms, int n, bool name, bool uuid)
{
    for (int i = 0; i < n; i++) {
        char buf[VIREO_UUID_STRING_BUFLEN];

        vireo_domain_get_uuid_string(doms[i], buf);
        if (name && uuid)
            printf("%-36s %s\n", buf, vireo_domain_get_name(doms[i]));
        else
            printf("%s\n", uuid ? buf : vireo_domain_get_name(doms[i]));
    }
}

static bool
list_table(VshCtl *ctl, VireoDomain **doms, int n)
{
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;

    g_ptr_array_add(cells, g_strdup("Id"));
    g_ptr_array_add(cells, g_strdup("Name"));
    g_ptr_array_add(cells, g_strdup("State"));
    for (int i = 0; i < n; i++) {
        int id = vireo_domain_get_id(doms[i]);
        int state;

        if (vireo_domain_get_state(doms[i], &state, NULL) < 0)
            return false;
        g_ptr_array_add(cells, id < 0 ? g_strdup("-")
                                      : g_strdup_printf("%d", id));
        g_ptr_array_add(cells, g_strdup(vireo_domain_get_name(doms[i])));
        g_ptr_array_add(cells, g_strdup(vireo_domain_state_string(state)));
    }
    text = vsh_table_format((const char *const *) cells->pdata, n, 3,
                            !ctl->quiet);
    fputs(text, stdout);
    return true;
}

bool
vsh_cmd_list(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain **doms = NULL;
    bool name = vsh_cmd_has(cmd, "name");
    bool uuid = vsh_cmd_has(cmd, "uuid");
    bool ok = true;
    int n;

    if ((n = vireo_conn_list_domains(ctl->conn, list_flags(cmd), &doms)) < 0) {
        vsh_error(ctl, "Failed to list domains");
        return false;
    }
    qsort(doms, n, sizeof(*doms), domain_cmp);
    if (name || uuid)
        list_plain(doms, n, name, uuid);
    else
        ok = list_table(ctl, doms, n);
    vireo_domain_list_free(doms);
    return ok;
}

/* The errno behind a GFileError, for virsh's wording of the message. */
static int
file_errno(const GError *err)
{
    switch (err->code) {
    case G_FILE_ERROR_NOENT: return ENOENT;
    case G_FILE_ERROR_ACCES: return EACCES;
    case G_FILE_ERROR_ISDIR: return EISDIR;
    case G_FILE_ERROR_PERM: return EPERM;
    default: return EIO;
    }
}

bool
vsh_cmd_define(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    unsigned int flags = vsh_cmd_has(cmd, "validate") ? VIREO_DEFINE_VALIDATE
                                                      : 0;
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    VireoDomain *dom;

    if (!g_file_get_contents(file, &xml, NULL, &gerr)) {
        vsh_error(ctl, "Failed to open file '%s': %s", file,
                  g_strerror(file_errno(gerr)));
        return false;
    }
    if (!(dom = vireo_domain_define_xml(ctl->conn, xml, flags))) {
        vsh_error(ctl, "Failed to define domain from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' defined from %s\n",
                    vireo_domain_get_name(dom), file);
    vireo_domain_free(dom);
    return true;
}

bool
vsh_cmd_undefine(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    bool ok;

    unsigned int flags = 0;

    if (!dom)
        return false;
    if (vsh_cmd_has(cmd, "managed-save"))
        flags |= VIREO_UNDEFINE_MANAGED_SAVE;
    if (vsh_cmd_has(cmd, "snapshots-metadata"))
        flags |= VIREO_UNDEFINE_SNAPSHOTS_METADATA;
    if ((ok = vireo_domain_undefine(dom, flags) == 0))
        vsh_print_extra(ctl, "Domain '%s' has been undefined\n",
                        vireo_domain_get_name(dom));
    else
        vsh_error(ctl, "Failed to undefine domain '%s'",
                  vireo_domain_get_name(dom));
    vireo_domain_free(dom);
    return ok;
}

bool
vsh_cmd_dumpxml(VshCtl *ctl, const VshCmd *cmd)
{
    unsigned int flags = 0;
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    char *xml;

    if (!dom)
        return false;
    if (vsh_cmd_has(cmd, "inactive"))
        flags |= VIREO_DOMAIN_XML_INACTIVE;
    if (vsh_cmd_has(cmd, "security-info"))
        flags |= VIREO_DOMAIN_XML_SECURE;
    xml = vireo_domain_get_xml(dom, flags);
    vireo_domain_free(dom);
    if (!xml)
        return false;
    fputs(xml, stdout);
    free(xml);
    return true;
}

bool
vsh_cmd_domuuid(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    char buf[VIREO_UUID_STRING_BUFLEN];

    if (!dom)
        return false;
    vireo_domain_get_uuid_string(dom, buf);
    printf("%s\n", buf);
    vireo_domain_free(dom);
    return true;
}

bool
vsh_cmd_domname(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);

    if (!dom)
        return false;
    printf("%s\n", vireo_domain_get_name(dom));
    vireo_domain_free(dom);
    return true;
}

bool
vsh_cmd_domid(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    int id;

    if (!dom)
        return false;
    if ((id = vireo_domain_get_id(dom)) < 0)
        printf("-\n");
    else
        printf("%d\n", id);
    vireo_domain_free(dom);
    return true;
}

bool
vsh_cmd_domstate(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    int state;
    int reason;
    bool ok;

    if (!dom)
        return false;
    if ((ok = vireo_domain_get_state(dom, &state, &reason) == 0)) {
        if (vsh_cmd_has(cmd, "reason"))
            printf("%s (%s)\n", vireo_domain_state_string(state),
                   vireo_domain_reason_string(state, reason));
        else
            printf("%s\n", vireo_domain_state_string(state));
    }
    vireo_domain_free(dom);
    return ok;
}

bool
vsh_cmd_autostart(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    bool enable = !vsh_cmd_has(cmd, "disable");
    const char *name;
    bool ok;

    if (!dom)
        return false;
    name = vireo_domain_get_name(dom);
    ok = vireo_domain_set_autostart(dom, enable) == 0;
    if (!ok)
        vsh_error(ctl, "Failed to %smark domain '%s' as autostarted",
                  enable ? "" : "un", name);
    else
        vsh_print_extra(ctl, "Domain '%s' %smarked as autostarted\n", name,
                        enable ? "" : "un");
    vireo_domain_free(dom);
    return ok;
}

/* The security lines of dominfo; a daemon without security procedures
 * (VIREO_ERR_NO_SUPPORT) simply has none. */
static bool
dominfo_security(VshCtl *ctl, VireoDomain *dom)
{
    VireoSecurityModel model;
    g_autofree VireoSecurityLabel *label = g_new0(VireoSecurityLabel, 1);

    if (vireo_node_get_security_model(ctl->conn, &model) < 0) {
        if (vireo_error_code(vireo_last_error()) != VIREO_ERR_NO_SUPPORT)
            return false;
        vireo_reset_error();
        return true;
    }
    if (!model.model[0])
        return true;
    printf("%-15s %s\n", "Security model:", model.model);
    printf("%-15s %s\n", "Security DOI:", model.doi);
    if (vireo_domain_get_security_label(dom, label) < 0) {
        if (vireo_error_code(vireo_last_error()) != VIREO_ERR_NO_SUPPORT)
            return false;
        vireo_reset_error();
        return true;
    }
    if (label->label[0])
        printf("%-15s %s (%s)\n", "Security label:", label->label,
               label->enforcing ? "enforcing" : "permissive");
    return true;
}

static const char *
yes_no(int val)
{
    return val < 0 ? "unknown" : val ? "yes" : "no";
}

/* The lines that need calls; false when a required call failed. */
static bool
dominfo_details(VshCtl *ctl, VireoDomain *dom)
{
    VireoDomainInfo info;
    g_autofree char *ostype = vireo_domain_get_os_type(dom);
    int autostart;

    if (!ostype)
        return false;
    printf("%-15s %s\n", "OS Type:", ostype);
    if (vireo_domain_get_info(dom, &info) < 0)
        return false;
    printf("%-15s %s\n", "State:", vireo_domain_state_string(info.state));
    printf("%-15s %u\n", "CPU(s):", info.nr_vcpus);
    if (info.cpu_time != 0)
        printf("%-15s %.1lfs\n", "CPU time:", info.cpu_time / 1e9);
    printf("%-15s %llu KiB\n", "Max memory:", info.max_mem);
    printf("%-15s %llu KiB\n", "Used memory:", info.memory);
    printf("%-15s %s\n", "Persistent:", yes_no(vireo_domain_is_persistent(dom)));
    if (vireo_domain_get_autostart(dom, &autostart) == 0)
        printf("%-15s %s\n", "Autostart:", autostart ? "enable" : "disable");
    printf("%-15s %s\n", "Managed save:",
           yes_no(vireo_domain_has_managed_save(dom)));
    vireo_reset_error();
    return dominfo_security(ctl, dom);
}

bool
vsh_cmd_dominfo(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    char uuid[VIREO_UUID_STRING_BUFLEN];
    bool ok;

    if (!dom)
        return false;
    if (vireo_domain_get_id(dom) < 0)
        printf("%-15s %s\n", "Id:", "-");
    else
        printf("%-15s %d\n", "Id:", vireo_domain_get_id(dom));
    printf("%-15s %s\n", "Name:", vireo_domain_get_name(dom));
    vireo_domain_get_uuid_string(dom, uuid);
    printf("%-15s %s\n", "UUID:", uuid);
    ok = dominfo_details(ctl, dom);
    vireo_domain_free(dom);
    return ok;
}
