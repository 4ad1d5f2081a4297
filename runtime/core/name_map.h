/*
 * name_map.h - a fixed-capacity hash map from value names to indices,
 * allocated from a pool, so that linking a graph of n values costs O(n).
 */
#ifndef ONNXC_NAME_MAP_H
#define ONNXC_NAME_MAP_H

#include <stdbool.h>

#include "runtime/core/pool.h"

typedef struct oc_name_map {
    const char **keys;
    int *values;
    size_t mask;
} oc_name_map;

/* Room for `n` names; false when out of memory. */
bool oc_name_map_init(oc_name_map *map, oc_pool *pool, size_t n);
/* The index stored for name, or -1. */
int oc_name_map_get(const oc_name_map *map, const char *name);
/* Stores name -> index unless the name is there; returns the index the
 * name now maps to (the old one when it was already there). The name is
 * not copied: it must live as long as the map. */
int oc_name_map_put(oc_name_map *map, const char *name, int index);

#endif
