/* Tensor files: named tensors in a small checksummed binary format
 * (docs/file-format.md).  Every multi-byte field is written byte by byte in
 * little-endian order, so files move between hosts.
 *
 * Saving writes a temporary file in the target's own folder (anonymous,
 * O_TMPFILE, where the file system has it), syncs it, gives it the old
 * file's mode and owner, renames it over the target and syncs the folder.
 * So a crash, a kill or a full disk never leaves a half-written file where a
 * good one was, nor a temporary file behind (the named fallback's leftovers
 * are removed by the next save).  Symbolic links are followed to the file
 * they name; anything that is not a regular file is refused. */
#define _GNU_SOURCE /* O_TMPFILE, AT_EMPTY_PATH */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/tensor_internal.h"
#include "io/tensor_file.h"
#include "io/tensor_file_internal.h"
#include "nabla/io.h"

static const unsigned char nb_tf_magic[8] = {0x89, 'N', 'B', 'T', '\r', '\n', 0x1a, '\n'};
enum {
    NB_TF_VERSION = 1,
    NB_TF_HEADER = 24,    /* magic 8 + version 4 + count 4 + payload length 8 */
    NB_TF_MAX_NAME = 4096,
    NB_TF_F32 = 1,
    NB_TF_F64 = 2
};

/* ---- little-endian encoding ---- */

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* ---- writing ---- */

/* A buffered writer that keeps the CRC of everything after the version. */
typedef struct tf_writer {
    int fd;
    unsigned char buf[1 << 16]; /* one write(2) per 64 KiB */
    size_t len;
    uLong crc;
    int failed; /* errno of the first failure, 0 if none */
} tf_writer;

static void w_flush(tf_writer *w)
{
    const unsigned char *p = w->buf;
    size_t left = w->failed ? 0 : w->len;
    while (left) {
        ssize_t k = write(w->fd, p, left);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            w->failed = k < 0 ? errno : EIO;
            break;
        }
        p += k;
        left -= (size_t)k;
    }
    w->len = 0;
}

