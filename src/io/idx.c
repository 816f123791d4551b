/* IDX files (the MNIST family's format), gzip'd (inflated with zlib) or
 * plain, and the Fashion-MNIST convenience loader.  IDX layout: 2 zero
 * bytes, a type byte, a byte with the number of dims, the dims as big-endian
 * uint32, then the elements big-endian. */
#define _POSIX_C_SOURCE 200809L
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/index_check.h"
#include "core/tensor_internal.h"
#include "nabla/io.h"

/* Element types of the format. */
static int idx_type_size(int type)
{
    switch (type) {
    case 0x08: /* unsigned byte */
    case 0x09: /* signed byte */
        return 1;
    case 0x0B: /* int16 */
        return 2;
    case 0x0C: /* int32 */
    case 0x0D: /* float32 */
        return 4;
    case 0x0E: /* float64 */
        return 8;
    }
    return 0;
}

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static double idx_value(int type, const unsigned char *p)
{
    switch (type) {
    case 0x08: return p[0];
    case 0x09: return (double)(int8_t)p[0];
    case 0x0B: return (double)(int16_t)(uint16_t)be(p, 2);
    case 0x0C: return (double)(int32_t)(uint32_t)be(p, 4);
    case 0x0D: {
        uint32_t u = (uint32_t)be(p, 4);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    default: {
        uint64_t u = be(p, 8);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

/* The file as a stream of bytes: a plain file's own bytes, or what its gzip
 * members inflate to.  zlib's gzread is not used: it stops quietly at the
 * first bytes after a member that do not start another one, so junk (or a
 * second file) appended to a .gz would be ignored.  Here the file must end
 * where its last member ends.  Members one after another are one stream, as
 * gzip's own format says (RFC 1952: a file is a series of members). */
enum { IDX_IN = 1 << 16 };
typedef struct idx_src {
    const char *op, *path;
    FILE *f;
    bool gz;          /* gzip members, else plain bytes */
    bool z_live;      /* inflateInit2 succeeded: inflateEnd is due */
    bool member_end;  /* the last member is complete: only a new one or the file's end may follow */
    z_stream z;       /* next_in / avail_in: the unread part of `in`, in both modes */
    unsigned char in[IDX_IN];
} idx_src;

/* Have at least `need` (<= IDX_IN) unread bytes in s->in, or all that is
 * left of the file.  0, or NB_ERR_IO recorded. */
static int src_want(idx_src *s, unsigned need)
{
    while (s->z.avail_in < need && !feof(s->f)) {
        memmove(s->in, s->z.next_in, s->z.avail_in);
        s->z.next_in = s->in;
        size_t r = fread(s->in + s->z.avail_in, 1, IDX_IN - s->z.avail_in, s->f);
        if (r == 0 && ferror(s->f))
            return nb__error(NB_ERR_IO, "%s: read error on %s: %s", s->op, s->path,
                             strerror(errno));
        s->z.avail_in += (unsigned)r;
    }
    return 0;
}

/* What follows the last member is not a member: count it for the message. */
static int src_trailing(idx_src *s)
{
    uint64_t n = s->z.avail_in;
    size_t r;
    while ((r = fread(s->in, 1, IDX_IN, s->f)) > 0)
        n += r;
    if (ferror(s->f))
        return nb__error(NB_ERR_IO, "%s: read error on %s: %s", s->op, s->path, strerror(errno));
    return nb__error(NB_ERR_FORMAT, "%s: %s has %llu byte%s after its gzip stream", s->op,
                     s->path, (unsigned long long)n, n == 1 ? "" : "s");
}

/* Inflate into buf[0..n) (n <= UINT_MAX) across members; bytes made, fewer
 * than n only at the end of the file; -1 with a message. */
static int64_t src_inflate(idx_src *s, unsigned char *buf, size_t n)
{
    z_stream *z = &s->z;
    z->next_out = buf;
    z->avail_out = (unsigned)n;
    while (z->avail_out > 0) {
        if (s->member_end) {
            if (src_want(s, 2) < 0)
                return -1;
            if (z->avail_in == 0)
                break; /* the file ends with its last member */
            if (z->avail_in < 2 || z->next_in[0] != 0x1f || z->next_in[1] != 0x8b)
                return src_trailing(s);
            inflateReset(z);
            s->member_end = false;
        }
        if (z->avail_in == 0 && src_want(s, 1) < 0)
            return -1;
        if (z->avail_in == 0) {
            nb__error(NB_ERR_FORMAT, "%s: %s is truncated (its gzip stream ends early)", s->op,
                      s->path);
            return -1;
        }
        int r = inflate(z, Z_NO_FLUSH);
        if (r == Z_STREAM_END) {
            s->member_end = true;
        } else if (r == Z_MEM_ERROR) {
            nb__error(NB_ERR_NOMEM, "%s: out of memory inflating %s", s->op, s->path);
            return -1;
        } else if (r != Z_OK && !(r == Z_BUF_ERROR && z->avail_in == 0)) {
            nb__error(NB_ERR_FORMAT, "%s: %s: corrupt gzip data (%s)", s->op, s->path,
                      z->msg ? z->msg : "inflate failed");
            return -1;
        }
    }
    return (int64_t)(n - z->avail_out);
}

/* Read up to n bytes (fewer only at the end of the data); -1 with a message. */
static int64_t read_full(idx_src *s, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        size_t chunk = n - got > (1u << 30) ? (1u << 30) : n - got;
        int64_t r;
        if (s->gz) {
            r = src_inflate(s, buf + got, chunk);
        } else {
            /* plain: what the magic peek left in `in` first, then the file */
            r = s->z.avail_in < chunk ? s->z.avail_in : (unsigned)chunk;
            memcpy(buf + got, s->z.next_in, (size_t)r);
            s->z.next_in += r;
            s->z.avail_in -= (unsigned)r;
            if ((size_t)r < chunk) {
                size_t f = fread(buf + got + r, 1, chunk - (size_t)r, s->f);
                if (f < chunk - (size_t)r && ferror(s->f)) {
                    nb__error(NB_ERR_IO, "%s: read error on %s: %s", s->op, s->path,
                              strerror(errno));
                    return -1;
                }
                r += (int64_t)f;
            }
        }
        if (r < 0)
            return -1;
        got += (size_t)r;
        if ((size_t)r < chunk)
            break;
    }
    return (int64_t)got;
}

/* Open path for reading and tell gzip from plain by the magic 1f 8b.  NULL
 * with a message. */
static idx_src *src_open(const char *op, const char *path)
{
    idx_src *s = malloc(sizeof *s);
    if (!s) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", op);
        return NULL;
    }
    memset(&s->z, 0, sizeof s->z);
    s->op = op;
    s->path = path;
    s->gz = s->z_live = s->member_end = false;
    s->z.next_in = s->in;
    s->f = fopen(path, "rb");
    if (!s->f) {
        nb__error(NB_ERR_IO, "%s: cannot open %s: %s", op, path, strerror(errno));
        free(s);
        return NULL;
    }
    if (src_want(s, 2) < 0)
        goto fail;
    s->gz = s->z.avail_in >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b;
    if (s->gz) {
        /* 16 + 15: gzip wrapper (header, CRC-32 and length checked), 32 KiB window */
        int r = inflateInit2(&s->z, 16 + MAX_WBITS);
        if (r != Z_OK) {
            nb__error(r == Z_MEM_ERROR ? NB_ERR_NOMEM : NB_ERR_STATE, "%s: %s: cannot start "
                      "zlib's inflate (%s)", op, path, s->z.msg ? s->z.msg : "out of memory");
            goto fail;
        }
        s->z_live = true;
    }
    return s;
fail:
    fclose(s->f);
    free(s);
    return NULL;
}

static void src_close(idx_src *s)
{
    if (s->z_live)
        inflateEnd(&s->z);
    fclose(s->f);
    free(s);
}

/* The body of nb_idx_load; `g` is closed by the caller. */
static nb_tensor *idx_read(const char *op, const char *path, idx_src *g, nb_dtype dtype,
                           int64_t limit)
{
    unsigned char head[4 + 4 * 255];
    int64_t r = read_full(g, head, 4);
    if (r < 0)
        return NULL;
    if (r < 4) {
        nb__error(NB_ERR_FORMAT, "%s: %s is truncated (%lld bytes, an IDX header needs 4)", op,
                  path, (long long)r);
        return NULL;
    }
    int type = head[2], ndim = head[3], esize = idx_type_size(type);
    if (head[0] != 0 || head[1] != 0 || esize == 0) {
        nb__error(NB_ERR_FORMAT,
                  "%s: %s is not an IDX file (magic %02x %02x %02x %02x; expected 00 00, a type "
                  "08/09/0B/0C/0D/0E and the number of dims)",
                  op, path, head[0], head[1], head[2], head[3]);
        return NULL;
    }
    if (ndim < 1 || ndim > NB_MAX_DIMS) {
        nb__error(NB_ERR_FORMAT, "%s: %s has %d dims; nabla supports 1..%d", op, path, ndim,
                  NB_MAX_DIMS);
        return NULL;
    }
    r = read_full(g, head + 4, 4 * (size_t)ndim);
    if (r < 0)
        return NULL;
    if (r < 4 * ndim) {
        nb__error(NB_ERR_FORMAT, "%s: %s is truncated inside its header (%d dims announced)", op,
                  path, ndim);
        return NULL;
    }
    int64_t shape[NB_MAX_DIMS];
    uint64_t numel = 1;
    for (int d = 0; d < ndim; d++) {
        shape[d] = (int64_t)be(head + 4 + 4 * d, 4);
        if (shape[d] == 0) {
            nb__error(NB_ERR_FORMAT, "%s: %s: dim %d is 0", op, path, d);
            return NULL;
        }
        if (numel > ((uint64_t)1 << 52) / (uint64_t)shape[d]) {
            nb__error(NB_ERR_FORMAT, "%s: %s: dims are impossibly large", op, path);
            return NULL;
        }
        numel *= (uint64_t)shape[d];
    }
    int64_t full_count = shape[0];
    int limited = limit > 0 && limit < shape[0];
    if (limited)
        shape[0] = limit;
    uint64_t want = numel / (uint64_t)full_count * (uint64_t)shape[0];
    uint64_t expect_bytes = 4 + 4 * (uint64_t)ndim + numel * (uint64_t)esize;

    /* For an uncompressed file the length is known before reading anything. */
    struct stat st;
    int have_size = fstat(fileno(g->f), &st) == 0 && S_ISREG(st.st_mode);
    /* Deflate cannot expand data more than about 1032 times, so a compressed
     * file too small for the announced data is caught before a (possibly
     * huge) tensor is allocated for it. */
    if (have_size && g->gz &&
        want * (uint64_t)esize > (uint64_t)st.st_size * 1100 + 4096) {
        nb__error(NB_ERR_FORMAT,
                  "%s: %s is truncated or its dims are wrong: %llu data bytes announced, but "
                  "%llu compressed bytes cannot hold them",
                  op, path, (unsigned long long)(want * (uint64_t)esize),
                  (unsigned long long)st.st_size);
        return NULL;
    }
    if (!g->gz) {
        if (have_size && (uint64_t)st.st_size != expect_bytes) {
            nb__error(NB_ERR_FORMAT, "%s: %s %s: the header promises %llu bytes, the file has %llu",
                      op, path, (uint64_t)st.st_size < expect_bytes ? "is truncated" : "has trailing bytes",
                      (unsigned long long)expect_bytes, (unsigned long long)st.st_size);
            return NULL;
        }
    }
    nb_tensor *t = nb__tensor_empty(dtype, ndim, shape, op);
    if (!t)
        return NULL;
    enum { CHUNK = 1 << 16 };
    unsigned char *buf = malloc(CHUNK);
    if (!buf) {
        nb__error(NB_ERR_NOMEM, "%s: out of memory", op);
        return NULL;
    }
    uint64_t done = 0, per = CHUNK / (unsigned)esize;
    while (done < want) {
        uint64_t k = want - done < per ? want - done : per;
        r = read_full(g, buf, k * (unsigned)esize);
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if ((uint64_t)r < k * (unsigned)esize) {
            free(buf);
            nb__error(NB_ERR_FORMAT,
                      "%s: %s is truncated: %llu of %llu data bytes present (header says %lld x ...)",
                      op, path, (unsigned long long)(done * (unsigned)esize + (uint64_t)r),
                      (unsigned long long)(numel * (uint64_t)esize), (long long)full_count);
            return NULL;
        }
        for (uint64_t i = 0; i < k; i++)
            nb__set(t, (int64_t)(done + i), idx_value(type, buf + i * (unsigned)esize));
        done += k;
    }
    if (!limited) {
        /* the data must end here; for gzip this also reads the rest of
         * the last member (its CRC) and finds bytes after it */
        r = read_full(g, buf, 1);
        if (r != 0) {
            free(buf);
            if (r > 0)
                nb__error(NB_ERR_FORMAT, "%s: %s has trailing bytes after the %llu its header promises",
                          op, path, (unsigned long long)expect_bytes);
            return NULL;
        }
    }
    free(buf);
    return t;
}

nb_tensor *nb_idx_load(const char *path, nb_dtype dtype, int64_t limit)
{
    static const char *op = "nb_idx_load";
    if (!path) {
        nb__null_input(op, "path");
        return NULL;
    }
    if (limit < 0) {
        nb__error(NB_ERR_ARG, "%s: limit is %lld (use 0 for all)", op, (long long)limit);
        return NULL;
    }
    if (!nb_arena_current()) {
        nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use(arena) first)", op);
        return NULL;
    }
    idx_src *g = src_open(op, path);
    if (!g)
        return NULL;
    nb_tensor *t = idx_read(op, path, g, dtype, limit);
    src_close(g);
    return t;
}

const char *nb_fashion_mnist_default_dir(void)
{
    const char *env = getenv("NB_FASHION_MNIST_DIR");
    return env && env[0] ? env : "/usr/share/datasets/fashion-mnist";
}

const char *nb_fashion_mnist_class_name(int label)
{
    static const char *const names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                          "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return label >= 0 && label < 10 ? names[label] : "?";
}

int nb_fashion_mnist_load(const char *dir, nb_data_part part, int64_t limit, nb_dtype dtype,
                          nb_tensor **x, nb_tensor **y)
{
    static const char *op = "nb_fashion_mnist_load";
    if (!x || !y)
        return nb__null_input(op, !x ? "x" : "y");
    *x = *y = NULL;
    if (part != NB_DATA_TRAIN && part != NB_DATA_TEST)
        return nb__error(NB_ERR_ARG, "%s: part %d is not NB_DATA_TRAIN or NB_DATA_TEST", op,
                         (int)part);
    if (!dir)
        dir = nb_fashion_mnist_default_dir();
    const char *stem = part == NB_DATA_TRAIN ? "train" : "t10k";
    size_t len = strlen(dir) + 64;
    char *ipath = malloc(len), *lpath = malloc(len);
    if (!ipath || !lpath) {
        free(ipath);
        free(lpath);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", op);
    }
    snprintf(ipath, len, "%s/%s-images-idx3-ubyte.gz", dir, stem);
    snprintf(lpath, len, "%s/%s-labels-idx1-ubyte.gz", dir, stem);
    int rc = NB_OK;
    nb_tensor *img = nb_idx_load(ipath, dtype, limit);
    nb_tensor *lab = img ? nb_idx_load(lpath, dtype, limit) : NULL;
    if (!img || !lab)
        rc = nb_last_status();
    else if (img->ndim != 3 || img->shape[1] != 28 || img->shape[2] != 28)
        rc = nb__error(NB_ERR_FORMAT, "%s: %s: expected N x 28 x 28 images", op, ipath);
    else if (lab->ndim != 1 || lab->shape[0] != img->shape[0])
        rc = nb__error(NB_ERR_FORMAT, "%s: %s holds %lld labels for %lld images in %s", op, lpath,
                       (long long)lab->shape[0], (long long)img->shape[0], ipath);
    if (rc == NB_OK) {
        /* a signed or floating label file can hold -3 or 2.5: one check for all labels */
        nb__index_desc d = {op, lpath, "label", "row", "classes", NB_ERR_FORMAT};
        rc = nb__check_index_values(&d, lab, 10);
    }
    if (rc == NB_OK) {
        /* A fresh tensor shares no graph, so viewing it as N x 784 is just
         * rewriting its shape. */
        img->ndim = 2;
        img->shape[1] = 784;
        for (int64_t i = 0; i < img->numel; i++)
            nb__set(img, i, nb__get(img, i) / 255.0);
        *x = img;
        *y = lab;
    }
    free(ipath);
    free(lpath);
    return rc;
}
