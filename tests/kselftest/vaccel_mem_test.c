// SPDX-License-Identifier: MIT
/*
 * vaccel_mem_test - per-client buffer memory: DRM_VACCEL_PARAM_MEM_USED
 * follows every create and destroy (page-rounded sizes), and the limit, set
 * through the device's sysfs mem_limit or the mem_limit module parameter,
 * refuses a create that would go past it with -ENOSPC, per client.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

#define KiB 1024ull

FIXTURE(dev)
{
	int fd;
	char sysfs[256]; /* the device's mem_limit attribute */
	long long saved_limit; /* restored by teardown; -1: untouched */
};

FIXTURE_SETUP(dev)
{
	struct stat st;

	self->saved_limit = -1;
	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
	ASSERT_EQ(0, fstat(self->fd, &st));
	snprintf(self->sysfs, sizeof(self->sysfs), "/sys/dev/char/%u:%u/device/mem_limit",
		 major(st.st_rdev), minor(st.st_rdev));
}

static long long read_ll(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_ll(const char *path, long long v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fprintf(f, "%lld\n", v) > 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

FIXTURE_TEARDOWN(dev)
{
	if (self->saved_limit >= 0)
		EXPECT_EQ(0, write_ll(self->sysfs, self->saved_limit));
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, mem_used_follows_create_and_destroy)
{
	uint32_t a, b;
	long page = sysconf(_SC_PAGESIZE);
	int fd2;

	ASSERT_EQ(0, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	ASSERT_EQ(0, vt_bo_create(self->fd, 1, &a));
	EXPECT_EQ(page, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	ASSERT_EQ(0, vt_bo_create(self->fd, 2 * page + 1, &b));
	EXPECT_EQ(4 * page, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	/* Another client's use is its own. */
	fd2 = vt_open();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, vt_param(fd2, DRM_VACCEL_PARAM_MEM_USED));
	{
		uint32_t c;

		ASSERT_EQ(0, vt_bo_create(fd2, 64 * KiB, &c));
		EXPECT_EQ(64 * KiB, vt_param(fd2, DRM_VACCEL_PARAM_MEM_USED));
	}
	close(fd2);
	EXPECT_EQ(4 * page, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	ASSERT_EQ(0, vt_bo_destroy(self->fd, a));
	EXPECT_EQ(3 * page, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	ASSERT_EQ(0, vt_bo_destroy(self->fd, b));
	EXPECT_EQ(0, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
}

TEST_F(dev, sysfs_limit_gives_enospc)
{
	const long long limit = 1024 * KiB;
	uint32_t h1, h2, h3;
	int fd2;

	self->saved_limit = read_ll(self->sysfs);
	ASSERT_LE(0, self->saved_limit);
	ASSERT_EQ(0, write_ll(self->sysfs, limit));
	EXPECT_EQ(limit, read_ll(self->sysfs));
	EXPECT_EQ(limit, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_LIMIT));

	ASSERT_EQ(0, vt_bo_create(self->fd, 512 * KiB, &h1));
	EXPECT_EQ(-ENOSPC, vt_bo_create(self->fd, 512 * KiB + 1, &h2));
	/* A refused create charges nothing. */
	EXPECT_EQ(512 * KiB, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	/* Up to the limit exactly is allowed; one page more is not. */
	ASSERT_EQ(0, vt_bo_create(self->fd, 512 * KiB, &h2));
	EXPECT_EQ(-ENOSPC, vt_bo_create(self->fd, 1, &h3));
	EXPECT_EQ(limit, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_USED));
	/* The limit is per client. */
	fd2 = vt_open();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, vt_bo_create(fd2, 512 * KiB, &h3));
	close(fd2);
	/* Freeing makes room again. */
	ASSERT_EQ(0, vt_bo_destroy(self->fd, h1));
	EXPECT_EQ(0, vt_bo_create(self->fd, 256 * KiB, &h3));
	/* No limit: a large create works again. */
	ASSERT_EQ(0, write_ll(self->sysfs, 0));
	EXPECT_EQ(0, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_LIMIT));
	EXPECT_EQ(0, vt_bo_create(self->fd, 4096 * KiB, &h1));
}

TEST_F(dev, module_param_limit_gives_enospc)
{
	long long limit = vt_module_param("mem_limit");
	uint32_t h;

	if (limit <= 0)
		SKIP(return, "vaccel loaded without mem_limit");
	EXPECT_EQ(limit, vt_param(self->fd, DRM_VACCEL_PARAM_MEM_LIMIT));
	EXPECT_EQ(-ENOSPC, vt_bo_create(self->fd, (uint64_t)limit + 4096, &h));
	ASSERT_EQ(0, vt_bo_create(self->fd, (uint64_t)limit, &h));
	EXPECT_EQ(-ENOSPC, vt_bo_create(self->fd, 4096, &h));
}

TEST_HARNESS_MAIN
