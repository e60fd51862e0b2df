// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_fdinfo.c - DRM client usage stats in /proc/<pid>/fdinfo/<fd>.
 */
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/seq_file.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>

#include "vaccel_drv.h"

/**
 * DOC: vaccel fdinfo
 *
 * Keys follow Documentation/gpu/drm-usage-stats.rst, so gputop, nvtop and
 * accelctl read them unchanged:
 *
 * - ``drm-driver``: ``vaccel``.
 * - ``drm-client-id``: unique per open file for the life of the module.
 * - ``drm-engine-compute``: nanoseconds of engine time the client's jobs
 *   used, charged at every executor checkpoint, so it grows during a job.
 * - ``drm-engine-capacity-compute``: the number of engines.
 * - ``drm-total-system``, ``drm-resident-system``: bytes of the buffers
 *   the client holds handles to, and of those whose pages are allocated.
 *   The deprecated ``drm-memory-<region>`` key is not printed.
 *
 * Sizes are printed in the largest of bytes, KiB and MiB that divides them
 * exactly, with the unit suffix.
 */

static void vaccel_fdinfo_size(struct seq_file *m, const char *key, u64 bytes)
{
	static const char *const units[] = { "", " KiB", " MiB" };
	unsigned int u = 0;

	while (u < ARRAY_SIZE(units) - 1 && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	seq_printf(m, "%s:\t%llu%s\n", key, bytes, units[u]);
}

void vaccel_show_fdinfo(struct seq_file *m, struct file *f)
{
	struct drm_file *file = f->private_data;
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_gem_object *obj;
	u64 total = 0, resident = 0;
	int handle;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, handle) {
		total += obj->size;
		/* A racy snapshot is fine for statistics. */
		if (READ_ONCE(to_drm_gem_shmem_obj(obj)->pages) || obj->import_attach)
			resident += obj->size;
	}
	spin_unlock(&file->table_lock);

	seq_printf(m, "drm-driver:\t%s\n", VACCEL_DRIVER_NAME);
	seq_printf(m, "drm-client-id:\t%llu\n", vfile->client_id);
	seq_printf(m, "drm-engine-compute:\t%llu ns\n", (u64)atomic64_read(&vfile->busy_ns));
	seq_printf(m, "drm-engine-capacity-compute:\t%u\n", vfile->vdev->num_engines);
	vaccel_fdinfo_size(m, "drm-total-system", total);
	vaccel_fdinfo_size(m, "drm-resident-system", resident);
}
