// SPDX-License-Identifier: MIT
/*
 * jit_sig.c - the JIT's view of a source graph: which inputs it takes, of
 * which dtype and rank, which dims are constants and which are symbols,
 * and the check that refuses a call the graph can never accept before
 * anything is compiled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"
#include "jit_priv.h"

/* What dim_to_rpn() says about a dim: a bare symbol is "1 sym *". */
struct rpn_scan {
	const struct accel_symtab *t;
	uint32_t n;
	enum dim_rpn_op op[3];
	int64_t arg[3];
	/* Every symbol met, for pinning. */
	const char *syms[16];
	uint32_t nsyms;
};

static int rpn_scan_emit(void *ctx, enum dim_rpn_op op, int64_t arg)
{
	struct rpn_scan *s = ctx;

	if (s->n < 3) {
		s->op[s->n] = op;
		s->arg[s->n] = arg;
	}
	s->n++;
	if (op == DIM_RPN_SYM && s->nsyms < 16) {
		const char *name = dim_atom_name(s->t, (uint32_t)arg);

		if (name)
			s->syms[s->nsyms++] = name;
	}
	return 0;
}

static const char *bare_symbol(const struct rpn_scan *s)
{
	if (s->n == 3 && s->op[0] == DIM_RPN_CONST && s->arg[0] == 1 && s->op[1] == DIM_RPN_SYM &&
	    s->op[2] == DIM_RPN_MUL)
		return dim_atom_name(s->t, (uint32_t)s->arg[1]);
	return NULL;
}

static int find_sym(const struct jit_sig *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->nsyms; i++)
		if (!strcmp(s->sym_names[i], name))
			return (int)i;
	return -1;
}

