// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_job.c - SUBMIT and WAIT: jobs from the ioctl to the scheduler and
 * back, and each queue's seqno history.
 */
#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/fpu/api.h>

#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>

#include "vaccel_ctx.h"
#include "vaccel_drv.h"
#include "vaccel_engine.h"
#include "vaccel_job.h"
#include "vaccel_sched.h"

/**
 * DOC: vaccel seqnos and job errors
 *
 * Each queue numbers its jobs 1, 2, 3, ... under its submit lock, which
 * also covers arming and pushing the job, so seqno order is execution
 * order. Until a job is retired (its scheduler job freed, shortly after it
 * ends) the queue's ``fences`` xarray maps its seqno to its finished fence,
 * and WAIT waits on that fence and reads its error. Retiring removes the
 * entry; if the job failed, its seqno is first added to the queue's error
 * ranges: runs of consecutive seqnos that ended with the same errno. A
 * retired seqno in no range succeeded. The history is exact because a failed
 * job bans its context: after the first failure every job of the queue that
 * had not started ends with ECANCELED and new submits are refused, so a
 * queue has at most a couple of ranges (the failing job, then the cancelled
 * run). Four are kept; should a fifth ever be needed the oldest is dropped.
 */

static void vaccel_queue_record_error(struct vaccel_queue *q, u64 seqno, u32 error)
{
	struct vaccel_err_range *last = q->nerrors ? &q->errors[q->nerrors - 1] : NULL;

	lockdep_assert_held(&q->lock);
	if (last && last->error == error && last->last + 1 == seqno) {
		last->last = seqno;
		return;
	}
	if (q->nerrors == VACCEL_ERR_RANGES) {
		memmove(&q->errors[0], &q->errors[1], sizeof(q->errors[0]) * (VACCEL_ERR_RANGES - 1));
		q->nerrors--;
	}
	q->errors[q->nerrors++] = (struct vaccel_err_range){ seqno, seqno, error };
}

static u32 vaccel_queue_retired_error_locked(struct vaccel_queue *q, u64 seqno)
{
	unsigned int i;

	lockdep_assert_held(&q->lock);
	for (i = 0; i < q->nerrors; i++)
		if (seqno >= q->errors[i].first && seqno <= q->errors[i].last)
			return q->errors[i].error;
	return 0;
}

static void vaccel_queue_retire(struct vaccel_queue *q, u64 seqno, int error)
{
	struct dma_fence *fence;

	spin_lock(&q->lock);
	if (error)
		vaccel_queue_record_error(q, seqno, -error);
	fence = xa_erase(&q->fences, seqno);
	if (seqno > q->retired_seqno)
		q->retired_seqno = seqno;
	spin_unlock(&q->lock);
	atomic_dec(&q->inflight);
	if (fence)
		dma_fence_put(fence);
}

/* Resources a job holds from allocation on; safe on a partly built job. */
static void vaccel_job_release(struct vaccel_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++)
		if (job->bos[i])
			drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	kvfree(job->ebufs);
	kvfree(job->maps);
	kvfree(job->cmdbuf);
	if (job->fence_inited)
		dma_fence_put(&job->fence->base);
	else
		kfree(job->fence);
	if (job->ctx)
		vaccel_ctx_put(job->ctx);
	if (job->vfile)
		vaccel_file_put(job->vfile);
	kfree(job);
}

/**
 * vaccel_job_free() - drm_sched free_job: retire a job that was pushed.
 * @job: the job, its finished fence signalled.
 */
void vaccel_job_free(struct vaccel_job *job)
{
	struct vaccel_device *vdev = job->vdev;

	/* Never handed to an engine: discarded with a killed client's queue. */
	if (!job->fence_inited)
		atomic64_inc(&vdev->stat_cancelled);
	vaccel_queue_retire(job->queue, job->seqno, job->base.s_fence->finished.error);
	drm_sched_job_cleanup(&job->base);
	vaccel_job_release(job);
	if (atomic_dec_and_test(&vdev->jobs_inflight))
		wake_up_all(&vdev->jobs_idle);
}

static int vaccel_submit_check_args(const struct drm_vaccel_submit *args)
{
	if (args->flags & ~DRM_VACCEL_SUBMIT_FLAGS || args->pad)
		return -EINVAL;
	if (args->cmdbuf_size > VACCEL_MAX_CMDBUF_SIZE)
		return -E2BIG;
	if (!args->cmdbuf_size || args->cmdbuf_size % 8)
		return -EINVAL;
	if (args->bo_count > VACCEL_MAX_SUBMIT_BOS || args->in_sync_count > VACCEL_MAX_SUBMIT_SYNCS)
		return -E2BIG;
	return 0;
}

