/* conf_unit_test.c: cmocka tests for src/conf: enum tables both ways,
 * the name check, deep copy, post-parse defaults, RelaxNG errors, and
 * hostile input (huge documents, entities). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "conf/domain_conf.h"
#include "conf/domain_enums.h"
#include "util/vr_error.h"
#include "util/vr_uuid.h"

typedef struct {
    const char *name;
    const char *(*to_string)(int);
    int (*from_string)(const char *);
    int (*last)(void);
} EnumCase;

#define E(n) { #n, n##_to_string, n##_from_string, n##_last }
static const EnumCase enums[] = {
    E(vr_domain_virt), E(vr_domain_addr), E(vr_domain_disk_type),
    E(vr_domain_disk_device), E(vr_domain_disk_bus), E(vr_domain_disk_cache),
    E(vr_domain_disk_io), E(vr_domain_disk_discard),
    E(vr_domain_controller_type), E(vr_domain_net_type),
    E(vr_domain_chr_device), E(vr_domain_chr_type), E(vr_domain_chr_target),
    E(vr_domain_chr_mode), E(vr_domain_input_type), E(vr_domain_input_bus),
    E(vr_domain_graphics_type), E(vr_domain_video_type),
    E(vr_domain_memballoon_model), E(vr_domain_rng_model),
    E(vr_domain_rng_backend), E(vr_domain_boot_dev), E(vr_domain_loader_type),
    E(vr_tristate), E(vr_domain_vcpu_placement), E(vr_domain_cpu_mode),
    E(vr_domain_cpu_match), E(vr_domain_cpu_check), E(vr_domain_cpu_fallback),
    E(vr_domain_clock_offset), E(vr_domain_timer_name),
    E(vr_domain_tickpolicy), E(vr_domain_lifecycle),
};

static const char *full_xml =
    "<domain type='kvm'>\n"
    "  <name>copyme</name>\n"
    "  <title>T &amp; t</title>\n"
    "  <metadata><a:x xmlns:a='urn:a'>1</a:x></metadata>\n"
    "  <memory unit='GiB'>1</memory>\n"
    "  <vcpu current='1'>2</vcpu>\n"
    "  <os><type machine='q35'>hvm</type><kernel>/k</kernel></os>\n"
    "  <features><acpi/></features>\n"
    "  <cpu mode='host-passthrough'/>\n"
    "  <clock offset='localtime'><timer name='rtc' tickpolicy='catchup'/></clock>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'><source file='/a'/><target dev='sda'/></disk>\n"
    "    <disk type='file' device='cdrom'><target dev='hdc'/></disk>\n"
    "    <disk type='block'><source dev='/dev/b'/><target dev='fda'/></disk>\n"
    "    <interface type='user'/>\n"
    "    <interface type='bridge'><source bridge='br0'/></interface>\n"
    "    <channel type='unix'><source mode='bind' path='/s'/>"
    "<target type='virtio' name='n'/></channel>\n"
    "    <graphics type='spice' passwd='pw'/>\n"
    "    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n"
    "  </devices>\n"
    "</domain>\n";

static void
test_enums(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(enums); i++) {
        const EnumCase *e = &enums[i];
        int last = e->last();

        assert_true(last > 0);
        for (int v = 0; v < last; v++) {
            const char *s = e->to_string(v);

            if (!s)
                fail_msg("%s: value %d has no string", e->name, v);
            /* an empty 0 entry means "unset": not parseable */
            if (v == 0 && !*s)
                assert_int_equal(e->from_string(s), -1);
            else if (e->from_string(s) != v)
                fail_msg("%s: '%s' does not map back to %d", e->name, s, v);
        }
        assert_null(e->to_string(last));
        assert_null(e->to_string(-1));
        assert_int_equal(e->from_string("no-such-value"), -1);
        assert_int_equal(e->from_string(NULL), -1);
    }
}

static void
test_name_check(void **state)
{
    g_autofree char *longname = g_strnfill(256, 'a');
    g_autofree char *maxname = g_strnfill(255, 'a');

    assert_true(vr_domain_name_check("web-1.example"));
    assert_true(vr_domain_name_check(maxname));
    assert_false(vr_domain_name_check(""));
    assert_int_equal(vr_error_code(), VR_ERR_XML_ERROR);
    assert_false(vr_domain_name_check(NULL));
    assert_false(vr_domain_name_check("a/b"));
    assert_non_null(strstr(vr_error_message(), "'/'"));
    assert_false(vr_domain_name_check(".."));
    assert_false(vr_domain_name_check(".hidden"));
    assert_false(vr_domain_name_check("tab\there"));
    assert_false(vr_domain_name_check(longname));
}

