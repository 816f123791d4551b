/* nabla: tests of the training plots — each CSV read back value by value,
 * the picture (SVG) when PLplot is built in, no temporary left behind, and
 * a folder that does not exist reported without a file. */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

static char dir[128], path[256];

static void plot_setup(void)
{
    snprintf(dir, sizeof dir, "%s/nb_plot_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Remove the folder's files and count them (no temporaries must remain). */
static int plot_teardown_count(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    char p[400];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        ck_assert_msg(strstr(e->d_name, ".tmp") == NULL, "temporary %s left", e->d_name);
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
        n++;
    }
    if (d)
        closedir(d);
    rmdir(dir);
    return n;
}

static void plot_teardown(void)
{
    plot_teardown_count();
}

static char *slurp(const char *name)
{
    static char buf[65536];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static const char *base(const char *name)
{
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

START_TEST(test_perform)
{
    const double perf[3] = {1, 0.5, 0.25}, vperf[3] = {2, 0.75, 0.875};
    ck_assert_int_eq(nb_plot_perform(base("perf"), perf, vperf, NULL, 2, 1, NULL), NB_OK);
    ck_assert_str_eq(slurp("perf.csv"), "epoch,train,validation,test\n0,1,2,\n1,0.5,0.75,\n"
                                        "2,0.25,0.875,\n");
    if (nb_plot_can_draw()) {
        const char *svg = slurp("perf.svg");
        ck_assert_msg(strstr(svg, "<svg") != NULL, "not an SVG: %.80s", svg);
    }
    /* PNG needs PLplot's cairo driver: drawn, or refused after the CSV; the
     * program goes on either way (PLplot would prompt and exit on an
     * unknown driver) */
    int rc = nb_plot_perform(base("png"), perf, NULL, NULL, 2, 1,
                             &(nb_plot_opts){.format = NB_PLOT_PNG});
    if (nb_plot_can_draw() && rc != NB_OK) {
        ck_assert_int_eq(rc, NB_ERR_STATE);
        ck_assert_error(NB_ERR_STATE, "nb_plot_perform: this PLplot has no 'pngcairo' driver");
    } else if (!nb_plot_can_draw()) {
        ck_assert_int_eq(rc, NB_OK);
    }
    /* two CSVs, the SVG and the PNG when drawn */
    int files = 2 + nb_plot_can_draw() + (nb_plot_can_draw() && rc == NB_OK);
    ck_assert_str_eq(slurp("png.csv"), "epoch,train,validation,test\n0,1,,\n1,0.5,,\n"
                                       "2,0.25,,\n");
    ck_assert_int_eq(nb_plot_perform(base("p2"), perf, NULL, NULL, 2, 3, NULL), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "nb_plot_perform: epochs is 2 and best_epoch 3");
    ck_assert_int_eq(plot_teardown_count(), files);
    plot_setup();
}
END_TEST

START_TEST(test_regression)
{
    nb_tensor *y = nb_from_f64((const double[]){1, 2.5, 3}, NB_SHAPE(3, 1));
    nb_tensor *t = nb_from_f64((const double[]){1, 2, 3}, NB_SHAPE(3, 1));
    ck_assert_int_eq(nb_plot_regression(base("reg"), y, t, NULL), NB_OK);
    ck_assert_str_eq(slurp("reg.csv"), "target,output\n1,1\n2,2.5\n3,3\n");
    if (nb_plot_can_draw())
        ck_assert(strstr(slurp("reg.svg"), "<svg") != NULL);
    ck_assert_int_eq(nb_plot_regression(base("r2"), y, nb_from_f64((const double[]){1, 2},
                                                                   NB_SHAPE(2, 1)), NULL),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "nb_plot_regression: y is 3x1 and t is 2x1");
}
END_TEST

START_TEST(test_confusion_csv_only)
{
    const int64_t cm[4] = {5, 1, 2, 7};
    ck_assert_int_eq(nb_plot_confusion(base("cm"), cm, 2, &(nb_plot_opts){
                                                              .format = NB_PLOT_CSV_ONLY}),
                     NB_OK);
    ck_assert_str_eq(slurp("cm.csv"), "target\\output,0,1\n0,5,1\n1,2,7\n");
    ck_assert_int_eq(plot_teardown_count(), 1); /* no picture when asked for CSV only */
    plot_setup();
    ck_assert_int_eq(nb_plot_confusion(base("cm"), cm, 2, NULL), NB_OK);
    if (nb_plot_can_draw())
        ck_assert(strstr(slurp("cm.svg"), "<svg") != NULL);
}
END_TEST

START_TEST(test_missing_folder)
{
    const double perf[1] = {1};
    ck_assert_int_eq(nb_plot_perform(base("no/such/perf"), perf, NULL, NULL, 0, 0, NULL),
                     NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_plot_perform: cannot create a file beside");
    ck_assert_int_eq(plot_teardown_count(), 0);
    plot_setup();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = nb_test_case("plots");
    tcase_add_checked_fixture(tc, plot_setup, plot_teardown);
    tcase_add_test(tc, test_perform);
    tcase_add_test(tc, test_regression);
    tcase_add_test(tc, test_confusion_csv_only);
    tcase_add_test(tc, test_missing_folder);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
