// SPDX-License-Identifier: MIT
/*
 * interp_ops.c - the reference interpreter's kernels: one naive loop nest
 * per op, on dense row-major tensors of f32, i64, i32 and bool.
 *
 * This is the oracle the compiler's fast paths are checked against, so it
 * favours the obvious over the quick: sums accumulate in double, indices are
 * recomputed rather than strength-reduced, and every shape and index is
 * checked against the concrete tensors (constant folding runs these kernels
 * on whatever constants an imported model holds).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

/* The largest tensor a kernel will allocate: 2^28 elements (1 GiB of f32). */
#define MAX_ELEMS (1ll << 28)

struct kctx {
	const struct accel_graph *g;
	const struct accel_node *n;
	const struct dim_env *env;
	const struct accel_tensor *in;
	struct accel_tensor *out;
	struct accel_ir_error *err;
};

static int kerr(struct kctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int kerr(struct kctx *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ir_error(c->err, EINVAL, "interpreter: %s -> %%%s: %s", accel_op_name(c->n->op),
			c->n->outputs[0]->name, msg);
}

int64_t tensor_numel(const struct accel_tensor *t)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < t->rank; i++)
		n *= t->dims[i];
	return n;
}

static bool has(const struct kctx *c, uint32_t i)
{
	return i < c->n->ninputs && c->n->inputs[i];
}

/* Allocate output @i with @rank dims (zero-filled). */
static int alloc_out(struct kctx *c, uint32_t i, enum accel_dtype dt, int rank,
		     const int64_t *dims)
{
	struct accel_tensor *t = &c->out[i];
	int64_t n = 1;
	int d;

	if (rank < 0 || rank > ACCEL_IR_MAX_RANK)
		return kerr(c, "result rank %d unsupported", rank);
	for (d = 0; d < rank; d++)
		if (dims[d] < 0 || __builtin_mul_overflow(n, dims[d], &n) || n > MAX_ELEMS)
			return kerr(c, "result too large or negative dimension");
	t->dtype = dt;
	t->rank = rank;
	for (d = 0; d < rank; d++)
		t->dims[d] = dims[d];
	t->data = calloc((size_t)(n ? n : 1), accel_dtype_size(dt));
	if (!t->data)
		return ir_error(c->err, ENOMEM, "interpreter: out of memory");
	return 0;
}

static double get(const struct accel_tensor *t, int64_t i)
{
	switch (t->dtype) {
	case ACCEL_DT_F32:
		return ((const float *)t->data)[i];
	case ACCEL_DT_I64:
		return (double)((const int64_t *)t->data)[i];
	case ACCEL_DT_I32:
		return ((const int32_t *)t->data)[i];
	case ACCEL_DT_BOOL:
		return ((const uint8_t *)t->data)[i];
	default:
		return 0;
	}
}

static int64_t geti(const struct accel_tensor *t, int64_t i)
{
	switch (t->dtype) {
	case ACCEL_DT_I64:
		return ((const int64_t *)t->data)[i];
	case ACCEL_DT_I32:
		return ((const int32_t *)t->data)[i];
	case ACCEL_DT_BOOL:
		return ((const uint8_t *)t->data)[i];
	case ACCEL_DT_F32: {
		float f = ((const float *)t->data)[i];

		/* C leaves out-of-range conversions undefined: saturate. */
		if (!(f == f))
			return 0;
		if (f >= 9.2233720e18f)
			return INT64_MAX;
		if (f <= -9.2233720e18f)
			return INT64_MIN;
		return (int64_t)f;
	}
	default:
		return 0;
	}
}

static void put(struct accel_tensor *t, int64_t i, double v)
{
	switch (t->dtype) {
	case ACCEL_DT_F32:
		((float *)t->data)[i] = (float)v;
		break;
	case ACCEL_DT_BOOL:
		((uint8_t *)t->data)[i] = v != 0;
		break;
	default:
		break;
	}
}

static void puti(struct accel_tensor *t, int64_t i, int64_t v)
{
	switch (t->dtype) {
	case ACCEL_DT_I64:
		((int64_t *)t->data)[i] = v;
		break;
	case ACCEL_DT_I32:
		((int32_t *)t->data)[i] = (int32_t)v;
		break;
	case ACCEL_DT_BOOL:
		((uint8_t *)t->data)[i] = v != 0;
		break;
	case ACCEL_DT_F32:
		((float *)t->data)[i] = (float)v;
		break;
	default:
		break;
	}
}

static bool is_int(enum accel_dtype dt)
{
	return dt == ACCEL_DT_I64 || dt == ACCEL_DT_I32 || dt == ACCEL_DT_BOOL;
}

/* Offsets of @t's elements for an output of rank @r under numpy
 * broadcasting: stride 0 along broadcast dims. */
static void bcast_strides(const struct accel_tensor *t, int r, int64_t *st)
{
	int64_t s = 1;
	int i, j;

	for (i = r - 1, j = t->rank - 1; i >= 0; i--, j--) {
		if (j < 0 || t->dims[j] == 1) {
			st[i] = 0;
		} else {
			st[i] = s;
		}
		if (j >= 0)
			s *= t->dims[j];
	}
}

static int bcast_shape(struct kctx *c, const struct accel_tensor *a, const struct accel_tensor *b,
		       int *r, int64_t *dims)
{
	int i;

	*r = a->rank > b->rank ? a->rank : b->rank;
	for (i = 0; i < *r; i++) {
		int ia = i - (*r - a->rank), ib = i - (*r - b->rank);
		int64_t x = ia >= 0 ? a->dims[ia] : 1, y = ib >= 0 ? b->dims[ib] : 1;

		if (x != y && x != 1 && y != 1)
			return kerr(c, "cannot broadcast %lld with %lld", (long long)x, (long long)y);
		dims[i] = x == 1 ? y : x;
	}
	return 0;
}

/* Advance a multi-index over dims; false when it wraps to the start. */
static bool next_index(int64_t *idx, const int64_t *dims, int r)
{
	int i;

	for (i = r - 1; i >= 0; i--) {
		if (++idx[i] < dims[i])
			return true;
		idx[i] = 0;
	}
	return false;
}

static int64_t offset(const int64_t *idx, const int64_t *st, int r)
{
	int64_t o = 0;
	int i;

	for (i = 0; i < r; i++)
		o += idx[i] * st[i];
	return o;
}

/* Integer power, wrapping like the other integer ops; by squaring, so a
 * huge exponent costs 64 steps, not 2^63. */
