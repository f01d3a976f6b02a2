/* net_driver.c: the network driver: objects, loading definitions at start,
 * lookups, listings, events, and the small queries.  Changes to
 * definitions are in net_driver_define.c, the host side in
 * net_driver_start.c / net_driver_dnsmasq.c, status and reconcile in
 * net_driver_status.c, net-update and leases in net_driver_update.c.
 * Locking rules: net_driver_priv.h.
 */
#include <config.h>

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "network/net_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_uuid.h"

#define NET_XML_MAX (1024 * 1024)

void
net_ref_clear(NetRef *ref)
{
    if (ref)
        g_clear_pointer(&ref->name, g_free);
}

void
net_ref_array_free(NetRef *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++)
        g_free(refs[i].name);
    g_free(refs);
}

void
net_ref_fill(NetRef *out, NetObj *obj)
{
    g_free(out->name);
    out->name = g_strdup(obj->name);
    memcpy(out->uuid, obj->uuid, sizeof(out->uuid));
}

NetObj *
net_obj_ref(NetObj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
net_obj_unref(NetObj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    vr_network_def_free(obj->def);
    vr_network_def_free(obj->new_def);
    if (obj->dnsmasq_pidfd >= 0)
        close(obj->dnsmasq_pidfd);
    g_free(obj->name);
    g_mutex_clear(&obj->lock);
    g_mutex_clear(&obj->job);
    g_free(obj);
}

void
net_report_inactive(const char *name)
{
    vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                    "network '%s' is not active", name);
}

static void
report_no_network(const char *what, const char *value)
{
    vr_error_report(VR_ERR_NO_NETWORK, VR_FROM_NETWORK,
                    "no network with matching %s '%s'", what, value);
}

NetObj *
net_driver_find_name(NetDriver *drv, const char *name)
{
    NetObj *obj;

    g_mutex_lock(&drv->lock);
    obj = g_hash_table_lookup(drv->objs, name);
    if (obj)
        net_obj_ref(obj);
    g_mutex_unlock(&drv->lock);
    return obj;
}

static NetObj *
find_uuid(NetDriver *drv, const unsigned char *uuid)
{
    GHashTableIter it;
    gpointer value;
    NetObj *found = NULL;

    g_mutex_lock(&drv->lock);
    g_hash_table_iter_init(&it, drv->objs);
    while (!found && g_hash_table_iter_next(&it, NULL, &value)) {
        NetObj *obj = value;

        if (memcmp(obj->uuid, uuid, 16) == 0)
            found = net_obj_ref(obj);
    }
    g_mutex_unlock(&drv->lock);
    return found;
}

NetObj *
net_driver_get_obj(NetDriver *drv, const NetRef *net)
{
    NetObj *obj = NULL;
    char uuid[VR_UUID_STRING_BUFLEN];

    if (!vr_uuid_is_null(net->uuid))
        obj = find_uuid(drv, net->uuid);
    else if (net->name)
        obj = net_driver_find_name(drv, net->name);
    if (!obj) {
        if (vr_uuid_is_null(net->uuid))
            report_no_network("name", net->name ? net->name : "");
        else
            report_no_network("uuid", vr_uuid_format(net->uuid, uuid));
    }
    return obj;
}

NetObj *
net_driver_add_obj(NetDriver *drv, VrNetworkDef *def)
{
    NetObj *obj = g_new0(NetObj, 1);

    obj->refs = 1;
    obj->drv = drv;
    g_mutex_init(&obj->lock);
    g_mutex_init(&obj->job);
    obj->name = g_strdup(def->name);
    memcpy(obj->uuid, def->uuid, 16);
    obj->def = def;
    obj->dnsmasq_pidfd = -1;
    g_mutex_lock(&drv->lock);
    g_hash_table_replace(drv->objs, obj->name, net_obj_ref(obj));
    g_mutex_unlock(&drv->lock);
    return obj;
}

void
net_driver_remove_obj(NetDriver *drv, NetObj *obj)
{
    g_mutex_lock(&drv->lock);
    if (g_hash_table_lookup(drv->objs, obj->name) == obj) {
        obj->removed = true;
        g_hash_table_remove(drv->objs, obj->name);
    }
    g_mutex_unlock(&drv->lock);
}

