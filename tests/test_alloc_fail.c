/* Allocation failure through every path a program takes: a training step,
 * nb_train, nb_trainlm, nb_traingdx, model save and load, CSV load, IDX
 * load (plain and gzip), the backward-pass page (nb_html_save).  Each path is run once as a
 * reference, then again with its 1st, 2nd, 3rd, ...
 * allocation failing (see tests/alloc_fail.h for what counts: the system
 * allocator, arena chunks and every arena allocation), until a run makes
 * fewer allocations than the one that would fail; then all again with
 * every allocation from the n-th on failing.  Every failed run must return
 * a clean failure (NULL or a negative status) with NB_ERR_NOMEM and a
 * message (naming the function called, for a loader), free all it
 * allocated once the caller has cleaned up, and leave the caller's data as
 * it was (parameters after a failed step or load, the old file and no
 * temporary file after a failed save, a zeroed result after a failed
 * load).  The last run, which no failure reaches, must give the reference
 * result bit for bit.
 *
 * Each path prints one line: how many allocations it makes (the points
 * tried) and what happened at each.  NB_ALLOC_FAIL_VERBOSE=1 also lists the
 * distinct messages of the first mode. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "test_util.h"

#include "alloc_fail.h"

/* ---- the sweep ---- */

/* One path: ctx is the path's own state; setup makes what the call needs
 * (not counted), call runs the path with the injector armed and returns a
 * status, after_fail / after_ok check the state a failed / complete call
 * left (0, or 1 with a reason in why), cleanup frees what setup and call
 * made.  Where the path is one public function, its messages must name it
 * (prefix). */
typedef struct af_path {
    const char *name;
    const char *prefix; /* every message starts with it (NULL: not checked) */
    void (*setup)(void *ctx);
    int (*call)(void *ctx);
    int (*after_fail)(void *ctx, char *why, size_t size);
    int (*after_ok)(void *ctx, char *why, size_t size);
    void (*cleanup)(void *ctx);
    void *ctx;
} af_path;

enum { AF_MAX_POINTS = 20000, AF_MAX_MESSAGES = 64 };

typedef struct af_tally {
    long tried;      /* failure points run */
    long points;     /* allocations the complete run makes */
    long kinds[AF_KINDS]; /* ... of each kind */
    long clean;      /* failed cleanly */
    long recovered;  /* an allocation failed, yet the call succeeded with the reference result */
    long bad;        /* broke the contract */
    char first_bad[768];
    int n_messages;
    char messages[AF_MAX_MESSAGES][160];
    int message_count[AF_MAX_MESSAGES];
} af_tally;

static void af_bad(af_tally *t, long n, const char *fmt, const char *a, const char *b)
{
    if (t->bad++ == 0) {
        char what[600];
        if (snprintf(what, sizeof what, fmt, a, b) >= (int)sizeof what)
            memcpy(what + sizeof what - 4, "...", 4); /* a long library message, cut */
        snprintf(t->first_bad, sizeof t->first_bad, "allocation %ld: %s", n, what);
    }
}

static void af_note_message(af_tally *t, const char *msg)
{
    for (int i = 0; i < t->n_messages; i++)
        if (strncmp(t->messages[i], msg, sizeof t->messages[i] - 1) == 0) {
            t->message_count[i]++;
            return;
        }
    if (t->n_messages < AF_MAX_MESSAGES) {
        snprintf(t->messages[t->n_messages], sizeof t->messages[0], "%.150s", msg);
        t->message_count[t->n_messages++] = 1;
    }
}

/* Run `p` with allocation n failing (0: none; with sticky, every one from
 * n on); returns whether the failure was reached. */
static bool af_run_one(const af_path *p, long n, bool sticky, af_tally *t)
{
    char why[512] = "", msg[1024];
    nb_clear_error();
    p->setup(p->ctx);
    af_arm(n, sticky);
    int rc = p->call(p->ctx);
    bool hit = af_disarm();
    nb_status st = nb_last_status();
    snprintf(msg, sizeof msg, "%s", nb_last_error());
    if (n == 0 && rc < 0)
        af_bad(t, n, "the reference run failed: %s%s", msg, "");
    else if (rc < 0 && !hit)
        af_bad(t, n, "failed although no allocation failed: %s%s", msg, "");
    else if (rc < 0 && !msg[0])
        af_bad(t, n, "failed with an empty message (status %s)%s", nb_status_name(st), "");
    else if (rc < 0 && st != NB_ERR_NOMEM)
        af_bad(t, n, "failed as '%s', not out of memory: %s", nb_status_name(st), msg);
    else if (rc < 0 && p->prefix && strncmp(msg, p->prefix, strlen(p->prefix)) != 0)
        af_bad(t, n, "the message does not name %s: %s", p->prefix, msg);
    else if (rc < 0 && p->after_fail(p->ctx, why, sizeof why))
        af_bad(t, n, "failed cleanly, but %s%s", why, "");
    else if (rc >= 0 && p->after_ok(p->ctx, why, sizeof why))
        af_bad(t, n, hit ? "an allocation failed, yet the call succeeded, and %s%s"
                         : "the complete run differs from the reference: %s%s", why, "");
    else if (rc < 0) {
        t->clean++;
        af_note_message(t, msg);
    } else if (hit)
        t->recovered++;
    p->cleanup(p->ctx);
    af_block b = {0};
    if (af.overflow)
        af_bad(t, n, "more blocks were live at once than the injector tracks%s%s", "", "");
    else if (af_live(&b) > 0) {
        char what[200];
        snprintf(what, sizeof what, "%ld block(s) still allocated after cleanup, e.g. %zu bytes "
                 "from allocation %ld (made at %p)", af.live, b.bytes, b.index, b.site);
        af_bad(t, n, "%s (the call returned %s)", what, rc < 0 ? "a failure" : "success");
    }
    if (!hit) {
        t->points = af.seen;
        memcpy(t->kinds, af.seen_kind, sizeof t->kinds);
    }
    return hit;
}

/* The reference run (not counted, which also lets one-time set-up happen
 * outside the count), a counted run where nothing fails, then every failure
 * point until one is not reached.  Fills *t; asserts nothing. */
