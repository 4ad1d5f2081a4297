"""Single-node cases of the elementwise math operators and the operators
built on them: Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round, Sin, Cos,
Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, IsNaN, IsInf,
Celu, ThresholdedRelu, Shrink, Pow, Max, Min, Sum, Mean (variadic),
CumSum, Hardmax, LayerNormalization, NegativeLogLikelihoodLoss,
SoftmaxCrossEntropyLoss, TopK, MeanVarianceNormalization, Det, Einsum,
Conv and ConvTranspose.

Every version runs in models of each opset it spans (1-21), in float32
and float64 (Celu: float32, all its spec allows) and the integer types
where noted (Pow from 12, Max and Min from 12, CumSum). Per version:
every type once, then every form once at a rotating type.

Unary functions: values where the function is interesting (its domain,
the edges of it and a little beyond: NaN), over the whole exponent range,
and with NaN / +-inf / -0 / subnormals / the largest values. Pow: every
pair of base and exponent types from 12 (float32, float64, int32, int64),
the broadcast pairs of Add from 7, the legacy broadcast forms at 1; integer
bases with non-negative integer exponents and results in range. Max, Min,
Sum, Mean: 1-4 inputs, of one shape before 8, broadcast from 8 (scalars,
rows, columns, lower ranks, zero-size). No -0 where the sign of a zero
result would be unspecified (Max/Min of +0 and -0), no NaN into Max/Min
(the spec does not say whether it propagates), Hardmax, ArgMax-like ties
drawn from small pools. The sums (Sum, Mean, CumSum, LayerNormalization
statistics, the losses) get an atol of (n + 2) eps times the largest sum
of magnitudes, as the reductions do."""
import numpy as np

import values as V
from cases import random_shape
from graph import Built
from op_cases import LEGACY, PAIRS, legacy_shapes, pair_shapes
from reference import EPS, TYPE_NUMBERS, VERSIONS, op_version
from tensor_cases import new_graph

FLOATS = ('float32', 'float64')
INTS = ('int32', 'int64')
UNARY = ('Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Tan',
         'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh')
UNARY_FORMS = ('domain', 'wide', 'specials')
ATTR_FORMS = {
    'Celu': ('default', 'half', 'two', 'random'),
    'ThresholdedRelu': ('default', 'zero', 'negative', 'large'),
    'Shrink': ('default', 'zero', 'wide', 'bias-beyond'),
    'IsInf': ('default', 'positive', 'negative', 'neither'),
    'IsNaN': ('plain', 'specials'),
}
VARIADIC = ('Max', 'Min', 'Sum', 'Mean')
SAME_FORMS = ('one', 'two', 'three', 'four')
BCAST_FORMS = ('bcast-scalar', 'bcast-row', 'bcast-column', 'bcast-ranks', 'bcast-four',
               'bcast-ones', 'zero-size')
POW_TYPES = ('float32', 'float64', 'int32', 'int64')
POW_FORMS = ('same', 'scalar-right', 'scalar-left', 'row', 'column', 'outer', 'specials',
             'integral-exponents')
CUMSUM_FORMS = ('axis0', 'axis-last', 'negative', 'exclusive', 'reverse', 'exclusive-reverse',
                'axis-int32', 'rank1', 'axis-graph-input', 'axis-1d', 'zero-size')
CUMSUM_TYPES = ('float32', 'float64', 'int32', 'int64', 'uint32', 'uint64')
HARDMAX_FORMS = ('default', 'axis0', 'axis-last', 'axis-middle', 'negative', 'ties', 'rank1')
LN_FORMS = ('default', 'axis0', 'axis-middle', 'negative', 'epsilon', 'no-bias', 'mean-outputs',
            'inv-only', 'stash-explicit', 'scale-broadcast', 'rank1')
LOSS_FORMS = ('mean', 'none', 'sum', 'weights', 'ignore-index', 'ignore-weights', 'spatial',
              'spatial-none', 'target-int32', 'log-prob')
LOSSES = ('NegativeLogLikelihoodLoss', 'SoftmaxCrossEntropyLoss')
TOPK_FORMS = ('default', 'axis0', 'negative-axis', 'ties', 'k0', 'k-all', 'rank1', 'zero-rows',
              'k-graph-input', 'smallest', 'smallest-ties', 'unsorted-k1')
DET_FORMS = ('matrix', 'batch', 'rank4', 'singular', 'swap', 'one', 'empty-batch')
# (form, equation, letters of each operand): sizes drawn per letter
EINSUM_FORMS = (
    ('matmul', 'ij,jk->ik'), ('batch', 'bij,bjk->bik'), ('attention', 'bhqd,bhkd->bhqk'),
    ('transpose', 'ij->ji'), ('trace', 'ii->'), ('diagonal', 'ii->i'),
    ('implicit', 'ij,jk'), ('implicit-sum', 'ii'), ('ellipsis', '...ij,...jk->...ik'),
    ('ellipsis-broadcast', '...ij,...jk->...ik'), ('outer', 'i,j->ij'), ('dot', 'i,i->'),
    ('sum-all', 'ij->'), ('three', 'ij,jk,kl->il'), ('bilinear', 'bn,anm,bm->ba'),
    ('scalar', ',ij->ij'), ('zero-size', 'ij,jk->ik'), ('spaces', 'ij , jk -> ik'))
CONV_FORMS = ('plain', 'pads', 'strides', 'dilations', 'groups', 'depthwise', 'pointwise',
              'same-upper', 'same-lower', 'valid', '1d', '3d', 'no-bias', 'batch',
              'kernel-shape', 'relu', 'wide')
