/* lib_snapshot.c: domain snapshots (FACTS.md section 8 "Snapshots"):
 * create, lookups, lists (274/275; 187 + 188 as virsh falls back when a
 * daemon does not know 274), XML, parent, current, revert, delete. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

struct _VireoSnapshot {
    VireoDomain *dom;    /* owned copy of the domain reference */
    char *name;
};

static VireoSnapshot *
snap_new(VireoConn *conn, const vr_nonnull_domain_snapshot *wire)
{
    VireoSnapshot *s = g_new0(VireoSnapshot, 1);

    s->dom = vr_lib_domain_new(conn, &wire->dom);
    s->name = g_strdup(wire->name);
    return s;
}

static void
snap_to_wire(const VireoSnapshot *s, vr_nonnull_domain_snapshot *wire)
{
    wire->name = s->name;
    vr_lib_domain_to_wire(s->dom, &wire->dom);
}

void
vireo_snapshot_free(VireoSnapshot *snap)
{
    if (!snap)
        return;
    vireo_domain_free(snap->dom);
    g_free(snap->name);
    g_free(snap);
}

static bool
check_snap(VireoSnapshot *snap, const char *func)
{
    vr_error_reset();
    if (!snap || !snap->name) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_DOMAIN_SNAPSHOT,
                        "invalid snapshot in %s", func);
        return false;
    }
    return vr_lib_check_domain(snap->dom, func);
}

#define CHECK_SNAP(snap, fail) \
    do { if (!check_snap((snap), __func__)) return fail; } while (0)

const char *
vireo_snapshot_get_name(const VireoSnapshot *snap)
{
    return snap ? snap->name : NULL;
}

VireoDomain *
vireo_snapshot_get_domain(const VireoSnapshot *snap)
{
    return snap ? snap->dom : NULL;
}

/* A call returning vr_domain_snapshot_ret -> a new snapshot or NULL. */
static VireoSnapshot *
snap_call(VireoConn *conn, int proc, xdrproc_t filter, void *args)
{
    vr_domain_snapshot_ret ret = { 0 };
    VireoSnapshot *s;

    if (vr_lib_call(conn, proc, filter, args,
                    (xdrproc_t) xdr_vr_domain_snapshot_ret, &ret) < 0)
        return NULL;
    s = snap_new(conn, &ret.snap);
    xdr_free((xdrproc_t) xdr_vr_domain_snapshot_ret, (char *) &ret);
    return s;
}

/* A call on @snap with flags returning an int (-1 on failure). */
static int
snap_int_call(VireoSnapshot *snap, int proc, unsigned int flags)
{
    vr_domain_snapshot_flags_args args = { .flags = flags };
    vr_int_ret ret = { 0 };

    snap_to_wire(snap, &args.snap);
    if (vr_lib_call(snap->dom->conn, proc,
                    (xdrproc_t) xdr_vr_domain_snapshot_flags_args, &args,
                    (xdrproc_t) xdr_vr_int_ret, &ret) < 0)
        return -1;
    return ret.value;
}

static int
snap_void_call(VireoSnapshot *snap, int proc, unsigned int flags)
{
    vr_domain_snapshot_flags_args args = { .flags = flags };

    snap_to_wire(snap, &args.snap);
    return vr_lib_call(snap->dom->conn, proc,
                       (xdrproc_t) xdr_vr_domain_snapshot_flags_args, &args,
                       NULL, NULL);
}

VireoSnapshot *
vireo_snapshot_create(VireoDomain *dom, const char *xml, unsigned int flags)
{
    vr_domain_snapshot_create_xml_args args = {
        .xml_desc = (char *) xml, .flags = flags,
    };

    VR_LIB_CHECK_DOMAIN(dom, NULL);
    VR_LIB_CHECK_ARG(xml, NULL);
    vr_lib_domain_to_wire(dom, &args.dom);
    return snap_call(dom->conn, VR_PROC_DOMAIN_SNAPSHOT_CREATE_XML,
                     (xdrproc_t) xdr_vr_domain_snapshot_create_xml_args,
                     &args);
}

