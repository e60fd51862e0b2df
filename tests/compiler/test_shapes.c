// SPDX-License-Identifier: MIT
/*
 * test_shapes.c - the builder API and shape inference against shapes worked
 * out by hand, then the interpreter on the same graphs against values
 * worked out by hand.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/ir.h>

#include "harness.h"

static struct accel_graph *g;
static struct accel_ir_error err;

static struct accel_dim sym(const char *name)
{
	struct accel_dim d = accel_dim_const(0);

	CHECK(accel_dim_symbol(g, name, &d) == 0, "symbol %s", name);
	return d;
}

static struct accel_value *input(const char *name, enum accel_dtype dt, int rank,
				 const struct accel_dim *dims)
{
	struct accel_shape s = accel_shape_make(rank, dims);
	struct accel_value *v = NULL;

	CHECK(accel_graph_add_input(g, name, dt, &s, &v, &err) == 0, "input %s: %s", name,
	      err.msg);
	return v;
}

static struct accel_value *constant_i64(const char *name, int n, const int64_t *vals)
{
	struct accel_dim d = accel_dim_const(n);
	struct accel_shape s = accel_shape_make(1, &d);
	struct accel_value *v = NULL;

	CHECK(accel_graph_add_const(g, name, ACCEL_DT_I64, &s, vals, &v, &err) == 0, "%s",
	      err.msg);
	return v;
}

static struct accel_value *node(enum accel_op op, struct accel_value *const *in, uint32_t nin,
				const struct accel_attr *attrs, uint32_t nattrs, const char *name)
{
	struct accel_value *out = NULL;
	const char *names[1] = { name };

	CHECK(accel_graph_add_node(g, op, in, nin, attrs, nattrs, 1, names, &out, &err) == 0,
	      "%s: %s", accel_op_name(op), err.msg);
	return out;
}

static void expect_shape(const struct accel_value *v, const char *want)
{
	char buf[256] = "[";
	int i;

	if (!v)
		return;
	for (i = 0; i < v->shape.rank; i++) {
		size_t used = strlen(buf);

		if (i)
			strcat(buf, ", ");
		used = strlen(buf);
		accel_dim_format(g, v->shape.dims[i], buf + used, sizeof(buf) - used);
	}
	strcat(buf, "]");
	CHECK(!strcmp(buf, want), "%%%s is %s, want %s", v->name, buf, want);
}

static void fresh(void)
{
	accel_graph_destroy(g);
	g = NULL;
	CHECK(accel_graph_create("t", &g) == 0, "create");
}

static void test_symbolic_shapes(void)
{
	struct accel_value *x, *w, *img, *k, *y, *a, *b;
	struct accel_dim d[4];
	static const float wdata[8 * 3 * 3 * 3];
	static const float w2[784 * 16];
	int64_t strides[2] = { 2, 2 }, pads[4] = { 1, 1, 1, 1 }, perm[3] = { 1, 0, 2 };
	int64_t shape[2] = { 0, -1 }, split[2] = { 3, 5 }, axes0[1] = { 0 };
	struct accel_attr at[3];
	struct accel_shape ws;

	fresh();
	d[0] = sym("batch");
	d[1] = accel_dim_const(784);
	x = input("x", ACCEL_DT_F32, 2, d);
	d[0] = accel_dim_const(784);
	d[1] = accel_dim_const(16);
	ws = accel_shape_make(2, d);
	CHECK(accel_graph_add_const(g, "w", ACCEL_DT_F32, &ws, w2, &w, &err) == 0, "%s", err.msg);
	y = node(ACCEL_OP_MATMUL, (struct accel_value *[]){ x, w }, 2, NULL, 0, "mm");

	d[0] = sym("N");
	d[1] = accel_dim_const(3);
	d[2] = sym("H");
	d[3] = sym("W");
	img = input("img", ACCEL_DT_F32, 4, d);
	d[0] = accel_dim_const(8);
	d[1] = d[2] = d[3] = accel_dim_const(3);
	ws = accel_shape_make(4, d);
	CHECK(accel_graph_add_const(g, "k", ACCEL_DT_F32, &ws, wdata, &k, &err) == 0, "%s",
	      err.msg);
	at[0] = accel_attr_ints("strides", strides, 2);
	at[1] = accel_attr_ints("pads", pads, 4);
	a = node(ACCEL_OP_CONV, (struct accel_value *[]){ img, k }, 2, at, 2, "conv");
	at[0] = accel_attr_int("axis", 1);
	b = node(ACCEL_OP_FLATTEN, &a, 1, at, 1, "flat");

	CHECK(accel_pass_infer_shapes(g, NULL, &err) == 0, "infer: %s", err.msg);
	expect_shape(y, "[batch, 16]");
	/* (H + 1 + 1 - 3)/2 + 1 */
	expect_shape(a, "[N, 8, ((H - 1)/2) + 1, ((W - 1)/2) + 1]");
	/* The product keeps the floor quotients as atoms. */
	expect_shape(b, "[N, 8*((H - 1)/2)*((W - 1)/2) + 8*((H - 1)/2) + 8*((W - 1)/2) + 8]");

	/* Layout ops on [batch, seq, 8]. */
	fresh();
	d[0] = sym("batch");
	d[1] = sym("seq");
	d[2] = accel_dim_const(8);
	x = input("x", ACCEL_DT_F32, 3, d);
	at[0] = accel_attr_int("allowzero", 0);
	y = node(ACCEL_OP_RESHAPE, (struct accel_value *[]){ x, constant_i64("s", 2, shape) }, 2,
		 at, 1, "r");
	at[0] = accel_attr_ints("perm", perm, 3);
	a = node(ACCEL_OP_TRANSPOSE, &x, 1, at, 1, "t");
	at[0] = accel_attr_int("axis", 0);
	b = node(ACCEL_OP_CONCAT, (struct accel_value *[]){ x, x }, 2, at, 1, "cat");
	{
		struct accel_value *outs[2] = { NULL, NULL };
		const char *names[2] = { "s0", "s1" };

		at[0] = accel_attr_int("axis", 2);
		at[1] = accel_attr_ints("split", split, 2);
		CHECK(accel_graph_add_node(g, ACCEL_OP_SPLIT, &x, 1, at, 2, 2, names, outs,
					   &err) == 0, "split: %s", err.msg);
		at[0] = accel_attr_ints("axes", axes0, 1);
		k = node(ACCEL_OP_UNSQUEEZE, &outs[1], 1, at, 1, "u");
		w = node(ACCEL_OP_SHAPE, &x, 1, NULL, 0, "shape");
		CHECK(accel_pass_infer_shapes(g, NULL, &err) == 0, "infer: %s", err.msg);
		expect_shape(outs[0], "[batch, seq, 3]");
		expect_shape(outs[1], "[batch, seq, 5]");
	}
	expect_shape(y, "[batch, 8*seq]");
	expect_shape(a, "[seq, batch, 8]");
	expect_shape(b, "[2*batch, seq, 8]");
	expect_shape(k, "[1, batch, seq, 5]");
	expect_shape(w, "[3]");
	CHECK(w && w->nknown == 3 && w->known[2].val == 8, "Shape's contents are known");
}

