/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_drv.h - the vaccel DRM driver's device and client objects.
 *
 * Object graph (arrows hold references):
 *
 *   vaccel_device ── engines[] (one drm_gpu_scheduler + worker each)
 *   vaccel_file   ── ctxs (xarray of vaccel_ctx) ── queues[] (one entity each)
 *   vaccel_job    → vaccel_file, vaccel_ctx, every listed GEM object
 *   vaccel_bo     → vaccel_file that created it (memory accounting)
 *
 * A vaccel_file outlives the DRM file when jobs or buffers still point at
 * it: its kref is dropped by postclose, by every job's free and by every
 * buffer's free.
 */
#ifndef VACCEL_DRV_H
#define VACCEL_DRV_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include <drm/vaccel_drm.h>

#define VACCEL_DRIVER_NAME "vaccel"
#define VACCEL_DRIVER_DESC "vaccel reference virtual accelerator"

/* Limits reported through DRM_VACCEL_PARAM_*; libaccel's emu device uses the same. */
#define VACCEL_NUM_PRIORITIES 4u
#define VACCEL_MAX_QUEUES_PER_CTX 8u
#define VACCEL_MAX_BO_SIZE (16ull << 30)
#define VACCEL_MAX_CMDBUF_SIZE (1u << 20)
#define VACCEL_MAX_SUBMIT_BOS 256u
#define VACCEL_MAX_SUBMIT_SYNCS 64u
#define VACCEL_MAX_ENGINES 64u

/* Driver log macros: every message names its function. */
#define vaccel_dbg(vdev, fmt, ...) \
	drm_dbg_driver(&(vdev)->drm, "%s: " fmt, __func__, ##__VA_ARGS__)

struct vaccel_engine;

/**
 * struct vaccel_device - the one vaccel device.
 * @drm: the DRM device, first (devm_drm_dev_alloc embeds it).
 * @num_engines: engines (schedulers + workers), fixed at load.
 * @engines: @num_engines of them.
 * @next_engine: round-robin cursor placing new queues on engines.
 * @job_timeout_ms: the drm_sched timeout every engine was created with.
 * @mem_limit: bytes each client may hold in buffers, 0 for none; the sysfs
 *	attribute writes it, BO_CREATE reads it.
 * @next_client_id: source of drm-client-id values, unique per open.
 * @clients_lock: protects @clients.
 * @clients: open vaccel_files, for debugfs.
 * @ctx_destroy_wq: runs deferred context teardown (CTX_DESTROY never blocks).
 * @jobs_inflight: jobs pushed to a scheduler and not yet freed.
 * @jobs_idle: woken when @jobs_inflight drops to 0 (unload waits on it).
 * @stopping: set at unload: running jobs stop at their next checkpoint.
 * @stat_submitted: jobs accepted by SUBMIT.
 * @stat_completed: jobs that ended without error.
 * @stat_failed: jobs that ended with an error of their own (fault/timeout).
 * @stat_timedout: jobs cancelled by the job timeout.
 * @stat_cancelled: jobs cancelled before they ran (banned context).
 */
struct vaccel_device {
	struct drm_device drm;
	unsigned int num_engines;
	struct vaccel_engine *engines;
	atomic_t next_engine;
	unsigned int job_timeout_ms;
	atomic64_t mem_limit;
	atomic64_t next_client_id;
	struct mutex clients_lock;
	struct list_head clients;
	struct workqueue_struct *ctx_destroy_wq;
	atomic_t jobs_inflight;
	wait_queue_head_t jobs_idle;
	atomic_t stopping;
	atomic64_t stat_submitted;
	atomic64_t stat_completed;
	atomic64_t stat_failed;
	atomic64_t stat_timedout;
	atomic64_t stat_cancelled;
};

/**
 * struct vaccel_file - one client (one open of the device node).
 * @ref: postclose, jobs and buffers each hold one.
 * @vdev: the device.
 * @client_id: drm-client-id in fdinfo.
 * @ctxs: live contexts by id (1 ..), the xarray's lock protects lookups.
 * @mem_used: bytes of buffers this client created that still exist.
 * @busy_ns: engine time this client's jobs have used.
 * @jobs_submitted: jobs accepted from this client.
 * @link: in vdev->clients while the file is open, under clients_lock.
 */
struct vaccel_file {
	struct kref ref;
	struct vaccel_device *vdev;
	u64 client_id;
	struct xarray ctxs;
	atomic64_t mem_used;
	atomic64_t busy_ns;
	atomic64_t jobs_submitted;
	struct list_head link;
};

static inline struct vaccel_device *to_vaccel_device(struct drm_device *drm)
{
	return container_of(drm, struct vaccel_device, drm);
}

static inline struct vaccel_file *to_vaccel_file(struct drm_file *file)
{
	return file->driver_priv;
}

void vaccel_file_get(struct vaccel_file *vfile);
void vaccel_file_put(struct vaccel_file *vfile);

int vaccel_get_param_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

/* vaccel_fdinfo.c */
struct seq_file;
struct file;
void vaccel_show_fdinfo(struct seq_file *m, struct file *f);

/* vaccel_sysfs.c */
extern const struct attribute_group *vaccel_sysfs_groups[];

/* vaccel_debugfs.c */
struct drm_minor;
void vaccel_debugfs_init(struct drm_minor *minor);

#endif /* VACCEL_DRV_H */
