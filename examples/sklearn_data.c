/* sklearn_data.c — the CSV reader and the test-set report of the examples
 * on scikit-learn's data sets (see sklearn_data.h). */
#define _POSIX_C_SOURCE 200809L
#include "sklearn_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEBIAN_DIR "/usr/lib/python3/dist-packages/sklearn/datasets/data"

/* The folder python3 reports for sklearn.datasets, + "/data", or "". */
static void python_dir(char *dir, size_t size)
{
    dir[0] = 0;
    FILE *p = popen("python3 -c 'import os, sklearn.datasets as d; "
                    "print(os.path.dirname(d.__file__))' 2>/dev/null", "r");
    if (!p)
        return;
    char line[900] = "";
    if (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0])
            snprintf(dir, size, "%s/data", line);
    }
    pclose(p);
}

static FILE *open_data(const char *file, char *path, size_t size)
{
    char dirs[3][1024] = {"", "", DEBIAN_DIR};
    const char *env = getenv("NB_SKLEARN_DATA");
    if (env && *env)
        snprintf(dirs[0], sizeof dirs[0], "%s", env);
    python_dir(dirs[1], sizeof dirs[1]);
    for (int i = 0; i < 3; i++) {
        if (!dirs[i][0])
            continue;
        int w = snprintf(path, size, "%s/%s", dirs[i], file);
        if (w < 0 || (size_t)w >= size)
            continue; /* too long for the caller's buffer: not a path to try */
        FILE *f = fopen(path, "r");
        if (f)
            return f;
    }
    return NULL;
}

int sklearn_load(const char *prog, const char *file, nb_tensor **x, nb_tensor **t)
{
    char path[1200];
    FILE *f = open_data(file, path, sizeof path);
    if (!f) {
        fprintf(stderr, "%s: %s not found: install python3-sklearn (Debian) or set "
                "NB_SKLEARN_DATA to the folder holding it; skipping\n", prog, file);
        return 77;
    }
    char line[4096];
    int N = 0, F = 0, C = 0;
    if (!fgets(line, sizeof line, f) || sscanf(line, "%d,%d", &N, &F) != 2 || N < 1 || F < 1) {
        fprintf(stderr, "%s: %s: the first line is not \"N,F,names...\"\n", prog, path);
        fclose(f);
        return 1;
    }
    for (char *p = line; (p = strchr(p, ',')); p++)
        C++;
    C -= 1; /* the names follow N and F */
    double *xv = malloc(sizeof(double) * (size_t)N * (size_t)F);
    double *tv = calloc((size_t)N * (size_t)(C > 0 ? C : 1), sizeof(double));
    int n = 0, ok = xv && tv && C >= 2;
    while (ok && n < N && fgets(line, sizeof line, f)) {
        char *p = line, *end;
        for (int k = 0; k <= F && ok; k++) {
            double v = strtod(p, &end);
            ok = end != p;
            if (k < F)
                xv[(size_t)n * F + k] = v;
            else if ((ok = v >= 0 && v < C && v == (int)v))
                tv[(size_t)n * C + (int)v] = 1;
            p = *end == ',' ? end + 1 : end;
        }
        n += ok;
    }
    fclose(f);
    if (!ok || n != N) {
        fprintf(stderr, "%s: %s: row %d is not %d numbers and a class in [0, %d)\n", prog, path,
                n + 1, F, C);
        free(xv);
        free(tv);
        return 1;
    }
    *x = nb_from_f64(xv, NB_SHAPE(N, F));
    *t = nb_from_f64(tv, NB_SHAPE(N, C));
    free(xv);
    free(tv);
    printf("%s: %s: %d samples, %d features, %d classes\n", prog, path, N, F, C);
    return *x && *t ? 0 : 1;
}

double sklearn_test_accuracy(const char *prog, nb_net *net, nb_tensor *x, nb_tensor *t)
{
    const int64_t *rows;
    int64_t n = nb_net_division(net, 2, &rows);
    nb_tensor *y = nb_net_predict(net, x);
    if (n < 1 || !y) {
        fprintf(stderr, "%s: %s\n", prog, n < 1 ? "no test set" : nb_last_error());
        return -1;
    }
    int C = (int)nb_tensor_shape(t)[1];
    double *yv = malloc(sizeof(double) * (size_t)(n * C)), *tv = malloc(sizeof(double) *
                                                                        (size_t)(n * C));
    if (!yv || !tv) {
        free(yv);
        free(tv);
        return -1;
    }
    for (int64_t i = 0; i < n; i++)
        for (int c = 0; c < C; c++) {
            yv[i * C + c] = nb_tensor_get(y, rows[i] * C + c);
            tv[i * C + c] = nb_tensor_get(t, rows[i] * C + c);
        }
    nb_tensor *yt = nb_from_f64(yv, NB_SHAPE(n, C)), *tt = nb_from_f64(tv, NB_SHAPE(n, C));
    free(yv);
    free(tv);
    int64_t cm[16 * 16];
    double acc;
    if (C > 16 || nb_confusion_matrix(yt, tt, C, cm, &acc) < 0) {
        fprintf(stderr, "%s: %s\n", prog, nb_last_error());
        return -1;
    }
    printf("%s: test confusion matrix (rows: target class, columns: output class)\n", prog);
    for (int i = 0; i < C; i++) {
        printf("   ");
        for (int j = 0; j < C; j++)
            printf(" %4lld", (long long)cm[i * C + j]);
        printf("\n");
    }
    printf("%s: test accuracy %.4f on %lld samples\n", prog, acc, (long long)n);
    return acc;
}
