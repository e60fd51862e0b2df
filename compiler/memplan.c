// SPDX-License-Identifier: MIT
/*
 * memplan.c - where every tensor lives, and the arena's slots.
 *
 * Constants read by some kernel are packed into the weights buffer (64-byte
 * aligned; bools widened to f32 0/1, the form every packet reads). Graph
 * inputs and outputs live in the caller's buffers, one each, dense: a
 * kernel whose result is a graph output writes it there directly. Views
 * (Reshape & co) take their source's storage with new dims; a view that is
 * itself a graph output is lowered as a COPY instead.
 *
 * Every other kernel result gets an arena slot whose lifetime runs from
 * the step (kernel index) that writes it to the last step that reads it or
 * any view of it. In place: an elementwise kernel (FUSED), Softmax or
 * LayerNorm writes over an input of the same shape whose slot dies at this
 * very step; the packet accepts exact aliasing, and the slot's lifetime
 * grows to cover the result. Offsets are not chosen here but at launch
 * (arena_plan.c), once the symbols have values.
 */
#include <stdlib.h>
#include <string.h>

#include "lower_priv.h"

enum accel_dtype stored_dtype(enum accel_dtype dt)
{
	return dt == ACCEL_DT_BOOL ? ACCEL_DT_F32 : dt;
}

void memplan_fini(struct memplan *m)
{
	free(m->elided);
	free(m->where);
	free(m->slots);
	free(m->weights);
	memset(m, 0, sizeof(*m));
}

/* The values kernel @k reads, one at a time: *it starts at 0. */
static struct accel_value *kernel_read(const struct kernel *k, uint32_t *it)
{
	const struct accel_node *n = k->node;

	for (;;) {
		uint32_t i = (*it)++;

		if (k->kind == KERNEL_FUSED) {
			return i < k->nfin ? k->fin[i] : NULL;
		} else if (k->kind == KERNEL_VIEW) {
			return i == 0 ? n->inputs[0] : NULL;
		} else if (i < n->ninputs) {
			if (n->inputs[i])
				return n->inputs[i];
		} else if (i == n->ninputs) {
			if (k->bias)
				return k->bias;
		} else {
			return i == n->ninputs + 1 ? k->table : NULL;
		}
	}
}

int operand_dense(struct accel_symtab *t, struct operand *o)
{
	struct accel_dim s = accel_dim_const(1);
	int i, ret;

	for (i = o->rank; i-- > 0;) {
		o->strides[i] = s;
		ret = dim_mul(t, s, o->dims[i], &s);
		if (ret)
			return ret;
	}
	return 0;
}

static int numel_bytes(struct accel_symtab *t, const struct accel_value *v, struct accel_dim *out)
{
	struct accel_dim b = accel_dim_const((int64_t)accel_dtype_size(stored_dtype(v->dtype)));
	int i, ret;

	for (i = 0; i < v->shape.rank; i++) {
		if (dim_is_unknown(v->shape.dims[i]))
			return -EINVAL;
		ret = dim_mul(t, b, v->shape.dims[i], &b);
		if (ret)
			return ret;
	}
	*out = b;
	return 0;
}

static int dense_at(struct accel_symtab *t, struct operand *o, const struct accel_value *v,
		    uint32_t buf, int32_t slot, uint64_t base)
{
	int i;

	*o = (struct operand){ .buf = buf, .slot = slot, .base = base,
			       .off = accel_dim_const(0), .dtype = stored_dtype(v->dtype),
			       .rank = v->shape.rank };
	for (i = 0; i < v->shape.rank; i++)
		o->dims[i] = v->shape.dims[i];
	return operand_dense(t, o);
}

static int place_const(struct memplan *m, struct accel_symtab *t, const struct accel_value *v)
{
	uint64_t at = (m->weights_size + ACCEL_ARENA_ALIGN - 1) & ~(uint64_t)(ACCEL_ARENA_ALIGN - 1);
	size_t bytes = v->nbytes;
	uint8_t *w;

	if (v->dtype == ACCEL_DT_BOOL)
		bytes = v->nbytes * sizeof(float);
	w = realloc(m->weights, at + bytes + 1);
	if (!w)
		return -ENOMEM;
	m->weights = w;
	memset(w + m->weights_size, 0, at - m->weights_size);
	if (v->dtype == ACCEL_DT_BOOL) {
		size_t i;

		for (i = 0; i < v->nbytes; i++) {
			float f = ((const uint8_t *)v->data)[i] ? 1.0f : 0.0f;

			memcpy(w + at + i * sizeof(float), &f, sizeof(f));
		}
	} else if (bytes) {
		memcpy(w + at, v->data, bytes);
	}
	m->weights_size = at + bytes;
	return dense_at(t, &m->where[v->id], v, ACCEL_PROGRAM_BUF_WEIGHTS, -1, at);
}

