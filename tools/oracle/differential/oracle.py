"""Where onnxruntime (onnxruntime-node 1.30, CPU) cannot judge a case, and
the NumPy reference does instead. Two kinds:

 - gaps: onnxruntime refuses the model (no kernel for the operator at that
   opset and element type, or a failure at run time). run.js
   --oracle-only checks that it still refuses each of them, so the list
   cannot silently go stale.
 - deviations: onnxruntime runs the model but departs from the spec (or
   from the reading the README documents). run.js still runs it, and
   --oracle-only reports whether it still departs.

onnxruntime loads models of any opset; what it lacks are kernels for some
(operator, opset, type) triples. NO_KERNEL lists them, found by loading a
one-node model of every operator at every opset 1-21 and every element
type its spec allows. At opset 18 a few float64 activations run where
they do not at 17 or 19: onnxruntime expands the operator's ONNX function
body, whose ops are pinned to opset 18, when it has no kernel.

judge(built) returns (judge, reason, whether onnxruntime can run it)."""
import numpy as np

from reference import TYPE_NAMES, TYPE_NUMBERS, op_version

ALL_TYPES = ('float32', 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64',
             'uint8', 'uint16', 'uint32', 'uint64', 'bool')
# (operator, element types, model opset ranges with no onnxruntime kernel)
NO_KERNEL = (
    ('Gemm', ('float32', 'float64'), ((1, 6),)),
    ('Conv', ('float64',), ((1, 21),)),
    ('ConvTranspose', ('float64',), ((1, 21),)),
    ('GridSample', ('float64',), ((16, 19),)),
    ('Gemm', ('int32', 'int64', 'uint32', 'uint64'), ((9, 21),)),
    ('Add', ('float32', 'float64'), ((1, 6),)),
    ('Add', ('int32', 'int64', 'uint32', 'uint64'), ((6, 6),)),
    ('Sub', ('float32', 'float64'), ((1, 6),)),
    ('Sub', ('int32', 'int64', 'uint32', 'uint64'), ((6, 6),)),
    ('Mul', ('float32', 'float64'), ((1, 6),)),
    ('Mul', ('int32', 'int64', 'uint32', 'uint64'), ((6, 6),)),
    ('Div', ('float32', 'float64'), ((1, 6),)),
    ('Div', ('int32', 'int64', 'uint32', 'uint64'), ((6, 6),)),
    ('BatchNormalization', ('float32', 'float64'), ((1, 6),)),
    ('Dropout', ('float32', 'float64'), ((1, 6),)),
    ('PRelu', ('float32',), ((1, 6),)),
    ('PRelu', ('float64',), ((1, 15), (19, 21))),
    ('PRelu', ('int32', 'int64'), ((9, 15), (19, 21))),
    ('PRelu', ('uint32', 'uint64'), ((9, 21),)),
    ('Relu', ('float32', 'float64'), ((1, 5),)),
    ('Relu', ('int64',), ((14, 17), (19, 21))),
    ('Relu', ('int16',), ((14, 21),)),
    ('LeakyRelu', ('float32',), ((1, 5),)),
    ('LeakyRelu', ('float64',), ((1, 15), (19, 21))),
    ('Sigmoid', ('float32', 'float64'), ((1, 5),)),
    ('Tanh', ('float32', 'float64'), ((1, 5),)),
    ('Elu', ('float32',), ((1, 5),)),
    ('Elu', ('float64',), ((1, 17), (19, 21))),
    ('Selu', ('float32',), ((1, 5),)),
    ('Selu', ('float64',), ((1, 17), (19, 21))),
    ('HardSigmoid', ('float32',), ((1, 5),)),
    ('HardSigmoid', ('float64',), ((1, 17), (19, 21))),
    ('HardSwish', ('float64',), ((14, 17), (19, 21))),
    ('Softplus', ('float64',), ((1, 17), (19, 21))),
    ('Softsign', ('float64',), ((1, 17), (19, 21))),
    ('Clip', ('float32',), ((1, 5),)),
    ('Clip', ('float64',), ((1, 11),)),
    ('Clip', ('int16', 'uint16'), ((12, 12),)),
    ('Erf', ('float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
             'uint64'), ((9, 21),)),
    ('Gelu', ('float64',), ((20, 21),)),    # approximate='none' (its body needs Erf)
    # Cast-1 and Concat-1 (whose float16 models it tries to run in float32,
    # inserting a Cast with an int 'to' that Cast-1 refuses).
    ('Cast', ALL_TYPES, ((1, 5),)),
    ('Concat', ALL_TYPES, ((1, 3),)),
    # logic_cases: nothing before opset 7 (Abs, Neg: 6), no bfloat16
    # comparison, Abs, Neg, Mod or Where; Where only of float32/64,
    # int32/64, uint8; BitShift not of uint16.
    ('Equal', ('bool', 'int32', 'int64'), ((1, 6),)),
    ('Equal', ('bfloat16',), ((13, 21),)),
    ('Greater', ('float16', 'float32', 'float64'), ((1, 6),)),
    ('Greater', ('bfloat16',), ((13, 21),)),
    ('Less', ('float16', 'float32', 'float64'), ((1, 6),)),
    ('Less', ('bfloat16',), ((13, 21),)),
    ('GreaterOrEqual', ('bfloat16',), ((16, 21),)),
    ('LessOrEqual', ('bfloat16',), ((16, 21),)),
    ('And', ('bool',), ((1, 6),)),
    ('Or', ('bool',), ((1, 6),)),
    ('Xor', ('bool',), ((1, 6),)),
    ('Abs', ('float16', 'float32', 'float64'), ((1, 5),)),
    ('Abs', ('bfloat16',), ((13, 21),)),
    ('Neg', ('float16', 'float32', 'float64'), ((1, 5),)),
    ('Neg', ('bfloat16',), ((13, 21),)),
    ('Mod', ('bfloat16',), ((13, 21),)),
    ('Where', ('bool', 'int8', 'int16', 'uint16', 'uint32', 'uint64'), ((9, 21),)),
    ('Where', ('bfloat16',), ((16, 21),)),
    ('BitShift', ('uint16',), ((11, 21),)),
    # math_cases: no kernel for version 1 (opsets 1-5) of the elementwise
    # math and variadic operators; float64 only for Exp/Log/Sqrt/Reciprocal/
    # Floor/Ceil/Sin/Cos among the trigonometric and hyperbolic functions; no
    # float64 Hardmax, ThresholdedRelu, Mean, nor Max/Min before 8; no
    # unsigned CumSum.
    ('Exp', ('float32', 'float64'), ((1, 5),)),
    ('Log', ('float32', 'float64'), ((1, 5),)),
    ('Sqrt', ('float32', 'float64'), ((1, 5),)),
    ('Reciprocal', ('float32', 'float64'), ((1, 5),)),
    ('Floor', ('float32', 'float64'), ((1, 5),)),
    ('Ceil', ('float32', 'float64'), ((1, 5),)),
    ('Pow', ('float32', 'float64'), ((1, 6),)),
    ('Max', ('float32', 'float64'), ((1, 5),)),
    ('Max', ('float64',), ((6, 7),)),
    ('Min', ('float32', 'float64'), ((1, 5),)),
    ('Min', ('float64',), ((6, 7),)),
    ('Sum', ('float32', 'float64'), ((1, 5),)),
    ('Mean', ('float32', 'float64'), ((1, 5),)),
    ('Mean', ('float64',), ((6, 21),)),
    ('Tan', ('float64',), ((7, 21),)),
    ('Asin', ('float64',), ((7, 21),)),
    ('Acos', ('float64',), ((7, 21),)),
    ('Atan', ('float64',), ((7, 21),)),
    ('Sinh', ('float64',), ((9, 21),)),
    ('Cosh', ('float64',), ((9, 21),)),
    ('Asinh', ('float64',), ((9, 21),)),
    ('Acosh', ('float64',), ((9, 21),)),
    ('Atanh', ('float64',), ((9, 21),)),
    ('Hardmax', ('float64',), ((1, 21),)),
    ('ThresholdedRelu', ('float64',), ((10, 17), (19, 21))),   # 18: the function body
    ('CumSum', ('uint32', 'uint64'), ((11, 21),)),
    ('MeanVarianceNormalization', ('float64',), ((9, 21),)),
    ('Det', ('float64',), ((11, 21),)),
    # pool_cases: no float64 pools but MaxPool from 8; no version 1 of
    # AveragePool, LpPool or GlobalLpPool (their opsets before 7 or 2).
    ('MaxPool', ('float64',), ((1, 7),)),
    ('AveragePool', ('float32',), ((1, 6),)),
    ('AveragePool', ('float64',), ((1, 21),)),
    ('LpPool', ('float32',), ((1, 1),)),
    ('LpPool', ('float64',), ((1, 21),)),
    ('GlobalAveragePool', ('float64',), ((1, 21),)),
    ('GlobalMaxPool', ('float64',), ((1, 21),)),
    ('GlobalLpPool', ('float32',), ((1, 1),)),
    ('GlobalLpPool', ('float64',), ((1, 21),)),
    # recurrent_cases: nothing before opset 7 (LSTM-1, GRU-1/3, RNN-1); no
    # float64 (LSTM and GRU load, then fail: "operator does not support
    # double yet"; RNN has no kernel); layout 1: see no_kernel()
    ('LSTM', ('float32', 'float64'), ((1, 6),)),
    ('GRU', ('float32', 'float64'), ((1, 6),)),
    ('RNN', ('float32', 'float64'), ((1, 6),)),
    ('LSTM', ('float64',), ((7, 21),)),
    ('GRU', ('float64',), ((7, 21),)),
    ('RNN', ('float64',), ((7, 21),)),
    # cnn_cases: float32 kernels only, and no InstanceNormalization-1
    ('InstanceNormalization', ('float32',), ((1, 5),)),
    ('InstanceNormalization', ('float64',), ((1, 21),)),
    ('LRN', ('float64',), ((1, 21),)),
    ('MaxUnpool', ('float64',), ((9, 21),)),
    ('Resize', ('float64',), ((10, 21),)),
    ('Upsample', ('float64',), ((7, 9),)),
    # movement_cases: DepthToSpace and SpaceToDepth of floats only (and
    # uint8: DepthToSpace from 11, SpaceToDepth at every version); no
    # uint8 or bool EyeLike, no uint8 Trilu.
    ('DepthToSpace', ('int32', 'int64', 'bool'), ((1, 21),)),
    ('DepthToSpace', ('uint8',), ((1, 10),)),
    ('SpaceToDepth', ('int32', 'int64', 'bool'), ((1, 21),)),
    ('EyeLike', ('uint8', 'bool'), ((9, 21),)),
    ('Trilu', ('uint8',), ((14, 21),)),
    # movement_more_cases: no Split-1 or Pad-1 kernel; no float64 NonZero;
    # Scatter-11 (deprecated since 11) is refused as an invalid model.
    ('Split', ('float32', 'float64'), ((1, 1),)),
    ('Pad', ('float32', 'float64'), ((1, 1),)),
    ('NonZero', ('float64',), ((9, 21),)),
    ('Scatter', ALL_TYPES, ((11, 12),)),
)


