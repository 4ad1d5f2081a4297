#!/usr/bin/python3
"""Export a handful of real PyTorch models to ONNX at several opsets, each
with torch's own outputs as test data, for checking onnxc against torch
(onnxc-run -d) and against onnxruntime (tools/onnxc-validate):

    OUTDIR/<model>_opset<N>/model.onnx
    OUTDIR/<model>_opset<N>/test_data_set_0/{input_0.pb, output_0.pb, ...}

The test data is batch 3; the batch axis is exported as the symbolic
dimension 'batch'. onnxc runs only Gemm, Relu and LeakyRelu: an export that
produces any other operator is left out, with a line saying which operators
it produced.

Usage: /usr/bin/python3 tools/export_models.py OUTDIR [--opsets 7,9,11,13,15,17] [--seed N]
"""
import argparse
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

SUPPORTED_OPS = {"Gemm", "Relu", "LeakyRelu"}
TEST_BATCH = 3


class MLP(nn.Module):
    """Linear layers with an activation after each but the last.
    acts[i] follows layer i; len(acts) == len(sizes) - 2."""

    def __init__(self, sizes, acts):
        super().__init__()
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(acts):
                layers.append(acts[i])
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class TwoHeads(nn.Module):
    """A shared trunk and two heads, as in a classifier that also predicts a
    score: the exported graph has two outputs."""

    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(12, 24), nn.ReLU())
        self.classes = nn.Linear(24, 4)
        self.score = nn.Sequential(nn.Linear(24, 1), nn.LeakyReLU(0.1))

    def forward(self, x):
        h = self.trunk(x)
        return self.classes(h), self.score(h)


def no_bias_head():
    # A bias-free last layer is common, but torch exports Linear(bias=False)
    # as MatMul (with a Transpose below opset 9): expected to be left out.
    return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 3, bias=False))


# name -> (builder, input features, output names, dtype)
MODELS = {
    "mlp_relu": (lambda: MLP([10, 5, 3], [nn.ReLU()]), 10, ["output"], torch.float32),
    "mlp_leakyrelu": (lambda: MLP([10, 5, 3], [nn.LeakyReLU(0.01)]), 10, ["output"], torch.float32),
    "deep_mixed": (lambda: MLP([16, 64, 64, 32, 32, 4],
                               [nn.ReLU(), nn.LeakyReLU(0.2), nn.LeakyReLU(0.01), nn.ReLU()]),
                   16, ["output"], torch.float32),
    "wide": (lambda: MLP([512, 1024, 10], [nn.ReLU()]), 512, ["output"], torch.float32),
    "two_heads": (TwoHeads, 12, ["classes", "score"], torch.float32),
    "mlp_relu_f64": (lambda: MLP([10, 5, 3], [nn.ReLU()]), 10, ["output"], torch.float64),
    "no_bias_head": (no_bias_head, 10, ["output"], torch.float32),
}


def write_tensor(path, tensor, name):
    proto = onnx.numpy_helper.from_array(np.ascontiguousarray(tensor.numpy()), name=name)
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def export_onnx(model, sample, path, output_names, opset):
    axes = {name: {0: "batch"} for name in ["input"] + output_names}
    with warnings.catch_warnings():
        # torch warns about constant folding and initializers as inputs at
        # low opsets; the model is checked below instead.
        warnings.simplefilter("ignore")
        torch.onnx.export(model, sample, path, input_names=["input"],
                          output_names=output_names, dynamic_axes=axes,
                          opset_version=opset)


def write_test_data(data_dir, model, x, output_names):
    os.makedirs(data_dir)
    with torch.no_grad():
        ys = model(x)
    if isinstance(ys, torch.Tensor):
        ys = (ys,)
    write_tensor(os.path.join(data_dir, "input_0.pb"), x, "input")
    for k, (y, name) in enumerate(zip(ys, output_names)):
        write_tensor(os.path.join(data_dir, "output_%d.pb" % k), y, name)


def export_one(outdir, name, model, x, output_names, opset):
    """Exports one model at one opset. Returns its op types and whether it
    was kept (only supported operators)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = os.path.join(tmp, "model.onnx")
        export_onnx(model, x[:1], tmp_path, output_names, opset)
        proto = onnx.load(tmp_path)
        onnx.checker.check_model(proto)
        ops = [n.op_type for n in proto.graph.node]
        if not set(ops) <= SUPPORTED_OPS:
            return ops, False
        model_dir = os.path.join(outdir, "%s_opset%d" % (name, opset))
        shutil.rmtree(model_dir, ignore_errors=True)   # stale files from an earlier run
        os.makedirs(model_dir)
        shutil.move(tmp_path, os.path.join(model_dir, "model.onnx"))
    write_test_data(os.path.join(model_dir, "test_data_set_0"), model, x, output_names)
    return ops, True


def export_model(outdir, name, opsets, seed):
    build, features, output_names, dtype = MODELS[name]
    # Seeded per model, so a model's weights and data do not depend on which
    # models came before it; the same weights serve every opset.
    torch.manual_seed(seed)
    model = build().to(dtype).eval()
    x = torch.randn(TEST_BATCH, features, dtype=dtype)
    skipped = []
    for opset in opsets:
        ops, kept = export_one(outdir, name, model, x, output_names, opset)
        label = "%s_opset%d" % (name, opset)
        if kept:
            print("%-24s %s" % (label, " ".join(ops)))
        else:
            others = sorted(set(ops) - SUPPORTED_OPS)
            print("%-24s left out: exports %s (%s)" % (label, ", ".join(others), " ".join(ops)))
            skipped.append(label)
    return skipped


def parse_opsets(text):
    try:
        opsets = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected a comma-separated list of integers: %r" % text)
    if not opsets:
        raise argparse.ArgumentTypeError("no opsets given")
    return opsets


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--opsets", type=parse_opsets, default=[7, 9, 11, 13, 15, 17])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    skipped = []
    try:
        for name in MODELS:
            skipped += export_model(args.outdir, name, args.opsets, args.seed)
    except Exception as e:
        print("export_models: error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
    total = len(MODELS) * len(args.opsets)
    print("exported %d of %d model/opset combinations; left out: %s"
          % (total - len(skipped), total, ", ".join(skipped) or "none"))


if __name__ == "__main__":
    main()
