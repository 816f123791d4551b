/* nabla/io.h — getting data in and out: CSV and IDX(.gz) loaders,
 * normalisation (mapminmax, z-score), shuffling, random splits, minibatches,
 * and tensor files (the block format model save/load is built on).
 *
 * Conventions shared by everything here:
 * - Samples are ROWS: a data set of N samples with F features is an (N, F)
 *   tensor.  (MATLAB's toolbox stores features x samples; where a function
 *   follows MATLAB semantics its doc says how the axes map.)
 * - Tensors made here are allocated in the thread's current arena
 *   (nb_arena_use) and are plain data: they are never recorded in a graph.
 * - Failing calls return NULL or a negative nb_status and record one message
 *   (nb_last_error) naming the function, the file and, for malformed input,
 *   the line/column or field that is wrong.  Temporary memory is released on
 *   every path; nothing is written to a caller's tensor before the call is
 *   known to succeed.
 */
#ifndef NABLA_IO_H
#define NABLA_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nabla/rng.h"
#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* CSV                                                                      */
/* ======================================================================== */

/* Is the first line of a CSV file a header of column names?
 *
 * AUTO decides with this rule: line 1 (the first line that is not blank) is
 * a header when at least one of its cells is non-empty and not a number.
 *  - An empty cell is no sign either way (a header may leave a name out, a
 *    data row may lack a value), so a line of numbers and empty cells is
 *    data, and its empty cell is an error like on any other line
 *    ("nb_csv_load: PATH line 1, column 3: empty cell").
 *  - A header whose names are all numbers cannot be told from data: it is
 *    read as data; say NB_CSV_HEADER_YES.
 *  - The class column of class_labels mode given by index is not looked at,
 *    since its cells are text in data rows too ("5.1,3.5,setosa" is data).
 *    If that label is the only text on line 1, it occurs nowhere else and
 *    every other label is an integer, line 1 is most likely a header: the
 *    load fails asking for NB_CSV_HEADER_YES or NO instead of making the
 *    column's name a class of one row.
 *  - With target_names line 1 is always a header.
 * A header with no data rows after it is NB_ERR_FORMAT. */
typedef enum nb_csv_header {
    NB_CSV_HEADER_AUTO = 0, /* the rule above */
    NB_CSV_HEADER_YES = 1,  /* line 1 is a header whatever it holds */
    NB_CSV_HEADER_NO = 2    /* line 1 is data */
} nb_csv_header;

/* Options for nb_csv_load; zero-initialise and set what you need. */
typedef struct nb_csv_opts {
    nb_dtype dtype;                  /* NB_F32 (the zero value) or NB_F64 */
    char delimiter;                  /* 0 means ','; e.g. ';' or '\t' */
    nb_csv_header header;            /* see nb_csv_header; default AUTO */
    const int *target_cols;          /* 0-based column indices of targets (Y); negative
                                        values count from the end (-1 = last column) */
    int n_target_cols;               /* entries in target_cols */
    const char *const *target_names; /* target columns named by the header */
    int n_target_names;              /* entries in target_names */
    bool class_labels;               /* exactly one target column, holding class names or
                                        integers, mapped to class indices 0..K-1 */
    bool allow_nonfinite;            /* accept nan/inf cells (default: reject them) */
    size_t max_line;                 /* longest accepted line in bytes; 0 means 1 MiB */
} nb_csv_opts;

/* What nb_csv_load gives back.  Everything lives in the current arena. */
typedef struct nb_csv_data {
    nb_tensor *x;               /* (rows, n_features): the non-target columns, in file order */
    nb_tensor *y;               /* (rows, n_targets) in the order asked for, or (rows,) of
                                   class indices in class_labels mode; NULL if no targets */
    int64_t rows;               /* data rows (blank lines are skipped) */
    int n_features;
    int n_targets;
    const char *const *column_names; /* header names of all columns, or NULL without a header */
    int n_columns;
    const char *const *class_names;  /* class_labels mode: name of class k at [k]; else NULL */
    int n_classes;
} nb_csv_data;

/* Load a numeric CSV file.  Columns listed as targets go to Y, the rest to X.
 * Cells are numbers as strtod reads them, optionally surrounded by spaces or
 * double quotes; quoted cells may not contain the delimiter.  Blank lines and
 * a trailing '\r' are ignored.
 *
 * class_labels mode: the one target column may hold any text.  If every label
 * is an integer, classes are ordered by value; otherwise by byte-wise string
 * order.  So iris's setosa/versicolor/virginica become 0/1/2 whatever the row
 * order, and a column of 1/2/3 becomes 0/1/2 with names "1","2","3".
 *
 * Returns NB_OK and fills *out, or a negative status with a message giving the
 * file, line and column: NB_ERR_IO (missing/unreadable file), NB_ERR_FORMAT
 * (empty file, a header and no data, ragged row, non-numeric or empty cell,
 * nan/inf cell, over-long line, a line 1 that may be a header: see
 * nb_csv_header), NB_ERR_ARG (bad option, unknown target column),
 * NB_ERR_STATE (no current arena), NB_ERR_NOMEM.  On failure *out is
 * zeroed. */
