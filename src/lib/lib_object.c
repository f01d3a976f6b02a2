/* lib_object.c: the calls every object kind shares (see lib_object.h):
 * reference in, reference out, lookups, definitions, XML, autostart and
 * list-all with the per-name fallback.  The kinds themselves (how to
 * build a handle from a wire reference and back) are in the files of
 * their handles. */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "lib/lib_object.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

bool_t
vr_lib_xdr_obj_args(XDR *xdrs, void *data)
{
    VrLibObjArgs *args = data;

    return args->kind->wire_filter(xdrs, args->wire, 0) &&
           xdr_u_int(xdrs, &args->value);
}

bool_t
vr_lib_xdr_xml_args(XDR *xdrs, void *data)
{
    VrLibXmlArgs *args = data;

    return xdr_vr_nonnull_string(xdrs, &args->xml) &&
           xdr_u_int(xdrs, &args->flags);
}

bool_t
vr_lib_xdr_obj_list(XDR *xdrs, void *data)
{
    VrLibObjList *list = data;

    return xdr_array(xdrs, &list->val, &list->len, list->kind->list_max,
                     list->kind->wire_size, list->kind->wire_filter) &&
           xdr_u_int(xdrs, &list->ret);
}

/* The names answer of a fallback LIST call: vr_nonnull_string names<>. */
typedef struct {
    u_int len;
    char **val;
    u_int max;
} ObjNames;

static bool_t
xdr_obj_names(XDR *xdrs, void *data)
{
    ObjNames *names = data;

    return xdr_array(xdrs, (char **) &names->val, &names->len, names->max,
                     sizeof(char *), (xdrproc_t) xdr_vr_nonnull_string);
}

G_STATIC_ASSERT(offsetof(VireoDomain, conn) == 0);
G_STATIC_ASSERT(offsetof(VireoNetwork, conn) == 0);
G_STATIC_ASSERT(offsetof(VireoStoragePool, conn) == 0);
G_STATIC_ASSERT(offsetof(VireoStorageVol, conn) == 0);

bool
vr_lib_obj_check(const VrLibKind *kind, const void *obj, const char *func)
{
    if (kind->check)
        return kind->check(obj, func);
    if (obj && vr_lib_obj_conn(obj))
        return true;
    vr_error_report(kind->invalid_code, kind->err_from, "invalid %s in %s",
                    kind->noun, func);
    return false;
}

void
vr_lib_obj_list_free(const VrLibKind *kind, void **list)
{
    if (!list)
        return;
    for (void **o = list; *o; o++)
        kind->free_handle(*o);
    g_free(list);
}

int
vr_lib_uuid_get(const unsigned char *src, unsigned char *dst)
{
    if (!src || !dst)
        return -1;
    memcpy(dst, src, VIREO_UUID_BUFLEN);
    return 0;
}

int
vr_lib_uuid_get_string(const unsigned char *src, char *buf)
{
    if (!src || !buf)
        return -1;
    vr_uuid_format(src, buf);
    return 0;
}

void *
vr_lib_obj_call(VireoConn *conn, const VrLibKind *kind, int proc,
                xdrproc_t args_filter, void *args)
{
    VrLibWire ret;
    void *obj;

    memset(&ret, 0, sizeof(ret));
    if (vr_lib_call(conn, proc, args_filter, args, kind->wire_filter,
                    &ret) < 0)
        return NULL;
    obj = kind->new_handle(conn, &ret);
    xdr_free(kind->wire_filter, (char *) &ret);
    return obj;
}

void *
vr_lib_obj_lookup_name(VireoConn *conn, const VrLibKind *kind, int proc,
                       const char *name)
{
    char *arg = (char *) name;

    return vr_lib_obj_call(conn, kind, proc,
                           (xdrproc_t) xdr_vr_nonnull_string, &arg);
}