GPtrArray *
net_driver_all_objs(NetDriver *drv)
{
    GPtrArray *arr = g_ptr_array_new_with_free_func(
        (GDestroyNotify) net_obj_unref);
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&drv->lock);
    g_hash_table_iter_init(&it, drv->objs);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(arr, net_obj_ref(value));
    g_mutex_unlock(&drv->lock);
    return arr;
}

void
net_driver_emit(NetDriver *drv, NetObj *obj, int event, int detail)
{
    NetRef ref = { .name = obj->name };
    NetEventFunc cb;
    void *opaque;

    memcpy(ref.uuid, obj->uuid, 16);
    g_mutex_lock(&drv->event_lock);
    cb = drv->event_cb;
    opaque = drv->event_opaque;
    g_mutex_unlock(&drv->event_lock);
    if (cb)
        cb(&ref, event, detail, opaque);
}

char *
net_driver_config_path(NetDriver *drv, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(drv->config_dir, file, NULL);
}

char *
net_driver_autostart_path(NetDriver *drv, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(drv->autostart_dir, file, NULL);
}

/* Load one definition file; problems are logged and the file skipped. */
static void
load_one(NetDriver *drv, const char *file)
{
    g_autofree char *path = g_build_filename(drv->config_dir, file, NULL);
    g_autofree char *name = g_strndup(file, strlen(file) - 4);
    g_autofree char *link = net_driver_autostart_path(drv, name);
    g_autofree char *xml = NULL;
    g_autoptr(VrNetworkDef) def = NULL;
    g_autoptr(NetObj) obj = NULL;
    struct stat st;

    if (vr_file_read_all(path, NET_XML_MAX, &xml, NULL) < 0 ||
        !(def = vr_network_def_parse_string(xml, path, 0))) {
        VR_WARN("skipping network definition '%s': %s", path,
                vr_error_message());
        vr_error_reset();
        return;
    }
    if (!g_str_equal(def->name, name)) {
        VR_WARN("skipping network definition '%s': it defines network "
                "'%s'", path, def->name);
        return;
    }
    obj = net_driver_add_obj(drv, g_steal_pointer(&def));
    obj->persistent = true;
    obj->autostart = lstat(link, &st) == 0;
}

static int
load_all(NetDriver *drv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(drv->config_dir, 0, &err);
    const char *file;

    if (!dir) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_NETWORK,
                        "cannot read directory '%s': %s", drv->config_dir,
                        err->message);
        return -1;
    }
    while ((file = g_dir_read_name(dir))) {
        if (file[0] == '.' || !g_str_has_suffix(file, ".xml") ||
            strlen(file) <= 4)
            continue;
        load_one(drv, file);
    }
    return 0;
}

NetDriver *
net_driver_new(const VrPaths *paths)
{
    NetDriver *drv = g_new0(NetDriver, 1);

    g_mutex_init(&drv->lock);
    g_mutex_init(&drv->config_lock);
    g_mutex_init(&drv->event_lock);
    drv->privileged = paths->privileged;
    drv->relocated = paths->root != NULL;
    drv->config_dir = g_build_filename(paths->config_dir, "networks", NULL);
    drv->autostart_dir = g_build_filename(drv->config_dir, "autostart",
                                          NULL);
    drv->state_dir = g_build_filename(paths->state_dir, "network", NULL);
    drv->run_dir = g_build_filename(paths->run_dir, "network", NULL);
    drv->log_dir = g_build_filename(paths->log_dir, "network", NULL);
    drv->objs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) net_obj_unref);
    drv->pool = g_thread_pool_new(net_dnsmasq_restart_worker, drv, 1, FALSE,
                                  NULL);
    if (vr_dir_create(drv->autostart_dir, 0700) < 0 || load_all(drv) < 0) {
        net_driver_free(drv);
        return NULL;
    }
    return drv;
}

void
net_driver_set_event_callback(NetDriver *drv, NetEventFunc cb, void *opaque)
{
    g_mutex_lock(&drv->event_lock);
    drv->event_cb = cb;
    drv->event_opaque = opaque;
    g_mutex_unlock(&drv->event_lock);
}

