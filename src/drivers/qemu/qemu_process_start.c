/* qemu_process_start.c: starting a domain as named phases - validate,
 * prepare domain, prepare host, launch, finish - each logged.  Any
 * failure calls qemu_process_stop, which undoes whatever prefix ran.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_interface.h"
#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

#define QEMU_LOG_MAX (1024 * 1024)
#define QEMU_LOG_KEEP 3
#define QEMU_MONITOR_TIMEOUT_MS 30000

/* What one start carries from phase to phase. */
typedef struct {
    QemuDriver *drv;
    VrDomainObj *obj;
    unsigned int flags;
    VrDomainDef *def;        /* the live definition (owned by obj once set) */
    QemuCaps *caps;
    const char *emulator;
    GArray *tap_fds;         /* our copies, closed once QEMU has them */
    const QemuIncoming *inc; /* restore / incoming migration, or NULL */
} QemuStart;

static int
check_readable(const char *what, const char *dom, const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot read %s '%s' of domain '%s'", what,
                               path, dom);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "%s '%s' of domain '%s' is a directory", what, path,
                        dom);
        return -1;
    }
    return 0;
}

static int
validate_disks(const VrDomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        const VrDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        /* volume disks were resolved (src_path) by
         * qemu_storage_resolve_disks before this phase */
        if (d->type == VR_DOMAIN_DISK_TYPE_VOLUME && !d->src_path) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "disk '%s' of domain '%s': storage volume not "
                            "resolved", d->dst, def->name);
            return -1;
        }
        if (d->src_path && check_readable("disk source", def->name,
                                          d->src_path) < 0)
            return -1;
    }
    return 0;
}

/* Phase 1: is the definition runnable on this host? */
static int
phase_validate(QemuStart *st)
{
    const VrDomainDef *def = st->def;

    st->emulator = def->emulator ? def->emulator : QEMU_HOST_EMULATOR;
    if (access(st->emulator, X_OK) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot run emulator '%s' of domain '%s'",
                               st->emulator, def->name);
        return -1;
    }
    if ((def->os_kernel &&
         check_readable("kernel", def->name, def->os_kernel) < 0) ||
        (def->os_initrd &&
         check_readable("initrd", def->name, def->os_initrd) < 0) ||
        validate_disks(def) < 0)
        return -1;
    if (!(st->caps = qemu_caps_cache_get(st->drv->caps, st->emulator)))
        return -1;
    if (!qemu_caps_find_machine(st->caps, def->os_machine)) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "machine type '%s' is not supported by '%s'",
                        def->os_machine, st->emulator);
        return -1;
    }
    return 0;
}

QemuDomainPriv *
qemu_process_priv_new(QemuDriver *drv, VrDomainObj *obj)
{
    QemuDomainPriv *priv = g_new0(QemuDomainPriv, 1);
    g_autofree char *base = g_build_filename(drv->run_dir, obj->name, NULL);
    g_autofree char *log = g_strdup_printf("%s.log", obj->name);

    priv->serial = qemu_process_next_serial();
    priv->pidfd = -1;
    priv->dir = g_strdup_printf("%s.d", base);
    priv->monitor_path = g_strdup_printf("%s.monitor", base);
    priv->pidfile = g_strdup_printf("%s.pid", base);
    priv->status_path = g_strdup_printf("%s.xml", base);
    priv->log_path = g_build_filename(drv->log_dir, log, NULL);
    priv->chowned = g_ptr_array_new();
    priv->ptys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free);
    priv->watch = qemu_watch_new(drv, obj, priv->serial);
    return priv;
}

/* Phase 2: id, live definition, run paths.  From here on the domain is
 * active (paused, starting up) and stop must undo it. */
static int
phase_prepare_domain(QemuStart *st, const void *owner)
{
    VrDomainObj *obj = st->obj;
    QemuDomainPriv *priv = qemu_process_priv_new(st->drv, obj);
    VrDomainDef *old;

    priv->owner = owner;
    vr_domain_obj_lock(obj);
    obj->id = g_atomic_int_add(&st->drv->next_id, 1);
    old = obj->def;
    obj->def = st->def;          /* the live copy */
    if (obj->persistent) {
        obj->new_def = old;      /* the persistent one, kept for stop */
        old = NULL;
    }
    obj->priv = priv;
    obj->priv_free = qemu_domain_priv_free;
    obj->state = VR_DOMAIN_PAUSED;
    obj->reason = 11;            /* VIR_DOMAIN_PAUSED_STARTING_UP */
    vr_domain_obj_unlock(obj);
    vr_domain_def_free(old);
    VR_INFO("domain '%s': prepared (id %d)", obj->name, obj->id);
    return 0;
}

