// SPDX-License-Identifier: MIT
/*
 * test_drm_names - how the kernel device's backend ("drm") names, lists and
 * refuses devices. Runs anywhere: without the module it checks the refusals
 * and that nothing but vaccel nodes is listed; with it (the test VM) every
 * listed node must also open under that name, with or without "drm:".
 */
#include <dirent.h>
#include <unistd.h>

#include "conformance.h"

static void test_missing_nodes(void)
{
	struct accel_device *d = (struct accel_device *)1;

	CHECK(accel_device_open("/dev/dri/renderD4095", &d) == -ENODEV && d == NULL,
	      "missing render node");
	CHECK(accel_device_open("drm:/dev/dri/renderD4095", &d) == -ENODEV, "drm: prefix");
	CHECK(accel_device_open("/dev/accel/accel4095", &d) == -ENODEV, "missing accel node");
	CHECK(accel_device_open("drm:", &d) == -ENODEV, "empty path");
	CHECK(accel_device_open("/dev/null", &d) == -ENODEV, "not a DRM directory");
}

/* Every node of /dev/dri that is not vaccel's must be refused, not opened. */
static void test_foreign_nodes(void)
{
	struct accel_device_desc descs[32];
	int n = accel_device_enumerate(descs, 32);
	struct dirent *de;
	DIR *dir = opendir("/dev/dri");

	CHECK(n >= 1 && n <= 32, "enumerate %d", n);
	while (dir && (de = readdir(dir))) {
		char path[300];
		bool listed = false;
		struct accel_device *d = NULL;
		int ret;

		if (strncmp(de->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		for (int i = 0; i < n && i < 32; i++)
			listed |= !strcmp(descs[i].name, path);
		ret = accel_device_open(path, &d);
		if (listed) {
			CHECK(ret == 0, "%s listed but open gave %d", path, ret);
		} else {
			/* Another driver's node (or one we may not open). */
			CHECK(ret != 0, "%s opened but not listed", path);
		}
		accel_device_close(d);
	}
	if (dir)
		closedir(dir);
}

static void test_listed_nodes_open(void)
{
	struct accel_device_desc descs[32];
	int n = accel_device_enumerate(descs, 32), drm = 0;

	for (int i = 0; i < n && i < 32; i++) {
		struct accel_device *d = NULL;
		char prefixed[ACCEL_NAME_MAX + 8];
		uint64_t major = 0;

		if (strcmp(descs[i].backend, "drm"))
			continue;
		drm++;
		CHECK(i > 0, "a kernel device before emu");
		CHECK(!strncmp(descs[i].name, "/dev/dri/renderD", 16) ||
			      !strncmp(descs[i].name, "/dev/accel/accel", 16),
		      "name '%s'", descs[i].name);
		CHECK(accel_device_open(descs[i].name, &d) == 0, "open %s", descs[i].name);
		if (!d)
			continue;
		CHECK(!strcmp(accel_device_name(d), descs[i].name), "name '%s'",
		      accel_device_name(d));
		CHECK(accel_device_get_param(d, DRM_VACCEL_PARAM_ABI_VERSION_MAJOR, &major) == 0 &&
			      major == VACCEL_ABI_VERSION_MAJOR,
		      "ABI major %llu", (unsigned long long)major);
		accel_device_close(d);
		snprintf(prefixed, sizeof(prefixed), "drm:%s", descs[i].name);
		CHECK(accel_device_open(prefixed, &d) == 0, "open %s", prefixed);
		if (d) {
			CHECK(!strcmp(accel_device_name(d), descs[i].name),
			      "drm: is dropped from the name, got '%s'", accel_device_name(d));
			accel_device_close(d);
		}
	}
	printf("# %d kernel device(s) listed\n", drm);
	/* Where the default device is a kernel node (the VM), it is listed. */
	if (getenv("ACCEL_DEVICE") && !strncmp(getenv("ACCEL_DEVICE"), "/dev/", 5) &&
	    access(getenv("ACCEL_DEVICE"), F_OK) == 0)
		CHECK(drm >= 1, "$ACCEL_DEVICE exists but no kernel device is listed");
}

int main(void)
{
	RUN_CASE(test_missing_nodes);
	RUN_CASE(test_foreign_nodes);
	RUN_CASE(test_listed_nodes_open);
	HARNESS_EXIT();
}
