/* vsh_pool_list.c: pool-list (plain, --details, --name, --uuid), pool-edit
 * and pool-event, with virsh 9.0's output. */
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

#include "vsh_storage.h"

const VshOptDef vsh_opts_pool_event[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_POS, "filter by storage pool name or uuid" },
    { "event", VSH_OT_STRING, 0, "which event type to wait for" },
    { "loop", VSH_OT_BOOL, 0, "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", VSH_OT_STRING, 0, "timeout seconds" },
    { "list", VSH_OT_BOOL, 0, "list valid event types" },
    { "timestamp", VSH_OT_BOOL, 0, "show timestamp for each printed event" },
    { NULL, 0, 0, NULL }
};

/* The pool-list options into VIREO_STORAGE_POOL_LIST_* flags; false after
 * printing an error. */
static bool
list_flags(VshCtl *ctl, const VshCmd *cmd, unsigned int *flags)
{
    const char *types = vsh_cmd_opt(cmd, "type");

    *flags = VIREO_STORAGE_POOL_LIST_ACTIVE;
    if (vsh_cmd_has(cmd, "inactive"))
        *flags = VIREO_STORAGE_POOL_LIST_INACTIVE;
    if (vsh_cmd_has(cmd, "all"))
        *flags = 0;
    if (vsh_cmd_has(cmd, "persistent"))
        *flags |= VIREO_STORAGE_POOL_LIST_PERSISTENT;
    if (vsh_cmd_has(cmd, "transient"))
        *flags |= VIREO_STORAGE_POOL_LIST_TRANSIENT;
    if (vsh_cmd_has(cmd, "autostart"))
        *flags |= VIREO_STORAGE_POOL_LIST_AUTOSTART;
    if (vsh_cmd_has(cmd, "no-autostart"))
        *flags |= VIREO_STORAGE_POOL_LIST_NO_AUTOSTART;
    if (types) {
        g_auto(GStrv) words = g_strsplit(types, ",", -1);

        for (char **w = words; *w; w++) {
            unsigned int bit = vsh_pool_type_flag(*w);

            if (!bit) {
                vsh_error(ctl, "Invalid pool type");
                return false;
            }
            *flags |= bit;
        }
    }
    return true;
}

static int
pool_cmp(const void *a, const void *b)
{
    VireoStoragePool *pa = *(VireoStoragePool *const *) a;
    VireoStoragePool *pb = *(VireoStoragePool *const *) b;

    return g_ascii_strcasecmp(vireo_storage_pool_get_name(pa),
                              vireo_storage_pool_get_name(pb));
}

/* The cells of one pool's row (appended to @cells). */
static void
pool_row(VshCtl *ctl, VireoStoragePool *pool, bool details, GPtrArray *cells)
{
    VireoStoragePoolInfo info;
    int autostart, persistent;
    bool have_info;

    g_ptr_array_add(cells, g_strdup(vireo_storage_pool_get_name(pool)));
    have_info = vireo_storage_pool_get_info(pool, &info) == 0;
    if (!have_info) {
        vsh_error(ctl, "Could not retrieve pool information");
        g_ptr_array_add(cells, g_strdup("unknown"));
    } else if (details) {
        g_ptr_array_add(cells, g_strdup(vsh_pool_state_string(info.state)));
    } else {
        g_ptr_array_add(cells, g_strdup(vireo_storage_pool_is_active(pool) > 0
                                        ? "active" : "inactive"));
    }
    if (vireo_storage_pool_get_autostart(pool, &autostart) < 0)
        g_ptr_array_add(cells, g_strdup("no autostart"));
    else
        g_ptr_array_add(cells, g_strdup(autostart ? "yes" : "no"));
    if (!details) {
        vireo_reset_error();
        return;
    }
    persistent = vireo_storage_pool_is_persistent(pool);
    g_ptr_array_add(cells, g_strdup(persistent < 0 ? "unknown"
                                    : persistent ? "yes" : "no"));
    vireo_reset_error();
    if (have_info && (info.state == VIREO_STORAGE_POOL_RUNNING ||
                      info.state == VIREO_STORAGE_POOL_DEGRADED)) {
        g_ptr_array_add(cells, vsh_capacity_format(info.capacity));
        g_ptr_array_add(cells, vsh_capacity_format(info.allocation));
        g_ptr_array_add(cells, vsh_capacity_format(info.available));
    } else {
        for (int i = 0; i < 3; i++)
            g_ptr_array_add(cells, g_strdup(have_info ? "-" : "unknown"));
    }
}

