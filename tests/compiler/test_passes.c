// SPDX-License-Identifier: MIT
/*
 * test_passes.c - constant folding, DCE and CSE on small graphs written in
 * the text form, each checked against the graph text expected after the
 * pass (written by hand) and against the lines of the compile report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/ir.h>

#include "harness.h"

enum pass { SHAPES, FOLD, DCE, CSE, ALL };

/* Parse @text, run @pass (after shape inference where it needs it) and
 * compare the dump with @want; the report must contain @report_has. */
static void expect(const char *text, enum pass pass, const char *want, const char *report_has)
{
	struct accel_ir_error err = { "" };
	struct accel_report *rep = NULL;
	struct accel_graph *g = NULL;
	char *out;
	int ret;

	ret = accel_graph_parse(text, &g, &err);
	CHECK(ret == 0, "parse: %s", err.msg);
	if (ret)
		return;
	CHECK(accel_report_create(&rep) == 0, "report");
	switch (pass) {
	case SHAPES:
		ret = accel_pass_infer_shapes(g, rep, &err);
		break;
	case FOLD:
		ret = accel_pass_infer_shapes(g, NULL, &err);
		if (!ret)
			ret = accel_pass_fold_constants(g, rep, &err);
		break;
	case DCE:
		ret = accel_pass_dce(g, rep, &err);
		break;
	case CSE:
		ret = accel_pass_cse(g, rep, &err);
		break;
	case ALL:
		ret = accel_graph_optimize(g, rep, &err);
		break;
	}
	CHECK(ret == 0, "pass: %s", err.msg);
	out = accel_graph_dump(g);
	CHECK(out && !strcmp(out, want), "got:\n%s\nwant:\n%s", out, want);
	CHECK(strstr(accel_report_text(rep), report_has), "report lacks '%s':\n%s", report_has,
	      accel_report_text(rep));
	free(out);
	accel_report_destroy(rep);
	accel_graph_destroy(g);
}

static void test_fold_arithmetic(void)
{
	/* 2 + 3 = 5 = 0x1.4p+2; the folded node's inputs stay for DCE. */
	expect("graph g {\n"
	       "  input %x: f32[batch, 4]\n"
	       "  const %two: f32[] = [0x1p+1]\n"
	       "  const %three: f32[] = [0x1.8p+1]\n"
	       "  %a = Add(%two, %three)\n"
	       "  %y = Mul(%x, %a)\n"
	       "  output %y\n"
	       "}\n", FOLD,
	       "graph g {\n"
	       "  input %x: f32[batch, 4]\n"
	       "  const %two: f32[] = [0x1p+1]\n"
	       "  const %three: f32[] = [0x1.8p+1]\n"
	       "  const %a: f32[] = [0x1.4p+2]\n"
	       "  %y: f32[batch, 4] = Mul(%x, %a)\n"
	       "  output %y\n"
	       "}\n", "fold: Add -> %a = constant f32[]");
}

static void test_fold_weight_transpose(void)
{
	expect("graph g {\n"
	       "  input %x: f32[n, 2]\n"
	       "  const %w: f32[3, 2] = [0x1p+0, 0x1p+1, 0x1.8p+1, 0x1p+2, 0x1.4p+2, 0x1.8p+2]\n"
	       "  %wt = Transpose(%w) {perm=[1, 0]}\n"
	       "  %y = MatMul(%x, %wt)\n"
	       "  output %y\n"
	       "}\n", ALL,
	       "graph g {\n"
	       "  input %x: f32[n, 2]\n"
	       "  const %wt: f32[2, 3] = [0x1p+0, 0x1.8p+1, 0x1.4p+2, 0x1p+1, 0x1p+2, 0x1.8p+2]\n"
	       "  %y: f32[n, 3] = MatMul(%x, %wt)\n"
	       "  output %y\n"
	       "}\n", "dce: 0 nodes and 1 constants removed");
}

