// SPDX-License-Identifier: MIT
/*
 * pass_conv1d.c - 1-D convolution and pooling as their 2-D form with H = 1.
 *
 * Conv, MaxPool, AveragePool and GlobalAveragePool over one spatial dim
 * (input [N, C, L]: audio front ends, TCNs, wav2vec-style feature
 * extractors) have no packet of their own: CONV2D and POOL take [N, C, H, W].
 * Shape inference calls conv1d_as_2d() on each node before inferring it, so
 * the input's rank is known there, and a 1-D node becomes
 *
 *   x4 = Unsqueeze(x) {axes=[2]}                        [N, C, 1, L]
 *   y4 = Op(x4, W4, b) {kernel 1 x k, strides 1 x s,    [N, M, 1, L']
 *                       dilations 1 x d, pads 0/0 for H, group as given}
 *   y  = Squeeze(y4) {axes=[2]}                         [N, M, L']
 *
 * W4 is the weight [M, C/group, 1, k] (a constant copy, or an Unsqueeze when
 * the weight is computed). The node itself becomes the Squeeze, so y keeps
 * its name (a graph output's included) and every reader; an input that is
 * already such a Squeeze of a 4-D value is read through (a 1-D pool after a
 * 1-D conv needs no Unsqueeze). From there on shape inference, the
 * interpreter, folding and lowering see an ordinary 2-D node: symbolic L
 * goes through the window arithmetic as any W does. Unsqueeze and Squeeze
 * are views (no packet, shared storage).
 *
 * conv1d_sink() then runs in the back end before BatchNorm folding: a
 * BatchNormalization, an activation or a per-channel affine op that reads
 * such a Squeeze moves into the 2-D form (its constants get the unit dim),
 * so BatchNorm folds into the Conv and bias and activation become the
 * CONV2D packet's epilogue exactly as in 2-D models; Unsqueeze(Squeeze(t))
 * pairs left between two 1-D ops read t directly.
 *
 * What has no 2-D counterpart stays refused, naming the node, op and
 * attribute: 3-D (volumetric) and other ranks, attribute lists of another
 * length than one spatial dim takes, a weight of another rank. auto_pad
 * other than NOTSET is refused by the importer, as for 2-D.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

#define MAX_ATTRS 8

static int node_err(struct accel_ir_error *err, int errnum, const struct accel_node *n,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Worded like shape inference's own errors: the node is its output. */
static int node_err(struct accel_ir_error *err, int errnum, const struct accel_node *n,
		    const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = ir_node_verror(err, errnum, "shape inference", n, fmt, ap);
	va_end(ap);
	return ret;
}

static bool is_unit(struct accel_dim d)
{
	return dim_is_const(d) && d.val == 1;
}

/* A Squeeze or Unsqueeze of exactly axis 2 of its 4-D side. */
static bool axis2_only(const struct accel_node *n)
{
	const struct accel_attr *a = ir_attr_find(n, "axes");

	return a && a->kind == ACCEL_ATTR_INTS && a->n == 1 && (a->ints[0] == 2 ||
								a->ints[0] == -2);
}

/* @v = Squeeze(t) {axes=[2]} with t [N, C, 1, L]: t, else NULL. */
static struct accel_value *twin_of(const struct accel_value *v)
{
	const struct accel_node *p = v->kind == ACCEL_VALUE_NODE ? v->producer : NULL;
	struct accel_value *t;

	if (!p || p->dead || p->op != ACCEL_OP_SQUEEZE || !axis2_only(p))
		return NULL;
	t = p->inputs[0];
	return t->shape.rank == 4 && is_unit(t->shape.dims[2]) ? t : NULL;
}

/* "@base.2d", or "@base.2dN" when that is taken; NULL past 1000 tries. */
static const char *fresh_name(const struct accel_graph *g, const char *base, char *buf,
			      size_t len)
{
	int k;

	for (k = 0; k < 1000; k++) {
		snprintf(buf, len, k ? "%.250s.2d%d" : "%.250s.2d", base, k);
		if (!accel_graph_find(g, buf))
			return buf;
	}
	return NULL;
}

/* The node appended last, moved to index *@pos (which then moves past it). */
static void move_last_to(struct accel_graph *g, uint32_t *pos)
{
	struct accel_node *n = g->nodes[g->nnodes - 1];

	memmove(&g->nodes[*pos + 1], &g->nodes[*pos], (g->nnodes - 1 - *pos) * sizeof(*g->nodes));
	g->nodes[(*pos)++] = n;
}

