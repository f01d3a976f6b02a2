/* domain_def.h: the domain definition tree (one owner, copied, never
 * shared).  The conf owner extends this file with device detail; the
 * top-level fields listed first are a contract used by the drivers.
 *
 * Every enum ends with a _LAST sentinel and has to/from-string functions
 * (domain_enums.h).  Unset optional enums use a 0 "DEFAULT"/"NONE" value
 * that is never formatted.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef enum {
    VR_DOMAIN_VIRT_QEMU = 0,   /* TCG */
    VR_DOMAIN_VIRT_KVM,
    VR_DOMAIN_VIRT_LAST
} VrDomainVirtType;

typedef enum {
    VR_DOMAIN_ADDR_NONE = 0,
    VR_DOMAIN_ADDR_PCI,
    VR_DOMAIN_ADDR_DRIVE,
    VR_DOMAIN_ADDR_VIRTIO_SERIAL,
    VR_DOMAIN_ADDR_LAST
} VrDomainAddrType;

/* A device address; which fields count depends on @type. */
typedef struct {
    VrDomainAddrType type;
    unsigned int domain;      /* pci */
    unsigned int bus;         /* pci, drive, virtio-serial */
    unsigned int slot;        /* pci */
    unsigned int function;    /* pci */
    bool multifunction;       /* pci */
    unsigned int controller;  /* drive, virtio-serial */
    unsigned int target;      /* drive */
    unsigned int unit;        /* drive */
    unsigned int port;        /* virtio-serial */
} VrDomainAddress;

typedef enum {
    VR_DOMAIN_DISK_TYPE_FILE = 0,
    VR_DOMAIN_DISK_TYPE_BLOCK,
    VR_DOMAIN_DISK_TYPE_VOLUME,
    VR_DOMAIN_DISK_TYPE_LAST
} VrDomainDiskType;

typedef enum {
    VR_DOMAIN_DISK_DEVICE_DISK = 0,
    VR_DOMAIN_DISK_DEVICE_CDROM,
    VR_DOMAIN_DISK_DEVICE_LAST
} VrDomainDiskDevice;

typedef enum {
    VR_DOMAIN_DISK_BUS_NONE = 0,
    VR_DOMAIN_DISK_BUS_IDE,
    VR_DOMAIN_DISK_BUS_FDC,
    VR_DOMAIN_DISK_BUS_SCSI,
    VR_DOMAIN_DISK_BUS_VIRTIO,
    VR_DOMAIN_DISK_BUS_USB,
    VR_DOMAIN_DISK_BUS_SATA,
    VR_DOMAIN_DISK_BUS_LAST
} VrDomainDiskBus;

typedef enum {
    VR_DOMAIN_DISK_CACHE_DEFAULT = 0,
    VR_DOMAIN_DISK_CACHE_NONE,
    VR_DOMAIN_DISK_CACHE_WRITETHROUGH,
    VR_DOMAIN_DISK_CACHE_WRITEBACK,
    VR_DOMAIN_DISK_CACHE_DIRECTSYNC,
    VR_DOMAIN_DISK_CACHE_UNSAFE,
    VR_DOMAIN_DISK_CACHE_LAST
} VrDomainDiskCache;

typedef enum {
    VR_DOMAIN_DISK_IO_DEFAULT = 0,
    VR_DOMAIN_DISK_IO_NATIVE,
    VR_DOMAIN_DISK_IO_THREADS,
    VR_DOMAIN_DISK_IO_URING,
    VR_DOMAIN_DISK_IO_LAST
} VrDomainDiskIo;

typedef enum {
    VR_DOMAIN_DISK_DISCARD_DEFAULT = 0,
    VR_DOMAIN_DISK_DISCARD_UNMAP,
    VR_DOMAIN_DISK_DISCARD_IGNORE,
    VR_DOMAIN_DISK_DISCARD_LAST
} VrDomainDiskDiscard;

typedef struct {
    VrDomainDiskType type;
    VrDomainDiskDevice device;
    char *driver_name;        /* "qemu" */
    char *driver_type;        /* "raw", "qcow2" */
    VrDomainDiskCache cache;
    VrDomainDiskIo io;
    VrDomainDiskDiscard discard;
    char *src_path;           /* file= or dev=; NULL for an empty cdrom */
    char *src_pool;           /* volume */
    char *src_volume;         /* volume */
    char *dst;                /* target dev, "vda" */
    VrDomainDiskBus bus;
    bool readonly;
    bool shareable;
    char *serial;
    unsigned int boot_order;  /* 0 = none */
    VrDomainAddress addr;
} VrDomainDiskDef;

