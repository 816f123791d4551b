/* Helpers of the misuse catalogue suites (tests/test_errors_*.c, one entry
 * of docs/errors.md per test, in the same order and with the same number).
 *
 * The suites are compiled as user code (no NB_BUILDING_LIBRARY), so the
 * call-site macros are on and each message is the one a user sees.  With
 * NB_ERRORS_SHOW set in the environment every entry also prints its test,
 * status and full message on stdout: that output is what docs/errors.md
 * quotes. */
#ifndef NB_TEST_ERRORS_H
#define NB_TEST_ERRORS_H

/* Each suite defines _GNU_SOURCE before its first include (mkdtemp, lstat,
 * mkfifo). */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

/* The enum name of a status, as docs/errors.md lists it. */
static inline const char *e_status_enum(nb_status s)
{
    static const char *const names[] = {"NB_OK",        "NB_ERR_NULL",   "NB_ERR_SHAPE",
                                        "NB_ERR_DTYPE", "NB_ERR_ARG",    "NB_ERR_NOMEM",
                                        "NB_ERR_IO",    "NB_ERR_FORMAT", "NB_ERR_STATE",
                                        "NB_ERR_GRAD",  "NB_ERR_NUMERIC", "NB_ERR_MISMATCH"};
    return s <= 0 && s >= NB_ERR_MISMATCH ? names[-s] : "?";
}

/* Print the entry's outcome when NB_ERRORS_SHOW is set; then assert the
 * status and a substring of the message that identifies the entry. */
#define E_EXPECT(status, needle)                                                                   \
    do {                                                                                           \
        if (getenv("NB_ERRORS_SHOW"))                                                              \
            printf("%s | %s | %s\n", __func__, e_status_enum(nb_last_status()), nb_last_error());  \
        fflush(stdout);                                                                            \
        ck_assert_error((status), (needle));                                                       \
    } while (0)

/* A second substring, for messages with a call site (file:line) between
 * the two parts that identify the entry. */
#define E_ALSO(needle)                                                                             \
    ck_assert_msg(strstr(nb_last_error(), (needle)) != NULL, "message '%s' lacks '%s'",            \
                  nb_last_error(), (needle))

/* A call returning a pointer: it must give NULL, with status and message. */
#define E_NULL(call, status, needle)                                                               \
    do {                                                                                           \
        const void *r_ = (call);                                                                   \
        ck_assert_msg(r_ == NULL, "expected NULL from %s", #call);                                 \
        E_EXPECT((status), (needle));                                                              \
    } while (0)

/* A call returning an int status: it must return `status`, with the message. */
#define E_FAIL(call, status, needle)                                                               \
    do {                                                                                           \
        int r_ = (call);                                                                           \
        ck_assert_int_eq(r_, (status));                                                            \
        E_EXPECT((status), (needle));                                                              \
    } while (0)

/* A temporary folder per test, under $TMPDIR or /tmp, removed at teardown
 * (it holds only plain files, FIFOs and folders made by the test). */
static char e_tmpdir[200];
static char e_pathbuf[320];

static inline void e_rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[640];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            e_rm_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static inline void e_dir_setup(void)
{
    nb_test_setup();
    const char *base = getenv("TMPDIR");
    if (!base || !base[0] || strlen(base) > 150)
        base = "/tmp";
    snprintf(e_tmpdir, sizeof e_tmpdir, "%s/nb_errors_XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(e_tmpdir));
}

static inline void e_dir_teardown(void)
{
    e_rm_tree(e_tmpdir);
    nb_test_teardown();
}

/* DIR/name inside the test's folder (one buffer: copy it to keep two). */
static inline const char *e_path(const char *name)
{
    snprintf(e_pathbuf, sizeof e_pathbuf, "%s/%s", e_tmpdir, name);
    return e_pathbuf;
}

static inline void e_write(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* A test case whose tests get a temporary folder besides the arena. */
static inline TCase *e_dir_case(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, e_dir_setup, e_dir_teardown);
    tcase_set_timeout(tc, 600);
    return tc;
}

#endif