int nb_csv_load(const char *path, const nb_csv_opts *opts, nb_csv_data *out);

/* ======================================================================== */
/* IDX (MNIST / Fashion-MNIST format), plain or gzip-compressed             */
/* ======================================================================== */

/* Load a whole IDX file (".gz" or not: compression is detected from the
 * content).  Element types: unsigned byte, signed byte, int16, int32, float32,
 * float64, all big-endian as the format defines.  The result has the file's
 * dims and the values converted to `dtype`.  limit > 0 keeps only the first
 * `limit` entries of axis 0 (all when limit is 0 or larger than the count).
 *
 * The magic number, the number of dims (1..8), zero dims and the data length
 * are validated: a truncated file, trailing bytes after the data, a wrong
 * magic or impossible dims give NB_ERR_FORMAT naming the file and what was
 * expected.  A gzip file may be several members one after another (what
 * `cat a.gz b.gz` makes): as for gzip itself, they are one stream.  The file
 * must end where its last member ends; other bytes after it, even zeros, are
 * NB_ERR_FORMAT ("PATH has N bytes after its gzip stream").  With a limit
 * only the bytes up to the limit are read, so damage past it is not seen in
 * a compressed file.  Missing file: NB_ERR_IO. */
nb_tensor *nb_idx_load(const char *path, nb_dtype dtype, int64_t limit);

/* The folder the Fashion-MNIST files are read from when `dir` is NULL:
 * $NB_FASHION_MNIST_DIR if set and non-empty, else the location used by
 * Debian's dataset-fashion-mnist package, /usr/share/datasets/fashion-mnist. */
const char *nb_fashion_mnist_default_dir(void);

/* Which part of a data set. */
typedef enum nb_data_part { NB_DATA_TRAIN = 0, NB_DATA_TEST = 1 } nb_data_part;

/* Load Fashion-MNIST's training (60000) or test (10000) part from `dir`
 * (NULL: nb_fashion_mnist_default_dir()), files {train,t10k}-images-idx3-ubyte.gz
 * and {train,t10k}-labels-idx1-ubyte.gz.  *x becomes an (N, 784) tensor of
 * pixels/255 in [0, 1], *y an (N,) tensor of class indices 0..9 (as values of
 * `dtype`).  limit > 0 loads only the first `limit` samples.  Checks that the
 * images are 28x28, that both files hold the same count and that every label
 * is an integer in 0..9 (a label file of a signed or floating IDX type could
 * hold -3 or 2.5: NB_ERR_FORMAT naming the file, the row, the value and the
 * valid range).  On failure *x and *y are NULL and a negative status is
 * returned. */
int nb_fashion_mnist_load(const char *dir, nb_data_part part, int64_t limit, nb_dtype dtype,
                          nb_tensor **x, nb_tensor **y);

/* Name of Fashion-MNIST class 0..9 ("T-shirt/top", ...); "?" otherwise. */
const char *nb_fashion_mnist_class_name(int label);

/* ======================================================================== */
/* Normalisation                                                            */
/* ======================================================================== */

/* Settings of mapminmax, per feature.  The arrays live in the arena that was
 * current when nb_mapminmax_fit ran; keep that arena alive while you use
 * them (fit in the model's arena to apply to later batches). */
typedef struct nb_minmax_settings {
    int64_t features; /* number of columns it was fitted on */
    double ymin, ymax;
    double *xmin;     /* per-feature minimum of the fitted data (NaNs ignored) */
    double *xmax;     /* per-feature maximum */
} nb_minmax_settings;

/* MATLAB's mapminmax: y = (ymax-ymin)*(x-xmin)/(xmax-xmin) + ymin.
 * MATLAB normalises each ROW of a features x samples matrix; nabla stores
 * samples as rows, so here each COLUMN (feature) of an (N, F) tensor is
 * mapped (a 1-d tensor is one feature).  A constant feature (xmax == xmin,
 * or no finite values) is passed through unchanged, as MATLAB does.
 * MATLAB's default range is ymin = -1, ymax = 1.
 *
 * nb_mapminmax_fit records the settings of x in *ps (NB_ERR_ARG unless
 * ymin < ymax, both finite).  nb_mapminmax_apply maps new data with them,
 * nb_mapminmax_reverse undoes the map; both return a new tensor of x's shape
 * and dtype (NB_ERR_SHAPE if the feature count differs from the fit).
 * nb_mapminmax = fit + apply. */
