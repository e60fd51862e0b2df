// SPDX-License-Identifier: MIT
/*
 * test_program_models.c - every PyTorch fixture compiled ONCE to a program
 * and run on the in-process device at several shapes without recompiling:
 * the MLP and CNN at two batch sizes, the encoder at two (seq, batch)
 * pairs. Outputs must match PyTorch's within rtol 1e-4, atol 1e-5 and the
 * reference interpreter (run on a separately imported graph) likewise; the
 * encoder also runs at a third shape PyTorch did not see, against the
 * interpreter alone. One program serves every shape: the runner's counters
 * must show one re-patch per shape change, none for a repeated shape, and
 * no buffer allocation when a smaller shape comes back.
 *
 * Prints each model's memory: planned arena, unplanned sum and lower bound.
 *
 * usage: test-compiler-program-models FIXTURE_DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>
#include <accel/program.h>

#include "fixture_inputs.h"
#include "harness.h"
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

static struct accel_graph *load(const char *model)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s.onnx", dir, model);
	ret = accel_onnx_import_file(path, &g, &err);
	CHECK(ret == 0, "import %s: %s", model, err.msg);
	return ret ? NULL : g;
}

/* One run on the device, compared with @want and with the interpreter;
 * @x holds the graph's ninputs inputs (the masked encoders have 2 or 3). */
static void run_one(const char *model, struct accel_runner *r, const struct accel_graph *ref,
		    const struct accel_tensor *x, const struct accel_tensor *want)
{
	struct accel_ir_error err = { "" };
	struct accel_tensor got = { 0 }, interp = { 0 };
	char what[256];
	int ret;

	ret = accel_runner_run(r, x, ref->ninputs, &got, 1);
	CHECK(ret == 0, "%s: run: %s", model, accel_runner_error(r));
	if (ret)
		return;
	snprintf(what, sizeof(what), "%s %lldx%lld device vs %s", model, (long long)x->dims[0],
		 (long long)x->dims[1], want ? "pytorch" : "interpreter");
	ret = accel_interp_run(ref, x, ref->ninputs, &interp, 1, &err);
	CHECK(ret == 0, "%s: interpreter: %s", model, err.msg);
	if (want)
		tol_check(what, &got, want);
	if (!ret) {
		snprintf(what, sizeof(what), "%s %lldx%lld device vs interpreter", model,
			 (long long)x->dims[0], (long long)x->dims[1]);
		tol_check(what, &got, &interp);
	}
	accel_tensor_release(&interp);
}

static void print_memory(const char *model, const struct accel_program *p,
			 const struct accel_tensor *x)
{
	struct accel_program_memory m;
	int64_t syms[16];
	int ret;

	if (p->nsyms > 16)
		return;
	ret = accel_program_bind(p, x, p->ninputs, syms, NULL, 0);
	if (!ret)
		ret = accel_program_memory(p, syms, &m);
	CHECK(ret == 0, "%s: memory: %d", model, ret);
	if (ret)
		return;
	CHECK(m.arena_bytes >= m.lower_bound_bytes, "%s: arena below the lower bound", model);
	CHECK(m.arena_bytes <= m.unplanned_bytes, "%s: arena above the unplanned sum", model);
	printf("# memory %s input %lldx%lld: arena %llu bytes, unplanned %llu, lower bound %llu, "
	       "arena/lower bound %.3f\n", model, (long long)x->dims[0], (long long)x->dims[1],
	       (unsigned long long)m.arena_bytes, (unsigned long long)m.unplanned_bytes,
	       (unsigned long long)m.lower_bound_bytes,
	       m.lower_bound_bytes ? (double)m.arena_bytes / (double)m.lower_bound_bytes : 1.0);
}

static void random_input(struct accel_tensor *t, int rank, const int64_t *dims)
{
	int64_t i, n;
	unsigned s = 12345;

	memset(t, 0, sizeof(*t));
	t->dtype = ACCEL_DT_F32;
	t->rank = rank;
	memcpy(t->dims, dims, (size_t)rank * sizeof(*dims));
	n = numel(t);
	t->data = malloc((size_t)n * sizeof(float));
	for (i = 0; t->data && i < n; i++) {
		s = s * 1103515245u + 12345u;
		((float *)t->data)[i] = (float)((s >> 8) % 2001) / 1000.0f - 1.0f;
	}
}