/* Rotate NAME.log when it grew past QEMU_LOG_MAX: .1 .. .3 kept. */
static void
rotate_log(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0 || st.st_size <= QEMU_LOG_MAX)
        return;
    for (int i = QEMU_LOG_KEEP - 1; i >= 0; i--) {
        g_autofree char *from = i ? g_strdup_printf("%s.%d", path, i) :
                                    g_strdup(path);
        g_autofree char *to = g_strdup_printf("%s.%d", path, i + 1);

        if (rename(from, to) < 0 && errno != ENOENT)
            VR_WARN("cannot rotate '%s': %s", from, g_strerror(errno));
    }
}

/* Phase 3: directories, the log file, files for the QEMU user. */
static int
phase_prepare_host(QemuStart *st)
{
    QemuDomainPriv *priv = st->obj->priv;
    VR_AUTOCLOSE int fd = -1;

    if (vr_dir_create(st->drv->run_dir, 0755) < 0 ||
        vr_dir_create(priv->dir, 0750) < 0 ||
        vr_dir_create(st->drv->log_dir, 0700) < 0)
        return -1;
    unlink(priv->monitor_path);
    unlink(priv->pidfile);
    rotate_log(priv->log_path);
    if ((fd = open(priv->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                   0600)) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot open log file '%s'", priv->log_path);
        return -1;
    }
    if (st->drv->qemu_uid != (uid_t) -1 &&
        qemu_dac_prepare(st->drv, priv, st->def) < 0)
        return -1;
    return qemu_interface_prepare(st->drv, st->obj, &st->tap_fds);
}

/* The pidfile, for tools: the status XML is what re-attach reads, so
 * it is replaced atomically but not flushed (two fsyncs on every start
 * for a file in <run> would buy nothing). */
static void
write_pidfile(const char *path, pid_t pid)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int) pid);
    g_autoptr(GError) err = NULL;

    if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_NONE,
                                  0644, &err))
        VR_WARN("cannot write pidfile '%s': %s", path, err->message);
}

/* Phase 4: spawn QEMU (own session, log file, QEMU user) and connect to
 * its monitor. */
static int
phase_launch(QemuStart *st)
{
    VrDomainObj *obj = st->obj;
    QemuDomainPriv *priv = obj->priv;
    VR_AUTOCLOSE int mon_fd = qemu_monitor_listen_unix(priv->monitor_path);
    QemuCommandParams params = {
        .monitor_path = priv->monitor_path,
        .monitor_fd = mon_fd,
        .pidfile = NULL,            /* written by us: QEMU needs no run dir */
        .domain_dir = priv->dir,
        .log_path = st->drv->log_dir,
        .id = obj->id,
        .kvm_usable = qemu_host_kvm_usable(),
        .tap_fds = st->tap_fds ? (const int *) st->tap_fds->data : NULL,
        .n_tap_fds = st->tap_fds ? st->tap_fds->len : 0,
        .incoming = st->inc ? "defer" : NULL,
    };
    g_autoptr(VrCommand) cmd = qemu_command_build(st->def, st->caps, &params);
    g_autofree char *line = NULL;
    QemuMonitor *mon;
    pid_t pid;
    int pidfd = -1;

    if (mon_fd < 0 || !cmd)
        return -1;
    vr_command_set_new_session(cmd);
    vr_command_set_output_file(cmd, priv->log_path);
    vr_command_set_umask(cmd, 0007);
    if (st->drv->qemu_uid != (uid_t) -1)
        vr_command_set_user(cmd, st->drv->qemu_uid, st->drv->qemu_gid);
    line = vr_command_to_string(cmd);
    VR_DEBUG("domain '%s': %s", obj->name, line);
    if (vr_command_spawn(cmd, &pid, &pidfd) < 0)
        return -1;
    close(mon_fd);             /* QEMU's now: its exit resets our connect */
    mon_fd = -1;
    vr_domain_obj_lock(obj);
    priv->pid = pid;
    priv->pidfd = pidfd;
    priv->launched = true;
    vr_domain_obj_unlock(obj);
    qemu_process_watch(st->drv, obj);
    VR_INFO("domain '%s': QEMU started, pid %d", obj->name, (int) pid);
    write_pidfile(priv->pidfile, pid);

    /* The monitor borrows priv->watch; it is released on the main loop
     * after the monitor is closed (qemu_domain_priv_free). */
    mon = qemu_monitor_open(priv->monitor_path, pid, QEMU_MONITOR_TIMEOUT_MS,
                            &qemu_process_monitor_cb, priv->watch);
    if (!mon) {
        vr_error_prefix("domain '%s': QEMU monitor", obj->name);
        return -1;
    }
    vr_domain_obj_lock(obj);
    priv->mon = mon;
    vr_domain_obj_unlock(obj);
    return 0;
}

/* The pty behind each pty serial/console: recorded in the live def (so
 * dumpxml shows <source path='/dev/pts/N'/>) and in priv->ptys. */