static void w_bytes(tf_writer *w, const void *data, size_t n, int in_crc)
{
    const unsigned char *p = data;
    if (in_crc && n)
        w->crc = crc32(w->crc, p, (uInt)n);
    while (n) {
        size_t room = sizeof w->buf - w->len, k = n < room ? n : room;
        memcpy(w->buf + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
        if (w->len == sizeof w->buf)
            w_flush(w);
    }
}

static void w_le(tf_writer *w, uint64_t v, int bytes, int in_crc)
{
    unsigned char b[8];
    put_le(b, v, bytes);
    w_bytes(w, b, (size_t)bytes, in_crc);
}

/* Element data in little-endian IEEE-754, converted block by block. */
static void w_data(tf_writer *w, const nb_tensor *t)
{
    unsigned char b[4096];
    size_t esize = nb_dtype_size(t->dtype), per = sizeof b / esize, k = 0;
    for (int64_t i = 0; i < t->numel; i++) {
        if (t->dtype == NB_F32) {
            uint32_t u;
            memcpy(&u, (const float *)t->data + i, 4);
            put_le(b + k * 4, u, 4);
        } else {
            uint64_t u;
            memcpy(&u, (const double *)t->data + i, 8);
            put_le(b + k * 8, u, 8);
        }
        if (++k == per) {
            w_bytes(w, b, k * esize, 1);
            k = 0;
        }
    }
    w_bytes(w, b, k * esize, 1);
}

static uint64_t record_bytes(const char *name, const nb_tensor *t)
{
    return 4 + strlen(name) + 4 + 8 * (uint64_t)t->ndim + (uint64_t)t->numel * nb_dtype_size(t->dtype);
}

static const char *tensor_name_at(const char *const *names, nb_tensor *const *tensors, int i)
{
    return names ? names[i] : nb_tensor_name(tensors[i]);
}

static int check_save_args(const char *op, const char *path, const char *const *names,
                           nb_tensor *const *tensors, int n)
{
    if (!path)
        return nb__null_input(op, "path");
    if (n < 0)
        return nb__error(NB_ERR_ARG, "%s: n is %d (must be >= 0)", op, n);
    if (n > 0 && !tensors)
        return nb__null_input(op, "tensors");
    for (int i = 0; i < n; i++) {
        char what[48];
        snprintf(what, sizeof what, "tensors[%d]", i);
        int rc = nb__check_tensor(tensors[i], op, what);
        if (rc < 0)
            return rc;
        const char *name = tensor_name_at(names, tensors, i);
        if (!name || !name[0])
            return nb__error(NB_ERR_ARG, "%s: tensor %d has no name (%s)", op, i,
                             names ? "names[i] is NULL or empty"
                                   : "names is NULL and the tensor has no nb_tensor_name");
        if (strlen(name) > NB_TF_MAX_NAME)
            return nb__error(NB_ERR_ARG, "%s: name of tensor %d is longer than %d bytes", op, i,
                             NB_TF_MAX_NAME);
        for (int j = 0; j < i; j++)
            if (strcmp(name, tensor_name_at(names, tensors, j)) == 0)
                return nb__error(NB_ERR_ARG, "%s: tensors %d and %d are both named '%s'", op, j,
                                 i, name);
    }
    return NB_OK;
}

/* ---- where the file goes ---- */

/* "a FIFO", "a directory", ...: what a non-regular file is, for messages. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "a file of an unknown kind";
}

enum { TF_MAX_LINKS = 40 }; /* links followed before giving up, as the kernel does */

/* Everything a save needs, in one allocation made before anything is
 * created, so that no later step can fail for memory (in particular not the
 * folder sync that makes the rename durable). */
typedef struct tf_save {
    tf_writer w;
    int dirfd;               /* the folder the file is (to be) in, after links */
    char base[NAME_MAX + 1]; /* the file's name in that folder */
    char tmp[NAME_MAX + 1];  /* the temporary file's name, once it has one */
    char link[PATH_MAX];     /* the last symbolic link's target, as written */
    int links;               /* symbolic links followed */
    int exists;              /* a regular file is there: keep its mode and owner */
    struct stat st;          /* ... its status */
} tf_save;

/* Open the folder part of `path` (relative to `at`) into *dirfd and copy the
 * part after the last '/', which must not be empty, into base.  Returns 0
 * or an errno. */
static int open_parent(int at, const char *path, int *dirfd, char *base)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (strlen(name) > NAME_MAX)
        return ENAMETOOLONG;
    char dir[PATH_MAX];
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else {
        size_t len = (size_t)(slash - path);
        if (len >= sizeof dir)
            return ENAMETOOLONG;
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    int fd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    strcpy(base, name);
    *dirfd = fd;
    return 0;
}

static int dangling(const char *op, const char *path, const tf_save *s)
{
    return nb__error(NB_ERR_IO,
                     "%s: %s is a symbolic link to %s, which does not exist; nothing was written "
                     "(create the file first, or remove the link)",
                     op, path, s->link);
}

/* Find the file a save to `path` replaces: follow symbolic links (a link's
 * target is relative to the link's folder) to a regular file or to a name
 * that does not exist yet, the latter only for `path` itself.  A dangling
 * link, a loop of links and anything that is not a regular file are
 * refused, before anything is written.  On success s->dirfd is open. */
static int resolve_target(const char *op, const char *path, tf_save *s)
{
    int at = AT_FDCWD;
    const char *next = path;
    s->dirfd = -1;
    s->links = 0;
    s->exists = 0;
    if (!path[0])
        return nb__error(NB_ERR_ARG, "%s: path is empty (expected a file name)", op);
    for (;;) {
        const char *slash = strrchr(next, '/');
        if (!(slash ? slash[1] : next[0])) {
            if (at != AT_FDCWD)
                close(at);
            return s->links ? nb__error(NB_ERR_IO,
                                        "%s: %s is a symbolic link to %s, which names a folder, "
                                        "not a file; nothing was written",
                                        op, path, s->link)
                            : nb__error(NB_ERR_ARG,
                                        "%s: '%s' names a folder, not a file (expected a file "
                                        "name after the last '/')",
                                        op, path);
        }
        int e = open_parent(at, next, &s->dirfd, s->base);
        if (at != AT_FDCWD)
            close(at);
        if (e && s->links && e == ENOENT)
            return dangling(op, path, s);
        if (e && s->links)
            return nb__error(NB_ERR_IO,
                             "%s: cannot follow the symbolic link %s to %s: %s; nothing was "
                             "written",
                             op, path, s->link, strerror(e));
        if (e)
            return nb__error(NB_ERR_IO,
                             "%s: cannot open the folder of %s: %s; nothing was written (does "
                             "the folder exist?)",
                             op, path, strerror(e));
        if (fstatat(s->dirfd, s->base, &s->st, AT_SYMLINK_NOFOLLOW) != 0) {
            e = errno;
            if (e == ENOENT && !s->links)
                return NB_OK; /* a new file */
            if (e == ENOENT)
                return dangling(op, path, s);
            return nb__error(NB_ERR_IO, "%s: cannot examine %s: %s; nothing was written", op, path,
                             strerror(e));
        }
        if (S_ISREG(s->st.st_mode)) {
            s->exists = 1;
            return NB_OK;
        }
        if (!S_ISLNK(s->st.st_mode)) {
            if (s->links)
                return nb__error(NB_ERR_IO,
                                 "%s: %s is a symbolic link to %s, which is %s, not a regular "
                                 "file; nothing was written",
                                 op, path, s->link, file_kind(s->st.st_mode));
            return nb__error(NB_ERR_IO, "%s: %s is %s, not a regular file; nothing was written", op,
                             path, file_kind(s->st.st_mode));
        }
        if (++s->links > TF_MAX_LINKS)
            return nb__error(NB_ERR_IO, "%s: cannot follow %s: %s; nothing was written", op, path,
                             strerror(ELOOP));
        ssize_t len = readlinkat(s->dirfd, s->base, s->link, sizeof s->link);
        if (len < 0 || (size_t)len >= sizeof s->link)
            return nb__error(NB_ERR_IO,
                             "%s: cannot read the symbolic link %s: %s; nothing was written", op,
                             path, strerror(len < 0 ? errno : ENAMETOOLONG));
        s->link[len] = '\0';
        at = s->dirfd;
        s->dirfd = -1;
        next = s->link;
    }
}

/* ---- temporary files ---- */

static _Thread_local int tf_test_flags;

void nb__tf_set_test_flags(int flags) { tf_test_flags = flags; }

/* Give the temporary file the name "<base>.tmp.<pid>.<k>", for the first k
 * not in use: create it (fd < 0; the new descriptor goes to *fd_out) or link
 * the anonymous file fd to it.  Returns 0 or an errno. */
static int name_temp(tf_save *s, int fd, mode_t mode, int *fd_out)
{
    static _Thread_local unsigned counter;
    for (int attempt = 0; attempt < 1000; attempt++) {
        int w = snprintf(s->tmp, sizeof s->tmp, "%s.tmp.%ld.%u", s->base, (long)getpid(),
                         counter++);
        if (w < 0 || (size_t)w >= sizeof s->tmp)
            return ENAMETOOLONG;
        int rc;
        if (fd < 0) {
            rc = openat(s->dirfd, s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
            if (rc >= 0) {
                *fd_out = rc;
                return 0;
            }
        } else {
            /* Through /proc, which needs no privilege; else AT_EMPTY_PATH,
             * which works without /proc but needs CAP_DAC_READ_SEARCH. */
            char proc[32];
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
            errno = ENOENT;
            rc = (tf_test_flags & NB__TF_NO_PROC)
                     ? -1
                     : linkat(AT_FDCWD, proc, s->dirfd, s->tmp, AT_SYMLINK_FOLLOW);
#ifdef AT_EMPTY_PATH
            if (rc != 0 && errno != EEXIST && !(tf_test_flags & NB__TF_NO_EMPTY_PATH))
                rc = linkat(fd, "", s->dirfd, s->tmp, AT_EMPTY_PATH);
#endif
            if (rc == 0)
                return 0;
        }
        if (errno != EEXIST)
            return errno;
    }
    return EEXIST;
}

/* Remove "<base>.tmp.<pid>.<k>" files that saves of the same file left when
 * their process died mid-save (where no anonymous temporary file could be
 * used, or by an older version of this library), if that pid no longer
 * exists.  Best effort: a folder that cannot be listed is left alone. */
static void remove_stale_temps(const tf_save *s)
{
    int fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    size_t bl = strlen(s->base);
    pid_t self = getpid();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strncmp(n, s->base, bl) != 0 || strncmp(n + bl, ".tmp.", 5) != 0)
            continue;
        const char *p = n + bl + 5, *digits = p;
        long long pid = 0;
        while (*p >= '0' && *p <= '9' && pid <= INT_MAX)
            pid = pid * 10 + (*p++ - '0');
        if (p == digits || *digits == '0' || *p != '.' || p[1] < '0' || p[1] > '9')
            continue;
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
        /* Our own pid may be another thread's save in progress; a live
         * process, or one we may not signal (EPERM), may still be writing. */
        if (*p || pid <= 0 || pid > INT_MAX || (pid_t)pid == self)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        struct stat st;
        if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            (void)unlinkat(fd, n, 0);
    }
    closedir(d);
}