static void run_model(const char *model, const int64_t *extra_dims, int extra_rank)
{
	struct accel_graph *g = load(model), *ref = load(model);
	struct accel_ir_error err = { "" };
	struct accel_report *rep = NULL;
	struct accel_program *p = NULL;
	struct accel_runner *r = NULL;
	struct accel_runner_stats st;
	struct accel_tensor x[2][FIXTURE_MAX_INPUTS] = { { { 0 } } }, want[2] = { { 0 } };
	struct accel_tensor extra = { 0 };
	static const int batches[2] = { 2, 5 };
	int i, ret;
	uint64_t allocs;
	char path[512];

	if (!g || !ref)
		goto out;
	ret = accel_pass_infer_shapes(ref, NULL, &err);
	CHECK(ret == 0, "%s: shapes: %s", model, err.msg);
	CHECK(accel_report_create(&rep) == 0, "report");
	/* The only compilation: every launch below reuses this program. */
	ret = accel_program_compile(g, NULL, rep, &p, &err);
	CHECK(ret == 0, "%s: compile: %s", model, err.msg);
	if (getenv("ACCEL_TEST_VERBOSE"))
		printf("%s", accel_report_text(rep));
	if (ret)
		goto out;
	CHECK(strstr(accel_report_text(rep), "fuse:") && strstr(accel_report_text(rep), "memplan:") &&
	      strstr(accel_report_text(rep), "bnfold:") && strstr(accel_report_text(rep), "lower:"),
	      "%s: every back-end pass reports", model);
	ret = accel_runner_create(p, dev, &r);
	CHECK(ret == 0, "%s: runner: %d", model, ret);
	if (ret)
		goto out;
	for (i = 0; i < 2; i++) {
		ret = fixture_load_inputs(dir, model, batches[i], x[i]);
		CHECK(ret == (int)p->ninputs, "%s: %d input files at %d for %u inputs", model,
		      ret, batches[i], p->ninputs);
		snprintf(path, sizeof(path), "%s/%s.out.%d.npy", dir, model, batches[i]);
		CHECK(npy_load(path, &want[i]) == 0, "load %s", path);
		if (ret != (int)p->ninputs || !want[i].data)
			goto out;
	}
	/* Shape A, shape B, shape A again: the last may not allocate. */
	run_one(model, r, ref, x[0], &want[0]);
	run_one(model, r, ref, x[1], &want[1]);
	accel_runner_stats(r, &st);
	allocs = st.buffer_allocs;
	run_one(model, r, ref, x[0], &want[0]);
	accel_runner_stats(r, &st);
	CHECK(st.repatches == 3, "%s: %llu re-patches for 3 shape changes", model,
	      (unsigned long long)st.repatches);
	run_one(model, r, ref, x[0], &want[0]);
	accel_runner_stats(r, &st);
	CHECK(st.repatches == 3, "%s: a repeated shape re-patched", model);
	CHECK(st.buffer_allocs == allocs, "%s: %llu buffers allocated going back to a smaller "
	      "shape", model, (unsigned long long)(st.buffer_allocs - allocs));
	CHECK(st.runs == 4, "%s: %llu runs", model, (unsigned long long)st.runs);
	if (extra_rank && p->ninputs == 1) {
		random_input(&extra, extra_rank, extra_dims);
		run_one(model, r, ref, &extra, NULL);
	} else if (extra_rank && p->ninputs == 2) {
		/* x [batch, seq, d] and a key-padding mask [batch, seq]: sequence
		 * b pads its last b % 4 positions (never a whole row). */
		struct accel_tensor xm[2] = { { 0 } };
		uint8_t *m;
		int64_t b, s;

		random_input(&xm[0], extra_rank, extra_dims);
		xm[1] = (struct accel_tensor){ .dtype = ACCEL_DT_BOOL, .rank = 2,
					       .dims = { extra_dims[0], extra_dims[1] } };
		m = calloc((size_t)(extra_dims[0] * extra_dims[1]), 1);
		xm[1].data = m;
		for (b = 0; m && b < extra_dims[0]; b++)
			for (s = extra_dims[1] - b % 4; s < extra_dims[1]; s++)
				m[b * extra_dims[1] + s] = 1;
		if (xm[0].data && m)
			run_one(model, r, ref, xm, NULL);
		free(xm[0].data);
		free(m);
	}
	for (i = 0; i < 2; i++)
		print_memory(model, p, x[i]);
out:
	for (i = 0; i < 2; i++) {
		fixture_free_inputs(x[i]);
		free(want[i].data);
	}
	free(extra.data);
	accel_runner_destroy(r);
	accel_program_destroy(p);
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	accel_graph_destroy(ref);
}

