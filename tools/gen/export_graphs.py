#!/usr/bin/python3
"""Export PyTorch modules whose graphs compute shapes and carry integer and
bool tensors (what "real graphs" brings: view(x.size(0), -1), attention,
embeddings, masks, cat/split/stack, permute, slices and flip, pad,
expand/repeat, arange, gather, integer casts; and a transformer block with
LayerNorm and GELU, the reductions and math functions of norms and
heads, topk, einsum and cross-entropy; recurrent layers; and scripted
control flow: If, Loop, and lists as sequences), at several opsets, with
torch's outputs as test data at two sizes of the dynamic axes:

    OUTDIR/<model>_opset<N>/model.onnx
    OUTDIR/<model>_opset<N>/test_data_set_0/  batch 3, seq 5
    OUTDIR/<model>_opset<N>/test_data_set_1/  batch 2, seq 7

Every export must use only operators onnxc runs (`onnxc-run --operators`
gives the list with --runner); one that does not is an error, not a skip.

Usage: /usr/bin/python3 tools/gen/export_graphs.py OUTDIR [--runner ONNXC_RUN]
                                   [--models NAME,...] [--opsets 11,13,14,17]
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSETS = [11, 13, 14, 17]
SIZES = [(3, 5), (2, 7)]   # (batch, seq) of the two data sets
FEATURES = 8


class ViewFlatten(nn.Module):
    """x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat, Reshape."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4 * 6, 5)

    def forward(self, x):          # [batch, 4, 6]
        return self.fc(x.view(x.size(0), -1))


class Attention(nn.Module):
    """Multi-head self-attention written by hand, without LayerNorm: the
    head split and merge are view/transpose over the dynamic sequence."""

    def __init__(self, dim=16, heads=2):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x):          # [batch, seq, 16]
        b, s, d = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        def split(t):
            return t.view(b, s, self.heads, self.head_dim).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        return self.out(ctx.transpose(1, 2).reshape(b, s, d))


