// SPDX-License-Identifier: MIT
/*
 * test_lifetime - objects released while the device still uses them: a
 * buffer freed under a queued job, a context destroyed with jobs queued, a
 * device closed with work in flight or while other threads wait. Run under
 * ASan, these also prove nothing is read after free and nothing leaks.
 */
#include <pthread.h>
#include <unistd.h>

#include "conformance.h"

#define BUSY_N 384u
#define N_OUT 8192u

static void test_buffer_freed_in_use(void)
{
	struct accel_device *dev = tl_open();
	struct accel_context *ctx = tl_context(dev, 0, 1);
	struct accel_buffer *bufs[3];
	struct accel_fence *f = NULL;
	struct accel_cmdbuf cb;
	uint64_t used_before, x_size;
	size_t bad = 0;
	float *y;
	void *p;

	bufs[0] = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	bufs[1] = tl_buffer(dev, N_OUT * sizeof(float), &p); /* X, freed early */
	bufs[2] = tl_buffer(dev, N_OUT * sizeof(float), &p); /* Y */
	y = p;
	x_size = accel_buffer_size(bufs[1]);
	accel_cmdbuf_init(&cb);
	tl_busy(&cb, 0, BUSY_N, 2);
	tl_fill(&cb, 1, 0, N_OUT, 4.0f);
	tl_copy(&cb, 2, 0, 1, 0, N_OUT);
	CHECK(tl_submit(accel_context_queue(ctx, 0), &cb, bufs, 3, NULL, 0, &f) == 0, "submit");
	used_before = tl_param(dev, DRM_VACCEL_PARAM_MEM_USED);
	accel_buffer_free(bufs[1]);
	accel_buffer_free(bufs[0]);
	CHECK(f && accel_fence_wait(f, -1) == 0, "job using freed buffers completes");
	for (uint32_t i = 0; i < N_OUT; i++)
		bad += y[i] != 4.0f;
	CHECK(bad == 0, "%zu wrong elements copied from the freed buffer", bad);
	/* Once the job is done, the freed buffers' memory is released; a
	 * kernel device may do that in its job cleanup just after the fence
	 * signals, so give it a moment (the check is on the value, not on
	 * how long it took). */
	for (int i = 0; i < 5000; i++) {
		if (tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == accel_buffer_size(bufs[2]))
			break;
		usleep(1000);
	}
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == accel_buffer_size(bufs[2]),
	      "MEM_USED %llu after the job (was %llu, X %llu)",
	      (unsigned long long)tl_param(dev, DRM_VACCEL_PARAM_MEM_USED),
	      (unsigned long long)used_before, (unsigned long long)x_size);
	accel_fence_put(f);
	accel_buffer_free(bufs[2]);
	accel_cmdbuf_fini(&cb);
	accel_context_destroy(ctx);
	accel_device_close(dev);
}

static void test_context_destroyed_with_jobs(void)
{
	struct accel_device *dev = tl_open();
	struct accel_context *ctx = tl_context(dev, 0, 2);
	struct accel_buffer *bufs[2];
	struct accel_fence *f[10];
	struct accel_cmdbuf cb;
	float *v;
	void *p;

	bufs[0] = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	bufs[1] = tl_buffer(dev, 16 * sizeof(float), &p);
	v = p;
	accel_cmdbuf_init(&cb);
	for (uint32_t i = 0; i < 10; i++) {
		accel_cmdbuf_reset(&cb);
		if (i < 2)
			tl_busy(&cb, 0, BUSY_N, 1);
		tl_fill(&cb, 1, i, 1, (float)(i + 1));
		CHECK(tl_submit(accel_context_queue(ctx, i % 2), &cb, bufs, 2, NULL, 0, &f[i]) == 0,
		      "submit %u", i);
	}
	/* Destroy waits for the queued jobs; they run, not vanish. */
	accel_context_destroy(ctx);
	for (uint32_t i = 0; i < 10; i++) {
		CHECK(f[i] && accel_fence_status(f[i]) == 0, "job %u done by destroy", i);
		CHECK(v[i] == (float)(i + 1), "job %u result %g", i, v[i]);
		accel_fence_put(f[i]);
	}
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(bufs[0]);
	accel_buffer_free(bufs[1]);
	accel_device_close(dev);
}

