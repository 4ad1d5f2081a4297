"""A NumPy evaluator for every operator the suite generates, the second
reference next to onnxruntime. It judges where onnxruntime cannot (opsets
below 7, which it refuses to load; element types it has no kernel for;
the cases where it departs from the spec, listed in oracle.py) and says
which side a disagreement is on.

It reads the ModelProto, not the generator's notes, so it checks the model
as the runtimes see it, and raises ModelError for a model a runtime must
refuse. Each node computes in a wider type and rounds once to the tensor
type: float64 for float32 tensors, long double (x87 80-bit) for float64
ones, except erf/erfc, which exist in double only (math.erf, within an ulp
of a double) - see erf_wide. Integer Add/Sub/Mul wrap around; integer Div
truncates towards zero (C's /, what onnxruntime does); the generator never
divides by zero nor INT_MIN by -1 (UndefinedCase if it tried).

Given an `order`, Gemm and MatMul instead compute in the tensor type,
summing in that order: the generator uses this to reject cases whose
result depends on the order (see STABILITY_ORDERS). Given a `perturb` RNG,
every approximate node (APPROX) moves its result by up to its tolerance:
the generator uses this to reject graphs that amplify the rounding of a
transcendental function beyond the output's tolerance.

Each node also marks the zeros whose sign is implementation-defined: a
Gemm or MatMul whose exact result is a nonzero too small for the type
rounds to -0 or +0 depending on whether the last step is a fused
multiply-add; any zero of a Gemm or MatMul fed a marked value is marked
too, and any other node marks the zeros of its output whose sign changes
when the marked zeros of its inputs change sign.

Conventions where the spec is loose, chosen to match the usual reading:
 - Gemm with beta == 0 ignores C, NaN and Inf included (BLAS, onnxruntime).
 - Relu is numpy.maximum(x, 0), as in the ONNX reference implementation:
   NaN stays NaN and -0 becomes +0 (onnxruntime keeps -0; see README).
 - Clip is Min(max, Max(x, min)) (so min > max gives max), NaN stays NaN,
   and x equal to a bound is kept (Clip(-0, min=+0) is -0).
 - Formulas are evaluated as written where that decides the sign of a
   zero or a NaN: Softsign(+-inf) = inf / inf = NaN, Selu(-0) = +0,
   Elu(-0) = -0, a Softmax row whose maximum is +-inf is NaN.
 - Dropout in inference returns its input and a mask of ones (true).
 - Cast rounds each element's exact value once (IEEE 754), see
   cast_element; Shape clamps start and end to [0, rank].
"""
import math

import numpy as np
from onnx import helper, numpy_helper

# The default comparison run.js makes: |got - want| <= atol + rtol * |want|.
TOLERANCE = {'float32': {'rtol': 1e-4, 'atol': 1e-5},
             'float64': {'rtol': 1e-10, 'atol': 1e-12}}
EPS = {'float32': 2.0 ** -23, 'float64': 2.0 ** -52}

# Operator versions (the opsets that introduced each), up to opset 21.
ARITH = (1, 6, 7, 13, 14)
VERSIONS = {
    'Gemm': (1, 6, 7, 9, 11, 13), 'Relu': (1, 6, 13, 14), 'LeakyRelu': (1, 6, 16),
    'MatMul': (1, 9, 13), 'Add': ARITH, 'Sub': ARITH, 'Mul': ARITH, 'Div': ARITH,
    'Sigmoid': (1, 6, 13), 'Tanh': (1, 6, 13), 'PRelu': (1, 6, 7, 9, 16),
    'Elu': (1, 6), 'Selu': (1, 6), 'Softplus': (1,), 'Softsign': (1,),
    'HardSigmoid': (1, 6), 'HardSwish': (14,), 'Clip': (1, 6, 11, 12, 13),
    'Erf': (9, 13), 'Gelu': (20,), 'Softmax': (1, 11, 13), 'LogSoftmax': (1, 11, 13),
    'Flatten': (1, 9, 11, 13, 21), 'Reshape': (1, 5, 13, 14, 19, 21),
    'Identity': (1, 13, 14, 16, 19, 21), 'Dropout': (1, 6, 7, 10, 12, 13),
    'Constant': (1, 9, 11, 12, 13, 19, 21), 'BatchNormalization': (1, 6, 7, 9, 14, 15),
    'Shape': (1, 13, 15, 19, 21), 'Gather': (1, 11, 13), 'Unsqueeze': (1, 11, 13, 21),
    'Squeeze': (1, 11, 13, 21), 'Concat': (1, 4, 11, 13), 'Cast': (1, 6, 9, 13, 19, 21),
    'CastLike': (15, 19, 21),
    'Equal': (1, 7, 11, 13, 19), 'Greater': (1, 7, 9, 13), 'Less': (1, 7, 9, 13),
    'GreaterOrEqual': (12, 16), 'LessOrEqual': (12, 16), 'And': (1, 7), 'Or': (1, 7),
    'Xor': (1, 7), 'Not': (1,), 'Neg': (1, 6, 13), 'Abs': (1, 6, 13), 'Sign': (9, 13),
    'Where': (9, 16), 'Mod': (10, 13), 'BitShift': (11,),
    # reduce_cases.py
    'ReduceSum': (1, 11, 13), 'ReduceMax': (1, 11, 12, 13, 18, 20),
    'ReduceMin': (1, 11, 12, 13, 18, 20), 'ArgMax': (1, 11, 12, 13), 'ArgMin': (1, 11, 12, 13),
}
for _op in ('ReduceMean', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
            'ReduceLogSumExp', 'ReduceSumSquare'):
    VERSIONS[_op] = (1, 11, 13, 18)
# math_cases.py
for _op in ('Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil'):
    VERSIONS[_op] = (1, 6, 13)
for _op in ('Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan'):
    VERSIONS[_op] = (7,)
for _op in ('Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh'):
    VERSIONS[_op] = (9,)
VERSIONS.update({
    'Round': (11,), 'IsNaN': (9, 13, 20), 'IsInf': (10, 20), 'Celu': (12,),
    'ThresholdedRelu': (10,), 'Shrink': (9,), 'Pow': (1, 7, 12, 13, 15),
    'Max': (1, 6, 8, 12, 13), 'Min': (1, 6, 8, 12, 13), 'Sum': (1, 6, 8, 13),
    'Mean': (1, 6, 8, 13), 'CumSum': (11, 14), 'Hardmax': (1, 11, 13),
    'LayerNormalization': (17,), 'NegativeLogLikelihoodLoss': (12, 13),
    'SoftmaxCrossEntropyLoss': (12, 13), 'TopK': (1, 10, 11),
    'MeanVarianceNormalization': (9, 13), 'Det': (11,), 'Einsum': (12,), 'Conv': (1, 11),
    'ConvTranspose': (1, 11)})
# pool_cases.py
VERSIONS.update({
    'MaxPool': (1, 8, 10, 11, 12), 'AveragePool': (1, 7, 10, 11, 19), 'LpPool': (1, 2, 11, 18),
    'GlobalAveragePool': (1,), 'GlobalMaxPool': (1,), 'GlobalLpPool': (1, 2),
    'Resize': (10, 11, 13, 18, 19), 'Upsample': (7, 9)})
# detection_cases.py
VERSIONS.update({'NonMaxSuppression': (10, 11), 'GridSample': (16, 20), 'RoiAlign': (10, 16)})
POOL_OPS = ('MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool',
            'GlobalLpPool')
# movement_cases.py
VERSIONS.update({'Transpose': (1, 13, 21)})
# recurrent_cases.py
VERSIONS.update({'LSTM': (1, 7, 14), 'GRU': (1, 3, 7, 14), 'RNN': (1, 7, 14)})
RECURRENT_OPS = ('LSTM', 'GRU', 'RNN')
# cnn_cases.py
VERSIONS.update({'InstanceNormalization': (1, 6), 'LRN': (1, 13), 'MaxUnpool': (9, 11)})
VERSIONS.update({'Transpose': (1, 13, 21), 'Size': (1, 13, 19, 21), 'Expand': (8, 13),
                 'Tile': (6, 13), 'Trilu': (14,), 'DepthToSpace': (1, 11, 13),
                 'SpaceToDepth': (1, 13), 'EyeLike': (9,), 'Compress': (9, 11),
                 'GatherElements': (11, 13)})
VERSIONS.update({'Slice': (1, 10, 11, 13), 'Split': (1, 2, 11, 13, 18),
                 'Pad': (1, 2, 11, 13, 18, 19, 21), 'ScatterElements': (11, 13, 16, 18),
                 'ScatterND': (11, 13, 16, 18), 'Scatter': (9, 11),
                 'ConstantOfShape': (9, 20, 21), 'Range': (11,), 'NonZero': (9, 13),
                 'GatherND': (11, 12, 13), 'ReverseSequence': (10,), 'OneHot': (9, 11),
                 'Unique': (11,)})
MOVEMENT_OPS = ('OneHot', 'GatherND', 'ReverseSequence', 'Slice', 'Split', 'Pad', 'ScatterElements', 'ScatterND', 'Scatter',
                'ConstantOfShape', 'Range', 'NonZero', 'Size', 'Expand', 'Tile', 'Trilu', 'DepthToSpace', 'SpaceToDepth', 'EyeLike',
                'Compress', 'GatherElements')
REDUCE_OPS = ('ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1',
              'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare')

FLOATS = {'float32', 'float64'}
INTS4 = {'int32', 'int64', 'uint32', 'uint64'}
INTS = INTS4 | {'int8', 'int16', 'uint8', 'uint16'}
ANY = FLOATS | INTS | {'bool'}
# float16 tensors are NumPy's float16; bfloat16 ones (which NumPy lacks)
# hold their bits in BFLOAT16, a structured dtype of one uint16 field, so
# they cannot be mistaken for uint16 (see dtype_name). Neither is in FLOATS:
# their outputs are compared exactly, like integers (only Cast rounds to
# them, and it is correctly rounded).
BFLOAT16 = np.dtype([('bfloat16', '<u2')])
ALL = ANY | {'float16'}            # every type the suite holds, but bfloat16
ALL_BF = ALL | {'bfloat16'}        # ... and bfloat16 (ONNX adds it at opset 13)


def dtype_name(dtype):
    """The ONNX name of a NumPy dtype: float32, ..., bool, float16, bfloat16."""
    return 'bfloat16' if np.dtype(dtype) == BFLOAT16 else str(np.dtype(dtype))


def allowed_types(op, version):
    """The element types (of those the suite uses) the spec allows."""
    if op in ('Add', 'Sub', 'Mul', 'Div'):
        return FLOATS if version == 1 else FLOATS | INTS4 if version < 14 else FLOATS | INTS
    if op in ('MatMul', 'Gemm'):
        return FLOATS | INTS4 if version >= 9 else FLOATS
    if op == 'PRelu':
        return FLOATS | INTS4 if version >= 9 else FLOATS
    if op == 'Clip':
        return FLOATS | INTS if version >= 12 else FLOATS
    if op == 'Erf':
        return FLOATS | INTS
    if op == 'Relu':
        return FLOATS | {'int8', 'int16', 'int32', 'int64'} if version >= 14 else FLOATS
    if op == 'Constant':
        return ANY if version >= 9 else FLOATS
    if op == 'Flatten':
        return ALL_BF if version >= 13 else ALL if version >= 9 else FLOATS | {'float16'}
    if op == 'Reshape':
        return ALL_BF if version >= 13 else ALL if version >= 5 else FLOATS | {'float16'}
    if op == 'Identity':
        return ALL_BF if version >= 13 else ALL
    if op in ('Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast'):
        return ALL_BF if version >= 13 else ALL
    if op == 'Concat':
        return ALL_BF if version >= 13 else ALL if version >= 4 else FLOATS | {'float16'}
    if op == 'CastLike':
        return ALL_BF
    numeric = FLOATS | INTS | {'float16'}
    if op == 'Equal':
        return ({'bool', 'int32', 'int64'} if version < 11 else numeric | {'bool'}
                if version < 13 else numeric | {'bool', 'bfloat16'})
    if op in ('Greater', 'Less'):
        return (FLOATS | {'float16'} if version < 9 else numeric if version < 13
                else numeric | {'bfloat16'})
    if op in ('GreaterOrEqual', 'LessOrEqual'):
        return numeric if version < 16 else numeric | {'bfloat16'}
    if op in ('And', 'Or', 'Xor', 'Not'):
        return {'bool'}
    if op == 'Neg':
        signed = FLOATS | {'float16', 'int8', 'int16', 'int32', 'int64'}
        return (FLOATS | {'float16'} if version < 6 else signed if version < 13
                else signed | {'bfloat16'})
    if op == 'Abs':
        return FLOATS | {'float16'} if version < 6 else numeric if version < 13 else (
            numeric | {'bfloat16'})
    if op in ('Sign', 'Mod'):
        return numeric if version < 13 else numeric | {'bfloat16'}
    if op == 'Where':      # X's type (the condition is bool)
        return ALL if version < 16 else ALL_BF
    if op == 'BitShift':
        return {'uint8', 'uint16', 'uint32', 'uint64'}
    if op in ('ReduceMax', 'ReduceMin'):
        return (FLOATS | INTS4 | ({'int8', 'uint8'} if version >= 12 else set())
                | ({'bool'} if version >= 20 else set()))
    if op in REDUCE_OPS:
        return FLOATS | INTS4
    if op in ('ArgMax', 'ArgMin'):
        return FLOATS | INTS
    if op == 'Celu':
        return {'float32'}
    if op in ('Transpose', 'Size', 'Expand', 'Tile', 'DepthToSpace', 'SpaceToDepth',
              'GatherElements'):
        return ALL_BF if version >= 13 else ALL
    if op == 'Split' and version == 1:
        return FLOATS | {'float16'}
    if op == 'OneHot':          # the indices' type (values: any)
        return FLOATS | INTS
    if op in ('GatherND', 'ReverseSequence'):
        return ALL_BF if version >= 13 else ALL
    if op == 'Unique':          # any tensor type (strings aside)
        return ALL_BF
    if op in ('Slice', 'Split', 'ScatterElements', 'ScatterND', 'Scatter', 'NonZero'):
        return ALL_BF if version >= 13 else ALL
    if op == 'Pad':
        return (FLOATS | {'float16'} if version < 11 else ALL - {'bool'} if version < 13
                else ALL_BF)
    if op == 'ConstantOfShape':     # its input; the output is the value's type
        return {'int64'}
    if op == 'Range':
        return FLOATS | {'int16', 'int32', 'int64'}
    if op in ('Trilu', 'Compress'):
        return ALL_BF if op == 'Trilu' else ALL
    if op == 'EyeLike':
        return ALL
    if op == 'Pow':      # X's type (Y: any numeric type from 12)
        return FLOATS | {'int32', 'int64'} if version >= 12 else FLOATS
    if op in ('Max', 'Min'):
        return FLOATS | INTS if version >= 12 else FLOATS
    if op == 'CumSum':
        return FLOATS | INTS4
    if op == 'TopK':
        return FLOATS | INTS if version >= 11 else FLOATS
    if op == 'Einsum':
        return FLOATS | {'int32', 'int64'}
    if op == 'NonMaxSuppression':
        return {'float32'}
    if op == 'MaxPool':
        return FLOATS | {'int8', 'uint8'} if version >= 12 else FLOATS
    return FLOATS

# Per-operator tolerances, as (rtol in units of the type's epsilon, atol).
# Only operators whose result is not correctly rounded have one; every
# other operator is compared with TOLERANCE. The values are the tightest
# that hold for onnxruntime 1.30 against this reference on the generated
# cases, rounded up (README: how they were measured, and the errors seen;
# measure.py). TINY (the smallest normal number) as atol lets results in
# the subnormal range lose their relative precision, as they do anywhere.
# Where onnxruntime has no kernel (float64 Erf, Softplus, Softsign, Gelu)
# the value is set, not measured: 4 eps, the float32 measurement's
# structure.
TINY = 'tiny'
APPROX = {
    # op: {dtype: (rtol / eps, atol)}
    'Sigmoid': {'float32': (2, 1.5e-7), 'float64': (2, 2.0 ** -52)},
    'Tanh': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Erf': {'float32': (2, TINY), 'float64': (4, TINY)},
    'Gelu': {'float32': (2, 8e-7), 'float64': (4, 4 * 2.0 ** -52)},
    'Softplus': {'float32': (3, TINY), 'float64': (4, TINY)},
    'Softsign': {'float32': (2, TINY), 'float64': (4, TINY)},
    # times max(1, |alpha|) (Elu) or max(1, |alpha * gamma|) (Selu): the
    # error of exp(x) - 1 near x = 0, scaled.
    'Elu': {'float32': (2, 2.0 ** -23), 'float64': (4, 2.0 ** -52)},
    'Selu': {'float32': (2, 2.0 ** -23), 'float64': (4, 2.0 ** -52)},
    'Softmax': {'float32': (16, TINY), 'float64': (16, TINY)},
    # plus, per case, 2 eps ln(n) for a row of n (op_cases.build_softmax):
    # log(sum) is rounded relative to itself, not to the result.
    'LogSoftmax': {'float32': (4, TINY), 'float64': (4, TINY)},
    # reductions (reduce_cases.py): plus, per case, an atol of (n + 2) eps
    # times the largest error bound of an output (sum |x| for a sum, ...):
    # an accumulation in the type rounds at each of its n - 1 steps.
    'ReduceSum': {'float32': (2, TINY), 'float64': (2, TINY)},
    'ReduceMean': {'float32': (4, TINY), 'float64': (4, TINY)},
    'ReduceL1': {'float32': (2, TINY), 'float64': (2, TINY)},
    'ReduceL2': {'float32': (4, TINY), 'float64': (4, TINY)},
    'ReduceSumSquare': {'float32': (2, TINY), 'float64': (2, TINY)},
    'ReduceProd': {'float32': (4, TINY), 'float64': (4, TINY)},
    'ReduceLogSum': {'float32': (4, TINY), 'float64': (4, TINY)},
    'ReduceLogSumExp': {'float32': (4, TINY), 'float64': (4, TINY)},
    # math_cases.py (Sum, Mean, CumSum, LayerNormalization and the losses
    # also get a per-case atol for their accumulation, as the reductions)
    'Exp': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Log': {'float32': (4, TINY), 'float64': (4, TINY)},
    # float64 Sin and Cos: onnxruntime's are off by up to 53 ULP (40 eps
    # relative) for arguments up to 1000, and by 3e-16 absolute near a zero
    # of the function (its range reduction)
    'Sin': {'float32': (4, TINY), 'float64': (64, 2.0 ** -50)},
    'Cos': {'float32': (4, TINY), 'float64': (64, 2.0 ** -50)},
    'Tan': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Asin': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Acos': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Atan': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Sinh': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Cosh': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Asinh': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Acosh': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Atanh': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Celu': {'float32': (2, 2.0 ** -23), 'float64': (4, 2.0 ** -52)},
    'Pow': {'float32': (4, TINY), 'float64': (4, TINY)},
    'Sum': {'float32': (2, TINY), 'float64': (2, TINY)},
    'Mean': {'float32': (4, TINY), 'float64': (4, TINY)},
    'CumSum': {'float32': (2, TINY), 'float64': (2, TINY)},
    'LayerNormalization': {'float32': (8, TINY), 'float64': (8, TINY)},
    'NegativeLogLikelihoodLoss': {'float32': (4, TINY), 'float64': (4, TINY)},
    'SoftmaxCrossEntropyLoss': {'float32': (8, TINY), 'float64': (8, TINY)},
    # onnxruntime's variance is E[X^2] - E[X]^2 in the input's type; the
    # outputs are O(1), so an absolute floor of a few dozen eps
    'MeanVarianceNormalization': {'float32': (16, 2.0 ** -18), 'float64': (16, 2.0 ** -47)},
    # pool_cases.py: the averages and norms also get a per-case atol for
    # their accumulation (onnxruntime sums in the input's type)
    'AveragePool': {'float32': (4, TINY), 'float64': (4, TINY)},
    'GlobalAveragePool': {'float32': (4, TINY), 'float64': (4, TINY)},
    'LpPool': {'float32': (8, TINY), 'float64': (8, TINY)},
    'GlobalLpPool': {'float32': (8, TINY), 'float64': (8, TINY)},
    # cnn_cases.py: onnxruntime's InstanceNormalization variance is
    # E[X^2] - E[X]^2 in float (as its MVN), its LRN a float pow; float64
    # planes of mean 100 and spread 0.05 (form 'offset') amplify the
    # mean's rounding some 2000 times
    'InstanceNormalization': {'float32': (64, 2.0 ** -14), 'float64': (16, 2.0 ** -36)},
    'LRN': {'float32': (8, TINY), 'float64': (8, TINY)},
}
# Summation orders a correct runtime might use: one product at a time,
# either way along K, and K in blocks of 128 or 256 added onto beta * C
# (the way MLAS splits K, with C already in the output).
STABILITY_ORDERS = ('forward', 'backward', 'blocks128', 'blocks256')


