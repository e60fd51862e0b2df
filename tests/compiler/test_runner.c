// SPDX-License-Identifier: MIT
/*
 * test_runner.c - the program runtime at its edges: expression evaluation
 * (floor division, overflow, malformed programs), accel_program_check() on
 * corrupted programs, symbol binding errors, the runner's zero-copy
 * launch with caller buffers, too small ones included, and bool inputs and
 * outputs in both forms. Expected values are worked out by hand.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>
#include <accel/program.h>

#include "harness.h"

static struct accel_device *dev;

/* y = x * 2 + 1 over f32[n, 3]; compiled from text. */
static struct accel_program *small_program(void)
{
	static const char text[] =
		"graph t {\n  input %x: f32[n, 3]\n  const %two: f32[] = [0x1p+1]\n"
		"  const %one: f32[] = [0x1p+0]\n  %m = Mul(%x, %two)\n  %y = Add(%m, %one)\n"
		"  output %y\n}\n";
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_program *p = NULL;

	CHECK(accel_graph_parse(text, &g, &err) == 0, "parse: %s", err.msg);
	if (g)
		CHECK(accel_program_compile(g, NULL, NULL, &p, &err) == 0, "compile: %s", err.msg);
	accel_graph_destroy(g);
	return p;
}

/* A program holding only expressions, for eval tests. */
static int64_t eval(const struct accel_pexpr_insn *insns, uint32_t n, const int64_t *syms,
		    int *ret)
{
	struct accel_pexpr e = { 0, n };
	struct accel_program p = { .version = ACCEL_PROGRAM_VERSION, .nsyms = 2, .ninsns = n,
				   .nexprs = 1, .insns = (struct accel_pexpr_insn *)insns,
				   .exprs = &e };
	int64_t v = -1;

	*ret = accel_program_eval(&p, 0, syms, NULL, &v);
	return v;
}

static void test_eval(void)
{
	const struct accel_pexpr_insn floor_div[] = {
		{ ACCEL_PX_CONST, 0, -7 }, { ACCEL_PX_SYM, 0, 1 }, { ACCEL_PX_DIV, 0, 0 } };
	const struct accel_pexpr_insn poly[] = {	/* 3*s0*s1 + 5 - s1 */
		{ ACCEL_PX_CONST, 0, 3 }, { ACCEL_PX_SYM, 0, 0 }, { ACCEL_PX_MUL, 0, 0 },
		{ ACCEL_PX_SYM, 0, 1 }, { ACCEL_PX_MUL, 0, 0 }, { ACCEL_PX_CONST, 0, 5 },
		{ ACCEL_PX_ADD, 0, 0 }, { ACCEL_PX_SYM, 0, 1 }, { ACCEL_PX_SUB, 0, 0 } };
	const struct accel_pexpr_insn ovf[] = {
		{ ACCEL_PX_CONST, 0, INT64_MAX }, { ACCEL_PX_SYM, 0, 0 }, { ACCEL_PX_MUL, 0, 0 } };
	const struct accel_pexpr_insn div0[] = {
		{ ACCEL_PX_CONST, 0, 1 }, { ACCEL_PX_CONST, 0, 0 }, { ACCEL_PX_DIV, 0, 0 } };
	const struct accel_pexpr_insn underflow[] = { { ACCEL_PX_ADD, 0, 0 } };
	const struct accel_pexpr_insn two_left[] = {
		{ ACCEL_PX_CONST, 0, 1 }, { ACCEL_PX_CONST, 0, 2 } };
	const struct accel_pexpr_insn bad_sym[] = { { ACCEL_PX_SYM, 0, 2 } };
	const struct accel_pexpr_insn slot[] = { { ACCEL_PX_SLOT, 0, 0 } };
	int64_t syms[2] = { 4, 2 }, v;
	int ret;

	v = eval(floor_div, 3, syms, &ret);
	CHECK(ret == 0 && v == -4, "-7 / 2 = %lld (%d), want floor -4", (long long)v, ret);
	v = eval(poly, 9, syms, &ret);
	CHECK(ret == 0 && v == 27, "3*4*2 + 5 - 2 = %lld, want 27", (long long)v);
	eval(ovf, 3, syms, &ret);
	CHECK(ret == -EOVERFLOW, "overflow: %d", ret);
	eval(div0, 3, syms, &ret);
	CHECK(ret == -EDOM, "division by zero: %d", ret);
	eval(underflow, 1, syms, &ret);
	CHECK(ret == -EINVAL, "stack underflow: %d", ret);
	eval(two_left, 2, syms, &ret);
	CHECK(ret == -EINVAL, "two values left: %d", ret);
	eval(bad_sym, 1, syms, &ret);
	CHECK(ret == -EINVAL, "symbol out of range: %d", ret);
	eval(slot, 1, syms, &ret);
	CHECK(ret == -EINVAL, "slot without a plan: %d", ret);
}

