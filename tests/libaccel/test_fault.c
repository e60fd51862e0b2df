// SPDX-License-Identifier: MIT
/*
 * test_fault - a run-time fault (GATHER index out of range) ends the job with
 * -EDOM, bans its context (GUILTY, later submits -ECANCELED, queued jobs
 * cancelled) and leaves every other context working.
 */
#include "conformance.h"

static struct accel_device *dev;

/* y[i] = x[idx[i]] over 8 floats, with idx given as I32 at element @idx_off. */
static int gather(struct accel_cmdbuf *cb)
{
	struct vaccel_pkt_gather g = { .hdr = { .opcode = VACCEL_OP_GATHER } };
	const uint32_t n8[1] = { 8 }, n4[1] = { 4 };

	g.axis = 0;
	accel_tensor_init(&g.x, 0, VACCEL_DTYPE_F32, 0, 1, n8);
	accel_tensor_init(&g.indices, 0, VACCEL_DTYPE_I32, 8 * sizeof(float), 1, n4);
	accel_tensor_init(&g.y, 0, VACCEL_DTYPE_F32, 16 * sizeof(float), 1, n4);
	return accel_cmdbuf_append(cb, &g, sizeof(g));
}

static void test_gather_ok(void)
{
	struct accel_context *ctx = tl_context(dev, 0, 1);
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	float *x;
	int32_t *idx;
	void *p;

	buf = tl_buffer(dev, 4096, &p);
	x = p;
	idx = (int32_t *)(x + 8);
	for (int i = 0; i < 8; i++)
		x[i] = (float)(10 * i);
	idx[0] = 3;
	idx[1] = -1;
	idx[2] = 0;
	idx[3] = 7;
	accel_cmdbuf_init(&cb);
	gather(&cb);
	CHECK(tl_run(accel_context_queue(ctx, 0), &cb, &buf, 1) == 0, "in-range gather: %s",
	      accel_last_error()->message);
	CHECK(x[16] == 30.0f && x[17] == 70.0f && x[18] == 0.0f && x[19] == 70.0f,
	      "gathered %g %g %g %g", x[16], x[17], x[18], x[19]);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	accel_context_destroy(ctx);
}

static void test_fault_bans_context(void)
{
	struct accel_context *bad = tl_context(dev, 0, 2), *good = tl_context(dev, 0, 1);
	struct accel_buffer *buf, *busy;
	struct accel_fence *fb = NULL, *behind = NULL, *other = NULL;
	struct accel_cmdbuf cb;
	uint32_t state = 0, fault = 0;
	float *x;
	int32_t *idx;
	void *p;
	int ret;

	buf = tl_buffer(dev, 4096, &p);
	x = p;
	idx = (int32_t *)(x + 8);
	idx[0] = 0;
	idx[1] = 8; /* dims[axis] is 8: out of range */
	busy = tl_buffer(dev, 3ull * 256 * 256 * sizeof(float), &p);
	accel_cmdbuf_init(&cb);
	/* Keep the queue busy first, so the job behind the faulting one is
	 * surely queued when the fault happens. */
	tl_busy(&cb, 0, 256, 2);
	CHECK(tl_submit(accel_context_queue(bad, 0), &cb, &busy, 1, NULL, 0, NULL) == 0, "busy");
	accel_cmdbuf_reset(&cb);
	gather(&cb);
	ret = tl_submit(accel_context_queue(bad, 0), &cb, &buf, 1, NULL, 0, &fb);
	CHECK(ret == 0, "an index out of range is found at run time, not at submit: %d", ret);
	accel_cmdbuf_reset(&cb);
	tl_fill(&cb, 0, 32, 4, 5.0f);
	CHECK(tl_submit(accel_context_queue(bad, 0), &cb, &buf, 1, NULL, 0, &behind) == 0,
	      "queued behind the faulting job");
	CHECK(fb && accel_fence_wait(fb, -1) == -EDOM, "fence error -EDOM");
	CHECK(behind && accel_fence_wait(behind, -1) == -ECANCELED,
	      "job queued behind the fault is cancelled");
	CHECK(x[32] == 0.0f, "the cancelled job did not run");
	CHECK(accel_context_state(bad, &state, &fault) == 0, "state");
	CHECK(state == DRM_VACCEL_CTX_STATE_GUILTY, "state %u", state);
	CHECK(fault == EDOM, "fault_error %u", fault);
	accel_cmdbuf_reset(&cb);
	tl_nop(&cb);
	CHECK(tl_submit(accel_context_queue(bad, 0), &cb, NULL, 0, NULL, 0, NULL) == -ECANCELED,
	      "submit to the guilty context");
	CHECK(tl_submit(accel_context_queue(bad, 1), &cb, NULL, 0, NULL, 0, NULL) == -ECANCELED,
	      "submit to another queue of the guilty context");
	/* Another context keeps working. */
	accel_cmdbuf_reset(&cb);
	tl_fill(&cb, 0, 40, 4, 6.0f);
	CHECK(tl_submit(accel_context_queue(good, 0), &cb, &buf, 1, NULL, 0, &other) == 0,
	      "submit to the innocent context");
	CHECK(other && accel_fence_wait(other, -1) == 0, "innocent job");
	CHECK(x[40] == 6.0f, "innocent job ran");
	CHECK(accel_context_state(good, &state, &fault) == 0 && state == DRM_VACCEL_CTX_STATE_OK &&
		      fault == 0,
	      "innocent context state %u", state);
	accel_fence_put(fb);
	accel_fence_put(behind);
	accel_fence_put(other);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	accel_buffer_free(busy);
	accel_context_destroy(bad);
	accel_context_destroy(good);
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_gather_ok);
	RUN_CASE(test_fault_bans_context);
	accel_device_close(dev);
	HARNESS_EXIT();
}
