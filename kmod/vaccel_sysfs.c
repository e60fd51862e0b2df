// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_sysfs.c - admin attributes on the platform device
 * (/sys/devices/platform/vaccel/, also <drm node>/device/).
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "vaccel_drv.h"

/**
 * DOC: vaccel sysfs
 *
 * - ``mem_limit`` (read-write): bytes of buffers each client may hold,
 *   0 for no limit. A write applies to the next BO_CREATE of every client;
 *   buffers already allocated are kept even if they now exceed it.
 * - ``num_engines``, ``job_timeout_ms`` (read-only): as loaded.
 * - ``clients`` (read-only): open files.
 * - ``jobs_submitted``, ``jobs_completed``, ``jobs_failed``,
 *   ``jobs_timed_out``, ``jobs_cancelled``, ``jobs_inflight`` (read-only):
 *   job counters since load. ``jobs_failed`` counts faults and timeouts
 *   (a timeout is in ``jobs_timed_out`` too); ``jobs_cancelled`` counts
 *   jobs that never ran: those of banned contexts, those discarded when a
 *   killed client's queues were torn down, and those stopped by unload.
 */

static struct vaccel_device *vaccel_sysfs_vdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t mem_limit_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", (u64)atomic64_read(&vaccel_sysfs_vdev(dev)->mem_limit));
}

static ssize_t mem_limit_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	u64 limit;
	int ret;

	ret = kstrtou64(buf, 0, &limit);
	if (ret)
		return ret;
	atomic64_set(&vaccel_sysfs_vdev(dev)->mem_limit, limit);
	return count;
}
static DEVICE_ATTR_RW(mem_limit);

static ssize_t num_engines_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vaccel_sysfs_vdev(dev)->num_engines);
}
static DEVICE_ATTR_RO(num_engines);

static ssize_t job_timeout_ms_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vaccel_sysfs_vdev(dev)->job_timeout_ms);
}
static DEVICE_ATTR_RO(job_timeout_ms);

static ssize_t clients_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vaccel_device *vdev = vaccel_sysfs_vdev(dev);
	struct vaccel_file *vfile;
	unsigned int n = 0;

	mutex_lock(&vdev->clients_lock);
	list_for_each_entry(vfile, &vdev->clients, link)
		n++;
	mutex_unlock(&vdev->clients_lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(clients);

#define VACCEL_STAT_ATTR(name, field)						\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr,	\
			   char *buf)						\
{										\
	return sysfs_emit(buf, "%llu\n",					\
			  (u64)atomic64_read(&vaccel_sysfs_vdev(dev)->field));	\
}										\
static DEVICE_ATTR_RO(name)

VACCEL_STAT_ATTR(jobs_submitted, stat_submitted);
VACCEL_STAT_ATTR(jobs_completed, stat_completed);
VACCEL_STAT_ATTR(jobs_failed, stat_failed);
VACCEL_STAT_ATTR(jobs_timed_out, stat_timedout);
VACCEL_STAT_ATTR(jobs_cancelled, stat_cancelled);

static ssize_t jobs_inflight_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&vaccel_sysfs_vdev(dev)->jobs_inflight));
}
static DEVICE_ATTR_RO(jobs_inflight);

static struct attribute *vaccel_sysfs_attrs[] = {
	&dev_attr_mem_limit.attr,
	&dev_attr_num_engines.attr,
	&dev_attr_job_timeout_ms.attr,
	&dev_attr_clients.attr,
	&dev_attr_jobs_submitted.attr,
	&dev_attr_jobs_completed.attr,
	&dev_attr_jobs_failed.attr,
	&dev_attr_jobs_timed_out.attr,
	&dev_attr_jobs_cancelled.attr,
	&dev_attr_jobs_inflight.attr,
	NULL,
};

static const struct attribute_group vaccel_sysfs_group = {
	.attrs = vaccel_sysfs_attrs,
};

const struct attribute_group *vaccel_sysfs_groups[] = {
	&vaccel_sysfs_group,
	NULL,
};
