"""Single-node cases for the operators after Gemm, Relu and LeakyRelu:
MatMul, Add/Sub/Mul/Div, the activations, PRelu, Clip, Softmax and
LogSoftmax, Flatten, Reshape, Identity, Dropout, Constant and
BatchNormalization, and invalid models of them.

specs() enumerates the coverage matrix (each spec a dict, as in cases.py);
build_op() draws everything the spec leaves open from the case's RNG.
Every version of every operator runs in models of each opset it covers
(version_range), opsets 1-21; onnxruntime loads opset 7 and later only
(the NumPy reference judges below that, see oracle.py)."""
import numpy as np

import values as V
from cases import f32, pick_opset, random_shape
from graph import Built, Graph
from reference import LAST_OPSET, VERSIONS, op_version

MAX_OPSET = 21
FLOAT_TYPES = ('float32', 'float64')
INT_TYPES = ('int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64')
INT4_TYPES = ('int32', 'int64', 'uint32', 'uint64')
ARITH_OPS = ('Add', 'Sub', 'Mul', 'Div')
# Where each function bends, for activation_values and sweeps.
REACH = {'Sigmoid': 20.0, 'Tanh': 10.0, 'Erf': 6.0, 'Gelu': 10.0, 'Softplus': 30.0,
         'Softsign': 50.0, 'Elu': 12.0, 'Selu': 12.0, 'HardSigmoid': 4.0, 'HardSwish': 5.0}
ACTIVATIONS = tuple(REACH)
# Operators whose version 1 has the legacy consumed_inputs attribute.
CONSUMED_INPUTS = {'Add', 'Sub', 'Mul', 'Div', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'HardSigmoid',
                   'PRelu', 'Clip', 'Dropout', 'BatchNormalization', 'Reshape'}


def version_range(op, version):
    """The model opsets in which `op` is at `version`."""
    vs = VERSIONS[op]
    i = vs.index(version)
    return version, (vs[i + 1] - 1 if i + 1 < len(vs) else LAST_OPSET.get(op, MAX_OPSET))


def dims(rng, n, lo=2, hi=6):
    return [int(rng.integers(lo, hi + 1)) for _ in range(n)]


def legacy_attrs(rng, op, version, attrs, n_inputs=1):
    # BatchNormalization-1 requires it; the others take it or leave it.
    if version == 1 and op in CONSUMED_INPUTS and (
            op == 'BatchNormalization' or rng.random() < 0.5):
        attrs['consumed_inputs'] = [0] * n_inputs
    return attrs


def new_graph(rng, spec, op=None, symbolic=0.2):
    opset = pick_opset(rng, version_range(op or spec['op'], spec['version']))
    return Graph(spec['dtype'], opset, rng.random() < symbolic)


def float_input(rng, shape, dtype, special, kinds=V.ELEMENTWISE_SPECIALS, fraction=0.15):
    x = V.wide_values(rng, shape, np.dtype(dtype))
    used = V.sprinkle(rng, x, np.dtype(dtype), kinds, fraction) if special else []
    return x, used


# ------------------------------------------------------------ MatMul

MATMUL_FORMS = ('1d-1d', '1d-2d', '2d-1d', '2d-2d', '3d-2d', '2d-3d', '3d-3d', 'batch-bcast',
                'batch-one', '1d-4d', '4d-1d', 'zero-m', 'zero-k', 'zero-n', 'zero-batch',
                'ones', 'large', 'large-batched')


def matmul_shapes(form, rng):
    m, k, n, b1, b2 = dims(rng, 5, 1, 9)
    return {
        '1d-1d': ((k,), (k,)), '1d-2d': ((k,), (k, n)), '2d-1d': ((m, k), (k,)),
        '2d-2d': ((m, k), (k, n)), '3d-2d': ((b1, m, k), (k, n)), '2d-3d': ((m, k), (b1, k, n)),
        '3d-3d': ((b1, m, k), (b1, k, n)), 'batch-bcast': ((b1, 1, m, k), (b2, k, n)),
        'batch-one': ((1, m, k), (b1, k, n)), '1d-4d': ((k,), (b1, b2, k, n)),
        '4d-1d': ((b1, b2, m, k), (k,)), 'zero-m': ((0, k), (k, n)), 'zero-k': ((m, 0), (0, n)),
        'zero-n': ((m, k), (k, 0)), 'zero-batch': ((0, m, k), (k, n)),
        'ones': ((1, 1), (1, 1)) if rng.random() < 0.5 else ((1, k), (k, 1)),
        'large': ((int(rng.integers(40, 80)), int(rng.integers(60, 140))), None),
        'large-batched': ((3, int(rng.integers(20, 40)), int(rng.integers(30, 70))), None),
    }[form]


def matmul_specs():
    specs = []
    versions = VERSIONS['MatMul']
    for i, form in enumerate(MATMUL_FORMS):
        for j, dtype in enumerate(FLOAT_TYPES):
            specs.append(dict(section='matmul', kind='op', op='MatMul', form=form, dtype=dtype,
                              version=versions[(i + j) % 3], special=False))
    for version in versions:
        for dtype in FLOAT_TYPES:
            specs.append(dict(section='matmul-specials', kind='op', op='MatMul', dtype=dtype,
                              version=version, form=MATMUL_FORMS[(version + len(specs)) % 11 + 3],
                              special=True))
    for i, dtype in enumerate(INT4_TYPES):
        for j, form in enumerate(('1d-2d', '2d-2d', 'batch-bcast', '3d-2d', 'zero-k', 'large')):
            specs.append(dict(section='matmul-int', kind='op', op='MatMul', dtype=dtype, form=form,
                              version=(9, 13)[(i + j) % 2], special=False))
    return specs


def build_matmul(spec, rng):
    dtype = np.dtype(spec['dtype'])
    a_shape, b_shape = matmul_shapes(spec['form'], rng)
    if b_shape is None:                  # the large forms: (.., M, K) x (K, N)
        b_shape = (a_shape[-1], int(rng.integers(17, 70)))
    b_as = 'initializer' if rng.random() < 0.4 else 'input'
    for redraws in range(12):
        g = new_graph(rng, spec)
        used = []
        if dtype.kind == 'f':
            coarse = redraws >= 4
            exact = dtype == np.float32 or rng.random() < 0.5
            gen = (lambda s: V.exact_values(rng, s, coarse)) if exact else (
                lambda s: V.float_values(rng, s))
            a, b = gen(a_shape), gen(b_shape)
            if spec['special']:
                used = sorted(set(V.sprinkle(rng, a, dtype, V.ORDER_FREE_SPECIALS, 0.05)
                                  + V.sprinkle(rng, b, dtype, V.ORDER_FREE_SPECIALS, 0.05)))
        else:
            a = rng.integers(-6 if dtype.kind == 'i' else 0, 7, size=a_shape).astype(dtype)
            b = rng.integers(-6 if dtype.kind == 'i' else 0, 7, size=b_shape).astype(dtype)
        g.input('A', a)
        (g.init if b_as == 'initializer' else g.input)('B', b)
        g.output(g.node('MatMul', ['A', 'B']))
        if g.order_stable():
            break
    else:
        raise RuntimeError(f'no order-stable MatMul for {spec}')
    v = op_version('MatMul', g.opset)
    desc = (f"MatMul-{v} {spec['dtype']} {list(a_shape)} x {list(b_shape)} ({spec['form']})"
            + (' specials' if used else ''))
    return Built(g, desc, {'form': spec['form'], 'A': list(a_shape), 'B': list(b_shape),
                           'B_as': b_as, 'specials': used, 'redraws': redraws})


