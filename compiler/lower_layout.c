// SPDX-License-Identifier: MIT
/*
 * lower_layout.c - operands as strided views, and fitting them to the ISA's
 * rank limit of 4.
 *
 * Graph tensors may have up to ACCEL_IR_MAX_RANK dims. Packets that work
 * element by element (COPY, FUSED_ELEMENTWISE) do not care how the index
 * space is split, so their operands are coalesced: unit dims dropped and
 * neighbouring dims merged wherever every operand is contiguous across the
 * pair (stride[i] == stride[i+1] * dim[i+1], compared symbolically). A
 * [seq, batch, 4, 8] + [8] add becomes [seq*batch*4, 8]; only shapes whose
 * broadcasting pattern really needs five distinct dims are refused.
 */
#include <stdio.h>
#include <string.h>

#include "lower_priv.h"

uint32_t vaccel_dtype_of(enum accel_dtype dt)
{
	switch (dt) {
	case ACCEL_DT_F32: case ACCEL_DT_BOOL: return VACCEL_DTYPE_F32;
	case ACCEL_DT_BF16: return VACCEL_DTYPE_BF16;
	case ACCEL_DT_F16: return VACCEL_DTYPE_F16;
	case ACCEL_DT_I8: return VACCEL_DTYPE_I8;
	case ACCEL_DT_I32: return VACCEL_DTYPE_I32;
	case ACCEL_DT_I64: return VACCEL_DTYPE_I64;
	default: return 0;
	}
}

int lower_err(struct lower *l, const struct accel_node *n, int errnum, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ir_error(l->err, errnum, "lower: node %%%s (%s): %s", n->outputs[0]->name,
			accel_op_name(n->op), what);
}

struct operand operand_of(const struct lower *l, const struct accel_value *v)
{
	return l->m->where[v->id];
}

static bool is_one(struct accel_dim d)
{
	return dim_is_const(d) && d.val == 1;
}

int operand_broadcast(struct accel_symtab *t, struct operand *in, const struct operand *out)
{
	struct operand o = *in;
	int i, j;

	(void)t;
	if (in->rank > out->rank)
		return -EINVAL;
	o.rank = out->rank;
	for (i = 0; i < out->rank; i++) {
		j = i - (out->rank - in->rank);
		o.dims[i] = out->dims[i];
		if (j < 0 || (is_one(in->dims[j]) && !is_one(out->dims[i])))
			o.strides[i] = accel_dim_const(0);
		else if (dim_eq(in->dims[j], out->dims[i]))
			o.strides[i] = in->strides[j];
		else
			return -EINVAL;
	}
	*in = o;
	return 0;
}

static void drop_dim(struct operand *o, int i)
{
	memmove(&o->dims[i], &o->dims[i + 1], (size_t)(o->rank - i - 1) * sizeof(o->dims[0]));
	memmove(&o->strides[i], &o->strides[i + 1],
		(size_t)(o->rank - i - 1) * sizeof(o->strides[0]));
	o->rank--;
}

static bool contiguous(struct accel_symtab *t, const struct operand *o, int i)
{
	struct accel_dim s;

	return !dim_mul(t, o->strides[i + 1], o->dims[i + 1], &s) && dim_eq(s, o->strides[i]);
}

int operands_coalesce(struct accel_symtab *t, struct operand *ops, int nops, int maxrank)
{
	int i, k, ret;

	for (i = ops[0].rank; i-- > 0;)
		if (is_one(ops[0].dims[i]) && ops[0].rank > 1)
			for (k = 0; k < nops; k++)
				drop_dim(&ops[k], i);
	for (i = ops[0].rank - 1; i-- > 0;) {
		bool ok = true;

		for (k = 0; k < nops && ok; k++)
			ok = contiguous(t, &ops[k], i);
		if (!ok)
			continue;
		for (k = 0; k < nops; k++) {
			ret = dim_mul(t, ops[k].dims[i], ops[k].dims[i + 1], &ops[k].dims[i]);
			if (ret)
				return ret;
			ops[k].strides[i] = ops[k].strides[i + 1];
			memmove(&ops[k].dims[i + 1], &ops[k].dims[i + 2],
				(size_t)(ops[k].rank - i - 2) * sizeof(ops[k].dims[0]));
			memmove(&ops[k].strides[i + 1], &ops[k].strides[i + 2],
				(size_t)(ops[k].rank - i - 2) * sizeof(ops[k].strides[0]));
			ops[k].rank--;
		}
	}
	if (ops[0].rank == 1 && is_one(ops[0].dims[0]))
		for (k = 0; k < nops; k++)
			ops[k].strides[0] = accel_dim_const(1);
	if (ops[0].rank == 0)
		for (k = 0; k < nops; k++) {
			ops[k].rank = 1;
			ops[k].dims[0] = accel_dim_const(1);
			ops[k].strides[0] = accel_dim_const(1);
		}
	return ops[0].rank > maxrank ? -E2BIG : 0;
}

int operand_merge(struct accel_symtab *t, struct operand *o, int a, int b)
{
	int i, ret;

	if (b - a < 2)
		return 0;
	for (i = a; i < b - 1; i++)
		if (!contiguous(t, o, i) && !is_one(o->dims[i]))
			return -EINVAL;
	for (i = a + 1; i < b; i++) {
		ret = dim_mul(t, o->dims[a], o->dims[i], &o->dims[a]);
		if (ret)
			return ret;
	}
	o->strides[a] = o->strides[b - 1];
	for (i = b - 1; i > a; i--)
		drop_dim(o, a + 1);
	return 0;
}
