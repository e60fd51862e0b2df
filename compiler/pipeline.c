// SPDX-License-Identifier: MIT
/*
 * pipeline.c - the compile report and the standard pass pipeline.
 *
 * Every pass appends one line per change it made (or a summary line) to an
 * optional report, so `what did the compiler do to my model` has a plain
 * text answer, and tests can assert on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_priv.h"

struct accel_report {
	char *text;
	size_t len, cap;
	bool oom;
};

int accel_report_create(struct accel_report **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void accel_report_destroy(struct accel_report *r)
{
	if (!r)
		return;
	free(r->text);
	free(r);
}

const char *accel_report_text(const struct accel_report *r)
{
	return r->text ? r->text : "";
}

void report_add(struct accel_report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r || r->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (r->len + (size_t)n + 2 > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;
		char *t;

		while (cap < r->len + (size_t)n + 2)
			cap *= 2;
		t = realloc(r->text, cap);
		if (!t) {
			r->oom = true;	/* a report is advisory: keep compiling */
			return;
		}
		r->text = t;
		r->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(r->text + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	r->len += (size_t)n;
	r->text[r->len++] = '\n';
	r->text[r->len] = 0;
}

int accel_graph_optimize(struct accel_graph *g, struct accel_report *r,
			 struct accel_ir_error *err)
{
	int ret;

	ret = accel_pass_infer_shapes(g, r, err);
	if (!ret)
		ret = accel_pass_fold_constants(g, r, err);
	if (!ret)
		ret = accel_pass_dce(g, r, err);
	if (!ret)
		ret = accel_pass_cse(g, r, err);
	if (!ret)
		ret = accel_pass_dce(g, r, err);
	/* Folding and CSE changed producers: refresh types and contents. */
	if (!ret)
		ret = accel_pass_infer_shapes(g, r, err);
	return ret;
}
