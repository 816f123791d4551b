/* Fuzz target: nb_csv_load with its options.
 *
 * Input: 4 option bytes, then the file's bytes.
 *   byte 0: bits 0-1 header (0 AUTO, 1 YES, 2 NO, 3 AUTO), bit 2 class_labels,
 *           bit 3 allow_nonfinite, bit 4 dtype F64, bits 5-7 delimiter
 *           (default, ';', '\t', '|', ' ', ':', ',', '"' which is refused)
 *   byte 1: bits 0-1 number of target columns by index, bits 2-3 number of
 *           target columns by name, bits 4-7 max_line (0: default, k: 4 << k)
 *   bytes 2-3: four nibbles; target column i by index is nibble i as a
 *           signed value -8..7, target name i is names[nibble i % 6]
 *
 * Contract checked: either NB_OK with consistent counts and shapes, every
 * value finite unless allow_nonfinite, class indices in range and every
 * class used; or a negative status with one non-empty "nb_csv_load: ..."
 * message and *out zeroed.  When the text has no NUL byte and no line over
 * max_line, the row and column counts are compared with the text itself. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

static const char *const target = "csv";
static const char *const api[] = {"nb_csv_load"};
static const char delimiters[8] = {0, ';', '\t', '|', ' ', ':', ',', '"'};
static const char *const names[6] = {"y", "label", "class", "species", "a", "target"};

static int nibble(const uint8_t *b, int i) { return (b[i / 2] >> (4 * (i % 2))) & 15; }

/* What the text itself says: data lines, and cells on the first one.
 * Returns 0 when the text is simple enough to count (no NUL, no line longer
 * than max_line), -1 otherwise. */
static int count_text(const uint8_t *p, size_t n, char delim, size_t max_line, int64_t *lines,
                      int *first_cells)
{
    *lines = 0;
    *first_cells = -1;
    if (memchr(p, 0, n))
        return -1;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '\n')
            j++;
        if (j - i > max_line)
            return -1;
        size_t len = j - i;
        if (len && p[i + len - 1] == '\r')
            len--;
        int blank = 1, cells = 1;
        for (size_t k = i; k < i + len; k++) {
            if (p[k] != ' ' && p[k] != '\t')
                blank = 0;
            if (p[k] == (uint8_t)delim)
                cells++;
        }
        if (!blank) {
            if (*first_cells < 0)
                *first_cells = cells;
            ++*lines;
        }
        i = j + 1;
    }
    return 0;
}

static void check_finite(const nb_tensor *t, const char *which)
{
    for (int64_t i = 0; i < nb_tensor_numel(t); i++)
        if (!isfinite(nb_tensor_get(t, i)))
            fz_violation(target, "%s[%lld] is %g although allow_nonfinite is off", which,
                         (long long)i, nb_tensor_get(t, i));
}

