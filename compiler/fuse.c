// SPDX-License-Identifier: MIT
/*
 * fuse.c - fusion: partition the graph's nodes into kernels, each of which
 * lowers to one packet (or a few), so intermediates inside a kernel never
 * touch memory.
 *
 * Epilogues first: a Conv or MatMul whose only reader adds a constant per
 * output channel/column takes it as its bias, and a Relu, Gelu (erf),
 * Sigmoid or Tanh that is the next only reader becomes its activation
 * (GEMM and CONV2D packets apply both on the way out).
 *
 * Then elementwise chains, walking the graph backwards: an elementwise node
 * not yet taken roots a group, which absorbs the producers of its operands
 * while (a) the producer is elementwise, (b) every reader of its result is
 * in the group and it is not a graph output, (c) its result broadcasts into
 * the root's shape (a member smaller than the root is recomputed per output
 * element, which is what makes LayerNorm's [.., 1] statistics fusable), and
 * (d) the register program still fits the ISA: 6 inputs, 32 instructions,
 * 16 registers. A group becomes one FUSED_ELEMENTWISE packet, even a group
 * of one node.
 *
 * Reshape, Flatten, Squeeze, Unsqueeze and same-type Casts are views: no
 * packet, the storage is shared (memplan.c). Everything else is one kernel.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower_priv.h"

bool op_is_elementwise(const struct accel_node *n)
{
	switch (n->op) {
	case ACCEL_OP_ADD: case ACCEL_OP_SUB: case ACCEL_OP_MUL: case ACCEL_OP_DIV:
	case ACCEL_OP_POW: case ACCEL_OP_EQUAL: case ACCEL_OP_WHERE: case ACCEL_OP_AND:
	case ACCEL_OP_OR: case ACCEL_OP_RELU:
	case ACCEL_OP_GELU: case ACCEL_OP_ERF: case ACCEL_OP_TANH: case ACCEL_OP_SIGMOID:
	case ACCEL_OP_SQRT: case ACCEL_OP_CAST: case ACCEL_OP_NOT:
		return true;
	default:
		return false;
	}
}

static bool is_float_like(enum accel_dtype dt)
{
	return dt == ACCEL_DT_F32 || dt == ACCEL_DT_BOOL;
}

/* Fusable: elementwise over f32/bool (stored as f32) in and out. */
static bool fusable(const struct accel_node *n)
{
	uint32_t i;

	if (!op_is_elementwise(n) || !is_float_like(n->outputs[0]->dtype))
		return false;
	for (i = 0; i < n->ninputs; i++)
		if (!n->inputs[i] || !is_float_like(n->inputs[i]->dtype))
			return false;
	return n->outputs[0]->shape.rank >= 0;
}

static bool is_view(const struct accel_node *n)
{
	switch (n->op) {
	case ACCEL_OP_RESHAPE: case ACCEL_OP_FLATTEN: case ACCEL_OP_SQUEEZE:
	case ACCEL_OP_UNSQUEEZE:
		return true;
	case ACCEL_OP_CAST:
		return stored_dtype(n->inputs[0]->dtype) == stored_dtype(n->outputs[0]->dtype) &&
		       !(n->inputs[0]->dtype == ACCEL_DT_F32 &&
			 n->outputs[0]->dtype == ACCEL_DT_BOOL);
	default:
		return false;
	}
}

/* @small broadcasts into @big (numpy rules, right-aligned). */
static bool broadcasts_into(const struct accel_shape *small, const struct accel_shape *big)
{
	int i, d;

	if (small->rank < 0 || big->rank < 0 || small->rank > big->rank)
		return false;
	for (i = 0; i < small->rank; i++) {
		struct accel_dim a = small->dims[small->rank - 1 - i];
		struct accel_dim b = big->dims[big->rank - 1 - i];

		d = dim_is_const(a) && a.val == 1;
		if (!d && !dim_eq(a, b))
			return false;
	}
	return true;
}

struct fuse_ctx {
	struct accel_graph *g;
	uint32_t *nuse;		/* by value id */
	int32_t *kernel_of;	/* by node index: kernel slot, -1 */
};

