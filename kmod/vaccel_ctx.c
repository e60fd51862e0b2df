// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_ctx.c - contexts: priority, queues (scheduler entities) and health.
 */
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_file.h>

#include "vaccel_ctx.h"
#include "vaccel_drv.h"
#include "vaccel_sched.h"

/**
 * DOC: vaccel contexts and banning
 *
 * A context has a priority and 1 .. VACCEL_MAX_QUEUES_PER_CTX queues. Each
 * queue is one drm_sched entity bound to one engine's scheduler; new queues
 * are spread over the engines round-robin, so the queues of one context run
 * in parallel while the jobs of one queue run in order. Context priority
 * 0..3 maps to the scheduler's MIN, NORMAL, HIGH and KERNEL run queues,
 * which the scheduler always serves highest first: at every job boundary an
 * engine picks the oldest ready job of its highest-priority queue.
 *
 * When a job faults (a run-time error such as EDOM) or is cancelled by the
 * job timeout, its context becomes GUILTY: the fault's queue, seqno and
 * errno are recorded once, SUBMIT refuses the context with -ECANCELED, and
 * the scheduler fails every job of the context it has not started yet with
 * ECANCELED (the context's ``guilty`` flag is the entities' guilty pointer).
 * Jobs of the context already running on other engines finish normally.
 * Other contexts are not touched: there is no device reset, so the INNOCENT
 * state of the uAPI never occurs on this device.
 *
 * CTX_DESTROY unpublishes the id at once and tears the entities down on a
 * workqueue, so the ioctl never blocks; jobs already queued still run and
 * signal, as drm_sched_entity_destroy() waits for the entity to drain.
 */

static const enum drm_sched_priority vaccel_sched_prio[VACCEL_NUM_PRIORITIES] = {
	DRM_SCHED_PRIORITY_MIN,
	DRM_SCHED_PRIORITY_NORMAL,
	DRM_SCHED_PRIORITY_HIGH,
	DRM_SCHED_PRIORITY_KERNEL,
};

static void vaccel_ctx_release(struct kref *ref)
{
	struct vaccel_ctx *ctx = container_of(ref, struct vaccel_ctx, ref);
	u32 i;

	for (i = 0; i < ctx->num_queues; i++) {
		/* Every job retired (each held a reference): nothing is left. */
		WARN_ON(!xa_empty(&ctx->queues[i].fences));
		xa_destroy(&ctx->queues[i].fences);
		mutex_destroy(&ctx->queues[i].submit_lock);
	}
	kfree(ctx);
}

void vaccel_ctx_get(struct vaccel_ctx *ctx)
{
	kref_get(&ctx->ref);
}

void vaccel_ctx_put(struct vaccel_ctx *ctx)
{
	kref_put(&ctx->ref, vaccel_ctx_release);
}

/* Returns the context with a reference, or NULL. */
struct vaccel_ctx *vaccel_ctx_lookup(struct vaccel_file *vfile, u32 id)
{
	struct vaccel_ctx *ctx;

	xa_lock(&vfile->ctxs);
	ctx = xa_load(&vfile->ctxs, id);
	if (ctx)
		vaccel_ctx_get(ctx);
	xa_unlock(&vfile->ctxs);
	return ctx;
}

bool vaccel_ctx_banned(struct vaccel_ctx *ctx)
{
	return atomic_read(&ctx->guilty) != 0;
}

/**
 * vaccel_ctx_ban() - mark @ctx GUILTY because of one of its jobs.
 * @ctx: the context.
 * @queue: the guilty job's queue index.
 * @seqno: its seqno.
 * @error: positive errno it ended with.
 *
 * Only the first fault is recorded; later calls change nothing.
 */
void vaccel_ctx_ban(struct vaccel_ctx *ctx, u32 queue, u64 seqno, int error)
{
	spin_lock(&ctx->state_lock);
	if (ctx->state == DRM_VACCEL_CTX_STATE_OK) {
		ctx->state = DRM_VACCEL_CTX_STATE_GUILTY;
		ctx->fault_queue = queue;
		ctx->fault_seqno = seqno;
		ctx->fault_error = error;
		/* After the state: whoever sees the flag finds the fault recorded. */
		smp_wmb();
		atomic_set(&ctx->guilty, 1);
	}
	spin_unlock(&ctx->state_lock);
}

/* Tear down the entities; jobs already pushed still run and signal. */
static void vaccel_ctx_teardown(struct vaccel_ctx *ctx)
{
	u32 i;

	for (i = 0; i < ctx->num_queues; i++) {
		struct vaccel_queue *q = &ctx->queues[i];

		/* A submit that looked the context up before it was unpublished
		 * must not push onto an entity being destroyed. */
		mutex_lock(&q->submit_lock);
		q->closed = true;
		mutex_unlock(&q->submit_lock);
		drm_sched_entity_destroy(&q->entity);
	}
}

