/* qemu_monitor_test.c: the QMP client against a real QEMU
 * (qemu-system-x86_64 -machine none) and against a scripted server that
 * splits and merges messages the way a real socket may. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_monitor_priv.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_macros.h"

static const char *qemu_binary;
static GMainLoop *main_loop;
static GThread *main_thread;

/* ---- what the callbacks saw (written on the main-loop thread) ---- */

typedef struct {
    GMutex lock;
    GCond cond;
    GPtrArray *events;
    int eofs;
} Recorder;

static void
rec_event(QemuMonitor *mon, const char *name, const VrJson *data, void *opaque)
{
    Recorder *rec = opaque;

    g_assert_true(g_main_context_is_owner(NULL));
    g_mutex_lock(&rec->lock);
    g_ptr_array_add(rec->events, g_strdup(name));
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
}

static void
rec_eof(QemuMonitor *mon, void *opaque)
{
    Recorder *rec = opaque;

    g_mutex_lock(&rec->lock);
    rec->eofs++;
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
}

static const QemuMonitorCallbacks rec_callbacks = { rec_event, rec_eof };

static Recorder *
rec_new(void)
{
    Recorder *rec = g_new0(Recorder, 1);

    g_mutex_init(&rec->lock);
    g_cond_init(&rec->cond);
    rec->events = g_ptr_array_new_with_free_func(g_free);
    return rec;
}

static void
rec_free(Recorder *rec)
{
    g_ptr_array_unref(rec->events);
    g_mutex_clear(&rec->lock);
    g_cond_clear(&rec->cond);
    g_free(rec);
}

/* Wait up to 10 s for event @name; true when seen. */
static bool
rec_wait_event(Recorder *rec, const char *name)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    bool seen = false;

    g_mutex_lock(&rec->lock);
    while (!seen) {
        for (guint i = 0; i < rec->events->len && !seen; i++)
            seen = strcmp(rec->events->pdata[i], name) == 0;
        if (!seen && !g_cond_wait_until(&rec->cond, &rec->lock, deadline))
            break;
    }
    g_mutex_unlock(&rec->lock);
    return seen;
}

static int
rec_wait_eof(Recorder *rec)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    int n;

    g_mutex_lock(&rec->lock);
    while (rec->eofs == 0 &&
           g_cond_wait_until(&rec->cond, &rec->lock, deadline)) {
    }
    n = rec->eofs;
    g_mutex_unlock(&rec->lock);
    return n;
}

/* ---- a real QEMU ---- */

typedef struct {
    char *dir;
    char *sock;
    pid_t pid;
} Qemu;

static Qemu *
qemu_start(void)
{
    Qemu *q = g_new0(Qemu, 1);
    g_autoptr(VrCommand) cmd = vr_command_new(qemu_binary);
    g_autofree char *qmp = NULL;

    q->dir = g_dir_make_tmp("vireo-qmp-XXXXXX", NULL);
    q->sock = g_build_filename(q->dir, "qmp.sock", NULL);
    vr_command_add_arg_pair(cmd, "-machine", "none");
    vr_command_add_arg(cmd, "-nodefaults");
    vr_command_add_arg(cmd, "-nographic");
    qmp = g_strdup_printf("unix:%s,server=on,wait=off", q->sock);
    vr_command_add_arg_pair(cmd, "-qmp", qmp);
    /* No pidfd here: valgrind 3.19 does not know pidfd_open. */
    if (vr_command_spawn(cmd, &q->pid, NULL) < 0)
        fail_msg("cannot start QEMU: %s", vr_error_message());
    return q;
}

static void
qemu_stop(Qemu *q)
{
    int status;

    if (q->pid > 0) {
        kill(q->pid, SIGKILL);
        waitpid(q->pid, &status, 0);
    }
    g_unlink(q->sock);
    g_rmdir(q->dir);
    g_free(q->sock);
    g_free(q->dir);
    g_free(q);
}

static QemuMonitor *
open_monitor(Qemu *q, Recorder *rec)
{
    QemuMonitor *mon = qemu_monitor_open(q->sock, q->pid, 10000,
                                         &rec_callbacks, rec);

    if (!mon)
        fail_msg("cannot open the monitor: %s", vr_error_message());
    return mon;
}

static int
need_qemu(void **state)
{
    if (!qemu_binary) {
        print_message("# SKIP: no qemu-system-x86_64 (install "
                      "qemu-system-x86)\n");
        skip();
    }
    return 0;
}

