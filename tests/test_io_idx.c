/* IDX loader on tiny files made here (plain and gzip'd), every kind of bad
 * file, and the Fashion-MNIST files when the Debian package is installed. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "test_util.h"

static char tmpdir[64];
static char pathbuf[128];

static void dir_setup(void)
{
    nb_test_setup();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nb_idx_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void dir_teardown(void)
{
    /* The folder holds only files this suite made. */
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    char p[384];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    ck_assert_int_eq(rmdir(tmpdir), 0);
    nb_test_teardown();
}

static const char *tmp(const char *name)
{
    snprintf(pathbuf, sizeof pathbuf, "%s/%s", tmpdir, name);
    return pathbuf;
}

static void write_file(const char *path, const unsigned char *b, size_t n, int gz)
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

/* 2 x 2 x 3 unsigned bytes 0, 10, ..., 110, in IDX byte order. */
static const unsigned char ubyte3[] = {0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
                                       0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255};

START_TEST(test_ubyte_plain_and_gz)
{
    const double want[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255};
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tmp(gz ? "u8.idx.gz" : "u8.idx");
        write_file(p, ubyte3, sizeof ubyte3, gz);
        nb_tensor *t = nb_idx_load(p, NB_F32, 0);
        ck_assert_msg(t != NULL, "%s", nb_last_error());
        ck_assert_int_eq(nb_tensor_ndim(t), 3);
        ck_assert_int_eq(nb_tensor_dim(t, 0), 2);
        ck_assert_int_eq(nb_tensor_dim(t, 1), 2);
        ck_assert_int_eq(nb_tensor_dim(t, 2), 3);
        ck_assert_tensor_near(t, want, 12, 0);
        /* limit keeps the first entries of axis 0 */
        nb_tensor *one = nb_idx_load(p, NB_F64, 1);
        ck_assert_int_eq(nb_tensor_dim(one, 0), 1);
        ck_assert_tensor_near(one, want, 6, 0);
        nb_tensor *all = nb_idx_load(p, NB_F64, 99);
        ck_assert_int_eq(nb_tensor_dim(all, 0), 2);
    }
}
END_TEST

START_TEST(test_other_types)
{
    /* int16: 3 values 1, -2, 300 (big-endian). */
    const unsigned char i16[] = {0, 0, 0x0B, 1, 0, 0, 0, 3, 0x00, 0x01, 0xFF, 0xFE, 0x01, 0x2C};
    write_file(tmp("i16.idx.gz"), i16, sizeof i16, 1);
    nb_tensor *t = nb_idx_load(tmp("i16.idx.gz"), NB_F64, 0);
    ck_assert_tensor_near(t, ((double[]){1, -2, 300}), 3, 0);
    /* float32: 2 values 1.5 (3FC00000) and -0.25 (BE800000). */
    const unsigned char f32[] = {0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0xC0, 0, 0, 0xBE, 0x80, 0, 0};
    write_file(tmp("f32.idx"), f32, sizeof f32, 0);
    t = nb_idx_load(tmp("f32.idx"), NB_F32, 0);
    ck_assert_tensor_near(t, ((double[]){1.5, -0.25}), 2, 0);
    /* int32 -1 and float64 2.0 (4000000000000000); signed byte -128. */
    const unsigned char i32[] = {0, 0, 0x0C, 1, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF};
    write_file(tmp("i32.idx"), i32, sizeof i32, 0);
    ck_assert_tensor_near(nb_idx_load(tmp("i32.idx"), NB_F64, 0), ((double[]){-1}), 1, 0);
    const unsigned char f64[] = {0, 0, 0x0E, 1, 0, 0, 0, 1, 0x40, 0, 0, 0, 0, 0, 0, 0};
    write_file(tmp("f64.idx"), f64, sizeof f64, 0);
    ck_assert_tensor_near(nb_idx_load(tmp("f64.idx"), NB_F64, 0), ((double[]){2}), 1, 0);
    const unsigned char s8[] = {0, 0, 0x09, 1, 0, 0, 0, 1, 0x80};
    write_file(tmp("s8.idx"), s8, sizeof s8, 0);
    ck_assert_tensor_near(nb_idx_load(tmp("s8.idx"), NB_F64, 0), ((double[]){-128}), 1, 0);
}
END_TEST

