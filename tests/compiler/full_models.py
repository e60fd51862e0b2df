#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Full-size models from torch.onnx.export through accelc, against PyTorch.

    /usr/bin/python3 tests/compiler/full_models.py ACCELC [WORKDIR]

The requirement it proves: any model torch.onnx.export produces from
torchvision's ResNet-18 or from a standard nn.TransformerEncoder compiles
and runs through accelc, matching PyTorch within rtol 1e-4, atol 1e-5
(|ours - ref| <= atol + rtol * |ref|, every element of every output).

The models are exported at test time into WORKDIR (default: a temporary
directory, removed afterwards; ResNet-18's ONNX file alone is 46 MB), from
fixed seeds, with no download (weights=None, then seeded BatchNorm
statistics and affine parameters, so that folding BatchNorm into the
convolutions, by the exporter or by accelc, changes every weight):

  resnet18          torchvision resnet18, 2x3x224x224, default opset,
                    static shapes (the plain torch.onnx.export call)
  resnet18_o17      the same, opset 17, dynamic batch; also run at batch 1
  resnet18_o17_bn   the same exported with TrainingMode.PRESERVE: the 20
                    BatchNormalization nodes stay in the model (inference
                    mode) instead of being folded by the exporter
  encoder_bf        nn.TransformerEncoder, 2 x TransformerEncoderLayer(
                    d_model 256, nhead 4, dim_feedforward 1024),
                    batch_first=True, default opset
  encoder_sf        the same with batch_first=False (seq, batch, d), opset 17
  encoder_pre_gelu  the same with norm_first=True, activation="gelu",
                    batch_first=True, opset 17

The encoders have dynamic batch and sequence axes, and each is also run at
a second batch and sequence length. Every model is run twice: from the
ONNX file (accelc run MODEL.onnx: the JIT) and from an artifact
(accelc compile, then accelc run MODEL.apkg: AOT), and the artifact is
compiled once and run at every shape. PyTorch's outputs are computed in
eval mode under torch.no_grad(), as users run the models (the batch-first
encoders then take PyTorch's fused fast path).

Prints one line per model with the largest absolute and relative errors
over its outputs (relative: |ours - ref| / max(|ref|, atol)) and the
largest share of the tolerance, then one line per failure; exits 0 when
all match, 1 when any does not (or accelc fails), 77 (meson's SKIP) when
torch or torchvision cannot be imported. Only /usr/bin/python3 sees
Debian's python3-torch and python3-torchvision.
"""
import os
import subprocess
import sys
import tempfile
import time
import warnings

T0 = time.monotonic()
RTOL = 1e-4
ATOL = 1e-5

try:
    import numpy as np
    import torch
    from torch import nn
    import torchvision
except ImportError as e:
    print(f"full_models: SKIP: cannot import {e.name} ({e}); install python3-torchvision "
          "(Debian; seen by /usr/bin/python3 only)")
    sys.exit(77)


def seeded_bn(model, gen):
    """Fresh BatchNorm layers hold mean 0, var 1, weight 1, bias 0: give
    them seeded statistics so that folding them into the Convs matters."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


def resnet18():
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None)
    seeded_bn(model, torch.Generator().manual_seed(1))
    return model.eval()


def encoder(batch_first, norm_first=False, activation="relu"):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=1024,
                                       dropout=0.1, activation=activation,
                                       batch_first=batch_first, norm_first=norm_first)
    return nn.TransformerEncoder(layer, num_layers=2).eval()


def enc_shape(batch_first):
    return (lambda b, s: (b, s, 256)) if batch_first else (lambda b, s: (s, b, 256))


def enc_axes(batch_first):
    ax = {0: "batch", 1: "seq"} if batch_first else {0: "seq", 1: "batch"}
    return {"x": ax, "y": ax}


BATCH_AXIS = {"x": {0: "batch"}, "y": {0: "batch"}}
# name, module factory, input shapes (the first one is the export example),
# torch.onnx.export's keyword arguments (no opset_version: its default).
MODELS = [
    ("resnet18", resnet18, [(2, 3, 224, 224)], {}),
    ("resnet18_o17", resnet18, [(2, 3, 224, 224), (1, 3, 224, 224)],
     {"opset_version": 17, "dynamic_axes": BATCH_AXIS}),
    # In eval mode the exporter folds every BatchNorm into its Conv;
    # TrainingMode.PRESERVE keeps them as BatchNormalization nodes (in
    # inference mode), so that accelc's own folding is what runs.
    ("resnet18_o17_bn", resnet18, [(2, 3, 224, 224)],
     {"opset_version": 17, "dynamic_axes": BATCH_AXIS,
      "training": torch.onnx.TrainingMode.PRESERVE}),
    ("encoder_bf", lambda: encoder(True),
     [enc_shape(True)(2, 16), enc_shape(True)(3, 37)], {"dynamic_axes": enc_axes(True)}),
    ("encoder_sf", lambda: encoder(False),
     [enc_shape(False)(2, 16), enc_shape(False)(3, 37)],
     {"opset_version": 17, "dynamic_axes": enc_axes(False)}),
    ("encoder_pre_gelu", lambda: encoder(True, norm_first=True, activation="gelu"),
     [enc_shape(True)(2, 16), enc_shape(True)(3, 37)],
     {"opset_version": 17, "dynamic_axes": enc_axes(True)}),
]


def export(work, name, factory, shapes, kwargs):
    """Export one model; write its inputs and PyTorch's outputs as .npy.
    Returns the ONNX path and [(shape, input.npy, reference.npy)]."""
    model = factory()
    gen = torch.Generator().manual_seed(7)
    xs = [torch.randn(*s, generator=gen) for s in shapes]
    path = os.path.join(work, name + ".onnx")
    # Exported with autograd on: under no_grad the encoder takes its fused
    # fast path, which has no ONNX export. The references are computed
    # under no_grad, fast path and all, as users run the models.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (xs[0],), path, input_names=["x"], output_names=["y"],
                          **kwargs)
    runs = []
    for i, x in enumerate(xs):
        with torch.no_grad():
            y = model(x)
        fin = os.path.join(work, f"{name}.in.{i}.npy")
        fref = os.path.join(work, f"{name}.ref.{i}.npy")
        np.save(fin, x.numpy().astype(np.float32))
        np.save(fref, y.numpy().astype(np.float32))
        runs.append(("x".join(str(d) for d in x.shape), fin, fref))
    return path, runs