static void
test_monitor_query(void **state)
{
    Qemu *q;
    Recorder *rec = rec_new();
    QemuMonitor *mon;
    g_autoptr(VrJson) reply = NULL;
    g_autofree char *status = NULL;
    long long major = 0;
    bool running = true;

    need_qemu(state);
    q = qemu_start();
    mon = open_monitor(q, rec);
    assert_true(qemu_monitor_is_open(mon));
    assert_int_equal(qemu_monitor_command(mon, "query-version", NULL, &reply,
                                          0), 0);
    assert_int_equal(vr_json_object_get_int(vr_json_object_get(reply, "qemu"),
                                            "major", &major), 0);
    assert_true(major >= 2);
    assert_int_equal(qemu_monitor_query_status(mon, &running, &status), 0);
    assert_non_null(status);

    /* An unknown command: QEMU's own text, from the QEMU domain. */
    assert_int_equal(qemu_monitor_command(mon, "no-such-command", NULL, NULL,
                                          0), -1);
    assert_int_equal(vr_error_last()->domain, VR_FROM_QEMU);
    assert_int_equal(vr_error_code(), VR_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(vr_error_message(), "unable to execute QEMU "
                           "command 'no-such-command': The command "
                           "no-such-command has not been found"));
    /* Bad arguments are QEMU's to refuse; the monitor stays usable. */
    {
        VrJson *args = vr_json_new_object();

        vr_json_object_set_string(args, "bogus", "x");
        assert_int_equal(qemu_monitor_command(mon, "query-status", args, NULL,
                                              0), -1);
        assert_int_equal(qemu_monitor_query_status(mon, NULL, NULL), 0);
    }
    assert_int_equal(qemu_monitor_query_chardev_pty(mon, "nope", &status), -1);
    assert_non_null(strstr(vr_error_message(), "no chardev 'nope'"));
    qemu_monitor_close(mon);
    assert_int_equal(rec->eofs, 0);
    qemu_stop(q);
    rec_free(rec);
}

typedef struct {
    QemuMonitor *mon;
    int ok;
} Worker;

static gpointer
worker_run(gpointer data)
{
    Worker *w = data;

    for (int i = 0; i < 5; i++) {
        g_autoptr(VrJson) reply = NULL;
        const char *cmd = i % 2 ? "query-status" : "query-version";

        if (qemu_monitor_command(w->mon, cmd, NULL, &reply, 0) == 0 &&
            vr_json_type(reply) == VR_JSON_OBJECT)
            w->ok++;
    }
    return NULL;
}

static void
test_monitor_concurrent(void **state)
{
    Qemu *q;
    Recorder *rec = rec_new();
    QemuMonitor *mon;
    Worker workers[4] = { { NULL, 0 } };
    GThread *threads[4];

    need_qemu(state);
    q = qemu_start();
    mon = open_monitor(q, rec);
    for (int i = 0; i < 4; i++) {
        workers[i].mon = mon;
        threads[i] = g_thread_new("worker", worker_run, &workers[i]);
    }
    for (int i = 0; i < 4; i++) {
        g_thread_join(threads[i]);
        assert_int_equal(workers[i].ok, 5);
    }
    qemu_monitor_close(mon);
    qemu_stop(q);
    rec_free(rec);
}

static void
test_monitor_events_and_quit(void **state)
{
    Qemu *q;
    Recorder *rec = rec_new();
    QemuMonitor *mon;
    bool running = true;
    gint64 t0;
    int status;

    need_qemu(state);
    q = qemu_start();
    mon = open_monitor(q, rec);
    assert_int_equal(qemu_monitor_stop(mon), 0);
    assert_true(rec_wait_event(rec, "STOP"));
    assert_int_equal(qemu_monitor_query_status(mon, &running, NULL), 0);
    assert_false(running);
    assert_int_equal(qemu_monitor_cont(mon), 0);
    assert_true(rec_wait_event(rec, "RESUME"));

    assert_int_equal(qemu_monitor_quit(mon), 0);
    assert_int_equal(rec_wait_eof(rec), 1);
    assert_true(rec_wait_event(rec, "SHUTDOWN"));
    assert_int_equal(waitpid(q->pid, &status, 0), q->pid);
    assert_true(WIFEXITED(status));
    assert_false(qemu_monitor_is_open(mon));
    t0 = g_get_monotonic_time();
    assert_int_equal(qemu_monitor_command(mon, "query-status", NULL, NULL, 0),
                     -1);
    assert_true(g_get_monotonic_time() - t0 < G_USEC_PER_SEC);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_FAILED);
    assert_non_null(strstr(vr_error_message(), "QEMU monitor is closed"));
    g_usleep(100000);
    assert_int_equal(rec->eofs, 1);
    qemu_monitor_close(mon);
    q->pid = 0;   /* reaped above */
    qemu_stop(q);
    rec_free(rec);
}

