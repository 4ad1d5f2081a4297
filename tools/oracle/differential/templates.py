"""Multi-node graphs: chains and fan-outs of Gemm, Relu and LeakyRelu, and
(NEW_TEMPLATES) the shapes PyTorch gives MLPs: MatMul + Add, Gemm ->
Sigmoid -> Gemm -> Softmax, Flatten -> Gemm, the Erf GELU, BatchNorm ->
Relu, Constants feeding Reshape and Add, Dropout with its mask,
elementwise graphs where running a node in place would go wrong, and
shapes computed at run time: x.view(x.size(0), -1) as Shape -> Gather ->
Unsqueeze -> Concat -> Reshape on a symbolic batch, a dim cast to float
scaling attention scores, heads split and merged, embeddings (Gather by
int64 ids), float16/bfloat16 in the middle of a graph, Squeeze/Unsqueeze
around a MatMul.

They exercise what single nodes cannot: the memory planner reusing and
aliasing buffers (Relu and LeakyRelu may run in place, so a tensor that
another node still reads must not be overwritten), tensors consumed
several times, intermediates that are also graph outputs, C computed by
another node, initializers with and without a graph-input entry.

Exact chains keep every value a short binary fraction: weights are 0,
+-1/2 and +-1, Gemm scales and LeakyRelu alphas are powers of two, hidden
sizes are small. A non-dyadic alpha such as 0.01 appears only on a node
whose result is not summed again, so both runtimes round it the same.
"""
import numpy as np

import values as V
from graph import Built, Graph
from reference import op_version


class Ctx:
    """What a template needs to add nodes for one case."""

    def __init__(self, rng, dtype, opset, exact, special):
        self.rng, self.dtype, self.exact, self.special = rng, np.dtype(dtype), exact, special
        self.g = Graph(dtype, opset, rng.random() < 0.15)
        self.gemm_version = op_version('Gemm', opset)

    def dim(self, hi=None, lo=1):
        return int(self.rng.integers(lo, (hi or (6 if self.exact else 12)) + 1))

    def data(self, name, shape):
        """A graph input of data values, with special values if asked."""
        arr = (V.exact_values if self.exact else V.float_values)(self.rng, shape)
        if self.special:
            V.sprinkle(self.rng, arr, self.dtype, V.ORDER_FREE_SPECIALS, 0.05)
        return self.g.input(name, arr)

    def weight(self, name, shape, as_input=False, default=False):
        """Weights: an initializer (default=True: also a graph input, i.e. an
        input with a default) or a plain graph input."""
        if self.exact:
            arr = self.rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=shape)
        else:
            arr = V.float_values(self.rng, shape)
        if as_input:
            return self.g.input(name, arr)
        return self.g.init(name, arr, as_input=default)

    def wide(self, name, shape):
        """A graph input over the whole exponent range, for elementwise ops."""
        arr = V.wide_values(self.rng, shape, self.dtype)
        if self.special:
            V.sprinkle(self.rng, arr, self.dtype, V.ORDER_FREE_SPECIALS + ('max',), 0.15)
        return self.g.input(name, arr)

    def scales(self):
        if self.exact:
            return (float(self.rng.choice([1.0, -1.0, 0.5, 2.0])),
                    float(self.rng.choice([1.0, 0.5, -1.0, 0.0, -2.0])))
        return tuple(float(np.float32(self.rng.choice([-1, 1]) * self.rng.uniform(0.1, 2.0)))
                     for _ in range(2))

    def gemm(self, a, b, n, c=None, **attrs):
        """A Gemm node with random scales; before Gemm-11 C is required, so
        a zero bias of shape [N] stands in for a missing one."""
        if c is None and self.gemm_version < 11:
            c = self.g.init(f'zero_bias{len(self.g.nodes)}', np.zeros(n))
        attrs['alpha'], attrs['beta'] = self.scales()
        if self.gemm_version < 7 and c is not None:
            attrs['broadcast'] = 1
        return self.g.node('Gemm', [a, b] + ([c] if c else []), **attrs)

    def leaky(self, x, terminal=False):
        """LeakyRelu with an alpha that keeps exact values exact unless the
        result is final."""
        pool = [0.0, 0.25, -0.5, 2.0, 4.0, -2.0]
        if terminal or not self.exact:
            pool += [0.01, None, -0.3, 3.7]
        alpha = pool[self.rng.integers(len(pool))]
        attrs = {} if alpha is None else {'alpha': float(np.float32(alpha))}
        return self.g.node('LeakyRelu', [x], **attrs)

    def act(self, x, terminal=False):
        r = self.rng.random()
        if r < 0.4:
            return self.g.node('Relu', [x])
        if r < 0.8:
            return self.leaky(x, terminal)
        return x


