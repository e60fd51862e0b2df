// SPDX-License-Identifier: MIT
/*
 * test_conv1d.c - 1-D Conv, MaxPool, AveragePool and GlobalAveragePool
 * (input [N, C, L]) rewritten into their 2-D form with H = 1
 * (compiler/pass_conv1d.c).
 *
 * Each case is one node in the text form with random constants, compiled
 * once with the batch n and the length l symbolic, and run on the
 * in-process device at (n, l) = (2, 9) and (3, 16) (or a constant l where
 * ceil_mode needs one). The device's result is compared with the reference
 * interpreter AND with a direct 1-D implementation of the ONNX semantics
 * written here, which knows nothing of the 2-D rewrite: the attribute
 * corners (asymmetric pads, stride, dilation, groups, depthwise, ceil_mode,
 * count_include_pad) are checked against it within rtol 1e-4, atol 1e-5.
 * Patterns check that BatchNorm folds into a 1-D Conv, that bias and
 * activation (the exported GELU included) become its epilogue and that
 * the Unsqueeze/Squeeze around it are views. What stays refused (3-D,
 * attribute lists of the wrong length, ceil_mode on a symbolic length,
 * auto_pad, ONNX models) is refused naming the node, the op and the
 * attribute.
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

#define GRAPH_TEXT_SEED 7u
#include "graph_text.h"
#include "onnx_model.h"

#define RTOL 1e-4
#define ATOL 1e-5

static struct accel_device *dev;
static double worst_direct;

/* ---- the direct 1-D reference (ONNX semantics, no 2-D anywhere) ---- */

struct case1d {
	const char *name;
	const char *op;			/* Conv, MaxPool, AveragePool, GlobalAveragePool */
	int c, m, k, stride, dil, pb, pe, group;
	bool bias, ceil, count_pad;
	const char *attrs;		/* the node's attributes as text */
	int fixed_l;			/* 0: l symbolic, else the constant length */
};

static int64_t out_len(const struct case1d *t, int64_t l)
{
	int64_t span = (int64_t)(t->k - 1) * t->dil + 1, num = l + t->pb + t->pe - span, o;

	if (!strcmp(t->op, "GlobalAveragePool"))
		return 1;
	o = (t->ceil ? (num + t->stride - 1) / t->stride : num / t->stride) + 1;
	/* A window must start inside the input or its left padding. */
	if (t->ceil && (o - 1) * t->stride >= l + t->pb)
		o--;
	return o;
}

/* Output element (@nn, @ch, @o) of @t on x [n, C, @l]. */
static float direct_at(const struct case1d *t, const float *x, int64_t nn, int64_t ch, int64_t o,
		       int64_t l, const float *w, const float *b)
{
	double acc = 0, best = -INFINITY;
	int64_t j, cin, cnt = 0, padded = 0;

	if (!strcmp(t->op, "GlobalAveragePool")) {
		for (j = 0; j < l; j++)
			acc += x[(nn * t->c + ch) * l + j];
		return (float)(acc / (double)l);
	}
	if (!strcmp(t->op, "Conv")) {
		int64_t cg = t->c / t->group, g = ch / (t->m / t->group);

		for (cin = 0; cin < cg; cin++)
			for (j = 0; j < t->k; j++) {
				int64_t p = o * t->stride - t->pb + j * t->dil;

				if (p >= 0 && p < l)
					acc += (double)x[(nn * t->c + g * cg + cin) * l + p] *
					       w[(ch * cg + cin) * t->k + j];
			}
		return (float)(acc + (b ? b[ch] : 0));
	}
	for (j = 0; j < t->k; j++) {
		int64_t p = o * t->stride - t->pb + j * t->dil;
		double v;

		padded += p >= -t->pb && p < l + t->pe;
		if (p < 0 || p >= l)
			continue;
		v = x[(nn * t->c + ch) * l + p];
		cnt++;
		acc += v;
		best = v > best ? v : best;
	}
	if (!strcmp(t->op, "MaxPool"))
		return (float)best;
	return (float)(acc / (double)(t->count_pad ? padded : cnt));
}

static void direct(const struct case1d *t, const float *x, int64_t n, int64_t l, const float *w,
		   const float *b, float *y)
{
	int64_t lo = out_len(t, l), nn, ch, o;
	int oc = t->m ? t->m : t->c;

	for (nn = 0; nn < n; nn++)
		for (ch = 0; ch < oc; ch++)
			for (o = 0; o < lo; o++)
				y[(nn * oc + ch) * lo + o] = direct_at(t, x, nn, ch, o, l, w, b);
}

