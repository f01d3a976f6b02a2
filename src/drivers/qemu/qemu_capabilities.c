/* qemu_capabilities.c: the QemuCaps data: accessors, machine alias
 * resolution, the JSON form used by the on-disk cache and the test
 * fixtures, and libvirt's <domainCapabilities> document.  Probing and
 * caching live in qemu_capabilities_probe.c.
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_capabilities_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

void
qemu_caps_machine_free(QemuCapsMachine *m)
{
    if (!m)
        return;
    g_free(m->name);
    g_free(m->alias);
    g_free(m);
}

QemuCaps *
qemu_caps_new_empty(void)
{
    QemuCaps *caps = g_new0(QemuCaps, 1);

    caps->refs = 1;
    caps->machines =
        g_ptr_array_new_with_free_func((GDestroyNotify) qemu_caps_machine_free);
    caps->cpu_models = g_ptr_array_new_with_free_func(g_free);
    caps->devices = g_ptr_array_new_with_free_func(g_free);
    caps->commands = g_ptr_array_new_with_free_func(g_free);
    caps->device_set = g_hash_table_new(g_str_hash, g_str_equal);
    caps->command_set = g_hash_table_new(g_str_hash, g_str_equal);
    return caps;
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void
fill_set(GHashTable *set, GPtrArray *names)
{
    g_hash_table_remove_all(set);
    for (guint i = 0; i < names->len; i++)
        g_hash_table_add(set, g_ptr_array_index(names, i));
}

void
qemu_caps_finish(QemuCaps *caps)
{
    g_ptr_array_sort(caps->cpu_models, str_cmp);
    g_ptr_array_sort(caps->devices, str_cmp);
    g_ptr_array_sort(caps->commands, str_cmp);
    fill_set(caps->device_set, caps->devices);
    fill_set(caps->command_set, caps->commands);
}

QemuCaps *
qemu_caps_ref(QemuCaps *caps)
{
    g_atomic_int_inc(&caps->refs);
    return caps;
}

void
qemu_caps_unref(QemuCaps *caps)
{
    if (!caps || !g_atomic_int_dec_and_test(&caps->refs))
        return;
    g_free(caps->binary);
    g_free(caps->vireo_version);
    g_free(caps->package);
    g_free(caps->arch);
    g_ptr_array_unref(caps->machines);
    g_ptr_array_unref(caps->cpu_models);
    g_ptr_array_unref(caps->devices);
    g_ptr_array_unref(caps->commands);
    g_hash_table_unref(caps->device_set);
    g_hash_table_unref(caps->command_set);
    g_free(caps);
}

const char *
qemu_caps_binary(const QemuCaps *caps)
{
    return caps->binary;
}

unsigned long long
qemu_caps_version(const QemuCaps *caps)
{
    return caps->version;
}

const char *
qemu_caps_arch(const QemuCaps *caps)
{
    return caps->arch;
}

bool
qemu_caps_has_kvm(const QemuCaps *caps)
{
    return caps->kvm;
}

bool
qemu_caps_has_device(const QemuCaps *caps, const char *type)
{
    return type && g_hash_table_contains(caps->device_set, type);
}

bool
qemu_caps_has_command(const QemuCaps *caps, const char *qmp_command)
{
    return qmp_command && g_hash_table_contains(caps->command_set,
                                                qmp_command);
}

size_t
qemu_caps_n_machines(const QemuCaps *caps)
{
    return caps->machines->len;
}

const QemuCapsMachine *
qemu_caps_machine(const QemuCaps *caps, size_t i)
{
    return i < caps->machines->len ? g_ptr_array_index(caps->machines, i)
                                   : NULL;
}

const QemuCapsMachine *
qemu_caps_find_machine(const QemuCaps *caps, const char *name)
{
    for (guint i = 0; i < caps->machines->len; i++) {
        const QemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        if (name ? (g_str_equal(m->name, name) ||
                    g_strcmp0(m->alias, name) == 0)
                 : m->is_default)
            return m;
    }
    return NULL;
}

size_t
qemu_caps_n_cpu_models(const QemuCaps *caps)
{
    return caps->cpu_models->len;
}

const char *
qemu_caps_cpu_model(const QemuCaps *caps, size_t i)
{
    return i < caps->cpu_models->len ? g_ptr_array_index(caps->cpu_models, i)
                                     : NULL;
}

/* ---- JSON form ---------------------------------------------------- */

static VrJson *
names_to_json(const GPtrArray *names)
{
    VrJson *arr = vr_json_new_array();

    for (guint i = 0; i < names->len; i++)
        vr_json_array_append(arr,
                             vr_json_new_string(g_ptr_array_index(names, i)));
    return arr;
}

static VrJson *
machines_to_json(const GPtrArray *machines)
{
    VrJson *arr = vr_json_new_array();

    for (guint i = 0; i < machines->len; i++) {
        const QemuCapsMachine *m = g_ptr_array_index(machines, i);
        VrJson *obj = vr_json_new_object();

        vr_json_object_set_string(obj, "name", m->name);
        if (m->alias)
            vr_json_object_set_string(obj, "alias", m->alias);
        vr_json_object_set_bool(obj, "is-default", m->is_default);
        vr_json_object_set_uint(obj, "cpu-max", m->max_cpus);
        vr_json_array_append(arr, obj);
    }
    return arr;
}

