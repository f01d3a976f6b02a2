/* daemon_dispatch_table.c: the REMOTE program's procedure table.
 *
 * Flags: READONLY_OK on every call that changes nothing; BEFORE_OPEN on the
 * handshake calls; HIGH_PRIO where libvirt marks the call high-priority
 * (FACTS.md appendix A); INLINE on calls that only read memory and never
 * block (rpc_server.h, docs/internals/threads.md).  Not inline, for now:
 * CONNECT_GET_VERSION (runs `qemu --version` on first use),
 * CONNECT_GET_MAX_VCPUS (opens /dev/kvm), NODE_GET_INFO / FREE_MEMORY
 * (procfs and sysfs files), anything reading definitions' files.
 */
#include <config.h>

#include "daemon/daemon_dispatch_priv.h"
#include "daemon/daemon_dispatch_save.h"
#include "daemon/daemon_dispatch_snapshot.h"
#include "daemon/daemon_dispatch_storage.h"
#include "daemon/daemon_dispatch_hotstats.h"
#include "daemon/daemon_dispatch_migrate.h"

#define RO VR_RPC_PROC_READONLY_OK
#define HP VR_RPC_PROC_HIGH_PRIO
#define PRE VR_RPC_PROC_BEFORE_OPEN
#define IN VR_RPC_PROC_INLINE

