// SPDX-License-Identifier: MIT
/*
 * text_dump.c - the graph as text (grammar in Documentation/compiler.rst).
 *
 * The output is exact: floats print as C99 hex floats, so parsing the text
 * back gives a graph that dumps to the same bytes. Names that are not plain
 * identifiers (ONNX's "/layer/Add_output_0" is) are quoted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->p ? o->p + o->len : NULL, o->p ? o->cap - o->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = true;
			return;
		}
		if (o->p && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = o->cap ? 2 * o->cap : 4096;
		char *p;

		while (cap <= o->len + (size_t)n)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
}

/* Characters a bare name may hold; the parser uses the same set. */
static bool bare_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
}

static void out_name(struct out *o, const char *name)
{
	const unsigned char *s;
	bool bare = name[0] != 0;

	for (s = (const unsigned char *)name; *s; s++)
		bare = bare && bare_char((char)*s);
	/* "%a:" would read as the name "a" and a type: quote a trailing ':'. */
	if (bare && name[strlen(name) - 1] == ':')
		bare = false;
	if (bare) {
		outf(o, "%s", name);
		return;
	}
	outf(o, "\"");
	for (s = (const unsigned char *)name; *s; s++) {
		if (*s == '"' || *s == '\\')
			outf(o, "\\%c", *s);
		else if (*s < 0x20 || *s >= 0x7f)
			outf(o, "\\x%02x", *s);
		else
			outf(o, "%c", *s);
	}
	outf(o, "\"");
}

static void out_dim(struct out *o, const struct accel_graph *g, struct accel_dim d)
{
	char buf[1024];

	dim_format(g->syms, d, buf, sizeof(buf));
	outf(o, "%s", buf);
}

static void out_type(struct out *o, const struct accel_graph *g, const struct accel_value *v)
{
	int i;

	outf(o, "%s[", accel_dtype_name(v->dtype));
	if (v->shape.rank < 0)
		outf(o, "*");
	for (i = 0; i < v->shape.rank; i++) {
		outf(o, i ? ", " : "");
		out_dim(o, g, v->shape.dims[i]);
	}
	outf(o, "]");
}

static bool has_type(const struct accel_value *v)
{
	return v->dtype != ACCEL_DT_UNDEF || v->shape.rank >= 0;
}

static void out_value_decl(struct out *o, const struct accel_graph *g,
			   const struct accel_value *v)
{
	outf(o, "%%");
	out_name(o, v->name);
	if (has_type(v)) {
		outf(o, ": ");
		out_type(o, g, v);
	}
}

static void out_data(struct out *o, const struct accel_value *v)
{
	size_t esize = accel_dtype_size(v->dtype), n = esize ? v->nbytes / esize : 0, i;
	const unsigned char *p = v->data;

	outf(o, "[");
	for (i = 0; i < n; i++) {
		outf(o, i ? ", " : "");
		switch (v->dtype) {
		case ACCEL_DT_F32: {
			float f;

			memcpy(&f, p + 4 * i, 4);
			outf(o, "%a", (double)f);
			break;
		}
		case ACCEL_DT_I64: {
			int64_t x;

			memcpy(&x, p + 8 * i, 8);
			outf(o, "%lld", (long long)x);
			break;
		}
		case ACCEL_DT_I32: {
			int32_t x;

			memcpy(&x, p + 4 * i, 4);
			outf(o, "%d", x);
			break;
		}
		case ACCEL_DT_BF16:
		case ACCEL_DT_F16: {
			uint16_t x;

			/* Raw bits: there is no C type to print them through. */
			memcpy(&x, p + 2 * i, 2);
			outf(o, "%u", x);
			break;
		}
		case ACCEL_DT_I8:
			outf(o, "%d", (int8_t)p[i]);
			break;
		case ACCEL_DT_BOOL:
			outf(o, "%u", p[i] ? 1u : 0u);
			break;
		default:
			break;
		}
	}
	outf(o, "]");
}

static void out_attr(struct out *o, const struct accel_graph *g, const struct accel_attr *a)
{
	uint32_t i;

	outf(o, "%s=", a->name);
	switch (a->kind) {
	case ACCEL_ATTR_INT:
		outf(o, "%lld", (long long)a->i);
		break;
	case ACCEL_ATTR_FLOAT:
		outf(o, "%a", a->f);
		break;
	case ACCEL_ATTR_INTS:
		outf(o, "[");
		for (i = 0; i < a->n; i++)
			outf(o, "%s%lld", i ? ", " : "", (long long)a->ints[i]);
		outf(o, "]");
		break;
	case ACCEL_ATTR_DIMS:
		outf(o, "[");
		for (i = 0; i < a->n; i++) {
			outf(o, i ? ", " : "");
			out_dim(o, g, a->dims[i]);
		}
		outf(o, "]");
		break;
	}
}

static void out_node(struct out *o, const struct accel_graph *g, const struct accel_node *n)
{
	uint32_t i;

	outf(o, "  ");
	for (i = 0; i < n->noutputs; i++) {
		outf(o, i ? ", " : "");
		out_value_decl(o, g, n->outputs[i]);
	}
	outf(o, " = %s(", accel_op_name(n->op));
	for (i = 0; i < n->ninputs; i++) {
		outf(o, i ? ", " : "");
		if (n->inputs[i]) {
			outf(o, "%%");
			out_name(o, n->inputs[i]->name);
		} else {
			outf(o, "_");
		}
	}
	outf(o, ")");
	if (n->nattrs) {
		outf(o, " {");
		for (i = 0; i < n->nattrs; i++) {
			outf(o, i ? ", " : "");
			out_attr(o, g, &n->attrs[i]);
		}
		outf(o, "}");
	}
	outf(o, "\n");
}

char *accel_graph_dump(const struct accel_graph *g)
{
	struct out o = { 0 };
	uint32_t i;

	outf(&o, "graph ");
	out_name(&o, g->name);
	outf(&o, " {\n");
	for (i = 0; i < g->ninputs; i++) {
		outf(&o, "  input ");
		out_value_decl(&o, g, g->inputs[i]);
		outf(&o, "\n");
	}
	for (i = 0; i < g->nvalues; i++) {
		const struct accel_value *v = g->values[i];

		if (v->kind != ACCEL_VALUE_CONST || v->dead)
			continue;
		outf(&o, "  const ");
		out_value_decl(&o, g, v);
		outf(&o, " = ");
		out_data(&o, v);
		outf(&o, "\n");
	}
	for (i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead)
			out_node(&o, g, g->nodes[i]);
	for (i = 0; i < g->noutputs; i++) {
		outf(&o, "  output %%");
		out_name(&o, g->outputs[i]->name);
		outf(&o, "\n");
	}
	outf(&o, "}\n");
	if (o.oom) {
		free(o.p);
		return NULL;
	}
	return o.p;
}

int accel_graph_dump_file(const struct accel_graph *g, FILE *f)
{
	char *s = accel_graph_dump(g);
	int ret = 0;

	if (!s)
		return -ENOMEM;
	if (fputs(s, f) == EOF)
		ret = -EIO;
	free(s);
	return ret;
}

void accel_dim_format(const struct accel_graph *g, struct accel_dim d, char *buf, size_t len)
{
	dim_format(g->syms, d, buf, len);
}
