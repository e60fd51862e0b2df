/* SPDX-License-Identifier: MIT */
/*
 * mlp_demo.c - accel-mlp-demo: run a two-layer perceptron on the default
 * device and check every output against a double-precision reference.
 *
 * What `make demo` runs. It shows the whole path a user takes: open the
 * device, allocate and fill buffers, build a command buffer by hand, submit
 * it, wait on the fence, read the results. Exit status 0 means PASS.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <accel/accel.h>
#include <drm/vaccel_drm.h>

#include "mlp.h"

/* Runs timed after one warm-up run; the median is reported. */
#define MLP_TIMED_RUNS 9

/* Outputs pass when |got - ref| <= 1e-4 * max|ref| + 1e-4 * |ref|. */
#define MLP_RTOL 1e-4
#define MLP_ATOL_REL 1e-4

struct mlp_dev {
	struct accel_device *dev;
	struct accel_context *ctx;
	struct accel_queue *q;
	struct accel_buffer *bufs[MLP_BUF_COUNT];
	float *ptr[MLP_BUF_COUNT];
};

/* splitmix64: a fixed seed gives the same weights on every machine. */
static uint64_t mlp_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1), exactly representable in fp32 (24 random bits). */
static float mlp_rng_uniform(uint64_t *s)
{
	return (float)((double)(mlp_rng_next(s) >> 40) / (double)(1u << 23) - 1.0);
}

static double mlp_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int mlp_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void mlp_dev_fini(struct mlp_dev *d)
{
	for (int i = 0; i < MLP_BUF_COUNT; i++)
		if (d->bufs[i])
			accel_buffer_free(d->bufs[i]);
	if (d->ctx)
		accel_context_destroy(d->ctx);
	if (d->dev)
		accel_device_close(d->dev);
}

static int mlp_dev_init(struct mlp_dev *d)
{
	struct accel_context_desc desc = { .priority = 0, .num_queues = 1 };
	uint64_t isa = 0, engines = 0;
	int ret;

	memset(d, 0, sizeof(*d));
	ret = accel_device_open(NULL, &d->dev);
	if (ret) {
		fprintf(stderr, "accel_device_open(default): %s\n", strerror(-ret));
		return ret;
	}
	accel_device_get_param(d->dev, DRM_VACCEL_PARAM_ISA_VERSION, &isa);
	accel_device_get_param(d->dev, DRM_VACCEL_PARAM_NUM_ENGINES, &engines);
	printf("device: %s (ISA %u.%u, %llu engine thread%s)\n", accel_device_name(d->dev),
	       (unsigned)(isa >> 16), (unsigned)(isa & 0xffff), (unsigned long long)engines,
	       engines == 1 ? "" : "s");

	ret = accel_context_create(d->dev, &desc, &d->ctx);
	if (ret) {
		fprintf(stderr, "accel_context_create: %s\n", strerror(-ret));
		return ret;
	}
	d->q = accel_context_queue(d->ctx, 0);
	if (!d->q)
		return -ENOENT;

	for (int i = 0; i < MLP_BUF_COUNT; i++) {
		void *p;

		ret = accel_buffer_alloc(d->dev, mlp_buf_elems(i) * sizeof(float), 0,
					 &d->bufs[i]);
		if (!ret)
			ret = accel_buffer_map(d->bufs[i], &p);
		if (ret) {
			fprintf(stderr, "buffer %s: %s\n", mlp_buf_name(i), strerror(-ret));
			return ret;
		}
		d->ptr[i] = p;
	}
	return 0;
}

/*
 * Inputs and weights: uniform values, weights scaled by 1/sqrt(fan-in) so the
 * activations stay of order one. The host copy holds the very same values.
 */
static void mlp_fill_inputs(struct mlp_dev *d, struct mlp_host *h)
{
	static const struct {
		enum mlp_buf b;
		float scale;
	} in[] = {
		{ MLP_BUF_X, 1.0f },
		{ MLP_BUF_W1, 0.03125f },     /* ~1/sqrt(784), a power of two */
		{ MLP_BUF_B1, 0.125f },
		{ MLP_BUF_W2, 0.04419417f },  /* 1/sqrt(512) */
		{ MLP_BUF_B2, 0.125f },
	};
	uint64_t seed = 20240601;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		size_t n = mlp_buf_elems(in[i].b);

		for (size_t j = 0; j < n; j++) {
			float v = mlp_rng_uniform(&seed) * in[i].scale;

			d->ptr[in[i].b][j] = v;
			h->t[in[i].b][j] = v;
		}
	}
}

/* Submit the command buffer once and wait; the wall time in *@secs. */
static int mlp_run_once(struct mlp_dev *d, const struct accel_cmdbuf *cb, double *secs)
{
	struct accel_submit s = {
		.cmdbuf = cb->data,
		.cmdbuf_size = cb->size,
		.num_buffers = MLP_BUF_COUNT,
		.buffers = d->bufs,
	};
	struct accel_fence *f;
	double t0 = mlp_now_s();
	int ret;

	ret = accel_queue_submit(d->q, &s, &f);
	if (ret) {
		const struct accel_error_info *e = accel_last_error();

		fprintf(stderr, "accel_queue_submit: %s\n", strerror(-ret));
		if (ret == -EINVAL && e)
			fprintf(stderr, "  refused: %s\n", e->message);
		return ret;
	}
	ret = accel_fence_wait(f, -1);
	*secs = mlp_now_s() - t0;
	accel_fence_put(f);
	if (ret)
		fprintf(stderr, "job failed: %s\n", strerror(-ret));
	return ret;
}

