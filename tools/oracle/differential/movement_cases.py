"""Single-node cases of the data-movement operators: so far Transpose
(1, 13, 21), every permutation form (absent: reversed; identity; one swap;
a rotation; a random one) at ranks 1-5 (rank 0: graph.py declares its output [1], left for later), zero-size dims included, on
float32, float64, int32, int64, uint8 and bool.

specs() enumerates the matrix; build_movement_op() draws shapes and values."""
import numpy as np

from graph import Built
from reference import VERSIONS, op_version
from tensor_cases import emit, feed, new_graph, tensor_values

TYPES = ('float32', 'float64', 'int32', 'int64', 'uint8', 'bool')
PERMS = ('default', 'identity', 'swap', 'rotate', 'random')
RANKS = ((5,), (4,), (2, 3), (0, 3), (2, 3, 4), (1, 3, 2, 2), (2, 1, 3, 1, 2))


def specs():
    out = []
    for version in VERSIONS['Transpose']:
        for i, t in enumerate(TYPES):
            for j, perm in enumerate(PERMS):
                out.append(dict(section='transpose', kind='movement', op='Transpose',
                                version=version, dtype=t, perm=perm,
                                rank=RANKS[(i + j * 2 + version) % len(RANKS)]))
    return out


def permutation(form, rank, rng):
    axes = list(range(rank))
    if form == 'identity':
        return axes
    if form == 'swap' and rank >= 2:
        axes[0], axes[-1] = axes[-1], axes[0]
    elif form == 'rotate':
        axes = axes[1:] + axes[:1]
    elif form == 'random':
        axes = [int(a) for a in rng.permutation(rank)]
    return axes


def build_movement_op(spec, rng):
    op, dtype, shape = spec['op'], spec['dtype'], tuple(spec['rank'])
    g = new_graph(rng, spec)
    attrs = {}
    if spec['perm'] != 'default':
        attrs['perm'] = permutation(spec['perm'], len(shape), rng)
    x = feed(g, 'X', np.array(tensor_values(rng, shape, dtype)), dtype)
    emit(g, g.node(op, [x], **attrs), dtype)
    desc = f"{op}-{op_version(op, g.opset)} {dtype} {list(shape)} {attrs}"
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs})
