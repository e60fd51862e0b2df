// SPDX-License-Identifier: MIT
/*
 * program_eval.c - the run-time half of a compiled program that does not
 * touch a device: freeing it, checking it, binding symbols from input
 * shapes, evaluating expressions and patching templates.
 *
 * None of this links the compiler, so the AOT runtime can use it on a
 * program read from a file; accel_program_check() is what makes that safe.
 * Nothing here allocates: launches call bind/eval/patch on their hot path.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/program.h>

#include "rt_msg.h"

static void io_free(struct accel_program_io *io, uint32_t n)
{
	uint32_t i;

	for (i = 0; io && i < n; i++)
		free(io[i].name);
	free(io);
}

void accel_program_destroy(struct accel_program *p)
{
	uint32_t i;

	if (!p)
		return;
	for (i = 0; p->sym_names && i < p->nsyms; i++)
		free(p->sym_names[i]);
	free(p->sym_names);
	io_free(p->inputs, p->ninputs);
	io_free(p->outputs, p->noutputs);
	free(p->insns);
	free(p->exprs);
	for (i = 0; p->templates && i < p->ntemplates; i++)
		free(p->templates[i].data);
	free(p->templates);
	free(p->patches);
	free(p->slots);
	free(p->weights);
	free(p);
}

int accel_program_eval(const struct accel_program *p, uint32_t expr, const int64_t *symvals,
		       const uint64_t *slot_offsets, int64_t *out)
{
	int64_t st[ACCEL_PEXPR_MAX_STACK], a, b;
	const struct accel_pexpr_insn *in;
	uint32_t k, sp = 0;

	*out = 0;
	if (expr >= p->nexprs)
		return -EINVAL;
	in = p->insns + p->exprs[expr].first;
	for (k = 0; k < p->exprs[expr].count; k++, in++) {
		switch (in->op) {
		case ACCEL_PX_CONST:
		case ACCEL_PX_SYM:
		case ACCEL_PX_SLOT:
			if (sp == ACCEL_PEXPR_MAX_STACK)
				return -EINVAL;
			if (in->op == ACCEL_PX_CONST) {
				st[sp++] = in->arg;
			} else if (in->op == ACCEL_PX_SYM) {
				if (in->arg < 0 || (uint64_t)in->arg >= p->nsyms)
					return -EINVAL;
				st[sp++] = symvals[in->arg];
			} else {
				if (!slot_offsets || in->arg < 0 ||
				    (uint64_t)in->arg >= p->nslots ||
				    slot_offsets[in->arg] > INT64_MAX)
					return -EINVAL;
				st[sp++] = (int64_t)slot_offsets[in->arg];
			}
			break;
		case ACCEL_PX_ADD:
		case ACCEL_PX_SUB:
		case ACCEL_PX_MUL:
		case ACCEL_PX_DIV:
			if (sp < 2)
				return -EINVAL;
			b = st[--sp];
			a = st[sp - 1];
			if (in->op == ACCEL_PX_ADD && __builtin_add_overflow(a, b, &a))
				return -EOVERFLOW;
			if (in->op == ACCEL_PX_SUB && __builtin_sub_overflow(a, b, &a))
				return -EOVERFLOW;
			if (in->op == ACCEL_PX_MUL && __builtin_mul_overflow(a, b, &a))
				return -EOVERFLOW;
			if (in->op == ACCEL_PX_DIV) {
				int64_t q;

				if (b == 0)
					return -EDOM;
				if (a == INT64_MIN && b == -1)
					return -EOVERFLOW;
				q = a / b;
				/* floor, not C's truncation */
				if ((a % b != 0) && ((a < 0) != (b < 0)))
					q--;
				a = q;
			}
			st[sp - 1] = a;
			break;
		default:
			return -EINVAL;
		}
	}
	if (sp != 1)
		return -EINVAL;
	*out = st[0];
	return 0;
}

