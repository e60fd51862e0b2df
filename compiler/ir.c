// SPDX-License-Identifier: MIT
/*
 * ir.c - the graph: values, nodes, the builder API and the surgery the passes
 * share (replacing uses, turning outputs into constants, sweeping the dead).
 *
 * Names are unique within a graph and found through a small open-addressing
 * hash, so importing a model with thousands of values stays linear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

int ir_error(struct accel_ir_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

int ir_node_verror(struct accel_ir_error *err, int errnum, const char *phase,
		   const struct accel_node *n, const char *fmt, va_list ap)
{
	char msg[384];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return ir_error(err, errnum, "%s: %s -> %%%s: %s", phase, accel_op_name(n->op),
			n->outputs[0]->name, msg);
}

/* ---- name hash: slots hold value pointers, rebuilt on sweep ---- */

struct name_hash {
	struct accel_value **slot;
	uint32_t cap, used;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int hash_insert(struct name_hash *h, struct accel_value *v);

static int hash_grow(struct name_hash *h)
{
	struct name_hash n = { 0 };
	uint32_t i;

	n.cap = h->cap ? 2 * h->cap : 64;
	n.slot = calloc(n.cap, sizeof(*n.slot));
	if (!n.slot)
		return -ENOMEM;
	for (i = 0; i < h->cap; i++)
		if (h->slot[i])
			hash_insert(&n, h->slot[i]);
	free(h->slot);
	*h = n;
	return 0;
}

static int hash_insert(struct name_hash *h, struct accel_value *v)
{
	uint32_t i;
	int ret;

	if (2 * (h->used + 1) > h->cap) {
		ret = hash_grow(h);
		if (ret)
			return ret;
	}
	i = hash_str(v->name) & (h->cap - 1);
	while (h->slot[i])
		i = (i + 1) & (h->cap - 1);
	h->slot[i] = v;
	h->used++;
	return 0;
}

struct accel_value *accel_graph_find(const struct accel_graph *g, const char *name)
{
	const struct name_hash *h = g->names;
	uint32_t i;

