/* qemu_monitor_priv.h: internals of the QMP client shared between its
 * files and its unit test (not for other users). */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "util/vr_json.h"

/* One QMP message (one line) may be at most this long. */
#define QEMU_MONITOR_MAX_LINE (64 * 1024 * 1024)

/* Take the next complete message (a JSON object on one line) out of @buf.
 * Returns it (owned), or NULL when no complete line is buffered; *err is
 * -1 when the buffered partial line is over QEMU_MONITOR_MAX_LINE.
 * Blank, malformed and non-object lines are skipped (logged, not
 * reported). */
VrJson *qemu_monitor_take_message(GString *buf, int *err);

/* Connect to the UNIX socket @path, retrying while it is missing or
 * refuses, until @deadline (monotonic, us), until @pid (when > 0) has
 * exited, or until *@cancel (when not NULL) becomes non-zero.  Returns a
 * CLOEXEC fd, or -1 reported. */
int qemu_monitor_connect_unix(const char *path, pid_t pid, gint64 deadline,
                              const gint *cancel);

/* Read the greeting and negotiate capabilities on @fd before @deadline
 * (giving up early when *@cancel, if not NULL, becomes non-zero).  Bytes
 * read past the capabilities reply stay in @rbuf.  Returns 0, or -1
 * reported. */
int qemu_monitor_handshake(int fd, const char *path, GString *rbuf,
                           gint64 deadline, const gint *cancel);
