/* vsh_net_test.c: cmocka checks of vsh's network helpers: net-update words,
 * net-list flags, the net-event line, the domiflist table parsed from
 * domain XML and the domifaddr listing (virsh 9.0 formats). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vsh.h"

static void
test_update_words(void **state)
{
    assert_int_equal(vsh_net_update_command("add"), 3);
    assert_int_equal(vsh_net_update_command("add-last"), 3);
    assert_int_equal(vsh_net_update_command("add-first"), 4);
    assert_int_equal(vsh_net_update_command("delete"), 2);
    assert_int_equal(vsh_net_update_command("modify"), 1);
    assert_int_equal(vsh_net_update_command("remove"), -1);
    assert_int_equal(vsh_net_update_command(""), -1);
    assert_int_equal(vsh_net_update_section("ip-dhcp-host"), 4);
    assert_int_equal(vsh_net_update_section("dns-srv"), 12);
    assert_int_equal(vsh_net_update_section("none"), -1);
    assert_int_equal(vsh_net_update_section("host"), -1);
}

static void
test_list_flags(void **state)
{
    assert_int_equal(vsh_net_list_flags(false, false, false, false, false,
                                        false), 2);
    assert_int_equal(vsh_net_list_flags(true, false, false, false, false,
                                        false), 3);
    assert_int_equal(vsh_net_list_flags(false, true, false, false, false,
                                        false), 1);
    assert_int_equal(vsh_net_list_flags(true, false, true, false, true,
                                        false), 3 | 4 | 16);
    assert_int_equal(vsh_net_list_flags(false, false, false, true, false,
                                        true), 2 | 8 | 32);
}

static void
test_event_line(void **state)
{
    g_autofree char *a = vsh_net_event_format("n1", 2);
    g_autofree char *b = vsh_net_event_format("n1", 3);
    g_autofree char *c = vsh_net_event_format("n1", 9);

    assert_string_equal(a, "event 'lifecycle' for network n1: Started\n");
    assert_string_equal(b, "event 'lifecycle' for network n1: Stopped\n");
    assert_string_equal(c, "event 'lifecycle' for network n1: unknown\n");
    assert_int_equal(vireo_network_event_id_from_string("lifecycle"), 0);
    assert_int_equal(vireo_network_event_id_from_string("reboot"), -1);
}

static void
test_domiflist(void **state)
{
    const char *xml =
        "<domain type='kvm'><name>g</name><devices>\n"
        "<interface type='network'><mac address='52:54:00:aa:bb:cc'/>"
        "<source network='default'/><target dev='vnet0'/>"
        "<model type='virtio'/></interface>\n"
        "<interface type='user'><mac address='52:54:00:00:00:01'/>"
        "</interface>\n"
        "</devices></domain>";
    g_autofree char *t = vsh_domiflist_format(xml);

    assert_non_null(t);
    assert_string_equal(t,
        " Interface   Type      Source    Model    MAC\n"
        "-------------------------------------------------------------\n"
        " vnet0       network   default   virtio   52:54:00:aa:bb:cc\n"
        " -           user      -         -        52:54:00:00:00:01\n");
    assert_null(vsh_domiflist_format("<domain><devices>"));
}

static void
test_domifaddr(void **state)
{
    VireoIPAddress addrs[2] = {
        { VIREO_IP_ADDR_TYPE_IPV4, (char *) "192.168.100.10", 24 },
        { VIREO_IP_ADDR_TYPE_IPV6, (char *) "fd00::10", 64 },
    };
    VireoDomainInterface iface = { (char *) "vnet0",
                                   (char *) "52:54:00:aa:bb:cc", 2, addrs };
    VireoDomainInterface *list[] = { &iface, NULL };
    g_autofree char *t = vsh_domifaddr_format(list, 1, false);

    assert_string_equal(t,
        " Name       MAC address          Protocol     Address\n"
        "-------------------------------------------------"
        "------------------------------\n"
        " vnet0      52:54:00:aa:bb:cc    ipv4         192.168.100.10/24\n"
        " -          -                    ipv6         fd00::10/64\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_words),
        cmocka_unit_test(test_list_flags),
        cmocka_unit_test(test_event_line),
        cmocka_unit_test(test_domiflist),
        cmocka_unit_test(test_domifaddr),
    };

    return cmocka_run_group_tests_name("vsh_net", tests, NULL, NULL);
}