void *
vr_lib_obj_lookup_uuid(VireoConn *conn, const VrLibKind *kind, int proc,
                       const unsigned char *uuid)
{
    vr_uuid arg;

    memcpy(arg, uuid, VIREO_UUID_BUFLEN);
    return vr_lib_obj_call(conn, kind, proc, (xdrproc_t) xdr_vr_uuid, arg);
}

void *
vr_lib_obj_lookup_uuid_string(VireoConn *conn, const VrLibKind *kind,
                              int proc, const char *uuidstr)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    if (vr_uuid_parse(uuidstr, uuid) < 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "'%s' is not a valid UUID", uuidstr);
        return NULL;
    }
    return vr_lib_obj_lookup_uuid(conn, kind, proc, uuid);
}

void *
vr_lib_obj_define(VireoConn *conn, const VrLibKind *kind, const char *xml,
                  unsigned int flags, int old_proc, int new_proc)
{
    VrLibXmlArgs args = { .xml = (char *) xml, .flags = flags };

    if (!flags && old_proc)
        return vr_lib_obj_call(conn, kind, old_proc,
                               (xdrproc_t) xdr_vr_nonnull_string, &args.xml);
    return vr_lib_obj_call(conn, kind, new_proc,
                           (xdrproc_t) vr_lib_xdr_xml_args, &args);
}

int
vr_lib_obj_simple(const VrLibKind *kind, const void *obj, int proc,
                  xdrproc_t ret_filter, void *ret)
{
    VrLibWire wire;

    kind->to_wire(obj, &wire);
    return vr_lib_call(vr_lib_obj_conn(obj), proc, kind->wire_filter, &wire,
                       ret_filter, ret);
}

int
vr_lib_obj_flags(const VrLibKind *kind, const void *obj, int proc,
                 unsigned int flags, xdrproc_t ret_filter, void *ret)
{
    VrLibWire wire;
    VrLibObjArgs args = { .kind = kind, .wire = &wire, .value = flags };

    kind->to_wire(obj, &wire);
    return vr_lib_call(vr_lib_obj_conn(obj), proc,
                       (xdrproc_t) vr_lib_xdr_obj_args, &args, ret_filter,
                       ret);
}

int
vr_lib_obj_int(const VrLibKind *kind, const void *obj, int proc)
{
    vr_int_ret ret = { 0 };

    if (vr_lib_obj_simple(kind, obj, proc, (xdrproc_t) xdr_vr_int_ret,
                          &ret) < 0)
        return -1;
    return ret.value;
}

/* Take the decoded string @str: a copy the caller g_frees. */
static char *
string_take(char *str)
{
    char *res = g_strdup(str);

    xdr_free((xdrproc_t) xdr_vr_nonnull_string, (char *) &str);
    return res;
}

char *
vr_lib_obj_string(const VrLibKind *kind, const void *obj, int proc)
{
    char *str = NULL;

    if (vr_lib_obj_simple(kind, obj, proc, (xdrproc_t) xdr_vr_nonnull_string,
                          &str) < 0)
        return NULL;
    return string_take(str);
}

char *
vr_lib_obj_string_flags(const VrLibKind *kind, const void *obj, int proc,
                        unsigned int flags)
{
    char *str = NULL;

    if (vr_lib_obj_flags(kind, obj, proc, flags,
                         (xdrproc_t) xdr_vr_nonnull_string, &str) < 0)
        return NULL;
    return string_take(str);
}

int
vr_lib_obj_get_autostart(const VrLibKind *kind, const void *obj, int proc,
                         int *autostart)
{
    int val;

    if ((val = vr_lib_obj_int(kind, obj, proc)) < 0)
        return -1;
    *autostart = val ? 1 : 0;
    return 0;
}

int
vr_lib_obj_set_autostart(const VrLibKind *kind, const void *obj, int proc,
                         int autostart)
{
    return vr_lib_obj_flags(kind, obj, proc, autostart ? 1 : 0, NULL, NULL);
}

int
vr_lib_obj_array_take(GPtrArray *out, void ***objs)
{
    int n = (int) out->len;

    if (objs) {
        g_ptr_array_add(out, NULL);
        *objs = (void **) g_ptr_array_steal(out, NULL);
    }
    return n;
}

