/* qemu_status.c: the status XML of running domains, <run>/qemu/NAME.xml,
 * and re-attaching to QEMUs that outlived a previous vireod.
 *
 *   <domstatus state='running' reason='booted' pid='N' id='N'>
 *     <monitor path='<run>/qemu/NAME.monitor'/>
 *     <pty alias='serial0' path='/dev/pts/3'/>
 *     <chown path='/img.qcow2' uid='0' gid='0' mode='0600'/>
 *     <domain ...>live definition</domain>
 *   </domstatus>
 *
 * Written atomically on every state change, so a crash at any instant
 * leaves the previous or the new state.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "drivers/qemu/qemu_process.h"
#include "util/vr_error.h"
#include "util/vr_command.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

#define STATUS_MAX (16 * 1024 * 1024)
/* Waiting on QEMU, which may be slow under load (TCG): generous. */
#define REATTACH_MONITOR_MS 30000
#define REATTACH_RETRY_MS 100

static const char *const state_names[] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff",
    "crashed", "pmsuspended",
};
static const char *const running_reasons[] = {
    "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
};
static const char *const paused_reasons[] = {
    "unknown", "user", "migration", "save", "dump", "ioerror", "watchdog",
    "from snapshot", "shutting down", "snapshot", "crashed", "starting up",
};

static const char *
reason_name(int state, int reason, char *buf, size_t len)
{
    if (state == VR_DOMAIN_RUNNING && reason >= 0 &&
        (size_t) reason < G_N_ELEMENTS(running_reasons))
        return running_reasons[reason];
    if (state == VR_DOMAIN_PAUSED && reason >= 0 &&
        (size_t) reason < G_N_ELEMENTS(paused_reasons))
        return paused_reasons[reason];
    g_snprintf(buf, len, "%d", reason);
    return buf;
}

static int
lookup_name(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (g_str_equal(names[i], s))
            return (int) i;
    return s ? atoi(s) : 0;
}

static void
attr(GString *buf, const char *name, const char *value)
{
    g_autofree char *esc = g_markup_escape_text(value, -1);

    g_string_append_printf(buf, " %s='%s'", name, esc);
}

/* The document for the locked @obj. */
static char *
status_format(VrDomainObj *obj, QemuDomainPriv *priv)
{
    GString *buf = g_string_new("<domstatus");
    g_autofree char *dom = vr_domain_def_format(obj->def, obj->id,
                                                VR_DOMAIN_FORMAT_SECURE);
    char tmp[16];
    GHashTableIter it;
    gpointer k, v;

    attr(buf, "state", state_names[obj->state % VR_DOMAIN_STATE_LAST]);
    attr(buf, "reason", reason_name(obj->state, obj->reason, tmp,
                                    sizeof(tmp)));
    g_string_append_printf(buf, " pid='%d' id='%d'>\n", (int) priv->pid,
                           obj->id);
    g_string_append(buf, "  <monitor");
    attr(buf, "path", priv->monitor_path);
    g_string_append(buf, "/>\n");
    g_hash_table_iter_init(&it, priv->ptys);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_string_append(buf, "  <pty");
        attr(buf, "alias", k);
        attr(buf, "path", v);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < priv->chowned->len; i++) {
        QemuChownSaved *s = g_ptr_array_index(priv->chowned, i);

        g_string_append(buf, "  <chown");
        attr(buf, "path", s->path);
        g_string_append_printf(buf, " uid='%u' gid='%u' mode='%04o'/>\n",
                               (unsigned) s->uid, (unsigned) s->gid,
                               (unsigned) s->mode);
    }
    g_string_append(buf, dom);
    g_string_append(buf, "</domstatus>\n");
    return g_string_free(buf, FALSE);
}

int
qemu_status_save(QemuDriver *drv G_GNUC_UNUSED, VrDomainObj *obj)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    QemuDomainPriv *priv;

    vr_domain_obj_lock(obj);
    if ((priv = obj->priv)) {
        xml = status_format(obj, priv);
        path = g_strdup(priv->status_path);
    }
    vr_domain_obj_unlock(obj);
    if (!xml)
        return 0;
    return vr_file_write_atomic(path, xml, strlen(xml), 0600);
}

/* ---- re-attach ------------------------------------------------------- */

typedef struct {
    int state, reason, id;
    pid_t pid;
    char *monitor;
    VrDomainDef *def;
    GHashTable *ptys;
    GPtrArray *chowned;
} QemuStatus;

static void
status_clear(QemuStatus *st)
{
    g_free(st->monitor);
    vr_domain_def_free(st->def);
    if (st->ptys)
        g_hash_table_destroy(st->ptys);
    qemu_chown_saved_array_free(st->chowned);
}

