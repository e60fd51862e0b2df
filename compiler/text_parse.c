// SPDX-License-Identifier: MIT
/*
 * text_parse.c - read the text form back into a graph (grammar in
 * Documentation/compiler.rst). A recursive-descent parser over the raw
 * text; errors give the line and what was expected. '#' starts a comment
 * that runs to the end of the line.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

#define MAX_PAREN_DEPTH 32

struct parser {
	const char *s;
	struct accel_graph *g;
	struct accel_ir_error *err;
	int line;
	int depth;
};

static int fail(struct parser *p, const char *what)
{
	char near[24];
	size_t i;

	for (i = 0; i + 1 < sizeof(near) && p->s[i] && p->s[i] != '\n'; i++)
		near[i] = p->s[i];
	near[i] = 0;
	return ir_error(p->err, EINVAL, "line %d: expected %s near '%s'", p->line, what, near);
}

static void skip_ws(struct parser *p)
{
	for (;;) {
		if (*p->s == '\n') {
			p->line++;
			p->s++;
		} else if (isspace((unsigned char)*p->s)) {
			p->s++;
		} else if (*p->s == '#') {
			while (*p->s && *p->s != '\n')
				p->s++;
		} else {
			return;
		}
	}
}

static bool accept(struct parser *p, char c)
{
	skip_ws(p);
	if (*p->s != c)
		return false;
	p->s++;
	return true;
}

static int expect(struct parser *p, char c)
{
	char what[8] = { '\'', c, '\'', 0 };

	return accept(p, c) ? 0 : fail(p, what);
}

static bool ident_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || (!first && isdigit((unsigned char)c));
}

/* An identifier (keyword, op name, attribute name, symbol) into buf. */
static int ident(struct parser *p, char *buf, size_t len)
{
	size_t n = 0;

	skip_ws(p);
	if (!ident_char(*p->s, true))
		return fail(p, "a name");
	while (ident_char(*p->s, false)) {
		if (n + 1 >= len)
			return fail(p, "a shorter name");
		buf[n++] = *p->s++;
	}
	buf[n] = 0;
	return 0;
}

static bool keyword(struct parser *p, const char *kw)
{
	size_t n = strlen(kw);

	skip_ws(p);
	if (strncmp(p->s, kw, n) || ident_char(p->s[n], false))
		return false;
	p->s += n;
	return true;
}

static bool bare_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':' || c == '/' ||
	       c == '-';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A value or graph name: bare, or quoted with \" \\ \xHH escapes. */
static int name(struct parser *p, char *buf, size_t len)
{
	size_t n = 0;

	skip_ws(p);
	if (*p->s == '"') {
		p->s++;
		while (*p->s != '"') {
			char c = *p->s;

			if (!c || c == '\n')
				return fail(p, "a closing '\"'");
			if (c == '\\') {
				if (p->s[1] == 'x' && hexval(p->s[2]) >= 0 && hexval(p->s[3]) >= 0) {
					c = (char)(hexval(p->s[2]) << 4 | hexval(p->s[3]));
					p->s += 3;
				} else if (p->s[1] == '"' || p->s[1] == '\\') {
					c = p->s[1];
					p->s++;
				} else {
					return fail(p, "an escape \\\" \\\\ or \\xHH");
				}
			}
			if (!c)
				return fail(p, "no NUL in a name");
			if (n + 1 >= len)
				return fail(p, "a shorter name");
			buf[n++] = c;
			p->s++;
		}
		p->s++;
	} else {
		while (bare_char(*p->s)) {
			if (n + 1 >= len)
				return fail(p, "a shorter name");
			buf[n++] = *p->s++;
		}
		/* A trailing ':' separates the type (the dumper quotes names
		 * that end with one). */
		while (n && buf[n - 1] == ':') {
			n--;
			p->s--;
		}
	}
	if (!n)
		return fail(p, "a name");
	buf[n] = 0;
	return 0;
}