static void infer_fails(const char *want)
{
	int ret = accel_pass_infer_shapes(g, NULL, &err);

	CHECK(ret == -EINVAL, "inference accepted a bad graph");
	CHECK(strstr(err.msg, want), "error '%s' lacks '%s'", err.msg, want);
}

static void test_shape_errors(void)
{
	struct accel_value *a, *b;
	struct accel_dim d[2] = { accel_dim_const(3), accel_dim_const(4) };
	struct accel_attr at;

	fresh();
	a = input("a", ACCEL_DT_F32, 1, d);
	b = input("b", ACCEL_DT_F32, 1, d + 1);
	node(ACCEL_OP_ADD, (struct accel_value *[]){ a, b }, 2, NULL, 0, "sum");
	infer_fails("Add -> %sum: cannot broadcast dimension 3 with 4");

	fresh();
	a = input("a", ACCEL_DT_F32, 2, d);
	node(ACCEL_OP_MATMUL, (struct accel_value *[]){ a, a }, 2, NULL, 0, "mm");
	infer_fails("MatMul -> %mm: inner dimensions differ: 4 != 3");

	fresh();
	a = input("a", ACCEL_DT_F32, 2, d);
	at = accel_attr_int("axis", 2);
	node(ACCEL_OP_SOFTMAX, &a, 1, &at, 1, "sm");
	infer_fails("Softmax -> %sm: axis 2 out of range for rank 2");

	/* The builder refuses what the op table does not allow. */
	fresh();
	a = input("a", ACCEL_DT_F32, 2, d);
	at = accel_attr_float("axis", 1.0);
	CHECK(accel_graph_add_node(g, ACCEL_OP_SOFTMAX, &a, 1, &at, 1, 1, NULL, NULL, &err) ==
	      -EINVAL && strstr(err.msg, "'axis' has the wrong kind"), "%s", err.msg);
	at = accel_attr_int("alpha", 1);
	CHECK(accel_graph_add_node(g, ACCEL_OP_RELU, &a, 1, &at, 1, 1, NULL, NULL, &err) ==
	      -EINVAL && strstr(err.msg, "Relu has no attribute 'alpha'"), "%s", err.msg);
	CHECK(accel_graph_add_node(g, ACCEL_OP_ADD, &a, 1, NULL, 0, 1, NULL, NULL, &err) ==
	      -EINVAL && strstr(err.msg, "Add takes 2 to 2 inputs, not 1"), "%s", err.msg);
}