static uint32_t node_index(const struct accel_graph *g, const struct accel_node *n)
{
	uint32_t i;

	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i] == n)
			return i;
	return UINT32_MAX;
}

/* The single node reading @v, or NULL when several do or it is an output. */
static struct accel_node *only_reader(const struct fuse_ctx *c, const struct accel_value *v)
{
	uint32_t i, j;

	if (v->is_output || c->nuse[v->id] != 1)
		return NULL;
	for (i = 0; i < c->g->nnodes; i++)
		for (j = 0; j < c->g->nodes[i]->ninputs; j++)
			if (c->g->nodes[i]->inputs[j] == v)
				return c->g->nodes[i];
	return NULL;
}

static bool const_f32_numel(const struct accel_value *v, int64_t n)
{
	return v && v->kind == ACCEL_VALUE_CONST && v->dtype == ACCEL_DT_F32 &&
	       accel_shape_numel(&v->shape) == n;
}

/* A constant that adds per output channel (Conv) or column (MatMul). */
static struct accel_value *bias_operand(const struct accel_node *add, const struct accel_value *y,
					bool conv)
{
	const struct accel_shape *ys = &y->shape;
	struct accel_dim ch;
	int k, i;

	if (add->op != ACCEL_OP_ADD || !ir_shape_equal(&add->outputs[0]->shape, ys))
		return NULL;
	ch = conv ? ys->dims[1] : ys->dims[ys->rank - 1];
	if (!dim_is_const(ch))
		return NULL;
	for (k = 0; k < 2; k++) {
		const struct accel_value *b = add->inputs[k];

		if (add->inputs[1 - k] != y || !const_f32_numel(b, ch.val) ||
		    b->shape.rank > ys->rank)
			continue;
		/* Its one non-unit dim must sit on the channel/column axis. */
		for (i = 0; i < b->shape.rank; i++) {
			int axis = ys->rank - b->shape.rank + i;
			bool want = conv ? axis == 1 : axis == ys->rank - 1;

			if (!want && b->shape.dims[i].val != 1)
				break;
		}
		if (i == b->shape.rank)
			return (struct accel_value *)b;
	}
	return NULL;
}

static int act_of(const struct accel_node *n)
{
	switch (n->op) {
	case ACCEL_OP_RELU: return VACCEL_ACT_RELU;
	case ACCEL_OP_SIGMOID: return VACCEL_ACT_SIGMOID;
	case ACCEL_OP_TANH: return VACCEL_ACT_TANH;
	case ACCEL_OP_GELU: return ir_attr_int(n, "approximate") ? -1 : VACCEL_ACT_GELU;
	default: return -1;
	}
}

static int push_node(struct accel_node ***arr, uint32_t *n, struct accel_node *x)
{
	struct accel_node **a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	a[(*n)++] = x;
	*arr = a;
	return 0;
}

static bool scalar_near(const struct accel_value *v, double want)
{
	float f;

	if (!v || v->kind != ACCEL_VALUE_CONST || v->dtype != ACCEL_DT_F32 ||
	    accel_shape_numel(&v->shape) != 1)
		return false;
	memcpy(&f, v->data, sizeof(f));
	return fabs((double)f - want) <= 1e-6 * fabs(want);
}

/* The operand of binary @n that is not @v, or NULL when @v is not one. */
static struct accel_value *other(const struct accel_node *n, const struct accel_value *v)
{
	if (n->ninputs != 2)
		return NULL;
	return n->inputs[0] == v ? n->inputs[1] : n->inputs[1] == v ? n->inputs[0] : NULL;
}

/*
 * The exact GELU as torch.onnx exports it from y:
 *   d = y / sqrt(2); e = Erf(d); a = e + 1; m = y * a; g = m * 0.5
 * (operands of Add and Mul in either order). Fills @nodes with d, e, a, m,
 * g and returns true when every intermediate has that one reader.
 */
static bool match_gelu(const struct fuse_ctx *c, const struct accel_value *y,
		       struct accel_node *nodes[5])
{
	const struct accel_graph *g = c->g;
	struct accel_node *div = NULL, *mul = NULL, *n;
	uint32_t i, j;

