/* qemu_command.c: the pure QEMU command-line builder (the machine-wide
 * options); devices are built per family in qemu_command_disk.c,
 * qemu_command_net.c, qemu_command_chardev.c and qemu_command_devices.c.
 *
 * The argument order mirrors what libvirt 9.0 generates for QEMU 7.2.
 * Choices that differ from libvirt are commented where they are made.
 * -no-shutdown: like libvirt, QEMU stays alive (stopped) after the guest
 * powers off, so the driver sees the SHUTDOWN event and decides per
 * on_poweroff (quit, or keep it for inspection).
 */
#include <config.h>

#include <string.h>

#include "conf/domain_enums.h"
#include "drivers/qemu/qemu_command_priv.h"
#include "util/vr_error.h"
#include "util/vr_json.h"
#include "util/vr_uuid.h"

void
qemu_cmd_add_json(QemuCmdCtx *ctx, const char *opt, VrJson *props)
{
    g_autofree char *text = vr_json_format(props, false);

    vr_command_add_arg_pair(ctx->cmd, opt, text);
    vr_json_free(props);
}

void
qemu_cmd_add_device(QemuCmdCtx *ctx, VrJson *props)
{
    qemu_cmd_add_json(ctx, "-device", props);
}

int
qemu_cmd_need_device(const QemuCaps *caps, const char *type, const char *what)
{
    if (qemu_caps_has_device(caps, type))
        return 0;
    vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                    "%s: device '%s' is not supported by QEMU binary '%s'",
                    what, type, qemu_caps_binary(caps));
    return -1;
}

static int
build_machine(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;
    g_autoptr(GString) opt = g_string_new(ctx->machine->name);
    bool hpet_off = false;

    g_string_append(opt, ",usb=off,dump-guest-core=off");
    if (!def->feature_acpi)
        g_string_append(opt, ",acpi=off");
    for (guint i = 0; def->timers && i < def->timers->len; i++) {
        const VrDomainTimerDef *t = g_ptr_array_index(def->timers, i);

        if (t->name == VR_DOMAIN_TIMER_HPET && t->present == VR_TRISTATE_NO)
            hpet_off = true;
    }
    if (hpet_off)
        g_string_append(opt, ",hpet=off");
    if (def->os_loader && def->os_loader_type == VR_DOMAIN_LOADER_TYPE_PFLASH)
        g_string_append(opt, ",pflash0=libvirt-pflash0-format");
    if (def->os_loader && def->os_loader_type == VR_DOMAIN_LOADER_TYPE_PFLASH &&
        def->os_nvram)
        g_string_append(opt, ",pflash1=libvirt-pflash1-format");
    vr_command_add_arg_pair(ctx->cmd, "-machine", opt->str);
    return 0;
}

static int
build_accel(QemuCmdCtx *ctx)
{
    if (ctx->def->virt_type == VR_DOMAIN_VIRT_KVM) {
        if (!ctx->params->kvm_usable || !qemu_caps_has_kvm(ctx->caps)) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "domain type 'kvm' needs a usable /dev/kvm, "
                            "which this host lacks: use <domain "
                            "type='qemu'> for emulation");
            return -1;
        }
        vr_command_add_arg_pair(ctx->cmd, "-accel", "kvm");
    } else {
        vr_command_add_arg_pair(ctx->cmd, "-accel", "tcg");
    }
    return 0;
}

