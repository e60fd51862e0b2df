/* SPDX-License-Identifier: MIT */
/*
 * accel.h - libaccel, the userspace runtime of the accel stack.
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative errno on failure, as liburing does. Constructors take a
 * `T **out` and set *out = NULL before anything else.
 *
 * Objects: a device (one backend instance) owns buffers and contexts; a
 * context has a priority and one or more queues; a submit on a queue returns
 * a fence. All objects are thread-safe to use from several threads, except
 * that an object must not be destroyed while another thread uses it.
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include <stddef.h>
#include <stdint.h>
#include <drm/vaccel_isa.h>

#ifdef __cplusplus
extern "C" {
#endif

struct accel_device;
struct accel_buffer;
struct accel_context;
struct accel_queue;
struct accel_fence;

/** ACCEL_NAME_MAX - size of the name fields below, terminator included. */
#define ACCEL_NAME_MAX 64

/**
 * struct accel_device_desc - one device a backend can open.
 * @name: what accel_device_open() takes: "emu" or "emu0" for the in-process
 *	device, the node path ("/dev/dri/renderD128", "/dev/accel/accel0") for
 *	a kernel device ("drm:" before the path is accepted too).
 * @backend: "emu", "drm", ...
 * @description: one human line.
 * @reserved: zero.
 */
struct accel_device_desc {
	char name[ACCEL_NAME_MAX];
	char backend[16];
	char description[128];
	uint64_t reserved[4];
};

/**
 * accel_device_enumerate() - list the devices every backend can open.
 * Fills up to @max entries of @out and returns how many devices exist (which
 * may exceed @max), or a negative errno. The in-process device is always
 * first.
 */
int accel_device_enumerate(struct accel_device_desc *out, int max);

/**
 * accel_device_open() - open a device by name; NULL or "" opens the default:
 * $ACCEL_DEVICE if set, else the in-process device "emu".
 * -ENODEV if no backend knows the name.
 */
int accel_device_open(const char *name, struct accel_device **out);
/**
 * accel_device_close() - end the client, as closing a DRM fd does: jobs not
 * yet started signal -ECANCELED, every context and buffer still open is
 * freed (their pointers must not be used again, not even to free them);
 * fence references stay valid until accel_fence_put().
 */
void accel_device_close(struct accel_device *dev);

/**
 * accel_device_get_param() - read a DRM_VACCEL_PARAM_* (see
 * <drm/vaccel_drm.h>); -EINVAL for an unknown one.
 */
int accel_device_get_param(struct accel_device *dev, uint32_t param, uint64_t *value);

/** accel_device_name() - the name it was opened with (backend-normalised). */
const char *accel_device_name(const struct accel_device *dev);

/* --- buffers ------------------------------------------------------------- */

/**
 * accel_buffer_alloc() - allocate @size bytes of device memory, zeroed.
 * @flags must be 0. -EINVAL for size 0 or above DRM_VACCEL_PARAM_MAX_BO_SIZE,
 * -ENOSPC beyond the memory limit.
 */
int accel_buffer_alloc(struct accel_device *dev, uint64_t size, uint32_t flags,
		       struct accel_buffer **out);
/** accel_buffer_free() - drop the buffer; queued jobs using it keep it alive. */
void accel_buffer_free(struct accel_buffer *buf);
/** accel_buffer_map() - CPU address of the buffer (mapped on first call). */
int accel_buffer_map(struct accel_buffer *buf, void **ptr);
void accel_buffer_unmap(struct accel_buffer *buf);
uint64_t accel_buffer_size(const struct accel_buffer *buf);
/**
 * accel_buffer_export() - share the buffer as a dma-buf (PRIME): *@fd is a
 * new close-on-exec, read-write file descriptor the caller owns. Another
 * process or device file imports it with accel_buffer_import().
 * -EOPNOTSUPP on a device without DRM_VACCEL_CAP_PRIME (the emu device).
 */
int accel_buffer_export(struct accel_buffer *buf, int *fd);
/**
 * accel_buffer_import() - a buffer of @dev for the dma-buf @fd (which stays
 * the caller's to close). Importing a buffer @dev already holds gives the
 * same struct accel_buffer with one more reference: each import needs its
 * own accel_buffer_free(). -EOPNOTSUPP without DRM_VACCEL_CAP_PRIME,
 * -EBADF for a closed fd, -EINVAL for one that is not a dma-buf.
 */
int accel_buffer_import(struct accel_device *dev, int fd, struct accel_buffer **out);

/* --- contexts and queues ------------------------------------------------- */

/**
 * struct accel_context_desc - how to create a context.
 * @priority: 0 (lowest) .. DRM_VACCEL_PARAM_NUM_PRIORITIES - 1.
 * @num_queues: 1 .. DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX.
 * @flags: zero.
 * @reserved: zero.
 */
struct accel_context_desc {
	uint32_t priority;
	uint32_t num_queues;
	uint32_t flags;
	uint32_t reserved[5];
};

