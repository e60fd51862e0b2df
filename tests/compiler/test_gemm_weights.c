// SPDX-License-Identifier: MIT
/*
 * test_gemm_weights.c - pass_pack_gemm_weights(): a Gemm's constant B read
 * with transB=1 is stored transposed with transB cleared, checked against
 * the transpose written out by hand; a B that two Gemms read, or one not
 * transposed, is left alone; and the compiled program still computes
 * x W^T + b, against values worked out by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <accel/accel.h>
#include <accel/program.h>

#include "harness.h"
#include "lower_priv.h"

static const float w_data[6] = { 1, 2, 3, 4, 5, 6 };	/* [2, 3]: 2 outputs, 3 inputs */
static const float b_data[2] = { 0.5f, -1 };

/* y = Gemm(x[n, 3], W, b, transB) for each of @ngemms Gemms sharing W. */
static struct accel_graph *gemm_graph(int ngemms, int64_t trans_b, struct accel_value **w)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_value *x, *b, *y, *in[3];
	struct accel_dim d[2];
	struct accel_shape s;
	struct accel_attr a = accel_attr_int("transB", trans_b);
	int i, ret;

	ret = accel_graph_create("gemm", &g);
	if (!ret)
		ret = accel_dim_symbol(g, "n", &d[0]);
	d[1] = accel_dim_const(3);
	s = accel_shape_make(2, d);
	if (!ret)
		ret = accel_graph_add_input(g, "x", ACCEL_DT_F32, &s, &x, &err);
	d[0] = accel_dim_const(trans_b ? 2 : 3);
	d[1] = accel_dim_const(trans_b ? 3 : 2);
	s = accel_shape_make(2, d);
	if (!ret)
		ret = accel_graph_add_const(g, "W", ACCEL_DT_F32, &s, w_data, w, &err);
	d[0] = accel_dim_const(2);
	s = accel_shape_make(1, d);
	if (!ret)
		ret = accel_graph_add_const(g, "b", ACCEL_DT_F32, &s, b_data, &b, &err);
	for (i = 0; i < ngemms && !ret; i++) {
		in[0] = x;
		in[1] = *w;
		in[2] = b;
		ret = accel_graph_add_node(g, ACCEL_OP_GEMM, in, 3, &a, 1, 1, NULL, &y, &err);
		if (!ret)
			ret = accel_graph_mark_output(g, y, &err);
	}
	if (!ret)
		ret = accel_pass_infer_shapes(g, NULL, &err);
	CHECK(ret == 0, "build: %s", err.msg);
	if (ret) {
		accel_graph_destroy(g);
		return NULL;
	}
	return g;
}

static int64_t trans_b_of(const struct accel_graph *g, uint32_t node)
{
	const struct accel_node *n = g->nodes[node];
	uint32_t i;

	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, "transB"))
			return n->attrs[i].i;
	return 0;
}

static void test_packed(void)
{
	static const float want[6] = { 1, 4, 2, 5, 3, 6 };	/* W^T, [3, 2] */
	struct accel_ir_error err = { "" };
	struct accel_report *r = NULL;
	struct accel_value *w;
	struct accel_graph *g = gemm_graph(1, 1, &w);

	if (!g || accel_report_create(&r))
		goto out;
	CHECK(pass_pack_gemm_weights(g, r, &err) == 0, "pass: %s", err.msg);
	CHECK(trans_b_of(g, 0) == 0, "transB cleared");
	CHECK(w->shape.rank == 2 && w->shape.dims[0].val == 3 && w->shape.dims[1].val == 2,
	      "W is [3, 2]");
	CHECK(!memcmp(w->data, want, sizeof(want)), "W holds its transpose");
	CHECK(strstr(accel_report_text(r), "gemm weights: 1 constant B operand stored") != NULL,
	      "report: %s", accel_report_text(r));
out:
	accel_report_destroy(r);
	accel_graph_destroy(g);
}

static void test_left_alone(void)
{
	struct accel_ir_error err = { "" };
	struct accel_value *w;
	struct accel_graph *shared = gemm_graph(2, 1, &w), *plain;

	if (shared) {
		CHECK(pass_pack_gemm_weights(shared, NULL, &err) == 0, "pass: %s", err.msg);
		CHECK(trans_b_of(shared, 0) == 1 && trans_b_of(shared, 1) == 1 &&
		      w->shape.dims[0].val == 2 && !memcmp(w->data, w_data, sizeof(w_data)),
		      "a W two Gemms read stays as it is");
	}
	plain = gemm_graph(1, 0, &w);
	if (plain) {
		CHECK(pass_pack_gemm_weights(plain, NULL, &err) == 0, "pass: %s", err.msg);
		CHECK(trans_b_of(plain, 0) == 0 && w->shape.dims[0].val == 3 &&
		      !memcmp(w->data, w_data, sizeof(w_data)), "a W read as it is stays");
	}
	accel_graph_destroy(shared);
	accel_graph_destroy(plain);
}

/* The compiled program against x W^T + b worked out by hand. */
static void test_compiled(void)
{
	/* x = [[1, 0, -1], [2, 1, 0]]; W rows (1 2 3), (4 5 6); b = (0.5, -1). */
	static const float x[6] = { 1, 0, -1, 2, 1, 0 };
	static const float want[4] = { 1 - 3 + 0.5f, 4 - 6 - 1, 2 + 2 + 0.5f, 8 + 5 - 1 };
	struct accel_ir_error err = { "" };
	struct accel_device *dev = NULL;
	struct accel_program *p = NULL;
	struct accel_runner *run = NULL;
	struct accel_report *r = NULL;
	struct accel_tensor in = { ACCEL_DT_F32, 2, { 2, 3 }, (void *)x }, out;
	struct accel_value *w;
	struct accel_graph *g = gemm_graph(1, 1, &w);
	int i, ret;

	if (!g || accel_report_create(&r) || accel_device_open("emu", &dev))
		goto out;
	ret = accel_program_compile(g, NULL, r, &p, &err);
	CHECK(ret == 0, "compile: %s", err.msg);
	CHECK(strstr(accel_report_text(r), "gemm weights: 1 constant") != NULL,
	      "the pipeline runs the pass");
	if (ret || accel_runner_create(p, dev, &run))
		goto out;
	ret = accel_runner_run(run, &in, 1, &out, 1);
	CHECK(ret == 0, "run: %s", accel_runner_error(run));
	for (i = 0; !ret && i < 4; i++)
		CHECK(((float *)out.data)[i] == want[i], "y[%d] = %g, want %g", i,
		      ((float *)out.data)[i], want[i]);
out:
	accel_runner_destroy(run);
	accel_program_destroy(p);
	if (dev)
		accel_device_close(dev);
	accel_report_destroy(r);
	accel_graph_destroy(g);
}

int main(void)
{
	RUN_CASE(test_packed);
	RUN_CASE(test_left_alone);
	RUN_CASE(test_compiled);
	HARNESS_EXIT();
}
