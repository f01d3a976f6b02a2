/* vsh_shell.c: the interactive shell: readline loop, history file, tab
 * completion of command names, options, domain and network names. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "vsh.h"
#include "vsh_storage.h"

#define VSH_HISTORY_MAX 500

static VshCtl *shell_ctl;            /* for the completion callbacks */
static char **shell_candidates;      /* the current completion list */
static size_t shell_next;

/* $XDG_CACHE_HOME/vireo/vsh_history (~/.cache/... without the variable). */
static char *
history_path(void)
{
    return g_build_filename(g_get_user_cache_dir(), "vireo", "vsh_history",
                            NULL);
}

/* Domain names from the open connection.  Never connects: completion must
 * not block when no daemon is reachable. */
static void
add_domain_names(GPtrArray *out, const char *prefix)
{
    VireoDomain **doms = NULL;
    int n;

    if (!shell_ctl->conn)
        return;
    if ((n = vireo_conn_list_domains(shell_ctl->conn, 0, &doms)) < 0) {
        vireo_reset_error();
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = vireo_domain_get_name(doms[i]);

        if (g_str_has_prefix(name, prefix))
            g_ptr_array_add(out, g_strdup(name));
    }
    vireo_domain_list_free(doms);
}

/* Network names from the open connection (never connects). */
static void
add_network_names(GPtrArray *out, const char *prefix)
{
    VireoNetwork **nets = NULL;
    int n;

    if (!shell_ctl->conn)
        return;
    if ((n = vireo_conn_list_networks(shell_ctl->conn, 0, &nets)) < 0) {
        vireo_reset_error();
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = vireo_network_get_name(nets[i]);

        if (g_str_has_prefix(name, prefix))
            g_ptr_array_add(out, g_strdup(name));
    }
    vireo_network_list_free(nets);
}

/* Candidates for the word @text when the line so far is @line. */
static char **
collect_candidates(const char *line, int start, const char *text)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    g_autofree char *head = g_strndup(line, start);
    g_auto(GStrv) words = g_strsplit_set(g_strstrip(head), " \t", 2);
    const VshCmdDef *def;

    if (!words[0] || !*words[0]) {
        for (def = vsh_cmd_table(); def->name; def++) {
            if (g_str_has_prefix(def->name, text))
                g_ptr_array_add(out, g_strdup(def->name));
        }
    } else if ((def = vsh_cmd_lookup(words[0]))) {
        for (const VshOptDef *o = def->opts; o->name; o++) {
            g_autofree char *opt = g_strconcat("--", o->name, NULL);

            if (g_str_has_prefix(opt, text))
                g_ptr_array_add(out, g_steal_pointer(&opt));
        }
        if (*text != '-' && def->opts[0].name &&
            strcmp(def->opts[0].name, "domain") == 0)
            add_domain_names(out, text);
        if (*text != '-' && def->opts[0].name &&
            strcmp(def->opts[0].name, "network") == 0)
            add_network_names(out, text);
        vsh_storage_complete(shell_ctl->conn, def, line, text, out);
    }
    g_ptr_array_add(out, NULL);
    return (char **) g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* readline generator: hands out malloc'ed copies one by one. */
static char *
completion_generator(const char *text, int state)
{
    if (!shell_candidates || !shell_candidates[shell_next])
        return NULL;
    return strdup(shell_candidates[shell_next++]);
}

static char **
completion(const char *text, int start, int end)
{
    g_clear_pointer(&shell_candidates, g_strfreev);
    shell_candidates = collect_candidates(rl_line_buffer, start, text);
    shell_next = 0;
    rl_attempted_completion_over = 1;   /* no file-name fallback */
    return rl_completion_matches(text, completion_generator);
}

/* Run one line: split like a shell, run as a command. */
static void
run_line(VshCtl *ctl, const char *line)
{
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) gerr = NULL;
    int argc = 0;

    if (!*line || line[strspn(line, " \t")] == '\0')
        return;
    if (!g_shell_parse_argv(line, &argc, &argv, &gerr)) {
        vsh_error(ctl, "%s", gerr->message);
        return;
    }
    vsh_run_argv(ctl, argc, argv);
}

/* Lines from a pipe: no prompt, no readline. */
static int
shell_run_plain(VshCtl *ctl)
{
    char buf[8192];

    while (!ctl->quit && fgets(buf, sizeof(buf), stdin)) {
        buf[strcspn(buf, "\n")] = '\0';
        run_line(ctl, buf);
    }
    return 0;
}

int
vsh_shell_run(VshCtl *ctl)
{
    g_autofree char *hist = history_path();
    g_autofree char *histdir = g_path_get_dirname(hist);
    const char *prompt = geteuid() == 0 ? "vsh # " : "vsh $ ";

    if (!isatty(STDIN_FILENO))
        return shell_run_plain(ctl);
    if (!ctl->quiet)
        printf("Welcome to vsh, the virtualization interactive terminal.\n\n"
               "Type:  'help' for help with commands\n"
               "       'quit' to quit\n\n");
    shell_ctl = ctl;
    rl_readline_name = "vsh";
    rl_attempted_completion_function = completion;
    stifle_history(VSH_HISTORY_MAX);
    read_history(hist);
    while (!ctl->quit) {
        char *line = readline(prompt);

        if (!line) {
            printf("\n");
            break;
        }
        if (*line)
            add_history(line);
        run_line(ctl, line);
        free(line);
    }
    if (g_mkdir_with_parents(histdir, 0755) == 0)
        write_history(hist);
    g_clear_pointer(&shell_candidates, g_strfreev);
    return 0;
}
