"""Single-node cases of the reductions and arg-reductions: ReduceSum,
ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
ReduceLogSum, ReduceLogSumExp, ReduceSumSquare, ArgMax and ArgMin.

Every version runs in models of each opset it spans (1-21), in float32 and
float64 and, where the spec allows them, int32 and int64 (integer ReduceL2,
ReduceLogSum and ReduceLogSumExp are computed in double and truncated, as
the spec's reference does; their zero-size forms are float only: the log
of an empty integer sum is -inf, which no integer holds). Per version:
every type once (at a rotating form), then every form once (at a rotating
type).

Reduce forms: no axes (everything), one axis, a negative one (11+),
several (unsorted), every axis spelled out, keepdims 0 / 1 / absent; where
axes is an input (ReduceSum 13+, the others 18+): the axes input empty or
absent, noop_with_empty_axes=1 with no axes (the input copied) and with
axes (ignored), the axes as a graph input; a zero-size dim (kept or
reduced: the identity of the reduction), a rank-0 input. Float values are
short binary fractions (exact sums), uniform ones of a random scale (the
tolerance allows (n + 2) eps sum |x| of accumulation error), or either
with NaN / +-inf / subnormals (never -0: the sign of a zero sum or
maximum would be ambiguous; no NaN for ReduceMax/Min, whose NaN handling
the spec does not give).

ArgMax/ArgMin forms: axis 0 (the default), last, middle, negative (11+),
keepdims 0, rank 1, ties (values from a pool of four) with
select_last_index 0, 1 (12+) or absent."""
import numpy as np

import values as V
from graph import Built
from reference import EPS, VERSIONS, op_version
from tensor_cases import int64_input, new_graph

SUM_LIKE = ('ReduceSum', 'ReduceMean', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceProd',
            'ReduceLogSum', 'ReduceLogSumExp')
REDUCES = SUM_LIKE[:2] + ('ReduceMax', 'ReduceMin') + SUM_LIKE[2:]
REAL_RESULT = ('ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp')
ARGS = ('ArgMax', 'ArgMin')
TYPES = ('float32', 'float64', 'int32', 'int64')
FORMS = ('default', 'one', 'negative', 'multiple', 'all-explicit', 'keepdims0', 'zero-size',
         'rank0', 'specials', 'empty-axes', 'absent-axes', 'noop-empty', 'noop-axes',
         'axes-graph-input')
AXES_INPUT_FORMS = ('empty-axes', 'absent-axes', 'noop-empty', 'noop-axes', 'axes-graph-input')
ARG_FORMS = ('axis0', 'axis-last', 'axis-middle', 'negative', 'keepdims0', 'rank1',
             'ties', 'ties-last', 'ties-first')


def axes_input_from(op):
    return 13 if op == 'ReduceSum' else 18


def forms_at(op, version):
    out = []
    for f in FORMS:
        if f == 'negative' and version < 11:
            continue
        if f in AXES_INPUT_FORMS and version < axes_input_from(op):
            continue
        out.append(f)
    return out


def float_only(op, form):
    """A form whose integer case has no integer answer: ReduceL2 and the
    log-sums of an empty set (log 0 = -inf)."""
    return op in REAL_RESULT and form == 'zero-size'


def reduce_specs():
    specs = []
    for op in REDUCES:
        for version in VERSIONS[op]:
            forms = forms_at(op, version)
            for i, t in enumerate(TYPES):
                form = forms[(i * 3 + version) % len(forms)]
                if float_only(op, form) and not t.startswith('float'):
                    form = 'one'
                specs.append(dict(section='reduce', kind='reduce', op=op, version=version,
                                  dtype=t, form=form))
            for i, f in enumerate(forms):
                t = TYPES[(i + version) % len(TYPES)]
                if float_only(op, f):
                    t = 'float32' if t in ('float32', 'int32') else 'float64'
                specs.append(dict(section='reduce-forms', kind='reduce', op=op,
                                  version=version, dtype=t, form=f))
    return specs


def arg_specs():
    specs = []
    for op in ARGS:
        for version in VERSIONS[op]:
            forms = [f for f in ARG_FORMS if not (f == 'negative' and version < 11)
                     and not (f in ('ties-last', 'ties-first') and version < 12)]
            for i, t in enumerate(TYPES):
                specs.append(dict(section='argreduce', kind='reduce', op=op, version=version,
                                  dtype=t, form=forms[(i * 2 + version) % len(forms)]))
            for i, f in enumerate(forms):
                specs.append(dict(section='argreduce-forms', kind='reduce', op=op,
                                  version=version, dtype=TYPES[(i + version) % len(TYPES)],
                                  form=f))
    return specs


def specs():
    return reduce_specs() + arg_specs()


