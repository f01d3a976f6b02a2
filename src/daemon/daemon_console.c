/* daemon_console.c: DOMAIN_OPEN_CONSOLE - the domain's serial pty bridged
 * to an RPC stream (FACTS.md section 6, "Console").
 *
 * The handler (worker thread) checks the domain, opens its pty in raw
 * mode and creates the stream; from the stream's start on, everything runs
 * on the main thread: pty output goes to the client as data frames (the
 * pty is not read while the stream's queue is full), client data goes to
 * the pty (the client's input is paused while the pty does not take it).
 * When the domain stops, reading the pty fails (EIO/hangup) and the
 * client gets end of data; it then finishes the stream.
 *
 * One console per domain: a second open fails unless it has the FORCE
 * flag, which ends the first one with an error.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "daemon/daemon_console.h"
#include "daemon/daemon_dispatch_priv.h"
#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"
#include "util/vr_uuid.h"

#define CONSOLE_FORCE (1 << 0)
#define CONSOLE_SAFE (1 << 1)
#define CONSOLE_READ_CHUNK 65536

struct _DaemonConsoles {
    GMutex lock;
    GHashTable *by_uuid;      /* uuid string -> DaemonConsole* (a ref) */
};

typedef struct {
    gint refs;                /* atomic */
    DaemonConsoles *owner;
    char key[VR_UUID_STRING_BUFLEN];
    int fd;
    /* main thread only */
    VrRpcStream *st;          /* NULL once the stream ended */
    GSource *src;
    gpointer tag;
    GByteArray *to_pty;       /* client data the pty did not take yet */
    bool reading;             /* pty input wanted (queue not full) */
    bool eof_sent;
} DaemonConsole;

typedef struct {
    GSource base;
    DaemonConsole *con;
} ConsoleSource;

static void
console_unref(void *data)
{
    DaemonConsole *con = data;

    if (!con || !g_atomic_int_dec_and_test(&con->refs))
        return;
    if (con->fd >= 0)
        close(con->fd);
    g_byte_array_unref(con->to_pty);
    g_free(con);
}

DaemonConsoles *
daemon_consoles_new(void)
{
    DaemonConsoles *cs = g_new0(DaemonConsoles, 1);

    g_mutex_init(&cs->lock);
    cs->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                        console_unref);
    return cs;
}

void
daemon_consoles_free(DaemonConsoles *cs)
{
    if (!cs)
        return;
    g_hash_table_unref(cs->by_uuid);
    g_mutex_clear(&cs->lock);
    g_free(cs);
}

/* ---- main thread: the pump ---- */

static void
console_update_io(DaemonConsole *con)
{
    GIOCondition cond = 0;

    if (!con->src)
        return;
    if (con->reading && !con->eof_sent)
        cond |= G_IO_IN;
    if (con->to_pty->len > 0)
        cond |= G_IO_OUT;
    g_source_modify_unix_fd(con->src, con->tag, cond);
}

/* The domain is gone (pty closed): end of data for the client. */
static void
console_hangup(DaemonConsole *con)
{
    if (con->eof_sent)
        return;
    con->eof_sent = true;
    g_byte_array_set_size(con->to_pty, 0);
    VR_DEBUG("console of %s: pty closed, end of data", con->key);
    vr_rpc_stream_send_eof(con->st);
    vr_rpc_stream_pause_input(con->st, false);
    /* A hung-up pty polls ready for ever: stop watching it. */
    if (con->src) {
        g_source_destroy(con->src);
        g_source_unref(con->src);
        con->src = NULL;
    }
}

static void
console_read_pty(DaemonConsole *con)
{
    guint8 buf[CONSOLE_READ_CHUNK];

    while (con->reading && !con->eof_sent) {
        ssize_t n = read(con->fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            console_hangup(con);
            return;
        }
        vr_rpc_stream_send(con->st, buf, n);
        if (!vr_rpc_stream_can_send(con->st))
            con->reading = false;
    }
}

/* Write what the client sent.  Returns 0, or -1 with an error reported. */
static int
console_flush_pty(DaemonConsole *con)
{
    while (con->to_pty->len > 0 && !con->eof_sent) {
        ssize_t n = write(con->fd, con->to_pty->data, con->to_pty->len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0 && (errno == EIO || errno == EPIPE)) {
            console_hangup(con);
            return 0;
        }
        if (n < 0) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot write to the console");
            return -1;
        }
        g_byte_array_remove_range(con->to_pty, 0, n);
    }
    /* Stop taking client input while the pty lags behind. */
    vr_rpc_stream_pause_input(con->st, con->to_pty->len > 0);
    return 0;
}

static gboolean
console_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    DaemonConsole *con = ((ConsoleSource *) source)->con;
    GIOCondition rev = g_source_query_unix_fd(source, con->tag);

    if (!con->st)
        return G_SOURCE_CONTINUE;
    if ((rev & G_IO_OUT) && console_flush_pty(con) < 0) {
        vr_rpc_stream_fail(con->st);
        return G_SOURCE_CONTINUE;
    }
    if (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR))
        console_read_pty(con);
    if ((rev & (G_IO_HUP | G_IO_ERR)) && !(rev & G_IO_IN))
        console_hangup(con);
    console_update_io(con);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs console_source_funcs = {
    .dispatch = console_dispatch,
};

