// SPDX-License-Identifier: MIT
/*
 * clients.c - find the DRM clients of one device in /proc/PID/fdinfo.
 *
 * Which device a client's file belongs to: its character device number
 * (stat through /proc/PID/fd/N), equal to the node's, or another minor of
 * the same DRM device (card0 and renderD128 share their sysfs "device"
 * directory). The driver name filters first, so only that driver's files
 * are ever stat'ed.
 */
#include "clients.h"

#include <ctype.h>
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

#include "fdinfo.h"

/* Enough for any fdinfo of a DRM file: a few dozen short lines. */
#define CLIENTS_FDINFO_MAX 8192

/* The node's identity: its rdev, and its DRM device's sysfs directory. */
struct clients_target {
	dev_t rdev;
	char sysdev[PATH_MAX];
};

/* The sysfs directory of the device behind char device @rdev, or "". */
static void clients_sysdev(dev_t rdev, char *out)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device", major(rdev), minor(rdev));
	if (!realpath(link, out))
		out[0] = '\0';
}

static bool clients_same_device(const struct clients_target *t, dev_t rdev)
{
	char sysdev[PATH_MAX];

	if (rdev == t->rdev)
		return true;
	if (!t->sysdev[0] || major(rdev) != major(t->rdev))
		return false;
	clients_sysdev(rdev, sysdev);
	return sysdev[0] && !strcmp(sysdev, t->sysdev);
}

/* Read a small file whole into @buf (NUL-terminated); -errno on failure. */
static int clients_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return 0;
}

static int clients_add(struct ac_clients *c, const struct ac_client *cl)
{
	for (size_t i = 0; i < c->count; i++) {
		if (c->v[i].client_id == cl->client_id) {
			/* The same open file seen in another process. */
			if (cl->pid < c->v[i].pid)
				c->v[i] = *cl;
			return 0;
		}
	}
	if (c->count == c->capacity) {
		size_t cap = c->capacity ? 2 * c->capacity : 8;
		struct ac_client *grown = realloc(c->v, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		c->v = grown;
		c->capacity = cap;
	}
	c->v[c->count++] = *cl;
	return 0;
}

static void clients_fill(struct ac_client *cl, int pid, const char *proc_root,
			 const struct fdinfo_drm *d)
{
	const struct fdinfo_engine *e = fdinfo_engine_find(d, "compute");
	const struct fdinfo_region *r = fdinfo_region_find(d, "system");
	char path[PATH_MAX];

	memset(cl, 0, sizeof(*cl));
	cl->pid = pid;
	cl->client_id = d->client_id;
	snprintf(path, sizeof(path), "%s/%d/comm", proc_root, pid);
	if (clients_read(path, cl->command, sizeof(cl->command)) == 0)
		cl->command[strcspn(cl->command, "\n")] = '\0';
	cl->has_engine = e != NULL;
	cl->engine_compute_ns = e ? e->busy_ns : 0;
	cl->has_total = r && (r->has & (1u << FDINFO_MEM_TOTAL));
	cl->total_system = cl->has_total ? r->bytes[FDINFO_MEM_TOTAL] : 0;
	cl->has_resident = r && (r->has & (1u << FDINFO_MEM_RESIDENT));
	cl->resident_system = cl->has_resident ? r->bytes[FDINFO_MEM_RESIDENT] : 0;
}

/* Every fd of process @pid; its clients of the target go into @out. */
static int clients_scan_pid(const char *proc_root, int pid, const char *driver,
			    const struct clients_target *t, struct ac_clients *out)
{
	char dirpath[PATH_MAX], path[PATH_MAX + 300];
	char *text;
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	snprintf(dirpath, sizeof(dirpath), "%s/%d/fdinfo", proc_root, pid);
	dir = opendir(dirpath);
	if (!dir) {
		/* Gone meanwhile (ENOENT) is not worth a mention. */
		if (errno == EACCES || errno == EPERM)
			out->unreadable++;
		return 0;
	}
	text = malloc(CLIENTS_FDINFO_MAX);
	if (!text) {
		closedir(dir);
		return -ENOMEM;
	}
	while (!ret && (de = readdir(dir))) {
		struct fdinfo_drm d;
		struct ac_client cl;
		struct stat st;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, de->d_name);
		if (clients_read(path, text, CLIENTS_FDINFO_MAX))
			continue;
		/* Malformed DRM keys are the kernel's bug, not a reason to hide
		 * the other clients: such a file is skipped. */
		if (fdinfo_parse(text, &d) || strcmp(d.driver, driver) || !d.has_client_id)
			continue;
		snprintf(path, sizeof(path), "%s/%d/fd/%s", proc_root, pid, de->d_name);
		if (stat(path, &st) || !S_ISCHR(st.st_mode) || !clients_same_device(t, st.st_rdev))
			continue;
		clients_fill(&cl, pid, proc_root, &d);
		ret = clients_add(out, &cl);
	}
	free(text);
	closedir(dir);
	return ret;
}

static int clients_cmp(const void *a, const void *b)
{
	const struct ac_client *x = a, *y = b;

	return x->client_id < y->client_id ? -1 : x->client_id > y->client_id;
}

int clients_collect(const char *proc_root, const char *node, const char *driver,
		    struct ac_clients *out)
{
	struct clients_target t;
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (stat(node, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	t.rdev = st.st_rdev;
	clients_sysdev(t.rdev, t.sysdev);
	dir = opendir(proc_root);
	if (!dir)
		return -errno;
	while (!ret && (de = readdir(dir))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		ret = clients_scan_pid(proc_root, (int)pid, driver, &t, out);
	}
	closedir(dir);
	if (ret) {
		clients_free(out);
		return ret;
	}
	if (out->count > 1)
		qsort(out->v, out->count, sizeof(out->v[0]), clients_cmp);
	return 0;
}

void clients_free(struct ac_clients *c)
{
	free(c->v);
	c->v = NULL;
	c->count = c->capacity = 0;
}
