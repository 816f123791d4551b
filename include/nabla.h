/* nabla.h — reverse-mode automatic differentiation for C.
 * Include this one header; it gathers every public module. */
#ifndef NABLA_H
#define NABLA_H

#include "nabla/error.h"     /* status codes, nb_last_error */
#include "nabla/arena.h"     /* arena memory */
#include "nabla/rng.h"       /* seeded xoshiro256** */
#include "nabla/tensor.h"    /* the tensor */
#include "nabla/autograd.h"  /* recording, nb_backward, nb_grad */
#include "nabla/ops.h"       /* every differentiable op */
#include "nabla/verify.h"    /* gradcheck, jacobian, hessian */
#include "nabla/custom_op.h" /* user-defined ops */
#include "nabla/nn.h"        /* layers, BP networks, losses, initialisers */
#include "nabla/optim.h"     /* SGD, Adam, RMSprop, RPROP */
#include "nabla/train.h"     /* the training loop, evaluation, progress */
#include "nabla/dist.h"      /* data-parallel training on MPI (stubs without it) */
#include "nabla/io.h"        /* CSV, IDX, normalisation, model files */
#include "nabla/dot.h"       /* graph pictures */
#include "nabla/trace.h"     /* the backward trace */
#include "nabla/sites.h"     /* records the caller's file:line in each node (last) */

#endif
