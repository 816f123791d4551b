/* Tensor core: creation, accessors, errors, in-place writes, printing, RNG. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "test_util.h"

#include "core/tensor_internal.h" /* nb__shape_numel */

#include <stdio.h>

START_TEST(test_create_shapes)
{
    nb_tensor *z = nb_zeros(NB_F32, NB_SHAPE(2, 3, 4));
    ck_assert_ptr_nonnull(z);
    ck_assert_int_eq(nb_tensor_ndim(z), 3);
    ck_assert_int_eq(nb_tensor_shape(z)[0], 2);
    ck_assert_int_eq(nb_tensor_shape(z)[2], 4);
    ck_assert_int_eq(nb_tensor_dim(z, -1), 4);
    ck_assert_int_eq(nb_tensor_numel(z), 24);
    ck_assert_int_eq(nb_tensor_dtype(z), NB_F32);
    ck_assert(((uintptr_t)nb_tensor_data(z) & 63) == 0);
    for (int i = 0; i < 24; i++)
        ck_assert(nb_tensor_data_f32(z)[i] == 0.0f);
    nb_tensor *o = nb_ones(NB_F64, NB_SHAPE(5));
    double five_ones[5] = {1, 1, 1, 1, 1};
    ck_assert_tensor_near(o, five_ones, 5, 0);
    nb_tensor *f = nb_full(NB_F64, NB_SHAPE(2, 2), -2.5);
    double fv[4] = {-2.5, -2.5, -2.5, -2.5};
    ck_assert_tensor_near(f, fv, 4, 0);
    nb_tensor *s = nb_scalar(NB_F64, 3.25);
    ck_assert_int_eq(nb_tensor_ndim(s), 0);
    ck_assert_int_eq(nb_tensor_numel(s), 1);
    ck_assert(nb_tensor_item(s) == 3.25);
    nb_tensor *empty = nb_zeros(NB_F32, NB_SHAPE(0, 3));
    ck_assert_ptr_nonnull(empty);
    ck_assert_int_eq(nb_tensor_numel(empty), 0);
}
END_TEST

START_TEST(test_from_data_copies)
{
    double src[6] = {1, 2, 3, 4, 5, 6};
    nb_tensor *t = nb_from_f64(src, NB_SHAPE(2, 3));
    src[0] = 100; /* the tensor holds its own copy */
    ck_assert(nb_tensor_get(t, 0) == 1.0);
    ck_assert(nb_tensor_get(t, 5) == 6.0);
    float fs[2] = {0.5f, -0.25f};
    nb_tensor *u = nb_from_f32(fs, NB_SHAPE(2));
    ck_assert(nb_tensor_data_f32(u)[1] == -0.25f);
    nb_tensor *c = nb_tensor_clone(t);
    ck_assert(nb_tensor_get(c, 4) == 5.0);
    ck_assert(nb_tensor_data_f64(c) != nb_tensor_data_f64(t));
}
END_TEST

/* class labels straight from an int array (no cast by the caller), exact in
 * both dtypes; an int f32 would round is refused rather than shifted */
START_TEST(test_from_int_labels)
{
    int labels[4] = {2, 0, 1, 16777216};
    nb_tensor *a = nb_from_int(NB_F32, labels, NB_SHAPE(4));
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(nb_tensor_dtype(a), NB_F32);
    ck_assert(nb_tensor_data_f32(a)[0] == 2.0f && nb_tensor_data_f32(a)[1] == 0.0f);
    ck_assert(nb_tensor_data_f32(a)[3] == 16777216.0f);
    labels[0] = -7;
    nb_tensor *b = nb_from_int(NB_F64, labels, NB_SHAPE(2, 2));
    ck_assert(nb_tensor_data_f64(b)[0] == -7.0 && nb_tensor_data_f64(b)[2] == 1.0);
    labels[1] = 16777217; /* 2^24 + 1: f32 would store 2^24 */
    ck_assert_ptr_null(nb_from_int(NB_F32, labels, NB_SHAPE(4)));
    ck_assert_error(NB_ERR_ARG, "nb_from_int: element 1 is 16777217, which f32 cannot hold exactly");
    ck_assert_ptr_nonnull(nb_from_int(NB_F64, labels, NB_SHAPE(4)));
    ck_assert_ptr_null(nb_from_int(NB_F64, NULL, NB_SHAPE(4)));
    ck_assert_error(NB_ERR_NULL, "nb_from_int: data is NULL");
    /* a label tensor for a loss, as users write it */
    nb_tensor *z = nb_from_f64((const double[]){1, 2, 3, 0, 0, 0}, NB_SHAPE(2, 3));
    nb_tensor *y = nb_from_int(NB_F64, (const int[]){2, 0}, NB_SHAPE(2));
    double ce = ((log(exp(1) + exp(2) + exp(3)) - 3) + log(3.0)) / 2;
    ck_assert_double_eq_tol(nb_tensor_item(nb_cross_entropy_loss(z, y, NB_REDUCE_MEAN)), ce, 1e-14);
}
END_TEST

