"""Single-node cases of Slice (1 attributes; 10/11/13 inputs, negative
steps, axes), Split (1/2 attribute, 11, 13 input, 18 num_outputs with an
uneven last part), Pad (1, 2, 11, 13, 18 axes, 19 wrap, 21; constant,
reflect, edge, negative pads), Scatter (9, 11), ScatterElements and
ScatterND (11, 13, 16 add/mul, 18 max/min), ConstantOfShape (9, 20, 21),
Range, NonZero, GatherND (11, 12 batch_dims, 13), ReverseSequence 10 and
OneHot (9, 11; dtype is the values' type). Per version every type once (at a rotating form),
then every form once (at a rotating type), as movement_cases.py.
Unique (11) comes apart (unique_specs, at the end of the whole matrix,
so that the cases before it keep their numbers): sorted and in order of
first appearance, flattened and along an axis (negative too), all four
outputs or only some, float32/float64/int64/int8.

specs() enumerates the matrix; build() draws shapes and values."""
import numpy as np
from onnx import numpy_helper

from graph import Built
from movement_cases import MORE_TYPES, dims
from reference import VERSIONS, allowed_types, numpy_dtype, op_version
from tensor_cases import emit, feed, new_graph, tensor_values

SLICE = ('basic', 'axes', 'negative-starts', 'clamped', 'int-max-end', 'zero-size')
SCATTER = ('none', 'axis', 'rank1', 'zero-size')


def forms_at(op, v):
    if op == 'Slice':
        return SLICE + (('steps', 'negative-steps', 'reverse-all', 'int32', 'no-axes')
                        if v >= 10 else ()) + (('negative-axes',) if v >= 11 else ())
    if op == 'Split':
        if v >= 18:
            return ('num-outputs', 'num-outputs-uneven', 'split', 'negative-axis', 'zero-part')
        return ('equal', 'split', 'axis', 'one') + (('negative-axis',) if v >= 11 else ()) + (
            ('zero-part', 'split-absent') if v >= 13 else ())
    if op == 'Pad':
        return ('constant', 'reflect', 'edge', 'crop', 'value', 'zero-size') + (
            ('no-value',) if v >= 11 else ()) + (('axes', 'negative-axes') if v >= 18 else ()) + (
            ('wrap',) if v >= 19 else ())
    if op in ('ScatterElements', 'Scatter'):
        return SCATTER + (('negative',) if v >= 11 else ()) + (
            ('add', 'mul') if v >= 16 and op != 'Scatter' else ()) + (
            ('max', 'min') if v >= 18 and op != 'Scatter' else ())
    if op == 'ScatterND':
        return ('elements', 'slices', 'whole', 'negative', 'zero-size') + (
            ('add', 'mul') if v >= 16 else ()) + (('max', 'min') if v >= 18 else ())
    if op == 'ConstantOfShape':
        return ('default', 'value', 'scalar', 'zero-size', 'rank4')
    if op == 'Range':
        return ('up', 'down', 'empty', 'fraction', 'one')
    if op == 'GatherND':
        return ('elements', 'slices', 'whole', 'negative', 'rank1-indices', 'zero-size') + (
            ('batch1', 'batch2') if v >= 12 else ())
    if op == 'OneHot':
        return ('default', 'axis0', 'middle', 'out-of-range', 'float-indices', 'int32-indices',
                'float-depth', 'rank1') + (('negative', 'negative-axis') if v >= 11 else ())
    if op == 'ReverseSequence':
        return ('time0', 'time1', 'zero-lens', 'full-lens', 'rank4')
    return ('rank1', 'matrix', 'rank4', 'all-zero', 'zero-size')       # NonZero


OPS = ('Slice', 'Split', 'Pad', 'Scatter', 'ScatterElements', 'ScatterND', 'ConstantOfShape',
       'Range', 'NonZero', 'GatherND', 'ReverseSequence', 'OneHot')


def types_at(op, v):
    if op == 'ConstantOfShape':       # the value's type
        return MORE_TYPES
    if op == 'Range':
        return ('float32', 'float64', 'int64', 'int32', 'int16')
    if op == 'OneHot':
        return MORE_TYPES
    allowed = allowed_types(op, v)
    return [t for t in MORE_TYPES if t in allowed]


