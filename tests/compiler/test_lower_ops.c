// SPDX-License-Identifier: MIT
/*
 * test_lower_ops.c - every op the importer produces, lowered on its own (or
 * in a small pattern) and run on the in-process device at two values of
 * the symbol n without recompiling, against the reference interpreter.
 *
 * Graphs are written in the text form with random constants. Inputs are
 * random f32 (bool inputs random bytes, 0 about half the time and any other
 * value true; i64 inputs -5 .. 4; i32 inputs small or anywhere in the
 * 32-bit range); a dim written "n" takes the value under test. Float outputs
 * must agree within rtol 1e-4, atol 1e-5; integer and bool outputs exactly.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>
#include <accel/program.h>

#include "harness.h"
#include "graph_text.h"

#define RTOL 1e-4
#define ATOL 1e-5
#define MAX_IO 8

static struct accel_device *dev;

static void begin(void)
{
	text[0] = 0;
	put("graph t {\n");
}

static void finish(void)
{
	put("}\n");
}

static void fill_input(const struct accel_graph *g, const struct accel_value *v, int64_t n,
		       struct accel_tensor *t)
{
	int64_t cnt = 1, i;
	char buf[64];
	int k;

	memset(t, 0, sizeof(*t));
	t->dtype = v->dtype;
	t->rank = v->shape.rank;
	for (k = 0; k < t->rank; k++) {
		accel_dim_format(g, v->shape.dims[k], buf, sizeof(buf));
		t->dims[k] = !strcmp(buf, "n") ? n : strtoll(buf, NULL, 10);
		cnt *= t->dims[k];
	}
	if (t->dtype == ACCEL_DT_I64) {
		/* indices: -5 .. 4, valid for any axis of 5 or more */
		t->data = malloc((size_t)cnt * sizeof(int64_t));
		for (i = 0; t->data && i < cnt; i++)
			((int64_t *)t->data)[i] = (int64_t)frand(0.0f, 9.99f) - 5;
		return;
	}
	if (t->dtype == ACCEL_DT_I32) {
		/* A third small (0 among them), the rest anywhere in 32 bits. */
		t->data = malloc((size_t)cnt * sizeof(int32_t));
		for (i = 0; t->data && i < cnt; i++) {
			float f = frand(0.0f, 3.0f);

			((int32_t *)t->data)[i] = f < 1.0f ? (int32_t)(f * 7.0f) - 3 :
						  (int32_t)(rng * 2654435761u);
		}
		return;
	}
	if (t->dtype == ACCEL_DT_BOOL) {
		/* Not only 0 and 1: any non-zero byte is true (numpy's rule). */
		static const uint8_t vals[4] = { 0, 1, 2, 255 };

		t->data = malloc((size_t)cnt);
		for (i = 0; t->data && i < cnt; i++)
			((uint8_t *)t->data)[i] = frand(0.0f, 1.0f) < 0.5f ? 0 :
						  vals[1 + (int)frand(0.0f, 2.99f)];
		return;
	}
	t->data = malloc((size_t)cnt * sizeof(float));
	for (i = 0; t->data && i < cnt; i++)
		((float *)t->data)[i] = frand(-2.0f, 2.0f);
}

