/* qemu_monitor_connect.c: reaching a QMP socket and the handshake
 * (greeting, qmp_capabilities), done synchronously on the opening worker
 * thread before the connection is handed to the main loop. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_monitor_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define CONNECT_RETRY_US 1000  /* QEMU is ready ~35 ms after exec; poll finely */
#define CANCEL_CHECK_MS 100

static bool
cancelled(const gint *cancel, const char *path)
{
    if (!cancel || !g_atomic_int_get(cancel))
        return false;
    vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                    "connecting to QEMU monitor '%s' was cancelled", path);
    return true;
}

/* Whether @pid still runs: a zombie (exited, not yet reaped) counts as
 * gone.  Expected answers, not reported. */
static bool
pid_alive(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *stat = NULL;
    const char *p;

    if (kill(pid, 0) < 0 && errno == ESRCH)
        return false;
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return true;   /* no /proc: trust kill() */
    /* "pid (comm) S ...": comm may hold spaces and parentheses. */
    if (!(p = strrchr(stat, ')')) || p[1] != ' ')
        return true;
    return p[2] != 'Z' && p[2] != 'X';
}

static int
try_connect(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *) addr, sizeof(*addr)) == 0)
        return fd;
    vr_close_fdp(&fd);
    return -1;
}

int
qemu_monitor_listen_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "QEMU monitor path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(fd, (const struct sockaddr *) &addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot create QEMU monitor socket '%s'", path);
        vr_close_fdp(&fd);
        return -1;
    }
    return fd;
}

int
qemu_monitor_connect_unix(const char *path, pid_t pid, gint64 deadline,
                          const gint *cancel)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 start = g_get_monotonic_time();

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_QEMU,
                        "QEMU monitor path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    for (;;) {
        int fd = try_connect(&addr);

        if (fd >= 0)
            return fd;
        if (errno != ENOENT && errno != ECONNREFUSED && errno != EAGAIN) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot connect to QEMU monitor '%s'",
                                   path);
            return -1;
        }
        if (pid > 0 && !pid_alive(pid)) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "QEMU (pid %d) exited before its monitor '%s' "
                            "was ready", (int) pid, path);
            return -1;
        }
        if (cancelled(cancel, path))
            return -1;
        if (g_get_monotonic_time() >= deadline) {
            vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_QEMU,
                            "timed out after %lld ms connecting to QEMU "
                            "monitor '%s'",
                            (long long) (g_get_monotonic_time() - start) / 1000,
                            path);
            return -1;
        }
        g_usleep(CONNECT_RETRY_US);
    }
}

/* Wait for data until @deadline and append it to @rbuf.  Returns 0, or
 * -1 reported (timeout, EOF, error). */
static int
read_more(int fd, const char *path, GString *rbuf, gint64 deadline,
          const gint *cancel)
{
    char chunk[65536];

    for (;;) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (cancelled(cancel, path))
            return -1;
        if (left <= 0) {
            vr_error_report(VR_ERR_OPERATION_TIMEOUT, VR_FROM_QEMU,
                            "timed out waiting for QEMU monitor '%s' to "
                            "answer", path);
            return -1;
        }
        if (cancel)
            left = MIN(left, CANCEL_CHECK_MS);
        if (poll(&pfd, 1, (int) MIN(left, G_MAXINT)) < 0 && errno != EINTR)
            break;
        n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n > 0) {
            g_string_append_len(rbuf, chunk, n);
            return 0;
        }
        if (n == 0) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                            "QEMU monitor '%s' closed during the handshake",
                            path);
            return -1;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
    }
    vr_error_report_system(errno, VR_FROM_QEMU,
                           "cannot read from QEMU monitor '%s'", path);
    return -1;
}

static VrJson *
read_message(int fd, const char *path, GString *rbuf, gint64 deadline,
             const gint *cancel)
{
    for (;;) {
        int err;
        VrJson *msg = qemu_monitor_take_message(rbuf, &err);

        if (msg)
            return msg;
        if (err < 0) {
            vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                            "QEMU monitor '%s' sent an over-long message",
                            path);
            return NULL;
        }
        if (read_more(fd, path, rbuf, deadline, cancel) < 0)
            return NULL;
    }
}

static int
send_all(int fd, const char *path, const char *text)
{
    size_t len = strlen(text);

    while (len > 0) {
        ssize_t n = send(fd, text, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot write to QEMU monitor '%s'", path);
            return -1;
        }
        text += n;
        len -= n;
    }
    return 0;
}

int
qemu_monitor_handshake(int fd, const char *path, GString *rbuf,
                       gint64 deadline, const gint *cancel)
{
    g_autoptr(VrJson) greeting = read_message(fd, path, rbuf, deadline,
                                              cancel);

    if (!greeting)
        return -1;
    if (!vr_json_object_get(greeting, "QMP")) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "'%s' did not greet like a QEMU monitor", path);
        return -1;
    }
    if (send_all(fd, path, "{\"execute\":\"qmp_capabilities\","
                 "\"id\":\"vireo-0\"}\r\n") < 0)
        return -1;
    for (;;) {
        g_autoptr(VrJson) msg = read_message(fd, path, rbuf, deadline,
                                             cancel);
        const VrJson *error;

        if (!msg)
            return -1;
        if ((error = vr_json_object_get(msg, "error"))) {
            vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                            "unable to execute QEMU command "
                            "'qmp_capabilities': %s",
                            vr_json_object_get_string(error, "desc"));
            return -1;
        }
        if (vr_json_object_get(msg, "return"))
            return 0;
        /* Anything else before the reply (none expected) is dropped. */
    }
}
