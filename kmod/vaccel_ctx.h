/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_ctx.h - contexts and their queues.
 */
#ifndef VACCEL_CTX_H
#define VACCEL_CTX_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/gpu_scheduler.h>

struct vaccel_device;
struct vaccel_file;
struct vaccel_engine;
struct drm_device;
struct drm_file;

/* Retired seqnos whose job failed, kept per queue; see vaccel_job.c. */
#define VACCEL_ERR_RANGES 4

/**
 * struct vaccel_err_range - consecutive retired seqnos that ended with one error.
 * @first: first seqno of the range.
 * @last: last seqno of the range.
 * @error: the positive errno they ended with.
 */
struct vaccel_err_range {
	u64 first;
	u64 last;
	u32 error;
};

/**
 * struct vaccel_queue - one queue of a context: a drm_sched entity.
 * @ctx: the context (the queue is embedded in it).
 * @index: its index in the context.
 * @engine: the engine whose scheduler the entity feeds.
 * @entity: the scheduler entity; jobs of one queue run in submission order.
 * @submit_lock: serialises seqno assignment, job arming and pushing, so
 *	seqnos and the entity's job order agree.
 * @lock: protects @fences, @last_seqno, @errors and @nerrors (taken by
 *	submit, wait and the retire path in free_job).
 * @fences: seqno -> finished fence of each job not retired yet.
 * @last_seqno: the last seqno handed out (0: none yet).
 * @retired_seqno: highest seqno retired.
 * @errors: failed retired seqnos, oldest first.
 * @nerrors: ranges used in @errors.
 * @inflight: jobs submitted and not retired.
 * @closed: [submit_lock] the entity is being torn down: no more pushes.
 */
struct vaccel_queue {
	struct vaccel_ctx *ctx;
	u32 index;
	struct vaccel_engine *engine;
	struct drm_sched_entity entity;
	struct mutex submit_lock;
	spinlock_t lock;
	struct xarray fences;
	u64 last_seqno;
	u64 retired_seqno;
	struct vaccel_err_range errors[VACCEL_ERR_RANGES];
	unsigned int nerrors;
	atomic_t inflight;
	bool closed;
};

/**
 * struct vaccel_ctx - an execution context.
 * @ref: the file's context table holds one, every job one, the deferred
 *	destroy one while it runs.
 * @vfile: the client (not referenced: a context never outlives its jobs'
 *	file references and the file's own teardown).
 * @id: its id in @vfile->ctxs, never 0.
 * @priority: 0 (lowest) .. VACCEL_NUM_PRIORITIES - 1.
 * @num_queues: queues in @queues.
 * @guilty: handed to drm_sched_entity_init(): once set, the scheduler fails
 *	every job it pops from this context's entities with -ECANCELED.
 * @state_lock: protects @state and the fault fields.
 * @state: enum drm_vaccel_ctx_state.
 * @fault_seqno: seqno of the guilty job.
 * @fault_queue: its queue.
 * @fault_error: positive errno it ended with.
 * @destroy_work: deferred entity teardown after CTX_DESTROY.
 * @queues: the queues.
 */
struct vaccel_ctx {
	struct kref ref;
	struct vaccel_file *vfile;
	u32 id;
	u32 priority;
	u32 num_queues;
	atomic_t guilty;
	spinlock_t state_lock;
	u32 state;
	u64 fault_seqno;
	u32 fault_queue;
	u32 fault_error;
	struct work_struct destroy_work;
	struct vaccel_queue queues[];
};

struct vaccel_ctx *vaccel_ctx_lookup(struct vaccel_file *vfile, u32 id);
void vaccel_ctx_get(struct vaccel_ctx *ctx);
void vaccel_ctx_put(struct vaccel_ctx *ctx);
bool vaccel_ctx_banned(struct vaccel_ctx *ctx);
void vaccel_ctx_ban(struct vaccel_ctx *ctx, u32 queue, u64 seqno, int error);
void vaccel_ctx_destroy_all(struct vaccel_file *vfile);

int vaccel_ctx_create_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vaccel_ctx_destroy_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vaccel_ctx_get_state_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* VACCEL_CTX_H */