def spans_text(spans):
    return ', '.join(f'{lo}-{hi}' if lo != hi else f'{lo}' for lo, hi in spans)


def no_kernel(op, dtype, opset, attrs, inputs):
    """Why onnxruntime has no kernel for this node, or None."""
    if op == 'Gelu' and attrs.get('approximate') in ('tanh', b'tanh'):
        return None         # runs, through the function body: see deviation()
    if op == 'Clip' and dtype in ('int16', 'uint16') and opset >= 13 and any(inputs[1:]):
        return (f'onnxruntime has no {dtype} Clip kernel with bounds at opsets 13-21 (its '
                'function body needs an int16 Where)')
    if op in ('Cast', 'CastLike') and attrs.get('saturate', 1) == 0:
        return (f"onnxruntime refuses {op}-19/21 with saturate=0 unless the target is a float8 "
                'type (cast_op.cc: "Attribute saturate is only used for cast to float 8 '
                'types"); the spec says it only matters for float8, not that it is invalid')
    if op == 'Squeeze' and opset >= 13 and len(inputs) > 1 and not inputs[1]:
        return ("onnxruntime's Squeeze-13/21 fails at run time when the optional axes input is "
                "named '' (absent): \"Axes input is null\" (squeeze.h)")
    if op in ('LSTM', 'GRU', 'RNN') and attrs.get('layout', 0) == 1:
        return (f'onnxruntime refuses {op}-14 with layout=1 when it loads the model: '
                '"Batchwise recurrent operations (layout == 1) are not supported"')
    if op == 'LRN' and int(attrs.get('size', 1)) % 2 == 0:
        return ('onnxruntime refuses LRN with an even size (lrn.h: "size_ % 2 == 1 was '
                'false"); the spec defines the window for any size')
    for name, types, spans in NO_KERNEL:
        if name == op and dtype in types and any(lo <= opset <= hi for lo, hi in spans):
            return f'onnxruntime has no {dtype} {op} kernel at opsets {spans_text(spans)}'
    return None