# ------------------------------------------------- Add, Sub, Mul, Div

PAIRS = ('same', 'scalar-right', 'scalar-left', 'scalars', 'one-right', 'row', 'column',
         'ones-both-sides', 'outer', 'lower-rank-left', 'ranks-and-ones', 'rank6', 'zero-rows',
         'zero-by-one', 'one-by-zero', 'zero-and-scalar', 'left-all-ones', 'middle', 'long',
         'wide-row')
INT_PAIRS = ('same', 'scalar-right', 'row', 'ones-both-sides', 'lower-rank-left', 'zero-rows')
LEGACY = ('same-no-attr', 'same-broadcast0', 'scalar', 'one', 'last', 'last2', 'axis1',
          'axis0', 'axis1-ones', 'full', 'full-axis0')


def pair_shapes(name, rng):
    a, b, c, d = dims(rng, 4)
    n = int(rng.integers(1000, 3000))
    m, w = int(rng.integers(16, 65)), int(rng.integers(17, 70))
    return {
        'same': ((a, b, c), (a, b, c)), 'scalar-right': ((a, b), ()),
        'scalar-left': ((), (a, b, c)), 'scalars': ((), ()), 'one-right': ((a, b, c), (1,)),
        'row': ((a, b), (b,)), 'column': ((a, b), (a, 1)),
        'ones-both-sides': ((a, 1, c), (1, b, c)), 'outer': ((a, 1), (1, b)),
        'lower-rank-left': ((b, c), (d, a, b, c)), 'ranks-and-ones': ((a, 1, 1, d), (b, 1, d)),
        'rank6': ((2, 1, 3, 1, 2, 2), (1, 2, 1, 2, 1, 2)), 'zero-rows': ((0, c), (1, c)),
        'zero-by-one': ((a, 0), (a, 1)), 'one-by-zero': ((1,), (0,)),
        'zero-and-scalar': ((0,), ()), 'left-all-ones': ((1, 1), (a, b)),
        'middle': ((a, b, c), (a, 1, c)), 'long': ((n,), (n,)), 'wide-row': ((m, w), (w,)),
    }[name]


def legacy_shapes(form, rng):
    """(A shape, B shape, attributes) for versions 1 and 6."""
    p, q, r, s = dims(rng, 4, 2, 5)
    a = (p, q, r, s)
    return {
        'same-no-attr': (a, a, {}), 'same-broadcast0': (a, a, {'broadcast': 0}),
        'scalar': (a, (), {'broadcast': 1}), 'one': (a, (1,), {'broadcast': 1}),
        'last': (a, (s,), {'broadcast': 1}), 'last2': (a, (r, s), {'broadcast': 1}),
        'axis1': (a, (q, r), {'broadcast': 1, 'axis': 1}),
        'axis0': (a, (p,), {'broadcast': 1, 'axis': 0}),
        'axis1-ones': (a, (q, 1), {'broadcast': 1, 'axis': 1}),
        'full': (a, a, {'broadcast': 1}), 'full-axis0': (a, a, {'broadcast': 1, 'axis': 0}),
    }[form]


def arith_versions(dtype):
    if dtype in FLOAT_TYPES:
        return (7, 13, 14)
    return (14,) if dtype not in INT4_TYPES else (7, 13, 14)


def arith_specs():
    specs = []
    for op in ARITH_OPS:
        for i, pair in enumerate(PAIRS):
            for j, dtype in enumerate(FLOAT_TYPES):
                specs.append(dict(section='arith-broadcast', kind='op', op=op, dtype=dtype,
                                  pair=pair, version=(7, 13, 14)[(i + j) % 3], special=False))
        for version in (1, 6, 7, 13, 14):
            for dtype in FLOAT_TYPES:
                spec = dict(section='arith-specials', kind='op', op=op, dtype=dtype,
                            version=version, special=True)
                if version < 7:
                    spec['legacy'] = LEGACY[(version + len(specs)) % len(LEGACY)]
                else:
                    spec['pair'] = PAIRS[len(specs) % 12]
                specs.append(spec)
        for i, form in enumerate(LEGACY):
            for version in (1, 6):
                specs.append(dict(section='arith-legacy', kind='op', op=op, legacy=form,
                                  version=version, dtype=FLOAT_TYPES[(i + version) % 2],
                                  special=False))
        for i, dtype in enumerate(INT4_TYPES):
            specs.append(dict(section='arith-legacy-int', kind='op', op=op, version=6,
                              legacy=LEGACY[(2 + 3 * i) % len(LEGACY)], dtype=dtype,
                              special=False))
        for i, dtype in enumerate(INT_TYPES):
            versions = arith_versions(dtype)
            for j, pair in enumerate(INT_PAIRS):
                specs.append(dict(section='arith-int', kind='op', op=op, dtype=dtype, pair=pair,
                                  version=versions[(i + j) % len(versions)], special=False))
    return specs


def arith_values(rng, op, a_shape, b_shape, dtype, special):
    dtype = np.dtype(dtype)
    used = []
    if dtype.kind == 'f':
        a, used_a = float_input(rng, a_shape, dtype, special, fraction=0.1)
        b, used_b = float_input(rng, b_shape, dtype, special, fraction=0.1)
        return a, b, sorted(set(used_a + used_b))
    a = V.int_values(rng, a_shape, dtype)
    b = V.int_values(rng, b_shape, dtype)
    if op == 'Div':
        b = V.safe_divisors(rng, a, b)
    return a, b, used