/* A number token: what strtod/strtoll read, ending at a separator. */
static int number_token(struct parser *p, char *buf, size_t len)
{
	size_t n = 0;

	skip_ws(p);
	while (isalnum((unsigned char)*p->s) || *p->s == '.' || *p->s == '+' || *p->s == '-') {
		if (n + 1 >= len)
			return fail(p, "a shorter number");
		buf[n++] = *p->s++;
	}
	buf[n] = 0;
	return n ? 0 : fail(p, "a number");
}

static int parse_int(struct parser *p, int64_t *out)
{
	char buf[64], *end;
	int ret = number_token(p, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	if (*end || errno)
		return fail(p, "an integer");
	return 0;
}

static int parse_double(struct parser *p, double *out)
{
	char buf[64], *end;
	int ret = number_token(p, buf, sizeof(buf));

	if (ret)
		return ret;
	*out = strtod(buf, &end);
	if (*end)
		return fail(p, "a number");
	return 0;
}

/* An optionally negative decimal integer inside a dim expression, where a
 * '-' or '+' right after the digits is an operator, not part of the number. */
static int dim_int(struct parser *p, int64_t *out)
{
	char buf[32], *end;
	size_t n = 0;

	if (*p->s == '-')
		buf[n++] = *p->s++;
	while (isdigit((unsigned char)*p->s)) {
		if (n + 1 >= sizeof(buf))
			return fail(p, "a shorter integer");
		buf[n++] = *p->s++;
	}
	buf[n] = 0;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	if (*end || errno || n == 0)
		return fail(p, "an integer");
	return 0;
}

/* ---- dims: expr := term (('+'|'-') term)*, term := unary (('*'|'/') unary)* ---- */

static int expr(struct parser *p, struct accel_dim *out);

static int arith(struct parser *p, int ret)
{
	if (ret == -EOVERFLOW)
		return ir_error(p->err, EOVERFLOW, "line %d: dimension expression too complex",
				p->line);
	if (ret == -EDOM)
		return ir_error(p->err, EDOM, "line %d: dimension divided by zero", p->line);
	if (ret)
		return ir_error(p->err, -ret, "line %d: out of memory", p->line);
	return 0;
}

static int unary(struct parser *p, struct accel_dim *out)
{
	char buf[IR_MAX_NAME + 1];
	int64_t v;
	int ret;

	skip_ws(p);
	/* A negative literal reads as one integer, so INT64_MIN parses. */
	if (p->s[0] == '-' && isdigit((unsigned char)p->s[1])) {
		ret = dim_int(p, &v);
		*out = accel_dim_const(v);
		return ret;
	}
	if (accept(p, '-')) {
		ret = unary(p, out);
		return ret ? ret : arith(p, dim_mul(p->g->syms, *out, accel_dim_const(-1), out));
	}
	if (accept(p, '(')) {
		if (++p->depth > MAX_PAREN_DEPTH)
			return fail(p, "fewer nested parentheses");
		ret = expr(p, out);
		p->depth--;
		return ret ? ret : expect(p, ')');
	}
	if (isdigit((unsigned char)*p->s)) {
		ret = dim_int(p, &v);
		*out = accel_dim_const(v);
		return ret;
	}
	ret = ident(p, buf, sizeof(buf));
	return ret ? ret : arith(p, dim_symbol(p->g->syms, buf, out));
}

static int term(struct parser *p, struct accel_dim *out)
{
	struct accel_dim r;
	int ret = unary(p, out);

	while (!ret) {
		if (accept(p, '*')) {
			ret = unary(p, &r);
			if (!ret)
				ret = arith(p, dim_mul(p->g->syms, *out, r, out));
		} else if (accept(p, '/')) {
			ret = unary(p, &r);
			if (!ret)
				ret = arith(p, dim_div(p->g->syms, *out, r, out));
		} else {
			break;
		}
	}
	return ret;
}

static int expr(struct parser *p, struct accel_dim *out)
{
	struct accel_dim r;
	int ret = term(p, out);

	while (!ret) {
		if (accept(p, '+')) {
			ret = term(p, &r);
			if (!ret)
				ret = arith(p, dim_add(p->g->syms, *out, r, out));
		} else if (accept(p, '-')) {
			ret = term(p, &r);
			if (!ret)
				ret = arith(p, dim_sub(p->g->syms, *out, r, out));
		} else {
			break;
		}
	}
	return ret;
}

static int dim(struct parser *p, struct accel_dim *out)
{
	if (accept(p, '?')) {
		*out = dim_unknown();
		return 0;
	}
	return expr(p, out);
}

/* A bracketed list of dims; *n in: capacity, out: count. */
static int dim_list(struct parser *p, struct accel_dim *dims, uint32_t *n)
{
	uint32_t cap = *n;
	int ret;

	*n = 0;
	ret = expect(p, '[');
	if (ret || accept(p, ']'))
		return ret;
	do {
		if (*n == cap)
			return fail(p, "fewer dimensions");
		ret = dim(p, &dims[(*n)++]);
		if (ret)
			return ret;
	} while (accept(p, ','));
	return expect(p, ']');
}

static int type(struct parser *p, enum accel_dtype *dt, struct accel_shape *s)
{
	char buf[16];
	uint32_t n = ACCEL_IR_MAX_RANK;
	int ret, i;

	ret = ident(p, buf, sizeof(buf));
	if (ret)
		return ret;
	for (i = 0; i < ACCEL_DT_COUNT; i++)
		if (!strcmp(buf, accel_dtype_name(i)))
			break;
	if (i == ACCEL_DT_COUNT)
		return fail(p, "a dtype");
	*dt = (enum accel_dtype)i;
	skip_ws(p);
	if (*p->s == '[') {
		const char *q = p->s + 1;

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '*') {
			p->s = q + 1;
			s->rank = -1;
			return expect(p, ']');
		}
	}
	ret = dim_list(p, s->dims, &n);
	s->rank = (int)n;
	return ret;
}