static void compare(const char *what, const struct accel_tensor *got,
		    const struct accel_tensor *want)
{
	int64_t n = 1, i, bad = 0;
	int k;

	CHECK(got->dtype == want->dtype && got->rank == want->rank, "%s: %s rank %d, want %s "
	      "rank %d", what, accel_dtype_name(got->dtype), got->rank,
	      accel_dtype_name(want->dtype), want->rank);
	if (got->dtype != want->dtype || got->rank != want->rank)
		return;
	for (k = 0; k < got->rank; k++) {
		CHECK(got->dims[k] == want->dims[k], "%s: dim %d is %lld, want %lld", what, k,
		      (long long)got->dims[k], (long long)want->dims[k]);
		if (got->dims[k] != want->dims[k])
			return;
		n *= got->dims[k];
	}
	for (i = 0; i < n; i++) {
		bool ok;

		if (got->dtype == ACCEL_DT_I64) {
			ok = ((const int64_t *)got->data)[i] == ((const int64_t *)want->data)[i];
			if (!ok && !bad)
				fprintf(stderr, "%s: [%lld] = %lld, want %lld\n", what, (long long)i,
					(long long)((const int64_t *)got->data)[i],
					(long long)((const int64_t *)want->data)[i]);
		} else if (got->dtype == ACCEL_DT_I32) {
			ok = ((const int32_t *)got->data)[i] == ((const int32_t *)want->data)[i];
			if (!ok && !bad)
				fprintf(stderr, "%s: [%lld] = %d, want %d\n", what, (long long)i,
					((const int32_t *)got->data)[i],
					((const int32_t *)want->data)[i]);
		} else if (got->dtype == ACCEL_DT_BOOL) {
			/* The runner's bytes are exactly 0 or 1. */
			ok = ((const uint8_t *)got->data)[i] ==
			     !!((const uint8_t *)want->data)[i];
			if (!ok && !bad)
				fprintf(stderr, "%s: [%lld] = %u, want %u\n", what, (long long)i,
					((const uint8_t *)got->data)[i],
					((const uint8_t *)want->data)[i]);
		} else {
			double a = ((const float *)got->data)[i], w = ((const float *)want->data)[i];

			/* Equal infinities (a -inf mask) match too. */
			ok = a == w || fabs(a - w) <= ATOL + RTOL * fabs(w);
			if (!ok && !bad)
				fprintf(stderr, "%s: [%lld] = %.9g, want %.9g\n", what, (long long)i,
					a, w);
		}
		bad += !ok;
	}
	CHECK(bad == 0, "%s: %lld of %lld elements differ", what, (long long)bad, (long long)n);
}

/*
 * Compile the graph in `text` once, run it at n = 2 and n = 5 and compare
 * every output with the interpreter. @report_has: a line the compile
 * report must contain (or NULL).
 */
static void check_graph(const char *name, const char *report_has)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL, *ref = NULL;
	struct accel_program *p = NULL;
	struct accel_runner *r = NULL;
	struct accel_report *rep = NULL;
	static const int64_t ns[2] = { 2, 5 };
	uint32_t i, k;
	int ret;

	ret = accel_graph_parse(text, &g, &err);
	CHECK(ret == 0, "%s: parse: %s\n%s", name, err.msg, text);
	if (ret)
		return;
	CHECK(g->ninputs <= MAX_IO && g->noutputs <= MAX_IO, "%s: too many inputs/outputs",
	      name);
	if (g->ninputs > MAX_IO || g->noutputs > MAX_IO)
		ret = -E2BIG;
	if (!ret)
		ret = accel_graph_parse(text, &ref, &err);
	if (!ret)
		ret = accel_pass_infer_shapes(ref, NULL, &err);
	CHECK(ret == 0, "%s: reference: %s", name, err.msg);
	accel_report_create(&rep);
	ret = ret ? ret : accel_program_compile(g, NULL, rep, &p, &err);
	CHECK(ret == 0, "%s: compile: %s", name, err.msg);
	if (!ret && report_has)
		CHECK(strstr(accel_report_text(rep), report_has), "%s: report lacks '%s':\n%s",
		      name, report_has, accel_report_text(rep));
	if (!ret)
		ret = accel_runner_create(p, dev, &r);
	CHECK(ret == 0, "%s: runner: %d", name, ret);
	for (k = 0; !ret && k < 2; k++) {
		struct accel_tensor in[MAX_IO] = { { 0 } }, got[MAX_IO] = { { 0 } };
		struct accel_tensor want[MAX_IO] = { { 0 } };
		char what[128];

		for (i = 0; i < g->ninputs; i++)
			fill_input(g, g->inputs[i], ns[k], &in[i]);
		ret = accel_runner_run(r, in, g->ninputs, got, g->noutputs);
		CHECK(ret == 0, "%s n=%lld: run: %s", name, (long long)ns[k], accel_runner_error(r));
		if (!ret) {
			ret = accel_interp_run(ref, in, ref->ninputs, want, ref->noutputs, &err);
			CHECK(ret == 0, "%s: interpreter: %s", name, err.msg);
		}
		for (i = 0; !ret && i < g->noutputs; i++) {
			snprintf(what, sizeof(what), "%s n=%lld output %u", name, (long long)ns[k], i);
			compare(what, &got[i], &want[i]);
		}
		for (i = 0; i < MAX_IO; i++) {
			free(in[i].data);
			accel_tensor_release(&want[i]);
		}
	}
	if (r) {
		struct accel_runner_stats st;

		accel_runner_stats(r, &st);
		CHECK(st.runs == 2 && st.repatches == 2, "%s: %llu runs, %llu re-patches", name,
		      (unsigned long long)st.runs, (unsigned long long)st.repatches);
	}
	accel_runner_destroy(r);
	accel_program_destroy(p);
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	accel_graph_destroy(ref);
}

