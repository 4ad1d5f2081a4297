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

Weights are random from a fixed seed: the benchmarks measure speed, and a
fixed seed keeps the files the same from run to run. Every model is opset 13
with its weights inside the file (the largest, big_mlp, is ~100 MB: under
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

    for path in written:
        print("wrote", path)


if __name__ == "__main__":
    main()
