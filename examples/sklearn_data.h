/* sklearn_data.h — read one of the small CSV data sets that scikit-learn
 * ships (breast_cancer.csv, wine_data.csv), for the examples. */
#ifndef EXAMPLES_SKLEARN_DATA_H
#define EXAMPLES_SKLEARN_DATA_H

#include <nabla.h>

/* Find `file` in scikit-learn's data folder: $NB_SKLEARN_DATA, then the
 * folder python3 reports for sklearn.datasets, then Debian's
 * python3-sklearn path.  Reads its first line "N,F,class names..." and N
 * rows of F features and an integer class; *x becomes N x F (f64), *t N x
 * C one-hot (C = the number of class names), in the current arena.
 * Returns 0, 77 (the file is nowhere: a skip for make check, with a line
 * saying what to install) or 1 (a message on stderr). */
int sklearn_load(const char *prog, const char *file, nb_tensor **x, nb_tensor **t);

/* The test rows of a trained net: its outputs and targets there, and the
 * confusion matrix (rows: targets); returns the test accuracy, -1 on error. */
double sklearn_test_accuracy(const char *prog, nb_net *net, nb_tensor *x, nb_tensor *t);

#endif