int accel_context_create(struct accel_device *dev, const struct accel_context_desc *desc,
			 struct accel_context **out);
/** accel_context_destroy() - waits for the context's queued jobs first. */
void accel_context_destroy(struct accel_context *ctx);
/** accel_context_queue() - queue @index of the context, or NULL. */
struct accel_queue *accel_context_queue(struct accel_context *ctx, uint32_t index);
/**
 * accel_context_state() - DRM_VACCEL_CTX_STATE_* of the context; fills
 * @fault_error (positive errno of the guilty job, 0 if none) if non-NULL.
 */
int accel_context_state(struct accel_context *ctx, uint32_t *state, uint32_t *fault_error);

/* --- submission ---------------------------------------------------------- */

/**
 * struct accel_submit - one command buffer and what it needs.
 * @cmdbuf: the command buffer (<drm/vaccel_isa.h>); copied before return.
 * @cmdbuf_size: its size in bytes.
 * @buffers: the buffer list packet operands index into.
 * @num_buffers: entries in @buffers.
 * @wait_fences: fences (of any queue of the same device) to wait for first.
 * @num_wait_fences: entries in @wait_fences.
 * @flags: zero.
 * @reserved: zero.
 */
struct accel_submit {
	const void *cmdbuf;
	uint32_t cmdbuf_size;
	uint32_t num_buffers;
	struct accel_buffer *const *buffers;
	struct accel_fence *const *wait_fences;
	uint32_t num_wait_fences;
	uint32_t flags;
	uint64_t reserved[4];
};

/**
 * struct accel_error_info - why the last submit on this thread was refused.
 * @message: e.g. "packet 2 (GEMM) field a.dims[1]: exceeds buffer 0".
 * @packet: index of the packet, or UINT32_MAX for the header or no packet.
 * @field: the field name as in vaccel_isa.h, or "".
 */
struct accel_error_info {
	char message[256];
	uint32_t packet;
	char field[48];
};

/**
 * accel_queue_submit() - validate and queue a command buffer.
 * On success *@fence (if @fence is non-NULL) holds a new reference to the
 * job's fence. A malformed command buffer gives -EINVAL and queues nothing;
 * accel_last_error() then says which packet and field.
 */
int accel_queue_submit(struct accel_queue *q, const struct accel_submit *submit,
		       struct accel_fence **fence);
/** accel_last_error() - details of this thread's last refused submit. */
const struct accel_error_info *accel_last_error(void);

/* --- fences -------------------------------------------------------------- */

/**
 * accel_fence_wait() - wait until the fence signals or @timeout_ns passes
 * (relative; negative: forever; 0: poll). Returns 0 if the job succeeded,
 * -ETIME on timeout, or the job's negative errno.
 */
int accel_fence_wait(struct accel_fence *f, int64_t timeout_ns);
/** accel_fence_status() - 0 done ok, -EBUSY pending, or the job's negative errno. */
int accel_fence_status(struct accel_fence *f);
/**
 * accel_fence_fd() - a file descriptor that polls readable once the fence has
 * signalled. Owned by the fence (do not close it); valid while the fence
 * reference is held.
 */
int accel_fence_fd(struct accel_fence *f);
struct accel_fence *accel_fence_get(struct accel_fence *f);
void accel_fence_put(struct accel_fence *f);

/* --- command-buffer builder ---------------------------------------------- */

/**
 * struct accel_cmdbuf - grows a command buffer packet by packet.
 * @data: the bytes (header first); owned by the builder.
 * @size: bytes used.
 * @capacity: bytes allocated.
 * @num_packets: packets appended.
 * @error: first error met while appending (negative errno), sticky.
 */
struct accel_cmdbuf {
	uint8_t *data;
	uint32_t size;
	uint32_t capacity;
	uint32_t num_packets;
	int error;
};

/**
 * accel_tensor_init() - describe a dense row-major tensor of @rank dims
 * (@dims outermost first) at byte @offset of buffer index @buf.
 * -EINVAL for a rank outside 1 .. VACCEL_MAX_DIMS or a zero dim.
 */
int accel_tensor_init(struct vaccel_tensor *t, uint32_t buf, uint32_t dtype, uint64_t offset,
		      uint32_t rank, const uint32_t *dims);

/** accel_cmdbuf_init() - start an empty command buffer (header only). */
int accel_cmdbuf_init(struct accel_cmdbuf *cb);
/**
 * accel_cmdbuf_append() - append one packet, given as its whole struct (e.g.
 * struct vaccel_pkt_gemm) of @size bytes; hdr.size is set to @size. Returns
 * 0 or a negative errno (also recorded in cb->error).
 */
int accel_cmdbuf_append(struct accel_cmdbuf *cb, const void *packet, uint32_t size);
/** accel_cmdbuf_reset() - drop all packets, keep the memory. */
void accel_cmdbuf_reset(struct accel_cmdbuf *cb);
void accel_cmdbuf_fini(struct accel_cmdbuf *cb);

#ifdef __cplusplus
}
#endif

#endif /* ACCEL_ACCEL_H */
