"""Input values for the differential cases.

Two runtimes that sum the same dot product in a different order (or with
FMA) round differently, and an elementwise rtol/atol check cannot tell that
from a bug where the result cancels to nearly zero. So most Gemm inputs are
"exact": multiples of 1/16 in [-4, 4], with alpha and beta of few
significant bits. Products and partial sums are then exact in float32 (up
to 21 bits at K = 300), and the result is rounded once, whatever the order.
"float" values (uniform in [-1, 1]) are used where the rounding error stays
far below the tolerance: float64, or float32 with K <= 24 and |alpha|,
|beta| <= 2. cases.stable_under_reordering checks each Gemm case against
other summation orders and redraws the few that are still sensitive.
Elementwise ops round once at most, so their inputs range over the whole
exponent range ("wide").
"""
import numpy as np

# Values sprinkled anywhere: how each propagates through Gemm does not
# depend on the order of the sum (Inf + -Inf is NaN in any order).
ORDER_FREE_SPECIALS = ('nan', 'inf', '-inf', '-0', 'subnormal')
FLOAT32_K_LIMIT = 24


def exact_values(rng, shape, coarse=False):
    """Multiples of 1/16 in [-4, 4]; coarse: multiples of 1/4 in [-2, 2]."""
    if coarse:
        return rng.integers(-8, 9, size=shape) / 4.0
    return rng.integers(-64, 65, size=shape) / 16.0


def float_values(rng, shape):
    return rng.uniform(-1.0, 1.0, size=shape)


def wide_values(rng, shape, dtype):
    """Random signs and mantissas, exponents over most of the normal range,
    and some exact zeros."""
    max_exp = 100 if dtype == np.float32 else 900
    size = int(np.prod(shape, dtype=np.int64))
    mant = rng.uniform(1.0, 2.0, size) * rng.choice([-1.0, 1.0], size)
    exps = rng.integers(-max_exp, max_exp + 1, size)
    small = rng.random(size) < 0.5      # half of them near 1, where bugs show
    exps[small] = rng.integers(-8, 9, int(small.sum()))
    vals = np.ldexp(mant, exps)
    vals[rng.random(size) < 0.05] = 0.0
    return vals.reshape(shape)


def subnormal(rng, dtype):
    info = np.finfo(dtype)
    tiny = float(info.smallest_normal)
    return float(rng.uniform(float(info.smallest_subnormal), tiny)) * rng.choice([-1.0, 1.0])


def special_value(rng, kind, dtype):
    if kind == 'nan':
        return np.nan
    if kind == 'inf':
        return np.inf
    if kind == '-inf':
        return -np.inf
    if kind == '-0':
        return -0.0
    if kind == 'subnormal':
        return subnormal(rng, dtype)
    if kind == 'max':
        return float(np.finfo(dtype).max) * float(rng.uniform(0.5, 1.0)) * rng.choice([-1.0, 1.0])
    raise ValueError(kind)


def sprinkle(rng, arr, dtype, kinds, fraction):
    """Overwrites about `fraction` of arr (at least one element) with special
    values of the given kinds; returns the kinds used."""
    flat = arr.reshape(-1)
    if flat.size == 0:
        return []
    count = max(1, int(round(fraction * flat.size)))
    where = rng.choice(flat.size, size=min(count, flat.size), replace=False)
    used = []
    for i in where:
        kind = str(rng.choice(kinds))
        flat[i] = special_value(rng, kind, dtype)
        used.append(kind)
    return sorted(set(used))


def huge(rng, dtype):
    """Large but with room: huge * 4 * the largest alpha (2^24 for float32,
    1e10 for float64) stays finite, huge * huge would not."""
    exp = 100 if dtype == np.float32 else 980
    return float(np.ldexp(1.0 + rng.integers(0, 4) / 4.0, exp)) * rng.choice([-1.0, 1.0])


