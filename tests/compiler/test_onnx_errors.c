// SPDX-License-Identifier: MIT
/*
 * test_onnx_errors.c - what the ONNX importer refuses, and how it says so.
 *
 * Each case builds a one-node model with the protobuf-c structs generated
 * from onnx.proto, changes exactly one thing, packs it and checks the
 * import error word for word where it names the node, op and attribute.
 * Truncated and bit-flipped copies of a real fixture must be refused or
 * imported without a crash (the ASan build makes a bad access fatal).
 *
 * usage: test-compiler-onnx-errors FIXTURE_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/ir.h>

#include "harness.h"
#include "onnx_model.h"

static const char *dir;

/* One model: input x f32[2, 3] -> node n0 -> output y (onnx_model.h). */
static void model_init(struct onnx_model *s, const char *op)
{
	onnx_model_init(s, op, 2, (const int64_t[]){ 2, 3 });
}

/* The one attribute a case gives, s->attr[0]; the caller sets its value. */
static void add_attr(struct onnx_model *s, const char *name, Onnx__AttributeProto__AttributeType t)
{
	onnx_model_attr(s, name, t);
}

/* A 2x3 f32 initializer "w", raw data. */
static void add_init(struct onnx_model *s)
{
	onnx_model_weight(s, 2, (const int64_t[]){ 2, 3 });
}

static int import(struct onnx_model *s, struct accel_ir_error *err)
{
	size_t len;
	uint8_t *buf = onnx_model_pack(s, &len);
	struct accel_graph *g = NULL;
	int ret;

	if (!buf)
		return -ENOMEM;
	memset(err, 0, sizeof(*err));
	ret = accel_onnx_import(buf, len, &g, err);
	CHECK(ret == 0 || !g, "a failed import returned a graph");
	accel_graph_destroy(g);
	free(buf);
	return ret;
}

static void expect_error(struct onnx_model *s, int errnum, const char *want)
{
	struct accel_ir_error err;
	int ret = import(s, &err);

	CHECK(ret == -errnum, "import returned %d, want %d (%s)", ret, -errnum, err.msg);
	CHECK(strstr(err.msg, want), "error '%s' lacks '%s'", err.msg, want);
}

static void test_baseline_imports(void)
{
	struct accel_ir_error err;
	struct onnx_model s;

	model_init(&s, "Relu");
	CHECK(import(&s, &err) == 0, "the unmodified model imports: %s", err.msg);
}

/*
 * The bool ops a key-padding or causal mask brings (Not, And, Or; Cast to
 * and from BOOL) import from a model whose input is bool, with bool
 * results; Xor and a Cast to a type the IR lacks stay refused by name.
 */
static void test_bool_ops(void)
{
	static const char *const ops[] = { "Not", "And", "Or" };
	struct accel_ir_error err;
	struct onnx_model s;
	unsigned i;

	for (i = 0; i < 3; i++) {
		size_t len;
		uint8_t *buf;
		struct accel_graph *g = NULL;

		model_init(&s, ops[i]);
		s.xtt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
		s.node.n_input = i ? 2 : 1;
		buf = onnx_model_pack(&s, &len);
		if (!buf)
			continue;
		CHECK(accel_onnx_import(buf, len, &g, &err) == 0, "%s: %s", ops[i], err.msg);
		free(buf);
		if (!g)
			continue;
		CHECK(g->inputs[0]->dtype == ACCEL_DT_BOOL, "%s: input is %s", ops[i],
		      accel_dtype_name(g->inputs[0]->dtype));
		CHECK(g->nnodes == 1 && !strcmp(accel_op_name(g->nodes[0]->op), ops[i]),
		      "%s: one %s node", ops[i], ops[i]);
		CHECK(accel_pass_infer_shapes(g, NULL, &err) == 0 &&
		      g->outputs[0]->dtype == ACCEL_DT_BOOL, "%s: bool result: %s", ops[i],
		      err.msg);
		accel_graph_destroy(g);
	}

	model_init(&s, "Cast");
	add_attr(&s, "to", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
	s.attr[0].has_i = 1;
	s.attr[0].i = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
	CHECK(import(&s, &err) == 0, "Cast to BOOL: %s", err.msg);
	s.xtt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
	s.attr[0].i = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	CHECK(import(&s, &err) == 0, "Cast BOOL to FLOAT: %s", err.msg);
	s.attr[0].i = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Cast): attribute 'to'");

	/* Trilu's k: a constant scalar becomes an attribute; x is not one. */
	{
		struct accel_graph *g = NULL;
		size_t len;
		uint8_t *buf;
		int64_t kv = 1;

		model_init(&s, "Trilu");
		s.node.n_input = 2;
		s.node_in[1] = "w";
		add_init(&s);
		s.init.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
		s.init.n_dims = 0;
		s.init.raw_data.len = sizeof(kv);
		s.init.raw_data.data = (uint8_t *)&kv;
		buf = onnx_model_pack(&s, &len);
		if (buf) {
			CHECK(accel_onnx_import(buf, len, &g, &err) == 0, "Trilu: %s", err.msg);
			free(buf);
		}
		CHECK(g && g->nnodes == 1 && g->nodes[0]->op == ACCEL_OP_TRILU &&
		      g->nodes[0]->ninputs == 1 && g->nodes[0]->nattrs == 1 &&
		      g->nodes[0]->attrs[0].i == 1, "Trilu with k = 1 as an attribute");
		accel_graph_destroy(g);
		model_init(&s, "Trilu");
		s.node.n_input = 2;
		expect_error(&s, EOPNOTSUPP, "node 'n0' (op Trilu): input 'x' (k) must be a "
			     "constant");
	}

	model_init(&s, "Xor");
	s.xtt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
	s.node.n_input = 2;
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Xor): unsupported op");
}

