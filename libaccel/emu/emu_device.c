// SPDX-License-Identifier: MIT
/*
 * emu_device.c - the emu backend's vtable, naming, open/close and params.
 *
 * Environment, read at open:
 *   ACCEL_EMU_ENGINES    engine threads, 1 .. 64 (default 2).
 *   ACCEL_EMU_MEM_LIMIT  bytes this client may hold, with an optional K, M
 *                        or G suffix (default 0: no limit).
 *   ACCEL_EMU_THREADS    threads one large elementwise packet is split
 *                        across, the engine thread included, 1 .. 64
 *                        (default: online CPUs; 1 keeps it on the engine).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define EMU_NAME "emu"
#define EMU_WAIT_SPIN_NS_INIT 20000u

static int emu_enumerate(struct accel_device_desc *out, int max)
{
	if (max >= 1) {
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "%s", EMU_NAME);
		snprintf(out->backend, sizeof(out->backend), "%s", EMU_NAME);
		snprintf(out->description, sizeof(out->description),
			 "in-process vaccel device (CPU engine threads)");
	}
	return 1;
}

/* "emu" and "emu0" name the one in-process device. */
static bool emu_match(const char *name)
{
	return !strcmp(name, "emu") || !strcmp(name, "emu0");
}

/* Parse a non-negative integer with an optional K/M/G suffix; -1 if bad. */
static int64_t emu_env_size(const char *var, int64_t dflt)
{
	const char *s = getenv(var);
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end || v > INT64_MAX)
		return -1;
	return (int64_t)v;
}

static int emu_open(const char *name, struct accel_device **out)
{
	int64_t engines = emu_env_size("ACCEL_EMU_ENGINES", EMU_DEFAULT_ENGINES);
	int64_t limit = emu_env_size("ACCEL_EMU_MEM_LIMIT", 0);
	int64_t threads = emu_env_size("ACCEL_EMU_THREADS", emu_pool_default_threads());
	struct emu_device *dev;
	int ret;

	if (engines < 1 || engines > EMU_MAX_ENGINES || limit < 0 || threads < 1 ||
	    threads > EMU_POOL_MAX_THREADS)
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->base.ops = &accel_emu_ops;
	snprintf(dev->base.name, sizeof(dev->base.name), "%s", EMU_NAME);
	atomic_init(&dev->refs, 1);
	dev->num_engines = (uint32_t)engines;
	dev->mem_limit = (uint64_t)limit;
	atomic_init(&dev->mem_used, 0);
	atomic_init(&dev->wait_spin_ns, EMU_WAIT_SPIN_NS_INIT);
	atomic_init(&dev->running, 0);
	accel_list_init(&dev->buffers);
	accel_list_init(&dev->contexts);
	for (uint32_t p = 0; p < EMU_NUM_PRIORITIES; p++)
		accel_list_init(&dev->ready[p]);
	pthread_mutex_init(&dev->lock, NULL);
	pthread_cond_init(&dev->drained, NULL);
	emu_pool_init(&dev->pool, dev, (uint32_t)threads);
	emu_conv_cache_init(&dev->conv);
	ret = emu_sched_start(dev);
	if (ret)
		goto err_fini;
	*out = &dev->base;
	return 0;

err_fini:
	emu_conv_cache_fini(&dev->conv);
	emu_pool_fini(&dev->pool);
	pthread_cond_destroy(&dev->drained);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
	return ret;
}

void emu_device_put(struct emu_device *dev)
{
	if (atomic_fetch_sub_explicit(&dev->refs, 1, memory_order_acq_rel) != 1)
		return;
	pthread_cond_destroy(&dev->drained);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

/*
 * Close like the kernel's file release: jobs not yet started are cancelled
 * (their fences signal -ECANCELED), a running one stops at its next
 * checkpoint; then contexts, buffers and idle job objects go. Fences the
 * user still holds stay valid: each holds a device reference.
 */
static void emu_close(struct accel_device *base)
{
	struct emu_device *dev = emu_device_cast(base);

	emu_sched_stop(dev);
	/* No engine runs a packet any more: helpers and primitives are idle. */
	emu_pool_fini(&dev->pool);
	emu_conv_cache_fini(&dev->conv);
	emu_context_destroy_all(dev);
	emu_buffer_free_all(dev);
	pthread_mutex_lock(&dev->lock);
	emu_job_free_all_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	emu_device_put(dev);
}

static int emu_get_param(struct accel_device *base, uint32_t param, uint64_t *value)
{
	struct emu_device *dev = emu_device_cast(base);

	switch (param) {
	case DRM_VACCEL_PARAM_ABI_VERSION_MAJOR:
		*value = VACCEL_ABI_VERSION_MAJOR;
		return 0;
	case DRM_VACCEL_PARAM_ABI_VERSION_MINOR:
		*value = VACCEL_ABI_VERSION_MINOR;
		return 0;
	case DRM_VACCEL_PARAM_ISA_VERSION:
		*value = ((uint64_t)VACCEL_ISA_VERSION_MAJOR << 16) | VACCEL_ISA_VERSION_MINOR;
		return 0;
	case DRM_VACCEL_PARAM_CAPS:
		/* No dma-bufs, no syncobjs, no job timeout in process. */
		*value = DRM_VACCEL_CAP_FP32;
		return 0;
	case DRM_VACCEL_PARAM_NUM_ENGINES:
		*value = dev->num_engines;
		return 0;
	case DRM_VACCEL_PARAM_NUM_PRIORITIES:
		*value = EMU_NUM_PRIORITIES;
		return 0;
	case DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX:
		*value = EMU_MAX_QUEUES_PER_CTX;
		return 0;
	case DRM_VACCEL_PARAM_MAX_BO_SIZE:
		*value = EMU_MAX_BO_SIZE;
		return 0;
	case DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE:
		*value = EMU_MAX_CMDBUF_SIZE;
		return 0;
	case DRM_VACCEL_PARAM_MAX_SUBMIT_BOS:
		*value = EMU_MAX_SUBMIT_BOS;
		return 0;
	case DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS:
		*value = EMU_MAX_SUBMIT_SYNCS;
		return 0;
	case DRM_VACCEL_PARAM_MEM_LIMIT:
		*value = dev->mem_limit;
		return 0;
	case DRM_VACCEL_PARAM_MEM_USED:
		*value = atomic_load_explicit(&dev->mem_used, memory_order_relaxed);
		return 0;
	default:
		return -EINVAL;
	}
}

const struct accel_backend_ops accel_emu_ops = {
	.name = EMU_NAME,
	.enumerate = emu_enumerate,
	.match = emu_match,
	.open = emu_open,
	.close = emu_close,
	.get_param = emu_get_param,
	.buffer_alloc = emu_buffer_alloc,
	.buffer_free = emu_buffer_free,
	.buffer_map = emu_buffer_map,
	.buffer_unmap = emu_buffer_unmap,
	.context_create = emu_context_create,
	.context_destroy = emu_context_destroy,
	.context_queue = emu_context_queue,
	.context_state = emu_context_state,
	.queue_submit = emu_queue_submit,
	.fence_wait = emu_fence_wait,
	.fence_status = emu_fence_status,
	.fence_fd = emu_fence_fd,
	.fence_release = emu_job_release,
};
