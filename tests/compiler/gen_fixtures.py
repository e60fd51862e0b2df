#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Regenerate the compiler test fixtures with Debian's PyTorch and onnx.

    /usr/bin/python3 tests/compiler/gen_fixtures.py [OUTDIR]

Writes, for each model, MODEL.onnx plus MODEL.in.B.npy / MODEL.out.B.npy
(one input, one output, both float32) at two batch sizes B. A model with
more inputs (the masked encoders) has its input k >= 1 in MODEL.inK.B.npy,
a bool mask as numpy bool ('|b1'); bert_mask's token ids and attention mask
are int64 ('<i8'). Weights come from
a fixed seed, so a rerun rewrites identical models. The outputs are PyTorch's
own (eager, float32), the reference the compiler tests compare against.

Sizes are kept small so the committed fixtures stay a few hundred KiB:
the MLP is 784-128-128-10 (784-512-512-10 alone would be 2.7 MB of weights).
"""
import math
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

BATCHES = (2, 5)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(),
                                 nn.Linear(128, 128), nn.ReLU(),
                                 nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


class Cnn(nn.Module):
    """conv + batchnorm + relu, a residual block, max and average pooling."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.c1 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        # After the residual add, so the exporter cannot fold it into a Conv
        # and the model keeps a BatchNormalization node.
        self.bn3 = nn.BatchNorm2d(8)
        self.down = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.avg = nn.AvgPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn0(self.stem(x))))
        y = torch.relu(self.bn1(self.c1(x)))
        y = self.bn2(self.c2(y))
        x = torch.relu(self.bn3(x + y))
        x = self.avg(torch.relu(self.down(x)))
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(torch.relu(self.b1(self.c1(x)))))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    """torchvision's ResNet-18 layout, shrunk: 7x7/2 stem, 3x3/2 max pool,
    basic blocks with a strided 1x1 downsample, global pool, fc."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 7, 2, 3, bias=False), nn.BatchNorm2d(8),
                                  nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.layer1 = BasicBlock(8, 8, 1)
        self.layer2 = BasicBlock(8, 16, 2)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


class Cnn1d(nn.Module):
    """A 1-D CNN on [batch, 4, length] (an audio front end / TCN block):
    Conv1d with padding and stride 2, a depthwise Conv1d with dilation 2, a
    grouped pointwise one, BatchNorm1d, ReLU and GELU, max and average
    pooling, a residual add, AdaptiveAvgPool1d(1) (GlobalAveragePool) and a
    Linear head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv1d(4, 16, 5, stride=2, padding=2)
        self.bn0 = nn.BatchNorm1d(16)
        self.pool = nn.MaxPool1d(3, stride=2, padding=1)
        self.dw = nn.Conv1d(16, 16, 3, padding=2, dilation=2, groups=16, bias=False)
        self.bn1 = nn.BatchNorm1d(16)
        self.pw = nn.Conv1d(16, 16, 1, groups=4, bias=False)
        self.bn2 = nn.BatchNorm1d(16)
        self.avg = nn.AvgPool1d(3, stride=2, padding=1)
        self.head = nn.Conv1d(16, 24, 3, padding=1)
        self.gap = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(24, 5)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn0(self.stem(x))))
        y = nn.functional.gelu(self.bn1(self.dw(x)))
        x = torch.relu(x + self.bn2(self.pw(y)))
        x = nn.functional.gelu(self.head(self.avg(x)))
        return self.fc(torch.flatten(self.gap(x), 1))