def accelc(*args):
    """Run accelc; None on success, else its message."""
    try:
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        return f"cannot run {args[0]}: {e}"
    if r.returncode:
        return f"exit {r.returncode}: {r.stdout.strip()}"
    return None


def compare(got_path, ref_path):
    """(ok, max abs error, max rel error, max share of the tolerance,
    message); the relative error of an element is |got - ref| / max(|ref|,
    ATOL), its share of the tolerance |got - ref| / (ATOL + RTOL * |ref|)."""
    try:
        got = np.load(got_path)
    except OSError as e:
        return False, 0, 0, 0, f"no output: {e}"
    ref = np.load(ref_path)
    if got.dtype != ref.dtype or got.shape != ref.shape:
        return (False, 0, 0, 0,
                f"got {got.dtype}{list(got.shape)}, want {ref.dtype}{list(ref.shape)}")
    got = got.astype(np.float64)
    ref = ref.astype(np.float64)
    err = np.abs(got - ref)
    rel = err / np.maximum(np.abs(ref), ATOL)
    tol = ATOL + RTOL * np.abs(ref)
    bad = ~(err <= tol)  # NaN counts as bad
    msg = ""
    if bad.any():
        i = np.unravel_index(np.argmax(bad), ref.shape)
        msg = (f"{int(bad.sum())} of {ref.size} outside tolerance, first at {list(i)}: "
               f"{got[i]:.9g}, want {ref[i]:.9g}")
    return (not bad.any(), float(np.nanmax(err)), float(np.nanmax(rel)),
            float(np.nanmax(err / tol)), msg)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    exe = sys.argv[1]
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    if len(sys.argv) == 3:
        work = sys.argv[2]
        os.makedirs(work, exist_ok=True)
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory(prefix="accel-full-models-")
        work = tmp.name
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, "
          f"rtol {RTOL}, atol {ATOL}; imports took {time.monotonic() - T0:.1f} s")
    fails = 0
    try:
        for model in MODELS:
            fails += run_model(exe, work, *model, keep=tmp is None)
    finally:
        if tmp:
            tmp.cleanup()
    print(f"# {len(MODELS)} models, {fails} failed, {time.monotonic() - T0:.1f} s")
    return 1 if fails else 0


def run_model(exe, work, name, factory, shapes, kwargs, keep):
    """Export, compile and run one model at each shape through the JIT and
    the artifact; print its line. Returns 1 when anything failed."""
    t0 = time.monotonic()
    onnx_path, runs = export(work, name, factory, shapes, kwargs)
    apkg = os.path.join(work, name + ".apkg")
    problems = []
    paths = [("jit", onnx_path)]
    err = accelc(exe, "compile", onnx_path, "-o", apkg)
    if err:
        problems.append(f"accelc compile {name}.onnx: {err}")
    else:
        paths.append(("aot", apkg))
    worst_abs = worst_rel = worst_share = 0.0
    checked = 0
    for i, (shape, fin, fref) in enumerate(runs):
        for how, model_file in paths:
            out = os.path.join(work, f"{name}.{how}.{i}")
            err = accelc(exe, "run", model_file, "-i", f"x={fin}", "-o", out)
            if err:
                problems.append(f"{how} x={shape}: accelc run: {err}")
                continue
            ok, abs_err, rel_err, share, msg = compare(os.path.join(out, "y.npy"), fref)
            worst_abs = max(worst_abs, abs_err)
            worst_rel = max(worst_rel, rel_err)
            worst_share = max(worst_share, share)
            checked += 1
            if not ok:
                problems.append(f"{how} x={shape}: {msg} (max abs error {abs_err:.3g})")
    if not keep:  # ResNet-18 is 46 MB a copy: free it before the next model
        for f in (onnx_path, apkg):
            if os.path.exists(f):
                os.remove(f)
    shapes_text = ", ".join(r[0] for r in runs)
    print(f"{'FAIL' if problems else 'ok  '} {name} (opset "
          f"{kwargs.get('opset_version', 'default')}, "
          f"{'dynamic' if 'dynamic_axes' in kwargs else 'static'} shapes; x={shapes_text}; "
          f"{'/'.join(h for h, _ in paths)}): {checked} outputs checked, "
          f"max abs error {worst_abs:.3g}, max rel error {worst_rel:.3g}, "
          f"at most {worst_share:.2f} of the tolerance, "
          f"{time.monotonic() - t0:.1f} s")
    for p in problems:
        print(f"     {name}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
