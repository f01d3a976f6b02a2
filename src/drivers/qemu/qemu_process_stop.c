/* qemu_process_stop.c: the one idempotent stop that undoes any prefix of
 * the start phases (qemu_process_start.c), in reverse order.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_interface.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define QEMU_TERM_WAIT_MS 3000
#define QEMU_STARTING_UP 11     /* VIR_DOMAIN_PAUSED_STARTING_UP */

static gboolean
unref_watch_idle(gpointer w)
{
    qemu_watch_unref(w);
    return G_SOURCE_REMOVE;
}

void
qemu_domain_priv_free(void *opaque)
{
    QemuDomainPriv *priv = opaque;

    if (!priv)
        return;
    qemu_monitor_close(priv->mon);
    if (priv->pidfd >= 0)
        close(priv->pidfd);
    /* Main-loop callbacks may still be running with it: drop it there. */
    if (priv->watch)
        g_idle_add(unref_watch_idle, priv->watch);
    g_free(priv->dir);
    g_free(priv->monitor_path);
    g_free(priv->pidfile);
    g_free(priv->status_path);
    g_free(priv->log_path);
    qemu_chown_saved_array_free(priv->chowned);
    if (priv->ptys)
        g_hash_table_destroy(priv->ptys);
    g_free(priv->async);
    g_free(priv);
}

/* Wait until @pidfd is readable (the process exited), up to @ms. */
static bool
wait_exit(int pidfd, int ms)
{
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    gint64 deadline = g_get_monotonic_time() + (gint64) ms * 1000;
    int rc;

    for (;;) {
        int left = (int) ((deadline - g_get_monotonic_time()) / 1000);

        rc = poll(&p, 1, MAX(left, 0));
        if (rc > 0)
            return true;
        if (rc == 0 || (rc < 0 && errno != EINTR))
            return false;
    }
}

bool
qemu_process_kill(VrDomainObj *obj, int sig, int wait_ms)
{
    QemuDomainPriv *priv;
    VR_AUTOCLOSE int fd = -1;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (priv && priv->pidfd >= 0)
        fd = dup(priv->pidfd);
    vr_domain_obj_unlock(obj);
    if (fd < 0)
        return true;
    if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0) {
        if (errno == ESRCH)
            return true;
        VR_WARN("cannot signal QEMU of '%s': %s", obj->name,
                g_strerror(errno));
    }
    return wait_ms > 0 ? wait_exit(fd, wait_ms) : false;
}

/* SIGTERM, up to 3 s, then SIGKILL; reap when it is our child. */
static void
stop_qemu(VrDomainObj *obj, QemuDomainPriv *priv)
{
    if (priv->pidfd >= 0 &&
        !qemu_process_kill(obj, SIGTERM, QEMU_TERM_WAIT_MS)) {
        VR_WARN("domain '%s': QEMU ignored SIGTERM, sending SIGKILL",
                obj->name);
        qemu_process_kill(obj, SIGKILL, QEMU_TERM_WAIT_MS);
    } else if (priv->pidfd < 0 && priv->pid > 0) {
        kill(priv->pid, SIGKILL);   /* no pidfd: never reused meanwhile */
    }
    if (priv->pid > 0)
        while (waitpid(priv->pid, NULL, WNOHANG) < 0 && errno == EINTR)
            ;
}

static void
remove_run_files(QemuDomainPriv *priv)
{
    unlink(priv->monitor_path);
    unlink(priv->pidfile);
    if (vr_file_remove_durable(priv->status_path) < 0) {
        VR_WARN("%s", vr_error_message());
        vr_error_reset();
    }
    if (g_file_test(priv->dir, G_FILE_TEST_IS_DIR)) {
        g_autoptr(GDir) d = g_dir_open(priv->dir, 0, NULL);
        const char *f;

        while (d && (f = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(priv->dir, f, NULL);
            unlink(p);
        }
        rmdir(priv->dir);
    }
}

/* Detach priv from @obj, restore the persistent definition, set the
 * shut-off state.  Returns the priv (caller frees) or NULL. */
static QemuDomainPriv *
detach(VrDomainObj *obj, int reason, bool *was_up, bool *transient)
{
    QemuDomainPriv *priv;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    *was_up = priv && !(obj->state == VR_DOMAIN_PAUSED &&
                        obj->reason == QEMU_STARTING_UP);
    obj->priv = NULL;
    if (priv) {
        if (obj->new_def) {
            vr_domain_def_free(obj->def);
            obj->def = g_steal_pointer(&obj->new_def);
        }
        obj->state = VR_DOMAIN_SHUTOFF;
        obj->reason = reason;
        obj->id = -1;     /* as libvirt, STOPPED carries id -1 */
    }
    *transient = !obj->persistent;
    vr_domain_obj_unlock(obj);
    return priv;
}

void
qemu_process_stop(QemuDriver *drv, VrDomainObj *obj, int reason, int detail)
{
    QemuDomainPriv *priv;
    QemuMonitor *mon = NULL;
    bool was_up, transient;
    guint watch = 0;

    vr_domain_obj_lock(obj);
    priv = obj->priv;
    if (priv) {
        mon = g_steal_pointer(&priv->mon);
        watch = priv->pidfd_watch;
        priv->pidfd_watch = 0;
        /* A destroy signalled QEMU while this job ran (a start or a
         * re-attach then sees QEMU vanish): it was destroyed, not crashed
         * or failed. */
        if (priv->killed) {
            reason = QEMU_SHUTOFF_DESTROYED;
            detail = QEMU_DETAIL_STOPPED_DESTROYED;
        }
    }
    vr_domain_obj_unlock(obj);
    if (!priv)
        return;     /* already stopped */
    VR_INFO("domain '%s': stopping (reason %d)", obj->name, reason);
    if (watch)
        g_source_remove(watch);
    qemu_monitor_close(mon);
    if (priv->launched)
        stop_qemu(obj, priv);
    remove_run_files(priv);
    qemu_dac_hand_back(priv->chowned);
    qemu_interface_release(drv, obj);

    priv = detach(obj, reason, &was_up, &transient);
    if (was_up)
        qemu_driver_emit(drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_STOPPED, detail);
    if (transient)
        vr_domain_obj_list_remove(drv->domains, obj);
    qemu_domain_priv_free(priv);
}
