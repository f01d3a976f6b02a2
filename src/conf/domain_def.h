/* domain_def.h: the domain definition tree (one owner, copied, never
 * shared).  The conf owner extends this file with device detail; the
 * top-level fields listed first are a contract used by the drivers.
 */
#pragma once

#include <stdbool.h>

typedef enum {
    VR_DOMAIN_VIRT_QEMU = 0,   /* TCG */
    VR_DOMAIN_VIRT_KVM,
    VR_DOMAIN_VIRT_LAST
} VrDomainVirtType;

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
};
