/* The backward-pass page: the graph's vertices (one per leaf, one per node,
 * standing for its output), their layout in ranks, the SVG, and one
 * section per step.  The sections are written here, in C, with every
 * number in them; the page's script only shows one section at a time and
 * sets the classes that highlight the graph (html_assets.c).
 *
 * Steps: 0 shows the leaves; 1..n the forward value of each node in the
 * order it was computed; then one step per node the backward pass visits,
 * in the engine's order; the last step lists the parameters' gradients. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "teach/html_internal.h"

typedef struct nb_hpage nb_hpage;

#define NB_HASH_OOM(obj) (pg->oom = true)
#include "core/hash_table.h"

/* A vertex of the drawn graph: a leaf, or a node's output. */
typedef struct nb_hv {
    const nb_tensor *key;
    int64_t idx;
    int64_t node_idx;   /* in nodes[], or -1 for a leaf */
    int64_t rank, slot; /* layout */
    int64_t min_use;    /* the lowest rank its users allow it, NB_HV_FREE none (layout) */
    const char *scope;  /* its layer (nb_node_scope), for a parameter its users' one */
    bool mixed;         /* a leaf used in more than one scope: in none */
    int64_t bwd;        /* the step its gradient is complete, -1 never */
    int64_t first_pass; /* the first PASS event into it, -1 none (chained by next_same) */
    int64_t last_pass;
    UT_hash_handle hh;
} nb_hv;

struct nb_hpage {
    const char *api;
    nb_hout o;
    int64_t max_values;
    const nb_node **nodes;
    int64_t n_nodes;
    nb_hv *v;
    int64_t n_v;
    nb_hv *table;
    int64_t *edge_base; /* nodes[i]'s edges are edge_base[i] + k */
    int64_t *edge_bwd;  /* the step a contribution went along each edge, -1 none */
    int64_t *edge_ev;   /* ... and its PASS event */
    nb_tensor **leaves; /* the leaves that require grad */
    int n_leaves;
    nb_hrec rec;
    double *scratch;
    int64_t n_visits, n_steps;
    const char *loss; /* the root's name in "∂L/∂x" */
    bool has_scopes;  /* some vertex is in a model layer: boxes are drawn */
    bool oom;
};

enum { BOX_W = 140, BOX_H = 46, DX = 170, DY = 80, MARGIN = 16 };
#define NB_HV_FREE INT64_MAX

