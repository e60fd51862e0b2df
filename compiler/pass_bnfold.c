// SPDX-License-Identifier: MIT
/*
 * pass_bnfold.c - BatchNormalization (inference form) out of the graph.
 *
 * y = (x - mean) / sqrt(var + eps) * gamma + beta is an affine map per
 * channel: y = x * s + t with s = gamma / sqrt(var + eps) and
 * t = beta - mean * s. When x comes straight from a Conv that nobody else
 * reads, the map folds into the Conv itself: W'[oc] = W[oc] * s[oc] and
 * b'[oc] = b[oc] * s[oc] + t[oc], and the BatchNormalization disappears.
 * Any other BatchNormalization (after a residual Add, say) becomes
 * Mul(x, s) then Add(., t) with s and t as [C, 1, ...] constants, which the
 * fusion pass then merges with its elementwise neighbours.
 *
 * The arithmetic is done in double and rounded once to float, so the folded
 * model agrees with the unfolded one to float rounding. BatchNormalization
 * whose statistics are not constants (training mode) is left alone and
 * reported; lowering then refuses it by name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

static bool const_f32(const struct accel_value *v, int64_t n)
{
	return v && v->kind == ACCEL_VALUE_CONST && v->dtype == ACCEL_DT_F32 &&
	       v->nbytes == (size_t)n * sizeof(float);
}

/* s and t of a BatchNormalization with C channels, or -EINVAL. */
static int bn_affine(const struct accel_node *bn, int64_t c, double *s, double *t)
{
	const float *gamma, *beta, *mean, *var;
	double eps = ir_attr_float(bn, "epsilon");
	int64_t i;

	for (i = 1; i < 5; i++)
		if (!const_f32(bn->inputs[i], c))
			return -EINVAL;
	gamma = bn->inputs[1]->data;
	beta = bn->inputs[2]->data;
	mean = bn->inputs[3]->data;
	var = bn->inputs[4]->data;
	for (i = 0; i < c; i++) {
		s[i] = gamma[i] / sqrt((double)var[i] + eps);
		t[i] = beta[i] - mean[i] * s[i];
	}
	return 0;
}

static int add_const(struct accel_graph *g, const char *base, const char *what,
		     const struct accel_shape *shape, const float *data, struct accel_value **out,
		     struct accel_ir_error *err)
{
	char name[300];
	int k;

	for (k = 0; k < 1000; k++) {
		snprintf(name, sizeof(name), k ? "%s.%s%d" : "%s.%s", base, what, k);
		if (!accel_graph_find(g, name))
			return accel_graph_add_const(g, name, ACCEL_DT_F32, shape, data, out, err);
	}
	return ir_error(err, EEXIST, "bnfold: no free name for %s.%s", base, what);
}

/* Conv -> BatchNormalization with the Conv's output read by nothing else. */
static int fold_into_conv(struct accel_graph *g, struct accel_node *conv, struct accel_node *bn,
			  int64_t c, const double *s, const double *t, struct accel_ir_error *err)
{
	const struct accel_value *w = conv->inputs[1];
	const struct accel_value *b = conv->ninputs > 2 ? conv->inputs[2] : NULL;
	struct accel_value *nw, *nb, *old = conv->outputs[0], *y = bn->outputs[0];
	struct accel_shape bs = accel_shape_make(1, (struct accel_dim[]){ accel_dim_const(c) });
	int64_t per, i, j, wn = accel_shape_numel(&w->shape);
	float *wd = NULL, *bd = NULL;
	int ret = -ENOMEM;

	per = wn / c;
	wd = malloc((size_t)wn * sizeof(float));
	bd = malloc((size_t)c * sizeof(float));
	if (!wd || !bd)
		goto out;
	for (i = 0; i < c; i++) {
		for (j = 0; j < per; j++)
			wd[i * per + j] = (float)(((const float *)w->data)[i * per + j] * s[i]);
		bd[i] = (float)((b ? ((const float *)b->data)[i] : 0.0) * s[i] + t[i]);
	}
	ret = add_const(g, old->name, "bnfold_w", &w->shape, wd, &nw, err);
	if (!ret)
		ret = add_const(g, old->name, "bnfold_b", &bs, bd, &nb, err);
	if (ret)
		goto out;
	if (conv->ninputs < 3) {
		struct accel_value **in = realloc(conv->inputs, 3 * sizeof(*in));

		if (!in) {
			ret = -ENOMEM;
			goto out;
		}
		conv->inputs = in;
		conv->ninputs = 3;
	}
	conv->inputs[1] = nw;
	conv->inputs[2] = nb;
	/* The Conv now produces the BatchNormalization's output value, so its
	 * name (perhaps a graph output's) survives. */
	conv->outputs[0] = y;
	y->producer = conv;
	old->dead = 1;
	bn->dead = 1;
out:
	free(wd);
	free(bd);
	return ret;
}

/* Insert @n (just appended) before position @pos of the node list. */
static void move_last_to(struct accel_graph *g, uint32_t pos)
{
	struct accel_node *n = g->nodes[g->nnodes - 1];

	memmove(&g->nodes[pos + 1], &g->nodes[pos], (g->nnodes - 1 - pos) * sizeof(*g->nodes));
	g->nodes[pos] = n;
}

