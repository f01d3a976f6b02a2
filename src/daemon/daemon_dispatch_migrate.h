/* daemon_dispatch_migrate.h: migration v3 procedures (302-307, FACTS.md
 * section 11) and the job procedures (163 GET_JOB_INFO, 164 ABORT_JOB,
 * 298 GET_JOB_STATS): handlers, table entries, typed-parameter helpers
 * and the peer-to-peer driver (daemon_migrate_client.c).
 */
#pragma once

#include "daemon/daemon_dispatch_priv.h"
#include "drivers/qemu/qemu_migration.h"

/* Read the migration typed parameters of @params (borrowed strings point
 * into @params).  Unknown names or wrong types: -1 with
 * VR_ERR_ARGUMENT_UNSUPPORTED / VR_ERR_INVALID_ARG reported. */
int daemon_migrate_params_parse(const vr_typed_param *params, u_int n,
                                QemuMigrateParams *out);
/* The typed parameters for @p (a new array in *params, *n; free with
 * daemon_typed_params_free). */
void daemon_migrate_params_build(const QemuMigrateParams *p,
                                 vr_typed_param **params, u_int *n);
void daemon_typed_params_free(vr_typed_param *params, u_int n);

/* Peer-to-peer migration of @dom to the daemon at @dconnuri: the source
 * daemon opens a client connection there and runs Begin, Prepare,
 * Perform, Finish and Confirm itself.  Returns 0, or -1 with the first
 * error of the sequence reported; on failure both sides are left as
 * they were. */
int daemon_migrate_p2p(QemuDriver *drv, const QemuDomainRef *dom,
                       const char *dconnuri, const QemuMigrateParams *params,
                       unsigned int flags);

DAEMON_HANDLER(domain_migrate_begin3_params);
DAEMON_HANDLER(domain_migrate_prepare3_params);
DAEMON_HANDLER(domain_migrate_perform3_params);
DAEMON_HANDLER(domain_migrate_finish3_params);
DAEMON_HANDLER(domain_migrate_confirm3_params);
DAEMON_HANDLER(domain_get_job_info);
DAEMON_HANDLER(domain_get_job_stats);
DAEMON_HANDLER(domain_abort_job);

/* Table entries (daemon_dispatch_table.c).  Job queries are high
 * priority (libvirt's too): they must answer while a migration runs. */
#define DAEMON_MIGRATE_PROCS \
    PROC(DOMAIN_MIGRATE_BEGIN3_PARAMS, domain_migrate_begin3_params, \
         vr_domain_migrate_begin3_params_args, \
         vr_domain_migrate_begin3_params_ret, 0), \
    PROC(DOMAIN_MIGRATE_PREPARE3_PARAMS, domain_migrate_prepare3_params, \
         vr_domain_migrate_prepare3_params_args, \
         vr_domain_migrate_prepare3_params_ret, 0), \
    PROC(DOMAIN_MIGRATE_PERFORM3_PARAMS, domain_migrate_perform3_params, \
         vr_domain_migrate_perform3_params_args, \
         vr_domain_migrate_perform3_params_ret, 0), \
    PROC(DOMAIN_MIGRATE_FINISH3_PARAMS, domain_migrate_finish3_params, \
         vr_domain_migrate_finish3_params_args, \
         vr_domain_migrate_finish3_params_ret, 0), \
    PROC_NORET(DOMAIN_MIGRATE_CONFIRM3_PARAMS, \
               domain_migrate_confirm3_params, \
               vr_domain_migrate_confirm3_params_args, 0), \
    PROC(DOMAIN_GET_JOB_INFO, domain_get_job_info, vr_domain_args, \
         vr_domain_get_job_info_ret, RO | HP), \
    PROC(DOMAIN_GET_JOB_STATS, domain_get_job_stats, vr_domain_flags_args, \
         vr_domain_get_job_stats_ret, RO | HP), \
    PROC_NORET(DOMAIN_ABORT_JOB, domain_abort_job, vr_domain_args, HP)
