/* CSV loader: values and shapes on good files, and one clear error per kind
 * of bad input. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>

#include "test_util.h"

#ifndef NB_IO_TEST_DIR
#define NB_IO_TEST_DIR "tests/data"
#endif

static char path_buf[4096];

static const char *fixture(const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", NB_IO_TEST_DIR, name);
    return path_buf;
}

static const char *iris_path(void)
{
    static char buf[4096];
    const char *dir = getenv("NB_TEST_DATA_DIR");
    snprintf(buf, sizeof buf, "%s/iris.csv", dir ? dir : NB_IO_TEST_DIR "/../../data");
    return buf;
}

START_TEST(test_iris_class_labels_by_name)
{
    nb_csv_data d;
    int rc = nb_csv_load(iris_path(),
                         &(nb_csv_opts){.target_names = (const char *[]){"species"},
                                        .n_target_names = 1, .class_labels = true, .dtype = NB_F64},
                         &d);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(d.rows, 150);
    ck_assert_int_eq(nb_tensor_ndim(d.x), 2);
    ck_assert_int_eq(nb_tensor_dim(d.x, 0), 150);
    ck_assert_int_eq(nb_tensor_dim(d.x, 1), 4);
    ck_assert_int_eq(nb_tensor_ndim(d.y), 1);
    ck_assert_int_eq(nb_tensor_dim(d.y, 0), 150);
    ck_assert_int_eq(nb_tensor_dtype(d.x), NB_F64);
    ck_assert_int_eq(d.n_classes, 3);
    ck_assert_str_eq(d.class_names[0], "setosa");
    ck_assert_str_eq(d.class_names[1], "versicolor");
    ck_assert_str_eq(d.class_names[2], "virginica");
    ck_assert_int_eq(d.n_columns, 5);
    ck_assert_str_eq(d.column_names[0], "sepal_length");
    ck_assert_str_eq(d.column_names[4], "species");
    /* Rows 1, 51 and 150 of the file, read off data/iris.csv. */
    const double *x = nb_tensor_data_f64(d.x);
    double r0[] = {5.1, 3.5, 1.4, 0.2}, r50[] = {7.0, 3.2, 4.7, 1.4}, r149[] = {5.9, 3.0, 5.1, 1.8};
    for (int j = 0; j < 4; j++) {
        ck_assert_double_eq_tol(x[0 * 4 + j], r0[j], 1e-12);
        ck_assert_double_eq_tol(x[50 * 4 + j], r50[j], 1e-12);
        ck_assert_double_eq_tol(x[149 * 4 + j], r149[j], 1e-12);
    }
    ck_assert_double_eq(nb_tensor_get(d.y, 0), 0);
    ck_assert_double_eq(nb_tensor_get(d.y, 50), 1);
    ck_assert_double_eq(nb_tensor_get(d.y, 149), 2);
    int counts[3] = {0};
    double sum = 0;
    for (int i = 0; i < 150; i++) {
        counts[(int)nb_tensor_get(d.y, i)]++;
        sum += x[i * 4];
    }
    ck_assert_int_eq(counts[0], 50);
    ck_assert_int_eq(counts[1], 50);
    ck_assert_int_eq(counts[2], 50);
    ck_assert_double_eq_tol(sum, 876.5, 1e-9); /* sum of sepal lengths */
}
END_TEST

START_TEST(test_delimiter_targets_by_index_crlf_quotes)
{
    nb_csv_data d;
    int rc = nb_csv_load(fixture("csv_semicolon.csv"),
                         &(nb_csv_opts){.delimiter = ';', .target_cols = (const int[]){-1},
                                        .n_target_cols = 1},
                         &d);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dtype(d.x), NB_F32);
    ck_assert_int_eq(d.rows, 2); /* the blank line is skipped */
    ck_assert_int_eq(nb_tensor_dim(d.x, 1), 2);
    ck_assert_int_eq(nb_tensor_dim(d.y, 1), 1);
    ck_assert_tensor_near(d.x, ((double[]){1.5, -2, 3, 40}), 4, 0);
    ck_assert_tensor_near(d.y, ((double[]){10, 20}), 2, 0);
    ck_assert_str_eq(d.column_names[2], "t");
    ck_assert_ptr_null(d.class_names);
}
END_TEST