CONVT_FORMS = ('plain', 'strides', 'pads', 'output-padding', 'output-shape', 'dilations',
               'groups', 'same-upper', 'same-lower', 'valid', '1d', '3d', 'no-bias', 'batch',
               'kernel-shape', 'relu', 'wide')
MVN_FORMS = ('default', 'last', 'middle', 'all', 'offset', 'constant-group', 'rank5')


def per_version(op, types, forms_of, section, extra=None):
    """Every type once (rotating form), then every form once (rotating type)."""
    specs = []
    for version in VERSIONS[op]:
        ts = types(version) if callable(types) else types
        forms = forms_of(version) if callable(forms_of) else forms_of
        for i, t in enumerate(ts):
            specs.append(dict(section=section, kind='math', op=op, version=version, dtype=t,
                              form=forms[(i * 3 + version) % len(forms)], **(extra or {})))
        for i, f in enumerate(forms):
            specs.append(dict(section=section + '-forms', kind='math', op=op, version=version,
                              dtype=ts[(i + version) % len(ts)], form=f, **(extra or {})))
    return specs


def specs():
    out = []
    for op in UNARY:
        for version in VERSIONS[op]:
            for t in FLOATS:
                for f in UNARY_FORMS:
                    out.append(dict(section='math-unary', kind='math', op=op, version=version,
                                    dtype=t, form=f))
    for op in ('IsNaN', 'IsInf', 'Celu', 'ThresholdedRelu', 'Shrink'):
        types = ('float32',) if op == 'Celu' else FLOATS
        for version in VERSIONS[op]:
            for t in types:
                for f in ATTR_FORMS[op]:
                    out.append(dict(section='math-attrs', kind='math', op=op, version=version,
                                    dtype=t, form=f))
    # Pow: every (base, exponent) type pair from 12, at a rotating form
    for version in VERSIONS['Pow']:
        if version < 12:
            forms = LEGACY[:4] if version == 1 else POW_FORMS
            for i, f in enumerate(forms):
                for t in FLOATS:
                    out.append(dict(section='pow', kind='math', op='Pow', version=version,
                                    dtype=t, exponent=t, form=f))
            continue
        k = 0
        for t in POW_TYPES:
            for e in POW_TYPES:
                out.append(dict(section='pow-types', kind='math', op='Pow', version=version,
                                dtype=t, exponent=e, form=POW_FORMS[(k + version) % len(POW_FORMS)]))
                k += 1
    for op in VARIADIC:
        out += per_version(op, lambda v, op=op: FLOATS + (INTS if op in ('Max', 'Min') and v >= 12
                                                          else ()),
                           lambda v: SAME_FORMS + (BCAST_FORMS if v >= 8 else ()), 'variadic')
    out += per_version('CumSum', CUMSUM_TYPES, CUMSUM_FORMS, 'cumsum')
    out += per_version('Hardmax', FLOATS,
                       lambda v: tuple(f for f in HARDMAX_FORMS if v >= 11 or f != 'negative'),
                       'hardmax')
    out += per_version('LayerNormalization', FLOATS, LN_FORMS, 'layernorm')
    for op in LOSSES:
        forms = LOSS_FORMS if op == 'SoftmaxCrossEntropyLoss' else LOSS_FORMS[:-1]
        out += per_version(op, FLOATS, forms, 'loss')
    # last, so the entries above keep their indices
    out += per_version('TopK', lambda v: FLOATS + (INTS if v >= 11 else ()),
                       lambda v: TOPK_FORMS[:{1: 8, 10: 9}.get(v, len(TOPK_FORMS))], 'topk')
    out += per_version('MeanVarianceNormalization', FLOATS, MVN_FORMS, 'mvn')
    out += per_version('Det', FLOATS, DET_FORMS, 'det')
    out += per_version('Einsum', FLOATS + INTS, tuple(f for f, _ in EINSUM_FORMS), 'einsum')
    out += per_version('Conv', FLOATS, CONV_FORMS, 'conv')
    out += per_version('ConvTranspose', FLOATS, CONVT_FORMS, 'conv')
    return out


# ------------------------------------------------------------ values

def domain_values(rng, op, shape, dtype):
    size = int(np.prod(shape, dtype=np.int64))
    f32 = dtype == np.float32
    u = rng.uniform
    if op == 'Exp':
        r = 100.0 if f32 else 740.0
        x = u(-r, r, size)
    elif op in ('Log', 'Sqrt'):
        x = np.abs(V.wide_values(rng, (size,), dtype))
        x[rng.random(size) < 0.1] *= -1
    elif op in ('Floor', 'Ceil', 'Round'):
        x = rng.integers(-40, 41, size) / 4.0 + rng.choice([0.0, 0.0, 0.5, 0.25, 1e-3], size)
        big = rng.random(size) < 0.2
        top = 24 if f32 else 53
        x[big] = np.ldexp(u(1, 2, int(big.sum())), rng.integers(top - 3, top + 2, int(big.sum()))
                          ) * rng.choice([-1, 1], int(big.sum())) + 0.5
    elif op in ('Sin', 'Cos', 'Tan'):
        x = u(-10, 10, size)
        far = rng.random(size) < 0.2
        x[far] = u(-1000, 1000, int(far.sum()))
    elif op in ('Asin', 'Acos', 'Atanh'):
        x = u(-1, 1, size)
        x[rng.random(size) < 0.1] = rng.choice([1.0, -1.0, 1.0 + 2 ** -20, -1.5])
    elif op in ('Sinh', 'Cosh'):
        r = 95.0 if f32 else 720.0
        x = u(-r, r, size)
        small = rng.random(size) < 0.3
        x[small] = u(-1, 1, int(small.sum()))
    elif op == 'Acosh':
        x = 1 + np.abs(V.wide_values(rng, (size,), dtype))
        x[rng.random(size) < 0.2] = u(0.5, 1.5, 1)[0]
    elif op in ('Celu', 'ThresholdedRelu', 'Shrink'):
        x = u(-6, 6, size)
    else:   # Reciprocal, Atan, Asinh, IsNaN, IsInf
        x = V.wide_values(rng, (size,), dtype)
        near = rng.random(size) < 0.4
        x[near] = u(-4, 4, int(near.sum()))
    return x.reshape(shape)


