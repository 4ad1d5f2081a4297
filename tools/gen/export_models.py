#!/usr/bin/python3
"""Export a handful of real PyTorch models to ONNX at several opsets, each
with torch's own outputs as test data, for checking onnxc against torch
(onnxc-run -d) and against onnxruntime (tools/oracle/onnxc-validate):

    OUTDIR/<model>_opset<N>/model.onnx
    OUTDIR/<model>_opset<N>/test_data_set_0/{input_0.pb, output_0.pb, ...}

The test data is batch 3; the batch axis is exported as the symbolic
dimension 'batch' (and a sequence axis as 'seq'). Each model has its own
opsets (--opsets replaces them for every model). An export that produces an
operator outside SUPPORTED_OPS is left out, with a line saying which
operators it produced.

The models of issue 6 (ISSUE6_MODELS: MatMul, elementwise activations,
Softmax, Flatten, BatchNorm) are also committed as fixtures in
tests/fixtures/pytorch, made by:

    /usr/bin/python3 tools/gen/export_models.py tests/fixtures/pytorch --models issue6

Usage: /usr/bin/python3 tools/gen/export_models.py OUTDIR [--models all|issue6|NAME,...]
                                              [--opsets 11,13,17] [--seed N]
"""
import argparse
import collections
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

# What onnxc runs, or is gaining with issue 6.
SUPPORTED_OPS = {
    "Gemm", "Relu", "LeakyRelu",
    "MatMul", "Add", "Sub", "Mul", "Div",
    "Sigmoid", "Tanh", "PRelu", "Elu", "Selu", "Softplus", "Softsign",
    "HardSigmoid", "HardSwish", "Clip", "Erf", "Gelu",
    "Softmax", "LogSoftmax",
    "Flatten", "Reshape", "Identity", "Dropout", "Constant",
    "BatchNormalization",
}
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
    # A bias-free last layer is common; torch exports Linear(bias=False) as
    # MatMul, with a Transpose below opset 9 (that export is left out).
    return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 3, bias=False))


def mlp_no_bias():
    """Every layer bias-free: MatMul with the weight stored transposed, no
    Gemm at all."""
    return nn.Sequential(nn.Linear(12, 24, bias=False), nn.ReLU(),
                         nn.Linear(24, 16, bias=False), nn.ReLU(),
                         nn.Linear(16, 4, bias=False))


def seq_linear():
    """Linear layers over (batch, seq, features): torch uses Gemm only for
    2-D inputs, so these export as MatMul + Add on 3-D tensors."""
    return nn.Sequential(nn.Linear(8, 24), nn.ReLU(), nn.Linear(24, 6))


def scaled_linear(n_in, n_out, gain):
    """nn.Linear with its initial weights multiplied by gain."""
    layer = nn.Linear(n_in, n_out)
    with torch.no_grad():
        layer.weight.mul_(gain)
    return layer


def mlp_activations():
    """One Linear before each activation, and a Softmax over the last axis.
    GELU exports as Erf, Div, Add and Mul below opset 20; PReLU has one
    slope per feature, each set to a different value so that a slope
    applied to the wrong feature shows. The weights are 3 times torch's
    initial ones: with those alone the values shrink layer by layer, and
    each activation would see only a narrow range around 0; with them each
    sees values of both signs up to 2 to 5, and the Softmax is far from
    uniform."""
    prelu = nn.PReLU(num_parameters=24)
    with torch.no_grad():
        prelu.weight.copy_(torch.rand(24) * 0.5)
    return nn.Sequential(scaled_linear(12, 24, 3.0), nn.Sigmoid(),
                         scaled_linear(24, 24, 3.0), nn.Tanh(),
                         scaled_linear(24, 24, 3.0), nn.GELU(),
                         scaled_linear(24, 24, 3.0), nn.ELU(alpha=0.7),
                         scaled_linear(24, 24, 3.0), nn.SELU(),
                         scaled_linear(24, 24, 3.0), prelu,
                         scaled_linear(24, 5, 3.0), nn.Softmax(dim=-1))


def flatten_mlp():
    """An MNIST-shaped classifier on (N, 1, 28, 28). nn.Flatten exports as
    one Flatten node; x.view(x.size(0), -1) would export Shape, Gather,
    Unsqueeze, Concat and Reshape instead."""
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 16), nn.ReLU(),
                         nn.Linear(16, 10))


def batch_norm(features):
    """BatchNorm1d with running statistics, scale and shift set explicitly
    away from their initial 0 and 1 (which torch would also deduplicate
    into Identity nodes). Exported in eval mode: it uses these statistics."""
    bn = nn.BatchNorm1d(features)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(features) * 0.5)
        bn.running_var.copy_(torch.rand(features) * 1.5 + 0.25)
        bn.weight.copy_(torch.rand(features) + 0.5)
        bn.bias.copy_(torch.randn(features) * 0.2)
    return bn


def mlp_batchnorm_dropout():
    """Linear -> BatchNorm1d -> ReLU -> Dropout, twice. In eval mode torch
    drops the Dropout nodes from the export and keeps BatchNormalization."""
    return nn.Sequential(nn.Linear(12, 24), batch_norm(24), nn.ReLU(), nn.Dropout(0.3),
                         nn.Linear(24, 16), batch_norm(16), nn.ReLU(), nn.Dropout(0.3),
                         nn.Linear(16, 4))


