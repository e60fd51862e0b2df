// SPDX-License-Identifier: MIT
/*
 * progbuild.c - assemble a struct accel_program: expressions from symbolic
 * dims, packets into command-buffer templates, and a patch record for every
 * packet field whose value is not a compile-time constant.
 *
 * A symbolic dim becomes an expression once (cached by its interned
 * number); the graph's symbols become the program's symbols on first use,
 * in that order. Packets are appended whole; a field that depends on the
 * symbols or on the arena plan is left 0 in the template and recorded as a
 * patch relative to the packet, made absolute when the packet lands. A
 * template is closed when the next packet would take it past the size
 * limit, so big programs become several command buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "lower_priv.h"

#define GROW(arr, n, cap) do {						\
	if ((n) >= (cap)) {						\
		uint32_t nc_ = (cap) ? 2 * (cap) : 64;			\
		void *na_ = realloc((arr), nc_ * sizeof(*(arr)));	\
		if (!na_)						\
			return b->error = -ENOMEM;			\
		(arr) = na_;						\
		(cap) = nc_;						\
	}								\
} while (0)

struct dimcache {
	uint32_t *idx;	/* by dim expr number: program expr + 1, or 0 */
	uint32_t n;
};

static struct dimcache *cache_of(struct progbuild *b)
{
	return (struct dimcache *)b->cache;
}

int pb_init(struct progbuild *b, struct accel_graph *g, uint32_t max_cmdbuf)
{
	memset(b, 0, sizeof(*b));
	b->g = g;
	b->max_cmdbuf = max_cmdbuf ? max_cmdbuf : 256u << 10;
	b->p = calloc(1, sizeof(*b->p));
	b->cache = calloc(1, sizeof(struct dimcache));
	if (!b->p || !b->cache)
		return -ENOMEM;
	b->p->version = ACCEL_PROGRAM_VERSION;
	return accel_cmdbuf_init(&b->cb);
}

void pb_fini(struct progbuild *b)
{
	struct dimcache *c = cache_of(b);

	accel_program_destroy(b->p);
	b->p = NULL;
	accel_cmdbuf_fini(&b->cb);
	if (c)
		free(c->idx);
	free(c);
	free(b->sym_of_atom);
	b->cache = NULL;
	b->sym_of_atom = NULL;
}

static int insn(struct progbuild *b, uint32_t op, int64_t arg)
{
	struct accel_program *p = b->p;

	GROW(p->insns, p->ninsns, b->cap_insns);
	p->insns[p->ninsns++] = (struct accel_pexpr_insn){ .op = op, .arg = arg };
	return 0;
}

static int program_symbol(struct progbuild *b, uint32_t atom)
{
	struct accel_program *p = b->p;
	const char *name = dim_atom_name(b->g->syms, atom);
	uint32_t i;

	if (!name)
		return b->error = -EINVAL;
	if (atom >= b->nsym_of_atom) {
		int32_t *a = realloc(b->sym_of_atom, (atom + 1) * sizeof(*a));

		if (!a)
			return b->error = -ENOMEM;
		for (i = b->nsym_of_atom; i <= atom; i++)
			a[i] = -1;
		b->sym_of_atom = a;
		b->nsym_of_atom = atom + 1;
	}
	if (b->sym_of_atom[atom] < 0) {
		GROW(p->sym_names, p->nsyms, b->cap_syms);
		p->sym_names[p->nsyms] = strdup(name);
		if (!p->sym_names[p->nsyms])
			return b->error = -ENOMEM;
		b->sym_of_atom[atom] = (int32_t)p->nsyms++;
	}
	return b->sym_of_atom[atom];
}

static int rpn_emit(void *ctx, enum dim_rpn_op op, int64_t arg)
{
	struct progbuild *b = ctx;
	int s;

	switch (op) {
	case DIM_RPN_CONST: return insn(b, ACCEL_PX_CONST, arg);
	case DIM_RPN_ADD: return insn(b, ACCEL_PX_ADD, 0);
	case DIM_RPN_MUL: return insn(b, ACCEL_PX_MUL, 0);
	case DIM_RPN_DIV: return insn(b, ACCEL_PX_DIV, 0);
	case DIM_RPN_SYM:
		s = program_symbol(b, (uint32_t)arg);
		return s < 0 ? s : insn(b, ACCEL_PX_SYM, s);
	}
	return b->error = -EINVAL;
}

static int expr_close(struct progbuild *b, uint32_t first)
{
	struct accel_program *p = b->p;

	GROW(p->exprs, p->nexprs, b->cap_exprs);
	p->exprs[p->nexprs] = (struct accel_pexpr){ first, p->ninsns - first };
	return (int)p->nexprs++;
}

int pb_expr_dim(struct progbuild *b, struct accel_dim d)
{
	struct dimcache *c = cache_of(b);
	uint32_t first = b->p->ninsns;
	int ret, e;

	if (b->error)
		return b->error;
	if (d.expr && d.expr < c->n && c->idx[d.expr])
		return (int)c->idx[d.expr] - 1;
	ret = dim_to_rpn(b->g->syms, d, rpn_emit, b);
	if (ret)
		return b->error = ret;
	e = expr_close(b, first);
	if (e >= 0 && d.expr) {
		if (d.expr >= c->n) {
			uint32_t n = d.expr + 64, *a = realloc(c->idx, n * sizeof(*a));

			if (!a)
				return b->error = -ENOMEM;
			memset(a + c->n, 0, (n - c->n) * sizeof(*a));
			c->idx = a;
			c->n = n;
		}
		c->idx[d.expr] = (uint32_t)e + 1;
	}
	return e;
}