def t_mlp(cx):
    """X -> Gemm -> Relu -> Gemm -> LeakyRelu, weights as initializers."""
    b, i, h, o = cx.dim(), cx.dim(), cx.dim(), cx.dim()
    x = cx.data('X', (b, i))
    h1 = cx.gemm(x, cx.weight('W1', (h, i)), h, cx.weight('B1', (h,)), transB=1)
    h2 = cx.gemm(cx.g.node('Relu', [h1]), cx.weight('W2', (h, o)), o, cx.weight('B2', (1, o)))
    cx.g.output(cx.leaky(h2, terminal=True))


def t_mlp_inputs(cx):
    """Weights as graph inputs; the second layer computes (h1 W2')' as
    Gemm(W2, h1, transB=1)."""
    b, i, h, o = cx.dim(), cx.dim(), cx.dim(), cx.dim()
    x = cx.data('X', (b, i))
    h1 = cx.gemm(x, cx.weight('W1', (i, h), as_input=True), h,
                 cx.weight('B1', (b, h), as_input=True))
    h1 = cx.leaky(h1)
    y = cx.gemm(cx.weight('W2', (o, h), as_input=True), h1, b,
                cx.weight('B2', (o, 1), as_input=True), transB=1)
    cx.g.output(cx.g.node('Relu', [y]))


def t_fanout_acts(cx):
    """One input read by three in-place-capable nodes."""
    x = cx.wide('X', tuple(cx.dim(5) for _ in range(cx.rng.integers(0, 5))))
    cx.g.output(cx.g.node('Relu', [x]))
    cx.g.output(cx.leaky(x, terminal=True))
    cx.g.output(cx.leaky(cx.g.node('Relu', [x]), terminal=True))


def t_fanout_gemm(cx):
    """A Gemm result that is a graph output and also feeds two activations."""
    m, k, n = cx.dim(), cx.dim(), cx.dim()
    h = cx.gemm(cx.data('X', (m, k)), cx.weight('W', (k, n)), n, cx.data('C', (m, 1)))
    cx.g.output(h)
    cx.g.output(cx.g.node('Relu', [h]))
    cx.g.output(cx.leaky(h, terminal=True))


def t_shared_operand(cx):
    """One tensor as both A and B: X X' and X' X."""
    m, k = cx.dim(), cx.dim()
    x = cx.data('X', (m, k))
    cx.g.output(cx.g.node('Relu', [cx.gemm(x, x, m, transB=1)]))
    cx.g.output(cx.gemm(x, x, k, transA=1))


def t_computed_c(cx):
    """C produced by a Relu, and A also read by a LeakyRelu that comes first
    in node order (in place would clobber A before the Gemm reads it)."""
    m, k, n = cx.dim(), cx.dim(), cx.dim()
    a = cx.data('A', (m, k))
    cx.g.output(cx.leaky(a, terminal=True))
    c = cx.g.node('Relu', [cx.data('Cin', (m, n))])
    cx.g.output(cx.gemm(a, cx.weight('B', (k, n), as_input=True), n, c))


def t_diamond(cx):
    """X -> Relu, X -> LeakyRelu, both into a Gemm with X itself as C."""
    m = cx.dim()
    x = cx.data('X', (m, m))
    p = cx.g.node('Relu', [x])
    q = cx.leaky(x)
    cx.g.output(cx.gemm(p, q, m, x, transB=1))


def t_deep(cx):
    """Up to four Gemm layers with random activations, transposes and bias
    forms; some intermediates are graph outputs too."""
    dims = [cx.dim(5) for _ in range(int(cx.rng.integers(3, 6)))]
    x = cx.data('X', (cx.dim(5), dims[0]))
    for layer, (d_in, d_out) in enumerate(zip(dims, dims[1:])):
        tb = int(cx.rng.integers(2))
        w = cx.weight(f'W{layer}', (d_out, d_in) if tb else (d_in, d_out))
        form = cx.rng.choice(['none', 'row', 'scalar'])
        bias = (None if form == 'none' else
                cx.weight(f'B{layer}', (d_out,) if form == 'row' else ()))
        last = layer == len(dims) - 2
        x = cx.act(cx.gemm(x, w, d_out, bias, transB=tb), terminal=last)
        if last or cx.rng.random() < 0.3:
            cx.g.output(x)


