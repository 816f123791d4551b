/* mapminmax and z-score (hand-computed values, reverse(apply(x)) == x,
 * constant features), row shuffling, dividerand splits and minibatches. */
#include "test_util.h"

static nb_tensor *mat(int64_t r, int64_t c, const double *v)
{
    return nb_from_f64(v, 2, (const int64_t[]){r, c});
}

START_TEST(test_mapminmax_hand_values)
{
    /* 3 samples x 2 features.  Feature 0 spans [1, 5], feature 1 [10, 40];
     * y = 2 (x - min) / (max - min) - 1. */
    nb_tensor *x = mat(3, 2, (double[]){1, 10, 3, 20, 5, 40});
    nb_minmax_settings ps;
    nb_tensor *y = nb_mapminmax(x, -1, 1, &ps);
    ck_assert_tensor_near(y, ((double[]){-1, -1, 0, -1.0 / 3, 1, 1}), 6, 1e-15);
    ck_assert_int_eq(ps.features, 2);
    ck_assert_double_eq(ps.xmin[0], 1);
    ck_assert_double_eq(ps.xmax[1], 40);
    /* New data with the same settings: (7, 25) -> (2*6/4-1, 2*15/30-1) = (2, 0). */
    nb_tensor *z = nb_mapminmax_apply(mat(1, 2, (double[]){7, 25}), &ps);
    ck_assert_tensor_near(z, ((double[]){2, 0}), 2, 1e-15);
    /* Range [0, 1]: (x - min) / (max - min). */
    y = nb_mapminmax(x, 0, 1, &ps);
    ck_assert_tensor_near(y, ((double[]){0, 0, 0.5, 1.0 / 3, 1, 1}), 6, 1e-15);
    /* f32 keeps its dtype. */
    nb_tensor *xf = nb_from_f32((float[]){1, 10, 3, 20, 5, 40}, 2, (const int64_t[]){3, 2});
    y = nb_mapminmax(xf, -1, 1, &ps);
    ck_assert_int_eq(nb_tensor_dtype(y), NB_F32);
    ck_assert_tensor_near(y, ((double[]){-1, -1, 0, -1.0 / 3, 1, 1}), 6, 1e-6);
}
END_TEST

START_TEST(test_mapminmax_constant_feature_and_reverse)
{
    /* Feature 0 is constant 2: passed through unchanged (MATLAB does this). */
    nb_tensor *x = mat(2, 2, (double[]){2, 7, 2, 9});
    nb_minmax_settings ps;
    nb_tensor *y = nb_mapminmax(x, -1, 1, &ps);
    ck_assert_tensor_near(y, ((double[]){2, -1, 2, 1}), 4, 1e-15);
    ck_assert_tensor_near(nb_mapminmax_reverse(y, &ps), ((double[]){2, 7, 2, 9}), 4, 1e-15);
    /* reverse(apply(x)) == x on random data with a constant column. */
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *r = nb_rand_uniform(&rng, NB_F64, 2, (const int64_t[]){50, 4}, -30, 70);
    double *d = nb_tensor_data_f64(r);
    for (int i = 0; i < 50; i++)
        d[i * 4 + 2] = 3.25;
    y = nb_mapminmax(r, -1, 1, &ps);
    for (int64_t i = 0; i < 200; i++) {
        ck_assert(nb_tensor_get(y, i) >= -1 - 1e-12);
        ck_assert(i % 4 == 2 ? nb_tensor_get(y, i) == 3.25 : nb_tensor_get(y, i) <= 1 + 1e-12);
    }
    nb_tensor *back = nb_mapminmax_reverse(y, &ps);
    for (int64_t i = 0; i < 200; i++)
        ck_assert_double_eq_tol(nb_tensor_get(back, i), d[i], 1e-12);
    /* 1-d input is one feature. */
    y = nb_mapminmax(nb_from_f64((double[]){0, 5, 10}, 1, (const int64_t[]){3}), -1, 1, &ps);
    ck_assert_tensor_near(y, ((double[]){-1, 0, 1}), 3, 1e-15);
}
END_TEST

