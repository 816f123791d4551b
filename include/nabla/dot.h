/* nabla/dot.h — (being written) */
#ifndef NABLA_DOT_H
#define NABLA_DOT_H
#endif
