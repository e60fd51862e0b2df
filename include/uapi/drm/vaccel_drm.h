/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * vaccel_drm.h - kernel/user ABI of the vaccel reference virtual accelerator.
 *
 * The kernel module (kmod/) implements these ioctls on its DRM render node;
 * libaccel's in-process device ("emu") accepts exactly the same structures
 * and applies exactly the same checks, so a program that runs on one runs on
 * the other.
 *
 * Rules (Documentation/process/botching-up-ioctls.rst):
 *  - only fixed-width types, sizes a multiple of 8 bytes, explicit padding;
 *  - every pad field and every unknown flag bit must be zero (-EINVAL);
 *  - user pointers travel as __u64;
 *  - timeouts are absolute CLOCK_MONOTONIC nanoseconds;
 *  - no struct grows: new behaviour comes as a new ioctl or a new param;
 *  - every object's lifetime is tied to the file descriptor that made it.
 */
#ifndef _UAPI_VACCEL_DRM_H_
#define _UAPI_VACCEL_DRM_H_

#if defined(__KERNEL__)
#include <linux/types.h>
#include <drm/drm.h>
#elif __has_include(<drm.h>) /* libdrm's copy, with `pkg-config --cflags libdrm` */
#include <drm.h>
#elif __has_include(<drm/drm.h>)
#include <drm/drm.h>
#else /* no DRM headers at all: the few definitions this file needs */
#include <linux/types.h>
#include <linux/ioctl.h>
#define DRM_IOCTL_BASE 'd'
#define DRM_IOWR(nr, type) _IOWR(DRM_IOCTL_BASE, nr, type)
#define DRM_IOW(nr, type) _IOW(DRM_IOCTL_BASE, nr, type)
#define DRM_COMMAND_BASE 0x40
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/** VACCEL_ABI_VERSION_MAJOR - bumped on an incompatible change (never, we hope). */
#define VACCEL_ABI_VERSION_MAJOR 1
/** VACCEL_ABI_VERSION_MINOR - bumped when an ioctl or param is added. */
#define VACCEL_ABI_VERSION_MINOR 0

#define DRM_VACCEL_GET_PARAM 0x00
#define DRM_VACCEL_BO_CREATE 0x01
#define DRM_VACCEL_BO_MMAP_OFFSET 0x02
#define DRM_VACCEL_BO_INFO 0x03
#define DRM_VACCEL_BO_DESTROY 0x04
#define DRM_VACCEL_CTX_CREATE 0x05
#define DRM_VACCEL_CTX_DESTROY 0x06
#define DRM_VACCEL_CTX_GET_STATE 0x07
#define DRM_VACCEL_SUBMIT 0x08
#define DRM_VACCEL_WAIT 0x09

/**
 * enum drm_vaccel_param - what DRM_IOCTL_VACCEL_GET_PARAM can report.
 * @DRM_VACCEL_PARAM_ABI_VERSION_MAJOR: VACCEL_ABI_VERSION_MAJOR of the driver.
 * @DRM_VACCEL_PARAM_ABI_VERSION_MINOR: VACCEL_ABI_VERSION_MINOR of the driver.
 * @DRM_VACCEL_PARAM_ISA_VERSION: (major << 16) | minor of the command-buffer
 *	ISA the engine executes (see vaccel_isa.h). ISA features are found
 *	here, not in DRM_VACCEL_CAP_*: minor >= 1 means COPY takes
 *	VACCEL_COPY_F_CONVERT.
 * @DRM_VACCEL_PARAM_CAPS: bitmask of DRM_VACCEL_CAP_*.
 * @DRM_VACCEL_PARAM_NUM_ENGINES: number of engine threads executing jobs.
 * @DRM_VACCEL_PARAM_NUM_PRIORITIES: number of context priority levels; valid
 *	priorities are 0 (lowest) .. value - 1.
 * @DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX: largest drm_vaccel_ctx_create.num_queues.
 * @DRM_VACCEL_PARAM_MAX_BO_SIZE: largest size one buffer may have, in bytes.
 * @DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE: largest command buffer, in bytes.
 * @DRM_VACCEL_PARAM_MAX_SUBMIT_BOS: largest drm_vaccel_submit.bo_count.
 * @DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS: largest drm_vaccel_submit.in_sync_count.
 * @DRM_VACCEL_PARAM_MEM_LIMIT: bytes of buffer memory this client may hold
 *	(0: no limit).
 * @DRM_VACCEL_PARAM_MEM_USED: bytes of buffer memory this client holds now.
 * @DRM_VACCEL_PARAM_COUNT: number of params; not a param itself.
 */
enum drm_vaccel_param {
	DRM_VACCEL_PARAM_ABI_VERSION_MAJOR = 0,
	DRM_VACCEL_PARAM_ABI_VERSION_MINOR = 1,
	DRM_VACCEL_PARAM_ISA_VERSION = 2,
	DRM_VACCEL_PARAM_CAPS = 3,
	DRM_VACCEL_PARAM_NUM_ENGINES = 4,
	DRM_VACCEL_PARAM_NUM_PRIORITIES = 5,
	DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX = 6,
	DRM_VACCEL_PARAM_MAX_BO_SIZE = 7,
	DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE = 8,
	DRM_VACCEL_PARAM_MAX_SUBMIT_BOS = 9,
	DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS = 10,
	DRM_VACCEL_PARAM_MEM_LIMIT = 11,
	DRM_VACCEL_PARAM_MEM_USED = 12,
	DRM_VACCEL_PARAM_COUNT = 13,
};