static void test_mlp(void)
{
	static const int64_t d[] = { 9, 784 };

	run_model("mlp", d, 2);
}

static void test_cnn(void)
{
	static const int64_t d[] = { 3, 3, 16, 16 };

	run_model("cnn", d, 4);
}

static void test_encoder14(void)
{
	static const int64_t d[] = { 11, 3, 32 };

	run_model("encoder14", d, 3);
}

static void test_encoder17(void)
{
	static const int64_t d[] = { 2, 7, 32 };

	run_model("encoder17", d, 3);
}

/* The encoder split into command buffers of at most 1 KiB: several
 * submits chained on one queue give the same results. */
static void test_split_cmdbufs(void)
{
	struct accel_compile_options opts = { .max_cmdbuf_bytes = 1024 };
	struct accel_graph *g = load("encoder17"), *ref = load("encoder17");
	struct accel_ir_error err = { "" };
	struct accel_program *p = NULL;
	struct accel_runner *r = NULL;
	struct accel_tensor x = { 0 }, want = { 0 };
	char path[512];
	uint32_t i;

	if (!g || !ref)
		goto out;
	CHECK(accel_pass_infer_shapes(ref, NULL, &err) == 0, "shapes: %s", err.msg);
	CHECK(accel_program_compile(g, &opts, NULL, &p, &err) == 0, "compile: %s", err.msg);
	if (!p)
		goto out;
	CHECK(p->ntemplates >= 5, "%u command buffers", p->ntemplates);
	for (i = 0; i < p->ntemplates; i++)
		CHECK(p->templates[i].size <= 1024, "template %u: %u bytes", i, p->templates[i].size);
	CHECK(accel_runner_create(p, dev, &r) == 0, "runner");
	snprintf(path, sizeof(path), "%s/encoder17.in.5.npy", dir);
	CHECK(npy_load(path, &x) == 0, "load %s", path);
	snprintf(path, sizeof(path), "%s/encoder17.out.5.npy", dir);
	CHECK(npy_load(path, &want) == 0, "load %s", path);
	if (r && x.data && want.data)
		run_one("encoder17 in 1 KiB command buffers", r, ref, &x, &want);
out:
	free(x.data);
	free(want.data);
	accel_runner_destroy(r);
	accel_program_destroy(p);
	accel_graph_destroy(g);
	accel_graph_destroy(ref);
}

static void test_resnet(void)
{
	run_model("resnet", NULL, 0);
}

static void test_encoder_stack(void)
{
	run_model("encoder_stack", NULL, 0);
}

static void test_ops(void)
{
	run_model("ops", NULL, 0);
}

/* Bool masks as graph inputs: the runner converts them to f32 0/1. */
static void test_encoder_mask(void)
{
	static const int64_t d[] = { 6, 11, 32 };

	run_model("encoder_mask", d, 3);
}

static void test_encoder_attn_mask(void)
{
	run_model("encoder_attn_mask", NULL, 0);
}

static void test_encoder_causal_bool(void)
{
	run_model("encoder_causal_bool", NULL, 0);
}

/* The in-model causal mask: a run-time Trilu. */
static void test_encoder_causal(void)
{
	static const int64_t d[] = { 3, 11, 32 };

	run_model("encoder_causal", d, 3);
}

/* The 1-D CNN: batch and length symbolic; a length PyTorch never saw. */
static void test_cnn1d(void)
{
	static const int64_t d[] = { 3, 4, 61 };

	run_model("cnn1d", d, 3);
}

/* int64 token ids and attention mask: the mask's Cast to f32 runs as a
 * converting COPY (ISA 1.1). */
static void test_bert_mask(void)
{
	run_model("bert_mask", NULL, 0);
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
	RUN_CASE(test_mlp);
	RUN_CASE(test_cnn);
	RUN_CASE(test_encoder14);
	RUN_CASE(test_encoder17);
	RUN_CASE(test_split_cmdbufs);
	RUN_CASE(test_resnet);
	RUN_CASE(test_encoder_stack);
	RUN_CASE(test_ops);
	RUN_CASE(test_encoder_mask);
	RUN_CASE(test_encoder_attn_mask);
	RUN_CASE(test_encoder_causal_bool);
	RUN_CASE(test_encoder_causal);
	RUN_CASE(test_cnn1d);
	RUN_CASE(test_bert_mask);
	accel_device_close(dev);
	HARNESS_EXIT();
}
