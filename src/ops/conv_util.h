/* Shared by the convolution and pooling op files: the unfold/fold geometry
 * (the two ops' parameter struct), option checks with clear messages, and
 * the internal entry points that take an already checked geometry. */
#ifndef NB_OPS_CONV_UTIL_H
#define NB_OPS_CONV_UTIL_H

#include "autograd/graph.h"
#include "kernels/im2col.h"
#include "nabla/ops_conv.h"

/* Geometry of one window sweep over an h x w image (int32 so that the node
 * keeps it within its parameter bytes; the checks keep every size in range). */
typedef struct nb__window {
    int32_t h, w;   /* image size */
    int32_t kh, kw; /* kernel */
    int32_t sh, sw; /* stride, >= 1 */
    int32_t ph, pw; /* padding, >= 0 */
    int32_t dh, dw; /* dilation, >= 1 */
} nb__window;

/* The kernels' geometry for `c` planes. */
nb_k_conv_geom nb__window_geom(const nb__window *win, int64_t c);

/* Check a kernel size and the stride/padding/dilation pairs (NULL arrays
 * mean the defaults: stride = def_stride (NULL: 1), padding 0, dilation 1),
 * fill win for an h x w image, and check that at least one window fits.
 * Messages start with op.  Returns 0 or a negative status. */
int nb__window_make(const char *op, int64_t h, int64_t w, int64_t kh, int64_t kw,
                    const int64_t *stride, const int64_t *def_stride, const int64_t *padding,
                    const int64_t *dilation, nb__window *win);

/* Window positions of win along rows and columns. */
int64_t nb__window_oh(const nb__window *win);
int64_t nb__window_ow(const nb__window *win);

/* unfold / fold with a checked geometry (x is N x C x h x w; cols is
 * N x C*kh*kw x OH*OW).  `name` names the node ("unfold", or the public op
 * that unfolds, such as "conv2d"); the messages of a failure name op. */
nb_tensor *nb__unfold(nb_tensor *x, const nb__window *win);
nb_tensor *nb__fold(nb_tensor *cols, const nb__window *win);

/* The fused convolution ops (conv_fused.c, conv_grad.c) share one
 * parameter struct: the window and the number of groups. */
typedef struct nb__conv_params {
    nb__window win;
    int32_t groups; /* >= 1, dividing both channel counts */
} nb__conv_params;

/* conv2d as one op: x (N, C, H, W), w (O, C/G, kh, kw), b (O) or NULL, all
 * checked; the result is (N, O, OH, OW).  Per image and group, im2col into
 * scratch and one GEMM into the output, bias added in the same pass. */
nb_tensor *nb__conv2d_fused(nb_tensor *x, nb_tensor *w, nb_tensor *b, const nb__conv_params *p);

/* The same convolution composed of unfold, matmul, reshape and add: the
 * reference the fused op is tested against. */
nb_tensor *nb__conv2d_composed(nb_tensor *x, nb_tensor *w, nb_tensor *b,
                               const nb__conv_params *p);

/* The gradient of conv2d with respect to its input: g (N, O, OH, OW) and w
 * (O, C/G, kh, kw) give (N, C, H, W) (w^T g folded back, col2im). */
nb_tensor *nb__conv2d_grad_input(nb_tensor *g, nb_tensor *w, const nb__conv_params *p);

/* The gradient of conv2d with respect to its weight: x (N, C, H, W) and g
 * (N, O, OH, OW) give (O, C/G, kh, kw), the sum over images of g cols^T. */
nb_tensor *nb__conv2d_grad_weight(nb_tensor *x, nb_tensor *g, const nb__conv_params *p);

/* The gradient of conv2d with respect to its bias: g (N, O, OH, OW) summed
 * over images and positions, (O). */
nb_tensor *nb__conv2d_grad_bias(nb_tensor *g);

/* The kernel of nb__conv2d_grad_weight on raw buffers: gw (O x C/G*kh*kw,
 * the weight's layout) gets the weight gradient added to it (accumulate) or
 * written (not).  Scratch comes from `arena`.  Returns 0 or negative. */
int nb__conv2d_grad_weight_into(nb_arena *arena, const nb_tensor *x, const nb_tensor *g,
                                const nb__conv_params *p, void *gw, bool accumulate);

/* "an x b" shape text for messages. */
const char *nb__shape_str(const nb_tensor *t, char *buf, size_t size);

#endif