static void af_sweep_mode(const af_path *p, bool sticky, af_tally *t)
{
    memset(t, 0, sizeof *t);
    nb_arena *outer = nb_arena_current();
    nb_clear_error();
    p->setup(p->ctx);
    int rc = p->call(p->ctx);
    char why[512] = "";
    if (rc < 0)
        af_bad(t, 0, "the reference run failed: %s%s", nb_last_error(), "");
    else if (p->after_ok(p->ctx, why, sizeof why))
        af_bad(t, 0, "the reference run is wrong: %s%s", why, "");
    p->cleanup(p->ctx);
    af_run_one(p, 0, sticky, t);
    long n = 1;
    while (n <= AF_MAX_POINTS && af_run_one(p, n, sticky, t))
        n++;
    t->tried = n - 1;
    nb_arena_use(outer);
}

static void af_print(const af_tally *t)
{
    printf("%ld clean failures", t->clean);
    if (t->recovered)
        printf(", %ld recovered with the reference result", t->recovered);
    if (t->bad)
        printf(", %ld BROKEN (first: %s)", t->bad, t->first_bad);
}

/* Both modes: only the n-th allocation fails, and every allocation from
 * the n-th on fails.  Prints the path's line and asserts the contract. */
static void af_sweep(const af_path *p)
{
    static af_tally one, all;
    af_sweep_mode(p, false, &one);
    af_sweep_mode(p, true, &all);
    printf("alloc_fail: %s: %ld points (%ld system, %ld arena chunk, %ld arena allocations); "
           "n-th failing: ", p->name, one.tried, one.kinds[AF_SYSTEM], one.kinds[AF_CHUNK],
           one.kinds[AF_ARENA]);
    af_print(&one);
    printf("; n-th on failing: ");
    af_print(&all);
    printf("\n");
    const char *verbose = getenv("NB_ALLOC_FAIL_VERBOSE");
    for (int i = 0; verbose && verbose[0] == '1' && i < one.n_messages; i++)
        printf("  %4d x %s\n", one.message_count[i], one.messages[i]);
    fflush(stdout);
    const af_tally *ts[2] = {&one, &all};
    for (int k = 0; k < 2; k++) {
        const af_tally *t = ts[k];
        const char *mode = k ? "n-th on failing" : "n-th failing";
        ck_assert_msg(t->bad == 0, "%s (%s): %ld broken points; first: %s", p->name, mode,
                      t->bad, t->first_bad);
        ck_assert_msg(t->tried < AF_MAX_POINTS, "%s (%s): still failing after %d points",
                      p->name, mode, AF_MAX_POINTS);
        ck_assert_msg(t->tried == t->points, "%s (%s): the complete run made %ld allocations "
                      "but %ld points failed", p->name, mode, t->points, t->tried);
        ck_assert_int_eq(t->clean + t->recovered, t->tried);
    }
    ck_assert_int_eq(one.tried, all.tried);
    ck_assert_int_gt(one.tried, 0);
}

/* ---- shared helpers ---- */

static int af_why(char *why, size_t size, const char *fmt, const char *a)
{
    snprintf(why, size, fmt, a);
    return 1;
}

static size_t param_bytes(nb_model *m)
{
    return (size_t)nb_model_num_scalars(m) * nb_dtype_size(nb_model_dtype(m));
}

static void *params_copy(nb_model *m, void *dst)
{
    return memcpy(dst, nb_tensor_data(nb_model_params_flat(m)), param_bytes(m));
}

static int params_equal(nb_model *m, const void *want)
{
    return memcmp(nb_tensor_data(nb_model_params_flat(m)), want, param_bytes(m)) == 0;
}

static char tmpdir[200];

static void make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !base[0] || strlen(base) > 150)
        base = "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/nb_alloc_fail_XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Remove the temporary folder, which holds only plain files this suite
 * made; also the fixture's teardown, so that a failed test leaves none. */
static void remove_tmpdir(void)
{
    if (!tmpdir[0])
        return;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    int rc = rmdir(tmpdir);
    tmpdir[0] = '\0';
    ck_assert_int_eq(rc, 0);
}