static void
test_copy(void **state)
{
    g_autoptr(VrDomainDef) def = vr_domain_def_parse_string(full_xml, NULL, 0);
    g_autoptr(VrDomainDef) copy = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    if (!def)
        fail_msg("parse: %s", vr_error_message());
    copy = vr_domain_def_copy(def);
    a = vr_domain_def_format(def, 3, VR_DOMAIN_FORMAT_SECURE);
    b = vr_domain_def_format(copy, 3, VR_DOMAIN_FORMAT_SECURE);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "<domain type='kvm' id='3'>"));
    assert_non_null(strstr(a, "passwd='pw'"));
    /* the copy owns its own strings */
    assert_ptr_not_equal(def->name, copy->name);
    g_clear_pointer(&def, vr_domain_def_free);
    g_free(b);
    b = vr_domain_def_format(copy, 3, VR_DOMAIN_FORMAT_SECURE);
    assert_string_equal(a, b);
    g_free(b);
    b = vr_domain_def_format(copy, 3, VR_DOMAIN_FORMAT_INACTIVE);
    assert_null(strstr(b, " id="));
    assert_null(strstr(b, "passwd"));
}

static void
test_post_parse(void **state)
{
    g_autoptr(VrDomainDef) a = vr_domain_def_parse_string(full_xml, NULL, 0);
    g_autoptr(VrDomainDef) b = vr_domain_def_parse_string(full_xml, NULL, 0);
    VrDomainDiskDef *d;
    VrDomainNetDef *n;

    assert_non_null(a);
    assert_non_null(b);
    assert_false(vr_uuid_is_null(a->uuid));
    assert_memory_not_equal(a->uuid, b->uuid, 16);
    assert_int_equal(a->cur_memory_kib, 1024 * 1024);
    assert_int_equal(a->max_memory_kib, 1024 * 1024);
    assert_int_equal(a->vcpus, 1);
    assert_int_equal(a->max_vcpus, 2);
    assert_string_equal(a->os_arch, "x86_64");
    assert_string_equal(a->os_machine, "q35");
    assert_int_equal(a->nboot_devs, 0);   /* kernel boot: no default hd */
    for (guint i = 0; i < a->nets->len; i++) {
        n = g_ptr_array_index(a->nets, i);
        assert_true(n->mac_set);
        assert_int_equal(n->mac[0], 0x52);
        assert_int_equal(n->mac[1], 0x54);
        assert_int_equal(n->mac[2], 0x00);
    }
    d = g_ptr_array_index(a->disks, 0);
    assert_int_equal(d->bus, VR_DOMAIN_DISK_BUS_SCSI);
    assert_string_equal(d->driver_name, "qemu");
    assert_string_equal(d->driver_type, "raw");
    d = g_ptr_array_index(a->disks, 1);
    assert_int_equal(d->bus, VR_DOMAIN_DISK_BUS_IDE);
    assert_true(d->readonly);
    d = g_ptr_array_index(a->disks, 2);
    assert_int_equal(d->bus, VR_DOMAIN_DISK_BUS_FDC);
}

static void
test_steps_apart(void **state)
{
    g_autoptr(VrDomainDef) def = vr_domain_def_parse_only(full_xml, NULL, 0);

    assert_non_null(def);
    assert_int_equal(def->cur_memory_kib, 0);     /* no defaults yet */
    assert_null(def->os_arch);
    assert_int_equal(vr_domain_def_post_parse(def), 0);
    assert_int_equal(vr_domain_def_validate(def), 0);
    assert_string_equal(def->os_arch, "x86_64");
    def->vcpus = 5;
    assert_int_equal(vr_domain_def_validate(def), -1);
    assert_int_equal(vr_error_code(), VR_ERR_XML_ERROR);
    assert_null(vr_domain_def_parse_only(full_xml, NULL, 1U << 7));
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
}

static void
test_schema_unknown_element(void **state)
{
    const char *xml =
        "<domain type='qemu'>\n"
        "  <name>x</name>\n"
        "  <memory>1024</memory>\n"
        "  <os><type>hvm</type></os>\n"
        "  <bogus/>\n"
        "</domain>\n";
    g_autoptr(VrDomainDef) def = NULL;

    /* without VALIDATE the unknown element is dropped */
    def = vr_domain_def_parse_string(xml, NULL, 0);
    assert_non_null(def);
    assert_null(vr_domain_def_parse_string(xml, "(domain_definition)",
                                           VR_DOMAIN_PARSE_VALIDATE));
    assert_int_equal(vr_error_code(), VR_ERR_XML_INVALID_SCHEMA);
    assert_int_equal(vr_error_last()->domain, VR_FROM_DOMAIN);
    if (!strstr(vr_error_message(), ":5:") || !strstr(vr_error_message(), "bogus"))
        fail_msg("message lacks line/element: %s", vr_error_message());
    assert_int_equal(vr_xml_validate_schema(xml, "x", "no-such-schema"), -1);
    assert_int_equal(vr_error_code(), VR_ERR_XML_INVALID_SCHEMA);
}