/* PROC(number suffix, handler, args type, ret type, flags) */
#define PROC(num, handler, atype, rtype, fl) \
    { VR_PROC_##num, #num, (xdrproc_t) xdr_##atype, sizeof(atype), \
      (xdrproc_t) xdr_##rtype, sizeof(rtype), daemon_dispatch_##handler, fl }
#define PROC_NOARGS(num, handler, rtype, fl) \
    { VR_PROC_##num, #num, NULL, 0, (xdrproc_t) xdr_##rtype, sizeof(rtype), \
      daemon_dispatch_##handler, fl }
#define PROC_NORET(num, handler, atype, fl) \
    { VR_PROC_##num, #num, (xdrproc_t) xdr_##atype, sizeof(atype), NULL, 0, \
      daemon_dispatch_##handler, fl }
#define PROC_VOID(num, handler, fl) \
    { VR_PROC_##num, #num, NULL, 0, NULL, 0, daemon_dispatch_##handler, fl }

const VrRpcProcedure daemon_remote_procs[] = {
    /* handshake and connection */
    PROC_NOARGS(AUTH_LIST, auth_list, vr_auth_list_ret, RO | HP | PRE | IN),
    /* not inline: asks polkitd over D-Bus */
    PROC_NOARGS(AUTH_POLKIT, auth_polkit, vr_auth_polkit_ret, RO | HP | PRE),
    PROC(CONNECT_SUPPORTS_FEATURE, connect_supports_feature,
         vr_connect_supports_feature_args, vr_connect_supports_feature_ret,
         RO | HP | PRE | IN),
    PROC_NORET(CONNECT_OPEN, connect_open, vr_connect_open_args,
               RO | HP | PRE),
    PROC_VOID(CONNECT_CLOSE, connect_close, RO | HP | PRE),
    PROC_VOID(CONNECT_REGISTER_CLOSE_CALLBACK, connect_close_callback,
              RO | HP | IN),
    PROC_VOID(CONNECT_UNREGISTER_CLOSE_CALLBACK, connect_close_callback,
              RO | HP | IN),
    PROC_NOARGS(CONNECT_GET_URI, connect_get_uri, vr_connect_get_uri_ret,
                RO | HP | IN),
    PROC_NOARGS(CONNECT_GET_TYPE, connect_get_type, vr_connect_get_type_ret,
                RO | HP | IN),
    PROC_NOARGS(CONNECT_GET_VERSION, connect_get_version,
                vr_connect_get_version_ret, RO | HP),
    PROC_NOARGS(CONNECT_GET_LIB_VERSION, connect_get_lib_version,
                vr_connect_get_lib_version_ret, RO | HP | IN),
    PROC_NOARGS(CONNECT_GET_HOSTNAME, connect_get_hostname,
                vr_connect_get_hostname_ret, RO | HP | IN),
    PROC_NOARGS(CONNECT_GET_CAPABILITIES, connect_get_capabilities,
                vr_connect_get_capabilities_ret, RO),
    PROC(CONNECT_GET_MAX_VCPUS, connect_get_max_vcpus,
         vr_connect_get_max_vcpus_args, vr_connect_get_max_vcpus_ret,
         RO | HP),
    PROC_NOARGS(CONNECT_IS_SECURE, connect_is_secure,
                vr_connect_is_secure_ret, RO | HP | IN),
    PROC_NOARGS(NODE_GET_INFO, node_get_info, vr_node_get_info_ret, RO | HP),
    PROC_NOARGS(NODE_GET_FREE_MEMORY, node_get_free_memory,
                vr_node_get_free_memory_ret, RO | HP),
    PROC_NOARGS(NODE_GET_SECURITY_MODEL, node_get_security_model,
                vr_node_get_security_model_ret, RO | HP | IN),

    /* domain lookup and listing */
    PROC(DOMAIN_LOOKUP_BY_NAME, domain_lookup_by_name,
         vr_domain_lookup_by_name_args, vr_domain_lookup_by_name_ret,
         RO | HP | IN),
    PROC(DOMAIN_LOOKUP_BY_ID, domain_lookup_by_id,
         vr_domain_lookup_by_id_args, vr_domain_lookup_by_id_ret, RO | HP | IN),
    PROC(DOMAIN_LOOKUP_BY_UUID, domain_lookup_by_uuid,
         vr_domain_lookup_by_uuid_args, vr_domain_lookup_by_uuid_ret,
         RO | HP | IN),
    PROC(CONNECT_LIST_ALL_DOMAINS, connect_list_all_domains,
         vr_connect_list_all_domains_args, vr_connect_list_all_domains_ret,
         RO | HP | IN),
    PROC_NOARGS(CONNECT_NUM_OF_DOMAINS, connect_num_of_domains,
                vr_connect_num_of_domains_ret, RO | HP | IN),
    PROC(CONNECT_LIST_DOMAINS, connect_list_domains,
         vr_connect_list_domains_args, vr_connect_list_domains_ret, RO | HP | IN),
    PROC_NOARGS(CONNECT_NUM_OF_DEFINED_DOMAINS, connect_num_of_defined_domains,
                vr_connect_num_of_defined_domains_ret, RO | HP | IN),
    PROC(CONNECT_LIST_DEFINED_DOMAINS, connect_list_defined_domains,
         vr_connect_list_defined_domains_args,
         vr_connect_list_defined_domains_ret, RO | HP | IN),

    /* definitions */
    PROC(DOMAIN_DEFINE_XML, domain_define_xml, vr_domain_define_xml_args,
         vr_domain_define_xml_ret, HP),
    PROC(DOMAIN_DEFINE_XML_FLAGS, domain_define_xml_flags,
         vr_domain_define_xml_flags_args, vr_domain_define_xml_flags_ret, HP),
    PROC_NORET(DOMAIN_UNDEFINE, domain_undefine, vr_domain_undefine_args, HP),
    PROC_NORET(DOMAIN_UNDEFINE_FLAGS, domain_undefine_flags,
               vr_domain_undefine_flags_args, HP),
    PROC(DOMAIN_GET_XML_DESC, domain_get_xml_desc,
         vr_domain_get_xml_desc_args, vr_domain_get_xml_desc_ret, RO),
    PROC(DOMAIN_GET_AUTOSTART, domain_get_autostart,
         vr_domain_get_autostart_args, vr_domain_get_autostart_ret, RO | HP | IN),
    PROC_NORET(DOMAIN_SET_AUTOSTART, domain_set_autostart,
               vr_domain_set_autostart_args, HP),

    /* per-domain queries */
    PROC(DOMAIN_GET_INFO, domain_get_info, vr_domain_args,
         vr_domain_get_info_ret, RO | IN),
    PROC(DOMAIN_GET_MAX_MEMORY, domain_get_max_memory, vr_domain_args,
         vr_domain_get_max_memory_ret, RO | HP | IN),
    PROC(DOMAIN_GET_MAX_VCPUS, domain_get_max_vcpus, vr_domain_args,
         vr_int_ret, RO | HP | IN),
    PROC(DOMAIN_GET_OS_TYPE, domain_get_os_type, vr_domain_args,
         vr_domain_get_os_type_ret, RO | HP | IN),
    PROC(DOMAIN_GET_SECURITY_LABEL, domain_get_security_label,
         vr_domain_args, vr_domain_get_security_label_ret, RO | HP | IN),
    PROC(DOMAIN_IS_ACTIVE, domain_is_active, vr_domain_args, vr_int_ret,
         RO | HP | IN),
    PROC(DOMAIN_IS_PERSISTENT, domain_is_persistent, vr_domain_args,
         vr_int_ret, RO | HP | IN),
    PROC(DOMAIN_IS_UPDATED, domain_is_updated, vr_domain_args, vr_int_ret,
         RO | HP | IN),
    PROC(DOMAIN_HAS_MANAGED_SAVE_IMAGE, domain_has_managed_save_image,
         vr_domain_flags_args, vr_int_ret, RO | IN),
    PROC(DOMAIN_SNAPSHOT_NUM, domain_snapshot_num, vr_domain_flags_args,
         vr_int_ret, RO | HP | IN),
    PROC(DOMAIN_GET_STATE, domain_get_state, vr_domain_flags_args,
         vr_domain_get_state_ret, RO | HP | IN),
    PROC(DOMAIN_GET_METADATA, domain_get_metadata,
         vr_domain_get_metadata_args, vr_domain_get_metadata_ret, RO),
    PROC(DOMAIN_GET_MESSAGES, domain_get_messages, vr_domain_flags_args,
         vr_domain_get_messages_ret, RO | IN),

    /* running domains */
    PROC_NORET(DOMAIN_CREATE, domain_create, vr_domain_args, 0),
    PROC(DOMAIN_CREATE_WITH_FLAGS, domain_create_with_flags,
         vr_domain_flags_args, vr_domain_create_with_flags_ret, 0),
    PROC(DOMAIN_CREATE_XML, domain_create_xml, vr_domain_create_xml_args,
         vr_domain_create_xml_ret, 0),
    PROC_NORET(DOMAIN_DESTROY, domain_destroy, vr_domain_args, HP),
    PROC_NORET(DOMAIN_DESTROY_FLAGS, domain_destroy_flags,
               vr_domain_flags_args, HP),
    PROC_NORET(DOMAIN_SHUTDOWN, domain_shutdown, vr_domain_args, 0),
    PROC_NORET(DOMAIN_SHUTDOWN_FLAGS, domain_shutdown_flags,
               vr_domain_flags_args, 0),
    PROC_NORET(DOMAIN_REBOOT, domain_reboot, vr_domain_flags_args, 0),
    PROC_NORET(DOMAIN_RESET, domain_reset, vr_domain_flags_args, 0),
    PROC_NORET(DOMAIN_SUSPEND, domain_suspend, vr_domain_args, 0),
    PROC_NORET(DOMAIN_RESUME, domain_resume, vr_domain_args, 0),
    /* not read-only: libvirt refuses consoles on read-only connections */
    PROC_NORET(DOMAIN_OPEN_CONSOLE, domain_open_console,
               vr_domain_open_console_args, 0),
    PROC(CONNECT_GET_DOMAIN_CAPABILITIES, connect_get_domain_capabilities,
         vr_connect_get_domain_capabilities_args,
         vr_connect_get_domain_capabilities_ret, RO),

    /* networks (FACTS.md section 8 "Networks"); none inline: the network
     * driver may hold its lock across host work (netlink, dnsmasq) */
    PROC(NETWORK_LOOKUP_BY_NAME, network_lookup_by_name,
         vr_network_lookup_by_name_args, vr_network_ret, RO | HP),
    PROC(NETWORK_LOOKUP_BY_UUID, network_lookup_by_uuid,
         vr_network_lookup_by_uuid_args, vr_network_ret, RO | HP),
    PROC(CONNECT_LIST_ALL_NETWORKS, connect_list_all_networks,
         vr_connect_list_all_networks_args, vr_connect_list_all_networks_ret,
         RO | HP),
    PROC_NOARGS(CONNECT_NUM_OF_NETWORKS, connect_num_of_networks, vr_int_ret,
                RO | HP),
    PROC_NOARGS(CONNECT_NUM_OF_DEFINED_NETWORKS,
                connect_num_of_defined_networks, vr_int_ret, RO | HP),
    PROC(CONNECT_LIST_NETWORKS, connect_list_networks,
         vr_connect_list_networks_args, vr_connect_list_networks_ret, RO | HP),
    PROC(CONNECT_LIST_DEFINED_NETWORKS, connect_list_defined_networks,
         vr_connect_list_networks_args, vr_connect_list_networks_ret, RO | HP),
    PROC(NETWORK_DEFINE_XML, network_define_xml, vr_network_xml_args,
         vr_network_ret, HP),
    PROC(NETWORK_DEFINE_XML_FLAGS, network_define_xml_flags,
         vr_network_xml_flags_args, vr_network_ret, HP),
    PROC(NETWORK_CREATE_XML, network_create_xml, vr_network_xml_args,
         vr_network_ret, 0),
    PROC(NETWORK_CREATE_XML_FLAGS, network_create_xml_flags,
         vr_network_xml_flags_args, vr_network_ret, HP),
    PROC_NORET(NETWORK_UNDEFINE, network_undefine, vr_network_args, HP),
    PROC_NORET(NETWORK_CREATE, network_create, vr_network_args, 0),
    PROC_NORET(NETWORK_DESTROY, network_destroy, vr_network_args, HP),
    PROC(NETWORK_GET_XML_DESC, network_get_xml_desc, vr_network_flags_args,
         vr_network_get_xml_desc_ret, RO | HP),
    PROC(NETWORK_GET_AUTOSTART, network_get_autostart, vr_network_args,
         vr_int_ret, RO | HP),
    PROC_NORET(NETWORK_SET_AUTOSTART, network_set_autostart,
               vr_network_set_autostart_args, HP),
    PROC(NETWORK_GET_BRIDGE_NAME, network_get_bridge_name, vr_network_args,
         vr_network_get_bridge_name_ret, RO | HP),
    PROC(NETWORK_IS_ACTIVE, network_is_active, vr_network_args, vr_int_ret,
         RO | HP),
    PROC(NETWORK_IS_PERSISTENT, network_is_persistent, vr_network_args,
         vr_int_ret, RO | HP),
    PROC_NORET(NETWORK_UPDATE, network_update, vr_network_update_args, HP),
    PROC(NETWORK_GET_DHCP_LEASES, network_get_dhcp_leases,
         vr_network_get_dhcp_leases_args, vr_network_get_dhcp_leases_ret, RO),
    PROC(DOMAIN_INTERFACE_ADDRESSES, domain_interface_addresses,
         vr_domain_interface_addresses_args,
         vr_domain_interface_addresses_ret, RO),

    /* events */
    PROC(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
         connect_domain_event_callback_register_any,
         vr_connect_domain_event_callback_register_any_args,
         vr_connect_domain_event_callback_register_any_ret, RO | HP | IN),
    PROC_NORET(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
               connect_domain_event_callback_deregister_any,
               vr_connect_domain_event_callback_deregister_any_args, RO | HP | IN),
    PROC_NORET(CONNECT_DOMAIN_EVENT_REGISTER_ANY,
               connect_domain_event_register_any,
               vr_connect_domain_event_register_any_args, RO | HP | IN),
    PROC_NORET(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY,
               connect_domain_event_deregister_any,
               vr_connect_domain_event_deregister_any_args, RO | HP | IN),
    PROC(CONNECT_NETWORK_EVENT_REGISTER_ANY,
         connect_network_event_register_any,
         vr_connect_network_event_register_any_args,
         vr_connect_network_event_register_any_ret, RO | HP | IN),
    PROC_NORET(CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
               connect_network_event_deregister_any,
               vr_connect_network_event_deregister_any_args, RO | HP | IN),

    /* storage pools and volumes (daemon_dispatch_storage.h) */
    DAEMON_STORAGE_PROCS,

    /* hotplug, tuning and statistics (daemon_dispatch_hotstats.h) */
    DAEMON_HOTPLUG_PROCS,
    DAEMON_STATS_PROCS,

    /* migration and job progress (daemon_dispatch_migrate.h) */
    DAEMON_MIGRATE_PROCS,

    /* save, restore, managed save (daemon_dispatch_save.h) */
    DAEMON_SAVE_PROCS,

    /* snapshots (daemon_dispatch_snapshot.h) */
    DAEMON_SNAPSHOT_PROCS,
};

const size_t daemon_remote_nprocs = G_N_ELEMENTS(daemon_remote_procs);

int
daemon_dispatch_register(VrRpcServer *srv)
{
    return vr_rpc_server_add_program(srv, VR_PROGRAM, VR_PROTOCOL_VERSION,
                                     daemon_remote_procs,
                                     daemon_remote_nprocs);
}
