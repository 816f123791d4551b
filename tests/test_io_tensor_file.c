/* Tensor files: round trips, the bytes on disk, every kind of bad file or
 * failed write (old file kept, no temporary left behind), what a save does
 * to the file it replaces (mode, owner, symlinks, non-regular files), killed
 * saves, and allocation failures.
 *
 * This program links with --wrap=malloc,--wrap=calloc so that a test can make
 * one allocation of library code fail. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/tensor_file_internal.h"
#include "test_util.h"

/* ---- allocation failure injection ---- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);

static long alloc_count;     /* allocations seen since arm_alloc_failure */
static long alloc_fail_at = -1; /* which one fails (-1: none) */

static int alloc_should_fail(void)
{
    if (alloc_fail_at < 0)
        return 0;
    return alloc_count++ == alloc_fail_at;
}

void *__wrap_malloc(size_t size)
{
    if (alloc_should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (alloc_should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_calloc(n, size);
}

static void arm_alloc_failure(long k)
{
    alloc_count = 0;
    alloc_fail_at = k;
}

/* Disarm; returns whether the armed failure happened. */
static int disarm_alloc_failure(void)
{
    int hit = alloc_fail_at >= 0 && alloc_count > alloc_fail_at;
    alloc_fail_at = -1;
    return hit;
}

static char tmpdir[200];
static char pathbuf[320];

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[640];
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
    nb__tf_set_test_flags(0);
    const char *base = getenv("TMPDIR");
    if (!base || !base[0] || strlen(base) > 150)
        base = "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/nb_tf_XXXXXX", base);
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
        nb_tensor_data_f32(w)[i] = (float)i / 3.0f;
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
    ck_assert_int_eq(nb_tensor_ndim(l.tensors[2]), 0);
    ck_assert_double_eq(nb_tensor_item(l.tensors[2]), 3.5);
    ck_assert_int_eq(nb_tensor_ndim(l.tensors[3]), 3);
    ck_assert_int_eq(nb_tensor_dim(l.tensors[3], 1), 1);
    ck_assert_int_eq(nb_tensor_dtype(l.tensors[3]), NB_F32);
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq(nb_tensor_data_f32(l.tensors[3])[i], (float)i / 3.0f);
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
    nb_tensor_data_f32(a)[0] = 42;
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt"), NULL, (nb_tensor *[]){a, b}, 2), NB_OK);
    nb_tensor *a2 = nb_zeros(NB_F32, 2, (const int64_t[]){2, 3});
    nb_tensor_set_name(a2, "a");
    ck_assert_int_eq(nb_tensors_load_into(tmp("m.nbt"), NULL, (nb_tensor *[]){a2}, 1), NB_OK);
    ck_assert_double_eq(nb_tensor_get(a2, 0), 42);
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
    ck_assert_double_eq(nb_tensor_get(a, 0), 7); /* all or nothing */
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
    ck_assert_error(NB_ERR_IO, "cannot open the folder of ");
    ck_assert_error(NB_ERR_IO, "no/such/dir/m.nbt: No such file or directory; nothing was written");
    ck_assert_int_eq(nb_tensors_save(tmp("m.nbt/"), ab_names, (nb_tensor *[]){a, b}, 2),
                     NB_ERR_ARG);
    ck_assert_error(NB_ERR_ARG, "m.nbt/' names a folder, not a file");
    ck_assert_int_eq(count_entries(tmpdir), 0);
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
    /* A folder where the file should be is refused before anything is
     * written (it used to fail only at the rename). */
    nb_tensor *a, *b;
    make_ab(&a, &b);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/sub/keep", tmpdir);
    write_all(sub, (const unsigned char *)"k", 1);
    ck_assert_int_eq(nb_tensors_save(tmp("sub"), ab_names, (nb_tensor *[]){a, b}, 2), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "sub is a directory, not a regular file; nothing was written");
    ck_assert_int_eq(count_entries(tmpdir), 1);
    ck_assert_int_eq(access(sub, F_OK), 0);
}
END_TEST

/* ---- what a save does to the file it replaces ---- */

