/* daemon_dispatch_hotstats.h: hotplug/tuning procedures (FACTS.md
 * section 8 "Memory, vCPUs, devices"; daemon_dispatch_hotplug.c) and
 * statistics procedures ("Domain info, state, statistics" and the node
 * statistics; daemon_dispatch_stats.c): handlers and table entries.
 */
#pragma once

#include "daemon/daemon_dispatch_priv.h"

DAEMON_HANDLER(domain_attach_device);
DAEMON_HANDLER(domain_attach_device_flags);
DAEMON_HANDLER(domain_detach_device);
DAEMON_HANDLER(domain_detach_device_flags);
DAEMON_HANDLER(domain_update_device_flags);
DAEMON_HANDLER(domain_set_memory);
DAEMON_HANDLER(domain_set_max_memory);
DAEMON_HANDLER(domain_set_memory_flags);
DAEMON_HANDLER(domain_set_vcpus);
DAEMON_HANDLER(domain_set_vcpus_flags);

DAEMON_HANDLER(domain_get_vcpus);
DAEMON_HANDLER(domain_get_vcpu_pin_info);
DAEMON_HANDLER(domain_get_vcpus_flags);
DAEMON_HANDLER(node_get_cpu_map);
DAEMON_HANDLER(domain_memory_stats);
DAEMON_HANDLER(domain_block_stats);
DAEMON_HANDLER(domain_block_stats_flags);
DAEMON_HANDLER(domain_interface_stats);
DAEMON_HANDLER(domain_get_block_info);
DAEMON_HANDLER(node_get_cpu_stats);
DAEMON_HANDLER(node_get_memory_stats);
DAEMON_HANDLER(connect_get_all_domain_stats);

#define DAEMON_HOTPLUG_PROCS \
    PROC_NORET(DOMAIN_ATTACH_DEVICE, domain_attach_device, \
               vr_domain_xml_args, 0), \
    PROC_NORET(DOMAIN_ATTACH_DEVICE_FLAGS, domain_attach_device_flags, \
               vr_domain_xml_flags_args, 0), \
    PROC_NORET(DOMAIN_DETACH_DEVICE, domain_detach_device, \
               vr_domain_xml_args, 0), \
    PROC_NORET(DOMAIN_DETACH_DEVICE_FLAGS, domain_detach_device_flags, \
               vr_domain_xml_flags_args, 0), \
    PROC_NORET(DOMAIN_UPDATE_DEVICE_FLAGS, domain_update_device_flags, \
               vr_domain_xml_flags_args, 0), \
    PROC_NORET(DOMAIN_SET_MEMORY, domain_set_memory, \
               vr_domain_set_memory_args, 0), \
    PROC_NORET(DOMAIN_SET_MAX_MEMORY, domain_set_max_memory, \
               vr_domain_set_memory_args, HP), \
    PROC_NORET(DOMAIN_SET_MEMORY_FLAGS, domain_set_memory_flags, \
               vr_domain_set_memory_flags_args, 0), \
    PROC_NORET(DOMAIN_SET_VCPUS, domain_set_vcpus, \
               vr_domain_set_vcpus_args, 0), \
    PROC_NORET(DOMAIN_SET_VCPUS_FLAGS, domain_set_vcpus_flags, \
               vr_domain_set_vcpus_flags_args, 0)

#define DAEMON_STATS_PROCS \
    PROC(DOMAIN_GET_VCPUS, domain_get_vcpus, vr_domain_get_vcpus_args, \
         vr_domain_get_vcpus_ret, RO | HP), \
    PROC(DOMAIN_GET_VCPU_PIN_INFO, domain_get_vcpu_pin_info, \
         vr_domain_get_vcpu_pin_info_args, vr_domain_get_vcpu_pin_info_ret, \
         RO), \
    PROC(DOMAIN_GET_VCPUS_FLAGS, domain_get_vcpus_flags, \
         vr_domain_flags_args, vr_int_ret, RO), \
    PROC(NODE_GET_CPU_MAP, node_get_cpu_map, vr_node_get_cpu_map_args, \
         vr_node_get_cpu_map_ret, RO), \
    PROC(DOMAIN_MEMORY_STATS, domain_memory_stats, \
         vr_domain_memory_stats_args, vr_domain_memory_stats_ret, RO), \
    PROC(DOMAIN_BLOCK_STATS, domain_block_stats, vr_domain_path_args, \
         vr_domain_block_stats_ret, RO), \
    PROC(DOMAIN_BLOCK_STATS_FLAGS, domain_block_stats_flags, \
         vr_domain_block_stats_flags_args, vr_domain_block_stats_flags_ret, \
         RO), \
    PROC(DOMAIN_INTERFACE_STATS, domain_interface_stats, \
         vr_domain_path_args, vr_domain_interface_stats_ret, RO | HP), \
    PROC(DOMAIN_GET_BLOCK_INFO, domain_get_block_info, \
         vr_domain_get_block_info_args, vr_domain_get_block_info_ret, RO), \
    PROC(NODE_GET_CPU_STATS, node_get_cpu_stats, vr_node_stats_args, \
         vr_node_stats_ret, RO | HP), \
    PROC(NODE_GET_MEMORY_STATS, node_get_memory_stats, \
         vr_node_memory_stats_args, vr_node_stats_ret, RO | HP), \
    PROC(CONNECT_GET_ALL_DOMAIN_STATS, connect_get_all_domain_stats, \
         vr_connect_get_all_domain_stats_args, \
         vr_connect_get_all_domain_stats_ret, RO)
