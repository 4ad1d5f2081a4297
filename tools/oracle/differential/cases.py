"""The case builders. A spec (a dict) fixes what the coverage matrix
enumerates; each builder draws the rest (dims, values, scales) from the
case's own RNG and returns a Built: the graph plus what meta.json says.

Opset ranges map to operator versions: a model of opset 8 runs Gemm-7.
Models of opsets 1-6 are built too; where onnxruntime has no kernel for
them (oracle.py) the NumPy reference stands in for it."""
import numpy as np

import reference
import values as V
from graph import Built, Graph
from reference import op_version

# Gemm-1 and Gemm-6 mean the same (C broadcasts only with broadcast=1):
# one entry covers both.
GEMM_RANGES = {6: (1, 6), 7: (7, 8), 9: (9, 10), 11: (11, 12), 13: (13, 21)}
RELU_RANGES = ((1, 6), (7, 12), (13, 13), (14, 21))
LEAKY_RANGES = ((1, 6), (7, 15), (16, 21))
GRAPH_RANGES = ((1, 6), (7, 12), (13, 15), (16, 21))
C_FORMS = ('none', '[]', '[1]', '[N]', '[1,N]', '[M,1]', '[M,N]')
SCALE_CLASSES = ('zero', 'one', 'negative', 'large', 'random')
LEAKY_ALPHAS = ('default', 'zero', '0.01', 'negative', 'gt1')
PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61)
DTYPES = ('float32', 'float64')


def f32(x):
    """Attribute values are float32: store exactly what the model holds."""
    return float(np.float32(x))


def pick_opset(rng, lo_hi):
    return int(rng.integers(lo_hi[0], lo_hi[1] + 1))


def random_dim(rng):
    r = rng.random()
    if r < 0.1:
        return 1
    if r < 0.5:
        return int(rng.choice(PRIMES))
    return int(rng.integers(2, 64))


