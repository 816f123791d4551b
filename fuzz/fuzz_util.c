/* Helpers of the fuzz targets (see fuzz_util.h).  This is test code: it may
 * abort, which is how a fuzz target reports a broken contract. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* ---- the private temporary directory ---- */

enum { FZ_MAX_FILES = 8 };
static char fz_dir[1024];
static char fz_files[FZ_MAX_FILES][1100];
static int fz_nfiles;

static void fz_cleanup(void)
{
    for (int i = 0; i < fz_nfiles; i++)
        unlink(fz_files[i]);
    if (fz_dir[0])
        rmdir(fz_dir);
}

const char *fz_path(const char *name)
{
    if (!fz_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !tmp[0])
            tmp = "/tmp";
        snprintf(fz_dir, sizeof fz_dir, "%s/nabla-fuzz-XXXXXX", tmp);
        if (!mkdtemp(fz_dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fz_cleanup);
    }
    char path[sizeof fz_files[0]];
    snprintf(path, sizeof path, "%s/%s", fz_dir, name);
    for (int i = 0; i < fz_nfiles; i++)
        if (strcmp(fz_files[i], path) == 0)
            return fz_files[i];
    if (fz_nfiles == FZ_MAX_FILES) {
        fprintf(stderr, "fuzz: too many temporary files\n");
        abort();
    }
    memcpy(fz_files[fz_nfiles], path, sizeof path);
    return fz_files[fz_nfiles++];
}

void fz_write(const char *path, const void *data, size_t size)
{
    /* A new file each time: ext4 flushes a file truncated and rewritten
     * when it is closed, which would make every execution wait for the disk. */
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* ---- reporting ---- */

void fz_violation(const char *target, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==== nabla fuzz %s: CONTRACT VIOLATION: ", target);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n==== last nabla message: \"%s\"\n", nb_last_error());
    fflush(stderr);
    abort();
}

void fz_check_failure(const char *target, const char *what, int status, const char *const *apis,
                      int n_apis)
{
    const char *msg = nb_last_error();
    if (status >= 0)
        fz_violation(target, "%s: expected a failure, got status %d", what, status);
    if (!msg || !msg[0])
        fz_violation(target, "%s failed (status %d, %s) with an EMPTY message", what, status,
                     nb_status_name((nb_status)status));
    if ((int)nb_last_status() != status)
        fz_violation(target, "%s returned %d but recorded status %d", what, status,
                     (int)nb_last_status());
    for (int i = 0; i < n_apis; i++) {
        size_t len = strlen(apis[i]);
        if (strncmp(msg, apis[i], len) == 0 && msg[len] == ':')
            return;
    }
    fz_violation(target, "%s: the message does not start with \"%s:\"", what, apis[0]);
}

/* ---- arenas ---- */

nb_arena *fz_arena_begin(nb_arena **previous)
{
    nb_arena *a = nb_arena_new();
    if (!a) {
        fprintf(stderr, "fuzz: cannot make an arena: %s\n", nb_last_error());
        abort();
    }
    *previous = nb_arena_use(a);
    return a;
}

void fz_arena_end(nb_arena *arena, nb_arena *previous)
{
    nb_arena_use(previous);
    nb_arena_free(arena);
}

/* ---- gzip ---- */

unsigned char *fz_gzip(const void *data, size_t size, int level, size_t *out_size)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    uLong cap = deflateBound(&z, (uLong)size) + 64;
    unsigned char *out = malloc(cap);
    if (!out)
        abort();
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_size = (size_t)z.total_out;
    deflateEnd(&z);
    return out;
}

/* ---- IDX ---- */

