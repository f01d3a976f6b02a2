/* qemu_command_net.c: network interfaces: a -netdev back end (user, or a
 * tap whose fd the driver opened and passes in QemuCommandParams) and the
 * NIC front end (-device virtio-net-pci / e1000 / rtl8139 ...).  Ids as
 * libvirt: netdev "hostnetN", device "netN".
 */
#include <config.h>

#include <string.h>

#include "conf/domain_enums.h"
#include "drivers/qemu/qemu_command_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"

/* The QEMU device for a NIC model (libvirt's default is rtl8139). */
static const char *
net_driver(const VrDomainNetDef *n)
{
    static const char *const plain[] = { "e1000", "e1000e", "rtl8139",
                                         "ne2k_pci", "pcnet", "vmxnet3",
                                         NULL };

    if (!n->model)
        return "rtl8139";
    if (g_str_equal(n->model, "virtio"))
        return "virtio-net-pci";
    if (g_strv_contains(plain, n->model))
        return n->model;
    return NULL;
}

VrJson *
qemu_net_props(const VrDomainDef *def, size_t index, const QemuCaps *caps,
               const QemuPciPlan *plan, unsigned int bootindex)
{
    const VrDomainNetDef *n = g_ptr_array_index(def->nets, index);
    const char *driver = net_driver(n);
    g_autoptr(VrJson) props = vr_json_new_object();
    g_autofree char *what = g_strdup_printf("interface 'net%zu'", index);
    char buf[32];

    if (!driver) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "%s: model '%s' is not supported", what, n->model);
        return NULL;
    }
    if (qemu_cmd_need_device(caps, driver, what) < 0)
        return NULL;
    vr_json_object_set_string(props, "driver", driver);
    g_snprintf(buf, sizeof(buf), "hostnet%zu", index);
    vr_json_object_set_string(props, "netdev", buf);
    g_snprintf(buf, sizeof(buf), "net%zu", index);
    vr_json_object_set_string(props, "id", buf);
    g_snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0],
               n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    vr_json_object_set_string(props, "mac", buf);
    qemu_pci_props(plan, &plan->nets[index], props);
    if (bootindex)
        vr_json_object_set_uint(props, "bootindex", bootindex);
    return g_steal_pointer(&props);
}

static VrJson *
netdev_props(QemuCmdCtx *ctx, const VrDomainNetDef *n, size_t index)
{
    VrJson *nd = vr_json_new_object();
    char buf[32];

    switch (n->type) {
    case VR_DOMAIN_NET_TYPE_USER:
        vr_json_object_set_string(nd, "type", "user");
        break;
    case VR_DOMAIN_NET_TYPE_ETHERNET:
        vr_json_object_set_string(nd, "type", "tap");
        if (n->target_dev)
            vr_json_object_set_string(nd, "ifname", n->target_dev);
        vr_json_object_set_string(nd, "script", "no");
        vr_json_object_set_string(nd, "downscript", "no");
        break;
    case VR_DOMAIN_NET_TYPE_NETWORK:
    case VR_DOMAIN_NET_TYPE_BRIDGE:
    default: {
        const QemuCommandParams *p = ctx->params;
        int fd;

        if (!p->tap_fds || ctx->next_tap_fd >= p->n_tap_fds) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "interface 'net%zu' of type '%s': no tap device "
                            "was prepared for it", index,
                            vr_domain_net_type_to_string(n->type));
            vr_json_free(nd);
            return NULL;
        }
        fd = p->tap_fds[ctx->next_tap_fd++];
        vr_command_pass_fd(ctx->cmd, fd);
        vr_json_object_set_string(nd, "type", "tap");
        g_snprintf(buf, sizeof(buf), "%d", fd);
        vr_json_object_set_string(nd, "fd", buf);
        break;
    }
    }
    g_snprintf(buf, sizeof(buf), "hostnet%zu", index);
    vr_json_object_set_string(nd, "id", buf);
    return nd;
}

int
qemu_cmd_build_nets(QemuCmdCtx *ctx, const unsigned int *net_boot)
{
    const VrDomainDef *def = ctx->def;

    for (guint i = 0; i < def->nets->len; i++) {
        VrJson *dev = qemu_net_props(def, i, ctx->caps, &ctx->plan,
                                     net_boot[i]);
        VrJson *nd;

        if (!dev)
            return -1;
        if (!(nd = netdev_props(ctx, g_ptr_array_index(def->nets, i), i))) {
            vr_json_free(dev);
            return -1;
        }
        qemu_cmd_add_json(ctx, "-netdev", nd);
        qemu_cmd_add_device(ctx, dev);
    }
    return 0;
}
