// SPDX-License-Identifier: MIT
/*
 * dev_emu.c - devices libaccel opens itself.
 *
 * libaccel also lists kernel devices (backend "drm"); those are left to
 * dev_drm.c, which reads more about a node than libaccel exposes, so each
 * device is listed once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>

#include "accelctl.h"
#include "dev.h"

static int emu_param_get(void *ctx, uint32_t param, uint64_t *value)
{
	return accel_device_get_param(ctx, param, value);
}

/* Open @name and read its params into @dev. */
static int emu_params_read(const char *name, struct ac_dev *dev)
{
	struct accel_device *adev;
	int ret;

	ret = accel_device_open(name, &adev);
	if (ret < 0)
		return ret;
	params_read(&dev->params, emu_param_get, adev);
	accel_device_close(adev);
	return 0;
}

static void emu_dev_fill(struct ac_dev *dev, const struct accel_device_desc *desc)
{
	dev->kind = AC_DEV_EMU;
	ac_strlcpy(dev->name, desc->name, sizeof(dev->name));
	ac_strlcpy(dev->driver, desc->backend, sizeof(dev->driver));
	ac_strlcpy(dev->description, desc->description, sizeof(dev->description));
}

/* Every libaccel device; *@out is malloc'ed, the count is returned. */
static int emu_enumerate(struct accel_device_desc **out)
{
	struct accel_device_desc *descs = NULL;
	int n, max = 0;

	*out = NULL;
	/* The count can change between two calls: retry until it fits. */
	for (;;) {
		n = accel_device_enumerate(descs, max);
		if (n < 0) {
			ac_err("libaccel: cannot enumerate devices: %s", strerror(-n));
			free(descs);
			return n;
		}
		if (n <= max)
			break;
		free(descs);
		max = n;
		descs = calloc((size_t)max, sizeof(*descs));
		if (!descs)
			return -ENOMEM;
	}
	*out = descs;
	return n;
}

int emu_devices_collect(struct ac_devlist *list, bool details)
{
	struct accel_device_desc *descs;
	int n, ret = 0;

	n = emu_enumerate(&descs);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct ac_dev *dev;

		if (strcmp(descs[i].backend, "drm") == 0)
			continue;
		dev = ac_devlist_add(list);
		if (!dev) {
			ret = -ENOMEM;
			break;
		}
		emu_dev_fill(dev, &descs[i]);
		if (details) {
			ret = emu_params_read(descs[i].name, dev);
			if (ret < 0) {
				ac_err("libaccel: cannot open %s: %s", descs[i].name, strerror(-ret));
				break;
			}
		}
	}
	free(descs);
	return ret;
}

int emu_device_find(const char *name, struct ac_dev *dev)
{
	struct accel_device_desc *descs;
	struct accel_device *adev;
	const char *canon;
	int n, ret;

	/* accel_device_open() reads "" as "the default device". */
	if (!*name)
		return -ENODEV;
	ret = accel_device_open(name, &adev);
	if (ret < 0) {
		if (ret != -ENODEV)
			ac_err("libaccel: cannot open %s: %s", name, strerror(-ret));
		return ret;
	}
	n = emu_enumerate(&descs);
	if (n < 0) {
		accel_device_close(adev);
		return n;
	}
	/* Aliases ("emu0") are reported under the name libaccel normalises to. */
	canon = accel_device_name(adev);
	for (int i = 0; i < n; i++) {
		if (strcmp(descs[i].name, canon) == 0 || strcmp(descs[i].name, name) == 0) {
			emu_dev_fill(dev, &descs[i]);
			break;
		}
	}
	dev->kind = AC_DEV_EMU;
	ac_strlcpy(dev->name, canon, sizeof(dev->name));
	params_read(&dev->params, emu_param_get, adev);
	accel_device_close(adev);
	free(descs);
	return 0;
}
