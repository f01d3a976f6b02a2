/* qemu_capabilities.h: what one QEMU binary can do, probed once through QMP
 * (query-version, query-machines, query-cpu-definitions, query-kvm,
 * qom-list-types, query-qmp-schema) and cached on disk keyed by the
 * binary's path and mtime (and our own version), so a daemon restart does
 * not probe again.  The daemon never waits for probing at start.
 *
 * CONTRACT (consumed by qemu_command.c, qemu_process.c, qemu_host.c and the
 * daemon's domcapabilities; keep stable).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct _QemuCaps QemuCaps;          /* immutable once built; refcounted */
typedef struct _QemuCapsCache QemuCapsCache;

typedef struct {
    char *name;          /* "pc-i440fx-7.2" */
    char *alias;         /* "pc" or NULL */
    bool is_default;
    unsigned int max_cpus;
} QemuCapsMachine;

/* @cache_dir: where cache files live (<state>/cache/qemu).  Never fails. */
QemuCapsCache *qemu_caps_cache_new(const char *cache_dir);
void qemu_caps_cache_free(QemuCapsCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuCapsCache, qemu_caps_cache_free)

/* Capabilities of @binary: from memory, else the disk cache when the
 * binary's mtime matches, else a probe (runs the binary with
 * -machine none -nodefaults -nographic and a QMP socket; takes ~100 ms).
 * Concurrent callers for one binary wait for one probe.  Returns a new
 * reference (qemu_caps_unref) or NULL with an error reported (missing or
 * non-executable binary, probe failure with QEMU's stderr). */
QemuCaps *qemu_caps_cache_get(QemuCapsCache *cache, const char *binary);

/* Serialize / load the cache file format (JSON); used by the cache and by
 * golden tests (the tests/data/qemu-caps JSON files are fixtures). */
char *qemu_caps_to_json(const QemuCaps *caps);
QemuCaps *qemu_caps_from_json(const char *json);   /* NULL + reported */

QemuCaps *qemu_caps_ref(QemuCaps *caps);
void qemu_caps_unref(QemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuCaps, qemu_caps_unref)

const char *qemu_caps_binary(const QemuCaps *caps);
/* major * 1000000 + minor * 1000 + micro */
unsigned long long qemu_caps_version(const QemuCaps *caps);
const char *qemu_caps_arch(const QemuCaps *caps);           /* "x86_64" */
bool qemu_caps_has_kvm(const QemuCaps *caps);              /* QEMU side */
bool qemu_caps_has_device(const QemuCaps *caps, const char *type);
bool qemu_caps_has_command(const QemuCaps *caps, const char *qmp_command);
size_t qemu_caps_n_machines(const QemuCaps *caps);
const QemuCapsMachine *qemu_caps_machine(const QemuCaps *caps, size_t i);
/* Resolve @name (a machine or an alias like "pc"/"q35") to the canonical
 * machine, or the default machine when @name is NULL.  NULL if unknown. */
const QemuCapsMachine *qemu_caps_find_machine(const QemuCaps *caps,
                                              const char *name);
size_t qemu_caps_n_cpu_models(const QemuCaps *caps);
const char *qemu_caps_cpu_model(const QemuCaps *caps, size_t i);

/* libvirt's <domainCapabilities> document for @virttype ("qemu"/"kvm") and
 * @machine (NULL: default).  Returns owned XML or NULL (reported). */
char *qemu_caps_format_domcaps(const QemuCaps *caps, const char *virttype,
                               const char *machine, bool kvm_usable);