static char *in_dir(char *buf, size_t size, const char *name)
{
    /* a cut path would name another file: fail the test instead */
    if (snprintf(buf, size, "%s/%s", tmpdir, name) >= (int)size)
        ck_abort_msg("path too long: %s/%s", tmpdir, name);
    return buf;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    return st.st_mode;
}

/* Save a, b with a[0] = first under `path`. */
static int save_ab_first(const char *path, float first)
{
    nb_tensor *a, *b;
    make_ab(&a, &b);
    nb_tensor_data_f32(a)[0] = first;
    return nb_tensors_save(path, ab_names, (nb_tensor *[]){a, b}, 2);
}

/* a[0] as stored in `path` (which must load). */
static double first_of(const char *path)
{
    nb_tensor *a = nb_zeros(NB_F32, 2, (const int64_t[]){2, 3});
    ck_assert_msg(nb_tensors_load_into(path, ab_names, (nb_tensor *[]){a}, 1) == NB_OK, "%s",
                  nb_last_error());
    return nb_tensor_get(a, 0);
}

START_TEST(test_save_keeps_mode)
{
    char p[320];
    mode_t old_umask = umask(022);
    ck_assert_int_eq(save_ab_first(in_dir(p, sizeof p, "m.nbt"), 1), NB_OK);
    ck_assert_uint_eq(mode_of(p) & 07777, 0644); /* new file: 0666 & ~umask */
    ck_assert_int_eq(chmod(p, 0600), 0);
    ck_assert_int_eq(save_ab_first(p, 2), NB_OK);
    ck_assert_uint_eq(mode_of(p) & 07777, 0600); /* replaced file keeps its mode */
    ck_assert_int_eq(chmod(p, 0640), 0);
    umask(077);
    ck_assert_int_eq(save_ab_first(p, 3), NB_OK);
    ck_assert_uint_eq(mode_of(p) & 07777, 0640); /* ... whatever the umask */
    ck_assert_double_eq(first_of(p), 3);
    ck_assert_int_eq(save_ab_first(in_dir(p, sizeof p, "n.nbt"), 1), NB_OK);
    ck_assert_uint_eq(mode_of(p) & 07777, 0600);
    umask(old_umask);
    ck_assert_int_eq(count_entries(tmpdir), 2);
}
END_TEST

START_TEST(test_save_keeps_owner)
{
    char p[320];
    if (geteuid() != 0) {
        /* Giving a file to another user needs privileges; without them the
         * new file is the saver's (documented), so there is nothing to see. */
        fprintf(stderr, "owner check skipped: changing a file's owner needs root\n");
        return;
    }
    ck_assert_int_eq(save_ab_first(in_dir(p, sizeof p, "m.nbt"), 1), NB_OK);
    ck_assert_int_eq(chown(p, 12345, 23456), 0);
    ck_assert_int_eq(chmod(p, 0604), 0);
    ck_assert_int_eq(save_ab_first(p, 2), NB_OK);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_uid, 12345);
    ck_assert_uint_eq(st.st_gid, 23456);
    ck_assert_uint_eq(st.st_mode & 07777, 0604);
    ck_assert_double_eq(first_of(p), 2);
}
END_TEST