static void check_success(const nb_csv_opts *o, const nb_csv_data *d, nb_arena *arena,
                          const uint8_t *text, size_t n)
{
    int want_targets = o->n_target_cols + o->n_target_names;
    if (!d->x || nb_tensor_ndim(d->x) != 2 || d->rows < 1 || nb_tensor_dim(d->x, 0) != d->rows ||
        d->n_features < 1 || nb_tensor_dim(d->x, 1) != d->n_features)
        fz_violation(target, "x is not a (rows >= 1, n_features >= 1) tensor (rows %lld, features %d)",
                     (long long)d->rows, d->n_features);
    if (nb_tensor_dtype(d->x) != o->dtype || nb_tensor_arena(d->x) != arena)
        fz_violation(target, "x has the wrong dtype or is not in the current arena");
    if (d->n_targets != want_targets || d->n_features + d->n_targets != d->n_columns)
        fz_violation(target, "%d features + %d targets for %d columns (%d targets asked for)",
                     d->n_features, d->n_targets, d->n_columns, want_targets);
    if (!o->allow_nonfinite)
        check_finite(d->x, "x");

    if (d->n_targets == 0) {
        if (d->y || d->class_names || d->n_classes)
            fz_violation(target, "y or class names given without targets");
    } else if (o->class_labels) {
        if (!d->y || nb_tensor_ndim(d->y) != 1 || nb_tensor_dim(d->y, 0) != d->rows)
            fz_violation(target, "class labels: y is not a (rows,) tensor");
        if (d->n_classes < 1 || !d->class_names)
            fz_violation(target, "class labels: %d classes", d->n_classes);
        char *used = calloc((size_t)d->n_classes, 1);
        if (!used)
            abort();
        for (int64_t r = 0; r < d->rows; r++) {
            double v = nb_tensor_get(d->y, r);
            if (!(v >= 0 && v < d->n_classes) || v != floor(v))
                fz_violation(target, "class index y[%lld] = %g is not in 0..%d", (long long)r, v,
                             d->n_classes - 1);
            used[(int)v] = 1;
        }
        for (int k = 0; k < d->n_classes; k++) {
            if (!used[k])
                fz_violation(target, "class %d is never used", k);
            if (!d->class_names[k] || !d->class_names[k][0])
                fz_violation(target, "class %d has no name", k);
            if (k && strcmp(d->class_names[k - 1], d->class_names[k]) == 0)
                fz_violation(target, "classes %d and %d have the same name", k - 1, k);
        }
        free(used);
    } else {
        if (!d->y || nb_tensor_ndim(d->y) != 2 || nb_tensor_dim(d->y, 0) != d->rows ||
            nb_tensor_dim(d->y, 1) != d->n_targets)
            fz_violation(target, "y is not a (rows, n_targets) tensor");
        if (!o->allow_nonfinite)
            check_finite(d->y, "y");
    }
    if (d->y && (nb_tensor_dtype(d->y) != o->dtype || nb_tensor_arena(d->y) != arena))
        fz_violation(target, "y has the wrong dtype or is not in the current arena");

    int header = d->column_names != NULL;
    if ((o->header == NB_CSV_HEADER_YES || o->n_target_names) && !header)
        fz_violation(target, "a header was asked for but no column names were returned");
    if (o->header == NB_CSV_HEADER_NO && header)
        fz_violation(target, "header NO, yet column names were returned");
    for (int c = 0; header && c < d->n_columns; c++)
        if (!d->column_names[c])
            fz_violation(target, "column name %d is NULL", c);

    int64_t lines;
    int cells;
    size_t max_line = o->max_line ? o->max_line : (size_t)1 << 20;
    if (count_text(text, n, o->delimiter ? o->delimiter : ',', max_line, &lines, &cells) == 0) {
        if (d->rows != lines - header)
            fz_violation(target, "%lld rows returned; the text has %lld non-blank lines%s",
                         (long long)d->rows, (long long)lines, header ? " and a header" : "");
        if (d->n_columns != cells)
            fz_violation(target, "%d columns returned; the first line has %d cells", d->n_columns,
                         cells);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t b[FZ_CSV_OPT_BYTES] = {0};
    memcpy(b, data, size < sizeof b ? size : sizeof b);
    const uint8_t *text = size > sizeof b ? data + sizeof b : data;
    size_t n = size > sizeof b ? size - sizeof b : 0;

    int cols[3];
    const char *tnames[3];
    nb_csv_opts o = {0};
    o.header = (nb_csv_header)(b[0] & 3) == 3 ? NB_CSV_HEADER_AUTO : (nb_csv_header)(b[0] & 3);
    o.class_labels = (b[0] >> 2) & 1;
    o.allow_nonfinite = (b[0] >> 3) & 1;
    o.dtype = (b[0] >> 4) & 1 ? NB_F64 : NB_F32;
    o.delimiter = delimiters[b[0] >> 5];
    o.n_target_cols = b[1] & 3;
    o.n_target_names = (b[1] >> 2) & 3;
    o.max_line = (b[1] >> 4) ? (size_t)4 << (b[1] >> 4) : 0;
    for (int i = 0; i < 3; i++) {
        int v = nibble(b + 2, i);
        cols[i] = v < 8 ? v : v - 16;
        tnames[i] = names[v % 6];
    }
    o.target_cols = o.n_target_cols ? cols : NULL;
    o.target_names = o.n_target_names ? tnames : NULL;

    const char *path = fz_path("input.csv");
    fz_write(path, text, n);
    nb_arena *prev, *arena = fz_arena_begin(&prev);
    nb_clear_error();
    nb_csv_data d;
    memset(&d, 0xA5, sizeof d);
    int rc = nb_csv_load(path, &o, &d);
    if (rc != NB_OK) {
        fz_check_failure(target, "nb_csv_load", rc, api, 1);
        if (d.x || d.y || d.rows || d.n_features || d.n_targets || d.column_names ||
            d.n_columns || d.class_names || d.n_classes)
            fz_violation(target, "*out is not zeroed after a failure");
    } else {
        check_success(&o, &d, arena, text, n);
    }
    fz_arena_end(arena, prev);
    return 0;
}
