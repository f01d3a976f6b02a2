/* qemu_command_priv.h: shared state of the command-line builder, split
 * per device family (qemu_command_*.c).  Not for other files.
 */
#pragma once

#include "drivers/qemu/qemu_command.h"

/* A PCI slot.function on the root bus; slot < 0 means "no PCI address"
 * (the device is not a PCI device or is built into the chipset). */
typedef struct {
    int slot;
    int function;
    bool multifunction;
} QemuPciAddr;

/* Where every PCI device of a definition goes: explicit addresses are
 * kept, the rest are assigned in libvirt's order.  Arrays are indexed
 * like the definition's device arrays. */
typedef struct {
    bool q35;
    const char *bus;              /* "pci.0" or "pcie.0" */
    QemuPciAddr *controllers;
    QemuPciAddr *disks;
    QemuPciAddr *nets;
    QemuPciAddr *videos;
    QemuPciAddr *inputs;
    QemuPciAddr *serials;
    QemuPciAddr *rngs;
    QemuPciAddr balloon;
} QemuPciPlan;

typedef struct {
    const VrDomainDef *def;
    const QemuCaps *caps;
    const QemuCommandParams *params;
    const QemuCapsMachine *machine;
    VrCommand *cmd;
    QemuPciPlan plan;
    size_t next_tap_fd;
} QemuCmdCtx;

/* qemu_command_pci.c */
bool qemu_machine_is_q35(const char *machine_name);
/* Fill @plan for @def.  Returns 0 or -1 with VR_ERR_CONFIG_UNSUPPORTED
 * (address conflict, bus other than 0, slots exhausted). */
int qemu_pci_plan_build(const VrDomainDef *def, bool q35, QemuPciPlan *plan);
void qemu_pci_plan_clear(QemuPciPlan *plan);
/* Add "bus"/"addr" (and "multifunction") for @addr to @props. */
void qemu_pci_props(const QemuPciPlan *plan, const QemuPciAddr *addr,
                    VrJson *props);
/* The plan for a definition without a command (hotplug props); NULL
 * machine name resolves like the builder does. */
int qemu_pci_plan_for_def(const VrDomainDef *def, const QemuCaps *caps,
                          QemuPciPlan *plan);

/* Append "-device" JSON(@props) and free @props. */
void qemu_cmd_add_device(QemuCmdCtx *ctx, VrJson *props);
/* Append @opt JSON(@props) and free @props. */
void qemu_cmd_add_json(QemuCmdCtx *ctx, const char *opt, VrJson *props);
/* Refuse a device type the binary lacks (VR_ERR_CONFIG_UNSUPPORTED
 * naming @what).  Returns 0 or -1. */
int qemu_cmd_need_device(const QemuCaps *caps, const char *type,
                         const char *what);

/* qemu_command_disk.c */
int qemu_cmd_build_disks(QemuCmdCtx *ctx, const unsigned int *disk_boot);
VrJson *qemu_disk_props(const VrDomainDef *def, size_t index,
                        const QemuCaps *caps, const QemuPciPlan *plan,
                        unsigned int bootindex);
/* Boot indexes for every disk and NIC (0 = none) from per-device
 * <boot order> or, failing that, <os><boot dev>. */
void qemu_boot_indexes(const VrDomainDef *def, unsigned int *disk_boot,
                       unsigned int *net_boot);

/* qemu_command_net.c */
int qemu_cmd_build_nets(QemuCmdCtx *ctx, const unsigned int *net_boot);
VrJson *qemu_net_props(const VrDomainDef *def, size_t index,
                       const QemuCaps *caps, const QemuPciPlan *plan,
                       unsigned int bootindex);

/* qemu_command_chardev.c */
int qemu_cmd_build_chardevs(QemuCmdCtx *ctx);

/* qemu_command_devices.c */
int qemu_cmd_build_controllers(QemuCmdCtx *ctx);
int qemu_cmd_build_inputs(QemuCmdCtx *ctx);
int qemu_cmd_build_graphics(QemuCmdCtx *ctx);
int qemu_cmd_build_videos(QemuCmdCtx *ctx);
int qemu_cmd_build_balloon_rng(QemuCmdCtx *ctx);