static gpointer
background_main(gpointer data)
{
    NetDriver *drv = data;

    net_driver_define_default(drv);
    if (!g_atomic_int_get(&drv->quitting))
        net_driver_autostart(drv);
    return NULL;
}

void
net_driver_start_background(NetDriver *drv)
{
    /* Reconcile synchronously (files, netlink, one nft run and at most
     * one spawn per network) so no client sees a half-known state; the
     * rest (which may start networks) in the background. */
    net_driver_reconcile(drv);
    drv->background = g_thread_new("net-background", background_main, drv);
}

/* Drop the dnsmasq watches and pending restarts: networks keep running. */
static void
unwatch_all(NetDriver *drv)
{
    g_autoptr(GPtrArray) all = net_driver_all_objs(drv);

    for (guint i = 0; i < all->len; i++) {
        NetObj *obj = g_ptr_array_index(all, i);

        g_mutex_lock(&obj->lock);
        obj->dnsmasq_gen++;
        if (obj->dnsmasq_watch)
            g_source_remove(obj->dnsmasq_watch);
        if (obj->restart_timer)
            g_source_remove(obj->restart_timer);
        obj->dnsmasq_watch = obj->restart_timer = 0;
        g_mutex_unlock(&obj->lock);
    }
}

void
net_driver_shutdown(NetDriver *drv)
{
    if (!drv)
        return;
    g_atomic_int_set(&drv->quitting, 1);
    if (drv->background)
        g_thread_join(g_steal_pointer(&drv->background));
    if (drv->pool)
        g_thread_pool_free(g_steal_pointer(&drv->pool), TRUE, TRUE);
    unwatch_all(drv);
}

void
net_driver_free(NetDriver *drv)
{
    if (!drv)
        return;
    net_driver_shutdown(drv);
    g_hash_table_destroy(drv->objs);
    g_free(drv->config_dir);
    g_free(drv->autostart_dir);
    g_free(drv->state_dir);
    g_free(drv->run_dir);
    g_free(drv->log_dir);
    g_mutex_clear(&drv->lock);
    g_mutex_clear(&drv->config_lock);
    g_mutex_clear(&drv->event_lock);
    g_free(drv);
}

/* ---- lookups and queries -------------------------------------------- */

int
net_lookup_by_name(NetDriver *drv, const char *name, NetRef *out)
{
    g_autoptr(NetObj) obj = net_driver_find_name(drv, name);

    if (!obj) {
        report_no_network("name", name);
        return -1;
    }
    net_ref_fill(out, obj);
    return 0;
}

int
net_lookup_by_uuid(NetDriver *drv, const unsigned char *uuid, NetRef *out)
{
    g_autoptr(NetObj) obj = find_uuid(drv, uuid);
    char str[VR_UUID_STRING_BUFLEN];

    if (!obj) {
        report_no_network("uuid", vr_uuid_format(uuid, str));
        return -1;
    }
    net_ref_fill(out, obj);
    return 0;
}

static bool
list_match(NetObj *obj, unsigned int flags)
{
    bool ok = true;

    g_mutex_lock(&obj->lock);
    if ((flags & (NET_LIST_ACTIVE | NET_LIST_INACTIVE)) &&
        !((flags & NET_LIST_ACTIVE) && obj->active) &&
        !((flags & NET_LIST_INACTIVE) && !obj->active))
        ok = false;
    if ((flags & (NET_LIST_PERSISTENT | NET_LIST_TRANSIENT)) &&
        !((flags & NET_LIST_PERSISTENT) && obj->persistent) &&
        !((flags & NET_LIST_TRANSIENT) && !obj->persistent))
        ok = false;
    if ((flags & (NET_LIST_AUTOSTART | NET_LIST_NO_AUTOSTART)) &&
        !((flags & NET_LIST_AUTOSTART) && obj->autostart) &&
        !((flags & NET_LIST_NO_AUTOSTART) && !obj->autostart))
        ok = false;
    g_mutex_unlock(&obj->lock);
    return ok;
}