	if (!h || !h->cap)
		return NULL;
	i = hash_str(name) & (h->cap - 1);
	while (h->slot[i]) {
		if (!strcmp(h->slot[i]->name, name))
			return h->slot[i];
		i = (i + 1) & (h->cap - 1);
	}
	return NULL;
}

/* ---- graph ---- */

int accel_graph_create(const char *name, struct accel_graph **out)
{
	struct accel_graph *g = calloc(1, sizeof(*g));
	int ret = -ENOMEM;

	*out = NULL;
	if (!g)
		return -ENOMEM;
	g->name = strdup(name ? name : "graph");
	g->names = calloc(1, sizeof(struct name_hash));
	if (!g->name || !g->names)
		goto err_destroy;
	ret = dim_symtab_create(&g->syms);
	if (ret)
		goto err_destroy;
	*out = g;
	return 0;

err_destroy:
	accel_graph_destroy(g);
	return ret;
}

void ir_attr_free(struct accel_attr *a)
{
	free(a->ints);
	free(a->dims);
	a->ints = NULL;
	a->dims = NULL;
}

static void node_free(struct accel_node *n)
{
	uint32_t i;

	for (i = 0; i < n->nattrs; i++)
		ir_attr_free(&n->attrs[i]);
	free(n->attrs);
	free(n->inputs);
	free(n->outputs);
	free(n);
}

static void value_free(struct accel_value *v)
{
	free(v->name);
	free(v->data);
	free(v->known);
	free(v);
}

void accel_graph_destroy(struct accel_graph *g)
{
	uint32_t i;

	if (!g)
		return;
	for (i = 0; i < g->nnodes; i++)
		node_free(g->nodes[i]);
	for (i = 0; i < g->nvalues; i++)
		value_free(g->values[i]);
	free(g->nodes);
	free(g->values);
	free(g->inputs);
	free(g->outputs);
	if (g->names)
		free(((struct name_hash *)g->names)->slot);
	free(g->names);
	dim_symtab_destroy(g->syms);
	free(g->name);
	free(g);
}

/* Append @p to a pointer array that grows by doubling. */
static int push(void ***arr, uint32_t *n, uint32_t *cap, void *p)
{
	if (*n == *cap) {
		uint32_t c = *cap ? 2 * *cap : 16;
		void **a;

		if (*cap >= UINT32_MAX / 4)
			return -ENOMEM;
		a = realloc(*arr, c * sizeof(*a));
		if (!a)
			return -ENOMEM;
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

static bool name_ok(const char *name)
{
	size_t len = strnlen(name, IR_MAX_NAME + 1);

	return len > 0 && len <= IR_MAX_NAME;
}

/* A new value named @name, or a fresh "tN" name when @name is NULL. */
static struct accel_value *value_new(struct accel_graph *g, const char *name)
{
	struct accel_value *v = calloc(1, sizeof(*v));
	char buf[32];

	if (!v)
		return NULL;
	if (!name) {
		do
			snprintf(buf, sizeof(buf), "t%u", g->next_id++);
		while (accel_graph_find(g, buf));
		name = buf;
	}
	v->name = strdup(name);
	v->shape.rank = -1;
	v->id = g->next_id++;
	if (!v->name || push((void ***)&g->values, &g->nvalues, &g->values_cap, v)) {
		free(v->name);
		free(v);
		return NULL;
	}
	if (hash_insert(g->names, v)) {
		g->nvalues--;
		free(v->name);
		free(v);
		return NULL;
	}
	return v;
}

struct accel_value *ir_value_new(struct accel_graph *g, const char *name)
{
	return value_new(g, name);
}

int accel_dim_symbol(struct accel_graph *g, const char *name, struct accel_dim *out)
{
	return dim_symbol(g->syms, name, out);
}

struct accel_shape accel_shape_make(int rank, const struct accel_dim *dims)
{
	struct accel_shape s = { .rank = rank };
	int i;

	for (i = 0; i < rank && i < ACCEL_IR_MAX_RANK; i++)
		s.dims[i] = dims[i];
	return s;
}

int64_t accel_shape_numel(const struct accel_shape *s)
{
	int64_t n = 1;
	int i;

	if (s->rank < 0)
		return -1;
	for (i = 0; i < s->rank; i++) {
		if (s->dims[i].expr || s->dims[i].val < 0 ||
		    __builtin_mul_overflow(n, s->dims[i].val, &n))
			return -1;
	}
	return n;
}

bool ir_shape_equal(const struct accel_shape *a, const struct accel_shape *b)
{
	int i;

	if (a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++)
		if (!dim_eq(a->dims[i], b->dims[i]))
			return false;
	return true;
}

static int check_new_name(struct accel_graph *g, const char *name, struct accel_ir_error *err)
{
	if (!name_ok(name))
		return ir_error(err, EINVAL, "value name empty or longer than %d bytes",
				IR_MAX_NAME);
	if (accel_graph_find(g, name))
		return ir_error(err, EEXIST, "value '%s' defined twice", name);
	return 0;
}

static int check_shape(const struct accel_shape *s, struct accel_ir_error *err)
{
	int i;

	if (s->rank < -1 || s->rank > ACCEL_IR_MAX_RANK)
		return ir_error(err, EINVAL, "rank %d outside 0..%d", s->rank, ACCEL_IR_MAX_RANK);
	for (i = 0; i < s->rank; i++)
		if (!s->dims[i].expr && s->dims[i].val < 0)
			return ir_error(err, EINVAL, "negative dimension %lld",
					(long long)s->dims[i].val);
	return 0;
}

int accel_graph_add_input(struct accel_graph *g, const char *name, enum accel_dtype dt,
			  const struct accel_shape *shape, struct accel_value **out,
			  struct accel_ir_error *err)
{
	struct accel_value *v;
	int ret;

	if (out)
		*out = NULL;
	ret = check_new_name(g, name, err);
	if (!ret)
		ret = check_shape(shape, err);
	if (ret)
		return ret;
	if (dt <= ACCEL_DT_UNDEF || dt >= ACCEL_DT_COUNT)
		return ir_error(err, EINVAL, "input '%s': invalid dtype %d", name, dt);
	v = value_new(g, name);
	if (!v || push((void ***)&g->inputs, &g->ninputs, &g->inputs_cap, v))
		return ir_error(err, ENOMEM, "out of memory");
	v->kind = ACCEL_VALUE_INPUT;
	v->dtype = dt;
	v->shape = *shape;
	if (out)
		*out = v;
	return 0;
}

int ir_set_known(struct accel_value *v, const struct accel_dim *dims, uint32_t n)
{
	struct accel_dim *k = NULL;

	if (n) {
		k = malloc(n * sizeof(*k));
		if (!k)
			return -ENOMEM;
		memcpy(k, dims, n * sizeof(*k));
	}
	free(v->known);
	v->known = k;
	v->nknown = n;
	return 0;
}

/* Small i64 constants carry their contents as known dims for shape inference. */
static int const_known(struct accel_value *v)
{
	struct accel_dim d[IR_MAX_KNOWN];
	int64_t n = accel_shape_numel(&v->shape);
	const int64_t *p = v->data;
	int64_t i;

	if ((v->dtype != ACCEL_DT_I64 && v->dtype != ACCEL_DT_I32) || v->shape.rank > 1 ||
	    n < 0 || n > IR_MAX_KNOWN)
		return ir_set_known(v, NULL, 0);
	for (i = 0; i < n; i++)
		d[i] = accel_dim_const(v->dtype == ACCEL_DT_I64 ? p[i] :
				       ((const int32_t *)v->data)[i]);
	return ir_set_known(v, d, (uint32_t)n);
}

int accel_graph_add_const(struct accel_graph *g, const char *name, enum accel_dtype dt,
			  const struct accel_shape *shape, const void *data,
			  struct accel_value **out, struct accel_ir_error *err)
{
	struct accel_value *v;
	size_t esize = accel_dtype_size(dt), nbytes;
	int64_t n;
	void *copy;
	int ret;

	if (out)
		*out = NULL;
	ret = check_new_name(g, name, err);
	if (!ret)
		ret = check_shape(shape, err);
	if (ret)
		return ret;
	n = accel_shape_numel(shape);
	if (n < 0)
		return ir_error(err, EINVAL, "constant '%s': shape must be constant", name);
	if (!esize || dt == ACCEL_DT_UNDEF)
		return ir_error(err, EINVAL, "constant '%s': invalid dtype %d", name, dt);
	if (__builtin_mul_overflow((size_t)n, esize, &nbytes))
		return ir_error(err, E2BIG, "constant '%s' too large", name);
	copy = malloc(nbytes ? nbytes : 1);
	if (!copy)
		return ir_error(err, ENOMEM, "constant '%s': out of memory", name);
	if (nbytes)
		memcpy(copy, data, nbytes);
	v = value_new(g, name);
	if (!v) {
		free(copy);
		return ir_error(err, ENOMEM, "out of memory");
	}
	v->kind = ACCEL_VALUE_CONST;
	v->dtype = dt;
	v->shape = *shape;
	v->data = copy;
	v->nbytes = nbytes;
	if (const_known(v))
		return ir_error(err, ENOMEM, "out of memory");
	if (out)
		*out = v;
	return 0;
}

int ir_attr_copy(struct accel_attr *dst, const struct accel_attr *src)
{
	*dst = *src;
	dst->ints = NULL;
	dst->dims = NULL;
	if (src->kind == ACCEL_ATTR_INTS && src->n) {
		dst->ints = malloc(src->n * sizeof(*dst->ints));
		if (!dst->ints)
			return -ENOMEM;
		memcpy(dst->ints, src->ints, src->n * sizeof(*dst->ints));
	}
	if (src->kind == ACCEL_ATTR_DIMS && src->n) {
		dst->dims = malloc(src->n * sizeof(*dst->dims));
		if (!dst->dims)
			return -ENOMEM;
		memcpy(dst->dims, src->dims, src->n * sizeof(*dst->dims));
	}
	return 0;
}

static bool value_in_graph(const struct accel_graph *g, const struct accel_value *v)
{
	return accel_graph_find(g, v->name) == v && !v->dead;
}

int accel_graph_add_node(struct accel_graph *g, enum accel_op op,
			 struct accel_value *const *inputs, uint32_t ninputs,
			 const struct accel_attr *attrs, uint32_t nattrs,
			 uint32_t noutputs, const char *const *out_names,
			 struct accel_value **outs, struct accel_ir_error *err)
{
	const struct op_info *info = op_info(op);
	const struct op_attr_spec *spec;
	struct accel_node *n;
	uint32_t i, j;
	int ret;

	if (!info)
		return ir_error(err, EINVAL, "unknown op %d", op);
	if (ninputs < info->min_in || ninputs > info->max_in)
		return ir_error(err, EINVAL, "%s takes %u to %u inputs, not %u", info->name,
				info->min_in, info->max_in, ninputs);
	if (noutputs < info->min_out || noutputs > info->max_out)
		return ir_error(err, EINVAL, "%s makes %u to %u outputs, not %u", info->name,
				info->min_out, info->max_out, noutputs);
	for (i = 0; i < ninputs; i++) {
		if (!inputs[i]) {
			if (i < info->min_in)
				return ir_error(err, EINVAL, "%s: input %u is required",
						info->name, i);
			continue;
		}
		if (!value_in_graph(g, inputs[i]))
			return ir_error(err, EINVAL, "%s: input %u is not a value of this graph",
					info->name, i);
	}
	for (i = 0; i < nattrs; i++) {
		spec = op_attr_spec(op, attrs[i].name);
		if (!spec)
			return ir_error(err, EINVAL, "%s has no attribute '%s'", info->name,
					attrs[i].name);
		if (spec->kind != attrs[i].kind)
			return ir_error(err, EINVAL, "%s: attribute '%s' has the wrong kind",
					info->name, attrs[i].name);
		if ((attrs[i].kind == ACCEL_ATTR_INTS || attrs[i].kind == ACCEL_ATTR_DIMS) &&
		    attrs[i].n > IR_MAX_IO)
			return ir_error(err, E2BIG, "%s: attribute '%s' has %u entries",
					info->name, attrs[i].name, attrs[i].n);
		for (j = 0; j < i; j++)
			if (!strcmp(attrs[j].name, attrs[i].name))
				return ir_error(err, EINVAL, "%s: attribute '%s' given twice",
						info->name, attrs[i].name);
	}
	for (i = 0; i < noutputs; i++) {
		if (out_names && out_names[i]) {
			ret = check_new_name(g, out_names[i], err);
			if (ret)
				return ret;
			for (j = 0; j < i; j++)
				if (out_names[j] && !strcmp(out_names[j], out_names[i]))
					return ir_error(err, EEXIST, "value '%s' defined twice",
							out_names[i]);
		}
	}

	n = calloc(1, sizeof(*n));
	if (!n)
		return ir_error(err, ENOMEM, "out of memory");
	n->op = op;
	n->inputs = calloc(ninputs ? ninputs : 1, sizeof(*n->inputs));
	n->outputs = calloc(noutputs, sizeof(*n->outputs));
	n->attrs = calloc(nattrs ? nattrs : 1, sizeof(*n->attrs));
	if (!n->inputs || !n->outputs || !n->attrs)
		goto err_free;
	n->ninputs = ninputs;
	memcpy(n->inputs, inputs, ninputs * sizeof(*inputs));
	for (i = 0; i < nattrs; i++) {
		if (ir_attr_copy(&n->attrs[i], &attrs[i]))
			goto err_free;
		n->attrs[i].name = op_attr_spec(op, attrs[i].name)->name;
		n->nattrs++;
	}
	if (push((void ***)&g->nodes, &g->nnodes, &g->nodes_cap, n))
		goto err_free;
	/* From here the node belongs to the graph; a failing output leaves a
	 * node with fewer outputs, which the caller's error path destroys. */
	for (i = 0; i < noutputs; i++) {
		struct accel_value *v = value_new(g, out_names ? out_names[i] : NULL);

		if (!v)
			return ir_error(err, ENOMEM, "out of memory");
		v->kind = ACCEL_VALUE_NODE;
		v->producer = n;
		n->outputs[n->noutputs++] = v;
		if (outs)
			outs[i] = v;
	}
	return 0;

err_free:
	node_free(n);
	return ir_error(err, ENOMEM, "out of memory");
}

int accel_graph_mark_output(struct accel_graph *g, struct accel_value *v,
			    struct accel_ir_error *err)
{
	if (!value_in_graph(g, v))
		return ir_error(err, EINVAL, "output is not a value of this graph");
	if (v->is_output)
		return ir_error(err, EEXIST, "'%s' is already an output", v->name);
	if (push((void ***)&g->outputs, &g->noutputs, &g->outputs_cap, v))
		return ir_error(err, ENOMEM, "out of memory");
	v->is_output = 1;
	return 0;
}

struct accel_attr accel_attr_int(const char *name, int64_t v)
{
	struct accel_attr a = { .name = name, .kind = ACCEL_ATTR_INT, .i = v };

	return a;
}

struct accel_attr accel_attr_float(const char *name, double v)
{
	struct accel_attr a = { .name = name, .kind = ACCEL_ATTR_FLOAT, .f = v };

	return a;
}

struct accel_attr accel_attr_ints(const char *name, const int64_t *v, uint32_t n)
{
	struct accel_attr a = { .name = name, .kind = ACCEL_ATTR_INTS, .n = n,
				.ints = (int64_t *)v };

	return a;
}

/* ---- surgery ---- */

void ir_replace_uses(struct accel_graph *g, struct accel_value *from, struct accel_value *to)
{
	uint32_t i, j;

	for (i = 0; i < g->nnodes; i++)
		for (j = 0; j < g->nodes[i]->ninputs; j++)
			if (g->nodes[i]->inputs[j] == from)
				g->nodes[i]->inputs[j] = to;
	for (i = 0; i < g->noutputs; i++)
		if (g->outputs[i] == from) {
			g->outputs[i] = to;
			to->is_output = 1;
			from->is_output = 0;
		}
}

uint32_t ir_use_count(const struct accel_graph *g, const struct accel_value *v)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead)
			for (j = 0; j < g->nodes[i]->ninputs; j++)
				n += g->nodes[i]->inputs[j] == v;
	for (i = 0; i < g->noutputs; i++)
		n += g->outputs[i] == v;
	return n;
}

int ir_value_make_const(struct accel_graph *g, struct accel_value *v, void *data,
			size_t nbytes)
{
	struct accel_node *n = v->producer;
	struct accel_value *placeholder;
	uint32_t i;

	placeholder = value_new(g, NULL);
	if (!placeholder)
		return -ENOMEM;
	placeholder->kind = ACCEL_VALUE_NODE;
	placeholder->producer = n;
	placeholder->dtype = v->dtype;
	placeholder->shape = v->shape;
	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i] == v)
			n->outputs[i] = placeholder;
	v->kind = ACCEL_VALUE_CONST;
	v->producer = NULL;
	free(v->data);
	v->data = data;
	v->nbytes = nbytes;
	return const_known(v);
}

void ir_sweep(struct accel_graph *g)
{
	struct name_hash *h = g->names;
	uint32_t i, n;

	for (i = 0, n = 0; i < g->nnodes; i++) {
		if (g->nodes[i]->dead)
			node_free(g->nodes[i]);
		else
			g->nodes[n++] = g->nodes[i];
	}
	g->nnodes = n;
	for (i = 0, n = 0; i < g->nvalues; i++) {
		if (g->values[i]->dead)
			value_free(g->values[i]);
		else
			g->values[n++] = g->values[i];
	}
	g->nvalues = n;
	memset(h->slot, 0, h->cap * sizeof(*h->slot));
	h->used = 0;
	for (i = 0; i < g->nvalues; i++)
		hash_insert(h, g->values[i]);	/* cannot grow: fewer than before */
}
