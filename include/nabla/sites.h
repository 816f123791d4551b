/* nabla/sites.h — (being written) */
#ifndef NABLA_SITES_H
#define NABLA_SITES_H
#endif
