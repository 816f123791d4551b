/* Writes the seed corpora of the fuzz targets with nabla's own writers:
 *     fuzz_seeds DIR
 * makes DIR/csv, DIR/idx, DIR/tensor_file and DIR/model and fills them
 * with small inputs in each target's layout (option bytes, then a file).
 * Tensor and model files come from nb_tensors_save and nb_model_save; IDX
 * files (nabla has no IDX writer) are written by the format's definition
 * and gzip'd with zlib; CSV texts are below. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_util.h"

static const char *outdir;
static int written;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_seeds: %s: %s\n", what, nb_last_error()[0] ? nb_last_error() : strerror(errno));
    exit(1);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        die(path);
}

/* Write one seed: the option bytes, then the file bytes. */
static void seed(const char *corpus, const char *name, const void *opts, size_t n_opts,
                 const void *bytes, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", outdir, corpus, name);
    unsigned char *buf = malloc(n_opts + n + 1);
    if (!buf)
        die("out of memory");
    memcpy(buf, opts, n_opts);
    memcpy(buf + n_opts, bytes, n);
    fz_write(path, buf, n_opts + n);
    free(buf);
    written++;
}

/* The bytes of a file written by a nabla writer. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    unsigned char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4096;
            unsigned char *b = realloc(buf, cap);
            if (!b)
                die("out of memory");
            buf = b;
        }
        size_t got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    return buf;
}

/* ---- CSV ---- */

typedef struct csv_seed {
    const char *name;
    unsigned char opts[FZ_CSV_OPT_BYTES];
    const char *text;
} csv_seed;

/* Option bytes as fuzz_csv.c reads them. */
#define B0(header, classes, nonfinite, f64, delim) \
    (unsigned char)((header) | (classes) << 2 | (nonfinite) << 3 | (f64) << 4 | (delim) << 5)
#define B1(ncols, nnames, maxline) (unsigned char)((ncols) | (nnames) << 2 | (maxline) << 4)
#define NIB(a, b) (unsigned char)(((a) & 15) | ((b) & 15) << 4)