static int64_t int_pow(int64_t b, int64_t e)
{
	uint64_t r = 1, x = (uint64_t)b;

	if (e < 0)
		return b == 1 ? 1 : b == -1 ? (e & 1 ? -1 : 1) : 0;
	while (e) {
		if (e & 1)
			r *= x;
		x *= x;
		e >>= 1;
	}
	return (int64_t)r;
}

static int k_elementwise(struct kctx *c)
{
	const struct accel_tensor *t[3] = { &c->in[0], &c->in[1], c->n->ninputs > 2 ? &c->in[2] : NULL };
	int64_t dims[ACCEL_IR_MAX_RANK], tmp[ACCEL_IR_MAX_RANK], st[3][ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, k = 0;
	enum accel_op op = c->n->op;
	enum accel_dtype dt;
	int r, i, ret;

	ret = bcast_shape(c, t[0], t[1], &r, dims);
	if (!ret && t[2]) {
		struct accel_tensor ab = { .rank = r };

		memcpy(ab.dims, dims, sizeof(dims));
		ret = bcast_shape(c, &ab, t[2], &r, tmp);
		memcpy(dims, tmp, sizeof(tmp));
	}
	if (ret)
		return ret;
	if (op == ACCEL_OP_WHERE && (t[0]->dtype != ACCEL_DT_BOOL || t[1]->dtype != t[2]->dtype))
		return kerr(c, "condition must be bool and branches of one dtype");
	if (op != ACCEL_OP_WHERE && op != ACCEL_OP_POW && t[0]->dtype != t[1]->dtype)
		return kerr(c, "inputs differ in dtype");
	dt = op == ACCEL_OP_EQUAL ? ACCEL_DT_BOOL : op == ACCEL_OP_WHERE ? t[1]->dtype : t[0]->dtype;
	ret = alloc_out(c, 0, dt, r, dims);
	if (ret)
		return ret;
	for (i = 0; i < 3; i++)
		if (t[i])
			bcast_strides(t[i], r, st[i]);
	do {
		int64_t a = offset(idx, st[0], r), b = offset(idx, st[1], r);

		if (op == ACCEL_OP_WHERE) {
			int64_t e = geti(t[0], a) ? b : offset(idx, st[2], r);
			const struct accel_tensor *src = geti(t[0], a) ? t[1] : t[2];

			if (is_int(dt))
				puti(&c->out[0], k, geti(src, e));
			else
				put(&c->out[0], k, get(src, e));
		} else if (is_int(t[0]->dtype)) {
			int64_t x = geti(t[0], a), y = geti(t[1], b), z = 0;
			uint64_t ux = (uint64_t)x, uy = (uint64_t)y;

			switch (op) {
			/* Wrapping two's-complement arithmetic, as C on the
			 * device would do, without signed-overflow UB. */
			case ACCEL_OP_ADD: z = (int64_t)(ux + uy); break;
			case ACCEL_OP_SUB: z = (int64_t)(ux - uy); break;
			case ACCEL_OP_MUL: z = (int64_t)(ux * uy); break;
			case ACCEL_OP_DIV:
				if (y == 0)
					return kerr(c, "integer division by zero");
				z = x == INT64_MIN && y == -1 ? x : x / y;
				break;
			case ACCEL_OP_POW: z = int_pow(x, y); break;
			case ACCEL_OP_EQUAL: z = x == y; break;
			default: break;
			}
			puti(&c->out[0], k, z);
		} else {
			double x = get(t[0], a), y = get(t[1], b), z = 0;

			switch (op) {
			case ACCEL_OP_ADD: z = (float)x + (float)y; break;
			case ACCEL_OP_SUB: z = (float)x - (float)y; break;
			case ACCEL_OP_MUL: z = (float)x * (float)y; break;
			case ACCEL_OP_DIV: z = (float)x / (float)y; break;
			case ACCEL_OP_POW: z = powf((float)x, (float)y); break;
			case ACCEL_OP_EQUAL: z = x == y; break;
			default: break;
			}
			put(&c->out[0], k, z);
		}
		k++;
	} while (next_index(idx, dims, r));
	return 0;
}

static int k_unary(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	enum accel_op op = c->n->op;
	enum accel_dtype dt = x->dtype;
	int64_t i, n = tensor_numel(x);
	int ret;

	if (op == ACCEL_OP_CAST) {
		dt = (enum accel_dtype)ir_attr_int(c->n, "to");
		if (dt != ACCEL_DT_F32 && !is_int(dt))
			return kerr(c, "cannot cast to %s", accel_dtype_name(dt));
	} else if (dt != ACCEL_DT_F32) {
		return kerr(c, "input must be f32");
	}
	ret = alloc_out(c, 0, dt, x->rank, x->dims);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		float v = (float)get(x, i), y = 0;

		switch (op) {
		case ACCEL_OP_CAST:
			if (is_int(dt))
				puti(&c->out[0], i, dt == ACCEL_DT_BOOL ? get(x, i) != 0 : geti(x, i));
			else
				put(&c->out[0], i, is_int(x->dtype) ? (double)geti(x, i) : v);
			continue;
		case ACCEL_OP_RELU: y = v > 0 ? v : 0; break;
		case ACCEL_OP_ERF: y = erff(v); break;
		case ACCEL_OP_TANH: y = tanhf(v); break;
		case ACCEL_OP_SIGMOID: y = (float)(1.0 / (1.0 + exp(-(double)v))); break;
		case ACCEL_OP_SQRT: y = sqrtf(v); break;
		case ACCEL_OP_GELU:
			if (ir_attr_int(c->n, "approximate"))
				y = (float)(0.5 * v * (1 + tanh(0.7978845608028654 *
							      (v + 0.044715 * (double)v * v * v))));
			else
				y = (float)(0.5 * v * (1 + erf(v / 1.4142135623730951)));
			break;
		default: break;
		}
		put(&c->out[0], i, y);
	}
	return 0;
}

static const float *fdata(const struct accel_tensor *t)
{
	return t->data;
}

static int need_f32(struct kctx *c, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (has(c, i) && c->in[i].dtype != ACCEL_DT_F32)
			return kerr(c, "input %u must be f32", i);
	return 0;
}

