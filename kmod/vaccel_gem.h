/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_gem.h - buffer objects: GEM shmem objects with a memory owner.
 */
#ifndef VACCEL_GEM_H
#define VACCEL_GEM_H

#include <drm/drm_gem_shmem_helper.h>

struct drm_device;
struct drm_file;
struct vaccel_file;

/**
 * struct vaccel_bo - a vaccel buffer object.
 * @base: the shmem GEM object, first.
 * @owner: the client whose memory limit this buffer counts against, with a
 *	reference; NULL for a buffer imported from another device.
 * @flags: DRM_VACCEL_BO_CREATE flags it was created with.
 */
struct vaccel_bo {
	struct drm_gem_shmem_object base;
	struct vaccel_file *owner;
	u32 flags;
};

static inline struct vaccel_bo *to_vaccel_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct vaccel_bo, base);
}

struct drm_gem_object *vaccel_gem_create_object(struct drm_device *drm, size_t size);

int vaccel_bo_create_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vaccel_bo_mmap_offset_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vaccel_bo_info_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vaccel_bo_destroy_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* VACCEL_GEM_H */
