/* Arena memory: alignment, reuse after reset, generations, custom
 * allocators, the promise that a steady training step (forward, backward,
 * update) asks the system for no memory after the first step, and the
 * header zone (addresses not reused, resident memory bounded, the wrap). */
#include "test_util.h"

#include "core/tensor_internal.h" /* the header size, the zone's counters */

#include <stdlib.h>

typedef struct counting {
    long allocs, releases;
} counting;

static void *count_alloc(size_t bytes, void *ctx)
{
    ((counting *)ctx)->allocs++;
    return malloc(bytes);
}

static void count_release(void *ptr, void *ctx)
{
    ((counting *)ctx)->releases++;
    free(ptr);
}

#include "malloc_count.h" /* sys_mallocs: every malloc of the library, too */

START_TEST(test_alignment_and_accounting)
{
    nb_arena *a = nb_arena_new_opts(&(nb_arena_opts){.chunk_bytes = 4096});
    for (int i = 1; i < 50; i++) {
        void *p = nb_arena_alloc(a, (size_t)i * 7);
        ck_assert_ptr_nonnull(p);
        ck_assert(((uintptr_t)p & 63) == 0);
    }
    ck_assert(nb_arena_used(a) > 0);
    size_t reserved = nb_arena_reserved(a);
    ck_assert(reserved >= nb_arena_used(a));
    /* bigger than a chunk: gets a chunk of its own */
    char *big = nb_arena_alloc(a, 1 << 20);
    ck_assert_ptr_nonnull(big);
    big[(1 << 20) - 1] = 1;
    ck_assert(nb_arena_reserved(a) > reserved);
    nb_arena_free(a);
}
END_TEST

START_TEST(test_reset_reuses_memory)
{
    counting c = {0, 0};
    nb_allocator al = {count_alloc, count_release, &c};
    nb_arena *a = nb_arena_new_opts(&(nb_arena_opts){.chunk_bytes = 1024, .allocator = &al});
    uint64_t gen = nb_arena_generation(a);
    void *first = NULL;
    for (int round = 0; round < 5; round++) {
        long before = c.allocs;
        void *p = nb_arena_alloc(a, 100);
        for (int i = 0; i < 40; i++)
            ck_assert_ptr_nonnull(nb_arena_alloc(a, 300));
        if (round == 0)
            first = p;
        else {
            ck_assert_ptr_eq(p, first);
            ck_assert_int_eq(c.allocs, before); /* same sequence: no new chunk */
        }
        nb_arena_reset(a);
        ck_assert_int_eq(nb_arena_used(a), 0);
        ck_assert_int_eq(nb_arena_generation(a), gen + (uint64_t)round + 1);
    }
    nb_arena_free(a);
    ck_assert_int_eq(c.allocs, c.releases);
}
END_TEST

START_TEST(test_current_arena)
{
    nb_arena *a = nb_arena_new(), *b = nb_arena_new();
    nb_arena *prev = nb_arena_use(a);
    ck_assert_ptr_eq(nb_arena_current(), a);
    ck_assert_ptr_eq(nb_arena_use(b), a);
    nb_tensor *t = nb_zeros(NB_F32, NB_SHAPE(2));
    ck_assert_ptr_eq(nb_tensor_arena(t), b);
    nb_arena_free(b); /* freeing the current arena clears it */
    ck_assert_ptr_null(nb_arena_current());
    nb_arena_free(a);
    nb_arena_free(NULL);
    nb_arena_reset(NULL);
    nb_arena_use(prev);
    ck_assert_ptr_null(nb_arena_alloc(NULL, 8));
    ck_assert_error(NB_ERR_STATE, "no arena");
    ck_assert_ptr_null(nb_arena_new_opts(&(nb_arena_opts){.allocator = &(nb_allocator){0}}));
    ck_assert_error(NB_ERR_ARG, "alloc and release");
}
END_TEST

/* The promise of the memory model: a fixed model trained step after step
 * (forward, loss, backward, SGD update, zero grad, reset) calls no allocator
 * after the first step — not the arenas' and not the C library's. */