def unary_values(rng, op, shape, dtype, form):
    dtype = np.dtype(dtype)
    if form == 'wide':
        x = V.wide_values(rng, shape, dtype)
    else:
        x = domain_values(rng, op, shape, dtype)
    x = np.asarray(x, np.float64).astype(dtype)
    used = []
    if form == 'specials' or (form == 'wide' and rng.random() < 0.3):
        kinds = V.ELEMENTWISE_SPECIALS
        if op == 'Celu':
            kinds = tuple(k for k in kinds if k != '-0')
        used = V.sprinkle(rng, x, dtype, kinds, 0.15)
    if op == 'Celu':
        x[x == 0] = 0.0     # Celu(-0): max(0, -0) + min(0, -0) leaves the sign open
    return x, used


def sum_atol(terms, dtype, n):
    """(n + 2) eps times the largest sum of magnitudes (finite terms)."""
    a = np.where(np.isfinite(terms), np.abs(terms.astype(np.float64)), 0.0)
    return float((n + 2) * EPS[dtype] * (a.max() if a.size else 0.0))


# ------------------------------------------------------------ builders

def build_unary(spec, rng):
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    shape = random_shape(rng, int(rng.integers(0, 5)), 256)
    attrs = {}
    if op in ('IsNaN', 'IsInf', 'Celu', 'ThresholdedRelu', 'Shrink'):
        x, used = unary_values(rng, op, shape, dtype, 'specials' if op in ('IsNaN', 'IsInf')
                               or rng.random() < 0.3 else 'domain')
        if op == 'IsInf':
            pos, neg = {'default': (None, None), 'positive': (1, 0), 'negative': (0, 1),
                        'neither': (0, 0)}[form]
            if pos is not None:
                attrs['detect_positive'] = pos
                attrs['detect_negative'] = neg
            elif rng.random() < 0.3:
                attrs['detect_positive'] = 1
        elif op == 'Celu':
            attrs = {'default': {}, 'half': {'alpha': 0.5}, 'two': {'alpha': 2.0},
                     'random': {'alpha': float(np.float32(rng.uniform(0.1, 4)))}}[form]
        elif op == 'ThresholdedRelu':
            attrs = {'default': {}, 'zero': {'alpha': 0.0}, 'negative': {'alpha': -1.5},
                     'large': {'alpha': float(np.float32(rng.uniform(2, 5)))}}[form]
            if form == 'large' and x.size:     # values on the threshold itself
                x.reshape(-1)[0] = np.float32(attrs['alpha'])
        elif op == 'Shrink':
            attrs = {'default': {}, 'zero': {'lambd': 0.0, 'bias': 0.0},
                     'wide': {'lambd': 1.5, 'bias': 0.5},
                     'bias-beyond': {'lambd': 0.25, 'bias': 2.0}}[form]
            lam = attrs.get('lambd', 0.5)
            if x.size:
                x.reshape(-1)[:2] = [lam, -lam][:x.size]
            x[x == 0] = 0.0     # Shrink(-0) with lambd 0: -0 - bias or +0?
    else:
        x, used = unary_values(rng, op, shape, dtype, form)
    g.input('X', x)
    y = g.node(op, ['X'], **attrs)
    g.output(y)
    desc = f"{op}-{op_version(op, g.opset)} {dtype} X{list(shape)} {attrs} ({form})" + (
        f' {used}' if used else '')
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs, 'form': form,
                           'specials': used})


def pow_values(rng, shape, dtype, exp_type, b_shape, form):
    size = int(np.prod(shape, dtype=np.int64))
    bsize = int(np.prod(b_shape, dtype=np.int64))
    base_int = dtype in INTS
    exp_int = exp_type in INTS or base_int or form == 'integral-exponents'
    if base_int:
        a = rng.integers(-6, 7, size)
        # exponents 0..7 (int32: |6|^7 < 2^31; int64 up to 15)
        b = rng.integers(0, 8 if dtype == 'int32' else 16, bsize)
    else:
        a = rng.uniform(0.05, 8, size) * rng.choice([1.0, -1.0], size, p=[0.7, 0.3])
        a[rng.random(size) < 0.05] = 0.0
        if exp_int:
            b = rng.integers(-5, 8, bsize).astype(np.float64)
        else:
            b = rng.uniform(-4, 4, bsize)
            b[rng.random(bsize) < 0.3] = rng.choice([0.5, 2.0, -1.0, 3.0, 0.0])
    a = a.reshape(shape).astype(dtype)
    b = b.reshape(b_shape).astype(exp_type)
    used = []
    if form == 'specials' and not base_int and size:
        used = V.sprinkle(rng, a, np.dtype(dtype), ('nan', 'inf', '-inf', 'subnormal'), 0.15)
        if exp_type in FLOATS and bsize:
            used += V.sprinkle(rng, b, np.dtype(exp_type), ('nan', 'inf', '-inf'), 0.1)
    return a, b, used


