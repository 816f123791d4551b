/* Misuse catalogue, files: tensor files, CSV, IDX.  Every file is made in
 * the test's own temporary folder.
 * Entries of docs/errors.md E81..E108 and E158..E159, one test each, in the
 * doc's order. */
#define _GNU_SOURCE
#include <zlib.h>

#include "test_errors.h"

static nb_tensor *named(const char *name)
{
    nb_tensor *t = nb_from_f64((const double[]){1, 2, 3, 4, 5, 6}, NB_SHAPE(2, 3));
    nb_tensor_set_name(t, name);
    return t;
}

/* A good tensor file holding one tensor "w" (2x3 f64); returns its size. */
static long good_file(const char *path)
{
    nb_tensor *w = named("w");
    ck_assert_int_eq(nb_tensors_save(path, NULL, &w, 1), NB_OK);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (long)st.st_size;
}

static void read_bytes(const char *path, unsigned char *buf, long n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq((long)fread(buf, 1, (size_t)n, f), n);
    fclose(f);
}

/* ---- tensor and model files ---- */

START_TEST(e81_load_missing_file)
{
    nb_tensor_list list;
    E_FAIL(nb_tensors_load(e_path("missing.nbt"), &list), NB_ERR_IO,
           "nb_tensors_load: cannot open ");
    E_ALSO("missing.nbt: No such file or directory");
}
END_TEST

START_TEST(e82_load_truncated)
{
    char p[320];
    snprintf(p, sizeof p, "%s", e_path("w.nbt"));
    long n = good_file(p);
    unsigned char buf[512];
    ck_assert_int_lt(n, (long)sizeof buf);
    read_bytes(p, buf, n);
    e_write(p, buf, (size_t)(n - 10));
    nb_tensor_list list;
    E_FAIL(nb_tensors_load(p, &list), NB_ERR_FORMAT,
           "w.nbt is truncated (header announces 73 payload bytes, file holds 63)");
}
END_TEST

START_TEST(e83_load_wrong_magic)
{
    const char *p = e_path("w.csv");
    e_write(p, "a,b\n1,2\n", 8);
    nb_tensor_list list;
    E_FAIL(nb_tensors_load(p, &list), NB_ERR_FORMAT,
           "w.csv is not a nabla tensor file (wrong magic bytes)");
}
END_TEST

START_TEST(e84_load_corrupted)
{
    char p[320];
    snprintf(p, sizeof p, "%s", e_path("w.nbt"));
    long n = good_file(p);
    unsigned char buf[512];
    read_bytes(p, buf, n);
    buf[n - 8] ^= 0x40; /* a bit of the last element */
    e_write(p, buf, (size_t)n);
    nb_tensor_list list;
    E_FAIL(nb_tensors_load(p, &list), NB_ERR_FORMAT, "w.nbt is corrupted: CRC-32 is");
}
END_TEST

START_TEST(e85_save_to_fifo)
{
    const char *p = e_path("fifo.nbt");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    nb_tensor *w = named("w");
    E_FAIL(nb_tensors_save(p, NULL, &w, 1), NB_ERR_IO, "nb_tensors_save: ");
    E_ALSO("fifo.nbt is a FIFO, not a regular file; nothing was written");
}
END_TEST

START_TEST(e86_load_from_fifo)
{
    const char *p = e_path("fifo.nbt");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    nb_tensor_list list;
    E_FAIL(nb_tensors_load(p, &list), NB_ERR_IO, "nb_tensors_load: ");
    E_ALSO("fifo.nbt is a FIFO, not a regular file");
}
END_TEST

START_TEST(e87_save_to_folder)
{
    const char *p = e_path("sub");
    ck_assert_int_eq(mkdir(p, 0700), 0);
    nb_tensor *w = named("w");
    E_FAIL(nb_tensors_save(p, NULL, &w, 1), NB_ERR_IO, "nb_tensors_save: ");
    E_ALSO("sub is a directory, not a regular file; nothing was written");
}
END_TEST

START_TEST(e88_save_duplicate_names)
{
    nb_tensor *t[2] = {named("w"), named("w")};
    E_FAIL(nb_tensors_save(e_path("w.nbt"), NULL, t, 2), NB_ERR_ARG,
           "nb_tensors_save: tensors 0 and 1 are both named 'w'");
}
END_TEST

START_TEST(e89_save_unnamed)
{
    nb_tensor *t = nb_ones(NB_F64, NB_SHAPE(2));
    E_FAIL(nb_tensors_save(e_path("w.nbt"), NULL, &t, 1), NB_ERR_ARG,
           "nb_tensors_save: tensor 0 has no name (names is NULL and the tensor has no "
           "nb_tensor_name)");
}
END_TEST

START_TEST(e90_load_into_shape)
{
    char p[320];
    snprintf(p, sizeof p, "%s", e_path("w.nbt"));
    good_file(p);
    nb_tensor *w = nb_zeros(NB_F64, NB_SHAPE(3, 2));
    E_FAIL(nb_tensors_load_into(p, (const char *const[]){"w"}, &w, 1), NB_ERR_SHAPE,
           "tensor 'w' has shape 2x3 in the file but 3x2 in memory");
}
END_TEST