static bool nb_same_scope(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static nb_hv *nb_hv_find(nb_hpage *pg, const nb_tensor *t)
{
    nb_hv *v = NULL;
    HASH_FIND_PTR(pg->table, &t, v);
    return v;
}

static nb_hv *nb_hv_add(nb_hpage *pg, const nb_tensor *t, int64_t node_idx)
{
    nb_hv *v = nb_hv_find(pg, t);
    if (v)
        return v;
    v = &pg->v[pg->n_v];
    memset(v, 0, sizeof *v);
    v->key = t;
    v->idx = pg->n_v;
    v->node_idx = node_idx;
    v->min_use = NB_HV_FREE;
    v->bwd = -1;
    v->first_pass = v->last_pass = -1;
    HASH_ADD_PTR(pg->table, key, v);
    if (pg->oom)
        return NULL;
    pg->n_v++;
    return v;
}

/* "A1", or "#5 matmul", or "leaf 3": how the page names a tensor. */
static void nb_hv_label(nb_hpage *pg, const nb_hv *v)
{
    if (v->key->name)
        nb__html_text(&pg->o, v->key->name);
    else if (v->node_idx >= 0)
        nb__html_printf(&pg->o, "#%llu %s", (unsigned long long)nb_node_id(pg->nodes[v->node_idx]),
                        NB_HTML_OP_NAME(pg->nodes[v->node_idx]));
    else
        nb__html_printf(&pg->o, "%s %lld", v->key->requires_grad ? "leaf" : "constant",
                        (long long)v->idx);
}

static void nb_hv_label_of(nb_hpage *pg, const nb_tensor *t)
{
    nb_hv *v = nb_hv_find(pg, t);
    if (v)
        nb_hv_label(pg, v);
    else
        nb__html_printf(&pg->o, "?");
}

/* ---- building the vertices, the pass, the layout ---- */

/* A parameter belongs to the scope (model layer) of its users when they
 * share one; then each node gets its first rank: one below its deepest
 * input node, one more where the scope changes (from a leaf outside the
 * node's scope too), so that a layer's box holds its parameters and
 * nothing of the layers around it. */
static void nb_hpage_scopes(nb_hpage *pg)
{
    for (int64_t i = 0; i < pg->n_nodes; i++) {
        const nb_node *nd = pg->nodes[i];
        const char *sc = nb_node_scope(nd);
        for (int k = 0; k < nb_node_num_inputs(nd); k++) {
            nb_hv *iv = nb_hv_find(pg, nb_node_input(nd, k));
            if (iv->node_idx >= 0 || !iv->key->requires_grad || iv->mixed)
                continue;
            if (iv->first_pass < 0) { /* the first use: borrowed as a "seen" mark */
                iv->first_pass = 0;
                iv->scope = sc;
            } else if (!nb_same_scope(iv->scope, sc)) {
                iv->scope = NULL;
                iv->mixed = true;
            }
        }
    }
    for (int64_t i = 0; i < pg->n_v; i++)
        pg->v[i].first_pass = -1;
    for (int64_t i = 0; i < pg->n_nodes; i++) {
        const nb_node *nd = pg->nodes[i];
        nb_hv *ov = nb_hv_find(pg, nb_node_output(nd));
        int64_t rank = 1;
        for (int k = 0; k < nb_node_num_inputs(nd); k++) {
            nb_hv *iv = nb_hv_find(pg, nb_node_input(nd, k));
            int64_t gap = nb_same_scope(iv->scope, ov->scope) ? 0 : 1;
            int64_t r = (iv->node_idx >= 0 ? iv->rank : 0) + 1 + gap;
            if (r > rank)
                rank = r;
        }
        ov->rank = rank;
    }
}

static int nb_hpage_vertices(nb_hpage *pg, nb_tensor *const *roots, int n_roots)
{
    int64_t cap = n_roots;
    for (int64_t i = 0; i < pg->n_nodes; i++)
        cap += 1 + nb_node_num_inputs(pg->nodes[i]);
    pg->v = malloc((size_t)cap * sizeof *pg->v);
    pg->edge_base = malloc((size_t)(pg->n_nodes + 1) * sizeof *pg->edge_base);
    pg->leaves = malloc((size_t)cap * sizeof *pg->leaves);
    if (!pg->v || !pg->edge_base || !pg->leaves)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", pg->api);
    int64_t edges = 0;
    for (int64_t i = 0; i < pg->n_nodes && !pg->oom; i++) {
        const nb_node *nd = pg->nodes[i];
        pg->edge_base[i] = edges;
        int n_in = nb_node_num_inputs(nd);
        edges += n_in;
        for (int k = 0; k < n_in && !pg->oom; k++)
            nb_hv_add(pg, nb_node_input(nd, k), -1);
        nb_hv *ov = nb_hv_add(pg, nb_node_output(nd), i);
        if (ov) {
            ov->node_idx = i;
            ov->scope = nb_node_scope(nd);
        }
    }
    if (!pg->oom)
        nb_hpage_scopes(pg);
    pg->edge_base[pg->n_nodes] = edges;
    for (int r = 0; r < n_roots && !pg->oom; r++)
        if (!roots[r]->node)
            nb_hv_add(pg, roots[r], -1); /* a leaf given as a root; others are node outputs */
    if (pg->oom)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", pg->api);
    pg->edge_bwd = malloc((size_t)(edges + 1) * sizeof *pg->edge_bwd);
    pg->edge_ev = malloc((size_t)(edges + 1) * sizeof *pg->edge_ev);
    if (!pg->edge_bwd || !pg->edge_ev)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", pg->api);
    for (int64_t e = 0; e < edges; e++)
        pg->edge_bwd[e] = pg->edge_ev[e] = -1;
    pg->n_leaves = 0;
    for (int64_t i = 0; i < pg->n_v; i++)
        if (pg->v[i].node_idx < 0 && pg->v[i].key->requires_grad)
            pg->leaves[pg->n_leaves++] = (nb_tensor *)pg->v[i].key;
    if (pg->n_leaves == 0)
        return nb__error(NB_ERR_ARG,
                         "%s: nothing in the graph requires grad, so there is no backward pass "
                         "to show (call nb_tensor_set_requires_grad on the parameters)",
                         pg->api);
    return NB_OK;
}

/* Rank by depth.  A node first gets one rank below its deepest input node
 * (set while the vertices are made), then, walking back from the loss, moves
 * down to just above its first user, so that a side branch (a second loss
 * term, say) sits beside the node it feeds instead of far above it with an
 * edge across the ranks between; a leaf sits just above its first user.
 * Slots in a rank in order of appearance. */
static int64_t nb_hpage_layout(nb_hpage *pg, int64_t *n_ranks)
{
    for (int64_t i = pg->n_nodes - 1; i >= 0; i--) {
        const nb_node *nd = pg->nodes[i];
        nb_hv *ov = nb_hv_find(pg, nb_node_output(nd));
        /* the users, later in forward order, are placed */
        if (ov->min_use != NB_HV_FREE && ov->min_use > ov->rank)
            ov->rank = ov->min_use;
        for (int k = 0; k < nb_node_num_inputs(nd); k++) {
            nb_hv *iv = nb_hv_find(pg, nb_node_input(nd, k));
            int64_t lim = ov->rank - 1 - (nb_same_scope(iv->scope, ov->scope) ? 0 : 1);
            if (lim < iv->min_use)
                iv->min_use = lim;
        }
    }
    int64_t max_rank = 0;
    for (int64_t i = 0; i < pg->n_v; i++) {
        nb_hv *v = &pg->v[i];
        if (v->node_idx < 0)
            v->rank = v->min_use != NB_HV_FREE && v->min_use > 0 ? v->min_use : 0;
        if (v->rank > max_rank)
            max_rank = v->rank;
    }
    int64_t *count = calloc((size_t)max_rank + 1, sizeof *count);
    if (!count)
        return -1;
    int64_t widest = 1;
    for (int64_t i = 0; i < pg->n_v; i++) {
        nb_hv *v = &pg->v[i];
        v->slot = count[v->rank]++;
        if (count[v->rank] > widest)
            widest = count[v->rank];
    }
    /* Centre each rank: keep the rank's size in min_use, no longer needed. */
    for (int64_t i = 0; i < pg->n_v; i++)
        pg->v[i].min_use = count[pg->v[i].rank];
    free(count);
    *n_ranks = max_rank + 1;
    return widest;
}

/* room above the first rank for a layer's name (LAYER_TOP) */
enum { LAYER_TOP = 22, LAYER_PAD = 8 };

static void nb_hv_xy(const nb_hpage *pg, const nb_hv *v, int64_t widest, int64_t *x, int64_t *y)
{
    int64_t inner = widest * DX;
    *x = MARGIN + (inner - v->min_use * DX) / 2 + v->slot * DX + DX / 2;
    *y = MARGIN + (pg->has_scopes ? LAYER_TOP : 0) + v->rank * DY + BOX_H / 2;
}

/* An edge from iv down to ov over more than one rank passes the ranks
 * between: when its course (about a straight line from x1 to x2) would
 * cross a box there, *xd is an x beside every box of those ranks, on the
 * nearer side, to run down along.  Big graphs are drawn straight. */
static bool nb_hpage_detour(const nb_hpage *pg, const nb_hv *iv, const nb_hv *ov, int64_t x1,
                            int64_t x2, int64_t widest, int64_t *xd)
{
    int64_t span = ov->rank - iv->rank;
    if (span < 2 || pg->n_v > 4000)
        return false;
    bool hit = false;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int64_t j = 0; j < pg->n_v; j++) {
        const nb_hv *v = &pg->v[j];
        if (v->rank <= iv->rank || v->rank >= ov->rank)
            continue;
        int64_t x, y;
        nb_hv_xy(pg, v, widest, &x, &y);
        int64_t at = x1 + (x2 - x1) * (v->rank - iv->rank) / span;
        hit |= at > x - BOX_W / 2 - 6 && at < x + BOX_W / 2 + 6;
        lo = x - BOX_W / 2 < lo ? x - BOX_W / 2 : lo;
        hi = x + BOX_W / 2 > hi ? x + BOX_W / 2 : hi;
    }
    if (!hit)
        return false;
    int64_t mid = (x1 + x2) / 2;
    *xd = mid - (lo - 13) <= (hi + 13) - mid ? lo - 13 : hi + 13;
    return true;
}

