/* SPDX-License-Identifier: MIT */
/*
 * drm_backend.h - the kernel vaccel device seen through its DRM node ("drm"
 * backend): objects and the functions its files share.
 *
 * One open of the backend is one open file of the node, so one DRM client:
 * the kernel owns the buffers, contexts, queues and jobs and is the
 * authority on every check; this side keeps what the public API needs on
 * top of the ABI (vaccel_drm.h):
 *  - CPU mappings of buffers (BO_MMAP_OFFSET + mmap, made on first map);
 *  - per fence, the job's (context, queue, seqno), an out-syncobj the job
 *    signals (the handle a later submit passes as an in-syncobj, and the
 *    source of the fence's sync_file fd) and, once known, the job's error;
 *  - per queue, the last seqno, so destroying a context can wait for all
 *    its jobs as the emu device does.
 *
 * Why fences resolve early: DRM_IOCTL_VACCEL_WAIT names a job by context
 * id, which dies with CTX_DESTROY and with the file. So before a context
 * goes, every fence of it still unresolved gets its error read; at close,
 * a fence whose job is still pending keeps a sync_file exported from its
 * syncobj, which outlives the file (a closed file cancels its queued jobs,
 * the kernel then signals their fences).
 *
 * Locking: vdrm_device.lock protects the object lists, the syncobj pool,
 * every fence's resolution state and the counters of blocking waits in
 * flight. A blocking wait never holds it: it counts itself in
 * vdrm_device.fd_users and vdrm_context.waiters instead, so the context id it
 * waits on is not destroyed, and the fd not closed, under it.
 */
#ifndef LIBACCEL_DRM_BACKEND_H
#define LIBACCEL_DRM_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/vaccel_drm.h>

#include "../backend.h"
#include "../list.h"

/* Idle out-syncobjs kept for reuse (see vdrm_fence.c); more are destroyed. */
#define DRM_SYNCOBJ_POOL_MAX 64u
/* Buffer and syncobj lists of a submit up to this size live on the stack. */
#define DRM_SUBMIT_STACK_ENTRIES 64u

/**
 * struct vdrm_device - one open file of a vaccel node.
 * @base: public base, first.
 * @fd: the node's file; closed by accel_device_close(), or after it by the
 *	last blocking wait still using it (@fd_users).
 * @refs: one for the open handle plus one per fence; the last put frees.
 * @lock: see the DOC at the top of this file.
 * @closed: [lock] accel_device_close() ran.
 * @fd_users: [lock] blocking waits inside an ioctl on @fd.
 * @max_cmdbuf_size: DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE, read at open.
 * @max_submit_bos: DRM_VACCEL_PARAM_MAX_SUBMIT_BOS, read at open.
 * @max_submit_syncs: DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS, read at open.
 * @buffers: [lock] live buffers, unmapped and freed on close.
 * @contexts: [lock] live contexts.
 * @orphans: [lock] fences close left with a pending job (on their @link);
 *	close waits for them, as the emu device's close returns only once
 *	every job has ended or been cancelled.
 * @pool: [lock] idle out-syncobj handles.
 * @pool_count: [lock] entries in @pool.
 */
struct vdrm_device {
	struct accel_device base;
	int fd;
	atomic_uint refs;
	pthread_mutex_t lock;
	bool closed;
	uint32_t fd_users;
	uint32_t max_cmdbuf_size;
	uint32_t max_submit_bos;
	uint32_t max_submit_syncs;
	struct accel_list buffers;
	struct accel_list contexts;
	struct accel_list orphans;
	uint32_t pool[DRM_SYNCOBJ_POOL_MAX];
	uint32_t pool_count;
};

/**
 * struct vdrm_buffer - a GEM buffer object of the device.
 * @base: public base, first (base.size is the kernel's rounded size).
 * @dev: owner.
 * @handle: GEM handle in dev->fd.
 * @map: [lock] CPU mapping, NULL until the first accel_buffer_map().
 * @refs: [lock] accel_buffer_free() calls still to come: 1, plus one for
 *	every accel_buffer_import() that found this handle again (the kernel
 *	gives a file one handle per object, so both share it).
 * @link: [lock] in dev->buffers.
 */
struct vdrm_buffer {
	struct accel_buffer base;
	struct vdrm_device *dev;
	uint32_t handle;
	void *map;
	uint32_t refs;
	struct accel_list link;
};

struct vdrm_context;

/**
 * struct vdrm_queue - one queue of a context.
 * @base: public base, first.
 * @ctx: owner.
 * @last_seqno: highest seqno SUBMIT returned on it, 0 before the first job.
 */
struct vdrm_queue {
	struct accel_queue base;
	struct vdrm_context *ctx;
	_Atomic uint64_t last_seqno;
};

/**
 * struct vdrm_context - a kernel context and its queues.
 * @base: public base, first.
 * @dev: owner.
 * @id: the kernel's ctx_id.
 * @destroyed: [lock] the user destroyed it (or the device closed).
 * @waiters: [lock] blocking waits on its jobs in flight; the kernel context
 *	and this struct go once it is destroyed and @waiters is 0.
 * @fences: [lock] its fences whose job error is not known yet.
 * @link: [lock] in dev->contexts until destroyed.
 * @queues: the queues.
 */
