/* daemon_dispatch_snapshot.c: the snapshot procedures
 * (daemon_dispatch_snapshot.h).  XDR in, one QEMU driver call
 * (qemu_snapshot.h), XDR out.  A snapshot on the wire is its name and
 * its domain's reference (refreshed, so the id is current).
 */
#include <config.h>

#include "daemon/daemon_dispatch_snapshot.h"
#include "drivers/qemu/qemu_snapshot.h"
#include "util/vr_error.h"

/* @name (owned, moves in) of domain @ref -> wire.  0 or -1. */
static int
snap_to_wire(VrRpcSession *sess, vr_nonnull_domain_snapshot *out,
             const QemuDomainRef *ref, char *name)
{
    QemuDomainRef fresh = { 0 };

    if (!name)
        return -1;
    if (qemu_domain_lookup_by_uuid(daemon_client_driver(sess), ref->uuid,
                                   &fresh) < 0) {
        g_free(name);
        return -1;
    }
    out->name = name;
    daemon_dom_to_wire(&out->dom, &fresh);
    return 0;
}

static int
snap_reply(VrRpcSession *sess, void *ret, const QemuDomainRef *ref,
           char *name)
{
    vr_domain_snapshot_ret *r = ret;

    return snap_to_wire(sess, &r->snap, ref, name);
}

static int
int_reply(int v, void *ret)
{
    vr_int_ret *r = ret;

    if (v < 0)
        return -1;
    r->value = v;
    return 0;
}

/* Names (owned array, consumed) -> a wire list of snapshots. */
static int
list_reply(VrRpcSession *sess, vr_domain_list_all_snapshots_ret *r,
           const QemuDomainRef *ref, int n, char **names)
{
    if (n < 0)
        return -1;
    if (n > VR_DOMAIN_SNAPSHOT_LIST_MAX) {
        g_strfreev(names);
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_RPC,
                        "too many snapshots (%d) for one reply", n);
        return -1;
    }
    if (names) {
        r->snapshots.snapshots_val = g_new0(vr_nonnull_domain_snapshot,
                                            MAX(n, 1));
        for (int i = 0; i < n; i++) {
            if (snap_to_wire(sess, &r->snapshots.snapshots_val[i], ref,
                             g_steal_pointer(&names[i])) < 0) {
                g_strfreev(names);
                return -1;
            }
            r->snapshots.snapshots_len = i + 1;
        }
        g_free(names);
    }
    r->ret = n;
    return 0;
}

static int
need_results_ok(int need)
{
    if (need < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_RPC,
                        "need_results must not be negative");
        return -1;
    }
    return 0;
}

DAEMON_HANDLER(domain_snapshot_create_xml)
{
    const vr_domain_snapshot_create_xml_args *a = args;
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainSnapshotCreateXML") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return snap_reply(sess, ret, &ref,
                      qemu_domain_snapshot_create(daemon_client_driver(sess),
                                                  &ref, a->xml_desc,
                                                  a->flags));
}

DAEMON_HANDLER(domain_snapshot_get_xml_desc)
{
    const vr_domain_snapshot_flags_args *a = args;
    vr_domain_snapshot_get_xml_desc_ret *r = ret;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->snap.dom);
    r->xml = qemu_domain_snapshot_get_xml(daemon_client_driver(sess), &ref,
                                          a->snap.name, a->flags);
    return r->xml ? 0 : -1;
}

DAEMON_HANDLER(domain_snapshot_list_names)
{
    const vr_domain_snapshot_list_names_args *a = args;
    vr_domain_snapshot_list_names_ret *r = ret;
    char **names = NULL;
    QemuDomainRef ref;
    int n;

    if (a->maxnames < 0 || a->maxnames > VR_DOMAIN_SNAPSHOT_LIST_MAX) {
        vr_error_report(VR_ERR_RPC, VR_FROM_RPC,
                        "maxnames %d out of range", a->maxnames);
        return -1;
    }
    daemon_dom_from_wire(&ref, &a->dom);
    n = qemu_domain_snapshot_list(daemon_client_driver(sess), &ref,
                                  a->flags, &names);
    if (n < 0)
        return -1;
    n = MIN(n, a->maxnames);
    r->names.names_val = g_new0(vr_nonnull_string, MAX(n, 1));
    for (int i = 0; i < n; i++)
        r->names.names_val[i] = g_steal_pointer(&names[i]);
    r->names.names_len = n;
    g_strfreev(names);
    return 0;
}