static int add_before(struct accel_graph *g, uint32_t *pos, enum accel_op op,
		      struct accel_value *const *in, uint32_t nin, const struct accel_attr *attrs,
		      uint32_t nattrs, const char *base, struct accel_value **out,
		      struct accel_ir_error *err)
{
	char buf[300];
	const char *name = fresh_name(g, base, buf, sizeof(buf));
	int ret;

	if (!name)
		return ir_error(err, EEXIST, "conv1d: no free name for %s.2d", base);
	ret = accel_graph_add_node(g, op, in, nin, attrs, nattrs, 1, &name, out, err);
	if (!ret)
		move_last_to(g, pos);
	return ret;
}

/* Unsqueeze(@v) {axes=[2]} before *@pos, or what @v squeezed when @twin. */
static int unsqueeze2(struct accel_graph *g, uint32_t *pos, struct accel_value *v, bool twin,
		      struct accel_value **out, struct accel_ir_error *err)
{
	static const int64_t two = 2;
	struct accel_attr a = accel_attr_ints("axes", &two, 1);

	*out = twin ? twin_of(v) : NULL;
	if (*out)
		return 0;
	return add_before(g, pos, ACCEL_OP_UNSQUEEZE, &v, 1, &a, 1, v->name, out, err);
}

/* The constant @c with a unit dim inserted at @at: "@c.2d", made once. */
static int const_unit_dim(struct accel_graph *g, struct accel_value *c, int at,
			  struct accel_value **out, struct accel_ir_error *err)
{
	struct accel_shape s = { .rank = c->shape.rank + 1 };
	struct accel_value *v;
	char buf[300];
	const char *name;
	int k, j;

	for (k = 0, j = 0; k < s.rank; k++)
		s.dims[k] = k == at ? accel_dim_const(1) : c->shape.dims[j++];
	for (k = 0; k < 1000; k++) {
		snprintf(buf, sizeof(buf), k ? "%.250s.2d%d" : "%.250s.2d", c->name, k);
		v = accel_graph_find(g, buf);
		if (!v)
			break;
		/* The same weight read by another 1-D node: share the copy. */
		if (v->kind == ACCEL_VALUE_CONST && !v->dead && v->dtype == c->dtype &&
		    ir_shape_equal(&v->shape, &s) && v->nbytes == c->nbytes &&
		    !memcmp(v->data, c->data, c->nbytes)) {
			*out = v;
			return 0;
		}
	}
	name = fresh_name(g, c->name, buf, sizeof(buf));
	if (!name)
		return ir_error(err, EEXIST, "conv1d: no free name for %s.2d", c->name);
	return accel_graph_add_const(g, name, c->dtype, &s, c->data, out, err);
}

/* Node @n becomes y = Squeeze(@y4) {axes=[2]}, keeping its output value. */
static int become_squeeze(struct accel_node *n, struct accel_value *y4,
			  struct accel_ir_error *err)
{
	static const int64_t two = 2;
	struct accel_attr a = accel_attr_ints("axes", &two, 1), *attrs;
	struct accel_value **in;
	uint32_t k;

	in = calloc(1, sizeof(*in));
	attrs = calloc(1, sizeof(*attrs));
	if (!in || !attrs || ir_attr_copy(&attrs[0], &a)) {
		free(in);
		free(attrs);
		return ir_error(err, ENOMEM, "conv1d: out of memory");
	}
	for (k = 0; k < n->nattrs; k++)
		ir_attr_free(&n->attrs[k]);
	free(n->attrs);
	free(n->inputs);
	n->attrs = attrs;
	n->nattrs = 1;
	n->inputs = in;
	n->inputs[0] = y4;
	n->ninputs = 1;
	n->op = ACCEL_OP_SQUEEZE;
	return 0;
}

static void free_attrs(struct accel_attr *a, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++)
		ir_attr_free(&a[k]);
}

/*
 * @n's attributes for the 2-D node: one spatial entry each becomes
 * [1, v] (kernel_shape, strides, dilations), pads [b, e] become
 * [0, b, 0, e]; empty lists keep their defaults.
 */
static int attrs_2d(const struct accel_node *n, struct accel_attr *out, uint32_t *nout,
		    struct accel_ir_error *err)
{
	uint32_t k;
	int ret = 0;