static const char *in_tmp(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

/* Number of entries in the temporary folder. */
static int tmpdir_entries(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static size_t read_all(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void write_all(const char *path, const void *b, size_t n, int gz)
{
    if (gz) {
        gzFile g = gzopen(path, "wb");
        ck_assert_ptr_nonnull(g);
        ck_assert_int_eq(gzwrite(g, b, (unsigned)n), (int)n);
        ck_assert_int_eq(gzclose(g), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(b, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
    }
}

/* A 4-8-3 BP network whose arenas count their chunk requests; its 67
 * parameters fit the copies below. */
enum { NET_PARAMS_MAX = 128 };
static nb_model *small_net(uint64_t seed)
{
    nb_model *m = nb_bpnet_new((const int64_t[]){4, 8, 3}, 3, NULL,
                               &(nb_bpnet_opts){.seed = seed, .allocator = &af_allocator});
    ck_assert_msg(m != NULL, "%s", nb_last_error());
    ck_assert_int_le(nb_model_num_scalars(m), NET_PARAMS_MAX);
    return m;
}

/* ---- (a) a training step ---- */

enum { STEP_ROWS = 8, STEPS = 2 };

typedef struct step_ctx {
    bool cross_entropy, adam;
    nb_arena *data;      /* inputs (not counted) */
    nb_tensor *x, *y;
    nb_model *net;
    nb_optim *opt;
    nb_arena *step;
    int failed_step;     /* the step that failed (-1: the optimizer's creation) */
    float before[NET_PARAMS_MAX];    /* parameters when the failing step began */
    double loss[STEPS];
    bool have_ref;
    double ref_loss[STEPS];
    float ref_params[NET_PARAMS_MAX];
} step_ctx;

static void step_setup(void *vc)
{
    step_ctx *c = vc;
    c->data = nb_arena_new();
    nb_arena_use(c->data);
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    c->x = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(STEP_ROWS, 4), -1, 1);
    if (c->cross_entropy) {
        float labels[STEP_ROWS];
        for (int i = 0; i < STEP_ROWS; i++)
            labels[i] = (float)(i % 3);
        c->y = nb_from_f32(labels, NB_SHAPE(STEP_ROWS));
    } else {
        c->y = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(STEP_ROWS, 3), -1, 1);
    }
    ck_assert_msg(c->x && c->y, "%s", nb_last_error());
    c->net = small_net(11);
    c->opt = NULL;
    c->step = NULL;
    c->failed_step = -2;
}

/* Make the optimizer and a step arena, then run STEPS steps: zero grad,
 * forward, loss, backward, optimizer step, arena reset. */
static int step_call(void *vc)
{
    step_ctx *c = vc;
    c->failed_step = -1;
    params_copy(c->net, c->before);
    c->opt = c->adam ? nb_adam_new(c->net, &(nb_adam_opts){.lr = 0.01})
                     : nb_sgd_new(c->net, &(nb_sgd_opts){.lr = 0.1, .momentum = 0.9});
    if (!c->opt)
        return nb_last_status();
    c->step = nb_arena_new_opts(&(nb_arena_opts){.allocator = &af_allocator});
    if (!c->step)
        return nb_last_status();
    nb_arena_use(c->step);
    for (int s = 0; s < STEPS; s++) {
        c->failed_step = s;
        params_copy(c->net, c->before);
        int rc = nb_optim_zero_grad(c->opt);
        if (rc < 0)
            return rc;
        nb_tensor *pred = nb_model_forward(c->net, c->x);
        nb_tensor *loss = c->cross_entropy ? nb_cross_entropy_loss(pred, c->y, NB_REDUCE_MEAN)
                                           : nb_mse_loss(pred, c->y, NB_REDUCE_MEAN);
        if (!loss)
            return nb_last_status() < 0 ? nb_last_status() : NB_ERR_NULL;
        if ((rc = nb_backward(loss, NULL)) < 0)
            return rc;
        c->loss[s] = nb_tensor_item(loss);
        if ((rc = nb_optim_step(c->opt)) < 0)
            return rc;
        if ((rc = nb_optim_zero_grad(c->opt)) < 0)
            return rc;
        nb_arena_reset(c->step);
    }
    c->failed_step = STEPS;
    return NB_OK;
}

static int step_after_fail(void *vc, char *why, size_t size)
{
    step_ctx *c = vc;
    if (!params_equal(c->net, c->before))
        return af_why(why, size, "the parameters changed in the failed step%s", "");
    return 0;
}

static int step_after_ok(void *vc, char *why, size_t size)
{
    step_ctx *c = vc;
    if (!c->have_ref) {
        memcpy(c->ref_loss, c->loss, sizeof c->loss);
        params_copy(c->net, c->ref_params);
        c->have_ref = true;
        return 0;
    }
    if (memcmp(c->loss, c->ref_loss, sizeof c->loss) != 0)
        return af_why(why, size, "the losses differ%s", "");
    if (!params_equal(c->net, c->ref_params))
        return af_why(why, size, "the parameters differ%s", "");
    return 0;
}

static void step_cleanup(void *vc)
{
    step_ctx *c = vc;
    nb_arena_use(NULL);
    nb_arena_free(c->step);
    nb_optim_free(c->opt);
    nb_model_free(c->net);
    nb_arena_free(c->data);
}

static void sweep_step(bool cross_entropy, bool adam, const char *name)
{
    static step_ctx c;
    memset(&c, 0, sizeof c);
    c.cross_entropy = cross_entropy;
    c.adam = adam;
    af_sweep(&(af_path){name, NULL, step_setup, step_call, step_after_fail, step_after_ok,
                        step_cleanup, &c});
}

START_TEST(test_train_step_cross_entropy_sgd)
{
    sweep_step(true, false, "train step (cross-entropy, SGD with momentum)");
}
END_TEST

START_TEST(test_train_step_mse_adam)
{
    sweep_step(false, true, "train step (mse, Adam)");
}
END_TEST

/* ---- (b) nb_train, 2 epochs with validation data ---- */

enum { TRAIN_ROWS = 12, VAL_ROWS = 6, TEST_ROWS = 3, EPOCHS = 2 };

typedef struct train_ctx {
    nb_arena *data;
    nb_tensor *x, *y, *vx, *vy, *tx, *ty;
    nb_model *net;
    nb_optim *opt;
    nb_train_record rec;
    bool have_ref;
    double ref_curves[5][EPOCHS + 1];
    float ref_params[NET_PARAMS_MAX];
} train_ctx;

static void train_setup(void *vc)
{
    train_ctx *c = vc;
    c->data = nb_arena_new();
    nb_arena_use(c->data);
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    float labels[TRAIN_ROWS];
    for (int i = 0; i < TRAIN_ROWS; i++)
        labels[i] = (float)(i % 3);
    c->x = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(TRAIN_ROWS, 4), -1, 1);
    c->y = nb_from_f32(labels, NB_SHAPE(TRAIN_ROWS));
    c->vx = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(VAL_ROWS, 4), -1, 1);
    c->vy = nb_from_f32(labels, NB_SHAPE(VAL_ROWS));
    c->tx = nb_rand_uniform(&rng, NB_F32, NB_SHAPE(TEST_ROWS, 4), -1, 1);
    c->ty = nb_from_f32(labels, NB_SHAPE(TEST_ROWS));
    ck_assert_msg(c->x && c->y && c->vx && c->vy && c->tx && c->ty, "%s", nb_last_error());
    nb_arena_use(NULL); /* nb_train uses its own arenas */
    c->net = small_net(3);
    c->opt = nb_adam_new(c->net, &(nb_adam_opts){.lr = 0.05});
    ck_assert_msg(c->opt != NULL, "%s", nb_last_error());
    memset(&c->rec, 0xAB, sizeof c->rec); /* nb_train must set every field */
}

static int train_call(void *vc)
{
    train_ctx *c = vc;
    return nb_train(c->net, c->opt, nb_cross_entropy_loss,
                    &(nb_train_data){.x = c->x, .y = c->y, .val_x = c->vx, .val_y = c->vy,
                                     .test_x = c->tx, .test_y = c->ty},
                    &(nb_train_opts){.epochs = EPOCHS, .batch_size = 4, .seed = 9,
                                     .min_grad = -1, .verbose = -1},
                    &c->rec);
}

static int train_after_fail(void *vc, char *why, size_t size)
{
    train_ctx *c = vc;
    const nb_train_record *r = &c->rec;
    if (r->train_loss || r->val_loss || r->test_loss || r->train_acc || r->val_acc)
        return af_why(why, size, "the record holds arrays after a failure%s", "");
    if (r->stop != NB_STOP_NONE)
        return af_why(why, size, "the record's stop reason is not NB_STOP_NONE%s", "");
    return 0;
}

static int train_after_ok(void *vc, char *why, size_t size)
{
    train_ctx *c = vc;
    const nb_train_record *r = &c->rec;
    if (r->epochs != EPOCHS || !r->train_loss || !r->val_loss || !r->test_loss ||
        !r->train_acc || !r->val_acc)
        return af_why(why, size, "the record is incomplete%s", "");
    const double *curves[5] = {r->train_loss, r->val_loss, r->test_loss, r->train_acc,
                               r->val_acc};
    if (!c->have_ref) {
        for (int k = 0; k < 5; k++)
            memcpy(c->ref_curves[k], curves[k], sizeof c->ref_curves[k]);
        params_copy(c->net, c->ref_params);
        c->have_ref = true;
        return 0;
    }
    for (int k = 0; k < 5; k++)
        if (memcmp(c->ref_curves[k], curves[k], sizeof c->ref_curves[k]) != 0)
            return af_why(why, size, "the record's curves differ%s", "");
    if (!params_equal(c->net, c->ref_params))
        return af_why(why, size, "the trained parameters differ%s", "");
    return 0;
}

static void train_cleanup(void *vc)
{
    train_ctx *c = vc;
    nb_train_record_free(&c->rec); /* nb_train set every field, even on failure */
    nb_optim_free(c->opt);
    nb_model_free(c->net);
    nb_arena_free(c->data);
}

START_TEST(test_nb_train)
{
    static train_ctx c;
    memset(&c, 0, sizeof c);
    /* every failure is reported as nb_train's, never as a function it calls */
    af_sweep(&(af_path){"nb_train (2 epochs, validation and test sets)", "nb_train: ", train_setup,
                        train_call, train_after_fail, train_after_ok, train_cleanup, &c});
}
END_TEST

/* ---- (b2) nb_trainlm, 2 epochs with validation and test sets ---- */

typedef struct lm_ctx {
    train_ctx t; /* data and net as for nb_train; targets are one-hot floats */
    double ref_perf[EPOCHS + 1];
} lm_ctx;

static void lm_setup(void *vc)
{
    lm_ctx *c = vc;
    train_setup(&c->t);
    nb_arena_use(c->t.data);
    float onehot[TRAIN_ROWS * 3] = {0};
    for (int i = 0; i < TRAIN_ROWS; i++)
        onehot[i * 3 + i % 3] = 1;
    c->t.y = nb_from_f32(onehot, NB_SHAPE(TRAIN_ROWS, 3));
    c->t.vy = nb_from_f32(onehot, NB_SHAPE(VAL_ROWS, 3));
    c->t.ty = nb_from_f32(onehot, NB_SHAPE(TEST_ROWS, 3));
    ck_assert_msg(c->t.y && c->t.vy && c->t.ty, "%s", nb_last_error());
    nb_arena_use(NULL);
}

static int lm_call(void *vc)
{
    lm_ctx *c = vc;
    return nb_trainlm(c->t.net,
                      &(nb_train_data){.x = c->t.x, .y = c->t.y, .val_x = c->t.vx,
                                       .val_y = c->t.vy, .test_x = c->t.tx, .test_y = c->t.ty},
                      &(nb_trainlm_opts){.epochs = EPOCHS, .min_grad = -1, .verbose = -1},
                      &c->t.rec);
}

static int lm_after_fail(void *vc, char *why, size_t size)
{
    lm_ctx *c = vc;
    const nb_train_record *r = &c->t.rec;
    if (r->train_loss || r->val_loss || r->test_loss || r->gradient || r->mu || r->lr)
        return af_why(why, size, "the record holds arrays after a failure%s", "");
    if (r->stop != NB_STOP_NONE)
        return af_why(why, size, "the record's stop reason is not NB_STOP_NONE%s", "");
    return 0;
}

static int lm_after_ok(void *vc, char *why, size_t size)
{
    lm_ctx *c = vc;
    const nb_train_record *r = &c->t.rec;
    if (r->epochs != EPOCHS || !r->train_loss || !r->val_loss || !r->test_loss || !r->gradient)
        return af_why(why, size, "the record is incomplete%s", "");
    if (!c->t.have_ref) {
        memcpy(c->ref_perf, r->train_loss, sizeof c->ref_perf);
        params_copy(c->t.net, c->t.ref_params);
        c->t.have_ref = true;
        return 0;
    }
    if (memcmp(c->ref_perf, r->train_loss, sizeof c->ref_perf) != 0)
        return af_why(why, size, "the record's perf differs%s", "");
    if (!params_equal(c->t.net, c->t.ref_params))
        return af_why(why, size, "the trained parameters differ%s", "");
    return 0;
}

static void lm_cleanup(void *vc)
{
    lm_ctx *c = vc;
    train_cleanup(&c->t);
}

START_TEST(test_nb_trainlm)
{
    static lm_ctx c;
    memset(&c, 0, sizeof c);
    af_sweep(&(af_path){"nb_trainlm (2 epochs, validation and test sets)", "nb_trainlm: ",
                        lm_setup, lm_call, lm_after_fail, lm_after_ok, lm_cleanup, &c});
}
END_TEST

/* ---- (b3) nb_traingdx, the same set-up: its backward passes and record ---- */

static int gdx_call(void *vc)
{
    lm_ctx *c = vc;
    return nb_traingdx(c->t.net,
                       &(nb_train_data){.x = c->t.x, .y = c->t.y, .val_x = c->t.vx,
                                        .val_y = c->t.vy, .test_x = c->t.tx, .test_y = c->t.ty},
                       &(nb_traingd_opts){.epochs = EPOCHS, .min_grad = -1, .verbose = -1},
                       &c->t.rec);
}

START_TEST(test_nb_traingdx)
{
    static lm_ctx c;
    memset(&c, 0, sizeof c);
    af_sweep(&(af_path){"nb_traingdx (2 epochs, validation and test sets)", "nb_traingdx: ",
                        lm_setup, gdx_call, lm_after_fail, lm_after_ok, lm_cleanup, &c});
}
END_TEST

/* ---- (c) model save and load ---- */

typedef struct file_ctx {
    char path[256];
    unsigned char old[4096];   /* what the file held before the save */
    size_t old_len;
    nb_model *net;
    float before[NET_PARAMS_MAX];
    bool have_ref;
    unsigned char ref[4096];   /* (save) the file the reference run wrote */
    size_t ref_len;
    float ref_params[NET_PARAMS_MAX];      /* (load) the parameters the file holds */
} file_ctx;

static void save_setup(void *vc)
{
    file_ctx *c = vc;
    write_all(c->path, c->old, c->old_len, 0);
    c->net = small_net(21);
}

static int save_call(void *vc)
{
    file_ctx *c = vc;
    return nb_model_save(c->net, c->path);
}

static int save_after_fail(void *vc, char *why, size_t size)
{
    file_ctx *c = vc;
    unsigned char now[4096];
    size_t n = read_all(c->path, now, sizeof now);
    if (n != c->old_len || memcmp(now, c->old, n) != 0)
        return af_why(why, size, "the file it was to replace changed%s", "");
    if (tmpdir_entries() != 1)
        return af_why(why, size, "a temporary file was left in the folder%s", "");
    return 0;
}

static int save_after_ok(void *vc, char *why, size_t size)
{
    file_ctx *c = vc;
    unsigned char now[4096];
    size_t n = read_all(c->path, now, sizeof now);
    if (!c->have_ref) {
        memcpy(c->ref, now, n);
        c->ref_len = n;
        c->have_ref = true;
        return 0;
    }
    if (n != c->ref_len || memcmp(now, c->ref, n) != 0)
        return af_why(why, size, "the file differs from the reference save%s", "");
    if (tmpdir_entries() != 1)
        return af_why(why, size, "a temporary file was left in the folder%s", "");
    return 0;
}

static void model_cleanup(void *vc)
{
    file_ctx *c = vc;
    nb_model_free(c->net);
}

static void load_setup(void *vc)
{
    file_ctx *c = vc;
    c->net = small_net(99); /* other weights than the file's */
    params_copy(c->net, c->before);
}

static int load_call(void *vc)
{
    file_ctx *c = vc;
    return nb_model_load(c->net, c->path);
}

static int load_after_fail(void *vc, char *why, size_t size)
{
    file_ctx *c = vc;
    if (!params_equal(c->net, c->before))
        return af_why(why, size, "the parameters changed%s", "");
    return 0;
}

static int load_after_ok(void *vc, char *why, size_t size)
{
    file_ctx *c = vc;
    if (!params_equal(c->net, c->ref_params))
        return af_why(why, size, "the parameters are not the file's%s", "");
    return 0;
}

START_TEST(test_model_save_and_load)
{
    static file_ctx c;
    memset(&c, 0, sizeof c);
    make_tmpdir();
    in_tmp("model.nbt", c.path, sizeof c.path);
    /* the file a save replaces: another model's weights */
    nb_model *other = small_net(5);
    ck_assert_int_eq(nb_model_save(other, c.path), NB_OK);
    nb_model_free(other);
    c.old_len = read_all(c.path, c.old, sizeof c.old);
    ck_assert_uint_gt(c.old_len, 0);
    ck_assert_uint_lt(c.old_len, sizeof c.old);
    af_sweep(&(af_path){"model save", NULL, save_setup, save_call, save_after_fail, save_after_ok,
                        model_cleanup, &c});

    /* the file now holds the weights of small_net(21) */
    nb_model *saved = small_net(21);
    params_copy(saved, c.ref_params);
    nb_model_free(saved);
    af_sweep(&(af_path){"model load", NULL, load_setup, load_call, load_after_fail, load_after_ok,
                        model_cleanup, &c});
    remove_tmpdir();
}
END_TEST

/* ---- (d) CSV load with a class label column ---- */

enum { CSV_ROWS = 60, CSV_FEATURES = 18, CSV_CLASSES = 20 };

typedef struct csv_ctx {
    char path[256];
    nb_arena *arena;
    nb_csv_data d;
    bool have_ref;
    double ref_x[CSV_ROWS * CSV_FEATURES], ref_y[CSV_ROWS];
    char ref_names[CSV_CLASSES][16];
} csv_ctx;

static void csv_setup(void *vc)
{
    csv_ctx *c = vc;
    c->arena = nb_arena_new_opts(&(nb_arena_opts){.allocator = &af_allocator});
    ck_assert_ptr_nonnull(c->arena);
    nb_arena_use(c->arena);
    memset(&c->d, 0xAB, sizeof c->d); /* a failed load must zero it */
}

static int csv_call(void *vc)
{
    csv_ctx *c = vc;
    return nb_csv_load(c->path,
                       &(nb_csv_opts){.dtype = NB_F64, .class_labels = true,
                                      .target_cols = (const int[]){-1}, .n_target_cols = 1},
                       &c->d);
}

static int csv_after_fail(void *vc, char *why, size_t size)
{
    csv_ctx *c = vc;
    static const nb_csv_data zero;
    if (memcmp(&c->d, &zero, sizeof zero) != 0)
        return af_why(why, size, "*out is not zeroed%s", "");
    return 0;
}

static int csv_after_ok(void *vc, char *why, size_t size)
{
    csv_ctx *c = vc;
    const nb_csv_data *d = &c->d;
    if (d->rows != CSV_ROWS || d->n_features != CSV_FEATURES || d->n_classes != CSV_CLASSES ||
        !d->x || !d->y || !d->class_names || !d->column_names)
        return af_why(why, size, "the result has the wrong size%s", "");
    if (!c->have_ref) {
        memcpy(c->ref_x, nb_tensor_data(d->x), sizeof c->ref_x);
        memcpy(c->ref_y, nb_tensor_data(d->y), sizeof c->ref_y);
        for (int k = 0; k < CSV_CLASSES; k++)
            snprintf(c->ref_names[k], sizeof c->ref_names[k], "%s", d->class_names[k]);
        c->have_ref = true;
        return 0;
    }
    if (memcmp(c->ref_x, nb_tensor_data(d->x), sizeof c->ref_x) != 0 ||
        memcmp(c->ref_y, nb_tensor_data(d->y), sizeof c->ref_y) != 0)
        return af_why(why, size, "the values differ%s", "");
    for (int k = 0; k < CSV_CLASSES; k++)
        if (strcmp(c->ref_names[k], d->class_names[k]) != 0)
            return af_why(why, size, "class name '%s' differs", d->class_names[k]);
    return 0;
}

static void csv_cleanup(void *vc)
{
    csv_ctx *c = vc;
    nb_arena_use(NULL);
    nb_arena_free(c->arena);
}

START_TEST(test_csv_load)
{
    static csv_ctx c;
    memset(&c, 0, sizeof c);
    make_tmpdir();
    in_tmp("data.csv", c.path, sizeof c.path);
    /* More columns than the first cell array holds, more distinct labels
     * than the first label array holds, more values than the first value
     * array holds: every growth path runs. */
    FILE *f = fopen(c.path, "w");
    ck_assert_ptr_nonnull(f);
    for (int j = 0; j < CSV_FEATURES; j++)
        fprintf(f, "f%d,", j);
    fprintf(f, "species\n");
    for (int r = 0; r < CSV_ROWS; r++) {
        for (int j = 0; j < CSV_FEATURES; j++)
            fprintf(f, "%d.%d,", r, j);
        fprintf(f, "kind%02d\n", (r * 7) % CSV_CLASSES);
    }
    ck_assert_int_eq(fclose(f), 0);
    af_sweep(&(af_path){"CSV load (class labels)", "nb_csv_load: ", csv_setup, csv_call,
                        csv_after_fail, csv_after_ok, csv_cleanup, &c});
    ck_assert_str_eq(c.ref_names[0], "kind00");
    ck_assert_double_eq(c.ref_x[CSV_FEATURES + 1], 1.1);
    ck_assert_double_eq(c.ref_y[1], 7);
    remove_tmpdir();
}
END_TEST

/* ---- (e) IDX load, plain and gzip ---- */

enum { IDX_N = 5, IDX_H = 4, IDX_W = 3 };

typedef struct idx_ctx {
    char path[256];
    nb_arena *arena;
    nb_tensor *t;
    bool have_ref;
    float ref[IDX_N * IDX_H * IDX_W];
} idx_ctx;

static void idx_setup(void *vc)
{
    idx_ctx *c = vc;
    c->arena = nb_arena_new_opts(&(nb_arena_opts){.allocator = &af_allocator});
    ck_assert_ptr_nonnull(c->arena);
    nb_arena_use(c->arena);
    c->t = NULL;
}

static int idx_call(void *vc)
{
    idx_ctx *c = vc;
    c->t = nb_idx_load(c->path, NB_F32, 0);
    return c->t ? NB_OK : (nb_last_status() < 0 ? nb_last_status() : NB_ERR_NULL);
}

static int idx_after_fail(void *vc, char *why, size_t size)
{
    (void)vc;
    (void)why;
    (void)size;
    return 0; /* a NULL result is all there is to see */
}

static int idx_after_ok(void *vc, char *why, size_t size)
{
    idx_ctx *c = vc;
    if (nb_tensor_ndim(c->t) != 3 || nb_tensor_dim(c->t, 0) != IDX_N || nb_tensor_dim(c->t, 2) != IDX_W)
        return af_why(why, size, "the tensor has the wrong shape%s", "");
    if (!c->have_ref) {
        memcpy(c->ref, nb_tensor_data(c->t), sizeof c->ref);
        c->have_ref = true;
        return 0;
    }
    if (memcmp(c->ref, nb_tensor_data(c->t), sizeof c->ref) != 0)
        return af_why(why, size, "the values differ%s", "");
    return 0;
}

static void idx_cleanup(void *vc)
{
    idx_ctx *c = vc;
    nb_arena_use(NULL);
    nb_arena_free(c->arena);
}

START_TEST(test_idx_load)
{
    make_tmpdir();
    unsigned char file[4 + 4 * 3 + IDX_N * IDX_H * IDX_W];
    const unsigned char head[] = {0, 0, 0x08, 3, 0, 0, 0, IDX_N, 0, 0, 0, IDX_H, 0, 0, 0, IDX_W};
    memcpy(file, head, sizeof head);
    for (int i = 0; i < IDX_N * IDX_H * IDX_W; i++)
        file[sizeof head + i] = (unsigned char)(i * 4);
    for (int gz = 0; gz < 2; gz++) {
        static idx_ctx c;
        memset(&c, 0, sizeof c);
        in_tmp(gz ? "x.idx.gz" : "x.idx", c.path, sizeof c.path);
        write_all(c.path, file, sizeof file, gz);
        af_sweep(&(af_path){gz ? "IDX load (gzip)" : "IDX load (plain)", "nb_idx_load: ",
                            idx_setup, idx_call, idx_after_fail, idx_after_ok, idx_cleanup, &c});
        ck_assert_float_eq(c.ref[IDX_N * IDX_H * IDX_W - 1], 4 * (IDX_N * IDX_H * IDX_W - 1));
    }
    remove_tmpdir();
}
END_TEST

/* ---- the sweep finds what it looks for ---- */

/* ---- nb_check_grad: first and second order ---- */

/* f(x, A) = sum(tanh(x * (A x))) checked with the engine's own gradient and
 * H v as "yours" (so the reference run passes), every scratch arena made
 * with nb_arena_new under the injector. */
static nb_tensor *cg_fn(nb_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return nb_sum(nb_tanh(nb_mul(in[0], nb_matmul(in[1], in[0]))));
}

typedef struct cg_ctx {
    nb_arena *arena;
    nb_tensor *in[2], *mine[2], *v[2], *hv[2];
    double x0[2];
    nb_check_grad_result r;
} cg_ctx;

static void cg_setup(void *vc)
{
    cg_ctx *c = vc;
    c->arena = nb_arena_new();
    ck_assert_ptr_nonnull(c->arena);
    nb_arena_use(c->arena);
    c->in[0] = nb_from_f64((const double[]){0.3, -0.7}, NB_SHAPE(2, 1));
    c->in[1] = nb_from_f64((const double[]){0.5, 1.2, -0.4, 0.9}, NB_SHAPE(2, 2));
    c->v[0] = nb_from_f64((const double[]){0.6, 0.1}, NB_SHAPE(2, 1));
    c->v[1] = nb_from_f64((const double[]){-0.2, 0.3, 0.8, 0.5}, NB_SHAPE(2, 2));
    for (int i = 0; i < 2; i++)
        nb_tensor_set_requires_grad(c->in[i], true);
    nb_tensor *y = cg_fn(c->in, 2, NULL);
    ck_assert_int_eq(nb_grad(&y, 1, c->in, 2, NULL, NB_CREATE_GRAPH, c->mine), NB_OK);
    nb_tensor *s = nb_add(nb_sum(nb_mul(c->mine[0], c->v[0])), nb_sum(nb_mul(c->mine[1], c->v[1])));
    ck_assert_int_eq(nb_grad(&s, 1, c->in, 2, NULL, 0, c->hv), NB_OK);
    for (int i = 0; i < 2; i++) {
        c->mine[i] = nb_detach(c->mine[i]);
        nb_tensor_set_requires_grad(c->in[i], false);
    }
    memcpy(c->x0, nb_tensor_data_f64(c->in[0]), sizeof c->x0);
}

static int cg_call(void *vc)
{
    cg_ctx *c = vc;
    return nb_check_grad(cg_fn, c->in, 2, NULL, c->mine,
                         &(nb_check_grad_opts){.hvp_v = c->v, .my_hvp = c->hv}, &c->r);
}

static int cg_input_changed(const cg_ctx *c)
{
    return memcmp(c->x0, nb_tensor_data_f64(c->in[0]), sizeof c->x0) != 0;
}

static int cg_after_fail(void *vc, char *why, size_t size)
{
    cg_ctx *c = vc;
    if (cg_input_changed(c))
        return af_why(why, size, "the input changed%s", "");
    if (c->r.passed)
        return af_why(why, size, "the result says passed%s", "");
    return 0;
}

static int cg_after_ok(void *vc, char *why, size_t size)
{
    cg_ctx *c = vc;
    if (!c->r.passed || c->r.checked != 12)
        return af_why(why, size, "the result is wrong: %s", c->r.message);
    return cg_input_changed(c) ? af_why(why, size, "the input changed%s", "") : 0;
}

static void cg_cleanup(void *vc)
{
    cg_ctx *c = vc;
    nb_arena_use(NULL);
    nb_arena_free(c->arena);
}

START_TEST(test_check_grad)
{
    static cg_ctx c;
    memset(&c, 0, sizeof c);
    af_path p = {"nb_check_grad", "nb_check_grad: ", cg_setup, cg_call, cg_after_fail,
                 cg_after_ok, cg_cleanup, &c};
    af_sweep(&p);
}
END_TEST

/* A call that allocates twice and, when the second allocation fails,
 * breaks the contract in one of these ways. */
typedef enum fake_bug { FAKE_NONE, FAKE_LEAK, FAKE_EMPTY, FAKE_CHANGE, FAKE_SILENT } fake_bug;

typedef struct fake_ctx {
    fake_bug bug;
    int value;      /* the caller's data: 7 after a complete call */
    void *leaked;   /* kept reachable, so that only the sweep sees the leak */
} fake_ctx;

static void fake_setup(void *vc) { ((fake_ctx *)vc)->value = 0; }

static int fake_call(void *vc)
{
    fake_ctx *c = vc;
    void *a = malloc(16);
    if (!a)
        return nb__error(NB_ERR_NOMEM, "fake: out of memory");
    void *b = malloc(16);
    if (!b) {
        switch (c->bug) {
        case FAKE_LEAK:
            c->leaked = a;
            return nb__error(NB_ERR_NOMEM, "fake: out of memory");
        case FAKE_EMPTY:
            free(a);
            return NB_ERR_NOMEM;
        case FAKE_CHANGE:
            c->value = 1;
            free(a);
            return nb__error(NB_ERR_NOMEM, "fake: out of memory");
        case FAKE_SILENT:
            c->value = 42;
            free(a);
            return NB_OK;
        case FAKE_NONE:
            break;
        }
        free(a);
        return nb__error(NB_ERR_NOMEM, "fake: out of memory");
    }
    c->value = 7;
    free(b);
    free(a);
    return NB_OK;
}

static int fake_after_fail(void *vc, char *why, size_t size)
{
    return ((fake_ctx *)vc)->value != 0 ? af_why(why, size, "the value changed%s", "") : 0;
}

static int fake_after_ok(void *vc, char *why, size_t size)
{
    return ((fake_ctx *)vc)->value != 7 ? af_why(why, size, "the value is wrong%s", "") : 0;
}

static void fake_cleanup(void *vc) { (void)vc; }

START_TEST(test_sweep_finds_broken_contracts)
{
    static const struct {
        fake_bug bug;
        const char *needle;
    } cases[] = {{FAKE_LEAK, "1 block(s) still allocated after cleanup, e.g. 16 bytes from "
                             "allocation 1"},
                 {FAKE_EMPTY, "failed with an empty message"},
                 {FAKE_CHANGE, "failed cleanly, but the value changed"},
                 {FAKE_SILENT, "an allocation failed, yet the call succeeded, and the value is "
                               "wrong"}};
    static fake_ctx c;
    static af_tally t;
    memset(&c, 0, sizeof c);
    af_path p = {"fake", NULL, fake_setup, fake_call, fake_after_fail, fake_after_ok,
                 fake_cleanup, &c};
    for (int sticky = 0; sticky < 2; sticky++) {
        c.bug = FAKE_NONE;
        af_sweep_mode(&p, sticky, &t);
        ck_assert_int_eq(t.bad, 0);
        ck_assert_int_eq(t.tried, 2);
        ck_assert_int_eq(t.clean, 2);
        ck_assert_int_eq(t.kinds[AF_SYSTEM], 2);
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            c.bug = cases[k].bug;
            af_sweep_mode(&p, sticky, &t);
            free(c.leaked);
            c.leaked = NULL;
            ck_assert_int_eq(t.bad, 1);
            ck_assert_msg(strstr(t.first_bad, "allocation 2: ") == t.first_bad &&
                          strstr(t.first_bad, cases[k].needle),
                          "'%s' lacks '%s'", t.first_bad, cases[k].needle);
        }
    }
    /* a message that does not name the function called */
    c.bug = FAKE_NONE;
    p.prefix = "nb_fake: ";
    af_sweep_mode(&p, false, &t);
    ck_assert_int_eq(t.bad, 2);
    ck_assert_str_eq(t.first_bad, "allocation 1: the message does not name nb_fake: : fake: out "
                     "of memory");
}
END_TEST

