// SPDX-License-Identifier: MIT
/*
 * vaccel_sync_test - fences and waits: DRM_IOCTL_VACCEL_WAIT deadlines
 * (absolute CLOCK_MONOTONIC; in the past means poll) while a job runs, and
 * DRM syncobjs: an out-syncobj that drmSyncobjWait sees signal, and an
 * in-syncobj that orders a job on another context after the first, checked
 * with the engine's own timestamps and with the data it moved.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

#define BUSY_N 256u
#define BUSY_BYTES (3u * BUSY_N * BUSY_N * 4u)
/* How long the busy job should run: long enough to see it running. */
#define BUSY_TARGET_MS 1500.0

FIXTURE(dev)
{
	int fd;
	uint32_t ctx;
	uint32_t busy_bo;
	struct vt_cmdbuf busy; /* BUSY_TARGET_MS of GEMMs on busy_bo */
};

FIXTURE_SETUP(dev)
{
	double ms;

	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 2, &self->ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, BUSY_BYTES, &self->busy_bo));
	ms = vt_time_gemm_ms(self->fd, self->ctx, self->busy_bo, BUSY_N);
	ASSERT_LT(0, ms);
	vt_cb_init(&self->busy);
	vt_busy(&self->busy, 0, BUSY_N,
		vt_busy_reps(ms, BUSY_TARGET_MS,
			     vt_param(self->fd, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE)));
	/* The calibration job was seqno 1 of queue 0. */
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
	vt_cb_fini(&self->busy);
}

TEST_F(dev, wait_deadline_in_the_past_polls)
{
	uint64_t seqno;
	uint32_t job_error = 0;
	int64_t t0;

	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->busy, &self->busy_bo, 1, &seqno));
	EXPECT_EQ(2, seqno);
	t0 = vt_now_ns();
	EXPECT_EQ(-ETIME, vt_wait(self->fd, self->ctx, 0, seqno, t0 - 1000000, NULL));
	EXPECT_EQ(-ETIME, vt_wait(self->fd, self->ctx, 0, seqno, 0, NULL));
	/* A poll returns at once, not after the job. */
	EXPECT_GT(200 * 1000000LL, vt_now_ns() - t0);
	ASSERT_EQ(0, vt_wait(self->fd, self->ctx, 0, seqno, vt_deadline_ms(60000), &job_error));
	EXPECT_EQ(0, job_error);
}

TEST_F(dev, wait_short_deadline_times_out)
{
	uint64_t seqno;
	int64_t t0, waited;

	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->busy, &self->busy_bo, 1, &seqno));
	t0 = vt_now_ns();
	EXPECT_EQ(-ETIME, vt_wait(self->fd, self->ctx, 0, seqno, t0 + 50 * 1000000LL, NULL));
	waited = vt_now_ns() - t0;
	EXPECT_LE(50 * 1000000LL, waited);
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, seqno, vt_deadline_ms(60000), NULL));
}

TEST_F(dev, queue_runs_in_submission_order)
{
	/* Job 1 is busy then stamps; job 2 stamps first thing. Same queue. */
	uint32_t bos[2] = { self->busy_bo, 0 };
	struct vt_cmdbuf stamp;
	uint64_t *ts, s1, s2;
	struct vaccel_pkt_timestamp t = { .hdr.opcode = VACCEL_OP_TIMESTAMP, .buf = 1 };

	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bos[1]));
	ts = vt_bo_map(self->fd, bos[1], 4096);
	ASSERT_NE(NULL, ts);
	t.offset = 0;
	vt_cb_add(&self->busy, &t, sizeof(t));
	vt_cb_init(&stamp);
	t.offset = 8;
	vt_cb_add(&stamp, &t, sizeof(t));
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->busy, bos, 2, &s1));
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &stamp, bos, 2, &s2));
	ASSERT_EQ(0, vt_wait(self->fd, self->ctx, 0, s2, vt_deadline_ms(60000), NULL));
	/* Waiting for the later job means the earlier one is done too. */
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, s1, 0, NULL));
	EXPECT_NE(0, ts[0]);
	EXPECT_LE(ts[0], ts[1]);
	vt_cb_fini(&stamp);
}

TEST_F(dev, out_syncobj_signals_for_drmSyncobjWait)
{
	uint32_t sync;
	uint64_t seqno;

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &sync));
	ASSERT_EQ(0, vt_submit_sync(self->fd, self->ctx, 0, &self->busy, &self->busy_bo, 1, NULL,
				    0, sync, &seqno));
	/* Running: a wait with a deadline already passed times out. */
	EXPECT_EQ(-ETIME, drmSyncobjWait(self->fd, &sync, 1, vt_now_ns() - 1, 0, NULL));
	EXPECT_EQ(-ETIME, vt_wait(self->fd, self->ctx, 0, seqno, 0, NULL));
	ASSERT_EQ(0, drmSyncobjWait(self->fd, &sync, 1, vt_deadline_ms(60000), 0, NULL));
	/* Signalled means the job is done. */
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, seqno, 0, NULL));
	EXPECT_EQ(0, drmSyncobjDestroy(self->fd, sync));
}