static int lookup(struct parser *p, struct accel_value **out)
{
	char buf[IR_MAX_NAME + 1];
	int ret;

	ret = expect(p, '%');
	if (!ret)
		ret = name(p, buf, sizeof(buf));
	if (ret)
		return ret;
	*out = accel_graph_find(p->g, buf);
	if (!*out)
		return ir_error(p->err, EINVAL, "line %d: '%s' used before it is defined",
				p->line, buf);
	return 0;
}

static int with_line(struct parser *p, int ret)
{
	char msg[sizeof(p->err->msg)];

	if (ret && p->err) {
		snprintf(msg, sizeof(msg), "line %d: %.480s", p->line, p->err->msg);
		memcpy(p->err->msg, msg, sizeof(msg));
	}
	return ret;
}

static int stmt_input(struct parser *p)
{
	char buf[IR_MAX_NAME + 1];
	struct accel_shape s;
	enum accel_dtype dt;
	int ret;

	ret = expect(p, '%');
	if (!ret)
		ret = name(p, buf, sizeof(buf));
	if (!ret)
		ret = expect(p, ':');
	if (!ret)
		ret = type(p, &dt, &s);
	if (ret)
		return ret;
	return with_line(p, accel_graph_add_input(p->g, buf, dt, &s, NULL, p->err));
}

static int element(struct parser *p, enum accel_dtype dt, unsigned char *dst)
{
	int64_t v;
	int ret;

	if (dt == ACCEL_DT_F32) {
		char buf[64], *end;
		float f;

		ret = number_token(p, buf, sizeof(buf));
		if (ret)
			return ret;
		f = strtof(buf, &end);
		if (*end)
			return fail(p, "a float");
		memcpy(dst, &f, 4);
		return 0;
	}
	ret = parse_int(p, &v);
	if (ret)
		return ret;
	switch (dt) {
	case ACCEL_DT_I64:
		memcpy(dst, &v, 8);
		return 0;
	case ACCEL_DT_I32:
		if (v < INT32_MIN || v > INT32_MAX)
			return fail(p, "a 32-bit integer");
		{
			int32_t x = (int32_t)v;

			memcpy(dst, &x, 4);
		}
		return 0;
	case ACCEL_DT_BF16:
	case ACCEL_DT_F16:
		if (v < 0 || v > UINT16_MAX)
			return fail(p, "16 raw bits");
		{
			uint16_t x = (uint16_t)v;

			memcpy(dst, &x, 2);
		}
		return 0;
	case ACCEL_DT_I8:
		if (v < INT8_MIN || v > INT8_MAX)
			return fail(p, "an 8-bit integer");
		*dst = (unsigned char)(int8_t)v;
		return 0;
	case ACCEL_DT_BOOL:
		if (v != 0 && v != 1)
			return fail(p, "0 or 1");
		*dst = (unsigned char)v;
		return 0;
	default:
		return fail(p, "a constant of a concrete dtype");
	}
}

