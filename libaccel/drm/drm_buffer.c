// SPDX-License-Identifier: MIT
/*
 * drm_buffer.c - GEM buffer objects: BO_CREATE, BO_INFO for the size the
 * kernel rounded to, a CPU mapping through BO_MMAP_OFFSET made on the
 * first accel_buffer_map() and kept until the buffer is freed, and PRIME
 * (dma-buf) export and import.
 *
 * The kernel does the accounting (MEM_USED, -ENOSPC past MEM_LIMIT) and
 * keeps a freed buffer alive while a queued job lists it, as BO_DESTROY
 * says; a CPU mapping would keep it alive (and counted) too, so free and
 * close unmap first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <xf86drm.h>

#include "drm_backend.h"

int vdrm_buffer_alloc(struct accel_device *base, uint64_t size, uint32_t flags,
		     struct accel_buffer **out)
{
	struct vdrm_device *dev = vdrm_device_cast(base);
	struct drm_vaccel_bo_create create = { .size = size, .flags = flags };
	struct drm_vaccel_bo_info info = { 0 };
	struct drm_vaccel_bo_destroy destroy = { 0 };
	struct vdrm_buffer *buf;
	int ret;

	buf = calloc(1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	ret = vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_CREATE, &create);
	if (ret)
		goto err_free;
	info.handle = create.handle;
	ret = vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_INFO, &info);
	if (ret)
		goto err_destroy;
	buf->base.dev = base;
	buf->base.size = info.size;
	buf->dev = dev;
	buf->handle = create.handle;
	buf->refs = 1;
	pthread_mutex_lock(&dev->lock);
	accel_list_add_tail(&dev->buffers, &buf->link);
	pthread_mutex_unlock(&dev->lock);
	*out = &buf->base;
	return 0;

err_destroy:
	destroy.handle = create.handle;
	vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_DESTROY, &destroy);
err_free:
	free(buf);
	return ret;
}

void vdrm_buffer_free(struct accel_buffer *base)
{
	struct vdrm_buffer *buf = vdrm_buffer_cast(base);
	struct vdrm_device *dev = buf->dev;
	struct drm_vaccel_bo_destroy destroy = { .handle = buf->handle };

	/*
	 * Under the lock up to BO_DESTROY: an import racing with the last free
	 * must either find this buffer or get a handle the kernel made anew,
	 * never a handle about to be destroyed.
	 */
	pthread_mutex_lock(&dev->lock);
	if (--buf->refs) {
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	accel_list_del(&buf->link);
	if (buf->map)
		munmap(buf->map, buf->base.size);
	/* Cannot fail for a handle we own; a queued job keeps the memory. */
	vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_DESTROY, &destroy);
	pthread_mutex_unlock(&dev->lock);
	free(buf);
}

int vdrm_buffer_export(struct accel_buffer *base, int *fd)
{
	struct vdrm_buffer *buf = vdrm_buffer_cast(base);

	return drmPrimeHandleToFD(buf->dev->fd, buf->handle, DRM_CLOEXEC | DRM_RDWR, fd) ?
		       -errno : 0;
}

static struct vdrm_buffer *vdrm_buffer_find_locked(struct vdrm_device *dev, uint32_t handle)
{
	struct accel_list *pos;

	for (pos = dev->buffers.next; pos != &dev->buffers; pos = pos->next) {
		struct vdrm_buffer *buf = accel_container_of(pos, struct vdrm_buffer, link);

		if (buf->handle == handle)
			return buf;
	}
	return NULL;
}

int vdrm_buffer_import(struct accel_device *base, int fd, struct accel_buffer **out)
{
	struct vdrm_device *dev = vdrm_device_cast(base);
	struct drm_vaccel_bo_info info = { 0 };
	struct drm_vaccel_bo_destroy destroy = { 0 };
	struct vdrm_buffer *buf;
	uint32_t handle;
	int ret;

	pthread_mutex_lock(&dev->lock);
	if (drmPrimeFDToHandle(dev->fd, fd, &handle)) {
		ret = -errno;
		goto out_unlock;
	}
	buf = vdrm_buffer_find_locked(dev, handle);
	if (buf) {
		buf->refs++;
		*out = &buf->base;
		ret = 0;
		goto out_unlock;
	}
	info.handle = handle;
	ret = vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_INFO, &info);
	if (ret)
		goto err_destroy;
	buf = calloc(1, sizeof(*buf));
	if (!buf) {
		ret = -ENOMEM;
		goto err_destroy;
	}
	buf->base.dev = base;
	buf->base.size = info.size;
	buf->dev = dev;
	buf->handle = handle;
	buf->refs = 1;
	accel_list_add_tail(&dev->buffers, &buf->link);
	*out = &buf->base;
	goto out_unlock;

err_destroy:
	destroy.handle = handle;
	vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_DESTROY, &destroy);
out_unlock:
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

int vdrm_buffer_map(struct accel_buffer *base, void **ptr)
{
	struct vdrm_buffer *buf = vdrm_buffer_cast(base);
	struct vdrm_device *dev = buf->dev;
	struct drm_vaccel_bo_mmap_offset mo = { .handle = buf->handle };
	void *map;
	int ret = 0;

	/* Under the lock: two threads mapping at once get one mapping. */
	pthread_mutex_lock(&dev->lock);
	if (!buf->map) {
		ret = vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &mo);
		if (!ret) {
			map = mmap(NULL, buf->base.size, PROT_READ | PROT_WRITE, MAP_SHARED,
				   dev->fd, (off_t)mo.offset);
			if (map == MAP_FAILED)
				ret = -errno;
			else
				buf->map = map;
		}
	}
	*ptr = buf->map;
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

void vdrm_buffer_unmap(struct accel_buffer *base)
{
	/* shmem pages are coherent between the CPU and the (CPU) engine, so
	 * there is nothing to flush; the mapping stays for the next map. */
	(void)base;
}

/* Close: the file's release frees the objects; only our side is left. */
void vdrm_buffer_forget_all_locked(struct vdrm_device *dev)
{
	while (!accel_list_empty(&dev->buffers)) {
		struct vdrm_buffer *buf = accel_container_of(dev->buffers.next, struct vdrm_buffer, link);

		accel_list_del(&buf->link);
		if (buf->map)
			munmap(buf->map, buf->base.size);
		free(buf);
	}
}
