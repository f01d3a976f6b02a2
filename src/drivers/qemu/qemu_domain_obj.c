/* qemu_domain_obj.c: refcounted domain objects and the name/UUID index. */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_domain_obj.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

struct _VrDomainObjList {
    GRWLock lock;
    /* Keys are the object's own name and raw 16-byte UUID (both fixed for
     * its lifetime): no copies, and a UUID lookup formats nothing. */
    GHashTable *by_name;   /* obj->name -> VrDomainObj (one reference) */
    GHashTable *by_uuid;   /* obj->uuid -> VrDomainObj (borrowed) */
    /* All objects sorted by name (borrowed), built on first listing and
     * dropped by add/remove (writer lock), so listings do not sort. */
    GMutex sorted_lock;    /* serializes building it under the reader lock */
    GPtrArray *sorted;
};

VrDomainObj *
vr_domain_obj_new(VrDomainDef *def)
{
    VrDomainObj *obj = g_new0(VrDomainObj, 1);

    obj->refs = 1;
    g_mutex_init(&obj->lock);
    g_cond_init(&obj->job_cond);
    obj->name = g_strdup(def->name);
    memcpy(obj->uuid, def->uuid, sizeof(obj->uuid));
    obj->def = def;
    obj->state = VR_DOMAIN_SHUTOFF;
    obj->reason = VR_DOMAIN_SHUTOFF_UNKNOWN;
    obj->id = -1;
    return obj;
}

VrDomainObj *
vr_domain_obj_ref(VrDomainObj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
vr_domain_obj_unref(VrDomainObj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    if (obj->priv && obj->priv_free)
        obj->priv_free(obj->priv);
    vr_domain_def_free(obj->def);
    vr_domain_def_free(obj->new_def);
    g_free(obj->name);
    g_cond_clear(&obj->job_cond);
    g_mutex_clear(&obj->lock);
    g_free(obj);
}

void
vr_domain_obj_lock(VrDomainObj *obj)
{
    g_mutex_lock(&obj->lock);
}

void
vr_domain_obj_unlock(VrDomainObj *obj)
{
    g_mutex_unlock(&obj->lock);
}

bool
vr_domain_obj_is_active(const VrDomainObj *obj)
{
    return obj->id != -1;
}

/* Does @have satisfy a pair of mutually exclusive filter bits?  When
 * neither bit is set the filter does not apply. */
static bool
filter_pair(unsigned int flags, unsigned int yes, unsigned int no, bool have)
{
    if (!(flags & (yes | no)) || (flags & (yes | no)) == (yes | no))
        return true;
    return (flags & yes) ? have : !have;
}

static bool
filter_state(const VrDomainObj *obj, unsigned int flags)
{
    unsigned int mask = VR_LIST_DOMAINS_RUNNING | VR_LIST_DOMAINS_PAUSED |
                        VR_LIST_DOMAINS_SHUTOFF | VR_LIST_DOMAINS_OTHER;
    unsigned int bit;

    if (!(flags & mask))
        return true;
    switch (obj->state) {
    case VR_DOMAIN_RUNNING: bit = VR_LIST_DOMAINS_RUNNING; break;
    case VR_DOMAIN_PAUSED: bit = VR_LIST_DOMAINS_PAUSED; break;
    case VR_DOMAIN_SHUTOFF: bit = VR_LIST_DOMAINS_SHUTOFF; break;
    default: bit = VR_LIST_DOMAINS_OTHER; break;
    }
    return (flags & bit) != 0;
}

bool
vr_domain_obj_matches(const VrDomainObj *obj, unsigned int flags)
{
    /* Checkpoints do not exist yet. */
    return filter_pair(flags, VR_LIST_DOMAINS_ACTIVE,
                       VR_LIST_DOMAINS_INACTIVE,
                       vr_domain_obj_is_active(obj)) &&
           filter_pair(flags, VR_LIST_DOMAINS_PERSISTENT,
                       VR_LIST_DOMAINS_TRANSIENT, obj->persistent) &&
           filter_state(obj, flags) &&
           filter_pair(flags, VR_LIST_DOMAINS_MANAGEDSAVE,
                       VR_LIST_DOMAINS_NO_MANAGEDSAVE,
                       obj->has_managed_save) &&
           filter_pair(flags, VR_LIST_DOMAINS_AUTOSTART,
                       VR_LIST_DOMAINS_NO_AUTOSTART, obj->autostart) &&
           filter_pair(flags, VR_LIST_DOMAINS_HAS_SNAPSHOT,
                       VR_LIST_DOMAINS_NO_SNAPSHOT, obj->n_snapshots > 0) &&
           filter_pair(flags, VR_LIST_DOMAINS_HAS_CHECKPOINT,
                       VR_LIST_DOMAINS_NO_CHECKPOINT, false);
}

static guint
uuid_hash(gconstpointer key)
{
    const unsigned char *u = key;

    /* UUIDs are random enough in any 4 bytes; the last ones also differ
     * in generated series (time-based or counted). */
    return ((guint) u[12] << 24) | ((guint) u[13] << 16) |
           ((guint) u[14] << 8) | (guint) u[15];
}

static gboolean
uuid_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, VR_UUID_BUFLEN) == 0;
}

VrDomainObjList *
vr_domain_obj_list_new(void)
{
    VrDomainObjList *list = g_new0(VrDomainObjList, 1);

    g_rw_lock_init(&list->lock);
    g_mutex_init(&list->sorted_lock);
    list->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) vr_domain_obj_unref);
    list->by_uuid = g_hash_table_new(uuid_hash, uuid_equal);
    return list;
}

