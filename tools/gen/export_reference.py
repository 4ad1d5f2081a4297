#!/usr/bin/python3
"""Export the reference MLP (Linear(10,5) -> ReLU|LeakyReLU -> Linear(5,3)) to ONNX
together with test data in the ONNX backend test-data layout:

    OUTDIR/<variant>/model.onnx
    OUTDIR/<variant>/test_data_set_0/{input_0,output_0}.pb   (batch 1)
    OUTDIR/<variant>/test_data_set_1/{input_0,output_0}.pb   (batch 64)

Expected outputs are computed by torch, not by an ONNX runtime, so they are an
independent reference for onnxc.

Usage: /usr/bin/python3 tools/gen/export_reference.py OUTDIR [--seed N] [--opset N]
"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

BATCH_SIZES = (1, 64)  # test_data_set_0, test_data_set_1

# variant folder -> (activation module, op_types the exporter must produce)
VARIANTS = {
    "mlp_relu": (lambda: nn.ReLU(), ["Gemm", "Relu", "Gemm"]),
    "mlp_leakyrelu": (lambda: nn.LeakyReLU(0.01), ["Gemm", "LeakyRelu", "Gemm"]),
}


class MLP(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.act = act
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def write_tensor(path, array, name):
    tensor = onnx.numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name=name)
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())


def export_variant(outdir, variant, make_act, expected_ops, seed, opset):
    # Re-seed per variant so each variant's weights and data depend only on
    # (seed, variant), not on which variants were exported before it.
    torch.manual_seed(seed)
    model = MLP(make_act()).eval()

    vdir = os.path.join(outdir, variant)
    os.makedirs(vdir, exist_ok=True)
    model_path = os.path.join(vdir, "model.onnx")

    torch.onnx.export(
        model,
        torch.randn(1, 10),  # sample input for tracing only; shapes made dynamic below
        model_path,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        opset_version=opset,
    )

    for i, batch in enumerate(BATCH_SIZES):
        x = torch.randn(batch, 10)
        with torch.no_grad():
            y = model(x)
        ddir = os.path.join(vdir, "test_data_set_%d" % i)
        os.makedirs(ddir, exist_ok=True)
        write_tensor(os.path.join(ddir, "input_0.pb"), x.numpy(), "input")
        write_tensor(os.path.join(ddir, "output_0.pb"), y.numpy(), "output")

    # Verify what was written, from disk.
    m = onnx.load(model_path)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    print("%s: opset %d, nodes %s" % (variant, m.opset_import[0].version, ops))
    # A different node list means the exporter changed (e.g. decomposed Gemm
    # into MatMul+Add); the fixtures are meant to exercise exactly these ops.
    if ops != expected_ops:
        raise RuntimeError("%s: expected nodes %s, exporter produced %s" % (variant, expected_ops, ops))
    io_names = ([i.name for i in m.graph.input], [o.name for o in m.graph.output])
    if io_names != (["input"], ["output"]):
        raise RuntimeError("%s: unexpected graph inputs/outputs %s" % (variant, io_names))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()
    try:
        for variant, (make_act, expected_ops) in VARIANTS.items():
            export_variant(args.outdir, variant, make_act, expected_ops, args.seed, args.opset)
    except Exception as e:
        print("export_reference: error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