def t_eltwise_chain(cx):
    """Relu -> LeakyRelu -> LeakyRelu -> Relu on a tensor of rank 0-6."""
    x = cx.wide('X', tuple(cx.dim(4) for _ in range(cx.rng.integers(0, 7))))
    for step, op in enumerate(('Relu', 'LeakyRelu', 'LeakyRelu', 'Relu')):
        x = cx.g.node('Relu', [x]) if op == 'Relu' else cx.leaky(x, terminal=True)
        if step == 3 or cx.rng.random() < 0.3:
            cx.g.output(x)


def t_defaults(cx):
    """W and C are initializers listed as graph inputs (overridable
    defaults): only X is fed, by position among inputs without default."""
    m, k, n = cx.dim(), cx.dim(), cx.dim()
    w = cx.weight('W', (k, n), default=True)
    x = cx.data('X', (m, k))
    c = cx.weight('C', (m, n), default=True)
    cx.g.output(cx.g.node('Relu', [cx.gemm(x, w, n, c)]))


def t_gemm_fanout(cx):
    """A Gemm output read as A by one Gemm and as B by another."""
    m, k, n = cx.dim(), cx.dim(), cx.dim()
    h = cx.gemm(cx.data('X', (m, k)), cx.weight('W', (k, n)), n)
    cx.g.output(cx.gemm(h, cx.weight('W2', (n, 3)), 3))
    cx.g.output(cx.gemm(cx.weight('W3', (2, m)), h, n))
    cx.g.output(cx.leaky(h, terminal=True))


def t_wide_gemm_act(cx):
    """Gemm -> activation at sizes (16-64) where a runtime leaves its
    small-matrix path for packed, blocked kernels, may prepack a constant B
    and may fuse the activation into the Gemm's store."""
    m, k, n = cx.dim(64, 16), cx.dim(64, 16), cx.dim(64, 16)
    tb = int(cx.rng.integers(2))
    w = cx.weight('W', (n, k) if tb else (k, n), as_input=cx.rng.random() < 0.3)
    form = cx.rng.choice(['none', 'row', 'full'])
    c = None if form == 'none' else cx.data('C', (n,) if form == 'row' else (m, n))
    h = cx.gemm(cx.data('X', (m, k)), w, n, c, transB=tb)
    cx.g.output(cx.g.node('Relu', [h]) if cx.rng.random() < 0.5 else cx.leaky(h, terminal=True))


def t_wide_fanout(cx):
    """The same sizes, with the Gemm result also a graph output and read by
    a second Gemm, so an activation cannot be fused away."""
    m, k, n = cx.dim(64, 16), cx.dim(64, 16), cx.dim(48, 16)
    h = cx.gemm(cx.data('X', (m, k)), cx.weight('W', (k, n)), n, cx.weight('B', (n,)))
    r = cx.g.node('Relu', [h])
    cx.g.output(h)
    cx.g.output(r)
    cx.g.output(cx.gemm(r, cx.weight('W2', (n, 24)), 24, transA=0))


# ------------------------------------------------------ PyTorch-like graphs

def v(cx, op):
    return op_version(op, cx.g.opset)


def const(cx, name, value):
    """A scalar constant of the graph's type: an initializer of shape [] (as
    PyTorch writes them) or, from opset 9 on, sometimes a Constant node."""
    arr = np.array(value, cx.dtype)
    if cx.g.opset >= 9 and cx.rng.random() < 0.4:
        from onnx import numpy_helper
        return cx.g.node('Constant', [], value=numpy_helper.from_array(arr, name))
    return cx.g.init(name, arr)


def linear(cx, x, d_in, d_out, name):
    """MatMul by a [d_in, d_out] weight, then Add a [d_out] bias."""
    w = cx.weight(f'{name}_W', (d_in, d_out))
    b = cx.weight(f'{name}_B', (d_out,))
    return cx.g.node('Add', [cx.g.node('MatMul', [x, w]), b])


