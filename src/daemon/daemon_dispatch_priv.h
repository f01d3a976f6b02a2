/* daemon_dispatch_priv.h: shared by the daemon_dispatch_*.c files: the
 * client state, its helpers, and every handler's prototype (the table in
 * daemon_dispatch_table.c refers to them).
 */
#pragma once

#include "daemon/daemon_dispatch.h"
#include "rpc/vireo_protocol.h"

typedef struct {
    DaemonContext *ctx;
    gint readonly;        /* CONNECT_OPEN asked for read-only (flag bit 0) */
    gint autodestroy;     /* started a domain with the AUTODESTROY flag */
    gint auth_pending;    /* polkit check required and not yet passed */
} DaemonClient;

/* The client's driver (never NULL once the session exists). */
QemuDriver *daemon_client_driver(VrRpcSession *sess);
DaemonContext *daemon_client_context(VrRpcSession *sess);

/* Refuse a modifying call on a read-only connection: 0, or -1 with
 * VR_ERR_OPERATION_DENIED "read only access prevents @api" reported. */
int daemon_client_check_write(VrRpcSession *sess, const char *api);
/* The same with the error domain @from (VR_FROM_NETWORK for networks). */
int daemon_client_check_write_from(VrRpcSession *sess, const char *api,
                                   int from);
/* The network driver, or NULL with VR_ERR_NO_SUPPORT reported. */
NetDriver *daemon_client_net(VrRpcSession *sess);

/* Wire domain reference -> driver reference (the name is borrowed from
 * @dom: do not clear @ref). */
void daemon_dom_from_wire(QemuDomainRef *ref, const vr_nonnull_domain *dom);
/* Driver reference -> wire (the name moves into @dom). */
void daemon_dom_to_wire(vr_nonnull_domain *dom, QemuDomainRef *ref);

#define DAEMON_HANDLER(name) \
    int daemon_dispatch_##name(VrRpcSession *sess, void *args, void *ret)

/* daemon_dispatch_connect.c */
DAEMON_HANDLER(auth_list);
DAEMON_HANDLER(auth_polkit);
DAEMON_HANDLER(connect_supports_feature);
DAEMON_HANDLER(connect_open);
DAEMON_HANDLER(connect_close);
DAEMON_HANDLER(connect_close_callback);
DAEMON_HANDLER(connect_get_uri);
DAEMON_HANDLER(connect_get_type);
DAEMON_HANDLER(connect_get_version);
DAEMON_HANDLER(connect_get_lib_version);
DAEMON_HANDLER(connect_get_hostname);
DAEMON_HANDLER(connect_get_capabilities);
DAEMON_HANDLER(connect_get_max_vcpus);
DAEMON_HANDLER(connect_is_secure);
DAEMON_HANDLER(node_get_info);
DAEMON_HANDLER(node_get_free_memory);
DAEMON_HANDLER(node_get_security_model);

/* daemon_dispatch_domain.c */
DAEMON_HANDLER(domain_lookup_by_name);
DAEMON_HANDLER(domain_lookup_by_id);
DAEMON_HANDLER(domain_lookup_by_uuid);
DAEMON_HANDLER(connect_list_all_domains);
DAEMON_HANDLER(connect_num_of_domains);
DAEMON_HANDLER(connect_list_domains);
DAEMON_HANDLER(connect_num_of_defined_domains);
DAEMON_HANDLER(connect_list_defined_domains);
DAEMON_HANDLER(domain_define_xml);
DAEMON_HANDLER(domain_define_xml_flags);
DAEMON_HANDLER(domain_undefine);
DAEMON_HANDLER(domain_undefine_flags);
DAEMON_HANDLER(domain_get_xml_desc);
DAEMON_HANDLER(domain_get_autostart);
DAEMON_HANDLER(domain_set_autostart);

/* daemon_dispatch_info.c */
DAEMON_HANDLER(domain_get_info);
DAEMON_HANDLER(domain_get_max_memory);
DAEMON_HANDLER(domain_get_max_vcpus);
DAEMON_HANDLER(domain_get_os_type);
DAEMON_HANDLER(domain_get_security_label);
DAEMON_HANDLER(domain_is_active);
DAEMON_HANDLER(domain_is_persistent);
DAEMON_HANDLER(domain_is_updated);
DAEMON_HANDLER(domain_has_managed_save_image);
DAEMON_HANDLER(domain_snapshot_num);
DAEMON_HANDLER(domain_get_state);
DAEMON_HANDLER(domain_get_metadata);
DAEMON_HANDLER(domain_get_messages);

/* daemon_dispatch_lifecycle.c */
DAEMON_HANDLER(domain_create);
DAEMON_HANDLER(domain_create_with_flags);
DAEMON_HANDLER(domain_create_xml);
DAEMON_HANDLER(domain_destroy);
DAEMON_HANDLER(domain_destroy_flags);
DAEMON_HANDLER(domain_shutdown);
DAEMON_HANDLER(domain_shutdown_flags);
DAEMON_HANDLER(domain_reboot);
DAEMON_HANDLER(domain_reset);
DAEMON_HANDLER(domain_suspend);
DAEMON_HANDLER(domain_resume);
DAEMON_HANDLER(connect_get_domain_capabilities);

/* daemon_console.c */
DAEMON_HANDLER(domain_open_console);

/* daemon_dispatch_network.c */
DAEMON_HANDLER(network_lookup_by_name);
DAEMON_HANDLER(network_lookup_by_uuid);
DAEMON_HANDLER(connect_list_all_networks);
DAEMON_HANDLER(connect_num_of_networks);
DAEMON_HANDLER(connect_num_of_defined_networks);
DAEMON_HANDLER(connect_list_networks);
DAEMON_HANDLER(connect_list_defined_networks);
DAEMON_HANDLER(network_define_xml);
DAEMON_HANDLER(network_define_xml_flags);
DAEMON_HANDLER(network_create_xml);
DAEMON_HANDLER(network_create_xml_flags);
DAEMON_HANDLER(network_undefine);
DAEMON_HANDLER(network_create);
DAEMON_HANDLER(network_destroy);
DAEMON_HANDLER(network_get_xml_desc);
DAEMON_HANDLER(network_get_autostart);
DAEMON_HANDLER(network_set_autostart);
DAEMON_HANDLER(network_get_bridge_name);
DAEMON_HANDLER(network_is_active);
DAEMON_HANDLER(network_is_persistent);
DAEMON_HANDLER(network_update);
DAEMON_HANDLER(network_get_dhcp_leases);
DAEMON_HANDLER(domain_interface_addresses);

/* daemon_events.c */
DAEMON_HANDLER(connect_domain_event_callback_register_any);
DAEMON_HANDLER(connect_domain_event_callback_deregister_any);
DAEMON_HANDLER(connect_domain_event_register_any);
DAEMON_HANDLER(connect_domain_event_deregister_any);
DAEMON_HANDLER(connect_network_event_register_any);
DAEMON_HANDLER(connect_network_event_deregister_any);