static void test_check_corruption(void)
{
	struct accel_program *p = small_program();
	char msg[256];
	uint32_t saved;

	if (!p)
		return;
	CHECK(accel_program_check(p, msg, sizeof(msg)) == 0, "valid program refused: %s", msg);
	CHECK(p->npatches > 0 && p->nexprs > 0, "the program has patches");
	if (!p->npatches)
		goto out;
	saved = p->patches[0].offset;
	p->patches[0].offset = p->templates[0].size - 2;
	CHECK(accel_program_check(p, msg, sizeof(msg)) == -EINVAL && strstr(msg, "patch 0"),
	      "patch past its template: %s", msg);
	p->patches[0].offset = saved;
	saved = p->patches[0].expr;
	p->patches[0].expr = p->nexprs;
	CHECK(accel_program_check(p, msg, sizeof(msg)) == -EINVAL, "expression out of range");
	p->patches[0].expr = saved;
	saved = p->exprs[0].count;
	p->exprs[0].count = p->ninsns + 1;
	CHECK(accel_program_check(p, msg, sizeof(msg)) == -EINVAL && strstr(msg, "expression 0"),
	      "expression past the instructions: %s", msg);
	p->exprs[0].count = saved;
	p->version++;
	CHECK(accel_program_check(p, msg, sizeof(msg)) == -EINVAL && strstr(msg, "version"),
	      "version: %s", msg);
	p->version--;
	CHECK(accel_program_check(p, msg, sizeof(msg)) == 0, "restored program refused: %s", msg);
out:
	accel_program_destroy(p);
}

static void test_bind_errors(void)
{
	struct accel_program *p = small_program();
	struct accel_runner *r = NULL;
	struct accel_tensor in = { .dtype = ACCEL_DT_F32, .rank = 2, .dims = { 4, 3 } };
	struct accel_tensor out = { 0 };
	float data[12];
	int64_t syms[1];
	char msg[256];

	if (!p)
		return;
	CHECK(p->nsyms == 1 && !strcmp(p->sym_names[0], "n"), "one symbol n");
	CHECK(accel_program_bind(p, &in, 1, syms, msg, sizeof(msg)) == 0 && syms[0] == 4,
	      "bind n = 4: %s", msg);
	in.dims[1] = 4;
	CHECK(accel_program_bind(p, &in, 1, syms, msg, sizeof(msg)) == -EINVAL &&
	      strstr(msg, "input x: dim 1 is 4"), "wrong constant dim: %s", msg);
	in.dims[1] = 3;
	in.dims[0] = 0;
	CHECK(accel_program_bind(p, &in, 1, syms, msg, sizeof(msg)) == -EINVAL &&
	      strstr(msg, "dim 0 is 0"), "zero dim: %s", msg);
	in.dims[0] = 4;
	in.rank = 3;
	CHECK(accel_program_bind(p, &in, 1, syms, msg, sizeof(msg)) == -EINVAL, "rank 3");
	in.rank = 2;
	in.dtype = ACCEL_DT_I64;
	CHECK(accel_program_bind(p, &in, 1, syms, msg, sizeof(msg)) == -EINVAL, "dtype i64");
	in.dtype = ACCEL_DT_F32;
	CHECK(accel_program_bind(p, &in, 0, syms, msg, sizeof(msg)) == -EINVAL, "no inputs");
	CHECK(accel_runner_create(p, dev, &r) == 0, "runner");
	if (r) {
		CHECK(accel_runner_run(r, &in, 1, &out, 1) == -EINVAL &&
		      strstr(accel_runner_error(r), "no data"), "NULL data: %s",
		      accel_runner_error(r));
		in.data = data;
		memset(data, 0, sizeof(data));
		CHECK(accel_runner_run(r, &in, 1, &out, 1) == 0, "run: %s", accel_runner_error(r));
		CHECK(out.rank == 2 && out.dims[0] == 4 && out.dims[1] == 3 && out.data &&
		      ((float *)out.data)[11] == 1.0f, "0 * 2 + 1 = 1");
	}
	accel_runner_destroy(r);
	accel_program_destroy(p);
}