static void test_close_with_work_in_flight(void)
{
	struct accel_device *dev = tl_open();
	struct accel_context *ctx = tl_context(dev, 0, 2);
	struct accel_buffer *bufs[2];
	struct accel_fence *f[12];
	struct accel_cmdbuf cb;
	void *p;

	bufs[0] = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	bufs[1] = tl_buffer(dev, 64 * sizeof(float), &p);
	accel_cmdbuf_init(&cb);
	for (uint32_t i = 0; i < 12; i++) {
		accel_cmdbuf_reset(&cb);
		tl_busy(&cb, 0, BUSY_N, 2);
		tl_fill(&cb, 1, i, 1, 1.0f);
		CHECK(tl_submit(accel_context_queue(ctx, i % 2), &cb, bufs, 2,
				i >= 2 ? &f[i - 2] : NULL, i >= 2, &f[i]) == 0,
		      "submit %u", i);
	}
	accel_cmdbuf_fini(&cb);
	/* Buffers and the context are left for close to release; the fences
	 * are ours and stay valid after it. */
	accel_device_close(dev);
	for (uint32_t i = 0; i < 12; i++) {
		int st = f[i] ? accel_fence_status(f[i]) : -1;

		CHECK(st == 0 || st == -ECANCELED, "fence %u after close: %d", i, st);
		CHECK(f[i] && accel_fence_wait(f[i], 0) == st, "wait agrees with status");
		accel_fence_put(f[i]);
	}
}

/*
 * Threads waiting without a deadline while another closes the device: on
 * emu such waiters take part in the jobs' packets, and must leave that
 * behind cleanly; each wait returns the job's end (done or cancelled).
 */
struct close_waiter {
	struct accel_fence *f;
	int ret;
};

static void *close_waiter_thread(void *data)
{
	struct close_waiter *w = data;

	w->ret = accel_fence_wait(w->f, -1);
	return NULL;
}

static void test_close_while_waiting(void)
{
	enum { WAITERS = 3 };
	struct accel_device *dev = tl_open();
	struct accel_context *ctx = tl_context(dev, 0, WAITERS);
	struct close_waiter w[WAITERS];
	pthread_t th[WAITERS];
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	void *p;

	buf = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	accel_cmdbuf_init(&cb);
	tl_busy(&cb, 0, BUSY_N, 2);
	for (int i = 0; i < WAITERS; i++) {
		w[i].f = NULL;
		CHECK(tl_submit(accel_context_queue(ctx, i), &cb, &buf, 1, NULL, 0, &w[i].f) == 0,
		      "submit %d", i);
		CHECK(pthread_create(&th[i], NULL, close_waiter_thread, &w[i]) == 0,
		      "pthread_create");
	}
	accel_cmdbuf_fini(&cb);
	usleep(2000);
	accel_device_close(dev);
	for (int i = 0; i < WAITERS; i++) {
		pthread_join(th[i], NULL);
		CHECK(w[i].ret == 0 || w[i].ret == -ECANCELED, "waiter %d: %d", i, w[i].ret);
		accel_fence_put(w[i].f);
	}
}

static void test_close_idle_with_objects(void)
{
	struct accel_device *dev = tl_open();
	void *p;

	tl_context(dev, 1, 3);
	tl_buffer(dev, 12345, &p);
	memset(p, 1, 12345);
	/* Everything the client made goes with the close. */
	accel_device_close(dev);
}

int main(void)
{
	RUN_CASE(test_buffer_freed_in_use);
	RUN_CASE(test_context_destroyed_with_jobs);
	RUN_CASE(test_close_with_work_in_flight);
	RUN_CASE(test_close_while_waiting);
	RUN_CASE(test_close_idle_with_objects);
	HARNESS_EXIT();
}
