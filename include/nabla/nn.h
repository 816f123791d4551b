/* nabla/nn.h — models built from ops: a parameter registry, layers,
 * transfer functions, initialisers and the classic BP network.
 *
 * A model owns a long-lived arena holding its parameters.  Parameters are
 * registered by name ("layer1.weight") and, once the model is complete, all
 * of them live in ONE contiguous buffer (and their gradients in another), so
 * an optimizer is a single loop and a model file is a single block.  No
 * model code contains a gradient formula: the forward pass calls ops and
 * nb_backward does the rest.
 *
 *     nb_model *net = nb_bpnet_new((const int64_t[]){2, 4, 1}, 3, NULL, NULL);
 *     nb_tensor *y = nb_model_forward(net, x);        // tansig hidden, purelin out
 */
#ifndef NABLA_NN_H
#define NABLA_NN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nabla/arena.h"
#include "nabla/ops_nn.h" /* nb_reduction, the loss ops */
#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_model nb_model;

/* ---- transfer functions (MATLAB names, with their common aliases) ---- */
typedef enum nb_activation {
    NB_ACT_PURELIN = 0, /* identity (MATLAB purelin, "linear") */
    NB_ACT_TANSIG,      /* tanh (MATLAB tansig) */
    NB_ACT_LOGSIG,      /* 1 / (1 + e^-x) (MATLAB logsig, "sigmoid") */
    NB_ACT_POSLIN,      /* max(x, 0) (MATLAB poslin, "relu") */
    NB_ACT_SOFTMAX,     /* row-wise softmax over the last axis */
    NB_ACT_SQUARE,      /* x² (a polynomial unit; rarely useful, handy in tests) */
    NB_ACT_SOFTPLUS,    /* log(1 + e^x) */
    NB_ACT_LEAKY_RELU,  /* x for x >= 0, 0.01 x below */
    NB_ACT_COUNT_       /* number of transfer functions (not one itself) */
} nb_activation;
#define NB_ACT_RELU NB_ACT_POSLIN

/* The transfer function called `name` ("tansig", "tanh", "logsig", "sigmoid",
 * "purelin", "linear", "identity", "poslin", "relu", "softmax", "square",
 * "softplus", "leaky_relu"), or a negative nb_status: NB_ERR_ARG with a
 * message listing the known names, NB_ERR_NULL for a NULL name. */
int nb_activation_from_name(const char *name);
/* The MATLAB-style name of `act` ("tansig", ...), or "unknown". */
const char *nb_activation_name(nb_activation act);
/* Apply `act` to x by composing ops (recorded like any op).  Unknown act:
 * NULL with an NB_ERR_ARG message. */
nb_tensor *nb_activate(nb_activation act, nb_tensor *x);

/* ---- initialisers (all seeded; they write in place and bump versions) ---- */
typedef enum nb_init {
    NB_INIT_DEFAULT = 0,        /* Nguyen–Widrow for a layer of the BP builder */
    NB_INIT_NGUYEN_WIDROW,      /* see nb_init_nguyen_widrow */
    NB_INIT_XAVIER_UNIFORM,     /* Glorot: U(-a, a), a = sqrt(6 / (in + out)) */
    NB_INIT_XAVIER_NORMAL,      /* Glorot: N(0, 2 / (in + out)) */
    NB_INIT_HE_UNIFORM,         /* He: U(-a, a), a = sqrt(6 / in) */
    NB_INIT_HE_NORMAL,          /* He: N(0, 2 / in) */
    NB_INIT_ZEROS               /* all zero (biases; tests) */
} nb_init;

/* Nguyen–Widrow for a layer with n = W's rows inputs and h = W's columns
 * neurons (W is stored (in, out), neuron j is column j), following Nguyen &
 * Widrow (1990): beta = 0.7 * h^(1/n); every weight uniform in [-1, 1], then
 * each neuron's weight vector scaled to Euclidean norm beta; every bias
 * uniform in [-beta, beta] (b may be NULL).  MATLAB's initnw also maps the
 * inputs' ranges onto [-1, 1] and spaces the biases evenly; this is the
 * paper's form, which assumes inputs already scaled to about [-1, 1].
 * Returns NB_OK or negative (NULL, wrong ranks/sizes, non-float arena). */
int nb_init_nguyen_widrow(nb_tensor *W, nb_tensor *b, nb_rng *rng);
/* Xavier/Glorot and He for a weight W of shape (in, out); fan_in = rows,
 * fan_out = columns (a 1-D W counts as (1, n)). */
