/* nabla/io.h — (being written) */
#ifndef NABLA_IO_H
#define NABLA_IO_H
#endif