static int k_matmul(struct kctx *c)
{
	struct accel_tensor a = c->in[0], b = c->in[1], ba, bb;
	int64_t dims[ACCEL_IR_MAX_RANK], sa[ACCEL_IR_MAX_RANK], sb[ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, M, N, K, i, j, k, batch = 0;
	bool va = a.rank == 1, vb = b.rank == 1;
	int r, rank, ret;
	float *y;

	ret = need_f32(c, 2);
	if (ret)
		return ret;
	if (a.rank < 1 || b.rank < 1)
		return kerr(c, "operands must have rank >= 1");
	if (va) {
		a.rank = 2;
		a.dims[1] = a.dims[0];
		a.dims[0] = 1;
	}
	if (vb) {
		b.rank = 2;
		b.dims[1] = 1;
	}
	M = a.dims[a.rank - 2];
	K = a.dims[a.rank - 1];
	N = b.dims[b.rank - 1];
	if (b.dims[b.rank - 2] != K)
		return kerr(c, "inner dimensions %lld and %lld differ", (long long)K,
			    (long long)b.dims[b.rank - 2]);
	ba = a;
	ba.rank -= 2;
	bb = b;
	bb.rank -= 2;
	ret = bcast_shape(c, &ba, &bb, &r, dims);
	if (ret)
		return ret;
	bcast_strides(&ba, r, sa);
	bcast_strides(&bb, r, sb);
	rank = r;
	if (!va)
		dims[rank++] = M;
	if (!vb)
		dims[rank++] = N;
	if (rank > ACCEL_IR_MAX_RANK)
		return kerr(c, "result rank too large");
	ret = alloc_out(c, 0, ACCEL_DT_F32, rank, dims);
	if (ret)
		return ret;
	y = c->out[0].data;
	do {
		const float *pa = fdata(&a) + offset(idx, sa, r) * M * K;
		const float *pb = fdata(&b) + offset(idx, sb, r) * K * N;
		float *py = y + batch * M * N;

		for (i = 0; i < M; i++)
			for (j = 0; j < N; j++) {
				double s = 0;

				for (k = 0; k < K; k++)
					s += (double)pa[i * K + k] * pb[k * N + j];
				py[i * N + j] = (float)s;
			}
		batch++;
	} while (next_index(idx, dims, r));
	return 0;
}

static int k_gemm(struct kctx *c)
{
	const struct accel_tensor *a = &c->in[0], *b = &c->in[1];
	bool ta = ir_attr_int(c->n, "transA"), tb = ir_attr_int(c->n, "transB");
	double alpha = ir_attr_float(c->n, "alpha"), beta = ir_attr_float(c->n, "beta");
	int64_t M, N, K, i, j, k, dims[2], st[2] = { 0, 0 };
	int ret;

	ret = need_f32(c, 3);
	if (ret)
		return ret;
	if (a->rank != 2 || b->rank != 2)
		return kerr(c, "operands must be matrices");
	M = a->dims[ta ? 1 : 0];
	K = a->dims[ta ? 0 : 1];
	N = b->dims[tb ? 0 : 1];
	if (b->dims[tb ? 1 : 0] != K)
		return kerr(c, "inner dimensions differ");
	dims[0] = M;
	dims[1] = N;
	if (has(c, 2)) {
		struct accel_tensor o = { .rank = 2, .dims = { M, N } };
		int64_t bd[ACCEL_IR_MAX_RANK];
		int r;

		ret = bcast_shape(c, &o, &c->in[2], &r, bd);
		if (ret)
			return ret;
		if (r != 2 || bd[0] != M || bd[1] != N)
			return kerr(c, "C does not broadcast to the result");
		bcast_strides(&c->in[2], 2, st);
	}
	ret = alloc_out(c, 0, ACCEL_DT_F32, 2, dims);
	if (ret)
		return ret;
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double s = 0;

			for (k = 0; k < K; k++)
				s += (double)fdata(a)[ta ? k * M + i : i * K + k] *
				     fdata(b)[tb ? j * K + k : k * N + j];
			s *= alpha;
			if (has(c, 2))
				s += beta * fdata(&c->in[2])[i * st[0] + j * st[1]];
			((float *)c->out[0].data)[i * N + j] = (float)s;
		}
	return 0;
}

static void ints_attr(const struct accel_node *n, const char *name, int cnt, int64_t def,
		      int64_t *out)
{
	const struct accel_attr *a = ir_attr_find(n, name);
	int i;

	for (i = 0; i < cnt; i++)
		out[i] = a && (int)a->n == cnt ? a->ints[i] : def;
}

/* Kernel sizes, strides, dilations and pads beyond this are refused, which
 * keeps every index computation far from overflow. */
#define WINDOW_MAX (1 << 20)

static bool window_ok(const int64_t *v, int n, int64_t lo)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] < lo || v[i] > WINDOW_MAX)
			return false;
	return true;
}

static int k_conv(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0], *w = &c->in[1];
	int64_t st[2], pd[4], dl[2], g = ir_attr_int(c->n, "group"), dims[4];
	int64_t N, C, H, W, M, KH, KW, OH, OW, cg, mg, n, m, oh, ow, ci, kh, kw;
	int ret;

	ret = need_f32(c, 3);
	if (ret)
		return ret;
	if (x->rank != 4 || w->rank != 4)
		return kerr(c, "only 2-D convolution is supported");
	ints_attr(c->n, "strides", 2, 1, st);
	ints_attr(c->n, "pads", 4, 0, pd);
	ints_attr(c->n, "dilations", 2, 1, dl);
	N = x->dims[0]; C = x->dims[1]; H = x->dims[2]; W = x->dims[3];
	M = w->dims[0]; KH = w->dims[2]; KW = w->dims[3];
	if (g < 1 || C % g || M % g || w->dims[1] != C / g || !window_ok(st, 2, 1) ||
	    !window_ok(dl, 2, 1) || !window_ok(pd, 4, 0) || KH < 1 || KW < 1 ||
	    KH > WINDOW_MAX || KW > WINDOW_MAX)
		return kerr(c, "inconsistent channels, group, strides, dilations or pads");
	if (has(c, 2) && (c->in[2].rank != 1 || c->in[2].dims[0] != M))
		return kerr(c, "bias length differs from output channels");
	OH = (H + pd[0] + pd[2] - ((KH - 1) * dl[0] + 1)) / st[0] + 1;
	OW = (W + pd[1] + pd[3] - ((KW - 1) * dl[1] + 1)) / st[1] + 1;
	if (OH < 1 || OW < 1)
		return kerr(c, "kernel larger than the padded input");
	dims[0] = N; dims[1] = M; dims[2] = OH; dims[3] = OW;
	ret = alloc_out(c, 0, ACCEL_DT_F32, 4, dims);
	if (ret)
		return ret;
	cg = C / g;
	mg = M / g;
	for (n = 0; n < N; n++)
		for (m = 0; m < M; m++)
			for (oh = 0; oh < OH; oh++)
				for (ow = 0; ow < OW; ow++) {
					double s = has(c, 2) ? fdata(&c->in[2])[m] : 0;

					for (ci = 0; ci < cg; ci++)
						for (kh = 0; kh < KH; kh++)
							for (kw = 0; kw < KW; kw++) {
								int64_t ih = oh * st[0] - pd[0] + kh * dl[0];
								int64_t iw = ow * st[1] - pd[1] + kw * dl[1];
								int64_t cin = (m / mg) * cg + ci;

								if (ih < 0 || ih >= H || iw < 0 || iw >= W)
									continue;
								s += (double)fdata(x)[((n * C + cin) * H + ih) * W + iw] *
								     fdata(w)[((m * cg + ci) * KH + kh) * KW + kw];
							}
					((float *)c->out[0].data)[((n * M + m) * OH + oh) * OW + ow] = (float)s;
				}
	return 0;
}