def shape_for(rng, rank, max_elems):
    dims = [int(rng.choice((1, 2, 3, 4, 5, 7, 8))) for _ in range(rank)]
    while int(np.prod(dims, dtype=np.int64)) > max_elems:
        i = int(np.argmax(dims))
        dims[i] = max(1, dims[i] // 2)
    return dims


def float_values(rng, op, shape, dtype, kind, special):
    size = int(np.prod(shape, dtype=np.int64))
    if op == 'ReduceProd':
        # near 1 (no product over- or underflows) or exact halves and twos
        if kind == 'exact':
            x = rng.choice([0.5, 1.0, 2.0, -0.5, -1.0, -2.0, 0.0, 1.5], size)
        else:
            x = rng.uniform(0.7, 1.4, size) * rng.choice([-1.0, 1.0], size)
    elif op == 'ReduceLogSumExp':
        x = rng.uniform(-20, 20, size)
        if kind == 'exact':
            x = rng.integers(-64, 65, size) / 4.0
        x += rng.choice([0.0, 0.0, 1000.0, -1000.0])     # exp overflows unshifted
    elif kind == 'exact':
        x = rng.integers(-64, 65, size) / 16.0
    else:
        x = rng.uniform(-1.0, 1.0, size) * 2.0 ** int(rng.integers(-10, 11))
    if op == 'ReduceLogSum':
        x = np.abs(x)       # a sum near zero would make the log arbitrarily sensitive
    x = x.reshape(shape).astype(dtype)
    x[x == 0] = 0.0         # no -0
    used = []
    if special and size:
        kinds = ('inf', '-inf', 'subnormal') + (('nan',) if op not in ('ReduceMax',
                                                                        'ReduceMin') else ())
        used = V.sprinkle(rng, x, np.dtype(dtype), kinds, 0.1)
        if op == 'ReduceLogSum':
            x[x < 0] = np.inf if rng.random() < 0.5 else 1.0
    return x, used


def int_values(rng, op, shape, dtype):
    size = int(np.prod(shape, dtype=np.int64))
    if op in ('ReduceMax', 'ReduceMin'):
        return V.int_values(rng, shape, np.dtype(dtype))
    if op == 'ReduceProd':
        return rng.integers(-2, 3, size).reshape(shape).astype(dtype)
    if op in ('ReduceSumSquare', 'ReduceL2'):
        return rng.integers(-100, 101, size).reshape(shape).astype(dtype)
    if op == 'ReduceLogSum':
        # a positive sum (log of a nonpositive one has no integer answer)
        return rng.integers(1, 1001, size).reshape(shape).astype(dtype)
    if op == 'ReduceLogSumExp':
        return rng.integers(-20, 21, size).reshape(shape).astype(dtype)
    # sums, means and L1 without overflow (onnxc accumulates in 64 bits,
    # onnxruntime in the type: the wrap-around would differ for Mean)
    return rng.integers(-1000000, 1000001, size).reshape(shape).astype(dtype)


def accumulation_atol(op, x, axes, keepdims, dtype):
    """(n + 2) eps times the largest bound of an output's rounding error:
    sum |x| (Sum, L1), mean |x| (Mean), sum x^2 (SumSquare), sqrt(sum x^2)
    (L2), |prod x| (Prod), 1 (the logs: the sum's relative error becomes
    the result's absolute one), over the finite elements."""
    if not x.size:
        return 0.0
    a = np.where(np.isfinite(x), np.abs(x.astype(np.float64)), 0.0)
    ax = tuple(axes) if axes is not None else tuple(range(x.ndim))
    n = int(np.prod([x.shape[i] for i in ax], dtype=np.int64)) if ax else 1
    if op in ('ReduceSum', 'ReduceL1'):
        b = a.sum(axis=ax)
    elif op == 'ReduceMean':
        b = a.sum(axis=ax) / max(n, 1)
    elif op == 'ReduceSumSquare':
        b = (a * a).sum(axis=ax)
    elif op == 'ReduceL2':
        b = np.sqrt((a * a).sum(axis=ax))
    elif op == 'ReduceProd':
        b = np.where(a == 0, 1.0, a).prod(axis=ax)
    else:
        b = np.ones(1)
    b = np.max(b) if np.size(b) else 0.0
    return float((n + 2) * EPS[dtype] * b)


def reduce_axes(rng, form, rank, version):
    """(axes or None, kind of axes) for the form."""
    if rank == 0 or form in ('default', 'rank0', 'empty-axes', 'absent-axes', 'noop-empty'):
        return None
    if form == 'all-explicit':
        axes = list(range(rank))
        rng.shuffle(axes)
        return axes
    if form in ('multiple', 'noop-axes', 'axes-graph-input') and rank >= 2:
        k = int(rng.integers(2, rank + 1))
        axes = [int(a) for a in rng.choice(rank, k, replace=False)]
    else:
        axes = [int(rng.integers(rank))]
    if version >= 11 and (form == 'negative' or rng.random() < 0.3):
        axes = [a - rank if (form == 'negative' and j == 0) or rng.random() < 0.5 else a
                for j, a in enumerate(axes)]
    return axes


def build_reduce(spec, rng):
    op, version, dtype, form = spec['op'], spec['version'], spec['dtype'], spec['form']
    if op in ARGS:
        return build_arg(spec, rng)
    g = new_graph(rng, spec)
    rank = 0 if form == 'rank0' else int(rng.integers(1, 5))
    max_elems = 24 if op == 'ReduceProd' else 256
    shape = shape_for(rng, rank, max_elems)
    axes = reduce_axes(rng, form, rank, version)
    if form == 'zero-size' and rank:
        ax = axes if axes is not None else list(range(rank))
        # a reduced dim of 0 (the identity of the reduction) or a kept one
        red = [a % rank for a in ax]
        kept = [d for d in range(rank) if d not in red]
        # a mean of nothing is 0 / 0 (the spec: undefined; onnxruntime
        # gives 0): none generated
        pick = kept if (kept and rng.random() < 0.5) or op == 'ReduceMean' else red
        if pick:
            shape[int(rng.choice(pick))] = 0
    if dtype.startswith('float'):
        kind = 'exact' if rng.random() < 0.5 else 'float'
        special = form == 'specials' or rng.random() < 0.15
        x, used = float_values(rng, op, shape, np.dtype(dtype), kind, special)
    else:
        kind, used = 'int', []
        x = int_values(rng, op, shape, dtype)
    g.input('X', x)
    attrs = {}
    keepdims = 1
    if form == 'keepdims0' or (form not in ('noop-empty',) and rng.random() < 0.3):
        keepdims = 0
        attrs['keepdims'] = 0
    elif rng.random() < 0.3:
        attrs['keepdims'] = 1
    inputs = ['X']
    noop = form in ('noop-empty', 'noop-axes')
    if version >= axes_input_from(op):
        if noop:
            attrs['noop_with_empty_axes'] = 1
        elif rng.random() < 0.2:
            attrs['noop_with_empty_axes'] = 0
        if axes is not None:
            share = 1.0 if form == 'axes-graph-input' else 0.15
            inputs.append(int64_input(g, rng, 'axes', axes, share)[0])
        elif form == 'empty-axes' or (form == 'noop-empty' and rng.random() < 0.5):
            g.init('axes', np.zeros(0, np.int64), dtype=np.int64)
            inputs.append('axes')
        elif form == 'absent-axes' and rng.random() < 0.5:
            inputs.append('')
    elif axes is not None:
        attrs['axes'] = axes
    y = g.node(op, inputs, **attrs)
    g.output(y)
    if dtype.startswith('float') and op in SUM_LIKE:
        copy = noop and axes is None
        red = None if axes is None else [a % rank for a in axes]
        g.atol_floor[y] = 0.0 if copy else accumulation_atol(op, x, red, keepdims, dtype)
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} X{shape} axes={axes} {attrs} ({form}, "
            f"{kind})" + (f' {used}' if used else ''))
    return Built(g, desc, {'shape': shape, 'axes': axes, 'attrs': attrs, 'form': form,
                           'values': kind, 'specials': used})