START_TEST(test_truncated)
{
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tmp(gz ? "t.idx.gz" : "t.idx");
        write_file(p, ubyte3, sizeof ubyte3 - 3, gz);
        ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
        ck_assert_error(NB_ERR_FORMAT, "is truncated");
        /* cut inside the header */
        write_file(p, ubyte3, 9, gz);
        ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
        ck_assert_error(NB_ERR_FORMAT, "truncated inside its header");
        write_file(p, ubyte3, 2, gz);
        ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
        ck_assert_error(NB_ERR_FORMAT, "truncated");
    }
    /* A gzip stream cut short is also reported, not read as zeros. */
    write_file(tmp("full.idx.gz"), ubyte3, sizeof ubyte3, 1);
    FILE *f = fopen(tmp("full.idx.gz"), "rb");
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(tmp("cut.idx.gz"), buf, n - 12, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("cut.idx.gz"), NB_F32, 0));
    ck_assert_int_eq(nb_last_status(), NB_ERR_FORMAT);
    ck_assert_msg(strstr(nb_last_error(), "cut.idx.gz") != NULL, "%s", nb_last_error());
}
END_TEST

START_TEST(test_trailing_bytes)
{
    unsigned char b[sizeof ubyte3 + 1];
    memcpy(b, ubyte3, sizeof ubyte3);
    b[sizeof ubyte3] = 7;
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tmp(gz ? "x.idx.gz" : "x.idx");
        write_file(p, b, sizeof b, gz);
        ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
        ck_assert_error(NB_ERR_FORMAT, "trailing bytes");
    }
}
END_TEST

START_TEST(test_wrong_magic_and_bad_dims)
{
    unsigned char b[sizeof ubyte3];
    memcpy(b, ubyte3, sizeof b);
    b[0] = 0x1f; /* not 00 00 */
    write_file(tmp("m.idx"), b, sizeof b, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "is not an IDX file (magic 1f 00 08 03");
    memcpy(b, ubyte3, sizeof b);
    b[2] = 0x07; /* unknown type */
    write_file(tmp("m.idx"), b, sizeof b, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "is not an IDX file");
    memcpy(b, ubyte3, sizeof b);
    b[3] = 0; /* zero dims */
    write_file(tmp("m.idx"), b, sizeof b, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "has 0 dims");
    b[3] = 9;
    write_file(tmp("m.idx"), b, sizeof b, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "has 9 dims");
    memcpy(b, ubyte3, sizeof b);
    b[11] = 0; /* second dim 0 */
    write_file(tmp("m.idx.gz"), b, sizeof b, 1);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx.gz"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "dim 1 is 0");
    /* Dims larger than the data: the file is too short for them. */
    memcpy(b, ubyte3, sizeof b);
    b[4] = 0x7f;
    write_file(tmp("m.idx"), b, sizeof b, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "is truncated: the header promises");
    /* Compressed: refused before a tensor of 2^31 x 6 bytes is allocated. */
    write_file(tmp("m.idx.gz"), b, sizeof b, 1);
    ck_assert_ptr_null(nb_idx_load(tmp("m.idx.gz"), NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "compressed bytes cannot hold them");
}
END_TEST

START_TEST(test_missing_file_and_args)
{
    ck_assert_ptr_null(nb_idx_load(tmp("absent.idx.gz"), NB_F32, 0));
    ck_assert_error(NB_ERR_IO, "cannot open");
    ck_assert_error(NB_ERR_IO, "absent.idx.gz");
    write_file(tmp("u8.idx"), ubyte3, sizeof ubyte3, 0);
    ck_assert_ptr_null(nb_idx_load(tmp("u8.idx"), NB_F32, -1));
    ck_assert_error(NB_ERR_ARG, "limit");
    nb_tensor *x = (nb_tensor *)1, *y = (nb_tensor *)1;
    ck_assert_int_eq(nb_fashion_mnist_load(tmpdir, NB_DATA_TRAIN, 0, NB_F32, &x, &y), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "train-images-idx3-ubyte.gz");
    ck_assert_ptr_null(x);
    ck_assert_ptr_null(y);
}
END_TEST

START_TEST(test_default_dir_env)
{
    setenv("NB_FASHION_MNIST_DIR", "/some/where", 1);
    ck_assert_str_eq(nb_fashion_mnist_default_dir(), "/some/where");
    unsetenv("NB_FASHION_MNIST_DIR");
    ck_assert_str_eq(nb_fashion_mnist_default_dir(), "/usr/share/datasets/fashion-mnist");
    ck_assert_str_eq(nb_fashion_mnist_class_name(9), "Ankle boot");
    ck_assert_str_eq(nb_fashion_mnist_class_name(10), "?");
}
END_TEST

/* ---- the real files (Debian's dataset-fashion-mnist) ---- */

static int have_fashion(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte.gz", nb_fashion_mnist_default_dir());
    return access(p, R_OK) == 0;
}

START_TEST(test_fashion_mnist)
{
    if (!have_fashion()) {
        fprintf(stderr, "test_fashion_mnist: data set not installed; skipped\n");
        return;
    }
    nb_tensor *x, *y;
    int rc = nb_fashion_mnist_load(NULL, NB_DATA_TEST, 0, NB_F32, &x, &y);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(x, 0), 10000);
    ck_assert_int_eq(nb_tensor_dim(x, 1), 784);
    ck_assert_int_eq(nb_tensor_ndim(y), 1);
    ck_assert_int_eq(nb_tensor_dim(y, 0), 10000);
    /* First ten test labels, read with `zcat t10k-labels-idx1-ubyte.gz | od -t u1 -j 8`. */
    const double head[] = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
    for (int i = 0; i < 10; i++)
        ck_assert_double_eq(nb_tensor_get(y, i), head[i]);
}
END_TEST

