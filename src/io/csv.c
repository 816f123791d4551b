#define _POSIX_C_SOURCE 200809L
/* CSV loader: numeric columns to X, chosen target columns to Y, optionally a
 * class-label column mapped to class indices.  The whole file is parsed into
 * temporary malloc'd buffers first and copied into arena tensors only when it
 * is known to be good, so a failure costs the arena nothing and leaks
 * nothing. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The label table uses malloc; a failed insertion sets s->oom (uthash is
 * used with HASH_ADD only where a csv_state `s` is in scope). */
#define NB_HASH_OOM(obj) (s->oom = true)
#include "core/hash_table.h"
#include "core/tensor_internal.h"
#include "nabla/io.h"

static const char *const op = "nb_csv_load";

/* A distinct class label, found through a hash on its text. */
typedef struct csv_label {
    char *text;
    int id;      /* order of first appearance */
    int rank;    /* final class index */
    int64_t count; /* rows that hold it */
    UT_hash_handle hh;
} csv_label;

/* Dynamic array of doubles. */
typedef struct dvec {
    double *v;
    size_t len, cap;
} dvec;

static int dvec_push(dvec *a, double x)
{
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        double *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->len++] = x;
    return 0;
}

/* Everything the parser owns; released by csv_free on every path. */
typedef struct csv_state {
    const char *path;
    FILE *f;
    char *line;
    size_t line_cap;
    char **cells;
    int cells_cap;
    char **header;      /* copies of the header names */
    int ncols;
    int *role;          /* per column: -1 feature, else index among targets */
    int *target_col;    /* per target: its column */
    int ntargets;
    dvec x, y;
    csv_label *labels;  /* hash of distinct labels */
    csv_label **by_id;
    int nlabels, by_id_cap;
    bool oom;           /* the label table could not grow */
    long first_data_line; /* line number of the first data row */
} csv_state;

static void csv_free(csv_state *s)
{
    if (s->f)
        fclose(s->f);
    free(s->line);
    free(s->cells);
    if (s->header)
        for (int i = 0; i < s->ncols; i++)
            free(s->header[i]);
    free(s->header);
    free(s->role);
    free(s->target_col);
    free(s->x.v);
    free(s->y.v);
    csv_label *l, *tmp;
    HASH_ITER(hh, s->labels, l, tmp)
    {
        HASH_DEL(s->labels, l);
        free(l->text);
        free(l);
    }
    free(s->by_id);
}

/* Read one line into s->line without its line ending.  Returns 1 for a line,
 * 0 at end of file, negative on error (over-long line, a NUL byte, read
 * error).  Read byte by byte rather than with fgets, which cannot tell a NUL
 * in the data from the end of the string: the rest of the line would be
 * dropped silently. */
static int read_line(csv_state *s, size_t max_line, long lineno)
{
    size_t len = 0;
    int ch;
    while ((ch = getc(s->f)) != EOF && ch != '\n') {
        if (ch == '\0')
            return nb__error(NB_ERR_FORMAT,
                             "%s: %s line %ld, byte %zu is a NUL byte (is this a text file?)", op,
                             s->path, lineno, len + 1);
        if (len == max_line)
            return nb__error(NB_ERR_FORMAT,
                             "%s: %s line %ld is longer than %zu bytes (raise opts.max_line?)", op,
                             s->path, lineno, max_line);
        s->line[len++] = (char)ch;
    }
    if (ch == EOF) {
        if (ferror(s->f))
            return nb__error(NB_ERR_IO, "%s: read error on %s near line %ld", op, s->path, lineno);
        if (len == 0)
            return 0;
    }
    s->line[len] = '\0';
    if (len > 0 && s->line[len - 1] == '\r')
        s->line[--len] = '\0';
    return 1;
}

/* Trim spaces and one pair of surrounding double quotes, in place. */
static char *trim_cell(char *c)
{
    while (*c == ' ' || *c == '\t')
        c++;
    size_t n = strlen(c);
    while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\t'))
        c[--n] = '\0';
    if (n >= 2 && c[0] == '"' && c[n - 1] == '"') {
        c[n - 1] = '\0';
        c++;
    }
    return c;
}

