// SPDX-License-Identifier: MIT
/*
 * buffer.c - public buffer entry points: the argument checks every backend
 * shares, then dispatch.
 */
#include <errno.h>

#include <drm/vaccel_drm.h>

#include "backend.h"

int accel_buffer_alloc(struct accel_device *dev, uint64_t size, uint32_t flags,
		       struct accel_buffer **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || size == 0 || (flags & ~DRM_VACCEL_BO_CREATE_FLAGS))
		return -EINVAL;
	return dev->ops->buffer_alloc(dev, size, flags, out);
}

void accel_buffer_free(struct accel_buffer *buf)
{
	if (buf)
		buf->dev->ops->buffer_free(buf);
}

int accel_buffer_map(struct accel_buffer *buf, void **ptr)
{
	if (!ptr)
		return -EINVAL;
	*ptr = NULL;
	if (!buf)
		return -EINVAL;
	return buf->dev->ops->buffer_map(buf, ptr);
}

void accel_buffer_unmap(struct accel_buffer *buf)
{
	if (buf)
		buf->dev->ops->buffer_unmap(buf);
}

int accel_buffer_export(struct accel_buffer *buf, int *fd)
{
	if (!fd)
		return -EINVAL;
	*fd = -1;
	if (!buf)
		return -EINVAL;
	if (!buf->dev->ops->buffer_export)
		return -EOPNOTSUPP;
	return buf->dev->ops->buffer_export(buf, fd);
}

int accel_buffer_import(struct accel_device *dev, int fd, struct accel_buffer **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	if (!dev->ops->buffer_import)
		return -EOPNOTSUPP;
	return dev->ops->buffer_import(dev, fd, out);
}

uint64_t accel_buffer_size(const struct accel_buffer *buf)
{
	return buf ? buf->size : 0;
}