char *
qemu_caps_to_json(const QemuCaps *caps)
{
    g_autoptr(VrJson) obj = vr_json_new_object();
    g_autofree char *text = NULL;

    vr_json_object_set_string(obj, "binary", caps->binary);
    vr_json_object_set_int(obj, "mtime", caps->mtime);
    vr_json_object_set_int(obj, "ctime", caps->ctime);
    vr_json_object_set_string(obj, "vireo-version",
                              caps->vireo_version ? caps->vireo_version : "");
    vr_json_object_set_uint(obj, "version", caps->version);
    vr_json_object_set_string(obj, "package",
                              caps->package ? caps->package : "");
    vr_json_object_set_string(obj, "arch", caps->arch);
    vr_json_object_set_bool(obj, "kvm", caps->kvm);
    vr_json_object_set(obj, "machines", machines_to_json(caps->machines));
    vr_json_object_set(obj, "cpu-models", names_to_json(caps->cpu_models));
    vr_json_object_set(obj, "devices", names_to_json(caps->devices));
    vr_json_object_set(obj, "commands", names_to_json(caps->commands));
    text = vr_json_format(obj, true);
    return g_strconcat(text, "\n", NULL);
}

static int
names_from_json(const VrJson *arr, const char *key, GPtrArray *out)
{
    if (vr_json_type(arr) != VR_JSON_ARRAY) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "QEMU capabilities: '%s' is not an array", key);
        return -1;
    }
    for (size_t i = 0; i < vr_json_array_size(arr); i++) {
        const char *s = vr_json_get_string(vr_json_array_get(arr, i));

        if (!s) {
            vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                            "QEMU capabilities: '%s' holds a non-string", key);
            return -1;
        }
        g_ptr_array_add(out, g_strdup(s));
    }
    return 0;
}

static int
machines_from_json(const VrJson *arr, GPtrArray *out)
{
    if (vr_json_type(arr) != VR_JSON_ARRAY) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "QEMU capabilities: 'machines' is not an array");
        return -1;
    }
    for (size_t i = 0; i < vr_json_array_size(arr); i++) {
        const VrJson *obj = vr_json_array_get(arr, i);
        const char *name = vr_json_object_get_string(obj, "name");
        unsigned long long max = 0;
        QemuCapsMachine *m;

        if (!name) {
            vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                            "QEMU capabilities: machine without a name");
            return -1;
        }
        m = g_new0(QemuCapsMachine, 1);
        m->name = g_strdup(name);
        m->alias = g_strdup(vr_json_object_get_string(obj, "alias"));
        vr_json_object_get_bool(obj, "is-default", &m->is_default);
        vr_json_object_get_uint(obj, "cpu-max", &max);
        m->max_cpus = (unsigned int) max;
        g_ptr_array_add(out, m);
    }
    return 0;
}

static int
scalars_from_json(QemuCaps *caps, const VrJson *obj)
{
    const char *binary = vr_json_object_get_string(obj, "binary");
    const char *arch = vr_json_object_get_string(obj, "arch");
    long long mtime = 0, ctime = 0;

    if (!binary || !arch ||
        vr_json_object_get_uint(obj, "version", &caps->version) < 0) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "QEMU capabilities: 'binary', 'arch' or 'version' "
                        "missing");
        return -1;
    }
    caps->binary = g_strdup(binary);
    caps->arch = g_strdup(arch);
    vr_json_object_get_int(obj, "mtime", &mtime);
    vr_json_object_get_int(obj, "ctime", &ctime);
    caps->mtime = mtime;
    caps->ctime = ctime;
    caps->vireo_version =
        g_strdup(vr_json_object_get_string(obj, "vireo-version"));
    caps->package = g_strdup(vr_json_object_get_string(obj, "package"));
    vr_json_object_get_bool(obj, "kvm", &caps->kvm);
    return 0;
}

QemuCaps *
qemu_caps_from_json(const char *json)
{
    g_autoptr(VrJson) obj = vr_json_parse(json, strlen(json));
    g_autoptr(QemuCaps) caps = NULL;

    if (!obj)
        return NULL;
    if (vr_json_type(obj) != VR_JSON_OBJECT) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "QEMU capabilities: not a JSON object");
        return NULL;
    }
    caps = qemu_caps_new_empty();
    if (scalars_from_json(caps, obj) < 0 ||
        machines_from_json(vr_json_object_get(obj, "machines"),
                           caps->machines) < 0 ||
        names_from_json(vr_json_object_get(obj, "cpu-models"), "cpu-models",
                        caps->cpu_models) < 0 ||
        names_from_json(vr_json_object_get(obj, "devices"), "devices",
                        caps->devices) < 0 ||
        names_from_json(vr_json_object_get(obj, "commands"), "commands",
                        caps->commands) < 0)
        return NULL;
    qemu_caps_finish(caps);
    return g_steal_pointer(&caps);
}
