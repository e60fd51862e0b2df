// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_drv.c - the vaccel DRM driver: module, device, clients and ioctls.
 *
 * vaccel is the reference virtual accelerator: its engines execute the
 * command-buffer ISA (include/uapi/drm/vaccel_isa.h) on the CPU, through
 * the same validator and executor libaccel's in-process device uses
 * (vaccel_engine.ko). There is no hardware to probe, so module init
 * registers a platform device and driver, and the driver's probe creates
 * the DRM device on it.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/version.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_prime.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#include <drm/drm_accel.h>
#endif

#include <drm/vaccel_isa.h>

#include "vaccel_ctx.h"
#include "vaccel_drv.h"
#include "vaccel_gem.h"
#include "vaccel_job.h"
#include "vaccel_sched.h"

static unsigned int vaccel_num_engines = 2;
module_param_named(num_engines, vaccel_num_engines, uint, 0444);
MODULE_PARM_DESC(num_engines, "Engines (schedulers and worker threads), 1..64 (default 2)");

static unsigned int vaccel_job_timeout_ms = 10000;
module_param_named(job_timeout_ms, vaccel_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Cancel a job that executes longer than this and ban its context, 0: never (default 10000)");

static unsigned long long vaccel_mem_limit;
module_param_named(mem_limit, vaccel_mem_limit, ullong, 0444);
MODULE_PARM_DESC(mem_limit,
		 "Bytes of buffers each client may hold at load, 0: no limit (default 0); sysfs mem_limit changes it at run time");

void vaccel_file_get(struct vaccel_file *vfile)
{
	kref_get(&vfile->ref);
}

static void vaccel_file_release(struct kref *ref)
{
	struct vaccel_file *vfile = container_of(ref, struct vaccel_file, ref);

	xa_destroy(&vfile->ctxs);
	kfree(vfile);
}

void vaccel_file_put(struct vaccel_file *vfile)
{
	kref_put(&vfile->ref, vaccel_file_release);
}

static int vaccel_open(struct drm_device *drm, struct drm_file *file)
{
	struct vaccel_device *vdev = to_vaccel_device(drm);
	struct vaccel_file *vfile;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL);
	if (!vfile)
		return -ENOMEM;
	kref_init(&vfile->ref);
	vfile->vdev = vdev;
	vfile->client_id = atomic64_inc_return(&vdev->next_client_id);
	xa_init_flags(&vfile->ctxs, XA_FLAGS_ALLOC1);
	file->driver_priv = vfile;

	mutex_lock(&vdev->clients_lock);
	list_add_tail(&vfile->link, &vdev->clients);
	mutex_unlock(&vdev->clients_lock);
	return 0;
}

static void vaccel_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vaccel_device *vdev = to_vaccel_device(drm);
	struct vaccel_file *vfile = to_vaccel_file(file);

	mutex_lock(&vdev->clients_lock);
	list_del(&vfile->link);
	mutex_unlock(&vdev->clients_lock);
	vaccel_ctx_destroy_all(vfile);
	/* Jobs still running and buffers still shared hold their own references. */
	vaccel_file_put(vfile);
}