static void
console_start(VrRpcStream *st, void *opaque)
{
    DaemonConsole *con = opaque;

    con->st = st;
    con->reading = true;
    con->src = g_source_new(&console_source_funcs, sizeof(ConsoleSource));
    ((ConsoleSource *) con->src)->con = con;
    g_source_set_name(con->src, "vr-console");
    con->tag = g_source_add_unix_fd(con->src, con->fd, G_IO_IN);
    g_source_attach(con->src, NULL);
    VR_DEBUG("console of %s started", con->key);
}

static int
console_recv(VrRpcStream *st, const guint8 *data, size_t len, void *opaque)
{
    DaemonConsole *con = opaque;

    if (len == 0 || con->eof_sent)
        return 0;      /* client end of data, or nobody to write to */
    g_byte_array_append(con->to_pty, data, len);
    if (console_flush_pty(con) < 0)
        return -1;
    console_update_io(con);
    return 0;
}

static void
console_writable(VrRpcStream *st, void *opaque)
{
    DaemonConsole *con = opaque;

    con->reading = true;
    console_read_pty(con);
    console_update_io(con);
}

static void
console_end(VrRpcStream *st, VrRpcStreamEnd how, void *opaque)
{
    DaemonConsole *con = opaque;
    DaemonConsoles *cs = con->owner;

    VR_DEBUG("console of %s ended (%d)", con->key, how);
    con->st = NULL;
    if (con->src) {
        g_source_destroy(con->src);
        g_source_unref(con->src);
        con->src = NULL;
    }
    g_mutex_lock(&cs->lock);
    if (g_hash_table_lookup(cs->by_uuid, con->key) == con)
        g_hash_table_remove(cs->by_uuid, con->key);
    g_mutex_unlock(&cs->lock);
}

static const VrRpcStreamFuncs console_funcs = {
    .start = console_start,
    .recv = console_recv,
    .writable = console_writable,
    .end = console_end,
};

/* A FORCE open took over: end the previous console (main thread). */
static gboolean
console_kick(gpointer data)
{
    DaemonConsole *con = data;

    if (con->st && vr_rpc_stream_is_active(con->st)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "the console was taken over by another client");
        vr_rpc_stream_fail(con->st);
    }
    return G_SOURCE_REMOVE;
}

/* ---- the handler (worker thread) ---- */

/* Open @path as a raw, nonblocking pty.  Returns the fd or -1 (reported). */
static int
open_pty(const char *path)
{
    VR_AUTOCLOSE int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK |
                               O_CLOEXEC);
    struct termios tio;

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot open console '%s'", path);
        return -1;
    }
    if (tcgetattr(fd, &tio) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot read the settings of console '%s'",
                               path);
        return -1;
    }
    cfmakeraw(&tio);
    if (tcsetattr(fd, TCSADRAIN, &tio) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot set console '%s' to raw mode", path);
        return -1;
    }
    return vr_steal_fd(&fd);
}

/* Register @con (taken) as the console of its domain and bind it to the
 * current call's stream.  Returns 0 or -1 (reported; @con freed). */
static int
console_attach(VrRpcSession *sess, DaemonConsole *con, unsigned int flags)
{
    DaemonConsoles *cs = con->owner;
    DaemonConsole *old;

    g_mutex_lock(&cs->lock);
    old = g_hash_table_lookup(cs->by_uuid, con->key);
    if (old && !(flags & CONSOLE_FORCE)) {
        g_mutex_unlock(&cs->lock);
        console_unref(con);
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "Active console session exists for this domain");
        return -1;
    }
    g_atomic_int_inc(&con->refs);          /* the stream's */
    if (!vr_rpc_stream_new(sess, &console_funcs, con, console_unref)) {
        g_mutex_unlock(&cs->lock);
        console_unref(con);
        console_unref(con);
        return -1;
    }
    if (old) {
        g_hash_table_steal(cs->by_uuid, con->key);
        g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, console_kick,
                                   old, console_unref);
    }
    g_hash_table_insert(cs->by_uuid, con->key, con);
    g_mutex_unlock(&cs->lock);
    return 0;
}

DAEMON_HANDLER(domain_open_console)
{
    const vr_domain_open_console_args *a = args;
    DaemonContext *ctx = daemon_client_context(sess);
    g_autofree char *path = NULL;
    DaemonConsole *con;
    QemuDomainRef ref;
    int fd;

    if (VR_CHECK_FLAGS(a->flags, CONSOLE_FORCE | CONSOLE_SAFE) < 0 ||
        daemon_client_check_write(sess, "virDomainOpenConsole") < 0)
        return -1;
    if (!ctx->consoles) {
        vr_error_report(VR_ERR_NO_SUPPORT, VR_FROM_QEMU,
                        "consoles are not available");
        return -1;
    }
    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_get_console_pty(ctx->qemu, &ref,
                                    a->dev_name ? *a->dev_name : NULL,
                                    &path) < 0 ||
        (fd = open_pty(path)) < 0)
        return -1;
    con = g_new0(DaemonConsole, 1);
    con->refs = 1;                         /* the table's */
    con->owner = ctx->consoles;
    con->fd = fd;
    con->to_pty = g_byte_array_new();
    vr_uuid_format(ref.uuid, con->key);
    return console_attach(sess, con, a->flags);
}
