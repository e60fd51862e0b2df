// SPDX-License-Identifier: MIT
/*
 * test_jit.c - the JIT (include/accel/jit.h) on the PyTorch fixtures and on
 * hand-built graphs: a batch sweep 1..256 of the MLP recompiles once and
 * matches the reference interpreter row for row (an MLP treats rows
 * independently, so batch b must give the first b rows of batch 256) and
 * PyTorch at the fixture's batches; a sequence-length sweep of the encoder
 * against the interpreter at every length; signatures the graph can never
 * accept are refused without compiling; the encoders with bool masks
 * (key-padding, attention) as graph inputs; the LRU bound; a failing
 * compilation; the counters checked exactly after each; and the cache-hit
 * path allocates nothing beyond what a direct runner launch allocates.
 *
 * usage: test-compiler-jit FIXTURE_DIR
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>
#include <accel/jit.h>
#include <accel/program.h>

#include "fixture_inputs.h"
#include "harness.h"
#include "malloc_count.h"
#include "npy.h"
#include "tolerance.h"


static const char *dir;
static struct accel_device *dev;

static int64_t numel(const struct accel_tensor *t)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < t->rank; i++)
		n *= t->dims[i];
	return n;
}

static void random_input(struct accel_tensor *t, int rank, const int64_t *dims, unsigned seed)
{
	int64_t i, n;

	memset(t, 0, sizeof(*t));
	t->dtype = ACCEL_DT_F32;
	t->rank = rank;
	memcpy(t->dims, dims, (size_t)rank * sizeof(*dims));
	n = numel(t);
	t->data = malloc((size_t)n * sizeof(float));
	for (i = 0; t->data && i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		((float *)t->data)[i] = (float)((seed >> 8) % 2001) / 1000.0f - 1.0f;
	}
}

static void fixture_path(char *buf, size_t len, const char *model, const char *suffix)
{
	snprintf(buf, len, "%s/%s%s", dir, model, suffix);
}

static struct accel_graph *load_ref(const char *model)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	char path[512];
	int ret;

	fixture_path(path, sizeof(path), model, ".onnx");
	ret = accel_onnx_import_file(path, &g, &err);
	if (!ret)
		ret = accel_pass_infer_shapes(g, NULL, &err);
	CHECK(ret == 0, "import %s: %s", model, err.msg);
	if (ret) {
		accel_graph_destroy(g);
		return NULL;
	}
	return g;
}

static struct accel_jit_fn *jit_onnx(const char *model, const struct accel_jit_options *o)
{
	struct accel_ir_error err = { "" };
	struct accel_jit_fn *fn = NULL;
	char path[512];
	int ret;

	fixture_path(path, sizeof(path), model, ".onnx");
	ret = accel_jit_create_onnx(path, dev, o, &fn, &err);
	CHECK(ret == 0, "jit %s: %s", model, err.msg);
	return fn;
}

/*
 * A model file that cannot be read: no function, the errno of the open and
 * the path in the message; a directory is not a model file.
 */
static void test_unreadable_model(void)
{
	struct accel_ir_error err = { "" };
	struct accel_jit_fn *fn = NULL;
	int ret;

	ret = accel_jit_create_onnx("/nonexistent/model.onnx", dev, NULL, &fn, &err);
	CHECK(ret == -ENOENT && !fn && strstr(err.msg, "/nonexistent/model.onnx"),
	      "missing file: %d %s", ret, err.msg);
	ret = accel_jit_create_onnx("/", dev, NULL, &fn, &err);
	CHECK(ret == -EINVAL && !fn && strstr(err.msg, "not a regular file"),
	      "directory: %d %s", ret, err.msg);
}

/* The fixture's PyTorch inputs and output at batch @b, run through @fn. */
static void against_pytorch(struct accel_jit_fn *fn, const char *model, int b)
{
	struct accel_tensor x[FIXTURE_MAX_INPUTS], want = { 0 }, got = { 0 };
	char path[512], what[128];
	int ret, nin;

	nin = fixture_load_inputs(dir, model, b, x);
	CHECK(nin > 0, "load the inputs of %s at %d", model, b);
	snprintf(what, sizeof(what), ".out.%d.npy", b);
	fixture_path(path, sizeof(path), model, what);
	CHECK(npy_load(path, &want) == 0, "load %s", path);
	if (nin > 0 && want.data) {
		ret = accel_jit_call(fn, x, (uint32_t)nin, &got, 1);
		CHECK(ret == 0, "%s b=%d: %s", model, b, accel_jit_error(fn));
		snprintf(what, sizeof(what), "%s fixture %d: jit vs pytorch", model, b);
		if (!ret)
			tol_check(what, &got, &want);
	}
	fixture_free_inputs(x);
	free(want.data);
}

