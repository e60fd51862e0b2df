// SPDX-License-Identifier: MIT
/*
 * test_text.c - the text form and the symbolic-dim algebra.
 *
 * Hand-written graphs in canonical form must parse and dump back to the
 * same bytes; non-canonical spellings must dump to the canonical text
 * written out here; every imported fixture must survive dump -> parse ->
 * dump unchanged (hex floats make constants exact); malformed text must
 * fail with the line and the reason.
 *
 * usage: test-compiler-text FIXTURE_DIR
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/ir.h>

#include "harness.h"
#include "ir_priv.h"

static const char *dir;

/* parse(text) dumps to @want (NULL: to text itself). */
static void roundtrip(const char *text, const char *want)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	char *out;
	int ret;

	ret = accel_graph_parse(text, &g, &err);
	CHECK(ret == 0, "parse: %s\n%s", err.msg, text);
	if (ret)
		return;
	out = accel_graph_dump(g);
	CHECK(out && !strcmp(out, want ? want : text), "dump differs:\n%s\nwant:\n%s", out,
	      want ? want : text);
	free(out);
	accel_graph_destroy(g);
}

static void test_canonical_roundtrip(void)
{
	roundtrip("graph g {\n"
		  "  input %x: f32[batch, seq, 32]\n"
		  "  input %m: bool[seq]\n"
		  "  const %w: f32[2, 2] = [0x1p+0, -0x1.8p+1, 0x1.99999ap-4, -0x0p+0]\n"
		  "  const %shape: i64[3] = [0, -1, 8]\n"
		  "  const %flag: bool[2] = [1, 0]\n"
		  "  const %\"odd name\\\"\\x01\": i32[] = [-7]\n"
		  "  %r: f32[batch, 4*seq, 8] = Reshape(%x, %shape) {allowzero=0}\n"
		  "  %t: f32[?, batch, 8] = Transpose(%r) {perm=[1, 0, 2]}\n"
		  "  %a: f32[*] = Softmax(%t) {axis=-1}\n"
		  "  %p, %q: f32[batch*seq + 2, ((seq + 1)/2)] = Split(%x) {axis=2, split=[16, 16]}\n"
		  "  %s = Slice(%x, %shape, %shape, _, %shape)\n"
		  "  %e = Expand(%x) {shape=[batch, seq - 1, (batch/(2*seq))]}\n"
		  "  %n = Reshape(%x) {shape=[-9223372036854775808, 4611686018427387904*batch - 1]}\n"
		  "  %g: f32[batch, seq, 32] = Gemm(%x, %w) {alpha=0x1.8p+0, transB=1}\n"
		  "  output %a\n"
		  "  output %g\n"
		  "}\n", NULL);
}

static void test_noncanonical_spellings(void)
{
	/* Products sort their symbols, constants lead, like terms merge,
	 * exact quotients simplify, inexact ones stay as floor quotients. */
	roundtrip("graph \"my graph\" {   # a comment\n"
		  "input %x : f32[ seq*4 , 2*(seq+1) - 2 , batch*seq*32/(4*batch), seq - seq, "
		  "(seq+1)/2*2 ]\n"
		  "output %x }",
		  "graph \"my graph\" {\n"
		  "  input %x: f32[4*seq, 2*seq, 8*seq, 0, 2*((seq + 1)/2)]\n"
		  "  output %x\n"
		  "}\n");
}

static void parse_fails(const char *text, const char *want)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	int ret = accel_graph_parse(text, &g, &err);

	CHECK(ret < 0 && !g, "parse accepted:\n%s", text);
	CHECK(strstr(err.msg, want), "error '%s' lacks '%s'", err.msg, want);
}

static void test_parse_errors(void)
{
	parse_fails("graph g {\n  %y = Relu(%x)\n}\n", "line 2: 'x' used before it is defined");
	parse_fails("graph g {\n input %x: f32[2]\n  %y = Frobnicate(%x)\n}\n",
		    "line 3: unknown op 'Frobnicate'");
	parse_fails("graph g {\n input %x: f32[2]\n  %y = Relu(%x) {alpha=1}\n}\n",
		    "Relu has no attribute 'alpha'");
	parse_fails("graph g {\n const %c: f32[3] = [1.0, 2.0]\n}\n", "line 2: expected ','");
	parse_fails("graph g {\n const %c: f32[1] = [1.0, 2.0]\n}\n", "exactly as many elements");
	parse_fails("graph g {\n input %x: f32[2]\n input %x: f32[2]\n}\n",
		    "line 3: value 'x' defined twice");
	parse_fails("graph g {\n input %x: f33[2]\n}\n", "expected a dtype");
	parse_fails("graph g {\n input %x: f32[2/0]\n}\n", "divided by zero");
	parse_fails("graph g {\n input %x: f32[-3]\n}\n", "negative dimension");
	parse_fails("graph g {\n input %x: f32[1,2,3,4,5,6,7,8,9]\n}\n", "fewer dimensions");
	parse_fails("graph g {\n input %x: f32[2]\n  %y = Relu(%x, %x)\n}\n",
		    "Relu takes 1 to 1 inputs, not 2");
	parse_fails("graph g {\n input %x: f32[2]\n output %x\n output %x\n}\n",
		    "already an output");
	parse_fails("graph g {\n input %x: f32[2]\n", "expected a statement or '}'");
	parse_fails("graph g { input %x: f32[2] } trailing", "expected the end of the text");
	parse_fails("graph g {\n input %x: f32[((((((((((((((((((((((((((((((((((a))))))))))))))"
		    "))))))))))))))))))))]\n}\n", "fewer nested parentheses");
	parse_fails("graph g {\n const %c: bool[1] = [2]\n}\n", "0 or 1");
}