START_TEST(test_arange)
{
    nb_tensor *a = nb_arange(NB_F64, 0, 1, 0.25);
    double want[4] = {0, 0.25, 0.5, 0.75};
    ck_assert_tensor_near(a, want, 4, 0);
    nb_tensor *b = nb_arange(NB_F32, 5, 2, -1);
    double wb[3] = {5, 4, 3};
    ck_assert_tensor_near(b, wb, 3, 0);
    nb_tensor *e = nb_arange(NB_F64, 1, 1, 1);
    ck_assert_int_eq(nb_tensor_numel(e), 0);
    ck_assert_ptr_null(nb_arange(NB_F64, 0, 1, 0));
    ck_assert_error(NB_ERR_ARG, "non-zero step");
}
END_TEST

START_TEST(test_rng_reference_stream)
{
    /* Values of the published xoshiro256** / splitmix64 algorithms, computed
     * by an independent implementation. */
    nb_rng r;
    nb_rng_seed(&r, 42);
    ck_assert(nb_rng_next(&r) == 0x15780b2e0c2ec716ull);
    ck_assert(nb_rng_next(&r) == 0x6104d9866d113a7eull);
    ck_assert(nb_rng_next(&r) == 0xae17533239e499a1ull);
    nb_rng_seed(&r, 0);
    ck_assert(nb_rng_next(&r) == 0x99ec5f36cb75f2b4ull);
    ck_assert(nb_rng_next(&r) == 0xbf6e1f784956452aull);
}
END_TEST

START_TEST(test_rng_distributions)
{
    nb_rng r;
    nb_rng_seed(&r, 7);
    double sum = 0, sumsq = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = nb_rng_uniform(&r);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
    }
    ck_assert(fabs(sum / n - 0.5) < 0.005);
    sum = 0;
    for (int i = 0; i < n; i++) {
        double z = nb_rng_normal(&r);
        sum += z;
        sumsq += z * z;
    }
    ck_assert(fabs(sum / n) < 0.01);
    ck_assert(fabs(sumsq / n - 1.0) < 0.02);
    int counts[3] = {0};
    for (int i = 0; i < 30000; i++)
        counts[nb_rng_below(&r, 3)]++;
    for (int k = 0; k < 3; k++)
        ck_assert(abs(counts[k] - 10000) < 400);
    int64_t items[10];
    for (int i = 0; i < 10; i++)
        items[i] = i;
    nb_rng_shuffle(&r, items, 10);
    int seen[10] = {0};
    for (int i = 0; i < 10; i++)
        seen[items[i]]++;
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(seen[i], 1);
}
END_TEST

START_TEST(test_rand_tensors_reproducible)
{
    nb_rng r1, r2;
    nb_rng_seed(&r1, 123);
    nb_rng_seed(&r2, 123);
    nb_tensor *a = nb_rand_uniform(&r1, NB_F64, NB_SHAPE(4, 4), -1, 1);
    nb_tensor *b = nb_rand_uniform(&r2, NB_F64, NB_SHAPE(4, 4), -1, 1);
    for (int i = 0; i < 16; i++) {
        ck_assert(nb_tensor_get(a, i) == nb_tensor_get(b, i));
        ck_assert(nb_tensor_get(a, i) >= -1 && nb_tensor_get(a, i) < 1);
    }
    nb_tensor *n1 = nb_rand_normal(&r1, NB_F32, NB_SHAPE(3), 5, 0);
    double fives[3] = {5, 5, 5};
    ck_assert_tensor_near(n1, fives, 3, 0);
    ck_assert_ptr_null(nb_rand_uniform(NULL, NB_F64, NB_SHAPE(2), 0, 1));
    ck_assert_error(NB_ERR_NULL, "rng");
}
END_TEST