def specs():
    out = []
    for op in OPS:
        for version in VERSIONS[op]:
            ts, forms = types_at(op, version), forms_at(op, version)
            for i, t in enumerate(ts):
                f = forms[(i * 3 + version) % len(forms)]
                out.append(dict(section='movement', kind='movement-more', op=op,
                                version=version, dtype=t, form=f))
            for i, f in enumerate(forms):
                out.append(dict(section='movement-forms', kind='movement-more', op=op,
                                version=version, dtype=ts[(i + version) % len(ts)], form=f))
    # a reduction on bool is not arithmetic: give those entries int64
    for s in out:
        if s['dtype'] == 'bool' and s['form'] in ('add', 'mul', 'max', 'min'):
            s['dtype'] = 'int64'
    return out


def values(rng, shape, dtype, form):
    if form in ('add', 'mul', 'max', 'min') and dtype != 'bool':
        return rng.integers(-3, 4, shape).astype(numpy_dtype(dtype))   # exact in any order
    return np.array(tensor_values(rng, shape, dtype)).astype(numpy_dtype(dtype))


def slice_case(rng, form, v, shape):
    r = len(shape)
    axes = sorted(rng.choice(r, int(rng.integers(1, r + 1)), replace=False).tolist())
    if form == 'basic' or form == 'no-axes':
        axes = list(range(r)) if form == 'no-axes' else axes
    starts, ends, steps = [], [], []
    for a in axes:
        n = shape[a]
        s = int(rng.integers(0, n + 1))
        e = int(rng.integers(s, n + 1))
        st = 1
        if form == 'negative-starts':
            s, e = s - n - 1 if s < n else s, e - n if e < n else e
        elif form == 'clamped':
            s, e = int(rng.choice([-n - 5, 0])), n + int(rng.integers(1, 9))
        elif form == 'int-max-end':
            e = 2 ** 63 - 1
        elif form == 'steps':
            st = int(rng.integers(1, 4))
        elif form in ('negative-steps', 'reverse-all'):
            st = -int(rng.integers(1, 3)) if form == 'negative-steps' else -1
            s, e = (n - 1, -2 ** 63) if form == 'reverse-all' else (e - 1 if e else -1, s - 1)
        starts.append(s)
        ends.append(e)
        steps.append(st)
    if form == 'negative-axes':
        axes = [a - r for a in axes]
    return starts, ends, axes, steps