/* Dims built with the algebra print as written by hand. */
static void expect_dim(struct accel_graph *g, struct accel_dim d, const char *want)
{
	char buf[128];

	accel_dim_format(g, d, buf, sizeof(buf));
	CHECK(!strcmp(buf, want), "dim prints '%s', want '%s'", buf, want);
}

static void test_dim_algebra(void)
{
	struct accel_graph *g;
	struct accel_dim b, s, t, u, v;
	struct dim_env env;
	struct accel_ir_error err;
	int64_t x = 0;

	if (accel_graph_create("g", &g))
		return;
	CHECK(accel_dim_symbol(g, "batch", &b) == 0, "symbol");
	CHECK(accel_dim_symbol(g, "seq", &s) == 0, "symbol");
	CHECK(dim_mul(g->syms, b, s, &t) == 0, "mul");
	CHECK(dim_mul(g->syms, s, b, &u) == 0, "mul");
	CHECK(dim_eq(t, u), "batch*seq == seq*batch (interned)");
	expect_dim(g, t, "batch*seq");
	CHECK(dim_mul(g->syms, t, accel_dim_const(32), &t) == 0, "mul");
	CHECK(dim_mul(g->syms, b, accel_dim_const(4), &u) == 0, "mul");
	CHECK(dim_div(g->syms, t, u, &v) == 0, "div");
	expect_dim(g, v, "8*seq");
	CHECK(dim_add(g->syms, s, accel_dim_const(1), &t) == 0, "add");
	CHECK(dim_div(g->syms, t, accel_dim_const(2), &u) == 0, "div");
	expect_dim(g, u, "((seq + 1)/2)");
	CHECK(dim_sub(g->syms, t, s, &v) == 0, "sub");
	CHECK(dim_is_const(v) && v.val == 1, "(seq + 1) - seq == 1");
	CHECK(dim_sub(g->syms, b, b, &v) == 0 && dim_is_const(v) && v.val == 0, "b - b == 0");
	CHECK(dim_div(g->syms, b, accel_dim_const(0), &v) == -EDOM, "division by zero");
	CHECK(dim_div(g->syms, accel_dim_const(7), accel_dim_const(2), &v) == 0 && v.val == 3,
	      "7/2 == 3");

	/* Evaluation binds plain symbols and checks everything else. */
	CHECK(dim_env_init(g->syms, &env) == 0, "env");
	CHECK(dim_env_bind(g->syms, &env, s, 9, "s", &err) == 0, "bind seq");
	CHECK(dim_eval(g->syms, &env, u, &x, &err) == 0 && x == 5, "(9 + 1)/2 == 5, got %lld",
	      (long long)x);
	CHECK(dim_eval(g->syms, &env, b, &x, &err) == -EINVAL &&
	      strstr(err.msg, "'batch' has no value"), "unbound batch: %s", err.msg);
	CHECK(dim_env_bind(g->syms, &env, u, 6, "u", &err) == -EINVAL &&
	      strstr(err.msg, "must be ((seq + 1)/2) = 5"), "disagreeing bind: %s", err.msg);
	dim_env_fini(&env);
	accel_graph_destroy(g);
}

static void test_fixture_roundtrip(void)
{
	static const char *const models[] = { "mlp", "cnn", "ops", "resnet", "encoder_stack",
						"encoder14", "encoder17", "encoder_mask",
						"encoder_attn_mask", "encoder_causal_bool",
						"bool_io", "encoder_causal", "cnn1d",
						"bert_mask" };
	struct accel_ir_error err = { "" };
	unsigned i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		struct accel_graph *g = NULL, *h = NULL;
		char path[512], *a = NULL, *b = NULL;
		int opt;

		snprintf(path, sizeof(path), "%s/%s.onnx", dir, models[i]);
		/* Both as imported (untyped outputs, shape chains) and optimized
		 * (symbolic DIMS attributes, folded constants). */
		for (opt = 0; opt < 2; opt++) {
			CHECK(accel_onnx_import_file(path, &g, &err) == 0, "%s", err.msg);
			if (!g)
				continue;
			if (opt)
				CHECK(accel_graph_optimize(g, NULL, &err) == 0, "%s", err.msg);
			a = accel_graph_dump(g);
			CHECK(a && accel_graph_parse(a, &h, &err) == 0, "%s: %s", models[i], err.msg);
			b = h ? accel_graph_dump(h) : NULL;
			CHECK(a && b && !strcmp(a, b), "%s: dump -> parse -> dump differs", models[i]);
			/* The pipeline reaches a fixed point in one run, on the
			 * parsed copy as on the original. */
			if (opt && h) {
				free(b);
				CHECK(accel_graph_optimize(h, NULL, &err) == 0, "%s", err.msg);
				b = accel_graph_dump(h);
				CHECK(a && b && !strcmp(a, b), "%s: a second optimize changed the "
				      "graph", models[i]);
			}
			free(a);
			free(b);
			accel_graph_destroy(g);
			accel_graph_destroy(h);
			g = h = NULL;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	RUN_CASE(test_canonical_roundtrip);
	RUN_CASE(test_noncanonical_spellings);
	RUN_CASE(test_parse_errors);
	RUN_CASE(test_dim_algebra);
	RUN_CASE(test_fixture_roundtrip);
	HARNESS_EXIT();
}