static int stmt_const(struct parser *p)
{
	char buf[IR_MAX_NAME + 1];
	struct accel_shape s;
	enum accel_dtype dt;
	unsigned char *data;
	size_t esize;
	int64_t n, i;
	int ret;

	ret = expect(p, '%');
	if (!ret)
		ret = name(p, buf, sizeof(buf));
	if (!ret)
		ret = expect(p, ':');
	if (!ret)
		ret = type(p, &dt, &s);
	if (!ret)
		ret = expect(p, '=');
	if (!ret)
		ret = expect(p, '[');
	if (ret)
		return ret;
	n = accel_shape_numel(&s);
	esize = accel_dtype_size(dt);
	if (n < 0 || !esize)
		return ir_error(p->err, EINVAL, "line %d: constant '%s' needs a constant shape "
				"and a concrete dtype", p->line, buf);
	/* Bound the allocation by what the text can hold: an element takes at
	 * least two characters ("0,"). */
	if ((uint64_t)n > strlen(p->s) / 2 + 1)
		return ir_error(p->err, EINVAL, "line %d: constant '%s' lists fewer than %lld "
				"elements", p->line, buf, (long long)n);
	data = malloc(n ? (size_t)n * esize : 1);
	if (!data)
		return ir_error(p->err, ENOMEM, "out of memory");
	for (i = 0; i < n && !ret; i++) {
		if (i)
			ret = expect(p, ',');
		if (!ret)
			ret = element(p, dt, data + i * esize);
	}
	if (!ret)
		ret = accept(p, ']') ? 0 : fail(p, "']' after exactly as many elements as the shape holds");
	if (!ret)
		ret = with_line(p, accel_graph_add_const(p->g, buf, dt, &s, data, NULL, p->err));
	free(data);
	return ret;
}

static int attr_value(struct parser *p, enum accel_op op, struct accel_attr *a)
{
	const struct op_attr_spec *spec;
	char buf[32];
	uint32_t cap = IR_MAX_IO;
	int ret;

	ret = ident(p, buf, sizeof(buf));
	if (ret)
		return ret;
	spec = op_attr_spec(op, buf);
	if (!spec)
		return ir_error(p->err, EINVAL, "line %d: %s has no attribute '%s'", p->line,
				accel_op_name(op), buf);
	a->name = spec->name;
	a->kind = spec->kind;
	ret = expect(p, '=');
	if (ret)
		return ret;
	switch (spec->kind) {
	case ACCEL_ATTR_INT:
		return parse_int(p, &a->i);
	case ACCEL_ATTR_FLOAT:
		return parse_double(p, &a->f);
	case ACCEL_ATTR_INTS:
		a->ints = malloc(cap * sizeof(*a->ints));
		if (!a->ints)
			return -ENOMEM;
		ret = expect(p, '[');
		if (ret || accept(p, ']'))
			return ret;
		do {
			if (a->n == cap)
				return fail(p, "fewer entries");
			ret = parse_int(p, &a->ints[a->n++]);
		} while (!ret && accept(p, ','));
		return ret ? ret : expect(p, ']');
	case ACCEL_ATTR_DIMS:
		a->dims = malloc(cap * sizeof(*a->dims));
		if (!a->dims)
			return -ENOMEM;
		a->n = cap;
		return dim_list(p, a->dims, &a->n);
	}
	return fail(p, "an attribute");
}

