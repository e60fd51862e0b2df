// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec.c - vaccel_execute(): walk a validated command buffer packet by
 * packet, plus the operand-walk helpers the elementwise files share.
 *
 * Packets may sit at any 8-byte boundary of the command buffer, so every
 * packet is copied into an aligned local struct before a field is read.
 */
#include "exec_internal.h"

void vx_walk_init(struct vx_walk *w, const struct vx_ctx *ctx,
		  const struct vaccel_tensor *out)
{
	__u32 lead = 4 - out->rank, d;

	memset(w, 0, sizeof(*w));
	w->nops = 1;
	w->base[0] = vx_ptr(ctx, out);
	for (d = 0; d < 4; d++) {
		w->dims[d] = d < lead ? 1 : out->dims[d - lead];
		w->str[0][d] = d < lead ? 0 : (__s64)out->strides[d - lead];
	}
}

/* Align @in to the output from the innermost dimension (numpy rules): a
 * missing leading dimension or an extent of 1 reads with stride 0. */
void vx_walk_add(struct vx_walk *w, const struct vx_ctx *ctx,
		 const struct vaccel_tensor *in, const struct vaccel_tensor *out)
{
	__u32 k = w->nops++, lead = 4 - in->rank, d;

	(void)out;
	w->base[k] = vx_ptr(ctx, in);
	for (d = 0; d < 4; d++) {
		if (d < lead || in->dims[d - lead] == 1)
			w->str[k][d] = 0;
		else
			w->str[k][d] = (__s64)in->strides[d - lead];
	}
}

/*
 * Drop extent-1 dimensions and merge neighbours that every operand walks as
 * one run (outer stride == inner stride * inner extent), so a contiguous
 * tensor becomes one long innermost span whatever its rank.
 */
void vx_walk_coalesce(struct vx_walk *w)
{
	__u32 dims[4], n = 0, k;
	__s64 str[VX_EW_MAX][4];
	int d;

	for (d = 3; d >= 0; d--) {
		bool merge;

		if (w->dims[d] == 1)
			continue;
		merge = n > 0;
		for (k = 0; merge && k < w->nops; k++)
			if (w->str[k][d] != str[k][n - 1] * (__s64)dims[n - 1])
				merge = false;
		if (merge) {
			dims[n - 1] *= w->dims[d];
			continue;
		}
		dims[n] = w->dims[d];
		for (k = 0; k < w->nops; k++)
			str[k][n] = w->str[k][d];
		n++;
	}
	/* dims[] above is innermost first; store it back outermost first. */
	for (d = 0; d < 4; d++) {
		__u32 src = 3 - d;

		w->dims[d] = src < n ? dims[src] : 1;
		for (k = 0; k < w->nops; k++)
			w->str[k][d] = src < n ? str[k][src] : 0;
	}
}

/*
 * Run @row over the flat element range lo .. hi - 1 of @w, row by row. The
 * start is decomposed once; later rows step the outer indices like an
 * odometer, so short rows pay no divisions.
 */
static int vx_walk_range(struct vx_ctx *ctx, const struct vx_walk *w, __u64 lo, __u64 hi,
			 vx_row_fn row, const void *op)
{
	const __u64 d3 = w->dims[3];
	__u64 r = lo / d3;
	__u32 j = (__u32)(lo % d3);
	__u32 i2 = (__u32)(r % w->dims[2]);
	__u32 i1 = (__u32)(r / w->dims[2] % w->dims[1]);
	__u32 i0 = (__u32)(r / w->dims[2] / w->dims[1]);
	int ret;

	while (lo < hi) {
		__u32 end = hi - lo < d3 - j ? j + (__u32)(hi - lo) : (__u32)d3;

		ret = row(ctx, op, w, i0, i1, i2, j, end);
		if (ret)
			return ret;
		lo += end - j;
		j = 0;
		if (++i2 == w->dims[2]) {
			i2 = 0;
			if (++i1 == w->dims[1]) {
				i1 = 0;
				i0++;
			}
		}
	}
	return 0;
}

/**
 * struct vx_par - one elementwise packet cut into slices for
 * hooks->parallel_for.
 * @bufs: the buffer list.
 * @w: the coalesced walk.
 * @row: the packet's row function.
 * @op: the packet.
 * @total: elements in the walk.
 * @slice: elements per slice (the last one may be short).
 */
struct vx_par {
	const struct vaccel_engine_buffer *bufs;
	const struct vx_walk *w;
	vx_row_fn row;
	const void *op;
	__u64 total;
	__u64 slice;
};

/*
 * One slice, on whatever thread the host picked: a context of its own
 * without hooks, so the slices share no progress counter and none calls a
 * hook (the host checks for cancellation between slices instead).
 */
static int vx_par_slice(void *arg, __u32 i)
{
	const struct vx_par *p = arg;
	struct vx_ctx local = { .bufs = p->bufs, .hooks = NULL, .work = 0 };
	__u64 lo = (__u64)i * p->slice;
	__u64 hi = p->total - lo < p->slice ? p->total : lo + p->slice;

	return vx_walk_range(&local, p->w, lo, hi, p->row, p->op);
}

/**
 * vx_walk_run() - run an elementwise packet over its whole walk.
 * @ctx: the run.
 * @w: the coalesced walk; operand 0 is the output.
 * @cost: work per element (1 for plain arithmetic; a whole row's work when
 *	an element of the walk is a row, as for SOFTMAX and LAYERNORM).
 * @row: computes one row segment.
 * @op: the packet, passed to @row.
 *
 * Large packets go to hooks->parallel_for in slices of about
 * VX_PAR_SLICE_WORK. A slice is a contiguous range of the walk's flat
 * index, so slices write disjoint output elements whatever the shape. (An
 * output whose strides make elements overlap has unspecified results in
 * the ISA; run in parallel it stays unspecified and inside its buffer.)
 *
 * Return: 0, or the first error of a row or of the hook.
 */
