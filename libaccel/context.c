// SPDX-License-Identifier: MIT
/*
 * context.c - public context and queue entry points.
 */
#include <errno.h>

#include <drm/vaccel_drm.h>

#include "backend.h"

int accel_context_create(struct accel_device *dev, const struct accel_context_desc *desc,
			 struct accel_context **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || !desc || (desc->flags & ~DRM_VACCEL_CTX_CREATE_FLAGS))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(desc->reserved) / sizeof(desc->reserved[0]); i++) {
		if (desc->reserved[i])
			return -EINVAL;
	}
	/* priority and num_queues depend on the device: the backend checks them. */
	return dev->ops->context_create(dev, desc, out);
}

void accel_context_destroy(struct accel_context *ctx)
{
	if (ctx)
		ctx->dev->ops->context_destroy(ctx);
}

struct accel_queue *accel_context_queue(struct accel_context *ctx, uint32_t index)
{
	if (!ctx || index >= ctx->num_queues)
		return NULL;
	return ctx->dev->ops->context_queue(ctx, index);
}

int accel_context_state(struct accel_context *ctx, uint32_t *state, uint32_t *fault_error)
{
	if (!ctx || !state)
		return -EINVAL;
	return ctx->dev->ops->context_state(ctx, state, fault_error);
}
