/* exercise.h — what an exercise file gives the grader (exercises/grade.c).
 *
 * An exercise is one op written as a custom op (nabla/custom_op.h): its
 * forward is given, its backward is yours to write.  The file defines the
 * two functions and one `const exercise EXERCISE` describing the op and the
 * inputs the grader draws at random.  `make exercises` builds one grader per
 * exercise file and runs it: gradcheck (first order) input by input, then
 * gradgradcheck (second order, which differentiates your backward).
 */
#ifndef NABLA_EXERCISE_H
#define NABLA_EXERCISE_H

#include <nabla.h>

/* One input of the op: its name in the formulas, its shape, and the range
 * its random values are drawn from (uniformly, in f64).  Pick ranges away
 * from special values (a gain near 1, a bias near 0) so that a forgotten
 * factor cannot pass by luck. */
typedef struct exercise_input {
    const char *name;  /* "x", "W", "b" */
    int ndim;          /* 1 or 2 */
    int64_t shape[2];
    double low, high;  /* values from [low, high) */
} exercise_input;

#define EXERCISE_MAX_INPUTS 4

typedef struct exercise {
    const char *name;     /* the op's name, e.g. "softplus" */
    const char *formula;  /* the forward in one line, printed by the grader */
    const char *output;   /* the output's name in the formulas, e.g. "y" */
    const char *file;     /* the file the backward is written in, for the messages */
    int n_inputs;
    exercise_input inputs[EXERCISE_MAX_INPUTS];
    nb_custom_forward_fn forward;   /* given */
    nb_custom_backward_fn backward; /* yours */
} exercise;

/* Defined by each exercise file. */
extern const exercise EXERCISE;

/* A backward not written yet returns exercise_todo(user): the grader then
 * says so instead of grading.  `user` is the backward's last argument. */
int exercise_todo(void *user);

/* Reference solutions (exercises/solutions/) and the wrong solutions of the
 * tests include an exercise file, renaming its EXERCISE, and give the grader
 * another backward for it; their graders are built with -DGRADE_VARIANT. */
typedef struct exercise_variant {
    const exercise *base;           /* the exercise file's description */
    nb_custom_backward_fn backward; /* replaces base->backward */
    const char *label;              /* e.g. "reference solution" */
} exercise_variant;

extern const exercise_variant EXERCISE_VARIANT;

#endif