BOOL_OUTPUT = {'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor',
               'Not', 'IsNaN', 'IsInf'}


def node_dtype(node, types):
    """The element type an operator's kernel is chosen by: its first input's
    (the output's for Constant)."""
    if node.op_type == 'Where':      # by X (the condition is bool)
        return types.get(node.input[1])
    if node.input and node.input[0]:
        return types.get(node.input[0])
    return types.get(node.output[0])


def tensor_types(built):
    """Element type of every tensor in the graph (by name), from the feeds,
    the initializers and the reference's outputs."""
    from onnx import helper, numpy_helper
    g = built.graph
    types = {name: str(a.dtype) for name, a in g.feeds}
    types.update({t.name: str(numpy_helper.to_array(t).dtype) for t in g.inits})
    # Propagate: every operator here outputs its first input's type,
    # except Constant (its value), Dropout's mask, Shape (int64), Cast
    # (`to`) and CastLike (its second input's type).
    for node in g.nodes:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == 'Constant':
            if 'value' in attrs:
                t = str(numpy_helper.to_array(attrs['value']).dtype)
            else:
                t = 'float32' if 'value_float' in attrs or 'value_floats' in attrs else 'int64'
        elif node.op_type == 'Shape':
            t = 'int64'
        elif node.op_type == 'Cast':
            to = attrs['to']
            t = ({v: k for k, v in TYPE_NAMES.items()}.get(to.decode()) if isinstance(to, bytes)
                 else {v: k for k, v in TYPE_NUMBERS.items()}.get(to))
        elif node.op_type == 'CastLike':
            t = types.get(node.input[1])
        elif node.op_type in BOOL_OUTPUT:
            t = 'bool'
        elif node.op_type == 'Where':
            t = types.get(node.input[1])
        else:
            t = types.get(node.input[0]) if node.input else None
        for k, out in enumerate(node.output):
            if out:
                types[out] = t if not (node.op_type == 'Dropout' and k == 1) else 'mask'
    return types


