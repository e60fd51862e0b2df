// SPDX-License-Identifier: MIT
/*
 * test_prime - sharing buffers as dma-bufs (accel_buffer_export/import).
 *
 * A device that reports DRM_VACCEL_CAP_PRIME must let a second client (a
 * second open of the same device: another DRM file) import an exported
 * buffer and see the same memory both ways, through CPU mappings and
 * through jobs; re-importing into the exporting client must give back the
 * same buffer. A device without the cap must refuse both calls with
 * -EOPNOTSUPP, and every device must refuse bad arguments the same way.
 */
#include <fcntl.h>
#include <unistd.h>

#include "conformance.h"

#define N 4096u

static bool has_prime(struct accel_device *dev)
{
	return tl_param(dev, DRM_VACCEL_PARAM_CAPS) & DRM_VACCEL_CAP_PRIME;
}

static void test_bad_arguments(void)
{
	struct accel_device *dev = tl_open();
	struct accel_buffer *buf, *imp;
	void *ptr;
	int fd = 12345;

	/* imp is set to a non-NULL value before each call: failures clear it. */
	buf = tl_buffer(dev, N * sizeof(float), &ptr);
	CHECK(accel_buffer_export(NULL, &fd) == -EINVAL && fd == -1, "export NULL buffer");
	CHECK(accel_buffer_export(buf, NULL) == -EINVAL, "export NULL fd");
	imp = buf;
	CHECK(accel_buffer_import(NULL, 0, &imp) == -EINVAL && !imp, "import NULL device");
	CHECK(accel_buffer_import(dev, 0, NULL) == -EINVAL, "import NULL out");
	imp = buf;
	CHECK(accel_buffer_import(dev, -1, &imp) == -EBADF && !imp, "import fd -1");
	if (has_prime(dev)) {
		/* A valid fd that is not a dma-buf. */
		int notbuf = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int ret;

		imp = buf;
		ret = accel_buffer_import(dev, notbuf, &imp);

		CHECK(ret == -EINVAL || ret == -EBADF, "import /dev/null: %d", ret);
		CHECK(!imp, "no buffer on failure");
		close(notbuf);
	}
	accel_buffer_free(buf);
	accel_device_close(dev);
}

static void test_unsupported(void)
{
	struct accel_device *dev = tl_open();
	struct accel_buffer *buf, *imp = NULL;
	void *ptr;
	int fd = 0;

	if (has_prime(dev)) {
		accel_device_close(dev);
		return;
	}
	buf = tl_buffer(dev, N * sizeof(float), &ptr);
	CHECK(accel_buffer_export(buf, &fd) == -EOPNOTSUPP && fd == -1, "export without cap");
	CHECK(accel_buffer_import(dev, 0, &imp) == -EOPNOTSUPP && !imp, "import without cap");
	accel_buffer_free(buf);
	accel_device_close(dev);
}

/* Client A exports, client B imports: the same memory in both directions. */
static void test_share_between_clients(void)
{
	struct accel_device *a = tl_open(), *b = tl_open();
	struct accel_buffer *abuf, *bimp = NULL, *bown, *again = NULL;
	struct accel_context *ctx;
	struct accel_cmdbuf cb;
	float *amem, *bmem, *own;
	void *p;
	int fd = -1, ret;

	if (!has_prime(a)) {
		accel_device_close(b);
		accel_device_close(a);
		return;
	}
	abuf = tl_buffer(a, N * sizeof(float), &p);
	amem = p;
	for (uint32_t i = 0; i < N; i++)
		amem[i] = (float)i * 0.5f;
	ret = accel_buffer_export(abuf, &fd);
	CHECK(ret == 0 && fd >= 0, "export: %d", ret);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "exported fd is close-on-exec");

	ret = accel_buffer_import(b, fd, &bimp);
	CHECK(ret == 0 && bimp, "import into B: %d", ret);
	if (ret) {
		close(fd);
		goto out;
	}
	CHECK(accel_buffer_size(bimp) == accel_buffer_size(abuf), "size %llu vs %llu",
	      (unsigned long long)accel_buffer_size(bimp),
	      (unsigned long long)accel_buffer_size(abuf));
	CHECK(accel_buffer_map(bimp, &p) == 0, "map imported");
	bmem = p;
	CHECK(bmem[N - 1] == (float)(N - 1) * 0.5f, "B sees what A wrote: %g", bmem[N - 1]);

	/* A job of B reads the imported buffer and writes into it. */
	bown = tl_buffer(b, N * sizeof(float), &p);
	own = p;
	ctx = tl_context(b, 0, 1);
	CHECK(accel_cmdbuf_init(&cb) == 0, "cmdbuf");
	CHECK(tl_copy(&cb, 1, 0, 0, 0, N) == 0, "copy packet");
	CHECK(tl_fill(&cb, 0, 0, N / 2, -3.0f) == 0, "fill packet");
	{
		struct accel_buffer *bufs[2] = { bimp, bown };

		CHECK(tl_run(accel_context_queue(ctx, 0), &cb, bufs, 2) == 0, "job on B");
	}
	CHECK(own[7] == 3.5f && own[N - 1] == (float)(N - 1) * 0.5f, "B's job read A's data");
	CHECK(amem[0] == -3.0f && amem[N / 2 - 1] == -3.0f && amem[N / 2] == (float)N / 4,
	      "A sees what B's job wrote: %g %g", amem[0], amem[N / 2]);
	accel_cmdbuf_fini(&cb);
	accel_context_destroy(ctx);
	accel_buffer_free(bown);

	/* Importing into the exporter gives its own buffer back, one more ref. */
	ret = accel_buffer_import(a, fd, &again);
	CHECK(ret == 0 && again == abuf, "re-import into A: %d, same buffer %d", ret,
	      again == abuf);
	close(fd);
	if (again == abuf)
		accel_buffer_free(again);
	/* The first free above dropped a reference only: the memory is still A's. */
	CHECK(amem[N - 1] == (float)(N - 1) * 0.5f, "A's mapping still valid");

	/* B keeps the memory after A frees its buffer. */
	accel_buffer_free(abuf);
	CHECK(bmem[N / 2] == (float)N / 4, "B still reads after A freed");
	accel_buffer_free(bimp);
out:
	accel_device_close(b);
	accel_device_close(a);
}

int main(void)
{
	RUN_CASE(test_bad_arguments);
	RUN_CASE(test_unsupported);
	RUN_CASE(test_share_between_clients);
	HARNESS_EXIT();
}