def build_pow(spec, rng):
    dtype, etype, form, version = spec['dtype'], spec['exponent'], spec['form'], spec['version']
    g = new_graph(rng, spec)
    attrs = {}
    if version == 1:
        a_shape, b_shape, attrs = legacy_shapes(form, rng)
    else:
        a_shape, b_shape = pair_shapes(form if form in PAIRS else 'same', rng)
    a, b, used = pow_values(rng, a_shape, dtype, etype, b_shape, form)
    g.input('X', a, dtype=np.dtype(dtype))
    if rng.random() < 0.3:
        g.init('Y', b, dtype=np.dtype(etype))
    else:
        g.input('Y', b, dtype=np.dtype(etype))
    y = g.node('Pow', ['X', 'Y'], **attrs)
    g.output(y)
    desc = (f"Pow-{op_version('Pow', g.opset)} {dtype}^{etype} X{list(a_shape)} Y{list(b_shape)} "
            f"{attrs} ({form})" + (f' {used}' if used else ''))
    return Built(g, desc, {'X': list(a_shape), 'Y': list(b_shape), 'attrs': attrs, 'form': form,
                           'exponent_type': etype, 'specials': used})


def variadic_shapes(rng, form):
    base = list(random_shape(rng, int(rng.integers(1, 4)), 128))
    n = {'one': 1, 'two': 2, 'three': 3, 'four': 4}.get(form)
    if n:
        return [tuple(base)] * n
    r = len(base)
    if form == 'bcast-scalar':
        return [tuple(base), ()] + ([tuple(base)] if rng.random() < 0.5 else [])
    if form == 'bcast-row':
        return [tuple(base), tuple(base[-1:])]
    if form == 'bcast-column':
        b = [base[0] if base[0] > 1 else 3] + [1] * 1
        return [tuple(b), (1, int(rng.integers(2, 6)))]
    if form == 'bcast-ranks':
        return [(2,) + tuple(base), tuple(base[1:]), tuple(base)]
    if form == 'bcast-four':
        full = [int(rng.integers(2, 5)) for _ in range(3)]
        return [tuple(full), (full[0], 1, 1), (1, full[1], 1), (full[2],)]
    if form == 'bcast-ones':
        return [tuple(1 for _ in base), tuple(base)]
    if form == 'zero-size':
        z = list(base)
        z[int(rng.integers(r))] = 0
        return [tuple(z), tuple(1 for _ in z)]
    raise ValueError(form)


def build_variadic(spec, rng):
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    shapes = variadic_shapes(rng, form)
    names, arrays, used = [], [], []
    for k, s in enumerate(shapes):
        size = int(np.prod(s, dtype=np.int64))
        if dtype in INTS:
            x = V.int_values(rng, s, np.dtype(dtype))
        else:
            if rng.random() < 0.5:
                x = (rng.integers(-64, 65, size) / 16.0).reshape(s)
            else:
                x = rng.uniform(-1, 1, size).reshape(s) * 2.0 ** int(rng.integers(-8, 9))
            x = np.array(x, dtype=dtype)
            if rng.random() < 0.3 and size:
                kinds = ('inf', '-inf', 'subnormal') + (('nan',) if op in ('Sum', 'Mean')
                                                        else ())
                used += V.sprinkle(rng, x, np.dtype(dtype), kinds, 0.1)
            x[x == 0] = 0.0     # no -0: Max(+0, -0) and a sum of -0s leave the sign open
        name = f'X{k}'
        if rng.random() < 0.2 and k:
            g.init(name, x, dtype=np.dtype(dtype))
        else:
            g.input(name, x, dtype=np.dtype(dtype))
        names.append(name)
        arrays.append(x)
    attrs = {}
    if spec['version'] == 1 and rng.random() < 0.5:
        attrs['consumed_inputs'] = [0] * len(names)
    y = g.node(op, names, **attrs)
    g.output(y)
    if op in ('Sum', 'Mean') and dtype in FLOATS and arrays:
        full = np.broadcast_shapes(*shapes)
        tot = sum(np.where(np.isfinite(a), np.abs(a.astype(np.float64)), 0.0) for a in
                  [np.broadcast_to(a, full) for a in arrays])
        g.atol_floor[y] = sum_atol(np.asarray(tot) / (len(arrays) if op == 'Mean' else 1),
                                   dtype, len(arrays))
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} {[list(s) for s in shapes]} ({form})"
            + (f' {used}' if used else ''))
    return Built(g, desc, {'shapes': [list(s) for s in shapes], 'form': form,
                           'attrs': attrs, 'specials': used})