/* ---- the save ---- */

/* Write the whole file to fd and sync it.  Returns 0 or an errno. */
static int write_file(tf_writer *w, int fd, const char *const *names, nb_tensor *const *tensors,
                      int n, uint64_t payload)
{
    w->fd = fd;
    w->len = 0;
    w->failed = 0;
    w->crc = crc32(0L, Z_NULL, 0);
    w_bytes(w, nb_tf_magic, sizeof nb_tf_magic, 0);
    w_le(w, NB_TF_VERSION, 4, 0);
    w_le(w, (uint64_t)n, 4, 1);
    w_le(w, payload, 8, 1);
    for (int i = 0; i < n && !w->failed; i++) {
        const nb_tensor *t = tensors[i];
        const char *name = tensor_name_at(names, tensors, i);
        size_t nl = strlen(name);
        w_le(w, nl, 4, 1);
        w_bytes(w, name, nl, 1);
        w_le(w, t->dtype == NB_F32 ? NB_TF_F32 : NB_TF_F64, 1, 1);
        w_le(w, (uint64_t)t->ndim, 1, 1);
        w_le(w, 0, 2, 1);
        for (int d = 0; d < t->ndim; d++)
            w_le(w, (uint64_t)t->shape[d], 8, 1);
        w_data(w, t);
    }
    w_le(w, w->crc, 4, 0);
    w_flush(w);
    if (!w->failed && fsync(fd) != 0)
        w->failed = errno;
    return w->failed;
}

