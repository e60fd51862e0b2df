/* SPDX-License-Identifier: MIT */
/*
 * bench_eltwise.c - memory-bound elementwise throughput: y = relu(x) and
 * y = a + b over one long fp32 vector. Ours is one UNARY or BINARY packet
 * per submit; the peers are oneDNN's eltwise and binary primitives and a
 * plain C loop on one thread. All read the same inputs (the device buffers'
 * mappings) and write their own outputs.
 *
 * GB/s counts the bytes an operation must move: 8 per element for relu
 * (read x, write y) and 12 for add.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/vaccel_drm.h>

#include "bench.h"

struct elt_case {
	size_t n;
	const float *a, *b;
	float *y;
	struct bench_dnnl *dnnl;
};

static int elt_loop_relu(void *arg)
{
	struct elt_case *e = arg;

	for (size_t i = 0; i < e->n; i++)
		e->y[i] = e->a[i] > 0.0f ? e->a[i] : 0.0f;
	return 0;
}

static int elt_loop_add(void *arg)
{
	struct elt_case *e = arg;

	for (size_t i = 0; i < e->n; i++)
		e->y[i] = e->a[i] + e->b[i];
	return 0;
}

static int elt_dnnl_relu(void *arg)
{
	struct elt_case *e = arg;

	return bench_dnnl_relu(e->dnnl, e->a, e->y);
}

static int elt_dnnl_add(void *arg)
{
	struct elt_case *e = arg;

	return bench_dnnl_add(e->dnnl, e->a, e->b, e->y);
}

/* Count elements where @got differs from @want (signed zeros compare equal). */
static size_t elt_mismatches(const float *got, const float *want, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += !(got[i] == want[i]);
	return bad;
}

static int elt_job_unary(struct bench_job *job, uint32_t n)
{
	struct vaccel_pkt_unary p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_UNARY;
	p.op = VACCEL_UNARY_RELU;
	ret = accel_tensor_init(&p.x, 0, VACCEL_DTYPE_F32, 0, 1, &n);
	if (!ret)
		ret = accel_tensor_init(&p.y, 2, VACCEL_DTYPE_F32, 0, 1, &n);
	if (!ret)
		ret = accel_cmdbuf_init(&job->cb);
	if (!ret)
		ret = accel_cmdbuf_append(&job->cb, &p, sizeof(p));
	return ret;
}

static int elt_job_binary(struct bench_job *job, uint32_t n)
{
	struct vaccel_pkt_binary p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_BINARY;
	p.op = VACCEL_BINARY_ADD;
	ret = accel_tensor_init(&p.a, 0, VACCEL_DTYPE_F32, 0, 1, &n);
	if (!ret)
		ret = accel_tensor_init(&p.b, 1, VACCEL_DTYPE_F32, 0, 1, &n);
	if (!ret)
		ret = accel_tensor_init(&p.y, 2, VACCEL_DTYPE_F32, 0, 1, &n);
	if (!ret)
		ret = accel_cmdbuf_init(&job->cb);
	if (!ret)
		ret = accel_cmdbuf_append(&job->cb, &p, sizeof(p));
	return ret;
}

struct elt_op {
	const char *name;
	double bytes_per_elem;
	int (*job_init)(struct bench_job *job, uint32_t n);
	int (*loop)(void *arg);
	int (*dnnl)(void *arg);
	const char *dnnl_name;
};

static const struct elt_op elt_ops[] = {
	{ "relu (UNARY)", 8.0, elt_job_unary, elt_loop_relu, elt_dnnl_relu, "eltwise_forward relu" },
	{ "add (BINARY)", 12.0, elt_job_binary, elt_loop_add, elt_dnnl_add, "binary add" },
};

static void elt_settle(const struct bench_opts *o)
{
	if (!o->quick)
		usleep(100 * 1000);
}

