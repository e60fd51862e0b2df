// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_exec.c - the engine worker: execute a job on the CPU.
 */
#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include <asm/fpu/api.h>

#include <drm/drm_gem_shmem_helper.h>

#include "vaccel_ctx.h"
#include "vaccel_drv.h"
#include "vaccel_engine.h"
#include "vaccel_job.h"
#include "vaccel_sched.h"

/**
 * DOC: vaccel FPU chunking
 *
 * The engine computes in SSE floating point, which the kernel may use only
 * between kernel_fpu_begin() and kernel_fpu_end(), with preemption off. A
 * job can run for seconds, so it is never one FPU section: the executor
 * calls the checkpoint hook between packets and about every megaflop inside
 * a packet, and the hook leaves the FPU section, charges the time since the
 * previous checkpoint to the engine and the client (fdinfo
 * drm-engine-compute grows while a long job runs), calls cond_resched(),
 * reads the job's cancel word and re-enters. Preemption is therefore off for
 * at most one chunk (about a megaflop: a few milliseconds even under
 * emulation), and a cancelled job stops within one chunk.
 */

/**
 * struct vaccel_exec_state - what the checkpoint hook needs.
 * @job: the job.
 * @engine: the engine running it.
 * @last_ns: end of the time already charged.
 */
struct vaccel_exec_state {
	struct vaccel_job *job;
	struct vaccel_engine *engine;
	u64 last_ns;
};

static void vaccel_exec_charge(struct vaccel_exec_state *st)
{
	u64 now = ktime_get_ns();
	u64 delta = now - st->last_ns;

	st->last_ns = now;
	atomic64_add(delta, &st->engine->busy_ns);
	atomic64_add(delta, &st->job->vfile->busy_ns);
}

static int vaccel_exec_cancelled(struct vaccel_job *job)
{
	int err = atomic_read(&job->cancel);

	if (!err && atomic_read(&job->vdev->stopping))
		err = -ECANCELED;
	return err;
}

/* Called by vaccel_execute() inside the FPU section. */
static int vaccel_exec_checkpoint(void *priv)
{
	struct vaccel_exec_state *st = priv;
	int err;

	kernel_fpu_end();
	vaccel_exec_charge(st);
	cond_resched();
	err = vaccel_exec_cancelled(st->job);
	kernel_fpu_begin();
	return err;
}

static __u64 vaccel_exec_clock_ns(void *priv)
{
	return ktime_get_ns();
}

static void vaccel_exec_vunmap(struct vaccel_job *job, u32 count)
{
	while (count--)
		drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(job->bos[count]), &job->maps[count]);
}

static int vaccel_exec_vmap(struct vaccel_job *job)
{
	u32 i;
	int ret;

	for (i = 0; i < job->bo_count; i++) {
		ret = drm_gem_shmem_vmap(to_drm_gem_shmem_obj(job->bos[i]), &job->maps[i]);
		if (ret)
			goto err_vunmap;
		if (job->maps[i].is_iomem) {
			/* An imported buffer in device memory: not CPU-addressable. */
			i++;
			ret = -EFAULT;
			goto err_vunmap;
		}
		job->ebufs[i].ptr = job->maps[i].vaddr;
	}
	return 0;

err_vunmap:
	vaccel_exec_vunmap(job, i);
	return ret;
}

static int vaccel_exec_run(struct vaccel_job *job, struct vaccel_engine *engine)
{
	struct vaccel_exec_state st = { .job = job, .engine = engine };
	const struct vaccel_exec_hooks hooks = {
		.priv = &st,
		.checkpoint = vaccel_exec_checkpoint,
		.clock_ns = vaccel_exec_clock_ns,
	};
	u32 failed_packet = 0;
	int ret;

	ret = vaccel_exec_vmap(job);
	if (ret)
		return ret;

	st.last_ns = ktime_get_ns();
	kernel_fpu_begin();
	ret = vaccel_execute(job->cmdbuf, job->cmdbuf_size, job->ebufs, job->bo_count,
			     &hooks, &failed_packet);
	kernel_fpu_end();
	vaccel_exec_charge(&st);

	vaccel_exec_vunmap(job, job->bo_count);
	if (ret && ret != -ETIMEDOUT && ret != -ECANCELED)
		drm_dbg_driver(&job->vdev->drm, "%s: ctx %u queue %u seqno %llu: packet %u failed: %d\n",
			       __func__, job->ctx->id, job->queue->index, job->seqno,
			       failed_packet, ret);
	return ret;
}

/**
 * vaccel_exec_end() - end a job: record its outcome and signal its fence.
 * @job: the job; may be freed as soon as this returns.
 * @err: 0 or the negative errno it ended with.
 * @ran: it started executing (a job that never ran is only cancelled).
 */
void vaccel_exec_end(struct vaccel_job *job, int err, bool ran)
{
	struct vaccel_device *vdev = job->vdev;
	struct dma_fence *fence = &job->fence->base;

	if (!err) {
		atomic64_inc(&vdev->stat_completed);
	} else {
		/* 6.1's scheduler does not pass the hardware fence's error on to
		 * the finished fence that WAIT and syncobjs see: set both. */
		dma_fence_set_error(&job->base.s_fence->finished, err);
		dma_fence_set_error(fence, err);
		if (!ran || (err == -ECANCELED && atomic_read(&vdev->stopping))) {
			atomic64_inc(&vdev->stat_cancelled);
		} else {
			atomic64_inc(&vdev->stat_failed);
			if (err == -ETIMEDOUT)
				atomic64_inc(&vdev->stat_timedout);
			vaccel_ctx_ban(job->ctx, job->queue->index, job->seqno, -err);
		}
	}
	/* Last touch of the job: free_job may run once the fence signals. */
	dma_fence_signal(fence);
}

/* The engine worker: one job at a time per engine (ordered workqueue). */
void vaccel_exec_work(struct work_struct *work)
{
	struct vaccel_job *job = container_of(work, struct vaccel_job, work);
	struct vaccel_engine *engine = job->fence->engine;
	int err;

	spin_lock(&engine->lock);
	engine->running = job;
	spin_unlock(&engine->lock);
	atomic64_set(&job->start_ns, ktime_get_ns());

	err = vaccel_exec_cancelled(job);
	if (!err)
		err = vaccel_exec_run(job, engine);
	atomic64_inc(&engine->jobs_run);

	spin_lock(&engine->lock);
	engine->running = NULL;
	spin_unlock(&engine->lock);
	vaccel_exec_end(job, err, true);
}