static char *
prop(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    char *s = v ? g_strdup((const char *) v) : NULL;

    xmlFree(v);
    return s;
}

static int
parse_child(QemuStatus *st, xmlDoc *doc, xmlNode *n, const char *path)
{
    const char *name = (const char *) n->name;

    if (g_str_equal(name, "monitor")) {
        st->monitor = prop(n, "path");
    } else if (g_str_equal(name, "pty")) {
        char *alias = prop(n, "alias"), *p = prop(n, "path");

        if (alias && p)
            g_hash_table_replace(st->ptys, alias, p);
    } else if (g_str_equal(name, "chown")) {
        QemuChownSaved *s = g_new0(QemuChownSaved, 1);
        g_autofree char *uid = prop(n, "uid"), *gid = prop(n, "gid");
        g_autofree char *mode = prop(n, "mode");

        s->path = prop(n, "path");
        s->uid = uid ? (uid_t) atol(uid) : 0;
        s->gid = gid ? (gid_t) atol(gid) : 0;
        s->mode = mode ? (mode_t) strtoul(mode, NULL, 8) & 07777 : 0600;
        g_ptr_array_add(st->chowned, s);
    } else if (g_str_equal(name, "domain")) {
        xmlBuffer *b = xmlBufferCreate();

        xmlNodeDump(b, doc, n, 0, 0);
        st->def = vr_domain_def_parse_string((const char *) xmlBufferContent(b),
                                             path, 0);
        xmlBufferFree(b);
        if (!st->def)
            return -1;
    }
    return 0;
}

static int
status_parse(const char *path, QemuStatus *st)
{
    g_autofree char *text = NULL;
    g_autofree char *s_state = NULL, *s_reason = NULL, *s_pid = NULL,
                    *s_id = NULL;
    xmlDoc *doc;
    xmlNode *root;
    int ret = -1;

    if (vr_file_read_all(path, STATUS_MAX, &text, NULL) < 0)
        return -1;
    if (!(doc = xmlReadMemory(text, (int) strlen(text), path, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING)) ||
        !(root = xmlDocGetRootElement(doc)) ||
        !g_str_equal((const char *) root->name, "domstatus")) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_QEMU,
                        "malformed status file '%s'", path);
        goto out;
    }
    st->ptys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    st->chowned = g_ptr_array_new();
    s_state = prop(root, "state");
    s_reason = prop(root, "reason");
    s_pid = prop(root, "pid");
    s_id = prop(root, "id");
    st->state = lookup_name(state_names, G_N_ELEMENTS(state_names), s_state);
    st->reason = st->state == VR_DOMAIN_PAUSED ?
        lookup_name(paused_reasons, G_N_ELEMENTS(paused_reasons), s_reason) :
        lookup_name(running_reasons, G_N_ELEMENTS(running_reasons), s_reason);
    st->pid = s_pid ? (pid_t) atol(s_pid) : 0;
    st->id = s_id ? atoi(s_id) : -1;
    for (xmlNode *n = root->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && parse_child(st, doc, n, path) < 0)
            goto out;
    if (!st->def || !st->monitor || st->pid <= 0 || st->id < 0) {
        vr_error_report(VR_ERR_XML_ERROR, VR_FROM_QEMU,
                        "incomplete status file '%s'", path);
        goto out;
    }
    ret = 0;
 out:
    xmlFreeDoc(doc);
    return ret;
}

/* Is @pid a QEMU using @monitor?  Its command line names the socket, or
 * (socket passed as an fd) the domain's UUID. */
static bool
is_our_qemu(pid_t pid, const char *monitor, const VrDomainDef *def)
{
    char uuid[VR_UUID_STRING_BUFLEN];
    g_autofree char *uuid_arg = NULL;
    g_autofree char *file = g_strdup_printf("/proc/%d/cmdline", (int) pid);
    g_autofree char *cmdline = NULL;
    gsize len;

    if (!g_file_get_contents(file, &cmdline, &len, NULL))
        return false;
    for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
            cmdline[i] = ' ';
    vr_uuid_format(def->uuid, uuid);
    uuid_arg = g_strdup_printf(" -uuid %s ", uuid);
    return strstr(cmdline, monitor) != NULL ||
           strstr(cmdline, uuid_arg) != NULL;
}