START_TEST(test_no_header_no_targets_and_target_order)
{
    nb_csv_data d;
    /* All columns to X. */
    ck_assert_int_eq(nb_csv_load(fixture("csv_intclasses.csv"), NULL, &d), NB_OK);
    ck_assert_ptr_null(d.y);
    ck_assert_ptr_null(d.column_names);
    ck_assert_int_eq(nb_tensor_dim(d.x, 0), 4);
    ck_assert_int_eq(nb_tensor_dim(d.x, 1), 3);
    ck_assert_tensor_near(d.x, ((double[]){0.5, 2, 3, 1.5, 1, 1, 2.5, 3, 2, 3.5, 1, 1}), 12, 0);
    /* Two targets, asked for in reverse column order. */
    ck_assert_int_eq(nb_csv_load(fixture("csv_intclasses.csv"),
                                 &(nb_csv_opts){.target_cols = (const int[]){2, 1},
                                                .n_target_cols = 2, .dtype = NB_F64},
                                 &d),
                     NB_OK);
    ck_assert_int_eq(nb_tensor_dim(d.x, 1), 1);
    ck_assert_tensor_near(d.x, ((double[]){0.5, 1.5, 2.5, 3.5}), 4, 0);
    ck_assert_tensor_near(d.y, ((double[]){3, 2, 1, 1, 2, 3, 1, 1}), 8, 0);
}
END_TEST

START_TEST(test_integer_classes_sorted_by_value)
{
    nb_csv_data d;
    int rc = nb_csv_load(fixture("csv_intclasses.csv"),
                         &(nb_csv_opts){.target_cols = (const int[]){2}, .n_target_cols = 1,
                                        .class_labels = true},
                         &d);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    /* Labels 3,1,2,1 -> classes "1","2","3" -> indices 2,0,1,0. */
    ck_assert_int_eq(d.n_classes, 3);
    ck_assert_str_eq(d.class_names[0], "1");
    ck_assert_str_eq(d.class_names[2], "3");
    ck_assert_tensor_near(d.y, ((double[]){2, 0, 1, 0}), 4, 0);
    ck_assert_tensor_near(d.x, ((double[]){0.5, 2, 1.5, 1, 2.5, 3, 3.5, 1}), 8, 0);
}
END_TEST

START_TEST(test_missing_file)
{
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(fixture("no_such_file.csv"), NULL, &d), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "cannot open");
    ck_assert_error(NB_ERR_IO, "no_such_file.csv");
    ck_assert_ptr_null(d.x);
}
END_TEST