START_TEST(test_mapminmax_errors)
{
    nb_tensor *x = mat(3, 2, (double[]){1, 10, 3, 20, 5, 40});
    nb_minmax_settings ps;
    ck_assert_ptr_null(nb_mapminmax(x, 1, 1, &ps));
    ck_assert_error(NB_ERR_ARG, "output range [1, 1] is empty");
    ck_assert_int_eq(nb_mapminmax_fit(x, -1, 1, &ps), NB_OK);
    ck_assert_ptr_null(nb_mapminmax_apply(mat(1, 3, (double[]){1, 2, 3}), &ps));
    ck_assert_error(NB_ERR_SHAPE, "x has 3 features, the settings were fitted on 2");
    ck_assert_ptr_null(nb_mapminmax_apply(nb_zeros(NB_F64, 3, (const int64_t[]){2, 2, 2}), &ps));
    ck_assert_error(NB_ERR_SHAPE, "expected (samples, features)");
    nb_clear_error();
    ck_assert_ptr_null(nb_mapminmax_apply(NULL, &ps));
    ck_assert_error(NB_ERR_NULL, "nb_mapminmax_apply: x is NULL");
}
END_TEST

START_TEST(test_zscore)
{
    /* Feature 0: 1,2,3,4 (mean 2.5, sample std sqrt(5/3)); feature 1 constant 6. */
    nb_tensor *x = mat(4, 2, (double[]){1, 6, 2, 6, 3, 6, 4, 6});
    nb_zscore_settings ps;
    nb_tensor *y = nb_zscore(x, &ps);
    double s = sqrt(5.0 / 3.0);
    ck_assert_tensor_near(y, ((double[]){-1.5 / s, 6, -0.5 / s, 6, 0.5 / s, 6, 1.5 / s, 6}), 8,
                          1e-14);
    ck_assert_double_eq_tol(ps.mean[0], 2.5, 1e-15);
    ck_assert_double_eq_tol(ps.std[0], s, 1e-15);
    ck_assert_double_eq(ps.std[1], 0);
    ck_assert_tensor_near(nb_zscore_reverse(y, &ps), ((double[]){1, 6, 2, 6, 3, 6, 4, 6}), 8, 1e-14);
    /* Random data: mean 0, std 1 afterwards, and reverse undoes it. */
    nb_rng rng;
    nb_rng_seed(&rng, 9);
    nb_tensor *r = nb_rand_normal(&rng, NB_F64, 2, (const int64_t[]){100, 3}, 50, 7);
    y = nb_zscore(r, &ps);
    for (int f = 0; f < 3; f++) {
        double m = 0, v = 0;
        for (int i = 0; i < 100; i++)
            m += nb_tensor_get(y, i * 3 + f);
        m /= 100;
        for (int i = 0; i < 100; i++)
            v += (nb_tensor_get(y, i * 3 + f) - m) * (nb_tensor_get(y, i * 3 + f) - m);
        ck_assert_double_eq_tol(m, 0, 1e-12);
        ck_assert_double_eq_tol(sqrt(v / 99), 1, 1e-12);
    }
    nb_tensor *back = nb_zscore_reverse(y, &ps);
    for (int64_t i = 0; i < 300; i++)
        ck_assert_double_eq_tol(nb_tensor_get(back, i), nb_tensor_get(r, i), 1e-11);
    ck_assert_ptr_null(nb_zscore_apply(mat(1, 2, (double[]){0, 0}), &ps));
    ck_assert_error(NB_ERR_SHAPE, "x has 2 features, the settings were fitted on 3");
}
END_TEST

/* x row i = (i, 10 i), y row i = i: pairs stay recognisable after moves. */
static void make_pairs(int64_t n, nb_tensor **x, nb_tensor **y)
{
    *x = nb_zeros(NB_F64, 2, (const int64_t[]){n, 2});
    *y = nb_zeros(NB_F32, 1, (const int64_t[]){n});
    for (int64_t i = 0; i < n; i++) {
        nb_tensor_data_f64(*x)[2 * i] = (double)i;
        nb_tensor_data_f64(*x)[2 * i + 1] = 10.0 * (double)i;
        nb_tensor_data_f32(*y)[i] = (float)i;
    }
}