int vaccel_get_param_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vaccel_device *vdev = to_vaccel_device(drm);
	struct vaccel_file *vfile = to_vaccel_file(file);
	struct drm_vaccel_get_param *args = data;

	if (args->pad)
		return -EINVAL;
	switch (args->param) {
	case DRM_VACCEL_PARAM_ABI_VERSION_MAJOR:
		args->value = VACCEL_ABI_VERSION_MAJOR;
		break;
	case DRM_VACCEL_PARAM_ABI_VERSION_MINOR:
		args->value = VACCEL_ABI_VERSION_MINOR;
		break;
	case DRM_VACCEL_PARAM_ISA_VERSION:
		args->value = (VACCEL_ISA_VERSION_MAJOR << 16) | VACCEL_ISA_VERSION_MINOR;
		break;
	case DRM_VACCEL_PARAM_CAPS:
		args->value = DRM_VACCEL_CAP_FP32 | DRM_VACCEL_CAP_PRIME | DRM_VACCEL_CAP_SYNCOBJ;
		if (vdev->job_timeout_ms)
			args->value |= DRM_VACCEL_CAP_JOB_TIMEOUT;
		break;
	case DRM_VACCEL_PARAM_NUM_ENGINES:
		args->value = vdev->num_engines;
		break;
	case DRM_VACCEL_PARAM_NUM_PRIORITIES:
		args->value = VACCEL_NUM_PRIORITIES;
		break;
	case DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX:
		args->value = VACCEL_MAX_QUEUES_PER_CTX;
		break;
	case DRM_VACCEL_PARAM_MAX_BO_SIZE:
		args->value = VACCEL_MAX_BO_SIZE;
		break;
	case DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE:
		args->value = VACCEL_MAX_CMDBUF_SIZE;
		break;
	case DRM_VACCEL_PARAM_MAX_SUBMIT_BOS:
		args->value = VACCEL_MAX_SUBMIT_BOS;
		break;
	case DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS:
		args->value = VACCEL_MAX_SUBMIT_SYNCS;
		break;
	case DRM_VACCEL_PARAM_MEM_LIMIT:
		args->value = atomic64_read(&vdev->mem_limit);
		break;
	case DRM_VACCEL_PARAM_MEM_USED:
		args->value = atomic64_read(&vfile->mem_used);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc vaccel_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VACCEL_GET_PARAM, vaccel_get_param_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_BO_CREATE, vaccel_bo_create_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_BO_MMAP_OFFSET, vaccel_bo_mmap_offset_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_BO_INFO, vaccel_bo_info_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_BO_DESTROY, vaccel_bo_destroy_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_CTX_CREATE, vaccel_ctx_create_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_CTX_DESTROY, vaccel_ctx_destroy_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_CTX_GET_STATE, vaccel_ctx_get_state_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_SUBMIT, vaccel_submit_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VACCEL_WAIT, vaccel_wait_ioctl, DRM_RENDER_ALLOW),
};

/*
 * The DRM core answers a driver ioctl number past the table with -EINVAL;
 * the uAPI promises -ENOTTY for an unknown ioctl, as every character device
 * does, so those never reach it.
 */
static bool vaccel_ioctl_unknown(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE)
		return true;
	return nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END &&
	       nr - DRM_COMMAND_BASE >= ARRAY_SIZE(vaccel_ioctls);
}

static long vaccel_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	if (vaccel_ioctl_unknown(cmd))
		return -ENOTTY;
	return drm_ioctl(filp, cmd, arg);
}

#ifdef CONFIG_COMPAT
static long vaccel_compat_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	if (vaccel_ioctl_unknown(cmd))
		return -ENOTTY;
	return drm_compat_ioctl(filp, cmd, arg);
}
#else
#define vaccel_compat_ioctl NULL
#endif

static const struct file_operations vaccel_fops = {
	.owner = THIS_MODULE,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	.open = accel_open,
#else
	.open = drm_open,
#endif
	.release = drm_release,
	.unlocked_ioctl = vaccel_ioctl,
	.compat_ioctl = vaccel_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
	.show_fdinfo = vaccel_show_fdinfo,
};

static const struct drm_driver vaccel_drm_driver = {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	/* The compute-accelerator node, /dev/accel/accelN. */
	.driver_features = DRIVER_GEM | DRIVER_COMPUTE_ACCEL | DRIVER_SYNCOBJ,
#else
	/* 6.1 has no accel class: a render node, /dev/dri/renderDN. */
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ,
#endif
	.open = vaccel_open,
	.postclose = vaccel_postclose,
	.ioctls = vaccel_ioctls,
	.num_ioctls = ARRAY_SIZE(vaccel_ioctls),
	.fops = &vaccel_fops,
	.gem_create_object = vaccel_gem_create_object,
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.gem_prime_mmap = drm_gem_prime_mmap,
	.debugfs_init = vaccel_debugfs_init,
	.name = VACCEL_DRIVER_NAME,
	.desc = VACCEL_DRIVER_DESC,
	.date = "20261125",
	.major = VACCEL_ABI_VERSION_MAJOR,
	.minor = VACCEL_ABI_VERSION_MINOR,
};