START_TEST(test_empty_and_header_only)
{
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(fixture("csv_empty.csv"), NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "csv_empty.csv is empty");
    ck_assert_int_eq(nb_csv_load(fixture("csv_header_only.csv"), NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "header but no data rows");
}
END_TEST

START_TEST(test_ragged_row)
{
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(fixture("csv_ragged.csv"), NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "csv_ragged.csv line 3 has 2 columns, expected 3");
    ck_assert_ptr_null(d.x);
}
END_TEST

START_TEST(test_non_numeric_and_empty_cell)
{
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(fixture("csv_nonnumeric.csv"), NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "line 3, column 2: 'x5' is not a number");
    ck_assert_int_eq(nb_csv_load(fixture("csv_emptycell.csv"), NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "line 2, column 2: empty cell");
}
END_TEST

START_TEST(test_nan_rejected_unless_allowed)
{
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(fixture("csv_nan.csv"), NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "line 2, column 2: 'nan' is not finite");
    nb_clear_error();
    ck_assert_int_eq(nb_csv_load(fixture("csv_nan.csv"), &(nb_csv_opts){.allow_nonfinite = true}, &d),
                     NB_OK);
    ck_assert(isnan(nb_tensor_get(d.x, 3)));
    ck_assert_double_eq(nb_tensor_get(d.x, 2), 3);
}
END_TEST

START_TEST(test_overlong_line)
{
    char dir[] = "/tmp/nb_csv_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/long.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("1,2\n", f);
    for (int i = 0; i < 100; i++)
        fputs("1,", f);
    fputs("1\n", f);
    fclose(f);
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(path, &(nb_csv_opts){.max_line = 64}, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "line 2 is longer than 64 bytes");
    /* With room for the line it is an ordinary ragged row. */
    ck_assert_int_eq(nb_csv_load(path, NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "line 2 has 101 columns, expected 2");
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_bad_options)
{
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(iris_path(),
                                 &(nb_csv_opts){.target_names = (const char *[]){"colour"},
                                                .n_target_names = 1},
                                 &d),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "no column named 'colour'");
    ck_assert_int_eq(nb_csv_load(fixture("csv_intclasses.csv"),
                                 &(nb_csv_opts){.target_cols = (const int[]){3}, .n_target_cols = 1},
                                 &d),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "target column 3 is out of range (3 columns)");
    ck_assert_int_eq(nb_csv_load(fixture("csv_intclasses.csv"),
                                 &(nb_csv_opts){.class_labels = true}, &d),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "exactly one target column");
    ck_assert_int_eq(nb_csv_load(NULL, NULL, &d), NB_ERR_NULL);
    /* Class strings in a column treated as numeric are reported, not read as 0. */
    ck_assert_int_eq(nb_csv_load(iris_path(), &(nb_csv_opts){.header = NB_CSV_HEADER_YES}, &d),
                     NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "line 2, column 5: 'setosa' is not a number");
}
END_TEST

START_TEST(test_no_arena)
{
    nb_arena *prev = nb_arena_use(NULL);
    nb_csv_data d;
    ck_assert_int_eq(nb_csv_load(iris_path(), NULL, &d), NB_ERR_STATE);
    ck_assert_error(NB_ERR_STATE, "no current arena");
    nb_arena_use(prev);
}
END_TEST

/* Small files written for one test into a temp dir of its own. */
static char csv_dir[64];
static char csv_file[128];

static const char *write_csv(const char *name, const char *text)
{
    if (!csv_dir[0]) {
        snprintf(csv_dir, sizeof csv_dir, "/tmp/nb_csv_XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(csv_dir));
    }
    snprintf(csv_file, sizeof csv_file, "%s/%s", csv_dir, name);
    FILE *f = fopen(csv_file, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    return csv_file;
}

static void remove_csvs(const char *const *names, int n)
{
    char p[192];
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/%s", csv_dir, names[i]);
        unlink(p);
    }
    ck_assert_int_eq(rmdir(csv_dir), 0);
    csv_dir[0] = '\0';
}

/* Line 1 is a header only when one of its cells is non-empty and not a
 * number.  An empty cell there is an empty cell of a data row, reported as
 * on any other line; it used to make line 1 a header, silently dropping a
 * row of data. */
START_TEST(test_header_rule_empty_cell_in_first_row)
{
    nb_csv_data d;
    char msg[256];
    const char *p = write_csv("e3.csv", "1,2,\n3,4,5\n");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_ERR_FORMAT);
    snprintf(msg, sizeof msg, "nb_csv_load: %s line 1, column 3: empty cell", p);
    ck_assert_error(NB_ERR_FORMAT, msg);
    ck_assert_ptr_null(d.x);
    p = write_csv("e2.csv", "\n  \n1,\"\",3\n3,4,5\n"); /* blank lines first: line 3 */
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "e2.csv line 3, column 2: empty cell");
    p = write_csv("all.csv", ",,\n1,2,3\n");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "all.csv line 1, column 1: empty cell");
    /* the same with a target column: the row is data either way */
    p = write_csv("t.csv", "1,,0\n3,4,1\n");
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.target_cols = (const int[]){-1},
                                                   .n_target_cols = 1},
                                 &d),
                     NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "t.csv line 1, column 2: empty cell");
    /* an empty header name beside real ones is still a header */
    p = write_csv("h.csv", "a,,c\n1,2,3\n");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_OK);
    ck_assert_int_eq(d.rows, 1);
    ck_assert_str_eq(d.column_names[0], "a");
    ck_assert_str_eq(d.column_names[1], "");
    ck_assert_tensor_near(d.x, ((double[]){1, 2, 3}), 3, 0);
    /* header NO: an empty cell on line 1 is the same error */
    p = write_csv("e3.csv", "1,2,\n3,4,5\n");
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.header = NB_CSV_HEADER_NO}, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "e3.csv line 1, column 3: empty cell");
    /* header YES: line 1 is names, empty ones included */
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.header = NB_CSV_HEADER_YES}, &d), NB_OK);
    ck_assert_int_eq(d.rows, 1);
    ck_assert_str_eq(d.column_names[2], "");
    remove_csvs((const char *const[]){"e3.csv", "e2.csv", "all.csv", "t.csv", "h.csv"}, 5);
}
END_TEST