START_TEST(test_fashion_mnist_train)
{
    if (!have_fashion()) {
        fprintf(stderr, "test_fashion_mnist_train: data set not installed; skipped\n");
        return;
    }
    nb_tensor *x, *y;
    int rc = nb_fashion_mnist_load(NULL, NB_DATA_TRAIN, 0, NB_F32, &x, &y);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(x, 0), 60000);
    ck_assert_int_eq(nb_tensor_dim(x, 1), 784);
    ck_assert_int_eq(nb_tensor_dim(y, 0), 60000);
    const float *px = nb_tensor_data_f32(x);
    float lo = 1, hi = 0;
    for (int64_t i = 0; i < nb_tensor_numel(x); i++) {
        lo = px[i] < lo ? px[i] : lo;
        hi = px[i] > hi ? px[i] : hi;
    }
    ck_assert_float_eq(lo, 0);
    ck_assert_float_eq(hi, 1);
    /* Labels 0..9 and 59990..59999, and image 0 (sum of its bytes 76247, the
     * byte at row 14, column 12 is 237), all read off the files with od. */
    const double head[] = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
    for (int i = 0; i < 10; i++)
        ck_assert_double_eq(nb_tensor_get(y, i), head[i]);
    const double tail[] = {4, 1, 7, 2, 8, 5, 1, 3, 0, 5};
    for (int i = 0; i < 10; i++)
        ck_assert_double_eq(nb_tensor_get(y, 59990 + i), tail[i]);
    double sum = 0;
    for (int i = 0; i < 784; i++)
        sum += px[i];
    ck_assert_double_eq_tol(sum, 76247.0 / 255.0, 1e-3);
    ck_assert_float_eq_tol(px[14 * 28 + 12], 237.0f / 255.0f, 1e-7f);
    for (int64_t i = 0; i < 60000; i++) {
        double v = nb_tensor_get(y, i);
        ck_assert(v >= 0 && v <= 9 && v == (int)v);
    }
    /* limit and f64 */
    rc = nb_fashion_mnist_load(NULL, NB_DATA_TRAIN, 5, NB_F64, &x, &y);
    ck_assert_int_eq(rc, NB_OK);
    ck_assert_int_eq(nb_tensor_dim(x, 0), 5);
    ck_assert_int_eq(nb_tensor_dtype(x), NB_F64);
    ck_assert_tensor_near(y, ((double[]){9, 0, 0, 3, 0}), 5, 0);
    ck_assert_double_eq_tol(nb_tensor_get(x, 14 * 28 + 12), 237.0 / 255.0, 1e-15);
}
END_TEST

/* A Fashion-MNIST folder in the temp dir: n images of 28 x 28 bytes and a
 * label file of the given IDX type holding `labels` (big-endian). */