static int
query_ptys(QemuStart *st)
{
    VrDomainObj *obj = st->obj;
    QemuDomainPriv *priv = obj->priv;
    GPtrArray *lists[] = { st->def->serials, st->def->consoles };
    const char *names[] = { "serial", "console" };

    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (guint i = 0; i < lists[l]->len; i++) {
            VrDomainChrDef *chr = g_ptr_array_index(lists[l], i);
            g_autofree char *alias = g_strdup_printf("%s%u", names[l], i);
            g_autofree char *path = NULL;
            const char *dup;

            if (chr->type != VR_DOMAIN_CHR_TYPE_PTY)
                continue;
            /* A serial-type console is the first serial port itself. */
            if (l == 1 && chr->target_type != VR_DOMAIN_CHR_TARGET_VIRTIO &&
                (dup = g_hash_table_lookup(priv->ptys, "serial0"))) {
                path = g_strdup(dup);
            } else {
                g_autofree char *id = g_strdup_printf("char%s", alias);

                if (qemu_monitor_query_chardev_pty(priv->mon, id, &path) < 0)
                    return -1;
            }
            vr_domain_obj_lock(obj);
            g_free(chr->path);
            chr->path = g_strdup(path);
            g_hash_table_replace(priv->ptys, g_steal_pointer(&alias),
                                 g_steal_pointer(&path));
            vr_domain_obj_unlock(obj);
        }
    }
    return 0;
}

/* Phase 5: ptys, run the vCPUs, state, status file, events. */
static int
phase_finish(QemuStart *st)
{
    VrDomainObj *obj = st->obj;
    QemuDomainPriv *priv = obj->priv;
    bool paused = st->flags & QEMU_START_PAUSED;

    if (query_ptys(st) < 0)
        return -1;
    if (st->inc && qemu_process_run_incoming(obj, priv->mon, st->inc) < 0)
        return -1;
    if (!paused && qemu_monitor_cont(priv->mon) < 0)
        return -1;
    if (paused)
        qemu_process_set_state(obj, VR_DOMAIN_PAUSED, QEMU_PAUSED_USER);
    else
        qemu_process_set_state(obj, VR_DOMAIN_RUNNING,
                               st->inc ? st->inc->running_reason :
                                         QEMU_RUNNING_BOOTED);
    if (qemu_status_save(st->drv, obj) < 0)
        return -1;
    if (!paused)
        qemu_driver_emit(st->drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_RESUMED,
                         st->inc ? st->inc->resumed_detail : 0);
    qemu_driver_emit(st->drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                     QEMU_EVENT_STARTED,
                     st->inc ? st->inc->started_detail : 0);
    if (paused)
        qemu_driver_emit(st->drv, obj, QEMU_EVENT_ID_LIFECYCLE,
                         QEMU_EVENT_SUSPENDED, 0);
    return 0;
}

int
qemu_process_start(QemuDriver *drv, VrDomainObj *obj, unsigned int flags,
                   const void *owner)
{
    return qemu_process_start_incoming(drv, obj, flags, owner, NULL);
}

int
qemu_process_start_incoming(QemuDriver *drv, VrDomainObj *obj,
                            unsigned int flags, const void *owner,
                            const QemuIncoming *inc)
{
    QemuStart st = { .drv = drv, .obj = obj, .flags = flags, .inc = inc };
    gint64 t0 = g_get_monotonic_time();
    bool active;

    vr_domain_obj_lock(obj);
    active = vr_domain_obj_is_active(obj);
    if (!active)
        st.def = vr_domain_def_copy(inc && inc->def ? inc->def : obj->def);
    vr_domain_obj_unlock(obj);
    if (active) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "domain '%s' is already running", obj->name);
        return -1;
    }
    VR_DEBUG("domain '%s': phase validate", obj->name);
    if (qemu_storage_resolve_disks(st.drv, st.def) < 0 ||
        phase_validate(&st) < 0) {
        vr_domain_def_free(st.def);
        g_clear_pointer(&st.caps, qemu_caps_unref);
        return -1;
    }
    phase_prepare_domain(&st, owner);    /* st.def now belongs to obj */
    VR_DEBUG("domain '%s': phase prepare host", obj->name);
    if (phase_prepare_host(&st) < 0)
        goto fail;
    VR_DEBUG("domain '%s': phase launch", obj->name);
    if (phase_launch(&st) < 0)
        goto fail;
    qemu_interface_close_fds(&st.tap_fds);
    VR_DEBUG("domain '%s': phase finish", obj->name);
    if (phase_finish(&st) < 0)
        goto fail;
    qemu_caps_unref(st.caps);
    VR_INFO("domain '%s': started in %lld ms", obj->name,
            (long long) (g_get_monotonic_time() - t0) / 1000);
    return 0;

 fail:
    qemu_caps_unref(st.caps);
    qemu_interface_close_fds(&st.tap_fds);
    {
        g_autoptr(VrError) err = vr_error_copy_last();

        qemu_process_stop(drv, obj, QEMU_SHUTOFF_FAILED,
                          QEMU_DETAIL_STOPPED_FAILED);
        if (err)
            vr_error_set_raw(err->code, err->domain, err->level,
                             err->message, err->str1, err->str2);
    }
    return -1;
}
