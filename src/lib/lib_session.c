/* lib_session.c: start the user's session daemon on demand.
 *
 * Like libvirt's client with libvirtd: a qemu:///session client that
 * finds no daemon starts `vireod --session --timeout=120`, which exits
 * once idle.  A lock file in the runtime directory makes concurrent
 * clients start one daemon: the first takes the lock and starts it, the
 * others wait for the lock and then find the daemon listening.
 *
 * The daemon is started with g_spawn_sync (not util's vr_command), since
 * it must inherit the user's environment (XDG_* directories, HOME) that
 * vr_command deliberately clears.  `vireod --daemon` returns once its
 * sockets listen, so waiting for it is waiting for the socket.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/lib_session.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define SESSION_WAIT_US (5 * G_USEC_PER_SEC)
#define SESSION_POLL_US (50 * 1000)
#define SESSION_DEFAULT_TIMEOUT "120"

/* Does a daemon accept connections on @path?  Nothing reported. */
static bool
session_listening(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    VR_AUTOCLOSE int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) >= sizeof(addr.sun_path))
        return false;
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    return connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0;
}

/* Take the autostart lock next to the socket.  Returns the fd or -1
 * reported. */
static int
session_lock(const char *socket)
{
    g_autofree char *dir = g_path_get_dirname(socket);
    g_autofree char *path = g_build_filename(dir, "vireod-autostart.lock",
                                             NULL);
    int fd;

    if (g_mkdir_with_parents(dir, 0700) < 0 ||
        (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        vr_error_report_system(errno, VR_FROM_RPC,
                               "cannot create the autostart lock '%s'", path);
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            vr_error_report_system(errno, VR_FROM_RPC,
                                   "cannot lock '%s'", path);
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* Run `vireod --session --daemon --timeout=N`.  Returns 0 or -1
 * reported. */
static int
session_spawn(void)
{
    const char *bin = g_getenv("VIREO_DAEMON_PATH");
    const char *timeout = g_getenv("VIREO_SESSION_TIMEOUT");
    g_autofree char *dflt = g_build_filename(SBINDIR, "vireod", NULL);
    g_autofree char *topt = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int status = 0;

    if (!bin || !*bin)
        bin = dflt;
    topt = g_strdup_printf("--timeout=%s", timeout && *timeout ?
                           timeout : SESSION_DEFAULT_TIMEOUT);
    {
        const char *argv[] = { bin, "--session", "--daemon", topt, NULL };

        VR_DEBUG("starting the session daemon: %s --session --daemon %s",
                 bin, topt);
        if (!g_spawn_sync(NULL, (char **) argv, NULL,
                          G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                          &err, &status, &gerr)) {
            vr_error_report(VR_ERR_NO_CONNECT, VR_FROM_RPC,
                            "cannot start the session daemon '%s': %s",
                            bin, gerr->message);
            return -1;
        }
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        vr_error_report(VR_ERR_NO_CONNECT, VR_FROM_RPC,
                        "the session daemon '%s' failed to start: %s", bin,
                        err && *err ? g_strstrip(err) : "no message");
        return -1;
    }
    return 0;
}

/* Poll for the socket for up to SESSION_WAIT_US. */
static bool
session_wait(const char *socket)
{
    gint64 deadline = g_get_monotonic_time() + SESSION_WAIT_US;

    while (!session_listening(socket)) {
        if (g_get_monotonic_time() > deadline)
            return false;
        g_usleep(SESSION_POLL_US);
    }
    return true;
}

int
vr_lib_session_ensure(const VrRpcUri *uri)
{
    const char *env = g_getenv("VIREO_AUTOSTART");
    VR_AUTOCLOSE int lock = -1;

    if (!uri->session || uri->host || uri->explicit_socket ||
        (env && strcmp(env, "0") == 0) || session_listening(uri->socket))
        return 0;
    if ((lock = session_lock(uri->socket)) < 0)
        return -1;
    /* Another client may have started it while we waited for the lock. */
    if (session_listening(uri->socket))
        return 0;
    if (session_spawn() < 0)
        return -1;
    if (!session_wait(uri->socket)) {
        vr_error_report(VR_ERR_NO_CONNECT, VR_FROM_RPC,
                        "the session daemon started but '%s' does not "
                        "answer after 5 s", uri->socket);
        return -1;
    }
    return 0;
}
