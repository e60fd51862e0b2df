// SPDX-License-Identifier: MIT
/*
 * dev_drm.c - DRM render nodes (through libdrm) and compute-accel nodes.
 *
 * libdrm 2.4.114 enumerates /dev/dri only; drivers registered with
 * DRIVER_COMPUTE_ACCEL appear as /dev/accel/accelN, which answer the same
 * DRM_IOCTL_VERSION, so they are scanned here directly. A machine with
 * neither directory has zero DRM devices: drmGetDevices2() says -ENOENT
 * then, and that is not an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include <drm/vaccel_drm.h>

#include "accelctl.h"
#include "dev.h"

#define DRM_ACCEL_DIR "/dev/accel"

static int drm_param_get(void *ctx, uint32_t param, uint64_t *value)
{
	struct drm_vaccel_get_param gp = { .param = param };
	int fd = *(int *)ctx;

	if (drmIoctl(fd, DRM_IOCTL_VACCEL_GET_PARAM, &gp))
		return -errno;
	*value = gp.value;
	return 0;
}

/*
 * The PCI slot behind a character device, from the kernel's own link
 * /sys/dev/char/MAJ:MIN/device; "" when the device is not on PCI.
 */
static void drm_node_slot(int fd, char *slot)
{
	char link[64], target[PATH_MAX];
	struct stat st;
	ssize_t len;

	slot[0] = '\0';
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device", major(st.st_rdev),
		 minor(st.st_rdev));
	len = readlink(link, target, sizeof(target) - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	if (pci_slot_parse(basename(target), slot))
		slot[0] = '\0';
}

/*
 * Fill @dev from the node at @path. Never fails as such: a node that cannot
 * be opened or is not DRM is still described, with dev->drm.error set.
 */
static void drm_node_probe(const char *path, struct ac_dev *dev)
{
	drmVersionPtr ver;
	int fd;

	dev->kind = AC_DEV_DRM;
	ac_strlcpy(dev->name, path, sizeof(dev->name));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		dev->drm.error = -errno;
		snprintf(dev->description, sizeof(dev->description), "cannot open: %s",
			 strerror(errno));
		return;
	}
	drm_node_slot(fd, dev->drm.slot);
	errno = 0;
	ver = drmGetVersion(fd);
	if (!ver) {
		dev->drm.error = errno ? -errno : -ENOTTY;
		snprintf(dev->description, sizeof(dev->description), "not a DRM device: %s",
			 strerror(-dev->drm.error));
		close(fd);
		return;
	}
	ac_strlcpy(dev->driver, ver->name ? ver->name : "", sizeof(dev->driver));
	ac_strlcpy(dev->description, ver->desc ? ver->desc : "", sizeof(dev->description));
	ac_strlcpy(dev->drm.date, ver->date ? ver->date : "", sizeof(dev->drm.date));
	dev->drm.version_major = ver->version_major;
	dev->drm.version_minor = ver->version_minor;
	dev->drm.version_patch = ver->version_patchlevel;
	drmFreeVersion(ver);
	if (strcmp(dev->driver, "vaccel") == 0)
		params_read(&dev->params, drm_param_get, &fd);
	close(fd);
}

/* Append the node at @path to @list. */
static int drm_node_add(struct ac_devlist *list, const char *path)
{
	struct ac_dev *dev = ac_devlist_add(list);

	if (!dev)
		return -ENOMEM;
	drm_node_probe(path, dev);
	return 0;
}

static int drm_render_nodes_add(struct ac_devlist *list)
{
	drmDevicePtr *devs;
	int n, ret = 0;

	n = drmGetDevices2(0, NULL, 0);
	if (n == -ENOENT || n == 0)
		return 0;
	if (n < 0) {
		ac_err("libdrm: cannot list devices: %s", strerror(-n));
		return n;
	}
	devs = calloc((size_t)n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	n = drmGetDevices2(0, devs, n);
	if (n < 0) {
		free(devs);
		if (n == -ENOENT)
			return 0;
		ac_err("libdrm: cannot list devices: %s", strerror(-n));
		return n;
	}
	for (int i = 0; i < n && !ret; i++) {
		if (devs[i]->available_nodes & (1 << DRM_NODE_RENDER))
			ret = drm_node_add(list, devs[i]->nodes[DRM_NODE_RENDER]);
	}
	drmFreeDevices(devs, n);
	free(devs);
	return ret;
}

/* The N of "accelN", or -1 for any other name. */
static int drm_accel_index(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "accel", 5) != 0 || name[5] < '0' || name[5] > '9')
		return -1;
	n = strtol(name + 5, &end, 10);
	return (*end || n > INT_MAX) ? -1 : (int)n;
}

static int drm_accel_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int drm_accel_nodes_add(struct ac_devlist *list)
{
	int *idx = NULL, ret = 0;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	dir = opendir(DRM_ACCEL_DIR);
	if (!dir)
		return 0; /* no accel driver loaded: no such nodes */
	while ((de = readdir(dir))) {
		int n = drm_accel_index(de->d_name);

		if (n < 0)
			continue;
		if (count == cap) {
			int *grown;

			cap = cap ? 2 * cap : 8;
			grown = realloc(idx, cap * sizeof(*idx));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			idx = grown;
		}
		idx[count++] = n;
	}
	closedir(dir);
	/* readdir order is arbitrary; list accel0, accel1, ... accel10. */
	if (count)
		qsort(idx, count, sizeof(*idx), drm_accel_cmp);
	for (size_t i = 0; i < count && !ret; i++) {
		char path[64];

		snprintf(path, sizeof(path), DRM_ACCEL_DIR "/accel%d", idx[i]);
		ret = drm_node_add(list, path);
	}
	free(idx);
	return ret;
}

int drm_devices_collect(struct ac_devlist *list)
{
	int ret = drm_render_nodes_add(list);

	if (ret)
		return ret;
	return drm_accel_nodes_add(list);
}

int drm_device_find(const char *path, struct ac_dev *dev)
{
	drm_node_probe(path, dev);
	if (dev->drm.error == -ENOENT)
		return -ENODEV;
	if (dev->drm.error) {
		ac_err("%s: %s", path, dev->description);
		return dev->drm.error;
	}
	return 0;
}
