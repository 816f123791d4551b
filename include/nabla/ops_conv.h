/* nabla/ops_conv.h — convolution and pooling over images (N, C, H, W) and
 * sequences (N, C, L), with PyTorch's semantics and shapes.
 *
 * Every function: inputs must be valid tensors of one dtype (f32 or f64; a
 * NULL input gives NULL without a new message, except the optional bias);
 * the result is a new contiguous tensor in the current arena; with grad mode
 * on and an input requiring grad, a graph node is recorded.  A bad shape is
 * an NB_ERR_SHAPE error, a bad option an NB_ERR_ARG error, each with a
 * message starting with the op's name.
 *
 * Along each spatial axis of size n, a kernel of size k with stride s,
 * padding p (zeros on both sides) and dilation d has
 *     out = floor((n + 2p - d(k - 1) - 1) / s) + 1
 * window positions, which must be at least 1.
 *
 * Convolution is a matrix product on the unfolded input (nb_unfold, the
 * im2col of the library's GEMM), and nb_fold is nb_unfold's adjoint, so
 * each is the other's gradient and derivatives of any order work. */
#ifndef NABLA_OPS_CONV_H
#define NABLA_OPS_CONV_H

#include <stdint.h>

#include "nabla/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of nb_conv2d, nb_unfold and nb_fold; pairs are (rows, columns).
 * NULL or a zeroed field means the default. */
typedef struct nb_conv2d_opts {
    int64_t stride[2];   /* step between windows, >= 1; 0 means 1 */
    int64_t padding[2];  /* zeros added on each side, >= 0; default 0 */
    int64_t dilation[2]; /* spacing between kernel taps, >= 1; 0 means 1 */
    int64_t groups;      /* channel groups, >= 1, dividing C and O; 0 means 1 (not for unfold/fold) */
} nb_conv2d_opts;

/* Options of nb_conv1d.  NULL or a zeroed field means the default. */
typedef struct nb_conv1d_opts {
    int64_t stride;   /* step between windows, >= 1; 0 means 1 */
    int64_t padding;  /* zeros added on each side, >= 0; default 0 */
    int64_t dilation; /* spacing between kernel taps, >= 1; 0 means 1 */
    int64_t groups;   /* channel groups, >= 1, dividing C and O; 0 means 1 */
} nb_conv1d_opts;

/* Options of the 2-D pools.  NULL or a zeroed field means the default. */
typedef struct nb_pool2d_opts {
    int64_t stride[2];  /* step between windows, >= 1; 0 means the kernel size (PyTorch's default) */
    int64_t padding[2]; /* on each side, 0 <= padding <= kernel / 2; default 0 */
} nb_pool2d_opts;

/* 2-D cross-correlation, as torch.nn.functional.conv2d: x (N, C, H, W),
 * weight (O, C / groups, kh, kw), bias (O) or NULL for none; result
 * (N, O, OH, OW), out[n, o] = bias[o] + sum over the group's channels c and
 * taps (i, j) of weight[o, c, i, j] * x_padded[n, c, oy*sh + i*dh, ox*sw + j*dw].
 * Gradient: x gets fold(weightᵀ g), weight gets g unfold(x)ᵀ summed over
 * the batch, bias gets g summed over N, OH, OW. */
nb_tensor *nb_conv2d(nb_tensor *x, nb_tensor *weight, nb_tensor *bias, const nb_conv2d_opts *opts);

/* 1-D cross-correlation, as torch.nn.functional.conv1d: x (N, C, L), weight
 * (O, C / groups, k), bias (O) or NULL; result (N, O, L_out).  Computed as
 * nb_conv2d on a height-1 image, with messages naming conv1d. */
nb_tensor *nb_conv1d(nb_tensor *x, nb_tensor *weight, nb_tensor *bias, const nb_conv1d_opts *opts);

/* Sliding windows, as torch.nn.functional.unfold: x (N, C, H, W) gives
 * (N, C*kh*kw, OH*OW), column oy*OW + ox holding the window at (oy, ox),
 * row (c*kh + i)*kw + j its tap (c, i, j); padding reads as 0.  opts->groups
 * must be 0 or 1.  Gradient: nb_fold(g, H, W, ...). */
nb_tensor *nb_unfold(nb_tensor *x, int64_t kh, int64_t kw, const nb_conv2d_opts *opts);

/* The adjoint of nb_unfold, as torch.nn.functional.fold: cols
 * (N, C*kh*kw, L) with L the number of window positions of an h x w image
 * gives (N, C, h, w), every column's values added back where unfold read
 * them (overlaps add, padding is dropped).  Gradient: nb_unfold(g, ...). */
nb_tensor *nb_fold(nb_tensor *cols, int64_t h, int64_t w, int64_t kh, int64_t kw,
                   const nb_conv2d_opts *opts);

/* Max over each kh x kw window of each channel, as
 * torch.nn.functional.max_pool2d (padding is -inf, a NaN in a window wins):
 * x (N, C, H, W) gives (N, C, OH, OW).  Gradient: g added at each window's
 * maximum (the first one on ties), by a scatter whose own gradient is a
 * gather, so second order works. */
nb_tensor *nb_max_pool2d(nb_tensor *x, int64_t kh, int64_t kw, const nb_pool2d_opts *opts);

/* Mean over each kh x kw window of each channel, as
 * torch.nn.functional.avg_pool2d with count_include_pad=True: padded zeros
 * count, every window divides by kh*kw.  x (N, C, H, W) gives
 * (N, C, OH, OW).  Gradient: g / (kh*kw) folded back onto the windows. */
nb_tensor *nb_avg_pool2d(nb_tensor *x, int64_t kh, int64_t kw, const nb_pool2d_opts *opts);

/* Mean of each channel over its whole image, as
 * torch.nn.functional.adaptive_avg_pool2d(x, 1): x (N, C, H, W) gives
 * (N, C, 1, 1).  Gradient: g / (H*W) broadcast over the image. */
nb_tensor *nb_global_avg_pool2d(nb_tensor *x);

#ifdef __cplusplus
}
#endif
#endif
