// SPDX-License-Identifier: MIT
/*
 * pass_fold.c - constant folding, including shape subgraphs.
 *
 * Three rewrites, in one walk over the nodes in order (so a folded result
 * feeds the folding of its consumers):
 *   - a node whose inputs are all constants runs through the reference
 *     interpreter's kernel and its outputs become constants;
 *   - an integer output whose contents shape inference knows completely
 *     (Shape of a static tensor, arithmetic on it) becomes a constant, even
 *     when its inputs are not constant;
 *   - a Reshape, Expand or ConstantOfShape whose target shape input is known
 *     only symbolically takes the target as a DIMS attribute instead,
 *     ([seq, batch*4, 8]), cutting the Shape -> Gather -> Unsqueeze ->
 *     Concat chain loose for DCE to remove.
 * Shape inference must have run: the pass reads accel_value.known.
 */
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

/* Results larger than this stay computed at run time: folding a huge
 * ConstantOfShape would only bloat the graph. */
#define FOLD_MAX_ELEMS (1ll << 22)
/* Multiply-adds one fold may cost (~0.1 s naive): a model cannot make the
 * compiler spend minutes on a constant convolution. */
#define FOLD_MAX_WORK (1ll << 26)

static int64_t numel_or_max(const struct accel_value *v)
{
	int64_t n = v ? accel_shape_numel(&v->shape) : 0;

	return n < 0 ? INT64_MAX / 4 : n;
}

/* Rough work of running @n's kernel: outputs times the reduction length
 * for contractions, elements touched otherwise. */
static bool fold_affordable(const struct accel_node *n)
{
	int64_t out = 0, in = 0, per = 1, w;
	uint32_t i;

	for (i = 0; i < n->noutputs; i++)
		out += numel_or_max(n->outputs[i]);
	for (i = 0; i < n->ninputs; i++)
		in += numel_or_max(n->inputs[i]);
	switch (n->op) {
	case ACCEL_OP_MATMUL:
	case ACCEL_OP_GEMM:
	case ACCEL_OP_CONV:
		/* Each output reads at most all of the second operand. */
		per = numel_or_max(n->inputs[1]);
		break;
	case ACCEL_OP_MAXPOOL:
	case ACCEL_OP_AVGPOOL:
	case ACCEL_OP_GLOBALAVGPOOL:
		per = numel_or_max(n->inputs[0]);
		break;
	default:
		break;
	}
	if (__builtin_mul_overflow(out, per, &w) || __builtin_add_overflow(w, in, &w))
		return false;
	return w <= FOLD_MAX_WORK;
}

static void describe(const struct accel_graph *g, const struct accel_value *v, char *buf,
		     size_t len)
{
	size_t used;
	int i;

	snprintf(buf, len, "%s[", accel_dtype_name(v->dtype));
	for (i = 0; i < v->shape.rank; i++) {
		used = strlen(buf);
		if (i)
			snprintf(buf + used, len - used, ", ");
		used = strlen(buf);
		dim_format(g->syms, v->shape.dims[i], buf + used, len - used);
	}
	used = strlen(buf);
	snprintf(buf + used, len - used, "]");
}

static void kill_node(struct accel_node *n)
{
	uint32_t i;

	n->dead = 1;
	for (i = 0; i < n->noutputs; i++)
		n->outputs[i]->dead = 1;	/* placeholders by now */
}

/* Run @n on its constant inputs; true when it folded. */
static int fold_constant_node(struct accel_graph *g, struct accel_node *n,
			      struct accel_report *r, bool *folded)
{
	struct accel_tensor in[IR_MAX_IO], out[IR_MAX_IO];
	struct accel_ir_error kerr;
	struct dim_env env = { 0 };
	char buf[256];
	uint32_t i;
	int d, ret;

	*folded = false;
	if (!fold_affordable(n))
		return 0;
	for (i = 0; i < n->noutputs; i++) {
		int64_t numel = accel_shape_numel(&n->outputs[i]->shape);

		if (numel < 0 || numel > FOLD_MAX_ELEMS)
			return 0;
	}
	for (i = 0; i < n->ninputs; i++) {
		const struct accel_value *v = n->inputs[i];

		memset(&in[i], 0, sizeof(in[i]));
		if (!v)
			continue;
		in[i].dtype = v->dtype;
		in[i].rank = v->shape.rank;
		for (d = 0; d < v->shape.rank; d++)
			in[i].dims[d] = v->shape.dims[d].val;
		in[i].data = v->data;
	}
	if (dim_env_init(g->syms, &env))
		return -ENOMEM;
	/* A kernel that refuses (a DIMS attribute with symbols, a bad
	 * constant) leaves the node to run time, where the error belongs. */
	ret = interp_node(g, n, &env, in, out, &kerr);
	dim_env_fini(&env);
	if (ret) {
		report_add(r, "fold: kept %s -> %%%s: %s", accel_op_name(n->op),
			   n->outputs[0]->name, kerr.msg);
		return ret == -ENOMEM ? ret : 0;
	}
	for (i = 0; i < n->noutputs; i++) {
		struct accel_value *v = n->outputs[i];
		size_t nb = (size_t)tensor_numel(&out[i]) * accel_dtype_size(out[i].dtype);

		v->dtype = out[i].dtype;
		v->shape.rank = out[i].rank;
		for (d = 0; d < out[i].rank; d++)
			v->shape.dims[d] = accel_dim_const(out[i].dims[d]);
		describe(g, v, buf, sizeof(buf));
		report_add(r, "fold: %s -> %%%s = constant %s", accel_op_name(n->op), v->name, buf);
		ret = ir_value_make_const(g, v, out[i].data, nb);
		out[i].data = NULL;
		if (ret) {
			for (; i < n->noutputs; i++)
				free(out[i].data);
			return ret;
		}
	}
	kill_node(n);
	*folded = true;
	return 0;
}