static void test_binary_broadcast(void)
{
	begin();
	put("  input %%a: f32[n, 3, 4]\n  input %%b: f32[4]\n  input %%c: f32[n, 1, 1]\n");
	konst("k", "3, 1", 3, 0.5f, 1.5f);
	put("  %%s = Add(%%a, %%b)\n  %%t = Sub(%%s, %%c)\n  %%u = Mul(%%t, %%k)\n"
	    "  %%y = Div(%%u, %%k)\n  output %%y\n");
	finish();
	check_graph("add/sub/mul/div", "1 FUSED_ELEMENTWISE");
}

static void test_unary(void)
{
	begin();
	put("  input %%x: f32[n, 7]\n");
	put("  %%r = Relu(%%x)\n  %%e = Erf(%%x)\n  %%t = Tanh(%%x)\n  %%s = Sigmoid(%%x)\n"
	    "  %%q = Sqrt(%%s)\n  %%g = Gelu(%%x)\n  %%h = Gelu(%%x) {approximate=1}\n"
	    "  const %%two: f32[] = [0x1p+1]\n  %%p = Pow(%%s, %%two)\n"
	    "  const %%e3: f32[] = [0x1.8p+0]\n  %%p3 = Pow(%%s, %%e3)\n"
	    "  output %%r\n  output %%e\n  output %%t\n  output %%q\n  output %%g\n"
	    "  output %%h\n  output %%p\n  output %%p3\n");
	finish();
	check_graph("unary", NULL);
}

static void test_equal_where_cast(void)
{
	begin();
	put("  input %%a: f32[n, 4]\n  input %%b: f32[n, 4]\n  const %%z: f32[] = [0x0p+0]\n"
	    "  %%r = Relu(%%a)\n  %%e = Equal(%%r, %%z)\n  %%w = Where(%%e, %%a, %%b)\n"
	    "  %%c = Cast(%%e) {to=1}\n  %%y = Add(%%w, %%c)\n  output %%y\n");
	finish();
	check_graph("equal/where/cast", NULL);
}

/*
 * Bool graph inputs and outputs: the runner converts a bool input to f32
 * 0/1 on upload and a bool output back to bytes. In between: Not, And, Or,
 * Where on a run-time condition, Cast bool -> f32 and f32 -> bool, Equal of
 * bools, a broadcast (Expand) and a view (Reshape) of a bool.
 */
static void test_bool_io(void)
{
	begin();
	put("  input %%m: bool[n, 4]\n  input %%k: bool[4]\n  input %%a: f32[n, 4]\n"
	    "  input %%b: f32[n, 4]\n"
	    "  %%nm = Not(%%m)\n  %%and = And(%%nm, %%k)\n  %%or = Or(%%m, %%k)\n"
	    "  %%w = Where(%%m, %%a, %%b)\n  %%c = Cast(%%or) {to=1}\n"
	    "  %%y = Add(%%w, %%c)\n  %%ab = Cast(%%a) {to=7}\n  %%eq = Equal(%%ab, %%m)\n"
	    "  %%e = Expand(%%k) {shape=[n, 4]}\n  %%r = Reshape(%%m) {shape=[4, n]}\n"
	    "  output %%y\n  output %%and\n  output %%eq\n  output %%e\n  output %%r\n"
	    "  output %%nm\n");
	finish();
	check_graph("bool in/out", NULL);

	/* The mask pattern of nn.MultiheadAttention: a bool key-padding mask
	 * becomes an additive -inf mask before the softmax. */
	begin();
	put("  input %%x: f32[n, 3, 5]\n  input %%pad: bool[n, 5]\n"
	    "  const %%ninf: f32[] = [-inf]\n  const %%zero: f32[] = [0x0p+0]\n"
	    "  %%u = Unsqueeze(%%pad) {axes=[1]}\n  %%add = Where(%%u, %%ninf, %%zero)\n"
	    "  %%s = Add(%%x, %%add)\n  %%y = Softmax(%%s) {axis=-1}\n  output %%y\n");
	finish();
	check_graph("key-padding mask", NULL);
}

