/* json_test.c: cmocka tests for src/util/vr_json.c (parse, build,
 * format, typed reads, 64-bit numbers). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "util/vr_error.h"
#include "util/vr_json.h"

static VrJson *
parse(const char *text)
{
    return vr_json_parse(text, strlen(text));
}

static void
test_json_roundtrip(void **state)
{
    const char *cases[] = {
        "null", "true", "false", "0", "-12", "1.5e300", "\"\"",
        "{}", "[]", "[1,[2,[3]],{}]",
        "{\"b\":1,\"a\":[true,null],\"c\":{\"x\":\"y\"}}",
        "\"tab\\there \\\"q\\\" \\\\ \\u0001 caf\xc3\xa9\"",
        "18446744073709551615", "-9223372036854775808",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(VrJson) v = parse(cases[i]);
        g_autofree char *out = NULL;

        assert_non_null(v);
        out = vr_json_format(v, false);
        assert_string_equal(out, cases[i]);
    }
}

static void
test_json_numbers(void **state)
{
    g_autoptr(VrJson) v = parse("{\"u\":18446744073709551615,"
                                "\"i\":-9223372036854775808,\"f\":1.5,"
                                "\"e\":1e3,\"big\":18446744073709551616,"
                                "\"s\":\"7\"}");
    unsigned long long u = 0;
    long long n = 0;
    double d = 0;

    assert_non_null(v);
    assert_int_equal(vr_json_object_get_uint(v, "u", &u), 0);
    assert_true(u == G_MAXUINT64);
    assert_int_equal(vr_json_object_get_int(v, "u", &n), -1);
    assert_int_equal(vr_json_object_get_int(v, "i", &n), 0);
    assert_true(n == G_MININT64);
    assert_int_equal(vr_json_object_get_uint(v, "i", &u), -1);
    assert_int_equal(vr_json_object_get_int(v, "f", &n), -1);
    assert_int_equal(vr_json_get_double(vr_json_object_get(v, "f"), &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(vr_json_get_double(vr_json_object_get(v, "e"), &d), 0);
    assert_true(d == 1000.0);
    assert_int_equal(vr_json_object_get_int(v, "e", &n), -1);
    assert_int_equal(vr_json_object_get_uint(v, "big", &u), -1);
    assert_int_equal(vr_json_object_get_int(v, "s", &n), -1);
    assert_int_equal(vr_json_object_get_int(v, "missing", &n), -1);
    assert_int_equal(vr_json_type(vr_json_object_get(v, "big")),
                     VR_JSON_NUMBER);
}

static void
test_json_build(void **state)
{
    g_autoptr(VrJson) obj = vr_json_new_object();
    g_autoptr(VrJson) copy = NULL;
    VrJson *arr = vr_json_new_array();
    g_autofree char *compact = NULL;
    g_autofree char *pretty = NULL;
    g_autofree char *again = NULL;
    bool b = false;

    vr_json_object_set_string(obj, "execute", "device_add");
    vr_json_object_set_uint(obj, "size", 18446744073709551615ULL);
    vr_json_object_set_int(obj, "neg", -5);
    vr_json_object_set_bool(obj, "on", true);
    vr_json_array_append(arr, vr_json_new_double(0.25));
    vr_json_array_append(arr, vr_json_new_null());
    vr_json_array_append(arr, vr_json_new_string("a\"b\n"));
    vr_json_object_set(obj, "list", arr);
    vr_json_object_set_int(obj, "neg", 6);   /* replaces, keeps position */

    compact = vr_json_format(obj, false);
    assert_string_equal(compact,
                        "{\"execute\":\"device_add\","
                        "\"size\":18446744073709551615,\"neg\":6,"
                        "\"on\":true,\"list\":[0.25,null,\"a\\\"b\\n\"]}");
    pretty = vr_json_format(obj, true);
    assert_non_null(strstr(pretty, "\n  \"execute\": \"device_add\",\n"));
    assert_true(pretty[strlen(pretty) - 1] == '}');

    copy = vr_json_copy(obj);
    again = vr_json_format(copy, false);
    assert_string_equal(again, compact);
    assert_int_equal(vr_json_object_size(copy), 5);
    assert_string_equal(vr_json_object_key_at(copy, 4), "list");
    assert_null(vr_json_object_key_at(copy, 5));
    assert_int_equal(vr_json_array_size(vr_json_object_value_at(copy, 4)), 3);
    assert_int_equal(vr_json_object_get_bool(copy, "on", &b), 0);
    assert_true(b);
    assert_int_equal(vr_json_object_get_bool(copy, "execute", &b), -1);
    assert_string_equal(vr_json_get_string(vr_json_array_get(
        vr_json_object_get(copy, "list"), 2)), "a\"b\n");
    assert_null(vr_json_array_get(vr_json_object_get(copy, "list"), 3));
}

static void
test_json_steal(void **state)
{
    g_autoptr(VrJson) msg = parse("{\"return\":{\"a\":1},\"id\":\"x\"}");
    g_autoptr(VrJson) ret = vr_json_object_steal(msg, "return");
    g_autofree char *rest = vr_json_format(msg, false);

    assert_non_null(ret);
    assert_int_equal(vr_json_type(ret), VR_JSON_OBJECT);
    assert_string_equal(rest, "{\"id\":\"x\"}");
    assert_null(vr_json_object_steal(msg, "return"));
}

static void
test_json_errors(void **state)
{
    const char *bad[] = { "", "{", "{\"a\":}", "[1,]", "nul", "{} {}",
                          "\"\xff\"", "{\"a\" 1}" };
    GString *deep = g_string_new(NULL);
    g_autoptr(VrJson) ok = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        vr_error_reset();
        assert_null(parse(bad[i]));
        assert_int_equal(vr_error_code(), VR_ERR_INTERNAL_ERROR);
        assert_non_null(strstr(vr_error_message(), "cannot parse JSON: "));
    }
    for (int i = 0; i < 200; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < 200; i++)
        g_string_append_c(deep, ']');
    assert_null(parse(deep->str));
    assert_non_null(strstr(vr_error_message(), "nesting deeper than"));
    g_string_truncate(deep, 0);
    for (int i = 0; i < 50; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < 50; i++)
        g_string_append_c(deep, ']');
    ok = parse(deep->str);
    assert_non_null(ok);
    g_string_free(deep, TRUE);
}

static void
test_json_wrong_types(void **state)
{
    g_autoptr(VrJson) arr = parse("[1]");
    g_autoptr(VrJson) str = vr_json_new_string(NULL);
    g_autoptr(VrJson) nan = vr_json_new_double(0.0 / 0.0);
    long long n;

    assert_null(vr_json_object_get(arr, "x"));
    assert_int_equal(vr_json_object_size(arr), 0);
    assert_int_equal(vr_json_array_size(NULL), 0);
    assert_null(vr_json_get_string(vr_json_array_get(arr, 0)));
    assert_int_equal(vr_json_get_int(NULL, &n), -1);
    vr_json_object_set_int(arr, "k", 1);   /* not an object: dropped */
    assert_int_equal(vr_json_array_size(arr), 1);
    assert_int_equal(vr_json_type(str), VR_JSON_NULL);
    assert_int_equal(vr_json_type(nan), VR_JSON_NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_roundtrip),
        cmocka_unit_test(test_json_numbers),
        cmocka_unit_test(test_json_build),
        cmocka_unit_test(test_json_steal),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_json_wrong_types),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