/* BatchNormalization at @pos -> Mul(x, s) then Add(., t). */
static int to_affine(struct accel_graph *g, uint32_t pos, int64_t c, const double *s,
		     const double *t, struct accel_ir_error *err)
{
	struct accel_node *bn = g->nodes[pos];
	struct accel_value *x = bn->inputs[0], *sv, *tv, *m, *ins[2];
	struct accel_dim dims[ACCEL_IR_MAX_RANK];
	struct accel_shape cs;
	float *sd, *td;
	int64_t i;
	int rank = x->shape.rank, ret, k;

	/* [C, 1, ...]: broadcasts over the dims after the channel axis (1). */
	dims[0] = accel_dim_const(c);
	for (k = 1; k < rank - 1; k++)
		dims[k] = accel_dim_const(1);
	cs = accel_shape_make(rank - 1, dims);
	sd = malloc((size_t)c * sizeof(float));
	td = malloc((size_t)c * sizeof(float));
	if (!sd || !td) {
		free(sd);
		free(td);
		return ir_error(err, ENOMEM, "bnfold: out of memory");
	}
	for (i = 0; i < c; i++) {
		sd[i] = (float)s[i];
		td[i] = (float)t[i];
	}
	ret = add_const(g, bn->outputs[0]->name, "bn_scale", &cs, sd, &sv, err);
	if (!ret)
		ret = add_const(g, bn->outputs[0]->name, "bn_shift", &cs, td, &tv, err);
	free(sd);
	free(td);
	if (ret)
		return ret;
	ins[0] = x;
	ins[1] = sv;
	ret = accel_graph_add_node(g, ACCEL_OP_MUL, ins, 2, NULL, 0, 1, NULL, &m, err);
	if (ret)
		return ret;
	move_last_to(g, pos);
	m->dtype = ACCEL_DT_F32;
	m->shape = x->shape;
	/* The BatchNormalization node itself becomes the Add. */
	for (k = 0; k < (int)bn->nattrs; k++)
		ir_attr_free(&bn->attrs[k]);
	free(bn->attrs);
	bn->attrs = NULL;
	bn->nattrs = 0;
	bn->op = ACCEL_OP_ADD;
	bn->inputs[0] = m;
	bn->inputs[1] = tv;
	bn->ninputs = 2;
	return 0;
}

int accel_pass_fold_batchnorm(struct accel_graph *g, struct accel_report *r,
			      struct accel_ir_error *err)
{
	uint32_t i, folded = 0, affine = 0, kept = 0;
	double *s = NULL, *t = NULL;
	int ret = 0;

	for (i = 0; i < g->nnodes && !ret; i++) {
		struct accel_node *bn = g->nodes[i], *prod;
		struct accel_value *x = bn->inputs[0];
		int64_t c;

		if (bn->op != ACCEL_OP_BATCHNORM || bn->dead)
			continue;
		if (x->shape.rank < 2 || !dim_is_const(x->shape.dims[1]) ||
		    x->shape.dims[1].val < 1 || x->dtype != ACCEL_DT_F32) {
			kept++;
			report_add(r, "bnfold: kept %%%s: channel count not known",
				   bn->outputs[0]->name);
			continue;
		}
		c = x->shape.dims[1].val;
		free(s);
		free(t);
		s = malloc((size_t)c * sizeof(*s));
		t = malloc((size_t)c * sizeof(*t));
		if (!s || !t) {
			ret = ir_error(err, ENOMEM, "bnfold: out of memory");
			break;
		}
		if (bn_affine(bn, c, s, t)) {
			kept++;
			report_add(r, "bnfold: kept %%%s: statistics are not constants",
				   bn->outputs[0]->name);
			continue;
		}
		prod = x->kind == ACCEL_VALUE_NODE ? x->producer : NULL;
		if (prod && prod->op == ACCEL_OP_CONV && !x->is_output &&
		    ir_use_count(g, x) == 1 && const_f32(prod->inputs[1],
							 accel_shape_numel(&prod->inputs[1]->shape)) &&
		    prod->inputs[1]->shape.dims[0].val == c &&
		    (prod->ninputs < 3 || !prod->inputs[2] || const_f32(prod->inputs[2], c))) {
			ret = fold_into_conv(g, prod, bn, c, s, t, err);
			if (!ret) {
				report_add(r, "bnfold: %%%s folded into Conv", bn->outputs[0]->name);
				folded++;
			}
		} else {
			ret = to_affine(g, i, c, s, t, err);
			if (!ret) {
				report_add(r, "bnfold: %%%s became Mul+Add per channel",
					   bn->outputs[0]->name);
				affine++;
				i++;	/* skip the node now at i (the Mul) */
			}
		}
	}
	free(s);
	free(t);
	ir_sweep(g);
	report_add(r, "bnfold: %u folded into Conv, %u turned affine, %u kept", folded, affine,
		   kept);
	return ret;
}
