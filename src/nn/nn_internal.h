/* The model struct shared by the files of src/nn (private: other layers use
 * nabla/nn.h). */
#ifndef NB_NN_NN_INTERNAL_H
#define NB_NN_NN_INTERNAL_H

#include "core/tensor_internal.h"
#include "nabla/nn.h"

/* The registry's buckets come from the model's arena (freed with it), and an
 * allocation failure sets model->oom instead of exiting.  HASH_ADD is used
 * only where a `model` variable is in scope. */
#define NB_HASH_ALLOC(sz) nb_arena_alloc(model->arena, (sz))
#define NB_HASH_FREE(ptr, sz) ((void)(ptr), (void)(sz))
#define NB_HASH_OOM(obj) (model->oom = 1)
#include "core/hash_table.h"

/* One registered parameter; the registry is a uthash table keyed by name,
 * and `order` keeps creation order for iteration by index. */
typedef struct nb_param {
    const char *name; /* in the model's arena */
    nb_tensor *tensor;
    int64_t offset;   /* first element in the flat buffers */
    UT_hash_handle hh;
} nb_param;

typedef enum nb_layer_kind {
    NB_LAYER_LINEAR,
    NB_LAYER_ACTIVATION,
    NB_LAYER_CUSTOM,
    NB_LAYER_BLOCK /* a named block: a model of its own inside this one (block.c) */
} nb_layer_kind;

typedef struct nb_layer {
    nb_layer_kind kind;
    const char *name;      /* full dotted name: "layer1", "block1.layer2", "tansig", the user's */
    nb_tensor *weight;     /* linear: (in, out) */
    nb_tensor *bias;       /* linear: (out) */
    nb_activation act;     /* linear and activation layers */
    nb_layer_fn fn;        /* custom */
    void *ctx;             /* custom and block */
    nb_model *child;       /* block: its own layers and parameters */
} nb_layer;

/* Called after each layer of a forward pass while a summary runs (the
 * root's `probe`): the model whose layer `index` gave `out`. */
typedef void (*nb_layer_probe)(void *ctx, const nb_model *model, int index, const nb_tensor *out);

struct nb_model {
    nb_arena *arena;          /* parameters, registry, layer table */
    nb_allocator allocator;   /* copy of the user's allocator (when has_allocator) */
    bool has_allocator;
    nb_dtype dtype;
    nb_rng rng;
    nb_param *table;          /* uthash head */
    int oom;                  /* set by uthash on allocation failure */
    nb_param **order;         /* creation order */
    int n_params, cap_params;
    int64_t n_scalars;
    nb_tensor *flat, *flat_grad; /* the contiguous buffers (NULL until gathered) */
    uint64_t layout;          /* bumped whenever the buffers are (re)made */
    nb_layer *layers;
    int n_layers, cap_layers;
    int n_linear;
    int64_t last_out;         /* out size of the last linear layer (0 = none yet) */
    /* The tree of blocks (block.c).  A block shares its root's arena, RNG
     * and registry (table, flat buffers: only the root's are used); its own
     * `order`, n_params and n_scalars list the parameters registered through
     * it and its blocks, in creation order. */
    nb_model *parent;         /* the model holding this block; NULL for a root */
    nb_model *root;           /* the model made by nb_model_new (itself for a root) */
    const char *prefix;       /* a block's full dotted name ("block1.inner"); NULL for a root */
    int running;              /* > 0 while this model's nb_model_forward runs */
    nb_layer_probe probe;     /* root only: set during nb_model_summary */
    void *probe_ctx;
    bool training;            /* train/eval mode (mode.c); true for a new model */
    nb_tensor **buffers;      /* non-trainable state (buffer.c), creation order; named */
    int n_buffers, cap_buffers;
};

/* Gather every parameter into the contiguous buffers if that is not done
 * yet (or parameters were added since).  NB_OK or negative. */
int nb__model_gather(nb_model *model, const char *api);

/* An array of the model's (layers, parameters) with room for one more than
 * its n elements of `size` bytes: `items` itself while n < *cap, otherwise a
 * copy in the model's arena with twice the room (`first` the first time),
 * *cap updated.  The old array stays in the arena until the model is
 * freed.  NULL when out of memory (*cap unchanged). */
void *nb__model_grow(nb_model *model, void *items, int n, int *cap, size_t size, int first);

/* ---- blocks (block.c) ---- */

/* nb_model_add_param on a block: registers "<prefix>.<name>" in the root's
 * registry and lists it in the block and each block above it. */
nb_tensor *nb__block_add_param(nb_model *block, const char *name, int ndim, const int64_t *shape);
/* nb_model_param on a block: the parameter "<prefix>.<name>". */
nb_tensor *nb__block_param(const nb_model *block, const char *name);
/* The status of refusing a block where `api` needs a whole model (its
 * buffers, files, optimizers), with the message. */
int nb__block_refuse(const nb_model *block, const char *api);
/* 0 when `name` can name a layer (one part of a dotted path: not empty, no
 * '.'), else the status, with a message naming `api` and `what` ("block"). */
int nb__layer_name_check(const char *api, const char *what, const char *name);
/* Index of a block or linear layer of `model` (other than `except`) whose
 * full name is `full`, or -1: the names that prefix parameters are unique. */
int nb__layer_name_taken(const nb_model *model, const char *full, int except);
/* Copy of "<model's prefix>.<name>" (just `name` for a root) in the model's
 * arena; NULL when out of memory. */
char *nb__model_full_name(nb_model *model, const char *name);

#endif
