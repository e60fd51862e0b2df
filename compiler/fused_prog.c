// SPDX-License-Identifier: MIT
/*
 * fused_prog.c - the register program of a FUSED_ELEMENTWISE kernel.
 *
 * Members are visited in graph order. Operands that are scalar f32
 * constants become CONST instructions; other operands from outside the
 * group become inputs (LOAD, at most VACCEL_FUSED_MAX_INPUTS of them),
 * loaded on first use. Each register is freed after the last instruction
 * reading it, so a long chain needs few registers; an instruction may write
 * the register its operand just freed (the ISA reads before it writes).
 *
 * Ops without an instruction of their own are spelled out: Equal is
 * SELECT(a - b, 0, 1), tanh-Gelu its formula, Pow by 2 a multiply, Cast to
 * bool SELECT(x, 1, 0) (bools are stored as 0.0/1.0).
 */
#include <math.h>
#include <string.h>

#include "lower_priv.h"

struct regval {
	const void *key;	/* an accel_value, or a (tagged) constant */
	uint32_t reg;
	uint32_t left;		/* reads still to come */
};

struct fprog {
	struct kernel *k;
	struct regval rv[VACCEL_FUSED_NUM_REGS];
	uint32_t nrv;
	uint16_t busy;		/* bitmap of registers in use */
	int error;
};

static uint32_t f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static bool scalar_const(const struct accel_value *v, float *f)
{
	if (v->kind != ACCEL_VALUE_CONST || v->dtype != ACCEL_DT_F32 ||
	    accel_shape_numel(&v->shape) != 1)
		return false;
	memcpy(f, v->data, sizeof(*f));
	return true;
}

static int emit(struct fprog *p, uint8_t opc, uint8_t dst, uint8_t s0, uint8_t s1, uint32_t imm)
{
	struct kernel *k = p->k;

	if (k->ninsts >= VACCEL_FUSED_MAX_INSTS)
		return p->error = -E2BIG;
	k->insts[k->ninsts++] = (struct vaccel_fused_inst){ opc, dst, s0, s1, imm };
	return 0;
}

static int reg_alloc(struct fprog *p)
{
	int r;

	for (r = 0; r < VACCEL_FUSED_NUM_REGS; r++)
		if (!(p->busy & (1u << r))) {
			p->busy |= (uint16_t)(1u << r);
			return r;
		}
	p->error = -E2BIG;
	return -1;
}

/* Reads of @v by the members from index @from on. */
static uint32_t reads_from(const struct kernel *k, uint32_t from, const struct accel_value *v)
{
	uint32_t i, j, n = 0;

	for (i = from; i < k->nmembers; i++)
		for (j = 0; j < k->members[i]->ninputs; j++)
			n += k->members[i]->inputs[j] == v;
	return n;
}

static struct regval *find(struct fprog *p, const void *key)
{
	uint32_t i;

	for (i = 0; i < p->nrv; i++)
		if (p->rv[i].key == key)
			return &p->rv[i];
	return NULL;
}

static void drop(struct fprog *p, struct regval *x)
{
	p->busy &= (uint16_t)~(1u << x->reg);
	*x = p->rv[--p->nrv];
}

/* Register holding operand @v of member @mi (loading it if needed). */
static int operand(struct fprog *p, uint32_t mi, const struct accel_value *v)
{
	struct kernel *k = p->k;
	struct regval *x = find(p, v);
	uint32_t i;
	float f;
	int r;

	if (x)
		return (int)x->reg;
	r = reg_alloc(p);
	if (r < 0)
		return r;
	if (scalar_const(v, &f)) {
		emit(p, VACCEL_FUSED_CONST, (uint8_t)r, 0, 0, f32_bits(f));
	} else {
		for (i = 0; i < k->nfin && k->fin[i] != v; i++)
			;
		if (i == k->nfin) {
			if (k->nfin == VACCEL_FUSED_MAX_INPUTS)
				return p->error = -E2BIG;
			k->fin[k->nfin++] = (struct accel_value *)v;
		}
		emit(p, VACCEL_FUSED_LOAD, (uint8_t)r, (uint8_t)i, 0, 0);
	}
	p->rv[p->nrv++] = (struct regval){ v, (uint32_t)r, reads_from(k, mi, v) };
	return r;
}

