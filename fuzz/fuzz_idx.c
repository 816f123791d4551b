/* Fuzz target: nb_idx_load on plain and gzip-compressed files.
 *
 * Input: 2 option bytes, then the bytes.
 *   byte 0: bits 0-1 container (FZ_IDX_*: the bytes are the file as they
 *           are; or they are the IDX content, written gzip-compressed, cut
 *           short, or split into two gzip members), bit 2 dtype F64,
 *           bits 3-5 limit (0, 1, 2, 3, 7, 100, 0, 1)
 *   byte 1: bits 0-5 how many bytes to cut / where to split, bits 6-7 the
 *           compression level (1, 6, 9, 0 = stored)
 *
 * Contract checked: either a tensor of the asked dtype with 1..8 positive
 * dims (axis 0 at most `limit`), or NULL with a negative status and one
 * non-empty "nb_idx_load: ..." message.  Whenever the content is known (all
 * modes but a gzip file given as it is) it is parsed independently here:
 * a well-formed file must load, a malformed one must not (gzip files with a
 * limit are exempt, as documented: damage past the limit is not seen), a
 * gzip file cut short must fail without a limit, and every loaded value
 * must equal the content's element converted to the dtype. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

static const char *const target = "idx";
static const char *const api[] = {"nb_idx_load"};
static const int64_t limits[8] = {0, 1, 2, 3, 7, 100, 0, 1};

/* Is the content a well-formed IDX file (header and exact length)? */
static int idx_valid(const unsigned char *c, size_t n, fz_idx *h)
{
    return fz_idx_header(c, n, h) == 0 && (uint64_t)n - h->header == h->numel * (uint64_t)h->esize;
}

static void check_values(nb_tensor *t, const unsigned char *c, size_t n, nb_dtype dtype,
                         int64_t limit)
{
    fz_idx h;
    if (fz_idx_header(c, n, &h) != 0)
        fz_violation(target, "loaded a file whose header is malformed");
    if (nb_tensor_ndim(t) != h.ndim)
        fz_violation(target, "%d dims loaded, header says %d", nb_tensor_ndim(t), h.ndim);
    for (int d = 0; d < h.ndim; d++) {
        uint64_t want = h.dims[d];
        if (d == 0 && limit > 0 && (uint64_t)limit < want)
            want = (uint64_t)limit;
        if ((uint64_t)nb_tensor_dim(t, d) != want)
            fz_violation(target, "dim %d is %lld, expected %llu (header and limit)", d, (long long)nb_tensor_dim(t, d),
                         (unsigned long long)want);
    }
    uint64_t count = (uint64_t)nb_tensor_numel(t);
    if ((uint64_t)n < h.header + count * (uint64_t)h.esize)
        fz_violation(target, "loaded %llu elements but the content holds only %llu bytes of data",
                     (unsigned long long)count, (unsigned long long)(n - h.header));
    for (uint64_t i = 0; i < count; i++) {
        double want = fz_idx_value(&h, c, i), got = nb_tensor_get(t, (int64_t)i);
        if (dtype == NB_F32)
            want = (float)want;
        if (!(got == want || (isnan(got) && isnan(want))))
            fz_violation(target, "element %llu is %.17g, the file holds %.17g",
                         (unsigned long long)i, got, want);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t b[FZ_IDX_OPT_BYTES] = {0};
    memcpy(b, data, size < sizeof b ? size : sizeof b);
    const unsigned char *content = size > sizeof b ? data + sizeof b : data;
    size_t n = size > sizeof b ? size - sizeof b : 0;

    int mode = b[0] & 3;
    nb_dtype dtype = (b[0] >> 2) & 1 ? NB_F64 : NB_F32;
    int64_t limit = limits[(b[0] >> 3) & 7];
    int param = b[1] & 63;
    static const int levels[4] = {1, 6, 9, 0};
    int level = levels[b[1] >> 6];

    /* The file's bytes. */
    unsigned char *file = NULL;
    size_t fsize = 0;
    if (mode == FZ_IDX_AS_IS) {
        fsize = n;
    } else if (mode == FZ_IDX_GZIP_TWO) {
        size_t split = n ? (size_t)param % (n + 1) : 0, s1, s2;
        unsigned char *g1 = fz_gzip(content, split, level, &s1);
        unsigned char *g2 = fz_gzip(content + split, n - split, level, &s2);
        file = malloc(s1 + s2);
        if (!file)
            abort();
        memcpy(file, g1, s1);
        memcpy(file + s1, g2, s2);
        fsize = s1 + s2;
        free(g1);
        free(g2);
    } else {
        file = fz_gzip(content, n, level, &fsize);
        if (mode == FZ_IDX_GZIP_CUT)
            fsize = fsize > (size_t)param + 1 ? fsize - (size_t)param - 1 : 0;
    }
    const char *path = fz_path("input.idx");
    fz_write(path, file ? file : content, fsize);
    free(file);

    /* What the content is, when it is known. */
    int known = mode != FZ_IDX_AS_IS || !(n >= 1 && content[0] == 0x1f);
    int compressed = mode != FZ_IDX_AS_IS;
    fz_idx h;
    int valid = known && mode != FZ_IDX_GZIP_CUT && idx_valid(content, n, &h);
    int limited = limit > 0 && known && fz_idx_header(content, n, &h) == 0 && (uint64_t)limit < h.dims[0];

    nb_arena *prev, *arena = fz_arena_begin(&prev);
    nb_clear_error();
    nb_tensor *t = nb_idx_load(path, dtype, limit);
    if (!t) {
        fz_check_failure(target, "nb_idx_load", (int)nb_last_status(), api, 1);
        if (valid)
            fz_violation(target, "a well-formed %s IDX file (mode %d) was refused",
                         compressed ? "gzip" : "plain", mode);
    } else {
        if (nb_tensor_dtype(t) != dtype || nb_tensor_arena(t) != arena)
            fz_violation(target, "the tensor has the wrong dtype or is not in the current arena");
        int nd = nb_tensor_ndim(t);
        int64_t numel = 1;
        if (nd < 1 || nd > 8)
            fz_violation(target, "the tensor has %d dims", nd);
        for (int d = 0; d < nd; d++) {
            if (nb_tensor_dim(t, d) < 1)
                fz_violation(target, "dim %d is %lld", d, (long long)nb_tensor_dim(t, d));
            numel *= nb_tensor_dim(t, d);
        }
        if (numel != nb_tensor_numel(t) || (limit > 0 && nb_tensor_dim(t, 0) > limit))
            fz_violation(target, "numel %lld / axis 0 of %lld for limit %lld",
                         (long long)nb_tensor_numel(t), (long long)nb_tensor_dim(t, 0), (long long)limit);
        if (known) {
            if (!valid && !(compressed && limited))
                fz_violation(target, "a malformed or truncated %s IDX file (mode %d) was loaded",
                             compressed ? "gzip" : "plain", mode);
            check_values(t, content, n, dtype, limit);
        }
    }
    fz_arena_end(arena, prev);
    return 0;
}
