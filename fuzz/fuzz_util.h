/* Shared by the fuzz targets and the seed writer: where inputs are written,
 * how a broken contract is reported, and small independent readers of the
 * IDX and tensor file formats that the targets compare the library with.
 *
 * Each target's input is a few option bytes followed by the file's bytes;
 * the layouts are described in each target and in fuzz/README.md, and the
 * seed writer (fuzz_seeds.c) builds its seeds with the same constants. */
#ifndef NB_FUZZ_UTIL_H
#define NB_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "nabla.h"

/* Option bytes in front of each target's file bytes. */
enum { FZ_CSV_OPT_BYTES = 4, FZ_IDX_OPT_BYTES = 2, FZ_TF_OPT_BYTES = 1, FZ_MODEL_OPT_BYTES = 1 };

/* Tensor file fix-ups (option byte, low two bits): a mutated file almost
 * never keeps a good CRC, so the targets can repair the checksum, or the
 * length field and the checksum, to reach the record parser. */
enum { FZ_TF_RAW = 0, FZ_TF_FIX_CRC = 1, FZ_TF_FIX_LEN_CRC = 2 };

/* IDX container modes (option byte 0, low two bits). */
enum {
    FZ_IDX_AS_IS = 0,     /* the bytes are the file (plain, or a gzip seed) */
    FZ_IDX_GZIP = 1,      /* the bytes are the content; written gzip-compressed */
    FZ_IDX_GZIP_CUT = 2,  /* ... and the compressed file cut short */
    FZ_IDX_GZIP_TWO = 3   /* ... as two concatenated gzip members */
};

/* The path of `name` inside this process's private temporary directory
 * (made with mkdtemp under $TMPDIR or /tmp on first use, removed at exit). */
const char *fz_path(const char *name);

/* Write `size` bytes to `path` (replacing it); aborts if that fails. */
void fz_write(const char *path, const void *data, size_t size);

/* Report a broken contract of target `target` and abort (libFuzzer then
 * saves the input as a crash). */
#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 2, 3)))
#endif
void fz_violation(const char *target, const char *fmt, ...);

/* Check a failure: `status` negative and equal to nb_last_status(), a
 * non-empty nb_last_error() starting with one of the `n_apis` names in
 * `apis` followed by ':'.  `what` names the call in a violation report. */
void fz_check_failure(const char *target, const char *what, int status, const char *const *apis,
                      int n_apis);

/* A fresh arena made current; fz_arena_end frees it and restores the
 * previous one.  Aborts if the arena cannot be made (the harness's own
 * resources, not the loader's). */
nb_arena *fz_arena_begin(nb_arena **previous);
void fz_arena_end(nb_arena *arena, nb_arena *previous);

/* gzip-compress `size` bytes at `level` (0..9) into a malloc'd buffer;
 * *out_size gets its length.  Aborts on failure. */
unsigned char *fz_gzip(const void *data, size_t size, int level, size_t *out_size);

/* ---- an independent reading of the IDX format ---- */

typedef struct fz_idx {
    int type;          /* 0x08 .. 0x0E */
    int esize;         /* bytes per element */
    int ndim;          /* 1..8 */
    uint64_t dims[8];  /* all > 0 */
    uint64_t numel;    /* product of dims */
    size_t header;     /* 4 + 4 * ndim */
} fz_idx;

/* Parse the header of IDX content; 0 when magic, type, ndim and dims are
 * acceptable (numel is then at most 2^52), -1 otherwise. */
int fz_idx_header(const unsigned char *b, size_t n, fz_idx *h);

/* Element i of IDX content with header h, as a double. */
double fz_idx_value(const fz_idx *h, const unsigned char *b, uint64_t i);

/* ---- an independent reading of the tensor file format ---- */

typedef struct fz_tf_rec {
    const unsigned char *name;
    size_t name_len;
    nb_dtype dtype;
    int ndim;
    int64_t shape[8];
    int64_t numel;
    const unsigned char *data; /* numel little-endian elements */
} fz_tf_rec;

/* Repair a tensor file's length field and/or CRC in place (mode is one of
 * FZ_TF_*); files shorter than the header are left alone. */
void fz_tf_fixup(unsigned char *b, size_t n, int mode);

/* Parse a whole tensor file as docs/file-format.md defines it.  Returns the
 * number of records (>= 0) and a malloc'd array in *recs (free it), or -1
 * when the file is not valid (then *recs is NULL).  Whether a stored shape
 * is one a tensor can have is asked of tensor creation (nb_zeros, in the
 * current arena), as the format defines; that may record an error message. */
int fz_tf_parse(const unsigned char *b, size_t n, fz_tf_rec **recs);

/* Does tensor t hold exactly record r's dtype, shape and element bits? */
int fz_tf_same(const fz_tf_rec *r, nb_tensor *t);

/* The models the model target loads into: which = 0 is an f32 BP network
 * 3-4-2, which = 1 an f64 BP network 2-3-1 with an extra scalar parameter
 * "temperature".  NULL (with nabla's message printed) on failure. */
nb_model *fz_make_model(int which);

#endif