/* Outputs whose contents are known constants become constants. */
static int fold_known_outputs(struct accel_graph *g, struct accel_node *n, struct accel_report *r)
{
	uint32_t i, k, replaced = 0, nout = n->noutputs;
	char buf[256];
	int ret;

	for (i = 0; i < nout; i++) {
		struct accel_value *v = n->outputs[i];
		int64_t numel = accel_shape_numel(&v->shape);
		void *data;

		if (v->kind != ACCEL_VALUE_NODE || !v->known || numel < 0 ||
		    (uint64_t)numel != v->nknown ||
		    (v->dtype != ACCEL_DT_I64 && v->dtype != ACCEL_DT_I32)) {
			continue;
		}
		for (k = 0; k < v->nknown; k++)
			if (v->known[k].expr)
				break;
		if (k < v->nknown)
			continue;
		data = malloc(v->nknown ? v->nknown * accel_dtype_size(v->dtype) : 1);
		if (!data)
			return -ENOMEM;
		for (k = 0; k < v->nknown; k++) {
			if (v->dtype == ACCEL_DT_I64)
				((int64_t *)data)[k] = v->known[k].val;
			else
				((int32_t *)data)[k] = (int32_t)v->known[k].val;
		}
		describe(g, v, buf, sizeof(buf));
		report_add(r, "fold: %s -> %%%s = constant %s from known shapes",
			   accel_op_name(n->op), v->name, buf);
		ret = ir_value_make_const(g, v, data, v->nknown * accel_dtype_size(v->dtype));
		if (ret)
			return ret;
		replaced++;
	}
	if (replaced == nout)
		kill_node(n);
	return 0;
}

/* Reshape/Expand/ConstantOfShape: a symbolically known target becomes an
 * attribute. */
static int fold_target(struct accel_graph *g, struct accel_node *n, struct accel_report *r)
{
	uint32_t idx = n->op == ACCEL_OP_CONSTANTOFSHAPE ? 0 : 1, k;
	struct accel_value *sv = idx < n->ninputs ? n->inputs[idx] : NULL;
	struct accel_attr a = { .name = "shape", .kind = ACCEL_ATTR_DIMS }, *na;
	char buf[512];
	size_t used;
	int64_t numel;

	if (!sv || !sv->known || sv->shape.rank != 1)
		return 0;
	numel = accel_shape_numel(&sv->shape);
	if (numel < 0 || (uint64_t)numel != sv->nknown || sv->nknown > ACCEL_IR_MAX_RANK)
		return 0;
	for (k = 0; k < sv->nknown; k++)
		if (dim_is_unknown(sv->known[k]))
			return 0;
	a.n = sv->nknown;
	a.dims = sv->known;
	na = realloc(n->attrs, (n->nattrs + 1) * sizeof(*na));
	if (!na)
		return -ENOMEM;
	n->attrs = na;
	if (ir_attr_copy(&n->attrs[n->nattrs], &a))
		return -ENOMEM;
	n->attrs[n->nattrs].name = op_attr_spec(n->op, "shape")->name;
	n->nattrs++;
	n->ninputs = idx;
	snprintf(buf, sizeof(buf), "[");
	for (k = 0; k < a.n; k++) {
		used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, k ? ", " : "");
		used = strlen(buf);
		dim_format(g->syms, a.dims[k], buf + used, sizeof(buf) - used);
	}
	used = strlen(buf);
	snprintf(buf + used, sizeof(buf) - used, "]");
	report_add(r, "fold: %s -> %%%s takes its shape as %s", accel_op_name(n->op),
		   n->outputs[0]->name, buf);
	return 0;
}

int accel_pass_fold_constants(struct accel_graph *g, struct accel_report *r,
			      struct accel_ir_error *err)
{
	uint32_t i, j, before = 0, after = 0;
	int ret = 0;

	for (i = 0; i < g->nnodes && !ret; i++) {
		struct accel_node *n = g->nodes[i];
		bool all_const = true, folded = false;

		if (n->dead)
			continue;
		before++;
		for (j = 0; j < n->ninputs; j++)
			if (n->inputs[j] && n->inputs[j]->kind != ACCEL_VALUE_CONST)
				all_const = false;
		if (all_const)
			ret = fold_constant_node(g, n, r, &folded);
		if (!ret && !folded)
			ret = fold_known_outputs(g, n, r);
		if (!ret && !n->dead && (n->op == ACCEL_OP_RESHAPE || n->op == ACCEL_OP_EXPAND ||
					 n->op == ACCEL_OP_CONSTANTOFSHAPE))
			ret = fold_target(g, n, r);
	}
	if (ret)
		return ir_error(err, -ret, "fold: out of memory");
	ir_sweep(g);
	for (i = 0; i < g->nnodes; i++)
		after++;
	report_add(r, "fold: %u nodes before, %u after", before, after);
	return 0;
}