START_TEST(test_creation_errors)
{
    ck_assert_ptr_null(nb_zeros(NB_F32, 9, (const int64_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1}));
    ck_assert_error(NB_ERR_SHAPE, "supports 0..8");
    ck_assert_ptr_null(nb_zeros(NB_F32, NB_SHAPE(2, -3)));
    ck_assert_error(NB_ERR_SHAPE, "invalid shape 2x-3");
    ck_assert_ptr_null(nb_zeros((nb_dtype)7, NB_SHAPE(2)));
    ck_assert_error(NB_ERR_DTYPE, "unknown dtype");
    ck_assert_ptr_null(nb_zeros(NB_F32, 2, NULL));
    ck_assert_error(NB_ERR_NULL, "shape is NULL");
    ck_assert_ptr_null(nb_from_f64(NULL, NB_SHAPE(2)));
    ck_assert_error(NB_ERR_NULL, "data is NULL");
    ck_assert_ptr_null(nb_zeros(NB_F32, NB_SHAPE((int64_t)1 << 62, 1 << 20)));
    ck_assert_int_lt(nb_last_status(), 0);
    /* no current arena */
    nb_arena *prev = nb_arena_use(NULL);
    ck_assert_ptr_null(nb_zeros(NB_F32, NB_SHAPE(2)));
    ck_assert_error(NB_ERR_STATE, "no current arena");
    nb_arena_use(prev);
}
END_TEST

START_TEST(test_accessor_errors)
{
    nb_tensor *t = nb_zeros(NB_F32, NB_SHAPE(2, 2));
    ck_assert_ptr_null(nb_tensor_data_f64(t));
    ck_assert_error(NB_ERR_DTYPE, "tensor is f32");
    ck_assert(isnan(nb_tensor_item(t)));
    ck_assert_error(NB_ERR_SHAPE, "has 4 elements, expected 1");
    ck_assert(isnan(nb_tensor_get(t, 4)));
    ck_assert_error(NB_ERR_ARG, "index 4 out of range");
    ck_assert_int_eq(nb_tensor_dim(t, 2), -1);
    ck_assert_error(NB_ERR_ARG, "axis 2 out of range");
    nb_clear_error();
    ck_assert(isnan(nb_tensor_item(NULL)));
    ck_assert_error(NB_ERR_NULL, "is NULL");
    ck_assert_int_eq(nb_tensor_numel(NULL), 0);
    ck_assert_ptr_null(nb_tensor_shape(NULL));
    char buf[32];
    ck_assert_str_eq(nb_tensor_shape_str(t, buf, sizeof buf), "2x2");
    ck_assert_str_eq(nb_tensor_shape_str(nb_scalar(NB_F64, 1), buf, sizeof buf), "scalar");
    ck_assert_str_eq(nb_status_name(NB_ERR_SHAPE), "shape mismatch");
}
END_TEST

START_TEST(test_inplace_and_versions)
{
    nb_tensor *t = nb_zeros(NB_F64, NB_SHAPE(3));
    uint64_t v0 = nb_tensor_version(t);
    ck_assert_int_eq(nb_tensor_fill(t, 2.0), NB_OK);
    ck_assert_int_eq(nb_tensor_version(t), v0 + 1);
    double two[3] = {2, 2, 2};
    ck_assert_tensor_near(t, two, 3, 0);
    nb_tensor *u = nb_from_f64((double[]){1, 2, 3}, NB_SHAPE(3));
    ck_assert_int_eq(nb_tensor_copy(t, u), NB_OK);
    double w[3] = {1, 2, 3};
    ck_assert_tensor_near(t, w, 3, 0);
    ck_assert_int_eq(nb_tensor_version(t), v0 + 2);
    nb_tensor_bump_version(t);
    ck_assert_int_eq(nb_tensor_version(t), v0 + 3);
    nb_tensor *bad = nb_zeros(NB_F64, NB_SHAPE(4));
    ck_assert_int_eq(nb_tensor_copy(bad, u), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "dst is f64 4, src is f64 3");
}
END_TEST