/* A box around the vertices of each scope (a model layer), with its name,
 * drawn under the edges and vertices. */
static void nb_hpage_layers(nb_hpage *pg, int64_t widest)
{
    for (int64_t i = 0; i < pg->n_v; i++) {
        const char *sc = pg->v[i].scope;
        bool seen = false;
        for (int64_t j = 0; j < i && sc && !seen; j++)
            seen = nb_same_scope(pg->v[j].scope, sc);
        if (!sc || seen)
            continue;
        int64_t x0 = INT64_MAX, y0 = INT64_MAX, x1 = INT64_MIN, y1 = INT64_MIN;
        for (int64_t j = i; j < pg->n_v; j++) {
            if (!nb_same_scope(pg->v[j].scope, sc))
                continue;
            int64_t x, y;
            nb_hv_xy(pg, &pg->v[j], widest, &x, &y);
            x0 = x - BOX_W / 2 < x0 ? x - BOX_W / 2 : x0;
            x1 = x + BOX_W / 2 > x1 ? x + BOX_W / 2 : x1;
            y0 = y - BOX_H / 2 < y0 ? y - BOX_H / 2 : y0;
            y1 = y + BOX_H / 2 > y1 ? y + BOX_H / 2 : y1;
        }
        x0 -= LAYER_PAD;
        x1 += LAYER_PAD;
        y0 -= LAYER_TOP;
        y1 += LAYER_PAD;
        nb__html_printf(&pg->o, "<g class=\"layer\"><rect x=\"%lld\" y=\"%lld\" width=\"%lld\" "
                        "height=\"%lld\" rx=\"9\"/><text x=\"%lld\" y=\"%lld\">",
                        (long long)x0, (long long)y0, (long long)(x1 - x0), (long long)(y1 - y0),
                        (long long)x0 + 8, (long long)y0 + 15);
        nb__html_text(&pg->o, sc);
        nb__html_printf(&pg->o, "</text></g>\n");
    }
}

