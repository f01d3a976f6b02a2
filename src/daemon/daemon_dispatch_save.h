/* daemon_dispatch_save.h: save, restore, managed save and job procedures
 * (FACTS.md section 8 "Save, restore, managed save"): the handlers and
 * their table entries (daemon_dispatch_save.c).
 */
#pragma once

#include "daemon/daemon_dispatch_priv.h"

#define DAEMON_SAVE_HANDLERS(X) \
    X(domain_save) X(domain_save_flags) X(domain_restore) \
    X(domain_restore_flags) X(domain_save_image_get_xml_desc) \
    X(domain_save_image_define_xml) X(domain_managed_save) \
    X(domain_managed_save_remove)

#define DAEMON_SAVE_DECLARE(name) DAEMON_HANDLER(name);
DAEMON_SAVE_HANDLERS(DAEMON_SAVE_DECLARE)

/* The table entries (for daemon_dispatch_table.c, which defines PROC*,
 * RO and HP).  The job procedures (163, 164, 298) live with migration
 * (daemon_dispatch_migrate.h); for a save they answer through
 * qemu_domain_get_job_info / qemu_domain_abort_job (qemu_job_info.h). */
#define DAEMON_SAVE_PROCS \
    PROC_NORET(DOMAIN_SAVE, domain_save, vr_domain_save_args, 0), \
    PROC_NORET(DOMAIN_SAVE_FLAGS, domain_save_flags, \
               vr_domain_save_flags_args, 0), \
    PROC_NORET(DOMAIN_RESTORE, domain_restore, vr_domain_restore_args, 0), \
    PROC_NORET(DOMAIN_RESTORE_FLAGS, domain_restore_flags, \
               vr_domain_restore_flags_args, 0), \
    PROC(DOMAIN_SAVE_IMAGE_GET_XML_DESC, domain_save_image_get_xml_desc, \
         vr_domain_save_image_get_xml_desc_args, \
         vr_domain_save_image_get_xml_desc_ret, RO | HP), \
    PROC_NORET(DOMAIN_SAVE_IMAGE_DEFINE_XML, domain_save_image_define_xml, \
               vr_domain_save_image_define_xml_args, HP), \
    PROC_NORET(DOMAIN_MANAGED_SAVE, domain_managed_save, \
               vr_domain_flags_args, 0), \
    PROC_NORET(DOMAIN_MANAGED_SAVE_REMOVE, domain_managed_save_remove, \
               vr_domain_flags_args, 0)
