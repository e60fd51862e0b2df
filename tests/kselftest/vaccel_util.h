/* SPDX-License-Identifier: MIT */
/*
 * vaccel_util.h - raw-ioctl helpers shared by the vaccel kselftests and the
 * ioctl fuzzer: find the render node, wrap each ioctl so it returns 0 or a
 * negative errno, and build command buffers packet by packet.
 *
 * Nothing here goes through libaccel: these programs test the kernel ABI
 * itself, so they build every struct of include/uapi/drm/vaccel_drm.h by hand.
 */
#ifndef ACCEL_KSELFTEST_VACCEL_UTIL_H
#define ACCEL_KSELFTEST_VACCEL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <drm/vaccel_drm.h>
#include <drm/vaccel_isa.h>

/* Open the first render node whose driver is "vaccel"; -ENODEV if none. */
int vt_open(void);

/* ioctl(), restarted on EINTR/EAGAIN; 0 or -errno. */
int vt_ioctl(int fd, unsigned long request, void *arg);

/* DRM_IOCTL_VACCEL_GET_PARAM; 0 or -errno. */
int vt_get_param(int fd, uint32_t param, uint64_t *value);
/* The same, returning the value; UINT64_MAX if the ioctl failed. */
uint64_t vt_param(int fd, uint32_t param);

int vt_bo_create(int fd, uint64_t size, uint32_t *handle);
int vt_bo_destroy(int fd, uint32_t handle);
int vt_bo_size(int fd, uint32_t handle, uint64_t *size);
/* mmap a whole buffer read/write; NULL on failure (errno set). */
void *vt_bo_map(int fd, uint32_t handle, size_t size);

int vt_ctx_create(int fd, uint32_t priority, uint32_t num_queues, uint32_t *ctx_id);
int vt_ctx_destroy(int fd, uint32_t ctx_id);
int vt_ctx_state(int fd, uint32_t ctx_id, struct drm_vaccel_ctx_get_state *state);

/* Submit @cb on @queue of @ctx with @bos; no syncobjs. Sets *seqno. */
struct vt_cmdbuf;
int vt_submit(int fd, uint32_t ctx, uint32_t queue, const struct vt_cmdbuf *cb,
	      const uint32_t *bos, uint32_t nbos, uint64_t *seqno);
/* The full form, with in-syncobjs and an out-syncobj (0: none). */
int vt_submit_sync(int fd, uint32_t ctx, uint32_t queue, const struct vt_cmdbuf *cb,
		   const uint32_t *bos, uint32_t nbos, const uint32_t *in_syncs,
		   uint32_t nin, uint32_t out_sync, uint64_t *seqno);

/* CLOCK_MONOTONIC now, in ns, and now + @ms. */
int64_t vt_now_ns(void);
int64_t vt_deadline_ms(int64_t ms);
/* DRM_IOCTL_VACCEL_WAIT until the absolute @deadline_ns; *job_error set. */
int vt_wait(int fd, uint32_t ctx, uint32_t queue, uint64_t seqno, int64_t deadline_ns,
	    uint32_t *job_error);

/*
 * A command buffer under construction: the header is kept up to date, so
 * data/size are always a complete buffer.
 */
struct vt_cmdbuf {
	uint8_t *data;
	uint32_t size;
	uint32_t cap;
};

void vt_cb_init(struct vt_cmdbuf *cb);
void vt_cb_fini(struct vt_cmdbuf *cb);
/* Append a packet (its hdr.size is set to @size here); aborts on ENOMEM. */
void vt_cb_add(struct vt_cmdbuf *cb, void *pkt, uint32_t size);
uint32_t vt_cb_packets(const struct vt_cmdbuf *cb);

/* Binary32 bits of @f. */
uint32_t vt_f32_bits(float f);

/* A dense f32 tensor of @rank dims at byte @offset of buffer index @buf. */
struct vaccel_tensor vt_tensor(uint32_t buf, uint64_t offset, uint32_t rank,
			       const uint32_t *dims);
struct vaccel_tensor vt_tensor1(uint32_t buf, uint64_t offset, uint32_t n);
struct vaccel_tensor vt_tensor2(uint32_t buf, uint64_t offset, uint32_t rows, uint32_t cols);

/* Packets, filled in and appended. Offsets are bytes. */
void vt_nop(struct vt_cmdbuf *cb);
void vt_fill(struct vt_cmdbuf *cb, uint32_t buf, uint64_t offset, uint32_t n, float value);
void vt_fence(struct vt_cmdbuf *cb, uint32_t buf, uint64_t offset, uint64_t value);
/* C (m x n at c_off) = A (m x k) * B (k x n), all dense in buffer @buf. */
void vt_gemm(struct vt_cmdbuf *cb, uint32_t buf, uint64_t a_off, uint64_t b_off,
	     uint64_t c_off, uint32_t m, uint32_t n, uint32_t k);
/* y = a OP b, three dense vectors of @n floats, in buffers ya, a, b. */
void vt_binary(struct vt_cmdbuf *cb, uint32_t op, uint32_t ybuf, uint64_t y_off, uint32_t abuf,
	       uint64_t a_off, uint32_t bbuf, uint64_t b_off, uint32_t n);

/*
 * Busy work: @reps GEMMs of @n x @n x @n on buffer index @buf, which must hold
 * three n x n f32 matrices (12 n^2 bytes). Zeros are fine: the time a GEMM
 * takes does not depend on the values.
 */
void vt_busy(struct vt_cmdbuf *cb, uint32_t buf, uint32_t n, uint32_t reps);
/*
 * Milliseconds one @n-cubed GEMM takes on queue 0 of @ctx, measured with a
 * submit and wait, using buffer @bo (12 n^2 bytes); negative errno on failure,
 * -ETIMEDOUT if the job timeout cancelled it.
 */
double vt_time_gemm_ms(int fd, uint32_t ctx, uint32_t bo, uint32_t n);
/* Repetitions of an @n GEMM lasting @ms_each so a job runs for @target_ms,
 * within [1, what fits in a command buffer of @max_cmdbuf bytes]. */
uint32_t vt_busy_reps(double ms_each, double target_ms, uint64_t max_cmdbuf);

/* Deterministic pseudo-random numbers (xorshift32); never seed with 0. */
uint32_t vt_rand(uint32_t *state);
/* Uniform in [-1, 1). */
float vt_randf(uint32_t *state);

/* Read /sys/module/vaccel/parameters/@name; -1 if absent or unreadable. */
long long vt_module_param(const char *name);

#endif
