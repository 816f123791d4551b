/* Convolution packing over raw buffers (f32 and f64): im2col turns one
 * image into the matrix whose product with the flattened filters is the
 * convolution, col2im is its transpose (adjoint), and max pooling picks each
 * window's largest value and remembers where it was.  Nothing here knows
 * about graphs.
 *
 * One image is `c` planes of h x w, row-major.  A window position (oy, ox)
 * covers rows oy*sh - ph + i*dh and columns ox*sw - pw + j*dw for kernel
 * offsets 0 <= i < kh, 0 <= j < kw; positions outside the image are padding.
 * The matrix of im2col has c*kh*kw rows (channel, then i, then j) and oh*ow
 * columns, the layout of PyTorch's unfold. */
#ifndef NB_KERNELS_IM2COL_H
#define NB_KERNELS_IM2COL_H

#include <stdint.h>

typedef struct nb_k_conv_geom {
    int64_t c, h, w;   /* planes of one image and their size */
    int64_t kh, kw;    /* kernel size */
    int64_t sh, sw;    /* stride (>= 1) */
    int64_t ph, pw;    /* padding on each side (>= 0) */
    int64_t dh, dw;    /* dilation (>= 1) */
    int64_t oh, ow;    /* window positions; nb_k_conv_out_size */
} nb_k_conv_geom;

/* Window positions along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1, or
 * a value <= 0 when the dilated kernel does not fit the padded axis. */
int64_t nb_k_conv_out_size(int64_t n, int64_t k, int64_t s, int64_t p, int64_t d);

/* cols[(ch*kh + i)*kw + j][oy*ow + ox] = x[ch][row][col], 0 in the padding. */
void nb_k_im2col_f32(const nb_k_conv_geom *g, const float *x, float *cols);
void nb_k_im2col_f64(const nb_k_conv_geom *g, const double *x, double *cols);

/* The transpose: x := 0, then every element of cols added to the image
 * position it was read from (overlapping windows add up; padding drops). */
void nb_k_col2im_f32(const nb_k_conv_geom *g, const float *cols, float *x);
void nb_k_col2im_f64(const nb_k_conv_geom *g, const double *cols, double *x);

/* Max pooling of each of the c planes: out[ch][oy*ow + ox] is the window's
 * largest value (padding counts as -inf; a NaN wins, as in PyTorch) and
 * idx[ch][oy*ow + ox] its position row*w + col in the plane, stored as a
 * value of the element type (the caller keeps h*w exact in it).  Ties go
 * to the first position in row-major window order.  Every window must hold
 * at least one image position (padding <= kernel / 2 ensures it). */
void nb_k_max_pool2d_f32(const nb_k_conv_geom *g, const float *x, float *out, float *idx);
void nb_k_max_pool2d_f64(const nb_k_conv_geom *g, const double *x, double *out, double *idx);

/* The gradient of that max pooling for the 2x2 window at stride 2 without
 * padding (non-overlapping windows): gx[ch][pos] = g[ch][o] where pos is
 * idx[ch][o], the argmax of the window o that covers pos, and 0 elsewhere
 * (including a last odd row or column that no window covers).  One pass
 * over gx with no branch and no scatter; g, idx as out, idx of
 * nb_k_max_pool2d_*. */
void nb_k_max_pool2d_2x2_grad_f32(const nb_k_conv_geom *g, const float *go, const float *idx,
                                  float *gx);
void nb_k_max_pool2d_2x2_grad_f64(const nb_k_conv_geom *g, const double *go, const double *idx,
                                  double *gx);

#endif