class EmbeddingLinear(nn.Module):
    """Token ids (int64) to vectors, then a Linear: Gather on a weight."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, FEATURES)
        self.fc = nn.Linear(FEATURES, 4)

    def forward(self, ids):        # [batch, seq] int64
        return self.fc(self.emb(ids))


class Masks(nn.Module):
    """masked_fill and where on comparisons: bool tensors between ops."""

    def forward(self, x):          # [batch, seq, 8]
        y = x.masked_fill(x > 0.5, 0.0)
        return torch.where(y < -0.5, y * 2.0, y + 1.0)


class CatSplitStack(nn.Module):
    def forward(self, x):          # [batch, seq, 8]
        a, b = x.chunk(2, dim=-1)
        c = torch.cat([b, a * 3.0], dim=-1)
        p, q = torch.split(c, [2, 6], dim=-1)
        return torch.stack([p, p * 2.0, q[..., :2]], dim=1)


class PermuteReshape(nn.Module):
    def forward(self, x):          # [batch, seq, 8]
        return x.permute(0, 2, 1).reshape(x.size(0), -1)


class SlicesFlip(nn.Module):
    """Steps, negative ends and flip (a Slice with step -1)."""

    def forward(self, x):          # [batch, seq, 8]
        return torch.cat([x[:, ::2, 1:-1], torch.flip(x, [1])[:, ::2, 2:]], dim=-1)


class Pads(nn.Module):
    def forward(self, x):          # [batch, seq, 8]
        a = F.pad(x, (1, 2), value=0.5)
        b = F.pad(x, (2, 1), mode="reflect")
        return torch.cat([a, b], dim=-1)


class ExpandRepeat(nn.Module):
    def forward(self, x):          # [batch, seq, 8]
        m = x[:, :1, :]
        return torch.cat([m.expand(-1, x.size(1), -1), x.repeat(1, 1, 2)], dim=-1)


class ArangePositions(nn.Module):
    """Positions from torch.arange over the dynamic sequence: Range."""

    def __init__(self):
        super().__init__()
        self.pos = nn.Embedding(16, FEATURES)

    def forward(self, x):          # [batch, seq, 8]
        positions = torch.arange(x.size(1))
        return x + self.pos(positions)


class TorchGather(nn.Module):
    """torch.gather with indices computed from the shapes: GatherElements."""

    def forward(self, x):          # [batch, seq, 8]
        b, s, f = x.shape
        idx = (torch.arange(s) * 2 + 1) % s
        idx = idx.view(1, s, 1).expand(b, s, f)
        return torch.gather(x, 1, idx)


class IntegerMath(nn.Module):
    """Casts to int64 (truncation), integer arithmetic, back to float.
    Division truncates: torch exports `//` (floor) as ONNX Div, which
    truncates, so torch and the export disagree on negative quotients."""

    def forward(self, x):          # [batch, seq, 8]
        n = (x * 10.0).long()
        m = (n + 7) * 3 - x.size(1)
        return torch.cat([(m % 5).float(), torch.div(n, 4, rounding_mode="trunc").float(), n.abs().float()], dim=-1)


class TransformerBlock(nn.Module):
    """A pre-norm transformer block: LayerNorm (decomposed into ReduceMean,
    Sub, Pow, Sqrt, Div before opset 17, LayerNormalization from 17;
    tools/check/check_models.sh checks that onnxc runs both as
    LayerNormalization nodes), attention, GELU (Erf) and residual adds."""

    def __init__(self, dim=16):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(),
                                 nn.Linear(2 * dim, dim))

    def forward(self, x):          # [batch, seq, 16]
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Statistics(nn.Module):
    """RMSNorm by hand, argmax, logsumexp, std, max over a dim, exp/log/
    sqrt: the reductions and math functions real heads and norms use."""

    def forward(self, x):          # [batch, seq, 8]
        rms = x * x.pow(2).mean(-1, keepdim=True).add(1e-6).rsqrt()
        top = x.argmax(dim=-1, keepdim=True).float()
        lse = torch.logsumexp(x, dim=-1, keepdim=True)
        std = x.std(-1, keepdim=True)
        peak = x.amax(dim=1, keepdim=True).expand_as(x)
        return torch.cat([rms, top, lse, std, peak, x.exp().clamp(max=10.0),
                          x.abs().sqrt().log1p(), x.sum(-1, keepdim=True)], dim=-1)


class MathChain(nn.Module):
    """exp, log, sqrt, reciprocal, pow, abs, floor, ceil, GELU's tanh
    approximation, and torch.max/min of two tensors: Exp, Log, Sqrt,
    Reciprocal, Pow, Abs, Floor, Ceil, Tanh, Max, Min."""

    def forward(self, x):          # [batch, seq, 8]
        a = x.abs()
        chain = torch.reciprocal(a.add(1.0).sqrt()).log().exp()
        return torch.cat([chain, x.pow(3), torch.floor(x * 3), torch.ceil(x * 3),
                          F.gelu(x, approximate="tanh"), torch.max(x, chain),
                          torch.min(x, a.pow(0.5))], dim=-1)


class Reductions(nn.Module):
    """sum, mean, amax, amin over one and two dims, with and without
    keepdim, F.normalize (ReduceL2) and cumsum: the reductions of pooled
    heads and of statistics."""

    def forward(self, x):          # [batch, seq, 8]
        seq = x.size(1)
        pooled = torch.cat([x.mean(dim=1), x.amax(dim=1), x.amin(dim=1),
                            x.sum(dim=(1, 2)).unsqueeze(-1).expand(-1, 8)], dim=-1)
        kept = torch.cat([x.sum(-1, keepdim=True), x.amin(dim=(1, 2), keepdim=True).expand(-1, seq, 1),
                          x.mean(dim=(0, 2), keepdim=True).expand(x.size(0), -1, 1)], dim=-1)
        return torch.cat([pooled.unsqueeze(1).expand(-1, seq, -1), kept,
                          F.normalize(x, dim=-1), torch.cumsum(x, dim=1)], dim=-1)


class HeadsLosses(nn.Module):
    """topk, argmax, einsum 'bij,bjk->bik' and nn.CrossEntropyLoss over
    targets taken from the input: TopK, ArgMax, Einsum,
    SoftmaxCrossEntropyLoss (from 12) and its decomposition (before)."""

    def __init__(self):
        super().__init__()
        self.loss = nn.CrossEntropyLoss(reduction="none")

    def forward(self, x):          # [batch, seq, 8]
        values, indices = torch.topk(x, 3, dim=-1)
        target = x.flip(-1).argmax(dim=-1)                     # [batch, seq]
        loss = self.loss(x.transpose(1, 2), target)            # [batch, seq]
        keys = x.transpose(1, 2)[..., :4]                       # [batch, 8, 4]
        mixed = torch.einsum("bij,bjk->bik", x, keys)           # [batch, seq, 4]
        return torch.cat([values, indices.float(), loss.unsqueeze(-1), mixed,
                          x.argmax(dim=-1, keepdim=True).float()], dim=-1)


class Lstm(nn.Module):
    """nn.LSTM, one layer, sequence first (a transpose in and out), with
    h0/c0 computed from the input or left to torch's zeros; its last
    state joins the output as one more step: LSTM, with Y_h and Y_c."""

    def __init__(self, initial=False):
        super().__init__()
        self.lstm = nn.LSTM(FEATURES, 6)
        self.initial = nn.Linear(FEATURES, 12) if initial else None

    def forward(self, x):          # [batch, seq, 8]
        xs = x.transpose(0, 1)
        if self.initial is not None:
            h0, c0 = self.initial(x.mean(1)).unsqueeze(0).chunk(2, dim=-1)
            y, (h, c) = self.lstm(xs, (h0.contiguous(), c0.contiguous()))
        else:
            y, (h, c) = self.lstm(xs)
        return torch.cat([y.transpose(0, 1), (h[-1] + c[-1]).unsqueeze(1)], dim=1)


class LstmStack(nn.Module):
    """nn.LSTM of two bidirectional layers, batch_first."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(FEATURES, 5, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):          # [batch, seq, 8]
        return self.lstm(x)[0]