static int vaccel_probe(struct platform_device *pdev)
{
	struct vaccel_device *vdev;
	int ret;

	/* Imported dma-bufs are mapped for this device: it reaches all memory. */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	vdev = devm_drm_dev_alloc(&pdev->dev, &vaccel_drm_driver, struct vaccel_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	vdev->num_engines = vaccel_num_engines;
	vdev->job_timeout_ms = vaccel_job_timeout_ms;
	atomic64_set(&vdev->mem_limit, vaccel_mem_limit);
	mutex_init(&vdev->clients_lock);
	INIT_LIST_HEAD(&vdev->clients);
	init_waitqueue_head(&vdev->jobs_idle);

	vdev->ctx_destroy_wq = alloc_workqueue("vaccel-ctx-destroy", WQ_UNBOUND, 0);
	if (!vdev->ctx_destroy_wq)
		return -ENOMEM;
	ret = vaccel_engines_init(vdev);
	if (ret)
		goto err_destroy_wq;
	platform_set_drvdata(pdev, vdev);
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_engines_fini;
	drm_info(&vdev->drm, "%u engines, job timeout %u ms, per-client memory limit %llu bytes\n",
		 vdev->num_engines, vdev->job_timeout_ms, vaccel_mem_limit);
	return 0;

err_engines_fini:
	platform_set_drvdata(pdev, NULL);
	vaccel_engines_fini(vdev);
err_destroy_wq:
	destroy_workqueue(vdev->ctx_destroy_wq);
	return ret;
}

static int vaccel_remove(struct platform_device *pdev)
{
	struct vaccel_device *vdev = platform_get_drvdata(pdev);

	drm_dev_unregister(&vdev->drm);
	/* Every file is closed (they pin the module), but jobs of closed files
	 * may still run: cancel them, let the contexts drain, wait for the last
	 * job to be freed, then stop the schedulers. */
	atomic_set(&vdev->stopping, 1);
	flush_workqueue(vdev->ctx_destroy_wq);
	wait_event(vdev->jobs_idle, !atomic_read(&vdev->jobs_inflight));
	vaccel_engines_fini(vdev);
	destroy_workqueue(vdev->ctx_destroy_wq);
	platform_set_drvdata(pdev, NULL);
	return 0;
}

static struct platform_driver vaccel_platform_driver = {
	.probe = vaccel_probe,
	.remove = vaccel_remove,
	.driver = {
		.name = VACCEL_DRIVER_NAME,
		.dev_groups = vaccel_sysfs_groups,
	},
};

static struct platform_device *vaccel_pdev;

static int __init vaccel_init(void)
{
	int ret;

	if (!vaccel_num_engines || vaccel_num_engines > VACCEL_MAX_ENGINES) {
		pr_err("vaccel: num_engines=%u is outside 1..%u\n", vaccel_num_engines,
		       VACCEL_MAX_ENGINES);
		return -EINVAL;
	}
	ret = platform_driver_register(&vaccel_platform_driver);
	if (ret)
		return ret;
	vaccel_pdev = platform_device_register_simple(VACCEL_DRIVER_NAME, PLATFORM_DEVID_NONE,
						      NULL, 0);
	if (IS_ERR(vaccel_pdev)) {
		ret = PTR_ERR(vaccel_pdev);
		goto err_driver_unregister;
	}
	/* Probe ran synchronously; no driver data means it failed. */
	if (!platform_get_drvdata(vaccel_pdev)) {
		ret = -ENODEV;
		goto err_device_unregister;
	}
	return 0;

err_device_unregister:
	platform_device_unregister(vaccel_pdev);
err_driver_unregister:
	platform_driver_unregister(&vaccel_platform_driver);
	return ret;
}

static void __exit vaccel_exit(void)
{
	platform_device_unregister(vaccel_pdev);
	platform_driver_unregister(&vaccel_platform_driver);
}

module_init(vaccel_init);
module_exit(vaccel_exit);

MODULE_DESCRIPTION(VACCEL_DRIVER_DESC);
MODULE_LICENSE("Dual MIT/GPL");