def t_matmul_add(cx):
    """PyTorch's Linear without Gemm: MatMul + Add, on a 2-D or 3-D
    (batch, sequence, features) input, with a Relu between the layers."""
    i, h, o = cx.dim(), cx.dim(), cx.dim()
    lead = (cx.dim(4),) if cx.rng.random() < 0.5 else (cx.dim(3), cx.dim(4))
    x = cx.data('X', lead + (i,))
    h1 = cx.g.node('Relu', [linear(cx, x, i, h, 'l1')])
    cx.g.output(linear(cx, h1, h, o, 'l2'))


def t_mlp_softmax(cx):
    """Gemm -> Sigmoid -> Gemm -> Softmax over the classes."""
    b, i, h, o = cx.dim(), cx.dim(), cx.dim(), cx.dim(8, 2)
    x = cx.data('X', (b, i))
    h1 = cx.g.node('Sigmoid', [cx.gemm(x, cx.weight('W1', (h, i)), h, cx.weight('B1', (h,)),
                                       transB=1)])
    logits = cx.gemm(h1, cx.weight('W2', (h, o)), o, cx.weight('B2', (o,)))
    attrs = {} if cx.rng.random() < 0.5 else {'axis': 1 if v(cx, 'Softmax') < 13 else -1}
    cx.g.output(cx.g.node('Softmax', [logits], **attrs))


def t_flatten_gemm(cx):
    """A feature map (N, C, H, W) -> Flatten -> Gemm (transB) -> Relu."""
    n, c, hh, ww, o = cx.dim(4), cx.dim(3), cx.dim(3), cx.dim(3), cx.dim()
    x = cx.data('X', (n, c, hh, ww))
    flat = cx.g.node('Flatten', [x], **({} if cx.rng.random() < 0.5 else {'axis': 1}))
    y = cx.gemm(flat, cx.weight('W', (o, c * hh * ww)), o, cx.weight('B', (o,)), transB=1)
    cx.g.output(cx.g.node('Relu', [y]))


def t_gelu_erf(cx):
    """The GELU PyTorch exports before Gelu existed: x * 0.5 * (1 + erf(x /
    sqrt 2)) as Div, Erf, Add, Mul, Mul, after a MatMul + Add."""
    i, h = cx.dim(), cx.dim()
    x = cx.data('X', (cx.dim(4), i))
    u = linear(cx, x, i, h, 'fc') if cx.rng.random() < 0.7 else x
    e = cx.g.node('Erf', [cx.g.node('Div', [u, const(cx, 'sqrt2', np.sqrt(2.0))])])
    p = cx.g.node('Add', [e, const(cx, 'one', 1.0)])
    cx.g.output(cx.g.node('Mul', [cx.g.node('Mul', [u, p]), const(cx, 'half', 0.5)]))


def bn_params(cx, c):
    return (cx.rng.uniform(0.5, 2.0, c) * cx.rng.choice([-1, 1], c),
            cx.rng.uniform(-1, 1, c), cx.rng.uniform(-1, 1, c), cx.rng.uniform(0.25, 4, c))


def t_bn_relu(cx):
    """BatchNormalization (inference) -> Relu, then Flatten -> Gemm."""
    n, c, hh, ww = cx.dim(3), cx.dim(4), cx.dim(3), cx.dim(3)
    x = cx.data('X', (n, c, hh, ww))
    scale, bias, mean, var = bn_params(cx, c)
    names = [cx.g.init(k, a) for k, a in (('scale', scale), ('B', bias), ('mean', mean),
                                          ('var', var))]
    attrs = {'is_test': 1} if v(cx, 'BatchNormalization') < 7 else {}
    y = cx.g.node('Relu', [cx.g.node('BatchNormalization', [x] + names, **attrs)])
    cx.g.output(y)
    if cx.rng.random() < 0.5:
        o = cx.dim()
        flat = cx.g.node('Flatten', [y])
        cx.g.output(cx.gemm(flat, cx.weight('W', (c * hh * ww, o)), o))