VireoSnapshot *
vireo_snapshot_lookup(VireoDomain *dom, const char *name)
{
    vr_domain_snapshot_lookup_by_name_args args = { .name = (char *) name };

    VR_LIB_CHECK_DOMAIN(dom, NULL);
    VR_LIB_CHECK_ARG(name, NULL);
    vr_lib_domain_to_wire(dom, &args.dom);
    return snap_call(dom->conn, VR_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME,
                     (xdrproc_t) xdr_vr_domain_snapshot_lookup_by_name_args,
                     &args);
}

VireoSnapshot *
vireo_snapshot_current(VireoDomain *dom)
{
    vr_domain_flags_args args = { .flags = 0 };

    VR_LIB_CHECK_DOMAIN(dom, NULL);
    vr_lib_domain_to_wire(dom, &args.dom);
    return snap_call(dom->conn, VR_PROC_DOMAIN_SNAPSHOT_CURRENT,
                     (xdrproc_t) xdr_vr_domain_flags_args, &args);
}

int
vireo_domain_has_current_snapshot(VireoDomain *dom)
{
    vr_domain_flags_args args = { .flags = 0 };
    vr_int_ret ret = { 0 };

    VR_LIB_CHECK_DOMAIN(dom, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT,
                    (xdrproc_t) xdr_vr_domain_flags_args, &args,
                    (xdrproc_t) xdr_vr_int_ret, &ret) < 0)
        return -1;
    return ret.value;
}

/* Wire list -> *snaps (when wanted).  Returns the count. */
static int
list_out(VireoConn *conn, vr_domain_list_all_snapshots_ret *ret,
         VireoSnapshot ***snaps)
{
    int n = ret->ret;

    if (snaps) {
        *snaps = g_new0(VireoSnapshot *, ret->snapshots.snapshots_len + 1);
        for (u_int i = 0; i < ret->snapshots.snapshots_len; i++)
            (*snaps)[i] = snap_new(conn, &ret->snapshots.snapshots_val[i]);
    }
    xdr_free((xdrproc_t) xdr_vr_domain_list_all_snapshots_ret,
             (char *) ret);
    return n;
}

/* The fallback for daemons without 274: 187 NUM, then 188 LIST_NAMES,
 * each name becoming a snapshot of @dom. */
static int
list_names(VireoDomain *dom, unsigned int flags, VireoSnapshot ***snaps)
{
    vr_domain_flags_args nargs = { .flags = flags };
    vr_domain_snapshot_list_names_args largs = { .flags = flags };
    vr_domain_snapshot_list_names_ret lret = { 0 };
    vr_int_ret num = { 0 };

    vr_error_reset();
    vr_lib_domain_to_wire(dom, &nargs.dom);
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_SNAPSHOT_NUM,
                    (xdrproc_t) xdr_vr_domain_flags_args, &nargs,
                    (xdrproc_t) xdr_vr_int_ret, &num) < 0)
        return -1;
    if (!snaps || num.value == 0) {
        if (snaps)
            *snaps = g_new0(VireoSnapshot *, 1);
        return num.value;
    }
    largs.dom = nargs.dom;
    largs.maxnames = MIN(num.value, VR_DOMAIN_SNAPSHOT_LIST_MAX);
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_SNAPSHOT_LIST_NAMES,
                    (xdrproc_t) xdr_vr_domain_snapshot_list_names_args,
                    &largs, (xdrproc_t) xdr_vr_domain_snapshot_list_names_ret,
                    &lret) < 0)
        return -1;
    *snaps = g_new0(VireoSnapshot *, lret.names.names_len + 1);
    for (u_int i = 0; i < lret.names.names_len; i++) {
        VireoSnapshot *sn = g_new0(VireoSnapshot, 1);

        sn->dom = vr_lib_domain_new(dom->conn, &nargs.dom);
        sn->name = g_strdup(lret.names.names_val[i]);
        (*snaps)[i] = sn;
    }
    num.value = (int) lret.names.names_len;
    xdr_free((xdrproc_t) xdr_vr_domain_snapshot_list_names_ret,
             (char *) &lret);
    return num.value;
}