static int
build_cpu(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;
    bool kvm = def->virt_type == VR_DOMAIN_VIRT_KVM;

    switch (def->cpu_mode) {
    case VR_DOMAIN_CPU_MODE_NONE:
        /* TCG: QEMU's default model (qemu64), as libvirt leaves it. */
        return 0;
    case VR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
    case VR_DOMAIN_CPU_MODE_HOST_MODEL:
        if (!kvm) {
            vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                            "CPU mode '%s' needs domain type 'kvm'",
                            vr_domain_cpu_mode_to_string(def->cpu_mode));
            return -1;
        }
        vr_command_add_arg_pair(ctx->cmd, "-cpu", "host");
        return 0;
    case VR_DOMAIN_CPU_MODE_MAXIMUM:
        vr_command_add_arg_pair(ctx->cmd, "-cpu", "max");
        return 0;
    case VR_DOMAIN_CPU_MODE_CUSTOM:
    default:
        break;
    }
    if (!def->cpu_model)
        return 0;
    for (size_t i = 0; i < qemu_caps_n_cpu_models(ctx->caps); i++)
        if (g_str_equal(qemu_caps_cpu_model(ctx->caps, i), def->cpu_model)) {
            vr_command_add_arg_pair(ctx->cmd, "-cpu", def->cpu_model);
            return 0;
        }
    vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                    "CPU model '%s' is not supported by QEMU binary '%s'",
                    def->cpu_model, qemu_caps_binary(ctx->caps));
    return -1;
}

static int
build_memory_smp(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;
    unsigned int max = def->max_vcpus ? def->max_vcpus : 1;
    unsigned int cur = def->vcpus ? def->vcpus : max;

    vr_command_add_arg(ctx->cmd, "-m");
    if (def->hotplug_memory_kib)
        vr_command_add_argf(ctx->cmd, "size=%lluk,slots=%u,maxmem=%lluk",
                            def->max_memory_kib, def->memory_slots,
                            def->hotplug_memory_kib);
    else
        vr_command_add_argf(ctx->cmd, "size=%lluk", def->max_memory_kib);
    vr_command_add_arg_pair(ctx->cmd, "-overcommit", "mem-lock=off");
    if (max > ctx->machine->max_cpus && ctx->machine->max_cpus) {
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "%u vCPUs exceed the %u that machine '%s' supports",
                        max, ctx->machine->max_cpus, ctx->machine->name);
        return -1;
    }
    vr_command_add_arg(ctx->cmd, "-smp");
    if (cur < max)
        vr_command_add_argf(ctx->cmd, "%u,maxcpus=%u,sockets=%u,dies=1,"
                            "cores=1,threads=1", cur, max, max);
    else
        vr_command_add_argf(ctx->cmd, "%u,sockets=%u,dies=1,cores=1,"
                            "threads=1", max, max);
    return 0;
}

static void
build_monitor(QemuCmdCtx *ctx)
{
    char uuid[VR_UUID_STRING_BUFLEN];

    vr_uuid_format(ctx->def->uuid, uuid);
    vr_command_add_arg_pair(ctx->cmd, "-uuid", uuid);
    if (!ctx->def->graphics->len)
        vr_command_add_arg_pair(ctx->cmd, "-display", "none");
    vr_command_add_arg(ctx->cmd, "-no-user-config");
    vr_command_add_arg(ctx->cmd, "-nodefaults");
    vr_command_add_arg(ctx->cmd, "-chardev");
    if (ctx->params->monitor_fd > 2) {
        vr_command_pass_fd(ctx->cmd, ctx->params->monitor_fd);
        vr_command_add_argf(ctx->cmd, "socket,id=charmonitor,fd=%d,"
                            "server=on,wait=off", ctx->params->monitor_fd);
    } else {
        vr_command_add_argf(ctx->cmd, "socket,id=charmonitor,path=%s,"
                            "server=on,wait=off", ctx->params->monitor_path);
    }
    vr_command_add_arg_pair(ctx->cmd, "-mon",
                            "chardev=charmonitor,id=monitor,mode=control");
    if (ctx->params->pidfile)
        vr_command_add_arg_pair(ctx->cmd, "-pidfile", ctx->params->pidfile);
}

