// SPDX-License-Identifier: MIT
/*
 * vaccel_priority_test - "a job of a higher-priority context is always
 * picked before one of a lower" (vaccel_drm.h, struct drm_vaccel_ctx_create).
 *
 * With one engine (the VM harness loads vaccel with num_engines=1 for this
 * test), a busy low-priority job holds the engine while a second low-priority
 * job and then one job per higher priority are queued. When the engine frees,
 * the queued jobs must start from the highest priority down, whatever their
 * submission order: each job stamps the engine clock (TIMESTAMP) first thing.
 */
#include <stdint.h>
#include <unistd.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

#define BUSY_N 256u

FIXTURE(dev)
{
	int fd;
	uint64_t nprio;
};

FIXTURE_SETUP(dev)
{
	long long engines;

	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
	engines = vt_module_param("num_engines");
	if (vt_param(self->fd, DRM_VACCEL_PARAM_NUM_ENGINES) != 1)
		SKIP(return, "needs vaccel loaded with num_engines=1 (it has %lld)", engines);
	self->nprio = vt_param(self->fd, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	if (self->nprio < 2)
		SKIP(return, "one priority level only");
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, higher_priority_starts_first)
{
	uint32_t busy_bo, ts_bo, low, ctx[16], bos[2];
	struct vt_cmdbuf busy, stamp[17];
	struct vaccel_pkt_timestamp t = { .hdr.opcode = VACCEL_OP_TIMESTAMP, .buf = 1 };
	uint64_t *ts, s, last[17];
	uint32_t np = (uint32_t)(self->nprio < 16 ? self->nprio : 16);
	double ms;

	ASSERT_EQ(0, vt_bo_create(self->fd, 3 * BUSY_N * BUSY_N * 4, &busy_bo));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &ts_bo));
	ts = vt_bo_map(self->fd, ts_bo, 4096);
	ASSERT_NE(NULL, ts);
	bos[0] = busy_bo, bos[1] = ts_bo;
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &low));
	for (uint32_t p = 0; p < np; p++)
		ASSERT_EQ(0, vt_ctx_create(self->fd, p, 1, &ctx[p]));
	ms = vt_time_gemm_ms(self->fd, low, busy_bo, BUSY_N);
	ASSERT_LT(0, ms);
	vt_cb_init(&busy);
	vt_busy(&busy, 0, BUSY_N, vt_busy_reps(ms, 1000.0, 1 << 20));

	/* Slot 0: the low job queued behind the busy one; slot 1 + p: priority p. */
	for (uint32_t i = 0; i <= np; i++) {
		vt_cb_init(&stamp[i]);
		t.offset = 8 * i;
		vt_cb_add(&stamp[i], &t, sizeof(t));
	}
	ASSERT_EQ(0, vt_submit(self->fd, low, 0, &busy, bos, 2, &s));
	ASSERT_EQ(0, vt_submit(self->fd, low, 0, &stamp[0], bos, 2, &last[0]));
	for (uint32_t p = 0; p < np; p++)
		ASSERT_EQ(0, vt_submit(self->fd, ctx[p], 0, &stamp[1 + p], bos, 2, &last[1 + p]));
	/* The busy job must still be running, or the order proves nothing. */
	ASSERT_EQ(-ETIME, vt_wait(self->fd, low, 0, s, 0, NULL));
	ASSERT_EQ(0, vt_wait(self->fd, low, 0, last[0], vt_deadline_ms(60000), NULL));
	for (uint32_t p = 0; p < np; p++)
		ASSERT_EQ(0, vt_wait(self->fd, ctx[p], 0, last[1 + p], vt_deadline_ms(60000), NULL));
	for (uint32_t p = 1; p < np; p++) {
		TH_LOG("priority %u started at %llu, priority %u at %llu", p,
		       (unsigned long long)ts[1 + p], p - 1, (unsigned long long)ts[p]);
		EXPECT_LT(ts[1 + p], ts[p]);
	}
	/* The highest priority started before the earlier-queued low job too. */
	EXPECT_LT(ts[np], ts[0]);
	for (uint32_t i = 0; i <= np; i++)
		vt_cb_fini(&stamp[i]);
	vt_cb_fini(&busy);
}

TEST_HARNESS_MAIN
