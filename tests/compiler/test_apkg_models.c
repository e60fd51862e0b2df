// SPDX-License-Identifier: MIT
/*
 * test_apkg_models.c - every fixture model as an AOT artifact, loaded and
 * run by the runtime alone.
 *
 * The artifacts are written at build time by `accelc compile` (meson
 * custom targets); this program links libaccel-rt and libaccel only, no
 * compiler, so that it links at all proves the runtime needs none. Each
 * artifact is loaded, run on the in-process device at two batch sizes
 * (the encoders: two (seq, batch) pairs) and compared with PyTorch's
 * outputs within rtol 1e-4, atol 1e-5. Then both shapes run again while
 * the runtime's allocations are counted: a launch at a shape already
 * seen must allocate nothing, neither heap nor device buffers.
 *
 * usage: test-apkg-models FIXTURE_DIR ARTIFACT_DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <accel/accel.h>
#include <accel/apkg.h>
#include <accel/program.h>

#include "fixture_inputs.h"
#include "harness.h"
#include "malloc_count.h"
#include "npy.h"
#include "tolerance.h"
#include "runtime_alloc_count.h"


static const char *fixture_dir, *artifact_dir;
static struct accel_device *dev;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* @nin: the model's inputs (the masked encoders take bool masks too). */
static void run_model_n(const char *model, uint32_t nin)
{
	static const int batches[2] = { 2, 5 };
	struct accel_tensor x[2][FIXTURE_MAX_INPUTS] = { { { 0 } } }, want[2] = { { 0 } }, got;
	const struct accel_program *p;
	struct accel_runner *r = NULL;
	struct accel_apkg *a = NULL;
	struct accel_runner_stats st;
	char path[512], msg[256], what[128];
	uint64_t allocs, rt_allocs, bufs;
	double t0;
	uint32_t k;
	int i, ret;

	snprintf(path, sizeof(path), "%s/%s.apkg", artifact_dir, model);
	t0 = now_ms();
	runtime_alloc_count_start();
	ret = accel_apkg_open_file(path, &a, msg, sizeof(msg));
	rt_allocs = runtime_alloc_count_stop();
	CHECK(ret == 0, "%s: %s", path, msg);
	if (ret)
		return;
	/* The counter works: loading allocates (the program's arrays). */
	CHECK(rt_allocs > 0, "%s: loading counted no allocation: the wrap is not linked", model);
	printf("# %s: loaded in %.2f ms\n", path, now_ms() - t0);
	p = accel_apkg_program(a);
	CHECK(p->ninputs == nin && p->noutputs == 1, "%s: %u inputs, %u outputs", model,
	      p->ninputs, p->noutputs);
	CHECK(p->nsyms >= 1, "%s: the artifact keeps its symbolic dims", model);
	if (p->ninputs != nin)
		goto out;
	for (i = 0; i < 2; i++) {
		ret = fixture_load_inputs(fixture_dir, model, batches[i], x[i]);
		CHECK(ret == (int)nin, "%s: %d input files at %d", model, ret, batches[i]);
		for (k = 0; ret == (int)nin && k < nin; k++)
			CHECK(x[i][k].dtype == (enum accel_dtype)p->inputs[k].dtype, "%s: input %s is "
			      "%s in the file, %s in the signature", model, p->inputs[k].name,
			      accel_dtype_name(x[i][k].dtype), accel_dtype_name(p->inputs[k].dtype));
		snprintf(path, sizeof(path), "%s/%s.out.%d.npy", fixture_dir, model, batches[i]);
		CHECK(npy_load(path, &want[i]) == 0, "load %s", path);
		if (ret != (int)nin || !want[i].data)
			goto out;
	}
	ret = accel_runner_create(p, dev, &r);
	CHECK(ret == 0, "%s: runner: %d", model, ret);
	if (ret)
		goto out;
	for (i = 0; i < 2; i++) {
		ret = accel_runner_run(r, x[i], nin, &got, 1);
		CHECK(ret == 0, "%s: run: %s", model, accel_runner_error(r));
		if (ret)
			goto out;
		snprintf(what, sizeof(what), "%s.apkg at %s.in.%d vs pytorch", model, model,
			 batches[i]);
		tol_check(what, &got, &want[i]);
	}
	/*
	 * Both shapes seen: running them again allocates nothing in the
	 * runtime (its code, wrapped at link time: runtime_alloc_count.c)
	 * nor device buffers. Every thread's allocations are counted too, the
	 * device's included, but only reported: the emu device grows recycled
	 * job objects to the largest command buffer they meet and oneDNN's
	 * sgemm allocates scratch per call, which are libaccel's, not the
	 * runtime's.
	 */
	accel_runner_stats(r, &st);
	CHECK(st.repatches == 2, "%s: %llu re-patches for two shapes", model,
	      (unsigned long long)st.repatches);
	bufs = st.buffer_allocs;
	runtime_alloc_count_start();
	if (malloc_count_available())
		malloc_count_start();
	for (i = 0; i < 4 && !ret; i++)
		ret = accel_runner_run(r, x[i % 2], nin, &got, 1);
	allocs = malloc_count_available() ? malloc_count_stop() : 0;
	rt_allocs = runtime_alloc_count_stop();
	CHECK(ret == 0, "%s: rerun: %s", model, accel_runner_error(r));
	CHECK(rt_allocs == 0, "%s: %llu heap allocations by the runtime in 4 runs at known "
	      "shapes", model, (unsigned long long)rt_allocs);
	if (malloc_count_available())
		printf("# %s: 4 runs at known shapes: %llu allocations by the runtime, %llu in "
		       "all (libaccel and oneDNN included)\n", model,
		       (unsigned long long)rt_allocs, (unsigned long long)allocs);
	else
		printf("# %s: 4 runs at known shapes: %llu allocations by the runtime (all "
		       "threads not counted in a sanitizer build)\n", model,
		       (unsigned long long)rt_allocs);
	accel_runner_stats(r, &st);
	CHECK(st.buffer_allocs == bufs, "%s: %llu device buffers allocated at known shapes",
	      model, (unsigned long long)(st.buffer_allocs - bufs));
	tol_check(what, &got, &want[1]);
out:
	for (i = 0; i < 2; i++) {
		fixture_free_inputs(x[i]);
		free(want[i].data);
	}
	accel_runner_destroy(r);
	accel_apkg_close(a);
}