def t_const_reshape_add(cx):
    """A Constant shape feeding Reshape, a Constant tensor feeding Add."""
    from onnx import numpy_helper
    a, b, c = cx.dim(4), cx.dim(4), cx.dim(4)
    x = cx.data('X', (a, b * c))
    target = [a, b, c] if cx.rng.random() < 0.5 else [0, -1, c]
    if cx.g.opset >= 12 and cx.rng.random() < 0.5:
        shape = cx.g.node('Constant', [], value_ints=target)
    else:
        shape = cx.g.node('Constant', [], value=numpy_helper.from_array(
            np.array(target, np.int64), 'shape'))
    r = cx.g.node('Reshape', [x, shape])
    bias = cx.rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=(b, c)).astype(cx.dtype)
    k = cx.g.node('Constant', [], value=numpy_helper.from_array(bias, 'bias'))
    cx.g.output(cx.g.node('Add', [r, k]))


def t_dropout_mask(cx):
    """Gemm -> Dropout (inference: identity) with its mask as a graph
    output, -> Relu; the Dropout output is an output too."""
    m, k, n = cx.dim(), cx.dim(), cx.dim()
    h = cx.gemm(cx.data('X', (m, k)), cx.weight('W', (k, n)), n)
    out, mask = cx.g.node('Dropout', [h], outputs=2,
                          **({} if cx.rng.random() < 0.5 or v(cx, 'Dropout') >= 12
                             else {'ratio': 0.3}))
    cx.g.output(mask)
    cx.g.output(cx.g.node('Relu', [out]))
    if cx.rng.random() < 0.5:
        cx.g.output(out)


def t_silu_fanout(cx):
    """X read by three nodes: Sigmoid, Mul(X, Sigmoid(X)) (SiLU) and Tanh;
    an in-place Sigmoid or Tanh would clobber X before Mul reads it."""
    x = cx.wide('X', tuple(cx.dim(5) for _ in range(cx.rng.integers(0, 4))))
    s = cx.g.node('Sigmoid', [x])
    cx.g.output(cx.g.node('Tanh', [x]))
    cx.g.output(cx.g.node('Mul', [x, s]))
    if cx.rng.random() < 0.5:
        cx.g.output(s)


UNARY_CHAIN = ('Tanh', 'Sigmoid', 'Softsign', 'Softplus', 'Elu', 'Selu', 'HardSigmoid',
               'HardSwish', 'Erf', 'Identity', 'Relu', 'LeakyRelu', 'Clip')


def t_unary_chain(cx):
    """Four to six unary nodes in a row (each may run in place), some of
    the intermediates also graph outputs."""
    x = cx.wide('X', tuple(cx.dim(4) for _ in range(cx.rng.integers(0, 5))))
    pool = [op for op in UNARY_CHAIN if (op != 'HardSwish' or cx.g.opset >= 14)
            and (op != 'Erf' or cx.g.opset >= 9)]
    steps = int(cx.rng.integers(4, 7))
    for step in range(steps):
        op = pool[cx.rng.integers(len(pool))]
        if op == 'LeakyRelu':
            x = cx.leaky(x, terminal=True)
        elif op == 'Clip':
            if v(cx, 'Clip') < 11:
                x = cx.g.node('Clip', [x], min=-2.0, max=3.0)
            else:
                x = cx.g.node('Clip', [x, cx.g.init(f'lo{step}', np.array(-2.0, cx.dtype)),
                                       cx.g.init(f'hi{step}', np.array(3.0, cx.dtype))])
        else:
            x = cx.g.node(op, [x])
        if step == steps - 1 or cx.rng.random() < 0.3:
            cx.g.output(x)


def t_add_self(cx):
    """One tensor as both operands: Add(x, x), Mul(h, h), Sub(x, x), and
    Add(h, h) of an intermediate h = Relu(x)."""
    x = cx.wide('X', tuple(cx.dim(5) for _ in range(cx.rng.integers(0, 4))))
    h = cx.g.node('Relu', [x])
    cx.g.output(cx.g.node('Add', [x, x]))
    cx.g.output(cx.g.node('Mul', [h, h]))
    cx.g.output(cx.g.node('Sub', [x, x]))
    cx.g.output(cx.g.node('Add', [h, h]))


def t_residual(cx):
    """y = Relu(x) + x, z = y * Sigmoid(x): x is read again after a node
    that could have run in place on it."""
    x = cx.data('X', tuple(cx.dim(5) for _ in range(cx.rng.integers(1, 4))))
    y = cx.g.node('Add', [cx.g.node('Relu', [x]), x])
    cx.g.output(y)
    cx.g.output(cx.g.node('Mul', [y, cx.g.node('Sigmoid', [x])]))


