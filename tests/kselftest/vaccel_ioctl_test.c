// SPDX-License-Identifier: MIT
/*
 * vaccel_ioctl_test - every vaccel ioctl's happy path, then one negative test
 * per invalid field, each asserting the exact errno that
 * include/uapi/drm/vaccel_drm.h and Documentation/uapi.rst promise.
 *
 * Each negative test starts from a fully valid argument and breaks exactly
 * one field, so the errno can only come from that field.
 */
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

#define BO_SIZE 4096u

FIXTURE(dev)
{
	int fd;
	uint32_t ctx;
	uint32_t bo;
	struct vt_cmdbuf cb; /* one FILL of the whole of bo (buffer index 0) */
	struct drm_vaccel_submit submit; /* a valid submit of cb */
	uint32_t bos[1];
};

FIXTURE_SETUP(dev)
{
	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 2, &self->ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, BO_SIZE, &self->bo));
	vt_cb_init(&self->cb);
	vt_fill(&self->cb, 0, 0, BO_SIZE / 4, 2.5f);
	self->bos[0] = self->bo;
	self->submit = (struct drm_vaccel_submit){
		.cmdbuf_ptr = (uintptr_t)self->cb.data,
		.cmdbuf_size = self->cb.size,
		.ctx_id = self->ctx,
		.bo_handles_ptr = (uintptr_t)self->bos,
		.bo_count = 1,
	};
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
	vt_cb_fini(&self->cb);
}

static int do_submit(FIXTURE_DATA(dev) *self)
{
	return vt_ioctl(self->fd, DRM_IOCTL_VACCEL_SUBMIT, &self->submit);
}

/* ---- GET_PARAM ---- */

TEST_F(dev, get_param_every_param)
{
	for (uint32_t p = 0; p < DRM_VACCEL_PARAM_COUNT; p++) {
		uint64_t v;

		EXPECT_EQ(0, vt_get_param(self->fd, p, &v));
	}
	EXPECT_EQ(VACCEL_ABI_VERSION_MAJOR, vt_param(self->fd, DRM_VACCEL_PARAM_ABI_VERSION_MAJOR));
	EXPECT_LE(VACCEL_ABI_VERSION_MINOR, vt_param(self->fd, DRM_VACCEL_PARAM_ABI_VERSION_MINOR));
	EXPECT_EQ(VACCEL_ISA_VERSION_MAJOR,
		  vt_param(self->fd, DRM_VACCEL_PARAM_ISA_VERSION) >> 16);
	EXPECT_NE(0, vt_param(self->fd, DRM_VACCEL_PARAM_CAPS) & DRM_VACCEL_CAP_FP32);
	EXPECT_NE(0, vt_param(self->fd, DRM_VACCEL_PARAM_CAPS) & DRM_VACCEL_CAP_SYNCOBJ);
	EXPECT_NE(0, vt_param(self->fd, DRM_VACCEL_PARAM_CAPS) & DRM_VACCEL_CAP_PRIME);
	EXPECT_NE(0, vt_param(self->fd, DRM_VACCEL_PARAM_CAPS) & DRM_VACCEL_CAP_JOB_TIMEOUT);
	EXPECT_LE(1, vt_param(self->fd, DRM_VACCEL_PARAM_NUM_ENGINES));
	EXPECT_LE(1, vt_param(self->fd, DRM_VACCEL_PARAM_NUM_PRIORITIES));
	EXPECT_LE(1, vt_param(self->fd, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX));
	EXPECT_LE(BO_SIZE, vt_param(self->fd, DRM_VACCEL_PARAM_MAX_BO_SIZE));
	EXPECT_LE(4096, vt_param(self->fd, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE));
	EXPECT_LE(1, vt_param(self->fd, DRM_VACCEL_PARAM_MAX_SUBMIT_BOS));
	EXPECT_LE(1, vt_param(self->fd, DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS));
}

TEST_F(dev, get_param_unknown_param)
{
	struct drm_vaccel_get_param a = { .param = DRM_VACCEL_PARAM_COUNT };

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_GET_PARAM, &a));
	a.param = 0xffffffffu;
	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_GET_PARAM, &a));
}

TEST_F(dev, get_param_pad)
{
	struct drm_vaccel_get_param a = { .param = DRM_VACCEL_PARAM_CAPS, .pad = 1 };

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_GET_PARAM, &a));
}