static uint64_t be_bytes(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

int fz_idx_header(const unsigned char *b, size_t n, fz_idx *h)
{
    memset(h, 0, sizeof *h);
    if (n < 4 || b[0] != 0 || b[1] != 0)
        return -1;
    h->type = b[2];
    switch (h->type) {
    case 0x08: case 0x09: h->esize = 1; break;
    case 0x0B: h->esize = 2; break;
    case 0x0C: case 0x0D: h->esize = 4; break;
    case 0x0E: h->esize = 8; break;
    default: return -1;
    }
    h->ndim = b[3];
    if (h->ndim < 1 || h->ndim > 8)
        return -1;
    h->header = 4 + 4 * (size_t)h->ndim;
    if (n < h->header)
        return -1;
    h->numel = 1;
    for (int d = 0; d < h->ndim; d++) {
        h->dims[d] = be_bytes(b + 4 + 4 * d, 4);
        if (h->dims[d] == 0)
            return -1;
        if (h->numel > ((uint64_t)1 << 52) / h->dims[d])
            return -1;
        h->numel *= h->dims[d];
    }
    return 0;
}

double fz_idx_value(const fz_idx *h, const unsigned char *b, uint64_t i)
{
    const unsigned char *p = b + h->header + i * (uint64_t)h->esize;
    switch (h->type) {
    case 0x08: return p[0];
    case 0x09: return p[0] < 128 ? p[0] : (double)p[0] - 256;
    case 0x0B: {
        uint64_t u = be_bytes(p, 2);
        return u < 0x8000 ? (double)u : (double)u - 65536.0;
    }
    case 0x0C: {
        uint64_t u = be_bytes(p, 4);
        return u < 0x80000000u ? (double)u : (double)u - 4294967296.0;
    }
    case 0x0D: {
        uint32_t u = (uint32_t)be_bytes(p, 4);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    default: {
        uint64_t u = be_bytes(p, 8);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

/* ---- tensor files ---- */

enum { TF_HEADER = 24 };
static const unsigned char tf_magic[8] = {0x89, 'N', 'B', 'T', '\r', '\n', 0x1a, '\n'};

static uint64_t le_bytes(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le_bytes(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

void fz_tf_fixup(unsigned char *b, size_t n, int mode)
{
    if (mode == FZ_TF_RAW || n < TF_HEADER + 4)
        return;
    if (mode == FZ_TF_FIX_LEN_CRC)
        put_le_bytes(b + 16, n - TF_HEADER - 4, 8);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, b + 12, (uInt)(n - 4 - 12));
    put_le_bytes(b + n - 4, crc, 4);
}

int fz_tf_parse(const unsigned char *b, size_t n, fz_tf_rec **recs)
{
    *recs = NULL;
    if (n < TF_HEADER + 4 || memcmp(b, tf_magic, 8) != 0 || le_bytes(b + 8, 4) != 1)
        return -1;
    uint64_t count = le_bytes(b + 12, 4), payload = le_bytes(b + 16, 8);
    if (payload != n - TF_HEADER - 4)
        return -1;
    uLong crc = crc32(crc32(0L, Z_NULL, 0), b + 12, (uInt)(n - 4 - 12));
    if ((uint32_t)crc != (uint32_t)le_bytes(b + n - 4, 4))
        return -1;
    /* every record takes at least 13 bytes */
    if (count > payload / 13)
        return -1;
    fz_tf_rec *r = calloc(count ? count : 1, sizeof *r);
    if (!r)
        abort();
    const unsigned char *p = b + TF_HEADER, *end = p + payload;
    for (uint64_t i = 0; i < count; i++) {
        if (end - p < 4)
            goto bad;
        uint64_t len = le_bytes(p, 4);
        p += 4;
        if (len < 1 || len > 4096 || (uint64_t)(end - p) < len + 4)
            goto bad;
        r[i].name = p;
        r[i].name_len = (size_t)len;
        p += len;
        if ((p[0] != 1 && p[0] != 2) || p[1] > 8 || p[2] != 0 || p[3] != 0)
            goto bad;
        r[i].dtype = p[0] == 1 ? NB_F32 : NB_F64;
        r[i].ndim = p[1];
        p += 4;
        if ((uint64_t)(end - p) < 8 * (uint64_t)r[i].ndim)
            goto bad;
        /* nabla's shapes are int64: every dim, and every partial product,
         * must stay at most INT64_MAX */
        uint64_t numel = 1;
        for (int d = 0; d < r[i].ndim; d++, p += 8) {
            uint64_t dim = le_bytes(p, 8);
            if (dim > (uint64_t)INT64_MAX)
                goto bad;
            if (dim && numel > (uint64_t)INT64_MAX / dim)
                goto bad;
            numel *= dim;
            r[i].shape[d] = (int64_t)dim;
        }
        uint64_t esize = r[i].dtype == NB_F32 ? 4 : 8;
        if (numel > (uint64_t)(end - p) / esize)
            goto bad;
        /* and the shape must be one a tensor can have (this matters for
         * empty tensors: 0 x 2^62 has no data but is no tensor's shape) */
        if (!nb_zeros(r[i].dtype, r[i].ndim, r[i].shape))
            goto bad;
        r[i].numel = (int64_t)numel;
        r[i].data = p;
        p += numel * esize;
    }
    if (p != end)
        goto bad;
    *recs = r;
    return (int)count;
bad:
    free(r);
    return -1;
}

int fz_tf_same(const fz_tf_rec *r, nb_tensor *t)
{
    if (!t || nb_tensor_dtype(t) != r->dtype || nb_tensor_ndim(t) != r->ndim || nb_tensor_numel(t) != r->numel)
        return 0;
    for (int d = 0; d < r->ndim; d++)
        if (nb_tensor_dim(t, d) != r->shape[d])
            return 0;
    const unsigned char *data = nb_tensor_data(t);
    size_t esize = r->dtype == NB_F32 ? 4 : 8;
    if (r->numel && !data)
        return 0;
    for (int64_t i = 0; i < r->numel; i++) {
        uint64_t want = le_bytes(r->data + (size_t)i * esize, (int)esize), got = 0;
        if (esize == 4) {
            uint32_t u;
            memcpy(&u, data + (size_t)i * 4, 4);
            got = u;
        } else {
            memcpy(&got, data + (size_t)i * 8, 8);
        }
        if (want != got)
            return 0;
    }
    return 1;
}

/* ---- the models of the model target ---- */

nb_model *fz_make_model(int which)
{
    nb_model *m;
    if (which == 0) {
        nb_bpnet_opts o = {.dtype = NB_F32, .seed = 1};
        m = nb_bpnet_new((const int64_t[]){3, 4, 2}, 3, NULL, &o);
    } else {
        nb_bpnet_opts o = {.dtype = NB_F64, .seed = 2};
        m = nb_bpnet_new((const int64_t[]){2, 3, 1}, 3, NULL, &o);
        if (m && !nb_model_add_param(m, "temperature", 0, NULL)) {
            nb_model_free(m);
            m = NULL;
        }
    }
    if (!m || !nb_model_params_flat(m)) {
        fprintf(stderr, "fuzz: cannot build model %d: %s\n", which, nb_last_error());
        nb_model_free(m);
        return NULL;
    }
    return m;
}