def gap(built):
    """Why onnxruntime refuses the model, or None."""
    from onnx import helper
    g = built.graph
    types = tensor_types(built)
    for node in g.nodes:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        dtype = node_dtype(node, types)
        why = no_kernel(node.op_type, dtype, g.opset, attrs, list(node.input))
        if why:
            return why
        if node.op_type == 'Clip' and op_version('Clip', g.opset) == 6 and attrs.get(
                'min', -np.inf) > attrs.get('max', np.inf):
            return 'Clip-6 with min > max: onnxruntime refuses the model'
        if (node.op_type == 'MatMul' and dtype in ('uint32', 'uint64')
                and built.details.get('A') and built.details['A'][-1] == 0):
            return f'{dtype} MatMul with K = 0: onnxruntime fails (it writes the zeros as signed)'
        if node.op_type == 'OneHot':
            triple = tuple(types.get(node.input[k]) for k in (0, 2, 1))
            if triple not in ORT_ONE_HOT:
                return ('onnxruntime has OneHot kernels for 9 (indices, values, depth) type '
                        f'triples only, not {triple}')
        x = g.values.get(node.input[0]) if node.input else None
        if node.op_type == 'TopK' and x is not None and x.size == 0:
            return TOPK_EMPTY
    return None


# (indices, values, depth) element types of onnxruntime's OneHot kernels
# (onehot.cc; its string ones aside).
ORT_ONE_HOT = {('int64', 'int64', 'int64'), ('float32', 'int64', 'int64'),
               ('int64', 'float32', 'int64'), ('int32', 'float32', 'int32'),
               ('int32', 'float32', 'float32'), ('float32', 'float32', 'float32'),
               ('int64', 'int32', 'float32'), ('int64', 'float32', 'float32'),
               ('int64', 'float32', 'int32')}