typedef enum {
    VR_DOMAIN_CONTROLLER_TYPE_IDE = 0,
    VR_DOMAIN_CONTROLLER_TYPE_FDC,
    VR_DOMAIN_CONTROLLER_TYPE_SCSI,
    VR_DOMAIN_CONTROLLER_TYPE_SATA,
    VR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    VR_DOMAIN_CONTROLLER_TYPE_USB,
    VR_DOMAIN_CONTROLLER_TYPE_PCI,
    VR_DOMAIN_CONTROLLER_TYPE_LAST
} VrDomainControllerType;

typedef struct {
    VrDomainControllerType type;
    unsigned int index;
    char *model;              /* "piix3-uhci", "pcie-root", ...; may be NULL */
    VrDomainAddress addr;
} VrDomainControllerDef;

typedef enum {
    VR_DOMAIN_NET_TYPE_USER = 0,
    VR_DOMAIN_NET_TYPE_ETHERNET,
    VR_DOMAIN_NET_TYPE_NETWORK,
    VR_DOMAIN_NET_TYPE_BRIDGE,
    VR_DOMAIN_NET_TYPE_LAST
} VrDomainNetType;

typedef struct {
    VrDomainNetType type;
    unsigned char mac[6];
    bool mac_set;             /* false until given or generated */
    char *source;             /* network name or bridge name */
    char *model;              /* "virtio", "e1000", ... */
    char *target_dev;         /* host tap name */
    unsigned int boot_order;
    VrDomainAddress addr;
} VrDomainNetDef;

typedef enum {
    VR_DOMAIN_CHR_DEVICE_SERIAL = 0,
    VR_DOMAIN_CHR_DEVICE_CONSOLE,
    VR_DOMAIN_CHR_DEVICE_CHANNEL,
    VR_DOMAIN_CHR_DEVICE_LAST
} VrDomainChrDevice;

typedef enum {
    VR_DOMAIN_CHR_TYPE_PTY = 0,
    VR_DOMAIN_CHR_TYPE_FILE,
    VR_DOMAIN_CHR_TYPE_UNIX,
    VR_DOMAIN_CHR_TYPE_LAST
} VrDomainChrType;

/* <target type=...>; serial: isa-serial/usb-serial/pci-serial;
 * console: serial/virtio; channel: virtio. */
typedef enum {
    VR_DOMAIN_CHR_TARGET_NONE = 0,
    VR_DOMAIN_CHR_TARGET_ISA_SERIAL,
    VR_DOMAIN_CHR_TARGET_USB_SERIAL,
    VR_DOMAIN_CHR_TARGET_PCI_SERIAL,
    VR_DOMAIN_CHR_TARGET_SERIAL,
    VR_DOMAIN_CHR_TARGET_VIRTIO,
    VR_DOMAIN_CHR_TARGET_LAST
} VrDomainChrTarget;

typedef enum {
    VR_DOMAIN_CHR_MODE_DEFAULT = 0,
    VR_DOMAIN_CHR_MODE_BIND,
    VR_DOMAIN_CHR_MODE_CONNECT,
    VR_DOMAIN_CHR_MODE_LAST
} VrDomainChrMode;

typedef struct {
    VrDomainChrDevice device;
    VrDomainChrType type;
    char *path;               /* file, unix; pty: the live /dev/pts path (set
                               * by the driver; formatted only in live XML) */
    VrDomainChrMode mode;     /* unix */
    VrDomainChrTarget target_type;
    int target_port;          /* -1 = unset */
    char *target_name;        /* channel: "org.qemu.guest_agent.0" */
    VrDomainAddress addr;
} VrDomainChrDef;

typedef enum {
    VR_DOMAIN_INPUT_TYPE_MOUSE = 0,
    VR_DOMAIN_INPUT_TYPE_TABLET,
    VR_DOMAIN_INPUT_TYPE_KEYBOARD,
    VR_DOMAIN_INPUT_TYPE_LAST
} VrDomainInputType;

typedef enum {
    VR_DOMAIN_INPUT_BUS_NONE = 0,
    VR_DOMAIN_INPUT_BUS_PS2,
    VR_DOMAIN_INPUT_BUS_USB,
    VR_DOMAIN_INPUT_BUS_VIRTIO,
    VR_DOMAIN_INPUT_BUS_LAST
} VrDomainInputBus;

typedef struct {
    VrDomainInputType type;
    VrDomainInputBus bus;
    VrDomainAddress addr;
} VrDomainInputDef;

typedef enum {
    VR_DOMAIN_GRAPHICS_TYPE_VNC = 0,
    VR_DOMAIN_GRAPHICS_TYPE_SPICE,
    VR_DOMAIN_GRAPHICS_TYPE_LAST
} VrDomainGraphicsType;

