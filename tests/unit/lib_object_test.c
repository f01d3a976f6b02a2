/* lib_object_test.c: the object kinds of libvireo (src/lib/lib_object.c):
 * the composite XDR filters encode byte for byte what the rpcgen filters
 * of vireo_protocol.x encode for every kind, list-all replies decode into
 * handles of the right kind, the entry checks report each kind's error,
 * and the word tables of lib_event.c. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/lib_event.h"
#include "lib/lib_internal.h"
#include "lib/lib_object.h"
#include "util/vr_error.h"

#define BUF 4096

/* Writable strings for the wire structs (their fields are char *). */
static char s_net0[] = "net0";
static char s_p[] = "p";
static char s_d[] = "d";
static char s_vimg[] = "v.img";
static char s_k[] = "/k";
static char s_netxml[] = "<network/>";
static char s_poolxml[] = "<pool/>";
static char s_domxml[] = "<domain/>";
static char s_a[] = "a";
static char s_bb[] = "bb";
static char s_web[] = "web";
static char s_aimg[] = "a.img";
static char s_bimg[] = "b.img";
static char s_ka[] = "/k/a";
static char s_kb[] = "/k/b";
static char s_n[] = "n";

static const unsigned char uuid_a[VIREO_UUID_BUFLEN] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
};

/* Encode @data with @filter into @buf; the length. */
static u_int
encode(xdrproc_t filter, void *data, char *buf)
{
    XDR xdr;
    u_int len;

    xdrmem_create(&xdr, buf, BUF, XDR_ENCODE);
    assert_true(filter(&xdr, data, 0));
    len = xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    return len;
}

/* Assert that the two encodings are the same bytes. */
static void
assert_same_wire(xdrproc_t f1, void *d1, xdrproc_t f2, void *d2)
{
    char b1[BUF], b2[BUF];
    u_int l1 = encode(f1, d1, b1);
    u_int l2 = encode(f2, d2, b2);

    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
}

/* A connection shell: enough for handles to take references. */
static VireoConn *
conn_shell(void)
{
    VireoConn *conn = g_new0(VireoConn, 1);

    g_atomic_ref_count_init(&conn->ref);
    conn->uri = g_strdup("test:///");
    g_rw_lock_init(&conn->lock);
    vr_lib_async_init(conn);
    return conn;
}

static void
test_obj_args_wire(void **state)
{
    vr_network_flags_args net = { .net = { s_net0, { 0 } }, .flags = 7 };
    vr_storage_pool_flags_args pool = { .pool = { s_p, { 0 } }, .flags = 3 };
    vr_domain_flags_args dom = { .dom = { s_d, { 0 }, 42 }, .flags = 9 };
    vr_storage_vol_flags_args vol = { .vol = { s_p, s_vimg, s_k },
                                      .flags = 1 };
    vr_network_set_autostart_args aut = { .net = { s_net0, { 0 } },
                                          .autostart = 1 };
    VrLibObjArgs args = { 0 };

    (void) state;
    memcpy(net.net.uuid, uuid_a, VIREO_UUID_BUFLEN);
    memcpy(aut.net.uuid, uuid_a, VIREO_UUID_BUFLEN);
    args = (VrLibObjArgs) { &vr_lib_kind_network, &net.net, 7 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_obj_args, &args,
                     (xdrproc_t) xdr_vr_network_flags_args, &net);
    args = (VrLibObjArgs) { &vr_lib_kind_pool, &pool.pool, 3 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_obj_args, &args,
                     (xdrproc_t) xdr_vr_storage_pool_flags_args, &pool);
    args = (VrLibObjArgs) { &vr_lib_kind_domain, &dom.dom, 9 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_obj_args, &args,
                     (xdrproc_t) xdr_vr_domain_flags_args, &dom);
    args = (VrLibObjArgs) { &vr_lib_kind_vol, &vol.vol, 1 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_obj_args, &args,
                     (xdrproc_t) xdr_vr_storage_vol_flags_args, &vol);
    args = (VrLibObjArgs) { &vr_lib_kind_network, &aut.net, 1 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_obj_args, &args,
                     (xdrproc_t) xdr_vr_network_set_autostart_args, &aut);
}

