/* Helpers shared by the Check suites: an arena per test, value asserts, and
 * a main that runs a suite and turns failures into the exit status. */
#ifndef NB_TEST_UTIL_H
#define NB_TEST_UTIL_H

#include <check.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include <nabla.h>

/* Every test gets a fresh arena made current, and a clean error state. */
static nb_arena *test_arena;

static inline void nb_test_setup(void)
{
    nb_clear_error();
    test_arena = nb_arena_new();
    nb_arena_use(test_arena);
}

static inline void nb_test_teardown(void)
{
    nb_arena_free(test_arena);
    test_arena = NULL;
}

/* Assert that t has n elements, each within tol of expected[i]. */
#define ck_assert_tensor_near(t, expected, n, tol)                                            \
    do {                                                                                    \
        const nb_tensor *t_ = (t);                                                           \
        ck_assert_msg(t_ != NULL, "tensor is NULL: %s", nb_last_error());                    \
        ck_assert_int_eq(nb_tensor_numel(t_), (n));                                                 \
        for (int64_t i_ = 0; i_ < (int64_t)(n); i_++) {                                      \
            double got_ = nb_tensor_get(t_, i_), want_ = (double)(expected)[i_];                    \
            ck_assert_msg(fabs(got_ - want_) <= (tol) || (isnan(got_) && isnan(want_)),      \
                          "element %lld: got %.10g, expected %.10g (tol %g)", (long long)i_, \
                          got_, want_, (double)(tol));                                       \
        }                                                                                   \
    } while (0)

/* Assert that a call failed with `status` and a message containing `needle`. */
#define ck_assert_error(status, needle)                                                       \
    do {                                                                                    \
        ck_assert_int_eq(nb_last_status(), (status));                                        \
        ck_assert_msg(strstr(nb_last_error(), (needle)) != NULL,                             \
                      "message '%s' lacks '%s'", nb_last_error(), (needle));                 \
    } while (0)

/* Add a test case with the arena fixture and a generous timeout. */
static inline TCase *nb_test_case(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, nb_test_setup, nb_test_teardown);
    tcase_set_timeout(tc, 600);
    return tc;
}

static inline int nb_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
