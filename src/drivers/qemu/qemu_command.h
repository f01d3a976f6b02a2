/* qemu_command.h: the pure QEMU command-line builder.
 *
 * Definition + capabilities + run paths in, argv out: no I/O, no global
 * state, deterministic (the golden tests in tests/data/qemu-argv/ compare
 * its output).  Device properties are built once (qemu_device_props) and
 * shared with hotplug (device_add takes the same JSON).
 *
 * CONTRACT (consumed by qemu_process.c and tests; keep stable).
 */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"
#include "drivers/qemu/qemu_capabilities.h"
#include "util/vr_command.h"
#include "util/vr_json.h"

/* Per-start inputs that are not part of the definition. */
typedef struct {
    const char *monitor_path;     /* QMP socket: <run>/qemu/NAME.monitor */
    const char *pidfile;          /* <run>/qemu/NAME.pid (may be NULL) */
    /* > 2: vireod's listening QMP socket (bound at monitor_path), passed
     * to QEMU as fd=N; otherwise QEMU creates monitor_path itself. */
    int monitor_fd;
    const char *domain_dir;       /* <run>/qemu/NAME.d for serial sockets etc. */
    const char *log_path;         /* file serial backends' default dir (NULL ok) */
    int id;                       /* the domain id (for -name and guest=) */
    bool kvm_usable;              /* /dev/kvm can be opened */
    const int *tap_fds;           /* one per <interface type='network'|'bridge'>, or NULL */
    size_t n_tap_fds;
    /* "defer" (restore, incoming migration): -incoming defer; the stream
     * then comes through migrate-incoming.  NULL: a normal boot. */
    const char *incoming;
} QemuCommandParams;

/* Build the command.  Refuses (VR_ERR_CONFIG_UNSUPPORTED, with a message
 * naming the element) definitions QEMU cannot run: unknown machine,
 * kvm without /dev/kvm, a device model the binary lacks, ...
 * Returns a new VrCommand or NULL with an error reported. */
VrCommand *qemu_command_build(const VrDomainDef *def, const QemuCaps *caps,
                              const QemuCommandParams *params);

/* The JSON properties of device @index of the definition's disks /
 * interfaces as used both by -device and device_add (owned). */
VrJson *qemu_device_props_disk(const VrDomainDef *def, size_t index,
                               const QemuCaps *caps);
VrJson *qemu_device_props_net(const VrDomainDef *def, size_t index,
                              const QemuCaps *caps);