static void
test_xml_args_wire(void **state)
{
    vr_network_xml_flags_args net = { .xml = s_netxml, .flags = 1 };
    vr_storage_pool_xml_args pool = { .xml = s_poolxml, .flags = 0 };
    vr_domain_define_xml_flags_args dom = { .xml = s_domxml, .flags = 1 };
    VrLibXmlArgs args;

    (void) state;
    args = (VrLibXmlArgs) { s_netxml, 1 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_xml_args, &args,
                     (xdrproc_t) xdr_vr_network_xml_flags_args, &net);
    args = (VrLibXmlArgs) { s_poolxml, 0 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_xml_args, &args,
                     (xdrproc_t) xdr_vr_storage_pool_xml_args, &pool);
    args = (VrLibXmlArgs) { s_domxml, 1 };
    assert_same_wire((xdrproc_t) vr_lib_xdr_xml_args, &args,
                     (xdrproc_t) xdr_vr_domain_define_xml_flags_args, &dom);
}

/* Decode @buf (@len bytes) as a list-all reply of @kind into @list. */
static void
decode_list(const VrLibKind *kind, char *buf, u_int len, VrLibObjList *list)
{
    XDR xdr;

    memset(list, 0, sizeof(*list));
    list->kind = kind;
    xdrmem_create(&xdr, buf, len, XDR_DECODE);
    assert_true(vr_lib_xdr_obj_list(&xdr, list));
    assert_int_equal(xdr_getpos(&xdr), len);
    xdr_destroy(&xdr);
}

static void
test_list_decode_networks(void **state)
{
    vr_nonnull_network nets[2] = { { s_a, { 0 } }, { s_bb, { 0 } } };
    vr_connect_list_all_networks_ret ret = {
        .nets = { 2, nets }, .ret = 2
    };
    VireoConn *conn = conn_shell();
    VrLibObjList list;
    char buf[BUF];
    VireoNetwork *net;
    unsigned char uuid[VIREO_UUID_BUFLEN];

    (void) state;
    memcpy(nets[1].uuid, uuid_a, VIREO_UUID_BUFLEN);
    decode_list(&vr_lib_kind_network, buf,
                encode((xdrproc_t) xdr_vr_connect_list_all_networks_ret,
                       &ret, buf), &list);
    assert_int_equal(list.len, 2);
    assert_int_equal(list.ret, 2);
    net = vr_lib_kind_network.new_handle(
        conn, list.val + vr_lib_kind_network.wire_size);
    assert_string_equal(vireo_network_get_name(net), "bb");
    assert_int_equal(vireo_network_get_uuid(net, uuid), 0);
    assert_memory_equal(uuid, uuid_a, VIREO_UUID_BUFLEN);
    assert_ptr_equal(vireo_network_get_conn(net), conn);
    vireo_network_free(net);
    xdr_free((xdrproc_t) vr_lib_xdr_obj_list, (char *) &list);
    assert_true(g_atomic_ref_count_compare(&conn->ref, 1));
    vr_lib_conn_unref(conn);
}

static void
test_list_decode_domains_vols(void **state)
{
    vr_nonnull_domain doms[1] = { { s_web, { 0 }, 7 } };
    vr_connect_list_all_domains_ret dret = { .domains = { 1, doms },
                                             .ret = 5 };
    vr_nonnull_storage_vol vols[2] = { { s_p, s_aimg, s_ka },
                                       { s_p, s_bimg, s_kb } };
    vr_storage_pool_list_all_volumes_ret vret = { .vols = { 2, vols },
                                                  .ret = 2 };
    VireoConn *conn = conn_shell();
    VrLibObjList list;
    char buf[BUF];
    VireoDomain *dom;
    VireoStorageVol *vol;

    (void) state;
    decode_list(&vr_lib_kind_domain, buf,
                encode((xdrproc_t) xdr_vr_connect_list_all_domains_ret,
                       &dret, buf), &list);
    assert_int_equal(list.len, 1);
    assert_int_equal(list.ret, 5);
    dom = vr_lib_kind_domain.new_handle(conn, list.val);
    assert_string_equal(vireo_domain_get_name(dom), "web");
    assert_int_equal(vireo_domain_get_id(dom), 7);
    vireo_domain_free(dom);
    xdr_free((xdrproc_t) vr_lib_xdr_obj_list, (char *) &list);

    decode_list(&vr_lib_kind_vol, buf,
                encode((xdrproc_t) xdr_vr_storage_pool_list_all_volumes_ret,
                       &vret, buf), &list);
    assert_int_equal(list.len, 2);
    vol = vr_lib_kind_vol.new_handle(conn,
                                     list.val + vr_lib_kind_vol.wire_size);
    assert_string_equal(vireo_storage_vol_get_name(vol), "b.img");
    assert_string_equal(vireo_storage_vol_get_key(vol), "/k/b");
    assert_string_equal(vireo_storage_vol_get_pool_name(vol), "p");
    vireo_storage_vol_free(vol);
    xdr_free((xdrproc_t) vr_lib_xdr_obj_list, (char *) &list);
    assert_true(g_atomic_ref_count_compare(&conn->ref, 1));
    vr_lib_conn_unref(conn);
}