/* Split s->line at `delim` into s->cells; returns the number of cells or -1. */
static int split_line(csv_state *s, char delim)
{
    int n = 0;
    char *p = s->line;
    for (;;) {
        if (n == s->cells_cap) {
            int cap = s->cells_cap ? s->cells_cap * 2 : 16;
            char **c = realloc(s->cells, (size_t)cap * sizeof *c);
            if (!c)
                return -1;
            s->cells = c;
            s->cells_cap = cap;
        }
        char *end = strchr(p, delim);
        if (end)
            *end = '\0';
        s->cells[n++] = trim_cell(p);
        if (!end)
            return n;
        p = end + 1;
    }
}

static int is_blank(const char *line)
{
    for (; *line; line++)
        if (*line != ' ' && *line != '\t')
            return 0;
    return 1;
}

/* Parse a whole cell as a number; 0 on success. */
static int parse_number(const char *c, double *v)
{
    if (!*c)
        return -1;
    char *end;
    errno = 0;
    *v = strtod(c, &end);
    return *end == '\0' ? 0 : -1;
}

static int parse_integer(const char *c, long long *v)
{
    if (!*c)
        return -1;
    char *end;
    errno = 0;
    *v = strtoll(c, &end, 10);
    return *end == '\0' && errno == 0 ? 0 : -1;
}

static int nomem(void) { return nb__error(NB_ERR_NOMEM, "%s: out of memory", op); }

/* A target name the header lacks: the message lists the header's names
 * (the first ones, when they are many), since a typo is the usual cause. */
static int unknown_column(const csv_state *s, const char *name)
{
    char names[240];
    size_t used = 0;
    names[0] = '\0';
    for (int c = 0; c < s->ncols; c++) {
        const char *h = s->header[c];
        size_t need = strlen(h) + 4; /* "'h', " */
        if (used + need + 4 >= sizeof names) {
            snprintf(names + used, sizeof names - used, "%s...", c ? ", " : "");
            break;
        }
        used += (size_t)snprintf(names + used, sizeof names - used, "%s'%s'", c ? ", " : "", h);
    }
    return nb__error(NB_ERR_ARG, "%s: %s has no column named '%s' (its columns: %s)", op,
                     s->path, name, names);
}

/* Decide which columns are targets.  Needs ncols, and header for names. */
static int resolve_targets(csv_state *s, const nb_csv_opts *o)
{
    int want = o->n_target_cols + o->n_target_names;
    s->role = malloc((size_t)s->ncols * sizeof *s->role);
    s->target_col = malloc((size_t)(want ? want : 1) * sizeof *s->target_col);
    if (!s->role || !s->target_col)
        return nomem();
    for (int c = 0; c < s->ncols; c++)
        s->role[c] = -1;
    for (int i = 0; i < want; i++) {
        int col;
        if (i < o->n_target_cols) {
            col = o->target_cols[i];
            if (col < 0)
                col += s->ncols;
            if (col < 0 || col >= s->ncols)
                return nb__error(NB_ERR_ARG, "%s: %s: target column %d is out of range (%d columns)",
                                 op, s->path, o->target_cols[i], s->ncols);
        } else {
            const char *name = o->target_names[i - o->n_target_cols];
            if (!name)
                return nb__null_input(op, "opts.target_names[i]");
            for (col = 0; col < s->ncols && strcmp(s->header[col], name) != 0; col++)
                ;
            if (col == s->ncols)
                return unknown_column(s, name);
        }
        if (s->role[col] >= 0)
            return nb__error(NB_ERR_ARG, "%s: column %d is chosen as a target twice", op, col + 1);
        s->role[col] = i;
        s->target_col[i] = col;
    }
    s->ntargets = want;
    if (want == s->ncols)
        return nb__error(NB_ERR_ARG, "%s: %s: every column is a target; no feature columns left",
                         op, s->path);
    return NB_OK;
}

static int add_label(csv_state *s, const char *text, double *id_out)
{
    csv_label *l;
    HASH_FIND_STR(s->labels, text, l);
    if (!l) {
        if (s->nlabels == s->by_id_cap) {
            int cap = s->by_id_cap ? s->by_id_cap * 2 : 16;
            csv_label **b = realloc(s->by_id, (size_t)cap * sizeof *b);
            if (!b)
                return nomem();
            s->by_id = b;
            s->by_id_cap = cap;
        }
        l = calloc(1, sizeof *l);
        if (!l || !(l->text = strdup(text))) {
            free(l);
            return nomem();
        }
        l->id = s->nlabels;
        s->by_id[s->nlabels++] = l;
        HASH_ADD_KEYPTR(hh, s->labels, l->text, strlen(l->text), l);
        if (s->oom) { /* uthash left the table as it was: l is only in by_id */
            s->nlabels--;
            free(l->text);
            free(l);
            return nomem();
        }
    }
    l->count++;
    *id_out = l->id;
    return NB_OK;
}