static int k_pool(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	enum accel_op op = c->n->op;
	int64_t k[2], st[2], pd[4], dl[2] = { 1, 1 }, dims[4], N, C, H, W, OH, OW, i, oh, ow;
	bool ceil_mode = ir_attr_int(c->n, "ceil_mode");
	bool incl = ir_attr_int(c->n, "count_include_pad");
	int ret;

	ret = need_f32(c, 1);
	if (ret)
		return ret;
	if (x->rank != 4)
		return kerr(c, "only 2-D pooling is supported");
	N = x->dims[0]; C = x->dims[1]; H = x->dims[2]; W = x->dims[3];
	if (op == ACCEL_OP_GLOBALAVGPOOL) {
		k[0] = H; k[1] = W;
		st[0] = st[1] = 1;
		memset(pd, 0, sizeof(pd));
	} else {
		ints_attr(c->n, "kernel_shape", 2, 0, k);
		ints_attr(c->n, "strides", 2, 1, st);
		ints_attr(c->n, "pads", 4, 0, pd);
		if (op == ACCEL_OP_MAXPOOL)
			ints_attr(c->n, "dilations", 2, 1, dl);
	}
	if (op != ACCEL_OP_GLOBALAVGPOOL && (!window_ok(k, 2, 1) || !window_ok(st, 2, 1) ||
					     !window_ok(dl, 2, 1) || !window_ok(pd, 4, 0)))
		return kerr(c, "invalid kernel, strides, dilations or pads");
	OH = (H + pd[0] + pd[2] - ((k[0] - 1) * dl[0] + 1) + (ceil_mode ? st[0] - 1 : 0)) / st[0] + 1;
	OW = (W + pd[1] + pd[3] - ((k[1] - 1) * dl[1] + 1) + (ceil_mode ? st[1] - 1 : 0)) / st[1] + 1;
	/* With ceil_mode, a last window starting in the right padding is
	 * dropped, as ONNX and PyTorch do. */
	if (ceil_mode && (OH - 1) * st[0] >= H + pd[0])
		OH--;
	if (ceil_mode && (OW - 1) * st[1] >= W + pd[1])
		OW--;
	if (OH < 1 || OW < 1)
		return kerr(c, "window larger than the padded input");
	dims[0] = N; dims[1] = C; dims[2] = OH; dims[3] = OW;
	ret = alloc_out(c, 0, ACCEL_DT_F32, 4, dims);
	if (ret)
		return ret;
	for (i = 0; i < N * C; i++)
		for (oh = 0; oh < OH; oh++)
			for (ow = 0; ow < OW; ow++) {
				double s = 0, best = -INFINITY;
				int64_t cnt = 0, kh, kw;

				for (kh = 0; kh < k[0]; kh++)
					for (kw = 0; kw < k[1]; kw++) {
						int64_t ih = oh * st[0] - pd[0] + kh * dl[0];
						int64_t iw = ow * st[1] - pd[1] + kw * dl[1];
						double v;

						/* Padding counts toward the divisor only
						 * inside the padded extent. */
						if (incl && ih < H + pd[2] && iw < W + pd[3])
							cnt++;
						if (ih < 0 || ih >= H || iw < 0 || iw >= W)
							continue;
						v = fdata(x)[(i * H + ih) * W + iw];
						s += v;
						best = v > best ? v : best;
						cnt += !incl;
					}
				((float *)c->out[0].data)[(i * OH + oh) * OW + ow] =
					(float)(op == ACCEL_OP_MAXPOOL ? best : cnt ? s / cnt : 0);
			}
	return 0;
}

static int axis_of(struct kctx *c, int64_t axis, int rank, int *out)
{
	*out = 0;
	if (axis < -rank || axis >= rank)
		return kerr(c, "axis %lld out of range", (long long)axis);
	*out = (int)(axis < 0 ? axis + rank : axis);
	return 0;
}

/* Split dims at @axis into outer x len x inner. */
static void around(const struct accel_tensor *t, int axis, int64_t *outer, int64_t *inner)
{
	int i;

	*outer = 1;
	*inner = 1;
	for (i = 0; i < axis; i++)
		*outer *= t->dims[i];
	for (i = axis + 1; i < t->rank; i++)
		*inner *= t->dims[i];
}

