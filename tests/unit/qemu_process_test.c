/* qemu_process_test.c: the QEMU driver running real QEMU (TCG, no guest
 * kernel needed: SeaBIOS idles) with the main loop in a thread: start
 * (id, pty, status file), suspend/resume with events, destroy, kill -9
 * detected as crashed, re-attach by a second driver, refused starts
 * (already running, missing kernel, missing emulator, missing disk) that
 * leave nothing behind, jobs serialising operations on one domain, a
 * destroy racing the re-attach (destroyed, not crashed), and driver
 * shutdowns that wait neither for event work stuck behind a job nor for
 * a re-attach to a QEMU that does not answer.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_driver_lifecycle.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_command.h"
#include "util/vr_error.h"
#include "util/vr_paths.h"

#define EMULATOR "/usr/bin/qemu-system-x86_64"

typedef struct {
    char *root;
    VrPaths *paths;
    QemuDriver *drv;
    GMutex lock;
    GArray *events;          /* int: event*100 + detail; REBOOT = -1 */
} Fixture;

static GMainLoop *loop;
static GThread *loop_thread;

static gpointer
loop_main(gpointer data G_GNUC_UNUSED)
{
    g_main_context_push_thread_default(NULL);
    g_main_loop_run(loop);
    return NULL;
}

static void
on_event(const QemuDomainEvent *ev, void *opaque)
{
    Fixture *f = opaque;
    int code = ev->id == QEMU_EVENT_ID_REBOOT ? -1 :
               ev->event * 100 + ev->detail;

    g_mutex_lock(&f->lock);
    g_array_append_val(f->events, code);
    g_mutex_unlock(&f->lock);
}

static bool
saw_event(Fixture *f, int code)
{
    bool found = false;

    g_mutex_lock(&f->lock);
    for (guint i = 0; i < f->events->len; i++)
        found |= g_array_index(f->events, int, i) == code;
    g_mutex_unlock(&f->lock);
    return found;
}

static char *
dom_xml(const char *name, const char *extra_os, const char *extra_dev)
{
    return g_strdup_printf(
        "<domain type='qemu'><name>%s</name>"
        "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64'>hvm</type>%s</os>"
        "<features><acpi/></features>"
        "<devices><emulator>" EMULATOR "</emulator>%s"
        "<serial type='pty'/><console type='pty'/></devices></domain>",
        name, extra_os ? extra_os : "", extra_dev ? extra_dev : "");
}

