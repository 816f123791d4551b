/* nabla/ops_shape.h — (being written) */
#ifndef NABLA_OPS_SHAPE_H
#define NABLA_OPS_SHAPE_H
#endif
