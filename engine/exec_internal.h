/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * exec_internal.h - what the executor's files share: the run context, the
 * checkpoint accounting, tensor views and the per-block float kernels.
 *
 * Nothing here allocates or keeps state between calls; all scratch space is
 * on the stack, sized smaller when building for the kernel's small stacks.
 */
#ifndef VACCEL_EXEC_INTERNAL_H
#define VACCEL_EXEC_INTERNAL_H

#include "vaccel_engine.h"

/*
 * VX_BLK - elements per block of the elementwise kernels: large enough that
 * the compiler vectorizes each one-instruction loop, small enough that the
 * fused interpreter's 16 registers fit the stack (4 KiB here, 512 B in the
 * kernel).
 */
#ifdef __KERNEL__
#define VX_BLK 8
#else
#define VX_BLK 64
#endif

/* VX_CHECKPOINT_WORK - flops between two calls of hooks->checkpoint. */
#define VX_CHECKPOINT_WORK (1ull << 20)

/**
 * struct vx_ctx - one vaccel_execute() call.
 * @bufs: the buffer list with CPU addresses.
 * @hooks: the host's hooks, or NULL.
 * @work: flops done since the last checkpoint.
 */
struct vx_ctx {
	const struct vaccel_engine_buffer *bufs;
	const struct vaccel_exec_hooks *hooks;
	__u64 work;
};

/**
 * vx_checkpoint() - call hooks->checkpoint now (at a safe point).
 * Return: 0 to go on, or the hook's non-zero value to abort.
 */
static inline int vx_checkpoint(struct vx_ctx *ctx)
{
	ctx->work = 0;
	if (ctx->hooks && ctx->hooks->checkpoint)
		return ctx->hooks->checkpoint(ctx->hooks->priv);
	return 0;
}

/**
 * vx_progress() - account @flops of finished work; at a safe point, call
 * the checkpoint hook once about 1 Mflop has accumulated.
 */
static inline int vx_progress(struct vx_ctx *ctx, __u64 flops)
{
	ctx->work += flops;
	if (ctx->work < VX_CHECKPOINT_WORK)
		return 0;
	return vx_checkpoint(ctx);
}

/** vx_ptr() - CPU address of element [0,0,0,0] of @t. */
static inline void *vx_ptr(const struct vx_ctx *ctx, const struct vaccel_tensor *t)
{
	return (char *)ctx->bufs[t->buf].ptr + t->offset;
}

/** vx_f32() - the float whose bits are @bits. */
static inline float vx_f32(__u32 bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/** vx_numel() - number of elements of @t. */
static inline __u64 vx_numel(const struct vaccel_tensor *t)
{
	__u64 n = 1;
	__u32 d;

	for (d = 0; d < t->rank; d++)
		n *= t->dims[d];
	return n;
}

/* VX_EW_MAX - operands of one elementwise walk: the output plus inputs. */
#define VX_EW_MAX (1 + VACCEL_FUSED_MAX_INPUTS)

/**
 * struct vx_walk - operands aligned to one 4-D iteration space.
 * @nops: operands; operand 0 is the output.
 * @dims: extents, outermost first, after padding to 4 and coalescing.
 * @base: byte address of each operand's element [0,0,0,0].
 * @str: strides in elements; 0 where an input broadcasts.
 */
struct vx_walk {
	__u32 nops;
	__u32 dims[4];
	char *base[VX_EW_MAX];
	__s64 str[VX_EW_MAX][4];
};

void vx_walk_init(struct vx_walk *w, const struct vx_ctx *ctx,
		  const struct vaccel_tensor *out);
void vx_walk_add(struct vx_walk *w, const struct vx_ctx *ctx,
		 const struct vaccel_tensor *in, const struct vaccel_tensor *out);
void vx_walk_coalesce(struct vx_walk *w);

/*
 * vx_row_fn - compute elements j0 .. j1 - 1 of the innermost row at outer
 * position (i0, i1, i2) of @w, for packet @op; calls vx_progress(@ctx).
 */
typedef int (*vx_row_fn)(struct vx_ctx *ctx, const void *op, const struct vx_walk *w,
			 __u32 i0, __u32 i1, __u32 i2, __u32 j0, __u32 j1);

/*
 * VX_PAR_SLICE_WORK - work (elements x cost per element) of one slice handed
 * to hooks->parallel_for: about 128 K plain elements, half a MiB of output,
 * so the handoff to a helper thread (a few µs) is small against the slice.
 * VX_PAR_MIN_WORK - smaller packets run on the engine thread alone.
 */
#define VX_PAR_SLICE_WORK (1ull << 17)
#define VX_PAR_MIN_WORK (4 * VX_PAR_SLICE_WORK)

int vx_walk_run(struct vx_ctx *ctx, const struct vx_walk *w, __u64 cost, vx_row_fn row,
		const void *op);

/* vx_walk_outer() - a walk over @dims only (no operands), for packets whose
 * element is a whole row or group: vx_walk_run() then splits the rows. */
static inline void vx_walk_outer(struct vx_walk *w, const __u32 dims[4])
{
	memset(w, 0, sizeof(*w));
	w->dims[0] = dims[0];
	w->dims[1] = dims[1];
	w->dims[2] = dims[2];
	w->dims[3] = dims[3];
}

/* The float kernels, applied to n contiguous elements; dst may equal src. */
void vx_unary_block(__u32 op, float *y, const float *x, __u32 n);
void vx_binary_block(__u32 op, float *y, const float *a, const float *b, __u32 n);
void vx_act_block(__u32 act, float *y, __u32 n);

/* The packet executors; each returns 0 or a negative errno / hook value. */
int vx_exec_copy(struct vx_ctx *ctx, const void *pkt);
int vx_exec_fill(struct vx_ctx *ctx, const void *pkt);
int vx_exec_transpose(struct vx_ctx *ctx, const void *pkt);
int vx_exec_gather(struct vx_ctx *ctx, const void *pkt);
int vx_exec_gemm(struct vx_ctx *ctx, const void *pkt);
int vx_exec_conv2d(struct vx_ctx *ctx, const void *pkt);
int vx_exec_unary(struct vx_ctx *ctx, const void *pkt);
int vx_exec_binary(struct vx_ctx *ctx, const void *pkt);
int vx_exec_fused(struct vx_ctx *ctx, const void *pkt);
int vx_exec_reduce(struct vx_ctx *ctx, const void *pkt);
int vx_exec_softmax(struct vx_ctx *ctx, const void *pkt);
int vx_exec_norm(struct vx_ctx *ctx, const void *pkt, bool rms);
int vx_exec_pool(struct vx_ctx *ctx, const void *pkt);

#endif /* VACCEL_EXEC_INTERNAL_H */