def build_cumsum(spec, rng):
    dtype, form = spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    rank = 1 if form == 'rank1' else int(rng.integers(1, 5))
    shape = list(random_shape(rng, rank, 256))
    if form == 'zero-size':
        shape[int(rng.integers(rank))] = 0
    axis = {'axis0': 0, 'axis-last': rank - 1}.get(form, int(rng.integers(rank)))
    if form == 'negative' or rng.random() < 0.2:
        axis -= rank
    attrs = {}
    if form in ('exclusive', 'exclusive-reverse') or rng.random() < 0.2:
        attrs['exclusive'] = 1
    if form in ('reverse', 'exclusive-reverse') or rng.random() < 0.2:
        attrs['reverse'] = 1
    size = int(np.prod(shape, dtype=np.int64))
    if dtype in FLOATS:
        if rng.random() < 0.5:
            x = rng.integers(-64, 65, size) / 16.0
        else:
            x = rng.uniform(-1, 1, size) * 2.0 ** int(rng.integers(-8, 9))
        x = x.reshape(shape).astype(dtype)
        x[x == 0] = 0.0
    else:
        x = V.int_values(rng, shape, np.dtype(dtype))
    g.input('X', x)
    atype = np.int32 if form == 'axis-int32' or rng.random() < 0.2 else np.int64
    a = np.array([axis] if form == 'axis-1d' else axis, atype)
    if form == 'axis-graph-input':
        g.input('axis', a, dtype=atype)
    else:
        g.init('axis', a, dtype=atype)
    y = g.node('CumSum', ['X', 'axis'], **attrs)
    g.output(y)
    if dtype in FLOATS:
        ax = axis % rank
        n = shape[ax]
        g.atol_floor[y] = sum_atol(np.where(np.isfinite(x), np.abs(x), 0).sum(axis=ax), dtype,
                                   n)
    desc = (f"CumSum-{op_version('CumSum', g.opset)} {dtype} X{shape} axis={axis} "
            f"({np.dtype(atype).name}) {attrs} ({form})")
    return Built(g, desc, {'shape': shape, 'axis': axis, 'attrs': attrs, 'form': form})


def build_hardmax(spec, rng):
    dtype, form, version = spec['dtype'], spec['form'], spec['version']
    g = new_graph(rng, spec)
    rank = 1 if form == 'rank1' else int(rng.integers(2, 5))
    shape = list(random_shape(rng, rank, 256))
    attrs = {}
    if form == 'axis0':
        attrs['axis'] = 0
    elif form == 'axis-last':
        attrs['axis'] = rank - 1
    elif form == 'axis-middle':
        attrs['axis'] = rank // 2
    elif form == 'negative':
        attrs['axis'] = -1 - int(rng.integers(rank))
    elif form == 'rank1' and version < 13:
        attrs['axis'] = 0
    size = int(np.prod(shape, dtype=np.int64))
    if form == 'ties' or rng.random() < 0.3:
        x = rng.choice([1.0, 2.5, -3.0, np.inf, -np.inf][:3 + int(rng.integers(3))], size)
    else:
        x = V.wide_values(rng, (size,), np.dtype(dtype))
    x = x.reshape(shape).astype(dtype)
    g.input('X', x)
    y = g.node('Hardmax', ['X'], **attrs)
    g.output(y)
    desc = f"Hardmax-{op_version('Hardmax', g.opset)} {dtype} X{shape} {attrs} ({form})"
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'form': form})


def build_layer_norm(spec, rng):
    dtype, form = spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    rank = 1 if form == 'rank1' else int(rng.integers(2, 5))
    # no zero-size dim: the statistics of nothing are 0 / 0 (onnxruntime
    # refuses an empty X.shape[axis:])
    shape = [max(1, d) for d in random_shape(rng, rank, 256)]
    axis = {'axis0': 0, 'axis-middle': rank // 2, 'rank1': 0}.get(form, rank - 1)
    attrs = {}
    if form == 'negative':
        axis = int(rng.integers(rank))
        attrs['axis'] = axis - rank
    elif axis != rank - 1 or rng.random() < 0.3:
        attrs['axis'] = axis
    if form == 'epsilon':
        attrs['epsilon'] = float(np.float32(rng.choice([1e-3, 1e-12, 0.5])))
    if form == 'stash-explicit':
        attrs['stash_type'] = 1
    size = int(np.prod(shape, dtype=np.int64))
    x = (rng.uniform(-2, 2, size) * 2.0 ** int(rng.integers(-4, 5))
         + rng.uniform(-1, 1)).reshape(shape).astype(dtype)
    norm = shape[axis:]
    s_shape = list(norm)
    if form == 'scale-broadcast' and s_shape:
        s_shape = s_shape[1:] if len(s_shape) > 1 and rng.random() < 0.5 else [1] * len(s_shape)
    scale = rng.uniform(-2, 2, s_shape).astype(dtype)
    b = rng.uniform(-1, 1, s_shape).astype(dtype)
    g.input('X', x)
    (g.init if rng.random() < 0.5 else g.input)('Scale', scale)
    inputs = ['X', 'Scale']
    if form != 'no-bias':
        (g.init if rng.random() < 0.5 else g.input)('B', b)
        inputs.append('B')
    # Mean and InvStdDev are float32 (the stash type) whatever X is
    outs = {'mean-outputs': [True, True, True], 'inv-only': [True, False, True]}.get(
        form, [True] if dtype == 'float64' or rng.random() < 0.7 else [True, True, True])
    names = g.node('LayerNormalization', inputs, outputs=outs, **attrs)
    names = [names] if isinstance(names, str) else names
    for n_ in names:
        if n_:
            g.output(n_)
    n = int(np.prod(norm, dtype=np.int64))
    w = x.astype(np.float64)
    ax = tuple(range(axis, rank))
    mean = w.mean(axis=ax, keepdims=True)
    dev = np.abs(w - mean)
    inv = 1 / np.sqrt((dev ** 2).mean(axis=ax, keepdims=True) + float(attrs.get('epsilon', 1e-5)))
    term = dev * inv * np.abs(scale.astype(np.float64))
    e = EPS['float32']      # the statistics are float32 (the stash type) in onnxruntime
    g.atol_floor[names[0]] = float((n + 8) * e * (term.max() if term.size else 0)
                                   + 4 * EPS[dtype] * np.abs(b).max(initial=0))
    if len(names) > 1 and names[1]:
        g.atol_floor[names[1]] = float((n + 2) * e * np.abs(w).max(initial=0))
    if len(names) > 2 and names[2]:
        g.atol_floor[names[2]] = float((n + 8) * e * np.abs(inv).max(initial=0))
    desc = (f"LayerNormalization-17 {dtype} X{shape} Scale{s_shape} {attrs} outputs={outs} "
            f"({form})")
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'scale': s_shape, 'form': form,
                           'outputs': outs})