int pb_expr_offset(struct progbuild *b, int32_t slot, uint64_t base, struct accel_dim off,
		   uint64_t esize)
{
	uint32_t first = b->p->ninsns;
	int ret;

	if (b->error)
		return b->error;
	ret = dim_to_rpn(b->g->syms, off, rpn_emit, b);
	if (!ret)
		ret = insn(b, ACCEL_PX_CONST, (int64_t)esize);
	if (!ret)
		ret = insn(b, ACCEL_PX_MUL, 0);
	if (!ret && base)
		ret = insn(b, ACCEL_PX_CONST, (int64_t)base);
	if (!ret && base)
		ret = insn(b, ACCEL_PX_ADD, 0);
	if (!ret && slot >= 0)
		ret = insn(b, ACCEL_PX_SLOT, slot);
	if (!ret && slot >= 0)
		ret = insn(b, ACCEL_PX_ADD, 0);
	if (ret)
		return b->error = ret;
	return expr_close(b, first);
}

static void pend(struct progbuild *b, const void *pkt, const void *field, uint32_t width, int e)
{
	if (e < 0) {
		b->error = e;
		return;
	}
	if (b->npend == sizeof(b->pend) / sizeof(b->pend[0])) {
		b->error = -E2BIG;
		return;
	}
	b->pend[b->npend].off = (uint32_t)((const uint8_t *)field - (const uint8_t *)pkt);
	b->pend[b->npend].width = width;
	b->pend[b->npend].expr = (uint32_t)e;
	b->npend++;
}

void pb_field_u32(struct progbuild *b, void *pkt, uint32_t *field, struct accel_dim v)
{
	if (dim_is_const(v)) {
		if (v.val < 0 || v.val > UINT32_MAX)
			b->error = -ERANGE;
		*field = (uint32_t)v.val;
		return;
	}
	*field = 0;
	pend(b, pkt, field, 4, pb_expr_dim(b, v));
}

void pb_field_u64(struct progbuild *b, void *pkt, void *field, struct accel_dim v)
{
	uint64_t u = 0;

	if (dim_is_const(v)) {
		if (v.val < 0)
			b->error = -ERANGE;
		u = (uint64_t)v.val;
		memcpy(field, &u, sizeof(u));
		return;
	}
	memcpy(field, &u, sizeof(u));
	pend(b, pkt, field, 8, pb_expr_dim(b, v));
}

void pb_tensor(struct progbuild *b, void *pkt, struct vaccel_tensor *t, const struct operand *op)
{
	uint64_t es = accel_dtype_size(op->dtype);
	int i;

	memset(t, 0, sizeof(*t));
	t->buf = op->buf;
	t->dtype = vaccel_dtype_of(op->dtype);
	t->rank = (uint32_t)op->rank;
	if (op->rank < 1 || op->rank > VACCEL_MAX_DIMS) {
		b->error = -E2BIG;
		return;
	}
	for (i = 0; i < op->rank; i++) {
		pb_field_u32(b, pkt, &t->dims[i], op->dims[i]);
		pb_field_u64(b, pkt, &t->strides[i], op->strides[i]);
	}
	if (op->slot < 0 && dim_is_const(op->off)) {
		t->offset = op->base + (uint64_t)op->off.val * es;
		return;
	}
	pend(b, pkt, &t->offset, 8, pb_expr_offset(b, op->slot, op->base, op->off, es));
}

static int close_template(struct progbuild *b)
{
	struct accel_program *p = b->p;
	struct accel_program_template *t;

	if (!b->cb.num_packets)
		return 0;
	t = realloc(p->templates, (p->ntemplates + 1) * sizeof(*t));
	if (!t)
		return b->error = -ENOMEM;
	p->templates = t;
	t = &p->templates[p->ntemplates];
	t->size = b->cb.size;
	t->pad = 0;
	t->data = malloc(b->cb.size);
	if (!t->data)
		return b->error = -ENOMEM;
	memcpy(t->data, b->cb.data, b->cb.size);
	p->ntemplates++;
	p->npackets += b->cb.num_packets;
	accel_cmdbuf_reset(&b->cb);
	return 0;
}

int pb_append(struct progbuild *b, void *pkt, uint32_t size)
{
	struct accel_program *p = b->p;
	uint32_t at, i;
	int ret;

	if (b->error) {
		b->npend = 0;
		return b->error;
	}
	if (b->cb.num_packets && b->cb.size + size > b->max_cmdbuf) {
		ret = close_template(b);
		if (ret)
			return ret;
	}
	at = b->cb.size;
	ret = accel_cmdbuf_append(&b->cb, pkt, size);
	if (ret)
		return b->error = ret;
	for (i = 0; i < b->npend; i++) {
		GROW(p->patches, p->npatches, b->cap_patches);
		p->patches[p->npatches++] = (struct accel_program_patch){
			.tmpl = p->ntemplates, .offset = at + b->pend[i].off,
			.width = b->pend[i].width, .expr = b->pend[i].expr };
	}
	b->npend = 0;
	return 0;
}

int pb_finish(struct progbuild *b, struct accel_program **out)
{
	int ret = close_template(b);

	*out = NULL;
	if (ret || b->error)
		return ret ? ret : b->error;
	*out = b->p;
	b->p = NULL;
	return 0;
}
