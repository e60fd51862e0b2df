// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_sched.c - the drm_sched backend: run, time out and free jobs.
 */
#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "vaccel_ctx.h"
#include "vaccel_drv.h"
#include "vaccel_job.h"
#include "vaccel_sched.h"

/**
 * DOC: vaccel engines and job timeout
 *
 * Each engine is one drm_gpu_scheduler with a credit limit of one job, and
 * one ordered workqueue that executes the job run_job hands it. run_job
 * never blocks: it initialises the job's hardware fence, queues the job on
 * the worker and returns the fence; the worker signals it. Holding one job
 * per engine keeps the scheduler's priority decision at every job boundary.
 *
 * The job timeout (module parameter ``job_timeout_ms``) is the scheduler's
 * timeout. When it fires, the handler first looks for progress: a job that
 * has already ended, that has not started executing yet, or that has
 * executed for less than half the timeout (the worker was held up) gets a
 * new period. Otherwise the job is cancelled: its ``cancel`` word is set to
 * -ETIMEDOUT, and the engine stops it at its next checkpoint (within about
 * one megaflop of work), ends its fence with ETIMEDOUT and bans its context
 * (see the contexts section). A job that completes just as the handler
 * fires is not blamed. No reset is needed, so other contexts'
 * jobs are neither stopped nor resubmitted.
 */

static const char *vaccel_fence_driver_name(struct dma_fence *fence)
{
	return VACCEL_DRIVER_NAME;
}

static const char *vaccel_fence_timeline_name(struct dma_fence *fence)
{
	return container_of(fence, struct vaccel_fence, base)->engine->name;
}

static const struct dma_fence_ops vaccel_fence_ops = {
	.get_driver_name = vaccel_fence_driver_name,
	.get_timeline_name = vaccel_fence_timeline_name,
};

static struct dma_fence *vaccel_sched_run_job(struct drm_sched_job *sched_job)
{
	struct vaccel_job *job = to_vaccel_job(sched_job);
	struct vaccel_engine *engine = container_of(sched_job->sched, struct vaccel_engine, sched);
	struct vaccel_fence *fence = job->fence;

	fence->engine = engine;
	dma_fence_init(&fence->base, &vaccel_fence_ops, &engine->fence_lock,
		       engine->fence_context, atomic64_inc_return(&engine->fence_seqno));
	job->fence_inited = true;
	/* The scheduler consumes one reference; the job keeps its own. */
	dma_fence_get(&fence->base);

	/* A banned context's job (the scheduler already marked it if it saw
	 * the guilty flag), or any job during unload, never starts. */
	if (sched_job->s_fence->finished.error || vaccel_ctx_banned(job->ctx) ||
	    atomic_read(&job->vdev->stopping)) {
		vaccel_exec_end(job, -ECANCELED, false);
		return &fence->base;
	}
	queue_work(engine->wq, &job->work);
	return &fence->base;
}

/*
 * On 6.1 the scheduler takes the job off its pending list while this
 * handler runs, and expects drm_sched_stop() to put it back. We recover
 * without stopping the scheduler, so put it back ourselves (if it is off),
 * and wake the scheduler thread: the job may have ended meanwhile and is
 * waiting to be freed.
 */
static void vaccel_sched_requeue_pending(struct drm_sched_job *sched_job)
{
	struct drm_gpu_scheduler *sched = sched_job->sched;

	spin_lock(&sched->job_list_lock);
	if (list_empty(&sched_job->list))
		list_add(&sched_job->list, &sched->pending_list);
	spin_unlock(&sched->job_list_lock);
	wake_up_interruptible(&sched->wake_up_worker);
}

static enum drm_gpu_sched_stat vaccel_sched_timedout_job(struct drm_sched_job *sched_job)
{
	struct vaccel_job *job = to_vaccel_job(sched_job);
	struct vaccel_device *vdev = job->vdev;
	u64 timeout_ns = (u64)vdev->job_timeout_ms * NSEC_PER_MSEC;
	u64 start = atomic64_read(&job->start_ns);

