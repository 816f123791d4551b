/* nabla/ops_reduce.h — (being written) */
#ifndef NABLA_OPS_REDUCE_H
#define NABLA_OPS_REDUCE_H
#endif