void
vr_domain_obj_list_free(VrDomainObjList *list)
{
    if (!list)
        return;
    g_clear_pointer(&list->sorted, g_ptr_array_unref);
    g_mutex_clear(&list->sorted_lock);
    g_hash_table_destroy(list->by_uuid);
    g_hash_table_destroy(list->by_name);
    g_rw_lock_clear(&list->lock);
    g_free(list);
}

static VrDomainObj *
find_in(VrDomainObjList *list, GHashTable *table, gconstpointer key)
{
    VrDomainObj *obj;

    g_rw_lock_reader_lock(&list->lock);
    obj = g_hash_table_lookup(table, key);
    if (obj)
        vr_domain_obj_ref(obj);
    g_rw_lock_reader_unlock(&list->lock);
    return obj;
}

VrDomainObj *
vr_domain_obj_list_find_by_name(VrDomainObjList *list, const char *name)
{
    return find_in(list, list->by_name, name);
}

VrDomainObj *
vr_domain_obj_list_find_by_uuid(VrDomainObjList *list,
                                const unsigned char *uuid)
{
    return find_in(list, list->by_uuid, uuid);
}

VrDomainObj *
vr_domain_obj_list_find_by_id(VrDomainObjList *list, int id)
{
    GHashTableIter iter;
    gpointer value;
    VrDomainObj *found = NULL;

    if (id < 0)
        return NULL;
    g_rw_lock_reader_lock(&list->lock);
    g_hash_table_iter_init(&iter, list->by_name);
    while (!found && g_hash_table_iter_next(&iter, NULL, &value)) {
        VrDomainObj *obj = value;

        vr_domain_obj_lock(obj);
        if (obj->id == id)
            found = vr_domain_obj_ref(obj);
        vr_domain_obj_unlock(obj);
    }
    g_rw_lock_reader_unlock(&list->lock);
    return found;
}

int
vr_domain_obj_list_add(VrDomainObjList *list, VrDomainObj *obj)
{
    char uuid[VR_UUID_STRING_BUFLEN];
    int ret = -1;

    vr_uuid_format(obj->uuid, uuid);
    g_rw_lock_writer_lock(&list->lock);
    if (g_hash_table_contains(list->by_name, obj->name)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "domain '%s' already exists", obj->name);
    } else if (g_hash_table_contains(list->by_uuid, obj->uuid)) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "a domain with uuid %s already exists", uuid);
    } else {
        g_hash_table_insert(list->by_name, obj->name, vr_domain_obj_ref(obj));
        g_hash_table_insert(list->by_uuid, obj->uuid, obj);
        g_clear_pointer(&list->sorted, g_ptr_array_unref);
        obj->removed = false;
        ret = 0;
    }
    g_rw_lock_writer_unlock(&list->lock);
    return ret;
}

void
vr_domain_obj_list_remove(VrDomainObjList *list, VrDomainObj *obj)
{
    g_rw_lock_writer_lock(&list->lock);
    obj->removed = true;
    if (g_hash_table_lookup(list->by_name, obj->name) == obj) {
        g_hash_table_remove(list->by_uuid, obj->uuid);
        g_clear_pointer(&list->sorted, g_ptr_array_unref);
        /* Last: this may drop the list's reference. */
        g_hash_table_remove(list->by_name, obj->name);
    }
    g_rw_lock_writer_unlock(&list->lock);
}

static gint
compare_by_name(gconstpointer a, gconstpointer b)
{
    const VrDomainObj *x = *(VrDomainObj *const *) a;
    const VrDomainObj *y = *(VrDomainObj *const *) b;

    return strcmp(x->name, y->name);
}

/* All objects sorted by name; the caller holds the reader lock, under
 * which the array stays as it is. */
static GPtrArray *
list_sorted(VrDomainObjList *list)
{
    GPtrArray *sorted;

    g_mutex_lock(&list->sorted_lock);
    if (!list->sorted) {
        GHashTableIter iter;
        gpointer value;

        list->sorted = g_ptr_array_sized_new(g_hash_table_size(list->by_name));
        g_hash_table_iter_init(&iter, list->by_name);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            g_ptr_array_add(list->sorted, value);
        g_ptr_array_sort(list->sorted, compare_by_name);
    }
    sorted = list->sorted;
    g_mutex_unlock(&list->sorted_lock);
    return sorted;
}

size_t
vr_domain_obj_list_count(VrDomainObjList *list, unsigned int flags)
{
    g_autoptr(GPtrArray) objs = vr_domain_obj_list_collect(list, flags);

    return objs ? objs->len : 0;
}

GPtrArray *
vr_domain_obj_list_collect(VrDomainObjList *list, unsigned int flags)
{
    g_autoptr(GPtrArray) objs = NULL;
    GPtrArray *all;

    if (VR_CHECK_FLAGS(flags, VR_LIST_DOMAINS_ALL) < 0)
        return NULL;
    g_rw_lock_reader_lock(&list->lock);
    all = list_sorted(list);
    objs = g_ptr_array_new_full(all->len,
                                (GDestroyNotify) vr_domain_obj_unref);
    for (guint i = 0; i < all->len; i++) {
        VrDomainObj *obj = all->pdata[i];
        bool match = true;

        if (flags != 0) {  /* no filter bit: every object matches */
            vr_domain_obj_lock(obj);
            match = vr_domain_obj_matches(obj, flags);
            vr_domain_obj_unlock(obj);
        }
        if (match)
            g_ptr_array_add(objs, vr_domain_obj_ref(obj));
    }
    g_rw_lock_reader_unlock(&list->lock);
    return g_steal_pointer(&objs);
}