struct want_stats {
	uint64_t calls, hits, misses, rejects, compiles, failures, promotions, evictions, entries;
};

static void expect_stats(const char *what, struct accel_jit_fn *fn, struct want_stats w)
{
	struct accel_jit_stats s;

	accel_jit_stats(fn, &s);
	CHECK(s.calls == w.calls && s.hits == w.hits && s.misses == w.misses &&
	      s.rejects == w.rejects && s.compiles == w.compiles &&
	      s.compile_failures == w.failures && s.promotions == w.promotions &&
	      s.evictions == w.evictions && s.entries == w.entries,
	      "%s: calls %llu hits %llu misses %llu rejects %llu compiles %llu failures %llu "
	      "promotions %llu evictions %llu entries %llu; want %llu %llu %llu %llu %llu %llu "
	      "%llu %llu %llu", what, (unsigned long long)s.calls, (unsigned long long)s.hits,
	      (unsigned long long)s.misses, (unsigned long long)s.rejects,
	      (unsigned long long)s.compiles, (unsigned long long)s.compile_failures,
	      (unsigned long long)s.promotions, (unsigned long long)s.evictions,
	      (unsigned long long)s.entries, (unsigned long long)w.calls,
	      (unsigned long long)w.hits, (unsigned long long)w.misses,
	      (unsigned long long)w.rejects, (unsigned long long)w.compiles,
	      (unsigned long long)w.failures, (unsigned long long)w.promotions,
	      (unsigned long long)w.evictions, (unsigned long long)w.entries);
	CHECK(s.calls == s.hits + s.misses + s.rejects, "%s: calls do not add up", what);
	CHECK(!s.compiles || (s.compile_ns_last > 0 && s.compile_ns_last <= s.compile_ns_total),
	      "%s: compile times %llu last, %llu total", what,
	      (unsigned long long)s.compile_ns_last, (unsigned long long)s.compile_ns_total);
}

/*
 * Batch b of a 256-row input must give the first b rows of the
 * interpreter's batch-256 result: one interpreter run checks the sweep.
 */
static void sweep_mlp(struct accel_jit_fn *fn, int from, int to, int64_t *bad_batches)
{
	struct accel_graph *ref = load_ref("mlp");
	struct accel_ir_error err = { "" };
	struct accel_tensor x = { 0 }, want = { 0 }, got, view;
	int64_t dims[2] = { 256, 784 };
	int b, ret;

	random_input(&x, 2, dims, 7);
	if (!ref || !x.data)
		goto out;
	ret = accel_interp_run(ref, &x, 1, &want, 1, &err);
	CHECK(ret == 0, "interpreter: %s", err.msg);
	if (ret)
		goto out;
	for (b = from; b <= to; b++) {
		char what[64];

		x.dims[0] = b;
		ret = accel_jit_call(fn, &x, 1, &got, 1);
		CHECK(ret == 0, "mlp batch %d: %s", b, accel_jit_error(fn));
		if (ret)
			break;
		view = want;
		view.dims[0] = b;
		snprintf(what, sizeof(what), "mlp batch %d: jit vs interpreter", b);
		*bad_batches += tol_mismatches(what, &got, &view, NULL) != 0;
	}
out:
	accel_tensor_release(&want);
	free(x.data);
	accel_graph_destroy(ref);
}

