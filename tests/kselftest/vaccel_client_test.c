// SPDX-License-Identifier: MIT
/*
 * vaccel_client_test - what belongs to whom: a client that exits with jobs
 * in flight, a child using its parent's file after fork, two opens that
 * cannot see each other's buffers or contexts but can share a buffer through
 * PRIME, and buffers that outlive their handle or their file.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

FIXTURE(dev)
{
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* A one-packet job filling @n floats of buffer index 0 with @v; 0 or error. */
static int fill_and_wait(int fd, uint32_t ctx, uint32_t bo, uint32_t n, float v)
{
	struct vt_cmdbuf cb;
	uint32_t job_error = 0;
	uint64_t s;
	int ret;

	vt_cb_init(&cb);
	vt_fill(&cb, 0, 0, n, v);
	ret = vt_submit(fd, ctx, 0, &cb, &bo, 1, &s);
	if (!ret)
		ret = vt_wait(fd, ctx, 0, s, vt_deadline_ms(60000), &job_error);
	vt_cb_fini(&cb);
	return ret ? ret : (int)job_error;
}

static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST_F_TIMEOUT(dev, exit_with_jobs_in_flight, 180)
{
	for (int round = 0; round < 3; round++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* Own file, several queued jobs (busy GEMMs), then gone. */
			int fd = vt_open();
			uint32_t ctx, bo;
			struct vt_cmdbuf cb;
			uint64_t s;

			if (fd < 0 || vt_ctx_create(fd, 0, 2, &ctx) ||
			    vt_bo_create(fd, 3 * 256 * 256 * 4, &bo))
				_exit(1);
			vt_cb_init(&cb);
			vt_busy(&cb, 0, 256, 4);
			for (int i = 0; i < 4; i++)
				if (vt_submit(fd, ctx, i % 2, &cb, &bo, 1, &s))
					_exit(2);
			_exit(0); /* no close, no wait: the kernel cleans up */
		}
		ASSERT_EQ(0, child_status(pid));
	}
	/* The device still works for a new client. */
	{
		uint32_t ctx, bo;

		ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
		ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bo));
		EXPECT_EQ(0, fill_and_wait(self->fd, ctx, bo, 1024, 1.0f));
	}
}

TEST_F(dev, fork_after_open_child_uses_parent_file)
{
	uint32_t ctx, bo;
	float *p;
	pid_t pid;

	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bo));
	p = vt_bo_map(self->fd, bo, 4096);
	ASSERT_NE(NULL, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(fill_and_wait(self->fd, ctx, bo, 1024, 4.0f) == 0 ? 0 : 1);
	ASSERT_EQ(0, child_status(pid));
	/* Same file: the parent sees the seqno the child used and its data. */
	EXPECT_EQ(0, vt_wait(self->fd, ctx, 0, 1, 0, NULL));
	for (int i = 0; i < 1024; i++)
		ASSERT_EQ(vt_f32_bits(4.0f), vt_f32_bits(p[i]));
}

TEST_F(dev, two_clients_cannot_see_each_other)
{
	int fd2 = vt_open();
	uint32_t ctx, bo;
	uint64_t size;
	struct drm_vaccel_ctx_get_state st;
	struct drm_vaccel_bo_mmap_offset mo = { 0 };

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bo));
	/* fd2 has no buffers and no contexts at all. */
	EXPECT_EQ(-ENOENT, vt_bo_size(fd2, bo, &size));
	mo.handle = bo;
	EXPECT_EQ(-ENOENT, vt_ioctl(fd2, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &mo));
	EXPECT_EQ(-ENOENT, vt_bo_destroy(fd2, bo));
	EXPECT_EQ(-ENOENT, vt_ctx_state(fd2, ctx, &st));
	EXPECT_EQ(-ENOENT, vt_ctx_destroy(fd2, ctx));
	{
		/* Nor can it name the first client's buffer in a submit. */
		uint32_t ctx2;
		struct vt_cmdbuf cb;
		uint64_t s;

		ASSERT_EQ(0, vt_ctx_create(fd2, 0, 1, &ctx2));
		vt_cb_init(&cb);
		vt_fill(&cb, 0, 0, 16, 1.0f);
		EXPECT_EQ(-ENOENT, vt_submit(fd2, ctx2, 0, &cb, &bo, 1, &s));
		vt_cb_fini(&cb);
	}
	/* And the first client's objects are untouched. */
	EXPECT_EQ(0, vt_bo_size(self->fd, bo, &size));
	EXPECT_EQ(0, vt_ctx_state(self->fd, ctx, &st));
	close(fd2);
}

