/* qemu_host.h: what the host offers: capabilities XML, node information,
 * hostname, free memory, vCPU limits and the QEMU version.
 *
 * Nothing is probed when the object is created: the capabilities document
 * and the QEMU version are computed on first use and cached, so a daemon
 * starts without touching the emulator.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/vr_paths.h"

#define QEMU_HOST_EMULATOR "/usr/bin/qemu-system-x86_64"

typedef struct _QemuHost QemuHost;

typedef struct {
    char model[32];                   /* "x86_64", NUL-terminated */
    unsigned long long memory_kib;
    int cpus;
    int mhz;
    int nodes;
    int sockets;                      /* per node */
    int cores;                        /* per socket */
    int threads;                      /* per core */
} QemuNodeInfo;

/* A new host object for a daemon using @paths (the host UUID of a
 * relocated daemon is kept in <state>/host-uuid; otherwise it comes from
 * /etc/machine-id).  @emulator NULL means QEMU_HOST_EMULATOR.  Never
 * fails; free with qemu_host_free. */
QemuHost *qemu_host_new(const VrPaths *paths, const char *emulator);
void qemu_host_free(QemuHost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuHost, qemu_host_free)

typedef struct _QemuCapsCache QemuCapsCache;

/* Take the guest machine list of the capabilities document from @cache
 * (borrowed; it must outlive @host), probing the emulator lazily on the
 * first capabilities request - never here.  That request must come from
 * a worker thread while the main loop runs (the probe talks QMP). */
void qemu_host_set_caps_cache(QemuHost *host, QemuCapsCache *cache);

/* libvirt's <capabilities> document, built on first call and cached.
 * Returns an owned copy, or NULL with an error reported. */
char *qemu_host_get_capabilities(QemuHost *host);

/* Node information from /proc and sysfs.  Returns 0, or -1 reported. */
int qemu_host_get_node_info(QemuNodeInfo *info);

/* The host name.  Owned string, or NULL with an error reported. */
char *qemu_host_get_hostname(void);

/* Free memory in bytes (MemFree).  Returns 0, or -1 reported. */
int qemu_host_get_free_memory(unsigned long long *bytes);

/* Maximum vCPUs for virtualization @type ("qemu", "kvm", NULL = qemu).
 * Returns the count, or -1 with VR_ERR_INVALID_ARG (unknown type) or a
 * system error (KVM unusable) reported. */
int qemu_host_get_max_vcpus(const char *type);

/* Can /dev/kvm be opened read-write? */
bool qemu_host_kvm_usable(void);

/* QEMU's version as major*1000000 + minor*1000 + micro, asked of the
 * emulator on first call and cached; 0 when unknown (not an error). */
unsigned long long qemu_host_get_qemu_version(QemuHost *host);

/* Parse "QEMU emulator version X.Y.Z ..." output.  Returns the number or 0
 * when the text does not contain a version (not reported). */
unsigned long long qemu_host_parse_version(const char *text);

/* Parse a sysfs CPU list ("0-3,8,10-11") into a sorted GArray of int
 * (caller frees), or NULL when malformed (not reported). */
GArray *qemu_host_parse_cpulist(const char *text);