static int cmp_int_label(const void *a, const void *b)
{
    long long x = strtoll((*(csv_label *const *)a)->text, NULL, 10);
    long long y = strtoll((*(csv_label *const *)b)->text, NULL, 10);
    return (x > y) - (x < y);
}

static int cmp_str_label(const void *a, const void *b)
{
    return strcmp((*(csv_label *const *)a)->text, (*(csv_label *const *)b)->text);
}

/* Parse one data row into s->x / s->y. */
static int parse_row(csv_state *s, const nb_csv_opts *o, int ncells, long lineno)
{
    if (ncells != s->ncols) {
        /* name the columns too, as every other message about a cell does:
         * the first one the row lacks, or the first one too many */
        int first = ncells < s->ncols ? ncells + 1 : s->ncols + 1;
        int last = ncells < s->ncols ? s->ncols : ncells;
        char cols[64];
        if (first == last)
            snprintf(cols, sizeof cols, "column %d is", first);
        else
            snprintf(cols, sizeof cols, "columns %d to %d are", first, last);
        return nb__error(NB_ERR_FORMAT,
                         "%s: %s line %ld has %d columns, expected %d (ragged row): %s %s", op,
                         s->path, lineno, ncells, s->ncols, cols,
                         ncells < s->ncols ? "missing" : "extra");
    }
    for (int c = 0; c < s->ncols; c++) {
        const char *cell = s->cells[c];
        double v = 0;
        if (o->class_labels && s->role[c] == 0) {
            if (!*cell)
                return nb__error(NB_ERR_FORMAT, "%s: %s line %ld, column %d: empty class label", op,
                                 s->path, lineno, c + 1);
            if (add_label(s, cell, &v) < 0)
                return NB_ERR_NOMEM;
        } else {
            if (!*cell)
                return nb__error(NB_ERR_FORMAT, "%s: %s line %ld, column %d: empty cell", op,
                                 s->path, lineno, c + 1);
            if (parse_number(cell, &v) < 0)
                return nb__error(NB_ERR_FORMAT, "%s: %s line %ld, column %d: '%.40s' is not a number",
                                 op, s->path, lineno, c + 1, cell);
            if (!isfinite(v) && !o->allow_nonfinite)
                return nb__error(NB_ERR_FORMAT,
                                 "%s: %s line %ld, column %d: '%.40s' is not finite (set "
                                 "opts.allow_nonfinite to accept it)",
                                 op, s->path, lineno, c + 1, cell);
            /* A finite number past float's range would become inf in an f32
             * tensor: the same silent non-finite value, so the same rule. */
            if (o->dtype == NB_F32 && isfinite(v) && fabs(v) > FLT_MAX && !o->allow_nonfinite)
                return nb__error(NB_ERR_FORMAT,
                                 "%s: %s line %ld, column %d: '%.40s' is too large for f32 "
                                 "(largest %g; load as NB_F64, or set opts.allow_nonfinite to "
                                 "accept inf)",
                                 op, s->path, lineno, c + 1, cell, (double)FLT_MAX);
        }
        if (dvec_push(s->role[c] < 0 ? &s->x : &s->y, v) < 0)
            return nomem();
    }
    return NB_OK;
}

/* Line 1 is a header in AUTO mode if one of its cells (other than the class
 * column given by index, whose cells are text in data rows too) is non-empty
 * and not a number.  An empty cell says nothing: a header may lack a name,
 * and a data row may lack a value, which parse_row then reports. */
static int looks_like_header(csv_state *s, const nb_csv_opts *o, int ncells)
{
    for (int c = 0; c < ncells; c++) {
        int skip = 0;
        if (o->class_labels && o->n_target_cols == 1) {
            int col = o->target_cols[0] < 0 ? o->target_cols[0] + ncells : o->target_cols[0];
            skip = col == c;
        }
        double v = 0;
        if (!skip && s->cells[c][0] && parse_number(s->cells[c], &v) < 0)
            return 1;
    }
    return 0;
}

/* In AUTO mode with the class column given by index, a line 1 of numbers
 * and one text label, where every other label is an integer, is most likely
 * a header whose other names are numbers: ask, rather than load the column's
 * name as a class of one row. */