static int mlp_check(const char *what, enum mlp_buf b, struct mlp_dev *d,
		     const struct mlp_host *h)
{
	size_t n = mlp_buf_elems(b);
	struct mlp_err e = mlp_compare(d->ptr[b], h->t[b], n, MLP_RTOL, MLP_ATOL_REL);

	printf("  %-7s %5zu values  max abs err %.3g  max rel err %.3g  %s\n", what, n,
	       e.max_abs, e.max_rel, e.bad ? "FAIL" : "ok");
	if (e.bad)
		printf("    %zu outside tolerance; first at %zu: got %.9g, want %.9g\n", e.bad,
		       e.first_bad, (double)d->ptr[b][e.first_bad], h->t[b][e.first_bad]);
	return e.bad ? 1 : 0;
}

static void mlp_print_outputs(const struct mlp_dev *d)
{
	for (int r = 0; r < 2; r++) {
		const float *p = d->ptr[MLP_BUF_PROBS] + r * MLP_OUT;
		int best = 0;

		for (int j = 1; j < MLP_OUT; j++)
			best = p[j] > p[best] ? j : best;
		printf("  row %d probs:", r);
		for (int j = 0; j < MLP_OUT; j++)
			printf(" %.4f", (double)p[j]);
		printf("  -> class %d\n", best);
	}
	printf("  logits[0][0..3]: %.6f %.6f %.6f %.6f\n", (double)d->ptr[MLP_BUF_LOGITS][0],
	       (double)d->ptr[MLP_BUF_LOGITS][1], (double)d->ptr[MLP_BUF_LOGITS][2],
	       (double)d->ptr[MLP_BUF_LOGITS][3]);
}

static int mlp_host_alloc(struct mlp_host *h)
{
	for (int i = 0; i < MLP_BUF_COUNT; i++) {
		h->t[i] = calloc(mlp_buf_elems(i), sizeof(double));
		if (!h->t[i])
			return -ENOMEM;
	}
	return 0;
}

static void mlp_host_free(struct mlp_host *h)
{
	for (int i = 0; i < MLP_BUF_COUNT; i++)
		free(h->t[i]);
}

int main(void)
{
	struct mlp_dev d;
	struct mlp_host h = { { 0 } };
	struct accel_cmdbuf cb;
	double times[MLP_TIMED_RUNS], first;
	double flops = 2.0 * MLP_BATCH * ((double)MLP_IN * MLP_HIDDEN + (double)MLP_HIDDEN * MLP_OUT);
	int ret, failed = 0;

	memset(&d, 0, sizeof(d));
	printf("accel-mlp-demo: %d x %d -> %d (relu) -> %d (softmax), fp32\n", MLP_BATCH, MLP_IN,
	       MLP_HIDDEN, MLP_OUT);
	ret = accel_cmdbuf_init(&cb);
	if (ret) {
		fprintf(stderr, "accel_cmdbuf_init: %s\n", strerror(-ret));
		return 1;
	}
	ret = mlp_host_alloc(&h);
	if (!ret)
		ret = mlp_dev_init(&d);
	if (ret)
		goto out;
	mlp_fill_inputs(&d, &h);

	printf("command buffer:\n");
	ret = mlp_cmdbuf_build(&cb);
	if (ret) {
		fprintf(stderr, "building the command buffer: %s\n", strerror(-ret));
		goto out;
	}
	printf("  %u packets, %u bytes; buffers:", cb.num_packets, cb.size);
	for (int i = 0; i < MLP_BUF_COUNT; i++)
		printf(" %d=%s", i, mlp_buf_name(i));
	printf("\n");

	ret = mlp_run_once(&d, &cb, &first);
	for (int i = 0; !ret && i < MLP_TIMED_RUNS; i++)
		ret = mlp_run_once(&d, &cb, &times[i]);
	if (ret)
		goto out;
	qsort(times, MLP_TIMED_RUNS, sizeof(times[0]), mlp_cmp_double);
	printf("time: first run %.1f us; median of %d runs %.1f us (submit to fence), %.2f "
	       "GFLOP/s\n",
	       first * 1e6, MLP_TIMED_RUNS, times[MLP_TIMED_RUNS / 2] * 1e6,
	       flops / times[MLP_TIMED_RUNS / 2] * 1e-9);

	printf("outputs:\n");
	mlp_print_outputs(&d);

	mlp_reference(&h);
	printf("check against a double-precision reference (tolerance %.0e * max|ref| + %.0e * "
	       "|ref|):\n",
	       MLP_ATOL_REL, MLP_RTOL);
	failed |= mlp_check("hidden", MLP_BUF_H, &d, &h);
	failed |= mlp_check("logits", MLP_BUF_LOGITS, &d, &h);
	failed |= mlp_check("probs", MLP_BUF_PROBS, &d, &h);
	printf("%s\n", failed ? "FAIL" : "PASS");

out:
	mlp_dev_fini(&d);
	mlp_host_free(&h);
	accel_cmdbuf_fini(&cb);
	if (ret)
		printf("FAIL (%s)\n", strerror(-ret));
	return ret || failed ? 1 : 0;
}
