/* vr_paths.h: where a daemon keeps definitions, state, runtime files, logs.
 *
 * DESIGN.md "Paths": system mode uses /etc/vireo, /var/lib/vireo,
 * /run/vireo, /var/log/vireo; session mode the user's XDG directories;
 * a root directory (vireod --root DIR) relocates all four under DIR.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct _VrPaths {
    bool privileged;   /* system mode */
    char *root;        /* NULL unless relocated with --root */
    char *config_dir;  /* definitions: <config>/qemu, networks, storage */
    char *state_dir;   /* images, saves, snapshots, leases */
    char *run_dir;     /* sockets, pidfile, status XML, monitors */
    char *log_dir;     /* vireod.log, qemu/NAME.log */
    char *sock_rw;     /* <run>/vireo-sock */
    char *sock_ro;     /* <run>/vireo-sock-ro */
    char *pidfile;     /* <run>/vireod.pid */
} VrPaths;

/* Compute the paths for system (@privileged) or session mode, relocated
 * under @root when it is non-NULL (it must be absolute).  Returns a new
 * VrPaths (free with vr_paths_free); NULL with an error reported when
 * @root is relative or the session directories cannot be determined. */
VrPaths *vr_paths_new(bool privileged, const char *root);

void vr_paths_free(VrPaths *paths);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrPaths, vr_paths_free)

/* Create every directory (0755, the run directory 0755, config 0700 in
 * session mode).  Returns 0 or -1 with an error reported. */
int vr_paths_create(const VrPaths *paths);

/* Path of the loadable module @file (e.g. "vireo-netlink.so"):
 * $VIREO_MODULE_DIR when set (the build tree's tests); else, for a
 * program run uninstalled from the build tree, the module libtool built
 * in .libs next to it; else the installed module directory.  Owned by
 * the caller. */
char *vr_module_path(const char *file);

/* Load the module @file (found by vr_module_path; @what names it in
 * messages: "polkit", "netlink") for the process's life and return its
 * symbol @symbol; NULL with *@why set (caller frees) when the module
 * cannot be loaded or lacks the symbol.  Callers cache the result. */
gpointer vr_module_symbol(const char *file, const char *symbol,
                          const char *what, char **why);
