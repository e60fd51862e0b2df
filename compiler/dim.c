// SPDX-License-Identifier: MIT
/*
 * dim.c - symbolic dimensions.
 *
 * A symbolic dim is a polynomial with integer coefficients over "atoms". An
 * atom is a named symbol ("batch") or an opaque floor quotient N/D of two
 * dims that did not divide exactly. This is closed under the +, -, * and /
 * that ONNX shape arithmetic performs (Reshape's -1, Flatten, Concat,
 * Conv's output size), and it keeps equal expressions equal: every
 * polynomial is normalized (terms sorted in a canonical order that does not
 * depend on creation order, like terms merged, zero terms dropped) and
 * interned, so a dim is a number and dims compare with ==.
 *
 * Sizes are bounded (terms per polynomial, factors per term, atoms and
 * expressions per graph) so that hostile models cannot make it explode:
 * going past a bound is -EOVERFLOW, which callers report as "too complex".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

#define DIM_MAX_TERMS 8
#define DIM_MAX_FACTORS 6
#define DIM_MAX_ATOMS 4096
#define DIM_MAX_EXPRS 65536

struct dim_term {
	int64_t coeff;
	uint32_t nf;
	uint32_t f[DIM_MAX_FACTORS];	/* atom ids, canonical order, repeats = powers */
};

struct dim_poly {
	uint32_t nt;
	struct dim_term t[DIM_MAX_TERMS];
};

enum { ATOM_SYM, ATOM_DIV };

struct dim_atom {
	int kind;
	char *name;			/* ATOM_SYM */
	struct accel_dim num, den;	/* ATOM_DIV */
};

struct accel_symtab {
	struct dim_atom *atoms;
	uint32_t natoms, atoms_cap;
	struct dim_poly *exprs;		/* exprs[0] unused: expr 0 means constant */
	uint32_t nexprs, exprs_cap;
};

int dim_symtab_create(struct accel_symtab **out)
{
	struct accel_symtab *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->nexprs = 1;
	*out = t;
	return 0;
}

void dim_symtab_destroy(struct accel_symtab *t)
{
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->natoms; i++)
		free(t->atoms[i].name);
	free(t->atoms);
	free(t->exprs);
	free(t);
}

/* ---- canonical order ---- */

static int dim_cmp(const struct accel_symtab *t, struct accel_dim a, struct accel_dim b);

static int atom_cmp(const struct accel_symtab *t, uint32_t a, uint32_t b)
{
	const struct dim_atom *x = &t->atoms[a], *y = &t->atoms[b];
	int c;

	if (a == b)
		return 0;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == ATOM_SYM)
		return strcmp(x->name, y->name);
	c = dim_cmp(t, x->num, y->num);
	return c ? c : dim_cmp(t, x->den, y->den);
}

/* Order of terms by their factors alone: higher degree first, constant last. */
static int term_key_cmp(const struct accel_symtab *t, const struct dim_term *a,
			const struct dim_term *b)
{
	uint32_t i;
	int c;

	if (a->nf != b->nf)
		return a->nf > b->nf ? -1 : 1;
	for (i = 0; i < a->nf; i++) {
		c = atom_cmp(t, a->f[i], b->f[i]);
		if (c)
			return c;
	}
	return 0;
}

static int poly_cmp(const struct accel_symtab *t, const struct dim_poly *a,
		    const struct dim_poly *b)
{
	uint32_t i;
	int c;

	if (a->nt != b->nt)
		return a->nt < b->nt ? -1 : 1;
	for (i = 0; i < a->nt; i++) {
		c = term_key_cmp(t, &a->t[i], &b->t[i]);
		if (c)
			return c;
		if (a->t[i].coeff != b->t[i].coeff)
			return a->t[i].coeff < b->t[i].coeff ? -1 : 1;
	}
	return 0;
}

static int dim_cmp(const struct accel_symtab *t, struct accel_dim a, struct accel_dim b)
{
	if (a.expr == 0 || b.expr == 0) {
		if (a.expr != b.expr)
			return a.expr == 0 ? -1 : 1;
		return a.val < b.val ? -1 : a.val > b.val;
	}
	if (a.expr == b.expr)
		return 0;
	return poly_cmp(t, &t->exprs[a.expr], &t->exprs[b.expr]);
}

/* ---- interning ---- */

static int intern(struct accel_symtab *t, struct dim_poly *p, struct accel_dim *out);

