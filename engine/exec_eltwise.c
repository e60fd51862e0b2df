// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * exec_eltwise.c - UNARY, BINARY and FUSED_ELEMENTWISE, and the per-block
 * float kernels GEMM and CONV2D epilogues reuse for their activations.
 *
 * Each kernel applies one operation to a block of contiguous floats with
 * the switch outside the loop, so simple arithmetic vectorizes. Strided or
 * broadcast operands are gathered into VX_BLK-element stack blocks first;
 * contiguous same-shape operands are processed in place.
 */
#include "exec_internal.h"
#include "vaccel_math.h"

/* Elements processed in place between two progress calls. */
#define VX_DIRECT_CHUNK 4096u

static inline float vx_relu(float v)
{
	return v > 0.0f ? v : (v == v ? 0.0f : v);	/* NaN stays NaN */
}

void vx_unary_block(__u32 op, float *y, const float *x, __u32 n)
{
	__u32 i;

	switch (op) {
	case VACCEL_UNARY_RELU:
		for (i = 0; i < n; i++)
			y[i] = vx_relu(x[i]);
		break;
	case VACCEL_UNARY_GELU:
		for (i = 0; i < n; i++)
			y[i] = vm_geluf(x[i]);
		break;
	case VACCEL_UNARY_SILU:
		for (i = 0; i < n; i++)
			y[i] = vm_siluf(x[i]);
		break;
	case VACCEL_UNARY_SIGMOID:
		for (i = 0; i < n; i++)
			y[i] = vm_sigmoidf(x[i]);
		break;
	case VACCEL_UNARY_TANH:
		for (i = 0; i < n; i++)
			y[i] = vm_tanhf(x[i]);
		break;
	case VACCEL_UNARY_EXP:
		for (i = 0; i < n; i++)
			y[i] = vm_expf(x[i]);
		break;
	case VACCEL_UNARY_LOG:
		for (i = 0; i < n; i++)
			y[i] = vm_logf(x[i]);
		break;
	case VACCEL_UNARY_SQRT:
		for (i = 0; i < n; i++)
			y[i] = vm_sqrtf(x[i]);
		break;
	case VACCEL_UNARY_RSQRT:
		for (i = 0; i < n; i++)
			y[i] = vm_rsqrtf(x[i]);
		break;
	case VACCEL_UNARY_NEG:
		for (i = 0; i < n; i++)
			y[i] = -x[i];
		break;
	case VACCEL_UNARY_ABS:
		for (i = 0; i < n; i++)
			y[i] = __builtin_fabsf(x[i]);
		break;
	case VACCEL_UNARY_ERF:
		for (i = 0; i < n; i++)
			y[i] = vm_erff(x[i]);
		break;
	default:
		break;	/* unreachable after validation */
	}
}

void vx_binary_block(__u32 op, float *y, const float *a, const float *b, __u32 n)
{
	__u32 i;

	switch (op) {
	case VACCEL_BINARY_ADD:
		for (i = 0; i < n; i++)
			y[i] = a[i] + b[i];
		break;
	case VACCEL_BINARY_SUB:
		for (i = 0; i < n; i++)
			y[i] = a[i] - b[i];
		break;
	case VACCEL_BINARY_MUL:
		for (i = 0; i < n; i++)
			y[i] = a[i] * b[i];
		break;
	case VACCEL_BINARY_DIV:
		for (i = 0; i < n; i++)
			y[i] = a[i] / b[i];
		break;
	case VACCEL_BINARY_MAX:
		/* a + b is NaN when either is: propagate NaN as documented. */
		for (i = 0; i < n; i++)
			y[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] :
			       (a[i] > b[i] ? a[i] : b[i]);
		break;
	case VACCEL_BINARY_MIN:
		for (i = 0; i < n; i++)
			y[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] :
			       (a[i] < b[i] ? a[i] : b[i]);
		break;
	case VACCEL_BINARY_POW:
		for (i = 0; i < n; i++)
			y[i] = vm_powf(a[i], b[i]);
		break;
	default:
		break;
	}
}

/* enum vaccel_act value -> the enum vaccel_unary_op computing it. */
static const __u8 vx_act_unary[VACCEL_ACT_COUNT] = {
	[VACCEL_ACT_RELU] = VACCEL_UNARY_RELU,
	[VACCEL_ACT_GELU] = VACCEL_UNARY_GELU,
	[VACCEL_ACT_SILU] = VACCEL_UNARY_SILU,
	[VACCEL_ACT_SIGMOID] = VACCEL_UNARY_SIGMOID,
	[VACCEL_ACT_TANH] = VACCEL_UNARY_TANH,
};

