#!/usr/bin/python3
"""Write the ONNX models the benchmarks run.

    OUTDIR/gemm_<S>.onnx   Y = A * B^T + C: one Gemm (transB=1) with
                           A the input [S, S], B an initializer [S, S] (N x K),
                           C an initializer [S]; S in 64 .. 2048
    OUTDIR/ref_mlp.onnx    the reference network: Linear(10,5) -> ReLU ->
                           Linear(5,3), dynamic batch (torch export)
    OUTDIR/big_mlp.onnx    Linear(1024,4096) -> ReLU -> Linear(4096,4096) ->
                           ReLU -> Linear(4096,1024), dynamic batch (torch export)
    OUTDIR/identity.onnx   one Identity on [batch, 1]: nothing to compute, so
                           its time is a runtime's fixed cost per run

and the operator cases (fixed shapes, no batch; bench/run.sh's "ops" suite):

    OUTDIR/layer_norm.onnx          LayerNormalization (opset 17, axis -1)
                                    over [64, 128, 768], scale and bias [768]
    OUTDIR/layer_norm_decomposed.onnx  the same as PyTorch exports it at
                                    opset 13: ReduceMean, Sub, Pow,
                                    ReduceMean, Add, Sqrt, Div, Mul, Add
    OUTDIR/softmax.onnx             Softmax (axis -1) over [768, 128, 128]
                                    (64 x 12 heads of 128 x 128 scores)
    OUTDIR/reduce_mean_last.onnx    ReduceMean over axis -1 of [64, 128, 768]
    OUTDIR/reduce_mean_mid.onnx     ReduceMean over axis 1 of [64, 128, 768]
    OUTDIR/exp.onnx, tanh.onnx      Exp, Tanh over 16 M floats

and the recurrent cases (bench/run.sh's "recurrent" suite):

    OUTDIR/lstm2.onnx, gru2.onnx    2-layer nn.LSTM / nn.GRU, input 128,
                                    hidden 256, [batch, 100, 128] (torch
                                    export)
    OUTDIR/loop_1000.onnx           a Loop of 1,000 iterations over X [16]:
                                    v = v * a + b with a and b outer
                                    weights, so each iteration costs a
                                    runtime its per-iteration overhead

Weights are random from a fixed seed: the benchmarks measure speed, and a
fixed seed keeps the files the same from run to run. Every model is opset 13
(the operator cases: the opset they name) with its weights inside the file (the largest, big_mlp, is ~100 MB: under
protobuf's 2 GB limit, so no external data).

Models that exist with the same contents are not rewritten, so a second run
is quick and leaves timestamps alone.

Usage: /usr/bin/python3 bench/make_models.py OUTDIR [--sizes 64,128,...]
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
SEED = 20261127
SQUARE_SIZES = (64, 128, 256, 512, 1024, 2048)


def save_if_changed(model, path):
    """Write `model` unless `path` already holds the same bytes."""
    data = model.SerializeToString()
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return True


def gemm_model(size, rng):
    """One Gemm node, the shape the brief asks for: fixed M = N = K = size."""
    m = n = k = size
    # Scaled so the outputs stay near 1 whatever K is.
    b = (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
    c = rng.standard_normal(n).astype(np.float32)
    node = helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transB=1)
    graph = helper.make_graph(
        [node], "gemm_%d" % size,
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])],
        initializer=[numpy_helper.from_array(b, "B"),
                     numpy_helper.from_array(c, "C")])
    model = helper.make_model(graph, producer_name="onnxc-bench",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    # ir_version 7 is what opset 13 exports use; it keeps the files readable
    # by older runtimes too.
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def identity_model():
    """The lightest model there is: what a run costs before any kernel."""
    node = helper.make_node("Identity", ["x"], ["y"])
    graph = helper.make_graph(
        [node], "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 1])])
    model = helper.make_model(graph, producer_name="onnxc-bench",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def finish(graph, opset):
    model = helper.make_model(graph, producer_name="onnxc-bench",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7 if opset <= 13 else 8
    onnx.checker.check_model(model)
    return model


LN_SHAPE = [64, 128, 768]


def one_node_model(name, op, shape, out_shape, opset, inits=(), **attrs):
    """One node on input X of a fixed shape; initializers follow X."""
    node = helper.make_node(op, ["X"] + [i.name for i in inits], ["Y"],
                            **attrs)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, out_shape)],
        initializer=list(inits))
    return finish(graph, opset)


def layer_norm_weights(rng):
    c = LN_SHAPE[-1]
    return (numpy_helper.from_array(
                (1 + 0.1 * rng.standard_normal(c)).astype(np.float32), "scale"),
            numpy_helper.from_array(
                (0.1 * rng.standard_normal(c)).astype(np.float32), "bias"))


def layer_norm_decomposed(rng):
    """LayerNorm as torch.onnx exports nn.LayerNorm at opset 13 (before
    LayerNormalization existed): written out node by node so the graph is
    the same whatever torch version is installed."""
    scale, bias = layer_norm_weights(rng)
    consts = [numpy_helper.from_array(np.array(2.0, np.float32), "two"),
              numpy_helper.from_array(np.array(1e-5, np.float32), "eps")]
    n = helper.make_node
    nodes = [
        n("ReduceMean", ["X"], ["mean"], axes=[-1]),
        n("Sub", ["X", "mean"], ["d"]),
        n("Pow", ["d", "two"], ["d2"]),
        n("ReduceMean", ["d2"], ["var"], axes=[-1]),
        n("Add", ["var", "eps"], ["var_eps"]),
        n("Sqrt", ["var_eps"], ["std"]),
        n("Div", ["d", "std"], ["norm"]),
        n("Mul", ["norm", "scale"], ["scaled"]),
        n("Add", ["scaled", "bias"], ["Y"]),
    ]
    graph = helper.make_graph(
        nodes, "layer_norm_decomposed",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, LN_SHAPE)],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, LN_SHAPE)],
        initializer=[scale, bias] + consts)
    return finish(graph, 13)


def op_models(rng):
    """The operator cases: name -> model."""
    big = [1 << 24]
    scores = [64 * 12, 128, 128]
    return {
        "layer_norm": one_node_model(
            "layer_norm", "LayerNormalization", LN_SHAPE, LN_SHAPE, 17,
            layer_norm_weights(rng), axis=-1),
        "layer_norm_decomposed": layer_norm_decomposed(rng),
        "softmax": one_node_model("softmax", "Softmax", scores, scores, 13,
                                  axis=-1),
        "reduce_mean_last": one_node_model(
            "reduce_mean_last", "ReduceMean", LN_SHAPE, LN_SHAPE[:2] + [1], 13,
            axes=[-1]),
        "reduce_mean_mid": one_node_model(
            "reduce_mean_mid", "ReduceMean", LN_SHAPE,
            [LN_SHAPE[0], 1, LN_SHAPE[2]], 13, axes=[1]),
        "exp": one_node_model("exp", "Exp", big, big, 13),
        "tanh": one_node_model("tanh", "Tanh", big, big, 13),
    }


def torch_mlp(widths, path, seed):
    """Export Linear/ReLU layers of the given widths with a dynamic batch."""
    import torch
    import torch.nn as nn

    torch.manual_seed(seed)
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(nn.ReLU())
    net = nn.Sequential(*layers).eval()
    tmp = path + ".export"
    torch.onnx.export(net, torch.randn(1, widths[0]), tmp,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"},
                                    "output": {0: "batch"}},
                      opset_version=OPSET)
    model = onnx.load(tmp)
    os.remove(tmp)
    ops = [node.op_type for node in model.graph.node]
    want = ["Gemm", "Relu"] * (len(widths) - 2) + ["Gemm"]
    if ops != want:
        # Nothing else in onnxc runs the model: say so rather than bench it.
        sys.exit("make_models.py: %s exported as %s, expected %s"
                 % (path, ops, want))
    return model


def torch_recurrent(kind, path, seed):
    """A 2-layer nn.LSTM or nn.GRU (input 128, hidden 256), batch first,
    dynamic batch, sequence 100: issue 15's recurrent benchmark."""
    import torch
    import torch.nn as nn

    torch.manual_seed(seed)
    cls = {"lstm": nn.LSTM, "gru": nn.GRU}[kind]
    net = cls(128, 256, num_layers=2, batch_first=True).eval()
    tmp = path + ".export"
    torch.onnx.export(net, torch.randn(1, 100, 128), tmp,
                      input_names=["input"], output_names=["output", "h_n"] +
                      (["c_n"] if kind == "lstm" else []),
                      dynamic_axes={"input": {0: "batch"},
                                    "output": {0: "batch"}},
                      opset_version=OPSET)
    model = onnx.load(tmp)
    os.remove(tmp)
    ops = {node.op_type for node in model.graph.node}
    if kind.upper() not in ops:
        sys.exit("make_models.py: %s exported without %s" % (path, kind.upper()))
    return model