/*
 * Trilu on run-time tensors: rewritten into a Where over row and column
 * indices (Range tables in f32). A square [n, n] causal mask filled with
 * -inf (generate_square_subsequent_mask's form, one index table), the
 * lower triangle of a [2, n, 5] batch with k = -1 (two tables), and an
 * upper one with k = 2.
 */
static void test_trilu(void)
{
	begin();
	put("  input %%x: f32[n, 3]\n  input %%b: f32[2, n, 5]\n"
	    "  %%s = Shape(%%x) {end=1}\n  %%ss = Concat(%%s, %%s) {axis=0}\n"
	    "  %%c = ConstantOfShape(%%ss) {dtype=1, value=-inf}\n"
	    "  %%causal = Trilu(%%c) {k=1}\n"
	    "  %%lo = Trilu(%%b) {upper=0, k=-1}\n  %%up = Trilu(%%b) {k=2}\n"
	    "  output %%causal\n  output %%lo\n  output %%up\n");
	finish();
	check_graph("trilu", "lower: Trilu -> %causal as a Where over row and column indices "
		    "(k = 1, upper)");
}

static void test_matmul(void)
{
	begin();
	put("  input %%a: f32[n, 6]\n");
	konst("w", "6, 5", 30, -1, 1);
	konst("bias", "5", 5, -1, 1);
	put("  %%m = MatMul(%%a, %%w)\n  %%s = Add(%%m, %%bias)\n  %%y = Relu(%%s)\n  output %%y\n");
	finish();
	check_graph("matmul+bias+relu", "2 nodes into GEMM/CONV epilogues");

	begin();
	put("  input %%a: f32[n, 3, 4]\n  input %%b: f32[n, 4, 5]\n"
	    "  %%y = MatMul(%%a, %%b)\n  output %%y\n");
	finish();
	check_graph("matmul batched", NULL);

	begin();
	put("  input %%a: f32[n, 2, 3, 4]\n  input %%b: f32[n, 2, 4, 5]\n");
	konst("w", "4, 3", 12, -1, 1);
	put("  %%y = MatMul(%%a, %%b)\n  %%z = MatMul(%%a, %%w)\n  output %%y\n  output %%z\n");
	finish();
	check_graph("matmul rank 4", NULL);

	/* [2, n] against [n]: the outer dim is looped, two GEMMs. */
	begin();
	put("  input %%a: f32[2, n, 3, 4]\n  input %%b: f32[n, 4, 5]\n"
	    "  %%y = MatMul(%%a, %%b)\n  output %%y\n");
	finish();
	check_graph("matmul [2, n] x [n]", "2 packets");

	begin();
	put("  input %%a: f32[n, 4]\n  input %%v: f32[4]\n  input %%u: f32[n]\n"
	    "  %%y = MatMul(%%a, %%v)\n  %%z = MatMul(%%u, %%a)\n  output %%y\n  output %%z\n");
	finish();
	check_graph("matmul vectors", NULL);

	/* torch's exact GELU after a linear layer: all of it one GEMM. */
	begin();
	put("  input %%a: f32[n, 6]\n");
	konst("w", "6, 5", 30, -1, 1);
	konst("bias", "5", 5, -1, 1);
	put("  const %%sq2: f32[] = [0x1.6a09e6p+0]\n  const %%one: f32[] = [0x1p+0]\n"
	    "  const %%half: f32[] = [0x1p-1]\n"
	    "  %%m = MatMul(%%a, %%w)\n  %%t = Add(%%bias, %%m)\n  %%d = Div(%%t, %%sq2)\n"
	    "  %%e = Erf(%%d)\n  %%p = Add(%%e, %%one)\n  %%q = Mul(%%t, %%p)\n"
	    "  %%y = Mul(%%q, %%half)\n  output %%y\n");
	finish();
	check_graph("matmul+bias+exported gelu", "1 kernels for 7 nodes: 0 elementwise nodes in 0 "
		    "FUSED_ELEMENTWISE, 6 nodes into GEMM/CONV epilogues");

	/* x + x^T through a strided view: must not be written in place. */
	begin();
	put("  input %%a: f32[n, 16]\n");
	konst("w", "16, 16", 256, -1, 1);
	put("  %%m = MatMul(%%a, %%w)\n  %%sq = Reshape(%%m) {shape=[n, 4, 4]}\n"
	    "  %%t = Transpose(%%sq) {perm=[0, 2, 1]}\n  %%b = Add(%%sq, %%t)\n"
	    "  %%c = Reshape(%%b) {shape=[n, 16]}\n  %%y = MatMul(%%c, %%w)\n  output %%y\n");
	finish();
	check_graph("x + x^T", "1 transposes read through strides");

	/* attention-style: B transposed by a Transpose node */
	begin();
	put("  input %%q: f32[n, 3, 4]\n  input %%k: f32[n, 3, 4]\n"
	    "  %%kt = Transpose(%%k) {perm=[0, 2, 1]}\n  %%s = MatMul(%%q, %%kt)\n"
	    "  %%p = Softmax(%%s) {axis=-1}\n  output %%p\n");
	finish();
	check_graph("q @ k^T softmax", "1 transposes read through strides");
}

