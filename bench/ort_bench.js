#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// ort_bench.js - time the benchmark models in ONNX Runtime (CPU execution
// provider, through onnxruntime-node) on the inputs export_models.py wrote,
// and check ORT's output against PyTorch's.
//
// usage: NODE_PATH=DIR/node_modules node bench/ort_bench.js MODELDIR THREADS MIN_SECS MODEL...
//
// Prints one line per model: "MODEL MEDIAN_US P99_US REPS MAX_ABS_DIFF".
// intraOpNumThreads = THREADS, interOpNumThreads = 1, sequential execution,
// every graph optimization on: what a user tuning ORT for latency sets.
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

// A little-endian float32, C-order .npy file (what numpy.save writes).
function loadNpy(file) {
	const buf = fs.readFileSync(file);
	if (buf.toString('latin1', 1, 6) !== 'NUMPY')
		throw new Error(`${file}: not a .npy file`);
	const major = buf[6];
	const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
	const start = major === 1 ? 10 : 12;
	const header = buf.toString('latin1', start, start + hlen);
	if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
		throw new Error(`${file}: only little-endian float32 in C order`);
	const dims = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',')
		.map((s) => s.trim()).filter((s) => s.length).map(Number);
	const off = start + hlen;
	const data = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length));
	return { dims, data };
}

async function timeModel(dir, name, threads, minSecs) {
	const session = await ort.InferenceSession.create(path.join(dir, `${name}.onnx`), {
		intraOpNumThreads: threads,
		interOpNumThreads: 1,
		executionMode: 'sequential',
		graphOptimizationLevel: 'all',
	});
	const x = loadNpy(path.join(dir, `${name}.in.npy`));
	const want = loadNpy(path.join(dir, `${name}.out.npy`));
	const feeds = { x: new ort.Tensor('float32', x.data, x.dims) };
	const y = (await session.run(feeds)).y.data;
	let diff = 0;
	for (let i = 0; i < want.data.length; i++)
		diff = Math.max(diff, Math.abs(y[i] - want.data[i]));
	// Up to 20 warm-ups, fewer when they take more than a second.
	const warm = process.hrtime.bigint();
	for (let i = 0; i < 20; i++) {
		await session.run(feeds);
		if (i >= 2 && Number(process.hrtime.bigint() - warm) / 1e9 > 1)
			break;
	}
	const times = [];
	const start = process.hrtime.bigint();
	const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
	while ((times.length < 10 || elapsed() < minSecs) && times.length < 20000) {
		const t0 = process.hrtime.bigint();
		await session.run(feeds);
		times.push(Number(process.hrtime.bigint() - t0) / 1e3);
	}
	times.sort((a, b) => a - b);
	const med = times[Math.floor(times.length / 2)];
	const p99 = times[Math.min(times.length - 1, Math.floor(0.99 * times.length))];
	console.log(`${name} ${med.toFixed(2)} ${p99.toFixed(2)} ${times.length} ${diff.toExponential(3)}`);
}

async function main() {
	const [dir, threads, minSecs, ...models] = process.argv.slice(2);
	for (const m of models)
		await timeModel(dir, m, Number(threads), Number(minSecs));
}

main().catch((e) => {
	console.error(`ort_bench: ${e.message}`);
	process.exit(1);
});
