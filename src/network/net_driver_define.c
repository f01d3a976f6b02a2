/* net_driver_define.c: changes to network definitions (define, undefine,
 * autostart) and the lifecycle entry points (create, start, destroy).
 * Definitions are written with plain atomic writes under the driver's
 * config lock; the bridge name (virbrN) is chosen at define time and kept
 * in the definition, as libvirt does.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "network/net_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_log.h"
#include "util/vr_netlink.h"
#include "util/vr_uuid.h"

#define NET_BRIDGE_MAX 256

/* libvirt's identity rules: *found is the object with the same name and
 * UUID, or NULL for a new network.  Returns 0 or -1 (reported). */
static int
check_identity(NetDriver *drv, const VrNetworkDef *def, NetObj **found)
{
    g_autoptr(NetObj) by_name = net_driver_find_name(drv, def->name);
    g_autoptr(GPtrArray) all = NULL;
    char uuid[VR_UUID_STRING_BUFLEN];

    if (by_name) {
        if (memcmp(by_name->uuid, def->uuid, 16) != 0) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_NETWORK,
                            "network '%s' is already defined with uuid %s",
                            def->name, vr_uuid_format(by_name->uuid, uuid));
            return -1;
        }
        *found = g_steal_pointer(&by_name);
        return 0;
    }
    all = net_driver_all_objs(drv);
    for (guint i = 0; i < all->len; i++) {
        NetObj *o = g_ptr_array_index(all, i);

        if (memcmp(o->uuid, def->uuid, 16) == 0) {
            vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_NETWORK,
                            "network '%s' already exists with uuid %s",
                            o->name, vr_uuid_format(def->uuid, uuid));
            return -1;
        }
    }
    *found = NULL;
    return 0;
}

/* Is bridge @name used by another network than @self? */
static bool
bridge_taken(NetDriver *drv, const char *name, const char *self)
{
    g_autoptr(GPtrArray) all = net_driver_all_objs(drv);
    bool taken = false;

    for (guint i = 0; i < all->len && !taken; i++) {
        NetObj *o = g_ptr_array_index(all, i);

        if (self && g_str_equal(o->name, self))
            continue;
        g_mutex_lock(&o->lock);
        taken = (o->def->bridge && g_str_equal(o->def->bridge, name)) ||
                (o->new_def && o->new_def->bridge &&
                 g_str_equal(o->new_def->bridge, name));
        g_mutex_unlock(&o->lock);
    }
    return taken;
}

/* Give @def a bridge name: the one of @old (same network) or the first
 * virbrN used by no network and no host link.  0 or -1 (reported). */
static int
assign_bridge(NetDriver *drv, VrNetworkDef *def, NetObj *old)
{
    if (def->bridge || def->forward == VR_NET_FORWARD_BRIDGE)
        return 0;
    if (old) {
        g_mutex_lock(&old->lock);
        def->bridge = g_strdup(old->new_def ? old->new_def->bridge :
                               old->def->bridge);
        g_mutex_unlock(&old->lock);
        if (def->bridge)
            return 0;
    }
    for (int i = 0; i < NET_BRIDGE_MAX; i++) {
        g_autofree char *name = g_strdup_printf("virbr%d", i);

        if (bridge_taken(drv, name, def->name) ||
            vr_netlink_link_index(name) >= 0)
            continue;
        def->bridge = g_steal_pointer(&name);
        return 0;
    }
    vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_NETWORK,
                    "no free bridge name for network '%s'", def->name);
    return -1;
}

int
net_driver_save_def(NetDriver *drv, const VrNetworkDef *def)
{
    g_autofree char *xml = vr_network_def_format(def,
                                                 VR_NETWORK_FORMAT_INACTIVE);
    g_autofree char *path = net_driver_config_path(drv, def->name);

    if (vr_dir_create(drv->config_dir, 0700) < 0)
        return -1;
    return vr_file_write_atomic(path, xml, strlen(xml), 0600);
}

/* Make @def (taken) the persistent definition of @obj or of a new object.
 * Returns a reference. */
static NetObj *
publish_def(NetDriver *drv, NetObj *obj, VrNetworkDef *def)
{
    VrNetworkDef *old;

    if (!obj) {
        obj = net_driver_add_obj(drv, def);
        obj->persistent = true;
        return obj;
    }
    g_mutex_lock(&obj->lock);
    if (obj->active) {
        old = obj->new_def;
        obj->new_def = def;
    } else {
        old = obj->def;
        obj->def = def;
    }
    obj->persistent = true;
    g_mutex_unlock(&obj->lock);
    vr_network_def_free(old);
    return net_obj_ref(obj);
}

static VrNetworkDef *
parse_def(const char *xml, unsigned int flags)
{
    VrNetworkDef *def = vr_network_def_parse_string(xml,
                                                    "(network_definition)",
                                                    flags);

    if (def && !vr_network_name_check(def->name)) {
        vr_network_def_free(def);
        return NULL;
    }
    return def;
}

int
net_define(NetDriver *drv, const char *xml, unsigned int flags, NetRef *out)
{
    g_autoptr(VrNetworkDef) def = NULL;
    g_autoptr(NetObj) found = NULL;
    g_autoptr(NetObj) obj = NULL;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, VR_NETWORK_PARSE_VALIDATE) < 0)
        return -1;
    if (!(def = parse_def(xml, flags)))
        return -1;
    g_mutex_lock(&drv->config_lock);
    if (check_identity(drv, def, &found) < 0 ||
        assign_bridge(drv, def, found) < 0 ||
        net_driver_save_def(drv, def) < 0)
        goto out;
    obj = publish_def(drv, found, g_steal_pointer(&def));
    net_ref_fill(out, obj);
    VR_INFO("%s network '%s'", found ? "updated" : "defined", obj->name);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0)
        net_driver_emit(drv, obj, 0, found ? 1 : 0);
    return ret;
}