static void test_gemm(void)
{
	begin();
	put("  input %%a: f32[4, n]\n");
	konst("b", "5, 4", 20, -1, 1);
	konst("c", "5", 5, -1, 1);
	put("  %%y = Gemm(%%a, %%b, %%c) {alpha=0.5, beta=2.0, transA=1, transB=1}\n"
	    "  output %%y\n");
	finish();
	check_graph("gemm transposed, beta C", NULL);

	begin();
	put("  input %%a: f32[n, 4]\n");
	konst("b", "4, 3", 12, -1, 1);
	konst("c", "1, 3", 3, -1, 1);
	put("  %%y = Gemm(%%a, %%b, %%c)\n  output %%y\n");
	finish();
	check_graph("gemm bias", NULL);

	begin();
	put("  input %%a: f32[3, 4]\n  input %%c: f32[3, n]\n");
	put("  const %%b: f32[4, 1] = [0x1p+0, 0x1p-1, -0x1p+0, 0x1.8p+0]\n");
	put("  %%t = Gemm(%%a, %%b)\n  %%y = Add(%%t, %%c)\n  output %%y\n");
	finish();
	check_graph("gemm no C", NULL);
}

static void test_conv(void)
{
	begin();
	put("  input %%x: f32[n, 4, 7, 6]\n");
	konst("w", "6, 2, 3, 3", 108, -0.5f, 0.5f);
	konst("b", "6", 6, -0.5f, 0.5f);
	put("  %%y = Conv(%%x, %%w, %%b) {dilations=[1, 2], group=2, pads=[1, 0, 1, 2], "
	    "strides=[2, 1]}\n  %%z = Tanh(%%y)\n  output %%z\n");
	finish();
	check_graph("conv2d groups/pads/dilation + tanh", "1 nodes into GEMM/CONV epilogues");
}

static void test_batchnorm(void)
{
	begin();
	put("  input %%x: f32[n, 3, 5, 5]\n");
	konst("w", "4, 3, 3, 3", 108, -0.5f, 0.5f);
	konst("g", "4", 4, 0.5f, 1.5f);
	konst("be", "4", 4, -0.5f, 0.5f);
	konst("mu", "4", 4, -0.5f, 0.5f);
	konst("var", "4", 4, 0.5f, 1.5f);
	put("  %%c = Conv(%%x, %%w) {pads=[1, 1, 1, 1]}\n"
	    "  %%b = BatchNormalization(%%c, %%g, %%be, %%mu, %%var)\n  %%r = Relu(%%b)\n"
	    "  %%b2 = BatchNormalization(%%r, %%g, %%be, %%mu, %%var) {epsilon=0.001}\n"
	    "  output %%b2\n");
	finish();
	check_graph("batchnorm folded and affine", "bnfold: 1 folded into Conv, 1 turned affine");
}

