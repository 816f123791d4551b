/* grade.c — the grader of an exercise (exercise.h): is the backward you
 * wrote right, and if not, where is it wrong?
 *
 *   ./exercises/grade_softplus [--seed N]
 *
 * It draws the op's inputs at random (seeded: the same points every run,
 * away from special values), then checks
 *   1. first order, input by input: nb_gradcheck compares the Jacobian your
 *      backward gives (one backward pass per output entry) with central
 *      differences of the forward;
 *   2. second order: nb_gradgradcheck differentiates your backward (the
 *      engine records its ops) and compares with central differences of it.
 * For a wrong gradient it prints which input, which entry, your value and
 * the numeric one.  Exit status: 0 right, 1 wrong (or not written yet),
 * 2 when the grader itself could not run.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"

/* What the op's functions get as `user`: exercise_todo marks it. */
typedef struct grade_state {
    bool todo;
} grade_state;

int exercise_todo(void *user)
{
    if (user)
        ((grade_state *)user)->todo = true;
    return -1;
}

/* gradcheck's view of the op: inputs -> one output. */
static nb_tensor *apply_op(nb_tensor *const *in, int n, void *ctx)
{
    return nb_custom_op_apply((const nb_custom_op *)ctx, in, n);
}

/* "[1,2]" for flat index 6 of a 3x4 tensor; "" for a one-element scalar. */
static const char *index_str(char *buf, size_t size, int ndim, const int64_t *shape, int64_t flat)
{
    int64_t idx[8] = {0};
    for (int d = ndim - 1; d >= 0; d--) {
        idx[d] = flat % shape[d];
        flat /= shape[d];
    }
    size_t at = 0;
    buf[0] = '\0';
    for (int d = 0; d < ndim && at < size; d++)
        at += (size_t)snprintf(buf + at, size - at, "%s%" PRId64 "%s", d ? "," : "[", idx[d],
                               d == ndim - 1 ? "]" : "");
    return buf;
}

static const char *tensor_index(char *buf, size_t size, const nb_tensor *t, int64_t flat)
{
    return index_str(buf, size, nb_tensor_ndim(t), nb_tensor_shape(t), flat);
}

static const char *shape_str(const nb_tensor *t, char *buf, size_t size)
{
    return nb_tensor_ndim(t) == 0 ? "scalar" : nb_tensor_shape_str(t, buf, size);
}

typedef struct grader {
    exercise ex;
    const char *label;
    const nb_custom_op *op;
    grade_state state;
    nb_tensor *in[EXERCISE_MAX_INPUTS];
    nb_tensor *out; /* a forward result, for the output's shape */
    nb_gradcheck_opts opts;
} grader;

/* Not written yet: say so once, and where. */
static int report_todo(const grader *g)
{
    printf("  the backward is not written yet: replace the TODO in %s\n", g->ex.file);
    return 1;
}

/* 1: d output / d input i, with the other inputs held constant. */
static int check_first_order(grader *g, int i)
{
    const exercise *ex = &g->ex;
    for (int k = 0; k < ex->n_inputs; k++)
        nb_tensor_set_requires_grad(g->in[k], k == i);
    nb_gradcheck_result r;
    memset(&r, 0, sizeof r);
    nb_clear_error();
    int rc = nb_gradcheck(apply_op, g->in, ex->n_inputs, (void *)g->op, &g->opts, &r);
    const char *y = ex->output, *x = ex->inputs[i].name;
    char sh[64];
    if (g->state.todo)
        return report_todo(g);
    if (rc == NB_OK) {
        printf("  d%s/d%s (%s): right, all %" PRId64 " entries agree (largest difference %.2g)\n",
               y, x, shape_str(g->in[i], sh, sizeof sh), r.checked, r.max_abs_error);
        return 0;
    }
    if (r.failed > 0 && r.input_index == i) {
        char at_out[64], at_in[64];
        tensor_index(at_out, sizeof at_out, g->out, r.output_index);
        tensor_index(at_in, sizeof at_in, g->in[i], r.element_index);
        printf("  d%s/d%s (%s): WRONG, %" PRId64 " of %" PRId64 " entries differ;"
               " worst at %s%s (d%s%s/d%s%s): yours %.6g, numeric %.6g\n",
               y, x, shape_str(g->in[i], sh, sizeof sh), r.failed, r.checked, x, at_in, y, at_out,
               x, at_in, r.analytic, r.numeric);
        return 1;
    }
    printf("  d%s/d%s: your backward failed: %s\n", y, x, nb_last_error());
    return 1;
}

/* 2: the derivative of your backward, all inputs at once.  The gradients
 * g_p = v . d output / d inputs[p] (v a random weighting of the output
 * entries) are differentiated with respect to every input. */
