// SPDX-License-Identifier: MIT
/*
 * test_deps - wait_fences order jobs across queues and contexts: job B waits
 * for job A, which writes the data B reads. A is long (GEMMs before its
 * write), so without the dependency B would run on the other engine first
 * and read zeros.
 */
#include "conformance.h"

static struct accel_device *dev;

#define BUSY_N 384u
#define N_OUT 4096u

/* Buffer 0: busy matrices; buffer 1: X; buffer 2: Y. */
static void check_pair(struct accel_queue *qa, struct accel_queue *qb, const char *what)
{
	struct accel_buffer *bufs[3];
	struct accel_fence *fa = NULL, *fb = NULL;
	struct accel_cmdbuf cb;
	float *y;
	void *p;
	size_t bad = 0;

	bufs[0] = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	bufs[1] = tl_buffer(dev, N_OUT * sizeof(float), &p);
	bufs[2] = tl_buffer(dev, N_OUT * sizeof(float), &p);
	y = p;
	accel_cmdbuf_init(&cb);
	tl_busy(&cb, 0, BUSY_N, 3);
	tl_fill(&cb, 1, 0, N_OUT, 3.0f);
	CHECK(tl_submit(qa, &cb, bufs, 3, NULL, 0, &fa) == 0, "%s: A", what);
	accel_cmdbuf_reset(&cb);
	tl_copy(&cb, 2, 0, 1, 0, N_OUT);
	CHECK(tl_submit(qb, &cb, bufs, 3, &fa, 1, &fb) == 0, "%s: B", what);
	CHECK(fb && accel_fence_wait(fb, -1) == 0, "%s: wait B", what);
	CHECK(fa && accel_fence_status(fa) == 0, "%s: A done when B is: %d", what,
	      fa ? accel_fence_status(fa) : 0);
	for (uint32_t i = 0; i < N_OUT; i++)
		bad += y[i] != 3.0f;
	CHECK(bad == 0, "%s: B read %zu elements before A wrote them", what, bad);
	accel_fence_put(fa);
	accel_fence_put(fb);
	accel_cmdbuf_fini(&cb);
	for (int i = 0; i < 3; i++)
		accel_buffer_free(bufs[i]);
}

static void test_across_queues(void)
{
	struct accel_context *ctx = tl_context(dev, 0, 2);

	check_pair(accel_context_queue(ctx, 0), accel_context_queue(ctx, 1), "two queues");
	accel_context_destroy(ctx);
}

static void test_across_contexts(void)
{
	struct accel_context *c1 = tl_context(dev, 0, 1), *c2 = tl_context(dev, 1, 1);

	check_pair(accel_context_queue(c1, 0), accel_context_queue(c2, 0), "two contexts");
	/* The waiter with the higher priority must still wait. */
	check_pair(accel_context_queue(c2, 0), accel_context_queue(c1, 0), "reversed");
	accel_context_destroy(c1);
	accel_context_destroy(c2);
}

static void test_chain_and_fan_in(void)
{
	/* A chain hopping across 4 queues, each job adding 1 to a counter cell
	 * after the previous: the final value says every step saw the last. */
	struct accel_context *ctx = tl_context(dev, 0, 4);
	struct accel_buffer *buf;
	struct accel_fence *prev = NULL, *all[16];
	struct accel_cmdbuf cb;
	float *mem;
	void *p;

	buf = tl_buffer(dev, 64 * sizeof(float), &p);
	mem = p;
	accel_cmdbuf_init(&cb);
	for (int i = 0; i < 16; i++) {
		struct vaccel_pkt_binary add = { .hdr = { .opcode = VACCEL_OP_BINARY } };

		accel_cmdbuf_reset(&cb);
		/* cell[0] = cell[0] + cell[1] where cell[1] = 1 */
		tl_fill(&cb, 0, 1, 1, 1.0f);
		add.op = VACCEL_BINARY_ADD;
		add.a = tl_tensor(0, 0, 1, 1, 0, 0);
		add.b = tl_tensor(0, 1, 1, 1, 0, 0);
		add.y = tl_tensor(0, 0, 1, 1, 0, 0);
		accel_cmdbuf_append(&cb, &add, sizeof(add));
		CHECK(tl_submit(accel_context_queue(ctx, (uint32_t)i % 4), &cb, &buf, 1,
				prev ? &prev : NULL, prev ? 1 : 0, &all[i]) == 0,
		      "chain %d", i);
		prev = all[i];
	}
	/* Fan-in: one job waiting on all 16 (already signalled or not). */
	accel_cmdbuf_reset(&cb);
	tl_copy(&cb, 0, 8, 0, 0, 1);
	{
		struct accel_fence *f = NULL;

		CHECK(tl_submit(accel_context_queue(ctx, 3), &cb, &buf, 1, all, 16, &f) == 0,
		      "fan-in");
		CHECK(f && accel_fence_wait(f, -1) == 0, "fan-in wait");
		accel_fence_put(f);
	}
	for (int i = 0; i < 16; i++) {
		CHECK(accel_fence_status(all[i]) == 0, "chain %d done", i);
		accel_fence_put(all[i]);
	}
	CHECK(mem[0] == 16.0f && mem[8] == 16.0f, "counter %g copy %g", mem[0], mem[8]);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	accel_context_destroy(ctx);
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_across_queues);
	RUN_CASE(test_across_contexts);
	RUN_CASE(test_chain_and_fan_in);
	accel_device_close(dev);
	HARNESS_EXIT();
}
