// SPDX-License-Identifier: MIT
/*
 * test_priority - strict priority: with a long low-priority backlog queued,
 * a high-priority job submitted last finishes before the backlog's queued
 * jobs. Order is read from the engine's own TIMESTAMP packets, never from
 * wall-clock durations.
 */
#include "conformance.h"

static struct accel_device *dev;

#define LOW_QUEUES 4u
#define LOW_JOBS 10u
#define BUSY_N 320u

static void test_high_overtakes_backlog(void)
{
	uint32_t nprio = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	uint32_t engines = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_NUM_ENGINES);
	uint32_t maxq = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	uint32_t nq = maxq < LOW_QUEUES ? maxq : LOW_QUEUES;
	const uint32_t nlow = nq * LOW_JOBS;
	struct accel_context *low = tl_context(dev, 0, nq);
	struct accel_context *high = tl_context(dev, nprio - 1, 1);
	struct accel_fence *lf[LOW_QUEUES * LOW_JOBS], *hf = NULL;
	struct accel_buffer *bufs[2];
	struct accel_cmdbuf cb;
	uint32_t done_before = 0, earlier = 0;
	uint64_t *ts;
	void *p;

	bufs[0] = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	bufs[1] = tl_buffer(dev, (nlow + 1) * sizeof(uint64_t), &p);
	ts = p;
	accel_cmdbuf_init(&cb);
	for (uint32_t i = 0; i < nlow; i++) {
		accel_cmdbuf_reset(&cb);
		tl_busy(&cb, 0, BUSY_N, 1);
		tl_timestamp(&cb, 1, (uint64_t)i * sizeof(uint64_t));
		CHECK(tl_submit(accel_context_queue(low, i % nq), &cb, bufs, 2, NULL, 0, &lf[i]) ==
			      0,
		      "low %u", i);
	}
	accel_cmdbuf_reset(&cb);
	tl_timestamp(&cb, 1, (uint64_t)nlow * sizeof(uint64_t));
	/* Jobs already done when the high one arrives cannot be overtaken. */
	for (uint32_t i = 0; i < nlow; i++)
		done_before += lf[i] && accel_fence_status(lf[i]) == 0;
	CHECK(tl_submit(accel_context_queue(high, 0), &cb, bufs, 2, NULL, 0, &hf) == 0, "high");
	CHECK(hf && accel_fence_wait(hf, -1) == 0, "high wait");
	for (uint32_t i = 0; i < nlow; i++) {
		CHECK(lf[i] && accel_fence_wait(lf[i], -1) == 0, "low wait %u", i);
		accel_fence_put(lf[i]);
	}
	accel_fence_put(hf);
	for (uint32_t i = 0; i < nlow; i++)
		earlier += ts[i] < ts[nlow];
	/* At most the jobs done before, plus one running per engine, plus one
	 * per engine picked between the count above and the submit. */
	CHECK(earlier <= done_before + 2 * engines,
	      "%u low jobs finished before the high one (%u done before it was submitted, "
	      "%u engines)",
	      earlier, done_before, engines);
	CHECK(done_before + 2 * engines < nlow, "backlog too short to tell: %u done of %u",
	      done_before, nlow);
	printf("# %u of %u low-priority jobs finished before the high-priority one\n", earlier,
	       nlow);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(bufs[0]);
	accel_buffer_free(bufs[1]);
	accel_context_destroy(low);
	accel_context_destroy(high);
}

static void test_priorities_in_order(void)
{
	/* Block the engines with busy jobs, then queue one job per priority,
	 * lowest first: they must complete highest first. */
	uint32_t nprio = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	uint32_t engines = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_NUM_ENGINES);
	uint32_t maxq = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	uint32_t nb = engines < 8 ? engines : 8;
	struct accel_context *blocker, *ctx[16];
	struct accel_fence *bf[8], *f[16];
	struct accel_buffer *bufs[2];
	struct accel_cmdbuf cb;
	uint64_t *ts;
	void *p;

	nb = nb < maxq ? nb : maxq;
	blocker = tl_context(dev, nprio - 1, nb);
	if (nprio > 16)
		nprio = 16;
	bufs[0] = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	bufs[1] = tl_buffer(dev, 16 * sizeof(uint64_t), &p);
	ts = p;
	accel_cmdbuf_init(&cb);
	tl_busy(&cb, 0, BUSY_N, 4);
	if (nprio <= engines) {
		printf("# %u priorities, %u engines: nothing to order\n", nprio, engines);
		nprio = 0;
	}
	for (uint32_t i = 0; i < nb; i++)
		CHECK(tl_submit(accel_context_queue(blocker, i), &cb, bufs, 2, NULL, 0, &bf[i]) == 0,
		      "blocker");
	for (uint32_t pr = 0; pr < nprio; pr++) {
		ctx[pr] = tl_context(dev, pr, 1);
		accel_cmdbuf_reset(&cb);
		tl_busy(&cb, 0, BUSY_N, 1);
		tl_timestamp(&cb, 1, pr * sizeof(uint64_t));
		/* Every job waits on the blockers so all are ready at once. */
		CHECK(tl_submit(accel_context_queue(ctx[pr], 0), &cb, bufs, 2, bf, nb, &f[pr]) == 0,
		      "prio %u", pr);
	}
	for (uint32_t pr = 0; pr < nprio; pr++) {
		CHECK(f[pr] && accel_fence_wait(f[pr], -1) == 0, "wait %u", pr);
		accel_fence_put(f[pr]);
	}
	for (uint32_t i = 0; i < nb; i++)
		accel_fence_put(bf[i]);
	/* All become ready at once when the last blocker ends; the engines
	 * take the top `engines` priorities first, so a lower one can only
	 * start, and so end, after one of those ended. Causality, not timing. */
	if (nprio) {
		uint64_t first_top = UINT64_MAX;

		for (uint32_t pr = nprio - engines; pr < nprio; pr++)
			first_top = ts[pr] < first_top ? ts[pr] : first_top;
		for (uint32_t pr = 0; pr < nprio - engines; pr++)
			CHECK(ts[pr] > first_top, "priority %u ended before any of the top %u",
			      pr, engines);
	}
	accel_cmdbuf_fini(&cb);
	for (uint32_t pr = 0; pr < nprio; pr++)
		accel_context_destroy(ctx[pr]);
	accel_context_destroy(blocker);
	accel_buffer_free(bufs[0]);
	accel_buffer_free(bufs[1]);
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_high_overtakes_backlog);
	RUN_CASE(test_priorities_in_order);
	accel_device_close(dev);
	HARNESS_EXIT();
}
