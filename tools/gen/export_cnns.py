#!/usr/bin/python3
"""Export convolutional networks with Debian's torch and torchvision: four
torchvision models (resnet18, mobilenet_v2, squeezenet1_1,
shufflenet_v2_x1_0) and small nets of our own that reach the corners the
big ones miss (LeNet-5, a tiny UNet, a dilated grouped Conv1d audio net, a
Conv3d, depthwise-separable blocks with BatchNorm and ReLU6, pools with
ceil_mode and padding), at opsets 13 and 17, dynamic batch, with torch's
outputs as test data:

    OUTDIR/<model>_opset<N>/model.onnx
    OUTDIR/<model>_opset<N>/test_data_set_0/  batch 1
    OUTDIR/<model>_opset<N>/test_data_set_1/  batch 2

Weights are random (seed 0), nothing is downloaded. BatchNorm layers get
random affine parameters and running statistics measured on random
batches, so folding them is not the identity.

Every export must use only operators onnxc runs (`onnxc-run --operators`,
with --runner); one that does not is an error, not a skip.

Usage: /usr/bin/python3 tools/gen/export_cnns.py OUTDIR [--runner ONNXC_RUN]
                                   [--models NAME,...] [--opsets 13,17]
"""
import os
import shutil
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from export_graphs import finish_export, run_exporter

OPSETS = [13, 17]
KEEP_BATCH_NORM = {17}   # opsets exported with BatchNormalization nodes
BATCHES = [1, 2]   # of the two data sets


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.f5 = nn.Linear(16 * 5 * 5, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):          # [batch, 1, 32, 32]
        x = F.max_pool2d(torch.relu(self.c1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.c3(x)), 2)
        x = torch.flatten(x, 1)
        return self.out(torch.relu(self.f6(torch.relu(self.f5(x)))))


def conv_bn_relu(cin, cout, k=3, stride=1, groups=1, relu6=False):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout), nn.ReLU6() if relu6 else nn.ReLU())


class TinyUNet(nn.Module):
    """Two levels: MaxPool down, ConvTranspose up, skip by concatenation,
    a bilinear Upsample at the end."""

    def __init__(self):
        super().__init__()
        self.enc = conv_bn_relu(3, 8)
        self.mid = conv_bn_relu(8, 16)
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec = conv_bn_relu(16, 8)
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x):          # [batch, 3, 32, 32]
        e = self.enc(x)
        m = self.mid(F.max_pool2d(e, 2))
        d = self.dec(torch.cat([self.up(m), e], dim=1))
        y = self.head(d)
        return F.interpolate(y, scale_factor=2.0, mode="bilinear",
                             align_corners=False) + \
            F.interpolate(y, scale_factor=2.0, mode="nearest")


class AudioConv1d(nn.Module):
    """A strided front end, dilated grouped Conv1d layers, a global pool."""

    def __init__(self):
        super().__init__()
        self.front = nn.Conv1d(1, 16, 9, stride=2, padding=4)
        self.d2 = nn.Conv1d(16, 16, 3, dilation=2, padding=2, groups=4)
        self.d4 = nn.Conv1d(16, 32, 3, dilation=4, groups=2)
        self.pool = nn.MaxPool1d(3, stride=2)
        self.out = nn.Linear(32, 6)

    def forward(self, x):          # [batch, 1, 400]
        x = torch.relu(self.front(x))
        x = torch.relu(self.d2(x))
        x = self.pool(torch.relu(self.d4(x)))
        return self.out(x.mean(dim=2))


class Volume3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv3d(2, 4, 3, padding=1)
        self.c2 = nn.Conv3d(4, 6, (1, 3, 3), stride=(1, 2, 2))

    def forward(self, x):          # [batch, 2, 8, 16, 16]
        x = F.max_pool3d(torch.relu(self.c1(x)), 2)
        return torch.flatten(torch.relu(self.c2(x)), 1)


class DepthwiseSeparable(nn.Module):
    """MobileNet-v1 style: each block a depthwise 3x3 and a pointwise 1x1,
    each followed by BatchNorm and ReLU6."""

    def __init__(self):
        super().__init__()
        layers = [conv_bn_relu(3, 16, stride=2, relu6=True)]
        for cin, cout, stride in [(16, 24, 1), (24, 32, 2), (32, 32, 1)]:
            layers += [conv_bn_relu(cin, cin, stride=stride, groups=cin, relu6=True),
                       conv_bn_relu(cin, cout, k=1, relu6=True)]
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):          # [batch, 3, 64, 64]
        x = F.adaptive_avg_pool2d(self.body(x), 1)
        return self.fc(torch.flatten(x, 1))


class CeilPools(nn.Module):
    """Windows that hang over the edge: ceil_mode with padding, averages
    with and without the padding counted."""

    def forward(self, x):          # [batch, 4, 17, 17]
        a = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                         count_include_pad=True)
        b = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                         count_include_pad=False)
        c = F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        d = F.avg_pool2d(x, 2, stride=3, ceil_mode=True)
        return torch.cat([(a + 2 * b - c).flatten(1), d.flatten(1)], dim=1)


def vision(name):
    return lambda: getattr(torchvision.models, name)(weights=None)


# name: (module builder, input shape without the batch)
MODELS = {
    "resnet18": (vision("resnet18"), (3, 224, 224)),
    "mobilenet_v2": (vision("mobilenet_v2"), (3, 224, 224)),
    "squeezenet1_1": (vision("squeezenet1_1"), (3, 224, 224)),
    "shufflenet_v2_x1_0": (vision("shufflenet_v2_x1_0"), (3, 224, 224)),
    "lenet5": (LeNet5, (1, 32, 32)),
    "tiny_unet": (TinyUNet, (3, 32, 32)),
    "audio_conv1d": (AudioConv1d, (1, 400)),
    "volume_conv3d": (Volume3d, (2, 8, 16, 16)),
    "depthwise_separable": (DepthwiseSeparable, (3, 64, 64)),
    "ceil_pools": (CeilPools, (4, 17, 17)),
}


def set_batch_norm_statistics(model, shape, gen):
    """Random affine parameters, then running statistics measured over
    random batches (momentum None: a plain average), as training would
    leave them: away from mean 0 / variance 1."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    with torch.no_grad():
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5, generator=gen)
            bn.bias.uniform_(-0.3, 0.3, generator=gen)
            bn.reset_running_stats()
            bn.momentum = None
        model.train()
        for _ in range(2):
            model(torch.randn(4, *shape, generator=gen))
    model.eval()


def export(outdir, name, opset, supported):
    build, shape = MODELS[name]
    torch.manual_seed(0)
    model = build().eval()
    gen = torch.Generator().manual_seed(1)
    set_batch_norm_statistics(model, shape, gen)
    inputs = [torch.randn(b, *shape, generator=gen) for b in BATCHES]
    model_dir = os.path.join(outdir, "%s_opset%d" % (name, opset))
    shutil.rmtree(model_dir, ignore_errors=True)
    os.makedirs(model_dir)
    path = os.path.join(model_dir, "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (inputs[0],), path, input_names=["input"],
                          output_names=["output"], opset_version=opset,
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                          training=torch.onnx.TrainingMode.PRESERVE
                          if opset in KEEP_BATCH_NORM else torch.onnx.TrainingMode.EVAL)
    return finish_export(model_dir, name, opset, model, inputs, supported)


if __name__ == "__main__":
    run_exporter("export_cnns", __doc__, MODELS, OPSETS, export)