TOPK_EMPTY = ('TopK of an input with a zero-size dim: onnxruntime 1.30 dies of SIGFPE (it '
              'divides by the number of rows), so the reference judges')
# microsoft/onnxruntime#22111 fills the output with the bias when K == 0.
ORT_K0_BUG = 'K == 0: onnxruntime returns C, not beta * C'
DROPOUT_MASK = ('Dropout 7-11 in inference: onnxruntime returns a mask of zeros (false); '
                'the spec keeps every element (output = data * mask): ones (true)')
GELU_TANH_F64 = ('float64 Gelu(tanh): onnxruntime runs the ONNX function body, whose '
                 'constants are float32 (~1e-8 relative error) and whose 1 + tanh(z) '
                 'cancels for x < 0')
LOGSOFTMAX_INF = ('float64 LogSoftmax of a row holding NaN or +inf: onnxruntime gives finite '
                  'values or -inf for its other elements, the formula NaN')
# At opset 18 onnxruntime runs these float64 operators through their ONNX
# function bodies (it has no kernel): see NO_KERNEL.
FUNCTION_BODY = {
    'Softplus': ('float64 Softplus at opset 18: onnxruntime runs the function body '
                 'log(exp(x) + 1), which overflows to inf for x > 709 and loses the '
                 'relative precision of small results'),
    'HardSwish': ('float64 HardSwish at opset 18: onnxruntime runs the function body, '
                  'whose alpha 1/6 is a float32 constant: ~1e-8 relative error'),
}


# tensor_cases.KNOWN_FAILURES: values rounded to float32 first, then to
# float16 or bfloat16, land on a halfway point and tie to even where the
# value itself is not halfway.
DOUBLE_ROUNDING = ('onnxruntime converts float64 to float16 and bfloat16, and 32/64-bit '
                   'integers to bfloat16, through float32: two roundings, where IEEE 754 '
                   'rounds once (these values are the ones where that differs)')


MOD_FMOD_INT64 = ('int64/uint64 Mod with fmod=1: onnxruntime computes it in double '
                  '(std::fmod of the converted operands), which loses the low bits of '
                  'operands beyond 2^53; the spec\'s fmod is exact')


# reduce_cases.py
REDUCE_EMPTY_NEGATIVE_AXIS = ('a Reduce operator of an empty input (a zero-size dim) with a '
                              'negative axis: onnxruntime returns a tensor of the input\'s '
                              'shape (it reduces nothing); with the same axis non-negative it '
                              'gives the spec\'s shape and identity values')
REDUCE_NOOP_TRANSFORM = ('noop_with_empty_axes=1 with no axes: the spec says "the output tensor '
                         'would be equivalent to input tensor"; onnxruntime (like the ONNX '
                         'reference implementation) applies the reduction\'s elementwise part '
                         '(|x| for ReduceL1/L2, x^2 for ReduceSumSquare, log x for ReduceLogSum, '
                         'log exp x for ReduceLogSumExp)')
REDUCE_LSE_NAN_INF = ('ReduceLogSumExp of a set holding both NaN and +inf: onnxruntime gives '
                      '+inf (its maximum passes over the NaN), the formula log(sum(exp x)) NaN')
REDUCE_LSE_NEG_INF = ('ReduceLogSumExp of a set holding -inf and values far below 0 (~-1000): '
                      'onnxruntime gives -inf (it takes no maximum off such a set, so every '
                      'exp underflows), the spec\'s log(sum(exp x)) is finite')
REDUCE_LSE_INT = ('integer ReduceLogSumExp: onnxruntime gives less than the spec\'s '
                  'log(sum(exp x)) truncated (observed: about the set\'s maximum, as if each '
                  'term exp(x - max) were truncated to an integer before the sum); the '
                  'reference, in double as the spec\'s, judges')
NOOP_TRANSFORMED = ('ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSum', 'ReduceLogSumExp')


