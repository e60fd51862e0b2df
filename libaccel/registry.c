// SPDX-License-Identifier: MIT
/*
 * registry.c - the backends libaccel knows, device enumeration and opening
 * by name.
 *
 * Names: a backend claims a name with its match() hook ("emu", "emu0" for
 * the in-process device; a node path such as "/dev/dri/renderD128" for the
 * kernel device, backend "drm"). The default device is $ACCEL_DEVICE when set and
 * non-empty, else "emu", so one conformance binary runs against any backend.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* Order matters: enumerate lists devices in this order, emu first. */
static const struct accel_backend_ops *const registry_backends[] = {
	&accel_emu_ops,
	&accel_drm_ops,
};

#define REGISTRY_NUM_BACKENDS (sizeof(registry_backends) / sizeof(registry_backends[0]))

int accel_device_enumerate(struct accel_device_desc *out, int max)
{
	int total = 0;

	if (max < 0 || (max > 0 && !out))
		return -EINVAL;
	for (size_t i = 0; i < REGISTRY_NUM_BACKENDS; i++) {
		int room = max > total ? max - total : 0;
		int n = registry_backends[i]->enumerate(room ? out + total : NULL, room);

		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

int accel_registry_open(const char *name, struct accel_device **out)
{
	for (size_t i = 0; i < REGISTRY_NUM_BACKENDS; i++) {
		if (registry_backends[i]->match(name))
			return registry_backends[i]->open(name, out);
	}
	return -ENODEV;
}

int accel_device_open(const char *name, struct accel_device **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!name || !*name) {
		const char *env = getenv("ACCEL_DEVICE");

		name = env && *env ? env : "emu";
	}
	if (strlen(name) >= ACCEL_NAME_MAX)
		return -ENODEV;
	return accel_registry_open(name, out);
}