static void test_norms(void)
{
	begin();
	put("  input %%x: f32[n, 3, 8]\n");
	konst("s", "8", 8, 0.5f, 1.5f);
	konst("b", "8", 8, -0.5f, 0.5f);
	konst("s2", "3, 8", 24, 0.5f, 1.5f);
	put("  %%y = LayerNormalization(%%x, %%s, %%b) {axis=-1}\n"
	    "  %%z = LayerNormalization(%%x, %%s2) {axis=1, epsilon=0.01}\n"
	    "  output %%y\n  output %%z\n");
	finish();
	check_graph("layernorm", NULL);

	begin();
	put("  input %%x: f32[n, 5, 3]\n"
	    "  %%y = Softmax(%%x) {axis=-1}\n  %%z = Softmax(%%x) {axis=1}\n"
	    "  %%w = Softmax(%%x) {axis=0}\n  output %%y\n  output %%z\n  output %%w\n");
	finish();
	check_graph("softmax axes", NULL);
}

static void test_pool_reduce(void)
{
	begin();
	put("  input %%x: f32[n, 2, 7, 7]\n"
	    "  %%a = MaxPool(%%x) {kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]}\n"
	    "  %%b = MaxPool(%%x) {ceil_mode=1, kernel_shape=[2, 2], strides=[2, 2]}\n"
	    "  %%c = AveragePool(%%x) {kernel_shape=[3, 2], pads=[1, 0, 1, 1], strides=[2, 2]}\n"
	    "  %%d = AveragePool(%%x) {count_include_pad=1, kernel_shape=[3, 3], "
	    "pads=[1, 1, 1, 1], strides=[1, 1]}\n"
	    "  %%e = GlobalAveragePool(%%x)\n"
	    "  output %%a\n  output %%b\n  output %%c\n  output %%d\n  output %%e\n");
	finish();
	check_graph("pools", NULL);

	begin();
	put("  input %%x: f32[n, 4, 5]\n"
	    "  %%a = ReduceMean(%%x) {axes=[1], keepdims=0}\n"
	    "  %%b = ReduceMean(%%x) {axes=[0, 2]}\n  %%c = ReduceMean(%%x) {axes=[-1]}\n"
	    "  output %%a\n  output %%b\n  output %%c\n");
	finish();
	check_graph("reducemean", NULL);
}

static void test_layout(void)
{
	begin();
	put("  input %%x: f32[n, 2, 3]\n"
	    "  %%r = Reshape(%%x) {shape=[n, 6]}\n  %%s = Relu(%%r)\n"
	    "  %%f = Flatten(%%x) {axis=2}\n  %%u = Unsqueeze(%%x) {axes=[1]}\n"
	    "  %%q = Squeeze(%%u) {axes=[1]}\n  %%t = Sigmoid(%%q)\n"
	    "  output %%s\n  output %%f\n  output %%u\n  output %%t\n");
	finish();
	check_graph("views", "views");

	begin();
	put("  input %%x: f32[n, 2, 3, 4]\n"
	    "  %%y = Transpose(%%x) {perm=[2, 0, 3, 1]}\n  %%z = Transpose(%%x)\n"
	    "  output %%y\n  output %%z\n");
	finish();
	check_graph("transpose", NULL);

	begin();
	put("  input %%a: f32[n, 2]\n  input %%b: f32[n, 3]\n"
	    "  %%c = Concat(%%a, %%b, %%a) {axis=1}\n  %%d = Concat(%%a, %%a) {axis=0}\n"
	    "  %%p, %%q = Split(%%c) {axis=1, split=[3, 4]}\n"
	    "  output %%c\n  output %%d\n  output %%p\n  output %%q\n");
	finish();
	check_graph("concat/split", NULL);

	begin();
	put("  input %%x: f32[n, 10]\n"
	    "  const %%s: i64[1] = [1]\n  const %%e: i64[1] = [8]\n  const %%ax: i64[1] = [1]\n"
	    "  const %%st: i64[1] = [2]\n  const %%big: i64[1] = [9223372036854775807]\n"
	    "  const %%m3: i64[1] = [-3]\n  const %%z: i64[1] = [0]\n"
	    "  %%a = Slice(%%x, %%s, %%e, %%ax, %%st)\n  %%b = Slice(%%x, %%s, %%big, %%z)\n"
	    "  %%c = Slice(%%x, %%m3, %%big, %%ax)\n"
	    "  output %%a\n  output %%b\n  output %%c\n");
	finish();
	check_graph("slice", NULL);

	begin();
	put("  input %%x: f32[n, 5, 3]\n  const %%i: i64[2] = [4, -5]\n"
	    "  const %%j: i64[] = [2]\n"
	    "  %%g = Gather(%%x, %%i) {axis=1}\n  %%h = Gather(%%x, %%j) {axis=2}\n"
	    "  output %%g\n  output %%h\n");
	finish();
	check_graph("gather", NULL);

	/* An embedding: run-time i64 ids, negative ones included. */
	begin();
	put("  input %%ids: i64[n, 3]\n");
	konst("tab", "6, 4", 24, -1, 1);
	put("  %%e = Gather(%%tab, %%ids) {axis=0}\n  %%y = Relu(%%e)\n  output %%y\n");
	finish();
	check_graph("gather run-time indices", NULL);

	begin();
	put("  input %%x: f32[n, 1, 3]\n"
	    "  %%e = Expand(%%x) {shape=[n, 4, 3]}\n"
	    "  %%p = Pad(%%x) {pads=[0, 1, 0, 0, 0, 2], value=0.5}\n"
	    "  output %%e\n  output %%p\n");
	finish();
	check_graph("expand/pad", NULL);

	begin();
	put("  input %%x: f32[n, 3]\n"
	    "  %%s = Shape(%%x)\n  %%c = ConstantOfShape() {shape=[n, 3], value=2.5}\n"
	    "  %%y = Add(%%x, %%c)\n  output %%s\n  output %%y\n");
	finish();
	check_graph("shape/constantofshape", NULL);
}