void vx_act_block(__u32 act, float *y, __u32 n)
{
	if (act == VACCEL_ACT_NONE || act >= VACCEL_ACT_COUNT)
		return;
	vx_unary_block(vx_act_unary[act], y, y, n);
}

/* Gather n floats with stride s (0 broadcasts one value). */
static void vx_load(float *dst, const float *src, __s64 s, __u32 n)
{
	__u32 i;

	if (s == 1) {
		memcpy(dst, src, n * sizeof(float));
	} else if (s == 0) {
		for (i = 0; i < n; i++)
			dst[i] = src[0];
	} else {
		for (i = 0; i < n; i++)
			dst[i] = src[i * s];
	}
}

static void vx_store(float *dst, __s64 s, const float *src, __u32 n)
{
	__u32 i;

	if (s == 1) {
		memcpy(dst, src, n * sizeof(float));
	} else {
		for (i = 0; i < n; i++)
			dst[i * s] = src[i];
	}
}

/* Operand k's address at outer position (i0, i1, i2), element j. */
static inline float *vx_walk_at(const struct vx_walk *w, __u32 k, __u32 i0,
				__u32 i1, __u32 i2, __u32 j)
{
	return (float *)w->base[k] + i0 * w->str[k][0] + i1 * w->str[k][1] +
	       i2 * w->str[k][2] + j * w->str[k][3];
}

/* Work per element, in the units of vx_progress(): transcendental ops count 16. */
static __u32 vx_unary_cost(__u32 op)
{
	return op >= VACCEL_UNARY_NEG || op == VACCEL_UNARY_RELU ||
	       op == VACCEL_UNARY_SQRT ? 1 : 16;
}

static __u32 vx_binary_cost(__u32 op)
{
	return op == VACCEL_BINARY_POW ? 16 : 1;
}

static int vx_unary_row(struct vx_ctx *ctx, const void *op, const struct vx_walk *w,
			__u32 i0, __u32 i1, __u32 i2, __u32 j0, __u32 j1)
{
	const struct vaccel_pkt_unary *pkt = op;
	const bool direct = w->str[0][3] == 1 && w->str[1][3] == 1;
	const __u32 step = direct ? VX_DIRECT_CHUNK : VX_BLK;
	const __u32 cost = vx_unary_cost(pkt->op);
	float tmp[VX_BLK];
	__u32 j, n;
	int ret;

	for (j = j0; j < j1; j += n) {
		float *y = vx_walk_at(w, 0, i0, i1, i2, j);
		const float *x = vx_walk_at(w, 1, i0, i1, i2, j);

		n = j1 - j < step ? j1 - j : step;
		if (direct) {
			vx_unary_block(pkt->op, y, x, n);
		} else {
			vx_load(tmp, x, w->str[1][3], n);
			vx_unary_block(pkt->op, tmp, tmp, n);
			vx_store(y, w->str[0][3], tmp, n);
		}
		ret = vx_progress(ctx, (__u64)n * cost);
		if (ret)
			return ret;
	}
	return 0;
}

int vx_exec_unary(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_unary pkt;
	struct vx_walk w;

	memcpy(&pkt, p, sizeof(pkt));
	vx_walk_init(&w, ctx, &pkt.y);
	vx_walk_add(&w, ctx, &pkt.x, &pkt.y);
	vx_walk_coalesce(&w);
	return vx_walk_run(ctx, &w, vx_unary_cost(pkt.op), vx_unary_row, &pkt);
}

