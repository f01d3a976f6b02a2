/* net_firewall_test.c: golden tests of a virtual network's nftables
 * script, the kernel's check of every script, and an apply / exists /
 * delete round trip.
 *
 * tests/data/nft/CASE.xml (a network definition) -> CASE.nft.
 * VIREO_REGENERATE=1 rewrites the expected files; files no case uses fail
 * the "unused-files" test.  Everything that runs nft does so only after
 * this process moved into a network namespace of its own
 * (unshare(CLONE_NEWNET)), so the host's ruleset is never read or
 * changed; without that permission, or without nft, those tests are
 * skipped and say why.
 */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "net_golden.h"
#include "network/net_firewall.h"
#include "util/vr_command.h"
#include "util/vr_error.h"

static char *data_dir;
static GPtrArray *unused;
static char *no_nft_reason;     /* why nft cannot run here, or NULL */

static void
require_nft(void)
{
    if (no_nft_reason) {
        print_message("# SKIP: %s\n", no_nft_reason);
        skip();
    }
}

static void
test_golden(void **state)
{
    const char *name = *state;
    g_autoptr(VrNetworkDef) def = net_golden_parse(data_dir, name);
    g_autofree char *script = net_firewall_script(def);
    g_autofree char *again = net_firewall_script(def);
    g_autofree char *table = net_firewall_table_name(def);
    g_autofree char *del = net_firewall_delete_script(def);
    g_autofree char *del_line = g_strdup_printf("delete table inet %s\n",
                                                table);

    net_golden_check(data_dir, name, ".nft", script, false);
    assert_string_equal(script, again);
    /* The script starts by removing any previous version of the table. */
    assert_non_null(strstr(script, del));
    assert_non_null(strstr(del, del_line));
    for (const char *p = table; *p; p++)
        assert_true(g_ascii_isalnum(*p) || *p == '_');
}

static void
test_nft_check(void **state)
{
    const char *name = *state;
    g_autoptr(VrNetworkDef) def = NULL;
    g_autofree char *script = NULL;

    require_nft();
    def = net_golden_parse(data_dir, name);
    script = net_firewall_script(def);
    if (net_firewall_check(script) < 0)
        fail_msg("%s: nft -c refused the script: %s", name, vr_error_message());
}

static char *
nft_list(const char *family, const char *table)
{
    g_autoptr(VrCommand) cmd = vr_command_new("nft");
    char *out = NULL;
    int status;

    vr_command_add_arg(cmd, "list");
    vr_command_add_arg(cmd, "table");
    vr_command_add_arg(cmd, family);
    vr_command_add_arg(cmd, table);
    assert_int_equal(vr_command_run(cmd, &status, &out, NULL), 0);
    if (status != 0) {
        g_free(out);
        return NULL;
    }
    return out;
}

static void
apply_ok(const char *script)
{
    if (net_firewall_apply(script) < 0)
        fail_msg("nft -f failed: %s", vr_error_message());
}

/* Someone else's table (Docker, firewalld) must survive our changes. */
static const char foreign[] =
    "table ip other_tool {\n"
    "    chain forward {\n"
    "        type filter hook forward priority 0; policy accept;\n"
    "        iifname \"docker0\" accept\n"
    "    }\n"
    "}\n";

