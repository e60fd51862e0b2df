// SPDX-License-Identifier: MIT
/*
 * emu_submit.c - queue a command buffer on the emu device.
 *
 * Order of checks, as the kernel's SUBMIT ioctl makes them: counts and sizes
 * (-E2BIG), the buffer and fence lists (-EINVAL), then the command buffer is
 * copied out of the caller's reach and validated in full (-EINVAL and
 * accel_last_error()), and only then is anything queued; a banned context
 * refuses with -ECANCELED.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Grow the job's reusable arrays to hold this submit; they never shrink. */
static int emu_job_reserve(struct emu_job *job, uint32_t cmdbuf_size, uint32_t nbufs,
			   uint32_t nfences)
{
	if (cmdbuf_size > job->cmdbuf_cap) {
		uint32_t cap = cmdbuf_size < 256 ? 256 : cmdbuf_size;
		void *p = malloc(cap);

		if (!p)
			return -ENOMEM;
		free(job->cmdbuf);
		job->cmdbuf = p;
		job->cmdbuf_cap = cap;
	}
	if (nbufs > job->bufs_cap) {
		uint32_t cap = nbufs < 8 ? 8 : nbufs;
		struct emu_buffer **b = malloc(cap * sizeof(*b));
		struct vaccel_engine_buffer *e = malloc(cap * sizeof(*e));

		if (!b || !e) {
			free(b);
			free(e);
			return -ENOMEM;
		}
		free(job->bufs);
		free(job->ebufs);
		job->bufs = b;
		job->ebufs = e;
		job->bufs_cap = cap;
	}
	if (nfences > job->deps_cap) {
		uint32_t cap = nfences < 4 ? 4 : nfences;
		struct emu_dep *d = malloc(cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		free(job->deps);
		job->deps = d;
		job->deps_cap = cap;
	}
	return 0;
}

static int emu_submit_check_lists(struct emu_device *dev, const struct accel_submit *s)
{
	if (s->cmdbuf_size > EMU_MAX_CMDBUF_SIZE) {
		accel_error_set(UINT32_MAX, "cmdbuf_size", "cmdbuf_size %u exceeds %u bytes",
				s->cmdbuf_size, EMU_MAX_CMDBUF_SIZE);
		return -E2BIG;
	}
	if (s->num_buffers > EMU_MAX_SUBMIT_BOS) {
		accel_error_set(UINT32_MAX, "num_buffers", "num_buffers %u exceeds %u",
				s->num_buffers, EMU_MAX_SUBMIT_BOS);
		return -E2BIG;
	}
	if (s->num_wait_fences > EMU_MAX_SUBMIT_SYNCS) {
		accel_error_set(UINT32_MAX, "num_wait_fences", "num_wait_fences %u exceeds %u",
				s->num_wait_fences, EMU_MAX_SUBMIT_SYNCS);
		return -E2BIG;
	}
	for (uint32_t i = 0; i < s->num_buffers; i++) {
		if (!s->buffers[i] || s->buffers[i]->dev != &dev->base) {
			accel_error_set(UINT32_MAX, "buffers",
					"buffers[%u] is %s", i,
					s->buffers[i] ? "of another device" : "NULL");
			return -EINVAL;
		}
	}
	for (uint32_t i = 0; i < s->num_wait_fences; i++) {
		const struct accel_fence *f = s->wait_fences[i];

		if (!f || f->ops != &accel_emu_ops || f->dev != &dev->base) {
			accel_error_set(UINT32_MAX, "wait_fences", "wait_fences[%u] is %s", i,
					f ? "of another device" : "NULL");
			return -EINVAL;
		}
	}
	return 0;
}

/* Give back a job that was never queued. */
static void emu_job_abandon(struct emu_device *dev, struct emu_job *job)
{
	pthread_mutex_lock(&dev->lock);
	job->next_free = dev->free_jobs;
	dev->free_jobs = job;
	pthread_mutex_unlock(&dev->lock);
}

int emu_queue_submit(struct accel_queue *base, const struct accel_submit *s,
		     struct accel_fence **fence)
{
	struct emu_queue *q = emu_queue_cast(base);
	struct emu_context *ctx = q->ctx;
	struct emu_device *dev = ctx->dev;
	struct vaccel_verror ve = { 0 };
	struct emu_job *job;
	bool wake;
	int ret;

	ret = emu_submit_check_lists(dev, s);
	if (ret)
		return ret;

	pthread_mutex_lock(&dev->lock);
	job = emu_job_alloc_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	if (!job)
		return -ENOMEM;
	ret = emu_job_reserve(job, s->cmdbuf_size, s->num_buffers, s->num_wait_fences);
	if (ret)
		goto err_abandon;

	/* Copy first: the submitter may scribble on its buffer after return,
	 * and what runs must be what was validated. */
	if (s->cmdbuf_size)
		memcpy(job->cmdbuf, s->cmdbuf, s->cmdbuf_size);
	job->cmdbuf_size = s->cmdbuf_size;
	for (uint32_t i = 0; i < s->num_buffers; i++) {
		struct emu_buffer *buf = emu_buffer_cast(s->buffers[i]);

		job->ebufs[i].ptr = buf->ptr;
		job->ebufs[i].size = buf->base.size;
	}
	ret = vaccel_validate(job->cmdbuf, job->cmdbuf_size, job->ebufs, s->num_buffers, &ve);
	if (ret) {
		accel_error_set_verror(&ve);
		goto err_abandon;
	}
	for (uint32_t i = 0; i < s->num_buffers; i++) {
		job->bufs[i] = emu_buffer_cast(s->buffers[i]);
		emu_buffer_get(job->bufs[i]);
	}
	job->nbufs = s->num_buffers;
	/* One reference for the engine, one for the caller's fence. */
	atomic_store_explicit(&job->base.refs, fence ? 2 : 1, memory_order_relaxed);

	pthread_mutex_lock(&dev->lock);
	if (ctx->state != DRM_VACCEL_CTX_STATE_OK) {
		pthread_mutex_unlock(&dev->lock);
		accel_error_set(UINT32_MAX, "", "context is banned after a fault");
		for (uint32_t i = 0; i < job->nbufs; i++)
			emu_buffer_put(job->bufs[i]);
		job->nbufs = 0;
		ret = -ECANCELED;
		goto err_abandon;
	}
	job->queue = q;
	job->seqno = ++q->seqno;
	for (uint32_t i = 0; i < s->num_wait_fences; i++) {
		struct emu_job *dep = emu_job_cast(s->wait_fences[i]);

		/* Signalling happens under this lock too: an unsignalled fence
		 * will see this node when it signals. */
		if (emu_fence_signalled(dep))
			continue;
		job->deps[job->pending] = (struct emu_dep){ .waiter = job, .next = dep->waiters };
		dep->waiters = &job->deps[job->pending];
		job->pending++;
	}
	ctx->inflight++;
	dev->inflight++;
	accel_list_add_tail(&q->jobs, &job->link);
	wake = emu_queue_kick_locked(q);
	pthread_mutex_unlock(&dev->lock);
	if (wake)
		emu_sched_wake(dev);
	if (fence)
		*fence = &job->base;
	return 0;

err_abandon:
	emu_job_abandon(dev, job);
	return ret;
}
