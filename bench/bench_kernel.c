/* SPDX-License-Identifier: MIT */
/*
 * bench_kernel.c - accel-bench --kernel-vs-emu: the fixed cost of one job on
 * the kernel device against the in-process one, in the same process.
 *
 * The round trip is the one bench_submit.c times: submit a command buffer of
 * one NOP, wait for its fence, drop the fence. It runs through libaccel on
 * "emu" and on the kernel node, and the ratio kernel / emu is the price of
 * the ioctls, the DRM scheduler and the kernel engine thread's wakeup.
 *
 * To show where that price goes, the same job is also driven by bare ioctls
 * (no libaccel): SUBMIT then DRM_IOCTL_VACCEL_WAIT (what the drm backend
 * does), SUBMIT then drmSyncobjWait on the out-syncobj (the alternative
 * wait), and the cost of one syncobj create + destroy pair (what the
 * backend's syncobj pool saves per fenced job).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/vaccel_drm.h>

#include "bench.h"

/* The bare-ioctl client: its own file, context and out-syncobj. */
struct kraw {
	int fd;
	uint32_t ctx_id;
	uint32_t syncobj;
	struct vaccel_pkt_nop nop_pkt;
	struct accel_cmdbuf cb;
};

static int kraw_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

static int kraw_submit(struct kraw *k, uint32_t out_sync, uint64_t *seqno)
{
	struct drm_vaccel_submit s = {
		.cmdbuf_ptr = (uintptr_t)k->cb.data,
		.cmdbuf_size = k->cb.size,
		.ctx_id = k->ctx_id,
		.out_sync = out_sync,
	};
	int ret = kraw_ioctl(k->fd, DRM_IOCTL_VACCEL_SUBMIT, &s);

	*seqno = s.seqno;
	return ret;
}

/* SUBMIT + VACCEL_WAIT: the drm backend's path without libaccel. */
static int kraw_round_wait(void *arg)
{
	struct kraw *k = arg;
	struct drm_vaccel_wait w = { .ctx_id = k->ctx_id, .timeout_ns = INT64_MAX };
	uint64_t seqno;
	int ret = kraw_submit(k, 0, &seqno);

	w.seqno = seqno;
	if (!ret)
		ret = kraw_ioctl(k->fd, DRM_IOCTL_VACCEL_WAIT, &w);
	return ret ? ret : -(int)w.job_error;
}

/* SUBMIT with an out-syncobj + drmSyncobjWait on it. */
static int kraw_round_syncobj(void *arg)
{
	struct kraw *k = arg;
	uint64_t seqno;
	int ret = kraw_submit(k, k->syncobj, &seqno);

	if (!ret && drmSyncobjWait(k->fd, &k->syncobj, 1, INT64_MAX,
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL))
		ret = -errno;
	return ret;
}

static int kraw_syncobj_pair(void *arg)
{
	struct kraw *k = arg;
	uint32_t h;

	if (drmSyncobjCreate(k->fd, 0, &h))
		return -errno;
	return drmSyncobjDestroy(k->fd, h) ? -errno : 0;
}