class ModelError(Exception):
    """The model is invalid: a runtime must refuse it."""


class UndefinedCase(Exception):
    """The generator built something the spec leaves undefined (a bug)."""


# Operators removed from ai.onnx: their last opset (Scatter is deprecated
# from 13 in favour of ScatterElements).
LAST_OPSET = {'Scatter': 12, 'Upsample': 9}


def op_version(op, opset):
    versions = [v for v in VERSIONS[op] if v <= opset]
    if not versions or opset > LAST_OPSET.get(op, opset):
        raise ModelError(f'{op} does not exist at opset {opset}')
    return max(versions)


# ------------------------------------------------------------ tolerances

def node_tolerance(op, dtype, attrs):
    """(rtol, atol) for one node's output, or None: the dtype default."""
    if dtype not in FLOATS or op not in APPROX:
        return None
    k, atol = APPROX[op][dtype]
    if atol == TINY:
        atol = float(np.finfo(dtype).tiny)
    # Elu and Selu compute alpha * (exp(x) - 1): near 0 the subtraction
    # cancels, so the absolute error scales with alpha (and gamma).
    if op in ('Elu', 'Selu', 'Celu'):
        scale = abs(float(attrs.get('alpha', 1.0)))
        if op == 'Selu':
            scale = (abs(float(attrs.get('alpha', 1.6732632)))
                     * abs(float(attrs.get('gamma', 1.0507))))
        atol *= max(scale, 1.0)
    return k * EPS[dtype], atol


# Operators that move or convert elements without arithmetic: a graph of
# only these is compared exactly (Cast and CastLike round correctly, once).
EXACT_OPS = {'Identity', 'Dropout', 'Reshape', 'Flatten', 'Constant', 'Shape', 'Gather',
             'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'CastLike',
             'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor',
             'Not', 'Neg', 'Abs', 'Sign', 'Where', 'Mod', 'BitShift',
             'ReduceMax', 'ReduceMin', 'ArgMax', 'ArgMin',
             'Floor', 'Ceil', 'Round', 'Sqrt', 'Reciprocal', 'IsNaN', 'IsInf',
             'ThresholdedRelu', 'Shrink', 'Max', 'Min', 'Hardmax', 'TopK', 'Transpose',
             'NonMaxSuppression'}
EXACT_OPS |= set(MOVEMENT_OPS)
EXACT = {'rtol': 0.0, 'atol': 0.0}


def graph_tolerance(model, dtype, atol_floor=0.0):
    """The tolerance of a graph output: exact when every node is in
    EXACT_OPS, else the default unless every node is approximate (then the
    sum of theirs: each adds its error); never below atol_floor. None for
    integer, bool and float16 outputs (compared exactly)."""
    if dtype not in FLOATS:
        return None
    if all(n.op_type in EXACT_OPS for n in model.graph.node) and not atol_floor:
        return dict(EXACT)
    nodes = [n for n in model.graph.node if n.op_type not in ('Identity', 'Dropout', 'Reshape',
                                                              'Flatten', 'Constant')]
    tols = [node_tolerance(n.op_type, dtype, {a.name: helper.get_attribute_value(a)
                                              for a in n.attribute}) for n in nodes]
    if not tols or any(t is None for t in tols):
        tol = dict(TOLERANCE[dtype])
    else:
        tol = {'rtol': sum(t[0] for t in tols), 'atol': sum(t[1] for t in tols)}
    tol['atol'] = max(tol['atol'], atol_floor)
    return tol


def within_tolerance(got, want, tol=None):
    """run.js's criterion, less the sign of zero."""
    if got.shape != want.shape or got.dtype != want.dtype:
        return False
    if want.dtype.kind != 'f' or want.dtype == np.float16:
        if want.dtype == np.float16:
            return bool(((got == want) | (np.isnan(got) & np.isnan(want))).all())
        return bool((got == want).all())
    tol = tol or TOLERANCE[str(want.dtype)]
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    if (nan_g != nan_w).any():
        return False
    fin = np.isfinite(want) & np.isfinite(got)
    if (got[~fin & ~nan_w] != want[~fin & ~nan_w]).any():
        return False
    with np.errstate(all='ignore'):
        err = np.abs(got[fin].astype(np.float64) - want[fin])
        return bool((err <= tol['atol'] + tol['rtol'] * np.abs(want[fin])).all())


def c_order(x):
    """A C-ordered array; unlike np.ascontiguousarray, keeps rank 0."""
    return np.array(x, order='C', copy=True)


def wide(x):
    """x in the type a node computes in (see the top of the file)."""
    return x.astype(np.float64 if x.dtype == np.float32 else np.longdouble)


def erf_wide(w, complement=False):
    """erf (or erfc) of every element of w, from double (math.erf)."""
    fn = math.erfc if complement else math.erf
    flat = [fn(float(v)) for v in w.reshape(-1)]
    return np.array(flat, dtype=np.float64).reshape(w.shape).astype(w.dtype)


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
        full = np.broadcast_to(y, (a_.shape[0], b_.shape[1]))
        out = c_order(full.astype(a_.dtype))
    return out, (out == 0) & (full != 0)


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
    if a_.dtype.kind != 'f':
        raise UndefinedCase('integer Gemm is not generated')
    if order:
        out = gemm_ordered(a_, b_, c, alpha, beta, order)
        return out, np.zeros(out.shape, bool)
    return gemm_exact(a_, b_, c, alpha, beta)


# ---------------------------------------------------------------- MatMul

def matmul_shapes(a, b):
    """Validates NumPy matmul semantics; returns the promoted 2-D+ views and
    the output shape."""
    if a.ndim == 0 or b.ndim == 0:
        raise ModelError('MatMul operands must have rank >= 1')
    a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
    b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ModelError(f'MatMul inner dimensions differ: {list(a.shape)} x {list(b.shape)}')
    try:
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    except ValueError:
        raise ModelError(f'MatMul batch dims do not broadcast: {list(a.shape)} x {list(b.shape)}')
    out = tuple(batch) + (a2.shape[-2], b2.shape[-1])
    squeeze = out
    if b.ndim == 1:
        squeeze = squeeze[:-1]
    if a.ndim == 1:
        squeeze = squeeze[:-2] + squeeze[-1:] if b.ndim != 1 else squeeze[:-1]
    return a2, b2, out, squeeze


def matmul(inputs, attrs, version, order=None):
    a, b = inputs
    a2, b2, full_shape, shape = matmul_shapes(a, b)
    if a.dtype.kind != 'f':
        with np.errstate(all='ignore'):     # wraps around, like the runtimes
            return np.matmul(a2, b2).astype(a.dtype).reshape(shape), None
    if order:
        k = a2.shape[-1]
        with np.errstate(all='ignore'):
            if order.startswith('blocks'):
                step = int(order[6:])
                y = np.zeros(full_shape, a.dtype)
                for k0 in range(0, k, step):
                    y = y + np.matmul(a2[..., k0:k0 + step], b2[..., k0:k0 + step, :])
            else:
                y = np.zeros(full_shape, a.dtype)
                for l in (range(k) if order == 'forward' else reversed(range(k))):
                    y = y + a2[..., :, l:l + 1] * b2[..., l:l + 1, :]
        y = c_order(y.astype(a.dtype).reshape(shape))
        return y, np.zeros(y.shape, bool)
    with np.errstate(all='ignore'):
        w = np.matmul(a2.astype(np.longdouble), b2.astype(np.longdouble))
        out = c_order(w.astype(a.dtype)).reshape(shape)
    return out, ((out == 0) & (w.reshape(shape) != 0))


# ------------------------------------------------------ Relu, LeakyRelu

def relu(inputs, attrs, version, order=None):
    x = inputs[0]
    return np.maximum(x, x.dtype.type(0)), None


def leaky_relu(inputs, attrs, version, order=None):
    x = inputs[0]
    alpha = np.float64(np.float32(attrs.get('alpha', 0.01)))
    with np.errstate(all='ignore'):
        w = x.astype(np.float64)
        return np.where(x >= 0, w, alpha * w).astype(x.dtype), None


# ------------------------------------------------ Add, Sub, Mul, Div

def legacy_operand(a, b, attrs):
    """Versions 1 and 6: without broadcast=1 the shapes must be equal; with
    it, B is broadcast onto A (its dims equal to A's or 1), aligned at
    `axis` or, without one, at the end. Returns B reshaped for NumPy."""
    if not attrs.get('broadcast', 0):
        if a.shape != b.shape:
            raise ModelError(f'shapes {list(a.shape)} and {list(b.shape)} differ '
                             f'and broadcast is not set')
        return b
    if b.ndim > a.ndim:
        raise ModelError('B has a higher rank than A')
    axis = attrs.get('axis', a.ndim - b.ndim)
    if axis < 0 or axis + b.ndim > a.ndim:
        raise ModelError(f'axis {axis} does not fit B {list(b.shape)} in A {list(a.shape)}')
    for i, d in enumerate(b.shape):
        if d not in (1, a.shape[axis + i]):
            raise ModelError(f'B {list(b.shape)} does not match A {list(a.shape)} at axis {axis}')
    return b.reshape(b.shape + (1,) * (a.ndim - axis - b.ndim))


def broadcast_operands(a, b, attrs, version):
    if version < 7:
        return a, legacy_operand(a, b, attrs)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ModelError(f'shapes {list(a.shape)} and {list(b.shape)} do not broadcast')
    return a, b


def int_div(a, b):
    """C's truncating division, defined only for b != 0 and not MIN / -1."""
    if (b == 0).any():
        raise UndefinedCase('integer division by zero')
    if a.dtype.kind == 'i':
        lo = np.iinfo(a.dtype).min
        a_b, b_b = np.broadcast_arrays(a, b)
        if ((a_b == lo) & (b_b == -1)).any():
            raise UndefinedCase('INT_MIN / -1')
    with np.errstate(all='ignore'):
        return ((a - np.fmod(a, b)) // b).astype(a.dtype)


def arithmetic(fn):
    def op(inputs, attrs, version, order=None):
        a, b = broadcast_operands(inputs[0], inputs[1], attrs, version)
        with np.errstate(all='ignore'):
            if a.dtype.kind == 'f':
                # One rounding: exact for + - * / of float32 in float64.
                w = fn(a.astype(np.float64), b.astype(np.float64))
                out = np.asarray(w).astype(a.dtype)
            elif fn is np.divide:
                out = int_div(a, b)
            else:
                out = np.asarray(fn(a, b)).astype(a.dtype)     # wraps around
        return c_order(out), None
    return op


# ------------------------------------------------- unary float functions

def float_unary(fn):
    """fn(w, attrs, version) on x in the wide type, rounded once."""
    def op(inputs, attrs, version, order=None):
        x = inputs[0]
        if x.dtype.kind != 'f':
            raise UndefinedCase('integer input to a float-only function')
        with np.errstate(all='ignore'):
            return np.asarray(fn(wide(x), attrs, version)).astype(x.dtype), None
    return op


def f_sigmoid(w, attrs, version):
    return 1 / (1 + np.exp(-w))


def f_softplus(w, attrs, version):
    return np.logaddexp(w, w.dtype.type(0))


def f_softsign(w, attrs, version):
    return w / (1 + np.abs(w))


def f_elu(w, attrs, version):
    alpha = w.dtype.type(np.float32(attrs.get('alpha', 1.0)))
    return np.where(w < 0, alpha * np.expm1(w), w)


def selu_defaults(version):
    # Selu-1 documents shorter defaults than Selu-6.
    return (1.6732, 1.0507) if version == 1 else (1.67326319217681884765625,
                                                 1.05070102214813232421875)


def f_selu(w, attrs, version):
    da, dg = selu_defaults(version)
    alpha = w.dtype.type(np.float32(attrs.get('alpha', da)))
    gamma = w.dtype.type(np.float32(attrs.get('gamma', dg)))
    # gamma * (alpha * exp(x) - alpha), less the cancellation; x = -0 gives
    # +0 as the formula does.
    neg = np.where(w == 0, w.dtype.type(0), gamma * alpha * np.expm1(w))
    return np.where(w <= 0, neg, gamma * w)


def f_hard_sigmoid(w, attrs, version):
    alpha = w.dtype.type(np.float32(attrs.get('alpha', 0.2)))
    beta = w.dtype.type(np.float32(attrs.get('beta', 0.5)))
    return np.minimum(np.maximum(alpha * w + beta, 0), 1)


def f_hard_swish(w, attrs, version):
    return w * np.minimum(np.maximum(w / 6 + w.dtype.type(0.5), 0), 1)


def f_erf(w, attrs, version):
    return erf_wide(w)


def f_gelu(w, attrs, version):
    if attrs.get('approximate', b'none') in ('tanh', b'tanh'):
        # 0.5 x (1 + tanh(z)) = x * sigmoid(2z), without the cancellation.
        z = np.sqrt(w.dtype.type(2) / w.dtype.type(np.pi)) * (w + w.dtype.type(0.044715) * w ** 3)
        return w / (1 + np.exp(-2 * z))
    if attrs.get('approximate', b'none') not in ('none', b'none'):
        raise ModelError(f"Gelu approximate={attrs['approximate']!r}")
    # 0.5 x erfc(-x / sqrt 2); the argument in long double, split into
    # double hi + lo, and erfc(hi + lo) ~ erfc(hi) - lo * 2/sqrt(pi) exp(-hi^2):
    # the tail of erfc magnifies an error in its argument.
    t = -(w.astype(np.longdouble) / np.sqrt(np.longdouble(2)))
    hi = t.astype(np.float64)
    lo = np.where(np.isfinite(t), t - hi, 0).astype(np.float64)
    e = erf_wide(hi, complement=True) - lo * (2 / math.sqrt(math.pi)) * np.exp(-hi * hi)
    return (w * w.dtype.type(0.5)) * e.astype(w.dtype)


# ------------------------------------------------------ PRelu, Clip

def prelu(inputs, attrs, version, order=None):
    x, slope = inputs
    try:
        s = np.broadcast_to(slope, x.shape)
    except ValueError:
        raise ModelError(f'slope {list(slope.shape)} does not broadcast to X {list(x.shape)}')
    if version < 7 and slope.size != 1 and slope.shape != x.shape:
        raise ModelError('PRelu before 7: slope of one element or of X\'s shape')
    with np.errstate(all='ignore'):
        if x.dtype.kind == 'f':
            y = np.where(x < 0, s.astype(np.float64) * x.astype(np.float64), x)
        else:
            y = np.where(x < 0, s * x, x)
        return c_order(y.astype(x.dtype)), None


def ieee_max(a, b):
    """maximum with NaN propagation and max(-0, +0) = +0."""
    y = np.maximum(a, b)
    if y.dtype.kind == 'f':
        both0 = (a == 0) & (b == 0)
        y = np.where(both0, np.where(np.signbit(a) & np.signbit(b), a, np.abs(a)), y)
    return y


def ieee_min(a, b):
    y = np.minimum(a, b)
    if y.dtype.kind == 'f':
        both0 = (a == 0) & (b == 0)
        y = np.where(both0, np.where(np.signbit(a) | np.signbit(b), -np.abs(a), a), y)
    return y


def clip(inputs, attrs, version, order=None):
    """Min(max, Max(x, min)). Clip-6's bounds default to float32's range
    (float64 too); from Clip-11 an absent bound is the type's lowest() /
    max(), so -inf becomes the lowest finite value; Clip-1 has none."""
    x = inputs[0]
    t = x.dtype.type
    if version < 11:
        big = 3.4028234663852886e+38
        lo = attrs.get('min', -big if version == 6 else None)
        hi = attrs.get('max', big if version == 6 else None)
        lo = None if lo is None else np.array(t(np.float32(lo)))
        hi = None if hi is None else np.array(t(np.float32(hi)))
    else:
        lo = inputs[1] if len(inputs) > 1 else None
        hi = inputs[2] if len(inputs) > 2 else None
        for bound in (lo, hi):
            if bound is not None and bound.ndim != 0:
                raise ModelError(f'Clip bounds must be scalars, got shape {list(bound.shape)}')
        info = np.finfo(x.dtype) if x.dtype.kind == 'f' else np.iinfo(x.dtype)
        lo = np.array(info.min, x.dtype) if lo is None else lo
        hi = np.array(info.max, x.dtype) if hi is None else hi
    # x is kept unless it is beyond a bound: Clip(-0, min=+0) stays -0, as
    # onnxruntime's (and onnxc's) comparisons leave it, and NaN stays NaN.
    y = x
    with np.errstate(all='ignore'):
        if lo is not None:
            y = np.where(y < lo, lo, y)
        if hi is not None:
            y = np.where(y > hi, hi, y)
    return c_order(np.asarray(y, dtype=x.dtype)), None


# ---------------------------------------------- Softmax, LogSoftmax

def softmax_family(log):
    def op(inputs, attrs, version, order=None):
        x = inputs[0]
        r = x.ndim
        axis = attrs.get('axis', -1 if version >= 13 else 1)
        lo = -r if version >= 11 else 0
        if r == 0 or not lo <= axis < r:
            raise ModelError(f'axis {axis} out of range for rank {r}')
        axis %= r
        if x.size == 0:
            return x.copy(), None
        w = wide(x)
        if version < 13:    # coerced to 2-D at axis, normalised over the tail
            w = w.reshape(int(np.prod(x.shape[:axis], dtype=np.int64)), -1)
            ax = 1
        else:
            ax = axis
        with np.errstate(all='ignore'):
            m = np.max(w, axis=ax, keepdims=True)
            d = w - m
            e = np.exp(d)
            s = np.sum(e, axis=ax, keepdims=True)
            y = d - np.log(s) if log else e / s
        return c_order(y.reshape(x.shape).astype(x.dtype)), None
    return op


# ----------------------------------- Flatten, Reshape, Identity, Dropout

def flatten(inputs, attrs, version, order=None):
    x = inputs[0]
    r = x.ndim
    axis = attrs.get('axis', 1)
    lo = -r if version >= 11 else 0
    if not lo <= axis <= r:
        raise ModelError(f'Flatten axis {axis} out of range for rank {r}')
    axis = axis + r if axis < 0 else axis
    rows = int(np.prod(x.shape[:axis], dtype=np.int64))
    cols = int(np.prod(x.shape[axis:], dtype=np.int64))
    return x.reshape(rows, cols).copy(), None


def reshape_target(in_shape, shape, allowzero):
    shape = [int(d) for d in shape]
    if shape.count(-1) > 1:
        raise ModelError('more than one -1 in the shape')
    if allowzero and 0 in shape and -1 in shape:
        raise ModelError('allowzero with both 0 and -1 in the shape')
    out = []
    for i, d in enumerate(shape):
        if d < -1:
            raise ModelError(f'negative dimension {d}')
        if d == 0 and not allowzero:
            if i >= len(in_shape):
                raise ModelError(f'0 at index {i} copies a dimension the input does not have')
            d = in_shape[i]
        out.append(d)
    size = int(np.prod(in_shape, dtype=np.int64))
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1], dtype=np.int64))
        if known == 0 or size % known:
            raise ModelError(f'cannot infer -1: {size} elements into {shape}')
        out[out.index(-1)] = size // known
    if int(np.prod(out, dtype=np.int64)) != size:
        raise ModelError(f'{size} elements do not fit {out}')
    return tuple(out)