class Gru(nn.Module):
    """nn.GRU (linear_before_reset=1 in the export), batch_first, and its
    last state."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(FEATURES, 6, batch_first=True)

    def forward(self, x):          # [batch, seq, 8]
        y, h = self.gru(x)
        return torch.cat([y, h.transpose(0, 1)], dim=1)


class SimpleRnn(nn.Module):
    """nn.RNN with tanh, and a second, bidirectional one with relu."""

    def __init__(self):
        super().__init__()
        self.tanh = nn.RNN(FEATURES, 6, batch_first=True)
        self.relu = nn.RNN(6, 4, nonlinearity="relu", bidirectional=True, batch_first=True)

    def forward(self, x):          # [batch, seq, 8]
        return self.relu(self.tanh(x)[0])[0]


class EmbeddingLstmLinear(nn.Module):
    """Token ids -> nn.Embedding -> nn.LSTM -> nn.Linear: a tagger."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, FEATURES)
        self.lstm = nn.LSTM(FEATURES, 12, batch_first=True)
        self.head = nn.Linear(12, 5)

    def forward(self, ids):        # [batch, seq] int64
        return self.head(self.lstm(self.embed(ids))[0])


class ScriptedIf(nn.Module):
    """A data-dependent `if` (torch.jit.script): If, whose branches read
    the outer graph's weights."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(FEATURES, 6)
        self.b = nn.Linear(FEATURES, 6)

    def forward(self, x):
        if bool(x.sum() > 0):
            y = torch.relu(self.a(x))
        else:
            y = self.b(x) * 2.0
        return y


class ScriptedLoop(nn.Module):
    """A `for` over the dynamic sequence (torch.jit.script): Loop carrying
    a state through a Linear and tanh."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(FEATURES, FEATURES)

    def forward(self, x):
        h = torch.zeros(x.size(0), x.size(2))
        for i in range(x.size(1)):
            h = torch.tanh(self.fc(x[:, i]) + h)
        return h


class ScriptedIfLstm(nn.Module):
    """An `if` on the sequence length choosing one of two nn.LSTMs (as a
    streaming voice-activity detector does): If branches holding LSTMs."""

    def __init__(self):
        super().__init__()
        self.long = nn.LSTM(FEATURES, 6, batch_first=True)
        self.short = nn.LSTM(FEATURES, 6, batch_first=True)

    def forward(self, x):
        if x.size(1) > 5:
            y = self.long(x)[0]
        else:
            y = self.short(x)[0] + 1.0
        return y