/* After member @mi read @v once. */
static void consumed(struct fprog *p, const struct accel_value *v)
{
	struct regval *x = find(p, v);

	if (x && x->left && !--x->left)
		drop(p, x);
}

static int const_reg(struct fprog *p, float f)
{
	int r = reg_alloc(p);

	if (r >= 0)
		emit(p, VACCEL_FUSED_CONST, (uint8_t)r, 0, 0, f32_bits(f));
	return r;
}

static void free_reg(struct fprog *p, int r)
{
	if (r >= 0)
		p->busy &= (uint16_t)~(1u << r);
}

/* Emit member @mi; returns its result register. */
static int member(struct fprog *p, const struct accel_graph *g, uint32_t mi)
{
	const struct accel_node *n = p->k->members[mi];
	int a, b = -1, c = -1, d, t0, t1, t2;
	uint32_t i;
	float f;

	(void)g;
	a = operand(p, mi, n->inputs[0]);
	if (n->ninputs > 1)
		b = operand(p, mi, n->inputs[1]);
	if (n->ninputs > 2)
		c = operand(p, mi, n->inputs[2]);
	if (p->error)
		return p->error;
	/* The operands' registers stay busy while we compute, so scratch
	 * registers never alias them; they are released afterwards. */
	d = reg_alloc(p);
	if (d < 0)
		return p->error;
	switch (n->op) {
	case ACCEL_OP_ADD: emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_ADD); break;
	case ACCEL_OP_SUB: emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_SUB); break;
	case ACCEL_OP_MUL: emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_MUL); break;
	case ACCEL_OP_DIV: emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_DIV); break;
	case ACCEL_OP_POW:
		if (scalar_const(n->inputs[1], &f) && f == 2.0f)
			emit(p, VACCEL_FUSED_BINARY, d, a, a, VACCEL_BINARY_MUL);
		else if (scalar_const(n->inputs[1], &f) && f == 1.0f)
			emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_MUL);
		else
			emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_POW);
		break;
	case ACCEL_OP_RELU: emit(p, VACCEL_FUSED_UNARY, d, a, 0, VACCEL_UNARY_RELU); break;
	case ACCEL_OP_ERF: emit(p, VACCEL_FUSED_UNARY, d, a, 0, VACCEL_UNARY_ERF); break;
	case ACCEL_OP_TANH: emit(p, VACCEL_FUSED_UNARY, d, a, 0, VACCEL_UNARY_TANH); break;
	case ACCEL_OP_SIGMOID: emit(p, VACCEL_FUSED_UNARY, d, a, 0, VACCEL_UNARY_SIGMOID); break;
	case ACCEL_OP_SQRT: emit(p, VACCEL_FUSED_UNARY, d, a, 0, VACCEL_UNARY_SQRT); break;
	case ACCEL_OP_GELU:
		if (!ir_attr_int(n, "approximate")) {
			emit(p, VACCEL_FUSED_UNARY, d, a, 0, VACCEL_UNARY_GELU);
			break;
		}
		/* 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
		t0 = const_reg(p, 0.044715f);
		t1 = reg_alloc(p);
		if (t0 < 0 || t1 < 0)
			return p->error;
		emit(p, VACCEL_FUSED_BINARY, t1, a, a, VACCEL_BINARY_MUL);
		emit(p, VACCEL_FUSED_BINARY, t1, t1, a, VACCEL_BINARY_MUL);
		emit(p, VACCEL_FUSED_BINARY, t1, t1, t0, VACCEL_BINARY_MUL);
		emit(p, VACCEL_FUSED_BINARY, t1, t1, a, VACCEL_BINARY_ADD);
		emit(p, VACCEL_FUSED_CONST, t0, 0, 0, f32_bits((float)sqrt(2.0 / M_PI)));
		emit(p, VACCEL_FUSED_BINARY, t1, t1, t0, VACCEL_BINARY_MUL);
		emit(p, VACCEL_FUSED_UNARY, t1, t1, 0, VACCEL_UNARY_TANH);
		emit(p, VACCEL_FUSED_CONST, t0, 0, 0, f32_bits(1.0f));
		emit(p, VACCEL_FUSED_BINARY, t1, t1, t0, VACCEL_BINARY_ADD);
		emit(p, VACCEL_FUSED_BINARY, t1, t1, a, VACCEL_BINARY_MUL);
		emit(p, VACCEL_FUSED_CONST, t0, 0, 0, f32_bits(0.5f));
		emit(p, VACCEL_FUSED_BINARY, d, t1, t0, VACCEL_BINARY_MUL);
		free_reg(p, t0);
		free_reg(p, t1);
		break;
	case ACCEL_OP_EQUAL:
		t0 = reg_alloc(p);
		t1 = const_reg(p, 0.0f);
		t2 = const_reg(p, 1.0f);
		if (t0 < 0 || t1 < 0 || t2 < 0)
			return p->error;
		emit(p, VACCEL_FUSED_BINARY, t0, a, b, VACCEL_BINARY_SUB);
		emit(p, VACCEL_FUSED_SELECT, d, t1, t2, (uint32_t)t0);
		free_reg(p, t0);
		free_reg(p, t1);
		free_reg(p, t2);
		break;
	case ACCEL_OP_WHERE:
		emit(p, VACCEL_FUSED_SELECT, d, b, c, (uint32_t)a);
		break;
	/* bools are f32 0/1: a and b is a * b, a or b max(a, b). */
	case ACCEL_OP_AND: emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_MUL); break;
	case ACCEL_OP_OR: emit(p, VACCEL_FUSED_BINARY, d, a, b, VACCEL_BINARY_MAX); break;
	case ACCEL_OP_NOT:
		/* bools are f32 0/1: !x is x != 0 ? 0 : 1. */
		t1 = const_reg(p, 0.0f);
		t2 = const_reg(p, 1.0f);
		if (t1 < 0 || t2 < 0)
			return p->error;
		emit(p, VACCEL_FUSED_SELECT, d, t1, t2, (uint32_t)a);
		free_reg(p, t1);
		free_reg(p, t2);
		break;
	case ACCEL_OP_CAST:
		if (n->outputs[0]->dtype == ACCEL_DT_BOOL && n->inputs[0]->dtype == ACCEL_DT_F32) {
			t1 = const_reg(p, 1.0f);
			t2 = const_reg(p, 0.0f);
			if (t1 < 0 || t2 < 0)
				return p->error;
			emit(p, VACCEL_FUSED_SELECT, d, t1, t2, (uint32_t)a);
			free_reg(p, t1);
			free_reg(p, t2);
		} else {
			/* bool (0/1 in f32) to f32, or f32 to f32: a copy. */
			t0 = const_reg(p, 0.0f);
			if (t0 < 0)
				return p->error;
			emit(p, VACCEL_FUSED_BINARY, d, a, t0, VACCEL_BINARY_ADD);
			free_reg(p, t0);
		}
		break;
	default:
		return p->error = -EOPNOTSUPP;
	}
	for (i = 0; i < n->ninputs; i++)
		consumed(p, n->inputs[i]);
	return p->error ? p->error : d;
}

int fused_program(const struct accel_graph *g, struct kernel *k)
{
	struct fprog p = { .k = k };
	uint32_t i;
	int r = 0;

	k->ninsts = 0;
	k->nfin = 0;
	memset(k->insts, 0, sizeof(k->insts));
	for (i = 0; i < k->nmembers; i++) {
		const struct accel_value *out = k->members[i]->outputs[0];

		r = member(&p, g, i);
		if (r < 0)
			return r;
		if (i + 1 < k->nmembers) {
			uint32_t left = reads_from(k, i + 1, out);

			if (!left || p.nrv == VACCEL_FUSED_NUM_REGS) {
				free_reg(&p, r);
				if (left)
					return -E2BIG;
				continue;
			}
			p.rv[p.nrv++] = (struct regval){ out, (uint32_t)r, left };
		}
	}
	k->out_reg = (uint32_t)r;
	return 0;
}