static void
build_clock(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;
    g_autoptr(GString) rtc = g_string_new("base=");

    g_string_append(rtc, def->clock_offset == VR_DOMAIN_CLOCK_LOCALTIME ?
                    "localtime" : "utc");
    for (guint i = 0; def->timers && i < def->timers->len; i++) {
        const VrDomainTimerDef *t = g_ptr_array_index(def->timers, i);

        if (t->name == VR_DOMAIN_TIMER_RTC &&
            t->tickpolicy == VR_DOMAIN_TICKPOLICY_CATCHUP)
            g_string_append(rtc, ",driftfix=slew");
    }
    vr_command_add_arg_pair(ctx->cmd, "-rtc", rtc->str);
    for (guint i = 0; def->timers && i < def->timers->len; i++) {
        const VrDomainTimerDef *t = g_ptr_array_index(def->timers, i);

        if (t->name == VR_DOMAIN_TIMER_PIT &&
            t->tickpolicy == VR_DOMAIN_TICKPOLICY_DELAY &&
            def->virt_type == VR_DOMAIN_VIRT_KVM)
            vr_command_add_arg_pair(ctx->cmd, "-global",
                                    "kvm-pit.lost_tick_policy=delay");
    }
}

static void
add_pflash(QemuCmdCtx *ctx, const char *node, const char *path, bool ro)
{
    VrJson *file = vr_json_new_object();
    VrJson *fmt = vr_json_new_object();
    g_autofree char *storage = g_strdup_printf("%s-storage", node);
    g_autofree char *format = g_strdup_printf("%s-format", node);

    vr_json_object_set_string(file, "driver", "file");
    vr_json_object_set_string(file, "filename", path);
    vr_json_object_set_string(file, "node-name", storage);
    vr_json_object_set_bool(file, "auto-read-only", true);
    vr_json_object_set_string(file, "discard", "unmap");
    qemu_cmd_add_json(ctx, "-blockdev", file);
    vr_json_object_set_string(fmt, "node-name", format);
    vr_json_object_set_bool(fmt, "read-only", ro);
    vr_json_object_set_string(fmt, "driver", "raw");
    vr_json_object_set_string(fmt, "file", storage);
    qemu_cmd_add_json(ctx, "-blockdev", fmt);
}

static void
build_boot(QemuCmdCtx *ctx)
{
    const VrDomainDef *def = ctx->def;

    vr_command_add_arg(ctx->cmd, "-no-shutdown");
    if (def->on_reboot == VR_DOMAIN_LIFECYCLE_DESTROY)
        vr_command_add_arg(ctx->cmd, "-no-reboot");
    vr_command_add_arg_pair(ctx->cmd, "-boot", "strict=on");
    if (def->os_loader && def->os_loader_type != VR_DOMAIN_LOADER_TYPE_PFLASH)
        vr_command_add_arg_pair(ctx->cmd, "-bios", def->os_loader);
    if (def->os_kernel)
        vr_command_add_arg_pair(ctx->cmd, "-kernel", def->os_kernel);
    if (def->os_initrd)
        vr_command_add_arg_pair(ctx->cmd, "-initrd", def->os_initrd);
    if (def->os_cmdline)
        vr_command_add_arg_pair(ctx->cmd, "-append", def->os_cmdline);
    if (def->os_loader && def->os_loader_type == VR_DOMAIN_LOADER_TYPE_PFLASH) {
        add_pflash(ctx, "libvirt-pflash0", def->os_loader,
                   def->os_loader_readonly != VR_TRISTATE_NO);
        if (def->os_nvram)
            add_pflash(ctx, "libvirt-pflash1", def->os_nvram, false);
    }
}

static int
build_prologue(QemuCmdCtx *ctx)
{
    vr_command_add_arg(ctx->cmd, "-name");
    vr_command_add_argf(ctx->cmd, "guest=%s,debug-threads=on",
                        ctx->def->name);
    vr_command_add_arg(ctx->cmd, "-S");
    if (build_machine(ctx) < 0 || build_accel(ctx) < 0 ||
        build_cpu(ctx) < 0 || build_memory_smp(ctx) < 0)
        return -1;
    build_monitor(ctx);
    build_clock(ctx);
    build_boot(ctx);
    return 0;
}