def build_loss(spec, rng):
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    n, c = int(rng.integers(1, 9)), int(rng.integers(2, 7))
    spatial = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 3)))] if (
        form.startswith('spatial') or rng.random() < 0.2) else []
    x_shape = [n, c] + spatial
    t_shape = [n] + spatial
    attrs = {}
    reduction = {'none': 'none', 'sum': 'sum', 'spatial-none': 'none'}.get(
        form, str(rng.choice(['mean', 'sum', 'none'])) if form not in ('mean',) else 'mean')
    if reduction != 'mean' or rng.random() < 0.3:
        attrs['reduction'] = reduction
    if op == 'NegativeLogLikelihoodLoss':
        # log-probabilities (any values are allowed; these look like them)
        x = -rng.exponential(1.5, x_shape)
    else:
        x = rng.uniform(-4, 4, x_shape) * rng.choice([1.0, 3.0])
    x = x.astype(dtype)
    target = rng.integers(0, c, t_shape)
    ignore = None
    if form in ('ignore-index', 'ignore-weights') or rng.random() < 0.2:
        ignore = int(rng.choice([0, c - 1, -1, -100, c + 3]))
        attrs['ignore_index'] = ignore
        hit = rng.random(t_shape) < 0.3
        target[hit] = ignore
        if ignore >= 0 and ignore < c:
            pass
        flat = target.reshape(-1)
        if (flat == ignore).all():      # a mean over nothing is 0 / 0
            flat[0] = (ignore + 1) % c if 0 <= ignore < c else 0
    ttype = np.int32 if form == 'target-int32' or rng.random() < 0.2 else np.int64
    g.input('X', x)
    g.input('T', target.astype(ttype), dtype=ttype)
    inputs = ['X', 'T']
    wts = None
    if form in ('weights', 'ignore-weights') or rng.random() < 0.3:
        wts = rng.uniform(0.1, 2, c).astype(dtype)
        (g.init if rng.random() < 0.5 else g.input)('W', wts)
        inputs.append('W')
    outs = [True, True] if op == 'SoftmaxCrossEntropyLoss' and (
        form == 'log-prob' or rng.random() < 0.3) else 1
    y = g.node(op, inputs, outputs=outs, **attrs)
    names = y if isinstance(y, list) else [y]
    for n_ in names:
        g.output(n_)
    # the losses: up to c terms of a log-softmax each, then a sum of up to
    # n * prod(spatial) of them (weighted), divided by the weights' sum
    m = int(np.prod(t_shape, dtype=np.int64))
    w = np.abs(x.astype(np.float64))
    per = w.max(axis=1) + (np.log(c) if op == 'SoftmaxCrossEntropyLoss' else 0) + 1
    wmax = float(wts.max()) if wts is not None else 1.0
    total = float(per.sum()) * wmax
    if reduction == 'mean':
        wmin = float(wts.min()) if wts is not None else 1.0
        total /= max(1.0, m * wmin) if wts is None else wmin
    if reduction == 'none':
        total = float(per.max()) * wmax
    g.atol_floor[names[0]] = float((m + c + 8) * EPS[dtype] * total)
    if len(names) > 1:
        g.atol_floor[names[1]] = float((c + 4) * EPS[dtype] * (w.max() + np.log(c) + 1))
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} X{x_shape} T{t_shape} "
            f"({np.dtype(ttype).name}) W={wts is not None} {attrs} outputs={len(names)} ({form})")
    return Built(g, desc, {'X': x_shape, 'T': t_shape, 'attrs': attrs, 'weights': wts is not None,
                           'form': form})