def reshape(inputs, attrs, version, order=None):
    x = inputs[0]
    if version < 5:
        if 'shape' not in attrs:
            raise ModelError('Reshape-1 needs the shape attribute')
        shape = attrs['shape']
    else:
        if len(inputs) < 2 or inputs[1] is None:
            raise ModelError('Reshape needs the shape input')
        if inputs[1].dtype != np.int64 or inputs[1].ndim != 1:
            raise ModelError('the shape input must be a 1-D int64 tensor')
        shape = inputs[1].tolist()
    allowzero = attrs.get('allowzero', 0) if version >= 14 else 0
    return x.reshape(reshape_target(x.shape, shape, allowzero)).copy(), None


def identity(inputs, attrs, version, order=None):
    return inputs[0].copy(), None


def transpose(inputs, attrs, version, order=None):
    x = inputs[0]
    perm = attrs.get('perm', list(range(x.ndim))[::-1])
    if sorted(int(p) for p in perm) != list(range(x.ndim)):
        raise ModelError(f'Transpose perm {list(perm)} for rank {x.ndim}')
    return c_order(np.transpose(x, [int(p) for p in perm])), None


def dropout(inputs, attrs, version, order=None):
    x = inputs[0]
    if version < 7 and not attrs.get('is_test', 0):
        raise UndefinedCase('Dropout-1/6 with is_test=0 is training mode')
    if version >= 12:
        if len(inputs) > 2 and inputs[2] is not None and bool(inputs[2].reshape(-1)[0]):
            raise UndefinedCase('Dropout training_mode=true is not generated')
        if len(inputs) > 1 and inputs[1] is not None and inputs[1].dtype.kind != 'f':
            raise ModelError('the ratio must be a float tensor')
    # Before 7, is_test=1 leaves the mask unfilled: none is expected.
    mask = None if version < 7 else np.ones(x.shape, x.dtype if version < 10 else bool)
    return [x.copy(), mask], None


def constant(inputs, attrs, version, order=None):
    given = [k for k in attrs if k in ('value', 'value_float', 'value_floats', 'value_int',
                                       'value_ints', 'sparse_value', 'value_string',
                                       'value_strings')]
    if len(given) != 1:
        raise ModelError(f'Constant needs exactly one value attribute, has {given}')
    key = given[0]
    if key != 'value' and version < 12:
        raise ModelError(f'{key} is new in Constant-12')
    v = attrs[key]
    if key == 'value':
        return numpy_helper.to_array(v).copy(), None
    if key == 'value_float':
        return np.array(v, np.float32), None
    if key == 'value_floats':
        return np.array(list(v), np.float32), None
    if key == 'value_int':
        return np.array(v, np.int64), None
    if key == 'value_ints':
        return np.array(list(v), np.int64), None
    raise UndefinedCase(f'Constant {key} is not generated')


# ------------------------- Shape, Gather, Unsqueeze, Squeeze, Concat

def shape(inputs, attrs, version, order=None):
    """x's dims [start, end) as int64; start and end (15+) count from the
    back when negative and are then clamped to [0, rank]. (The spec's text
    says start is clamped to [0, r-1], its examples and its reference
    implementation - Python slicing - use [0, r]; onnxruntime too.)"""
    x = inputs[0]
    r = x.ndim
    if version < 15 and ('start' in attrs or 'end' in attrs):
        raise ModelError('Shape has start and end from version 15')

    def clamp(i):
        i = i + r if i < 0 else i
        return min(max(i, 0), r)
    lo = clamp(int(attrs.get('start', 0)))
    hi = clamp(int(attrs['end'])) if 'end' in attrs else r
    return np.array(x.shape[lo:max(lo, hi)], np.int64), None


def gather(inputs, attrs, version, order=None):
    """Slices of data along axis at indices (int32 or int64, of any rank);
    output dims: data's before axis, indices', data's after axis. Negative
    indices count from the end (documented from Gather-11, which the
    generator keeps to); an index out of [-n, n-1] is an error."""
    data, idx = inputs
    if idx.dtype not in (np.int32, np.int64):
        raise ModelError(f'Gather indices must be int32 or int64, not {dtype_name(idx.dtype)}')
    r = data.ndim
    axis = int(attrs.get('axis', 0))
    if r == 0 or not -r <= axis < r:
        raise ModelError(f'Gather axis {axis} out of range for rank {r}')
    axis %= r
    n = data.shape[axis]
    wide_idx = idx.astype(np.int64)
    if ((wide_idx < -n) | (wide_idx >= n)).any():
        raise ModelError(f'a Gather index is out of range [{-n}, {n - 1}]')
    if version < 11 and (wide_idx < 0).any():
        raise UndefinedCase('negative Gather indices are documented from Gather-11')
    wide_idx = np.where(wide_idx < 0, wide_idx + n, wide_idx)
    return c_order(np.take(data, wide_idx, axis=axis)), None


def axes_list(node_op, inputs, attrs, version, attr_until=13):
    """The axes of Unsqueeze or Squeeze: the attribute before 13, the
    optional int64 input from 13 (None when absent)."""
    if version < attr_until:
        return [int(a) for a in attrs['axes']] if 'axes' in attrs else None
    if 'axes' in attrs:
        raise ModelError(f'{node_op}-{version} takes axes as an input, not an attribute')
    if len(inputs) < 2 or inputs[1] is None:
        return None
    a = inputs[1]
    if a.dtype != np.int64 or a.ndim != 1:
        raise ModelError(f'{node_op} axes must be a 1-D int64 tensor')
    return [int(v) for v in a]


def normalise_axes(op, axes, rank, version):
    lo = -rank if version >= 11 else 0
    for a in axes:
        if not lo <= a < rank:
            raise ModelError(f'{op} axis {a} out of range for rank {rank}')
    axes = [a % rank for a in axes]
    if len(set(axes)) != len(axes):
        raise ModelError(f'{op} axes {axes} repeat a dim')
    return axes


def unsqueeze(inputs, attrs, version, order=None):
    """x with dims of 1 inserted at axes, which count in the output's rank
    (negative from 11); repeated axes are an error."""
    x = inputs[0]
    axes = axes_list('Unsqueeze', inputs, attrs, version)
    if axes is None:
        raise ModelError('Unsqueeze needs axes')
    rank = x.ndim + len(axes)
    axes = set(normalise_axes('Unsqueeze', axes, rank, version))
    dims, rest = [], iter(x.shape)
    for d in range(rank):
        dims.append(1 if d in axes else next(rest))
    return x.reshape(dims).copy(), None


def squeeze(inputs, attrs, version, order=None):
    """x without the dims at axes (each must be 1), or without every dim of
    1 when no axes are given."""
    x = inputs[0]
    axes = axes_list('Squeeze', inputs, attrs, version)
    if axes is None:
        axes = [d for d, n in enumerate(x.shape) if n == 1]
    axes = normalise_axes('Squeeze', axes, x.ndim, version)
    for a in axes:
        if x.shape[a] != 1:
            raise ModelError(f'Squeeze of dim {a}, which is {x.shape[a]}, not 1')
    return x.reshape([n for d, n in enumerate(x.shape) if d not in axes]).copy(), None


def concat(inputs, attrs, version, order=None):
    """The inputs joined along axis (Concat-1: default 1; required from 4;
    negative from 11); all of one rank >= 1 and of the same dims elsewhere."""
    if not inputs or any(x is None for x in inputs):
        raise ModelError('Concat needs one or more inputs')
    r = inputs[0].ndim
    if 'axis' not in attrs and version >= 4:
        raise ModelError('Concat needs axis from version 4')
    axis = int(attrs.get('axis', 1))
    lo = -r if version >= 11 else 0
    if r == 0 or not lo <= axis < r:
        raise ModelError(f'Concat axis {axis} out of range for rank {r}')
    axis %= r
    for x in inputs:
        if x.ndim != r or any(a != b for d, (a, b) in enumerate(zip(x.shape, inputs[0].shape))
                              if d != axis):
            raise ModelError(f'Concat of {list(x.shape)} and {list(inputs[0].shape)} '
                             f'at axis {axis}')
    return c_order(np.concatenate(inputs, axis=axis)), None


# ------------------------------------------------------- Cast, CastLike

# The TensorProto numbers and Cast-1's names of the types the suite uses.
TYPE_NUMBERS = {'float32': 1, 'uint8': 2, 'int8': 3, 'uint16': 4, 'int16': 5, 'int32': 6,
                'int64': 7, 'bool': 9, 'float16': 10, 'float64': 11, 'uint32': 12, 'uint64': 13,
                'bfloat16': 16}
TYPE_NAMES = {'float32': 'FLOAT', 'uint8': 'UINT8', 'int8': 'INT8', 'uint16': 'UINT16',
              'int16': 'INT16', 'int32': 'INT32', 'int64': 'INT64', 'bool': 'BOOL',
              'float16': 'FLOAT16', 'float64': 'DOUBLE', 'uint32': 'UINT32', 'uint64': 'UINT64',
              'bfloat16': 'BFLOAT16'}
# Binary floating-point formats: (significand bits with the leading one,
# the smallest normal exponent, the largest exponent).
FLOAT_FORMATS = {'float16': (11, -14, 15), 'bfloat16': (8, -126, 127),
                 'float32': (24, -126, 127), 'float64': (53, -1022, 1023)}


def numpy_dtype(name):
    return BFLOAT16 if name == 'bfloat16' else np.dtype(name)


def exact_elements(x):
    """Every element of x as the Python number it is exactly: an int for
    integer and bool tensors, a float (float64 holds every float16,
    bfloat16 and float32 value) for floating-point ones."""
    if x.dtype == BFLOAT16:
        bits = x.reshape(-1).view(np.uint16).astype(np.uint32) << 16
        return [float(v) for v in bits.view(np.float32)]
    if x.dtype.kind == 'f':
        return [float(v) for v in x.reshape(-1)]
    return [int(v) for v in x.reshape(-1)]


def round_to_format(v, fmt):
    """The finite number v (int or float) rounded to the floating-point
    format fmt, to nearest with ties to even, as IEEE 754 converts: once,
    from the exact value (subnormals kept; a magnitude at or beyond the
    largest finite value plus half an ulp becomes infinity). Returns a
    Python float that fmt holds exactly."""
    p, emin, emax = FLOAT_FORMATS[fmt]
    neg = math.copysign(1.0, v) < 0 if isinstance(v, float) else v < 0
    if isinstance(v, float):
        n, d = abs(v).as_integer_ratio()
        m, e = n, -(d.bit_length() - 1)
    else:
        m, e = abs(v), 0
    if m == 0:
        return -0.0 if neg else 0.0
    top = m.bit_length() - 1 + e            # the exponent of the leading bit
    q = max(top, emin) - (p - 1)            # the exponent of the last bit kept
    if e < q:
        shift = q - e
        r, rest = m >> shift, m & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and r & 1):
            r += 1
    else:
        r = m << (e - q)
    if r and r.bit_length() - 1 + q > emax:
        out = math.inf
    else:
        out = math.ldexp(r, q)
    return -out if neg else out


def bfloat16_array(values, shape):
    """A BFLOAT16 tensor of values bfloat16 holds exactly (NaN: a quiet NaN)."""
    f = np.array(values, np.float32).reshape(shape)
    bits = np.array(f.view(np.uint32) >> 16, np.uint16).reshape(shape)
    bits[np.isnan(f)] = 0x7FC0
    return c_order(bits.view(BFLOAT16).reshape(shape))


def cast_element(v, to):
    """One element (exact_elements) converted to the type named `to`, by
    the spec's rules (Cast-19's table): to a float type, rounded to nearest
    even (NaN stays NaN, infinities stay, out of range is +-inf); to an
    integer, a float truncated towards zero - undefined out of range and
    for NaN and infinities, which the generator does not produce - and an
    integer wrapped to the width (two's complement); to bool, v != 0 (NaN
    is true); from bool, 0 or 1."""
    if to in FLOAT_FORMATS:
        if isinstance(v, float) and not math.isfinite(v):
            return v
        return round_to_format(v, to)
    if to == 'bool':
        return v != 0
    info = np.iinfo(to)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise UndefinedCase(f'Cast of {v} to {to} is undefined')
        t = math.trunc(v)
        if not info.min <= t <= info.max:
            raise UndefinedCase(f'Cast of {v!r} to {to} is out of range (undefined)')
        return t
    width = 1 << info.bits
    w = v % width
    return w - width if info.min < 0 and w > info.max else w


def cast_tensor(x, to):
    vals = [cast_element(v, to) for v in exact_elements(x)]
    if to == 'bfloat16':
        return bfloat16_array(vals, x.shape)
    return c_order(np.array(vals, dtype=np.dtype(to)).reshape(x.shape))


def rounds_twice_differently(v, to):
    """Whether rounding v to float32 first, then to `to` (float16 or
    bfloat16), gives another result than rounding it once: the double
    rounding onnxruntime's and onnxc's conversions of float64 and of wide
    integers to float16 and bfloat16 make (see oracle.py)."""
    if to not in ('float16', 'bfloat16') or (isinstance(v, float) and not math.isfinite(v)):
        return False
    once = round_to_format(v, to)
    f32 = round_to_format(v, 'float32')
    twice = f32 if math.isinf(f32) else round_to_format(f32, to)
    return once != twice or math.copysign(1, once) != math.copysign(1, twice)


def cast_to_name(attrs, version):
    to = attrs.get('to')
    if to is None:
        raise ModelError("Cast needs 'to'")
    if version < 6:
        if not isinstance(to, bytes):
            raise ModelError("Cast-1 names 'to' with a string")
        names = {v: k for k, v in TYPE_NAMES.items()}
        name = names.get(to.decode())
    else:
        if not isinstance(to, int):
            raise ModelError("Cast-6 and later give 'to' as an int")
        name = {v: k for k, v in TYPE_NUMBERS.items()}.get(to)
    if name is None:
        raise ModelError(f"Cast 'to' = {to!r} is not a type the suite uses")
    return name


def cast(inputs, attrs, version, order=None):
    if version < 19 and 'saturate' in attrs:
        raise ModelError('Cast has saturate from version 19')
    to = cast_to_name(attrs, version)
    if to not in allowed_types('Cast', version):
        raise ModelError(f'Cast-{version} does not cast to {to}')
    return cast_tensor(inputs[0], to), None


def cast_like(inputs, attrs, version, order=None):
    if len(inputs) != 2 or inputs[1] is None:
        raise ModelError('CastLike needs input and target_type')
    if version < 19 and 'saturate' in attrs:
        raise ModelError('CastLike has saturate from version 19')
    to = dtype_name(inputs[1].dtype)
    if to not in allowed_types('CastLike', version):
        raise ModelError(f'CastLike-{version} does not cast to {to}')
    return cast_tensor(inputs[0], to), None


# -------------------------------------------------- BatchNormalization

def batch_norm(inputs, attrs, version, order=None):
    if len(inputs) != 5 or any(i is None for i in inputs):
        raise ModelError('BatchNormalization needs five inputs')
    x, scale, b, mean, var = inputs
    if version < 7 and not attrs.get('is_test', 0):
        raise UndefinedCase('BatchNormalization-1/6 with is_test=0 is training mode')
    if version >= 14 and attrs.get('training_mode', 0):
        raise UndefinedCase('BatchNormalization training_mode=1 is not generated')
    spatial = attrs.get('spatial', 1) if version < 9 else 1
    if x.ndim < 2 and not (version >= 9 and x.ndim == 1):
        raise ModelError('X must be at least 2-D (N, C, ...)')
    shape = (x.shape[1] if x.ndim > 1 else 1,) if spatial else x.shape[1:]
    for p in (scale, b, mean, var):
        if p.shape != shape:
            raise ModelError(f'a parameter of shape {list(p.shape)}, want {list(shape)}')
    if version < 15 and len({t.dtype for t in inputs}) > 1:
        raise ModelError('mixed element types')
    if scale.dtype != b.dtype or mean.dtype != var.dtype:
        raise ModelError('scale/B or mean/var of different types')
    bshape = shape + (1,) * (x.ndim - 1 - len(shape)) if x.ndim > 1 else ()
    eps = np.float32(attrs.get('epsilon', 1e-5))
    w = wide(x)
    t = w.dtype.type
    p = [q.astype(w.dtype).reshape(bshape) for q in (scale, b, mean, var)]
    with np.errstate(all='ignore'):
        y = p[0] * (w - p[2]) / np.sqrt(p[3] + t(eps)) + p[1]
        return c_order(y.astype(x.dtype)), None


# ------------------------------------- comparison, logic, sign, Where, Mod

def as_float(x):
    """x's values as float64 (bfloat16 from its bits), else x itself."""
    if x.dtype == BFLOAT16:
        bits = np.ascontiguousarray(x['bfloat16'], np.uint32).reshape(-1) << 16
        return bits.view(np.float32).reshape(x.shape).astype(np.float64)
    if x.dtype.kind == 'f':
        return x.astype(np.float64)
    return x


def like(w, x):
    """w (exact values) back in x's type; bfloat16 as its bits."""
    if x.dtype == BFLOAT16:
        return bfloat16_array(np.asarray(w, np.float64).astype(np.float32), np.shape(w))
    return np.asarray(w).astype(x.dtype)


def compare(fn):
    """A comparison, elementwise on the exact values (Python's
    integers: no conversion to a common float), NaN unordered."""
    def op(inputs, attrs, version, order=None):
        a, b = broadcast_operands(inputs[0], inputs[1], attrs, version)
        a, b = as_float(a), as_float(b)
        if a.dtype.kind in 'iub':
            a, b = a.astype(object), b.astype(object)
        with np.errstate(invalid='ignore'):
            out = np.asarray(fn(a, b), dtype=bool)
        return c_order(out), None
    return op


