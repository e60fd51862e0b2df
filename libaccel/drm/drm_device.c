// SPDX-License-Identifier: MIT
/*
 * drm_device.c - the drm backend's vtable: finding vaccel nodes, naming,
 * open/close and params.
 *
 * Names: the node path, "/dev/dri/renderD128" (render node, every kernel)
 * or "/dev/accel/accel0" (compute-accel node, kernels with
 * DRIVER_COMPUTE_ACCEL); "drm:" before a path is accepted and dropped.
 * Enumeration lists only nodes whose driver is "vaccel": render nodes
 * through drmGetDevices2() (-ENOENT there means no /dev/dri: zero devices)
 * and the /dev/accel nodes, which libdrm does not list, by name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm_backend.h"

#define DRM_BACKEND_NAME "drm"
#define DRM_DRIVER_NAME "vaccel"
#define DRM_NAME_PREFIX "drm:"
#define DRM_RENDER_DIR "/dev/dri/"
#define DRM_ACCEL_DIR "/dev/accel/"

int vdrm_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

static int vdrm_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_vaccel_get_param gp = { .param = param };
	int ret = vdrm_ioctl(fd, DRM_IOCTL_VACCEL_GET_PARAM, &gp);

	if (!ret)
		*value = gp.value;
	return ret;
}

/*
 * Whether the open node @fd is a vaccel device; fills @desc (if non-NULL)
 * with the driver's own description and version.
 */
static bool vdrm_fd_is_vaccel(int fd, char *desc, size_t desc_size)
{
	drmVersionPtr ver = drmGetVersion(fd);
	bool ours;

	if (!ver)
		return false;
	ours = ver->name && !strcmp(ver->name, DRM_DRIVER_NAME);
	if (ours && desc)
		snprintf(desc, desc_size, "vaccel kernel device (%s, driver %d.%d.%d)",
			 ver->desc ? ver->desc : "", ver->version_major, ver->version_minor,
			 ver->version_patchlevel);
	drmFreeVersion(ver);
	return ours;
}

/*
 * Whether the node at @path, which this user may not open, belongs to the
 * vaccel driver: the kernel's own link /sys/dev/char/MAJ:MIN/device/driver.
 */
static bool vdrm_sysfs_is_vaccel(const char *path)
{
	char link[96], target[PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t len;

	if (stat(path, &st) || !S_ISCHR(st.st_mode))
		return false;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device/driver", major(st.st_rdev),
		 minor(st.st_rdev));
	len = readlink(link, target, sizeof(target) - 1);
	if (len <= 0)
		return false;
	target[len] = '\0';
	base = strrchr(target, '/');
	return !strcmp(base ? base + 1 : target, DRM_DRIVER_NAME);
}

/* Add @path to the list if it is a vaccel node; returns 1 if it counted. */
static int vdrm_enumerate_node(const char *path, struct accel_device_desc *out, int room)
{
	char desc[sizeof(out->description)];
	bool ours;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		ours = vdrm_fd_is_vaccel(fd, desc, sizeof(desc));
		close(fd);
	} else {
		/* Listed even so: opening it will say why it cannot be used. */
		int err = errno;

		ours = (err == EACCES || err == EPERM) && vdrm_sysfs_is_vaccel(path);
		snprintf(desc, sizeof(desc), "vaccel kernel device (cannot open: %s)",
			 strerror(err));
	}
	if (!ours)
		return 0;
	if (room > 0) {
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "%s", path);
		snprintf(out->backend, sizeof(out->backend), "%s", DRM_BACKEND_NAME);
		snprintf(out->description, sizeof(out->description), "%s", desc);
	}
	return 1;
}

