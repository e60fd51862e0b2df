// SPDX-License-Identifier: MIT
/*
 * test_fence - waiting, polling, timeouts, status, references and the
 * pollable fd of fences.
 */
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "conformance.h"

static struct accel_device *dev;
static struct accel_context *ctx;
static struct accel_queue *q;
static struct accel_buffer *busy_buf;

#define BUSY_N 512u
#define BUSY_REPS 6u

static struct accel_fence *submit_busy(void)
{
	struct accel_fence *f = NULL;
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	tl_busy(&cb, 0, BUSY_N, BUSY_REPS);
	CHECK(tl_submit(q, &cb, &busy_buf, 1, NULL, 0, &f) == 0, "busy submit: %s",
	      accel_last_error()->message);
	accel_cmdbuf_fini(&cb);
	return f;
}

static struct accel_fence *submit_nop(void)
{
	struct accel_fence *f = NULL;
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	CHECK(tl_submit(q, &cb, NULL, 0, NULL, 0, &f) == 0, "nop submit");
	accel_cmdbuf_fini(&cb);
	return f;
}

static void test_wait_nop(void)
{
	for (int i = 0; i < 100; i++) {
		struct accel_fence *f = submit_nop();

		if (!f)
			return;
		CHECK(accel_fence_wait(f, -1) == 0, "wait");
		CHECK(accel_fence_status(f) == 0, "status after wait");
		CHECK(accel_fence_wait(f, 0) == 0, "poll after signal");
		accel_fence_put(f);
	}
}

static void test_timeouts(void)
{
	struct accel_fence *f = submit_busy();

	if (!f)
		return;
	CHECK(accel_fence_wait(f, 0) == -ETIME, "poll on a long job");
	CHECK(accel_fence_status(f) == -EBUSY, "status pending");
	CHECK(accel_fence_wait(f, 1000000) == -ETIME, "1 ms timeout on a long job");
	CHECK(accel_fence_wait(f, -1) == 0, "wait forever");
	CHECK(accel_fence_status(f) == 0, "status done");
	CHECK(accel_fence_wait(f, 0) == 0, "poll when done");
	accel_fence_put(f);
}

static void test_refs(void)
{
	struct accel_fence *f = submit_busy(), *g;

	if (!f)
		return;
	g = accel_fence_get(f);
	CHECK(g == f, "get returns the fence");
	accel_fence_put(f);
	/* Still valid through the second reference. */
	CHECK(accel_fence_wait(g, -1) == 0, "wait through the second reference");
	accel_fence_put(g);
	CHECK(accel_fence_get(NULL) == NULL, "get NULL");
	accel_fence_put(NULL);
	CHECK(accel_fence_wait(NULL, 0) == -EINVAL, "wait NULL");
}

static void test_no_fence_requested(void)
{
	struct accel_cmdbuf cb;
	struct accel_fence *last;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	for (int i = 0; i < 50; i++)
		CHECK(tl_submit(q, &cb, NULL, 0, NULL, 0, NULL) == 0, "submit without fence");
	accel_cmdbuf_fini(&cb);
	/* The queue is FIFO: once the last one is done, all are. */
	last = submit_nop();
	CHECK(last && accel_fence_wait(last, -1) == 0, "last");
	accel_fence_put(last);
}

static void test_fd_poll(void)
{
	struct accel_fence *f = submit_busy();
	struct pollfd pfd;
	int fd;

	if (!f)
		return;
	fd = accel_fence_fd(f);
	CHECK(fd >= 0, "fd %d", fd);
	CHECK(accel_fence_fd(f) == fd, "same fd twice");
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "not readable while the job runs");
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 60000) == 1 && (pfd.revents & POLLIN), "readable once signalled");
	CHECK(accel_fence_status(f) == 0, "signalled when the fd said so");
	accel_fence_put(f);
}

static void test_fd_after_signal(void)
{
	struct accel_fence *f = submit_nop();
	struct pollfd pfd;

	if (!f)
		return;
	CHECK(accel_fence_wait(f, -1) == 0, "wait");
	pfd = (struct pollfd){ .fd = accel_fence_fd(f), .events = POLLIN };
	CHECK(pfd.fd >= 0, "fd");
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN), "immediately readable");
	accel_fence_put(f);
}

static void test_fd_race(void)
{
	/* Ask for the fd while the job may be signalling: it must never be missed. */
	for (int i = 0; i < 200; i++) {
		struct accel_fence *f = submit_nop();
		struct pollfd pfd;

		if (!f)
			return;
		pfd = (struct pollfd){ .fd = accel_fence_fd(f), .events = POLLIN };
		CHECK(poll(&pfd, 1, 10000) == 1, "iteration %d: fd never became readable", i);
		accel_fence_put(f);
	}
}

int main(void)
{
	void *p;

	dev = tl_open();
	ctx = tl_context(dev, 0, 1);
	q = accel_context_queue(ctx, 0);
	busy_buf = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	RUN_CASE(test_wait_nop);
	RUN_CASE(test_timeouts);
	RUN_CASE(test_refs);
	RUN_CASE(test_no_fence_requested);
	RUN_CASE(test_fd_poll);
	RUN_CASE(test_fd_after_signal);
	RUN_CASE(test_fd_race);
	accel_buffer_free(busy_buf);
	accel_context_destroy(ctx);
	accel_device_close(dev);
	HARNESS_EXIT();
}