def random_shape(rng, rank, max_elems=2048):
    dims = [int(rng.choice((1, 2, 3, 4, 5, 7, 8, 11, 13, 16))) for _ in range(rank)]
    if rank and rng.random() < 0.04:
        dims[rng.integers(rank)] = 0
    while int(np.prod(dims, dtype=np.int64)) > max_elems:
        i = int(np.argmax(dims))
        dims[i] = max(1, dims[i] // 2)
    return tuple(dims)


# ------------------------------------------------------------------ Gemm

def scale_value(rng, cls, exact, dtype):
    """alpha or beta of a class, a float32 value. Exact ones have at most
    three significant bits; large ones are 2^20..2^24 with two bits for
    float32, 1e10-sized with up to 24 bits for float64, so that alpha * acc
    stays exact in the tensor type."""
    if cls == 'zero':
        return 0.0
    if cls == 'one':
        return 1.0
    if cls == 'large':
        pool = ((2.0 ** 20, 1.5 * 2 ** 22, 2.0 ** 24, -(2.0 ** 20)) if dtype == 'float32'
                else (1e10, 3e9, 2.0 ** 30, -1e10))
        return f32(rng.choice(pool))
    sign = -1.0 if cls == 'negative' or rng.random() < 0.3 else 1.0
    if exact:
        return sign * (1 + int(rng.integers(0, 4)) / 4) * 2.0 ** int(rng.integers(-3, 4))
    return f32(sign * rng.uniform(0.1, 2.0))


def c_shape(form, m, n):
    return {'[]': (), '[1]': (1,), '[N]': (n,), '[1,N]': (1, n), '[M,1]': (m, 1),
            '[M,N]': (m, n)}[form]


def gemm_dims(spec, rng):
    if spec.get('dims'):
        return spec['dims']
    m, k, n = random_dim(rng), random_dim(rng), random_dim(rng)
    # A square output is where a 1-D C read as a column, or a [M,1] C read
    # as a row, goes unnoticed by the shapes: make it common.
    if spec['c_form'] in ('[1]', '[N]', '[1,N]', '[M,1]') and rng.random() < 0.5:
        n = m
    return m, k, n


def gemm_exact(spec, rng, k, alpha_cls, beta_cls):
    if 'large' in (alpha_cls, beta_cls):
        return True
    if spec['dtype'] == 'float32' and k > V.FLOAT32_K_LIMIT:
        return True
    return rng.random() < 0.65


def gemm_attrs(rng, spec, alpha, beta):
    """Attributes, sometimes leaving defaults implicit and sometimes
    spelling them out: both must mean the same."""
    attrs = {}
    for name, val, default in (('alpha', alpha, 1.0), ('beta', beta, 1.0),
                               ('transA', spec['transA'], 0), ('transB', spec['transB'], 0)):
        if val != default or rng.random() < 0.5:
            attrs[name] = val
    if spec['version'] == 6:
        if spec['broadcast'] or rng.random() < 0.5:
            attrs['broadcast'] = spec['broadcast']
    return attrs


def fill_gemm_spec(spec, rng):
    """Draws whatever the section left open."""
    spec = dict(spec)
    spec.setdefault('transA', int(rng.integers(2)))
    spec.setdefault('transB', int(rng.integers(2)))
    if 'c_form' not in spec:
        forms = C_FORMS if spec['version'] >= 11 else C_FORMS[1:]
        spec['c_form'] = str(rng.choice(forms))
    if spec['version'] == 6 and 'broadcast' not in spec:
        spec['broadcast'] = int(spec['c_form'] != '[M,N]' or rng.random() < 0.5)
    spec.setdefault('alpha_class', str(rng.choice(SCALE_CLASSES)))
    spec.setdefault('beta_class', str(rng.choice(SCALE_CLASSES)))
    spec.setdefault('special', bool(rng.random() < 0.3))
    return spec


class GemmValues:
    """alpha, beta and A' (M, K), B' (K, N), C for one Gemm case."""

    def __init__(self, rng, spec, dims, exact, attempt):
        dtype = np.dtype(spec['dtype'])
        m, k, n = dims
        self.alpha = scale_value(rng, spec['alpha_class'], exact, spec['dtype'])
        self.beta = scale_value(rng, spec['beta_class'], exact, spec['dtype'])
        # Later attempts use fewer bits per value (see stable_under_reordering).
        coarse = attempt >= 4
        gen = (lambda r, s: V.exact_values(r, s, coarse)) if exact else V.float_values
        self.a_, self.b_ = gen(rng, (m, k)), gen(rng, (k, n))
        self.c = None
        if spec['c_form'] != 'none':
            # A bias on the scale of alpha * A'B': with a huge alpha, a C
            # finer than alpha's grid would make the sums inexact.
            scale = 2.0 ** np.floor(np.log2(abs(self.alpha))) if abs(self.alpha) > 16 else 1.0
            self.c = gen(rng, c_shape(spec['c_form'], m, n)) * scale
        self.specials = (V.gemm_specials(rng, self.a_, self.b_, self.c, dtype)
                         if spec['special'] else {})
        # Cast now: the filter must see the values the model will hold.
        self.a_, self.b_ = self.a_.astype(dtype), self.b_.astype(dtype)
        if self.c is not None:
            self.c = self.c.astype(dtype)


def stable_under_reordering(v):
    """Whether the result stays within tolerance of the exact one however
    the sums are ordered (reference.STABILITY_ORDERS); if not, the case is
    redrawn."""
    exact, _ = reference.gemm_exact(v.a_, v.b_, v.c, np.float32(v.alpha), np.float32(v.beta))
    return all(reference.within_tolerance(
        reference.gemm_ordered(v.a_, v.b_, v.c, np.float32(v.alpha), np.float32(v.beta), order),
        exact) for order in reference.STABILITY_ORDERS)


def draw_gemm_values(spec, rng, dims):
    exact = gemm_exact(spec, rng, dims[1], spec['alpha_class'], spec['beta_class'])
    for attempt in range(12):
        v = GemmValues(rng, spec, dims, exact, attempt)
        if stable_under_reordering(v):
            return v, exact, attempt
    raise RuntimeError(f'no order-stable values for {spec} {dims}')


def build_gemm(spec, rng):
    spec = fill_gemm_spec(spec, rng)
    dtype, version = spec['dtype'], spec['version']
    m, k, n = gemm_dims(spec, rng)
    v, exact, redraws = draw_gemm_values(spec, rng, (m, k, n))
    alpha, beta, a_, b_, c, specials = v.alpha, v.beta, v.a_, v.b_, v.c, v.specials

    g = Graph(dtype, pick_opset(rng, GEMM_RANGES[version]), rng.random() < 0.2)
    g.input('A', a_.T if spec['transA'] else a_)
    # A constant B is a weight: runtimes may prepack it when loading.
    b_how = 'initializer' if rng.random() < 0.3 else 'input'
    b = b_.T if spec['transB'] else b_
    if b_how == 'initializer':
        g.init('B', b)
    else:
        g.input('B', b)
    inputs = ['A', 'B']
    c_how = 'absent'
    if c is not None:
        # A constant bias is the common case in exported models.
        if rng.random() < 0.3:
            c_how = 'initializer'
            g.init('C', c)
        else:
            c_how = 'input'
            g.input('C', c)
        inputs.append('C')
    elif rng.random() < 0.5:
        inputs.append('')       # an optional input named '' is absent too
        c_how = "absent ('')"
    attrs = gemm_attrs(rng, spec, alpha, beta)
    g.output(g.node('Gemm', inputs, **attrs))

    desc = (f"Gemm-{op_version('Gemm', g.opset)} {dtype} transA={spec['transA']} "
            f"transB={spec['transB']} C={spec['c_form']} alpha={alpha:g} beta={beta:g} "
            f"M={m} K={k} N={n}" + (f" broadcast={spec['broadcast']}" if version == 6 else '')
            + (' specials' if specials else ''))
    details = {'attrs': attrs, 'M': m, 'K': k, 'N': n, 'C': spec['c_form'], 'C_as': c_how,
               'B_as': b_how,
               'alpha_class': spec['alpha_class'], 'beta_class': spec['beta_class'],
               'values': 'exact' if exact else 'float', 'specials': specials,
               'redraws': redraws}
    return Built(g, desc, details)


# ------------------------------------------------------ Relu, LeakyRelu

def leaky_alpha(rng, cls):
    if cls == 'default':
        return None
    if cls == 'zero':
        return 0.0
    if cls == '0.01':
        return f32(0.01)
    if cls == 'negative':
        return f32(rng.choice([-0.5, -2.0, rng.uniform(-3.0, -0.001)]))
    return f32(rng.choice([1.5, 2.0, 10.0, rng.uniform(1.0, 100.0)]))


def build_unary(spec, rng):
    op, dtype, rank = spec['op'], spec['dtype'], spec['rank']
    shape = spec.get('shape') or random_shape(rng, rank)
    x = V.wide_values(rng, shape, np.dtype(dtype))
    used = (V.sprinkle(rng, x, np.dtype(dtype), V.ORDER_FREE_SPECIALS + ('max',), 0.2)
            if spec['special'] else [])
    g = Graph(dtype, pick_opset(rng, spec['opsets']), rank > 0 and rng.random() < 0.2)
    g.input('X', x)
    attrs = {}
    if op == 'LeakyRelu':
        alpha = leaky_alpha(rng, spec['alpha_class'])
        if alpha is not None:
            attrs['alpha'] = alpha
    g.output(g.node(op, ['X'], **attrs))
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} shape={list(shape)}"
            + (f" alpha={attrs.get('alpha', 'default')}" if op == 'LeakyRelu' else '')
            + (' specials' if used else ''))
    details = {'attrs': attrs, 'shape': list(shape), 'values': 'wide', 'specials': used,
               'alpha_class': spec.get('alpha_class')}
    return Built(g, desc, details)


