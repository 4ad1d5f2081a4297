"""Single-node cases of the CNN operators InstanceNormalization (1, 6), LRN
(1, 13) and MaxUnpool (9, 11).

Every version runs in models of each opset it spans (1-21), in float32 and
float64. Per version: every type once (at a rotating form), then every form
once (at a rotating type). InstanceNormalization: ranks 3 to 5, epsilon,
a mean far from zero beside a small spread, planes of one element.
LRN: odd and even windows (the even ones reach one channel further up),
windows wider than C, alpha, beta and bias. MaxUnpool: the default
geometry, strides, pads, 1-D and 3-D, and an output_shape larger than the
unpooled shape (the unpooled tensor at its origin); the indices distinct
within each plane, as MaxPool's are."""
import numpy as np

from graph import Built
from reference import VERSIONS, op_version
from tensor_cases import new_graph

FLOATS = ('float32', 'float64')
FORMS = {
    'InstanceNormalization': ('4d', '3d', '5d', 'epsilon', 'offset', 'one'),
    'LRN': ('size1', 'size2', 'size3', 'size4', 'size5', 'wide', 'attrs'),
    'MaxUnpool': ('default', 'strides', 'pads', '1d', '3d', 'output-shape'),
}


def specs():
    out = []
    for op, forms in FORMS.items():
        for version in VERSIONS[op]:
            for i, t in enumerate(FLOATS):
                out.append(dict(section='cnn', kind='cnn', op=op, version=version, dtype=t,
                                form=forms[(i * 3 + version) % len(forms)]))
            for i, f in enumerate(forms):
                out.append(dict(section='cnn-forms', kind='cnn', op=op, version=version,
                                dtype=FLOATS[(i + version) % 2], form=f))
    return out


def unpool_geometry(rng, form):
    """X's shape, the attributes and the unpooled shape of a MaxUnpool form."""
    dims = 1 if form == '1d' else 3 if form == '3d' else 2
    while True:
        spatial = [int(rng.integers(1, 4 if dims == 3 else 6)) for _ in range(dims)]
        k = [int(rng.integers(1, 4)) for _ in range(dims)]
        a = {'kernel_shape': k}
        s = k
        if form == 'strides' or rng.random() < 0.3:
            s = [int(rng.integers(1, 4)) for _ in range(dims)]
        a['strides'] = s
        pads = [0] * (2 * dims)
        if form == 'pads':
            pads = [int(rng.integers(0, kk)) if kk > 1 else 0 for kk in k + k]
            a['pads'] = pads
        u = [(n - 1) * st + kk - pads[d] - pads[d + dims]
             for d, (n, st, kk) in enumerate(zip(spatial, s, k))]
        if all(uu >= 1 for uu in u) and np.prod(u) >= np.prod(spatial):
            shape = [int(rng.integers(1, 3)), int(rng.integers(1, 4))] + spatial
            return shape, a, shape[:2] + u


def build_cnn(spec, rng):
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    if op == 'InstanceNormalization':
        rank = 3 if form == '3d' else 5 if form == '5d' else 4
        spatial = [1] * (rank - 2) if form == 'one' else \
            [int(rng.integers(1, 6)) for _ in range(rank - 2)]
        shape = [int(rng.integers(1, 3)), int(rng.integers(1, 5))] + spatial
        x = rng.uniform(-3, 3, shape)
        if form == 'offset':
            x = 100 + x / 64
        attrs = {'epsilon': float(rng.choice([1e-3, 0.5]))} if form == 'epsilon' else {}
        g.input('X', x.astype(dtype))
        g.init('scale', rng.uniform(-2, 2, shape[1]).astype(dtype))
        g.init('B', rng.uniform(-2, 2, shape[1]).astype(dtype))
        y = g.node(op, ['X', 'scale', 'B'], **attrs)
    elif op == 'LRN':
        shape = [int(rng.integers(1, 3)), int(rng.integers(1, 7)),
                 int(rng.integers(1, 5)), int(rng.integers(1, 5))]
        size = shape[1] + int(rng.integers(1, 4)) if form == 'wide' else \
            int(rng.integers(1, 6)) if form == 'attrs' else int(form[4:])
        attrs = {'size': size}
        if form == 'attrs':
            attrs.update(alpha=float(rng.uniform(1e-4, 0.5)), beta=float(rng.uniform(0.3, 1.2)),
                         bias=float(rng.uniform(0.5, 3)))
        g.input('X', rng.uniform(-4, 4, shape).astype(dtype))
        y = g.node(op, ['X'], **attrs)
    else:
        shape, attrs, u = unpool_geometry(rng, form)
        plane_x, plane_u = int(np.prod(shape[2:])), int(np.prod(u[2:]))
        ind = np.empty(shape[:2] + [plane_x], np.int64)
        for n in range(shape[0]):
            for c in range(shape[1]):
                ind[n, c] = (n * shape[1] + c) * plane_u + \
                    rng.choice(plane_u, plane_x, replace=False)
        g.input('X', rng.uniform(-4, 4, shape).astype(dtype))
        g.input('I', ind.reshape(shape), dtype=np.int64)
        inputs = ['X', 'I']
        if form == 'output-shape':
            want = u[:2] + [d + int(rng.integers(0, 3)) for d in u[2:]]
            inputs.append(g.init('output_shape', np.array(want, np.int64), dtype=np.int64))
        y = g.node(op, inputs, **attrs)
    g.output(y)
    desc = f"{op}-{op_version(op, g.opset)} {dtype} X{shape} {attrs} ({form})"
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'form': form})
