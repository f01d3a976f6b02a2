/* vr_log.c: leveled log outputs (stderr, file, syslog). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "vr_error.h"
#include "vr_log.h"

typedef enum { OUT_STDERR, OUT_FILE, OUT_SYSLOG } OutKind;

typedef struct {
    int level;
    OutKind kind;
    FILE *fp;
} LogOutput;

static GMutex log_lock;
static LogOutput outputs[8];
static size_t n_outputs;
static int min_level = VR_LOG_WARN;

static void
outputs_clear(void)
{
    for (size_t i = 0; i < n_outputs; i++) {
        if (outputs[i].kind == OUT_FILE && outputs[i].fp)
            fclose(outputs[i].fp);
        if (outputs[i].kind == OUT_SYSLOG)
            closelog();
    }
    n_outputs = 0;
}

static int
parse_output(const char *spec, LogOutput *out)
{
    g_auto(GStrv) parts = g_strsplit(spec, ":", 3);
    guint n = g_strv_length(parts);
    char *end = NULL;
    long lvl;

    if (n < 2)
        goto bad;
    lvl = strtol(parts[0], &end, 10);
    if (*end || lvl < 1 || lvl > 4)
        goto bad;
    out->level = (int) lvl;
    if (g_str_equal(parts[1], "stderr") && n == 2) {
        out->kind = OUT_STDERR;
    } else if (g_str_equal(parts[1], "file") && n == 3 && parts[2][0] == '/') {
        out->kind = OUT_FILE;
        out->fp = fopen(parts[2], "ae");
        if (!out->fp) {
            vr_error_report_system(errno, VR_FROM_CONF,
                                   "cannot open log file '%s'", parts[2]);
            return -1;
        }
        setvbuf(out->fp, NULL, _IOLBF, 0);
    } else if (g_str_equal(parts[1], "syslog") && n == 3) {
        out->kind = OUT_SYSLOG;
        openlog(g_intern_string(parts[2]), LOG_PID, LOG_DAEMON);
    } else {
        goto bad;
    }
    return 0;
 bad:
    vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                    "invalid log output '%s': expected LEVEL:stderr, "
                    "LEVEL:file:/ABSOLUTE/PATH or LEVEL:syslog:IDENT", spec);
    return -1;
}

int
vr_log_setup(int level, const char *spec)
{
    g_auto(GStrv) items = g_strsplit_set(spec ? spec : "", " \t", -1);
    LogOutput parsed[G_N_ELEMENTS(outputs)];
    size_t n = 0;

    if (level < VR_LOG_DEBUG || level > VR_LOG_ERROR) {
        vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                        "invalid log level %d: expected 1 (debug) to 4 (error)",
                        level);
        return -1;
    }
    for (char **it = items; *it; it++) {
        if (!**it)
            continue;
        if (n == G_N_ELEMENTS(parsed)) {
            vr_error_report(VR_ERR_CONF_SYNTAX, VR_FROM_CONF,
                            "too many log outputs (at most %zu)", n);
            goto fail;
        }
        if (parse_output(*it, &parsed[n]) < 0)
            goto fail;
        n++;
    }
    if (n == 0)
        parsed[n++] = (LogOutput) { .level = level, .kind = OUT_STDERR };

    g_mutex_lock(&log_lock);
    outputs_clear();
    memcpy(outputs, parsed, n * sizeof(parsed[0]));
    n_outputs = n;
    min_level = VR_LOG_ERROR;
    for (size_t i = 0; i < n; i++) {
        if (outputs[i].level < level)
            outputs[i].level = level;
        min_level = MIN(min_level, outputs[i].level);
    }
    g_mutex_unlock(&log_lock);
    return 0;
 fail:
    for (size_t i = 0; i < n; i++)
        if (parsed[i].kind == OUT_FILE)
            fclose(parsed[i].fp);
    return -1;
}

void
vr_log_shutdown(void)
{
    g_mutex_lock(&log_lock);
    outputs_clear();
    g_mutex_unlock(&log_lock);
}

gboolean
vr_log_enabled(int level)
{
    return level >= g_atomic_int_get(&min_level);
}

static const char *
level_name(int level)
{
    static const char *names[] = { "?", "debug", "info", "warning", "error" };

    return names[CLAMP(level, 0, 4)];
}

void
vr_log_message(int level, const char *func, const char *fmt, ...)
{
    static const int prio[] = { LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
    g_autofree char *msg = NULL;
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *stamp = NULL;
    va_list ap;

    if (!vr_log_enabled(level))
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    now = g_date_time_new_now_utc();
    stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");

    g_mutex_lock(&log_lock);
    if (n_outputs == 0 && level >= VR_LOG_WARN)
        fprintf(stderr, "%.23s: %d: %s : %s: %s\n", stamp, getpid(),
                level_name(level), func, msg);
    for (size_t i = 0; i < n_outputs; i++) {
        LogOutput *o = &outputs[i];

        if (level < o->level)
            continue;
        if (o->kind == OUT_SYSLOG)
            syslog(prio[CLAMP(level, 0, 4)], "%s: %s", func, msg);
        else
            fprintf(o->kind == OUT_FILE ? o->fp : stderr,
                    "%.23s: %d: %s : %s: %s\n", stamp, getpid(),
                    level_name(level), func, msg);
    }
    g_mutex_unlock(&log_lock);
}