def t_softmax_pair(cx):
    """Logits from MatMul read by both Softmax and LogSoftmax."""
    b, i, o = cx.dim(), cx.dim(), cx.dim(9, 2)
    logits = cx.g.node('MatMul', [cx.data('X', (b, i)), cx.weight('W', (i, o))])
    axis = {} if cx.rng.random() < 0.5 else {'axis': 1 if v(cx, 'Softmax') < 13 else -1}
    cx.g.output(cx.g.node('Softmax', [logits], **axis))
    cx.g.output(cx.g.node('LogSoftmax', [logits], **axis))


def t_reshape_chain(cx):
    """Reshape -> Identity -> Flatten -> Clip, with the Identity output a
    graph output too (aliases are easy to get wrong when the next node
    runs in place)."""
    a, b, c = cx.dim(4), cx.dim(4), cx.dim(4)
    x = cx.wide('X', (a, b * c))
    r = cx.g.node('Reshape', [x, cx.g.init('shape', np.array([a, b, c]), dtype=np.int64)])
    i = cx.g.node('Identity', [r])
    cx.g.output(i)
    f = cx.g.node('Flatten', [i], axis=int(cx.rng.integers(0, 4)))
    if v(cx, 'Clip') < 11:
        y = cx.g.node('Clip', [f], min=-1.0, max=1.0)
    else:
        y = cx.g.node('Clip', [f, cx.g.init('lo', np.array(-1.0, cx.dtype)),
                               cx.g.init('hi', np.array(1.0, cx.dtype))])
    cx.g.output(y)


def t_hard_activations(cx):
    """MobileNet's activations: Clip(0, 6) (ReLU6), x * HardSigmoid(x)
    by hand and, from opset 14, HardSwish, all reading X."""
    x = cx.wide('X', tuple(cx.dim(5) for _ in range(cx.rng.integers(0, 4))))
    if v(cx, 'Clip') < 11:
        cx.g.output(cx.g.node('Clip', [x], min=0.0, max=6.0))
    else:
        cx.g.output(cx.g.node('Clip', [x, cx.g.init('zero', np.array(0.0, cx.dtype)),
                                       cx.g.init('six', np.array(6.0, cx.dtype))]))
    hs = cx.g.node('HardSigmoid', [x], alpha=float(np.float32(1 / 6)))
    cx.g.output(cx.g.node('Mul', [x, hs]))
    if cx.g.opset >= 14:
        cx.g.output(cx.g.node('HardSwish', [x]))


# --------------------------- dynamic shapes, as PyTorch exports them

def int64s(cx, values, scalar=False):
    """An int64 constant (1-D, or a scalar): an initializer or, from
    opset 9 on, sometimes a Constant node, as exporters write both."""
    arr = np.array(values[0] if scalar else values, np.int64)
    if cx.g.opset >= 9 and cx.rng.random() < 0.4:
        from onnx import numpy_helper
        return cx.g.node('Constant', [], value=numpy_helper.from_array(arr, 'c'))
    return cx.g.init(f'i64_{len(cx.g.nodes)}_{len(cx.g.inits)}', arr, dtype=np.int64)


def unsqueeze(cx, t, axes):
    if v(cx, 'Unsqueeze') < 13:
        return cx.g.node('Unsqueeze', [t], axes=axes)
    return cx.g.node('Unsqueeze', [t, int64s(cx, axes)])


def squeeze(cx, t, axes):
    if v(cx, 'Squeeze') < 13:
        return cx.g.node('Squeeze', [t], axes=axes)
    return cx.g.node('Squeeze', [t, int64s(cx, axes)])


def dim(cx, shape, i, rank):
    """shape[i] as a 1-element int64 tensor: Gather with a scalar index,
    then Unsqueeze (x.size(i) in torch.onnx); a negative index from opset
    11, where Gather documents them."""
    index = i - rank if v(cx, 'Gather') >= 11 and cx.rng.random() < 0.5 else i
    return unsqueeze(cx, cx.g.node('Gather', [shape, int64s(cx, [index], scalar=True)],
                                   axis=0), [0])


def dynamic(cx):
    """These graphs compute shapes at run time: give them a symbolic batch."""
    cx.g.symbolic_batch = True


