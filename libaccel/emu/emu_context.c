// SPDX-License-Identifier: MIT
/*
 * emu_context.c - contexts: priority, queues and health.
 *
 * A context whose job faults at run time becomes GUILTY: its queued jobs are
 * cancelled and its submits fail with -ECANCELED, while other contexts keep
 * running — what the kernel device does on a fault or a job timeout.
 */
#include <errno.h>
#include <stdlib.h>

#include "emu.h"

int emu_context_create(struct accel_device *base, const struct accel_context_desc *desc,
		       struct accel_context **out)
{
	struct emu_device *dev = emu_device_cast(base);
	struct emu_context *ctx;

	if (desc->priority >= EMU_NUM_PRIORITIES || desc->num_queues < 1 ||
	    desc->num_queues > EMU_MAX_QUEUES_PER_CTX)
		return -EINVAL;
	ctx = calloc(1, sizeof(*ctx) + desc->num_queues * sizeof(ctx->queues[0]));
	if (!ctx)
		return -ENOMEM;
	ctx->base.dev = base;
	ctx->base.num_queues = desc->num_queues;
	ctx->dev = dev;
	ctx->priority = desc->priority;
	ctx->state = DRM_VACCEL_CTX_STATE_OK;
	for (uint32_t i = 0; i < desc->num_queues; i++) {
		struct emu_queue *q = &ctx->queues[i];

		q->base.ctx = &ctx->base;
		q->base.index = i;
		q->ctx = ctx;
		accel_list_init(&q->jobs);
		accel_list_init(&q->ready_link);
	}
	pthread_mutex_lock(&dev->lock);
	accel_list_add_tail(&dev->contexts, &ctx->link);
	pthread_mutex_unlock(&dev->lock);
	*out = &ctx->base;
	return 0;
}

/* Queued jobs still run and signal; then the context goes. */
void emu_context_destroy(struct accel_context *base)
{
	struct emu_context *ctx = emu_context_cast(base);
	struct emu_device *dev = ctx->dev;

	pthread_mutex_lock(&dev->lock);
	while (ctx->inflight)
		pthread_cond_wait(&dev->drained, &dev->lock);
	accel_list_del(&ctx->link);
	pthread_mutex_unlock(&dev->lock);
	free(ctx);
}

struct accel_queue *emu_context_queue(struct accel_context *base, uint32_t index)
{
	return &emu_context_cast(base)->queues[index].base;
}

int emu_context_state(struct accel_context *base, uint32_t *state, uint32_t *fault_error)
{
	struct emu_context *ctx = emu_context_cast(base);
	struct emu_device *dev = ctx->dev;

	pthread_mutex_lock(&dev->lock);
	*state = ctx->state;
	if (fault_error)
		*fault_error = ctx->fault_error;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

/* Close, after the engines stopped: no context has a job left. */
void emu_context_destroy_all(struct emu_device *dev)
{
	pthread_mutex_lock(&dev->lock);
	while (!accel_list_empty(&dev->contexts)) {
		struct emu_context *ctx =
			accel_container_of(dev->contexts.next, struct emu_context, link);

		accel_list_del(&ctx->link);
		free(ctx);
	}
	pthread_mutex_unlock(&dev->lock);
}
