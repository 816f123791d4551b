/* nabla.h — reverse-mode automatic differentiation for C.
 * Include this one header; it gathers every public module. */
#ifndef NABLA_H
#define NABLA_H

#include "nabla/error.h"
#include "nabla/arena.h"
#include "nabla/rng.h"
#include "nabla/tensor.h"
#include "nabla/autograd.h"
#include "nabla/ops.h"

#endif