	/* The timer started when the scheduler handed the job over; the
	 * worker normally starts it microseconds later, so only a job that
	 * has executed for less than half the period was really held up. */
	if (!start || dma_fence_is_signaled(&job->fence->base) ||
	    ktime_get_ns() - start < timeout_ns / 2) {
		/* Progress: ended, or held up before it ran. Re-arm. */
		vaccel_sched_requeue_pending(sched_job);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	/* The worker ends the job at its next checkpoint and bans the context
	 * then, so a job that completes in this very moment is not blamed. */
	if (atomic_cmpxchg(&job->cancel, 0, -ETIMEDOUT) == 0)
		dev_warn_ratelimited(vdev->drm.dev,
				     "%s: client %llu ctx %u queue %u seqno %llu ran over %u ms; cancelling it\n",
				     __func__, job->vfile->client_id, job->ctx->id,
				     job->queue->index, job->seqno, vdev->job_timeout_ms);
	vaccel_sched_requeue_pending(sched_job);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void vaccel_sched_free_job(struct drm_sched_job *sched_job)
{
	vaccel_job_free(to_vaccel_job(sched_job));
}

static const struct drm_sched_backend_ops vaccel_sched_ops = {
	.run_job = vaccel_sched_run_job,
	.timedout_job = vaccel_sched_timedout_job,
	.free_job = vaccel_sched_free_job,
};

/* The engine for a new queue: round-robin over all of them. */
struct vaccel_engine *vaccel_engine_pick(struct vaccel_device *vdev)
{
	unsigned int n = (unsigned int)atomic_inc_return(&vdev->next_engine);

	return &vdev->engines[n % vdev->num_engines];
}

static int vaccel_engine_sched_init(struct vaccel_engine *engine, long timeout)
{
#ifdef VACCEL_HAVE_SCHED_INIT_ARGS
	const struct drm_sched_init_args args = {
		.ops = &vaccel_sched_ops,
		.credit_limit = 1,
		.hang_limit = 0,
		.timeout = timeout,
		.name = engine->name,
		.dev = engine->vdev->drm.dev,
	};

	return drm_sched_init(&engine->sched, &args);
#else
	return drm_sched_init(&engine->sched, &vaccel_sched_ops, 1, 0, timeout, NULL, NULL,
			      engine->name, engine->vdev->drm.dev);
#endif
}

static int vaccel_engine_init(struct vaccel_device *vdev, struct vaccel_engine *engine,
			      unsigned int id)
{
	long timeout = vdev->job_timeout_ms ? msecs_to_jiffies(vdev->job_timeout_ms) :
					      MAX_SCHEDULE_TIMEOUT;
	int ret;

	engine->vdev = vdev;
	engine->id = id;
	snprintf(engine->name, sizeof(engine->name), "vaccel-eng%u", id);
	engine->sched_list[0] = &engine->sched;
	engine->fence_context = dma_fence_context_alloc(1);
	spin_lock_init(&engine->fence_lock);
	spin_lock_init(&engine->lock);

	engine->wq = alloc_ordered_workqueue("%s", 0, engine->name);
	if (!engine->wq)
		return -ENOMEM;
	/* One job per engine at a time: the scheduler's priority choice is
	 * made at every job boundary. */
	ret = vaccel_engine_sched_init(engine, timeout);
	if (ret) {
		destroy_workqueue(engine->wq);
		engine->wq = NULL;
		return ret;
	}
	return 0;
}

static void vaccel_engine_fini(struct vaccel_engine *engine)
{
	drm_sched_fini(&engine->sched);
	destroy_workqueue(engine->wq);
}

int vaccel_engines_init(struct vaccel_device *vdev)
{
	unsigned int i;
	int ret;

	vdev->engines = kcalloc(vdev->num_engines, sizeof(*vdev->engines), GFP_KERNEL);
	if (!vdev->engines)
		return -ENOMEM;
	for (i = 0; i < vdev->num_engines; i++) {
		ret = vaccel_engine_init(vdev, &vdev->engines[i], i);
		if (ret)
			goto err_engines_fini;
	}
	return 0;

err_engines_fini:
	while (i--)
		vaccel_engine_fini(&vdev->engines[i]);
	kfree(vdev->engines);
	vdev->engines = NULL;
	return ret;
}

/* All jobs are freed: no entity feeds the schedulers any more. */
void vaccel_engines_fini(struct vaccel_device *vdev)
{
	unsigned int i;

	for (i = 0; i < vdev->num_engines; i++)
		vaccel_engine_fini(&vdev->engines[i]);
	kfree(vdev->engines);
	vdev->engines = NULL;
}