def logic(fn):
    def op(inputs, attrs, version, order=None):
        a, b = broadcast_operands(inputs[0], inputs[1], attrs, version)
        return c_order(np.asarray(fn(a, b), dtype=bool)), None
    return op


def logical_not(inputs, attrs, version, order=None):
    return c_order(~inputs[0]), None


def wrap(v, dtype):
    """Python integers (objects) wrapped to dtype's width."""
    info = np.iinfo(dtype)
    span = 1 << info.bits
    return np.array([((int(e) - int(info.min)) % span) + int(info.min) for e in np.ravel(v)],
                    dtype=dtype).reshape(np.shape(v))


def neg(inputs, attrs, version, order=None):
    x = inputs[0]
    if x.dtype.kind in 'iu':
        return c_order(wrap(-x.astype(object), x.dtype)), None
    return c_order(like(-as_float(x), x)), None


def absolute(inputs, attrs, version, order=None):
    x = inputs[0]
    if x.dtype.kind in 'iu':
        return c_order(wrap(np.array([abs(int(e)) for e in x.ravel()], object).reshape(x.shape),
                            x.dtype)), None
    w = as_float(x)
    return c_order(like(np.where(np.signbit(w), -w, w), x)), None


def sign(inputs, attrs, version, order=None):
    """-1, 0 or 1; NaN stays NaN and a zero keeps its sign (x itself)."""
    x = inputs[0]
    if x.dtype.kind in 'iu':
        return c_order(np.array([(e > 0) - (e < 0) for e in x.ravel().tolist()],
                                dtype=x.dtype).reshape(x.shape)), None
    w = as_float(x)
    with np.errstate(invalid='ignore'):
        out = np.where(w > 0, 1.0, np.where(w < 0, -1.0, w))
    return c_order(like(out, x)), None


def where(inputs, attrs, version, order=None):
    c, x, y = inputs
    try:
        shape = np.broadcast_shapes(c.shape, x.shape, y.shape)
    except ValueError:
        raise ModelError('Where: shapes do not broadcast')
    c, x, y = (np.broadcast_to(t, shape) for t in (c, x, y))
    out = x.copy()
    out[~c] = y[~c]
    return c_order(out), None


def mod(inputs, attrs, version, order=None):
    """fmod=0 (integers): the remainder with the divisor's sign (Python's
    %); fmod=1: C's fmod, the dividend's sign (floats: exact)."""
    a, b = broadcast_operands(inputs[0], inputs[1], attrs, version)
    f = attrs.get('fmod', 0)
    kind = a.dtype.kind
    if kind not in 'iu' and not f:
        raise ModelError('Mod of floats needs fmod=1')
    if kind in 'iu':
        a_b, b_b = np.broadcast_arrays(a, b)
        if (b_b == 0).any():
            raise UndefinedCase('integer Mod by zero')
        out = []
        for p, q in zip(a_b.ravel().tolist(), b_b.ravel().tolist()):
            if f:
                r = abs(p) % abs(q)
                out.append(-r if p < 0 else r)
            else:
                out.append(p % q)
        return c_order(np.array(out, dtype=a.dtype).reshape(a_b.shape)), None
    import math
    wa, wb = np.broadcast_arrays(as_float(a), as_float(b))
    out = np.array([math.fmod(p, q) if not (math.isinf(p) or q == 0 or math.isnan(p)
                                            or math.isnan(q)) else math.nan
                    for p, q in zip(wa.ravel().tolist(), wb.ravel().tolist())],
                   np.float64).reshape(wa.shape)
    return c_order(like(out, a)), None


def bit_shift(inputs, attrs, version, order=None):
    a, b = broadcast_operands(inputs[0], inputs[1], attrs, version)
    left = attrs['direction'] in ('LEFT', b'LEFT')
    a_b, b_b = np.broadcast_arrays(a, b)
    bits = a.dtype.itemsize * 8
    if (b_b >= bits).any():
        raise UndefinedCase('shift by the width or more')
    mask = (1 << bits) - 1
    out = [((p << q) & mask) if left else (p >> q)
           for p, q in zip(a_b.ravel().tolist(), b_b.ravel().tolist())]
    return c_order(np.array(out, dtype=a.dtype).reshape(a_b.shape)), None


# ------------------------------------------------------ reductions

def reduce_axes_of(op, inputs, attrs, version):
    """The reduced axes (sorted, non-negative) or None for no reduction
    (noop_with_empty_axes with no axes: the input is copied)."""
    x = inputs[0]
    if version >= (13 if op == 'ReduceSum' else 18):
        if 'axes' in attrs:
            raise ModelError(f'{op}-{version} takes axes as an input')
        axes = None
        if len(inputs) > 1 and inputs[1] is not None:
            if inputs[1].dtype != np.int64 or inputs[1].ndim != 1:
                raise ModelError('axes must be a 1-D int64 tensor')
            axes = [int(a) for a in inputs[1]]
        if not axes:
            if attrs.get('noop_with_empty_axes', 0):
                return None
            axes = None
    else:
        if len(inputs) > 1:
            raise ModelError(f'{op}-{version} takes one input')
        if 'noop_with_empty_axes' in attrs:
            raise ModelError(f'{op}-{version} has no noop_with_empty_axes')
        axes = attrs.get('axes')
        axes = [int(a) for a in axes] if axes is not None and len(axes) else None
    r = x.ndim
    if axes is None:
        return list(range(r))
    if any(not -r <= a < r for a in axes) or (version < 11 and any(a < 0 for a in axes)):
        raise ModelError(f'{op}: axes {axes} out of range for rank {r}')
    norm = sorted(a % r for a in axes)
    if len(set(norm)) != len(norm):
        raise ModelError(f'{op}: repeated axes {axes}')
    return norm


def int_reduce(op, x, axes, keepdims):
    """Integers: exact (Python integers), wrapped to the type; Mean
    truncates towards zero (C's /)."""
    moved = np.moveaxis(x, axes, list(range(x.ndim - len(axes), x.ndim)))
    keep_shape = moved.shape[:x.ndim - len(axes)]
    n = int(np.prod(moved.shape[x.ndim - len(axes):], dtype=np.int64))
    rows = moved.reshape(int(np.prod(keep_shape, dtype=np.int64)), n).astype(object)
    info = np.iinfo(x.dtype)
    out = []
    for row in rows:
        v = [int(e) for e in row]
        if op == 'ReduceSum':
            r = sum(v)
        elif op == 'ReduceMean':
            if not n:
                raise UndefinedCase('integer mean of nothing')
            s = sum(v)
            r = abs(s) // n * (1 if s >= 0 else -1)
        elif op == 'ReduceMax':
            r = max(v) if v else int(info.min)
        elif op == 'ReduceMin':
            r = min(v) if v else int(info.max)
        elif op == 'ReduceProd':
            r = 1
            for e in v:
                r *= e
        elif op == 'ReduceL1':
            r = sum(abs(e) for e in v)
        elif op == 'ReduceSumSquare':
            r = sum(e * e for e in v)
        elif op in ('ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp'):
            # real results, truncated toward zero (the spec's reference:
            # the double result cast to the type); exact integer sums
            if op == 'ReduceL2':
                f = math.sqrt(sum(e * e for e in v))
            elif op == 'ReduceLogSum':
                if sum(v) <= 0:
                    raise UndefinedCase('integer log of a nonpositive sum')
                f = math.log(sum(v))
            else:
                if not v:
                    raise UndefinedCase('integer log-sum-exp of nothing')
                m = max(v)
                f = m + math.log(sum(math.exp(e - m) for e in v))
            r = int(f)
            if abs(f - round(f)) < 1e-9 and r != round(f):
                raise UndefinedCase(f'integer {op} a hair from an integer: {f!r}')
        else:
            raise UndefinedCase(f'integer {op} is not generated')
        out.append(r)
    y = wrap(np.array(out, dtype=object), x.dtype).reshape(keep_shape)
    return y


def reduce_op(op):
    def run(inputs, attrs, version, order=None):
        x = inputs[0]
        axes = reduce_axes_of(op, inputs, attrs, version)
        if axes is None:
            return c_order(x), None
        keepdims = attrs.get('keepdims', 1)
        if x.dtype.kind in 'iu':
            y = int_reduce(op, x, axes, keepdims)
            if keepdims:
                y = y.reshape([1 if i in axes else d for i, d in enumerate(x.shape)])
            return c_order(y), None
        w = wide(x)
        ax = tuple(axes)
        empty = any(x.shape[a] == 0 for a in ax)
        with np.errstate(all='ignore'):
            if op == 'ReduceSum':
                y = w.sum(axis=ax, keepdims=True)
            elif op == 'ReduceMean':
                y = w.sum(axis=ax, keepdims=True) / w.dtype.type(
                    max(1, int(np.prod([x.shape[a] for a in ax]))))
                if empty:
                    y = np.full(y.shape, np.nan, w.dtype)
            elif op in ('ReduceMax', 'ReduceMin'):
                fill = -np.inf if op == 'ReduceMax' else np.inf
                if empty:
                    y = np.full([1 if i in ax else d for i, d in enumerate(x.shape)], fill,
                                w.dtype)
                else:
                    y = (np.max if op == 'ReduceMax' else np.min)(w, axis=ax, keepdims=True)
            elif op == 'ReduceProd':
                y = w.prod(axis=ax, keepdims=True)
            elif op == 'ReduceL1':
                y = np.abs(w).sum(axis=ax, keepdims=True)
            elif op == 'ReduceL2':
                y = np.sqrt((w * w).sum(axis=ax, keepdims=True))
            elif op == 'ReduceSumSquare':
                y = (w * w).sum(axis=ax, keepdims=True)
            elif op == 'ReduceLogSum':
                y = np.log(w.sum(axis=ax, keepdims=True))
            elif op == 'ReduceLogSumExp':
                shape = [1 if i in ax else d for i, d in enumerate(x.shape)]
                if empty:
                    y = np.full(shape, -np.inf, w.dtype)
                else:
                    m = np.max(w, axis=ax, keepdims=True)
                    fin = np.where(np.isfinite(m), m, w.dtype.type(0))
                    y = fin + np.log(np.exp(w - fin).sum(axis=ax, keepdims=True))
                    # +inf or NaN anywhere decides it; all -inf gives -inf
                    y = np.where(np.isnan(m) | np.isposinf(m), m, y)
        if not keepdims:
            y = y.reshape([d for i, d in enumerate(x.shape) if i not in ax])
        return c_order(np.asarray(y).astype(x.dtype)), None
    return run


def arg_reduce(largest):
    def run(inputs, attrs, version, order=None):
        x = inputs[0]
        axis = attrs.get('axis', 0)
        r = x.ndim
        if version < 12 and 'select_last_index' in attrs:
            raise ModelError('select_last_index is from version 12')
        if not -r <= axis < r or (version < 11 and axis < 0):
            raise ModelError(f'axis {axis} out of range for rank {r}')
        axis %= r
        if x.shape[axis] == 0:
            raise UndefinedCase('arg-reduction of an empty axis')
        w = as_float(x) if x.dtype.kind == 'f' else x
        if x.dtype.kind == 'f' and np.isnan(w).any():
            raise UndefinedCase('NaN in an arg-reduction')
        last = attrs.get('select_last_index', 0)
        v = np.flip(w, axis) if last else w
        idx = (np.argmax if largest else np.argmin)(v, axis=axis)
        if last:
            idx = x.shape[axis] - 1 - idx
        if attrs.get('keepdims', 1):
            idx = np.expand_dims(idx, axis)
        return c_order(np.asarray(idx, np.int64)), None
    return run


# ------------------------------------------------- math_cases.py operators

def native_unary(fn):
    """fn on x in its own type: correctly rounded operations (sqrt, 1/x,
    floor, ceil, round half to even)."""
    def op(inputs, attrs, version, order=None):
        x = inputs[0]
        if x.dtype.kind != 'f':
            raise UndefinedCase('integer input to a float-only function')
        with np.errstate(all='ignore'):
            return c_order(np.asarray(fn(x)).astype(x.dtype)), None
    return op


def f_celu(w, attrs, version):
    alpha = w.dtype.type(np.float32(attrs.get('alpha', 1.0)))
    return np.where(w > 0, w, alpha * np.expm1(w / alpha))


def f_thresholded_relu(w, attrs, version):
    alpha = w.dtype.type(np.float32(attrs.get('alpha', 1.0)))
    return np.where(w > alpha, w, w.dtype.type(0))


def f_shrink(w, attrs, version):
    lambd = w.dtype.type(np.float32(attrs.get('lambd', 0.5)))
    bias = w.dtype.type(np.float32(attrs.get('bias', 0.0)))
    return np.where(w < -lambd, w + bias, np.where(w > lambd, w - bias, w.dtype.type(0)))


def is_nan(inputs, attrs, version, order=None):
    return c_order(np.isnan(inputs[0])), None


def is_inf(inputs, attrs, version, order=None):
    x = inputs[0]
    pos, neg = attrs.get('detect_positive', 1), attrs.get('detect_negative', 1)
    return c_order((np.isposinf(x) & bool(pos)) | (np.isneginf(x) & bool(neg))), None


POW_EXPONENT_TYPES = FLOATS | {'int32', 'int64'}


def power(inputs, attrs, version, order=None):
    """X ** Y in X's type. Floats: in the wide type, rounded once. An
    integer base: the exact integer (the generator keeps exponents
    non-negative integers and results in range)."""
    x, y = inputs
    if version < 12 and x.dtype != y.dtype:
        raise ModelError('Pow before version 12: X and Y of one type')
    if dtype_name(y.dtype) not in POW_EXPONENT_TYPES:
        raise ModelError(f'Pow exponent of type {y.dtype}')
    a, b = broadcast_operands(x, y, attrs, version)
    if x.dtype.kind == 'f':
        wa = wide(a)
        wb = b.astype(wa.dtype)
        with np.errstate(all='ignore'):
            return c_order(np.power(wa, wb).astype(x.dtype)), None
    a_b, b_b = np.broadcast_arrays(a, b)
    out = []
    for p, q in zip(a_b.ravel().tolist(), b_b.ravel().tolist()):
        if q != int(q) or q < 0:
            raise UndefinedCase('integer Pow with a negative or fractional exponent')
        out.append(int(p) ** int(q))
    info = np.iinfo(x.dtype)
    if any(not info.min <= v <= info.max for v in out):
        raise UndefinedCase('integer Pow out of range')
    return c_order(np.array(out, dtype=x.dtype).reshape(a_b.shape)), None


def variadic(kind):
    """Max, Min, Sum, Mean of 1 or more inputs: the same shape before
    version 8, broadcast from 8. Floats in the wide type, rounded once."""
    def op(inputs, attrs, version, order=None):
        if not inputs or any(t is None for t in inputs):
            raise ModelError(f'{kind}: at least one input')
        if version < 8 and len({t.shape for t in inputs}) > 1:
            raise ModelError(f'{kind}-{version}: inputs of different shapes')
        try:
            shape = np.broadcast_shapes(*(t.shape for t in inputs))
        except ValueError:
            raise ModelError(f'{kind}: shapes do not broadcast')
        x = inputs[0]
        ts = [np.broadcast_to(wide(t) if x.dtype.kind == 'f' else t, shape) for t in inputs]
        with np.errstate(all='ignore'):
            if kind in ('Max', 'Min'):
                y = ts[0]
                fn = np.maximum if kind == 'Max' else np.minimum
                for t in ts[1:]:
                    y = fn(y, t)
            else:
                if x.dtype.kind != 'f':
                    raise UndefinedCase('integer Sum/Mean is not generated')
                y = ts[0]
                for t in ts[1:]:
                    y = y + t
                if kind == 'Mean':
                    y = y / y.dtype.type(len(ts))
        return c_order(np.asarray(y).astype(x.dtype)), None
    return op


def cum_sum(inputs, attrs, version, order=None):
    x, a = inputs
    if a.dtype not in (np.int32, np.int64) or a.size != 1 or a.ndim > 1:
        raise ModelError('CumSum axis: a 0-D (or one-element 1-D) int32/int64 tensor')
    r = x.ndim
    axis = int(a.reshape(-1)[0])
    if r == 0 or not -r <= axis < r:
        raise ModelError(f'CumSum axis {axis} out of range for rank {r}')
    axis %= r
    w = wide(x) if x.dtype.kind == 'f' else x.astype(object)
    if attrs.get('reverse', 0):
        w = np.flip(w, axis)
    with np.errstate(all='ignore'):
        y = np.cumsum(w, axis=axis, dtype=w.dtype)
        if attrs.get('exclusive', 0):
            y = y - w
            # exclusive: the first element is exactly 0 (not x - x: -0 or NaN)
            idx = [slice(None)] * r
            idx[axis] = slice(0, 1)
            y[tuple(idx)] = 0
    if attrs.get('reverse', 0):
        y = np.flip(y, axis)
    if x.dtype.kind in 'iu':
        return c_order(wrap(y, x.dtype)), None
    return c_order(np.asarray(y).astype(x.dtype)), None


def hardmax(inputs, attrs, version, order=None):
    x = inputs[0]
    r = x.ndim
    axis = attrs.get('axis', -1 if version >= 13 else 1)
    lo = -r if version >= 11 else 0
    if r == 0 or not lo <= axis < r:
        raise ModelError(f'axis {axis} out of range for rank {r}')
    axis %= r
    if x.size == 0:
        return x.copy(), None
    if np.isnan(x).any():
        raise UndefinedCase('NaN in Hardmax')
    if version < 13:
        w = x.reshape(int(np.prod(x.shape[:axis], dtype=np.int64)), -1)
        ax = 1
    else:
        w, ax = x, axis
    idx = np.expand_dims(np.argmax(w, axis=ax), ax)
    y = np.zeros(w.shape, x.dtype)
    np.put_along_axis(y, idx, 1, axis=ax)
    return c_order(y.reshape(x.shape)), None


def top_k(inputs, attrs, version, order=None):
    x = inputs[0]
    r = x.ndim
    if version < 10:
        k = attrs.get('k')
        if k is None:
            raise ModelError('TopK-1 needs the attribute k')
    else:
        kt = inputs[1]
        if kt.dtype != np.int64 or kt.shape != (1,):
            raise ModelError('TopK K: a one-element 1-D int64 tensor')
        k = int(kt[0])
    axis = attrs.get('axis', -1)
    if r == 0 or not -r <= axis < r:
        raise ModelError(f'TopK axis {axis} out of range for rank {r}')
    axis %= r
    n = x.shape[axis]
    if not 0 <= k <= n:
        raise ModelError(f'TopK k {k} not in [0, {n}]')
    if attrs.get('sorted', 1) == 0 and k > 1:
        raise UndefinedCase('TopK sorted=0: the order of the outputs is open')
    if x.dtype.kind == 'f' and np.isnan(x).any():
        raise UndefinedCase('NaN in TopK')
    largest = attrs.get('largest', 1)
    m = np.moveaxis(x, axis, -1)
    lines = m.reshape(int(np.prod(m.shape[:-1], dtype=np.int64)), n)
    idx = np.zeros((lines.shape[0], k), np.int64)
    for i, line in enumerate(lines):
        vals = [v.item() for v in line]     # Python numbers: no overflow in the key
        order = sorted(range(n), key=lambda j: (-vals[j] if largest else vals[j], j))
        idx[i] = order[:k]
    idx = idx.reshape(list(m.shape[:-1]) + [k])
    values = np.take_along_axis(m, idx, axis=-1)
    return [c_order(np.moveaxis(values, -1, axis)), c_order(np.moveaxis(idx, -1, axis))], None


