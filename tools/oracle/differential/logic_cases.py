"""Single-node cases of the comparison, logic and sign operators, Where,
Mod and BitShift: Equal, Greater, Less, GreaterOrEqual, LessOrEqual, And,
Or, Xor, Not, Neg, Abs, Sign, Where, Mod (fmod 0 and 1), BitShift (LEFT,
RIGHT).

Every version runs in models of each opset it spans (1-21), on every
element type its spec allows of those the suite holds (tensor_cases.TYPES;
bfloat16 fed as float32 and cast, as there). Binary operators take the
broadcast pairs of the arithmetic operators (op_cases.PAIRS) from version
7, and the legacy `broadcast`/`axis` forms (op_cases.LEGACY) at version 1.
Float operands are drawn half from a small pool (so that equal elements
are common: +-0, +-1, 2, 0.5, NaN, +-inf, the largest finite value, a
subnormal), half over the whole range.

specs() enumerates the matrix; build_logic_op() draws shapes and values."""
import numpy as np

import values as V
from graph import Built
from op_cases import LEGACY, PAIRS, legacy_shapes, pair_shapes
from reference import TYPE_NUMBERS, VERSIONS, op_version
from tensor_cases import emit, feed, new_graph, tensor_values, types_at

COMPARE = ('Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual')
LOGIC = ('And', 'Or', 'Xor')
UNARY = ('Not', 'Neg', 'Abs', 'Sign')
BINARY = COMPARE + LOGIC + ('Mod', 'BitShift')
OPS = COMPARE + LOGIC + UNARY + ('Where',)   # + Mod, BitShift (own specs)
UNARY_RANKS = ((), (1,), (5,), (0,), (3, 4), (2, 3, 4), (1, 2, 1, 3, 2))


def pool(dtype):
    if dtype in ('float32', 'float64', 'float16', 'bfloat16'):
        big = {'float16': 65504.0, 'bfloat16': 3.3895313892515355e38,
               'float32': float(np.finfo(np.float32).max),
               'float64': float(np.finfo(np.float64).max)}[dtype]
        tiny = {'float16': 2.0 ** -24, 'bfloat16': 2.0 ** -133, 'float32': 2.0 ** -149,
                'float64': 5e-324}[dtype]
        return [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, np.nan, np.inf, -np.inf, big, -big, tiny]
    if dtype == 'bool':
        return [False, True]
    info = np.iinfo(dtype)
    return [0, 1, 2, 7, int(info.max), int(info.min)] + ([-1, -2, -7] if info.min else [])


def operand(rng, shape, dtype, pooled=0.5):
    """Values of dtype, about `pooled` of them from pool(dtype)."""
    x = np.array(tensor_values(rng, shape, dtype))
    if x.size and dtype != 'bool':
        store = 'float32' if dtype == 'bfloat16' else dtype
        p = np.array(pool(dtype), dtype=store)
        m = rng.random(x.shape) < pooled
        x[m] = rng.choice(p, int(m.sum()))
    return x


def binary_specs(op):
    specs = []
    for version in VERSIONS[op]:
        types = types_at(op, version)
        forms = LEGACY if version == 1 else PAIRS
        for i, t in enumerate(types):
            specs.append(dict(section='logic', kind='logic', op=op, version=version, dtype=t,
                              form=forms[(i + version) % len(forms)]))
        # every broadcast form once, at a rotating type
        for i, form in enumerate(forms):
            specs.append(dict(section='logic-broadcast', kind='logic', op=op, version=version,
                              dtype=types[(i * 5 + version) % len(types)], form=form))
    return specs


def unary_specs(op):
    specs = []
    for version in VERSIONS[op]:
        for i, t in enumerate(types_at(op, version)):
            for j in range(7 if op == 'Not' else 2):
                specs.append(dict(section='logic-unary', kind='logic', op=op, version=version,
                                  dtype=t, form=(i + j * 3) % len(UNARY_RANKS)))
    return specs


def where_specs():
    specs = []
    for version in VERSIONS['Where']:
        types = types_at('Where', version)
        for i, t in enumerate(types):
            specs.append(dict(section='where', kind='logic', op='Where', version=version,
                              dtype=t, form=PAIRS[(i + version) % len(PAIRS)]))
        for i, form in enumerate(PAIRS):
            specs.append(dict(section='where-broadcast', kind='logic', op='Where',
                              version=version, dtype=types[(i * 5 + version) % len(types)],
                              form=form))
    return specs


def mod_specs():
    specs = []
    for version in VERSIONS['Mod']:
        types = types_at('Mod', version)
        for i, t in enumerate(types):
            fmods = (1,) if t in ('float32', 'float64', 'float16', 'bfloat16') else (0, 1)
            for f in fmods:
                specs.append(dict(section='mod', kind='logic', op='Mod', version=version,
                                  dtype=t, fmod=f, form=PAIRS[(i + f + version) % len(PAIRS)]))
        for i, form in enumerate(PAIRS):
            t = types[(i * 5 + version) % len(types)]
            specs.append(dict(section='mod-broadcast', kind='logic', op='Mod', version=version,
                              dtype=t, fmod=1 if t in ('float32', 'float64', 'float16',
                                                       'bfloat16') else i % 2, form=form))
    return specs