static int
build_devices(QemuCmdCtx *ctx)
{
    g_autofree unsigned int *disk_boot =
        g_new0(unsigned int, ctx->def->disks->len + 1);
    g_autofree unsigned int *net_boot =
        g_new0(unsigned int, ctx->def->nets->len + 1);

    qemu_boot_indexes(ctx->def, disk_boot, net_boot);
    if (qemu_cmd_build_controllers(ctx) < 0 || qemu_cmd_build_disks(ctx, disk_boot) < 0 ||
        qemu_cmd_build_nets(ctx, net_boot) < 0 ||
        qemu_cmd_build_chardevs(ctx) < 0 || qemu_cmd_build_inputs(ctx) < 0 ||
        qemu_cmd_build_graphics(ctx) < 0 || qemu_cmd_build_videos(ctx) < 0 ||
        qemu_cmd_build_balloon_rng(ctx) < 0)
        return -1;
    vr_command_add_arg_pair(ctx->cmd, "-sandbox",
                            "on,obsolete=deny,elevateprivileges=deny,"
                            "spawn=deny,resourcecontrol=deny");
    vr_command_add_arg_pair(ctx->cmd, "-msg", "timestamp=on");
    if (ctx->params->incoming)
        vr_command_add_arg_pair(ctx->cmd, "-incoming", ctx->params->incoming);
    return 0;
}

static const QemuCapsMachine *
resolve_machine(const VrDomainDef *def, const QemuCaps *caps)
{
    const QemuCapsMachine *m = qemu_caps_find_machine(caps, def->os_machine);

    if (!m)
        vr_error_report(VR_ERR_CONFIG_UNSUPPORTED, VR_FROM_QEMU,
                        "machine type '%s' is not supported by QEMU binary "
                        "'%s'", def->os_machine ? def->os_machine : "(default)",
                        qemu_caps_binary(caps));
    return m;
}

VrCommand *
qemu_command_build(const VrDomainDef *def, const QemuCaps *caps,
                   const QemuCommandParams *params)
{
    QemuCmdCtx ctx = { .def = def, .caps = caps, .params = params };
    g_autoptr(VrCommand) cmd = NULL;
    int rc;

    if (!params->monitor_path) {
        vr_error_report(VR_ERR_INTERNAL_ERROR, VR_FROM_QEMU,
                        "no monitor path for domain '%s'", def->name);
        return NULL;
    }
    if (!(ctx.machine = resolve_machine(def, caps)) ||
        qemu_pci_plan_build(def, qemu_machine_is_q35(ctx.machine->name),
                            &ctx.plan) < 0)
        return NULL;
    cmd = vr_command_new(def->emulator ? def->emulator : qemu_caps_binary(caps));
    ctx.cmd = cmd;
    rc = build_prologue(&ctx);
    if (rc == 0)
        rc = build_devices(&ctx);
    qemu_pci_plan_clear(&ctx.plan);
    if (rc < 0)
        return NULL;
    return g_steal_pointer(&cmd);
}

VrJson *
qemu_device_props_disk(const VrDomainDef *def, size_t index,
                       const QemuCaps *caps)
{
    g_autofree unsigned int *disk_boot =
        g_new0(unsigned int, def->disks->len + 1);
    g_autofree unsigned int *net_boot =
        g_new0(unsigned int, def->nets->len + 1);
    QemuPciPlan plan;
    VrJson *props;

    if (index >= def->disks->len || qemu_pci_plan_for_def(def, caps, &plan) < 0)
        return NULL;
    qemu_boot_indexes(def, disk_boot, net_boot);
    props = qemu_disk_props(def, index, caps, &plan, disk_boot[index]);
    qemu_pci_plan_clear(&plan);
    return props;
}

VrJson *
qemu_device_props_net(const VrDomainDef *def, size_t index,
                      const QemuCaps *caps)
{
    g_autofree unsigned int *disk_boot =
        g_new0(unsigned int, def->disks->len + 1);
    g_autofree unsigned int *net_boot =
        g_new0(unsigned int, def->nets->len + 1);
    QemuPciPlan plan;
    VrJson *props;

    if (index >= def->nets->len || qemu_pci_plan_for_def(def, caps, &plan) < 0)
        return NULL;
    qemu_boot_indexes(def, disk_boot, net_boot);
    props = qemu_net_props(def, index, caps, &plan, net_boot[index]);
    qemu_pci_plan_clear(&plan);
    return props;
}
