/* daemon_dispatch_storage.h: storage pool and volume procedures (FACTS.md
 * section 8 "Storage pools" / "Storage volumes", the 281/282 fallbacks of
 * section 9, pool events 368-373, volume upload/download streams): the
 * handlers, their table entries and the daemon's storage driver wiring.
 */
#pragma once

#include "daemon/daemon_dispatch_priv.h"
#include "storage/storage_driver.h"

/* The storage driver, or NULL with VR_ERR_NO_SUPPORT reported. */
StorageDriver *daemon_client_storage(VrRpcSession *sess);
/* Wire <-> driver references (from_wire borrows the wire strings: do not
 * clear; to_wire moves the strings out of @ref). */
void daemon_pool_from_wire(StoragePoolRef *ref,
                           const vr_nonnull_storage_pool *pool);
void daemon_vol_from_wire(StorageVolRef *ref,
                          const vr_nonnull_storage_vol *vol);

/* Create the storage driver for @paths and hook it to @qemu (volume in use
 * by a running domain; <disk type='volume'> resolution).  NULL reported. */
StorageDriver *daemon_storage_start(const VrPaths *paths, QemuDriver *qemu);
/* Unhook from @qemu and free (NULL-safe); call storage_driver_shutdown
 * first. */
void daemon_storage_free(QemuDriver *qemu, StorageDriver *drv);

#define DAEMON_STORAGE_HANDLERS(X) \
    X(connect_list_all_storage_pools) X(connect_num_of_storage_pools) \
    X(connect_num_of_defined_storage_pools) X(connect_list_storage_pools) \
    X(connect_list_defined_storage_pools) X(storage_pool_lookup_by_name) \
    X(storage_pool_lookup_by_uuid) X(storage_pool_lookup_by_volume) \
    X(storage_pool_define_xml) X(storage_pool_create_xml) \
    X(storage_pool_create) X(storage_pool_build) X(storage_pool_destroy) \
    X(storage_pool_delete) X(storage_pool_undefine) \
    X(storage_pool_refresh) X(storage_pool_get_info) \
    X(storage_pool_get_xml_desc) X(storage_pool_get_autostart) \
    X(storage_pool_set_autostart) X(storage_pool_is_active) \
    X(storage_pool_is_persistent) X(storage_pool_num_of_volumes) \
    X(storage_pool_list_volumes) X(storage_pool_list_all_volumes) \
    X(storage_vol_lookup_by_name) X(storage_vol_lookup_by_key) \
    X(storage_vol_lookup_by_path) X(storage_vol_create_xml) \
    X(storage_vol_create_xml_from) X(storage_vol_delete) \
    X(storage_vol_wipe) X(storage_vol_wipe_pattern) \
    X(storage_vol_get_info) X(storage_vol_get_info_flags) \
    X(storage_vol_get_xml_desc) X(storage_vol_get_path) \
    X(storage_vol_resize) X(storage_vol_upload) X(storage_vol_download) \
    X(connect_storage_pool_event_register_any) \
    X(connect_storage_pool_event_deregister_any)

#define DAEMON_STORAGE_DECLARE(name) DAEMON_HANDLER(name);
DAEMON_STORAGE_HANDLERS(DAEMON_STORAGE_DECLARE)

/* The table entries (for daemon_dispatch_table.c, which defines PROC*,
 * RO and HP).  None inline: the storage driver runs helper processes. */