/* A reply longer than the kind's bound is refused. */
static void
test_list_bound(void **state)
{
    char buf[BUF];
    XDR xdr;
    u_int count = VR_NETWORK_LIST_MAX + 1;
    VrLibObjList list = { .kind = &vr_lib_kind_network };

    (void) state;
    xdrmem_create(&xdr, buf, BUF, XDR_ENCODE);
    assert_true(xdr_u_int(&xdr, &count));
    xdr_destroy(&xdr);
    xdrmem_create(&xdr, buf, BUF, XDR_DECODE);
    assert_false(vr_lib_xdr_obj_list(&xdr, &list));
    xdr_destroy(&xdr);
    assert_null(list.val);
}

static void
test_checks(void **state)
{
    VireoConn *conn = conn_shell();
    vr_nonnull_storage_pool wire = { s_p, { 0 } };
    VireoStoragePool *pool = vr_lib_pool_new(conn, &wire);

    (void) state;
    assert_false(vr_lib_obj_check(&vr_lib_kind_network, NULL, "f1"));
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_ARG);
    assert_non_null(strstr(vr_error_message(), "invalid network in f1"));
    assert_false(vr_lib_obj_check(&vr_lib_kind_pool, NULL, "f2"));
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_STORAGE_POOL);
    assert_non_null(strstr(vr_error_message(),
                           "invalid storage pool in f2"));
    assert_false(vr_lib_obj_check(&vr_lib_kind_vol, NULL, "f3"));
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_STORAGE_VOL);
    assert_false(vr_lib_obj_check(&vr_lib_kind_domain, NULL, "f4"));
    assert_int_equal(vr_error_code(), VR_ERR_INVALID_DOMAIN);
    vr_error_reset();
    assert_true(vr_lib_obj_check(&vr_lib_kind_pool, pool, "f5"));
    assert_int_equal(vr_error_code(), VR_ERR_OK);
    assert_ptr_equal(vr_lib_obj_conn(pool), conn);
    vireo_storage_pool_free(pool);
    vr_lib_conn_unref(conn);
}

static void
test_array_take(void **state)
{
    VireoConn *conn = conn_shell();
    vr_nonnull_network wire = { s_n, { 0 } };
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(
        (GDestroyNotify) vireo_network_free);
    VireoNetwork **nets = NULL;

    (void) state;
    g_ptr_array_add(out, vr_lib_network_new(conn, &wire));
    g_ptr_array_add(out, vr_lib_network_new(conn, &wire));
    assert_int_equal(vr_lib_obj_array_take(out, (void ***) &nets), 2);
    assert_int_equal(out->len, 0);
    assert_non_null(nets[0]);
    assert_non_null(nets[1]);
    assert_null(nets[2]);
    vr_lib_obj_list_free(&vr_lib_kind_network, (void **) nets);
    /* Without a result array the handles stay with @out (freed with it). */
    g_ptr_array_add(out, vr_lib_network_new(conn, &wire));
    assert_int_equal(vr_lib_obj_array_take(out, NULL), 1);
    assert_int_equal(out->len, 1);
    g_ptr_array_set_size(out, 0);
    assert_true(g_atomic_ref_count_compare(&conn->ref, 1));
    vr_lib_conn_unref(conn);
}

static void
test_words(void **state)
{
    static const char *const table[] = { "zero", "one", NULL };

    (void) state;
    assert_string_equal(vr_lib_word(table, 1), "one");
    assert_string_equal(vr_lib_word(table, 2), "unknown");
    assert_string_equal(vr_lib_word(table, -1), "unknown");
    assert_int_equal(vr_lib_word_index(table, "zero"), 0);
    assert_int_equal(vr_lib_word_index(table, "two"), -1);
    assert_int_equal(vr_lib_word_index(table, NULL), -1);
    assert_string_equal(vireo_storage_pool_event_id_string(1), "refresh");
    assert_int_equal(vireo_network_event_id_from_string("lifecycle"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_obj_args_wire),
        cmocka_unit_test(test_xml_args_wire),
        cmocka_unit_test(test_list_decode_networks),
        cmocka_unit_test(test_list_decode_domains_vols),
        cmocka_unit_test(test_list_bound),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_array_take),
        cmocka_unit_test(test_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