START_TEST(test_save_writes_through_symlinks)
{
    char real[320], link[320], p[320], sub[320];
    ck_assert_int_eq(save_ab_first(in_dir(real, sizeof real, "real.nbt"), 1), NB_OK);
    ck_assert_int_eq(chmod(real, 0640), 0);
    ck_assert_int_eq(symlink("real.nbt", in_dir(link, sizeof link, "link.nbt")), 0);
    ck_assert_msg(save_ab_first(link, 2) == NB_OK, "%s", nb_last_error());
    ck_assert(S_ISLNK(mode_of(link)));
    char target[64];
    ssize_t len = readlink(link, target, sizeof target - 1);
    ck_assert_int_eq(len, 8);
    target[len] = '\0';
    ck_assert_str_eq(target, "real.nbt");
    ck_assert_double_eq(first_of(real), 2);
    ck_assert_uint_eq(mode_of(real) & 07777, 0640);
    ck_assert_int_eq(count_entries(tmpdir), 2);

    /* A relative link into another folder, reached through a second link:
     * the file is replaced in its own folder, which keeps no temporary. */
    ck_assert_int_eq(mkdir(in_dir(sub, sizeof sub, "sub"), 0700), 0);
    ck_assert_int_eq(save_ab_first(in_dir(p, sizeof p, "sub/r.nbt"), 1), NB_OK);
    ck_assert_int_eq(symlink("sub/r.nbt", in_dir(p, sizeof p, "l2.nbt")), 0);
    ck_assert_int_eq(symlink("l2.nbt", in_dir(p, sizeof p, "l3.nbt")), 0);
    ck_assert_msg(save_ab_first(p, 3) == NB_OK, "%s", nb_last_error());
    ck_assert(S_ISLNK(mode_of(p)));
    ck_assert(S_ISLNK(mode_of(in_dir(p, sizeof p, "l2.nbt"))));
    ck_assert_double_eq(first_of(in_dir(p, sizeof p, "sub/r.nbt")), 3);
    ck_assert_int_eq(count_entries(sub), 1);
    ck_assert_int_eq(count_entries(tmpdir), 5);

    /* An absolute link. */
    ck_assert_int_eq(symlink(real, in_dir(p, sizeof p, "abs.nbt")), 0);
    ck_assert_msg(save_ab_first(p, 4) == NB_OK, "%s", nb_last_error());
    ck_assert(S_ISLNK(mode_of(p)));
    ck_assert_double_eq(first_of(real), 4);
    ck_assert_int_eq(count_entries(tmpdir), 6);
}
END_TEST