	if (y->is_output || c->nuse[y->id] != 2)
		return false;
	for (i = 0; i < g->nnodes; i++)
		for (j = 0; j < g->nodes[i]->ninputs; j++)
			if (g->nodes[i]->inputs[j] == y) {
				n = g->nodes[i];
				if (n->op == ACCEL_OP_DIV && n->inputs[0] == y &&
				    scalar_near(n->inputs[1], M_SQRT2))
					div = n;
				else if (n->op == ACCEL_OP_MUL)
					mul = n;
			}
	if (!div || !mul)
		return false;
	nodes[0] = div;
	nodes[1] = only_reader(c, div->outputs[0]);
	if (!nodes[1] || nodes[1]->op != ACCEL_OP_ERF)
		return false;
	nodes[2] = only_reader(c, nodes[1]->outputs[0]);
	if (!nodes[2] || nodes[2]->op != ACCEL_OP_ADD ||
	    !scalar_near(other(nodes[2], nodes[1]->outputs[0]), 1.0))
		return false;
	if (only_reader(c, nodes[2]->outputs[0]) != mul ||
	    other(mul, nodes[2]->outputs[0]) != y)
		return false;
	nodes[3] = mul;
	nodes[4] = only_reader(c, mul->outputs[0]);
	if (!nodes[4] || nodes[4]->op != ACCEL_OP_MUL ||
	    !scalar_near(other(nodes[4], mul->outputs[0]), 0.5))
		return false;
	return ir_shape_equal(&nodes[4]->outputs[0]->shape, &y->shape);
}

static int epilogue(struct fuse_ctx *c, struct kernel *k, uint32_t ki)
{
	struct accel_node *n = k->node, *rd;
	struct accel_value *y = n->outputs[0];
	bool conv = n->op == ACCEL_OP_CONV;
	int act, ret;

	if (y->dtype != ACCEL_DT_F32 || y->shape.rank < 2)
		return 0;
	rd = only_reader(c, y);
	if (rd && (n->op == ACCEL_OP_MATMUL || (conv && (n->ninputs < 3 || !n->inputs[2])))) {
		k->bias = bias_operand(rd, y, conv);
		if (k->bias) {
			ret = push_node(&k->absorbed, &k->nabsorbed, rd);
			if (ret)
				return ret;
			c->kernel_of[node_index(c->g, rd)] = (int32_t)ki;
			y = rd->outputs[0];
			rd = only_reader(c, y);
		}
	}
	act = rd ? act_of(rd) : -1;
	if (!rd) {
		struct accel_node *gelu[5];
		int i;

		if (match_gelu(c, y, gelu)) {
			for (i = 0; i < 5; i++) {
				ret = push_node(&k->absorbed, &k->nabsorbed, gelu[i]);
				if (ret)
					return ret;
				c->kernel_of[node_index(c->g, gelu[i])] = (int32_t)ki;
			}
			k->act = VACCEL_ACT_GELU;
		}
	} else if (act > 0 && ir_shape_equal(&rd->outputs[0]->shape, &y->shape)) {
		k->act = (uint32_t)act;
		ret = push_node(&k->absorbed, &k->nabsorbed, rd);
		if (ret)
			return ret;
		c->kernel_of[node_index(c->g, rd)] = (int32_t)ki;
	}
	if (k->nabsorbed) {
		struct accel_node *last = k->absorbed[k->nabsorbed - 1];

		k->outs = last->outputs;
		k->nouts = 1;
	}
	return 0;
}

static bool member_of(const struct kernel *k, const struct accel_node *n)
{
	uint32_t i;

	for (i = 0; i < k->nmembers; i++)
		if (k->members[i] == n)
			return true;
	return false;
}

/* Uses of @v by members of @k. */
static uint32_t uses_in(const struct kernel *k, const struct accel_value *v)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < k->nmembers; i++)
		for (j = 0; j < k->members[i]->ninputs; j++)
			n += k->members[i]->inputs[j] == v;
	return n;
}

