/* SPDX-License-Identifier: MIT */
/*
 * backend.h - what every libaccel backend implements.
 *
 * The public objects of <accel/accel.h> are the base structs below. A backend
 * embeds each base first in its own object (struct emu_device starts with a
 * struct accel_device) and recovers its type with a _cast() helper that
 * asserts the vtable, IREE HAL style. The public entry points in device.c,
 * buffer.c, context.c, submit.c and fence.c check what is backend-independent
 * and dispatch through the vtable.
 */
#ifndef LIBACCEL_BACKEND_H
#define LIBACCEL_BACKEND_H

#include <stdatomic.h>
#include <stdbool.h>
#include <accel/accel.h>

/**
 * struct accel_backend_ops - the vtable of one backend.
 * @name: backend name as in struct accel_device_desc.backend.
 * @enumerate: fill up to @max descs, return how many devices it has.
 * @match: whether @name (already non-empty) names one of its devices.
 * @open: open the device called @name (match() said yes).
 * @close: release the device and everything it still owns.
 * @get_param: DRM_VACCEL_PARAM_* value.
 * @buffer_alloc: size and flags already checked against zero.
 * @buffer_free: drop the user's reference.
 * @buffer_map: CPU address.
 * @buffer_unmap: end of CPU access (may do nothing).
 * @buffer_export: dma-buf fd of the buffer; NULL: -EOPNOTSUPP.
 * @buffer_import: buffer for a dma-buf fd; NULL: -EOPNOTSUPP.
 * @context_create: desc already checked for reserved bits.
 * @context_destroy: wait for its jobs, then free it.
 * @context_queue: queue @index, index already range-checked.
 * @context_state: DRM_VACCEL_CTX_STATE_* and the positive fault errno.
 * @queue_submit: the submit already passed accel_submit_check().
 * @fence_wait: relative timeout as accel_fence_wait() takes it.
 * @fence_status: 0, -EBUSY or the job's errno.
 * @fence_fd: pollable fd owned by the fence.
 * @fence_release: the last reference went away.
 */
struct accel_backend_ops {
	const char *name;
	int (*enumerate)(struct accel_device_desc *out, int max);
	bool (*match)(const char *name);
	int (*open)(const char *name, struct accel_device **out);
	void (*close)(struct accel_device *dev);
	int (*get_param)(struct accel_device *dev, uint32_t param, uint64_t *value);
	int (*buffer_alloc)(struct accel_device *dev, uint64_t size, uint32_t flags,
			    struct accel_buffer **out);
	void (*buffer_free)(struct accel_buffer *buf);
	int (*buffer_map)(struct accel_buffer *buf, void **ptr);
	void (*buffer_unmap)(struct accel_buffer *buf);
	int (*buffer_export)(struct accel_buffer *buf, int *fd);
	int (*buffer_import)(struct accel_device *dev, int fd, struct accel_buffer **out);
	int (*context_create)(struct accel_device *dev, const struct accel_context_desc *desc,
			      struct accel_context **out);
	void (*context_destroy)(struct accel_context *ctx);
	struct accel_queue *(*context_queue)(struct accel_context *ctx, uint32_t index);
	int (*context_state)(struct accel_context *ctx, uint32_t *state, uint32_t *fault_error);
	int (*queue_submit)(struct accel_queue *q, const struct accel_submit *submit,
			    struct accel_fence **fence);
	int (*fence_wait)(struct accel_fence *f, int64_t timeout_ns);
	int (*fence_status)(struct accel_fence *f);
	int (*fence_fd)(struct accel_fence *f);
	void (*fence_release)(struct accel_fence *f);
};

/**
 * struct accel_device - base of every backend's device.
 * @ops: the backend's vtable.
 * @name: the normalised name accel_device_name() returns.
 */
struct accel_device {
	const struct accel_backend_ops *ops;
	char name[ACCEL_NAME_MAX];
};

/**
 * struct accel_buffer - base of every backend's buffer.
 * @dev: the device that owns it.
 * @size: size in bytes after the backend's rounding.
 */
struct accel_buffer {
	struct accel_device *dev;
	uint64_t size;
};

/**
 * struct accel_context - base of every backend's context.
 * @dev: the device that owns it.
 * @num_queues: number of queues, fixed at creation.
 */
struct accel_context {
	struct accel_device *dev;
	uint32_t num_queues;
};

/**
 * struct accel_queue - base of every backend's queue.
 * @ctx: the context it belongs to.
 * @index: its index in the context.
 */
struct accel_queue {
	struct accel_context *ctx;
	uint32_t index;
};

/**
 * struct accel_fence - base of every backend's fence.
 * @ops: the backend's vtable (the device may be closed before the fence
 *	goes: a fence reference outlives its device handle).
 * @dev: the device whose queue made it; compared, never dereferenced, when
 *	a submit names it as a wait fence.
 * @refs: references; the last accel_fence_put() calls ops->fence_release.
 */
struct accel_fence {
	const struct accel_backend_ops *ops;
	struct accel_device *dev;
	atomic_uint refs;
};

/* registry.c */
/** accel_registry_open() - open @name (non-empty) with the backend that matches it. */
int accel_registry_open(const char *name, struct accel_device **out);

/* submit.c */
/**
 * accel_error_set() - record why a submit was refused, for accel_last_error().
 * @packet: packet index or UINT32_MAX; @field: field name or "".
 */
void accel_error_set(uint32_t packet, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * accel_error_set_verror() - record a validator error the way every backend
 * words it: "packet N (OPCODE) field F: reason", or "header field F: reason".
 */
struct vaccel_verror;
void accel_error_set_verror(const struct vaccel_verror *ve);

/* The backends' vtables, in registry order. */
extern const struct accel_backend_ops accel_emu_ops;
extern const struct accel_backend_ops accel_drm_ops;

#endif /* LIBACCEL_BACKEND_H */