int nb_mapminmax_fit(const nb_tensor *x, double ymin, double ymax, nb_minmax_settings *ps);
nb_tensor *nb_mapminmax_apply(const nb_tensor *x, const nb_minmax_settings *ps);
nb_tensor *nb_mapminmax_reverse(const nb_tensor *y, const nb_minmax_settings *ps);
nb_tensor *nb_mapminmax(const nb_tensor *x, double ymin, double ymax, nb_minmax_settings *ps);

/* Settings of z-score normalisation, per feature (arrays as in nb_minmax_settings). */
typedef struct nb_zscore_settings {
    int64_t features;
    double *mean;  /* per-feature mean of the fitted data */
    double *std;   /* per-feature sample standard deviation (divides by N-1,
                      as MATLAB's std and mapstd do) */
} nb_zscore_settings;

/* z-score: y = (x - mean) / std per column, so each feature of the fitted
 * data has mean 0 and standard deviation 1 (MATLAB's mapstd with defaults).
 * A feature whose std is 0 (constant, or a single sample) or not finite is
 * passed through unchanged.  Same fit/apply/reverse pattern and errors as
 * mapminmax. */
int nb_zscore_fit(const nb_tensor *x, nb_zscore_settings *ps);
nb_tensor *nb_zscore_apply(const nb_tensor *x, const nb_zscore_settings *ps);
nb_tensor *nb_zscore_reverse(const nb_tensor *y, const nb_zscore_settings *ps);
nb_tensor *nb_zscore(const nb_tensor *x, nb_zscore_settings *ps);

/* ======================================================================== */
/* Shuffling and splitting                                                  */
/* ======================================================================== */

/* Shuffle the rows (entries of axis 0) of x in place, and those of y (may be
 * NULL) with the same permutation, so that samples and targets stay paired.
 * The permutation is a Fisher–Yates shuffle driven by `rng`, so a seed gives
 * the same order on every platform.  Bumps the tensors' versions.
 * NB_ERR_SHAPE if y's first dim differs from x's. */
int nb_shuffle_rows(nb_rng *rng, nb_tensor *x, nb_tensor *y);

/* Ratios for nb_dividerand; they are normalised by their sum. */
typedef struct nb_divide_opts {
    double train, val, test; /* all zero (or NULL opts) means 0.7 / 0.15 / 0.15 */
} nb_divide_opts;

/* The parts made by nb_dividerand: new tensors in the current arena.  A part
 * with no samples is a tensor with 0 rows.  The *_idx arrays (also in the
 * arena) give the original row of each sample, in increasing order. */
typedef struct nb_split {
    nb_tensor *x_train, *y_train;
    nb_tensor *x_val, *y_val;
    nb_tensor *x_test, *y_test; /* y_* are NULL when y is NULL */
    int64_t n_train, n_val, n_test;
    int64_t *train_idx, *val_idx, *test_idx;
} nb_split;

/* MATLAB's dividerand: a random permutation of the N rows is cut into
 * n_val = round(val*N), n_test = round(test*N) and n_train = the rest (ratios
 * normalised to sum 1), each part then taken in original row order.  Rows of
 * y (may be NULL) go with rows of x.  On failure *out is zeroed. */
int nb_dividerand(nb_rng *rng, const nb_tensor *x, const nb_tensor *y, const nb_divide_opts *opts,
                  nb_split *out);

/* ======================================================================== */
/* Minibatches                                                              */
/* ======================================================================== */

/* Options for nb_batch_iter_init. */
typedef struct nb_batch_opts {
    int64_t batch_size; /* rows per batch (> 0) */
    bool shuffle;       /* visit rows in a new random order each epoch */
    uint64_t seed;      /* seed of the iterator's own generator (with shuffle) */
    bool drop_last;     /* drop a last batch smaller than batch_size */
    int num_shards;     /* data-parallel processes sharing each batch, >= 0; 0 = 1 */
    int shard;          /* this process's slice of each batch, in [0, num_shards) */
} nb_batch_opts;

/* An iterator over minibatches of (x, y).  Fill it with nb_batch_iter_init;
 * its fields are read-only for the caller. */
typedef struct nb_batch_iter {
    const nb_tensor *x, *y;
    int64_t n;          /* rows */
    int64_t batch_size;
    int64_t pos;        /* next position in order[] */
    int64_t *order;     /* the visiting order of this epoch (n entries) */
    int64_t epoch;      /* epochs started so far (1 after init) */
    int64_t batch_rows; /* rows of the last global batch (all shards together) */
    int shard, num_shards;
    bool shuffle, drop_last;
    nb_rng rng;
} nb_batch_iter;

/* Start iterating over x (N, ...) and y (N, ...) or NULL.  The order array is
 * allocated in the current arena, which must outlive the iterator; x and y
 * must stay valid too (they are read by each nb_batch_next). */