/* ---- compile once, run at two shapes ---- */

static int compare(const char *what, const float *got, const float *want, int64_t count,
		   double *worst)
{
	int64_t i, bad = 0;

	for (i = 0; i < count; i++) {
		double e = fabs((double)got[i] - want[i]);

		if (!(e <= ATOL + RTOL * fabs(want[i]))) {
			if (!bad)
				fprintf(stderr, "%s: [%lld] = %.9g, want %.9g\n", what, (long long)i,
					got[i], want[i]);
			bad++;
		}
		if (worst && e > *worst)
			*worst = e;
	}
	CHECK(bad == 0, "%s: %lld of %lld elements differ", what, (long long)bad,
	      (long long)count);
	return bad != 0;
}

static void random_x(struct accel_tensor *x, int rank, const int64_t *dims)
{
	int64_t cnt = 1, i;
	int k;

	memset(x, 0, sizeof(*x));
	x->dtype = ACCEL_DT_F32;
	x->rank = rank;
	for (k = 0; k < rank; k++)
		cnt *= x->dims[k] = dims[k];
	x->data = malloc((size_t)cnt * sizeof(float));
	for (i = 0; x->data && i < cnt; i++)
		((float *)x->data)[i] = frand(-2.0f, 2.0f);
}

/*
 * Compile `text` (one input x: f32[n, C, l]) and run it at two shapes
 * against the interpreter and, when @t is given, the direct reference.
 * @report_has: lines the compile report must contain (NULL-terminated).
 */
static void check_graph(const char *name, const struct case1d *t, const float *w, const float *b,
			int c, const char *const *report_has)
{
	static const int64_t shapes[2][2] = { { 2, 9 }, { 3, 16 } };
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL, *ref = NULL;
	struct accel_program *p = NULL;
	struct accel_runner *r = NULL;
	struct accel_report *rep = NULL;
	int ret, k;

	ret = accel_graph_parse(text, &g, &err);
	CHECK(ret == 0, "%s: parse: %s\n%s", name, err.msg, text);
	if (!ret)
		ret = accel_graph_parse(text, &ref, &err);
	if (!ret)
		ret = accel_pass_infer_shapes(ref, NULL, &err);
	CHECK(ret == 0, "%s: reference: %s", name, err.msg);
	accel_report_create(&rep);
	if (!ret)
		ret = accel_program_compile(g, NULL, rep, &p, &err);
	CHECK(ret == 0, "%s: compile: %s", name, err.msg);
	for (k = 0; !ret && report_has && report_has[k]; k++)
		CHECK(strstr(accel_report_text(rep), report_has[k]), "%s: report lacks '%s':\n%s",
		      name, report_has[k], accel_report_text(rep));
	if (getenv("ACCEL_TEST_VERBOSE") && rep)
		printf("%s", accel_report_text(rep));
	if (!ret)
		ret = accel_runner_create(p, dev, &r);
	CHECK(ret == 0, "%s: runner: %d", name, ret);
	for (k = 0; !ret && k < 2; k++) {
		int64_t n = shapes[k][0], l = t && t->fixed_l ? t->fixed_l : shapes[k][1];
		struct accel_tensor x[2] = { { 0 } }, got = { 0 }, want = { 0 };
		char what[160];
		int64_t cnt = 1;
		int d;

		random_x(&x[0], 3, (int64_t[]){ n, c, l });
		/* A second input (a run-time weight) has constant dims. */
		if (g->ninputs > 1)
			random_x(&x[1], g->inputs[1]->shape.rank, (int64_t[]){
				 g->inputs[1]->shape.dims[0].val, g->inputs[1]->shape.dims[1].val,
				 g->inputs[1]->shape.dims[2].val });
		ret = accel_runner_run(r, x, g->ninputs, &got, 1);
		CHECK(ret == 0, "%s: run: %s", name, accel_runner_error(r));
		if (!ret) {
			ret = accel_interp_run(ref, x, g->ninputs, &want, 1, &err);
			CHECK(ret == 0, "%s: interpreter: %s", name, err.msg);
		}
		if (!ret) {
			CHECK(got.rank == want.rank, "%s: rank %d, want %d", name, got.rank,
			      want.rank);
			for (d = 0; d < got.rank && d < want.rank; d++) {
				CHECK(got.dims[d] == want.dims[d], "%s: dim %d", name, d);
				cnt *= got.dims[d];
			}
			snprintf(what, sizeof(what), "%s n=%lld l=%lld vs interpreter", name,
				 (long long)n, (long long)l);
			compare(what, got.data, want.data, cnt, NULL);
		}
		if (!ret && t) {
			int oc = t->m ? t->m : t->c;
			int64_t lo = out_len(t, l);
			float *y = malloc((size_t)(n * oc * lo) * sizeof(float));

			CHECK(got.rank == 3 && got.dims[0] == n && got.dims[1] == oc &&
			      got.dims[2] == lo, "%s: [%lld, %lld, %lld], want [%lld, %d, %lld]",
			      name, (long long)got.dims[0], (long long)got.dims[1],
			      (long long)got.dims[2], (long long)n, oc, (long long)lo);
			if (y && got.rank == 3 && got.dims[2] == lo) {
				direct(t, x[0].data, n, l, w, b, y);
				snprintf(what, sizeof(what), "%s n=%lld l=%lld vs direct 1-D", name,
					 (long long)n, (long long)l);
				compare(what, got.data, y, n * oc * lo, &worst_direct);
			}
			free(y);
		}
		free(x[0].data);
		free(x[1].data);
		accel_tensor_release(&want);
	}
	accel_runner_destroy(r);
	accel_program_destroy(p);
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	accel_graph_destroy(ref);
}

