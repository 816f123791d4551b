/* nabla/optim.h — (being written) */
#ifndef NABLA_OPTIM_H
#define NABLA_OPTIM_H
#endif