static void
print_names(VireoStoragePool **pools, int n, bool uuid, bool name)
{
    for (int i = 0; i < n; i++) {
        if (uuid) {
            char buf[VIREO_UUID_STRING_BUFLEN];

            vireo_storage_pool_get_uuid_string(pools[i], buf);
            printf("%-36s%c", buf, name ? ' ' : '\n');
        }
        if (name)
            printf("%-20s\n", vireo_storage_pool_get_name(pools[i]));
    }
}

bool
vsh_cmd_pool_list(VshCtl *ctl, const VshCmd *cmd)
{
    static const char *const heads[] = {
        "Name", "State", "Autostart", "Persistent", "Capacity", "Allocation",
        "Available"
    };
    bool details = vsh_cmd_has(cmd, "details");
    bool uuid = vsh_cmd_has(cmd, "uuid");
    bool name = vsh_cmd_has(cmd, "name");
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;
    VireoStoragePool **pools = NULL;
    int ncols = details ? 7 : 3;
    unsigned int flags;
    int n;

    if (details && (uuid || name)) {
        vsh_error(ctl, "Options --details and --%s are mutually exclusive",
                  uuid ? "uuid" : "name");
        return false;
    }
    if (!list_flags(ctl, cmd, &flags))
        return false;
    if ((n = vireo_conn_list_storage_pools(ctl->conn, flags, &pools)) < 0) {
        vsh_error(ctl, "Failed to list pools");
        return false;
    }
    qsort(pools, n, sizeof(*pools), pool_cmp);
    if (uuid || name) {
        print_names(pools, n, uuid, name);
        vireo_storage_pool_list_free(pools);
        return true;
    }
    for (int c = 0; c < ncols; c++)
        g_ptr_array_add(cells, g_strdup(heads[c]));
    for (int i = 0; i < n; i++)
        pool_row(ctl, pools[i], details, cells);
    vireo_storage_pool_list_free(pools);
    text = vsh_table_format((const char *const *) cells->pdata, n, ncols,
                            !ctl->quiet);
    fputs(text, stdout);
    return true;
}

/* ---- pool-edit ---------------------------------------------------------- */

/* Edit-and-define loop (no validation flags for pools: retry means edit
 * again). */
static bool
edit_loop(VshCtl *ctl, const char *name, const char *path, const char *orig)
{
    for (;;) {
        g_autofree char *text = NULL;
        g_autoptr(GError) gerr = NULL;
        g_autoptr(VireoStoragePool) pool = NULL;
        char line[64];

        if (!vsh_edit_run_editor(ctl, path))
            return false;
        if (!g_file_get_contents(path, &text, NULL, &gerr)) {
            vsh_error(ctl, "cannot read '%s': %s", path, gerr->message);
            return false;
        }
        if (strcmp(text, orig) == 0) {
            vsh_print_extra(ctl, "Pool %s XML configuration not changed.\n",
                            name);
            return true;
        }
        if ((pool = vireo_storage_pool_define_xml(ctl->conn, text, 0))) {
            vsh_print_extra(ctl, "Pool %s XML configuration edited.\n",
                            vireo_storage_pool_get_name(pool));
            return true;
        }
        vsh_report_error(ctl);
        if (!isatty(STDIN_FILENO))
            return false;
        printf("Failed. Try again? [y,n,?]: ");
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' &&
                                                   line[0] != 'Y'))
            return false;
    }
}

bool
vsh_cmd_pool_edit(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) gerr = NULL;
    bool ok;
    int fd;

    if (!pool ||
        !(xml = vireo_storage_pool_get_xml(pool, VIREO_STORAGE_XML_INACTIVE)))
        return false;
    if ((fd = g_file_open_tmp("vshXXXXXX.xml", &path, &gerr)) < 0) {
        vsh_error(ctl, "cannot create a temporary file: %s", gerr->message);
        return false;
    }
    close(fd);
    if (!g_file_set_contents_full(path, xml, -1, G_FILE_SET_CONTENTS_NONE,
                                   0600, &gerr)) {
        vsh_error(ctl, "cannot write '%s': %s", path, gerr->message);
        unlink(path);
        return false;
    }
    ok = edit_loop(ctl, vireo_storage_pool_get_name(pool), path, xml);
    unlink(path);
    return ok;
}

/* ---- pool-event --------------------------------------------------------- */

typedef struct {
    GMutex lock;
    int wake[2];          /* pipe: 'e' an event (one-shot), 'i' SIGINT */
    bool loop;
    bool timestamp;
    int count;
} PoolEventWait;

static int signal_fd = -1;