/* Stack depth never goes below one operand or above the limit, ends at 1. */
static int check_expr(const struct accel_program *p, uint32_t e, char *msg, size_t len)
{
	const struct accel_pexpr *x = &p->exprs[e];
	uint32_t k, sp = 0;

	if (!x->count || x->first > p->ninsns || x->count > p->ninsns - x->first)
		return rt_say(msg, len, -EINVAL, "expression %u: instructions out of range", e);
	for (k = 0; k < x->count; k++) {
		const struct accel_pexpr_insn *in = &p->insns[x->first + k];

		if (in->pad)
			return rt_say(msg, len, -EINVAL, "expression %u: pad not zero", e);
		switch (in->op) {
		case ACCEL_PX_SYM:
			if (in->arg < 0 || (uint64_t)in->arg >= p->nsyms)
				return rt_say(msg, len, -EINVAL, "expression %u: symbol %lld out of range",
					   e, (long long)in->arg);
			/* fallthrough */
		case ACCEL_PX_SLOT:
			if (in->op == ACCEL_PX_SLOT &&
			    (in->arg < 0 || (uint64_t)in->arg >= p->nslots))
				return rt_say(msg, len, -EINVAL, "expression %u: slot %lld out of range",
					   e, (long long)in->arg);
			/* fallthrough */
		case ACCEL_PX_CONST:
			if (++sp > ACCEL_PEXPR_MAX_STACK)
				return rt_say(msg, len, -EINVAL, "expression %u: stack too deep", e);
			break;
		case ACCEL_PX_ADD:
		case ACCEL_PX_SUB:
		case ACCEL_PX_MUL:
		case ACCEL_PX_DIV:
			if (sp < 2 || in->arg)
				return rt_say(msg, len, -EINVAL, "expression %u: malformed", e);
			sp--;
			break;
		default:
			return rt_say(msg, len, -EINVAL, "expression %u: unknown op %u", e, in->op);
		}
	}
	if (sp != 1)
		return rt_say(msg, len, -EINVAL, "expression %u: leaves %u values", e, sp);
	return 0;
}

static int check_io(const struct accel_program *p, const struct accel_program_io *io,
		    bool input, uint32_t idx, char *msg, size_t len)
{
	uint32_t k;

	if (!io->name || io->rank > ACCEL_IR_MAX_RANK || !accel_dtype_size(io->dtype))
		return rt_say(msg, len, -EINVAL, "%s %u: bad name, rank or dtype",
			   input ? "input" : "output", idx);
	for (k = 0; k < io->rank; k++) {
		if (io->dims[k] >= p->nexprs)
			return rt_say(msg, len, -EINVAL, "%s %u: dim %u expression out of range",
				   input ? "input" : "output", idx, k);
		if (io->bind_sym[k] < -1 || (io->bind_sym[k] >= 0 &&
					     (uint32_t)io->bind_sym[k] >= p->nsyms))
			return rt_say(msg, len, -EINVAL, "%s %u: dim %u binds a bad symbol",
				   input ? "input" : "output", idx, k);
	}
	return 0;
}

int accel_program_check(const struct accel_program *p, char *msg, size_t len)
{
	uint32_t i;
	int ret;

	if (p->version != ACCEL_PROGRAM_VERSION)
		return rt_say(msg, len, -EINVAL, "program version %u, this runtime reads %u",
			   p->version, ACCEL_PROGRAM_VERSION);
	for (i = 0; i < p->nsyms; i++)
		if (!p->sym_names || !p->sym_names[i])
			return rt_say(msg, len, -EINVAL, "symbol %u has no name", i);
	for (i = 0; i < p->nexprs; i++) {
		ret = check_expr(p, i, msg, len);
		if (ret)
			return ret;
	}
	for (i = 0; i < p->ninputs; i++) {
		ret = check_io(p, &p->inputs[i], true, i, msg, len);
		if (ret)
			return ret;
	}
	for (i = 0; i < p->noutputs; i++) {
		ret = check_io(p, &p->outputs[i], false, i, msg, len);
		if (ret)
			return ret;
	}
	for (i = 0; i < p->ntemplates; i++)
		if (!p->templates[i].data || p->templates[i].size < sizeof(struct vaccel_cmdbuf_header))
			return rt_say(msg, len, -EINVAL, "template %u is empty", i);
	for (i = 0; i < p->npatches; i++) {
		const struct accel_program_patch *pa = &p->patches[i];

		if (pa->tmpl >= p->ntemplates || (pa->width != 4 && pa->width != 8) ||
		    pa->expr >= p->nexprs || pa->offset > p->templates[pa->tmpl].size ||
		    pa->width > p->templates[pa->tmpl].size - pa->offset)
			return rt_say(msg, len, -EINVAL, "patch %u is out of range", i);
	}
	for (i = 0; i < p->nslots; i++)
		if (p->slots[i].first > p->slots[i].last || p->slots[i].last >= p->nsteps ||
		    p->slots[i].size_expr >= p->nexprs)
			return rt_say(msg, len, -EINVAL, "slot %u is out of range", i);
	if (p->weights_size && !p->weights)
		return rt_say(msg, len, -EINVAL, "weights missing");
	return 0;
}

