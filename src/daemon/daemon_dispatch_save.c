/* daemon_dispatch_save.c: save, restore, managed save and save images
 * (daemon_dispatch_save.h).  XDR in, one QEMU driver call, XDR out.
 */
#include <config.h>

#include "daemon/daemon_dispatch_save.h"
#include "drivers/qemu/qemu_save.h"
#include "util/vr_error.h"

static const char *
opt_string(vr_string s)
{
    return s ? *s : NULL;
}

static int
save(VrRpcSession *sess, const vr_nonnull_domain *dom, const char *to,
     const char *dxml, unsigned int flags)
{
    QemuDomainRef ref;

    if (daemon_client_check_write(sess, "virDomainSaveFlags") < 0)
        return -1;
    daemon_dom_from_wire(&ref, dom);
    return qemu_domain_save(daemon_client_driver(sess), &ref, to, dxml,
                            flags);
}

DAEMON_HANDLER(domain_save)
{
    const vr_domain_save_args *a = args;

    (void) ret;
    return save(sess, &a->dom, a->to, NULL, 0);
}

DAEMON_HANDLER(domain_save_flags)
{
    const vr_domain_save_flags_args *a = args;

    (void) ret;
    return save(sess, &a->dom, a->to, opt_string(a->dxml), a->flags);
}

static int
restore(VrRpcSession *sess, const char *from, const char *dxml,
        unsigned int flags)
{
    if (daemon_client_check_write(sess, "virDomainRestoreFlags") < 0)
        return -1;
    return qemu_domain_restore(daemon_client_driver(sess), from, dxml, flags);
}

DAEMON_HANDLER(domain_restore)
{
    const vr_domain_restore_args *a = args;

    (void) ret;
    return restore(sess, a->from, NULL, 0);
}

DAEMON_HANDLER(domain_restore_flags)
{
    const vr_domain_restore_flags_args *a = args;

    (void) ret;
    return restore(sess, a->from, opt_string(a->dxml), a->flags);
}

DAEMON_HANDLER(domain_save_image_get_xml_desc)
{
    const vr_domain_save_image_get_xml_desc_args *a = args;
    vr_domain_save_image_get_xml_desc_ret *r = ret;

    /* libvirt wants a writable connection for the secure XML */
    if ((a->flags & 1) &&
        daemon_client_check_write(sess, "virDomainSaveImageGetXMLDesc") < 0)
        return -1;
    r->xml = qemu_domain_save_image_get_xml(daemon_client_driver(sess),
                                            a->file, a->flags);
    return r->xml ? 0 : -1;
}

DAEMON_HANDLER(domain_save_image_define_xml)
{
    const vr_domain_save_image_define_xml_args *a = args;

    (void) ret;
    if (daemon_client_check_write(sess, "virDomainSaveImageDefineXML") < 0)
        return -1;
    return qemu_domain_save_image_define(daemon_client_driver(sess), a->file,
                                         a->dxml, a->flags);
}

DAEMON_HANDLER(domain_managed_save)
{
    const vr_domain_flags_args *a = args;
    QemuDomainRef ref;

    (void) ret;
    if (daemon_client_check_write(sess, "virDomainManagedSave") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_domain_managed_save(daemon_client_driver(sess), &ref,
                                    a->flags);
}

DAEMON_HANDLER(domain_managed_save_remove)
{
    const vr_domain_flags_args *a = args;
    QemuDomainRef ref;

    (void) ret;
    if (daemon_client_check_write(sess, "virDomainManagedSaveRemove") < 0)
        return -1;
    daemon_dom_from_wire(&ref, &a->dom);
    return qemu_domain_managed_save_remove(daemon_client_driver(sess), &ref,
                                           a->flags);
}
