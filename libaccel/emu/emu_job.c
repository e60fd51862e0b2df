// SPDX-License-Identifier: MIT
/*
 * emu_job.c - job objects: a free list per device so that submit does not
 * allocate once the device is warm. A job object keeps its arrays (cmdbuf
 * copy, buffer list, dependency nodes) across reuse; they only grow.
 */
#include <stdlib.h>

#include "emu.h"

/* Returns a job with its fence reset, or NULL if out of memory. */
struct emu_job *emu_job_alloc_locked(struct emu_device *dev)
{
	struct emu_job *job = dev->free_jobs;

	if (job) {
		dev->free_jobs = job->next_free;
	} else {
		job = calloc(1, sizeof(*job));
		if (!job)
			return NULL;
		job->base.ops = &accel_emu_ops;
		job->base.dev = &dev->base;
		job->dev = dev;
		atomic_init(&job->efd, -1);
		/* Every job object, free or not, keeps the device alive. */
		atomic_fetch_add_explicit(&dev->refs, 1, memory_order_relaxed);
	}
	job->next_free = NULL;
	accel_list_init(&job->link);
	emu_fence_init(job);
	return job;
}

static void emu_job_destroy(struct emu_job *job)
{
	struct emu_device *dev = job->dev;

	emu_fence_fini(job);
	free(job->cmdbuf);
	free(job->bufs);
	free(job->ebufs);
	free(job->deps);
	free(job);
	emu_device_put(dev);
}

/* The fence's last reference is gone: recycle, or free after close. */
void emu_job_release(struct accel_fence *f)
{
	struct emu_job *job = emu_job_cast(f);
	struct emu_device *dev = job->dev;

	emu_fence_fini(job);
	pthread_mutex_lock(&dev->lock);
	if (!atomic_load_explicit(&dev->closing, memory_order_relaxed)) {
		job->next_free = dev->free_jobs;
		dev->free_jobs = job;
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	pthread_mutex_unlock(&dev->lock);
	emu_job_destroy(job);
}

void emu_job_free_all_locked(struct emu_device *dev)
{
	while (dev->free_jobs) {
		struct emu_job *job = dev->free_jobs;

		dev->free_jobs = job->next_free;
		/* Not the last device reference: close still holds the open one. */
		emu_job_destroy(job);
	}
}