START_TEST(test_training_step_allocates_nothing)
{
    counting c = {0, 0};
    nb_allocator al = {count_alloc, count_release, &c};
    nb_arena *params = nb_arena_new_opts(&(nb_arena_opts){.allocator = &al});
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.chunk_bytes = 4096, .allocator = &al});
    nb_arena *prev = nb_arena_use(params);
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_tensor *w1 = nb_tensor_set_requires_grad(nb_rand_uniform(&rng, NB_F32, NB_SHAPE(8, 16), -0.5, 0.5), true);
    nb_tensor *b1 = nb_tensor_set_requires_grad(nb_zeros(NB_F32, NB_SHAPE(16)), true);
    nb_tensor *w2 = nb_tensor_set_requires_grad(nb_rand_uniform(&rng, NB_F32, NB_SHAPE(16, 3), -0.5, 0.5), true);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(32, 8), -1, 1);
    nb_tensor *y = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(32, 3), -1, 1);
    nb_tensor *ps[3] = {w1, b1, w2};
    double first_loss = 0, last_loss = 0;
    long allocs_after_first = 0, mallocs_after_first = 0;
    int failed_step = -1;
    for (int it = 0; it < 30; it++) {
        nb_arena_use(step);
        nb_tensor *h = nb_tanh(nb_add(nb_matmul(x, w1), b1));
        nb_tensor *diff = nb_sub(nb_matmul(h, w2), y);
        nb_tensor *loss = nb_mul_scalar(nb_sum(nb_square(diff)), 1.0 / 96);
        /* no ck_assert inside the loop: Check itself may allocate */
        if (!loss || nb_backward(loss, NULL) != NB_OK) {
            failed_step = it;
            break;
        }
        if (it == 0)
            first_loss = nb_tensor_item(loss);
        last_loss = nb_tensor_item(loss);
        for (int k = 0; k < 3; k++) {
            float *p = nb_tensor_data_f32(ps[k]), *g = nb_tensor_data_f32(nb_tensor_grad(ps[k]));
            for (int64_t i = 0; i < nb_tensor_numel(ps[k]); i++)
                p[i] -= 0.2f * g[i];
            nb_tensor_bump_version(ps[k]);
            nb_tensor_zero_grad(ps[k]);
        }
        nb_arena_reset(step);
        if (it == 0) {
            allocs_after_first = c.allocs;
            mallocs_after_first = sys_mallocs;
        }
    }
    long allocs_end = c.allocs, mallocs_end = sys_mallocs; /* before Check allocates */
    ck_assert_msg(failed_step < 0, "step %d failed: %s", failed_step, nb_last_error());
    ck_assert_int_eq(allocs_end, allocs_after_first);
    ck_assert_int_eq(mallocs_end, mallocs_after_first);
    ck_assert_msg(last_loss < 0.8 * first_loss, "training did not progress: %g -> %g", first_loss,
                  last_loss);
    nb_arena_use(prev);
    nb_arena_free(step);
    nb_arena_free(params);
    ck_assert_int_eq(c.allocs, c.releases);
}
END_TEST

/* Tensor headers come from a zone whose cursor reset does not rewind: over
 * many reset cycles no header address is handed out twice, and the pages
 * behind the cursor are given back, so the zone's resident memory stays
 * bounded (a few 2 MiB granules) instead of growing with every step. */
START_TEST(test_header_zone_bounded)
{
#ifdef __linux__
    nb_arena *step = nb_arena_new();
    ck_assert_uint_ge(nb__arena_header_capacity(step, sizeof(struct nb_tensor)),
                      ((size_t)64 << 20) / sizeof(struct nb_tensor));
    nb_arena *prev = nb_arena_use(step);
    uintptr_t last_first = 0;
    size_t max_resident = 0, reserved = 0;
    int reused = -1, failed = -1;
    for (int cycle = 0; cycle < 300; cycle++) {
        nb_tensor *first = NULL;
        for (int i = 0; i < 1000; i++) {
            nb_tensor *t = nb_scalar(NB_F32, i);
            if (!t) {
                failed = cycle;
                break;
            }
            if (!first)
                first = t;
        }
        if (cycle > 0 && (uintptr_t)first <= last_first && reused < 0)
            reused = cycle;
        last_first = (uintptr_t)first;
        size_t r = nb__arena_header_resident(step);
        if (r > max_resident)
            max_resident = r;
        if (cycle == 0)
            reserved = nb_arena_reserved(step);
        nb_arena_reset(step);
    }
    ck_assert_msg(failed < 0, "cycle %d: %s", failed, nb_last_error());
    ck_assert_msg(reused < 0, "cycle %d reused a header address", reused);
    /* 300 x 1000 headers touched 43 MB of the zone; resident stays below
     * two granules plus one step's headers */
    ck_assert_uint_gt(max_resident, 1000 * sizeof(struct nb_tensor) / 2);
    ck_assert_msg(max_resident <= ((size_t)4 << 20) + 4096, "resident %zu", max_resident);
    ck_assert_uint_le(nb__arena_header_resident(step), (size_t)2 << 20);
    ck_assert_uint_eq(nb_arena_reserved(step), reserved); /* the chunks did not grow */
    nb_arena_use(prev);
    nb_arena_free(step);
#endif
}
END_TEST