static void write_fashion(int n, int type, const unsigned char *labels, size_t label_bytes)
{
    size_t ni = 16 + (size_t)n * 784;
    unsigned char *img = calloc(ni, 1);
    ck_assert_ptr_nonnull(img);
    const unsigned char head[16] = {0, 0, 0x08, 3, 0, 0, 0, (unsigned char)n, 0, 0, 0, 28, 0, 0, 0, 28};
    memcpy(img, head, sizeof head);
    for (size_t i = 16; i < ni; i++)
        img[i] = (unsigned char)(i * 7);
    write_file(tmp("train-images-idx3-ubyte.gz"), img, ni, 1);
    free(img);
    unsigned char lab[64] = {0, 0, (unsigned char)type, 1, 0, 0, 0, (unsigned char)n};
    ck_assert_uint_le(8 + label_bytes, sizeof lab);
    memcpy(lab + 8, labels, label_bytes);
    write_file(tmp("train-labels-idx1-ubyte.gz"), lab, 8 + label_bytes, 1);
}

/* Labels of a Fashion-MNIST label file must be integers 0..9: a signed-byte
 * -3 or a float 2.5 used to be taken (only "> 9" was refused). */
START_TEST(test_fashion_labels_checked)
{
    nb_tensor *x, *y;
    char lpath[128];
    snprintf(lpath, sizeof lpath, "%s/train-labels-idx1-ubyte.gz", tmpdir);
    char msg[256];
    /* signed bytes 1, -3, 4 */
    write_fashion(3, 0x09, (const unsigned char[]){1, 0xFD, 4}, 3);
    ck_assert_int_eq(nb_fashion_mnist_load(tmpdir, NB_DATA_TRAIN, 0, NB_F32, &x, &y), NB_ERR_FORMAT);
    snprintf(msg, sizeof msg, "nb_fashion_mnist_load: %s: label -3 in row 1 is out of range for "
             "10 classes (valid 0..9)", lpath);
    ck_assert_error(NB_ERR_FORMAT, msg);
    ck_assert_ptr_null(x);
    ck_assert_ptr_null(y);
    /* float32 0, 2.5 (40200000) */
    write_fashion(2, 0x0D, (const unsigned char[]){0, 0, 0, 0, 0x40, 0x20, 0, 0}, 8);
    ck_assert_int_eq(nb_fashion_mnist_load(tmpdir, NB_DATA_TRAIN, 0, NB_F64, &x, &y), NB_ERR_FORMAT);
    snprintf(msg, sizeof msg, "nb_fashion_mnist_load: %s: label 2.5 in row 1 is not an integer "
             "(valid 0..9)", lpath);
    ck_assert_error(NB_ERR_FORMAT, msg);
    /* unsigned byte 10 */
    write_fashion(2, 0x08, (const unsigned char[]){9, 10}, 2);
    ck_assert_int_eq(nb_fashion_mnist_load(tmpdir, NB_DATA_TRAIN, 0, NB_F32, &x, &y), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "label 10 in row 1 is out of range for 10 classes");
    /* good labels of any integer type load, with the pixels scaled */
    write_fashion(3, 0x09, (const unsigned char[]){9, 0, 5}, 3);
    int rc = nb_fashion_mnist_load(tmpdir, NB_DATA_TRAIN, 0, NB_F32, &x, &y);
    ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
    ck_assert_tensor_near(y, ((double[]){9, 0, 5}), 3, 0);
    ck_assert_int_eq(nb_tensor_dim(x, 1), 784);
    ck_assert_double_eq_tol(nb_tensor_get(x, 1), (double)(unsigned char)(17 * 7) / 255.0, 1e-6);
}
END_TEST

/* Append raw bytes to a file. */
static void append_raw(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "ab");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Append one gzip member holding b to a file. */
static void append_gz(const char *path, const unsigned char *b, size_t n)
{
    gzFile g = gzopen(path, "ab");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(gzwrite(g, b, (unsigned)n), (int)n);
    ck_assert_int_eq(gzclose(g), Z_OK);
}

/* Bytes after the gzip stream: zlib's reader skips them silently, so the
 * loader looks at the file itself.  The file must end where the gzip stream
 * does; junk, a single byte or zero padding after it is an error. */
