"""A small builder over onnx.helper: graph inputs that come with the .npy
array fed to them, initializers, nodes with generated names, and outputs
whose shapes are filled in from the NumPy reference."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import reference

ELEM_TYPE = {np.dtype(np.float32): TensorProto.FLOAT,
             np.dtype(np.float64): TensorProto.DOUBLE}


class Built:
    """A built case: the graph, a one-line description and the details
    meta.json records (attributes, shapes, kinds of values)."""

    def __init__(self, graph, description, details):
        self.graph = graph
        self.description = description
        self.details = details


class Graph:
    """One model under construction, of one element type and opset."""

    def __init__(self, dtype, opset, symbolic_batch=False):
        self.dtype = np.dtype(dtype)
        self.opset = opset
        # A symbolic first dimension makes onnxc infer shapes at run time.
        self.symbolic_batch = symbolic_batch
        self.nodes, self.inputs, self.inits, self.outputs = [], [], [], []
        self.feeds = []          # (name, array) for inputs without a default
        self.relu_fed = set()    # tensors a Relu output flows into

    def _value_info(self, name, array):
        dims = list(array.shape)
        if self.symbolic_batch and dims:
            dims[0] = f'{name}_rows'   # one symbol per input: no equality implied
        return helper.make_tensor_value_info(name, ELEM_TYPE[array.dtype], dims)

    def input(self, name, array, dtype=None):
        array = np.ascontiguousarray(array, dtype=dtype or self.dtype)
        self.inputs.append(self._value_info(name, array))
        self.feeds.append((name, array))
        return name

    def init(self, name, array, as_input=False):
        """A constant; as_input also lists it as a graph input, which makes
        it an input with a default that the caller may override."""
        array = np.ascontiguousarray(array, dtype=self.dtype)
        self.inits.append(numpy_helper.from_array(array, name))
        if as_input:
            self.inputs.append(helper.make_tensor_value_info(
                name, ELEM_TYPE[array.dtype], list(array.shape)))
        return name

    def node(self, op, inputs, **attrs):
        out = f't{len(self.nodes)}'
        self.nodes.append(helper.make_node(op, inputs, [out], name=f'n{len(self.nodes)}_{op}',
                                           **attrs))
        # The sign of a zero out of Relu is unspecified (see reference.py);
        # remember which tensors depend on one.
        if op == 'Relu' or any(i in self.relu_fed for i in inputs):
            self.relu_fed.add(out)
        return out

    def output(self, name):
        self.outputs.append(name)

    def model(self, output_shapes=None):
        outs = []
        for i, name in enumerate(self.outputs):
            if output_shapes is None:       # an invalid model: every Gemm is 2-D
                shape = [None, None]
            elif self.symbolic_batch:       # leave the dims to shape inference
                shape = [f'{name}_d{j}' for j in range(len(output_shapes[i]))]
            else:
                shape = list(output_shapes[i])
            outs.append(helper.make_tensor_value_info(name, ELEM_TYPE[self.dtype], shape))
        graph = helper.make_graph(self.nodes, 'differential', self.inputs, outs,
                                  initializer=self.inits)
        model = helper.make_model(graph, producer_name='onnxc-differential',
                                  opset_imports=[helper.make_opsetid('', self.opset)])
        # IR 7 is what onnx 1.8-1.10 wrote: old enough for every loader,
        # new enough for initializers that are not graph inputs.
        model.ir_version = 7
        return model

    def finish(self):
        """Evaluates the reference; returns (model, expected outputs, their
        implementation-defined zero marks, error text), the outputs and
        marks None when the model is invalid."""
        draft = self.model()
        try:
            expected, marks = reference.evaluate(draft, dict(self.feeds))
        except reference.ModelError as e:
            return draft, None, None, str(e)
        model = self.model([e.shape for e in expected])
        onnx.checker.check_model(model)
        return model, expected, marks, None

    def order_stable(self):
        """See reference.order_stable; True for an invalid model."""
        model, expected, _, _ = self.finish()
        return expected is None or reference.order_stable(model, dict(self.feeds), expected)