def build_top_k(spec, rng):
    dtype, form, version = spec['dtype'], spec['form'], spec['version']
    g = new_graph(rng, spec)
    rank = 1 if form == 'rank1' else int(rng.integers(1, 5))
    shape = list(random_shape(rng, rank, 256))
    axis = {'axis0': 0}.get(form, rank - 1 if rng.random() < 0.5 else int(rng.integers(rank)))
    if form == 'zero-rows' and rank > 1:
        shape[(axis + 1) % rank] = 0
    n = shape[axis]
    # onnx's shape inference refuses TopK-1 with k < 1 (onnxruntime with it)
    lowest = 1 if version == 1 else 0
    if version == 1 and n == 0:
        shape[axis] = n = 1
    k = {'k0': lowest, 'k-all': n}.get(form, int(rng.integers(lowest, n + 1)))
    if form == 'unsorted-k1':
        k = min(n, 1)
    attrs = {}
    if axis != rank - 1 or rng.random() < 0.3:
        attrs['axis'] = axis - rank if form == 'negative-axis' or (
            rng.random() < 0.3) else axis
    if version >= 11:
        if form.startswith('smallest') or rng.random() < 0.3:
            attrs['largest'] = 0
        if form == 'unsorted-k1':
            attrs['sorted'] = 0
        elif rng.random() < 0.2:
            attrs['sorted'] = 1
    size = int(np.prod(shape, dtype=np.int64))
    if form in ('ties', 'smallest-ties') or rng.random() < 0.3:
        pool = [1.0, -2.0, 0.5, 7.0, -np.inf, np.inf]
        if dtype not in FLOATS:
            pool = [1, -2, 0, 7, np.iinfo(dtype).min, np.iinfo(dtype).max]
        x = np.array(rng.choice(pool[:2 + int(rng.integers(5))], size)).astype(dtype)
    elif dtype in FLOATS:
        x = V.wide_values(rng, (size,), np.dtype(dtype))
        x[np.isnan(x)] = 0
    else:
        x = V.int_values(rng, (size,), np.dtype(dtype))
    x = x.reshape(shape)
    g.input('X', x)
    inputs = ['X']
    if version == 1:
        attrs['k'] = k
    elif form == 'k-graph-input':
        inputs.append(g.input('K', np.array([k], np.int64), dtype=np.int64))
    else:
        inputs.append(g.init('K', np.array([k], np.int64), dtype=np.int64))
    values, indices = g.node('TopK', inputs, outputs=2, **attrs)
    g.output(values)
    g.output(indices)
    desc = f"TopK-{op_version('TopK', g.opset)} {dtype} X{shape} k={k} {attrs} ({form})"
    return Built(g, desc, {'shape': shape, 'k': k, 'attrs': attrs, 'form': form})


def build_mvn(spec, rng):
    dtype, form = spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    rank = 5 if form == 'rank5' else 4 if form in ('default', 'offset', 'constant-group') else \
        int(rng.integers(2, 5))
    shape = [int(rng.integers(1, 5)) for _ in range(rank)]
    attrs = {}
    if form == 'last':
        attrs['axes'] = [-1] if rng.random() < 0.5 else [rank - 1]
    elif form == 'middle':
        attrs['axes'] = [1]
    elif form == 'all':
        attrs['axes'] = list(range(rank))
    elif form == 'rank5':
        attrs['axes'] = [0, 2, 3, 4]
    elif rank == 4 and rng.random() < 0.3:
        attrs['axes'] = [0, 2, 3]
    x = rng.uniform(-4, 4, shape) + (rng.uniform(-20, 20) if form == 'offset' else 0)
    if form == 'constant-group':
        x[:, 0] = 1.5
    x = x.astype(dtype)
    g.input('X', x)
    y = g.node('MeanVarianceNormalization', ['X'], **attrs)
    g.output(y)
    desc = f"MeanVarianceNormalization-{op_version('MeanVarianceNormalization', g.opset)} " \
        f"{dtype} X{shape} {attrs} ({form})"
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'form': form})


def build_det(spec, rng):
    dtype, form = spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    n = 1 if form == 'one' else int(rng.integers(2, 7))
    batch = {'matrix': [], 'one': [], 'rank4': [int(rng.integers(1, 4)), int(rng.integers(1, 4))],
             'empty-batch': [0]}.get(form, [int(rng.integers(1, 5))])
    x = rng.uniform(-2, 2, batch + [n, n])
    if form == 'singular':
        x[..., -1, :] = x[..., 0, :] * 2     # a row twice another: exactly singular
    if form == 'swap':
        x[..., 0, 0] = 0                    # the first pivot must come from below
    x = x.astype(dtype)
    g.input('X', x)
    y = g.node('Det', ['X'])
    g.output(y)
    # elimination's error: about n^2 eps times the product of the row
    # norms (Hadamard's bound on |det|)
    w = x.astype(np.float64)
    bound = np.prod(np.sqrt((w * w).sum(axis=-1)), axis=-1) if w.size else np.zeros(0)
    g.atol_floor[y] = float((n * n + 4) * EPS[dtype] * (bound.max() if bound.size else 1))
    desc = f"Det-11 {dtype} X{batch + [n, n]} ({form})"
    return Built(g, desc, {'shape': batch + [n, n], 'form': form})


def einsum_operands(rng, form, equation):
    """The operands' shapes: each letter one size, the ellipsis dims
    (rank 0-2) shared or, for ellipsis-broadcast, 1 in some operands."""
    lhs = equation.replace(' ', '').split('->')[0].split(',')
    size = {c: int(rng.integers(1, 6)) for c in set(''.join(lhs)) if c.isalpha()}
    if form == 'zero-size':
        size['j'] = 0
    ell = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 3)))]
    if form == 'ellipsis-broadcast' and not ell:
        ell = [int(rng.integers(2, 4))]
    shapes = []
    for k, term in enumerate(lhs):
        dims = []
        for part in term.split('...'):
            dims.append([size[c] for c in part])
        if len(dims) == 2:
            e = list(ell)
            if form == 'ellipsis-broadcast' and k == 1:
                e = [1] * len(e)
            dims = dims[0] + e + dims[1]
        else:
            dims = dims[0]
        shapes.append(dims)
    return shapes


