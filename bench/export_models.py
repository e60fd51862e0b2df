#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export the benchmark models, time them in PyTorch eager, write references.

usage: /usr/bin/python3 bench/export_models.py OUTDIR THREADS MIN_SECS

Writes into OUTDIR (a build directory, never the source tree):
  mlp.onnx      784-512-512-10 with ReLUs, dynamic batch, opset 14
  encoder.onnx  nn.TransformerEncoderLayer(d_model=256, nhead=4,
                dim_feedforward=1024, batch_first=True), dynamic batch and
                seq, opset 17 (LayerNormalization as one op)
  MODEL.in.npy, MODEL.out.npy  the benchmark input (batch 64; batch 8 x seq
                128) and PyTorch's output for it
  torch.txt     one line per model: "MODEL MEDIAN_US P99_US REPS"

PyTorch runs eager under torch.no_grad() (the encoder's fused fast path) with torch.set_num_threads(THREADS);
the median is over at least 50 runs and MIN_SECS seconds after 20 warm-ups.
Debian's python3-torch is only visible to /usr/bin/python3.
"""
import os
import sys
import time

import numpy as np
import onnx
import torch
from torch import nn


def median_us(fn, min_secs):
    for _ in range(20):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < 50 or time.perf_counter() - start < min_secs:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 20000:
            break
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    return times[len(times) // 2] * 1e6, p99 * 1e6, len(times)


def export(outdir, name, model, x, axes, opset, min_secs, out):
    model.eval()
    path = os.path.join(outdir, name + ".onnx")
    # Exported with autograd on: under no_grad the encoder layer takes its
    # fused fast path (aten::_transformer_encoder_layer_fwd), which has no
    # ONNX export. Timed under no_grad, fast path and all, as users run it.
    torch.onnx.export(model, (x,), path, input_names=["x"], output_names=["y"],
                      dynamic_axes=axes, opset_version=opset, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        y = model(x)
        np.save(os.path.join(outdir, name + ".in.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(outdir, name + ".out.npy"), y.numpy().astype(np.float32))
        med, p99, reps = median_us(lambda: model(x), min_secs)
    out.write(f"{name} {med:.2f} {p99:.2f} {reps}\n")
    print(f"pytorch {name}: median {med:.1f} us over {reps} runs ({path}, "
          f"{os.path.getsize(path)} bytes)")


def main():
    outdir, threads, min_secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    os.makedirs(outdir, exist_ok=True)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(7)
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads, eager, no_grad")
    with open(os.path.join(outdir, "torch.txt"), "w") as out:
        mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                            nn.Linear(512, 10))
        export(outdir, "mlp", mlp, torch.randn(64, 784, generator=gen),
               {"x": {0: "batch"}, "y": {0: "batch"}}, 14, min_secs, out)
        enc = nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=1024,
                                         dropout=0.0, batch_first=True)
        export(outdir, "encoder", enc, torch.randn(8, 128, 256, generator=gen),
               {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}, 17, min_secs,
               out)


if __name__ == "__main__":
    main()
