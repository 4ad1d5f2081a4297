"""A NumPy evaluator for the three operators, used where onnxruntime cannot
serve as the reference (opset 6, which it refuses to load; float64
LeakyRelu-6, which it has no kernel for; Gemm with K = 0, where it ignores
beta), and to say which side a disagreement is on.

It reads the ModelProto, not the generator's notes, so it checks the model
as the runtimes see it. Each node computes in a wider type and rounds once
to the tensor type: float64 for elementwise ops (a float32 product is exact
there), long double for Gemm's dot products.

Given an `order`, Gemm instead computes in the tensor type, summing in that
order: the generator uses this to reject cases whose result depends on the
order (see STABILITY_ORDERS).

Each node also marks the zeros whose sign is implementation-defined: a
Gemm whose exact result is a nonzero too small for the type rounds to -0
or +0 depending on whether the last step is a fused multiply-add; the
marks follow the value through Relu and LeakyRelu, and any zero of a Gemm
fed a marked value is marked too.

Conventions where the spec is loose, chosen to match the usual reading:
 - Gemm with beta == 0 ignores C, NaN and Inf included (BLAS, onnxruntime).
 - Relu is numpy.maximum(x, 0), as in the ONNX reference implementation:
   NaN stays NaN and -0 becomes +0 (onnxruntime keeps -0; see README).
"""
import numpy as np
from onnx import helper, numpy_helper

# The comparison run.js makes (it has its own copy): |got - want| <=
# atol + rtol * |want|.
TOLERANCE = {'float32': {'rtol': 1e-4, 'atol': 1e-5},
             'float64': {'rtol': 1e-10, 'atol': 1e-12}}
VERSIONS = {'Gemm': (1, 6, 7, 9, 11, 13), 'Relu': (1, 6, 13, 14),
            'LeakyRelu': (1, 6, 16)}
# Summation orders a correct runtime might use: one product at a time,
# either way along K, and K in blocks of 128 or 256 added onto beta * C
# (the way MLAS splits K, with C already in the output).
STABILITY_ORDERS = ('forward', 'backward', 'blocks128', 'blocks256')


class ModelError(Exception):
    """The model is invalid: a runtime must refuse it."""


def op_version(op, opset):
    return max(v for v in VERSIONS[op] if v <= opset)


def within_tolerance(got, want):
    """run.js's criterion, less the sign of zero."""
    tol = TOLERANCE[str(want.dtype)]
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    if got.shape != want.shape or (nan_g != nan_w).any():
        return False
    fin = np.isfinite(want) & np.isfinite(got)
    if (got[~fin & ~nan_w] != want[~fin & ~nan_w]).any():
        return False
    with np.errstate(all='ignore'):
        err = np.abs(got[fin] - want[fin])
        return bool((err <= tol['atol'] + tol['rtol'] * np.abs(want[fin])).all())


# ------------------------------------------------------------------ Gemm

def c_fits(c_shape, m, n, broadcasts):
    """Whether C of c_shape may be added to the (M, N) output."""
    if not broadcasts:
        return tuple(c_shape) == (m, n)
    if len(c_shape) > 2:
        return False
    # Unidirectional broadcasting aligns from the right: a 1-D C is a row.
    return all(d in (1, want) for d, want in zip(reversed(c_shape), (n, m)))


def gemm_operands(inputs, attrs, version):
    """Validates a Gemm; returns A' (M, K), B' (K, N), C or None, alpha and
    beta (float32 attributes whatever the tensor type)."""
    a, b = inputs[0], inputs[1]
    c = inputs[2] if len(inputs) > 2 else None
    if c is None and version < 11:
        raise ModelError('C is required before Gemm-11')
    if a.ndim != 2 or b.ndim != 2:
        raise ModelError('A and B must be 2-D')
    if b.dtype != a.dtype or (c is not None and c.dtype != a.dtype):
        raise ModelError('mixed element types')
    a_ = a.T if attrs.get('transA', 0) else a
    b_ = b.T if attrs.get('transB', 0) else b
    if a_.shape[1] != b_.shape[0]:
        raise ModelError('inner dimensions differ')
    broadcasts = version >= 7 or attrs.get('broadcast', 0) != 0
    if c is not None and not c_fits(c.shape, a_.shape[0], b_.shape[1], broadcasts):
        raise ModelError(f'C {list(c.shape)} does not fit [{a_.shape[0]}, {b_.shape[1]}]')
    alpha = np.float32(attrs.get('alpha', 1.0))
    beta = np.float32(attrs.get('beta', 1.0))
    return a_, b_, c, alpha, beta