typedef struct {
    VrDomainGraphicsType type;
    int port;                 /* -1 with autoport */
    bool autoport;
    char *listen;             /* address; may be NULL */
    char *passwd;             /* formatted only with FORMAT_SECURE */
} VrDomainGraphicsDef;

typedef enum {
    VR_DOMAIN_VIDEO_TYPE_DEFAULT = 0,
    VR_DOMAIN_VIDEO_TYPE_VGA,
    VR_DOMAIN_VIDEO_TYPE_CIRRUS,
    VR_DOMAIN_VIDEO_TYPE_QXL,
    VR_DOMAIN_VIDEO_TYPE_VIRTIO,
    VR_DOMAIN_VIDEO_TYPE_BOCHS,
    VR_DOMAIN_VIDEO_TYPE_RAMFB,
    VR_DOMAIN_VIDEO_TYPE_NONE,
    VR_DOMAIN_VIDEO_TYPE_LAST
} VrDomainVideoType;

typedef struct {
    VrDomainVideoType type;
    unsigned int vram;        /* KiB; 0 = unset */
    unsigned int heads;       /* 0 = unset */
    bool primary;
    VrDomainAddress addr;
} VrDomainVideoDef;

typedef enum {
    VR_DOMAIN_MEMBALLOON_VIRTIO = 0,
    VR_DOMAIN_MEMBALLOON_NONE,
    VR_DOMAIN_MEMBALLOON_LAST
} VrDomainMemballoonModel;

typedef struct {
    VrDomainMemballoonModel model;
    VrDomainAddress addr;
} VrDomainMemballoonDef;

typedef enum {
    VR_DOMAIN_RNG_MODEL_VIRTIO = 0,
    VR_DOMAIN_RNG_MODEL_LAST
} VrDomainRngModel;

typedef enum {
    VR_DOMAIN_RNG_BACKEND_RANDOM = 0,
    VR_DOMAIN_RNG_BACKEND_LAST
} VrDomainRngBackend;

typedef struct {
    VrDomainRngModel model;
    VrDomainRngBackend backend;
    char *source;             /* "/dev/urandom" */
    VrDomainAddress addr;
} VrDomainRngDef;

typedef enum {
    VR_DOMAIN_BOOT_HD = 0,
    VR_DOMAIN_BOOT_CDROM,
    VR_DOMAIN_BOOT_NETWORK,
    VR_DOMAIN_BOOT_FD,
    VR_DOMAIN_BOOT_LAST
} VrDomainBootDev;

#define VR_DOMAIN_BOOT_MAX 4

typedef enum {
    VR_DOMAIN_LOADER_TYPE_NONE = 0,
    VR_DOMAIN_LOADER_TYPE_ROM,
    VR_DOMAIN_LOADER_TYPE_PFLASH,
    VR_DOMAIN_LOADER_TYPE_LAST
} VrDomainLoaderType;

typedef enum {
    VR_TRISTATE_ABSENT = 0,
    VR_TRISTATE_YES,
    VR_TRISTATE_NO,
    VR_TRISTATE_LAST
} VrTristate;

typedef enum {
    VR_DOMAIN_VCPU_PLACEMENT_STATIC = 0,
    VR_DOMAIN_VCPU_PLACEMENT_AUTO,
    VR_DOMAIN_VCPU_PLACEMENT_LAST
} VrDomainVcpuPlacement;

typedef enum {
    VR_DOMAIN_CPU_MODE_NONE = 0,     /* no <cpu> element */
    VR_DOMAIN_CPU_MODE_CUSTOM,
    VR_DOMAIN_CPU_MODE_HOST_MODEL,
    VR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
    VR_DOMAIN_CPU_MODE_MAXIMUM,
    VR_DOMAIN_CPU_MODE_LAST
} VrDomainCpuMode;

typedef enum {
    VR_DOMAIN_CPU_MATCH_DEFAULT = 0,
    VR_DOMAIN_CPU_MATCH_MINIMUM,
    VR_DOMAIN_CPU_MATCH_EXACT,
    VR_DOMAIN_CPU_MATCH_STRICT,
    VR_DOMAIN_CPU_MATCH_LAST
} VrDomainCpuMatch;

typedef enum {
    VR_DOMAIN_CPU_CHECK_DEFAULT = 0,
    VR_DOMAIN_CPU_CHECK_NONE,
    VR_DOMAIN_CPU_CHECK_PARTIAL,
    VR_DOMAIN_CPU_CHECK_FULL,
    VR_DOMAIN_CPU_CHECK_LAST
} VrDomainCpuCheck;

typedef enum {
    VR_DOMAIN_CPU_FALLBACK_DEFAULT = 0,
    VR_DOMAIN_CPU_FALLBACK_ALLOW,
    VR_DOMAIN_CPU_FALLBACK_FORBID,
    VR_DOMAIN_CPU_FALLBACK_LAST
} VrDomainCpuFallback;