def build_arith(spec, rng):
    op, dtype = spec['op'], spec['dtype']
    g = new_graph(rng, spec)
    if spec['version'] < 7:
        a_shape, b_shape, attrs = legacy_shapes(spec['legacy'], rng)
        form = 'legacy:' + spec['legacy']
        legacy_attrs(rng, op, spec['version'], attrs, 2)
    else:
        a_shape, b_shape = pair_shapes(spec['pair'], rng)
        attrs, form = {}, spec['pair']
    a, b, used = arith_values(rng, op, a_shape, b_shape, dtype, spec['special'])
    g.input('A', a)
    b_as = 'initializer' if rng.random() < 0.3 else 'input'
    (g.init if b_as == 'initializer' else g.input)('B', b)
    g.output(g.node(op, ['A', 'B'], **attrs))
    v = op_version(op, g.opset)
    desc = (f"{op}-{v} {dtype} {list(a_shape)} {list(b_shape)} ({form})"
            + (f" {attrs}" if attrs else '') + (' specials' if used else ''))
    return Built(g, desc, {'form': form, 'A': list(a_shape), 'B': list(b_shape), 'attrs': attrs,
                           'B_as': b_as, 'specials': used})


# ------------------------------------------------------- activations

ATTR_CLASSES = {'Elu': ('default', 'one', 'half', 'two', 'random'),
                'Selu': ('default', 'spelled-out', 'custom'),
                'HardSigmoid': ('default', 'spelled-out', 'custom'),
                'Gelu': ('default', 'none', 'tanh')}
VARIANTS = ('plain', 'specials', 'sweep')


def activation_specs():
    specs = []
    for op in ACTIVATIONS:
        classes = ATTR_CLASSES.get(op, ('default',))
        for version in VERSIONS[op]:
            for dtype in FLOAT_TYPES:
                for variant in VARIANTS:
                    n = len(specs)
                    specs.append(dict(section='activation', kind='op', op=op, version=version,
                                      dtype=dtype, variant=variant, rank=n % 7,
                                      attr_class=classes[n % len(classes)]))
        for cls in classes[1:]:
            for dtype in FLOAT_TYPES:
                n = len(specs)
                specs.append(dict(section='activation-attrs', kind='op', op=op,
                                  version=VERSIONS[op][-1 - n % len(VERSIONS[op])], dtype=dtype,
                                  variant=VARIANTS[n % 3], rank=n % 5 + 1, attr_class=cls))
    return specs


def activation_attrs(rng, op, cls, version):
    if op == 'Elu':
        return {'default': {}, 'one': {'alpha': 1.0}, 'half': {'alpha': 0.5},
                'two': {'alpha': 2.0}, 'random': {'alpha': f32(rng.uniform(0.05, 3.0))}}[cls]
    if op == 'Selu':
        if cls == 'spelled-out':
            return {'alpha': f32(1.67326319217681884765625),
                    'gamma': f32(1.05070102214813232421875)}
        if cls == 'custom':
            return {'alpha': f32(rng.uniform(0.5, 3.0)), 'gamma': f32(rng.uniform(0.5, 2.0))}
        return {}
    if op == 'HardSigmoid':
        if cls == 'spelled-out':
            return {'alpha': f32(0.2), 'beta': 0.5}
        if cls == 'custom':
            return {'alpha': f32(rng.uniform(0.05, 1.0)), 'beta': f32(rng.uniform(-1.0, 1.5))}
        return {}
    if op == 'Gelu':
        return {'default': {}, 'none': {'approximate': 'none'},
                'tanh': {'approximate': 'tanh'}}[cls]
    return {}


def build_activation(spec, rng):
    op, dtype, variant = spec['op'], np.dtype(spec['dtype']), spec['variant']
    reach = REACH[op] * (2 if dtype == np.float64 else 1)
    if variant == 'sweep':
        x = V.sweep_values(rng, 2048, dtype, reach)
        shape, used = x.shape, []
    else:
        shape = random_shape(rng, spec['rank'])
        x = V.activation_values(rng, shape, dtype, reach)
        used = (V.sprinkle(rng, x, dtype, V.ELEMENTWISE_SPECIALS, 0.15)
                if variant == 'specials' else [])
    g = new_graph(rng, spec, symbolic=0.2 if len(shape) else 0)
    g.input('X', x)
    attrs = legacy_attrs(rng, op, spec['version'],
                         activation_attrs(rng, op, spec['attr_class'], spec['version']))
    g.output(g.node(op, ['X'], **attrs))
    v = op_version(op, g.opset)
    desc = (f"{op}-{v} {spec['dtype']} shape={list(shape)} {variant}"
            + (f' {attrs}' if attrs else ''))
    return Built(g, desc, {'attrs': attrs, 'shape': list(shape), 'variant': variant,
                           'specials': used})


# ------------------------------------------------------------- PRelu

PRELU_FORMS = ('scalar', 'one', 'channel', 'full', 'last', 'last2', 'full-ones')


def prelu_specs():
    specs = []
    for i, form in enumerate(PRELU_FORMS):
        for j, dtype in enumerate(FLOAT_TYPES):
            specs.append(dict(section='prelu', kind='op', op='PRelu', form=form, dtype=dtype,
                              version=(7, 9, 16)[(i + j) % 3], special=(i + j) % 2 == 1))
    for version in (1, 6):
        for form in ('one', 'full'):
            for dtype in FLOAT_TYPES:
                specs.append(dict(section='prelu', kind='op', op='PRelu', form=form, dtype=dtype,
                                  version=version, special=len(specs) % 2 == 0))
    return specs


def prelu_slope_shape(form, x_shape):
    if form == 'scalar':
        return ()
    if form == 'one':
        return (1,)
    if form == 'channel':
        return (x_shape[1],) + (1,) * (len(x_shape) - 2)
    if form == 'full':
        return x_shape
    if form == 'last':
        return x_shape[-1:]
    if form == 'last2':
        return x_shape[-2:]
    return (1, x_shape[1]) + (1,) * (len(x_shape) - 2)


def build_prelu(spec, rng):
    dtype = np.dtype(spec['dtype'])
    rank = int(rng.integers(3, 6)) if spec['form'] in ('channel', 'full-ones', 'last2') \
        else int(rng.integers(1, 6))
    x_shape = tuple(dims(rng, rank, 1, 7))
    s_shape = prelu_slope_shape(spec['form'], x_shape)
    x, used = float_input(rng, x_shape, dtype, spec['special'])
    pool = np.array([-0.5, 0.0, 0.25, 1.0, 2.5, -2.0])
    slope = np.where(rng.random(s_shape) < 0.5, rng.choice(pool, s_shape),
                     rng.uniform(-3.0, 3.0, s_shape))
    g = new_graph(rng, spec)
    g.input('X', x)
    s_as = 'initializer' if rng.random() < 0.7 else 'input'
    (g.init if s_as == 'initializer' else g.input)('slope', slope)
    attrs = legacy_attrs(rng, 'PRelu', spec['version'], {})
    g.output(g.node('PRelu', ['X', 'slope'], **attrs))
    desc = (f"PRelu-{op_version('PRelu', g.opset)} {spec['dtype']} X={list(x_shape)} "
            f"slope={list(s_shape)} ({spec['form']})" + (' specials' if used else ''))
    return Built(g, desc, {'form': spec['form'], 'X': list(x_shape), 'slope': list(s_shape),
                           'slope_as': s_as, 'specials': used})


