/* nabla/trace.h — (being written) */
#ifndef NABLA_TRACE_H
#define NABLA_TRACE_H
#endif
