/* qemu_host_test.c: cmocka tests for host capabilities XML, node info,
 * CPU list and QEMU version parsing.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <libxml/parser.h>
#include <glib/gstdio.h>
#include <string.h>
#include <libxml/xpath.h>

#include "drivers/qemu/qemu_host.h"
#include "util/vr_error.h"

static int
xpath_count(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *) expr,
                                                   ctx);
    int n = (obj && obj->nodesetval) ? obj->nodesetval->nodeNr : 0;

    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return n;
}

static void
rm_rf(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR))
            rm_rf(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

static void
test_capabilities(void **state)
{
    g_autofree char *root = g_dir_make_tmp("vireo-host-test-XXXXXX", NULL);
    g_autoptr(VrPaths) paths = vr_paths_new(false, root);
    g_autoptr(QemuHost) host = NULL;
    g_autofree char *caps = NULL;
    g_autofree char *again = NULL;
    xmlDocPtr doc;

    assert_int_equal(vr_paths_create(paths), 0);
    host = qemu_host_new(paths, NULL);
    caps = qemu_host_get_capabilities(host);
    assert_non_null(caps);
    doc = xmlReadMemory(caps, (int) strlen(caps), "caps.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(doc);
    assert_int_equal(xpath_count(doc, "/capabilities/host/uuid"), 1);
    assert_int_equal(xpath_count(doc, "/capabilities/host/cpu/arch"), 1);
    assert_true(xpath_count(doc, "//topology/cells/cell/cpus/cpu") >= 1);
    assert_int_equal(xpath_count(doc, "//secmodel[model='none']"), 1);
    assert_int_equal(xpath_count(doc, "/capabilities/guest[os_type='hvm']/"
                                 "arch[@name='x86_64']/domain[@type='qemu']"),
                     1);
    assert_int_equal(xpath_count(doc, "//guest/arch/domain[@type='kvm']"),
                     qemu_host_kvm_usable() ? 1 : 0);
    assert_true(xpath_count(doc, "//guest/arch/machine") >= 2);
    xmlFreeDoc(doc);
    /* Cached, and the relocated host UUID is kept across objects. */
    again = qemu_host_get_capabilities(host);
    assert_string_equal(caps, again);
    qemu_host_free(g_steal_pointer(&host));
    host = qemu_host_new(paths, NULL);
    g_free(again);
    again = qemu_host_get_capabilities(host);
    assert_non_null(strstr(again, "<uuid>"));
    assert_memory_equal(strstr(caps, "<uuid>"), strstr(again, "<uuid>"),
                        6 + 36);
    rm_rf(root);
}

static void
test_node_info(void **state)
{
    QemuNodeInfo info;

    assert_int_equal(qemu_host_get_node_info(&info), 0);
    assert_true(info.cpus > 0);
    assert_true(info.memory_kib > 0);
    assert_true(info.model[0] != '\0');
    assert_int_equal(info.nodes * info.sockets * info.cores * info.threads,
                     info.cpus);
}

static void
test_cpulist(void **state)
{
    g_autoptr(GArray) a = qemu_host_parse_cpulist("0-3,8,10-11\n");
    GArray *bad;

    assert_non_null(a);
    assert_int_equal(a->len, 7);
    assert_int_equal(g_array_index(a, int, 4), 8);
    assert_int_equal(g_array_index(a, int, 6), 11);
    bad = qemu_host_parse_cpulist("3-1");
    assert_null(bad);
    bad = qemu_host_parse_cpulist("x");
    assert_null(bad);
}

static void
test_version_and_vcpus(void **state)
{
    assert_int_equal(qemu_host_parse_version(
        "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)\n"),
        7002019);
    assert_int_equal(qemu_host_parse_version("QEMU emulator version 8.1\n"),
                     8001000);
    assert_int_equal(qemu_host_parse_version("garbage"), 0);
    assert_int_equal(qemu_host_get_max_vcpus(NULL), 16);
    assert_int_equal(qemu_host_get_max_vcpus("QEMU"), 16);
    assert_int_equal(qemu_host_get_max_vcpus("xen"), -1);
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_node_info),
        cmocka_unit_test(test_cpulist),
        cmocka_unit_test(test_version_and_vcpus),
    };

    return cmocka_run_group_tests_name("qemu_host", tests, NULL, NULL);
}