static int k_norm(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	enum accel_op op = c->n->op;
	double eps = ir_attr_float(c->n, "epsilon");
	int64_t outer, inner, len, i, j, k;
	float *y;
	int axis, ret;

	ret = need_f32(c, c->n->ninputs);
	if (!ret)
		ret = alloc_out(c, 0, ACCEL_DT_F32, x->rank, x->dims);
	if (ret)
		return ret;
	y = c->out[0].data;
	if (op == ACCEL_OP_BATCHNORM) {
		if (x->rank < 2)
			return kerr(c, "input needs a channel dimension");
		for (i = 1; i < 5; i++)
			if (c->in[i].rank != 1 || c->in[i].dims[0] != x->dims[1])
				return kerr(c, "parameter %lld is not a channel vector", (long long)i);
		around(x, 1, &outer, &inner);
		len = x->dims[1];
		for (i = 0; i < outer; i++)
			for (j = 0; j < len; j++) {
				double sc = fdata(&c->in[1])[j] / sqrt(fdata(&c->in[4])[j] + eps);

				for (k = 0; k < inner; k++) {
					int64_t o = (i * len + j) * inner + k;

					y[o] = (float)((fdata(x)[o] - fdata(&c->in[3])[j]) * sc +
						       fdata(&c->in[2])[j]);
				}
			}
		return 0;
	}
	ret = axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (op == ACCEL_OP_SOFTMAX) {
		around(x, axis, &outer, &inner);
		len = x->dims[axis];
		for (i = 0; i < outer; i++)
			for (k = 0; k < inner; k++) {
				double mx = -INFINITY, s = 0;

				for (j = 0; j < len; j++)
					mx = fmax(mx, fdata(x)[(i * len + j) * inner + k]);
				for (j = 0; j < len; j++)
					s += exp(fdata(x)[(i * len + j) * inner + k] - mx);
				for (j = 0; j < len; j++)
					y[(i * len + j) * inner + k] =
						(float)(exp(fdata(x)[(i * len + j) * inner + k] - mx) / s);
			}
		return 0;
	}
	/* LayerNormalization: normalize over dims [axis, rank). */
	outer = 1;
	len = 1;
	for (i = 0; i < x->rank; i++) {
		if (i < axis)
			outer *= x->dims[i];
		else
			len *= x->dims[i];
	}
	for (i = 1; i < c->n->ninputs; i++) {
		if (!has(c, (uint32_t)i))
			continue;
		if (tensor_numel(&c->in[i]) != len)
			return kerr(c, "scale or bias does not match the normalized shape");
	}
	for (i = 0; i < outer; i++) {
		const float *px = fdata(x) + i * len;
		double mean = 0, var = 0;

		for (j = 0; j < len; j++)
			mean += px[j];
		mean /= len ? len : 1;
		for (j = 0; j < len; j++)
			var += (px[j] - mean) * (px[j] - mean);
		var /= len ? len : 1;
		for (j = 0; j < len; j++) {
			double v = (px[j] - mean) / sqrt(var + eps) * fdata(&c->in[1])[j];

			if (has(c, 2))
				v += fdata(&c->in[2])[j];
			y[i * len + j] = (float)v;
		}
	}
	return 0;
}

static int k_reduce(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *axes = ir_attr_find(c->n, "axes");
	bool keep = ir_attr_int(c->n, "keepdims"), red[ACCEL_IR_MAX_RANK] = { false };
	int64_t dims[ACCEL_IR_MAX_RANK] = { 0 }, idx[ACCEL_IR_MAX_RANK] = { 0 }, ost[ACCEL_IR_MAX_RANK],
		full[ACCEL_IR_MAX_RANK], s = 1, cnt = 1, k = 0, n = tensor_numel(x);
	double *acc;
	int r = 0, a, ret;
	uint32_t i;

	ret = need_f32(c, 1);
	if (ret)
		return ret;
	for (i = 0; axes && i < axes->n; i++) {
		ret = axis_of(c, axes->ints[i], x->rank, &a);
		if (ret)
			return ret;
		red[a] = true;
	}
	for (a = 0; a < x->rank; a++) {
		if (!axes || !axes->n)
			red[a] = true;
		full[a] = red[a] ? 1 : x->dims[a];
		if (!red[a] || keep)
			dims[r++] = full[a];
		if (red[a])
			cnt *= x->dims[a];
	}
	/* Output strides over the full-rank (kept) shape. */
	for (a = x->rank - 1; a >= 0; a--) {
		ost[a] = red[a] ? 0 : s;
		s *= full[a];
	}
	ret = alloc_out(c, 0, ACCEL_DT_F32, r, dims);
	if (ret)
		return ret;
	acc = calloc((size_t)(s ? s : 1), sizeof(*acc));
	if (!acc)
		return ir_error(c->err, ENOMEM, "interpreter: out of memory");
	if (n > 0)
		do
			acc[offset(idx, ost, x->rank)] += fdata(x)[k++];
		while (next_index(idx, x->dims, x->rank));
	for (k = 0; k < s; k++)
		((float *)c->out[0].data)[k] = (float)(cnt ? acc[k] / cnt : NAN);
	free(acc);
	return 0;
}

/* ---- layout: these move elements of any dtype ---- */

static int copy_as(struct kctx *c, int rank, const int64_t *dims)
{
	const struct accel_tensor *x = &c->in[0];
	int ret;

	ret = alloc_out(c, 0, x->dtype, rank, dims);
	if (ret)
		return ret;
	if (tensor_numel(&c->out[0]) != tensor_numel(x))
		return kerr(c, "%lld elements cannot become %lld", (long long)tensor_numel(x),
			    (long long)tensor_numel(&c->out[0]));
	memcpy(c->out[0].data, x->data, (size_t)tensor_numel(x) * accel_dtype_size(x->dtype));
	return 0;
}

/* The target dims of Reshape/Expand/ConstantOfShape: a DIMS attribute
 * evaluated under the symbol values, or the i64 input @idx. */
static int target(struct kctx *c, uint32_t idx, int64_t *dims, int *rank)
{
	const struct accel_attr *a = ir_attr_find(c->n, "shape");
	uint32_t i;
	int ret;

	*rank = 0;
	if (has(c, idx)) {
		const struct accel_tensor *s = &c->in[idx];

		if (s->dtype != ACCEL_DT_I64 || s->rank != 1 || s->dims[0] > ACCEL_IR_MAX_RANK)
			return kerr(c, "shape must be a 1-D i64 tensor of at most %d entries",
				    ACCEL_IR_MAX_RANK);
		*rank = (int)s->dims[0];
		for (i = 0; i < (uint32_t)*rank; i++)
			dims[i] = geti(s, i);
		return 0;
	}
	if (!a)
		return kerr(c, "no target shape");
	if (a->n > ACCEL_IR_MAX_RANK)
		return kerr(c, "target rank too large");
	*rank = (int)a->n;
	for (i = 0; i < a->n; i++) {
		ret = dim_eval(c->g->syms, c->env, a->dims[i], &dims[i], c->err);
		if (ret)
			return ret;
	}
	return 0;
}

static int k_reshape(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t dims[ACCEL_IR_MAX_RANK] = { 0 }, rest = 1, n = tensor_numel(x);
	bool allowzero = ir_attr_int(c->n, "allowzero");
	int rank, i, at = -1, ret;

	ret = target(c, 1, dims, &rank);
	if (ret)
		return ret;
	for (i = 0; i < rank; i++) {
		if (dims[i] == 0 && !allowzero) {
			if (i >= x->rank)
				return kerr(c, "0 copies a dimension the input lacks");
			dims[i] = x->dims[i];
		}
		if (dims[i] == -1) {
			if (at >= 0)
				return kerr(c, "more than one -1");
			at = i;
		} else if (dims[i] < 0 || __builtin_mul_overflow(rest, dims[i], &rest)) {
			return kerr(c, "invalid target dimension");
		}
	}
	if (at >= 0) {
		if (rest == 0 || n % rest)
			return kerr(c, "cannot infer -1: %lld elements, %lld known", (long long)n,
				    (long long)rest);
		dims[at] = n / rest;
	}
	return copy_as(c, rank, dims);
}

