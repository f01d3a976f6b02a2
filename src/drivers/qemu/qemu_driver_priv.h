/* qemu_driver_priv.h: the QEMU driver's state, shared by its files
 * (qemu_driver.c: loading, lookups, queries; qemu_driver_define.c:
 * define, undefine, autostart).  Not for use outside src/drivers/qemu.
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"

struct _QemuDriver {
    bool privileged;
    char *config_dir;        /* <config>/qemu */
    char *autostart_dir;     /* <config>/qemu/autostart */
    VrDomainObjList *domains;
    /* Serialises changes to definitions on disk (define, undefine,
     * autostart) so their check-write-publish steps do not interleave.
     * Never taken while holding an object lock or the list lock. */
    GMutex config_lock;
    QemuHost *host;
};

/* The object for @dom (looked up by UUID): a new reference, or NULL with
 * VR_ERR_NO_DOMAIN reported. */
VrDomainObj *qemu_driver_get_obj(QemuDriver *drv, const QemuDomainRef *dom);

/* Fill @out from the (unlocked) @obj. */
void qemu_domain_ref_fill(QemuDomainRef *out, VrDomainObj *obj);

/* <config>/qemu/NAME.xml and <config>/qemu/autostart/NAME.xml (owned). */
char *qemu_driver_config_path(QemuDriver *drv, const char *name);
char *qemu_driver_autostart_path(QemuDriver *drv, const char *name);
