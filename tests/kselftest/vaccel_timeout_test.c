// SPDX-License-Identifier: MIT
/*
 * vaccel_timeout_test - a job that runs far past the driver's job timeout is
 * cancelled with ETIMEDOUT; only its own context becomes GUILTY (with the
 * job's seqno, queue and errno), the job queued behind it on the same queue
 * ends with ECANCELED, the banned context refuses submits with -ECANCELED,
 * and other contexts, of this client and of another, keep running.
 *
 * Needs a short timeout: the VM harness loads vaccel.ko with
 * job_timeout_ms=300 for this test (tests/vm/vm-tests.txt). With a longer
 * one (above MAX_TIMEOUT_MS) the test skips rather than run for minutes.
 */
#include <stdint.h>
#include <unistd.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

#define MAX_TIMEOUT_MS 5000
#define BUSY_N 512u
#define BUSY_BYTES (3u * BUSY_N * BUSY_N * 4u)

FIXTURE(dev)
{
	int fd;
	long long timeout_ms;
	uint32_t bo;
};

FIXTURE_SETUP(dev)
{
	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
	self->timeout_ms = vt_module_param("job_timeout_ms");
	if (self->timeout_ms <= 0 || self->timeout_ms > MAX_TIMEOUT_MS)
		SKIP(return, "job_timeout_ms is %lld; load vaccel with 1..%d", self->timeout_ms,
		     MAX_TIMEOUT_MS);
	ASSERT_EQ(0, vt_bo_create(self->fd, BUSY_BYTES, &self->bo));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * A command buffer that would run for at least 20 job timeouts: sized from
 * one small GEMM timed on a context of its own (which must not be the one
 * that gets banned), scaled by the flop ratio.
 */
static void build_hang(FIXTURE_DATA(dev) *self, struct vt_cmdbuf *cb, struct __test_metadata *_metadata)
{
	uint32_t cal;
	double ms;
	uint32_t reps;

	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &cal));
	ms = vt_time_gemm_ms(self->fd, cal, self->bo, 128);
	if (ms == -ETIMEDOUT)
		ms = (double)self->timeout_ms; /* a 128-GEMM alone hits the timeout */
	ASSERT_LT(0, ms);
	ms *= (double)(BUSY_N / 128) * (BUSY_N / 128) * (BUSY_N / 128);
	reps = vt_busy_reps(ms, 20.0 * (double)self->timeout_ms,
			    vt_param(self->fd, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE));
	TH_LOG("job timeout %lld ms; hang job: %u GEMMs of %u^3, about %.0f ms each",
	       self->timeout_ms, reps, BUSY_N, ms);
	vt_cb_init(cb);
	vt_busy(cb, 0, BUSY_N, reps);
	ASSERT_EQ(0, vt_ctx_destroy(self->fd, cal));
}

