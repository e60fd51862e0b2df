// SPDX-License-Identifier: MIT
/*
 * fence.c - public fence entry points and the reference count every
 * backend's fence shares.
 */
#include <errno.h>

#include "backend.h"

int accel_fence_wait(struct accel_fence *f, int64_t timeout_ns)
{
	if (!f)
		return -EINVAL;
	return f->ops->fence_wait(f, timeout_ns);
}

int accel_fence_status(struct accel_fence *f)
{
	if (!f)
		return -EINVAL;
	return f->ops->fence_status(f);
}

int accel_fence_fd(struct accel_fence *f)
{
	if (!f)
		return -EINVAL;
	return f->ops->fence_fd(f);
}

struct accel_fence *accel_fence_get(struct accel_fence *f)
{
	if (f)
		atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	return f;
}

void accel_fence_put(struct accel_fence *f)
{
	/* acq_rel: the releaser must see every write made under the other refs. */
	if (f && atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) == 1)
		f->ops->fence_release(f);
}