static QemuDriver *
new_driver(Fixture *f)
{
    QemuDriver *drv = qemu_driver_new(f->paths);

    assert_non_null(drv);
    qemu_driver_set_event_callback(drv, on_event, f);
    qemu_driver_start_background(drv);
    return drv;
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->root = g_dir_make_tmp("vireo-process-test-XXXXXX", NULL);
    f->paths = vr_paths_new(true, f->root);
    assert_int_equal(vr_paths_create(f->paths), 0);
    g_mutex_init(&f->lock);
    f->events = g_array_new(FALSE, FALSE, sizeof(int));
    f->drv = new_driver(f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    g_autoptr(VrCommand) rm = vr_command_new("rm");
    QemuDomainRef *refs = NULL;
    size_t n = 0;

    /* QEMU outlives its driver by design: a test that failed half-way must
     * not leave guests running, so destroy whatever is still active. */
    if (qemu_domain_list_all(f->drv, VR_LIST_DOMAINS_ACTIVE, true, &refs, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            qemu_domain_destroy(f->drv, &refs[i], 0);
        qemu_domain_ref_array_free(refs, n);
    }
    qemu_driver_free(f->drv);
    vr_paths_free(f->paths);
    g_array_free(f->events, TRUE);
    g_mutex_clear(&f->lock);
    vr_command_add_arg(rm, "-rf");
    vr_command_add_arg(rm, f->root);
    g_assert(vr_command_run(rm, NULL, NULL, NULL) == 0);   /* the spawn API */
    g_free(f->root);
    g_free(f);
    return 0;
}

static void
define(Fixture *f, const char *xml, QemuDomainRef *ref)
{
    assert_int_equal(qemu_domain_define(f->drv, xml, 0, ref, NULL), 0);
}

static int
state_of(Fixture *f, QemuDomainRef *ref, int *reason)
{
    int state = -1, r = -1;

    assert_int_equal(qemu_domain_get_state(f->drv, ref, 0, &state, &r), 0);
    if (reason)
        *reason = r;
    return state;
}

/* Wait up to @ms for the domain to reach @state. */
static bool
wait_state(Fixture *f, QemuDomainRef *ref, int state, int ms)
{
    for (int i = 0; i < ms / 20; i++) {
        if (state_of(f, ref, NULL) == state)
            return true;
        g_usleep(20000);
    }
    return false;
}

static pid_t
pid_of(Fixture *f, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/qemu/%s.pid",
                                            f->paths->run_dir, name);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    return (pid_t) atoi(text);
}

static bool
run_file_exists(Fixture *f, const char *name, const char *suffix)
{
    g_autofree char *path = g_strdup_printf("%s/qemu/%s%s",
                                            f->paths->run_dir, name, suffix);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static void
test_start_suspend_destroy(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("t1", NULL, NULL);
    g_autofree char *pty = NULL;
    g_autofree char *live = NULL;
    QemuDomainRef ref = { 0 }, out = { 0 };
    QemuDomainInfo info;
    int reason;

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, &out), 0);
    assert_true(out.id > 0);
    assert_int_equal(state_of(f, &ref, &reason), VR_DOMAIN_RUNNING);
    assert_int_equal(reason, 1);
    assert_true(saw_event(f, QEMU_EVENT_STARTED * 100));
    assert_int_equal(qemu_domain_get_console_pty(f->drv, &ref, NULL, &pty), 0);
    assert_true(g_str_has_prefix(pty, "/dev/pts/"));
    live = qemu_domain_get_xml(f->drv, &ref, 0);
    assert_non_null(strstr(live, pty));
    assert_true(run_file_exists(f, "t1", ".xml"));
    assert_true(pid_of(f, "t1") > 0);

    /* Starting it again is refused, clearly. */
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), -1);
    assert_non_null(strstr(vr_error_message(), "already running"));

    assert_int_equal(qemu_domain_suspend(f->drv, &ref), 0);
    assert_int_equal(state_of(f, &ref, &reason), VR_DOMAIN_PAUSED);
    assert_int_equal(reason, 1);
    assert_true(saw_event(f, QEMU_EVENT_SUSPENDED * 100));
    assert_int_equal(qemu_domain_resume(f->drv, &ref), 0);
    assert_int_equal(state_of(f, &ref, &reason), VR_DOMAIN_RUNNING);
    assert_int_equal(reason, 5);
    assert_int_equal(qemu_domain_get_info(f->drv, &ref, &info), 0);
    assert_true(info.cpu_time_ns > 0);

    assert_int_equal(qemu_domain_reset(f->drv, &ref, 0), 0);
    for (int i = 0; i < 100 && !saw_event(f, -1); i++)
        g_usleep(20000);
    assert_true(saw_event(f, -1));

    assert_int_equal(qemu_domain_destroy(f->drv, &ref, 0), 0);
    assert_int_equal(state_of(f, &ref, &reason), VR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, 2);
    assert_true(saw_event(f, QEMU_EVENT_STOPPED * 100 + 1));
    assert_false(run_file_exists(f, "t1", ".xml"));
    assert_false(run_file_exists(f, "t1", ".monitor"));
    assert_false(run_file_exists(f, "t1", ".d"));
    assert_int_equal(qemu_domain_destroy(f->drv, &ref, 0), -1);
    qemu_domain_ref_clear(&ref);
    qemu_domain_ref_clear(&out);
}