TEST_F(dev, in_syncobj_orders_jobs_of_two_contexts)
{
	/*
	 * Job A (context 1): busy GEMMs, then fill x = 7 and stamp its end.
	 * Job B (context 2, waits on A's out-syncobj): stamp its start, copy
	 * x to y. Without the dependency B would run at once on another engine
	 * (or queue) and copy zeros.
	 */
	uint32_t ctx2, sync, data, bos[2];
	struct vt_cmdbuf a, b;
	struct vaccel_pkt_timestamp t = { .hdr.opcode = VACCEL_OP_TIMESTAMP, .buf = 1 };
	struct vaccel_pkt_copy c = { .hdr.opcode = VACCEL_OP_COPY };
	uint64_t sa, sb, *ts;
	float *x;
	uint32_t job_error = 1;

	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx2));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &sync));
	ASSERT_EQ(0, vt_bo_create(self->fd, 8192, &data));
	x = vt_bo_map(self->fd, data, 8192);
	ASSERT_NE(NULL, x);
	ts = (uint64_t *)(x + 1024);
	bos[0] = self->busy_bo, bos[1] = data;

	a = self->busy;
	memset(&self->busy, 0, sizeof(self->busy)); /* a owns the buffer now */
	vt_fill(&a, 1, 0, 256, 7.0f);
	t.offset = 4096;
	vt_cb_add(&a, &t, sizeof(t));

	vt_cb_init(&b);
	t.offset = 4096 + 8;
	vt_cb_add(&b, &t, sizeof(t));
	c.dst = vt_tensor1(1, 256 * 4, 256);
	c.src = vt_tensor1(1, 0, 256);
	vt_cb_add(&b, &c, sizeof(c));

	ASSERT_EQ(0, vt_submit_sync(self->fd, self->ctx, 0, &a, bos, 2, NULL, 0, sync, &sa));
	ASSERT_EQ(0, vt_submit_sync(self->fd, ctx2, 0, &b, bos, 2, &sync, 1, 0, &sb));
	ASSERT_EQ(0, vt_wait(self->fd, ctx2, 0, sb, vt_deadline_ms(60000), &job_error));
	EXPECT_EQ(0, job_error);
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, sa, 0, NULL));
	EXPECT_NE(0, ts[0]);
	EXPECT_LE(ts[0], ts[1]);
	for (uint32_t i = 0; i < 256; i++)
		ASSERT_EQ(vt_f32_bits(7.0f), vt_f32_bits(x[256 + i]));
	vt_cb_fini(&a);
	vt_cb_fini(&b);
}

TEST_F(dev, in_syncobj_already_signalled)
{
	uint32_t sync;
	uint64_t seqno;
	struct vt_cmdbuf empty;

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, DRM_SYNCOBJ_CREATE_SIGNALED, &sync));
	vt_cb_init(&empty);
	ASSERT_EQ(0, vt_submit_sync(self->fd, self->ctx, 1, &empty, NULL, 0, &sync, 1, 0, &seqno));
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 1, seqno, vt_deadline_ms(30000), NULL));
	vt_cb_fini(&empty);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

TEST_F(dev, wait_interrupted_by_a_signal)
{
	/*
	 * A handler without SA_RESTART: the blocked WAIT returns -EINTR, and
	 * waiting again with the same absolute deadline then succeeds.
	 */
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct itimerspec its = { .it_value.tv_nsec = 100 * 1000000 };
	struct drm_vaccel_wait a = { .ctx_id = self->ctx };
	timer_t timer;
	int ret, err;
	uint64_t seqno;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->busy, &self->busy_bo, 1, &seqno));
	a.seqno = seqno;
	a.timeout_ns = vt_deadline_ms(60000);
	ASSERT_EQ(0, timer_create(CLOCK_MONOTONIC, &sev, &timer));
	ASSERT_EQ(0, timer_settime(timer, 0, &its, NULL));
	ret = ioctl(self->fd, DRM_IOCTL_VACCEL_WAIT, &a); /* not vt_ioctl: no retry */
	err = errno;
	timer_delete(timer);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, err);
	ASSERT_EQ(0, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_WAIT, &a));
	EXPECT_EQ(0, a.job_error);
}

TEST_F(dev, destroyed_context_still_runs_its_queued_jobs)
{
	/* CTX_DESTROY never blocks; jobs already queued still run and signal. */
	uint32_t ctx, sync, bos[2] = { self->busy_bo, 0 };
	uint64_t seqno;
	float *p;

	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &sync));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bos[1]));
	p = vt_bo_map(self->fd, bos[1], 4096);
	ASSERT_NE(NULL, p);
	vt_fill(&self->busy, 1, 0, 1024, 3.0f);
	ASSERT_EQ(0, vt_submit_sync(self->fd, ctx, 0, &self->busy, bos, 2, NULL, 0, sync,
				    &seqno));
	ASSERT_EQ(0, vt_ctx_destroy(self->fd, ctx));
	ASSERT_EQ(0, drmSyncobjWait(self->fd, &sync, 1, vt_deadline_ms(60000), 0, NULL));
	for (int i = 0; i < 1024; i++)
		ASSERT_EQ(vt_f32_bits(3.0f), vt_f32_bits(p[i]));
}

TEST_HARNESS_MAIN
