// SPDX-License-Identifier: MIT
/*
 * test_params - device discovery and DRM_VACCEL_PARAM_* values.
 */
#include "conformance.h"

static struct accel_device *dev;

static void test_enumerate(void)
{
	struct accel_device_desc descs[8];
	int n = accel_device_enumerate(NULL, 0);

	CHECK(n >= 1, "enumerate count %d", n);
	CHECK(accel_device_enumerate(descs, -1) == -EINVAL, "negative max");
	n = accel_device_enumerate(descs, 8);
	CHECK(n >= 1, "enumerate %d", n);
	CHECK(!strcmp(descs[0].backend, "emu"), "first backend '%s'", descs[0].backend);
	CHECK(!strcmp(descs[0].name, "emu"), "first name '%s'", descs[0].name);
	/* Only the count when there is no room. */
	CHECK(accel_device_enumerate(descs, 0) == n, "count without room");
}

static void test_open_names(void)
{
	struct accel_device *d = (struct accel_device *)1;

	CHECK(accel_device_open("no-such-backend", &d) == -ENODEV, "unknown name");
	CHECK(d == NULL, "out not cleared on failure");
	CHECK(accel_device_open("emu7", &d) == -ENODEV, "emu7 does not exist");
	CHECK(accel_device_open("emu0", &d) == 0, "emu0");
	if (d) {
		CHECK(!strcmp(accel_device_name(d), "emu"), "normalised name '%s'",
		      accel_device_name(d));
		accel_device_close(d);
	}
	CHECK(accel_device_open(NULL, NULL) == -EINVAL, "NULL out");
}

/* A function, so that a minor of 0 does not make the comparison constant. */
static int at_least(uint64_t v, uint64_t min)
{
	return v >= min;
}

static void test_versions(void)
{
	uint64_t isa = tl_param(dev, DRM_VACCEL_PARAM_ISA_VERSION);

	CHECK(tl_param(dev, DRM_VACCEL_PARAM_ABI_VERSION_MAJOR) == VACCEL_ABI_VERSION_MAJOR,
	      "ABI major");
	CHECK(at_least(tl_param(dev, DRM_VACCEL_PARAM_ABI_VERSION_MINOR), VACCEL_ABI_VERSION_MINOR),
	      "ABI minor");
	CHECK(isa >> 16 == VACCEL_ISA_VERSION_MAJOR, "ISA major %llu",
	      (unsigned long long)(isa >> 16));
	CHECK(at_least(isa & 0xffff, VACCEL_ISA_VERSION_MINOR), "ISA minor");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_CAPS) & DRM_VACCEL_CAP_FP32, "FP32 cap");
}

static void test_limits(void)
{
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_NUM_ENGINES) >= 1, "engines");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_NUM_PRIORITIES) >= 2, "priorities");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX) >= 1, "queues per ctx");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MAX_BO_SIZE) >= (1u << 20), "max bo size");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE) >= 4096, "max cmdbuf");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MAX_SUBMIT_BOS) >= 8, "max bos");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS) >= 1, "max syncs");
	CHECK(tl_param(dev, DRM_VACCEL_PARAM_MEM_USED) == 0, "fresh client uses no memory");
}

static void test_unknown_param(void)
{
	uint64_t v = 0;

	CHECK(accel_device_get_param(dev, DRM_VACCEL_PARAM_COUNT, &v) == -EINVAL, "COUNT");
	CHECK(accel_device_get_param(dev, 0xffffffffu, &v) == -EINVAL, "~0");
	CHECK(accel_device_get_param(dev, DRM_VACCEL_PARAM_CAPS, NULL) == -EINVAL, "NULL value");
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_enumerate);
	RUN_CASE(test_open_names);
	RUN_CASE(test_versions);
	RUN_CASE(test_limits);
	RUN_CASE(test_unknown_param);
	accel_device_close(dev);
	HARNESS_EXIT();
}
