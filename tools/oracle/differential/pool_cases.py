"""Single-node cases of the pooling operators: MaxPool (with Indices from
8, storage_order, int8/uint8 from 12), AveragePool (count_include_pad from
7), LpPool (p a float at 1, an int from 2), GlobalAveragePool,
GlobalMaxPool and GlobalLpPool.

Every version runs in models of each opset it spans (1-21), in float32 and
float64 (MaxPool 12 also int8 and uint8). Per version: every type once (at
a rotating form), then every form once (at a rotating type). Forms: the
default geometry, strides, explicit pads (each smaller than the kernel, as
onnxruntime requires), auto_pad SAME_UPPER / SAME_LOWER / VALID, 1-D and
3-D inputs; ties (values from a pool of four: Indices gives the first);
Indices row- and column-major (8+); ceil_mode (10+; LpPool 18+), with
strides that leave a partial last window and pads; dilations (MaxPool
10+, AveragePool 19+, LpPool 18+); count_include_pad with pads, ceil_mode
and dilations. No NaN: what a max does with one the spec does not say.
The averages and norms get an atol of (n + 2) eps times the largest |x|
for a window of n taps: onnxruntime sums in the input's type."""
import numpy as np

from graph import Built
from reference import EPS, ModelError, OPS, VERSIONS, op_version
from tensor_cases import new_graph

FLOATS = ('float32', 'float64')
BASE = ('default', 'strides', 'pads', 'same-upper', 'same-lower', 'valid', '1d', '3d')
GLOBAL_FORMS = ('2d', '1d', '3d', 'one', 'wide')


def forms_at(op, v):
    if op == 'MaxPool':
        return (BASE + ('ties',) + (('indices', 'indices-column', 'indices-pads') if v >= 8 else ())
                + (('ceil', 'dilations', 'ceil-dilations') if v >= 10 else ()))
    if op == 'AveragePool':
        return (BASE + (('pads-include', 'same-include') if v >= 7 else ())
                + (('ceil', 'ceil-include') if v >= 10 else ())
                + (('dilations', 'dilations-include', 'ceil-dilations') if v >= 19 else ()))
    if op == 'LpPool':
        return (BASE + ('p1', 'p3')
                + (('ceil', 'dilations', 'ceil-dilations') if v >= 18 else ()))
    return GLOBAL_FORMS + (('p1', 'p3') if op == 'GlobalLpPool' else ())


def types_at(op, v):
    return FLOATS + (('int8', 'uint8') if op == 'MaxPool' and v >= 12 else ())


def specs():
    out = []
    for op in ('MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool',
               'GlobalLpPool'):
        for version in VERSIONS[op]:
            ts, forms = types_at(op, version), forms_at(op, version)
            for i, t in enumerate(ts):
                out.append(dict(section='pool', kind='pool', op=op, version=version, dtype=t,
                                form=forms[(i * 3 + version) % len(forms)]))
            for i, f in enumerate(forms):
                out.append(dict(section='pool-forms', kind='pool', op=op, version=version,
                                dtype=ts[(i + version) % len(ts)], form=f))
    return out


def window_attrs(rng, form, dims, spatial):
    """kernel_shape, strides, pads, auto_pad, ceil_mode, dilations, ... of a
    form, drawn for the spatial dims."""
    k = [int(rng.integers(1, min(3, n) + 1)) for n in spatial]
    a = {'kernel_shape': k}
    if form in ('strides', 'ceil', 'ceil-include', 'ceil-dilations', 'indices-pads') or \
            rng.random() < 0.3:
        a['strides'] = [int(rng.integers(1, 4)) for _ in range(dims)]
    if form in ('pads', 'pads-include', 'ceil-include', 'indices-pads', 'dilations-include') \
            or (form in ('ceil', 'ceil-dilations', 'dilations') and rng.random() < 0.5):
        a['pads'] = [int(rng.integers(0, kk)) if kk > 1 else 0 for kk in k + k]
    if form.startswith('same') and 'strides' in a:
        # a stride beyond the kernel would give SAME a negative total pad,
        # which the spec clamps to 0 and onnxruntime refuses
        a['strides'] = [min(s, kk) for s, kk in zip(a['strides'], k)]
    if form in ('same-upper', 'same-include'):
        a['auto_pad'] = 'SAME_UPPER'
    elif form == 'same-lower':
        a['auto_pad'] = 'SAME_LOWER'
    elif form == 'valid':
        a['auto_pad'] = 'VALID'
    if form.startswith('ceil'):
        a['ceil_mode'] = 1
    if 'dilations' in form:
        a['dilations'] = [int(rng.integers(1, 3)) for _ in range(dims)]
    if form.endswith('include'):
        a['count_include_pad'] = 1
    return a


def build_pool(spec, rng):
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    version = spec['version']
    g = new_graph(rng, spec)
    dims = 1 if form == '1d' else 3 if form == '3d' else 2
    is_global = op.startswith('Global')
    for _ in range(100):
        if form == 'one':
            spatial = [1, 1]
        elif form == 'wide':
            spatial = [int(rng.integers(8, 17)) for _ in range(2)]
        else:
            spatial = [int(rng.integers(1, 5 if dims == 3 else 8)) for _ in range(dims)]
        shape = [int(rng.integers(1, 3)), int(rng.integers(1, 4))] + spatial
        attrs = {} if is_global else window_attrs(rng, form, dims, spatial)
        if form in ('p1', 'p3'):
            attrs['p'] = int(form[1])
        try:       # a window of only padding, or one beyond the padded input: draw again
            OPS[op]([np.zeros(shape, np.float64)], attrs, version)
            break
        except ModelError:
            continue
    if op in ('LpPool', 'GlobalLpPool') and version == 1:
        attrs['p'] = float(attrs.get('p', 2.0))
        if rng.random() < 0.5:
            del attrs['p']
    if dtype in FLOATS:
        x = (rng.integers(-2, 2, shape) * 0.5 if form == 'ties'
             else rng.uniform(-4, 4, shape)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        x = rng.integers(info.min, int(info.max) + 1, shape).astype(dtype)
        if form == 'ties':
            x = (x % 4).astype(dtype)
    g.input('X', x)
    indices = op == 'MaxPool' and version >= 8 and (form.startswith('indices') or
                                                    rng.random() < 0.3)
    if form == 'indices-column':
        attrs['storage_order'] = 1
    elif form.startswith('indices') and rng.random() < 0.5:
        attrs['storage_order'] = 0
    if indices:
        y, i = g.node(op, ['X'], outputs=2, **attrs)
        g.output(y)
        g.output(i)
    else:
        y = g.node(op, ['X'], **attrs)
        g.output(y)
    if op in ('AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalLpPool') and x.size:
        n = int(np.prod(spatial if is_global else attrs['kernel_shape']))
        g.atol_floor[y] = float((n + 2) * EPS[dtype] * np.abs(x).max())
    desc = f"{op}-{op_version(op, g.opset)} {dtype} X{shape} {attrs} ({form})"
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'form': form})