START_TEST(e91_load_into_dtype)
{
    char p[320];
    snprintf(p, sizeof p, "%s", e_path("w.nbt"));
    good_file(p);
    nb_tensor *w = nb_zeros(NB_F32, NB_SHAPE(2, 3));
    E_FAIL(nb_tensors_load_into(p, (const char *const[]){"w"}, &w, 1), NB_ERR_DTYPE,
           "tensor 'w' is f64 in the file but f32 in memory");
}
END_TEST

START_TEST(e92_load_into_missing_name)
{
    char p[320];
    snprintf(p, sizeof p, "%s", e_path("w.nbt"));
    good_file(p);
    nb_tensor *b = nb_zeros(NB_F64, NB_SHAPE(2, 3));
    E_FAIL(nb_tensors_load_into(p, (const char *const[]){"b"}, &b, 1), NB_ERR_ARG,
           "w.nbt has no tensor named 'b' (it holds: w)");
}
END_TEST

/* A 2-3-1 BP network in f64 (free it with nb_model_free). */
static nb_model *small_net(void)
{
    nb_model *net =
        nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL, &(nb_bpnet_opts){.dtype = NB_F64});
    ck_assert_ptr_nonnull(net);
    return net;
}

START_TEST(e158_model_save_to_folder)
{
    const char *p = e_path("sub");
    ck_assert_int_eq(mkdir(p, 0700), 0);
    nb_model *net = small_net();
    int rc = nb_model_save(net, p);
    nb_model_free(net);
    ck_assert_int_eq(rc, NB_ERR_IO);
    E_EXPECT(NB_ERR_IO, "nb_model_save: ");
    E_ALSO("sub is a directory, not a regular file; nothing was written");
}
END_TEST

START_TEST(e159_model_load_other_file)
{
    char p[320];
    snprintf(p, sizeof p, "%s", e_path("w.nbt"));
    good_file(p);
    nb_model *net = small_net();
    int rc = nb_model_load(net, p);
    nb_model_free(net);
    ck_assert_int_eq(rc, NB_ERR_ARG);
    E_EXPECT(NB_ERR_ARG, "nb_model_load: ");
    E_ALSO("w.nbt has no tensor named 'layer1.weight' (it holds: w)");
}
END_TEST

/* ---- CSV ---- */

static int csv(const char *text, const nb_csv_opts *opts)
{
    const char *p = e_path("data.csv");
    e_write(p, text, strlen(text));
    nb_csv_data d;
    return nb_csv_load(p, opts, &d);
}

START_TEST(e93_csv_missing)
{
    nb_csv_data d;
    E_FAIL(nb_csv_load(e_path("none.csv"), NULL, &d), NB_ERR_IO, "nb_csv_load: cannot open ");
    E_ALSO("none.csv: No such file or directory");
}
END_TEST

START_TEST(e94_csv_empty_file)
{
    E_FAIL(csv("", NULL), NB_ERR_FORMAT, "data.csv is empty (no data rows)");
}
END_TEST

START_TEST(e95_csv_ragged)
{
    E_FAIL(csv("1,2,3\n4,5\n", NULL), NB_ERR_FORMAT,
           "data.csv line 2 has 2 columns, expected 3 (ragged row)");
}
END_TEST

START_TEST(e96_csv_empty_cell)
{
    E_FAIL(csv("1,2,3\n4,,6\n", NULL), NB_ERR_FORMAT, "data.csv line 2, column 2: empty cell");
}
END_TEST

START_TEST(e97_csv_not_a_number)
{
    E_FAIL(csv("1,2,3\n4,five,6\n", NULL), NB_ERR_FORMAT,
           "data.csv line 2, column 2: 'five' is not a number");
}
END_TEST

START_TEST(e98_csv_target_column)
{
    nb_csv_opts o = {.target_cols = (const int[]){3}, .n_target_cols = 1};
    E_FAIL(csv("1,2,3\n4,5,6\n", &o), NB_ERR_ARG,
           "data.csv: target column 3 is out of range (3 columns)");
}
END_TEST

START_TEST(e99_csv_target_name)
{
    E_FAIL(csv("a,b,c\n4,5,6\n",
               &(nb_csv_opts){.target_names = (const char *const[]){"y"}, .n_target_names = 1}),
           NB_ERR_ARG, "data.csv has no column named 'y'");
}
END_TEST

START_TEST(e100_csv_header_only)
{
    E_FAIL(csv("a,b,c\n", NULL), NB_ERR_FORMAT, "data.csv has a header but no data rows");
}
END_TEST

START_TEST(e101_csv_nan_cell)
{
    E_FAIL(csv("1,2,3\n4,nan,6\n", NULL), NB_ERR_FORMAT,
           "data.csv line 2, column 2: 'nan' is not finite (set opts.allow_nonfinite to accept "
           "it)");
}
END_TEST