#define DAEMON_STORAGE_PROCS \
    PROC(CONNECT_LIST_ALL_STORAGE_POOLS, connect_list_all_storage_pools, \
         vr_connect_list_all_storage_pools_args, \
         vr_connect_list_all_storage_pools_ret, RO | HP), \
    PROC_NOARGS(CONNECT_NUM_OF_STORAGE_POOLS, connect_num_of_storage_pools, \
                vr_int_ret, RO | HP), \
    PROC_NOARGS(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, \
                connect_num_of_defined_storage_pools, vr_int_ret, RO | HP), \
    PROC(CONNECT_LIST_STORAGE_POOLS, connect_list_storage_pools, \
         vr_storage_list_names_args, vr_storage_list_names_ret, RO | HP), \
    PROC(CONNECT_LIST_DEFINED_STORAGE_POOLS, \
         connect_list_defined_storage_pools, vr_storage_list_names_args, \
         vr_storage_list_names_ret, RO | HP), \
    PROC(STORAGE_POOL_LOOKUP_BY_NAME, storage_pool_lookup_by_name, \
         vr_storage_pool_lookup_by_name_args, vr_storage_pool_ret, RO | HP), \
    PROC(STORAGE_POOL_LOOKUP_BY_UUID, storage_pool_lookup_by_uuid, \
         vr_storage_pool_lookup_by_uuid_args, vr_storage_pool_ret, RO | HP), \
    PROC(STORAGE_POOL_LOOKUP_BY_VOLUME, storage_pool_lookup_by_volume, \
         vr_storage_vol_args, vr_storage_pool_ret, RO | HP), \
    PROC(STORAGE_POOL_DEFINE_XML, storage_pool_define_xml, \
         vr_storage_pool_xml_args, vr_storage_pool_ret, HP), \
    PROC(STORAGE_POOL_CREATE_XML, storage_pool_create_xml, \
         vr_storage_pool_xml_args, vr_storage_pool_ret, 0), \
    PROC_NORET(STORAGE_POOL_CREATE, storage_pool_create, \
               vr_storage_pool_flags_args, 0), \
    PROC_NORET(STORAGE_POOL_BUILD, storage_pool_build, \
               vr_storage_pool_flags_args, 0), \
    PROC_NORET(STORAGE_POOL_DESTROY, storage_pool_destroy, \
               vr_storage_pool_args, HP), \
    PROC_NORET(STORAGE_POOL_DELETE, storage_pool_delete, \
               vr_storage_pool_flags_args, 0), \
    PROC_NORET(STORAGE_POOL_UNDEFINE, storage_pool_undefine, \
               vr_storage_pool_args, HP), \
    PROC_NORET(STORAGE_POOL_REFRESH, storage_pool_refresh, \
               vr_storage_pool_flags_args, 0), \
    PROC(STORAGE_POOL_GET_INFO, storage_pool_get_info, vr_storage_pool_args, \
         vr_storage_pool_get_info_ret, RO | HP), \
    PROC(STORAGE_POOL_GET_XML_DESC, storage_pool_get_xml_desc, \
         vr_storage_pool_flags_args, vr_storage_xml_ret, RO | HP), \
    PROC(STORAGE_POOL_GET_AUTOSTART, storage_pool_get_autostart, \
         vr_storage_pool_args, vr_int_ret, RO | HP), \
    PROC_NORET(STORAGE_POOL_SET_AUTOSTART, storage_pool_set_autostart, \
               vr_storage_pool_set_autostart_args, HP), \
    PROC(STORAGE_POOL_IS_ACTIVE, storage_pool_is_active, \
         vr_storage_pool_args, vr_int_ret, RO | HP), \
    PROC(STORAGE_POOL_IS_PERSISTENT, storage_pool_is_persistent, \
         vr_storage_pool_args, vr_int_ret, RO | HP), \
    PROC(STORAGE_POOL_NUM_OF_VOLUMES, storage_pool_num_of_volumes, \
         vr_storage_pool_args, vr_int_ret, RO | HP), \
    PROC(STORAGE_POOL_LIST_VOLUMES, storage_pool_list_volumes, \
         vr_storage_pool_list_volumes_args, vr_storage_list_names_ret, \
         RO | HP), \
    PROC(STORAGE_POOL_LIST_ALL_VOLUMES, storage_pool_list_all_volumes, \
         vr_storage_pool_list_all_volumes_args, \
         vr_storage_pool_list_all_volumes_ret, RO | HP), \
    PROC(STORAGE_VOL_LOOKUP_BY_NAME, storage_vol_lookup_by_name, \
         vr_storage_vol_lookup_by_name_args, vr_storage_vol_ret, RO | HP), \
    PROC(STORAGE_VOL_LOOKUP_BY_KEY, storage_vol_lookup_by_key, \
         vr_storage_vol_lookup_by_string_args, vr_storage_vol_ret, RO | HP), \
    PROC(STORAGE_VOL_LOOKUP_BY_PATH, storage_vol_lookup_by_path, \
         vr_storage_vol_lookup_by_string_args, vr_storage_vol_ret, RO | HP), \
    PROC(STORAGE_VOL_CREATE_XML, storage_vol_create_xml, \
         vr_storage_vol_create_xml_args, vr_storage_vol_ret, 0), \
    PROC(STORAGE_VOL_CREATE_XML_FROM, storage_vol_create_xml_from, \
         vr_storage_vol_create_xml_from_args, vr_storage_vol_ret, 0), \
    PROC_NORET(STORAGE_VOL_DELETE, storage_vol_delete, \
               vr_storage_vol_flags_args, 0), \
    PROC_NORET(STORAGE_VOL_WIPE, storage_vol_wipe, \
               vr_storage_vol_flags_args, 0), \
    PROC_NORET(STORAGE_VOL_WIPE_PATTERN, storage_vol_wipe_pattern, \
               vr_storage_vol_wipe_pattern_args, 0), \
    PROC(STORAGE_VOL_GET_INFO, storage_vol_get_info, vr_storage_vol_args, \
         vr_storage_vol_get_info_ret, RO | HP), \
    PROC(STORAGE_VOL_GET_INFO_FLAGS, storage_vol_get_info_flags, \
         vr_storage_vol_flags_args, vr_storage_vol_get_info_ret, RO | HP), \
    PROC(STORAGE_VOL_GET_XML_DESC, storage_vol_get_xml_desc, \
         vr_storage_vol_flags_args, vr_storage_xml_ret, RO | HP), \
    PROC(STORAGE_VOL_GET_PATH, storage_vol_get_path, vr_storage_vol_args, \
         vr_storage_vol_get_path_ret, RO | HP), \
    PROC_NORET(STORAGE_VOL_RESIZE, storage_vol_resize, \
               vr_storage_vol_resize_args, 0), \
    PROC_NORET(STORAGE_VOL_UPLOAD, storage_vol_upload, \
               vr_storage_vol_transfer_args, 0), \
    PROC_NORET(STORAGE_VOL_DOWNLOAD, storage_vol_download, \
               vr_storage_vol_transfer_args, 0), \
    PROC(CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, \
         connect_storage_pool_event_register_any, \
         vr_connect_storage_pool_event_register_any_args, \
         vr_connect_storage_pool_event_register_any_ret, RO | HP), \
    PROC_NORET(CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, \
               connect_storage_pool_event_deregister_any, \
               vr_connect_storage_pool_event_deregister_any_args, RO | HP)