START_TEST(test_names_and_leaves)
{
    nb_tensor *t = nb_zeros(NB_F64, NB_SHAPE(2));
    char name[16] = "layer1.weight";
    ck_assert_int_eq(nb_tensor_set_name(t, name), NB_OK);
    name[0] = 'X'; /* copied */
    ck_assert_str_eq(nb_tensor_name(t), "layer1.weight");
    ck_assert(nb_tensor_is_leaf(t));
    ck_assert(!nb_tensor_requires_grad(t));
    ck_assert_ptr_eq(nb_tensor_set_requires_grad(t, true), t);
    ck_assert(nb_tensor_requires_grad(t));
    ck_assert_ptr_null(nb_tensor_grad(t));
    ck_assert_int_eq(nb_tensor_zero_grad(t), NB_OK); /* no grad yet: no-op */
}
END_TEST

START_TEST(test_use_after_reset)
{
    nb_arena *a = nb_arena_new();
    nb_arena *prev = nb_arena_use(a);
    nb_tensor *t = nb_ones(NB_F64, NB_SHAPE(2));
    ck_assert(nb_tensor_valid(t));
    nb_arena_reset(a);
    ck_assert(!nb_tensor_valid(t));
    ck_assert(isnan(nb_tensor_get(t, 0)));
    ck_assert_error(NB_ERR_STATE, "made before its arena was reset");
    nb_arena_use(prev);
    nb_arena_free(a);
    /* with poisoning, even a header overwritten by reuse is caught */
    nb_arena *p = nb_arena_new_opts(&(nb_arena_opts){.poison = 1});
    prev = nb_arena_use(p);
    nb_tensor *x = nb_ones(NB_F32, NB_SHAPE(2));
    nb_arena_reset(p);
    ck_assert_ptr_null(nb_add(x, x));
    ck_assert_int_eq(nb_last_status(), NB_ERR_STATE);
    nb_arena_use(prev);
    nb_arena_free(p);
}
END_TEST

/* A tensor kept past its arena's reset (last step's loss) stays an error
 * however many tensors were made since: the new tensors' headers never land
 * where a stale one points.  n_after tensors are made after the reset, with
 * and without poisoning. */
static const struct {
    long n_after;
    int poison;
} stale_cases[] = {{1, 0}, {10000, 0}, {1000000, 0}, {1, 1}, {10000, 1}, {1000000, 1}};

START_TEST(test_stale_loss_after_reset)
{
    long n_after = stale_cases[_i].n_after;
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.poison = stale_cases[_i].poison});
    nb_tensor *w = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 3.0), true); /* in test_arena */
    nb_arena_use(step);
    nb_tensor *loss = nb_mul(w, w); /* the step arena's first tensor */
    ck_assert_int_eq(nb_backward(loss, NULL), NB_OK);
    ck_assert(nb_tensor_item(loss) == 9.0);
    nb_arena_reset(step);
    nb_tensor *first = NULL, *last = NULL;
    for (long i = 0; i < n_after; i++) {
        last = nb_scalar(NB_F64, 100.0 + (double)i);
        if (!first)
            first = last;
    }
    ck_assert_msg(last != NULL, "%s", nb_last_error());
    nb_clear_error();

    ck_assert(!nb_tensor_valid(loss));
    ck_assert(isnan(nb_tensor_item(loss)));
    ck_assert_error(NB_ERR_STATE, "nb_tensor_item: tensor was made before its arena was reset");
    ck_assert_ptr_null(nb_add(loss, w));
    ck_assert_error(NB_ERR_STATE, "add: input 1 was made before its arena was reset");
    ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_backward: loss was made before its arena was reset");

    /* the tensors made after the reset are untouched */
    ck_assert(nb_tensor_valid(first) && nb_tensor_valid(last));
    ck_assert(nb_tensor_item(first) == 100.0);
    ck_assert(nb_tensor_item(last) == 100.0 + (double)(n_after - 1));
    ck_assert(nb_tensor_item(nb_add(first, last)) == 200.0 + (double)(n_after - 1));
    ck_assert(nb_tensor_item(nb_tensor_grad(w)) == 6.0);

    /* a second reset gives the headers' pages back: a stale header then
     * reads as zeros, still an error (or, in a page not given back yet, the
     * generation check) */
    nb_arena_reset(step);
    nb_clear_error();
    ck_assert(!nb_tensor_valid(loss) && !nb_tensor_valid(first) && !nb_tensor_valid(last));
    ck_assert(isnan(nb_tensor_item(first)));
    ck_assert_int_eq(nb_last_status(), NB_ERR_STATE);
    ck_assert_msg(strstr(nb_last_error(), "nb_tensor_item: tensor ") && strstr(nb_last_error(), "reset"),
                  "%s", nb_last_error());
    ck_assert_ptr_null(nb_mul(w, last));
    ck_assert_int_eq(nb_last_status(), NB_ERR_STATE);
    ck_assert_msg(strstr(nb_last_error(), "mul: input 2 ") && strstr(nb_last_error(), "reset"), "%s",
                  nb_last_error());
    nb_arena_use(test_arena);
    nb_arena_free(step);
}
END_TEST

