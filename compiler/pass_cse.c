// SPDX-License-Identifier: MIT
/*
 * pass_cse.c - common subexpression elimination.
 *
 * Two nodes with the same op, the same inputs (the same values, not merely
 * equal ones) and the same attributes compute the same thing: uses of the
 * later one's outputs move to the earlier one's. Small constants with the
 * same dtype, shape and bytes merge first, so that exporters' many copies of
 * "axis 0" or "1" make their consumers identical too. A value that is a
 * graph output keeps its name and is never merged away.
 *
 * Candidates are found through a hash table, so the pass stays linear in
 * the size of the graph.
 */
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

/* Constants up to this size are compared for merging. */
#define CSE_CONST_BYTES 4096

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 1099511628211ull;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = mix(h, s[i]);
	return h;
}

static uint64_t hash_const(const struct accel_value *v)
{
	uint64_t h = mix(1469598103934665603ull, v->dtype);
	int i;

	for (i = 0; i < v->shape.rank; i++)
		h = mix(h, (uint64_t)v->shape.dims[i].val);
	return hash_bytes(h, v->data, v->nbytes);
}

static bool same_const(const struct accel_value *a, const struct accel_value *b)
{
	return a->dtype == b->dtype && ir_shape_equal(&a->shape, &b->shape) &&
	       a->nbytes == b->nbytes && !memcmp(a->data, b->data, a->nbytes);
}

static uint64_t hash_node(const struct accel_node *n)
{
	uint64_t h = mix(1469598103934665603ull, n->op);
	uint32_t i;

	for (i = 0; i < n->ninputs; i++)
		h = mix(h, n->inputs[i] ? n->inputs[i]->id : 0xffffffffu);
	return mix(h, n->nattrs);
}

static bool same_attr(const struct accel_attr *a, const struct accel_attr *b)
{
	uint32_t i;

	if (strcmp(a->name, b->name) || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case ACCEL_ATTR_INT:
		return a->i == b->i;
	case ACCEL_ATTR_FLOAT:
		return !memcmp(&a->f, &b->f, sizeof(a->f));
	case ACCEL_ATTR_INTS:
		return a->n == b->n && (!a->n || !memcmp(a->ints, b->ints, a->n * sizeof(*a->ints)));
	case ACCEL_ATTR_DIMS:
		/* Field by field: a struct accel_dim has padding bytes, which
		 * memcmp() would compare too (a DIMS attribute fold built on the
		 * stack then never matched an equal one). */
		if (a->n != b->n)
			return false;
		for (i = 0; i < a->n; i++)
			if (a->dims[i].val != b->dims[i].val || a->dims[i].expr != b->dims[i].expr)
				return false;
		return true;
	}
	return false;
}

static bool same_node(const struct accel_node *a, const struct accel_node *b)
{
	uint32_t i, j;

	if (a->op != b->op || a->ninputs != b->ninputs || a->noutputs != b->noutputs ||
	    a->nattrs != b->nattrs)
		return false;
	for (i = 0; i < a->ninputs; i++)
		if (a->inputs[i] != b->inputs[i])
			return false;
	/* Attributes may come in any order. */
	for (i = 0; i < a->nattrs; i++) {
		for (j = 0; j < b->nattrs; j++)
			if (same_attr(&a->attrs[i], &b->attrs[j]))
				break;
		if (j == b->nattrs)
			return false;
	}
	return true;
}

struct table {
	void **slot;
	uint64_t *key;
	uint32_t cap;
};

static int table_init(struct table *t, uint32_t n)
{
	t->cap = 16;
	while (t->cap < 2 * n + 2)
		t->cap *= 2;
	t->slot = calloc(t->cap, sizeof(*t->slot));
	t->key = calloc(t->cap, sizeof(*t->key));
	return t->slot && t->key ? 0 : -ENOMEM;
}

static void table_fini(struct table *t)
{
	free(t->slot);
	free(t->key);
}

static bool any_output(const struct accel_node *n)
{
	uint32_t i;

	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i]->is_output)
			return true;
	return false;
}

int accel_pass_cse(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err)
{
	struct table t = { 0 };
	uint32_t i, j, consts = 0, nodes = 0;

	if (table_init(&t, g->nvalues + g->nnodes)) {
		table_fini(&t);
		return ir_error(err, ENOMEM, "cse: out of memory");
	}
	for (i = 0; i < g->nvalues; i++) {
		struct accel_value *v = g->values[i];
		uint64_t h;
		uint32_t s;

		if (v->kind != ACCEL_VALUE_CONST || v->dead || v->nbytes > CSE_CONST_BYTES)
			continue;
		h = hash_const(v);
		for (s = h & (t.cap - 1); t.slot[s]; s = (s + 1) & (t.cap - 1))
			if (t.key[s] == h && same_const(t.slot[s], v))
				break;
		if (!t.slot[s]) {
			t.slot[s] = v;
			t.key[s] = h;
		} else if (!v->is_output) {
			ir_replace_uses(g, v, t.slot[s]);
			v->dead = 1;
			consts++;
		}
	}
	memset(t.slot, 0, t.cap * sizeof(*t.slot));
	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *n = g->nodes[i], *m;
		uint64_t h;
		uint32_t s;

		if (n->dead)
			continue;
		h = hash_node(n);
		for (s = h & (t.cap - 1); t.slot[s]; s = (s + 1) & (t.cap - 1))
			if (t.key[s] == h && same_node(t.slot[s], n))
				break;
		if (!t.slot[s]) {
			t.slot[s] = n;
			t.key[s] = h;
			continue;
		}
		if (any_output(n))
			continue;
		m = t.slot[s];
		report_add(r, "cse: %s -> %%%s is %%%s", accel_op_name(n->op), n->outputs[0]->name,
			   m->outputs[0]->name);
		for (j = 0; j < n->noutputs; j++) {
			ir_replace_uses(g, n->outputs[j], m->outputs[j]);
			n->outputs[j]->dead = 1;
		}
		n->dead = 1;
		nodes++;
	}
	table_fini(&t);
	ir_sweep(g);
	report_add(r, "cse: %u nodes and %u constants merged", nodes, consts);
	return 0;
}
