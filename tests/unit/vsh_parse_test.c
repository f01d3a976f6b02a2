/* vsh_parse_test.c: vsh's command-line parser (named, positional and
 * "--opt=value" options, the errors) and virsh's list table layout. */
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
test_parse_ok(void **state)
{
    g_autoptr(VshCmd) a = parse("dumpxml web1 --inactive");
    g_autoptr(VshCmd) b = parse("dumpxml --domain=web2 --security-info");
    g_autoptr(VshCmd) c = parse("define --validate --file /tmp/x.xml");
    g_autoptr(VshCmd) d = parse("list --all --name");
    g_autoptr(VshCmd) e = parse("autostart -- --odd-name");

    assert_non_null(a);
    assert_string_equal(vsh_cmd_opt(a, "domain"), "web1");
    assert_true(vsh_cmd_has(a, "inactive"));
    assert_false(vsh_cmd_has(a, "security-info"));
    assert_non_null(b);
    assert_string_equal(vsh_cmd_opt(b, "domain"), "web2");
    assert_true(vsh_cmd_has(b, "security-info"));
    assert_non_null(c);
    assert_string_equal(vsh_cmd_opt(c, "file"), "/tmp/x.xml");
    assert_true(vsh_cmd_has(c, "validate"));
    assert_non_null(d);
    assert_true(vsh_cmd_has(d, "all") && vsh_cmd_has(d, "name"));
    assert_false(vsh_cmd_has(d, "uuid"));
    assert_non_null(e);
    assert_string_equal(vsh_cmd_opt(e, "domain"), "--odd-name");
}

static void
test_parse_errors(void **state)
{
    assert_null(parse("nosuchcommand"));
    assert_null(parse("list --bogus"));
    assert_null(parse("dominfo"));                /* required domain */
    assert_null(parse("dominfo a b"));            /* unexpected data */
    assert_null(parse("define --file"));          /* value missing */
    assert_null(parse("list --all=yes"));         /* bool with value */
}

static void
test_table_lookup(void **state)
{
    const VshCmdDef *def;
    const char *needed[] = {
        "connect", "uri", "version", "hostname", "nodeinfo", "capabilities",
        "list", "define", "undefine", "dumpxml", "edit", "dominfo", "domuuid",
        "domname", "domid", "domstate", "autostart", "help", "quit", "exit",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        assert_non_null(def = vsh_cmd_lookup(needed[i]));
        assert_non_null(def->handler);
        assert_non_null(def->summary);
    }
    assert_null(vsh_cmd_lookup("lis"));
}

static void
test_table_format(void **state)
{
    const char *cells[] = {
        "Id", "Name", "State",
        "1", "test", "running",
        "-", "a-much-longer-name", "shut off",
    };
    const char *empty[] = { "Id", "Name", "State" };
    g_autofree char *full = vsh_table_format(cells, 2, 3, true);
    g_autofree char *none = vsh_table_format(empty, 0, 3, true);
    g_autofree char *quiet = vsh_table_format(cells, 1, 3, false);

    /* Byte-for-byte what virsh 9.0 prints for the same domains. */
    assert_string_equal(full,
                        " Id   Name                 State\n"
                        "-------------------------------------\n"
                        " 1    test                 running\n"
                        " -    a-much-longer-name   shut off\n");
    assert_string_equal(none,
                        " Id   Name   State\n"
                        "--------------------\n");
    assert_string_equal(quiet, " 1   test   running\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_table_lookup),
        cmocka_unit_test(test_table_format),
    };

    return cmocka_run_group_tests_name("vsh_parse", tests, NULL, NULL);
}
