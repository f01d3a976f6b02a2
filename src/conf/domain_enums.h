/* domain_enums.h: to/from-string tables for every enum of domain_def.h.
 *
 * Each enum NAME gets:
 *   const char *NAME_to_string(int value);  -> static string, NULL if out of range
 *   int NAME_from_string(const char *str);  -> value, or -1 (not reported)
 */
#pragma once

#include "conf/domain_def.h"

#define VR_ENUM_DECL(name) \
    const char *name##_to_string(int value); \
    int name##_from_string(const char *str); \
    int name##_last(void)

/* Implements the three functions from a string table that must list
 * exactly @last entries (checked at compile time). */
#define VR_ENUM_IMPL(name, last, ...) \
    static const char *const name##_table[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##_table) == (last)); \
    const char * \
    name##_to_string(int value) \
    { \
        if (value < 0 || value >= (int)(last)) \
            return NULL; \
        return name##_table[value]; \
    } \
    int \
    name##_from_string(const char *str) \
    { \
        return vr_enum_lookup(name##_table, (last), str); \
    } \
    int \
    name##_last(void) \
    { \
        return (last); \
    }

/* Index of @str in @table (of @n entries) or -1.  Not reported. */
int vr_enum_lookup(const char *const *table, int n, const char *str);

VR_ENUM_DECL(vr_domain_virt);
VR_ENUM_DECL(vr_domain_addr);
VR_ENUM_DECL(vr_domain_disk_type);
VR_ENUM_DECL(vr_domain_disk_device);
VR_ENUM_DECL(vr_domain_disk_bus);
VR_ENUM_DECL(vr_domain_disk_cache);
VR_ENUM_DECL(vr_domain_disk_io);
VR_ENUM_DECL(vr_domain_disk_discard);
VR_ENUM_DECL(vr_domain_controller_type);
VR_ENUM_DECL(vr_domain_net_type);
VR_ENUM_DECL(vr_domain_chr_device);
VR_ENUM_DECL(vr_domain_chr_type);
VR_ENUM_DECL(vr_domain_chr_target);
VR_ENUM_DECL(vr_domain_chr_mode);
VR_ENUM_DECL(vr_domain_input_type);
VR_ENUM_DECL(vr_domain_input_bus);
VR_ENUM_DECL(vr_domain_graphics_type);
VR_ENUM_DECL(vr_domain_video_type);
VR_ENUM_DECL(vr_domain_memballoon_model);
VR_ENUM_DECL(vr_domain_rng_model);
VR_ENUM_DECL(vr_domain_rng_backend);
VR_ENUM_DECL(vr_domain_boot_dev);
VR_ENUM_DECL(vr_domain_loader_type);
VR_ENUM_DECL(vr_tristate);
VR_ENUM_DECL(vr_domain_vcpu_placement);
VR_ENUM_DECL(vr_domain_cpu_mode);
VR_ENUM_DECL(vr_domain_cpu_match);
VR_ENUM_DECL(vr_domain_cpu_check);
VR_ENUM_DECL(vr_domain_cpu_fallback);
VR_ENUM_DECL(vr_domain_clock_offset);
VR_ENUM_DECL(vr_domain_timer_name);
VR_ENUM_DECL(vr_domain_tickpolicy);
VR_ENUM_DECL(vr_domain_lifecycle);
