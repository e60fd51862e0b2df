// SPDX-License-Identifier: MIT
/*
 * test_stress - many queues at once and concurrent submitters: every fence
 * signals, every result is right, and each queue keeps submission order.
 */
#include <pthread.h>

#include "conformance.h"

static struct accel_device *dev;

#define NCTX 8u
#define NQ 8u
#define JOBS_PER_Q 12u

/*
 * 8 contexts x 8 queues (fewer if the device allows fewer), JOBS_PER_Q jobs
 * each. Job i of a queue writes a TIMESTAMP into its own slot and fills its
 * own result cell; timestamps of one queue must not go backwards.
 */
static void test_many_queues(void)
{
	uint32_t maxq = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	uint32_t nprio = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	uint32_t nq = maxq < NQ ? maxq : NQ;
	const uint32_t slots = NCTX * NQ * JOBS_PER_Q;
	struct accel_context *ctx[NCTX];
	struct accel_fence **fences = calloc(slots, sizeof(*fences));
	struct accel_buffer *bufs[2];
	struct accel_cmdbuf cb;
	uint64_t *ts;
	float *val;
	void *p;
	size_t bad = 0;

	bufs[0] = tl_buffer(dev, slots * sizeof(uint64_t), &p);
	ts = p;
	bufs[1] = tl_buffer(dev, slots * sizeof(float), &p);
	val = p;
	for (uint32_t c = 0; c < NCTX; c++)
		ctx[c] = tl_context(dev, c % nprio, nq);
	accel_cmdbuf_init(&cb);
	/* Interleave submissions over all queues. */
	for (uint32_t i = 0; i < JOBS_PER_Q; i++)
		for (uint32_t c = 0; c < NCTX; c++)
			for (uint32_t qi = 0; qi < nq; qi++) {
				uint32_t slot = (c * NQ + qi) * JOBS_PER_Q + i;

				accel_cmdbuf_reset(&cb);
				tl_fill(&cb, 1, slot, 1, (float)slot);
				tl_timestamp(&cb, 0, (uint64_t)slot * sizeof(uint64_t));
				CHECK(tl_submit(accel_context_queue(ctx[c], qi), &cb, bufs, 2, NULL, 0,
						&fences[slot]) == 0,
				      "submit %u", slot);
			}
	for (uint32_t c = 0; c < NCTX; c++)
		for (uint32_t qi = 0; qi < nq; qi++)
			for (uint32_t i = 0; i < JOBS_PER_Q; i++) {
				uint32_t slot = (c * NQ + qi) * JOBS_PER_Q + i;

				if (!fences[slot])
					continue;
				CHECK(accel_fence_wait(fences[slot], -1) == 0, "wait %u", slot);
				accel_fence_put(fences[slot]);
				if (val[slot] != (float)slot)
					bad++;
				if (i > 0 && ts[slot] < ts[slot - 1])
					CHECK(0, "queue %u/%u ran job %u before job %u", c, qi, i, i - 1);
			}
	CHECK(bad == 0, "%zu wrong results", bad);
	accel_cmdbuf_fini(&cb);
	for (uint32_t c = 0; c < NCTX; c++)
		accel_context_destroy(ctx[c]);
	accel_buffer_free(bufs[0]);
	accel_buffer_free(bufs[1]);
	free(fences);
}

#define NTHREADS 4u
#define JOBS_PER_THREAD 500u
#define CELL 16u

struct submitter {
	pthread_t thread;
	uint32_t id;
	struct accel_buffer *buf;
	int failures;
};

/* Each thread: its own context, JOBS_PER_THREAD jobs, each filling its own cell. */
static void *submitter_main(void *arg)
{
	struct submitter *s = arg;
	struct accel_context *ctx = tl_context(dev, s->id % 2, 2);
	struct accel_fence **f = calloc(JOBS_PER_THREAD, sizeof(*f));
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	for (uint32_t i = 0; i < JOBS_PER_THREAD; i++) {
		accel_cmdbuf_reset(&cb);
		tl_fill(&cb, 0, (uint64_t)i * CELL, CELL, (float)(s->id * 100000 + i));
		if (tl_submit(accel_context_queue(ctx, i % 2), &cb, &s->buf, 1, NULL, 0, &f[i]))
			s->failures++;
		/* Now and then wait on a recent one, so submits and waits mix. */
		if (i % 50 == 49 && f[i - 7] && accel_fence_wait(f[i - 7], -1))
			s->failures++;
	}
	for (uint32_t i = 0; i < JOBS_PER_THREAD; i++) {
		if (!f[i] || accel_fence_wait(f[i], -1))
			s->failures++;
		accel_fence_put(f[i]);
	}
	accel_cmdbuf_fini(&cb);
	accel_context_destroy(ctx);
	free(f);
	return NULL;
}

static void test_concurrent_submitters(void)
{
	struct submitter s[NTHREADS];

	for (uint32_t t = 0; t < NTHREADS; t++) {
		void *p;

		s[t] = (struct submitter){ .id = t };
		s[t].buf = tl_buffer(dev, JOBS_PER_THREAD * CELL * sizeof(float), &p);
		CHECK(pthread_create(&s[t].thread, NULL, submitter_main, &s[t]) == 0, "thread");
	}
	for (uint32_t t = 0; t < NTHREADS; t++) {
		const float *v;
		void *p;
		size_t bad = 0;

		pthread_join(s[t].thread, NULL);
		CHECK(s[t].failures == 0, "thread %u: %d failures", t, s[t].failures);
		accel_buffer_map(s[t].buf, &p);
		v = p;
		for (uint32_t i = 0; i < JOBS_PER_THREAD * CELL; i++)
			bad += v[i] != (float)(t * 100000 + i / CELL);
		CHECK(bad == 0, "thread %u: %zu wrong cells", t, bad);
		accel_buffer_free(s[t].buf);
	}
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_many_queues);
	RUN_CASE(test_concurrent_submitters);
	accel_device_close(dev);
	HARNESS_EXIT();
}
