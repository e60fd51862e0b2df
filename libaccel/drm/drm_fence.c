// SPDX-License-Identifier: MIT
/*
 * drm_fence.c - fences of kernel jobs and the pool of out-syncobjs.
 *
 * A fence knows its job as (context, queue, seqno). Waits go through
 * DRM_IOCTL_VACCEL_WAIT with an absolute CLOCK_MONOTONIC deadline: one
 * ioctl that sleeps until the job ends and reports its error, which a
 * syncobj wait cannot (a dma-fence error is not part of the syncobj ABI).
 * Once known, the outcome is kept (RESOLVED) and no ioctl is made again.
 *
 * The job's out-syncobj serves two purposes: a later submit passes it as an
 * in-syncobj to wait for this job in the kernel, and accel_fence_fd()
 * exports it as a sync_file, which polls readable once the job's fence has
 * signalled and lives independently of the device file.
 *
 * Syncobjs are recycled through a small per-device pool instead of being
 * created and destroyed per job: SUBMIT replaces a syncobj's fence, so a
 * reused one needs no reset, and the pool saves two ioctls per fenced job.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "drm_backend.h"

int vdrm_syncobj_get_locked(struct vdrm_device *dev, uint32_t *handle)
{
	if (dev->pool_count) {
		*handle = dev->pool[--dev->pool_count];
		return 0;
	}
	return drmSyncobjCreate(dev->fd, 0, handle) ? -errno : 0;
}

void vdrm_syncobj_put_locked(struct vdrm_device *dev, uint32_t handle)
{
	if (dev->closed)
		return; /* went with the file */
	if (dev->pool_count < DRM_SYNCOBJ_POOL_MAX)
		dev->pool[dev->pool_count++] = handle;
	else
		drmSyncobjDestroy(dev->fd, handle);
}

struct vdrm_fence *vdrm_fence_init(struct vdrm_fence *f, struct vdrm_queue *q, uint64_t seqno,
				 uint32_t syncobj)
{
	struct vdrm_context *ctx = q->ctx;
	struct vdrm_device *dev = ctx->dev;

	f->base.ops = &accel_drm_ops;
	f->base.dev = &dev->base;
	atomic_init(&f->base.refs, 1);
	f->dev = dev;
	f->ctx = ctx;
	f->queue = q->base.index;
	f->seqno = seqno;
	f->syncobj = syncobj;
	f->state = DRM_FENCE_PENDING;
	f->sync_fd = -1;
	atomic_fetch_add_explicit(&dev->refs, 1, memory_order_relaxed);
	pthread_mutex_lock(&dev->lock);
	accel_list_add_tail(&ctx->fences, &f->link);
	pthread_mutex_unlock(&dev->lock);
	return f;
}

static void vdrm_fence_resolve_locked(struct vdrm_fence *f, int error)
{
	if (f->state == DRM_FENCE_PENDING) {
		accel_list_del(&f->link);
		f->ctx = NULL;
	}
	f->state = DRM_FENCE_RESOLVED;
	f->error = error;
}