/* Put the parsed live state into @obj (new or the persistent one). */
static void
adopt_into(QemuDriver *drv, VrDomainObj *obj, QemuStatus *st)
{
    QemuDomainPriv *priv = qemu_process_priv_new(drv, obj);
    GHashTableIter it;
    gpointer k, v;

    g_ptr_array_free(priv->chowned, TRUE);
    priv->chowned = g_steal_pointer(&st->chowned);
    g_hash_table_destroy(priv->ptys);
    priv->ptys = g_steal_pointer(&st->ptys);
    priv->pid = st->pid;
    /* Live ptys back into the definition (parsing drops pty paths). */
    g_hash_table_iter_init(&it, priv->ptys);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        GPtrArray *list = g_str_has_prefix(k, "serial") ? st->def->serials :
                          st->def->consoles;
        guint idx = (guint) atoi((const char *) k +
                                 (g_str_has_prefix(k, "serial") ? 6 : 7));

        if (idx < list->len) {
            VrDomainChrDef *chr = g_ptr_array_index(list, idx);
            g_free(chr->path);
            chr->path = g_strdup(v);
        }
    }
    vr_domain_obj_lock(obj);
    if (obj->persistent)
        obj->new_def = obj->def;
    else
        vr_domain_def_free(obj->def);
    obj->def = g_steal_pointer(&st->def);
    obj->id = st->id;
    obj->state = st->state;
    obj->reason = st->reason;
    obj->priv = priv;
    obj->priv_free = qemu_domain_priv_free;
    vr_domain_obj_unlock(obj);
}

/* The object for @def: the persistent one with its UUID, or a new
 * transient object added to the list. */
static VrDomainObj *
obj_for(QemuDriver *drv, VrDomainDef *def)
{
    VrDomainObj *obj = vr_domain_obj_list_find_by_uuid(drv->domains,
                                                       def->uuid);

    if (obj)
        return obj;
    obj = vr_domain_obj_new(vr_domain_def_copy(def));
    if (vr_domain_obj_list_add(drv->domains, obj) < 0) {
        vr_domain_obj_unref(obj);
        return NULL;
    }
    return obj;
}

/* Has the QEMU behind @pidfd exited?  Not reported. */
static bool
pidfd_exited(int pidfd)
{
    struct pollfd p = { .fd = pidfd, .events = POLLIN };

    return poll(&p, 1, 0) > 0;
}

/* Has a destroy signalled @obj's QEMU (it waits for our job)? */
static bool
destroyed(VrDomainObj *obj)
{
    bool killed;

    vr_domain_obj_lock(obj);
    killed = ((QemuDomainPriv *) obj->priv)->killed;
    vr_domain_obj_unlock(obj);
    return killed;
}

/* Why re-attaching must stop trying, or NULL to try again. */
static const char *
give_up_reason(QemuDriver *drv, VrDomainObj *obj, gint64 deadline)
{
    QemuDomainPriv *priv = obj->priv;

    if (g_atomic_int_get(&drv->quitting))
        return "the driver is shutting down";
    if (destroyed(obj))
        return "destroyed meanwhile";
    if (pidfd_exited(priv->pidfd))
        return "QEMU exited";
    if (g_get_monotonic_time() >= deadline)
        return "timed out";
    return NULL;
}

/* Open the adopted QEMU's monitor.  The attempt may fail while QEMU is
 * alive (it is slow to serve the new client under load, or the old
 * daemon's connection is still being torn down): retry until QEMU exits,
 * a destroy or the driver's shutdown wants it, or a generous deadline.
 * Returns the monitor or NULL (the last error reported). */
static QemuMonitor *
open_adopted_monitor(QemuDriver *drv, VrDomainObj *obj)
{
    QemuDomainPriv *priv = obj->priv;
    gint64 deadline = g_get_monotonic_time() +
                      (gint64) REATTACH_MONITOR_MS * 1000;

    for (;;) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        QemuMonitor *mon =
            qemu_monitor_open_cancellable(priv->monitor_path, priv->pid,
                                          (int) MAX(left, 1), &drv->quitting,
                                          &qemu_process_monitor_cb,
                                          priv->watch);
        const char *why;

        if (mon)
            return mon;
        if ((why = give_up_reason(drv, obj, deadline))) {
            VR_DEBUG("domain '%s': monitor: %s", obj->name, why);
            return NULL;
        }
        VR_DEBUG("domain '%s': monitor not usable yet (%s): retrying",
                 obj->name, vr_error_message());
        vr_error_reset();
        g_usleep(REATTACH_RETRY_MS * 1000);
    }
}

/* Connect to the adopted QEMU; query its run state. */
static int
reconnect(QemuDriver *drv, VrDomainObj *obj)
{
    QemuDomainPriv *priv = obj->priv;
    g_autofree char *status = NULL;
    QemuMonitor *mon;
    bool running = false;

    if (!(mon = open_adopted_monitor(drv, obj)))
        return -1;
    vr_domain_obj_lock(obj);
    priv->mon = mon;
    vr_domain_obj_unlock(obj);
    if (qemu_monitor_query_status(mon, &running, &status) < 0)
        return -1;
    if (running)
        qemu_process_set_state(obj, VR_DOMAIN_RUNNING, QEMU_RUNNING_BOOTED);
    else if (obj->state == VR_DOMAIN_RUNNING)
        qemu_process_set_state(obj, VR_DOMAIN_PAUSED, QEMU_PAUSED_USER);
    return qemu_status_save(drv, obj);
}

