// SPDX-License-Identifier: MIT
/*
 * emu-params.c - the reference for accelctl's emu params: reads every
 * param of libaccel's "emu" device directly and prints "key=value" lines,
 * with its own table of names, so test-cli.sh can check that accelctl maps
 * each param to the right key.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <accel/accel.h>
#include <drm/vaccel_drm.h>

static const struct {
	const char *key;
	uint32_t param;
} table[] = {
	{ "abi_major", DRM_VACCEL_PARAM_ABI_VERSION_MAJOR },
	{ "abi_minor", DRM_VACCEL_PARAM_ABI_VERSION_MINOR },
	{ "isa_raw", DRM_VACCEL_PARAM_ISA_VERSION },
	{ "caps_raw", DRM_VACCEL_PARAM_CAPS },
	{ "num_engines", DRM_VACCEL_PARAM_NUM_ENGINES },
	{ "num_priorities", DRM_VACCEL_PARAM_NUM_PRIORITIES },
	{ "max_queues_per_ctx", DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX },
	{ "max_bo_size", DRM_VACCEL_PARAM_MAX_BO_SIZE },
	{ "max_cmdbuf_size", DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE },
	{ "max_submit_bos", DRM_VACCEL_PARAM_MAX_SUBMIT_BOS },
	{ "max_submit_syncs", DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS },
	{ "mem_limit", DRM_VACCEL_PARAM_MEM_LIMIT },
	{ "mem_used", DRM_VACCEL_PARAM_MEM_USED },
};

int main(void)
{
	struct accel_device *dev;
	int ret = accel_device_open("emu", &dev);

	if (ret < 0) {
		fprintf(stderr, "accel_device_open(emu): %s\n", strerror(-ret));
		return 1;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		uint64_t v;

		ret = accel_device_get_param(dev, table[i].param, &v);
		if (ret < 0) {
			fprintf(stderr, "param %s: %s\n", table[i].key, strerror(-ret));
			break;
		}
		printf("%s=%" PRIu64 "\n", table[i].key, v);
	}
	accel_device_close(dev);
	return ret < 0 ? 1 : 0;
}