/* Insert @p keeping graph order; try the program; undo when it fails. */
static bool try_absorb(struct fuse_ctx *c, struct kernel *k, struct accel_node *p)
{
	uint32_t pi = node_index(c->g, p), i, at;
	struct kernel save = *k;
	struct accel_node **m;

	m = malloc((k->nmembers + 1) * sizeof(*m));
	if (!m)
		return false;
	for (at = 0; at < k->nmembers && node_index(c->g, k->members[at]) < pi; at++)
		;
	for (i = 0; i < at; i++)
		m[i] = k->members[i];
	m[at] = p;
	for (i = at; i < k->nmembers; i++)
		m[i + 1] = k->members[i];
	k->members = m;
	k->nmembers++;
	if (fused_program(c->g, k)) {
		free(m);
		*k = save;
		fused_program(c->g, k);
		return false;
	}
	free(save.members);
	return true;
}

static int grow_group(struct fuse_ctx *c, struct kernel *k, uint32_t ki)
{
	const struct accel_shape *root = &k->node->outputs[0]->shape;
	bool changed = true;
	uint32_t i, j;

	while (changed) {
		changed = false;
		for (i = k->nmembers; i-- > 0 && !changed;) {
			struct accel_node *n = k->members[i];

			for (j = 0; j < n->ninputs && !changed; j++) {
				struct accel_value *v = n->inputs[j];
				struct accel_node *p = v->kind == ACCEL_VALUE_NODE ? v->producer : NULL;

				if (!p || member_of(k, p) || c->kernel_of[node_index(c->g, p)] >= 0 ||
				    !fusable(p) || v->is_output || uses_in(k, v) != c->nuse[v->id] ||
				    !broadcasts_into(&v->shape, root))
					continue;
				if (try_absorb(c, k, p)) {
					c->kernel_of[node_index(c->g, p)] = (int32_t)ki;
					changed = true;
				}
			}
		}
	}
	return 0;
}

void schedule_fini(struct schedule *s)
{
	uint32_t i;

	for (i = 0; s->k && i < s->n; i++) {
		free(s->k[i].members);
		free(s->k[i].absorbed);
	}
	free(s->k);
	memset(s, 0, sizeof(*s));
}

/*
 * The index table a Range copies from (the ISA has no iota): 0, 1, ... in
 * the Range's dtype, as long as the range when that is a constant, else
 * RANGE_TABLE_MAX long (a longer range is then refused at launch by the
 * command-buffer validator, the copy reaching past the table).
 */
static int range_table(struct accel_graph *g, const struct accel_node *n,
		       struct accel_value **out, struct accel_ir_error *err)
{
	const struct accel_value *y = n->outputs[0];
	struct accel_dim len = y->shape.dims[0];
	int64_t cnt = dim_is_const(len) ? len.val : RANGE_TABLE_MAX, i;
	size_t es = accel_dtype_size(y->dtype);
	struct accel_shape s;
	char name[300];
	void *data;
	int ret;

	if (y->dtype != ACCEL_DT_F32 && y->dtype != ACCEL_DT_I64 && y->dtype != ACCEL_DT_I32)
		return ir_error(err, EOPNOTSUPP, "fuse: Range -> %%%s: dtype %s has no ISA "
				"encoding", y->name, accel_dtype_name(y->dtype));
	if (cnt < 1)
		cnt = 1;
	data = malloc((size_t)cnt * es);
	if (!data)
		return ir_error(err, ENOMEM, "fuse: out of memory");
	for (i = 0; i < cnt; i++) {
		if (y->dtype == ACCEL_DT_F32)
			((float *)data)[i] = (float)i;
		else if (y->dtype == ACCEL_DT_I64)
			((int64_t *)data)[i] = i;
		else
			((int32_t *)data)[i] = (int32_t)i;
	}
	s = accel_shape_make(1, (struct accel_dim[]){ accel_dim_const(cnt) });
	snprintf(name, sizeof(name), "%s.index_table", y->name);
	ret = accel_graph_add_const(g, name, y->dtype, &s, data, out, err);
	free(data);
	return ret;
}