def nms_corners(box, center):
    """(y0, x0, y1, x1) of one box in either format, as float32."""
    b = [np.float32(v) for v in box]
    if center:
        half_w, half_h = b[2] / np.float32(2), b[3] / np.float32(2)
        return b[1] - half_h, b[0] - half_w, b[1] + half_h, b[0] + half_w
    return min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])


def nms_overlaps(a, b, center, threshold):
    """IoU(a, b) > threshold, in float32; a box of no area overlaps nothing
    (onnxruntime's reading; the spec is silent)."""
    p, q = nms_corners(a, center), nms_corners(b, center)
    h = min(p[2], q[2]) - max(p[0], q[0])
    w = min(p[3], q[3]) - max(p[1], q[1])
    ap, aq = (p[2] - p[0]) * (p[3] - p[1]), (q[2] - q[0]) * (q[3] - q[1])
    if h <= 0 or w <= 0 or ap <= 0 or aq <= 0:
        return False
    inter = h * w
    return inter / (ap + aq - inter) > threshold


def non_max_suppression(inputs, attrs, version, order=None):
    """Per batch and class: take the best remaining box (the lower index
    on equal scores), drop every box it overlaps by more than the IoU
    threshold, until max_output_boxes_per_class are taken."""
    boxes, scores = inputs[0], inputs[1]
    if boxes.ndim != 3 or scores.ndim != 3 or boxes.shape[2] != 4 or \
            boxes.shape[0] != scores.shape[0] or boxes.shape[1] != scores.shape[2]:
        raise ModelError(f'NonMaxSuppression boxes {list(boxes.shape)} scores '
                         f'{list(scores.shape)}')
    extra = list(inputs[2:]) + [None] * (5 - len(inputs))
    for t in extra[:3]:
        if t is not None and t.size != 1:
            raise ModelError('NonMaxSuppression: a scalar input of more than one element')
    max_out = int(extra[0].reshape(-1)[0]) if extra[0] is not None else 0
    iou = np.float32(extra[1].reshape(-1)[0]) if extra[1] is not None else np.float32(0)
    st = np.float32(extra[2].reshape(-1)[0]) if extra[2] is not None else None
    if not 0 <= iou <= 1:
        raise ModelError(f'NonMaxSuppression iou_threshold {iou} not in [0, 1]')
    if np.isnan(scores).any() or np.isnan(boxes).any():
        raise UndefinedCase('NaN in NonMaxSuppression')
    center = attrs.get('center_point_box', 0) == 1
    rows = []
    for b in range(scores.shape[0]):
        for c in range(scores.shape[1]):
            s = scores[b, c]
            alive = [i for i in range(s.size) if st is None or s[i] > st]
            taken = 0
            while alive and taken < max_out:
                best = min(alive, key=lambda i: (-float(s[i]), i))
                rows.append((b, c, best))
                taken += 1
                alive = [i for i in alive if i != best and
                         not nms_overlaps(boxes[b, best], boxes[b, i], center, iou)]
    return np.array(rows, np.int64).reshape(len(rows), 3), None


def gs_tap(i, n, padding, align):
    """The pixel tap i (an int) reads along n pixels, or None (zero)."""
    if padding == 'zeros':
        return i if 0 <= i < n else None
    if padding == 'border':
        return min(max(i, 0), n - 1)
    while not 0 <= i < n:       # mirror one step at a time
        if n == 1:
            return 0
        i = (-i if align else -i - 1) if i < 0 else (2 * (n - 1) - i if align else 2 * n - 1 - i)
    return i


def gs_weight(mode, d):
    if mode == 'nearest':
        return 1.0 if d == 0 else 0.0
    d = abs(d)
    if mode in ('linear', 'bilinear'):
        return max(0.0, 1 - d)
    a = -0.75
    if d < 1:
        return ((a + 2) * d - (a + 3)) * d * d + 1
    if d < 2:
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return 0.0


def roi_align(inputs, attrs, version, order=None):
    """Each bin the mean (avg) of its sampling points' bilinear values, or
    the largest (max) of each point's largest weighted tap, the points
    spread evenly over the bin (sampling_ratio per side, else ceil(bin
    size)); a point more than a pixel outside X reads 0. From the spec's
    text and its reference implementation, in float64."""
    x, rois, batch = inputs
    dec = lambda v: v.decode() if isinstance(v, bytes) else v
    mode = dec(attrs.get('mode', 'avg'))
    coord = dec(attrs.get('coordinate_transformation_mode',
                          'half_pixel' if version >= 16 else 'output_half_pixel'))
    oh, ow = attrs.get('output_height', 1), attrs.get('output_width', 1)
    ratio, scale = attrs.get('sampling_ratio', 0), attrs.get('spatial_scale', 1.0)
    n, c, h, w = x.shape
    xd = x.astype(np.float64)
    y = np.zeros((rois.shape[0], c, oh, ow))
    off = 0.5 if coord == 'half_pixel' else 0.0
    for r in range(rois.shape[0]):
        b = int(batch[r])
        if not 0 <= b < n:
            raise ModelError(f'RoiAlign batch index {b}')
        x1, y1, x2, y2 = (float(v) * float(np.float32(scale)) - off for v in rois[r])
        rw, rh = x2 - x1, y2 - y1
        if coord != 'half_pixel':
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / oh, rw / ow
        gh = ratio if ratio > 0 else int(np.ceil(bh))
        gw = ratio if ratio > 0 else int(np.ceil(bw))
        for ph in range(oh):
            for pw in range(ow):
                vals = []
                for iy in range(gh):
                    py = y1 + ph * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        px = x1 + pw * bw + (ix + 0.5) * bw / gw
                        if py < -1.0 or py > h or px < -1.0 or px > w:
                            vals.append(np.zeros(c) if mode == 'max' else np.zeros((4, c)))
                            continue
                        yy, xx = max(py, 0.0), max(px, 0.0)
                        y0, x0 = int(yy), int(xx)
                        if y0 >= h - 1:
                            y0 = y1_ = h - 1
                            yy = float(y0)
                        else:
                            y1_ = y0 + 1
                        if x0 >= w - 1:
                            x0 = x1_ = w - 1
                            xx = float(x0)
                        else:
                            x1_ = x0 + 1
                        ly, lx = yy - y0, xx - x0
                        taps = np.stack([(1 - ly) * (1 - lx) * xd[b, :, y0, x0],
                                         (1 - ly) * lx * xd[b, :, y0, x1_],
                                         ly * (1 - lx) * xd[b, :, y1_, x0],
                                         ly * lx * xd[b, :, y1_, x1_]])
                        vals.append(taps.max(axis=0) if mode == 'max' else taps)
                if not vals:
                    continue
                if mode == 'max':
                    y[r, :, ph, pw] = np.max(np.stack(vals), axis=0)
                else:
                    y[r, :, ph, pw] = np.sum(np.stack(vals), axis=(0, 1)) / (gh * gw)
    # max: a zero is the largest of taps that are 0 times a pixel, +0 or -0
    # by the pixel's sign, and of the +0 an outside point reads; the spec
    # gives no order among them, so the sign of a zero result is free
    free = (y == 0) if mode == 'max' else None
    return c_order(y.astype(x.dtype)), free


def grid_sample(inputs, attrs, version, order=None):
    """Each output: the sum over the taps near the point of the kernel
    weight times the pixel the (padded) tap reads, as onnxruntime and
    PyTorch pad: per tap, not the point."""
    x, grid = inputs
    dec = lambda v: v.decode() if isinstance(v, bytes) else v
    mode = dec(attrs.get('mode', 'linear' if version >= 20 else 'bilinear'))
    padding = dec(attrs.get('padding_mode', 'zeros'))
    align = attrs.get('align_corners', 0)
    names = ('linear', 'nearest', 'cubic') if version >= 20 else ('bilinear', 'nearest', 'bicubic')
    if mode not in names or padding not in ('zeros', 'border', 'reflection'):
        raise ModelError(f'GridSample-{version} mode {mode} padding_mode {padding}')
    if x.ndim != 4 or grid.ndim != 4 or grid.shape[3] != 2 or grid.shape[0] != x.shape[0]:
        raise ModelError(f'GridSample X {list(x.shape)} grid {list(grid.shape)}')
    if not np.isfinite(grid).all():
        raise UndefinedCase('a grid point that is not finite')
    n, c, h, w = x.shape
    y = np.zeros((n, c) + grid.shape[1:3], np.float64)
    xd = x.astype(np.float64)
    for b in range(n):
        for i in range(grid.shape[1]):
            for j in range(grid.shape[2]):
                gx, gy = float(grid[b, i, j, 0]), float(grid[b, i, j, 1])
                px = (gx + 1) / 2 * (w - 1) if align else ((gx + 1) * w - 1) / 2
                py = (gy + 1) / 2 * (h - 1) if align else ((gy + 1) * h - 1) / 2
                if mode == 'nearest':
                    px, py = float(np.rint(px)), float(np.rint(py))
                for r in range(int(np.floor(py)) - 2, int(np.floor(py)) + 3):
                    for q in range(int(np.floor(px)) - 2, int(np.floor(px)) + 3):
                        wt = gs_weight(mode, px - q) * gs_weight(mode, py - r)
                        rr, cc = gs_tap(r, h, padding, align), gs_tap(q, w, padding, align)
                        if wt and rr is not None and cc is not None:
                            y[b, :, i, j] += wt * xd[b, :, rr, cc]
    return c_order(y.astype(x.dtype)), None


def det(inputs, attrs, version, order=None):
    x = inputs[0]
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ModelError(f'Det of {list(x.shape)}: not [*, M, M]')
    if x.size == 0:
        return np.ones(x.shape[:-2], x.dtype), None
    return c_order(np.linalg.det(x.astype(np.float64)).astype(x.dtype)), None


def einsum(inputs, attrs, version, order=None):
    eq = attrs['equation']
    eq = eq.decode() if isinstance(eq, bytes) else eq
    try:
        if inputs[0].dtype.kind == 'f':
            wide = [x.astype(np.float64) for x in inputs]
            return c_order(np.asarray(np.einsum(eq.replace(' ', ''), *wide)).astype(inputs[0].dtype)), None
        return c_order(np.asarray(np.einsum(eq.replace(' ', ''), *inputs))), None
    except ValueError as e:
        raise ModelError(f'Einsum {eq!r}: {e}')


def conv_window(attrs, x, w, transpose):
    """Kernel, strides, dilations, begin and end pads (as given) of a
    Conv or ConvTranspose over x with weights w; ModelError when they
    disagree with the shapes."""
    if x.ndim < 3 or w.ndim != x.ndim:
        raise ModelError(f'Conv X {list(x.shape)}, W {list(w.shape)}')
    n = x.ndim - 2
    kernel = [int(k) for k in w.shape[2:]]
    if 'kernel_shape' in attrs and [int(k) for k in attrs['kernel_shape']] != kernel:
        raise ModelError(f'kernel_shape {attrs["kernel_shape"]} against W {list(w.shape)}')
    strides = [int(v) for v in attrs.get('strides', [1] * n)]
    dil = [int(v) for v in attrs.get('dilations', [1] * n)]
    pads = [int(v) for v in attrs.get('pads', [0] * 2 * n)]
    if 'pads' in attrs and attrs.get('auto_pad', b'NOTSET') not in (b'NOTSET', 'NOTSET'):
        raise ModelError('Conv with both pads and auto_pad')
    group = int(attrs.get('group', 1))
    c = x.shape[1]
    if group < 1 or c % group or len(strides) != n or len(dil) != n or len(pads) != 2 * n:
        raise ModelError(f'Conv attributes {attrs} for X {list(x.shape)}')
    if (w.shape[0] != c) if transpose else (w.shape[1] * group != c or w.shape[0] % group):
        raise ModelError(f'Conv W {list(w.shape)} for X {list(x.shape)}, group {group}')
    return kernel, strides, dil, pads[:n], pads[n:], group


