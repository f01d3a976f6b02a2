/* vsh_lifecycle_test.c: option parsing of vsh's lifecycle, console, event
 * and domcapabilities commands, the --mode and --timeout values, and the
 * event lines (byte for byte what virsh 9.0 prints). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vsh.h"

static VshCmd *
parse(const char *line)
{
    g_auto(GStrv) argv = g_strsplit(line, " ", -1);

    return vsh_cmd_parse(g_strv_length(argv), argv);
}

static void
test_parse_commands(void **state)
{
    g_autoptr(VshCmd) a = parse("start vm1 --paused --autodestroy --console");
    g_autoptr(VshCmd) b = parse("create /tmp/x.xml --autodestroy");
    g_autoptr(VshCmd) c = parse("shutdown --domain vm1 --mode acpi");
    g_autoptr(VshCmd) d = parse("destroy vm1 --graceful");
    g_autoptr(VshCmd) e = parse("console vm1 --devname serial0 --force");
    g_autoptr(VshCmd) f = parse("event vm1 --event lifecycle --loop "
                                "--timeout 5 --timestamp");
    g_autoptr(VshCmd) g = parse("event --all");
    g_autoptr(VshCmd) h = parse("domcapabilities qemu --arch x86_64 "
                                "--machine pc --emulatorbin /usr/bin/qemu");

    assert_non_null(a);
    assert_string_equal(vsh_cmd_opt(a, "domain"), "vm1");
    assert_true(vsh_cmd_has(a, "paused") && vsh_cmd_has(a, "autodestroy") &&
                vsh_cmd_has(a, "console"));
    assert_non_null(b);
    assert_string_equal(vsh_cmd_opt(b, "file"), "/tmp/x.xml");
    assert_false(vsh_cmd_has(b, "paused"));
    assert_non_null(c);
    assert_string_equal(vsh_cmd_opt(c, "mode"), "acpi");
    assert_non_null(d);
    assert_true(vsh_cmd_has(d, "graceful"));
    assert_non_null(e);
    assert_string_equal(vsh_cmd_opt(e, "devname"), "serial0");
    assert_true(vsh_cmd_has(e, "force"));
    assert_non_null(f);
    assert_string_equal(vsh_cmd_opt(f, "domain"), "vm1");
    assert_string_equal(vsh_cmd_opt(f, "event"), "lifecycle");
    assert_string_equal(vsh_cmd_opt(f, "timeout"), "5");
    assert_true(vsh_cmd_has(f, "loop") && vsh_cmd_has(f, "timestamp"));
    assert_non_null(g);
    assert_false(vsh_cmd_has(g, "domain"));
    assert_non_null(h);
    assert_string_equal(vsh_cmd_opt(h, "virttype"), "qemu");
    assert_string_equal(vsh_cmd_opt(h, "arch"), "x86_64");
    assert_string_equal(vsh_cmd_opt(h, "machine"), "pc");
    assert_string_equal(vsh_cmd_opt(h, "emulatorbin"), "/usr/bin/qemu");
}

static void
test_parse_errors(void **state)
{
    assert_null(parse("start"));                  /* domain required */
    assert_null(parse("start vm1 --bogus"));
    assert_null(parse("create"));                 /* file required */
    assert_null(parse("destroy vm1 --graceful=yes"));
    assert_null(parse("shutdown vm1 --mode"));    /* value missing */
    assert_null(parse("console vm1 extra"));
    assert_null(parse("suspend"));
    assert_null(parse("event vm1 extra"));
}

static void
test_table(void **state)
{
    const char *needed[] = {
        "start", "create", "shutdown", "destroy", "reboot", "reset",
        "suspend", "resume", "console", "event", "domcapabilities",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        const VshCmdDef *def = vsh_cmd_lookup(needed[i]);

        assert_non_null(def);
        assert_non_null(def->handler);
        assert_non_null(def->desc);
    }
}

static void
test_shutdown_mode(void **state)
{
    unsigned int flags = 99;

    assert_int_equal(vsh_parse_shutdown_mode(NULL, &flags), 0);
    assert_int_equal(flags, 0);
    assert_int_equal(vsh_parse_shutdown_mode("acpi", &flags), 0);
    assert_int_equal(flags, VIREO_SHUTDOWN_ACPI_POWER_BTN);
    assert_int_equal(vsh_parse_shutdown_mode("agent,signal", &flags), 0);
    assert_int_equal(flags, VIREO_SHUTDOWN_GUEST_AGENT |
                     VIREO_SHUTDOWN_SIGNAL);
    assert_int_equal(vsh_parse_shutdown_mode("initctl,paravirt", &flags), 0);
    assert_int_equal(flags, VIREO_SHUTDOWN_INITCTL | VIREO_SHUTDOWN_PARAVIRT);
    flags = 7;
    assert_int_equal(vsh_parse_shutdown_mode("acpi,bogus", &flags), -1);
    assert_int_equal(vsh_parse_shutdown_mode("", &flags), -1);
    assert_int_equal(vsh_parse_shutdown_mode("ACPI", &flags), -1);
    assert_int_equal(flags, 7);                   /* untouched on error */
}

static void
test_timeout(void **state)
{
    int s = 0;

    assert_int_equal(vsh_parse_timeout("5", &s), 0);
    assert_int_equal(s, 5);
    assert_int_equal(vsh_parse_timeout("0", &s), -1);
    assert_int_equal(vsh_parse_timeout("-3", &s), -1);
    assert_int_equal(vsh_parse_timeout("5s", &s), -1);
    assert_int_equal(vsh_parse_timeout("", &s), -1);
    assert_int_equal(vsh_parse_timeout("99999999999", &s), -1);
    assert_int_equal(s, 5);
}

static void
test_event_lines(void **state)
{
    VireoDomainEvent started = { VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                                 VIREO_DOMAIN_EVENT_STARTED, 0 };
    VireoDomainEvent stopped = { VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                                 VIREO_DOMAIN_EVENT_STOPPED, 1 };
    VireoDomainEvent shutdown = { VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                                  VIREO_DOMAIN_EVENT_SHUTDOWN, 1 };
    VireoDomainEvent reboot = { VIREO_DOMAIN_EVENT_ID_REBOOT, 0, 0 };
    g_autofree char *a = vsh_event_format("rpcdom1", &started);
    g_autofree char *b = vsh_event_format("vm1", &stopped);
    g_autofree char *c = vsh_event_format("vm1", &shutdown);
    g_autofree char *d = vsh_event_format("vm1", &reboot);

    assert_string_equal(a, "event 'lifecycle' for domain 'rpcdom1': "
                        "Started Booted\n");
    assert_string_equal(b, "event 'lifecycle' for domain 'vm1': "
                        "Stopped Destroyed\n");
    assert_string_equal(c, "event 'lifecycle' for domain 'vm1': "
                        "Shutdown Finished after guest request\n");
    assert_string_equal(d, "event 'reboot' for domain 'vm1'\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_commands),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_shutdown_mode),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_event_lines),
    };

    return cmocka_run_group_tests_name("vsh_lifecycle", tests, NULL, NULL);
}