static void vaccel_submit_report(struct vaccel_device *vdev, const struct vaccel_verror *ve)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);

	if (!__ratelimit(&rs))
		return;
	if (ve->packet == VACCEL_VERR_HEADER)
		vaccel_dbg(vdev, "command buffer refused (%d): header field %s: %s\n", ve->err,
			   ve->field, ve->reason);
	else
		vaccel_dbg(vdev, "command buffer refused (%d): packet %u (%s, offset %u) field %s: %s\n",
			   ve->err, ve->packet, vaccel_opcode_name(ve->opcode), ve->offset,
			   ve->field, ve->reason);
}

/* Copy, look up buffers and validate: everything that needs no scheduler. */
static int vaccel_submit_prepare(struct vaccel_job *job, const struct drm_vaccel_submit *args,
				 struct drm_file *file)
{
	struct vaccel_verror ve = { 0 };
	u32 i;
	int ret;

	job->cmdbuf = kvmalloc(args->cmdbuf_size, GFP_KERNEL);
	if (!job->cmdbuf)
		return -ENOMEM;
	if (copy_from_user(job->cmdbuf, u64_to_user_ptr(args->cmdbuf_ptr), args->cmdbuf_size))
		return -EFAULT;
	job->cmdbuf_size = args->cmdbuf_size;

	if (args->bo_count) {
		job->ebufs = kvcalloc(args->bo_count, sizeof(*job->ebufs), GFP_KERNEL);
		job->maps = kvcalloc(args->bo_count, sizeof(*job->maps), GFP_KERNEL);
		if (!job->ebufs || !job->maps)
			return -ENOMEM;
		/* -ENOENT for an unknown handle. On failure too, the objects
		 * found before it are referenced: the release puts them. */
		ret = drm_gem_objects_lookup(file, u64_to_user_ptr(args->bo_handles_ptr),
					     args->bo_count, &job->bos);
		if (job->bos)
			job->bo_count = args->bo_count;
		if (ret)
			return ret;
		for (i = 0; i < job->bo_count; i++)
			job->ebufs[i].size = job->bos[i]->size;
	}

	/* The validator is compiled with SSE like the executor and may use
	 * vector registers, so it runs in an FPU section too. */
	kernel_fpu_begin();
	ret = vaccel_validate(job->cmdbuf, job->cmdbuf_size, job->ebufs, job->bo_count, &ve);
	kernel_fpu_end();
	if (ret)
		vaccel_submit_report(job->vdev, &ve);
	return ret;
}

static int vaccel_submit_add_deps(struct vaccel_job *job, const struct drm_vaccel_submit *args,
				  struct drm_file *file)
{
	u32 *handles;
	u32 i;
	int ret = 0;

	if (!args->in_sync_count)
		return 0;
	handles = kmalloc_array(args->in_sync_count, sizeof(*handles), GFP_KERNEL);
	if (!handles)
		return -ENOMEM;
	if (copy_from_user(handles, u64_to_user_ptr(args->in_syncs_ptr),
			   args->in_sync_count * sizeof(*handles))) {
		ret = -EFAULT;
		goto out_free;
	}
	for (i = 0; i < args->in_sync_count; i++) {
		struct dma_fence *fence;

		/* -ENOENT for an unknown syncobj, -EINVAL for one with no fence. */
		ret = drm_syncobj_find_fence(file, handles[i], 0, 0, &fence);
		if (ret)
			goto out_free;
		/* Consumes the reference, on failure too. */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			goto out_free;
	}
out_free:
	kfree(handles);
	return ret;
}

/*
 * Under the queue's submit lock: number, arm and push. Nothing after the
 * arm can fail, since an armed job must be pushed.
 */
static int vaccel_submit_push(struct vaccel_job *job, struct vaccel_queue *q,
			      struct dma_fence **finished, u64 *seqno_out)
{
	struct vaccel_device *vdev = job->vdev;
	u64 seqno;
	int ret;

	mutex_lock(&q->submit_lock);
	if (q->closed) {
		/* CTX_DESTROY won the race for this context. */
		ret = -ENOENT;
		goto out_unlock;
	}
	if (vaccel_ctx_banned(q->ctx)) {
		ret = -ECANCELED;
		goto out_unlock;
	}
	seqno = q->last_seqno + 1;
	ret = xa_reserve(&q->fences, seqno, GFP_KERNEL);
	if (ret)
		goto out_unlock;

	drm_sched_job_arm(&job->base);
	job->seqno = seqno;
	*finished = dma_fence_get(&job->base.s_fence->finished);
	spin_lock(&q->lock);
	/* Into the reserved slot: no allocation, cannot fail. */
	xa_store(&q->fences, seqno, dma_fence_get(*finished), GFP_NOWAIT);
	q->last_seqno = seqno;
	spin_unlock(&q->lock);

	atomic_inc(&q->inflight);
	atomic_inc(&vdev->jobs_inflight);
	atomic64_inc(&vdev->stat_submitted);
	atomic64_inc(&job->vfile->jobs_submitted);
	job->submit_ns = ktime_get_ns();
	*seqno_out = seqno;
	drm_sched_entity_push_job(&job->base);
out_unlock:
	mutex_unlock(&q->submit_lock);
	return ret;
}