int nb_init_xavier_uniform(nb_tensor *W, nb_rng *rng);
int nb_init_xavier_normal(nb_tensor *W, nb_rng *rng);
int nb_init_he_uniform(nb_tensor *W, nb_rng *rng);
int nb_init_he_normal(nb_tensor *W, nb_rng *rng);
/* Apply `init` to a weight (and, for Nguyen–Widrow, its bias; other kinds
 * set the bias to zero).  b may be NULL. */
int nb_init_apply(nb_init init, nb_tensor *W, nb_tensor *b, nb_rng *rng);

/* ---- the model and its parameter registry ---- */
typedef struct nb_model_opts {
    nb_dtype dtype;                 /* of every parameter (NB_F32 default) */
    uint64_t seed;                  /* of the model's RNG (initialisers) */
    size_t arena_bytes;             /* first chunk of the parameter arena; 0 = 64 KiB */
    const nb_allocator *allocator;  /* for every arena the model (and nb_train) makes; NULL = malloc */
} nb_model_opts;

/* A new, empty model (opts NULL = defaults).  Owned by the caller; free with
 * nb_model_free.  NULL with a message on failure. */
nb_model *nb_model_new(const nb_model_opts *opts);
/* Free the model, its arena and every parameter in it.  NULL is a no-op,
 * and so is a block (nb_model_add_block): it is freed with its model. */
void nb_model_free(nb_model *model);

/* Register a new parameter named `name` (copied) of the model's dtype, zero
 * filled, requiring grad, with its .grad already made (so nb_backward
 * accumulates into the model's gradient buffer).  The returned tensor stays
 * valid for the model's life; its data moves once into the model's
 * contiguous buffer when the model is first used (forward, optimizer,
 * nb_model_params_flat), so do not keep nb_tensor_data pointers across that.
 * NULL with a message for a NULL/empty/duplicate name or a bad shape. */
nb_tensor *nb_model_add_param(nb_model *model, const char *name, int ndim, const int64_t *shape);

/* The parameter called `name`, or NULL (NB_ERR_ARG message naming it). */
nb_tensor *nb_model_param(const nb_model *model, const char *name);
/* Number of parameter tensors / of scalars in all of them (-1 for NULL). */
int nb_model_num_params(const nb_model *model);
int64_t nb_model_num_scalars(const nb_model *model);
/* Parameter number i in creation order (0-based), and its name; NULL when
 * out of range. */
nb_tensor *nb_model_param_at(const nb_model *model, int i);
const char *nb_model_param_name(const nb_model *model, int i);

/* The contiguous buffers (1-D, nb_model_num_scalars elements) viewed by the
 * parameters and by their gradients.  Gathers the parameters on first use.
 * A parameter shares the version counter of the buffer it views (and a
 * gradient its buffer's): after writing through a buffer's data, one
 * nb_tensor_bump_version on the buffer is a new version of every parameter,
 * which any graph that saved one then sees.  NULL with a message on
 * failure. */
nb_tensor *nb_model_params_flat(nb_model *model);
nb_tensor *nb_model_grads_flat(nb_model *model);
/* The flat parameter order is a contract (MATLAB users compare weights with
 * their own code through it): parameters in creation order, each in its
 * row-major layout.  For a model made of nb_model_add_linear layers (so for
 * nb_bpnet_new) that is layer by layer: the weight W of shape (in, out),
 * row-major, element (i, j) at offset + i*out + j, then the bias b (out).
 * A user layer's parameters come where nb_model_add_param was called. */

/* The Jacobian of the model's outputs on x (N samples, O outputs) with
 * respect to the flat parameter buffer (P = nb_model_num_scalars): jac
 * receives N*O rows of P doubles, row n*O + o holding d y[n][o] / d params
 * in the order above; out (may be NULL) receives y (N*O doubles, row-major).
 * For a stack of linear and transfer-function layers this is O backward
 * passes over the whole batch, each giving every sample's sensitivities at
 * every layer, then an outer product per row; a model with a user layer
 * takes one backward pass per output element (N*O).  Temporaries go to
 * private arenas (the model's allocator); gradients (.grad) are not
 * touched; the caller's current arena and grad mode are kept.  NB_OK or
 * negative (NULL arguments, x's dtype or shape, out of memory, a layer's
 * failure) with a message naming nb_model_jacobian. */
int nb_model_jacobian(nb_model *model, nb_tensor *x, double *jac, double *out);
/* Bump the version of every parameter (after writing their data): once the
 * parameters are gathered, one bump of the counter they share with the flat
 * buffer, the same as nb_tensor_bump_version(nb_model_params_flat(model)). */