int vx_walk_run(struct vx_ctx *ctx, const struct vx_walk *w, __u64 cost, vx_row_fn row,
		const void *op)
{
	struct vx_par par;
	__u64 total = (__u64)w->dims[0] * w->dims[1] * w->dims[2] * w->dims[3];
	__u64 slices;
	int ret;

	if (!ctx->hooks || !ctx->hooks->parallel_for || !cost ||
	    total * cost < VX_PAR_MIN_WORK)
		return vx_walk_range(ctx, w, 0, total, row, op);
	par.bufs = ctx->bufs;
	par.w = w;
	par.row = row;
	par.op = op;
	par.total = total;
	/* A multiple of 16 elements: slices of a dense output start on a
	 * 64-byte line, so two threads never write the same cache line. (An
	 * element that is a whole softmax row costs more than a slice's work:
	 * then 16 of them.) */
	par.slice = (VX_PAR_SLICE_WORK / cost + 15) & ~15ull;
	if (!par.slice)
		par.slice = 16;
	slices = (total + par.slice - 1) / par.slice;
	if (slices > 0xffffffffull)
		return vx_walk_range(ctx, w, 0, total, row, op);
	ret = ctx->hooks->parallel_for(ctx->hooks->priv, (__u32)slices, vx_par_slice, &par);
	if (ret)
		return ret;
	return vx_progress(ctx, total * cost);
}

static int vx_exec_timestamp(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_timestamp pkt;
	__u64 now = 0;

	memcpy(&pkt, p, sizeof(pkt));
	if (ctx->hooks && ctx->hooks->clock_ns)
		now = ctx->hooks->clock_ns(ctx->hooks->priv);
	memcpy((char *)ctx->bufs[pkt.buf].ptr + pkt.offset, &now, sizeof(now));
	return 0;
}

static int vx_exec_fence(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_fence pkt;
	__u64 *dst;

	memcpy(&pkt, p, sizeof(pkt));
	dst = (__u64 *)((char *)ctx->bufs[pkt.buf].ptr + pkt.offset);
	/* Release: whoever sees the value also sees every earlier packet's
	 * writes (the validator guarantees 8-byte alignment). */
	__atomic_store_n(dst, pkt.value, __ATOMIC_RELEASE);
	return 0;
}

static int vx_exec_packet(struct vx_ctx *ctx, __u32 opcode, const void *p)
{
	switch (opcode) {
	case VACCEL_OP_NOP:
		return 0;
	case VACCEL_OP_TIMESTAMP:
		return vx_exec_timestamp(ctx, p);
	case VACCEL_OP_FENCE:
		return vx_exec_fence(ctx, p);
	case VACCEL_OP_COPY:
		return vx_exec_copy(ctx, p);
	case VACCEL_OP_FILL:
		return vx_exec_fill(ctx, p);
	case VACCEL_OP_GEMM:
		return vx_exec_gemm(ctx, p);
	case VACCEL_OP_CONV2D:
		return vx_exec_conv2d(ctx, p);
	case VACCEL_OP_UNARY:
		return vx_exec_unary(ctx, p);
	case VACCEL_OP_BINARY:
		return vx_exec_binary(ctx, p);
	case VACCEL_OP_FUSED_ELEMENTWISE:
		return vx_exec_fused(ctx, p);
	case VACCEL_OP_REDUCE:
		return vx_exec_reduce(ctx, p);
	case VACCEL_OP_SOFTMAX:
		return vx_exec_softmax(ctx, p);
	case VACCEL_OP_LAYERNORM:
		return vx_exec_norm(ctx, p, false);
	case VACCEL_OP_RMSNORM:
		return vx_exec_norm(ctx, p, true);
	case VACCEL_OP_TRANSPOSE:
		return vx_exec_transpose(ctx, p);
	case VACCEL_OP_GATHER:
		return vx_exec_gather(ctx, p);
	case VACCEL_OP_POOL:
		return vx_exec_pool(ctx, p);
	default:
		return -EINVAL;	/* unreachable after validation */
	}
}

int vaccel_execute(const void *cmdbuf, __u64 size,
		   const struct vaccel_engine_buffer *bufs, __u32 nbufs,
		   const struct vaccel_exec_hooks *hooks, __u32 *failed_packet)
{
	const char *base = cmdbuf;
	struct vaccel_cmdbuf_header ch;
	struct vx_ctx ctx = { .bufs = bufs, .hooks = hooks, .work = 0 };
	__u64 off = sizeof(ch);
	__u32 i;
	int ret = 0;

	(void)nbufs;	/* indices were checked by the validator */
	if (size < sizeof(ch))
		return -EINVAL;
	memcpy(&ch, base, sizeof(ch));
	for (i = 0; i < ch.num_packets; i++) {
		struct vaccel_pkt_header h;

		/* Cheap guard in case a caller skipped validation. */
		if (size - off < sizeof(h)) {
			ret = -EINVAL;
			break;
		}
		memcpy(&h, base + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > size - off) {
			ret = -EINVAL;
			break;
		}
		if (i > 0) {
			ret = vx_checkpoint(&ctx);
			if (ret)
				break;
		}
		ret = vx_exec_packet(&ctx, h.opcode, base + off);
		if (ret)
			break;
		off += h.size;
	}
	if (ret && failed_packet)
		*failed_packet = i;
	return ret;
}