# -------------------------------------------------------------- Clip

CLIP_ATTR_FORMS = ('min', 'max', 'both', 'neither')
CLIP_INPUT_FORMS = ('none', 'min', 'max-only', 'both', 'both-inputs')


def clip_specs():
    specs = []
    for version in (1, 6):
        for form in CLIP_ATTR_FORMS:
            for dtype in FLOAT_TYPES:
                specs.append(dict(section='clip', kind='op', op='Clip', version=version, form=form,
                                  dtype=dtype, special=len(specs) % 3 == 0))
    for i, form in enumerate(CLIP_INPUT_FORMS):
        for j, dtype in enumerate(FLOAT_TYPES):
            specs.append(dict(section='clip', kind='op', op='Clip',
                              version=(11, 12, 13)[(i + j) % 3], form=form, dtype=dtype,
                              special=False))
    for version in (11, 12, 13):
        for dtype in FLOAT_TYPES:
            specs.append(dict(section='clip-specials', kind='op', op='Clip', version=version,
                              form=CLIP_INPUT_FORMS[(version + len(specs)) % 5], dtype=dtype,
                              special=True))
    for i, dtype in enumerate(INT_TYPES):
        for j, form in enumerate(('both', 'max-only')):
            specs.append(dict(section='clip-int', kind='op', op='Clip',
                              version=(12, 13)[(i + j) % 2], form=form, dtype=dtype,
                              special=False))
    for version, dtype in ((6, 'float32'), (13, 'float64'), (13, 'int32')):
        specs.append(dict(section='clip-min-gt-max', kind='op', op='Clip', version=version,
                          form='min-gt-max', dtype=dtype, special=False))
    specs.append(dict(section='clip', kind='op', op='Clip', version=6, form='neither',
                      dtype='float64', special=True, huge=True))
    return specs


def clip_bounds(rng, dtype):
    if dtype.kind == 'f':
        return f32(rng.uniform(-3.0, 0.0)), f32(rng.uniform(0.0, 3.0))
    if dtype.kind == 'u':
        lo = int(rng.integers(0, 40))
        return lo, lo + int(rng.integers(0, 150))
    return int(rng.integers(-60, 1)), int(rng.integers(0, 61))


def build_clip(spec, rng):
    dtype = np.dtype(spec['dtype'])
    shape = random_shape(rng, int(rng.integers(0, 5)))
    if dtype.kind == 'f':
        x = V.activation_values(rng, shape, dtype, 4.0)
        used = (V.sprinkle(rng, x, dtype, V.ELEMENTWISE_SPECIALS, 0.15)
                if spec['special'] else [])
        if spec.get('huge'):        # Clip-6's default bounds are float32's range
            flat = x.reshape(-1)
            n = flat[::2].size
            flat[::2] = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(30, 300, n)
            used = used + ['beyond-float32']
    else:
        x, used = V.int_values(rng, shape, dtype), []
    lo, hi = clip_bounds(rng, dtype)
    form, version = spec['form'], spec['version']
    if version == 1 and dtype.kind == 'f':
        # Clip-1 documents no default for a missing bound: no bound at all,
        # or Clip-6's +-FLT_MAX? Only -inf/+inf and float64 values beyond
        # float32's range tell them apart, so they are left out on the
        # side without a bound.
        big = float(np.finfo(np.float32).max)
        if form not in ('min', 'both', 'min-gt-max'):
            x[x < -big] = -1e38
        if form not in ('max', 'both', 'min-gt-max'):
            x[x > big] = 1e38
    if form == 'min-gt-max':
        lo, hi = (f32(1.0), f32(-1.0)) if dtype.kind == 'f' else (5, -5)
    g = new_graph(rng, spec, symbolic=0.2 if shape else 0)
    g.input('X', x)
    inputs, attrs = ['X'], {}
    if version < 11:
        if form in ('min', 'both', 'min-gt-max'):
            attrs['min'] = lo
        if form in ('max', 'both', 'min-gt-max'):
            attrs['max'] = hi
        legacy_attrs(rng, 'Clip', version, attrs)
    else:
        as_input = form == 'both-inputs' or rng.random() < 0.2

        def bound(name, v):
            arr = np.array(v, dtype=dtype)
            return g.input(name, arr) if as_input else g.init(name, arr)
        if form in ('min', 'both', 'both-inputs', 'min-gt-max'):
            inputs.append(bound('min', lo))
        if form in ('max-only', 'both', 'both-inputs', 'min-gt-max'):
            if len(inputs) == 1:
                inputs.append('')           # no min, but a max
            inputs.append(bound('max', hi))
    g.output(g.node('Clip', inputs, **attrs))
    desc = (f"Clip-{op_version('Clip', g.opset)} {spec['dtype']} shape={list(shape)} ({form}) "
            f"inputs={inputs[1:]} {attrs or ''} min={lo} max={hi}" + (' specials' if used else ''))
    return Built(g, desc, {'form': form, 'shape': list(shape), 'min': lo, 'max': hi,
                           'attrs': attrs, 'inputs': inputs, 'specials': used})


# ------------------------------------------------ Softmax, LogSoftmax

AXIS_CLASSES = ('default', 'first', 'last', 'middle', 'negative')
SOFTMAX_VALUES = ('large', '-inf-rows', 'specials')


def softmax_specs():
    specs = []
    for op in ('Softmax', 'LogSoftmax'):
        for version in VERSIONS[op]:
            for cls in AXIS_CLASSES:
                if cls == 'negative' and version < 11:
                    continue
                for dtype in FLOAT_TYPES:
                    specs.append(dict(section='softmax', kind='op', op=op, version=version,
                                      axis_class=cls, values='plain', dtype=dtype,
                                      rank=len(specs) % 4 + 2))
            for values in SOFTMAX_VALUES:
                for dtype in FLOAT_TYPES:
                    specs.append(dict(section='softmax-values', kind='op', op=op, version=version,
                                      axis_class=AXIS_CLASSES[len(specs) % 4], values=values,
                                      dtype=dtype, rank=len(specs) % 3 + 1))
            specs.append(dict(section='softmax', kind='op', op=op, version=version,
                              axis_class='last', values='zero-size', dtype='float32', rank=3))
    return specs