/*
 * Run-time Casts between f32 (and bool, f32 0/1 on the device), i32 and
 * i64: a converting COPY each (ISA 1.1); int -> bool through f32 and a
 * fused x != 0. The f32 inputs are scaled per column (1e10, 2^31, 3,
 * 1.5e19) so truncation of negatives, saturation of i32 and i64 and the
 * i64 -> i32 wrap are all reached; the interpreter follows the ISA there.
 */
static void test_cast(void)
{
	begin();
	put("  input %%x: f32[n, 4]\n  input %%j: i32[n, 4]\n"
	    "  const %%scale: f32[4] = [%a, %a, %a, %a]\n"
	    "  %%xs = Mul(%%x, %%scale)\n"
	    "  %%a = Cast(%%xs) {to=5}\n  %%b = Cast(%%xs) {to=6}\n  %%w = Cast(%%b) {to=5}\n"
	    "  %%d = Cast(%%j) {to=1}\n  %%e = Cast(%%j) {to=6}\n  %%l = Cast(%%j) {to=7}\n"
	    "  %%bf = Cast(%%b) {to=1}\n"
	    "  output %%a\n  output %%b\n  output %%w\n  output %%d\n  output %%e\n"
	    "  output %%l\n  output %%bf\n",
	    1e10, 2147483648.0, 3.0, 1.5e19);
	finish();
	check_graph("casts f32/i32/i64", "Cast i32 -> bool of %j through f32");

	begin();
	put("  input %%i: i64[n, 4]\n  input %%m: bool[n, 4]\n  input %%x: f32[n, 4]\n"
	    "  %%c = Cast(%%i) {to=1}\n  %%g = Cast(%%m) {to=6}\n  %%h = Cast(%%m) {to=5}\n"
	    "  %%k = Cast(%%i) {to=7}\n  %%nk = Not(%%k)\n  %%n32 = Cast(%%i) {to=5}\n"
	    "  %%back = Cast(%%n32) {to=6}\n"
	    "  output %%c\n  output %%g\n  output %%h\n  output %%k\n  output %%nk\n"
	    "  output %%back\n");
	finish();
	check_graph("casts i64/bool", "Cast i64 -> bool of %i through f32");

	/* The BERT extended attention mask: an int64 0/1 mask cast to float,
	 * (1 - mask) * -10000 added to the scores before the softmax. */
	begin();
	put("  input %%s: f32[n, 2, 3, 5]\n  input %%mask: i64[n, 5]\n"
	    "  const %%one: f32[] = [0x1p+0]\n  const %%big: f32[] = [-0x1.388p+13]\n"
	    "  %%u = Unsqueeze(%%mask) {axes=[1, 2]}\n  %%mf = Cast(%%u) {to=1}\n"
	    "  %%inv = Sub(%%one, %%mf)\n  %%add = Mul(%%inv, %%big)\n"
	    "  %%t = Add(%%s, %%add)\n  %%y = Softmax(%%t) {axis=-1}\n  output %%y\n");
	finish();
	check_graph("int64 attention mask", NULL);
}

