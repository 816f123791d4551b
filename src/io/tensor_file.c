/* Tensor files: named tensors in a small checksummed binary format
 * (docs/file-format.md).  Every multi-byte field is written byte by byte in
 * little-endian order, so files move between hosts; saving goes through a
 * temporary file and a rename so that a crash or a full disk never leaves a
 * half-written file where a good one was. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/tensor_internal.h"
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
    FILE *f;
    unsigned char buf[8192];
    size_t len;
    uLong crc;
    int failed; /* errno of the first failure, 0 if none */
} tf_writer;

static void w_flush(tf_writer *w)
{
    if (w->len && !w->failed && fwrite(w->buf, 1, w->len, w->f) != w->len)
        w->failed = errno ? errno : EIO;
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

/* Make and open "<path>.tmp.<pid>.<k>" exclusively; the mode 0666 lets the
 * umask decide permissions, as for any newly created file. */
static int open_temp(const char *path, char **tmp_out)
{
    static _Thread_local unsigned counter;
    size_t len = strlen(path) + 64;
    char *tmp = malloc(len);
    if (!tmp)
        return -ENOMEM;
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(tmp, len, "%s.tmp.%ld.%u", path, (long)getpid(), counter++);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0) {
            *tmp_out = tmp;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(tmp);
    return -e;
}

/* Best effort: make the rename itself durable. */
static void sync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else {
        dir = malloc((size_t)(slash - path) + 1);
        if (dir) {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = '\0';
        }
    }
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int nb_tensors_save(const char *path, const char *const *names, nb_tensor *const *tensors, int n)
{
    static const char *op = "nb_tensors_save";
    int rc = check_save_args(op, path, names, tensors, n);
    if (rc < 0)
        return rc;

    uint64_t payload = 0;
    for (int i = 0; i < n; i++)
        payload += record_bytes(tensor_name_at(names, tensors, i), tensors[i]);

    char *tmp = NULL;
    int fd = open_temp(path, &tmp);
    if (fd < 0) {
        int e = -fd;
        return nb__error(e == ENOMEM ? NB_ERR_NOMEM : NB_ERR_IO,
                         "%s: cannot create a temporary file beside %s: %s", op, path, strerror(e));
    }
    tf_writer *w = malloc(sizeof *w);
    FILE *f = w ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int e = w ? errno : ENOMEM;
        close(fd);
        unlink(tmp);
        free(tmp);
        free(w);
        return nb__error(e == ENOMEM ? NB_ERR_NOMEM : NB_ERR_IO, "%s: cannot write %s: %s", op,
                         path, strerror(e));
    }
    w->f = f;
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

    int err = w->failed;
    if (!err && fflush(f) != 0)
        err = errno ? errno : EIO;
    if (!err && fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno ? errno : EIO;
    free(w);
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        free(tmp);
        return nb__error(NB_ERR_IO, "%s: writing %s failed: %s (any existing file is unchanged)",
                         op, path, strerror(err));
    }
    free(tmp);
    sync_parent_dir(path);
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

/* Read the whole file, check magic/version/length/CRC and index the records. */
static int tf_read(const char *op, const char *path, tf_file *tf)
{
    memset(tf, 0, sizeof *tf);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nb__error(NB_ERR_IO, "%s: cannot open %s: %s", op, path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return nb__error(NB_ERR_IO, "%s: %s is not a regular file", op, path);
    }
    size_t size = (size_t)st.st_size;
    tf->bytes = malloc(size ? size : 1);
    if (!tf->bytes) {
        fclose(f);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory reading %s (%zu bytes)", op, path, size);
    }
    size_t got = fread(tf->bytes, 1, size, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr || got != size) {
        tf_free(tf);
        return nb__error(NB_ERR_IO, "%s: read error on %s", op, path);
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
     * be inconsistent: every field is bounds-checked against the payload. */
    const unsigned char *p = b + NB_TF_HEADER, *end = p + payload;
    for (uint32_t i = 0; i < count; i++) {
        tf_record *r = &tf->rec[i];
        if (end - p < 4)
            goto bad;
        r->name_len = (size_t)get_le(p, 4);
        p += 4;
        if (r->name_len == 0 || r->name_len > NB_TF_MAX_NAME || (size_t)(end - p) < r->name_len + 4)
            goto bad;
        r->name = (const char *)p;
        p += r->name_len;
        int code = p[0];
        r->ndim = p[1];
        if ((code != NB_TF_F32 && code != NB_TF_F64) || r->ndim > NB_MAX_DIMS || p[2] || p[3])
            goto bad;
        r->dtype = code == NB_TF_F32 ? NB_F32 : NB_F64;
        p += 4;
        if ((size_t)(end - p) < 8 * (size_t)r->ndim)
            goto bad;
        uint64_t numel = 1;
        for (int d = 0; d < r->ndim; d++) {
            uint64_t dim = get_le(p, 8);
            p += 8;
            if (dim > (uint64_t)INT64_MAX || (dim && numel > (uint64_t)INT64_MAX / dim))
                goto bad;
            numel *= dim;
            r->shape[d] = (int64_t)dim;
        }
        size_t esize = nb_dtype_size(r->dtype);
        if (numel > (uint64_t)(end - p) / esize)
            goto bad;
        r->numel = (int64_t)numel;
        r->data = p;
        p += numel * esize;
        tf->n++;
    }
    if (p != end)
        goto bad;
    return NB_OK;
bad:;
    int at = tf->n;
    tf_free(tf);
    return nb__error(NB_ERR_FORMAT, "%s: %s: record of tensor %d is malformed", op, path, at);
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
    static const char *op = "nb_tensors_load_into";
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
        rc = NB_ERR_NOMEM;
    for (int i = 0; i < n && rc == NB_OK; i++) {
        const tf_record *r = &tf.rec[i];
        char *name = nb_arena_alloc(arena, r->name_len + 1);
        nb_tensor *t = name ? nb__tensor_empty(r->dtype, r->ndim, r->shape, op) : NULL;
        if (!t) {
            rc = nb_last_status() < 0 ? nb_last_status() : NB_ERR_NOMEM;
            break;
        }
        memcpy(name, r->name, r->name_len);
        name[r->name_len] = '\0';
        copy_data(t, r);
        rc = nb_tensor_set_name(t, name);
        names[i] = name;
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