/* ---- (f) the backward-pass page (nabla/html.h), saved over an old one ---- */

typedef struct html_ctx {
    char path[256];
    nb_arena *arena;
    nb_tensor *loss;
    bool have_ref;
    int ref_sections;
} html_ctx;

static const char html_old[] = "the old page\n";

static void html_setup(void *vc)
{
    html_ctx *c = vc;
    write_all(c->path, html_old, sizeof html_old - 1, 0);
    c->arena = nb_arena_new_opts(&(nb_arena_opts){.allocator = &af_allocator});
    ck_assert_ptr_nonnull(c->arena);
    nb_arena_use(c->arena);
    /* a 2-3-1 tanh network on 4 samples, W used by one node, b by another */
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *x = nb_rand_normal(&rng, NB_F64, NB_SHAPE(4, 2), 0, 1);
    nb_tensor *w1 = nb_tensor_set_requires_grad(nb_rand_normal(&rng, NB_F64, NB_SHAPE(2, 3), 0, 1), true);
    nb_tensor *b1 = nb_tensor_set_requires_grad(nb_zeros(NB_F64, NB_SHAPE(1, 3)), true);
    nb_tensor *w2 = nb_tensor_set_requires_grad(nb_rand_normal(&rng, NB_F64, NB_SHAPE(3, 1), 0, 1), true);
    nb_tensor_set_name(w1, "W1");
    c->loss = nb_mean(nb_square(nb_matmul(nb_tanh(nb_add(nb_matmul(x, w1), b1)), w2)));
    ck_assert_ptr_nonnull(c->loss);
}

