/* daemon_dispatch_test.c: cmocka checks of the REMOTE procedure table:
 * every procedure of vireo_protocol.x has exactly one entry, and the
 * read-only / before-open / priority flags are the ones FACTS.md asks for.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>

#include "daemon/daemon_dispatch.h"
#include "rpc/vireo_protocol.h"

static const VrRpcProcedure *
find(int proc)
{
    const VrRpcProcedure *found = NULL;

    for (size_t i = 0; i < daemon_remote_nprocs; i++) {
        if (daemon_remote_procs[i].proc == proc) {
            assert_null(found);   /* no duplicates */
            found = &daemon_remote_procs[i];
        }
    }
    return found;
}

/* Every number in enum vr_procedure (kept in sync by hand with the .x). */
static const int all_procs[] = {
    1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 21, 22, 23,
    24, 25, 27, 28, 29, 33, 34, 35, 37, 51, 59, 60, 66, 70, 102, 110, 121, 122,
    149, 150, 151, 157, 167, 168, 183, 187, 196, 201, 202, 212, 231, 234,
    245, 258, 265, 273, 316, 317, 342, 350, 360, 361, 426,
    /* networks, their events, interface addresses */
    36, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 152, 153,
    283, 291, 313, 314, 341, 353, 432, 437,
    /* storage pools and volumes, pool events */
    71, 72, 73, 74, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,
    90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 125, 154, 155, 165, 208,
    209, 259, 260, 281, 282, 368, 369, 378,
    /* save, restore, managed save */
    54, 55, 182, 184, 232, 233, 235, 236,
    /* hotplug, tuning and statistics */
    8, 13, 30, 31, 32, 160, 161, 174, 199, 204,
    20, 64, 65, 159, 194, 200, 227, 228, 230, 243, 293, 344,
    /* migration v3 with parameters, job progress */
    302, 303, 305, 306, 307, 163, 164, 298,
    /* snapshots */
    185, 186, 188, 189, 190, 191, 192, 193, 244, 246, 271, 272, 274, 275,
};

static void
test_complete(void **state)
{
    assert_int_equal(daemon_remote_nprocs, G_N_ELEMENTS(all_procs));
    for (size_t i = 0; i < G_N_ELEMENTS(all_procs); i++) {
        const VrRpcProcedure *p = find(all_procs[i]);

        if (!p)
            fail_msg("procedure %d has no handler", all_procs[i]);
        assert_non_null(p->handler);
        assert_non_null(p->name);
        assert_true((p->args_filter != NULL) == (p->args_size > 0));
        assert_true((p->ret_filter != NULL) == (p->ret_size > 0));
    }
}

static void
test_flags(void **state)
{
    static const int before_open[] = { 1, 2, 60, 66, 70 };
    /* 201: libvirt refuses consoles on read-only connections too */
    static const int writes[] = { 9, 10, 11, 12, 27, 28, 29, 33, 34, 35, 196,
                                  201, 231, 234, 245, 258, 350,
                                  39, 40, 41, 42, 48, 49, 291, 432, 437,
                                  76, 77, 78, 79, 80, 81, 82, 83, 90, 93,
                                  94, 125, 165, 208, 209, 259, 260,
                                  54, 55, 182, 184, 232, 233, 236,
                                  185, 192, 193,
                                  8, 13, 30, 31, 32, 160, 161, 174, 199,
                                  204,
                                  302, 303, 305, 306, 307, 164 };
    static const int normal_prio[] = { 7, 9, 10, 14, 16, 27, 28, 33, 34, 183,
                                       196, 201, 245, 258, 265, 342, 426,
                                       39, 40, 341, 353,
                                       76, 78, 79, 81, 83, 93, 94, 125, 165,
                                       208, 209, 259, 260,
                                       54, 55, 182, 184, 232, 233,
                                       8, 13, 31, 32, 160, 161, 174, 199,
                                       204, 64, 159, 194, 200, 230, 243,
                                       293, 344,
                                       302, 303, 305, 306, 307,
                                       185, 190, 191, 192, 193, 271, 272 };

    for (size_t i = 0; i < daemon_remote_nprocs; i++) {
        const VrRpcProcedure *p = &daemon_remote_procs[i];
        bool pre = false, write = false, normal = false;

        for (size_t j = 0; j < G_N_ELEMENTS(before_open); j++)
            pre |= p->proc == before_open[j];
        for (size_t j = 0; j < G_N_ELEMENTS(writes); j++)
            write |= p->proc == writes[j];
        for (size_t j = 0; j < G_N_ELEMENTS(normal_prio); j++)
            normal |= p->proc == normal_prio[j];
        assert_int_equal(!!(p->flags & VR_RPC_PROC_BEFORE_OPEN), pre);
        assert_int_equal(!(p->flags & VR_RPC_PROC_READONLY_OK), write);
        assert_int_equal(!(p->flags & VR_RPC_PROC_HIGH_PRIO), normal);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_flags),
    };

    return cmocka_run_group_tests_name("daemon_dispatch", tests, NULL, NULL);
}