START_TEST(test_save_refuses_dangling_and_looping_symlinks)
{
    char p[320];
    /* Refused rather than created: a link planted in a shared folder must
     * not make a save create a file elsewhere (GNU cp refuses too). */
    ck_assert_int_eq(symlink("gone.nbt", in_dir(p, sizeof p, "d.nbt")), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_tensors_save: ");
    ck_assert_error(NB_ERR_IO,
                    "d.nbt is a symbolic link to gone.nbt, which does not exist; nothing was written");
    ck_assert(S_ISLNK(mode_of(p)));
    ck_assert_int_eq(count_entries(tmpdir), 1);

    ck_assert_int_eq(symlink("no/such/dir/x.nbt", in_dir(p, sizeof p, "dd.nbt")), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "dd.nbt is a symbolic link to no/such/dir/x.nbt, which does not exist");
    ck_assert_int_eq(count_entries(tmpdir), 2);

    ck_assert_int_eq(symlink("loop.nbt", in_dir(p, sizeof p, "loop.nbt")), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "loop.nbt: Too many levels of symbolic links; nothing was written");
    ck_assert(S_ISLNK(mode_of(p)));
    ck_assert_int_eq(count_entries(tmpdir), 3);
}
END_TEST

START_TEST(test_save_refuses_what_is_not_a_regular_file)
{
    char p[320];
    ck_assert_int_eq(mkfifo(in_dir(p, sizeof p, "f.nbt"), 0600), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_tensors_save: ");
    ck_assert_error(NB_ERR_IO, "f.nbt is a FIFO, not a regular file; nothing was written");
    ck_assert(S_ISFIFO(mode_of(p)));
    ck_assert_int_eq(count_entries(tmpdir), 1);

    ck_assert_int_eq(symlink("f.nbt", in_dir(p, sizeof p, "lf.nbt")), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "lf.nbt is a symbolic link to f.nbt, which is a FIFO, not a regular "
                               "file; nothing was written");
    ck_assert(S_ISLNK(mode_of(p)));
    ck_assert(S_ISFIFO(mode_of(in_dir(p, sizeof p, "f.nbt"))));

    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(sock, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    ck_assert_uint_lt(strlen(in_dir(p, sizeof p, "s.nbt")), sizeof addr.sun_path);
    strcpy(addr.sun_path, p);
    ck_assert_int_eq(bind(sock, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "s.nbt is a socket, not a regular file; nothing was written");
    ck_assert(S_ISSOCK(mode_of(p)));
    close(sock);

    ck_assert_int_eq(mkdir(in_dir(p, sizeof p, "d.nbt"), 0700), 0);
    ck_assert_int_eq(save_ab_first(p, 1), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "d.nbt is a directory, not a regular file; nothing was written");
    ck_assert(S_ISDIR(mode_of(p)));
    ck_assert_int_eq(count_entries(p), 0);
    ck_assert_int_eq(count_entries(tmpdir), 4);
}
END_TEST

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "a load blocked on a FIFO\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(99);
}

START_TEST(test_load_refuses_fifo_without_blocking)
{
    char p[320];
    ck_assert_int_eq(mkfifo(in_dir(p, sizeof p, "f.nbt"), 0600), 0);
    void (*prev)(int) = signal(SIGALRM, on_alarm);
    alarm(20); /* opening a FIFO for reading waits for a writer */
    int rc = load_ab(p);
    alarm(0);
    signal(SIGALRM, prev);
    ck_assert_int_eq(rc, NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_tensors_load_into: ");
    ck_assert_error(NB_ERR_IO, "f.nbt is a FIFO, not a regular file");
    nb_tensor_list l;
    alarm(20);
    prev = signal(SIGALRM, on_alarm);
    rc = nb_tensors_load(p, &l);
    alarm(0);
    signal(SIGALRM, prev);
    ck_assert_int_eq(rc, NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "nb_tensors_load: ");
    ck_assert_error(NB_ERR_IO, "f.nbt is a FIFO, not a regular file");
    ck_assert_int_eq(l.n, 0);
    ck_assert_int_eq(load_ab(tmpdir), NB_ERR_IO);
    ck_assert_error(NB_ERR_IO, "is a directory, not a regular file");
}
END_TEST

/* ---- killed saves and temporary files ---- */

static void kill_self(int sig)
{
    (void)sig;
    raise(SIGKILL);
}

/* In a child process, start saving 8 MB to m.nbt and die by SIGKILL once
 * 64 KiB are written (the file-size limit raises SIGXFSZ, whose handler
 * kills the process: no code of the save runs after that).  Returns the
 * child's pid. */
static pid_t killed_save(void)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit lim;
        getrlimit(RLIMIT_FSIZE, &lim);
        lim.rlim_cur = 65536;
        signal(SIGXFSZ, kill_self);
        setrlimit(RLIMIT_FSIZE, &lim);
        nb_tensor *big = nb_zeros(NB_F64, 1, (const int64_t[]){1000000});
        nb_tensors_save(tmp("m.nbt"), (const char *[]){"a"}, (nb_tensor *[]){big}, 1);
        _exit(3); /* not reached when the kill worked */
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "the saving child was not killed mid-write (status %#x)", status);
    return pid;
}

START_TEST(test_killed_save_leaves_nothing)
{
    unsigned char old[512];
    size_t n = saved_ab(old, sizeof old);
    killed_save();
    assert_old_file_intact(old, n, 1);
    ck_assert_int_eq(save_ab_first(tmp("m.nbt"), 9), NB_OK);
    ck_assert_int_eq(count_entries(tmpdir), 1);
}
END_TEST

/* A pid no process has (beyond any pid_max). */
static long dead_pid(void)
{
    for (long pid = 0x3ffffff0L; pid > 1; pid -= 7919)
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            return pid;
    ck_abort_msg("every probed pid is in use");
    return -1;
}

static void make_file(const char *name)
{
    char p[320];
    write_all(in_dir(p, sizeof p, name), (const unsigned char *)"junk", 4);
}

START_TEST(test_stale_temporaries_are_removed)
{
    long dead = dead_pid(), live = (long)getppid();
    char name[128];
    ck_assert_int_eq(save_ab_first(tmp("m.nbt"), 1), NB_OK);
    /* Left by saves of m.nbt that were killed: removed by the next save. */
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.7", dead);
    make_file(name);
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.0", dead);
    make_file(name);
    /* Kept: a live process's, another target's, names of another pattern,
     * and anything that is not a regular file. */
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.3", live);
    make_file(name);
    snprintf(name, sizeof name, "other.nbt.tmp.%ld.1", dead);
    make_file(name);
    snprintf(name, sizeof name, "m.nbtx.tmp.%ld.1", dead);
    make_file(name);
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.x", dead);
    make_file(name);
    snprintf(name, sizeof name, "m.nbt.tmp.%ld", dead);
    make_file(name);
    char p[320];
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.9", dead);
    ck_assert_int_eq(mkdir(in_dir(p, sizeof p, name), 0700), 0);
    ck_assert_int_eq(count_entries(tmpdir), 9);
    ck_assert_int_eq(save_ab_first(tmp("m.nbt"), 2), NB_OK);
    ck_assert_int_eq(count_entries(tmpdir), 7);
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.7", dead);
    ck_assert_int_eq(access(in_dir(p, sizeof p, name), F_OK), -1);
    snprintf(name, sizeof name, "m.nbt.tmp.%ld.3", live);
    ck_assert_int_eq(access(in_dir(p, sizeof p, name), F_OK), 0);
    ck_assert_double_eq(first_of(tmp("m.nbt")), 2);
}
END_TEST

/* Where the file system has no O_TMPFILE, saves use named temporary files:
 * the same guarantees, and a killed save's file is removed by the next. */
START_TEST(test_named_temporaries)
{
    nb__tf_set_test_flags(NB__TF_NO_TMPFILE);
    unsigned char old[512];
    size_t n = saved_ab(old, sizeof old);
    ck_assert_int_eq(count_entries(tmpdir), 1);
    ck_assert_int_eq(chmod(tmp("m.nbt"), 0600), 0);

    /* A failed write removes its temporary file. */
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
    ck_assert_error(NB_ERR_IO, "any existing file is unchanged");
    assert_old_file_intact(old, n, 1);

    /* A killed save leaves its file, named after its pid ... */
    pid_t child = killed_save();
    assert_old_file_intact(old, n, 2);
    char name[320], p[640];
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    name[0] = '\0';
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "m.nbt.", 6) == 0)
            snprintf(name, sizeof name, "%s", e->d_name);
    closedir(d);
    char want[64];
    snprintf(want, sizeof want, "m.nbt.tmp.%ld.", (long)child);
    ck_assert_msg(strncmp(name, want, strlen(want)) == 0, "left %s, expected %s*", name, want);
    /* ... which the next save removes. */
    ck_assert_int_eq(save_ab_first(tmp("m.nbt"), 8), NB_OK);
    ck_assert_int_eq(count_entries(tmpdir), 1);
    ck_assert_int_eq(access(in_dir(p, sizeof p, name), F_OK), -1);
    ck_assert_double_eq(first_of(tmp("m.nbt")), 8);
    ck_assert_uint_eq(mode_of(tmp("m.nbt")) & 07777, 0600);

    /* Without /proc the anonymous file is linked with AT_EMPTY_PATH, or,
     * lacking the privilege for that, written again under a name. */
    static const int flags[] = {NB__TF_NO_PROC, NB__TF_NO_PROC | NB__TF_NO_EMPTY_PATH};
    for (int f = 0; f < 2; f++) {
        nb__tf_set_test_flags(flags[f]);
        ck_assert_msg(save_ab_first(tmp("m.nbt"), 10 + f) == NB_OK, "%s", nb_last_error());
        ck_assert_int_eq(count_entries(tmpdir), 1);
        ck_assert_double_eq(first_of(tmp("m.nbt")), 10 + f);
        ck_assert_uint_eq(mode_of(tmp("m.nbt")) & 07777, 0600);
    }
    nb__tf_set_test_flags(0);
}
END_TEST