/** DRM_VACCEL_CAP_FP32 - the engine executes fp32 compute packets. */
#define DRM_VACCEL_CAP_FP32 (1ull << 0)
/** DRM_VACCEL_CAP_PRIME - buffers can be exported and imported as dma-bufs. */
#define DRM_VACCEL_CAP_PRIME (1ull << 1)
/** DRM_VACCEL_CAP_SYNCOBJ - submit takes and signals DRM syncobjs. */
#define DRM_VACCEL_CAP_SYNCOBJ (1ull << 2)
/** DRM_VACCEL_CAP_JOB_TIMEOUT - jobs that run too long are cancelled. */
#define DRM_VACCEL_CAP_JOB_TIMEOUT (1ull << 3)

/**
 * struct drm_vaccel_get_param - read one device or client parameter.
 * @param: in, one of enum drm_vaccel_param; unknown values give -EINVAL.
 * @pad: must be zero.
 * @value: out, the parameter's value.
 *
 * Never blocks.
 */
struct drm_vaccel_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/** DRM_VACCEL_BO_CREATE_FLAGS - no buffer flags are defined yet. */
#define DRM_VACCEL_BO_CREATE_FLAGS 0u

/**
 * struct drm_vaccel_bo_create - allocate a buffer object.
 * @size: in, size in bytes, 1 .. DRM_VACCEL_PARAM_MAX_BO_SIZE; rounded up to
 *	the page size. Beyond the client's memory limit: -ENOSPC.
 * @flags: in, must be zero (DRM_VACCEL_BO_CREATE_FLAGS).
 * @handle: out, the buffer's handle, valid in this file only.
 *
 * Never blocks on the device.
 */
struct drm_vaccel_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
};

/**
 * struct drm_vaccel_bo_mmap_offset - where to mmap() a buffer.
 * @handle: in, a buffer handle; unknown: -ENOENT.
 * @pad: must be zero.
 * @offset: out, the fake offset to pass to mmap() on the device fd.
 */
struct drm_vaccel_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/**
 * struct drm_vaccel_bo_info - describe a buffer.
 * @handle: in, a buffer handle; unknown: -ENOENT.
 * @flags: out, the flags it was created with.
 * @size: out, its size in bytes (after rounding).
 */
struct drm_vaccel_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
};

/**
 * struct drm_vaccel_bo_destroy - drop this file's handle to a buffer.
 * @handle: in, a buffer handle; unknown: -ENOENT.
 * @pad: must be zero.
 *
 * The memory is freed once no queued job and no mapping uses it.
 */
struct drm_vaccel_bo_destroy {
	__u32 handle;
	__u32 pad;
};

/** DRM_VACCEL_CTX_CREATE_FLAGS - no context flags are defined yet. */
#define DRM_VACCEL_CTX_CREATE_FLAGS 0u

/**
 * struct drm_vaccel_ctx_create - create an execution context.
 * @priority: in, 0 (lowest) .. DRM_VACCEL_PARAM_NUM_PRIORITIES - 1. A job of
 *	a higher-priority context is always picked before one of a lower.
 * @num_queues: in, 1 .. DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX. Queues of one
 *	context run independently of each other; jobs on one queue run in
 *	submission order.
 * @flags: in, must be zero (DRM_VACCEL_CTX_CREATE_FLAGS).
 * @ctx_id: out, the context's id, valid in this file only; never 0.
 */
struct drm_vaccel_ctx_create {
	__u32 priority;
	__u32 num_queues;
	__u32 flags;
	__u32 ctx_id;
};

/**
 * struct drm_vaccel_ctx_destroy - destroy a context.
 * @ctx_id: in, a context id; unknown: -ENOENT.
 * @pad: must be zero.
 *
 * Jobs already queued still run to completion and signal their fences.
 */
struct drm_vaccel_ctx_destroy {
	__u32 ctx_id;
	__u32 pad;
};

/**
 * enum drm_vaccel_ctx_state - health of a context.
 * @DRM_VACCEL_CTX_STATE_OK: accepting and running jobs.
 * @DRM_VACCEL_CTX_STATE_GUILTY: one of its jobs faulted or timed out; the
 *	context is banned and its submits fail with -ECANCELED.
 * @DRM_VACCEL_CTX_STATE_INNOCENT: its jobs were cancelled because of
 *	another context's fault (device reset); it is banned too.
 */
enum drm_vaccel_ctx_state {
	DRM_VACCEL_CTX_STATE_OK = 0,
	DRM_VACCEL_CTX_STATE_GUILTY = 1,
	DRM_VACCEL_CTX_STATE_INNOCENT = 2,
};