/* The other corners of the rule: a header of numbers only is data unless
 * header YES says otherwise; a file of a header alone has no data; a class
 * column given by index is not looked at (its cells are text in data too),
 * but a first row whose label alone is text while every other label is an
 * integer is asked about rather than taken as one more class. */
START_TEST(test_header_rule_corners)
{
    nb_csv_data d;
    const char *p = write_csv("num.csv", "1,2,3\n4,5,6\n");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_OK);
    ck_assert_int_eq(d.rows, 2);
    ck_assert_ptr_null(d.column_names);
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.header = NB_CSV_HEADER_YES}, &d), NB_OK);
    ck_assert_int_eq(d.rows, 1);
    ck_assert_str_eq(d.column_names[0], "1");
    ck_assert_tensor_near(d.x, ((double[]){4, 5, 6}), 3, 0);
    /* only a header: in every mode that takes line 1 as one */
    p = write_csv("only.csv", "a,b\n\n");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "only.csv has a header but no data rows");
    p = write_csv("onenum.csv", "1,2\n");
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.header = NB_CSV_HEADER_YES}, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "onenum.csv has a header but no data rows");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_OK); /* AUTO: one row of data */
    ck_assert_int_eq(d.rows, 1);
    p = write_csv("only.csv", "a,b\n");
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.header = NB_CSV_HEADER_NO}, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "only.csv line 1, column 1: 'a' is not a number");

    /* class names in a column given by index: line 1 is data */
    const nb_csv_opts by_index = {.target_cols = (const int[]){-1}, .n_target_cols = 1,
                                  .class_labels = true};
    p = write_csv("names.csv", "5.1,3.5,setosa\n4.9,3,versicolor\n");
    ck_assert_int_eq(nb_csv_load(p, &by_index, &d), NB_OK);
    ck_assert_int_eq(d.rows, 2);
    ck_assert_int_eq(d.n_classes, 2);
    /* a header is still found by its other cells */
    p = write_csv("hdr.csv", "x1,x2,class\n5.1,3.5,2\n4.9,3,1\n");
    ck_assert_int_eq(nb_csv_load(p, &by_index, &d), NB_OK);
    ck_assert_int_eq(d.rows, 2);
    ck_assert_str_eq(d.column_names[2], "class");
    ck_assert_tensor_near(d.y, ((double[]){1, 0}), 2, 0);
    /* numbers for feature names, text for the label's, integer labels below */
    p = write_csv("amb.csv", "1.5,2,class\n0.5,1,3\n2.5,2,1\n");
    char msg[256];
    snprintf(msg, sizeof msg, "nb_csv_load: %s line 1: its class label 'class' is text but every "
             "other label is an integer; is line 1 a header?", p);
    ck_assert_int_eq(nb_csv_load(p, &by_index, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, msg);
    ck_assert_error(NB_ERR_FORMAT, "set opts.header to NB_CSV_HEADER_YES or NB_CSV_HEADER_NO");
    nb_csv_opts o = by_index;
    o.header = NB_CSV_HEADER_YES;
    ck_assert_int_eq(nb_csv_load(p, &o, &d), NB_OK);
    ck_assert_int_eq(d.rows, 2);
    ck_assert_int_eq(d.n_classes, 2);
    o.header = NB_CSV_HEADER_NO;
    ck_assert_int_eq(nb_csv_load(p, &o, &d), NB_OK);
    ck_assert_int_eq(d.rows, 3);
    ck_assert_int_eq(d.n_classes, 3);
    ck_assert_str_eq(d.class_names[2], "class");
    /* a text label that recurs is a class, not a header */
    p = write_csv("rec.csv", "1.5,2,other\n0.5,1,3\n2.5,2,other\n");
    ck_assert_int_eq(nb_csv_load(p, &by_index, &d), NB_OK);
    ck_assert_int_eq(d.rows, 3);
    remove_csvs((const char *const[]){"num.csv", "only.csv", "onenum.csv", "names.csv", "hdr.csv",
                                      "amb.csv", "rec.csv"},
                7);
}
END_TEST

