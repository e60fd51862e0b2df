/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_sched.h - engines: one drm_gpu_scheduler and one worker each.
 */
#ifndef VACCEL_SCHED_H
#define VACCEL_SCHED_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <drm/gpu_scheduler.h>

struct vaccel_device;
struct vaccel_job;

/**
 * struct vaccel_engine - one engine of the virtual accelerator.
 * @vdev: the device.
 * @id: index in vdev->engines.
 * @name: "vaccel-engN": scheduler, fence timeline and worker name.
 * @sched: the scheduler feeding this engine, one job at a time.
 * @sched_list: { &@sched }, the list entities of this engine are given.
 * @wq: ordered workqueue: the engine's worker, where jobs execute.
 * @fence_context: dma-fence context of the hardware fences.
 * @fence_seqno: last hardware fence seqno (only the scheduler thread
 *	increments it, in run_job).
 * @fence_lock: the hardware fences' lock.
 * @lock: protects @running.
 * @running: the job executing now, or NULL (debugfs).
 * @busy_ns: time jobs spent executing on this engine.
 * @jobs_run: jobs this engine executed (cancelled ones not counted).
 */
struct vaccel_engine {
	struct vaccel_device *vdev;
	unsigned int id;
	char name[24];
	struct drm_gpu_scheduler sched;
	struct drm_gpu_scheduler *sched_list[1];
	struct workqueue_struct *wq;
	u64 fence_context;
	atomic64_t fence_seqno;
	spinlock_t fence_lock;
	spinlock_t lock;
	struct vaccel_job *running;
	atomic64_t busy_ns;
	atomic64_t jobs_run;
};

int vaccel_engines_init(struct vaccel_device *vdev);
void vaccel_engines_fini(struct vaccel_device *vdev);
struct vaccel_engine *vaccel_engine_pick(struct vaccel_device *vdev);

/* vaccel_exec.c */
void vaccel_exec_work(struct work_struct *work);
void vaccel_exec_end(struct vaccel_job *job, int err, bool ran);

#endif /* VACCEL_SCHED_H */