def conv(inputs, attrs, version, order=None):
    """Y[n, m] = B[m] + the window sums, one kernel tap at a time over the
    zero-padded input."""
    x, w = inputs[0], inputs[1]
    b = inputs[2] if len(inputs) > 2 else None
    kernel, strides, dil, pb, pe, group = conv_window(attrs, x, w, False)
    auto = attrs.get('auto_pad', b'NOTSET')
    auto = auto.decode() if isinstance(auto, bytes) else auto
    n, out = x.ndim - 2, []
    for d in range(n):
        span, size = (kernel[d] - 1) * dil[d] + 1, x.shape[2 + d]
        if auto in ('SAME_UPPER', 'SAME_LOWER'):
            o = -(-size // strides[d])
            total = max(0, (o - 1) * strides[d] + span - size)
            pb[d] = total // 2 if auto == 'SAME_UPPER' else total - total // 2
            pe[d] = total - pb[d]
        elif auto == 'VALID':
            pb[d] = pe[d] = 0
        padded = size + pb[d] + pe[d]
        if padded < span:
            raise ModelError(f'Conv window {span} over padded input {padded}')
        out.append((padded - span) // strides[d] + 1)
    m = w.shape[0]
    if b is not None and b.shape != (m,):
        raise ModelError(f'Conv B {list(b.shape)} for M {m}')
    xw = wide(x)
    xp = np.pad(xw, [(0, 0), (0, 0)] + [(pb[d], pe[d]) for d in range(n)])
    ww = wide(w)
    cg, mg = x.shape[1] // group, m // group
    y = np.zeros([x.shape[0], m] + out, xw.dtype)
    for tap in np.ndindex(*kernel):
        sl = tuple(slice(tap[d] * dil[d], tap[d] * dil[d] + strides[d] * (out[d] - 1) + 1,
                         strides[d]) for d in range(n))
        xs = xp[(slice(None), slice(None)) + sl]
        for g in range(group):
            part = np.tensordot(ww[(slice(g * mg, (g + 1) * mg), slice(None)) + tap],
                                xs[:, g * cg:(g + 1) * cg], axes=([1], [1]))
            y[:, g * mg:(g + 1) * mg] += np.moveaxis(part, 0, 1)
    if b is not None:
        y += wide(b).reshape([1, m] + [1] * n)
    return c_order(y.astype(x.dtype)), None


def conv_transpose(inputs, attrs, version, order=None):
    """Every input element scattered through the kernel into the full
    output, which the pads then crop."""
    x, w = inputs[0], inputs[1]
    b = inputs[2] if len(inputs) > 2 else None
    kernel, strides, dil, pb, pe, group = conv_window(attrs, x, w, True)
    auto = attrs.get('auto_pad', b'NOTSET')
    auto = auto.decode() if isinstance(auto, bytes) else auto
    n = x.ndim - 2
    opad = [int(v) for v in attrs.get('output_padding', [0] * n)]
    oshape = [int(v) for v in attrs.get('output_shape', [])][-n:] if 'output_shape' in attrs else None
    full, out = [], []
    for d in range(n):
        f = strides[d] * (x.shape[2 + d] - 1) + opad[d] + (kernel[d] - 1) * dil[d] + 1
        full.append(f)
        if oshape or auto in ('SAME_UPPER', 'SAME_LOWER'):
            o = oshape[d] if oshape else x.shape[2 + d] * strides[d]
            total = max(0, f - o)
            pb[d] = total // 2 if auto == 'SAME_UPPER' else total - total // 2
        else:
            if auto == 'VALID':
                pb[d] = pe[d] = 0
            o = f - pb[d] - pe[d]
        if o < 1:
            raise ModelError(f'ConvTranspose output dim {o}')
        out.append(o)
    cg, mg = x.shape[1] // group, w.shape[1]
    m = mg * group
    if b is not None and b.shape != (m,):
        raise ModelError(f'ConvTranspose B {list(b.shape)} for M {m}')
    xw, ww = wide(x), wide(w)
    big = [max(full[d], pb[d] + out[d]) for d in range(n)]
    y = np.zeros([x.shape[0], m] + big, xw.dtype)
    for tap in np.ndindex(*kernel):
        sl = tuple(slice(tap[d] * dil[d], tap[d] * dil[d] + strides[d] * (x.shape[2 + d] - 1) + 1,
                         strides[d]) for d in range(n))
        for g in range(group):
            part = np.tensordot(xw[:, g * cg:(g + 1) * cg],
                                ww[(slice(g * cg, (g + 1) * cg), slice(None)) + tap],
                                axes=([1], [0]))     # [N, spatial..., mg]
            y[(slice(None), slice(g * mg, (g + 1) * mg)) + sl] += np.moveaxis(part, -1, 1)
    y = y[(slice(None), slice(None)) + tuple(slice(pb[d], pb[d] + out[d]) for d in range(n))]
    if b is not None:
        y = y + wide(b).reshape([1, m] + [1] * n)
    return c_order(y.astype(x.dtype)), None


def mean_variance_norm(inputs, attrs, version, order=None):
    x = inputs[0]
    r = x.ndim
    axes = [int(a) for a in attrs.get('axes', [0, 2, 3])]
    if any(not -r <= a < r for a in axes) or len({a % r for a in axes}) != len(axes):
        raise ModelError(f'MeanVarianceNormalization axes {axes} for rank {r}')
    ax = tuple(a % r for a in axes)
    w = wide(x)
    mean = w.mean(axis=ax, keepdims=True)
    sd = np.sqrt(((w - mean) ** 2).mean(axis=ax, keepdims=True))
    return c_order(((w - mean) / (sd + 1e-9)).astype(x.dtype)), None


def instance_norm(inputs, attrs, version, order=None):
    x, scale, b = inputs
    if x.ndim < 3 or scale.shape != (x.shape[1],) or b.shape != (x.shape[1],):
        raise ModelError(f'InstanceNormalization X{list(x.shape)} scale{list(scale.shape)} '
                         f'B{list(b.shape)}')
    ax = tuple(range(2, x.ndim))
    w = wide(x)
    mean = w.mean(axis=ax, keepdims=True)
    var = ((w - mean) ** 2).mean(axis=ax, keepdims=True)
    cs = [1, x.shape[1]] + [1] * (x.ndim - 2)
    y = wide(scale).reshape(cs) * (w - mean) / np.sqrt(var + float(np.float32(
        attrs.get('epsilon', 1e-5)))) + wide(b).reshape(cs)
    return c_order(y.astype(x.dtype)), None


def lrn(inputs, attrs, version, order=None):
    x = inputs[0]
    size = int(attrs.get('size', 0))
    if x.ndim < 3 or size < 1:
        raise ModelError(f'LRN X{list(x.shape)} size {size}')
    alpha, beta, bias = (float(np.float32(attrs.get(k, d)))
                         for k, d in (('alpha', 1e-4), ('beta', 0.75), ('bias', 1.0)))
    w = wide(x)
    c = x.shape[1]
    sq = np.zeros_like(w)
    lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
    for ch in range(c):
        sq[:, ch] = (w[:, max(0, ch - lo):min(c, ch + hi + 1)] ** 2).sum(axis=1)
    return c_order((w / (bias + alpha / size * sq) ** beta).astype(x.dtype)), None


def max_unpool(inputs, attrs, version, order=None):
    """Y zeros but X's values at I's flat indices into the unpooled shape;
    a larger output_shape holds that at its origin (onnxruntime's padding)."""
    x, ind = inputs[0], inputs[1]
    n = x.ndim - 2
    k = list(attrs['kernel_shape'])
    s = list(attrs.get('strides', [1] * n))
    p = list(attrs.get('pads', [0] * 2 * n))
    u = list(x.shape[:2]) + [(x.shape[2 + d] - 1) * s[d] + k[d] - p[d] - p[d + n]
                             for d in range(n)]
    if ind.shape != x.shape or min(u) < 0:
        raise ModelError(f'MaxUnpool X{list(x.shape)} I{list(ind.shape)} {attrs}')
    flat = np.zeros(int(np.prod(u)), x.dtype)
    if ind.size and (ind.min() < 0 or ind.max() >= flat.size):
        raise ModelError('MaxUnpool: an index outside the unpooled shape')
    flat[ind.reshape(-1)] = x.reshape(-1)
    y = flat.reshape(u)
    if len(inputs) > 2 and inputs[2] is not None:
        want = [int(v) for v in inputs[2]]
        if len(want) != x.ndim or any(a < b for a, b in zip(want, u)):
            raise ModelError(f'MaxUnpool output_shape {want} below {u}')
        y = np.pad(y, [(0, a - b) for a, b in zip(want, u)])
    return c_order(y), None


def layer_norm(inputs, attrs, version, order=None):
    x, scale = inputs[0], inputs[1]
    b = inputs[2] if len(inputs) > 2 else None
    r = x.ndim
    axis = attrs.get('axis', -1)
    if r == 0 or not -r <= axis < r:
        raise ModelError(f'LayerNormalization axis {axis} out of range for rank {r}')
    axis %= r
    stash = attrs.get('stash_type', 1)
    if stash not in (1, 11):
        raise UndefinedCase(f'stash_type {stash} is not generated')
    ax = tuple(range(axis, r))
    for t in (scale, b):
        if t is not None:
            try:
                if np.broadcast_shapes(t.shape, x.shape[axis:]) != x.shape[axis:]:
                    raise ValueError
            except ValueError:
                raise ModelError(f'Scale/B {list(t.shape)} do not broadcast to {x.shape[axis:]}')
    eps = np.float32(attrs.get('epsilon', 1e-5))
    w = x.astype(np.longdouble)
    with np.errstate(all='ignore'):
        mean = w.mean(axis=ax, keepdims=True)
        var = ((w - mean) ** 2).mean(axis=ax, keepdims=True)
        inv = 1 / np.sqrt(var + np.longdouble(eps))
        y = (w - mean) * inv * scale.astype(np.longdouble)
        if b is not None:
            y = y + b.astype(np.longdouble)
    st = np.float32 if stash == 1 else np.float64
    return [c_order(y.astype(x.dtype)), c_order(mean.astype(st)), c_order(inv.astype(st))], None


def loss_common(op, inputs, attrs, version, log_prob):
    """log_prob [N, C, d...], target [N, d...]: (loss, log_prob)."""
    x, t = inputs[0], inputs[1]
    wts = inputs[2] if len(inputs) > 2 else None
    if t.dtype not in (np.int32, np.int64):
        raise ModelError(f'{op}: the target must be int32 or int64')
    if x.ndim < 2 or t.shape != (x.shape[0],) + x.shape[2:]:
        raise ModelError(f'{op}: target {list(t.shape)} does not fit input {list(x.shape)}')
    c = x.shape[1]
    if wts is not None and wts.shape != (c,):
        raise ModelError(f'{op}: weights of shape {list(wts.shape)}, want [{c}]')
    reduction = attrs.get('reduction', b'mean')
    reduction = reduction.decode() if isinstance(reduction, bytes) else reduction
    if reduction not in ('none', 'sum', 'mean'):
        raise ModelError(f'{op}: reduction {reduction!r}')
    ignore = attrs.get('ignore_index')
    tt = t.astype(np.int64)
    keep = np.ones(t.shape, bool) if ignore is None else tt != ignore
    if ((tt[keep] < 0) | (tt[keep] >= c)).any():
        raise UndefinedCase(f'{op}: a class out of range')
    safe = np.where(keep, tt, 0)
    picked = np.take_along_axis(log_prob, np.expand_dims(safe, 1), axis=1)[:, 0]
    wt = (np.ones(c, log_prob.dtype) if wts is None else wts.astype(log_prob.dtype))[safe]
    wt = np.where(keep, wt, 0)
    loss = -picked * wt
    loss = np.where(keep, loss, 0)       # +0 for an ignored element
    if reduction == 'none':
        out = loss
    elif reduction == 'sum':
        out = loss.sum()
    else:
        den = wt.sum()
        if den == 0:
            raise UndefinedCase(f'{op}: mean over no weight')
        out = loss.sum() / den
    return c_order(np.asarray(out).astype(x.dtype))


def nll_loss(inputs, attrs, version, order=None):
    x = inputs[0]
    with np.errstate(all='ignore'):
        return [loss_common('NegativeLogLikelihoodLoss', inputs, attrs, version,
                            wide(x))], None


def sce_loss(inputs, attrs, version, order=None):
    x = inputs[0]
    if x.ndim < 2:
        raise ModelError('SoftmaxCrossEntropyLoss: scores of rank >= 2')
    w = wide(x)
    with np.errstate(all='ignore'):
        m = np.max(w, axis=1, keepdims=True)
        lp = (w - m) - np.log(np.exp(w - m).sum(axis=1, keepdims=True))
        loss = loss_common('SoftmaxCrossEntropyLoss', inputs, attrs, version, lp)
    return [loss, c_order(lp.astype(x.dtype))], None


def pool_geometry(op, x, attrs):
    """Per spatial dim: (kernel, stride, dilation, pad begin, pad end, out)."""
    dims = x.ndim - 2
    if dims < 1:
        raise ModelError(f'{op} of rank {x.ndim}: expected N x C x D1 ...')
    if op.startswith('Global'):
        return [(n, 1, 1, 0, 0, 1) for n in x.shape[2:]]
    if 'kernel_shape' not in attrs:
        raise ModelError(f'{op} without kernel_shape')
    k = [int(v) for v in attrs['kernel_shape']]
    s = [int(v) for v in attrs.get('strides', [1] * dims)]
    dil = [int(v) for v in attrs.get('dilations', [1] * dims)]
    pads = [int(v) for v in attrs.get('pads', [0] * 2 * dims)]
    auto = attrs.get('auto_pad', 'NOTSET')
    auto = auto.decode() if isinstance(auto, bytes) else auto
    ceil_mode = int(attrs.get('ceil_mode', 0))
    if len(k) != dims or len(s) != dims or len(dil) != dims or len(pads) != 2 * dims:
        raise ModelError(f'{op}: attribute lengths for {dims} spatial dims')
    if min(k + s + dil) < 1 or min(pads) < 0:
        raise ModelError(f'{op}: kernel {k} strides {s} dilations {dil} pads {pads}')
    out = []
    for d in range(dims):
        n, span = x.shape[2 + d], (k[d] - 1) * dil[d] + 1
        pb, pe = pads[d], pads[dims + d]
        if auto in ('SAME_UPPER', 'SAME_LOWER'):
            o = -(-n // s[d])
            total = max(0, (o - 1) * s[d] + span - n)
            pb = total // 2 if auto == 'SAME_UPPER' else total - total // 2
            pe = total - pb
        else:
            if auto == 'VALID':
                pb = pe = 0
            if n + pb + pe < span:
                raise ModelError(f'{op}: window {span} beyond padded input {n + pb + pe}')
            o = (n + pb + pe - span) // s[d] + 1
            if ceil_mode and (n + pb + pe - span) % s[d]:
                o += 1
                if (o - 1) * s[d] >= n + pb:   # a last window starting in the end pad
                    o -= 1
        out.append((k[d], s[d], dil[d], pb, pe, o))
    return out


def pool(op):
    """The pools by their definition: per output position, the window's taps
    inside the input (and, for count_include_pad, inside the padded input)."""
    def run(inputs, attrs, version, order=None):
        import itertools
        x = inputs[0]
        geo = pool_geometry(op, x, attrs)
        kind = op.replace('Global', '')
        p = float(attrs.get('p', 2))
        include = int(attrs.get('count_include_pad', 0))
        column = int(attrs.get('storage_order', 0)) == 1
        spatial = x.shape[2:]
        out_shape = list(x.shape[:2]) + [g[5] for g in geo]
        y = np.zeros(out_shape, x.dtype)
        ind = np.zeros(out_shape, np.int64)
        planes = x.reshape((-1,) + tuple(spatial))
        yp, ip = y.reshape((-1,) + tuple(out_shape[2:])), ind.reshape((-1,) + tuple(out_shape[2:]))
        plane_size = int(np.prod(spatial))
        for pos in itertools.product(*[range(g[5]) for g in geo]):
            taps, padded = [], 1
            for (k, s, dil, pb, pe, _), o, n in zip(geo, pos, spatial):
                start = o * s - pb
                t = [start + j * dil for j in range(k)]
                taps.append([v for v in t if 0 <= v < n])
                padded *= sum(1 for v in t if -pb <= v < n + pe)
            if any(not t for t in taps):
                raise ModelError(f'{op}: a window of only padding at {pos}')
            cells = list(itertools.product(*taps))
            for c in range(planes.shape[0]):
                vals = np.array([planes[(c,) + cell] for cell in cells])
                w = vals.astype(np.float64) if vals.dtype.kind == 'f' else vals
                if kind == 'MaxPool':
                    best = int(np.argmax(w)) if not np.isnan(w.astype(np.float64)).any() else \
                        int(np.argmax(np.isnan(w.astype(np.float64))))
                    yp[(c,) + pos] = vals[best]
                    cell = cells[best]
                    if column:
                        flat = sum(v * int(np.prod(spatial[:d])) for d, v in enumerate(cell))
                    else:
                        flat = int(np.ravel_multi_index(cell, spatial))
                    ip[(c,) + pos] = c * plane_size + flat
                elif kind == 'AveragePool':
                    yp[(c,) + pos] = w.sum() / (padded if include else len(cells))
                else:
                    yp[(c,) + pos] = (np.abs(w) ** p).sum() ** (1 / p)
        if op == 'MaxPool' and version >= 8:
            return [c_order(y), c_order(ind)], None
        return c_order(y), None
    return run


# The recurrent operators' activations: (function of the wide value, alpha
# and beta), whether each takes alpha and beta, their defaults.
RNN_ACTIVATIONS = {
    'Relu': (lambda x, a, b: np.maximum(x, 0), False, False, 0, 0),
    'Tanh': (lambda x, a, b: np.tanh(x), False, False, 0, 0),
    'Sigmoid': (lambda x, a, b: 1 / (1 + np.exp(-x)), False, False, 0, 0),
    'Affine': (lambda x, a, b: a * x + b, True, True, 1.0, 0.0),
    'LeakyRelu': (lambda x, a, b: np.where(x >= 0, x, a * x), True, False, 0.01, 0),
    'ThresholdedRelu': (lambda x, a, b: np.where(x > a, x, 0), True, False, 1.0, 0),
    'ScaledTanh': (lambda x, a, b: a * np.tanh(b * x), True, True, 1.0, 1.0),
    'HardSigmoid': (lambda x, a, b: np.minimum(np.maximum(a * x + b, 0), 1), True, True,
                    0.2, 0.5),
    'Elu': (lambda x, a, b: np.where(x >= 0, x, a * np.expm1(x)), True, False, 1.0, 0),
    'Softsign': (lambda x, a, b: x / (1 + np.abs(x)), False, False, 0, 0),
    'Softplus': (lambda x, a, b: np.logaddexp(x, 0), False, False, 0, 0),
}
RNN_CELLS = {'LSTM': (4, ('Sigmoid', 'Tanh', 'Tanh')), 'GRU': (3, ('Sigmoid', 'Tanh')),
             'RNN': (1, ('Tanh',))}


def rnn_activations(op, attrs, directions, wtype):
    """Per direction, the cell's activations as functions: the names of
    `activations` (or the defaults), alpha and beta consumed in order by
    those that take them (onnxruntime's reading)."""
    per = RNN_CELLS[op][1]
    names = [n.decode() if isinstance(n, bytes) else n for n in attrs.get('activations', [])]
    if not names:
        names = list(per) * directions
    if len(names) != len(per) * directions:
        raise ModelError(f'{op}: {len(names)} activations, {len(per) * directions} expected')
    alphas, betas = list(attrs.get('activation_alpha', [])), list(attrs.get('activation_beta', []))
    funcs = []
    for name in names:
        entry = next((v for k, v in RNN_ACTIVATIONS.items() if k.lower() == name.lower()), None)
        if entry is None:
            raise ModelError(f'{op}: unknown activation {name}')
        f, takes_a, takes_b, a, b = entry
        a = alphas.pop(0) if takes_a and alphas else a
        b = betas.pop(0) if takes_b and betas else b
        a, b = wtype(np.float32(a)), wtype(np.float32(b))
        funcs.append(lambda x, f=f, a=a, b=b: f(x, a, b))
    return [funcs[d * len(per):(d + 1) * len(per)] for d in range(directions)]


def recurrent(op):
    """LSTM, GRU and RNN by their equations, a step at a time, in the wide
    type."""
    gates = RNN_CELLS[op][0]

    def run(inputs, attrs, version, order=None):
        inputs = list(inputs) + [None] * (8 - len(inputs))
        X, W, R, B, lens, h0, c0, P = inputs
        dtype = X.dtype
        layout = int(attrs.get('layout', 0))
        direction = attrs.get('direction', b'forward')
        direction = direction.decode() if isinstance(direction, bytes) else direction
        if direction not in ('forward', 'reverse', 'bidirectional'):
            raise ModelError(f'{op}: direction {direction}')
        nd = 2 if direction == 'bidirectional' else 1
        x = wide(X)
        if X.ndim != 3:
            raise ModelError(f'{op}: X of rank {X.ndim}')
        if layout:
            x = x.transpose(1, 0, 2)
        seq, batch, size = x.shape
        hidden = int(attrs.get('hidden_size', R.shape[-1]))
        gh = gates * hidden
        want = {'W': (W, (nd, gh, size)), 'R': (R, (nd, gh, hidden)),
                'B': (B, (nd, 2 * gh)), 'sequence_lens': (lens, (batch,)),
                'initial_h': (h0, (batch, nd, hidden) if layout else (nd, batch, hidden)),
                'initial_c': (c0, (batch, nd, hidden) if layout else (nd, batch, hidden)),
                'P': (P, (nd, 3 * hidden))}
        for name, (t, shape) in want.items():
            if t is not None and tuple(t.shape) != shape:
                raise ModelError(f'{op}: {name} {t.shape}, {shape} expected')
        acts = rnn_activations(op, attrs, nd, x.dtype.type)
        clip = attrs.get('clip')
        cl = (lambda v: np.clip(v, -x.dtype.type(np.float32(clip)), x.dtype.type(np.float32(clip)))
              ) if clip is not None else (lambda v: v)
        n = np.full(batch, seq) if lens is None else lens.astype(np.int64)
        if (n < 0).any() or (n > seq).any():
            raise ModelError(f'{op}: sequence_lens {n} beyond {seq}')
        state0 = [None if t is None else wide(t.transpose(1, 0, 2) if layout else t)
                  for t in (h0, c0)]
        Y = np.zeros((seq, nd, batch, hidden), x.dtype)
        Yh = np.zeros((nd, batch, hidden), x.dtype)
        Yc = np.zeros((nd, batch, hidden), x.dtype)
        forget = int(attrs.get('input_forget', 0))
        lbr = int(attrs.get('linear_before_reset', 0))
        for d in range(nd):
            w, r = wide(W[d]), wide(R[d])
            b = wide(B[d]) if B is not None else np.zeros(2 * gh, x.dtype)
            wb, rb = b[:gh], b[gh:]
            h = state0[0][d].copy() if state0[0] is not None else np.zeros((batch, hidden), x.dtype)
            c = state0[1][d].copy() if state0[1] is not None else np.zeros((batch, hidden), x.dtype)
            p = wide(P[d]) if P is not None else np.zeros(3 * hidden, x.dtype)
            f = acts[d]
            steps = range(seq - 1, -1, -1) if direction == 'reverse' or d == 1 else range(seq)
            for t in steps:
                xw = x[t] @ w.T + wb
                if op == 'LSTM':
                    g = xw + h @ r.T + rb
                    gi, go, gf, gc = (g[:, k * hidden:(k + 1) * hidden] for k in range(4))
                    i = f[0](cl(gi + p[:hidden] * c))
                    fg = 1 - i if forget else f[0](cl(gf + p[2 * hidden:] * c))
                    cn = fg * c + i * f[1](cl(gc))
                    o = f[0](cl(go + p[hidden:2 * hidden] * cn))
                    hn = o * f[2](cn)
                elif op == 'GRU':
                    rec = h @ r[:2 * hidden].T + rb[:2 * hidden]
                    z = f[0](cl(xw[:, :hidden] + rec[:, :hidden]))
                    rr = f[0](cl(xw[:, hidden:2 * hidden] + rec[:, hidden:]))
                    rh, rbh = r[2 * hidden:], rb[2 * hidden:]
                    inner = rr * (h @ rh.T + rbh) if lbr else (rr * h) @ rh.T + rbh
                    hh = f[1](cl(xw[:, 2 * hidden:] + inner))
                    hn, cn = (1 - z) * hh + z * h, c
                else:
                    hn, cn = f[0](cl(xw + h @ r.T + rb)), c
                active = (t < n)[:, None]
                h = np.where(active, hn, h)
                c = np.where(active, cn, c)
                Y[t, d] = np.where(active, hn, 0)
            Yh[d], Yc[d] = h, c
        if layout:
            Y, Yh, Yc = Y.transpose(2, 0, 1, 3), Yh.transpose(1, 0, 2), Yc.transpose(1, 0, 2)
        outs = [c_order(Y.astype(dtype)), c_order(Yh.astype(dtype))]
        if op == 'LSTM':
            outs.append(c_order(Yc.astype(dtype)))
        return outs, None
    return run


MATH_OPS = {
    'Exp': float_unary(lambda w, a, v: np.exp(w)), 'Log': float_unary(lambda w, a, v: np.log(w)),
    'Sqrt': native_unary(np.sqrt), 'Reciprocal': native_unary(lambda x: 1 / x),
    'Floor': native_unary(np.floor), 'Ceil': native_unary(np.ceil),
    'Round': native_unary(np.rint),
    'Sin': float_unary(lambda w, a, v: np.sin(w)), 'Cos': float_unary(lambda w, a, v: np.cos(w)),
    'Tan': float_unary(lambda w, a, v: np.tan(w)),
    'Asin': float_unary(lambda w, a, v: np.arcsin(w)),
    'Acos': float_unary(lambda w, a, v: np.arccos(w)),
    'Atan': float_unary(lambda w, a, v: np.arctan(w)),
    'Sinh': float_unary(lambda w, a, v: np.sinh(w)),
    'Cosh': float_unary(lambda w, a, v: np.cosh(w)),
    'Asinh': float_unary(lambda w, a, v: np.arcsinh(w)),
    'Acosh': float_unary(lambda w, a, v: np.arccosh(w)),
    'Atanh': float_unary(lambda w, a, v: np.arctanh(w)),
    'IsNaN': is_nan, 'IsInf': is_inf, 'Celu': float_unary(f_celu),
    'ThresholdedRelu': float_unary(f_thresholded_relu), 'Shrink': float_unary(f_shrink),
    'Pow': power, 'Max': variadic('Max'), 'Min': variadic('Min'), 'Sum': variadic('Sum'),
    'Mean': variadic('Mean'), 'CumSum': cum_sum, 'Hardmax': hardmax,
    'LayerNormalization': layer_norm, 'NegativeLogLikelihoodLoss': nll_loss,
    'SoftmaxCrossEntropyLoss': sce_loss, 'TopK': top_k,
    'MeanVarianceNormalization': mean_variance_norm, 'Det': det, 'Einsum': einsum,
    'Conv': conv,
    'ConvTranspose': conv_transpose,
    'NonMaxSuppression': non_max_suppression, 'GridSample': grid_sample,
    'RoiAlign': roi_align,
}


def text_attr(attrs, name, default):
    v = attrs.get(name, default)
    return v.decode() if isinstance(v, bytes) else v


def resample_matrix(n, m, s, mode, coord, nearest, a, exclude, antialias, roi0, roi1):
    """The [m, n] weights of one axis (the spec's interpolate_1d, each
    output a weighted sum of the edge-padded input) and the outputs
    tf_crop_and_resize extrapolates."""
    w = np.zeros((m, n))
    outside = np.zeros(m, bool)
    length = s * n                       # the reference's unrounded length
    for o in range(m):
        if coord == 'align_corners':
            c = 0.0 if length == 1 else o * (n - 1) / (length - 1)
        elif coord == 'asymmetric':
            c = o / s
        elif coord == 'pytorch_half_pixel':
            c = (o + 0.5) / s - 0.5 if m > 1 else 0.0
        elif coord == 'tf_half_pixel_for_nn':
            c = (o + 0.5) / s
        elif coord == 'half_pixel_symmetric':
            c = n / 2 * (1 - m / length) + (o + 0.5) / s - 0.5
        elif coord == 'tf_crop_and_resize':
            c = ((roi1 - roi0) * (n - 1) / 2 if length == 1
                 else o * (roi1 - roi0) * (n - 1) / (length - 1)) + roi0 * (n - 1)
            if c < 0 or c > n - 1:
                outside[o] = True
                continue
        else:
            c = (o + 0.5) / s - 0.5
        f = np.floor(c)
        r = c - f
        if mode == 'nearest':
            i = {'floor': f, 'ceil': np.ceil(c), 'round_prefer_ceil': f + 1 if r >= 0.5 else f
                 }.get(nearest, f + 1 if r > 0.5 else f)
            w[o, int(min(max(i, 0), n - 1))] = 1
            continue
        st = min(s, 1.0) if antialias else 1.0
        first = int(np.floor((-2 if mode == 'cubic' else -1) / st)) + 1
        taps = []
        for i in range(first, 2 - first):
            t = abs((i - r) * st)
            if mode == 'cubic':
                k = ((a + 2) * t - (a + 3)) * t * t + 1 if t <= 1 else \
                    ((a * t - 5 * a) * t + 8 * a) * t - 4 * a if t < 2 else 0.0
            else:
                k = max(0.0, 1 - t)
            at = int(f) + i
            if exclude and not 0 <= at < n:
                k = 0.0
            taps.append((min(max(at, 0), n - 1), k))
        total = sum(k for _, k in taps)
        for at, k in taps:
            w[o, at] += k / total
    return w, outside


def resize(inputs, attrs, version, order=None):
    """Resize and Upsample as the spec's reference computes them: axis by
    axis, in float64."""
    x = inputs[0]
    r = x.ndim
    upsample = 'scales' in attrs or len(inputs) == 2 and version <= 9
    mode = text_attr(attrs, 'mode', 'nearest')
    if upsample or version < 11:
        coord, nearest = 'asymmetric', 'floor'
        roi = None
        scales = np.array(attrs['scales'] if 'scales' in attrs else inputs[1], np.float32)
        sizes = None
    else:
        coord = text_attr(attrs, 'coordinate_transformation_mode', 'half_pixel')
        nearest = text_attr(attrs, 'nearest_mode', 'round_prefer_floor')
        def given(k):
            v = inputs[k] if len(inputs) > k else None
            return None if v is None or v.size == 0 else v
        roi, scales, sizes = given(1), given(2), given(3)
    if (scales is None) == (sizes is None):
        raise ModelError('Resize needs exactly one of scales and sizes')
    if version < 10 and (scales < 1).any():
        raise ModelError('Upsample takes scales of 1 or more')
    axes = [a % r for a in attrs.get('axes', range(r))]
    if len(set(axes)) != len(axes):
        raise ModelError('Resize axes repeated')
    scale = [1.0] * r
    out = list(x.shape)
    roi0, roi1 = [0.0] * r, [1.0] * r
    if roi is not None:
        for i, d in enumerate(axes):
            roi0[d], roi1[d] = float(roi[i]), float(roi[len(axes) + i])
    if scales is not None:
        for i, d in enumerate(axes):
            if not scales[i] > 0:
                raise ModelError('Resize scale not above 0')
            scale[d] = float(scales[i])
            out[d] = int(np.floor(np.float32(x.shape[d]) * np.float32(scales[i])))
    else:
        policy = text_attr(attrs, 'keep_aspect_ratio_policy', 'stretch')
        for i, d in enumerate(axes):
            out[d] = int(sizes[i])
            scale[d] = out[d] / x.shape[d]
        if policy != 'stretch':
            pick = min if policy == 'not_larger' else max
            chosen = pick(scale[d] for d in axes)
            for d in axes:
                scale[d] = chosen
                out[d] = int(chosen * x.shape[d] + 0.5)
    y = x.astype(np.float64)
    outside = np.zeros(out, bool)
    for d in range(r):
        if out[d] == x.shape[d] and scale[d] == 1 and coord not in (
                'tf_crop_and_resize', 'tf_half_pixel_for_nn', 'pytorch_half_pixel'):
            continue
        w, o = resample_matrix(x.shape[d], out[d], scale[d], mode, coord, nearest,
                               float(attrs.get('cubic_coeff_a', -0.75)),
                               int(attrs.get('exclude_outside', 0)),
                               int(attrs.get('antialias', 0)), roi0[d], roi1[d])
        y = np.moveaxis(np.tensordot(w, np.moveaxis(y, d, 0), axes=1), 0, d)
        shape = [1] * r
        shape[d] = out[d]
        outside = outside | o.reshape(shape)
    y = np.where(outside, float(attrs.get('extrapolation_value', 0.0)), y)
    return c_order(y.astype(x.dtype)), None
# ------------------------------------------------ movement_cases.py

def int_operand(t, what):
    if t is None or t.dtype != np.int64:
        raise ModelError(f'{what} must be an int64 tensor')
    return [int(v) for v in np.ravel(t)]


def size(inputs, attrs, version, order=None):
    return np.array(inputs[0].size, np.int64), None


def expand(inputs, attrs, version, order=None):
    """x broadcast both ways with shape (a dim of 1 in shape keeps x's)."""
    x, shape = inputs[0], int_operand(inputs[1], 'Expand shape')
    if inputs[1].ndim != 1 or any(d < 0 for d in shape):
        raise ModelError(f'Expand shape {shape}')
    try:
        out = np.broadcast_shapes(x.shape, tuple(shape))
    except ValueError:
        raise ModelError(f'Expand of {list(x.shape)} to {shape}')
    return c_order(np.broadcast_to(x, out)), None


def tile(inputs, attrs, version, order=None):
    x, reps = inputs[0], int_operand(inputs[1], 'Tile repeats')
    if len(reps) != x.ndim or any(r < 0 for r in reps):
        raise ModelError(f'Tile repeats {reps} for rank {x.ndim}')
    return c_order(np.tile(x, reps) if x.ndim else x), None


def trilu(inputs, attrs, version, order=None):
    """The upper (default) or lower triangle of each matrix of the last two
    dims, from diagonal k (an optional int64 scalar); the rest 0."""
    x = inputs[0]
    if x.ndim < 2:
        raise ModelError('Trilu needs rank >= 2')
    k = int_operand(inputs[1], 'Trilu k')[0] if len(inputs) > 1 and inputs[1] is not None else 0
    if len(inputs) > 1 and inputs[1] is not None and inputs[1].ndim != 0:
        raise ModelError('Trilu k must be a scalar')
    keep = np.triu(np.ones(x.shape[-2:], bool), k) if attrs.get('upper', 1) else \
        np.tril(np.ones(x.shape[-2:], bool), k)
    return c_order(np.where(keep, x, np.zeros((), x.dtype))), None


def depth_space(to_space):
    def run(inputs, attrs, version, order=None):
        x = inputs[0]
        b = int(attrs.get('blocksize', 0))
        mode = attrs.get('mode', b'DCR')
        mode = mode.decode() if isinstance(mode, bytes) else mode
        if x.ndim != 4 or b < 1 or (mode != 'DCR' and (not to_space or version < 11)) \
                or mode not in ('DCR', 'CRD'):
            raise ModelError(f'DepthToSpace/SpaceToDepth of {list(x.shape)}, blocksize {b}, '
                             f'mode {mode}')
        n, c, h, w = x.shape
        if to_space:
            if c % (b * b):
                raise ModelError('channels not a multiple of blocksize^2')
            if mode == 'DCR':
                t = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
            else:
                t = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
            return c_order(t.reshape(n, c // (b * b), h * b, w * b)), None
        if h % b or w % b:
            raise ModelError('spatial dims not multiples of blocksize')
        t = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
        return c_order(t.reshape(n, c * b * b, h // b, w // b)), None
    return run


def eye_like(inputs, attrs, version, order=None):
    x = inputs[0]
    if x.ndim != 2:
        raise ModelError('EyeLike needs a 2-D input')
    to = attrs.get('dtype')
    dtype = x.dtype if to is None else numpy_dtype(
        {v: k for k, v in TYPE_NUMBERS.items()}[int(to)])
    return c_order(np.eye(x.shape[0], x.shape[1], int(attrs.get('k', 0)), dtype=dtype)), None


def compress(inputs, attrs, version, order=None):
    """The slices along axis (of the flattened x without one) where the
    bool condition is true; condition may be shorter than the dim."""
    x, cond = inputs
    if cond.dtype != np.bool_ or cond.ndim != 1:
        raise ModelError('Compress condition must be a 1-D bool tensor')
    if 'axis' not in attrs:
        flat = x.reshape(-1)
        if cond.size > flat.size:
            raise UndefinedCase('a condition longer than the input')
        return c_order(np.compress(cond, flat)), None
    axis, r = int(attrs['axis']), x.ndim
    if not (-r if version >= 11 else 0) <= axis < r:
        raise ModelError(f'Compress axis {axis} out of range for rank {r}')
    if cond.size > x.shape[axis]:
        raise UndefinedCase('a condition longer than the axis')
    return c_order(np.compress(cond, x, axis=axis % r)), None


def element_indices(op, data, idx, attrs, negative=True):
    """The axis and the indices (int64, from 0) of GatherElements and the
    Scatters: int32/int64 of data's rank, no larger off the axis, each in
    [-n, n - 1] (from 0 when not negative)."""
    r = data.ndim
    if idx.dtype not in (np.int32, np.int64) or idx.ndim != r or r == 0:
        raise ModelError(f'{op} indices: int32/int64 of data\'s rank')
    axis = int(attrs.get('axis', 0))
    if not -r <= axis < r:
        raise ModelError(f'{op} axis {axis} out of range')
    axis %= r
    n = data.shape[axis]
    if any(a > b for d, (a, b) in enumerate(zip(idx.shape, data.shape)) if d != axis):
        raise ModelError(f'{op} indices larger than data off the axis')
    i = idx.astype(np.int64)
    if ((i < (-n if negative else 0)) | (i >= n)).any():
        raise ModelError(f'an {op} index is out of range')
    return axis, np.where(i < 0, i + n, i)


def gather_elements(inputs, attrs, version, order=None):
    data, idx = inputs
    axis, i = element_indices('GatherElements', data, idx, attrs)
    grid = list(np.indices(idx.shape, sparse=True))
    grid[axis] = i
    return c_order(data[tuple(grid)]), None

def clamp(v, lo, hi):
    return min(max(v, lo), hi)


def slice_op(inputs, attrs, version, order=None):
    """x[start:end:step] on axes: starts and ends count from the back when
    negative, then clamp to [0, n] (step > 0) or [-1, n - 1] (step < 0);
    attributes before 10, inputs (int32 or int64) from 10."""
    x = inputs[0]
    r = x.ndim
    if version < 10:
        starts, ends = list(attrs['starts']), list(attrs['ends'])
        axes = list(attrs.get('axes', range(len(starts))))
        steps = [1] * len(starts)
    else:
        def ints(k):
            if len(inputs) <= k or inputs[k] is None:
                return None
            if inputs[k].dtype not in (np.int32, np.int64) or inputs[k].ndim != 1:
                raise ModelError('Slice starts/ends/axes/steps: 1-D int32 or int64')
            return [int(v) for v in inputs[k]]
        starts, ends = ints(1), ints(2)
        axes = ints(3) or list(range(len(starts)))
        steps = ints(4) or [1] * len(starts)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise ModelError('Slice starts, ends, axes, steps of different lengths')
    y = x
    seen = set()
    for s, e, a, st in zip(starts, ends, axes, steps):
        if not (-r if version >= 11 else 0) <= a < r or a % r in seen or st == 0:
            raise ModelError(f'Slice axis {a} (rank {r}) or step {st}')
        a %= r
        seen.add(a)
        n = x.shape[a]
        s, e = s + n if s < 0 else s, e + n if e < 0 else e
        s, e = (clamp(s, 0, n), clamp(e, 0, n)) if st > 0 else (clamp(s, 0, n - 1),
                                                               clamp(e, -1, n - 1))
        y = np.take(y, np.array(list(range(s, e, st)), np.int64), axis=a)
    return c_order(y), None


def split(inputs, attrs, version, order=None):
    """x cut along axis into parts of the lengths split gives (attribute
    before 13, input from 13), else into num_outputs parts (18+, the last
    smaller when the dim does not divide), else into as many equal parts as
    the node has outputs."""
    x = inputs[0]
    r = x.ndim
    axis = int(attrs.get('axis', 0))
    if r == 0 or not (-r if version >= 11 else 0) <= axis < r:
        raise ModelError(f'Split axis {axis} out of range for rank {r}')
    axis %= r
    n, parts = x.shape[axis], attrs['outputs']
    given = (list(attrs['split']) if 'split' in attrs and version < 13 else
             int_operand(inputs[1], 'Split split') if version >= 13 and len(inputs) > 1
             and inputs[1] is not None else None)
    if 'num_outputs' in attrs and (version < 18 or given is not None):
        raise ModelError('Split num_outputs is from 18, and not with split')
    if given is None:
        if 'num_outputs' in attrs:
            if attrs['num_outputs'] != parts:
                raise ModelError('Split num_outputs is not the number of outputs')
            size = -(-n // parts)
            given = [min(size, n - i * size) for i in range(parts)]
            if any(g < 0 for g in given):
                raise ModelError('Split num_outputs beyond the dim')
        elif version >= 18:
            raise ModelError('Split-18 needs split or num_outputs')
        else:
            if n % parts:
                raise ModelError(f'Split of {n} into {parts} equal parts')
            given = [n // parts] * parts
    if len(given) != parts or sum(given) != n or any(g < 0 for g in given):
        raise ModelError(f'Split lengths {given} for {parts} outputs of a dim {n}')
    return [c_order(p) for p in np.split(x, np.cumsum(given)[:-1], axis=axis)], None


def pad(inputs, attrs, version, order=None):
    x = inputs[0]
    r = x.ndim
    mode = attrs.get('mode', b'constant')
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode not in ('constant', 'reflect', 'edge') + (('wrap',) if version >= 19 else ()):
        raise ModelError(f'Pad mode {mode}')
    if version < 11:
        pads = list(attrs['paddings' if version < 2 else 'pads'])
        value = float(attrs.get('value', 0.0))
        axes = list(range(r))
    else:
        pads = int_operand(inputs[1], 'Pad pads')
        value = 0
        if len(inputs) > 2 and inputs[2] is not None:
            if inputs[2].dtype != x.dtype or inputs[2].size != 1:
                raise ModelError('Pad constant_value: one element of x\'s type')
            value = inputs[2].reshape(-1)[0]
        axes = list(range(r))
        if len(inputs) > 3 and inputs[3] is not None:
            if version < 18:
                raise ModelError('Pad axes is from 18')
            axes = [a + r if a < 0 else a for a in int_operand(inputs[3], 'Pad axes')]
    if len(pads) != 2 * len(axes) or any(not 0 <= a < r for a in axes):
        raise ModelError(f'Pad pads {pads} for axes {axes} of rank {r}')
    begin, end = [0] * r, [0] * r
    for i, a in enumerate(axes):
        begin[a], end[a] = pads[i], pads[len(axes) + i]
    if any(n + b + e < 0 for b, e, n in zip(begin, end, x.shape)):
        raise ModelError(f'Pad pads {pads} crop more than a dim of {list(x.shape)}')
    crop = tuple(slice(max(-b, 0), n - max(-e, 0)) for b, e, n in zip(begin, end, x.shape))
    y = x[crop]
    width = [(max(b, 0), max(e, 0)) for b, e in zip(begin, end)]
    if mode == 'constant':
        return c_order(np.pad(y, width, constant_values=np.array(value).astype(x.dtype))), None
    for (b, e), n in zip(width, y.shape):
        if (b or e) and (n == 0 or (mode == 'reflect' and max(b, e) > n - 1)
                         or (mode == 'wrap' and max(b, e) > n)):
            raise UndefinedCase(f'Pad {mode} of {max(b, e)} beyond a dim of {n}')
    return c_order(np.pad(y, width, mode={'edge': 'edge', 'reflect': 'reflect',
                                           'wrap': 'wrap'}[mode])), None


REDUCTIONS = {'none': None, 'add': np.add, 'mul': np.multiply, 'max': np.maximum,
              'min': np.minimum}


def scatter_reduction(op, attrs, version):
    red = attrs.get('reduction', b'none')
    red = red.decode() if isinstance(red, bytes) else red
    allowed = ('none',) + (('add', 'mul') if version >= 16 else ()) + (
        ('max', 'min') if version >= 18 else ())
    if op == 'Scatter' or red not in allowed:
        if op == 'Scatter' and 'reduction' not in attrs:
            return None
        raise ModelError(f'{op}-{version} reduction {red}')
    return REDUCTIONS[red]


def scatter_apply(out, positions, values, fn):
    seen = set()
    for pos, v in zip(positions, values):
        if fn is None and pos in seen:
            raise UndefinedCase('duplicate scatter indices without a reduction')
        seen.add(pos)
        out[pos] = v if fn is None else fn(out[pos], v)


def scatter_elements(op):
    def run(inputs, attrs, version, order=None):
        data, idx, upd = inputs
        if upd.dtype != data.dtype or idx.shape != upd.shape:
            raise ModelError(f'{op}: indices and updates of one shape, updates of data\'s type')
        fn = scatter_reduction(op, attrs, version)
        axis, i = element_indices(op, data, idx, attrs, version >= 11)
        out = data.copy()
        positions = []
        for p in np.ndindex(*idx.shape):
            q = list(p)
            q[axis] = int(i[p])
            positions.append(tuple(q))
        with np.errstate(all='ignore'):
            scatter_apply(out, positions, [upd[p] for p in np.ndindex(*idx.shape)], fn)
        return out, None
    return run


def scatter_nd(inputs, attrs, version, order=None):
    data, idx, upd = inputs
    if upd.dtype != data.dtype or idx.dtype != np.int64 or idx.ndim < 1:
        raise ModelError('ScatterND: int64 indices, updates of data\'s type')
    k = idx.shape[-1]
    if k > data.ndim or upd.shape != idx.shape[:-1] + data.shape[k:]:
        raise ModelError('ScatterND updates of the wrong shape')
    fn = scatter_reduction('ScatterND', attrs, version)
    out = data.copy()
    lead = list(np.ndindex(*idx.shape[:-1]))
    positions = []
    for p in lead:
        q = [int(v) for v in idx[p]]
        if any(not -d <= v < d for v, d in zip(q, data.shape)):
            raise ModelError('a ScatterND index is out of range')
        positions.append(tuple(v % d for v, d in zip(q, data.shape)))
    with np.errstate(all='ignore'):
        if fn is None:
            scatter_apply(out, positions, [upd[p] for p in lead], None)
        else:
            for pos, p in zip(positions, lead):
                out[pos] = fn(out[pos], upd[p])
    return out, None


def constant_of_shape(inputs, attrs, version, order=None):
    shape = int_operand(inputs[0], 'ConstantOfShape input')
    if inputs[0].ndim != 1 or any(d < 0 for d in shape):
        raise ModelError('ConstantOfShape: a 1-D int64 shape of dims >= 0')
    v = numpy_helper.to_array(attrs['value']) if 'value' in attrs else np.zeros(1, np.float32)
    if v.size != 1:
        raise ModelError('ConstantOfShape value: one element')
    if dtype_name(v.dtype) == 'bfloat16' and version < 20:
        raise ModelError('ConstantOfShape of bfloat16 is from 20')
    return np.full(shape, v.reshape(-1)[0], v.dtype), None


def range_op(inputs, attrs, version, order=None):
    if any(t.size != 1 or t.ndim > 1 for t in inputs):
        raise ModelError('Range start, limit, delta: scalars')
    start, limit, delta = (t.reshape(-1)[0] for t in inputs)
    if delta == 0:
        raise UndefinedCase('Range with delta 0')
    n = max(int(math.ceil((float(limit) - float(start)) / float(delta))), 0)
    dt = inputs[0].dtype
    with np.errstate(all='ignore'):
        return np.array([start + dt.type(i) * delta for i in range(n)], dt).reshape(n), None


def non_zero(inputs, attrs, version, order=None):
    x = inputs[0]
    if x.ndim == 0:
        raise UndefinedCase('NonZero of rank 0 is not generated')
    return c_order(np.array(np.nonzero(x), np.int64).reshape(x.ndim, -1)), None


def unique(inputs, attrs, version, order=None):
    """NumPy's unique (sorted; slices along axis compared lexicographically),
    or, with sorted=0, in the order each first appears; Y, the first
    index of each, each input element's (slice's) index in Y, the counts."""
    x = inputs[0]
    axis = attrs.get('axis')
    if axis is not None:
        axis = int(axis) % x.ndim
    y, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True, axis=axis)
    inverse = inverse.reshape(-1)
    if not attrs.get('sorted', 1):
        order_ = np.argsort(first, kind='stable')
        rank = np.empty_like(order_)
        rank[order_] = np.arange(len(order_))
        y = np.take(y, order_, axis=0 if axis is None else axis)
        first, counts, inverse = first[order_], counts[order_], rank[inverse]
    return [c_order(y.astype(x.dtype)), c_order(first.astype(np.int64)),
            c_order(inverse.astype(np.int64)), c_order(counts.astype(np.int64))], None


def gather_nd(inputs, attrs, version, order=None):
    """Slices of data at the last dim of indices (int64, negative from the
    back), after batch_dims (12+) leading dims that data and indices share."""
    data, idx = inputs
    b = int(attrs.get('batch_dims', 0))
    if idx.dtype != np.int64 or idx.ndim < 1 or (b and version < 12):
        raise ModelError('GatherND: int64 indices; batch_dims from 12')
    k = idx.shape[-1]
    if not 0 <= b < min(data.ndim, idx.ndim) or b + k > data.ndim \
            or idx.shape[:b] != data.shape[:b]:
        raise ModelError(f'GatherND of {list(data.shape)} by {list(idx.shape)}, batch_dims {b}')
    out = np.zeros(idx.shape[:-1] + data.shape[b + k:], data.dtype)
    for p in np.ndindex(*idx.shape[:-1]):
        q = [int(v) for v in idx[p]]
        dims = data.shape[b:b + k]
        if any(not -d <= v < d for v, d in zip(q, dims)):
            raise ModelError('a GatherND index is out of range')
        out[p] = data[tuple(p[:b]) + tuple(v % d for v, d in zip(q, dims))]
    return out, None


def reverse_sequence(inputs, attrs, version, order=None):
    """For each batch entry, the first sequence_lens[i] steps along the time
    axis reversed, the rest as they are."""
    x, lens = inputs
    bax, tax = int(attrs.get('batch_axis', 1)), int(attrs.get('time_axis', 0))
    if x.ndim < 2 or {bax, tax} != {0, 1} or lens.dtype != np.int64 \
            or lens.shape != (x.shape[bax],):
        raise ModelError('ReverseSequence: rank >= 2, axes 0 and 1, lens of the batch')
    if ((lens < 0) | (lens > x.shape[tax])).any():
        raise UndefinedCase('sequence_lens beyond the time axis')
    y = x.copy()
    for i, n in enumerate(lens):
        sel = [slice(None)] * x.ndim
        sel[bax], sel[tax] = i, slice(0, int(n))
        y[tuple(sel)] = np.flip(x[tuple(sel)], axis=0)
    return y, None


def one_hot(inputs, attrs, version, order=None):
    """values[1] where the (integral) index, negative counting back from
    depth (11+), equals the position along the new axis, values[0]
    elsewhere and for an index outside [-depth, depth - 1]."""
    idx, depth, vals = inputs
    if depth.size != 1 or vals.ndim != 1 or vals.size != 2:
        raise ModelError('OneHot: depth one element, values [off, on]')
    d = int(depth.reshape(-1)[0])
    r = idx.ndim
    axis = int(attrs.get('axis', -1))
    if d < 1 or not -r - 1 <= axis <= r:
        raise ModelError(f'OneHot depth {d} or axis {axis}')
    i = idx.astype(np.int64)
    if (i != idx).any() or (version < 11 and (i < 0).any()):
        raise UndefinedCase('OneHot indices that are fractions (or negative before 11)')
    i = np.where(i < 0, i + d, i)
    hot = np.expand_dims(i, -1) == np.arange(d)
    return c_order(np.moveaxis(np.where(hot, vals[1], vals[0]), -1, axis % (r + 1))), None


MOVEMENT_REFS = {'Size': size, 'Expand': expand, 'Tile': tile, 'Trilu': trilu,
                 'DepthToSpace': depth_space(True), 'SpaceToDepth': depth_space(False),
                 'EyeLike': eye_like, 'Compress': compress, 'GatherElements': gather_elements,
                 'Slice': slice_op, 'Split': split, 'Pad': pad,
                 'ScatterElements': scatter_elements('ScatterElements'),
                 'Scatter': scatter_elements('Scatter'), 'ScatterND': scatter_nd,
                 'ConstantOfShape': constant_of_shape, 'Range': range_op, 'NonZero': non_zero,
                 'Unique': unique,
                 'GatherND': gather_nd, 'ReverseSequence': reverse_sequence,
                 'OneHot': one_hot}


OPS = {'Gemm': gemm, 'Relu': relu, 'LeakyRelu': leaky_relu, 'MatMul': matmul,
       'Add': arithmetic(np.add), 'Sub': arithmetic(np.subtract),
       'Mul': arithmetic(np.multiply), 'Div': arithmetic(np.divide),
       'Sigmoid': float_unary(f_sigmoid), 'Tanh': float_unary(lambda w, a, v: np.tanh(w)),
       'Elu': float_unary(f_elu), 'Selu': float_unary(f_selu),
       'Softplus': float_unary(f_softplus), 'Softsign': float_unary(f_softsign),
       'HardSigmoid': float_unary(f_hard_sigmoid), 'HardSwish': float_unary(f_hard_swish),
       'Erf': float_unary(f_erf), 'Gelu': float_unary(f_gelu), 'PRelu': prelu, 'Clip': clip,
       'Softmax': softmax_family(False), 'LogSoftmax': softmax_family(True),
       'Flatten': flatten, 'Reshape': reshape, 'Identity': identity, 'Dropout': dropout,
       'Constant': constant, 'BatchNormalization': batch_norm, 'Shape': shape,
       'Gather': gather, 'Unsqueeze': unsqueeze, 'Squeeze': squeeze, 'Concat': concat,
       'Cast': cast, 'CastLike': cast_like,
       'Equal': compare(lambda a, b: a == b), 'Greater': compare(lambda a, b: a > b),
       'Less': compare(lambda a, b: a < b), 'GreaterOrEqual': compare(lambda a, b: a >= b),
       'LessOrEqual': compare(lambda a, b: a <= b), 'And': logic(lambda a, b: a & b),
       'Or': logic(lambda a, b: a | b), 'Xor': logic(lambda a, b: a != b),
       'Not': logical_not, 'Neg': neg, 'Abs': absolute, 'Sign': sign, 'Where': where,
       'Mod': mod, 'BitShift': bit_shift,
       'ArgMax': arg_reduce(True), 'ArgMin': arg_reduce(False), 'Transpose': transpose}
OPS.update({op: reduce_op(op) for op in REDUCE_OPS})
OPS.update(MATH_OPS)
OPS.update({op: pool(op) for op in POOL_OPS})
OPS.update({op: recurrent(op) for op in RECURRENT_OPS})
OPS.update({'InstanceNormalization': instance_norm, 'LRN': lrn, 'MaxUnpool': max_unpool})
OPS.update({'Resize': resize, 'Upsample': resize})
OPS.update(MOVEMENT_REFS)
# The input whose element type allowed_types checks (default: the first).
TYPED_INPUT = {'Where': 1}
# Which inputs must share the first input's element type (default: all).
SAME_TYPE = {'Reshape': 1, 'Dropout': 1, 'BatchNormalization': 1, 'Shape': 1, 'Gather': 1,
             'Unsqueeze': 1, 'Squeeze': 1, 'Cast': 1, 'CastLike': 1}
SAME_TYPE.update({op: 1 for op in REDUCE_OPS})
SAME_TYPE.update({op: 1 for op in MOVEMENT_OPS})
SAME_TYPE.update({'Pow': 1, 'CumSum': 1, 'NegativeLogLikelihoodLoss': 1,
                  'SoftmaxCrossEntropyLoss': 1, 'TopK': 1, 'MaxUnpool': 1,
                  'Resize': 1, 'Upsample': 1, 'NonMaxSuppression': 2, 'GridSample': 1,
                  'RoiAlign': 2})
# The recurrent ops: sequence_lens is int32 among float inputs (check_types
# sees only the inputs present, so only X is checked; onnxc and
# onnxruntime check the rest)
SAME_TYPE.update({op: 1 for op in RECURRENT_OPS})
# Optional inputs that may be left out before a later one ('' as the name).
OPTIONAL = {'Clip': {1, 2}, 'Dropout': {1, 2}, 'Gemm': {2}, 'Resize': {1, 2},
            'NonMaxSuppression': {2, 3}}
OPTIONAL.update({op: {1} for op in REDUCE_OPS})
OPTIONAL.update({'LSTM': {3, 4, 5, 6, 7}, 'GRU': {3, 4, 5}, 'RNN': {3, 4, 5}})
OPTIONAL['Trilu'] = {1}
OPTIONAL.update({'Trilu': {1}, 'Pad': {2}, 'Slice': {3}, 'Split': {1}})
# Operators whose output zeros keep the sign of the input zero they come
# from: a marked zero stays marked (for Relu, whichever sign it gives).
CARRY_SIGN = {'Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Identity', 'Dropout', 'Reshape',
              'Flatten', 'Elu', 'Selu', 'HardSwish', 'Softsign', 'Tanh', 'Erf', 'Gelu',
              'Unsqueeze', 'Squeeze'}


# ------------------------------------------------------------- graphs

def check_types(node, version, inputs):
    present = [x for x in inputs if x is not None]
    if not present:
        return
    k = TYPED_INPUT.get(node.op_type, 0)
    if node.op_type == 'Where' and present[0].dtype != np.bool_:
        raise ModelError(f'{node.name}: the condition is not bool')
    same = present[k:k + SAME_TYPE.get(node.op_type, len(present))]
    if len({x.dtype for x in same}) > 1:
        raise ModelError(f'{node.name}: mixed element types')
    if dtype_name(present[k].dtype) not in allowed_types(node.op_type, version):
        raise ModelError(f'{node.name}: {node.op_type}-{version} does not take '
                         f'{dtype_name(present[k].dtype)}')


def node_inputs(node, env):
    names = list(node.input)
    while names and not names[-1]:      # trailing optional inputs
        names.pop()
    for k, name in enumerate(names):
        if name and name not in env:
            raise ModelError(f'{node.name}: input {name} is not defined')
        if not name and k not in OPTIONAL.get(node.op_type, ()):
            raise ModelError(f'{node.name}: input {k} is missing')
    return names, [env[name] if name else None for name in names]


def flip_marked(inputs, in_marks):
    """The inputs with their marked zeros of the other sign."""
    out = []
    for x, m in zip(inputs, in_marks):
        if x is not None and m is not None and m.any():
            x = x.copy()
            x[m] = -x[m]
        out.append(x)
    return out


def perturbed(op, y, inputs, rng, attrs):
    """y moved by up to the node's error bound, each element either way:
    its tolerance for an approximate node (APPROX); for BatchNormalization,
    what folding it into y = x * s + (B - mean * s) may cost (4 eps times
    those terms); nothing for the rest."""
    dtype = str(y.dtype)
    if y.dtype.kind != 'f' or not y.size:
        return y
    with np.errstate(all='ignore'):
        if op == 'BatchNormalization' and inputs[1].ndim == 1:
            x, scale, b, mean, var = (q.astype(np.float64) for q in inputs)
            eps = float(np.float32(attrs.get('epsilon', 1e-5)))
            bshape = (-1,) + (1,) * (x.ndim - 2)
            s = (np.abs(scale) / np.sqrt(var + eps)).reshape(bshape)
            bound = 4 * EPS[dtype] * (np.abs(x) * s + (np.abs(mean).reshape(bshape) * s)
                                      + np.abs(b).reshape(bshape))
        else:
            tol = None if op == 'BatchNormalization' else node_tolerance(op, dtype, attrs)
            if tol is None:
                return y
            bound = tol[0] * np.abs(y.astype(np.float64)) + tol[1]
        step = bound * rng.choice([-1.0, 1.0], size=y.shape)
        return (y.astype(np.float64) + np.where(np.isfinite(step), step, 0)).astype(y.dtype)


def run_node(node, inputs, attrs, version, order):
    outs, own = OPS[node.op_type](inputs, attrs, version, order)
    if not isinstance(outs, list):
        outs = [outs]
    return outs, own


def evaluate(model, feeds, order=None, perturb=None, keep=None):
    """Runs the model on feeds (name -> array); returns the graph outputs in
    order and their marks (see above), or raises ModelError. keep (a dict)
    receives every tensor's value."""
    graph = model.graph
    opset = next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
    env = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    env.update(feeds)
    marks = {name: np.zeros(np.shape(x), bool) for name, x in env.items()}
    for node in graph.node:
        if node.op_type not in OPS:
            raise ModelError(f'unknown operator {node.op_type}')
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        version = op_version(node.op_type, opset)
        if node.op_type == 'Split':         # how many parts, when nothing else says
            attrs['outputs'] = len(node.output)
        names, inputs = node_inputs(node, env)
        check_types(node, version, inputs)
        outs, own = run_node(node, inputs, attrs, version, order)
        in_marks = [marks[n] if n else None for n in names]
        if node.op_type in ('Gemm', 'MatMul'):
            own = own if own is not None else np.zeros(outs[0].shape, bool)
            fed = any(m is not None and m.any() for m in in_marks)
            out_marks = [(own | (outs[0] == 0)) if fed else own]
        elif any(m is not None and m.any() for m in in_marks):
            flipped, _ = run_node(node, flip_marked(inputs, in_marks), attrs, version, None)
            out_marks = [None if y is None else
                         (y == 0) & (np.signbit(y) != np.signbit(f)) if y.dtype.kind == 'f'
                         else np.zeros(y.shape, bool) for y, f in zip(outs, flipped)]
            if node.op_type in CARRY_SIGN and in_marks[0] is not None \
                    and in_marks[0].size == outs[0].size:
                out_marks[0] |= in_marks[0].reshape(outs[0].shape) & (outs[0] == 0)
        else:
            out_marks = [None if y is None else np.zeros(np.shape(y), bool) for y in outs]
        if own is not None and node.op_type not in ('Gemm', 'MatMul') and outs[0] is not None:
            out_marks[0] = out_marks[0] | own     # zeros whose sign the op leaves free
        for k, name in enumerate(node.output):
            if not name:
                continue
            if k >= len(outs) or outs[k] is None:
                raise ModelError(f'{node.name}: output {k} is not produced (or undefined)')
            y = outs[k]
            if perturb is not None:
                y = perturbed(node.op_type, y, inputs, perturb, attrs)
            env[name] = y
            marks[name] = out_marks[k]
    if keep is not None:
        keep.update(env)
    missing = [o.name for o in graph.output if o.name not in env]
    if missing:
        raise ModelError(f'graph outputs {missing} are not computed')
    return ([env[o.name] for o in graph.output], [marks[o.name] for o in graph.output])


def order_stable(model, feeds, expected, tolerances=None, perturb_rng=None):
    """Whether every output stays within tolerance of the exact one under
    each of STABILITY_ORDERS (and, given perturb_rng, with every
    approximate node off by its tolerance). A case that does not would
    compare rounding noise (or an intermediate overflow one order has and
    another has not) rather than correctness."""
    tolerances = tolerances or [None] * len(expected)
    ops = {n.op_type for n in model.graph.node}
    orders = STABILITY_ORDERS if ops & {'Gemm', 'MatMul'} else ()
    for order in orders:
        outs, _ = evaluate(model, feeds, order)
        if not all(within_tolerance(got, want, tol)
                   for got, want, tol in zip(outs, expected, tolerances)):
            return False
    if perturb_rng is not None and ops & (set(APPROX) | {'BatchNormalization'}):
        for _ in range(2):
            outs, _ = evaluate(model, feeds, perturb=perturb_rng)
            if not all(within_tolerance(got, want, tol)
                       for got, want, tol in zip(outs, expected, tolerances)):
                return False
    return True