/* ---- BO_CREATE / BO_INFO / BO_MMAP_OFFSET / BO_DESTROY ---- */

TEST_F(dev, bo_create_rounds_to_page)
{
	uint32_t h;
	uint64_t size;
	struct drm_vaccel_bo_info info = { 0 };

	ASSERT_EQ(0, vt_bo_create(self->fd, 1, &h));
	EXPECT_NE(0, h);
	EXPECT_NE(self->bo, h);
	ASSERT_EQ(0, vt_bo_size(self->fd, h, &size));
	EXPECT_EQ(sysconf(_SC_PAGESIZE), size);
	info.handle = h;
	ASSERT_EQ(0, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_INFO, &info));
	EXPECT_EQ(0, info.flags);
	ASSERT_EQ(0, vt_bo_create(self->fd, 3 * 4096 + 5, &h));
	ASSERT_EQ(0, vt_bo_size(self->fd, h, &size));
	EXPECT_EQ(4 * 4096, size);
}

TEST_F(dev, bo_mmap_is_zeroed_and_writable)
{
	uint32_t *p = vt_bo_map(self->fd, self->bo, BO_SIZE);
	struct drm_vaccel_bo_mmap_offset a = { .handle = self->bo };

	ASSERT_NE(NULL, p);
	for (uint32_t i = 0; i < BO_SIZE / 4; i++)
		ASSERT_EQ(0, p[i]);
	p[7] = 0xdeadbeef;
	ASSERT_EQ(0, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &a));
	EXPECT_EQ(0, a.offset % 4096);
	/* A second mapping of the same buffer sees the first one's write. */
	{
		uint32_t *q = vt_bo_map(self->fd, self->bo, BO_SIZE);

		ASSERT_NE(NULL, q);
		EXPECT_EQ(0xdeadbeef, q[7]);
		munmap(q, BO_SIZE);
	}
	munmap(p, BO_SIZE);
}

TEST_F(dev, bo_destroy_then_unknown)
{
	uint64_t size;

	ASSERT_EQ(0, vt_bo_destroy(self->fd, self->bo));
	EXPECT_EQ(-ENOENT, vt_bo_size(self->fd, self->bo, &size));
	EXPECT_EQ(-ENOENT, vt_bo_destroy(self->fd, self->bo));
}

TEST_F(dev, bo_create_size_zero)
{
	uint32_t h;

	EXPECT_EQ(-EINVAL, vt_bo_create(self->fd, 0, &h));
}

TEST_F(dev, bo_create_size_above_max)
{
	uint64_t max = vt_param(self->fd, DRM_VACCEL_PARAM_MAX_BO_SIZE);
	uint32_t h;

	ASSERT_NE(UINT64_MAX, max);
	EXPECT_EQ(-EINVAL, vt_bo_create(self->fd, max + 1, &h));
	EXPECT_EQ(-EINVAL, vt_bo_create(self->fd, UINT64_MAX, &h));
}

TEST_F(dev, bo_create_flags)
{
	struct drm_vaccel_bo_create a = { .size = 4096, .flags = 1 };

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_CREATE, &a));
	a.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_CREATE, &a));
}

TEST_F(dev, bo_info_bad_handle)
{
	uint64_t size;

	EXPECT_EQ(-ENOENT, vt_bo_size(self->fd, self->bo + 1000, &size));
	EXPECT_EQ(-ENOENT, vt_bo_size(self->fd, 0, &size));
}

TEST_F(dev, bo_mmap_offset_bad_handle)
{
	struct drm_vaccel_bo_mmap_offset a = { .handle = self->bo + 1000 };

	EXPECT_EQ(-ENOENT, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &a));
}

TEST_F(dev, bo_mmap_offset_pad)
{
	struct drm_vaccel_bo_mmap_offset a = { .handle = self->bo, .pad = 1 };

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &a));
}

TEST_F(dev, bo_destroy_bad_handle)
{
	EXPECT_EQ(-ENOENT, vt_bo_destroy(self->fd, self->bo + 1000));
}

TEST_F(dev, bo_destroy_pad)
{
	struct drm_vaccel_bo_destroy a = { .handle = self->bo, .pad = 1 };
	uint64_t size;

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_BO_DESTROY, &a));
	/* Refused means refused: the buffer is still there. */
	EXPECT_EQ(0, vt_bo_size(self->fd, self->bo, &size));
}