static void
test_huge_document(void **state)
{
    GString *s = g_string_new("<domain type='qemu'><name>big</name>"
                              "<memory>1024</memory><os><type>hvm</type></os>"
                              "<description>");
    g_autoptr(VrDomainDef) def = NULL;
    g_autofree char *xml = NULL;

    while (s->len < 10 * 1024 * 1024)
        g_string_append(s, "0123456789abcdef0123456789abcdef");
    g_string_append(s, "</description></domain>");
    xml = g_string_free(s, FALSE);
    vr_error_reset();
    def = vr_domain_def_parse_string(xml, NULL, 0);
    /* either outcome is fine; a failure must be reported */
    if (!def)
        assert_int_not_equal(vr_error_code(), VR_ERR_OK);
}

static void
test_deep_nesting(void **state)
{
    GString *s = g_string_new("<domain type='qemu'><name>n</name>"
                              "<memory>1024</memory><os><type>hvm</type></os>"
                              "<metadata>");
    g_autoptr(VrDomainDef) def = NULL;
    g_autofree char *xml = NULL;

    for (int i = 0; i < 100000; i++)
        g_string_append(s, "<a>");
    xml = g_string_free(s, FALSE);
    def = vr_domain_def_parse_string(xml, NULL, 0);
    assert_null(def);
    assert_int_equal(vr_error_code(), VR_ERR_XML_DETAIL);
}

static void
test_entities_refused(void **state)
{
    const char *xml =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
        "<domain type='qemu'><name>&x;</name><memory>1</memory>"
        "<os><type>hvm</type></os></domain>\n";

    assert_null(vr_domain_def_parse_string(xml, NULL, 0));
    assert_int_equal(vr_error_code(), VR_ERR_XML_DETAIL);
    assert_int_equal(vr_error_last()->domain, VR_FROM_DOMAIN);
}

static void
test_malformed_detail(void **state)
{
    const char *xml = "<domain type='qemu'>\n<name>x</name\n</domain>\n";

    assert_null(vr_domain_def_parse_string(xml, "(domain_definition)", 0));
    assert_int_equal(vr_error_code(), VR_ERR_XML_DETAIL);
    assert_int_equal(vr_error_last()->domain, VR_FROM_DOMAIN);
    assert_true(g_str_has_prefix(vr_error_message(), "(domain_definition):"));
}

static void
test_schema_dir(void **state)
{
    g_autofree char *saved = g_strdup(g_getenv("VIREO_SCHEMA_DIR"));

    g_setenv("VIREO_SCHEMA_DIR", "/x/y", TRUE);
    assert_string_equal(vr_schema_dir(), "/x/y");
    g_unsetenv("VIREO_SCHEMA_DIR");
    assert_string_equal(vr_schema_dir(), PKGDATADIR "/schemas");
    if (saved)
        g_setenv("VIREO_SCHEMA_DIR", saved, TRUE);
}

static void
test_pty_path_live_only(void **state)
{
    const char *xml =
        "<domain type='qemu'><name>p</name><memory>131072</memory>"
        "<os><type>hvm</type></os><devices>"
        "<console type='pty'><source path='/dev/pts/9'/></console>"
        "</devices></domain>";
    g_autoptr(VrDomainDef) def = vr_domain_def_parse_string(xml, "t", 0);
    g_autofree char *live = NULL;
    g_autofree char *inactive = NULL;

    assert_non_null(def);
    live = vr_domain_def_format(def, 3, 0);
    inactive = vr_domain_def_format(def, 3, VR_DOMAIN_FORMAT_INACTIVE);
    assert_non_null(strstr(live, "<source path='/dev/pts/9'/>"));
    assert_non_null(strstr(live, "id='3'"));
    assert_null(strstr(inactive, "/dev/pts/9"));
    assert_null(strstr(inactive, "id='3'"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_name_check),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_post_parse),
        cmocka_unit_test(test_steps_apart),
        cmocka_unit_test(test_schema_unknown_element),
        cmocka_unit_test(test_huge_document),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_entities_refused),
        cmocka_unit_test(test_malformed_detail),
        cmocka_unit_test(test_schema_dir),
        cmocka_unit_test(test_pty_path_live_only),
    };

    if (!g_getenv("VIREO_SCHEMA_DIR")) {
        g_autofree char *d = g_strdup_printf("%s/xml-schemas",
                                             g_getenv("abs_top_srcdir") ?
                                             g_getenv("abs_top_srcdir") : ".");
        g_setenv("VIREO_SCHEMA_DIR", d, TRUE);
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
