// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_debugfs.c - state dumps under /sys/kernel/debug/dri/<minor>/.
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "vaccel_ctx.h"
#include "vaccel_drv.h"
#include "vaccel_job.h"
#include "vaccel_sched.h"

/**
 * DOC: vaccel debugfs
 *
 * - ``vaccel_contexts``: every open client, its contexts (priority, state,
 *   fault) and each queue's engine, last seqno handed out, last retired,
 *   jobs in flight and remembered error ranges.
 * - ``vaccel_jobs``: per engine, the job executing now and every job the
 *   scheduler has handed to the engine and not yet freed.
 * - ``vaccel_engines``: per engine, busy time and jobs executed.
 */

static const char *const vaccel_state_names[] = {
	[DRM_VACCEL_CTX_STATE_OK] = "ok",
	[DRM_VACCEL_CTX_STATE_GUILTY] = "guilty",
	[DRM_VACCEL_CTX_STATE_INNOCENT] = "innocent",
};

static struct vaccel_device *vaccel_debugfs_vdev(struct seq_file *m)
{
	struct drm_info_node *node = m->private;

	return to_vaccel_device(node->minor->dev);
}

static void vaccel_debugfs_queue(struct seq_file *m, struct vaccel_queue *q)
{
	unsigned int i;

	spin_lock(&q->lock);
	seq_printf(m, "    queue %u: engine %u last_seqno %llu retired %llu inflight %d",
		   q->index, q->engine->id, q->last_seqno, q->retired_seqno,
		   atomic_read(&q->inflight));
	for (i = 0; i < q->nerrors; i++)
		seq_printf(m, " err[%llu..%llu]=%u", q->errors[i].first, q->errors[i].last,
			   q->errors[i].error);
	spin_unlock(&q->lock);
	seq_putc(m, '\n');
}

static int vaccel_debugfs_contexts(struct seq_file *m, void *unused)
{
	struct vaccel_device *vdev = vaccel_debugfs_vdev(m);
	struct vaccel_file *vfile;

	mutex_lock(&vdev->clients_lock);
	list_for_each_entry(vfile, &vdev->clients, link) {
		struct vaccel_ctx *ctx;
		unsigned long id;

		seq_printf(m, "client %llu: mem_used %llu busy_ns %llu jobs %llu\n",
			   vfile->client_id, (u64)atomic64_read(&vfile->mem_used),
			   (u64)atomic64_read(&vfile->busy_ns),
			   (u64)atomic64_read(&vfile->jobs_submitted));
		/* Holding the table lock keeps every listed context alive. */
		xa_lock(&vfile->ctxs);
		xa_for_each(&vfile->ctxs, id, ctx) {
			u32 i;

			spin_lock(&ctx->state_lock);
			seq_printf(m, "  ctx %lu: priority %u queues %u state %s", id,
				   ctx->priority, ctx->num_queues, vaccel_state_names[ctx->state]);
			if (ctx->state != DRM_VACCEL_CTX_STATE_OK)
				seq_printf(m, " fault queue %u seqno %llu error %u", ctx->fault_queue,
					   ctx->fault_seqno, ctx->fault_error);
			spin_unlock(&ctx->state_lock);
			seq_putc(m, '\n');
			for (i = 0; i < ctx->num_queues; i++)
				vaccel_debugfs_queue(m, &ctx->queues[i]);
		}
		xa_unlock(&vfile->ctxs);
	}
	mutex_unlock(&vdev->clients_lock);
	return 0;
}

static void vaccel_debugfs_job(struct seq_file *m, const char *what, struct vaccel_job *job,
			       u64 now)
{
	u64 start = atomic64_read(&job->start_ns);

	seq_printf(m, "  %s: client %llu ctx %u queue %u seqno %llu bos %u cmdbuf %u B age %llu us",
		   what, job->vfile->client_id, job->ctx->id, job->queue->index, job->seqno,
		   job->bo_count, job->cmdbuf_size, (now - job->submit_ns) / NSEC_PER_USEC);
	if (start)
		seq_printf(m, " running %llu us", (now - start) / NSEC_PER_USEC);
	if (atomic_read(&job->cancel))
		seq_printf(m, " cancel %d", atomic_read(&job->cancel));
	seq_putc(m, '\n');
}

static int vaccel_debugfs_jobs(struct seq_file *m, void *unused)
{
	struct vaccel_device *vdev = vaccel_debugfs_vdev(m);
	u64 now = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < vdev->num_engines; i++) {
		struct vaccel_engine *engine = &vdev->engines[i];
		struct drm_gpu_scheduler *sched = &engine->sched;
		struct drm_sched_job *sched_job;

		seq_printf(m, "%s:\n", engine->name);
		/* Jobs stay on the pending list until freed: safe to read under its lock. */
		spin_lock(&sched->job_list_lock);
		list_for_each_entry(sched_job, &sched->pending_list, list)
			vaccel_debugfs_job(m, "pending", to_vaccel_job(sched_job), now);
		spin_unlock(&sched->job_list_lock);
		spin_lock(&engine->lock);
		if (engine->running)
			vaccel_debugfs_job(m, "running", engine->running, now);
		spin_unlock(&engine->lock);
	}
	return 0;
}

static int vaccel_debugfs_engines(struct seq_file *m, void *unused)
{
	struct vaccel_device *vdev = vaccel_debugfs_vdev(m);
	unsigned int i;

	for (i = 0; i < vdev->num_engines; i++) {
		struct vaccel_engine *engine = &vdev->engines[i];

		seq_printf(m, "%s: busy_ns %llu jobs_run %llu hw_fence_seqno %llu\n", engine->name,
			   (u64)atomic64_read(&engine->busy_ns), (u64)atomic64_read(&engine->jobs_run),
			   (u64)atomic64_read(&engine->fence_seqno));
	}
	return 0;
}

static const struct drm_info_list vaccel_debugfs_list[] = {
	{ "vaccel_contexts", vaccel_debugfs_contexts, 0 },
	{ "vaccel_jobs", vaccel_debugfs_jobs, 0 },
	{ "vaccel_engines", vaccel_debugfs_engines, 0 },
};

void vaccel_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(vaccel_debugfs_list, ARRAY_SIZE(vaccel_debugfs_list),
				 minor->debugfs_root, minor);
}