# How a model is exported: its builder, the shape of one input sample (no
# batch axis), output names, element type, default opsets, and the
# symbolic axes of its input and outputs.
Spec = collections.namedtuple("Spec", "build shape outputs dtype opsets axes")
ALL_OPSETS = [7, 9, 11, 13, 15, 17]
ISSUE6_OPSETS = [11, 13, 17]
BATCH = {0: "batch"}


def model_spec(build, shape, outputs=("output",), dtype=torch.float32,
               opsets=ALL_OPSETS, axes=BATCH):
    """A Spec, with the defaults of most models: one output, float32, every
    opset, a symbolic batch axis."""
    return Spec(build, tuple(shape), list(outputs), dtype, list(opsets), axes)


MODELS = {
    "mlp_relu": model_spec(lambda: MLP([10, 5, 3], [nn.ReLU()]), [10]),
    "mlp_leakyrelu": model_spec(lambda: MLP([10, 5, 3], [nn.LeakyReLU(0.01)]), [10]),
    "deep_mixed": model_spec(lambda: MLP([16, 64, 64, 32, 32, 4],
                                         [nn.ReLU(), nn.LeakyReLU(0.2), nn.LeakyReLU(0.01), nn.ReLU()]),
                             [16]),
    "wide": model_spec(lambda: MLP([512, 1024, 10], [nn.ReLU()]), [512]),
    "two_heads": model_spec(TwoHeads, [12], outputs=["classes", "score"]),
    "mlp_relu_f64": model_spec(lambda: MLP([10, 5, 3], [nn.ReLU()]), [10], dtype=torch.float64),
    "no_bias_head": model_spec(no_bias_head, [10]),
    # Issue 6; committed as fixtures in tests/fixtures/pytorch.
    "mlp_no_bias": model_spec(mlp_no_bias, [12], opsets=ISSUE6_OPSETS),
    "seq_linear": model_spec(seq_linear, [5, 8], opsets=ISSUE6_OPSETS, axes={0: "batch", 1: "seq"}),
    "mlp_activations": model_spec(mlp_activations, [12], opsets=ISSUE6_OPSETS),
    "flatten_mlp": model_spec(flatten_mlp, [1, 28, 28], opsets=ISSUE6_OPSETS),
    "mlp_batchnorm_dropout": model_spec(mlp_batchnorm_dropout, [12], opsets=ISSUE6_OPSETS),
}
ISSUE6_MODELS = ["mlp_no_bias", "seq_linear", "mlp_activations", "flatten_mlp",
                 "mlp_batchnorm_dropout"]


def write_tensor(path, tensor, name):
    proto = onnx.numpy_helper.from_array(np.ascontiguousarray(tensor.numpy()), name=name)
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def export_onnx(model, sample, path, output_names, opset, symbolic):
    """symbolic: {axis: name} of the axes to leave symbolic, the same for
    the input and every output."""
    axes = {name: symbolic for name in ["input"] + output_names}
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


def export_one(outdir, name, model, x, spec, opset):
    """Exports one model at one opset. Returns its op types and whether it
    was kept (only supported operators)."""
    output_names = spec.outputs
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = os.path.join(tmp, "model.onnx")
        export_onnx(model, x[:1], tmp_path, output_names, opset, spec.axes)
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
    """Exports one model at the given opsets (None: the model's own).
    Returns the number of exports tried and the labels of those left out."""
    spec = MODELS[name]
    opsets = opsets or spec.opsets
    # Seeded per model, so a model's weights and data do not depend on which
    # models came before it; the same weights serve every opset.
    torch.manual_seed(seed)
    model = spec.build().to(spec.dtype).eval()
    x = torch.randn(TEST_BATCH, *spec.shape, dtype=spec.dtype)
    skipped = []
    for opset in opsets:
        ops, kept = export_one(outdir, name, model, x, spec, opset)
        label = "%s_opset%d" % (name, opset)
        if kept:
            print("%-30s %s" % (label, " ".join(ops)))
        else:
            others = sorted(set(ops) - SUPPORTED_OPS)
            print("%-30s left out: exports %s (%s)" % (label, ", ".join(others), " ".join(ops)))
            skipped.append(label)
    return len(opsets), skipped


def parse_opsets(text):
    try:
        opsets = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected a comma-separated list of integers: %r" % text)
    if not opsets:
        raise argparse.ArgumentTypeError("no opsets given")
    return opsets


def parse_models(text):
    """'all', 'issue6' or a comma-separated list of names from MODELS."""
    if text == "all":
        return list(MODELS)
    if text == "issue6":
        return list(ISSUE6_MODELS)
    names = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in names if v not in MODELS]
    if unknown or not names:
        raise argparse.ArgumentTypeError("unknown model %s; known: all, issue6, %s"
                                         % (", ".join(unknown) or "(none given)", ", ".join(MODELS)))
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--models", type=parse_models, default=list(MODELS),
                    help="all (default), issue6, or a comma-separated list of names")
    ap.add_argument("--opsets", type=parse_opsets, default=None,
                    help="opsets for every model (default: each model's own)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    total = 0
    skipped = []
    try:
        for name in args.models:
            n, left_out = export_model(args.outdir, name, args.opsets, args.seed)
            total += n
            skipped += left_out
    except Exception as e:
        print("export_models: error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
    print("exported %d of %d model/opset combinations; left out: %s"
          % (total - len(skipped), total, ", ".join(skipped) or "none"))


if __name__ == "__main__":
    main()
