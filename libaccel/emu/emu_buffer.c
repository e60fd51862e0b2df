// SPDX-License-Identifier: MIT
/*
 * emu_buffer.c - buffer objects and the client's memory accounting.
 *
 * Sizes are rounded up to the page size, as GEM rounds them, so MEM_USED
 * and accel_buffer_size() read the same on the emu and the kernel device.
 * The user's free drops one reference; every job listing the buffer holds
 * another, so memory stays valid (and counted) until the last job using it
 * is done, as the ABI says for BO_DESTROY.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Reserve @size bytes of the client's limit; -ENOSPC beyond it. */
static int emu_mem_charge(struct emu_device *dev, uint64_t size)
{
	uint64_t used = atomic_load_explicit(&dev->mem_used, memory_order_relaxed);

	do {
		if (dev->mem_limit && (used > dev->mem_limit || size > dev->mem_limit - used))
			return -ENOSPC;
	} while (!atomic_compare_exchange_weak_explicit(&dev->mem_used, &used, used + size,
							memory_order_relaxed,
							memory_order_relaxed));
	return 0;
}

static void emu_mem_uncharge(struct emu_device *dev, uint64_t size)
{
	atomic_fetch_sub_explicit(&dev->mem_used, size, memory_order_relaxed);
}

int emu_buffer_alloc(struct accel_device *base, uint64_t size, uint32_t flags,
		     struct accel_buffer **out)
{
	struct emu_device *dev = emu_device_cast(base);
	struct emu_buffer *buf;
	uint64_t rounded;
	int ret;

	if (size > EMU_MAX_BO_SIZE)
		return -EINVAL;
	rounded = (size + EMU_PAGE_SIZE - 1) & ~(EMU_PAGE_SIZE - 1);
	ret = emu_mem_charge(dev, rounded);
	if (ret)
		return ret;
	buf = calloc(1, sizeof(*buf));
	if (!buf) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	buf->ptr = aligned_alloc(EMU_BUFFER_ALIGN, rounded);
	if (!buf->ptr) {
		ret = -ENOMEM;
		goto err_free_buf;
	}
	/* Device memory starts zeroed, as shmem-backed GEM objects do. */
	memset(buf->ptr, 0, rounded);
	buf->base.dev = base;
	buf->base.size = rounded;
	buf->dev = dev;
	atomic_init(&buf->refs, 1);
	pthread_mutex_lock(&dev->lock);
	accel_list_add_tail(&dev->buffers, &buf->link);
	pthread_mutex_unlock(&dev->lock);
	*out = &buf->base;
	return 0;

err_free_buf:
	free(buf);
err_uncharge:
	emu_mem_uncharge(dev, rounded);
	return ret;
}

static void emu_buffer_destroy(struct emu_buffer *buf)
{
	emu_mem_uncharge(buf->dev, buf->base.size);
	free(buf->ptr);
	free(buf);
}

void emu_buffer_get(struct emu_buffer *buf)
{
	atomic_fetch_add_explicit(&buf->refs, 1, memory_order_relaxed);
}

void emu_buffer_put(struct emu_buffer *buf)
{
	struct emu_device *dev = buf->dev;

	if (atomic_fetch_sub_explicit(&buf->refs, 1, memory_order_acq_rel) != 1)
		return;
	pthread_mutex_lock(&dev->lock);
	accel_list_del(&buf->link);
	pthread_mutex_unlock(&dev->lock);
	emu_buffer_destroy(buf);
}

void emu_buffer_free(struct accel_buffer *base)
{
	emu_buffer_put(emu_buffer_cast(base));
}

int emu_buffer_map(struct accel_buffer *base, void **ptr)
{
	*ptr = emu_buffer_cast(base)->ptr;
	return 0;
}

void emu_buffer_unmap(struct accel_buffer *base)
{
	/* Process memory is always mapped; nothing to undo. */
	(void)base;
}

/* Close: no job is left, so only the users' references remain. */
void emu_buffer_free_all(struct emu_device *dev)
{
	pthread_mutex_lock(&dev->lock);
	while (!accel_list_empty(&dev->buffers)) {
		struct emu_buffer *buf = accel_container_of(dev->buffers.next, struct emu_buffer, link);

		accel_list_del(&buf->link);
		emu_buffer_destroy(buf);
	}
	pthread_mutex_unlock(&dev->lock);
}