/* Link the events to the vertices and edges, and give each its step. */
static void nb_hpage_events(nb_hpage *pg)
{
    int64_t first_bwd = 1 + pg->n_nodes;
    pg->n_visits = 0;
    for (int64_t i = 0; i < pg->rec.n_ev; i++) {
        nb_hev *e = &pg->rec.ev[i];
        int64_t step = first_bwd + e->step;
        nb_hv *v = nb_hv_find(pg, e->tensor);
        if (!v)
            continue;
        if (e->kind == NB_EVENT_NODE) {
            v->bwd = step;
            pg->n_visits = e->step + 1;
        } else if (e->kind == NB_EVENT_LEAF_DONE) {
            v->bwd = step;
        } else {
            if (v->last_pass >= 0)
                pg->rec.ev[v->last_pass].next_same = i;
            else
                v->first_pass = i;
            v->last_pass = i;
            nb_hv *nv = nb_hv_find(pg, nb_node_output(e->node));
            if (nv && nv->node_idx >= 0) {
                pg->edge_bwd[pg->edge_base[nv->node_idx] + e->input_index] = step;
                pg->edge_ev[pg->edge_base[nv->node_idx] + e->input_index] = i;
            }
        }
    }
    pg->n_steps = first_bwd + pg->n_visits + 1;
}

/* ---- the SVG ---- */