static const csv_seed csv_seeds[] = {
    {"numbers", {B0(0, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, "1,2,3\n4,5,6\n-7.5,8e-3,9\n"},
    {"last-target-f64", {B0(0, 0, 0, 1, 0), B1(1, 0, 0), NIB(-1, 0), 0}, "0.5,2,3\n1.5,1,1\n2.5,3,2\n"},
    {"iris-classes",
     {B0(0, 1, 0, 0, 0), B1(1, 0, 0), NIB(-1, 0), 0},
     "sepal_length,sepal_width,petal_length,petal_width,species\n"
     "5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n"
     "4.9,3.0,1.4,0.2,setosa\n"},
    {"int-classes", {B0(2, 1, 0, 0, 0), B1(1, 0, 0), NIB(1, 0), 0}, "0.5,2,3\n1.5,1,1\n2.5,3,2\n3.5,1,1\n"},
    {"named-target",
     {B0(1, 0, 0, 0, 0), B1(0, 1, 0), NIB(0, 0), 0},
     "x1,x2,y\n1,2,3\n4,5,6\n"},
    {"named-class",
     {B0(0, 1, 0, 1, 0), B1(0, 1, 0), NIB(3, 0), 0},
     "a,b,species\n1,2,cat\n3,4,dog\n5,6,cat\n"},
    {"semicolon-quotes-crlf",
     {B0(0, 0, 0, 0, 1), B1(1, 0, 0), NIB(2, 0), 0},
     "x1;x2;t\r\n1.5;-2;10\r\n\r\n 3 ; 4e1 ;\"20\"\r\n"},
    {"tabs-no-header", {B0(2, 0, 0, 0, 2), B1(2, 0, 0), NIB(0, 1), 0}, "1\t2\t3\n\t4 \t5\t6\n"},
    {"pipes-two-targets", {B0(3, 0, 0, 0, 3), B1(2, 0, 0), NIB(-1, -3), 0}, "p|q|r|s\n1|2|3|4\n5|6|7|8\n"},
    {"nonfinite-allowed", {B0(0, 0, 1, 1, 0), B1(0, 0, 0), 0, 0}, "nan,inf\n-inf,1\n"},
    {"nonfinite-refused", {B0(0, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, "1,2\nnan,3\n"},
    {"ragged", {B0(0, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, "1,2,3\n4,5\n"},
    {"short-max-line", {B0(2, 0, 0, 0, 0), B1(0, 0, 2), 0, 0}, "1,2\n3,4\n12345678901234567890,1\n"},
    {"spaces", {B0(2, 0, 0, 0, 4), B1(1, 0, 0), NIB(-1, 0), 0}, "1 2 3\n4 5 6\n"},
    {"colons-three-targets", {B0(0, 0, 0, 1, 5), B1(3, 0, 0), NIB(0, 1), NIB(2, 0)}, "1:2:3:4\n5:6:7:8\n"},
    {"header-only", {B0(1, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, "a,b,c\n"},
    {"empty-cell", {B0(0, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, "1,,3\n"},
    {"empty", {B0(0, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, ""},
    {"blank-lines", {B0(0, 0, 0, 0, 0), B1(0, 0, 0), 0, 0}, "\n  \n1,2\n\t\n3,4"},
};

static void csv_corpus(void)
{
    for (size_t i = 0; i < sizeof csv_seeds / sizeof *csv_seeds; i++)
        seed("csv", csv_seeds[i].name, csv_seeds[i].opts, FZ_CSV_OPT_BYTES, csv_seeds[i].text,
             strlen(csv_seeds[i].text));
}

/* ---- IDX ---- */

/* IDX bytes: 00 00 type ndim, the dims big-endian, then the elements. */
static size_t idx_bytes(unsigned char *out, int type, int ndim, const uint32_t *dims,
                        const unsigned char *elems, size_t elem_bytes)
{
    size_t k = 0;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = (unsigned char)type;
    out[k++] = (unsigned char)ndim;
    for (int d = 0; d < ndim; d++)
        for (int s = 24; s >= 0; s -= 8)
            out[k++] = (unsigned char)(dims[d] >> s);
    memcpy(out + k, elems, elem_bytes);
    return k + elem_bytes;
}

static void idx_corpus(void)
{
    unsigned char e[256];
    for (int i = 0; i < 256; i++)
        e[i] = (unsigned char)(i * 37 + 11);
    /* float32 1.5, -2, and float64 0.1, NaN, big-endian */
    static const unsigned char f32[8] = {0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0};
    static const unsigned char f64[16] = {0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a,
                                          0x7f, 0xf8, 0, 0, 0, 0, 0, 0};
    struct {
        const char *name;
        size_t n;
    } files[8];
    unsigned char store[8][512];
    int nf = 0;
#define IDX(label, ...)                                                   \
    do {                                                                  \
        files[nf].name = label;                                           \
        files[nf].n = idx_bytes(store[nf], __VA_ARGS__);                  \
        nf++;                                                             \
    } while (0)
    IDX("images-ubyte", 0x08, 3, (const uint32_t[]){3, 4, 4}, e, 48);
    IDX("labels-ubyte", 0x08, 1, (const uint32_t[]){5}, e, 5);
    IDX("sbyte", 0x09, 2, (const uint32_t[]){2, 3}, e + 100, 6);
    IDX("int16", 0x0B, 1, (const uint32_t[]){4}, e + 7, 8);
    IDX("int32", 0x0C, 2, (const uint32_t[]){2, 2}, e + 3, 16);
    IDX("float32", 0x0D, 1, (const uint32_t[]){2}, f32, 8);
    IDX("float64", 0x0E, 2, (const uint32_t[]){1, 2}, f64, 16);
    IDX("eight-dims", 0x08, 8, (const uint32_t[]){2, 1, 1, 1, 1, 1, 1, 2}, e, 4);
#undef IDX
    for (int i = 0; i < nf; i++) {
        char name[128];
        /* plain, as it is; with a limit of 2 and f64 */
        unsigned char o[2] = {FZ_IDX_AS_IS, 0};
        snprintf(name, sizeof name, "plain-%s", files[i].name);
        seed("idx", name, o, 2, store[i], files[i].n);
        o[0] = FZ_IDX_AS_IS | 1 << 2 | 2 << 3;
        snprintf(name, sizeof name, "plain-limit-%s", files[i].name);
        seed("idx", name, o, 2, store[i], files[i].n);
        /* a gzip file as it is (the fuzzer then mutates compressed bytes) */
        size_t gn;
        unsigned char *gz = fz_gzip(store[i], files[i].n, 6, &gn);
        o[0] = FZ_IDX_AS_IS;
        snprintf(name, sizeof name, "gz-%s", files[i].name);
        seed("idx", name, o, 2, gz, gn);
        free(gz);
        /* content compressed by the target: whole, cut, in two members */
        o[0] = FZ_IDX_GZIP;
        o[1] = 1 << 6;
        snprintf(name, sizeof name, "content-gzip-%s", files[i].name);
        seed("idx", name, o, 2, store[i], files[i].n);
        o[0] = FZ_IDX_GZIP_CUT;
        o[1] = 3;
        snprintf(name, sizeof name, "content-cut-%s", files[i].name);
        seed("idx", name, o, 2, store[i], files[i].n);
        o[0] = FZ_IDX_GZIP_TWO | 1 << 3;
        o[1] = 3 << 6 | 9;
        snprintf(name, sizeof name, "content-two-members-limit-%s", files[i].name);
        seed("idx", name, o, 2, store[i], files[i].n);
    }
}

/* ---- tensor files and models ---- */

static void tensor_file_seed(const char *corpus, const char *name, const char *path,
                             unsigned char opt)
{
    size_t n;
    unsigned char *b = slurp(path, &n);
    seed(corpus, name, &opt, 1, b, n);
    free(b);
    unlink(path);
}

static void tensor_corpus(const char *tmp)
{
    nb_arena *a = nb_arena_new();
    if (!a)
        die("nb_arena_new");
    nb_arena_use(a);
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_tensor *t[5] = {
        nb_scalar(NB_F32, 2.5),
        nb_arange(NB_F64, 0, 6, 1),
        nb_rand_uniform(&rng, NB_F32, 2, (const int64_t[]){2, 3}, -1, 1),
        nb_rand_normal(&rng, NB_F64, 3, (const int64_t[]){2, 1, 2}, 0, 1),
        nb_zeros(NB_F32, 2, (const int64_t[]){0, 4}),
    };
    const char *names[5] = {"scale", "steps", "W", "cube", "empty"};
    char path[4096];
    snprintf(path, sizeof path, "%s/t.nbt", tmp);
    static const struct {
        const char *name;
        int first, n;
    } sets[] = {{"none", 0, 0}, {"scalar", 0, 1}, {"two", 1, 2}, {"all", 0, 5}, {"empty-dim", 4, 1}};
    for (size_t s = 0; s < sizeof sets / sizeof *sets; s++) {
        if (nb_tensors_save(path, names + sets[s].first, t + sets[s].first, sets[s].n) != NB_OK)
            die("nb_tensors_save");
        char name[128];
        for (unsigned char mode = FZ_TF_RAW; mode <= FZ_TF_FIX_LEN_CRC; mode++) {
            snprintf(name, sizeof name, "%s-mode%d", sets[s].name, mode);
            /* write again for each mode: tensor_file_seed removes the file */
            if (mode && nb_tensors_save(path, names + sets[s].first, t + sets[s].first,
                                        sets[s].n) != NB_OK)
                die("nb_tensors_save");
            tensor_file_seed("tensor_file", name, path, mode);
        }
    }
    nb_arena_use(NULL);
    nb_arena_free(a);
}

static void model_corpus(const char *tmp)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/m.nbm", tmp);
    for (int which = 0; which < 2; which++) {
        nb_model *m = fz_make_model(which);
        if (!m)
            die("fz_make_model");
        char name[64];
        for (unsigned char mode = FZ_TF_RAW; mode <= FZ_TF_FIX_CRC; mode++) {
            if (nb_model_save(m, path) != NB_OK)
                die("nb_model_save");
            snprintf(name, sizeof name, "model%d-mode%d", which, mode);
            tensor_file_seed("model", name, path, (unsigned char)(mode | which << 2));
        }
        /* the other model's file: names or shapes do not fit */
        if (nb_model_save(m, path) != NB_OK)
            die("nb_model_save");
        snprintf(name, sizeof name, "model%d-into-model%d", which, 1 - which);
        tensor_file_seed("model", name, path, (unsigned char)(FZ_TF_FIX_CRC | (1 - which) << 2));
        nb_model_free(m);
    }
    /* a file of the first model with one more tensor (ignored by the load) */
    nb_model *m = fz_make_model(0);
    if (!m)
        die("fz_make_model");
    int np = nb_model_num_params(m);
    const char *names[16];
    nb_tensor *ts[16];
    for (int i = 0; i < np && i < 15; i++) {
        names[i] = nb_model_param_name(m, i);
        ts[i] = nb_model_param_at(m, i);
    }
    nb_arena *a = nb_arena_new();
    if (!a)
        die("nb_arena_new");
    nb_arena_use(a);
    names[np] = "extra";
    ts[np] = nb_ones(NB_F64, 1, (const int64_t[]){3});
    if (nb_tensors_save(path, names, ts, np + 1) != NB_OK)
        die("nb_tensors_save");
    tensor_file_seed("model", "model0-extra-tensor", path, FZ_TF_FIX_LEN_CRC);
    nb_arena_use(NULL);
    nb_arena_free(a);
    nb_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    char sub[4096];
    make_dir(outdir);
    static const char *const corpora[] = {"csv", "idx", "tensor_file", "model", "tmp"};
    for (int i = 0; i < 5; i++) {
        snprintf(sub, sizeof sub, "%s/%s", outdir, corpora[i]);
        make_dir(sub);
    }
    csv_corpus();
    idx_corpus();
    snprintf(sub, sizeof sub, "%s/tmp", outdir);
    tensor_corpus(sub);
    model_corpus(sub);
    rmdir(sub);
    printf("fuzz_seeds: %d seeds in %s\n", written, outdir);
    return 0;
}