/* The exporter's idiom x.reshape(x.shape[0] * x.shape[1], -1). */
static const char *shape_chain(const char *xtype)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "graph g {\n"
		 "  input %%x: %s\n"
		 "  const %%i0: i64[] = [0]\n"
		 "  const %%i1: i64[] = [1]\n"
		 "  const %%m1: i64[1] = [-1]\n"
		 "  %%s = Shape(%%x)\n"
		 "  %%b = Gather(%%s, %%i0) {axis=0}\n"
		 "  %%q = Gather(%%s, %%i1) {axis=0}\n"
		 "  %%bq = Mul(%%b, %%q)\n"
		 "  %%bq1 = Unsqueeze(%%bq) {axes=[0]}\n"
		 "  %%shape = Concat(%%bq1, %%m1) {axis=0}\n"
		 "  %%y = Reshape(%%x, %%shape)\n"
		 "  output %%y\n"
		 "}\n", xtype);
	return buf;
}

static void test_fold_shape_chain_symbolic(void)
{
	expect(shape_chain("f32[batch, seq, 8]"), ALL,
	       "graph g {\n"
	       "  input %x: f32[batch, seq, 8]\n"
	       "  %y: f32[batch*seq, 8] = Reshape(%x) {shape=[batch*seq, -1]}\n"
	       "  output %y\n"
	       "}\n", "fold: Reshape -> %y takes its shape as [batch*seq, -1]");
}

static void test_fold_shape_chain_static(void)
{
	expect(shape_chain("f32[2, 3, 8]"), ALL,
	       "graph g {\n"
	       "  input %x: f32[2, 3, 8]\n"
	       "  %y: f32[6, 8] = Reshape(%x) {shape=[6, -1]}\n"
	       "  output %y\n"
	       "}\n", "fold: Concat -> %shape = constant i64[2]");
}

static void test_dce(void)
{
	expect("graph g {\n"
	       "  input %x: f32[4]\n"
	       "  input %unused: f32[4]\n"
	       "  const %c: f32[] = [0x1p+0]\n"
	       "  const %d: f32[] = [0x1p+1]\n"
	       "  %dead = Add(%x, %d)\n"
	       "  %deader = Relu(%dead)\n"
	       "  %y = Add(%x, %c)\n"
	       "  output %y\n"
	       "}\n", DCE,
	       "graph g {\n"
	       "  input %x: f32[4]\n"
	       "  input %unused: f32[4]\n"
	       "  const %c: f32[] = [0x1p+0]\n"
	       "  %y = Add(%x, %c)\n"
	       "  output %y\n"
	       "}\n", "dce: removed Relu -> %deader\ndce: removed Add -> %dead\n"
	       "dce: 2 nodes and 1 constants removed");
}

static void test_cse(void)
{
	/* Equal constants merge, which makes the two Adds equal, which makes
	 * the Muls equal; attributes in another order still match. An output
	 * is never merged away. */
	expect("graph g {\n"
	       "  input %x: f32[n, 4]\n"
	       "  const %one: f32[] = [0x1p+0]\n"
	       "  const %uno: f32[] = [0x1p+0]\n"
	       "  const %two: f32[] = [0x1p+1]\n"
	       "  %a = Add(%x, %one)\n"
	       "  %b = Add(%x, %uno)\n"
	       "  %c = Add(%x, %two)\n"
	       "  %p = Mul(%a, %a)\n"
	       "  %q = Mul(%b, %b)\n"
	       "  %g1 = Gemm(%p, %q) {transB=1, alpha=0x1p+0}\n"
	       "  %g2 = Gemm(%p, %q) {alpha=0x1p+0, transB=1}\n"
	       "  %g3 = Gemm(%p, %q) {alpha=0x1p+1, transB=1}\n"
	       "  %s = Add(%g1, %g2)\n"
	       "  %t = Add(%s, %g3)\n"
	       "  %u = Add(%t, %c)\n"
	       "  %v = Add(%t, %c)\n"
	       "  output %u\n"
	       "  output %v\n"
	       "}\n", CSE,
	       "graph g {\n"
	       "  input %x: f32[n, 4]\n"
	       "  const %one: f32[] = [0x1p+0]\n"
	       "  const %two: f32[] = [0x1p+1]\n"
	       "  %a = Add(%x, %one)\n"
	       "  %c = Add(%x, %two)\n"
	       "  %p = Mul(%a, %a)\n"
	       "  %g1 = Gemm(%p, %p) {transB=1, alpha=0x1p+0}\n"
	       "  %g3 = Gemm(%p, %p) {alpha=0x1p+1, transB=1}\n"
	       "  %s = Add(%g1, %g1)\n"
	       "  %t = Add(%s, %g3)\n"
	       "  %u = Add(%t, %c)\n"
	       "  %v = Add(%t, %c)\n"
	       "  output %u\n"
	       "  output %v\n"
	       "}\n", "cse: Mul -> %q is %p\ncse: Gemm -> %g2 is %g1\n"
	       "cse: 3 nodes and 1 constants merged");
}