/* Enough headers to fill several pages (and 2 MiB huge pages): after the
 * reset the first one's page is given back and reads as zeros. */
START_TEST(test_stale_header_given_back)
{
    nb_arena *step = nb_arena_new();
    nb_arena_use(step);
    nb_tensor *old = nb_ones(NB_F32, NB_SHAPE(2, 2));
    for (int i = 0; i < 40000; i++)
        ck_assert_ptr_nonnull(nb_scalar(NB_F32, i));
    nb_arena_reset(step);
    nb_tensor *fresh = nb_scalar(NB_F32, 5.0);
    nb_clear_error();
    ck_assert(!nb_tensor_valid(old));
    ck_assert(isnan(nb_tensor_get(old, 0)));
    ck_assert_error(NB_ERR_STATE, "nb_tensor_get: tensor is not a live tensor (its arena was reset or freed)");
    ck_assert_ptr_null(nb_sum(old));
    ck_assert_error(NB_ERR_STATE, "sum: input is not a live tensor (its arena was reset or freed)");
    ck_assert_int_eq(nb_tensor_ndim(old), 0);
    ck_assert(nb_tensor_item(fresh) == 5.0);
    nb_arena_use(test_arena);
    nb_arena_free(step);
}
END_TEST

/* With poisoning, a tensor used after nb_arena_free is an error, not a crash
 * (without it, the behaviour is undefined: see arena.h). */
START_TEST(test_use_after_free_poisoned)
{
    nb_tensor *w = nb_tensor_set_requires_grad(nb_scalar(NB_F64, 2.0), true);
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.poison = 1});
    nb_arena_use(step);
    nb_tensor *x = nb_ones(NB_F64, NB_SHAPE(3));
    nb_tensor *loss = nb_sum(nb_mul(x, w));
    ck_assert(nb_tensor_item(loss) == 6.0);
    nb_arena_use(test_arena);
    nb_arena_free(step);
    nb_tensor *after = nb_scalar(NB_F64, 1.5); /* test_arena: unaffected */
    nb_clear_error();
    ck_assert(!nb_tensor_valid(loss));
    ck_assert(!nb_tensor_valid(x));
    ck_assert(isnan(nb_tensor_item(loss)));
    ck_assert_error(NB_ERR_STATE, "nb_tensor_item: tensor is not a live tensor (its arena was reset or freed)");
    ck_assert_ptr_null(nb_add(w, x));
    ck_assert_error(NB_ERR_STATE, "add: input 2 is not a live tensor");
    ck_assert_int_eq(nb_backward(loss, NULL), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "nb_backward: loss is not a live tensor");
    ck_assert_int_eq(nb_tensor_numel(x), 0);
    ck_assert_error(NB_ERR_STATE, "nb_tensor_numel: tensor is not a live tensor");
    ck_assert_int_eq(nb_tensor_fill(x, 1.0), NB_ERR_STATE);
    nb_tensor_bump_version(x); /* no write into the freed header */
    ck_assert_error(NB_ERR_STATE, "nb_tensor_bump_version: tensor is not a live tensor");
    ck_assert(nb_tensor_item(after) == 1.5 && nb_tensor_valid(after));
    ck_assert(nb_tensor_valid(w));
}
END_TEST