def build(spec, rng):
    op, dtype, form, v = spec['op'], spec['dtype'], spec['form'], spec['version']
    g = new_graph(rng, spec)
    attrs, extra, outputs = {}, [], 1
    zero = form == 'zero-size'
    shape = []
    if op == 'ConstantOfShape':
        shape = {'scalar': [], 'zero-size': [2, 0], 'rank4': dims(rng, 4, 1, 3)}.get(
            form, dims(rng, 2))
        if form != 'default' or dtype != 'float32':
            vv = values(rng, [1], dtype, form)
            attrs['value'] = numpy_helper.from_array(vv.astype(numpy_dtype(dtype)), 'value')
        names = [g.init('shape', np.array(shape, np.int64), dtype=np.int64)
                 if rng.random() < 0.7 else g.input('shape', np.array(shape, np.int64),
                                                    dtype=np.int64)]
        if form == 'scalar' and rng.random() < 0.5:     # [] and [0] both give a scalar
            pass
    elif op == 'OneHot':
        # (rank 0 indices: ONNX's shape inference wants rank >= 1)
        shape = dims(rng, 1 if form == 'rank1' else int(rng.integers(1, 3)), 1, 4)
        d = int(rng.integers(1, 6))
        lo = -d if form == 'negative' else 0
        hi = d + 3 if form == 'out-of-range' else d
        it = {'float-indices': np.float32, 'int32-indices': np.int32}.get(form, np.int64)
        idx = rng.integers(lo, hi, shape).astype(it)
        r = len(shape)
        axis = {'axis0': 0, 'middle': min(1, r), 'negative-axis': -2 if r else -1}.get(form)
        if axis is not None:
            attrs['axis'] = axis
        dt = np.float32 if form == 'float-depth' else np.int64
        on_off = values(rng, [2], dtype, form)
        names = [g.input('indices', idx, dtype=it),
                 g.init('depth', np.array([d] if rng.random() < 0.5 else d).astype(dt),
                        dtype=dt),
                 feed(g, 'values', on_off, dtype, 'initializer')]
    elif op == 'Range':
        dt = numpy_dtype(dtype)
        start = int(rng.integers(-5, 5))
        delta = int(rng.choice([1, 2, 3])) * (-1 if form == 'down' else 1)
        n = {'empty': 0, 'one': 1}.get(form, int(rng.integers(2, 12)))
        if form == 'fraction' and dtype in ('float32', 'float64'):
            delta = float(rng.choice([0.25, 0.5, -0.75]))
        limit = start + delta * n - (delta / 2 if dtype.startswith('float') else 0)
        if form == 'empty':
            limit = start - delta * int(rng.integers(0, 3))
        names = [g.init(k, np.array(val).astype(dt), dtype=dt) if rng.random() < 0.7
                 else g.input(k, np.array(val).astype(dt), dtype=dt)
                 for k, val in (('start', start), ('limit', limit), ('delta', delta))]
        shape = [n]
    else:
        if op == 'NonZero':
            shape = {'rank1': dims(rng, 1, 1, 9), 'rank4': dims(rng, 4, 1, 3),
                     'zero-size': [2, 0, 3]}.get(form, dims(rng, 2, 1, 5))
        elif op in ('Scatter', 'ScatterElements') and form == 'rank1':
            shape = dims(rng, 1, 2, 8)
        else:
            shape = dims(rng, 3, 2 if op == 'Pad' else 1, 4)
            if zero:
                shape[1] = 0
        x = values(rng, shape, dtype, form)
        if op == 'NonZero':
            if form == 'all-zero':
                x = np.zeros(shape, x.dtype)
            elif dtype != 'bool':       # plenty of zeros
                x = np.where(rng.random(shape) < 0.4, np.zeros((), x.dtype), x)
        xin = feed(g, 'X', x, dtype)
        names = [xin]
        r = len(shape)
        if op == 'Slice':
            starts, ends, axes, steps = slice_case(rng, form, v, shape)
            if v < 10:
                attrs = {'starts': starts, 'ends': ends}
                if form != 'basic' or rng.random() < 0.5:
                    attrs['axes'] = axes
            else:
                it = np.int32 if form == 'int32' else np.int64
                if it == np.int32:
                    ends = [min(e, 2 ** 31 - 1) for e in ends]
                    ends = [max(e, -2 ** 31) for e in ends]
                extra = [('starts', np.array(starts, it)), ('ends', np.array(ends, it))]
                with_steps = form in ('steps', 'negative-steps', 'reverse-all') or \
                    rng.random() < 0.3
                if form != 'no-axes':
                    extra.append(('axes', np.array(axes, it)))
                elif with_steps:
                    extra.append(('', None))
                if with_steps:
                    extra.append(('steps', np.array(steps, it)))
        elif op == 'Split':
            axis = int(rng.integers(0, r))
            if form == 'negative-axis':
                axis -= r
            n = shape[axis]
            if form in ('equal', 'split-absent', 'one') or (form == 'axis' and n < 2):
                outputs = 1 if form == 'one' else int(rng.choice([k for k in (1, 2, 3, 4)
                                                                if n % k == 0]))
                parts = None
            elif form == 'num-outputs-uneven':
                shape[axis] = n = 7 if n < 4 else n * 2 + 1
                outputs = 3
                attrs['num_outputs'] = 3
                parts = None
            elif form == 'num-outputs':
                outputs = int(rng.choice([k for k in (1, 2, 3, 4) if n % k == 0]))
                attrs['num_outputs'] = outputs
                parts = None
            else:
                cuts = sorted(rng.integers(0 if form == 'zero-part' else 1, n + 1,
                                           int(rng.integers(1, 3))).tolist())
                if form == 'zero-part':
                    cuts = sorted(cuts + [cuts[0]])
                parts = [b - a for a, b in zip([0] + cuts, cuts + [n])]
                parts = [p for p in parts if p] if form != 'zero-part' else parts
                if sum(parts) != n:
                    parts = [n]
                outputs = len(parts)
            if form == 'num-outputs-uneven':    # the input grew
                g.feeds.clear()
                g.inputs.clear()
                x = values(rng, shape, dtype, form)
                names = [feed(g, 'X', x, dtype)]
            if axis or rng.random() < 0.5:
                attrs['axis'] = axis
            if parts is not None:
                if v < 13:
                    attrs['split'] = parts
                else:
                    extra = [('split', np.array(parts, np.int64))]
            elif form == 'split-absent' and v >= 13 and rng.random() < 0.5:
                extra = []
        elif op == 'Pad':
            mode = {'reflect': 'reflect', 'edge': 'edge', 'wrap': 'wrap'}.get(form, 'constant')
            if zero:
                mode = 'constant'
            axes = list(range(r))
            if form in ('axes', 'negative-axes'):
                axes = sorted(rng.choice(r, int(rng.integers(1, r + 1)), replace=False).tolist())
            lim = {'reflect': [d - 1 for d in shape], 'wrap': shape}.get(mode, [3] * r)
            pads = [int(rng.integers(0, lim[a] + 1)) for a in axes] + [
                int(rng.integers(0, lim[a] + 1)) for a in axes]
            if form == 'crop':
                # at most half a dim per side
                pads = [-int(rng.integers(0, shape[a] // 2 + 1)) if rng.random() < 0.5 else p
                        for a, p in zip(axes + axes, pads)]
            if mode != 'constant' or rng.random() < 0.5:
                attrs['mode'] = mode
            value = values(rng, [1], dtype, form).reshape(())
            if v < 11:
                attrs['paddings' if v < 2 else 'pads'] = pads
                if form == 'value':
                    attrs['value'] = float(rng.choice([1.5, -2.0, 7.0]))
            else:
                extra = [('pads', np.array(pads, np.int64))]
                if form in ('value', 'constant', 'crop', 'zero-size'):
                    extra.append(('constant_value', value.astype(x.dtype)))
                if form in ('axes', 'negative-axes'):
                    if len(extra) == 1:
                        extra.append(('', None))
                    extra.append(('axes', np.array([a - r if form == 'negative-axes' else a
                                                    for a in axes], np.int64)))
        elif op in ('Scatter', 'ScatterElements'):
            axis = {'axis': r - 1}.get(form, int(rng.integers(0, r)))
            ishape = [int(rng.integers(1, d + 1)) if d else 0 for d in shape]
            n = shape[axis]
            ishape[axis] = int(rng.integers(1, n + 1)) if n else 0
            if form in ('add', 'mul', 'max', 'min'):     # duplicates allowed
                idx = rng.integers(0, max(n, 1), ishape)
                attrs['reduction'] = form
            else:                   # distinct along the axis
                m = np.moveaxis(np.zeros(ishape, np.int64), axis, 0)
                for p in np.ndindex(*m.shape[1:]):
                    m[(slice(None),) + p] = rng.permutation(n)[:m.shape[0]]
                idx = np.moveaxis(m, 0, axis)
                if form == 'negative':
                    idx = idx - n * (rng.random(ishape) < 0.5)
            if axis or rng.random() < 0.5:
                attrs['axis'] = axis if form != 'negative' or v < 11 else axis - r
            extra = [('indices', idx.astype(np.int64 if rng.random() < 0.7 else np.int32)),
                     ('updates', values(rng, ishape, dtype, form))]
        elif op == 'GatherND':
            b = {'batch1': 1, 'batch2': 2}.get(form, 0)
            k = {'elements': r - b, 'whole': 1, 'rank1-indices': r}.get(
                form, int(rng.integers(1, r - b + 1)))
            lead = shape[:b] + ([] if form == 'rank1-indices' else [0] if zero else
                                dims(rng, int(rng.integers(1, 3)), 1, 3))
            hi = np.array(shape[b:b + k])
            idx = (rng.integers(0, 2 ** 62, lead + [k]) % np.maximum(hi, 1)).astype(np.int64)
            if form == 'negative':
                idx = idx - hi * (rng.random(idx.shape) < 0.5)
            if b or rng.random() < 0.3 and v >= 12:
                attrs['batch_dims'] = b
            extra = [('indices', idx)]
        elif op == 'ReverseSequence':
            if form == 'rank4':
                shape = dims(rng, 4, 1, 3)
                g.feeds.clear()
                g.inputs.clear()
                names = [feed(g, 'X', values(rng, shape, dtype, form), dtype)]
            tax = 1 if form == 'time1' else 0
            bax = 1 - tax
            t = shape[tax]
            lens = rng.integers(0, t + 1, shape[bax])
            if form == 'zero-lens':
                lens[0] = 0
            elif form == 'full-lens':
                lens[:] = t
            attrs = {'time_axis': tax, 'batch_axis': bax} if tax or rng.random() < 0.5 else {}
            extra = [('sequence_lens', lens.astype(np.int64))]
        elif op == 'ScatterND':
            k = {'elements': r, 'whole': 1, 'negative': r}.get(form, int(rng.integers(1, r + 1)))
            if form == 'slices':
                k = min(k, r - 1) or 1
            cells = list(np.ndindex(*shape[:k]))
            dup = form in ('add', 'mul', 'max', 'min')
            m = int(rng.integers(1, len(cells) + 1)) if cells else 0
            pick = (rng.integers(0, len(cells), m) if dup else rng.permutation(len(cells))[:m]) \
                if cells else []
            idx = np.array([cells[i] for i in pick], np.int64).reshape(m, k)
            if form == 'negative':
                idx = idx - np.array(shape[:k]) * (rng.random(idx.shape) < 0.5)
            if dup:
                attrs['reduction'] = form
            extra = [('indices', idx), ('updates', values(rng, [m] + shape[k:], dtype, form))]
        for name, arr in extra:
            if arr is None:
                names.append('')
            elif name == 'updates':
                names.append(feed(g, name, arr, dtype, 'input' if rng.random() < 0.5 else
                                  'initializer'))
            else:
                how = 'input' if rng.random() < 0.15 else 'initializer'
                names.append((g.input if how == 'input' else g.init)(name, arr, dtype=arr.dtype))
    ys = g.node(op, names, outputs=outputs, **attrs)
    out = 'int64' if op == 'NonZero' else dtype
    for y in (ys if outputs > 1 else [ys]):
        emit(g, y, out)
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} X{list(shape)} "
            f"{ {k: a for k, a in attrs.items() if k != 'value'} } "
            + ' '.join(f'{n}={a.tolist()}' for n, a in extra if a is not None) + f' ({form})')
    return Built(g, desc, {'shape': list(shape), 'attrs': str(attrs), 'form': form})


