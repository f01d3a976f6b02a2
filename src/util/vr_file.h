/* vr_file.h: file helpers: atomic durable writes, bounded reads, dirs. */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

/* Write @len bytes to @path atomically and durably: a temp file in the same
 * directory, fsync, rename over @path, fsync the directory.  A crash at any
 * instant leaves the old or the new content, never a torn file.
 * Returns 0, or -1 with a system error reported. */
int vr_file_write_atomic(const char *path, const void *data, size_t len,
                         mode_t mode);

/* Read a whole file of at most @maxlen bytes into a NUL-terminated buffer
 * (*out, caller frees; *outlen may be NULL).  Returns 0, or -1 with an
 * error reported (missing, unreadable, too large). */
int vr_file_read_all(const char *path, size_t maxlen, char **out,
                     size_t *outlen);

/* mkdir -p; every component it creates gets exactly @mode, whatever the
 * umask (existing ones are left alone).  Returns 0 or -1 (reported). */
int vr_dir_create(const char *path, mode_t mode);

/* fsync a directory so a rename/unlink inside it is durable.
 * Returns 0 or -1 (reported). */
int vr_dir_sync(const char *path);

/* unlink @path and fsync its directory; a missing file is not an error.
 * Returns 0 or -1 (reported). */
int vr_file_remove_durable(const char *path);

/* Set FD_CLOEXEC / O_NONBLOCK on @fd.  Return 0 or -1 with errno set
 * (not reported: callers decide). */
int vr_fd_set_cloexec(int fd);
int vr_fd_set_nonblock(int fd);

/* Write all of @len bytes, retrying on EINTR and short writes.  Returns 0,
 * or -1 with errno set (not reported). */
int vr_write_all(int fd, const void *buf, size_t len);