static int check_label_header(csv_state *s, const nb_csv_opts *o, int64_t rows)
{
    if (o->header != NB_CSV_HEADER_AUTO || s->header || !o->class_labels || rows < 2)
        return NB_OK;
    const csv_label *first = s->by_id[(int)s->y.v[0]];
    long long v;
    if (first->count != 1 || parse_integer(first->text, &v) == 0)
        return NB_OK;
    for (int k = 0; k < s->nlabels; k++)
        if (s->by_id[k] != first && parse_integer(s->by_id[k]->text, &v) != 0)
            return NB_OK;
    return nb__error(NB_ERR_FORMAT,
                     "%s: %s line %ld: its class label '%.40s' is text but every other label is "
                     "an integer; is line %ld a header? set opts.header to NB_CSV_HEADER_YES or "
                     "NB_CSV_HEADER_NO", op, s->path, s->first_data_line, first->text,
                     s->first_data_line);
}

static int check_opts(const nb_csv_opts *o)
{
    if (o->dtype != NB_F32 && o->dtype != NB_F64)
        return nb__error(NB_ERR_DTYPE, "%s: opts.dtype %d is not NB_F32 or NB_F64", op, (int)o->dtype);
    if (o->n_target_cols < 0 || o->n_target_names < 0 || (o->n_target_cols && !o->target_cols) ||
        (o->n_target_names && !o->target_names))
        return nb__error(NB_ERR_ARG, "%s: target column counts and arrays do not agree", op);
    if (o->class_labels && o->n_target_cols + o->n_target_names != 1)
        return nb__error(NB_ERR_ARG, "%s: class_labels needs exactly one target column, %d given",
                         op, o->n_target_cols + o->n_target_names);
    if (o->n_target_names && o->header == NB_CSV_HEADER_NO)
        return nb__error(NB_ERR_ARG, "%s: target_names needs a header (opts.header is NO)", op);
    if (o->header != NB_CSV_HEADER_AUTO && o->header != NB_CSV_HEADER_YES &&
        o->header != NB_CSV_HEADER_NO)
        return nb__error(NB_ERR_ARG, "%s: opts.header %d is not a nb_csv_header", op, (int)o->header);
    if (o->delimiter == '"' || o->delimiter == '\n' || o->delimiter == '\r')
        return nb__error(NB_ERR_ARG, "%s: opts.delimiter cannot be a quote or line ending", op);
    return NB_OK;
}

/* Copy the parsed data into arena tensors and fill *out. */
static int build_result(csv_state *s, const nb_csv_opts *o, int64_t rows, nb_csv_data *out)
{
    nb_arena *arena = nb_arena_current();
    int nf = s->ncols - s->ntargets;
    nb_tensor *x = nb__tensor_empty(o->dtype, 2, (int64_t[]){rows, nf}, op);
    if (!x)
        return nb_last_status();
    for (int64_t i = 0; i < rows * nf; i++)
        nb__set(x, i, s->x.v[i]);
    nb_tensor *y = NULL;
    const char **class_names = NULL;
    if (s->ntargets && o->class_labels) {
        y = nb__tensor_empty(o->dtype, 1, (int64_t[]){rows}, op);
        if (!y)
            return nb_last_status();
        /* nomem(): the arena's own message would name nb_arena_alloc, not nb_csv_load */
        class_names = nb_arena_alloc(arena, (size_t)s->nlabels * sizeof *class_names + 1);
        if (!class_names)
            return nomem();
        /* Rank the labels: by value when all are integers, else by text. */
        csv_label **sorted = malloc((size_t)s->nlabels * sizeof *sorted + 1);
        if (!sorted)
            return nomem();
        memcpy(sorted, s->by_id, (size_t)s->nlabels * sizeof *sorted);
        int all_int = 1;
        for (int k = 0; k < s->nlabels && all_int; k++) {
            long long v;
            all_int = parse_integer(sorted[k]->text, &v) == 0;
        }
        qsort(sorted, (size_t)s->nlabels, sizeof *sorted, all_int ? cmp_int_label : cmp_str_label);
        int rc = NB_OK;
        for (int k = 0; k < s->nlabels; k++) {
            sorted[k]->rank = k;
            size_t len = strlen(sorted[k]->text) + 1;
            char *name = nb_arena_alloc(arena, len);
            if (!name) {
                rc = nomem();
                break;
            }
            memcpy(name, sorted[k]->text, len);
            class_names[k] = name;
        }
        free(sorted);
        if (rc < 0)
            return rc;
        for (int64_t r = 0; r < rows; r++)
            nb__set(y, r, s->by_id[(int)s->y.v[r]]->rank);
    } else if (s->ntargets) {
        y = nb__tensor_empty(o->dtype, 2, (int64_t[]){rows, s->ntargets}, op);
        if (!y)
            return nb_last_status();
        /* Values were stored in column order; put them in the order asked for. */
        int *slot = malloc((size_t)s->ntargets * sizeof *slot);
        if (!slot)
            return nomem();
        for (int c = 0, k = 0; c < s->ncols; c++)
            if (s->role[c] >= 0)
                slot[k++] = s->role[c];
        for (int64_t r = 0; r < rows; r++)
            for (int k = 0; k < s->ntargets; k++)
                nb__set(y, r * s->ntargets + slot[k], s->y.v[r * s->ntargets + k]);
        free(slot);
    }
    const char **colnames = NULL;
    if (s->header) {
        colnames = nb_arena_alloc(arena, (size_t)s->ncols * sizeof *colnames);
        for (int c = 0; colnames && c < s->ncols; c++) {
            size_t len = strlen(s->header[c]) + 1;
            char *name = nb_arena_alloc(arena, len);
            if (!name)
                return nomem();
            memcpy(name, s->header[c], len);
            colnames[c] = name;
        }
        if (!colnames)
            return nomem();
    }
    out->x = x;
    out->y = y;
    out->rows = rows;
    out->n_features = nf;
    out->n_targets = s->ntargets;
    out->column_names = colnames;
    out->n_columns = s->ncols;
    out->class_names = class_names;
    out->n_classes = class_names ? s->nlabels : 0;
    return NB_OK;
}