static void nb_hpage_svg(nb_hpage *pg)
{
    nb_hout *o = &pg->o;
    int64_t n_ranks = 0, widest = nb_hpage_layout(pg, &n_ranks);
    if (widest < 0) {
        pg->oom = true;
        return;
    }
    for (int64_t i = 0; i < pg->n_v; i++)
        pg->has_scopes |= pg->v[i].scope != NULL;
    int64_t w = widest * DX + 2 * MARGIN,
            h = n_ranks * DY + 2 * MARGIN - (DY - BOX_H) + (pg->has_scopes ? LAYER_TOP : 0);
    nb__html_printf(o,
                    "<svg id=\"svg\" width=\"%lld\" "
                    "height=\"%lld\" viewBox=\"0 0 %lld %lld\" role=\"img\" "
                    "aria-label=\"the graph, inputs at the top, the loss at the bottom\">\n",
                    (long long)w, (long long)h, (long long)w, (long long)h);
    nb__html_printf(o, "<defs><marker id=\"arr\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                       "markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" "
                       "orient=\"auto\"><path d=\"M0,0 "
                       "L10,5 L0,10 z\"/></marker></defs>\n");
    nb_hpage_layers(pg, widest);
    /* edges first, so that boxes are drawn over their ends */
    for (int64_t i = 0; i < pg->n_nodes; i++) {
        const nb_node *nd = pg->nodes[i];
        nb_hv *ov = nb_hv_find(pg, nb_node_output(nd));
        int64_t x2, y2;
        nb_hv_xy(pg, ov, widest, &x2, &y2);
        y2 -= BOX_H / 2;
        int n_in = nb_node_num_inputs(nd);
        for (int k = 0; k < n_in; k++) {
            nb_hv *iv = nb_hv_find(pg, nb_node_input(nd, k));
            int64_t x1, y1, e = pg->edge_base[i] + k;
            nb_hv_xy(pg, iv, widest, &x1, &y1);
            y1 += BOX_H / 2;
            /* spread the ends of a node's input edges along its top */
            int64_t xe = x2 + (n_in > 1 ? (2 * k - (n_in - 1)) * (BOX_W / 4) / (n_in - 1) : 0);
            int64_t ym = (y1 + y2) / 2, xd;
            nb__html_printf(o, "<path class=\"e\" id=\"e%lld_%d\" data-bwd=\"%lld\" d=\"",
                            (long long)i, k, (long long)pg->edge_bwd[e]);
            if (nb_hpage_detour(pg, iv, ov, x1, xe, widest, &xd)) {
                /* down beside the boxes in the ranks between, then in */
                nb__html_printf(o, "M%lld,%lld C%lld,%lld %lld,%lld %lld,%lld L%lld,%lld "
                                "C%lld,%lld %lld,%lld %lld,%lld",
                                (long long)x1, (long long)y1, (long long)x1, (long long)y1 + 16,
                                (long long)xd, (long long)y1 + 8, (long long)xd, (long long)y1 + 30,
                                (long long)xd, (long long)y2 - 30, (long long)xd,
                                (long long)y2 - 8, (long long)xe, (long long)y2 - 16,
                                (long long)xe, (long long)y2);
                /* its label where it leaves the input, clear of the boxes */
                xe = x1;
                ym = y1 + 10;
            } else {
                nb__html_printf(o, "M%lld,%lld C%lld,%lld %lld,%lld %lld,%lld", (long long)x1,
                                (long long)y1, (long long)x1, (long long)ym, (long long)xe,
                                (long long)ym, (long long)xe, (long long)y2);
            }
            nb__html_printf(o, "\" marker-end=\"url(#arr)\"/>\n");
            if (pg->edge_bwd[e] < 0)
                continue;
            /* the contribution sent along the edge, shown from its step on */
            const nb_hev *pe = pg->edge_ev[e] >= 0 ? &pg->rec.ev[pg->edge_ev[e]] : NULL;
            nb__html_printf(o, "<text class=\"el\" data-bwd=\"%lld\" x=\"%lld\" y=\"%lld\">↑ ",
                            (long long)pg->edge_bwd[e], (long long)((x1 + xe) / 2 + 6),
                            (long long)ym + 4);
            if (pe && pe->numel == 1 && pe->off >= 0)
                nb__html_num(o, pg->rec.pool[pe->off]);
            else {
                char shape[96];
                nb__shape_fmt(iv->key->ndim, iv->key->shape, shape, sizeof shape);
                nb__html_printf(o, "%s", shape);
            }
            nb__html_printf(o, "</text>\n");
        }
    }
    for (int64_t i = 0; i < pg->n_v; i++) {
        nb_hv *v = &pg->v[i];
        int64_t x, y;
        nb_hv_xy(pg, v, widest, &x, &y);
        bool param = v->node_idx < 0 && v->key->requires_grad;
        nb__html_printf(o, "<g class=\"v%s\" id=\"v%lld\" data-fwd=\"%lld\" data-bwd=\"%lld\">",
                        v->node_idx >= 0 ? " op" : param ? " param" : " const", (long long)i,
                        (long long)(v->node_idx >= 0 ? v->node_idx + 1 : 0), (long long)v->bwd);
        nb__html_printf(o, "<rect x=\"%lld\" y=\"%lld\" width=\"%d\" height=\"%d\" rx=\"7\"/>",
                        (long long)(x - BOX_W / 2), (long long)(y - BOX_H / 2), BOX_W, BOX_H);
        nb__html_printf(o, "<text class=\"n\" x=\"%lld\" y=\"%lld\">", (long long)x,
                        (long long)(y - 5));
        nb_hv_label(pg, v);
        char shape[96];
        nb__shape_fmt(v->key->ndim, v->key->shape, shape, sizeof shape);
        nb__html_printf(o, "</text><text class=\"s\" x=\"%lld\" y=\"%lld\">%s%s%s</text>",
                        (long long)x, (long long)(y + 13),
                        v->node_idx >= 0 && v->key->name ? NB_HTML_OP_NAME(pg->nodes[v->node_idx])
                                                         : "",
                        v->node_idx >= 0 && v->key->name ? " · " : "", shape);
        if (param)
            nb__html_printf(o, "<text class=\"fin\" x=\"%lld\" y=\"%lld\">final ✓</text>",
                            (long long)(x + BOX_W / 2 - 4), (long long)(y - BOX_H / 2 - 3));
        nb__html_printf(o, "</g>\n");
    }
    nb__html_printf(o, "</svg>\n<p class=\"legend\">Arrows: how the values flow forward. "
                       "↑ on an edge: the gradient sent back along it (its value, or its shape). "
                       "Yellow: value known; red: gradient known; green: a parameter's gradient, "
                       "final for this pass.</p>\n");
}

/* ---- the steps ---- */

/* A step's section, hidden but for step 0; `cur` is the vertex it is
 * about, or -1. */