# ----------------------------------------------------- invalid models

# Models both runtimes must refuse (onnxc with exit 2 and one line).
INVALID = ('c-1d-column', 'c-wrong-rows', 'c-wrong-cols', 'c-rank3', 'k-mismatch',
           'v6-no-broadcast', 'c-missing-v9', 'a-rank3', 'mixed-dtype')


def invalid_shapes(variant, m, k, n):
    """(A shape, B shape, C shape or None) for an invalid variant."""
    a, b, c = (m, k), (k, n), (m, n)
    if variant == 'c-1d-column':
        c = (m,)                # M != N: a 1-D C is a row of N, not a column
    elif variant == 'c-wrong-rows':
        c = (m + 1, n)
    elif variant == 'c-wrong-cols':
        c = (m, n + 1)
    elif variant == 'c-rank3':
        c = (1, m, n)
    elif variant == 'k-mismatch':
        b = (k + 1, n)
    elif variant == 'v6-no-broadcast':
        c = (n,)
    elif variant == 'c-missing-v9':
        c = None
    elif variant == 'a-rank3':
        a = (1, m, k)
    return a, b, c


def build_invalid(spec, rng):
    dtype, variant = spec['dtype'], spec['variant']
    m = int(rng.integers(2, 9))
    n, k = m + int(rng.integers(1, 5)), int(rng.integers(1, 9))
    version = {'v6-no-broadcast': 6, 'c-missing-v9': 9}.get(variant) or int(rng.choice([7, 9, 11, 13]))
    a_shape, b_shape, c_shp = invalid_shapes(variant, m, k, n)
    g = Graph(dtype, pick_opset(rng, GEMM_RANGES[version]))
    g.input('A', V.exact_values(rng, a_shape))
    other = 'float64' if dtype == 'float32' else 'float32'
    g.input('B', V.exact_values(rng, b_shape), dtype=other if variant == 'mixed-dtype' else None)
    inputs = ['A', 'B']
    if c_shp is not None:
        inputs.append(g.input('C', V.exact_values(rng, c_shp)))
    attrs = {'broadcast': 1} if version == 6 and variant != 'v6-no-broadcast' else {}
    g.output(g.node('Gemm', inputs, **attrs))
    desc = (f"invalid:{variant} Gemm-{op_version('Gemm', g.opset)} {dtype} A={list(a_shape)} "
            f"B={list(b_shape)} C={list(c_shp) if c_shp is not None else 'absent'}")
    return Built(g, desc, {'variant': variant, 'attrs': attrs})
