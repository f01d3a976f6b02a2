/* storage_pool_dir.c: the dir pool backend, and the file-volume code the
 * fs and netfs backends share: build (mkdir with permissions), start
 * (the target must be a directory), refresh (every regular file or block
 * device in the target is a volume, sized by qemu-img info), file volume
 * create / delete / resize.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "storage/storage_driver_priv.h"
#include "util/vr_error.h"
#include "util/vr_log.h"
#include "util/vr_macros.h"

int
storage_apply_perms(int fd, const char *path, const VrStoragePerms *perms,
                    int default_mode)
{
    int mode = perms->mode >= 0 ? perms->mode : default_mode;

    if (fchmod(fd, mode) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot set mode of '%s' to %04o", path,
                               mode);
        return -1;
    }
    if ((perms->owner >= 0 || perms->group >= 0) &&
        fchown(fd, perms->owner >= 0 ? (uid_t) perms->owner : (uid_t) -1,
               perms->group >= 0 ? (gid_t) perms->group : (gid_t) -1) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot change ownership of '%s'", path);
        return -1;
    }
    return 0;
}

VrStorageVolDef *
storage_vol_def_blank(const char *name)
{
    VrStorageVolDef *vol = g_new0(VrStorageVolDef, 1);

    /* No source devices for file volumes and LVs read with lvs. */
    vol->source_devices = g_ptr_array_new();
    vol->name = g_strdup(name);
    vol->target_perms.mode = -1;
    vol->target_perms.owner = vol->target_perms.group = -1;
    return vol;
}

int
storage_dir_build(const VrStoragePoolDef *def, unsigned int flags)
{
    VR_AUTOCLOSE int fd = -1;
    const char *path = def->target_path;

    (void) flags;
    if (g_mkdir_with_parents(path, 0755) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot create path '%s'", path);
        return -1;
    }
    if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot open directory '%s'", path);
        return -1;
    }
    return storage_apply_perms(fd, path, &def->target_perms,
                               VR_STORAGE_POOL_DEFAULT_MODE);
}

int
storage_dir_start(const VrStoragePoolDef *def)
{
    struct stat st;

    if (stat(def->target_path, &st) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot open directory '%s'",
                               def->target_path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        vr_error_report_system(ENOTDIR, VR_FROM_STORAGE,
                               "cannot open directory '%s'",
                               def->target_path);
        return -1;
    }
    return 0;
}

bool
storage_dir_check(const VrStoragePoolDef *def)
{
    return g_file_test(def->target_path, G_FILE_TEST_IS_DIR);
}

static int
dir_stop(const VrStoragePoolDef *def)
{
    (void) def;
    return 0;
}

int
storage_dir_delete(const VrStoragePoolDef *def, unsigned int flags)
{
    (void) flags;
    if (rmdir(def->target_path) < 0 && errno != ENOENT) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "failed to remove pool '%s'",
                               def->target_path);
        return -1;
    }
    return 0;
}

/* A volume def for file @path (@st its stat), sizes from qemu-img info;
 * an unreadable image is listed as raw with its file sizes. */
static VrStorageVolDef *
scan_file(const char *name, const char *path, const struct stat *st)
{
    VrStorageVolDef *vol = storage_vol_def_blank(name);
    StorageImgInfo info = { 0 };

    vol->key = g_strdup(path);
    vol->target_path = g_strdup(path);
    vol->type = S_ISBLK(st->st_mode) ? VR_STORAGE_VOL_BLOCK
                                     : VR_STORAGE_VOL_FILE;
    vol->target_perms.mode = st->st_mode & 0777;
    vol->target_perms.owner = st->st_uid;
    vol->target_perms.group = st->st_gid;
    vol->capacity = st->st_size;
    vol->allocation = (unsigned long long) st->st_blocks * 512;
    vol->target_format = VR_STORAGE_FORMAT_RAW;
    if (storage_img_info(path, VR_STORAGE_FORMAT_NONE, &info) < 0) {
        VR_DEBUG("qemu-img info '%s': %s", path, vr_error_message());
        vr_error_reset();
        return vol;
    }
    if (info.format != VR_STORAGE_FORMAT_NONE)
        vol->target_format = info.format;
    vol->capacity = info.capacity;
    if (info.backing) {
        /* Recorded, never opened: it may be outside the pool. */
        vol->backing = g_new0(VrStorageVolBacking, 1);
        vol->backing->path = g_steal_pointer(&info.backing);
        vol->backing->format = info.backing_format;
        vol->backing->perms.mode = -1;
        vol->backing->perms.owner = vol->backing->perms.group = -1;
    }
    storage_img_info_clear(&info);
    return vol;
}