static void test_unsupported_op(void)
{
	struct onnx_model s;

	model_init(&s, "Frobnicate");
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Frobnicate): unsupported op");
	model_init(&s, "Relu");
	s.node.domain = "com.microsoft";
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Relu): unsupported domain 'com.microsoft'");
}

static void test_unsupported_attribute(void)
{
	struct onnx_model s;

	model_init(&s, "Gemm");
	s.node.n_input = 2;
	add_attr(&s, "bogus", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Gemm): unsupported attribute 'bogus'");

	model_init(&s, "Conv");
	s.node.n_input = 2;
	add_attr(&s, "auto_pad", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
	s.attr[0].has_s = 1;
	s.attr[0].s.data = (uint8_t *)"SAME_UPPER";
	s.attr[0].s.len = 10;
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Conv): attribute 'auto_pad': only NOTSET");

	/* x is [2, 3] used as the weight: a rank-2 weight has no kernel dims. */
	model_init(&s, "Conv");
	s.node.n_input = 2;
	add_attr(&s, "kernel_shape", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
	s.attr[0].n_ints = 2;
	s.attr[0].ints = (int64_t[]){ 3, 3 };
	expect_error(&s, EINVAL, "node 'n0' (op Conv): attribute 'kernel_shape' has 2 entries "
		     "for a rank-2 weight");

	model_init(&s, "Softmax");
	add_attr(&s, "axis", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
	expect_error(&s, EINVAL, "node 'n0' (op Softmax): attribute 'axis' has type 1");

	model_init(&s, "Pad");
	add_attr(&s, "mode", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
	s.attr[0].has_s = 1;
	s.attr[0].s.data = (uint8_t *)"reflect";
	s.attr[0].s.len = 7;
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Pad): attribute 'mode': only 'constant'");

	/* Axes must be constant for the IR to hold them as an attribute. */
	model_init(&s, "Unsqueeze");
	s.node.n_input = 2;
	expect_error(&s, EOPNOTSUPP, "node 'n0' (op Unsqueeze): input 'x' (axes) must be a "
		     "constant list of integers");
}

static void test_graph_errors(void)
{
	struct onnx_model s;

	model_init(&s, "Relu");
	s.opset.version = 9;
	expect_error(&s, EOPNOTSUPP, "opset 9 is not supported (13 to 18 are)");

	model_init(&s, "Relu");
	s.node_in[0] = "nope";
	expect_error(&s, EINVAL, "node 'n0' (op Relu): input 'nope' is not defined before the node");

	model_init(&s, "Relu");
	s.yout.name = "zz";
	expect_error(&s, EINVAL, "graph output 'zz' is never produced");

	model_init(&s, "Relu");
	s.xtt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__STRING;
	expect_error(&s, EOPNOTSUPP, "graph input 'x': unsupported data type 8");
}

static void test_hostile_tensors(void)
{
	struct onnx_model s;

	model_init(&s, "Relu");
	add_init(&s);
	s.init.raw_data.len = 4;
	expect_error(&s, EINVAL, "tensor 'w': raw_data holds 4 bytes, dims need 24");

	model_init(&s, "Relu");
	add_init(&s);
	s.init.n_dims = 9;
	expect_error(&s, EINVAL, "tensor 'w': rank 9 exceeds 8");

	model_init(&s, "Relu");
	add_init(&s);
	s.init_dims[0] = -1;
	expect_error(&s, EINVAL, "tensor 'w': dimension 0 (-1) invalid or too large");

	/* 2^31 x 2^31 elements would overflow a naive size computation. */
	model_init(&s, "Relu");
	add_init(&s);
	s.init_dims[0] = 1ll << 31;
	s.init_dims[1] = 1ll << 31;
	expect_error(&s, EINVAL, "tensor 'w': dimension 0 (2147483648) invalid or too large");

	model_init(&s, "Relu");
	add_init(&s);
	s.init.has_raw_data = 0;
	s.init.n_float_data = 5;
	s.init.float_data = s.init_data;
	expect_error(&s, EINVAL, "tensor 'w': data holds the wrong number of elements for 6");

	/* Dims that promise 4 GiB with five floats of data: refused before
	 * anything is allocated (found by fuzz-onnx-import). */
	model_init(&s, "Relu");
	add_init(&s);
	s.init.has_raw_data = 0;
	s.init.n_float_data = 5;
	s.init.float_data = s.init_data;
	s.init_dims[0] = 1 << 15;
	s.init_dims[1] = 1 << 15;
	expect_error(&s, EINVAL, "tensor 'w': data holds the wrong number of elements for "
		     "1073741824");

	model_init(&s, "Relu");
	add_init(&s);
	s.init.has_data_location = 1;
	s.init.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	expect_error(&s, EOPNOTSUPP, "tensor 'w': external data is not supported");
}

static void test_not_a_model(void)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34 };
	struct accel_ir_error err;
	struct accel_graph *g = NULL;

	CHECK(accel_onnx_import(junk, sizeof(junk), &g, &err) == -EINVAL && !g &&
	      strstr(err.msg, "not an ONNX model"), "%s", err.msg);
	CHECK(accel_onnx_import_file("/nonexistent.onnx", &g, &err) == -ENOENT &&
	      strstr(err.msg, "/nonexistent.onnx"), "%s", err.msg);
}