static int csv_run(csv_state *s, const nb_csv_opts *o, nb_csv_data *out)
{
    size_t max_line = o->max_line ? o->max_line : (size_t)1 << 20;
    if (max_line > (size_t)0x7ffffff0)
        max_line = 0x7ffffff0;
    char delim = o->delimiter ? o->delimiter : ',';
    s->line_cap = max_line + 2; /* the line, its '\n' and the NUL */
    s->line = malloc(s->line_cap);
    if (!s->line)
        return nomem();
    s->f = fopen(s->path, "r");
    if (!s->f)
        return nb__error(NB_ERR_IO, "%s: cannot open %s: %s", op, s->path, strerror(errno));

    long lineno = 0;
    int64_t rows = 0;
    int rc;
    int seen_first = 0;
    while ((rc = read_line(s, max_line, lineno + 1)) > 0) {
        lineno++;
        if (is_blank(s->line))
            continue;
        int n = split_line(s, delim);
        if (n < 0)
            return nomem();
        if (!seen_first) {
            seen_first = 1;
            s->ncols = n;
            int header = o->header == NB_CSV_HEADER_YES || o->n_target_names > 0 ||
                         (o->header == NB_CSV_HEADER_AUTO && looks_like_header(s, o, n));
            if (header) {
                s->header = calloc((size_t)n, sizeof *s->header);
                if (!s->header)
                    return nomem();
                for (int c = 0; c < n; c++)
                    if (!(s->header[c] = strdup(s->cells[c])))
                        return nomem();
            }
            if ((rc = resolve_targets(s, o)) < 0)
                return rc;
            if (header)
                continue;
        }
        if ((rc = parse_row(s, o, n, lineno)) < 0)
            return rc;
        if (rows++ == 0)
            s->first_data_line = lineno;
    }
    if (rc < 0)
        return rc;
    if (!seen_first)
        return nb__error(NB_ERR_FORMAT, "%s: %s is empty (no data rows)", op, s->path);
    if (rows == 0)
        return nb__error(NB_ERR_FORMAT, "%s: %s has a header but no data rows", op, s->path);
    if ((rc = check_label_header(s, o, rows)) < 0)
        return rc;
    return build_result(s, o, rows, out);
}

int nb_csv_load(const char *path, const nb_csv_opts *opts, nb_csv_data *out)
{
    if (!out)
        return nb__null_input(op, "out");
    memset(out, 0, sizeof *out);
    if (!path)
        return nb__null_input(op, "path");
    nb_csv_opts o = opts ? *opts : (nb_csv_opts){0};
    int rc = check_opts(&o);
    if (rc < 0)
        return rc;
    if (!nb_arena_current())
        return nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use(arena) first)", op);
    csv_state s;
    memset(&s, 0, sizeof s);
    s.path = path;
    rc = csv_run(&s, &o, out);
    csv_free(&s);
    if (rc < 0)
        memset(out, 0, sizeof *out);
    return rc;
}