DAEMON_HANDLER(domain_snapshot_lookup_by_name)
{
    const vr_domain_snapshot_lookup_by_name_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    if (qemu_domain_snapshot_lookup(daemon_client_driver(sess), &ref,
                                    a->name, a->flags) < 0)
        return -1;
    return snap_reply(sess, ret, &ref, g_strdup(a->name));
}

DAEMON_HANDLER(domain_has_current_snapshot)
{
    const vr_domain_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    return int_reply(qemu_domain_has_current_snapshot(
                         daemon_client_driver(sess), &ref, a->flags), ret);
}

DAEMON_HANDLER(domain_snapshot_current)
{
    const vr_domain_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    return snap_reply(sess, ret, &ref,
                      qemu_domain_snapshot_current(daemon_client_driver(sess),
                                                   &ref, a->flags));
}

DAEMON_HANDLER(domain_revert_to_snapshot)
{
    const vr_domain_snapshot_flags_args *a = args;
    QemuDomainRef ref;

    (void) ret;
    if (daemon_client_check_write(sess, "virDomainRevertToSnapshot") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->snap.dom);
    return qemu_domain_snapshot_revert(daemon_client_driver(sess), &ref,
                                       a->snap.name, a->flags);
}

DAEMON_HANDLER(domain_snapshot_delete)
{
    const vr_domain_snapshot_flags_args *a = args;
    QemuDomainRef ref;

    (void) ret;
    if (daemon_client_check_write(sess, "virDomainSnapshotDelete") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->snap.dom);
    return qemu_domain_snapshot_delete(daemon_client_driver(sess), &ref,
                                       a->snap.name, a->flags);
}

DAEMON_HANDLER(domain_snapshot_get_parent)
{
    const vr_domain_snapshot_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->snap.dom);
    return snap_reply(sess, ret, &ref,
                      qemu_domain_snapshot_get_parent(
                          daemon_client_driver(sess), &ref, a->snap.name,
                          a->flags));
}

DAEMON_HANDLER(domain_snapshot_num_children)
{
    const vr_domain_snapshot_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->snap.dom);
    return int_reply(qemu_domain_snapshot_list_children(
                         daemon_client_driver(sess), &ref, a->snap.name,
                         a->flags, NULL), ret);
}

DAEMON_HANDLER(domain_snapshot_is_current)
{
    const vr_domain_snapshot_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->snap.dom);
    return int_reply(qemu_domain_snapshot_is_current(
                         daemon_client_driver(sess), &ref, a->snap.name,
                         a->flags), ret);
}

DAEMON_HANDLER(domain_snapshot_has_metadata)
{
    const vr_domain_snapshot_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->snap.dom);
    return int_reply(qemu_domain_snapshot_has_metadata(
                         daemon_client_driver(sess), &ref, a->snap.name,
                         a->flags), ret);
}

DAEMON_HANDLER(domain_list_all_snapshots)
{
    const vr_domain_list_all_snapshots_args *a = args;
    char **names = NULL;
    QemuDomainRef ref;
    int n;

    if (need_results_ok(a->need_results) < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    n = qemu_domain_snapshot_list(daemon_client_driver(sess), &ref, a->flags,
                                  a->need_results ? &names : NULL);
    return list_reply(sess, ret, &ref, n, names);
}

DAEMON_HANDLER(domain_snapshot_list_all_children)
{
    const vr_domain_snapshot_list_all_children_args *a = args;
    char **names = NULL;
    QemuDomainRef ref;
    int n;

    if (need_results_ok(a->need_results) < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->snapshot.dom);
    n = qemu_domain_snapshot_list_children(daemon_client_driver(sess), &ref,
                                           a->snapshot.name, a->flags,
                                           a->need_results ? &names : NULL);
    return list_reply(sess, ret, &ref, n, names);
}