static void run_case(const struct case1d *t)
{
	static float w[4096], b[64];
	char dims[64];
	const char *report[] = { "conv1d: ", NULL };

	text[0] = 0;
	put("graph t {\n");
	if (t->fixed_l)
		put("  input %%x: f32[n, %d, %d]\n", t->c, t->fixed_l);
	else
		put("  input %%x: f32[n, %d, l]\n", t->c);
	if (!strcmp(t->op, "Conv")) {
		int cg = t->c / t->group;

		snprintf(dims, sizeof(dims), "%d, %d, %d", t->m, cg, t->k);
		konst_keep("w", dims, t->m * cg * t->k, -0.5f, 0.5f, w);
		if (t->bias) {
			snprintf(dims, sizeof(dims), "%d", t->m);
			konst_keep("b", dims, t->m, -0.5f, 0.5f, b);
		}
		put("  %%t = Conv(%%x, %%w%s) %s\n", t->bias ? ", %b" : "", t->attrs);
	} else {
		put("  %%t = %s(%%x) %s\n", t->op, t->attrs);
	}
	put("  output %%t\n}\n");
	check_graph(t->name, t, w, t->bias ? b : NULL, t->c, report);
}

/* Conv: pads (asymmetric), stride 2, dilation 2, groups, depthwise. */
static void test_conv(void)
{
	static const struct case1d cases[] = {
		{ "conv k3 pad 1", "Conv", 4, 6, 3, 1, 1, 1, 1, 1, true, false, false,
		  "{pads=[1, 1]}", 0 },
		{ "conv stride 2 dilation 2 pads 2/1 group 2", "Conv", 4, 6, 3, 2, 2, 2, 1, 2,
		  true, false, false, "{dilations=[2], group=2, pads=[2, 1], strides=[2]}", 0 },
		{ "conv depthwise x2 k5", "Conv", 4, 8, 5, 1, 1, 2, 2, 4, true, false, false,
		  "{group=4, pads=[2, 2]}", 0 },
		{ "conv pointwise no bias", "Conv", 5, 3, 1, 1, 1, 0, 0, 1, false, false, false,
		  "", 0 },
		{ "conv stride 3 no pads", "Conv", 3, 4, 4, 3, 1, 0, 0, 1, true, false, false,
		  "{strides=[3], dilations=[1], pads=[0, 0]}", 0 },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static void test_pool(void)
{
	static const struct case1d cases[] = {
		{ "maxpool k3 s2 pad 1", "MaxPool", 3, 0, 3, 2, 1, 1, 1, 1, false, false, false,
		  "{kernel_shape=[3], pads=[1, 1], strides=[2]}", 0 },
		{ "maxpool k2 (stride 1)", "MaxPool", 2, 0, 2, 1, 1, 0, 0, 1, false, false, false,
		  "{kernel_shape=[2]}", 0 },
		{ "maxpool dilation 2 pads 2/1", "MaxPool", 2, 0, 3, 1, 2, 2, 1, 1, false, false,
		  false, "{dilations=[2], kernel_shape=[3], pads=[2, 1], strides=[1]}", 0 },
		{ "maxpool ceil_mode", "MaxPool", 2, 0, 2, 2, 1, 0, 0, 1, false, true, false,
		  "{ceil_mode=1, kernel_shape=[2], strides=[2]}", 11 },
		{ "avgpool k3 s2 pad 1", "AveragePool", 3, 0, 3, 2, 1, 1, 1, 1, false, false,
		  false, "{kernel_shape=[3], pads=[1, 1], strides=[2]}", 0 },
		{ "avgpool count_include_pad", "AveragePool", 3, 0, 3, 2, 1, 1, 1, 1, false, false,
		  true, "{count_include_pad=1, kernel_shape=[3], pads=[1, 1], strides=[2]}", 0 },
		{ "avgpool k4 s3", "AveragePool", 2, 0, 4, 3, 1, 0, 0, 1, false, false, false,
		  "{kernel_shape=[4], strides=[3]}", 0 },
		{ "avgpool ceil_mode", "AveragePool", 2, 0, 3, 2, 1, 1, 0, 1, false, true, false,
		  "{ceil_mode=1, kernel_shape=[3], pads=[1, 0], strides=[2]}", 12 },
		{ "global average pool", "GlobalAveragePool", 5, 0, 1, 1, 1, 0, 0, 1, false,
		  false, false, "", 0 },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/*
 * The back end treats them like 2-D: BatchNorm folded into the Conv, Relu
 * and the exported GELU as epilogues, the residual add and the pools
 * reading views; no COPY anywhere (the output comes from a Gemm).
 */
static void test_patterns(void)
{
	/* conv (+ folded BN, Relu epilogue), depthwise conv (+ folded BN),
	 * Add + Relu, MaxPool, the mean, the GEMM: 6 packets, no COPY (every
	 * Unsqueeze and Squeeze a view). */
	static const char *const fold[] = { "bnfold: 2 folded into Conv, 0 turned affine",
		"1 nodes into GEMM/CONV epilogues", "conv1d: 5 nodes moved into the 2-D form",
		"-> 6 packets", NULL };
	static const char *const gelu[] = { "6 nodes into GEMM/CONV epilogues", NULL };

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 4, l]\n");
	konst_keep("w", "6, 4, 3", 72, -0.5f, 0.5f, NULL);
	konst_keep("w2", "6, 1, 3", 18, -0.5f, 0.5f, NULL);
	konst_keep("g", "6", 6, 0.5f, 1.5f, NULL);
	konst_keep("be", "6", 6, -0.5f, 0.5f, NULL);
	konst_keep("mu", "6", 6, -0.5f, 0.5f, NULL);
	konst_keep("var", "6", 6, 0.5f, 1.5f, NULL);
	konst_keep("fc", "6, 3", 18, -0.5f, 0.5f, NULL);
	put("  %%c = Conv(%%x, %%w) {pads=[1, 1]}\n"
	    "  %%b = BatchNormalization(%%c, %%g, %%be, %%mu, %%var)\n  %%r = Relu(%%b)\n"
	    "  %%c2 = Conv(%%r, %%w2) {group=6, pads=[2, 2], dilations=[2]}\n"
	    "  %%b2 = BatchNormalization(%%c2, %%g, %%be, %%mu, %%var)\n"
	    "  %%s = Add(%%b2, %%r)\n  %%r2 = Relu(%%s)\n"
	    "  %%m = MaxPool(%%r2) {kernel_shape=[2], strides=[2]}\n"
	    "  %%gap = GlobalAveragePool(%%m)\n  %%f = Flatten(%%gap) {axis=1}\n"
	    "  %%t = MatMul(%%f, %%fc)\n  output %%t\n}\n");
	check_graph("conv+bn+relu, depthwise+bn, residual, pools", NULL, NULL, NULL, 4, fold);

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 3, l]\n");
	konst_keep("w", "4, 3, 3", 36, -0.5f, 0.5f, NULL);
	put("  const %%sq2: f32[] = [0x1.6a09e6p+0]\n  const %%one: f32[] = [0x1p+0]\n"
	    "  const %%half: f32[] = [0x1p-1]\n  const %%cb: f32[4, 1] = [0x1p-2, -0x1p-2, "
	    "0x1p-1, 0x0p+0]\n"
	    "  %%c = Conv(%%x, %%w) {pads=[1, 1]}\n  %%t0 = Add(%%c, %%cb)\n"
	    "  %%d = Div(%%t0, %%sq2)\n  %%e = Erf(%%d)\n  %%p = Add(%%e, %%one)\n"
	    "  %%q = Mul(%%t0, %%p)\n  %%y = Mul(%%q, %%half)\n"
	    "  %%gap = GlobalAveragePool(%%y)\n  %%f = Flatten(%%gap) {axis=1}\n"
	    "  %%t = Relu(%%f)\n  output %%t\n}\n");
	check_graph("conv + [C, 1] bias + exported gelu", NULL, NULL, NULL, 3, gelu);

	/* A weight computed at run time: Unsqueezed, not copied. */
	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 4, l]\n  input %%w: f32[4, 2, 3]\n"
	    "  %%t = Conv(%%x, %%w) {group=2, pads=[1, 0], strides=[2]}\n  output %%t\n}\n");
	check_graph("run-time weight", NULL, NULL, NULL, 4, NULL);

	/* Channels last around it (a conformer's convolution module): the
	 * Relu and the MatMul read their Transposes through strides; the one
	 * into the conv is a COPY (a view reads it): 4 packets. */
	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 6, l]\n");
	konst_keep("w", "6, 1, 3", 18, -0.5f, 0.5f, NULL);
	konst_keep("m", "6, 5", 30, -0.5f, 0.5f, NULL);
	put("  %%xt = Transpose(%%x) {perm=[0, 2, 1]}\n  %%a = Relu(%%xt)\n"
	    "  %%at = Transpose(%%a) {perm=[0, 2, 1]}\n"
	    "  %%c = Conv(%%at, %%w) {group=6, pads=[1, 1]}\n"
	    "  %%ct = Transpose(%%c) {perm=[0, 2, 1]}\n  %%t = MatMul(%%ct, %%m)\n"
	    "  output %%t\n}\n");
	check_graph("transposed in and out, MatMul after", NULL, NULL, NULL, 6,
		    (const char *const[]){ "2 transposes read through strides",
		    "-> 4 packets", NULL });
}

