/* vr_paths.c: system, session and relocated directory layouts. */
#include <config.h>

#include <gmodule.h>

#include "vr_error.h"
#include "vr_file.h"
#include "vr_log.h"
#include "vr_paths.h"

void
vr_paths_free(VrPaths *paths)
{
    if (!paths)
        return;
    g_free(paths->root);
    g_free(paths->config_dir);
    g_free(paths->state_dir);
    g_free(paths->run_dir);
    g_free(paths->log_dir);
    g_free(paths->sock_rw);
    g_free(paths->sock_ro);
    g_free(paths->pidfile);
    g_free(paths);
}

VrPaths *
vr_paths_new(bool privileged, const char *root)
{
    g_autoptr(VrPaths) p = g_new0(VrPaths, 1);

    p->privileged = privileged;
    if (root) {
        if (!g_path_is_absolute(root)) {
            vr_error_report(VR_ERR_INVALID_ARG, VR_FROM_NONE,
                            "root directory '%s' must be an absolute path",
                            root);
            return NULL;
        }
        p->root = g_strdup(root);
        p->config_dir = g_build_filename(root, "etc", "vireo", NULL);
        p->state_dir = g_build_filename(root, "var", "lib", "vireo", NULL);
        p->run_dir = g_build_filename(root, "run", "vireo", NULL);
        p->log_dir = g_build_filename(root, "var", "log", "vireo", NULL);
    } else if (privileged) {
        p->config_dir = g_strdup("/etc/vireo");
        p->state_dir = g_strdup("/var/lib/vireo");
        p->run_dir = g_strdup("/run/vireo");
        p->log_dir = g_strdup("/var/log/vireo");
    } else {
        const char *runtime = g_get_user_runtime_dir();

        p->config_dir = g_build_filename(g_get_user_config_dir(), "vireo", NULL);
        p->state_dir = g_build_filename(g_get_user_data_dir(), "vireo", NULL);
        p->run_dir = g_build_filename(runtime, "vireo", NULL);
        p->log_dir = g_build_filename(g_get_user_cache_dir(), "vireo", "log",
                                      NULL);
    }
    p->sock_rw = g_build_filename(p->run_dir, "vireo-sock", NULL);
    p->sock_ro = g_build_filename(p->run_dir, "vireo-sock-ro", NULL);
    p->pidfile = g_build_filename(p->run_dir, "vireod.pid", NULL);
    return g_steal_pointer(&p);
}

int
vr_paths_create(const VrPaths *p)
{
    mode_t private_mode = p->privileged ? 0755 : 0700;

    if (vr_dir_create(p->config_dir, private_mode) < 0 ||
        vr_dir_create(p->state_dir, private_mode) < 0 ||
        vr_dir_create(p->run_dir, p->privileged ? 0755 : 0700) < 0 ||
        vr_dir_create(p->log_dir, private_mode) < 0)
        return -1;
    return 0;
}

char *
vr_module_path(const char *file)
{
    const char *dir = g_getenv("VIREO_MODULE_DIR");
    g_autofree char *exe = NULL;

    if (dir && *dir)
        return g_build_filename(dir, file, NULL);
    /* An uninstalled program in the build tree (the demo, benchmarks):
     * libtool puts the modules in .libs next to it. */
    if ((exe = g_file_read_link("/proc/self/exe", NULL))) {
        g_autofree char *exedir = g_path_get_dirname(exe);
        char *path = g_build_filename(exedir, ".libs", file, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            return path;
        g_free(path);
    }
    return g_build_filename(VIREO_MODULEDIR, file, NULL);
}

gpointer
vr_module_symbol(const char *file, const char *symbol, const char *what,
                 char **why)
{
    g_autofree char *path = vr_module_path(file);
    GModule *mod = g_module_open(path, G_MODULE_BIND_LOCAL);
    gpointer sym = NULL;

    if (!mod) {
        *why = g_strdup_printf("cannot load the %s module: %s", what,
                               g_module_error());
        return NULL;
    }
    if (!g_module_symbol(mod, symbol, &sym)) {
        *why = g_strdup_printf("'%s' is not Vireo's %s module: %s", path,
                               what, g_module_error());
        g_module_close(mod);
        return NULL;
    }
    g_module_make_resident(mod);
    VR_INFO("loaded %s module '%s'", what, path);
    return sym;
}