def softmax_axis(rng, cls, rank, version):
    """(attribute value or None, the axis it means)."""
    default = -1 if version >= 13 else 1
    if cls == 'default':
        return None, default % rank
    if cls == 'first':
        return 0, 0
    if cls == 'last':
        return (rank - 1 if version < 11 or rng.random() < 0.5 else -1), rank - 1
    if cls == 'middle':
        a = int(rng.integers(0, rank))
        return a, a
    a = int(rng.integers(-rank, 0))
    return a, a % rank


def softmax_rows(rng, rows, n, dtype, kind):
    """(rows, n) values: each row is one set normalised together."""
    big = 3e37 if dtype == np.float32 else 1e306
    if kind == 'plain':
        return rng.uniform(-10, 10, (rows, n)), []
    u = rng.uniform(-10, 10, (rows, n))
    used = set()
    for r in range(rows):
        pick = rng.random()
        if kind == 'large':
            if pick < 0.4:       # exp overflows unless the maximum is taken off first
                u[r] = rng.uniform(1e3, 1e4) * rng.choice([-1, 1]) + rng.uniform(-30, 30, n)
                used.add('offset')
            elif pick < 0.7:     # values far apart: all but the largest vanish
                u[r] = rng.uniform(-big, big, n)
                used.add('huge')
            elif pick < 0.8:
                u[r] = rng.uniform(-1, 1) * big    # a row of one repeated value
                used.add('constant-row')
        elif kind == '-inf-rows':
            if pick < 0.3:
                u[r] = -np.inf
                used.add('all--inf')
            elif pick < 0.7:
                u[r, rng.random(n) < 0.5] = -np.inf
                used.add('some--inf')
        elif kind == 'specials':
            if pick < 0.25:
                u[r, rng.integers(n)] = np.nan
                used.add('nan')
            elif pick < 0.5:
                u[r, rng.integers(n)] = np.inf
                used.add('inf')
            elif pick < 0.7:
                u[r, rng.random(n) < 0.5] = -0.0
                used.add('-0')
            elif pick < 0.85:
                u[r] = [V.subnormal(rng, dtype) for _ in range(n)]
                used.add('subnormal')
    return u, sorted(used)


def build_softmax(spec, rng):
    op, version, dtype = spec['op'], spec['version'], np.dtype(spec['dtype'])
    rank = spec['rank']
    if spec['axis_class'] == 'default' and version < 13:
        rank = max(rank, 2)
    shape = list(dims(rng, rank, 1, 9))
    if spec['values'] == 'zero-size':
        shape[int(rng.integers(rank))] = 0
    attr, axis = softmax_axis(rng, spec['axis_class'], rank, version)
    # Lay the values out as (units, n): each unit is normalised together.
    if version >= 13:
        n = shape[axis]
        moved = shape[:axis] + shape[axis + 1:] + [n]
        units = int(np.prod(moved[:-1], dtype=np.int64))
        u, used = softmax_rows(rng, units, n, dtype, spec['values'] if n and units else 'plain')
        x = np.moveaxis(u.reshape(moved), -1, axis)
    else:
        units = int(np.prod(shape[:axis], dtype=np.int64))
        n = int(np.prod(shape[axis:], dtype=np.int64))
        u, used = softmax_rows(rng, units, n, dtype, spec['values'] if n and units else 'plain')
        x = u.reshape(shape)
    g = new_graph(rng, spec)
    g.input('X', x)
    attrs = {} if attr is None else {'axis': attr}
    y = g.node(op, ['X'], **attrs)
    g.output(y)
    if op == 'LogSoftmax':     # see reference.APPROX
        g.atol_floor[y] = 2 * float(np.finfo(dtype).eps) * max(1.0, float(np.log(max(n, 1))))
    desc = (f"{op}-{op_version(op, g.opset)} {spec['dtype']} shape={shape} axis={attr} "
            f"({spec['axis_class']}) {spec['values']}" + (f' {used}' if used else ''))
    return Built(g, desc, {'shape': shape, 'attrs': attrs, 'axis_class': spec['axis_class'],
                           'values': spec['values'], 'specials': used})


# ------------------------------------------------------------ Flatten

FLATTEN_AXES = ('default', 'zero', 'rank', 'middle', 'negative')


def flatten_specs():
    specs = []
    for version in VERSIONS['Flatten']:
        for cls in FLATTEN_AXES:
            if cls == 'negative' and version < 11:
                continue
            specs.append(dict(section='flatten', kind='op', op='Flatten', version=version,
                              axis_class=cls, dtype=FLOAT_TYPES[len(specs) % 2],
                              rank=len(specs) % 5 + 1))
    specs.append(dict(section='flatten', kind='op', op='Flatten', version=13, axis_class='zero',
                      dtype='float32', rank=0))
    for version, dtype in ((9, 'int64'), (13, 'uint8'), (21, 'int32')):
        specs.append(dict(section='flatten-int', kind='op', op='Flatten', version=version,
                          axis_class='middle', dtype=dtype, rank=3))
    return specs


def build_flatten(spec, rng):
    rank, dtype = spec['rank'], np.dtype(spec['dtype'])
    shape = random_shape(rng, rank)
    cls = spec['axis_class']
    axis = {'default': None, 'zero': 0, 'rank': rank,
            'middle': int(rng.integers(0, rank + 1)),
            'negative': int(rng.integers(-rank, 0)) if rank else 0}[cls]
    x = (V.int_values(rng, shape, dtype) if dtype.kind != 'f'
         else float_input(rng, shape, dtype, rng.random() < 0.3)[0])
    g = new_graph(rng, spec, symbolic=0.2 if rank else 0)
    g.input('X', x)
    attrs = {} if axis is None else {'axis': axis}
    g.output(g.node('Flatten', ['X'], **attrs))
    desc = (f"Flatten-{op_version('Flatten', g.opset)} {spec['dtype']} shape={list(shape)} "
            f"axis={axis}")
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs, 'axis_class': cls})


# ------------------------------------------------------------ Reshape

RESHAPE_FORMS = ('explicit', 'zero-copy', 'minus-one', 'zero-and-minus-one', 'to-scalar',
                 'from-scalar', 'zero-size')
ALLOWZERO_FORMS = ('allowzero-zero', 'allowzero-plain', 'allowzero-0-spelled-out')


