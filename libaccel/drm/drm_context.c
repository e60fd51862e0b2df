// SPDX-License-Identifier: MIT
/*
 * drm_context.c - kernel contexts (CTX_CREATE / CTX_DESTROY / CTX_GET_STATE)
 * and their queues.
 *
 * accel_context_destroy() waits for the context's jobs, as the emu device
 * does: jobs of one queue end in submission order, so waiting for each
 * queue's last seqno waits for all of them. Its fences then read their
 * errors while the context id still names them, and the kernel context
 * goes — unless a wait in another thread is still inside VACCEL_WAIT on
 * that id: the last such waiter destroys it (vdrm_context_waiter_put_locked()).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "drm_backend.h"

int vdrm_context_create(struct accel_device *base, const struct accel_context_desc *desc,
		       struct accel_context **out)
{
	struct vdrm_device *dev = vdrm_device_cast(base);
	struct drm_vaccel_ctx_create create = {
		.priority = desc->priority,
		.num_queues = desc->num_queues,
		.flags = desc->flags,
	};
	struct vdrm_context *ctx;
	int ret;

	/* The kernel judges priority and num_queues first: only a count it
	 * accepted sizes the allocation. */
	ret = vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_CTX_CREATE, &create);
	if (ret)
		return ret;
	ctx = calloc(1, sizeof(*ctx) + (size_t)desc->num_queues * sizeof(ctx->queues[0]));
	if (!ctx) {
		struct drm_vaccel_ctx_destroy destroy = { .ctx_id = create.ctx_id };

		vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_CTX_DESTROY, &destroy);
		return -ENOMEM;
	}
	ctx->base.dev = base;
	ctx->base.num_queues = desc->num_queues;
	ctx->dev = dev;
	ctx->id = create.ctx_id;
	accel_list_init(&ctx->fences);
	for (uint32_t i = 0; i < desc->num_queues; i++) {
		ctx->queues[i].base.ctx = &ctx->base;
		ctx->queues[i].base.index = i;
		ctx->queues[i].ctx = ctx;
		atomic_init(&ctx->queues[i].last_seqno, 0);
	}
	pthread_mutex_lock(&dev->lock);
	accel_list_add_tail(&dev->contexts, &ctx->link);
	pthread_mutex_unlock(&dev->lock);
	*out = &ctx->base;
	return 0;
}

/* Destroy the kernel context, unless the file is already given up. */
static void vdrm_context_kernel_destroy_locked(struct vdrm_context *ctx)
{
	struct drm_vaccel_ctx_destroy destroy = { .ctx_id = ctx->id };

	if (!ctx->dev->closed)
		vdrm_ioctl(ctx->dev->fd, DRM_IOCTL_VACCEL_CTX_DESTROY, &destroy);
}

/*
 * Every fence of @ctx still pending learns its outcome now; one whose job
 * somehow has not ended (a submit raced with the destroy) keeps a sync_file
 * so that it stays waitable without the context.
 */
static void vdrm_context_resolve_fences_locked(struct vdrm_context *ctx)
{
	while (!accel_list_empty(&ctx->fences)) {
		struct vdrm_fence *f = accel_container_of(ctx->fences.next, struct vdrm_fence, link);

		if (vdrm_fence_poll_locked(f) == -EBUSY || f->state == DRM_FENCE_PENDING)
			vdrm_fence_orphan_locked(f);
	}
}

/* Mark @ctx gone; true if nobody waits on it any more and it can be freed. */
static bool vdrm_context_retire_locked(struct vdrm_context *ctx)
{
	vdrm_context_resolve_fences_locked(ctx);
	ctx->destroyed = true;
	accel_list_del(&ctx->link);
	if (ctx->waiters)
		return false;
	vdrm_context_kernel_destroy_locked(ctx);
	return true;
}

void vdrm_context_destroy(struct accel_context *base)
{
	struct vdrm_context *ctx = vdrm_context_cast(base);
	struct vdrm_device *dev = ctx->dev;
	bool free_it;

	for (uint32_t i = 0; i < ctx->base.num_queues; i++) {
		struct drm_vaccel_wait w = {
			.ctx_id = ctx->id,
			.queue = i,
			.seqno = atomic_load(&ctx->queues[i].last_seqno),
			.timeout_ns = INT64_MAX,
		};

		/* Its result is the last job's, which its fence reports. */
		if (w.seqno)
			vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_WAIT, &w);
	}
	pthread_mutex_lock(&dev->lock);
	free_it = vdrm_context_retire_locked(ctx);
	pthread_mutex_unlock(&dev->lock);
	if (free_it)
		vdrm_context_free(ctx);
}

void vdrm_context_waiter_put_locked(struct vdrm_context *ctx, bool *free_it)
{
	*free_it = false;
	if (--ctx->waiters == 0 && ctx->destroyed) {
		vdrm_context_kernel_destroy_locked(ctx);
		*free_it = true;
	}
}

void vdrm_context_free(struct vdrm_context *ctx)
{
	free(ctx);
}

struct accel_queue *vdrm_context_queue(struct accel_context *base, uint32_t index)
{
	return &vdrm_context_cast(base)->queues[index].base;
}

int vdrm_context_state(struct accel_context *base, uint32_t *state, uint32_t *fault_error)
{
	struct vdrm_context *ctx = vdrm_context_cast(base);
	struct drm_vaccel_ctx_get_state gs = { .ctx_id = ctx->id };
	int ret = vdrm_ioctl(ctx->dev->fd, DRM_IOCTL_VACCEL_CTX_GET_STATE, &gs);

	if (ret)
		return ret;
	*state = gs.state;
	if (fault_error)
		*fault_error = gs.fault_error;
	return 0;
}

/*
 * Close: every context the user left goes with the file. Fences still
 * pending are resolved or orphaned first (see drm.h), while the file can
 * still answer.
 */
void vdrm_context_forget_all_locked(struct vdrm_device *dev)
{
	while (!accel_list_empty(&dev->contexts)) {
		struct vdrm_context *ctx =
			accel_container_of(dev->contexts.next, struct vdrm_context, link);

		/* dev->closed is set: no CTX_DESTROY, the release does it. */
		if (vdrm_context_retire_locked(ctx))
			vdrm_context_free(ctx);
	}
}
