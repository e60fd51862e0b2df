// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_gem.c - buffer objects and per-client memory accounting.
 */
#include <linux/mm.h>

#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>

#include "vaccel_drv.h"
#include "vaccel_gem.h"

/**
 * DOC: vaccel memory accounting
 *
 * Every buffer a client creates is charged to that client, page-rounded, at
 * BO_CREATE and uncharged when the GEM object is freed, which is after the
 * last handle, mapping, dma-buf and queued job let go of it. So a buffer a
 * job still uses keeps counting after BO_DESTROY, and MEM_USED never
 * under-reports what the client pins. The limit (module parameter
 * ``mem_limit``, or the device's ``mem_limit`` sysfs attribute at run time)
 * is checked with an atomic reservation: concurrent creates never overshoot
 * it. Buffers imported from another device are not charged: their memory
 * belongs to the exporter.
 */

static int vaccel_mem_charge(struct vaccel_file *vfile, u64 size)
{
	u64 limit = atomic64_read(&vfile->vdev->mem_limit);
	u64 used = atomic64_read(&vfile->mem_used);

	do {
		if (limit && (used > limit || size > limit - used))
			return -ENOSPC;
	} while (!atomic64_try_cmpxchg(&vfile->mem_used, (s64 *)&used, used + size));
	return 0;
}

static void vaccel_mem_uncharge(struct vaccel_file *vfile, u64 size)
{
	atomic64_sub(size, &vfile->mem_used);
}

static void vaccel_bo_free(struct drm_gem_object *obj)
{
	struct vaccel_bo *bo = to_vaccel_bo(obj);
	struct vaccel_file *owner = bo->owner;
	size_t size = obj->size;

	drm_gem_shmem_free(&bo->base);
	if (owner) {
		vaccel_mem_uncharge(owner, size);
		vaccel_file_put(owner);
	}
}

static const struct drm_gem_object_funcs vaccel_gem_funcs = {
	.free = vaccel_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/*
 * drm_driver.gem_create_object: every shmem object of this device, created
 * or imported, is a vaccel_bo with our free callback.
 */
struct drm_gem_object *vaccel_gem_create_object(struct drm_device *drm, size_t size)
{
	struct vaccel_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &vaccel_gem_funcs;
	return &bo->base.base;
}

int vaccel_bo_create_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct vaccel_bo *bo;
	u64 size;
	int ret;

	if (args->flags & ~DRM_VACCEL_BO_CREATE_FLAGS)
		return -EINVAL;
	if (!args->size || args->size > VACCEL_MAX_BO_SIZE)
		return -EINVAL;
	size = PAGE_ALIGN(args->size);

	ret = vaccel_mem_charge(vfile, size);
	if (ret)
		return ret;
	/* shmem pages come zero-filled: a new buffer reads as zeroes. */
	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem)) {
		ret = PTR_ERR(shmem);
		goto err_uncharge;
	}
	bo = container_of(shmem, struct vaccel_bo, base);
	bo->flags = args->flags;
	/* From here the object's free uncharges the client. */
	vaccel_file_get(vfile);
	bo->owner = vfile;

	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the object now (or creation failed and this frees it). */
	drm_gem_object_put(&shmem->base);
	return ret;

err_uncharge:
	vaccel_mem_uncharge(vfile, size);
	return ret;
}

int vaccel_bo_mmap_offset_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vaccel_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return ret;
}

int vaccel_bo_info_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vaccel_bo_info *args = data;
	struct drm_gem_object *obj;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	args->flags = to_vaccel_bo(obj)->flags;
	args->size = obj->size;
	drm_gem_object_put(obj);
	return 0;
}

int vaccel_bo_destroy_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vaccel_bo_destroy *args = data;
	int ret;

	if (args->pad)
		return -EINVAL;
	/* The core says -EINVAL for an unknown handle; the uAPI says -ENOENT. */
	ret = drm_gem_handle_delete(file, args->handle);
	return ret == -EINVAL ? -ENOENT : ret;
}