def reshape_specs():
    specs = []
    for version in VERSIONS['Reshape']:
        forms = RESHAPE_FORMS if version >= 5 else RESHAPE_FORMS[:4]
        for form in forms:
            specs.append(dict(section='reshape', kind='op', op='Reshape', version=version,
                              form=form, dtype=FLOAT_TYPES[len(specs) % 2]))
        if version >= 14:
            for form in ALLOWZERO_FORMS:
                specs.append(dict(section='reshape', kind='op', op='Reshape', version=version,
                                  form=form, dtype=FLOAT_TYPES[len(specs) % 2]))
    for version, dtype in ((5, 'int64'), (13, 'int8'), (14, 'uint16')):
        specs.append(dict(section='reshape-int', kind='op', op='Reshape', version=version,
                          form='minus-one', dtype=dtype))
    return specs


def regroup(rng, in_shape):
    """A random shape with the same number of elements (no zeros)."""
    factors = []
    for d in in_shape:
        n, p = d, 2
        while n > 1:
            while n % p == 0:
                factors.append(p)
                n //= p
            p += 1
    rng.shuffle(factors)
    k = int(rng.integers(1, min(len(factors), 4) + 1)) if factors else 1
    out = [1] * k
    for f in factors:
        out[int(rng.integers(k))] *= f
    for _ in range(int(rng.integers(0, 2))):
        out.insert(int(rng.integers(len(out) + 1)), 1)
    return out


def reshape_case(rng, form):
    """(input shape, shape given, allowzero or None)."""
    if form == 'to-scalar':
        return tuple([1] * int(rng.integers(1, 4))), [], None
    if form == 'from-scalar':
        return (), [[1], [1, 1], [-1], [1, -1, 1]][int(rng.integers(4))], None
    if form in ('zero-size', 'allowzero-zero'):
        a, b = dims(rng, 2)
        if form == 'zero-size':
            return (a, 0, b), [[a * b, 0], [0, 0, b, 1], [b, 0, a]][int(rng.integers(3))], None
        return (a, 0, b), [0, a, b], 1
    in_shape = tuple(dims(rng, int(rng.integers(1, 5)), 1, 6))
    target = regroup(rng, in_shape)
    if form in ('zero-copy', 'zero-and-minus-one'):
        same = [i for i in range(min(len(in_shape), len(target))) if target[i] == in_shape[i]]
        if not same:        # make one: keep the first input dim in place
            rest = int(np.prod(in_shape[1:], dtype=np.int64))
            target = [in_shape[0]] + regroup(rng, (rest,))
            same = [0]
        for i in same:
            if rng.random() < 0.7 or i == same[0]:
                target[i] = 0
    if form in ('minus-one', 'zero-and-minus-one'):
        free = [i for i, d in enumerate(target) if d != 0]
        if free:
            target[free[int(rng.integers(len(free)))]] = -1
    allowzero = {'allowzero-plain': 1, 'allowzero-0-spelled-out': 0}.get(form)
    return in_shape, target, allowzero


def build_reshape(spec, rng):
    version, dtype = spec['version'], np.dtype(spec['dtype'])
    in_shape, target, allowzero = reshape_case(rng, spec['form'])
    x = (V.int_values(rng, in_shape, dtype) if dtype.kind != 'f'
         else float_input(rng, in_shape, dtype, rng.random() < 0.3)[0])
    g = new_graph(rng, spec, symbolic=0.2 if in_shape else 0)
    g.input('X', x)
    attrs, shape_as = {}, 'attribute'
    if version < 5:
        attrs['shape'] = target
        legacy_attrs(rng, 'Reshape', version, attrs)
        inputs = ['X']
    else:
        shape_as = 'input' if rng.random() < 0.15 else 'initializer'
        arr = np.array(target, np.int64)
        (g.init if shape_as == 'initializer' else g.input)('shape', arr, dtype=np.int64)
        inputs = ['X', 'shape']
    if allowzero is not None:
        attrs['allowzero'] = allowzero
    g.output(g.node('Reshape', inputs, **attrs))
    desc = (f"Reshape-{op_version('Reshape', g.opset)} {spec['dtype']} {list(in_shape)} -> "
            f"{target} ({spec['form']}, shape as {shape_as})"
            + (f' allowzero={allowzero}' if allowzero is not None else ''))
    return Built(g, desc, {'in_shape': list(in_shape), 'shape': target, 'attrs': attrs,
                           'shape_as': shape_as, 'form': spec['form']})


# ----------------------------------------------------------- Identity

def identity_specs():
    specs = []
    for version in VERSIONS['Identity']:
        for dtype in FLOAT_TYPES:
            specs.append(dict(section='identity', kind='op', op='Identity', version=version,
                              dtype=dtype, rank=len(specs) % 7, special=len(specs) % 3 == 1))
    for version, dtype in ((1, 'int64'), (14, 'int8'), (21, 'uint32')):
        specs.append(dict(section='identity-int', kind='op', op='Identity', version=version,
                          dtype=dtype, rank=2, special=False))
    return specs


def build_identity(spec, rng):
    dtype = np.dtype(spec['dtype'])
    shape = random_shape(rng, spec['rank'])
    x = (V.int_values(rng, shape, dtype) if dtype.kind != 'f'
         else float_input(rng, shape, dtype, spec['special'])[0])
    g = new_graph(rng, spec, symbolic=0.2 if shape else 0)
    g.input('X', x)
    g.output(g.node('Identity', ['X']))
    desc = f"Identity-{op_version('Identity', g.opset)} {spec['dtype']} shape={list(shape)}"
    return Built(g, desc, {'shape': list(shape)})


# ------------------------------------------------------------ Dropout

DROPOUT_INPUTS = ('none', 'ratio', 'ratio-and-mode', 'mode-only')


def dropout_specs():
    specs = []
    for version in VERSIONS['Dropout']:
        for mask in ((False,) if version < 7 else (False, True)):
            specs.append(dict(section='dropout', kind='op', op='Dropout', version=version,
                              mask=mask, inputs='none', dtype=FLOAT_TYPES[len(specs) % 2]))
    for version in (12, 13):
        for form in DROPOUT_INPUTS[1:]:
            specs.append(dict(section='dropout', kind='op', op='Dropout', version=version,
                              mask=len(specs) % 2 == 0, inputs=form,
                              dtype=FLOAT_TYPES[len(specs) % 2]))
    return specs