/* A node statement; the first '%' is already seen. */
static int stmt_node(struct parser *p)
{
	struct accel_value *ins[IR_MAX_IO], *outs[IR_MAX_IO];
	struct accel_attr attrs[16] = { { 0 } };
	struct {
		char name[IR_MAX_NAME + 1];
		bool typed;
		enum accel_dtype dt;
		struct accel_shape s;
	} *decl;
	const char *names[IR_MAX_IO];
	uint32_t nout = 0, nin = 0, nattr = 0, i;
	char opname[32];
	enum accel_op op;
	int ret;

	decl = calloc(IR_MAX_IO, sizeof(*decl));
	if (!decl)
		return -ENOMEM;
	do {
		if (nout == IR_MAX_IO) {
			ret = fail(p, "fewer outputs");
			goto out;
		}
		ret = expect(p, '%');
		if (!ret)
			ret = name(p, decl[nout].name, sizeof(decl[nout].name));
		if (!ret && accept(p, ':')) {
			decl[nout].typed = true;
			ret = type(p, &decl[nout].dt, &decl[nout].s);
		}
		if (ret)
			goto out;
		names[nout] = decl[nout].name;
		nout++;
	} while (accept(p, ','));
	ret = expect(p, '=');
	if (!ret)
		ret = ident(p, opname, sizeof(opname));
	if (ret)
		goto out;
	op = accel_op_from_name(opname);
	if (op == ACCEL_OP_INVALID) {
		ret = ir_error(p->err, EINVAL, "line %d: unknown op '%s'", p->line, opname);
		goto out;
	}
	ret = expect(p, '(');
	if (ret)
		goto out;
	if (!accept(p, ')')) {
		do {
			if (nin == IR_MAX_IO) {
				ret = fail(p, "fewer inputs");
				goto out;
			}
			if (accept(p, '_'))
				ins[nin++] = NULL;
			else
				ret = lookup(p, &ins[nin++]);
		} while (!ret && accept(p, ','));
		if (!ret)
			ret = expect(p, ')');
		if (ret)
			goto out;
	}
	if (accept(p, '{')) {
		do {
			if (nattr == sizeof(attrs) / sizeof(attrs[0])) {
				ret = fail(p, "fewer attributes");
				goto out;
			}
			ret = attr_value(p, op, &attrs[nattr++]);
		} while (!ret && accept(p, ','));
		if (!ret)
			ret = expect(p, '}');
		if (ret)
			goto out;
	}
	ret = with_line(p, accel_graph_add_node(p->g, op, ins, nin, attrs, nattr, nout, names,
						outs, p->err));
	if (ret)
		goto out;
	for (i = 0; i < nout; i++)
		if (decl[i].typed) {
			outs[i]->dtype = decl[i].dt;
			outs[i]->shape = decl[i].s;
		}
out:
	for (i = 0; i < nattr; i++)
		ir_attr_free(&attrs[i]);
	free(decl);
	return ret;
}

static int graph(struct parser *p)
{
	char buf[IR_MAX_NAME + 1];
	struct accel_value *v;
	int ret;

	if (!keyword(p, "graph"))
		return fail(p, "'graph'");
	ret = name(p, buf, sizeof(buf));
	if (!ret)
		ret = accel_graph_create(buf, &p->g) ? -ENOMEM : 0;
	if (!ret)
		ret = expect(p, '{');
	while (!ret && !accept(p, '}')) {
		if (keyword(p, "input")) {
			ret = stmt_input(p);
		} else if (keyword(p, "const")) {
			ret = stmt_const(p);
		} else if (keyword(p, "output")) {
			ret = lookup(p, &v);
			if (!ret)
				ret = with_line(p, accel_graph_mark_output(p->g, v, p->err));
		} else {
			skip_ws(p);
			ret = *p->s == '%' ? stmt_node(p) : fail(p, "a statement or '}'");
		}
	}
	skip_ws(p);
	if (!ret && *p->s)
		ret = fail(p, "the end of the text");
	return ret;
}

int accel_graph_parse(const char *text, struct accel_graph **out, struct accel_ir_error *err)
{
	struct parser p = { .s = text, .err = err, .line = 1 };
	int ret;

	*out = NULL;
	ret = graph(&p);
	if (ret) {
		if (ret == -ENOMEM && err && !err->msg[0])
			ir_error(err, ENOMEM, "out of memory");
		accel_graph_destroy(p.g);
		return ret;
	}
	*out = p.g;
	return 0;
}