void nb_model_bump_versions(nb_model *model);
/* Zero every parameter's gradient (one memset).  NB_OK or negative. */
int nb_model_zero_grad(nb_model *model);
/* The model's arena, dtype and RNG (for custom layers' initialisers). */
nb_arena *nb_model_arena(const nb_model *model);
/* The allocator given in the model's options (nb_model_opts.allocator,
 * copied when the model was made), or NULL when its arenas use malloc (also
 * for a NULL model).  Code that makes arenas for work on the model (the
 * optimizers' state, nb_train's step arenas) passes it on, so that all of
 * it comes from the user's memory.  The pointer lives as long as the model. */
const nb_allocator *nb_model_allocator(const nb_model *model);
nb_dtype nb_model_dtype(const nb_model *model);
nb_rng *nb_model_rng(nb_model *model);

/* ---- layers (a sequential stack; a model is applied layer after layer) ---- */

/* A user-defined layer: returns its output for input x, made of ops only
 * (recorded while the model's forward runs; results in the current arena).
 * ctx is the pointer given to nb_model_add_layer. */
typedef nb_tensor *(*nb_layer_fn)(nb_model *model, nb_tensor *x, void *ctx);

/* Append a linear layer y = act(x W + b) with W (in, out) and b (out), named
 * "layer<k>.weight" / "layer<k>.bias" (k = 1, 2, ... the layer's position
 * among all the model's layers; in a block, "<block>.layer<k>.weight"),
 * initialised with `init` (NB_INIT_DEFAULT: Nguyen–Widrow).  in and out must
 * be >= 1, and `in` must equal the previous linear layer's `out`.
 * Returns the layer's index (>= 0) or a negative status with a message. */
int nb_model_add_linear(nb_model *model, int64_t in, int64_t out, nb_activation act, nb_init init);
/* Give linear layer i (0-based) of `model` (a model or a block) the name
 * `name` (one part without '.', unique among the layer table's blocks and
 * linear layers) in place of "layer<k>", and its parameters with it:
 * nb_model_set_layer_name(net, 0, "fc1") makes "layer1.weight" "fc1.weight"
 * (in a block "<block>.fc1.weight").  The flat order does not change; call
 * it before saving, since files are read by name.  NB_OK, or negative with
 * a message (NULL, index out of range, not a linear layer, a bad or taken
 * name); on failure nothing is renamed. */
int nb_model_set_layer_name(nb_model *model, int i, const char *name);
/* Append a transfer function as a layer of its own. */
int nb_model_add_activation(nb_model *model, nb_activation act);
/* Append a user-defined layer.  `name` labels it in messages (copied);
 * register its parameters with nb_model_add_param. */
int nb_model_add_layer(nb_model *model, const char *name, nb_layer_fn fn, void *ctx);
/* Number of layers (of a block: its own layers). */
int nb_model_num_layers(const nb_model *model);
/* The full dotted name of layer i (0-based): "layer1", "block1.layer2",
 * "tansig", a user's name.  Borrowed (lives as long as the model); NULL
 * when out of range. */
const char *nb_model_layer_name(const nb_model *model, int i);

/* ---- blocks: named sub-layers (PyTorch's child modules) ----
 *
 * A block is a layer of its parent with layers and parameters of its own:
 *
 *     nb_model *blk = nb_model_add_block(net, "block1", residual, NULL);
 *     nb_model_add_linear(blk, 8, 8, NB_ACT_TANSIG, 0);  // "block1.layer1.weight"
 *     nb_model_add_linear(blk, 8, 8, NB_ACT_PURELIN, 0); // "block1.layer2.weight"
 *     // residual(blk, x, ctx) returns nb_add(x, nb_model_forward(blk, x))
 *
 * Everything registered through a block goes into the whole model's
 * registry under "<block>.<name>" (blocks nest: "block1.inner.layer1.bias"),
 * in creation order, so the flat buffers, optimizers, files and nb_train
 * see one model.  On a block, nb_model_add_param and nb_model_param take
 * names relative to it, and nb_model_num_params, nb_model_num_scalars,
 * nb_model_param_at and nb_model_param_name cover the parameters registered
 * through it and its blocks (param_name gives the full name).  A block is
 * owned by its model (nb_model_free on a block does nothing), shares its
 * dtype, arena, RNG and allocator, and is not a model of its own: functions
 * that need the buffers (nb_model_params_flat, nb_model_zero_grad,
 * nb_model_save, the optimizers, nb_train, ...) refuse it with NB_ERR_ARG,
 * and nb_model_forward runs it only while its parent's forward pass runs. */