/* ---- CTX_CREATE / CTX_DESTROY / CTX_GET_STATE ---- */

TEST_F(dev, ctx_create_every_priority_and_queue_count)
{
	uint64_t nprio = vt_param(self->fd, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	uint64_t maxq = vt_param(self->fd, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	uint32_t ids[64];
	uint32_t n = 0;

	ASSERT_GE(16, nprio);
	ASSERT_GE(16, maxq);
	for (uint32_t p = 0; p < nprio; p++) {
		ASSERT_EQ(0, vt_ctx_create(self->fd, p, 1, &ids[n++]));
		ASSERT_EQ(0, vt_ctx_create(self->fd, p, (uint32_t)maxq, &ids[n++]));
	}
	for (uint32_t i = 0; i < n; i++) {
		EXPECT_NE(0, ids[i]);
		EXPECT_NE(self->ctx, ids[i]);
		for (uint32_t j = 0; j < i; j++)
			EXPECT_NE(ids[j], ids[i]);
	}
	for (uint32_t i = 0; i < n; i++)
		EXPECT_EQ(0, vt_ctx_destroy(self->fd, ids[i]));
}

TEST_F(dev, ctx_get_state_fresh_is_ok)
{
	struct drm_vaccel_ctx_get_state st;

	ASSERT_EQ(0, vt_ctx_state(self->fd, self->ctx, &st));
	EXPECT_EQ(DRM_VACCEL_CTX_STATE_OK, st.state);
	EXPECT_EQ(0, st.fault_seqno);
	EXPECT_EQ(0, st.fault_error);
}

TEST_F(dev, ctx_destroy_then_unknown)
{
	struct drm_vaccel_ctx_get_state st;

	ASSERT_EQ(0, vt_ctx_destroy(self->fd, self->ctx));
	EXPECT_EQ(-ENOENT, vt_ctx_state(self->fd, self->ctx, &st));
	EXPECT_EQ(-ENOENT, vt_ctx_destroy(self->fd, self->ctx));
	EXPECT_EQ(-ENOENT, do_submit(self));
}

TEST_F(dev, ctx_id_never_zero_after_all_were_destroyed)
{
	/* Empty the client's context table, then fill it again. */
	uint32_t ids[4];

	ASSERT_EQ(0, vt_ctx_destroy(self->fd, self->ctx));
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4; i++) {
			ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ids[i]));
			EXPECT_NE(0, ids[i]);
		}
		for (int i = 0; i < 4; i++)
			ASSERT_EQ(0, vt_ctx_destroy(self->fd, ids[i]));
	}
}

TEST_F(dev, ctx_destroy_of_id_zero_leaves_zero_unused)
{
	/* Id 0 is never a context: refusing it must not make it allocatable. */
	uint32_t id;
	struct drm_vaccel_ctx_get_state st;

	EXPECT_EQ(-ENOENT, vt_ctx_destroy(self->fd, 0));
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &id));
		EXPECT_NE(0, id);
	}
	EXPECT_EQ(-ENOENT, vt_ctx_state(self->fd, 0, &st));
}

TEST_F(dev, ctx_create_bad_priority)
{
	uint64_t nprio = vt_param(self->fd, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	uint32_t id;

	EXPECT_EQ(-EINVAL, vt_ctx_create(self->fd, (uint32_t)nprio, 1, &id));
	EXPECT_EQ(-EINVAL, vt_ctx_create(self->fd, 0xffffffffu, 1, &id));
}

TEST_F(dev, ctx_create_bad_num_queues)
{
	uint64_t maxq = vt_param(self->fd, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	uint32_t id;

	EXPECT_EQ(-EINVAL, vt_ctx_create(self->fd, 0, 0, &id));
	EXPECT_EQ(-EINVAL, vt_ctx_create(self->fd, 0, (uint32_t)maxq + 1, &id));
	EXPECT_EQ(-EINVAL, vt_ctx_create(self->fd, 0, 0xffffffffu, &id));
}

TEST_F(dev, ctx_create_flags)
{
	struct drm_vaccel_ctx_create a = { .priority = 0, .num_queues = 1, .flags = 1 };

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_CTX_CREATE, &a));
}

TEST_F(dev, ctx_destroy_bad_id)
{
	EXPECT_EQ(-ENOENT, vt_ctx_destroy(self->fd, self->ctx + 1000));
	EXPECT_EQ(-ENOENT, vt_ctx_destroy(self->fd, 0));
}

