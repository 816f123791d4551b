/* nabla/ops.h — every differentiable op, by group. */
#ifndef NABLA_OPS_H
#define NABLA_OPS_H

#include "nabla/ops_basic.h"       /* add sub mul div, sums, matmul, tanh */
#include "nabla/ops_elementwise.h" /* unary maps, pow/maximum/minimum, cast */
#include "nabla/ops_reduce.h"      /* mean, max, min, argmax, logsumexp */
#include "nabla/ops_shape.h"       /* reshape, permute, concat, slice, gather */
#include "nabla/ops_nn.h"          /* softmax, log_softmax, losses */
#include "nabla/ops_conv.h"        /* conv1d/2d, unfold/fold, pooling */

#endif