static int k_flatten(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t axis = ir_attr_int(c->n, "axis"), dims[2] = { 1, 1 };
	int i;

	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return kerr(c, "axis out of range");
	for (i = 0; i < x->rank; i++)
		dims[i < axis ? 0 : 1] *= x->dims[i];
	return copy_as(c, 2, dims);
}

static int k_squeeze(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *axes = ir_attr_find(c->n, "axes");
	bool mark[ACCEL_IR_MAX_RANK + 1] = { false };
	int64_t dims[ACCEL_IR_MAX_RANK];
	int r = 0, a, j = 0, out_rank, ret;
	uint32_t i;

	out_rank = c->n->op == ACCEL_OP_SQUEEZE ? x->rank : x->rank + (int)(axes ? axes->n : 0);
	if (out_rank > ACCEL_IR_MAX_RANK)
		return kerr(c, "result rank too large");
	for (i = 0; axes && i < axes->n; i++) {
		ret = axis_of(c, axes->ints[i], out_rank, &a);
		if (ret)
			return ret;
		mark[a] = true;
	}
	if (c->n->op == ACCEL_OP_SQUEEZE) {
		for (a = 0; a < x->rank; a++) {
			bool sq = axes && axes->n ? mark[a] : x->dims[a] == 1;

			if (sq && x->dims[a] != 1)
				return kerr(c, "dimension %d is not 1", a);
			if (!sq)
				dims[r++] = x->dims[a];
		}
	} else {
		for (a = 0; a < out_rank; a++)
			dims[r++] = mark[a] ? 1 : x->dims[j++];
		if (j != x->rank)
			return kerr(c, "repeated axes");
	}
	return copy_as(c, r, dims);
}

static int k_transpose(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *perm = ir_attr_find(c->n, "perm");
	int64_t dims[ACCEL_IR_MAX_RANK], xst[ACCEL_IR_MAX_RANK], st[ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, s = 1, k = 0;
	size_t es = accel_dtype_size(x->dtype);
	bool seen[ACCEL_IR_MAX_RANK] = { false };
	int i, ret;

	if (perm && perm->n && (int)perm->n != x->rank)
		return kerr(c, "perm length differs from rank");
	for (i = x->rank - 1; i >= 0; i--) {
		xst[i] = s;
		s *= x->dims[i];
	}
	for (i = 0; i < x->rank; i++) {
		int64_t p = perm && perm->n ? perm->ints[i] : x->rank - 1 - i;

		if (p < 0 || p >= x->rank || seen[p])
			return kerr(c, "perm is not a permutation");
		seen[p] = true;
		dims[i] = x->dims[p];
		st[i] = xst[p];
	}
	ret = alloc_out(c, 0, x->dtype, x->rank, dims);
	if (ret || !tensor_numel(x))
		return ret;
	do
		memcpy((char *)c->out[0].data + k++ * es,
		       (const char *)x->data + offset(idx, st, x->rank) * es, es);
	while (next_index(idx, dims, x->rank));
	return 0;
}

static int k_concat(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t dims[ACCEL_IR_MAX_RANK], outer, inner, pos = 0, o;
	size_t es = accel_dtype_size(x->dtype);
	uint32_t i;
	int axis, d, ret;

	ret = axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	memcpy(dims, x->dims, sizeof(dims));
	for (i = 1; i < c->n->ninputs; i++) {
		if (c->in[i].dtype != x->dtype || c->in[i].rank != x->rank)
			return kerr(c, "input %u differs in dtype or rank", i);
		for (d = 0; d < x->rank; d++)
			if (d != axis && c->in[i].dims[d] != x->dims[d])
				return kerr(c, "input %u differs off the axis", i);
		dims[axis] += c->in[i].dims[axis];
	}
	ret = alloc_out(c, 0, x->dtype, x->rank, dims);
	if (ret)
		return ret;
	around(&c->out[0], axis, &outer, &inner);
	for (i = 0; i < c->n->ninputs; i++) {
		int64_t len = c->in[i].dims[axis];

		for (o = 0; o < outer; o++)
			memcpy((char *)c->out[0].data + ((o * dims[axis] + pos) * inner) * es,
			       (const char *)c->in[i].data + (o * len * inner) * es,
			       (size_t)(len * inner) * es);
		pos += len;
	}
	return 0;
}

static int k_split(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *split = ir_attr_find(c->n, "split");
	int64_t dims[ACCEL_IR_MAX_RANK], outer, inner, pos = 0, o, sum = 0;
	size_t es = accel_dtype_size(x->dtype);
	uint32_t i, nout = c->n->noutputs;
	int axis, ret;

	ret = axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (split && split->n) {
		if (split->n != nout)
			return kerr(c, "split sizes differ from outputs");
		for (i = 0; i < nout; i++) {
			if (split->ints[i] < 0 || split->ints[i] > x->dims[axis])
				return kerr(c, "invalid split size");
			sum += split->ints[i];
		}
		if (sum != x->dims[axis])
			return kerr(c, "split sizes do not add up");
	} else if (x->dims[axis] % nout) {
		return kerr(c, "dimension does not split equally");
	}
	around(x, axis, &outer, &inner);
	memcpy(dims, x->dims, sizeof(dims));
	for (i = 0; i < nout; i++) {
		int64_t len = split && split->n ? split->ints[i] : x->dims[axis] / nout;

		dims[axis] = len;
		ret = alloc_out(c, i, x->dtype, x->rank, dims);
		if (ret)
			return ret;
		for (o = 0; o < outer; o++)
			memcpy((char *)c->out[i].data + (o * len * inner) * es,
			       (const char *)x->data + ((o * x->dims[axis] + pos) * inner) * es,
			       (size_t)(len * inner) * es);
		pos += len;
	}
	return 0;
}

static int64_t clamp_bound(int64_t v, int64_t dim, int64_t step)
{
	if (v < 0)
		v = v < -dim ? -1 : v + dim;
	if (step > 0)
		return v < 0 ? 0 : v > dim ? dim : v;
	return v < -1 ? -1 : v > dim - 1 ? dim - 1 : v;
}

/* Elements of [b, e) by step (b, e already clamped, step not 0 or
 * INT64_MIN); no intermediate overflows whatever the step. */
static int64_t slice_len(int64_t b, int64_t e, int64_t step)
{
	if (step > 0)
		return e <= b ? 0 : (e - b - 1) / step + 1;
	return b <= e ? 0 : (b - e - 1) / -step + 1;
}

static int k_slice(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0], *s = &c->in[1];
	int64_t start[ACCEL_IR_MAX_RANK], step[ACCEL_IR_MAX_RANK], dims[ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, xst[ACCEL_IR_MAX_RANK], st = 1, n, k = 0;
	size_t es = accel_dtype_size(x->dtype);
	bool seen[ACCEL_IR_MAX_RANK] = { false };
	int a, i, ret;

	n = tensor_numel(s);
	if (s->rank != 1 || !is_int(s->dtype) || n > x->rank)
		return kerr(c, "starts must be a 1-D integer tensor no longer than the rank");
	for (i = 2; i <= 4; i++)
		if (has(c, (uint32_t)i) && (c->in[i].rank != 1 || !is_int(c->in[i].dtype) ||
					   c->in[i].dims[0] != n))
			return kerr(c, "ends, axes and steps must match starts");
	for (a = 0; a < x->rank; a++) {
		start[a] = 0;
		step[a] = 1;
		dims[a] = x->dims[a];
	}
	for (i = 0; i < n; i++) {
		int64_t b, e, sp = has(c, 4) ? geti(&c->in[4], i) : 1, len;

		ret = axis_of(c, has(c, 3) ? geti(&c->in[3], i) : i, x->rank, &a);
		if (ret)
			return ret;
		if (seen[a] || sp == 0 || sp == INT64_MIN)
			return kerr(c, "repeated axis or zero step");
		seen[a] = true;
		b = clamp_bound(geti(s, i), x->dims[a], sp);
		e = clamp_bound(geti(&c->in[2], i), x->dims[a], sp);
		len = slice_len(b, e, sp);
		start[a] = b;
		step[a] = sp;
		dims[a] = len;
	}
	for (a = x->rank - 1; a >= 0; a--) {
		xst[a] = st;
		st *= x->dims[a];
	}
	ret = alloc_out(c, 0, x->dtype, x->rank, dims);
	if (ret || !tensor_numel(&c->out[0]))
		return ret;
	do {
		int64_t o = 0;

		for (a = 0; a < x->rank; a++)
			o += (start[a] + idx[a] * step[a]) * xst[a];
		memcpy((char *)c->out[0].data + k++ * es, (const char *)x->data + o * es, es);
	} while (next_index(idx, dims, x->rank));
	return 0;
}

static int k_gather(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0], *ix = &c->in[1];
	int64_t dims[ACCEL_IR_MAX_RANK], outer, inner, ni = tensor_numel(ix), o, j;
	size_t es = accel_dtype_size(x->dtype);
	int axis, r = 0, i, ret;

	if (ix->dtype != ACCEL_DT_I64 && ix->dtype != ACCEL_DT_I32)
		return kerr(c, "indices must be i64 or i32");
	ret = axis_of(c, ir_attr_int(c->n, "axis"), x->rank, &axis);
	if (ret)
		return ret;
	if (x->rank - 1 + ix->rank > ACCEL_IR_MAX_RANK)
		return kerr(c, "result rank too large");
	for (i = 0; i < axis; i++)
		dims[r++] = x->dims[i];
	for (i = 0; i < ix->rank; i++)
		dims[r++] = ix->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		dims[r++] = x->dims[i];
	ret = alloc_out(c, 0, x->dtype, r, dims);
	if (ret)
		return ret;
	around(x, axis, &outer, &inner);
	for (o = 0; o < outer; o++)
		for (j = 0; j < ni; j++) {
			int64_t v = geti(ix, j);

			if (v < -x->dims[axis] || v >= x->dims[axis])
				return kerr(c, "index %lld out of range", (long long)v);
			if (v < 0)
				v += x->dims[axis];
			memcpy((char *)c->out[0].data + ((o * ni + j) * inner) * es,
			       (const char *)x->data + ((o * x->dims[axis] + v) * inner) * es,
			       (size_t)inner * es);
		}
	return 0;
}

