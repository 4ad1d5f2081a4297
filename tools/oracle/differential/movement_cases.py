"""Single-node cases of the data-movement operators: Transpose (1, 13,
21), every permutation form (absent: reversed; identity; one swap; a
rotation; a random one) at ranks 0-5, zero-size dims included; then
Size, Expand, Tile (6, 13), Trilu, DepthToSpace, SpaceToDepth, EyeLike,
Compress and GatherElements (MORE_FORMS): per version every type once (at
a rotating form), then every form once (at a rotating type); all on
float32, float64, int32, int64, uint8 and bool where the spec allows.

specs() enumerates the matrix; build_movement_op() draws shapes and values."""
import numpy as np

from graph import Built
from reference import TYPE_NUMBERS, VERSIONS, allowed_types, op_version
from tensor_cases import emit, feed, new_graph, small_shape, tensor_values

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
    return out + more_specs()


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
    if spec['op'] != 'Transpose':
        return build_more(spec, rng)
    op, dtype, shape = spec['op'], spec['dtype'], tuple(spec['rank'])
    g = new_graph(rng, spec)
    attrs = {}
    if spec['perm'] != 'default':
        attrs['perm'] = permutation(spec['perm'], len(shape), rng)
    x = feed(g, 'X', np.array(tensor_values(rng, shape, dtype)), dtype)
    emit(g, g.node(op, [x], **attrs), dtype)
    desc = f"{op}-{op_version(op, g.opset)} {dtype} {list(shape)} {attrs}"
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs})


# ------------------------------------------- the other movement operators

MORE_FORMS = {
    'Size': ('rank0', 'rank1', 'matrix', 'zero-size', 'rank5'),
    'Expand': ('same', 'grow-rank', 'ones-in-x', 'ones-in-shape', 'scalar', 'zero-size',
               'shorter-shape'),
    'Tile': ('ones', 'rows', 'all', 'zero-repeat', 'zero-size', 'rank1', 'rank4'),
    'Trilu': ('upper', 'lower', 'k-positive', 'k-negative', 'k-beyond', 'batched', 'wide',
              'tall', 'zero-size', 'lower-k'),
    'DepthToSpace': ('b2', 'b3', 'b1', 'batch', 'crd'),
    'SpaceToDepth': ('b2', 'b3', 'b1', 'batch'),
    'EyeLike': ('square', 'wide', 'tall', 'k-positive', 'k-negative', 'k-beyond', 'dtype',
                'zero-size'),
    'Compress': ('no-axis', 'axis0', 'axis-last', 'negative-axis', 'short-condition',
                 'none-true', 'all-true', 'zero-size'),
    'GatherElements': ('axis0', 'axis-last', 'middle', 'negative-axis', 'negative-indices',
                       'int32', 'smaller', 'rank1', 'zero-size'),
}
MORE_TYPES = ('float32', 'float64', 'int64', 'int32', 'uint8', 'bool')


def more_specs():
    # a rank-0 Transpose (perm absent: an empty perm has no attribute type)
    out = [dict(section='transpose', kind='movement', op='Transpose', version=v, dtype=t,
                perm=p, rank=()) for v, t, p in ((1, 'float32', 'default'),
                                                 (13, 'int64', 'default'),
                                                 (21, 'float64', 'default'))]
    for op, forms in MORE_FORMS.items():
        for version in VERSIONS[op]:
            allowed = allowed_types(op, version)
            ts = [t for t in MORE_TYPES if t in allowed]
            for i, t in enumerate(ts):
                out.append(dict(section='movement', kind='movement', op=op, version=version,
                                dtype=t, form=forms[(i * 3 + version) % len(forms)]))
            for i, f in enumerate(forms):
                if f == 'crd' and version < 11:
                    continue
                out.append(dict(section='movement-forms', kind='movement', op=op,
                                version=version, dtype=ts[(i + version) % len(ts)], form=f))
    return [s for s in out if not (s.get('form') == 'crd' and s['version'] < 11)]


def dims(rng, n, lo=1, hi=4):
    return [int(rng.integers(lo, hi + 1)) for _ in range(n)]


