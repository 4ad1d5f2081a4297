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
