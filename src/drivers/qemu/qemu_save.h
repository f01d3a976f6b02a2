/* qemu_save.h: save, restore and managed save (FACTS.md section 8 "Save,
 * restore, managed save") - the driver API the daemon's dispatch calls.
 *
 * A save image is our header, the domain XML (with room to grow, for
 * save-image-define) and QEMU's migration stream:
 *
 *   0   magic "VireoSaveImage\n\0" (16 bytes)
 *   16  version (1), xml length, xml space, was-running, complete
 *       (five little-endian 32-bit words), zero up to 64
 *   64  the domain XML, NUL-padded to the xml space
 *   64 + xml space (a multiple of 4096): QEMU's stream to its end
 *
 * "complete" is written last, after the stream was flushed: a file
 * without it is refused.  Save pauses the guest, streams through a
 * passed fd (getfd, migrate "fd:NAME"), then stops QEMU (STOPPED/SAVED,
 * shut off, reason saved).  A failed or aborted save removes the file
 * and resumes the guest.  Restore starts QEMU with -incoming defer and
 * feeds it the file (STARTED/RESTORED).  Every call returns 0 (or the
 * documented value) or -1 with an error reported.
 */
#pragma once

#include "drivers/qemu/qemu_driver.h"

/* virDomainSaveRestoreFlags */
enum {
    QEMU_SAVE_BYPASS_CACHE = 1 << 0,
    QEMU_SAVE_RUNNING = 1 << 1,
    QEMU_SAVE_PAUSED = 1 << 2,
};

int qemu_domain_save(QemuDriver *drv, const QemuDomainRef *dom,
                     const char *path, const char *dxml,
                     unsigned int flags);
/* Restore from @path (optionally with the replacement definition
 * @dxml: same name and UUID).  The domain is created transient unless a
 * persistent one with that UUID is defined. */
int qemu_domain_restore(QemuDriver *drv, const char *path, const char *dxml,
                        unsigned int flags);
/* The definition embedded in image @path (owned), or NULL. */
char *qemu_domain_save_image_get_xml(QemuDriver *drv, const char *path,
                                     unsigned int flags);
/* Replace the definition embedded in image @path with @dxml (same name
 * and UUID; it must fit the image's xml space). */
int qemu_domain_save_image_define(QemuDriver *drv, const char *path,
                                  const char *dxml, unsigned int flags);

int qemu_domain_managed_save(QemuDriver *drv, const QemuDomainRef *dom,
                             unsigned int flags);
int qemu_domain_managed_save_remove(QemuDriver *drv,
                                    const QemuDomainRef *dom,
                                    unsigned int flags);

/* ---- for the rest of the driver ---- */

/* <state>/qemu/save/NAME.save (owned). */
char *qemu_save_managed_path(QemuDriver *drv, const char *name);
/* At load: note whether @obj has a managed save image. */
void qemu_save_load_obj(QemuDriver *drv, VrDomainObj *obj);
/* Inside a start job: resume @obj from its managed save image.  Returns
 * 1 when there is none (or QEMU_START_FORCE_BOOT removed it: boot
 * normally), 0 when restored (the image is then removed), -1 reported. */
int qemu_save_start_managed(QemuDriver *drv, VrDomainObj *obj,
                            unsigned int flags, const void *owner);
/* Undefine of the inactive @obj: refuse while a managed save image
 * exists unless QEMU_UNDEFINE_MANAGED_SAVE, then remove it.  0 or -1. */
int qemu_save_undefine(QemuDriver *drv, VrDomainObj *obj,
                       unsigned int flags);

/* ---- qemu_save_image.c ---- */

typedef struct {
    char *xml;                 /* owned */
    bool running;              /* the guest ran when saved */
    unsigned int xml_space;
    off_t data_offset;         /* where QEMU's stream begins */
} QemuSaveImage;

void qemu_save_image_clear(QemuSaveImage *img);
/* Write the header (not yet complete) and @xml at the start of @fd and
 * leave the offset at the stream's start.  0 or -1 reported. */
int qemu_save_image_write_header(int fd, const char *path, const char *xml,
                                 bool running);
/* Mark the image complete (after the stream) and flush it.  0 or -1. */
int qemu_save_image_finish(int fd, const char *path, bool running);
/* Read and check @fd's header; fills @img.  0 or -1 reported
 * (VR_ERR_OPERATION_FAILED "'PATH' is not a save image", ...). */
int qemu_save_image_read(int fd, const char *path, QemuSaveImage *img);
/* Rewrite the XML (and the running flag: -1 keeps it) of image @path in
 * place.  0 or -1 reported. */
int qemu_save_image_update(const char *path, const char *xml, int running);
