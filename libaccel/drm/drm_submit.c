// SPDX-License-Identifier: MIT
/*
 * drm_submit.c - queue a command buffer on the kernel device.
 *
 * The checks the emu device makes run here first, in the same order and
 * with the same words (counts -E2BIG, lists -EINVAL, then vaccel_validate()
 * for accel_last_error()), so a refused submit reads the same on either
 * device; the kernel checks everything again and is the authority. Then the
 * public objects become ABI handles: buffers their GEM handles, wait fences
 * their out-syncobjs (in-syncobjs here), and a fence asked for gets an
 * out-syncobj from the pool.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vaccel_engine.h"

#include "drm_backend.h"

static int vdrm_submit_check_lists(struct vdrm_device *dev, const struct accel_submit *s)
{
	if (s->cmdbuf_size > dev->max_cmdbuf_size) {
		accel_error_set(UINT32_MAX, "cmdbuf_size", "cmdbuf_size %u exceeds %u bytes",
				s->cmdbuf_size, dev->max_cmdbuf_size);
		return -E2BIG;
	}
	if (s->num_buffers > dev->max_submit_bos) {
		accel_error_set(UINT32_MAX, "num_buffers", "num_buffers %u exceeds %u",
				s->num_buffers, dev->max_submit_bos);
		return -E2BIG;
	}
	if (s->num_wait_fences > dev->max_submit_syncs) {
		accel_error_set(UINT32_MAX, "num_wait_fences", "num_wait_fences %u exceeds %u",
				s->num_wait_fences, dev->max_submit_syncs);
		return -E2BIG;
	}
	for (uint32_t i = 0; i < s->num_buffers; i++) {
		if (!s->buffers[i] || s->buffers[i]->dev != &dev->base) {
			accel_error_set(UINT32_MAX, "buffers", "buffers[%u] is %s", i,
					s->buffers[i] ? "of another device" : "NULL");
			return -EINVAL;
		}
	}
	for (uint32_t i = 0; i < s->num_wait_fences; i++) {
		const struct accel_fence *f = s->wait_fences[i];

		if (!f || f->ops != &accel_drm_ops || f->dev != &dev->base) {
			accel_error_set(UINT32_MAX, "wait_fences", "wait_fences[%u] is %s", i,
					f ? "of another device" : "NULL");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The arrays one submit needs, on the stack up to DRM_SUBMIT_STACK_ENTRIES
 * entries (the common case allocates nothing), else on the heap.
 */
struct vdrm_submit_arrays {
	struct vaccel_engine_buffer ebufs_stack[DRM_SUBMIT_STACK_ENTRIES];
	uint32_t handles_stack[DRM_SUBMIT_STACK_ENTRIES];
	uint32_t syncs_stack[DRM_SUBMIT_STACK_ENTRIES];
	struct vaccel_engine_buffer *ebufs;
	uint32_t *handles;
	uint32_t *syncs;
};

static int vdrm_submit_arrays_init(struct vdrm_submit_arrays *a, uint32_t nbufs, uint32_t nsyncs)
{
	a->ebufs = a->ebufs_stack;
	a->handles = a->handles_stack;
	a->syncs = a->syncs_stack;
	if (nbufs > DRM_SUBMIT_STACK_ENTRIES) {
		a->ebufs = malloc(nbufs * sizeof(*a->ebufs));
		a->handles = malloc(nbufs * sizeof(*a->handles));
	}
	if (nsyncs > DRM_SUBMIT_STACK_ENTRIES)
		a->syncs = malloc(nsyncs * sizeof(*a->syncs));
	return a->ebufs && a->handles && a->syncs ? 0 : -ENOMEM;
}

static void vdrm_submit_arrays_fini(struct vdrm_submit_arrays *a)
{
	if (a->ebufs != a->ebufs_stack)
		free(a->ebufs);
	if (a->handles != a->handles_stack)
		free(a->handles);
	if (a->syncs != a->syncs_stack)
		free(a->syncs);
}

