# exercises: the student writes the backward of an op as a custom op (the
# forward is given), and `make exercises` grades it: exercises/grade.c,
# linked with one exercise file, runs gradcheck and gradgradcheck at random
# points and prints where a gradient is wrong.  The graders are built as user
# code (public headers, the shared library), like the examples.
#
# `make check` builds the students' graders (so the stubs keep compiling),
# and tests/check_exercises.sh grades the reference solutions
# (exercises/solutions/, must pass) and deliberately wrong ones
# (tests/exercises/, must fail, saying where).
EXERCISE_GRADERS = exercises/grade_softplus exercises/grade_layer_norm exercises/grade_bp_layer
EXERCISE_SOLUTION_GRADERS = exercises/solutions/grade_softplus \
	exercises/solutions/grade_layer_norm exercises/solutions/grade_bp_layer
EXERCISE_WRONG_GRADERS = tests/exercises/grade_softplus_sign tests/exercises/grade_softplus_loops \
	tests/exercises/grade_layer_norm_no_mean tests/exercises/grade_layer_norm_no_gain \
	tests/exercises/grade_bp_layer_no_tanh tests/exercises/grade_bp_layer_transposed
check_PROGRAMS += $(EXERCISE_GRADERS) $(EXERCISE_SOLUTION_GRADERS) $(EXERCISE_WRONG_GRADERS)
EXERCISE_SOURCES = exercises/grade.c exercises/exercise.h
EXERCISE_VARIANT_CPPFLAGS = $(EXAMPLE_CPPFLAGS) -DGRADE_VARIANT
EXTRA_DIST += exercises/README.md

# the students' graders
exercises_grade_softplus_SOURCES = $(EXERCISE_SOURCES) exercises/softplus.c
exercises_grade_softplus_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
exercises_grade_softplus_LDADD = $(EXAMPLE_LDADD)
exercises_grade_layer_norm_SOURCES = $(EXERCISE_SOURCES) exercises/layer_norm.c
exercises_grade_layer_norm_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
exercises_grade_layer_norm_LDADD = $(EXAMPLE_LDADD)
exercises_grade_bp_layer_SOURCES = $(EXERCISE_SOURCES) exercises/bp_layer.c
exercises_grade_bp_layer_CPPFLAGS = $(EXAMPLE_CPPFLAGS)
exercises_grade_bp_layer_LDADD = $(EXAMPLE_LDADD)

# the reference solutions (each includes its exercise file)
exercises_solutions_grade_softplus_SOURCES = $(EXERCISE_SOURCES) exercises/solutions/softplus.c
exercises_solutions_grade_softplus_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
exercises_solutions_grade_softplus_LDADD = $(EXAMPLE_LDADD)
exercises_solutions_grade_layer_norm_SOURCES = $(EXERCISE_SOURCES) exercises/solutions/layer_norm.c
exercises_solutions_grade_layer_norm_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
exercises_solutions_grade_layer_norm_LDADD = $(EXAMPLE_LDADD)
exercises_solutions_grade_bp_layer_SOURCES = $(EXERCISE_SOURCES) exercises/solutions/bp_layer.c
exercises_solutions_grade_bp_layer_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
exercises_solutions_grade_bp_layer_LDADD = $(EXAMPLE_LDADD)

# wrong solutions, for the grader's test
tests_exercises_grade_softplus_sign_SOURCES = $(EXERCISE_SOURCES) tests/exercises/softplus_sign.c
tests_exercises_grade_softplus_sign_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
tests_exercises_grade_softplus_sign_LDADD = $(EXAMPLE_LDADD)
tests_exercises_grade_softplus_loops_SOURCES = $(EXERCISE_SOURCES) tests/exercises/softplus_loops.c
tests_exercises_grade_softplus_loops_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
tests_exercises_grade_softplus_loops_LDADD = $(EXAMPLE_LDADD)
tests_exercises_grade_layer_norm_no_mean_SOURCES = $(EXERCISE_SOURCES) \
	tests/exercises/layer_norm_no_mean.c
tests_exercises_grade_layer_norm_no_mean_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
tests_exercises_grade_layer_norm_no_mean_LDADD = $(EXAMPLE_LDADD)
tests_exercises_grade_layer_norm_no_gain_SOURCES = $(EXERCISE_SOURCES) \
	tests/exercises/layer_norm_no_gain.c
tests_exercises_grade_layer_norm_no_gain_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
tests_exercises_grade_layer_norm_no_gain_LDADD = $(EXAMPLE_LDADD)
tests_exercises_grade_bp_layer_no_tanh_SOURCES = $(EXERCISE_SOURCES) tests/exercises/bp_layer_no_tanh.c
tests_exercises_grade_bp_layer_no_tanh_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
tests_exercises_grade_bp_layer_no_tanh_LDADD = $(EXAMPLE_LDADD)
tests_exercises_grade_bp_layer_transposed_SOURCES = $(EXERCISE_SOURCES) \
	tests/exercises/bp_layer_transposed.c
tests_exercises_grade_bp_layer_transposed_CPPFLAGS = $(EXERCISE_VARIANT_CPPFLAGS)
tests_exercises_grade_bp_layer_transposed_LDADD = $(EXAMPLE_LDADD)

TESTS += tests/check_exercises.sh
EXTRA_DIST += tests/check_exercises.sh

# `make exercises` grades the students' files; `make exercise-solutions`
# grades the reference solutions.  Either fails unless every one is right.
.PHONY: exercises exercise-solutions
exercises: $(EXERCISE_GRADERS)
	@$(SHELL) -c 'right=0; n=0; for p in "$$@"; do n=$$((n + 1)); ./$$p && right=$$((right + 1)); echo; done; \
	  echo "exercises: $$right of $$n right"; test $$right = $$n' sh $(EXERCISE_GRADERS)
exercise-solutions: $(EXERCISE_SOLUTION_GRADERS)
	@$(SHELL) -c 'right=0; n=0; for p in "$$@"; do n=$$((n + 1)); ./$$p && right=$$((right + 1)); echo; done; \
	  echo "reference solutions: $$right of $$n right"; test $$right = $$n' sh $(EXERCISE_SOLUTION_GRADERS)