int nb_batch_iter_init(nb_batch_iter *it, const nb_tensor *x, const nb_tensor *y,
                       const nb_batch_opts *opts);

/* The next batch: *xb (and *yb when y was given; yb may be NULL then) become
 * new tensors of up to batch_size rows, copied into the CURRENT arena (a step
 * arena, typically; no malloc).  Returns 1 when a batch was made, 0 at the
 * end of the epoch (then *xb, *yb are NULL), negative on error.
 * With num_shards = k > 1, each call still walks one global batch of up to
 * batch_size rows (it->batch_rows of them) of the same order for every
 * shard (same seed), but returns only shard s's slice of it: rows
 * [b*s/k, b*(s+1)/k) of the batch.  So k processes with shards 0..k-1
 * together see exactly the batches one process sees; a slice may have 0
 * rows (a batch smaller than k), and is still returned, so that every
 * process makes the same number of steps. */
int nb_batch_next(nb_batch_iter *it, nb_tensor **xb, nb_tensor **yb);

/* Begin the next epoch: rewind, and draw a new order when shuffling (a
 * shuffle of the previous epoch's order, from the iterator's generator). */
int nb_batch_iter_reset(nb_batch_iter *it);

/* Number of batches per epoch. */
int64_t nb_batch_count(const nb_batch_iter *it);

/* ======================================================================== */
/* Tensor files (format: docs/file-format.md)                               */
/* ======================================================================== */

/* Write n named tensors to `path`.  names[i] names tensors[i]; `names` may
 * be NULL to use each tensor's nb_tensor_name.  Names must be non-empty, at
 * most 4096 bytes and distinct.
 *
 * The file is replaced atomically: the data goes to a temporary file in the
 * same folder, is flushed to disk and renamed over `path`, and the folder is
 * synced.  A failure at any point (a full disk, a kill, a crash) leaves an
 * existing file untouched and no temporary file behind: where the file
 * system supports O_TMPFILE the temporary file has no name until it is
 * complete; elsewhere a killed save's "<name>.tmp.<pid>.<n>" is removed by
 * the next save of the same file once that pid no longer exists.
 *
 * What is at `path`:
 * - a regular file: the new file keeps its permission bits and, where the
 *   caller may set them (root, or a group the caller is in), its owner and
 *   group; other metadata (ACLs, extended attributes, other hard links to
 *   the old file) is not carried over;
 * - nothing: a new file, mode 0666 minus the umask;
 * - a symbolic link: followed (through further links) and the file it names
 *   is replaced in that file's folder; the link stays.  A link to a name
 *   that does not exist is refused (nothing is created), as is a loop;
 * - anything else (folder, FIFO, socket, device): refused.
 * Refusals are checked before anything is written and say "nothing was
 * written".
 *
 * Returns NB_OK or a negative status: NB_ERR_IO naming the path and the
 * system's reason (also when the new file is in place but its folder could
 * not be synced: the message says so); NB_ERR_ARG for bad names or a path
 * ending in '/'; NB_ERR_NOMEM. */
int nb_tensors_save(const char *path, const char *const *names, nb_tensor *const *tensors, int n);

/* Read the tensors called names[i] (NULL: each tensor's own name) from
 * `path` into the existing tensors[i], which must have the same dtype and
 * shape as stored.  Tensors in the file that are not asked for are ignored.
 * The file is fully checked (magic, version, length, CRC-32) and every
 * requested tensor is matched before any data is copied: on failure no
 * tensor is changed.  Every stored shape must be one a tensor can have (the
 * element and byte limits of tensor creation; a zero dim is an empty
 * tensor).  Errors name what is wrong: NB_ERR_IO (cannot open, or not a
 * regular file: a FIFO is refused without waiting for a writer),
 * NB_ERR_FORMAT (wrong magic, truncated, checksum mismatch, newer version, a
 * malformed record: which one and which field), NB_ERR_ARG (a name is
 * missing from the file), NB_ERR_SHAPE / NB_ERR_DTYPE (stored tensor
 * differs), NB_ERR_NOMEM.  Bumps the version of each tensor written. */
int nb_tensors_load_into(const char *path, const char *const *names, nb_tensor *const *tensors,
                         int n);

/* Everything a tensor file holds, as returned by nb_tensors_load. */
typedef struct nb_tensor_list {
    int n;
    const char *const *names; /* names[i] of tensors[i] */
    nb_tensor **tensors;      /* new tensors, named (nb_tensor_name) */
} nb_tensor_list;

/* Load every tensor of `path` into new tensors in the current arena (the
 * arrays and names live there too).  Same checks and errors as
 * nb_tensors_load_into.  On failure *out is zeroed. */
int nb_tensors_load(const char *path, nb_tensor_list *out);

#ifdef __cplusplus
}
#endif
#endif