static int vx_binary_row(struct vx_ctx *ctx, const void *op, const struct vx_walk *w,
			 __u32 i0, __u32 i1, __u32 i2, __u32 j0, __u32 j1)
{
	const struct vaccel_pkt_binary *pkt = op;
	const bool direct = w->str[0][3] == 1 && w->str[1][3] == 1 && w->str[2][3] == 1;
	const __u32 step = direct ? VX_DIRECT_CHUNK : VX_BLK;
	const __u32 cost = vx_binary_cost(pkt->op);
	float ta[VX_BLK], tb[VX_BLK];
	__u32 j, n;
	int ret;

	for (j = j0; j < j1; j += n) {
		float *y = vx_walk_at(w, 0, i0, i1, i2, j);
		const float *a = vx_walk_at(w, 1, i0, i1, i2, j);
		const float *b = vx_walk_at(w, 2, i0, i1, i2, j);

		n = j1 - j < step ? j1 - j : step;
		if (direct) {
			vx_binary_block(pkt->op, y, a, b, n);
		} else {
			vx_load(ta, a, w->str[1][3], n);
			vx_load(tb, b, w->str[2][3], n);
			vx_binary_block(pkt->op, ta, ta, tb, n);
			vx_store(y, w->str[0][3], ta, n);
		}
		ret = vx_progress(ctx, (__u64)n * cost);
		if (ret)
			return ret;
	}
	return 0;
}

int vx_exec_binary(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_binary pkt;
	struct vx_walk w;

	memcpy(&pkt, p, sizeof(pkt));
	vx_walk_init(&w, ctx, &pkt.y);
	vx_walk_add(&w, ctx, &pkt.a, &pkt.y);
	vx_walk_add(&w, ctx, &pkt.b, &pkt.y);
	vx_walk_coalesce(&w);
	return vx_walk_run(ctx, &w, vx_binary_cost(pkt.op), vx_binary_row, &pkt);
}

/*
 * Run the register program over n (<= VX_BLK) elements: each instruction
 * sweeps the whole block, so the interpreter's dispatch is paid once per
 * block and the arithmetic loops vectorize.
 */
static void vx_fused_block(const struct vaccel_pkt_fused *pkt, const struct vx_walk *w,
			   __u32 i0, __u32 i1, __u32 i2, __u32 j, __u32 n,
			   float regs[VACCEL_FUSED_NUM_REGS][VX_BLK])
{
	__u32 k, e;

	for (k = 0; k < pkt->num_insts; k++) {
		const struct vaccel_fused_inst *in = &pkt->insts[k];
		float *d = regs[in->dst];

		switch (in->opc) {
		case VACCEL_FUSED_LOAD:
			vx_load(d, vx_walk_at(w, 1 + in->src0, i0, i1, i2, j),
				w->str[1 + in->src0][3], n);
			break;
		case VACCEL_FUSED_CONST: {
			float c = vx_f32(in->imm);

			for (e = 0; e < n; e++)
				d[e] = c;
			break;
		}
		case VACCEL_FUSED_UNARY:
			vx_unary_block(in->imm, d, regs[in->src0], n);
			break;
		case VACCEL_FUSED_BINARY:
			vx_binary_block(in->imm, d, regs[in->src0], regs[in->src1], n);
			break;
		case VACCEL_FUSED_SELECT: {
			const float *c = regs[in->imm], *s0 = regs[in->src0];
			const float *s1 = regs[in->src1];

			for (e = 0; e < n; e++)
				d[e] = c[e] != 0.0f ? s0[e] : s1[e];
			break;
		}
		default:
			break;
		}
	}
}

static int vx_fused_row(struct vx_ctx *ctx, const void *op, const struct vx_walk *w,
			__u32 i0, __u32 i1, __u32 i2, __u32 j0, __u32 j1)
{
	const struct vaccel_pkt_fused *pkt = op;
	float regs[VACCEL_FUSED_NUM_REGS][VX_BLK];
	__u32 j, n;
	int ret;

	for (j = j0; j < j1; j += n) {
		n = j1 - j < VX_BLK ? j1 - j : VX_BLK;
		vx_fused_block(pkt, w, i0, i1, i2, j, n, regs);
		vx_store(vx_walk_at(w, 0, i0, i1, i2, j), w->str[0][3], regs[pkt->out_reg], n);
		ret = vx_progress(ctx, (__u64)n * pkt->num_insts);
		if (ret)
			return ret;
	}
	return 0;
}

int vx_exec_fused(struct vx_ctx *ctx, const void *p)
{
	struct vaccel_pkt_fused pkt;
	struct vx_walk w;
	__u32 k;

	memcpy(&pkt, p, sizeof(pkt));
	vx_walk_init(&w, ctx, &pkt.y);
	for (k = 0; k < pkt.num_inputs; k++)
		vx_walk_add(&w, ctx, &pkt.in[k], &pkt.y);
	vx_walk_coalesce(&w);
	return vx_walk_run(ctx, &w, pkt.num_insts, vx_fused_row, &pkt);
}
