/* qemu_hotplug.h: hotplug and tuning of domains - attach/detach/update
 * of disks and interfaces, memory (balloon, maximum) and vCPUs - on the
 * live domain (QMP), on the persistent definition, or both.
 *
 * "Affect" flags as libvirt: 0 CURRENT (live when the domain runs, else
 * the persistent definition), 1 LIVE, 2 CONFIG, 3 both.  Every call
 * returns 0 or -1 with an error reported once.  Live device removal waits
 * for QEMU's DEVICE_DELETED event (QEMU_HOTPLUG_REMOVE_WAIT_MS); the live
 * definition changes only when that event has come.
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_monitor.h"
#include "util/vr_json.h"

/* Flags beyond QEMU_AFFECT_LIVE / QEMU_AFFECT_CONFIG. */
enum {
    QEMU_DEVICE_FORCE = 1 << 2,        /* update-device: force eject */
    QEMU_MEM_MAXIMUM = 1 << 2,
    QEMU_VCPU_MAXIMUM = 1 << 2,
    QEMU_VCPU_GUEST = 1 << 3,
    QEMU_VCPU_HOTPLUGGABLE = 1 << 4,
};

#define QEMU_HOTPLUG_REMOVE_WAIT_MS 10000

int qemu_domain_attach_device(QemuDriver *drv, const QemuDomainRef *dom,
                              const char *xml, unsigned int flags);
int qemu_domain_detach_device(QemuDriver *drv, const QemuDomainRef *dom,
                              const char *xml, unsigned int flags);
/* Only cdrom media changes (<disk device='cdrom'> with a new or no
 * <source>) are supported; anything else is VR_ERR_OPERATION_UNSUPPORTED. */
int qemu_domain_update_device(QemuDriver *drv, const QemuDomainRef *dom,
                              const char *xml, unsigned int flags);

/* Memory in KiB.  QEMU_MEM_MAXIMUM changes <memory> (config only: live is
 * VR_ERR_OPERATION_INVALID); otherwise <currentMemory> / the balloon. */
int qemu_domain_set_memory(QemuDriver *drv, const QemuDomainRef *dom,
                           unsigned long long kib, unsigned int flags);
/* vCPUs: live hotplug with device_add (needs maxcpus > current), config
 * changes the current count, or with QEMU_VCPU_MAXIMUM the maximum. */
int qemu_domain_set_vcpus(QemuDriver *drv, const QemuDomainRef *dom,
                          unsigned int nvcpus, unsigned int flags);
/* The current (or with QEMU_VCPU_MAXIMUM the maximum) vCPU count of the
 * live or persistent side.  Returns the count or -1. */
int qemu_domain_get_vcpus_flags(QemuDriver *drv, const QemuDomainRef *dom,
                                unsigned int flags);

/* The QMP event handler calls this for DEVICE_DELETED (event worker
 * thread, no locks held).  Never fails. */
void qemu_hotplug_device_deleted(QemuDriver *drv, VrDomainObj *obj,
                                 const VrJson *data);

/* ---- shared with qemu_stats.c ---- */
/* Find @dom and begin job @job; *mon is the monitor (NULL while
 * inactive; borrowed for the job).  Returns the object (a reference; end
 * the job with qemu_job_end) or NULL reported. */
VrDomainObj *qemu_hp_begin(QemuDriver *drv, const QemuDomainRef *dom,
                           const char *job, QemuMonitor **mon);
/* The QEMU device id of disk @index of @def ("virtio-disk1"), owned, or
 * NULL reported. */
char *qemu_hp_disk_alias(QemuDriver *drv, const VrDomainDef *def,
                         size_t index);