/* Time one op three ways on buffers already filled; add its rows. */
static int elt_one(const struct bench_opts *o, struct bench_dev *d, const struct elt_op *op,
		   struct accel_buffer *const bufs[3], float *const map[3], float *y_dnnl,
		   float *y_loop, struct bench_dnnl *dnnl, size_t n)
{
	struct bench_job job = { .dev = d, .num_bufs = 3 };
	struct elt_case e_dnnl = { .n = n, .a = map[0], .b = map[1], .y = y_dnnl, .dnnl = dnnl };
	struct elt_case e_loop = { .n = n, .a = map[0], .b = map[1], .y = y_loop };
	struct bench_stats s_ours, s_dnnl, s_loop;
	int warm = o->quick ? 1 : 2, min_reps = o->quick ? 2 : 10;
	double bytes = op->bytes_per_elem * (double)n;
	size_t bad_ours, bad_dnnl;
	char size[24], peer[48];
	int ret;

	memcpy(job.bufs, bufs, 3 * sizeof(bufs[0]));
	ret = op->job_init(&job, (uint32_t)n);
	if (!ret)
		ret = bench_time(bench_job_run, &job, warm, min_reps, 1000, o->min_secs, &s_ours);
	elt_settle(o);
	if (!ret)
		ret = bench_time(op->dnnl, &e_dnnl, warm, min_reps, 1000, o->min_secs, &s_dnnl);
	elt_settle(o);
	if (!ret)
		ret = bench_time(op->loop, &e_loop, warm, min_reps, 1000, o->min_secs, &s_loop);
	accel_cmdbuf_fini(&job.cb);
	if (ret) {
		fprintf(stderr, "%s: %s\n", op->name, strerror(ret < 0 ? -ret : ret));
		return 1;
	}

	bad_ours = elt_mismatches(map[2], y_loop, n);
	bad_dnnl = elt_mismatches(y_dnnl, y_loop, n);
	printf("%-13s %zu: ours %7.3f ms (%d reps), oneDNN %7.3f ms (%d), C loop %7.3f ms (%d); "
	       "elements differing from the C loop: ours %zu, oneDNN %zu %s\n",
	       op->name, n, s_ours.median * 1e3, s_ours.reps, s_dnnl.median * 1e3, s_dnnl.reps,
	       s_loop.median * 1e3, s_loop.reps, bad_ours, bad_dnnl,
	       bad_ours || bad_dnnl ? "MISMATCH" : "ok");

	if (n % (1u << 20) == 0)
		snprintf(size, sizeof(size), "%zuM fp32", n >> 20);
	else
		snprintf(size, sizeof(size), "%zuK fp32", n >> 10);
	snprintf(peer, sizeof(peer), "oneDNN %s, %d thr", op->dnnl_name, o->omp_threads);
	bench_row_add(op->name, size, "GB/s", bytes / s_ours.median * 1e-9, peer,
		      bytes / s_dnnl.median * 1e-9, BENCH_HIGHER_BETTER);
	bench_row_add(op->name, size, "GB/s", bytes / s_ours.median * 1e-9, "plain C loop, 1 thr",
		      bytes / s_loop.median * 1e-9, BENCH_HIGHER_BETTER);
	return bad_ours || bad_dnnl ? 1 : 0;
}

int bench_eltwise(const struct bench_opts *o, struct bench_dev *d)
{
	size_t n = o->quick ? (size_t)64 << 10 : (size_t)16 << 20;
	struct accel_buffer *bufs[3] = { 0 };
	float *map[3] = { 0 }, *y_dnnl = NULL, *y_loop = NULL;
	struct bench_dnnl *dnnl = NULL;
	uint64_t max_bo = 0;
	int ret = 0, bad = 0;

	/* stay inside the device's buffer limit, in whole MiB of elements */
	if (!accel_device_get_param(d->dev, DRM_VACCEL_PARAM_MAX_BO_SIZE, &max_bo) && max_bo &&
	    n * sizeof(float) > max_bo) {
		n = (size_t)(max_bo / sizeof(float)) & ~(((size_t)1 << 20) - 1);
		printf("elementwise: device max buffer %llu bytes, using %zu elements\n",
		       (unsigned long long)max_bo, n);
	}
	for (int i = 0; i < 3 && !ret; i++) {
		void *p;

		ret = bench_dev_buffer(d, n * sizeof(float), &bufs[i], &p);
		map[i] = p;
	}
	y_dnnl = aligned_alloc(64, n * sizeof(float));
	y_loop = aligned_alloc(64, n * sizeof(float));
	if (!ret && (!y_dnnl || !y_loop))
		ret = -ENOMEM;
	if (!ret)
		ret = bench_dnnl_create(&dnnl, n);
	if (ret) {
		fprintf(stderr, "elementwise setup: %s\n", strerror(-ret));
		bad = 1;
		goto out;
	}
	bench_fill_uniform(map[0], n, 3000);
	bench_fill_uniform(map[1], n, 4000);
	/* touch the peers' outputs once so no one pays first-touch page faults */
	memset(y_dnnl, 0, n * sizeof(float));
	memset(y_loop, 0, n * sizeof(float));

	for (size_t i = 0; i < sizeof(elt_ops) / sizeof(elt_ops[0]); i++)
		bad |= elt_one(o, d, &elt_ops[i], bufs, map, y_dnnl, y_loop, dnnl, n);
out:
	bench_dnnl_destroy(dnnl);
	free(y_dnnl);
	free(y_loop);
	for (int i = 0; i < 3; i++)
		if (bufs[i])
			accel_buffer_free(bufs[i]);
	return bad;
}