START_TEST(e102_csv_f32_overflow)
{
    E_FAIL(csv("1,2\n1e39,4\n", NULL), NB_ERR_FORMAT,
           "data.csv line 2, column 1: '1e39' is too large for f32 (largest 3.40282e+38");
}
END_TEST

/* ---- IDX ---- */

/* A 1-d IDX file of 3 unsigned bytes 7, 8, 9. */
static const unsigned char idx3[] = {0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9};

static void gz_write(const char *path, const unsigned char *b, size_t n)
{
    gzFile g = gzopen(path, "wb");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(gzwrite(g, b, (unsigned)n), (int)n);
    ck_assert_int_eq(gzclose(g), Z_OK);
}

START_TEST(e103_idx_missing)
{
    E_NULL(nb_idx_load(e_path("none.idx"), NB_F32, 0), NB_ERR_IO, "nb_idx_load: cannot open ");
    E_ALSO("none.idx: No such file or directory");
}
END_TEST

START_TEST(e104_idx_bad_magic)
{
    unsigned char b[sizeof idx3];
    memcpy(b, idx3, sizeof b);
    b[0] = 0x1f; /* not 0 0: e.g. a file of another format */
    const char *p = e_path("bad.idx");
    e_write(p, b, sizeof b);
    E_NULL(nb_idx_load(p, NB_F32, 0), NB_ERR_FORMAT,
           "bad.idx is not an IDX file (magic 1f 00 08 01;");
}
END_TEST

START_TEST(e105_idx_truncated)
{
    const char *p = e_path("short.idx");
    e_write(p, idx3, sizeof idx3 - 1);
    E_NULL(nb_idx_load(p, NB_F32, 0), NB_ERR_FORMAT,
           "short.idx is truncated: the header promises 11 bytes, the file has 10");
}
END_TEST

START_TEST(e106_idx_trailing_bytes)
{
    unsigned char b[sizeof idx3 + 2];
    memcpy(b, idx3, sizeof idx3);
    b[sizeof idx3] = b[sizeof idx3 + 1] = 0;
    const char *p = e_path("long.idx");
    e_write(p, b, sizeof b);
    E_NULL(nb_idx_load(p, NB_F32, 0), NB_ERR_FORMAT,
           "long.idx has trailing bytes: the header promises 11 bytes, the file has 13");
}
END_TEST

START_TEST(e107_idx_bytes_after_gzip)
{
    const char *p = e_path("x.idx.gz");
    gz_write(p, idx3, sizeof idx3);
    FILE *f = fopen(p, "ab");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs("junk", f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    E_NULL(nb_idx_load(p, NB_F32, 0), NB_ERR_FORMAT, "x.idx.gz has 4 bytes after its gzip stream");
}
END_TEST

START_TEST(e108_idx_zero_dim)
{
    const unsigned char b[] = {0, 0, 0x08, 1, 0, 0, 0, 0};
    const char *p = e_path("empty.idx");
    e_write(p, b, sizeof b);
    E_NULL(nb_idx_load(p, NB_F32, 0), NB_ERR_FORMAT, "empty.idx: dim 0 is 0");
}
END_TEST

static Suite *errors_io_suite(void)
{
    Suite *s = suite_create("errors_io");
    TCase *tc = e_dir_case("io");
    tcase_add_test(tc, e81_load_missing_file);
    tcase_add_test(tc, e82_load_truncated);
    tcase_add_test(tc, e83_load_wrong_magic);
    tcase_add_test(tc, e84_load_corrupted);
    tcase_add_test(tc, e85_save_to_fifo);
    tcase_add_test(tc, e86_load_from_fifo);
    tcase_add_test(tc, e87_save_to_folder);
    tcase_add_test(tc, e88_save_duplicate_names);
    tcase_add_test(tc, e89_save_unnamed);
    tcase_add_test(tc, e90_load_into_shape);
    tcase_add_test(tc, e91_load_into_dtype);
    tcase_add_test(tc, e92_load_into_missing_name);
    tcase_add_test(tc, e158_model_save_to_folder);
    tcase_add_test(tc, e159_model_load_other_file);
    tcase_add_test(tc, e93_csv_missing);
    tcase_add_test(tc, e94_csv_empty_file);
    tcase_add_test(tc, e95_csv_ragged);
    tcase_add_test(tc, e96_csv_empty_cell);
    tcase_add_test(tc, e97_csv_not_a_number);
    tcase_add_test(tc, e98_csv_target_column);
    tcase_add_test(tc, e99_csv_target_name);
    tcase_add_test(tc, e100_csv_header_only);
    tcase_add_test(tc, e101_csv_nan_cell);
    tcase_add_test(tc, e102_csv_f32_overflow);
    tcase_add_test(tc, e103_idx_missing);
    tcase_add_test(tc, e104_idx_bad_magic);
    tcase_add_test(tc, e105_idx_truncated);
    tcase_add_test(tc, e106_idx_trailing_bytes);
    tcase_add_test(tc, e107_idx_bytes_after_gzip);
    tcase_add_test(tc, e108_idx_zero_dim);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return nb_test_run(errors_io_suite());
}