static void vaccel_ctx_destroy_work(struct work_struct *work)
{
	struct vaccel_ctx *ctx = container_of(work, struct vaccel_ctx, destroy_work);

	vaccel_ctx_teardown(ctx);
	vaccel_ctx_put(ctx);
}

int vaccel_ctx_create_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_device *vdev = to_vaccel_device(drm);
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_ctx_create *args = data;
	struct vaccel_ctx *ctx;
	u32 i, inited, id;
	int ret;

	if (args->flags & ~DRM_VACCEL_CTX_CREATE_FLAGS)
		return -EINVAL;
	if (args->priority >= VACCEL_NUM_PRIORITIES)
		return -EINVAL;
	if (!args->num_queues || args->num_queues > VACCEL_MAX_QUEUES_PER_CTX)
		return -EINVAL;

	ctx = kzalloc(struct_size(ctx, queues, args->num_queues), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	ctx->vfile = vfile;
	ctx->priority = args->priority;
	ctx->state = DRM_VACCEL_CTX_STATE_OK;
	spin_lock_init(&ctx->state_lock);
	INIT_WORK(&ctx->destroy_work, vaccel_ctx_destroy_work);

	ctx->num_queues = args->num_queues;
	for (i = 0; i < ctx->num_queues; i++) {
		struct vaccel_queue *q = &ctx->queues[i];

		q->ctx = ctx;
		q->index = i;
		q->engine = vaccel_engine_pick(vdev);
		mutex_init(&q->submit_lock);
		spin_lock_init(&q->lock);
		xa_init(&q->fences);
	}
	for (inited = 0; inited < ctx->num_queues; inited++) {
		struct vaccel_queue *q = &ctx->queues[inited];

		ret = drm_sched_entity_init(&q->entity, vaccel_sched_prio[args->priority],
					    q->engine->sched_list, 1, &ctx->guilty);
		if (ret)
			goto err_entities_destroy;
	}

	ret = xa_alloc(&vfile->ctxs, &id, ctx, XA_LIMIT(1, U32_MAX), GFP_KERNEL);
	if (ret)
		goto err_entities_destroy;
	/* Published: only the id is left to fill, and lookups never read it. */
	ctx->id = id;
	args->ctx_id = id;
	return 0;

err_entities_destroy:
	for (i = 0; i < inited; i++)
		drm_sched_entity_destroy(&ctx->queues[i].entity);
	vaccel_ctx_put(ctx);
	return ret;
}

int vaccel_ctx_destroy_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_device *vdev = to_vaccel_device(drm);
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_ctx_destroy *args = data;
	struct vaccel_ctx *ctx;

	if (args->pad)
		return -EINVAL;
	/* Never erase index 0: in an ALLOC1 xarray that marks it free, and the
	 * next xa_alloc() would hand out id 0. */
	if (!args->ctx_id)
		return -ENOENT;
	ctx = xa_erase(&vfile->ctxs, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	/* The table's reference passes to the work. */
	queue_work(vdev->ctx_destroy_wq, &ctx->destroy_work);
	return 0;
}

int vaccel_ctx_get_state_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_ctx_get_state *args = data;
	struct vaccel_ctx *ctx;

	ctx = vaccel_ctx_lookup(vfile, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	spin_lock(&ctx->state_lock);
	args->state = ctx->state;
	args->fault_seqno = ctx->fault_seqno;
	args->fault_queue = ctx->fault_queue;
	args->fault_error = ctx->fault_error;
	spin_unlock(&ctx->state_lock);
	vaccel_ctx_put(ctx);
	return 0;
}

/**
 * vaccel_ctx_destroy_all() - destroy every context of a closing client.
 * @vfile: the client, in postclose.
 *
 * Runs in the closing task, so drm_sched_entity_flush() sees whether it was
 * killed and discards the queued jobs of a killed process instead of
 * running them.
 */
void vaccel_ctx_destroy_all(struct vaccel_file *vfile)
{
	struct vaccel_ctx *ctx;
	unsigned long id;

	xa_for_each(&vfile->ctxs, id, ctx) {
		xa_erase(&vfile->ctxs, id);
		vaccel_ctx_teardown(ctx);
		vaccel_ctx_put(ctx);
	}
	/* Contexts destroyed by ioctl earlier are torn down before close returns. */
	flush_workqueue(vfile->vdev->ctx_destroy_wq);
}
