/* The backward-pass page (nabla/html.h): what its files share.
 *
 *   html_record.c  runs the pass with a backward hook and keeps its events
 *   html_out.c     text, numbers and matrices into the page
 *   html_rules.c   an op's local rule in words and numbers (from op_rules.h)
 *   html_page.c    the layout, the SVG, the steps; nb_html_write
 *   html_bpview.c  the BP layer view: the tutorial's three steps
 *   html_assets.c  the page's CSS and JavaScript
 *   html_save.c    nb_html_save: the file, written atomically
 * Private to src/teach. */
#ifndef NB_TEACH_HTML_INTERNAL_H
#define NB_TEACH_HTML_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/tensor_internal.h"
#include "nabla/autograd.h"
#include "nabla/html.h"

/* Values of a tensor or gradient as the page shows them: the values
 * themselves when there are few (v != NULL), else a summary. */
typedef struct nb_hmat {
    int ndim;
    const int64_t *shape;
    int64_t numel;
    const double *v; /* numel values, or NULL: summarised */
    double min, max, norm;
} nb_hmat;

/* One event of the pass, with its gradient copied out of the pass's arena. */
typedef struct nb_hev {
    nb_backward_event_kind kind;
    const nb_node *node;     /* NULL for LEAF_DONE */
    int input_index;
    const nb_tensor *tensor; /* PASS: the input; LEAF_DONE: the leaf; NODE: the output */
    int64_t step;            /* the engine's node visit */
    int64_t numel;
    int64_t off;             /* first value in the pool, or -1: summarised */
    double min, max, norm;
    int64_t next_same;       /* PASS: the next PASS event into the same tensor, or -1 */
} nb_hev;

typedef struct nb_hrec {
    int64_t max_values; /* copy the values of gradients this small */
    nb_hev *ev;
    int64_t n_ev, cap_ev;
    double *pool;
    int64_t n_pool, cap_pool;
    bool oom;
} nb_hrec;

/* Run nb_grad from the roots to the leaves with the hook installed (the
 * thread's own hook is put back afterwards), recording every event into
 * rec.  Returns NB_OK or negative with a message naming `api`. */
int nb__html_record(const char *api, nb_hrec *rec, nb_tensor *const *roots, int n_roots,
                    nb_tensor *const *leaves, int n_leaves);
void nb__html_record_free(nb_hrec *rec);

/* The gradient of event e as a matrix shaped like `shape_of`. */
nb_hmat nb__html_event_mat(const nb_hrec *rec, const nb_hev *e, const nb_tensor *shape_of);

/* The page writer: one output with a sticky error flag. */
typedef struct nb_hout {
    FILE *f;
    bool io_error;
} nb_hout;

void nb__html_printf(nb_hout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " escaped (names are the user's and may hold anything). */
void nb__html_text(nb_hout *o, const char *s);
/* s escaped as nb__html_text does, into buf (cut to fit size), for a
 * user's name inside a formatted line, e.g. a custom op's name:
 *     nb__html_printf(o, "node %s", NB_HTML_OP_NAME(node)); */
const char *nb__html_escaped(const char *s, char *buf, size_t size);
#define NB_HTML_OP_NAME(node) nb__html_escaped(nb_node_op_name(node), (char[256]){0}, 256)
/* A number as the page writes it: %.4g, with -0 as 0. */
void nb__html_num(nb_hout *o, double x);
/* A matrix (a table with rows and columns), a scalar, or a summary. */
void nb__html_mat(nb_hout *o, const nb_hmat *m);
/* t's values as a matrix when it has at most max_values elements (copied
 * into scratch, which holds that many), else its summary. */
nb_hmat nb__html_tensor_mat(const nb_tensor *t, int64_t max_values, double *scratch);

/* The local rule of `node`'s op in words and, where the values are small
 * (at most max_values), in numbers.  g is the gradient arriving at the
 * output, `loss` the name of what is differentiated (the L of ∂L/∂x).
 * scratch holds max_values doubles. */
void nb__html_rule(nb_hout *o, const nb_node *node, const nb_hmat *g, const char *loss,
                   int64_t max_values, double *scratch);

/* The BP layer view (html_bpview.c) of the graph `nodes` (in forward
 * order) whose pass is in rec: written when the graph is a BP network run
 * by a model (returns 1), else nothing (returns 0); -1 when out of memory. */
int nb__html_bpview(nb_hout *o, const nb_node *const *nodes, int64_t n_nodes, const nb_hrec *rec,
                    int64_t max_values, const char *loss);

/* nb_html_write with its messages naming `api` (nb_html_save's). */
int nb__html_write_as(const char *api, FILE *out, nb_tensor *const *roots, int n_roots,
                      const nb_html_opts *opts);

/* The page's style sheet and script. */
extern const char nb__html_css[];
extern const char nb__html_js[];

#endif
