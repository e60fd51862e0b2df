#!/bin/sh
# SPDX-License-Identifier: MIT
# The model benchmarks: export the MLP and the encoder layer with PyTorch
# and time them there, time them in ONNX Runtime (onnxruntime-node,
# installed into the build directory on first use), then run
# accel-bench-models, which times ours and prints the ratios.
#
# usage: bench/models.sh MESON_BUILD_DIR [--quick]
# environment: BENCH_DIR (default build/bench: models and node_modules go
# there, never into the source tree), BENCH_THREADS (default 2: PyTorch's
# threads, ORT's intra-op threads and our oneDNN OpenMP threads),
# BENCH_SECS (default 3: time spent per measurement).
set -eu
meson_dir=$1
quick=${2:-}
out=${BENCH_DIR:-build/bench}
threads=${BENCH_THREADS:-2}
secs=${BENCH_SECS:-3}
[ "$quick" = --quick ] && secs=0.3
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/models" "$out/node"
models=$(cd "$out/models" && pwd)
rm -f "$models/torch.txt" "$models/ort.txt"

echo "== threads: $threads per framework (torch.set_num_threads, ORT intraOpNumThreads," \
	"OMP_NUM_THREADS for our oneDNN GEMMs); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$src/export_models.py" "$models" "$threads" "$secs" 2>&1 |
	grep -v -i -e warning -e '^ *warnings.warn' -e '^ *_C._jit' -e '^ *graph = '

# ONNX Runtime: its install script would fetch GPU parts, which fails
# offline; the CPU binding ships in the npm package itself.
if [ ! -d "$out/node/node_modules/onnxruntime-node" ]; then
	if ! command -v npm >/dev/null; then
		echo "bench: npm not found; the ONNX Runtime column is skipped"
	elif ! (cd "$out/node" && ONNXRUNTIME_NODE_INSTALL=skip timeout 300 \
		npm install --no-audit --no-fund --prefix . onnxruntime-node >npm.log 2>&1); then
		echo "bench: npm could not install onnxruntime-node (is the registry reachable?" \
			"see $out/node/npm.log); the ONNX Runtime column is skipped"
	fi
fi
if [ -d "$out/node/node_modules/onnxruntime-node" ]; then
	ort_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
		"$out/node/node_modules/onnxruntime-node/package.json" | head -n1)
	echo "onnxruntime-node $ort_version, CPU execution provider, $threads intra-op threads"
	if NODE_PATH="$out/node/node_modules" node "$src/ort_bench.js" "$models" "$threads" \
		"$secs" mlp encoder >"$models/ort.txt.tmp"; then
		mv "$models/ort.txt.tmp" "$models/ort.txt"
		sed 's/^\([a-z]*\) \([0-9.]*\) .* \([0-9.e+-]*\)$/onnxruntime \1: median \2 us (max abs diff to PyTorch \3)/' \
			"$models/ort.txt"
	else
		echo "bench: ONNX Runtime failed; its column is skipped"
		rm -f "$models/ort.txt.tmp"
	fi
fi
echo
OMP_NUM_THREADS=$threads "$meson_dir/bench/accel-bench-models" "$models" $quick