static void run_model(const char *model)
{
	run_model_n(model, 1);
}

static void test_mlp(void) { run_model("mlp"); }
static void test_cnn(void) { run_model("cnn"); }
static void test_resnet(void) { run_model("resnet"); }
static void test_encoder14(void) { run_model("encoder14"); }
static void test_encoder17(void) { run_model("encoder17"); }
static void test_encoder_stack(void) { run_model("encoder_stack"); }
static void test_ops(void) { run_model("ops"); }
/* Bool masks in the signature, converted to f32 0/1 by the runtime. */
static void test_encoder_mask(void) { run_model_n("encoder_mask", 2); }
static void test_encoder_attn_mask(void) { run_model_n("encoder_attn_mask", 3); }
static void test_encoder_causal_bool(void) { run_model_n("encoder_causal_bool", 3); }
static void test_encoder_causal(void) { run_model("encoder_causal"); }
/* 1-D convolutions and pools, batch and length symbolic. */
static void test_cnn1d(void) { run_model("cnn1d"); }
/* int64 token ids and attention mask (a Cast to float at run time). */
static void test_bert_mask(void) { run_model_n("bert_mask", 2); }

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FIXTURE_DIR ARTIFACT_DIR\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	artifact_dir = argv[2];
	if (accel_device_open("emu", &dev)) {
		fprintf(stderr, "cannot open the emu device\n");
		return 1;
	}
	RUN_CASE(test_mlp);
	RUN_CASE(test_cnn);
	RUN_CASE(test_resnet);
	RUN_CASE(test_encoder14);
	RUN_CASE(test_encoder17);
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
