// SPDX-License-Identifier: MIT
/*
 * device.c - public device entry points: dispatch to the backend.
 */
#include <errno.h>

#include "backend.h"

void accel_device_close(struct accel_device *dev)
{
	if (dev)
		dev->ops->close(dev);
}

int accel_device_get_param(struct accel_device *dev, uint32_t param, uint64_t *value)
{
	if (!dev || !value)
		return -EINVAL;
	return dev->ops->get_param(dev, param, value);
}

const char *accel_device_name(const struct accel_device *dev)
{
	return dev ? dev->name : "";
}