static void test_mlp_batch_sweep(void)
{
	struct accel_jit_fn *fn = jit_onnx("mlp", NULL);
	struct accel_jit_stats s;
	struct accel_jit_io io;
	int64_t bad = 0;

	if (!fn)
		return;
	CHECK(accel_jit_num_inputs(fn) == 1 && accel_jit_num_outputs(fn) == 1, "mlp: 1 in, 1 out");
	CHECK(accel_jit_input(fn, 0, &io) == 0 && io.rank == 2 && io.dtype == ACCEL_DT_F32 &&
	      io.dims[0] == -1 && io.sym[0] && io.dims[1] == 784 && !io.sym[1],
	      "mlp input signature: f32[sym, 784]");
	CHECK(accel_jit_input(fn, 1, &io) == -EINVAL, "no input 1");
	expect_stats("mlp before any call", fn, (struct want_stats){ 0 });
	sweep_mlp(fn, 1, 256, &bad);
	CHECK(bad == 0, "mlp sweep: %lld batch sizes outside tolerance", (long long)bad);
	/* Batch 1 compiles exactly, batch 2 promotes the batch: 2 compiles. */
	expect_stats("mlp sweep 1..256", fn, (struct want_stats){
		.calls = 256, .hits = 254, .misses = 2, .compiles = 2, .promotions = 1,
		.entries = 2 });
	against_pytorch(fn, "mlp", 2);
	against_pytorch(fn, "mlp", 5);
	expect_stats("mlp after the fixtures", fn, (struct want_stats){
		.calls = 258, .hits = 256, .misses = 2, .compiles = 2, .promotions = 1,
		.entries = 2 });
	accel_jit_stats(fn, &s);
	printf("# mlp sweep 1..256: %llu recompilation(s), compile time %.2f ms total, "
	       "%.2f ms last\n", (unsigned long long)(s.compiles - 1),
	       (double)s.compile_ns_total / 1e6, (double)s.compile_ns_last / 1e6);
	CHECK(strstr(accel_jit_report(fn), "lower:") != NULL, "the compile report is kept");
	accel_jit_destroy(fn);
}

static void test_mlp_dynamic_flag(void)
{
	struct accel_jit_options o = { .flags = ACCEL_JIT_DYNAMIC };
	struct accel_jit_fn *fn = jit_onnx("mlp", &o);
	const struct accel_program *p;
	const int64_t *symvals;
	int64_t bad = 0;

	if (!fn)
		return;
	CHECK(accel_jit_last_program(fn, &symvals) == NULL && !symvals, "no program before a call");
	sweep_mlp(fn, 1, 16, &bad);
	CHECK(bad == 0, "mlp dynamic sweep: %lld batch sizes outside tolerance", (long long)bad);
	expect_stats("mlp dynamic 1..16", fn, (struct want_stats){
		.calls = 16, .hits = 15, .misses = 1, .compiles = 1, .entries = 1 });
	p = accel_jit_last_program(fn, &symvals);
	CHECK(p && p->nsyms == 1 && symvals && symvals[0] == 16,
	      "the last program is symbolic in the batch, bound to 16");
	accel_jit_destroy(fn);
}

static void test_encoder_seq_sweep(void)
{
	struct accel_graph *ref = load_ref("encoder17");
	struct accel_jit_fn *fn = jit_onnx("encoder17", NULL);
	struct accel_ir_error err = { "" };
	struct accel_tensor x, want, got;
	int64_t seq, bad = 0;
	int ret;

	if (!fn || !ref)
		goto out;
	/* seq 5, batch 2: the first compile, exact. */
	against_pytorch(fn, "encoder17", 2);
	for (seq = 1; seq <= 40; seq++) {
		int64_t dims[3] = { seq, 2, 32 };
		char what[64];

		random_input(&x, 3, dims, (unsigned)seq);
		memset(&want, 0, sizeof(want));
		ret = accel_interp_run(ref, &x, 1, &want, 1, &err);
		CHECK(ret == 0, "interpreter seq %lld: %s", (long long)seq, err.msg);
		if (!ret) {
			ret = accel_jit_call(fn, &x, 1, &got, 1);
			CHECK(ret == 0, "encoder seq %lld: %s", (long long)seq, accel_jit_error(fn));
			snprintf(what, sizeof(what), "encoder seq %lld: jit vs interpreter",
				 (long long)seq);
			if (!ret)
				bad += tol_mismatches(what, &got, &want, NULL) != 0;
		}
		accel_tensor_release(&want);
		free(x.data);
	}
	CHECK(bad == 0, "encoder sweep: %lld lengths outside tolerance", (long long)bad);
	/* seq 1 promotes seq (batch stays 2): one recompilation for 40 lengths. */
	expect_stats("encoder seq 1..40", fn, (struct want_stats){
		.calls = 41, .hits = 39, .misses = 2, .compiles = 2, .promotions = 1,
		.entries = 2 });
	/* seq 8, batch 5: the batch moves too, and is promoted. */
	against_pytorch(fn, "encoder17", 5);
	expect_stats("encoder batch 5", fn, (struct want_stats){
		.calls = 42, .hits = 39, .misses = 3, .compiles = 3, .promotions = 2,
		.entries = 3 });
out:
	accel_jit_destroy(fn);
	accel_graph_destroy(ref);
}