static void
test_round_trip(void **state)
{
    g_autoptr(VrNetworkDef) def = NULL;
    g_autofree char *script = NULL, *del = NULL, *table = NULL;
    g_autofree char *listing = NULL, *other = NULL;

    (void) state;
    require_nft();
    def = net_golden_parse(data_dir, "nat");
    script = net_firewall_script(def);
    del = net_firewall_delete_script(def);
    table = net_firewall_table_name(def);
    apply_ok(foreign);
    assert_int_equal(net_firewall_table_exists(def), 0);
    apply_ok(script);
    assert_int_equal(net_firewall_table_exists(def), 1);
    apply_ok(script);           /* idempotent: replaced, not duplicated */
    assert_int_equal(net_firewall_table_exists(def), 1);
    listing = nft_list("inet", table);
    assert_non_null(listing);
    assert_non_null(strstr(listing, "masquerade"));
    assert_null(strstr(strstr(listing, "chain postrouting") + 1,
                       "chain postrouting"));
    apply_ok(del);
    assert_int_equal(net_firewall_table_exists(def), 0);
    apply_ok(del);              /* deleting an absent table is fine */
    assert_int_equal(net_firewall_table_exists(def), 0);
    other = nft_list("ip", "other_tool");
    assert_non_null(other);
    assert_non_null(strstr(other, "docker0"));
}

static void
test_apply_error(void **state)
{
    static const char bad[] = "table inet vireo_x {\n"
                              "    chain c { bogus rule; }\n}\n";
    const char *msg;

    (void) state;
    require_nft();
    vr_error_reset();
    assert_int_equal(net_firewall_check(bad), -1);
    assert_non_null(strstr(vr_error_message(), "cannot check the firewall"));
    vr_error_reset();
    assert_int_equal(net_firewall_apply(bad), -1);
    msg = vr_error_message();
    assert_int_equal(vr_error_code(), VR_ERR_OPERATION_FAILED);
    assert_non_null(strstr(msg, "cannot apply the firewall rules"));
    /* nft's own diagnosis is in the message. */
    assert_non_null(strstr(msg, "Error:"));
}

static void
test_unused_files(void **state)
{
    (void) state;
    for (guint i = 0; i < unused->len; i++)
        printf("# unused data file: %s\n", (char *)g_ptr_array_index(unused, i));
    if (unused->len)
        fail_msg("%u data files are not used by any case", unused->len);
}

/* Move into a private network namespace; record why nft cannot run. */
static void
setup_netns(void)
{
    g_autofree char *nft = net_golden_find_program("nft");

    if (!nft)
        no_nft_reason = g_strdup("nft is not installed (apt-get install "
                                 "nftables)");
    else if (unshare(CLONE_NEWNET) < 0)
        no_nft_reason = g_strdup_printf("cannot create a network namespace "
                                        "(unshare: %s); the host's ruleset "
                                        "is never used", g_strerror(errno));
}

int
main(void)
{
    static const char *const companions[] = { ".nft", NULL };
    const char *top = g_getenv("abs_top_srcdir");
    g_autoptr(GPtrArray) cases = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autofree struct CMUnitTest *tests = NULL;
    size_t n = 0;

    setup_netns();
    data_dir = g_strdup_printf("%s/tests/data/nft", top ? top : ".");
    unused = g_ptr_array_new_with_free_func(g_free);
    if (!(cases = net_golden_list_cases(data_dir, companions, unused))) {
        fprintf(stderr, "cannot read %s\n", data_dir);
        return 1;
    }
    tests = g_new0(struct CMUnitTest, cases->len * 2 + 3);
    for (guint i = 0; i < cases->len; i++) {
        char *c = g_ptr_array_index(cases, i);
        char *t = g_strdup_printf("nft-check-%s", c);

        g_ptr_array_add(names, t);
        tests[n++] = (struct CMUnitTest) { .name = c,
            .test_func = test_golden, .initial_state = c };
        tests[n++] = (struct CMUnitTest) { .name = t,
            .test_func = test_nft_check, .initial_state = c };
    }
    tests[n++] = (struct CMUnitTest) { "round-trip", test_round_trip,
                                       NULL, NULL, NULL };
    tests[n++] = (struct CMUnitTest) { "apply-error", test_apply_error,
                                       NULL, NULL, NULL };
    tests[n++] = (struct CMUnitTest) { "unused-files", test_unused_files,
                                       NULL, NULL, NULL };
    return _cmocka_run_group_tests("net-firewall", tests, n, NULL, NULL);
}
