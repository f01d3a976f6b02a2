/* qemu_save_image.c: the save image's header and embedded XML (layout in
 * qemu_save.h): written before QEMU's stream, completed after it, read
 * back by restore and save-image-dumpxml, rewritten by save-image-define.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_save.h"
#include "util/vr_error.h"
#include "util/vr_file.h"
#include "util/vr_macros.h"

#define MAGIC "VireoSaveImage\n"     /* 15 chars + NUL = 16 bytes */
#define HEADER_SIZE 64
#define IMAGE_VERSION 1
#define XML_MAX (16 * 1024 * 1024)

typedef struct {
    char magic[16];
    guint32 version;
    guint32 xml_len;
    guint32 xml_space;
    guint32 running;
    guint32 complete;
    char pad[HEADER_SIZE - 36];
} QemuSaveHeader;

G_STATIC_ASSERT(sizeof(QemuSaveHeader) == HEADER_SIZE);

void
qemu_save_image_clear(QemuSaveImage *img)
{
    g_clear_pointer(&img->xml, g_free);
}

static int
pwrite_all(int fd, const char *path, const void *buf, size_t len, off_t off)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vr_error_report_system(errno, VR_FROM_QEMU,
                                   "cannot write save image '%s'", path);
            return -1;
        }
        p += n;
        len -= n;
        off += n;
    }
    return 0;
}

static void
header_fill(QemuSaveHeader *h, guint32 xml_len, guint32 xml_space,
            bool running, bool complete)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->magic, MAGIC, sizeof(MAGIC));
    h->version = GUINT32_TO_LE(IMAGE_VERSION);
    h->xml_len = GUINT32_TO_LE(xml_len);
    h->xml_space = GUINT32_TO_LE(xml_space);
    h->running = GUINT32_TO_LE(running ? 1 : 0);
    h->complete = GUINT32_TO_LE(complete ? 1 : 0);
}

int
qemu_save_image_write_header(int fd, const char *path, const char *xml,
                             bool running)
{
    size_t len = strlen(xml);
    /* room for a longer definition later; the stream starts on a page */
    size_t space = ((HEADER_SIZE + len + 4096 + 4095) & ~(size_t) 4095) -
                   HEADER_SIZE;
    g_autofree char *area = g_malloc0(space);
    QemuSaveHeader h;

    header_fill(&h, len, space, running, false);
    memcpy(area, xml, len);
    if (pwrite_all(fd, path, &h, sizeof(h), 0) < 0 ||
        pwrite_all(fd, path, area, space, HEADER_SIZE) < 0)
        return -1;
    if (lseek(fd, HEADER_SIZE + space, SEEK_SET) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot seek in save image '%s'", path);
        return -1;
    }
    return 0;
}

static int
read_header(int fd, const char *path, QemuSaveHeader *h)
{
    ssize_t n = pread(fd, h, sizeof(*h), 0);

    if (n < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot read save image '%s'", path);
        return -1;
    }
    if (n != sizeof(*h) || memcmp(h->magic, MAGIC, sizeof(MAGIC)) != 0) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "'%s' is not a save image", path);
        return -1;
    }
    if (GUINT32_FROM_LE(h->version) != IMAGE_VERSION) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "save image '%s' has unsupported version %u", path,
                        GUINT32_FROM_LE(h->version));
        return -1;
    }
    return 0;
}

int
qemu_save_image_finish(int fd, const char *path, bool running)
{
    QemuSaveHeader h;

    if (read_header(fd, path, &h) < 0)
        return -1;
    /* the stream must be on disk before the header says "complete" */
    if (fsync(fd) < 0)
        goto fail;
    header_fill(&h, GUINT32_FROM_LE(h.xml_len), GUINT32_FROM_LE(h.xml_space),
                running, true);
    if (pwrite_all(fd, path, &h, sizeof(h), 0) < 0)
        return -1;
    if (fsync(fd) < 0)
        goto fail;
    return 0;

 fail:
    vr_error_report_system(errno, VR_FROM_QEMU,
                           "cannot flush save image '%s'", path);
    return -1;
}

int
qemu_save_image_read(int fd, const char *path, QemuSaveImage *img)
{
    QemuSaveHeader h;
    guint32 len, space;
    g_autofree char *xml = NULL;
    ssize_t n;

    if (read_header(fd, path, &h) < 0)
        return -1;
    len = GUINT32_FROM_LE(h.xml_len);
    space = GUINT32_FROM_LE(h.xml_space);
    if (!GUINT32_FROM_LE(h.complete) || len > space || space > XML_MAX) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "save image '%s' is incomplete or corrupt", path);
        return -1;
    }
    xml = g_malloc0(len + 1);
    if ((n = pread(fd, xml, len, HEADER_SIZE)) != (ssize_t) len) {
        vr_error_report(VR_ERR_OPERATION_FAILED, VR_FROM_QEMU,
                        "save image '%s' is truncated", path);
        return -1;
    }
    img->xml = g_steal_pointer(&xml);
    img->running = GUINT32_FROM_LE(h.running) != 0;
    img->xml_space = space;
    img->data_offset = HEADER_SIZE + space;
    return 0;
}

int
qemu_save_image_update(const char *path, const char *xml, int running)
{
    VR_AUTOCLOSE int fd = open(path, O_RDWR | O_CLOEXEC);
    QemuSaveImage img = { 0 };
    g_autofree char *area = NULL;
    size_t len = strlen(xml);
    QemuSaveHeader h;
    int ret = -1;

    if (fd < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot open save image '%s'", path);
        return -1;
    }
    if (qemu_save_image_read(fd, path, &img) < 0)
        return -1;
    if (len > img.xml_space) {
        vr_error_report(VR_ERR_OPERATION_INVALID, VR_FROM_QEMU,
                        "new XML too large (%zu bytes) for save image '%s' "
                        "(room for %u)", len, path, img.xml_space);
        goto out;
    }
    area = g_malloc0(img.xml_space);
    memcpy(area, xml, len);
    header_fill(&h, len, img.xml_space,
                running < 0 ? img.running : running != 0, true);
    if (pwrite_all(fd, path, area, img.xml_space, HEADER_SIZE) < 0 ||
        pwrite_all(fd, path, &h, sizeof(h), 0) < 0)
        goto out;
    if (fsync(fd) < 0) {
        vr_error_report_system(errno, VR_FROM_QEMU,
                               "cannot flush save image '%s'", path);
        goto out;
    }
    ret = 0;
 out:
    qemu_save_image_clear(&img);
    return ret;
}