/* The batch-first stack with ACCEL_JIT_DYNAMIC: batch and seq both move,
 * one compilation serves both PyTorch shapes. */
static void test_encoder_stack_dynamic(void)
{
	struct accel_jit_options o = { .flags = ACCEL_JIT_DYNAMIC };
	struct accel_jit_fn *fn = jit_onnx("encoder_stack", &o);

	if (!fn)
		return;
	against_pytorch(fn, "encoder_stack", 2);
	against_pytorch(fn, "encoder_stack", 5);
	against_pytorch(fn, "encoder_stack", 2);
	expect_stats("encoder_stack dynamic", fn, (struct want_stats){
		.calls = 3, .hits = 2, .misses = 1, .compiles = 1, .entries = 1 });
	accel_jit_destroy(fn);
}

static void expect_reject(struct accel_jit_fn *fn, const char *what, const struct accel_tensor *in,
			  uint32_t nin, uint32_t nout, const char *needle);

/*
 * The 1-D CNN: PyTorch's (batch 2, length 50) compiles exactly; every
 * length 1..64 at batch 2 against the interpreter promotes the length once
 * (one recompilation); PyTorch's (5, 77) then promotes the batch.
 */
static void test_cnn1d_length_sweep(void)
{
	struct accel_graph *ref = load_ref("cnn1d");
	struct accel_jit_fn *fn = jit_onnx("cnn1d", NULL);
	struct accel_ir_error err = { "" };
	struct accel_tensor x, want, got;
	int64_t len, bad = 0;
	int ret;

	if (!fn || !ref)
		goto out;
	against_pytorch(fn, "cnn1d", 2);
	for (len = 1; len <= 64; len++) {
		int64_t dims[3] = { 2, 4, len };
		char what[64];

		random_input(&x, 3, dims, (unsigned)len);
		memset(&want, 0, sizeof(want));
		ret = accel_interp_run(ref, &x, 1, &want, 1, &err);
		CHECK(ret == 0, "interpreter length %lld: %s", (long long)len, err.msg);
		if (!ret) {
			ret = accel_jit_call(fn, &x, 1, &got, 1);
			CHECK(ret == 0, "cnn1d length %lld: %s", (long long)len, accel_jit_error(fn));
			snprintf(what, sizeof(what), "cnn1d length %lld: jit vs interpreter",
				 (long long)len);
			if (!ret)
				bad += tol_mismatches(what, &got, &want, NULL) != 0;
		}
		accel_tensor_release(&want);
		free(x.data);
	}
	CHECK(bad == 0, "cnn1d sweep: %lld lengths outside tolerance", (long long)bad);
	expect_stats("cnn1d length 1..64", fn, (struct want_stats){
		.calls = 65, .hits = 63, .misses = 2, .compiles = 2, .promotions = 1,
		.entries = 2 });
	against_pytorch(fn, "cnn1d", 5);
	expect_stats("cnn1d batch 5", fn, (struct want_stats){
		.calls = 66, .hits = 63, .misses = 3, .compiles = 3, .promotions = 2,
		.entries = 3 });
out:
	accel_jit_destroy(fn);
	accel_graph_destroy(ref);
}

/*
 * The encoder with a bool key-padding mask, default policy: PyTorch's
 * (batch 2, seq 5) compiles exactly, (5, 8) promotes both symbols (the
 * mask's dims are the same symbols), and (2, 5) is then a hit on the
 * symbolic specialization. A mask given as f32 is refused by the
 * signature, naming the input, without compiling.
 */