/* ---- allocation failures ---- */

START_TEST(test_allocation_failures_are_reported)
{
    unsigned char old[512];
    size_t n = saved_ab(old, sizeof old);
    /* Make each allocation of a save fail in turn: the save must report it
     * (and change nothing), never succeed having skipped a step. */
    int hits = 0;
    for (long k = 0; k < 100; k++) {
        arm_alloc_failure(k);
        int rc = save_ab_first(tmp("m.nbt"), 5);
        int hit = disarm_alloc_failure();
        if (!hit) {
            ck_assert_msg(rc == NB_OK, "%s", nb_last_error());
            break;
        }
        hits++;
        ck_assert_msg(rc == NB_ERR_NOMEM, "allocation %ld failed, yet the save returned %d (%s)",
                      k, rc, nb_last_error());
        ck_assert_error(NB_ERR_NOMEM, "nb_tensors_save: ");
        assert_old_file_intact(old, n, 1);
    }
    ck_assert_double_eq(first_of(tmp("m.nbt")), 5);

    for (long k = 0; k < 100; k++) {
        nb_tensor *a = nb_full(NB_F32, 2, (const int64_t[]){2, 3}, 7);
        nb_tensor *b = nb_full(NB_F64, 1, (const int64_t[]){4}, 7);
        arm_alloc_failure(k);
        int rc = nb_tensors_load_into(tmp("m.nbt"), ab_names, (nb_tensor *[]){a, b}, 2);
        int hit = disarm_alloc_failure();
        if (!hit) {
            ck_assert_int_eq(rc, NB_OK);
            ck_assert_double_eq(nb_tensor_get(a, 0), 5);
            break;
        }
        hits++;
        ck_assert_int_eq(rc, NB_ERR_NOMEM);
        ck_assert_error(NB_ERR_NOMEM, "nb_tensors_load_into: ");
        ck_assert_double_eq(nb_tensor_get(a, 0), 7);
        ck_assert_double_eq(nb_tensor_get(b, 3), 7);
    }
    ck_assert_int_ge(hits, 2);
}
END_TEST

