/* domain_def.c: allocation, destruction and deep copy of the domain
 * definition tree, and the domain name check. */
#include <config.h>

#include <string.h>

#include "conf/domain_conf_priv.h"
#include "util/vr_error.h"

#define VR_NEW_ARRAY(fn) g_ptr_array_new_with_free_func((GDestroyNotify)(fn))

VrDomainDef *
vr_domain_def_new(void)
{
    VrDomainDef *def = g_new0(VrDomainDef, 1);

    def->timers = VR_NEW_ARRAY(g_free);
    def->disks = VR_NEW_ARRAY(vr_domain_disk_def_free);
    def->controllers = VR_NEW_ARRAY(vr_domain_controller_def_free);
    def->nets = VR_NEW_ARRAY(vr_domain_net_def_free);
    def->serials = VR_NEW_ARRAY(vr_domain_chr_def_free);
    def->consoles = VR_NEW_ARRAY(vr_domain_chr_def_free);
    def->channels = VR_NEW_ARRAY(vr_domain_chr_def_free);
    def->inputs = VR_NEW_ARRAY(g_free);
    def->graphics = VR_NEW_ARRAY(vr_domain_graphics_def_free);
    def->videos = VR_NEW_ARRAY(g_free);
    def->rngs = VR_NEW_ARRAY(vr_domain_rng_def_free);
    def->on_reboot = VR_DOMAIN_LIFECYCLE_RESTART;
    return def;
}

void
vr_domain_disk_def_free(VrDomainDiskDef *disk)
{
    if (!disk)
        return;
    g_free(disk->driver_name);
    g_free(disk->driver_type);
    g_free(disk->src_path);
    g_free(disk->src_pool);
    g_free(disk->src_volume);
    g_free(disk->dst);
    g_free(disk->serial);
    g_free(disk);
}

void
vr_domain_controller_def_free(VrDomainControllerDef *ctrl)
{
    if (!ctrl)
        return;
    g_free(ctrl->model);
    g_free(ctrl);
}

void
vr_domain_net_def_free(VrDomainNetDef *net)
{
    if (!net)
        return;
    g_free(net->source);
    g_free(net->model);
    g_free(net->target_dev);
    g_free(net);
}

void
vr_domain_chr_def_free(VrDomainChrDef *chr)
{
    if (!chr)
        return;
    g_free(chr->path);
    g_free(chr->target_name);
    g_free(chr);
}

void
vr_domain_graphics_def_free(VrDomainGraphicsDef *gfx)
{
    if (!gfx)
        return;
    g_free(gfx->listen);
    g_free(gfx->passwd);
    g_free(gfx);
}

void
vr_domain_rng_def_free(VrDomainRngDef *rng)
{
    if (!rng)
        return;
    g_free(rng->source);
    g_free(rng);
}

void
vr_domain_def_free(VrDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->os_type);
    g_free(def->os_arch);
    g_free(def->os_machine);
    g_free(def->emulator);
    g_free(def->metadata);
    g_free(def->os_kernel);
    g_free(def->os_initrd);
    g_free(def->os_cmdline);
    g_free(def->os_loader);
    g_free(def->os_nvram);
    g_free(def->cpu_model);
    g_clear_pointer(&def->timers, g_ptr_array_unref);
    g_clear_pointer(&def->disks, g_ptr_array_unref);
    g_clear_pointer(&def->controllers, g_ptr_array_unref);
    g_clear_pointer(&def->nets, g_ptr_array_unref);
    g_clear_pointer(&def->serials, g_ptr_array_unref);
    g_clear_pointer(&def->consoles, g_ptr_array_unref);
    g_clear_pointer(&def->channels, g_ptr_array_unref);
    g_clear_pointer(&def->inputs, g_ptr_array_unref);
    g_clear_pointer(&def->graphics, g_ptr_array_unref);
    g_clear_pointer(&def->videos, g_ptr_array_unref);
    g_clear_pointer(&def->rngs, g_ptr_array_unref);
    g_free(def->memballoon);
    g_free(def);
}

static gpointer
vr_copy_plain(gconstpointer src, gpointer size)
{
    return g_memdup2(src, GPOINTER_TO_SIZE(size));
}

static gpointer
vr_copy_disk(gconstpointer src, gpointer data)
{
    const VrDomainDiskDef *o = src;
    VrDomainDiskDef *c = g_memdup2(o, sizeof(*o));

    c->driver_name = g_strdup(o->driver_name);
    c->driver_type = g_strdup(o->driver_type);
    c->src_path = g_strdup(o->src_path);
    c->src_pool = g_strdup(o->src_pool);
    c->src_volume = g_strdup(o->src_volume);
    c->dst = g_strdup(o->dst);
    c->serial = g_strdup(o->serial);
    return c;
}

static gpointer
vr_copy_controller(gconstpointer src, gpointer data)
{
    const VrDomainControllerDef *o = src;
    VrDomainControllerDef *c = g_memdup2(o, sizeof(*o));

    c->model = g_strdup(o->model);
    return c;
}