START_TEST(test_bytes_after_gzip_stream)
{
    const char *p = tmp("junk.idx.gz");
    char msg[256];
    static const unsigned char junk[] = {'j', 'u', 'n', 'k'};
    write_file(p, ubyte3, sizeof ubyte3, 1);
    append_raw(p, junk, sizeof junk);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    snprintf(msg, sizeof msg, "nb_idx_load: %s has 4 bytes after its gzip stream", p);
    ck_assert_error(NB_ERR_FORMAT, msg);
    /* one byte, even the first byte of a gzip magic */
    write_file(p, ubyte3, sizeof ubyte3, 1);
    append_raw(p, (const unsigned char[]){0x1f}, 1);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    snprintf(msg, sizeof msg, "nb_idx_load: %s has 1 byte after its gzip stream", p);
    ck_assert_error(NB_ERR_FORMAT, msg);
    /* zero padding (as a tape or a block device leaves) */
    static const unsigned char zeros[512];
    write_file(p, ubyte3, sizeof ubyte3, 1);
    append_raw(p, zeros, sizeof zeros);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    snprintf(msg, sizeof msg, "nb_idx_load: %s has 512 bytes after its gzip stream", p);
    ck_assert_error(NB_ERR_FORMAT, msg);
    /* more than the read buffer holds */
    unsigned char *big = calloc(300000, 1);
    ck_assert_ptr_nonnull(big);
    write_file(p, ubyte3, sizeof ubyte3, 1);
    append_raw(p, big, 300000);
    free(big);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    snprintf(msg, sizeof msg, "nb_idx_load: %s has 300000 bytes after its gzip stream", p);
    ck_assert_error(NB_ERR_FORMAT, msg);
    /* junk after a second member is found too */
    write_file(p, ubyte3, 10, 1);
    append_gz(p, ubyte3 + 10, sizeof ubyte3 - 10);
    append_raw(p, junk, 3);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "has 3 bytes after its gzip stream");
    /* with a limit only the bytes up to it are read (documented) */
    write_file(p, ubyte3, sizeof ubyte3, 1);
    append_raw(p, junk, sizeof junk);
    nb_tensor *one = nb_idx_load(p, NB_F32, 1);
    ck_assert_msg(one != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_tensor_dim(one, 0), 1);
}
END_TEST

/* Concatenated gzip members are one file (RFC 1952, and what gzip -d and
 * zcat do): the data may be split across them, even inside the header.
 * Data past the header's promise in a later member is a trailing byte. */
START_TEST(test_gzip_members_concatenated)
{
    const double want[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255};
    const size_t cuts[] = {2, 10, 16, 27};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        const char *p = tmp("cat.idx.gz");
        write_file(p, ubyte3, cuts[k], 1);
        append_gz(p, ubyte3 + cuts[k], sizeof ubyte3 - cuts[k]);
        nb_tensor *t = nb_idx_load(p, NB_F64, 0);
        ck_assert_msg(t != NULL, "cut %zu: %s", cuts[k], nb_last_error());
        ck_assert_tensor_near(t, want, 12, 0);
    }
    /* an empty member in between changes nothing */
    const char *p = tmp("cat.idx.gz");
    write_file(p, ubyte3, 20, 1);
    append_gz(p, ubyte3, 0);
    append_gz(p, ubyte3 + 20, sizeof ubyte3 - 20);
    ck_assert_tensor_near(nb_idx_load(p, NB_F32, 0), want, 12, 0);
    /* a second member with one element more than promised */
    write_file(p, ubyte3, sizeof ubyte3, 1);
    append_gz(p, (const unsigned char[]){7}, 1);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    ck_assert_error(NB_ERR_FORMAT, "has trailing bytes after the 28 its header promises");
    /* a damaged second member is reported, not skipped */
    write_file(p, ubyte3, 10, 1);
    append_raw(p, (const unsigned char[]){0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff}, 12);
    ck_assert_ptr_null(nb_idx_load(p, NB_F32, 0));
    ck_assert_int_eq(nb_last_status(), NB_ERR_FORMAT);
    ck_assert_msg(strstr(nb_last_error(), "cat.idx.gz") != NULL, "%s", nb_last_error());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io_idx");
    TCase *tc = tcase_create("idx");
    tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_ubyte_plain_and_gz);
    tcase_add_test(tc, test_other_types);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_trailing_bytes);
    tcase_add_test(tc, test_bytes_after_gzip_stream);
    tcase_add_test(tc, test_gzip_members_concatenated);
    tcase_add_test(tc, test_wrong_magic_and_bad_dims);
    tcase_add_test(tc, test_missing_file_and_args);
    tcase_add_test(tc, test_default_dir_env);
    tcase_add_test(tc, test_fashion_labels_checked);
    suite_add_tcase(s, tc);
    TCase *fm = nb_test_case("fashion_mnist");
    tcase_add_test(fm, test_fashion_mnist);
    tcase_add_test(fm, test_fashion_mnist_train);
    suite_add_tcase(s, fm);
    return nb_test_run(s);
}