static void test_range(void)
{
	/* torch.arange(x.shape[0]).float(): computed in f32, no Cast left. */
	begin();
	put("  input %%x: f32[n, 3]\n  const %%zero: i64[] = [0]\n  const %%one: i64[] = [1]\n"
	    "  %%s = Shape(%%x) {end=1}\n  %%l = Squeeze(%%s) {axes=[0]}\n"
	    "  %%r = Range(%%zero, %%l, %%one)\n  %%f = Cast(%%r) {to=1}\n"
	    "  %%u = Unsqueeze(%%f) {axes=[1]}\n  %%y = Add(%%x, %%u)\n"
	    "  %%i = Range(%%zero, %%l, %%one)\n  output %%y\n  output %%i\n");
	finish();
	check_graph("range", "computed in f32");
}

/*
 * Compile the graph put() since begin(): it must be refused with
 * -EOPNOTSUPP and a message naming the node %t and holding @needle.
 */
static void expect_refused(const char *what, const char *needle)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_program *p = NULL;
	int ret;

	finish();
	CHECK(accel_graph_parse(text, &g, &err) == 0, "%s: parse: %s", what, err.msg);
	ret = g ? accel_program_compile(g, NULL, NULL, &p, &err) : -EINVAL;
	CHECK(ret == -EOPNOTSUPP && strstr(err.msg, "%t") && strstr(err.msg, needle),
	      "%s: %d %s", what, ret, err.msg);
	printf("# %s\n", err.msg);
	accel_program_destroy(p);
	accel_graph_destroy(g);
}

/* What cannot lower is refused at compile time, naming node and op. */
static void test_refusals(void)
{
	begin();
	put("  input %%x: f32[n, 3]\n  %%t = Cast(%%x) {to=3}\n  %%y = Cast(%%t) {to=1}\n"
	    "  output %%y\n");
	expect_refused("f32->f16 Cast", "Cast from f32 to f16 at run time");

	begin();
	put("  input %%i: i64[n, 3]\n  %%t = Cast(%%i) {to=4}\n  %%y = Cast(%%t) {to=1}\n"
	    "  output %%y\n");
	expect_refused("i64->i8 Cast", "Cast from i64 to i8 at run time");

	/* Integer arithmetic at run time: ISA 1.1 converts but computes in
	 * f32 only. */
	begin();
	put("  input %%i: i64[n, 3]\n  input %%j: i64[n, 3]\n  %%t = Add(%%i, %%j)\n"
	    "  output %%t\n");
	expect_refused("i64 Add", "elementwise Add on i64");

	/* Trilu on a run-time integer tensor. */
	begin();
	put("  input %%i: i64[n, 3]\n  %%t = Trilu(%%i)\n  output %%t\n");
	expect_refused("i64 Trilu", "Trilu on i64");

}

int main(void)
{
	if (accel_device_open("emu", &dev)) {
		fprintf(stderr, "cannot open the emu device\n");
		return 1;
	}
	RUN_CASE(test_binary_broadcast);
	RUN_CASE(test_unary);
	RUN_CASE(test_equal_where_cast);
	RUN_CASE(test_bool_io);
	RUN_CASE(test_trilu);
	RUN_CASE(test_matmul);
	RUN_CASE(test_gemm);
	RUN_CASE(test_conv);
	RUN_CASE(test_batchnorm);
	RUN_CASE(test_norms);
	RUN_CASE(test_pool_reduce);
	RUN_CASE(test_layout);
	RUN_CASE(test_range);
	RUN_CASE(test_cast);
	RUN_CASE(test_refusals);
	accel_device_close(dev);
	HARNESS_EXIT();
}
