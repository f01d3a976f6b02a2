/* vsh_edit.c: "edit": fetch the persistent XML, run the user's editor on
 * a temporary copy, redefine when it changed; on failure ask like virsh
 * whether to edit again. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsh.h"

typedef enum {
    EDIT_AGAIN,       /* y */
    EDIT_ABORT,       /* n */
    EDIT_NO_VALIDATE, /* i */
    EDIT_FORCE,       /* f */
} EditAnswer;

bool
vsh_edit_run_editor(VshCtl *ctl, const char *path)
{
    const char *editor = g_getenv("VISUAL");
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    int status = 0;
    int argc = 0;

    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    if (!g_shell_parse_argv(editor, &argc, &argv, &gerr)) {
        vsh_error(ctl, "cannot parse editor command '%s': %s", editor,
                  gerr->message);
        return false;
    }
    for (int i = 0; i < argc; i++)
        g_ptr_array_add(args, argv[i]);
    g_ptr_array_add(args, (char *) path);
    g_ptr_array_add(args, NULL);
    fflush(stdout);
    if (!g_spawn_sync(NULL, (char **) args->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &gerr) ||
        !g_spawn_check_wait_status(status, &gerr)) {
        vsh_error(ctl, "%s: command failed: %s", editor, gerr->message);
        return false;
    }
    return true;
}

/* Ask "Failed. Try again?"; without a terminal the answer is 'n'. */
static EditAnswer
edit_ask(void)
{
    char line[64];

    if (!isatty(STDIN_FILENO))
        return EDIT_ABORT;
    for (;;) {
        printf("Failed. Try again? [y,n,i,f,?]: ");
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin))
            return EDIT_ABORT;
        switch (line[0]) {
        case 'y': case 'Y': return EDIT_AGAIN;
        case 'n': case 'N': return EDIT_ABORT;
        case 'i': case 'I': return EDIT_NO_VALIDATE;
        case 'f': case 'F': return EDIT_FORCE;
        default:
            printf("y - yes, start editor again\n"
                   "n - no, throw away my changes\n"
                   "i - turn off validation and try to redefine again\n"
                   "f - force, try to redefine again\n"
                   "? - print this help\n");
        }
    }
}

/* Edit-and-define loop over the temporary file @path holding @orig. */
static bool
edit_loop(VshCtl *ctl, const char *name, const char *path, const char *orig)
{
    unsigned int flags = VIREO_DEFINE_VALIDATE;
    bool run_editor = true;

    for (;;) {
        g_autofree char *text = NULL;
        g_autoptr(GError) gerr = NULL;
        VireoDomain *dom;

        if (run_editor && !vsh_edit_run_editor(ctl, path))
            return false;
        if (!g_file_get_contents(path, &text, NULL, &gerr)) {
            vsh_error(ctl, "cannot read '%s': %s", path, gerr->message);
            return false;
        }
        if (strcmp(text, orig) == 0) {
            vsh_print_extra(ctl, "Domain '%s' XML configuration not "
                            "changed.\n", name);
            return true;
        }
        if ((dom = vireo_domain_define_xml(ctl->conn, text, flags))) {
            vsh_print_extra(ctl, "Domain '%s' XML configuration edited.\n",
                            vireo_domain_get_name(dom));
            vireo_domain_free(dom);
            return true;
        }
        vsh_report_error(ctl);
        switch (edit_ask()) {
        case EDIT_AGAIN: run_editor = true; break;
        case EDIT_ABORT: return false;
        case EDIT_NO_VALIDATE: flags = 0; run_editor = false; break;
        case EDIT_FORCE: run_editor = false; break;
        }
    }
}

bool
vsh_cmd_edit(VshCtl *ctl, const VshCmd *cmd)
{
    VireoDomain *dom = vsh_lookup_domain(ctl, cmd);
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *name = NULL;
    bool ok;
    int fd;

    if (!dom)
        return false;
    name = g_strdup(vireo_domain_get_name(dom));
    xml = vireo_domain_get_xml(dom, VIREO_DOMAIN_XML_SECURE |
                                    VIREO_DOMAIN_XML_INACTIVE);
    vireo_domain_free(dom);
    if (!xml)
        return false;
    if ((fd = g_file_open_tmp("vshXXXXXX.xml", &path, &gerr)) < 0) {
        vsh_error(ctl, "cannot create a temporary file: %s", gerr->message);
        return false;
    }
    close(fd);
    if (!g_file_set_contents_full(path, xml, -1, G_FILE_SET_CONTENTS_NONE,
                                   0600, &gerr)) {
        vsh_error(ctl, "cannot write '%s': %s", path, gerr->message);
        unlink(path);
        return false;
    }
    ok = edit_loop(ctl, name, path, xml);
    unlink(path);
    return ok;
}
