/* daemon_dispatch_hotplug.c: attach/detach/update device, setmem,
 * setmaxmem, setvcpus (FACTS.md section 8 "Memory, vCPUs, devices").
 * XDR in, one QEMU driver call (qemu_hotplug.h), nothing out.  The
 * flagless legacy calls map as libvirt maps them: ATTACH/DETACH_DEVICE,
 * SET_MEMORY and SET_VCPUS to LIVE, SET_MAX_MEMORY to MAXIMUM (current).
 */
#include <config.h>

#include "daemon/daemon_dispatch_hotstats.h"
#include "drivers/qemu/qemu_hotplug.h"

typedef int (*DeviceFunc)(QemuDriver *, const QemuDomainRef *, const char *,
                          unsigned int);

static int
device_call(VrRpcSession *sess, const vr_nonnull_domain *dom,
            const char *xml, unsigned int flags, DeviceFunc fn,
            const char *api)
{
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, api) < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    return fn(daemon_client_driver(sess), &ref, xml, flags);
}

DAEMON_HANDLER(domain_attach_device)
{
    const vr_domain_xml_args *a = args;

    (void) ret;
    return device_call(sess, &a->dom, a->xml, QEMU_AFFECT_LIVE,
                       qemu_domain_attach_device,
                       "virDomainAttachDevice");
}

DAEMON_HANDLER(domain_attach_device_flags)
{
    const vr_domain_xml_flags_args *a = args;

    (void) ret;
    return device_call(sess, &a->dom, a->xml, a->flags,
                       qemu_domain_attach_device,
                       "virDomainAttachDeviceFlags");
}

DAEMON_HANDLER(domain_detach_device)
{
    const vr_domain_xml_args *a = args;

    (void) ret;
    return device_call(sess, &a->dom, a->xml, QEMU_AFFECT_LIVE,
                       qemu_domain_detach_device,
                       "virDomainDetachDevice");
}

DAEMON_HANDLER(domain_detach_device_flags)
{
    const vr_domain_xml_flags_args *a = args;

    (void) ret;
    return device_call(sess, &a->dom, a->xml, a->flags,
                       qemu_domain_detach_device,
                       "virDomainDetachDeviceFlags");
}

DAEMON_HANDLER(domain_update_device_flags)
{
    const vr_domain_xml_flags_args *a = args;

    (void) ret;
    return device_call(sess, &a->dom, a->xml, a->flags,
                       qemu_domain_update_device,
                       "virDomainUpdateDeviceFlags");
}

static int
memory_call(VrRpcSession *sess, const vr_nonnull_domain *dom,
            unsigned long long kib, unsigned int flags)
{
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainSetMemoryFlags") < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    return qemu_domain_set_memory(daemon_client_driver(sess), &ref, kib,
                                  flags);
}

DAEMON_HANDLER(domain_set_memory)
{
    const vr_domain_set_memory_args *a = args;

    (void) ret;
    return memory_call(sess, &a->dom, a->memory, QEMU_AFFECT_LIVE);
}

DAEMON_HANDLER(domain_set_max_memory)
{
    const vr_domain_set_memory_args *a = args;

    (void) ret;
    return memory_call(sess, &a->dom, a->memory, QEMU_MEM_MAXIMUM);
}

DAEMON_HANDLER(domain_set_memory_flags)
{
    const vr_domain_set_memory_flags_args *a = args;

    (void) ret;
    return memory_call(sess, &a->dom, a->memory, a->flags);
}

static int
vcpus_call(VrRpcSession *sess, const vr_nonnull_domain *dom,
           unsigned int n, unsigned int flags)
{
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainSetVcpusFlags") < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    return qemu_domain_set_vcpus(daemon_client_driver(sess), &ref, n, flags);
}

DAEMON_HANDLER(domain_set_vcpus)
{
    const vr_domain_set_vcpus_args *a = args;

    (void) ret;
    return vcpus_call(sess, &a->dom, a->nvcpus, QEMU_AFFECT_LIVE);
}

DAEMON_HANDLER(domain_set_vcpus_flags)
{
    const vr_domain_set_vcpus_flags_args *a = args;

    (void) ret;
    return vcpus_call(sess, &a->dom, a->nvcpus, a->flags);
}