def reduce_deviation(g, node):
    from onnx import helper
    if not node.op_type.startswith('Reduce'):
        return None
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    x = g.values.get(node.input[0])
    axes = attrs.get('axes')
    if len(node.input) > 1 and node.input[1]:
        axes = g.values.get(node.input[1])
    axes = [] if axes is None else [int(a) for a in np.ravel(axes)]
    if x is not None and x.size == 0 and any(a < 0 for a in axes):
        return REDUCE_EMPTY_NEGATIVE_AXIS
    if node.op_type == 'ReduceLogSumExp' and x is not None and x.dtype.kind in 'iu':
        return REDUCE_LSE_INT
    if (node.op_type == 'ReduceLogSumExp' and x is not None and np.isnan(x).any()
            and np.isposinf(x).any()):
        return REDUCE_LSE_NAN_INF
    if (node.op_type == 'ReduceLogSumExp' and x is not None and np.isneginf(x).any()
            and (np.isfinite(x) & (x < -80)).any()):
        return REDUCE_LSE_NEG_INF
    if (node.op_type in NOOP_TRANSFORMED and attrs.get('noop_with_empty_axes', 0)
            and not axes):
        return REDUCE_NOOP_TRANSFORM
    return None


MVN_CONSTANT = ('MeanVarianceNormalization of a group whose elements are all equal (one element, '
                'or a constant): onnxruntime gives NaN there, the spec\'s function body '
                '0 / (0 + 1e-9) = 0')


def mvn_deviation(g, node):
    from onnx import helper
    if node.op_type != 'MeanVarianceNormalization':
        return None
    x = g.values.get(node.input[0])
    if x is None or not x.size:
        return None
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    axes = tuple(int(a) % x.ndim for a in attrs.get('axes', [0, 2, 3]))
    if (x.max(axis=axes) == x.min(axis=axes)).any():
        return MVN_CONSTANT
    return None


INSTANCE_NORM_OFFSET = ('float32 InstanceNormalization of a plane whose mean is far beside its '
                        'spread: onnxruntime computes the variance as E[X^2] - E[X]^2 in float, '
                        'which cancels (1e-4 relative off), so the reference judges')


MAXUNPOOL_OUTPUT_SHAPE = ('MaxUnpool with an output_shape larger than the unpooled shape: '
                          "onnxruntime puts each index at that flat position of output_shape's "
                          'layout; the official test (test_maxunpool_export_with_output_shape) '
                          'keeps the unpooled tensor at the origin, so the reference judges')


DET_SINGULAR = ('Det of a singular matrix: the sign of the zero is open (onnxruntime gives -0 '
                'where another elimination order gives +0), so the reference judges')


SHRINK_F64 = ('float64 Shrink: onnxruntime rounds the result through float32 (~1e-8 '
              'relative error)')


CONVT_SAME_SHORT = ('ConvTranspose with auto_pad SAME_* whose kernel span (with output_padding) '
                    'is shorter than the stride: the spec gives an output of input * stride, '
                    'onnxruntime one of stride * (input - 1) + span (it will not pad by less than 0)')


def conv_transpose_deviation(g, node):
    from onnx import helper
    if node.op_type != 'ConvTranspose':
        return None
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    auto = attrs.get('auto_pad', b'NOTSET')
    x, w = g.values.get(node.input[0]), g.values.get(node.input[1])
    if auto not in (b'SAME_UPPER', b'SAME_LOWER') or x is None or w is None \
            or 'output_shape' in attrs:
        return None
    n = x.ndim - 2
    s = attrs.get('strides', [1] * n)
    d = attrs.get('dilations', [1] * n)
    op = attrs.get('output_padding', [0] * n)
    for i in range(n):
        full = s[i] * (x.shape[2 + i] - 1) + op[i] + (w.shape[2 + i] - 1) * d[i] + 1
        if full < x.shape[2 + i] * s[i]:
            return CONVT_SAME_SHORT
    return None


RESIZE10_NEAREST_DOWN = ('Resize-10 nearest with a scale below 1: onnxruntime rounds the '
                         'coordinate up when downscaling (its "simple" nearest mode); the '
                         'spec names no rounding before 11 and onnxc, like Upsample, rounds '
                         'down (the reference)')
RESIZE_ASPECT_NEGATIVE_AXIS = ('Resize-18 keep_aspect_ratio_policy with a negative entry in '
                               'axes: onnxruntime 1.30 gives another output shape than the '
                               "spec's (it does not normalize the axis before applying the "
                               'policy); the reference judges')


