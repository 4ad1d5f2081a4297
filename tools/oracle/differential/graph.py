"""A small builder over onnx.helper: graph inputs that come with the .npy
array fed to them, initializers, nodes with generated names, and outputs
whose element types and shapes are filled in from the NumPy reference."""
import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.mapping import NP_TYPE_TO_TENSOR_TYPE

import reference

# Schemas newer than the installed onnx package knows (onnx 1.12 stops at
# opset 17): models using them skip onnx.checker; onnxruntime, which knows
# them, checks the model when it loads it. Also the attributes added after
# opset 17 to operators it knows (Cast-19's saturate).
UNKNOWN_TO_CHECKER = {'Gelu', 'Scatter'}     # Scatter: deprecated, which the checker refuses
NEW_ATTRIBUTES = {('Cast', 'saturate'), ('CastLike', 'saturate')}
# Operators whose signature changed after opset 17 (the Reduce operators
# but ReduceSum take axes as an input from 18; LpPool gains ceil_mode and
# dilations at 18, AveragePool dilations at 19): the checker would judge
# their models at opsets 18+ by the older schema.
REVISED_AFTER_17 = {'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1',
                    'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare',
                    'LpPool', 'AveragePool', 'Resize', 'Pad', 'Split', 'ScatterElements',
                    'ScatterND', 'ConstantOfShape'}


def c_order(array, dtype=None):
    """A C-ordered copy; unlike np.ascontiguousarray, keeps rank 0."""
    return np.array(array, dtype=dtype, order='C', copy=True)


def elem_type(dtype):
    if np.dtype(dtype) == reference.BFLOAT16:
        return onnx.TensorProto.BFLOAT16
    return NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]


class Built:
    """A built case: the graph, a one-line description and the details
    meta.json records (attributes, shapes, kinds of values)."""

    def __init__(self, graph, description, details):
        self.graph = graph
        self.description = description
        self.details = details


class Graph:
    """One model under construction, of one (main) element type and opset."""

    def __init__(self, dtype, opset, symbolic_batch=False):
        self.dtype = np.dtype(dtype)
        self.opset = opset
        # A symbolic first dimension makes onnxc infer shapes at run time.
        self.symbolic_batch = symbolic_batch
        self.nodes, self.inputs, self.inits, self.outputs = [], [], [], []
        self.feeds = []          # (name, array) for inputs without a default
        self.relu_fed = set()    # tensors a Relu output flows into
        self.invalid_output_rank = 2     # the output shape an invalid model declares
        self.invalid_output_dtype = None     # ... and its type (default: the graph's)
        self.atol_floor = {}     # output name -> smallest atol (see reference.graph_tolerance)
        self.values = {}         # every tensor's reference value, after finish()

    def _value_info(self, name, array):
        dims = list(array.shape)
        if self.symbolic_batch and dims:
            dims[0] = f'{name}_rows'   # one symbol per input: no equality implied
        return helper.make_tensor_value_info(name, elem_type(array.dtype), dims)

    def input(self, name, array, dtype=None):
        array = c_order(array, dtype or self.dtype)
        self.inputs.append(self._value_info(name, array))
        self.feeds.append((name, array))
        return name

    def init(self, name, array, as_input=False, dtype=None):
        """A constant; as_input also lists it as a graph input, which makes
        it an input with a default that the caller may override."""
        array = c_order(array, dtype or self.dtype)
        self.inits.append(numpy_helper.from_array(array, name))
        if as_input:
            self.inputs.append(helper.make_tensor_value_info(
                name, elem_type(array.dtype), list(array.shape)))
        return name

    def node(self, op, inputs, outputs=1, **attrs):
        """Adds a node; returns its output name, or the list of them when
        outputs > 1 (outputs may also be a list of booleans: which of the
        optional outputs to name; the others are left out or '')."""
        base = f't{len(self.nodes)}'
        want = [True] * outputs if isinstance(outputs, int) else list(outputs)
        while want and not want[-1]:
            want.pop()
        names = [(base if k == 0 else f'{base}_{k}') if w else '' for k, w in enumerate(want)]
        self.nodes.append(helper.make_node(op, inputs, names, name=f'n{len(self.nodes)}_{op}',
                                           **attrs))
        # The sign of a zero out of Relu is unspecified (see reference.py);
        # remember which tensors depend on one.
        if op == 'Relu' or any(i in self.relu_fed for i in inputs):
            self.relu_fed.update(n for n in names if n)
        return names[0] if outputs == 1 else names

    def output(self, name):
        self.outputs.append(name)

    def model(self, expected=None):
        outs = []
        for i, name in enumerate(self.outputs):
            if expected is None:            # an invalid model
                shape = [None] * self.invalid_output_rank
                out = self.invalid_output_dtype
                etype = elem_type(self.dtype if out is None else reference.numpy_dtype(out)
                                  if isinstance(out, str) else out)
            else:
                etype = elem_type(expected[i].dtype)
                if self.symbolic_batch:     # leave the dims to shape inference
                    shape = [f'{name}_d{j}' for j in range(expected[i].ndim)]
                else:
                    shape = list(expected[i].shape)
            outs.append(helper.make_tensor_value_info(name, etype, shape))
        graph = helper.make_graph(self.nodes, 'differential', self.inputs, outs,
                                  initializer=self.inits)
        model = helper.make_model(graph, producer_name='onnxc-differential',
                                  opset_imports=[helper.make_opsetid('', self.opset)])
        # IR 7 is what onnx 1.8-1.10 wrote: old enough for every loader,
        # new enough for initializers that are not graph inputs.
        model.ir_version = 7
        return model

    def checkable(self):
        return not any(n.op_type in UNKNOWN_TO_CHECKER
                       or (n.op_type in REVISED_AFTER_17 and self.opset >= 18)
                       or any((n.op_type, a.name) in NEW_ATTRIBUTES for a in n.attribute)
                       for n in self.nodes)

    def finish(self):
        """Evaluates the reference; returns (model, expected outputs, their
        implementation-defined zero marks, error text), the outputs and
        marks None when the model is invalid."""
        draft = self.model()
        try:
            self.values = {}
            expected, marks = reference.evaluate(draft, dict(self.feeds), keep=self.values)
        except reference.ModelError as e:
            return draft, None, None, str(e)
        model = self.model(expected)
        if self.checkable():
            onnx.checker.check_model(model)
        return model, expected, marks, None

    def tolerances(self, expected):
        """The tolerance each output is compared with (see
        reference.graph_tolerance)."""
        return [reference.graph_tolerance(self.model(expected), str(e.dtype),
                                          self.atol_floor.get(name, 0.0))
                for name, e in zip(self.outputs, expected)]

    def order_stable(self, perturb_rng=None):
        """See reference.order_stable; True for an invalid model."""
        model, expected, _, _ = self.finish()
        if expected is None:
            return True
        return reference.order_stable(model, dict(self.feeds), expected,
                                      self.tolerances(expected), perturb_rng)
