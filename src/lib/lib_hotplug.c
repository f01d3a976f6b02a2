/* lib_hotplug.c: device hotplug and tuning of domains: attach, detach and
 * update devices, vCPU count, memory.
 *
 * Every call uses libvirt's "_FLAGS" procedure even for flags 0: 0 is
 * AFFECT_CURRENT there, which is what the old procedures meant too. */
#include <config.h>

#include <string.h>

#include "lib/lib_internal.h"
#include "util/vr_error.h"

#define AFFECT_FLAGS (VIREO_DOMAIN_AFFECT_LIVE | VIREO_DOMAIN_AFFECT_CONFIG)
#define VCPU_FLAGS (AFFECT_FLAGS | VIREO_DOMAIN_VCPU_MAXIMUM | \
                    VIREO_DOMAIN_VCPU_GUEST)

/* A device call: the domain, the device XML and flags. */
static int
device_call(VireoDomain *dom, int proc, const char *xml, unsigned int flags)
{
    vr_domain_xml_flags_args args;

    vr_lib_domain_to_wire(dom, &args.dom);
    args.xml = (char *) xml;
    args.flags = flags;
    return vr_lib_call(dom->conn, proc,
                       (xdrproc_t) xdr_vr_domain_xml_flags_args, &args,
                       NULL, NULL);
}

int
vireo_domain_attach_device(VireoDomain *dom, const char *xml,
                           unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(xml, -1);
    if (VR_CHECK_FLAGS(flags, AFFECT_FLAGS) < 0)
        return -1;
    return device_call(dom, VR_PROC_DOMAIN_ATTACH_DEVICE_FLAGS, xml, flags);
}

int
vireo_domain_detach_device(VireoDomain *dom, const char *xml,
                           unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(xml, -1);
    if (VR_CHECK_FLAGS(flags, AFFECT_FLAGS) < 0)
        return -1;
    return device_call(dom, VR_PROC_DOMAIN_DETACH_DEVICE_FLAGS, xml, flags);
}

int
vireo_domain_update_device(VireoDomain *dom, const char *xml,
                           unsigned int flags)
{
    VR_LIB_CHECK_DOMAIN(dom, -1);
    VR_LIB_CHECK_ARG(xml, -1);
    if (VR_CHECK_FLAGS(flags, AFFECT_FLAGS |
                       VIREO_DOMAIN_DEVICE_MODIFY_FORCE) < 0)
        return -1;
    return device_call(dom, VR_PROC_DOMAIN_UPDATE_DEVICE_FLAGS, xml, flags);
}

int
vireo_domain_set_vcpus(VireoDomain *dom, unsigned int nvcpus,
                       unsigned int flags)
{
    vr_domain_set_vcpus_flags_args args;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, VCPU_FLAGS) < 0)
        return -1;
    if (nvcpus == 0) {
        vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                        "%s: the vCPU count must be at least 1", __func__);
        return -1;
    }
    vr_lib_domain_to_wire(dom, &args.dom);
    args.nvcpus = nvcpus;
    args.flags = flags;
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_SET_VCPUS_FLAGS,
                       (xdrproc_t) xdr_vr_domain_set_vcpus_flags_args, &args,
                       NULL, NULL);
}

int
vireo_domain_get_vcpus_count(VireoDomain *dom, unsigned int flags)
{
    vr_domain_flags_args args;
    vr_int_ret ret = { 0 };

    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, VCPU_FLAGS) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.flags = flags;
    if (vr_lib_call(dom->conn, VR_PROC_DOMAIN_GET_VCPUS_FLAGS,
                    (xdrproc_t) xdr_vr_domain_flags_args, &args,
                    (xdrproc_t) xdr_vr_int_ret, &ret) < 0)
        return -1;
    return ret.value;
}

int
vireo_domain_set_memory(VireoDomain *dom, unsigned long long kib,
                        unsigned int flags)
{
    vr_domain_set_memory_flags_args args;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    if (VR_CHECK_FLAGS(flags, AFFECT_FLAGS | VIREO_DOMAIN_MEM_MAXIMUM) < 0)
        return -1;
    vr_lib_domain_to_wire(dom, &args.dom);
    args.memory = kib;
    args.flags = flags;
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_SET_MEMORY_FLAGS,
                       (xdrproc_t) xdr_vr_domain_set_memory_flags_args,
                       &args, NULL, NULL);
}

int
vireo_domain_set_max_memory(VireoDomain *dom, unsigned long long kib)
{
    vr_domain_set_memory_args args;

    VR_LIB_CHECK_DOMAIN(dom, -1);
    vr_lib_domain_to_wire(dom, &args.dom);
    args.memory = kib;
    return vr_lib_call(dom->conn, VR_PROC_DOMAIN_SET_MAX_MEMORY,
                       (xdrproc_t) xdr_vr_domain_set_memory_args, &args,
                       NULL, NULL);
}
