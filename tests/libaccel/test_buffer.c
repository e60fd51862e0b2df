// SPDX-License-Identifier: MIT
/*
 * test_buffer - buffer allocation, mapping, zeroing and memory accounting.
 * The -ENOSPC case runs when the device reports a MEM_LIMIT (meson runs
 * this program a second time with one set).
 */
#include "conformance.h"

static struct accel_device *dev;

static void test_alloc_sizes(void)
{
	static const uint64_t sizes[] = { 1, 63, 4096, 4097, 1 << 20, (3 << 20) + 5 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct accel_buffer *b = NULL;
		uint8_t *p = NULL;
		uint64_t sz;
		int ret = accel_buffer_alloc(dev, sizes[i], 0, &b);

		CHECK(ret == 0, "alloc %llu: %d", (unsigned long long)sizes[i], ret);
		if (ret)
			continue;
		sz = accel_buffer_size(b);
		CHECK(sz >= sizes[i], "size %llu < %llu", (unsigned long long)sz,
		      (unsigned long long)sizes[i]);
		CHECK(accel_buffer_map(b, (void **)&p) == 0 && p, "map");
		if (p) {
			uint64_t nonzero = 0;

			CHECK((uintptr_t)p % 64 == 0, "alignment %p", (void *)p);
			for (uint64_t j = 0; j < sz; j++)
				nonzero += p[j] != 0;
			CHECK(nonzero == 0, "%llu non-zero bytes", (unsigned long long)nonzero);
			/* The whole size is writable (ASan would object otherwise). */
			memset(p, 0xa5, sz);
		}
		accel_buffer_unmap(b);
		accel_buffer_free(b);
	}
}

static void test_alloc_errors(void)
{
	uint64_t max = tl_param(dev, DRM_VACCEL_PARAM_MAX_BO_SIZE);
	struct accel_buffer *b = (struct accel_buffer *)1;

	CHECK(accel_buffer_alloc(dev, 0, 0, &b) == -EINVAL, "size 0");
	CHECK(b == NULL, "out not cleared");
	CHECK(accel_buffer_alloc(dev, max + 1, 0, &b) == -EINVAL, "above MAX_BO_SIZE");
	CHECK(accel_buffer_alloc(dev, UINT64_MAX, 0, &b) == -EINVAL, "UINT64_MAX");
	CHECK(accel_buffer_alloc(dev, 4096, 1, &b) == -EINVAL, "flags");
	CHECK(accel_buffer_alloc(dev, 4096, 0, NULL) == -EINVAL, "NULL out");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == 0, "refused allocs are not counted");
}

static void test_zeroed_after_reuse(void)
{
	/* Dirty a buffer, free it, allocate the same size: the allocator will
	 * likely hand the same memory back, and it must come back zeroed. */
	for (int round = 0; round < 4; round++) {
		void *p;
		struct accel_buffer *b = tl_buffer(dev, 256 << 10, &p);
		const uint8_t *q = p;
		uint64_t nonzero = 0;

		for (uint64_t j = 0; j < accel_buffer_size(b); j++)
			nonzero += q[j] != 0;
		CHECK(nonzero == 0, "round %d: %llu non-zero bytes", round,
		      (unsigned long long)nonzero);
		memset(p, 0xff, accel_buffer_size(b));
		accel_buffer_free(b);
	}
}

static void test_accounting(void)
{
	uint64_t base = tl_param(dev, DRM_VACCEL_PARAM_MEM_USED);
	struct accel_buffer *b[3];
	uint64_t total = 0;
	void *p;

	for (int i = 0; i < 3; i++) {
		b[i] = tl_buffer(dev, (uint64_t)(i + 1) * 10000, &p);
		total += accel_buffer_size(b[i]);
		CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == base + total,
		      "MEM_USED after %d allocs", i + 1);
	}
	accel_buffer_free(b[1]);
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) ==
		      base + accel_buffer_size(b[0]) + accel_buffer_size(b[2]),
	      "MEM_USED after a free");
	accel_buffer_free(b[0]);
	accel_buffer_free(b[2]);
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == base, "MEM_USED back to start");
}

static void test_mem_limit(void)
{
	uint64_t limit = tl_param(dev, DRM_VACCEL_PARAM_MEM_LIMIT);
	struct accel_buffer *bufs[1024];
	const uint64_t chunk = 1 << 20;
	int n = 0, ret = 0;

	if (!limit) {
		printf("# no MEM_LIMIT on this device: -ENOSPC not exercised\n");
		return;
	}
	CHECK(limit / chunk < 1000, "limit too large for this test: %llu",
	      (unsigned long long)limit);
	while (n < 1024) {
		ret = accel_buffer_alloc(dev, chunk, 0, &bufs[n]);
		if (ret)
			break;
		n++;
	}
	CHECK(ret == -ENOSPC, "allocation past the limit gave %d", ret);
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) <= limit, "MEM_USED above the limit");
	CHECK((uint64_t)(n + 1) * chunk > limit, "refused below the limit after %d chunks", n);
	/* A free makes room again. */
	if (n > 0) {
		accel_buffer_free(bufs[--n]);
		ret = accel_buffer_alloc(dev, chunk, 0, &bufs[n]);
		CHECK(ret == 0, "alloc after a free: %d", ret);
		if (!ret)
			n++;
	}
	while (n > 0)
		accel_buffer_free(bufs[--n]);
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == 0, "all returned");
}

static void test_null_args(void)
{
	void *p = (void *)1;

	CHECK(accel_buffer_map(NULL, &p) == -EINVAL && p == NULL, "map NULL buffer");
	CHECK(accel_buffer_size(NULL) == 0, "size of NULL");
	accel_buffer_free(NULL);
	accel_buffer_unmap(NULL);
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_alloc_sizes);
	RUN_CASE(test_alloc_errors);
	RUN_CASE(test_zeroed_after_reuse);
	RUN_CASE(test_accounting);
	RUN_CASE(test_mem_limit);
	RUN_CASE(test_null_args);
	accel_device_close(dev);
	HARNESS_EXIT();
}