static gpointer
vr_copy_net(gconstpointer src, gpointer data)
{
    const VrDomainNetDef *o = src;
    VrDomainNetDef *c = g_memdup2(o, sizeof(*o));

    c->source = g_strdup(o->source);
    c->model = g_strdup(o->model);
    c->target_dev = g_strdup(o->target_dev);
    return c;
}

static gpointer
vr_copy_chr(gconstpointer src, gpointer data)
{
    const VrDomainChrDef *o = src;
    VrDomainChrDef *c = g_memdup2(o, sizeof(*o));

    c->path = g_strdup(o->path);
    c->target_name = g_strdup(o->target_name);
    return c;
}

static gpointer
vr_copy_graphics(gconstpointer src, gpointer data)
{
    const VrDomainGraphicsDef *o = src;
    VrDomainGraphicsDef *c = g_memdup2(o, sizeof(*o));

    c->listen = g_strdup(o->listen);
    c->passwd = g_strdup(o->passwd);
    return c;
}

static gpointer
vr_copy_rng(gconstpointer src, gpointer data)
{
    const VrDomainRngDef *o = src;
    VrDomainRngDef *c = g_memdup2(o, sizeof(*o));

    c->source = g_strdup(o->source);
    return c;
}

/* Replace *@dst's contents with deep copies of @src's elements. */
static void
vr_copy_array(GPtrArray *dst, const GPtrArray *src, GCopyFunc fn,
              gpointer data)
{
    for (guint i = 0; i < src->len; i++)
        g_ptr_array_add(dst, fn(g_ptr_array_index(src, i), data));
}

static void
vr_domain_def_copy_strings(VrDomainDef *c, const VrDomainDef *o)
{
    c->name = g_strdup(o->name);
    c->title = g_strdup(o->title);
    c->description = g_strdup(o->description);
    c->os_type = g_strdup(o->os_type);
    c->os_arch = g_strdup(o->os_arch);
    c->os_machine = g_strdup(o->os_machine);
    c->emulator = g_strdup(o->emulator);
    c->metadata = g_strdup(o->metadata);
    c->os_kernel = g_strdup(o->os_kernel);
    c->os_initrd = g_strdup(o->os_initrd);
    c->os_cmdline = g_strdup(o->os_cmdline);
    c->os_loader = g_strdup(o->os_loader);
    c->os_nvram = g_strdup(o->os_nvram);
    c->cpu_model = g_strdup(o->cpu_model);
}

VrDomainDef *
vr_domain_def_copy(const VrDomainDef *def)
{
    VrDomainDef *c = vr_domain_def_new();
    VrDomainDef saved = *c;

    /* scalars from @def, then fresh arrays, then owned strings */
    *c = *def;
    c->timers = saved.timers;
    c->disks = saved.disks;
    c->controllers = saved.controllers;
    c->nets = saved.nets;
    c->serials = saved.serials;
    c->consoles = saved.consoles;
    c->channels = saved.channels;
    c->inputs = saved.inputs;
    c->graphics = saved.graphics;
    c->videos = saved.videos;
    c->rngs = saved.rngs;
    vr_domain_def_copy_strings(c, def);
    vr_copy_array(c->timers, def->timers, vr_copy_plain,
                  GSIZE_TO_POINTER(sizeof(VrDomainTimerDef)));
    vr_copy_array(c->disks, def->disks, vr_copy_disk, NULL);
    vr_copy_array(c->controllers, def->controllers, vr_copy_controller, NULL);
    vr_copy_array(c->nets, def->nets, vr_copy_net, NULL);
    vr_copy_array(c->serials, def->serials, vr_copy_chr, NULL);
    vr_copy_array(c->consoles, def->consoles, vr_copy_chr, NULL);
    vr_copy_array(c->channels, def->channels, vr_copy_chr, NULL);
    vr_copy_array(c->inputs, def->inputs, vr_copy_plain,
                  GSIZE_TO_POINTER(sizeof(VrDomainInputDef)));
    vr_copy_array(c->graphics, def->graphics, vr_copy_graphics, NULL);
    vr_copy_array(c->videos, def->videos, vr_copy_plain,
                  GSIZE_TO_POINTER(sizeof(VrDomainVideoDef)));
    vr_copy_array(c->rngs, def->rngs, vr_copy_rng, NULL);
    c->memballoon = def->memballoon ?
        g_memdup2(def->memballoon, sizeof(*def->memballoon)) : NULL;
    return c;
}

bool
vr_domain_name_check(const char *name)
{
    const char *why = NULL;

    if (!name || !*name)
        why = "must not be empty";
    else if (strlen(name) > 255)
        why = "must be at most 255 bytes long";
    else if (name[0] == '.')
        why = "must not start with '.'";
    else if (strchr(name, '/'))
        why = "must not contain '/'";
    else {
        for (const char *p = name; *p; p++) {
            if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                why = "must not contain control characters";
                break;
            }
        }
    }
    if (!why)
        return true;
    vr_error_report(VR_ERR_XML_ERROR, VR_FROM_DOMAIN,
                    "invalid domain name '%s': a name %s",
                    name ? name : "", why);
    return false;
}