TEST_F(dev, ctx_destroy_pad)
{
	struct drm_vaccel_ctx_destroy a = { .ctx_id = self->ctx, .pad = 1 };
	struct drm_vaccel_ctx_get_state st;

	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_CTX_DESTROY, &a));
	EXPECT_EQ(0, vt_ctx_state(self->fd, self->ctx, &st));
}

TEST_F(dev, ctx_get_state_bad_id)
{
	struct drm_vaccel_ctx_get_state st;

	EXPECT_EQ(-ENOENT, vt_ctx_state(self->fd, self->ctx + 1000, &st));
}

/* ---- SUBMIT / WAIT ---- */

TEST_F(dev, submit_and_wait_runs_the_job)
{
	float *p = vt_bo_map(self->fd, self->bo, BO_SIZE);
	uint32_t job_error = 1234;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, do_submit(self));
	EXPECT_EQ(1, self->submit.seqno);
	ASSERT_EQ(0, vt_wait(self->fd, self->ctx, 0, 1, vt_deadline_ms(30000), &job_error));
	EXPECT_EQ(0, job_error);
	for (uint32_t i = 0; i < BO_SIZE / 4; i++)
		ASSERT_EQ(vt_f32_bits(2.5f), vt_f32_bits(p[i]));
	munmap(p, BO_SIZE);
}

TEST_F(dev, submit_seqnos_count_per_queue)
{
	uint64_t s;

	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->cb, self->bos, 1, &s));
	EXPECT_EQ(1, s);
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->cb, self->bos, 1, &s));
	EXPECT_EQ(2, s);
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 1, &self->cb, self->bos, 1, &s));
	EXPECT_EQ(1, s);
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, 2, vt_deadline_ms(30000), NULL));
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 1, 1, vt_deadline_ms(30000), NULL));
	/* A finished seqno can be waited for again. */
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, 1, 0, NULL));
}

TEST_F(dev, submit_empty_cmdbuf)
{
	struct vt_cmdbuf empty;
	uint64_t s;

	vt_cb_init(&empty);
	EXPECT_EQ(0, vt_submit(self->fd, self->ctx, 0, &empty, NULL, 0, &s));
	EXPECT_EQ(0, vt_wait(self->fd, self->ctx, 0, s, vt_deadline_ms(30000), NULL));
	vt_cb_fini(&empty);
}

TEST_F(dev, submit_bad_ctx)
{
	self->submit.ctx_id = self->ctx + 1000;
	EXPECT_EQ(-ENOENT, do_submit(self));
	self->submit.ctx_id = 0;
	EXPECT_EQ(-ENOENT, do_submit(self));
}

TEST_F(dev, submit_bad_bo_handle)
{
	self->bos[0] = self->bo + 1000;
	EXPECT_EQ(-ENOENT, do_submit(self));
}

TEST_F(dev, submit_bad_queue)
{
	self->submit.queue = 2;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_pad)
{
	self->submit.pad = 1;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_flags)
{
	self->submit.flags = 1;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_cmdbuf_too_big)
{
	uint64_t max = vt_param(self->fd, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE);

	ASSERT_LT(max, 0xfffffff0u);
	self->submit.cmdbuf_size = (uint32_t)max + 8;
	EXPECT_EQ(-E2BIG, do_submit(self));
}

TEST_F(dev, submit_bo_count_too_big)
{
	uint64_t max = vt_param(self->fd, DRM_VACCEL_PARAM_MAX_SUBMIT_BOS);

	ASSERT_LT(max, 0xffffffffu);
	self->submit.bo_count = (uint32_t)max + 1;
	EXPECT_EQ(-E2BIG, do_submit(self));
}

TEST_F(dev, submit_in_sync_count_too_big)
{
	uint64_t max = vt_param(self->fd, DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS);

	ASSERT_LT(max, 0xffffffffu);
	self->submit.in_sync_count = (uint32_t)max + 1;
	EXPECT_EQ(-E2BIG, do_submit(self));
}

TEST_F(dev, submit_cmdbuf_size_not_multiple_of_8)
{
	self->submit.cmdbuf_size -= 4;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_cmdbuf_bad_magic)
{
	((struct vaccel_cmdbuf_header *)self->cb.data)->magic ^= 1;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_cmdbuf_unreadable)
{
	self->submit.cmdbuf_ptr = 8; /* the first page is never mapped */
	EXPECT_EQ(-EFAULT, do_submit(self));
}