def t_view_batch(cx):
    """x.view(x.size(0), -1) -> Linear -> Relu: Shape -> Gather(0) ->
    Unsqueeze -> Concat with [-1] -> Reshape, on a batch of symbolic size."""
    dynamic(cx)
    n, c, hh, ww, o = cx.dim(4), cx.dim(3), cx.dim(3), cx.dim(3), cx.dim()
    x = cx.data('X', (n, c, hh, ww))
    target = cx.g.node('Concat', [dim(cx, cx.g.node('Shape', [x]), 0, 4), int64s(cx, [-1])],
                       axis=0)
    flat = cx.g.node('Reshape', [x, target])
    cx.g.output(cx.g.node('Relu', [linear(cx, flat, c * hh * ww, o, 'fc')]))


def t_scale_by_dim(cx):
    """Attention's scores / d: the last dim, read with Shape -> Gather (or
    Shape(start=-1) -> Squeeze from opset 15), cast from int64 to the
    data's type (Cast, or CastLike from opset 15), divides MatMul's
    result before a Softmax."""
    dynamic(cx)
    b, t, d = cx.dim(3), cx.dim(4), cx.dim(6, 2)
    x = cx.data('X', (b, t, d))
    scores = cx.g.node('MatMul', [x, cx.weight('W', (d, d))])
    shape = cx.g.node('Shape', [x])
    if cx.g.opset >= 15 and cx.rng.random() < 0.5:
        last = squeeze(cx, cx.g.node('Shape', [x], start=-1), [0])
    else:
        last = cx.g.node('Gather', [shape, int64s(cx, [2 if v(cx, 'Gather') < 11 else -1],
                                                  scalar=True)])
    if cx.g.opset >= 15 and cx.rng.random() < 0.5:
        size = cx.g.node('CastLike', [last, x])
    else:
        size = cx.g.node('Cast', [last], to=1 if cx.dtype == np.float32 else 11)
    scaled = cx.g.node('Div', [scores, size])
    cx.g.output(cx.g.node('Softmax', [scaled], axis=2 if v(cx, 'Softmax') < 13 else -1))
    cx.g.output(size)


def t_split_heads(cx):
    """A transformer's head split and merge: [B, T, H*D] reshaped to
    [B, T, H, D] with a shape built from Shape -> Gather -> Unsqueeze and
    constants (Concat), then back to [B, T, H*D] from the first two dims
    of its own shape (Gather of [0, 1], or Shape(end=2) from opset 15) and
    [-1], then a Linear."""
    dynamic(cx)
    b, t, h, d = cx.dim(3), cx.dim(4), cx.dim(3), cx.dim(3)
    x = cx.data('X', (b, t, h * d))
    shape = cx.g.node('Shape', [x])
    heads = cx.g.node('Concat', [dim(cx, shape, 0, 3), dim(cx, shape, 1, 3),
                                 int64s(cx, [h, d])], axis=0)
    y = cx.g.node('Reshape', [x, heads])
    cx.g.output(y)
    if cx.g.opset >= 15 and cx.rng.random() < 0.5:
        lead = cx.g.node('Shape', [y], end=2)
    else:
        lead = cx.g.node('Gather', [cx.g.node('Shape', [y]), int64s(cx, [0, 1])])
    back = cx.g.node('Reshape', [y, cx.g.node('Concat', [lead, int64s(cx, [-1])], axis=0)])
    cx.g.output(linear(cx, back, h * d, cx.dim(), 'out'))


def t_embedding(cx):
    """Token and position embeddings: Gather of a [V, D] weight by int64
    ids (a graph input; negative ones from opset 11), plus a Gather of a
    position table by constant positions, joined to a second embedding
    by Concat on the last axis, then a Linear."""
    dynamic(cx)
    b, t, vocab, d = cx.dim(3), cx.dim(5), cx.dim(9, 3), cx.dim(4)
    lo = -vocab if v(cx, 'Gather') >= 11 else 0
    ids = cx.g.input('ids', cx.rng.integers(lo, vocab, (b, t)), dtype=np.int64)
    tok = cx.g.node('Gather', [cx.weight('E', (vocab, d)), ids])
    pos = cx.g.node('Gather', [cx.weight('P', (t + 2, d)), int64s(cx, list(range(t)))])
    emb = cx.g.node('Add', [tok, pos])
    cx.g.output(emb)
    other = cx.g.node('Gather', [cx.weight('E2', (vocab, 2)), ids], axis=0)
    joined = cx.g.node('Concat', [emb, other], axis=2 if v(cx, 'Concat') < 11 else -1)
    cx.g.output(linear(cx, joined, d + 2, cx.dim(), 'fc'))