static void test_launch_buffers(void)
{
	struct accel_program *p = small_program();
	struct accel_runner *r = NULL;
	struct accel_buffer *ib = NULL, *ob = NULL, *small = NULL;
	struct accel_tensor in = { .dtype = ACCEL_DT_F32, .rank = 2, .dims = { 5, 3 } }, shape, big;
	struct accel_runner_stats st;
	float *x, *y;
	int i, ret;

	if (!p)
		return;
	CHECK(accel_runner_create(p, dev, &r) == 0, "runner");
	CHECK(accel_buffer_alloc(dev, 15 * sizeof(float), 0, &ib) == 0, "alloc");
	CHECK(accel_buffer_alloc(dev, 15 * sizeof(float), 0, &ob) == 0, "alloc");
	CHECK(accel_buffer_alloc(dev, 14 * sizeof(float), 0, &small) == 0, "alloc");
	if (!r || !ib || !ob || !small)
		goto out;
	CHECK(accel_runner_output_shape(r, &in, 0, &shape) == 0 && shape.rank == 2 &&
	      shape.dims[0] == 5 && shape.dims[1] == 3, "output shape 5x3");
	accel_buffer_map(ib, (void **)&x);
	accel_buffer_map(ob, (void **)&y);
	for (i = 0; i < 15; i++)
		x[i] = (float)i - 7.0f;
	ret = accel_runner_launch(r, &in, &ib, &ob);
	CHECK(ret == 0, "launch: %s", accel_runner_error(r));
	for (i = 0; !ret && i < 15; i++)
		CHECK(y[i] == 2.0f * ((float)i - 7.0f) + 1.0f, "y[%d] = %g", i, y[i]);
	/* Buffers are rounded up by the device: ask for one row more than
	 * the output buffer holds. */
	big = in;
	big.dims[0] = (int64_t)(accel_buffer_size(small) / (3 * sizeof(float))) + 1;
	ret = accel_runner_launch(r, &big, &ib, &small);
	CHECK(ret == -ENOSPC && strstr(accel_runner_error(r), "buffer for x"),
	      "input buffer too small: %d %s", ret, accel_runner_error(r));
	accel_runner_stats(r, &st);
	CHECK(st.runs == 1 && st.repatches == 2, "%llu runs, %llu re-patches",
	      (unsigned long long)st.runs, (unsigned long long)st.repatches);
out:
	if (small)
		accel_buffer_free(small);
	if (ib)
		accel_buffer_free(ib);
	if (ob)
		accel_buffer_free(ob);
	accel_runner_destroy(r);
	accel_program_destroy(p);
}