class ScriptedListLoop(nn.Module):
    """A list appended to in a `for` over the sequence, then stacked
    (torch.jit.script): SequenceEmpty, a Loop carrying a sequence
    (SequenceInsert), ConcatFromSequence."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(FEATURES, 6)

    def forward(self, x):
        outs = []
        for i in range(x.size(1)):
            outs.append(torch.relu(self.fc(x[:, i])))
        return torch.stack(outs, 1)


class ScriptedChunks(nn.Module):
    """torch.split into chunks of 2 over the dynamic sequence, each scaled
    by its index, joined again (torch.jit.script): SplitToSequence,
    SequenceLength, SequenceAt in a Loop, ConcatFromSequence."""

    def forward(self, x):
        parts = torch.split(x, 2, dim=1)
        ys = [p * float(k + 1) for k, p in enumerate(parts)]
        return torch.cat(ys, dim=1)


def scripted(cls):
    return lambda: torch.jit.script(cls().eval())


def signed_input(batch, seq, gen):
    """Mostly positive in the first data set, mostly negative in the
    second: each takes the other side of a data-dependent branch."""
    x = torch.randn(batch, seq, FEATURES, generator=gen) + 0.5
    return x if batch == SIZES[0][0] else -x


def float_input(batch, seq, gen, shape=None):
    return torch.randn(batch, *(shape or (seq, FEATURES)), generator=gen)


# name: (module builder, input maker, dynamic axes[, opsets if not all])
MODELS = {
    "view_flatten": (ViewFlatten, lambda b, s, g: float_input(b, s, g, (4, 6)),
                     {0: "batch"}),
    "attention": (Attention, lambda b, s, g: float_input(b, s, g, (s, 16)),
                  {0: "batch", 1: "seq"}),
    "embedding_linear": (EmbeddingLinear,
                         lambda b, s, g: torch.randint(0, 50, (b, s), generator=g),
                         {0: "batch", 1: "seq"}),
    "masks": (Masks, float_input, {0: "batch", 1: "seq"}),
    "cat_split_stack": (CatSplitStack, float_input, {0: "batch", 1: "seq"}),
    "permute_reshape": (PermuteReshape, float_input, {0: "batch", 1: "seq"}),
    "slices_flip": (SlicesFlip, float_input, {0: "batch", 1: "seq"}),
    "pads": (Pads, float_input, {0: "batch", 1: "seq"}),
    "expand_repeat": (ExpandRepeat, float_input, {0: "batch", 1: "seq"}),
    "arange_positions": (ArangePositions, float_input, {0: "batch", 1: "seq"}),
    "torch_gather": (TorchGather, float_input, {0: "batch", 1: "seq"}),
    "integer_math": (IntegerMath, float_input, {0: "batch", 1: "seq"}),
    "transformer_block": (TransformerBlock,
                          lambda b, s, g: float_input(b, s, g, (s, 16)),
                          {0: "batch", 1: "seq"}),
    "statistics": (Statistics, float_input, {0: "batch", 1: "seq"}),
    "math_chain": (MathChain, float_input, {0: "batch", 1: "seq"}),
    "reductions": (Reductions, float_input, {0: "batch", 1: "seq"}),
    # Einsum and SoftmaxCrossEntropyLoss arrive in opset 12.
    "heads_losses": (HeadsLosses, float_input, {0: "batch", 1: "seq"},
                     [13, 14, 17]),
    "lstm": (Lstm, float_input, {0: "batch", 1: "seq"}),
    "lstm_initial_state": (lambda: Lstm(initial=True), float_input, {0: "batch", 1: "seq"}),
    "lstm_two_layers_bidirectional": (LstmStack, float_input, {0: "batch", 1: "seq"}),
    "gru": (Gru, float_input, {0: "batch", 1: "seq"}),
    "rnn_tanh_relu": (SimpleRnn, float_input, {0: "batch", 1: "seq"}),
    "embedding_lstm_linear": (EmbeddingLstmLinear,
                              lambda b, s, g: torch.randint(0, 50, (b, s), generator=g),
                              {0: "batch", 1: "seq"}),
    "scripted_if": (scripted(ScriptedIf), signed_input, {0: "batch", 1: "seq"}),
    "scripted_loop": (scripted(ScriptedLoop), float_input, {0: "batch", 1: "seq"}),
    "scripted_if_lstm": (scripted(ScriptedIfLstm), float_input, {0: "batch", 1: "seq"}),
    "scripted_list_loop": (scripted(ScriptedListLoop), float_input, {0: "batch", 1: "seq"}),
    # At opset 11 torch exports the list as a Loop's scan output, which
    # cannot stack pieces of unequal size (onnxruntime refuses it too).
    "scripted_chunks": (scripted(ScriptedChunks), float_input, {0: "batch", 1: "seq"},
                        (13, 14, 17)),
}


def write_tensor(path, tensor, name):
    proto = onnx.numpy_helper.from_array(np.ascontiguousarray(tensor.detach().numpy()),
                                         name=name)
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def supported_ops(runner):
    """The operators onnxc-run lists (its Markdown table's first column)."""
    out = subprocess.run([runner, "--operators"], check=True, capture_output=True,
                         text=True).stdout
    ops = set()
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] and cells[0][0].isalpha() and cells[0] != "operator":
            ops.add(cells[0].strip("`"))
    return ops


