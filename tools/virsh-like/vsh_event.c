/* vsh_event.c: the "event" command: wait for domain events and print them
 * as virsh 9.0 does ("event 'lifecycle' for domain 'vm1': Started Booted").
 *
 * The callbacks run on libvireo's event thread; they print under a mutex
 * and, for a one-shot wait, wake the command's thread through a pipe.
 * SIGINT writes to the same pipe, so Ctrl-C ends the wait cleanly: the
 * registrations are removed and the connection stays usable.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsh.h"

typedef struct {
    GMutex lock;
    bool loop;
    bool timestamp;
    int count;
    int wake[2];
} EventWait;

static int event_signal_fd = -1;

static void
event_on_sigint(int sig)
{
    char c = 'i';

    if (event_signal_fd >= 0 && write(event_signal_fd, &c, 1) < 0)
        return;
}

char *
vsh_event_format(const char *dom_name, const VireoDomainEvent *ev)
{
    if (ev->event_id == VIREO_DOMAIN_EVENT_ID_LIFECYCLE)
        return g_strdup_printf("event 'lifecycle' for domain '%s': %s %s\n",
                               dom_name,
                               vireo_domain_event_string(ev->event),
                               vireo_domain_event_detail_string(ev->event,
                                                                ev->detail));
    return g_strdup_printf("event '%s' for domain '%s'\n",
                           vireo_domain_event_id_string(ev->event_id),
                           dom_name);
}

/* virsh's timestamp: "2024-05-01 10:00:00.123+0000". */
static char *
event_timestamp(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *base = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    g_autofree char *zone = g_date_time_format(now, "%z");

    return g_strdup_printf("%s.%03d%s", base,
                           g_date_time_get_microsecond(now) / 1000, zone);
}

static void
event_print(VireoConn *conn, VireoDomain *dom, const VireoDomainEvent *ev,
            void *opaque)
{
    EventWait *w = opaque;
    g_autofree char *line = vsh_event_format(vireo_domain_get_name(dom), ev);
    char c = 'e';

    g_mutex_lock(&w->lock);
    if (w->loop || w->count == 0) {
        if (w->timestamp) {
            g_autofree char *ts = event_timestamp();

            printf("%s: ", ts);
        }
        fputs(line, stdout);
        fflush(stdout);
        w->count++;
        if (!w->loop && write(w->wake[1], &c, 1) < 0) {
            /* cannot happen with a fresh pipe; --timeout still ends it */
        }
    }
    g_mutex_unlock(&w->lock);
}

/* Wait until done, timeout or SIGINT.  Returns 0 done, 1 timeout,
 * 2 interrupted. */
static int
event_wait(EventWait *w, int timeout_s)
{
    gint64 deadline = timeout_s > 0
        ? g_get_monotonic_time() + (gint64) timeout_s * G_USEC_PER_SEC : -1;

    for (;;) {
        struct pollfd pfd = { w->wake[0], POLLIN, 0 };
        int ms = -1;
        char c;

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0)
                return 1;
            ms = (int) MIN(left / 1000 + 1, G_MAXINT);
        }
        if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
            return 2;
        if (pfd.revents && read(w->wake[0], &c, 1) == 1)
            return c == 'i' ? 2 : 0;
    }
}

/* Parse the command's options into the event ids to watch (@ids, @nids)
 * and the timeout; false after printing an error. */
static bool
event_options(VshCtl *ctl, const VshCmd *cmd, int *ids, int *nids,
              int *timeout)
{
    const char *name = vsh_cmd_opt(cmd, "event");
    const char *tmo = vsh_cmd_opt(cmd, "timeout");

    *nids = 0;
    if (name && vsh_cmd_has(cmd, "all")) {
        vsh_error(ctl, "Options --all and --event are mutually exclusive");
        return false;
    }
    if (!name && !vsh_cmd_has(cmd, "all")) {
        vsh_error(ctl, "one of --list, --all, or --event <type> is required");
        return false;
    }
    if (name) {
        if ((ids[0] = vireo_domain_event_id_from_string(name)) < 0) {
            vsh_error(ctl, "unknown event type %s", name);
            return false;
        }
        *nids = 1;
    } else {
        for (int i = 0; i < VIREO_DOMAIN_EVENT_ID_LAST; i++)
            ids[(*nids)++] = i;
    }
    *timeout = 0;
    if (tmo && vsh_parse_timeout(tmo, timeout) < 0) {
        vsh_error(ctl, "invalid timeout value '%s'", tmo);
        return false;
    }
    return true;
}

int
vsh_parse_timeout(const char *s, int *seconds)
{
    char *end = NULL;
    long val;

    errno = 0;
    val = strtol(s, &end, 10);
    if (errno || end == s || *end || val < 1 || val > G_MAXINT / 1000)
        return -1;
    *seconds = (int) val;
    return 0;
}

/* Register, wait, report.  Returns false when nothing was received. */
static bool
event_run(VshCtl *ctl, VireoDomain *dom, const int *ids, int nids,
          int timeout, EventWait *w)
{
    int cbids[VIREO_DOMAIN_EVENT_ID_LAST];
    struct sigaction sa = { .sa_handler = event_on_sigint };
    struct sigaction old;
    bool ok = true;
    int n = 0;

    for (; n < nids; n++) {
        cbids[n] = vireo_conn_domain_event_register(ctl->conn, dom, ids[n],
                                                    event_print, w, NULL);
        if (cbids[n] < 0)
            break;
    }
    if (n < nids) {
        ok = false;
    } else {
        event_signal_fd = w->wake[1];
        sigaction(SIGINT, &sa, &old);
        switch (event_wait(w, timeout)) {
        case 1: printf("event loop timed out\n"); break;
        case 2: printf("event loop interrupted\n"); break;
        default: break;
        }
        sigaction(SIGINT, &old, NULL);
        event_signal_fd = -1;
    }
    for (int i = 0; i < n; i++) {
        if (vireo_conn_domain_event_deregister(ctl->conn, cbids[i]) < 0)
            ok = false;
    }
    if (!ok)
        return false;
    g_mutex_lock(&w->lock);
    printf("events received: %d\n", w->count);
    ok = w->count > 0;
    g_mutex_unlock(&w->lock);
    return ok;
}

bool
vsh_cmd_event(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = NULL;
    int ids[VIREO_DOMAIN_EVENT_ID_LAST];
    EventWait w = { .loop = vsh_cmd_has(cmd, "loop"),
                    .timestamp = vsh_cmd_has(cmd, "timestamp") };
    int nids, timeout;
    bool ok;

    if (vsh_cmd_has(cmd, "list")) {
        for (int i = 0; i < VIREO_DOMAIN_EVENT_ID_LAST; i++)
            printf("%s\n", vireo_domain_event_id_string(i));
        return true;
    }
    if (!event_options(ctl, cmd, ids, &nids, &timeout))
        return false;
    if (vsh_cmd_has(cmd, "domain") && !(dom = vsh_lookup_domain(ctl, cmd)))
        return false;
    if (!g_unix_open_pipe(w.wake, FD_CLOEXEC, NULL)) {
        vsh_error(ctl, "cannot create a pipe: %s", g_strerror(errno));
        return false;
    }
    g_mutex_init(&w.lock);
    fflush(stdout);
    ok = event_run(ctl, dom, ids, nids, timeout, &w);
    close(w.wake[0]);
    close(w.wake[1]);
    g_mutex_clear(&w.lock);
    return ok;
}
