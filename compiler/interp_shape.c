// SPDX-License-Identifier: MIT
/*
 * interp_shape.c - shape arithmetic kernels: Shape, ConstantOfShape, Range.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_priv.h"

/* ---- shape arithmetic ---- */

int ik_shape(struct kctx *c)
{
	const struct accel_tensor *x = &c->in[0];
	int64_t s = ik_clamp_bound(ir_attr_int(c->n, "start"), x->rank, 1);
	int64_t e = ik_clamp_bound(ir_attr_int(c->n, "end"), x->rank, 1), len, i;
	int ret;

	len = e > s ? e - s : 0;
	ret = ik_alloc(c, 0, ACCEL_DT_I64, 1, &len);
	for (i = 0; !ret && i < len; i++)
		((int64_t *)c->out[0].data)[i] = x->dims[s + i];
	return ret;
}

int ik_constantofshape(struct kctx *c)
{
	enum accel_dtype dt = (enum accel_dtype)ir_attr_int(c->n, "dtype");
	double v = ir_attr_float(c->n, "value");
	int64_t dims[ACCEL_IR_MAX_RANK], i, n;
	int rank, ret;

	if (dt != ACCEL_DT_F32 && !ik_is_int(dt))
		return ik_err(c, "unsupported dtype %d", dt);
	if (ik_is_int(dt) && !(v >= -9.2e18 && v <= 9.2e18))
		return ik_err(c, "value %g does not fit the integer dtype", v);
	ret = ik_target(c, 0, dims, &rank);
	if (!ret)
		ret = ik_alloc(c, 0, dt, rank, dims);
	if (ret)
		return ret;
	n = tensor_numel(&c->out[0]);
	for (i = 0; i < n; i++) {
		if (ik_is_int(dt))
			ik_puti(&c->out[0], i, (int64_t)v);
		else
			ik_put(&c->out[0], i, v);
	}
	return 0;
}

int ik_range(struct kctx *c)
{
	enum accel_dtype dt = c->in[0].dtype;
	int64_t len, i;
	int ret, k;

	for (k = 0; k < 3; k++)
		if (c->in[k].rank != 0 || c->in[k].dtype != dt)
			return ik_err(c, "start, limit and delta must be scalars of one dtype");
	if (ik_is_int(dt)) {
		int64_t s = ik_geti(&c->in[0], 0), l = ik_geti(&c->in[1], 0), d = ik_geti(&c->in[2], 0);

		if (d == 0)
			return ik_err(c, "delta is zero");
		/* In double, so that hostile bounds cannot overflow. */
		len = (int64_t)fmax(ceil(((double)l - (double)s) / (double)d), 0);
		if (len > MAX_ELEMS)
			return ik_err(c, "range too long");
		ret = ik_alloc(c, 0, dt, 1, &len);
		for (i = 0; !ret && i < len; i++)	/* wrapping, never UB */
			ik_puti(&c->out[0], i, (int64_t)((uint64_t)s + (uint64_t)i * (uint64_t)d));
		return ret;
	}
	{
		double s = ik_get(&c->in[0], 0), l = ik_get(&c->in[1], 0), d = ik_get(&c->in[2], 0), f;

		if (d == 0 || !isfinite(s) || !isfinite(l) || !isfinite(d))
			return ik_err(c, "delta is zero or a bound is not finite");
		f = fmax(ceil((l - s) / d), 0);
		if (f > MAX_ELEMS)
			return ik_err(c, "range too long");
		len = (int64_t)f;
		ret = ik_alloc(c, 0, dt, 1, &len);
		for (i = 0; !ret && i < len; i++)
			ik_put(&c->out[0], i, s + (double)i * d);
		return ret;
	}
}
