/* The one configuration of uthash for the whole library.  Every file that
 * uses uthash includes this header, never <uthash.h> itself, so that no hash
 * table can fall back to uthash's default out-of-memory handler, which calls
 * exit(-1) and would end the host program.
 *
 * Before including it, a file defines:
 *   NB_HASH_OOM(obj)       required: a statement that records the failure
 *                          (e.g. sets a flag the caller checks after HASH_ADD);
 *                          uthash then leaves the table as it was;
 *   NB_HASH_ALLOC(bytes)   optional: where buckets come from (an arena, say);
 *   NB_HASH_FREE(p, bytes) optional, with NB_HASH_ALLOC: how they go back.
 * Without NB_HASH_ALLOC, uthash uses malloc and free.
 *
 * Private to the library; shared by the layers like the core tensor struct. */
#ifndef NB_CORE_HASH_TABLE_H
#define NB_CORE_HASH_TABLE_H

#ifdef UTHASH_H
#error "include core/hash_table.h instead of <uthash.h>, so that uthash never calls exit()"
#endif
#ifndef NB_HASH_OOM
#error "define NB_HASH_OOM(obj) before including core/hash_table.h"
#endif

#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) NB_HASH_OOM(obj)
#ifdef NB_HASH_ALLOC
#define uthash_malloc(sz) NB_HASH_ALLOC(sz)
#define uthash_free(ptr, sz) NB_HASH_FREE(ptr, sz)
#endif
#include <uthash.h>

#endif