def export(outdir, name, opset, supported):
    build, make_input, axes = MODELS[name][:3]
    torch.manual_seed(0)
    model = build().eval()
    gen = torch.Generator().manual_seed(1)
    inputs = [make_input(b, s, gen) for b, s in SIZES]
    model_dir = os.path.join(outdir, "%s_opset%d" % (name, opset))
    shutil.rmtree(model_dir, ignore_errors=True)
    os.makedirs(model_dir)
    path = os.path.join(model_dir, "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (inputs[0],), path, input_names=["input"],
                          output_names=["output"], opset_version=opset,
                          dynamic_axes={"input": axes, "output": {0: "batch"}})
    return finish_export(model_dir, name, opset, model, inputs, supported)


def finish_export(model_dir, name, opset, model, inputs, supported):
    """Checks the exported model_dir/model.onnx (the ONNX checker; only
    operators onnxc runs, when `supported` is given) and writes torch's
    outputs on each input as test_data_set_K. Returns the operators."""
    proto = onnx.load(os.path.join(model_dir, "model.onnx"))
    onnx.checker.check_model(proto)
    ops = sorted({n.op_type for n in proto.graph.node})
    missing = sorted(set(ops) - supported) if supported else []
    if missing:
        raise RuntimeError("%s_opset%d exports %s, which onnxc does not run"
                           % (name, opset, ", ".join(missing)))
    for k, x in enumerate(inputs):
        data_dir = os.path.join(model_dir, "test_data_set_%d" % k)
        os.makedirs(data_dir)
        with torch.no_grad():
            y = model(x)
        write_tensor(os.path.join(data_dir, "input_0.pb"), x, "input")
        write_tensor(os.path.join(data_dir, "output_0.pb"), y, "output")
    return ops


def run_exporter(tool, doc, models, opsets, export_one):
    """The command line both exporters share: OUTDIR [--runner]
    [--models] [--opsets]; export_one(outdir, name, opset, supported)
    returns the operators, or None for a combination it leaves out."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--runner", help="onnxc-run, to check the exported operators")
    ap.add_argument("--models", default=",".join(models))
    ap.add_argument("--opsets", default=",".join(map(str, opsets)))
    args = ap.parse_args()
    names = [n for n in args.models.split(",") if n]
    unknown = [n for n in names if n not in models]
    if unknown:
        sys.exit("%s: unknown model %s; known: %s"
                 % (tool, ", ".join(unknown), ", ".join(models)))
    supported = supported_ops(args.runner) if args.runner else None
    os.makedirs(args.outdir, exist_ok=True)
    count = 0
    try:
        for name in names:
            for opset in [int(v) for v in args.opsets.split(",")]:
                ops = export_one(args.outdir, name, opset, supported)
                if ops is None:
                    continue
                print("%-28s %s" % ("%s_opset%d" % (name, opset), " ".join(ops)))
                count += 1
    except Exception as e:
        print("%s: error: %s: %s" % (tool, type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
    print("exported %d model/opset combinations" % count)


def export_listed(outdir, name, opset, supported):
    if len(MODELS[name]) > 3 and opset not in MODELS[name][3]:
        return None
    return export(outdir, name, opset, supported)


if __name__ == "__main__":
    run_exporter("export_graphs", __doc__, MODELS, OPSETS, export_listed)
