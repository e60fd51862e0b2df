#!/bin/sh
# SPDX-License-Identifier: MIT
# The model benchmarks: export the MLP, the encoder layer and ResNet-18 with PyTorch,
# then time PyTorch eager, ONNX Runtime (onnxruntime-node, installed into
# the build directory on first use) and ours in interleaved rounds, then
# let accel-bench-models print the table (each framework's best round),
# the memory plan, the JIT's sweeps and its dispatch overhead.
#
# usage: bench/models.sh MESON_BUILD_DIR [--quick]
# environment: BENCH_DIR (default build/bench: models and node_modules go
# there, never into the source tree), BENCH_THREADS (default 2: PyTorch's
# threads, ORT's intra-op threads, and ours: the emu device's threads per
# packet, ACCEL_EMU_THREADS, and oneDNN's OpenMP threads for convolutions),
# BENCH_SECS (default 3: time per measurement), BENCH_ROUNDS (default 3).
set -eu
meson_dir=$1
quick=${2:-}
out=${BENCH_DIR:-build/bench}
threads=${BENCH_THREADS:-2}
secs=${BENCH_SECS:-3}
rounds=${BENCH_ROUNDS:-3}
if [ "$quick" = --quick ]; then
	secs=0.3
	rounds=1
fi
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/models" "$out/node"
models=$(cd "$out/models" && pwd)
rm -f "$models/torch.txt" "$models/ort.txt" "$models/ours.txt"
# torch.onnx's tracer warnings say nothing about these models.
quiet() {
	grep -v -i -e warning -e '^ *warnings.warn' -e '^ *_C._jit' -e '^ *graph = ' || true
}

echo "== $threads threads per framework (torch.set_num_threads, ORT intraOpNumThreads," \
	"ACCEL_EMU_THREADS and OMP_NUM_THREADS for ours), $rounds round(s) of ${secs}s each;" \
	"load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$src/export_models.py" export "$models" 2>&1 | quiet

# ONNX Runtime: its install script would fetch GPU parts, which fails
# offline; the CPU binding ships in the npm package itself.
ort=""
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
	ort=yes
	echo "onnxruntime-node $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
		"$out/node/node_modules/onnxruntime-node/package.json" | head -n1)," \
		"CPU execution provider, $threads intra-op threads, sequential"
fi

r=1
while [ "$r" -le "$rounds" ]; do
	echo "-- round $r/$rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	/usr/bin/python3 "$src/export_models.py" time "$models" "$threads" "$secs" 2>&1 | quiet
	if [ -n "$ort" ]; then
		if NODE_PATH="$out/node/node_modules" node "$src/ort_bench.js" "$models" "$threads" \
			"$secs" mlp encoder resnet18 >"$models/ort.round"; then
			cat "$models/ort.round" >>"$models/ort.txt"
			awk '{ printf "onnxruntime %s: median %.1f us, p99 %.1f us over %d runs (max abs diff to PyTorch %s)\n", $1, $2, $3, $4, $5 }' \
				"$models/ort.round"
		else
			echo "bench: ONNX Runtime failed; its column is skipped"
			ort=""
			rm -f "$models/ort.txt"
		fi
	fi
	ACCEL_EMU_THREADS=$threads OMP_NUM_THREADS=$threads \
		"$meson_dir/bench/accel-bench-models" "$models" --time $quick
	r=$((r + 1))
done
echo
ACCEL_EMU_THREADS=$threads OMP_NUM_THREADS=$threads \
	"$meson_dir/bench/accel-bench-models" "$models" $quick