static void nb_hpage_section(nb_hpage *pg, int64_t step, int64_t cur)
{
    nb__html_printf(&pg->o, "<section class=\"step\" id=\"s%lld\" data-cur=\"", (long long)step);
    if (cur >= 0)
        nb__html_printf(&pg->o, "v%lld", (long long)cur);
    nb__html_printf(&pg->o, "\"%s>", step ? " hidden" : "");
}

static void nb_hpage_tensor(nb_hpage *pg, const nb_tensor *t)
{
    nb_hmat m = nb__html_tensor_mat(t, pg->max_values, pg->scratch);
    nb__html_mat(&pg->o, &m);
}

static void nb_hpage_forward(nb_hpage *pg)
{
    nb_hout *o = &pg->o;
    /* step 0 is about every leaf */
    nb__html_printf(o, "<section class=\"step\" id=\"s0\" data-cur=\"");
    for (int64_t i = 0, n = 0; i < pg->n_v; i++)
        if (pg->v[i].node_idx < 0)
            nb__html_printf(o, "%sv%lld", n++ ? " " : "", (long long)i);
    nb__html_printf(o, "\">");
    nb__html_printf(o, "<h2>Step 0 · forward: the leaves</h2><p>The values everything starts "
                       "from: the inputs (constants) and the parameters (they require grad, so "
                       "the backward pass will find their gradients).</p><dl>");
    for (int64_t i = 0; i < pg->n_v; i++) {
        nb_hv *v = &pg->v[i];
        if (v->node_idx >= 0)
            continue;
        nb__html_printf(o, "<dt>");
        nb_hv_label(pg, v);
        nb__html_printf(o, " <small>(%s)</small></dt><dd>",
                        v->key->requires_grad ? "parameter" : "constant");
        nb_hpage_tensor(pg, v->key);
        nb__html_printf(o, "</dd>");
    }
    nb__html_printf(o, "</dl></section>\n");
    for (int64_t i = 0; i < pg->n_nodes; i++) {
        const nb_node *nd = pg->nodes[i];
        nb_hv *ov = nb_hv_find(pg, nb_node_output(nd));
        nb_hpage_section(pg, i + 1, ov->idx);
        nb__html_printf(o, "<h2>Step %lld · forward %lld of %lld: node #%llu %s</h2><p>",
                        (long long)(i + 1), (long long)(i + 1), (long long)pg->n_nodes,
                        (unsigned long long)nb_node_id(nd), NB_HTML_OP_NAME(nd));
        nb_hv_label(pg, ov);
        nb__html_printf(o, " = %s(", NB_HTML_OP_NAME(nd));
        for (int k = 0; k < nb_node_num_inputs(nd); k++) {
            nb__html_printf(o, "%s", k ? ", " : "");
            nb_hv_label_of(pg, nb_node_input(nd, k));
        }
        nb__html_printf(o, ") =</p>");
        nb_hpage_tensor(pg, nb_node_output(nd));
        if (nb_node_file(nd)) {
            nb__html_printf(o, "<p class=\"site\">made at ");
            nb__html_text(o, nb_node_file(nd));
            nb__html_printf(o, ":%d</p>", nb_node_line(nd));
        }
        nb__html_printf(o, "</section>\n");
    }
}

/* "∂L/∂<t>" */
static void nb_hpage_d(nb_hpage *pg, const nb_tensor *t)
{
    nb__html_printf(&pg->o, "∂");
    nb__html_text(&pg->o, pg->loss);
    nb__html_printf(&pg->o, "/∂");
    nb_hv_label_of(pg, t);
}

/* The terms that made a gradient, one per use, then their sum. */
static void nb_hpage_terms(nb_hpage *pg, const nb_hv *v, const nb_hmat *sum)
{
    nb_hout *o = &pg->o;
    int64_t n = 0;
    for (int64_t p = v->first_pass; p >= 0; p = pg->rec.ev[p].next_same, n++) {
        const nb_hev *e = &pg->rec.ev[p];
        nb_hmat m = nb__html_event_mat(&pg->rec, e, e->tensor);
        nb__html_printf(o, "%s<span class=\"term\">", n ? "<span class=\"op\">+</span>" : "");
        nb__html_mat(o, &m);
        nb__html_printf(o, "<small>from #%llu %s</small></span>",
                        (unsigned long long)nb_node_id(e->node), NB_HTML_OP_NAME(e->node));
    }
    if (n > 1) {
        nb__html_printf(o, "<span class=\"op\">=</span>");
        nb__html_mat(o, sum);
    } else if (n == 0) {
        nb__html_printf(o, "<span class=\"term\">");
        nb__html_mat(o, sum);
        nb__html_printf(o, "<small>the seed: ∂");
        nb__html_text(o, pg->loss);
        nb__html_printf(o, "/∂");
        nb__html_text(o, pg->loss);
        nb__html_printf(o, "</small></span>");
    }
}

