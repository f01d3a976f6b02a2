/* net_golden.h: shared plumbing of the network golden tests
 * (net_dnsmasq_test, net_firewall_test): case listing with the unused-file
 * check, expected-file comparison with VIREO_REGENERATE=1, parsing of a
 * case's network definition, and finding helper programs.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/network_conf.h"

/* Case names (sorted) of @dir: every NAME.xml.  Files that are neither a
 * case input nor NAME + one of the NULL-terminated @companions are
 * appended to @unused ("DIR/FILE").  Returns NULL if @dir is unreadable. */
GPtrArray *net_golden_list_cases(const char *dir,
                                 const char *const *companions,
                                 GPtrArray *unused);

/* Compare @actual with DIR/NAME+SUFFIX (fails the cmocka test on a
 * difference).  With VIREO_REGENERATE=1 the file is rewritten first.
 * When @optional, empty output means the file must not exist (and
 * regeneration removes it). */
void net_golden_check(const char *dir, const char *name, const char *suffix,
                      const char *actual, bool optional);

/* Parse DIR/NAME.xml with schema validation; fails the test on error. */
VrNetworkDef *net_golden_parse(const char *dir, const char *name);

/* Full path of @prog in /usr/sbin:/usr/bin:/sbin:/bin, or NULL. */
char *net_golden_find_program(const char *prog);