int vaccel_submit_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_device *vdev = to_vaccel_device(drm);
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_submit *args = data;
	struct drm_syncobj *out_sync = NULL;
	struct dma_fence *finished = NULL;
	struct vaccel_job *job;
	struct vaccel_ctx *ctx;
	struct vaccel_queue *q;
	u64 seqno = 0;
	int ret;

	ret = vaccel_submit_check_args(args);
	if (ret)
		return ret;
	ctx = vaccel_ctx_lookup(vfile, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	if (args->queue >= ctx->num_queues) {
		ret = -EINVAL;
		goto err_ctx_put;
	}
	if (vaccel_ctx_banned(ctx)) {
		ret = -ECANCELED;
		goto err_ctx_put;
	}
	q = &ctx->queues[args->queue];

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto err_ctx_put;
	}
	job->vdev = vdev;
	job->ctx = ctx; /* the lookup's reference passes to the job */
	job->queue = q;
	vaccel_file_get(vfile);
	job->vfile = vfile;
	INIT_WORK(&job->work, vaccel_exec_work);
	job->fence = kzalloc(sizeof(*job->fence), GFP_KERNEL);
	if (!job->fence) {
		ret = -ENOMEM;
		goto err_job_release;
	}

	ret = vaccel_submit_prepare(job, args, file);
	if (ret)
		goto err_job_release;
	if (args->out_sync) {
		out_sync = drm_syncobj_find(file, args->out_sync);
		if (!out_sync) {
			ret = -ENOENT;
			goto err_job_release;
		}
	}

	ret = drm_sched_job_init(&job->base, &q->entity, vfile);
	if (ret)
		goto err_syncobj_put;
	ret = vaccel_submit_add_deps(job, args, file);
	if (ret)
		goto err_sched_job_cleanup;
	ret = vaccel_submit_push(job, q, &finished, &seqno);
	if (ret)
		goto err_sched_job_cleanup;

	/* The job belongs to the scheduler now; only @finished is ours. */
	if (out_sync) {
		drm_syncobj_replace_fence(out_sync, finished);
		drm_syncobj_put(out_sync);
	}
	args->seqno = seqno;
	dma_fence_put(finished);
	return 0;

err_sched_job_cleanup:
	drm_sched_job_cleanup(&job->base);
err_syncobj_put:
	if (out_sync)
		drm_syncobj_put(out_sync);
err_job_release:
	vaccel_job_release(job);
	return ret;

err_ctx_put:
	vaccel_ctx_put(ctx);
	return ret;
}

/*
 * Wait for @fence until the absolute CLOCK_MONOTONIC @deadline_ns. The
 * jiffies timeout is rounded up and the deadline re-checked, so the wait
 * never ends early; a deadline in the past only polls.
 */
static int vaccel_wait_fence(struct dma_fence *fence, s64 deadline_ns)
{
	for (;;) {
		s64 now = ktime_get_ns();
		unsigned long jiffies_left;
		long ret;

		if (dma_fence_is_signaled(fence))
			return 0;
		if (deadline_ns <= now)
			return -ETIME;
		jiffies_left = nsecs_to_jiffies((u64)(deadline_ns - now)) + 1;
		if (jiffies_left >= MAX_SCHEDULE_TIMEOUT)
			jiffies_left = MAX_SCHEDULE_TIMEOUT - 1;
		ret = dma_fence_wait_timeout(fence, true, jiffies_left);
		if (ret < 0)
			return ret; /* -ERESTARTSYS: the deadline is absolute, restart is safe */
		if (ret > 0)
			return 0;
	}
}

int vaccel_wait_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_wait *args = data;
	struct dma_fence *fence = NULL;
	struct vaccel_queue *q;
	struct vaccel_ctx *ctx;
	u32 error = 0;
	int ret = 0;

	if (args->flags & ~DRM_VACCEL_WAIT_FLAGS)
		return -EINVAL;
	ctx = vaccel_ctx_lookup(vfile, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	if (args->queue >= ctx->num_queues) {
		ret = -EINVAL;
		goto out_ctx_put;
	}
	q = &ctx->queues[args->queue];

	spin_lock(&q->lock);
	if (!args->seqno || args->seqno > q->last_seqno) {
		ret = -EINVAL;
	} else {
		fence = xa_load(&q->fences, args->seqno);
		if (fence)
			dma_fence_get(fence);
		else
			error = vaccel_queue_retired_error_locked(q, args->seqno);
	}
	spin_unlock(&q->lock);
	if (ret)
		goto out_ctx_put;

	if (fence) {
		ret = vaccel_wait_fence(fence, args->timeout_ns);
		if (!ret)
			error = fence->error < 0 ? -fence->error : 0;
		dma_fence_put(fence);
	}
	if (!ret)
		args->job_error = error;
out_ctx_put:
	vaccel_ctx_put(ctx);
	return ret;
}
