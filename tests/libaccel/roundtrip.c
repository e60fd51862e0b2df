// SPDX-License-Identifier: MIT
/*
 * roundtrip - two figures for humans (not a test): the empty-submit round
 * trip (submit one NOP, wait its fence) and GEMM throughput through the
 * device next to oneDNN's dnnl_sgemm called directly.
 *
 * usage: libaccel-roundtrip [iterations] [gemm-n]
 */
#include <oneapi/dnnl/dnnl.h>
#include <time.h>

#include "conformance.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void bench_roundtrip(struct accel_queue *q, int iters)
{
	uint64_t *lat = malloc((size_t)iters * sizeof(*lat));
	struct accel_cmdbuf cb;
	uint64_t t0, total;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	for (int i = 0; i < 1000; i++) {
		struct accel_fence *f;

		tl_submit(q, &cb, NULL, 0, NULL, 0, &f);
		accel_fence_wait(f, -1);
		accel_fence_put(f);
	}
	total = now_ns();
	for (int i = 0; i < iters; i++) {
		struct accel_fence *f = NULL;

		t0 = now_ns();
		if (tl_submit(q, &cb, NULL, 0, NULL, 0, &f) || accel_fence_wait(f, -1)) {
			fprintf(stderr, "round trip failed\n");
			exit(1);
		}
		accel_fence_put(f);
		lat[i] = now_ns() - t0;
	}
	total = now_ns() - total;
	qsort(lat, (size_t)iters, sizeof(*lat), cmp_u64);
	printf("empty submit round trip: mean %.0f ns, median %llu ns, p99 %llu ns (%d iterations)\n",
	       (double)total / iters, (unsigned long long)lat[iters / 2],
	       (unsigned long long)lat[(size_t)iters * 99 / 100], iters);
	accel_cmdbuf_fini(&cb);
	free(lat);
}

static void bench_gemm(struct accel_device *dev, struct accel_queue *q, uint32_t n)
{
	uint64_t nn = (uint64_t)n * n;
	double flop = 2.0 * n * n * (double)n, best_dev = 1e30, best_dnnl = 1e30;
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	uint32_t seed = 1;
	float *m;
	void *p;

	buf = tl_buffer(dev, 3 * nn * sizeof(float), &p);
	m = p;
	for (uint64_t i = 0; i < 2 * nn; i++)
		m[i] = tl_rand(&seed);
	accel_cmdbuf_init(&cb);
	tl_gemm(&cb, 0, 0, nn, 2 * nn, n, n, n);
	for (int r = 0; r < 5; r++) {
		uint64_t t0 = now_ns();

		if (tl_run(q, &cb, &buf, 1)) {
			fprintf(stderr, "gemm failed\n");
			exit(1);
		}
		best_dev = fmin(best_dev, (double)(now_ns() - t0));
	}
	for (int r = 0; r < 5; r++) {
		uint64_t t0 = now_ns();

		dnnl_sgemm('N', 'N', n, n, n, 1.0f, m, n, m + nn, n, 0.0f, m + 2 * nn, n);
		best_dnnl = fmin(best_dnnl, (double)(now_ns() - t0));
	}
	printf("gemm %u^3: device %.1f GFLOP/s, dnnl_sgemm direct %.1f GFLOP/s (ratio %.2f)\n", n,
	       flop / best_dev, flop / best_dnnl, best_dnnl / best_dev);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 100000;
	uint32_t n = argc > 2 ? (uint32_t)atoi(argv[2]) : 2048;
	struct accel_device *dev = tl_open();
	struct accel_context *ctx = tl_context(dev, 0, 1);
	struct accel_queue *q = accel_context_queue(ctx, 0);

	/* conformance.h brings the test harness; this program has no cases. */
	(void)harness_failures;
	(void)harness_cases;
	if (iters < 1)
		iters = 1;
	bench_roundtrip(q, iters);
	if (n)
		bench_gemm(dev, q, n);
	accel_context_destroy(ctx);
	accel_device_close(dev);
	return 0;
}