int
vireo_snapshot_list(VireoDomain *dom, unsigned int flags,
                    VireoSnapshot ***snaps)
{
    vr_domain_list_all_snapshots_args args = {
        .need_results = snaps != NULL, .flags = flags,
    };
    vr_domain_list_all_snapshots_ret ret = { 0 };

    VR_LIB_CHECK_DOMAIN(dom, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_LIST_ALL_SNAPSHOTS,
                    (xdrproc_t) xdr_vr_domain_list_all_snapshots_args, &args,
                    (xdrproc_t) xdr_vr_domain_list_all_snapshots_ret,
                    &ret) < 0) {
        /* an older daemon: the name list, as virsh falls back (fb-13) */
        if (vr_error_code() != VR_ERR_RPC &&
            vr_error_code() != VR_ERR_NO_SUPPORT)
            return -1;
        return list_names(dom, flags, snaps);
    }
    return list_out(dom->conn, &ret, snaps);
}

int
vireo_snapshot_list_children(VireoSnapshot *snap, unsigned int flags,
                             VireoSnapshot ***snaps)
{
    vr_domain_snapshot_list_all_children_args args = {
        .need_results = snaps != NULL, .flags = flags,
    };
    vr_domain_list_all_snapshots_ret ret = { 0 };

    CHECK_SNAP(snap, -1);
    snap_to_wire(snap, &args.snapshot);
    if (vr_lib_call(snap->dom->conn, VR_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN,
                    (xdrproc_t) xdr_vr_domain_snapshot_list_all_children_args,
                    &args,
                    (xdrproc_t) xdr_vr_domain_list_all_snapshots_ret,
                    &ret) < 0)
        return -1;
    return list_out(snap->dom->conn, &ret, snaps);
}

int
vireo_snapshot_num_children(VireoSnapshot *snap, unsigned int flags)
{
    CHECK_SNAP(snap, -1);
    return snap_int_call(snap, VR_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN, flags);
}

char *
vireo_snapshot_get_xml(VireoSnapshot *snap, unsigned int flags)
{
    vr_domain_snapshot_flags_args args = { .flags = flags };
    vr_domain_snapshot_get_xml_desc_ret ret = { 0 };
    char *xml;

    CHECK_SNAP(snap, NULL);
    snap_to_wire(snap, &args.snap);
    if (vr_lib_call(snap->dom->conn, VR_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC,
                    (xdrproc_t) xdr_vr_domain_snapshot_flags_args, &args,
                    (xdrproc_t) xdr_vr_domain_snapshot_get_xml_desc_ret,
                    &ret) < 0)
        return NULL;
    xml = strdup(ret.xml);
    xdr_free((xdrproc_t) xdr_vr_domain_snapshot_get_xml_desc_ret,
             (char *) &ret);
    return xml;
}

VireoSnapshot *
vireo_snapshot_get_parent(VireoSnapshot *snap)
{
    vr_domain_snapshot_flags_args args = { .flags = 0 };

    CHECK_SNAP(snap, NULL);
    snap_to_wire(snap, &args.snap);
    return snap_call(snap->dom->conn, VR_PROC_DOMAIN_SNAPSHOT_GET_PARENT,
                     (xdrproc_t) xdr_vr_domain_snapshot_flags_args, &args);
}

int
vireo_snapshot_is_current(VireoSnapshot *snap)
{
    CHECK_SNAP(snap, -1);
    return snap_int_call(snap, VR_PROC_DOMAIN_SNAPSHOT_IS_CURRENT, 0);
}

int
vireo_snapshot_has_metadata(VireoSnapshot *snap)
{
    CHECK_SNAP(snap, -1);
    return snap_int_call(snap, VR_PROC_DOMAIN_SNAPSHOT_HAS_METADATA, 0);
}

int
vireo_snapshot_revert(VireoSnapshot *snap, unsigned int flags)
{
    CHECK_SNAP(snap, -1);
    return snap_void_call(snap, VR_PROC_DOMAIN_REVERT_TO_SNAPSHOT, flags);
}

int
vireo_snapshot_delete(VireoSnapshot *snap, unsigned int flags)
{
    CHECK_SNAP(snap, -1);
    return snap_void_call(snap, VR_PROC_DOMAIN_SNAPSHOT_DELETE, flags);
}
