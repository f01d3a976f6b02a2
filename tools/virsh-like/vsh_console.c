/* vsh_console.c: the "console" command: an interactive byte pipe between
 * the terminal and the domain's console stream.
 *
 * Threads: the command's thread reads standard input and sends it; a
 * second thread receives from the stream and writes standard output.  The
 * session ends on the escape character (Ctrl-], 0x1d), at the end of
 * standard input, when the daemon ends the stream, or on SIGINT / SIGTERM
 * / SIGHUP.  A terminal on stdin is put in raw mode and always restored.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vsh.h"

#define CONSOLE_ESCAPE 0x1d           /* Ctrl-] */
#define CONSOLE_BUF 4096

typedef struct {
    VireoStream *st;
    int wake[2];                      /* reader thread / signals -> main */
    int error;                        /* the reader saw a stream error */
    char *message;                    /* its text */
} Console;

static int console_signal_fd = -1;    /* write end for the signal handler */

static void
console_on_signal(int sig)
{
    char c = (char) sig;

    if (console_signal_fd >= 0 && write(console_signal_fd, &c, 1) < 0)
        return;
}

/* Write all of @buf to fd 1. */
static void
write_out(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= n;
    }
}

static gpointer
console_reader(gpointer opaque)
{
    Console *con = opaque;
    char buf[CONSOLE_BUF];
    char c = 0;
    int n;

    while ((n = vireo_stream_recv(con->st, buf, sizeof(buf), -1)) > 0)
        write_out(buf, n);
    if (n < 0) {
        con->error = 1;
        con->message = g_strdup(vireo_error_message(vireo_last_error()));
    }
    if (write(con->wake[1], &c, 1) < 0)
        return NULL;
    return NULL;
}

/* Send stdin's bytes up to the escape character.  Returns false when the
 * session must end (escape seen, EOF, or send failure). */
static bool
console_pump_stdin(Console *con)
{
    char buf[CONSOLE_BUF];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    char *esc;

    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    esc = memchr(buf, CONSOLE_ESCAPE, n);
    if (esc)
        n = esc - buf;
    if (n > 0 && vireo_stream_send(con->st, buf, n) < 0)
        return false;
    return !esc;
}

static void
console_loop(Console *con)
{
    bool stdin_open = true;

    while (stdin_open) {
        struct pollfd fds[2] = { { con->wake[0], POLLIN, 0 },
                                 { STDIN_FILENO, POLLIN, 0 } };

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (fds[0].revents)
            return;
        if (fds[1].revents)
            stdin_open = console_pump_stdin(con);
    }
}

/* Raw mode for a terminal on stdin; returns whether @saved must be
 * restored. */
static bool
console_raw(struct termios *saved)
{
    struct termios raw;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) < 0)
        return false;
    raw = *saved;
    cfmakeraw(&raw);
    return tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
}

/* Install (or, with @old set from a previous call, restore) the signal
 * handlers that end the session. */
static void
console_signals(struct sigaction *old, bool restore)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa = { .sa_handler = console_on_signal };

    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        if (restore)
            sigaction(sigs[i], &old[i], NULL);
        else
            sigaction(sigs[i], &sa, &old[i]);
    }
}

/* Run the session on an open stream; false when the stream failed. */
static bool
console_session(VshCtl *ctl, Console *con)
{
    struct sigaction old[3];
    struct termios saved;
    bool raw;
    GThread *reader;

    if (!g_unix_open_pipe(con->wake, FD_CLOEXEC, NULL))
        return false;
    console_signal_fd = con->wake[1];
    console_signals(old, false);
    raw = console_raw(&saved);
    reader = g_thread_new("vsh-console", console_reader, con);
    console_loop(con);
    /* Ends the reader's wait too. */
    if (vireo_stream_finish(con->st) < 0)
        vireo_reset_error();
    g_thread_join(reader);
    if (raw)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    console_signals(old, true);
    console_signal_fd = -1;
    close(con->wake[0]);
    close(con->wake[1]);
    if (con->error)
        vsh_error(ctl, "%s", con->message);
    return !con->error;
}

bool
vsh_run_console(VshCtl *ctl, VireoDomain *dom, const char *devname,
                unsigned int flags)
{
    Console con = { 0 };
    int state;
    bool ok;

    if (vireo_domain_get_state(dom, &state, NULL) < 0)
        return false;
    if (state != VIREO_DOMAIN_RUNNING && state != VIREO_DOMAIN_PAUSED) {
        vsh_error(ctl, "The domain is not running");
        return false;
    }
    if (!(con.st = vireo_domain_open_console(dom, devname, flags))) {
        vsh_error(ctl, "Failed to get console for domain '%s'",
                  vireo_domain_get_name(dom));
        return false;
    }
    vsh_print_extra(ctl, "Connected to domain '%s'\n",
                    vireo_domain_get_name(dom));
    vsh_print_extra(ctl, "Escape character is ^] (Ctrl + ])\n");
    fflush(stdout);
    ok = console_session(ctl, &con);
    vireo_stream_free(con.st);
    g_free(con.message);
    return ok;
}

bool
vsh_cmd_console(VshCtl *ctl, const VshCmd *cmd)
{
    g_autoptr(VireoDomain) dom = vsh_lookup_domain(ctl, cmd);
    unsigned int flags = 0;

    if (!dom)
        return false;
    if (vsh_cmd_has(cmd, "force"))
        flags |= VIREO_CONSOLE_FORCE;
    if (vsh_cmd_has(cmd, "safe"))
        flags |= VIREO_CONSOLE_SAFE;
    return vsh_run_console(ctl, dom, vsh_cmd_opt(cmd, "devname"), flags);
}