TEST_F(dev, submit_unknown_opcode)
{
	struct vaccel_pkt_header *h =
		(void *)(self->cb.data + sizeof(struct vaccel_cmdbuf_header));

	h->opcode = VACCEL_OP_COUNT;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_operand_offset_out_of_range)
{
	struct vaccel_pkt_fill *f =
		(void *)(self->cb.data + sizeof(struct vaccel_cmdbuf_header));

	/* The fill covers the buffer exactly; one element further is outside. */
	f->dst.offset = 4;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_operand_buffer_index_past_bo_count)
{
	struct vaccel_pkt_fill *f =
		(void *)(self->cb.data + sizeof(struct vaccel_cmdbuf_header));

	f->dst.buf = 1; /* bo_count is 1 */
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_no_buffers_for_an_operand)
{
	self->submit.bo_count = 0;
	EXPECT_EQ(-EINVAL, do_submit(self));
}

TEST_F(dev, submit_bad_in_syncobj)
{
	uint32_t sync = 0x7fff;

	self->submit.in_syncs_ptr = (uintptr_t)&sync;
	self->submit.in_sync_count = 1;
	EXPECT_EQ(-ENOENT, do_submit(self));
}

TEST_F(dev, submit_bad_out_syncobj)
{
	self->submit.out_sync = 0x7fff;
	EXPECT_EQ(-ENOENT, do_submit(self));
}

TEST_F(dev, submit_refused_queues_nothing)
{
	uint64_t s;

	self->submit.pad = 1;
	ASSERT_EQ(-EINVAL, do_submit(self));
	/* The refused submit took no seqno. */
	ASSERT_EQ(0, vt_submit(self->fd, self->ctx, 0, &self->cb, self->bos, 1, &s));
	EXPECT_EQ(1, s);
	EXPECT_EQ(-EINVAL, vt_wait(self->fd, self->ctx, 0, 2, 0, NULL));
}

TEST_F(dev, wait_bad_ctx)
{
	ASSERT_EQ(0, do_submit(self));
	EXPECT_EQ(-ENOENT, vt_wait(self->fd, self->ctx + 1000, 0, 1, 0, NULL));
}

TEST_F(dev, wait_seqno_never_returned)
{
	EXPECT_EQ(-EINVAL, vt_wait(self->fd, self->ctx, 0, 1, 0, NULL));
	ASSERT_EQ(0, do_submit(self));
	EXPECT_EQ(-EINVAL, vt_wait(self->fd, self->ctx, 0, 2, 0, NULL));
	EXPECT_EQ(-EINVAL, vt_wait(self->fd, self->ctx, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, vt_wait(self->fd, self->ctx, 1, 1, 0, NULL));
}

TEST_F(dev, wait_bad_queue)
{
	ASSERT_EQ(0, do_submit(self));
	EXPECT_EQ(-EINVAL, vt_wait(self->fd, self->ctx, 2, 1, 0, NULL));
}

TEST_F(dev, wait_flags)
{
	struct drm_vaccel_wait a = {
		.ctx_id = self->ctx, .queue = 0, .seqno = 1, .flags = 1,
		.timeout_ns = vt_deadline_ms(30000),
	};

	ASSERT_EQ(0, do_submit(self));
	EXPECT_EQ(-EINVAL, vt_ioctl(self->fd, DRM_IOCTL_VACCEL_WAIT, &a));
}

/* ---- ioctls that do not exist ---- */

TEST_F(dev, unknown_driver_ioctl)
{
	struct drm_vaccel_get_param a = { 0 };
	/* The first driver ioctl number after DRM_VACCEL_WAIT, and the last one. */
	unsigned long next = DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_WAIT + 1,
				      struct drm_vaccel_get_param);
	unsigned long last = DRM_IOWR(DRM_COMMAND_END - 1, struct drm_vaccel_get_param);

	EXPECT_EQ(-ENOTTY, vt_ioctl(self->fd, next, &a));
	EXPECT_EQ(-ENOTTY, vt_ioctl(self->fd, last, &a));
}

TEST_F(dev, foreign_ioctl_type)
{
	uint64_t v = 0;

	EXPECT_EQ(-ENOTTY, vt_ioctl(self->fd, _IOWR('x', 0x41, uint64_t), &v));
}

TEST_HARNESS_MAIN
