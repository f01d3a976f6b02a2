/* vr_file.c: atomic durable writes and other file helpers. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vr_error.h"
#include "vr_file.h"
#include "vr_macros.h"

int
vr_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int
vr_dir_sync(const char *path)
{
    VR_AUTOCLOSE int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || fsync(fd) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot sync directory '%s'", path);
        return -1;
    }
    return 0;
}

int
vr_file_write_atomic(const char *path, const void *data, size_t len,
                     mode_t mode)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    VR_AUTOCLOSE int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot create temporary file for '%s'", path);
        return -1;
    }
    if (fchmod(fd, mode) < 0 || vr_write_all(fd, data, len) < 0 ||
        fsync(fd) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE, "cannot write '%s'", tmp);
        goto fail;
    }
    if (close(vr_steal_fd(&fd)) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE, "cannot close '%s'", tmp);
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE,
                               "cannot rename '%s' to '%s'", tmp, path);
        goto fail;
    }
    return vr_dir_sync(dir);
 fail:
    unlink(tmp);
    return -1;
}

int
vr_file_read_all(const char *path, size_t maxlen, char **out, size_t *outlen)
{
    VR_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
    g_autofree char *buf = NULL;
    size_t len = 0, cap = 4096;
    struct stat sb;

    if (fd < 0 || fstat(fd, &sb) < 0) {
        vr_error_report_system(errno, VR_FROM_NONE, "cannot read '%s'", path);
        return -1;
    }
    if (S_ISREG(sb.st_mode) && (size_t) sb.st_size > maxlen) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "file '%s' is larger than %zu bytes", path, maxlen);
        return -1;
    }
    if (S_ISREG(sb.st_mode))
        cap = (size_t) sb.st_size + 1;
    buf = g_malloc(cap);
    for (;;) {
        ssize_t n;

        if (len + 1 >= cap) {
            if (cap > maxlen) {
                vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                                "file '%s' is larger than %zu bytes",
                                path, maxlen);
                return -1;
            }
            cap *= 2;
            buf = g_realloc(buf, cap);
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vr_error_report_system(errno, VR_FROM_NONE,
                                   "cannot read '%s'", path);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t) n;
    }
    buf[len] = '\0';
    if (outlen)
        *outlen = len;
    *out = g_steal_pointer(&buf);
    return 0;
}

int
vr_dir_create(const char *path, mode_t mode)
{
    g_autofree char *p = NULL;
    char *s;

    if (g_file_test(path, G_FILE_TEST_IS_DIR))
        return 0;      /* the usual case: one stat */
    s = p = g_strdup(path);
    /* Each missing component gets exactly @mode (chmod after mkdir), not
     * @mode minus the inherited umask: dnsmasq and QEMU run as other
     * users and must be able to search what is made for them even when
     * vireod was started with a umask of 077.  Existing directories keep
     * their modes. */
    for (;;) {
        char c;

        while (*s == '/')
            s++;
        while (*s && *s != '/')
            s++;
        c = *s;
        *s = '\0';
        if (!*p || g_file_test(p, G_FILE_TEST_IS_DIR)) {
            /* exists (or the root): left as it is */
        } else if (mkdir(p, mode) == 0) {
            if (chmod(p, mode) < 0) {
                vr_error_report_system(errno, VR_FROM_NONE,
                                       "cannot set the mode of '%s'", p);
                return -1;
            }
        } else if (errno != EEXIST) {
            vr_error_report_system(errno, VR_FROM_NONE,
                                   "cannot create directory '%s'", p);
            return -1;
        }
        *s = c;
        if (!c)
            break;
    }
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        vr_error_report_system(ENOTDIR, VR_FROM_NONE,
                               "cannot create directory '%s'", path);
        return -1;
    }
    return 0;
}

int
vr_file_remove_durable(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    if (unlink(path) < 0) {
        if (errno == ENOENT)
            return 0;
        vr_error_report_system(errno, VR_FROM_NONE, "cannot remove '%s'", path);
        return -1;
    }
    return vr_dir_sync(dir);
}

int
vr_fd_set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
        return -1;
    return 0;
}

int
vr_fd_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    return 0;
}
