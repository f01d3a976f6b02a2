/* lib_object.h: the object kinds of libvireo (domain, network, storage
 * pool, storage volume) and the calls that are the same for every kind:
 * "call procedure P with an object reference (and flags)", "decode a
 * reference reply into a new handle of kind K", lookups, definitions,
 * XML, autostart, and list-all with the fallback of old daemons.
 *
 * A kind is a table (VrLibKind) beside the handle code of its file
 * (lib_domain.c, lib_network.c, lib_storage.c); the public functions of
 * those files check their arguments and flags, then call one helper here
 * with the kind and the procedure numbers.  The wire layouts these helpers
 * encode are the ones of FACTS.md section 8 (the reference first, then a
 * 32-bit value); tests/unit/lib_object_test.c checks them byte for byte
 * against the rpcgen filters of vireo_protocol.x. */
#pragma once

#include "lib/lib_internal.h"

/* Room for a wire reference of any kind. */
typedef union {
    vr_nonnull_domain dom;
    vr_nonnull_network net;
    vr_nonnull_storage_pool pool;
    vr_nonnull_storage_vol vol;
} VrLibWire;

/* The per-name fallback of a conn-level list-all (daemons without the
 * list-all procedure): NUM_OF / LIST pairs for active and inactive
 * objects, and the lookup by name.  Only the ACTIVE / INACTIVE filter
 * bits (1 << 1, 1 << 0 for networks and pools) can be honoured. */
typedef struct {
    int num_active_proc;
    int list_active_proc;
    int num_inactive_proc;
    int list_inactive_proc;
    int lookup_by_name_proc;
    unsigned int active_flag;
    unsigned int inactive_flag;
    const char *unsupported_msg;   /* for any other filter bit */
} VrLibListFallback;

typedef struct {
    const char *noun;          /* "network": in error messages */
    int invalid_code;          /* reported for a NULL or detached handle */
    int err_from;              /* the error domain of this kind */
    int no_such_code;          /* the daemon's "no such object" code */
    xdrproc_t wire_filter;     /* the nonnull reference */
    size_t wire_size;          /* sizeof the reference struct */
    u_int list_max;            /* the bound of reference arrays */
    const VrLibListFallback *fallback;  /* NULL: list-all only */
    /* A new handle from a wire reference (copies everything; refs conn). */
    void *(*new_handle)(VireoConn *conn, const void *wire);
    /* Fill @wire from @obj, borrowing its strings (do not xdr_free). */
    void (*to_wire)(const void *obj, void *wire);
    GDestroyNotify free_handle;
    /* A check of its own (reporting with @func); NULL: the generic
     * "invalid <noun> in <func>" of vr_lib_obj_check. */
    bool (*check)(const void *obj, const char *func);
} VrLibKind;

/* The connection of any handle: every handle struct starts with its
 * VireoConn reference (lib_internal.h), and a pointer to a struct points
 * to its first member. */
static inline VireoConn *
vr_lib_obj_conn(const void *obj)
{
    return *(VireoConn *const *) obj;
}

extern const VrLibKind vr_lib_kind_domain;
extern const VrLibKind vr_lib_kind_network;
extern const VrLibKind vr_lib_kind_pool;
extern const VrLibKind vr_lib_kind_vol;

/* Check a handle at API entry: the kind's own check, or "invalid <noun>
 * in <func>" with the kind's invalid_code and err_from.  Returns false
 * (reported) when @obj is NULL or has no connection. */
bool vr_lib_obj_check(const VrLibKind *kind, const void *obj,
                      const char *func);

/* Free a NULL-terminated handle array and its handles (NULL-safe). */
void vr_lib_obj_list_free(const VrLibKind *kind, void **list);

/* Copy the 16-byte UUID @src to @dst / format it into @buf.  Return 0, or
 * -1 (not reported) when @src is NULL (no handle) or @dst/@buf is NULL. */
int vr_lib_uuid_get(const unsigned char *src, unsigned char *dst);
int vr_lib_uuid_get_string(const unsigned char *src, char *buf);

/* Call @proc on @conn and wrap the reference it answers into a new handle
 * of @kind.  Returns the handle (caller owns) or NULL, reported. */
void *vr_lib_obj_call(VireoConn *conn, const VrLibKind *kind, int proc,
                      xdrproc_t args_filter, void *args);