static int k_expand(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	struct accel_tensor t = { .dtype = ACCEL_DT_I64 };
	int64_t dims[ACCEL_IR_MAX_RANK], st[ACCEL_IR_MAX_RANK], idx[ACCEL_IR_MAX_RANK] = { 0 }, k = 0;
	size_t es = accel_dtype_size(x->dtype);
	int r, ret;

	ret = target(c, 1, t.dims, &t.rank);
	if (!ret)
		ret = bcast_shape(c, x, &t, &r, dims);
	if (!ret)
		ret = alloc_out(c, 0, x->dtype, r, dims);
	if (ret || !tensor_numel(&c->out[0]))
		return ret;
	bcast_strides(x, r, st);
	do
		memcpy((char *)c->out[0].data + k++ * es,
		       (const char *)x->data + offset(idx, st, r) * es, es);
	while (next_index(idx, dims, r));
	return 0;
}

static int k_pad(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	const struct accel_attr *pads = ir_attr_find(c->n, "pads");
	int64_t dims[ACCEL_IR_MAX_RANK], idx[ACCEL_IR_MAX_RANK] = { 0 }, k = 0, n;
	double value = ir_attr_float(c->n, "value");
	int a, ret;

	ret = need_f32(c, 1);
	if (ret)
		return ret;
	if (!pads || (int)pads->n != 2 * x->rank)
		return kerr(c, "pads needs 2 x rank entries");
	for (a = 0; a < x->rank; a++) {
		if (pads->ints[a] < 0 || pads->ints[x->rank + a] < 0 ||
		    pads->ints[a] > MAX_ELEMS || pads->ints[x->rank + a] > MAX_ELEMS)
			return kerr(c, "negative or huge padding is not supported");
		dims[a] = x->dims[a] + pads->ints[a] + pads->ints[x->rank + a];
	}
	ret = alloc_out(c, 0, ACCEL_DT_F32, x->rank, dims);
	n = tensor_numel(&c->out[0]);
	if (ret || !n)
		return ret;
	do {
		int64_t o = 0;
		bool inside = true;

		for (a = 0; a < x->rank; a++) {
			int64_t p = idx[a] - pads->ints[a];

			inside = inside && p >= 0 && p < x->dims[a];
			o = o * x->dims[a] + p;
		}
		((float *)c->out[0].data)[k++] = inside ? fdata(x)[o] : (float)value;
	} while (next_index(idx, dims, x->rank));
	return 0;
}