static void
bump_next_id(QemuDriver *drv, int id)
{
    for (int cur = g_atomic_int_get(&drv->next_id); cur <= id;
         cur = g_atomic_int_get(&drv->next_id))
        g_atomic_int_compare_and_exchange(&drv->next_id, cur, id + 1);
}

/* Synchronous part: parse, adopt into the object (active, job held).
 * Returns the object (reference) or NULL. */
static VrDomainObj *
reattach_prepare(QemuDriver *drv, const char *path)
{
    QemuStatus st = { 0 };
    g_autoptr(VrDomainObj) obj = NULL;
    int pidfd = -1;

    if (status_parse(path, &st) < 0 || !(obj = obj_for(drv, st.def))) {
        VR_WARN("ignoring status file: %s", vr_error_message());
        vr_error_reset();
        status_clear(&st);
        return NULL;
    }
    bump_next_id(drv, st.id);
    if (is_our_qemu(st.pid, st.monitor, st.def))
        pidfd = vr_pidfd_open(st.pid);
    if (qemu_job_begin(obj, "reattach", QEMU_JOB_WAIT_MS) < 0) {
        status_clear(&st);
        return NULL;
    }
    adopt_into(drv, obj, &st);
    vr_domain_obj_lock(obj);
    ((QemuDomainPriv *) obj->priv)->pidfd = pidfd;
    ((QemuDomainPriv *) obj->priv)->launched = pidfd >= 0;
    vr_domain_obj_unlock(obj);
    status_clear(&st);
    return g_steal_pointer(&obj);
}

/* Background part: watch, monitor, state - or mark it crashed.  At
 * driver shutdown QEMU is left alone (the next vireod re-attaches). */
static void
reattach_finish(QemuDriver *drv, VrDomainObj *obj)
{
    QemuDomainPriv *priv = obj->priv;

    if (g_atomic_int_get(&drv->quitting)) {
        VR_DEBUG("domain '%s': re-attach skipped at shutdown", obj->name);
    } else if (priv->pidfd < 0) {
        VR_WARN("domain '%s': QEMU (pid %d) is gone", obj->name,
                (int) priv->pid);
        qemu_process_stop(drv, obj, QEMU_SHUTOFF_CRASHED,
                          QEMU_DETAIL_STOPPED_FAILED);
    } else {
        qemu_process_watch(drv, obj);
        if (reconnect(drv, obj) == 0) {
            VR_INFO("domain '%s': re-attached to QEMU pid %d", obj->name,
                    (int) priv->pid);
        } else if (g_atomic_int_get(&drv->quitting)) {
            vr_error_reset();   /* left running, as found */
        } else if (destroyed(obj)) {
            VR_INFO("domain '%s': destroyed while re-attaching (%s)",
                    obj->name, vr_error_message());
            vr_error_reset();
            qemu_process_stop(drv, obj, QEMU_SHUTOFF_DESTROYED,
                              QEMU_DETAIL_STOPPED_DESTROYED);
        } else {
            /* Dead (crashed, or destroyed meanwhile: the stop tells), or
             * alive with a monitor that never answers: libvirt's choice,
             * stop it rather than let it run unmanaged. */
            VR_WARN("domain '%s': cannot re-attach: %s", obj->name,
                    vr_error_message());
            vr_error_reset();
            qemu_process_stop(drv, obj, QEMU_SHUTOFF_CRASHED,
                              QEMU_DETAIL_STOPPED_FAILED);
        }
    }
    qemu_job_end(obj);
}

GPtrArray *
qemu_status_reattach_prepare(QemuDriver *drv)
{
    g_autoptr(GDir) dir = g_dir_open(drv->run_dir, 0, NULL);
    GPtrArray *objs = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vr_domain_obj_unref);
    const char *file;

    while (dir && (file = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        VrDomainObj *obj;

        if (file[0] == '.' || !g_str_has_suffix(file, ".xml"))
            continue;
        path = g_build_filename(drv->run_dir, file, NULL);
        if ((obj = reattach_prepare(drv, path)))
            g_ptr_array_add(objs, obj);
    }
    return objs;
}

void
qemu_status_reattach_finish(QemuDriver *drv, GPtrArray *objs)
{
    for (guint i = 0; i < objs->len; i++)
        reattach_finish(drv, objs->pdata[i]);
}