/* The job's outcome from an orphaned fence's sync_file; -EBUSY if pending. */
static int vdrm_fence_poll_sync_file_locked(struct vdrm_fence *f)
{
	struct sync_file_info info = { .num_fences = 0 };

	if (ioctl(f->sync_fd, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	if (info.status == 0)
		return -EBUSY;
	/* 1: signalled without error; < 0: the error the kernel set. */
	vdrm_fence_resolve_locked(f, info.status < 0 ? info.status : 0);
	return f->error;
}

/* 0 or the job's negative errno if it ended, -EBUSY if not; never blocks. */
int vdrm_fence_poll_locked(struct vdrm_fence *f)
{
	struct drm_vaccel_wait w;
	int ret;

	switch (f->state) {
	case DRM_FENCE_RESOLVED:
		return f->error;
	case DRM_FENCE_ORPHANED:
		return vdrm_fence_poll_sync_file_locked(f);
	case DRM_FENCE_PENDING:
		break;
	}
	/* A deadline in the past makes VACCEL_WAIT a poll. */
	w = (struct drm_vaccel_wait){
		.ctx_id = f->ctx->id,
		.queue = f->queue,
		.seqno = f->seqno,
		.timeout_ns = 0,
	};
	ret = vdrm_ioctl(f->dev->fd, DRM_IOCTL_VACCEL_WAIT, &w);
	if (ret == -ETIME)
		return -EBUSY;
	if (ret)
		return ret;
	vdrm_fence_resolve_locked(f, -(int)w.job_error);
	return f->error;
}

/*
 * The fence's context or the file is about to go with the job still
 * pending: keep its fence as a sync_file, which outlives both.
 */
void vdrm_fence_orphan_locked(struct vdrm_fence *f)
{
	if (f->sync_fd < 0 && drmSyncobjExportSyncFile(f->dev->fd, f->syncobj, &f->sync_fd)) {
		/* Nothing left to learn the outcome from: say why. */
		vdrm_fence_resolve_locked(f, -errno);
		f->sync_fd = -1;
		return;
	}
	accel_list_del(&f->link);
	f->ctx = NULL;
	f->state = DRM_FENCE_ORPHANED;
	if (f->dev->closed)
		accel_list_add_tail(&f->dev->orphans, &f->link);
}

/* A reference to @f unless its last one is already gone (release is near). */
static bool vdrm_fence_get_unless_zero(struct vdrm_fence *f)
{
	unsigned int refs = atomic_load_explicit(&f->base.refs, memory_order_relaxed);

	do {
		if (!refs)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&f->base.refs, &refs, refs + 1,
							memory_order_relaxed,
							memory_order_relaxed));
	return true;
}

/*
 * The end of close: the file is gone (or will be once the blocking waits
 * still using it return), and the kernel ends or cancels what it had
 * queued. Wait for every orphaned fence to signal, so that after close each
 * fence reports the outcome, as it does on the emu device.
 */
void vdrm_fence_wait_orphans(struct vdrm_device *dev)
{
	struct vdrm_fence **held = NULL;
	size_t n = 0, cap = 0;

	pthread_mutex_lock(&dev->lock);
	for (struct accel_list *l = dev->orphans.next; l != &dev->orphans; l = l->next)
		cap++;
	if (cap)
		held = malloc(cap * sizeof(*held));
	for (struct accel_list *l = dev->orphans.next; held && l != &dev->orphans; l = l->next) {
		struct vdrm_fence *f = accel_container_of(l, struct vdrm_fence, link);

		if (vdrm_fence_get_unless_zero(f))
			held[n++] = f;
	}
	pthread_mutex_unlock(&dev->lock);
	/* Without memory for the list, fences still signal, just later. */
	for (size_t i = 0; i < n; i++) {
		struct pollfd pfd = { .fd = held[i]->sync_fd, .events = POLLIN };

		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
		pthread_mutex_lock(&dev->lock);
		vdrm_fence_poll_locked(held[i]);
		pthread_mutex_unlock(&dev->lock);
		accel_fence_put(&held[i]->base);
	}
	free(held);
}

static uint64_t vdrm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Absolute deadline for a relative timeout (> 0), saturating. */
static int64_t vdrm_deadline(int64_t timeout_ns)
{
	uint64_t now = vdrm_now_ns();

	if (timeout_ns < 0 || (uint64_t)timeout_ns > (uint64_t)INT64_MAX - now)
		return INT64_MAX;
	return (int64_t)(now + (uint64_t)timeout_ns);
}

/* Wait on an orphaned fence's sync_file (@fd, stable until release). */
static int vdrm_fence_wait_orphan(struct vdrm_fence *f, int fd, int64_t timeout_ns)
{
	int64_t deadline = vdrm_deadline(timeout_ns);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	for (;;) {
		struct timespec ts, *tsp = NULL;
		int n;

		if (timeout_ns >= 0) {
			uint64_t now = vdrm_now_ns();
			uint64_t left = (uint64_t)deadline > now ? (uint64_t)deadline - now : 0;

			ts.tv_sec = (time_t)(left / 1000000000ull);
			ts.tv_nsec = (long)(left % 1000000000ull);
			tsp = &ts;
		}
		n = ppoll(&pfd, 1, tsp, NULL);
		if (n > 0)
			break;
		if (n == 0)
			return -ETIME;
		if (errno != EINTR)
			return -errno;
	}
	pthread_mutex_lock(&f->dev->lock);
	ret = vdrm_fence_poll_locked(f);
	pthread_mutex_unlock(&f->dev->lock);
	return ret == -EBUSY ? -ETIME : ret;
}

int vdrm_fence_wait(struct accel_fence *base, int64_t timeout_ns)
{
	struct vdrm_fence *f = vdrm_fence_cast(base);
	struct vdrm_device *dev = f->dev;
	struct vdrm_context *ctx;
	struct drm_vaccel_wait w;
	bool free_ctx;
	int fd, ret;

	pthread_mutex_lock(&dev->lock);
	if (f->state == DRM_FENCE_ORPHANED && timeout_ns != 0) {
		fd = f->sync_fd;
		pthread_mutex_unlock(&dev->lock);
		return vdrm_fence_wait_orphan(f, fd, timeout_ns);
	}
	if (f->state != DRM_FENCE_PENDING || timeout_ns == 0) {
		ret = vdrm_fence_poll_locked(f);
		pthread_mutex_unlock(&dev->lock);
		return ret == -EBUSY ? -ETIME : ret;
	}
	/* Block without the lock; the counts keep the context id and the
	 * file valid meanwhile. */
	ctx = f->ctx;
	ctx->waiters++;
	dev->fd_users++;
	fd = dev->fd;
	w = (struct drm_vaccel_wait){ .ctx_id = ctx->id, .queue = f->queue, .seqno = f->seqno };
	pthread_mutex_unlock(&dev->lock);

	/* drmIoctl restarts on EINTR; the deadline is absolute, so a restart
	 * does not extend it. */
	w.timeout_ns = vdrm_deadline(timeout_ns);
	ret = vdrm_ioctl(fd, DRM_IOCTL_VACCEL_WAIT, &w);

	pthread_mutex_lock(&dev->lock);
	if (!ret && f->state != DRM_FENCE_RESOLVED)
		vdrm_fence_resolve_locked(f, -(int)w.job_error);
	if (f->state == DRM_FENCE_RESOLVED)
		ret = f->error;
	vdrm_context_waiter_put_locked(ctx, &free_ctx);
	vdrm_fd_user_put_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	if (free_ctx)
		vdrm_context_free(ctx);
	return ret;
}

int vdrm_fence_status(struct accel_fence *base)
{
	struct vdrm_fence *f = vdrm_fence_cast(base);
	int ret;

	pthread_mutex_lock(&f->dev->lock);
	ret = vdrm_fence_poll_locked(f);
	pthread_mutex_unlock(&f->dev->lock);
	return ret;
}

int vdrm_fence_fd(struct accel_fence *base)
{
	struct vdrm_fence *f = vdrm_fence_cast(base);
	struct vdrm_device *dev = f->dev;
	int ret;

	pthread_mutex_lock(&dev->lock);
	if (f->sync_fd < 0) {
		if (!dev->closed) {
			/* A sync_file polls readable once the job's fence signals. */
			if (drmSyncobjExportSyncFile(dev->fd, f->syncobj, &f->sync_fd))
				f->sync_fd = -errno;
		} else {
			/* Resolved before the close (else it would hold a
			 * sync_file): an eventfd that is readable already. */
			f->sync_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
			if (f->sync_fd < 0)
				f->sync_fd = -errno;
		}
	}
	ret = f->sync_fd;
	if (ret < 0)
		f->sync_fd = -1; /* a failure is reported, not kept */
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

void vdrm_fence_release(struct accel_fence *base)
{
	struct vdrm_fence *f = vdrm_fence_cast(base);
	struct vdrm_device *dev = f->dev;

	pthread_mutex_lock(&dev->lock);
	/* Off its context's list or dev->orphans (a no-op if on neither). */
	accel_list_del(&f->link);
	vdrm_syncobj_put_locked(dev, f->syncobj);
	pthread_mutex_unlock(&dev->lock);
	if (f->sync_fd >= 0)
		close(f->sync_fd);
	free(f);
	vdrm_device_put(dev);
}