def build_dropout(spec, rng):
    version, dtype = spec['version'], np.dtype(spec['dtype'])
    shape = random_shape(rng, int(rng.integers(0, 5)))
    x, used = float_input(rng, shape, dtype, rng.random() < 0.3)
    g = new_graph(rng, spec, symbolic=0.2 if shape else 0)
    g.input('X', x)
    ratio = f32(rng.choice([0.0, 0.1, 0.5, 0.9]))
    attrs, inputs = {}, ['X']
    if version < 12:
        if rng.random() < 0.6:
            attrs['ratio'] = ratio
        if version < 7:
            attrs['is_test'] = 1
            legacy_attrs(rng, 'Dropout', version, attrs)
    else:
        if rng.random() < 0.3:
            attrs['seed'] = int(rng.integers(0, 1000))
        form = spec['inputs']
        if form in ('ratio', 'ratio-and-mode'):
            # ratio is T1, any float type: float32 even for float64 data.
            inputs.append(g.init('ratio', np.array(ratio, np.float32), dtype=np.float32))
        if form in ('ratio-and-mode', 'mode-only'):
            if len(inputs) == 1:
                inputs.append('')
            inputs.append(g.init('training_mode', np.array(False), dtype=np.bool_))
    outs = g.node('Dropout', inputs, outputs=[True, spec['mask']], **attrs)
    if spec['mask']:
        g.output(outs[0])
        g.output(outs[1])
    else:
        g.output(outs if isinstance(outs, str) else outs[0])
    desc = (f"Dropout-{op_version('Dropout', g.opset)} {spec['dtype']} shape={list(shape)} "
            f"mask={'yes' if spec['mask'] else 'no'} inputs={inputs[1:]} {attrs or ''}")
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs, 'inputs': inputs,
                           'mask': spec['mask'], 'specials': used})


# ----------------------------------------------------------- Constant

CONSTANT_FORMS = ('tensor', 'tensor-int64', 'tensor-empty', 'value_float', 'value_floats',
                  'value_int', 'value_ints')


def constant_specs():
    specs = []
    for version in VERSIONS['Constant']:
        forms = CONSTANT_FORMS if version >= 12 else CONSTANT_FORMS[:3] if version >= 9 else (
            'tensor', 'tensor-empty')
        for form in forms:
            specs.append(dict(section='constant', kind='op', op='Constant', version=version,
                              form=form, dtype=FLOAT_TYPES[len(specs) % 2]))
    return specs


def constant_attrs(rng, form, dtype):
    from onnx import numpy_helper
    if form in ('tensor', 'tensor-empty'):
        shape = random_shape(rng, int(rng.integers(0, 4)))
        if form == 'tensor-empty':
            shape = shape + (0,) if shape else (0,)
        arr, _ = float_input(rng, shape, dtype, rng.random() < 0.5)
        return {'value': numpy_helper.from_array(arr.astype(dtype), 'value')}
    if form == 'tensor-int64':
        arr = V.int_values(rng, random_shape(rng, int(rng.integers(0, 3))), np.int64)
        return {'value': numpy_helper.from_array(arr, 'value')}
    if form == 'value_float':
        return {'value_float': f32(rng.uniform(-10, 10))}
    if form == 'value_int':
        return {'value_int': int(rng.integers(-2 ** 40, 2 ** 40))}
    # Not empty: onnx.checker rejects an empty list attribute.
    n = int(rng.integers(1, 6))
    if form == 'value_floats':
        return {form: [f32(v) for v in rng.uniform(-10, 10, n)]}
    return {form: [int(v) for v in rng.integers(-1000, 1000, n)]}


def build_constant(spec, rng):
    g = new_graph(rng, spec, symbolic=0)
    attrs = constant_attrs(rng, spec['form'], np.dtype(spec['dtype']))
    g.output(g.node('Constant', [], **attrs))
    desc = f"Constant-{op_version('Constant', g.opset)} {spec['form']}"
    if spec['form'].startswith('tensor') and spec['form'] != 'tensor-int64':
        desc += f" {spec['dtype']}"
    shown = {k: (list(v.dims) if k == 'value' else v) for k, v in attrs.items()}
    return Built(g, desc, {'form': spec['form'], 'attrs': shown})


# ------------------------------------------------- BatchNormalization

BN_FORMS = ('plain', 'eps', 'var-zero', 'specials')


def bn_specs():
    specs = []
    for version in VERSIONS['BatchNormalization']:
        for dtype in FLOAT_TYPES:
            for form in ('plain', BN_FORMS[1 + len(specs) % 3]):
                specs.append(dict(section='batchnorm', kind='op', op='BatchNormalization',
                                  version=version, dtype=dtype, form=form,
                                  rank=len(specs) % 4 + 2, spatial=1))
    for version in (1, 6, 7):
        specs.append(dict(section='batchnorm-spatial0', kind='op', op='BatchNormalization',
                          version=version, dtype=FLOAT_TYPES[version % 2], form='plain', rank=4,
                          spatial=0))
    return specs


def build_bn(spec, rng):
    version, dtype, form = spec['version'], np.dtype(spec['dtype']), spec['form']
    shape = tuple(dims(rng, spec['rank'], 1, 7))
    c = shape[1]
    pshape = (c,) if spec['spatial'] else shape[1:]
    x = rng.uniform(-4, 4, shape)
    used = []
    if form == 'specials':
        used = V.sprinkle(rng, x, dtype, V.ELEMENTWISE_SPECIALS, 0.1)
    scale = rng.uniform(-2, 2, pshape)
    bias = rng.uniform(-2, 2, pshape)
    mean = rng.uniform(-2, 2, pshape)
    var = rng.uniform(0.1, 4, pshape)
    if form == 'var-zero':
        var.reshape(-1)[rng.random(var.size) < 0.5] = 0.0
    attrs = {}
    if form == 'eps' or rng.random() < 0.3:
        attrs['epsilon'] = f32(rng.choice([1e-5, 1e-3, 0.1, 1e-12]))
    if version < 7:
        attrs['is_test'] = 1
    if version < 9 and (not spec['spatial'] or rng.random() < 0.4):
        attrs['spatial'] = spec['spatial']
    if version >= 14 and rng.random() < 0.4:
        attrs['training_mode'] = 0
    if rng.random() < 0.3:
        attrs['momentum'] = f32(rng.choice([0.9, 0.99]))
    legacy_attrs(rng, 'BatchNormalization', version, attrs, 5)
    g = new_graph(rng, spec, op='BatchNormalization', symbolic=0.2)
    g.input('X', x)
    as_input = rng.random() < 0.2
    names = [(g.input if as_input else g.init)(n, v)
             for n, v in (('scale', scale), ('B', bias), ('mean', mean), ('var', var))]
    y = g.node('BatchNormalization', ['X'] + names, **attrs)
    g.output(y)
    # A runtime may fold the parameters into y = x * s + (B - mean * s): the
    # rounding is then relative to those terms, not to y.
    eps = float(np.float32(attrs.get('epsilon', 1e-5)))
    s = np.abs(scale) / np.sqrt(var + eps)
    bshape = pshape + (1,) * (len(shape) - 1 - len(pshape))
    xs = np.where(np.abs(x) <= 1e4, np.abs(x), 0)
    terms = xs * s.reshape(bshape) + (np.abs(mean) * s + np.abs(bias)).reshape(bshape)
    g.atol_floor[y] = 4 * float(np.finfo(dtype).eps) * float(terms.max(initial=0))
    desc = (f"BatchNormalization-{op_version('BatchNormalization', g.opset)} {spec['dtype']} "
            f"X={list(shape)} ({form}) {attrs}" + (' params as inputs' if as_input else ''))
    return Built(g, desc, {'shape': list(shape), 'attrs': attrs, 'form': form,
                           'params_as': 'input' if as_input else 'initializer', 'specials': used})


