/* list-domains.c: a small libvireo example: connect to a URI and print
 * every domain's name and state.
 *
 * Build against the installed library:
 *   cc list-domains.c $(pkg-config --cflags --libs libvireo) -o list-domains
 * Run:
 *   ./list-domains 'qemu+unix:///system?socket=/run/vireo/vireo-sock'
 */
#include <stdio.h>
#include <stdlib.h>

#include <vireo/vireo.h>

static int
fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what,
            vireo_error_message(vireo_last_error()));
    return EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : NULL;
    VireoConn *conn;
    VireoDomain **doms = NULL;
    int n;

    if (!(conn = vireo_conn_open(uri, VIREO_CONN_READONLY)))
        return fail("cannot connect");
    if ((n = vireo_conn_list_domains(conn, 0, &doms)) < 0) {
        vireo_conn_close(conn);
        return fail("cannot list domains");
    }
    for (int i = 0; i < n; i++) {
        int state;
        int reason;

        if (vireo_domain_get_state(doms[i], &state, &reason) < 0) {
            vireo_domain_list_free(doms);
            vireo_conn_close(conn);
            return fail("cannot get a domain's state");
        }
        printf("%s %s\n", vireo_domain_get_name(doms[i]),
               vireo_domain_state_string(state));
    }
    vireo_domain_list_free(doms);
    return vireo_conn_close(conn) < 0 ? fail("close") : EXIT_SUCCESS;
}
