/* qemu_driver.h: the QEMU driver's entry points for domain definitions.
 *
 * Plain C calls, one per client operation, that know nothing of sockets or
 * XDR: the daemon's dispatch table converts each RPC to one of these.  Every
 * call reports its error libvirt-style (code, domain, message) once and
 * returns -1/NULL.  Domains are addressed as libvirt does on the wire: by
 * UUID (QemuDomainRef.uuid), the name only completing error messages.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "drivers/qemu/qemu_domain_obj.h"
#include "drivers/qemu/qemu_host.h"
#include "util/vr_paths.h"

typedef struct _QemuDriver QemuDriver;

/* What clients hold: name, UUID, id (-1 while inactive). */
typedef struct {
    char *name;
    unsigned char uuid[16];
    int id;
} QemuDomainRef;

void qemu_domain_ref_clear(QemuDomainRef *ref);

typedef struct {
    int state;                        /* VrDomainState */
    unsigned long long max_mem_kib;
    unsigned long long memory_kib;
    unsigned int nr_virt_cpu;
    unsigned long long cpu_time_ns;
} QemuDomainInfo;

/* Public flag values (FACTS.md appendix C). */
enum {
    QEMU_DEFINE_VALIDATE = 1 << 0,
};
enum {
    QEMU_UNDEFINE_MANAGED_SAVE = 1 << 0,
    QEMU_UNDEFINE_SNAPSHOTS_METADATA = 1 << 1,
    QEMU_UNDEFINE_NVRAM = 1 << 2,
    QEMU_UNDEFINE_KEEP_NVRAM = 1 << 3,
    QEMU_UNDEFINE_CHECKPOINTS_METADATA = 1 << 4,
    QEMU_UNDEFINE_TPM = 1 << 5,
    QEMU_UNDEFINE_KEEP_TPM = 1 << 6,
};
enum {
    QEMU_XML_SECURE = 1 << 0,
    QEMU_XML_INACTIVE = 1 << 1,
    QEMU_XML_UPDATE_CPU = 1 << 2,
    QEMU_XML_MIGRATABLE = 1 << 3,
};
enum {
    QEMU_METADATA_DESCRIPTION = 0,
    QEMU_METADATA_TITLE = 1,
    QEMU_METADATA_ELEMENT = 2,
};
enum {
    QEMU_AFFECT_LIVE = 1 << 0,
    QEMU_AFFECT_CONFIG = 1 << 1,
};

/* Create the driver for @paths: ensures <config>/qemu and its autostart
 * directory exist, then loads every <config>/qemu/NAME.xml once.  A file
 * that does not parse, or whose <name> is not NAME, is logged (WARN, with
 * its path) and skipped, never deleted.  Host capabilities are not probed
 * here.  Returns the driver (qemu_driver_free) or NULL with an error
 * reported (directories cannot be created or read). */
QemuDriver *qemu_driver_new(const VrPaths *paths);
void qemu_driver_free(QemuDriver *drv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuDriver, qemu_driver_free)

/* Run QEMU as @user (vireod.conf qemu_user; its primary group unless
 * @group, qemu_group, names another), either may be NULL to keep the
 * default (system mode without --root: the build's QEMU user; otherwise
 * vireod's own identity).  Call before qemu_driver_start_background.
 * Returns 0, or -1 with an error naming the key and the account when it
 * does not exist or vireod cannot switch to it (not root).  (Extension.) */
int qemu_driver_set_qemu_user(QemuDriver *drv, const char *user,
                              const char *group);

/* Write every definition change made so far to its NAME.xml file now
 * (changes are durable in the journal already; the journal's thread
 * writes the files soon anyway).  Returns 0 or -1 (reported). */
int qemu_driver_flush_definitions(QemuDriver *drv);

/* The host side (capabilities, node info); owned by the driver. */
QemuHost *qemu_driver_get_host(QemuDriver *drv);
bool qemu_driver_is_privileged(QemuDriver *drv);

/* ---- lookups: fill @out (caller clears it); 0 or -1 with
 * VR_ERR_NO_DOMAIN / VR_FROM_QEMU "no domain with matching ..." ---- */
int qemu_domain_lookup_by_name(QemuDriver *drv, const char *name,
                               QemuDomainRef *out);
int qemu_domain_lookup_by_uuid(QemuDriver *drv, const unsigned char *uuid,
                               QemuDomainRef *out);
int qemu_domain_lookup_by_id(QemuDriver *drv, int id, QemuDomainRef *out);

/* ---- listing ---- */

/* Domains matching @flags (VrListDomainsFlags), sorted by name, as an
 * array of QemuDomainRef (caller frees with qemu_domain_ref_array_free)
 * and its length in *count.  With @need_refs false only *count is set and
 * *refs is NULL.  Returns 0, or -1 (unknown flags: VR_ERR_INVALID_ARG). */