/* ---- shapes read from files ---- */

static uint32_t crc32_bits(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    return crc ^ 0xffffffffu;
}

static size_t put_u(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return (size_t)bytes;
}

/* A file with one f32 record "w" of the given dims followed by `data` zero
 * bytes, with a correct length and CRC: only the shape can be wrong. */
static void write_one_record(const char *path, int ndim, const uint64_t *dims, size_t data)
{
    static unsigned char b[1024];
    memset(b, 0, sizeof b);
    size_t k = 0;
    memcpy(b, "\x89NBT\r\n\x1a\n", 8);
    k = 8;
    k += put_u(b + k, 1, 4);
    k += put_u(b + k, 1, 4);
    size_t payload = 4 + 1 + 4 + 8 * (size_t)ndim + data;
    k += put_u(b + k, payload, 8);
    k += put_u(b + k, 1, 4);
    b[k++] = 'w';
    b[k++] = 1;
    b[k++] = (unsigned char)ndim;
    k += 2;
    for (int d = 0; d < ndim; d++)
        k += put_u(b + k, dims[d], 8);
    k += data;
    ck_assert_uint_le(k + 4, sizeof b);
    k += put_u(b + k, crc32_bits(b + 12, k - 12), 4);
    write_all(path, b, k);
}

START_TEST(test_shapes_in_files_are_checked)
{
    nb_tensor_list l;
    write_one_record(tmp("s.nbt"), 2, (const uint64_t[]){1ull << 32, 1ull << 32}, 0);
    ck_assert_int_eq(nb_tensors_load(tmp("s.nbt"), &l), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "nb_tensors_load: ");
    ck_assert_error(NB_ERR_FORMAT, "s.nbt is malformed: record 0 ('w') has shape "
                                   "4294967296x4294967296, too many elements");
    ck_assert_int_eq(l.n, 0);

    write_one_record(tmp("s.nbt"), 1, (const uint64_t[]){1ull << 63}, 0);
    ck_assert_int_eq(nb_tensors_load(tmp("s.nbt"), &l), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "record 0 ('w'): dim 0 is 9223372036854775808 (at most "
                                   "9223372036854775807)");

    write_one_record(tmp("s.nbt"), 2, (const uint64_t[]){3, 1ull << 40}, 8);
    ck_assert_int_eq(nb_tensors_load(tmp("s.nbt"), &l), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "record 0 ('w') has shape 3x1099511627776 (13194139533312 "
                                   "bytes of f32) but only 8 bytes of data follow");

    write_one_record(tmp("s.nbt"), 2, (const uint64_t[]){2, 3}, 20);
    ck_assert_int_eq(nb_tensors_load(tmp("s.nbt"), &l), NB_ERR_FORMAT);
    ck_assert_error(NB_ERR_FORMAT, "record 0 ('w') has shape 2x3 (24 bytes of f32) but only 20 "
                                   "bytes of data follow");

    /* A zero dim is a valid, empty tensor, whatever the other dims. */
    write_one_record(tmp("s.nbt"), 2, (const uint64_t[]){0, 5}, 0);
    ck_assert_msg(nb_tensors_load(tmp("s.nbt"), &l) == NB_OK, "%s", nb_last_error());
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(nb_tensor_ndim(l.tensors[0]), 2);
    ck_assert_int_eq(nb_tensor_dim(l.tensors[0], 0), 0);
    ck_assert_int_eq(nb_tensor_dim(l.tensors[0], 1), 5);
    ck_assert_int_eq(nb_tensor_numel(l.tensors[0]), 0);
    nb_tensor *e = nb_zeros(NB_F32, 2, (const int64_t[]){0, 5});
    ck_assert_int_eq(nb_tensors_load_into(tmp("s.nbt"), (const char *[]){"w"},
                                          (nb_tensor *[]){e}, 1),
                     NB_OK);
}
END_TEST

