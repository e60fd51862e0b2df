// SPDX-License-Identifier: MIT
/*
 * interp.c - the reference interpreter: runs a graph node by node with the
 * kernels of interp_ops.c.
 *
 * Symbols are bound from the shapes of the tensors given as inputs (an
 * input declared [batch, 784] fed a 5x784 tensor binds batch = 5); every
 * other dim of every input must then evaluate to what was given. After each
 * node, the shape of what the kernel produced is compared with the shape
 * inference gave the value (evaluated under the same symbols), so running a
 * model is also a test of shape inference.
 */
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

void accel_tensor_release(struct accel_tensor *t)
{
	free(t->data);
	t->data = NULL;
}

static int check_shape(const struct accel_graph *g, const struct dim_env *env,
		       const struct accel_value *v, const struct accel_tensor *t,
		       struct accel_ir_error *err)
{
	char want[256] = "", buf[64];
	int64_t d;
	int i, ret;

	if (v->dtype != ACCEL_DT_UNDEF && v->dtype != t->dtype)
		return ir_error(err, EINVAL, "interpreter: %%%s is %s, shape inference said %s",
				v->name, accel_dtype_name(t->dtype), accel_dtype_name(v->dtype));
	if (v->shape.rank < 0)
		return 0;
	if (v->shape.rank != t->rank)
		return ir_error(err, EINVAL, "interpreter: %%%s has rank %d, shape inference said %d",
				v->name, t->rank, v->shape.rank);
	for (i = 0; i < t->rank; i++) {
		if (dim_is_unknown(v->shape.dims[i]))
			continue;
		ret = dim_eval(g->syms, env, v->shape.dims[i], &d, err);
		if (ret)
			return ret;
		if (d != t->dims[i]) {
			dim_format(g->syms, v->shape.dims[i], want, sizeof(want));
			snprintf(buf, sizeof(buf), "%lld", (long long)t->dims[i]);
			return ir_error(err, EINVAL, "interpreter: %%%s dim %d is %s, shape "
					"inference said %s = %lld", v->name, i, buf, want,
					(long long)d);
		}
	}
	return 0;
}

static int const_tensor(const struct accel_value *v, struct accel_tensor *t)
{
	int i;

	t->dtype = v->dtype;
	t->rank = v->shape.rank;
	for (i = 0; i < v->shape.rank; i++) {
		if (v->shape.dims[i].expr)
			return -EINVAL;
		t->dims[i] = v->shape.dims[i].val;
	}
	t->data = v->data;
	return 0;
}

int accel_interp_run(const struct accel_graph *g, const struct accel_tensor *inputs,
		     uint32_t ninputs, struct accel_tensor *outputs, uint32_t noutputs,
		     struct accel_ir_error *err)
{
	struct accel_tensor *vals = NULL, *in = NULL, *out = NULL;
	uint8_t *owned = NULL;
	struct dim_env env = { 0 };
	uint32_t i, j, maxio = 1;
	int ret;

	for (i = 0; i < noutputs; i++)
		outputs[i].data = NULL;
	if (ninputs != g->ninputs || noutputs != g->noutputs)
		return ir_error(err, EINVAL, "interpreter: the graph takes %u inputs and gives %u "
				"outputs, not %u and %u", g->ninputs, g->noutputs, ninputs, noutputs);
	for (i = 0; i < g->nnodes; i++) {
		maxio = g->nodes[i]->ninputs > maxio ? g->nodes[i]->ninputs : maxio;
		maxio = g->nodes[i]->noutputs > maxio ? g->nodes[i]->noutputs : maxio;
	}
	vals = calloc(g->next_id + 1, sizeof(*vals));
	owned = calloc(g->next_id + 1, 1);
	in = calloc(maxio, sizeof(*in));
	out = calloc(maxio, sizeof(*out));
	ret = dim_env_init(g->syms, &env);
	if (!vals || !owned || !in || !out || ret) {
		ret = ir_error(err, ENOMEM, "interpreter: out of memory");
		goto out_free;
	}

	/* Bind the symbols, then check every input dim against them. */
	for (i = 0; i < ninputs; i++) {
		const struct accel_value *v = g->inputs[i];
		const struct accel_tensor *t = &inputs[i];

		if (t->dtype != v->dtype || t->rank != v->shape.rank) {
			ret = ir_error(err, EINVAL, "input '%s' must be %s of rank %d", v->name,
				       accel_dtype_name(v->dtype), v->shape.rank);
			goto out_free;
		}
		for (j = 0; j < (uint32_t)t->rank; j++) {
			char what[IR_MAX_NAME + 32];

			if (t->dims[j] < 0) {
				ret = ir_error(err, EINVAL, "input '%s': negative dim", v->name);
				goto out_free;
			}
			snprintf(what, sizeof(what), "input '%s' dim %u", v->name, j);
			ret = dim_env_bind(g->syms, &env, v->shape.dims[j], t->dims[j], what, err);
			if (ret)
				goto out_free;
		}
		vals[v->id] = *t;
	}
	for (i = 0; i < g->nvalues; i++) {
		const struct accel_value *v = g->values[i];

		if (v->kind == ACCEL_VALUE_CONST && const_tensor(v, &vals[v->id])) {
			ret = ir_error(err, EINVAL, "constant '%s' has a symbolic shape", v->name);
			goto out_free;
		}
	}

	for (i = 0; i < g->nnodes; i++) {
		const struct accel_node *n = g->nodes[i];

		if (n->dead)
			continue;
		for (j = 0; j < n->ninputs; j++) {
			if (n->inputs[j])
				in[j] = vals[n->inputs[j]->id];
			else
				memset(&in[j], 0, sizeof(in[j]));
		}
		ret = interp_node(g, n, &env, in, out, err);
		if (ret)
			goto out_free;
		for (j = 0; j < n->noutputs; j++) {
			vals[n->outputs[j]->id] = out[j];
			owned[n->outputs[j]->id] = 1;
		}
		for (j = 0; j < n->noutputs && !ret; j++)
			ret = check_shape(g, &env, n->outputs[j], &out[j], err);
		if (ret)
			goto out_free;
	}

	for (i = 0; i < noutputs; i++) {
		const struct accel_tensor *t = &vals[g->outputs[i]->id];
		size_t nb = (size_t)tensor_numel(t) * accel_dtype_size(t->dtype);

		outputs[i] = *t;
		outputs[i].data = malloc(nb ? nb : 1);
		if (!outputs[i].data) {
			ret = ir_error(err, ENOMEM, "interpreter: out of memory");
			goto out_free;
		}
		if (nb)
			memcpy(outputs[i].data, t->data, nb);
	}

out_free:
	if (ret)
		for (i = 0; i < noutputs; i++)
			accel_tensor_release(&outputs[i]);
	if (vals && owned)
		for (i = 0; i <= g->next_id; i++)
			if (owned[i])
				free(vals[i].data);
	free(vals);
	free(owned);
	free(in);
	free(out);
	dim_env_fini(&env);
	return ret;
}
