/* qemu_monitor.h: a QMP client living on the daemon's main loop.
 *
 * The socket is watched by the default GMainContext: replies wake the
 * worker thread waiting in qemu_monitor_command (matched by "id"), events
 * are dispatched to the callbacks on the main-loop thread, EOF or an I/O
 * error calls eof() once.  Trust events, not replies (STYLE.md): state
 * changes are driven by events such as STOP, RESUME, SHUTDOWN, RESET.
 * Never parse an error's "desc" for logic; report it to the user.
 *
 * CONTRACT (consumed by the QEMU driver's process code; keep stable).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/vr_json.h"

typedef struct _QemuMonitor QemuMonitor;

typedef struct {
    /* An asynchronous event: @name e.g. "SHUTDOWN", @data its "data"
     * member (may be NULL).  Main-loop thread.  Borrowed arguments. */
    void (*event)(QemuMonitor *mon, const char *name, const VrJson *data,
                  void *opaque);
    /* The connection ended (QEMU exited or closed it).  Main-loop thread,
     * at most once.  After it, commands fail at once. */
    void (*eof)(QemuMonitor *mon, void *opaque);
} QemuMonitorCallbacks;

/* Create the QMP socket @path (replacing a stale one), listening, for
 * QEMU to take over as "-chardev socket,fd=N,server=on": QEMU then needs
 * no access to the directory.  Returns the fd (close-on-exec; the caller
 * closes it once QEMU has it) or -1 (reported).  (Extension.) */
int qemu_monitor_listen_unix(const char *path);

/* Connect to the QMP UNIX socket @path, retrying until @timeout_ms while
 * the socket does not exist yet or refuses (QEMU still starting) - but
 * giving up at once if @pid (when > 0) has exited.  Reads the greeting and
 * negotiates qmp_capabilities.  Call from a worker thread (it waits on the
 * main loop).  Returns a new monitor (qemu_monitor_close) or NULL with an
 * error reported. */
QemuMonitor *qemu_monitor_open(const char *path, pid_t pid, int timeout_ms,
                               const QemuMonitorCallbacks *cb, void *opaque);

/* Like qemu_monitor_open; @opaque_free (may be NULL) is called on
 * @opaque when the monitor is finally freed - after qemu_monitor_close and
 * after any callback still running on the main loop has returned - so a
 * refcounted owner can pass a reference.  On failure @opaque is untouched.
 * (Extension.) */
QemuMonitor *qemu_monitor_open_full(const char *path, pid_t pid,
                                    int timeout_ms,
                                    const QemuMonitorCallbacks *cb,
                                    void *opaque, GDestroyNotify opaque_free);

/* Like qemu_monitor_open, but gives up (-1 reported, within 0.1 s) as
 * soon as *@cancel becomes non-zero: for callers that must not hold up
 * the driver's shutdown.  (Extension.) */
QemuMonitor *qemu_monitor_open_cancellable(const char *path, pid_t pid,
                                           int timeout_ms, const gint *cancel,
                                           const QemuMonitorCallbacks *cb,
                                           void *opaque);

/* Execute @cmd with @args (owned, may be NULL); on success *reply (if not
 * NULL) receives the owned "return" value.  A QMP error is reported as
 * VR_ERR_INTERNAL_ERROR "unable to execute QEMU command 'CMD': DESC" with
 * domain VR_FROM_QEMU; a timeout (@timeout_ms, 0 = 30 s) as
 * VR_ERR_OPERATION_TIMEOUT; a closed monitor as VR_ERR_OPERATION_FAILED
 * "QEMU monitor is closed".  Thread-safe; never called on the main loop.
 * Returns 0 or -1. */
int qemu_monitor_command(QemuMonitor *mon, const char *cmd, VrJson *args,
                         VrJson **reply, int timeout_ms);

/* Common commands (each returns 0 or -1 reported). */
int qemu_monitor_cont(QemuMonitor *mon);
int qemu_monitor_stop(QemuMonitor *mon);
int qemu_monitor_system_powerdown(QemuMonitor *mon);
int qemu_monitor_system_reset(QemuMonitor *mon);
int qemu_monitor_quit(QemuMonitor *mon);
/* query-status: *running and the QEMU status string (owned). */
int qemu_monitor_query_status(QemuMonitor *mon, bool *running, char **status);
/* query-chardev: path of the pty behind chardev @alias (owned). */
int qemu_monitor_query_chardev_pty(QemuMonitor *mon, const char *alias,
                                   char **pty_path);

/* getfd: hand @fd (still the caller's) to QEMU under @fdname (for
 * "fd:NAME" migration URIs).  Returns 0 or -1 reported.  (Extension.) */
int qemu_monitor_getfd(QemuMonitor *mon, const char *fdname, int fd);

bool qemu_monitor_is_open(QemuMonitor *mon);

/* Close the connection (no eof callback afterwards) and drop the caller's
 * reference; waiting commands fail.  NULL-safe.  Any thread. */
void qemu_monitor_close(QemuMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuMonitor, qemu_monitor_close)