static int new_slot(struct memplan *m, struct accel_symtab *t, const struct accel_value *v,
		    uint32_t step, uint32_t last)
{
	struct slot_info *s = realloc(m->slots, (m->nslots + 1) * sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	m->slots = s;
	s = &m->slots[m->nslots];
	s->first = step;
	s->last = last > step ? last : step;
	ret = numel_bytes(t, v, &s->bytes);
	if (ret)
		return ret;
	return dense_at(t, &m->where[v->id], v, ACCEL_PROGRAM_BUF_ARENA, (int32_t)m->nslots++, 0);
}

static bool is_dense(struct accel_symtab *t, const struct operand *o)
{
	struct operand d = *o;
	int i;

	if (operand_dense(t, &d))
		return false;
	for (i = 0; i < o->rank; i++)
		if (!dim_eq(d.strides[i], o->strides[i]) &&
		    !(dim_is_const(o->dims[i]) && o->dims[i].val == 1))
			return false;
	return true;
}

/*
 * A Transpose read only by GEMMs and elementwise groups (which take any
 * strides) need not move data: its result can be the source with permuted
 * strides. Attention's K^T and head transposes become free. Not for a
 * graph output, and only where a GEMM can still merge the batch dims.
 */
static bool transpose_as_view(struct accel_symtab *t, const struct schedule *s, uint32_t ki,
			      const struct operand *src, struct operand *view)
{
	const struct kernel *k = &s->k[ki];
	const struct accel_node *n = k->node;
	const struct accel_attr *perm = ir_attr_find(n, "perm");
	const struct accel_value *out = n->outputs[0], *v;
	struct operand b, pv;
	uint32_t j, it;
	int i, r = src->rank;

	if (n->op != ACCEL_OP_TRANSPOSE || out->is_output || src->rank < 1 ||
	    src->rank > VACCEL_MAX_DIMS)
		return false;
	pv = *src;
	for (i = 0; i < r; i++) {
		int64_t p = perm && perm->n ? perm->ints[i] : r - 1 - i;

		if (p < 0)
			p += r;
		if (p < 0 || p >= r)
			return false;
		pv.dims[i] = src->dims[p];
		pv.strides[i] = src->strides[p];
	}
	b = pv;
	if (r > 3 && operand_merge(t, &b, 0, r - 2))
		return false;
	for (j = ki + 1; j < s->n; j++) {
		const struct kernel *c = &s->k[j];

		for (it = 0; (v = kernel_read(c, &it));) {
			if (v != out)
				continue;
			if (c->kind == KERNEL_FUSED)
				continue;
			if (c->kind == KERNEL_OP && (c->node->op == ACCEL_OP_MATMUL ||
						     c->node->op == ACCEL_OP_GEMM) &&
			    c->bias != v)
				continue;
			return false;
		}
	}
	*view = pv;
	return true;
}

/*
 * Another input of @k in @v's slot (a view of it, read in another layout)
 * would be overwritten while still being read: no writing in place then.
 */
static bool slot_shared(const struct memplan *m, const struct kernel *k,
			const struct accel_value *v)
{
	const struct accel_value *w;
	uint32_t it;

	for (it = 0; (w = kernel_read(k, &it));)
		if (w != v && m->where[w->id].buf == ACCEL_PROGRAM_BUF_ARENA &&
		    m->where[w->id].slot == m->where[v->id].slot)
			return true;
	return false;
}

static bool may_run_in_place(const struct kernel *k)
{
	return k->kind == KERNEL_FUSED ||
	       (k->kind == KERNEL_OP && (k->node->op == ACCEL_OP_SOFTMAX ||
					 k->node->op == ACCEL_OP_LAYERNORM));
}

int memplan_build(struct accel_graph *g, const struct schedule *s, struct memplan *m,
		  struct accel_report *r, struct accel_ir_error *err)
{
	struct accel_symtab *t = g->syms;
	uint32_t *lr = NULL, i, j, it;
	struct accel_value *v;
	int ret = -ENOMEM;

	memset(m, 0, sizeof(*m));
	m->nids = g->next_id + 1;
	m->where = calloc(m->nids, sizeof(*m->where));
	lr = calloc(m->nids, sizeof(*lr));
	m->elided = calloc(s->n + 1, 1);
	if (!m->where || !lr || !m->elided)
		goto fail;
	for (i = 0; i < m->nids; i++)
		m->where[i].rank = -1;
	/* Last reader of every value. */
	for (i = 0; i < s->n; i++)
		for (it = 0; (v = kernel_read(&s->k[i], &it));)
			lr[v->id] = i;
	for (i = 0; i < g->ninputs; i++) {
		ret = dense_at(t, &m->where[g->inputs[i]->id], g->inputs[i],
			       ACCEL_PROGRAM_BUF_IO + i, -1, 0);
		if (ret)
			goto fail;
	}
	for (i = 0; i < g->noutputs; i++) {
		v = g->outputs[i];
		if (v->kind != ACCEL_VALUE_NODE || m->where[v->id].rank >= 0) {
			ret = ir_error(err, EOPNOTSUPP, "memplan: output %%%s is a graph input, a "
				       "constant or another output: not supported", v->name);
			goto out;
		}
		ret = dense_at(t, &m->where[v->id], v, ACCEL_PROGRAM_BUF_IO + g->ninputs + i, -1, 0);
		if (ret)
			goto fail;
	}
	for (i = 0; i < s->n; i++) {
		const struct kernel *k = &s->k[i];

		for (it = 0; (v = kernel_read(k, &it));)
			if (v->kind == ACCEL_VALUE_CONST && m->where[v->id].rank < 0) {
				ret = place_const(m, t, v);
				if (ret)
					goto fail;
			}
		if (k->kind == KERNEL_VIEW && !k->outs[0]->is_output) {
			const struct operand *src = &m->where[k->node->inputs[0]->id];
			struct operand *o = &m->where[k->outs[0]->id];

			if (!is_dense(t, src)) {
				ret = ir_error(err, EOPNOTSUPP, "memplan: view %%%s of a strided "
					       "tensor", k->outs[0]->name);
				goto out;
			}
			ret = dense_at(t, o, k->outs[0], src->buf, src->slot, src->base);
			if (ret)
				goto fail;
			o->off = src->off;
			if (src->slot >= 0 && m->slots[src->slot].last < lr[k->outs[0]->id])
				m->slots[src->slot].last = lr[k->outs[0]->id];
			m->views++;
			continue;
		}
		if (k->kind == KERNEL_OP && k->node->op == ACCEL_OP_TRANSPOSE &&
		    transpose_as_view(t, s, i, &m->where[k->node->inputs[0]->id],
				      &m->where[k->outs[0]->id])) {
			const struct operand *src = &m->where[k->node->inputs[0]->id];

			if (src->slot >= 0 && m->slots[src->slot].last < lr[k->outs[0]->id])
				m->slots[src->slot].last = lr[k->outs[0]->id];
			m->elided[i] = 1;
			m->transposes_elided++;
			continue;
		}
		for (j = 0; j < k->nouts; j++) {
			struct accel_value *out = k->outs[j];
			bool done = false;

			if (m->where[out->id].rank >= 0)
				continue;	/* a graph output */
			for (it = 0; may_run_in_place(k) && !done && (v = kernel_read(k, &it));) {
				const struct operand *src = &m->where[v->id];

				if (src->slot < 0 || m->slots[src->slot].last != i ||
				    !ir_shape_equal(&v->shape, &out->shape) ||
				    stored_dtype(v->dtype) != stored_dtype(out->dtype) ||
				    !dim_is_const(src->off) || src->off.val || !is_dense(t, src) ||
				    slot_shared(m, k, v))
					continue;
				ret = dense_at(t, &m->where[out->id], out, ACCEL_PROGRAM_BUF_ARENA,
					       src->slot, 0);
				if (ret)
					goto fail;
				if (lr[out->id] > i)
					m->slots[src->slot].last = lr[out->id];
				m->inplace++;
				done = true;
			}
			if (!done) {
				ret = new_slot(m, t, out, i, lr[out->id]);
				if (ret)
					goto fail;
			}
		}
	}
	report_add(r, "memplan: %u arena slots, %u results computed in place, %u views, "
		   "%u transposes read through strides, %llu bytes of weights", m->nslots,
		   m->inplace, m->views, m->transposes_elided,
		   (unsigned long long)m->weights_size);
	free(lr);
	return 0;
fail:
	ret = ir_error(err, -ret, "memplan: %s", ret == -ENOMEM ? "out of memory" :
		       "a tensor's size cannot be expressed");
out:
	free(lr);
	memplan_fini(m);
	return ret;
}