def place_huge(rng, a_, b_, c, dtype):
    """Puts huge values in one of A', B' or C, at most one per dot product:
    two huge terms could cancel and leave only the (order-dependent) rounding
    of the small ones. A lone huge term absorbs the small ones exactly."""
    site = str(rng.choice(['A', 'B', 'C']))
    m, k = a_.shape
    n = b_.shape[1]
    if site == 'A' and m and k:
        for i in rng.choice(m, size=max(1, m // 3), replace=False):
            a_[i, rng.integers(k)] = huge(rng, dtype)
    elif site == 'B' and k and n:
        for j in rng.choice(n, size=max(1, n // 3), replace=False):
            b_[rng.integers(k), j] = huge(rng, dtype)
    elif site == 'C' and c is not None and c.size:
        flat = c.reshape(-1)
        flat[rng.integers(flat.size)] = huge(rng, dtype)
    else:
        return None
    return site


def zero_row(rng, a_):
    """A row of A' of signed zeros: the output row is alpha * (a sum of
    zeros) + beta * C, which is where the sign of zero shows."""
    if a_.size:
        i = rng.integers(a_.shape[0])
        a_[i, :] = rng.choice([-0.0, 0.0], size=a_.shape[1])


def gemm_specials(rng, a_, b_, c, dtype):
    """Special values for a Gemm case, given A' (M, K), B' (K, N) and C
    before any transposition; returns a description of what was put where."""
    used = {}
    for name, arr in (('A', a_), ('B', b_), ('C', c)):
        if arr is not None and arr.size and rng.random() < 0.7:
            used[name] = sprinkle(rng, arr, dtype, ORDER_FREE_SPECIALS, 0.04)
    if rng.random() < 0.5:
        site = place_huge(rng, a_, b_, c, dtype)
        if site:
            used.setdefault(site, []).append('huge')
    if rng.random() < 0.3:
        zero_row(rng, a_)
        used.setdefault('A', []).append('zero-row')
    return used


# --------------------------------------------- elementwise operators

def activation_values(rng, shape, dtype, reach):
    """Values for a transcendental function: a third where it bends
    (uniform in [-reach, reach]), a quarter over the whole exponent range,
    a fifth tiny (where f(x) ~ x or f(0) + x f'(0)), the rest small
    integers and halves (exact points, knees)."""
    size = int(np.prod(shape, dtype=np.int64))
    out = wide_values(rng, (size,), dtype)
    r = rng.random(size)
    bend = r < 0.35
    out[bend] = rng.uniform(-reach, reach, int(bend.sum()))
    tiny = (r >= 0.6) & (r < 0.8)
    n = int(tiny.sum())
    out[tiny] = (np.ldexp(rng.uniform(1.0, 2.0, n), rng.integers(-40, -1, n))
                 * rng.choice([-1.0, 1.0], n))
    grid = r >= 0.9
    out[grid] = rng.integers(-12, 13, int(grid.sum())) / 2.0
    return out.reshape(shape)


def sweep_values(rng, n, dtype, reach):
    """A dense sweep of [-reach, reach] (jittered), then a geometric one
    out to the type's range: measures an approximation's error everywhere."""
    lin = np.linspace(-reach, reach, n // 2) + rng.uniform(-0.5, 0.5, n // 2) * (2 * reach / n)
    top = 30 if dtype == np.float32 else 300
    mags = np.logspace(-top, top, n - n // 2) * rng.uniform(1.0, 1.1, n - n // 2)
    geo = mags * rng.choice([-1.0, 1.0], n - n // 2)
    return np.concatenate([lin, geo])


ELEMENTWISE_SPECIALS = ORDER_FREE_SPECIALS + ('max',)


# ---------------------------------------------------------- integers

def int_values(rng, shape, dtype, small=False):
    """Integers of dtype: mostly small ones (both signs when signed), some
    over the whole range and some at its ends (which wrap around)."""
    info = np.iinfo(dtype)
    size = int(np.prod(shape, dtype=np.int64))
    lo = max(int(info.min), -20)
    vals = rng.integers(lo, 21, size=size, endpoint=True).astype(dtype)
    if not small:
        r = rng.random(size)
        full = r < 0.3
        vals[full] = rng.integers(int(info.min), int(info.max), size=int(full.sum()),
                                  dtype=dtype, endpoint=True)
        ends = (r >= 0.3) & (r < 0.4)
        pool = np.array([info.min, info.min + 1, info.max - 1, info.max], dtype=dtype)
        vals[ends] = rng.choice(pool, int(ends.sum()))
    return vals.reshape(shape)


def safe_divisors(rng, a, b):
    """Makes b usable as a divisor of a (broadcast): no zeros, no INT_MIN / -1
    (both undefined in C and so in onnxruntime)."""
    b = b.copy()
    b[b == 0] = 1 if b.dtype.kind == 'u' else rng.choice([1, -1])
    if a.dtype.kind == 'i':
        lo = np.iinfo(a.dtype).min
        ab, bb = np.broadcast_arrays(a, b)
        bad = (ab == lo) & (bb == -1)
        if bad.any():
            # b may be broadcast: clear every -1 that meets an INT_MIN.
            flat_b = b.reshape(-1)
            idx = np.broadcast_to(np.arange(b.size).reshape(b.shape), ab.shape)[bad]
            flat_b[np.unique(idx)] = 2
    return b


# ------------------------------------------- float16, bfloat16, Cast

def half_values(rng, shape, special=False, fraction=0.15):
    """float16 values: random signs and mantissas over the whole exponent
    range (subnormals too), some zeros; with special, also NaN, +-inf, -0
    and the largest finite values."""
    size = int(np.prod(shape, dtype=np.int64))
    mant = rng.uniform(1.0, 2.0, size) * rng.choice([-1.0, 1.0], size)
    vals = np.ldexp(mant, rng.integers(-24, 16, size))
    small = rng.random(size) < 0.5
    vals[small] = np.ldexp(mant[small], rng.integers(-6, 7, int(small.sum())))
    vals[rng.random(size) < 0.05] = 0.0
    out = vals.astype(np.float16)
    if special and size:
        flat = out.reshape(-1)
        for i in rng.choice(size, max(1, int(round(fraction * size))), replace=False):
            flat[i] = rng.choice([np.nan, np.inf, -np.inf, -0.0, 65504.0, -65504.0,
                                  float(np.ldexp(rng.integers(1, 1024), -24))])
    return out.reshape(shape)


def bfloat16_values(rng, shape, special=False, fraction=0.15):
    """float32 values that bfloat16 holds exactly (their low 16 bits zero),
    over bfloat16's range (float32's), subnormals included; with special,
    also NaN, +-inf, -0 and the largest finite values."""
    x = wide_values(rng, shape, np.dtype(np.float32)).astype(np.float32)
    if special:
        sprinkle(rng, x, np.dtype(np.float32), ELEMENTWISE_SPECIALS, fraction)
    bits = np.array(x.view(np.uint32) & np.uint32(0xFFFF0000), np.uint32).reshape(x.shape)
    out = bits.view(np.float32).copy()
    out[np.isnan(x)] = np.nan
    return out


def bool_values(rng, shape):
    return rng.random(shape) < 0.5


# Cast's value classes. A float's exact value goes into round_to_format:
# the generator builds every value from the source type's own bits, so
# each is exactly representable there.

def format_of(name):
    import reference
    return reference.FLOAT_FORMATS[name]


def exponent(v):
    """floor(log2 |v|), exactly, for a nonzero int or finite float."""
    import math
    return abs(v).bit_length() - 1 if isinstance(v, int) else math.frexp(v)[1] - 1


def ulp_at(v, fmt):
    """The spacing of fmt at |v| (v != 0 finite, fmt-representable)."""
    p, emin, _ = format_of(fmt)
    top = exponent(v) if v else emin
    return 2.0 ** (max(top, emin) - (p - 1))


def random_of_format(rng, fmt, lo_exp=None, hi_exp=None):
    """A random finite value of fmt, exponent in [lo_exp, hi_exp] (the
    format's whole range by default, subnormals included)."""
    p, emin, emax = format_of(fmt)
    lo = emin - 1 if lo_exp is None else max(lo_exp, emin - 1)
    hi = emax if hi_exp is None else min(hi_exp, emax)
    e = int(rng.integers(lo, hi + 1))
    if e < emin:            # a subnormal: 1 .. 2^(p-1) - 1 quanta
        return float(np.ldexp(float(rng.integers(1, 2 ** (p - 1))), emin - (p - 1)))
    m = int(rng.integers(2 ** (p - 1), 2 ** p))
    return float(np.ldexp(float(m), e - (p - 1)))


def midpoints(rng, fmt, n, lo_exp=None, hi_exp=None, integer=False):
    """n values halfway between two neighbours of fmt: (2m + 1) 2^(q - 1)
    for a random m 2^q of fmt, exponent in [lo_exp, hi_exp]; a tenth of
    them at the top (halfway from the largest finite value to the next
    power of two: the overflow threshold, which rounds to infinity) and at
    the bottom (half the smallest subnormal, and 1.5 times it), where
    allowed. integer: only integers (q >= 1)."""
    p, emin, emax = format_of(fmt)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.1 and (hi_exp is None or hi_exp >= emax):
            m, q = 2 ** p - 1, emax - (p - 1)
        elif r < 0.2 and not integer and (lo_exp is None or lo_exp < emin):
            m, q = int(rng.integers(0, 2)), emin - (p - 1)
        else:
            v = random_of_format(rng, fmt, lo_exp, hi_exp)
            q = exponent(ulp_at(v, fmt))
            m = int(v / 2.0 ** q)
        if integer and q < 1:
            continue
        out.append((2 * m + 1) * 2 ** (q - 1) if q >= 1 else float(np.ldexp(2 * m + 1, q - 1)))
    return out


def next_down(v, fmt):
    """The largest value of fmt below the positive fmt value v."""
    p, emin, _ = format_of(fmt)
    top = exponent(v)
    step = 2.0 ** (max(top, emin) - (p - 1))
    if v == 2.0 ** top and top > emin:      # a power of two: the spacing below is half
        step /= 2
    return v - step


def float_to_int_values(rng, n, src, dst):
    """Values of the float type src whose truncation fits the integer type
    dst (the only ones the spec defines): fractions, halves, values just
    inside both ends, large magnitudes up to dst's width, and (unsigned)
    negative fractions above -1."""
    import reference as R
    info = np.iinfo(dst)
    p, _, emax = format_of(src)
    top = float(np.ldexp(2.0 ** p - 1, emax - (p - 1)))       # src's largest value
    lo, hi = max(float(info.min), -top), min(float(info.max), top)
    out = list(rng.uniform(max(lo, -300.0) - 0.99, min(hi, 300.0) + 0.99, n))
    out += [k + 0.5 for k in rng.integers(-6, 7, max(1, n // 8))]
    out += list(-rng.uniform(0, 1, max(1, n // 8)))
    bits = min(info.bits, emax + 1)
    for e in rng.integers(0, bits, n // 2):
        out.append(float(rng.uniform(1, 2)) * 2.0 ** int(e) * float(rng.choice([-1, 1])))
    for edge in (float(info.min), float(info.max)):
        if abs(edge) <= top:
            r = R.round_to_format(edge, src)
            out += [r, next_down(abs(r), src) * np.sign(r) if r else 0.0]
    out += [float(info.max) + 0.99, float(info.min) - 0.99, 0.0, -0.0,
            float(np.ldexp(1.0, -20)), -float(np.ldexp(1.0, -20))]
    vals = []
    for v in out:
        if not np.isfinite(v) or abs(v) > top:
            continue
        v = R.round_to_format(float(v), src)
        if math_trunc_fits(v, info):
            vals.append(v)
    return vals


def math_trunc_fits(v, info):
    import math
    return math.isfinite(v) and info.min <= math.trunc(v) <= info.max


def float_source_values(rng, n, src, dst, halfway=0.5):
    """Values of the float type src for a Cast to the float or bool type
    dst: the whole range of src, its special values and subnormals, and
    where dst is a different format, dst's halfway points (ties, to even)
    with the values of src on either side, dst's own values (exact), its
    overflow threshold and its subnormals; all with both signs. halfway:
    how many halfway points, per value."""
    import reference as R
    p, emin, emax = format_of(src)
    out = [random_of_format(rng, src) for _ in range(n // 3)]
    out += [random_of_format(rng, src, -4, 4) for _ in range(n // 6)]
    top = float(np.ldexp(2.0 ** p - 1, emax - (p - 1)))
    out += [np.nan, np.inf, -np.inf, 0.0, -0.0, top, -top, float(np.ldexp(1.0, emin - (p - 1))),
            float(np.ldexp(1.0, emin))]
    if dst in R.FLOAT_FORMATS and dst != src:
        _, demin, demax = format_of(dst)
        lo_exp, hi_exp = max(emin - p, demin - 1), min(emax, demax)
        for h in midpoints(rng, dst, int(n * halfway), lo_exp, hi_exp):
            out.append(h)
            if R.round_to_format(h, src) == h and h:
                u = ulp_at(h, src)
                out += [h + u, h - u]
        out += [random_of_format(rng, dst, lo_exp, hi_exp) for _ in range(n // 8)]
    vals = []
    for v in out:
        v = float(v) * float(rng.choice([-1.0, 1.0]))
        if np.isfinite(v):
            v = R.round_to_format(v, src)
        vals.append(v)
    return vals


def int_source_values(rng, n, src, dst, halfway=0.5):
    """Integers of src for a Cast to dst: over src's whole range and at
    its ends (which wrap around into a narrower integer), and for a float
    dst, integers halfway between two of dst's neighbours (ties, to even)
    and either side of them, up to dst's overflow threshold; zeros for a
    bool dst."""
    info = np.iinfo(src)
    out = [int(v) for v in int_values(rng, (n,), np.dtype(src))]
    if dst == 'bool':
        out += [0] * (n // 4)
    import reference as R
    if dst in R.FLOAT_FORMATS:
        p, _, demax = format_of(dst)
        hi_exp = min(demax, info.bits - 1)
        if hi_exp >= p:
            for h in midpoints(rng, dst, int(n * halfway), p, hi_exp, integer=True):
                out += [h, h + 1, h - 1, -h, -h - 1, -h + 1]
        if dst == 'float16':
            out += [65504, 65505, 65519, 65520, 65535, 2048, 2049, 2050, 2051, -65520, -65519]
    return [v for v in out if info.min <= v <= info.max]


def cast_values(rng, shape, src, dst, kind='mixed'):
    """An input for Cast from src to dst (type names): a tensor of src
    values, each with a result the spec defines (see reference.cast_element):
    no NaN, infinity or out-of-range value into an integer. kind 'mixed':
    every class of values; 'rounding': mostly dst's halfway points and
    their neighbours; 'double-rounding': only values whose rounding to
    float16 or bfloat16 depends on whether they are rounded to float32
    first, which the others leave out (a known onnxc failure: see
    oracle.py and tensor_cases.KNOWN_FAILURES). bfloat16 comes as float32
    holding bfloat16 values."""
    import reference as R
    size = int(np.prod(shape, dtype=np.int64))
    n = max(size, 24)
    halfway = {'mixed': 0.5, 'rounding': 2.0, 'double-rounding': 8.0}[kind]
    if src == 'bool':
        vals = [bool(b) for b in rng.random(n) < 0.5]
    elif src in R.FLOAT_FORMATS:
        if dst in R.FLOAT_FORMATS or dst == 'bool':
            vals = float_source_values(rng, n, src, dst, halfway)
        else:
            vals = float_to_int_values(rng, n, src, dst)
    else:
        vals = int_source_values(rng, n, src, dst, halfway)
    kept = []
    for v in vals:
        try:
            R.cast_element(v, dst)
        except R.UndefinedCase:
            continue
        twice = src not in ('float32', 'float16', 'bfloat16') and R.rounds_twice_differently(v, dst)
        if twice == (kind == 'double-rounding'):
            kept.append(v)
    pick = [kept[i] for i in rng.choice(len(kept), size, replace=size > len(kept))] if size else []
    dtype = np.float32 if src == 'bfloat16' else np.dtype(src)
    return np.array(pick, dtype=dtype).reshape(shape)