static int check_second_order(grader *g)
{
    const exercise *ex = &g->ex;
    for (int k = 0; k < ex->n_inputs; k++)
        nb_tensor_set_requires_grad(g->in[k], true);
    nb_gradcheck_result r;
    memset(&r, 0, sizeof r);
    nb_clear_error();
    int rc = nb_gradgradcheck(apply_op, g->in, ex->n_inputs, (void *)g->op, &g->opts, &r);
    if (g->state.todo)
        return report_todo(g);
    if (rc == NB_OK) {
        printf("  right, all %" PRId64 " entries agree (largest difference %.2g)\n", r.checked,
               r.max_abs_error);
        return 0;
    }
    if (r.failed > 0 && r.input_index >= 0) {
        /* output_index runs over the g_p one after the other, in input order */
        int p = 0;
        int64_t q = r.output_index;
        while (p < ex->n_inputs - 1 && q >= nb_tensor_numel(g->in[p]))
            q -= nb_tensor_numel(g->in[p++]);
        char at_q[64], at_s[64];
        tensor_index(at_q, sizeof at_q, g->in[p], q);
        tensor_index(at_s, sizeof at_s, g->in[r.input_index], r.element_index);
        printf("  WRONG, %" PRId64 " of %" PRId64 " entries differ; worst: d/d%s%s of"
               " (v . d%s/d%s)%s: yours %.6g, numeric %.6g\n",
               r.failed, r.checked, ex->inputs[r.input_index].name, at_s, ex->output,
               ex->inputs[p].name, at_q, r.analytic, r.numeric);
        printf("  (v weights the output entries at random.)  First order was right, so the\n"
               "  numbers are right but the engine cannot differentiate how you got them:\n"
               "  compute the backward with nabla ops from in[], out and grad_out only,\n"
               "  not from raw arrays or tensors copied out of the graph.\n");
        return 1;
    }
    printf("  your backward cannot be differentiated: %s\n", nb_last_error());
    return 1;
}

static int draw_inputs(grader *g, uint64_t seed)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    printf("  inputs drawn at random (seed %" PRIu64 "):", seed);
    for (int k = 0; k < g->ex.n_inputs; k++) {
        const exercise_input *xi = &g->ex.inputs[k];
        g->in[k] = nb_rand_uniform(&rng, NB_F64, xi->ndim, xi->shape, xi->low, xi->high);
        if (!g->in[k] || nb_tensor_set_name(g->in[k], xi->name) != NB_OK)
            return -1;
        char sh[64];
        printf("%s %s %s from [%g, %g)", k ? "," : "", xi->name,
               shape_str(g->in[k], sh, sizeof sh), xi->low, xi->high);
    }
    printf("\n");
    return 0;
}

static int grade(grader *g, uint64_t seed)
{
    const exercise *ex = &g->ex;
    printf("exercise %s%s%s%s: %s\n", ex->name, g->label ? " (" : "", g->label ? g->label : "",
           g->label ? ")" : "", ex->formula);
    if (draw_inputs(g, seed) < 0)
        return 2;
    g->out = nb_custom_op_apply(g->op, g->in, ex->n_inputs);
    if (!g->out) {
        printf("  the forward failed (it is given; was it changed?): %s\n", nb_last_error());
        return 2;
    }
    printf("first order (nb_gradcheck: your backward against central differences, "
           "atol %g + rtol %g * |numeric|)\n", g->opts.atol, g->opts.rtol);
    int wrong = 0;
    for (int i = 0; i < ex->n_inputs; i++) {
        wrong |= check_first_order(g, i);
        if (g->state.todo)
            break;
    }
    if (!wrong) {
        printf("second order (nb_gradgradcheck: the derivative of your backward)\n");
        wrong = check_second_order(g);
    }
    printf("%s: %s\n", ex->name,
           wrong ? (g->state.todo ? "not written yet" : "WRONG") : "right");
    if (wrong && !g->state.todo)
        printf("  fix the backward in %s\n", ex->file);
    return wrong ? 1 : 0;
}

int main(int argc, char **argv)
{
    uint64_t seed = 14;
    for (int a = 1; a < argc; a++) {
        char *end = NULL;
        if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc) {
            seed = strtoull(argv[++a], &end, 10);
            if (*end == '\0')
                continue;
        }
        fprintf(stderr, "usage: %s [--seed N]\n", argv[0]);
        return 2;
    }
    grader g = {.opts = {.eps = 1e-6, .atol = 1e-5, .rtol = 1e-3, .seed = seed}};
#ifdef GRADE_VARIANT
    g.ex = *EXERCISE_VARIANT.base;
    g.ex.backward = EXERCISE_VARIANT.backward;
    g.label = EXERCISE_VARIANT.label;
#else
    g.ex = EXERCISE;
#endif
    nb_arena *arena = nb_arena_new();
    nb_op_registry *reg = nb_op_registry_new();
    if (!arena || !reg) {
        fprintf(stderr, "grade: out of memory\n");
        nb_op_registry_free(reg);
        nb_arena_free(arena);
        return 2;
    }
    nb_arena_use(arena);
    g.op = nb_custom_op_define(reg, &(nb_custom_op_def){
        .name = g.ex.name, .n_inputs = g.ex.n_inputs, .forward = g.ex.forward,
        .backward = g.ex.backward, .user = &g.state});
    int status = g.op ? grade(&g, seed) : 2;
    if (!g.op)
        fprintf(stderr, "grade: %s\n", nb_last_error());
    nb_op_registry_free(reg);
    nb_arena_free(arena);
    return status;
}
