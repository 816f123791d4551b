/* nabla/custom_op.h — (being written) */
#ifndef NABLA_CUSTOM_OP_H
#define NABLA_CUSTOM_OP_H
#endif