def t_mixed_precision(cx):
    """Half precision in the middle of a graph: X and Z cast to float16
    (or bfloat16 from opset 13), joined by Concat, through Unsqueeze and
    Squeeze, cast back (Cast, or CastLike to X from opset 15) and added to
    a bias. Exact values survive float16; float ones are rounded to it."""
    a, b = cx.dim(4), cx.dim(5)
    half = 16 if cx.g.opset >= 13 and cx.rng.random() < 0.5 else 10
    x, z = cx.data('X', (a, b)), cx.data('Z', (a, b))
    hx, hz = (cx.g.node('Cast', [t], to=half) for t in (x, z))
    axis = int(cx.rng.integers(0, 2))
    j = cx.g.node('Concat', [hx, hz], axis=axis)
    j = squeeze(cx, unsqueeze(cx, j, [0, 3]), [3, 0])
    if cx.g.opset >= 15 and cx.rng.random() < 0.5:
        back = cx.g.node('CastLike', [j, x])
    else:
        back = cx.g.node('Cast', [j], to=1 if cx.dtype == np.float32 else 11)
    cx.g.output(back)
    cx.g.output(cx.g.node('Add', [back, cx.weight('bias', (b * (1 + axis),))]))


def t_squeeze_matmul(cx):
    """[B, 1, F] squeezed to [B, F] for a MatMul, the result unsqueezed
    back and concatenated with the input along the squeezed axis."""
    b, f = cx.dim(4), cx.dim(5)
    x = cx.data('X', (b, 1, f))
    y = cx.g.node('MatMul', [squeeze(cx, x, [1]), cx.weight('W', (f, f))])
    cx.g.output(cx.g.node('Concat', [x, unsqueeze(cx, y, [1])], axis=1))


# name -> (template, the lowest opset it can be built at)
NEW_TEMPLATES = {f.__name__[2:]: (f, lo) for f, lo in (
    (t_matmul_add, 7), (t_mlp_softmax, 7), (t_flatten_gemm, 6), (t_gelu_erf, 9),
    (t_bn_relu, 7), (t_const_reshape_add, 7), (t_dropout_mask, 7), (t_silu_fanout, 6),
    (t_unary_chain, 6), (t_add_self, 6), (t_residual, 6), (t_softmax_pair, 7),
    (t_reshape_chain, 6), (t_hard_activations, 6), (t_view_batch, 7), (t_scale_by_dim, 7),
    (t_split_heads, 7), (t_embedding, 7), (t_mixed_precision, 7), (t_squeeze_matmul, 7))}

TEMPLATES = {f.__name__[2:]: f for f in (
    t_mlp, t_mlp_inputs, t_fanout_acts, t_fanout_gemm, t_shared_operand, t_computed_c,
    t_diamond, t_deep, t_eltwise_chain, t_defaults, t_gemm_fanout, t_wide_gemm_act,
    t_wide_fanout)}


def build_graph(spec, rng):
    exact = spec['dtype'] == 'float32' or rng.random() < 0.5
    opset = int(rng.integers(spec['opsets'][0], spec['opsets'][1] + 1))
    template = TEMPLATES.get(spec['template']) or NEW_TEMPLATES[spec['template']][0]
    # Redraw a graph whose result depends on the summation order, or on the
    # rounding of its transcendental functions.
    for redraws in range(10):
        cx = Ctx(rng, spec['dtype'], opset, exact, spec['special'])
        template(cx)
        if cx.g.order_stable(perturb_rng=rng):
            break
    else:
        raise RuntimeError(f'no order-stable graph for {spec}')
    ops = sorted({n.op_type for n in cx.g.nodes})
    desc = (f"graph:{spec['template']} opset {cx.g.opset} {spec['dtype']} "
            f"{len(cx.g.nodes)} nodes ({', '.join(ops)})" + (' specials' if spec['special'] else ''))
    details = {'template': spec['template'], 'values': 'exact' if exact else 'float',
               'redraws': redraws,
               'nodes': [f'{n.op_type}({", ".join(n.input)}) -> {n.output[0]}'
                         for n in cx.g.nodes]}
    return Built(cx.g, desc, details)