/* Run the symbolic Reshape/Conv graph at two sizes and check values by hand. */
static void test_interpreter_by_hand(void)
{
	struct accel_value *x, *y, *c;
	struct accel_dim d[2];
	float xin[2 * 6], out_a[6 * 2];
	int64_t shape[2] = { -1, 2 };
	struct accel_tensor in = { .dtype = ACCEL_DT_F32, .rank = 2 }, out = { 0 };
	struct accel_attr at = accel_attr_int("allowzero", 0);
	int i;

	fresh();
	d[0] = sym("n");
	d[1] = accel_dim_const(6);
	x = input("x", ACCEL_DT_F32, 2, d);
	c = constant_i64("shape", 2, shape);
	y = node(ACCEL_OP_RESHAPE, (struct accel_value *[]){ x, c }, 2, &at, 1, "r");
	y = node(ACCEL_OP_SOFTMAX, &y, 1, NULL, 0, "sm");
	CHECK(accel_graph_mark_output(g, y, &err) == 0, "%s", err.msg);
	CHECK(accel_graph_optimize(g, NULL, &err) == 0, "optimize: %s", err.msg);
	expect_shape(y, "[3*n, 2]");
	for (i = 0; i < 12; i++)
		xin[i] = (float)(i % 2 ? i : 0);
	in.dims[0] = 2;
	in.dims[1] = 6;
	in.data = xin;
	CHECK(accel_interp_run(g, &in, 1, &out, 1, &err) == 0, "run: %s", err.msg);
	CHECK(out.rank == 2 && out.dims[0] == 6 && out.dims[1] == 2, "result is 6x2");
	/* Row k holds (0, 2k+1): softmax = (1/(1+e^(2k+1)), e^(2k+1)/(1+e^(2k+1))). */
	for (i = 0; out.data && i < 6; i++) {
		double e = exp(2 * i + 1);

		out_a[2 * i] = ((float *)out.data)[2 * i];
		out_a[2 * i + 1] = ((float *)out.data)[2 * i + 1];
		CHECK(fabs(out_a[2 * i] - 1 / (1 + e)) < 1e-7 &&
		      fabs(out_a[2 * i + 1] - e / (1 + e)) < 1e-6, "row %d: %g %g", i,
		      out_a[2 * i], out_a[2 * i + 1]);
	}
	accel_tensor_release(&out);
	/* A wrong static dim is refused before anything runs. */
	in.dims[0] = 1;
	in.dims[1] = 5;
	CHECK(accel_interp_run(g, &in, 1, &out, 1, &err) == -EINVAL &&
	      strstr(err.msg, "input 'x' dim 1: dimension is 5 but must be 6"), "%s", err.msg);
}

/* Run a one-input graph written as text on @x and compare output @k. */
static void run_text(const char *text, const float *x, int rank, const int64_t *dims,
		     uint32_t nout, const float *const *want, const int64_t *nwant)
{
	struct accel_tensor in = { .dtype = ACCEL_DT_F32, .rank = rank, .data = (void *)x };
	struct accel_tensor out[4] = { { 0 } };
	struct accel_graph *t = NULL;
	uint32_t k;
	int64_t i;

	memcpy(in.dims, dims, (size_t)rank * sizeof(*dims));
	CHECK(accel_graph_parse(text, &t, &err) == 0, "parse: %s", err.msg);
	if (!t)
		return;
	CHECK(accel_pass_infer_shapes(t, NULL, &err) == 0, "infer: %s", err.msg);
	CHECK(accel_interp_run(t, &in, 1, out, nout, &err) == 0, "run: %s", err.msg);
	for (k = 0; k < nout; k++) {
		for (i = 0; out[k].data && i < nwant[k]; i++)
			CHECK(fabs(((float *)out[k].data)[i] - want[k][i]) <= 1e-6 * (1 + fabs(want[k][i])),
			      "output %u [%lld] = %.9g, want %.9g", k, (long long)i,
			      ((float *)out[k].data)[i], want[k][i]);
		accel_tensor_release(&out[k]);
	}
	accel_graph_destroy(t);
}