/* Every prefix of a real model, and copies with one byte flipped, must
 * import or fail cleanly: never crash, never leak (ASan build). */
static void test_truncated_and_flipped(void)
{
	struct accel_ir_error err;
	struct accel_graph *g;
	char path[512];
	uint8_t *buf;
	long len, cut;
	int refused = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cnn.onnx", dir);
	f = fopen(path, "rb");
	CHECK(f != NULL, "open %s", path);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len);
	CHECK(buf && fread(buf, 1, (size_t)len, f) == (size_t)len, "read");
	fclose(f);
	for (cut = 0; buf && cut < len; cut += 1 + cut / 16) {
		g = NULL;
		if (accel_onnx_import(buf, (size_t)cut, &g, &err)) {
			refused++;
			CHECK(err.msg[0], "a refusal without a message at %ld", cut);
		} else {
			CHECK(accel_graph_optimize(g, NULL, &err) >= -ENOMEM, "optimize");
		}
		accel_graph_destroy(g);
	}
	CHECK(refused > 0, "no truncation was refused");
	for (cut = 0; buf && cut < len; cut += 97) {
		buf[cut] ^= 0x5a;
		g = NULL;
		if (!accel_onnx_import(buf, (size_t)len, &g, &err))
			accel_graph_optimize(g, NULL, &err);
		accel_graph_destroy(g);
		buf[cut] ^= 0x5a;
	}
	free(buf);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	RUN_CASE(test_baseline_imports);
	RUN_CASE(test_bool_ops);
	RUN_CASE(test_unsupported_op);
	RUN_CASE(test_unsupported_attribute);
	RUN_CASE(test_graph_errors);
	RUN_CASE(test_hostile_tensors);
	RUN_CASE(test_not_a_model);
	RUN_CASE(test_truncated_and_flipped);
	HARNESS_EXIT();
}
