/* pool.c - the model's bump allocator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/core/big_alloc.h"
#include "runtime/core/pool.h"

#define POOL_ALIGN 64
#define POOL_BLOCK_SIZE (64 * 1024)

struct oc_pool_block {
    oc_pool_block *next;
    size_t size;  /* usable bytes in data */
    size_t used;
    bool dedicated;  /* holds one large allocation, and only it */
    /* Aligned so that data starts on a POOL_ALIGN boundary. */
    _Alignas(POOL_ALIGN) unsigned char data[];
};

void oc_pool_init(oc_pool *pool)
{
    pool->head = NULL;
    pool->used = 0;
}

void oc_pool_free(oc_pool *pool)
{
    oc_pool_block *b = pool->head;
    while (b) {
        oc_pool_block *next = b->next;
        free(b);
        b = next;
    }
    oc_pool_init(pool);
}

static oc_pool_block *pool_new_block(size_t size)
{
    if (size > SIZE_MAX - sizeof(oc_pool_block))
        return NULL;
    oc_pool_block *b = oc_big_alloc(POOL_ALIGN, sizeof(oc_pool_block) + size);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    b->dedicated = false;
    return b;
}

void *oc_pool_alloc(oc_pool *pool, size_t size)
{
    if (size > SIZE_MAX - POOL_ALIGN)
        return NULL;
    size_t rounded = (size + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    if (rounded == 0)
        rounded = POOL_ALIGN;
    oc_pool_block *b = pool->head;
    if (!b || b->size - b->used < rounded) {
        /* Large requests get a block of their own, placed behind the
         * current one so its free space is not wasted. */
        size_t want = rounded > POOL_BLOCK_SIZE / 4 ? rounded : POOL_BLOCK_SIZE;
        oc_pool_block *nb = pool_new_block(want);
        if (!nb)
            return NULL;
        nb->dedicated = want == rounded;  /* full: nothing else fits */
        if (b && want == rounded && b->size - b->used >= POOL_ALIGN) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            pool->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += rounded;
    pool->used += rounded;
    memset(p, 0, size);
    return p;
}

bool oc_pool_release(oc_pool *pool, const void *p)
{
    for (oc_pool_block **link = &pool->head; *link; link = &(*link)->next) {
        oc_pool_block *b = *link;
        if (!b->dedicated || (const void *)b->data != p)
            continue;
        *link = b->next;
        pool->used -= b->used;
        free(b);
        return true;
    }
    return false;
}

void *oc_pool_calloc(oc_pool *pool, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return oc_pool_alloc(pool, n * size);
}

char *oc_pool_strndup(oc_pool *pool, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = oc_pool_alloc(pool, len + 1);
    if (p) {
        if (len)
            memcpy(p, s, len);
        p[len] = 0;
    }
    return p;
}

char *oc_pool_strdup(oc_pool *pool, const char *s)
{
    return oc_pool_strndup(pool, s, strlen(s));
}
