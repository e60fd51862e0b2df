// SPDX-License-Identifier: MIT
/*
 * pass_layernorm.c - LayerNorm as exporters before opset 17 spell it,
 * recognized and replaced by one LayerNormalization node:
 *
 *   m = ReduceMean(x, axes=[-1])   d = Sub(x, m)     p = Pow(d, 2)
 *   v = ReduceMean(p, axes=[-1])   e = Add(v, eps)   s = Sqrt(e)
 *   n = Div(d, s)                  [g = Mul(n, gamma)]  [y = Add(g, beta)]
 *
 * (Add and Mul operands in either order; gamma and beta constants over the
 * last dim). One LAYERNORM packet instead of two reductions and two
 * elementwise passes over the tensor, and three tensors less. The
 * intermediates must have no other reader; DCE removes them afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "lower_priv.h"

struct ln_ctx {
	struct accel_graph *g;
	uint32_t *nuse;
};

static struct accel_node *reader(const struct ln_ctx *c, const struct accel_value *v,
				 uint32_t want_uses)
{
	uint32_t i, j;

	if (v->is_output || c->nuse[v->id] != want_uses)
		return NULL;
	for (i = 0; i < c->g->nnodes; i++)
		for (j = 0; j < c->g->nodes[i]->ninputs; j++)
			if (c->g->nodes[i]->inputs[j] == v && !c->g->nodes[i]->dead)
				return c->g->nodes[i];
	return NULL;
}

static bool f32_scalar(const struct accel_value *v, float *f)
{
	if (!v || v->kind != ACCEL_VALUE_CONST || v->dtype != ACCEL_DT_F32 ||
	    accel_shape_numel(&v->shape) != 1)
		return false;
	memcpy(f, v->data, sizeof(*f));
	return true;
}

static struct accel_value *other(const struct accel_node *n, const struct accel_value *v)
{
	if (n->ninputs != 2)
		return NULL;
	return n->inputs[0] == v ? n->inputs[1] : n->inputs[1] == v ? n->inputs[0] : NULL;
}

/* ReduceMean over the last axis only, keeping it. */
static bool mean_last(const struct accel_node *n, const struct accel_value *x)
{
	const struct accel_attr *axes = ir_attr_find(n, "axes");

	return n->op == ACCEL_OP_REDUCEMEAN && n->inputs[0] == x && axes && axes->n == 1 &&
	       (axes->ints[0] == -1 || axes->ints[0] == x->shape.rank - 1) &&
	       ir_attr_int(n, "keepdims") == 1;
}

/* A constant over the last dim only: [D] or [1, .., D]. */
static bool per_last_dim(const struct accel_value *v, const struct accel_value *x)
{
	struct accel_dim d = x->shape.dims[x->shape.rank - 1];

	return v && v->kind == ACCEL_VALUE_CONST && v->dtype == ACCEL_DT_F32 &&
	       dim_is_const(d) && v->shape.rank >= 1 &&
	       accel_shape_numel(&v->shape) == d.val &&
	       dim_eq(v->shape.dims[v->shape.rank - 1], d);
}

static int set_attrs(struct accel_node *n, float eps)
{
	struct accel_attr *a = calloc(2, sizeof(*a));
	uint32_t i;

	if (!a)
		return -ENOMEM;
	for (i = 0; i < n->nattrs; i++)
		ir_attr_free(&n->attrs[i]);
	free(n->attrs);
	a[0] = accel_attr_int(op_attr_spec(ACCEL_OP_LAYERNORM, "axis")->name, -1);
	a[1] = accel_attr_float(op_attr_spec(ACCEL_OP_LAYERNORM, "epsilon")->name, eps);
	n->attrs = a;
	n->nattrs = 2;
	return 0;
}