static void nb_hpage_backward(nb_hpage *pg)
{
    nb_hout *o = &pg->o;
    int64_t first_bwd = 1 + pg->n_nodes;
    for (int64_t i = 0; i < pg->rec.n_ev; i++) {
        const nb_hev *e = &pg->rec.ev[i];
        if (e->kind != NB_EVENT_NODE)
            continue;
        const nb_node *nd = e->node;
        nb_hv *ov = nb_hv_find(pg, e->tensor);
        nb_hpage_section(pg, first_bwd + e->step, ov ? ov->idx : -1);
        nb__html_printf(o, "<h2>Step %lld · backward %lld of %lld: node #%llu %s</h2>",
                        (long long)(first_bwd + e->step), (long long)(e->step + 1),
                        (long long)pg->n_visits, (unsigned long long)nb_node_id(nd),
                        NB_HTML_OP_NAME(nd));
        nb__html_printf(o, "<p class=\"arr\">Gradient arriving at its output: ");
        nb_hpage_d(pg, e->tensor);
        nb__html_printf(o, " = </p><div class=\"sum\">");
        nb_hmat g = nb__html_event_mat(&pg->rec, e, e->tensor);
        if (ov)
            nb_hpage_terms(pg, ov, &g);
        nb__html_printf(o, "</div><div class=\"rule\">Local rule: ");
        nb__html_rule(o, nd, &g, pg->loss, pg->max_values, pg->scratch);
        nb__html_printf(o, ".</div><p>Contributions sent along the input edges:</p><ul>");
        int n_in = nb_node_num_inputs(nd);
        for (int k = 0; k < n_in; k++) {
            const nb_tensor *in = nb_node_input(nd, k);
            nb__html_printf(o, "<li>to input %d, ", k + 1);
            nb_hv_label_of(pg, in);
            const nb_hev *pe = NULL;
            for (int64_t j = i + 1; j < pg->rec.n_ev && pg->rec.ev[j].kind != NB_EVENT_NODE; j++)
                if (pg->rec.ev[j].kind == NB_EVENT_PASS && pg->rec.ev[j].input_index == k)
                    pe = &pg->rec.ev[j];
            if (!pe) {
                nb__html_printf(o, ": nothing (it does not require grad)</li>");
                continue;
            }
            nb__html_printf(o, ": ");
            nb_hpage_d(pg, in);
            nb__html_printf(o, " ← ");
            nb_hmat m = nb__html_event_mat(&pg->rec, pe, in);
            nb__html_mat(o, &m);
            nb__html_printf(o, "</li>");
        }
        nb__html_printf(o, "</ul>");
        for (int64_t j = i + 1; j < pg->rec.n_ev && pg->rec.ev[j].kind != NB_EVENT_NODE; j++) {
            const nb_hev *le = &pg->rec.ev[j];
            if (le->kind != NB_EVENT_LEAF_DONE)
                continue;
            nb_hv *lv = nb_hv_find(pg, le->tensor);
            nb__html_printf(o, "<div class=\"final\"><p>");
            nb_hpage_d(pg, le->tensor);
            nb__html_printf(o, " is <b>final for this pass</b>: every node that uses ");
            nb_hv_label_of(pg, le->tensor);
            nb__html_printf(o, " has sent its share (a parameter's gradient as soon as its "
                               "layer's node gradients are known).</p><div class=\"sum\">");
            nb_hmat m = nb__html_event_mat(&pg->rec, le, le->tensor);
            if (lv)
                nb_hpage_terms(pg, lv, &m);
            nb__html_printf(o, "</div></div>");
        }
        nb__html_printf(o, "</section>\n");
    }
    /* the summary */
    nb_hpage_section(pg, pg->n_steps - 1, -1);
    nb__html_printf(o, "<h2>Step %lld · the pass is complete</h2><p>The gradient of every "
                       "parameter for this pass (nb_backward would add these into each "
                       ".grad):</p><dl>",
                    (long long)(pg->n_steps - 1));
    for (int64_t i = 0; i < pg->rec.n_ev; i++) {
        const nb_hev *le = &pg->rec.ev[i];
        if (le->kind != NB_EVENT_LEAF_DONE)
            continue;
        nb__html_printf(o, "<dt>");
        nb_hpage_d(pg, le->tensor);
        nb__html_printf(o, "</dt><dd>");
        nb_hmat m = nb__html_event_mat(&pg->rec, le, le->tensor);
        nb__html_mat(o, &m);
        nb__html_printf(o, "</dd>");
    }
    nb__html_printf(o, "</dl></section>\n");
}