static gint
cmp_vol(gconstpointer a, gconstpointer b)
{
    const VrStorageVolDef *x = *(VrStorageVolDef *const *) a;
    const VrStorageVolDef *y = *(VrStorageVolDef *const *) b;

    return strcmp(x->name, y->name);
}

static int
fill_sizes(VrStoragePoolDef *def)
{
    struct statvfs sv;

    if (statvfs(def->target_path, &sv) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot statvfs path '%s'", def->target_path);
        return -1;
    }
    def->capacity = (unsigned long long) sv.f_frsize * sv.f_blocks;
    def->available = (unsigned long long) sv.f_bavail * sv.f_frsize;
    def->allocation = def->capacity -
                      (unsigned long long) sv.f_bfree * sv.f_frsize;
    return 0;
}

int
storage_dir_refresh(VrStoragePoolDef *def, GPtrArray *vols)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(def->target_path, 0, &err);
    const char *name;

    if (!dir) {
        vr_error_report(VR_ERR_SYSTEM_ERROR, VR_FROM_STORAGE,
                        "cannot open directory '%s': %s", def->target_path,
                        err->message);
        return -1;
    }
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(def->target_path, name,
                                                 NULL);
        struct stat st;

        if (lstat(path, &st) < 0 ||
            !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
            continue;
        g_ptr_array_add(vols, scan_file(name, path, &st));
    }
    g_ptr_array_sort(vols, cmp_vol);
    return fill_sizes(def);
}

int
storage_file_vol_refresh(const VrStoragePoolDef *pool, VrStorageVolDef *vol)
{
    g_autofree char *name = g_path_get_basename(vol->target_path);
    g_autoptr(VrStorageVolDef) fresh = NULL;
    struct stat st;

    (void) pool;
    if (lstat(vol->target_path, &st) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE, "cannot stat '%s'",
                               vol->target_path);
        return -1;
    }
    fresh = scan_file(vol->name, vol->target_path, &st);
    vol->capacity = fresh->capacity;
    vol->allocation = fresh->allocation;
    vol->target_format = fresh->target_format;
    vol->target_perms.mode = fresh->target_perms.mode;
    return 0;
}

/* Create the file exclusively (reserving the name), then give it its
 * content: a sparse raw file, or qemu-img create over it. */
int
storage_file_vol_create(const VrStoragePoolDef *pool, VrStorageVolDef *vol,
                        unsigned int flags)
{
    VR_AUTOCLOSE int fd = -1;
    const char *path = vol->target_path;

    (void) pool;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
              0600);
    if (fd < 0) {
        if (errno == EEXIST)
            vr_error_report(VR_ERR_STORAGE_VOL_EXIST, VR_FROM_STORAGE,
                            "storage vol '%s' exists already (file '%s')",
                            vol->name, path);
        else
            vr_error_report_system(errno, VR_FROM_STORAGE,
                                   "cannot create volume file '%s'", path);
        return -1;
    }
    if (storage_apply_perms(fd, path, &vol->target_perms,
                            VR_STORAGE_VOL_DEFAULT_MODE) < 0)
        goto fail;
    if (vol->target_format == VR_STORAGE_FORMAT_RAW) {
        if (ftruncate(fd, (off_t) vol->capacity) < 0) {
            vr_error_report_system(errno, VR_FROM_STORAGE,
                                   "cannot resize '%s'", path);
            goto fail;
        }
    } else if (storage_img_create(vol, flags) < 0) {
        goto fail;
    }
    if (fsync(fd) < 0) {
        vr_error_report_system(errno, VR_FROM_STORAGE, "cannot sync '%s'",
                               path);
        goto fail;
    }
    return 0;
 fail:
    unlink(path);
    return -1;
}

int
storage_file_vol_delete(const VrStoragePoolDef *pool,
                        const VrStorageVolDef *vol)
{
    (void) pool;
    if (unlink(vol->target_path) < 0 && errno != ENOENT) {
        vr_error_report_system(errno, VR_FROM_STORAGE,
                               "cannot unlink file '%s'", vol->target_path);
        return -1;
    }
    return 0;
}

int
storage_file_vol_resize(const VrStoragePoolDef *pool,
                        const VrStorageVolDef *vol,
                        unsigned long long capacity, bool shrink)
{
    (void) pool;
    return storage_img_resize(vol->target_path, vol->target_format,
                              capacity, shrink);
}

const StorageBackend storage_backend_dir = {
    .build = storage_dir_build,
    .start = storage_dir_start,
    .check = storage_dir_check,
    .stop = dir_stop,
    .delete = storage_dir_delete,
    .refresh = storage_dir_refresh,
    .vol_create = storage_file_vol_create,
    .vol_delete = storage_file_vol_delete,
    .vol_resize = storage_file_vol_resize,
    .vol_refresh = storage_file_vol_refresh,
};