UNIQUE_FORMS = ('flat-sorted', 'flat-unsorted', 'axis0', 'axis1', 'negative-axis',
                'axis-unsorted', 'y-only', 'no-duplicates')


def unique_specs():
    types = ('float32', 'float64', 'int64', 'int8')
    return [dict(section='movement', kind='movement-unique', op='Unique', version=11,
                 dtype=types[i % len(types)], form=f)
            for i, f in enumerate(UNIQUE_FORMS + UNIQUE_FORMS[:4])]


def build_unique(spec, rng):
    dtype, form = spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    attrs = {}
    if form in ('axis0', 'axis1', 'negative-axis', 'axis-unsorted'):
        shape = dims(rng, 2 if form != 'negative-axis' else 3, 2, 5)
        attrs['axis'] = {'axis0': 0, 'axis1': 1, 'negative-axis': -1}.get(form, 0)
        # repeat some slices along the axis, so that there are duplicates
        ax = attrs['axis'] % len(shape)
        base = rng.integers(-2, 3, shape)
        pick = rng.integers(0, shape[ax], shape[ax])
        x = np.take(base, pick, axis=ax).astype(numpy_dtype(dtype))
    else:
        shape = dims(rng, int(rng.integers(1, 4)), 1, 5)
        hi = 1000 if form == 'no-duplicates' else 4
        x = rng.integers(-hi, hi, shape).astype(numpy_dtype(dtype))
        if form == 'no-duplicates':
            x = rng.permutation(np.arange(int(np.prod(shape)))).reshape(shape).astype(
                numpy_dtype(dtype)) - 7
    if form in ('flat-unsorted', 'axis-unsorted'):
        attrs['sorted'] = 0
    elif rng.random() < 0.5:
        attrs['sorted'] = 1
    outputs = [True] if form == 'y-only' else [True, rng.random() < 0.7, True, True]
    ys = g.node('Unique', [feed(g, 'X', x, dtype)], outputs=outputs, **attrs)
    ys = ys if isinstance(ys, list) else [ys]
    for k, y in enumerate(ys):
        if y:
            emit(g, y, dtype if k == 0 else 'int64')
    desc = f"Unique-11 {dtype} X{list(shape)} {attrs} outputs {outputs} ({form})"
    return Built(g, desc, {'shape': list(shape), 'attrs': str(attrs), 'form': form})