TEST_F_TIMEOUT(dev, hang_bans_only_the_guilty_context, 180)
{
	struct vt_cmdbuf hang, small;
	uint32_t guilty, other, other_fd_ctx, small_bo, job_error;
	uint64_t hang_seqno, behind_seqno, s;
	struct drm_vaccel_ctx_get_state st;
	int fd2;
	int64_t t0, took_ms;

	build_hang(self, &hang, _metadata);
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &guilty));
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &other));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &small_bo));
	vt_cb_init(&small);
	vt_fill(&small, 0, 0, 1024, 1.0f);
	fd2 = vt_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, vt_ctx_create(fd2, 0, 1, &other_fd_ctx));

	t0 = vt_now_ns();
	ASSERT_EQ(0, vt_submit(self->fd, guilty, 0, &hang, &self->bo, 1, &hang_seqno));
	ASSERT_EQ(0, vt_submit(self->fd, guilty, 0, &small, &small_bo, 1, &behind_seqno));
	/* Another context's job completes while (or after) the hang runs. */
	ASSERT_EQ(0, vt_submit(self->fd, other, 0, &small, &small_bo, 1, &s));
	job_error = 1;
	ASSERT_EQ(0, vt_wait(self->fd, other, 0, s, vt_deadline_ms(120000), &job_error));
	EXPECT_EQ(0, job_error);

	job_error = 0;
	ASSERT_EQ(0, vt_wait(self->fd, guilty, 0, hang_seqno, vt_deadline_ms(120000), &job_error));
	took_ms = (vt_now_ns() - t0) / 1000000;
	EXPECT_EQ(ETIMEDOUT, job_error);
	TH_LOG("the hang job ended after %lld ms with error %u", (long long)took_ms, job_error);
	/* Cancelled well before it would have finished (20 timeouts). */
	EXPECT_GT(10 * self->timeout_ms, took_ms);

	job_error = 0;
	ASSERT_EQ(0, vt_wait(self->fd, guilty, 0, behind_seqno, vt_deadline_ms(60000), &job_error));
	EXPECT_EQ(ECANCELED, job_error);

	ASSERT_EQ(0, vt_ctx_state(self->fd, guilty, &st));
	EXPECT_EQ(DRM_VACCEL_CTX_STATE_GUILTY, st.state);
	EXPECT_EQ(hang_seqno, st.fault_seqno);
	EXPECT_EQ(0, st.fault_queue);
	EXPECT_EQ(ETIMEDOUT, st.fault_error);
	EXPECT_EQ(-ECANCELED, vt_submit(self->fd, guilty, 0, &small, &small_bo, 1, &s));

	/* The others stay healthy and keep running jobs. */
	ASSERT_EQ(0, vt_ctx_state(self->fd, other, &st));
	EXPECT_EQ(DRM_VACCEL_CTX_STATE_OK, st.state);
	ASSERT_EQ(0, vt_submit(self->fd, other, 0, &small, &small_bo, 1, &s));
	job_error = 1;
	EXPECT_EQ(0, vt_wait(self->fd, other, 0, s, vt_deadline_ms(60000), &job_error));
	EXPECT_EQ(0, job_error);
	ASSERT_EQ(0, vt_ctx_state(fd2, other_fd_ctx, &st));
	EXPECT_EQ(DRM_VACCEL_CTX_STATE_OK, st.state);

	/* A banned context can still be destroyed. */
	EXPECT_EQ(0, vt_ctx_destroy(self->fd, guilty));
	close(fd2);
	vt_cb_fini(&hang);
	vt_cb_fini(&small);
}

TEST_F_TIMEOUT(dev, close_while_a_hang_runs, 120)
{
	/* The file goes away with a job the timeout must still cancel. */
	struct vt_cmdbuf hang;
	uint32_t ctx;
	uint64_t s;
	int fd;

	build_hang(self, &hang, _metadata);
	fd = vt_open();
	ASSERT_LE(0, fd);
	{
		uint32_t bo;

		ASSERT_EQ(0, vt_bo_create(fd, BUSY_BYTES, &bo));
		ASSERT_EQ(0, vt_ctx_create(fd, 0, 1, &ctx));
		ASSERT_EQ(0, vt_submit(fd, ctx, 0, &hang, &bo, 1, &s));
	}
	close(fd);
	/* The device still runs work for others. */
	{
		struct vt_cmdbuf small;
		uint32_t bo, c2, job_error = 1;

		ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bo));
		ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &c2));
		vt_cb_init(&small);
		vt_fill(&small, 0, 0, 1024, 1.0f);
		ASSERT_EQ(0, vt_submit(self->fd, c2, 0, &small, &bo, 1, &s));
		ASSERT_EQ(0, vt_wait(self->fd, c2, 0, s, vt_deadline_ms(60000), &job_error));
		EXPECT_EQ(0, job_error);
		vt_cb_fini(&small);
	}
	vt_cb_fini(&hang);
}

TEST_HARNESS_MAIN
