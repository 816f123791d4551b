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

typedef enum nb_layer_kind { NB_LAYER_LINEAR, NB_LAYER_ACTIVATION, NB_LAYER_CUSTOM } nb_layer_kind;

typedef struct nb_layer {
    nb_layer_kind kind;
    const char *name;      /* "layer1", "tansig", or the user's name */
    nb_tensor *weight;     /* linear: (in, out) */
    nb_tensor *bias;       /* linear: (out) */
    nb_activation act;     /* linear and activation layers */
    nb_layer_fn fn;        /* custom */
    void *ctx;             /* custom */
} nb_layer;

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

#endif