/* Give the temporary file the replaced file's owner and group where
 * permitted (EPERM is the normal case for a user saving over someone else's
 * file they may write: then at least the group, if the user is in it), then
 * its mode (after fchown, which may clear set-id bits). */
static int copy_owner_and_mode(const tf_save *s, int fd)
{
    if (!s->exists)
        return 0;
    struct stat now;
    if (fstat(fd, &now) != 0)
        return errno;
    if ((now.st_uid != s->st.st_uid || now.st_gid != s->st.st_gid) &&
        fchown(fd, s->st.st_uid, s->st.st_gid) != 0) {
        if (errno != EPERM)
            return errno;
        if (now.st_gid != s->st.st_gid && fchown(fd, (uid_t)-1, s->st.st_gid) != 0 &&
            errno != EPERM)
            return errno;
    }
    if (fchmod(fd, s->st.st_mode & 07777) != 0)
        return errno;
    return 0;
}

typedef enum tf_stage { TF_CREATE, TF_OWNER, TF_WRITE, TF_RENAME } tf_stage;

/* Write a complete, synced temporary file, named s->tmp in s->dirfd.  It is
 * an anonymous file (O_TMPFILE) that gets its name only once complete where
 * the file system allows, so that a save killed while writing leaves
 * nothing; otherwise a named file from the start.  On failure nothing is
 * left and *stage says which step failed.  Returns 0 or an errno. */
static int write_temp(tf_save *s, const char *const *names, nb_tensor *const *tensors, int n,
                      uint64_t payload, tf_stage *stage)
{
    /* Private until it has the old file's mode; a new file gets 0666 & ~umask. */
    mode_t mode = s->exists ? 0600 : 0666;
    int try_anon = !(tf_test_flags & NB__TF_NO_TMPFILE);
    for (;;) {
        int fd = -1, anon = 0, named = 0, e;
#ifdef O_TMPFILE
        if (try_anon) {
            fd = openat(s->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
            /* Without O_TMPFILE in the kernel or the file system: EISDIR,
             * EOPNOTSUPP or EINVAL. */
            if (fd >= 0)
                anon = 1;
            else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
                *stage = TF_CREATE;
                return errno;
            }
        }
#endif
        if (!anon) {
            e = name_temp(s, -1, mode, &fd);
            if (e) {
                *stage = TF_CREATE;
                return e;
            }
            named = 1;
        }
        *stage = TF_OWNER;
        e = copy_owner_and_mode(s, fd);
        if (!e) {
            *stage = TF_WRITE;
            e = write_file(&s->w, fd, names, tensors, n, payload);
        }
        int relink = 0;
        if (!e && anon) {
            e = name_temp(s, fd, 0, NULL);
            /* No /proc and no privilege for AT_EMPTY_PATH, say: write it
             * again under a name. */
            relink = e != 0;
            named = !relink;
        }
        if (close(fd) != 0 && !e) {
            *stage = TF_WRITE;
            e = errno;
        }
        if (relink) {
            try_anon = 0;
            continue;
        }
        if (e && named)
            (void)unlinkat(s->dirfd, s->tmp, 0);
        return e;
    }
}

