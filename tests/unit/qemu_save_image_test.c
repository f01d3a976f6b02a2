/* qemu_save_image_test.c: cmocka checks of the save image header
 * (qemu_save_image.c): write + finish + read round trip, the stream
 * offset, refusal of incomplete and foreign files, in-place XML rewrite
 * and its size limit. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_save.h"
#include "util/vr_error.h"

static char *dir;

static char *
new_path(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void
test_roundtrip(void **state)
{
    g_autofree char *path = new_path("rt.save");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    QemuSaveImage img = { 0 };
    const char *xml = "<domain><name>d</name></domain>";

    (void) state;
    assert_true(fd >= 0);
    assert_int_equal(qemu_save_image_write_header(fd, path, xml, true), 0);
    assert_int_equal(lseek(fd, 0, SEEK_CUR) % 4096, 0);
    assert_int_equal(write(fd, "STREAM", 6), 6);
    /* not complete yet: refused */
    assert_int_equal(qemu_save_image_read(fd, path, &img), -1);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_FAILED);
    assert_int_equal(qemu_save_image_finish(fd, path, false), 0);
    assert_int_equal(qemu_save_image_read(fd, path, &img), 0);
    assert_string_equal(img.xml, xml);
    assert_false(img.running);
    assert_true(img.xml_space >= strlen(xml) + 1024);
    {
        char buf[6];

        assert_int_equal(pread(fd, buf, 6, img.data_offset), 6);
        assert_memory_equal(buf, "STREAM", 6);
    }
    qemu_save_image_clear(&img);
    close(fd);
}

static void
test_update(void **state)
{
    g_autofree char *path = new_path("up.save");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    QemuSaveImage img = { 0 };
    g_autofree char *big = NULL;
    off_t off;

    (void) state;
    assert_int_equal(qemu_save_image_write_header(fd, path, "<a/>", true), 0);
    assert_int_equal(qemu_save_image_finish(fd, path, true), 0);
    assert_int_equal(qemu_save_image_read(fd, path, &img), 0);
    off = img.data_offset;
    qemu_save_image_clear(&img);
    assert_int_equal(qemu_save_image_update(path, "<longer-xml/>", -1), 0);
    assert_int_equal(qemu_save_image_read(fd, path, &img), 0);
    assert_string_equal(img.xml, "<longer-xml/>");
    assert_true(img.running);
    assert_int_equal(img.data_offset, off);
    qemu_save_image_clear(&img);
    big = g_strnfill(img.xml_space + 10000, 'x');
    assert_int_equal(qemu_save_image_update(path, big, 0), -1);
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_INVALID);
    close(fd);
}

static void
test_foreign(void **state)
{
    g_autofree char *path = new_path("foreign");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    QemuSaveImage img = { 0 };
    char junk[100] = "QEVM this is QEMU's own stream, not ours";

    (void) state;
    assert_int_equal(write(fd, junk, sizeof(junk)), sizeof(junk));
    assert_int_equal(qemu_save_image_read(fd, path, &img), -1);
    assert_non_null(strstr(vr_error_message(), "is not a save image"));
    assert_int_equal(ftruncate(fd, 10), 0);
    assert_int_equal(qemu_save_image_read(fd, path, &img), -1);
    close(fd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_foreign),
    };
    int rc;

    dir = g_dir_make_tmp("vireo-saveimg-XXXXXX", NULL);
    rc = cmocka_run_group_tests_name("qemu_save_image", tests, NULL, NULL);
    {
        const char *names[] = { "rt.save", "up.save", "foreign" };

        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
            g_autofree char *p = new_path(names[i]);

            unlink(p);
        }
        rmdir(dir);
    }
    g_free(dir);
    return rc;
}
