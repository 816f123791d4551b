/* nabla/ops_nn.h — (being written) */
#ifndef NABLA_OPS_NN_H
#define NABLA_OPS_NN_H
#endif
