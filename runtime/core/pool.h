/*
 * pool.h - a bump allocator for everything a loaded model keeps.
 *
 * A model is built once and freed once, so its names, arrays, attributes
 * and weights come from one pool of large blocks: no per-object free, no
 * leaks on error paths, one call to release it all.
 */
#ifndef ONNXC_POOL_H
#define ONNXC_POOL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct oc_pool_block oc_pool_block;

typedef struct oc_pool {
    oc_pool_block *head;
    size_t used;  /* bytes handed out, for statistics */
} oc_pool;

/* An empty pool; allocating from it creates blocks as needed. */
void oc_pool_init(oc_pool *pool);
/* Frees every block; the pool is empty again afterwards. */
void oc_pool_free(oc_pool *pool);

/* `size` bytes aligned to 64, or NULL when out of memory. The memory is
 * zeroed. A size of 0 gives a valid unique pointer. */
void *oc_pool_alloc(oc_pool *pool, size_t size);
/* Gives back the memory of an allocation that got a block of its own
 * (large ones do: a quarter of a block or more) before the pool is freed:
 * a weight whose packed copy replaced it. False, and nothing changes, when
 * p is not such an allocation. */
bool oc_pool_release(oc_pool *pool, const void *p);
/* n * size bytes, NULL on overflow or when out of memory. */
void *oc_pool_calloc(oc_pool *pool, size_t n, size_t size);
/* A NUL-terminated copy of `len` bytes of `s`, or NULL. */
char *oc_pool_strndup(oc_pool *pool, const char *s, size_t len);
char *oc_pool_strdup(oc_pool *pool, const char *s);

#endif