/* ---- shape arithmetic ---- */

static int k_shape(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t s = clamp_bound(ir_attr_int(c->n, "start"), x->rank, 1);
	int64_t e = clamp_bound(ir_attr_int(c->n, "end"), x->rank, 1), len, i;
	int ret;

	len = e > s ? e - s : 0;
	ret = alloc_out(c, 0, ACCEL_DT_I64, 1, &len);
	for (i = 0; !ret && i < len; i++)
		((int64_t *)c->out[0].data)[i] = x->dims[s + i];
	return ret;
}

static int k_constantofshape(struct kctx *c)
{
	enum accel_dtype dt = (enum accel_dtype)ir_attr_int(c->n, "dtype");
	double v = ir_attr_float(c->n, "value");
	int64_t dims[ACCEL_IR_MAX_RANK], i, n;
	int rank, ret;

	if (dt != ACCEL_DT_F32 && !is_int(dt))
		return kerr(c, "unsupported dtype %d", dt);
	if (is_int(dt) && !(v >= -9.2e18 && v <= 9.2e18))
		return kerr(c, "value %g does not fit the integer dtype", v);
	ret = target(c, 0, dims, &rank);
	if (!ret)
		ret = alloc_out(c, 0, dt, rank, dims);
	if (ret)
		return ret;
	n = tensor_numel(&c->out[0]);
	for (i = 0; i < n; i++) {
		if (is_int(dt))
			puti(&c->out[0], i, (int64_t)v);
		else
			put(&c->out[0], i, v);
	}
	return 0;
}

static int k_range(struct kctx *c)
{
	enum accel_dtype dt = c->in[0].dtype;
	int64_t len, i;
	int ret, k;

	for (k = 0; k < 3; k++)
		if (c->in[k].rank != 0 || c->in[k].dtype != dt)
			return kerr(c, "start, limit and delta must be scalars of one dtype");
	if (is_int(dt)) {
		int64_t s = geti(&c->in[0], 0), l = geti(&c->in[1], 0), d = geti(&c->in[2], 0);

		if (d == 0)
			return kerr(c, "delta is zero");
		/* In double, so that hostile bounds cannot overflow. */
		len = (int64_t)fmax(ceil(((double)l - (double)s) / (double)d), 0);
		if (len > MAX_ELEMS)
			return kerr(c, "range too long");
		ret = alloc_out(c, 0, dt, 1, &len);
		for (i = 0; !ret && i < len; i++)	/* wrapping, never UB */
			puti(&c->out[0], i, (int64_t)((uint64_t)s + (uint64_t)i * (uint64_t)d));
		return ret;
	}
	{
		double s = get(&c->in[0], 0), l = get(&c->in[1], 0), d = get(&c->in[2], 0), f;

		if (d == 0 || !isfinite(s) || !isfinite(l) || !isfinite(d))
			return kerr(c, "delta is zero or a bound is not finite");
		f = fmax(ceil((l - s) / d), 0);
		if (f > MAX_ELEMS)
			return kerr(c, "range too long");
		len = (int64_t)f;
		ret = alloc_out(c, 0, dt, 1, &len);
		for (i = 0; !ret && i < len; i++)
			put(&c->out[0], i, s + (double)i * d);
		return ret;
	}
}

int interp_node(const struct accel_graph *g, const struct accel_node *n,
		const struct dim_env *env, const struct accel_tensor *in,
		struct accel_tensor *out, struct accel_ir_error *err)
{
	struct kctx c = { .g = g, .n = n, .env = env, .in = in, .out = out, .err = err };
	uint32_t i;
	int ret;

	for (i = 0; i < n->noutputs; i++)
		out[i].data = NULL;
	switch (n->op) {
	case ACCEL_OP_ADD: case ACCEL_OP_SUB: case ACCEL_OP_MUL: case ACCEL_OP_DIV:
	case ACCEL_OP_POW: case ACCEL_OP_EQUAL: case ACCEL_OP_WHERE:
		ret = k_elementwise(&c);
		break;
	case ACCEL_OP_RELU: case ACCEL_OP_GELU: case ACCEL_OP_ERF: case ACCEL_OP_TANH:
	case ACCEL_OP_SIGMOID: case ACCEL_OP_SQRT: case ACCEL_OP_CAST:
		ret = k_unary(&c);
		break;
	case ACCEL_OP_MATMUL: ret = k_matmul(&c); break;
	case ACCEL_OP_GEMM: ret = k_gemm(&c); break;
	case ACCEL_OP_CONV: ret = k_conv(&c); break;
	case ACCEL_OP_BATCHNORM: case ACCEL_OP_LAYERNORM: case ACCEL_OP_SOFTMAX:
		ret = k_norm(&c);
		break;
	case ACCEL_OP_MAXPOOL: case ACCEL_OP_AVGPOOL: case ACCEL_OP_GLOBALAVGPOOL:
		ret = k_pool(&c);
		break;
	case ACCEL_OP_REDUCEMEAN: ret = k_reduce(&c); break;
	case ACCEL_OP_FLATTEN: ret = k_flatten(&c); break;
	case ACCEL_OP_RESHAPE: ret = k_reshape(&c); break;
	case ACCEL_OP_TRANSPOSE: ret = k_transpose(&c); break;
	case ACCEL_OP_CONCAT: ret = k_concat(&c); break;
	case ACCEL_OP_SPLIT: ret = k_split(&c); break;
	case ACCEL_OP_SLICE: ret = k_slice(&c); break;
	case ACCEL_OP_GATHER: ret = k_gather(&c); break;
	case ACCEL_OP_SQUEEZE: case ACCEL_OP_UNSQUEEZE: ret = k_squeeze(&c); break;
	case ACCEL_OP_EXPAND: ret = k_expand(&c); break;
	case ACCEL_OP_PAD: ret = k_pad(&c); break;
	case ACCEL_OP_SHAPE: ret = k_shape(&c); break;
	case ACCEL_OP_CONSTANTOFSHAPE: ret = k_constantofshape(&c); break;
	case ACCEL_OP_RANGE: ret = k_range(&c); break;
	default:
		ret = kerr(&c, "no kernel");
		break;
	}
	if (ret)
		for (i = 0; i < n->noutputs; i++) {
			free(out[i].data);
			out[i].data = NULL;
		}
	return ret;
}