static void test_encoder_mask(void)
{
	struct accel_jit_fn *fn = jit_onnx("encoder_mask", NULL);
	struct accel_tensor x[FIXTURE_MAX_INPUTS];
	int nin;

	if (!fn)
		return;
	against_pytorch(fn, "encoder_mask", 2);
	against_pytorch(fn, "encoder_mask", 5);
	against_pytorch(fn, "encoder_mask", 2);
	expect_stats("encoder_mask", fn, (struct want_stats){
		.calls = 3, .hits = 1, .misses = 2, .compiles = 2, .promotions = 2,
		.entries = 2 });
	nin = fixture_load_inputs(dir, "encoder_mask", 2, x);
	CHECK(nin == 2, "encoder_mask: %d inputs", nin);
	if (nin == 2) {
		x[1].dtype = ACCEL_DT_F32;	/* the data pointer is only checked for NULL */
		expect_reject(fn, "mask as f32", x, 2, 1,
			      "input mask: f32 of rank 2 given, the graph takes bool of rank 2");
	}
	fixture_free_inputs(x);
	expect_stats("encoder_mask reject", fn, (struct want_stats){
		.calls = 4, .hits = 1, .misses = 2, .rejects = 1, .compiles = 2,
		.promotions = 2, .entries = 2 });
	accel_jit_destroy(fn);
}

/* The attention-mask variants (the mask an input, or made inside the model
 * by a Trilu) at one dynamic compilation. */
static void test_encoder_attn_masks(void)
{
	static const char *const models[] = { "encoder_attn_mask", "encoder_causal_bool",
					      "encoder_causal" };
	struct accel_jit_options o = { .flags = ACCEL_JIT_DYNAMIC };
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct accel_jit_fn *fn = jit_onnx(models[i], &o);

		if (!fn)
			continue;
		against_pytorch(fn, models[i], 2);
		against_pytorch(fn, models[i], 5);
		expect_stats(models[i], fn, (struct want_stats){
			.calls = 2, .hits = 1, .misses = 1, .compiles = 1, .entries = 1 });
		accel_jit_destroy(fn);
	}
}

/* The tiny BERT with int64 token ids and attention mask, both symbols
 * dynamic: one compilation serves PyTorch's two shapes. */
static void test_bert_mask(void)
{
	struct accel_jit_options o = { .flags = ACCEL_JIT_DYNAMIC };
	struct accel_jit_fn *fn = jit_onnx("bert_mask", &o);

	if (!fn)
		return;
	against_pytorch(fn, "bert_mask", 2);
	against_pytorch(fn, "bert_mask", 5);
	expect_stats("bert_mask", fn, (struct want_stats){
		.calls = 2, .hits = 1, .misses = 1, .compiles = 1, .entries = 1 });
	accel_jit_destroy(fn);
}

static void expect_reject(struct accel_jit_fn *fn, const char *what, const struct accel_tensor *in,
			  uint32_t nin, uint32_t nout, const char *needle)
{
	struct accel_tensor out[2];
	int ret = accel_jit_call(fn, in, nin, out, nout);

	CHECK(ret == -EINVAL, "%s: %d, want -EINVAL", what, ret);
	CHECK(strstr(accel_jit_error(fn), needle) != NULL, "%s: message \"%s\" lacks \"%s\"",
	      what, accel_jit_error(fn), needle);
}

static void test_rejects(void)
{
	struct accel_jit_fn *fn = jit_onnx("mlp", NULL);
	struct accel_tensor x, two[2], out;
	int64_t dims[3] = { 4, 784, 1 };
	int ret;

	if (!fn)
		return;
	random_input(&x, 2, dims, 3);
	/* Refused before anything was ever compiled. */
	x.dtype = ACCEL_DT_I64;
	expect_reject(fn, "dtype i64", &x, 1, 1, "i64 of rank 2 given, the graph takes f32");
	x.dtype = ACCEL_DT_F32;
	x.rank = 3;
	expect_reject(fn, "rank 3", &x, 1, 1, "of rank 3 given");
	expect_stats("rejects before a compile", fn, (struct want_stats){
		.calls = 2, .rejects = 2 });
	x.rank = 2;
	ret = accel_jit_call(fn, &x, 1, &out, 1);
	CHECK(ret == 0, "mlp 4x784: %s", accel_jit_error(fn));
	x.dims[1] = 785;
	expect_reject(fn, "785 features", &x, 1, 1, "dim 1 is 785, the graph fixes it to 784");
	x.dims[1] = 784;
	x.dims[0] = 0;
	expect_reject(fn, "batch 0", &x, 1, 1, "dim 0 is 0, outside 1 ..");
	x.dims[0] = 4;
	two[0] = two[1] = x;
	expect_reject(fn, "two inputs", two, 2, 1, "2 inputs given, the graph takes 1");
	expect_reject(fn, "two outputs", &x, 1, 2, "2 outputs asked for, the graph has 1");
	two[0].data = NULL;
	expect_reject(fn, "no data", two, 1, 1, "has no data");
	expect_stats("rejects after a compile", fn, (struct want_stats){
		.calls = 8, .rejects = 7, .misses = 1, .compiles = 1, .entries = 1 });
	free(x.data);
	accel_jit_destroy(fn);
}