static gint
cmp_name(gconstpointer a, gconstpointer b)
{
    const NetObj *x = *(NetObj *const *) a, *y = *(NetObj *const *) b;

    return strcmp(x->name, y->name);
}

int
net_list_all(NetDriver *drv, unsigned int flags, NetRef **refs, size_t *n)
{
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GArray) out = NULL;

    if (VR_CHECK_FLAGS(flags, 0x3f) < 0)
        return -1;
    all = net_driver_all_objs(drv);
    g_ptr_array_sort(all, cmp_name);
    out = g_array_new(FALSE, TRUE, sizeof(NetRef));
    for (guint i = 0; i < all->len; i++) {
        NetObj *obj = g_ptr_array_index(all, i);
        NetRef ref = { 0 };

        if (!list_match(obj, flags))
            continue;
        net_ref_fill(&ref, obj);
        g_array_append_val(out, ref);
    }
    *n = out->len;
    *refs = (NetRef *) g_array_free(g_steal_pointer(&out), FALSE);
    return 0;
}

int
net_count(NetDriver *drv, bool active)
{
    g_autoptr(GPtrArray) all = net_driver_all_objs(drv);
    int n = 0;

    for (guint i = 0; i < all->len; i++)
        n += list_match(g_ptr_array_index(all, i),
                        active ? NET_LIST_ACTIVE : NET_LIST_INACTIVE);
    return n;
}

char *
net_get_xml(NetDriver *drv, const NetRef *net, unsigned int flags)
{
    g_autoptr(NetObj) obj = NULL;
    char *xml;

    if (VR_CHECK_FLAGS(flags, VR_NETWORK_FORMAT_INACTIVE) < 0 ||
        !(obj = net_driver_get_obj(drv, net)))
        return NULL;
    g_mutex_lock(&obj->lock);
    if ((flags & VR_NETWORK_FORMAT_INACTIVE) && obj->new_def)
        xml = vr_network_def_format(obj->new_def, flags);
    else
        xml = vr_network_def_format(obj->def, flags);
    g_mutex_unlock(&obj->lock);
    return xml;
}

static int
get_flag(NetDriver *drv, const NetRef *net, size_t offset)
{
    g_autoptr(NetObj) obj = net_driver_get_obj(drv, net);
    int ret;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->lock);
    ret = *(bool *) ((char *) obj + offset) ? 1 : 0;
    g_mutex_unlock(&obj->lock);
    return ret;
}

int
net_is_active(NetDriver *drv, const NetRef *net)
{
    return get_flag(drv, net, G_STRUCT_OFFSET(NetObj, active));
}

int
net_is_persistent(NetDriver *drv, const NetRef *net)
{
    return get_flag(drv, net, G_STRUCT_OFFSET(NetObj, persistent));
}

int
net_get_autostart(NetDriver *drv, const NetRef *net, bool *autostart)
{
    int ret = get_flag(drv, net, G_STRUCT_OFFSET(NetObj, autostart));

    if (ret < 0)
        return -1;
    *autostart = ret == 1;
    return 0;
}

char *
net_get_bridge_name(NetDriver *drv, const NetRef *net)
{
    g_autoptr(NetObj) obj = net_driver_get_obj(drv, net);
    char *bridge;

    if (!obj)
        return NULL;
    g_mutex_lock(&obj->lock);
    bridge = g_strdup(obj->def->bridge);
    g_mutex_unlock(&obj->lock);
    if (!bridge)
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "network '%s' does not have a bridge name",
                        obj->name);
    return bridge;
}

int
net_port_get_bridge(NetDriver *drv, const char *network, char **bridge)
{
    g_autoptr(NetObj) obj = net_driver_find_name(drv, network);
    char *br = NULL;
    bool active = false;

    if (!obj) {
        report_no_network("name", network);
        return -1;
    }
    g_mutex_lock(&obj->lock);
    active = obj->active;
    if (active)
        br = g_strdup(obj->def->bridge);
    g_mutex_unlock(&obj->lock);
    if (!active || !br) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "network '%s' is not active: run 'vsh net-start "
                        "%s'", network, network);
        return -1;
    }
    *bridge = br;
    return 0;
}