	*nout = 0;
	if (n->nattrs > MAX_ATTRS)
		return node_err(err, EINVAL, n, "too many attributes");
	for (k = 0; k < n->nattrs && !ret; k++) {
		const struct accel_attr *a = &n->attrs[k];
		bool pads = !strcmp(a->name, "pads");
		bool spatial = pads || !strcmp(a->name, "strides") ||
			       !strcmp(a->name, "dilations") || !strcmp(a->name, "kernel_shape");
		int64_t v[4];

		if (!spatial || a->kind != ACCEL_ATTR_INTS || !a->n) {
			ret = ir_attr_copy(&out[*nout], a);
		} else if (a->n != (pads ? 2u : 1u)) {
			free_attrs(out, *nout);
			return node_err(err, EINVAL, n, "attribute '%s' has %u entries; a 1-D %s "
					"takes %s", a->name, a->n, accel_op_name(n->op),
					pads ? "2 (begin, end)" : "1");
		} else if (pads) {
			v[0] = 0;
			v[1] = a->ints[0];
			v[2] = 0;
			v[3] = a->ints[1];
			ret = ir_attr_copy(&out[*nout], &(struct accel_attr){ .name = a->name,
					   .kind = ACCEL_ATTR_INTS, .n = 4, .ints = v });
		} else {
			v[0] = 1;
			v[1] = a->ints[0];
			ret = ir_attr_copy(&out[*nout], &(struct accel_attr){ .name = a->name,
					   .kind = ACCEL_ATTR_INTS, .n = 2, .ints = v });
		}
		(*nout)++;
	}
	if (ret) {
		free_attrs(out, *nout);
		return ir_error(err, ENOMEM, "conv1d: out of memory");
	}
	return 0;
}

int conv1d_as_2d(struct accel_graph *g, uint32_t i, struct accel_report *r,
		 struct accel_ir_error *err)
{
	struct accel_node *n = g->nodes[i];
	struct accel_value *x, *y, *in[3] = { NULL, NULL, NULL }, *y4;
	struct accel_attr attrs[MAX_ATTRS];
	const char *what;
	uint32_t nattrs, pos = i;
	int rank, ret;

	if (n->dead || (n->op != ACCEL_OP_CONV && n->op != ACCEL_OP_MAXPOOL &&
			n->op != ACCEL_OP_AVGPOOL && n->op != ACCEL_OP_GLOBALAVGPOOL))
		return 0;
	x = n->inputs[0];
	y = n->outputs[0];
	rank = x->shape.rank;
	/* Untyped inputs and unknown ranks: shape inference speaks. */
	if (x->dtype == ACCEL_DT_UNDEF || rank < 0 || rank == 4)
		return 0;
	what = n->op == ACCEL_OP_CONV ? "convolution" : "pooling";
	if (rank == 5)
		return node_err(err, EOPNOTSUPP, n, "3-D (volumetric) %s is not supported "
				"(rank-5 input); 1-D (rank 3) and 2-D (rank 4) are", what);
	if (rank != 3)
		return node_err(err, EOPNOTSUPP, n, "only 1-D (rank-3 input) and 2-D (rank-4 "
				"input) %s is supported, the input is rank %d", what, rank);
	if (n->op == ACCEL_OP_CONV && n->ninputs > 1 && n->inputs[1]->shape.rank >= 0 &&
	    n->inputs[1]->shape.rank != 3)
		return node_err(err, EINVAL, n, "a 1-D Conv (rank-3 input) needs a rank-3 weight "
				"[M, C/group, k], not rank %d", n->inputs[1]->shape.rank);
	if ((n->op == ACCEL_OP_MAXPOOL || n->op == ACCEL_OP_AVGPOOL) &&
	    !ir_attr_find(n, "kernel_shape"))
		return node_err(err, EINVAL, n, "attribute 'kernel_shape' is required");
	ret = attrs_2d(n, attrs, &nattrs, err);
	if (ret)
		return ret;
	ret = unsqueeze2(g, &pos, x, true, &in[0], err);
	if (!ret && n->op == ACCEL_OP_CONV) {
		struct accel_value *w = n->inputs[1];

		/* [M, C/group, k] -> [M, C/group, 1, k] */
		if (w->kind == ACCEL_VALUE_CONST && w->shape.rank == 3)
			ret = const_unit_dim(g, w, 2, &in[1], err);
		else
			ret = unsqueeze2(g, &pos, w, false, &in[1], err);
		if (n->ninputs > 2)
			in[2] = n->inputs[2];
	}
	if (!ret)
		ret = add_before(g, &pos, n->op, in, n->ninputs, attrs, nattrs, y->name, &y4, err);
	free_attrs(attrs, nattrs);
	if (!ret)
		ret = become_squeeze(n, y4, err);
	if (ret)
		return ret;
	report_add(r, "conv1d: %s -> %%%s as 2-D with H = 1 (%%%s)",
		   accel_op_name(y4->producer->op), y->name, y4->name);
	return 0;
}