/* y = a + b over a[n, 4], b[n, 4]: one symbol, used by two inputs. */
static struct accel_graph *shared_symbol_graph(void)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_value *in[2], *y;
	struct accel_dim d[2];
	struct accel_shape s;
	int ret;

	ret = accel_graph_create("shared", &g);
	if (!ret)
		ret = accel_dim_symbol(g, "n", &d[0]);
	d[1] = accel_dim_const(4);
	s = accel_shape_make(2, d);
	if (!ret)
		ret = accel_graph_add_input(g, "a", ACCEL_DT_F32, &s, &in[0], &err);
	if (!ret)
		ret = accel_graph_add_input(g, "b", ACCEL_DT_F32, &s, &in[1], &err);
	if (!ret)
		ret = accel_graph_add_node(g, ACCEL_OP_ADD, in, 2, NULL, 0, 1, NULL, &y, &err);
	if (!ret)
		ret = accel_graph_mark_output(g, y, &err);
	CHECK(ret == 0, "build: %s", err.msg);
	if (ret) {
		accel_graph_destroy(g);
		return NULL;
	}
	return g;
}

static void test_shared_symbol(void)
{
	struct accel_graph *g = shared_symbol_graph();
	struct accel_ir_error err = { "" };
	struct accel_jit_fn *fn = NULL;
	struct accel_tensor in[2], out;
	float a[12], b[12];
	int i, ret;

	if (!g)
		return;
	ret = accel_jit_create(g, dev, NULL, &fn, &err);
	CHECK(ret == 0, "jit: %s", err.msg);
	accel_graph_destroy(g);	/* the function keeps its own copy */
	if (ret)
		return;
	for (i = 0; i < 12; i++) {
		a[i] = (float)i * 0.5f;
		b[i] = 100.0f - (float)i;
	}
	in[0] = (struct accel_tensor){ ACCEL_DT_F32, 2, { 3, 4 }, a };
	in[1] = (struct accel_tensor){ ACCEL_DT_F32, 2, { 2, 4 }, b };
	expect_reject(fn, "n = 3 and n = 2", in, 2, 1, "dim 0 (n) is 2, another dim of that "
		      "symbol is 3");
	in[1].dims[0] = 3;
	ret = accel_jit_call(fn, in, 2, &out, 1);
	CHECK(ret == 0, "add: %s", accel_jit_error(fn));
	for (i = 0; !ret && i < 12; i++)
		CHECK(((float *)out.data)[i] == 100.0f - 0.5f * (float)i, "add [%d] = %g", i,
		      ((float *)out.data)[i]);
	CHECK(!ret && out.rank == 2 && out.dims[0] == 3 && out.dims[1] == 4, "add: shape");
	expect_stats("shared symbol", fn, (struct want_stats){
		.calls = 2, .rejects = 1, .misses = 1, .compiles = 1, .entries = 1 });
	accel_jit_destroy(fn);
}

/*
 * A Reshape whose target names the symbol (a graph given already
 * optimized): specializing n in the input alone would leave the target
 * naming an unbound symbol, so n stays symbolic from the first compile.
 */