static int kraw_open(struct kraw *k, const char *node)
{
	struct drm_vaccel_ctx_create cc = { .priority = 0, .num_queues = 1 };
	int ret;

	memset(k, 0, sizeof(*k));
	k->fd = open(node, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	ret = kraw_ioctl(k->fd, DRM_IOCTL_VACCEL_CTX_CREATE, &cc);
	if (ret)
		return ret;
	k->ctx_id = cc.ctx_id;
	if (drmSyncobjCreate(k->fd, 0, &k->syncobj))
		return -errno;
	k->nop_pkt = (struct vaccel_pkt_nop){ .hdr = { .opcode = VACCEL_OP_NOP } };
	ret = accel_cmdbuf_init(&k->cb);
	if (!ret)
		ret = accel_cmdbuf_append(&k->cb, &k->nop_pkt, sizeof(k->nop_pkt));
	return ret;
}

static void kraw_close(struct kraw *k)
{
	accel_cmdbuf_fini(&k->cb);
	if (k->fd >= 0)
		close(k->fd); /* the context and syncobj go with the file */
}

/* The libaccel round trip on device @name. */
static int roundtrip_libaccel(const char *name, int iters, struct bench_stats *st)
{
	struct vaccel_pkt_nop nop = { .hdr = { .opcode = VACCEL_OP_NOP } };
	struct bench_dev d;
	struct bench_job job = { .dev = &d, .num_bufs = 0 };
	int ret;

	ret = bench_dev_open_named(&d, name);
	if (!ret)
		ret = accel_cmdbuf_init(&job.cb);
	if (!ret)
		ret = accel_cmdbuf_append(&job.cb, &nop, sizeof(nop));
	if (!ret)
		ret = bench_time(bench_job_run, &job, iters / 10, iters, iters, 0.0, st);
	accel_cmdbuf_fini(&job.cb);
	bench_dev_close(&d);
	return ret;
}

/* The node to measure: @arg, else $ACCEL_DEVICE, else the first drm device. */
static const char *kernel_node(const char *arg, char *buf, size_t size)
{
	struct accel_device_desc descs[16];
	const char *env = getenv("ACCEL_DEVICE");
	int n;

	if (arg)
		return arg;
	if (env && *env && strcmp(env, "emu") && strcmp(env, "emu0"))
		return env;
	n = accel_device_enumerate(descs, 16);
	for (int i = 0; i < n && i < 16; i++) {
		if (!strcmp(descs[i].backend, "drm")) {
			snprintf(buf, size, "%s", descs[i].name);
			return buf;
		}
	}
	return NULL;
}

static void print_stats(const char *what, const struct bench_stats *s)
{
	printf("  %-44s median %9.2f us   p99 %9.2f us\n", what, s->median * 1e6, s->p99 * 1e6);
}

int bench_kernel_vs_emu(const struct bench_opts *o, const char *node_arg)
{
	int iters = o->quick ? 500 : 5000;
	struct bench_stats emu, kern, raw_wait, raw_sync, pair;
	char buf[ACCEL_NAME_MAX], size[24], what[96];
	const char *node = kernel_node(node_arg, buf, sizeof(buf));
	struct kraw k;
	int ret;

	if (!node) {
		printf("kernel vs emu: no vaccel kernel device (is vaccel.ko loaded?): skipped\n");
		return 77;
	}
	ret = roundtrip_libaccel("emu", iters, &emu);
	if (ret) {
		fprintf(stderr, "emu round trip: %s\n", strerror(-ret));
		return 1;
	}
	ret = roundtrip_libaccel(node, iters, &kern);
	if (ret) {
		fprintf(stderr, "%s round trip: %s\n", node, strerror(-ret));
		return 1;
	}
	ret = kraw_open(&k, node);
	if (!ret)
		ret = bench_time(kraw_round_wait, &k, iters / 10, iters, iters, 0.0, &raw_wait);
	if (!ret)
		ret = bench_time(kraw_round_syncobj, &k, iters / 10, iters, iters, 0.0, &raw_sync);
	if (!ret)
		ret = bench_time(kraw_syncobj_pair, &k, iters / 10, iters, iters, 0.0, &pair);
	kraw_close(&k);
	if (ret) {
		fprintf(stderr, "%s bare ioctls: %s\n", node, strerror(-ret));
		return 1;
	}

	printf("empty submit+wait round trip, %d iterations each:\n", iters);
	print_stats("libaccel, emu (in-process)", &emu);
	snprintf(what, sizeof(what), "libaccel, %s (kernel)", node);
	print_stats(what, &kern);
	print_stats("bare ioctls: SUBMIT + VACCEL_WAIT", &raw_wait);
	print_stats("bare ioctls: SUBMIT + drmSyncobjWait", &raw_sync);
	print_stats("syncobj create + destroy (pool saves it)", &pair);
	printf("kernel / emu round trip (median): %.2f\n", kern.median / emu.median);

	snprintf(size, sizeof(size), "%d iters", iters);
	bench_row_add("kernel submit+wait, median", size, "us", kern.median * 1e6,
		      "emu (in-process device)", emu.median * 1e6, BENCH_LOWER_BETTER);
	bench_row_add("kernel submit+wait, p99", size, "us", kern.p99 * 1e6,
		      "emu (in-process device)", emu.p99 * 1e6, BENCH_LOWER_BETTER);
	bench_row_add("kernel submit+wait, median", size, "us", kern.median * 1e6,
		      "bare SUBMIT + VACCEL_WAIT", raw_wait.median * 1e6, BENCH_LOWER_BETTER);
	return 0;
}