class EncoderStack(nn.Module):
    """The other common configuration: batch first, pre-norm, two layers."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                           dropout=0.0, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=2)

    def forward(self, x):
        return self.enc(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                                dropout=0.0, activation="gelu")

    def forward(self, x):
        return self.layer(x)


class Ops(nn.Module):
    """The ops the three models above do not reach, on dynamic shapes:
    Split, Squeeze/Unsqueeze, Expand, Where/Equal, Range, ConstantOfShape,
    Cast, Sigmoid, Tanh, Softmax on a middle axis, Sub, Pow and Div."""

    def forward(self, x):                       # x: (batch, 6)
        a, b = torch.split(x, 3, dim=1)          # Split
        g = torch.sigmoid(a) * torch.tanh(b)     # Sigmoid, Tanh, Mul
        pos = torch.arange(x.shape[0]).float()   # Shape, Range, Cast
        g = g + pos.unsqueeze(1) / 8             # Unsqueeze, Div, Add
        z = torch.zeros(x.shape[0], 3)           # ConstantOfShape
        m = torch.where(torch.relu(x[:, :3]) == 0, z, g)  # Slice, Equal, Where
        e = m.unsqueeze(1).expand(-1, 2, -1)     # Expand
        s = torch.softmax(e * 3, dim=1)          # Softmax on a middle axis
        return (s - 0.25).pow(2)[:, :1].squeeze(1) + m  # Sub, Pow, Squeeze


class EncoderPadMask(nn.Module):
    """nn.TransformerEncoder used with a key-padding mask: bool [batch, seq],
    True where a position is padding (batch first, two post-norm layers)."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                           dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=2)

    def forward(self, x, mask):
        return self.enc(x, src_key_padding_mask=mask)


class EncoderAttnMask(nn.Module):
    """One encoder layer (seq first) with an attention mask [seq, seq] and a
    key-padding mask [batch, seq]: the float form adds the mask (causal:
    -inf above the diagonal), the bool form ORs the two masks first."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                                dropout=0.0)

    def forward(self, x, attn_mask, mask):
        return self.layer(x, src_mask=attn_mask, src_key_padding_mask=mask)


class EncoderCausal(nn.Module):
    """A causal encoder layer that makes its mask itself: the exporter
    writes generate_square_subsequent_mask() as ConstantOfShape(-inf) and a
    Trilu over the run-time sequence length."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                                dropout=0.0, batch_first=True)

    def forward(self, x):
        mask = nn.Transformer.generate_square_subsequent_mask(x.shape[1])
        return self.layer(x, src_mask=mask)


class BertSelfAttention(nn.Module):
    """Hugging Face BertSelfAttention + BertSelfOutput, written out: the
    extended attention mask is added to the scaled scores."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.dh).permute(0, 2, 1, 3)

    def forward(self, x, ext):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh) + ext
        ctx = torch.matmul(scores.softmax(-1), v).permute(0, 2, 1, 3).reshape(x.shape)
        return self.ln(x + self.o(ctx))


class BertLayer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.attn = BertSelfAttention(d, heads)
        self.up = nn.Linear(d, ff)
        self.down = nn.Linear(ff, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, ext):
        x = self.attn(x, ext)
        return self.ln(x + self.down(nn.functional.gelu(self.up(x))))


class BertMask(nn.Module):
    """A tiny BERT encoder as Hugging Face writes it (d_model 32, 4 heads,
    two layers): int64 input_ids [batch, seq] through word, position and
    token-type embeddings, and an int64 attention_mask [batch, seq] (1 keep,
    0 padding) cast to float at run time into the extended mask
    (1 - mask) * -10000 added to every layer's scores."""

    def __init__(self, vocab=30, d=32, heads=4, ff=64, layers=2, max_pos=12):
        super().__init__()
        self.word = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(max_pos, d)
        self.tok_type = nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(d, heads, ff) for _ in range(layers))

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.shape[1], dtype=torch.long).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.pos(pos) + self.tok_type.weight[0])
        ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
        for layer in self.layers:
            x = layer(x, ext)
        return x


def bert_inputs(b, gen):
    """Token ids and an int64 attention mask that is pad_mask()'s inverse."""
    s = 3 + b
    ids = torch.randint(0, 30, (b, s), generator=gen)
    return ids, (~pad_mask(b, s)).to(torch.long)


def pad_mask(b, s):
    """Sequence i pads its last i % 3 positions: never a whole row, so no
    softmax sees only -inf (PyTorch gives NaN there)."""
    m = torch.zeros(b, s, dtype=torch.bool)
    for i in range(b):
        if i % 3:
            m[i, s - i % 3:] = True
    return m