int nb_tensors_save(const char *path, const char *const *names, nb_tensor *const *tensors, int n)
{
    return nb__tensors_save_as("nb_tensors_save", path, names, tensors, n);
}

int nb__tensors_save_as(const char *op, const char *path, const char *const *names,
                        nb_tensor *const *tensors, int n)
{
    int rc = check_save_args(op, path, names, tensors, n);
    if (rc < 0)
        return rc;

    uint64_t payload = 0;
    for (int i = 0; i < n; i++)
        payload += record_bytes(tensor_name_at(names, tensors, i), tensors[i]);

    tf_save *s = malloc(sizeof *s);
    if (!s)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory saving %s; nothing was written", op,
                         path);
    rc = resolve_target(op, path, s);
    if (rc < 0) {
        if (s->dirfd >= 0)
            close(s->dirfd);
        free(s);
        return rc;
    }
    remove_stale_temps(s);

    tf_stage stage = TF_CREATE;
    int e = write_temp(s, names, tensors, n, payload, &stage);
    if (!e && renameat(s->dirfd, s->tmp, s->dirfd, s->base) != 0) {
        e = errno;
        stage = TF_RENAME;
        (void)unlinkat(s->dirfd, s->tmp, 0);
    }
    if (e) {
        if (stage == TF_CREATE)
            nb__error(NB_ERR_IO,
                      "%s: cannot create a temporary file in the folder of %s: %s (any existing "
                      "file is unchanged)",
                      op, path, strerror(e));
        else if (stage == TF_OWNER)
            nb__error(NB_ERR_IO,
                      "%s: cannot give the new %s the old file's owner and mode %04o: %s (the "
                      "existing file is unchanged)",
                      op, path, (unsigned)(s->st.st_mode & 07777), strerror(e));
        else
            nb__error(NB_ERR_IO, "%s: writing %s failed: %s (any existing file is unchanged)", op,
                      path, strerror(e));
        close(s->dirfd);
        free(s);
        return NB_ERR_IO;
    }
    /* Make the rename durable.  EINVAL: the file system cannot sync a
     * folder, and there is nothing more to do. */
    if (fsync(s->dirfd) != 0 && errno != EINVAL)
        e = errno;
    close(s->dirfd);
    free(s);
    if (e)
        return nb__error(NB_ERR_IO,
                         "%s: %s was replaced, but syncing its folder failed: %s (the new file may "
                         "not survive a crash; save again)",
                         op, path, strerror(e));
    return NB_OK;
}

/* ---- reading ---- */

/* One tensor record found in a loaded file. */
typedef struct tf_record {
    const char *name; /* not NUL-terminated: name_len bytes */
    size_t name_len;
    nb_dtype dtype;
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    int64_t numel;
    const unsigned char *data;
} tf_record;

typedef struct tf_file {
    unsigned char *bytes;
    int n;
    tf_record *rec;
} tf_file;

static void tf_free(tf_file *tf)
{
    free(tf->bytes);
    free(tf->rec);
    tf->bytes = NULL;
    tf->rec = NULL;
}

