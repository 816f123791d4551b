/* nabla/nn.h — (being written) */
#ifndef NABLA_NN_H
#define NABLA_NN_H
#endif