static int vdrm_enumerate_render(struct accel_device_desc *out, int max)
{
	drmDevicePtr *devs;
	int n, total = 0;

	n = drmGetDevices2(0, NULL, 0);
	if (n == -ENOENT || n == 0)
		return 0;
	if (n < 0)
		return n;
	devs = calloc((size_t)n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	n = drmGetDevices2(0, devs, n);
	if (n < 0) {
		free(devs);
		return n == -ENOENT ? 0 : n;
	}
	for (int i = 0; i < n; i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		total += vdrm_enumerate_node(devs[i]->nodes[DRM_NODE_RENDER],
					    total < max ? out + total : NULL,
					    total < max ? max - total : 0);
	}
	drmFreeDevices(devs, n);
	free(devs);
	return total;
}

/* The N of "accelN", or -1 for any other name. */
static int vdrm_accel_index(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "accel", 5) || name[5] < '0' || name[5] > '9')
		return -1;
	n = strtol(name + 5, &end, 10);
	return (*end || n > INT_MAX) ? -1 : (int)n;
}

static int vdrm_enumerate_accel(struct accel_device_desc *out, int max)
{
	/* A sorted bitmap of the indices seen: readdir order is arbitrary. */
	enum { DRM_ACCEL_MAX = 256 };
	bool seen[DRM_ACCEL_MAX] = { false };
	struct dirent *de;
	int total = 0;
	DIR *dir;

	dir = opendir(DRM_ACCEL_DIR);
	if (!dir)
		return 0; /* no compute-accel driver on this kernel */
	while ((de = readdir(dir))) {
		int idx = vdrm_accel_index(de->d_name);

		if (idx >= 0 && idx < DRM_ACCEL_MAX)
			seen[idx] = true;
	}
	closedir(dir);
	for (int idx = 0; idx < DRM_ACCEL_MAX; idx++) {
		char path[32];

		if (!seen[idx])
			continue;
		snprintf(path, sizeof(path), DRM_ACCEL_DIR "accel%d", idx);
		total += vdrm_enumerate_node(path, total < max ? out + total : NULL,
					    total < max ? max - total : 0);
	}
	return total;
}

static int vdrm_enumerate(struct accel_device_desc *out, int max)
{
	int render = vdrm_enumerate_render(out, max);
	int accel;

	if (render < 0)
		return render;
	accel = vdrm_enumerate_accel(render < max ? out + render : NULL,
				    render < max ? max - render : 0);
	if (accel < 0)
		return accel;
	return render + accel;
}

/* The path a name stands for: the name without its optional "drm:". */
static const char *vdrm_name_path(const char *name)
{
	if (!strncmp(name, DRM_NAME_PREFIX, strlen(DRM_NAME_PREFIX)))
		return name + strlen(DRM_NAME_PREFIX);
	return name;
}

static bool vdrm_match(const char *name)
{
	const char *path = vdrm_name_path(name);

	return !strncmp(path, DRM_RENDER_DIR, strlen(DRM_RENDER_DIR)) ||
	       !strncmp(path, DRM_ACCEL_DIR, strlen(DRM_ACCEL_DIR));
}

/* The limits submit checks itself, so its errors read as the emu device's. */
static int vdrm_read_limits(struct vdrm_device *dev)
{
	static const uint32_t params[] = {
		DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE,
		DRM_VACCEL_PARAM_MAX_SUBMIT_BOS,
		DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS,
	};
	uint32_t *dst[] = {
		&dev->max_cmdbuf_size,
		&dev->max_submit_bos,
		&dev->max_submit_syncs,
	};

	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		uint64_t v;
		int ret = vdrm_param(dev->fd, params[i], &v);

		if (ret)
			return ret;
		*dst[i] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	return 0;
}