int qemu_domain_list_all(QemuDriver *drv, unsigned int flags, bool need_refs,
                         QemuDomainRef **refs, size_t *count);
void qemu_domain_ref_array_free(QemuDomainRef *refs, size_t count);

/* Active domains' ids (at most @max; caller g_free()s) / inactive
 * persistent domains' names (at most @max; g_strfreev).  Counts via
 * qemu_domain_count.  @max < 0 is VR_ERR_INVALID_ARG. */
int qemu_domain_list_ids(QemuDriver *drv, int max, int **ids, size_t *n);
int qemu_domain_list_defined_names(QemuDriver *drv, int max, char ***names);
int qemu_domain_count(QemuDriver *drv, bool active);

/* ---- definitions ---- */

/* Define or update from @xml (flags: QEMU_DEFINE_VALIDATE).  Identity
 * rules as libvirt: same name and UUID updates the definition; the same
 * name with another UUID, or the UUID under another name, is
 * VR_ERR_OPERATION_FAILED.  The file <config>/qemu/NAME.xml is written
 * durably before returning.  *updated says whether an existing domain was
 * redefined (NULL allowed).  Fills @out; returns 0 or -1. */
int qemu_domain_define(QemuDriver *drv, const char *xml, unsigned int flags,
                       QemuDomainRef *out, bool *updated);

/* Remove the persistent definition (file and autostart link, durably).
 * Flags: QEMU_UNDEFINE_* (accepted; nothing they would remove exists
 * yet).  An active domain becomes transient instead.  Returns 0 or -1. */
int qemu_domain_undefine(QemuDriver *drv, const QemuDomainRef *dom,
                         unsigned int flags);

/* The domain XML (flags QEMU_XML_*).  Owned string or NULL. */
char *qemu_domain_get_xml(QemuDriver *drv, const QemuDomainRef *dom,
                          unsigned int flags);

int qemu_domain_get_autostart(QemuDriver *drv, const QemuDomainRef *dom,
                              bool *autostart);
/* Create or remove <config>/qemu/autostart/NAME.xml -> ../NAME.xml
 * durably.  Transient domains: VR_ERR_OPERATION_INVALID. */
int qemu_domain_set_autostart(QemuDriver *drv, const QemuDomainRef *dom,
                              bool autostart);

/* 1 / 0, or -1 when the domain is missing. */
int qemu_domain_is_active(QemuDriver *drv, const QemuDomainRef *dom);
int qemu_domain_is_persistent(QemuDriver *drv, const QemuDomainRef *dom);
int qemu_domain_is_updated(QemuDriver *drv, const QemuDomainRef *dom);

int qemu_domain_get_info(QemuDriver *drv, const QemuDomainRef *dom,
                         QemuDomainInfo *info);
/* @flags must be 0. */
int qemu_domain_get_state(QemuDriver *drv, const QemuDomainRef *dom,
                          unsigned int flags, int *state, int *reason);
char *qemu_domain_get_os_type(QemuDriver *drv, const QemuDomainRef *dom);
/* Returns 0 (no image) or -1. */
int qemu_domain_has_managed_save(QemuDriver *drv, const QemuDomainRef *dom,
                                 unsigned int flags);
/* Number of snapshots matching @flags (DOMAIN_LIST_ALL_SNAPSHOTS
 * filters) or -1 (qemu_snapshot.c). */
int qemu_domain_snapshot_num(QemuDriver *drv, const QemuDomainRef *dom,
                             unsigned int flags);
/* Security label ("" and not enforcing with model "none").  0 or -1. */
int qemu_domain_get_security_label(QemuDriver *drv, const QemuDomainRef *dom,
                                   char **label, int *enforcing);
/* Messages (tainting etc.): a NULL-terminated owned array, or NULL. */
char **qemu_domain_get_messages(QemuDriver *drv, const QemuDomainRef *dom,
                                unsigned int flags);
int qemu_domain_get_max_vcpus(QemuDriver *drv, const QemuDomainRef *dom);
int qemu_domain_get_max_memory(QemuDriver *drv, const QemuDomainRef *dom,
                               unsigned long long *kib);
/* Title or description (type QEMU_METADATA_*).  Owned string, or NULL
 * with code 80 (no metadata) or another error reported. */
char *qemu_domain_get_metadata(QemuDriver *drv, const QemuDomainRef *dom,
                               int type, const char *uri, unsigned int flags);

/* Node security model: "none", DOI "0". */
#define QEMU_SECURITY_MODEL "none"
#define QEMU_SECURITY_DOI "0"
