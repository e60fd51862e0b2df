/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_job.h - a submitted command buffer on its way through the scheduler
 * and an engine.
 */
#ifndef VACCEL_JOB_H
#define VACCEL_JOB_H

#include <linux/dma-fence.h>
#include <linux/iosys-map.h>
#include <linux/workqueue.h>

#include <drm/gpu_scheduler.h>

#include "vaccel_engine.h"

struct vaccel_device;
struct vaccel_file;
struct vaccel_ctx;
struct vaccel_queue;
struct vaccel_engine;
struct drm_device;
struct drm_file;
struct drm_gem_object;

/**
 * struct vaccel_fence - the "hardware" fence an engine signals when a job ends.
 * @base: the fence, first (dma_fence_free() frees the whole struct).
 * @engine: the engine whose timeline it is on.
 */
struct vaccel_fence {
	struct dma_fence base;
	struct vaccel_engine *engine;
};

/**
 * struct vaccel_job - one submitted command buffer.
 * @base: the scheduler job, first.
 * @vdev: the device.
 * @vfile: the submitting client, referenced (fdinfo engine time).
 * @ctx: its context, referenced.
 * @queue: its queue in @ctx.
 * @seqno: its seqno on @queue.
 * @cmdbuf: private, validated copy of the command buffer.
 * @cmdbuf_size: its size in bytes.
 * @bos: the submit's buffer list, each referenced; @bo_count of them.
 * @bo_count: entries in @bos.
 * @ebufs: the engine's view of @bos (sizes at submit, addresses at run).
 * @maps: vmaps of @bos while the job runs.
 * @fence: the hardware fence, allocated at submit so run_job never
 *	allocates; initialised by run_job (@fence_inited).
 * @fence_inited: run_job initialised @fence (else free_job kfree()s it).
 * @cancel: 0 while the job may run; a negative errno (-ETIMEDOUT from the
 *	timeout handler) makes its next checkpoint end it with that error.
 * @start_ns: CLOCK_MONOTONIC time an engine started it, 0 before.
 * @submit_ns: when SUBMIT accepted it.
 * @work: runs it on the engine's worker.
 */
struct vaccel_job {
	struct drm_sched_job base;
	struct vaccel_device *vdev;
	struct vaccel_file *vfile;
	struct vaccel_ctx *ctx;
	struct vaccel_queue *queue;
	u64 seqno;
	void *cmdbuf;
	u32 cmdbuf_size;
	struct drm_gem_object **bos;
	u32 bo_count;
	struct vaccel_engine_buffer *ebufs;
	struct iosys_map *maps;
	struct vaccel_fence *fence;
	bool fence_inited;
	atomic_t cancel;
	atomic64_t start_ns;
	u64 submit_ns;
	struct work_struct work;
};

static inline struct vaccel_job *to_vaccel_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vaccel_job, base);
}

void vaccel_job_free(struct vaccel_job *job);

int vaccel_submit_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vaccel_wait_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* VACCEL_JOB_H */