int accel_program_bind(const struct accel_program *p, const struct accel_tensor *in,
		       uint32_t nin, int64_t *symvals, char *msg, size_t len)
{
	uint32_t i, k;
	int64_t v;
	int ret;

	if (nin != p->ninputs)
		return rt_say(msg, len, -EINVAL, "%u inputs given, the program takes %u", nin,
			   p->ninputs);
	for (i = 0; i < p->nsyms; i++)
		symvals[i] = -1;
	for (i = 0; i < nin; i++) {
		const struct accel_program_io *io = &p->inputs[i];

		if ((uint32_t)in[i].dtype != io->dtype || in[i].rank != (int)io->rank)
			return rt_say(msg, len, -EINVAL, "input %s: %s rank %d given, %s rank %u "
				   "expected", io->name, accel_dtype_name(in[i].dtype), in[i].rank,
				   accel_dtype_name(io->dtype), io->rank);
		for (k = 0; k < io->rank; k++) {
			if (in[i].dims[k] < 1 || in[i].dims[k] > UINT32_MAX)
				return rt_say(msg, len, -EINVAL, "input %s: dim %u is %lld, must be "
					   "1 .. %u", io->name, k, (long long)in[i].dims[k],
					   UINT32_MAX);
			if (io->bind_sym[k] >= 0 && symvals[io->bind_sym[k]] < 0)
				symvals[io->bind_sym[k]] = in[i].dims[k];
		}
	}
	for (i = 0; i < p->nsyms; i++)
		if (symvals[i] < 0)
			return rt_say(msg, len, -EINVAL, "symbol '%s' is not the dim of any input",
				   p->sym_names[i]);
	for (i = 0; i < nin; i++) {
		const struct accel_program_io *io = &p->inputs[i];

		for (k = 0; k < io->rank; k++) {
			ret = accel_program_eval(p, io->dims[k], symvals, NULL, &v);
			if (ret)
				return rt_say(msg, len, ret, "input %s: dim %u cannot be evaluated",
					   io->name, k);
			if (v != in[i].dims[k])
				return rt_say(msg, len, -EINVAL, "input %s: dim %u is %lld but must be "
					   "%lld under the other dims", io->name, k,
					   (long long)in[i].dims[k], (long long)v);
		}
	}
	return 0;
}

int accel_program_patch(const struct accel_program *p, uint8_t *const *dst,
			const int64_t *symvals, const uint64_t *slot_offsets, char *msg,
			size_t len)
{
	uint32_t i;
	int64_t v;
	int ret;

	for (i = 0; i < p->npatches; i++) {
		const struct accel_program_patch *pa = &p->patches[i];

		ret = accel_program_eval(p, pa->expr, symvals, slot_offsets, &v);
		if (ret)
			return rt_say(msg, len, ret, "patch %u: expression %u fails (%s)", i,
				   pa->expr, strerror(-ret));
		if (v < 0 || (pa->width == 4 && v > UINT32_MAX))
			return rt_say(msg, len, -ERANGE, "patch %u: value %lld does not fit a %u-byte "
				   "field", i, (long long)v, pa->width);
		if (pa->width == 4) {
			uint32_t u = (uint32_t)v;

			memcpy(dst[pa->tmpl] + pa->offset, &u, 4);
		} else {
			uint64_t u = (uint64_t)v;

			memcpy(dst[pa->tmpl] + pa->offset, &u, 8);
		}
	}
	return 0;
}