static int add_sym(struct jit_sig *s, const char *name, uint32_t *idx)
{
	int i = find_sym(s, name);
	char **names;
	bool *pinned;

	if (i >= 0) {
		*idx = (uint32_t)i;
		return 0;
	}
	names = realloc(s->sym_names, (s->nsyms + 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	s->sym_names = names;
	pinned = realloc(s->sym_pinned, (s->nsyms + 1) * sizeof(*pinned));
	if (!pinned)
		return -ENOMEM;
	s->sym_pinned = pinned;
	names[s->nsyms] = strdup(name);
	if (!names[s->nsyms])
		return -ENOMEM;
	pinned[s->nsyms] = false;
	*idx = s->nsyms++;
	return 0;
}

static int io_build(struct jit_sig *s, const struct accel_graph *g, const struct accel_value *v,
		    bool input, struct jit_io *io, struct accel_ir_error *err)
{
	int k, ret;

	io->name = strdup(v->name);
	if (!io->name)
		return ir_error(err, ENOMEM, "jit: out of memory");
	io->dtype = v->dtype;
	io->rank = v->shape.rank;
	if (v->dtype == ACCEL_DT_UNDEF || v->shape.rank < 0)
		return ir_error(err, EINVAL, "jit: %s %%%s has no known dtype or rank",
				input ? "input" : "output", v->name);
	for (k = 0; k < v->shape.rank; k++) {
		struct rpn_scan scan = { .t = g->syms };
		const char *sym;

		io->d[k].val = -1;
		if (!v->shape.dims[k].expr) {
			io->d[k].val = v->shape.dims[k].val;
			continue;
		}
		if (!input)
			continue;
		if (dim_is_unknown(v->shape.dims[k]) ||
		    dim_to_rpn(g->syms, v->shape.dims[k], rpn_scan_emit, &scan))
			return ir_error(err, EINVAL, "jit: input %%%s: dim %d is unknown", v->name, k);
		sym = bare_symbol(&scan);
		if (!sym) {
			char buf[128];

			accel_dim_format(g, v->shape.dims[k], buf, sizeof(buf));
			return ir_error(err, EOPNOTSUPP, "jit: input %%%s: dim %d is the expression "
					"%s; the JIT takes constants and bare symbols", v->name, k,
					buf);
		}
		ret = add_sym(s, sym, &io->d[k].sym);
		if (ret)
			return ir_error(err, -ret, "jit: out of memory");
		io->d[k].is_sym = true;
	}
	return 0;
}

/* Symbols named inside nodes (DIMS attributes) cannot be specialized. */
static void pin_attr_symbols(struct jit_sig *s, const struct accel_graph *g)
{
	uint32_t i, j, k, m;

	for (i = 0; i < g->nnodes; i++)
		for (j = 0; j < g->nodes[i]->nattrs; j++) {
			const struct accel_attr *a = &g->nodes[i]->attrs[j];

			if (a->kind != ACCEL_ATTR_DIMS)
				continue;
			for (k = 0; k < a->n; k++) {
				struct rpn_scan scan = { .t = g->syms };

				if (!a->dims[k].expr || dim_is_unknown(a->dims[k]) ||
				    dim_to_rpn(g->syms, a->dims[k], rpn_scan_emit, &scan))
					continue;
				for (m = 0; m < scan.nsyms; m++) {
					int idx = find_sym(s, scan.syms[m]);

					if (idx >= 0)
						s->sym_pinned[idx] = true;
				}
			}
		}
}

int jit_sig_build(struct accel_graph *g, struct jit_sig *s, struct accel_ir_error *err)
{
	uint32_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = accel_pass_infer_shapes(g, NULL, err);
	if (ret)
		return ret;
	s->in = calloc(g->ninputs + 1, sizeof(*s->in));
	s->out = calloc(g->noutputs + 1, sizeof(*s->out));
	if (!s->in || !s->out)
		return ir_error(err, ENOMEM, "jit: out of memory");
	s->nin = g->ninputs;
	s->nout = g->noutputs;
	for (i = 0; i < g->ninputs; i++) {
		ret = io_build(s, g, g->inputs[i], true, &s->in[i], err);
		if (ret)
			return ret;
	}
	for (i = 0; i < g->noutputs; i++) {
		ret = io_build(s, g, g->outputs[i], false, &s->out[i], err);
		if (ret)
			return ret;
	}
	pin_attr_symbols(s, g);
	return 0;
}

void jit_sig_fini(struct jit_sig *s)
{
	uint32_t i;

	for (i = 0; s->in && i < s->nin; i++)
		free(s->in[i].name);
	for (i = 0; s->out && i < s->nout; i++)
		free(s->out[i].name);
	for (i = 0; i < s->nsyms; i++)
		free(s->sym_names[i]);
	free(s->in);
	free(s->out);
	free(s->sym_names);
	free(s->sym_pinned);
	memset(s, 0, sizeof(*s));
}

int jit_sig_check(const struct jit_sig *s, const struct accel_tensor *in, uint32_t nin,
		  int64_t *vals, char *msg, size_t msglen)
{
	uint32_t i;
	int k;

	if (nin != s->nin) {
		snprintf(msg, msglen, "%u inputs given, the graph takes %u", nin, s->nin);
		return -EINVAL;
	}
	/* 0 marks a symbol not bound yet: every dim is at least 1. */
	memset(vals, 0, s->nsyms * sizeof(*vals));
	for (i = 0; i < nin; i++) {
		const struct jit_io *io = &s->in[i];
		const struct accel_tensor *t = &in[i];

		if (!t->data) {
			snprintf(msg, msglen, "input %s has no data", io->name);
			return -EINVAL;
		}
		if (t->dtype != io->dtype || t->rank != io->rank) {
			snprintf(msg, msglen, "input %s: %s of rank %d given, the graph takes %s of "
				 "rank %d", io->name, accel_dtype_name(t->dtype), t->rank,
				 accel_dtype_name(io->dtype), io->rank);
			return -EINVAL;
		}
		for (k = 0; k < io->rank; k++) {
			const struct jit_dim *d = &io->d[k];
			int64_t v = t->dims[k];

			if (v < 1 || v > ACCEL_JIT_MAX_DIM) {
				snprintf(msg, msglen, "input %s: dim %d is %" PRId64 ", outside 1 .. %d",
					 io->name, k, v, ACCEL_JIT_MAX_DIM);
				return -EINVAL;
			}
			if (!d->is_sym && v != d->val) {
				snprintf(msg, msglen, "input %s: dim %d is %" PRId64 ", the graph fixes "
					 "it to %" PRId64, io->name, k, v, d->val);
				return -EINVAL;
			}
			if (!d->is_sym)
				continue;
			if (vals[d->sym] && vals[d->sym] != v) {
				snprintf(msg, msglen, "input %s: dim %d (%s) is %" PRId64 ", another "
					 "dim of that symbol is %" PRId64, io->name, k,
					 s->sym_names[d->sym], v, vals[d->sym]);
				return -EINVAL;
			}
			vals[d->sym] = v;
		}
	}
	return 0;
}