static int vdrm_open(const char *name, struct accel_device **out)
{
	const char *path = vdrm_name_path(name);
	struct vdrm_device *dev;
	uint64_t major;
	int ret;

	if (strlen(path) >= sizeof(dev->base.name))
		return -ENODEV;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		/* No such node is "no such device", like any unknown name. */
		ret = errno == ENOENT ? -ENODEV : -errno;
		free(dev);
		return ret;
	}
	if (!vdrm_fd_is_vaccel(dev->fd, NULL, 0)) {
		ret = -ENODEV;
		goto err_close;
	}
	ret = vdrm_param(dev->fd, DRM_VACCEL_PARAM_ABI_VERSION_MAJOR, &major);
	if (ret)
		goto err_close;
	if (major != VACCEL_ABI_VERSION_MAJOR) {
		/* An ABI this library was not written for: refuse, never guess. */
		ret = -EPROTO;
		goto err_close;
	}
	ret = vdrm_read_limits(dev);
	if (ret)
		goto err_close;
	dev->base.ops = &accel_drm_ops;
	snprintf(dev->base.name, sizeof(dev->base.name), "%s", path);
	atomic_init(&dev->refs, 1);
	accel_list_init(&dev->buffers);
	accel_list_init(&dev->contexts);
	accel_list_init(&dev->orphans);
	pthread_mutex_init(&dev->lock, NULL);
	*out = &dev->base;
	return 0;

err_close:
	close(dev->fd);
	free(dev);
	return ret;
}

void vdrm_device_put(struct vdrm_device *dev)
{
	if (atomic_fetch_sub_explicit(&dev->refs, 1, memory_order_acq_rel) != 1)
		return;
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

/*
 * A blocking wait left its ioctl: if it was the last user of a file that
 * accel_device_close() already gave up, close it now.
 */
void vdrm_fd_user_put_locked(struct vdrm_device *dev)
{
	if (--dev->fd_users == 0 && dev->closed && dev->fd >= 0) {
		close(dev->fd);
		dev->fd = -1;
	}
}

/*
 * Close as the file's release does: the kernel cancels what has not run and
 * frees every object of the client. Before the file goes, fences learn
 * their outcome while the kernel can still tell it (or keep a sync_file),
 * and the CPU mappings go (a mapping would keep its buffer alive). A wait
 * blocked in another thread keeps the file open until it returns. Close
 * returns once every job of the client has ended or been cancelled.
 */
static void vdrm_close(struct accel_device *base)
{
	struct vdrm_device *dev = vdrm_device_cast(base);
	int fd = -1;

	pthread_mutex_lock(&dev->lock);
	dev->closed = true;
	vdrm_context_forget_all_locked(dev);
	vdrm_buffer_forget_all_locked(dev);
	dev->pool_count = 0; /* the handles die with the file */
	if (dev->fd_users == 0) {
		fd = dev->fd;
		dev->fd = -1;
	}
	pthread_mutex_unlock(&dev->lock);
	if (fd >= 0)
		close(fd);
	vdrm_fence_wait_orphans(dev);
	vdrm_device_put(dev);
}

static int vdrm_get_param(struct accel_device *base, uint32_t param, uint64_t *value)
{
	return vdrm_param(vdrm_device_cast(base)->fd, param, value);
}

const struct accel_backend_ops accel_drm_ops = {
	.name = DRM_BACKEND_NAME,
	.enumerate = vdrm_enumerate,
	.match = vdrm_match,
	.open = vdrm_open,
	.close = vdrm_close,
	.get_param = vdrm_get_param,
	.buffer_alloc = vdrm_buffer_alloc,
	.buffer_free = vdrm_buffer_free,
	.buffer_map = vdrm_buffer_map,
	.buffer_unmap = vdrm_buffer_unmap,
	.buffer_export = vdrm_buffer_export,
	.buffer_import = vdrm_buffer_import,
	.context_create = vdrm_context_create,
	.context_destroy = vdrm_context_destroy,
	.context_queue = vdrm_context_queue,
	.context_state = vdrm_context_state,
	.queue_submit = vdrm_queue_submit,
	.fence_wait = vdrm_fence_wait,
	.fence_status = vdrm_fence_status,
	.fence_fd = vdrm_fence_fd,
	.fence_release = vdrm_fence_release,
};
