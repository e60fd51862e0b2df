#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export the benchmark models and time them in PyTorch eager.

usage: /usr/bin/python3 bench/export_models.py export OUTDIR
       /usr/bin/python3 bench/export_models.py time OUTDIR THREADS MIN_SECS

export writes into OUTDIR (a build directory, never the source tree):
  mlp.onnx      784-512-512-10 with ReLUs, dynamic batch, opset 14
  encoder.onnx  nn.TransformerEncoderLayer(d_model=256, nhead=4,
                dim_feedforward=1024, batch_first=True), dynamic batch and
                seq, opset 17 (LayerNormalization as one op)
  resnet18.onnx torchvision's ResNet-18 (random weights, seeded BatchNorm
                statistics), dynamic batch, opset 14
  MODEL.in.npy, MODEL.out.npy  the benchmark input (batch 64; batch 8 x seq
                128; 2 x 3 x 224 x 224) and PyTorch's output for it

time rebuilds the same modules (same seeds; their output must match
MODEL.out.npy) and appends one line per model to OUTDIR/torch.txt:
"MODEL MEDIAN_US P99_US REPS". PyTorch runs eager under torch.no_grad()
(the encoder's fused fast path) with torch.set_num_threads(THREADS); the
median is over at least 10 runs and MIN_SECS seconds after up to 20 warm-ups
(fewer when they take more than a second).

Debian's python3-torch is only visible to /usr/bin/python3.
"""
import os
import sys
import time

import numpy as np
import onnx
import torch
import torchvision
from torch import nn


def build_models():
    """The modules and their example inputs, identical on every call."""
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(7)
    mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                        nn.Linear(512, 10))
    enc = nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=1024,
                                     dropout=0.0, batch_first=True)
    resnet = torchvision.models.resnet18(weights=None)
    # Fresh BatchNorm layers hold mean 0, var 1: give them statistics.
    for m in resnet.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
    return [
        ("mlp", mlp.eval(), torch.randn(64, 784, generator=gen),
         {"x": {0: "batch"}, "y": {0: "batch"}}, 14),
        ("encoder", enc.eval(), torch.randn(8, 128, 256, generator=gen),
         {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}, 17),
        ("resnet18", resnet.eval(), torch.randn(2, 3, 224, 224, generator=gen),
         {"x": {0: "batch"}, "y": {0: "batch"}}, 14),
    ]


def export(outdir):
    os.makedirs(outdir, exist_ok=True)
    for name, model, x, axes, opset in build_models():
        path = os.path.join(outdir, name + ".onnx")
        # Exported with autograd on: under no_grad the encoder layer takes
        # its fused fast path (aten::_transformer_encoder_layer_fwd), which
        # has no ONNX export. Timed under no_grad, fast path and all, as
        # users run it.
        torch.onnx.export(model, (x,), path, input_names=["x"], output_names=["y"],
                          dynamic_axes=axes, opset_version=opset, do_constant_folding=True)
        onnx.checker.check_model(onnx.load(path))
        with torch.no_grad():
            y = model(x)
        np.save(os.path.join(outdir, name + ".in.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(outdir, name + ".out.npy"), y.numpy().astype(np.float32))
        print(f"exported {path} ({os.path.getsize(path)} bytes, opset {opset})")


def median_us(fn, min_secs):
    start = time.perf_counter()
    for i in range(20):
        fn()
        if i >= 2 and time.perf_counter() - start > 1.0:
            break
    times = []
    start = time.perf_counter()
    while (len(times) < 10 or time.perf_counter() - start < min_secs) and len(times) < 20000:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    return times[len(times) // 2] * 1e6, p99 * 1e6, len(times)


def time_models(outdir, threads, min_secs):
    torch.set_num_threads(threads)
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads, eager, no_grad")
    with open(os.path.join(outdir, "torch.txt"), "a") as out:
        for name, model, _, _, _ in build_models():
            x = torch.from_numpy(np.load(os.path.join(outdir, name + ".in.npy")))
            want = np.load(os.path.join(outdir, name + ".out.npy"))
            with torch.no_grad():
                got = model(x).numpy()
                if not np.allclose(got, want, rtol=1e-5, atol=1e-6):
                    sys.exit(f"{name}: the rebuilt module differs from the exported one")
                med, p99, reps = median_us(lambda: model(x), min_secs)
            out.write(f"{name} {med:.2f} {p99:.2f} {reps}\n")
            print(f"pytorch {name}: median {med:.1f} us, p99 {p99:.1f} us over {reps} runs")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "export":
        export(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "time":
        time_models(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