TEST_F(dev, prime_share_between_clients)
{
	int fd2 = vt_open(), dmabuf = -1;
	uint32_t bo, bo2, ctx2, mine;
	uint64_t size;
	float *p, *q;
	struct vt_cmdbuf cb;
	struct vaccel_pkt_copy c = { .hdr.opcode = VACCEL_OP_COPY };
	uint32_t bos[2], job_error = 1;
	uint64_t s;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, vt_bo_create(self->fd, 8192, &bo));
	p = vt_bo_map(self->fd, bo, 8192);
	ASSERT_NE(NULL, p);
	for (int i = 0; i < 2048; i++)
		p[i] = (float)i;
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, bo, DRM_CLOEXEC | DRM_RDWR, &dmabuf));
	ASSERT_EQ(0, drmPrimeFDToHandle(fd2, dmabuf, &bo2));
	close(dmabuf);
	ASSERT_EQ(0, vt_bo_size(fd2, bo2, &size));
	EXPECT_EQ(8192, size);

	/* Client 2 reads the shared buffer on the engine into its own... */
	ASSERT_EQ(0, vt_bo_create(fd2, 8192, &mine));
	ASSERT_EQ(0, vt_ctx_create(fd2, 0, 1, &ctx2));
	bos[0] = mine, bos[1] = bo2;
	vt_cb_init(&cb);
	c.dst = vt_tensor1(0, 0, 2048);
	c.src = vt_tensor1(1, 0, 2048);
	vt_cb_add(&cb, &c, sizeof(c));
	/* ...and writes the shared one: the first half becomes -1. */
	vt_fill(&cb, 1, 0, 1024, -1.0f);
	ASSERT_EQ(0, vt_submit(fd2, ctx2, 0, &cb, bos, 2, &s));
	ASSERT_EQ(0, vt_wait(fd2, ctx2, 0, s, vt_deadline_ms(60000), &job_error));
	EXPECT_EQ(0, job_error);
	q = vt_bo_map(fd2, mine, 8192);
	ASSERT_NE(NULL, q);
	for (int i = 0; i < 2048; i++)
		ASSERT_EQ(vt_f32_bits((float)i), vt_f32_bits(q[i]));
	/* The exporter's mapping sees what the importer's job wrote. */
	for (int i = 0; i < 2048; i++)
		ASSERT_EQ(vt_f32_bits(i < 1024 ? -1.0f : (float)i), vt_f32_bits(p[i]));
	/* Re-importing the same dma-buf gives the same handle. */
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, bo, DRM_CLOEXEC, &dmabuf));
	{
		uint32_t again;

		ASSERT_EQ(0, drmPrimeFDToHandle(fd2, dmabuf, &again));
		EXPECT_EQ(bo2, again);
	}
	close(dmabuf);
	vt_cb_fini(&cb);
	close(fd2);
}

TEST_F(dev, destroy_buffer_with_job_queued)
{
	/* The job keeps its buffers: destroying the handle right after submit is safe. */
	uint32_t ctx, busy, out, bos[2], job_error = 1;
	struct vt_cmdbuf cb;
	uint64_t s;
	float *p;

	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, 3 * 256 * 256 * 4, &busy));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &out));
	p = vt_bo_map(self->fd, out, 4096);
	ASSERT_NE(NULL, p);
	bos[0] = busy, bos[1] = out;
	vt_cb_init(&cb);
	vt_busy(&cb, 0, 256, 2);
	vt_fill(&cb, 1, 0, 1024, 5.0f);
	ASSERT_EQ(0, vt_submit(self->fd, ctx, 0, &cb, bos, 2, &s));
	EXPECT_EQ(0, vt_bo_destroy(self->fd, busy));
	EXPECT_EQ(0, vt_bo_destroy(self->fd, out));
	ASSERT_EQ(0, vt_wait(self->fd, ctx, 0, s, vt_deadline_ms(60000), &job_error));
	EXPECT_EQ(0, job_error);
	/* The mapping outlived the handle and shows the job's result. */
	for (int i = 0; i < 1024; i++)
		ASSERT_EQ(vt_f32_bits(5.0f), vt_f32_bits(p[i]));
	vt_cb_fini(&cb);
}

TEST_F(dev, mapping_outlives_the_file)
{
	uint32_t ctx, bo;
	float *p;

	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, 4096, &bo));
	p = vt_bo_map(self->fd, bo, 4096);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, fill_and_wait(self->fd, ctx, bo, 1024, 6.0f));
	close(self->fd);
	self->fd = -1;
	for (int i = 0; i < 1024; i++)
		ASSERT_EQ(vt_f32_bits(6.0f), vt_f32_bits(p[i]));
	p[0] = 1.0f; /* still writable */
	EXPECT_EQ(0, munmap(p, 4096));
}

TEST_HARNESS_MAIN
