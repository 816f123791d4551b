/* Tensor files: round trips, the bytes on disk, and every kind of bad file
 * or failed write (old file kept, no temporary left behind). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

static char tmpdir[64];
static char pathbuf[256];

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            chmod(p, 0700);
            rm_tree(p);
        } else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void dir_setup(void)
{
    nb_test_setup();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nb_tf_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void dir_teardown(void)
{
    chmod(tmpdir, 0700);
    rm_tree(tmpdir);
    nb_test_teardown();
}

static const char *tmp(const char *name)
{
    snprintf(pathbuf, sizeof pathbuf, "%s/%s", tmpdir, name);
    return pathbuf;
}

static size_t read_all(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void write_all(const char *path, const unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Two tensors "a" (f32, 2x3: 1..6) and "b" (f64, 4: -1.5, 0, 2.25, 1e300). */
static void make_ab(nb_tensor **a, nb_tensor **b)
{
    *a = nb_from_f32((float[]){1, 2, 3, 4, 5, 6}, 2, (const int64_t[]){2, 3});
    *b = nb_from_f64((double[]){-1.5, 0, 2.25, 1e300}, 1, (const int64_t[]){4});
}

static const char *const ab_names[] = {"a", "b"};

START_TEST(test_round_trip)
{
    nb_tensor *a, *b;
    make_ab(&a, &b);
    nb_tensor *s = nb_scalar(NB_F64, 3.5);
    nb_tensor *w = nb_zeros(NB_F32, 3, (const int64_t[]){2, 1, 2});
    for (int i = 0; i < 4; i++)
        nb_data_f32(w)[i] = (float)i / 3.0f;
    const char *names[] = {"a", "b", "layer1.scale", "w"};
    nb_tensor *ts[] = {a, b, s, w};
    ck_assert_msg(nb_tensors_save(tmp("m.nbt"), names, ts, 4) == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(count_entries(tmpdir), 1); /* no temporary left */

    nb_tensor *a2 = nb_zeros(NB_F32, 2, (const int64_t[]){2, 3});
    nb_tensor *b2 = nb_zeros(NB_F64, 1, (const int64_t[]){4});
    uint64_t v0 = nb_tensor_version(a2);
    /* A subset, in another order. */
    ck_assert_int_eq(nb_tensors_load_into(tmp("m.nbt"), (const char *[]){"b", "a"},
                                          (nb_tensor *[]){b2, a2}, 2),
                     NB_OK);
    ck_assert_tensor_near(a2, ((double[]){1, 2, 3, 4, 5, 6}), 6, 0);
    ck_assert_tensor_near(b2, ((double[]){-1.5, 0, 2.25, 1e300}), 4, 0);
    ck_assert_uint_gt(nb_tensor_version(a2), v0);

    nb_tensor_list l;
    ck_assert_int_eq(nb_tensors_load(tmp("m.nbt"), &l), NB_OK);
    ck_assert_int_eq(l.n, 4);
    ck_assert_str_eq(l.names[2], "layer1.scale");
    ck_assert_str_eq(nb_tensor_name(l.tensors[3]), "w");
    ck_assert_int_eq(nb_ndim(l.tensors[2]), 0);
    ck_assert_double_eq(nb_item(l.tensors[2]), 3.5);
    ck_assert_int_eq(nb_ndim(l.tensors[3]), 3);
    ck_assert_int_eq(nb_dim(l.tensors[3], 1), 1);
    ck_assert_int_eq(nb_tensor_dtype(l.tensors[3]), NB_F32);
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq(nb_data_f32(l.tensors[3])[i], (float)i / 3.0f);
    ck_assert_tensor_near(l.tensors[1], ((double[]){-1.5, 0, 2.25, 1e300}), 4, 0);
}
END_TEST

START_TEST(test_names_from_tensors_and_overwrite)
{
    nb_tensor *a, *b;
    make_ab(&a, &b);
    nb_tensor_set_name(a, "a");
    nb_tensor_set_name(b, "b");
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), NULL, (nb_tensor *[]){a, b}, 2), NB_OK);
    nb_data_f32(a)[0] = 42;
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), NULL, (nb_tensor *[]){a, b}, 2), NB_OK);
    nb_tensor *a2 = nb_zeros(NB_F32, 2, (const int64_t[]){2, 3});
    nb_tensor_set_name(a2, "a");
    ck_assert_int_eq(nb_tensors_load_into(tmp("m.nbt"), NULL, (nb_tensor *[]){a2}, 1), NB_OK);
    ck_assert_double_eq(nb_get(a2, 0), 42);
    ck_assert_int_eq(count_entries(tmpdir), 1);
    /* An empty file (no tensors) is valid. */
    ck_assert_int_eq(nb_tensors_save(tmp("e.nbt"), NULL, NULL, 0), NB_OK);
    nb_tensor_list l;
    ck_assert_int_eq(nb_tensors_load(tmp("e.nbt"), &l), NB_OK);
    ck_assert_int_eq(l.n, 0);
}
END_TEST