/* After close, QEMU dying calls nothing. */
static void
test_monitor_close_then_exit(void **state)
{
    Qemu *q;
    Recorder *rec = rec_new();
    QemuMonitor *mon;

    need_qemu(state);
    q = qemu_start();
    mon = open_monitor(q, rec);
    qemu_monitor_close(mon);
    kill(q->pid, SIGKILL);
    g_usleep(200000);
    assert_int_equal(rec->eofs, 0);
    qemu_stop(q);
    rec_free(rec);
}

static void
test_monitor_connect_timeout(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-qmp-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "never.sock", NULL);
    gint64 t0 = g_get_monotonic_time(), ms;

    assert_null(qemu_monitor_open(sock, 0, 300, &rec_callbacks, NULL));
    ms = (g_get_monotonic_time() - t0) / 1000;
    assert_true(ms >= 300 && ms < 3000);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_TIMEOUT);
    assert_non_null(strstr(vr_error_message(), "connecting to QEMU monitor"));
    assert_non_null(strstr(vr_error_message(), sock));
    g_rmdir(dir);
}

static void
test_monitor_pid_exited(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-qmp-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "never.sock", NULL);
    g_autoptr(VrCommand) cmd = vr_command_new("/bin/true");
    siginfo_t info;
    pid_t pid;
    gint64 t0;
    int status;

    assert_int_equal(vr_command_spawn(cmd, &pid, NULL), 0);
    assert_int_equal(waitid(P_PID, pid, &info, WEXITED | WNOWAIT), 0);
    /* A zombie (exited, not reaped) counts as gone ... */
    t0 = g_get_monotonic_time();
    assert_null(qemu_monitor_open(sock, pid, 10000, &rec_callbacks, NULL));
    assert_true(g_get_monotonic_time() - t0 < G_USEC_PER_SEC);
    assert_non_null(strstr(vr_error_message(), "exited before its monitor"));
    /* ... and so does a reaped one. */
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_null(qemu_monitor_open(sock, pid, 10000, &rec_callbacks, NULL));
    assert_non_null(strstr(vr_error_message(), "exited before its monitor"));
    g_rmdir(dir);
}

/* ---- framing: split lines, several messages per read ---- */

static void
test_monitor_framing(void **state)
{
    GString *buf = g_string_new(NULL);
    VrJson *msg;
    int err;

    g_string_append(buf, "{\"return\": {}, \"id\": \"a\"}\r\n{\"ev");
    msg = qemu_monitor_take_message(buf, &err);
    assert_non_null(msg);
    assert_string_equal(vr_json_object_get_string(msg, "id"), "a");
    vr_json_free(msg);
    assert_null(qemu_monitor_take_message(buf, &err));
    assert_int_equal(err, 0);
    g_string_append(buf, "ent\": \"STOP\"}\r");
    assert_null(qemu_monitor_take_message(buf, &err));
    g_string_append(buf, "\n\r\nnot json\r\n[1]\r\n{\"event\": \"RESUME\"}\n");
    msg = qemu_monitor_take_message(buf, &err);
    assert_string_equal(vr_json_object_get_string(msg, "event"), "STOP");
    vr_json_free(msg);
    msg = qemu_monitor_take_message(buf, &err);   /* junk skipped */
    assert_string_equal(vr_json_object_get_string(msg, "event"), "RESUME");
    vr_json_free(msg);
    assert_null(qemu_monitor_take_message(buf, &err));
    assert_int_equal(buf->len, 0);
    g_string_free(buf, TRUE);
}

/* A scripted QMP server: greeting in two pieces, capability reply merged
 * with an event, a command reply split in two with an event glued to its
 * second half, then EOF. */
typedef struct {
    int lfd;
} Script;