START_TEST(test_shuffle_rows)
{
    nb_tensor *x, *y, *x2, *y2;
    make_pairs(30, &x, &y);
    make_pairs(30, &x2, &y2);
    nb_rng a, b;
    nb_rng_seed(&a, 42);
    nb_rng_seed(&b, 42);
    uint64_t v0 = nb_tensor_version(x);
    ck_assert_int_eq(nb_shuffle_rows(&a, x, y), NB_OK);
    ck_assert_int_eq(nb_shuffle_rows(&b, x2, NULL), NB_OK);
    ck_assert_uint_gt(nb_tensor_version(x), v0);
    int seen[30] = {0}, moved = 0;
    for (int i = 0; i < 30; i++) {
        double k = nb_tensor_get(y, i);
        ck_assert_double_eq(nb_tensor_get(x, 2 * i), k);
        ck_assert_double_eq(nb_tensor_get(x, 2 * i + 1), 10 * k);
        ck_assert_double_eq(nb_tensor_get(x2, 2 * i), k); /* same seed, same order */
        seen[(int)k]++;
        moved += k != i;
    }
    for (int i = 0; i < 30; i++)
        ck_assert_int_eq(seen[i], 1);
    ck_assert_int_gt(moved, 10);
    ck_assert_int_eq(nb_shuffle_rows(&a, x, nb_zeros(NB_F32, 1, (const int64_t[]){29})), NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "x has 30 rows but y has 29");
}
END_TEST