struct vdrm_context {
	struct accel_context base;
	struct vdrm_device *dev;
	uint32_t id;
	bool destroyed;
	uint32_t waiters;
	struct accel_list fences;
	struct accel_list link;
	struct vdrm_queue queues[];
};

/**
 * enum vdrm_fence_state - where a fence learns its job's outcome.
 * @DRM_FENCE_PENDING: from the kernel (VACCEL_WAIT on ctx/queue/seqno).
 * @DRM_FENCE_RESOLVED: known, in vdrm_fence.error.
 * @DRM_FENCE_ORPHANED: the device was closed with the job pending: from
 *	the sync_file exported at close.
 */
enum vdrm_fence_state {
	DRM_FENCE_PENDING,
	DRM_FENCE_RESOLVED,
	DRM_FENCE_ORPHANED,
};

/**
 * struct vdrm_fence - the fence of one job.
 * @base: public base, first.
 * @dev: owner (holds a device reference).
 * @ctx: [lock] its context while @state is PENDING, else NULL.
 * @queue: queue index of the job.
 * @seqno: the job's seqno on that queue.
 * @syncobj: the out-syncobj the job signals; 0 once the device is closed.
 * @state: [lock] enum vdrm_fence_state.
 * @error: [lock] the job's negative errno, valid when RESOLVED.
 * @sync_fd: [lock] sync_file (or, for a fence resolved before close and
 *	asked for an fd after it, a signalled eventfd); -1 until needed.
 * @link: [lock] in ctx->fences while PENDING; in dev->orphans if close
 *	orphaned it.
 */
struct vdrm_fence {
	struct accel_fence base;
	struct vdrm_device *dev;
	struct vdrm_context *ctx;
	uint32_t queue;
	uint64_t seqno;
	uint32_t syncobj;
	enum vdrm_fence_state state;
	int error;
	int sync_fd;
	struct accel_list link;
};

static inline struct vdrm_device *vdrm_device_cast(struct accel_device *dev)
{
	return (struct vdrm_device *)dev;
}

static inline struct vdrm_buffer *vdrm_buffer_cast(struct accel_buffer *buf)
{
	return (struct vdrm_buffer *)buf;
}

static inline struct vdrm_context *vdrm_context_cast(struct accel_context *ctx)
{
	return (struct vdrm_context *)ctx;
}

static inline struct vdrm_queue *vdrm_queue_cast(struct accel_queue *q)
{
	return (struct vdrm_queue *)q;
}

static inline struct vdrm_fence *vdrm_fence_cast(struct accel_fence *f)
{
	return (struct vdrm_fence *)f;
}

/* vdrm_device.c */
void vdrm_device_put(struct vdrm_device *dev);
/** vdrm_ioctl() - drmIoctl() as a negative errno (it already restarts on EINTR). */
int vdrm_ioctl(int fd, unsigned long request, void *arg);
/** vdrm_fd_user_put_locked() - a blocking wait is done with dev->fd. */
void vdrm_fd_user_put_locked(struct vdrm_device *dev);

/* vdrm_buffer.c */
int vdrm_buffer_alloc(struct accel_device *dev, uint64_t size, uint32_t flags,
		     struct accel_buffer **out);
void vdrm_buffer_free(struct accel_buffer *buf);
int vdrm_buffer_map(struct accel_buffer *buf, void **ptr);
void vdrm_buffer_unmap(struct accel_buffer *buf);
int vdrm_buffer_export(struct accel_buffer *buf, int *fd);
int vdrm_buffer_import(struct accel_device *dev, int fd, struct accel_buffer **out);
void vdrm_buffer_forget_all_locked(struct vdrm_device *dev);

/* vdrm_context.c */
int vdrm_context_create(struct accel_device *dev, const struct accel_context_desc *desc,
		       struct accel_context **out);
void vdrm_context_destroy(struct accel_context *ctx);
struct accel_queue *vdrm_context_queue(struct accel_context *ctx, uint32_t index);
int vdrm_context_state(struct accel_context *ctx, uint32_t *state, uint32_t *fault_error);
void vdrm_context_waiter_put_locked(struct vdrm_context *ctx, bool *free_it);
void vdrm_context_free(struct vdrm_context *ctx);
void vdrm_context_forget_all_locked(struct vdrm_device *dev);

/* vdrm_submit.c */
int vdrm_queue_submit(struct accel_queue *q, const struct accel_submit *submit,
		     struct accel_fence **fence);

/* vdrm_fence.c */
int vdrm_syncobj_get_locked(struct vdrm_device *dev, uint32_t *handle);
void vdrm_syncobj_put_locked(struct vdrm_device *dev, uint32_t handle);
struct vdrm_fence *vdrm_fence_init(struct vdrm_fence *f, struct vdrm_queue *q, uint64_t seqno,
				 uint32_t syncobj);
int vdrm_fence_poll_locked(struct vdrm_fence *f);
void vdrm_fence_orphan_locked(struct vdrm_fence *f);
void vdrm_fence_wait_orphans(struct vdrm_device *dev);
int vdrm_fence_wait(struct accel_fence *f, int64_t timeout_ns);
int vdrm_fence_status(struct accel_fence *f);
int vdrm_fence_fd(struct accel_fence *f);
void vdrm_fence_release(struct accel_fence *f);

#endif /* LIBACCEL_DRM_BACKEND_H */