START_TEST(test_bytes_on_disk)
{
    /* One f32 tensor "x" of shape (2) holding 1.0 and -2.0. */
    nb_tensor *x = nb_from_f32((float[]){1, -2}, 1, (const int64_t[]){2});
    ck_assert_int_eq(nb_tensors_save(tmp("x.nbt"), (const char *[]){"x"}, (nb_tensor *[]){x}, 1),
                     NB_OK);
    unsigned char b[128];
    size_t n = read_all(tmp("x.nbt"), b, sizeof b);
    /* record: 4 name length + 1 name + 4 (dtype, ndim, reserved) + 8 dim + 8 data = 25 */
    const unsigned char want[] = {
        0x89, 'N', 'B', 'T', '\r', '\n', 0x1a, '\n', /* magic */
        1, 0, 0, 0,                                  /* version */
        1, 0, 0, 0,                                  /* count */
        25, 0, 0, 0, 0, 0, 0, 0,                     /* payload length */
        1, 0, 0, 0, 'x',                             /* name */
        1, 1, 0, 0,                                  /* f32, 1 dim, reserved */
        2, 0, 0, 0, 0, 0, 0, 0,                      /* dim 0 = 2 */
        0x00, 0x00, 0x80, 0x3f,                      /* 1.0f */
        0x00, 0x00, 0x00, 0xc0,                      /* -2.0f */
    };
    ck_assert_uint_eq(n, sizeof want + 4);
    ck_assert_int_eq(memcmp(b, want, sizeof want), 0);
    /* The CRC-32 of bytes 12.., computed bit by bit from the polynomial here. */
    uint32_t crc = 0xffffffffu;
    for (size_t i = 12; i < sizeof want; i++) {
        crc ^= b[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    crc ^= 0xffffffffu;
    uint32_t stored = (uint32_t)b[n - 4] | (uint32_t)b[n - 3] << 8 | (uint32_t)b[n - 2] << 16 |
                      (uint32_t)b[n - 1] << 24;
    ck_assert_uint_eq(stored, crc);
}
END_TEST

/* Save a, b, then return the file's bytes. */
static size_t saved_ab(unsigned char *buf, size_t cap)
{
    nb_tensor *a, *b;
    make_ab(&a, &b);
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), ab_names, (nb_tensor *[]){a, b}, 2), NB_OK);
    return read_all(tmp("m.nbt"), buf, cap);
}

static int load_ab(const char *path)
{
    nb_tensor *a = nb_zeros(NB_F32, 2, (const int64_t[]){2, 3});
    nb_tensor *b = nb_zeros(NB_F64, 1, (const int64_t[]){4});
    return nb_tensors_load_into(path, ab_names, (nb_tensor *[]){a, b}, 2);
}