static void test_kernels_by_hand(void)
{
	static const float x3[3] = { -1, 0, 1 };
	/* GELU(x) = x/2 (1 + erf(x/sqrt 2)) and its tanh form, from tables. */
	static const float gelu[3] = { -0.158655254f, 0, 0.841344746f };
	static const float gelu_tanh[3] = { -0.158808009f, 0, 0.841191991f };
	static const float sig[3] = { 0.268941421f, 0.5f, 0.731058579f };
	const float *want[4] = { gelu, gelu_tanh, sig };
	int64_t n3[4] = { 3, 3, 3 }, d3 = 3;
	float x16[16];
	/* 4x4 of 1..16, 3x3 windows, stride 2, padding 1 (worked by hand). */
	static const float avg_excl[4] = { 14 / 4.0f, 30 / 6.0f, 57 / 6.0f, 99 / 9.0f };
	static const float avg_incl[4] = { 14 / 9.0f, 30 / 9.0f, 57 / 9.0f, 99 / 9.0f };
	static const float maxp[4] = { 6, 8, 14, 16 };
	const float *pwant[3] = { avg_excl, avg_incl, maxp };
	int64_t n4[3] = { 4, 4, 4 }, d4[4] = { 1, 1, 4, 4 };
	int i;

	run_text("graph g {\n"
		 "  input %x: f32[3]\n"
		 "  %a = Gelu(%x)\n"
		 "  %b = Gelu(%x) {approximate=1}\n"
		 "  %c = Sigmoid(%x)\n"
		 "  output %a\n  output %b\n  output %c\n"
		 "}\n", x3, 1, &d3, 3, want, n3);
	for (i = 0; i < 16; i++)
		x16[i] = (float)(i + 1);
	run_text("graph g {\n"
		 "  input %x: f32[1, 1, 4, 4]\n"
		 "  %a = AveragePool(%x) {kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]}\n"
		 "  %b = AveragePool(%x) {kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], "
		 "count_include_pad=1}\n"
		 "  %c = MaxPool(%x) {kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]}\n"
		 "  output %a\n  output %b\n  output %c\n"
		 "}\n", x16, 4, d4, 3, pwant, n4);

	/* ceil_mode on 5x5 of 1..25, 2x2/2, padding 1: rounding up would add
	 * a fourth window starting in the right padding; it is dropped
	 * (PyTorch gives this 3x3 result). */
	{
		static const float ceil_max[9] = { 1, 3, 5, 11, 13, 15, 21, 23, 25 };
		const float *cwant[1] = { ceil_max };
		int64_t n9[1] = { 9 }, d5[4] = { 1, 1, 5, 5 };
		float x25[25];
		struct accel_graph *t = NULL;

		for (i = 0; i < 25; i++)
			x25[i] = (float)(i + 1);
		run_text("graph g {\n"
			 "  input %x: f32[1, 1, 5, 5]\n"
			 "  %a = MaxPool(%x) {kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], "
			 "ceil_mode=1}\n"
			 "  output %a\n"
			 "}\n", x25, 4, d5, 1, cwant, n9);
		CHECK(accel_graph_parse("graph g {\n input %x: f32[1, 1, 5, 5]\n"
					"  %a = MaxPool(%x) {kernel_shape=[2, 2], strides=[2, 2], "
					"pads=[1, 1, 1, 1], ceil_mode=1}\n output %a\n}\n", &t,
					&err) == 0, "%s", err.msg);
		if (t) {
			CHECK(accel_pass_infer_shapes(t, NULL, &err) == 0, "%s", err.msg);
			CHECK(t->outputs[0]->shape.dims[2].val == 3 &&
			      t->outputs[0]->shape.dims[3].val == 3, "inferred 3x3");
			accel_graph_destroy(t);
		}
	}
}

/*
 * Bools by hand: Not, And, Or, Equal of bools, Where on a bool input and
 * Cast bool <-> f32. Any non-zero byte is true (m holds a 2).
 */