/* The documented bound: in a zone of N bytes, the first header address is
 * handed out again after exactly N / H headers (H: the header's size rounded
 * up to 16 bytes); until then a stale tensor stays an error. */
START_TEST(test_header_zone_wraps_after_capacity)
{
#ifdef __linux__
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.header_zone_bytes = (size_t)4 << 20});
    size_t slot = (sizeof(struct nb_tensor) + 15) & ~(size_t)15;
    size_t cap = nb__arena_header_capacity(step, sizeof(struct nb_tensor));
    ck_assert_uint_eq(cap, ((size_t)4 << 20) / slot);
    nb_arena *prev = nb_arena_use(step);
    nb_tensor *stale = nb_scalar(NB_F64, -1.0);
    uintptr_t lo = (uintptr_t)stale, hi = lo;
    long made = 1, wrapped_at = -1;
    int stale_ok = 1;
    nb_arena_reset(step);
    /* enough cycles of 1000 scalars to go round the zone, whatever a
     * scalar's header weighs */
    for (long cycle = 0; cycle < (long)(cap / 1000) + 2 && wrapped_at < 0; cycle++) {
        for (int i = 0; i < 1000; i++) {
            nb_tensor *t = nb_scalar(NB_F64, i);
            if (!t || nb_tensor_item(t) != i) {
                stale_ok = 0;
                break;
            }
            if ((uintptr_t)t <= hi && wrapped_at < 0)
                wrapped_at = made;
            if ((uintptr_t)t > hi)
                hi = (uintptr_t)t;
            made++;
        }
        if (wrapped_at < 0 && nb_tensor_valid(stale))
            stale_ok = 0;
        nb_arena_reset(step);
    }
    ck_assert(stale_ok);
    ck_assert_int_eq(wrapped_at, (long)cap);
    ck_assert_uint_eq(hi - lo, (cap - 1) * slot);
    nb_arena_use(prev);
    nb_arena_free(step);
#endif
}
END_TEST

/* One generation with more tensors than the zone holds: the rest get their
 * headers from the chunks, every value is right, and the next generation
 * starts the zone again. */
START_TEST(test_header_zone_full_generation)
{
    static nb_tensor *ts[20000];
    nb_arena *step = nb_arena_new_opts(&(nb_arena_opts){.header_zone_bytes = (size_t)2 << 20});
    nb_arena *prev = nb_arena_use(step);
    for (int i = 0; i < 20000; i++)
        ts[i] = nb_scalar(NB_F64, i);
    int bad = -1;
    for (int i = 0; i < 20000 && bad < 0; i++)
        if (!nb_tensor_valid(ts[i]) || nb_tensor_item(ts[i]) != i)
            bad = i;
    ck_assert_msg(bad < 0, "tensor %d: %s", bad, nb_last_error());
    nb_arena_reset(step);
    for (int i = 0; i < 20000 && bad < 0; i++)
        if (nb_tensor_valid(ts[i]))
            bad = i;
    ck_assert_msg(bad < 0, "tensor %d still valid after reset", bad);
    nb_tensor *t = nb_add(nb_scalar(NB_F64, 2), nb_scalar(NB_F64, 3));
    ck_assert(nb_tensor_item(t) == 5.0);
    nb_arena_use(prev);
    nb_arena_free(step);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = nb_test_case("arena");
    tcase_add_test(tc, test_alignment_and_accounting);
    tcase_add_test(tc, test_reset_reuses_memory);
    tcase_add_test(tc, test_current_arena);
    tcase_add_test(tc, test_training_step_allocates_nothing);
    tcase_add_test(tc, test_header_zone_bounded);
    tcase_add_test(tc, test_header_zone_wraps_after_capacity);
    tcase_add_test(tc, test_header_zone_full_generation);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
