// SPDX-License-Identifier: MIT
/*
 * test_models.c - import the PyTorch-exported fixtures (gen_fixtures.py),
 * run the pass pipeline and the reference interpreter at two batch sizes,
 * and compare with PyTorch's own outputs within rtol 1e-4, atol 1e-5.
 *
 * The masked encoders take their bool masks (and an attention mask) as
 * further inputs, MODEL.inK.B.npy (fixture_inputs.h).
 *
 * Each model also runs before optimization, so a pass that changes results
 * fails here even when the optimized graph happens to match. Structural
 * expectations (symbolic output shapes, the shape subgraph gone) are
 * written out by hand per model.
 *
 * usage: test-compiler-models FIXTURE_DIR
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/ir.h>

#include "fixture_inputs.h"
#include "harness.h"
#include "npy.h"

#define RTOL 1e-4
#define ATOL 1e-5

static const char *dir;
static const int batches[2] = { 2, 5 };

static int count_op(const struct accel_graph *g, enum accel_op op)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < g->nnodes; i++)
		n += g->nodes[i]->op == op;
	return n;
}

static void shape_text(const struct accel_graph *g, const struct accel_value *v, char *buf,
		       size_t len)
{
	size_t used;
	int i;

	snprintf(buf, len, "[");
	for (i = 0; i < v->shape.rank; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, i ? ", " : "");
		used = strlen(buf);
		accel_dim_format(g, v->shape.dims[i], buf + used, len - used);
	}
	used = strlen(buf);
	snprintf(buf + used, len - used, "]");
}

/* Run @g on MODEL.in.B.npy (and MODEL.inK.B.npy) and compare with
 * MODEL.out.B.npy. */
static void run_and_compare(const char *model, const struct accel_graph *g, int b,
			    const char *stage)
{
	struct accel_tensor x[FIXTURE_MAX_INPUTS], want, got = { 0 };
	struct accel_ir_error err = { "" };
	char path[512];
	int64_t i, n = 1, bad = 0;
	double worst = 0;
	int ret, d, nin;

	nin = fixture_load_inputs(dir, model, b, x);
	if (nin < 0) {
		CHECK(0, "cannot load the inputs of %s at %d", model, b);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.out.%d.npy", dir, model, b);
	if (npy_load(path, &want)) {
		CHECK(0, "cannot load %s", path);
		fixture_free_inputs(x);
		return;
	}
	CHECK((uint32_t)nin == g->ninputs, "%s: %d input files for %u inputs", model, nin,
	      g->ninputs);
	ret = accel_interp_run(g, x, (uint32_t)nin, &got, 1, &err);
	CHECK(ret == 0, "%s %s batch %d: %s", model, stage, b, err.msg);
	if (!ret) {
		CHECK(got.rank == want.rank, "%s: rank %d, want %d", model, got.rank, want.rank);
		for (d = 0; d < got.rank && d < want.rank; d++) {
			CHECK(got.dims[d] == want.dims[d], "%s: dim %d is %lld, want %lld", model, d,
			      (long long)got.dims[d], (long long)want.dims[d]);
			n *= want.dims[d];
		}
		for (i = 0; got.rank == want.rank && i < n; i++) {
			double a = ((float *)got.data)[i], w = ((float *)want.data)[i];
			double e = fabs(a - w);

			if (!(e <= ATOL + RTOL * fabs(w))) {
				if (!bad)
					fprintf(stderr, "%s %s batch %d: [%lld] = %.9g, want %.9g\n",
						model, stage, b, (long long)i, a, w);
				bad++;
			}
			worst = e > worst ? e : worst;
		}
		CHECK(bad == 0, "%s %s batch %d: %lld of %lld elements outside tolerance",
		      model, stage, b, (long long)bad, (long long)n);
		printf("# %s %s batch %d: %lld elements, max abs error %.3g\n", model, stage, b,
		       (long long)n, worst);
	}
	accel_tensor_release(&got);
	fixture_free_inputs(x);
	free(want.data);
}

/* Import, check, optimize; returns the graph or NULL. */
static struct accel_graph *import(const char *model, struct accel_graph **raw)
{
	struct accel_ir_error err = { "" };
	struct accel_report *rep = NULL;
	struct accel_graph *g;
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s.onnx", dir, model);
	ret = accel_onnx_import_file(path, &g, &err);
	CHECK(ret == 0, "import %s: %s", model, err.msg);
	if (ret)
		return NULL;
	ret = accel_onnx_import_file(path, raw, &err);
	CHECK(ret == 0, "import %s again: %s", model, err.msg);
	if (!ret) {
		ret = accel_pass_infer_shapes(*raw, NULL, &err);
		CHECK(ret == 0, "shapes %s: %s", model, err.msg);
	}
	CHECK(accel_report_create(&rep) == 0, "report");
	ret = accel_graph_optimize(g, rep, &err);
	CHECK(ret == 0, "optimize %s: %s", model, err.msg);
	if (getenv("ACCEL_TEST_VERBOSE")) {
		printf("%s", accel_report_text(rep));
		accel_graph_dump_file(g, stdout);
	}
	accel_report_destroy(rep);
	if (ret) {
		accel_graph_destroy(g);
		return NULL;
	}
	return g;
}

static void run_model(const char *model, struct accel_graph *g, struct accel_graph *raw)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (raw)
			run_and_compare(model, raw, batches[i], "as imported");
		run_and_compare(model, g, batches[i], "optimized");
	}
}