/* Every accessor checks that its tensor is live before reading it. */
START_TEST(test_accessors_check_liveness)
{
    nb_arena *step = nb_arena_new();
    nb_arena_use(step);
    nb_tensor *t = nb_tensor_set_requires_grad(nb_ones(NB_F64, NB_SHAPE(2, 3)), true);
    nb_tensor_set_name(t, "t");
    ck_assert_int_eq(nb_backward(nb_sum(t), NULL), NB_OK);
    ck_assert_ptr_nonnull(nb_tensor_grad(t));
    nb_tensor *u = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    nb_arena_reset(step);
    nb_arena_use(test_arena);
    nb_tensor *live = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    const char *stale = "was made before its arena was reset";
#define CK_STALE(call, want, fn)                                      \
    do {                                                              \
        nb_clear_error();                                             \
        ck_assert((call) == (want));                                  \
        ck_assert_error(NB_ERR_STATE, fn ": ");                       \
        ck_assert_msg(strstr(nb_last_error(), stale), "%s", nb_last_error()); \
    } while (0)
    CK_STALE(nb_tensor_ndim(t), 0, "nb_tensor_ndim");
    CK_STALE(nb_tensor_shape(t), NULL, "nb_tensor_shape");
    CK_STALE(nb_tensor_numel(t), 0, "nb_tensor_numel");
    CK_STALE(nb_tensor_dim(t, 0), -1, "nb_tensor_dim");
    CK_STALE(nb_tensor_dtype(t), NB_F32, "nb_tensor_dtype");
    CK_STALE(nb_tensor_data_f64(t), NULL, "nb_tensor_data_f64");
    CK_STALE(nb_tensor_data(t), NULL, "nb_tensor_data");
    CK_STALE(nb_tensor_grad(t), NULL, "nb_tensor_grad");
    CK_STALE(nb_tensor_arena(t), NULL, "nb_tensor_arena");
    CK_STALE(nb_tensor_name(t), NULL, "nb_tensor_name");
    CK_STALE(nb_tensor_requires_grad(t), false, "nb_tensor_requires_grad");
    CK_STALE(nb_tensor_is_leaf(t), false, "nb_tensor_is_leaf");
    CK_STALE(nb_tensor_version(t), 0, "nb_tensor_version");
    CK_STALE(nb_tensor_same_shape(t, live), false, "nb_tensor_same_shape");
    CK_STALE(nb_tensor_same_shape(live, u), false, "nb_tensor_same_shape");
    CK_STALE(nb_tensor_print(t, stdout, 0), NB_ERR_STATE, "nb_tensor_print");
    CK_STALE(nb_tensor_zero_grad(t), NB_ERR_STATE, "nb_tensor_zero_grad");
    CK_STALE(nb_tensor_set_name(t, "x"), NB_ERR_STATE, "nb_tensor_set_name");
    CK_STALE(nb_tensor_clone(t), NULL, "nb_tensor_clone");
    CK_STALE(nb_tensor_copy(live, t), NB_ERR_STATE, "nb_tensor_copy");
#undef CK_STALE
    nb_clear_error();
    nb_tensor_bump_version(t);
    ck_assert_error(NB_ERR_STATE, "nb_tensor_bump_version: tensor was made before");
    char buf[32];
    ck_assert_str_eq(nb_tensor_shape_str(t, buf, sizeof buf), "(invalid)");
    /* NULL stays silent for the plain accessors (sticky errors) */
    nb_clear_error();
    ck_assert_int_eq(nb_tensor_ndim(NULL), 0);
    ck_assert_ptr_null(nb_tensor_grad(NULL));
    ck_assert_int_eq(nb_last_status(), NB_OK);
    ck_assert(nb_tensor_same_shape(live, live));
    nb_arena_free(step);
}
END_TEST

/* A zero size does not make a shape whose other sizes overflow valid: the
 * element and byte counts are checked without the zeros. */