/* Try the pattern rooted at the first ReduceMean @m; 1 when rewritten. */
static int match(struct ln_ctx *c, struct accel_node *m)
{
	struct accel_value *x = m->inputs[0], *gamma = NULL, *beta = NULL, **in;
	struct accel_node *d, *p, *v, *e, *s, *n, *last, *t, *pow_or_div[2];
	float two, eps;
	uint32_t i, k = 0;
	int ret;

	if (x->shape.rank < 1 || x->dtype != ACCEL_DT_F32 || !mean_last(m, x))
		return 0;
	d = reader(c, m->outputs[0], 1);
	if (!d || d->op != ACCEL_OP_SUB || d->inputs[0] != x || d->inputs[1] != m->outputs[0])
		return 0;
	/* d feeds exactly Pow and Div. */
	if (d->outputs[0]->is_output || c->nuse[d->outputs[0]->id] != 2)
		return 0;
	for (i = 0; i < c->g->nnodes && k < 2; i++)
		if (c->g->nodes[i]->ninputs && c->g->nodes[i]->inputs[0] == d->outputs[0])
			pow_or_div[k++] = c->g->nodes[i];
	if (k != 2)
		return 0;
	p = pow_or_div[0]->op == ACCEL_OP_POW ? pow_or_div[0] : pow_or_div[1];
	n = pow_or_div[0]->op == ACCEL_OP_DIV ? pow_or_div[0] : pow_or_div[1];
	if (p->op != ACCEL_OP_POW || n->op != ACCEL_OP_DIV || !f32_scalar(p->inputs[1], &two) ||
	    two != 2.0f)
		return 0;
	v = reader(c, p->outputs[0], 1);
	if (!v || !mean_last(v, p->outputs[0]))
		return 0;
	e = reader(c, v->outputs[0], 1);
	if (!e || e->op != ACCEL_OP_ADD || !f32_scalar(other(e, v->outputs[0]), &eps) || eps < 0)
		return 0;
	s = reader(c, e->outputs[0], 1);
	if (!s || s->op != ACCEL_OP_SQRT || reader(c, s->outputs[0], 1) != n ||
	    n->inputs[1] != s->outputs[0])
		return 0;
	last = n;
	t = reader(c, n->outputs[0], 1);
	if (t && t->op == ACCEL_OP_MUL && per_last_dim(other(t, n->outputs[0]), x)) {
		gamma = other(t, n->outputs[0]);
		last = t;
		t = reader(c, t->outputs[0], 1);
	}
	if (t && t->op == ACCEL_OP_ADD && per_last_dim(other(t, last->outputs[0]), x)) {
		beta = other(t, last->outputs[0]);
		last = t;
	}
	if (!ir_shape_equal(&last->outputs[0]->shape, &x->shape))
		return 0;
	if (!gamma) {
		float *ones;
		struct accel_dim dd = x->shape.dims[x->shape.rank - 1];
		struct accel_shape gs = accel_shape_make(1, &dd);
		struct accel_ir_error err;
		char name[300];
		int64_t j;

		ones = malloc((size_t)dd.val * sizeof(float));
		if (!ones)
			return -ENOMEM;
		for (j = 0; j < dd.val; j++)
			ones[j] = 1.0f;
		snprintf(name, sizeof(name), "%s.ln_scale", last->outputs[0]->name);
		ret = accel_graph_add_const(c->g, name, ACCEL_DT_F32, &gs, ones, &gamma, &err);
		free(ones);
		if (ret)
			return ret;
	}
	in = realloc(last->inputs, 3 * sizeof(*in));
	if (!in)
		return -ENOMEM;
	ret = set_attrs(last, eps);
	if (ret)
		return ret;
	in[0] = x;
	in[1] = gamma;
	in[2] = beta;
	last->inputs = in;
	last->ninputs = beta ? 3 : 2;
	last->op = ACCEL_OP_LAYERNORM;
	c->nuse[x->id]++;	/* x is read by the new node too */
	return 1;
}

int pass_match_layernorm(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err)
{
	struct ln_ctx c = { g, calloc(g->next_id + 1, sizeof(uint32_t)) };
	uint32_t i, j, found = 0;
	int ret = 0;

	if (!c.nuse)
		return ir_error(err, ENOMEM, "layernorm: out of memory");
	for (i = 0; i < g->nnodes; i++)
		for (j = 0; j < g->nodes[i]->ninputs; j++)
			if (g->nodes[i]->inputs[j])
				c.nuse[g->nodes[i]->inputs[j]->id]++;
	for (i = 0; i < g->nnodes && ret >= 0; i++) {
		if (g->nodes[i]->op != ACCEL_OP_REDUCEMEAN)
			continue;
		ret = match(&c, g->nodes[i]);
		found += ret > 0;
	}
	free(c.nuse);
	if (ret < 0)
		return ir_error(err, -ret, "layernorm: out of memory");
	report_add(r, "layernorm: %u decomposed LayerNorms became LayerNormalization", found);
	return found ? accel_pass_dce(g, r, err) : 0;
}