/* Append to `parent` (a model or a block) a block named `name` (copied; one
 * part without '.', unique among the parent's blocks and linear layers;
 * NULL = "layer<k>", its position) and return it.  When the parent's
 * forward reaches it, fn(block, x, ctx) gives its output (fn may call
 * nb_model_forward(block, ...) to run the block's own layers, and reach the
 * block's parameters with nb_model_param(block, "scale")); fn NULL runs the
 * block's layers one after another.  NULL with a message (NULL parent, a
 * bad or duplicate name, out of memory). */
nb_model *nb_model_add_block(nb_model *parent, const char *name, nb_layer_fn fn, void *ctx);
/* A block's full dotted name ("block1.inner"); "" for a model; NULL for
 * NULL.  Borrowed. */
const char *nb_model_name(const nb_model *model);
/* The model or block holding `model`; NULL for a model (and NULL). */
nb_model *nb_model_parent(const nb_model *model);
/* The block that is layer i (0-based) of `model`; NULL when layer i is not
 * a block or i is out of range. */
nb_model *nb_model_layer_block(const nb_model *model, int i);

/* ---- summary (PyTorch's torchsummary, MATLAB's view) ----
 *
 * A table of every layer (a block's layers under it, indented two spaces
 * per level, with their full names): kind, output shape and parameter
 * scalars (a user layer counts the parameters named "<its name>." or
 * "layer<k>."), then the totals: parameter tensors, scalars, trainable
 * scalars (requiring grad) and bytes.  The output shapes come from one
 * forward pass on zeros of shape input_shape (ndim dimensions, e.g.
 * NB_SHAPE(8, 4)), run with recording off in a private arena (the model's
 * allocator): the caller's current arena, grad mode and .grad are kept.  A
 * layer that the pass did not reach shows "-".  Not to be run while
 * another thread uses the model.  Errors name the function, with the
 * forward pass's message when it fails; a block is refused (NB_ERR_ARG). */

/* Write the summary to `out` (not closed).  NB_OK or negative (NB_ERR_IO
 * when writing fails). */
int nb_model_summary(nb_model *model, int ndim, const int64_t *input_shape, FILE *out);
/* The summary into buf with snprintf's rules: at most size - 1 characters
 * and a '\0' (buf may be NULL when size is 0); returns the length of the
 * whole text (not counting the '\0'), so a result >= size means it was
 * cut.  Negative status on failure (buf untouched). */
int nb_model_summary_string(nb_model *model, int ndim, const int64_t *input_shape, char *buf,
                            size_t size);

/* Run the layers on x (rows = samples), recording through ops; the result
 * lives in the current arena.  x must have the model's dtype (and, when the
 * first layer is linear, 2 dims with `in` columns).  NULL x gives NULL
 * silently; other failures NULL with a message naming the layer (by its
 * full dotted name).  On a block, runs the block's own layers, and only
 * while its parent's forward pass runs (from the block's function, see
 * nb_model_add_block); otherwise NULL with NB_ERR_STATE. */
nb_tensor *nb_model_forward(nb_model *model, nb_tensor *x);

/* ---- the BP network (MATLAB newff/feedforwardnet style) ---- */
typedef struct nb_bpnet_opts {
    nb_dtype dtype;                 /* NB_F32 (default) or NB_F64 */
    uint64_t seed;                  /* initialisation seed */
    nb_init init;                   /* NB_INIT_DEFAULT = Nguyen–Widrow */
    const nb_allocator *allocator;  /* for the model's arenas; NULL = malloc */
} nb_bpnet_opts;

/* A stack of linear layers: sizes[0] inputs, then sizes[1..n_sizes-1]
 * neurons per layer (n_sizes >= 2, each size >= 1).  acts has n_sizes-1
 * entries, one per layer, or is NULL for tansig hidden layers and a purelin
 * output layer.  opts NULL = defaults.  NULL with a message on failure. */
nb_model *nb_bpnet_new(const int64_t *sizes, int n_sizes, const nb_activation *acts,
                       const nb_bpnet_opts *opts);

/* ---- model files (the tensor file format of nabla/io.h) ---- */

/* Write every parameter, under its registry name, to `path` (atomically:
 * an existing file is replaced only on success).  NB_OK or negative. */
int nb_model_save(nb_model *model, const char *path);
/* Read every parameter of the model, by name, from `path` into the model's
 * parameters (shapes and dtypes must match; extra tensors in the file are
 * ignored).  On failure no parameter is changed.  NB_OK or negative, with a
 * message naming the parameter or the file's problem. */
