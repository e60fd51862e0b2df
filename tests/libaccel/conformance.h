/* SPDX-License-Identifier: MIT */
/*
 * conformance.h - helpers of the libaccel conformance suite.
 *
 * The suite uses the public API only and opens the device named by
 * $ACCEL_DEVICE (default "emu"), so the same programs run unchanged against
 * every backend. Limits come from the device's params, never from constants
 * of one backend.
 */
#ifndef ACCEL_TESTS_CONFORMANCE_H
#define ACCEL_TESTS_CONFORMANCE_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>
#include <drm/vaccel_drm.h>

#include "harness.h"

static inline struct accel_device *tl_open(void)
{
	struct accel_device *dev = NULL;
	int ret = accel_device_open(NULL, &dev);

	if (ret) {
		fprintf(stderr, "cannot open device '%s': %s\n",
			getenv("ACCEL_DEVICE") ? getenv("ACCEL_DEVICE") : "emu", strerror(-ret));
		exit(ret == -ENODEV ? 77 : 1);
	}
	return dev;
}

static inline uint64_t tl_param(struct accel_device *dev, uint32_t param)
{
	uint64_t v = 0;
	int ret = accel_device_get_param(dev, param, &v);

	if (ret) {
		fprintf(stderr, "get_param(%u): %s\n", param, strerror(-ret));
		exit(1);
	}
	return v;
}

static inline struct accel_context *tl_context(struct accel_device *dev, uint32_t prio,
					       uint32_t nq)
{
	struct accel_context_desc d = { .priority = prio, .num_queues = nq };
	struct accel_context *ctx = NULL;
	int ret = accel_context_create(dev, &d, &ctx);

	if (ret) {
		fprintf(stderr, "context_create(%u, %u): %s\n", prio, nq, strerror(-ret));
		exit(1);
	}
	return ctx;
}

static inline struct accel_buffer *tl_buffer(struct accel_device *dev, uint64_t size,
					     void **ptr)
{
	struct accel_buffer *buf = NULL;
	int ret = accel_buffer_alloc(dev, size, 0, &buf);

	if (ret || accel_buffer_map(buf, ptr)) {
		fprintf(stderr, "buffer_alloc(%llu): %s\n", (unsigned long long)size,
			strerror(-ret));
		exit(1);
	}
	return buf;
}

static inline uint32_t tl_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* Deterministic pseudo-random floats in [-1, 1). */
static inline float tl_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return (float)((double)(x >> 8) / (double)(1u << 23) - 1.0);
}

/* A dense f32 tensor of @rank dims at element offset @off of buffer @buf. */
static inline struct vaccel_tensor tl_tensor(uint32_t buf, uint64_t off, uint32_t rank,
					     uint32_t d0, uint32_t d1, uint32_t d2)
{
	const uint32_t dims[3] = { d0, d1, d2 };
	struct vaccel_tensor t;

	if (accel_tensor_init(&t, buf, VACCEL_DTYPE_F32, off * sizeof(float), rank, dims)) {
		fprintf(stderr, "accel_tensor_init failed\n");
		exit(1);
	}
	return t;
}

static inline int tl_nop(struct accel_cmdbuf *cb)
{
	struct vaccel_pkt_nop p = { .hdr = { .opcode = VACCEL_OP_NOP } };

	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static inline int tl_fill(struct accel_cmdbuf *cb, uint32_t buf, uint64_t off, uint32_t n,
			  float value)
{
	struct vaccel_pkt_fill p = { .hdr = { .opcode = VACCEL_OP_FILL } };

	p.value = tl_f32_bits(value);
	p.dst = tl_tensor(buf, off, 1, n, 0, 0);
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static inline int tl_copy(struct accel_cmdbuf *cb, uint32_t dbuf, uint64_t doff,
			  uint32_t sbuf, uint64_t soff, uint32_t n)
{
	struct vaccel_pkt_copy p = { .hdr = { .opcode = VACCEL_OP_COPY } };

	p.dst = tl_tensor(dbuf, doff, 1, n, 0, 0);
	p.src = tl_tensor(sbuf, soff, 1, n, 0, 0);
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static inline int tl_timestamp(struct accel_cmdbuf *cb, uint32_t buf, uint64_t byte_off)
{
	struct vaccel_pkt_timestamp p = { .hdr = { .opcode = VACCEL_OP_TIMESTAMP } };

	p.buf = buf;
	p.offset = byte_off;
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static inline int tl_fence_pkt(struct accel_cmdbuf *cb, uint32_t buf, uint64_t byte_off,
			       uint64_t value)
{
	struct vaccel_pkt_fence p = { .hdr = { .opcode = VACCEL_OP_FENCE } };

	p.buf = buf;
	p.offset = byte_off;
	p.value = value;
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

/* C (M x N at @c_off) = A (M x K at @a_off) x B (K x N at @b_off), dense, buffer @buf. */
static inline int tl_gemm(struct accel_cmdbuf *cb, uint32_t buf, uint64_t a_off, uint64_t b_off,
			  uint64_t c_off, uint32_t m, uint32_t n, uint32_t k)
{
	struct vaccel_pkt_gemm p = { .hdr = { .opcode = VACCEL_OP_GEMM } };

	p.alpha = tl_f32_bits(1.0f);
	p.beta = tl_f32_bits(0.0f);
	p.a = tl_tensor(buf, a_off, 2, m, k, 0);
	p.b = tl_tensor(buf, b_off, 2, k, n, 0);
	p.c = tl_tensor(buf, c_off, 2, m, n, 0);
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

/*
 * A job that keeps an engine busy for a while (tens of milliseconds):
 * @reps GEMMs of @n cubed on buffer @buf, which must hold 3 n x n matrices.
 */
static inline int tl_busy(struct accel_cmdbuf *cb, uint32_t buf, uint32_t n, uint32_t reps)
{
	uint64_t nn = (uint64_t)n * n;

	for (uint32_t i = 0; i < reps; i++) {
		int ret = tl_gemm(cb, buf, 0, nn, 2 * nn, n, n, n);

		if (ret)
			return ret;
	}
	return 0;
}

static inline int tl_submit(struct accel_queue *q, const struct accel_cmdbuf *cb,
			    struct accel_buffer *const *bufs, uint32_t nbufs,
			    struct accel_fence *const *waits, uint32_t nwaits,
			    struct accel_fence **fence)
{
	struct accel_submit s = {
		.cmdbuf = cb->data,
		.cmdbuf_size = cb->size,
		.buffers = bufs,
		.num_buffers = nbufs,
		.wait_fences = waits,
		.num_wait_fences = nwaits,
	};

	return accel_queue_submit(q, &s, fence);
}

/* Submit and wait; returns the submit error or the fence's. */
static inline int tl_run(struct accel_queue *q, const struct accel_cmdbuf *cb,
			 struct accel_buffer *const *bufs, uint32_t nbufs)
{
	struct accel_fence *f = NULL;
	int ret = tl_submit(q, cb, bufs, nbufs, NULL, 0, &f);

	if (ret)
		return ret;
	ret = accel_fence_wait(f, -1);
	accel_fence_put(f);
	return ret;
}

/* |got - want| within a relative-plus-absolute tolerance. */
static inline int tl_close(double got, double want, double tol)
{
	return fabs(got - want) <= tol * (1.0 + fabs(want));
}

#endif /* ACCEL_TESTS_CONFORMANCE_H */