/* ---- a failed model load changes nothing ---- */

START_TEST(test_failed_model_load_keeps_trained_parameters)
{
    char p[320], q[320];
    nb_model *net = nb_bpnet_new((const int64_t[]){3, 4, 2}, 3, NULL,
                                 &(nb_bpnet_opts){.dtype = NB_F64, .seed = 1});
    ck_assert_ptr_nonnull(net);
    nb_optim *opt = nb_sgd_new(net, NULL);
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *x = nb_rand_uniform(&rng, NB_F64, 2, (const int64_t[]){16, 3}, -1, 1);
    nb_tensor *y = nb_rand_uniform(&rng, NB_F64, 2, (const int64_t[]){16, 2}, -1, 1);
    nb_train_opts topts = {.epochs = 5, .min_grad = -1, .verbose = -1};
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y}, &topts,
                              NULL),
                     NB_OK);
    const char *good = in_dir(p, sizeof p, "good.nbt");
    ck_assert_int_eq(nb_model_save(net, good), NB_OK);
    ck_assert_int_eq(nb_train(net, opt, nb_mse_loss, &(nb_train_data){.x = x, .y = y}, &topts,
                              NULL),
                     NB_OK);

    nb_tensor *flat = nb_model_params_flat(net);
    int64_t numel = nb_tensor_numel(flat);
    double *before = malloc(sizeof *before * (size_t)numel);
    ck_assert_ptr_nonnull(before);
    memcpy(before, nb_tensor_data_f64(flat), sizeof *before * (size_t)numel);
    int np = nb_model_num_params(net);
    uint64_t versions[16];
    ck_assert_int_le(np, 16);
    for (int i = 0; i < np; i++)
        versions[i] = nb_tensor_version(nb_model_param_at(net, i));

    /* The bad files. */
    unsigned char buf[4096];
    size_t n = read_all(good, buf, sizeof buf);
    ck_assert_uint_lt(n, sizeof buf);
    write_all(in_dir(q, sizeof q, "truncated.nbt"), buf, n - 1);
    buf[n - 6] ^= 0x40; /* the last parameter's last element */
    write_all(in_dir(q, sizeof q, "crc.nbt"), buf, n);
    nb_model *other = nb_bpnet_new((const int64_t[]){3, 5, 2}, 3, NULL,
                                   &(nb_bpnet_opts){.dtype = NB_F64, .seed = 2});
    ck_assert_int_eq(nb_model_save(other, in_dir(q, sizeof q, "other.nbt")), NB_OK);
    nb_model_free(other);
    const char *names[16];
    nb_tensor *ts[16];
    for (int i = 0; i < np; i++) {
        names[i] = nb_model_param_name(net, i);
        ts[i] = nb_model_param_at(net, i);
    }
    ck_assert_int_eq(nb_tensors_save(in_dir(q, sizeof q, "missing.nbt"), names, ts, np - 1), NB_OK);
    ts[np - 1] = nb_zeros(NB_F32, nb_tensor_ndim(ts[np - 1]),
                          (const int64_t[]){nb_tensor_dim(ts[np - 1], 0),
                                            nb_tensor_ndim(ts[np - 1]) > 1 ? nb_tensor_dim(ts[np - 1], 1) : 1});
    ck_assert_int_eq(nb_tensors_save(in_dir(q, sizeof q, "dtype.nbt"), names, ts, np), NB_OK);
    ck_assert_int_eq(mkfifo(in_dir(q, sizeof q, "fifo.nbt"), 0600), 0);
    ck_assert_int_eq(mkdir(in_dir(q, sizeof q, "dir.nbt"), 0700), 0);

    static const char *const bad[] = {"truncated.nbt", "crc.nbt", "other.nbt", "missing.nbt",
                                      "dtype.nbt", "fifo.nbt", "dir.nbt", "absent.nbt"};
    static const nb_status want[] = {NB_ERR_FORMAT, NB_ERR_FORMAT, NB_ERR_SHAPE, NB_ERR_ARG,
                                     NB_ERR_DTYPE, NB_ERR_IO, NB_ERR_IO, NB_ERR_IO};
    void (*prev)(int) = signal(SIGALRM, on_alarm);
    for (size_t f = 0; f < sizeof bad / sizeof *bad; f++) {
        alarm(20);
        int rc = nb_model_load(net, in_dir(q, sizeof q, bad[f]));
        alarm(0);
        ck_assert_msg(rc == (int)want[f], "%s: status %d, expected %d (%s)", bad[f], rc,
                      (int)want[f], nb_last_error());
        ck_assert_msg(strstr(nb_last_error(), bad[f]) != NULL, "%s", nb_last_error());
        flat = nb_model_params_flat(net);
        ck_assert_msg(memcmp(nb_tensor_data_f64(flat), before, sizeof *before * (size_t)numel) == 0,
                      "loading %s changed a parameter", bad[f]);
        for (int i = 0; i < np; i++)
            ck_assert_uint_eq(nb_tensor_version(nb_model_param_at(net, i)), versions[i]);
    }
    signal(SIGALRM, prev);
    /* The good file loads, and differs from the trained parameters. */
    ck_assert_int_eq(nb_model_load(net, good), NB_OK);
    ck_assert(memcmp(nb_tensor_data_f64(nb_model_params_flat(net)), before,
                     sizeof *before * (size_t)numel) != 0);
    free(before);
    nb_optim_free(opt);
    nb_model_free(net);
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
    tcase_add_test(tc, test_save_keeps_mode);
    tcase_add_test(tc, test_save_keeps_owner);
    tcase_add_test(tc, test_save_writes_through_symlinks);
    tcase_add_test(tc, test_save_refuses_dangling_and_looping_symlinks);
    tcase_add_test(tc, test_save_refuses_what_is_not_a_regular_file);
    tcase_add_test(tc, test_load_refuses_fifo_without_blocking);
    tcase_add_test(tc, test_killed_save_leaves_nothing);
    tcase_add_test(tc, test_stale_temporaries_are_removed);
    tcase_add_test(tc, test_named_temporaries);
    tcase_add_test(tc, test_allocation_failures_are_reported);
    tcase_add_test(tc, test_shapes_in_files_are_checked);
    tcase_add_test(tc, test_failed_model_load_keeps_trained_parameters);
    suite_add_tcase(s, tc);
    return nb_test_run(s);
}