START_TEST(test_dividerand)
{
    nb_tensor *x, *y;
    make_pairs(20, &x, &y);
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_split s;
    ck_assert_int_eq(nb_dividerand(&rng, x, y, NULL, &s), NB_OK);
    /* 0.15 * 20 = 3 each for validation and test, 14 for training. */
    ck_assert_int_eq(s.n_train, 14);
    ck_assert_int_eq(s.n_val, 3);
    ck_assert_int_eq(s.n_test, 3);
    ck_assert_int_eq(nb_tensor_dim(s.x_train, 0), 14);
    ck_assert_int_eq(nb_tensor_dim(s.x_train, 1), 2);
    ck_assert_int_eq(nb_tensor_dim(s.y_val, 0), 3);
    int seen[20] = {0};
    const int64_t *parts[3] = {s.train_idx, s.val_idx, s.test_idx};
    nb_tensor *xs[3] = {s.x_train, s.x_val, s.x_test}, *ys[3] = {s.y_train, s.y_val, s.y_test};
    int64_t counts[3] = {14, 3, 3};
    for (int p = 0; p < 3; p++)
        for (int64_t i = 0; i < counts[p]; i++) {
            int64_t k = parts[p][i];
            seen[k]++;
            if (i)
                ck_assert_int_lt(parts[p][i - 1], k); /* original order kept */
            ck_assert_double_eq(nb_tensor_get(xs[p], 2 * i), (double)k);
            ck_assert_double_eq(nb_tensor_get(xs[p], 2 * i + 1), 10.0 * (double)k);
            ck_assert_double_eq(nb_tensor_get(ys[p], i), (double)k);
        }
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(seen[i], 1);
    /* 150 rows: round(22.5) = 23 (MATLAB rounds halves away from zero). */
    make_pairs(150, &x, &y);
    ck_assert_int_eq(nb_dividerand(&rng, x, NULL, NULL, &s), NB_OK);
    ck_assert_int_eq(s.n_val, 23);
    ck_assert_int_eq(s.n_test, 23);
    ck_assert_int_eq(s.n_train, 104);
    ck_assert_ptr_null(s.y_train);
    /* Custom ratios are normalised: 2:1:1 of 8 = 4/2/2; an empty part has 0 rows. */
    make_pairs(8, &x, &y);
    ck_assert_int_eq(nb_dividerand(&rng, x, y, &(nb_divide_opts){2, 1, 1}, &s), NB_OK);
    ck_assert_int_eq(s.n_train, 4);
    ck_assert_int_eq(s.n_val, 2);
    ck_assert_int_eq(nb_dividerand(&rng, x, y, &(nb_divide_opts){1, 0, 1}, &s), NB_OK);
    ck_assert_int_eq(s.n_val, 0);
    ck_assert_int_eq(nb_tensor_dim(s.x_val, 0), 0);
    ck_assert_int_eq(nb_dividerand(&rng, x, y, &(nb_divide_opts){1, -1, 1}, &s), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_dividerand: val is -1; expected a finite number >= 0");
    ck_assert_ptr_null(s.x_train);
}
END_TEST

START_TEST(test_batches)
{
    nb_tensor *x, *y;
    make_pairs(10, &x, &y);
    nb_batch_iter it;
    ck_assert_int_eq(nb_batch_iter_init(&it, x, y, &(nb_batch_opts){.batch_size = 4}), NB_OK);
    ck_assert_int_eq(nb_batch_count(&it), 3);
    nb_tensor *xb, *yb;
    int64_t sizes[] = {4, 4, 2}, row = 0;
    for (int b = 0; b < 3; b++) {
        ck_assert_int_eq(nb_batch_next(&it, &xb, &yb), 1);
        ck_assert_int_eq(nb_tensor_dim(xb, 0), sizes[b]);
        ck_assert_int_eq(nb_tensor_dim(xb, 1), 2);
        ck_assert_int_eq(nb_tensor_ndim(yb), 1);
        ck_assert_int_eq(nb_tensor_dtype(yb), NB_F32);
        for (int64_t i = 0; i < sizes[b]; i++, row++) {
            ck_assert_double_eq(nb_tensor_get(xb, 2 * i), (double)row); /* no shuffle: in order */
            ck_assert_double_eq(nb_tensor_get(yb, i), (double)row);
        }
    }
    ck_assert_int_eq(nb_batch_next(&it, &xb, &yb), 0);
    ck_assert_ptr_null(xb);
    /* drop_last + shuffle: two full batches per epoch, pairs intact, every
     * epoch a permutation, and epochs differ. */
    ck_assert_int_eq(nb_batch_iter_init(&it, x, y,
                                        &(nb_batch_opts){.batch_size = 4, .shuffle = true,
                                                         .seed = 3, .drop_last = true}),
                     NB_OK);
    ck_assert_int_eq(nb_batch_count(&it), 2);
    double first[2][8];
    for (int e = 0; e < 2; e++) {
        int seen[10] = {0}, k = 0;
        for (int b = 0; b < 2; b++) {
            ck_assert_int_eq(nb_batch_next(&it, &xb, &yb), 1);
            for (int i = 0; i < 4; i++) {
                double v = nb_tensor_get(yb, i);
                ck_assert_double_eq(nb_tensor_get(xb, 2 * i + 1), 10 * v);
                seen[(int)v]++;
                first[e][k++] = v;
            }
        }
        ck_assert_int_eq(nb_batch_next(&it, &xb, &yb), 0);
        for (int i = 0; i < 10; i++)
            ck_assert_int_le(seen[i], 1);
        nb_batch_iter_reset(&it);
    }
    ck_assert_int_eq(it.epoch, 3);
    ck_assert_int_ne(memcmp(first[0], first[1], sizeof first[0]), 0);
    /* Errors. */
    ck_assert_int_eq(nb_batch_iter_init(&it, x, y, &(nb_batch_opts){.batch_size = 0}), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "batch_size is 0");
    ck_assert_int_eq(nb_batch_next(&it, &xb, &yb), NB_ERR_NULL);
}
END_TEST

/* Shards: with the same seed, the slices of k iterators are, in shard
 * order, the batch one unsharded iterator gives (an empty slice for a batch
 * smaller than k); each call says the global batch's rows. */
START_TEST(test_batch_shards)
{
    nb_tensor *x, *y;
    make_pairs(10, &x, &y);
    enum { K = 3 };
    nb_batch_iter whole, part[K];
    nb_batch_opts bo = {.batch_size = 4, .shuffle = true, .seed = 9};
    ck_assert_int_eq(nb_batch_iter_init(&whole, x, y, &bo), NB_OK);
    for (int s = 0; s < K; s++) {
        nb_batch_opts so = bo;
        so.num_shards = K;
        so.shard = s;
        ck_assert_int_eq(nb_batch_iter_init(&part[s], x, y, &so), NB_OK);
    }
    /* batches of 4, 4, 2: slices [0,1) [1,2) [2,4); [0,1) [1,2) [2,4); [0,0) [0,1) [1,2) */
    int64_t expect[3][K] = {{1, 1, 2}, {1, 1, 2}, {0, 1, 1}};
    for (int e = 0; e < 2; e++) {
        for (int b = 0; b < 3; b++) {
            nb_tensor *xb, *yb;
            ck_assert_int_eq(nb_batch_next(&whole, &xb, &yb), 1);
            int64_t at = 0;
            for (int s = 0; s < K; s++) {
                nb_tensor *xs, *ys;
                ck_assert_int_eq(nb_batch_next(&part[s], &xs, &ys), 1);
                ck_assert_int_eq(part[s].batch_rows, nb_tensor_dim(xb, 0));
                ck_assert_int_eq(nb_tensor_dim(xs, 0), expect[b][s]);
                for (int64_t i = 0; i < nb_tensor_dim(xs, 0); i++, at++) {
                    ck_assert_double_eq(nb_tensor_get(ys, i), nb_tensor_get(yb, at));
                    ck_assert_double_eq(nb_tensor_get(xs, 2 * i + 1), nb_tensor_get(xb, 2 * at + 1));
                }
            }
            ck_assert_int_eq(at, nb_tensor_dim(xb, 0));
        }
        ck_assert_int_eq(nb_batch_next(&whole, NULL, NULL) < 0, 1); /* NULL xb */
        nb_tensor *xb, *yb;
        ck_assert_int_eq(nb_batch_next(&whole, &xb, &yb), 0);
        nb_batch_iter_reset(&whole);
        for (int s = 0; s < K; s++) {
            ck_assert_int_eq(nb_batch_next(&part[s], &xb, &yb), 0);
            nb_batch_iter_reset(&part[s]);
        }
    }
    nb_batch_iter it;
    ck_assert_int_eq(nb_batch_iter_init(&it, x, y, &(nb_batch_opts){.batch_size = 2, .num_shards = 2,
                                                                     .shard = 2}), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_batch_iter_init: shard is 2 of num_shards 2 (need 0 <= shard < "
                    "num_shards, or both 0)");
    ck_assert_int_eq(nb_batch_iter_init(&it, x, y, &(nb_batch_opts){.batch_size = 2, .num_shards = -1}),
                     NB_ERR_ARG);
    ck_assert_int_eq(nb_batch_iter_init(&it, x, y, &(nb_batch_opts){.batch_size = 2, .shard = 1}),
                     NB_ERR_ARG);
}
END_TEST

START_TEST(test_batches_into_step_arena)
{
    /* Batches go to the arena current at nb_batch_next; the order array to
     * the one current at init. */
    nb_tensor *x, *y;
    make_pairs(6, &x, &y);
    nb_batch_iter it;
    ck_assert_int_eq(nb_batch_iter_init(&it, x, NULL, &(nb_batch_opts){.batch_size = 3}), NB_OK);
    nb_arena *step = nb_arena_new();
    nb_arena *prev = nb_arena_use(step);
    nb_tensor *xb;
    ck_assert_int_eq(nb_batch_next(&it, &xb, NULL), 1);
    ck_assert_ptr_eq(nb_tensor_arena(xb), step);
    nb_arena_reset(step);
    ck_assert_int_eq(nb_batch_next(&it, &xb, NULL), 1);
    ck_assert_double_eq(nb_tensor_get(xb, 0), 3);
    nb_arena_use(prev);
    nb_arena_free(step);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io_normalize");
    TCase *tc = nb_test_case("normalize");
    tcase_add_test(tc, test_mapminmax_hand_values);
    tcase_add_test(tc, test_mapminmax_constant_feature_and_reverse);
    tcase_add_test(tc, test_mapminmax_errors);
    tcase_add_test(tc, test_zscore);
    suite_add_tcase(s, tc);
    TCase *tb = nb_test_case("split_batch");
    tcase_add_test(tb, test_shuffle_rows);
    tcase_add_test(tb, test_dividerand);
    tcase_add_test(tb, test_batches);
    tcase_add_test(tb, test_batches_into_step_arena);
    tcase_add_test(tb, test_batch_shards);
    suite_add_tcase(s, tb);
    return nb_test_run(s);
}