def build_arg(spec, rng):
    op, version, dtype, form = spec['op'], spec['version'], spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    rank = 1 if form == 'rank1' else int(rng.integers(1, 5))
    shape = shape_for(rng, rank, 256)
    attrs = {}
    if form == 'axis0':
        axis = 0
        if rng.random() < 0.5:
            attrs['axis'] = 0
    elif form == 'axis-last':
        axis = rank - 1
    elif form == 'axis-middle':
        axis = rank // 2
    else:
        axis = int(rng.integers(rank))
    if form == 'negative' or (version >= 11 and rng.random() < 0.3):
        attrs['axis'] = axis - rank
    elif axis != 0 or 'axis' in attrs:
        attrs['axis'] = axis
    shape[axis] = max(shape[axis], 2)
    if form == 'keepdims0' or rng.random() < 0.3:
        attrs['keepdims'] = 0
    ties = form.startswith('ties') or rng.random() < 0.3
    if form == 'ties-last':
        attrs['select_last_index'] = 1
    elif form == 'ties-first':
        attrs['select_last_index'] = 0
    elif version >= 12 and rng.random() < 0.3:
        attrs['select_last_index'] = int(rng.integers(2))
    size = int(np.prod(shape, dtype=np.int64))
    if dtype.startswith('float'):
        x = V.wide_values(rng, (size,), np.dtype(dtype))
        if rng.random() < 0.3:
            V.sprinkle(rng, x, np.dtype(dtype), ('inf', '-inf', 'subnormal', 'max'), 0.1)
        if ties:
            x = rng.choice(np.array([1.5, -2.0, 0.0, 7.0, np.inf, -np.inf])[:4 + int(
                rng.integers(3))], size)
        x[x == 0] = 0.0     # no -0: whether -0 ties +0 is not what is tested
    else:
        x = V.int_values(rng, (size,), np.dtype(dtype))
        if ties:
            info = np.iinfo(dtype)
            x = rng.choice(np.array([3, -5, int(info.max), int(info.min)], dtype), size)
    x = x.reshape(shape).astype(dtype)
    g.input('X', x)
    y = g.node(op, ['X'], **attrs)
    g.output(y)
    desc = f"{op}-{op_version(op, g.opset)} {dtype} X{shape} {attrs} ({form})"
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'form': form, 'ties': ties})