def bitshift_specs():
    specs = []
    for i, t in enumerate(types_at('BitShift', 11)):
        for d in ('LEFT', 'RIGHT'):
            for j in range(3):
                specs.append(dict(section='bitshift', kind='logic', op='BitShift', version=11,
                                  dtype=t, direction=d,
                                  form=PAIRS[(i * 3 + j * 7 + len(d)) % len(PAIRS)]))
    return specs


def all_specs():
    out = []
    for op in COMPARE + LOGIC:
        out += binary_specs(op)
    for op in UNARY:
        out += unary_specs(op)
    return out + where_specs() + mod_specs() + bitshift_specs()


def refused_half(spec):
    """onnxc refuses float16 and bfloat16 for every operator here but Where
    ("element type float16 of A is not supported"), although the spec
    allows them: a missing kernel, not a wrong result. Those cases are
    kept out of the default plan (generate.py --logic-half adds them)."""
    return spec['dtype'] in ('float16', 'bfloat16') and spec['op'] != 'Where'


def specs():
    return [s for s in all_specs() if not refused_half(s)]


def half_specs():
    return [s for s in all_specs() if refused_half(s)]


def shapes(spec, rng):
    if spec['version'] == 1 and spec['op'] in COMPARE + LOGIC:
        return legacy_shapes(spec['form'], rng)
    a, b = pair_shapes(spec['form'], rng)
    return a, b, {}


def divisors(rng, a, b, dtype):
    """b with no zero integer divisor, nor INT_MIN % -1 (C leaves it
    undefined for fmod=1)."""
    if dtype not in ('bfloat16', 'bool') and np.dtype(dtype).kind in 'iu':
        return V.safe_divisors(rng, a, b)
    return b


def build_logic_op(spec, rng):
    op, dtype, version = spec['op'], spec['dtype'], spec['version']
    g = new_graph(rng, spec)
    attrs = {}
    if op in UNARY:
        shape = UNARY_RANKS[spec['form']]
        v = operand(rng, shape, dtype)
        if op == 'Sign' and dtype not in ('bool',) and v.dtype.kind == 'f':
            # The spec gives no sign of NaN (onnxruntime's float16 Sign
            # returns 0, its float32 one NaN): none generated.
            v[np.isnan(v)] = 1.0
        x = feed(g, 'X', v, dtype)
        y = g.node(op, [x])
        emit(g, y, dtype)
        desc = f"{op}-{op_version(op, g.opset)} {dtype} {list(shape)}"
        return Built(g, desc, {'shape': list(shape), 'attrs': attrs})
    a_shape, b_shape, attrs = shapes(spec, rng)
    form = ('legacy:' if version == 1 and op in COMPARE + LOGIC else '') + spec['form']
    if op == 'Where':
        x = operand(rng, a_shape, dtype)
        y = operand(rng, b_shape, dtype)
        out_shape = np.broadcast_shapes(a_shape, b_shape)
        c_shape = tuple(d if rng.random() < 0.6 else 1 for d in out_shape)
        c_shape = c_shape[int(rng.integers(0, len(c_shape) + 1)):] if c_shape else ()
        c = V.bool_values(rng, c_shape)
        g.input('C', np.asarray(c), dtype=np.bool_)
        xs = feed(g, 'X', x, dtype)
        ys = feed(g, 'Y', y, dtype, 'initializer' if rng.random() < 0.3 else 'input')
        emit(g, g.node('Where', ['C', xs, ys]), dtype)
        desc = (f"Where-{op_version(op, g.opset)} {dtype} C{list(c_shape)} X{list(a_shape)} "
                f"Y{list(b_shape)} ({form})")
        return Built(g, desc, {'form': form, 'C': list(c_shape), 'X': list(a_shape),
                               'Y': list(b_shape), 'attrs': attrs})
    a = operand(rng, a_shape, dtype)
    b = operand(rng, b_shape, dtype)
    if op == 'Mod':
        attrs['fmod'] = spec['fmod']
        b = divisors(rng, a, b, dtype)
    if op == 'BitShift':
        attrs['direction'] = spec['direction']
        bits = np.dtype(dtype).itemsize * 8
        b = rng.integers(0, bits, size=b_shape).astype(dtype)
    an = feed(g, 'A', a, dtype)
    bn = feed(g, 'B', b, dtype, 'initializer' if rng.random() < 0.3 else 'input')
    y = g.node(op, [an, bn], **attrs)
    emit(g, y, dtype if op in ('Mod', 'BitShift') else 'bool')
    desc = (f"{op}-{op_version(op, g.opset)} {dtype} {list(a_shape)} {list(b_shape)} ({form})"
            + (f" {attrs}" if attrs else ''))
    return Built(g, desc, {'form': form, 'A': list(a_shape), 'B': list(b_shape),
                           'attrs': attrs})