/* A number past float's range would be stored as inf in an f32 tensor: it
 * is refused like a written-out inf, and loads in f64 or when allowed. */
START_TEST(test_f32_overflow_is_not_finite)
{
    nb_csv_data d;
    const char *p = write_csv("big.csv", "1,2\n1e39,3\n");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "big.csv line 2, column 1: '1e39' is too large for f32");
    ck_assert_ptr_null(d.x);
    nb_clear_error();
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.dtype = NB_F64}, &d), NB_OK);
    ck_assert_double_eq(nb_tensor_get(d.x, 2), 1e39);
    ck_assert_int_eq(nb_csv_load(p, &(nb_csv_opts){.allow_nonfinite = true}, &d), NB_OK);
    ck_assert(isinf(nb_tensor_get(d.x, 2)));
    remove_csvs((const char *const[]){"big.csv"}, 1);
}
END_TEST

/* A NUL byte is not text: fgets stopped the line there and the rest of a
 * last line without a newline vanished ("3,4\0junk" loaded as 3,4). */
START_TEST(test_nul_byte_is_an_error)
{
    nb_csv_data d;
    const char *p = write_csv("nul.csv", "");
    static const char text[] = "1,2\n3,4\0junk"; /* last line, no newline */
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "nul.csv line 2, byte 4 is a NUL byte");
    ck_assert_ptr_null(d.x);
    /* the same file without the NUL and its tail loads as two rows */
    p = write_csv("nul.csv", "1,2\n3,4");
    ck_assert_int_eq(nb_csv_load(p, NULL, &d), NB_OK);
    ck_assert_int_eq(nb_tensor_shape(d.x)[0], 2);
    ck_assert_double_eq(nb_tensor_get(d.x, 3), 4);
    remove_csvs((const char *const[]){"nul.csv"}, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io_csv");
    TCase *tc = nb_test_case("csv");
    tcase_add_test(tc, test_iris_class_labels_by_name);
    tcase_add_test(tc, test_delimiter_targets_by_index_crlf_quotes);
    tcase_add_test(tc, test_no_header_no_targets_and_target_order);
    tcase_add_test(tc, test_integer_classes_sorted_by_value);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_empty_and_header_only);
    tcase_add_test(tc, test_ragged_row);
    tcase_add_test(tc, test_non_numeric_and_empty_cell);
    tcase_add_test(tc, test_nan_rejected_unless_allowed);
    tcase_add_test(tc, test_overlong_line);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_no_arena);
    tcase_add_test(tc, test_header_rule_empty_cell_in_first_row);
    tcase_add_test(tc, test_header_rule_corners);
    tcase_add_test(tc, test_f32_overflow_is_not_finite);
    tcase_add_test(tc, test_nul_byte_is_an_error);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
