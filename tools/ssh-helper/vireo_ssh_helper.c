/* vireo_ssh_helper.c: vireo-ssh-helper, run by ssh on a Vireo host for a
 * qemu+ssh client: connects its stdin/stdout to the daemon's UNIX socket
 * and relays bytes both ways until either side closes.
 *
 * argv[1] is a socket path, or a URI: qemu:///system, the system socket;
 * qemu:///session (the calling user's session socket).  Errors go to
 * stderr in words the client shows as they are ("no daemon on the far
 * side: socket PATH missing").  Deliberately tiny: it runs with the
 * remote user's rights, passes no fd anywhere and needs no privilege.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/vr_paths.h"

#define RELAY_BUF 65536

/* The socket for @arg (a new string), or NULL with a message printed. */
static char *
resolve_socket(const char *arg)
{
    VrPaths *paths;
    char *sock;
    bool session;

    if (arg[0] == '/')
        return strdup(arg);
    if (strncmp(arg, "qemu", 4) != 0 ||
        (!g_str_has_suffix(arg, ":///system") &&
         !g_str_has_suffix(arg, ":///session"))) {
        fprintf(stderr, "vireo-ssh-helper: '%s' is neither a socket path "
                "nor qemu:///system or qemu:///session\n", arg);
        return NULL;
    }
    session = g_str_has_suffix(arg, ":///session");
    if (!(paths = vr_paths_new(!session, NULL))) {
        fprintf(stderr, "vireo-ssh-helper: cannot find the %s socket\n",
                session ? "session" : "system");
        return NULL;
    }
    sock = strdup(paths->sock_rw);
    vr_paths_free(paths);
    return sock;
}

/* Connect to @path; -1 with a message printed. */
static int
connect_socket(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "vireo-ssh-helper: socket path '%s' too long\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        perror("vireo-ssh-helper: socket");
        return -1;
    }
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
        return fd;
    if (errno == ENOENT)
        fprintf(stderr, "no daemon on the far side: socket %s missing\n",
                path);
    else if (errno == ECONNREFUSED)
        fprintf(stderr, "no daemon on the far side: socket %s refuses "
                "connections (is vireod running?)\n", path);
    else
        fprintf(stderr, "cannot connect to the daemon socket %s: %s\n",
                path, strerror(errno));
    close(fd);
    return -1;
}

/* Copy what is readable on @from to @to.  Returns bytes copied, 0 at
 * EOF, -1 on error. */
static ssize_t
pump(int from, int to)
{
    static char buf[RELAY_BUF];
    ssize_t n = read(from, buf, sizeof(buf));

    if (n <= 0)
        return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : n;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(to, buf + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        off += w;
    }
    return n;
}

/* Relay until the daemon closes, or the client closes and then the
 * daemon finishes its replies. */
static int
relay(int sock)
{
    struct pollfd fds[2] = {
        { .fd = STDIN_FILENO, .events = POLLIN },
        { .fd = sock, .events = POLLIN },
    };

    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return EXIT_FAILURE;
        }
        if (fds[0].revents) {
            ssize_t n = pump(STDIN_FILENO, sock);
            if (n < 0)
                return EXIT_FAILURE;
            if (n == 0) {               /* client done: half-close */
                shutdown(sock, SHUT_WR);
                fds[0].fd = -1;
            }
        }
        if (fds[1].revents) {
            ssize_t n = pump(sock, STDOUT_FILENO);
            if (n <= 0)
                return n < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
    }
}

int
main(int argc, char **argv)
{
    char *path;
    int sock;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: vireo-ssh-helper SOCKET-PATH|URI\n");
        return EXIT_FAILURE;
    }
    signal(SIGPIPE, SIG_IGN);
    if (!(path = resolve_socket(argv[1])))
        return EXIT_FAILURE;
    sock = connect_socket(path);
    free(path);
    if (sock < 0)
        return EXIT_FAILURE;
    rc = relay(sock);
    close(sock);
    return rc;
}
