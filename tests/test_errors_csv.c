/* Misuse catalogue, CSV data as the nabla program reads it: the rows and
 * column names that a user's own file gets wrong.  Every file is made in
 * the test's own temporary folder.
 * Entries of docs/errors.md E310..E312, one test each, in the doc's order. */
#define _GNU_SOURCE

#include "test_errors.h"

static int csv(const char *text, const nb_csv_opts *opts)
{
    const char *p = e_path("data.csv");
    e_write(p, text, strlen(text));
    nb_csv_data d;
    return nb_csv_load(p, opts, &d);
}

START_TEST(e310_csv_row_too_long)
{
    E_FAIL(csv("1,2\n3,4\n5,6,7,8\n", NULL), NB_ERR_FORMAT,
           "data.csv line 3 has 4 columns, expected 2 (ragged row): columns 3 to 4 are extra");
}
END_TEST

START_TEST(e311_csv_row_short_by_two)
{
    E_FAIL(csv("a,b,c,d\n1,2,3,4\n5,6\n", NULL), NB_ERR_FORMAT,
           "data.csv line 3 has 2 columns, expected 4 (ragged row): columns 3 to 4 are missing");
}
END_TEST

START_TEST(e312_csv_target_name_many_columns)
{
    /* 40 columns named feature_1..feature_40: the list stops with "..." */
    char text[4096];
    size_t n = 0;
    for (int c = 1; c <= 40; c++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sfeature_%d", c > 1 ? "," : "", c);
    n += (size_t)snprintf(text + n, sizeof text - n, "\n");
    for (int c = 1; c <= 40; c++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%d", c > 1 ? "," : "", c);
    snprintf(text + n, sizeof text - n, "\n");
    E_FAIL(csv(text, &(nb_csv_opts){.target_names = (const char *const[]){"Feature_2"},
                                    .n_target_names = 1}),
           NB_ERR_ARG,
           "data.csv has no column named 'Feature_2' (its columns: 'feature_1', 'feature_2', ");
    E_ALSO("'feature_17', ...)");
}
END_TEST

static Suite *errors_csv_suite(void)
{
    Suite *s = suite_create("errors_csv");
    TCase *tc = e_dir_case("csv");
    tcase_add_test(tc, e310_csv_row_too_long);
    tcase_add_test(tc, e311_csv_row_short_by_two);
    tcase_add_test(tc, e312_csv_target_name_many_columns);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_csv_suite());
}