def build_einsum(spec, rng):
    dtype, form = spec['dtype'], spec['form']
    equation = dict(EINSUM_FORMS)[form]
    g = new_graph(rng, spec)
    names, arrays = [], []
    for k, shape in enumerate(einsum_operands(rng, form, equation)):
        if dtype in FLOATS:
            x = rng.uniform(-2, 2, shape).astype(dtype)
        else:
            x = rng.integers(-9, 10, shape).astype(dtype)
        arrays.append(x)
        names.append(g.input(f'X{k}', x))
    y = g.node('Einsum', names, equation=equation)
    g.output(y)
    if dtype in FLOATS:
        # each output a sum of products: the sum of their magnitudes bounds the error
        terms = np.einsum(equation, *[np.abs(a.astype(np.float64)) for a in arrays])
        n = max([a.size for a in arrays] + [1])
        g.atol_floor[y] = sum_atol(terms, dtype, n)
    desc = f"Einsum-12 {dtype} '{equation}' {[list(a.shape) for a in arrays]} ({form})"
    return Built(g, desc, {'equation': equation, 'form': form,
                           'shapes': [list(a.shape) for a in arrays]})
def build_conv(spec, rng):
    """Conv or ConvTranspose: X a graph input, W and B initializers (W
    sometimes an input), the attributes the form is about, values in
    [-1, 1]; the atol is (taps + 2) eps times the largest sum of
    magnitudes."""
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    transpose = op == 'ConvTranspose'
    g = new_graph(rng, spec)
    n = {'1d': 1, '3d': 3}.get(form, 2)
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))
    group = 2 if form == 'groups' else 1
    cg, mg = r(1, 3), r(1, 3)
    if form == 'depthwise':
        group, cg = r(2, 4), 1
    if form == 'wide':
        cg, mg = r(8, 24), r(8, 24)
    c, m = group * cg, group * mg
    kernel = [1 if form == 'pointwise' else r(1, 3) for _ in range(n)]
    strides = [r(2, 3) if form in ('strides', 'same-upper', 'same-lower', 'output-padding',
                                   'output-shape') else 1 for _ in range(n)]
    dil = [r(1, 3) if form == 'dilations' else 1 for _ in range(n)]
    pads = [r(0, 2) if form == 'pads' else 0 for _ in range(2 * n)]
    attrs = {}
    if form in ('strides', 'same-upper', 'same-lower', 'output-padding', 'output-shape') \
            or rng.random() < 0.3:
        attrs['strides'] = strides
    if form == 'dilations' or rng.random() < 0.2:
        attrs['dilations'] = dil
    if form == 'pads':
        attrs['pads'] = pads
    if form in ('same-upper', 'same-lower', 'valid'):
        attrs['auto_pad'] = form.upper().replace('-', '_')
    if group > 1:
        attrs['group'] = group
    if form == 'kernel-shape':
        attrs['kernel_shape'] = kernel
    size = 5 if form == 'wide' else 3
    spatial = [(kernel[d] - 1) * dil[d] + 1 + r(0, size) for d in range(n)]
    if transpose:
        spatial = [r(1, 5) for _ in range(n)]
        for d in range(n):      # pads that leave at least one output
            full = strides[d] * (spatial[d] - 1) + (kernel[d] - 1) * dil[d] + 1
            while pads[d] + pads[n + d] >= full:
                pads[d if pads[d] else n + d] -= 1
        if form == 'output-padding':
            attrs['output_padding'] = [r(0, strides[d] - 1) for d in range(n)]
        if form == 'output-shape':
            full = [strides[d] * (spatial[d] - 1) + (kernel[d] - 1) * dil[d] + 1
                    for d in range(n)]
            attrs['output_shape'] = [max(1, full[d] - r(0, 2)) for d in range(n)]
    batch = r(2, 3) if form == 'batch' else 1
    x = rng.uniform(-1, 1, [batch, c] + spatial).astype(dtype)
    w_shape = [c, mg] + kernel if transpose else [m, cg] + kernel
    w = rng.uniform(-1, 1, w_shape).astype(dtype)
    g.input('X', x)
    (g.input if rng.random() < 0.3 else g.init)('W', w)
    inputs = ['X', 'W']
    if form != 'no-bias':
        g.init('B', rng.uniform(-1, 1, [m]).astype(dtype))
        inputs.append('B')
    y = g.node(op, inputs, **attrs)
    if form == 'relu':
        y = g.node('Relu', [y])
    g.output(y)
    taps = (cg if not transpose else c) * int(np.prod(kernel))
    g.atol_floor[y] = float((taps + 2) * EPS[dtype] * (taps + 1))
    desc = f"{op}-{op_version(op, g.opset)} {dtype} X{list(x.shape)} W{w_shape} {attrs} ({form})"
    return Built(g, desc, {'shape': list(x.shape), 'attrs': attrs, 'form': form})


def build_math_op(spec, rng):
    op = spec['op']
    if op in ('Conv', 'ConvTranspose'):
        return build_conv(spec, rng)
    if op == 'Pow':
        return build_pow(spec, rng)
    if op in VARIADIC:
        return build_variadic(spec, rng)
    if op == 'CumSum':
        return build_cumsum(spec, rng)
    if op == 'Hardmax':
        return build_hardmax(spec, rng)
    if op == 'LayerNormalization':
        return build_layer_norm(spec, rng)
    if op in LOSSES:
        return build_loss(spec, rng)
    if op == 'TopK':
        return build_top_k(spec, rng)
    if op == 'MeanVarianceNormalization':
        return build_mvn(spec, rng)
    if op == 'Det':
        return build_det(spec, rng)
    if op == 'Einsum':
        return build_einsum(spec, rng)
    return build_unary(spec, rng)