/* Free tf and record "<op>: <path> is malformed: <what>". */
static int tf_bad(const char *op, const char *path, tf_file *tf, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int tf_bad(const char *op, const char *path, tf_file *tf, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    tf_free(tf);
    return nb__error(NB_ERR_FORMAT, "%s: %s is malformed: %s", op, path, what);
}

/* Read the whole file, check magic/version/length/CRC and index the records. */
static int tf_read(const char *op, const char *path, tf_file *tf)
{
    memset(tf, 0, sizeof *tf);
    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return nb__error(NB_ERR_IO, "%s: cannot open %s: %s", op, path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return nb__error(NB_ERR_IO, "%s: cannot examine %s: %s", op, path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return nb__error(NB_ERR_IO, "%s: %s is %s, not a regular file", op, path,
                         file_kind(st.st_mode));
    }
    if ((uint64_t)st.st_size > SIZE_MAX - 1) {
        close(fd);
        return nb__error(NB_ERR_NOMEM, "%s: %s is too large to read (%lld bytes)", op, path,
                         (long long)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    tf->bytes = malloc(size ? size : 1);
    if (!tf->bytes) {
        close(fd);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory reading %s (%zu bytes)", op, path, size);
    }
    size_t got = 0;
    int rerr = 0;
    while (got < size) {
        ssize_t k = read(fd, tf->bytes + got, size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rerr = k < 0 ? errno : 0;
            break;
        }
        got += (size_t)k;
    }
    close(fd);
    if (got != size) {
        tf_free(tf);
        if (rerr)
            return nb__error(NB_ERR_IO, "%s: read error on %s: %s", op, path, strerror(rerr));
        return nb__error(NB_ERR_FORMAT, "%s: %s shrank while being read (%zu of %zu bytes)", op,
                         path, got, size);
    }
    const unsigned char *b = tf->bytes;
    if (size < sizeof nb_tf_magic || memcmp(b, nb_tf_magic, sizeof nb_tf_magic) != 0) {
        tf_free(tf);
        return nb__error(NB_ERR_FORMAT, "%s: %s is not a nabla tensor file (wrong magic bytes)", op,
                         path);
    }
    if (size < NB_TF_HEADER + 4) {
        tf_free(tf);
        return nb__error(NB_ERR_FORMAT, "%s: %s is truncated (%zu bytes, header needs %d)", op,
                         path, size, NB_TF_HEADER + 4);
    }
    uint32_t version = (uint32_t)get_le(b + 8, 4);
    if (version == 0 || version > NB_TF_VERSION) {
        tf_free(tf);
        return nb__error(NB_ERR_FORMAT,
                         "%s: %s has format version %u; this library reads version %d%s", op, path,
                         version, NB_TF_VERSION, version > NB_TF_VERSION ? " (file is newer)" : "");
    }
    uint32_t count = (uint32_t)get_le(b + 12, 4);
    uint64_t payload = get_le(b + 16, 8);
    if (payload > size - NB_TF_HEADER - 4 || payload != size - NB_TF_HEADER - 4) {
        tf_free(tf);
        if (payload > size - NB_TF_HEADER - 4)
            return nb__error(NB_ERR_FORMAT,
                             "%s: %s is truncated (header announces %llu payload bytes, file holds %zu)",
                             op, path, (unsigned long long)payload, size - NB_TF_HEADER - 4);
        return nb__error(NB_ERR_FORMAT, "%s: %s has %llu unexpected bytes after the payload", op,
                         path, (unsigned long long)(size - NB_TF_HEADER - 4 - payload));
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, b + 12, (uInt)(NB_TF_HEADER - 12));
    for (uint64_t off = 0; off < payload;) {
        uint64_t k = payload - off > (1u << 30) ? (1u << 30) : payload - off;
        crc = crc32(crc, b + NB_TF_HEADER + off, (uInt)k);
        off += k;
    }
    uint32_t stored = (uint32_t)get_le(b + NB_TF_HEADER + payload, 4);
    if ((uint32_t)crc != stored) {
        tf_free(tf);
        return nb__error(NB_ERR_FORMAT,
                         "%s: %s is corrupted: CRC-32 is %08lx, file says %08lx", op, path,
                         (unsigned long)(uint32_t)crc, (unsigned long)stored);
    }
    if (count > payload / 12 + 1) {
        tf_free(tf);
        return nb__error(NB_ERR_FORMAT, "%s: %s claims %u tensors in %llu bytes", op, path, count,
                         (unsigned long long)payload);
    }
    tf->rec = calloc(count ? count : 1, sizeof *tf->rec);
    if (!tf->rec) {
        tf_free(tf);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory reading %s", op, path);
    }
    /* The checksum matched, but a file written by something else could still
     * be inconsistent: every field is bounds-checked against the payload, and
     * every shape passes the library's own shape rule (nb__shape_numel), so
     * what loads here can be made into a tensor. */
    const unsigned char *p = b + NB_TF_HEADER, *end = p + payload;
    for (uint32_t i = 0; i < count; i++) {
        tf_record *r = &tf->rec[i];
        if (end - p < 4)
            return tf_bad(op, path, tf, "record %u is cut off before its name", i);
        r->name_len = (size_t)get_le(p, 4);
        p += 4;
        if (r->name_len == 0 || r->name_len > NB_TF_MAX_NAME)
            return tf_bad(op, path, tf, "record %u has a name of %zu bytes (1..%d allowed)", i,
                          r->name_len, NB_TF_MAX_NAME);
        if ((size_t)(end - p) < r->name_len + 4)
            return tf_bad(op, path, tf, "record %u is cut off in its name or dtype", i);
        r->name = (const char *)p;
        p += r->name_len;
        int nl = r->name_len > 64 ? 64 : (int)r->name_len; /* in messages */
        int code = p[0];
        r->ndim = p[1];
        if (code != NB_TF_F32 && code != NB_TF_F64)
            return tf_bad(op, path, tf, "record %u ('%.*s') has dtype code %d (1 = f32, 2 = f64)",
                          i, nl, r->name, code);
        if (r->ndim > NB_MAX_DIMS)
            return tf_bad(op, path, tf, "record %u ('%.*s') has %d dims (at most %d)", i, nl,
                          r->name, r->ndim, NB_MAX_DIMS);
        if (p[2] || p[3])
            return tf_bad(op, path, tf, "record %u ('%.*s') has nonzero reserved bytes", i, nl,
                          r->name);
        r->dtype = code == NB_TF_F32 ? NB_F32 : NB_F64;
        p += 4;
        if ((size_t)(end - p) < 8 * (size_t)r->ndim)
            return tf_bad(op, path, tf, "record %u ('%.*s') is cut off in its dims", i, nl,
                          r->name);
        for (int d = 0; d < r->ndim; d++) {
            uint64_t dim = get_le(p, 8);
            p += 8;
            if (dim > (uint64_t)INT64_MAX)
                return tf_bad(op, path, tf, "record %u ('%.*s'): dim %d is %llu (at most %lld)", i,
                              nl, r->name, d, (unsigned long long)dim, (long long)INT64_MAX);
            r->shape[d] = (int64_t)dim;
        }
        char shape[NB_MAX_DIMS * 21 + 8];
        int64_t numel = nb__shape_numel(r->ndim, r->shape);
        if (numel < 0)
            return tf_bad(op, path, tf, "record %u ('%.*s') has shape %s, too many elements", i,
                          nl, r->name, nb__shape_fmt(r->ndim, r->shape, shape, sizeof shape));
        size_t esize = nb_dtype_size(r->dtype);
        if ((uint64_t)numel > (uint64_t)(end - p) / esize)
            return tf_bad(op, path, tf,
                          "record %u ('%.*s') has shape %s (%llu bytes of %s) but only %zu bytes "
                          "of data follow",
                          i, nl, r->name, nb__shape_fmt(r->ndim, r->shape, shape, sizeof shape),
                          (unsigned long long)numel * esize, nb_dtype_name(r->dtype),
                          (size_t)(end - p));
        r->numel = numel;
        r->data = p;
        p += (size_t)numel * esize;
        tf->n++;
    }
    if (p != end)
        return tf_bad(op, path, tf, "%zu bytes follow the last of its %u records",
                      (size_t)(end - p), count);
    return NB_OK;
}

static void copy_data(nb_tensor *t, const tf_record *r)
{
    for (int64_t i = 0; i < r->numel; i++) {
        if (r->dtype == NB_F32) {
            uint32_t u = (uint32_t)get_le(r->data + 4 * i, 4);
            memcpy((float *)t->data + i, &u, 4);
        } else {
            uint64_t u = get_le(r->data + 8 * i, 8);
            memcpy((double *)t->data + i, &u, 8);
        }
    }
}

static const tf_record *find_record(const tf_file *tf, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < tf->n; i++)
        if (tf->rec[i].name_len == len && memcmp(tf->rec[i].name, name, len) == 0)
            return &tf->rec[i];
    return NULL;
}

/* "a, b, c" (the names a file holds), cut to fit. */
static void list_names(const tf_file *tf, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < tf->n && off + 1 < size; i++) {
        int w = snprintf(buf + off, size - off, "%s%.*s", i ? ", " : "", (int)tf->rec[i].name_len,
                         tf->rec[i].name);
        if (w < 0)
            break;
        off += (size_t)w;
    }
    if (tf->n == 0)
        snprintf(buf, size, "no tensors");
}

int nb_tensors_load_into(const char *path, const char *const *names, nb_tensor *const *tensors,
                         int n)
{
    return nb__tensors_load_into_as("nb_tensors_load_into", path, names, tensors, n);
}

int nb__tensors_load_into_as(const char *op, const char *path, const char *const *names,
                             nb_tensor *const *tensors, int n)
{
    int rc = check_save_args(op, path, names, tensors, n);
    if (rc < 0)
        return rc;
    tf_file tf;
    rc = tf_read(op, path, &tf);
    if (rc < 0)
        return rc;
    const tf_record **match = malloc(sizeof *match * (size_t)(n ? n : 1));
    if (!match) {
        tf_free(&tf);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", op);
    }
    for (int i = 0; i < n; i++) {
        const char *name = tensor_name_at(names, tensors, i);
        const nb_tensor *t = tensors[i];
        const tf_record *r = find_record(&tf, name);
        if (!r) {
            char list[256];
            list_names(&tf, list, sizeof list);
            rc = nb__error(NB_ERR_ARG, "%s: %s has no tensor named '%s' (it holds: %s)", op, path,
                           name, list);
            break;
        }
        if (r->dtype != t->dtype) {
            rc = nb__error(NB_ERR_DTYPE, "%s: %s: tensor '%s' is %s in the file but %s in memory",
                           op, path, name, nb_dtype_name(r->dtype), nb_dtype_name(t->dtype));
            break;
        }
        int same = r->ndim == t->ndim;
        for (int d = 0; same && d < r->ndim; d++)
            same = r->shape[d] == t->shape[d];
        if (!same) {
            char a[128], b2[128];
            rc = nb__error(NB_ERR_SHAPE,
                           "%s: %s: tensor '%s' has shape %s in the file but %s in memory", op,
                           path, name, nb__shape_fmt(r->ndim, r->shape, a, sizeof a),
                           nb__shape_fmt(t->ndim, t->shape, b2, sizeof b2));
            break;
        }
        match[i] = r;
    }
    if (rc == NB_OK)
        for (int i = 0; i < n; i++) {
            copy_data(tensors[i], match[i]);
            nb_tensor_bump_version(tensors[i]);
        }
    free(match);
    tf_free(&tf);
    return rc;
}

int nb_tensors_load(const char *path, nb_tensor_list *out)
{
    static const char *op = "nb_tensors_load";
    if (!out)
        return nb__null_input(op, "out");
    memset(out, 0, sizeof *out);
    if (!path)
        return nb__null_input(op, "path");
    nb_arena *arena = nb_arena_current();
    if (!arena)
        return nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use(arena) first)", op);
    tf_file tf;
    int rc = tf_read(op, path, &tf);
    if (rc < 0)
        return rc;
    int n = tf.n;
    const char **names = nb_arena_alloc(arena, sizeof *names * (size_t)(n ? n : 1));
    nb_tensor **tensors = names ? nb_arena_alloc(arena, sizeof *tensors * (size_t)(n ? n : 1)) : NULL;
    if (!tensors)
        rc = nb__error(NB_ERR_NOMEM, "%s: out of memory loading %s (%d tensors)", op, path, n);
    for (int i = 0; i < n && rc == NB_OK; i++) {
        const tf_record *r = &tf.rec[i];
        /* The shape passed the same check in tf_read: a failure here is
         * memory, and nb__tensor_empty's message names this function. */
        nb_tensor *t = nb__tensor_empty(r->dtype, r->ndim, r->shape, op);
        if (!t) {
            rc = nb_last_status();
            break;
        }
        copy_data(t, r);
        /* The name is copied into the arena, NUL-terminated. */
        char name[NB_TF_MAX_NAME + 1];
        memcpy(name, r->name, r->name_len);
        name[r->name_len] = '\0';
        if (nb_tensor_set_name(t, name) < 0) {
            rc = nb__error(NB_ERR_NOMEM, "%s: out of memory loading %s (tensor %d)", op, path, i);
            break;
        }
        names[i] = nb_tensor_name(t);
        tensors[i] = t;
    }
    tf_free(&tf);
    if (rc < 0)
        return rc;
    out->n = n;
    out->names = names;
    out->tensors = tensors;
    return NB_OK;
}