static void test_bools_by_hand(void)
{
	static const uint8_t m[4] = { 0, 1, 2, 0 }, k[4] = { 0, 0, 1, 1 };
	static const uint8_t want_not[4] = { 1, 0, 0, 1 }, want_and[4] = { 0, 0, 1, 0 };
	static const uint8_t want_or[4] = { 0, 1, 1, 1 }, want_eq[4] = { 1, 0, 1, 0 };
	static const uint8_t want_fb[4] = { 1, 0, 1, 1 };
	static const float want_cast[4] = { 0, 1, 1, 0 }, want_where[4] = { -1, 10, 20, -4 };
	/* Outputs 4 (Cast to f32) and 6 (Where) are f32, the others bool. */
	const uint8_t *wb[7] = { want_not, want_and, want_or, want_eq, NULL, want_fb, NULL };
	struct accel_tensor in[2] = {
		{ .dtype = ACCEL_DT_BOOL, .rank = 1, .dims = { 4 }, .data = (void *)m },
		{ .dtype = ACCEL_DT_BOOL, .rank = 1, .dims = { 4 }, .data = (void *)k },
	};
	struct accel_tensor out[7] = { { 0 } };
	struct accel_graph *t = NULL;
	struct accel_value *a, *b;
	struct accel_dim d4 = accel_dim_const(4);
	int i, j;

	CHECK(accel_graph_parse("graph g {\n"
				"  input %m: bool[4]\n  input %k: bool[4]\n"
				"  const %a: f32[4] = [-0x1p+0, -0x1p+1, -0x1.8p+1, -0x1p+2]\n"
				"  const %b: f32[4] = [0x0p+0, 0x1.4p+3, 0x1.4p+4, 0x1.ep+4]\n"
				"  const %half: f32[4] = [0x1p-1, 0x0p+0, nan, -0x1p-1]\n"
				"  %not = Not(%m)\n  %and = And(%m, %k)\n  %or = Or(%m, %k)\n"
				"  %eq = Equal(%m, %k)\n  %f = Cast(%m) {to=1}\n"
				"  %fb = Cast(%half) {to=7}\n  %w = Where(%m, %b, %a)\n"
				"  output %not\n  output %and\n  output %or\n  output %eq\n"
				"  output %f\n  output %fb\n  output %w\n}\n", &t, &err) == 0,
	      "parse: %s", err.msg);
	if (!t)
		return;
	CHECK(accel_pass_infer_shapes(t, NULL, &err) == 0, "infer: %s", err.msg);
	for (i = 0; i < 4; i++)
		CHECK(t->outputs[i]->dtype == ACCEL_DT_BOOL, "output %d is %s", i,
		      accel_dtype_name(t->outputs[i]->dtype));
	CHECK(t->outputs[4]->dtype == ACCEL_DT_F32 && t->outputs[5]->dtype == ACCEL_DT_BOOL &&
	      t->outputs[6]->dtype == ACCEL_DT_F32, "Cast and Where dtypes");
	CHECK(accel_interp_run(t, in, 2, out, 7, &err) == 0, "run: %s", err.msg);
	for (i = 0; i < 7; i++) {
		if (!out[i].data)
			continue;
		for (j = 0; j < 4; j++) {
			if (wb[i])
				CHECK(((uint8_t *)out[i].data)[j] == wb[i][j], "output %d [%d] = %u, "
				      "want %u", i, j, ((uint8_t *)out[i].data)[j], wb[i][j]);
			else
				CHECK(((float *)out[i].data)[j] ==
				      (i == 4 ? want_cast : want_where)[j], "output %d [%d] = %g", i, j,
				      ((float *)out[i].data)[j]);
		}
		accel_tensor_release(&out[i]);
	}
	accel_graph_destroy(t);

	/* Trilu by hand on 1..12 as [3, 4]: upper k=1 and lower k=-1. */
	{
		static const float x12[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
		static const float up1[12] = { 0, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 12 };
		static const float lom1[12] = { 0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0 };
		const float *tw[2] = { up1, lom1 };
		int64_t n12[2] = { 12, 12 }, d34[2] = { 3, 4 };

		run_text("graph g {\n  input %x: f32[3, 4]\n  %u = Trilu(%x) {k=1}\n"
			 "  %l = Trilu(%x) {upper=0, k=-1}\n  output %u\n  output %l\n}\n",
			 x12, 2, d34, 2, tw, n12);
	}

	/* Not, And and Or take bools only. */
	fresh();
	a = input("a", ACCEL_DT_F32, 1, &d4);
	node(ACCEL_OP_NOT, &a, 1, NULL, 0, "n");
	infer_fails("Not -> %n: input must be bool, not f32");
	fresh();
	a = input("a", ACCEL_DT_F32, 1, &d4);
	b = input("b", ACCEL_DT_F32, 1, &d4);
	node(ACCEL_OP_OR, (struct accel_value *[]){ a, b }, 2, NULL, 0, "o");
	infer_fails("Or -> %o: inputs must be bool, not f32");
}

int main(void)
{
	RUN_CASE(test_symbolic_shapes);
	RUN_CASE(test_shape_errors);
	RUN_CASE(test_interpreter_by_hand);
	RUN_CASE(test_kernels_by_hand);
	RUN_CASE(test_bools_by_hand);
	accel_graph_destroy(g);
	HARNESS_EXIT();
}