/* ---- refusals ---- */

static void expect_refused(const char *what, int errnum, const char *const *needles)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_program *p = NULL;
	int ret, k;

	CHECK(accel_graph_parse(text, &g, &err) == 0, "%s: parse: %s", what, err.msg);
	ret = g ? accel_program_compile(g, NULL, NULL, &p, &err) : -EINVAL;
	CHECK(ret == -errnum, "%s: %d, want %d: %s", what, ret, -errnum, err.msg);
	for (k = 0; needles[k]; k++)
		CHECK(strstr(err.msg, needles[k]), "%s: '%s' lacks '%s'", what, err.msg,
		      needles[k]);
	printf("# %s: %s\n", what, err.msg);
	accel_program_destroy(p);
	accel_graph_destroy(g);
}

static void test_refusals(void)
{
	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, 4, 4, 4]\n");
	konst_keep("w", "3, 2, 2, 2, 2", 48, -1, 1, NULL);
	put("  %%t = Conv(%%x, %%w)\n  output %%t\n}\n");
	expect_refused("3-D conv", EOPNOTSUPP, (const char *const[]){ "Conv -> %t",
		       "3-D (volumetric) convolution is not supported", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, 4, 4, 4]\n"
	    "  %%t = MaxPool(%%x) {kernel_shape=[2, 2, 2]}\n  output %%t\n}\n");
	expect_refused("3-D max pool", EOPNOTSUPP, (const char *const[]){ "MaxPool -> %t",
		       "3-D (volumetric) pooling", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, 4, 4, 4]\n"
	    "  %%t = GlobalAveragePool(%%x)\n  output %%t\n}\n");
	expect_refused("3-D global pool", EOPNOTSUPP, (const char *const[]){
		       "GlobalAveragePool -> %t", "3-D (volumetric) pooling", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n");
	konst_keep("w", "3, 2, 3", 18, -1, 1, NULL);
	put("  %%t = Conv(%%x, %%w) {strides=[1, 2]}\n  output %%t\n}\n");
	expect_refused("1-D conv, 2 strides", EINVAL, (const char *const[]){ "Conv -> %t",
		       "attribute 'strides' has 2 entries; a 1-D Conv takes 1", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n");
	konst_keep("w", "3, 2, 3", 18, -1, 1, NULL);
	put("  %%t = Conv(%%x, %%w) {dilations=[2, 2]}\n  output %%t\n}\n");
	expect_refused("1-D conv, 2 dilations", EINVAL, (const char *const[]){ "Conv -> %t",
		       "attribute 'dilations' has 2 entries", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n"
	    "  %%t = AveragePool(%%x) {kernel_shape=[3], pads=[1, 1, 1, 1]}\n  output %%t\n}\n");
	expect_refused("1-D avg pool, 4 pads", EINVAL, (const char *const[]){
		       "AveragePool -> %t", "attribute 'pads' has 4 entries; a 1-D AveragePool "
		       "takes 2 (begin, end)", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n"
	    "  %%t = MaxPool(%%x) {kernel_shape=[3, 3]}\n  output %%t\n}\n");
	expect_refused("1-D max pool, 2-D kernel", EINVAL, (const char *const[]){
		       "MaxPool -> %t", "attribute 'kernel_shape' has 2 entries", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n"
	    "  %%t = MaxPool(%%x)\n  output %%t\n}\n");
	expect_refused("1-D max pool, no kernel", EINVAL, (const char *const[]){
		       "MaxPool -> %t", "attribute 'kernel_shape' is required", NULL });

	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n");
	konst_keep("w", "3, 2, 3, 3", 54, -1, 1, NULL);
	put("  %%t = Conv(%%x, %%w)\n  output %%t\n}\n");
	expect_refused("1-D conv, 2-D weight", EINVAL, (const char *const[]){ "Conv -> %t",
		       "needs a rank-3 weight", NULL });

	/* As for 2-D: ceil_mode needs a constant length. */
	text[0] = 0;
	put("graph t {\n  input %%x: f32[n, 2, l]\n"
	    "  %%t = MaxPool(%%x) {ceil_mode=1, kernel_shape=[2], strides=[2]}\n"
	    "  output %%t\n}\n");
	expect_refused("1-D ceil_mode on a symbolic length", EOPNOTSUPP,
		       (const char *const[]){ "node %t.2d (MaxPool)",
		       "ceil_mode on a symbolic spatial dim", NULL });
}

/* ---- ONNX: one node on x f32[2, C, 8(, ...)] with a weight "w" ---- */

/*
 * @op named "c1d" on a rank-@rank input [2, 2, 4...] (onnx_model.h); Conv
 * gets a [2, 2, 3...] weight "w" as its second input.
 */
static void onnx1_init(struct onnx_model *s, const char *op, int rank)
{
	static const int64_t xdims[] = { 2, 2, 4, 4, 4 }, wdims[] = { 2, 2, 3, 3, 3 };

	onnx_model_init(s, op, rank, xdims);
	s->node.name = "c1d";
	if (!strcmp(op, "Conv")) {
		s->node.n_input = 2;
		s->node_in[1] = "w";
		onnx_model_weight(s, rank, wdims);
	}
}

static void onnx1_other(struct onnx_model *s, const char *name, const char *str, int64_t i)
{
	Onnx__AttributeProto *a = onnx_model_attr(s, name, str ?
						  ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING :
						  ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

	if (str) {
		a->has_s = 1;
		a->s.data = (uint8_t *)str;
		a->s.len = strlen(str);
	} else {
		a->has_i = 1;
		a->i = i;
	}
}

/* Import (and optimize): the first failure must be -@errnum with @needles. */
static void onnx1_expect(struct onnx_model *s, const char *what, int errnum,
			 const char *const *needles)
{
	struct accel_ir_error err = { "" };
	size_t len;
	uint8_t *buf = onnx_model_pack(s, &len);
	struct accel_graph *g = NULL;
	int ret, k;

	if (!buf)
		return;
	ret = accel_onnx_import(buf, len, &g, &err);
	if (!ret)
		ret = accel_graph_optimize(g, NULL, &err);
	CHECK(ret == -errnum, "%s: %d, want %d: %s", what, ret, -errnum, err.msg);
	for (k = 0; needles && needles[k]; k++)
		CHECK(strstr(err.msg, needles[k]), "%s: '%s' lacks '%s'", what, err.msg,
		      needles[k]);
	if (errnum)
		printf("# %s: %s\n", what, err.msg);
	accel_graph_destroy(g);
	free(buf);
}

static void test_onnx(void)
{
	struct onnx_model s;

	/* The baseline: a 1-D Conv with every attribute it takes imports. */
	onnx1_init(&s, "Conv", 3);
	onnx_model_ints(&s, "kernel_shape", 1, (const int64_t[]){ 3 });
	onnx_model_ints(&s, "pads", 2, (const int64_t[]){ 1, 1 });
	onnx1_expect(&s, "1-D Conv", 0, NULL);

	onnx1_init(&s, "Conv", 3);
	onnx1_other(&s, "auto_pad", "SAME_UPPER", 0);
	onnx1_expect(&s, "1-D Conv auto_pad", EOPNOTSUPP, (const char *const[]){
		     "node 'c1d' (op Conv): attribute 'auto_pad': only NOTSET", NULL });

	onnx1_init(&s, "Conv", 3);
	onnx_model_ints(&s, "kernel_shape", 2, (const int64_t[]){ 3, 3 });
	onnx1_expect(&s, "1-D Conv 2-D kernel_shape", EINVAL, (const char *const[]){
		     "node 'c1d' (op Conv): attribute 'kernel_shape' has 2 entries", NULL });

	onnx1_init(&s, "Conv", 3);
	onnx_model_ints(&s, "strides", 2, (const int64_t[]){ 2, 2 });
	onnx1_expect(&s, "1-D Conv 2 strides", EINVAL, (const char *const[]){ "Conv -> %y",
		     "attribute 'strides' has 2 entries; a 1-D Conv takes 1", NULL });

	onnx1_init(&s, "Conv", 5);
	onnx1_expect(&s, "3-D Conv", EOPNOTSUPP, (const char *const[]){ "Conv -> %y",
		     "3-D (volumetric) convolution is not supported (rank-5 input)", NULL });

	onnx1_init(&s, "MaxPool", 3);
	onnx_model_ints(&s, "kernel_shape", 1, (const int64_t[]){ 2 });
	onnx1_other(&s, "storage_order", NULL, 1);
	onnx1_expect(&s, "1-D MaxPool storage_order", EOPNOTSUPP, (const char *const[]){
		     "node 'c1d' (op MaxPool): unsupported attribute 'storage_order'", NULL });

	onnx1_init(&s, "AveragePool", 3);
	onnx_model_ints(&s, "kernel_shape", 1, (const int64_t[]){ 2 });
	onnx1_other(&s, "auto_pad", "VALID", 0);
	onnx1_expect(&s, "1-D AveragePool auto_pad", EOPNOTSUPP, (const char *const[]){
		     "node 'c1d' (op AveragePool): attribute 'auto_pad'", NULL });

	onnx1_init(&s, "AveragePool", 3);
	onnx_model_ints(&s, "kernel_shape", 1, (const int64_t[]){ 2 });
	onnx_model_ints(&s, "dilations", 1, (const int64_t[]){ 2 });
	onnx1_expect(&s, "1-D AveragePool dilations", EOPNOTSUPP, (const char *const[]){
		     "node 'c1d' (op AveragePool): unsupported attribute 'dilations'", NULL });

	onnx1_init(&s, "MaxPool", 3);
	onnx_model_ints(&s, "kernel_shape", 1, (const int64_t[]){ 2 });
	onnx_model_ints(&s, "pads", 4, (const int64_t[]){ 0, 1, 0, 1 });
	onnx1_expect(&s, "1-D MaxPool 4 pads", EINVAL, (const char *const[]){ "MaxPool -> %y",
		     "attribute 'pads' has 4 entries", NULL });

	onnx1_init(&s, "GlobalAveragePool", 5);
	onnx1_expect(&s, "3-D GlobalAveragePool", EOPNOTSUPP, (const char *const[]){
		     "GlobalAveragePool -> %y", "3-D (volumetric) pooling", NULL });
}

int main(void)
{
	if (accel_device_open("emu", &dev)) {
		fprintf(stderr, "cannot open the emu device\n");
		return 1;
	}
	RUN_CASE(test_conv);
	RUN_CASE(test_pool);
	RUN_CASE(test_patterns);
	RUN_CASE(test_refusals);
	RUN_CASE(test_onnx);
	printf("# direct 1-D reference: max abs error %.3g\n", worst_direct);
	accel_device_close(dev);
	HARNESS_EXIT();
}