int
vr_lib_obj_list_call(VireoConn *conn, const VrLibKind *kind, int proc,
                     xdrproc_t args_filter, void *args, void ***objs)
{
    VrLibObjList ret = { .kind = kind };
    int count;

    if (vr_lib_call(conn, proc, args_filter, args,
                    (xdrproc_t) vr_lib_xdr_obj_list, &ret) < 0)
        return -1;
    count = objs ? (int) ret.len : (int) ret.ret;
    if (objs) {
        *objs = g_new0(void *, ret.len + 1);
        for (u_int i = 0; i < ret.len; i++)
            (*objs)[i] = kind->new_handle(conn,
                                          ret.val + i * kind->wire_size);
    }
    xdr_free((xdrproc_t) vr_lib_xdr_obj_list, (char *) &ret);
    return count;
}

/* Append to @out the objects named by NUM_OF (@num_proc) and LIST
 * (@list_proc); one that went away meanwhile is skipped.  0 or -1,
 * reported. */
static int
list_by_names(VireoConn *conn, const VrLibKind *kind, int num_proc,
              int list_proc, GPtrArray *out)
{
    vr_int_ret num = { 0 };
    ObjNames names = { .max = kind->list_max };
    int rc = 0;

    if (vr_lib_call(conn, num_proc, NULL, NULL, (xdrproc_t) xdr_vr_int_ret,
                    &num) < 0)
        return -1;
    if (num.value <= 0)
        return 0;
    if (vr_lib_call(conn, list_proc, (xdrproc_t) xdr_int, &num.value,
                    (xdrproc_t) xdr_obj_names, &names) < 0)
        return -1;
    for (u_int i = 0; i < names.len && rc == 0; i++) {
        void *obj = vr_lib_obj_lookup_name(
            conn, kind, kind->fallback->lookup_by_name_proc, names.val[i]);

        if (obj)
            g_ptr_array_add(out, obj);
        else if ((int) vr_error_code() == kind->no_such_code)
            vr_error_reset();        /* gone meanwhile */
        else
            rc = -1;
    }
    xdr_free((xdrproc_t) xdr_obj_names, (char *) &names);
    return rc;
}

/* virsh's fallback for daemons without list-all (FACTS.md section 9). */
static int
list_fallback(VireoConn *conn, const VrLibKind *kind, unsigned int flags,
              void ***objs)
{
    const VrLibListFallback *fb = kind->fallback;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(
        (GDestroyNotify) kind->free_handle);
    unsigned int state = flags & (fb->active_flag | fb->inactive_flag);

    if (flags & ~(fb->active_flag | fb->inactive_flag)) {
        vr_error_report(VR_ERR_NO_SUPPORT, kind->err_from, "%s",
                        fb->unsupported_msg);
        return -1;
    }
    if (((!state || (state & fb->active_flag)) &&
         list_by_names(conn, kind, fb->num_active_proc,
                       fb->list_active_proc, out) < 0) ||
        ((!state || (state & fb->inactive_flag)) &&
         list_by_names(conn, kind, fb->num_inactive_proc,
                       fb->list_inactive_proc, out) < 0))
        return -1;
    return vr_lib_obj_array_take(out, objs);
}

int
vr_lib_obj_list_all(VireoConn *conn, const VrLibKind *kind, int proc,
                    unsigned int flags, void ***objs)
{
    /* vr_connect_list_all_*_args: the same two words for every kind. */
    vr_connect_list_all_domains_args args = {
        .need_results = objs ? 1 : 0, .flags = flags
    };
    int count;

    count = vr_lib_obj_list_call(
        conn, kind, proc, (xdrproc_t) xdr_vr_connect_list_all_domains_args,
        &args, objs);
    if (count >= 0 || !kind->fallback ||
        vr_error_code() != VR_ERR_NO_SUPPORT)
        return count;
    vr_error_reset();
    return list_fallback(conn, kind, flags, objs);
}
