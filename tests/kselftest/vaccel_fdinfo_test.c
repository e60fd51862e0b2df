// SPDX-License-Identifier: MIT
/*
 * vaccel_fdinfo_test - the standard DRM fdinfo keys
 * (Documentation/gpu/drm-usage-stats.rst) in /proc/self/fdinfo/<fd>, which
 * tools such as gputop and accelctl read: drm-driver, drm-client-id (one per
 * open file), drm-engine-compute growing with executed work and
 * drm-total-system growing with buffers.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ksft_harness.h"
#include "vaccel_util.h"

FIXTURE(dev)
{
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = vt_open();
	if (self->fd < 0)
		SKIP(return, "no vaccel render node");
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The value of @key in @fd's fdinfo, scaled by its unit (ns as is; KiB, MiB
 * to bytes), in *val; the text after the colon in @text if not NULL.
 * 0, or -ENOENT if the key is absent.
 */
static int fdinfo(int fd, const char *key, unsigned long long *val, char *text, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char unit[16] = "";
		char *v;

		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		v = line + klen + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		if (text)
			snprintf(text, len, "%s", v);
		if (val) {
			*val = 0;
			sscanf(v, "%llu %15s", val, unit);
			if (strcmp(unit, "KiB") == 0)
				*val <<= 10;
			else if (strcmp(unit, "MiB") == 0)
				*val <<= 20;
		}
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

TEST_F(dev, driver_and_client_id)
{
	char text[128];
	unsigned long long id1, id2, id_dup;
	int fd2, dup_fd;

	ASSERT_EQ(0, fdinfo(self->fd, "drm-driver", NULL, text, sizeof(text)));
	EXPECT_EQ(0, strcmp(text, "vaccel"));
	ASSERT_EQ(0, fdinfo(self->fd, "drm-client-id", &id1, NULL, 0));
	fd2 = vt_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, fdinfo(fd2, "drm-client-id", &id2, NULL, 0));
	EXPECT_NE(id1, id2);
	/* A dup is the same open file, so the same client. */
	dup_fd = dup(self->fd);
	ASSERT_LE(0, dup_fd);
	ASSERT_EQ(0, fdinfo(dup_fd, "drm-client-id", &id_dup, NULL, 0));
	EXPECT_EQ(id1, id_dup);
	close(dup_fd);
	close(fd2);
}

TEST_F(dev, engine_time_grows_with_work)
{
	unsigned long long before, after;
	uint32_t ctx, bo;
	double ms;

	ASSERT_EQ(0, fdinfo(self->fd, "drm-engine-compute", &before, NULL, 0));
	EXPECT_EQ(0, before);
	ASSERT_EQ(0, vt_ctx_create(self->fd, 0, 1, &ctx));
	ASSERT_EQ(0, vt_bo_create(self->fd, 3 * 256 * 256 * 4, &bo));
	ms = vt_time_gemm_ms(self->fd, ctx, bo, 256);
	ASSERT_LT(0, ms);
	ASSERT_EQ(0, fdinfo(self->fd, "drm-engine-compute", &after, NULL, 0));
	EXPECT_LT(before, after);
	/* Engine time of one job cannot exceed the wall time around it. */
	EXPECT_GE((unsigned long long)(ms * 1e6) + 1000000ull, after - before);
	TH_LOG("one 256^3 GEMM: %.1f ms wall, %llu ns engine time", ms, after - before);
}

TEST_F(dev, total_memory_grows_with_buffers)
{
	unsigned long long before, after;
	uint32_t bo;

	ASSERT_EQ(0, fdinfo(self->fd, "drm-total-system", &before, NULL, 0));
	ASSERT_EQ(0, vt_bo_create(self->fd, 1 << 20, &bo));
	ASSERT_EQ(0, fdinfo(self->fd, "drm-total-system", &after, NULL, 0));
	EXPECT_EQ(before + (1 << 20), after);
	ASSERT_EQ(0, vt_bo_destroy(self->fd, bo));
	ASSERT_EQ(0, fdinfo(self->fd, "drm-total-system", &after, NULL, 0));
	EXPECT_EQ(before, after);
}

TEST_HARNESS_MAIN
