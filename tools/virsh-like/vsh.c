/* vsh.c: vsh's entry point: global options, then one command from the
 * command line or the interactive shell.  Exit status 0 ok, 1 error. */
#include <config.h>

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "vsh.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: vsh [options]... [<command_string>]\n"
            "       vsh [options]... <command> [args...]\n\n"
            "  options:\n"
            "    -c | --connect=URI      hypervisor connection URI\n"
            "    -h | --help             this help\n"
            "    -q | --quiet            quiet mode\n"
            "    -r | --readonly         connect readonly\n"
            "    -v | --version          program version\n\n"
            "  commands (non interactive mode):\n\n");
    for (const VshCmdDef *c = vsh_cmd_table(); c->name; c++)
        fprintf(out, "    %-18s %s\n", c->name, c->summary);
    fprintf(out, "\n  (specify help <command> for details about the "
            "command)\n\n");
}

/* Returns -1 to go on, or the exit status to leave with. */
static int
parse_global(VshCtl *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "readonly", no_argument, NULL, 'r' },
        { "quiet", no_argument, NULL, 'q' },
        { "version", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "+c:rqvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            g_free(ctl->uri);
            ctl->uri = g_strdup(optarg);
            break;
        case 'r': ctl->readonly = true; break;
        case 'q': ctl->quiet = true; break;
        case 'v':
            printf("%s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return EXIT_FAILURE;
        }
    }
    return -1;
}

int
main(int argc, char **argv)
{
    VshCtl ctl = { 0 };
    int ret;

    setlocale(LC_ALL, "");
    if ((ret = parse_global(&ctl, argc, argv)) < 0) {
        if (optind < argc) {
            ret = vsh_run_argv(&ctl, argc - optind, argv + optind)
                  ? EXIT_SUCCESS : EXIT_FAILURE;
        } else {
            ctl.interactive = true;
            /* Like virsh: connect up front (a failure is reported, and
             * later commands try again). */
            vsh_connect(&ctl);
            ret = vsh_shell_run(&ctl);
        }
    }
    vsh_disconnect(&ctl);
    g_free(ctl.uri);
    return ret;
}
