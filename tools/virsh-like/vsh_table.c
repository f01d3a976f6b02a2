/* vsh_table.c: every vsh command with its options and help text, the
 * command-line parser and the "help" command. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "vsh.h"
#include "vsh_save.h"
#include "vsh_snapshot.h"
#include "vsh_storage.h"
#include "vsh_hotplug.h"
#include "vsh_migrate.h"

#define DOMAIN_OPT \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "domain name, id or uuid" }
#define END_OPTS { NULL, 0, 0, NULL }

static const VshOptDef opts_none[] = { END_OPTS };
static const VshOptDef opts_domain[] = { DOMAIN_OPT, END_OPTS };
static const VshOptDef opts_connect[] = {
    { "name", VSH_OT_STRING, VSH_OFLAG_POS, "hypervisor connection URI" },
    { "readonly", VSH_OT_BOOL, 0, "read-only connection" },
    END_OPTS
};
static const VshOptDef opts_version[] = {
    { "daemon", VSH_OT_BOOL, 0, "report daemon version too" },
    END_OPTS
};
static const VshOptDef opts_help[] = {
    { "command", VSH_OT_STRING, VSH_OFLAG_POS, "Prints help for this command" },
    END_OPTS
};
static const VshOptDef opts_list[] = {
    { "inactive", VSH_OT_BOOL, 0, "list inactive domains" },
    { "all", VSH_OT_BOOL, 0, "list inactive & active domains" },
    { "persistent", VSH_OT_BOOL, 0, "list persistent domains" },
    { "transient", VSH_OT_BOOL, 0, "list transient domains" },
    { "autostart", VSH_OT_BOOL, 0, "list domains with autostart enabled" },
    { "no-autostart", VSH_OT_BOOL, 0,
      "list domains with autostart disabled" },
    { "with-managed-save", VSH_OT_BOOL, 0,
      "list domains with managed save state" },
    { "without-managed-save", VSH_OT_BOOL, 0,
      "list domains without managed save" },
    { "uuid", VSH_OT_BOOL, 0, "list uuid's only" },
    { "name", VSH_OT_BOOL, 0, "list domain names only" },
    END_OPTS
};
static const VshOptDef opts_define[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "file containing an XML domain description" },
    { "validate", VSH_OT_BOOL, 0, "validate the XML against the schema" },
    END_OPTS
};
static const VshOptDef opts_dumpxml[] = {
    DOMAIN_OPT,
    { "inactive", VSH_OT_BOOL, 0, "show inactive defined XML" },
    { "security-info", VSH_OT_BOOL, 0,
      "include security sensitive information in XML dump" },
    END_OPTS
};
static const VshOptDef opts_undefine[] = {
    DOMAIN_OPT,
    { "managed-save", VSH_OT_BOOL, 0, "remove domain managed state file" },
    { "snapshots-metadata", VSH_OT_BOOL, 0,
      "remove all domain snapshot metadata (vm must be inactive)" },
    END_OPTS
};
static const VshOptDef opts_domstate[] = {
    DOMAIN_OPT,
    { "reason", VSH_OT_BOOL, 0, "also print reason for the state" },
    END_OPTS
};
static const VshOptDef opts_autostart[] = {
    DOMAIN_OPT,
    { "disable", VSH_OT_BOOL, 0, "disable autostarting" },
    END_OPTS
};

static const VshOptDef opts_start[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "name of the inactive domain" },
    { "console", VSH_OT_BOOL, 0, "attach to console after creation" },
    { "paused", VSH_OT_BOOL, 0, "leave the guest paused after creation" },
    { "autodestroy", VSH_OT_BOOL, 0,
      "automatically destroy the guest when vsh disconnects" },
    END_OPTS
};
static const VshOptDef opts_create[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "file containing an XML domain description" },
    { "console", VSH_OT_BOOL, 0, "attach to console after creation" },
    { "paused", VSH_OT_BOOL, 0, "leave the guest paused after creation" },
    { "autodestroy", VSH_OT_BOOL, 0,
      "automatically destroy the guest when vsh disconnects" },
    { "validate", VSH_OT_BOOL, 0, "validate the XML against the schema" },
    END_OPTS
};
static const VshOptDef opts_power[] = {
    DOMAIN_OPT,
    { "mode", VSH_OT_STRING, 0,
      "shutdown mode: acpi|agent|initctl|signal|paravirt" },
    END_OPTS
};
static const VshOptDef opts_destroy[] = {
    DOMAIN_OPT,
    { "graceful", VSH_OT_BOOL, 0, "terminate gracefully" },
    END_OPTS
};
static const VshOptDef opts_console[] = {
    DOMAIN_OPT,
    { "devname", VSH_OT_STRING, 0, "character device name" },
    { "force", VSH_OT_BOOL, 0,
      "force console connection (disconnect already connected sessions)" },
    { "safe", VSH_OT_BOOL, 0,
      "only connect if safe console handling is supported" },
    END_OPTS
};
static const VshOptDef opts_event[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_POS,
      "filter by domain name, id or uuid" },
    { "event", VSH_OT_STRING, 0, "which event type to wait for" },
    { "all", VSH_OT_BOOL, 0, "wait for all events instead of just one type" },
    { "loop", VSH_OT_BOOL, 0,
      "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", VSH_OT_STRING, 0, "timeout seconds" },
    { "list", VSH_OT_BOOL, 0, "list valid event types" },
    { "timestamp", VSH_OT_BOOL, 0, "show timestamp for each printed event" },
    END_OPTS
};
static const VshOptDef opts_domcaps[] = {
    { "virttype", VSH_OT_STRING, VSH_OFLAG_POS,
      "virtualization type (/domain/@type)" },
    { "emulatorbin", VSH_OT_STRING, 0,
      "path to emulator binary (/domain/devices/emulator)" },
    { "arch", VSH_OT_STRING, 0, "domain architecture (/domain/os/type/@arch)" },
    { "machine", VSH_OT_STRING, 0,
      "machine type (/domain/os/type/@machine)" },
    END_OPTS
};
#define NETWORK_OPT \
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
      "network name or uuid" }
static const VshOptDef opts_network[] = { NETWORK_OPT, END_OPTS };
static const VshOptDef opts_net_file[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "file containing an XML network description" },
    { "validate", VSH_OT_BOOL, 0, "validate the XML against the schema" },
    END_OPTS
};
static const VshOptDef opts_net_list[] = {
    { "inactive", VSH_OT_BOOL, 0, "list inactive networks" },
    { "all", VSH_OT_BOOL, 0, "list inactive & active networks" },
    { "persistent", VSH_OT_BOOL, 0, "list persistent networks" },
    { "transient", VSH_OT_BOOL, 0, "list transient networks" },
    { "autostart", VSH_OT_BOOL, 0, "list networks with autostart enabled" },
    { "no-autostart", VSH_OT_BOOL, 0,
      "list networks with autostart disabled" },
    { "uuid", VSH_OT_BOOL, 0, "list uuid's only" },
    { "name", VSH_OT_BOOL, 0, "list network names only" },
    { "table", VSH_OT_BOOL, 0, "list table (default)" },
    END_OPTS
};
static const VshOptDef opts_net_dumpxml[] = {
    NETWORK_OPT,
    { "inactive", VSH_OT_BOOL, 0, "show inactive defined XML" },
    END_OPTS
};
static const VshOptDef opts_net_autostart[] = {
    NETWORK_OPT,
    { "disable", VSH_OT_BOOL, 0, "disable autostarting" },
    END_OPTS
};
static const VshOptDef opts_net_leases[] = {
    NETWORK_OPT,
    { "mac", VSH_OT_STRING, 0, "MAC address" },
    END_OPTS
};
static const VshOptDef opts_net_update[] = {
    NETWORK_OPT,
    { "command", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "type of update (add-first, add-last (add), delete, or modify)" },
    { "section", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "which section of network configuration to update" },
    { "xml", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "name of file containing xml (or, if it starts with '<', the complete "
      "xml element itself) to add/modify, or to be matched for search" },
    { "parent-index", VSH_OT_STRING, 0,
      "which parent object to search through" },
    { "config", VSH_OT_BOOL, 0, "affect next network startup" },
    { "live", VSH_OT_BOOL, 0, "affect running network" },
    { "current", VSH_OT_BOOL, 0, "affect current state of network" },
    END_OPTS
};
static const VshOptDef opts_net_event[] = {
    { "network", VSH_OT_STRING, VSH_OFLAG_POS, "filter by network name or uuid" },
    { "event", VSH_OT_STRING, 0, "which event type to wait for" },
    { "loop", VSH_OT_BOOL, 0,
      "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", VSH_OT_STRING, 0, "timeout seconds" },
    { "list", VSH_OT_BOOL, 0, "list valid event types" },
    { "timestamp", VSH_OT_BOOL, 0, "show timestamp for each printed event" },
    END_OPTS
};
static const VshOptDef opts_domiflist[] = {
    DOMAIN_OPT,
    { "inactive", VSH_OT_BOOL, 0,
      "get inactive rather than running configuration" },
    END_OPTS
};
static const VshOptDef opts_domifaddr[] = {
    DOMAIN_OPT,
    { "interface", VSH_OT_STRING, 0, "network interface name" },
    { "full", VSH_OT_BOOL, 0, "always display names and MACs of interfaces" },
    { "source", VSH_OT_STRING, 0,
      "address source: 'lease', 'agent', or 'arp'" },
    END_OPTS
};

#define NET "Network"
#define POOL "Storage Pool"
#define VOL "Storage Volume"
static const VshCmdDef commands[] = {
    /* hotplug, tuning, statistics (vsh_cmds_hotplug.c, vsh_cmds_stats.c) */
    { "attach-device", vsh_cmd_attach_device, vsh_opts_device_file,
      "attach device from an XML file",
      "Attach device from an XML <file>.", 0, "Domain" },
    { "attach-disk", vsh_cmd_attach_disk, vsh_opts_attach_disk,
      "attach disk device", "Attach new disk device.", 0, "Domain" },
    { "attach-interface", vsh_cmd_attach_interface,
      vsh_opts_attach_interface, "attach network interface",
      "Attach new network interface.", 0, "Domain" },
    { "change-media", vsh_cmd_change_media, vsh_opts_change_media,
      "Change media of CD or floppy drive",
      "Change media of CD or floppy drive.", 0, "Domain" },
    { "detach-device", vsh_cmd_detach_device, vsh_opts_device_file,
      "detach device from an XML file",
      "Detach device from an XML <file>", 0, "Domain" },
    { "detach-disk", vsh_cmd_detach_disk, vsh_opts_detach_disk,
      "detach disk device", "Detach disk device.", 0, "Domain" },
    { "detach-interface", vsh_cmd_detach_interface,
      vsh_opts_detach_interface, "detach network interface",
      "Detach network interface.", 0, "Domain" },
    { "setmaxmem", vsh_cmd_setmaxmem, vsh_opts_setmem,
      "change maximum memory limit",
      "Change the maximum memory allocation limit in the guest domain.",
      0, "Domain" },
    { "setmem", vsh_cmd_setmem, vsh_opts_setmem, "change memory allocation",
      "Change the current memory allocation in the guest domain.", 0,
      "Domain" },
    { "setvcpus", vsh_cmd_setvcpus, vsh_opts_setvcpus,
      "change number of virtual CPUs",
      "Change the number of virtual CPUs in the guest domain.", 0,
      "Domain" },
    { "update-device", vsh_cmd_update_device, vsh_opts_update_device,
      "update device from an XML file",
      "Update device from an XML <file>.", 0, "Domain" },
    { "vcpucount", vsh_cmd_vcpucount, vsh_opts_vcpucount,
      "domain vcpu counts", "Returns the number of virtual CPUs used by "
      "the domain.", 0, "Domain" },
    { "vcpuinfo", vsh_cmd_vcpuinfo, vsh_opts_vcpuinfo,
      "detailed domain vcpu information",
      "Returns basic information about the domain virtual CPUs.", 0,
      "Domain" },
    { "domblkinfo", vsh_cmd_domblkinfo, vsh_opts_domblkinfo,
      "domain block device size information",
      "Get block device size info for a domain.", 0, "Domain" },
    { "domblklist", vsh_cmd_domblklist, vsh_opts_domblklist,
      "list all domain blocks",
      "Get the summary of block devices for a domain.", 0, "Domain" },
    { "domblkstat", vsh_cmd_domblkstat, vsh_opts_domblkstat,
      "get device block stats for a domain",
      "Get device block stats for a running domain. See man page or use "
      "--human for explanation of fields", 0, "Domain" },
    { "domifstat", vsh_cmd_domifstat, vsh_opts_domifstat,
      "get network interface stats for a domain",
      "Get network interface stats for a running domain.", 0, "Domain" },
    { "dommemstat", vsh_cmd_dommemstat, vsh_opts_dommemstat,
      "get memory statistics for a domain",
      "Get memory statistics for a running domain.", 0, "Domain" },
    { "domstats", vsh_cmd_domstats, vsh_opts_domstats,
      "get statistics about one or multiple domains",
      "Gets statistics about one or more (or all) domains", 0, "Domain" },
    { "nodecpustats", vsh_cmd_nodecpustats, vsh_opts_nodecpustats,
      "Prints cpu stats of the node.",
      "Returns cpu stats of the node, in nanoseconds.", 0, "Host" },
    { "nodememstats", vsh_cmd_nodememstats, vsh_opts_nodememstats,
      "Prints memory stats of the node.",
      "Returns memory stats of the node, in kilobytes.", 0, "Host" },
    VSH_SAVE_CMDS,
    VSH_SNAPSHOT_CMDS,
    VSH_MIGRATE_CMDS,
    { "pool-autostart", vsh_cmd_pool_autostart, vsh_opts_pool_autostart,
      "autostart a pool",
      "Configure a pool to be automatically started at boot.", 0, POOL },
    { "pool-build", vsh_cmd_pool_build, vsh_opts_pool_build,
      "build a pool",
      "Build a given pool.", 0, POOL },
    { "pool-create", vsh_cmd_pool_create, vsh_opts_pool_file,
      "create a pool from an XML file",
      "Create a pool.", 0, POOL },
    { "pool-create-as", vsh_cmd_pool_create_as, vsh_opts_pool_create_as,
      "create a pool from a set of args",
      "Create a pool.", 0, POOL },
    { "pool-define", vsh_cmd_pool_define, vsh_opts_pool_file,
      "define an inactive persistent storage pool or modify an existing "
      "persistent one from an XML file",
      "Define or modify a persistent storage pool.", 0, POOL },
    { "pool-define-as", vsh_cmd_pool_define_as, vsh_opts_pool_x_as,
      "define a pool from a set of args",
      "Define a pool.", 0, POOL },
    { "pool-delete", vsh_cmd_pool_delete, vsh_opts_pool,
      "delete a pool",
      "Delete a given pool.", 0, POOL },
    { "pool-destroy", vsh_cmd_pool_destroy, vsh_opts_pool,
      "destroy (stop) a pool",
      "Forcefully stop a given pool. Raw data in the pool is untouched", 0, POOL },
    { "pool-dumpxml", vsh_cmd_pool_dumpxml, vsh_opts_pool_dumpxml,
      "pool information in XML",
      "Output the pool information as an XML dump to stdout.", 0, POOL },
    { "pool-edit", vsh_cmd_pool_edit, vsh_opts_pool,
      "edit XML configuration for a storage pool",
      "Edit the XML configuration for a storage pool.", 0, POOL },
    { "pool-event", vsh_cmd_pool_event, vsh_opts_pool_event,
      "Storage Pool Events",
      "List event types, or wait for storage pool events to occur", 0, POOL },
    { "pool-info", vsh_cmd_pool_info, vsh_opts_pool_info,
      "storage pool information",
      "Returns basic information about the storage pool.", 0, POOL },
    { "pool-list", vsh_cmd_pool_list, vsh_opts_pool_list,
      "list pools",
      "Returns list of pools.", 0, POOL },
    { "pool-refresh", vsh_cmd_pool_refresh, vsh_opts_pool,
      "refresh a pool",
      "Refresh a given pool.", 0, POOL },
    { "pool-start", vsh_cmd_pool_start, vsh_opts_pool_start,
      "start a (previously defined) inactive pool",
      "Start a pool.", 0, POOL },
    { "pool-undefine", vsh_cmd_pool_undefine, vsh_opts_pool,
      "undefine an inactive pool",
      "Undefine the configuration for an inactive pool.", 0, POOL },
    { "vol-clone", vsh_cmd_vol_clone, vsh_opts_vol_clone,
      "clone a volume.",
      "Clone an existing volume within the parent pool.", 0, VOL },
    { "vol-create", vsh_cmd_vol_create, vsh_opts_vol_create,
      "create a vol from an XML file",
      "Create a vol.", 0, VOL },
    { "vol-create-as", vsh_cmd_vol_create_as, vsh_opts_vol_create_as,
      "create a volume from a set of args",
      "Create a vol.", 0, VOL },
    { "vol-create-from", vsh_cmd_vol_create_from, vsh_opts_vol_create_from,
      "create a vol, using another volume as input",
      "Create a vol from an existing volume.", 0, VOL },
    { "vol-delete", vsh_cmd_vol_delete, vsh_opts_vol,
      "delete a vol",
      "Delete a given vol.", 0, VOL },
    { "vol-download", vsh_cmd_vol_download, vsh_opts_vol_transfer,
      "download volume contents to a file",
      "Download the contents of a volume to a file (a progress bar on a "
      "terminal for long transfers).", 0, VOL },
    { "vol-dumpxml", vsh_cmd_vol_dumpxml, vsh_opts_vol,
      "vol information in XML",
      "Output the vol information as an XML dump to stdout.", 0, VOL },
    { "vol-info", vsh_cmd_vol_info, vsh_opts_vol_info,
      "storage vol information",
      "Returns basic information about the storage vol.", 0, VOL },
    { "vol-key", vsh_cmd_vol_key, vsh_opts_vol_key,
      "returns the volume key for a given volume name or path",
      "Returns the volume key for a given volume name or path.", 0, VOL },
    { "vol-list", vsh_cmd_vol_list, vsh_opts_vol_list,
      "list vols",
      "Returns list of vols by pool.", 0, VOL },
    { "vol-name", vsh_cmd_vol_name, vsh_opts_vol_name,
      "returns the volume name for a given volume key or path",
      "Returns the volume name for a given volume key or path.", 0, VOL },
    { "vol-path", vsh_cmd_vol_path, vsh_opts_vol,
      "returns the volume path for a given volume name or key",
      "Returns the volume path for a given volume name or key.", 0, VOL },
    { "vol-pool", vsh_cmd_vol_pool, vsh_opts_vol_pool,
      "returns the storage pool for a given volume key or path",
      "Returns the storage pool for a given volume key or path.", 0, VOL },
    { "vol-resize", vsh_cmd_vol_resize, vsh_opts_vol_resize,
      "resize a vol",
      "Resizes a storage volume. This is safe only for storage volumes not "
      "in use by an active guest.", 0, VOL },
    { "vol-upload", vsh_cmd_vol_upload, vsh_opts_vol_transfer,
      "upload file contents to a volume",
      "Upload the contents of a file to a volume (a progress bar on a "
      "terminal for long transfers).", 0, VOL },
    { "vol-wipe", vsh_cmd_vol_wipe, vsh_opts_vol_wipe,
      "wipe a vol",
      "Ensure data previously on a volume is not accessible to future reads.", 0, VOL },

    { "autostart", vsh_cmd_autostart, opts_autostart, "autostart a domain",
      "Configure a domain to be automatically started at boot.", 0,
      "Domain" },
    { "console", vsh_cmd_console, opts_console,
      "connect to the guest console", "Connect the virtual serial console "
      "for the guest.  Ctrl-] (or the end of standard input) leaves.", 0,
      "Domain" },
    { "create", vsh_cmd_create, opts_create,
      "create a domain from an XML file", "Create a domain.", 0, "Domain" },
    { "define", vsh_cmd_define, opts_define,
      "define (but don't start) a domain from an XML file",
      "Define a domain.", 0, "Domain" },
    { "destroy", vsh_cmd_destroy, opts_destroy, "destroy (stop) a domain",
      "Forcefully stop a given domain, but leave its resources intact.", 0,
      "Domain" },
    { "dominfo", vsh_cmd_dominfo, opts_domain, "domain information",
      "Returns basic information about the domain.", 0, "Domain" },
    { "domid", vsh_cmd_domid, opts_domain, "convert a domain name or UUID "
      "to domain id", "Print the id of a domain ('-' when not running).",
      0, "Domain" },
    { "domname", vsh_cmd_domname, opts_domain,
      "convert a domain id or UUID to domain name",
      "Print the name of a domain.", 0, "Domain" },
    { "domstate", vsh_cmd_domstate, opts_domstate, "domain state",
      "Returns state about a domain.", 0, "Domain" },
    { "domuuid", vsh_cmd_domuuid, opts_domain,
      "convert a domain name or id to domain UUID",
      "Print the UUID of a domain.", 0, "Domain" },
    { "dumpxml", vsh_cmd_dumpxml, opts_dumpxml, "domain information in XML",
      "Output the domain information as an XML dump to stdout.", 0,
      "Domain" },
    { "edit", vsh_cmd_edit, opts_domain, "edit XML configuration for a "
      "domain", "Edit the XML configuration for a domain in $VISUAL, "
      "$EDITOR or vi, then redefine it.", 0, "Domain" },
    { "event", vsh_cmd_event, opts_event, "Domain Events",
      "List event types, or wait for domain events to occur", 0, "Domain" },
    { "list", vsh_cmd_list, opts_list, "list domains",
      "Returns list of domains.", 0, "Domain" },
    { "reboot", vsh_cmd_reboot, opts_power, "reboot a domain",
      "Run a reboot command in the target domain.", 0, "Domain" },
    { "reset", vsh_cmd_reset, opts_domain, "reset a domain",
      "Reset the target domain as if by power button", 0, "Domain" },
    { "resume", vsh_cmd_resume, opts_domain, "resume a domain",
      "Resume a previously suspended domain.", 0, "Domain" },
    { "shutdown", vsh_cmd_shutdown, opts_power,
      "gracefully shutdown a domain",
      "Run shutdown in the target domain.", 0, "Domain" },
    { "start", vsh_cmd_start, opts_start,
      "start a (previously defined) inactive domain",
      "Start a domain via a fresh boot.", 0, "Domain" },
    { "suspend", vsh_cmd_suspend, opts_domain, "suspend a domain",
      "Suspend a running domain.", 0, "Domain" },
    { "undefine", vsh_cmd_undefine, opts_undefine, "undefine a domain",
      "Undefine an inactive domain, or convert persistent to transient.", 0,
      "Domain" },
    { "domifaddr", vsh_cmd_domifaddr, opts_domifaddr,
      "Get network interfaces' addresses for a running domain",
      "Get network interfaces' addresses for a running domain (from the "
      "DHCP leases of its networks)", 0, "Domain" },
    { "domiflist", vsh_cmd_domiflist, opts_domiflist,
      "list all domain virtual interfaces",
      "Get network interfaces of a domain.", 0, "Domain" },
    { "net-autostart", vsh_cmd_net_autostart, opts_net_autostart,
      "autostart a network",
      "Configure a network to be automatically started at boot.", 0, NET },
    { "net-create", vsh_cmd_net_create, opts_net_file,
      "create a network from an XML file",
      "Create a network (transient: gone when destroyed).", 0, NET },
    { "net-define", vsh_cmd_net_define, opts_net_file,
      "define an inactive persistent virtual network or modify an existing "
      "persistent one from an XML file", "Define or modify a persistent "
      "virtual network.", 0, NET },
    { "net-destroy", vsh_cmd_net_destroy, opts_network,
      "destroy (stop) a network", "Forcefully stop a given network.", 0,
      NET },
    { "net-dhcp-leases", vsh_cmd_net_dhcp_leases, opts_net_leases,
      "print lease info for a given network",
      "Print lease info for a given network", 0, NET },
    { "net-dumpxml", vsh_cmd_net_dumpxml, opts_net_dumpxml,
      "network information in XML",
      "Output the network information as an XML dump to stdout.", 0, NET },
    { "net-edit", vsh_cmd_net_edit, opts_network,
      "edit XML configuration for a network",
      "Edit the XML configuration for a network.", 0, NET },
    { "net-event", vsh_cmd_net_event, opts_net_event, "Network Events",
      "List event types, or wait for network events to occur", 0, NET },
    { "net-info", vsh_cmd_net_info, opts_network, "network information",
      "Returns basic information about the network", 0, NET },
    { "net-list", vsh_cmd_net_list, opts_net_list, "list networks",
      "Returns list of networks.", 0, NET },
    { "net-name", vsh_cmd_net_name, opts_network,
      "convert a network UUID to network name",
      "Print the name of a network.", 0, NET },
    { "net-start", vsh_cmd_net_start, opts_network,
      "start a (previously defined) inactive network",
      "Start a network.", 0, NET },
    { "net-undefine", vsh_cmd_net_undefine, opts_network,
      "undefine a persistent network", "Undefine the configuration for a "
      "persistent network.", 0, NET },
    { "net-update", vsh_cmd_net_update, opts_net_update,
      "update parts of an existing network's configuration",
      "Update part of an existing network's configuration.", 0, NET },
    { "net-uuid", vsh_cmd_net_uuid, opts_network,
      "convert a network name to network UUID",
      "Print the UUID of a network.", 0, NET },
    { "capabilities", vsh_cmd_capabilities, opts_none, "capabilities",
      "Returns capabilities of hypervisor/driver.", 0, "Host" },
    { "domcapabilities", vsh_cmd_domcapabilities, opts_domcaps,
      "domain capabilities",
      "Returns capabilities of emulator with respect to host and libvirt.",
      0, "Host" },
    { "hostname", vsh_cmd_hostname, opts_none, "print the hypervisor "
      "hostname", "Print the name of the daemon's host.", 0, "Host" },
    { "nodeinfo", vsh_cmd_nodeinfo, opts_none, "node information",
      "Returns basic information about the node.", 0, "Host" },
    { "uri", vsh_cmd_uri, opts_none, "print the hypervisor canonical URI",
      "Print the URI of the connection.", 0, "Host" },
    { "version", vsh_cmd_version, opts_version, "show version",
      "Display the system version information.", 0, "Host" },
    { "connect", vsh_cmd_connect, opts_connect, "(re)connect to hypervisor",
      "Connect to local hypervisor. This is built-in command after shell "
      "start up.", VSH_CMD_NOCONNECT, "Shell" },
    { "exit", vsh_cmd_quit, opts_none, "quit this interactive terminal",
      "Quit this interactive terminal.", VSH_CMD_NOCONNECT, "Shell" },
    { "help", vsh_cmd_help, opts_help, "print help",
      "Prints global help, command specific help, or help for a group of "
      "related commands.", VSH_CMD_NOCONNECT, "Shell" },
    { "quit", vsh_cmd_quit, opts_none, "quit this interactive terminal",
      "Quit this interactive terminal.", VSH_CMD_NOCONNECT, "Shell" },
    { NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

const VshCmdDef *
vsh_cmd_table(void)
{
    return commands;
}

const VshCmdDef *
vsh_cmd_lookup(const char *name)
{
    for (const VshCmdDef *c = commands; c->name; c++) {
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

void
vsh_cmd_free(VshCmd *cmd)
{
    if (!cmd)
        return;
    g_clear_pointer(&cmd->opts, g_hash_table_unref);
    g_free(cmd);
}

static const VshOptDef *
opt_lookup(const VshCmdDef *def, const char *name)
{
    for (const VshOptDef *o = def->opts; o->name; o++) {
        if (strcmp(o->name, name) == 0)
            return o;
    }
    return NULL;
}

/* The next positional option not given yet, or NULL. */
static const VshOptDef *
opt_next_positional(const VshCmdDef *def, GHashTable *seen)
{
    for (const VshOptDef *o = def->opts; o->name; o++) {
        if ((o->flags & VSH_OFLAG_POS) &&
            (!g_hash_table_contains(seen, o->name) ||
             (o->flags & VSH_OFLAG_MULTI)))
            return o;
    }
    return NULL;
}

/* Store @value for @opt; a repeated MULTI option (--diskspec A
 * --diskspec B) keeps every value, joined by newlines. */
static void
put_multi(VshCmd *cmd, const VshOptDef *opt, const char *value)
{
    const char *old = g_hash_table_lookup(cmd->opts, opt->name);

    if (old && (opt->flags & VSH_OFLAG_MULTI))
        g_hash_table_insert(cmd->opts, (char *) opt->name,
                            g_strdup_printf("%s\n%s", old, value));
    else
        g_hash_table_insert(cmd->opts, (char *) opt->name, g_strdup(value));
}

/* One "--name[=value]" argument (value maybe taken from the next
 * argument).  Returns the number of arguments used, or -1. */
static int
parse_named(VshCmd *cmd, char **argv, int remaining)
{
    g_autofree char *name = g_strdup(argv[0] + 2);
    char *eq = strchr(name, '=');
    const VshOptDef *opt;

    if (eq)
        *eq = '\0';
    if (!(opt = opt_lookup(cmd->def, name))) {
        fprintf(stderr, "error: command '%s' doesn't support option --%s\n",
                cmd->def->name, name);
        return -1;
    }
    if (opt->type == VSH_OT_BOOL) {
        if (eq) {
            fprintf(stderr, "error: option --%s takes no value\n", name);
            return -1;
        }
        g_hash_table_insert(cmd->opts, (char *) opt->name, g_strdup(""));
        return 1;
    }
    if (!eq && remaining < 2) {
        fprintf(stderr, "error: expected syntax: --%s <string>\n", name);
        return -1;
    }
    put_multi(cmd, opt, eq ? eq + 1 : argv[1]);
    return eq ? 1 : 2;
}

/* Every required option present?  Prints the first missing one. */
static bool
check_required(const VshCmd *cmd)
{
    for (const VshOptDef *o = cmd->def->opts; o->name; o++) {
        if ((o->flags & VSH_OFLAG_REQ) &&
            !g_hash_table_contains(cmd->opts, o->name)) {
            fprintf(stderr, "error: command '%s' requires <%s> option\n",
                    cmd->def->name, o->name);
            return false;
        }
    }
    return true;
}

VshCmd *
vsh_cmd_parse(int argc, char **argv)
{
    g_autoptr(VshCmd) cmd = g_new0(VshCmd, 1);
    bool only_data = false;
    int i = 1;

    if (argc < 1 || !(cmd->def = vsh_cmd_lookup(argv[0]))) {
        fprintf(stderr, "error: unknown command: '%s'\n",
                argc > 0 ? argv[0] : "");
        return NULL;
    }
    cmd->opts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    while (i < argc) {
        const VshOptDef *pos;
        int used = 1;

        if (!only_data && strcmp(argv[i], "--") == 0) {
            only_data = true;
        } else if (!only_data && g_str_has_prefix(argv[i], "--")) {
            if ((used = parse_named(cmd, argv + i, argc - i)) < 0)
                return NULL;
        } else if ((pos = opt_next_positional(cmd->def, cmd->opts))) {
            const char *prev = g_hash_table_lookup(cmd->opts, pos->name);

            g_hash_table_insert(cmd->opts, (char *) pos->name, prev
                                ? g_strconcat(prev, "\n", argv[i], NULL)
                                : g_strdup(argv[i]));
        } else {
            fprintf(stderr, "error: unexpected data '%s'\n", argv[i]);
            return NULL;
        }
        i += used;
    }
    if (!check_required(cmd))
        return NULL;
    return g_steal_pointer(&cmd);
}

const char *
vsh_cmd_opt(const VshCmd *cmd, const char *name)
{
    return g_hash_table_lookup(cmd->opts, name);
}

bool
vsh_cmd_has(const VshCmd *cmd, const char *name)
{
    return g_hash_table_contains(cmd->opts, name);
}

/* "help": the command list by group, or one command's manual. */
static void
help_all(void)
{
    const char *groups[] = { "Domain", "Host", NET, POOL, VOL,
                             "Snapshot", "Shell" };

    printf("Grouped commands:\n\n");
    for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
        printf(" %s (help keyword '%s'):\n", groups[g], groups[g]);
        for (const VshCmdDef *c = commands; c->name; c++) {
            if (strcmp(c->group, groups[g]) == 0)
                printf("    %-18s %s\n", c->name, c->summary);
        }
        printf("\n");
    }
}

static void
help_command(const VshCmdDef *def)
{
    printf("  NAME\n    %s - %s\n\n  SYNOPSIS\n    %s", def->name,
           def->summary, def->name);
    for (const VshOptDef *o = def->opts; o->name; o++) {
        bool req = o->flags & VSH_OFLAG_REQ;

        if (o->type == VSH_OT_BOOL)
            printf(" [--%s]", o->name);
        else if (o->flags & VSH_OFLAG_POS)
            printf(req ? " <%s>" : " [<%s>]", o->name);
        else
            printf(req ? " --%s <string>" : " [--%s <string>]", o->name);
    }
    printf("\n\n  DESCRIPTION\n    %s\n\n", def->desc);
    if (!def->opts[0].name)
        return;
    printf("  OPTIONS\n");
    for (const VshOptDef *o = def->opts; o->name; o++) {
        g_autofree char *left = NULL;

        if (o->type == VSH_OT_BOOL)
            left = g_strdup_printf("--%s", o->name);
        else if (o->flags & VSH_OFLAG_POS)
            left = g_strdup_printf("[--%s] <string>", o->name);
        else
            left = g_strdup_printf("--%s <string>", o->name);
        printf("    %-15s  %s\n", left, o->help);
    }
    printf("\n");
}

bool
vsh_cmd_help(VshCtl *ctl, const VshCmd *cmd)
{
    const char *name = vsh_cmd_opt(cmd, "command");
    const VshCmdDef *def;

    if (!name) {
        help_all();
        return true;
    }
    if (!(def = vsh_cmd_lookup(name))) {
        vsh_error(ctl, "command or command group '%s' doesn't exist", name);
        return false;
    }
    help_command(def);
    return true;
}