static void test_pinned_symbol(void)
{
	static const char text[] =
		"graph pinned {\n"
		"  input %x: f32[n, 4]\n"
		"  %y = Reshape(%x) {allowzero=0, shape=[2*n, 2]}\n"
		"  output %y\n"
		"}\n";
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_jit_fn *fn = NULL;
	struct accel_tensor x, out;
	const struct accel_program *p;
	float data[20];
	int i, n, ret;

	ret = accel_graph_parse(text, &g, &err);
	if (!ret)
		ret = accel_jit_create(g, dev, NULL, &fn, &err);
	CHECK(ret == 0, "pinned: %s", err.msg);
	accel_graph_destroy(g);
	if (ret)
		return;
	for (i = 0; i < 20; i++)
		data[i] = (float)i - 7.5f;
	for (n = 3; n <= 5; n += 2) {
		x = (struct accel_tensor){ ACCEL_DT_F32, 2, { n, 4 }, data };
		ret = accel_jit_call(fn, &x, 1, &out, 1);
		CHECK(ret == 0, "n = %d: %s", n, accel_jit_error(fn));
		if (ret)
			continue;
		CHECK(out.rank == 2 && out.dims[0] == 2 * n && out.dims[1] == 2, "n = %d: shape", n);
		CHECK(!memcmp(out.data, data, (size_t)(4 * n) * sizeof(float)),
		      "n = %d: a reshape keeps the data", n);
	}
	p = accel_jit_last_program(fn, NULL);
	CHECK(p && p->nsyms == 1, "the program is symbolic in n");
	expect_stats("pinned symbol", fn, (struct want_stats){
		.calls = 2, .hits = 1, .misses = 1, .compiles = 1, .entries = 1 });
	accel_jit_destroy(fn);
}

/* A capacity of one: every new specialization evicts the previous. */
static void test_lru_bound(void)
{
	struct accel_jit_options o = { .cache_capacity = 1 };
	struct accel_jit_fn *fn = jit_onnx("mlp", &o);
	struct accel_tensor x, out;
	int64_t dims[2] = { 4, 784 };
	int ret;

	if (!fn)
		return;
	random_input(&x, 2, dims, 11);	/* room for the larger batch */
	x.dims[0] = 3;
	ret = accel_jit_call(fn, &x, 1, &out, 1);
	x.dims[0] = 4;
	ret = ret ? ret : accel_jit_call(fn, &x, 1, &out, 1);
	x.dims[0] = 3;
	ret = ret ? ret : accel_jit_call(fn, &x, 1, &out, 1);
	CHECK(ret == 0, "calls: %s", accel_jit_error(fn));
	expect_stats("capacity 1", fn, (struct want_stats){
		.calls = 3, .hits = 1, .misses = 2, .compiles = 2, .promotions = 1, .evictions = 1,
		.entries = 1 });
	free(x.data);
	accel_jit_destroy(fn);
}

/*
 * i64 arithmetic at run time has no ISA encoding (1.1 converts between
 * dtypes but computes in f32 only): the compile fails.
 */
static void test_compile_failure(void)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_jit_fn *fn = NULL;
	struct accel_value *x = NULL, *ins[2], *y;
	struct accel_tensor in, out;
	struct accel_dim d = { 0 };
	struct accel_shape s;
	int64_t v[3] = { 1, 2, 3 };
	int ret;

	ret = accel_graph_create("int", &g);
	if (!ret)
		ret = accel_dim_symbol(g, "n", &d);
	s = accel_shape_make(1, &d);
	if (!ret)
		ret = accel_graph_add_input(g, "x", ACCEL_DT_I64, &s, &x, &err);
	ins[0] = ins[1] = x;
	if (!ret)
		ret = accel_graph_add_node(g, ACCEL_OP_ADD, ins, 2, NULL, 0, 1, NULL, &y, &err);
	if (!ret)
		ret = accel_graph_mark_output(g, y, &err);
	if (!ret)
		ret = accel_jit_create(g, dev, NULL, &fn, &err);
	CHECK(ret == 0, "build: %s", err.msg);
	accel_graph_destroy(g);
	if (ret)
		return;
	in = (struct accel_tensor){ ACCEL_DT_I64, 1, { 3 }, v };
	ret = accel_jit_call(fn, &in, 1, &out, 1);
	CHECK(ret == -EOPNOTSUPP, "i64 Add: %d (%s), want -EOPNOTSUPP", ret, accel_jit_error(fn));
	CHECK(strstr(accel_jit_error(fn), "Add") != NULL, "the error names the op: %s",
	      accel_jit_error(fn));
	{
		struct accel_jit_stats st;

		accel_jit_stats(fn, &st);
		CHECK(st.misses == 1 && st.compiles == 1 && st.compile_failures == 1 &&
		      st.entries == 0, "a failed compile caches nothing");
	}
	accel_jit_destroy(fn);
}