static int cmp_kernel(const void *a, const void *b)
{
	const struct kernel *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int schedule_build(struct accel_graph *g, struct schedule *s, struct accel_report *r,
		   struct accel_ir_error *err)
{
	struct fuse_ctx c = { g, NULL, NULL };
	struct kernel *ks = NULL;
	uint32_t i, j, nk = 0, groups = 0;
	int ret = -ENOMEM;

	memset(s, 0, sizeof(*s));
	c.nuse = calloc(g->next_id + 1, sizeof(*c.nuse));
	c.kernel_of = malloc((g->nnodes + 1) * sizeof(*c.kernel_of));
	ks = calloc(g->nnodes + 1, sizeof(*ks));
	if (!c.nuse || !c.kernel_of || !ks)
		goto out;
	for (i = 0; i < g->nnodes; i++) {
		c.kernel_of[i] = -1;
		for (j = 0; j < g->nodes[i]->ninputs; j++)
			if (g->nodes[i]->inputs[j])
				c.nuse[g->nodes[i]->inputs[j]->id]++;
	}
	/* Epilogues. */
	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *n = g->nodes[i];

		if (c.kernel_of[i] >= 0 || (n->op != ACCEL_OP_CONV && n->op != ACCEL_OP_MATMUL &&
					    n->op != ACCEL_OP_GEMM))
			continue;
		ks[nk] = (struct kernel){ .kind = KERNEL_OP, .node = n, .outs = n->outputs,
					  .nouts = n->noutputs };
		c.kernel_of[i] = (int32_t)nk;
		ret = epilogue(&c, &ks[nk], nk);
		if (ret)
			goto out;
		s->epilogues += ks[nk].nabsorbed;
		nk++;
	}
	/* Elementwise groups, roots from the back. */
	for (i = g->nnodes; i-- > 0;) {
		struct accel_node *n = g->nodes[i];

		if (c.kernel_of[i] >= 0 || !fusable(n))
			continue;
		ks[nk] = (struct kernel){ .kind = KERNEL_FUSED, .node = n, .outs = n->outputs,
					  .nouts = 1 };
		ret = push_node(&ks[nk].members, &ks[nk].nmembers, n);
		if (ret)
			goto out;
		ret = fused_program(g, &ks[nk]);
		if (ret) {
			/* Not expressible even alone: an ordinary kernel, which
			 * lowering will refuse by name. */
			free(ks[nk].members);
			ks[nk] = (struct kernel){ 0 };
			continue;
		}
		c.kernel_of[i] = (int32_t)nk;
		ret = grow_group(&c, &ks[nk], nk);
		if (ret)
			goto out;
		s->fused_nodes += ks[nk].nmembers;
		groups++;
		nk++;
	}
	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *n = g->nodes[i];

		if (c.kernel_of[i] >= 0)
			continue;
		ks[nk] = (struct kernel){ .kind = is_view(n) ? KERNEL_VIEW : KERNEL_OP, .node = n,
					  .outs = n->outputs, .nouts = n->noutputs };
		if (n->op == ACCEL_OP_RANGE) {
			ret = range_table(g, n, &ks[nk].table, err);
			if (ret)
				goto fail;
		}
		c.kernel_of[i] = (int32_t)nk++;
	}
	/* Order kernels by the position of the node that writes their result. */
	for (i = 0; i < nk; i++) {
		const struct kernel *k = &ks[i];
		const struct accel_node *last = k->nabsorbed ? k->absorbed[k->nabsorbed - 1] :
						k->node;

		ks[i].pos = node_index(g, last);
	}
	qsort(ks, nk, sizeof(*ks), cmp_kernel);
	s->k = ks;
	s->n = nk;
	ks = NULL;
	report_add(r, "fuse: %u kernels for %u nodes: %u elementwise nodes in %u FUSED_ELEMENTWISE, "
		   "%u nodes into GEMM/CONV epilogues", s->n, g->nnodes, s->fused_nodes, groups,
		   s->epilogues);
	ret = 0;
out:
	if (ret)
		ir_error(err, -ret, "fuse: out of memory");
fail:
	if (ks) {
		for (i = 0; i < nk; i++) {
			free(ks[i].members);
			free(ks[i].absorbed);
		}
		free(ks);
	}
	free(c.nuse);
	free(c.kernel_of);
	return ret;
}