/*
 * Two Reshapes to the same DIMS target merge even when the dims arrays
 * they were built from differ in their padding bytes (as a fold's stack
 * arrays do): the comparison is by value and expression, not memcmp().
 */
static void test_cse_dims_padding(void)
{
	struct accel_ir_error err = { "" };
	struct accel_report *rep = NULL;
	struct accel_graph *g = NULL;
	struct accel_value *x = NULL, *y[2];
	struct accel_dim n = { 0 }, d[2][2];
	struct accel_shape s;
	int i, ret;

	ret = accel_graph_create("g", &g);
	if (!ret)
		ret = accel_dim_symbol(g, "n", &n);
	d[0][0] = n;
	d[0][1] = accel_dim_const(4);
	s = accel_shape_make(2, d[0]);
	if (!ret)
		ret = accel_graph_add_input(g, "x", ACCEL_DT_F32, &s, &x, &err);
	for (i = 0; !ret && i < 2; i++) {
		struct accel_attr a = { .name = "shape", .kind = ACCEL_ATTR_DIMS, .n = 2,
					.dims = d[i] };

		memset(d[i], i ? 0xa5 : 0, sizeof(d[i]));
		d[i][0].val = 4;
		d[i][0].expr = 0;
		d[i][1].val = n.val;
		d[i][1].expr = n.expr;
		ret = accel_graph_add_node(g, ACCEL_OP_RESHAPE, &x, 1, &a, 1, 1, NULL, &y[i], &err);
	}
	/* Outputs are never merged away: both are read by one more node. */
	if (!ret) {
		struct accel_value *sum;

		ret = accel_graph_add_node(g, ACCEL_OP_ADD, y, 2, NULL, 0, 1, NULL, &sum, &err);
		if (!ret)
			ret = accel_graph_mark_output(g, sum, &err);
	}
	CHECK(ret == 0, "build: %s", err.msg);
	CHECK(accel_report_create(&rep) == 0, "report");
	if (!ret)
		ret = accel_pass_cse(g, rep, &err);
	CHECK(ret == 0, "cse: %s", err.msg);
	CHECK(strstr(accel_report_text(rep), "cse: 1 nodes and 0 constants merged"),
	      "report: %s", accel_report_text(rep));
	accel_report_destroy(rep);
	accel_graph_destroy(g);
}

static void test_shapes_report(void)
{
	expect("graph g {\n"
	       "  input %x: f32[n, 4]\n"
	       "  %y = Relu(%x)\n"
	       "  %z = Shape(%y)\n"
	       "  output %z\n"
	       "}\n", SHAPES,
	       "graph g {\n"
	       "  input %x: f32[n, 4]\n"
	       "  %y: f32[n, 4] = Relu(%x)\n"
	       "  %z: i64[2] = Shape(%y)\n"
	       "  output %z\n"
	       "}\n", "shapes: 2 values typed, 1 with symbolic dims, 0 with unknown dims");
}

int main(void)
{
	RUN_CASE(test_fold_arithmetic);
	RUN_CASE(test_fold_weight_transpose);
	RUN_CASE(test_fold_shape_chain_symbolic);
	RUN_CASE(test_fold_shape_chain_static);
	RUN_CASE(test_dce);
	RUN_CASE(test_cse);
	RUN_CASE(test_cse_dims_padding);
	RUN_CASE(test_shapes_report);
	HARNESS_EXIT();
}