/**
 * struct drm_vaccel_ctx_get_state - query a context's health.
 * @ctx_id: in, a context id; unknown: -ENOENT.
 * @state: out, one of enum drm_vaccel_ctx_state.
 * @fault_seqno: out, seqno of the guilty job on @fault_queue (0 if none).
 * @fault_queue: out, queue index of the guilty job.
 * @fault_error: out, positive errno of the fault (ETIMEDOUT, EFAULT, ...).
 */
struct drm_vaccel_ctx_get_state {
	__u32 ctx_id;
	__u32 state;
	__u64 fault_seqno;
	__u32 fault_queue;
	__u32 fault_error;
};

/** DRM_VACCEL_SUBMIT_FLAGS - no submit flags are defined yet. */
#define DRM_VACCEL_SUBMIT_FLAGS 0u

/**
 * struct drm_vaccel_submit - queue one command buffer.
 * @cmdbuf_ptr: in, user pointer to the command buffer (vaccel_isa.h). It is
 *	copied and fully validated before the ioctl returns; an invalid one
 *	is refused with -EINVAL and nothing is queued.
 * @cmdbuf_size: in, its size in bytes, a multiple of 8, at most
 *	DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE (-E2BIG beyond).
 * @ctx_id: in, the context; unknown: -ENOENT; banned: -ECANCELED.
 * @bo_handles_ptr: in, user pointer to an array of @bo_count __u32 buffer
 *	handles. Packet operands name buffers by index into this array.
 * @bo_count: in, 0 .. DRM_VACCEL_PARAM_MAX_SUBMIT_BOS (-E2BIG beyond).
 * @queue: in, queue index in the context (< its num_queues).
 * @in_syncs_ptr: in, user pointer to @in_sync_count __u32 syncobj handles
 *	the job waits for (kernel device; libaccel's emu device takes fences).
 * @in_sync_count: in, 0 .. DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS.
 * @out_sync: in, a syncobj handle to signal when the job ends, or 0.
 * @flags: in, must be zero (DRM_VACCEL_SUBMIT_FLAGS).
 * @pad: must be zero.
 * @seqno: out, the job's sequence number on its queue (starts at 1,
 *	increases by one per job); DRM_IOCTL_VACCEL_WAIT takes it.
 *
 * Never blocks on the device.
 */
struct drm_vaccel_submit {
	__u64 cmdbuf_ptr;
	__u32 cmdbuf_size;
	__u32 ctx_id;
	__u64 bo_handles_ptr;
	__u32 bo_count;
	__u32 queue;
	__u64 in_syncs_ptr;
	__u32 in_sync_count;
	__u32 out_sync;
	__u32 flags;
	__u32 pad;
	__u64 seqno;
};

/** DRM_VACCEL_WAIT_FLAGS - no wait flags are defined yet. */
#define DRM_VACCEL_WAIT_FLAGS 0u

/**
 * struct drm_vaccel_wait - wait for a job to end.
 * @ctx_id: in, the context; unknown: -ENOENT.
 * @queue: in, the queue index in the context.
 * @seqno: in, a seqno returned by submit on that queue; a seqno never
 *	returned: -EINVAL.
 * @timeout_ns: in, absolute CLOCK_MONOTONIC deadline; in the past means
 *	poll. Passed without the job ending: -ETIME.
 * @flags: in, must be zero (DRM_VACCEL_WAIT_FLAGS).
 * @job_error: out, 0 if the job succeeded, else the positive errno it
 *	ended with (ETIMEDOUT: cancelled by the job timeout; ECANCELED: its
 *	context was banned; EDOM: an index out of range at run time).
 *
 * Blocks, interruptibly: -EINTR on a signal (restartable).
 */
struct drm_vaccel_wait {
	__u32 ctx_id;
	__u32 queue;
	__u64 seqno;
	__s64 timeout_ns;
	__u32 flags;
	__u32 job_error;
};

#define DRM_IOCTL_VACCEL_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_GET_PARAM, struct drm_vaccel_get_param)
#define DRM_IOCTL_VACCEL_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_BO_CREATE, struct drm_vaccel_bo_create)
#define DRM_IOCTL_VACCEL_BO_MMAP_OFFSET                        \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_BO_MMAP_OFFSET, \
		 struct drm_vaccel_bo_mmap_offset)
#define DRM_IOCTL_VACCEL_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_BO_INFO, struct drm_vaccel_bo_info)
#define DRM_IOCTL_VACCEL_BO_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VACCEL_BO_DESTROY, struct drm_vaccel_bo_destroy)
#define DRM_IOCTL_VACCEL_CTX_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_CTX_CREATE, struct drm_vaccel_ctx_create)
#define DRM_IOCTL_VACCEL_CTX_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VACCEL_CTX_DESTROY, struct drm_vaccel_ctx_destroy)
#define DRM_IOCTL_VACCEL_CTX_GET_STATE                        \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_CTX_GET_STATE, \
		 struct drm_vaccel_ctx_get_state)
#define DRM_IOCTL_VACCEL_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_SUBMIT, struct drm_vaccel_submit)
#define DRM_IOCTL_VACCEL_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VACCEL_WAIT, struct drm_vaccel_wait)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VACCEL_DRM_H_ */