static void
send_str(int fd, const char *s)
{
    g_assert_cmpint(send(fd, s, strlen(s), MSG_NOSIGNAL), ==, strlen(s));
    g_usleep(30000);
}

static char *
recv_line(int fd)
{
    GString *s = g_string_new(NULL);
    char c;

    while (recv(fd, &c, 1, 0) == 1 && c != '\n')
        g_string_append_c(s, c);
    return g_string_free(s, FALSE);
}

static gpointer
script_run(gpointer data)
{
    Script *sc = data;
    VR_AUTOCLOSE int fd = accept(sc->lfd, NULL, NULL);
    g_autofree char *caps = NULL;
    g_autofree char *line = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(VrJson) cmd = NULL;

    send_str(fd, "{\"QMP\": {\"version\": {}, ");
    send_str(fd, "\"capabilities\": []}}\r\n");
    caps = recv_line(fd);
    g_assert_nonnull(strstr(caps, "qmp_capabilities"));
    send_str(fd, "{\"return\": {}, \"id\": \"vireo-0\"}\r\n"
             "{\"event\": \"EARLY\", \"data\": {}}\r\n");
    line = recv_line(fd);
    cmd = vr_json_parse(line, strlen(line));
    g_assert_nonnull(cmd);
    reply = g_strdup_printf("{\"return\": {\"n\": 18446744073709551615}, "
                            "\"id\": \"%s\"}\r\n{\"event\": \"LATE\"}\r\n",
                            vr_json_object_get_string(cmd, "id"));
    send_str(fd, "{\"event\": \"MIDDLE\"}\r\n{\"timestamp\": 1}\r\n");
    reply[10] = '\0';
    send_str(fd, reply);
    reply[10] = ' ';
    send_str(fd, reply + 10);
    return NULL;
}

static void
test_monitor_scripted(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-qmp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    Recorder *rec = rec_new();
    Script sc;
    GThread *t;
    QemuMonitor *mon;
    g_autoptr(GString) names = g_string_new(NULL);
    g_autoptr(VrJson) reply = NULL;
    unsigned long long n = 0;

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    sc.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(bind(sc.lfd, (struct sockaddr *) &addr, sizeof(addr)), 0);
    assert_int_equal(listen(sc.lfd, 1), 0);
    t = g_thread_new("script", script_run, &sc);
    mon = qemu_monitor_open(path, 0, 5000, &rec_callbacks, rec);
    assert_non_null(mon);
    assert_int_equal(qemu_monitor_command(mon, "query-x", NULL, &reply, 5000),
                     0);
    assert_int_equal(vr_json_object_get_uint(reply, "n", &n), 0);
    assert_true(n == G_MAXUINT64);
    g_thread_join(t);
    assert_int_equal(rec_wait_eof(rec), 1);
    g_mutex_lock(&rec->lock);
    for (guint i = 0; i < rec->events->len; i++)
        g_string_append_printf(names, "%s%s", i ? "," : "",
                               (const char *) rec->events->pdata[i]);
    g_mutex_unlock(&rec->lock);
    assert_string_equal(names->str, "EARLY,MIDDLE,LATE");   /* lock released */
    qemu_monitor_close(mon);
    close(sc.lfd);
    g_unlink(path);
    g_rmdir(dir);
    rec_free(rec);
}

static gpointer
main_loop_run(gpointer data)
{
    g_main_loop_run(main_loop);
    return NULL;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monitor_framing),
        cmocka_unit_test(test_monitor_scripted),
        cmocka_unit_test(test_monitor_connect_timeout),
        cmocka_unit_test(test_monitor_pid_exited),
        cmocka_unit_test(test_monitor_query),
        cmocka_unit_test(test_monitor_concurrent),
        cmocka_unit_test(test_monitor_events_and_quit),
        cmocka_unit_test(test_monitor_close_then_exit),
    };
    const char *env = g_getenv("VIREO_TEST_QEMU");
    int ret;

    qemu_binary = env ? env : "/usr/bin/qemu-system-x86_64";
    if (access(qemu_binary, X_OK) < 0)
        qemu_binary = NULL;
    main_loop = g_main_loop_new(NULL, FALSE);
    main_thread = g_thread_new("main-loop", main_loop_run, NULL);
    ret = cmocka_run_group_tests(tests, NULL, NULL);
    g_main_loop_quit(main_loop);
    g_thread_join(main_thread);
    g_main_loop_unref(main_loop);
    return ret;
}