/*
 * Bool I/O: m: bool[n, 2] -> y = Not(m), a bool output. The signature keeps
 * bool; the device form is f32 0/1, so a bool[3, 2] input needs 24 bytes.
 * accel_runner_launch() takes and gives that form, accel_runner_run()
 * converts host bytes (a 7 is true) on the way in and out.
 */
static void test_bool_io(void)
{
	static const char text[] =
		"graph t {\n  input %m: bool[n, 2]\n  %y = Not(%m)\n  output %y\n}\n";
	static const uint8_t host[6] = { 0, 1, 7, 0, 0, 255 }, want[6] = { 1, 0, 0, 1, 1, 0 };
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_program *p = NULL;
	struct accel_runner *r = NULL;
	struct accel_buffer *ib = NULL, *ob = NULL;
	struct accel_tensor in = { .dtype = ACCEL_DT_BOOL, .rank = 2, .dims = { 3, 2 },
				   .data = (void *)host }, out = { 0 };
	struct accel_program_memory mem;
	int64_t n = 3;
	float *x, *y;
	int i, ret;

	CHECK(accel_graph_parse(text, &g, &err) == 0, "parse: %s", err.msg);
	if (g)
		CHECK(accel_program_compile(g, NULL, NULL, &p, &err) == 0, "compile: %s", err.msg);
	accel_graph_destroy(g);
	if (!p)
		return;
	CHECK(p->inputs[0].dtype == ACCEL_DT_BOOL && p->outputs[0].dtype == ACCEL_DT_BOOL,
	      "bool signature");
	CHECK(accel_program_device_dtype(ACCEL_DT_BOOL) == ACCEL_DT_F32 &&
	      accel_program_device_dtype(ACCEL_DT_I64) == ACCEL_DT_I64, "device dtypes");
	CHECK(accel_program_memory(p, &n, &mem) == 0 && mem.io_bytes == 2 * 6 * sizeof(float),
	      "io bytes %llu, want 48", (unsigned long long)mem.io_bytes);
	CHECK(accel_runner_create(p, dev, &r) == 0, "runner");
	if (!r)
		goto out;
	ret = accel_runner_run(r, &in, 1, &out, 1);
	CHECK(ret == 0, "run: %s", accel_runner_error(r));
	CHECK(out.dtype == ACCEL_DT_BOOL && out.rank == 2 && out.dims[0] == 3, "bool output");
	for (i = 0; !ret && i < 6; i++)
		CHECK(((uint8_t *)out.data)[i] == want[i], "y[%d] = %u, want %u", i,
		      ((uint8_t *)out.data)[i], want[i]);
	/* Caller buffers hold the device form. */
	CHECK(accel_buffer_alloc(dev, 6 * sizeof(float), 0, &ib) == 0, "alloc");
	CHECK(accel_buffer_alloc(dev, 6 * sizeof(float), 0, &ob) == 0, "alloc");
	if (!ib || !ob)
		goto out;
	accel_buffer_map(ib, (void **)&x);
	accel_buffer_map(ob, (void **)&y);
	for (i = 0; i < 6; i++)
		x[i] = host[i] ? 1.0f : 0.0f;
	ret = accel_runner_launch(r, &in, &ib, &ob);
	CHECK(ret == 0, "launch: %s", accel_runner_error(r));
	for (i = 0; !ret && i < 6; i++)
		CHECK(y[i] == (float)want[i], "device y[%d] = %g, want %u", i, y[i], want[i]);
out:
	if (ib)
		accel_buffer_free(ib);
	if (ob)
		accel_buffer_free(ob);
	accel_runner_destroy(r);
	accel_program_destroy(p);
}

int main(void)
{
	if (accel_device_open("emu", &dev)) {
		fprintf(stderr, "cannot open the emu device\n");
		return 1;
	}
	RUN_CASE(test_eval);
	RUN_CASE(test_check_corruption);
	RUN_CASE(test_bind_errors);
	RUN_CASE(test_launch_buffers);
	RUN_CASE(test_bool_io);
	accel_device_close(dev);
	HARNESS_EXIT();
}