static int atom_add(struct accel_symtab *t, const struct dim_atom *a, uint32_t *id)
{
	if (t->natoms == t->atoms_cap) {
		uint32_t cap = t->atoms_cap ? 2 * t->atoms_cap : 16;
		struct dim_atom *n;

		if (t->natoms >= DIM_MAX_ATOMS)
			return -EOVERFLOW;
		n = realloc(t->atoms, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->atoms = n;
		t->atoms_cap = cap;
	}
	t->atoms[t->natoms] = *a;
	*id = t->natoms++;
	return 0;
}

int dim_symbol(struct accel_symtab *t, const char *name, struct accel_dim *out)
{
	struct dim_poly p = { 0 };
	struct dim_atom a = { 0 };
	uint32_t i, id;
	int ret;

	for (i = 0; i < t->natoms; i++)
		if (t->atoms[i].kind == ATOM_SYM && !strcmp(t->atoms[i].name, name))
			break;
	if (i < t->natoms) {
		id = i;
	} else {
		a.kind = ATOM_SYM;
		a.name = strdup(name);
		if (!a.name)
			return -ENOMEM;
		ret = atom_add(t, &a, &id);
		if (ret) {
			free(a.name);
			return ret;
		}
	}
	p.nt = 1;
	p.t[0].coeff = 1;
	p.t[0].nf = 1;
	p.t[0].f[0] = id;
	return intern(t, &p, out);
}

static void sort_factors(const struct accel_symtab *t, struct dim_term *x)
{
	uint32_t i, j;

	for (i = 1; i < x->nf; i++)
		for (j = i; j > 0 && atom_cmp(t, x->f[j - 1], x->f[j]) > 0; j--) {
			uint32_t s = x->f[j];

			x->f[j] = x->f[j - 1];
			x->f[j - 1] = s;
		}
}

/* Sort terms, merge like terms, drop zeros. */
static int normalize(const struct accel_symtab *t, struct dim_poly *p)
{
	struct dim_term tmp;
	uint32_t i, j, n = 0;

	for (i = 1; i < p->nt; i++)
		for (j = i; j > 0 && term_key_cmp(t, &p->t[j - 1], &p->t[j]) > 0; j--) {
			tmp = p->t[j];
			p->t[j] = p->t[j - 1];
			p->t[j - 1] = tmp;
		}
	for (i = 0; i < p->nt; i++) {
		if (n && !term_key_cmp(t, &p->t[n - 1], &p->t[i])) {
			if (__builtin_add_overflow(p->t[n - 1].coeff, p->t[i].coeff,
						   &p->t[n - 1].coeff))
				return -EOVERFLOW;
		} else {
			p->t[n++] = p->t[i];
		}
		if (p->t[n - 1].coeff == 0)
			n--;
	}
	p->nt = n;
	return 0;
}

static int intern(struct accel_symtab *t, struct dim_poly *p, struct accel_dim *out)
{
	uint32_t i;
	int ret;

	ret = normalize(t, p);
	if (ret)
		return ret;
	/* Coefficients stay within +-2^62 so that every one prints and parses
	 * back as a plain integer, whatever its sign. */
	for (i = 0; i < p->nt; i++)
		if (p->t[i].coeff > (1ll << 62) || p->t[i].coeff < -(1ll << 62))
			return -EOVERFLOW;
	if (p->nt == 0) {
		*out = accel_dim_const(0);
		return 0;
	}
	if (p->nt == 1 && p->t[0].nf == 0) {
		*out = accel_dim_const(p->t[0].coeff);
		return 0;
	}
	for (i = 1; i < t->nexprs; i++)
		if (!poly_cmp(t, &t->exprs[i], p))
			break;
	if (i == t->nexprs) {
		if (t->nexprs >= t->exprs_cap) {
			uint32_t cap = t->exprs_cap ? 2 * t->exprs_cap : 16;
			struct dim_poly *n;

			if (t->nexprs >= DIM_MAX_EXPRS)
				return -EOVERFLOW;
			n = realloc(t->exprs, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			t->exprs = n;
			t->exprs_cap = cap;
		}
		t->exprs[t->nexprs++] = *p;
	}
	out->val = 0;
	out->expr = i;
	return 0;
}

static void poly_of(const struct accel_symtab *t, struct accel_dim d, struct dim_poly *p)
{
	if (d.expr) {
		*p = t->exprs[d.expr];
		return;
	}
	p->nt = d.val != 0;
	p->t[0].coeff = d.val;
	p->t[0].nf = 0;
}

/* ---- arithmetic ---- */

int dim_add(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out)
{
	struct dim_poly x, y;
	uint32_t i;

	if (dim_is_unknown(a) || dim_is_unknown(b)) {
		*out = dim_unknown();
		return 0;
	}
	if (!a.expr && !b.expr) {
		if (__builtin_add_overflow(a.val, b.val, &out->val))
			return -EOVERFLOW;
		out->expr = 0;
		return 0;
	}
	poly_of(t, a, &x);
	poly_of(t, b, &y);
	if (x.nt + y.nt > DIM_MAX_TERMS)
		return -EOVERFLOW;
	for (i = 0; i < y.nt; i++)
		x.t[x.nt++] = y.t[i];
	return intern(t, &x, out);
}

int dim_mul(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out)
{
	struct dim_poly x, y, r = { 0 };
	uint32_t i, j, k;

	if (dim_is_unknown(a) || dim_is_unknown(b)) {
		*out = dim_unknown();
		return 0;
	}
	if (!a.expr && !b.expr) {
		if (__builtin_mul_overflow(a.val, b.val, &out->val))
			return -EOVERFLOW;
		out->expr = 0;
		return 0;
	}
	poly_of(t, a, &x);
	poly_of(t, b, &y);
	if ((uint64_t)x.nt * y.nt > DIM_MAX_TERMS)
		return -EOVERFLOW;
	for (i = 0; i < x.nt; i++)
		for (j = 0; j < y.nt; j++) {
			struct dim_term *z = &r.t[r.nt++];

			if (x.t[i].nf + y.t[j].nf > DIM_MAX_FACTORS)
				return -EOVERFLOW;
			if (__builtin_mul_overflow(x.t[i].coeff, y.t[j].coeff, &z->coeff))
				return -EOVERFLOW;
			z->nf = 0;
			for (k = 0; k < x.t[i].nf; k++)
				z->f[z->nf++] = x.t[i].f[k];
			for (k = 0; k < y.t[j].nf; k++)
				z->f[z->nf++] = y.t[j].f[k];
			sort_factors(t, z);
		}
	return intern(t, &r, out);
}

int dim_sub(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out)
{
	struct accel_dim nb;
	int ret = dim_mul(t, b, accel_dim_const(-1), &nb);

	return ret ? ret : dim_add(t, a, nb, out);
}

/* x = y * q for the monomial-or-constant divisor y (one term)? */
static bool term_divide(const struct dim_term *x, const struct dim_term *y, struct dim_term *q)
{
	bool used[DIM_MAX_FACTORS] = { false };
	uint32_t i, j;

	if (y->coeff == 0 || x->coeff % y->coeff)
		return false;
	q->coeff = x->coeff / y->coeff;
	for (j = 0; j < y->nf; j++) {
		for (i = 0; i < x->nf; i++)
			if (!used[i] && x->f[i] == y->f[j])
				break;
		if (i == x->nf)
			return false;
		used[i] = true;
	}
	q->nf = 0;
	for (i = 0; i < x->nf; i++)
		if (!used[i])
			q->f[q->nf++] = x->f[i];
	return true;
}

int dim_div(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out)
{
	struct dim_poly x, y, q = { 0 };
	struct dim_atom atom = { 0 };
	uint32_t i, id;
	int ret;

	if (dim_is_unknown(a) || dim_is_unknown(b)) {
		*out = dim_unknown();
		return 0;
	}
	if (!b.expr && b.val == 0)
		return -EDOM;
	if (!a.expr && !b.expr) {
		if (a.val == INT64_MIN && b.val == -1)
			return -EOVERFLOW;
		*out = accel_dim_const(a.val / b.val);
		return 0;
	}
	if (dim_eq(a, b)) {
		*out = accel_dim_const(1);
		return 0;
	}
	if (!b.expr && b.val == 1) {
		*out = a;
		return 0;
	}
	poly_of(t, a, &x);
	poly_of(t, b, &y);
	/* Exact division by a single term: divide every term. */
	if (y.nt == 1) {
		for (i = 0; i < x.nt; i++)
			if (!term_divide(&x.t[i], &y.t[0], &q.t[i]))
				break;
		if (i == x.nt) {
			q.nt = x.nt;
			for (i = 0; i < q.nt; i++)
				sort_factors(t, &q.t[i]);
			return intern(t, &q, out);
		}
	}
	/* Otherwise an opaque floor quotient, itself interned. */
	for (i = 0; i < t->natoms; i++)
		if (t->atoms[i].kind == ATOM_DIV && dim_eq(t->atoms[i].num, a) &&
		    dim_eq(t->atoms[i].den, b))
			break;
	if (i < t->natoms) {
		id = i;
	} else {
		atom.kind = ATOM_DIV;
		atom.num = a;
		atom.den = b;
		ret = atom_add(t, &atom, &id);
		if (ret)
			return ret;
	}
	q.nt = 1;
	q.t[0].coeff = 1;
	q.t[0].nf = 1;
	q.t[0].f[0] = id;
	return intern(t, &q, out);
}

/* ---- evaluation ---- */

int dim_env_init(const struct accel_symtab *t, struct dim_env *env)
{
	env->n = t->natoms;
	env->val = calloc(t->natoms + 1, sizeof(*env->val));
	env->bound = calloc(t->natoms + 1, 1);
	if (!env->val || !env->bound) {
		dim_env_fini(env);
		return -ENOMEM;
	}
	return 0;
}

void dim_env_fini(struct dim_env *env)
{
	free(env->val);
	free(env->bound);
	env->val = NULL;
	env->bound = NULL;
	env->n = 0;
}

static int atom_eval(const struct accel_symtab *t, const struct dim_env *env, uint32_t id,
		     int64_t *out, struct accel_ir_error *err)
{
	const struct dim_atom *a = &t->atoms[id];
	int64_t n = 0, d = 0;
	int ret;

	*out = 0;
	if (a->kind == ATOM_SYM) {
		if (id >= env->n || !env->bound[id])
			return ir_error(err, EINVAL, "symbol '%s' has no value", a->name);
		*out = env->val[id];
		return 0;
	}
	/* A quotient's operands were interned before it: the recursion ends. */
	ret = dim_eval(t, env, a->num, &n, err);
	if (!ret)
		ret = dim_eval(t, env, a->den, &d, err);
	if (ret)
		return ret;
	if (d == 0 || (n == INT64_MIN && d == -1))
		return ir_error(err, EDOM, "symbolic division by zero");
	*out = n / d;
	return 0;
}

int dim_eval(const struct accel_symtab *t, const struct dim_env *env, struct accel_dim d,
	     int64_t *out, struct accel_ir_error *err)
{
	const struct dim_poly *p;
	int64_t sum = 0, term, v = 0;
	uint32_t i, j;
	int ret;

	if (dim_is_unknown(d))
		return ir_error(err, EINVAL, "dimension unknown");
	if (!d.expr) {
		*out = d.val;
		return 0;
	}
	p = &t->exprs[d.expr];
	for (i = 0; i < p->nt; i++) {
		term = p->t[i].coeff;
		for (j = 0; j < p->t[i].nf; j++) {
			ret = atom_eval(t, env, p->t[i].f[j], &v, err);
			if (ret)
				return ret;
			if (__builtin_mul_overflow(term, v, &term))
				return ir_error(err, EOVERFLOW, "symbolic dimension overflows");
		}
		if (__builtin_add_overflow(sum, term, &sum))
			return ir_error(err, EOVERFLOW, "symbolic dimension overflows");
	}
	*out = sum;
	return 0;
}

int dim_env_bind(const struct accel_symtab *t, struct dim_env *env, struct accel_dim d,
		 int64_t v, const char *what, struct accel_ir_error *err)
{
	const struct dim_poly *p;
	char buf[128];
	int64_t have;
	int ret;

	if (d.expr && !dim_is_unknown(d)) {
		p = &t->exprs[d.expr];
		if (p->nt == 1 && p->t[0].coeff == 1 && p->t[0].nf == 1 &&
		    t->atoms[p->t[0].f[0]].kind == ATOM_SYM) {
			uint32_t id = p->t[0].f[0];

			if (!env->bound[id]) {
				env->bound[id] = 1;
				env->val[id] = v;
				return 0;
			}
		}
	}
	if (dim_is_unknown(d))
		return 0;
	ret = dim_eval(t, env, d, &have, err);
	if (ret)
		return ret;
	if (have != v) {
		dim_format(t, d, buf, sizeof(buf));
		return ir_error(err, EINVAL, "%s: dimension is %lld but must be %s = %lld",
				what, (long long)v, buf, (long long)have);
	}
	return 0;
}

/* ---- formatting ---- */

struct sbuf {
	char *p;
	size_t len, used;
};

static void put(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->used + 1 >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->p + s->used, s->len - s->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->used = s->used + (size_t)n < s->len ? s->used + (size_t)n : s->len - 1;
}

static void format_into(const struct accel_symtab *t, struct accel_dim d, struct sbuf *s);

/* True when printing @d as a factor of a product needs no parentheses. */
static bool is_simple_factor(const struct accel_symtab *t, struct accel_dim d)
{
	const struct dim_poly *p;

	if (!d.expr)
		return d.val >= 0;
	p = &t->exprs[d.expr];
	return p->nt == 1 && p->t[0].coeff == 1 && p->t[0].nf == 1;
}

static void format_atom(const struct accel_symtab *t, uint32_t id, struct sbuf *s)
{
	const struct dim_atom *a = &t->atoms[id];
	const struct dim_poly *np = a->num.expr ? &t->exprs[a->num.expr] : NULL;

	if (a->kind == ATOM_SYM) {
		put(s, "%s", a->name);
		return;
	}
	/* "(N/D)": N is a product read left to right, so only a sum needs
	 * parentheses; D must be one factor. */
	put(s, "(");
	if (np && np->nt > 1) {
		put(s, "(");
		format_into(t, a->num, s);
		put(s, ")");
	} else {
		format_into(t, a->num, s);
	}
	put(s, "/");
	if (is_simple_factor(t, a->den)) {
		format_into(t, a->den, s);
	} else {
		put(s, "(");
		format_into(t, a->den, s);
		put(s, ")");
	}
	put(s, ")");
}

static void format_into(const struct accel_symtab *t, struct accel_dim d, struct sbuf *s)
{
	const struct dim_poly *p;
	uint32_t i, j;

	if (dim_is_unknown(d)) {
		put(s, "?");
		return;
	}
	if (!d.expr) {
		put(s, "%lld", (long long)d.val);
		return;
	}
	p = &t->exprs[d.expr];
	for (i = 0; i < p->nt; i++) {
		const struct dim_term *x = &p->t[i];
		int64_t c = x->coeff;
		/* |c| without overflow: INT64_MIN prints through unsigned. */
		unsigned long long mag = c < 0 ? 0ull - (unsigned long long)c : (unsigned long long)c;
		bool star = false;

		if (i == 0)
			put(s, c < 0 ? "-" : "");
		else
			put(s, c < 0 ? " - " : " + ");
		if (mag != 1 || x->nf == 0) {
			put(s, "%llu", mag);
			star = true;
		}
		for (j = 0; j < x->nf; j++) {
			put(s, star ? "*" : "");
			format_atom(t, x->f[j], s);
			star = true;
		}
	}
}

void dim_format(const struct accel_symtab *t, struct accel_dim d, char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };

	if (!len)
		return;
	buf[0] = 0;
	format_into(t, d, &s);
}

/* ---- export as a stack program (for compiled programs) ---- */

static int rpn_atom(const struct accel_symtab *t, uint32_t id, dim_rpn_emit_fn emit, void *ctx)
{
	const struct dim_atom *a = &t->atoms[id];
	int ret;

	if (a->kind == ATOM_SYM)
		return emit(ctx, DIM_RPN_SYM, id);
	ret = dim_to_rpn(t, a->num, emit, ctx);
	if (!ret)
		ret = dim_to_rpn(t, a->den, emit, ctx);
	return ret ? ret : emit(ctx, DIM_RPN_DIV, 0);
}

int dim_to_rpn(const struct accel_symtab *t, struct accel_dim d, dim_rpn_emit_fn emit, void *ctx)
{
	const struct dim_poly *p;
	uint32_t i, j;
	int ret;

	if (dim_is_unknown(d))
		return -EINVAL;
	if (!d.expr)
		return emit(ctx, DIM_RPN_CONST, d.val);
	p = &t->exprs[d.expr];
	if (!p->nt)
		return emit(ctx, DIM_RPN_CONST, 0);
	for (i = 0; i < p->nt; i++) {
		ret = emit(ctx, DIM_RPN_CONST, p->t[i].coeff);
		for (j = 0; !ret && j < p->t[i].nf; j++) {
			ret = rpn_atom(t, p->t[i].f[j], emit, ctx);
			if (!ret)
				ret = emit(ctx, DIM_RPN_MUL, 0);
		}
		if (!ret && i)
			ret = emit(ctx, DIM_RPN_ADD, 0);
		if (ret)
			return ret;
	}
	return 0;
}

const char *dim_atom_name(const struct accel_symtab *t, uint32_t id)
{
	return id < t->natoms && t->atoms[id].kind == ATOM_SYM ? t->atoms[id].name : NULL;
}