/* Lookups answered by a reference: by @name, by the raw @uuid, by the
 * UUID string @uuidstr (VR_ERR_INVALID_ARG when it does not parse; then
 * @proc is the lookup by raw UUID).  Handle or NULL, reported. */
void *vr_lib_obj_lookup_name(VireoConn *conn, const VrLibKind *kind,
                             int proc, const char *name);
void *vr_lib_obj_lookup_uuid(VireoConn *conn, const VrLibKind *kind,
                             int proc, const unsigned char *uuid);
void *vr_lib_obj_lookup_uuid_string(VireoConn *conn, const VrLibKind *kind,
                                    int proc, const char *uuidstr);

/* DEFINE / CREATE from @xml: without flags the original procedure
 * @old_proc (args: the XML) when it is not 0, as every daemon knows it;
 * otherwise @new_proc (args: XML, flags).  Handle or NULL, reported. */
void *vr_lib_obj_define(VireoConn *conn, const VrLibKind *kind,
                        const char *xml, unsigned int flags,
                        int old_proc, int new_proc);

/* A call taking only @obj's reference; @ret_filter / @ret may be NULL.
 * Returns 0 (@ret decoded: xdr_free it) or -1, reported. */
int vr_lib_obj_simple(const VrLibKind *kind, const void *obj, int proc,
                      xdrproc_t ret_filter, void *ret);
/* The same with one 32-bit value after the reference (flags, or an
 * autostart / algorithm word). */
int vr_lib_obj_flags(const VrLibKind *kind, const void *obj, int proc,
                     unsigned int flags, xdrproc_t ret_filter, void *ret);

/* A query taking @obj and answered with one int: the value (>= 0 for
 * the is-/get- queries) or -1, reported. */
int vr_lib_obj_int(const VrLibKind *kind, const void *obj, int proc);

/* A call answered with one string: taking @obj only, or @obj and
 * @flags.  A new string (g_free) or NULL, reported. */
char *vr_lib_obj_string(const VrLibKind *kind, const void *obj, int proc);
char *vr_lib_obj_string_flags(const VrLibKind *kind, const void *obj,
                              int proc, unsigned int flags);

/* GET_AUTOSTART into *@autostart (0/1) / SET_AUTOSTART to 0/1.  Return 0
 * or -1, reported. */
int vr_lib_obj_get_autostart(const VrLibKind *kind, const void *obj,
                             int proc, int *autostart);
int vr_lib_obj_set_autostart(const VrLibKind *kind, const void *obj,
                             int proc, int autostart);

/* The count of handles in @out; when @objs is non-NULL the handles move
 * from @out (left empty) into a new NULL-terminated array in *@objs. */
int vr_lib_obj_array_take(GPtrArray *out, void ***objs);

/* Call @proc and decode a list-all reply ({references<>; ret}).  When
 * @objs is non-NULL it receives a new NULL-terminated handle array
 * (vr_lib_obj_list_free) and the count of handles is returned; otherwise
 * the daemon's count.  -1 on error, reported (and left for the caller to
 * inspect, e.g. VR_ERR_NO_SUPPORT). */
int vr_lib_obj_list_call(VireoConn *conn, const VrLibKind *kind, int proc,
                         xdrproc_t args_filter, void *args, void ***objs);

/* A conn-level list-all ({need_results, flags}) by @proc, falling back
 * to @kind's per-name procedures when the daemon does not know @proc.
 * Count, or -1 reported; @objs as for vr_lib_obj_list_call. */
int vr_lib_obj_list_all(VireoConn *conn, const VrLibKind *kind, int proc,
                        unsigned int flags, void ***objs);

/* The composite XDR filters the helpers use (exported for the unit
 * test): @data is a VrLibObjArgs (a reference of @kind, then @value), a
 * VrLibXmlArgs (XML, flags), or a VrLibObjList (a list-all reply:
 * references of @kind, then the count). */
typedef struct {
    const VrLibKind *kind;
    void *wire;
    u_int value;
} VrLibObjArgs;
typedef struct {
    char *xml;
    u_int flags;
} VrLibXmlArgs;
typedef struct {
    const VrLibKind *kind;
    char *val;                 /* len references of kind->wire_size */
    u_int len;
    u_int ret;
} VrLibObjList;
bool_t vr_lib_xdr_obj_args(XDR *xdrs, void *data);
bool_t vr_lib_xdr_xml_args(XDR *xdrs, void *data);
bool_t vr_lib_xdr_obj_list(XDR *xdrs, void *data);