def causal_mask(s, dtype):
    """nn.Transformer.generate_square_subsequent_mask, float or bool."""
    if dtype == torch.bool:
        return torch.triu(torch.ones(s, s, dtype=torch.bool), diagonal=1)
    return torch.triu(torch.full((s, s), float("-inf")), diagonal=1)


def export_multi(outdir, name, model, inputs_of, input_names, dynamic_axes, opset):
    """export() for several inputs: inputs_of(b, gen) gives the tensors.
    The references are computed with autograd on, which keeps PyTorch off
    its inference fast path: with a padding mask that path turns the input
    into a nested tensor and returns zeros at padded positions, while the
    exported graph computes them like every other position."""
    model.eval()
    gen = torch.Generator().manual_seed(7)
    path = os.path.join(outdir, name + ".onnx")
    torch.onnx.export(model, inputs_of(BATCHES[0], gen), path, input_names=input_names,
                      output_names=["y"], dynamic_axes=dynamic_axes, opset_version=opset,
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    for b in BATCHES:
        xs = inputs_of(b, gen)
        y = model(*xs).detach()
        assert not torch.isnan(y).any()
        for k, x in enumerate(xs):
            suffix = "in" if k == 0 else f"in{k}"
            np.save(os.path.join(outdir, f"{name}.{suffix}.{b}.npy"), x.numpy())
        np.save(os.path.join(outdir, f"{name}.out.{b}.npy"), y.numpy().astype(np.float32))
    print(f"{path}: {os.path.getsize(path)} bytes, opset {opset}")


def export_bool_io(outdir):
    """A bool input and a bool output, written with onnx.helper (PyTorch
    does not export a bool graph output from a float model without extra
    ops): y = Cast(x, BOOL) and not m, z = x + Cast(y, FLOAT). Outputs k >= 1
    in MODEL.outK.B.npy, computed with numpy."""
    from onnx import TensorProto, helper
    name = "bool_io"
    nodes = [helper.make_node("Cast", ["x"], ["b"], to=TensorProto.BOOL),
             helper.make_node("Not", ["m"], ["nm"]),
             helper.make_node("And", ["b", "nm"], ["y"]),
             helper.make_node("Cast", ["y"], ["yf"], to=TensorProto.FLOAT),
             helper.make_node("Add", ["x", "yf"], ["z"])]
    io = [helper.make_tensor_value_info(n, t, ["batch", 3]) for n, t in
          (("x", TensorProto.FLOAT), ("m", TensorProto.BOOL), ("y", TensorProto.BOOL),
           ("z", TensorProto.FLOAT))]
    model = helper.make_model(helper.make_graph(nodes, name, io[:2], io[2:]),
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(outdir, name + ".onnx")
    onnx.save(model, path)
    rng = np.random.default_rng(3)
    for b in BATCHES:
        x = rng.integers(-2, 3, size=(b, 3)).astype(np.float32) / 2
        m = rng.integers(0, 2, size=(b, 3)).astype(bool)
        y = (x != 0) & ~m
        np.save(os.path.join(outdir, f"{name}.in.{b}.npy"), x)
        np.save(os.path.join(outdir, f"{name}.in1.{b}.npy"), m)
        np.save(os.path.join(outdir, f"{name}.out.{b}.npy"), y)
        np.save(os.path.join(outdir, f"{name}.out1.{b}.npy"), x + y.astype(np.float32))
    print(f"{path}: {os.path.getsize(path)} bytes, opset 14")


def randomize_bn(model, gen):
    # Fresh BatchNorm layers hold mean 0, var 1: make folding them matter.
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


def export(outdir, name, model, shape_of, dynamic_axes, opset, **kwargs):
    model.eval()
    gen = torch.Generator().manual_seed(7)
    example = torch.randn(*shape_of(BATCHES[0]), generator=gen)
    path = os.path.join(outdir, name + ".onnx")
    torch.onnx.export(model, (example,), path, input_names=["x"], output_names=["y"],
                      dynamic_axes=dynamic_axes, opset_version=opset,
                      do_constant_folding=True, **kwargs)
    onnx.checker.check_model(onnx.load(path))
    for b in BATCHES:
        x = torch.randn(*shape_of(b), generator=gen)
        with torch.no_grad():
            y = model(x)
        np.save(os.path.join(outdir, f"{name}.in.{b}.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(outdir, f"{name}.out.{b}.npy"), y.numpy().astype(np.float32))
    print(f"{path}: {os.path.getsize(path)} bytes, opset {opset}")


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "fixtures")
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)

    export(outdir, "mlp", Mlp(), lambda b: (b, 784), {"x": {0: "batch"}, "y": {0: "batch"}}, 14)

    cnn = Cnn()
    randomize_bn(cnn, gen)
    export(outdir, "cnn", cnn, lambda b: (b, 3, 16, 16),
           {"x": {0: "batch"}, "y": {0: "batch"}}, 14)

    export(outdir, "ops", Ops(), lambda b: (b, 6), {"x": {0: "batch"}, "y": {0: "batch"}}, 14)

    # (seq, batch, d_model), the layer's default layout; seq varies with batch.
    enc = Encoder()
    axes = {"x": {0: "seq", 1: "batch"}, "y": {0: "seq", 1: "batch"}}
    # opset 14 decomposes LayerNorm into ReduceMean/Sub/Pow/Sqrt/Div;
    # opset 17 emits LayerNormalization.
    export(outdir, "encoder14", enc, lambda b: (3 + b, b, 32), axes, 14)
    export(outdir, "encoder17", enc, lambda b: (3 + b, b, 32), axes, 17)

    # Added later than the above, so they come last: the global RNG then
    # leaves the earlier models' weights as they were.
    resnet = ResNet()
    randomize_bn(resnet, gen)
    export(outdir, "resnet", resnet, lambda b: (b, 3, 32, 32),
           {"x": {0: "batch"}, "y": {0: "batch"}}, 14)

    export(outdir, "encoder_stack", EncoderStack(), lambda b: (b, 3 + b, 32),
           {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}, 14)

    # Bool graph inputs: key-padding and attention masks. Both dims of the
    # [seq, seq] attention mask are "seq".
    export_multi(outdir, "encoder_mask", EncoderPadMask(),
                 lambda b, g: (torch.randn(b, 3 + b, 32, generator=g), pad_mask(b, 3 + b)),
                 ["x", "mask"], {"x": {0: "batch", 1: "seq"}, "mask": {0: "batch", 1: "seq"},
                                 "y": {0: "batch", 1: "seq"}}, 14)
    attn = EncoderAttnMask()
    axes = {"x": {0: "seq", 1: "batch"}, "attn_mask": {0: "seq", 1: "seq"},
            "mask": {0: "batch", 1: "seq"}, "y": {0: "seq", 1: "batch"}}
    for name, dt in (("encoder_attn_mask", torch.float32), ("encoder_causal_bool", torch.bool)):
        export_multi(outdir, name, attn,
                     lambda b, g, dt=dt: (torch.randn(3 + b, b, 32, generator=g),
                                          causal_mask(3 + b, dt), pad_mask(b, 3 + b)),
                     ["x", "attn_mask", "mask"], axes, 17)
    export_bool_io(outdir)
    export(outdir, "encoder_causal", EncoderCausal(), lambda b: (b, 3 + b, 32),
           {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}, 14)

    # Length varies with the batch (50 and 77): both axes dynamic.
    # TrainingMode.PRESERVE keeps the BatchNormalization nodes (inference
    # mode) that the exporter would fold, so the compiler's folding runs.
    cnn1d = Cnn1d()
    randomize_bn(cnn1d, gen)
    export(outdir, "cnn1d", cnn1d, lambda b: (b, 4, 32 + 9 * b),
           {"x": {0: "batch", 2: "length"}, "y": {0: "batch"}}, 14,
           training=torch.onnx.TrainingMode.PRESERVE)

    # int64 graph inputs: token ids and an attention mask cast to float at
    # run time (a converting COPY, ISA 1.1).
    export_multi(outdir, "bert_mask", BertMask(), bert_inputs,
                 ["input_ids", "attention_mask"],
                 {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                  "y": {0: "batch", 1: "seq"}}, 14)


if __name__ == "__main__":
    main()