RESIZE_ALIGN_FRACTIONAL = ('Resize align_corners with scales whose input length x scale is '
                           'not whole: the spec maps positions through the unrounded resized '
                           'length (as the official Resize tests, made by its reference, '
                           'expect); onnxruntime uses the rounded output length')
RESIZE_CROP_SIZES = ('Resize tf_crop_and_resize given sizes: onnxruntime 1.30 gives other '
                     'values than the spec formula (start, end and the unrounded length; '
                     'extrapolation_value outside [0, length - 1]); the NumPy reference, '
                     'written from the spec, judges')


def resize_deviation(g, node):
    from onnx import helper
    if node.op_type != 'Resize':
        return None
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    version = op_version('Resize', g.opset)
    if version == 10 and attrs.get('mode', b'nearest') in (b'nearest', 'nearest'):
        scales = g.values.get(node.input[1])
        if scales is not None and (np.asarray(scales) < 1).any():
            return RESIZE10_NEAREST_DOWN
    coord = attrs.get('coordinate_transformation_mode', b'half_pixel')
    coord = coord.decode() if isinstance(coord, bytes) else coord
    x = g.values.get(node.input[0])
    scales = g.values.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
    if (coord == 'align_corners' and x is not None and scales is not None
            and np.asarray(scales).size == x.ndim):
        lengths = np.asarray(x.shape, dtype=np.float64) * np.asarray(scales, dtype=np.float32)
        if (lengths != np.floor(lengths)).any():
            return RESIZE_ALIGN_FRACTIONAL
    if coord == 'tf_crop_and_resize' and len(node.input) > 3 and node.input[3]:
        return RESIZE_CROP_SIZES
    if (attrs.get('keep_aspect_ratio_policy', b'stretch') not in (b'stretch', 'stretch')
            and any(a < 0 for a in attrs.get('axes', []))):
        return RESIZE_ASPECT_NEGATIVE_AXIS
    return None


def deviation(built):
    """Why onnxruntime's answer is not the spec's on this case, or None."""
    from onnx import helper
    g = built.graph
    for node in g.nodes:
        why = (reduce_deviation(g, node) or mvn_deviation(g, node)
               or conv_transpose_deviation(g, node) or resize_deviation(g, node))
        if why:
            return why
        x = g.values.get(node.input[0]) if node.input else None
        if node.op_type == 'Shrink' and x is not None and x.dtype == np.float64:
            return SHRINK_F64
        if (node.op_type == 'InstanceNormalization' and built.details.get('form') == 'offset'
                and x is not None and x.dtype == np.float32):
            return INSTANCE_NORM_OFFSET
        if node.op_type == 'MaxUnpool' and built.details.get('form') == 'output-shape':
            return MAXUNPOOL_OUTPUT_SHAPE
        if node.op_type == 'Det' and built.details.get('form') == 'singular':
            return DET_SINGULAR
        if node.op_type == 'Mod':
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            a = g.values.get(node.input[0])
            if attrs.get('fmod') == 1 and a is not None and a.dtype in (np.int64, np.uint64):
                return MOD_FMOD_INT64
    if built.details.get('K') == 0:
        return ORT_K0_BUG
    if built.details.get('values') == 'double-rounding':
        return DOUBLE_ROUNDING
    for node in g.nodes:
        if (node.op_type == 'Dropout' and 7 <= g.opset <= 11 and len(node.output) > 1
                and node.output[1]):
            return DROPOUT_MASK
        x = g.values.get(node.input[0]) if node.input else None
        if (node.op_type == 'LogSoftmax' and x is not None and x.dtype == np.float64
                and (np.isposinf(x).any() or np.isnan(x).any())):
            return LOGSOFTMAX_INF
        if (node.op_type in FUNCTION_BODY and g.opset == 18 and x is not None
                and x.dtype == np.float64):
            return FUNCTION_BODY[node.op_type]
        if node.op_type == 'Gelu' and g.dtype == np.float64:
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if attrs.get('approximate') in ('tanh', b'tanh'):
                return GELU_TANH_F64
    return None


def judge(built):
    why = gap(built)
    if why:
        return 'numpy', why, False
    why = deviation(built)
    if why:
        return 'numpy', why, True
    return 'onnxruntime', None, True
