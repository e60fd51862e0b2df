// SPDX-License-Identifier: MIT
/*
 * interp_eltwise.c - elementwise kernels: binary ops with numpy broadcasting
 * (integer ops wrap, never overflow), Where, And/Or, the unary activations,
 * Cast and Not.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interp_priv.h"

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

int ik_elementwise(struct kctx *c)
{
	const struct accel_tensor *t[3] = { &c->in[0], &c->in[1], c->n->ninputs > 2 ? &c->in[2] : NULL };
	int64_t dims[ACCEL_IR_MAX_RANK], tmp[ACCEL_IR_MAX_RANK], st[3][ACCEL_IR_MAX_RANK],
		idx[ACCEL_IR_MAX_RANK] = { 0 }, k = 0;
	enum accel_op op = c->n->op;
	enum accel_dtype dt;
	int r, i, ret;

	ret = ik_bcast_shape(c, t[0], t[1], &r, dims);
	if (!ret && t[2]) {
		struct accel_tensor ab = { .rank = r };

		memcpy(ab.dims, dims, sizeof(dims));
		ret = ik_bcast_shape(c, &ab, t[2], &r, tmp);
		memcpy(dims, tmp, sizeof(tmp));
	}
	if (ret)
		return ret;
	if (op == ACCEL_OP_WHERE && (t[0]->dtype != ACCEL_DT_BOOL || t[1]->dtype != t[2]->dtype))
		return ik_err(c, "condition must be bool and branches of one dtype");
	if (op != ACCEL_OP_WHERE && op != ACCEL_OP_POW && t[0]->dtype != t[1]->dtype)
		return ik_err(c, "inputs differ in dtype");
	if ((op == ACCEL_OP_AND || op == ACCEL_OP_OR) && t[0]->dtype != ACCEL_DT_BOOL)
		return ik_err(c, "inputs must be bool");
	dt = op == ACCEL_OP_EQUAL ? ACCEL_DT_BOOL : op == ACCEL_OP_WHERE ? t[1]->dtype : t[0]->dtype;
	ret = ik_alloc(c, 0, dt, r, dims);
	if (ret)
		return ret;
	for (i = 0; i < 3; i++)
		if (t[i])
			ik_bcast_strides(t[i], r, st[i]);
	do {
		int64_t a = ik_offset(idx, st[0], r), b = ik_offset(idx, st[1], r);

		if (op == ACCEL_OP_WHERE) {
			int64_t e = ik_geti(t[0], a) ? b : ik_offset(idx, st[2], r);
			const struct accel_tensor *src = ik_geti(t[0], a) ? t[1] : t[2];

			if (ik_is_int(dt))
				ik_puti(&c->out[0], k, ik_geti(src, e));
			else
				ik_put(&c->out[0], k, ik_get(src, e));
		} else if (ik_is_int(t[0]->dtype)) {
			int64_t x = ik_geti(t[0], a), y = ik_geti(t[1], b), z = 0;
			uint64_t ux = (uint64_t)x, uy = (uint64_t)y;

			switch (op) {
			/* Wrapping two's-complement arithmetic, as C on the
			 * device would do, without signed-overflow UB. */
			case ACCEL_OP_ADD: z = (int64_t)(ux + uy); break;
			case ACCEL_OP_SUB: z = (int64_t)(ux - uy); break;
			case ACCEL_OP_MUL: z = (int64_t)(ux * uy); break;
			case ACCEL_OP_DIV:
				if (y == 0)
					return ik_err(c, "integer division by zero");
				z = x == INT64_MIN && y == -1 ? x : x / y;
				break;
			case ACCEL_OP_POW: z = int_pow(x, y); break;
			case ACCEL_OP_EQUAL: z = x == y; break;
			case ACCEL_OP_AND: z = x && y; break;
			case ACCEL_OP_OR: z = x || y; break;
			default: break;
			}
			ik_puti(&c->out[0], k, z);
		} else {
			double x = ik_get(t[0], a), y = ik_get(t[1], b), z = 0;

			switch (op) {
			case ACCEL_OP_ADD: z = (float)x + (float)y; break;
			case ACCEL_OP_SUB: z = (float)x - (float)y; break;
			case ACCEL_OP_MUL: z = (float)x * (float)y; break;
			case ACCEL_OP_DIV: z = (float)x / (float)y; break;
			case ACCEL_OP_POW: z = powf((float)x, (float)y); break;
			case ACCEL_OP_EQUAL: z = x == y; break;
			default: break;
			}
			ik_put(&c->out[0], k, z);
		}
		k++;
	} while (ik_next_index(idx, dims, r));
	return 0;
}

int ik_unary(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	enum accel_op op = c->n->op;
	enum accel_dtype dt = x->dtype;
	int64_t i, n = tensor_numel(x);
	int ret;

	if (op == ACCEL_OP_CAST) {
		dt = (enum accel_dtype)ir_attr_int(c->n, "to");
		if (dt != ACCEL_DT_F32 && !ik_is_int(dt))
			return ik_err(c, "cannot cast to %s", accel_dtype_name(dt));
	} else if (op == ACCEL_OP_NOT) {
		if (dt != ACCEL_DT_BOOL)
			return ik_err(c, "input must be bool");
	} else if (dt != ACCEL_DT_F32) {
		return ik_err(c, "input must be f32");
	}
	ret = ik_alloc(c, 0, dt, x->rank, x->dims);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		float v = (float)ik_get(x, i), y = 0;

		switch (op) {
		case ACCEL_OP_CAST:
			/* As the ISA's converting COPY: f32 -> int truncates,
			 * NaN gives 0 and out-of-range values saturate (ONNX
			 * leaves them undefined); i64 -> i32 wraps; int -> f32
			 * rounds once, to nearest even (not through double). */
			if (dt == ACCEL_DT_BOOL) {
				ik_puti(&c->out[0], i, ik_get(x, i) != 0);
			} else if (ik_is_int(dt)) {
				int64_t iv = ik_geti(x, i);

				if (dt == ACCEL_DT_I32 && x->dtype == ACCEL_DT_F32)
					iv = iv > INT32_MAX ? INT32_MAX : iv < INT32_MIN ? INT32_MIN : iv;
				ik_puti(&c->out[0], i, iv);
			} else if (ik_is_int(x->dtype)) {
				((float *)c->out[0].data)[i] = (float)ik_geti(x, i);
			} else {
				ik_put(&c->out[0], i, v);
			}
			continue;
		case ACCEL_OP_NOT:
			ik_puti(&c->out[0], i, !ik_geti(x, i));
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
		ik_put(&c->out[0], i, y);
	}
	return 0;
}