static void
test_kill9_is_crash(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("t2", NULL, NULL);
    QemuDomainRef ref = { 0 };
    pid_t pid;
    int reason;

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), 0);
    pid = pid_of(f, "t2");
    assert_true(pid > 0);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_true(wait_state(f, &ref, VR_DOMAIN_SHUTOFF, 5000));
    state_of(f, &ref, &reason);
    assert_int_equal(reason, 3);
    assert_true(saw_event(f, QEMU_EVENT_STOPPED * 100 + 2));
    assert_false(run_file_exists(f, "t2", ".xml"));
    qemu_domain_ref_clear(&ref);
}

static void
test_reattach(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("t3", NULL, NULL);
    g_autofree char *tx = dom_xml("t3tr", NULL, NULL);
    QemuDomainRef ref = { 0 }, out = { 0 }, tr = { 0 }, again = { 0 };
    pid_t pid;

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, QEMU_START_PAUSED,
                                       &out), 0);
    assert_int_equal(state_of(f, &ref, NULL), VR_DOMAIN_PAUSED);
    assert_int_equal(qemu_domain_create_xml(f->drv, tx, 0, &tr), 0);
    pid = pid_of(f, "t3");
    /* The daemon goes away; QEMU stays. */
    qemu_driver_free(f->drv);
    assert_int_equal(kill(pid, 0), 0);
    f->drv = new_driver(f);
    assert_true(wait_state(f, &ref, VR_DOMAIN_PAUSED, 5000));
    assert_int_equal(qemu_domain_lookup_by_name(f->drv, "t3", &again), 0);
    assert_int_equal(again.id, out.id);
    assert_int_equal(pid_of(f, "t3"), pid);
    assert_int_equal(qemu_domain_lookup_by_name(f->drv, "t3tr", &again), 0);
    assert_int_equal(again.id, tr.id);
    assert_int_equal(qemu_domain_resume(f->drv, &ref), 0);
    assert_int_equal(state_of(f, &ref, NULL), VR_DOMAIN_RUNNING);
    assert_int_equal(qemu_domain_destroy(f->drv, &ref, 0), 0);
    assert_int_equal(kill(pid, 0), -1);
    /* The transient one goes away entirely when stopped. */
    assert_int_equal(qemu_domain_destroy(f->drv, &tr, 0), 0);
    assert_int_equal(qemu_domain_lookup_by_name(f->drv, "t3tr", &again), -1);
    qemu_domain_ref_clear(&ref);
    qemu_domain_ref_clear(&out);
    qemu_domain_ref_clear(&tr);
    qemu_domain_ref_clear(&again);
}

static void
expect_refused(Fixture *f, const char *name, const char *os,
               const char *dev, const char *msg)
{
    g_autofree char *xml = dom_xml(name, os, dev);
    QemuDomainRef ref = { 0 };

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), -1);
    if (!strstr(vr_error_message(), msg))
        fail_msg("'%s' not in '%s'", msg, vr_error_message());
    assert_int_equal(state_of(f, &ref, NULL), VR_DOMAIN_SHUTOFF);
    assert_false(run_file_exists(f, name, ".xml"));
    assert_false(run_file_exists(f, name, ".monitor"));
    assert_false(run_file_exists(f, name, ".d"));
    qemu_domain_ref_clear(&ref);
}

static void
test_bad_inputs(void **state)
{
    Fixture *f = *state;
    g_autofree char *bad_emu = NULL;
    QemuDomainRef ref = { 0 };

    expect_refused(f, "b1", "<kernel>/nonexistent/vmlinuz</kernel>", NULL,
                   "cannot read kernel '/nonexistent/vmlinuz'");
    expect_refused(f, "b2", NULL,
                   "<disk type='file' device='disk'>"
                   "<source file='/nonexistent/disk.img'/>"
                   "<target dev='vda' bus='virtio'/></disk>",
                   "/nonexistent/disk.img");
    bad_emu = g_strdup("<domain type='qemu'><name>b3</name>"
                       "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                       "<os><type arch='x86_64'>hvm</type></os><devices>"
                       "<emulator>/nonexistent/qemu</emulator></devices>"
                       "</domain>");
    define(f, bad_emu, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), -1);
    assert_non_null(strstr(vr_error_message(), "/nonexistent/qemu"));
    qemu_domain_ref_clear(&ref);
}