def gemm_exact(a_, b_, c, alpha, beta):
    """In long double, rounded once; also the underflow marks."""
    wide_t = np.longdouble
    with np.errstate(all='ignore'):
        y = wide_t(alpha) * (a_.astype(wide_t) @ b_.astype(wide_t))
        if c is not None and beta != 0:
            y = y + wide_t(beta) * c.astype(wide_t)
        wide = np.broadcast_to(y, (a_.shape[0], b_.shape[1]))
        out = np.ascontiguousarray(wide.astype(a_.dtype))
    return out, (out == 0) & (wide != 0)


def gemm_ordered(a_, b_, c, alpha, beta, order):
    """In the tensor type, summed in the given order (STABILITY_ORDERS)."""
    t = a_.dtype.type
    m, k = a_.shape
    n = b_.shape[1]
    bias = np.zeros((m, n), a_.dtype)
    if c is not None and beta != 0:
        bias = np.broadcast_to(t(beta) * c, (m, n)).astype(a_.dtype)
    with np.errstate(all='ignore'):
        if order.startswith('blocks'):
            step, y = int(order[6:]), bias
            for k0 in range(0, k, step):
                y = y + t(alpha) * (a_[:, k0:k0 + step] @ b_[k0:k0 + step, :])
            return y
        acc = np.zeros((m, n), a_.dtype)
        for l in (range(k) if order == 'forward' else reversed(range(k))):
            acc += np.outer(a_[:, l], b_[l, :])
        return t(alpha) * acc + bias


def gemm(inputs, attrs, version, order=None):
    """Y = alpha * A'B' + beta * C: (Y, marks)."""
    a_, b_, c, alpha, beta = gemm_operands(inputs, attrs, version)
    if order:
        out = gemm_ordered(a_, b_, c, alpha, beta, order)
        return out, np.zeros(out.shape, bool)
    return gemm_exact(a_, b_, c, alpha, beta)


# ------------------------------------------------------ Relu, LeakyRelu

def relu(inputs, attrs, version, order=None):
    x = inputs[0]
    return np.maximum(x, x.dtype.type(0)), None


def leaky_relu(inputs, attrs, version, order=None):
    x = inputs[0]
    alpha = np.float64(np.float32(attrs.get('alpha', 0.01)))
    with np.errstate(all='ignore'):
        wide = x.astype(np.float64)
        return np.where(x >= 0, wide, alpha * wide).astype(x.dtype), None


OPS = {'Gemm': gemm, 'Relu': relu, 'LeakyRelu': leaky_relu}


# ------------------------------------------------------------- graphs

def node_marks(op, input_marks, out, own):
    """The implementation-defined zeros of a node's output."""
    if op == 'Gemm':
        if any(m.any() for m in input_marks):
            return own | (out == 0)
        return own
    return input_marks[0] & (out == 0)      # elementwise: the sign carries over


def node_inputs(node, env):
    names = list(node.input)
    while names and not names[-1]:      # trailing optional inputs
        names.pop()
    if not all(names):
        raise ModelError(f'{node.name}: missing input')
    inputs = [env[name] for name in names]
    if len({x.dtype for x in inputs}) > 1:
        raise ModelError(f'{node.name}: mixed element types')
    return names, inputs


def evaluate(model, feeds, order=None):
    """Runs the model on feeds (name -> array); returns the graph outputs in
    order and their marks (see above), or raises ModelError."""
    graph = model.graph
    opset = next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
    env = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    env.update(feeds)
    marks = {name: np.zeros(np.shape(x), bool) for name, x in env.items()}
    for node in graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        names, inputs = node_inputs(node, env)
        out, own = OPS[node.op_type](inputs, attrs, op_version(node.op_type, opset), order)
        env[node.output[0]] = out
        marks[node.output[0]] = node_marks(node.op_type, [marks[n] for n in names], out, own)
    return ([env[o.name] for o in graph.output], [marks[o.name] for o in graph.output])


def order_stable(model, feeds, expected):
    """Whether every output stays within tolerance of the exact one under
    each of STABILITY_ORDERS. A case that does not would compare rounding
    noise (or an intermediate overflow one order has and another has not)
    rather than correctness."""
    for order in STABILITY_ORDERS:
        outs, _ = evaluate(model, feeds, order)
        if not all(within_tolerance(got, want) for got, want in zip(outs, expected)):
            return False
    return True
