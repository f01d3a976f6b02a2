/* daemon_dispatch_info.c: per-domain queries (info, state, flags, labels,
 * metadata, messages): XDR in, one QEMU driver call, XDR out.
 */
#include <config.h>

#include <string.h>

#include "daemon/daemon_dispatch_priv.h"
#include "util/vr_error.h"

/* Most queries take vr_domain_args: convert it. */
static QemuDomainRef
ref_of(const void *args)
{
    const vr_domain_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    return ref;
}

static QemuDomainRef
ref_of_flags(const void *args, unsigned int *flags)
{
    const vr_domain_flags_args *a = args;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    *flags = a->flags;
    return ref;
}

DAEMON_HANDLER(domain_get_info)
{
    vr_domain_get_info_ret *r = ret;
    QemuDomainRef ref = ref_of(args);
    QemuDomainInfo info;

    if (qemu_domain_get_info(daemon_client_driver(sess), &ref, &info) < 0)
        return -1;
    r->state = (unsigned char) info.state;
    r->max_mem = info.max_mem_kib;
    r->memory = info.memory_kib;
    r->nr_virt_cpu = (unsigned short) info.nr_virt_cpu;
    r->cpu_time = info.cpu_time_ns;
    return 0;
}

DAEMON_HANDLER(domain_get_max_memory)
{
    vr_domain_get_max_memory_ret *r = ret;
    QemuDomainRef ref = ref_of(args);
    unsigned long long kib;

    if (qemu_domain_get_max_memory(daemon_client_driver(sess), &ref,
                                   &kib) < 0)
        return -1;
    r->memory = kib;
    return 0;
}

DAEMON_HANDLER(domain_get_max_vcpus)
{
    vr_int_ret *r = ret;
    QemuDomainRef ref = ref_of(args);

    r->value = qemu_domain_get_max_vcpus(daemon_client_driver(sess), &ref);
    return r->value < 0 ? -1 : 0;
}

DAEMON_HANDLER(domain_get_os_type)
{
    vr_domain_get_os_type_ret *r = ret;
    QemuDomainRef ref = ref_of(args);

    r->type = qemu_domain_get_os_type(daemon_client_driver(sess), &ref);
    return r->type ? 0 : -1;
}

DAEMON_HANDLER(domain_get_security_label)
{
    vr_domain_get_security_label_ret *r = ret;
    QemuDomainRef ref = ref_of(args);
    g_autofree char *label = NULL;
    int enforcing;

    if (qemu_domain_get_security_label(daemon_client_driver(sess), &ref,
                                       &label, &enforcing) < 0)
        return -1;
    /* char<N>: the count includes the NUL, as libvirtd sends it. */
    r->label.label_len = strlen(label) + 1;
    r->label.label_val = g_steal_pointer(&label);
    r->enforcing = enforcing;
    return 0;
}

static int
int_reply(int value, void *ret)
{
    vr_int_ret *r = ret;

    if (value < 0)
        return -1;
    r->value = value;
    return 0;
}

DAEMON_HANDLER(domain_is_active)
{
    QemuDomainRef ref = ref_of(args);

    return int_reply(qemu_domain_is_active(daemon_client_driver(sess), &ref),
                     ret);
}

DAEMON_HANDLER(domain_is_persistent)
{
    QemuDomainRef ref = ref_of(args);

    return int_reply(qemu_domain_is_persistent(daemon_client_driver(sess),
                                               &ref), ret);
}

DAEMON_HANDLER(domain_is_updated)
{
    QemuDomainRef ref = ref_of(args);

    return int_reply(qemu_domain_is_updated(daemon_client_driver(sess), &ref),
                     ret);
}

DAEMON_HANDLER(domain_has_managed_save_image)
{
    unsigned int flags;
    QemuDomainRef ref = ref_of_flags(args, &flags);

    return int_reply(qemu_domain_has_managed_save(daemon_client_driver(sess),
                                                  &ref, flags), ret);
}

DAEMON_HANDLER(domain_snapshot_num)
{
    unsigned int flags;
    QemuDomainRef ref = ref_of_flags(args, &flags);

    return int_reply(qemu_domain_snapshot_num(daemon_client_driver(sess),
                                              &ref, flags), ret);
}

DAEMON_HANDLER(domain_get_state)
{
    vr_domain_get_state_ret *r = ret;
    unsigned int flags;
    QemuDomainRef ref = ref_of_flags(args, &flags);

    return qemu_domain_get_state(daemon_client_driver(sess), &ref, flags,
                                 &r->state, &r->reason);
}

DAEMON_HANDLER(domain_get_metadata)
{
    const vr_domain_get_metadata_args *a = args;
    vr_domain_get_metadata_ret *r = ret;
    QemuDomainRef ref;

    daemon_dom_from_wire(&ref, &a->dom);
    r->metadata = qemu_domain_get_metadata(daemon_client_driver(sess), &ref,
                                           a->type, a->uri ? *a->uri : NULL,
                                           a->flags);
    return r->metadata ? 0 : -1;
}

DAEMON_HANDLER(domain_get_messages)
{
    vr_domain_get_messages_ret *r = ret;
    unsigned int flags;
    QemuDomainRef ref = ref_of_flags(args, &flags);
    char **msgs = qemu_domain_get_messages(daemon_client_driver(sess), &ref,
                                           flags);
    guint n;

    if (!msgs)
        return -1;
    n = g_strv_length(msgs);
    for (guint i = VR_DOMAIN_MESSAGES_MAX; i < n; i++)
        g_clear_pointer(&msgs[i], g_free);
    n = MIN(n, VR_DOMAIN_MESSAGES_MAX);
    r->msgs.msgs_len = n;
    r->msgs.msgs_val = msgs;
    return 0;
}
