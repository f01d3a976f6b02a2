/* vsh_vol_transfer.c: vol-upload and vol-download: a local file through
 * a volume stream, with --offset / --length, --sparse (holes found with
 * SEEK_DATA / SEEK_HOLE on upload, recreated with lseek + ftruncate on
 * download) and the progress bar. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsh_storage.h"

static void
close_fdp(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}
#define AUTOCLOSE __attribute__((cleanup(close_fdp)))

#define CHUNK (256 * 1024)

const VshOptDef vsh_opts_vol_transfer[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      "vol name, key or path" },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, "file" },
    { "pool", VSH_OT_STRING, 0, "pool name or uuid" },
    { "offset", VSH_OT_STRING, 0, "volume offset" },
    { "length", VSH_OT_STRING, 0, "amount of data" },
    { "sparse", VSH_OT_BOOL, 0, "preserve sparseness of volume" },
    { NULL, 0, 0, NULL }
};

/* --offset and --length; false after printing an error. */
static bool
range_opts(VshCtl *ctl, const VshCmd *cmd, unsigned long long *offset,
           unsigned long long *length)
{
    const char *o = vsh_cmd_opt(cmd, "offset");
    const char *l = vsh_cmd_opt(cmd, "length");

    *offset = *length = 0;
    if (o && vsh_parse_ull(o, offset) < 0) {
        vsh_error(ctl, "Unable to parse integer");
        return false;
    }
    if (l && vsh_parse_ull(l, length) < 0) {
        vsh_error(ctl, "Unable to parse integer");
        return false;
    }
    return true;
}

/* Send [@pos, @end) of @fd as data.  0 or -1 (errno / library error). */
static int
send_data(VireoStream *st, int fd, off_t pos, off_t end, VshProgress *pr,
          unsigned long long *done, char *buf)
{
    while (pos < end) {
        ssize_t n = pread(fd, buf, MIN((off_t) CHUNK, end - pos), pos);

        if (n <= 0)
            return n == 0 ? 0 : -1;
        if (vireo_stream_send(st, buf, n) < 0)
            return -1;
        pos += n;
        *done += n;
        vsh_progress_update(pr, *done);
    }
    return 0;
}

/* The whole upload loop over @total bytes of @fd. */
static int
upload_loop(VireoStream *st, int fd, off_t total, bool sparse,
            VshProgress *pr)
{
    g_autofree char *buf = g_malloc(CHUNK);
    unsigned long long done = 0;
    off_t pos = 0;

    while (pos < total) {
        off_t data = pos, hole = total;

        if (sparse) {
            data = lseek(fd, pos, SEEK_DATA);
            if (data < 0 && errno != ENXIO)
                return -1;
            if (data < 0 || data > total)
                data = total;
            if (data > pos) {
                if (vireo_stream_send_hole(st, data - pos) < 0)
                    return -1;
                done += data - pos;
                pos = data;
                continue;
            }
            hole = lseek(fd, pos, SEEK_HOLE);
            if (hole < 0 || hole > total)
                hole = total;
        }
        if (send_data(st, fd, pos, hole, pr, &done, buf) < 0)
            return -1;
        pos = hole;
    }
    return 0;
}

bool
vsh_cmd_vol_upload(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    bool sparse = vsh_cmd_has(cmd, "sparse");
    g_autoptr(VireoStorageVol) vol = NULL;
    AUTOCLOSE int fd = -1;
    unsigned long long offset, length;
    VireoStream *st = NULL;
    VshProgress *pr;
    struct stat sb;
    off_t total;
    bool ok;

    if (!range_opts(ctl, cmd, &offset, &length) ||
        !(vol = vsh_lookup_vol(ctl, cmd, "vol", "pool")))
        return false;
    if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        vsh_error(ctl, "cannot read %s", file);
        return false;
    }
    total = sb.st_size;
    if (length && (off_t) length < total)
        total = (off_t) length;
    if (!(st = vireo_storage_vol_upload(vol, offset, length, sparse
                                        ? VIREO_STORAGE_VOL_UPLOAD_SPARSE_STREAM
                                        : 0))) {
        vsh_error(ctl, "cannot upload to volume %s", vsh_cmd_opt(cmd, "vol"));
        return false;
    }
    pr = vsh_progress_new("Uploading", total);
    ok = upload_loop(st, fd, total, sparse, pr) == 0;
    if (!ok && !vireo_last_error())
        vsh_error(ctl, "cannot read %s: %s", file, g_strerror(errno));
    if (!ok)
        vsh_error(ctl, "cannot send data to volume %s",
                  vsh_cmd_opt(cmd, "vol"));
    if (ok && vireo_stream_finish(st) < 0) {
        vsh_error(ctl, "cannot close volume %s", vsh_cmd_opt(cmd, "vol"));
        ok = false;
    }
    vsh_progress_free(pr, ok);
    vireo_stream_free(st);
    return ok;
}

