/* SPDX-License-Identifier: MIT */
/*
 * bench_dev.c - the "ours" side: the default device, buffers, and one
 * prepared job submitted and waited for per timed iteration.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

int bench_dev_open(struct bench_dev *d)
{
	return bench_dev_open_named(d, NULL);
}

int bench_dev_open_named(struct bench_dev *d, const char *name)
{
	struct accel_context_desc desc = { .priority = 0, .num_queues = 1 };
	int ret;

	memset(d, 0, sizeof(*d));
	ret = accel_device_open(name, &d->dev);
	if (ret) {
		fprintf(stderr, "accel_device_open(%s): %s\n", name ? name : "default",
			strerror(-ret));
		return ret;
	}
	ret = accel_context_create(d->dev, &desc, &d->ctx);
	if (ret) {
		fprintf(stderr, "accel_context_create: %s\n", strerror(-ret));
		return ret;
	}
	d->q = accel_context_queue(d->ctx, 0);
	return d->q ? 0 : -ENOENT;
}

void bench_dev_close(struct bench_dev *d)
{
	if (d->ctx)
		accel_context_destroy(d->ctx);
	if (d->dev)
		accel_device_close(d->dev);
	memset(d, 0, sizeof(*d));
}

int bench_dev_buffer(struct bench_dev *d, uint64_t size, struct accel_buffer **buf,
		     void **map)
{
	int ret = accel_buffer_alloc(d->dev, size, 0, buf);

	if (ret) {
		fprintf(stderr, "accel_buffer_alloc(%llu): %s\n", (unsigned long long)size,
			strerror(-ret));
		return ret;
	}
	ret = accel_buffer_map(*buf, map);
	if (ret) {
		fprintf(stderr, "accel_buffer_map: %s\n", strerror(-ret));
		accel_buffer_free(*buf);
		*buf = NULL;
	}
	return ret;
}

int bench_job_run(void *arg)
{
	struct bench_job *job = arg;
	struct accel_submit s = {
		.cmdbuf = job->cb.data,
		.cmdbuf_size = job->cb.size,
		.num_buffers = job->num_bufs,
		.buffers = job->bufs,
	};
	struct accel_fence *f;
	int ret;

	ret = accel_queue_submit(job->dev->q, &s, &f);
	if (ret) {
		const struct accel_error_info *e = accel_last_error();

		fprintf(stderr, "accel_queue_submit: %s (%s)\n", strerror(-ret),
			e ? e->message : "");
		return ret;
	}
	ret = accel_fence_wait(f, -1);
	accel_fence_put(f);
	if (ret)
		fprintf(stderr, "job failed: %s\n", strerror(-ret));
	return ret;
}