def more_case(op, form, version, rng):
    """(shape of X, attributes, extra int64 inputs as (name, array) or
    None for an absent one)."""
    zero = form == 'zero-size'
    if op == 'Size':
        shape = {'rank0': [], 'rank1': dims(rng, 1, 0, 9), 'matrix': dims(rng, 2),
                 'zero-size': [2, 0, 3], 'rank5': dims(rng, 5, 1, 3)}[form]
        return shape, {}, []
    if op == 'Expand':
        x = dims(rng, 3)
        if form == 'same':
            shape = list(x)
        elif form == 'grow-rank':
            shape = dims(rng, 2) + x
        elif form == 'ones-in-x':
            x[1] = 1
            shape = list(x)
            shape[1] = int(rng.integers(2, 5))
        elif form == 'ones-in-shape':       # a 1 in shape keeps x's dim
            shape = list(x)
            shape[0] = 1
        elif form == 'scalar':
            x, shape = [], dims(rng, 2)
        elif form == 'zero-size':
            x[0] = 1
            shape = [0] + x[1:]
        else:                               # shape shorter than x's rank
            x[2] = 1
            shape = [int(rng.integers(2, 4))]
        return x, {}, [('shape', np.array(shape, np.int64))]
    if op == 'Tile':
        rank = {'rank1': 1, 'rank4': 4}.get(form, 2 if form != 'zero-size' else 3)
        x = dims(rng, rank, 1, 3)
        reps = {'ones': [1] * rank, 'rows': [int(rng.integers(2, 4))] + [1] * (rank - 1)}.get(
            form, dims(rng, rank, 1, 3))
        if form == 'zero-repeat':
            reps[-1] = 0
        if zero:
            x[1] = 0
        return x, {}, [('repeats', np.array(reps, np.int64))]
    if op == 'Trilu':
        m, n = dims(rng, 2, 1, 6)
        shape = ([2, 0, 3] if zero else [int(rng.integers(1, 4)), m, n] if form == 'batched'
                 else [m, int(rng.integers(m + 1, 9))] if form == 'wide'
                 else [int(rng.integers(n + 1, 9)), n] if form == 'tall' else [m, n])
        attrs = {'upper': 0} if form in ('lower', 'lower-k') else (
            {'upper': 1} if rng.random() < 0.5 else {})
        k = {'k-positive': int(rng.integers(1, 3)), 'k-negative': -int(rng.integers(1, 3)),
             'k-beyond': int(rng.choice([-9, 9])), 'lower-k': int(rng.integers(-2, 3))}.get(form)
        extra = [] if k is None and rng.random() < 0.5 else [
            ('k', np.array(0 if k is None else k, np.int64))]
        return shape, attrs, extra
    if op in ('DepthToSpace', 'SpaceToDepth'):
        b = {'b2': 2, 'b3': 3, 'b1': 1}.get(form, int(rng.integers(1, 3)))
        n = int(rng.integers(2, 4)) if form == 'batch' else 1
        c = int(rng.integers(1, 4))
        h, w = dims(rng, 2, 1, 3)
        shape = [n, c * b * b, h, w] if op == 'DepthToSpace' else [n, c, h * b, w * b]
        attrs = {'blocksize': b}
        if form == 'crd':
            attrs['mode'] = 'CRD'
        elif op == 'DepthToSpace' and version >= 11 and rng.random() < 0.3:
            attrs['mode'] = 'DCR'
        return shape, attrs, []
    if op == 'EyeLike':
        m = int(rng.integers(1, 6))
        shape = {'wide': [m, m + int(rng.integers(1, 4))], 'tall': [m + 2, m],
                 'zero-size': [0, 3]}.get(form, [m, m])
        attrs = {}
        if form.startswith('k'):
            attrs['k'] = {'k-positive': 1, 'k-negative': -1, 'k-beyond': 7}[form]
        if form == 'dtype':
            attrs['dtype'] = TYPE_NUMBERS[str(rng.choice(['float32', 'int64', 'int32']))]
        return shape, attrs, []
    if op == 'Compress':
        shape = [2, 0, 3] if zero else dims(rng, 3)
        attrs = {}
        if form in ('axis0', 'short-condition', 'none-true', 'all-true'):
            attrs['axis'] = 0
        elif form == 'axis-last':
            attrs['axis'] = len(shape) - 1
        elif form == 'negative-axis':
            attrs['axis'] = -1 if version >= 11 else 2
        elif zero:
            attrs['axis'] = 1 if rng.random() < 0.5 else 0
        n = int(np.prod(shape)) if 'axis' not in attrs else shape[attrs['axis']]
        if form == 'short-condition':
            n = max(n - 1, 0)
        cond = rng.random(n) < 0.5
        if form == 'none-true':
            cond[:] = False
        elif form == 'all-true':
            cond[:] = True
        return shape, attrs, [('condition', cond)]
    # GatherElements
    shape = [5] if form == 'rank1' else [2, 0, 3] if zero else dims(rng, 3, 1, 4)
    r = len(shape)
    axis = {'axis0': 0, 'axis-last': r - 1, 'middle': min(1, r - 1),
            'negative-axis': -1}.get(form, int(rng.integers(0, r)))
    ishape = list(shape)
    a = axis % r
    ishape[a] = int(rng.integers(1, 5)) if shape[a] else 0
    if form == 'smaller':
        ishape = [max(d - 1, 1) if d else 0 for d in ishape]
        ishape[a] = int(rng.integers(1, 5))
    n = shape[a]
    lo = -n if form in ('negative-indices',) or rng.random() < 0.3 else 0
    idx = rng.integers(lo, max(n, 1), ishape) if n else np.zeros(ishape, np.int64)
    attrs = {} if axis == 0 and rng.random() < 0.5 else {'axis': axis}
    return shape, attrs, [('indices', idx.astype(np.int32 if form == 'int32' else np.int64))]


def build_more(spec, rng):
    op, dtype, form, version = spec['op'], spec['dtype'], spec['form'], spec['version']
    g = new_graph(rng, spec)
    shape, attrs, extra = more_case(op, form, version, rng)
    x = feed(g, 'X', np.array(tensor_values(rng, shape, dtype)), dtype)
    names = [x]
    for name, arr in extra:
        how = 'input' if rng.random() < 0.15 else 'initializer'
        (g.input if how == 'input' else g.init)(name, arr, dtype=arr.dtype)
        names.append(name)
    y = g.node(op, names, **attrs)
    out = 'int64' if op == 'Size' else dtype
    emit(g, y, out)
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} X{list(shape)} {attrs} "
            + ' '.join(f'{n}={a.tolist()}' for n, a in extra) + f' ({form})')
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs, 'form': form})