typedef struct {
    Fixture *f;
    QemuDomainRef *ref;
    int rc;
} StartArg;

static gpointer
start_thread(gpointer data)
{
    StartArg *a = data;

    a->rc = qemu_domain_start(a->f->drv, a->ref, 0, NULL);
    return NULL;
}

static void
test_jobs_serialise(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("j1", NULL, NULL);
    QemuDomainRef ref = { 0 };
    StartArg a, b;
    GThread *ta, *tb;

    define(f, xml, &ref);
    a = (StartArg) { f, &ref, 0 };
    b = (StartArg) { f, &ref, 0 };
    ta = g_thread_new("a", start_thread, &a);
    tb = g_thread_new("b", start_thread, &b);
    g_thread_join(ta);
    g_thread_join(tb);
    /* One start wins, the other waits for it and is told it runs. */
    assert_int_equal(a.rc + b.rc, -1);
    assert_int_equal(qemu_domain_destroy(f->drv, &ref, 0), 0);
    qemu_domain_ref_clear(&ref);
}

/* Is @sig pending for the whole process @pid (/proc/PID/status ShdPnd)? */
static bool
signal_pending(pid_t pid, int sig)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
    g_autofree char *text = NULL;
    const char *line;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(line = strstr(text, "ShdPnd:")))
        return false;
    return (g_ascii_strtoull(line + 7, NULL, 16) >> (sig - 1)) & 1;
}

/* Wait up to 5 s for @pid to be stopped (state T in /proc/PID/stat). */
static bool
wait_stopped(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);

    for (int i = 0; i < 500; i++) {
        g_autofree char *text = NULL;
        const char *p;

        if (g_file_get_contents(path, &text, NULL, NULL) &&
            (p = strrchr(text, ')')) && p[1] == ' ' && p[2] == 'T')
            return true;
        g_usleep(10000);
    }
    return false;
}

typedef struct {
    Fixture *f;
    QemuDomainRef *ref;
    int rc;
} DestroyArg;

static gpointer
destroy_thread(gpointer data)
{
    DestroyArg *a = data;

    a->rc = qemu_domain_destroy(a->f->drv, a->ref, 0);
    return NULL;
}

/* A destroy that arrives while the new driver is still re-attaching
 * (QEMU stopped, so the monitor handshake hangs until we let it go):
 * QEMU goes away because of the destroy, so the domain must end up
 * destroyed - not crashed - and the destroy must succeed. */
static void
test_destroy_during_reattach(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("t5", NULL, NULL);
    QemuDomainRef ref = { 0 };
    DestroyArg a;
    GThread *t;
    bool pending = false;
    pid_t pid;
    int reason;

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), 0);
    pid = pid_of(f, "t5");
    assert_true(pid > 0);
    qemu_driver_free(f->drv);
    /* Stopped for good before the destroy's SIGTERM comes (a pending
     * SIGSTOP would let the lower-numbered SIGTERM through first). */
    assert_int_equal(kill(pid, SIGSTOP), 0);
    assert_true(wait_stopped(pid));
    f->drv = new_driver(f);
    a = (DestroyArg) { f, &ref, 1 };
    t = g_thread_new("destroy", destroy_thread, &a);
    for (int i = 0; i < 500 && !pending; i++) {
        pending = signal_pending(pid, SIGTERM);
        g_usleep(10000);
    }
    assert_int_equal(kill(pid, SIGCONT), 0);
    g_thread_join(t);
    assert_true(pending);
    assert_int_equal(a.rc, 0);
    assert_int_equal(state_of(f, &ref, &reason), VR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, QEMU_SHUTOFF_DESTROYED);
    assert_true(saw_event(f, QEMU_EVENT_STOPPED * 100 +
                             QEMU_DETAIL_STOPPED_DESTROYED));
    assert_false(saw_event(f, QEMU_EVENT_STOPPED * 100 +
                              QEMU_DETAIL_STOPPED_FAILED));
    assert_false(run_file_exists(f, "t5", ".xml"));
    qemu_domain_ref_clear(&ref);
}