static void expect_output_shape(const char *model, const struct accel_graph *g, const char *want)
{
	char buf[256];

	shape_text(g, g->outputs[0], buf, sizeof(buf));
	CHECK(!strcmp(buf, want), "%s output shape %s, want %s", model, buf, want);
}

static void test_mlp(void)
{
	struct accel_graph *raw = NULL, *g = import("mlp", &raw);

	if (!g)
		return;
	CHECK(g->ninputs == 1 && g->noutputs == 1, "one input, one output");
	expect_output_shape("mlp", g, "[batch, 10]");
	CHECK(count_op(g, ACCEL_OP_GEMM) == 3, "three Gemm");
	CHECK(count_op(g, ACCEL_OP_RELU) == 2, "two Relu");
	run_model("mlp", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

static void test_cnn(void)
{
	struct accel_graph *raw = NULL, *g = import("cnn", &raw);

	if (!g)
		return;
	expect_output_shape("cnn", g, "[batch, 10]");
	CHECK(count_op(g, ACCEL_OP_CONV) == 4, "four Conv");
	CHECK(count_op(g, ACCEL_OP_BATCHNORM) == 1, "the unfoldable BatchNormalization");
	CHECK(count_op(g, ACCEL_OP_MAXPOOL) == 1 && count_op(g, ACCEL_OP_AVGPOOL) == 1 &&
	      count_op(g, ACCEL_OP_GLOBALAVGPOOL) == 1, "the three pools");
	CHECK(count_op(g, ACCEL_OP_PAD) == 1, "AvgPool's Pad");
	run_model("cnn", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

static void test_ops(void)
{
	struct accel_graph *raw = NULL, *g = import("ops", &raw);

	if (!g)
		return;
	expect_output_shape("ops", g, "[batch, 3]");
	/* arange(batch) and zeros(batch, 3) depend on the batch: they stay
	 * as Range and ConstantOfShape, the latter with a symbolic shape. */
	CHECK(count_op(g, ACCEL_OP_RANGE) == 1, "Range stays");
	CHECK(count_op(g, ACCEL_OP_CONSTANTOFSHAPE) == 1, "ConstantOfShape stays");
	{
		uint32_t i;

		for (i = 0; i < g->nnodes; i++) {
			char buf[64];

			if (g->nodes[i]->op != ACCEL_OP_RANGE)
				continue;
			shape_text(g, g->nodes[i]->outputs[0], buf, sizeof(buf));
			CHECK(!strcmp(buf, "[batch]"), "range(0, batch, 1) is %s, want [batch]", buf);
		}
	}
	run_model("ops", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

static void test_resnet(void)
{
	struct accel_graph *raw = NULL, *g = import("resnet", &raw);

	if (!g)
		return;
	expect_output_shape("resnet", g, "[batch, 10]");
	/* stem, 2 + 2 block convs and the strided 1x1 downsample; the exporter
	 * folded every BatchNorm into its Conv. */
	CHECK(count_op(g, ACCEL_OP_CONV) == 6, "six Conv, not %d", count_op(g, ACCEL_OP_CONV));
	CHECK(count_op(g, ACCEL_OP_MAXPOOL) == 1 && count_op(g, ACCEL_OP_GLOBALAVGPOOL) == 1,
	      "3x3/2 max pool with padding and the global pool");
	CHECK(count_op(g, ACCEL_OP_ADD) == 2, "two residual adds");
	run_model("resnet", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

/* The exporter's Shape -> Gather -> Unsqueeze -> Concat chains are folded
 * into symbolic Reshape targets, heads folded into the batch, and removed. */
static void expect_shape_chains_folded(const char *model, const struct accel_graph *g,
				       const struct accel_graph *raw)
{
	bool symbolic_reshape = false;
	uint32_t i, j;

	CHECK(count_op(g, ACCEL_OP_SHAPE) == 0, "%s: %d Shape left", model,
	      count_op(g, ACCEL_OP_SHAPE));
	CHECK(count_op(g, ACCEL_OP_GATHER) == 0, "%s: Gather left", model);
	CHECK(count_op(g, ACCEL_OP_CONCAT) == 0, "%s: Concat left", model);
	CHECK(count_op(g, ACCEL_OP_UNSQUEEZE) == 0, "%s: Unsqueeze left", model);
	CHECK(count_op(raw, ACCEL_OP_SHAPE) > 0, "%s: the raw import has the shape chain", model);
	for (i = 0; i < g->nnodes; i++) {
		const struct accel_node *n = g->nodes[i];

		if (n->op != ACCEL_OP_RESHAPE)
			continue;
		CHECK(n->ninputs == 1, "%s: a Reshape kept its shape input", model);
		for (j = 0; j < n->nattrs; j++) {
			char buf[64];
			uint32_t k;

			if (strcmp(n->attrs[j].name, "shape"))
				continue;
			for (k = 0; k < n->attrs[j].n; k++) {
				accel_dim_format(g, n->attrs[j].dims[k], buf, sizeof(buf));
				symbolic_reshape = symbolic_reshape || !strcmp(buf, "4*batch");
			}
		}
	}
	CHECK(symbolic_reshape, "%s: a Reshape to [seq, 4*batch, 8] (heads folded into batch)",
	      model);
}

static void test_encoder_stack(void)
{
	struct accel_graph *raw = NULL, *g = import("encoder_stack", &raw);

	if (!g)
		return;
	expect_output_shape("encoder_stack", g, "[batch, seq, 32]");
	expect_shape_chains_folded("encoder_stack", g, raw);
	CHECK(count_op(g, ACCEL_OP_SOFTMAX) == 2, "a softmax per layer");
	CHECK(count_op(g, ACCEL_OP_REDUCEMEAN) == 8, "two decomposed LayerNorms per layer");
	run_model("encoder_stack", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

static void test_encoder(const char *model, bool fused_ln)
{
	struct accel_graph *raw = NULL, *g = import(model, &raw);

	if (!g)
		return;
	expect_output_shape(model, g, "[seq, batch, 32]");
	expect_shape_chains_folded(model, g, raw);
	CHECK(count_op(g, ACCEL_OP_LAYERNORM) == (fused_ln ? 2 : 0), "%s: LayerNormalization",
	      model);
	CHECK(count_op(g, ACCEL_OP_REDUCEMEAN) == (fused_ln ? 0 : 4), "%s: ReduceMean", model);
	CHECK(count_op(g, ACCEL_OP_SOFTMAX) == 1 && count_op(g, ACCEL_OP_ERF) == 1,
	      "%s: softmax and the GELU's erf", model);
	run_model(model, g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

static void test_encoder14(void)
{
	test_encoder("encoder14", false);
}

static void test_encoder17(void)
{
	test_encoder("encoder17", true);
}

/*
 * The masked encoders: a bool key-padding mask [batch, seq] (and an
 * attention mask [seq, seq], f32 additive or bool) as graph inputs. The
 * mask arithmetic of nn.MultiheadAttention (Where to -inf, the heads'
 * Expand) stays at run time on the masks; the shape chains fold as in the
 * unmasked encoders.
 */
static void test_encoder_masked(const char *model, const char *out_shape, uint32_t ninputs)
{
	struct accel_graph *raw = NULL, *g = import(model, &raw);
	uint32_t i;

	if (!g)
		return;
	CHECK(g->ninputs == ninputs, "%s: %u inputs", model, g->ninputs);
	CHECK(g->inputs[ninputs - 1]->dtype == ACCEL_DT_BOOL, "%s: the padding mask is %s",
	      model, accel_dtype_name(g->inputs[ninputs - 1]->dtype));
	for (i = 0; i < g->ninputs; i++) {
		char buf[64];

		shape_text(g, g->inputs[i], buf, sizeof(buf));
		CHECK(strstr(buf, "seq") != NULL, "%s: input %u is %s", model, i, buf);
	}
	expect_output_shape(model, g, out_shape);
	if (ninputs == 2) {
		expect_shape_chains_folded(model, g, raw);
	} else {
		/* The [seq, seq] mask's Unsqueeze to [1, seq, seq] is data, not a
		 * shape chain: it stays (a view). */
		CHECK(count_op(g, ACCEL_OP_SHAPE) == 0 && count_op(g, ACCEL_OP_GATHER) == 0 &&
		      count_op(g, ACCEL_OP_CONCAT) == 0, "%s: shape chains left", model);
	}
	CHECK(count_op(g, ACCEL_OP_WHERE) >= 1, "%s: the mask's Where stays", model);
	run_model(model, g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

static void test_encoder_mask(void)
{
	test_encoder_masked("encoder_mask", "[batch, seq, 32]", 2);
}

static void test_encoder_attn_mask(void)
{
	test_encoder_masked("encoder_attn_mask", "[seq, batch, 32]", 3);
}

static void test_encoder_causal_bool(void)
{
	struct accel_graph *raw = NULL, *g = import("encoder_causal_bool", &raw);

	test_encoder_masked("encoder_causal_bool", "[seq, batch, 32]", 3);
	if (g) {
		CHECK(g->inputs[1]->dtype == ACCEL_DT_BOOL, "the bool causal mask");
		CHECK(count_op(g, ACCEL_OP_OR) == 1, "the two masks ORed");
	}
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

/* The causal mask made inside the model: a Trilu over ConstantOfShape
 * [seq, seq] of -inf, both run-time, the shape chain folded. */
static void test_encoder_causal(void)
{
	struct accel_graph *raw = NULL, *g = import("encoder_causal", &raw);

	if (!g)
		return;
	expect_output_shape("encoder_causal", g, "[batch, seq, 32]");
	CHECK(count_op(g, ACCEL_OP_TRILU) == 1 && count_op(g, ACCEL_OP_CONSTANTOFSHAPE) == 1,
	      "the mask's Trilu and ConstantOfShape stay");
	CHECK(count_op(g, ACCEL_OP_SHAPE) == 0, "shape chains folded");
	run_model("encoder_causal", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

/*
 * The 1-D CNN (Conv1d, BatchNorm1d, pools over [batch, 4, length]): every
 * Conv and pool becomes its 2-D form with H = 1 at shape inference, in the
 * raw import as after optimization, with the length symbolic throughout.
 */
static void test_cnn1d(void)
{
	struct accel_graph *raw = NULL, *g = import("cnn1d", &raw);
	uint32_t i, j;
	int conv = 0;

	if (!g)
		return;
	expect_output_shape("cnn1d", g, "[batch, 5]");
	CHECK(count_op(g, ACCEL_OP_CONV) == 4 && count_op(g, ACCEL_OP_BATCHNORM) == 3,
	      "four Conv and the three BatchNormalization PRESERVE kept");
	CHECK(count_op(g, ACCEL_OP_MAXPOOL) == 1 && count_op(g, ACCEL_OP_AVGPOOL) == 1 &&
	      count_op(g, ACCEL_OP_GLOBALAVGPOOL) == 1, "the three pools");
	for (j = 0; j < 2; j++) {
		const struct accel_graph *h = j ? raw : g;

		for (i = 0; i < h->nnodes; i++) {
			const struct accel_node *n = h->nodes[i];
			char buf[128];

			if (n->op != ACCEL_OP_CONV && n->op != ACCEL_OP_MAXPOOL &&
			    n->op != ACCEL_OP_AVGPOOL && n->op != ACCEL_OP_GLOBALAVGPOOL)
				continue;
			shape_text(h, n->outputs[0], buf, sizeof(buf));
			CHECK(n->inputs[0]->shape.rank == 4 && n->outputs[0]->shape.rank == 4,
			      "cnn1d %s: %s -> %s is not 2-D", j ? "raw" : "optimized",
			      accel_op_name(n->op), n->outputs[0]->name);
			/* The stem: ((length - 1)/2) + 1 with H = 1. */
			if (!conv++)
				CHECK(!strcmp(buf, "[batch, 16, 1, ((length - 1)/2) + 1]"),
				      "cnn1d stem conv output %s", buf);
		}
	}
	run_model("cnn1d", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

/*
 * The tiny BERT (Hugging Face's layout): int64 input_ids and
 * attention_mask as graph inputs. The mask's Cast to f32 stays a run-time
 * node (ISA 1.1 converts it); the embeddings are Gathers on the ids.
 */
static void test_bert_mask(void)
{
	struct accel_graph *raw = NULL, *g = import("bert_mask", &raw);
	uint32_t i;
	int casts = 0;

	if (!g)
		return;
	CHECK(g->ninputs == 2 && g->inputs[0]->dtype == ACCEL_DT_I64 &&
	      g->inputs[1]->dtype == ACCEL_DT_I64, "bert_mask: two int64 inputs");
	expect_output_shape("bert_mask", g, "[batch, seq, 32]");
	for (i = 0; i < g->nnodes; i++)
		casts += g->nodes[i]->op == ACCEL_OP_CAST &&
			 g->nodes[i]->inputs[0]->dtype == ACCEL_DT_I64 &&
			 g->nodes[i]->outputs[0]->dtype == ACCEL_DT_F32;
	CHECK(casts >= 1, "bert_mask: the mask's int64 -> f32 Cast stays");
	run_model("bert_mask", g, raw);
	accel_graph_destroy(g);
	accel_graph_destroy(raw);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	RUN_CASE(test_mlp);
	RUN_CASE(test_cnn);
	RUN_CASE(test_ops);
	RUN_CASE(test_resnet);
	RUN_CASE(test_encoder_stack);
	RUN_CASE(test_encoder14);
	RUN_CASE(test_encoder17);
	RUN_CASE(test_encoder_mask);
	RUN_CASE(test_encoder_attn_mask);
	RUN_CASE(test_encoder_causal_bool);
	RUN_CASE(test_encoder_causal);
	RUN_CASE(test_cnn1d);
	RUN_CASE(test_bert_mask);
	HARNESS_EXIT();
}
