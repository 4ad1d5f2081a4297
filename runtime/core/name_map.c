/* name_map.c - open addressing with linear probing; FNV-1a hashes. */
#include <stdint.h>
#include <string.h>

#include "runtime/core/name_map.h"

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

bool oc_name_map_init(oc_name_map *map, oc_pool *pool, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2) {
        if (cap > SIZE_MAX / 4)
            return false;
        cap *= 2;
    }
    map->keys = oc_pool_calloc(pool, cap, sizeof *map->keys);
    map->values = oc_pool_calloc(pool, cap, sizeof *map->values);
    map->mask = cap - 1;
    return map->keys && map->values;
}

int oc_name_map_get(const oc_name_map *map, const char *name)
{
    for (size_t i = hash(name) & map->mask;; i = (i + 1) & map->mask) {
        if (!map->keys[i])
            return -1;
        if (strcmp(map->keys[i], name) == 0)
            return map->values[i];
    }
}

int oc_name_map_put(oc_name_map *map, const char *name, int index)
{
    for (size_t i = hash(name) & map->mask;; i = (i + 1) & map->mask) {
        if (!map->keys[i]) {
            map->keys[i] = name;
            map->values[i] = index;
            return index;
        }
        if (strcmp(map->keys[i], name) == 0)
            return map->values[i];
    }
}