/* Words for what the kernel refused after our own checks passed. */
static void vdrm_submit_report_kernel(int ret)
{
	if (ret == -ECANCELED)
		accel_error_set(UINT32_MAX, "", "context is banned after a fault");
	else
		accel_error_set(UINT32_MAX, "", "the kernel refused the submit: %s",
				strerror(-ret));
}

/* Record the highest seqno handed out on @q (submits may race). */
static void vdrm_queue_note_seqno(struct vdrm_queue *q, uint64_t seqno)
{
	uint64_t cur = atomic_load_explicit(&q->last_seqno, memory_order_relaxed);

	while (cur < seqno && !atomic_compare_exchange_weak_explicit(&q->last_seqno, &cur, seqno,
								     memory_order_relaxed,
								     memory_order_relaxed))
		;
}

int vdrm_queue_submit(struct accel_queue *base, const struct accel_submit *s,
		     struct accel_fence **fence)
{
	struct vdrm_queue *q = vdrm_queue_cast(base);
	struct vdrm_context *ctx = q->ctx;
	struct vdrm_device *dev = ctx->dev;
	struct drm_vaccel_submit args = { 0 };
	struct vdrm_submit_arrays a;
	struct vaccel_verror ve = { 0 };
	struct vdrm_fence *f = NULL;
	uint32_t syncobj = 0;
	int ret;

	ret = vdrm_submit_check_lists(dev, s);
	if (ret)
		return ret;
	ret = vdrm_submit_arrays_init(&a, s->num_buffers, s->num_wait_fences);
	if (ret)
		goto out_arrays;
	for (uint32_t i = 0; i < s->num_buffers; i++) {
		struct vdrm_buffer *buf = vdrm_buffer_cast(s->buffers[i]);

		a.ebufs[i].ptr = NULL;
		a.ebufs[i].size = buf->base.size;
		a.handles[i] = buf->handle;
	}
	ret = vaccel_validate(s->cmdbuf, s->cmdbuf_size, a.ebufs, s->num_buffers, &ve);
	if (ret) {
		accel_error_set_verror(&ve);
		goto out_arrays;
	}
	/* A wait fence's syncobj is its own while the caller holds it; one
	 * already signalled costs the kernel nothing to wait for. */
	for (uint32_t i = 0; i < s->num_wait_fences; i++)
		a.syncs[i] = vdrm_fence_cast(s->wait_fences[i])->syncobj;

	if (fence) {
		/* Everything that can fail without the kernel fails before the
		 * job is queued: a queued job always gets its fence. */
		f = calloc(1, sizeof(*f));
		if (!f) {
			ret = -ENOMEM;
			goto out_arrays;
		}
		pthread_mutex_lock(&dev->lock);
		ret = vdrm_syncobj_get_locked(dev, &syncobj);
		pthread_mutex_unlock(&dev->lock);
		if (ret)
			goto out_free_fence;
	}

	args.cmdbuf_ptr = (uintptr_t)s->cmdbuf;
	args.cmdbuf_size = s->cmdbuf_size;
	args.ctx_id = ctx->id;
	args.bo_handles_ptr = (uintptr_t)a.handles;
	args.bo_count = s->num_buffers;
	args.queue = base->index;
	args.in_syncs_ptr = (uintptr_t)a.syncs;
	args.in_sync_count = s->num_wait_fences;
	args.out_sync = syncobj;
	ret = vdrm_ioctl(dev->fd, DRM_IOCTL_VACCEL_SUBMIT, &args);
	if (ret) {
		vdrm_submit_report_kernel(ret);
		goto out_put_syncobj;
	}
	vdrm_queue_note_seqno(q, args.seqno);
	if (fence)
		*fence = &vdrm_fence_init(f, q, args.seqno, syncobj)->base;
	vdrm_submit_arrays_fini(&a);
	return 0;

out_put_syncobj:
	if (syncobj) {
		pthread_mutex_lock(&dev->lock);
		vdrm_syncobj_put_locked(dev, syncobj);
		pthread_mutex_unlock(&dev->lock);
	}
out_free_fence:
	free(f);
out_arrays:
	vdrm_submit_arrays_fini(&a);
	return ret;
}