/* ---- the back end: BatchNorm, activations and affine ops into 2-D ---- */

static bool sink_op(enum accel_op op, bool *binary)
{
	*binary = false;
	switch (op) {
	case ACCEL_OP_RELU: case ACCEL_OP_GELU: case ACCEL_OP_ERF: case ACCEL_OP_TANH:
	case ACCEL_OP_SIGMOID: case ACCEL_OP_SQRT: case ACCEL_OP_BATCHNORM:
		return true;
	case ACCEL_OP_ADD: case ACCEL_OP_SUB: case ACCEL_OP_MUL: case ACCEL_OP_DIV:
	case ACCEL_OP_POW:
		*binary = true;
		return true;
	default:
		return false;
	}
}

/*
 * @n (rank-3 f32 result) reads only values with a 2-D twin and constants:
 * rebuild it on the twins (constants of rank >= 2 get the unit dim before
 * their last, which is where axis 2 lands right-aligned) and turn @n into
 * the Squeeze of the new result. *@pos is @n's index; it moves past the new
 * node. Returns 1 when @n does not qualify.
 */
static int sink(struct accel_graph *g, uint32_t *pos, struct accel_ir_error *err)
{
	struct accel_node *n = g->nodes[*pos];
	struct accel_value *in[5], *y = n->outputs[0], *y4;
	bool binary, twin = false;
	uint32_t k;
	int ret, d;

	if (n->dead || n->noutputs != 1 || !sink_op(n->op, &binary) ||
	    y->dtype != ACCEL_DT_F32 || y->shape.rank != 3 || n->ninputs > 5)
		return 1;
	for (k = 0; k < n->ninputs; k++) {
		struct accel_value *v = n->inputs[k];

		in[k] = v;
		if (!v)
			continue;
		if (k == 0 || binary) {
			in[k] = twin_of(v);
			if (in[k]) {
				twin = true;
				continue;
			}
		}
		if (k && !binary)
			in[k] = v;	/* BatchNormalization's [C] vectors */
		else if (binary && v->kind == ACCEL_VALUE_CONST && v->dtype == ACCEL_DT_F32 &&
			 v->shape.rank <= 3)
			in[k] = v;
		else
			return 1;
	}
	if (!twin)
		return 1;
	for (k = 0; binary && k < n->ninputs; k++)
		if (in[k] == n->inputs[k] && in[k]->shape.rank >= 2) {
			ret = const_unit_dim(g, in[k], in[k]->shape.rank - 1, &in[k], err);
			if (ret)
				return ret;
		}
	ret = add_before(g, pos, n->op, in, n->ninputs, n->attrs, n->nattrs, y->name, &y4, err);
	if (ret)
		return ret;
	y4->dtype = ACCEL_DT_F32;
	y4->shape.rank = 4;
	for (d = 0; d < 4; d++)
		y4->shape.dims[d] = d < 2 ? y->shape.dims[d] : d == 2 ? accel_dim_const(1) :
				    y->shape.dims[d - 1];
	return become_squeeze(n, y4, err);
}

static bool reads(const struct accel_node *n, const struct accel_value *v)
{
	uint32_t k;

	for (k = 0; k < n->ninputs; k++)
		if (n->inputs[k] == v)
			return true;
	return false;
}

int conv1d_sink(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err)
{
	uint32_t i, j, moved = 0, pairs = 0;
	int ret;

	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *sq = g->nodes[i];
		struct accel_value *s = sq->outputs[0];

		if (sq->op != ACCEL_OP_SQUEEZE || !twin_of(s))
			continue;
		for (j = i + 1; j < g->nnodes; j++) {
			if (!reads(g->nodes[j], s))
				continue;
			ret = sink(g, &j, err);
			if (ret < 0)
				return ret;
			moved += ret == 0;
		}
	}
	/* Unsqueeze(Squeeze(t)) {axes=[2]} is t. */
	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *u = g->nodes[i];
		struct accel_value *t, *o = u->outputs[0];

		if (u->dead || u->op != ACCEL_OP_UNSQUEEZE || !axis2_only(u) || o->is_output)
			continue;
		t = twin_of(u->inputs[0]);
		if (!t || !ir_shape_equal(&t->shape, &o->shape))
			continue;
		ir_replace_uses(g, o, t);
		pairs++;
	}
	if (!moved && !pairs)
		return 0;
	report_add(r, "conv1d: %u nodes moved into the 2-D form, %u Unsqueeze(Squeeze) pairs "
		   "read through", moved, pairs);
	ret = accel_pass_dce(g, NULL, err);
	return ret ? ret : accel_pass_infer_shapes(g, NULL, err);
}