static int html_call(void *vc)
{
    html_ctx *c = vc;
    return nb_html_save(c->path, &c->loss, 1, &(nb_html_opts){.max_values = 6});
}

static int html_after_fail(void *vc, char *why, size_t size)
{
    html_ctx *c = vc;
    unsigned char now[64];
    size_t n = read_all(c->path, now, sizeof now);
    if (n != sizeof html_old - 1 || memcmp(now, html_old, n) != 0)
        return af_why(why, size, "the page it was to replace changed%s", "");
    if (tmpdir_entries() != 1)
        return af_why(why, size, "a temporary file was left in the folder%s", "");
    return 0;
}

static int html_after_ok(void *vc, char *why, size_t size)
{
    html_ctx *c = vc;
    static unsigned char now[1 << 17];
    size_t n = read_all(c->path, now, sizeof now - 1);
    now[n] = '\0';
    /* node ids grow from run to run, so count the steps instead of
     * comparing bytes */
    int sections = 0;
    for (const char *p = (const char *)now; (p = strstr(p, "<section ")) != NULL; p++)
        sections++;
    if (n < 16 || strcmp((const char *)now + n - 8, "</html>\n") != 0)
        return af_why(why, size, "the page is not complete%s", "");
    if (!c->have_ref) {
        c->ref_sections = sections;
        c->have_ref = true;
    } else if (sections != c->ref_sections) {
        return af_why(why, size, "the page has another number of steps%s", "");
    }
    if (tmpdir_entries() != 1)
        return af_why(why, size, "a temporary file was left in the folder%s", "");
    return 0;
}

