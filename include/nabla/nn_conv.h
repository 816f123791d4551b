/* nabla/nn_conv.h — convolution, pooling and flatten layers for the
 * sequential models of nabla/nn.h, so that a CNN is built like a BP
 * network: conv -> pool -> ... -> flatten -> linear.
 *
 * Each builder appends one layer and returns its index (>= 0) or a negative
 * status with a message naming the builder.  Layers are numbered from 1 by
 * position, every layer counting; a convolution's parameters are
 * "layer<k>.weight" (O, C/groups, kh, kw) and "layer<k>.bias" (O).  A model
 * with these layers takes images (N, C, H, W) of the model's dtype.  The
 * options are copied. */
#ifndef NABLA_NN_CONV_H
#define NABLA_NN_CONV_H

#include <stdint.h>

#include "nabla/nn.h"
#include "nabla/ops_conv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Append y = act(conv2d(x, W, b, opts)) with W (out_channels,
 * in_channels / groups, kh, kw) and b (out_channels).  init:
 * NB_INIT_DEFAULT is PyTorch's default for convolutions, W and b uniform in
 * ±1/sqrt(fan_in) with fan_in = in_channels / groups * kh * kw;
 * NB_INIT_XAVIER_* and NB_INIT_HE_* use fan_in and fan_out = out_channels /
 * groups * kh * kw with a zero bias; NB_INIT_ZEROS zeros both;
 * NB_INIT_NGUYEN_WIDROW is refused (NB_ERR_ARG: it is for linear layers).
 * Sizes must be >= 1 and opts valid for nb_conv2d (groups must divide both
 * channel counts).  At forward, x must be 4-D with in_channels channels,
 * else an NB_ERR_SHAPE error naming the layer. */
int nb_model_add_conv2d(nb_model *model, int64_t in_channels, int64_t out_channels, int64_t kh,
                        int64_t kw, const nb_conv2d_opts *opts, nb_activation act, nb_init init);

/* Append a max or average pooling layer (nb_max_pool2d / nb_avg_pool2d
 * with these arguments; opts NULL: stride = kernel, no padding).  The
 * kernel is checked here (>= 1), the options by the op at forward. */
int nb_model_add_max_pool2d(nb_model *model, int64_t kh, int64_t kw, const nb_pool2d_opts *opts);
int nb_model_add_avg_pool2d(nb_model *model, int64_t kh, int64_t kw, const nb_pool2d_opts *opts);

/* Append a layer that flattens each sample: (N, ...) -> (N, product of the
 * rest), as torch.nn.Flatten, so that a linear layer can follow a
 * convolution (its `in` is C * H * W of the last image). */
int nb_model_add_flatten(nb_model *model);

#ifdef __cplusplus
}
#endif
#endif