/* The download loop: data written at the file position, holes skipped
 * (the file is extended at the end). */
static int
download_loop(VireoStream *st, int fd, bool sparse, VshProgress *pr)
{
    g_autofree char *buf = g_malloc(CHUNK);
    unsigned long long done = 0;
    off_t pos = 0;

    for (;;) {
        long long hole = 0;
        int n = sparse ? vireo_stream_recv_hole(st, buf, CHUNK, -1, &hole)
                       : vireo_stream_recv(st, buf, CHUNK, -1);

        if (n == VIREO_STREAM_HOLE) {
            pos += hole;
            done += hole;
            if (lseek(fd, pos, SEEK_SET) < 0)
                return -1;
            vsh_progress_update(pr, done);
            continue;
        }
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, n - off);

            if (w < 0)
                return -1;
            off += w;
        }
        pos += n;
        done += n;
        vsh_progress_update(pr, done);
    }
    return ftruncate(fd, pos);
}

/* The number of bytes a download of @vol will bring (for the bar). */
static unsigned long long
download_total(VireoStorageVol *vol, unsigned long long offset,
               unsigned long long length)
{
    VireoStorageVolInfo info;

    if (vireo_storage_vol_get_info(vol, &info, 0) < 0) {
        vireo_reset_error();
        return length;
    }
    if (info.capacity <= offset)
        return 0;
    return length ? MIN(length, info.capacity - offset)
                  : info.capacity - offset;
}

bool
vsh_cmd_vol_download(VshCtl *ctl, const VshCmd *cmd)
{
    const char *file = vsh_cmd_opt(cmd, "file");
    const char *name = vsh_cmd_opt(cmd, "vol");
    bool sparse = vsh_cmd_has(cmd, "sparse");
    g_autoptr(VireoStorageVol) vol = NULL;
    AUTOCLOSE int fd = -1;
    unsigned long long offset, length;
    VireoStream *st;
    VshProgress *pr;
    bool created = false;
    bool ok;

    if (!range_opts(ctl, cmd, &offset, &length) ||
        !(vol = vsh_lookup_vol(ctl, cmd, "vol", "pool")))
        return false;
    if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) >= 0)
        created = true;
    else if (errno != EEXIST ||
             (fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
        vsh_error(ctl, "cannot create %s", file);
        return false;
    }
    if (!(st = vireo_storage_vol_download(vol, offset, length, sparse
                                          ? VIREO_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM
                                          : 0))) {
        vsh_error(ctl, "cannot download from volume %s", name);
        if (created)
            unlink(file);
        return false;
    }
    pr = vsh_progress_new("Downloading", download_total(vol, offset, length));
    ok = download_loop(st, fd, sparse, pr) == 0;
    if (!ok && !vireo_last_error())
        vsh_error(ctl, "cannot write %s: %s", file, g_strerror(errno));
    if (!ok)
        vsh_error(ctl, "cannot receive data from volume %s", name);
    if (ok && vireo_stream_finish(st) < 0) {
        vsh_error(ctl, "cannot close volume %s", name);
        ok = false;
    }
    vsh_progress_free(pr, ok);
    vireo_stream_free(st);
    if (!ok && created)
        unlink(file);
    return ok;
}