/* Fewest allocations over a few runs of @fn(@arg): engine threads may vary. */
static uint64_t fewest_allocs(int (*run)(void *), void *arg)
{
	uint64_t best = UINT64_MAX, n;
	int i;

	for (i = 0; i < 5; i++) {
		malloc_count_start();
		CHECK(run(arg) == 0, "run %d failed", i);
		n = malloc_count_stop();
		best = n < best ? n : best;
	}
	return best;
}

struct hit_ctx {
	struct accel_jit_fn *fn;
	struct accel_runner *r;
	struct accel_tensor *x, out;
};

static int jit_hit(void *arg)
{
	struct hit_ctx *c = arg;

	return accel_jit_call(c->fn, c->x, 1, &c->out, 1);
}

static int runner_hit(void *arg)
{
	struct hit_ctx *c = arg;

	return accel_runner_run(c->r, c->x, 1, &c->out, 1);
}

static void test_hit_allocations(void)
{
	struct accel_jit_fn *fn = jit_onnx("mlp", NULL);
	struct accel_graph *g = load_ref("mlp");
	struct accel_ir_error err = { "" };
	struct accel_program *p = NULL;
	struct hit_ctx c = { 0 };
	struct accel_tensor x = { 0 };
	int64_t dims[2] = { 8, 784 };
	uint64_t via_jit, via_runner;
	int ret;

	if (!malloc_count_available()) {
		printf("# hit allocations: not counted in a sanitizer build\n");
		goto out;
	}
	random_input(&x, 2, dims, 5);
	if (!fn || !g || !x.data)
		goto out;
	ret = accel_program_compile(g, NULL, NULL, &p, &err);
	CHECK(ret == 0, "compile: %s", err.msg);
	ret = ret ? ret : accel_runner_create(p, dev, &c.r);
	if (ret)
		goto out;
	c.fn = fn;
	c.x = &x;
	/* Warm both: the compile, the arena and the I/O buffers. */
	CHECK(jit_hit(&c) == 0 && jit_hit(&c) == 0, "jit: %s", accel_jit_error(fn));
	CHECK(runner_hit(&c) == 0 && runner_hit(&c) == 0, "runner: %s", accel_runner_error(c.r));
	via_jit = fewest_allocs(jit_hit, &c);
	via_runner = fewest_allocs(runner_hit, &c);
	printf("# cache-hit call: %llu allocations; a direct runner launch: %llu\n",
	       (unsigned long long)via_jit, (unsigned long long)via_runner);
	CHECK(via_jit == via_runner, "the JIT's hit path allocates %llu times more than the runner",
	      (unsigned long long)(via_jit - via_runner));
out:
	accel_runner_destroy(c.r);
	accel_program_destroy(p);
	accel_graph_destroy(g);
	accel_jit_destroy(fn);
	free(x.data);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	if (accel_device_open("emu", &dev)) {
		fprintf(stderr, "cannot open the emu device\n");
		return 1;
	}
	RUN_CASE(test_mlp_batch_sweep);
	RUN_CASE(test_mlp_dynamic_flag);
	RUN_CASE(test_encoder_seq_sweep);
	RUN_CASE(test_encoder_stack_dynamic);
	RUN_CASE(test_encoder_mask);
	RUN_CASE(test_encoder_attn_masks);
	RUN_CASE(test_cnn1d_length_sweep);
	RUN_CASE(test_bert_mask);
	RUN_CASE(test_rejects);
	RUN_CASE(test_unreadable_model);
	RUN_CASE(test_shared_symbol);
	RUN_CASE(test_pinned_symbol);
	RUN_CASE(test_lru_bound);
	RUN_CASE(test_compile_failure);
	RUN_CASE(test_hit_allocations);
	accel_device_close(dev);
	HARNESS_EXIT();
}