int
net_undefine(NetDriver *drv, const NetRef *net)
{
    g_autoptr(NetObj) obj = NULL;
    g_autofree char *path = NULL;
    g_autofree char *link = NULL;
    bool active;
    int ret = -1;

    g_mutex_lock(&drv->config_lock);
    if (!(obj = net_driver_get_obj(drv, net)))
        goto out;
    g_mutex_lock(&obj->lock);
    if (!obj->persistent) {
        g_mutex_unlock(&obj->lock);
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "cannot undefine transient network");
        goto out;
    }
    g_mutex_unlock(&obj->lock);
    path = net_driver_config_path(drv, obj->name);
    link = net_driver_autostart_path(drv, obj->name);
    if (vr_file_remove_durable(link) < 0 ||
        vr_file_remove_durable(path) < 0)
        goto out;
    g_mutex_lock(&obj->lock);
    obj->persistent = obj->autostart = false;
    g_clear_pointer(&obj->new_def, vr_network_def_free);
    active = obj->active;
    g_mutex_unlock(&obj->lock);
    if (!active)
        net_driver_remove_obj(drv, obj);
    VR_INFO("undefined network '%s'", obj->name);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret == 0)
        net_driver_emit(drv, obj, 1, 0);
    return ret;
}

int
net_set_autostart(NetDriver *drv, const NetRef *net, bool autostart)
{
    g_autoptr(NetObj) obj = NULL;
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    bool persistent;
    int ret = -1;

    g_mutex_lock(&drv->config_lock);
    if (!(obj = net_driver_get_obj(drv, net)))
        goto out;
    g_mutex_lock(&obj->lock);
    persistent = obj->persistent;
    g_mutex_unlock(&obj->lock);
    if (!persistent) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                        "cannot set autostart for transient network");
        goto out;
    }
    link = net_driver_autostart_path(drv, obj->name);
    target = g_strdup_printf("../%s.xml", obj->name);
    if (autostart) {
        if (vr_dir_create(drv->autostart_dir, 0700) < 0)
            goto out;
        if (symlink(target, link) < 0 && errno != EEXIST) {
            vr_error_report_system(errno, VR_FROM_NETWORK,
                                   "cannot create autostart link '%s'",
                                   link);
            goto out;
        }
        if (vr_dir_sync(drv->autostart_dir) < 0)
            goto out;
    } else if (vr_file_remove_durable(link) < 0) {
        goto out;
    }
    g_mutex_lock(&obj->lock);
    obj->autostart = autostart;
    g_mutex_unlock(&obj->lock);
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    return ret;
}

/* Start @obj under its job; emits STARTED.  0 or -1 (reported). */
static int
start_locked(NetDriver *drv, NetObj *obj)
{
    int ret;

    g_mutex_lock(&obj->job);
    ret = net_start_obj(drv, obj);
    g_mutex_unlock(&obj->job);
    if (ret == 0)
        net_driver_emit(drv, obj, 2, 0);
    return ret;
}

int
net_start(NetDriver *drv, const NetRef *net)
{
    g_autoptr(NetObj) obj = net_driver_get_obj(drv, net);

    if (!obj)
        return -1;
    return start_locked(drv, obj);
}

int
net_create_xml(NetDriver *drv, const char *xml, unsigned int flags,
               NetRef *out)
{
    g_autoptr(VrNetworkDef) def = NULL;
    g_autoptr(NetObj) found = NULL;
    g_autoptr(NetObj) obj = NULL;
    int ret = -1;

    if (VR_CHECK_FLAGS(flags, VR_NETWORK_PARSE_VALIDATE) < 0)
        return -1;
    if (!(def = parse_def(xml, flags)))
        return -1;
    g_mutex_lock(&drv->config_lock);
    if (check_identity(drv, def, &found) < 0 ||
        assign_bridge(drv, def, found) < 0)
        goto out;
    if (found) {
        /* An inactive persistent network started with a new live def. */
        g_mutex_lock(&found->lock);
        if (found->active) {
            g_mutex_unlock(&found->lock);
            vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_NETWORK,
                            "network '%s' is already active", def->name);
            goto out;
        }
        found->new_def = found->def;
        found->def = g_steal_pointer(&def);
        g_mutex_unlock(&found->lock);
        obj = net_obj_ref(found);
    } else {
        obj = net_driver_add_obj(drv, g_steal_pointer(&def));
    }
    ret = 0;
 out:
    g_mutex_unlock(&drv->config_lock);
    if (ret < 0 || start_locked(drv, obj) < 0)
        return -1;
    net_ref_fill(out, obj);
    return 0;
}

int
net_destroy(NetDriver *drv, const NetRef *net)
{
    g_autoptr(NetObj) obj = net_driver_get_obj(drv, net);
    bool active;

    if (!obj)
        return -1;
    g_mutex_lock(&obj->job);
    g_mutex_lock(&obj->lock);
    active = obj->active;
    g_mutex_unlock(&obj->lock);
    if (!active) {
        g_mutex_unlock(&obj->job);
        net_report_inactive(obj->name);
        return -1;
    }
    net_stop_obj(drv, obj, true);
    g_mutex_unlock(&obj->job);
    return 0;
}
