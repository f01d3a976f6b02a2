/* domain_enums.c: the string tables of the domain XML enums.  Entry 0 of
 * an optional enum is "" or "default": it parses only when spelled so,
 * and the formatter never emits it. */
#include <config.h>

#include <string.h>

#include "conf/domain_enums.h"

int
vr_enum_lookup(const char *const *table, int n, const char *str)
{
    if (!str)
        return -1;
    for (int i = 0; i < n; i++) {
        if (table[i] && table[i][0] && strcmp(table[i], str) == 0)
            return i;
    }
    return -1;
}

VR_ENUM_IMPL(vr_domain_virt, VR_DOMAIN_VIRT_LAST, "qemu", "kvm")
VR_ENUM_IMPL(vr_domain_addr, VR_DOMAIN_ADDR_LAST,
             "none", "pci", "drive", "virtio-serial")
VR_ENUM_IMPL(vr_domain_disk_type, VR_DOMAIN_DISK_TYPE_LAST,
             "file", "block", "volume")
VR_ENUM_IMPL(vr_domain_disk_device, VR_DOMAIN_DISK_DEVICE_LAST,
             "disk", "cdrom")
VR_ENUM_IMPL(vr_domain_disk_bus, VR_DOMAIN_DISK_BUS_LAST,
             "", "ide", "fdc", "scsi", "virtio", "usb", "sata")
VR_ENUM_IMPL(vr_domain_disk_cache, VR_DOMAIN_DISK_CACHE_LAST,
             "default", "none", "writethrough", "writeback", "directsync",
             "unsafe")
VR_ENUM_IMPL(vr_domain_disk_io, VR_DOMAIN_DISK_IO_LAST,
             "default", "native", "threads", "io_uring")
VR_ENUM_IMPL(vr_domain_disk_discard, VR_DOMAIN_DISK_DISCARD_LAST,
             "default", "unmap", "ignore")
VR_ENUM_IMPL(vr_domain_controller_type, VR_DOMAIN_CONTROLLER_TYPE_LAST,
             "ide", "fdc", "scsi", "sata", "virtio-serial", "usb", "pci")
VR_ENUM_IMPL(vr_domain_net_type, VR_DOMAIN_NET_TYPE_LAST,
             "user", "ethernet", "network", "bridge")
VR_ENUM_IMPL(vr_domain_chr_device, VR_DOMAIN_CHR_DEVICE_LAST,
             "serial", "console", "channel")
VR_ENUM_IMPL(vr_domain_chr_type, VR_DOMAIN_CHR_TYPE_LAST,
             "pty", "file", "unix")
VR_ENUM_IMPL(vr_domain_chr_target, VR_DOMAIN_CHR_TARGET_LAST,
             "", "isa-serial", "usb-serial", "pci-serial", "serial", "virtio")
VR_ENUM_IMPL(vr_domain_chr_mode, VR_DOMAIN_CHR_MODE_LAST,
             "", "bind", "connect")
VR_ENUM_IMPL(vr_domain_input_type, VR_DOMAIN_INPUT_TYPE_LAST,
             "mouse", "tablet", "keyboard")
VR_ENUM_IMPL(vr_domain_input_bus, VR_DOMAIN_INPUT_BUS_LAST,
             "", "ps2", "usb", "virtio")
VR_ENUM_IMPL(vr_domain_graphics_type, VR_DOMAIN_GRAPHICS_TYPE_LAST,
             "vnc", "spice")
VR_ENUM_IMPL(vr_domain_video_type, VR_DOMAIN_VIDEO_TYPE_LAST,
             "default", "vga", "cirrus", "qxl", "virtio", "bochs", "ramfb",
             "none")
VR_ENUM_IMPL(vr_domain_memballoon_model, VR_DOMAIN_MEMBALLOON_LAST,
             "virtio", "none")
VR_ENUM_IMPL(vr_domain_rng_model, VR_DOMAIN_RNG_MODEL_LAST, "virtio")
VR_ENUM_IMPL(vr_domain_rng_backend, VR_DOMAIN_RNG_BACKEND_LAST, "random")
VR_ENUM_IMPL(vr_domain_boot_dev, VR_DOMAIN_BOOT_LAST,
             "hd", "cdrom", "network", "fd")
VR_ENUM_IMPL(vr_domain_loader_type, VR_DOMAIN_LOADER_TYPE_LAST,
             "", "rom", "pflash")
VR_ENUM_IMPL(vr_tristate, VR_TRISTATE_LAST, "", "yes", "no")
VR_ENUM_IMPL(vr_domain_vcpu_placement, VR_DOMAIN_VCPU_PLACEMENT_LAST,
             "static", "auto")
VR_ENUM_IMPL(vr_domain_cpu_mode, VR_DOMAIN_CPU_MODE_LAST,
             "", "custom", "host-model", "host-passthrough", "maximum")
VR_ENUM_IMPL(vr_domain_cpu_match, VR_DOMAIN_CPU_MATCH_LAST,
             "", "minimum", "exact", "strict")
VR_ENUM_IMPL(vr_domain_cpu_check, VR_DOMAIN_CPU_CHECK_LAST,
             "", "none", "partial", "full")
VR_ENUM_IMPL(vr_domain_cpu_fallback, VR_DOMAIN_CPU_FALLBACK_LAST,
             "", "allow", "forbid")
VR_ENUM_IMPL(vr_domain_clock_offset, VR_DOMAIN_CLOCK_LAST,
             "utc", "localtime")
VR_ENUM_IMPL(vr_domain_timer_name, VR_DOMAIN_TIMER_LAST,
             "rtc", "pit", "hpet", "kvmclock", "tsc")
VR_ENUM_IMPL(vr_domain_tickpolicy, VR_DOMAIN_TICKPOLICY_LAST,
             "", "delay", "catchup", "merge", "discard")
VR_ENUM_IMPL(vr_domain_lifecycle, VR_DOMAIN_LIFECYCLE_LAST,
             "destroy", "restart", "rename-restart", "preserve")