START_TEST(test_zero_size_shape_overflow)
{
    ck_assert_ptr_null(nb_zeros(NB_F32, NB_SHAPE(0, INT64_MAX, 2)));
    ck_assert_error(NB_ERR_SHAPE, "nb_zeros: invalid shape 0x9223372036854775807x2: its nonzero "
                                  "sizes multiply to more than 1152921504606846975 elements");
    ck_assert_ptr_null(nb_from_f64(NULL, NB_SHAPE(2, 0, (int64_t)1 << 60)));
    ck_assert_error(NB_ERR_SHAPE, "nb_from_f64: invalid shape 2x0x1152921504606846976: its nonzero "
                                  "sizes multiply to more than");
    ck_assert_ptr_null(nb_zeros(NB_F32, NB_SHAPE((int64_t)1 << 31, 0, (int64_t)1 << 31)));
    ck_assert_error(NB_ERR_SHAPE, "invalid shape 2147483648x0x2147483648: its nonzero sizes");
    ck_assert_ptr_null(nb_zeros(NB_F32, NB_SHAPE(0, -1)));
    ck_assert_error(NB_ERR_SHAPE, "nb_zeros: invalid shape 0x-1: size -1 at axis 1 is negative");
    /* the largest accepted: its bytes fit in int64 for every dtype */
    nb_tensor *edge = nb_zeros(NB_F64, NB_SHAPE(0, INT64_MAX / 8));
    ck_assert_msg(edge != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_numel(edge), 0);
    ck_assert_int_eq(nb_tensor_dim(edge, 1), INT64_MAX / 8);
    ck_assert_ptr_null(nb_zeros(NB_F64, NB_SHAPE(0, INT64_MAX / 8 + 1)));
    ck_assert_error(NB_ERR_SHAPE, "nb_zeros: invalid shape 0x1152921504606846976: its nonzero");
    /* reshape and the internal count use the same rule */
    ck_assert_int_eq(nb__shape_numel(3, (const int64_t[]){0, INT64_MAX, 2}), -1);
    ck_assert_int_eq(nb__shape_numel(2, (const int64_t[]){0, INT64_MAX / 8}), 0);
    ck_assert_int_eq(nb__shape_numel(2, (const int64_t[]){3, 4}), 12);
    nb_tensor *empty = nb_zeros(NB_F32, NB_SHAPE(0, 3));
    ck_assert_ptr_null(nb_reshape(empty, NB_SHAPE(0, INT64_MAX, 2)));
    ck_assert_error(NB_ERR_SHAPE, "reshape: shape 0x9223372036854775807x2 is too large");
    nb_tensor *r = nb_reshape(empty, NB_SHAPE(3, 0, 7));
    ck_assert_msg(r != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_numel(r), 0);
    /* arange past the element limit is an error, not an undefined conversion */
    ck_assert_ptr_null(nb_arange(NB_F64, 0, 1e300, 1));
    ck_assert_error(NB_ERR_SHAPE, "nb_arange: 1e+300 elements");
}
END_TEST

START_TEST(test_print)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    nb_tensor *t = nb_from_f64((double[]){1, 2.5, -3, 4}, NB_SHAPE(2, 2));
    nb_tensor_set_name(t, "w");
    ck_assert_int_eq(nb_tensor_print(t, f, 0), NB_OK);
    nb_tensor_print(nb_scalar(NB_F32, 0.5), f, 0);
    nb_tensor_print(nb_arange(NB_F64, 0, 10, 1), f, 3);
    fclose(f);
    ck_assert_str_eq(buf, "tensor(f64, 2x2, w) [[1, 2.5],\n [-3, 4]]\n"
                          "tensor(f32, scalar) 0.5\n"
                          "tensor(f64, 10) [0, 1, 2, ... (7 more)]\n");
    free(buf);
    ck_assert_int_eq(nb_tensor_print(t, NULL, 0), NB_ERR_NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tensor");
    TCase *tc = nb_test_case("core");
    tcase_add_test(tc, test_create_shapes);
    tcase_add_test(tc, test_from_data_copies);
    tcase_add_test(tc, test_from_int_labels);
    tcase_add_test(tc, test_arange);
    tcase_add_test(tc, test_rng_reference_stream);
    tcase_add_test(tc, test_rng_distributions);
    tcase_add_test(tc, test_rand_tensors_reproducible);
    tcase_add_test(tc, test_creation_errors);
    tcase_add_test(tc, test_accessor_errors);
    tcase_add_test(tc, test_inplace_and_versions);
    tcase_add_test(tc, test_names_and_leaves);
    tcase_add_test(tc, test_use_after_reset);
    tcase_add_loop_test(tc, test_stale_loss_after_reset, 0,
                        (int)(sizeof stale_cases / sizeof stale_cases[0]));
    tcase_add_test(tc, test_stale_header_given_back);
    tcase_add_test(tc, test_use_after_free_poisoned);
    tcase_add_test(tc, test_accessors_check_liveness);
    tcase_add_test(tc, test_zero_size_shape_overflow);
    tcase_add_test(tc, test_print);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
