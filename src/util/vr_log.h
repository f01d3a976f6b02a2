/* vr_log.h: leveled logging to stderr, a file, or syslog.
 *
 * Outputs follow libvirt's "level:kind[:path]" syntax, space separated:
 * "3:stderr", "1:file:/var/log/vireo/vireod.log", "2:syslog:vireod".
 * Levels: 1 debug, 2 info, 3 warning, 4 error.
 */
#pragma once

#include <glib.h>

typedef enum {
    VR_LOG_DEBUG = 1,
    VR_LOG_INFO = 2,
    VR_LOG_WARN = 3,
    VR_LOG_ERROR = 4,
} VrLogLevel;

/* Configure logging.  @level is the default threshold; @outputs may be
 * NULL for "stderr".  Returns 0, or -1 with an error reported (bad syntax,
 * unopenable file).  Safe to call again (e.g. after reading the config). */
int vr_log_setup(int level, const char *outputs);

/* Release open log files. */
void vr_log_shutdown(void);

gboolean vr_log_enabled(int level);

void vr_log_message(int level, const char *func, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#define VR_DEBUG(...) \
    do { if (vr_log_enabled(VR_LOG_DEBUG)) \
        vr_log_message(VR_LOG_DEBUG, __func__, __VA_ARGS__); } while (0)
#define VR_INFO(...) vr_log_message(VR_LOG_INFO, __func__, __VA_ARGS__)
#define VR_WARN(...) vr_log_message(VR_LOG_WARN, __func__, __VA_ARGS__)
#define VR_ERROR(...) vr_log_message(VR_LOG_ERROR, __func__, __VA_ARGS__)