# ---------------------------------------------------------- invalid

INVALID_OPS = ('add-shapes', 'add-legacy-no-broadcast', 'add-legacy-axis', 'add-int8-opset13',
               'add-mixed-types', 'matmul-inner', 'matmul-batch', 'matmul-scalar',
               'reshape-two-minus-one', 'reshape-size', 'reshape-allowzero-minus-one',
               'flatten-axis', 'softmax-axis', 'prelu-slope', 'bn-param-shape',
               'gelu-opset13', 'sigmoid-int32', 'clip-bound-rank1', 'softmax-rank1-v11-default')


def invalid_op_specs():
    return [dict(section='invalid-op', kind='invalid-op', variant=v,
                 dtype=FLOAT_TYPES[i % 2]) for i, v in enumerate(INVALID_OPS)]


def build_invalid_op(spec, rng):
    v, dtype = spec['variant'], spec['dtype']
    a, b, c = dims(rng, 3, 2, 5)
    opset = int(rng.integers(13, 18))
    g = Graph(dtype, opset)
    attrs, rank = {}, 2
    if v == 'add-shapes':
        op, ins = 'Add', [g.input('A', np.zeros((a, b))), g.input('B', np.zeros((a + 1, b)))]
    elif v == 'add-legacy-no-broadcast':
        g.opset = 6
        op, ins = 'Add', [g.input('A', np.zeros((a, b))), g.input('B', np.zeros((b,)))]
    elif v == 'add-legacy-axis':
        g.opset = 6
        op, ins = 'Mul', [g.input('A', np.zeros((a, b, c))), g.input('B', np.zeros((b, c)))]
        attrs, rank = {'broadcast': 1, 'axis': 2}, 3
    elif v == 'add-int8-opset13':
        g.opset = 13
        op, ins = 'Add', [g.input('A', np.zeros((a, b)), dtype=np.int8),
                          g.input('B', np.zeros((a, b)), dtype=np.int8)]
    elif v == 'add-mixed-types':
        other = 'float64' if dtype == 'float32' else 'float32'
        op, ins = 'Sub', [g.input('A', np.zeros((a, b))),
                          g.input('B', np.zeros((a, b)), dtype=other)]
    elif v == 'matmul-inner':
        op, ins = 'MatMul', [g.input('A', np.zeros((a, b))), g.input('B', np.zeros((b + 1, c)))]
    elif v == 'matmul-batch':
        op, ins = 'MatMul', [g.input('A', np.zeros((2, a, b))), g.input('B', np.zeros((3, b, c)))]
        rank = 3
    elif v == 'matmul-scalar':
        op, ins = 'MatMul', [g.input('A', np.zeros(())), g.input('B', np.zeros((a, b)))]
    elif v == 'reshape-two-minus-one':
        op, ins = 'Reshape', [g.input('X', np.zeros((a, b, c))),
                              g.init('shape', np.array([-1, -1, c]), dtype=np.int64)]
        rank = 3
    elif v == 'reshape-size':
        op, ins = 'Reshape', [g.input('X', np.zeros((a, b))),
                              g.init('shape', np.array([a * b + 1]), dtype=np.int64)]
        rank = 1
    elif v == 'reshape-allowzero-minus-one':
        op, ins = 'Reshape', [g.input('X', np.zeros((a, 0, b))),
                              g.init('shape', np.array([0, -1]), dtype=np.int64)]
        g.opset, attrs = max(opset, 14), {'allowzero': 1}
    elif v == 'flatten-axis':
        op, ins, attrs = 'Flatten', [g.input('X', np.zeros((a, b, c)))], {'axis': 4}
    elif v == 'softmax-axis':
        op, ins, attrs = 'Softmax', [g.input('X', np.zeros((a, b)))], {'axis': 2}
    elif v == 'prelu-slope':
        op, ins = 'PRelu', [g.input('X', np.zeros((a, b + 1))), g.init('slope', np.ones((b,)))]
    elif v == 'bn-param-shape':
        ins = [g.input('X', np.zeros((a, b, c)))] + [
            g.init(n, np.ones((b + 1,))) for n in ('scale', 'B', 'mean', 'var')]
        op, rank = 'BatchNormalization', 3
    elif v == 'gelu-opset13':
        op, ins = 'Gelu', [g.input('X', np.zeros((a, b)))]
    elif v == 'sigmoid-int32':
        op, ins = 'Sigmoid', [g.input('X', np.zeros((a, b)), dtype=np.int32)]
    elif v == 'clip-bound-rank1':
        op, ins = 'Clip', [g.input('X', np.zeros((a, b))), g.init('min', np.zeros((2,)))]
    else:   # softmax-rank1-v11-default: axis 1 of a 1-D input
        g.opset = 11
        op, ins, rank = 'Softmax', [g.input('X', np.zeros((a,)))], 1
    g.invalid_output_rank = rank
    g.output(g.node(op, ins, **attrs))
    desc = f"invalid:{v} {op} opset {g.opset} {dtype} " + ' '.join(
        f"{i.name}={[d.dim_value for d in i.type.tensor_type.shape.dim]}" for i in g.inputs)
    return Built(g, desc, {'variant': v, 'attrs': attrs})


# ---------------------------------------------------------- dispatch

BUILDERS = {'MatMul': build_matmul, 'Add': build_arith, 'Sub': build_arith, 'Mul': build_arith,
            'Div': build_arith, 'PRelu': build_prelu, 'Clip': build_clip,
            'Softmax': build_softmax, 'LogSoftmax': build_softmax, 'Flatten': build_flatten,
            'Reshape': build_reshape, 'Identity': build_identity, 'Dropout': build_dropout,
            'Constant': build_constant, 'BatchNormalization': build_bn}
BUILDERS.update({op: build_activation for op in ACTIVATIONS})


def build_op(spec, rng):
    return BUILDERS[spec['op']](spec, rng)


def specs():
    return (matmul_specs() + arith_specs() + activation_specs() + prelu_specs() + clip_specs()
            + softmax_specs() + flatten_specs() + reshape_specs() + identity_specs()
            + dropout_specs() + constant_specs() + bn_specs())