static void html_cleanup(void *vc)
{
    html_ctx *c = vc;
    nb_arena_use(NULL);
    nb_arena_free(c->arena);
}

START_TEST(test_html_save)
{
    static html_ctx c;
    memset(&c, 0, sizeof c);
    make_tmpdir();
    in_tmp("page.html", c.path, sizeof c.path);
    af_sweep(&(af_path){"backward-pass page", "nb_html_save: ", html_setup, html_call,
                        html_after_fail, html_after_ok, html_cleanup, &c});
    ck_assert_int_eq(c.ref_sections, 1 + 6 + 6 + 1); /* leaves, 6 nodes forward and back, the summary */
    remove_tmpdir();
}
END_TEST

static Suite *alloc_fail_suite(void)
{
    Suite *s = suite_create("alloc_fail");
    TCase *tc = nb_test_case("alloc_fail");
    tcase_add_checked_fixture(tc, NULL, remove_tmpdir);
    tcase_add_test(tc, test_sweep_finds_broken_contracts);
    tcase_add_test(tc, test_train_step_cross_entropy_sgd);
    tcase_add_test(tc, test_train_step_mse_adam);
    tcase_add_test(tc, test_nb_train);
    tcase_add_test(tc, test_nb_trainlm);
    tcase_add_test(tc, test_nb_traingdx);
    tcase_add_test(tc, test_model_save_and_load);
    tcase_add_test(tc, test_csv_load);
    tcase_add_test(tc, test_idx_load);
    tcase_add_test(tc, test_html_save);
    tcase_add_test(tc, test_check_grad);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* the lines this suite prints go out in order with Check's */
    setvbuf(stdout, NULL, _IOLBF, 0);
    return nb_test_run(alloc_fail_suite());
}