START_TEST(test_corrupted_checksum)
{
    unsigned char buf[512];
    size_t n = saved_ab(buf, sizeof buf);
    buf[n - 10] ^= 0x01; /* a bit of b's data */
    write_all(tmp("bad.nbt"), buf, n);
    ck_assert_int_eq(load_ab(tmp("bad.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "bad.nbt is corrupted: CRC-32");
    nb_tensor_list l;
    ck_assert_int_eq(nb_tensors_load(tmp("bad.nbt"), &l), NB_ERR_FORMAT);
    ck_assert_int_eq(l.n, 0);
}
END_TEST

START_TEST(test_truncated_and_trailing)
{
    unsigned char buf[512];
    size_t n = saved_ab(buf, sizeof buf);
    write_all(tmp("t.nbt"), buf, n - 7);
    ck_assert_int_eq(load_ab(tmp("t.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "t.nbt is truncated");
    write_all(tmp("t.nbt"), buf, 20);
    ck_assert_int_eq(load_ab(tmp("t.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "is truncated");
    write_all(tmp("t.nbt"), buf, 0);
    ck_assert_int_eq(load_ab(tmp("t.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "wrong magic");
    buf[n] = 0;
    write_all(tmp("t.nbt"), buf, n + 1);
    ck_assert_int_eq(load_ab(tmp("t.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "1 unexpected bytes after the payload");
}
END_TEST

START_TEST(test_wrong_magic_and_future_version)
{
    unsigned char buf[512];
    size_t n = saved_ab(buf, sizeof buf);
    buf[1] = 'X';
    write_all(tmp("w.nbt"), buf, n);
    ck_assert_int_eq(load_ab(tmp("w.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "w.nbt is not a nabla tensor file (wrong magic bytes)");
    buf[1] = 'N';
    buf[8] = 2;
    write_all(tmp("w.nbt"), buf, n);
    ck_assert_int_eq(load_ab(tmp("w.nbt")), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "has format version 2; this library reads version 1 (file is newer)");
}
END_TEST

START_TEST(test_mismatches_change_nothing)
{
    unsigned char buf[512];
    saved_ab(buf, sizeof buf);
    nb_tensor *a = nb_full(NB_F32, 2, (const int64_t[]){2, 3}, 7);
    nb_tensor *c = nb_zeros(NB_F32, 1, (const int64_t[]){1});
    ck_assert_int_eq(nb_tensors_load_into(tmp("m.nbt"), (const char *[]){"a", "c"},
                                          (nb_tensor *[]){a, c}, 2),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "has no tensor named 'c' (it holds: a, b)");
    ck_assert_double_eq(nb_get(a, 0), 7); /* all or nothing */
    nb_tensor *a_t = nb_zeros(NB_F32, 2, (const int64_t[]){3, 2});
    ck_assert_int_eq(nb_tensors_load_into(tmp("m.nbt"), ab_names, (nb_tensor *[]){a_t}, 1),
                     NB_ERR_SHAPE);
    ck_assert_error(NB_ERR_SHAPE, "tensor 'a' has shape 2x3 in the file but 3x2 in memory");
    nb_tensor *a64 = nb_zeros(NB_F64, 2, (const int64_t[]){2, 3});
    ck_assert_int_eq(nb_tensors_load_into(tmp("m.nbt"), ab_names, (nb_tensor *[]){a64}, 1),
                     NB_ERR_DTYPE);
    ck_assert_error(NB_ERR_DTYPE, "tensor 'a' is f32 in the file but f64 in memory");
    ck_assert_int_eq(nb_tensors_load_into(tmp("absent.nbt"), ab_names, (nb_tensor *[]){a}, 1),
                     NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "cannot open");
    ck_assert_error(NB_ERR_IO, "absent.nbt");
}
END_TEST

START_TEST(test_save_argument_errors)
{
    nb_tensor *a, *b;
    make_ab(&a, &b);
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), (const char *[]){"a", "a"},
                                     (nb_tensor *[]){a, b}, 2),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "tensors 0 and 1 are both named 'a'");
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), NULL, (nb_tensor *[]){a}, 1), NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "tensor 0 has no name");
    nb_clear_error();
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), ab_names, (nb_tensor *[]){a, NULL}, 2),
                     NB_ERR_NULL);
    ck_assert_error(NB_ERR_NULL, "tensors[1] is NULL");
    ck_assert_int_eq(count_entries(tmpdir), 0);
    ck_assert_int_eq(nb_tensors_save(tmp("no/such/dir/m.nbt"), ab_names, (nb_tensor *[]){a, b}, 2),
                     NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "cannot create a temporary file beside");
}
END_TEST

/* The old file must be byte-for-byte what it was, and nothing else left. */
static void assert_old_file_intact(const unsigned char *old, size_t n, int entries)
{
    unsigned char now[512];
    ck_assert_uint_eq(read_all(tmp("m.nbt"), now, sizeof now), n);
    ck_assert_int_eq(memcmp(now, old, n), 0);
    ck_assert_int_eq(count_entries(tmpdir), entries);
    ck_assert_int_eq(load_ab(tmp("m.nbt")), NB_OK);
}

START_TEST(test_unwritable_directory_keeps_old_file)
{
    unsigned char old[512];
    size_t n = saved_ab(old, sizeof old);
    nb_tensor *big = nb_zeros(NB_F64, 1, (const int64_t[]){10});
    ck_assert_int_eq(chmod(tmpdir, 0555), 0);
    if (access(tmpdir, W_OK) == 0) {
        /* Privileged users write anyway; the other failure tests cover them. */
        fprintf(stderr, "unwritable-directory check skipped: running with permission to write\n");
        chmod(tmpdir, 0700);
        return;
    }
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), (const char *[]){"a"}, (nb_tensor *[]){big}, 1),
                     NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "Permission denied");
    chmod(tmpdir, 0700);
    assert_old_file_intact(old, n, 1);
}
END_TEST

START_TEST(test_failed_write_keeps_old_file)
{
    /* A file-size limit makes the write itself fail part way, as a full disk
     * would: works whatever the user's privileges. */
    unsigned char old[512];
    size_t n = saved_ab(old, sizeof old);
    nb_tensor *big = nb_zeros(NB_F64, 1, (const int64_t[]){100000});
    struct rlimit saved, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = saved;
    lim.rlim_cur = 4096;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc = nb_tensors_save(tmp("m.nbt"), (const char *[]){"a"}, (nb_tensor *[]){big}, 1);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, prev);
    ck_assert_int_eq(rc, NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "writing");
    ck_assert_error(NB_ERR_IO, "any existing file is unchanged");
    assert_old_file_intact(old, n, 1);
}
END_TEST

START_TEST(test_failed_rename_keeps_target)
{
    /* Saving over a non-empty folder fails at the rename. */
    nb_tensor *a, *b;
    make_ab(&a, &b);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/sub/keep", tmpdir);
    write_all(sub, (const unsigned char *)"k", 1);
    ck_assert_int_eq(nb_tensors_save(tmp("sub"), ab_names, (nb_tensor *[]){a, b}, 2), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "writing");
    ck_assert_int_eq(count_entries(tmpdir), 1);
    ck_assert_int_eq(access(sub, F_OK), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io_tensor_file");
    TCase *tc = tcase_create("tensor_file");
    tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_names_from_tensors_and_overwrite);
    tcase_add_test(tc, test_bytes_on_disk);
    tcase_add_test(tc, test_corrupted_checksum);
    tcase_add_test(tc, test_truncated_and_trailing);
    tcase_add_test(tc, test_wrong_magic_and_future_version);
    tcase_add_test(tc, test_mismatches_change_nothing);
    tcase_add_test(tc, test_save_argument_errors);
    tcase_add_test(tc, test_unwritable_directory_keeps_old_file);
    tcase_add_test(tc, test_failed_write_keeps_old_file);
    tcase_add_test(tc, test_failed_rename_keeps_target);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