/* Driver shutdown with the exit handling of a QEMU waiting for a job
 * held elsewhere: it returns at once (it used to wait up to 60 s); the
 * next driver reconciles the state (crashed). */
static void
test_shutdown_skips_event_work(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("t6", NULL, NULL);
    QemuDomainRef ref = { 0 };
    g_autoptr(VrDomainObj) obj = NULL;
    gint64 t0;
    pid_t pid;
    int reason;

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), 0);
    pid = pid_of(f, "t6");
    assert_non_null(obj = qemu_driver_get_obj(f->drv, &ref));
    assert_int_equal(qemu_job_begin(obj, "test", 1000), 0);
    assert_int_equal(kill(pid, SIGKILL), 0);
    g_usleep(300000);        /* the exit is queued, its handler waits */
    assert_int_equal(state_of(f, &ref, NULL), VR_DOMAIN_RUNNING);
    t0 = g_get_monotonic_time();
    qemu_driver_free(f->drv);
    t0 = g_get_monotonic_time() - t0;
    qemu_job_end(obj);
    f->drv = new_driver(f);
    if (t0 >= 2 * G_USEC_PER_SEC)
        fail_msg("driver shutdown took %lld ms", (long long) t0 / 1000);
    assert_true(wait_state(f, &ref, VR_DOMAIN_SHUTOFF, 10000));
    state_of(f, &ref, &reason);
    assert_int_equal(reason, QEMU_SHUTOFF_CRASHED);
    assert_false(run_file_exists(f, "t6", ".xml"));
    qemu_domain_ref_clear(&ref);
}

/* Driver shutdown while the re-attach waits for a QEMU that does not
 * answer (stopped): prompt, and QEMU is left running for the next one. */
static void
test_shutdown_during_reattach(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = dom_xml("t7", NULL, NULL);
    QemuDomainRef ref = { 0 };
    gint64 t0;
    pid_t pid;

    define(f, xml, &ref);
    assert_int_equal(qemu_domain_start(f->drv, &ref, 0, NULL), 0);
    pid = pid_of(f, "t7");
    qemu_driver_free(f->drv);
    assert_int_equal(kill(pid, SIGSTOP), 0);
    assert_true(wait_stopped(pid));
    f->drv = new_driver(f);
    g_usleep(200000);        /* the re-attach now waits for the greeting */
    t0 = g_get_monotonic_time();
    qemu_driver_free(f->drv);
    t0 = g_get_monotonic_time() - t0;
    assert_int_equal(kill(pid, SIGCONT), 0);
    f->drv = new_driver(f);
    if (t0 >= 2 * G_USEC_PER_SEC)
        fail_msg("driver shutdown took %lld ms", (long long) t0 / 1000);
    /* Still there, re-attached by the next driver, and controllable. */
    assert_int_equal(pid_of(f, "t7"), pid);
    assert_int_equal(qemu_domain_suspend(f->drv, &ref), 0);
    assert_int_equal(state_of(f, &ref, NULL), VR_DOMAIN_PAUSED);
    assert_int_equal(qemu_domain_destroy(f->drv, &ref, 0), 0);
    assert_int_equal(kill(pid, 0), -1);
    qemu_domain_ref_clear(&ref);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_start_suspend_destroy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_kill9_is_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reattach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_serialise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_during_reattach, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_skips_event_work, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_during_reattach, setup,
                                        teardown),
    };
    int rc;

    if (access(EMULATOR, X_OK) < 0) {
        printf("1..0 # SKIP %s is not installed\n", EMULATOR);
        return 0;
    }
    loop = g_main_loop_new(NULL, FALSE);
    loop_thread = g_thread_new("main-loop", loop_main, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    g_main_loop_quit(loop);
    g_thread_join(loop_thread);
    return rc;
}