static void
on_sigint(int sig)
{
    char c = 'i';

    (void) sig;
    if (signal_fd >= 0 && write(signal_fd, &c, 1) < 0) {
        /* nothing to do in a signal handler */
    }
}

static void
event_print(VireoConn *conn, VireoStoragePool *pool, int event_id, int event,
            int detail, void *opaque)
{
    PoolEventWait *w = opaque;
    g_autofree char *line = vsh_pool_event_format(
        vireo_storage_pool_get_name(pool), event_id, event);
    char c = 'e';

    (void) conn;
    (void) detail;
    g_mutex_lock(&w->lock);
    if (w->loop || w->count == 0) {
        if (w->timestamp) {
            g_autoptr(GDateTime) now = g_date_time_new_now_local();
            g_autofree char *ts = g_date_time_format(now,
                                                     "%Y-%m-%d %H:%M:%S");
            g_autofree char *tz = g_date_time_format(now, "%z");

            printf("%s.%03d%s: ", ts,
                   g_date_time_get_microsecond(now) / 1000, tz);
        }
        fputs(line, stdout);
        fflush(stdout);
        w->count++;
        if (!w->loop && write(w->wake[1], &c, 1) < 0) {
            /* --timeout still ends the wait */
        }
    }
    g_mutex_unlock(&w->lock);
}

/* Wait until done, timeout or SIGINT; print virsh's closing words. */
static void
event_wait(PoolEventWait *w, int timeout_s)
{
    gint64 deadline = timeout_s > 0
        ? g_get_monotonic_time() + (gint64) timeout_s * G_USEC_PER_SEC : -1;
    struct sigaction sa = { .sa_handler = on_sigint };
    struct sigaction old;

    signal_fd = w->wake[1];
    sigaction(SIGINT, &sa, &old);
    for (;;) {
        struct pollfd pfd = { w->wake[0], POLLIN, 0 };
        int ms = -1;
        char c;

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0) {
                printf("event loop timed out\n");
                break;
            }
            ms = (int) MIN(left / 1000 + 1, G_MAXINT);
        }
        if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
            break;
        if (pfd.revents && read(w->wake[0], &c, 1) == 1) {
            if (c == 'i')
                printf("event loop interrupted\n");
            break;
        }
    }
    sigaction(SIGINT, &old, NULL);
    signal_fd = -1;
}

bool
vsh_cmd_pool_event(VshCtl *ctl, const VshCmd *cmd)
{
    const char *ev = vsh_cmd_opt(cmd, "event");
    const char *tmo = vsh_cmd_opt(cmd, "timeout");
    g_autoptr(VireoStoragePool) pool = NULL;
    PoolEventWait w = { .loop = vsh_cmd_has(cmd, "loop"),
                        .timestamp = vsh_cmd_has(cmd, "timestamp") };
    int event_id, timeout = 0, cbid;
    bool ok;

    if (vsh_cmd_has(cmd, "list")) {
        for (int i = 0; i < VIREO_STORAGE_POOL_EVENT_ID_LAST; i++)
            printf("%s\n", vireo_storage_pool_event_id_string(i));
        return true;
    }
    if (!ev) {
        vsh_error(ctl, "either --list or --event <type> is required");
        return false;
    }
    if ((event_id = vireo_storage_pool_event_id_from_string(ev)) < 0) {
        vsh_error(ctl, "unknown event type %s", ev);
        return false;
    }
    if (tmo && vsh_parse_timeout(tmo, &timeout) < 0) {
        vsh_error(ctl, "invalid timeout value '%s'", tmo);
        return false;
    }
    if (vsh_cmd_has(cmd, "pool") && !(pool = vsh_lookup_pool(ctl, cmd,
                                                             "pool")))
        return false;
    if (!g_unix_open_pipe(w.wake, FD_CLOEXEC, NULL)) {
        vsh_error(ctl, "cannot create a pipe: %s", g_strerror(errno));
        return false;
    }
    g_mutex_init(&w.lock);
    fflush(stdout);
    cbid = vireo_conn_storage_pool_event_register(ctl->conn, pool, event_id,
                                                  event_print, &w, NULL);
    ok = cbid >= 0;
    if (ok) {
        event_wait(&w, timeout);
        ok = vireo_conn_storage_pool_event_deregister(ctl->conn, cbid) == 0;
    }
    if (ok) {
        g_mutex_lock(&w.lock);
        printf("events received: %d\n", w.count);
        ok = w.count > 0;
        g_mutex_unlock(&w.lock);
    }
    close(w.wake[0]);
    close(w.wake[1]);
    g_mutex_clear(&w.lock);
    return ok;
}