int nb_model_load(nb_model *model, const char *path);

/* ---- losses for training ---- */

/* A loss for nb_train and nb_model_evaluate: a one-element tensor (for
 * NB_REDUCE_MEAN and NB_REDUCE_SUM) from predictions and targets.  The loss
 * ops of nabla/ops_nn.h have this signature (nb_mse_loss,
 * nb_cross_entropy_loss, nb_nll_loss, nb_bce_with_logits_loss), and so may a
 * user's own loss made of ops.  MATLAB's mse is nb_mse_loss with
 * NB_REDUCE_MEAN, its sse the same with NB_REDUCE_SUM. */
typedef nb_tensor *(*nb_loss_fn)(nb_tensor *pred, nb_tensor *target, nb_reduction red);

/* ---- train/eval mode, buffers and normalisation layers ---- */

/* Train or evaluation mode, read by the layers whose forward differs
 * (dropout: active only when training; batch norm: batch statistics and a
 * running update when training, the running statistics otherwise).  A new
 * model is in training mode.  nb_train runs its training passes in training
 * mode and every evaluation (the starting point, validation and test sets)
 * in evaluation mode, as nb_model_evaluate does, and leaves the model in
 * the mode it had.  set returns the previous mode (false for a NULL model,
 * which is ignored); nb_model_training of NULL is false. */
bool nb_model_set_training(nb_model *model, bool training);
bool nb_model_training(const nb_model *model);

/* Register a buffer: a named tensor of the model's dtype (zero filled, not
 * requiring grad) for state that is not trained, such as batch norm's
 * running statistics.  Buffers are kept out of the flat parameter and
 * gradient buffers (optimizers, nb_model_zero_grad and the Jacobian never
 * touch them) but are saved and loaded with the parameters by
 * nb_model_save / nb_model_load.  The tensor lives as long as the model;
 * write it in place (then nb_tensor_bump_version).  Names are shared with
 * the parameters: NULL with a message for a NULL/empty name, a name already
 * used by a parameter or buffer, or a bad shape. */
nb_tensor *nb_model_add_buffer(nb_model *model, const char *name, int ndim, const int64_t *shape);
/* The buffer called `name`, or NULL (NB_ERR_ARG message naming it). */
nb_tensor *nb_model_buffer(const nb_model *model, const char *name);
/* Number of buffers (-1 for NULL); buffer i in creation order and its name
 * (NULL when out of range).  Borrowed, valid while the model is. */
int nb_model_num_buffers(const nb_model *model);
nb_tensor *nb_model_buffer_at(const nb_model *model, int i);
const char *nb_model_buffer_name(const nb_model *model, int i);

/* Append a dropout layer: nb_dropout(x, p, training mode, the model's RNG),
 * so masks follow the model's seed.  p in [0, 1).  Returns the layer's
 * index or a negative status with a message. */
int nb_model_add_dropout(nb_model *model, double p);

typedef struct nb_batch_norm_opts {
    double eps;      /* added to the variance, > 0; 0 means 1e-5 */
    double momentum; /* weight of the new batch in the running statistics, (0, 1]; 0 means 0.1 */
    bool no_affine;  /* true: no weight and bias (default false: both, as torch's affine=True) */
} nb_batch_norm_opts;

/* Append a batch norm layer for inputs (N, features), (N, features, L) or
 * (N, features, H, W) (nb_batch_norm), its k the layer's position (from 1,
 * counting every layer): parameters layer<k>.weight (ones) and
 * layer<k>.bias (zeros) unless no_affine, buffers layer<k>.running_mean
 * (zeros) and layer<k>.running_var (ones), each of `features` elements.
 * opts NULL = defaults.  Returns the layer's index or a negative status. */
int nb_model_add_batch_norm(nb_model *model, int64_t features, const nb_batch_norm_opts *opts);

typedef struct nb_layer_norm_opts {
    double eps;      /* added to the variance, > 0; 0 means 1e-5 */
    bool no_affine;  /* true: no weight and bias (default false: both) */
} nb_layer_norm_opts;

/* Append a layer norm layer over the last `ndim` axes of its input, whose
 * sizes must be shape[0..ndim-1] (nb_layer_norm with k = ndim), with
 * parameters layer<k>.weight (ones) and layer<k>.bias (zeros) of that shape
 * unless no_affine.  opts NULL = defaults.  Returns the layer's index or a
 * negative status with a message. */
int nb_model_add_layer_norm(nb_model *model, int ndim, const int64_t *shape,
                            const nb_layer_norm_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