def loop_model(rng):
    """Loop(M = 1000, cond = true, X): the body computes v * a + b."""
    def tensor(name, arr):
        return numpy_helper.from_array(arr, name)

    body = helper.make_graph(
        [helper.make_node("Identity", ["c"], ["c_out"]),
         helper.make_node("Mul", ["v", "a"], ["va"]),
         helper.make_node("Add", ["va", "b"], ["v_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("c", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v", TensorProto.FLOAT, [16])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [16])])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["M", "cond", "X"], ["Y"], body=body)], "loop_1000",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [16])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [16])],
        initializer=[tensor("M", np.array(1000, np.int64)),
                     tensor("cond", np.array(True)),
                     tensor("a", (rng.random(16) * 0.5 + 0.25).astype(np.float32)),
                     tensor("b", rng.standard_normal(16).astype(np.float32))])
    return finish(graph, OPSET)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--sizes", default=",".join(map(str, SQUARE_SIZES)),
                    help="square Gemm sizes, comma-separated")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)

    rng = np.random.default_rng(SEED)
    written = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        path = os.path.join(args.outdir, "gemm_%d.onnx" % size)
        if save_if_changed(gemm_model(size, rng), path):
            written.append(path)

    path = os.path.join(args.outdir, "identity.onnx")
    if save_if_changed(identity_model(), path):
        written.append(path)

    for name, widths in (("ref_mlp", (10, 5, 3)),
                         ("big_mlp", (1024, 4096, 4096, 1024))):
        path = os.path.join(args.outdir, name + ".onnx")
        if save_if_changed(torch_mlp(widths, path, SEED), path):
            written.append(path)

    for kind in ("lstm", "gru"):
        path = os.path.join(args.outdir, kind + "2.onnx")
        if save_if_changed(torch_recurrent(kind, path, SEED), path):
            written.append(path)

    path = os.path.join(args.outdir, "loop_1000.onnx")
    if save_if_changed(loop_model(np.random.default_rng(SEED)), path):
        written.append(path)

    for name, model in op_models(np.random.default_rng(SEED)).items():
        path = os.path.join(args.outdir, name + ".onnx")
        if save_if_changed(model, path):
            written.append(path)

    for path in written:
        print("wrote", path)


if __name__ == "__main__":
    main()