typedef enum {
    VR_DOMAIN_CLOCK_UTC = 0,
    VR_DOMAIN_CLOCK_LOCALTIME,
    VR_DOMAIN_CLOCK_LAST
} VrDomainClockOffset;

typedef enum {
    VR_DOMAIN_TIMER_RTC = 0,
    VR_DOMAIN_TIMER_PIT,
    VR_DOMAIN_TIMER_HPET,
    VR_DOMAIN_TIMER_KVMCLOCK,
    VR_DOMAIN_TIMER_TSC,
    VR_DOMAIN_TIMER_LAST
} VrDomainTimerName;

typedef enum {
    VR_DOMAIN_TICKPOLICY_DEFAULT = 0,
    VR_DOMAIN_TICKPOLICY_DELAY,
    VR_DOMAIN_TICKPOLICY_CATCHUP,
    VR_DOMAIN_TICKPOLICY_MERGE,
    VR_DOMAIN_TICKPOLICY_DISCARD,
    VR_DOMAIN_TICKPOLICY_LAST
} VrDomainTickpolicy;

typedef struct {
    VrDomainTimerName name;
    VrDomainTickpolicy tickpolicy;
    VrTristate present;
} VrDomainTimerDef;

typedef enum {
    VR_DOMAIN_LIFECYCLE_DESTROY = 0,
    VR_DOMAIN_LIFECYCLE_RESTART,
    VR_DOMAIN_LIFECYCLE_RENAME_RESTART,
    VR_DOMAIN_LIFECYCLE_PRESERVE,
    VR_DOMAIN_LIFECYCLE_LAST
} VrDomainLifecycleAction;

typedef struct _VrDomainDef VrDomainDef;

struct _VrDomainDef {
    /* ---- contract fields ---- */
    VrDomainVirtType virt_type;
    char *name;
    unsigned char uuid[16];
    char *title;                    /* may be NULL */
    char *description;              /* may be NULL */
    unsigned long long max_memory_kib;   /* <memory> */
    unsigned long long cur_memory_kib;   /* <currentMemory> (defaults to max) */
    unsigned int vcpus;             /* current vCPUs */
    unsigned int max_vcpus;         /* <vcpu> value */
    char *os_type;                  /* "hvm" */
    char *os_arch;                  /* "x86_64" after post-parse */
    char *os_machine;               /* may be NULL */
    char *emulator;                 /* may be NULL */
    /* ---- conf-owned detail below (devices, features, clock, ...) ---- */
    bool uuid_set;                  /* parse saw <uuid> (post-parse sets it) */
    char *metadata;                 /* serialized children of <metadata> */
    unsigned long long hotplug_memory_kib;  /* <maxMemory>; 0 = absent */
    unsigned int memory_slots;
    VrDomainVcpuPlacement placement;

    /* <os> */
    VrDomainBootDev boot_devs[VR_DOMAIN_BOOT_MAX];
    size_t nboot_devs;
    char *os_kernel;
    char *os_initrd;
    char *os_cmdline;
    char *os_loader;
    VrTristate os_loader_readonly;
    VrDomainLoaderType os_loader_type;
    char *os_nvram;

    /* <features> */
    bool feature_acpi;
    bool feature_apic;
    bool feature_pae;

    /* <cpu> */
    VrDomainCpuMode cpu_mode;
    VrDomainCpuMatch cpu_match;
    VrDomainCpuCheck cpu_check;
    char *cpu_model;
    VrDomainCpuFallback cpu_fallback;

    /* <clock> */
    VrDomainClockOffset clock_offset;
    GPtrArray *timers;              /* VrDomainTimerDef * */

    VrDomainLifecycleAction on_poweroff;
    VrDomainLifecycleAction on_reboot;
    VrDomainLifecycleAction on_crash;

    /* <devices>: each array owns its elements (free func set) */
    GPtrArray *disks;               /* VrDomainDiskDef * */
    GPtrArray *controllers;         /* VrDomainControllerDef * */
    GPtrArray *nets;                /* VrDomainNetDef * */
    GPtrArray *serials;             /* VrDomainChrDef * */
    GPtrArray *consoles;            /* VrDomainChrDef * */
    GPtrArray *channels;            /* VrDomainChrDef * */
    GPtrArray *inputs;              /* VrDomainInputDef * */
    GPtrArray *graphics;            /* VrDomainGraphicsDef * */
    GPtrArray *videos;              /* VrDomainVideoDef * */
    VrDomainMemballoonDef *memballoon;   /* may be NULL */
    GPtrArray *rngs;                /* VrDomainRngDef * */
};
