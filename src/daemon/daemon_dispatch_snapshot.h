/* daemon_dispatch_snapshot.h: the snapshot procedures (FACTS.md section 8
 * "Snapshots"): handlers and table entries (daemon_dispatch_snapshot.c).
 * DOMAIN_SNAPSHOT_NUM (187) stays with the info calls.
 */
#pragma once

#include "daemon/daemon_dispatch_priv.h"

#define DAEMON_SNAPSHOT_HANDLERS(X) \
    X(domain_snapshot_create_xml) X(domain_snapshot_get_xml_desc) \
    X(domain_snapshot_list_names) X(domain_snapshot_lookup_by_name) \
    X(domain_has_current_snapshot) X(domain_snapshot_current) \
    X(domain_revert_to_snapshot) X(domain_snapshot_delete) \
    X(domain_snapshot_get_parent) X(domain_snapshot_num_children) \
    X(domain_snapshot_is_current) X(domain_snapshot_has_metadata) \
    X(domain_list_all_snapshots) X(domain_snapshot_list_all_children)

#define DAEMON_SNAPSHOT_DECLARE(name) DAEMON_HANDLER(name);
DAEMON_SNAPSHOT_HANDLERS(DAEMON_SNAPSHOT_DECLARE)

/* The table entries (for daemon_dispatch_table.c, which defines PROC*,
 * RO and HP). */
#define DAEMON_SNAPSHOT_PROCS \
    PROC(DOMAIN_SNAPSHOT_CREATE_XML, domain_snapshot_create_xml, \
         vr_domain_snapshot_create_xml_args, vr_domain_snapshot_ret, 0), \
    PROC(DOMAIN_SNAPSHOT_GET_XML_DESC, domain_snapshot_get_xml_desc, \
         vr_domain_snapshot_flags_args, \
         vr_domain_snapshot_get_xml_desc_ret, RO | HP), \
    PROC(DOMAIN_SNAPSHOT_LIST_NAMES, domain_snapshot_list_names, \
         vr_domain_snapshot_list_names_args, \
         vr_domain_snapshot_list_names_ret, RO | HP), \
    PROC(DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, domain_snapshot_lookup_by_name, \
         vr_domain_snapshot_lookup_by_name_args, vr_domain_snapshot_ret, \
         RO | HP), \
    PROC(DOMAIN_HAS_CURRENT_SNAPSHOT, domain_has_current_snapshot, \
         vr_domain_flags_args, vr_int_ret, RO), \
    PROC(DOMAIN_SNAPSHOT_CURRENT, domain_snapshot_current, \
         vr_domain_flags_args, vr_domain_snapshot_ret, RO), \
    PROC_NORET(DOMAIN_REVERT_TO_SNAPSHOT, domain_revert_to_snapshot, \
               vr_domain_snapshot_flags_args, 0), \
    PROC_NORET(DOMAIN_SNAPSHOT_DELETE, domain_snapshot_delete, \
               vr_domain_snapshot_flags_args, 0), \
    PROC(DOMAIN_SNAPSHOT_GET_PARENT, domain_snapshot_get_parent, \
         vr_domain_snapshot_flags_args, vr_domain_snapshot_ret, RO | HP), \
    PROC(DOMAIN_SNAPSHOT_NUM_CHILDREN, domain_snapshot_num_children, \
         vr_domain_snapshot_flags_args, vr_int_ret, RO | HP), \
    PROC(DOMAIN_SNAPSHOT_IS_CURRENT, domain_snapshot_is_current, \
         vr_domain_snapshot_flags_args, vr_int_ret, RO), \
    PROC(DOMAIN_SNAPSHOT_HAS_METADATA, domain_snapshot_has_metadata, \
         vr_domain_snapshot_flags_args, vr_int_ret, RO), \
    PROC(DOMAIN_LIST_ALL_SNAPSHOTS, domain_list_all_snapshots, \
         vr_domain_list_all_snapshots_args, \
         vr_domain_list_all_snapshots_ret, RO | HP), \
    PROC(DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN, \
         domain_snapshot_list_all_children, \
         vr_domain_snapshot_list_all_children_args, \
         vr_domain_list_all_snapshots_ret, RO | HP)
