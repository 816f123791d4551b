/* nabla/ops_elementwise.h — (being written) */
#ifndef NABLA_OPS_ELEMENTWISE_H
#define NABLA_OPS_ELEMENTWISE_H
#endif