static void nb_hpage_write(nb_hpage *pg, const char *title)
{
    nb_hout *o = &pg->o;
    nb__html_printf(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>");
    nb__html_text(o, title);
    nb__html_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", nb__html_css);
    nb__html_text(o, title);
    nb__html_printf(o, "</h1>\n<nav id=\"controls\"><button id=\"back\" title=\"back (←)\">◀ "
                       "back</button> <button id=\"play\" title=\"play (space)\">▶ play</button> "
                       "<button id=\"next\" title=\"next (→)\">next ▶</button> <input "
                       "id=\"slider\" type=\"range\" min=\"0\" max=\"%lld\" value=\"0\" "
                       "aria-label=\"step\"> <span id=\"status\">step 0 of %lld</span></nav>\n"
                       "</header>\n<noscript><p class=\"legend\">The step controls need JavaScript; "
                       "without it only step 0 is shown.</p></noscript>\n<main>\n<div "
                       "id=\"graph\">\n",
                    (long long)(pg->n_steps - 1), (long long)(pg->n_steps - 1));
    nb_hpage_svg(pg);
    nb__html_printf(o, "</div>\n<div id=\"steps\">\n");
    nb_hpage_forward(pg);
    nb_hpage_backward(pg);
    if (nb__html_bpview(o, pg->nodes, pg->n_nodes, &pg->rec, pg->max_values, pg->loss) < 0)
        pg->oom = true;
    nb__html_printf(o, "</div>\n</main>\n<script>\n%s</script>\n</body>\n</html>\n", nb__html_js);
}

int nb__html_write_as(const char *api, FILE *out, nb_tensor *const *roots, int n_roots,
                      const nb_html_opts *opts)
{
    static const nb_html_opts defaults;
    if (!out || !roots)
        return nb__null_input(api, !out ? "out" : "roots");
    if (n_roots < 1)
        return nb__error(NB_ERR_ARG, "%s: need at least one root tensor (got %d)", api, n_roots);
    if (!opts)
        opts = &defaults;
    if (opts->max_values > 4096)
        return nb__error(NB_ERR_ARG,
                         "%s: opts.max_values is %lld; at most 4096 values are shown as a "
                         "matrix (larger tensors are summarised)",
                         api, (long long)opts->max_values);
    for (int r = 0; r < n_roots; r++) {
        char what[32];
        snprintf(what, sizeof what, "root %d", r + 1);
        if (nb__check_tensor(roots[r], api, what) < 0)
            return nb_last_status();
        if (roots[r]->numel != 1)
            return nb__error(NB_ERR_ARG,
                             "%s: root %d has %lld elements; the page shows the backward pass "
                             "of a one-element loss (sum or mean it first)",
                             api, r + 1, (long long)roots[r]->numel);
    }
    if (!nb_arena_current())
        return nb__error(NB_ERR_STATE, "%s: no current arena (call nb_arena_use first)", api);

    nb_hpage page = {.api = api, .o = {.f = out}}, *pg = &page;
    pg->max_values = opts->max_values == 0 ? 16 : opts->max_values;
    pg->rec.max_values = pg->max_values;
    pg->loss = n_roots == 1 && roots[0]->name ? roots[0]->name : "L";
    int rc = nb_graph_nodes(roots, n_roots, &pg->nodes, &pg->n_nodes);
    if (rc < 0)
        return nb__error_context(api, "walking the graph");
    pg->scratch = malloc((size_t)(pg->max_values > 0 ? pg->max_values : 1) * sizeof *pg->scratch);
    if (!pg->scratch)
        rc = nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    if (rc == NB_OK)
        rc = nb_hpage_vertices(pg, roots, n_roots);
    if (rc == NB_OK)
        rc = nb__html_record(api, &pg->rec, roots, n_roots, pg->leaves, pg->n_leaves);
    if (rc == NB_OK) {
        nb_hpage_events(pg);
        nb_hpage_write(pg, opts->title ? opts->title : "Backward pass");
        if (pg->oom)
            rc = nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
        else if (fflush(out) != 0 || ferror(out) || pg->o.io_error)
            rc = nb__error(NB_ERR_IO, "%s: writing the page failed", api);
    }
    HASH_CLEAR(hh, pg->table);
    nb__html_record_free(&pg->rec);
    free(pg->scratch);
    free(pg->v);
    free(pg->edge_base);
    free(pg->edge_bwd);
    free(pg->edge_ev);
    free(pg->leaves);
    return rc;
}

int nb_html_write(FILE *out, nb_tensor *const *roots, int n_roots, const nb_html_opts *opts)
{
    return nb__html_write_as("nb_html_write", out, roots, n_roots, opts);
}
